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

    static qint64 userId(const TestClient &client)
    {
        return client.session().value(QStringLiteral("user")).toObject().value(QStringLiteral("id")).toInteger();
    }

    QJsonObject announcement() const
    {
        return {{QStringLiteral("clientId"), QStringLiteral("ann-1")}, {QStringLiteral("kind"), QStringLiteral("announcement")},
                {QStringLiteral("name"), QStringLiteral("Announcements")}, {QStringLiteral("courseId"), m_courseId}};
    }

    bool join(TestClient &client, qint64 room = 0)
    {
        const auto reply = client.request(Op::RoomJoin, {{QStringLiteral("roomId"), room ? room : m_roomId}});
        return reply && reply->type == FrameType::Result;
    }

    /// Waits for an event of that name, logged or ephemeral, and returns it (the newest one).
    static std::optional<Frame> waitForEvent(TestClient &client, const QString &name, int timeoutMs = 5000)
    {
        auto find = [&]() -> std::optional<Frame> {
            const QList<Frame> &events = isEphemeralEvent(name) ? client.ephemeralEvents() : client.events();
            for (qsizetype i = events.size() - 1; i >= 0; --i) {
                if (events.at(i).event == name)
                    return events.at(i);
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

    void editDeleteAndReact()
    {
        QVERIFY(join(*m_ben));
        const qint64 seq = send(*m_ana, QStringLiteral("helo"));
        QVERIFY(seq > 0);
        const QJsonObject edit{{QStringLiteral("roomId"), m_roomId},
                               {QStringLiteral("clientId"), QStringLiteral("edit-1")},
                               {QStringLiteral("seq"), seq},
                               {QStringLiteral("text"), QStringLiteral("hello @ben")}};
        bool ok = false;
        const qint64 editedTs = m_ana->call(Op::MessageEdit, edit, &ok).value(QStringLiteral("ts")).toInteger();
        QVERIFY(ok);
        auto edited = waitForEvent(*m_ben, EventMessageEdited);
        QVERIFY(edited);
        QCOMPARE(edited->data.value(QStringLiteral("target")).toInteger(), seq);
        QCOMPARE(edited->data.value(QStringLiteral("text")).toString(), QStringLiteral("hello @ben"));
        QCOMPARE(edited->data.value(QStringLiteral("mentions")).toArray().size(), 1);
        QVERIFY(edited->data.value(QStringLiteral("editedAt")).toInteger() > 0);
        // A retry is answered with the first edit and stores nothing new.
        const qint64 lastSeq = roomEntry(*m_ana, m_roomId).value(QStringLiteral("lastSeq")).toInteger();
        QCOMPARE(m_ana->call(Op::MessageEdit, edit, &ok).value(QStringLiteral("ts")).toInteger(), editedTs);
        QVERIFY(ok);
        QCOMPARE(roomEntry(*m_ana, m_roomId).value(QStringLiteral("lastSeq")).toInteger(), lastSeq);
        // Nobody edits someone else's message, not even the teacher.
        QJsonObject foreign = edit;
        foreign.insert(QStringLiteral("clientId"), QStringLiteral("edit-2"));
        expectError(m_ben->request(Op::MessageEdit, foreign), ErrorCode::Forbidden);
        expectError(m_teacher->request(Op::MessageEdit, foreign), ErrorCode::Forbidden);

        // Reactions: on, on again (no event), a second user, off.
        const auto react = [&](TestClient &client, bool on) {
            return client.request(Op::MessageReact, {{QStringLiteral("roomId"), m_roomId},
                                                     {QStringLiteral("clientId"), clientId()},
                                                     {QStringLiteral("seq"), seq},
                                                     {QStringLiteral("emoji"), QStringLiteral("👍")},
                                                     {QStringLiteral("on"), on}});
        };
        m_ben->clearEvents();
        QCOMPARE(react(*m_ben, true)->type, FrameType::Result);
        QCOMPARE(react(*m_ben, true)->type, FrameType::Result);
        QCOMPARE(react(*m_ana, true)->type, FrameType::Result);
        QCOMPARE(react(*m_ana, false)->type, FrameType::Result);
        QVERIFY(m_ben->waitForEvents(3));
        QTest::qWait(100);
        QCOMPARE(m_ben->events().size(), 3);
        const Frame reaction = m_ben->events().first();
        QCOMPARE(reaction.event, EventReactionChanged);
        QCOMPARE(reaction.data.value(QStringLiteral("emoji")).toString(), QStringLiteral("👍"));
        QCOMPARE(reaction.data.value(QStringLiteral("on")).toBool(), true);
        QCOMPARE(m_ben->events().last().data.value(QStringLiteral("on")).toBool(), false);
        QJsonObject message = history(*m_ben, {}).value(QStringLiteral("messages")).toArray().last().toObject();
        QCOMPARE(message.value(QStringLiteral("text")).toString(), QStringLiteral("hello @ben"));
        QCOMPARE(message.value(QStringLiteral("edited")).toBool(), true);
        QCOMPARE(message.value(QStringLiteral("reactions")).toArray().size(), 1);
        QCOMPARE(message.value(QStringLiteral("reactions")).toArray().first().toObject().value(QStringLiteral("users")).toArray().size(), 1);

        // A student may not delete another's message; the teacher (a moderator) may.
        const QJsonObject del{{QStringLiteral("roomId"), m_roomId}, {QStringLiteral("clientId"), clientId()},
                              {QStringLiteral("seq"), seq}};
        expectError(m_ben->request(Op::MessageDelete, del), ErrorCode::Forbidden);
        m_teacher->call(Op::MessageDelete, del, &ok);
        QVERIFY(ok);
        const auto deleted = waitForEvent(*m_ben, EventMessageDeleted);
        QVERIFY(deleted);
        QCOMPARE(deleted->data.value(QStringLiteral("target")).toInteger(), seq);
        message = history(*m_ben, {}).value(QStringLiteral("messages")).toArray().last().toObject();
        QCOMPARE(message.value(QStringLiteral("deleted")).toBool(), true);
        QCOMPARE(message.value(QStringLiteral("text")).toString(), QString());
        QVERIFY(message.value(QStringLiteral("reactions")).toArray().isEmpty());
        // Deleting again changes nothing; editing or reacting to a deleted message is not_found.
        m_ana->call(Op::MessageDelete, del, &ok);
        QVERIFY(ok);
        QJsonObject late = edit;
        late.insert(QStringLiteral("clientId"), QStringLiteral("edit-3"));
        expectError(m_ana->request(Op::MessageEdit, late), ErrorCode::NotFound);
        expectError(react(*m_ana, true), ErrorCode::NotFound);
    }

    void typingReachesOthersAndExpires()
    {
        QVERIFY(join(*m_ana));
        QVERIFY(join(*m_ben));
        auto anaPhone = signedIn(QStringLiteral("ana"));
        QVERIFY(anaPhone && join(*anaPhone));
        m_ana->clearEvents();
        m_ben->clearEvents();
        QCOMPARE(m_ana->request(Op::Typing, {{QStringLiteral("roomId"), m_roomId}})->type, FrameType::Result);
        const auto typing = waitForEvent(*m_ben, EventTyping);
        QVERIFY(typing);
        QCOMPARE(typing->room.value(), m_roomId);
        QCOMPARE(typing->seq, 0); // ephemeral: no seq
        QCOMPARE(typing->data.value(QStringLiteral("user")).toObject().value(QStringLiteral("username")).toString(),
                 QStringLiteral("ana"));
        QCOMPARE(typing->data.value(QStringLiteral("expiresInMs")).toInt(), TypingExpiresMs);
        // Not to the typist's own connections; nothing is stored.
        QTest::qWait(100);
        QVERIFY(!waitForEvent(*m_ana, EventTyping, 0));
        QVERIFY(!waitForEvent(*anaPhone, EventTyping, 0));
        QCOMPARE(roomEntry(*m_ben, m_roomId).value(QStringLiteral("lastSeq")).toInteger(), 2);
        // Repeats within the throttle interval are answered but not fanned out again.
        QCOMPARE(m_ana->request(Op::Typing, {{QStringLiteral("roomId"), m_roomId}})->type, FrameType::Result);
        QCOMPARE(anaPhone->request(Op::Typing, {{QStringLiteral("roomId"), m_roomId}})->type, FrameType::Result);
        QCOMPARE(m_ben->request(Op::Typing, {{QStringLiteral("roomId"), m_roomId}})->type, FrameType::Result);
        QVERIFY(waitForEvent(*m_ana, EventTyping)); // ben's own first typing does get through
        int typings = 0;
        for (const Frame &event : m_ben->ephemeralEvents())
            typings += event.event == EventTyping ? 1 : 0;
        QCOMPARE(typings, 1);
    }

    void readStateAndReceipts()
    {
        QVERIFY(join(*m_ben));
        auto anaPhone = signedIn(QStringLiteral("ana"));
        QVERIFY(anaPhone);
        const qint64 first = send(*m_teacher, QStringLiteral("one"));
        const qint64 second = send(*m_teacher, QStringLiteral("two"));
        QCOMPARE(roomEntry(*m_ana, m_roomId).value(QStringLiteral("unread")).toInt(), 2);
        bool ok = false;
        const QJsonObject read =
            m_ana->call(Op::RoomRead, {{QStringLiteral("roomId"), m_roomId}, {QStringLiteral("seq"), first}}, &ok);
        QVERIFY(ok);
        QCOMPARE(read.value(QStringLiteral("seq")).toInteger(), first);
        // The room's subscribers and ana's other device hear it.
        for (TestClient *client : {m_ben.get(), anaPhone.get()}) {
            const auto updated = waitForEvent(*client, EventReadUpdated);
            QVERIFY(updated);
            QCOMPARE(updated->data.value(QStringLiteral("seq")).toInteger(), first);
            QCOMPARE(updated->data.value(QStringLiteral("userId")).toInteger(),
                     m_ana->session().value(QStringLiteral("user")).toObject().value(QStringLiteral("id")).toInteger());
        }
        QJsonObject entry = roomEntry(*anaPhone, m_roomId);
        QCOMPARE(entry.value(QStringLiteral("lastRead")).toInteger(), first);
        QCOMPARE(entry.value(QStringLiteral("unread")).toInt(), 1);
        // Going back does not lower it; beyond the newest seq is clamped.
        m_ana->call(Op::RoomRead, {{QStringLiteral("roomId"), m_roomId}, {QStringLiteral("seq"), 1}}, &ok);
        QVERIFY(ok);
        QCOMPARE(m_ana->call(Op::RoomRead, {{QStringLiteral("roomId"), m_roomId}, {QStringLiteral("seq"), 9999}}, &ok)
                     .value(QStringLiteral("seq")).toInteger(), second);
        QCOMPARE(roomEntry(*m_ana, m_roomId).value(QStringLiteral("unread")).toInt(), 0);
        m_ben->call(Op::RoomRead, {{QStringLiteral("roomId"), m_roomId}, {QStringLiteral("seq"), first}}, &ok);
        const QJsonArray reads =
            m_teacher->call(Op::RoomReceipts, {{QStringLiteral("roomId"), m_roomId}}, &ok).value(QStringLiteral("reads")).toArray();
        QVERIFY(ok);
        QCOMPARE(reads.size(), 2);
        // "Seen by" for the second message: members whose read seq reaches it: ana only.
        int seenBy = 0;
        for (const QJsonValue &value : reads)
            seenBy += value.toObject().value(QStringLiteral("seq")).toInteger() >= second ? 1 : 0;
        QCOMPARE(seenBy, 1);
    }

    void presenceOnlyOfRoomMates()
    {
        QVERIFY(m_server->addUser(QStringLiteral("olga"), Role::Student).isValid()); // shares no room with ana
        auto olga = signedIn(QStringLiteral("olga"));
        QVERIFY(olga);
        bool ok = false;
        const QJsonArray presence =
            m_ana->call(Op::PresenceGet, {{QStringLiteral("userIds"), QJsonArray{userId(*olga), userId(*m_ben)}}}, &ok)
                .value(QStringLiteral("presence")).toArray();
        QVERIFY(ok);
        QCOMPARE(presence.size(), 2);
        QCOMPARE(presence.at(0).toObject().value(QStringLiteral("status")).toString(), QStringLiteral("offline"));
        QCOMPARE(presence.at(0).toObject().value(QStringLiteral("lastSeen")).toInteger(), 0);
        QCOMPARE(presence.at(1).toObject().value(QStringLiteral("status")).toString(), QStringLiteral("online"));
    }

    void lastSeenSurvivesARestart()
    {
        const qint64 benId = userId(*m_ben);
        const qint64 teacherId = userId(*m_teacher);
        m_ben.reset();
        const auto offline = waitForEvent(*m_ana, EventPresence);
        QVERIFY(offline);
        QCOMPARE(offline->data.value(QStringLiteral("status")).toString(), QStringLiteral("offline"));
        const qint64 seen = offline->data.value(QStringLiteral("lastSeen")).toInteger();
        QVERIFY(seen > 0);

        // The server stops, closing ana's and the teacher's connections, and starts again on its data.
        QVERIFY(m_server->stop());
        m_ana.reset();
        m_teacher.reset();
        QCOMPARE(m_server->start(), QString());
        m_ana = signedIn(QStringLiteral("ana"));
        QVERIFY(m_ana);
        bool ok = false;
        const QJsonArray presence = m_ana->call(Op::PresenceGet, {{QStringLiteral("userIds"), QJsonArray{benId, teacherId}}}, &ok)
                                        .value(QStringLiteral("presence")).toArray();
        QVERIFY(ok);
        QCOMPARE(presence.size(), 2);
        const QJsonObject ben = presence.at(0).toObject();
        QCOMPARE(ben.value(QStringLiteral("status")).toString(), QStringLiteral("offline"));
        QCOMPARE(ben.value(QStringLiteral("lastSeen")).toInteger(), seen);
        // The teacher was online until the stop: seen then, not never.
        QVERIFY(presence.at(1).toObject().value(QStringLiteral("lastSeen")).toInteger() >= seen);
        const QJsonArray members = m_ana->call(Op::RoomMembers, {{QStringLiteral("roomId"), m_roomId}}, &ok)
                                       .value(QStringLiteral("members")).toArray();
        QVERIFY(ok);
        bool found = false;
        for (const QJsonValue &member : members) {
            if (member.toObject().value(QStringLiteral("user")).toObject().value(QStringLiteral("username")).toString() == QLatin1String("ben")) {
                QCOMPARE(member.toObject().value(QStringLiteral("presence")).toObject().value(QStringLiteral("lastSeen")).toInteger(), seen);
                found = true;
            }
        }
        QVERIFY(found);
    }

    void presenceAcrossTwoDevices()
    {
        const qint64 anaId = m_ana->session().value(QStringLiteral("user")).toObject().value(QStringLiteral("id")).toInteger();
        const auto statusOf = [&](TestClient &client) {
            bool ok = false;
            const QJsonArray presence = client.call(Op::PresenceGet, {{QStringLiteral("userIds"), QJsonArray{anaId}}}, &ok)
                                            .value(QStringLiteral("presence")).toArray();
            return presence.first().toObject();
        };
        QCOMPARE(statusOf(*m_ben).value(QStringLiteral("status")).toString(), QStringLiteral("online"));
        auto phone = signedIn(QStringLiteral("ana"));
        QVERIFY(phone);
        const auto expectPresence = [&](const QString &status) {
            return QTest::qWaitFor([&] {
                const auto event = waitForEvent(*m_ben, EventPresence, 0);
                return event && event->data.value(QStringLiteral("userId")).toInteger() == anaId
                    && event->data.value(QStringLiteral("status")).toString() == status;
            }, 5000);
        };
        // The laptop goes away: the phone is still online, so nothing changes for others.
        m_ben->clearEvents();
        bool ok = false;
        m_ana->call(Op::PresenceSet, {{QStringLiteral("status"), QStringLiteral("away")}}, &ok);
        QVERIFY(ok);
        QCOMPARE(statusOf(*m_ben).value(QStringLiteral("status")).toString(), QStringLiteral("online"));
        // Do not disturb on one device wins.
        phone->call(Op::PresenceSet, {{QStringLiteral("status"), QStringLiteral("dnd")}}, &ok);
        QVERIFY(expectPresence(QStringLiteral("dnd")));
        // The phone disconnects: only the away laptop is left.
        phone.reset();
        QVERIFY(expectPresence(QStringLiteral("away")));
        m_ana.reset();
        QVERIFY(expectPresence(QStringLiteral("offline")));
        const QJsonObject offline = statusOf(*m_ben);
        QCOMPARE(offline.value(QStringLiteral("status")).toString(), QStringLiteral("offline"));
        QVERIFY(offline.value(QStringLiteral("lastSeen")).toInteger() > 0);
        m_ana = signedIn(QStringLiteral("ana"));
        QVERIFY(m_ana);
        QVERIFY(expectPresence(QStringLiteral("online")));
    }

    void resumeReplaysEditsDeletesAndReactions()
    {
        QVERIFY(join(*m_ana));
        const qint64 seq = send(*m_ben, QStringLiteral("original"));
        const qint64 seen = seq;
        m_ana.reset(); // ana goes offline having seen `seq`
        bool ok = false;
        m_ben->call(Op::MessageEdit, {{QStringLiteral("roomId"), m_roomId}, {QStringLiteral("clientId"), clientId()},
                                      {QStringLiteral("seq"), seq}, {QStringLiteral("text"), QStringLiteral("edited")}}, &ok);
        QVERIFY(ok);
        m_teacher->call(Op::MessageReact, {{QStringLiteral("roomId"), m_roomId}, {QStringLiteral("clientId"), clientId()},
                                           {QStringLiteral("seq"), seq}, {QStringLiteral("emoji"), QStringLiteral("🎉")},
                                           {QStringLiteral("on"), true}}, &ok);
        QVERIFY(ok);
        const qint64 other = send(*m_ben, QStringLiteral("to delete"));
        m_ben->call(Op::MessageDelete, {{QStringLiteral("roomId"), m_roomId}, {QStringLiteral("clientId"), clientId()},
                                        {QStringLiteral("seq"), other}}, &ok);
        QVERIFY(ok);

        m_ana = signedIn(QStringLiteral("ana"));
        QVERIFY(m_ana);
        const auto resumed = m_ana->request(Op::RoomJoin, {{QStringLiteral("roomId"), m_roomId}, {QStringLiteral("since"), seen}});
        QVERIFY(resumed && resumed->type == FrameType::Result);
        QStringList names;
        QList<qint64> replayed;
        for (const Frame &event : m_ana->events()) {
            if (event.seq > 0) {
                names << event.event;
                replayed << event.seq;
            }
        }
        QCOMPARE(names, QStringList({EventMessageEdited, EventReactionChanged, EventMessageCreated, EventMessageDeleted}));
        QCOMPARE(replayed, QList<qint64>({seen + 1, seen + 2, seen + 3, seen + 4}));
    }

    void directRoomsAreDeduplicated()
    {
        const qint64 benId = userId(*m_ben);
        const qint64 anaId = userId(*m_ana);
        // Two simultaneous requests, from both sides, end in one room.
        const QString first = m_ana->send(Op::RoomDirect, {{QStringLiteral("userId"), benId}});
        const QString second = m_ben->send(Op::RoomDirect, {{QStringLiteral("userId"), anaId}});
        const auto a = m_ana->reply(first);
        const auto b = m_ben->reply(second);
        QVERIFY(a && a->type == FrameType::Result && b && b->type == FrameType::Result);
        const QJsonObject room = a->data.value(QStringLiteral("room")).toObject();
        const qint64 id = room.value(QStringLiteral("id")).toInteger();
        QCOMPARE(b->data.value(QStringLiteral("room")).toObject().value(QStringLiteral("id")).toInteger(), id);
        QCOMPARE(room.value(QStringLiteral("kind")).toString(), QStringLiteral("direct"));
        QCOMPARE(room.value(QStringLiteral("name")).toString(), QString());
        QCOMPARE(room.value(QStringLiteral("memberCount")).toInt(), 2);
        QCOMPARE(room.value(QStringLiteral("peer")).toObject().value(QStringLiteral("username")).toString(), QStringLiteral("ben"));
        QCOMPARE(roomEntry(*m_ben, id).value(QStringLiteral("peer")).toObject().value(QStringLiteral("username")).toString(),
                 QStringLiteral("ana"));
        QVERIFY(send(*m_ana, QStringLiteral("psst"), 0, id) > 0);
        QCOMPARE(roomEntry(*m_ben, id).value(QStringLiteral("unread")).toInt(), 1);
        // The teacher cannot see it.
        expectError(m_teacher->request(Op::MessageHistory, {{QStringLiteral("roomId"), id}}), ErrorCode::NotFound);
        expectError(m_ana->request(Op::RoomDirect, {{QStringLiteral("userId"), anaId}}), ErrorCode::BadRequest);
        expectError(m_ana->request(Op::RoomDirect, {{QStringLiteral("userId"), 999}}), ErrorCode::NotFound);
    }

    void dmPolicyStaffOnly()
    {
        QVERIFY(m_server->server().storage().setSetting(QStringLiteral("chat.dm_policy"), QStringLiteral("staff")));
        expectError(m_ana->request(Op::RoomDirect, {{QStringLiteral("userId"), userId(*m_ben)}}), ErrorCode::Forbidden);
        bool ok = false;
        m_ana->call(Op::RoomDirect, {{QStringLiteral("userId"), userId(*m_teacher)}}, &ok);
        QVERIFY(ok);
        m_teacher->call(Op::RoomDirect, {{QStringLiteral("userId"), userId(*m_ben)}}, &ok);
        QVERIFY(ok);
        QVERIFY(m_server->server().storage().setSetting(QStringLiteral("chat.dm_policy"), QStringLiteral("anyone")));
        m_ana->call(Op::RoomDirect, {{QStringLiteral("userId"), userId(*m_ben)}}, &ok);
        QVERIFY(ok);
    }

    void dmPolicyStaffOnlyCoversTwoPersonGroups()
    {
        QVERIFY(m_server->server().storage().setSetting(QStringLiteral("chat.dm_policy"), QStringLiteral("staff")));
        const auto group = [this](const QList<qint64> &members) {
            QJsonArray ids;
            for (qint64 id : members)
                ids.append(id);
            return QJsonObject{{QStringLiteral("kind"), QStringLiteral("group")},
                               {QStringLiteral("name"), QStringLiteral("just us")},
                               {QStringLiteral("clientId"), clientId()},
                               {QStringLiteral("members"), ids}};
        };
        // A "group" of two students is a direct room by another name.
        expectError(m_ana->request(Op::RoomCreate, group({userId(*m_ben)})), ErrorCode::Forbidden);
        bool ok = false;
        m_ana->call(Op::RoomCreate, group({userId(*m_ben), userId(*m_teacher)}), &ok);
        QVERIFY(ok);
        // Nor is it one when the other student is added to a group of one afterwards.
        const qint64 alone =
            m_ana->call(Op::RoomCreate, group({}), &ok).value(QStringLiteral("room")).toObject().value(QStringLiteral("id")).toInteger();
        QVERIFY(ok);
        expectError(m_ana->request(Op::RoomAddMembers, {{QStringLiteral("clientId"), clientId()},
                                                        {QStringLiteral("roomId"), alone},
                                                        {QStringLiteral("userIds"), QJsonArray{userId(*m_ben)}}}),
                    ErrorCode::Forbidden);
        QVERIFY(m_server->server().storage().setSetting(QStringLiteral("chat.dm_policy"), QStringLiteral("anyone")));
        m_ana->call(Op::RoomCreate, group({userId(*m_ben)}), &ok);
        QVERIFY(ok);
    }

    void announcementRules()
    {
        expectError(m_ana->request(Op::RoomCreate, announcement()), ErrorCode::Forbidden);
        QVERIFY(join(*m_ana));
        bool ok = false;
        const QJsonObject room = m_teacher->call(Op::RoomCreate, announcement(), &ok).value(QStringLiteral("room")).toObject();
        QVERIFY(ok);
        const qint64 id = room.value(QStringLiteral("id")).toInteger();
        QCOMPARE(room.value(QStringLiteral("kind")).toString(), QStringLiteral("announcement"));
        QCOMPARE(room.value(QStringLiteral("memberCount")).toInt(), 3); // the whole course
        QCOMPARE(room.value(QStringLiteral("myRole")).toString(), QStringLiteral("owner"));
        // The students hear of the new room.
        const auto added = waitForEvent(*m_ana, EventRoomAdded);
        QVERIFY(added);
        QCOMPARE(added->data.value(QStringLiteral("room")).toObject().value(QStringLiteral("myRole")).toString(),
                 QStringLiteral("member"));
        // A retried create returns the same room.
        QCOMPARE(m_teacher->call(Op::RoomCreate, announcement(), &ok).value(QStringLiteral("room")).toObject()
                     .value(QStringLiteral("id")).toInteger(), id);
        const qint64 post = send(*m_teacher, QStringLiteral("Exam on Friday"), 0, id);
        QVERIFY(post > 0);
        // Students may not post, but react and reply in threads.
        expectError(m_ana->request(Op::MessageSend, {{QStringLiteral("roomId"), id}, {QStringLiteral("clientId"), clientId()},
                                                     {QStringLiteral("text"), QStringLiteral("no")}}),
                    ErrorCode::Forbidden);
        QVERIFY(send(*m_ana, QStringLiteral("which room?"), post, id) > 0);
        m_ana->call(Op::MessageReact, {{QStringLiteral("roomId"), id}, {QStringLiteral("clientId"), clientId()},
                                       {QStringLiteral("seq"), post}, {QStringLiteral("emoji"), QStringLiteral("👀")},
                                       {QStringLiteral("on"), true}}, &ok);
        QVERIFY(ok);
        // Students enrolled later join the announcement room too.
        QVERIFY(m_server->addUser(QStringLiteral("cyd"), Role::Student).isValid());
        m_teacher->call(Op::CourseEnroll, {{QStringLiteral("courseId"), m_courseId},
                                           {QStringLiteral("usernames"), QJsonArray{QStringLiteral("cyd")}}}, &ok);
        auto cy = signedIn(QStringLiteral("cyd"));
        QVERIFY(cy);
        QCOMPARE(roomEntry(*cy, id).value(QStringLiteral("myRole")).toString(), QStringLiteral("member"));
    }

    void studyGroupsBrowseJoinAndLimit()
    {
        QVERIFY(m_server->addUser(QStringLiteral("cyd"), Role::Student).isValid());
        QVERIFY(m_server->addUser(QStringLiteral("olga"), Role::Student).isValid()); // not in the course
        bool ok = false;
        m_teacher->call(Op::CourseEnroll, {{QStringLiteral("courseId"), m_courseId},
                                           {QStringLiteral("usernames"), QJsonArray{QStringLiteral("cyd")}}}, &ok);
        QVERIFY(ok);
        const QJsonObject study{{QStringLiteral("clientId"), clientId()}, {QStringLiteral("kind"), QStringLiteral("study")},
                                {QStringLiteral("name"), QStringLiteral("Graphs")}, {QStringLiteral("topic"), QStringLiteral("BFS/DFS")},
                                {QStringLiteral("courseId"), m_courseId}, {QStringLiteral("visibility"), QStringLiteral("public")},
                                {QStringLiteral("memberLimit"), 2}};
        const QJsonObject room = m_ana->call(Op::RoomCreate, study, &ok).value(QStringLiteral("room")).toObject();
        QVERIFY(ok);
        const qint64 id = room.value(QStringLiteral("id")).toInteger();
        QCOMPARE(room.value(QStringLiteral("topic")).toString(), QStringLiteral("BFS/DFS"));
        QCOMPARE(room.value(QStringLiteral("memberLimit")).toInt(), 2);
        QCOMPARE(room.value(QStringLiteral("myRole")).toString(), QStringLiteral("owner"));

        const QJsonArray found = m_ben->call(Op::StudyBrowse, {{QStringLiteral("courseId"), m_courseId}}, &ok)
                                     .value(QStringLiteral("rooms")).toArray();
        QVERIFY(ok);
        QCOMPARE(found.size(), 1);
        QVERIFY(found.first().toObject().value(QStringLiteral("myRole")).isNull());
        auto olga = signedIn(QStringLiteral("olga"));
        QVERIFY(olga);
        expectError(olga->request(Op::StudyBrowse, {{QStringLiteral("courseId"), m_courseId}}), ErrorCode::NotFound);
        expectError(olga->request(Op::StudyJoin, {{QStringLiteral("clientId"), clientId()}, {QStringLiteral("roomId"), id}}),
                    ErrorCode::NotFound);

        QVERIFY(join(*m_ana, id));
        const QJsonObject joined = m_ben->call(Op::StudyJoin, {{QStringLiteral("clientId"), clientId()},
                                                               {QStringLiteral("roomId"), id}}, &ok)
                                       .value(QStringLiteral("room")).toObject();
        QVERIFY(ok);
        QCOMPARE(joined.value(QStringLiteral("myRole")).toString(), QStringLiteral("member"));
        QCOMPARE(joined.value(QStringLiteral("memberCount")).toInt(), 2);
        const auto memberJoined = waitForEvent(*m_ana, EventMemberJoined);
        QVERIFY(memberJoined);
        QCOMPARE(memberJoined->data.value(QStringLiteral("user")).toObject().value(QStringLiteral("username")).toString(),
                 QStringLiteral("ben"));
        auto cy = signedIn(QStringLiteral("cyd"));
        QVERIFY(cy);
        const auto full = cy->request(Op::StudyJoin, {{QStringLiteral("clientId"), clientId()}, {QStringLiteral("roomId"), id}});
        expectError(full, ErrorCode::Conflict);
        QCOMPARE(full->message, QStringLiteral("The study group is full"));
        expectError(m_ana->request(Op::RoomAddMembers, {{QStringLiteral("clientId"), clientId()}, {QStringLiteral("roomId"), id},
                                                        {QStringLiteral("userIds"), QJsonArray{userId(*cy)}}}),
                    ErrorCode::Conflict);
        // Ben leaves: cy fits.
        m_ben->call(Op::RoomRemoveMember, {{QStringLiteral("clientId"), clientId()}, {QStringLiteral("roomId"), id},
                                           {QStringLiteral("userId"), userId(*m_ben)}}, &ok);
        QVERIFY(ok);
        const auto left = waitForEvent(*m_ana, EventMemberLeft);
        QVERIFY(left);
        cy->call(Op::StudyJoin, {{QStringLiteral("clientId"), clientId()}, {QStringLiteral("roomId"), id}}, &ok);
        QVERIFY(ok);
        // A private study group is neither listed nor joinable.
        QJsonObject hidden = study;
        hidden.insert(QStringLiteral("clientId"), clientId());
        hidden.insert(QStringLiteral("visibility"), QStringLiteral("private"));
        const qint64 privateId = m_ana->call(Op::RoomCreate, hidden, &ok).value(QStringLiteral("room")).toObject()
                                     .value(QStringLiteral("id")).toInteger();
        QVERIFY(ok);
        QCOMPARE(m_ben->call(Op::StudyBrowse, {{QStringLiteral("courseId"), m_courseId}}, &ok)
                     .value(QStringLiteral("rooms")).toArray().size(), 1);
        expectError(m_ben->request(Op::StudyJoin, {{QStringLiteral("clientId"), clientId()}, {QStringLiteral("roomId"), privateId}}),
                    ErrorCode::NotFound);
    }

    void groupMembershipRolesAndUpdates()
    {
        QVERIFY(m_server->addUser(QStringLiteral("olga"), Role::Student).isValid()); // in no course with ana
        auto olga = signedIn(QStringLiteral("olga"));
        QVERIFY(olga);
        QJsonObject create{{QStringLiteral("clientId"), clientId()}, {QStringLiteral("kind"), QStringLiteral("group")},
                           {QStringLiteral("name"), QStringLiteral("Lab partners")},
                           {QStringLiteral("members"), QJsonArray{userId(*olga)}}};
        expectError(m_ana->request(Op::RoomCreate, create), ErrorCode::Forbidden);
        create.insert(QStringLiteral("members"), QJsonArray{userId(*m_ben)});
        bool ok = false;
        const qint64 id = m_ana->call(Op::RoomCreate, create, &ok).value(QStringLiteral("room")).toObject()
                              .value(QStringLiteral("id")).toInteger();
        QVERIFY(ok);
        const auto added = waitForEvent(*m_ben, EventRoomAdded);
        QVERIFY(added);
        QCOMPARE(added->room.value(), id);
        QVERIFY(join(*m_ben, id));

        // Ben is a member: he may not add, rename or set roles; the owner (ana) may.
        const QJsonObject addTeacher{{QStringLiteral("clientId"), clientId()}, {QStringLiteral("roomId"), id},
                                     {QStringLiteral("userIds"), QJsonArray{userId(*m_teacher)}}};
        expectError(m_ben->request(Op::RoomAddMembers, addTeacher), ErrorCode::Forbidden);
        m_ana->call(Op::RoomAddMembers, addTeacher, &ok);
        QVERIFY(ok);
        QVERIFY(waitForEvent(*m_teacher, EventRoomAdded));
        const QJsonObject rename{{QStringLiteral("clientId"), clientId()}, {QStringLiteral("roomId"), id},
                                 {QStringLiteral("name"), QStringLiteral("Lab team")}};
        expectError(m_ben->request(Op::RoomUpdate, rename), ErrorCode::Forbidden);
        const QJsonObject promote{{QStringLiteral("clientId"), clientId()}, {QStringLiteral("roomId"), id},
                                  {QStringLiteral("userId"), userId(*m_ben)}, {QStringLiteral("role"), QStringLiteral("admin")}};
        expectError(m_ben->request(Op::RoomSetRole, promote), ErrorCode::Forbidden);
        m_ana->call(Op::RoomSetRole, promote, &ok);
        QVERIFY(ok);
        const QJsonObject renamed = m_ben->call(Op::RoomUpdate, rename, &ok).value(QStringLiteral("room")).toObject();
        QVERIFY(ok);
        QCOMPARE(renamed.value(QStringLiteral("name")).toString(), QStringLiteral("Lab team"));
        const auto updated = waitForEvent(*m_ben, EventRoomUpdated);
        QVERIFY(updated);
        QCOMPARE(updated->data.value(QStringLiteral("room")).toObject().value(QStringLiteral("name")).toString(),
                 QStringLiteral("Lab team"));
        QVERIFY(!updated->data.value(QStringLiteral("room")).toObject().contains(QStringLiteral("unread")));
        const QJsonArray timeline = history(*m_ben, {{QStringLiteral("roomId"), id}}).value(QStringLiteral("messages")).toArray();
        QCOMPARE(timeline.last().toObject().value(QStringLiteral("system")).toObject().value(QStringLiteral("name")).toString(),
                 QStringLiteral("Lab team"));

        // Members list with roles and presence.
        const QJsonArray members = m_ben->call(Op::RoomMembers, {{QStringLiteral("roomId"), id}}, &ok)
                                       .value(QStringLiteral("members")).toArray();
        QCOMPARE(members.size(), 3);
        QStringList roles;
        for (const QJsonValue &member : members)
            roles << member.toObject().value(QStringLiteral("role")).toString();
        QCOMPARE(roles.count(QStringLiteral("owner")), 1);
        QCOMPARE(roles.count(QStringLiteral("admin")), 1);
        QCOMPARE(members.first().toObject().value(QStringLiteral("presence")).toObject().value(QStringLiteral("status")).toString(),
                 QStringLiteral("online"));

        // Admin ben removes the teacher (who hears of it) but not the owner.
        const QJsonObject removeOwner{{QStringLiteral("clientId"), clientId()}, {QStringLiteral("roomId"), id},
                                      {QStringLiteral("userId"), userId(*m_ana)}};
        expectError(m_ben->request(Op::RoomRemoveMember, removeOwner), ErrorCode::Forbidden);
        m_ben->call(Op::RoomRemoveMember, {{QStringLiteral("clientId"), clientId()}, {QStringLiteral("roomId"), id},
                                           {QStringLiteral("userId"), userId(*m_teacher)}}, &ok);
        QVERIFY(ok);
        const auto removed = waitForEvent(*m_teacher, EventRoomRemoved);
        QVERIFY(removed);
        QCOMPARE(removed->data.value(QStringLiteral("roomId")).toInteger(), id);
        expectError(m_teacher->request(Op::MessageHistory, {{QStringLiteral("roomId"), id}}), ErrorCode::NotFound);

        // Archived: nobody posts; unarchiving works.
        m_ana->call(Op::RoomUpdate, {{QStringLiteral("clientId"), clientId()}, {QStringLiteral("roomId"), id},
                                     {QStringLiteral("archived"), true}}, &ok);
        QVERIFY(ok);
        expectError(m_ana->request(Op::MessageSend, {{QStringLiteral("roomId"), id}, {QStringLiteral("clientId"), clientId()},
                                                     {QStringLiteral("text"), QStringLiteral("x")}}),
                    ErrorCode::Forbidden);
        m_ana->call(Op::RoomUpdate, {{QStringLiteral("clientId"), clientId()}, {QStringLiteral("roomId"), id},
                                     {QStringLiteral("archived"), false}}, &ok);
        QVERIFY(send(*m_ana, QStringLiteral("back"), 0, id) > 0);

        // Preferences are the user's own and reach their other connections.
        auto benPhone = signedIn(QStringLiteral("ben"));
        QVERIFY(benPhone);
        m_ben->call(Op::RoomPrefs, {{QStringLiteral("roomId"), id}, {QStringLiteral("muted"), true}}, &ok);
        QVERIFY(ok);
        const auto prefs = waitForEvent(*benPhone, EventRoomPrefs);
        QVERIFY(prefs);
        QCOMPARE(prefs->data.value(QStringLiteral("muted")).toBool(), true);
        QCOMPARE(prefs->data.value(QStringLiteral("pinned")).toBool(), false);
        QCOMPARE(roomEntry(*benPhone, id).value(QStringLiteral("muted")).toBool(), true);
        QCOMPARE(roomEntry(*m_ana, id).value(QStringLiteral("muted")).toBool(), false);
    }

    void roleChangesAreLoggedAndReplayed()
    {
        bool ok = false;
        const qint64 id = m_ana->call(Op::RoomCreate, {{QStringLiteral("clientId"), clientId()},
                                                       {QStringLiteral("kind"), QStringLiteral("group")},
                                                       {QStringLiteral("name"), QStringLiteral("Roles")},
                                                       {QStringLiteral("members"), QJsonArray{userId(*m_ben), userId(*m_teacher)}}},
                                      &ok)
                              .value(QStringLiteral("room")).toObject().value(QStringLiteral("id")).toInteger();
        QVERIFY(ok);
        QVERIFY(join(*m_ben, id));
        QVERIFY(join(*m_teacher, id));
        const QJsonObject promote{{QStringLiteral("clientId"), clientId()}, {QStringLiteral("roomId"), id},
                                  {QStringLiteral("userId"), userId(*m_ben)}, {QStringLiteral("role"), QStringLiteral("admin")}};
        m_ana->call(Op::RoomSetRole, promote, &ok);
        QVERIFY(ok);
        // Every member's connection hears it as a logged event, the promoted one included.
        for (TestClient *member : {m_ben.get(), m_teacher.get()}) {
            const auto role = waitForEvent(*member, EventMemberRole);
            QVERIFY(role);
            QCOMPARE(role->room.value(), id);
            QVERIFY(role->seq > 0);
            QCOMPARE(role->data.value(QStringLiteral("user")).toObject().value(QStringLiteral("id")).toInteger(), userId(*m_ben));
            QCOMPARE(role->data.value(QStringLiteral("role")).toString(), QStringLiteral("admin"));
            QCOMPARE(role->data.value(QStringLiteral("by")).toInteger(), userId(*m_ana));
        }
        QCOMPARE(roomEntry(*m_ben, id).value(QStringLiteral("myRole")).toString(), QStringLiteral("admin"));
        // The same role again changes nothing and logs nothing; a retry is answered once.
        const qint64 last = roomEntry(*m_ana, id).value(QStringLiteral("lastSeq")).toInteger();
        QJsonObject again = promote;
        again.insert(QStringLiteral("clientId"), clientId());
        m_ana->call(Op::RoomSetRole, again, &ok);
        QVERIFY(ok);
        QCOMPARE(roomEntry(*m_ana, id).value(QStringLiteral("lastSeq")).toInteger(), last);

        // The teacher is away while ben is made a member again: resuming replays it.
        m_teacher.reset();
        m_ana->call(Op::RoomSetRole, {{QStringLiteral("clientId"), clientId()}, {QStringLiteral("roomId"), id},
                                      {QStringLiteral("userId"), userId(*m_ben)}, {QStringLiteral("role"), QStringLiteral("member")}},
                    &ok);
        QVERIFY(ok);
        m_teacher = signedIn(QStringLiteral("teacher"));
        QVERIFY(m_teacher);
        const auto resumed = m_teacher->request(Op::RoomJoin, {{QStringLiteral("roomId"), id}, {QStringLiteral("since"), last}});
        QVERIFY(resumed && resumed->type == FrameType::Result);
        QVERIFY(QTest::qWaitFor([&] { return !m_teacher->events().isEmpty(); }, 5000));
        const Frame replayed = m_teacher->events().last();
        QCOMPARE(replayed.event, EventMemberRole);
        QCOMPARE(replayed.seq, last + 1);
        QCOMPARE(replayed.data.value(QStringLiteral("role")).toString(), QStringLiteral("member"));
        const QJsonArray members = m_teacher->call(Op::RoomMembers, {{QStringLiteral("roomId"), id}}, &ok)
                                       .value(QStringLiteral("members")).toArray();
        for (const QJsonValue &member : members) {
            if (member.toObject().value(QStringLiteral("user")).toObject().value(QStringLiteral("id")).toInteger() == userId(*m_ben))
                QCOMPARE(member.toObject().value(QStringLiteral("role")).toString(), QStringLiteral("member"));
        }
        // The system timeline is not cluttered by role changes.
        QCOMPARE(history(*m_ben, {{QStringLiteral("roomId"), id}}).value(QStringLiteral("messages")).toArray().size(), 0);
    }

    void ownerLeavingPassesTheGroupOn()
    {
        QVERIFY(m_server->addUser(QStringLiteral("olga"), Role::Student).isValid());
        auto olga = signedIn(QStringLiteral("olga"));
        QVERIFY(olga);
        bool ok = false;
        m_teacher->call(Op::CourseEnroll, {{QStringLiteral("courseId"), m_courseId},
                                           {QStringLiteral("usernames"), QJsonArray{QStringLiteral("olga")}}}, &ok);
        QVERIFY(ok);
        // Ben comes with the group; the teacher (a lower user id) and olga join later.
        const qint64 id = m_ana->call(Op::RoomCreate, {{QStringLiteral("clientId"), clientId()},
                                                       {QStringLiteral("kind"), QStringLiteral("group")},
                                                       {QStringLiteral("name"), QStringLiteral("Heirs")},
                                                       {QStringLiteral("members"), QJsonArray{userId(*m_ben)}}},
                                      &ok)
                              .value(QStringLiteral("room")).toObject().value(QStringLiteral("id")).toInteger();
        QVERIFY(ok);
        QVERIFY(userId(*m_teacher) < userId(*m_ben));
        for (TestClient *joiner : {m_teacher.get(), olga.get()}) {
            m_ana->call(Op::RoomAddMembers, {{QStringLiteral("clientId"), clientId()}, {QStringLiteral("roomId"), id},
                                             {QStringLiteral("userIds"), QJsonArray{userId(*joiner)}}}, &ok);
            QVERIFY(ok);
        }
        m_ana->call(Op::RoomSetRole, {{QStringLiteral("clientId"), clientId()}, {QStringLiteral("roomId"), id},
                                      {QStringLiteral("userId"), userId(*olga)}, {QStringLiteral("role"), QStringLiteral("admin")}}, &ok);
        QVERIFY(ok);
        QVERIFY(join(*m_ben, id));
        QVERIFY(join(*m_teacher, id));
        const auto roleOf = [&](TestClient &member) {
            return roomEntry(member, id).value(QStringLiteral("myRole")).toString();
        };
        const auto leave = [&](TestClient &member) {
            bool left = false;
            member.call(Op::RoomRemoveMember, {{QStringLiteral("clientId"), clientId()}, {QStringLiteral("roomId"), id},
                                               {QStringLiteral("userId"), userId(member)}}, &left);
            return left;
        };
        // The owner leaves: the admin takes over, however new; members see both, in one go.
        const qint64 before = roomEntry(*m_ben, id).value(QStringLiteral("lastSeq")).toInteger();
        QVERIFY(leave(*m_ana));
        QVERIFY(QTest::qWaitFor([&] { return m_ben->events().size() >= 2 && m_ben->events().last().seq == before + 2; }, 5000));
        const Frame passed = m_ben->events().at(m_ben->events().size() - 2);
        QCOMPARE(passed.event, EventMemberRole);
        QCOMPARE(passed.seq, before + 1);
        QCOMPARE(passed.data.value(QStringLiteral("user")).toObject().value(QStringLiteral("id")).toInteger(), userId(*olga));
        QCOMPARE(passed.data.value(QStringLiteral("role")).toString(), QStringLiteral("owner"));
        QCOMPARE(passed.data.value(QStringLiteral("by")).toInteger(), userId(*m_ana));
        QCOMPARE(m_ben->events().last().event, EventMemberLeft);
        QCOMPARE(roleOf(*olga), QStringLiteral("owner"));

        // No admin left: the longest-standing member, ben, before the teacher with the lower id.
        QVERIFY(leave(*olga));
        QCOMPARE(roleOf(*m_ben), QStringLiteral("owner"));
        QCOMPARE(roleOf(*m_teacher), QStringLiteral("member"));
        QVERIFY(leave(*m_ben));
        QCOMPARE(roleOf(*m_teacher), QStringLiteral("owner"));

        // The last one out archives the group; it is never left without an owner.
        QVERIFY(leave(*m_teacher));
        const auto archived = waitForEvent(*m_teacher, EventRoomUpdated);
        QVERIFY(archived);
        QCOMPARE(archived->room.value(), id);
        QVERIFY(archived->data.value(QStringLiteral("room")).toObject().value(QStringLiteral("archived")).toBool());
        QVERIFY(waitForEvent(*m_teacher, EventRoomRemoved));
        QVERIFY(roomEntry(*m_teacher, id).isEmpty());
    }

    void removedMemberStopsReceivingTheRoom()
    {
        bool ok = false;
        const qint64 id = m_ana->call(Op::RoomCreate, {{QStringLiteral("clientId"), clientId()},
                                                       {QStringLiteral("kind"), QStringLiteral("group")},
                                                       {QStringLiteral("name"), QStringLiteral("Trio")},
                                                       {QStringLiteral("members"), QJsonArray{userId(*m_ben), userId(*m_teacher)}}},
                                      &ok)
                              .value(QStringLiteral("room")).toObject().value(QStringLiteral("id")).toInteger();
        QVERIFY(ok);
        auto benPhone = signedIn(QStringLiteral("ben"));
        QVERIFY(benPhone);
        QVERIFY(join(*m_ben, id));
        QVERIFY(join(*benPhone, id));
        QVERIFY(join(*m_teacher, id));
        m_ana->call(Op::RoomRemoveMember, {{QStringLiteral("clientId"), clientId()}, {QStringLiteral("roomId"), id},
                                           {QStringLiteral("userId"), userId(*m_ben)}}, &ok);
        QVERIFY(ok);
        QVERIFY(waitForEvent(*benPhone, EventRoomRemoved));
        const qint64 after = send(*m_ana, QStringLiteral("after ben left"), 0, id);
        QVERIFY(after > 0);
        m_ana->call(Op::Typing, {{QStringLiteral("roomId"), id}}, &ok);
        QVERIFY(ok);
        // The teacher, still a member, gets both; by then neither of ben's connections has.
        QVERIFY(QTest::qWaitFor([&] {
            for (const Frame &event : m_teacher->events()) {
                if (event.room.value() == id && event.seq == after)
                    return true;
            }
            return false;
        }, 5000));
        QVERIFY(waitForEvent(*m_teacher, EventTyping));
        for (TestClient *ben : {m_ben.get(), benPhone.get()}) {
            for (const Frame &event : ben->events())
                QVERIFY(!(event.room.value() == id && event.seq == after));
            for (const Frame &event : ben->ephemeralEvents())
                QVERIFY(!(event.room.value() == id && event.event == EventTyping));
        }
    }

    void removeMemberIsIdempotent()
    {
        bool ok = false;
        const qint64 id = m_ana->call(Op::RoomCreate, {{QStringLiteral("clientId"), clientId()},
                                                       {QStringLiteral("kind"), QStringLiteral("group")},
                                                       {QStringLiteral("name"), QStringLiteral("Pairs")},
                                                       {QStringLiteral("members"), QJsonArray{userId(*m_ben), userId(*m_teacher)}}},
                                      &ok)
                              .value(QStringLiteral("room")).toObject().value(QStringLiteral("id")).toInteger();
        QVERIFY(ok);
        Server::Storage &storage = m_server->server().storage();
        const auto reply = [](const std::optional<Frame> &frame) {
            return frame ? (frame->type == FrameType::Result ? QStringLiteral("ok") : errorCodeName(frame->code))
                         : QStringLiteral("no reply");
        };

        // The owner removes ben; the result is lost and she retries with the same clientId.
        const QJsonObject removeBen{{QStringLiteral("clientId"), clientId()}, {QStringLiteral("roomId"), id},
                                    {QStringLiteral("userId"), userId(*m_ben)}};
        QCOMPARE(reply(m_ana->request(Op::RoomRemoveMember, removeBen)), QStringLiteral("ok"));
        const qint64 afterRemoval = storage.lastSeq(RoomId(id));
        QCOMPARE(reply(m_ana->request(Op::RoomRemoveMember, removeBen)), QStringLiteral("ok"));
        // The same request again, as a new one: ben is gone already.
        QJsonObject again = removeBen;
        again.insert(QStringLiteral("clientId"), clientId());
        QCOMPARE(reply(m_ana->request(Op::RoomRemoveMember, again)), QStringLiteral("ok"));
        QCOMPARE(storage.lastSeq(RoomId(id)), afterRemoval);

        // Added back, he is not removed again by the late retry of the first removal.
        m_ana->call(Op::RoomAddMembers, {{QStringLiteral("clientId"), clientId()}, {QStringLiteral("roomId"), id},
                                         {QStringLiteral("userIds"), QJsonArray{userId(*m_ben)}}},
                    &ok);
        QVERIFY(ok);
        const qint64 afterReturn = storage.lastSeq(RoomId(id));
        QCOMPARE(reply(m_ana->request(Op::RoomRemoveMember, removeBen)), QStringLiteral("ok"));
        QCOMPARE(storage.lastSeq(RoomId(id)), afterReturn);
        QVERIFY(storage.roomRole(RoomId(id), UserId(userId(*m_ben))).has_value());

        // Leaving twice: the retry and a second click both answer as the first leave did.
        const QJsonObject leave{{QStringLiteral("clientId"), clientId()}, {QStringLiteral("roomId"), id},
                                {QStringLiteral("userId"), userId(*m_teacher)}};
        QCOMPARE(reply(m_teacher->request(Op::RoomRemoveMember, leave)), QStringLiteral("ok"));
        const qint64 afterLeaving = storage.lastSeq(RoomId(id));
        QCOMPARE(reply(m_teacher->request(Op::RoomRemoveMember, leave)), QStringLiteral("ok"));
        QJsonObject leaveAgain = leave;
        leaveAgain.insert(QStringLiteral("clientId"), clientId());
        QCOMPARE(reply(m_teacher->request(Op::RoomRemoveMember, leaveAgain)), QStringLiteral("ok"));
        QCOMPARE(storage.lastSeq(RoomId(id)), afterLeaving);
        QVERIFY(!storage.roomRole(RoomId(id), UserId(userId(*m_teacher))));

        // Still refused: a member removing others, and a user who does not exist.
        expectError(m_ben->request(Op::RoomRemoveMember, leave), ErrorCode::Forbidden);
        expectError(m_ana->request(Op::RoomRemoveMember, {{QStringLiteral("clientId"), clientId()}, {QStringLiteral("roomId"), id},
                                                          {QStringLiteral("userId"), 999999}}),
                    ErrorCode::NotFound);
        QCOMPARE(storage.lastSeq(RoomId(id)), afterLeaving);
    }

    void searchWithEachFilter()
    {
        QVERIFY(send(*m_teacher, QStringLiteral("The homework for Friday is chapter 3")) > 0);
        const qint64 anaHomework = send(*m_ana, QStringLiteral("Is the homework hard?"));
        QVERIFY(send(*m_ben, QStringLiteral("Unrelated chatter")) > 0);
        bool ok = false;
        const qint64 dm = m_ana->call(Op::RoomDirect, {{QStringLiteral("userId"), userId(*m_ben)}}, &ok)
                              .value(QStringLiteral("room")).toObject().value(QStringLiteral("id")).toInteger();
        QVERIFY(ok);
        const qint64 dmHomework = send(*m_ana, QStringLiteral("homework together?"), 0, dm);
        QVERIFY(dmHomework > 0);
        const auto search = [&](TestClient &client, const QString &query) {
            bool found = false;
            const QJsonArray results = client.call(Op::MessageSearch, {{QStringLiteral("query"), query}}, &found)
                                           .value(QStringLiteral("results")).toArray();
            QList<std::pair<qint64, qint64>> hits;
            for (const QJsonValue &value : results)
                hits.append({value.toObject().value(QStringLiteral("roomId")).toInteger(),
                             value.toObject().value(QStringLiteral("seq")).toInteger()});
            return found ? hits : QList<std::pair<qint64, qint64>>({{-1, -1}});
        };
        // Newest first, across the user's rooms; the teacher does not see the direct room.
        QCOMPARE(search(*m_ben, QStringLiteral("homework")).size(), 3);
        QCOMPARE(search(*m_ben, QStringLiteral("homework")).first(), std::make_pair(dm, dmHomework));
        QCOMPARE(search(*m_teacher, QStringLiteral("homework")).size(), 2);
        QCOMPARE(search(*m_ben, QStringLiteral("homew")).size(), 3); // prefix
        QCOMPARE(search(*m_ben, QStringLiteral("homework from:ana")).size(), 2);
        QCOMPARE(search(*m_ben, QStringLiteral("from:teacher")).size(), 1);
        QCOMPARE(search(*m_ben, QStringLiteral("homework from:nobody")).size(), 0);
        using Hits = QList<std::pair<qint64, qint64>>;
        const Hits inCourse{{m_roomId, anaHomework}, {m_roomId, anaHomework - 1}};
        QCOMPARE(search(*m_ben, QStringLiteral("homework in:%1").arg(m_roomId)), inCourse);
        QCOMPARE(search(*m_ben, QStringLiteral("homework in:#physics101")).size(), 2);
        const Hits inDirect{{dm, dmHomework}};
        QCOMPARE(search(*m_ben, QStringLiteral("homework in:#ana")), inDirect);
        const QDate today = QDateTime::currentDateTimeUtc().date();
        QCOMPARE(search(*m_ben, QStringLiteral("homework before:%1").arg(today.toString(Qt::ISODate))).size(), 0);
        QCOMPARE(search(*m_ben, QStringLiteral("homework before:%1").arg(today.addDays(1).toString(Qt::ISODate))).size(), 3);
        QCOMPARE(search(*m_ben, QStringLiteral("homework after:%1").arg(today.addDays(-1).toString(Qt::ISODate))).size(), 3);
        QCOMPARE(search(*m_ben, QStringLiteral("homework after:%1").arg(today.toString(Qt::ISODate))).size(), 0);
        QCOMPARE(search(*m_ben, QStringLiteral("homework has:file")).size(), 0);
        // The result carries what a client needs to jump to the message.
        const QJsonObject hit = m_ben->call(Op::MessageSearch, {{QStringLiteral("query"), QStringLiteral("chapter")}}, &ok)
                                    .value(QStringLiteral("results")).toArray().first().toObject();
        QCOMPARE(hit.value(QStringLiteral("snippet")).toString(), QStringLiteral("The homework for Friday is chapter 3"));
        QCOMPARE(hit.value(QStringLiteral("sender")).toObject().value(QStringLiteral("username")).toString(), QStringLiteral("teacher"));
        QCOMPARE(hit.value(QStringLiteral("threadRoot")).toInteger(), 0);
        QVERIFY(hit.value(QStringLiteral("ts")).toInteger() > 0);
        // A room given as roomId the user is not in finds nothing.
        QCOMPARE(m_teacher->call(Op::MessageSearch, {{QStringLiteral("query"), QStringLiteral("homework")},
                                                     {QStringLiteral("roomId"), dm}}, &ok)
                     .value(QStringLiteral("results")).toArray().size(), 0);
        expectError(m_ben->request(Op::MessageSearch, {{QStringLiteral("query"), QStringLiteral("before:yesterday")}}),
                    ErrorCode::BadRequest);
    }

    void enrolmentAddsCourseRooms()
    {
        bool ok = false;
        const qint64 announcements = m_teacher->call(Op::RoomCreate, announcement(), &ok).value(QStringLiteral("room")).toObject()
                                         .value(QStringLiteral("id")).toInteger();
        QVERIFY(ok);
        QVERIFY(m_server->addUser(QStringLiteral("dora"), Role::Student).isValid());
        auto dora = signedIn(QStringLiteral("dora"));
        QVERIFY(dora);
        m_teacher->call(Op::CourseEnroll, {{QStringLiteral("courseId"), m_courseId},
                                           {QStringLiteral("usernames"), QJsonArray{QStringLiteral("dora")}}}, &ok);
        QVERIFY(ok);
        QVERIFY(QTest::qWaitFor([&] {
            QList<qint64> added;
            for (const Frame &event : dora->ephemeralEvents()) {
                if (event.event == EventRoomAdded)
                    added.append(event.room.value());
            }
            return added.contains(m_roomId) && added.contains(announcements);
        }, 5000));
        QCOMPARE(roomEntry(*dora, announcements).value(QStringLiteral("myRole")).toString(), QStringLiteral("member"));
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

    void retryAtRateLimitReturnsTheStoredMessage()
    {
        Server::ServerConfig config = Test::TestServer::testConfig();
        config.messagesPerMinute = 2;
        cleanup();
        startServer(config);
        const QJsonObject first{{QStringLiteral("roomId"), m_roomId},
                                {QStringLiteral("clientId"), clientId()},
                                {QStringLiteral("text"), QStringLiteral("first")}};
        bool ok = false;
        const qint64 seq = m_ana->call(Op::MessageSend, first, &ok).value(QStringLiteral("seq")).toInteger();
        QVERIFY(ok);
        QVERIFY(send(*m_ana, QStringLiteral("second")) > 0);
        // The user is at the limit now; the retry of a stored send still gets its original answer.
        const QJsonObject retried = m_ana->call(Op::MessageSend, first, &ok);
        QVERIFY(ok);
        QCOMPARE(retried.value(QStringLiteral("seq")).toInteger(), seq);
        expectError(m_ana->request(Op::MessageSend, {{QStringLiteral("roomId"), m_roomId},
                                                     {QStringLiteral("clientId"), clientId()},
                                                     {QStringLiteral("text"), QStringLiteral("third")}}),
                    ErrorCode::RateLimited);
    }

    void retryDoesNotSpendTheRateLimit()
    {
        Server::ServerConfig config = Test::TestServer::testConfig();
        config.messagesPerMinute = 2;
        cleanup();
        startServer(config);
        const QJsonObject first{{QStringLiteral("roomId"), m_roomId},
                                {QStringLiteral("clientId"), clientId()},
                                {QStringLiteral("text"), QStringLiteral("first")}};
        bool ok = false;
        m_ana->call(Op::MessageSend, first, &ok);
        QVERIFY(ok);
        m_ana->call(Op::MessageSend, first, &ok); // a retry: no new message, no token
        QVERIFY(ok);
        QVERIFY(send(*m_ana, QStringLiteral("second")) > 0);
    }
};

QTEST_GUILESS_MAIN(TestChat)
#include "tst_chat.moc"
