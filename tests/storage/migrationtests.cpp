// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "storagetest.h"

#include "migrator.h"

#include <QRegularExpression>
#include <QSqlQuery>
#include <QTest>
#include <QThread>

using namespace Cohort;
using namespace Cohort::Server;

namespace {

QString fixture(const char *name)
{
    return QStringLiteral(":/fixtures/") + QLatin1String(name);
}

} // namespace

void TestStorage::migratesFromVersion1()
{
    // A database as a build with only migration 1 left it, with an account in it.
    m_storage.reset();
    QCOMPARE(resetDatabase(), QString());
    std::unique_ptr<SqlStorage> old = makeStorage();
    QCOMPARE(old->connect(), QString());
    QCOMPARE(old->schemaVersion(), 0);
    QCOMPARE(old->migrateTo(1), QString());
    QCOMPARE(old->schemaVersion(), 1);
    QVERIFY(old->createUser(QStringLiteral("ana"), QStringLiteral("Ana"), Role::Instructor, QByteArrayLiteral("h")).ok());
    QVERIFY(!queryValue(QStringLiteral("SELECT COUNT(*) FROM courses")).isValid());
    old.reset();

    m_storage = makeStorage();
    QCOMPARE(m_storage->open(), QString());
    QVERIFY(m_storage->latestSchemaVersion() >= 2);
    QCOMPARE(m_storage->schemaVersion(), m_storage->latestSchemaVersion());
    const std::optional<UserRecord> ana = m_storage->userByName(QStringLiteral("ana"));
    QVERIFY(ana);
    QVERIFY(m_storage->createCourse(QStringLiteral("Physics"), ana->info.id, QStringLiteral("CODE-1"), QString()).ok());
    // One row per step, in order.
    QCOMPARE(queryValue(QStringLiteral("SELECT COUNT(*) FROM schema_migrations")).toInt(),
             m_storage->latestSchemaVersion());
    QCOMPARE(queryValue(QStringLiteral("SELECT MIN(version) FROM schema_migrations")).toInt(), 1);
    QVERIFY(queryValue(QStringLiteral("SELECT MIN(applied_at) FROM schema_migrations")).toLongLong() > 0);
}

void TestStorage::rerunIsNoop()
{
    const auto history = [this] {
        QStringList rows;
        QSqlQuery query(probe());
        query.exec(QStringLiteral("SELECT version, applied_at FROM schema_migrations ORDER BY version"));
        while (query.next())
            rows.append(query.value(0).toString() + QLatin1Char('@') + query.value(1).toString());
        return rows;
    };
    const QStringList before = history();
    QCOMPARE(before.size(), m_storage->latestSchemaVersion());
    QVERIFY(addUser(QStringLiteral("ana")).isValid());

    QCOMPARE(m_storage->migrate(), QString());
    std::unique_ptr<SqlStorage> again = makeStorage();
    QCOMPARE(again->open(), QString());
    QCOMPARE(history(), before);
    QVERIFY(again->userByName(QStringLiteral("ana")));
}

void TestStorage::resumesAfterFailedStep()
{
    m_storage.reset();
    QCOMPARE(resetDatabase(), QString());
    SqlConnection connection(QStringLiteral("storage-test-migrator"));
    QCOMPARE(connection.open(m_config), QString());

    Migrator broken(connection, fixture("migrations-broken"));
    QCOMPARE(broken.error(), QString());
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("fixture_missing")));
    const QString error = broken.migrate();
    QVERIFY2(error.contains(QStringLiteral("migration 2")), qPrintable(error));
    // Step 1 stays; step 2 left nothing behind.
    QCOMPARE(broken.currentVersion(), 1);
    QCOMPARE(queryValue(QStringLiteral("SELECT COUNT(*) FROM fixture_one")).toInt(), 1);
    QVERIFY(!queryValue(QStringLiteral("SELECT COUNT(*) FROM fixture_two")).isValid());

    // The repaired build continues at step 2; step 1 would fail if it ran again.
    Migrator fixed(connection, fixture("migrations-fixed"));
    QCOMPARE(fixed.migrate(), QString());
    QCOMPARE(fixed.currentVersion(), 3);
    QCOMPARE(queryValue(QStringLiteral("SELECT COUNT(*) FROM fixture_one")).toInt(), 2);
    QCOMPARE(queryValue(QStringLiteral("SELECT COUNT(*) FROM fixture_three")).toInt(), 0);
    QCOMPARE(fixed.migrate(), QString());
    QCOMPARE(queryValue(QStringLiteral("SELECT COUNT(*) FROM schema_migrations")).toInt(), 3);
}

void TestStorage::concurrentMigrationsRunOnce()
{
    // Two server nodes starting at once on one database: each step runs once, both succeed.
    m_storage.reset();
    QCOMPARE(resetDatabase(), QString());
    QString errors[2];
    std::unique_ptr<QThread> threads[2];
    for (int i = 0; i < 2; ++i) {
        threads[i].reset(QThread::create([this, i, &errors] {
            SqlStorage node(m_config, QStringLiteral("storage-test-node-%1").arg(i));
            errors[i] = node.open();
        }));
        threads[i]->start();
    }
    for (const std::unique_ptr<QThread> &thread : threads)
        QVERIFY(thread->wait(60000));
    QCOMPARE(errors[0], QString());
    QCOMPARE(errors[1], QString());
    m_storage = makeStorage();
    QCOMPARE(m_storage->open(), QString());
    QCOMPARE(queryValue(QStringLiteral("SELECT COUNT(*) FROM schema_migrations")).toInt(),
             m_storage->latestSchemaVersion());
}

void TestStorage::refusesNewerDatabase()
{
    QCOMPARE(probeExec(QStringLiteral("INSERT INTO schema_migrations (version, applied_at) VALUES (99, 1)")),
             QString());
    std::unique_ptr<SqlStorage> older = makeStorage();
    const QString error = older->open();
    QVERIFY2(error.contains(QStringLiteral("newer")), qPrintable(error));
    QVERIFY(error.contains(QStringLiteral("99")));
}

void TestStorage::migrationsAreNumbered()
{
    SqlConnection connection(QStringLiteral("storage-test-migrator"));
    QCOMPARE(connection.open(m_config), QString());
    // Both backends have the same steps, numbered without gaps.
    const Migrator sqlite(connection, SqlConnection::migrationsDirectory(QStringLiteral("sqlite")));
    const Migrator postgres(connection, SqlConnection::migrationsDirectory(QStringLiteral("postgresql")));
    QCOMPARE(sqlite.error(), QString());
    QCOMPARE(postgres.error(), QString());
    QCOMPARE(sqlite.latestVersion(), postgres.latestVersion());
    QCOMPARE(m_storage->schemaVersion(), sqlite.latestVersion());

    Migrator gap(connection, fixture("migrations-gap"));
    QVERIFY(gap.error().contains(QStringLiteral("0003_three.sql")));
    QCOMPARE(gap.latestVersion(), 0);
    QCOMPARE(gap.migrate(), gap.error());
    QVERIFY(!Migrator(connection, fixture("no-such-folder")).error().isEmpty());
}
