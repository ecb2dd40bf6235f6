// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "codetypes.h"

#include <QHash>
#include <QPointer>
#include <QTimer>
#include <QWidget>

class QAction;
class QLabel;
class QListWidget;
class QMenu;
class QShortcut;
class QSplitter;
class QStackedLayout;
class QStackedWidget;
class QTabWidget;
class QToolButton;

namespace Cohort::Client {
class CodeClient;
class CodeSession;
class CodeSessionFile;
class Connection;
struct Reply;
}

namespace Cohort::Ui {

class CodeView;
class CommentsPanel;
class ElidedLabel;
class EmptyState;
class FileTreePanel;
class MessageBanner;
class ParticipantsPanel;

/// The Code pane: the list of code sessions (create, join, join with a code), and a joined
/// session as a small project: the file tree with who is where, one collaborative editor per
/// open file with the others' cursors, the participants with roles and Follow buttons, the
/// comment threads, and the host's tools (lecture mode, lock, access code, versions).
/// Typing goes into the editor's replica at once; CodeSessionFile sends it in the background.
class CodePane : public QWidget
{
    Q_OBJECT
public:
    CodePane(Client::CodeClient *client, Client::Connection *connection, QWidget *parent = nullptr);
    ~CodePane() override;

    Client::CodeClient *codeClient() const { return m_client; }
    Client::CodeSession *session() const;
    /// Loads the session list again (code.list).
    void refreshSessions();
    /// Joins a session and shows it (the list stays one click away).
    void openSession(Client::CodeSessionId id, const QString &accessCode = QString());
    void leaveSession();
    void openFile(Client::CodeFileId file);
    Client::CodeFileId currentFile() const { return m_currentFile; }
    CodeView *viewFor(Client::CodeFileId file) const { return m_views.value(file); }
    CodeView *currentView() const { return m_views.value(m_currentFile); }
    /// Imports text files from disk as new files of the session (what Import does after its
    /// file dialog).
    void importPaths(const QStringList &paths);
    /// Writes every file, and the comment threads as COMMENTS.md, into a folder or a zip
    /// (what Export does after its file dialog).
    void exportTo(const QString &target, bool zip);

    // For tests and screenshots
    QListWidget *sessionList() const { return m_sessionList; }
    EmptyState *noSessionsState() const { return m_noSessions; }
    FileTreePanel *fileTree() const { return m_files; }
    ParticipantsPanel *participantsPanel() const { return m_people; }
    CommentsPanel *commentsPanel() const { return m_comments; }
    QTabWidget *sideTabs() const { return m_side; }
    MessageBanner *followBanner() const { return m_followBanner; }
    QToolButton *stopFollowButton() const { return m_stopFollow; }
    MessageBanner *roleBanner() const { return m_roleBanner; }
    EmptyState *centerState() const { return m_centerState; }
    QToolButton *lectureButton() const { return m_lecture; }
    QAction *lockAction() const { return m_lock; }
    QAction *approvalAction() const { return m_approval; }
    /// Lists the archived sessions I own too (an admin: every archived session, with its
    /// owner's name), greyed, with Unarchive and Delete.
    QToolButton *showArchivedButton() const { return m_showArchived; }
    /// The open session's own menu (its owner and admins): Archive, Unarchive, Delete.
    QToolButton *sessionMenuButton() const { return m_sessionMenu; }
    QAction *archiveAction() const { return m_archive; }
    QAction *unarchiveAction() const { return m_unarchive; }
    QAction *deleteAction() const { return m_delete; }
    /// Asks before leaving (Leave, another session) a session whose refused edits could not be
    /// kept on this computer (no local cache); true: leave. Modal. With the cache nothing is
    /// asked: unsent and refused edits stay there for the next time the session is opened.
    bool confirmLeaving();
    /// Edits the server refused for good (CodeSession::refusedEdits()): the latest of the
    /// current file, else of another one (a deleted file, a session closed to me), with the
    /// actions below; saving or dismissing it shows the next one kept, if any.
    MessageBanner *refusedBanner() const { return m_refusedBanner; }
    QToolButton *saveCopyButton() const { return m_saveCopy; }
    QToolButton *copyRefusedButton() const { return m_copyRefused; }
    QToolButton *dismissRefusedButton() const { return m_dismissRefused; }
    /// The file the refused-edits banner is about (invalid: hidden).
    Client::CodeFileId refusedFile() const { return m_refusedFile; }
    /// Which kept text (CodeSession::RefusedEdits::id) the banner offers (0: hidden).
    qint64 refusedEditsId() const { return m_refusedId; }
    /// The actions a listed session offers me (what its context menu shows; empty if none).
    /// The caller owns the menu.
    QMenu *listMenu(Client::CodeSessionId id);
    /// Archives, unarchives or deletes the session after asking (archive, delete) with its title.
    void archiveSession(const Client::CodeSessionInfo &info);
    void unarchiveSession(const Client::CodeSessionInfo &info);
    void deleteSession(const Client::CodeSessionInfo &info);

protected:
    void changeEvent(QEvent *event) override;
    void showEvent(QShowEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    /// A refused archive, unarchive or delete, shown where the user is.
    void showLifecycleError(const QString &text);
    QWidget *buildListPage();
    QWidget *buildSessionPage();
    void retranslateUi();
    void bindSession(Client::CodeSession *session);
    void updateSessionPage();
    void updateToolbar();
    void updateBanners();
    void updateCenter();
    void updateSyncLabel();
    void refreshFiles();
    CodeView *createView(Client::CodeSessionFile *file);
    void loadView(CodeView *view, Client::CodeSessionFile *file);
    void closeView(Client::CodeFileId file);
    void showCursors(Client::CodeFileId file);
    void showCursor(Client::CodeFileId file, UserId user);
    void showComments(Client::CodeFileId file);
    void sendLocalSelection();
    void updateCommentTarget();
    void jumpToComment(Client::CodeFileId file, Client::CodeCommentId thread);
    void addComment(Client::CodeFileId file, int firstLine, int lastLine, const QString &text);

    void newSession();
    void joinWithCode();
    void newFile(const QString &folder);
    void renameFile(Client::CodeFileId file);
    void deleteFile(Client::CodeFileId file);
    void importFiles();
    void exportFiles(bool zip);
    void writeExport(const QString &target, bool zip, QList<Client::ExportedFile> files);
    QString commentsReport() const;
    void editAccessCode();
    void showError(const Client::CodeSession *session, const QString &text);
    /// Whether I may archive, unarchive and delete the session (its owner, or an admin).
    bool mayManage(const Client::CodeSessionInfo &info) const;
    QStringList filePaths() const;
    void updateRefusedBanner();
    /// Asks where (a file dialog, "<name> (my copy).<ext>" proposed) and writes the kept text.
    void saveRefusedCopy();
    void writeRefusedCopy(qint64 id, const QString &target);
    /// After leaving a session: says once what stayed on this computer for the next time.
    void noteKeptChanges(MessageBanner *banner, int unsentFiles, int refusedTexts);
    /// Asks for a page of the session list: the first (`before` 0) replaces the list, a later
    /// one (the oldest id listed) is added at its end.
    void listSessions(qint64 before);
    void showSessions(const Client::Reply &reply, const QList<Client::CodeSessionInfo> &sessions, qint64 before);

    Client::CodeClient *m_client;
    Client::Connection *m_connection;
    QPointer<Client::CodeSession> m_session;
    /// The sessions of the list, by id, for its context menu.
    QHash<Client::CodeSessionId, Client::CodeSessionInfo> m_listed;
    /// Counts the lists asked for: a page answered after the list was asked for again (the
    /// Archived switch, a refresh) belongs to the old one and is dropped.
    quint64 m_listGeneration = 0;
    qint64 m_olderAsked = 0; // the page after this session id is on its way
    Client::CodeFileId m_currentFile;
    QHash<Client::CodeFileId, CodeView *> m_views;
    /// Imported text too large for file.create, typed into the file once its editor is loaded.
    QHash<Client::CodeFileId, QString> m_pendingImports;
    /// Where the followed person's view is in a file whose text has not arrived yet.
    QHash<Client::CodeFileId, int> m_pendingTopLines;
    bool m_openedFirstFile = false;
    QTimer m_filesTimer;
    QTimer m_cursorTimer;

    QStackedLayout *m_pages;
    // The session list
    QLabel *m_listTitle;
    QToolButton *m_newSession;
    QToolButton *m_joinCode;
    QToolButton *m_refresh;
    QToolButton *m_showArchived;
    MessageBanner *m_listError;
    QStackedLayout *m_listStack;
    QListWidget *m_sessionList;
    EmptyState *m_noSessions;
    QToolButton *m_emptyNew;
    QToolButton *m_emptyJoin;
    // A session
    QToolButton *m_back;
    ElidedLabel *m_title;
    QLabel *m_roleBadge;
    ElidedLabel *m_sync;
    QToolButton *m_lecture;
    QToolButton *m_access;
    QAction *m_lock;
    QAction *m_approval;
    QAction *m_codeInfo;
    QAction *m_accessCode;
    QToolButton *m_versions;
    QToolButton *m_comment;
    QToolButton *m_leave;
    QToolButton *m_sessionMenu;
    QAction *m_archive;
    QAction *m_unarchive;
    QAction *m_delete;
    MessageBanner *m_error;
    QWidget *m_followRow;
    MessageBanner *m_followBanner;
    QToolButton *m_stopFollow;
    MessageBanner *m_roleBanner;
    QWidget *m_refusedRow;
    MessageBanner *m_refusedBanner;
    QToolButton *m_saveCopy;
    QToolButton *m_copyRefused;
    QToolButton *m_dismissRefused;
    Client::CodeFileId m_refusedFile;
    qint64 m_refusedId = 0;
    QSplitter *m_splitter;
    FileTreePanel *m_files;
    QStackedWidget *m_center;
    EmptyState *m_centerState;
    QToolButton *m_retryJoin;
    QToolButton *m_centerNewFile;
    QToolButton *m_centerImport;
    QTabWidget *m_side;
    ParticipantsPanel *m_people;
    CommentsPanel *m_comments;
    QShortcut *m_escape;
};

} // namespace Cohort::Ui
