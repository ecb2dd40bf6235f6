// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
// Attachments: upload over HTTP with the session token, a message carrying the file, download
// by another member; the size limit, non-members and anonymous requests are refused.
#include "testclient.h"
#include "testserver.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QUrlQuery>
#include <QtTest>

using namespace Cohort;
using namespace Cohort::Protocol;
using Cohort::Test::TestClient;

namespace {

struct HttpAnswer
{
    int status = 0;
    QByteArray body;
    QByteArray contentType;
    QByteArray disposition;
};

} // namespace

class TestAttachments : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<Test::TestServer> m_server;
    std::unique_ptr<TestClient> m_ana;   // student, course member
    std::unique_ptr<TestClient> m_ben;   // student, course member
    std::unique_ptr<TestClient> m_olga;  // student in no course
    QNetworkAccessManager m_network;
    qint64 m_roomId = 0;

    std::unique_ptr<TestClient> signedIn(const QString &username)
    {
        auto client = std::make_unique<TestClient>();
        if (!client->connectTo(m_server->url()) || !client->signIn(username, QStringLiteral("password-123")))
            return nullptr;
        return client;
    }

    QUrl url(const QString &path, const QList<std::pair<QString, QString>> &query) const
    {
        QUrl result(QStringLiteral("http://127.0.0.1:%1%2").arg(m_server->server().httpPort()).arg(path));
        QUrlQuery items;
        for (const auto &[key, value] : query)
            items.addQueryItem(key, value);
        result.setQuery(items);
        return result;
    }

    static QString token(const TestClient *client)
    {
        return client ? client->session().value(QStringLiteral("token")).toString() : QString();
    }

    HttpAnswer finish(QNetworkReply *reply)
    {
        HttpAnswer answer;
        if (!QTest::qWaitFor([reply] { return reply->isFinished(); }, 10000))
            return answer;
        answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        answer.body = reply->readAll();
        answer.contentType = reply->rawHeader("Content-Type");
        answer.disposition = reply->rawHeader("Content-Disposition");
        reply->deleteLater();
        return answer;
    }

    HttpAnswer upload(const TestClient *client, qint64 room, const QString &name, const QByteArray &bytes)
    {
        QNetworkRequest request(url(QStringLiteral("/attachments"),
                                    {{QStringLiteral("roomId"), QString::number(room)}, {QStringLiteral("name"), name}}));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("image/png"));
        if (client)
            request.setRawHeader("Authorization", "Bearer " + token(client).toLatin1());
        return finish(m_network.post(request, bytes));
    }

    HttpAnswer download(const TestClient *client, qint64 room, const QString &id)
    {
        QNetworkRequest request(url(QStringLiteral("/attachments/") + id, {{QStringLiteral("roomId"), QString::number(room)}}));
        if (client)
            request.setRawHeader("Authorization", "Bearer " + token(client).toLatin1());
        return finish(m_network.get(request));
    }

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void init()
    {
        Server::ServerConfig config = Test::TestServer::testConfig();
        config.maxAttachmentBytes = 64 * 1024;
        m_server = std::make_unique<Test::TestServer>();
        QCOMPARE(m_server->start(config), QString());
        QVERIFY(m_server->addUser(QStringLiteral("teacher"), Role::Instructor).isValid());
        for (const char *name : {"ana", "ben", "olga"})
            QVERIFY(m_server->addUser(QString::fromLatin1(name), Role::Student).isValid());
        auto teacher = signedIn(QStringLiteral("teacher"));
        m_ana = signedIn(QStringLiteral("ana"));
        m_ben = signedIn(QStringLiteral("ben"));
        m_olga = signedIn(QStringLiteral("olga"));
        QVERIFY(teacher && m_ana && m_ben && m_olga);
        bool ok = false;
        const QJsonObject course = teacher->call(Op::CourseCreate, {{QStringLiteral("name"), QStringLiteral("Art")},
                                                                    {QStringLiteral("clientId"), QStringLiteral("c")}}, &ok)
                                       .value(QStringLiteral("course")).toObject();
        QVERIFY(ok);
        m_roomId = course.value(QStringLiteral("roomId")).toInteger();
        teacher->call(Op::CourseEnroll, {{QStringLiteral("courseId"), course.value(QStringLiteral("id")).toInteger()},
                                         {QStringLiteral("usernames"), QJsonArray{QStringLiteral("ana"), QStringLiteral("ben")}}}, &ok);
        QVERIFY(ok);
    }

    void cleanup()
    {
        m_ana.reset();
        m_ben.reset();
        m_olga.reset();
        m_server.reset();
    }

    void welcomeAnnouncesTheUploadPort()
    {
        TestClient client;
        QVERIFY(client.open(m_server->url()));
        const auto welcome = client.hello();
        QVERIFY(welcome);
        const QJsonObject attachments = welcome->data.value(QStringLiteral("attachments")).toObject();
        QCOMPARE(attachments.value(QStringLiteral("port")).toInt(), m_server->server().httpPort());
        QCOMPARE(attachments.value(QStringLiteral("maxBytes")).toInteger(), 64 * 1024);
    }

    void uploadSendAndDownload()
    {
        QByteArray bytes(5000, '\0');
        for (int i = 0; i < bytes.size(); ++i)
            bytes[i] = static_cast<char>(i * 7);
        const HttpAnswer uploaded = upload(m_ana.get(), m_roomId, QStringLiteral("../../diagram ü.png"), bytes);
        QCOMPARE(uploaded.status, 201);
        const QJsonObject attachment = QJsonDocument::fromJson(uploaded.body).object();
        const QString id = attachment.value(QStringLiteral("id")).toString();
        QCOMPARE(id, QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex()));
        QCOMPARE(attachment.value(QStringLiteral("name")).toString(), QStringLiteral("diagram ü.png")); // no path
        QCOMPARE(attachment.value(QStringLiteral("size")).toInteger(), bytes.size());
        QCOMPARE(attachment.value(QStringLiteral("mime")).toString(), QStringLiteral("image/png"));
        QVERIFY(QFile::exists(m_server->dataDir() + QStringLiteral("/attachments/") + id.left(2) + QLatin1Char('/') + id));

        QCOMPARE(m_ben->request(Op::RoomJoin, {{QStringLiteral("roomId"), m_roomId}})->type, FrameType::Result);
        bool ok = false;
        const qint64 seq = m_ana->call(Op::MessageSend, {{QStringLiteral("roomId"), m_roomId}, {QStringLiteral("clientId"), QStringLiteral("m1")},
                                                         {QStringLiteral("text"), QStringLiteral("the diagram")},
                                                         {QStringLiteral("attachments"), QJsonArray{id}}}, &ok)
                               .value(QStringLiteral("seq")).toInteger();
        QVERIFY(ok);
        QVERIFY(QTest::qWaitFor([&] { return !m_ben->events().isEmpty() && m_ben->events().last().seq == seq; }, 5000));
        const QJsonArray carried = m_ben->events().last().data.value(QStringLiteral("attachments")).toArray();
        QCOMPARE(carried.size(), 1);
        QCOMPARE(carried.first().toObject(), attachment);
        const QJsonArray history = m_ben->call(Op::MessageHistory, {{QStringLiteral("roomId"), m_roomId}}, &ok)
                                       .value(QStringLiteral("messages")).toArray();
        QCOMPARE(history.last().toObject().value(QStringLiteral("attachments")).toArray().first().toObject(), attachment);
        // has:file finds it now.
        QCOMPARE(m_ben->call(Op::MessageSearch, {{QStringLiteral("query"), QStringLiteral("has:file")}}, &ok)
                     .value(QStringLiteral("results")).toArray().size(), 1);

        const HttpAnswer fetched = download(m_ben.get(), m_roomId, id);
        QCOMPARE(fetched.status, 200);
        QCOMPARE(fetched.body, bytes);
        QCOMPARE(fetched.contentType, QByteArrayLiteral("image/png"));
        QVERIFY(fetched.disposition.startsWith("attachment; filename*=UTF-8''diagram%20%C3%BC.png"));
    }

    void refusals()
    {
        const QByteArray bytes("hello");
        // Anonymous, a non-member, a file over the limit, an empty file.
        QCOMPARE(upload(nullptr, m_roomId, QStringLiteral("a.txt"), bytes).status, 401);
        QCOMPARE(upload(m_olga.get(), m_roomId, QStringLiteral("a.txt"), bytes).status, 404);
        QCOMPARE(upload(m_ana.get(), m_roomId, QStringLiteral("big.bin"), QByteArray(64 * 1024 + 1, 'x')).status, 413);
        QCOMPARE(upload(m_ana.get(), m_roomId, QStringLiteral("empty.txt"), QByteArray()).status, 400);
        QCOMPARE(upload(m_ana.get(), m_roomId, QString(), bytes).status, 400);

        const HttpAnswer uploaded = upload(m_ana.get(), m_roomId, QStringLiteral("a.txt"), bytes);
        QCOMPARE(uploaded.status, 201);
        const QString id = QJsonDocument::fromJson(uploaded.body).object().value(QStringLiteral("id")).toString();
        QCOMPARE(download(nullptr, m_roomId, id).status, 401);
        QCOMPARE(download(m_olga.get(), m_roomId, id).status, 404);
        QCOMPARE(download(m_ben.get(), m_roomId, QString(64, QLatin1Char('0'))).status, 404);
        QCOMPARE(download(m_ben.get(), m_roomId, QStringLiteral("../../cohort.sqlite")).status, 404);
        QCOMPARE(download(m_ben.get(), m_roomId, id).status, 200);

        // Olga's own direct room with ana cannot carry a file uploaded to the course room.
        bool ok = false;
        const qint64 direct = m_olga->call(Op::RoomDirect, {{QStringLiteral("userId"),
                                                             m_ana->session().value(QStringLiteral("user")).toObject().value(QStringLiteral("id")).toInteger()}}, &ok)
                                  .value(QStringLiteral("room")).toObject().value(QStringLiteral("id")).toInteger();
        QVERIFY(ok);
        const auto refused = m_olga->request(Op::MessageSend, {{QStringLiteral("roomId"), direct}, {QStringLiteral("clientId"), QStringLiteral("x")},
                                                               {QStringLiteral("text"), QStringLiteral("look")},
                                                               {QStringLiteral("attachments"), QJsonArray{id}}});
        QVERIFY(refused && refused->type == FrameType::Error);
        QCOMPARE(errorCodeName(refused->code), errorCodeName(ErrorCode::NotFound));
        QCOMPARE(download(m_olga.get(), direct, id).status, 404);
    }
};

QTEST_GUILESS_MAIN(TestAttachments)
#include "tst_attachments.moc"
