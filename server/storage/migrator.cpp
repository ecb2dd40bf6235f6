// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "migrator.h"

#include "sqlconnection.h"
#include "storagelog.h"

#include <QDateTime>
#include <QDir>
#include <QFile>

namespace Cohort::Server {

Migrator::Migrator(SqlConnection &connection, const QString &directory)
    : m_connection(connection)
{
    const QDir dir(directory);
    const QStringList files = dir.entryList({QStringLiteral("*.sql")}, QDir::Files, QDir::Name);
    for (const QString &file : files) {
        bool ok = false;
        const int version = file.section(QLatin1Char('_'), 0, 0).toInt(&ok);
        // Numbered 1, 2, 3... without gaps: a gap would mean a step is missing from this build.
        if (!ok || version != m_steps.size() + 1) {
            m_error = QStringLiteral("migration %1 in %2 is out of sequence").arg(file, directory);
            m_steps.clear();
            return;
        }
        m_steps.append({version, dir.filePath(file)});
    }
    if (m_steps.isEmpty())
        m_error = QStringLiteral("no migrations in %1").arg(directory);
}

int Migrator::latestVersion() const
{
    return m_steps.isEmpty() ? 0 : m_steps.last().version;
}

int Migrator::currentVersion()
{
    // Under the migration lock: PostgreSQL's CREATE TABLE IF NOT EXISTS is not safe against a
    // concurrent one.
    {
        SqlTransaction transaction(m_connection);
        if (!transaction.isActive() || !m_connection.exec(QStringLiteral("lock_migrations"))
            || !m_connection.execDirect(QStringLiteral("create_schema_migrations"))
            || !transaction.commit().isEmpty())
            return -1;
    }
    const std::optional<SqlRows> rows = m_connection.exec(QStringLiteral("schema_version"));
    if (!rows || rows->isEmpty())
        return -1;
    return rows->first().value(0).toInt();
}

QString Migrator::migrate(int target)
{
    if (!m_error.isEmpty())
        return m_error;
    if (target < 0)
        target = latestVersion();
    const int current = currentVersion();
    if (current < 0)
        return m_connection.lastError();
    if (current > latestVersion())
        return QStringLiteral("the database is at schema version %1, newer than this build knows "
                              "(%2): use a newer cohort-server").arg(current).arg(latestVersion());
    for (const Step &step : std::as_const(m_steps)) {
        if (step.version <= current || step.version > target)
            continue;
        const QString error = runStep(step);
        // Statements prepared against the old tables must not be reused against the new ones.
        // Only now, after the step's transaction ended: PostgreSQL cannot deallocate a
        // statement inside a failed transaction.
        m_connection.clearPrepared();
        if (!error.isEmpty())
            return error;
    }
    return QString();
}

QString Migrator::runStep(const Step &step)
{
    QFile file(step.path);
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("cannot read migration %1").arg(step.path);
    const QString script = QString::fromUtf8(file.readAll());

    SqlTransaction transaction(m_connection);
    if (!transaction.isActive())
        return m_connection.lastError();
    // Several server nodes may start at once: the one that holds the lock runs the step, the
    // others then find it recorded and go on.
    if (!m_connection.exec(QStringLiteral("lock_migrations")))
        return m_connection.lastError();
    const std::optional<SqlRows> version = m_connection.exec(QStringLiteral("schema_version"));
    if (!version || version->isEmpty())
        return m_connection.lastError();
    if (version->first().value(0).toInt() >= step.version)
        return QString();

    qCInfo(lcStorage) << "migrating database" << m_connection.name() << "to schema version" << step.version;
    QString error = m_connection.execScript(script);
    if (error.isEmpty()
        && !m_connection.exec(QStringLiteral("insert_schema_migration"),
                              {{QStringLiteral("version"), step.version},
                               {QStringLiteral("applied_at"), QDateTime::currentMSecsSinceEpoch()}}))
        error = m_connection.lastError();
    if (error.isEmpty())
        error = transaction.commit();
    if (!error.isEmpty())
        return QStringLiteral("migration %1 failed: %2").arg(step.version).arg(error);
    return QString();
}

} // namespace Cohort::Server
