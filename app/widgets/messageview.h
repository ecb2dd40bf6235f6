// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include <QListView>

namespace Cohort::Client {
class MessageModel;
}

namespace Cohort::Ui {

class MessageDelegate;

/// A chat timeline: a QListView over a MessageModel that stays at the bottom while new messages
/// arrive (if the user was there), asks for older history when scrolled near the top and keeps
/// the visible message in place when that page is prepended.
class MessageView : public QListView
{
    Q_OBJECT
public:
    explicit MessageView(QWidget *parent = nullptr);

    void setMessageModel(Client::MessageModel *model);
    Client::MessageModel *messageModel() const { return m_model; }
    MessageDelegate *messageDelegate() const { return m_delegate; }
    /// Whether the newest message is fully on screen.
    bool isAtBottom() const;
    void scrollToNewest();
    /// Scrolls so the message is in view and selects it (a search result, "jump to unread").
    void showMessage(qint64 seq);

Q_SIGNALS:
    void olderHistoryWanted();
    /// The newest message came on screen (or a new one arrived while it was): reading position.
    void reachedBottom();
    void reactionClicked(qint64 seq, const QString &emoji);
    void threadClicked(qint64 seq);
    void retryClicked(const QString &clientId);
    /// A file of the message was clicked: open it, or (`save`) save it elsewhere.
    void attachmentClicked(qint64 seq, int attachment, bool save);
    void contextMenuWanted(const QModelIndex &index, const QPoint &globalPos);

protected:
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void contextMenuEvent(QContextMenuEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void onScrolled(int value);
    void checkBottom();
    void scheduleScrollToNewest();

    Client::MessageModel *m_model = nullptr;
    MessageDelegate *m_delegate;
    bool m_stickToBottom = true;
    qint64 m_anchorSeq = -1;
    int m_anchorOffset = 0;
    qint64 m_pendingShow = 0;
    bool m_unreadShown = false; // the view started at the "new messages" line once
    bool m_positioning = false; // moving to the unread line: scrolling to the bottom waits
};

} // namespace Cohort::Ui
