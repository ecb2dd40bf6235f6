// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "storagetest.h"

#include "walcheckpointer.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSqlQuery>
#include <QTest>

using namespace Cohort;
using namespace Cohort::Server;

// SQLite's WAL checkpoints run on WalCheckpointer's thread. In WAL mode only a checkpoint
// writes to the database file, so its size shows whether one ran.

namespace {

constexpr int Events = 300;
constexpr qint64 EventBytes = 2000;

QByteArray payload(int n)
{
    return QByteArrayLiteral("{\"text\":\"") + QByteArray::number(n) + QByteArray(EventBytes, 'x')
        + QByteArrayLiteral("\"}");
}

qint64 fileSize(const QString &path)
{
    return QFileInfo(path).size(); // a fresh QFileInfo: no cached size
}

qsizetype threadCount()
{
    return QDir(QStringLiteral("/proc/self/task")).entryList(QDir::Dirs | QDir::NoDotAndDotDot).size();
}

/// An instructor, a course and `count` events in its room; the room, or none on a failure.
RoomId appendEvents(SqlStorage &storage, int count)
{
    const StorageResult<UserRecord> ana =
        storage.createUser(QStringLiteral("ana"), QStringLiteral("Ana"), Role::Instructor, QByteArrayLiteral("$argon2id$test"));
    const StorageResult<CourseRecord> course =
        storage.createCourse(QStringLiteral("Physics"), ana.value->info.id, QStringLiteral("CODE-1"), QString());
    for (int n = 1; n <= count; ++n) {
        if (!storage.appendEvent(course.value->roomId, QStringLiteral("message.created"), ana.value->info.id,
                                 QString::number(n), payload(n), n)
                 .ok())
            return RoomId();
    }
    return course.value->roomId;
}

} // namespace

void TestStorage::checkpointsInBackground()
{
    if (isPostgres())
        QSKIP("PostgreSQL checkpoints by itself");
    const qint64 before = fileSize(m_config.sqlitePath);
    const RoomId room = appendEvents(*m_storage, Events);
    QVERIFY(room.isValid());
    // Automatic checkpoints are off and SQLite's would wait for 1,000 pages (4 MiB): only the
    // checkpointer moves the 600 KB of events into the database file while the storage is open.
    QTRY_VERIFY_WITH_TIMEOUT(fileSize(m_config.sqlitePath) > before + Events * EventBytes, 10000);

    // What was checkpointed reads back through a fresh storage, from the database file.
    m_storage.reset();
    m_storage = makeStorage();
    QCOMPARE(m_storage->open(), QString());
    const QList<EventRecord> events = m_storage->eventsAfter(room, 0, Events + 1);
    QCOMPARE(events.size(), Events);
    QCOMPARE(events.first().payload, payload(1));
    QCOMPARE(events.last().payload, payload(Events));
}

void TestStorage::closeEmptiesWal()
{
    if (isPostgres())
        QSKIP("PostgreSQL has no WAL file next to the database");
    const QString wal = m_config.sqlitePath + QStringLiteral("-wal");
    const RoomId room = appendEvents(*m_storage, Events);
    QVERIFY(room.isValid());
    QVERIFY(fileSize(wal) > 0);
    // The probe keeps the database open, so SQLite's own checkpoint at the last close does not
    // run: an empty WAL is the checkpointer's final TRUNCATE.
    QCOMPARE(queryValue(QStringLiteral("SELECT COUNT(*) FROM room_events")).toInt(), Events);
    m_storage->close();
    QCOMPARE(fileSize(wal), 0);
    QCOMPARE(queryValue(QStringLiteral("SELECT COUNT(*) FROM room_events")).toInt(), Events);
}

void TestStorage::largeWalIsTruncated()
{
    if (isPostgres())
        QSKIP("PostgreSQL has no WAL file next to the database");
    const QString wal = m_config.sqlitePath + QStringLiteral("-wal");
    // A second checkpointer with a limit of one frame truncates the WAL after every passive
    // checkpoint; the storage's own, at its default limit, never empties it while open.
    const WalCheckpointer small(m_config, QStringLiteral("storage-test-small-wal"),
                                WalCheckpointer::Options{std::chrono::milliseconds(50), 1});
    QCOMPARE(small.error(), QString());
    QVERIFY(appendEvents(*m_storage, Events).isValid());
    QTRY_COMPARE_WITH_TIMEOUT(fileSize(wal), 0, 10000);
    // The next commit starts the WAL afresh and is checkpointed in turn.
    QVERIFY(m_storage->setSetting(QStringLiteral("after"), QStringLiteral("truncate")));
    QTRY_COMPARE_WITH_TIMEOUT(fileSize(wal), 0, 10000);
    QCOMPARE(m_storage->setting(QStringLiteral("after")), QStringLiteral("truncate"));
}

void TestStorage::checkpointThreadStops()
{
    const QString name = QStringLiteral("storage-test-thread");
    const QString checkpointName = name + QStringLiteral("-wal");
    const qsizetype threads = threadCount();
    const int expectedThreads = isPostgres() ? 0 : 1;
    for (const bool closeFirst : {true, false}) {
        auto storage = std::make_unique<SqlStorage>(m_config, name);
        QCOMPARE(storage->open(), QString());
        QCOMPARE(QSqlDatabase::contains(checkpointName), !isPostgres());
        QCOMPARE(threadCount(), threads + expectedThreads);
        QVERIFY(storage->setSetting(QStringLiteral("k"), QStringLiteral("v")));
        if (closeFirst) {
            storage->close();
            QVERIFY(!QSqlDatabase::contains(checkpointName));
            QTRY_COMPARE(threadCount(), threads);
        }
        storage.reset();
        QVERIFY(!QSqlDatabase::contains(checkpointName));
        QTRY_COMPARE(threadCount(), threads);
    }
    // Opened and at once destroyed: the thread is stopped before its first tick.
    for (int i = 0; i < 20; ++i)
        QCOMPARE(SqlStorage(m_config, name).open(), QString());
    QTRY_COMPARE(threadCount(), threads);
    QCOMPARE(m_storage->setting(QStringLiteral("k")), QStringLiteral("v"));
}

void TestStorage::deletedRowsLeaveNoTrace()
{
    if (isPostgres())
        QSKIP("PostgreSQL's VACUUM reclaims dead rows; the server sets nothing there");
    // A short value stays on its page; a long one spills to overflow pages, which a delete puts
    // on the freelist (PRAGMA secure_delete = FAST would leave those readable).
    const QByteArray shortMarker = QByteArrayLiteral("private-marker-7f3a9c");
    const QByteArray longMarker = QByteArrayLiteral("long-marker-") + QByteArray(20000, 'q') + QByteArrayLiteral("-end");
    QVERIFY(m_storage->setSetting(QStringLiteral("short"), QString::fromLatin1(shortMarker)));
    QVERIFY(m_storage->setSetting(QStringLiteral("long"), QString::fromLatin1(longMarker)));
    QVERIFY(m_storage->removeSetting(QStringLiteral("short")));
    QVERIFY(m_storage->removeSetting(QStringLiteral("long")));
    // Closing runs the checkpointer's final TRUNCATE: the database file holds everything.
    m_storage->close();
    QCOMPARE(fileSize(m_config.sqlitePath + QStringLiteral("-wal")), 0);
    QFile file(m_config.sqlitePath);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray bytes = file.readAll();
    QVERIFY(!bytes.isEmpty());
    QVERIFY2(!bytes.contains(shortMarker), "a deleted short value is still in the database file");
    QVERIFY2(!bytes.contains(QByteArray(2000, 'q')), "a deleted long value is still in the database file");

    // The control: with secure_delete off, the same writes and deletes do leave both values in
    // the file, so the checks above can fail. (Debian's SQLite is built with secure_delete on
    // by default; Qt's own SQLite on Windows and macOS is not, hence the pragma.)
    const QString controlPath = QFileInfo(m_config.sqlitePath).absolutePath() + QStringLiteral("/control.sqlite");
    {
        QSqlDatabase control = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("secure-delete-control"));
        control.setDatabaseName(controlPath);
        QVERIFY(control.open());
        QSqlQuery query(control);
        for (const QString &sql : {QStringLiteral("PRAGMA journal_mode = WAL"), QStringLiteral("PRAGMA secure_delete = OFF"),
                                   QStringLiteral("CREATE TABLE kept (k TEXT PRIMARY KEY, v TEXT)"),
                                   QStringLiteral("INSERT INTO kept VALUES ('other', 'x')")})
            QVERIFY2(query.exec(sql), qPrintable(sql));
        for (const QByteArray &value : {shortMarker, longMarker}) {
            QVERIFY(query.prepare(QStringLiteral("INSERT INTO kept VALUES (?, ?)")));
            query.addBindValue(QString::fromLatin1(value.left(12)));
            query.addBindValue(QString::fromLatin1(value));
            QVERIFY(query.exec());
        }
        QVERIFY(query.exec(QStringLiteral("DELETE FROM kept WHERE k <> 'other'")));
        control.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("secure-delete-control"));
    QFile controlFile(controlPath);
    QVERIFY(controlFile.open(QIODevice::ReadOnly));
    const QByteArray controlBytes = controlFile.readAll();
    QVERIFY(controlBytes.contains(shortMarker));
    QVERIFY(controlBytes.contains(QByteArray(2000, 'q')));
}
