// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "model.h"
#include "types.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <limits>
#include <memory>
#include <optional>
#include <utility>

namespace Cohort::Server {

class CodeStorage;

/// A stored account. The password hash is an Argon2id string (libsodium's crypto_pwhash_str).
struct UserRecord
{
    UserInfo info;
    QByteArray passwordHash;
    bool disabled = false;
    qint64 createdAt = 0;
};

struct SessionRecord
{
    UserId userId;
    QByteArray tokenHash; // SHA-256 of the token; the token itself is never stored
    qint64 createdAt = 0;
    qint64 expiresAt = 0;
};

struct CourseRecord
{
    CourseId id;
    QString name;
    QString joinCode;
    UserId ownerId;
    RoomId roomId;
    QString clientId; // the creator's idempotency key
};

struct EventRecord
{
    RoomId roomId;
    qint64 seq = 0;
    QString kind;        // event name, e.g. "message.created"
    UserId senderId;
    QString clientId;    // the sender's idempotency key; empty for server-generated events
    QByteArray payload;  // the event's `data` as compact JSON
    qint64 timestamp = 0;
    /// appendEvent: true when this call inserted the event, false when it returned the event a
    /// repeated (sender, clientId) had appended before. Events read back are never `created`.
    bool created = false;
};

/// What message.history asks for. `before`/`after` are exclusive bounds (0: none); `around`
/// centres the page on a seq (included); `threadRoot` > 0 reads that thread (root included)
/// instead of the room's timeline, which holds top-level and system messages only.
struct HistoryQuery
{
    qint64 before = 0;
    qint64 after = 0;
    qint64 around = 0;
    int limit = 50;
    qint64 threadRoot = 0;
};

struct HistoryPage
{
    QList<MessageInfo> messages; // oldest first
    bool hasMoreBefore = false;
    bool hasMoreAfter = false;
};

/// A user's read position in a room ("seen by").
struct ReadState
{
    UserId user;
    qint64 seq = 0;
    friend bool operator==(const ReadState &, const ReadState &) = default;
};

/// A room to create (room.create, room.direct). The creator becomes its owner (a direct room has
/// two members and no owner); an announcement room gets every member of its course.
struct NewRoom
{
    RoomKind kind = RoomKind::Group;
    QString name;
    QString topic;
    CourseId courseId;
    QString visibility = QStringLiteral("private");
    int memberLimit = 0;
    UserId creator;
    QString clientId;         // idempotency key of the creator
    QList<UserId> members;    // besides the creator (group: invited; direct: the peer)
};

/// message.search after its filters were resolved. Every word must match (the last one as a
/// prefix); no words: the filters alone. Times are ms since the epoch, `after` inclusive,
/// `before` exclusive.
struct SearchQuery
{
    QStringList words;
    RoomId room;   // invalid: every room of the user
    UserId sender; // invalid: anyone
    qint64 after = 0;
    qint64 before = std::numeric_limits<qint64>::max();
    bool hasFile = false;
    int limit = 50;
};

struct SearchHit
{
    RoomId roomId;
    qint64 seq = 0;
    qint64 timestamp = 0;
    qint64 threadRoot = 0;
    UserInfo sender;
    QString text;
};

/// An event for appendEvents.
struct NewEvent
{
    QString kind;
    UserId sender;
    QString clientId; // as appendEvent's
    QByteArray payload;
};

struct RoomMemberRecord
{
    UserInfo user;
    RoomRole role = RoomRole::Member;
};

/// How a storage call failed. `Conflict` is a unique-key clash (e.g. a taken username).
enum class StorageError { None, Conflict, NotFound, Failed };

template<typename T>
struct StorageResult
{
    std::optional<T> value;
    StorageError error = StorageError::None;
    QString message;

    bool ok() const { return value.has_value(); }
};

/// Everything the server keeps. One implementation over QtSql serves SQLite and PostgreSQL; the
/// SQL lives in per-backend resource files. Every write method runs in one transaction and
/// returns only after it has committed: the caller may acknowledge the write to a client then.
/// Methods are called from the thread that opened the storage.
///
/// On a database error every method returning an `int` or `qint64` (a count, a version or a
/// sequence number) returns -1; lookups return nothing or an empty list; writes return false or
/// a result with `StorageError::Failed`. The error is logged once (cohort.server.storage).
class Storage
{
public:
    virtual ~Storage() = default;

    /// Opens the database and runs pending migrations. Returns an error message or empty.
    virtual QString open() = 0;
    virtual void close() = 0;
    /// Backend name: "sqlite" or "postgresql".
    virtual QString backend() const = 0;
    /// The number of the newest migration that ran.
    virtual int schemaVersion() = 0;
    /// Runs the numbered migrations that have not run yet; returns an error message or empty.
    virtual QString migrate() = 0;
    /// Writes a consistent copy of the database to `path` (SQLite: VACUUM INTO; PostgreSQL: an
    /// error saying to use pg_dump). Returns an error message or empty.
    virtual QString backup(const QString &path) = 0;
    /// Runs a trivial query: false when the database does not answer (or is not open).
    virtual bool ping() = 0;

    // Accounts
    virtual StorageResult<UserRecord> createUser(const QString &username, const QString &displayName,
                                                 Role role, const QByteArray &passwordHash) = 0;
    virtual std::optional<UserRecord> userByName(const QString &username) = 0;
    virtual std::optional<UserRecord> userById(UserId id) = 0;
    virtual QList<UserRecord> users() = 0;
    /// How many accounts have the role, disabled ones included.
    virtual int countUsersWithRole(Role role) = 0;
    virtual bool setPasswordHash(UserId id, const QByteArray &hash) = 0;
    virtual bool setRole(UserId id, Role role) = 0;
    virtual bool setDisabled(UserId id, bool disabled) = 0;

    // Sessions (sign-in tokens, stored hashed)
    virtual bool createSession(const SessionRecord &session) = 0;
    virtual std::optional<SessionRecord> sessionByTokenHash(const QByteArray &tokenHash) = 0;
    virtual bool deleteSession(const QByteArray &tokenHash) = 0;
    /// Deletes every session of the user; returns how many (-1 on a database error).
    virtual int deleteSessionsOfUser(UserId id) = 0;
    /// Deletes the sessions that expired at or before `now`; returns how many.
    virtual int deleteExpiredSessions(qint64 now) = 0;

    // Courses and membership. Creating a course also creates its course room, atomically.
    // A repeated (owner, clientId) returns the course created the first time.
    virtual StorageResult<CourseRecord> createCourse(const QString &name, UserId owner,
                                                     const QString &joinCode, const QString &clientId) = 0;
    virtual std::optional<CourseRecord> courseById(CourseId id) = 0;
    virtual std::optional<CourseRecord> courseByJoinCode(const QString &joinCode) = 0;
    virtual std::optional<CourseRecord> courseByRoom(RoomId room) = 0;
    /// Adds or updates a membership (role: Student or Instructor within the course), and in the
    /// same transaction the membership of the course's course and announcement rooms.
    virtual bool addCourseMember(CourseId course, UserId user, Role courseRole) = 0;
    /// The user's role in the course, or nullopt if not a member.
    virtual std::optional<Role> courseRole(CourseId course, UserId user) = 0;
    virtual QList<MemberInfo> courseMembers(CourseId course) = 0;
    /// Courses the user is a member of, with the user's course role in `memberRole`.
    virtual QList<CourseInfo> coursesOfUser(UserId user) = 0;
    /// Every course, by id (for admins). No user is involved: `memberRole` is left Student.
    virtual QList<CourseInfo> allCourses() = 0;

    // Rooms and their event logs
    virtual std::optional<RoomInfo> roomById(RoomId id) = 0;
    virtual QList<RoomInfo> roomsOfUser(UserId user) = 0;
    /// Every room, by id (for admins).
    virtual QList<RoomInfo> allRooms() = 0;
    /// Appends an event with the room's next sequence number. If `clientId` is not empty and the
    /// same sender already appended an event with it, returns that event unchanged instead
    /// (`created` tells which happened).
    virtual StorageResult<EventRecord> appendEvent(RoomId room, const QString &kind, UserId sender,
                                                   const QString &clientId, const QByteArray &payload,
                                                   qint64 timestamp) = 0;
    /// Appends several events to one room in one transaction: all of them or none (a failure
    /// halfway, e.g. a member who does not exist, leaves the room as it was). An event whose
    /// (sender, clientId) was appended before is returned as stored, `created` false.
    virtual StorageResult<QList<EventRecord>> appendEvents(RoomId room, const QList<NewEvent> &events,
                                                           qint64 timestamp) = 0;
    /// The event `sender` appended with `clientId` in the room, if any: a retried request is
    /// answered from it before anything (such as the rate limit) could refuse it.
    virtual std::optional<EventRecord> eventByClientId(RoomId room, UserId sender, const QString &clientId) = 0;
    /// Events with seq > `afterSeq`, oldest first, at most `limit`.
    virtual QList<EventRecord> eventsAfter(RoomId room, qint64 afterSeq, int limit) = 0;
    /// The newest `limit` events, oldest first.
    virtual QList<EventRecord> latestEvents(RoomId room, int limit) = 0;
    /// The room's newest seq; 0 for a room without events or a room that does not exist.
    virtual qint64 lastSeq(RoomId room) = 0;

    // Chat. Appending a chat event (message.created, message.edited, message.deleted,
    // reaction.changed, member.joined, member.left, member.role, room.updated) also applies it to the
    // messages, reactions, room_members and rooms tables, in the same transaction.

    /// The user's rooms with their per-user state (`allRooms`: every room, for admins), in one query.
    virtual QList<RoomInfo> roomList(UserId user, bool allRooms) = 0;
    /// One room as `user` sees it (per-user fields empty when not a member).
    virtual std::optional<RoomInfo> roomForUser(RoomId room, UserId user) = 0;
    /// The public study rooms of a course, as `user` sees them.
    virtual QList<RoomInfo> publicStudyRooms(CourseId course, UserId user) = 0;
    /// The user's role in the room, or nothing when not a member.
    virtual std::optional<RoomRole> roomRole(RoomId room, UserId user) = 0;
    /// roomById and roomRole in one query, as every chat op asks both; nothing when there is no
    /// such room.
    virtual std::optional<std::pair<RoomInfo, std::optional<RoomRole>>> roomWithRole(RoomId room, UserId user) = 0;
    virtual QList<RoomMemberRecord> roomMembers(RoomId room) = 0;
    /// Who owns the room after `leaving` (its owner) goes: the longest-standing admin, else the
    /// longest-standing member; `NotFound` when nobody else is a member.
    virtual StorageResult<UserId> roomSuccessor(RoomId room, UserId leaving) = 0;
    /// Users who share at least one room with `user`.
    virtual QList<UserId> roomMates(UserId user) = 0;
    virtual std::optional<HistoryPage> history(RoomId room, const HistoryQuery &query) = 0;
    /// One message (or system message) with its reactions; nothing when no row has that seq.
    virtual std::optional<MessageInfo> message(RoomId room, qint64 seq) = 0;
    virtual bool hasReaction(RoomId room, qint64 seq, const QString &emoji, UserId user) = 0;
    /// Raises the user's read position to `seq` (never lowers it); returns the stored position,
    /// -1 on a database error or when the user is not a member.
    virtual qint64 markRead(RoomId room, UserId user, qint64 seq) = 0;
    virtual QList<ReadState> readStates(RoomId room) = 0;
    /// Sets the user's room preferences; an empty optional keeps the stored value.
    virtual bool setRoomPrefs(RoomId room, UserId user, std::optional<bool> muted, std::optional<bool> pinned) = 0;
    /// Creates a room with its members in one transaction. A repeated (creator, clientId), or a
    /// direct room for a pair that has one, returns the existing room's id with `created` false.
    virtual StorageResult<std::pair<RoomId, bool>> createRoom(const NewRoom &room) = 0;
    /// Full-text search over the messages of the rooms `user` is a member of, newest first.
    virtual std::optional<QList<SearchHit>> searchMessages(UserId user, const SearchQuery &query) = 0;
    /// Records that a file (stored by the caller) was uploaded to a room; a repeat keeps the first
    /// record and only makes it count as uploaded at `timestamp` (see dropUnsentAttachments).
    virtual bool addAttachment(RoomId room, const AttachmentInfo &attachment, UserId uploader, qint64 timestamp) = 0;
    /// The file with that id as uploaded to that room, or nothing.
    virtual std::optional<AttachmentInfo> attachment(RoomId room, const QString &id) = 0;
    /// How many rooms record the file; 0: its bytes on disk are nobody's and may go.
    virtual int attachmentRoomCount(const QString &id) = 0;
    /// The bytes of the files the user uploaded that rooms still record, each file once, and
    /// leaving out the file `besides` (the one about to be uploaded, counted by the caller).
    virtual qint64 attachmentBytesOf(UserId uploader, const QString &besides) = 0;
    /// Forgets the files uploaded to a room before `uploadedBefore` (ms since the epoch) that no
    /// message there has carried, and returns their ids (a file may still be recorded in other
    /// rooms); nothing on failure. Storing a message marks the files it carries as sent.
    virtual std::optional<QStringList> dropUnsentAttachments(qint64 uploadedBefore) = 0;
    /// Whether the two users are members of a common course.
    virtual bool sharesCourse(UserId a, UserId b) = 0;
    /// When the user was last online, in ms since the epoch (0: not known); -1 on an error.
    virtual qint64 lastSeen(UserId user) = 0;
    virtual bool setLastSeen(UserId user, qint64 at) = 0;

    /// Code sessions (codestorage.h), on the same database and thread.
    virtual CodeStorage &code() = 0;

    // Server settings (e.g. the hash of the one-time setup token)
    virtual std::optional<QString> setting(const QString &key) = 0;
    virtual bool setSetting(const QString &key, const QString &value) = 0;
    virtual bool removeSetting(const QString &key) = 0;
};

/// Where the database is: SQLite file path, or PostgreSQL connection parameters.
struct DatabaseConfig
{
    QString driver = QStringLiteral("sqlite"); // "sqlite" or "postgresql"
    QString sqlitePath;                        // for sqlite
    QString host;                              // for postgresql; a directory means a Unix socket
    int port = 5432;
    QString name;
    QString user;
    QString password;
    /// SQLite `synchronous`: "normal" survives a killed process (WAL), "full" also a power cut.
    QString sqliteSynchronous = QStringLiteral("normal");
};

/// Creates the storage for the configuration; `connectionName` names its QSqlDatabase.
std::unique_ptr<Storage> createStorage(const DatabaseConfig &config, const QString &connectionName);

} // namespace Cohort::Server
