// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "roomlistmodel.h"

#include <algorithm>

namespace Cohort::Client {

namespace {
bool before(const ChatRoom &a, const ChatRoom &b)
{
    if (a.pinned != b.pinned)
        return a.pinned;
    if (a.lastMessageTs != b.lastMessageTs)
        return a.lastMessageTs > b.lastMessageTs;
    return a.displayName().localeAwareCompare(b.displayName()) < 0;
}
} // namespace

RoomListModel::RoomListModel(QObject *parent)
    : QAbstractListModel(parent)
{
}

int RoomListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rooms.size());
}

QVariant RoomListModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rooms.size())
        return {};
    const ChatRoom &r = m_rooms.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return r.displayName();
    case Qt::ToolTipRole:
        return plainToolTip(r.topic.isEmpty() ? r.displayName() : r.displayName() + QLatin1Char('\n') + r.topic);
    case RoomIdRole:
        return r.id.value();
    case KindRole:
        return r.kind;
    case UnreadRole:
        return r.unread;
    case MentionsRole:
        return r.mentions;
    case PinnedRole:
        return r.pinned;
    case MutedRole:
        return r.muted;
    case PresenceRole:
        return int(r.peerPresence);
    case LastMessageRole:
        return r.lastMessageText;
    case LastActivityRole:
        return r.lastMessageTs;
    case ArchivedRole:
        return r.archived;
    case LastMessageFileRole:
        return r.lastMessageFile;
    default:
        return {};
    }
}

void RoomListModel::setRooms(const QList<ChatRoom> &rooms)
{
    if (m_rooms.isEmpty()) {
        beginResetModel();
        m_rooms = rooms;
        std::stable_sort(m_rooms.begin(), m_rooms.end(), before);
        endResetModel();
        return;
    }
    for (int i = int(m_rooms.size()) - 1; i >= 0; --i) {
        const RoomId id = m_rooms.at(i).id;
        if (std::none_of(rooms.cbegin(), rooms.cend(), [id](const ChatRoom &r) { return r.id == id; }))
            remove(id);
    }
    for (const ChatRoom &room : rooms)
        upsert(room);
}

void RoomListModel::clear()
{
    beginResetModel();
    m_rooms.clear();
    endResetModel();
}

void RoomListModel::upsert(const ChatRoom &room)
{
    const int row = rowOf(room.id);
    if (row >= 0) {
        update(room.id, [&room](ChatRoom &r) {
            const Presence presence = r.peerPresence;
            r = room;
            r.peerPresence = presence;
        });
        return;
    }
    const auto it = std::upper_bound(m_rooms.begin(), m_rooms.end(), room, before);
    const int at = int(it - m_rooms.begin());
    beginInsertRows({}, at, at);
    m_rooms.insert(at, room);
    endInsertRows();
}

void RoomListModel::remove(RoomId room)
{
    const int row = rowOf(room);
    if (row < 0)
        return;
    beginRemoveRows({}, row, row);
    m_rooms.removeAt(row);
    endRemoveRows();
}

const ChatRoom *RoomListModel::room(RoomId id) const
{
    const int row = rowOf(id);
    return row < 0 ? nullptr : &m_rooms.at(row);
}

int RoomListModel::rowOf(RoomId id) const
{
    for (int i = 0; i < m_rooms.size(); ++i) {
        if (m_rooms.at(i).id == id)
            return i;
    }
    return -1;
}

void RoomListModel::update(RoomId id, const std::function<void(ChatRoom &)> &change)
{
    const int row = rowOf(id);
    if (row < 0)
        return;
    change(m_rooms[row]);
    Q_EMIT dataChanged(index(row), index(row));
    sort();
}

void RoomListModel::setPresence(UserId user, Presence presence)
{
    for (int i = 0; i < m_rooms.size(); ++i) {
        ChatRoom &r = m_rooms[i];
        if (r.peer && r.peer->id == user && r.peerPresence != presence) {
            r.peerPresence = presence;
            Q_EMIT dataChanged(index(i), index(i), {PresenceRole});
        }
    }
}

void RoomListModel::sort()
{
    if (std::is_sorted(m_rooms.cbegin(), m_rooms.cend(), before))
        return;
    Q_EMIT layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
    const QModelIndexList oldIndexes = persistentIndexList();
    QList<RoomId> oldIds;
    for (const QModelIndex &i : oldIndexes)
        oldIds.append(m_rooms.at(i.row()).id);
    std::stable_sort(m_rooms.begin(), m_rooms.end(), before);
    QModelIndexList newIndexes;
    for (const RoomId id : std::as_const(oldIds))
        newIndexes.append(index(rowOf(id)));
    changePersistentIndexList(oldIndexes, newIndexes);
    Q_EMIT layoutChanged({}, QAbstractItemModel::VerticalSortHint);
}

} // namespace Cohort::Client
