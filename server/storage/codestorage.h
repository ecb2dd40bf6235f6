// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "storage.h"

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QSet>
#include <QString>

#include <functional>
#include <optional>
#include <utility>

namespace Cohort::Server {

using CodeSessionId = Id<struct CodeSessionIdTag>;
using CodeFileId = Id<struct CodeFileIdTag>;
using CodeCommentId = Id<struct CodeCommentIdTag>;
using CodeVersionId = Id<struct CodeVersionIdTag>;

/// A participant's role in a code session; Pending waits for a host's approval.
enum class CodeRole { Pending, Viewer, Editor, Host };
QString codeRoleName(CodeRole role);
bool parseCodeRole(const QString &name, CodeRole *role);

struct CodeSessionRecord
{
    CodeSessionId id;
    RoomId roomId; // the room of kind "code" that logs the session's events
    QString title;
    UserId ownerId;
    CourseId courseId; // invalid: no course
    bool courseScope = false; // scope "course" (course members see it), else "private"
    QString accessCode;       // upper case; empty: none
    int maxCollaborators = 30;
    bool locked = false;
    bool approval = false;
    bool lecture = false;
    qint64 createdAt = 0;
    qint64 archivedAt = 0;    // 0: not archived (code.archive); archived sessions are read-only
    int participantCount = 0; // participants with a role (not pending), read only

    bool isArchived() const { return archivedAt != 0; }
};

struct CodeParticipantRecord
{
    UserInfo user;
    CodeRole role = CodeRole::Viewer;
};

struct CodeFileRecord
{
    CodeFileId id;
    CodeSessionId sessionId;
    QString path;
    QString language;
    bool deleted = false;
    qint64 lastN = 0;     // the newest stored update; 0: none
    qint64 snapshotN = 0; // the snapshot covers updates 1..snapshotN
    qint64 logBytes = 0;  // bytes of the stored updates after the snapshot
};

/// What a file's document is made of: the snapshot, then the updates after it in order.
struct CodeFileContent
{
    QByteArray snapshot;
    qint64 snapshotN = 0;
    qint64 lastN = 0;
    QList<QByteArray> updates; // n = snapshotN + 1 ... lastN
};

struct CodeCommentRecord
{
    CodeCommentId id;
    CodeSessionId sessionId;
    CodeFileId fileId;
    CodeCommentId parentId; // invalid for a thread's first comment
    UserInfo author;
    QByteArray anchorStart; // Collab::Anchor::toBytes(); empty for replies
    QByteArray anchorEnd;
    QString text;
    bool resolved = false;
    qint64 createdAt = 0;
};

struct CodeVersionRecord
{
    CodeVersionId id;
    CodeSessionId sessionId;
    QString name;
    UserId createdBy;
    qint64 createdAt = 0;
    int files = 0;
};

/// One file as a version saved it.
struct CodeVersionFile
{
    CodeFileId fileId;
    QString path;
    QString language;
    QByteArray state; // Collab::Document::encodeState()
};

/// A logged event of the session's room written in the same transaction as the change it
/// reports. `payload` gets the id of the row the write created (or the written row's id) so
/// that the event can name it.
struct CodeEvent
{
    QString kind;
    UserId sender;
    QString clientId; // idempotency key of the request; repeated (room, sender, clientId): Conflict
    qint64 timestamp = 0;
    std::function<QJsonObject(qint64 id)> payload;
};

/// A version's restore (version.restore), written in one transaction: the updates that
/// turn live files back into the saved text, the files deleted since and created again, then
/// the version.restored event. Nothing of it is stored unless all of it is.
struct CodeRestore
{
    struct Update
    {
        CodeFileId fileId;
        qint64 n = 0; // the file's next update number
        QByteArray update;
    };
    struct NewFile
    {
        CodeFileRecord file;
        QByteArray state;
        CodeEvent event; // file.created
    };
    CodeSessionId session;
    CodeVersionId version;
    UserId user;
    QList<Update> updates;
    QList<NewFile> files;
    /// version.restored; gets the created files, in the order of `files`.
    std::function<CodeEvent(const QList<CodeFileRecord> &created)> restored;
};

struct CodeRestoreResult
{
    QList<CodeFileRecord> created;
    QList<EventRecord> events; // the file.created events, then version.restored
};

/// The storage of code sessions (docs/architecture.md, "Code sessions on the server"). Every
/// write runs in one transaction with its logged event, if any, and returns after COMMIT.
/// Errors as in Storage: lookups return nothing, writes StorageError::Failed.
class CodeStorage
{
public:
    virtual ~CodeStorage() = default;

    /// Creates the session, its room and the owner as host. A repeated (owner, clientId)
    /// returns the session created the first time.
    virtual StorageResult<CodeSessionRecord> createCodeSession(const CodeSessionRecord &session, const QString &clientId) = 0;
    /// A live or archived session; nothing for a deleted one.
    virtual std::optional<CodeSessionRecord> codeSession(CodeSessionId id) = 0;
    /// Sessions the user takes part in (pending included) and the course sessions of the
    /// user's courses; of `course` only if valid. Newest first. Archived sessions only with
    /// `withArchived`, and then only those the user owns.
    virtual QList<CodeSessionRecord> codeSessionsOfUser(UserId user, CourseId course, bool withArchived) = 0;
    /// Every archived session of the server (deleted ones not), newest first: an admin's list.
    virtual QList<CodeSessionRecord> archivedCodeSessions() = 0;
    /// Stores title, access code, limit and flags of `session`.
    virtual StorageResult<EventRecord> updateCodeSession(const CodeSessionRecord &session, const CodeEvent &event) = 0;
    /// Sessions the user owns that are neither locked nor archived; -1 on a storage error.
    virtual int openCodeSessionCount(UserId owner) = 0;
    /// Sessions the user owns that are not deleted (locked and archived ones too); -1 on a
    /// storage error.
    virtual int storedCodeSessionCount(UserId owner) = 0;
    /// The session the owner created with `clientId` (a retried code.create), if any.
    virtual std::optional<CodeSessionRecord> codeSessionByClientId(UserId owner, const QString &clientId) = 0;
    /// Archives the session at `archivedAt` (code.archive), or brings it back with 0
    /// (code.unarchive), and logs `event`. Archiving also drops the join requests waiting for a
    /// host. NotFound for a deleted session.
    virtual StorageResult<EventRecord> setCodeSessionArchived(CodeSessionId session, qint64 archivedAt,
                                                              const CodeEvent &event) = 0;
    /// Deletes an archived session's files, updates, comments, versions, participants, agents
    /// and logged events for good (code.delete) and logs `event` as the room's only event. The
    /// session's row stays as a tombstone (deletedCodeSession()). Conflict unless archived,
    /// NotFound once deleted.
    virtual StorageResult<EventRecord> deleteCodeSession(CodeSessionId session, qint64 deletedAt,
                                                         const CodeEvent &event) = 0;
    /// What is left of a deleted session: id, room and owner.
    virtual std::optional<CodeSessionRecord> deletedCodeSession(CodeSessionId id) = 0;

    virtual QList<CodeParticipantRecord> codeParticipants(CodeSessionId session) = 0;
    virtual std::optional<CodeRole> codeRole(CodeSessionId session, UserId user) = 0;
    /// Adds the participant or changes the role; logs `event` when given (else the returned
    /// record is empty).
    virtual StorageResult<EventRecord> setCodeRole(CodeSessionId session, UserId user, CodeRole role,
                                                   const std::optional<CodeEvent> &event) = 0;
    virtual bool removeCodeParticipant(CodeSessionId session, UserId user) = 0;
    /// A host turns a join request away (code.approve with allow false): the pending user is
    /// removed and the time kept, in one transaction, so the wait before asking again outlives
    /// a restart of the server.
    virtual StorageResult<bool> declineCodeJoin(CodeSessionId session, UserId user, qint64 declinedAt) = 0;
    /// When a host last declined the user's request to join; 0: never, -1 on a storage error.
    virtual qint64 codeJoinDeclinedAt(CodeSessionId session, UserId user) = 0;
    /// A host removes a participant (code.remove): the role goes, the user is marked removed
    /// (their next join waits for a host) and `event` is logged. Giving the user a role again
    /// (setCodeRole with any role but Pending) lifts the mark.
    virtual StorageResult<EventRecord> expelCodeParticipant(CodeSessionId session, UserId user, UserId by,
                                                            const CodeEvent &event) = 0;
    virtual QSet<UserId> codeRemovedUsers(CodeSessionId session) = 0;

    /// Agent id -> the user who may insert under it.
    virtual QHash<quint64, UserId> codeAgents(CodeSessionId session) = 0;
    /// Binds the agent to the user; Conflict when the session has it already.
    virtual StorageResult<bool> bindCodeAgent(CodeSessionId session, quint64 agent, UserId user) = 0;

    /// The session's files that are not deleted, by path.
    virtual QList<CodeFileRecord> codeFiles(CodeSessionId session) = 0;
    virtual std::optional<CodeFileRecord> codeFile(CodeFileId id) = 0;
    /// Creates a file whose snapshot is `state`. Conflict when a live file has the path.
    virtual StorageResult<std::pair<CodeFileRecord, EventRecord>> createCodeFile(const CodeFileRecord &file,
                                                                                 const QByteArray &state,
                                                                                 const CodeEvent &event) = 0;
    /// Conflict when another live file has the path; NotFound for a deleted file.
    virtual StorageResult<EventRecord> renameCodeFile(CodeFileId id, const QString &path, const QString &language,
                                                      const CodeEvent &event) = 0;
    virtual StorageResult<EventRecord> deleteCodeFile(CodeFileId id, const CodeEvent &event) = 0;
    virtual std::optional<CodeFileContent> codeFileContent(CodeFileId id) = 0;
    /// Appends update number `n` (the file's last_n + 1) to the file's log.
    virtual bool appendCodeUpdate(CodeFileId id, qint64 n, UserId user, const QByteArray &update) = 0;
    /// Replaces the snapshot by `state`, which covers every update up to `uptoN` (the file's
    /// last_n), and deletes those log rows.
    virtual bool compactCodeFile(CodeFileId id, qint64 uptoN, const QByteArray &state) = 0;
    /// Rows in the file's update log (for tests and metrics).
    virtual int codeUpdateCount(CodeFileId id) = 0;

    virtual StorageResult<std::pair<CodeCommentRecord, EventRecord>> createCodeComment(const CodeCommentRecord &comment,
                                                                                       const CodeEvent &event) = 0;
    virtual std::optional<CodeCommentRecord> codeComment(CodeCommentId id) = 0;
    /// Oldest first; every file of the session unless `file` is valid.
    virtual QList<CodeCommentRecord> codeComments(CodeSessionId session, CodeFileId file) = 0;
    virtual StorageResult<EventRecord> resolveCodeComment(CodeCommentId id, bool resolved, const CodeEvent &event) = 0;

    virtual StorageResult<std::pair<CodeVersionRecord, EventRecord>> createCodeVersion(
        CodeSessionId session, const QString &name, UserId createdBy, const QList<CodeVersionFile> &files,
        const CodeEvent &event) = 0;
    /// Newest first.
    virtual QList<CodeVersionRecord> codeVersions(CodeSessionId session) = 0;
    virtual std::optional<CodeVersionRecord> codeVersion(CodeVersionId id) = 0;
    /// -1 on a storage error.
    virtual int codeVersionCount(CodeSessionId session) = 0;
    virtual QList<CodeVersionFile> codeVersionFiles(CodeVersionId id) = 0;
    virtual StorageResult<CodeRestoreResult> restoreCodeVersion(const CodeRestore &restore) = 0;
    /// The version and its saved files, with the version.deleted event; NotFound if it is gone.
    virtual StorageResult<EventRecord> deleteCodeVersion(CodeVersionId id, const CodeEvent &event) = 0;
};

} // namespace Cohort::Server
