// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
// The plain listener's own WebSocket over raw sockets: what a browser library would never send,
// partial writes to a slow reader, and no descriptor left behind.
#include "poller.h"
#include "rawwebsocket.h"
#include "sockettransport.h"
#include "testserver.h"

#include <QDir>
#include <QSignalSpy>
#include <QtEndian>
#include <QtTest>

#include <sys/socket.h>
#include <unistd.h>

using namespace Cohort;
using Cohort::Test::RawWebSocket;
using Cohort::Test::clientFrame;

namespace {

const QByteArray Hello = R"({"type":"hello","version":1,"capabilities":[]})";

int openDescriptors()
{
    return int(QDir(QStringLiteral("/proc/self/fd")).entryList(QDir::Files | QDir::System).size());
}

/// Reads what a server answered to a raw HTTP request, until it closes the connection.
QByteArray httpAnswer(QTcpSocket &socket)
{
    QByteArray answer;
    [[maybe_unused]] const bool closed = QTest::qWaitFor([&] {
        answer += socket.readAll();
        return socket.state() == QAbstractSocket::UnconnectedState;
    }, 10000);
    return answer + socket.readAll();
}

} // namespace

class TestSocketTransport : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<Test::TestServer> m_server;

    void startServer(int handshakeTimeoutSeconds = 10)
    {
        Server::ServerConfig config = Test::TestServer::testConfig();
        config.maxFrameBytes = 1024; // the hard limit, 1009 above, is 4096
        config.handshakeTimeoutSeconds = handshakeTimeoutSeconds;
        m_server = std::make_unique<Test::TestServer>();
        const QString problem = m_server->start(config);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }

    /// An upgraded raw client that said hello.
    std::unique_ptr<RawWebSocket> helloClient()
    {
        auto client = std::make_unique<RawWebSocket>();
        if (!client->open(m_server->url()))
            return nullptr;
        client->sendText(Hello);
        if (!client->waitForText("\"welcome\""))
            return nullptr;
        return client;
    }

private Q_SLOTS:
    void init() { startServer(); }
    void cleanup() { m_server.reset(); }

    void badHandshakesGetAClearAnswer_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<QByteArray>("status");
        const QByteArray upgrade = "Host: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n";
        const QByteArray key = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
        QTest::newRow("no key") << "GET / HTTP/1.1\r\n" + upgrade + "Sec-WebSocket-Version: 13\r\n\r\n"
                                << QByteArray("HTTP/1.1 400 ");
        QTest::newRow("wrong version") << "GET / HTTP/1.1\r\n" + upgrade + key + "Sec-WebSocket-Version: 7\r\n\r\n"
                                       << QByteArray("HTTP/1.1 426 ");
        QTest::newRow("not GET") << "PUT / HTTP/1.1\r\n" + upgrade + key + "Sec-WebSocket-Version: 13\r\n\r\n"
                                 << QByteArray("HTTP/1.1 405 ");
        QTest::newRow("plain HTTP") << QByteArray("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
                                    << QByteArray("HTTP/1.1 426 ");
        QTest::newRow("oversized") << "GET / HTTP/1.1\r\n" + upgrade + "X-Filler: " + QByteArray(20000, 'f')
                                   << QByteArray("HTTP/1.1 431 ");
    }

    void badHandshakesGetAClearAnswer()
    {
        QFETCH(QByteArray, request);
        QFETCH(QByteArray, status);
        QTcpSocket socket;
        socket.connectToHost(m_server->url().host(), quint16(m_server->url().port()));
        QVERIFY(socket.waitForConnected(5000));
        socket.write(request);
        const QByteArray answer = httpAnswer(socket);
        QVERIFY2(answer.startsWith(status), answer.constData());
        QVERIFY(answer.contains("Content-Length: "));
        QCOMPARE(socket.state(), QAbstractSocket::UnconnectedState);
        QTRY_COMPARE(m_server->server().connectionCount(), 0);
    }

    void slowlorisIsDroppedAfterTheHandshakeTimeout()
    {
        startServer(1);
        QTcpSocket socket;
        socket.connectToHost(m_server->url().host(), quint16(m_server->url().port()));
        QVERIFY(socket.waitForConnected(5000));
        QElapsedTimer elapsed;
        elapsed.start();
        socket.write("GET / HTTP/1.1\r\nHost: x\r\n"); // and never the rest
        QTRY_COMPARE_WITH_TIMEOUT(socket.state(), QAbstractSocket::UnconnectedState, 5000);
        QVERIFY2(elapsed.elapsed() >= 900, qPrintable(QString::number(elapsed.elapsed())));
        // Others are served meanwhile.
        QVERIFY(helloClient());
    }

    void clientRuleBreakersAreClosedWithTheRightCode_data()
    {
        QTest::addColumn<QByteArray>("frame");
        QTest::addColumn<int>("code");
        QTest::newRow("unmasked") << clientFrame(0x81, Hello, false) << 1002;
        QTest::newRow("rsv1") << clientFrame(0xC1, Hello) << 1002;
        QTest::newRow("opcode 5") << clientFrame(0x85, "x") << 1002;
        QTest::newRow("invalid utf-8") << clientFrame(0x81, QByteArray("{\"a\":\"\xff\xfe\"}")) << 1007;
        QTest::newRow("over the hard limit") << clientFrame(0x81, QByteArray(5000, ' ')) << 1009;
    }

    void clientRuleBreakersAreClosedWithTheRightCode()
    {
        QFETCH(QByteArray, frame);
        QFETCH(int, code);
        const std::unique_ptr<RawWebSocket> client = helloClient();
        QVERIFY(client);
        client->socket().write(frame);
        QCOMPARE(client->waitForClose(), std::optional<int>(code));
        QTRY_COMPARE(client->socket().state(), QAbstractSocket::UnconnectedState);
        QTRY_COMPARE(m_server->server().connectionCount(), 0);
    }

    void fragmentedMessageWithAPingInTheMiddle()
    {
        RawWebSocket client;
        QVERIFY(client.open(m_server->url()));
        const QByteArray half1 = Hello.first(10);
        const QByteArray half2 = Hello.sliced(10, 10);
        const QByteArray half3 = Hello.sliced(20);
        client.socket().write(clientFrame(0x01, half1) + clientFrame(0x89, "still there?") + clientFrame(0x00, half2));
        client.socket().write(clientFrame(0x80, half3));
        QVERIFY(client.waitForText("\"welcome\""));
        QCOMPARE(client.frames().constFirst().opcode, 10); // the pong came first, with our payload
        QCOMPARE(client.frames().constFirst().payload, QByteArray("still there?"));
    }

    void binaryFrameIsRefusedButTheConnectionStays()
    {
        const std::unique_ptr<RawWebSocket> client = helloClient();
        QVERIFY(client);
        client->socket().write(clientFrame(0x82, "\x01\x02"));
        QVERIFY(client->waitForText("binary frames are not supported"));
        client->sendText(R"({"type":"request","id":"t1","op":"time.sync","data":{"clientTime":1}})");
        QVERIFY(client->waitForText("\"t1\""));
    }

    void closeHandshakeEchoesTheCode()
    {
        const std::unique_ptr<RawWebSocket> client = helloClient();
        QVERIFY(client);
        QByteArray payload(2, Qt::Uninitialized);
        qToBigEndian(quint16(4321), payload.data());
        client->socket().write(clientFrame(0x88, payload + "bye"));
        QCOMPARE(client->waitForClose(), std::optional<int>(4321));
        QTRY_COMPARE(client->socket().state(), QAbstractSocket::UnconnectedState);
        QTRY_COMPARE(m_server->server().connectionCount(), 0);
    }

    void stopClosesWithGoingAway()
    {
        const std::unique_ptr<RawWebSocket> client = helloClient();
        QVERIFY(client);
        QVERIFY(m_server->stop());
        QCOMPARE(client->waitForClose(), std::optional<int>(1001));
        QTRY_COMPARE(client->socket().state(), QAbstractSocket::UnconnectedState);
    }

    void slowReaderGetsEveryByteInOrder()
    {
        // A socket pair with tiny buffers: most of the output has to wait in the queue.
        int fds[2];
        QCOMPARE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds), 0);
        const int small = 4096;
        ::setsockopt(fds[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
        ::setsockopt(fds[1], SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
        Server::Net::Poller poller;
        QVERIFY(poller.isValid());
        auto *transport = new Server::Net::SocketTransport(fds[0], QStringLiteral("pair"), poller, 1 << 20);
        const std::unique_ptr<Server::Net::SocketTransport> owner(transport);
        QSignalSpy upgraded(transport, &Server::Net::SocketTransport::upgraded);
        const QByteArray request = "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                   "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
        QCOMPARE(::write(fds[1], request.constData(), size_t(request.size())), ssize_t(request.size()));
        QTRY_COMPARE(upgraded.size(), 1);

        // 200 frames of 3000 bytes, each numbered, broadcast-style: one prepared frame each.
        QByteArray expected;
        for (int i = 0; i < 200; ++i) {
            const QByteArray text = QByteArray::number(i).rightJustified(5, '0') + QByteArray(2995, char('a' + i % 26));
            const PreparedText frame(text);
            transport->sendPrepared(frame);
            expected += frame.serverFrame();
        }
        QVERIFY(transport->pendingBytes() > 0);
        const qint64 queuedAtPeak = transport->pendingBytes();

        QByteArray received;
        char chunk[1000];
        QVERIFY(QTest::qWaitFor([&] {
            const ssize_t n = ::read(fds[1], chunk, sizeof chunk); // at most 1000 bytes per turn
            if (n > 0)
                received.append(chunk, n);
            QCoreApplication::processEvents();
            return received.size() >= expected.size() + 129; // + the 101 answer
        }, 30000));
        ::close(fds[1]);
        QVERIFY(received.startsWith("HTTP/1.1 101 "));
        QCOMPARE(received.sliced(received.indexOf("\r\n\r\n") + 4), expected);
        QCOMPARE(transport->pendingBytes(), 0);
        QVERIFY(queuedAtPeak > 100000);
    }

    void connectionsComeAndGoWithoutLeakingDescriptors()
    {
        QVERIFY(helloClient()); // warm up whatever Qt opens once
        QTRY_COMPARE(m_server->server().connectionCount(), 0);
        const int before = openDescriptors();
        for (int round = 0; round < 3; ++round) {
            std::vector<std::unique_ptr<RawWebSocket>> clients;
            for (int i = 0; i < 10; ++i) {
                clients.push_back(helloClient());
                QVERIFY(clients.back());
            }
            // Half leave with a close frame, half just drop the connection, one breaks a rule.
            for (int i = 0; i < 10; ++i) {
                if (i == 0)
                    clients[i]->socket().write(clientFrame(0x81, "x", false));
                else if (i % 2)
                    clients[i]->socket().write(clientFrame(0x88, QByteArray("\x03\xe8", 2)));
                else
                    clients[i]->socket().abort();
            }
            QTRY_COMPARE(m_server->server().connectionCount(), 0);
            // Refused upgrades too.
            QTcpSocket refused;
            refused.connectToHost(m_server->url().host(), quint16(m_server->url().port()));
            QVERIFY(refused.waitForConnected(5000));
            refused.write("GET / HTTP/1.1\r\n\r\n");
            QVERIFY(httpAnswer(refused).startsWith("HTTP/1.1 4"));
        }
        QTRY_COMPARE(openDescriptors(), before);
    }
};

QTEST_GUILESS_MAIN(TestSocketTransport)
#include "tst_sockettransport.moc"
