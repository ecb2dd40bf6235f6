// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "chattypes.h"
#include "outboxitem.h"

#include <QAbstractListModel>

namespace Cohort::Client {

/// The messages of one room (or of one thread), oldest first: stored messages ordered by seq,
/// then our pending and failed ones. History arrives in pages from the past (prependPage), live
/// events at the end (addMessage); edits, deletions and reactions change rows in place.
///
/// The view-specific facts a delegate needs to lay out a row (grouping with the previous
/// message, day separator, the "new messages" line) are roles computed from the neighbours.
class MessageModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Roles {
        SeqRole = Qt::UserRole + 1,
        TimestampRole,
        SenderIdRole,
        SenderNameRole,
        TextRole,
        StateRole,           // ChatMessage::State as int
        OwnRole,             // sent by the signed-in user
        GroupedRole,         // same sender, same minute and day as the previous row: no header
        DaySeparatorRole,    // the first row of a calendar day (local time)
        UnreadLineRole,      // the first unread row: the "new messages" line goes above it
        DeletedRole,
        EditedRole,
        SystemRole,
        ReplyCountRole,
        MentionsMeRole,
        ClientIdRole,
        NewRepliesRole,      // replies that arrived while their thread was not open
    };

    /// `threadRoot` 0: the room's main timeline (top-level messages); otherwise the root message
    /// and the replies of that thread.
    explicit MessageModel(RoomId room, UserId me, qint64 threadRoot = 0, QObject *parent = nullptr);

    RoomId roomId() const { return m_room; }
    qint64 threadRoot() const { return m_threadRoot; }
    UserId me() const { return m_me; }

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    const ChatMessage &message(int row) const;
    /// The row of the stored message with this seq, or -1.
    int rowOfSeq(qint64 seq) const;
    /// The newest stored message's seq, 0 when none.
    qint64 newestSeq() const;
    qint64 oldestSeq() const;
    /// Whether `message` belongs in this model (main timeline or this thread).
    bool accepts(const ChatMessage &message) const;

    /// Older messages (oldest first), all older than what the model has.
    void prependPage(const QList<ChatMessage> &page, bool hasMoreBefore);
    /// Replaces everything (first page, a jump to a search result, a reset after reconnect).
    void resetMessages(const QList<ChatMessage> &messages, bool hasMoreBefore);
    bool hasMoreBefore() const { return m_hasMoreBefore; }
    /// Whether a page of older history was asked for and has not arrived yet.
    bool isLoadingHistory() const { return m_loadingHistory; }
    void setLoadingHistory(bool loading) { m_loadingHistory = loading; }

    /// A stored message (live event or replay); ignored when its seq is already there. Replaces
    /// the pending row with the same clientId.
    void addMessage(const ChatMessage &message);
    void addPending(const OutboxItem &item);
    void setPendingFailed(const QString &clientId, bool failed);
    void removePending(const QString &clientId);

    void applyEdit(qint64 seq, const QString &text, qint64 editedAt, const QList<UserId> &mentions, bool mentionsRoom);
    void applyDelete(qint64 seq);
    void applyReaction(qint64 seq, const QString &emoji, UserId user, bool on);
    /// A reply arrived in the thread of `root`: its reply count and last reply time change;
    /// unless `seen` (the thread is open), it counts as a new reply.
    void applyReply(qint64 root, qint64 timestamp, bool seen);
    /// The thread of `root` is on screen: its replies are no longer new.
    void markThreadSeen(qint64 root);
    int newReplies(qint64 root) const { return m_newReplies.value(root); }

    /// Messages with seq above this are unread; the line sits above the first one not sent by
    /// us. Set when the room is opened and kept while it stays open, as chat apps do.
    void setUnreadLineAfter(qint64 seq);
    qint64 unreadLineAfter() const { return m_unreadAfter; }
    /// The row that carries UnreadLineRole, or -1.
    int unreadLineRow() const;
    // The layout facts of GroupedRole and DaySeparatorRole, without a QVariant (the delegate
    // asks them for every row of a long history).
    bool isGrouped(int row) const;
    bool startsDay(int row) const;

Q_SIGNALS:
    /// A page of older messages was prepended (`count` rows at the top).
    void pagePrepended(int count);
    /// A message changed in a way that changes its height (text, reactions, deletion).
    void messageChanged(qint64 seq);

private:
    int storedCount() const { return int(m_messages.size()); }
    void changed(int row);
    static ChatMessage withDay(ChatMessage message);
    void invalidateUnreadRow() { m_unreadRow = -2; }

    RoomId m_room;
    UserId m_me;
    qint64 m_threadRoot = 0;
    QList<ChatMessage> m_messages; // stored, ascending seq
    QList<ChatMessage> m_pending;  // ours, not stored yet, in sending order
    bool m_hasMoreBefore = false;
    bool m_loadingHistory = false;
    qint64 m_unreadAfter = -1; // -1: no line
    mutable int m_unreadRow = -2; // cache of unreadLineRow(); -2: to compute
    QHash<qint64, int> m_newReplies; // thread root -> replies not seen
};

} // namespace Cohort::Client
