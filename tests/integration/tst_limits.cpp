// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
// Limits that keep one client from hurting the others: rate, timeouts, heartbeat, caps and
// backpressure against a client that stops reading.
#include "metrics.h"
#include "rawwebsocket.h"
#include "testclient.h"
#include "testserver.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QtTest>

using namespace Cohort;
using namespace Cohort::Protocol;
using Cohort::Test::RawWebSocket;
using Cohort::Test::TestClient;

namespace {

QByteArray requestText(const QString &id, Op op, const QJsonObject &data)
{
    return encode(request(id, op, data));
}

} // namespace

class TestLimits : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<Test::TestServer> m_server;

    void startServer(const Server::ServerConfig &config)
    {
        m_server = std::make_unique<Test::TestServer>();
        const QString problem = m_server->start(config);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }

    /// Creates a course with the teacher and `students`; returns its room id.
    qint64 courseRoom(const QStringList &students)
    {
        m_server->addUser(QStringLiteral("teacher"), Role::Instructor);
        for (const QString &s : students)
            m_server->addUser(s, Role::Student);
        TestClient teacher;
        if (!teacher.connectTo(m_server->url()) || !teacher.signIn(QStringLiteral("teacher"), QStringLiteral("password-123")))
            return 0;
        bool ok = false;
        const QJsonObject course = teacher.call(Op::CourseCreate, {{QStringLiteral("name"), QStringLiteral("Load")},
                                                                   {QStringLiteral("clientId"), QStringLiteral("c")}}, &ok)
                                       .value(QStringLiteral("course")).toObject();
        if (!ok)
            return 0;
        teacher.call(Op::CourseEnroll, {{QStringLiteral("courseId"), course.value(QStringLiteral("id"))},
                                        {QStringLiteral("usernames"), QJsonArray::fromStringList(students)}}, &ok);
        return ok ? course.value(QStringLiteral("roomId")).toInteger() : 0;
    }

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void cleanup() { m_server.reset(); }

    void requestsBeyondTheRateAreRefused()
    {
        Server::ServerConfig config = Test::TestServer::testConfig();
        config.requestsPerSecond = 5;
        config.requestBurst = 10;
        startServer(config);
        TestClient client;
        QVERIFY(client.connectTo(m_server->url()));
        QStringList ids;
        for (int i = 0; i < 20; ++i)
            ids << client.send(Op::TimeSync, {{QStringLiteral("clientTime"), i}});
        int ok = 0;
        int limited = 0;
        qint64 retryAfter = 0;
        for (const QString &id : std::as_const(ids)) {
            const auto reply = client.reply(id);
            QVERIFY(reply);
            if (reply->type == FrameType::Result) {
                ++ok;
            } else {
                QCOMPARE(errorCodeName(reply->code), errorCodeName(ErrorCode::RateLimited));
                QVERIFY(reply->retryAfterMs > 0 && reply->retryAfterMs <= 1000);
                retryAfter = reply->retryAfterMs;
                ++limited;
            }
        }
        QVERIFY2(ok >= 10 && ok <= 12, qPrintable(QString::number(ok))); // the burst, plus what refilled meanwhile
        QCOMPARE(ok + limited, 20);
        // After waiting as told, requests pass again.
        QElapsedTimer waited;
        waited.start();
        QTRY_VERIFY(waited.elapsed() > retryAfter);
        const auto again = client.request(Op::TimeSync, {{QStringLiteral("clientTime"), 1}});
        QVERIFY(again);
        QCOMPARE(again->type, FrameType::Result);
    }

    void handshakeTimeout()
    {
        Server::ServerConfig config = Test::TestServer::testConfig();
        config.handshakeTimeoutSeconds = 1;
        startServer(config);
        m_server->addUser(QStringLiteral("ana"), Role::Student);
        TestClient silent;   // connects, never says hello
        TestClient helloOnly; // says hello, never signs in
        TestClient signedIn;
        QVERIFY(silent.open(m_server->url()));
        QVERIFY(helloOnly.connectTo(m_server->url()));
        QVERIFY(signedIn.connectTo(m_server->url()));
        QVERIFY(signedIn.signIn(QStringLiteral("ana"), QStringLiteral("password-123")));
        QElapsedTimer timer;
        timer.start();
        QVERIFY(silent.waitForClosed(5000));
        QVERIFY(helloOnly.waitForClosed(5000));
        QCOMPARE(silent.closeCode(), int(CloseHandshakeTimeout));
        QCOMPARE(helloOnly.closeCode(), int(CloseHandshakeTimeout));
        QVERIFY(timer.elapsed() < 3000);
        QVERIFY(!signedIn.isClosed());
        QVERIFY(signedIn.request(Op::CourseList));
    }

    void signOutRestartsTheHandshakeTimeout()
    {
        Server::ServerConfig config = Test::TestServer::testConfig();
        config.handshakeTimeoutSeconds = 1;
        startServer(config);
        m_server->addUser(QStringLiteral("ana"), Role::Student);
        TestClient client;
        QVERIFY(client.connectTo(m_server->url()));
        QVERIFY(client.signIn(QStringLiteral("ana"), QStringLiteral("password-123")));
        // Well past the first deadline: signed in, so the connection stays.
        QVERIFY(!client.waitForClosed(1500));
        const auto out = client.request(Op::AuthSignOut);
        QVERIFY(out);
        QCOMPARE(out->type, FrameType::Result);
        QElapsedTimer timer;
        timer.start();
        QVERIFY(client.waitForClosed(5000));
        QCOMPARE(client.closeCode(), int(CloseHandshakeTimeout));
        QVERIFY(timer.elapsed() >= 700);
    }

    void heartbeatDropsAPeerThatStopsAnswering()
    {
        Server::ServerConfig config = Test::TestServer::testConfig();
        config.heartbeatSeconds = 1;
        config.handshakeTimeoutSeconds = 60;
        startServer(config);
        TestClient alive; // QWebSocket answers pings by itself
        QVERIFY(alive.connectTo(m_server->url()));
        RawWebSocket dead; // completes the upgrade and hello, then never answers a ping
        QVERIFY(dead.open(m_server->url()));
        dead.sendText(encode(hello({CapabilityResume})));
        QVERIFY(dead.waitForText("welcome"));
        QElapsedTimer timer;
        timer.start();
        const std::optional<int> code = dead.waitForClose(10000);
        QVERIFY(code);
        QCOMPARE(*code, int(CloseHeartbeatTimeout));
        QVERIFY2(timer.elapsed() >= 2000, qPrintable(QString::number(timer.elapsed())));
        bool pinged = false;
        for (const RawWebSocket::Frame &f : dead.frames())
            pinged = pinged || f.opcode == 9;
        QVERIFY(pinged);
        QVERIFY(!alive.isClosed());
        QVERIFY(alive.request(Op::TimeSync, {{QStringLiteral("clientTime"), 1}}));
    }

    void connectionsPerAddressAreCapped()
    {
        Server::ServerConfig config = Test::TestServer::testConfig();
        config.maxConnectionsPerAddress = 3;
        startServer(config);
        std::vector<std::unique_ptr<TestClient>> clients;
        for (int i = 0; i < 3; ++i) {
            clients.push_back(std::make_unique<TestClient>());
            QVERIFY(clients.back()->connectTo(m_server->url()));
        }
        TestClient extra; // refused right after the upgrade
        extra.socket().open(m_server->url());
        QVERIFY(extra.waitForClosed());
        QCOMPARE(extra.closeCode(), int(CloseTooManyConnections));
        // A freed slot can be used again.
        clients.front().reset();
        QTRY_COMPARE(m_server->server().connectionCount(), 3);
        TestClient next;
        QVERIFY(next.connectTo(m_server->url()));
    }

    void totalConnectionsAreCapped()
    {
        Server::ServerConfig config = Test::TestServer::testConfig();
        config.maxConnections = 2;
        startServer(config);
        TestClient a;
        TestClient b;
        QVERIFY(a.connectTo(m_server->url()));
        QVERIFY(b.connectTo(m_server->url()));
        TestClient c;
        c.socket().open(m_server->url());
        QVERIFY(c.waitForClosed());
        QCOMPARE(c.closeCode(), int(CloseTooManyConnections));
    }

    void slowConsumerIsCutOffWhileMemoryStaysBounded()
    {
        Server::ServerConfig config = Test::TestServer::testConfig();
        config.maxPendingBytesPerConnection = 1024 * 1024;
        config.requestsPerSecond = 100000;
        config.requestBurst = 100000;
        startServer(config);
        const qint64 roomId = courseRoom({QStringLiteral("slow"), QStringLiteral("fast")});
        QVERIFY(roomId > 0);

        // The slow consumer signs in and joins, then stops reading with tiny buffers.
        RawWebSocket slow;
        QVERIFY(slow.open(m_server->url()));
        slow.sendText(encode(hello({CapabilityResume})));
        QVERIFY(slow.waitForText("welcome"));
        slow.sendText(requestText(QStringLiteral("s"), Op::AuthSignIn,
                                  {{QStringLiteral("username"), QStringLiteral("slow")},
                                   {QStringLiteral("password"), QStringLiteral("password-123")}}));
        QVERIFY(slow.waitForText("\"token\""));
        slow.sendText(requestText(QStringLiteral("j"), Op::RoomJoin, {{QStringLiteral("roomId"), roomId}}));
        QVERIFY(slow.waitForText("\"lastSeq\""));
        slow.socket().setReadBufferSize(16 * 1024);
        slow.socket().setSocketOption(QAbstractSocket::ReceiveBufferSizeSocketOption, 4096);

        TestClient fast;
        fast.setKeepEventData(false);
        QVERIFY(fast.connectTo(m_server->url()));
        QVERIFY(fast.signIn(QStringLiteral("fast"), QStringLiteral("password-123")));
        QCOMPARE(fast.request(Op::RoomJoin, {{QStringLiteral("roomId"), roomId}})->type, FrameType::Result);

        const QString text(16000, QLatin1Char('x'));
        constexpr int Batch = 32;
        constexpr int Batches = 100; // 3200 messages of 16 kB: about 50 MB of broadcasts
        auto sendBatch = [&](int batch) {
            QStringList ids;
            for (int i = 0; i < Batch; ++i)
                ids << fast.send(Op::MessageSend, {{QStringLiteral("roomId"), roomId},
                                                   {QStringLiteral("clientId"), QStringLiteral("m%1-%2").arg(batch).arg(i)},
                                                   {QStringLiteral("text"), text}});
            for (const QString &id : std::as_const(ids)) {
                const auto reply = fast.reply(id, 30000);
                if (!reply || reply->type != FrameType::Result)
                    return false;
            }
            return true;
        };
        QVERIFY(sendBatch(0)); // warm-up: caches and buffers reach their working size
        const qint64 rssBefore = Server::residentMemoryBytes();
        QVERIFY(rssBefore > 0);
        qint64 rssPeak = rssBefore;
        for (int batch = 1; batch < Batches; ++batch) {
            QVERIFY(sendBatch(batch));
            rssPeak = std::max(rssPeak, Server::residentMemoryBytes());
        }
        const qint64 growth = rssPeak - rssBefore;
        qInfo() << "RSS growth while pushing" << Batches * Batch * text.size() / (1024 * 1024) << "MB:"
                << growth / 1024 << "kB";

        // Cut off with 4003, and it is gone from the server.
        QCOMPARE(m_server->server().metrics().closes(CloseSlowConsumer), quint64(1));
        QTRY_COMPARE(m_server->server().connectionCount(), 1);
        QVERIFY2(growth < 30 * 1024 * 1024, qPrintable(QStringLiteral("RSS grew by %1 kB").arg(growth / 1024)));
        // The reading client got every event, in order.
        QVERIFY(fast.waitForEvents(Batches * Batch, 30000));
        const qint64 first = fast.events().first().seq;
        for (qsizetype i = 0; i < fast.events().size(); ++i)
            QCOMPARE(fast.events().at(i).seq, first + i);
    }
};

QTEST_GUILESS_MAIN(TestLimits)
#include "tst_limits.moc"
