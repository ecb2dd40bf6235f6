// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "clientfixture.h"
#include "localcache.h"

using namespace Cohort;
using namespace Cohort::Client;
using namespace Cohort::Test;
using State = Connection::State;

class TestOutbox : public QObject
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
        const UserId ivy = m_server->addUser(QStringLiteral("ivy"), Role::Instructor);
        m_course = m_server->addCourse(QStringLiteral("Physics 101"), ivy, {m_ana, m_ben});
        m_otherCourse = m_server->addCourse(QStringLiteral("Not Ana's"), ivy, {m_ben});
        QVERIFY(m_course.roomId.isValid() && m_otherCourse.roomId.isValid());
        m_cacheRoot = std::make_unique<QTemporaryDir>();
    }

    void cleanup()
    {
        m_server.reset();
        m_cacheRoot.reset();
    }

    void sendsWhileConnected()
    {
        auto ana = makeConnection(m_cacheRoot->path());
        QVERIFY(signIn(*ana, m_server->url(), QStringLiteral("ana")).ok);
        QSignalSpy queued(ana->outbox(), &Outbox::itemQueued);
        QSignalSpy sent(ana->outbox(), &Outbox::itemSent);
        const QString clientId = ana->sendMessage(m_course.roomId, QStringLiteral("hello"));
        QVERIFY(!clientId.isEmpty());
        QCOMPARE(queued.size(), 1);
        QCOMPARE(queued.at(0).at(0).value<OutboxItem>().clientId, clientId);
        QCOMPARE(ana->outbox()->pendingCount(), 1);
        // Written before it was sent.
        QCOMPARE(ana->cache()->outboxItems().size(), 1);

        QTRY_COMPARE(sent.size(), 1);
        QCOMPARE(sent.at(0).at(0).toString(), clientId);
        QCOMPARE(sent.at(0).at(1).value<RoomId>(), m_course.roomId);
        QCOMPARE(sent.at(0).at(2).toLongLong(), m_server->storage().lastSeq(m_course.roomId));
        QVERIFY(sent.at(0).at(3).toLongLong() > 0);
        QCOMPARE(ana->outbox()->pendingCount(), 0);
        QVERIFY(ana->cache()->outboxItems().isEmpty());
        QCOMPARE(m_server->storedTexts(m_course.roomId), QStringList{QStringLiteral("hello")});
    }

    void noAccountNoQueue()
    {
        auto ana = makeConnection(m_cacheRoot->path());
        QVERIFY(ana->sendMessage(m_course.roomId, QStringLiteral("nobody signed in")).isEmpty());
        QVERIFY(ana->outbox()->items().isEmpty());
    }

    void messagesSentOfflineArriveOnceInOrder()
    {
        TestNetwork network;
        auto ana = makeConnection(m_cacheRoot->path(), &network);
        QVERIFY(signIn(*ana, m_server->url(), QStringLiteral("ana")).ok);
        QList<MessageInfo> echoed;
        connect(ana.get(), &Connection::messageReceived, this, [&](const MessageInfo &m) { echoed.append(m); });
        ana->joinRoom(m_course.roomId);
        QTRY_COMPARE(ana->joinedRooms().size(), 1);

        network.down = true;
        QVERIFY(m_server->stop());
        QTRY_COMPARE(ana->state(), State::Reconnecting);
        QStringList texts;
        for (int i = 0; i < 5; ++i) {
            texts.append(QStringLiteral("offline %1").arg(i));
            QVERIFY(!ana->sendMessage(m_course.roomId, texts.last()).isEmpty());
        }
        QCOMPARE(ana->outbox()->pendingCount(), 5);
        QCOMPARE(ana->outbox()->items(m_course.roomId).size(), 5);
        QVERIFY(ana->outbox()->items(m_otherCourse.roomId).isEmpty());

        QCOMPARE(m_server->start(), QString());
        QSignalSpy sent(ana->outbox(), &Outbox::itemSent);
        network.down = false;
        QTRY_COMPARE_WITH_TIMEOUT(sent.size(), 5, 10000);
        QCOMPARE(ana->outbox()->pendingCount(), 0);
        QCOMPARE(m_server->storedTexts(m_course.roomId), texts);

        // Ana's own messages come back as events once, in the same order.
        QTRY_COMPARE(echoed.size(), 5);
        for (int i = 0; i < 5; ++i) {
            QCOMPARE(echoed.at(i).text, texts.at(i));
            QCOMPARE(echoed.at(i).clientId, sent.at(i).at(0).toString());
        }
        QTest::qWait(200);
        QCOMPARE(echoed.size(), 5);
    }

    void lostResultIsRetriedAndAppliedOnce()
    {
        TestNetwork network;
        auto ana = makeConnection(m_cacheRoot->path(), &network);
        QVERIFY(signIn(*ana, m_server->url(), QStringLiteral("ana")).ok);
        QSignalSpy sent(ana->outbox(), &Outbox::itemSent);

        // The request reaches the server, the result never comes back, the link is found dead.
        network.current->freezeIncoming();
        ana->setHeartbeat(50, 400);
        const QString clientId = ana->sendMessage(m_course.roomId, QStringLiteral("only once"));
        QTRY_COMPARE(m_server->storedTexts(m_course.roomId).size(), 1);
        QCOMPARE(sent.size(), 0);
        QCOMPARE(ana->outbox()->pendingCount(), 1);

        QTRY_COMPARE_WITH_TIMEOUT(sent.size(), 1, 10000);
        QCOMPARE(sent.at(0).at(0).toString(), clientId);
        QVERIFY(network.attempts >= 2);
        QCOMPARE(m_server->storedTexts(m_course.roomId), QStringList{QStringLiteral("only once")});
    }

    void outboxSurvivesAnAppRestart()
    {
        QString token;
        QStringList texts;
        {
            TestNetwork network;
            auto ana = makeConnection(m_cacheRoot->path(), &network);
            const AuthResult result = signIn(*ana, m_server->url(), QStringLiteral("ana"));
            QVERIFY(result.ok);
            token = result.token;
            network.down = true;
            QVERIFY(m_server->stop());
            QTRY_COMPARE(ana->state(), State::Reconnecting);
            for (int i = 0; i < 3; ++i) {
                texts.append(QStringLiteral("typed before the crash %1").arg(i));
                QVERIFY(!ana->sendMessage(m_course.roomId, texts.last()).isEmpty());
            }
            // The app dies here with everything pending.
        }
        QCOMPARE(m_server->start(), QString());

        auto ana = makeConnection(m_cacheRoot->path());
        QSignalSpy sent(ana->outbox(), &Outbox::itemSent);
        QSignalSpy reset(ana->outbox(), &Outbox::itemsReset);
        std::optional<AuthResult> resumed;
        ana->signInWithToken(m_server->url(), token, this, [&](const AuthResult &r) { resumed = r; });
        QTRY_VERIFY(resumed.has_value());
        QVERIFY2(resumed->ok, qPrintable(resumed->message));
        QVERIFY(reset.size() >= 1);
        QTRY_COMPARE_WITH_TIMEOUT(sent.size(), 3, 10000);
        QVERIFY(ana->outbox()->items().isEmpty());

        // Verified by another client, over the protocol: each message once, in order.
        auto ben = makeConnection(m_cacheRoot->path());
        QVERIFY(signIn(*ben, m_server->url(), QStringLiteral("ben")).ok);
        std::optional<Reply> history;
        ben->request(Protocol::Op::MessageHistory, {{QStringLiteral("roomId"), m_course.roomId.value()}}, this,
                     [&](const Reply &r) { history = r; });
        QTRY_VERIFY(history.has_value());
        QVERIFY(history->ok);
        QStringList seen;
        for (const QJsonValue &message : history->data.value(QStringLiteral("messages")).toArray()) {
            if (!message.toObject().value(QStringLiteral("system")).isObject())
                seen.append(message.toObject().value(QStringLiteral("text")).toString());
        }
        QCOMPARE(seen, texts);
        QCOMPARE(m_server->storedTexts(m_course.roomId), texts);
    }

    void resentItemsFromAKilledAppAreNotDuplicated()
    {
        // The killed app had sent the message and the server stored it, but the result was lost
        // with the app: the new run sends it again with the same clientId.
        QString token;
        {
            TestNetwork network;
            auto ana = makeConnection(m_cacheRoot->path(), &network);
            const AuthResult result = signIn(*ana, m_server->url(), QStringLiteral("ana"));
            QVERIFY(result.ok);
            token = result.token;
            network.current->freezeIncoming();
            ana->sendMessage(m_course.roomId, QStringLiteral("stored, never acknowledged"));
            QTRY_COMPARE(m_server->storedTexts(m_course.roomId).size(), 1);
        }
        auto ana = makeConnection(m_cacheRoot->path());
        QSignalSpy sent(ana->outbox(), &Outbox::itemSent);
        std::optional<AuthResult> resumed;
        ana->signInWithToken(m_server->url(), token, this, [&](const AuthResult &r) { resumed = r; });
        QTRY_COMPARE_WITH_TIMEOUT(sent.size(), 1, 10000);
        QCOMPARE(m_server->storedTexts(m_course.roomId), QStringList{QStringLiteral("stored, never acknowledged")});
    }

    void permanentFailureIsKeptAndNotRetried()
    {
        auto ana = makeConnection(m_cacheRoot->path());
        QVERIFY(signIn(*ana, m_server->url(), QStringLiteral("ana")).ok);
        QSignalSpy failed(ana->outbox(), &Outbox::itemFailed);
        QSignalSpy sent(ana->outbox(), &Outbox::itemSent);
        const QString refused = ana->sendMessage(m_otherCourse.roomId, QStringLiteral("not my course"));
        const QString fine = ana->sendMessage(m_course.roomId, QStringLiteral("after the refused one"));
        QTRY_COMPARE(failed.size(), 1);
        const OutboxItem item = failed.at(0).at(0).value<OutboxItem>();
        QCOMPARE(item.clientId, refused);
        QCOMPARE(item.status, OutboxItem::Status::Failed);
        QVERIFY(item.failure == Protocol::ErrorCode::NotFound || item.failure == Protocol::ErrorCode::Forbidden);
        QVERIFY(!item.failureMessage.isEmpty());
        // A refused item does not block the queue.
        QTRY_COMPARE(sent.size(), 1);
        QCOMPARE(sent.at(0).at(0).toString(), fine);
        QCOMPARE(ana->outbox()->items(), QList<OutboxItem>{item});
        QCOMPARE(ana->outbox()->pendingCount(), 0);

        // Not retried by a reconnect; still failed after a restart of the app.
        ana->goOffline();
        ana->reconnectNow();
        QTRY_COMPARE(ana->state(), State::Connected);
        QTest::qWait(300);
        QCOMPARE(failed.size(), 1);
        QCOMPARE(ana->cache()->outboxItems(), QList<OutboxItem>{item});
        QVERIFY(m_server->storedTexts(m_otherCourse.roomId).isEmpty());

        // retry() sends it again (still refused); discard() drops it for good.
        QVERIFY(ana->outbox()->retry(refused));
        QCOMPARE(ana->outbox()->pendingCount(), 1);
        QTRY_COMPARE(failed.size(), 2);
        QVERIFY(!ana->outbox()->retry(fine)); // unknown now
        QSignalSpy discarded(ana->outbox(), &Outbox::itemDiscarded);
        QVERIFY(ana->outbox()->discard(refused));
        QCOMPARE(discarded.size(), 1);
        QVERIFY(ana->outbox()->items().isEmpty());
        QVERIFY(ana->cache()->outboxItems().isEmpty());
    }

    void retryDeliversOnceTheCauseIsFixed()
    {
        auto ana = makeConnection(m_cacheRoot->path());
        QVERIFY(signIn(*ana, m_server->url(), QStringLiteral("ana")).ok);
        QSignalSpy failed(ana->outbox(), &Outbox::itemFailed);
        const QString clientId = ana->sendMessage(m_otherCourse.roomId, QStringLiteral("let me in"));
        QTRY_COMPARE(failed.size(), 1);

        QVERIFY(m_server->storage().addCourseMember(m_otherCourse.id, m_ana, Role::Student));
        QSignalSpy sent(ana->outbox(), &Outbox::itemSent);
        QVERIFY(ana->outbox()->retry(clientId));
        QTRY_COMPARE(sent.size(), 1);
        QCOMPARE(m_server->storedTexts(m_otherCourse.roomId), QStringList{QStringLiteral("let me in")});
    }

    void oversizedMessageFailsWithoutHurtingTheConnection()
    {
        auto ana = makeConnection(m_cacheRoot->path());
        QVERIFY(signIn(*ana, m_server->url(), QStringLiteral("ana")).ok);
        QSignalSpy failed(ana->outbox(), &Outbox::itemFailed);
        ana->sendMessage(m_course.roomId, QString(m_server->config().maxFrameBytes * 5, QLatin1Char('a')));
        QTRY_COMPARE(failed.size(), 1);
        QCOMPARE(failed.at(0).at(0).value<OutboxItem>().failure, Protocol::ErrorCode::TooLarge);
        QCOMPARE(ana->state(), State::Connected);
        QSignalSpy sent(ana->outbox(), &Outbox::itemSent);
        ana->sendMessage(m_course.roomId, QStringLiteral("small"));
        QTRY_COMPARE(sent.size(), 1);
    }

private:
    std::unique_ptr<RestartableServer> m_server;
    std::unique_ptr<QTemporaryDir> m_cacheRoot;
    UserId m_ana;
    UserId m_ben;
    Server::CourseRecord m_course;
    Server::CourseRecord m_otherCourse;
};

QTEST_GUILESS_MAIN(TestOutbox)
#include "tst_client_outbox.moc"
