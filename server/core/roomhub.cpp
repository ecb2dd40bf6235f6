// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "roomhub.h"

#include "connection.h"

namespace Cohort::Server {

void RoomHub::join(RoomId room, Connection *connection)
{
    QList<Connection *> &members = m_members[room];
    if (!members.contains(connection)) {
        members.append(connection);
        ++m_subscriptions;
    }
}

void RoomHub::leave(RoomId room, Connection *connection)
{
    const auto it = m_members.find(room);
    if (it == m_members.end())
        return;
    if (it->removeOne(connection))
        --m_subscriptions;
    if (it->isEmpty())
        m_members.erase(it);
}

qsizetype RoomHub::broadcast(RoomId room, const PreparedText &frame) const
{
    // A copy shares the list; a connection leaving during the loop detaches the hub's, not ours.
    const QList<Connection *> members = m_members.value(room);
    for (Connection *connection : members)
        connection->sendEvent(frame);
    return members.size();
}

PreparedText eventFrameText(const EventRecord &event)
{
    QByteArray out;
    out.reserve(event.payload.size() + event.kind.size() + 96);
    out += "{\"type\":\"event\",\"event\":\"";
    out += event.kind.toUtf8();
    out += "\",\"room\":";
    out += QByteArray::number(event.roomId.value());
    out += ",\"seq\":";
    out += QByteArray::number(event.seq);
    out += ",\"ts\":";
    out += QByteArray::number(event.timestamp);
    out += ",\"data\":";
    out += event.payload.isEmpty() ? QByteArray("{}") : event.payload;
    out += '}';
    return PreparedText(std::move(out));
}

} // namespace Cohort::Server
