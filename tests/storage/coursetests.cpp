// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "storagetest.h"

#include <QRegularExpression>
#include <QTest>

using namespace Cohort;
using namespace Cohort::Server;

void TestStorage::createCourse()
{
    const UserId owner = addUser(QStringLiteral("ana"), Role::Instructor);
    const StorageResult<CourseRecord> created =
        m_storage->createCourse(QStringLiteral("Physics 101"), owner, QStringLiteral("K7PX-3QMD"), QStringLiteral("c-1"));
    QVERIFY(created.ok());
    const CourseRecord &course = *created.value;
    QVERIFY(course.id.isValid());
    QVERIFY(course.roomId.isValid());
    QCOMPARE(course.name, QStringLiteral("Physics 101"));
    QCOMPARE(course.joinCode, QStringLiteral("K7PX-3QMD"));
    QCOMPARE(course.ownerId, owner);
    QCOMPARE(course.clientId, QStringLiteral("c-1"));

    // The course room and the owner's membership were created with it.
    const std::optional<RoomInfo> room = m_storage->roomById(course.roomId);
    QVERIFY(room);
    QCOMPARE(room->kind, RoomKind::Course);
    QCOMPARE(room->name, course.name);
    QCOMPARE(room->courseId, course.id);
    QCOMPARE(room->lastSeq, 0);
    QCOMPARE(m_storage->courseRole(course.id, owner), Role::Instructor);
    const QList<MemberInfo> members = m_storage->courseMembers(course.id);
    QCOMPARE(members.size(), 1);
    QCOMPARE(members.first().user.id, owner);
    QCOMPARE(members.first().courseRole, Role::Instructor);
}

void TestStorage::createCourseIsIdempotent()
{
    const UserId ana = addUser(QStringLiteral("ana"), Role::Instructor);
    const UserId ben = addUser(QStringLiteral("ben"), Role::Instructor);
    const StorageResult<CourseRecord> first =
        m_storage->createCourse(QStringLiteral("Physics"), ana, QStringLiteral("CODE-1"), QStringLiteral("c-1"));
    QVERIFY(first.ok());

    // A retry, even one that differs, answers with the course made the first time.
    const StorageResult<CourseRecord> retry =
        m_storage->createCourse(QStringLiteral("Chemistry"), ana, QStringLiteral("CODE-2"), QStringLiteral("c-1"));
    QVERIFY(retry.ok());
    QCOMPARE(retry.value->id, first.value->id);
    QCOMPARE(retry.value->roomId, first.value->roomId);
    QCOMPARE(retry.value->name, QStringLiteral("Physics"));
    QCOMPARE(retry.value->joinCode, QStringLiteral("CODE-1"));
    QCOMPARE(m_storage->coursesOfUser(ana).size(), 1);
    QVERIFY(!m_storage->courseByJoinCode(QStringLiteral("CODE-2")));

    // The client id is the owner's: another owner's same id is another course.
    const StorageResult<CourseRecord> other =
        m_storage->createCourse(QStringLiteral("Physics"), ben, QStringLiteral("CODE-3"), QStringLiteral("c-1"));
    QVERIFY(other.ok());
    QVERIFY(other.value->id != first.value->id);

    // Without a client id there is nothing to deduplicate by.
    QVERIFY(m_storage->createCourse(QStringLiteral("A"), ana, QStringLiteral("CODE-4"), QString()).ok());
    QVERIFY(m_storage->createCourse(QStringLiteral("A"), ana, QStringLiteral("CODE-5"), QString()).ok());
    QCOMPARE(m_storage->coursesOfUser(ana).size(), 3);
}

void TestStorage::joinCodeConflicts()
{
    const UserId ana = addUser(QStringLiteral("ana"), Role::Instructor);
    const CourseRecord first = addCourse(QStringLiteral("Physics"), ana, QStringLiteral("CODE-1"));
    QVERIFY(first.id.isValid());
    const StorageResult<CourseRecord> clash =
        m_storage->createCourse(QStringLiteral("Chemistry"), ana, QStringLiteral("CODE-1"), QStringLiteral("c-9"));
    QVERIFY(!clash.ok());
    QCOMPARE(clash.error, StorageError::Conflict);
    QVERIFY(clash.message.contains(QStringLiteral("CODE-1")));

    // The transaction was rolled back whole: no room and no membership without a course.
    QCOMPARE(m_storage->coursesOfUser(ana).size(), 1);
    QCOMPARE(m_storage->roomsOfUser(ana).size(), 1);
    QCOMPARE(queryValue(QStringLiteral("SELECT COUNT(*) FROM rooms")).toInt(), 1);
}

void TestStorage::courseNeedsExistingOwner()
{
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("insert_course")));
    const StorageResult<CourseRecord> created =
        m_storage->createCourse(QStringLiteral("Physics"), UserId(4242), QStringLiteral("CODE-1"), QStringLiteral("c-1"));
    QVERIFY(!created.ok());
    QCOMPARE(created.error, StorageError::Failed);
    QVERIFY(!created.message.isEmpty());
    QCOMPARE(queryValue(QStringLiteral("SELECT COUNT(*) FROM rooms")).toInt(), 0);
}

void TestStorage::lookUpCourses()
{
    const UserId ana = addUser(QStringLiteral("ana"), Role::Instructor);
    const CourseRecord physics = addCourse(QStringLiteral("Physics"), ana, QStringLiteral("CODE-1"));
    const CourseRecord chemistry = addCourse(QStringLiteral("Chemistry"), ana, QStringLiteral("CODE-2"));
    QVERIFY(physics.id.isValid() && chemistry.id.isValid());

    QCOMPARE(m_storage->courseById(chemistry.id)->name, QStringLiteral("Chemistry"));
    QCOMPARE(m_storage->courseByJoinCode(QStringLiteral("CODE-1"))->id, physics.id);
    QCOMPARE(m_storage->courseByRoom(chemistry.roomId)->id, chemistry.id);
    const std::optional<CourseRecord> stored = m_storage->courseById(physics.id);
    QCOMPARE(stored->ownerId, ana);
    QCOMPARE(stored->roomId, physics.roomId);
    QCOMPARE(stored->joinCode, QStringLiteral("CODE-1"));
    QCOMPARE(stored->clientId, QString());

    QVERIFY(!m_storage->courseById(CourseId(chemistry.id.value() + 100)));
    QVERIFY(!m_storage->courseByJoinCode(QStringLiteral("code-1")));
    QVERIFY(!m_storage->courseByRoom(RoomId(chemistry.roomId.value() + 100)));
}

void TestStorage::courseMembers()
{
    const UserId ana = addUser(QStringLiteral("ana"), Role::Instructor);
    const UserId ben = addUser(QStringLiteral("ben"));
    const UserId cy = addUser(QStringLiteral("cy"));
    const CourseRecord course = addCourse(QStringLiteral("Physics"), ana, QStringLiteral("CODE-1"));

    QVERIFY(!m_storage->courseRole(course.id, ben));
    QVERIFY(m_storage->addCourseMember(course.id, ben, Role::Student));
    QVERIFY(m_storage->addCourseMember(course.id, cy, Role::Student));
    QCOMPARE(m_storage->courseRole(course.id, ben), Role::Student);
    // Adding again updates the role.
    QVERIFY(m_storage->addCourseMember(course.id, cy, Role::Instructor));
    QCOMPARE(m_storage->courseRole(course.id, cy), Role::Instructor);

    const QList<MemberInfo> members = m_storage->courseMembers(course.id);
    QCOMPARE(members.size(), 3);
    QCOMPARE(members.at(0).user.id, ana);
    QCOMPARE(members.at(1).user, m_storage->userById(ben)->info);
    QCOMPARE(members.at(1).courseRole, Role::Student);
    QCOMPARE(members.at(2).user.id, cy);
    QCOMPARE(members.at(2).user.role, Role::Student);
    QCOMPARE(members.at(2).courseRole, Role::Instructor);

    // Within a course one is a student or an instructor; unknown users and courses are refused.
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("upsert_course_member")));
    QVERIFY(!m_storage->addCourseMember(course.id, ben, Role::Admin));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("upsert_course_member")));
    QVERIFY(!m_storage->addCourseMember(course.id, UserId(4242), Role::Student));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("upsert_course_member")));
    QVERIFY(!m_storage->addCourseMember(CourseId(4242), ben, Role::Student));
    QCOMPARE(m_storage->courseRole(course.id, ben), Role::Student);
}

void TestStorage::coursesAndRoomsOfUser()
{
    const UserId ana = addUser(QStringLiteral("ana"), Role::Instructor);
    const UserId ben = addUser(QStringLiteral("ben"));
    const CourseRecord physics = addCourse(QStringLiteral("Physics"), ana, QStringLiteral("CODE-1"));
    const CourseRecord chemistry = addCourse(QStringLiteral("Chemistry"), ana, QStringLiteral("CODE-2"));
    QVERIFY(m_storage->addCourseMember(chemistry.id, ben, Role::Student));

    const QList<CourseInfo> anasCourses = m_storage->coursesOfUser(ana);
    QCOMPARE(anasCourses.size(), 2);
    QCOMPARE(anasCourses.at(0), (CourseInfo{physics.id, QStringLiteral("Physics"), QStringLiteral("CODE-1"),
                                            physics.roomId, Role::Instructor}));
    QCOMPARE(anasCourses.at(1).id, chemistry.id);

    const QList<CourseInfo> bensCourses = m_storage->coursesOfUser(ben);
    QCOMPARE(bensCourses.size(), 1);
    QCOMPARE(bensCourses.first().id, chemistry.id);
    QCOMPARE(bensCourses.first().memberRole, Role::Student);
    QCOMPARE(bensCourses.first().roomId, chemistry.roomId);

    const QList<RoomInfo> bensRooms = m_storage->roomsOfUser(ben);
    QCOMPARE(bensRooms.size(), 1);
    QCOMPARE(bensRooms.first(), *m_storage->roomById(chemistry.roomId));
    QCOMPARE(m_storage->roomsOfUser(ana).size(), 2);
    QVERIFY(m_storage->coursesOfUser(UserId(4242)).isEmpty());
}

void TestStorage::allCoursesAndRooms()
{
    QVERIFY(m_storage->allCourses().isEmpty());
    QVERIFY(m_storage->allRooms().isEmpty());
    const UserId ana = addUser(QStringLiteral("ana"), Role::Instructor);
    const UserId bea = addUser(QStringLiteral("bea"), Role::Instructor);
    const UserId root = addUser(QStringLiteral("root"), Role::Admin);
    const CourseRecord physics = addCourse(QStringLiteral("Physics"), ana, QStringLiteral("CODE-1"));
    const CourseRecord chemistry = addCourse(QStringLiteral("Chemistry"), bea, QStringLiteral("CODE-2"));

    // Every course and room, whoever owns them, though the admin is a member of none.
    QVERIFY(m_storage->coursesOfUser(root).isEmpty());
    const QList<CourseInfo> courses = m_storage->allCourses();
    QCOMPARE(courses.size(), 2);
    QCOMPARE(courses.at(0), (CourseInfo{physics.id, QStringLiteral("Physics"), QStringLiteral("CODE-1"),
                                        physics.roomId, Role::Student}));
    QCOMPARE(courses.at(1), (CourseInfo{chemistry.id, QStringLiteral("Chemistry"), QStringLiteral("CODE-2"),
                                        chemistry.roomId, Role::Student}));

    QVERIFY(m_storage->appendEvent(chemistry.roomId, QStringLiteral("message.created"), bea, QStringLiteral("c-1"),
                                   QByteArrayLiteral("{}"), 1)
                .ok());
    const QList<RoomInfo> rooms = m_storage->allRooms();
    QCOMPARE(rooms.size(), 2);
    QCOMPARE(rooms.at(0), *m_storage->roomById(physics.roomId));
    QCOMPARE(rooms.at(1), *m_storage->roomById(chemistry.roomId));
    QCOMPARE(rooms.at(1).courseId, chemistry.id);
    QCOMPARE(rooms.at(1).lastSeq, 1);
}
