// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
// The handshake and the envelope checks, over real WebSocket connections.
#include "testclient.h"
#include "testserver.h"

#include <QtTest>

using namespace Cohort;
using namespace Cohort::Protocol;
using Cohort::Test::TestClient;

class TestHandshake : public QObject
{
    Q_OBJECT

private:
    Test::TestServer m_server;

    /// A welcomed client; the test fails if it cannot connect.
    std::unique_ptr<TestClient> welcomed()
    {
        auto client = std::make_unique<TestClient>();
        if (!client->connectTo(m_server.url()))
            return nullptr;
        return client;
    }

    static void expectError(const std::optional<Frame> &frame, ErrorCode code)
    {
        QVERIFY2(frame, "no reply");
        QCOMPARE(frame->type, FrameType::Error);
        QCOMPARE(errorCodeName(frame->code), errorCodeName(code));
        QVERIFY(!frame->message.isEmpty());
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        const QString problem = m_server.start();
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }

    void helloGetsWelcome()
    {
        TestClient client;
        QVERIFY(client.open(m_server.url()));
        const auto welcome = client.hello();
        QVERIFY(welcome);
        QCOMPARE(welcome->type, FrameType::Welcome);
        QCOMPARE(welcome->version, Version);
        QVERIFY(welcome->capabilities.contains(CapabilityResume));
        QVERIFY(welcome->capabilities.contains(CapabilityIdempotency));
        const QJsonObject data = welcome->data;
        QCOMPARE(data.value(QStringLiteral("maxFrameBytes")).toInt(), m_server.server().config().maxFrameBytes);
        QCOMPARE(data.value(QStringLiteral("heartbeatSeconds")).toInt(), m_server.server().config().heartbeatSeconds);
        QVERIFY(qAbs(data.value(QStringLiteral("serverTime")).toInteger() - QDateTime::currentMSecsSinceEpoch()) < 60000);
        QVERIFY(data.value(QStringLiteral("setupRequired")).toBool()); // no admin exists in this server
        QVERIFY(data.value(QStringLiteral("signUp")).isBool());
    }

    void unsupportedVersionClosesWith4001()
    {
        TestClient client;
        QVERIFY(client.open(m_server.url()));
        const auto answer = client.hello(7);
        expectError(answer, ErrorCode::UnsupportedVersion);
        QVERIFY(answer->id.isEmpty());
        QVERIFY(answer->message.contains(QStringLiteral("7")));
        QVERIFY(client.waitForClosed());
        QCOMPARE(client.closeCode(), int(CloseUnsupportedVersion));
    }

    void requestBeforeHelloClosesWith4000()
    {
        TestClient client;
        QVERIFY(client.open(m_server.url()));
        const QString id = client.send(Op::TimeSync, {{QStringLiteral("clientTime"), 1}});
        expectError(client.reply(id), ErrorCode::BadRequest);
        QVERIFY(client.waitForClosed());
        QCOMPARE(client.closeCode(), int(CloseProtocolError));
    }

    void malformedJson()
    {
        auto client = welcomed();
        QVERIFY(client);
        client->sendText(QStringLiteral("{\"type\":\"request\",\"id\":"));
        expectError(client->connectionError(), ErrorCode::BadRequest);
        QVERIFY(client->connectionError()->message.contains(QStringLiteral("malformed JSON")));
        // The connection keeps working.
        expectError(client->request(Op::RoomList), ErrorCode::Unauthorized);
        QVERIFY(!client->isClosed());
    }

    void wrongFieldType()
    {
        auto client = welcomed();
        QVERIFY(client);
        const auto reply = client->request(Op::TimeSync, {{QStringLiteral("clientTime"), QStringLiteral("noon")}});
        expectError(reply, ErrorCode::BadRequest);
        QVERIFY(reply->message.contains(QStringLiteral("clientTime")));
    }

    void unknownOp()
    {
        auto client = welcomed();
        QVERIFY(client);
        client->sendText(QStringLiteral("{\"type\":\"request\",\"id\":\"u1\",\"op\":\"room.explode\",\"data\":{}}"));
        const auto reply = client->reply(QStringLiteral("u1"));
        expectError(reply, ErrorCode::BadRequest);
        QVERIFY(reply->message.contains(QStringLiteral("room.explode")));
    }

    void missingField()
    {
        auto client = welcomed();
        QVERIFY(client);
        const auto reply = client->request(Op::AuthSignIn, {{QStringLiteral("username"), QStringLiteral("ana")}});
        expectError(reply, ErrorCode::BadRequest);
        QVERIFY(reply->message.contains(QStringLiteral("password")));
    }

    void oversizedFrameIsRefusedButConnectionStaysUsable()
    {
        auto client = welcomed();
        QVERIFY(client);
        const int limit = m_server.server().config().maxFrameBytes;
        const QString padding(limit + 100, QLatin1Char('x'));
        client->sendText(QStringLiteral("{\"type\":\"request\",\"id\":\"big\",\"op\":\"time.sync\",\"data\":{\"clientTime\":1,\"pad\":\"%1\"}}").arg(padding));
        expectError(client->connectionError(), ErrorCode::TooLarge);
        const auto reply = client->request(Op::TimeSync, {{QStringLiteral("clientTime"), 5}});
        QVERIFY(reply);
        QCOMPARE(reply->type, FrameType::Result);
        QCOMPARE(reply->data.value(QStringLiteral("clientTime")).toInteger(), 5);
    }

    void hugeFrameClosesWith1009()
    {
        auto client = welcomed();
        QVERIFY(client);
        const int limit = m_server.server().config().maxFrameBytes;
        client->sendText(QString(4 * limit + 1000, QLatin1Char('x')));
        QVERIFY(client->waitForClosed());
        QCOMPARE(client->closeCode(), 1009);
    }

    void binaryFrameIsRefused()
    {
        auto client = welcomed();
        QVERIFY(client);
        client->socket().sendBinaryMessage(QByteArrayLiteral("\x01\x02\x03"));
        const auto err = client->connectionError();
        expectError(err, ErrorCode::BadRequest);
        QVERIFY(err->message.contains(QStringLiteral("binary")));
        QVERIFY(client->request(Op::TimeSync, {{QStringLiteral("clientTime"), 1}}));
    }

    void signedInOpsNeedSignIn()
    {
        auto client = welcomed();
        QVERIFY(client);
        expectError(client->request(Op::CourseList), ErrorCode::Unauthorized);
        expectError(client->request(Op::MessageSend, {{QStringLiteral("roomId"), 1},
                                                      {QStringLiteral("clientId"), QStringLiteral("c")},
                                                      {QStringLiteral("text"), QStringLiteral("hi")}}),
                    ErrorCode::Unauthorized);
    }

    void timeSyncBeforeSignIn()
    {
        auto client = welcomed();
        QVERIFY(client);
        const qint64 before = QDateTime::currentMSecsSinceEpoch();
        const auto reply = client->request(Op::TimeSync, {{QStringLiteral("clientTime"), before}});
        QVERIFY(reply);
        QCOMPARE(reply->type, FrameType::Result);
        QCOMPARE(reply->data.value(QStringLiteral("clientTime")).toInteger(), before);
        QVERIFY(reply->data.value(QStringLiteral("serverTime")).toInteger() >= before);
    }

    void secondHelloIsAnError()
    {
        auto client = welcomed();
        QVERIFY(client);
        client->hello();
        expectError(client->connectionError(), ErrorCode::BadRequest);
        QVERIFY(!client->isClosed());
    }

    void everyRequestAnsweredOnce()
    {
        auto client = welcomed();
        QVERIFY(client);
        QStringList ids;
        for (int i = 0; i < 20; ++i)
            ids << client->send(Op::TimeSync, {{QStringLiteral("clientTime"), i}});
        QVERIFY(client->reply(ids.last()));
        QVERIFY(client->request(Op::TimeSync, {{QStringLiteral("clientTime"), 99}}));
        for (const QString &id : std::as_const(ids)) {
            int replies = 0;
            for (const Frame &f : client->frames())
                replies += (f.type == FrameType::Result || f.type == FrameType::Error) && f.id == id;
            QCOMPARE(replies, 1);
        }
        QVERIFY(client->undecodable().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestHandshake)
#include "tst_handshake.moc"
