// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include <QList>
#include <QString>

namespace Cohort::Server {

class SqlConnection;

/// Brings a database to a schema version with the numbered scripts of a folder
/// (`0001_initial.sql`, `0002_...`). Each step runs in its own transaction together with its row
/// in schema_migrations, so a failure keeps the steps before it, a re-run continues from there,
/// and no step ever runs twice.
class Migrator
{
public:
    Migrator(SqlConnection &connection, const QString &directory);

    /// The highest version in the folder, or 0 if the folder is unusable (see error()).
    int latestVersion() const;
    /// What is wrong with the folder (a gap in the numbering, an unreadable file), or empty.
    QString error() const { return m_error; }
    /// The version the database is at: 0 for an empty one, -1 if it cannot be read.
    int currentVersion();
    /// Runs the steps after the current version up to `target` (all with -1); returns an error
    /// or empty.
    QString migrate(int target = -1);

private:
    struct Step
    {
        int version = 0;
        QString path;
    };

    QString runStep(const Step &step);

    SqlConnection &m_connection;
    QList<Step> m_steps;
    QString m_error;
};

} // namespace Cohort::Server
