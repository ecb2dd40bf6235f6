// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "sqlcodestorage.h"
#include "sqlconnection.h"
#include "storage.h"
#include "walcheckpointer.h"

#include <initializer_list>
#include <memory>
#include <utility>

namespace Cohort::Server {

/// Storage over QtSql for SQLite and PostgreSQL. The SQL is in sql/ (see sql/README.md);
/// this class binds values, runs transactions and turns rows into records. A database error is
/// logged once (category cohort.server.storage); methods that return a count or a sequence
/// number return -1 for it, lookups return nothing, writes return false or the error.
/// On SQLite a WalCheckpointer thread checkpoints the WAL while the storage is open.
class SqlStorage final : public Storage
{
public:
    SqlStorage(DatabaseConfig config, const QString &connectionName);
    ~SqlStorage() override;

    QString open() override;
    void close() override;
    QString backend() const override;
    int schemaVersion() override;
    QString migrate() override;
    QString backup(const QString &path) override;
    bool ping() override;

    /// Opens the connection without migrating (tests build a database at an older version).
    QString connect();
    /// Runs the migrations up to `version` only; returns an error or empty.
    QString migrateTo(int version);
    /// The schema version this build's migrations lead to.
    int latestSchemaVersion();

    StorageResult<UserRecord> createUser(const QString &username, const QString &displayName, Role role,
                                         const QByteArray &passwordHash) override;
    std::optional<UserRecord> userByName(const QString &username) override;
    std::optional<UserRecord> userById(UserId id) override;
    QList<UserRecord> users() override;
    int countUsersWithRole(Role role) override;
    bool setPasswordHash(UserId id, const QByteArray &hash) override;
    bool setRole(UserId id, Role role) override;
    bool setDisabled(UserId id, bool disabled) override;

    bool createSession(const SessionRecord &session) override;
    std::optional<SessionRecord> sessionByTokenHash(const QByteArray &tokenHash) override;
    bool deleteSession(const QByteArray &tokenHash) override;
    int deleteSessionsOfUser(UserId id) override;
    int deleteExpiredSessions(qint64 now) override;

    StorageResult<CourseRecord> createCourse(const QString &name, UserId owner, const QString &joinCode,
                                             const QString &clientId) override;
    std::optional<CourseRecord> courseById(CourseId id) override;
    std::optional<CourseRecord> courseByJoinCode(const QString &joinCode) override;
    std::optional<CourseRecord> courseByRoom(RoomId room) override;
    bool addCourseMember(CourseId course, UserId user, Role courseRole) override;
    std::optional<Role> courseRole(CourseId course, UserId user) override;
    QList<MemberInfo> courseMembers(CourseId course) override;
    QList<CourseInfo> coursesOfUser(UserId user) override;
    QList<CourseInfo> allCourses() override;

    std::optional<RoomInfo> roomById(RoomId id) override;
    QList<RoomInfo> roomsOfUser(UserId user) override;
    QList<RoomInfo> allRooms() override;
    StorageResult<EventRecord> appendEvent(RoomId room, const QString &kind, UserId sender,
                                           const QString &clientId, const QByteArray &payload,
                                           qint64 timestamp) override;
    StorageResult<QList<EventRecord>> appendEvents(RoomId room, const QList<NewEvent> &events, qint64 timestamp) override;
    std::optional<EventRecord> eventByClientId(RoomId room, UserId sender, const QString &clientId) override;
    QList<EventRecord> eventsAfter(RoomId room, qint64 afterSeq, int limit) override;
    QList<EventRecord> latestEvents(RoomId room, int limit) override;
    qint64 lastSeq(RoomId room) override;

    QList<RoomInfo> roomList(UserId user, bool allRooms) override;
    std::optional<RoomInfo> roomForUser(RoomId room, UserId user) override;
    QList<RoomInfo> publicStudyRooms(CourseId course, UserId user) override;
    std::optional<RoomRole> roomRole(RoomId room, UserId user) override;
    std::optional<std::pair<RoomInfo, std::optional<RoomRole>>> roomWithRole(RoomId room, UserId user) override;
    QList<RoomMemberRecord> roomMembers(RoomId room) override;
    StorageResult<UserId> roomSuccessor(RoomId room, UserId leaving) override;
    QList<UserId> roomMates(UserId user) override;
    std::optional<HistoryPage> history(RoomId room, const HistoryQuery &query) override;
    std::optional<MessageInfo> message(RoomId room, qint64 seq) override;
    bool hasReaction(RoomId room, qint64 seq, const QString &emoji, UserId user) override;
    qint64 markRead(RoomId room, UserId user, qint64 seq) override;
    QList<ReadState> readStates(RoomId room) override;
    bool setRoomPrefs(RoomId room, UserId user, std::optional<bool> muted, std::optional<bool> pinned) override;
    StorageResult<std::pair<RoomId, bool>> createRoom(const NewRoom &room) override;
    bool sharesCourse(UserId a, UserId b) override;
    qint64 lastSeen(UserId user) override;
    bool setLastSeen(UserId user, qint64 at) override;
    std::optional<QList<SearchHit>> searchMessages(UserId user, const SearchQuery &query) override;
    bool addAttachment(RoomId room, const AttachmentInfo &attachment, UserId uploader, qint64 timestamp) override;
    std::optional<AttachmentInfo> attachment(RoomId room, const QString &id) override;
    int attachmentRoomCount(const QString &id) override;
    qint64 attachmentBytesOf(UserId uploader, const QString &besides) override;
    std::optional<QStringList> dropUnsentAttachments(qint64 uploadedBefore) override;

    CodeStorage &code() override { return m_code; }

    std::optional<QString> setting(const QString &key) override;
    bool setSetting(const QString &key, const QString &value) override;
    bool removeSetting(const QString &key) override;

private:
    using Binding = std::pair<const char *, QVariant>;

    /// Runs the named query of sql/ with values for its :placeholders.
    std::optional<SqlRows> sql(const char *query, std::initializer_list<Binding> bindings = {});
    /// Runs a single-statement write (committed on return, as every statement outside a
    /// transaction is) and reports whether it changed a row.
    bool writeOne(const char *query, std::initializer_list<Binding> bindings);
    std::optional<CourseRecord> course(const char *query, std::initializer_list<Binding> bindings);
    StorageResult<CourseRecord> insertCourse(const QString &name, UserId owner, const QString &joinCode,
                                             const QString &clientId);
    StorageResult<EventRecord> insertEvent(RoomId room, const QString &kind, UserId sender,
                                           const QString &clientId, const QByteArray &payload,
                                           qint64 timestamp);
    /// insertEvent's work inside the caller's transaction.
    StorageResult<EventRecord> insertEventRow(RoomId room, const QString &kind, UserId sender,
                                              const QString &clientId, const QByteArray &payload,
                                              qint64 timestamp);
    /// The room a repeated creation or a second direct room for a pair refers to.
    std::optional<RoomId> existingRoom(const NewRoom &room);
    /// Applies a chat event to the tables materialised from the log (inside its transaction).
    bool materialise(const EventRecord &event);
    QList<RoomInfo> roomRows(UserId user, bool includeOthers, RoomId onlyRoom, CourseId browseCourse);
    /// Messages of a history query, in the query's order, with their reactions.
    std::optional<QList<MessageInfo>> messageRows(const char *query, std::initializer_list<Binding> bindings);
    QList<EventRecord> events(const char *query, std::initializer_list<Binding> bindings);
    QList<CourseInfo> courseInfos(const char *query, std::initializer_list<Binding> bindings);
    QList<RoomInfo> rooms(const char *query, std::initializer_list<Binding> bindings);

    DatabaseConfig m_config;
    SqlConnection m_sql;
    SqlCodeStorage m_code{m_sql};
    std::unique_ptr<WalCheckpointer> m_checkpointer; // SQLite only, while open
};

} // namespace Cohort::Server
