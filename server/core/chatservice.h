// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "attachmentstore.h"
#include "connection.h"
#include "ratelimiter.h"
#include "storage.h"

#include <QHash>
#include <QList>
#include <QTimer>

#include <functional>

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
    void messageEdit(Connection &c, const Request &r);
    void messageDelete(Connection &c, const Request &r);
    void messageReact(Connection &c, const Request &r);
    void roomRead(Connection &c, const Request &r);
    void roomReceipts(Connection &c, const Request &r);
    void typing(Connection &c, const Request &r);
    void presenceSet(Connection &c, const Request &r);
    void presenceGet(Connection &c, const Request &r);

    void roomCreate(Connection &c, const Request &r);
    void roomDirect(Connection &c, const Request &r);
    void roomUpdate(Connection &c, const Request &r);
    void roomMembers(Connection &c, const Request &r);
    void roomAddMembers(Connection &c, const Request &r);
    void roomRemoveMember(Connection &c, const Request &r);
    void roomSetRole(Connection &c, const Request &r);
    void roomPrefs(Connection &c, const Request &r);
    void studyBrowse(Connection &c, const Request &r);
    void studyJoin(Connection &c, const Request &r);
    void messageSearch(Connection &c, const Request &r);

    void attachmentUpload(Connection &c, const Request &r);
    void attachmentChunk(Connection &c, const Request &r);
    void attachmentDownload(Connection &c, const Request &r);
    void attachmentCancel(Connection &c, const Request &r);
    /// The attachment limits `welcome` announces: maxBytes, chunkBytes and quotaBytes.
    QJsonObject attachmentLimits() const;

    /// The user just joined the course: `room.added` for its course and announcement rooms.
    void announceCourseRooms(CourseId course, UserId user);

    /// A connection signed in / is signing out or closing (presence, per-user events).
    void connectionSignedIn(Connection &c);
    void connectionSignedOut(Connection &c);

private:
    enum class Presence { Offline, Away, Online, Dnd };

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
    /// The message a request targets, or nothing after failing the request: not_found for a
    /// seq without a message (or a system message), and for a deleted one unless allowed.
    std::optional<MessageInfo> targetMessage(Connection &c, const Request &r, RoomId room, bool allowDeleted);
    /// Appends a chat event for a request, answers it with `result` after the commit, then fans
    /// the event out; a failed append answers internal.
    void appendAndAnswer(Connection &c, const Request &r, RoomId room, const QString &kind, const QJsonObject &data,
                         const std::function<QJsonObject(const EventRecord &)> &result);
    /// Sends an ephemeral event frame to these connections, except `skip`'s user's if valid.
    void sendEphemeral(const QList<Connection *> &to, const QString &event, RoomId room, const QJsonObject &data,
                       UserId skip = UserId());
    /// Whether `c`'s user may put `other` in a group with them: staff may; students only
    /// users they share a course with.
    bool mayInvite(Connection &c, UserId other);
    /// "anyone" or "staff": the server setting chat.dm_policy, else the configuration's.
    QString dmPolicy();
    /// The room as `user` sees it, answered to `r`, then `room.added` to the other members'
    /// connections (and the caller's other connections) when `announce` lists them.
    void answerRoom(Connection &c, const Request &r, RoomId room, const QList<UserId> &announce);
    /// Adds users through member.joined events; answers `r` with {} or `result`.
    void addMembers(Connection &c, const Request &r, RoomId room, const QList<UserId> &users,
                    const std::optional<QJsonObject> &result);
    void sendToUser(UserId user, const QString &event, RoomId room, const QJsonObject &data, Connection *skip = nullptr);
    Presence presenceOf(UserId user) const;
    QJsonObject presenceJson(UserId user);
    /// When the user went offline: remembered, else read once from the storage.
    qint64 lastSeenOf(UserId user);
    /// Tells the user's room mates a changed status.
    void announcePresence(UserId user, Presence before);
    /// Forgets the files uploaded before then that no message carries, and deletes those no
    /// room records any more: they left their uploader's quota and the disk.
    void dropUnsentAttachments(qint64 uploadedBefore);

    ServerCore &m_core;
    Storage &m_storage;
    QHash<UserId, RateLimiter> m_messageLimits;
    QHash<UserId, QList<Connection *>> m_connections; // signed-in connections per user
    QHash<Connection *, Presence> m_presence;         // what each connection set (default online)
    QHash<UserId, qint64> m_lastSeen;                 // wall clock ms, when a user went offline (stored too)
    QHash<std::pair<UserId, RoomId>, qint64> m_lastTyping; // core clock ms of the last typing fanned out
    AttachmentStore m_attachments;
    QTimer m_uploadExpiry; // drops idle uploads even when no other upload comes
    QTimer m_unsentSweep;  // drops files uploaded but never sent
};

} // namespace Cohort::Server
