// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "connection.h"
#include "ratelimiter.h"
#include "storage.h"

#include <QHash>
#include <QList>

#include <optional>

namespace Cohort::Server {

class ServerCore;

/// The chat ops (docs/protocol.md, "Chat"): rooms of every kind, messages, threads, edits,
/// reactions, read state, typing and presence. Every op checks here who may do it; the storage
/// stores, ServerCore fans out. Runs on the core's thread, like everything in the core.
class ChatService
{
public:
    ChatService(ServerCore &core, Storage &storage);

    void roomList(Connection &c, const Request &r);
    void messageSend(Connection &c, const Request &r);
    void messageHistory(Connection &c, const Request &r);

private:
    /// What a user may do in a room. No value: the user may not see the room (not_found).
    struct Access
    {
        RoomInfo room;
        std::optional<RoomRole> role; // nothing for a server admin who is not a member
        bool moderator = false;       // room owner/admin, course staff or server admin
    };
    std::optional<Access> access(Connection &c, RoomId room);
    /// `@username` of room members and `@room` / `@all` in a message's text.
    std::pair<QList<UserId>, bool> resolveMentions(RoomId room, const QString &text);

    ServerCore &m_core;
    Storage &m_storage;
    QHash<UserId, RateLimiter> m_messageLimits;
};

} // namespace Cohort::Server
