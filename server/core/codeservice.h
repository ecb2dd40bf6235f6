// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "codestorage.h"
#include "connection.h"
#include "document.h"
#include "ratelimiter.h"

#include <QHash>
#include <QList>
#include <QSet>
#include <QTimer>

#include <memory>
#include <optional>
#include <unordered_map>

namespace Cohort::Server {

class ServerCore;

/// The code-session ops (docs/protocol.md, "Code sessions"): sessions, participants and roles,
/// files, engine updates, cursors, comments, versions, export. Keeps a live Collab::Document
/// per file that a connection has open, appends every accepted update to the file's log before
/// acknowledging it, and compacts the log into a snapshot every CompactUpdates updates or
/// CompactBytes bytes (docs/architecture.md, "Code sessions on the server"). Runs on the core's
/// thread; every storage call is synchronous, like the chat's.
class CodeService
{
public:
    /// Log rows (or bytes of them) after which a file's log is folded into a new snapshot.
    static constexpr qint64 CompactUpdates = 500;
    static constexpr qint64 CompactBytes = 256 * 1024;
    /// While parts of a file wait for their dependencies, the log is folded only past this many
    /// times those limits: a snapshot leaves the waiting parts out, the log has them.
    static constexpr qint64 PendingCompactFactor = 2;
    /// The relay interval of one connection's cursor events.
    static constexpr qint64 CursorIntervalMs = 50;
    /// Agent ids one user may bind in a session: with at most MaxCodeCollaborators participants,
    /// the bound agents stay below the 65,536 agents an engine document takes (beyond them it
    /// refuses every update of a new agent, so the file would be closed to new editors).
    static constexpr int MaxAgentsPerUser = 256;
    /// Access-code attempts per user and minute, against guessing short codes.
    static constexpr int AccessCodeAttemptsPerMinute = 10;

    CodeService(ServerCore &core, Storage &storage);
    ~CodeService();

    void codeCreate(Connection &c, const Request &r);
    void codeList(Connection &c, const Request &r);
    void codeJoin(Connection &c, const Request &r);
    void codeLeave(Connection &c, const Request &r);
    void codeUpdate(Connection &c, const Request &r);
    void codeSetRole(Connection &c, const Request &r);
    void codeApprove(Connection &c, const Request &r);
    void codeRemove(Connection &c, const Request &r);
    void codeArchive(Connection &c, const Request &r);
    void codeUnarchive(Connection &c, const Request &r);
    void codeDelete(Connection &c, const Request &r);
    void fileCreate(Connection &c, const Request &r);
    void fileRename(Connection &c, const Request &r);
    void fileDelete(Connection &c, const Request &r);
    void fileOpen(Connection &c, const Request &r);
    void docUpdate(Connection &c, const Request &r);
    void cursor(Connection &c, const Request &r);
    void commentAdd(Connection &c, const Request &r);
    void commentReply(Connection &c, const Request &r);
    void commentResolve(Connection &c, const Request &r);
    void commentList(Connection &c, const Request &r);
    void versionCreate(Connection &c, const Request &r);
    void versionList(Connection &c, const Request &r);
    void versionRestore(Connection &c, const Request &r);
    void versionDelete(Connection &c, const Request &r);
    void codeExport(Connection &c, const Request &r);

    /// The code limits announced in `welcome` (docs/protocol.md, "Code sessions").
    QJsonObject limits() const;

    /// The connection signs out or closes: it leaves every session and closes its files.
    void connectionClosed(Connection &c);

    /// Documents held in memory (for tests and metrics).
    qsizetype liveFiles() const { return static_cast<qsizetype>(m_files.size()); }

private:
    /// A session that connections have joined: its settings, roles and agents, kept in step
    /// with the database by the ops that change them.
    struct LiveSession
    {
        CodeSessionRecord record;
        QHash<UserId, CodeRole> roles;
        QHash<quint64, UserId> agents;
        QList<Connection *> connections;
        QSet<Connection *> waiting; // connections of pending users, told the host's decision
        QSet<UserId> removed;       // removed by a host: their next join waits for approval
    };
    /// A file's document as stored: snapshot plus log, and who gets its updates.
    struct LiveFile
    {
        CodeFileRecord record;
        Collab::Document document;
        QSet<Connection *> watchers;
    };
    struct PendingCursor
    {
        CodeSessionId session;
        QJsonObject data;
    };

    /// The session `r` names, joined by `c`; fails the request and returns null otherwise.
    LiveSession *joinedSession(Connection &c, const Request &r);
    /// Stores a comment or reply with the request's text, answers and publishes it.
    void storeComment(Connection &c, const Request &r, CodeCommentRecord comment, const QString &failure);
    /// Fails with forbidden unless the user's role is at least `least`.
    bool requireRole(Connection &c, const Request &r, const LiveSession &session, CodeRole least);
    /// Fails with conflict when the session is archived (read-only).
    bool requireLive(Connection &c, const Request &r, const LiveSession &session);
    /// The session `r` names, for its owner or an admin (code.archive, code.unarchive,
    /// code.delete, which need no code.join); fails the request and returns nothing otherwise.
    std::optional<CodeSessionRecord> ownedSession(Connection &c, const Request &r);
    /// Whether `owner` may have one more open session (neither locked nor archived): fails the
    /// request with conflict `atLimit` (%1: the limit), or internal `failed`, and returns false.
    bool placeInQuota(Connection &c, const Request &r, UserId owner, const QString &atLimit, const QString &failed);
    /// Whether `owner` may keep one more session (code/max_stored_sessions_per_owner): else
    /// fails `r` with conflict.
    bool roomToStore(Connection &c, const Request &r, UserId owner);
    /// Unsubscribes the connections joined to or waiting for the session but `keep`'s (an
    /// invalid user: all of them). The session may be unloaded afterwards.
    void dropConnections(CodeSessionId id, UserId keep);
    /// A live (not deleted) file of the session named by `fileId`; fails the request otherwise.
    std::optional<CodeFileRecord> sessionFile(Connection &c, const Request &r, const LiveSession &session);
    LiveSession *loadSession(CodeSessionId id);
    /// The file's document, loaded from its snapshot and log if needed; null on a storage error.
    LiveFile *loadFile(const CodeFileRecord &file);
    /// Drops the document unless someone has the file open.
    void releaseFile(CodeFileId id);
    /// Whether the user may know that the session exists.
    bool mayKnow(const CodeSessionRecord &session, const UserRecord &user);
    bool isCourseMember(CourseId course, UserId user);
    /// The payload of the event a retried clientId stored, if it was of this kind.
    std::optional<QJsonObject> retried(Connection &c, const Request &r, const LiveSession &session, const QString &kind);
    std::optional<QJsonObject> retried(Connection &c, const Request &r, RoomId room, const QString &kind);
    /// Stores an accepted update as the file's next one; false (file unloaded) on failure.
    bool storeUpdate(LiveFile &file, UserId user, const QByteArray &update);
    void fanOutUpdate(const LiveFile &file, UserId user, const QByteArray &update, Connection *skip);
    void compactIfDue(LiveFile &file);
    /// Adds the user as a participant (participant.joined), unless the session is full.
    bool admit(Connection &c, const Request &r, LiveSession &session, UserId user, CodeRole role);
    void subscribe(Connection &c, LiveSession &session, const Request &r, quint64 agent);
    void unsubscribe(Connection &c, CodeSessionId id);
    void tellWaiting(LiveSession &session, UserId user, const QString &event);
    std::optional<quint64> agentFor(Connection &c, const Request &r, LiveSession &session);

    QJsonObject sessionJson(const CodeSessionRecord &session, std::optional<CodeRole> myRole, bool withAccessCode) const;
    /// The session as `user` sees it (their role; the access code for hosts).
    QJsonObject sessionJsonFor(const CodeSessionRecord &session, UserId user);
    QJsonObject participantJson(const LiveSession &session, const UserInfo &user, CodeRole role) const;
    static QJsonObject fileJson(const CodeFileRecord &file);
    static QJsonObject commentJson(const CodeCommentRecord &comment);
    static QJsonObject versionJson(const CodeVersionRecord &version);
    bool isOnline(const LiveSession &session, UserId user) const;
    /// Answers with a result that may be larger than the slow-consumer limit.
    void sendLarge(Connection &c, const Request &r, const QJsonObject &result);
    void sendEphemeral(const QList<Connection *> &to, const QString &event, const QJsonObject &data,
                       Connection *skip = nullptr);
    void relayCursors();
    /// Takes one access-code attempt of the user; false (request failed) when none is left.
    bool takeAccessCodeAttempt(Connection &c, const Request &r);

    ServerCore &m_core;
    Storage &m_storage;
    CodeStorage &m_code;
    std::unordered_map<qint64, std::unique_ptr<LiveSession>> m_sessions; // by session id, stable addresses
    std::unordered_map<qint64, std::unique_ptr<LiveFile>> m_files; // by file id
    QHash<Connection *, QSet<CodeSessionId>> m_joined;
    QHash<Connection *, QSet<CodeFileId>> m_open;
    QHash<Connection *, qint64> m_lastCursorMs;
    QHash<Connection *, PendingCursor> m_pendingCursors;
    QHash<UserId, RateLimiter> m_accessCodeAttempts;
    QTimer m_cursorTimer;
};

} // namespace Cohort::Server
