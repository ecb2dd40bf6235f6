// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "chatclient.h"
#include "clientfixture.h"
#include "messagemodel.h"
#include "roomlistmodel.h"

#include <QSignalSpy>
#include <QTest>

using namespace Cohort;
using namespace Cohort::Test;
using Client::ChatClient;
using Client::ChatMessage;
using Client::MessageModel;

namespace {
int rowWithText(const MessageModel *model, const QString &text)
{
    for (int row = 0; row < model->rowCount(); ++row) {
        if (model->message(row).text == text)
            return row;
    }
    return -1;
}
} // namespace

/// Two people chat through the client library against a real in-process server: delivery,
/// mentions and unread counts, threads, history pages backwards, and a message written offline
/// that shows pending and is delivered after the reconnect.
class TestClientChat : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void twoClientsChat();
    void repliesInAThread();
    void historyPagesBackwards();
    void offlineMessageIsDeliveredAfterReconnect();

private:
    struct Person
    {
        std::unique_ptr<Client::Connection> connection;
        std::unique_ptr<ChatClient> chat;
    };
    Person signedIn(const QString &username, TestNetwork *network = nullptr);

    std::unique_ptr<RestartableServer> m_server;
    QTemporaryDir m_caches;
    RoomId m_room;
    UserId m_ana;
    UserId m_ben;
};

void TestClientChat::init()
{
    QStandardPaths::setTestModeEnabled(true);
    m_server = std::make_unique<RestartableServer>();
    QCOMPARE(m_server->start(), QString());
    const UserId ines = m_server->addUser(QStringLiteral("ines"), Role::Instructor);
    m_ana = m_server->addUser(QStringLiteral("ana"), Role::Student);
    m_ben = m_server->addUser(QStringLiteral("ben"), Role::Student);
    const Server::CourseRecord course = m_server->addCourse(QStringLiteral("Graphs"), ines, {m_ana, m_ben});
    QVERIFY(course.id.isValid());
    m_room = course.roomId;
}

void TestClientChat::cleanup()
{
    m_server.reset();
}

TestClientChat::Person TestClientChat::signedIn(const QString &username, TestNetwork *network)
{
    Person person;
    person.connection = makeConnection(m_caches.filePath(username), network);
    person.chat = std::make_unique<ChatClient>(person.connection.get());
    QSignalSpy loaded(person.chat.get(), &ChatClient::roomsLoaded);
    const Client::AuthResult result = signIn(*person.connection, m_server->url(), username);
    if (!result.ok)
        return person;
    // Signing in loads the room list by itself.
    loaded.wait(5000);
    return person;
}

void TestClientChat::twoClientsChat()
{
    Person ana = signedIn(QStringLiteral("ana"));
    Person ben = signedIn(QStringLiteral("ben"));
    QVERIFY(ana.chat->isRoomListLoaded() && ben.chat->isRoomListLoaded());
    QCOMPARE(ana.chat->rooms()->rowCount(), 1);
    QCOMPARE(ana.chat->rooms()->at(0).id, m_room);
    QCOMPARE(ana.chat->rooms()->at(0).kind, QStringLiteral("course"));

    MessageModel *anaView = ana.chat->openRoom(m_room);
    MessageModel *benView = ben.chat->openRoom(m_room);
    QTRY_VERIFY(!anaView->isLoadingHistory() && !benView->isLoadingHistory());

    const QString clientId = ana.chat->send(m_room, QStringLiteral("Hello @ben, ready for the lab?"));
    QVERIFY(!clientId.isEmpty());
    QCOMPARE(anaView->rowCount(), 1); // shown at once, pending
    QTRY_COMPARE(benView->rowCount(), 1);
    const ChatMessage received = benView->message(0);
    QCOMPARE(received.text, QStringLiteral("Hello @ben, ready for the lab?"));
    QCOMPARE(received.sender.id, m_ana);
    QCOMPARE(received.clientId, clientId);
    QVERIFY(received.mentionsUser(m_ben));
    QTRY_COMPARE(anaView->message(0).state, ChatMessage::State::Stored);
    QCOMPARE(anaView->message(0).seq, received.seq);
    QCOMPARE(anaView->rowCount(), 1);

    // Ben's list counts it, as unread and as a mention; Ana's own message is neither.
    const Client::ChatRoom *benRoom = ben.chat->rooms()->room(m_room);
    QCOMPARE(benRoom->unread, 1);
    QCOMPARE(benRoom->mentions, 1);
    QCOMPARE(benRoom->lastMessageText, QStringLiteral("Hello @ben, ready for the lab?"));
    QCOMPARE(ana.chat->rooms()->room(m_room)->unread, 0);

    // A fresh room list from the server agrees.
    QSignalSpy reloaded(ben.chat.get(), &ChatClient::roomsLoaded);
    ben.chat->refreshRooms();
    QVERIFY(reloaded.wait(5000));
    QCOMPARE(ben.chat->rooms()->room(m_room)->unread, 1);
    QCOMPARE(ben.chat->rooms()->room(m_room)->mentions, 1);

    ben.chat->send(m_room, QStringLiteral("Yes! See you at 3."));
    QTRY_COMPARE(anaView->rowCount(), 2);
    QCOMPARE(anaView->message(1).text, QStringLiteral("Yes! See you at 3."));
    QVERIFY(anaView->index(1).data(MessageModel::GroupedRole).toBool() == false);
    QCOMPARE(ana.chat->rooms()->room(m_room)->unread, 1);
}

void TestClientChat::repliesInAThread()
{
    Person ana = signedIn(QStringLiteral("ana"));
    Person ben = signedIn(QStringLiteral("ben"));
    MessageModel *anaView = ana.chat->openRoom(m_room);
    MessageModel *benView = ben.chat->openRoom(m_room);
    ana.chat->send(m_room, QStringLiteral("Who has question 3?"));
    QTRY_COMPARE(benView->rowCount(), 1);
    QTRY_VERIFY(benView->message(0).seq > 0);
    const qint64 root = benView->message(0).seq;

    MessageModel *benThread = ben.chat->openThread(m_room, root);
    QTRY_COMPARE(benThread->rowCount(), 1); // the root
    ben.chat->send(m_room, QStringLiteral("I do, it is a BFS"), root);
    QCOMPARE(benThread->rowCount(), 2); // pending in the thread
    QCOMPARE(benView->rowCount(), 1);   // never in the timeline

    // Ana sees the reply count on the root, as a new reply while she has not opened the
    // thread, and the reply in the thread.
    QTRY_COMPARE(anaView->message(0).replyCount, 1);
    QCOMPARE(anaView->rowCount(), 1);
    QCOMPARE(anaView->newReplies(root), 1);
    MessageModel *anaThread = ana.chat->openThread(m_room, root);
    ana.chat->setVisibleThread(m_room, root);
    QCOMPARE(anaView->newReplies(root), 0);
    QTRY_COMPARE(anaThread->rowCount(), 2);
    QCOMPARE(anaThread->message(1).text, QStringLiteral("I do, it is a BFS"));
    QCOMPARE(anaThread->message(1).threadRoot, root);
    QTRY_COMPARE(benThread->message(1).state, ChatMessage::State::Stored);

    // The history of the timeline carries the count too (Ana on a second device).
    Person anaAgain = signedIn(QStringLiteral("ana"));
    MessageModel *fresh = anaAgain.chat->openRoom(m_room);
    QTRY_COMPARE(fresh->rowCount(), 1);
    QCOMPARE(fresh->message(0).replyCount, 1);
}

void TestClientChat::historyPagesBackwards()
{
    Person ana = signedIn(QStringLiteral("ana"));
    for (int i = 1; i <= 75; ++i)
        ana.chat->send(m_room, QStringLiteral("message %1").arg(i));
    QTRY_COMPARE_WITH_TIMEOUT(ana.connection->outbox()->items().size(), 0, 20000);

    Person ben = signedIn(QStringLiteral("ben"));
    ben.chat->setPageSize(30);
    MessageModel *view = ben.chat->openRoom(m_room);
    QTRY_COMPARE(view->rowCount(), 30);
    QVERIFY(view->hasMoreBefore());
    QCOMPARE(view->message(29).text, QStringLiteral("message 75"));
    QSignalSpy prepended(view, &MessageModel::pagePrepended);
    ben.chat->loadOlder(view);
    ben.chat->loadOlder(view); // ignored while the first page is on its way
    QVERIFY(prepended.wait(5000));
    QCOMPARE(view->rowCount(), 60);
    ben.chat->loadOlder(view);
    QVERIFY(prepended.wait(5000));
    QCOMPARE(view->rowCount(), 75);
    QVERIFY(!view->hasMoreBefore());
    for (int row = 0; row < 75; ++row)
        QCOMPARE(view->message(row).text, QStringLiteral("message %1").arg(row + 1));

    // A page around a search hit replaces the content and contains the hit.
    ben.chat->jumpTo(view, view->message(10).seq);
    QCOMPARE(view->rowCount(), 75); // already loaded: nothing to do
}

void TestClientChat::offlineMessageIsDeliveredAfterReconnect()
{
    TestNetwork network;
    Person ana = signedIn(QStringLiteral("ana"), &network);
    Person ben = signedIn(QStringLiteral("ben"));
    MessageModel *anaView = ana.chat->openRoom(m_room);
    MessageModel *benView = ben.chat->openRoom(m_room);
    QTRY_VERIFY(!anaView->isLoadingHistory() && !benView->isLoadingHistory());

    network.down = true;
    network.current->close(1001, QStringLiteral("gone"));
    QTRY_VERIFY(ana.connection->state() != Client::Connection::State::Connected);
    ana.chat->send(m_room, QStringLiteral("written on the train"));
    QCOMPARE(anaView->rowCount(), 1);
    QCOMPARE(anaView->message(0).state, ChatMessage::State::Pending);
    ben.chat->send(m_room, QStringLiteral("meanwhile, at school"));
    QTRY_COMPARE(benView->rowCount(), 1);

    network.down = false;
    QTRY_COMPARE_WITH_TIMEOUT(ana.connection->state(), Client::Connection::State::Connected, 10000);
    // Ben gets the pending message; Ana gets Ben's from the resume, in server order.
    QTRY_COMPARE_WITH_TIMEOUT(benView->rowCount(), 2, 10000);
    QCOMPARE(benView->message(1).text, QStringLiteral("written on the train"));
    QTRY_COMPARE(anaView->rowCount(), 2);
    QTRY_VERIFY(rowWithText(anaView, QStringLiteral("written on the train")) >= 0
                && anaView->message(rowWithText(anaView, QStringLiteral("written on the train"))).state == ChatMessage::State::Stored);
    QCOMPARE(anaView->message(0).text, QStringLiteral("meanwhile, at school"));
    QCOMPARE(anaView->message(1).text, QStringLiteral("written on the train"));
}

QTEST_GUILESS_MAIN(TestClientChat)
#include "tst_client_chat.moc"
