// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "storagetest.h"

#include <QRegularExpression>
#include <QSqlQuery>
#include <QTest>

#include <algorithm>

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
    QVERIFY(original.value->created);
    const StorageResult<EventRecord> repeat =
        m_storage->appendEvent(room, QStringLiteral("other.kind"), ana, QStringLiteral("c-1"), text(2), 2000);
    QVERIFY(repeat.ok());
    QVERIFY(!repeat.value->created);
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
    QVERIFY(bens.value->created);
    for (int n = 3; n <= 4; ++n) {
        const StorageResult<EventRecord> server =
            m_storage->appendEvent(room, QStringLiteral("member.joined"), UserId(), QString(), text(n), 4000);
        QVERIFY(server.ok());
        QVERIFY(server.value->created);
        QCOMPARE(server.value->seq, n);
    }
    const QList<EventRecord> events = m_storage->eventsAfter(room, 0, 100);
    QCOMPARE(seqs(events), (QList<qint64>{1, 2, 3, 4}));
    QVERIFY(std::none_of(events.cbegin(), events.cend(), [](const EventRecord &e) { return e.created; }));
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

void TestStorage::lookupsUseIndexes()
{
    // A partial index serves a query only if the query states its condition too; without that
    // every append scanned its room's whole log. Seq scans are off so that PostgreSQL's planner
    // shows what it could use even on these small tables.
    SqlConnection connection(QStringLiteral("storage-test-plans"));
    QCOMPARE(connection.open(m_config), QString());
    const std::pair<const char *, const char *> cases[] = {{"event_by_client", "room_events_idempotency"},
                                                           {"course_by_owner_client", "courses_owner_client"},
                                                           {"unsent_attachments", "attachments_unsent"}};
    for (const auto &[query, index] : cases) {
        // Numbered parameters, left unknown to the planner as in the storage's prepared queries.
        QString sql = connection.queryText(QLatin1String(query));
        int parameters = 0;
        const QRegularExpression placeholder(QStringLiteral(":[a-z_]+"));
        for (QRegularExpressionMatch match = placeholder.match(sql); match.hasMatch(); match = placeholder.match(sql))
            sql.replace(match.capturedStart(), match.capturedLength(), QStringLiteral("$%1").arg(++parameters));
        QString plan;
        QSqlQuery explain(probe());
        if (isPostgres()) {
            // PostgreSQL 15 has no EXPLAIN (GENERIC_PLAN): explain a prepared generic plan.
            QStringList arguments;
            for (int i = 0; i < parameters; ++i)
                arguments.append(QStringLiteral("'1'"));
            QCOMPARE(probeExec(QStringLiteral("SET plan_cache_mode = force_generic_plan")), QString());
            QCOMPARE(probeExec(QStringLiteral("SET enable_seqscan = off")), QString());
            QCOMPARE(probeExec(QStringLiteral("PREPARE plan_check AS ") + sql), QString());
            QVERIFY(explain.exec(QStringLiteral("EXPLAIN EXECUTE plan_check(%1)").arg(arguments.join(QLatin1Char(',')))));
            while (explain.next())
                plan += explain.value(0).toString();
            QCOMPARE(probeExec(QStringLiteral("DEALLOCATE plan_check")), QString());
        } else {
            QVERIFY(explain.prepare(QStringLiteral("EXPLAIN QUERY PLAN ") + sql.replace(QLatin1Char('$'), QLatin1Char('?'))));
            for (int i = 0; i < parameters; ++i)
                explain.addBindValue(1);
            QVERIFY(explain.exec());
            while (explain.next())
                plan += explain.value(3).toString();
        }
        QVERIFY2(plan.contains(QLatin1String(index)), qPrintable(QLatin1String(query) + QLatin1String(": ") + plan));
    }
}
