// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "sqlstorage.h"

#include <QProcess>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Cohort;
using namespace Cohort::Server;

/// A server keeps working when its PostgreSQL restarts: the next read reconnects by itself, a
/// write that failed with the old link is reported (its caller retries with its idempotency
/// key) and the one after it succeeds. The suite runs its own PostgreSQL, because restarting
/// the shared fixture would break the storage suite running next to it.
class TestStorageReconnect : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY2(fixture(QStringLiteral("start")), "pg-fixture.sh start failed");
        QSettings ini(m_dir.filePath(QStringLiteral("pg/connection.ini")), QSettings::IniFormat);
        DatabaseConfig config;
        config.driver = QStringLiteral("postgresql");
        config.host = ini.value(QStringLiteral("postgresql/host")).toString();
        config.port = ini.value(QStringLiteral("postgresql/port")).toInt();
        config.name = ini.value(QStringLiteral("postgresql/name")).toString();
        config.user = ini.value(QStringLiteral("postgresql/user")).toString();
        m_storage = std::make_unique<SqlStorage>(config, QStringLiteral("reconnect-test"));
        const QString error = m_storage->open();
        QVERIFY2(error.isEmpty(), qPrintable(error));
    }

    void cleanupTestCase()
    {
        m_storage.reset();
        fixture(QStringLiteral("stop"));
    }

    void readsReconnectAfterARestart()
    {
        QVERIFY(m_storage->createUser(QStringLiteral("ana"), QStringLiteral("Ana"), Role::Student, "hash").ok());
        QVERIFY(fixture(QStringLiteral("restart")));

        const std::optional<UserRecord> ana = m_storage->userByName(QStringLiteral("ana"));
        QVERIFY(ana);
        QCOMPARE(ana->info.displayName, QStringLiteral("Ana"));
        QVERIFY(m_storage->createUser(QStringLiteral("ben"), QStringLiteral("Ben"), Role::Student, "hash").ok());
        QVERIFY(m_storage->userByName(QStringLiteral("ben")));
    }

    void aWriteOnTheLostLinkFailsAndTheNextSucceeds()
    {
        QVERIFY(fixture(QStringLiteral("restart")));
        // Not repeated blindly: a write on a breaking link may have committed.
        QVERIFY(!m_storage->createUser(QStringLiteral("cy"), QStringLiteral("Cy"), Role::Student, "hash").ok());
        QVERIFY(m_storage->createUser(QStringLiteral("cy"), QStringLiteral("Cy"), Role::Student, "hash").ok());
        QVERIFY(m_storage->userByName(QStringLiteral("cy")));
        QVERIFY(m_storage->ping());
    }

private:
    bool fixture(const QString &action)
    {
        QProcess process;
        process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        process.start(QStringLiteral("bash"), {QStringLiteral(COHORT_PG_FIXTURE), action, m_dir.filePath(QStringLiteral("pg"))});
        return process.waitForFinished(120000) && process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0;
    }

    QTemporaryDir m_dir;
    std::unique_ptr<SqlStorage> m_storage;
};

QTEST_GUILESS_MAIN(TestStorageReconnect)
#include "tst_storage_reconnect.moc"
