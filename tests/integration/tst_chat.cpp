// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
// Chat end to end: two or three real clients against a real server.
#include "testclient.h"
#include "testserver.h"

#include <QJsonArray>
#include <QtTest>

using namespace Cohort;
using namespace Cohort::Protocol;
using Cohort::Test::TestClient;

class TestChat : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<Test::TestServer> m_server;
    std::unique_ptr<TestClient> m_teacher; // owns the course
    std::unique_ptr<TestClient> m_ana;     // students in the course
    std::unique_ptr<TestClient> m_ben;
    qint64 m_courseId = 0;
    qint64 m_roomId = 0;
    int m_nextClientId = 0;

    std::unique_ptr<TestClient> signedIn(const QString &username)
    {
        auto client = std::make_unique<TestClient>();
        if (!client->connectTo(m_server->url()) || !client->signIn(username, QStringLiteral("password-123")))
            return nullptr;
        return client;
    }

    QString clientId() { return QStringLiteral("c-%1").arg(++m_nextClientId); }

    /// Sends a message; returns its seq or 0.
    qint64 send(TestClient &client, const QString &text, qint64 threadRoot = 0, qint64 room = 0)
    {
        QJsonObject data{{QStringLiteral("roomId"), room ? room : m_roomId},
                         {QStringLiteral("clientId"), clientId()},
                         {QStringLiteral("text"), text}};
        if (threadRoot)
            data.insert(QStringLiteral("threadRoot"), threadRoot);
        bool ok = false;
        const QJsonObject result = client.call(Op::MessageSend, data, &ok);
        return ok ? result.value(QStringLiteral("seq")).toInteger() : 0;
    }

    QJsonObject roomEntry(TestClient &client, qint64 room)
    {
        bool ok = false;
        const QJsonArray rooms = client.call(Op::RoomList, {}, &ok).value(QStringLiteral("rooms")).toArray();
        for (const QJsonValue &entry : rooms) {
            if (entry.toObject().value(QStringLiteral("id")).toInteger() == room)
                return entry.toObject();
        }
        return {};
    }

    QJsonObject history(TestClient &client, QJsonObject query)
    {
        if (!query.contains(QStringLiteral("roomId")))
            query.insert(QStringLiteral("roomId"), m_roomId);
        bool ok = false;
        const QJsonObject result = client.call(Op::MessageHistory, query, &ok);
        return ok ? result : QJsonObject();
    }

    static QList<qint64> seqs(const QJsonObject &page)
    {
        QList<qint64> result;
        const QJsonArray messages = page.value(QStringLiteral("messages")).toArray();
        for (const QJsonValue &message : messages)
            result.append(message.toObject().value(QStringLiteral("seq")).toInteger());
        return result;
    }

    static void expectError(const std::optional<Frame> &frame, ErrorCode code)
    {
        QVERIFY2(frame, "no reply");
        QCOMPARE(frame->type, FrameType::Error);
        QCOMPARE(errorCodeName(frame->code), errorCodeName(code));
        QVERIFY(!frame->message.isEmpty());
    }

    bool join(TestClient &client, qint64 room = 0)
    {
        const auto reply = client.request(Op::RoomJoin, {{QStringLiteral("roomId"), room ? room : m_roomId}});
        return reply && reply->type == FrameType::Result;
    }

    /// Waits for an event of that name and returns it (the newest one).
    static std::optional<Frame> waitForEvent(TestClient &client, const QString &name, int timeoutMs = 5000)
    {
        auto find = [&]() -> std::optional<Frame> {
            for (qsizetype i = client.events().size() - 1; i >= 0; --i) {
                if (client.events().at(i).event == name)
                    return client.events().at(i);
            }
            return std::nullopt;
        };
        if (!QTest::qWaitFor([&] { return find().has_value(); }, timeoutMs))
            return std::nullopt;
        return find();
    }

    void startServer(Server::ServerConfig config = Test::TestServer::testConfig())
    {
        m_server = std::make_unique<Test::TestServer>();
        QCOMPARE(m_server->start(config), QString());
        QVERIFY(m_server->addUser(QStringLiteral("teacher"), Role::Instructor).isValid());
        QVERIFY(m_server->addUser(QStringLiteral("ana"), Role::Student).isValid());
        QVERIFY(m_server->addUser(QStringLiteral("ben"), Role::Student).isValid());
        m_teacher = signedIn(QStringLiteral("teacher"));
        m_ana = signedIn(QStringLiteral("ana"));
        m_ben = signedIn(QStringLiteral("ben"));
        QVERIFY(m_teacher && m_ana && m_ben);
        bool ok = false;
        const QJsonObject course =
            m_teacher->call(Op::CourseCreate, {{QStringLiteral("name"), QStringLiteral("Physics 101")},
                                               {QStringLiteral("clientId"), QStringLiteral("course-1")}}, &ok)
                .value(QStringLiteral("course")).toObject();
        QVERIFY(ok);
        m_courseId = course.value(QStringLiteral("id")).toInteger();
        m_roomId = course.value(QStringLiteral("roomId")).toInteger();
        m_teacher->call(Op::CourseEnroll, {{QStringLiteral("courseId"), m_courseId},
                                           {QStringLiteral("usernames"), QJsonArray{QStringLiteral("ana"), QStringLiteral("ben")}}},
                        &ok);
        QVERIFY(ok);
    }

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void init() { startServer(); }

    void cleanup()
    {
        m_teacher.reset();
        m_ana.reset();
        m_ben.reset();
        m_server.reset();
    }

    void welcomeAnnouncesChat()
    {
        TestClient client;
        QVERIFY(client.open(m_server->url()));
        const auto welcome = client.hello();
        QVERIFY(welcome);
        QVERIFY(welcome->capabilities.contains(CapabilityChat));
    }

    void roomListCarriesUnreadMentionsAndLastMessage()
    {
        // Enrolment made two member.joined system messages (2 and 3 are ana's and ben's).
        QVERIFY(send(*m_ana, QStringLiteral("hello @teacher and @nobody")) > 0);
        QVERIFY(send(*m_ben, QStringLiteral("@room the quiz is tomorrow")) > 0);
        const qint64 own = send(*m_teacher, QStringLiteral("my own message"));
        QVERIFY(own > 0);
        QJsonObject entry = roomEntry(*m_teacher, m_roomId);
        QCOMPARE(entry.value(QStringLiteral("kind")).toString(), QStringLiteral("course"));
        QCOMPARE(entry.value(QStringLiteral("myRole")).toString(), QStringLiteral("owner"));
        QCOMPARE(entry.value(QStringLiteral("memberCount")).toInt(), 3);
        QCOMPARE(entry.value(QStringLiteral("unread")).toInt(), 2);
        QCOMPARE(entry.value(QStringLiteral("mentions")).toInt(), 2);
        QCOMPARE(entry.value(QStringLiteral("lastRead")).toInteger(), 0);
        QCOMPARE(entry.value(QStringLiteral("lastSeq")).toInteger(), own);
        QVERIFY(entry.value(QStringLiteral("peer")).isNull());
        const QJsonObject last = entry.value(QStringLiteral("lastMessage")).toObject();
        QCOMPARE(last.value(QStringLiteral("seq")).toInteger(), own);
        QCOMPARE(last.value(QStringLiteral("text")).toString(), QStringLiteral("my own message"));
        QCOMPARE(last.value(QStringLiteral("senderName")).toString(), QStringLiteral("TEACHER"));

        entry = roomEntry(*m_ana, m_roomId);
        QCOMPARE(entry.value(QStringLiteral("myRole")).toString(), QStringLiteral("member"));
        QCOMPARE(entry.value(QStringLiteral("unread")).toInt(), 2);
        QCOMPARE(entry.value(QStringLiteral("mentions")).toInt(), 1); // @room only
    }

    void messagesCarryMentionsAndThreads()
    {
        QVERIFY(join(*m_ana));
        const qint64 root = send(*m_teacher, QStringLiteral("Question for @ana. And @BEN, and @ghost"));
        QVERIFY(root > 0);
        auto created = waitForEvent(*m_ana, EventMessageCreated);
        QVERIFY(created);
        QCOMPARE(created->seq, root);
        QCOMPARE(created->data.value(QStringLiteral("threadRoot")).toInteger(), 0);
        QCOMPARE(userIdsFromJson(created->data.value(QStringLiteral("mentions")).toArray()).size(), 2);
        QCOMPARE(created->data.value(QStringLiteral("mentionsRoom")).toBool(), false);

        m_ana->clearEvents();
        const qint64 reply = send(*m_ben, QStringLiteral("in the thread"), root);
        QVERIFY(reply > 0);
        created = waitForEvent(*m_ana, EventMessageCreated);
        QVERIFY(created);
        QCOMPARE(created->data.value(QStringLiteral("threadRoot")).toInteger(), root);
        // Replies go to a top-level message that exists.
        expectError(m_ben->request(Op::MessageSend, {{QStringLiteral("roomId"), m_roomId},
                                                     {QStringLiteral("clientId"), clientId()},
                                                     {QStringLiteral("text"), QStringLiteral("x")},
                                                     {QStringLiteral("threadRoot"), reply}}),
                    ErrorCode::BadRequest);
        expectError(m_ben->request(Op::MessageSend, {{QStringLiteral("roomId"), m_roomId},
                                                     {QStringLiteral("clientId"), clientId()},
                                                     {QStringLiteral("text"), QStringLiteral("x")},
                                                     {QStringLiteral("threadRoot"), 999}}),
                    ErrorCode::NotFound);

        // The timeline holds the root (with its reply count), the thread holds both.
        const QJsonObject timeline = history(*m_ana, {});
        QVERIFY(!seqs(timeline).contains(reply));
        const QJsonObject rootMessage = timeline.value(QStringLiteral("messages")).toArray().last().toObject();
        QCOMPARE(rootMessage.value(QStringLiteral("seq")).toInteger(), root);
        QCOMPARE(rootMessage.value(QStringLiteral("replyCount")).toInt(), 1);
        QVERIFY(rootMessage.value(QStringLiteral("lastReplyTs")).toInteger() > 0);
        QCOMPARE(rootMessage.value(QStringLiteral("sender")).toObject().value(QStringLiteral("username")).toString(),
                 QStringLiteral("teacher"));
        const QJsonObject thread = history(*m_ana, {{QStringLiteral("threadRoot"), root}});
        QCOMPARE(seqs(thread), QList<qint64>({root, reply}));
    }

    void historyPagesBackwardsAndAround()
    {
        // Seq 1 and 2 are the member.joined system messages of the enrolment.
        const QJsonObject start = history(*m_ana, {});
        QCOMPARE(seqs(start), QList<qint64>({1, 2}));
        const QJsonObject system = start.value(QStringLiteral("messages")).toArray().first().toObject();
        QCOMPARE(system.value(QStringLiteral("system")).toObject().value(QStringLiteral("event")).toString(),
                 QStringLiteral("member.joined"));
        QCOMPARE(system.value(QStringLiteral("text")).toString(), QString());

        for (int i = 0; i < 30; ++i)
            QCOMPARE(send(*m_ben, QStringLiteral("m%1").arg(i)), 3 + i);
        QJsonObject page = history(*m_ana, {{QStringLiteral("limit"), 10}});
        QCOMPARE(seqs(page).first(), 23);
        QCOMPARE(seqs(page).last(), 32);
        QVERIFY(page.value(QStringLiteral("hasMoreBefore")).toBool());
        QVERIFY(!page.value(QStringLiteral("hasMoreAfter")).toBool());
        // Scrolling back page by page reaches the start with nothing skipped.
        QList<qint64> all = seqs(page);
        while (page.value(QStringLiteral("hasMoreBefore")).toBool()) {
            page = history(*m_ana, {{QStringLiteral("limit"), 10}, {QStringLiteral("before"), all.first()}});
            all = seqs(page) + all;
        }
        QCOMPARE(all.size(), 32);
        for (int i = 0; i < all.size(); ++i)
            QCOMPARE(all.at(i), i + 1);

        page = history(*m_ana, {{QStringLiteral("limit"), 5}, {QStringLiteral("around"), 15}});
        QCOMPARE(seqs(page), QList<qint64>({13, 14, 15, 16, 17}));
        page = history(*m_ana, {{QStringLiteral("limit"), 5}, {QStringLiteral("after"), 30}});
        QCOMPARE(seqs(page), QList<qint64>({31, 32}));
        expectError(m_ana->request(Op::MessageHistory, {{QStringLiteral("roomId"), m_roomId},
                                                        {QStringLiteral("around"), 5},
                                                        {QStringLiteral("before"), 9}}),
                    ErrorCode::BadRequest);
        expectError(m_ana->request(Op::MessageHistory, {{QStringLiteral("roomId"), m_roomId},
                                                        {QStringLiteral("limit"), 101}}),
                    ErrorCode::BadRequest);
        expectError(m_ana->request(Op::MessageHistory, {{QStringLiteral("roomId"), m_roomId},
                                                        {QStringLiteral("threadRoot"), 999}}),
                    ErrorCode::NotFound);
    }

    void rateLimitPerUser()
    {
        Server::ServerConfig config = Test::TestServer::testConfig();
        config.messagesPerMinute = 5;
        cleanup();
        startServer(config);
        // The limit is the user's, over all their connections.
        auto second = signedIn(QStringLiteral("ana"));
        QVERIFY(second);
        for (int i = 0; i < 5; ++i)
            QVERIFY(send(i % 2 ? *second : *m_ana, QStringLiteral("m%1").arg(i)) > 0);
        const auto limited = m_ana->request(Op::MessageSend, {{QStringLiteral("roomId"), m_roomId},
                                                              {QStringLiteral("clientId"), clientId()},
                                                              {QStringLiteral("text"), QStringLiteral("one more")}});
        expectError(limited, ErrorCode::RateLimited);
        QVERIFY(limited->retryAfterMs > 0);
        QVERIFY(limited->retryAfterMs <= 12000);
        QVERIFY(limited->message.contains(QStringLiteral("5 messages per minute")));
        // Other users are not affected.
        QVERIFY(send(*m_ben, QStringLiteral("still fine")) > 0);
    }
};

QTEST_GUILESS_MAIN(TestChat)
#include "tst_chat.moc"
