// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "storage.h"
#include "transport.h"
#include "types.h"

#include <QHash>
#include <QList>
#include <QString>

namespace Cohort::Server {

class Connection;

/// Which connections have joined which room, and the fan-out of room events to them.
class RoomHub
{
public:
    void join(RoomId room, Connection *connection);
    void leave(RoomId room, Connection *connection);

    /// Sends one serialized event frame to every joined connection; returns how many got it.
    qsizetype broadcast(RoomId room, const PreparedText &frame) const;

    /// The connections that have joined the room.
    QList<Connection *> subscribers(RoomId room) const { return m_members.value(room); }

    qsizetype activeRooms() const { return m_members.size(); }
    qint64 subscriptions() const { return m_subscriptions; }

private:
    QHash<RoomId, QList<Connection *>> m_members;
    qint64 m_subscriptions = 0;
};

/// The event frame for a stored event, built around its stored JSON payload without parsing it,
/// so a broadcast is serialized (and framed) once.
PreparedText eventFrameText(const EventRecord &event);

} // namespace Cohort::Server
