// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "chattypes.h"

#include <QHash>
#include <QPointer>
#include <QTimer>
#include <QWidget>

#include <functional>

class QFrame;
class QHBoxLayout;
class QLabel;
class QLineEdit;
class QListView;
class QSortFilterProxyModel;
class QSplitter;
class QStackedLayout;
class QStackedWidget;
class QToolButton;

namespace Cohort::Client {
class ChatClient;
class Connection;
class MessageModel;
}

namespace Cohort::Ui {

class Composer;
class CoursesPane;
class EmptyState;
class MembersPanel;
class MessageBanner;
class MessageView;
class SearchPanel;

/// The Chat pane: the room list, the open room's timeline and composer, and a side panel with
/// a thread, the members or search results. Shows the courses page (join or create a course)
/// while the user has no room at all.
class ChatPane : public QWidget
{
    Q_OBJECT
public:
    ChatPane(Client::ChatClient *client, Client::Connection *connection, QWidget *parent = nullptr);
    ~ChatPane() override;

    Client::ChatClient *chatClient() const { return m_client; }
    CoursesPane *coursesPane() const { return m_courses; }
    RoomId currentRoom() const { return m_room; }
    void openRoom(RoomId room);
    /// Opens the room of a search result and shows the message in context.
    void showSearchResult(const Client::SearchResult &result);
    void openThread(qint64 root);
    void showMembers();
    void showSearch();

    // For tests and screenshots
    QListView *roomList() const { return m_roomList; }
    MessageView *messageView() const { return m_view; }
    MessageView *threadView() const { return m_threadView; }
    Composer *composer() const { return m_composer; }
    Composer *threadComposer() const { return m_threadComposer; }
    QLabel *typingLabel() const { return m_typing; }
    QToolButton *attachButton() const { return m_attach; }
    QToolButton *threadAttachButton() const { return m_threadAttach; }
    /// The chips of the files waiting to go with the next message in the open room.
    QWidget *attachmentStrip() const { return m_attachmentStrip; }
    /// The same for the next reply in the open thread.
    QWidget *threadAttachmentStrip() const { return m_threadAttachmentStrip; }
    /// Uploads files for the next message in the open room (the attach button, drops, pastes).
    void attachFiles(const QStringList &paths);
    void attachImage(const QImage &image);

Q_SIGNALS:
    /// A DM or mention arrived while the window is not active (respecting mute and dnd).
    void notificationWanted(const QString &title, const QString &body);

protected:
    void changeEvent(QEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    QWidget *buildRoomColumn();
    QWidget *buildCenter();
    QWidget *buildSidePanel();
    void retranslateUi();
    void updateIcons();
    void updatePage();
    void updateHeader();
    void updateTyping();
    void updatePresenceButton();
    void updateRoomEmpty();
    void saveDraft();
    /// Empties the pane of the account that signed out: its room, thread, typed text, files
    /// and search.
    void clearAccount();
    void markReadIfVisible();
    void editLastOwnMessage();
    void showContextMenu(MessageView *view, const QModelIndex &index, const QPoint &globalPos);
    void toggleReaction(Client::MessageModel *model, qint64 seq, const QString &emoji);
    void loadMembers();
    void runSearch(const QString &query);
    void newRoom();
    void newDirectMessage();
    void addPeople();
    /// Calls `use` with everyone who shares a course with the user (course.members).
    void withCoursePeople(const std::function<void(const QList<UserInfo> &)> &use);
    void browseStudyGroups();
    void showError(const QString &text);
    QString memberName(UserId user) const;
    bool isModerator() const;
    /// What the members panel offers (remove, roles), from the user's role in the open room.
    void updateModeration();
    /// Where files wait for the next message: the conversation's composer or the thread's.
    enum class FileTarget { Conversation, Thread };
    /// The room and thread root (0: the conversation) whose next message the target's files go
    /// with; no thread open: an invalid room.
    std::pair<RoomId, qint64> fileSlot(FileTarget target) const;
    Composer *composerOf(FileTarget target) const;
    void attachFilesTo(FileTarget target, const QStringList &paths);
    void attachImageTo(FileTarget target, const QImage &image);
    /// Sends the composer's text with the target's finished files; failed ones stay as chips.
    void submit(FileTarget target, const QString &text);
    /// Shows the chips of both targets.
    void updateAttachmentStrip();
    void fillStrip(FileTarget target);
    void onAttachmentClicked(MessageView *view, qint64 seq, int attachment, bool save);
    void openFile(const QString &path);
    void saveFile(const AttachmentInfo &attachment);
    void onDownloadFinished(const QString &id, const QString &path);

    Client::ChatClient *m_client;
    Client::Connection *m_connection;
    RoomId m_room;
    QPointer<Client::MessageModel> m_model;
    QPointer<Client::MessageModel> m_threadModel;
    QTimer m_draftTimer;
    bool m_coursesOpenedByUser = false;

    QStackedLayout *m_pages;
    QWidget *m_coursesPage;
    CoursesPane *m_courses;
    QToolButton *m_backToChat;
    QSplitter *m_splitter;

    QLabel *m_title;
    QToolButton *m_presence;
    QToolButton *m_newMenu;
    QLineEdit *m_filter;
    QListView *m_roomList;
    QSortFilterProxyModel *m_roomProxy;

    QFrame *m_headerRule;
    QLabel *m_roomName;
    QLabel *m_roomTopic;
    QToolButton *m_searchButton;
    QToolButton *m_membersButton;
    QToolButton *m_roomMenu;
    MessageBanner *m_error;
    QStackedLayout *m_viewStack;
    EmptyState *m_roomEmpty;
    EmptyState *m_noRoom;
    MessageView *m_view;
    QLabel *m_typing;
    QLabel *m_editBanner;
    QToolButton *m_emoji;
    QToolButton *m_attach;
    QWidget *m_attachmentStrip;
    QHBoxLayout *m_chips;
    Composer *m_composer;
    QToolButton *m_send;

    QStackedWidget *m_side;
    QLabel *m_threadTitle;
    QToolButton *m_threadClose;
    MessageView *m_threadView;
    QToolButton *m_threadAttach;
    QWidget *m_threadAttachmentStrip;
    QHBoxLayout *m_threadChips;
    Composer *m_threadComposer;
    MembersPanel *m_membersPanel;
    SearchPanel *m_searchPanel;

    /// Upload keys for the next message of each room (thread root 0) and thread.
    QHash<std::pair<RoomId, qint64>, QStringList> m_attachments;
    /// What to do with a file once its download is done: open it (empty target) or copy it
    /// to the target path.
    QHash<QString, QString> m_fileActions;
};

} // namespace Cohort::Ui
