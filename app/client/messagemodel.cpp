// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "messagemodel.h"

#include <QDateTime>

#include <algorithm>
#include <limits>

namespace Cohort::Client {

namespace {
// Consecutive messages of one sender within this window share one header, as in Slack.
constexpr qint64 GroupWindowMs = 60 * 1000;

} // namespace

ChatMessage MessageModel::withDay(ChatMessage message)
{
    // Computed once per message: local time conversions are too slow to repeat per layout.
    message.localDay = int(QDate(1970, 1, 1).daysTo(QDateTime::fromMSecsSinceEpoch(message.timestamp).date()));
    return message;
}

bool MessageModel::isGrouped(int row) const
{
    const ChatMessage &m = message(row);
    if (row == 0 || m.isSystem() || (m_threadRoot > 0 && m.seq == m_threadRoot))
        return false;
    const ChatMessage &previous = message(row - 1);
    return !previous.isSystem() && previous.sender.id == m.sender.id && m.timestamp - previous.timestamp < GroupWindowMs
        && previous.localDay == m.localDay && row != unreadLineRow();
}

bool MessageModel::startsDay(int row) const
{
    return row == 0 || message(row - 1).localDay != message(row).localDay;
}

MessageModel::MessageModel(RoomId room, UserId me, qint64 threadRoot, QObject *parent)
    : QAbstractListModel(parent)
    , m_room(room)
    , m_me(me)
    , m_threadRoot(threadRoot)
{
}

int MessageModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_messages.size() + m_pending.size());
}

const ChatMessage &MessageModel::message(int row) const
{
    return row < storedCount() ? m_messages.at(row) : m_pending.at(row - storedCount());
}

QVariant MessageModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    const int row = index.row();
    const ChatMessage &m = message(row);
    switch (role) {
    case Qt::DisplayRole:
    case TextRole:
        return m.text;
    case SeqRole:
        return m.seq;
    case TimestampRole:
        return m.timestamp;
    case SenderIdRole:
        return m.sender.id.value();
    case SenderNameRole:
        return m.sender.displayName.isEmpty() ? m.sender.username : m.sender.displayName;
    case StateRole:
        return int(m.state);
    case OwnRole:
        return m.sender.id == m_me && !m.isSystem();
    case GroupedRole:
        return isGrouped(row);
    case DaySeparatorRole:
        return startsDay(row);
    case UnreadLineRole:
        return row == unreadLineRow();
    case DeletedRole:
        return m.deleted;
    case EditedRole:
        return m.edited;
    case SystemRole:
        return m.isSystem();
    case ReplyCountRole:
        return m.replyCount;
    case MentionsMeRole:
        return m.mentionsUser(m_me);
    case ClientIdRole:
        return m.clientId;
    case NewRepliesRole:
        return m_newReplies.value(m.seq);
    default:
        return {};
    }
}

QHash<int, QByteArray> MessageModel::roleNames() const
{
    return {{SeqRole, "seq"},           {TimestampRole, "timestamp"}, {SenderIdRole, "senderId"},
            {SenderNameRole, "senderName"}, {TextRole, "text"},       {StateRole, "state"},
            {OwnRole, "own"},           {GroupedRole, "grouped"},     {DaySeparatorRole, "daySeparator"},
            {UnreadLineRole, "unreadLine"}, {DeletedRole, "deleted"}, {EditedRole, "edited"},
            {SystemRole, "system"},     {ReplyCountRole, "replyCount"}, {MentionsMeRole, "mentionsMe"},
            {ClientIdRole, "clientId"},     {NewRepliesRole, "newReplies"}};
}

int MessageModel::rowOfSeq(qint64 seq) const
{
    const auto it = std::lower_bound(m_messages.cbegin(), m_messages.cend(), seq,
                                     [](const ChatMessage &m, qint64 s) { return m.seq < s; });
    if (it == m_messages.cend() || it->seq != seq)
        return -1;
    return int(it - m_messages.cbegin());
}

qint64 MessageModel::newestSeq() const
{
    return m_messages.isEmpty() ? 0 : m_messages.constLast().seq;
}

qint64 MessageModel::oldestSeq() const
{
    return m_messages.isEmpty() ? 0 : m_messages.constFirst().seq;
}

bool MessageModel::accepts(const ChatMessage &message) const
{
    if (m_threadRoot == 0)
        return message.threadRoot == 0;
    return message.seq == m_threadRoot || message.threadRoot == m_threadRoot;
}

void MessageModel::prependPage(const QList<ChatMessage> &page, bool hasMoreBefore)
{
    m_loadingHistory = false;
    m_hasMoreBefore = hasMoreBefore;
    const qint64 oldest = m_messages.isEmpty() ? std::numeric_limits<qint64>::max() : oldestSeq();
    QList<ChatMessage> older;
    for (const ChatMessage &m : page) {
        if (m.seq < oldest && accepts(m) && (older.isEmpty() || m.seq > older.constLast().seq))
            older.append(withDay(m));
    }
    if (older.isEmpty()) {
        Q_EMIT pagePrepended(0);
        return;
    }
    const int count = int(older.size());
    invalidateUnreadRow();
    beginInsertRows({}, 0, count - 1);
    older.append(m_messages);
    m_messages = std::move(older);
    endInsertRows();
    // The first old row may now group with or separate from the former first row.
    changed(count);
    Q_EMIT pagePrepended(count);
}

void MessageModel::resetMessages(const QList<ChatMessage> &messages, bool hasMoreBefore)
{
    beginResetModel();
    invalidateUnreadRow();
    m_messages.clear();
    m_messages.reserve(messages.size());
    for (const ChatMessage &m : messages) {
        if (accepts(m) && (m_messages.isEmpty() || m.seq > m_messages.constLast().seq))
            m_messages.append(withDay(m));
    }
    m_pending.erase(std::remove_if(m_pending.begin(), m_pending.end(),
                                   [this](const ChatMessage &p) {
                                       return std::any_of(m_messages.cbegin(), m_messages.cend(),
                                                          [&p](const ChatMessage &m) { return m.clientId == p.clientId; });
                                   }),
                    m_pending.end());
    m_hasMoreBefore = hasMoreBefore;
    m_loadingHistory = false;
    endResetModel();
}

void MessageModel::addMessage(const ChatMessage &message)
{
    if (!accepts(message) || message.seq <= 0 || rowOfSeq(message.seq) >= 0)
        return;
    if (!message.clientId.isEmpty())
        removePending(message.clientId);
    if (!m_messages.isEmpty() && message.seq < newestSeq()) {
        // A late arrival inside the loaded range (e.g. a thread reply fetched out of order).
        const auto it = std::lower_bound(m_messages.begin(), m_messages.end(), message.seq,
                                         [](const ChatMessage &m, qint64 s) { return m.seq < s; });
        const int row = int(it - m_messages.begin());
        invalidateUnreadRow();
        beginInsertRows({}, row, row);
        m_messages.insert(row, withDay(message));
        endInsertRows();
        changed(row + 1);
        return;
    }
    const int row = storedCount();
    invalidateUnreadRow();
    beginInsertRows({}, row, row);
    m_messages.append(withDay(message));
    endInsertRows();
    if (row + 1 < rowCount())
        changed(row + 1);
}

void MessageModel::addPending(const OutboxItem &item)
{
    if (item.roomId != m_room || (m_threadRoot == 0) != (item.threadRoot == 0)
        || (m_threadRoot > 0 && item.threadRoot != m_threadRoot))
        return;
    for (const ChatMessage &m : std::as_const(m_pending)) {
        if (m.clientId == item.clientId)
            return;
    }
    for (const ChatMessage &m : std::as_const(m_messages)) {
        if (!m.clientId.isEmpty() && m.clientId == item.clientId)
            return; // stored already (the event overtook the outbox's bookkeeping)
    }
    ChatMessage m;
    m.clientId = item.clientId;
    m.text = item.text;
    m.timestamp = item.createdAt;
    m.threadRoot = item.threadRoot;
    m.sender.id = m_me;
    m.state = item.status == OutboxItem::Status::Failed ? ChatMessage::State::Failed : ChatMessage::State::Pending;
    const int row = rowCount();
    beginInsertRows({}, row, row);
    m_pending.append(withDay(m));
    endInsertRows();
}

void MessageModel::setPendingFailed(const QString &clientId, bool failed)
{
    for (int i = 0; i < m_pending.size(); ++i) {
        if (m_pending.at(i).clientId == clientId) {
            m_pending[i].state = failed ? ChatMessage::State::Failed : ChatMessage::State::Pending;
            changed(storedCount() + i);
            return;
        }
    }
}

void MessageModel::removePending(const QString &clientId)
{
    for (int i = 0; i < m_pending.size(); ++i) {
        if (m_pending.at(i).clientId == clientId) {
            const int row = storedCount() + i;
            beginRemoveRows({}, row, row);
            m_pending.removeAt(i);
            endRemoveRows();
            return;
        }
    }
}

void MessageModel::applyEdit(qint64 seq, const QString &text, qint64 editedAt, const QList<UserId> &mentions,
                             bool mentionsRoom)
{
    const int row = rowOfSeq(seq);
    if (row < 0)
        return;
    ChatMessage &m = m_messages[row];
    m.text = text;
    m.edited = true;
    m.editedAt = editedAt;
    m.mentions = mentions;
    m.mentionsRoom = mentionsRoom;
    changed(row);
}

void MessageModel::applyDelete(qint64 seq)
{
    const int row = rowOfSeq(seq);
    if (row < 0)
        return;
    ChatMessage &m = m_messages[row];
    m.deleted = true;
    m.text.clear();
    m.reactions.clear();
    changed(row);
}

void MessageModel::applyReaction(qint64 seq, const QString &emoji, UserId user, bool on)
{
    const int row = rowOfSeq(seq);
    if (row >= 0 && m_messages[row].setReaction(emoji, user, on))
        changed(row);
}

void MessageModel::applyReply(qint64 root, qint64 timestamp, bool seen)
{
    const int row = rowOfSeq(root);
    if (row < 0)
        return;
    ++m_messages[row].replyCount;
    m_messages[row].lastReplyTs = timestamp;
    if (!seen)
        ++m_newReplies[root];
    changed(row);
}

void MessageModel::markThreadSeen(qint64 root)
{
    if (m_newReplies.remove(root))
        changed(rowOfSeq(root));
}

void MessageModel::setUnreadLineAfter(qint64 seq)
{
    const int before = unreadLineRow();
    m_unreadAfter = seq;
    invalidateUnreadRow();
    const int after = unreadLineRow();
    if (before >= 0)
        changed(before);
    if (after >= 0 && after != before)
        changed(after);
}

int MessageModel::unreadLineRow() const
{
    if (m_unreadRow != -2)
        return m_unreadRow;
    m_unreadRow = -1;
    if (m_unreadAfter < 0)
        return -1;
    const auto it = std::upper_bound(m_messages.cbegin(), m_messages.cend(), m_unreadAfter,
                                     [](qint64 s, const ChatMessage &m) { return s < m.seq; });
    for (auto i = it; i != m_messages.cend(); ++i) {
        if (i->sender.id != m_me && !i->isSystem()) {
            m_unreadRow = int(i - m_messages.cbegin());
            break;
        }
    }
    return m_unreadRow;
}

void MessageModel::changed(int row)
{
    if (row < 0 || row >= rowCount())
        return;
    const QModelIndex index = this->index(row);
    Q_EMIT dataChanged(index, index);
    Q_EMIT messageChanged(message(row).seq);
}

} // namespace Cohort::Client
