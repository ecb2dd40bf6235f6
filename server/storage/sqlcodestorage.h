// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "codestorage.h"
#include "sqlconnection.h"

#include <initializer_list>
#include <utility>

namespace Cohort::Server {

/// CodeStorage over the SqlStorage's connection (same database, same thread); the SQL is in
/// sql/common/queries/code_*.sql.
class SqlCodeStorage final : public CodeStorage
{
public:
    explicit SqlCodeStorage(SqlConnection &sql);

    StorageResult<CodeSessionRecord> createCodeSession(const CodeSessionRecord &session, const QString &clientId) override;
    std::optional<CodeSessionRecord> codeSession(CodeSessionId id) override;
    QList<CodeSessionRecord> codeSessionsOfUser(UserId user, CourseId course, bool withArchived) override;
    StorageResult<EventRecord> updateCodeSession(const CodeSessionRecord &session, const CodeEvent &event) override;
    int openCodeSessionCount(UserId owner) override;
    int storedCodeSessionCount(UserId owner) override;
    QList<CodeSessionRecord> archivedCodeSessions() override;
    std::optional<CodeSessionRecord> codeSessionByClientId(UserId owner, const QString &clientId) override;
    StorageResult<EventRecord> setCodeSessionArchived(CodeSessionId session, qint64 archivedAt,
                                                      const CodeEvent &event) override;
    StorageResult<EventRecord> deleteCodeSession(CodeSessionId session, qint64 deletedAt, const CodeEvent &event) override;
    std::optional<CodeSessionRecord> deletedCodeSession(CodeSessionId id) override;

    QList<CodeParticipantRecord> codeParticipants(CodeSessionId session) override;
    std::optional<CodeRole> codeRole(CodeSessionId session, UserId user) override;
    StorageResult<EventRecord> setCodeRole(CodeSessionId session, UserId user, CodeRole role,
                                           const std::optional<CodeEvent> &event) override;
    bool removeCodeParticipant(CodeSessionId session, UserId user) override;
    StorageResult<bool> declineCodeJoin(CodeSessionId session, UserId user, qint64 declinedAt) override;
    qint64 codeJoinDeclinedAt(CodeSessionId session, UserId user) override;
    StorageResult<EventRecord> expelCodeParticipant(CodeSessionId session, UserId user, UserId by,
                                                    const CodeEvent &event) override;
    QSet<UserId> codeRemovedUsers(CodeSessionId session) override;

    QHash<quint64, UserId> codeAgents(CodeSessionId session) override;
    StorageResult<bool> bindCodeAgent(CodeSessionId session, quint64 agent, UserId user) override;

    QList<CodeFileRecord> codeFiles(CodeSessionId session) override;
    std::optional<CodeFileRecord> codeFile(CodeFileId id) override;
    StorageResult<std::pair<CodeFileRecord, EventRecord>> createCodeFile(const CodeFileRecord &file,
                                                                         const QByteArray &state,
                                                                         const CodeEvent &event) override;
    StorageResult<EventRecord> renameCodeFile(CodeFileId id, const QString &path, const QString &language,
                                              const CodeEvent &event) override;
    StorageResult<EventRecord> deleteCodeFile(CodeFileId id, const CodeEvent &event) override;
    std::optional<CodeFileContent> codeFileContent(CodeFileId id) override;
    bool appendCodeUpdate(CodeFileId id, qint64 n, UserId user, const QByteArray &update) override;
    bool compactCodeFile(CodeFileId id, qint64 uptoN, const QByteArray &state) override;
    int codeUpdateCount(CodeFileId id) override;

    StorageResult<std::pair<CodeCommentRecord, EventRecord>> createCodeComment(const CodeCommentRecord &comment,
                                                                               const CodeEvent &event) override;
    std::optional<CodeCommentRecord> codeComment(CodeCommentId id) override;
    QList<CodeCommentRecord> codeComments(CodeSessionId session, CodeFileId file) override;
    StorageResult<EventRecord> resolveCodeComment(CodeCommentId id, bool resolved, const CodeEvent &event) override;

    StorageResult<std::pair<CodeVersionRecord, EventRecord>> createCodeVersion(CodeSessionId session, const QString &name,
                                                                               UserId createdBy,
                                                                               const QList<CodeVersionFile> &files,
                                                                               const CodeEvent &event) override;
    QList<CodeVersionRecord> codeVersions(CodeSessionId session) override;
    std::optional<CodeVersionRecord> codeVersion(CodeVersionId id) override;
    int codeVersionCount(CodeSessionId session) override;
    QList<CodeVersionFile> codeVersionFiles(CodeVersionId id) override;
    StorageResult<CodeRestoreResult> restoreCodeVersion(const CodeRestore &restore) override;
    StorageResult<EventRecord> deleteCodeVersion(CodeVersionId id, const CodeEvent &event) override;

private:
    using Binding = std::pair<const char *, QVariant>;

    std::optional<SqlRows> sql(const char *query, std::initializer_list<Binding> bindings = {});
    /// The writes of createCodeFile() and appendCodeUpdate() inside the caller's transaction.
    StorageResult<std::pair<CodeFileRecord, EventRecord>> insertCodeFile(const CodeFileRecord &file,
                                                                         const QByteArray &state,
                                                                         const CodeEvent &event);
    bool insertCodeUpdate(CodeFileId id, qint64 n, UserId user, const QByteArray &update);
    StorageResult<CodeSessionRecord> insertCodeSession(const CodeSessionRecord &session, const QString &clientId);
    /// Appends `event` to the room's log inside the caller's transaction; Conflict for a
    /// repeated (sender, clientId).
    StorageResult<EventRecord> appendEvent(RoomId room, const CodeEvent &event, qint64 id);
    /// The room of a file's session, or an invalid id.
    RoomId roomOfSession(CodeSessionId session);
    QList<CodeSessionRecord> sessions(const char *query, std::initializer_list<Binding> bindings);
    QList<CodeCommentRecord> comments(const char *query, std::initializer_list<Binding> bindings);
    QList<CodeVersionRecord> versions(const char *query, std::initializer_list<Binding> bindings);
    QList<CodeFileRecord> files(const char *query, std::initializer_list<Binding> bindings);

    SqlConnection &m_sql;
};

} // namespace Cohort::Server
