// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "chattypes.h"

#include <QAbstractListModel>

#include <functional>

namespace Cohort::Client {

/// The signed-in user's rooms, pinned first, then the most recently active. Rows move when a
/// room's activity or pin changes (persistent indexes, e.g. the selection, follow them).
class RoomListModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Roles {
        RoomIdRole = Qt::UserRole + 1,
        KindRole,
        UnreadRole,
        MentionsRole,
        PinnedRole,
        MutedRole,
        PresenceRole, // the peer's presence (direct rooms), as Presence int
        LastMessageRole,
        LastActivityRole,
        ArchivedRole,
        LastMessageFileRole, // the name of the last message's first file, or empty
    };

    explicit RoomListModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

    /// Replaces the list: rooms already listed are updated in place (keeping the selection and
    /// presence), new ones inserted, missing ones removed.
    void setRooms(const QList<ChatRoom> &rooms);
    /// Empties the list at once (a reset: a view's current row goes without currentChanged).
    void clear();
    /// Adds the room or replaces the row with its id.
    void upsert(const ChatRoom &room);
    void remove(RoomId room);
    const ChatRoom *room(RoomId id) const;
    const ChatRoom &at(int row) const { return m_rooms.at(row); }
    int rowOf(RoomId id) const;
    QList<ChatRoom> rooms() const { return m_rooms; }

    /// Changes one room in place (`change` edits the room), then re-sorts.
    void update(RoomId id, const std::function<void(ChatRoom &)> &change);
    /// Sets the presence dot of every direct room whose peer is `user`.
    void setPresence(UserId user, Presence presence);

private:
    void sort();

    QList<ChatRoom> m_rooms;
};

} // namespace Cohort::Client
