// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
// Resume after a dropped connection and idempotent writes.
#include "testclient.h"
#include "metrics.h"
#include "testserver.h"

#include <QJsonArray>
#include <QtTest>

using namespace Cohort;
using namespace Cohort::Protocol;
using Cohort::Test::TestClient;

class TestResume : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<Test::TestServer> m_server;
    qint64 m_roomId = 0;

    std::unique_ptr<TestClient> signedIn(const QString &username)
    {
        auto client = std::make_unique<TestClient>();
        if (!client->connectTo(m_server->url()) || !client->signIn(username, QStringLiteral("password-123")))
            return nullptr;
        return client;
    }

    QJsonObject message(const QString &clientId, const QString &text) const
    {
        return {{QStringLiteral("roomId"), m_roomId}, {QStringLiteral("clientId"), clientId}, {QStringLiteral("text"), text}};
    }

    std::optional<Frame> join(TestClient &client, std::optional<qint64> since = std::nullopt)
    {
        QJsonObject data{{QStringLiteral("roomId"), m_roomId}};
        if (since)
            data.insert(QStringLiteral("since"), *since);
        return client.request(Op::RoomJoin, data);
    }

    /// Sends `count` messages pipelined and waits for every acknowledgement; returns their seqs.
    QList<qint64> sendMany(TestClient &client, int count, const QString &prefix)
    {
        QStringList ids;
        for (int i = 0; i < count; ++i)
            ids << client.send(Op::MessageSend, message(prefix + QString::number(i), prefix + QStringLiteral(" #%1").arg(i)));
        QList<qint64> seqs;
        for (const QString &id : std::as_const(ids)) {
            const auto reply = client.reply(id);
            if (!reply || reply->type != FrameType::Result)
                return {};
            seqs << reply->data.value(QStringLiteral("seq")).toInteger();
        }
        return seqs;
    }

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void init()
    {
        Server::ServerConfig config = Test::TestServer::testConfig();
        config.resumeWindow = 100;
        config.requestBurst = 1000;
        config.requestsPerSecond = 1000;
        m_server = std::make_unique<Test::TestServer>();
        const QString problem = m_server->start(config);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QVERIFY(m_server->addUser(QStringLiteral("teacher"), Role::Instructor).isValid());
        QVERIFY(m_server->addUser(QStringLiteral("ana"), Role::Student).isValid());
        auto teacher = signedIn(QStringLiteral("teacher"));
        QVERIFY(teacher);
        bool ok = false;
        const QJsonObject course = teacher->call(Op::CourseCreate, {{QStringLiteral("name"), QStringLiteral("Chem")},
                                                                    {QStringLiteral("clientId"), QStringLiteral("c")}}, &ok)
                                       .value(QStringLiteral("course")).toObject();
        QVERIFY(ok);
        m_roomId = course.value(QStringLiteral("roomId")).toInteger();
        teacher->call(Op::CourseEnroll, {{QStringLiteral("courseId"), course.value(QStringLiteral("id"))},
                                         {QStringLiteral("usernames"), QJsonArray{QStringLiteral("ana")}}}, &ok);
        QVERIFY(ok);
    }

    void cleanup() { m_server.reset(); }

    void resumeDeliversEveryMissedEventOnceInOrder()
    {
        auto a = signedIn(QStringLiteral("ana"));
        auto b = signedIn(QStringLiteral("teacher"));
        QVERIFY(a && b);
        const auto joined = join(*a, 0);
        QVERIFY(joined && joined->type == FrameType::Result);
        QVERIFY(join(*b));
        // A has seen everything so far (the member.joined event).
        const qint64 seen = joined->data.value(QStringLiteral("lastSeq")).toInteger();
        QCOMPARE(a->events().size(), seen);

        a.reset(); // the connection drops
        const QList<qint64> seqs = sendMany(*b, 50, QStringLiteral("b"));
        QCOMPARE(seqs.size(), 50);
        for (int i = 0; i < seqs.size(); ++i)
            QCOMPARE(seqs.at(i), seen + 1 + i);

        auto again = signedIn(QStringLiteral("ana"));
        QVERIFY(again);
        const auto resumed = join(*again, seen);
        QVERIFY(resumed);
        QCOMPARE(resumed->type, FrameType::Result);
        QCOMPARE(resumed->data.value(QStringLiteral("reset")).toBool(), false);
        QCOMPARE(resumed->data.value(QStringLiteral("lastSeq")).toInteger(), seen + 50);
        // Exactly the 50 missed events, before the result, in order, no duplicates.
        QCOMPARE(again->events().size(), 50);
        for (int i = 0; i < 50; ++i) {
            QCOMPARE(again->events().at(i).seq, seen + 1 + i);
            QCOMPARE(again->events().at(i).data.value(QStringLiteral("text")).toString(), QStringLiteral("b #%1").arg(i));
        }
        // Then live events follow without a gap.
        QCOMPARE(sendMany(*b, 3, QStringLiteral("live")).size(), 3);
        QVERIFY(again->waitForEvents(53));
        for (int i = 0; i < again->events().size(); ++i)
            QCOMPARE(again->events().at(i).seq, seen + 1 + i);
    }

    void resetBeyondResumeWindow()
    {
        auto b = signedIn(QStringLiteral("teacher"));
        QVERIFY(b);
        QVERIFY(join(*b));
        QCOMPARE(sendMany(*b, 150, QStringLiteral("m")).size(), 150);
        auto a = signedIn(QStringLiteral("ana"));
        QVERIFY(a);
        const auto resumed = join(*a, 1);
        QVERIFY(resumed);
        QCOMPARE(resumed->type, FrameType::Result);
        QVERIFY(resumed->data.value(QStringLiteral("reset")).toBool());
        const qint64 last = resumed->data.value(QStringLiteral("lastSeq")).toInteger();
        QCOMPARE(a->events().size(), 100); // the newest window only
        QCOMPARE(a->events().first().seq, last - 99);
        QCOMPARE(a->events().last().seq, last);
    }

    void replayMayExceedThePendingLimit()
    {
        // 100 events of about 4 kB: far more than the 64 kB limit, queued in one go.
        Server::ServerConfig config = Test::TestServer::testConfig();
        config.resumeWindow = 100;
        config.maxPendingBytesPerConnection = 64 * 1024;
        config.requestsPerSecond = 1000;
        config.requestBurst = 1000;
        m_server = std::make_unique<Test::TestServer>();
        QCOMPARE(m_server->start(config), QString());
        QVERIFY(m_server->addUser(QStringLiteral("teacher"), Role::Instructor).isValid());
        auto b = signedIn(QStringLiteral("teacher"));
        QVERIFY(b);
        bool ok = false;
        m_roomId = b->call(Op::CourseCreate, {{QStringLiteral("name"), QStringLiteral("Big")},
                                              {QStringLiteral("clientId"), QStringLiteral("big")}}, &ok)
                       .value(QStringLiteral("course")).toObject().value(QStringLiteral("roomId")).toInteger();
        QVERIFY(ok);
        const QString text(4000, QLatin1Char('y'));
        QStringList ids;
        for (int i = 0; i < 100; ++i)
            ids << b->send(Op::MessageSend, message(QStringLiteral("big%1").arg(i), text));
        for (const QString &id : std::as_const(ids))
            QCOMPARE(b->reply(id)->type, FrameType::Result);

        auto a = signedIn(QStringLiteral("teacher"));
        QVERIFY(a);
        const auto resumed = join(*a, 0);
        QVERIFY(resumed);
        QCOMPARE(resumed->type, FrameType::Result);
        QCOMPARE(a->events().size(), 100);
        QVERIFY(!a->isClosed());
        QCOMPARE(m_server->server().metrics().closes(CloseSlowConsumer), quint64(0));
    }

    void joinWithoutSinceReplaysNothing()
    {
        auto b = signedIn(QStringLiteral("teacher"));
        QVERIFY(b);
        QCOMPARE(sendMany(*b, 5, QStringLiteral("m")).size(), 5);
        auto a = signedIn(QStringLiteral("ana"));
        QVERIFY(a);
        const auto joined = join(*a);
        QVERIFY(joined);
        QCOMPARE(joined->data.value(QStringLiteral("reset")).toBool(), false);
        QCOMPARE(a->events().size(), 0);
    }

    void sinceAheadOfTheRoomResets()
    {
        auto b = signedIn(QStringLiteral("teacher"));
        QVERIFY(b);
        QCOMPARE(sendMany(*b, 5, QStringLiteral("m")).size(), 5);
        auto a = signedIn(QStringLiteral("ana"));
        QVERIFY(a);
        // A cache from before the database was restored from a backup: newer than the room.
        const auto joined = join(*a, 1000);
        QVERIFY(joined);
        QCOMPARE(joined->type, FrameType::Result);
        QVERIFY(joined->data.value(QStringLiteral("reset")).toBool());
        const qint64 last = joined->data.value(QStringLiteral("lastSeq")).toInteger();
        QCOMPARE(a->events().size(), last);
        QCOMPARE(a->events().last().seq, last);
    }

    void joiningAgainReplaysNothing()
    {
        auto b = signedIn(QStringLiteral("teacher"));
        QVERIFY(b);
        QVERIFY(join(*b, 0));
        const qsizetype seen = b->events().size();
        QCOMPARE(sendMany(*b, 3, QStringLiteral("m")).size(), 3);
        QVERIFY(b->waitForEvents(seen + 3));
        // Already joined: the connection has every event, so `since` replays none of them again.
        const auto again = join(*b, 0);
        QVERIFY(again);
        QCOMPARE(again->type, FrameType::Result);
        QCOMPARE(again->data.value(QStringLiteral("reset")).toBool(), false);
        QCOMPARE(b->events().size(), seen + 3);
        QCOMPARE(sendMany(*b, 1, QStringLiteral("n")).size(), 1);
        QVERIFY(b->waitForEvents(seen + 4));
        QCOMPARE(b->events().size(), seen + 4);
    }

    void retriedSendIsAppliedOnce()
    {
        auto a = signedIn(QStringLiteral("ana"));
        auto watcher = signedIn(QStringLiteral("teacher"));
        QVERIFY(a && watcher);
        QVERIFY(join(*watcher));
        const auto first = a->request(Op::MessageSend, message(QStringLiteral("same"), QStringLiteral("once")));
        QVERIFY(first && first->type == FrameType::Result);
        const auto retry = a->request(Op::MessageSend, message(QStringLiteral("same"), QStringLiteral("once")));
        QVERIFY(retry && retry->type == FrameType::Result);
        QCOMPARE(retry->data, first->data);

        // Across a reconnect too: the first result "never arrived".
        a.reset();
        auto again = signedIn(QStringLiteral("ana"));
        QVERIFY(again);
        const auto afterReconnect = again->request(Op::MessageSend, message(QStringLiteral("same"), QStringLiteral("once")));
        QVERIFY(afterReconnect && afterReconnect->type == FrameType::Result);
        QCOMPARE(afterReconnect->data, first->data);

        // One stored event, published once.
        QVERIFY(watcher->request(Op::TimeSync, {{QStringLiteral("clientTime"), 1}}));
        QCOMPARE(watcher->events().size(), 1);
        auto reader = signedIn(QStringLiteral("teacher"));
        QVERIFY(reader);
        QVERIFY(join(*reader, 0));
        int copies = 0;
        for (const Frame &e : reader->events())
            copies += e.data.value(QStringLiteral("clientId")).toString() == QLatin1String("same");
        QCOMPARE(copies, 1);
    }
};

QTEST_GUILESS_MAIN(TestResume)
#include "tst_resume.moc"
