// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "sqlcodestorage.h"

#include "sqlrecords.h"

#include <QDateTime>
#include <QJsonDocument>

#include <array>

namespace Cohort::Server {

using namespace SqlRecords;

namespace {

constexpr std::array codeRoleNames{"pending", "viewer", "editor", "host"};

QVariant flag(bool on)
{
    return on ? 1 : 0;
}

CodeSessionRecord sessionRecord(const SqlRow &row)
{
    CodeSessionRecord s;
    s.id = id<CodeSessionId>(row, "id");
    s.roomId = id<RoomId>(row, "room_id");
    s.title = row.value("title").toString();
    s.ownerId = id<UserId>(row, "owner_id");
    s.courseId = id<CourseId>(row, "course_id");
    s.courseScope = row.value("scope").toString() == QLatin1String("course");
    s.accessCode = row.value("access_code").toString();
    s.maxCollaborators = row.value("max_collaborators").toInt();
    s.locked = row.value("locked").toInt() != 0;
    s.approval = row.value("approval").toInt() != 0;
    s.lecture = row.value("lecture").toInt() != 0;
    s.createdAt = row.value("created_at").toLongLong();
    s.archivedAt = row.value("archived_at").toLongLong();
    s.participantCount = row.value("participant_count").toInt();
    return s;
}

CodeFileRecord fileRecord(const SqlRow &row)
{
    return {id<CodeFileId>(row, "id"),          id<CodeSessionId>(row, "session_id"),
            row.value("path").toString(),        row.value("language").toString(),
            row.value("deleted").toInt() != 0,   row.value("last_n").toLongLong(),
            row.value("snapshot_n").toLongLong(), row.value("log_bytes").toLongLong()};
}

CodeCommentRecord commentRecord(const SqlRow &row)
{
    CodeCommentRecord c;
    c.id = id<CodeCommentId>(row, "id");
    c.sessionId = id<CodeSessionId>(row, "session_id");
    c.fileId = id<CodeFileId>(row, "file_id");
    c.parentId = id<CodeCommentId>(row, "parent_id");
    c.author = {id<UserId>(row, "author_id"), row.value("username").toString(), row.value("display_name").toString(),
                role(row, "role")};
    c.anchorStart = row.value("anchor_start").toByteArray();
    c.anchorEnd = row.value("anchor_end").toByteArray();
    c.text = row.value("text").toString();
    c.resolved = row.value("resolved").toInt() != 0;
    c.createdAt = row.value("created_at").toLongLong();
    return c;
}

CodeVersionRecord versionRecord(const SqlRow &row)
{
    return {id<CodeVersionId>(row, "id"), id<CodeSessionId>(row, "session_id"), row.value("name").toString(),
            id<UserId>(row, "created_by"), row.value("created_at").toLongLong(), row.value("files").toInt()};
}

} // namespace

QString codeRoleName(CodeRole role)
{
    return QString::fromLatin1(codeRoleNames[static_cast<size_t>(role)]);
}

bool parseCodeRole(const QString &name, CodeRole *role)
{
    for (size_t i = 0; i < codeRoleNames.size(); ++i) {
        if (name == QLatin1String(codeRoleNames[i])) {
            *role = static_cast<CodeRole>(i);
            return true;
        }
    }
    return false;
}

SqlCodeStorage::SqlCodeStorage(SqlConnection &sql)
    : m_sql(sql)
{
}

std::optional<SqlRows> SqlCodeStorage::sql(const char *query, std::initializer_list<Binding> bindings)
{
    QVariantMap values;
    for (const Binding &binding : bindings) {
        // A null QString or QByteArray would bind NULL, and the text and blob columns are NOT
        // NULL and mean "" by it (a reply's empty anchors).
        QVariant value = binding.second;
        if (value.typeId() == QMetaType::QString && value.toString().isNull())
            value = QVariant(QStringLiteral(""));
        else if (value.typeId() == QMetaType::QByteArray && value.toByteArray().isNull())
            value = QVariant(QByteArray("", 0));
        values.insert(QLatin1String(binding.first), value);
    }
    return m_sql.exec(QLatin1String(query), values);
}

StorageResult<EventRecord> SqlCodeStorage::appendEvent(RoomId room, const CodeEvent &event, qint64 id)
{
    const std::optional<SqlRows> next = sql("next_seq", {{"room_id", room.value()}});
    if (!next)
        return failure<EventRecord>(StorageError::Failed, m_sql.lastError());
    if (next->isEmpty())
        return failure<EventRecord>(StorageError::NotFound, QStringLiteral("there is no room %1").arg(room.value()));
    const qint64 seq = next->first().value("last_seq").toLongLong();
    const QByteArray payload = QJsonDocument(event.payload(id)).toJson(QJsonDocument::Compact);
    const std::optional<SqlRows> inserted = sql("insert_event", {{"room_id", room.value()},
                                                                 {"seq", seq},
                                                                 {"kind", event.kind},
                                                                 {"sender_id", bindId(event.sender)},
                                                                 {"client_id", event.clientId},
                                                                 {"payload", QString::fromUtf8(payload)},
                                                                 {"created_at", event.timestamp}});
    if (!inserted)
        return failure<EventRecord>(StorageError::Failed, m_sql.lastError());
    if (inserted->isEmpty())
        return failure<EventRecord>(StorageError::Conflict,
                                    QStringLiteral("the event %1 was already appended").arg(event.clientId));
    return success(EventRecord{room, seq, event.kind, event.sender, event.clientId, payload, event.timestamp, true});
}

RoomId SqlCodeStorage::roomOfSession(CodeSessionId session)
{
    const std::optional<CodeSessionRecord> record = codeSession(session);
    return record ? record->roomId : RoomId();
}

// Sessions

StorageResult<CodeSessionRecord> SqlCodeStorage::createCodeSession(const CodeSessionRecord &session,
                                                                   const QString &clientId)
{
    const auto existing = [&] { return codeSessionByClientId(session.ownerId, clientId); };
    if (std::optional<CodeSessionRecord> first = existing())
        return success(std::move(*first));
    StorageResult<CodeSessionRecord> created = insertCodeSession(session, clientId);
    // A concurrent retry with the same client id committed first: answer with its session.
    if (!created.ok()) {
        if (std::optional<CodeSessionRecord> first = existing())
            return success(std::move(*first));
    }
    return created;
}

StorageResult<CodeSessionRecord> SqlCodeStorage::insertCodeSession(const CodeSessionRecord &session,
                                                                   const QString &clientId)
{
    SqlTransaction transaction(m_sql);
    if (!transaction.isActive())
        return failure<CodeSessionRecord>(StorageError::Failed, m_sql.lastError());
    const std::optional<SqlRows> room = sql("insert_room", {{"kind", QStringLiteral("code")}, {"name", session.title}});
    if (!room || room->isEmpty())
        return failure<CodeSessionRecord>(StorageError::Failed, m_sql.lastError());
    CodeSessionRecord created = session;
    created.roomId = id<RoomId>(room->first(), "id");
    const std::optional<SqlRows> inserted =
        sql("code_insert_session", {{"room_id", created.roomId.value()},
                                    {"title", session.title},
                                    {"owner_id", session.ownerId.value()},
                                    {"course_id", bindId(session.courseId)},
                                    {"scope", session.courseScope ? QStringLiteral("course") : QStringLiteral("private")},
                                    {"access_code", session.accessCode},
                                    {"max_collaborators", session.maxCollaborators},
                                    {"approval", flag(session.approval)},
                                    {"lecture", flag(session.lecture)},
                                    {"client_id", clientId},
                                    {"created_at", session.createdAt}});
    if (!inserted || inserted->isEmpty())
        return failure<CodeSessionRecord>(StorageError::Failed, m_sql.lastError());
    created.id = id<CodeSessionId>(inserted->first(), "id");
    created.participantCount = 1;
    if (!sql("code_upsert_participant", {{"session_id", created.id.value()},
                                         {"user_id", session.ownerId.value()},
                                         {"role", codeRoleName(CodeRole::Host)},
                                         {"joined_at", session.createdAt}}))
        return failure<CodeSessionRecord>(StorageError::Failed, m_sql.lastError());
    if (const QString error = transaction.commit(); !error.isEmpty())
        return failure<CodeSessionRecord>(StorageError::Failed, error);
    return success(std::move(created));
}

std::optional<CodeSessionRecord> SqlCodeStorage::codeSession(CodeSessionId id)
{
    const QList<CodeSessionRecord> found = sessions("code_session", {{"session_id", id.value()}});
    if (found.isEmpty())
        return std::nullopt;
    return found.first();
}

QList<CodeSessionRecord> SqlCodeStorage::codeSessionsOfUser(UserId user, CourseId course, bool withArchived)
{
    return sessions("code_sessions_of_user", {{"any_course", flag(!course.isValid())},
                                              {"course_id", course.value()},
                                              {"with_archived", flag(withArchived)},
                                              {"owner_id", user.value()},
                                              {"user_id", user.value()},
                                              {"member_id", user.value()}});
}

std::optional<CodeSessionRecord> SqlCodeStorage::deletedCodeSession(CodeSessionId id)
{
    const QList<CodeSessionRecord> found = sessions("code_deleted_session", {{"session_id", id.value()}});
    if (found.isEmpty())
        return std::nullopt;
    return found.first();
}

StorageResult<EventRecord> SqlCodeStorage::setCodeSessionArchived(CodeSessionId session, qint64 archivedAt,
                                                                  const CodeEvent &event)
{
    SqlTransaction transaction(m_sql);
    if (!transaction.isActive())
        return failure<EventRecord>(StorageError::Failed, m_sql.lastError());
    const std::optional<CodeSessionRecord> record = codeSession(session);
    if (!record)
        return failure<EventRecord>(StorageError::NotFound, QStringLiteral("no such session"));
    const std::optional<SqlRows> updated =
        sql("code_set_archived", {{"session_id", session.value()}, {"archived_at", archivedAt}});
    if (!updated)
        return failure<EventRecord>(StorageError::Failed, m_sql.lastError());
    if (updated->affected == 0)
        return failure<EventRecord>(StorageError::NotFound, QStringLiteral("no such session"));
    // Nobody is let into an archived session, so nobody waits for a host any more.
    if (archivedAt != 0 && !sql("code_delete_pending", {{"session_id", session.value()}}))
        return failure<EventRecord>(StorageError::Failed, m_sql.lastError());
    StorageResult<EventRecord> appended = appendEvent(record->roomId, event, session.value());
    if (!appended.ok())
        return appended;
    if (const QString error = transaction.commit(); !error.isEmpty())
        return failure<EventRecord>(StorageError::Failed, error);
    return appended;
}

StorageResult<EventRecord> SqlCodeStorage::deleteCodeSession(CodeSessionId session, qint64 deletedAt,
                                                             const CodeEvent &event)
{
    SqlTransaction transaction(m_sql);
    if (!transaction.isActive())
        return failure<EventRecord>(StorageError::Failed, m_sql.lastError());
    const std::optional<CodeSessionRecord> record = codeSession(session);
    if (!record)
        return failure<EventRecord>(StorageError::NotFound, QStringLiteral("no such session"));
    if (!record->isArchived())
        return failure<EventRecord>(StorageError::Conflict, QStringLiteral("the session is not archived"));
    // Children first: the schema's cascades need SQLite's foreign keys on, this does not.
    for (const char *query : {"code_purge_version_files", "code_purge_versions", "code_purge_comments",
                              "code_purge_updates", "code_purge_files", "code_purge_agents",
                              "code_purge_participants", "code_purge_removed", "code_purge_declined"}) {
        if (!sql(query, {{"session_id", session.value()}}))
            return failure<EventRecord>(StorageError::Failed, m_sql.lastError());
    }
    for (const char *query : {"code_purge_events", "code_purge_room_name"}) {
        if (!sql(query, {{"room_id", record->roomId.value()}}))
            return failure<EventRecord>(StorageError::Failed, m_sql.lastError());
    }
    const std::optional<SqlRows> tombstone =
        sql("code_tombstone_session", {{"session_id", session.value()}, {"deleted_at", deletedAt}});
    if (!tombstone)
        return failure<EventRecord>(StorageError::Failed, m_sql.lastError());
    if (tombstone->affected != 1)
        return failure<EventRecord>(StorageError::Conflict, QStringLiteral("the session changed meanwhile"));
    StorageResult<EventRecord> appended = appendEvent(record->roomId, event, session.value());
    if (!appended.ok())
        return appended;
    if (const QString error = transaction.commit(); !error.isEmpty())
        return failure<EventRecord>(StorageError::Failed, error);
    return appended;
}

QList<CodeSessionRecord> SqlCodeStorage::sessions(const char *query, std::initializer_list<Binding> bindings)
{
    QList<CodeSessionRecord> result;
    const std::optional<SqlRows> rows = sql(query, bindings);
    if (!rows)
        return result;
    for (const SqlRow &row : rows->rows)
        result.append(sessionRecord(row));
    return result;
}

StorageResult<EventRecord> SqlCodeStorage::updateCodeSession(const CodeSessionRecord &session, const CodeEvent &event)
{
    SqlTransaction transaction(m_sql);
    if (!transaction.isActive())
        return failure<EventRecord>(StorageError::Failed, m_sql.lastError());
    const std::optional<SqlRows> updated = sql("code_update_session", {{"session_id", session.id.value()},
                                                                        {"title", session.title},
                                                                        {"access_code", session.accessCode},
                                                                        {"max_collaborators", session.maxCollaborators},
                                                                        {"locked", flag(session.locked)},
                                                                        {"approval", flag(session.approval)},
                                                                        {"lecture", flag(session.lecture)}});
    if (!updated)
        return failure<EventRecord>(StorageError::Failed, m_sql.lastError());
    if (updated->affected == 0)
        return failure<EventRecord>(StorageError::NotFound, QStringLiteral("no such session"));
    StorageResult<EventRecord> appended = appendEvent(session.roomId, event, session.id.value());
    if (!appended.ok())
        return appended;
    if (const QString error = transaction.commit(); !error.isEmpty())
        return failure<EventRecord>(StorageError::Failed, error);
    return appended;
}

// Participants and agents

QList<CodeParticipantRecord> SqlCodeStorage::codeParticipants(CodeSessionId session)
{
    QList<CodeParticipantRecord> result;
    const std::optional<SqlRows> rows = sql("code_participants", {{"session_id", session.value()}});
    if (!rows)
        return result;
    for (const SqlRow &row : rows->rows) {
        CodeRole role = CodeRole::Viewer;
        parseCodeRole(row.value("code_role").toString(), &role);
        result.append({userInfo(row), role});
    }
    return result;
}

std::optional<CodeRole> SqlCodeStorage::codeRole(CodeSessionId session, UserId user)
{
    const std::optional<SqlRows> rows =
        sql("code_participant_role", {{"session_id", session.value()}, {"user_id", user.value()}});
    CodeRole role = CodeRole::Viewer;
    if (!rows || rows->isEmpty() || !parseCodeRole(rows->first().value("role").toString(), &role))
        return std::nullopt;
    return role;
}

StorageResult<EventRecord> SqlCodeStorage::setCodeRole(CodeSessionId session, UserId user, CodeRole role,
                                                       const std::optional<CodeEvent> &event)
{
    SqlTransaction transaction(m_sql);
    if (!transaction.isActive())
        return failure<EventRecord>(StorageError::Failed, m_sql.lastError());
    if (!sql("code_upsert_participant", {{"session_id", session.value()},
                                         {"user_id", user.value()},
                                         {"role", codeRoleName(role)},
                                         {"joined_at", QDateTime::currentMSecsSinceEpoch()}}))
        return failure<EventRecord>(StorageError::Failed, m_sql.lastError());
    if (role != CodeRole::Pending && !sql("code_delete_removed", {{"session_id", session.value()}, {"user_id", user.value()}}))
        return failure<EventRecord>(StorageError::Failed, m_sql.lastError());
    StorageResult<EventRecord> appended = success(EventRecord{});
    if (event) {
        appended = appendEvent(roomOfSession(session), *event, user.value());
        if (!appended.ok())
            return appended;
    }
    if (const QString error = transaction.commit(); !error.isEmpty())
        return failure<EventRecord>(StorageError::Failed, error);
    return appended;
}

bool SqlCodeStorage::removeCodeParticipant(CodeSessionId session, UserId user)
{
    const std::optional<SqlRows> rows =
        sql("code_delete_participant", {{"session_id", session.value()}, {"user_id", user.value()}});
    return rows && rows->affected > 0;
}

StorageResult<bool> SqlCodeStorage::declineCodeJoin(CodeSessionId session, UserId user, qint64 declinedAt)
{
    SqlTransaction transaction(m_sql);
    if (!transaction.isActive())
        return failure<bool>(StorageError::Failed, m_sql.lastError());
    const std::optional<SqlRows> deleted =
        sql("code_delete_participant", {{"session_id", session.value()}, {"user_id", user.value()}});
    if (!deleted)
        return failure<bool>(StorageError::Failed, m_sql.lastError());
    if (deleted->affected == 0)
        return failure<bool>(StorageError::NotFound, QStringLiteral("the user is not waiting to join"));
    if (!sql("code_insert_declined",
             {{"session_id", session.value()}, {"user_id", user.value()}, {"declined_at", declinedAt}}))
        return failure<bool>(StorageError::Failed, m_sql.lastError());
    if (const QString error = transaction.commit(); !error.isEmpty())
        return failure<bool>(StorageError::Failed, error);
    return success(true);
}

qint64 SqlCodeStorage::codeJoinDeclinedAt(CodeSessionId session, UserId user)
{
    const std::optional<SqlRows> rows =
        sql("code_declined_at", {{"session_id", session.value()}, {"user_id", user.value()}});
    if (!rows)
        return -1;
    return rows->isEmpty() ? 0 : rows->first().value("declined_at").toLongLong();
}

StorageResult<EventRecord> SqlCodeStorage::expelCodeParticipant(CodeSessionId session, UserId user, UserId by,
                                                                const CodeEvent &event)
{
    SqlTransaction transaction(m_sql);
    if (!transaction.isActive())
        return failure<EventRecord>(StorageError::Failed, m_sql.lastError());
    const std::optional<SqlRows> deleted =
        sql("code_delete_participant", {{"session_id", session.value()}, {"user_id", user.value()}});
    if (!deleted)
        return failure<EventRecord>(StorageError::Failed, m_sql.lastError());
    if (deleted->affected == 0)
        return failure<EventRecord>(StorageError::NotFound, QStringLiteral("not a participant"));
    if (!sql("code_insert_removed", {{"session_id", session.value()},
                                     {"user_id", user.value()},
                                     {"removed_by", bindId(by)},
                                     {"removed_at", event.timestamp}}))
        return failure<EventRecord>(StorageError::Failed, m_sql.lastError());
    StorageResult<EventRecord> appended = appendEvent(roomOfSession(session), event, user.value());
    if (!appended.ok())
        return appended;
    if (const QString error = transaction.commit(); !error.isEmpty())
        return failure<EventRecord>(StorageError::Failed, error);
    return appended;
}

QSet<UserId> SqlCodeStorage::codeRemovedUsers(CodeSessionId session)
{
    QSet<UserId> result;
    const std::optional<SqlRows> rows = sql("code_removed_users", {{"session_id", session.value()}});
    if (!rows)
        return result;
    for (const SqlRow &row : rows->rows)
        result.insert(SqlRecords::id<UserId>(row, "user_id"));
    return result;
}

QHash<quint64, UserId> SqlCodeStorage::codeAgents(CodeSessionId session)
{
    QHash<quint64, UserId> result;
    const std::optional<SqlRows> rows = sql("code_agents", {{"session_id", session.value()}});
    if (!rows)
        return result;
    for (const SqlRow &row : rows->rows)
        result.insert(row.value("agent").toULongLong(), id<UserId>(row, "user_id"));
    return result;
}

StorageResult<bool> SqlCodeStorage::bindCodeAgent(CodeSessionId session, quint64 agent, UserId user)
{
    const std::optional<SqlRows> rows = sql("code_insert_agent", {{"session_id", session.value()},
                                                                  {"agent", static_cast<qint64>(agent)},
                                                                  {"user_id", user.value()},
                                                                  {"created_at", QDateTime::currentMSecsSinceEpoch()}});
    if (!rows)
        return failure<bool>(StorageError::Failed, m_sql.lastError());
    if (rows->affected == 0)
        return failure<bool>(StorageError::Conflict, QStringLiteral("the agent id is taken"));
    return success(true);
}

// Files

QList<CodeFileRecord> SqlCodeStorage::files(const char *query, std::initializer_list<Binding> bindings)
{
    QList<CodeFileRecord> result;
    const std::optional<SqlRows> rows = sql(query, bindings);
    if (!rows)
        return result;
    for (const SqlRow &row : rows->rows)
        result.append(fileRecord(row));
    return result;
}

QList<CodeFileRecord> SqlCodeStorage::codeFiles(CodeSessionId session)
{
    return files("code_files", {{"session_id", session.value()}});
}

std::optional<CodeFileRecord> SqlCodeStorage::codeFile(CodeFileId id)
{
    const QList<CodeFileRecord> found = files("code_file", {{"file_id", id.value()}});
    if (found.isEmpty())
        return std::nullopt;
    return found.first();
}

StorageResult<std::pair<CodeFileRecord, EventRecord>> SqlCodeStorage::createCodeFile(const CodeFileRecord &file,
                                                                                     const QByteArray &state,
                                                                                     const CodeEvent &event)
{
    using Result = std::pair<CodeFileRecord, EventRecord>;
    SqlTransaction transaction(m_sql);
    if (!transaction.isActive())
        return failure<Result>(StorageError::Failed, m_sql.lastError());
    StorageResult<Result> created = insertCodeFile(file, state, event);
    if (!created.ok())
        return created;
    if (const QString error = transaction.commit(); !error.isEmpty())
        return failure<Result>(StorageError::Failed, error);
    return created;
}

StorageResult<std::pair<CodeFileRecord, EventRecord>> SqlCodeStorage::insertCodeFile(const CodeFileRecord &file,
                                                                                     const QByteArray &state,
                                                                                     const CodeEvent &event)
{
    using Result = std::pair<CodeFileRecord, EventRecord>;
    const std::optional<SqlRows> taken =
        sql("code_file_path_taken", {{"session_id", file.sessionId.value()}, {"path", file.path}});
    if (!taken)
        return failure<Result>(StorageError::Failed, m_sql.lastError());
    if (!taken->isEmpty())
        return failure<Result>(StorageError::Conflict, QStringLiteral("the session has a file at %1").arg(file.path));
    const std::optional<SqlRows> inserted = sql("code_insert_file", {{"session_id", file.sessionId.value()},
                                                                     {"path", file.path},
                                                                     {"language", file.language},
                                                                     {"snapshot", state},
                                                                     {"created_by", bindId(event.sender)},
                                                                     {"created_at", event.timestamp}});
    if (!inserted || inserted->isEmpty())
        return failure<Result>(StorageError::Failed, m_sql.lastError());
    CodeFileRecord created = file;
    created.id = id<CodeFileId>(inserted->first(), "id");
    created.deleted = false;
    created.lastN = created.snapshotN = created.logBytes = 0;
    StorageResult<EventRecord> appended = appendEvent(roomOfSession(file.sessionId), event, created.id.value());
    if (!appended.ok())
        return failure<Result>(appended.error, appended.message);
    return success(Result{created, *appended.value});
}

StorageResult<EventRecord> SqlCodeStorage::renameCodeFile(CodeFileId id, const QString &path, const QString &language,
                                                          const CodeEvent &event)
{
    SqlTransaction transaction(m_sql);
    if (!transaction.isActive())
        return failure<EventRecord>(StorageError::Failed, m_sql.lastError());
    const std::optional<CodeFileRecord> file = codeFile(id);
    if (!file || file->deleted)
        return failure<EventRecord>(StorageError::NotFound, QStringLiteral("no such file"));
    const std::optional<SqlRows> taken = sql("code_file_path_taken", {{"session_id", file->sessionId.value()}, {"path", path}});
    if (!taken)
        return failure<EventRecord>(StorageError::Failed, m_sql.lastError());
    if (!taken->isEmpty() && SqlRecords::id<CodeFileId>(taken->first(), "id") != id)
        return failure<EventRecord>(StorageError::Conflict, QStringLiteral("the session has a file at %1").arg(path));
    if (!sql("code_rename_file", {{"file_id", id.value()}, {"path", path}, {"language", language}}))
        return failure<EventRecord>(StorageError::Failed, m_sql.lastError());
    StorageResult<EventRecord> appended = appendEvent(roomOfSession(file->sessionId), event, id.value());
    if (!appended.ok())
        return appended;
    if (const QString error = transaction.commit(); !error.isEmpty())
        return failure<EventRecord>(StorageError::Failed, error);
    return appended;
}

StorageResult<EventRecord> SqlCodeStorage::deleteCodeFile(CodeFileId id, const CodeEvent &event)
{
    SqlTransaction transaction(m_sql);
    if (!transaction.isActive())
        return failure<EventRecord>(StorageError::Failed, m_sql.lastError());
    const std::optional<CodeFileRecord> file = codeFile(id);
    if (!file)
        return failure<EventRecord>(StorageError::NotFound, QStringLiteral("no such file"));
    const std::optional<SqlRows> deleted = sql("code_delete_file", {{"file_id", id.value()}});
    if (!deleted)
        return failure<EventRecord>(StorageError::Failed, m_sql.lastError());
    if (deleted->affected == 0)
        return failure<EventRecord>(StorageError::NotFound, QStringLiteral("the file was deleted"));
    StorageResult<EventRecord> appended = appendEvent(roomOfSession(file->sessionId), event, id.value());
    if (!appended.ok())
        return appended;
    if (const QString error = transaction.commit(); !error.isEmpty())
        return failure<EventRecord>(StorageError::Failed, error);
    return appended;
}

std::optional<CodeFileContent> SqlCodeStorage::codeFileContent(CodeFileId id)
{
    // One transaction: a snapshot and a log read apart could straddle a compaction.
    SqlTransaction transaction(m_sql);
    if (!transaction.isActive())
        return std::nullopt;
    const std::optional<SqlRows> head = sql("code_file_snapshot", {{"file_id", id.value()}});
    if (!head || head->isEmpty())
        return std::nullopt;
    CodeFileContent content;
    content.snapshot = head->first().value("snapshot").toByteArray();
    content.snapshotN = head->first().value("snapshot_n").toLongLong();
    content.lastN = head->first().value("last_n").toLongLong();
    const std::optional<SqlRows> updates =
        sql("code_file_updates", {{"file_id", id.value()}, {"after_n", content.snapshotN}});
    if (!updates)
        return std::nullopt;
    for (const SqlRow &row : updates->rows)
        content.updates.append(row.value("bytes").toByteArray());
    if (content.updates.size() != content.lastN - content.snapshotN)
        return std::nullopt;
    if (!transaction.commit().isEmpty())
        return std::nullopt;
    return content;
}

bool SqlCodeStorage::appendCodeUpdate(CodeFileId id, qint64 n, UserId user, const QByteArray &update)
{
    SqlTransaction transaction(m_sql);
    if (!transaction.isActive())
        return false;
    return insertCodeUpdate(id, n, user, update) && transaction.commit().isEmpty();
}

bool SqlCodeStorage::insertCodeUpdate(CodeFileId id, qint64 n, UserId user, const QByteArray &update)
{
    const std::optional<SqlRows> advanced = sql("code_advance_file", {{"file_id", id.value()},
                                                                      {"n", n},
                                                                      {"previous_n", n - 1},
                                                                      {"bytes", static_cast<qint64>(update.size())}});
    if (!advanced || advanced->affected != 1)
        return false;
    return sql("code_insert_update", {{"file_id", id.value()}, {"n", n}, {"user_id", bindId(user)}, {"bytes", update}})
        .has_value();
}

bool SqlCodeStorage::compactCodeFile(CodeFileId id, qint64 uptoN, const QByteArray &state)
{
    SqlTransaction transaction(m_sql);
    if (!transaction.isActive())
        return false;
    const std::optional<SqlRows> updated =
        sql("code_set_snapshot", {{"file_id", id.value()}, {"snapshot", state}, {"upto_n", uptoN}});
    if (!updated || updated->affected != 1)
        return false;
    if (!sql("code_delete_updates", {{"file_id", id.value()}, {"upto_n", uptoN}}))
        return false;
    return transaction.commit().isEmpty();
}

int SqlCodeStorage::openCodeSessionCount(UserId owner)
{
    const std::optional<SqlRows> rows = sql("code_count_open_sessions", {{"owner_id", owner.value()}});
    if (!rows || rows->isEmpty())
        return -1;
    return rows->first().value("sessions").toInt();
}

QList<CodeSessionRecord> SqlCodeStorage::archivedCodeSessions()
{
    return sessions("code_archived_sessions", {});
}

int SqlCodeStorage::storedCodeSessionCount(UserId owner)
{
    const std::optional<SqlRows> rows = sql("code_count_stored_sessions", {{"owner_id", owner.value()}});
    if (!rows || rows->isEmpty())
        return -1;
    return rows->first().value("sessions").toInt();
}

std::optional<CodeSessionRecord> SqlCodeStorage::codeSessionByClientId(UserId owner, const QString &clientId)
{
    if (clientId.isEmpty())
        return std::nullopt;
    const std::optional<SqlRows> rows = sql("code_session_by_owner_client", {{"owner_id", owner.value()}, {"client_id", clientId}});
    if (!rows || rows->isEmpty())
        return std::nullopt;
    return codeSession(id<CodeSessionId>(rows->first(), "id"));
}

int SqlCodeStorage::codeVersionCount(CodeSessionId session)
{
    const std::optional<SqlRows> rows = sql("code_count_versions", {{"session_id", session.value()}});
    if (!rows || rows->isEmpty())
        return -1;
    return rows->first().value("versions").toInt();
}

int SqlCodeStorage::codeUpdateCount(CodeFileId id)
{
    const std::optional<SqlRows> rows = sql("code_count_updates", {{"file_id", id.value()}});
    if (!rows || rows->isEmpty())
        return -1;
    return rows->first().value("updates").toInt();
}

// Comments

QList<CodeCommentRecord> SqlCodeStorage::comments(const char *query, std::initializer_list<Binding> bindings)
{
    QList<CodeCommentRecord> result;
    const std::optional<SqlRows> rows = sql(query, bindings);
    if (!rows)
        return result;
    for (const SqlRow &row : rows->rows)
        result.append(commentRecord(row));
    return result;
}

StorageResult<std::pair<CodeCommentRecord, EventRecord>> SqlCodeStorage::createCodeComment(const CodeCommentRecord &comment,
                                                                                           const CodeEvent &event)
{
    using Result = std::pair<CodeCommentRecord, EventRecord>;
    SqlTransaction transaction(m_sql);
    if (!transaction.isActive())
        return failure<Result>(StorageError::Failed, m_sql.lastError());
    const std::optional<SqlRows> inserted = sql("code_insert_comment", {{"session_id", comment.sessionId.value()},
                                                                        {"file_id", comment.fileId.value()},
                                                                        {"parent_id", comment.parentId.value()},
                                                                        {"author_id", bindId(comment.author.id)},
                                                                        {"anchor_start", comment.anchorStart},
                                                                        {"anchor_end", comment.anchorEnd},
                                                                        {"text", comment.text},
                                                                        {"created_at", comment.createdAt}});
    if (!inserted || inserted->isEmpty())
        return failure<Result>(StorageError::Failed, m_sql.lastError());
    CodeCommentRecord created = comment;
    created.id = id<CodeCommentId>(inserted->first(), "id");
    created.resolved = false;
    StorageResult<EventRecord> appended = appendEvent(roomOfSession(comment.sessionId), event, created.id.value());
    if (!appended.ok())
        return failure<Result>(appended.error, appended.message);
    if (const QString error = transaction.commit(); !error.isEmpty())
        return failure<Result>(StorageError::Failed, error);
    return success(Result{created, *appended.value});
}

std::optional<CodeCommentRecord> SqlCodeStorage::codeComment(CodeCommentId id)
{
    const QList<CodeCommentRecord> found = comments("code_comment", {{"comment_id", id.value()}});
    if (found.isEmpty())
        return std::nullopt;
    return found.first();
}

QList<CodeCommentRecord> SqlCodeStorage::codeComments(CodeSessionId session, CodeFileId file)
{
    return comments("code_comments",
                    {{"session_id", session.value()}, {"any_file", flag(!file.isValid())}, {"file_id", file.value()}});
}

StorageResult<EventRecord> SqlCodeStorage::resolveCodeComment(CodeCommentId id, bool resolved, const CodeEvent &event)
{
    SqlTransaction transaction(m_sql);
    if (!transaction.isActive())
        return failure<EventRecord>(StorageError::Failed, m_sql.lastError());
    const std::optional<CodeCommentRecord> comment = codeComment(id);
    if (!comment)
        return failure<EventRecord>(StorageError::NotFound, QStringLiteral("no such comment"));
    if (!sql("code_resolve_comment", {{"comment_id", id.value()}, {"resolved", flag(resolved)}}))
        return failure<EventRecord>(StorageError::Failed, m_sql.lastError());
    StorageResult<EventRecord> appended = appendEvent(roomOfSession(comment->sessionId), event, id.value());
    if (!appended.ok())
        return appended;
    if (const QString error = transaction.commit(); !error.isEmpty())
        return failure<EventRecord>(StorageError::Failed, error);
    return appended;
}

// Versions

QList<CodeVersionRecord> SqlCodeStorage::versions(const char *query, std::initializer_list<Binding> bindings)
{
    QList<CodeVersionRecord> result;
    const std::optional<SqlRows> rows = sql(query, bindings);
    if (!rows)
        return result;
    for (const SqlRow &row : rows->rows)
        result.append(versionRecord(row));
    return result;
}

StorageResult<std::pair<CodeVersionRecord, EventRecord>> SqlCodeStorage::createCodeVersion(
    CodeSessionId session, const QString &name, UserId createdBy, const QList<CodeVersionFile> &files,
    const CodeEvent &event)
{
    using Result = std::pair<CodeVersionRecord, EventRecord>;
    SqlTransaction transaction(m_sql);
    if (!transaction.isActive())
        return failure<Result>(StorageError::Failed, m_sql.lastError());
    const std::optional<SqlRows> inserted = sql("code_insert_version", {{"session_id", session.value()},
                                                                        {"name", name},
                                                                        {"created_by", bindId(createdBy)},
                                                                        {"created_at", event.timestamp}});
    if (!inserted || inserted->isEmpty())
        return failure<Result>(StorageError::Failed, m_sql.lastError());
    const CodeVersionRecord version{id<CodeVersionId>(inserted->first(), "id"), session, name, createdBy,
                                    event.timestamp, static_cast<int>(files.size())};
    for (const CodeVersionFile &file : files) {
        if (!sql("code_insert_version_file", {{"version_id", version.id.value()},
                                              {"file_id", file.fileId.value()},
                                              {"path", file.path},
                                              {"language", file.language},
                                              {"state", file.state}}))
            return failure<Result>(StorageError::Failed, m_sql.lastError());
    }
    StorageResult<EventRecord> appended = appendEvent(roomOfSession(session), event, version.id.value());
    if (!appended.ok())
        return failure<Result>(appended.error, appended.message);
    if (const QString error = transaction.commit(); !error.isEmpty())
        return failure<Result>(StorageError::Failed, error);
    return success(Result{version, *appended.value});
}

QList<CodeVersionRecord> SqlCodeStorage::codeVersions(CodeSessionId session)
{
    return versions("code_versions", {{"session_id", session.value()}});
}

std::optional<CodeVersionRecord> SqlCodeStorage::codeVersion(CodeVersionId id)
{
    const QList<CodeVersionRecord> found = versions("code_version", {{"version_id", id.value()}});
    if (found.isEmpty())
        return std::nullopt;
    return found.first();
}

StorageResult<EventRecord> SqlCodeStorage::deleteCodeVersion(CodeVersionId id, const CodeEvent &event)
{
    SqlTransaction transaction(m_sql);
    if (!transaction.isActive())
        return failure<EventRecord>(StorageError::Failed, m_sql.lastError());
    const std::optional<CodeVersionRecord> version = codeVersion(id);
    if (!version)
        return failure<EventRecord>(StorageError::NotFound, QStringLiteral("no such version"));
    // The files first: the schema's cascade needs SQLite's foreign keys on, this does not.
    if (!sql("code_delete_version_files", {{"version_id", id.value()}}))
        return failure<EventRecord>(StorageError::Failed, m_sql.lastError());
    const std::optional<SqlRows> deleted = sql("code_delete_version", {{"version_id", id.value()}});
    if (!deleted)
        return failure<EventRecord>(StorageError::Failed, m_sql.lastError());
    if (deleted->affected == 0)
        return failure<EventRecord>(StorageError::NotFound, QStringLiteral("the version was deleted"));
    StorageResult<EventRecord> appended = appendEvent(roomOfSession(version->sessionId), event, id.value());
    if (!appended.ok())
        return appended;
    if (const QString error = transaction.commit(); !error.isEmpty())
        return failure<EventRecord>(StorageError::Failed, error);
    return appended;
}

QList<CodeVersionFile> SqlCodeStorage::codeVersionFiles(CodeVersionId id)
{
    QList<CodeVersionFile> result;
    const std::optional<SqlRows> rows = sql("code_version_files", {{"version_id", id.value()}});
    if (!rows)
        return result;
    for (const SqlRow &row : rows->rows)
        result.append({SqlRecords::id<CodeFileId>(row, "file_id"), row.value("path").toString(),
                       row.value("language").toString(), row.value("state").toByteArray()});
    return result;
}

StorageResult<CodeRestoreResult> SqlCodeStorage::restoreCodeVersion(const CodeRestore &restore)
{
    SqlTransaction transaction(m_sql);
    if (!transaction.isActive())
        return failure<CodeRestoreResult>(StorageError::Failed, m_sql.lastError());
    CodeRestoreResult result;
    for (const CodeRestore::Update &update : restore.updates) {
        if (!insertCodeUpdate(update.fileId, update.n, restore.user, update.update))
            return failure<CodeRestoreResult>(StorageError::Failed,
                                              QStringLiteral("update %1 of file %2: %3")
                                                  .arg(update.n).arg(update.fileId.value()).arg(m_sql.lastError()));
    }
    for (const CodeRestore::NewFile &file : restore.files) {
        const StorageResult<std::pair<CodeFileRecord, EventRecord>> created = insertCodeFile(file.file, file.state, file.event);
        if (!created.ok())
            return failure<CodeRestoreResult>(created.error, created.message);
        result.created.append(created.value->first);
        result.events.append(created.value->second);
    }
    const CodeEvent restored = restore.restored(result.created);
    StorageResult<EventRecord> appended = appendEvent(roomOfSession(restore.session), restored, restore.version.value());
    if (!appended.ok())
        return failure<CodeRestoreResult>(appended.error, appended.message);
    result.events.append(*appended.value);
    if (const QString error = transaction.commit(); !error.isEmpty())
        return failure<CodeRestoreResult>(StorageError::Failed, error);
    return success(std::move(result));
}

} // namespace Cohort::Server
