// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "clientfixture.h"
#include "codeclient.h"
#include "codefilemodel.h"
#include "codesession.h"
#include "codesessionfile.h"
#include "localcache.h"

#include <QSignalSpy>
#include <QTest>

using namespace Cohort;
using namespace Cohort::Test;
using Client::CodeClient;
using Client::CodeFileId;
using Client::CodeSession;
using Client::CodeSessionFile;
using Client::CodeSessionId;

/// Code edits the server has not acknowledged outlive the app: a student types offline, the app
/// quits (or its battery dies), and the next run sends them. Real clients, a real in-process
/// server; "quitting" destroys the client objects, "the next run" makes new ones over the same
/// cache folder.
class TestClientCodeUnsent : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void offlineEditsAreSentAfterARestart();
    void editsSurviveAQuitWhileTheServerIsDown();
    void refusedEditsSurviveARestart();
    void keptEditsTheServerCannotTakeAreOffered_data();
    void keptEditsTheServerCannotTakeAreOffered();
    void twoRefusalsOfOneFileAreBothKept();
    void anotherUserDoesNotSendThem();
    void signingOutEndsTheSessionsOfThatUser();

private:
    /// One run of the app on one computer (its cache folder).
    struct Device
    {
        std::unique_ptr<TestNetwork> network = std::make_unique<TestNetwork>();
        std::unique_ptr<Client::Connection> connection;
        std::unique_ptr<CodeClient> code;
        CodeSession *session = nullptr;
        int docUpdates = 0;
    };
    /// Starts the app on the computer with the cache folder `folder` and signs in.
    bool start(Device &device, const QString &folder, const QString &username);
    bool enter(Device &device, CodeSessionId id);
    CodeSessionFile *openLoaded(Device &device, CodeFileId file);
    void goOffline(Device &device);
    /// Ana starts the app on `folder`, opens `file`, loses the network, types `typed` at its
    /// end and quits: her edit is only in that computer's cache. Her text, empty if a step failed.
    QString typeOfflineAndQuit(const QString &folder, CodeFileId file, const QString &typed);
    /// The app quits: the objects go, nothing else is said.
    static void quit(Device &device);
    bool setRole(UserId user, Client::CodeRole role);
    /// Ines's session with one file, Ana an editor in it.
    bool setUp(CodeFileId &file);
    QList<Client::CachedUnsentEdits> keptOf(Device &device, UserId user) const;

    std::unique_ptr<RestartableServer> m_server;
    QTemporaryDir m_folders;
    UserId m_ana;
    UserId m_bea;
    CourseId m_course;
    Device m_ines;
    CodeSessionId m_session;
};

void TestClientCodeUnsent::init()
{
    QStandardPaths::setTestModeEnabled(true);
    m_server = std::make_unique<RestartableServer>();
    QCOMPARE(m_server->start(), QString());
    const UserId ines = m_server->addUser(QStringLiteral("ines"), Role::Instructor);
    m_ana = m_server->addUser(QStringLiteral("ana"), Role::Student);
    m_bea = m_server->addUser(QStringLiteral("bea"), Role::Student);
    m_course = m_server->addCourse(QStringLiteral("Algorithms"), ines, {m_ana, m_bea}).id;
    QVERIFY(m_course.isValid());
}

void TestClientCodeUnsent::cleanup()
{
    quit(m_ines);
    m_session = CodeSessionId();
    m_server.reset();
}

bool TestClientCodeUnsent::start(Device &device, const QString &folder, const QString &username)
{
    device.connection = makeConnection(m_folders.filePath(folder), device.network.get());
    device.code = std::make_unique<CodeClient>(device.connection.get());
    device.docUpdates = 0;
    Client::Connection *connection = device.connection.get();
    device.code->setRequester([connection, &device](const QString &opName, const QJsonObject &data, QObject *context,
                                                    Client::ReplyCallback done) {
        Protocol::Op op = Protocol::Op::AuthSignIn;
        QVERIFY(Protocol::parseOp(opName, &op));
        if (opName == QLatin1String("doc.update"))
            ++device.docUpdates;
        connection->request(op, data, context, std::move(done));
    });
    return signIn(*device.connection, m_server->url(), username).ok;
}

bool TestClientCodeUnsent::enter(Device &device, CodeSessionId id)
{
    device.session = device.code->join(id);
    CodeSession *session = device.session;
    return QTest::qWaitFor([session] { return session->state() == CodeSession::State::Joined; }, 5000);
}

CodeSessionFile *TestClientCodeUnsent::openLoaded(Device &device, CodeFileId file)
{
    CodeSessionFile *open = device.session->openFile(file);
    return QTest::qWaitFor([open] { return open->isLoaded(); }, 5000) ? open : nullptr;
}

void TestClientCodeUnsent::goOffline(Device &device)
{
    device.network->down = true;
    if (device.network->current)
        device.network->current->close(1001, QStringLiteral("gone"));
}

QString TestClientCodeUnsent::typeOfflineAndQuit(const QString &folder, CodeFileId file, const QString &typed)
{
    Device ana;
    if (!start(ana, folder, QStringLiteral("ana")) || !enter(ana, m_session))
        return {};
    CodeSessionFile *open = openLoaded(ana, file);
    if (!open)
        return {};
    goOffline(ana);
    if (!QTest::qWaitFor([open] { return open->syncState() == CodeSessionFile::SyncState::Offline; }, 5000))
        return {};
    open->insert(open->text().size(), typed);
    const QString text = open->text();
    quit(ana);
    return text;
}

void TestClientCodeUnsent::quit(Device &device)
{
    device.session = nullptr;
    device.code.reset();
    device.connection.reset();
}

bool TestClientCodeUnsent::setRole(UserId user, Client::CodeRole role)
{
    bool done = false;
    bool ok = false;
    m_ines.session->setRole(user, role, this, [&](const Client::Reply &reply) {
        ok = reply.ok;
        done = true;
    });
    return QTest::qWaitFor([&done] { return done; }, 5000) && ok;
}

bool TestClientCodeUnsent::setUp(CodeFileId &file)
{
    if (!start(m_ines, QStringLiteral("ines-laptop"), QStringLiteral("ines")))
        return false;
    Client::NewCodeSession settings;
    settings.title = QStringLiteral("Lab");
    settings.courseId = m_course;
    settings.visibility = QStringLiteral("course");
    bool done = false;
    m_ines.code->createSession(settings, this, [&](const Client::Reply &, const std::optional<Client::CodeSessionInfo> &info) {
        if (info)
            m_session = info->id;
        done = true;
    });
    if (!QTest::qWaitFor([&done] { return done; }, 5000) || !m_session.isValid() || !enter(m_ines, m_session))
        return false;
    std::optional<Client::CodeFileInfo> created;
    m_ines.session->createFile(QStringLiteral("src/main.py"), QStringLiteral("python"), QStringLiteral("x = 1\n"), this,
                               [&created](const Client::Reply &, const std::optional<Client::CodeFileInfo> &f) { created = f; });
    if (!QTest::qWaitFor([&created] { return created.has_value(); }, 5000) || !created)
        return false;
    file = created->id;
    return setRole(m_ana, Client::CodeRole::Editor) && setRole(m_bea, Client::CodeRole::Editor);
}

QList<Client::CachedUnsentEdits> TestClientCodeUnsent::keptOf(Device &device, UserId user) const
{
    const Client::LocalCache *cache = device.connection ? device.connection->cache() : nullptr;
    return cache ? cache->unsentEdits(user) : QList<Client::CachedUnsentEdits>();
}

void TestClientCodeUnsent::offlineEditsAreSentAfterARestart()
{
    CodeFileId main;
    QVERIFY(setUp(main));
    CodeSessionFile *inesFile = openLoaded(m_ines, main);
    QVERIFY(inesFile);

    Device ana;
    QVERIFY(start(ana, QStringLiteral("ana-laptop"), QStringLiteral("ana")));
    QVERIFY(enter(ana, m_session));
    CodeSessionFile *file = openLoaded(ana, main);
    QVERIFY(file);
    // Typing online with a quick server writes nothing to disk: every edit is acknowledged first.
    file->insert(file->text().size(), QStringLiteral("# online\n"));
    QTRY_COMPARE(file->syncState(), CodeSessionFile::SyncState::Synced);
    QTRY_COMPARE(inesFile->text(), QStringLiteral("x = 1\n# online\n"));
    QVERIFY(keptOf(ana, m_ana).isEmpty());

    // The Wi-Fi goes; Ana types on, then closes the laptop: the app quits.
    goOffline(ana);
    QTRY_COMPARE(file->syncState(), CodeSessionFile::SyncState::Offline);
    file->insert(file->text().size(), QStringLiteral("y = 2\n"));
    file->remove(0, 1); // "x" goes too: deletions are kept as well
    file->insert(0, QStringLiteral("z"));
    const QString mine = QStringLiteral("z = 1\n# online\ny = 2\n");
    QCOMPARE(file->text(), mine);
    // Written within the debounce, before anything else happens.
    QTRY_COMPARE_WITH_TIMEOUT(keptOf(ana, m_ana).size(), 1, 2000);
    QCOMPARE(keptOf(ana, m_ana).constFirst().fileId, main.value());
    quit(ana);
    QCOMPARE(inesFile->text(), QStringLiteral("x = 1\n# online\n"));

    // The next morning, at home: she opens the session; the file is opened by itself and
    // her edits merge, on the server and for Ines.
    Device later;
    QVERIFY(start(later, QStringLiteral("ana-laptop"), QStringLiteral("ana")));
    QCOMPARE(keptOf(later, m_ana).size(), 1);
    QVERIFY(enter(later, m_session));
    CodeSessionFile *reopened = nullptr;
    QTRY_VERIFY((reopened = later.session->openedFile(main)) != nullptr);
    QTRY_VERIFY(reopened->isLoaded());
    QTRY_COMPARE_WITH_TIMEOUT(reopened->syncState(), CodeSessionFile::SyncState::Synced, 10000);
    QCOMPARE(reopened->text(), mine);
    QTRY_COMPARE(inesFile->text(), mine);
    // Acknowledged: the cache is clean.
    QTRY_VERIFY(keptOf(later, m_ana).isEmpty());

    // Her agent's clock went past the kept characters: new typing names new ones, and a third
    // client that loads the file from scratch sees the same text.
    reopened->insert(reopened->text().size(), QStringLiteral("w = 3\n"));
    QTRY_COMPARE(inesFile->text(), mine + QStringLiteral("w = 3\n"));
    Device bea;
    QVERIFY(start(bea, QStringLiteral("bea-laptop"), QStringLiteral("bea")));
    QVERIFY(enter(bea, m_session));
    CodeSessionFile *beaFile = openLoaded(bea, main);
    QVERIFY(beaFile);
    QCOMPARE(beaFile->text(), mine + QStringLiteral("w = 3\n"));
    QTRY_COMPARE(reopened->syncState(), CodeSessionFile::SyncState::Synced);
    QVERIFY(keptOf(later, m_ana).isEmpty());
}

void TestClientCodeUnsent::editsSurviveAQuitWhileTheServerIsDown()
{
    CodeFileId main;
    QVERIFY(setUp(main));
    quit(m_ines);
    Device ana;
    QVERIFY(start(ana, QStringLiteral("ana-laptop"), QStringLiteral("ana")));
    QVERIFY(enter(ana, m_session));
    CodeSessionFile *file = openLoaded(ana, main);
    QVERIFY(file);

    // The school's server goes down; Ana types and quits at once (no debounce to wait for).
    QVERIFY(m_server->stop());
    QTRY_COMPARE(file->syncState(), CodeSessionFile::SyncState::Offline);
    file->insert(file->text().size(), QStringLiteral("def f():\n    return 42\n"));
    const QString mine = file->text();
    quit(ana);

    QCOMPARE(m_server->start(), QString());
    Device later;
    QVERIFY(start(later, QStringLiteral("ana-laptop"), QStringLiteral("ana")));
    QCOMPARE(keptOf(later, m_ana).size(), 1);
    QVERIFY(enter(later, m_session));
    CodeSessionFile *reopened = nullptr;
    QTRY_VERIFY((reopened = later.session->openedFile(main)) != nullptr);
    QTRY_COMPARE_WITH_TIMEOUT(reopened->syncState(), CodeSessionFile::SyncState::Synced, 10000);
    QCOMPARE(reopened->text(), mine);
    QTRY_VERIFY(keptOf(later, m_ana).isEmpty());

    QVERIFY(start(m_ines, QStringLiteral("ines-laptop"), QStringLiteral("ines")));
    QVERIFY(enter(m_ines, m_session));
    CodeSessionFile *inesFile = openLoaded(m_ines, main);
    QVERIFY(inesFile);
    QCOMPARE(inesFile->text(), mine);
}

void TestClientCodeUnsent::refusedEditsSurviveARestart()
{
    CodeFileId main;
    QVERIFY(setUp(main));
    CodeSessionFile *inesFile = openLoaded(m_ines, main);
    QVERIFY(inesFile);
    const QString mine = typeOfflineAndQuit(QStringLiteral("ana-laptop"), main, QStringLiteral("y = 2  # my work\n"));
    QVERIFY(!mine.isEmpty());

    // Meanwhile the teacher made her a viewer: the next run's edits are refused, and kept.
    QVERIFY(setRole(m_ana, Client::CodeRole::Viewer));
    Device later;
    QVERIFY(start(later, QStringLiteral("ana-laptop"), QStringLiteral("ana")));
    QVERIFY(enter(later, m_session));
    QTRY_VERIFY_WITH_TIMEOUT(later.session->refusedEdits(main).has_value(), 10000);
    const CodeSession::RefusedEdits refused = *later.session->refusedEdits(main);
    QCOMPARE(refused.text, mine);
    QCOMPARE(refused.path, QStringLiteral("src/main.py"));
    QCOMPARE(int(refused.reply.error), int(Protocol::ErrorCode::Forbidden));
    CodeSessionFile *reopened = later.session->openedFile(main);
    QVERIFY(reopened);
    QTRY_COMPARE(reopened->text(), QStringLiteral("x = 1\n"));
    QTRY_VERIFY(keptOf(later, m_ana).isEmpty()); // no longer edits to send
    QCOMPARE(inesFile->text(), QStringLiteral("x = 1\n"));
    quit(later);

    // Another restart: the refused text is still there, as soon as the session is opened.
    Device third;
    QVERIFY(start(third, QStringLiteral("ana-laptop"), QStringLiteral("ana")));
    CodeSession *session = third.code->join(m_session);
    QCOMPARE(session->allRefusedEdits().size(), 1);
    QCOMPARE(session->refusedEdits(main)->text, mine);
    QCOMPARE(int(session->refusedEdits(main)->reply.error), int(Protocol::ErrorCode::Forbidden));
    third.session = session;
    QTRY_COMPARE(session->state(), CodeSession::State::Joined);
    QCOMPARE(session->allRefusedEdits().size(), 1);
    // Saved (or dropped): gone for good.
    session->discardRefusedEdits(refused.id);
    QVERIFY(session->allRefusedEdits().isEmpty());
    quit(third);
    Device fourth;
    QVERIFY(start(fourth, QStringLiteral("ana-laptop"), QStringLiteral("ana")));
    QVERIFY(fourth.code->join(m_session)->allRefusedEdits().isEmpty());
}

void TestClientCodeUnsent::keptEditsTheServerCannotTakeAreOffered_data()
{
    QTest::addColumn<QString>("meanwhile");
    QTest::addColumn<int>("error");
    QTest::newRow("session archived") << QStringLiteral("archive") << int(Protocol::ErrorCode::Conflict);
    QTest::newRow("file deleted") << QStringLiteral("delete file") << int(Protocol::ErrorCode::NotFound);
}

void TestClientCodeUnsent::keptEditsTheServerCannotTakeAreOffered()
{
    QFETCH(QString, meanwhile);
    QFETCH(int, error);
    CodeFileId main;
    QVERIFY(setUp(main));
    const QString mine = typeOfflineAndQuit(QStringLiteral("ana-laptop"), main, QStringLiteral("print(x)\n"));
    QVERIFY(!mine.isEmpty());

    bool done = false;
    if (meanwhile == QLatin1String("archive")) {
        m_ines.code->archiveSession(m_session, this,
                                    [&done](const Client::Reply &reply, const std::optional<Client::CodeSessionInfo> &) { done = reply.ok; });
    } else {
        m_ines.session->deleteFile(main, this, [&done](const Client::Reply &reply) { done = reply.ok; });
    }
    QTRY_VERIFY(done);

    // The next run cannot send them: they are offered as refused edits, with the text she had.
    Device later;
    QVERIFY(start(later, QStringLiteral("ana-laptop"), QStringLiteral("ana")));
    CodeSession *session = later.code->join(m_session);
    QTRY_VERIFY_WITH_TIMEOUT(session->refusedEdits(main).has_value(), 10000);
    QCOMPARE(session->refusedEdits(main)->text, mine);
    QCOMPARE(session->refusedEdits(main)->path, QStringLiteral("src/main.py"));
    QCOMPARE(int(session->refusedEdits(main)->reply.error), error);
    QCOMPARE(session->allRefusedEdits().size(), 1);
    QVERIFY(keptOf(later, m_ana).isEmpty());
    QCOMPARE(later.docUpdates, 0);
}

void TestClientCodeUnsent::twoRefusalsOfOneFileAreBothKept()
{
    CodeFileId main;
    QVERIFY(setUp(main));
    Device ana;
    QVERIFY(start(ana, QStringLiteral("ana-laptop"), QStringLiteral("ana")));
    QVERIFY(enter(ana, m_session));
    CodeSessionFile *file = openLoaded(ana, main);
    QVERIFY(file);
    QStringList texts;
    for (const QString &typed : {QStringLiteral("first try\n"), QStringLiteral("second try\n")}) {
        QVERIFY(setRole(m_ana, Client::CodeRole::Editor));
        QTRY_COMPARE(ana.session->myRole(), Client::CodeRole::Editor);
        goOffline(ana);
        QTRY_COMPARE(file->syncState(), CodeSessionFile::SyncState::Offline);
        file->insert(file->text().size(), typed);
        texts.append(file->text());
        QVERIFY(setRole(m_ana, Client::CodeRole::Viewer));
        ana.network->down = false;
        QTRY_COMPARE_WITH_TIMEOUT(ana.session->allRefusedEdits().size(), texts.size(), 20000);
        QTRY_COMPARE_WITH_TIMEOUT(file->syncState(), CodeSessionFile::SyncState::Synced, 10000);
    }
    QCOMPARE(texts, QStringList({QStringLiteral("x = 1\nfirst try\n"), QStringLiteral("x = 1\nsecond try\n")}));
    // Both are kept, oldest first; the file's latest is the second.
    const QList<CodeSession::RefusedEdits> all = ana.session->allRefusedEdits();
    QCOMPARE(all.size(), 2);
    QCOMPARE(all.at(0).text, texts.at(0));
    QCOMPARE(all.at(1).text, texts.at(1));
    QCOMPARE(ana.session->refusedEdits(main)->text, texts.at(1));
    QVERIFY(all.at(0).id != all.at(1).id);
    // Dropping the latest shows the older one again.
    ana.session->discardRefusedEdits(all.at(1).id);
    QCOMPARE(ana.session->refusedEdits(main)->text, texts.at(0));
    quit(ana);
    Device later;
    QVERIFY(start(later, QStringLiteral("ana-laptop"), QStringLiteral("ana")));
    CodeSession *session = later.code->join(m_session);
    QCOMPARE(session->allRefusedEdits().size(), 1);
    QCOMPARE(session->refusedEdits(main)->text, texts.at(0));
}

void TestClientCodeUnsent::anotherUserDoesNotSendThem()
{
    CodeFileId main;
    QVERIFY(setUp(main));
    CodeSessionFile *inesFile = openLoaded(m_ines, main);
    QVERIFY(inesFile);
    // One computer in the lab, Ana first.
    const QString anas = typeOfflineAndQuit(QStringLiteral("lab-pc"), main, QStringLiteral("# Ana's work\n"));
    QVERIFY(!anas.isEmpty());

    // Bea, on the same computer, opens the same session and file: nothing of Ana's goes out.
    Device bea;
    QVERIFY(start(bea, QStringLiteral("lab-pc"), QStringLiteral("bea")));
    QVERIFY(keptOf(bea, m_bea).isEmpty());
    QVERIFY(enter(bea, m_session));
    CodeSessionFile *beaFile = openLoaded(bea, main);
    QVERIFY(beaFile);
    QCOMPARE(beaFile->text(), QStringLiteral("x = 1\n"));
    QCOMPARE(beaFile->syncState(), CodeSessionFile::SyncState::Synced);
    QCOMPARE(bea.docUpdates, 0);
    QCOMPARE(inesFile->text(), QStringLiteral("x = 1\n"));
    quit(bea);

    // Ana again on that computer: hers go out, as hers.
    Device again;
    QVERIFY(start(again, QStringLiteral("lab-pc"), QStringLiteral("ana")));
    QVERIFY(enter(again, m_session));
    QTRY_COMPARE_WITH_TIMEOUT(inesFile->text(), anas, 10000);
    QVERIFY(again.docUpdates > 0);
}

void TestClientCodeUnsent::signingOutEndsTheSessionsOfThatUser()
{
    CodeFileId main;
    QVERIFY(setUp(main));
    CodeSessionFile *inesFile = openLoaded(m_ines, main);
    QVERIFY(inesFile);
    Device device;
    QVERIFY(start(device, QStringLiteral("lab-pc"), QStringLiteral("ana")));
    QVERIFY(enter(device, m_session));
    CodeSessionFile *file = openLoaded(device, main);
    QVERIFY(file);
    goOffline(device);
    QTRY_COMPARE(file->syncState(), CodeSessionFile::SyncState::Offline);
    file->insert(file->text().size(), QStringLiteral("# Ana's work\n"));

    // Ana signs out (her cache goes with her, as on any shared computer); Bea signs in on the
    // same app: Ana's session is not rejoined as Bea, her edits are not sent as Bea's.
    QSignalSpy removed(device.code.get(), &CodeClient::sessionRemoved);
    device.connection->signOut();
    QCOMPARE(removed.size(), 1);
    QVERIFY(device.code->sessions().isEmpty());
    device.network->down = false;
    QVERIFY(signIn(*device.connection, m_server->url(), QStringLiteral("bea")).ok);
    QVERIFY(device.code->sessions().isEmpty());
    QVERIFY(enter(device, m_session));
    CodeSessionFile *beaFile = openLoaded(device, main);
    QVERIFY(beaFile);
    QCOMPARE(beaFile->text(), QStringLiteral("x = 1\n"));
    QCOMPARE(device.docUpdates, 0);
    QCOMPARE(inesFile->text(), QStringLiteral("x = 1\n"));
}

QTEST_GUILESS_MAIN(TestClientCodeUnsent)
#include "tst_client_codeunsent.moc"
