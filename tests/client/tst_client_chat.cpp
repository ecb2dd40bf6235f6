// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "chatclient.h"
#include "clientfixture.h"
#include "localcache.h"
#include "messagemodel.h"
#include "roomlistmodel.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QPointer>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

using namespace Cohort;
using namespace Cohort::Test;
using Client::ChatClient;
using Client::ChatMessage;
using Client::MessageModel;

namespace {
QByteArray noise(int size)
{
    QByteArray bytes(size, Qt::Uninitialized);
    quint32 x = 2463534242u;
    for (char &c : bytes) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        c = static_cast<char>(x);
    }
    return bytes;
}

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
/// mentions and unread counts, threads, history pages backwards, a message written offline
/// that shows pending and is delivered after the reconnect, edits, deletions, reactions,
/// typing, read receipts, presence over several devices, direct messages and search; files
/// uploaded and downloaded in chunks, resumed after a reconnect, and refused when they should be.
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
    void editDeleteAndReact();
    void resumeAppliesWhatWasMissed();
    void typingIsShownAndExpires();
    void readReceiptsAndSeenBy();
    void presenceAcrossDevices();
    void directMessagesAreDeduplicated();
    void searchJumpsToTheMessage();
    void studyGroupsAreFoundJoinedAndLeft();
    void groupModeration();
    void attachmentsTravelBothWays();
    void messageWithFilesWaitsOfflineAndUploadsResume();
    void attachmentRefusals();
    void attachmentCacheStaysInItsFolder();
    void attachmentCacheIsPerAccountAndGoesWithSignOut();
    void messageWaitingForItsFilesSurvivesARestart();
    void removedUploadIsCancelledOnTheServer();
    void largeFileIsHashedOffTheEventLoop();
    void uploadsOfASignedOutAccountStayWithIt();
    void roomListNamesTheLastMessagesFile();
    void retriedMessageSeenBeforeARestartLeavesNoPendingRow();
    void pastedImageSentOfflineIsUploadedAgainAfterARestart();
    void signOutDeletesTheAccountsCache();
    void retriedMessageOlderThanTheLoadedPageLeavesNoGap();
    void nextAccountFindsNothingOfTheLastInMemory();
    void roomOpenedOfflineLoadsItsHistoryAfterReconnect();

private:
    struct Person
    {
        std::unique_ptr<Client::Connection> connection;
        std::unique_ptr<ChatClient> chat;
        bool ready = false; // signed in, room list loaded, every room joined
    };
    /// `cacheRoot`: where the account caches live; default: a folder of the user's own.
    Person signedIn(const QString &username, TestNetwork *network = nullptr, const QString &cacheRoot = QString());

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

TestClientChat::Person TestClientChat::signedIn(const QString &username, TestNetwork *network, const QString &cacheRoot)
{
    Person person;
    person.connection = makeConnection(cacheRoot.isEmpty() ? m_caches.filePath(username) : cacheRoot, network);
    person.chat = std::make_unique<ChatClient>(person.connection.get());
    QSignalSpy loaded(person.chat.get(), &ChatClient::roomsLoaded);
    QSignalSpy joined(person.connection.get(), &Client::Connection::roomJoined);
    const Client::AuthResult result = signIn(*person.connection, m_server->url(), username);
    if (!result.ok)
        return person;
    // Signing in loads the room list and joins every room by itself; ephemeral events (typing)
    // only reach joined rooms.
    person.ready = (!loaded.isEmpty() || loaded.wait(5000))
        && QTest::qWaitFor([&] { return joined.size() >= person.chat->rooms()->rowCount(); }, 5000);
    return person;
}

void TestClientChat::twoClientsChat()
{
    Person ana = signedIn(QStringLiteral("ana"));
    QVERIFY(ana.ready);
    Person ben = signedIn(QStringLiteral("ben"));
    QVERIFY(ben.ready);
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
    QVERIFY(ana.ready);
    Person ben = signedIn(QStringLiteral("ben"));
    QVERIFY(ben.ready);
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
    QVERIFY(anaAgain.ready);
    MessageModel *fresh = anaAgain.chat->openRoom(m_room);
    QTRY_COMPARE(fresh->rowCount(), 1);
    QCOMPARE(fresh->message(0).replyCount, 1);
}

void TestClientChat::historyPagesBackwards()
{
    Person ana = signedIn(QStringLiteral("ana"));
    QVERIFY(ana.ready);
    for (int i = 1; i <= 75; ++i)
        ana.chat->send(m_room, QStringLiteral("message %1").arg(i));
    QTRY_COMPARE_WITH_TIMEOUT(ana.connection->outbox()->items().size(), 0, 20000);

    Person ben = signedIn(QStringLiteral("ben"));
    QVERIFY(ben.ready);
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
    QVERIFY(ana.ready);
    Person ben = signedIn(QStringLiteral("ben"));
    QVERIFY(ben.ready);
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

void TestClientChat::editDeleteAndReact()
{
    Person ana = signedIn(QStringLiteral("ana"));
    QVERIFY(ana.ready);
    Person ben = signedIn(QStringLiteral("ben"));
    QVERIFY(ben.ready);
    MessageModel *anaView = ana.chat->openRoom(m_room);
    MessageModel *benView = ben.chat->openRoom(m_room);
    ana.chat->send(m_room, QStringLiteral("The lab is at 3"));
    QTRY_COMPARE(benView->rowCount(), 1);
    QTRY_VERIFY(anaView->message(0).seq > 0);
    const qint64 seq = benView->message(0).seq;

    std::optional<Client::Reply> reacted;
    ben.chat->react(m_room, seq, QStringLiteral("👍"), true, this, [&reacted](const Client::Reply &r) { reacted = r; });
    QTRY_VERIFY(reacted.has_value());
    QVERIFY(reacted->ok);
    QTRY_COMPARE(anaView->message(0).reactions.size(), 1);
    QCOMPARE(anaView->message(0).reactions.at(0).users, QList<UserId>{m_ben});
    QTRY_COMPARE(benView->message(0).reactions.size(), 1);

    ana.chat->edit(m_room, seq, QStringLiteral("The lab is at 4"));
    QTRY_COMPARE(benView->message(0).text, QStringLiteral("The lab is at 4"));
    QVERIFY(benView->message(0).edited);
    QVERIFY(benView->message(0).editedAt > 0);

    // Nobody edits someone else's message: the pane hears why.
    QSignalSpy failed(ben.chat.get(), &ChatClient::requestFailed);
    ben.chat->edit(m_room, seq, QStringLiteral("The lab is cancelled"));
    QVERIFY(failed.wait(5000));
    QCOMPARE(failed.at(0).at(0).value<Client::Reply>().error, Protocol::ErrorCode::Forbidden);
    QCOMPARE(anaView->message(0).text, QStringLiteral("The lab is at 4"));

    ana.chat->remove(m_room, seq);
    QTRY_VERIFY(benView->message(0).deleted);
    QVERIFY(benView->message(0).text.isEmpty());
    QVERIFY(benView->message(0).reactions.isEmpty());
    QTRY_VERIFY(anaView->message(0).deleted);

    // The history says the same to a client that opens the room now.
    Person late = signedIn(QStringLiteral("ben"));
    QVERIFY(late.ready);
    MessageModel *lateView = late.chat->openRoom(m_room);
    QTRY_COMPARE(lateView->rowCount(), 1);
    QVERIFY(lateView->message(0).deleted);
}

void TestClientChat::resumeAppliesWhatWasMissed()
{
    TestNetwork network;
    Person ben = signedIn(QStringLiteral("ben"), &network);
    QVERIFY(ben.ready);
    Person ana = signedIn(QStringLiteral("ana"));
    QVERIFY(ana.ready);
    MessageModel *benView = ben.chat->openRoom(m_room);
    MessageModel *anaView = ana.chat->openRoom(m_room);
    ana.chat->send(m_room, QStringLiteral("first"));
    ana.chat->send(m_room, QStringLiteral("second"));
    QTRY_COMPARE(benView->rowCount(), 2);
    QTRY_VERIFY(anaView->rowCount() == 2 && anaView->message(1).seq > 0);

    // Ben's link dies; meanwhile Ana edits, deletes, reacts and writes.
    network.down = true;
    network.current->close(1001, QStringLiteral("gone"));
    QTRY_VERIFY(ben.connection->state() != Client::Connection::State::Connected);
    ana.chat->edit(m_room, anaView->message(0).seq, QStringLiteral("first, edited"));
    ana.chat->remove(m_room, anaView->message(1).seq);
    ana.chat->react(m_room, anaView->message(0).seq, QStringLiteral("🎉"), true);
    ana.chat->send(m_room, QStringLiteral("third"));
    QTRY_COMPARE(anaView->rowCount(), 3);
    QTRY_VERIFY(anaView->message(2).seq > 0 && anaView->message(0).reactions.size() == 1);

    network.down = false;
    QTRY_COMPARE_WITH_TIMEOUT(ben.connection->state(), Client::Connection::State::Connected, 10000);
    QTRY_COMPARE(benView->rowCount(), 3);
    QTRY_COMPARE(benView->message(0).text, QStringLiteral("first, edited"));
    QVERIFY(benView->message(0).edited);
    QCOMPARE(benView->message(0).reactions.size(), 1);
    QVERIFY(benView->message(1).deleted);
    QCOMPARE(benView->message(2).text, QStringLiteral("third"));
    QTRY_COMPARE(ben.chat->rooms()->room(m_room)->unread, 2); // first and third: the deleted one does not count
}

void TestClientChat::typingIsShownAndExpires()
{
    Person ana = signedIn(QStringLiteral("ana"));
    QVERIFY(ana.ready);
    Person ben = signedIn(QStringLiteral("ben"));
    QVERIFY(ben.ready);
    ana.chat->openRoom(m_room);
    ben.chat->openRoom(m_room);
    QSignalSpy changed(ben.chat.get(), &ChatClient::typingChanged);
    ana.chat->userTyping(m_room);
    ana.chat->userTyping(m_room); // throttled: one event
    QTRY_COMPARE(ben.chat->typingUsers(m_room).size(), 1);
    QCOMPARE(ben.chat->typingUsers(m_room).at(0).id, m_ana);
    QVERIFY(ana.chat->typingUsers(m_room).isEmpty()); // not to the typist
    // Expires by itself after the event's expiresInMs.
    QTRY_VERIFY_WITH_TIMEOUT(ben.chat->typingUsers(m_room).isEmpty(), 10000);
    QTRY_COMPARE(changed.size(), 2); // shown, then expired
    // And ends with the message.
    QTest::qWait(3100); // the throttle window
    ana.chat->userTyping(m_room);
    QTRY_COMPARE(ben.chat->typingUsers(m_room).size(), 1);
    ana.chat->send(m_room, QStringLiteral("done typing"));
    QTRY_VERIFY(ben.chat->typingUsers(m_room).isEmpty());
}

void TestClientChat::readReceiptsAndSeenBy()
{
    Person ana = signedIn(QStringLiteral("ana"));
    QVERIFY(ana.ready);
    Person ben = signedIn(QStringLiteral("ben"));
    QVERIFY(ben.ready);
    Person benPhone = signedIn(QStringLiteral("ben"));
    QVERIFY(benPhone.ready);
    MessageModel *anaView = ana.chat->openRoom(m_room);
    MessageModel *benView = ben.chat->openRoom(m_room);
    benPhone.chat->openRoom(m_room);
    ana.chat->send(m_room, QStringLiteral("did you read this?"));
    QTRY_COMPARE(benView->rowCount(), 1);
    QTRY_VERIFY(anaView->message(0).seq > 0);
    const qint64 seq = anaView->message(0).seq;
    QTRY_COMPARE(benPhone.chat->rooms()->room(m_room)->unread, 1);
    QVERIFY(ana.chat->seenBy(m_room, seq).isEmpty());

    QSignalSpy receipts(ana.chat.get(), &ChatClient::receiptsChanged);
    ben.chat->markRead(m_room);
    QCOMPARE(ben.chat->rooms()->room(m_room)->unread, 0);
    QTRY_COMPARE(ana.chat->seenBy(m_room, seq), QList<UserId>{m_ben});
    // Ben's other device hears it too and clears its count.
    QTRY_COMPARE(benPhone.chat->rooms()->room(m_room)->unread, 0);
    // A client that opens the room now asks room.receipts.
    Person anaLaptop = signedIn(QStringLiteral("ana"));
    QVERIFY(anaLaptop.ready);
    anaLaptop.chat->openRoom(m_room);
    QTRY_COMPARE(anaLaptop.chat->seenBy(m_room, seq), QList<UserId>{m_ben});
    // The server stored it: a fresh room list agrees.
    QSignalSpy reloaded(benPhone.chat.get(), &ChatClient::roomsLoaded);
    benPhone.chat->refreshRooms();
    QVERIFY(reloaded.wait(5000));
    QCOMPARE(benPhone.chat->rooms()->room(m_room)->lastRead, seq);
}

void TestClientChat::presenceAcrossDevices()
{
    Person ana = signedIn(QStringLiteral("ana"));
    QVERIFY(ana.ready);
    Person ben = signedIn(QStringLiteral("ben"));
    QVERIFY(ben.ready);
    ben.chat->fetchPresence({m_ana});
    QTRY_COMPARE(ben.chat->presence(m_ana), Client::Presence::Online);
    ana.chat->setMyPresence(Client::Presence::DoNotDisturb);
    QTRY_COMPARE(ben.chat->presence(m_ana), Client::Presence::DoNotDisturb);
    // A second device of Ana's that is online does not override her dnd.
    Person anaPhone = signedIn(QStringLiteral("ana"));
    QVERIFY(anaPhone.ready);
    QTest::qWait(200);
    QCOMPARE(ben.chat->presence(m_ana), Client::Presence::DoNotDisturb);
    ana.chat->setMyPresence(Client::Presence::Online);
    QTRY_COMPARE(ben.chat->presence(m_ana), Client::Presence::Online);
    // Idle: away after the idle time, back on the next input.
    ana.chat->setIdleTimeout(200);
    anaPhone.chat->setIdleTimeout(200);
    QTRY_COMPARE_WITH_TIMEOUT(ben.chat->presence(m_ana), Client::Presence::Away, 5000);
    ana.chat->userActive();
    QTRY_COMPARE(ben.chat->presence(m_ana), Client::Presence::Online);
    // Offline when the last device leaves.
    ana.connection->signOut();
    anaPhone.connection->signOut();
    QTRY_COMPARE_WITH_TIMEOUT(ben.chat->presence(m_ana), Client::Presence::Offline, 5000);
}

void TestClientChat::directMessagesAreDeduplicated()
{
    Person ana = signedIn(QStringLiteral("ana"));
    QVERIFY(ana.ready);
    Person ben = signedIn(QStringLiteral("ben"));
    QVERIFY(ben.ready);
    QSignalSpy benAdded(ben.chat.get(), &ChatClient::roomAdded);
    std::optional<Client::ChatRoom> first;
    ana.chat->openDirect(m_ben, this, [&first](const Client::Reply &, const std::optional<Client::ChatRoom> &room) { first = room; });
    QTRY_VERIFY(first.has_value());
    QCOMPARE(first->kind, QStringLiteral("direct"));
    QVERIFY(first->peer && first->peer->id == m_ben);
    QCOMPARE(first->displayName(), QStringLiteral("BEN"));
    QVERIFY(ana.chat->rooms()->room(first->id));
    QTRY_COMPARE(benAdded.size(), 1); // room.added reaches Ben
    QVERIFY(ben.chat->rooms()->room(first->id));
    QCOMPARE(ben.chat->rooms()->room(first->id)->displayName(), QStringLiteral("ANA"));

    std::optional<Client::ChatRoom> again;
    ben.chat->openDirect(m_ana, this, [&again](const Client::Reply &, const std::optional<Client::ChatRoom> &room) { again = room; });
    QTRY_VERIFY(again.has_value());
    QCOMPARE(again->id, first->id);
    QCOMPARE(ana.chat->rooms()->rowCount(), 2);

    // A DM notifies without a mention.
    QSignalSpy notified(ben.chat.get(), &ChatClient::notificationRequested);
    ana.chat->openRoom(first->id);
    ana.chat->send(first->id, QStringLiteral("psst"));
    QTRY_COMPARE(notified.size(), 1);
}

void TestClientChat::searchJumpsToTheMessage()
{
    Person ana = signedIn(QStringLiteral("ana"));
    QVERIFY(ana.ready);
    for (int i = 1; i <= 120; ++i)
        ana.chat->send(m_room, i == 7 ? QStringLiteral("the quokka is the happiest animal") : QStringLiteral("filler %1").arg(i));
    QTRY_COMPARE_WITH_TIMEOUT(ana.connection->outbox()->items().size(), 0, 20000);
    std::optional<QList<Client::SearchResult>> results;
    ana.chat->search(QStringLiteral("quokka from:ana"), this,
                     [&results](const Client::Reply &reply, const QList<Client::SearchResult> &r) {
                         if (reply.ok)
                             results = r;
                     });
    QTRY_VERIFY(results.has_value());
    QCOMPARE(results->size(), 1);
    QCOMPARE(results->at(0).roomId, m_room);

    Person ben = signedIn(QStringLiteral("ben"));
    QVERIFY(ben.ready);
    MessageModel *view = ben.chat->openRoom(m_room);
    QTRY_COMPARE(view->rowCount(), 50);
    QCOMPARE(view->rowOfSeq(results->at(0).seq), -1);
    ben.chat->jumpTo(view, results->at(0).seq);
    QTRY_VERIFY(view->rowOfSeq(results->at(0).seq) >= 0);
    QCOMPARE(view->message(view->rowOfSeq(results->at(0).seq)).text, QStringLiteral("the quokka is the happiest animal"));
}

void TestClientChat::studyGroupsAreFoundJoinedAndLeft()
{
    const UserId chenId = m_server->addUser(QStringLiteral("chen"), Role::Student);
    const Server::CourseRecord course = *m_server->storage().courseByRoom(m_room);
    QVERIFY(m_server->storage().addCourseMember(course.id, chenId, Role::Student));
    Person ana = signedIn(QStringLiteral("ana"));
    QVERIFY(ana.ready);
    Person ben = signedIn(QStringLiteral("ben"));
    QVERIFY(ben.ready);
    Person chen = signedIn(QStringLiteral("chen"));
    QVERIFY(chen.ready);

    std::optional<Client::ChatRoom> created;
    ana.chat->createRoom({{QStringLiteral("kind"), QStringLiteral("study")}, {QStringLiteral("name"), QStringLiteral("Graphs")},
                          {QStringLiteral("topic"), QStringLiteral("BFS")}, {QStringLiteral("courseId"), course.id.value()},
                          {QStringLiteral("visibility"), QStringLiteral("public")}, {QStringLiteral("memberLimit"), 2}},
                         this, [&created](const Client::Reply &, const std::optional<Client::ChatRoom> &room) { created = room; });
    QTRY_VERIFY(created.has_value());
    QCOMPARE(created->kind, QStringLiteral("study"));
    QCOMPARE(created->myRole, QStringLiteral("owner"));
    QVERIFY(ana.chat->rooms()->room(created->id));
    QCOMPARE(ana.chat->rooms()->room(created->id)->memberCount, 1);

    std::optional<QList<Client::ChatRoom>> found;
    ben.chat->browseStudyGroups(course.id, this, [&found](const Client::Reply &, const QList<Client::ChatRoom> &rooms) { found = rooms; });
    QTRY_VERIFY(found.has_value());
    QCOMPARE(found->size(), 1);
    QCOMPARE(found->at(0).name, QStringLiteral("Graphs"));
    QVERIFY(found->at(0).myRole.isEmpty()); // not a member yet

    std::optional<Client::Reply> joined;
    ben.chat->joinStudyGroup(created->id, this, [&joined](const Client::Reply &r, const std::optional<Client::ChatRoom> &) { joined = r; });
    QTRY_VERIFY(joined.has_value());
    QVERIFY(joined->ok);
    QVERIFY(ben.chat->rooms()->room(created->id));
    // Ana sees Ben join, as a system message in the open room.
    MessageModel *anaView = ana.chat->openRoom(created->id);
    QTRY_VERIFY(rowWithText(anaView, QString()) >= 0 && anaView->message(anaView->rowCount() - 1).isSystem());
    // The room's member count follows, without reloading the room list.
    QCOMPARE(ana.chat->rooms()->room(created->id)->memberCount, 2);

    // Full at two members.
    std::optional<Client::Reply> refused;
    chen.chat->joinStudyGroup(created->id, this, [&refused](const Client::Reply &r, const std::optional<Client::ChatRoom> &) { refused = r; });
    QTRY_VERIFY(refused.has_value());
    QCOMPARE(refused->error, Protocol::ErrorCode::Conflict);

    std::optional<Client::Reply> left;
    ben.chat->leaveRoom(created->id, this, [&left](const Client::Reply &r) { left = r; });
    QTRY_VERIFY(left.has_value());
    QVERIFY(left->ok);
    QVERIFY(!ben.chat->rooms()->room(created->id));
    QTRY_COMPARE(anaView->message(anaView->rowCount() - 1).systemEvent, QStringLiteral("member.left"));
    QCOMPARE(ana.chat->rooms()->room(created->id)->memberCount, 1);
}

void TestClientChat::groupModeration()
{
    Person ana = signedIn(QStringLiteral("ana"));
    QVERIFY(ana.ready);
    Person ben = signedIn(QStringLiteral("ben"));
    QVERIFY(ben.ready);
    QSignalSpy benAdded(ben.chat.get(), &ChatClient::roomAdded);
    std::optional<Client::ChatRoom> group;
    ana.chat->createRoom({{QStringLiteral("kind"), QStringLiteral("group")}, {QStringLiteral("name"), QStringLiteral("Lab team")},
                          {QStringLiteral("members"), QJsonArray{m_ben.value()}}},
                         this, [&group](const Client::Reply &, const std::optional<Client::ChatRoom> &room) { group = room; });
    QTRY_VERIFY(group.has_value());
    QTRY_COMPARE(benAdded.size(), 1);
    const RoomId room = group->id;
    QVERIFY(ben.chat->rooms()->room(room));
    MessageModel *benView = ben.chat->openRoom(room);
    QTRY_VERIFY(!benView->isLoadingHistory());
    const int before = benView->rowCount();

    ana.chat->updateRoom(room, QStringLiteral("Lab team B"), QStringLiteral("Thursday labs"), std::nullopt);
    QTRY_COMPARE(ben.chat->rooms()->room(room)->name, QStringLiteral("Lab team B"));
    QCOMPARE(ben.chat->rooms()->room(room)->topic, QStringLiteral("Thursday labs"));
    QTRY_COMPARE(benView->rowCount(), before + 1);
    QCOMPARE(benView->message(before).systemEvent, QStringLiteral("room.updated"));
    QCOMPARE(benView->message(before).systemName, QStringLiteral("Lab team B"));
    QCOMPARE(ana.chat->rooms()->room(room)->name, QStringLiteral("Lab team B"));

    // Only the owner changes roles; a member cannot rename.
    std::optional<Client::Reply> refused;
    ben.chat->updateRoom(room, QStringLiteral("Mine now"), std::nullopt, std::nullopt, this,
                         [&refused](const Client::Reply &r) { refused = r; });
    QTRY_VERIFY(refused.has_value());
    QCOMPARE(refused->error, Protocol::ErrorCode::Forbidden);
    std::optional<Client::Reply> promoted;
    QSignalSpy benRoles(ben.chat.get(), &ChatClient::memberRoleChanged);
    QSignalSpy anaRoles(ana.chat.get(), &ChatClient::memberRoleChanged);
    ana.chat->setRole(room, m_ben, QStringLiteral("admin"), this, [&promoted](const Client::Reply &r) { promoted = r; });
    QTRY_VERIFY(promoted.has_value());
    QVERIFY(promoted->ok);
    // Live on both sides, without asking for the members again; Ben's own role in his list too.
    QTRY_COMPARE(ben.chat->rooms()->room(room)->myRole, QStringLiteral("admin"));
    QCOMPARE(benRoles.size(), 1);
    QCOMPARE(benRoles.first().at(0).value<RoomId>(), room);
    QCOMPARE(benRoles.first().at(1).value<UserId>(), m_ben);
    QCOMPARE(benRoles.first().at(2).toString(), QStringLiteral("admin"));
    QTRY_COMPARE(anaRoles.size(), 1);
    QCOMPARE(ana.chat->rooms()->room(room)->myRole, QStringLiteral("owner"));
    std::optional<QList<Client::ChatMember>> members;
    ana.chat->members(room, this, [&members](const Client::Reply &, const QList<Client::ChatMember> &m) { members = m; });
    QTRY_VERIFY(members.has_value());
    QCOMPARE(members->size(), 2);
    for (const Client::ChatMember &member : *members)
        QCOMPARE(member.role, member.user.id == m_ana ? QStringLiteral("owner") : QStringLiteral("admin"));

    // Removed: the room leaves Ben's list.
    QSignalSpy benRemoved(ben.chat.get(), &ChatClient::roomRemoved);
    ana.chat->removeMember(room, m_ben);
    QTRY_COMPARE(benRemoved.size(), 1);
    QVERIFY(!ben.chat->rooms()->room(room));

    // Archived: read only, and the outbox marks a message sent there as failed.
    ana.chat->updateRoom(room, std::nullopt, std::nullopt, true);
    QTRY_VERIFY(ana.chat->rooms()->room(room)->archived);
    MessageModel *anaView = ana.chat->openRoom(room);
    QTRY_VERIFY(!anaView->isLoadingHistory());
    ana.chat->send(room, QStringLiteral("anyone?"));
    QTRY_COMPARE(anaView->message(anaView->rowCount() - 1).state, ChatMessage::State::Failed);
}

void TestClientChat::attachmentsTravelBothWays()
{
    Person ana = signedIn(QStringLiteral("ana"));
    QVERIFY(ana.ready);
    Person ben = signedIn(QStringLiteral("ben"));
    QVERIFY(ben.ready);
    ben.chat->setAttachmentCache(m_caches.filePath(QStringLiteral("ben-files")), 1024 * 1024);
    MessageModel *anaView = ana.chat->openRoom(m_room);
    MessageModel *benView = ben.chat->openRoom(m_room);
    QTRY_VERIFY(!anaView->isLoadingHistory() && !benView->isLoadingHistory());

    // About five chunks of the default frame size.
    const QByteArray bytes = noise(230 * 1000);
    QSignalSpy changed(ana.chat.get(), &ChatClient::uploadChanged);
    const QString key = ana.chat->uploadData(m_room, QStringLiteral("notes.bin"), QStringLiteral("application/octet-stream"), bytes);
    QVERIFY(!key.isEmpty());
    QCOMPARE(ana.chat->upload(key)->state, Client::AttachmentUpload::State::Uploading);
    // Sent at once: the message waits for the file and shows pending meanwhile.
    const QString clientId = ana.chat->send(m_room, QString(), 0, {key});
    QCOMPARE(anaView->rowCount(), 1);
    QCOMPARE(anaView->message(0).state, ChatMessage::State::Pending);
    QCOMPARE(ana.chat->messageUploads(clientId).size(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(benView->rowCount(), 1, 10000);
    QVERIFY(changed.size() >= 5); // progress per chunk, then done
    const qint64 seq = benView->message(0).seq;
    QTRY_COMPARE(anaView->message(0).state, ChatMessage::State::Stored);
    QVERIFY(!ana.chat->upload(key)); // spent with the message

    const QList<AttachmentInfo> files = ben.chat->attachments(m_room, seq);
    QCOMPARE(files.size(), 1);
    QCOMPARE(files.first().name, QStringLiteral("notes.bin"));
    QCOMPARE(files.first().size, bytes.size());
    QCOMPARE(ana.chat->attachments(m_room, seq), files);

    QSignalSpy progress(ben.chat.get(), &ChatClient::downloadProgress);
    QSignalSpy finished(ben.chat.get(), &ChatClient::downloadFinished);
    ben.chat->download(m_room, files.first());
    QVERIFY(ben.chat->isDownloading(files.first().id));
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 10000);
    QVERIFY(progress.size() >= 5);
    const QString path = finished.first().at(1).toString();
    QCOMPARE(QFileInfo(path).fileName(), QStringLiteral("notes.bin"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), bytes);
    QCOMPARE(ben.chat->cachedFile(files.first()), path);
    // From the cache the second time, without a request.
    const qsizetype pieces = progress.size();
    ben.chat->download(m_room, files.first());
    QTRY_COMPARE(finished.size(), 2);
    QCOMPARE(progress.size(), pieces);

    // The history of a fresh client knows the files too.
    Person again = signedIn(QStringLiteral("ben"));
    QVERIFY(again.ready);
    MessageModel *history = again.chat->openRoom(m_room);
    QTRY_COMPARE(history->rowCount(), 1);
    QCOMPARE(again.chat->attachments(m_room, seq), files);
}

void TestClientChat::messageWithFilesWaitsOfflineAndUploadsResume()
{
    TestNetwork network;
    Person ana = signedIn(QStringLiteral("ana"), &network);
    QVERIFY(ana.ready);
    Person ben = signedIn(QStringLiteral("ben"));
    QVERIFY(ben.ready);
    MessageModel *anaView = ana.chat->openRoom(m_room);
    MessageModel *benView = ben.chat->openRoom(m_room);
    QTRY_VERIFY(!anaView->isLoadingHistory() && !benView->isLoadingHistory());

    // Written offline: the upload and the message wait for the connection.
    network.down = true;
    network.current->close(1001, QStringLiteral("gone"));
    QTRY_VERIFY(ana.connection->state() != Client::Connection::State::Connected);
    const QByteArray small = noise(5000);
    const QString first = ana.chat->uploadData(m_room, QStringLiteral("a.png"), QStringLiteral("image/png"), small);
    ana.chat->send(m_room, QStringLiteral("from the train"), 0, {first});
    QCOMPARE(anaView->rowCount(), 1);
    QCOMPARE(anaView->message(0).state, ChatMessage::State::Pending);
    network.down = false;
    QTRY_COMPARE_WITH_TIMEOUT(benView->rowCount(), 1, 10000);
    QCOMPARE(benView->message(0).text, QStringLiteral("from the train"));
    QCOMPARE(ben.chat->attachments(m_room, benView->message(0).seq).first().id,
             QString::fromLatin1(QCryptographicHash::hash(small, QCryptographicHash::Sha256).toHex()));

    // A large file: the link drops in the middle, and the upload carries on from where the
    // server stands instead of starting again.
    const QByteArray large = noise(1500 * 1000);
    QList<qint64> sent;
    const QString key = ana.chat->uploadData(m_room, QStringLiteral("big.bin"), QString(), large);
    connect(ana.chat.get(), &ChatClient::uploadChanged, this, [&](const QString &changed) {
        if (changed != key)
            return;
        const auto state = ana.chat->upload(key);
        sent.append(state ? state->sent : -1);
        if (sent.size() == 6) {
            network.down = true;
            network.current->close(1001, QStringLiteral("gone"));
        }
    });
    QTRY_VERIFY(ana.connection->state() != Client::Connection::State::Connected);
    const qint64 before = sent.last();
    QVERIFY(before > 0 && before < large.size());
    network.down = false;
    QTRY_COMPARE_WITH_TIMEOUT(ana.chat->upload(key)->state, Client::AttachmentUpload::State::Done, 15000);
    QVERIFY(std::is_sorted(sent.cbegin(), sent.cend()));
    QCOMPARE(ana.chat->upload(key)->attachment.size, large.size());
}

void TestClientChat::attachmentRefusals()
{
    const UserId olgaId = m_server->addUser(QStringLiteral("olga"), Role::Student);
    QVERIFY(olgaId.isValid());
    Person ana = signedIn(QStringLiteral("ana"));
    QVERIFY(ana.ready);
    Person olga = signedIn(QStringLiteral("olga"));
    QVERIFY(olga.ready);
    olga.chat->setAttachmentCache(m_caches.filePath(QStringLiteral("olga-files")), 1024 * 1024);

    // Over the server's limit (default 10 MiB): refused before a byte is sent.
    const QString big = ana.chat->uploadData(m_room, QStringLiteral("huge.bin"), QString(), QByteArray(10 * 1024 * 1024 + 1, 'x'));
    QTRY_COMPARE(ana.chat->upload(big)->state, Client::AttachmentUpload::State::Failed);
    QCOMPARE(ana.chat->upload(big)->error, Protocol::ErrorCode::TooLarge);
    QCOMPARE(ana.chat->upload(big)->sent, 0);
    // A message waiting for a failed upload fails too; retry() tries the upload again.
    const QString clientId = ana.chat->send(m_room, QStringLiteral("too big"), 0, {big});
    MessageModel *anaView = ana.chat->openRoom(m_room);
    QTRY_VERIFY(rowWithText(anaView, QStringLiteral("too big")) >= 0);
    QTRY_COMPARE(anaView->message(rowWithText(anaView, QStringLiteral("too big"))).state, ChatMessage::State::Failed);
    ana.chat->discard(clientId);
    QCOMPARE(rowWithText(anaView, QStringLiteral("too big")), -1);
    QVERIFY(!ana.chat->upload(big));
    QVERIFY(ana.chat->uploadFile(m_room, m_caches.filePath(QStringLiteral("no-such-file"))).isEmpty());

    // Olga is not in the course: she can neither upload to its room nor fetch its files.
    const QString refused = olga.chat->uploadData(m_room, QStringLiteral("x.txt"), QString(), "hello");
    QTRY_COMPARE(olga.chat->upload(refused)->state, Client::AttachmentUpload::State::Failed);
    QCOMPARE(olga.chat->upload(refused)->error, Protocol::ErrorCode::NotFound);
    const QByteArray bytes("the answers");
    const QString key = ana.chat->uploadData(m_room, QStringLiteral("answers.txt"), QStringLiteral("text/plain"), bytes);
    QTRY_COMPARE(ana.chat->upload(key)->state, Client::AttachmentUpload::State::Done);
    QSignalSpy failed(olga.chat.get(), &ChatClient::downloadFailed);
    olga.chat->download(m_room, ana.chat->upload(key)->attachment);
    QTRY_COMPARE(failed.size(), 1);
    QCOMPARE(failed.first().at(1).value<Client::Reply>().error, Protocol::ErrorCode::NotFound);
    QVERIFY(olga.chat->cachedFile(ana.chat->upload(key)->attachment).isEmpty());
    QVERIFY(!olga.chat->isDownloading(ana.chat->upload(key)->attachment.id));
}

void TestClientChat::attachmentCacheStaysInItsFolder()
{
    Person ben = signedIn(QStringLiteral("ben"));
    QVERIFY(ben.ready);
    const QString cache = m_caches.filePath(QStringLiteral("ben-files"));
    ben.chat->setAttachmentCache(cache, 1024 * 1024);

    // A file recorded under "." or ".." (before the server refused those names) is cached
    // under its id: the name names a folder, which no file can replace.
    const QByteArray bytes("dot dot");
    const QString sha = QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
    const QString stored = m_server->config().dataDir + QStringLiteral("/attachments/") + sha.left(2);
    QVERIFY(QDir().mkpath(stored));
    QFile file(stored + QLatin1Char('/') + sha);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(bytes);
    file.close();
    const AttachmentInfo dotDot{sha, QStringLiteral(".."), bytes.size(), QStringLiteral("text/plain")};
    QVERIFY(m_server->storage().addAttachment(m_room, dotDot, m_ana, 1));
    QSignalSpy finished(ben.chat.get(), &ChatClient::downloadFinished);
    QSignalSpy failed(ben.chat.get(), &ChatClient::downloadFailed);
    ben.chat->download(m_room, dotDot);
    QTRY_COMPARE(finished.size() + failed.size(), 1);
    QCOMPARE(failed.size(), 0);
    const QString path = finished.first().at(1).toString();
    QVERIFY(path.startsWith(cache + QLatin1Char('/')));
    QFile fetched(path);
    QVERIFY(fetched.open(QIODevice::ReadOnly));
    QCOMPARE(fetched.readAll(), bytes);

    // An id that is not a SHA-256 (from a server one cannot trust) never becomes a path:
    // nothing is created or found outside the cache.
    const QString outside = m_caches.filePath(QStringLiteral("outside"));
    QVERIFY(QDir().mkpath(outside));
    QFile secret(outside + QStringLiteral("/secret.txt"));
    QVERIFY(secret.open(QIODevice::WriteOnly));
    secret.write("secret");
    secret.close();
    const AttachmentInfo escaping{QStringLiteral("../outside"), QStringLiteral("secret.txt"), 6, QStringLiteral("text/plain")};
    QVERIFY(ben.chat->cachedFile(escaping).isEmpty());
    const AttachmentInfo creating{QStringLiteral("../made-by-download"), QStringLiteral("x.txt"), 6, QStringLiteral("text/plain")};
    ben.chat->download(m_room, creating);
    QTRY_COMPARE(failed.size(), 1);
    QVERIFY(!QFileInfo::exists(m_caches.filePath(QStringLiteral("made-by-download"))));
}

void TestClientChat::attachmentCacheIsPerAccountAndGoesWithSignOut()
{
    // Two students on one school computer: one profile, two accounts.
    const QString computer = m_caches.filePath(QStringLiteral("shared-computer"));
    Person ana = signedIn(QStringLiteral("ana"), nullptr, computer);
    QVERIFY(ana.ready);
    Person ben = signedIn(QStringLiteral("ben"), nullptr, computer);
    QVERIFY(ben.ready);
    const QString key = ana.chat->uploadData(m_room, QStringLiteral("marks.txt"), QStringLiteral("text/plain"), "midterm marks");
    QTRY_COMPARE(ana.chat->upload(key)->state, Client::AttachmentUpload::State::Done);
    const AttachmentInfo file = ana.chat->upload(key)->attachment;
    QSignalSpy anaDone(ana.chat.get(), &ChatClient::downloadFinished);
    QSignalSpy benDone(ben.chat.get(), &ChatClient::downloadFinished);
    ana.chat->download(m_room, file);
    ben.chat->download(m_room, file);
    QTRY_COMPARE(anaDone.size(), 1);
    QTRY_COMPARE(benDone.size(), 1);
    const QString anaPath = anaDone.first().at(1).toString();
    const QString benPath = benDone.first().at(1).toString();

    // Each account's files live in its own folder, next to its cache.
    QVERIFY(anaPath.startsWith(QFileInfo(ana.connection->cache()->path()).path() + QLatin1Char('/')));
    QVERIFY(benPath.startsWith(QFileInfo(ben.connection->cache()->path()).path() + QLatin1Char('/')));
    QVERIFY(anaPath != benPath);

    // Signing out takes Ben's files with it, and stops his downloads; Ana's stay until she
    // signs out.
    const QString bigKey = ana.chat->uploadData(m_room, QStringLiteral("slides.bin"), QString(), noise(1500 * 1000));
    QTRY_COMPARE(ana.chat->upload(bigKey)->state, Client::AttachmentUpload::State::Done);
    QSignalSpy benFailed(ben.chat.get(), &ChatClient::downloadFailed);
    ben.chat->download(m_room, ana.chat->upload(bigKey)->attachment);
    QVERIFY(ben.chat->isDownloading(ana.chat->upload(bigKey)->attachment.id));
    const QString benFiles = QFileInfo(ben.connection->cache()->path()).dir().filePath(QStringLiteral("attachments"));
    ben.connection->signOut();
    QCOMPARE(benFailed.size(), 1);
    QVERIFY(!ben.chat->isDownloading(ana.chat->upload(bigKey)->attachment.id));
    QVERIFY(!QFileInfo::exists(benFiles));
    QVERIFY(!QFileInfo::exists(benPath));
    QVERIFY(ben.chat->cachedFile(file).isEmpty());
    QVERIFY(QFileInfo::exists(anaPath));
    QCOMPARE(ana.chat->cachedFile(file), anaPath);
    ana.connection->signOut();
    QVERIFY(!QFileInfo::exists(anaPath));
}

void TestClientChat::messageWaitingForItsFilesSurvivesARestart()
{
    Person ben = signedIn(QStringLiteral("ben"));
    QVERIFY(ben.ready);
    MessageModel *benView = ben.chat->openRoom(m_room);
    QTRY_VERIFY(!benView->isLoadingHistory());
    const QByteArray bytes = noise(1500 * 1000);
    const QString path = m_caches.filePath(QStringLiteral("essay.pdf"));
    QFile essay(path);
    QVERIFY(essay.open(QIODevice::WriteOnly));
    essay.write(bytes);
    essay.close();
    const QString laptop = m_caches.filePath(QStringLiteral("ana-laptop"));

    QString clientId;
    qint64 sentBefore = 0;
    {
        // Part of the file reaches the server, then the link drops and the app is closed.
        TestNetwork network;
        Person ana = signedIn(QStringLiteral("ana"), &network, laptop);
        QVERIFY(ana.ready);
        const QString key = ana.chat->uploadFile(m_room, path);
        QVERIFY(!key.isEmpty());
        connect(ana.chat.get(), &ChatClient::uploadChanged, this, [&](const QString &changed) {
            const auto state = ana.chat->upload(changed);
            if (changed != key || !state || state->sent == 0 || network.down)
                return;
            sentBefore = state->sent;
            network.down = true;
            network.current->close(1001, QStringLiteral("gone"));
        });
        clientId = ana.chat->send(m_room, QStringLiteral("my essay"), 0, {key});
        QTRY_VERIFY(ana.connection->state() != Client::Connection::State::Connected);
        QVERIFY(sentBefore > 0 && sentBefore < bytes.size());
    }

    // The next start on the same computer shows the message pending and sends it, once.
    Person again = signedIn(QStringLiteral("ana"), nullptr, laptop);
    QVERIFY(again.ready);
    const QList<Client::AttachmentUpload> uploads = again.chat->messageUploads(clientId);
    QCOMPARE(uploads.size(), 1);
    QCOMPARE(uploads.first().name, QStringLiteral("essay.pdf"));
    MessageModel *anaView = again.chat->openRoom(m_room);
    QTRY_COMPARE_WITH_TIMEOUT(benView->rowCount(), 1, 15000);
    QCOMPARE(benView->message(0).text, QStringLiteral("my essay"));
    QCOMPARE(benView->message(0).clientId, clientId);
    const QList<AttachmentInfo> files = ben.chat->attachments(m_room, benView->message(0).seq);
    QCOMPARE(files.size(), 1);
    QCOMPARE(files.first().size, bytes.size());
    QCOMPARE(files.first().id, QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex()));
    QTRY_VERIFY(rowWithText(anaView, QStringLiteral("my essay")) >= 0);
    QTRY_COMPARE(anaView->message(rowWithText(anaView, QStringLiteral("my essay"))).state, ChatMessage::State::Stored);
    QVERIFY(again.chat->messageUploads(clientId).isEmpty());
    QCOMPARE(again.connection->cache()->heldMessages().size(), 0);

    // A third start has nothing left to send.
    again.chat.reset();
    again.connection.reset();
    Person third = signedIn(QStringLiteral("ana"), nullptr, laptop);
    QVERIFY(third.ready);
    QVERIFY(third.chat->messageUploads(clientId).isEmpty());
    MessageModel *history = third.chat->openRoom(m_room);
    QTRY_VERIFY(!history->isLoadingHistory() && history->rowCount() > 0);
    QCOMPARE(history->rowCount(), 1);
    QCOMPARE(benView->rowCount(), 1);
}

void TestClientChat::removedUploadIsCancelledOnTheServer()
{
    Person ana = signedIn(QStringLiteral("ana"));
    QVERIFY(ana.ready);
    const QDir partial(m_server->config().dataDir + QStringLiteral("/attachments/partial"));
    // Removed after its first chunk arrived: the upload stays unfinished.
    const QString key = ana.chat->uploadData(m_room, QStringLiteral("video.bin"), QString(), noise(1500 * 1000));
    bool cut = false;
    connect(ana.chat.get(), &ChatClient::uploadChanged, this, [&](const QString &changed) {
        const auto state = ana.chat->upload(changed);
        if (changed == key && state && state->sent > 0 && !cut) {
            cut = true;
            ana.chat->cancelUpload(key); // the chip's remove button
        }
    });
    QTRY_VERIFY(cut);
    QVERIFY(!ana.chat->upload(key));
    // The server forgets it at once: no partial file waits for the expiry.
    QTRY_COMPARE(partial.entryList(QDir::Files | QDir::NoDotAndDotDot).size(), 0);

    // A finished upload is not cancelled by removing its chip: the file stays for the message.
    const QByteArray small("a finished file");
    const QString done = ana.chat->uploadData(m_room, QStringLiteral("kept.txt"), QStringLiteral("text/plain"), small);
    QTRY_COMPARE(ana.chat->upload(done)->state, Client::AttachmentUpload::State::Done);
    const AttachmentInfo stored = ana.chat->upload(done)->attachment;
    ana.chat->cancelUpload(done);
    const QString id = QString::fromLatin1(QCryptographicHash::hash(small, QCryptographicHash::Sha256).toHex());
    QCOMPARE(stored.id, id);
    QVERIFY(QFileInfo::exists(m_server->config().dataDir + QStringLiteral("/attachments/") + id.left(2) + QLatin1Char('/') + id));
}

void TestClientChat::largeFileIsHashedOffTheEventLoop()
{
    // A school that takes lecture recordings.
    QVERIFY(m_server->stop());
    m_server->config().maxAttachmentBytes = 256LL * 1024 * 1024;
    QCOMPARE(m_server->start(), QString());
    Person ana = signedIn(QStringLiteral("ana"));
    QVERIFY(ana.ready);
    const QString path = m_caches.filePath(QStringLiteral("lecture.mp4"));
    QFile video(path);
    QVERIFY(video.open(QIODevice::WriteOnly));
    const QByteArray block = noise(1024 * 1024);
    for (int i = 0; i < 200; ++i)
        QCOMPARE(video.write(block), block.size());
    video.close();

    int ticks = 0;
    QTimer timer;
    timer.setInterval(5);
    connect(&timer, &QTimer::timeout, this, [&ticks] { ++ticks; });
    QList<qint64> prepared;
    const QString key = ana.chat->uploadFile(m_room, path);
    connect(ana.chat.get(), &ChatClient::uploadChanged, this, [&](const QString &changed) {
        const auto state = ana.chat->upload(changed);
        if (changed == key && state && state->state == Client::AttachmentUpload::State::Preparing)
            prepared.append(state->prepared);
    });
    timer.start();
    // Back at once, with the file being prepared; the event loop keeps turning meanwhile and the
    // progress grows.
    QCOMPARE(ana.chat->upload(key)->state, Client::AttachmentUpload::State::Preparing);
    QCOMPARE(ana.chat->upload(key)->size, 200LL * block.size());
    QTRY_VERIFY_WITH_TIMEOUT(prepared.size() >= 2, 30000);
    QVERIFY(std::is_sorted(prepared.cbegin(), prepared.cend()) && prepared.first() > 0);
    QVERIFY(ticks > 0);
    // Removing the chip while it is prepared stops the worker: nothing is uploaded.
    ana.chat->cancelUpload(key);
    QVERIFY(!ana.chat->upload(key));
    const int before = ticks;
    QTRY_VERIFY(ticks > before + 10);
    QVERIFY(!ana.chat->upload(key));
    QVERIFY(QFile::remove(path));
}

void TestClientChat::uploadsOfASignedOutAccountStayWithIt()
{
    // A school computer: Ana picks a file on bad Wi-Fi, gives up and signs out; Ben signs in
    // next in the same app. Her file must not go to the server as his.
    TestNetwork network;
    Person ana = signedIn(QStringLiteral("ana"), &network, m_caches.filePath(QStringLiteral("lab-pc")));
    QVERIFY(ana.ready);
    network.down = true;
    network.current->close(1001, QStringLiteral("gone"));
    QTRY_VERIFY(ana.connection->state() != Client::Connection::State::Connected);
    const QByteArray bytes("ana's private notes");
    const QString key = ana.chat->uploadData(m_room, QStringLiteral("notes.txt"), QStringLiteral("text/plain"), bytes);
    const QString heldKey = ana.chat->uploadData(m_room, QStringLiteral("draft.txt"), QStringLiteral("text/plain"), "ana's draft");
    const QString held = ana.chat->send(m_room, QStringLiteral("later"), 0, {heldKey});
    QSignalSpy changed(ana.chat.get(), &ChatClient::uploadChanged);
    ana.connection->signOut();
    QVERIFY(!ana.chat->upload(key));
    QVERIFY(changed.contains(QVariantList{key}));
    QVERIFY(ana.chat->messageUploads(held).isEmpty());

    network.down = false;
    QSignalSpy loaded(ana.chat.get(), &ChatClient::roomsLoaded);
    QVERIFY(signIn(*ana.connection, m_server->url(), QStringLiteral("ben")).ok);
    QTRY_VERIFY(!loaded.isEmpty());
    // Ben's own file travels after anything the app had queued before his sign-in.
    const QString bens = ana.chat->uploadData(m_room, QStringLiteral("ben.txt"), QStringLiteral("text/plain"), "ben's file");
    QTRY_COMPARE(ana.chat->upload(bens)->state, Client::AttachmentUpload::State::Done);
    QVERIFY(!ana.chat->upload(key));
    const QString id = QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
    QVERIFY(!QFileInfo::exists(m_server->config().dataDir + QStringLiteral("/attachments/") + id.left(2) + QLatin1Char('/') + id));

    // Signing out deleted Ana's account cache with her waiting message: her next sign-in has
    // nothing of it to send.
    ana.connection->signOut();
    QVERIFY(signIn(*ana.connection, m_server->url(), QStringLiteral("ana")).ok);
    QVERIFY(ana.chat->messageUploads(held).isEmpty());
    QVERIFY(ana.connection->cache()->heldMessages().isEmpty());
}

void TestClientChat::roomListNamesTheLastMessagesFile()
{
    // Ben sends a file without text while Ana is away: her room list, loaded at her next
    // sign-in, knows the file (the pane reads "📎 worksheet.pdf", not an empty line).
    Person ben = signedIn(QStringLiteral("ben"));
    QVERIFY(ben.ready);
    const QString key = ben.chat->uploadData(m_room, QStringLiteral("worksheet.pdf"), QStringLiteral("application/pdf"), noise(3000));
    ben.chat->send(m_room, QString(), 0, {key});
    QTRY_VERIFY(ben.chat->rooms()->room(m_room)->lastMessageTs > 0);

    Person ana = signedIn(QStringLiteral("ana"));
    QVERIFY(ana.ready);
    const Client::ChatRoom *room = ana.chat->rooms()->room(m_room);
    QVERIFY(room);
    QCOMPARE(room->lastMessageText, QString());
    QCOMPARE(room->lastMessageFile, QStringLiteral("worksheet.pdf"));
    const QModelIndex index = ana.chat->rooms()->index(ana.chat->rooms()->rowOf(m_room), 0);
    QCOMPARE(index.data(Client::RoomListModel::LastMessageFileRole).toString(), QStringLiteral("worksheet.pdf"));
}

void TestClientChat::retriedMessageSeenBeforeARestartLeavesNoPendingRow()
{
    const QString tablet = m_caches.filePath(QStringLiteral("ana-tablet"));
    const QString text = QStringLiteral("the photo of the board");
    QString clientId;
    {
        // The server stores the message and its event reaches the app, but the result does not:
        // the app is closed with the message still held in its cache.
        Person ana = signedIn(QStringLiteral("ana"), nullptr, tablet);
        QVERIFY(ana.ready);
        Client::Connection *connection = ana.connection.get();
        ana.chat->setRequester([connection](const QString &op, const QJsonObject &data, QObject *context, Client::ReplyCallback done) {
            Protocol::Op parsed = Protocol::Op::RoomList;
            Protocol::parseOp(op, &parsed);
            const bool lost = op == QLatin1String("message.send");
            connection->request(parsed, data, context, [lost, done](const Client::Reply &reply) {
                if (!lost)
                    done(reply);
            });
        });
        const QString key = ana.chat->uploadData(m_room, QStringLiteral("board.png"), QStringLiteral("image/png"), noise(4000));
        clientId = ana.chat->send(m_room, text, 0, {key});
        QTRY_VERIFY(m_server->storedTexts(m_room).contains(text));
        QTRY_COMPARE(ana.connection->lastSeenSeq(m_room), m_server->storage().lastSeq(m_room));
        QCOMPARE(ana.connection->cache()->heldMessages().size(), 1);
    }

    // The next start opens the room while offline (no history shows the message), and sends the
    // held message again after the reconnect: the answer is the seq it saw before the restart.
    TestNetwork network;
    auto connection = makeConnection(tablet, &network);
    ChatClient chat(connection.get());
    bool offline = true;
    int held = 0;
    Client::Connection *raw = connection.get();
    chat.setRequester([raw, &offline, &held](const QString &op, const QJsonObject &data, QObject *context, Client::ReplyCallback done) {
        if (offline && op == QLatin1String("message.send")) {
            ++held; // as if the link dropped before it went
            QTimer::singleShot(0, context, [done] {
                Client::Reply lost;
                lost.local = true;
                lost.error = Protocol::ErrorCode::Unavailable;
                lost.message = QStringLiteral("not connected");
                done(lost);
            });
            return;
        }
        Protocol::Op parsed = Protocol::Op::RoomList;
        Protocol::parseOp(op, &parsed);
        raw->request(parsed, data, context, std::move(done));
    });
    QVERIFY(signIn(*connection, m_server->url(), QStringLiteral("ana")).ok);
    QTRY_VERIFY(held > 0);
    network.down = true;
    network.current->close(1001, QStringLiteral("gone"));
    QTRY_VERIFY(connection->state() != Client::Connection::State::Connected);
    MessageModel *view = chat.openRoom(m_room);
    QTRY_VERIFY(!view->isLoadingHistory());
    QCOMPARE(view->rowCount(), 1);
    QCOMPARE(view->message(0).state, ChatMessage::State::Pending);

    offline = false;
    network.down = false;
    QTRY_COMPARE_WITH_TIMEOUT(connection->state(), Client::Connection::State::Connected, 10000);
    QTRY_VERIFY(connection->cache()->heldMessages().isEmpty());
    // The row is the stored message, not a pending one waiting for an event that never comes.
    QTRY_COMPARE(view->message(0).state, ChatMessage::State::Stored);
    QCOMPARE(view->rowCount(), 1);
    QCOMPARE(view->message(0).seq, m_server->storage().lastSeq(m_room));
    QCOMPARE(view->message(0).clientId, clientId);
    QCOMPARE(view->message(0).text, text);
    QCOMPARE(chat.attachments(m_room, view->message(0).seq).size(), 1);
    QCOMPARE(m_server->storedTexts(m_room), QStringList{text});
}

void TestClientChat::pastedImageSentOfflineIsUploadedAgainAfterARestart()
{
    Person ben = signedIn(QStringLiteral("ben"));
    QVERIFY(ben.ready);
    MessageModel *benView = ben.chat->openRoom(m_room);
    QTRY_VERIFY(!benView->isLoadingHistory());
    const QString laptop = m_caches.filePath(QStringLiteral("ana-laptop"));
    const QByteArray image = noise(200 * 1000);
    const QString id = QString::fromLatin1(QCryptographicHash::hash(image, QCryptographicHash::Sha256).toHex());
    {
        // Pasted and uploaded, then sent on the train: the message waits, and the app is closed.
        TestNetwork network;
        Person ana = signedIn(QStringLiteral("ana"), &network, laptop);
        QVERIFY(ana.ready);
        const QString key = ana.chat->uploadData(m_room, QStringLiteral("paste.png"), QStringLiteral("image/png"), image);
        QTRY_COMPARE(ana.chat->upload(key)->state, Client::AttachmentUpload::State::Done);
        network.down = true;
        network.current->close(1001, QStringLiteral("gone"));
        QTRY_VERIFY(ana.connection->state() != Client::Connection::State::Connected);
        ana.chat->send(m_room, QStringLiteral("the board"), 0, {key});
        QCOMPARE(ana.connection->cache()->heldMessages().size(), 1);
    }

    // Meanwhile the server dropped the file nobody sent.
    QVERIFY(m_server->stop());
    m_server->config().unsentAttachmentSeconds = 1;
    QCOMPARE(m_server->start(), QString());
    QTRY_VERIFY_WITH_TIMEOUT(!m_server->storage().attachment(m_room, id), 10000);

    // The next start uploads the image again and sends the message with it.
    Person again = signedIn(QStringLiteral("ana"), nullptr, laptop);
    QVERIFY(again.ready);
    QTRY_COMPARE_WITH_TIMEOUT(benView->rowCount(), 1, 15000);
    QCOMPARE(benView->message(0).text, QStringLiteral("the board"));
    const QList<AttachmentInfo> files = ben.chat->attachments(m_room, benView->message(0).seq);
    QCOMPARE(files.size(), 1);
    QCOMPARE(files.first().id, id);
    QSignalSpy fetched(ben.chat.get(), &ChatClient::downloadFinished);
    ben.chat->download(m_room, files.first());
    QTRY_COMPARE(fetched.size(), 1);
    QFile file(fetched.first().at(1).toString());
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), image);
    QTRY_VERIFY(again.connection->cache()->heldMessages().isEmpty());
}

void TestClientChat::signOutDeletesTheAccountsCache()
{
    // A shared school computer: what Ana received, drafted and left unsent must not stay for
    // the next student.
    TestNetwork network;
    Person ana = signedIn(QStringLiteral("ana"), &network, m_caches.filePath(QStringLiteral("library-pc")));
    QVERIFY(ana.ready);
    MessageModel *view = ana.chat->openRoom(m_room);
    QTRY_VERIFY(!view->isLoadingHistory());
    ana.chat->send(m_room, QStringLiteral("hello"));
    QTRY_VERIFY(ana.connection->lastSeenSeq(m_room) > 0);
    ana.chat->setDraft(m_room, QStringLiteral("half a thought"));
    network.down = true;
    network.current->close(1001, QStringLiteral("gone"));
    QTRY_VERIFY(ana.connection->state() != Client::Connection::State::Connected);
    ana.chat->send(m_room, QStringLiteral("unsent words"));
    const QString key = ana.chat->uploadData(m_room, QStringLiteral("p.png"), QStringLiteral("image/png"), noise(1000));
    ana.chat->send(m_room, QStringLiteral("unsent picture"), 0, {key});
    QCOMPARE(ana.chat->unsentCount(), 2);
    const QString path = ana.connection->cache()->path();
    QVERIFY(ana.connection->cache()->lastSeq(m_room) > 0);
    QVERIFY(QFileInfo::exists(path));

    const QPointer<MessageModel> shown(view);
    ana.connection->signOut();
    QVERIFY(!ana.connection->cache());
    QVERIFY(!QFileInfo::exists(path));
    QVERIFY(!QFileInfo::exists(path + QStringLiteral("-wal")));
    QVERIFY(!QFileInfo::exists(QFileInfo(path).path())); // its folder carried her name
    QCOMPARE(ana.chat->unsentCount(), 0);
    QCOMPARE(ana.chat->draft(m_room), QString());
    // The room's model with her pending rows goes too: a room opened next is loaded afresh.
    QTRY_VERIFY(shown.isNull());

    // Her next sign-in starts empty, and nothing she left unsent goes.
    network.down = false;
    QVERIFY(signIn(*ana.connection, m_server->url(), QStringLiteral("ana")).ok);
    QCOMPARE(ana.connection->cache()->path(), path);
    QVERIFY(ana.connection->cache()->outboxItems().isEmpty());
    QVERIFY(ana.connection->cache()->heldMessages().isEmpty());
    QCOMPARE(ana.connection->cache()->draft(m_room), QString());
    QCOMPARE(ana.chat->draft(m_room), QString());
    ana.chat->send(m_room, QStringLiteral("back"));
    QTRY_COMPARE(m_server->storedTexts(m_room), (QStringList{QStringLiteral("hello"), QStringLiteral("back")}));

    // A session the server ends (her password changed elsewhere) is no sign-out: the cache stays,
    // with the message waiting in it and the pasted file that message needs.
    network.down = true;
    network.current->close(1001, QStringLiteral("gone"));
    QTRY_VERIFY(ana.connection->state() != Client::Connection::State::Connected);
    const QByteArray later = noise(2000);
    const QString laterKey = ana.chat->uploadData(m_room, QStringLiteral("later.png"), QStringLiteral("image/png"), later);
    ana.chat->send(m_room, QStringLiteral("for later"), 0, {laterKey});
    const QString pasted = QFileInfo(path).path() + QStringLiteral("/attachments/")
        + QString::fromLatin1(QCryptographicHash::hash(later, QCryptographicHash::Sha256).toHex()) + QStringLiteral("/later.png");
    QVERIFY(QFileInfo::exists(pasted));
    Person phone = signedIn(QStringLiteral("ana"));
    QVERIFY(phone.ready);
    std::optional<Client::AuthResult> changed;
    phone.connection->changePassword(QStringLiteral("password-123"), QStringLiteral("new-password-456"), this,
                                     [&changed](const Client::AuthResult &result) { changed = result; });
    QTRY_VERIFY(changed.has_value() && changed->ok);
    network.down = false;
    QTRY_COMPARE_WITH_TIMEOUT(ana.connection->state(), Client::Connection::State::SignedOut, 10000);
    QVERIFY(ana.connection->cache());
    QVERIFY(QFileInfo::exists(path));
    QCOMPARE(ana.connection->cache()->heldMessages().size(), 1);
    QVERIFY(QFileInfo::exists(pasted));
}

void TestClientChat::retriedMessageOlderThanTheLoadedPageLeavesNoGap()
{
    const QString classroom = m_caches.filePath(QStringLiteral("ana-classroom"));
    const QString text = QStringLiteral("the photo of the board");
    {
        // Stored, its event seen, its result lost: held in the cache when the app closes.
        Person ana = signedIn(QStringLiteral("ana"), nullptr, classroom);
        QVERIFY(ana.ready);
        Client::Connection *connection = ana.connection.get();
        ana.chat->setRequester([connection](const QString &op, const QJsonObject &data, QObject *context, Client::ReplyCallback done) {
            Protocol::Op parsed = Protocol::Op::RoomList;
            Protocol::parseOp(op, &parsed);
            const bool lost = op == QLatin1String("message.send");
            connection->request(parsed, data, context, [lost, done](const Client::Reply &reply) {
                if (!lost)
                    done(reply);
            });
        });
        const QString key = ana.chat->uploadData(m_room, QStringLiteral("board.png"), QStringLiteral("image/png"), noise(3000));
        ana.chat->send(m_room, text, 0, {key});
        QTRY_VERIFY(m_server->storedTexts(m_room).contains(text));
        // The class goes on: more than a page of messages after hers.
        Person ben = signedIn(QStringLiteral("ben"));
        QVERIFY(ben.ready);
        for (int i = 1; i <= 5; ++i)
            ben.chat->send(m_room, QStringLiteral("ben %1").arg(i));
        QTRY_COMPARE(m_server->storedTexts(m_room).size(), 6);
        QTRY_COMPARE(ana.connection->lastSeenSeq(m_room), m_server->storage().lastSeq(m_room));
        QCOMPARE(ana.connection->cache()->heldMessages().size(), 1);
    }

    // The next start shows the room's last page, then sends the held message again: it is
    // answered with the seq of her message, older than the page.
    TestNetwork network;
    auto connection = makeConnection(classroom, &network);
    ChatClient chat(connection.get());
    chat.setPageSize(3);
    bool offline = true;
    int held = 0;
    Client::Connection *raw = connection.get();
    chat.setRequester([raw, &offline, &held](const QString &op, const QJsonObject &data, QObject *context, Client::ReplyCallback done) {
        if (offline && op == QLatin1String("message.send")) {
            ++held;
            QTimer::singleShot(0, context, [done] {
                Client::Reply lost;
                lost.local = true;
                lost.error = Protocol::ErrorCode::Unavailable;
                lost.message = QStringLiteral("not connected");
                done(lost);
            });
            return;
        }
        Protocol::Op parsed = Protocol::Op::RoomList;
        Protocol::parseOp(op, &parsed);
        raw->request(parsed, data, context, std::move(done));
    });
    QVERIFY(signIn(*connection, m_server->url(), QStringLiteral("ana")).ok);
    QTRY_VERIFY(held > 0);
    MessageModel *view = chat.openRoom(m_room);
    QTRY_VERIFY(!view->isLoadingHistory());
    QVERIFY(view->hasMoreBefore());
    offline = false;
    network.down = true;
    network.current->close(1001, QStringLiteral("gone"));
    QTRY_VERIFY(connection->state() != Client::Connection::State::Connected);
    network.down = false;
    QTRY_COMPARE_WITH_TIMEOUT(connection->state(), Client::Connection::State::Connected, 10000);
    QTRY_VERIFY(connection->cache()->heldMessages().isEmpty());
    QTRY_VERIFY(view->rowCount() > 0 && view->message(view->rowCount() - 1).state == ChatMessage::State::Stored);

    // Scrolling back brings every message once, in order: none skipped between hers and the page.
    for (int page = 0; page < 5 && view->hasMoreBefore(); ++page) {
        chat.loadOlder(view);
        QTRY_VERIFY(!view->isLoadingHistory());
    }
    QStringList texts;
    for (int row = 0; row < view->rowCount(); ++row)
        texts.append(view->message(row).text);
    QCOMPARE(texts, m_server->storedTexts(m_room));
}

void TestClientChat::nextAccountFindsNothingOfTheLastInMemory()
{
    // One app on a shared computer: Ana reads the course room, sets do not disturb and signs
    // out; Ben signs in on the same app.
    Person ana = signedIn(QStringLiteral("ana"));
    QVERIFY(ana.ready);
    MessageModel *view = ana.chat->openRoom(m_room);
    QTRY_VERIFY(!view->isLoadingHistory());
    ana.chat->send(m_room, QStringLiteral("from ana"));
    QTRY_COMPARE(m_server->storedTexts(m_room).size(), 1);
    QTRY_VERIFY(view->rowCount() == 1 && view->message(0).state == ChatMessage::State::Stored);
    ana.chat->setMyPresence(Client::Presence::DoNotDisturb);
    ana.connection->signOut();
    // Her rooms are not listed until his list comes.
    QCOMPARE(ana.chat->rooms()->rowCount(), 0);
    QVERIFY(!ana.chat->isRoomListLoaded());

    QSignalSpy loaded(ana.chat.get(), &ChatClient::roomsLoaded);
    QVERIFY(signIn(*ana.connection, m_server->url(), QStringLiteral("ben")).ok);
    QTRY_VERIFY(!loaded.isEmpty());
    // The room he opens is his: her message is not his own, his are.
    MessageModel *benView = ana.chat->openRoom(m_room);
    QCOMPARE(benView->me(), m_ben);
    QTRY_VERIFY(!benView->isLoadingHistory());
    ana.chat->send(m_room, QStringLiteral("from ben"));
    QTRY_COMPARE(m_server->storedTexts(m_room).size(), 2);
    QTRY_COMPARE(benView->rowCount(), 2);
    QCOMPARE(benView->message(0).sender.id, m_ana);
    QCOMPARE(benView->message(1).sender.id, m_ben);
    // His status is his own, not her do not disturb.
    QCOMPARE(ana.chat->myPresence(), Client::Presence::Online);
}

void TestClientChat::roomOpenedOfflineLoadsItsHistoryAfterReconnect()
{
    Person ben = signedIn(QStringLiteral("ben"));
    QVERIFY(ben.ready);
    const QStringList texts{QStringLiteral("one"), QStringLiteral("two"), QStringLiteral("three")};
    for (const QString &text : texts)
        ben.chat->send(m_room, text);
    QTRY_COMPARE(m_server->storedTexts(m_room).size(), texts.size());

    TestNetwork network;
    Person ana = signedIn(QStringLiteral("ana"), &network);
    QVERIFY(ana.ready);
    network.down = true;
    network.current->close(1001, QStringLiteral("gone"));
    QTRY_VERIFY(ana.connection->state() != Client::Connection::State::Connected);

    // Opened on the train: the history request fails at once, the room is empty.
    MessageModel *view = ana.chat->openRoom(m_room);
    QTRY_VERIFY(!view->isLoadingHistory());
    QCOMPARE(view->rowCount(), 0);

    // Back online, the room loads what it could not load before, without being opened again.
    network.down = false;
    QTRY_COMPARE_WITH_TIMEOUT(ana.connection->state(), Client::Connection::State::Connected, 10000);
    QTRY_COMPARE(view->rowCount(), int(texts.size()));
    for (int row = 0; row < view->rowCount(); ++row)
        QCOMPARE(view->message(row).text, texts.at(row));
}

QTEST_GUILESS_MAIN(TestClientChat)
#include "tst_client_chat.moc"
