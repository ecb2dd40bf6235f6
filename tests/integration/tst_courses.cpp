// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
// Roles and membership decide what each user may do and see.
#include "testclient.h"
#include "testserver.h"

#include <QJsonArray>
#include <QtTest>

using namespace Cohort;
using namespace Cohort::Protocol;
using Cohort::Test::TestClient;

class TestCourses : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<Test::TestServer> m_server;
    std::unique_ptr<TestClient> m_teacher;
    std::unique_ptr<TestClient> m_student;  // enrolled in the course
    std::unique_ptr<TestClient> m_outsider; // a student in no course
    QJsonObject m_course;

    std::unique_ptr<TestClient> signedIn(const QString &username)
    {
        auto client = std::make_unique<TestClient>();
        if (!client->connectTo(m_server->url()) || !client->signIn(username, QStringLiteral("password-123")))
            return nullptr;
        return client;
    }

    static void expectError(const std::optional<Frame> &frame, ErrorCode code)
    {
        QVERIFY2(frame, "no reply");
        QCOMPARE(frame->type, FrameType::Error);
        QCOMPARE(errorCodeName(frame->code), errorCodeName(code));
    }

    static void expectResult(const std::optional<Frame> &frame)
    {
        QVERIFY2(frame, "no reply");
        QVERIFY2(frame->type == FrameType::Result, qPrintable(frame->message));
    }

    QJsonObject roomOf(qint64 roomId) const { return {{QStringLiteral("roomId"), roomId}}; }
    qint64 roomId() const { return m_course.value(QStringLiteral("roomId")).toInteger(); }
    qint64 courseId() const { return m_course.value(QStringLiteral("id")).toInteger(); }

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void init()
    {
        m_server = std::make_unique<Test::TestServer>();
        const QString problem = m_server->start();
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QVERIFY(m_server->addUser(QStringLiteral("teacher"), Role::Instructor).isValid());
        QVERIFY(m_server->addUser(QStringLiteral("ana"), Role::Student).isValid());
        QVERIFY(m_server->addUser(QStringLiteral("olga"), Role::Student).isValid());
        m_teacher = signedIn(QStringLiteral("teacher"));
        m_student = signedIn(QStringLiteral("ana"));
        m_outsider = signedIn(QStringLiteral("olga"));
        QVERIFY(m_teacher && m_student && m_outsider);
        bool ok = false;
        m_course = m_teacher->call(Op::CourseCreate, {{QStringLiteral("name"), QStringLiteral("Physics 101")},
                                                      {QStringLiteral("clientId"), QStringLiteral("create-1")}}, &ok)
                       .value(QStringLiteral("course")).toObject();
        QVERIFY(ok);
        const QJsonObject enrolled = m_teacher->call(Op::CourseEnroll, {{QStringLiteral("courseId"), courseId()},
                                                                        {QStringLiteral("usernames"), QJsonArray{QStringLiteral("ana"), QStringLiteral("ghost")}}}, &ok);
        QVERIFY(ok);
        QCOMPARE(enrolled.value(QStringLiteral("enrolled")).toArray(), QJsonArray{QStringLiteral("ana")});
        QCOMPARE(enrolled.value(QStringLiteral("unknown")).toArray(), QJsonArray{QStringLiteral("ghost")});
    }

    void cleanup()
    {
        m_teacher.reset();
        m_student.reset();
        m_outsider.reset();
        m_server.reset();
    }

    void createdCourseHasRoomAndJoinCode()
    {
        QCOMPARE(m_course.value(QStringLiteral("name")).toString(), QStringLiteral("Physics 101"));
        QCOMPARE(m_course.value(QStringLiteral("role")).toString(), QStringLiteral("instructor"));
        QVERIFY(m_course.value(QStringLiteral("joinCode")).toString().size() >= 4);
        QVERIFY(roomId() > 0);
    }

    void createIsIdempotentOnClientId()
    {
        const auto again = m_teacher->request(Op::CourseCreate, {{QStringLiteral("name"), QStringLiteral("Physics 101")},
                                                                 {QStringLiteral("clientId"), QStringLiteral("create-1")}});
        expectResult(again);
        QCOMPARE(again->data.value(QStringLiteral("course")).toObject(), m_course);
        bool ok = false;
        const QJsonArray courses = m_teacher->call(Op::CourseList, {}, &ok).value(QStringLiteral("courses")).toArray();
        QVERIFY(ok);
        QCOMPARE(courses.size(), 1);
    }

    void studentCannotCreateCourse()
    {
        expectError(m_student->request(Op::CourseCreate, {{QStringLiteral("name"), QStringLiteral("Mine")},
                                                          {QStringLiteral("clientId"), QStringLiteral("x")}}),
                    ErrorCode::Forbidden);
    }

    void studentCannotEnroll()
    {
        expectError(m_student->request(Op::CourseEnroll, {{QStringLiteral("courseId"), courseId()},
                                                          {QStringLiteral("usernames"), QJsonArray{QStringLiteral("olga")}}}),
                    ErrorCode::Forbidden);
        // A user outside the course does not learn that it exists.
        expectError(m_outsider->request(Op::CourseEnroll, {{QStringLiteral("courseId"), courseId()},
                                                           {QStringLiteral("usernames"), QJsonArray{QStringLiteral("olga")}}}),
                    ErrorCode::NotFound);
    }

    void studentSeesCourseWithoutJoinCode()
    {
        bool ok = false;
        const QJsonArray courses = m_student->call(Op::CourseList, {}, &ok).value(QStringLiteral("courses")).toArray();
        QVERIFY(ok);
        QCOMPARE(courses.size(), 1);
        const QJsonObject course = courses.first().toObject();
        QCOMPARE(course.value(QStringLiteral("role")).toString(), QStringLiteral("student"));
        QVERIFY(!course.contains(QStringLiteral("joinCode")));
        const QJsonArray rooms = m_student->call(Op::RoomList, {}, &ok).value(QStringLiteral("rooms")).toArray();
        QVERIFY(ok);
        QCOMPARE(rooms.size(), 1);
        QCOMPARE(rooms.first().toObject().value(QStringLiteral("id")).toInteger(), roomId());
    }

    void membersListedForMembersOnly()
    {
        bool ok = false;
        const QJsonArray members = m_student->call(Op::CourseMembers, {{QStringLiteral("courseId"), courseId()}}, &ok)
                                       .value(QStringLiteral("members")).toArray();
        QVERIFY(ok);
        QCOMPARE(members.size(), 2);
        QStringList names;
        for (const QJsonValue &m : members)
            names << m.toObject().value(QStringLiteral("user")).toObject().value(QStringLiteral("username")).toString();
        names.sort();
        QCOMPARE(names, QStringList({QStringLiteral("ana"), QStringLiteral("teacher")}));
        expectError(m_outsider->request(Op::CourseMembers, {{QStringLiteral("courseId"), courseId()}}), ErrorCode::NotFound);
        expectError(m_student->request(Op::CourseMembers, {{QStringLiteral("courseId"), 999}}), ErrorCode::NotFound);
    }

    void nonMemberCannotJoinOrSendToRoom()
    {
        expectError(m_outsider->request(Op::RoomJoin, roomOf(roomId())), ErrorCode::NotFound);
        expectError(m_outsider->request(Op::MessageSend, {{QStringLiteral("roomId"), roomId()},
                                                          {QStringLiteral("clientId"), QStringLiteral("m1")},
                                                          {QStringLiteral("text"), QStringLiteral("let me in")}}),
                    ErrorCode::NotFound);
        expectError(m_outsider->request(Op::RoomJoin, roomOf(4242)), ErrorCode::NotFound);
        bool ok = false;
        QCOMPARE(m_outsider->call(Op::RoomList, {}, &ok).value(QStringLiteral("rooms")).toArray().size(), 0);
        QVERIFY(ok);
    }

    void adminSeesAndJoinsEveryCourse()
    {
        QVERIFY(m_server->addUser(QStringLiteral("root"), Role::Admin).isValid());
        const auto admin = signedIn(QStringLiteral("root"));
        QVERIFY(admin);
        bool ok = false;
        const QJsonObject own = admin->call(Op::CourseCreate, {{QStringLiteral("name"), QStringLiteral("Admin's")},
                                                               {QStringLiteral("clientId"), QStringLiteral("a-1")}}, &ok)
                                    .value(QStringLiteral("course")).toObject();
        QVERIFY(ok);

        // Every course, the teacher's included, with its join code; the admin's role in a course
        // they are not a member of is "admin".
        const QJsonArray courses = admin->call(Op::CourseList, {}, &ok).value(QStringLiteral("courses")).toArray();
        QVERIFY(ok);
        QCOMPARE(courses.size(), 2);
        const QJsonObject physics = courses.at(0).toObject();
        QCOMPARE(physics.value(QStringLiteral("id")).toInteger(), courseId());
        QCOMPARE(physics.value(QStringLiteral("role")).toString(), QStringLiteral("admin"));
        QCOMPARE(physics.value(QStringLiteral("joinCode")), m_course.value(QStringLiteral("joinCode")));
        QCOMPARE(courses.at(1).toObject(), own);

        const QJsonArray rooms = admin->call(Op::RoomList, {}, &ok).value(QStringLiteral("rooms")).toArray();
        QVERIFY(ok);
        QCOMPARE(rooms.size(), 2);
        QCOMPARE(rooms.at(0).toObject().value(QStringLiteral("id")).toInteger(), roomId());

        // ...and may join any room and follow it.
        expectResult(admin->request(Op::RoomJoin, roomOf(roomId())));
        expectResult(m_teacher->request(Op::MessageSend, {{QStringLiteral("roomId"), roomId()},
                                                          {QStringLiteral("clientId"), QStringLiteral("t-1")},
                                                          {QStringLiteral("text"), QStringLiteral("hello")}}));
        QVERIFY(admin->waitForEvents(1));
        QCOMPARE(admin->events().first().room.value(), roomId());
        QCOMPARE(admin->events().first().event, EventMessageCreated);

        // Other users still see only their own courses.
        QCOMPARE(m_outsider->call(Op::CourseList, {}, &ok).value(QStringLiteral("courses")).toArray().size(), 0);
    }

    void joinByCodeMakesAMember()
    {
        expectResult(m_teacher->request(Op::RoomJoin, roomOf(roomId())));
        const QString code = m_course.value(QStringLiteral("joinCode")).toString();
        expectError(m_outsider->request(Op::CourseJoin, {{QStringLiteral("joinCode"), QStringLiteral("ZZZZ-ZZZZ")}}), ErrorCode::NotFound);
        const auto joined = m_outsider->request(Op::CourseJoin, {{QStringLiteral("joinCode"), code}});
        expectResult(joined);
        QCOMPARE(joined->data.value(QStringLiteral("course")).toObject().value(QStringLiteral("id")).toInteger(), courseId());
        QVERIFY(m_teacher->waitForEvents(1));
        QCOMPARE(m_teacher->events().last().event, EventMemberJoined);
        // Joining again changes nothing and publishes nothing.
        expectResult(m_outsider->request(Op::CourseJoin, {{QStringLiteral("joinCode"), code}}));
        expectResult(m_outsider->request(Op::RoomJoin, roomOf(roomId())));
        expectResult(m_teacher->request(Op::TimeSync, {{QStringLiteral("clientTime"), 1}}));
        QCOMPARE(m_teacher->events().size(), 1);
    }

    void messagesReachEveryJoinedMember()
    {
        expectResult(m_teacher->request(Op::RoomJoin, roomOf(roomId())));
        expectResult(m_student->request(Op::RoomJoin, roomOf(roomId())));
        const auto sent = m_student->request(Op::MessageSend, {{QStringLiteral("roomId"), roomId()},
                                                               {QStringLiteral("clientId"), QStringLiteral("m1")},
                                                               {QStringLiteral("text"), QStringLiteral("Hello")}});
        expectResult(sent);
        const qint64 seq = sent->data.value(QStringLiteral("seq")).toInteger();
        QVERIFY(seq >= 1);
        for (TestClient *client : {m_teacher.get(), m_student.get()}) {
            QVERIFY(client->waitForEvents(1));
            const Frame &event = client->events().last();
            QCOMPARE(event.event, EventMessageCreated);
            QCOMPARE(event.room.value(), roomId());
            QCOMPARE(event.seq, seq);
            QCOMPARE(event.timestamp, sent->data.value(QStringLiteral("ts")).toInteger());
            QCOMPARE(event.data.value(QStringLiteral("text")).toString(), QStringLiteral("Hello"));
            QCOMPARE(event.data.value(QStringLiteral("clientId")).toString(), QStringLiteral("m1"));
            QCOMPARE(event.data.value(QStringLiteral("sender")).toObject().value(QStringLiteral("username")).toString(),
                     QStringLiteral("ana"));
        }
        // After leaving, no more events.
        expectResult(m_teacher->request(Op::RoomLeave, roomOf(roomId())));
        expectResult(m_student->request(Op::MessageSend, {{QStringLiteral("roomId"), roomId()},
                                                          {QStringLiteral("clientId"), QStringLiteral("m2")},
                                                          {QStringLiteral("text"), QStringLiteral("Anyone?")}}));
        QVERIFY(m_student->waitForEvents(2));
        expectResult(m_teacher->request(Op::TimeSync, {{QStringLiteral("clientTime"), 1}}));
        QCOMPARE(m_teacher->events().size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestCourses)
#include "tst_courses.moc"
