// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "storagetest.h"

#include <QCoreApplication>
#include <QSettings>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTest>

using namespace Cohort;
using namespace Cohort::Server;

namespace {

const QString ProbeConnection = QStringLiteral("storage-test-probe");

/// The throwaway PostgreSQL's parameters from the fixture's connection.ini, or an error.
QString readPostgresFixture(DatabaseConfig *config)
{
    const QString path = qEnvironmentVariable("COHORT_TEST_POSTGRESQL");
    if (path.isEmpty())
        return QStringLiteral("COHORT_TEST_POSTGRESQL is not set: run the suite through ctest, whose "
                              "fixture storage_postgresql_start starts a throwaway PostgreSQL");
    QSettings ini(path, QSettings::IniFormat);
    config->driver = QStringLiteral("postgresql");
    config->host = ini.value(QStringLiteral("postgresql/host")).toString();
    config->port = ini.value(QStringLiteral("postgresql/port")).toInt();
    config->name = ini.value(QStringLiteral("postgresql/name")).toString();
    config->user = ini.value(QStringLiteral("postgresql/user")).toString();
    if (config->host.isEmpty() || config->port == 0)
        return QStringLiteral("%1 has no PostgreSQL connection: did pg-fixture.sh start fail?").arg(path);
    return QString();
}

} // namespace

void TestStorage::initTestCase_data()
{
    QTest::addColumn<QString>("backend");
    QTest::newRow("sqlite") << QStringLiteral("sqlite");
    QTest::newRow("postgresql") << QStringLiteral("postgresql");
}

void TestStorage::init()
{
    QFETCH_GLOBAL(QString, backend);
    m_config = DatabaseConfig();
    if (backend == QLatin1String("postgresql")) {
        const QString error = readPostgresFixture(&m_config);
        QVERIFY2(error.isEmpty(), qPrintable(error));
    }
    const QString error = resetDatabase();
    QVERIFY2(error.isEmpty(), qPrintable(error));
    m_storage = makeStorage();
    const QString openError = m_storage->open();
    QVERIFY2(openError.isEmpty(), qPrintable(openError));
}

void TestStorage::cleanup()
{
    m_storage.reset();
    QSqlDatabase::removeDatabase(ProbeConnection);
    m_dir.reset();
}

void TestStorage::cleanupTestCase()
{
    QVERIFY(!QSqlDatabase::contains(ProbeConnection));
}

bool TestStorage::isPostgres() const
{
    return m_config.driver == QLatin1String("postgresql");
}

QString TestStorage::resetDatabase()
{
    QSqlDatabase::removeDatabase(ProbeConnection);
    if (!isPostgres()) {
        m_dir = std::make_unique<QTemporaryDir>();
        if (!m_dir->isValid())
            return m_dir->errorString();
        m_config.sqlitePath = m_dir->filePath(QStringLiteral("data/cohort.sqlite"));
        return QString();
    }
    QString error = probeExec(QStringLiteral("DROP SCHEMA public CASCADE"));
    if (error.isEmpty())
        error = probeExec(QStringLiteral("CREATE SCHEMA public"));
    QSqlDatabase::removeDatabase(ProbeConnection);
    return error;
}

std::unique_ptr<SqlStorage> TestStorage::makeStorage()
{
    static int counter = 0;
    return std::make_unique<SqlStorage>(m_config, QStringLiteral("storage-test-%1").arg(++counter));
}

UserId TestStorage::addUser(const QString &username, Role role)
{
    const StorageResult<UserRecord> user =
        m_storage->createUser(username, username.toUpper(), role, QByteArrayLiteral("$argon2id$test"));
    return user.ok() ? user.value->info.id : UserId();
}

CourseRecord TestStorage::addCourse(const QString &name, UserId owner, const QString &joinCode)
{
    const StorageResult<CourseRecord> course = m_storage->createCourse(name, owner, joinCode, QString());
    return course.ok() ? *course.value : CourseRecord();
}

QSqlDatabase TestStorage::probe()
{
    if (QSqlDatabase::contains(ProbeConnection))
        return QSqlDatabase::database(ProbeConnection);
    QSqlDatabase db = QSqlDatabase::addDatabase(isPostgres() ? QStringLiteral("QPSQL") : QStringLiteral("QSQLITE"),
                                                ProbeConnection);
    db.setDatabaseName(isPostgres() ? m_config.name : m_config.sqlitePath);
    db.setHostName(m_config.host);
    db.setPort(m_config.port);
    db.setUserName(m_config.user);
    if (db.open() && isPostgres())
        QSqlQuery(db).exec(QStringLiteral("SET client_min_messages TO WARNING")); // no DROP SCHEMA notices
    return db;
}

QString TestStorage::probeExec(const QString &sql)
{
    QSqlQuery query(probe());
    return query.exec(sql) ? QString() : query.lastError().text();
}

QVariant TestStorage::queryValue(const QString &sql)
{
    QSqlQuery query(probe());
    if (!query.exec(sql) || !query.next())
        return QVariant();
    return query.value(0);
}

int main(int argc, char **argv)
{
    if (argc > 1 && qstrcmp(argv[1], "--append-and-kill") == 0) {
        QCoreApplication app(argc, argv);
        return TestStorage::appendAndKill();
    }
    QCoreApplication app(argc, argv);
    QStandardPaths::setTestModeEnabled(true);
    TestStorage test;
    return QTest::qExec(&test, argc, argv);
}
