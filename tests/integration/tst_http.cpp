// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
// The operator's HTTP endpoint: /healthz and /metrics.
#include "storage.h"
#include "testclient.h"
#include "testserver.h"

#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QtTest>

using namespace Cohort;
using namespace Cohort::Protocol;
using Cohort::Test::TestClient;

namespace {

struct HttpAnswer
{
    int status = 0;
    QByteArray contentType;
    QByteArray body;
};

std::optional<HttpAnswer> get(quint16 port, const QString &path)
{
    QNetworkAccessManager network;
    std::unique_ptr<QNetworkReply> reply(
        network.get(QNetworkRequest(QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(port).arg(path)))));
    if (!QTest::qWaitFor([&] { return reply->isFinished(); }, 10000))
        return std::nullopt;
    return HttpAnswer{reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(),
                      reply->header(QNetworkRequest::ContentTypeHeader).toByteArray(), reply->readAll()};
}

/// The value of an unlabelled or labelled sample line in Prometheus text, or -1.
double sample(const QByteArray &metrics, const QByteArray &series)
{
    for (const QByteArray &line : metrics.split('\n')) {
        if (line.startsWith(series + ' '))
            return line.mid(series.size() + 1).toDouble();
    }
    return -1;
}

} // namespace

class TestHttp : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<Test::TestServer> m_server;

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void init()
    {
        m_server = std::make_unique<Test::TestServer>();
        QCOMPARE(m_server->start(), QString());
        QVERIFY(m_server->server().httpPort() != 0);
    }

    void cleanup() { m_server.reset(); }

    void healthzReportsOk()
    {
        const auto answer = get(m_server->server().httpPort(), QStringLiteral("/healthz"));
        QVERIFY(answer);
        QCOMPARE(answer->status, 200);
        QVERIFY(answer->contentType.contains("application/json"));
        const QJsonObject body = QJsonDocument::fromJson(answer->body).object();
        QCOMPARE(body.value(QStringLiteral("status")).toString(), QStringLiteral("ok"));
        QCOMPARE(body.value(QStringLiteral("database")).toString(), QStringLiteral("ok"));
    }

    void healthzReportsADeadDatabase()
    {
        m_server->server().storage().close();
        const auto answer = get(m_server->server().httpPort(), QStringLiteral("/healthz"));
        QVERIFY(answer);
        QCOMPARE(answer->status, 503);
        QCOMPARE(QJsonDocument::fromJson(answer->body).object().value(QStringLiteral("database")).toString(),
                 QStringLiteral("error"));
    }

    void metricsFollowActivity()
    {
        m_server->addUser(QStringLiteral("teacher"), Role::Instructor);
        TestClient client;
        QVERIFY(client.connectTo(m_server->url()));
        QVERIFY(client.signIn(QStringLiteral("teacher"), QStringLiteral("password-123")));
        bool ok = false;
        const QJsonObject course = client.call(Op::CourseCreate, {{QStringLiteral("name"), QStringLiteral("M")},
                                                                  {QStringLiteral("clientId"), QStringLiteral("m")}}, &ok)
                                       .value(QStringLiteral("course")).toObject();
        QVERIFY(ok);
        const QJsonObject room{{QStringLiteral("roomId"), course.value(QStringLiteral("roomId"))}};
        client.call(Op::RoomJoin, room, &ok);
        QVERIFY(ok);
        QJsonObject message = room;
        message.insert(QStringLiteral("clientId"), QStringLiteral("x"));
        message.insert(QStringLiteral("text"), QStringLiteral("counted"));
        client.call(Op::MessageSend, message, &ok);
        QVERIFY(ok);
        QVERIFY(client.request(Op::RoomJoin, {{QStringLiteral("roomId"), 999}})); // a not_found

        const auto answer = get(m_server->server().httpPort(), QStringLiteral("/metrics"));
        QVERIFY(answer);
        QCOMPARE(answer->status, 200);
        QVERIFY(answer->contentType.startsWith("text/plain"));
        const QByteArray &text = answer->body;
        QCOMPARE(sample(text, "cohort_connections"), 1.0);
        QCOMPARE(sample(text, "cohort_rooms_active"), 1.0);
        QCOMPARE(sample(text, "cohort_room_subscriptions"), 1.0);
        QCOMPARE(sample(text, "cohort_events_delivered_total"), 1.0);
        QCOMPARE(sample(text, "cohort_requests_total{op=\"message.send\"}"), 1.0);
        QCOMPARE(sample(text, "cohort_requests_total{op=\"room.join\"}"), 2.0);
        QCOMPARE(sample(text, "cohort_errors_total{code=\"not_found\"}"), 1.0);
        QCOMPARE(sample(text, "cohort_request_duration_seconds_count"), 5.0);
        QVERIFY(sample(text, "cohort_request_duration_seconds_bucket{le=\"+Inf\"}") == 5.0);
        QVERIFY(sample(text, "cohort_database_duration_seconds_count") >= 5.0);
        QVERIFY(sample(text, "process_resident_memory_bytes") > 1e6);
        QVERIFY(text.contains("# TYPE cohort_request_duration_seconds histogram"));
    }

    void unknownPathIs404()
    {
        const auto answer = get(m_server->server().httpPort(), QStringLiteral("/nothing"));
        QVERIFY(answer);
        QCOMPARE(answer->status, 404);
    }
};

QTEST_GUILESS_MAIN(TestHttp)
#include "tst_http.moc"
