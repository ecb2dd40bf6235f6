// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
// ServerCore driven over InMemoryTransport pairs: the connection logic without sockets.
#include "authservice.h"
#include "metrics.h"
#include "servercore.h"

#include <QJsonArray>
#include <QTemporaryDir>
#include <QtTest>

using namespace Cohort;
using namespace Cohort::Protocol;
using namespace Cohort::Server;

namespace {

/// The client end of an in-memory connection: collects decoded frames and the close code.
class Peer
{
public:
    explicit Peer(InMemoryTransport *end) : m_end(end)
    {
        QObject::connect(end, &Transport::textReceived, end, [this](const QString &text) {
            const DecodeResult decoded = decode(text.toUtf8(), 1 << 24);
            if (const auto *frame = std::get_if<Frame>(&decoded))
                m_frames.append(*frame);
        });
        QObject::connect(end, &Transport::closed, end, [this](quint16 code) { m_closeCode = code; });
    }

    void send(const Frame &frame) { m_end->sendText(QString::fromUtf8(encode(frame))); }
    QString request(Op op, const QJsonObject &data = {})
    {
        const QString id = QString::number(++m_next);
        send(Protocol::request(id, op, data));
        return id;
    }
    std::optional<Frame> reply(const QString &id)
    {
        auto find = [&]() -> std::optional<Frame> {
            for (const Frame &f : std::as_const(m_frames)) {
                if ((f.type == FrameType::Result || f.type == FrameType::Error) && f.id == id)
                    return f;
            }
            return std::nullopt;
        };
        if (!QTest::qWaitFor([&] { return find().has_value(); }, 5000))
            return std::nullopt;
        return find();
    }
    std::optional<Frame> call(Op op, const QJsonObject &data = {}) { return reply(request(op, data)); }
    bool waitForFrames(qsizetype n) { return QTest::qWaitFor([&] { return m_frames.size() >= n; }, 5000); }
    bool waitForClose() { return QTest::qWaitFor([&] { return m_closeCode != 0; }, 5000); }

    const QList<Frame> &frames() const { return m_frames; }
    int closeCode() const { return m_closeCode; }
    qsizetype count(FrameType type) const
    {
        return std::count_if(m_frames.cbegin(), m_frames.cend(), [type](const Frame &f) { return f.type == type; });
    }
    /// Room log events, without ephemeral ones (presence, room.added, ...).
    qsizetype loggedEvents() const
    {
        return std::count_if(m_frames.cbegin(), m_frames.cend(), [](const Frame &f) {
            return f.type == FrameType::Event && !isEphemeralEvent(f.event);
        });
    }

private:
    InMemoryTransport *m_end;
    QList<Frame> m_frames;
    int m_closeCode = 0;
    int m_next = 0;
};

} // namespace

class TestServerCore : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<Storage> m_storage;
    std::unique_ptr<AuthService> m_auth;
    std::unique_ptr<Metrics> m_metrics;
    std::unique_ptr<ServerCore> m_core;
    std::vector<std::unique_ptr<Peer>> m_peers;
    QObject m_owner;

    void makeCore(const ServerConfig &config)
    {
        m_core = std::make_unique<ServerCore>(config, *m_storage, *m_auth, *m_metrics);
    }

    Peer &connect()
    {
        auto [serverEnd, clientEnd] = InMemoryTransport::createPair(&m_owner);
        m_core->addConnection(serverEnd);
        m_peers.push_back(std::make_unique<Peer>(clientEnd));
        return *m_peers.back();
    }

    Peer &welcomed()
    {
        Peer &peer = connect();
        peer.send(hello({CapabilityResume}));
        [[maybe_unused]] const bool welcomed = peer.waitForFrames(1);
        return peer;
    }

    /// A signed-in peer, via a token issued directly (no password hashing needed).
    Peer &signedIn(UserId user)
    {
        Peer &peer = welcomed();
        const AuthOutcome issued = m_auth->issueToken(user);
        peer.call(Op::AuthToken, {{QStringLiteral("token"), issued.token}});
        return peer;
    }

    UserId addUser(const QString &name, Role role)
    {
        return m_storage->createUser(name, name, role, QByteArrayLiteral("unused")).value->info.id;
    }

private Q_SLOTS:
    void init()
    {
        QVERIFY(m_dir.isValid());
        DatabaseConfig db;
        db.sqlitePath = m_dir.filePath(QStringLiteral("core-%1.sqlite").arg(QLatin1String(QTest::currentTestFunction())));
        m_storage = createStorage(db, QStringLiteral("tst_servercore"));
        QCOMPARE(m_storage->open(), QString());
        AuthConfig auth;
        auth.argon2OpsLimit = 1;
        auth.argon2MemLimit = 8192;
        auth.hashThreads = 1;
        m_auth = std::make_unique<AuthService>(*m_storage, auth);
        m_metrics = std::make_unique<Metrics>();
        makeCore(ServerConfig());
    }

    void cleanup()
    {
        m_peers.clear();
        m_core.reset();
        m_auth.reset();
        m_storage->close();
        m_storage.reset();
    }

    void helloIsAnsweredWithWelcome()
    {
        Peer &peer = connect();
        peer.send(hello({CapabilityResume}));
        QVERIFY(peer.waitForFrames(1));
        QCOMPARE(peer.frames().first().type, FrameType::Welcome);
        QCOMPARE(m_core->connectionCount(), 1);
    }

    void newerVersionIsRefused()
    {
        Peer &peer = connect();
        peer.send(hello({}, Version + 1));
        QVERIFY(peer.waitForClose());
        QCOMPARE(peer.closeCode(), int(CloseUnsupportedVersion));
        QCOMPARE(peer.frames().first().code, ErrorCode::UnsupportedVersion);
        QTRY_COMPARE(m_core->connectionCount(), 0);
    }

    void requestFirstIsAProtocolError()
    {
        Peer &peer = connect();
        peer.request(Op::RoomList);
        QVERIFY(peer.waitForClose());
        QCOMPARE(peer.closeCode(), int(CloseProtocolError));
        QCOMPARE(peer.frames().first().code, ErrorCode::BadRequest);
        QCOMPARE(peer.frames().first().id, QStringLiteral("1"));
    }

    void anonymousOnlyBeforeSignIn()
    {
        Peer &peer = welcomed();
        QCOMPARE(peer.call(Op::RoomList)->code, ErrorCode::Unauthorized);
        QCOMPARE(peer.call(Op::TimeSync, {{QStringLiteral("clientTime"), 3}})->type, FrameType::Result);
    }

    void rateLimitRefillsOverTime()
    {
        ServerConfig config;
        config.requestsPerSecond = 10;
        config.requestBurst = 3;
        makeCore(config);
        Peer &peer = welcomed();
        QStringList ids;
        for (int i = 0; i < 4; ++i)
            ids << peer.request(Op::TimeSync, {{QStringLiteral("clientTime"), i}});
        for (int i = 0; i < 3; ++i)
            QCOMPARE(peer.reply(ids.at(i))->type, FrameType::Result);
        const auto limited = peer.reply(ids.at(3));
        QCOMPARE(limited->code, ErrorCode::RateLimited);
        QVERIFY(limited->retryAfterMs > 0 && limited->retryAfterMs <= 100);
        QElapsedTimer waited;
        waited.start();
        QTRY_VERIFY(waited.elapsed() > limited->retryAfterMs);
        QCOMPARE(peer.call(Op::TimeSync, {{QStringLiteral("clientTime"), 9}})->type, FrameType::Result);
    }

    void pendingIdIsNotAnsweredTwice()
    {
        const UserId ana = m_auth->createAccount(QStringLiteral("ana"), QStringLiteral("Ana"), Role::Student,
                                                 QStringLiteral("password-123")).user.info.id;
        QVERIFY(ana.isValid());
        Peer &peer = welcomed();
        const QJsonObject credentials{{QStringLiteral("username"), QStringLiteral("ana")},
                                      {QStringLiteral("password"), QStringLiteral("password-123")}};
        peer.send(request(QStringLiteral("x"), Op::AuthSignIn, credentials)); // hashed off-thread: pending
        peer.send(request(QStringLiteral("x"), Op::AuthSignIn, credentials));
        QVERIFY(peer.reply(QStringLiteral("x")));
        QVERIFY(peer.call(Op::CourseList));
        qsizetype replies = 0;
        qsizetype idlessErrors = 0;
        for (const Frame &f : peer.frames()) {
            replies += f.id == QLatin1String("x");
            idlessErrors += f.type == FrameType::Error && f.id.isEmpty();
        }
        QCOMPARE(replies, 1);
        QCOMPARE(idlessErrors, 1);
    }

    void rateLimitedReuseOfAPendingIdHasNoId()
    {
        ServerConfig config;
        config.requestsPerSecond = 1;
        config.requestBurst = 1;
        makeCore(config);
        QVERIFY(m_auth->createAccount(QStringLiteral("ana"), QStringLiteral("Ana"), Role::Student,
                                      QStringLiteral("password-123")).ok());
        Peer &peer = welcomed();
        const QJsonObject credentials{{QStringLiteral("username"), QStringLiteral("ana")},
                                      {QStringLiteral("password"), QStringLiteral("password-123")}};
        peer.send(request(QStringLiteral("x"), Op::AuthSignIn, credentials)); // takes the only token; pending
        peer.send(request(QStringLiteral("x"), Op::AuthSignIn, credentials)); // rate limited, id still pending
        const auto first = peer.reply(QStringLiteral("x"));
        QVERIFY(first);
        QVERIFY(QTest::qWaitFor([&] { return peer.count(FrameType::Error) + peer.count(FrameType::Result) >= 2; }, 5000));
        qsizetype replies = 0;
        std::optional<Frame> idless;
        for (const Frame &f : peer.frames()) {
            replies += f.id == QLatin1String("x");
            if (f.type == FrameType::Error && f.id.isEmpty())
                idless = f;
        }
        QCOMPARE(replies, 1);
        QCOMPARE(first->type, FrameType::Result);
        QVERIFY(idless);
        QCOMPARE(idless->code, ErrorCode::RateLimited);
        QVERIFY(idless->retryAfterMs > 0);
    }

    void connectionGoneBeforeSignInAnswers()
    {
        QVERIFY(m_auth->createAccount(QStringLiteral("ana"), QStringLiteral("Ana"), Role::Student,
                                      QStringLiteral("password-123")).ok());
        auto [serverEnd, clientEnd] = InMemoryTransport::createPair(&m_owner);
        m_core->addConnection(serverEnd);
        clientEnd->sendText(QString::fromUtf8(encode(hello({}))));
        clientEnd->sendText(QString::fromUtf8(encode(request(QStringLiteral("1"), Op::AuthSignIn,
                                                             {{QStringLiteral("username"), QStringLiteral("ana")},
                                                              {QStringLiteral("password"), QStringLiteral("password-123")}}))));
        // The hash runs off-thread; the client vanishes before the answer.
        QTRY_VERIFY(m_core->connectionCount() == 1);
        QVERIFY(QTest::qWaitFor([&] { return clientEnd->pendingBytes() == 0; }, 1000));
        clientEnd->abort();
        QTRY_COMPARE(m_core->connectionCount(), 0);
        // The server keeps serving: a new connection signs in normally.
        Peer &peer = welcomed();
        const auto reply = peer.call(Op::AuthSignIn, {{QStringLiteral("username"), QStringLiteral("ana")},
                                                      {QStringLiteral("password"), QStringLiteral("password-123")}});
        QVERIFY(reply);
        QCOMPARE(reply->type, FrameType::Result);
    }

    void signInTimeoutCloses()
    {
        ServerConfig config;
        config.handshakeTimeoutSeconds = 1;
        makeCore(config);
        Peer &idle = welcomed();
        Peer &member = signedIn(addUser(QStringLiteral("ana"), Role::Student));
        QVERIFY(idle.waitForClose());
        QCOMPARE(idle.closeCode(), int(CloseHandshakeTimeout));
        QCOMPARE(member.closeCode(), 0);
    }

    void sessionsGoneFromTheDatabaseClose()
    {
        ServerConfig config;
        config.sessionCheckSeconds = 1;
        makeCore(config);
        Peer &ana = signedIn(addUser(QStringLiteral("ana"), Role::Student));
        const UserId benId = addUser(QStringLiteral("ben"), Role::Student);
        Peer &ben = signedIn(benId);
        QCOMPARE(ben.frames().last().type, FrameType::Result);

        // A database that does not answer is no reason to end anyone's session.
        m_storage->close();
        QVERIFY(!QTest::qWaitFor([&] { return ana.closeCode() != 0 || ben.closeCode() != 0; }, 2500));
        QCOMPARE(m_storage->open(), QString());

        // Deleted behind the core's back (as the admin CLI does from its own process).
        QCOMPARE(m_storage->deleteSessionsOfUser(benId), 1);
        QVERIFY(ben.waitForClose());
        QCOMPARE(ben.closeCode(), int(CloseSessionRevoked));
        QCOMPARE(ana.closeCode(), 0);
    }

    void broadcastReachesJoinedPeersOnce()
    {
        const UserId teacherId = addUser(QStringLiteral("teacher"), Role::Instructor);
        const UserId anaId = addUser(QStringLiteral("ana"), Role::Student);
        Peer &teacher = signedIn(teacherId);
        Peer &ana = signedIn(anaId);
        const auto created = teacher.call(Op::CourseCreate, {{QStringLiteral("name"), QStringLiteral("Bio")},
                                                             {QStringLiteral("clientId"), QStringLiteral("b")}});
        QCOMPARE(created->type, FrameType::Result);
        const QJsonObject course = created->data.value(QStringLiteral("course")).toObject();
        QCOMPARE(teacher.call(Op::CourseEnroll, {{QStringLiteral("courseId"), course.value(QStringLiteral("id"))},
                                                 {QStringLiteral("usernames"), QJsonArray{QStringLiteral("ana")}}})->type,
                 FrameType::Result);
        const QJsonObject room{{QStringLiteral("roomId"), course.value(QStringLiteral("roomId"))}};
        QCOMPARE(teacher.call(Op::RoomJoin, room)->type, FrameType::Result);
        QCOMPARE(ana.call(Op::RoomJoin, room)->type, FrameType::Result);
        QJsonObject message = room;
        message.insert(QStringLiteral("clientId"), QStringLiteral("m"));
        message.insert(QStringLiteral("text"), QStringLiteral("hi"));
        QCOMPARE(ana.call(Op::MessageSend, message)->type, FrameType::Result);
        QCOMPARE(ana.call(Op::MessageSend, message)->type, FrameType::Result); // retry: no new event
        QVERIFY(teacher.call(Op::TimeSync, {{QStringLiteral("clientTime"), 1}}));
        QCOMPARE(teacher.loggedEvents(), 1);
        QCOMPARE(ana.loggedEvents(), 1);
        QCOMPARE(m_core->hub().subscriptions(), 2);
        QCOMPARE(m_core->hub().activeRooms(), 1);
        QCOMPARE(m_metrics->eventsDelivered(), quint64(2));
    }

    void stopClosesWithGoingAway()
    {
        Peer &a = welcomed();
        Peer &b = welcomed();
        QSignalSpy drained(m_core.get(), &ServerCore::drained);
        m_core->stop();
        QVERIFY(a.waitForClose());
        QVERIFY(b.waitForClose());
        QCOMPARE(a.closeCode(), 1001);
        QCOMPARE(b.closeCode(), 1001);
        QTRY_COMPARE(drained.size(), 1);
        QCOMPARE(m_core->connectionCount(), 0);
    }
};

QTEST_GUILESS_MAIN(TestServerCore)
#include "tst_servercore.moc"
