// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "storagetest.h"

#include <QTest>

using namespace Cohort;
using namespace Cohort::Server;

namespace {

QByteArray text(int n)
{
    return QByteArrayLiteral("{\"text\":\"message ") + QByteArray::number(n) + QByteArrayLiteral("\"}");
}

QList<qint64> seqs(const QList<EventRecord> &events)
{
    QList<qint64> result;
    for (const EventRecord &event : events)
        result.append(event.seq);
    return result;
}

} // namespace

void TestStorage::seqIncreasesFromOne()
{
    const UserId ana = addUser(QStringLiteral("ana"), Role::Instructor);
    const CourseRecord physics = addCourse(QStringLiteral("Physics"), ana, QStringLiteral("CODE-1"));
    const CourseRecord chemistry = addCourse(QStringLiteral("Chemistry"), ana, QStringLiteral("CODE-2"));
    QCOMPARE(m_storage->lastSeq(physics.roomId), 0);

    for (int n = 1; n <= 5; ++n) {
        const StorageResult<EventRecord> event = m_storage->appendEvent(
            physics.roomId, QStringLiteral("message.created"), ana, QStringLiteral("m-%1").arg(n), text(n), 1000 + n);
        QVERIFY(event.ok());
        QCOMPARE(event.value->seq, n);
        QCOMPARE(event.value->roomId, physics.roomId);
        QCOMPARE(event.value->payload, text(n));
    }
    // Each room counts on its own.
    const StorageResult<EventRecord> other = m_storage->appendEvent(
        chemistry.roomId, QStringLiteral("message.created"), ana, QStringLiteral("m-1"), text(1), 2000);
    QCOMPARE(other.value->seq, 1);

    QCOMPARE(m_storage->lastSeq(physics.roomId), 5);
    QCOMPARE(m_storage->roomById(physics.roomId)->lastSeq, 5);
    QCOMPARE(m_storage->lastSeq(chemistry.roomId), 1);
    QCOMPARE(seqs(m_storage->eventsAfter(physics.roomId, 0, 100)), (QList<qint64>{1, 2, 3, 4, 5}));
}

void TestStorage::repeatedClientIdReturnsOriginal()
{
    const UserId ana = addUser(QStringLiteral("ana"), Role::Instructor);
    const UserId ben = addUser(QStringLiteral("ben"));
    const CourseRecord course = addCourse(QStringLiteral("Physics"), ana, QStringLiteral("CODE-1"));
    const RoomId room = course.roomId;

    const StorageResult<EventRecord> original =
        m_storage->appendEvent(room, QStringLiteral("message.created"), ana, QStringLiteral("c-1"), text(1), 1000);
    QVERIFY(original.ok());
    const StorageResult<EventRecord> repeat =
        m_storage->appendEvent(room, QStringLiteral("other.kind"), ana, QStringLiteral("c-1"), text(2), 2000);
    QVERIFY(repeat.ok());
    QCOMPARE(repeat.value->seq, 1);
    QCOMPARE(repeat.value->kind, QStringLiteral("message.created"));
    QCOMPARE(repeat.value->payload, text(1));
    QCOMPARE(repeat.value->timestamp, 1000);
    QCOMPARE(repeat.value->senderId, ana);
    QCOMPARE(repeat.value->clientId, QStringLiteral("c-1"));
    // Nothing was written: no event and no sequence number used up.
    QCOMPARE(m_storage->lastSeq(room), 1);
    QCOMPARE(m_storage->eventsAfter(room, 0, 100).size(), 1);

    // The client id is the sender's own; server events without one are never deduplicated.
    const StorageResult<EventRecord> bens =
        m_storage->appendEvent(room, QStringLiteral("message.created"), ben, QStringLiteral("c-1"), text(3), 3000);
    QCOMPARE(bens.value->seq, 2);
    for (int n = 3; n <= 4; ++n) {
        const StorageResult<EventRecord> server =
            m_storage->appendEvent(room, QStringLiteral("member.joined"), UserId(), QString(), text(n), 4000);
        QVERIFY(server.ok());
        QCOMPARE(server.value->seq, n);
    }
    const QList<EventRecord> events = m_storage->eventsAfter(room, 0, 100);
    QCOMPARE(seqs(events), (QList<qint64>{1, 2, 3, 4}));
    QVERIFY(!events.at(2).senderId.isValid());
    QCOMPARE(events.at(2).clientId, QString());
    QCOMPARE(events.at(1).senderId, ben);
}

void TestStorage::appendToUnknownRoom()
{
    const UserId ana = addUser(QStringLiteral("ana"));
    const StorageResult<EventRecord> event =
        m_storage->appendEvent(RoomId(4242), QStringLiteral("message.created"), ana, QStringLiteral("c-1"), text(1), 1);
    QVERIFY(!event.ok());
    QCOMPARE(event.error, StorageError::NotFound);
    QVERIFY(event.message.contains(QStringLiteral("4242")));
}

void TestStorage::eventsAfterAndLatest()
{
    const UserId ana = addUser(QStringLiteral("ana"), Role::Instructor);
    const RoomId room = addCourse(QStringLiteral("Physics"), ana, QStringLiteral("CODE-1")).roomId;
    for (int n = 1; n <= 10; ++n)
        QVERIFY(m_storage->appendEvent(room, QStringLiteral("message.created"), ana, QString(), text(n), n).ok());

    QCOMPARE(seqs(m_storage->eventsAfter(room, 3, 4)), (QList<qint64>{4, 5, 6, 7}));
    QCOMPARE(seqs(m_storage->eventsAfter(room, 8, 100)), (QList<qint64>{9, 10}));
    QVERIFY(m_storage->eventsAfter(room, 10, 100).isEmpty());
    QVERIFY(m_storage->eventsAfter(room, 0, 0).isEmpty());
    QCOMPARE(seqs(m_storage->latestEvents(room, 3)), (QList<qint64>{8, 9, 10}));
    QCOMPARE(m_storage->latestEvents(room, 100).size(), 10);
    QCOMPARE(m_storage->latestEvents(room, 100).first().seq, 1);
    QVERIFY(m_storage->latestEvents(RoomId(4242), 10).isEmpty());

    const EventRecord fifth = m_storage->eventsAfter(room, 4, 1).first();
    QCOMPARE(fifth.roomId, room);
    QCOMPARE(fifth.kind, QStringLiteral("message.created"));
    QCOMPARE(fifth.senderId, ana);
    QCOMPARE(fifth.payload, text(5));
    QCOMPARE(fifth.timestamp, 5);
}

void TestStorage::payloadRoundTrips()
{
    const UserId ana = addUser(QStringLiteral("ana"), Role::Instructor);
    const RoomId room = addCourse(QStringLiteral("Physics"), ana, QStringLiteral("CODE-1")).roomId;
    const QByteArray payload = QStringLiteral("{\"text\":\"Grüße, ünïcödé 😀 'quotes' \\\"escaped\\\" \\n\"}").toUtf8();
    QVERIFY(m_storage->appendEvent(room, QStringLiteral("message.created"), ana, QStringLiteral("c"), payload,
                                   1700000000000LL).ok());
    const EventRecord stored = m_storage->latestEvents(room, 1).first();
    QCOMPARE(stored.payload, payload);
    QCOMPARE(stored.timestamp, 1700000000000LL);
}
