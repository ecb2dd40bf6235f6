// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "storagetest.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSqlQuery>
#include <QTest>

#include <csignal>

using namespace Cohort;
using namespace Cohort::Server;

namespace {

const char *const ChildEnvironment = "COHORT_TEST_CHILD";
constexpr int ChildEvents = 25;

} // namespace

int TestStorage::appendAndKill()
{
    const QJsonObject job = QJsonDocument::fromJson(qEnvironmentVariable(ChildEnvironment).toUtf8()).object();
    DatabaseConfig config;
    config.driver = job.value(QStringLiteral("driver")).toString();
    config.sqlitePath = job.value(QStringLiteral("sqlitePath")).toString();
    config.host = job.value(QStringLiteral("host")).toString();
    config.port = job.value(QStringLiteral("port")).toInt();
    config.name = job.value(QStringLiteral("name")).toString();
    config.user = job.value(QStringLiteral("user")).toString();
    SqlStorage storage(config, QStringLiteral("child"));
    if (!storage.open().isEmpty())
        return 1;
    const RoomId room(job.value(QStringLiteral("room")).toInteger());
    const UserId sender(job.value(QStringLiteral("sender")).toInteger());
    for (int n = 1; n <= ChildEvents; ++n) {
        if (!storage.appendEvent(room, QStringLiteral("message.created"), sender, QString::number(n), "{}", n).ok())
            return 2;
    }
    // Acknowledged means committed: die at once, with no destructor, close or flush.
    std::raise(SIGKILL);
    return 3;
}

void TestStorage::secondConnectionSeesCommits()
{
    const UserId ana = addUser(QStringLiteral("ana"), Role::Instructor);
    const CourseRecord course = addCourse(QStringLiteral("Physics"), ana, QStringLiteral("CODE-1"));
    QVERIFY(m_storage->appendEvent(course.roomId, QStringLiteral("message.created"), ana, QStringLiteral("c"), "{}", 1).ok());

    std::unique_ptr<SqlStorage> second = makeStorage();
    QCOMPARE(second->open(), QString());
    QCOMPARE(second->userById(ana)->info.username, QStringLiteral("ana"));
    QCOMPARE(second->courseByJoinCode(QStringLiteral("CODE-1"))->id, course.id);
    QCOMPARE(second->lastSeq(course.roomId), 1);

    // Both write to the same room: one sequence, no number taken twice.
    QCOMPARE(second->appendEvent(course.roomId, QStringLiteral("message.created"), ana, QStringLiteral("d"), "{}", 2)
                 .value->seq, 2);
    QCOMPARE(m_storage->appendEvent(course.roomId, QStringLiteral("message.created"), ana, QStringLiteral("e"), "{}", 3)
                 .value->seq, 3);
    QCOMPARE(m_storage->eventsAfter(course.roomId, 0, 10).size(), 3);
    QVERIFY(second->setSetting(QStringLiteral("k"), QStringLiteral("v")));
    QCOMPARE(m_storage->setting(QStringLiteral("k")), QStringLiteral("v"));
}

void TestStorage::writesSurviveDestructionWithoutClose()
{
    const UserId ana = addUser(QStringLiteral("ana"), Role::Instructor);
    const RoomId room = addCourse(QStringLiteral("Physics"), ana, QStringLiteral("CODE-1")).roomId;
    QVERIFY(m_storage->appendEvent(room, QStringLiteral("message.created"), ana, QStringLiteral("c"), "{}", 1).ok());
    m_storage.reset();

    m_storage = makeStorage();
    QCOMPARE(m_storage->open(), QString());
    QVERIFY(m_storage->userById(ana));
    QCOMPARE(m_storage->lastSeq(room), 1);
    QCOMPARE(m_storage->eventsAfter(room, 0, 10).size(), 1);
}

void TestStorage::writesSurviveKilledProcess()
{
    const UserId ana = addUser(QStringLiteral("ana"), Role::Instructor);
    const RoomId room = addCourse(QStringLiteral("Physics"), ana, QStringLiteral("CODE-1")).roomId;
    const QJsonObject job{{QStringLiteral("driver"), m_config.driver},   {QStringLiteral("sqlitePath"), m_config.sqlitePath},
                          {QStringLiteral("host"), m_config.host},       {QStringLiteral("port"), m_config.port},
                          {QStringLiteral("name"), m_config.name},       {QStringLiteral("user"), m_config.user},
                          {QStringLiteral("room"), room.value()},        {QStringLiteral("sender"), ana.value()}};
    QProcess child;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QLatin1String(ChildEnvironment), QString::fromUtf8(QJsonDocument(job).toJson(QJsonDocument::Compact)));
    child.setProcessEnvironment(environment);
    child.setProcessChannelMode(QProcess::ForwardedChannels);
    child.start(QCoreApplication::applicationFilePath(), {QStringLiteral("--append-and-kill")});
    QVERIFY(child.waitForFinished(60000));
    QCOMPARE(child.exitStatus(), QProcess::CrashExit);

    QCOMPARE(m_storage->lastSeq(room), ChildEvents);
    const QList<EventRecord> events = m_storage->eventsAfter(room, 0, 100);
    QCOMPARE(events.size(), ChildEvents);
    QCOMPARE(events.last().clientId, QString::number(ChildEvents));
}

void TestStorage::backup()
{
    const UserId ana = addUser(QStringLiteral("ana"));
    const QString path = m_dir ? m_dir->filePath(QStringLiteral("backup.sqlite")) : QStringLiteral("/tmp/unused");
    if (isPostgres()) {
        const QString error = m_storage->backup(path);
        QVERIFY2(error.contains(QStringLiteral("pg_dump")), qPrintable(error));
        QVERIFY(error.contains(m_config.name));
        return;
    }
    QCOMPARE(m_storage->backup(path), QString());
    QVERIFY(m_storage->backup(path).contains(QStringLiteral("already exists")));

    DatabaseConfig copyConfig = m_config;
    copyConfig.sqlitePath = path;
    SqlStorage copy(copyConfig, QStringLiteral("storage-test-backup"));
    QCOMPARE(copy.open(), QString());
    QCOMPARE(copy.userById(ana)->info.username, QStringLiteral("ana"));
    QCOMPARE(copy.schemaVersion(), m_storage->schemaVersion());
}

void TestStorage::connectionSettings()
{
    m_storage.reset();
    const QString name = QStringLiteral("storage-test-settings");
    const auto setting = [&name](const QString &sql) {
        QSqlQuery query(QSqlDatabase::database(name));
        query.exec(sql);
        return query.next() ? query.value(0).toString() : QString();
    };
    if (isPostgres()) {
        SqlStorage storage(m_config, name);
        QCOMPARE(storage.open(), QString());
        QCOMPARE(setting(QStringLiteral("SHOW synchronous_commit")), QStringLiteral("on"));
        QCOMPARE(setting(QStringLiteral("SHOW client_min_messages")), QStringLiteral("warning"));
        QCOMPARE(setting(QStringLiteral("SHOW application_name")), QStringLiteral("cohort-server"));
        return;
    }
    for (const auto &[level, expected] : {std::pair{"normal", "1"}, std::pair{"FULL", "2"}}) {
        m_config.sqliteSynchronous = QLatin1String(level);
        SqlStorage storage(m_config, name);
        QCOMPARE(storage.open(), QString());
        QCOMPARE(setting(QStringLiteral("PRAGMA journal_mode")), QStringLiteral("wal"));
        QCOMPARE(setting(QStringLiteral("PRAGMA foreign_keys")), QStringLiteral("1"));
        QCOMPARE(setting(QStringLiteral("PRAGMA busy_timeout")), QStringLiteral("5000"));
        QCOMPARE(setting(QStringLiteral("PRAGMA synchronous")), QLatin1String(expected));
        // Checkpoints are WalCheckpointer's, on its own thread (checkpointtests.cpp).
        QCOMPARE(setting(QStringLiteral("PRAGMA wal_autocheckpoint")), QStringLiteral("0"));
    }
    m_config.sqliteSynchronous = QStringLiteral("off");
    SqlStorage unsafe(m_config, name);
    QVERIFY(unsafe.open().contains(QStringLiteral("synchronous")));
}

void TestStorage::openErrors()
{
    DatabaseConfig unknown = m_config;
    unknown.driver = QStringLiteral("oracle");
    QVERIFY(createStorage(unknown, QStringLiteral("storage-test-unknown"))->open().contains(QStringLiteral("oracle")));

    // A name in use is refused without taking the connection from its owner.
    SqlStorage first(m_config, QStringLiteral("storage-test-twice"));
    QCOMPARE(first.open(), QString());
    {
        SqlStorage second(m_config, QStringLiteral("storage-test-twice"));
        QVERIFY(second.open().contains(QStringLiteral("in use")));
    }
    QVERIFY(first.setSetting(QStringLiteral("still"), QStringLiteral("works")));
    first.close();
    QVERIFY(!QSqlDatabase::contains(QStringLiteral("storage-test-twice")));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("user_by_name: the database is not open")));
    QVERIFY(!first.userByName(QStringLiteral("x")));

    // A connection that failed to open can be opened again once the configuration is right.
    DatabaseConfig wrong = m_config;
    wrong.name = QStringLiteral("no_such_database");
    wrong.sqlitePath = m_dir ? m_dir->path() : QString(); // a folder, not a database file
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("storage-test-retry")));
    SqlConnection connection(QStringLiteral("storage-test-retry"));
    QVERIFY(!connection.open(wrong).isEmpty());
    QVERIFY(!connection.isOpen());
    QVERIFY(!QSqlDatabase::contains(QStringLiteral("storage-test-retry")));
    QCOMPARE(connection.open(m_config), QString());
    QVERIFY(connection.isOpen());
}

void TestStorage::ping()
{
    QVERIFY(m_storage->ping());
    if (isPostgres()) {
        // The server drops the open connection: QtSql does not reconnect by itself, the storage
        // does, and the read runs again on the new link.
        QVERIFY(queryValue(QStringLiteral("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                          "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
                    .toInt()
                >= 1);
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("ping")));
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("lost its PostgreSQL connection")));
        QVERIFY(m_storage->ping());
    }
    m_storage->close();
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("ping: the database is not open")));
    QVERIFY(!m_storage->ping());
}
