// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "sqlstorage.h"

#include "migrator.h"
#include "sqlrecords.h"

#include <QDateTime>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <limits>

namespace Cohort::Server {

using namespace SqlRecords;

namespace {

const QString Postgres = QStringLiteral("postgresql");
const QString Sqlite = QStringLiteral("sqlite");

} // namespace

SqlStorage::SqlStorage(DatabaseConfig config, const QString &connectionName)
    : m_config(std::move(config))
    , m_sql(connectionName)
{
}

SqlStorage::~SqlStorage()
{
    close();
}

QString SqlStorage::open()
{
    if (const QString error = connect(); !error.isEmpty())
        return error;
    return migrate();
}

QString SqlStorage::connect()
{
    if (m_sql.isOpen())
        return QString();
    if (const QString error = m_sql.open(m_config); !error.isEmpty() || m_sql.backend() != Sqlite)
        return error;
    // SQLite would checkpoint inside whichever commit crosses 1,000 WAL pages, on the thread that
    // calls the storage (the server's event loop), with several fdatasync calls; a thread of
    // our own checkpoints instead.
    if (!m_sql.execDirect(QStringLiteral("wal_autocheckpoint_off"))) {
        const QString error = m_sql.lastError();
        m_sql.close();
        return error;
    }
    m_checkpointer = std::make_unique<WalCheckpointer>(m_config, m_sql.name() + QStringLiteral("-wal"),
                                                       WalCheckpointer::Options{});
    if (const QString error = m_checkpointer->error(); !error.isEmpty()) {
        close();
        return error;
    }
    return QString();
}

void SqlStorage::close()
{
    // First: its final checkpoint empties the WAL while this connection is still idle and open.
    m_checkpointer.reset();
    m_sql.close();
}

QString SqlStorage::backend() const
{
    return m_config.driver;
}

int SqlStorage::schemaVersion()
{
    if (!m_sql.isOpen())
        return -1;
    return Migrator(m_sql, SqlConnection::migrationsDirectory(m_config.driver)).currentVersion();
}

QString SqlStorage::migrate()
{
    return migrateTo(-1);
}

QString SqlStorage::migrateTo(int version)
{
    if (!m_sql.isOpen())
        return QStringLiteral("the database is not open");
    return Migrator(m_sql, SqlConnection::migrationsDirectory(m_config.driver)).migrate(version);
}

int SqlStorage::latestSchemaVersion()
{
    return Migrator(m_sql, SqlConnection::migrationsDirectory(m_config.driver)).latestVersion();
}

QString SqlStorage::backup(const QString &path)
{
    if (m_config.driver == Postgres)
        return QStringLiteral("a PostgreSQL database is backed up with pg_dump, e.g. "
                              "pg_dump --format=custom --host=%1 --port=%2 --username=%3 --file=%4 %5")
            .arg(m_config.host, QString::number(m_config.port), m_config.user, path, m_config.name);
    if (!m_sql.isOpen())
        return QStringLiteral("the database is not open");
    const QFileInfo target(path);
    if (target.exists())
        return QStringLiteral("%1 already exists").arg(path);
    if (!sql("backup", {{"path", target.absoluteFilePath()}}))
        return m_sql.lastError();
    return QString();
}

bool SqlStorage::ping()
{
    const std::optional<SqlRows> rows = sql("ping");
    return rows && !rows->isEmpty();
}

// Accounts

StorageResult<UserRecord> SqlStorage::createUser(const QString &username, const QString &displayName, Role role,
                                                 const QByteArray &passwordHash)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const std::optional<SqlRows> rows = sql("insert_user", {{"username", username},
                                                            {"display_name", displayName},
                                                            {"role", roleName(role)},
                                                            {"password_hash", QString::fromUtf8(passwordHash)},
                                                            {"created_at", now}});
    if (!rows)
        return failure<UserRecord>(StorageError::Failed, m_sql.lastError());
    if (rows->isEmpty())
        return failure<UserRecord>(StorageError::Conflict, QStringLiteral("the username %1 is taken").arg(username));
    const UserId userId = id<UserId>(rows->first(), "id");
    return success(UserRecord{{userId, username, displayName, role}, passwordHash, false, now});
}

std::optional<UserRecord> SqlStorage::userByName(const QString &username)
{
    const std::optional<SqlRows> rows = sql("user_by_name", {{"username", username}});
    if (!rows || rows->isEmpty())
        return std::nullopt;
    return user(rows->first());
}

std::optional<UserRecord> SqlStorage::userById(UserId id)
{
    const std::optional<SqlRows> rows = sql("user_by_id", {{"id", id.value()}});
    if (!rows || rows->isEmpty())
        return std::nullopt;
    return user(rows->first());
}

QList<UserRecord> SqlStorage::users()
{
    QList<UserRecord> result;
    if (const std::optional<SqlRows> rows = sql("users")) {
        for (const SqlRow &row : rows->rows)
            result.append(user(row));
    }
    return result;
}

int SqlStorage::countUsersWithRole(Role role)
{
    const std::optional<SqlRows> rows = sql("count_users_with_role", {{"role", roleName(role)}});
    if (!rows || rows->isEmpty())
        return -1;
    return rows->first().value(0).toInt();
}

bool SqlStorage::setPasswordHash(UserId id, const QByteArray &hash)
{
    return writeOne("update_user_password", {{"id", id.value()}, {"password_hash", QString::fromUtf8(hash)}});
}

bool SqlStorage::setRole(UserId id, Role role)
{
    return writeOne("update_user_role", {{"id", id.value()}, {"role", roleName(role)}});
}

bool SqlStorage::setDisabled(UserId id, bool disabled)
{
    return writeOne("update_user_disabled", {{"id", id.value()}, {"disabled", disabled ? 1 : 0}});
}

// Sessions

bool SqlStorage::createSession(const SessionRecord &session)
{
    return writeOne("insert_session", {{"token_hash", session.tokenHash},
                                       {"user_id", session.userId.value()},
                                       {"created_at", session.createdAt},
                                       {"expires_at", session.expiresAt}});
}

std::optional<SessionRecord> SqlStorage::sessionByTokenHash(const QByteArray &tokenHash)
{
    const std::optional<SqlRows> rows = sql("session_by_token", {{"token_hash", tokenHash}});
    if (!rows || rows->isEmpty())
        return std::nullopt;
    return session(rows->first());
}

bool SqlStorage::deleteSession(const QByteArray &tokenHash)
{
    return writeOne("delete_session", {{"token_hash", tokenHash}});
}

int SqlStorage::deleteSessionsOfUser(UserId id)
{
    const std::optional<SqlRows> rows = sql("delete_sessions_of_user", {{"user_id", id.value()}});
    return rows ? rows->affected : -1;
}

int SqlStorage::deleteExpiredSessions(qint64 now)
{
    const std::optional<SqlRows> rows = sql("delete_expired_sessions", {{"now", now}});
    return rows ? rows->affected : -1;
}

// Courses

StorageResult<CourseRecord> SqlStorage::createCourse(const QString &name, UserId owner, const QString &joinCode,
                                                     const QString &clientId)
{
    const auto byClientId = [&] {
        return course("course_by_owner_client", {{"owner_id", owner.value()}, {"client_id", clientId}});
    };
    if (!clientId.isEmpty()) {
        if (std::optional<CourseRecord> existing = byClientId())
            return success(std::move(*existing));
    }
    StorageResult<CourseRecord> created = insertCourse(name, owner, joinCode, clientId);
    // A concurrent request with the same client id committed first: answer with its course.
    if (created.error == StorageError::Conflict && !clientId.isEmpty()) {
        if (std::optional<CourseRecord> existing = byClientId())
            return success(std::move(*existing));
    }
    return created;
}

StorageResult<CourseRecord> SqlStorage::insertCourse(const QString &name, UserId owner, const QString &joinCode,
                                                     const QString &clientId)
{
    SqlTransaction transaction(m_sql);
    if (!transaction.isActive())
        return failure<CourseRecord>(StorageError::Failed, m_sql.lastError());
    const std::optional<SqlRows> room = sql("insert_room", {{"kind", roomKindName(RoomKind::Course)}, {"name", name}});
    if (!room || room->isEmpty())
        return failure<CourseRecord>(StorageError::Failed, m_sql.lastError());
    const RoomId roomId = id<RoomId>(room->first(), "id");
    const std::optional<SqlRows> inserted = sql("insert_course", {{"name", name},
                                                                  {"join_code", joinCode},
                                                                  {"owner_id", owner.value()},
                                                                  {"room_id", roomId.value()},
                                                                  {"client_id", clientId}});
    if (!inserted)
        return failure<CourseRecord>(StorageError::Failed, m_sql.lastError());
    if (inserted->isEmpty())
        return failure<CourseRecord>(StorageError::Conflict, QStringLiteral("the join code %1 is taken").arg(joinCode));
    const CourseId courseId = id<CourseId>(inserted->first(), "id");
    if (!sql("set_room_course", {{"course_id", courseId.value()}, {"room_id", roomId.value()}})
        || !sql("upsert_course_member", {{"course_id", courseId.value()},
                                         {"user_id", owner.value()},
                                         {"role", roleName(Role::Instructor)}})
        || !sql("upsert_course_room_members", {{"course_id", courseId.value()},
                                               {"user_id", owner.value()},
                                               {"owner_check", owner.value()},
                                               {"course_role", roleName(Role::Instructor)}}))
        return failure<CourseRecord>(StorageError::Failed, m_sql.lastError());
    if (const QString error = transaction.commit(); !error.isEmpty())
        return failure<CourseRecord>(StorageError::Failed, error);
    return success(CourseRecord{courseId, name, joinCode, owner, roomId, clientId});
}

std::optional<CourseRecord> SqlStorage::courseById(CourseId id)
{
    return course("course_by_id", {{"id", id.value()}});
}

std::optional<CourseRecord> SqlStorage::courseByJoinCode(const QString &joinCode)
{
    return course("course_by_join_code", {{"join_code", joinCode}});
}

std::optional<CourseRecord> SqlStorage::courseByRoom(RoomId room)
{
    return course("course_by_room", {{"room_id", room.value()}});
}

bool SqlStorage::addCourseMember(CourseId course, UserId user, Role courseRole)
{
    SqlTransaction transaction(m_sql);
    if (!transaction.isActive())
        return false;
    const std::optional<SqlRows> member = sql("upsert_course_member", {{"course_id", course.value()},
                                                                       {"user_id", user.value()},
                                                                       {"role", roleName(courseRole)}});
    if (!member || member->affected == 0
        || !sql("upsert_course_room_members", {{"course_id", course.value()},
                                               {"user_id", user.value()},
                                               {"owner_check", user.value()},
                                               {"course_role", roleName(courseRole)}}))
        return false;
    return transaction.commit().isEmpty();
}

std::optional<Role> SqlStorage::courseRole(CourseId course, UserId user)
{
    const std::optional<SqlRows> rows = sql("course_role", {{"course_id", course.value()}, {"user_id", user.value()}});
    if (!rows || rows->isEmpty())
        return std::nullopt;
    return role(rows->first(), "role");
}

QList<MemberInfo> SqlStorage::courseMembers(CourseId course)
{
    QList<MemberInfo> result;
    if (const std::optional<SqlRows> rows = sql("course_members", {{"course_id", course.value()}})) {
        for (const SqlRow &row : rows->rows)
            result.append(member(row));
    }
    return result;
}

QList<CourseInfo> SqlStorage::coursesOfUser(UserId user)
{
    return courseInfos("courses_of_user", {{"user_id", user.value()}});
}

QList<CourseInfo> SqlStorage::allCourses()
{
    return courseInfos("all_courses", {});
}

// Rooms and events

std::optional<RoomInfo> SqlStorage::roomById(RoomId id)
{
    const std::optional<SqlRows> rows = sql("room_by_id", {{"id", id.value()}});
    if (!rows || rows->isEmpty())
        return std::nullopt;
    return room(rows->first());
}

QList<RoomInfo> SqlStorage::roomsOfUser(UserId user)
{
    return rooms("rooms_of_user", {{"user_id", user.value()}});
}

QList<RoomInfo> SqlStorage::allRooms()
{
    return rooms("all_rooms", {});
}

StorageResult<EventRecord> SqlStorage::appendEvent(RoomId room, const QString &kind, UserId sender,
                                                   const QString &clientId, const QByteArray &payload,
                                                   qint64 timestamp)
{
    // Server-generated events (no sender) are never deduplicated. A retry is found by the
    // insert, which the unique index turns into a conflict, not by a read before it: callers
    // answer retries before they get here (message.send looks the clientId up first), and a
    // read of its own would cost every new event a statement and a read transaction.
    const bool idempotent = !clientId.isEmpty() && sender.isValid();
    StorageResult<EventRecord> appended = insertEvent(room, kind, sender, clientId, payload, timestamp);
    // A retry of an event already stored, or a concurrent one that committed first: answer
    // with that event.
    if (appended.error == StorageError::Conflict && idempotent) {
        if (std::optional<EventRecord> existing = eventByClientId(room, sender, clientId))
            return success(std::move(*existing));
    }
    return appended;
}

std::optional<EventRecord> SqlStorage::eventByClientId(RoomId room, UserId sender, const QString &clientId)
{
    const std::optional<SqlRows> rows = sql("event_by_client", {{"room_id", room.value()},
                                                                {"sender_id", sender.value()},
                                                                {"client_id", clientId}});
    if (!rows || rows->isEmpty())
        return std::nullopt;
    return event(rows->first());
}

StorageResult<EventRecord> SqlStorage::insertEvent(RoomId room, const QString &kind, UserId sender,
                                                   const QString &clientId, const QByteArray &payload,
                                                   qint64 timestamp)
{
    SqlTransaction transaction(m_sql);
    if (!transaction.isActive())
        return failure<EventRecord>(StorageError::Failed, m_sql.lastError());
    StorageResult<EventRecord> inserted = insertEventRow(room, kind, sender, clientId, payload, timestamp);
    if (!inserted.ok())
        return inserted;
    if (const QString error = transaction.commit(); !error.isEmpty())
        return failure<EventRecord>(StorageError::Failed, error);
    return inserted;
}

StorageResult<EventRecord> SqlStorage::insertEventRow(RoomId room, const QString &kind, UserId sender,
                                                      const QString &clientId, const QByteArray &payload,
                                                      qint64 timestamp)
{
    const std::optional<SqlRows> next = sql("next_seq", {{"room_id", room.value()}});
    if (!next)
        return failure<EventRecord>(StorageError::Failed, m_sql.lastError());
    if (next->isEmpty())
        return failure<EventRecord>(StorageError::NotFound, QStringLiteral("there is no room %1").arg(room.value()));
    const qint64 seq = next->first().value("last_seq").toLongLong();
    const std::optional<SqlRows> inserted = sql("insert_event", {{"room_id", room.value()},
                                                                 {"seq", seq},
                                                                 {"kind", kind},
                                                                 {"sender_id", bindId(sender)},
                                                                 {"client_id", clientId},
                                                                 {"payload", QString::fromUtf8(payload)},
                                                                 {"created_at", timestamp}});
    if (!inserted)
        return failure<EventRecord>(StorageError::Failed, m_sql.lastError());
    if (inserted->isEmpty())
        return failure<EventRecord>(StorageError::Conflict,
                                    QStringLiteral("the event %1 was already appended").arg(clientId));
    EventRecord event{room, seq, kind, sender, clientId, payload, timestamp, true};
    if (!materialise(event))
        return failure<EventRecord>(StorageError::Failed, m_sql.lastError());
    return success(std::move(event));
}

StorageResult<QList<EventRecord>> SqlStorage::appendEvents(RoomId room, const QList<NewEvent> &events, qint64 timestamp)
{
    SqlTransaction transaction(m_sql);
    if (!transaction.isActive())
        return failure<QList<EventRecord>>(StorageError::Failed, m_sql.lastError());
    QList<EventRecord> appended;
    for (const NewEvent &event : events) {
        if (!event.clientId.isEmpty() && event.sender.isValid()) {
            if (std::optional<EventRecord> existing = eventByClientId(room, event.sender, event.clientId)) {
                appended.append(std::move(*existing));
                continue;
            }
        }
        StorageResult<EventRecord> inserted =
            insertEventRow(room, event.kind, event.sender, event.clientId, event.payload, timestamp);
        if (!inserted.ok())
            return failure<QList<EventRecord>>(inserted.error, inserted.message);
        appended.append(std::move(*inserted.value));
    }
    if (const QString error = transaction.commit(); !error.isEmpty())
        return failure<QList<EventRecord>>(StorageError::Failed, error);
    return success(std::move(appended));
}

QList<EventRecord> SqlStorage::eventsAfter(RoomId room, qint64 afterSeq, int limit)
{
    return events("events_after", {{"room_id", room.value()}, {"after_seq", afterSeq}, {"limit", limit}});
}

QList<EventRecord> SqlStorage::latestEvents(RoomId room, int limit)
{
    return events("latest_events", {{"room_id", room.value()}, {"limit", limit}});
}

qint64 SqlStorage::lastSeq(RoomId room)
{
    const std::optional<SqlRows> rows = sql("last_seq", {{"room_id", room.value()}});
    if (!rows)
        return -1;
    return rows->isEmpty() ? 0 : rows->first().value(0).toLongLong();
}

// Chat

bool SqlStorage::materialise(const EventRecord &event)
{
    const QJsonObject data = QJsonDocument::fromJson(event.payload).object();
    const qint64 room = event.roomId.value();
    const auto systemMessage = [&](const QJsonObject &system) {
        return sql("insert_message", {{"room_id", room},
                                      {"seq", event.seq},
                                      {"kind", event.kind},
                                      {"sender_id", bindId(event.senderId)},
                                      {"client_id", event.clientId},
                                      {"text", QString()},
                                      {"thread_root", 0},
                                      {"created_at", event.timestamp},
                                      {"mentions", QString()},
                                      {"mentions_room", 0},
                                      {"system", QString::fromUtf8(QJsonDocument(system).toJson(QJsonDocument::Compact))},
                                      {"attachments", QString()}})
            .has_value();
    };
    const qint64 target = data.value(QStringLiteral("target")).toInteger();
    const QString kind = event.kind;
    if (kind == QLatin1String("message.created")) {
        const qint64 threadRoot = data.value(QStringLiteral("threadRoot")).toInteger();
        const QList<UserId> mentions = userIdsFromJson(data.value(QStringLiteral("mentions")).toArray());
        const QJsonArray attachments = data.value(QStringLiteral("attachments")).toArray();
        if (!sql("insert_message", {{"room_id", room},
                                    {"seq", event.seq},
                                    {"kind", QStringLiteral("message")},
                                    {"sender_id", bindId(event.senderId)},
                                    {"client_id", event.clientId},
                                    {"text", data.value(QStringLiteral("text")).toString()},
                                    {"thread_root", threadRoot},
                                    {"created_at", event.timestamp},
                                    {"mentions", mentionsColumn(mentions)},
                                    {"mentions_room", data.value(QStringLiteral("mentionsRoom")).toBool() ? 1 : 0},
                                    {"system", QString()},
                                    {"attachments", attachments.isEmpty() ? QString()
                                                                          : QString::fromUtf8(QJsonDocument(attachments).toJson(QJsonDocument::Compact))}}))
            return false;
        for (const QJsonValue &attachment : attachments) {
            if (!sql("mark_attachment_sent", {{"room_id", room},
                                              {"id", attachment.toObject().value(QStringLiteral("id")).toString()},
                                              {"sent_at", event.timestamp}}))
                return false;
        }
        return threadRoot <= 0
            || sql("count_thread_reply", {{"room_id", room}, {"seq", threadRoot}, {"created_at", event.timestamp}});
    }
    if (kind == QLatin1String("message.edited")) {
        const QList<UserId> mentions = userIdsFromJson(data.value(QStringLiteral("mentions")).toArray());
        return sql("edit_message", {{"room_id", room},
                                    {"seq", target},
                                    {"text", data.value(QStringLiteral("text")).toString()},
                                    {"edited_at", data.value(QStringLiteral("editedAt")).toInteger()},
                                    {"mentions", mentionsColumn(mentions)},
                                    {"mentions_room", data.value(QStringLiteral("mentionsRoom")).toBool() ? 1 : 0}})
            .has_value();
    }
    if (kind == QLatin1String("message.deleted")) {
        const std::optional<SqlRows> carried = sql("message_attachments", {{"room_id", room}, {"seq", target}});
        if (!carried || !sql("delete_message", {{"room_id", room}, {"seq", target}})
            || !sql("delete_message_reactions", {{"room_id", room}, {"seq", target}}))
            return false;
        const QString stored = carried->isEmpty() ? QString() : carried->first().value(0).toString();
        for (const QJsonValue &attachment : QJsonDocument::fromJson(stored.toUtf8()).array()) {
            const QString id = attachment.toObject().value(QStringLiteral("id")).toString();
            // Ids are SHA-256 hex, so the pattern has no LIKE wildcards of its own.
            if (!sql("delete_unused_attachment", {{"room_id", room}, {"id", id}, {"in_room", room},
                                                  {"pattern", QStringLiteral("%\"%1\"%").arg(id)}}))
                return false;
        }
        return true;
    }
    if (kind == QLatin1String("reaction.changed")) {
        const bool on = data.value(QStringLiteral("on")).toBool();
        const QString emoji = data.value(QStringLiteral("emoji")).toString();
        const qint64 user = data.value(QStringLiteral("userId")).toInteger();
        if (on)
            return sql("insert_reaction", {{"room_id", room}, {"seq", target}, {"emoji", emoji},
                                           {"user_id", user}, {"created_at", event.timestamp}})
                .has_value();
        return sql("delete_reaction", {{"room_id", room}, {"seq", target}, {"emoji", emoji}, {"user_id", user}})
            .has_value();
    }
    if (kind == QLatin1String("member.joined")) {
        const QJsonObject user = data.value(QStringLiteral("user")).toObject();
        // Course rooms got the membership with the course's; a role in the event means the
        // event itself adds the member (group and study rooms).
        if (data.contains(QStringLiteral("role"))
            && !sql("insert_room_member", {{"room_id", room},
                                           {"user_id", user.value(QStringLiteral("id")).toInteger()},
                                           {"role", data.value(QStringLiteral("role")).toString()}}))
            return false;
        return systemMessage({{QStringLiteral("event"), kind}, {QStringLiteral("user"), user}});
    }
    if (kind == QLatin1String("member.left")) {
        const QJsonObject user = data.value(QStringLiteral("user")).toObject();
        if (!sql("delete_room_member", {{"room_id", room}, {"user_id", user.value(QStringLiteral("id")).toInteger()}}))
            return false;
        return systemMessage({{QStringLiteral("event"), kind},
                              {QStringLiteral("user"), user},
                              {QStringLiteral("by"), data.value(QStringLiteral("by"))}});
    }
    if (kind == QLatin1String("member.role")) {
        const QJsonObject user = data.value(QStringLiteral("user")).toObject();
        return sql("set_room_role", {{"room_id", room},
                                     {"user_id", user.value(QStringLiteral("id")).toInteger()},
                                     {"role", data.value(QStringLiteral("role")).toString()}})
            .has_value();
    }
    if (kind == QLatin1String("room.updated")) {
        const QJsonObject updated = data.value(QStringLiteral("room")).toObject();
        if (!sql("update_room", {{"id", room},
                                 {"name", updated.value(QStringLiteral("name")).toString()},
                                 {"topic", updated.value(QStringLiteral("topic")).toString()},
                                 {"archived", updated.value(QStringLiteral("archived")).toBool() ? 1 : 0}}))
            return false;
        return systemMessage({{QStringLiteral("event"), kind},
                              {QStringLiteral("name"), updated.value(QStringLiteral("name"))},
                              {QStringLiteral("topic"), updated.value(QStringLiteral("topic"))},
                              {QStringLiteral("archived"), updated.value(QStringLiteral("archived"))}});
    }
    return true;
}

QList<RoomInfo> SqlStorage::roomRows(UserId user, bool includeOthers, RoomId onlyRoom, CourseId browseCourse)
{
    QList<RoomInfo> result;
    const std::optional<SqlRows> rows =
        sql("room_list", {{"user_id", user.value()},
                          {"member_of", user.value()},
                          {"peer_of", user.value()},
                          {"mention_pattern", QStringLiteral("%,%1,%").arg(user.value())},
                          {"include_others", includeOthers ? 1 : 0},
                          {"only_room", onlyRoom.isValid() ? 1 : 0},
                          {"room_id", onlyRoom.value()},
                          {"browse", browseCourse.isValid() ? 1 : 0},
                          {"course_id", browseCourse.value()}});
    if (rows) {
        result.reserve(rows->rows.size());
        for (const SqlRow &row : rows->rows)
            result.append(roomListEntry(row));
    }
    return result;
}

QList<RoomInfo> SqlStorage::roomList(UserId user, bool allRooms)
{
    return roomRows(user, allRooms, RoomId(), CourseId());
}

std::optional<RoomInfo> SqlStorage::roomForUser(RoomId room, UserId user)
{
    const QList<RoomInfo> rooms = roomRows(user, true, room, CourseId());
    if (rooms.isEmpty())
        return std::nullopt;
    return rooms.first();
}

QList<RoomInfo> SqlStorage::publicStudyRooms(CourseId course, UserId user)
{
    return roomRows(user, true, RoomId(), course);
}

std::optional<RoomRole> SqlStorage::roomRole(RoomId room, UserId user)
{
    const std::optional<SqlRows> rows = sql("room_role", {{"room_id", room.value()}, {"user_id", user.value()}});
    RoomRole result = RoomRole::Member;
    if (!rows || rows->isEmpty() || !parseRoomRole(rows->first().value(0).toString(), &result))
        return std::nullopt;
    return result;
}

std::optional<std::pair<RoomInfo, std::optional<RoomRole>>> SqlStorage::roomWithRole(RoomId room, UserId user)
{
    const std::optional<SqlRows> rows = sql("room_with_role", {{"id", room.value()}, {"user_id", user.value()}});
    if (!rows || rows->isEmpty())
        return std::nullopt;
    const SqlRow &row = rows->first();
    std::optional<RoomRole> role;
    if (RoomRole parsed = RoomRole::Member; parseRoomRole(row.value("member_role").toString(), &parsed))
        role = parsed;
    return std::pair{SqlRecords::room(row), role};
}

QList<RoomMemberRecord> SqlStorage::roomMembers(RoomId room)
{
    QList<RoomMemberRecord> result;
    if (const std::optional<SqlRows> rows = sql("room_members", {{"room_id", room.value()}})) {
        for (const SqlRow &row : rows->rows) {
            RoomRole roomRole = RoomRole::Member;
            parseRoomRole(row.value("room_role").toString(), &roomRole);
            result.append({userInfo(row), roomRole});
        }
    }
    return result;
}

StorageResult<UserId> SqlStorage::roomSuccessor(RoomId room, UserId leaving)
{
    const std::optional<SqlRows> rows = sql("room_successor", {{"room_id", room.value()}, {"leaving", leaving.value()}});
    if (!rows)
        return failure<UserId>(StorageError::Failed, m_sql.lastError());
    if (rows->isEmpty())
        return failure<UserId>(StorageError::NotFound, QStringLiteral("nobody else is a member"));
    return success(UserId(rows->first().value(0).toLongLong()));
}

QList<UserId> SqlStorage::roomMates(UserId user)
{
    QList<UserId> result;
    if (const std::optional<SqlRows> rows = sql("room_mates", {{"user_id", user.value()}, {"user_id_again", user.value()}})) {
        for (const SqlRow &row : rows->rows)
            result.append(UserId(row.value(0).toLongLong()));
    }
    return result;
}

std::optional<QList<MessageInfo>> SqlStorage::messageRows(const char *query, std::initializer_list<Binding> bindings)
{
    const std::optional<SqlRows> rows = sql(query, bindings);
    if (!rows)
        return std::nullopt;
    RoomId room;
    for (const Binding &binding : bindings) {
        if (qstrcmp(binding.first, "room_id") == 0)
            room = RoomId(binding.second.toLongLong());
    }
    QList<MessageInfo> result;
    result.reserve(rows->rows.size());
    qint64 first = std::numeric_limits<qint64>::max();
    qint64 last = 0;
    for (const SqlRow &row : rows->rows) {
        result.append(SqlRecords::message(row, room));
        first = std::min(first, result.last().seq);
        last = std::max(last, result.last().seq);
    }
    if (result.isEmpty())
        return result;
    const std::optional<SqlRows> reactions =
        sql("reactions_between", {{"room_id", room.value()}, {"first", first}, {"last", last}});
    if (!reactions)
        return std::nullopt;
    QHash<qint64, MessageInfo *> bySeq;
    for (MessageInfo &message : result)
        bySeq.insert(message.seq, &message);
    for (const SqlRow &row : reactions->rows) {
        MessageInfo *message = bySeq.value(row.value("seq").toLongLong());
        if (!message)
            continue;
        const QString emoji = row.value("emoji").toString();
        const UserId user(row.value("user_id").toLongLong());
        if (message->reactions.isEmpty() || message->reactions.last().emoji != emoji)
            message->reactions.append({emoji, {}});
        message->reactions.last().users.append(user);
    }
    return result;
}

std::optional<HistoryPage> SqlStorage::history(RoomId room, const HistoryQuery &query)
{
    const qint64 threadRoot = query.threadRoot > 0 ? query.threadRoot : 0;
    const qint64 threadSeq = query.threadRoot > 0 ? query.threadRoot : -1;
    const qint64 noUpperBound = std::numeric_limits<qint64>::max();
    // One row more than asked tells whether there is more in that direction.
    const auto page = [&](const char *file, qint64 after, qint64 before, int limit) {
        return messageRows(file, {{"room_id", room.value()},
                                  {"after", after},
                                  {"before", before},
                                  {"thread_root", threadRoot},
                                  {"thread_seq", threadSeq},
                                  {"limit", limit + 1}});
    };
    HistoryPage result;
    if (query.after > 0 && query.around <= 0) {
        const auto newer = page("history_after", query.after, query.before > 0 ? query.before : noUpperBound, query.limit);
        if (!newer)
            return std::nullopt;
        result.messages = *newer;
        result.hasMoreAfter = result.messages.size() > query.limit;
        if (result.hasMoreAfter)
            result.messages.removeLast();
        result.hasMoreBefore = true;
        return result;
    }
    if (query.around > 0) {
        // The centre and older messages take the first half, newer ones the rest.
        const int olderLimit = (query.limit + 1) / 2;
        const int newerLimit = query.limit - olderLimit;
        auto older = page("history_before", 0, query.around + 1, olderLimit);
        auto newer = page("history_after", query.around, noUpperBound, newerLimit);
        if (!older || !newer)
            return std::nullopt;
        result.hasMoreBefore = older->size() > olderLimit;
        if (result.hasMoreBefore)
            older->removeLast();
        result.hasMoreAfter = newer->size() > newerLimit;
        if (result.hasMoreAfter)
            newer->removeLast();
        std::reverse(older->begin(), older->end());
        result.messages = *older + *newer;
        return result;
    }
    auto older = page("history_before", 0, query.before > 0 ? query.before : noUpperBound, query.limit);
    if (!older)
        return std::nullopt;
    result.hasMoreBefore = older->size() > query.limit;
    if (result.hasMoreBefore)
        older->removeLast();
    std::reverse(older->begin(), older->end());
    result.messages = *older;
    result.hasMoreAfter = query.before > 0;
    return result;
}

std::optional<MessageInfo> SqlStorage::message(RoomId room, qint64 seq)
{
    const auto rows = messageRows("message_by_seq", {{"room_id", room.value()}, {"seq", seq}});
    if (!rows || rows->isEmpty())
        return std::nullopt;
    return rows->first();
}

bool SqlStorage::hasReaction(RoomId room, qint64 seq, const QString &emoji, UserId user)
{
    const std::optional<SqlRows> rows = sql("has_reaction", {{"room_id", room.value()},
                                                             {"seq", seq},
                                                             {"emoji", emoji},
                                                             {"user_id", user.value()}});
    return rows && !rows->isEmpty();
}

qint64 SqlStorage::markRead(RoomId room, UserId user, qint64 seq)
{
    if (!sql("mark_read", {{"room_id", room.value()}, {"user_id", user.value()}, {"seq", seq}, {"seq_again", seq}}))
        return -1;
    const std::optional<SqlRows> rows = sql("last_read", {{"room_id", room.value()}, {"user_id", user.value()}});
    if (!rows || rows->isEmpty())
        return -1;
    return rows->first().value(0).toLongLong();
}

QList<ReadState> SqlStorage::readStates(RoomId room)
{
    QList<ReadState> result;
    if (const std::optional<SqlRows> rows = sql("read_states", {{"room_id", room.value()}})) {
        for (const SqlRow &row : rows->rows)
            result.append({UserId(row.value(0).toLongLong()), row.value(1).toLongLong()});
    }
    return result;
}

bool SqlStorage::setRoomPrefs(RoomId room, UserId user, std::optional<bool> muted, std::optional<bool> pinned)
{
    const std::optional<SqlRows> rows = sql("room_member_prefs", {{"room_id", room.value()}, {"user_id", user.value()}});
    if (!rows || rows->isEmpty())
        return false;
    const bool newMuted = muted.value_or(rows->first().value(0).toInt() != 0);
    const bool newPinned = pinned.value_or(rows->first().value(1).toInt() != 0);
    return writeOne("set_room_prefs", {{"room_id", room.value()},
                                       {"user_id", user.value()},
                                       {"muted", newMuted ? 1 : 0},
                                       {"pinned", newPinned ? 1 : 0}});
}

namespace {

QString directKey(const NewRoom &room)
{
    if (room.kind != RoomKind::Direct || room.members.size() != 1)
        return QString();
    const qint64 a = std::min(room.creator.value(), room.members.first().value());
    const qint64 b = std::max(room.creator.value(), room.members.first().value());
    return QStringLiteral("%1:%2").arg(a).arg(b);
}

} // namespace

std::optional<RoomId> SqlStorage::existingRoom(const NewRoom &room)
{
    const QString key = directKey(room);
    const std::optional<SqlRows> rows = key.isEmpty()
        ? sql("room_by_creator_client", {{"created_by", room.creator.value()}, {"client_id", room.clientId}})
        : sql("room_by_direct_key", {{"direct_key", key}});
    if (!rows || rows->isEmpty())
        return std::nullopt;
    return RoomId(rows->first().value(0).toLongLong());
}

StorageResult<std::pair<RoomId, bool>> SqlStorage::createRoom(const NewRoom &room)
{
    using Result = std::pair<RoomId, bool>;
    if (const std::optional<RoomId> existing = existingRoom(room))
        return success(Result{*existing, false});
    SqlTransaction transaction(m_sql);
    if (!transaction.isActive())
        return failure<Result>(StorageError::Failed, m_sql.lastError());
    const std::optional<SqlRows> inserted = sql("insert_chat_room", {{"kind", roomKindName(room.kind)},
                                                                     {"name", room.name},
                                                                     {"topic", room.topic},
                                                                     {"course_id", bindId(room.courseId)},
                                                                     {"visibility", room.visibility},
                                                                     {"member_limit", room.memberLimit},
                                                                     {"created_by", room.creator.value()},
                                                                     {"client_id", room.clientId},
                                                                     {"direct_key", directKey(room)}});
    if (!inserted)
        return failure<Result>(StorageError::Failed, m_sql.lastError());
    if (inserted->isEmpty()) {
        // A concurrent request for the same room committed first.
        if (const std::optional<RoomId> existing = existingRoom(room))
            return success(Result{*existing, false});
        return failure<Result>(StorageError::Conflict, QStringLiteral("the room exists but cannot be found"));
    }
    const RoomId id(inserted->first().value(0).toLongLong());
    const QString creatorRole = roomRoleName(room.kind == RoomKind::Direct ? RoomRole::Member : RoomRole::Owner);
    if (!sql("insert_room_member", {{"room_id", id.value()}, {"user_id", room.creator.value()}, {"role", creatorRole}}))
        return failure<Result>(StorageError::Failed, m_sql.lastError());
    for (UserId member : room.members) {
        if (!sql("insert_room_member", {{"room_id", id.value()}, {"user_id", member.value()},
                                        {"role", roomRoleName(RoomRole::Member)}}))
            return failure<Result>(StorageError::Failed, m_sql.lastError());
    }
    if (room.kind == RoomKind::Announcement
        && !sql("insert_course_into_room", {{"room_id", id.value()},
                                            {"creator", room.creator.value()},
                                            {"course_id", room.courseId.value()}}))
        return failure<Result>(StorageError::Failed, m_sql.lastError());
    if (const QString error = transaction.commit(); !error.isEmpty())
        return failure<Result>(StorageError::Failed, error);
    return success(Result{id, true});
}

bool SqlStorage::sharesCourse(UserId a, UserId b)
{
    const std::optional<SqlRows> rows = sql("shares_course", {{"user_a", a.value()}, {"user_b", b.value()}});
    return rows && !rows->isEmpty();
}

qint64 SqlStorage::lastSeen(UserId user)
{
    const std::optional<SqlRows> rows = sql("last_seen", {{"id", user.value()}});
    if (!rows)
        return -1;
    return rows->isEmpty() ? 0 : rows->first().value(0).toLongLong();
}

bool SqlStorage::setLastSeen(UserId user, qint64 at)
{
    return writeOne("set_last_seen", {{"id", user.value()}, {"at", at}});
}

std::optional<QList<SearchHit>> SqlStorage::searchMessages(UserId user, const SearchQuery &query)
{
    // The words are cut into the tokens both backends index (runs of letters and digits), so no
    // character of the user's can carry FTS5 or tsquery syntax.
    QStringList tokens;
    for (const QString &word : query.words) {
        QString token;
        for (const QChar c : word + QLatin1Char(' ')) {
            if (c.isLetterOrNumber()) {
                token += c.toLower();
            } else if (!token.isEmpty()) {
                tokens.append(token);
                token.clear();
            }
        }
    }
    QString match;
    for (qsizetype i = 0; i < tokens.size(); ++i) {
        const bool last = i == tokens.size() - 1;
        if (m_config.driver == Postgres)
            match += (i > 0 ? QStringLiteral(" & ") : QString()) + tokens.at(i) + (last ? QStringLiteral(":*") : QString());
        else
            match += (i > 0 ? QStringLiteral(" ") : QString()) + QLatin1Char('"') + tokens.at(i) + QLatin1Char('"')
                + (last ? QStringLiteral("*") : QString());
    }
    const bool words = !match.isEmpty();
    if (!words && !query.words.isEmpty())
        return QList<SearchHit>(); // only punctuation: nothing can match
    const std::optional<SqlRows> rows = sql(words ? "search_messages" : "filter_messages",
                                            {{"user_id", user.value()},
                                             {"match", match},
                                             {"any_room", query.room.isValid() ? 0 : 1},
                                             {"room_id", query.room.value()},
                                             {"any_sender", query.sender.isValid() ? 0 : 1},
                                             {"sender_id", query.sender.value()},
                                             {"after", query.after},
                                             {"before", query.before},
                                             {"has_file", query.hasFile ? 1 : 0},
                                             {"limit", query.limit}});
    if (!rows)
        return std::nullopt;
    QList<SearchHit> hits;
    for (const SqlRow &row : rows->rows) {
        SearchHit hit;
        hit.roomId = id<RoomId>(row, "room_id");
        hit.seq = row.value("seq").toLongLong();
        hit.timestamp = row.value("created_at").toLongLong();
        hit.threadRoot = row.value("thread_root").toLongLong();
        hit.sender = UserInfo{id<UserId>(row, "sender_id"), row.value("username").toString(),
                              row.value("display_name").toString(), SqlRecords::role(row, "role")};
        hit.text = row.value("text").toString();
        hits.append(hit);
    }
    return hits;
}

bool SqlStorage::addAttachment(RoomId room, const AttachmentInfo &attachment, UserId uploader, qint64 timestamp)
{
    return sql("insert_attachment", {{"room_id", room.value()},
                                     {"id", attachment.id},
                                     {"name", attachment.name},
                                     {"size", attachment.size},
                                     {"mime", attachment.mime},
                                     {"uploader_id", bindId(uploader)},
                                     {"created_at", timestamp}})
        .has_value();
}

std::optional<AttachmentInfo> SqlStorage::attachment(RoomId room, const QString &id)
{
    const std::optional<SqlRows> rows = sql("attachment", {{"room_id", room.value()}, {"id", id}});
    if (!rows || rows->isEmpty())
        return std::nullopt;
    const SqlRow &row = rows->first();
    return AttachmentInfo{row.value("id").toString(), row.value("name").toString(), row.value("size").toLongLong(),
                          row.value("mime").toString()};
}

int SqlStorage::attachmentRoomCount(const QString &id)
{
    const std::optional<SqlRows> rows = sql("attachment_room_count", {{"id", id}});
    return rows && !rows->isEmpty() ? rows->first().value(0).toInt() : -1;
}

qint64 SqlStorage::attachmentBytesOf(UserId uploader, const QString &besides)
{
    const std::optional<SqlRows> rows =
        sql("attachment_bytes_of", {{"uploader_id", uploader.value()}, {"besides", besides}});
    return rows && !rows->isEmpty() ? rows->first().value(0).toLongLong() : -1;
}

std::optional<QStringList> SqlStorage::dropUnsentAttachments(qint64 uploadedBefore)
{
    SqlTransaction transaction(m_sql);
    if (!transaction.isActive())
        return std::nullopt;
    const std::optional<SqlRows> rows = sql("unsent_attachments", {{"before", uploadedBefore}});
    if (!rows)
        return std::nullopt;
    QStringList dropped;
    for (const SqlRow &row : rows->rows) {
        const QString id = row.value("id").toString();
        const qint64 room = row.value("room_id").toLongLong();
        if (!sql("delete_unsent_attachment", {{"room_id", room}, {"id", id}}))
            return std::nullopt;
        if (!dropped.contains(id))
            dropped.append(id);
    }
    if (!transaction.commit().isEmpty())
        return std::nullopt;
    return dropped;
}

// Settings

std::optional<QString> SqlStorage::setting(const QString &key)
{
    const std::optional<SqlRows> rows = sql("setting", {{"key", key}});
    if (!rows || rows->isEmpty())
        return std::nullopt;
    return rows->first().value(0).toString();
}

bool SqlStorage::setSetting(const QString &key, const QString &value)
{
    return writeOne("upsert_setting", {{"key", key}, {"value", value}});
}

bool SqlStorage::removeSetting(const QString &key)
{
    return writeOne("delete_setting", {{"key", key}});
}

// Helpers

std::optional<SqlRows> SqlStorage::sql(const char *query, std::initializer_list<Binding> bindings)
{
    QVariantMap values;
    for (const Binding &binding : bindings) {
        // QtSql binds a null QString as NULL; the text columns are NOT NULL and mean "" by it.
        const bool nullText = binding.second.typeId() == QMetaType::QString && binding.second.toString().isNull();
        values.insert(QLatin1String(binding.first), nullText ? QVariant(QStringLiteral("")) : binding.second);
    }
    return m_sql.exec(QLatin1String(query), values);
}

bool SqlStorage::writeOne(const char *query, std::initializer_list<Binding> bindings)
{
    const std::optional<SqlRows> rows = sql(query, bindings);
    return rows && rows->affected > 0;
}

std::optional<CourseRecord> SqlStorage::course(const char *query, std::initializer_list<Binding> bindings)
{
    const std::optional<SqlRows> rows = sql(query, bindings);
    if (!rows || rows->isEmpty())
        return std::nullopt;
    return SqlRecords::course(rows->first());
}

QList<EventRecord> SqlStorage::events(const char *query, std::initializer_list<Binding> bindings)
{
    QList<EventRecord> result;
    if (const std::optional<SqlRows> rows = sql(query, bindings)) {
        result.reserve(rows->rows.size());
        for (const SqlRow &row : rows->rows)
            result.append(event(row));
    }
    return result;
}

QList<CourseInfo> SqlStorage::courseInfos(const char *query, std::initializer_list<Binding> bindings)
{
    QList<CourseInfo> result;
    if (const std::optional<SqlRows> rows = sql(query, bindings)) {
        for (const SqlRow &row : rows->rows)
            result.append(courseInfo(row));
    }
    return result;
}

QList<RoomInfo> SqlStorage::rooms(const char *query, std::initializer_list<Binding> bindings)
{
    QList<RoomInfo> result;
    if (const std::optional<SqlRows> rows = sql(query, bindings)) {
        for (const SqlRow &row : rows->rows)
            result.append(room(row));
    }
    return result;
}

} // namespace Cohort::Server
