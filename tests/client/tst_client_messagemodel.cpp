// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "messagemodel.h"
#include "roomlistmodel.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>

using namespace Cohort;
using namespace Cohort::Client;

namespace {
const UserId Me(1);
const UserId Ana(2);
const RoomId Room(7);
constexpr qint64 Minute = 60 * 1000;
constexpr qint64 Base = 1763758800000; // 2025-11-21 21:00 UTC

ChatMessage message(qint64 seq, UserId sender, qint64 ts, const QString &text = QStringLiteral("hi"), qint64 threadRoot = 0)
{
    ChatMessage m;
    m.seq = seq;
    m.sender.id = sender;
    m.sender.displayName = sender == Me ? QStringLiteral("Me") : QStringLiteral("Ana Lima");
    m.timestamp = ts;
    m.text = text;
    m.threadRoot = threadRoot;
    m.clientId = QStringLiteral("c%1").arg(seq);
    return m;
}

ChatRoom room(qint64 id, const QString &name, qint64 lastTs, bool pinned = false)
{
    ChatRoom r;
    r.id = RoomId(id);
    r.kind = QStringLiteral("group");
    r.name = name;
    r.lastMessageTs = lastTs;
    r.pinned = pinned;
    return r;
}
} // namespace

/// The chat's item models without a server: ordering, paging, live changes, pending messages,
/// grouping and the unread line, and the room list's order.
class TestMessageModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void pagesPrependInOrder();
    void liveEventsChangeRows();
    void pendingIsReplacedByTheStoredMessage();
    void groupingAndDays();
    void unreadLineSkipsOwnMessages();
    void threadModelTakesItsReplies();
    void messageFromJson();
    void roomListSortsPinnedThenRecent();
    void roomToolTipShowsMarkupAsTyped();
};

void TestMessageModel::pagesPrependInOrder()
{
    MessageModel model(Room, Me);
    model.resetMessages({message(11, Ana, Base), message(12, Ana, Base + 1)}, true);
    QSignalSpy prepended(&model, &MessageModel::pagePrepended);
    model.prependPage({message(9, Ana, Base - 2), message(10, Ana, Base - 1), message(11, Ana, Base)}, false);
    QCOMPARE(prepended.size(), 1);
    QCOMPARE(prepended.at(0).at(0).toInt(), 2); // 11 was already there
    QCOMPARE(model.rowCount(), 4);
    QCOMPARE(model.oldestSeq(), 9);
    QCOMPARE(model.newestSeq(), 12);
    QCOMPARE(model.rowOfSeq(10), 1);
    QVERIFY(!model.hasMoreBefore());
}

void TestMessageModel::liveEventsChangeRows()
{
    MessageModel model(Room, Me);
    model.resetMessages({message(1, Ana, Base), message(2, Me, Base + 1)}, false);
    model.addMessage(message(3, Ana, Base + 2, QStringLiteral("third")));
    model.addMessage(message(3, Ana, Base + 2, QStringLiteral("duplicate")));
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.index(2).data(MessageModel::TextRole).toString(), QStringLiteral("third"));

    model.applyEdit(3, QStringLiteral("edited"), Base + 5, {Me}, false);
    QCOMPARE(model.message(2).text, QStringLiteral("edited"));
    QVERIFY(model.index(2).data(MessageModel::EditedRole).toBool());
    QVERIFY(model.index(2).data(MessageModel::MentionsMeRole).toBool());

    model.applyReaction(2, QStringLiteral("👍"), Ana, true);
    model.applyReaction(2, QStringLiteral("👍"), Me, true);
    model.applyReaction(2, QStringLiteral("👍"), Ana, true); // no change
    QCOMPARE(model.message(1).reactions.size(), 1);
    QCOMPARE(model.message(1).reactions.at(0).users, (QList<UserId>{Ana, Me}));
    model.applyReaction(2, QStringLiteral("👍"), Ana, false);
    model.applyReaction(2, QStringLiteral("👍"), Me, false);
    QVERIFY(model.message(1).reactions.isEmpty());

    model.applyReaction(1, QStringLiteral("🎉"), Me, true);
    model.applyDelete(1);
    QVERIFY(model.message(0).deleted);
    QVERIFY(model.message(0).text.isEmpty());
    QVERIFY(model.message(0).reactions.isEmpty());

    model.applyReply(2, Base + 9, false);
    model.applyReply(2, Base + 10, true);
    QCOMPARE(model.index(1).data(MessageModel::ReplyCountRole).toInt(), 2);
    QCOMPARE(model.message(1).lastReplyTs, Base + 10);
    QCOMPARE(model.index(1).data(MessageModel::NewRepliesRole).toInt(), 1); // one arrived unseen
    model.markThreadSeen(2);
    QCOMPARE(model.newReplies(2), 0);
}

void TestMessageModel::pendingIsReplacedByTheStoredMessage()
{
    MessageModel model(Room, Me);
    model.resetMessages({message(1, Ana, Base)}, false);
    OutboxItem item;
    item.clientId = QStringLiteral("abc");
    item.roomId = Room;
    item.text = QStringLiteral("on my way");
    item.createdAt = Base + 3;
    model.addPending(item);
    model.addPending(item);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.index(1).data(MessageModel::StateRole).toInt(), int(ChatMessage::State::Pending));
    model.setPendingFailed(QStringLiteral("abc"), true);
    QCOMPARE(model.index(1).data(MessageModel::StateRole).toInt(), int(ChatMessage::State::Failed));

    OutboxItem other = item;
    other.roomId = RoomId(99);
    other.clientId = QStringLiteral("elsewhere");
    model.addPending(other);
    QCOMPARE(model.rowCount(), 2);

    ChatMessage stored = message(2, Me, Base + 4, QStringLiteral("on my way"));
    stored.clientId = QStringLiteral("abc");
    model.addMessage(stored);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.index(1).data(MessageModel::SeqRole).toLongLong(), 2);
    QCOMPARE(model.index(1).data(MessageModel::StateRole).toInt(), int(ChatMessage::State::Stored));
    QVERIFY(model.index(1).data(MessageModel::OwnRole).toBool());
}

void TestMessageModel::groupingAndDays()
{
    MessageModel model(Room, Me);
    ChatMessage joined = message(4, Ana, Base + 2 * Minute + 2000, QString());
    joined.systemEvent = QStringLiteral("member.joined");
    model.resetMessages({message(1, Ana, Base), message(2, Ana, Base + 20000), message(3, Ana, Base + 2 * Minute),
                         joined, message(5, Ana, Base + 2 * Minute + 3000), message(6, Ana, Base + 24 * 60 * Minute)},
                        false);
    QVERIFY(!model.index(0).data(MessageModel::GroupedRole).toBool());
    QVERIFY(model.index(1).data(MessageModel::GroupedRole).toBool());  // same sender, 20 s later
    QVERIFY(!model.index(2).data(MessageModel::GroupedRole).toBool()); // two minutes later
    QVERIFY(!model.index(3).data(MessageModel::GroupedRole).toBool()); // system message
    QVERIFY(!model.index(4).data(MessageModel::GroupedRole).toBool()); // after a system message
    QVERIFY(model.index(0).data(MessageModel::DaySeparatorRole).toBool());
    QVERIFY(!model.index(1).data(MessageModel::DaySeparatorRole).toBool());
    QVERIFY(model.index(5).data(MessageModel::DaySeparatorRole).toBool()); // next day
    QVERIFY(!model.index(5).data(MessageModel::GroupedRole).toBool());
}

void TestMessageModel::unreadLineSkipsOwnMessages()
{
    MessageModel model(Room, Me);
    model.resetMessages({message(1, Ana, Base), message(2, Me, Base + 1), message(3, Me, Base + 2), message(4, Ana, Base + 3)},
                        false);
    QCOMPARE(model.unreadLineRow(), -1);
    model.setUnreadLineAfter(1);
    QCOMPARE(model.unreadLineRow(), 3);
    QVERIFY(model.index(3).data(MessageModel::UnreadLineRole).toBool());
    QVERIFY(!model.index(3).data(MessageModel::GroupedRole).toBool());
    model.setUnreadLineAfter(4);
    QCOMPARE(model.unreadLineRow(), -1);
    model.addMessage(message(5, Ana, Base + 4));
    QCOMPARE(model.unreadLineRow(), 4);
}

void TestMessageModel::threadModelTakesItsReplies()
{
    MessageModel main(Room, Me);
    MessageModel thread(Room, Me, 3);
    const QList<ChatMessage> all{message(3, Ana, Base), message(4, Me, Base + 1, QStringLiteral("reply"), 3),
                                 message(5, Ana, Base + 2), message(6, Ana, Base + 3, QStringLiteral("other"), 5)};
    main.resetMessages(all, false);
    thread.resetMessages(all, false);
    QCOMPARE(main.rowCount(), 2);
    QCOMPARE(thread.rowCount(), 2);
    QCOMPARE(thread.message(1).text, QStringLiteral("reply"));
    OutboxItem reply;
    reply.clientId = QStringLiteral("r");
    reply.roomId = Room;
    reply.threadRoot = 3;
    main.addPending(reply);
    thread.addPending(reply);
    QCOMPARE(main.rowCount(), 2);
    QCOMPARE(thread.rowCount(), 3);
}

void TestMessageModel::messageFromJson()
{
    const QJsonObject json{
        {QStringLiteral("seq"), 43},
        {QStringLiteral("ts"), qint64(1763758803000)},
        {QStringLiteral("sender"), UserInfo{Ana, QStringLiteral("ana"), QStringLiteral("Ana Lima"), Role::Student}.toJson()},
        {QStringLiteral("clientId"), QStringLiteral("c0a8")},
        {QStringLiteral("text"), QStringLiteral("Hi @ben")},
        {QStringLiteral("threadRoot"), 0},
        {QStringLiteral("replyCount"), 2},
        {QStringLiteral("edited"), true},
        {QStringLiteral("editedAt"), qint64(1763758850000)},
        {QStringLiteral("deleted"), false},
        {QStringLiteral("reactions"), QJsonArray{QJsonObject{{QStringLiteral("emoji"), QStringLiteral("👍")},
                                                             {QStringLiteral("users"), QJsonArray{3, 5}}}}},
        {QStringLiteral("mentions"), QJsonArray{5}},
        {QStringLiteral("mentionsRoom"), false},
        {QStringLiteral("system"), QJsonValue::Null},
    };
    const std::optional<ChatMessage> m = ChatMessage::fromJson(json);
    QVERIFY(m);
    QCOMPARE(m->seq, 43);
    QCOMPARE(m->sender.id, Ana);
    QCOMPARE(m->replyCount, 2);
    QVERIFY(m->edited);
    QCOMPARE(m->reactions.at(0).users, (QList<UserId>{UserId(3), UserId(5)}));
    QVERIFY(m->mentionsUser(UserId(5)));
    QVERIFY(!m->isSystem());

    const std::optional<ChatMessage> left = ChatMessage::fromJson(
        {{QStringLiteral("seq"), 44},
         {QStringLiteral("system"), QJsonObject{{QStringLiteral("event"), QStringLiteral("member.left")},
                                                {QStringLiteral("user"), json.value(QStringLiteral("sender"))}}}});
    QVERIFY(left && left->isSystem());
    QCOMPARE(left->systemUser.displayName, QStringLiteral("Ana Lima"));
    QVERIFY(!ChatMessage::fromJson({{QStringLiteral("seq"), 0}}));
}

void TestMessageModel::roomListSortsPinnedThenRecent()
{
    RoomListModel model;
    model.setRooms({room(1, QStringLiteral("Old"), Base), room(2, QStringLiteral("New"), Base + 10),
                    room(3, QStringLiteral("Pinned"), Base - 10, true)});
    QCOMPARE(model.at(0).name, QStringLiteral("Pinned"));
    QCOMPARE(model.at(1).name, QStringLiteral("New"));
    const QPersistentModelIndex old(model.index(2));
    model.update(RoomId(1), [](ChatRoom &r) {
        r.lastMessageTs = Base + 20;
        ++r.unread;
    });
    QCOMPARE(model.at(1).name, QStringLiteral("Old"));
    QCOMPARE(old.row(), 1); // the selection follows the room
    QCOMPARE(model.index(1).data(RoomListModel::UnreadRole).toInt(), 1);

    ChatRoom dm = room(4, QString(), Base + 30);
    dm.kind = QStringLiteral("direct");
    dm.peer = UserInfo{Ana, QStringLiteral("ana"), QStringLiteral("Ana Lima"), Role::Student};
    model.upsert(dm);
    QCOMPARE(model.index(1).data(Qt::DisplayRole).toString(), QStringLiteral("Ana Lima"));
    model.setPresence(Ana, Presence::Online);
    QCOMPARE(model.index(1).data(RoomListModel::PresenceRole).toInt(), int(Presence::Online));
    model.remove(RoomId(4));
    QCOMPARE(model.rowCount(), 3);

    // A fresh list from the server updates rows in place: the selection survives it.
    const QPersistentModelIndex selected(model.index(model.rowOf(RoomId(2))));
    ChatRoom renamed = room(2, QStringLiteral("Renamed"), Base + 10);
    model.setRooms({renamed, room(3, QStringLiteral("Pinned"), Base - 10, true), room(5, QStringLiteral("Added"), Base)});
    QCOMPARE(model.rowCount(), 3);
    QVERIFY(selected.isValid());
    QCOMPARE(selected.data(Qt::DisplayRole).toString(), QStringLiteral("Renamed"));
    QCOMPARE(model.rowOf(RoomId(1)), -1);
    QVERIFY(model.rowOf(RoomId(5)) >= 0);
}

void TestMessageModel::roomToolTipShowsMarkupAsTyped()
{
    // Qt renders a tool tip as HTML when it looks like HTML: a room named with markup must not
    // load an image or show a fake link in the room list's tool tip.
    RoomListModel model;
    ChatRoom r = room(1, QStringLiteral("<img src=\"http://evil/x.png\"><a href=\"file:///\">Help</a>"), Base);
    r.topic = QStringLiteral("a & b");
    model.setRooms({r});
    const QString tip = model.index(0).data(Qt::ToolTipRole).toString();
    QVERIFY2(!tip.contains(QLatin1String("<img")) && !tip.contains(QLatin1String("<a ")), qPrintable(tip));
    QVERIFY(tip.contains(QLatin1String("&lt;img src=&quot;http://evil/x.png&quot;&gt;")));
    QVERIFY(tip.contains(QLatin1String("a &amp; b")));
    QCOMPARE(plainToolTip(QString()), QString());
}

QTEST_GUILESS_MAIN(TestMessageModel)
#include "tst_client_messagemodel.moc"
