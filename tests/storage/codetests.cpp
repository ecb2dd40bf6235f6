// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
// Code-session storage: sessions and their rooms, participants and agents, files with their
// snapshot and update log, compaction, comments and versions, on both backends.
#include "storagetest.h"

#include <QJsonObject>
#include <QTest>

using namespace Cohort;
using namespace Cohort::Server;

namespace {

CodeEvent codeEvent(const QString &kind, UserId sender, const QString &clientId = QString())
{
    return {kind, sender, clientId, 5000, [](qint64 id) { return QJsonObject{{QStringLiteral("id"), id}}; }};
}

CodeSessionRecord newSession(UserId owner, CourseId course = CourseId())
{
    CodeSessionRecord session;
    session.title = QStringLiteral("Lab");
    session.ownerId = owner;
    session.courseId = course;
    session.courseScope = course.isValid();
    session.accessCode = QStringLiteral("ABCD");
    session.maxCollaborators = 12;
    session.createdAt = 4000;
    return session;
}

} // namespace

void TestStorage::codeSessionsAndParticipants()
{
    const UserId teacher = addUser(QStringLiteral("teacher"), Role::Instructor);
    const UserId ana = addUser(QStringLiteral("ana"));
    const UserId eve = addUser(QStringLiteral("eve"));
    const CourseRecord course = addCourse(QStringLiteral("CS"), teacher, QStringLiteral("CODE-1"));
    QVERIFY(m_storage->addCourseMember(course.id, ana, Role::Student));
    CodeStorage &code = m_storage->code();

    const StorageResult<CodeSessionRecord> created = code.createCodeSession(newSession(teacher, course.id), QStringLiteral("c1"));
    QVERIFY(created.ok());
    const CodeSessionRecord session = *created.value;
    QVERIFY(session.id.isValid() && session.roomId.isValid());
    QCOMPARE(session.participantCount, 1);
    // A retry returns the same session; the room exists with kind "code" and no chat members.
    QCOMPARE(code.createCodeSession(newSession(teacher, course.id), QStringLiteral("c1")).value->id, session.id);
    QCOMPARE(queryValue(QStringLiteral("SELECT kind FROM rooms WHERE id = %1").arg(session.roomId.value())).toString(),
             QStringLiteral("code"));
    QVERIFY(!m_storage->roomRole(session.roomId, teacher));

    const std::optional<CodeSessionRecord> read = code.codeSession(session.id);
    QVERIFY(read);
    QCOMPARE(read->accessCode, QStringLiteral("ABCD"));
    QCOMPARE(read->maxCollaborators, 12);
    QVERIFY(read->courseScope);
    QCOMPARE(read->courseId, course.id);
    QCOMPARE(code.codeRole(session.id, teacher), CodeRole::Host);

    // Course members list the course session; outsiders only their own private ones.
    QCOMPARE(code.codeSessionsOfUser(ana, CourseId(), false).size(), 1);
    QCOMPARE(code.codeSessionsOfUser(eve, CourseId(), false).size(), 0);
    const CodeSessionRecord mine = *code.createCodeSession(newSession(eve), QString()).value;
    QCOMPARE(code.codeSessionsOfUser(eve, CourseId(), false).size(), 1);
    QCOMPARE(code.codeSessionsOfUser(eve, course.id, false).size(), 0);
    QCOMPARE(code.codeSessionsOfUser(teacher, CourseId(), false).size(), 1);

    // Roles: pending without an event, then joined with one; removal.
    QVERIFY(code.setCodeRole(session.id, ana, CodeRole::Pending, std::nullopt).ok());
    QCOMPARE(code.codeSession(session.id)->participantCount, 1);
    const StorageResult<EventRecord> joined =
        code.setCodeRole(session.id, ana, CodeRole::Editor, codeEvent(QStringLiteral("participant.joined"), teacher));
    QVERIFY(joined.ok());
    QCOMPARE(joined.value->roomId, session.roomId);
    QCOMPARE(joined.value->seq, 1);
    QCOMPARE(code.codeRole(session.id, ana), CodeRole::Editor);
    QCOMPARE(code.codeParticipants(session.id).size(), 2);
    QCOMPARE(code.codeSession(session.id)->participantCount, 2);
    QVERIFY(code.setCodeRole(mine.id, ana, CodeRole::Pending, std::nullopt).ok());
    QVERIFY(code.removeCodeParticipant(mine.id, ana));
    QVERIFY(!code.codeRole(mine.id, ana));

    // Settings with their event.
    CodeSessionRecord changed = session;
    changed.locked = true;
    changed.lecture = true;
    changed.title = QStringLiteral("Lab 2");
    const StorageResult<EventRecord> updated = code.updateCodeSession(changed, codeEvent(QStringLiteral("code.updated"), teacher, QStringLiteral("u1")));
    QVERIFY(updated.ok());
    QCOMPARE(updated.value->seq, 2);
    QVERIFY(code.codeSession(session.id)->locked);
    QCOMPARE(code.codeSession(session.id)->title, QStringLiteral("Lab 2"));
    // The same clientId again is a conflict, and nothing changes.
    changed.title = QStringLiteral("Lab 3");
    QCOMPARE(code.updateCodeSession(changed, codeEvent(QStringLiteral("code.updated"), teacher, QStringLiteral("u1"))).error,
             StorageError::Conflict);
    QCOMPARE(code.codeSession(session.id)->title, QStringLiteral("Lab 2"));

    // Agents: unique per session.
    QVERIFY(code.bindCodeAgent(session.id, 4000000000ULL, ana).ok());
    QCOMPARE(code.bindCodeAgent(session.id, 4000000000ULL, teacher).error, StorageError::Conflict);
    QVERIFY(code.bindCodeAgent(mine.id, 4000000000ULL, eve).ok());
    QCOMPARE(code.codeAgents(session.id).value(4000000000ULL), ana);
}

void TestStorage::codeFilesLogAndCompaction()
{
    const UserId teacher = addUser(QStringLiteral("teacher"), Role::Instructor);
    CodeStorage &code = m_storage->code();
    const CodeSessionRecord session = *code.createCodeSession(newSession(teacher), QString()).value;

    CodeFileRecord file;
    file.sessionId = session.id;
    file.path = QStringLiteral("src/a.py");
    file.language = QStringLiteral("python");
    const auto created = code.createCodeFile(file, QByteArray("snapshot-0"), codeEvent(QStringLiteral("file.created"), teacher));
    QVERIFY(created.ok());
    const CodeFileId id = created.value->first.id;
    QVERIFY(id.isValid());
    QCOMPARE(created.value->second.payload, QByteArray("{\"id\":%1}").replace("%1", QByteArray::number(id.value())));
    QCOMPARE(code.createCodeFile(file, QByteArray("x"), codeEvent(QStringLiteral("file.created"), teacher)).error,
             StorageError::Conflict);

    // The log: numbered from 1, only in order.
    const QByteArray binary("\x00\x01\xff\x80 bytes", 10);
    QVERIFY(code.appendCodeUpdate(id, 1, teacher, binary));
    QVERIFY(!code.appendCodeUpdate(id, 1, teacher, QByteArray("again")));
    QVERIFY(!code.appendCodeUpdate(id, 3, teacher, QByteArray("gap")));
    QVERIFY(code.appendCodeUpdate(id, 2, teacher, QByteArray("two")));
    std::optional<CodeFileContent> content = code.codeFileContent(id);
    QVERIFY(content);
    QCOMPARE(content->snapshot, QByteArray("snapshot-0"));
    QCOMPARE(content->snapshotN, 0);
    QCOMPARE(content->lastN, 2);
    QCOMPARE(content->updates, (QList<QByteArray>{binary, QByteArray("two")}));
    QCOMPARE(code.codeFile(id)->logBytes, 13);

    // Compaction: a new snapshot covering the log, whose rows are gone, in one step.
    QVERIFY(!code.compactCodeFile(id, 1, QByteArray("stale")));
    QVERIFY(code.compactCodeFile(id, 2, QByteArray("snapshot-2")));
    QCOMPARE(code.codeUpdateCount(id), 0);
    QVERIFY(code.appendCodeUpdate(id, 3, teacher, QByteArray("three")));
    content = code.codeFileContent(id);
    QCOMPARE(content->snapshot, QByteArray("snapshot-2"));
    QCOMPARE(content->snapshotN, 2);
    QCOMPARE(content->updates, (QList<QByteArray>{QByteArray("three")}));
    QCOMPARE(code.codeFile(id)->logBytes, 5);

    // Rename, path clash, delete; a deleted file's path is free again.
    CodeFileRecord second = file;
    second.path = QStringLiteral("b.py");
    const CodeFileId other = code.createCodeFile(second, QByteArray(), codeEvent(QStringLiteral("file.created"), teacher)).value->first.id;
    QCOMPARE(code.renameCodeFile(other, QStringLiteral("src/a.py"), QStringLiteral("python"), codeEvent(QStringLiteral("file.renamed"), teacher)).error,
             StorageError::Conflict);
    QVERIFY(code.renameCodeFile(other, QStringLiteral("c.py"), QStringLiteral("text"), codeEvent(QStringLiteral("file.renamed"), teacher)).ok());
    QCOMPARE(code.codeFile(other)->language, QStringLiteral("text"));
    QVERIFY(code.deleteCodeFile(id, codeEvent(QStringLiteral("file.deleted"), teacher)).ok());
    QCOMPARE(code.deleteCodeFile(id, codeEvent(QStringLiteral("file.deleted"), teacher)).error, StorageError::NotFound);
    QVERIFY(!code.appendCodeUpdate(id, 4, teacher, QByteArray("after delete")));
    QVERIFY(code.codeFile(id)->deleted);
    QCOMPARE(code.codeFiles(session.id).size(), 1);
    QVERIFY(code.renameCodeFile(other, QStringLiteral("src/a.py"), QStringLiteral("python"), codeEvent(QStringLiteral("file.renamed"), teacher)).ok());
    // Every change above logged one event in the session's room.
    QCOMPARE(m_storage->lastSeq(session.roomId), 5);
}

void TestStorage::codeCommentsAndVersions()
{
    const UserId teacher = addUser(QStringLiteral("teacher"), Role::Instructor);
    const UserId ana = addUser(QStringLiteral("ana"));
    CodeStorage &code = m_storage->code();
    const CodeSessionRecord session = *code.createCodeSession(newSession(teacher), QString()).value;
    CodeFileRecord file;
    file.sessionId = session.id;
    file.path = QStringLiteral("a.py");
    file.language = QStringLiteral("python");
    const CodeFileId fileId = code.createCodeFile(file, QByteArray("s"), codeEvent(QStringLiteral("file.created"), teacher)).value->first.id;

    CodeCommentRecord comment;
    comment.sessionId = session.id;
    comment.fileId = fileId;
    comment.author.id = ana;
    comment.anchorStart = QByteArray("\x03\x00\x01", 3);
    comment.anchorEnd = QByteArray("\x02", 1);
    comment.text = QStringLiteral("why?");
    comment.createdAt = 7000;
    const auto added = code.createCodeComment(comment, codeEvent(QStringLiteral("comment.added"), ana));
    QVERIFY(added.ok());
    const CodeCommentId thread = added.value->first.id;
    CodeCommentRecord reply = comment;
    reply.parentId = thread;
    reply.author.id = teacher;
    reply.anchorStart.clear();
    reply.anchorEnd.clear();
    reply.text = QStringLiteral("because");
    QVERIFY(code.createCodeComment(reply, codeEvent(QStringLiteral("comment.added"), teacher)).ok());
    QVERIFY(code.resolveCodeComment(thread, true, codeEvent(QStringLiteral("comment.resolved"), ana)).ok());

    const QList<CodeCommentRecord> comments = code.codeComments(session.id, CodeFileId());
    QCOMPARE(comments.size(), 2);
    QCOMPARE(comments.at(0).author.username, QStringLiteral("ana"));
    QCOMPARE(comments.at(0).anchorStart, QByteArray("\x03\x00\x01", 3));
    QVERIFY(comments.at(0).resolved);
    QCOMPARE(comments.at(1).parentId, thread);
    QCOMPARE(comments.at(1).anchorStart, QByteArray());
    QCOMPARE(code.codeComments(session.id, fileId).size(), 2);
    QCOMPARE(code.codeComments(session.id, CodeFileId(fileId.value() + 100)).size(), 0);

    const QList<CodeVersionFile> files{{fileId, QStringLiteral("a.py"), QStringLiteral("python"), QByteArray("state\x00\x01", 7)}};
    const auto version = code.createCodeVersion(session.id, QStringLiteral("start"), teacher, files,
                                                codeEvent(QStringLiteral("version.created"), teacher));
    QVERIFY(version.ok());
    QCOMPARE(version.value->first.files, 1);
    QCOMPARE(code.codeVersions(session.id).size(), 1);
    QCOMPARE(code.codeVersion(version.value->first.id)->name, QStringLiteral("start"));
    const QList<CodeVersionFile> saved = code.codeVersionFiles(version.value->first.id);
    QCOMPARE(saved.size(), 1);
    QCOMPARE(saved.at(0).state, QByteArray("state\x00\x01", 7));
    QCOMPARE(saved.at(0).path, QStringLiteral("a.py"));
}

void TestStorage::codeRemovalQuotasAndRestore()
{
    const UserId teacher = addUser(QStringLiteral("teacher"), Role::Instructor);
    const UserId ana = addUser(QStringLiteral("ana"));
    CodeStorage &code = m_storage->code();
    const CodeSessionRecord session = *code.createCodeSession(newSession(teacher), QString()).value;

    // Open sessions per owner: locked ones do not count.
    QCOMPARE(code.openCodeSessionCount(teacher), 1);
    CodeSessionRecord second = *code.createCodeSession(newSession(teacher), QString()).value;
    QCOMPARE(code.openCodeSessionCount(teacher), 2);
    second.locked = true;
    QVERIFY(code.updateCodeSession(second, codeEvent(QStringLiteral("code.updated"), teacher)).ok());
    QCOMPARE(code.openCodeSessionCount(teacher), 1);
    QCOMPARE(code.openCodeSessionCount(ana), 0);

    // Removal: the role goes, the mark stays (also when done twice), a new role lifts it.
    QVERIFY(code.setCodeRole(session.id, ana, CodeRole::Editor, std::nullopt).ok());
    const StorageResult<EventRecord> removed =
        code.expelCodeParticipant(session.id, ana, teacher, codeEvent(QStringLiteral("participant.removed"), teacher));
    QVERIFY(removed.ok());
    QCOMPARE(removed.value->kind, QStringLiteral("participant.removed"));
    QVERIFY(!code.codeRole(session.id, ana));
    QCOMPARE(code.codeRemovedUsers(session.id), QSet<UserId>{ana});
    QCOMPARE(code.expelCodeParticipant(session.id, ana, teacher, codeEvent(QStringLiteral("participant.removed"), teacher)).error,
             StorageError::NotFound);
    QVERIFY(code.setCodeRole(session.id, ana, CodeRole::Pending, std::nullopt).ok());
    QCOMPARE(code.codeRemovedUsers(session.id).size(), 1); // waiting is not let in
    QVERIFY(code.setCodeRole(session.id, ana, CodeRole::Viewer, std::nullopt).ok());
    QVERIFY(code.codeRemovedUsers(session.id).isEmpty());
    QVERIFY(code.setCodeRole(session.id, ana, CodeRole::Editor, std::nullopt).ok());
    QVERIFY(code.expelCodeParticipant(session.id, ana, teacher, codeEvent(QStringLiteral("participant.removed"), teacher)).ok());
    QCOMPARE(code.codeRemovedUsers(session.id), QSet<UserId>{ana}); // removed again: marked again

    // Versions are counted per session.
    QCOMPARE(code.codeVersionCount(session.id), 0);
    CodeFileRecord file;
    file.sessionId = session.id;
    file.path = QStringLiteral("a.py");
    file.language = QStringLiteral("python");
    const CodeFileId fileId = code.createCodeFile(file, QByteArray("s"), codeEvent(QStringLiteral("file.created"), teacher)).value->first.id;
    QVERIFY(code.createCodeVersion(session.id, QStringLiteral("v"), teacher, {}, codeEvent(QStringLiteral("version.created"), teacher)).ok());
    QCOMPARE(code.codeVersionCount(session.id), 1);

    // A restore is all or nothing: a recreated file whose path is taken fails it, and the
    // update stored before it in the same transaction is gone too.
    CodeRestore restore;
    restore.session = session.id;
    restore.user = teacher;
    restore.updates.append({fileId, 1, QByteArray("u1")});
    CodeFileRecord taken = file; // a.py exists
    restore.files.append({taken, QByteArray("s2"), codeEvent(QStringLiteral("file.created"), teacher)});
    restore.restored = [&](const QList<CodeFileRecord> &) { return codeEvent(QStringLiteral("version.restored"), teacher); };
    const qint64 seqBefore = m_storage->lastSeq(session.roomId);
    QVERIFY(!code.restoreCodeVersion(restore).ok());
    QCOMPARE(code.codeFile(fileId)->lastN, 0);
    QCOMPARE(code.codeUpdateCount(fileId), 0);
    QCOMPARE(m_storage->lastSeq(session.roomId), seqBefore);

    // Whole: the update, the recreated file and the event, in that order.
    restore.files.first().file.path = QStringLiteral("b.py");
    QList<CodeFileRecord> seen;
    restore.restored = [&](const QList<CodeFileRecord> &created) {
        seen = created;
        return codeEvent(QStringLiteral("version.restored"), teacher);
    };
    const StorageResult<CodeRestoreResult> done = code.restoreCodeVersion(restore);
    QVERIFY(done.ok());
    QCOMPARE(done.value->created.size(), 1);
    QCOMPARE(seen.size(), 1);
    QCOMPARE(seen.at(0).path, QStringLiteral("b.py"));
    QCOMPARE(done.value->events.size(), 2);
    QCOMPARE(done.value->events.at(0).kind, QStringLiteral("file.created"));
    QCOMPARE(done.value->events.at(1).kind, QStringLiteral("version.restored"));
    QCOMPARE(code.codeFile(fileId)->lastN, 1);
    QCOMPARE(code.codeFileContent(done.value->created.at(0).id)->snapshot, QByteArray("s2"));

    // A deleted version leaves the count (the quota) with its saved files, and logs its event.
    const auto saved = code.createCodeVersion(session.id, QStringLiteral("w"), teacher,
                                              {{fileId, QStringLiteral("a.py"), QStringLiteral("python"), QByteArray("st")}},
                                              codeEvent(QStringLiteral("version.created"), teacher));
    QVERIFY(saved.ok());
    const CodeVersionId savedId = saved.value->first.id;
    QCOMPARE(code.codeVersionCount(session.id), 2);
    QCOMPARE(code.codeVersionFiles(savedId).size(), 1);
    const StorageResult<EventRecord> deletedVersion =
        code.deleteCodeVersion(savedId, codeEvent(QStringLiteral("version.deleted"), teacher));
    QVERIFY(deletedVersion.ok());
    QCOMPARE(deletedVersion.value->kind, QStringLiteral("version.deleted"));
    QCOMPARE(code.codeVersionCount(session.id), 1);
    QVERIFY(!code.codeVersion(savedId));
    QVERIFY(code.codeVersionFiles(savedId).isEmpty());
    QCOMPARE(code.deleteCodeVersion(savedId, codeEvent(QStringLiteral("version.deleted"), teacher)).error,
             StorageError::NotFound);
}

void TestStorage::codeArchiveDelete()
{
    const UserId teacher = addUser(QStringLiteral("teacher"), Role::Instructor);
    const UserId ana = addUser(QStringLiteral("ana"));
    const UserId ben = addUser(QStringLiteral("ben"));
    CodeStorage &code = m_storage->code();
    const CodeSessionRecord session = *code.createCodeSession(newSession(teacher), QStringLiteral("c1")).value;
    const CodeSessionRecord other = *code.createCodeSession(newSession(teacher), QString()).value;
    QVERIFY(code.setCodeRole(session.id, ana, CodeRole::Editor, std::nullopt).ok());
    QVERIFY(code.setCodeRole(session.id, ben, CodeRole::Pending, std::nullopt).ok());
    CodeFileRecord file;
    file.sessionId = session.id;
    file.path = QStringLiteral("a.py");
    file.language = QStringLiteral("python");
    const CodeFileId fileId = code.createCodeFile(file, QByteArray("s"), codeEvent(QStringLiteral("file.created"), teacher)).value->first.id;
    QVERIFY(code.appendCodeUpdate(fileId, 1, ana, QByteArray("u1")));
    QVERIFY(code.bindCodeAgent(session.id, 77, ana).ok());
    CodeCommentRecord comment;
    comment.sessionId = session.id;
    comment.fileId = fileId;
    comment.author = {ana, QStringLiteral("ana"), QStringLiteral("Ana"), Role::Student};
    comment.anchorStart = QByteArray("a");
    comment.anchorEnd = QByteArray("b");
    comment.text = QStringLiteral("secret remark");
    QVERIFY(code.createCodeComment(comment, codeEvent(QStringLiteral("comment.added"), ana)).ok());
    QVERIFY(code.createCodeVersion(session.id, QStringLiteral("v"), teacher,
                                   {{fileId, QStringLiteral("a.py"), QStringLiteral("python"), QByteArray("st")}},
                                   codeEvent(QStringLiteral("version.created"), teacher)).ok());
    QCOMPARE(code.openCodeSessionCount(teacher), 2);
    QCOMPARE(code.storedCodeSessionCount(teacher), 2);
    QCOMPARE(code.storedCodeSessionCount(ana), 0);
    QVERIFY(code.archivedCodeSessions().isEmpty());
    QCOMPARE(code.codeSessionByClientId(teacher, QStringLiteral("c1"))->id, session.id);
    QVERIFY(!code.codeSessionByClientId(ana, QStringLiteral("c1")));
    QVERIFY(!code.codeSessionByClientId(teacher, QString()));

    // Deleting a live session is refused: nothing goes.
    QCOMPARE(code.deleteCodeSession(session.id, 6000, codeEvent(QStringLiteral("code.deleted"), teacher)).error,
             StorageError::Conflict);
    QCOMPARE(code.codeFiles(session.id).size(), 1);

    // Archived: out of the quota and the lists (but its owner's when asked), requests dropped.
    const StorageResult<EventRecord> archived =
        code.setCodeSessionArchived(session.id, 5500, codeEvent(QStringLiteral("code.archived"), teacher));
    QVERIFY(archived.ok());
    QCOMPARE(archived.value->roomId, session.roomId);
    QCOMPARE(code.codeSession(session.id)->archivedAt, qint64(5500));
    QVERIFY(code.codeSession(session.id)->isArchived());
    QVERIFY(!code.codeSession(other.id)->isArchived());
    QCOMPARE(code.openCodeSessionCount(teacher), 1);
    // ...but still stored, and in an admin's list of every archived session.
    QCOMPARE(code.storedCodeSessionCount(teacher), 2);
    QCOMPARE(code.archivedCodeSessions().size(), 1);
    QCOMPARE(code.archivedCodeSessions().first().id, session.id);
    QCOMPARE(code.archivedCodeSessions().first().participantCount, 2);
    QVERIFY(!code.codeRole(session.id, ben));
    QCOMPARE(code.codeRole(session.id, ana), CodeRole::Editor);
    QCOMPARE(code.codeSessionsOfUser(teacher, CourseId(), false).size(), 1);
    QCOMPARE(code.codeSessionsOfUser(teacher, CourseId(), true).size(), 2);
    QCOMPARE(code.codeSessionsOfUser(ana, CourseId(), false).size(), 0);
    QCOMPARE(code.codeSessionsOfUser(ana, CourseId(), true).size(), 0);
    // Its content is kept until deleted; unarchiving brings it back into the quota.
    QCOMPARE(code.codeFiles(session.id).size(), 1);
    QVERIFY(code.setCodeSessionArchived(session.id, 0, codeEvent(QStringLiteral("code.unarchived"), teacher)).ok());
    QCOMPARE(code.openCodeSessionCount(teacher), 2);
    QCOMPARE(code.codeSessionsOfUser(ana, CourseId(), false).size(), 1);
    QVERIFY(code.setCodeSessionArchived(session.id, 5600, codeEvent(QStringLiteral("code.archived"), teacher)).ok());

    // Deleted: every row of the session goes, its logged events (a comment's text) too, in one
    // transaction with the code.deleted event; a tombstone keeps the ids.
    const StorageResult<EventRecord> deleted =
        code.deleteCodeSession(session.id, 6000, codeEvent(QStringLiteral("code.deleted"), teacher, QStringLiteral("d1")));
    QVERIFY(deleted.ok());
    QCOMPARE(deleted.value->kind, QStringLiteral("code.deleted"));
    QVERIFY(!code.codeSession(session.id));
    const std::optional<CodeSessionRecord> tombstone = code.deletedCodeSession(session.id);
    QVERIFY(tombstone);
    QCOMPARE(tombstone->roomId, session.roomId);
    QCOMPARE(tombstone->ownerId, teacher);
    QVERIFY(tombstone->title.isEmpty());
    QVERIFY(!code.deletedCodeSession(other.id));
    QVERIFY(m_storage->eventByClientId(session.roomId, teacher, QStringLiteral("d1")));
    QVERIFY(code.codeFiles(session.id).isEmpty());
    QVERIFY(!code.codeFile(fileId));
    QVERIFY(code.codeComments(session.id, CodeFileId()).isEmpty());
    QVERIFY(code.codeVersions(session.id).isEmpty());
    QVERIFY(code.codeParticipants(session.id).isEmpty());
    QVERIFY(code.codeAgents(session.id).isEmpty());
    const auto rows = [this](const QString &table, const char *column, qint64 id) {
        return queryValue(QStringLiteral("SELECT COUNT(*) FROM %1 WHERE %2 = %3").arg(table, QLatin1String(column)).arg(id)).toInt();
    };
    QCOMPARE(rows(QStringLiteral("code_file_updates"), "file_id", fileId.value()), 0);
    QCOMPARE(rows(QStringLiteral("code_version_files"), "file_id", fileId.value()), 0);
    QCOMPARE(rows(QStringLiteral("room_events"), "room_id", session.roomId.value()), 1);
    QCOMPARE(queryValue(QStringLiteral("SELECT COUNT(*) FROM room_events WHERE payload LIKE '%secret%'")).toInt(), 0);
    QCOMPARE(code.deleteCodeSession(session.id, 7000, codeEvent(QStringLiteral("code.deleted"), teacher)).error,
             StorageError::NotFound);
    QCOMPARE(code.setCodeSessionArchived(session.id, 0, codeEvent(QStringLiteral("code.unarchived"), teacher)).error,
             StorageError::NotFound);
    QCOMPARE(code.openCodeSessionCount(teacher), 1);
    QCOMPARE(code.storedCodeSessionCount(teacher), 1);
    QVERIFY(code.archivedCodeSessions().isEmpty());
    QVERIFY(!code.codeSessionByClientId(teacher, QStringLiteral("c1")));
    QCOMPARE(code.codeSessionsOfUser(teacher, CourseId(), true).size(), 1);
    // A retried code.create of the deleted session does not bring it back as it was.
    QVERIFY(code.createCodeSession(newSession(teacher), QStringLiteral("c1")).value->id != session.id);
}

void TestStorage::codeDeclinesAreKept()
{
    const UserId teacher = addUser(QStringLiteral("teacher"), Role::Instructor);
    const UserId ana = addUser(QStringLiteral("ana"));
    const UserId ben = addUser(QStringLiteral("ben"));
    CodeStorage &code = m_storage->code();
    const CodeSessionRecord other = *code.createCodeSession(newSession(teacher), QString()).value;

    // A declined request: the user is no longer pending and the time is kept.
    QCOMPARE(code.codeJoinDeclinedAt(other.id, ben), qint64(0));
    QVERIFY(code.setCodeRole(other.id, ben, CodeRole::Pending, std::nullopt).ok());
    QVERIFY(code.declineCodeJoin(other.id, ben, 8000).ok());
    QVERIFY(!code.codeRole(other.id, ben));
    QCOMPARE(code.codeJoinDeclinedAt(other.id, ben), qint64(8000));
    QCOMPARE(code.declineCodeJoin(other.id, ben, 9000).error, StorageError::NotFound);
    QCOMPARE(code.codeJoinDeclinedAt(other.id, ben), qint64(8000));
    QVERIFY(code.setCodeRole(other.id, ben, CodeRole::Pending, std::nullopt).ok());
    QVERIFY(code.declineCodeJoin(other.id, ben, 9500).ok());
    QCOMPARE(code.codeJoinDeclinedAt(other.id, ben), qint64(9500));
    QCOMPARE(code.codeJoinDeclinedAt(other.id, ana), qint64(0));
}
