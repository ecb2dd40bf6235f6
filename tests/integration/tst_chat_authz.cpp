// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
// Authorization matrix of every chat op: a non-member, a student member and a moderator (the
// room's owner, who is also the course's instructor), then malformed, oversized, anonymous and
// out-of-order requests: each gets a stable error code and a message, and nothing crashes.
#include "testclient.h"
#include "testserver.h"
#include "validation.h"

#include <QJsonArray>
#include <QtTest>

#include <functional>

using namespace Cohort;
using namespace Cohort::Protocol;
using Cohort::Test::TestClient;

namespace {

const QString Ok = QStringLiteral("ok");

/// Every chat op (issue 3), for the loops over all of them.
const QList<Op> ChatOps{Op::RoomList,        Op::RoomJoin,      Op::MessageSend,   Op::MessageHistory,
                        Op::MessageEdit,     Op::MessageDelete, Op::MessageReact,  Op::RoomRead,
                        Op::RoomReceipts,    Op::Typing,        Op::PresenceSet,   Op::PresenceGet,
                        Op::RoomCreate,      Op::RoomDirect,    Op::RoomUpdate,    Op::RoomMembers,
                        Op::RoomAddMembers,  Op::RoomRemoveMember, Op::RoomSetRole, Op::RoomPrefs,
                        Op::StudyBrowse,     Op::StudyJoin,     Op::MessageSearch};

} // namespace

class TestChatAuthz : public QObject
{
    Q_OBJECT

private:
    Test::TestServer m_server;
    std::unique_ptr<TestClient> m_outsider; // a student in no course
    std::unique_ptr<TestClient> m_student;  // ana: member of the course room and the group
    std::unique_ptr<TestClient> m_teacher;  // owner of the course and the group
    qint64 m_courseId = 0;
    qint64 m_roomId = 0;    // the course room
    qint64 m_groupId = 0;   // a group room: teacher (owner), ana, ben
    qint64 m_studyId = 0;   // a public study group of the course, by the teacher
    qint64 m_anaMessage = 0;
    qint64 m_benMessage = 0;
    qint64 m_ana = 0;
    qint64 m_ben = 0;
    qint64 m_olga = 0;
    int m_nextClientId = 0;

    QString clientId() { return QStringLiteral("z-%1").arg(++m_nextClientId); }

    std::unique_ptr<TestClient> signedIn(const QString &username)
    {
        auto client = std::make_unique<TestClient>();
        if (!client->connectTo(m_server.url()) || !client->signIn(username, QStringLiteral("password-123")))
            return nullptr;
        return client;
    }

    static qint64 idOf(const TestClient &client)
    {
        return client.session().value(QStringLiteral("user")).toObject().value(QStringLiteral("id")).toInteger();
    }

    /// The outcome's name: "ok" or the error code; "no reply" when none came.
    static QString outcome(const std::optional<Frame> &frame)
    {
        if (!frame)
            return QStringLiteral("no reply");
        if (frame->type == FrameType::Result)
            return Ok;
        if (frame->message.isEmpty())
            return QStringLiteral("error without a message");
        return errorCodeName(frame->code);
    }

    qint64 post(TestClient &client, qint64 room, const QString &text)
    {
        bool ok = false;
        return client.call(Op::MessageSend, {{QStringLiteral("roomId"), room}, {QStringLiteral("clientId"), clientId()},
                                             {QStringLiteral("text"), text}}, &ok)
            .value(QStringLiteral("seq")).toInteger();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCOMPARE(m_server.start(), QString());
        for (const char *name : {"olga", "ana", "ben"})
            QVERIFY(m_server.addUser(QString::fromLatin1(name), Role::Student).isValid());
        QVERIFY(m_server.addUser(QStringLiteral("teacher"), Role::Instructor).isValid());
        m_outsider = signedIn(QStringLiteral("olga"));
        m_student = signedIn(QStringLiteral("ana"));
        m_teacher = signedIn(QStringLiteral("teacher"));
        auto ben = signedIn(QStringLiteral("ben"));
        QVERIFY(m_outsider && m_student && m_teacher && ben);
        m_olga = idOf(*m_outsider);
        m_ana = idOf(*m_student);
        m_ben = idOf(*ben);
        bool ok = false;
        const QJsonObject course = m_teacher->call(Op::CourseCreate, {{QStringLiteral("name"), QStringLiteral("Physics")},
                                                                      {QStringLiteral("clientId"), clientId()}}, &ok)
                                       .value(QStringLiteral("course")).toObject();
        QVERIFY(ok);
        m_courseId = course.value(QStringLiteral("id")).toInteger();
        m_roomId = course.value(QStringLiteral("roomId")).toInteger();
        m_teacher->call(Op::CourseEnroll, {{QStringLiteral("courseId"), m_courseId},
                                           {QStringLiteral("usernames"), QJsonArray{QStringLiteral("ana"), QStringLiteral("ben")}}}, &ok);
        QVERIFY(ok);
        m_groupId = m_teacher->call(Op::RoomCreate, {{QStringLiteral("clientId"), clientId()}, {QStringLiteral("kind"), QStringLiteral("group")},
                                                     {QStringLiteral("name"), QStringLiteral("Lab")},
                                                     {QStringLiteral("members"), QJsonArray{m_ana, m_ben}}}, &ok)
                        .value(QStringLiteral("room")).toObject().value(QStringLiteral("id")).toInteger();
        QVERIFY(ok);
        m_studyId = m_teacher->call(Op::RoomCreate, {{QStringLiteral("clientId"), clientId()}, {QStringLiteral("kind"), QStringLiteral("study")},
                                                     {QStringLiteral("name"), QStringLiteral("Review")}, {QStringLiteral("courseId"), m_courseId},
                                                     {QStringLiteral("visibility"), QStringLiteral("public")}}, &ok)
                        .value(QStringLiteral("room")).toObject().value(QStringLiteral("id")).toInteger();
        QVERIFY(ok);
        m_anaMessage = post(*m_student, m_roomId, QStringLiteral("ana's message"));
        m_benMessage = post(*ben, m_roomId, QStringLiteral("ben's message"));
        QVERIFY(m_anaMessage > 0 && m_benMessage > 0);
    }

    void matrix_data()
    {
        QTest::addColumn<int>("op");
        QTest::addColumn<std::function<QJsonObject(TestChatAuthz *)>>("data");
        QTest::addColumn<QStringList>("expected"); // non-member, student member, moderator

        using Data = std::function<QJsonObject(TestChatAuthz *)>;
        const auto row = [](const char *name, Op op, Data data, const QStringList &expected) {
            QTest::newRow(name) << static_cast<int>(op) << data << expected;
        };
        const QString notFound = errorCodeName(ErrorCode::NotFound);
        const QString forbidden = errorCodeName(ErrorCode::Forbidden);
        row("room.list", Op::RoomList, [](auto *) { return QJsonObject(); }, {Ok, Ok, Ok});
        row("room.join", Op::RoomJoin, [](auto *t) { return QJsonObject{{QStringLiteral("roomId"), t->m_roomId}}; },
            {notFound, Ok, Ok});
        row("message.send", Op::MessageSend, [](auto *t) {
            return QJsonObject{{QStringLiteral("roomId"), t->m_roomId}, {QStringLiteral("clientId"), t->clientId()},
                               {QStringLiteral("text"), QStringLiteral("hi")}};
        }, {notFound, Ok, Ok});
        row("message.history", Op::MessageHistory, [](auto *t) { return QJsonObject{{QStringLiteral("roomId"), t->m_roomId}}; },
            {notFound, Ok, Ok});
        // The sender only: the moderator may not edit ana's message.
        row("message.edit", Op::MessageEdit, [](auto *t) {
            return QJsonObject{{QStringLiteral("roomId"), t->m_roomId}, {QStringLiteral("clientId"), t->clientId()},
                               {QStringLiteral("seq"), t->m_anaMessage}, {QStringLiteral("text"), QStringLiteral("edited")}};
        }, {notFound, Ok, forbidden});
        row("message.react", Op::MessageReact, [](auto *t) {
            return QJsonObject{{QStringLiteral("roomId"), t->m_roomId}, {QStringLiteral("clientId"), t->clientId()},
                               {QStringLiteral("seq"), t->m_benMessage}, {QStringLiteral("emoji"), QStringLiteral("👍")},
                               {QStringLiteral("on"), true}};
        }, {notFound, Ok, Ok});
        // ben's message: the student ana may not delete it, the moderator may.
        row("message.delete", Op::MessageDelete, [](auto *t) {
            return QJsonObject{{QStringLiteral("roomId"), t->m_roomId}, {QStringLiteral("clientId"), t->clientId()},
                               {QStringLiteral("seq"), t->m_benMessage}};
        }, {notFound, forbidden, Ok});
        row("room.read", Op::RoomRead, [](auto *t) {
            return QJsonObject{{QStringLiteral("roomId"), t->m_roomId}, {QStringLiteral("seq"), 1}};
        }, {notFound, Ok, Ok});
        row("room.receipts", Op::RoomReceipts, [](auto *t) { return QJsonObject{{QStringLiteral("roomId"), t->m_roomId}}; },
            {notFound, Ok, Ok});
        row("typing", Op::Typing, [](auto *t) { return QJsonObject{{QStringLiteral("roomId"), t->m_roomId}}; },
            {notFound, Ok, Ok});
        row("presence.set", Op::PresenceSet, [](auto *) { return QJsonObject{{QStringLiteral("status"), QStringLiteral("online")}}; },
            {Ok, Ok, Ok});
        row("presence.get", Op::PresenceGet, [](auto *t) { return QJsonObject{{QStringLiteral("userIds"), QJsonArray{t->m_ana}}}; },
            {Ok, Ok, Ok});
        row("room.create group", Op::RoomCreate, [](auto *t) {
            return QJsonObject{{QStringLiteral("clientId"), t->clientId()}, {QStringLiteral("kind"), QStringLiteral("group")},
                               {QStringLiteral("name"), QStringLiteral("G")}};
        }, {Ok, Ok, Ok});
        row("room.create group with others", Op::RoomCreate, [](auto *t) {
            return QJsonObject{{QStringLiteral("clientId"), t->clientId()}, {QStringLiteral("kind"), QStringLiteral("group")},
                               {QStringLiteral("name"), QStringLiteral("G")}, {QStringLiteral("members"), QJsonArray{t->m_ben}}};
        }, {forbidden, Ok, Ok});
        row("room.create study", Op::RoomCreate, [](auto *t) {
            return QJsonObject{{QStringLiteral("clientId"), t->clientId()}, {QStringLiteral("kind"), QStringLiteral("study")},
                               {QStringLiteral("name"), QStringLiteral("S")}, {QStringLiteral("courseId"), t->m_courseId}};
        }, {notFound, Ok, Ok});
        row("room.create announcement", Op::RoomCreate, [](auto *t) {
            return QJsonObject{{QStringLiteral("clientId"), t->clientId()}, {QStringLiteral("kind"), QStringLiteral("announcement")},
                               {QStringLiteral("name"), QStringLiteral("A")}, {QStringLiteral("courseId"), t->m_courseId}};
        }, {notFound, forbidden, Ok});
        row("room.create live", Op::RoomCreate, [](auto *t) {
            return QJsonObject{{QStringLiteral("clientId"), t->clientId()}, {QStringLiteral("kind"), QStringLiteral("live")},
                               {QStringLiteral("name"), QStringLiteral("L")}, {QStringLiteral("courseId"), t->m_courseId}};
        }, {forbidden, forbidden, forbidden});
        row("room.direct", Op::RoomDirect, [](auto *t) { return QJsonObject{{QStringLiteral("userId"), t->m_ben}}; },
            {Ok, Ok, Ok});
        row("room.members", Op::RoomMembers, [](auto *t) { return QJsonObject{{QStringLiteral("roomId"), t->m_groupId}}; },
            {notFound, Ok, Ok});
        row("room.update", Op::RoomUpdate, [](auto *t) {
            return QJsonObject{{QStringLiteral("clientId"), t->clientId()}, {QStringLiteral("roomId"), t->m_groupId},
                               {QStringLiteral("topic"), QStringLiteral("Optics")}};
        }, {notFound, forbidden, Ok});
        row("room.setRole", Op::RoomSetRole, [](auto *t) {
            return QJsonObject{{QStringLiteral("clientId"), t->clientId()}, {QStringLiteral("roomId"), t->m_groupId},
                               {QStringLiteral("userId"), t->m_ben}, {QStringLiteral("role"), QStringLiteral("admin")}};
        }, {notFound, forbidden, Ok});
        row("room.addMembers", Op::RoomAddMembers, [](auto *t) {
            return QJsonObject{{QStringLiteral("clientId"), t->clientId()}, {QStringLiteral("roomId"), t->m_groupId},
                               {QStringLiteral("userIds"), QJsonArray{t->m_olga}}};
        }, {notFound, forbidden, Ok});
        // After the moderator's addMembers above, olga is a member of the group: she may leave it.
        row("room.removeMember (ben)", Op::RoomRemoveMember, [](auto *t) {
            return QJsonObject{{QStringLiteral("clientId"), t->clientId()}, {QStringLiteral("roomId"), t->m_groupId},
                               {QStringLiteral("userId"), t->m_ben}};
        }, {forbidden, forbidden, Ok});
        row("room.prefs", Op::RoomPrefs, [](auto *t) {
            return QJsonObject{{QStringLiteral("roomId"), t->m_roomId}, {QStringLiteral("pinned"), true}};
        }, {notFound, Ok, Ok});
        row("study.browse", Op::StudyBrowse, [](auto *t) { return QJsonObject{{QStringLiteral("courseId"), t->m_courseId}}; },
            {notFound, Ok, Ok});
        row("study.join", Op::StudyJoin, [](auto *t) {
            return QJsonObject{{QStringLiteral("clientId"), t->clientId()}, {QStringLiteral("roomId"), t->m_studyId}};
        }, {notFound, Ok, Ok});
        row("message.search", Op::MessageSearch, [](auto *t) {
            return QJsonObject{{QStringLiteral("query"), QStringLiteral("message")}, {QStringLiteral("roomId"), t->m_roomId}};
        }, {Ok, Ok, Ok});
    }

    void matrix()
    {
        QFETCH(int, op);
        QFETCH(std::function<QJsonObject(TestChatAuthz *)>, data);
        QFETCH(QStringList, expected);
        const QList<TestClient *> actors{m_outsider.get(), m_student.get(), m_teacher.get()};
        const QStringList names{QStringLiteral("non-member"), QStringLiteral("student"), QStringLiteral("moderator")};
        for (int i = 0; i < actors.size(); ++i) {
            const auto reply = actors.at(i)->request(static_cast<Op>(op), data(this));
            QVERIFY2(outcome(reply) == expected.at(i),
                     qPrintable(QStringLiteral("%1: expected %2, got %3 (%4)")
                                    .arg(names.at(i), expected.at(i), outcome(reply), reply ? reply->message : QString())));
        }
    }

    void searchFindsOnlyMembersRooms()
    {
        bool ok = false;
        const QJsonArray found = m_outsider->call(Op::MessageSearch, {{QStringLiteral("query"), QStringLiteral("edited")}}, &ok)
                                     .value(QStringLiteral("results")).toArray();
        QVERIFY(ok);
        QVERIFY(found.isEmpty());
        // ana's message was edited to "edited" in the matrix.
        QVERIFY(!m_student->call(Op::MessageSearch, {{QStringLiteral("query"), QStringLiteral("edited")}}, &ok)
                     .value(QStringLiteral("results")).toArray().isEmpty());
    }

    void anonymousRequestsAreUnauthorized()
    {
        TestClient anonymous;
        QVERIFY(anonymous.connectTo(m_server.url()));
        for (Op op : ChatOps) {
            const auto reply = anonymous.request(op, {{QStringLiteral("roomId"), m_roomId}});
            QVERIFY2(outcome(reply) == errorCodeName(ErrorCode::Unauthorized)
                         || outcome(reply) == errorCodeName(ErrorCode::BadRequest),
                     qPrintable(opName(op) + QStringLiteral(": ") + outcome(reply)));
            if (!validateRequest(op, {{QStringLiteral("roomId"), m_roomId}}))
                QCOMPARE(outcome(reply), errorCodeName(ErrorCode::Unauthorized));
        }
    }

    void malformedRequestsAreBadRequests()
    {
        for (Op op : ChatOps) {
            // Every field of the wrong type: ops that take any field refuse it.
            const QJsonObject wrong{{QStringLiteral("roomId"), QStringLiteral("seven")}, {QStringLiteral("clientId"), 7},
                                    {QStringLiteral("seq"), QStringLiteral("x")}, {QStringLiteral("text"), true},
                                    {QStringLiteral("userId"), -1}, {QStringLiteral("userIds"), QStringLiteral("1")},
                                    {QStringLiteral("courseId"), 0}, {QStringLiteral("status"), QStringLiteral("asleep")},
                                    {QStringLiteral("kind"), QStringLiteral("secret")}, {QStringLiteral("query"), 1},
                                    {QStringLiteral("emoji"), 1}};
            const auto reply = m_student->request(op, wrong);
            const QString expected = op == Op::RoomList ? Ok : errorCodeName(ErrorCode::BadRequest);
            QVERIFY2(outcome(reply) == expected, qPrintable(opName(op) + QStringLiteral(": ") + outcome(reply)));
        }
        // Missing required fields, out-of-range numbers and enums.
        QCOMPARE(outcome(m_student->request(Op::MessageEdit, {{QStringLiteral("roomId"), m_roomId}})),
                 errorCodeName(ErrorCode::BadRequest));
        QCOMPARE(outcome(m_student->request(Op::MessageHistory, {{QStringLiteral("roomId"), m_roomId}, {QStringLiteral("limit"), 0}})),
                 errorCodeName(ErrorCode::BadRequest));
        QCOMPARE(outcome(m_student->request(Op::PresenceGet, {{QStringLiteral("userIds"), QJsonArray()}})),
                 errorCodeName(ErrorCode::BadRequest));
        QCOMPARE(outcome(m_student->request(Op::RoomSetRole, {{QStringLiteral("clientId"), clientId()}, {QStringLiteral("roomId"), m_groupId},
                                                              {QStringLiteral("userId"), m_ben}, {QStringLiteral("role"), QStringLiteral("owner")}})),
                 errorCodeName(ErrorCode::BadRequest));
        QCOMPARE(outcome(m_student->request(Op::RoomCreate, {{QStringLiteral("clientId"), clientId()}, {QStringLiteral("kind"), QStringLiteral("study")},
                                                             {QStringLiteral("name"), QStringLiteral("S")}, {QStringLiteral("courseId"), m_courseId},
                                                             {QStringLiteral("memberLimit"), 1}})),
                 errorCodeName(ErrorCode::BadRequest));
        QCOMPARE(outcome(m_student->request(Op::RoomCreate, {{QStringLiteral("clientId"), clientId()}, {QStringLiteral("kind"), QStringLiteral("group")},
                                                             {QStringLiteral("name"), QStringLiteral("   ")}})),
                 errorCodeName(ErrorCode::BadRequest));
    }

    void oversizedRequestsAreTooLarge()
    {
        const QString longText(MaxMessageTextLength + 1, QLatin1Char('x'));
        QCOMPARE(outcome(m_student->request(Op::MessageSend, {{QStringLiteral("roomId"), m_roomId}, {QStringLiteral("clientId"), clientId()},
                                                              {QStringLiteral("text"), longText}})),
                 errorCodeName(ErrorCode::TooLarge));
        QCOMPARE(outcome(m_student->request(Op::MessageEdit, {{QStringLiteral("roomId"), m_roomId}, {QStringLiteral("clientId"), clientId()},
                                                              {QStringLiteral("seq"), m_anaMessage}, {QStringLiteral("text"), longText}})),
                 errorCodeName(ErrorCode::TooLarge));
        QCOMPARE(outcome(m_student->request(Op::MessageReact, {{QStringLiteral("roomId"), m_roomId}, {QStringLiteral("clientId"), clientId()},
                                                               {QStringLiteral("seq"), m_anaMessage}, {QStringLiteral("emoji"), QString(33, QLatin1Char('a'))},
                                                               {QStringLiteral("on"), true}})),
                 errorCodeName(ErrorCode::TooLarge));
        QCOMPARE(outcome(m_student->request(Op::MessageSearch, {{QStringLiteral("query"), QString(501, QLatin1Char('q'))}})),
                 errorCodeName(ErrorCode::TooLarge));
        QCOMPARE(outcome(m_student->request(Op::RoomCreate, {{QStringLiteral("clientId"), clientId()}, {QStringLiteral("kind"), QStringLiteral("group")},
                                                             {QStringLiteral("name"), QString(101, QLatin1Char('n'))}})),
                 errorCodeName(ErrorCode::TooLarge));
        QJsonArray many;
        for (int i = 1; i <= 501; ++i)
            many.append(i);
        QCOMPARE(outcome(m_student->request(Op::PresenceGet, {{QStringLiteral("userIds"), many}})), errorCodeName(ErrorCode::TooLarge));
        while (many.size() > 201)
            many.removeLast();
        QCOMPARE(outcome(m_teacher->request(Op::RoomAddMembers, {{QStringLiteral("clientId"), clientId()}, {QStringLiteral("roomId"), m_groupId},
                                                                 {QStringLiteral("userIds"), many}})),
                 errorCodeName(ErrorCode::TooLarge));
    }

    void outOfOrderRequests()
    {
        const QString notFound = errorCodeName(ErrorCode::NotFound);
        const auto target = [&](Op op, qint64 seq, QJsonObject extra = {}) {
            extra.insert(QStringLiteral("roomId"), m_roomId);
            extra.insert(QStringLiteral("clientId"), clientId());
            extra.insert(QStringLiteral("seq"), seq);
            return outcome(m_teacher->request(op, extra));
        };
        // A seq without a message, and the seq of a system message (1: ana joined).
        for (qint64 seq : {qint64(9999), qint64(1)}) {
            QCOMPARE(target(Op::MessageEdit, seq, {{QStringLiteral("text"), QStringLiteral("x")}}), notFound);
            QCOMPARE(target(Op::MessageDelete, seq), notFound);
            QCOMPARE(target(Op::MessageReact, seq, {{QStringLiteral("emoji"), QStringLiteral("👍")}, {QStringLiteral("on"), true}}), notFound);
        }
        // ben's message was deleted in the matrix: no reactions, no edits, no replies.
        QCOMPARE(target(Op::MessageReact, m_benMessage, {{QStringLiteral("emoji"), QStringLiteral("👍")}, {QStringLiteral("on"), true}}), notFound);
        QCOMPARE(outcome(m_teacher->request(Op::MessageSend, {{QStringLiteral("roomId"), m_roomId}, {QStringLiteral("clientId"), clientId()},
                                                              {QStringLiteral("text"), QStringLiteral("re")}, {QStringLiteral("threadRoot"), m_benMessage}})),
                 notFound);
        // A read position beyond the room's newest seq is clamped to it.
        bool ok = false;
        const qint64 stored = m_student->call(Op::RoomRead, {{QStringLiteral("roomId"), m_roomId}, {QStringLiteral("seq"), 1000000}}, &ok)
                                  .value(QStringLiteral("seq")).toInteger();
        QVERIFY(ok);
        QVERIFY(stored < 1000000);
        QVERIFY(stored >= m_benMessage);
        // Rooms and users that do not exist.
        QCOMPARE(outcome(m_teacher->request(Op::RoomMembers, {{QStringLiteral("roomId"), 424242}})), notFound);
        QCOMPARE(outcome(m_teacher->request(Op::RoomDirect, {{QStringLiteral("userId"), 424242}})), notFound);
        QCOMPARE(outcome(m_teacher->request(Op::StudyBrowse, {{QStringLiteral("courseId"), 424242}})), notFound);
        QCOMPARE(outcome(m_teacher->request(Op::RoomSetRole, {{QStringLiteral("clientId"), clientId()}, {QStringLiteral("roomId"), m_groupId},
                                                              {QStringLiteral("userId"), 424242}, {QStringLiteral("role"), QStringLiteral("admin")}})),
                 notFound);
        QCOMPARE(outcome(m_teacher->request(Op::RoomRemoveMember, {{QStringLiteral("clientId"), clientId()}, {QStringLiteral("roomId"), m_groupId},
                                                                   {QStringLiteral("userId"), 424242}})),
                 notFound);
        // The server is still fine.
        QCOMPARE(outcome(m_student->request(Op::RoomList)), Ok);
    }
};

QTEST_GUILESS_MAIN(TestChatAuthz)
#include "tst_chat_authz.moc"
