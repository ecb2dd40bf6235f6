// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "clientfixture.h"
#include "localcache.h"

#include <QJsonDocument>

using namespace Cohort;
using namespace Cohort::Client;
using namespace Cohort::Test;
using State = Connection::State;

class TestConnection : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void init()
    {
        m_server = std::make_unique<RestartableServer>();
        QCOMPARE(m_server->start(), QString());
        m_ana = m_server->addUser(QStringLiteral("ana"), Role::Student);
        m_ben = m_server->addUser(QStringLiteral("ben"), Role::Student);
        m_ivy = m_server->addUser(QStringLiteral("ivy"), Role::Instructor);
        QVERIFY(m_ana.isValid() && m_ben.isValid() && m_ivy.isValid());
        m_course = m_server->addCourse(QStringLiteral("Physics 101"), m_ivy, {m_ana, m_ben});
        QVERIFY(m_course.roomId.isValid());
        m_cacheRoot = std::make_unique<QTemporaryDir>();
    }

    void cleanup()
    {
        m_server.reset();
        m_cacheRoot.reset();
    }

    void signInReportsUserTokenAndServerInfo()
    {
        auto connection = makeConnection(m_cacheRoot->path());
        QSignalSpy states(connection.get(), &Connection::stateChanged);
        QSignalSpy signedIn(connection.get(), &Connection::signedIn);
        const AuthResult result = signIn(*connection, m_server->url(), QStringLiteral("ana"));
        QVERIFY2(result.ok, qPrintable(result.message));
        QCOMPARE(result.user.username, QStringLiteral("ana"));
        QCOMPARE(result.user.role, Role::Student);
        QVERIFY(result.token.size() >= 16);
        QVERIFY(result.expiresAt > QDateTime::currentMSecsSinceEpoch());

        QCOMPARE(connection->state(), State::Connected);
        QCOMPARE(connection->currentUser(), result.user);
        QCOMPARE(connection->token(), result.token);
        QCOMPARE(connection->tokenExpiresAt(), result.expiresAt);
        QVERIFY(!connection->lastError());
        QCOMPARE(states.size(), 2);
        QCOMPARE(states.at(0).at(0).value<State>(), State::Connecting);
        QCOMPARE(states.at(1).at(0).value<State>(), State::Connected);
        QCOMPARE(signedIn.size(), 1);

        const ServerInfo info = connection->serverInfo();
        QCOMPARE(info.version, Protocol::Version);
        QVERIFY(info.capabilities.contains(Protocol::CapabilityResume));
        QVERIFY(info.signUp);
        QVERIFY(info.setupRequired); // the fixture creates no admin
        QCOMPARE(info.maxFrameBytes, m_server->config().maxFrameBytes);
        QCOMPARE(info.heartbeatSeconds, m_server->config().heartbeatSeconds);

        // The account's cache lives under the injected root.
        QVERIFY(connection->cache());
        QCOMPARE(connection->cache()->path(),
                 LocalCache::pathFor(m_server->url(), QStringLiteral("ana"), m_cacheRoot->path()));
    }

    void wrongPasswordGivesUnauthorized()
    {
        auto connection = makeConnection(m_cacheRoot->path());
        const AuthResult result = signIn(*connection, m_server->url(), QStringLiteral("ana"), QStringLiteral("wrong-password"));
        QVERIFY(!result.ok);
        QCOMPARE(result.error, Protocol::ErrorCode::Unauthorized);
        QVERIFY(!result.message.isEmpty());
        QCOMPARE(connection->state(), State::Offline);
        QVERIFY(connection->lastError());
        QCOMPARE(connection->lastError()->code, Protocol::ErrorCode::Unauthorized);
        QVERIFY(connection->token().isEmpty());
    }

    void unreachableServerFailsTheSignIn()
    {
        const QUrl url = m_server->url();
        QVERIFY(m_server->stop());
        auto connection = makeConnection(m_cacheRoot->path());
        const AuthResult result = signIn(*connection, url, QStringLiteral("ana"));
        QVERIFY(!result.ok);
        QCOMPARE(result.error, Protocol::ErrorCode::Unavailable);
        QCOMPARE(connection->state(), State::Offline);

        std::optional<ErrorInfo> probeError;
        connection->probe(url, this, [&](const ServerInfo &, const std::optional<ErrorInfo> &error) {
            QVERIFY(error);
            probeError = error;
        });
        QTRY_VERIFY(probeError.has_value());
        QCOMPARE(probeError->code, Protocol::ErrorCode::Unavailable);
    }

    void requestsGetExactlyOneReply()
    {
        auto connection = makeConnection(m_cacheRoot->path());
        int calls = 0;
        Reply last;
        QObject context;
        // Not signed in: a local failure, asynchronously.
        connection->request(Protocol::Op::CourseList, {}, &context, [&](const Reply &r) { ++calls; last = r; });
        QCOMPARE(calls, 0);
        QTRY_COMPARE(calls, 1);
        QVERIFY(!last.ok && last.local);
        QCOMPARE(last.error, Protocol::ErrorCode::Unavailable);

        QVERIFY(signIn(*connection, m_server->url(), QStringLiteral("ana")).ok);
        calls = 0;
        connection->request(Protocol::Op::CourseMembers, {{QStringLiteral("courseId"), 9999}}, &context,
                            [&](const Reply &r) { ++calls; last = r; });
        QTRY_COMPARE(calls, 1);
        QVERIFY(!last.ok && !last.local);
        QCOMPARE(last.error, Protocol::ErrorCode::NotFound);

        // Pending when the link drops: a local failure, once.
        calls = 0;
        connection->request(Protocol::Op::CourseList, {}, &context, [&](const Reply &r) { ++calls; last = r; });
        connection->goOffline();
        QTRY_COMPARE(calls, 1);
        QVERIFY(last.local);
        QTest::qWait(100);
        QCOMPARE(calls, 1);

        // A dead context drops the callback.
        connection->reconnectNow();
        QTRY_COMPARE(connection->state(), State::Connected);
        calls = 0;
        {
            QObject shortLived;
            connection->request(Protocol::Op::CourseList, {}, &shortLived, [&](const Reply &) { ++calls; });
        }
        QTest::qWait(200);
        QCOMPARE(calls, 0);
    }

    void courseAndRoomHelpers()
    {
        auto instructor = makeConnection(m_cacheRoot->path());
        QVERIFY(signIn(*instructor, m_server->url(), QStringLiteral("ivy")).ok);
        std::optional<CourseInfo> created;
        Reply reply;
        instructor->createCourse(QStringLiteral("Chemistry"), this, [&](const Reply &r, const std::optional<CourseInfo> &c) {
            reply = r;
            created = c;
        });
        QTRY_VERIFY(created.has_value());
        QVERIFY(reply.ok);
        QCOMPARE(created->name, QStringLiteral("Chemistry"));
        QVERIFY(!created->joinCode.isEmpty());
        QCOMPARE(created->memberRole, Role::Instructor);

        auto student = makeConnection(m_cacheRoot->path());
        QVERIFY(signIn(*student, m_server->url(), QStringLiteral("ben")).ok);
        std::optional<CourseInfo> joined;
        student->joinCourse(created->joinCode, this, [&](const Reply &r, const std::optional<CourseInfo> &c) {
            QVERIFY(r.ok);
            joined = c;
        });
        QTRY_VERIFY(joined.has_value());
        QCOMPARE(joined->id, created->id);
        QCOMPARE(joined->memberRole, Role::Student);
        QVERIFY(joined->joinCode.isEmpty()); // students never see the join code

        QList<CourseInfo> courses;
        bool listed = false;
        student->listCourses(this, [&](const Reply &r, const QList<CourseInfo> &list) {
            QVERIFY(r.ok);
            courses = list;
            listed = true;
        });
        QTRY_VERIFY(listed);
        QCOMPARE(courses.size(), 2);

        QList<RoomInfo> rooms;
        listed = false;
        student->listRooms(this, [&](const Reply &r, const QList<RoomInfo> &list) {
            QVERIFY(r.ok);
            rooms = list;
            listed = true;
        });
        QTRY_VERIFY(listed);
        QCOMPARE(rooms.size(), 2);

        // A student may not create courses; the error code comes through typed.
        bool refused = false;
        student->createCourse(QStringLiteral("Nope"), this, [&](const Reply &r, const std::optional<CourseInfo> &c) {
            QCOMPARE(r.error, Protocol::ErrorCode::Forbidden);
            QVERIFY(!c);
            refused = true;
        });
        QTRY_VERIFY(refused);
    }

    void signUpAndProbe()
    {
        auto connection = makeConnection(m_cacheRoot->path());
        std::optional<ServerInfo> probed;
        connection->probe(m_server->url(), this, [&](const ServerInfo &info, const std::optional<ErrorInfo> &error) {
            QVERIFY(!error);
            probed = info;
        });
        QTRY_VERIFY(probed.has_value());
        QVERIFY(probed->signUp);
        QCOMPARE(connection->state(), State::Offline); // probing is not connecting

        std::optional<AuthResult> result;
        connection->signUp(m_server->url(), QStringLiteral("cleo"), QStringLiteral("Cleo"), QStringLiteral("s3cret-pass"),
                           m_course.joinCode, this, [&](const AuthResult &r) { result = r; });
        QTRY_VERIFY(result.has_value());
        QVERIFY2(result->ok, qPrintable(result->message));
        QCOMPARE(result->user.username, QStringLiteral("cleo"));
        QVERIFY(result->course);
        QCOMPARE(result->course->roomId, m_course.roomId);
        QCOMPARE(connection->state(), State::Connected);

        auto other = makeConnection(m_cacheRoot->path());
        result.reset();
        other->signUp(m_server->url(), QStringLiteral("cleo"), QStringLiteral("Cleo"), QStringLiteral("s3cret-pass"),
                      m_course.joinCode, this, [&](const AuthResult &r) { result = r; });
        QTRY_VERIFY(result.has_value());
        QCOMPARE(result->error, Protocol::ErrorCode::Conflict);
        QCOMPARE(other->state(), State::Offline);
    }

    void setupCreatesTheFirstAdmin()
    {
        RestartableServer fresh;
        QCOMPARE(fresh.start(), QString());
        const QString setupToken = fresh.server().setupToken();
        QVERIFY(!setupToken.isEmpty());
        auto connection = makeConnection(m_cacheRoot->path());
        std::optional<AuthResult> result;
        connection->setup(fresh.url(), setupToken, QStringLiteral("root"), QStringLiteral("Admin"),
                          QStringLiteral("admin-pass-1"), this, [&](const AuthResult &r) { result = r; });
        QTRY_VERIFY(result.has_value());
        QVERIFY2(result->ok, qPrintable(result->message));
        QCOMPARE(result->user.role, Role::Admin);
        QVERIFY(connection->serverInfo().setupRequired); // as announced before the setup
    }

    void tokenSignInAndRejectedToken()
    {
        auto first = makeConnection(m_cacheRoot->path());
        const AuthResult signedIn = signIn(*first, m_server->url(), QStringLiteral("ana"));
        QVERIFY(signedIn.ok);

        auto second = makeConnection(m_cacheRoot->path());
        std::optional<AuthResult> result;
        second->signInWithToken(m_server->url(), signedIn.token, this, [&](const AuthResult &r) { result = r; });
        QTRY_VERIFY(result.has_value());
        QVERIFY(result->ok);
        QCOMPARE(second->currentUser().username, QStringLiteral("ana"));
        QCOMPARE(second->state(), State::Connected);

        TestNetwork network;
        auto third = makeConnection(m_cacheRoot->path(), &network);
        QSignalSpy signedOut(third.get(), &Connection::signedOut);
        result.reset();
        third->signInWithToken(m_server->url(), QString(43, QLatin1Char('x')), this, [&](const AuthResult &r) { result = r; });
        QTRY_VERIFY(result.has_value());
        QCOMPARE(result->error, Protocol::ErrorCode::Unauthorized);
        QCOMPARE(third->state(), State::SignedOut);
        QCOMPARE(signedOut.size(), 1);
        QCOMPARE(signedOut.at(0).at(0).value<ErrorInfo>().code, Protocol::ErrorCode::Unauthorized);
        QVERIFY(third->token().isEmpty());
        // No reconnect loop: nothing else is attempted.
        const int attempts = network.attempts;
        QTest::qWait(1000);
        QCOMPARE(network.attempts, attempts);
        QCOMPARE(third->state(), State::SignedOut);
    }

    void storedSessionWaitsForAnUnreachableServer()
    {
        auto first = makeConnection(m_cacheRoot->path());
        const AuthResult signedIn = signIn(*first, m_server->url(), QStringLiteral("ana"));
        QVERIFY(signedIn.ok);
        first.reset();
        const QUrl url = m_server->url();
        QVERIFY(m_server->stop());

        // The app starts while the server is down: the sign-in reports it, and keeps trying.
        auto connection = makeConnection(m_cacheRoot->path());
        QSignalSpy signedInSpy(connection.get(), &Connection::signedIn);
        std::optional<AuthResult> result;
        connection->signInWithToken(url, signedIn.token, this, [&](const AuthResult &r) { result = r; });
        QTRY_VERIFY(result.has_value());
        QCOMPARE(result->error, Protocol::ErrorCode::Unavailable);
        QTRY_COMPARE(connection->state(), State::Reconnecting);

        QCOMPARE(m_server->start(), QString());
        QTRY_COMPARE_WITH_TIMEOUT(connection->state(), State::Connected, 10000);
        QCOMPARE(signedInSpy.size(), 1);
        QCOMPARE(connection->currentUser().username, QStringLiteral("ana"));
    }

    void revokedSessionSignsOutWithoutRetrying()
    {
        TestNetwork network;
        auto victim = makeConnection(m_cacheRoot->path(), &network);
        QVERIFY(signIn(*victim, m_server->url(), QStringLiteral("ana")).ok);
        QSignalSpy signedOut(victim.get(), &Connection::signedOut);

        auto other = makeConnection(m_cacheRoot->path());
        QVERIFY(signIn(*other, m_server->url(), QStringLiteral("ana")).ok);
        std::optional<AuthResult> changed;
        QSignalSpy tokenChanged(other.get(), &Connection::tokenChanged);
        other->changePassword(QStringLiteral("password-123"), QStringLiteral("new-password-456"), this,
                              [&](const AuthResult &r) { changed = r; });
        QTRY_VERIFY(changed.has_value());
        QVERIFY2(changed->ok, qPrintable(changed->message));
        QCOMPARE(other->token(), changed->token);
        QCOMPARE(tokenChanged.size(), 1);

        QTRY_COMPARE(victim->state(), State::SignedOut);
        QCOMPARE(signedOut.size(), 1);
        QCOMPARE(victim->lastError()->code, Protocol::ErrorCode::Unauthorized);
        QCOMPARE(victim->lastError()->closeCode, quint16(Protocol::CloseSessionRevoked));
        const int attempts = network.attempts;
        QTest::qWait(1000);
        QCOMPARE(network.attempts, attempts);

        // The connection that changed the password keeps working.
        QCOMPARE(other->state(), State::Connected);
    }

    void signOutRevokesTheToken()
    {
        auto connection = makeConnection(m_cacheRoot->path());
        const AuthResult result = signIn(*connection, m_server->url(), QStringLiteral("ana"));
        QVERIFY(result.ok);
        QSignalSpy signedOut(connection.get(), &Connection::signedOut);
        connection->signOut();
        QCOMPARE(connection->state(), State::SignedOut);
        QCOMPARE(signedOut.size(), 1);
        QVERIFY(connection->token().isEmpty());

        QTRY_VERIFY(!m_server->storage().sessionByTokenHash(Server::hashToken(result.token)));
        auto later = makeConnection(m_cacheRoot->path());
        std::optional<AuthResult> reused;
        later->signInWithToken(m_server->url(), result.token, this, [&](const AuthResult &r) { reused = r; });
        QTRY_VERIFY(reused.has_value());
        QCOMPARE(reused->error, Protocol::ErrorCode::Unauthorized);
        QCOMPARE(later->state(), State::SignedOut);
    }

    void unsupportedVersionStopsWithAClearError()
    {
        // A fake server that refuses our version, exactly as docs/protocol.md describes.
        auto connection = makeConnection(m_cacheRoot->path());
        int attempts = 0;
        connection->setTransportFactory([&attempts](const QUrl &, QObject *parent, std::function<void()> opened,
                                                    std::function<void(const QString &)>) -> Transport * {
            ++attempts;
            auto [client, server] = InMemoryTransport::createPair(parent);
            QObject::connect(server, &Transport::textReceived, server, [server = server](const QString &) {
                server->sendText(QString::fromUtf8(Protocol::encode(Protocol::error(
                    QString(), Protocol::ErrorCode::UnsupportedVersion,
                    QStringLiteral("protocol version 1 is not supported; this server speaks 2 to 2")))));
                server->close(Protocol::CloseUnsupportedVersion, QStringLiteral("unsupported version"));
            });
            QTimer::singleShot(0, client, opened);
            return client;
        });
        const AuthResult result = signIn(*connection, QUrl(QStringLiteral("ws://fake/")), QStringLiteral("ana"));
        QCOMPARE(result.error, Protocol::ErrorCode::UnsupportedVersion);
        QCOMPARE(connection->state(), State::Offline);
        QCOMPARE(connection->lastError()->code, Protocol::ErrorCode::UnsupportedVersion);
        QVERIFY(connection->lastError()->message.contains(QStringLiteral("speaks 2")));
        QTest::qWait(500);
        QCOMPARE(attempts, 1);
    }

    void reconnectsWithBackoffAfterTheServerRestarts()
    {
        TestNetwork network;
        auto connection = makeConnection(m_cacheRoot->path(), &network);
        connection->setBackoffPolicy(BackoffPolicy(100, 800, 99));
        QVERIFY(signIn(*connection, m_server->url(), QStringLiteral("ana")).ok);

        // Record each scheduled delay; they must equal the policy's jittered sequence.
        QList<qint64> delays;
        connect(connection.get(), &Connection::stateChanged, this, [&](State state) {
            if (state == State::Reconnecting) {
                delays.append(connection->reconnectAt() - QDateTime::currentMSecsSinceEpoch());
                QVERIFY(connection->secondsUntilReconnect() >= 0);
                QVERIFY(connection->lastError());
            }
        });
        QVERIFY(m_server->stop());
        QTRY_VERIFY_WITH_TIMEOUT(delays.size() >= 5, 15000);
        QCOMPARE(connection->lastError()->code, Protocol::ErrorCode::Unavailable);

        BackoffPolicy expected(100, 800, 99);
        for (int i = 0; i < 5; ++i) {
            const int ceiling = expected.ceilingMs(i);
            const int want = expected.nextDelayMs();
            QVERIFY2(delays.at(i) <= ceiling && delays.at(i) >= want - 50 && delays.at(i) <= want,
                     qPrintable(QStringLiteral("delay %1: %2, expected %3 (ceiling %4)").arg(i).arg(delays.at(i)).arg(want).arg(ceiling)));
        }

        QSignalSpy signedIn(connection.get(), &Connection::signedIn);
        QCOMPARE(m_server->start(), QString());
        QTRY_COMPARE_WITH_TIMEOUT(connection->state(), State::Connected, 10000);
        QCOMPARE(signedIn.size(), 1);
        QVERIFY(!connection->lastError());
        QCOMPARE(connection->currentUser().username, QStringLiteral("ana"));
    }

    void resumesJoinedRoomsWithoutGapsOrDuplicates()
    {
        TestNetwork network;
        auto ana = makeConnection(m_cacheRoot->path(), &network);
        QVERIFY(signIn(*ana, m_server->url(), QStringLiteral("ana")).ok);
        QList<MessageInfo> received;
        connect(ana.get(), &Connection::messageReceived, this, [&](const MessageInfo &m) { received.append(m); });
        std::optional<Reply> joined;
        ana->joinRoom(m_course.roomId, this, [&](const Reply &r) { joined = r; });
        QTRY_VERIFY(joined.has_value());
        QVERIFY(joined->ok);
        QCOMPARE(ana->joinedRooms(), QList<RoomId>{m_course.roomId});

        auto ben = makeConnection(m_cacheRoot->path());
        QVERIFY(signIn(*ben, m_server->url(), QStringLiteral("ben")).ok);
        ben->sendMessage(m_course.roomId, QStringLiteral("one"));
        ben->sendMessage(m_course.roomId, QStringLiteral("two"));
        QTRY_COMPARE(received.size(), 2);

        // Ana's network dies: the server restarts while she is away, Ben keeps talking.
        network.down = true;
        QVERIFY(m_server->stop());
        QTRY_COMPARE(ana->state(), State::Reconnecting);
        QCOMPARE(m_server->start(), QString());
        QTRY_COMPARE_WITH_TIMEOUT(ben->state(), State::Connected, 10000);
        for (const QString &text : {QStringLiteral("three"), QStringLiteral("four"), QStringLiteral("five")})
            ben->sendMessage(m_course.roomId, text);
        QTRY_COMPARE(ben->outbox()->pendingCount(), 0);
        QCOMPARE(received.size(), 2);

        network.down = false;
        QSignalSpy rejoined(ana.get(), &Connection::roomJoined);
        QTRY_COMPARE_WITH_TIMEOUT(ana->state(), State::Connected, 10000);
        QTRY_COMPARE(rejoined.size(), 1);
        QCOMPARE(received.size(), 5);
        QStringList texts;
        for (int i = 0; i < received.size(); ++i) {
            QCOMPARE(received.at(i).seq, received.first().seq + i); // in order, no gaps
            texts.append(received.at(i).text);
        }
        QCOMPARE(texts, (QStringList{QStringLiteral("one"), QStringLiteral("two"), QStringLiteral("three"),
                                     QStringLiteral("four"), QStringLiteral("five")}));
        QCOMPARE(received.last().sender.username, QStringLiteral("ben"));
        QCOMPARE(ana->lastSeenSeq(m_course.roomId), received.last().seq);

        // Received events are in the cache, with the resume position.
        QCOMPARE(ana->cache()->lastSeq(m_course.roomId), received.last().seq);
        QCOMPARE(ana->cache()->events(m_course.roomId).size(), 5);

        // Live again: one more, once.
        ben->sendMessage(m_course.roomId, QStringLiteral("six"));
        QTRY_COMPARE(received.size(), 6);
        QTest::qWait(200);
        QCOMPARE(received.size(), 6);
    }

    void firstJoinReplaysNothingAndLaterResumesFromItsLastSeq()
    {
        auto ben = makeConnection(m_cacheRoot->path());
        QVERIFY(signIn(*ben, m_server->url(), QStringLiteral("ben")).ok);
        for (const QString &text : {QStringLiteral("old one"), QStringLiteral("old two")})
            ben->sendMessage(m_course.roomId, text);
        QTRY_COMPARE(ben->outbox()->pendingCount(), 0);
        const qint64 before = m_server->storage().lastSeq(m_course.roomId);
        QVERIFY(before >= 2);

        TestNetwork network;
        auto ana = makeConnection(m_cacheRoot->path(), &network);
        QVERIFY(signIn(*ana, m_server->url(), QStringLiteral("ana")).ok);
        QList<MessageInfo> received;
        connect(ana.get(), &Connection::messageReceived, this, [&](const MessageInfo &m) { received.append(m); });
        QSignalSpy joined(ana.get(), &Connection::roomJoined);
        ana->joinRoom(m_course.roomId);
        QTRY_COMPARE(joined.size(), 1);
        QCOMPARE(joined.first().at(1).toLongLong(), before);
        QCOMPARE(ana->lastSeenSeq(m_course.roomId), before);

        // Live events continue from the result's lastSeq, with no gap repair (a second join).
        ben->sendMessage(m_course.roomId, QStringLiteral("live"));
        QTRY_COMPARE(received.size(), 1);
        QCOMPARE(received.first().seq, before + 1);
        QCOMPARE(received.first().text, QStringLiteral("live"));

        network.down = true;
        network.current->freeze();
        ana->setHeartbeat(50, 300);
        QTRY_COMPARE(ana->state(), State::Reconnecting);
        ben->sendMessage(m_course.roomId, QStringLiteral("missed"));
        QTRY_COMPARE(ben->outbox()->pendingCount(), 0);
        network.down = false;
        QTRY_COMPARE_WITH_TIMEOUT(joined.size(), 2, 10000);
        QTRY_COMPARE(received.size(), 2);
        QCOMPARE(received.last().text, QStringLiteral("missed"));
        QCOMPARE(received.last().seq, before + 2);
        QTest::qWait(200);
        QCOMPARE(received.size(), 2);
    }

    void resumePositionSurvivesARestartOfTheApp()
    {
        auto ben = makeConnection(m_cacheRoot->path());
        QVERIFY(signIn(*ben, m_server->url(), QStringLiteral("ben")).ok);
        {
            auto ana = makeConnection(m_cacheRoot->path());
            QVERIFY(signIn(*ana, m_server->url(), QStringLiteral("ana")).ok);
            QSignalSpy messages(ana.get(), &Connection::messageReceived);
            QSignalSpy joined(ana.get(), &Connection::roomJoined);
            ana->joinRoom(m_course.roomId);
            QTRY_COMPARE(joined.size(), 1); // what was posted before is history, not a replay
            ben->sendMessage(m_course.roomId, QStringLiteral("seen before the restart"));
            QTRY_COMPARE(messages.size(), 1);
        }
        ben->sendMessage(m_course.roomId, QStringLiteral("missed while closed"));
        QTRY_COMPARE(ben->outbox()->pendingCount(), 0);

        auto ana = makeConnection(m_cacheRoot->path());
        QVERIFY(signIn(*ana, m_server->url(), QStringLiteral("ana")).ok);
        QList<MessageInfo> received;
        connect(ana.get(), &Connection::messageReceived, this, [&](const MessageInfo &m) { received.append(m); });
        ana->joinRoom(m_course.roomId);
        QTRY_COMPARE(received.size(), 1);
        QCOMPARE(received.first().text, QStringLiteral("missed while closed"));
        QTest::qWait(200);
        QCOMPARE(received.size(), 1);
    }

    void resetDropsTheStaleCache()
    {
        m_server.reset();
        m_server = std::make_unique<RestartableServer>();
        m_server->config().resumeWindow = 3;
        QCOMPARE(m_server->start(), QString());
        m_ana = m_server->addUser(QStringLiteral("ana"), Role::Student);
        m_ben = m_server->addUser(QStringLiteral("ben"), Role::Student);
        m_course = m_server->addCourse(QStringLiteral("Small window"), m_ben, {m_ana});

        TestNetwork network;
        auto ana = makeConnection(m_cacheRoot->path(), &network);
        QVERIFY(signIn(*ana, m_server->url(), QStringLiteral("ana")).ok);
        QList<qint64> seqs;
        connect(ana.get(), &Connection::messageReceived, this, [&](const MessageInfo &m) { seqs.append(m.seq); });
        QSignalSpy joined(ana.get(), &Connection::roomJoined);
        ana->joinRoom(m_course.roomId);
        QTRY_COMPARE(joined.size(), 1);
        auto ben = makeConnection(m_cacheRoot->path());
        QVERIFY(signIn(*ben, m_server->url(), QStringLiteral("ben")).ok);
        ben->sendMessage(m_course.roomId, QStringLiteral("first"));
        QTRY_COMPARE(seqs.size(), 1);

        network.down = true;
        network.current->freeze();
        ana->setHeartbeat(50, 300); // notice the frozen link quickly
        QTRY_COMPARE(ana->state(), State::Reconnecting);
        for (int i = 0; i < 6; ++i)
            ben->sendMessage(m_course.roomId, QStringLiteral("missed %1").arg(i));
        QTRY_COMPARE(ben->outbox()->pendingCount(), 0);

        QSignalSpy reset(ana.get(), &Connection::roomReset);
        connect(ana.get(), &Connection::roomReset, this, [&] { seqs.append(-1); });
        network.down = false;
        QTRY_COMPARE_WITH_TIMEOUT(reset.size(), 1, 10000);
        QTRY_COMPARE(seqs.size(), 1 + 1 + 3);
        const qint64 last = m_server->storage().lastSeq(m_course.roomId);
        QCOMPARE(seqs.mid(1), (QList<qint64>{-1, last - 2, last - 1, last}));
        QCOMPARE(ana->cache()->events(m_course.roomId).size(), 3);
        QCOMPARE(ana->lastSeenSeq(m_course.roomId), last);
    }

    void joiningAnUnknownRoomFails()
    {
        auto connection = makeConnection(m_cacheRoot->path());
        QVERIFY(signIn(*connection, m_server->url(), QStringLiteral("ana")).ok);
        std::optional<Reply> reply;
        connection->joinRoom(RoomId(9999), this, [&](const Reply &r) { reply = r; });
        QTRY_VERIFY(reply.has_value());
        QCOMPARE(reply->error, Protocol::ErrorCode::NotFound);
        QVERIFY(connection->joinedRooms().isEmpty());
    }

    void duplicatesAreDroppedAndGapsRepaired()
    {
        // The real server never sends an event twice or skips one; a scripted peer does, to
        // prove the client's own guards.
        QList<QJsonObject> joins;
        Transport *serverEnd = nullptr;
        auto event = [](qint64 seq) {
            return QString::fromUtf8(Protocol::encode(Protocol::event(
                Protocol::EventMessageCreated, RoomId(7), seq, 1000 + seq,
                {{QStringLiteral("sender"), UserInfo{UserId(2), QStringLiteral("ben"), QStringLiteral("Ben"), Role::Student}.toJson()},
                 {QStringLiteral("clientId"), QStringLiteral("c%1").arg(seq)},
                 {QStringLiteral("text"), QStringLiteral("m%1").arg(seq)}})));
        };
        auto connection = makeConnection(m_cacheRoot->path());
        connection->setTransportFactory([&](const QUrl &, QObject *parent, std::function<void()> opened,
                                            std::function<void(const QString &)>) -> Transport * {
            auto [client, server] = InMemoryTransport::createPair(parent);
            serverEnd = server;
            QObject::connect(server, &Transport::textReceived, server, [&, server = server](const QString &text) {
                const auto decoded = Protocol::decode(text.toUtf8());
                const auto *frame = std::get_if<Protocol::Frame>(&decoded);
                QVERIFY(frame);
                auto reply = [&](const QJsonObject &data) {
                    server->sendText(QString::fromUtf8(Protocol::encode(Protocol::result(frame->id, data))));
                };
                if (frame->type == Protocol::FrameType::Hello) {
                    server->sendText(QString::fromUtf8(Protocol::encode(Protocol::welcome({{QStringLiteral("heartbeatSeconds"), 20}}))));
                } else if (frame->op == Protocol::Op::AuthSignIn) {
                    reply({{QStringLiteral("token"), QString(43, QLatin1Char('t'))},
                           {QStringLiteral("expiresAt"), 1},
                           {QStringLiteral("user"), UserInfo{UserId(1), QStringLiteral("ana"), QStringLiteral("Ana"), Role::Student}.toJson()}});
                } else if (frame->op == Protocol::Op::RoomJoin) {
                    joins.append(frame->data);
                    // As the real server: no `since`, no replay.
                    if (frame->data.contains(QStringLiteral("since"))) {
                        for (qint64 seq = frame->data.value(QStringLiteral("since")).toInteger() + 1; seq <= 5; ++seq)
                            server->sendText(event(seq));
                    }
                    reply({{QStringLiteral("lastSeq"), joins.size() == 1 ? 2 : 5}, {QStringLiteral("reset"), false}});
                } else {
                    reply({});
                }
            });
            QTimer::singleShot(0, client, opened);
            return client;
        });
        QList<qint64> seqs;
        connect(connection.get(), &Connection::messageReceived, this, [&](const MessageInfo &m) {
            QCOMPARE(m.text, QStringLiteral("m%1").arg(m.seq));
            QCOMPARE(m.sender.username, QStringLiteral("ben"));
            seqs.append(m.seq);
        });
        QVERIFY(signIn(*connection, QUrl(QStringLiteral("ws://scripted/")), QStringLiteral("ana")).ok);
        QSignalSpy joined(connection.get(), &Connection::roomJoined);
        connection->joinRoom(RoomId(7));
        QTRY_COMPARE(joined.size(), 1);
        QVERIFY(!joins.first().contains(QStringLiteral("since")));
        QCOMPARE(connection->lastSeenSeq(RoomId(7)), 2);

        serverEnd->sendText(event(2)); // duplicate of what the join result counted as seen
        serverEnd->sendText(event(1)); // older duplicate
        serverEnd->sendText(event(3));
        QTRY_COMPARE(seqs, (QList<qint64>{3}));
        serverEnd->sendText(event(5)); // gap: 4 is missing, so the client asks again from 3
        QTRY_COMPARE(joins.size(), 2);
        QCOMPARE(joins.last().value(QStringLiteral("since")).toInteger(), 3);
        QTRY_COMPARE(seqs, (QList<qint64>{3, 4, 5}));
        QCOMPARE(connection->cache()->lastSeq(RoomId(7)), 5);
    }

    void inProcessServerOverAnInMemoryTransport()
    {
        auto connection = makeConnection(m_cacheRoot->path());
        Server::CohortServer *server = &m_server->server();
        connection->setTransportFactory(inMemoryTransportFactory([server](Transport *end) { server->acceptTransport(end); }));
        QVERIFY(signIn(*connection, QUrl(QStringLiteral("ws://in-process/")), QStringLiteral("ana")).ok);
        QCOMPARE(connection->state(), State::Connected);
        QSignalSpy messages(connection.get(), &Connection::messageReceived);
        connection->joinRoom(m_course.roomId);
        connection->sendMessage(m_course.roomId, QStringLiteral("no socket needed"));
        QTRY_COMPARE(messages.size(), 1);
        QCOMPARE(messages.at(0).at(0).value<MessageInfo>().text, QStringLiteral("no socket needed"));
        QCOMPARE(m_server->storedTexts(m_course.roomId), QStringList{QStringLiteral("no socket needed")});
    }

    void deadLinkIsDetectedAndReplaced()
    {
        TestNetwork network;
        auto connection = makeConnection(m_cacheRoot->path(), &network);
        connection->setHeartbeat(100, 600);
        QVERIFY(signIn(*connection, m_server->url(), QStringLiteral("ana")).ok);
        // A healthy idle link stays up: pongs answer the client's pings.
        QTest::qWait(1200);
        QCOMPARE(connection->state(), State::Connected);
        QCOMPARE(network.attempts, 1);

        QSignalSpy states(connection.get(), &Connection::stateChanged);
        network.current->freeze();
        QTRY_COMPARE_WITH_TIMEOUT(network.attempts, 2, 3000);
        QTRY_COMPARE_WITH_TIMEOUT(connection->state(), State::Connected, 5000);
        QCOMPARE(states.first().at(0).value<State>(), State::Reconnecting);
    }

    void networkComingBackSkipsTheBackoffWait()
    {
        TestNetwork network;
        auto connection = makeConnection(m_cacheRoot->path(), &network);
        connection->setBackoffPolicy(BackoffPolicy(60000, 60000, 7)); // a minute between attempts
        QVERIFY(signIn(*connection, m_server->url(), QStringLiteral("ana")).ok);

        QVERIFY(m_server->stop());
        QTRY_COMPARE_WITH_TIMEOUT(connection->state(), State::Reconnecting, 5000);
        QVERIFY(connection->secondsUntilReconnect() > 30);
        QCOMPARE(m_server->start(), QString());

        connection->networkChanged(false); // losing the network does not hurry anything
        QCOMPARE(connection->state(), State::Reconnecting);
        connection->networkChanged(true);
        QTRY_COMPARE_WITH_TIMEOUT(connection->state(), State::Connected, 5000);
        QCOMPARE(connection->currentUser().username, QStringLiteral("ana"));
    }

    void networkChangeProbesTheLinkAndReplacesADeadOne()
    {
        TestNetwork network;
        auto connection = makeConnection(m_cacheRoot->path(), &network);
        connection->setHeartbeat(60000, 120000); // the heartbeat alone would wait two minutes
        connection->setNetworkProbeTimeout(300);
        QVERIFY(signIn(*connection, m_server->url(), QStringLiteral("ana")).ok);

        // A live link answers the probe and stays.
        connection->networkChanged(true);
        QTest::qWait(1500);
        QCOMPARE(connection->state(), State::Connected);
        QCOMPARE(network.attempts, 1);

        // A link that died with the old network is replaced within the probe timeout.
        network.current->freeze();
        connection->networkChanged(true);
        QTRY_COMPARE_WITH_TIMEOUT(network.attempts, 2, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(connection->state(), State::Connected, 5000);
    }

    void clockOffsetFollowsTheServer()
    {
        auto connection = makeConnection(m_cacheRoot->path());
        // The local clock runs 5 s behind the server's (which is this machine's real clock).
        connection->setClock([] { return systemClock() - 5000; });
        QSignalSpy synced(connection.get(), &Connection::clockSynced);
        QVERIFY(signIn(*connection, m_server->url(), QStringLiteral("ana")).ok);
        QTRY_VERIFY(synced.size() >= 4); // the burst after connecting
        QVERIFY(connection->isClockSynced());
        QVERIFY2(std::abs(connection->clockOffsetMs() - 5000) < 100,
                 qPrintable(QString::number(connection->clockOffsetMs())));
        QVERIFY(std::abs(connection->serverNow() - systemClock()) < 100);

        // Periodic resync.
        connection->setClockSyncInterval(100);
        connection->goOffline();
        connection->reconnectNow();
        QTRY_COMPARE(connection->state(), State::Connected);
        const qsizetype before = synced.size();
        QTRY_VERIFY(synced.size() >= before + 6);
        QVERIFY(std::abs(connection->serverNow() - systemClock()) < 100);
    }

private:
    std::unique_ptr<RestartableServer> m_server;
    std::unique_ptr<QTemporaryDir> m_cacheRoot;
    UserId m_ana;
    UserId m_ben;
    UserId m_ivy;
    Server::CourseRecord m_course;
};

QTEST_GUILESS_MAIN(TestConnection)
#include "tst_client_connection.moc"
