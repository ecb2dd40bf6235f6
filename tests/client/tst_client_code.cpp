// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "clientfixture.h"
#include "codeclient.h"
#include "codecommentmodel.h"
#include "codefilemodel.h"
#include "codeparticipantmodel.h"
#include "codesession.h"
#include "codesessionfile.h"
#include "document.h"

#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTest>

using namespace Cohort;
using namespace Cohort::Test;
using Client::CodeClient;
using Client::CodeFileId;
using Client::CodeRole;
using Client::CodeSession;
using Client::CodeSessionFile;
using Client::CodeSessionId;

/// Code sessions end to end: real clients (CodeClient on Connections over WebSockets) against a
/// real in-process server. Concurrent editing converges, offline edits merge after a
/// reconnect, comments move with the text on every client, a viewer's edit is refused and
/// rolled back, late joiners get the current text, roles change live, follow and lecture mode.
class TestClientCode : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void threeClientsConvergeConcurrently();
    void offlineEditsMergeAfterReconnect();
    void commentsStayAnchored();
    void viewerEditIsRefusedAndRolledBack();
    void roleChangesLive();
    void followAndLectureMode();
    void joinRefusalsAndApproval();
    void joinRefusalsFollowTheReason();
    void unknownJoinReasonsFallBackOnTheCode();
    void filesVersionsAndExport();
    void editorReplicaPath();
    void agentIdIsKeptAcrossOpenings();
    void limitsComeFromTheWelcome();
    void archiveAndDeleteReachEveryClient();

private:
    struct Person
    {
        std::unique_ptr<Client::Connection> connection;
        std::unique_ptr<CodeClient> code;
        CodeSession *session = nullptr;
    };
    Person signedIn(const QString &username, TestNetwork *network = nullptr);
    /// Signs in and joins the session; null session on failure.
    Person joined(const QString &username, CodeSessionId id, TestNetwork *network = nullptr);
    CodeSessionId createSession(Person &host, const Client::NewCodeSession &settings);
    CodeFileId createFile(Person &person, const QString &path, const QString &content);
    static CodeSessionFile *openLoaded(Person &person, CodeFileId file);
    Client::NewCodeSession courseSession(const QString &title) const;
    static void randomEdit(CodeSessionFile *file, QRandomGenerator &random, const QString &token);

    std::unique_ptr<RestartableServer> m_server;
    QTemporaryDir m_caches;
    CourseId m_course;
    UserId m_ines;
    UserId m_ana;
    UserId m_ben;
    int m_devices = 0;
};

void TestClientCode::init()
{
    QStandardPaths::setTestModeEnabled(true);
    m_server = std::make_unique<RestartableServer>();
    QCOMPARE(m_server->start(), QString());
    m_ines = m_server->addUser(QStringLiteral("ines"), Role::Instructor);
    m_ana = m_server->addUser(QStringLiteral("ana"), Role::Student);
    m_ben = m_server->addUser(QStringLiteral("ben"), Role::Student);
    const Server::CourseRecord course = m_server->addCourse(QStringLiteral("Algorithms"), m_ines, {m_ana, m_ben});
    QVERIFY(course.id.isValid());
    m_course = course.id;
}

void TestClientCode::cleanup()
{
    m_server.reset();
}

TestClientCode::Person TestClientCode::signedIn(const QString &username, TestNetwork *network)
{
    Person person;
    // Every device gets its own cache directory.
    person.connection = makeConnection(m_caches.filePath(username + QString::number(++m_devices)), network);
    person.code = std::make_unique<CodeClient>(person.connection.get());
    if (!signIn(*person.connection, m_server->url(), username).ok)
        person.code.reset();
    return person;
}

TestClientCode::Person TestClientCode::joined(const QString &username, CodeSessionId id, TestNetwork *network)
{
    Person person = signedIn(username, network);
    if (!person.code)
        return person;
    CodeSession *session = person.code->join(id);
    if (QTest::qWaitFor([session] { return session->state() == CodeSession::State::Joined
                                           || session->state() == CodeSession::State::Refused; }, 5000)
        && session->state() == CodeSession::State::Joined) {
        person.session = session;
    }
    return person;
}

CodeSessionId TestClientCode::createSession(Person &host, const Client::NewCodeSession &settings)
{
    std::optional<Client::CodeSessionInfo> created;
    bool done = false;
    host.code->createSession(settings, host.code.get(), [&](const Client::Reply &reply, const std::optional<Client::CodeSessionInfo> &info) {
        if (!reply.ok)
            qWarning() << "code.create failed:" << reply.message;
        created = info;
        done = true;
    });
    if (!QTest::qWaitFor([&done] { return done; }, 5000) || !created)
        return {};
    host.session = host.code->join(created->id);
    if (!QTest::qWaitFor([&host] { return host.session->state() == CodeSession::State::Joined; }, 5000))
        return {};
    return created->id;
}

Client::NewCodeSession TestClientCode::courseSession(const QString &title) const
{
    Client::NewCodeSession settings;
    settings.title = title;
    settings.courseId = m_course;
    settings.visibility = QStringLiteral("course");
    return settings;
}

CodeFileId TestClientCode::createFile(Person &person, const QString &path, const QString &content)
{
    std::optional<Client::CodeFileInfo> file;
    bool done = false;
    person.session->createFile(path, QStringLiteral("python"), content, person.code.get(),
                               [&](const Client::Reply &reply, const std::optional<Client::CodeFileInfo> &info) {
                                   if (!reply.ok)
                                       qWarning() << "file.create failed:" << reply.message;
                                   file = info;
                                   done = true;
                               });
    if (!QTest::qWaitFor([&done] { return done; }, 5000) || !file)
        return {};
    return file->id;
}

CodeSessionFile *TestClientCode::openLoaded(Person &person, CodeFileId file)
{
    CodeSessionFile *open = person.session->openFile(file);
    if (!QTest::qWaitFor([open] { return open->isLoaded(); }, 5000))
        return nullptr;
    return open;
}

void TestClientCode::randomEdit(CodeSessionFile *file, QRandomGenerator &random, const QString &token)
{
    // Every edit types the token; one in three also deletes a character, but only one of the
    // filler dots between tokens, so every token must survive whatever the order.
    if (random.bounded(3) == 0) {
        const QString text = file->text();
        const qsizetype at = text.indexOf(QLatin1Char('.'), random.bounded(static_cast<int>(text.size())));
        if (at >= 0)
            file->remove(at, 1);
    }
    const QString text = file->text();
    const qsizetype length = text.size();
    // Type at a boundary between tokens (right after a space, or at the start), never inside one.
    qsizetype at = random.bounded(static_cast<int>(length) + 1);
    while (at > 0 && text.at(at - 1) != QLatin1Char(' '))
        --at;
    file->insert(at, token + QStringLiteral(".. "));
}

void TestClientCode::threeClientsConvergeConcurrently()
{
    Person ines = signedIn(QStringLiteral("ines"));
    QVERIFY(ines.code);
    const CodeSessionId id = createSession(ines, courseSession(QStringLiteral("Lab 1")));
    QVERIFY(id.isValid());
    const CodeFileId fileId = createFile(ines, QStringLiteral("main.py"), QStringLiteral("print('hello')\n"));
    QVERIFY(fileId.isValid());
    Person ana = joined(QStringLiteral("ana"), id);
    QVERIFY(ana.session);
    Person ben = joined(QStringLiteral("ben"), id);
    QVERIFY(ben.session);
    QCOMPARE(ana.session->myRole(), CodeRole::Editor);
    QTRY_COMPARE(ana.session->files()->rowCount(), 1);

    QList<CodeSessionFile *> files{openLoaded(ines, fileId), openLoaded(ana, fileId), openLoaded(ben, fileId)};
    for (CodeSessionFile *file : files) {
        QVERIFY(file);
        QCOMPARE(file->text(), QStringLiteral("print('hello')\n"));
    }

    // Everyone types at once without waiting for anything: 40 rounds of one edit each, so
    // edits cross on the wire all the time.
    QRandomGenerator random(4242);
    QStringList tokens;
    for (int round = 0; round < 40; ++round) {
        for (int who = 0; who < files.size(); ++who) {
            const QString token = QStringLiteral("t%1x%2").arg(who).arg(round);
            tokens.append(token);
            randomEdit(files[who], random, token);
        }
        if (round % 8 == 0)
            QCoreApplication::processEvents(); // let some updates arrive mid-way
    }
    QTRY_VERIFY_WITH_TIMEOUT(!files[0]->hasUnsentChanges() && !files[1]->hasUnsentChanges() && !files[2]->hasUnsentChanges(),
                             10000);
    QTRY_VERIFY_WITH_TIMEOUT(files[0]->text() == files[1]->text() && files[1]->text() == files[2]->text(), 10000);
    const QString text = files[0]->text();
    for (const QString &token : std::as_const(tokens))
        QVERIFY2(text.contains(token), qPrintable(token));
    QVERIFY(text.contains(QStringLiteral("print('hello')")));

    // The server has the same text: a late joiner (a second device of Ana) gets it from file.open.
    Person late = joined(QStringLiteral("ana"), id);
    QVERIFY(late.session);
    CodeSessionFile *lateFile = openLoaded(late, fileId);
    QVERIFY(lateFile);
    QCOMPARE(lateFile->text(), text);
    QCOMPARE(lateFile->syncState(), CodeSessionFile::SyncState::Synced);

    // And the late joiner's edits reach everyone.
    lateFile->insert(0, QStringLiteral("# late\n"));
    for (CodeSessionFile *file : files)
        QTRY_COMPARE(file->text(), lateFile->text());
}

void TestClientCode::offlineEditsMergeAfterReconnect()
{
    Person ines = signedIn(QStringLiteral("ines"));
    QVERIFY(ines.code);
    const CodeSessionId id = createSession(ines, courseSession(QStringLiteral("Lab 2")));
    QVERIFY(id.isValid());
    const CodeFileId fileId = createFile(ines, QStringLiteral("list.py"), QStringLiteral("class Node:\n    pass\n"));
    QVERIFY(fileId.isValid());
    TestNetwork network;
    Person ana = joined(QStringLiteral("ana"), id, &network);
    QVERIFY(ana.session);
    Person ben = joined(QStringLiteral("ben"), id);
    QVERIFY(ben.session);
    CodeSessionFile *inesFile = openLoaded(ines, fileId);
    CodeSessionFile *anaFile = openLoaded(ana, fileId);
    CodeSessionFile *benFile = openLoaded(ben, fileId);
    QVERIFY(inesFile && anaFile && benFile);

    // The pane keeps the session and its editors as they are through the outage.
    QSignalSpy sessionState(ana.session, &CodeSession::stateChanged);
    network.down = true;
    network.current->close(1001, QStringLiteral("gone"));
    QTRY_VERIFY(ana.connection->state() != Client::Connection::State::Connected);
    QTRY_COMPARE(anaFile->syncState(), CodeSessionFile::SyncState::Offline);
    QVERIFY(ana.session->canEdit());

    // Minutes of offline work (a few hundred edits) on one side, edits of the others meanwhile.
    QRandomGenerator random(77);
    QStringList tokens;
    for (int i = 0; i < 300; ++i) {
        const QString token = QStringLiteral("off%1").arg(i);
        tokens.append(token);
        randomEdit(anaFile, random, token);
    }
    for (int i = 0; i < 30; ++i) {
        const QString inesToken = QStringLiteral("ines%1").arg(i);
        const QString benToken = QStringLiteral("ben%1").arg(i);
        tokens << inesToken << benToken;
        randomEdit(inesFile, random, inesToken);
        randomEdit(benFile, random, benToken);
    }
    QTRY_VERIFY_WITH_TIMEOUT(inesFile->text() == benFile->text() && !inesFile->hasUnsentChanges()
                                 && !benFile->hasUnsentChanges(), 10000);
    QVERIFY(anaFile->hasUnsentChanges());
    QVERIFY(!benFile->text().contains(QStringLiteral("off0")));

    network.down = false;
    QTRY_COMPARE_WITH_TIMEOUT(ana.connection->state(), Client::Connection::State::Connected, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(!anaFile->hasUnsentChanges(), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(anaFile->text() == benFile->text() && benFile->text() == inesFile->text(), 10000);
    QCOMPARE(anaFile->syncState(), CodeSessionFile::SyncState::Synced);
    QVERIFY(sessionState.isEmpty());
    QVERIFY(!ana.session->isRejoining());
    for (const QString &token : std::as_const(tokens))
        QVERIFY2(anaFile->text().contains(token), qPrintable(token));

    // The server stored the merge: a fresh open agrees.
    Person late = joined(QStringLiteral("ben"), id);
    QVERIFY(late.session);
    CodeSessionFile *lateFile = openLoaded(late, fileId);
    QVERIFY(lateFile);
    QCOMPARE(lateFile->text(), anaFile->text());
}

void TestClientCode::commentsStayAnchored()
{
    Person ines = signedIn(QStringLiteral("ines"));
    QVERIFY(ines.code);
    const CodeSessionId id = createSession(ines, courseSession(QStringLiteral("Review")));
    QVERIFY(id.isValid());
    const QString content = QStringLiteral("def f(x):\n    y = x * 2\n    return y\n");
    const CodeFileId fileId = createFile(ines, QStringLiteral("f.py"), content);
    QVERIFY(fileId.isValid());
    Person ana = joined(QStringLiteral("ana"), id);
    QVERIFY(ana.session);
    CodeSessionFile *inesFile = openLoaded(ines, fileId);
    CodeSessionFile *anaFile = openLoaded(ana, fileId);
    QVERIFY(inesFile && anaFile);

    // Ana comments on line 1 ("    y = x * 2\n").
    const qsizetype start = content.indexOf(QStringLiteral("    y"));
    const qsizetype end = content.indexOf(QStringLiteral("    return"));
    std::optional<Client::CodeCommentInfo> added;
    ana.session->addComment(fileId, start, end, QStringLiteral("Why times two?"), ana.code.get(),
                            [&added](const Client::Reply &, const std::optional<Client::CodeCommentInfo> &c) { added = c; });
    QTRY_VERIFY(added.has_value());
    QCOMPARE(anaFile->lines(*added), std::make_pair(1, 1));
    Client::CodeCommentModel *inesComments = ines.session->comments();
    QTRY_COMPARE(inesComments->rowCount(), 1);
    QCOMPARE(inesComments->data(inesComments->index(0), Client::CodeCommentModel::FirstLineRole).toInt(), 1);

    // Ines adds two lines above it; the comment is now on line 3 for both.
    inesFile->insert(0, QStringLiteral("import math\n\n"));
    QTRY_COMPARE(anaFile->text(), inesFile->text());
    QTRY_COMPARE(inesComments->data(inesComments->index(0), Client::CodeCommentModel::FirstLineRole).toInt(), 3);
    QCOMPARE(inesComments->data(inesComments->index(0), Client::CodeCommentModel::LastLineRole).toInt(), 3);
    Client::CodeCommentModel *anaComments = ana.session->comments();
    QCOMPARE(anaComments->data(anaComments->index(0), Client::CodeCommentModel::FirstLineRole).toInt(), 3);
    QCOMPARE(inesFile->text().mid(inesFile->resolve(added->start), 5), QStringLiteral("    y"));

    // A reply and resolve reach the other client; a later client lists the thread, anchored.
    std::optional<Client::CodeCommentInfo> replied;
    ines.session->reply(added->id, QStringLiteral("To double it."), ines.code.get(),
                        [&replied](const Client::Reply &, const std::optional<Client::CodeCommentInfo> &c) { replied = c; });
    QTRY_VERIFY(replied.has_value());
    QTRY_COMPARE(anaComments->rowCount(), 2);
    QCOMPARE(anaComments->thread(added->id).size(), 2);
    ana.session->resolve(added->id, true);
    QTRY_VERIFY(inesComments->comment(added->id) && inesComments->comment(added->id)->resolved);

    Person later = joined(QStringLiteral("ben"), id);
    QVERIFY(later.session);
    CodeSessionFile *laterFile = openLoaded(later, fileId);
    QVERIFY(laterFile);
    Client::CodeCommentModel *laterComments = later.session->comments();
    QTRY_COMPARE(laterComments->rowCount(), 2);
    const int root = laterComments->rowOf(added->id);
    QVERIFY(root >= 0);
    QCOMPARE(laterComments->data(laterComments->index(root), Client::CodeCommentModel::FirstLineRole).toInt(), 3);
    QCOMPARE(laterComments->data(laterComments->index(root), Client::CodeCommentModel::ResolvedRole).toBool(), true);
}

void TestClientCode::viewerEditIsRefusedAndRolledBack()
{
    Person ines = signedIn(QStringLiteral("ines"));
    QVERIFY(ines.code);
    Client::NewCodeSession settings = courseSession(QStringLiteral("Lecture"));
    settings.lecture = true; // joiners become viewers
    const CodeSessionId id = createSession(ines, settings);
    QVERIFY(id.isValid());
    const CodeFileId fileId = createFile(ines, QStringLiteral("demo.py"), QStringLiteral("x = 1\n"));
    QVERIFY(fileId.isValid());
    Person ana = joined(QStringLiteral("ana"), id);
    QVERIFY(ana.session);
    QCOMPARE(ana.session->myRole(), CodeRole::Viewer);
    QVERIFY(!ana.session->canEdit());
    CodeSessionFile *inesFile = openLoaded(ines, fileId);
    CodeSessionFile *anaFile = openLoaded(ana, fileId);
    QVERIFY(inesFile && anaFile);

    // A forced edit (the pane's editor is read-only for viewers) is refused by the server and
    // the viewer's replica goes back to the server's text.
    QSignalSpy refused(anaFile, &CodeSessionFile::editRefused);
    QSignalSpy reloaded(anaFile, &CodeSessionFile::reloaded);
    anaFile->insert(0, QStringLiteral("hacked = True\n"));
    QCOMPARE(anaFile->text(), QStringLiteral("hacked = True\nx = 1\n")); // local typing is never blocked
    QTRY_COMPARE(refused.size(), 1);
    QCOMPARE(refused.first().first().value<Client::Reply>().error, Protocol::ErrorCode::Forbidden);
    QTRY_COMPARE(reloaded.size(), 1);
    QCOMPARE(anaFile->text(), QStringLiteral("x = 1\n"));
    QVERIFY(!anaFile->hasUnsentChanges());

    // Never applied on the server: the host's edit goes through, and a fresh open has no trace.
    inesFile->insert(6, QStringLiteral("y = 2\n"));
    QTRY_COMPARE(anaFile->text(), QStringLiteral("x = 1\ny = 2\n"));
    QCOMPARE(inesFile->text(), QStringLiteral("x = 1\ny = 2\n"));
    Person fresh = joined(QStringLiteral("ben"), id);
    QVERIFY(fresh.session);
    CodeSessionFile *freshFile = openLoaded(fresh, fileId);
    QVERIFY(freshFile);
    QCOMPARE(freshFile->text(), QStringLiteral("x = 1\ny = 2\n"));
}

void TestClientCode::roleChangesLive()
{
    Person ines = signedIn(QStringLiteral("ines"));
    QVERIFY(ines.code);
    Client::NewCodeSession settings = courseSession(QStringLiteral("Pen"));
    settings.lecture = true;
    const CodeSessionId id = createSession(ines, settings);
    QVERIFY(id.isValid());
    const CodeFileId fileId = createFile(ines, QStringLiteral("pen.py"), QStringLiteral("a = 0\n"));
    QVERIFY(fileId.isValid());
    Person ana = joined(QStringLiteral("ana"), id);
    QVERIFY(ana.session);
    QCOMPARE(ana.session->myRole(), CodeRole::Viewer);
    CodeSessionFile *inesFile = openLoaded(ines, fileId);
    CodeSessionFile *anaFile = openLoaded(ana, fileId);
    QVERIFY(inesFile && anaFile);
    QTRY_VERIFY(ines.session->participants()->participant(m_ana));

    // Pass the pen: Ana becomes an editor live, and her edit is accepted.
    QSignalSpy myRole(ana.session, &CodeSession::myRoleChanged);
    QSignalSpy inesSees(ines.session, &CodeSession::roleChanged);
    ines.session->setRole(m_ana, CodeRole::Editor);
    QTRY_COMPARE(myRole.size(), 1);
    QCOMPARE(ana.session->myRole(), CodeRole::Editor);
    QVERIFY(ana.session->canEdit());
    QTRY_VERIFY(!inesSees.isEmpty());
    QCOMPARE(ines.session->participants()->participant(m_ana)->role, CodeRole::Editor);
    anaFile->insert(6, QStringLiteral("b = 1\n"));
    QTRY_COMPARE(inesFile->text(), QStringLiteral("a = 0\nb = 1\n"));
    QTRY_VERIFY(!anaFile->hasUnsentChanges());

    // Take it back: her next edit is refused and rolled back.
    ines.session->setRole(m_ana, CodeRole::Viewer);
    QTRY_COMPARE(ana.session->myRole(), CodeRole::Viewer);
    QSignalSpy refused(anaFile, &CodeSessionFile::editRefused);
    anaFile->insert(0, QStringLiteral("nope\n"));
    QTRY_COMPARE(refused.size(), 1);
    QTRY_COMPARE(anaFile->text(), QStringLiteral("a = 0\nb = 1\n"));
    QCOMPARE(inesFile->text(), QStringLiteral("a = 0\nb = 1\n"));
}

void TestClientCode::followAndLectureMode()
{
    Person ines = signedIn(QStringLiteral("ines"));
    QVERIFY(ines.code);
    const CodeSessionId id = createSession(ines, courseSession(QStringLiteral("Follow")));
    QVERIFY(id.isValid());
    const CodeFileId first = createFile(ines, QStringLiteral("a.py"), QStringLiteral("1\n2\n3\n"));
    const CodeFileId second = createFile(ines, QStringLiteral("b.py"), QStringLiteral("4\n5\n6\n"));
    QVERIFY(first.isValid() && second.isValid());
    Person ana = joined(QStringLiteral("ana"), id);
    QVERIFY(ana.session);
    Person ben = joined(QStringLiteral("ben"), id);
    QVERIFY(ben.session);
    QCOMPARE(ana.session->myRole(), CodeRole::Editor);
    QVERIFY(!ana.session->following().isValid());

    // Lecture mode on: Ana and Ben are editors, so nobody follows yet; as viewers they do.
    QSignalSpy anaFollowing(ana.session, &CodeSession::followingChanged);
    Client::CodeSessionChanges lecture;
    lecture.lecture = true;
    ines.session->update(lecture);
    QTRY_VERIFY(ana.session->info().lecture);
    QVERIFY(!ana.session->following().isValid());
    ines.session->setRole(m_ana, CodeRole::Viewer);
    QTRY_COMPARE(ana.session->following(), m_ines);
    QVERIFY(!anaFollowing.isEmpty());

    // The lecturer moves: the follower learns the file and viewport; the others see her cursor.
    QSignalSpy moved(ana.session, &CodeSession::followMoved);
    CodeSessionFile *inesSecond = openLoaded(ines, second);
    QVERIFY(inesSecond);
    inesSecond->setLocalSelection(2, 4, 40);
    QTRY_VERIFY(!moved.isEmpty());
    QCOMPARE(moved.last().at(0).value<UserId>(), m_ines);
    QCOMPARE(moved.last().at(1).value<CodeFileId>(), second);
    QCOMPARE(moved.last().at(2).toInt(), 40);
    QTRY_COMPARE(ben.session->fileOf(m_ines), second);
    QCOMPARE(ben.session->cursors(second).size(), 1);
    QCOMPARE(ben.session->cursors(second).first().name, QStringLiteral("INES"));
    QCOMPARE(ben.session->files()->usersIn(second), QList<UserId>{m_ines});
    QVERIFY(ben.session->cursors(first).isEmpty());
    QVERIFY(!ben.session->following().isValid()); // an editor does not follow in lecture mode

    // The viewer stops following; then follows Ben explicitly.
    ana.session->stopFollowing();
    QVERIFY(!ana.session->following().isValid());
    ana.session->follow(m_ben);
    QCOMPARE(ana.session->following(), m_ben);
    moved.clear();
    CodeSessionFile *benFirst = openLoaded(ben, first);
    QVERIFY(benFirst);
    benFirst->setLocalSelection(0, 0, 0);
    QTRY_VERIFY(!moved.isEmpty());
    QCOMPARE(moved.last().at(0).value<UserId>(), m_ben);
    QCOMPARE(moved.last().at(1).value<CodeFileId>(), first);
    // Ines moving does not move Ana now.
    moved.clear();
    inesSecond->setLocalSelection(0, 0, 3);
    QTRY_COMPARE(ben.session->cursors(second).first().viewportTopLine, 3);
    QVERIFY(moved.isEmpty());
}

void TestClientCode::joinRefusalsAndApproval()
{
    Person ines = signedIn(QStringLiteral("ines"));
    QVERIFY(ines.code);
    Client::NewCodeSession settings;
    settings.title = QStringLiteral("Private");
    settings.accessCode = QStringLiteral("OPEN-SESAME");
    const CodeSessionId id = createSession(ines, settings);
    QVERIFY(id.isValid());

    Person ana = signedIn(QStringLiteral("ana"));
    QVERIFY(ana.code);
    CodeSession *wrong = ana.code->join(id, QStringLiteral("guess"));
    QTRY_COMPARE(wrong->state(), CodeSession::State::Refused);
    QCOMPARE(wrong->refusal(), CodeSession::Refusal::AccessCode);

    // Locked: even the right code does not get in.
    Client::CodeSessionChanges lock;
    lock.locked = true;
    ines.session->update(lock);
    QTRY_VERIFY(ines.session->info().locked);
    ana.code->join(id, QStringLiteral("open-sesame"));
    QTRY_COMPARE(wrong->state(), CodeSession::State::Refused);
    QTRY_COMPARE(wrong->refusal(), CodeSession::Refusal::Locked);

    // Unlocked with approval: Ana waits until Ines lets her in.
    Client::CodeSessionChanges approval;
    approval.locked = false;
    approval.approval = true;
    ines.session->update(approval);
    QTRY_VERIFY(!ines.session->info().locked && ines.session->info().approval);
    QSignalSpy requested(ines.session, &CodeSession::joinRequested);
    CodeSession *waiting = ana.code->join(id, QStringLiteral("open-sesame"));
    QCOMPARE(waiting, wrong);
    QTRY_COMPARE(waiting->state(), CodeSession::State::Pending);
    QTRY_COMPARE(requested.size(), 1);
    QCOMPARE(ines.session->pendingJoiners().size(), 1);
    ines.session->approve(m_ana, true);
    QTRY_COMPARE(waiting->state(), CodeSession::State::Joined);
    QTRY_VERIFY(ines.session->pendingJoiners().isEmpty());
    QTRY_VERIFY(ines.session->participants()->participant(m_ana));

    // Ben is denied.
    Person ben = signedIn(QStringLiteral("ben"));
    QVERIFY(ben.code);
    CodeSession *benSession = ben.code->join(id, QStringLiteral("OPEN-SESAME"));
    QTRY_COMPARE(benSession->state(), CodeSession::State::Pending);
    QTRY_COMPARE(ines.session->pendingJoiners().size(), 1);
    ines.session->approve(m_ben, false);
    QTRY_COMPARE(benSession->state(), CodeSession::State::Refused);
    QCOMPARE(benSession->refusal(), CodeSession::Refusal::Denied);
}

void TestClientCode::joinRefusalsFollowTheReason()
{
    // One request may wait for the host, so that the second is turned away.
    QVERIFY(m_server->stop());
    m_server->config().maxCodeJoinRequests = 1;
    QCOMPARE(m_server->start(), QString());
    Person ines = signedIn(QStringLiteral("ines"));
    QVERIFY(ines.code);
    Client::NewCodeSession settings = courseSession(QStringLiteral("One at a time"));
    settings.approval = true;
    const CodeSessionId id = createSession(ines, settings);
    QVERIFY(id.isValid());

    Person ana = signedIn(QStringLiteral("ana"));
    QVERIFY(ana.code);
    CodeSession *anaSession = ana.code->join(id);
    QTRY_COMPARE(anaSession->state(), CodeSession::State::Pending);
    Person ben = signedIn(QStringLiteral("ben"));
    QVERIFY(ben.code);
    CodeSession *benSession = ben.code->join(id);
    QTRY_COMPARE(benSession->state(), CodeSession::State::Refused);
    QCOMPARE(benSession->refusal(), CodeSession::Refusal::ApprovalQueueFull);

    // Declined, Ana asks again at once: still Denied, and she is told how long to wait.
    QTRY_COMPARE(ines.session->pendingJoiners().size(), 1);
    ines.session->approve(m_ana, false);
    QTRY_COMPARE(anaSession->state(), CodeSession::State::Refused);
    QCOMPARE(anaSession->refusal(), CodeSession::Refusal::Denied);
    ana.code->join(id);
    QTRY_COMPARE(anaSession->state(), CodeSession::State::Refused);
    QCOMPARE(anaSession->refusal(), CodeSession::Refusal::Denied);
    QCOMPARE(anaSession->refusalReply().error, Protocol::ErrorCode::RateLimited);
    QVERIFY(anaSession->refusalReply().retryAfterMs > 0);

    // Guessing access codes: wrong ones first, then the wait (also for the right code).
    Client::NewCodeSession coded;
    coded.title = QStringLiteral("Coded");
    coded.accessCode = QStringLiteral("OPEN-SESAME");
    const CodeSessionId codedId = createSession(ines, coded);
    QVERIFY(codedId.isValid());
    CodeSession *guessing = nullptr;
    for (int attempt = 0; attempt < 20; ++attempt) {
        guessing = ben.code->join(codedId, QStringLiteral("guess-%1").arg(attempt));
        QTRY_COMPARE(guessing->state(), CodeSession::State::Refused);
        if (guessing->refusal() != CodeSession::Refusal::AccessCode)
            break;
    }
    QCOMPARE(guessing->refusal(), CodeSession::Refusal::AccessCodeAttempts);
    QVERIFY(guessing->refusalReply().retryAfterMs > 0);
    ben.code->join(codedId, QStringLiteral("open-sesame"));
    QTRY_COMPARE(guessing->state(), CodeSession::State::Refused);
    QCOMPARE(guessing->refusal(), CodeSession::Refusal::AccessCodeAttempts);

    // Full, and a session that does not exist.
    Client::NewCodeSession small = courseSession(QStringLiteral("Pair"));
    small.maxCollaborators = 1;
    const CodeSessionId smallId = createSession(ines, small);
    QVERIFY(smallId.isValid());
    CodeSession *full = ana.code->join(smallId);
    QTRY_COMPARE(full->state(), CodeSession::State::Refused);
    QCOMPARE(full->refusal(), CodeSession::Refusal::Full);
    CodeSession *missing = ana.code->join(CodeSessionId(999999));
    QTRY_COMPARE(missing->state(), CodeSession::State::Refused);
    QCOMPARE(missing->refusal(), CodeSession::Refusal::NotFound);
}

void TestClientCode::unknownJoinReasonsFallBackOnTheCode()
{
    // The reason decides, whatever the message says.
    Client::Reply reply;
    reply.error = Protocol::ErrorCode::Conflict;
    reply.message = QStringLiteral("the session is full");
    reply.details = {{Protocol::KeyReason, Protocol::ReasonLocked}};
    QCOMPARE(CodeSession::joinRefusal(reply), CodeSession::Refusal::Locked);
    // A forbidden agent id is not a private session.
    reply.error = Protocol::ErrorCode::Forbidden;
    reply.details = {{Protocol::KeyReason, Protocol::ReasonAgentTaken}};
    QCOMPARE(CodeSession::joinRefusal(reply), CodeSession::Refusal::Other);
    reply.error = Protocol::ErrorCode::Conflict;
    // The message alone decides nothing: a conflict without a reason is Other.
    reply.details = {};
    QCOMPARE(CodeSession::joinRefusal(reply), CodeSession::Refusal::Other);
    // A reason this client does not know: the code alone.
    reply.details = {{Protocol::KeyReason, QStringLiteral("some_future_reason")}};
    QCOMPARE(CodeSession::joinRefusal(reply), CodeSession::Refusal::Other);
    reply.error = Protocol::ErrorCode::Forbidden;
    reply.message = QStringLiteral("wrong access code");
    QCOMPARE(CodeSession::joinRefusal(reply), CodeSession::Refusal::Forbidden);
    reply.error = Protocol::ErrorCode::NotFound;
    QCOMPARE(CodeSession::joinRefusal(reply), CodeSession::Refusal::NotFound);
    reply.error = Protocol::ErrorCode::RateLimited;
    reply.retryAfterMs = 5000;
    QCOMPARE(CodeSession::joinRefusal(reply), CodeSession::Refusal::Other);
}

void TestClientCode::filesVersionsAndExport()
{
    Person ines = signedIn(QStringLiteral("ines"));
    QVERIFY(ines.code);
    const CodeSessionId id = createSession(ines, courseSession(QStringLiteral("Project")));
    QVERIFY(id.isValid());
    Person ana = joined(QStringLiteral("ana"), id);
    QVERIFY(ana.session);
    const CodeFileId fileId = createFile(ines, QStringLiteral("src/app.py"), QStringLiteral("v = 1\n"));
    QVERIFY(fileId.isValid());
    QTRY_COMPARE(ana.session->files()->rowCount(), 1);
    QCOMPARE(ana.session->files()->data(ana.session->files()->index(0), Client::CodeFileModel::FolderRole).toString(),
             QStringLiteral("src"));

    CodeSessionFile *inesFile = openLoaded(ines, fileId);
    CodeSessionFile *anaFile = openLoaded(ana, fileId);
    QVERIFY(inesFile && anaFile);

    std::optional<Client::CodeVersionInfo> version;
    ines.session->createVersion(QStringLiteral("first"), ines.code.get(),
                                [&version](const Client::Reply &, const std::optional<Client::CodeVersionInfo> &v) { version = v; });
    QTRY_VERIFY(version.has_value());
    anaFile->insert(6, QStringLiteral("w = 2\n"));
    QTRY_COMPARE(inesFile->text(), QStringLiteral("v = 1\nw = 2\n"));

    // Restore: both replicas go back to the version's text through normal edits.
    QSignalSpy restored(ana.session, &CodeSession::versionRestored);
    ines.session->restoreVersion(version->id);
    QTRY_COMPARE(anaFile->text(), QStringLiteral("v = 1\n"));
    QTRY_COMPARE(inesFile->text(), QStringLiteral("v = 1\n"));
    QTRY_COMPARE(restored.size(), 1);

    // Rename reaches the other client; export has every file's text.
    QSignalSpy renamed(ana.session, &CodeSession::fileRenamed);
    ines.session->renameFile(fileId, QStringLiteral("src/main.py"));
    QTRY_COMPARE(renamed.size(), 1);
    QCOMPARE(anaFile->info().path, QStringLiteral("src/main.py"));
    QList<Client::ExportedFile> exported;
    bool done = false;
    ana.session->exportFiles(ana.code.get(), [&](const Client::Reply &reply, const QList<Client::ExportedFile> &files) {
        QVERIFY(reply.ok);
        exported = files;
        done = true;
    });
    QTRY_VERIFY(done);
    QCOMPARE(exported, (QList<Client::ExportedFile>{{QStringLiteral("src/main.py"), QStringLiteral("v = 1\n")}}));

    // Delete: the open file goes away on the other client.
    QSignalSpy deleted(ana.session, &CodeSession::fileDeleted);
    ines.session->deleteFile(fileId);
    QTRY_COMPARE(deleted.size(), 1);
    QCOMPARE(ana.session->files()->rowCount(), 0);
    QTRY_VERIFY(!ana.session->openedFile(fileId));
}

void TestClientCode::editorReplicaPath()
{
    // The pane's way: the editor holds its own replica made by replica(), sends its updates
    // through applyLocalUpdate() and applies remoteUpdate(); both replicas name new characters
    // with the one agent id the server bound to this user.
    Person ines = signedIn(QStringLiteral("ines"));
    QVERIFY(ines.code);
    const CodeSessionId id = createSession(ines, courseSession(QStringLiteral("Pane")));
    QVERIFY(id.isValid());
    const CodeFileId fileId = createFile(ines, QStringLiteral("pane.py"), QStringLiteral("start\n"));
    QVERIFY(fileId.isValid());
    Person ana = joined(QStringLiteral("ana"), id);
    QVERIFY(ana.session);
    CodeSessionFile *inesFile = openLoaded(ines, fileId);
    CodeSessionFile *anaFile = openLoaded(ana, fileId);
    QVERIFY(inesFile && anaFile);

    Collab::Document editor = anaFile->replica();
    QCOMPARE(editor.agent(), anaFile->agent());
    QCOMPARE(editor.text(), QStringLiteral("start\n"));
    QObject context;
    connect(anaFile, &CodeSessionFile::remoteUpdate, &context,
            [&editor](const QByteArray &update, const QList<Collab::TextChange> &) { QVERIFY(editor.apply(update).ok()); });

    // Fast typing in the editor: many small updates, sent together while one is on its way.
    for (int i = 0; i < 40; ++i)
        anaFile->applyLocalUpdate(editor.insert(editor.length(), QStringLiteral("k%1 ").arg(i)));
    anaFile->applyLocalUpdate(editor.remove(0, 1));
    QCOMPARE(anaFile->text(), editor.text());
    inesFile->insert(0, QStringLiteral("# host\n"));
    QTRY_COMPARE(editor.text(), inesFile->text());
    QTRY_VERIFY(!anaFile->hasUnsentChanges());
    QCOMPARE(anaFile->text(), editor.text());
    QVERIFY(editor.text().startsWith(QStringLiteral("# host\ntart\nk0 k1 ")));
    QVERIFY(editor.text().endsWith(QStringLiteral("k39 ")));
}

void TestClientCode::agentIdIsKeptAcrossOpenings()
{
    Person host = signedIn(QStringLiteral("ines"));
    QVERIFY(host.code);
    const CodeSessionId id = createSession(host, courseSession(QStringLiteral("Lab 9")));
    QVERIFY(id.isValid());
    const QString device = m_caches.filePath(QStringLiteral("ana-laptop"));
    quint64 first = 0;
    {
        auto connection = makeConnection(device);
        QVERIFY(signIn(*connection, m_server->url(), QStringLiteral("ana")).ok);
        CodeClient code(connection.get());
        CodeSession *session = code.join(id);
        QTRY_COMPARE(session->state(), CodeSession::State::Joined);
        first = session->agent();
        QVERIFY(first != 0);
        // Opened again, as the pane does on every visit: the same id, not a new binding.
        code.leave(session);
        CodeSession *again = code.join(id);
        QTRY_COMPARE(again->state(), CodeSession::State::Joined);
        QCOMPARE(again->agent(), first);
    }
    // The app started again on the same computer.
    auto connection = makeConnection(device);
    QVERIFY(signIn(*connection, m_server->url(), QStringLiteral("ana")).ok);
    CodeClient code(connection.get());
    CodeSession *session = code.join(id);
    QTRY_COMPARE(session->state(), CodeSession::State::Joined);
    QCOMPARE(session->agent(), first);
    // Another computer of the same student edits under an id of its own.
    Person desktop = joined(QStringLiteral("ana"), id);
    QVERIFY(desktop.session);
    QVERIFY(desktop.session->agent() != first);
}

void TestClientCode::limitsComeFromTheWelcome()
{
    TestServer server;
    Server::ServerConfig config = TestServer::testConfig();
    config.maxCodeVersionsPerSession = 7;
    config.maxCodeSessionsPerOwner = 3;
    config.maxCodeStoredSessionsPerOwner = 4;
    QCOMPARE(server.start(config), QString());
    QVERIFY(server.addUser(QStringLiteral("zoe"), Role::Student).isValid());
    auto connection = makeConnection(m_caches.filePath(QStringLiteral("zoe")));
    CodeClient code(connection.get());
    QCOMPARE(code.limits(), Client::CodeLimits());
    QVERIFY(signIn(*connection, server.url(), QStringLiteral("zoe")).ok);
    QCOMPARE(code.limits().maxVersions, 7);
    QCOMPARE(code.limits().maxSessions, 3);
    QCOMPARE(code.limits().maxUpdateBytes, Client::CodeLimits().maxUpdateBytes);
    QCOMPARE(code.limits().maxStoredSessions, 4);

    // The two limits on a student's sessions are told apart, so the pane can say what helps.
    const auto create = [&code]() {
        Client::NewCodeSession settings;
        settings.title = QStringLiteral("Mine");
        settings.visibility = QStringLiteral("private");
        std::optional<Client::Reply> answer;
        code.createSession(settings, &code, [&answer](const Client::Reply &reply, const std::optional<Client::CodeSessionInfo> &) {
            answer = reply;
        });
        return QTest::qWaitFor([&answer] { return answer.has_value(); }, 5000) ? *answer : Client::Reply();
    };
    QList<CodeSessionId> made;
    for (int i = 0; i < 3; ++i) {
        const Client::Reply reply = create();
        QVERIFY(reply.ok);
        made.append(CodeSessionId(reply.data.value(QStringLiteral("session")).toObject().value(QStringLiteral("id")).toInteger()));
    }
    const Client::Reply open = create();
    QCOMPARE(open.error, Protocol::ErrorCode::Conflict);
    QVERIFY(!CodeClient::isStoredSessionsLimit(open));
    QCOMPARE(open.details.value(Protocol::KeyReason).toString(), Protocol::ReasonOpenLimit);
    for (const CodeSessionId id : {made.at(0), made.at(1)}) {
        bool archived = false;
        code.archiveSession(id, &code, [&archived](const Client::Reply &reply, const std::optional<Client::CodeSessionInfo> &) {
            archived = reply.ok;
        });
        QTRY_VERIFY(archived);
    }
    QVERIFY(create().ok);
    const Client::Reply stored = create();
    QCOMPARE(stored.error, Protocol::ErrorCode::Conflict);
    QVERIFY2(CodeClient::isStoredSessionsLimit(stored), qPrintable(stored.message));
    QCOMPARE(stored.details.value(Protocol::KeyReason).toString(), Protocol::ReasonStoredLimit);
}

QTEST_GUILESS_MAIN(TestClientCode)
#include "tst_client_code.moc"

void TestClientCode::archiveAndDeleteReachEveryClient()
{
    Person ines = signedIn(QStringLiteral("ines"));
    QVERIFY(ines.code);
    const CodeSessionId id = createSession(ines, courseSession(QStringLiteral("Lab 7")));
    QVERIFY(id.isValid());
    const CodeFileId file = createFile(ines, QStringLiteral("main.py"), QStringLiteral("x = 1\n"));
    QVERIFY(file.isValid());
    CodeSessionFile *inesFile = openLoaded(ines, file);
    QVERIFY(inesFile);
    Person ana = joined(QStringLiteral("ana"), id);
    QVERIFY(ana.session);
    QVERIFY(ana.session->canEdit());
    // Ben waits for approval when the archive comes.
    Client::CodeSessionChanges approval;
    approval.approval = true;
    ines.session->update(approval);
    QTRY_VERIFY(ines.session->info().approval);
    Person ben = signedIn(QStringLiteral("ben"));
    QVERIFY(ben.code);
    CodeSession *benSession = ben.code->join(id);
    QTRY_COMPARE(benSession->state(), CodeSession::State::Pending);
    QTRY_COMPARE(ines.session->pendingJoiners().size(), 1);

    // Ana (a participant) may not archive; the owner does.
    Client::Reply refused;
    ana.code->archiveSession(id, ana.code.get(), [&refused](const Client::Reply &reply, const std::optional<Client::CodeSessionInfo> &) {
        refused = reply;
    });
    QTRY_VERIFY(!refused.ok && refused.error == Protocol::ErrorCode::Forbidden && !refused.message.isEmpty());
    std::optional<Client::CodeSessionInfo> archived;
    ines.code->archiveSession(id, ines.code.get(), [&archived](const Client::Reply &, const std::optional<Client::CodeSessionInfo> &info) {
        archived = info;
    });
    QTRY_VERIFY(archived);
    QVERIFY(archived->archived);

    // The participant and the waiting user are out, and the pane can say why; the owner
    // stays in, read-only.
    QTRY_COMPARE(ana.session->state(), CodeSession::State::Refused);
    QCOMPARE(ana.session->refusal(), CodeSession::Refusal::Archived);
    QTRY_COMPARE(benSession->state(), CodeSession::State::Refused);
    QCOMPARE(benSession->refusal(), CodeSession::Refusal::Archived);
    QTRY_VERIFY(ines.session->isArchived());
    QCOMPARE(ines.session->state(), CodeSession::State::Joined);
    QVERIFY(!ines.session->canEdit());
    // The server dropped Ben's request: the owner is not shown one to approve, also not once
    // the session is unarchived.
    QVERIFY(ines.session->pendingJoiners().isEmpty());
    // Joining it again is refused with the same reason.
    ana.code->join(id);
    QTRY_COMPARE(ana.session->state(), CodeSession::State::Refused);
    QCOMPARE(ana.session->refusal(), CodeSession::Refusal::Archived);

    // Listed to its owner only when asked for, greyed by the flag.
    const auto list = [](Person &person, bool withArchived) {
        std::optional<QList<Client::CodeSessionInfo>> sessions;
        person.code->listSessions(CourseId(), person.code.get(),
                                  [&sessions](const Client::Reply &, const QList<Client::CodeSessionInfo> &listed) { sessions = listed; },
                                  withArchived);
        return QTest::qWaitFor([&sessions] { return sessions.has_value(); }, 5000) ? sessions : std::nullopt;
    };
    const std::optional<QList<Client::CodeSessionInfo>> none(QList<Client::CodeSessionInfo>{});
    QVERIFY(list(ines, false) == none);
    const std::optional<QList<Client::CodeSessionInfo>> withArchived = list(ines, true);
    QVERIFY(withArchived);
    QCOMPARE(withArchived->size(), 1);
    QVERIFY(withArchived->first().archived);
    QVERIFY(withArchived->first().archivedAt > 0);
    QVERIFY(list(ana, true) == none);

    // Unarchived, the owner edits again; archived and deleted, the owner's session is gone.
    bool back = false;
    ines.code->unarchiveSession(id, ines.code.get(), [&back](const Client::Reply &reply, const std::optional<Client::CodeSessionInfo> &) {
        back = reply.ok;
    });
    QTRY_VERIFY(back);
    QTRY_VERIFY(!ines.session->isArchived());
    QVERIFY(ines.session->canEdit());
    QVERIFY(ines.session->pendingJoiners().isEmpty());
    bool again = false;
    ines.code->archiveSession(id, ines.code.get(), [&again](const Client::Reply &reply, const std::optional<Client::CodeSessionInfo> &) {
        again = reply.ok;
    });
    QTRY_VERIFY(again);
    std::optional<Client::Reply> deleted;
    ines.code->deleteSession(id, ines.code.get(), [&deleted](const Client::Reply &reply) { deleted = reply; });
    QTRY_VERIFY(deleted);
    QVERIFY(deleted->ok);
    QTRY_COMPARE(ines.session->state(), CodeSession::State::Refused);
    QCOMPARE(ines.session->refusal(), CodeSession::Refusal::NotFound);
    QVERIFY(list(ines, true) == none);
}
