// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "storage.h"

#include <QHash>
#include <QList>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>
#include <QStringList>
#include <QVariantList>
#include <QVariantMap>

#include <map>
#include <optional>

namespace Cohort::Server {

/// One row of a finished statement. Its values are copied out of the driver by column index;
/// looking a column up by name compares against the statement's few column names, which costs
/// far less than a QSqlRecord per row (resuming a room reads hundreds of rows).
class SqlRow
{
public:
    SqlRow(QStringList columns, QVariantList values)
        : m_columns(std::move(columns))
        , m_values(std::move(values))
    {
    }

    QVariant value(int index) const { return m_values.value(index); }
    QVariant value(const char *column) const { return m_values.value(m_columns.indexOf(QLatin1String(column))); }

private:
    QStringList m_columns; // implicitly shared by all rows of a statement
    QVariantList m_values;
};

/// The rows of a finished statement. Reading them all at once ends the statement, so no open
/// cursor keeps SQLite's read snapshot or a PostgreSQL portal alive between calls.
struct SqlRows
{
    QList<SqlRow> rows;
    int affected = 0; // rows an INSERT, UPDATE or DELETE changed

    bool isEmpty() const { return rows.isEmpty(); }
    const SqlRow &first() const { return rows.first(); }
};

/// One named QSqlDatabase connection and the SQL of its backend, read from the resource files
/// under :/cohort/storage/sql (see sql/README.md). Statements are prepared once and reused.
/// A failed statement is logged here, once; callers pass lastError() on as a value.
class SqlConnection
{
public:
    explicit SqlConnection(QString name);
    ~SqlConnection();
    SqlConnection(const SqlConnection &) = delete;
    SqlConnection &operator=(const SqlConnection &) = delete;

    /// Opens the database of `config` and sets up the connection; returns an error or empty.
    QString open(const DatabaseConfig &config);
    void close();
    bool isOpen() const;
    QString name() const { return m_name; }
    /// "sqlite" or "postgresql", the folder of the backend's SQL; empty before open().
    QString backend() const { return m_backend; }

    /// Runs the named query with `bindings` for its :placeholders; nullopt on failure.
    std::optional<SqlRows> exec(const QString &query, const QVariantMap &bindings = {});
    /// Runs the statements of a script (see sql/README.md) unprepared; returns an error or empty.
    QString execScript(const QString &script);
    /// Runs the named query unprepared, for statements that run once or cannot be prepared
    /// (PostgreSQL cannot prepare transaction control); nullopt on failure.
    std::optional<SqlRows> execDirect(const QString &query);
    QString lastError() const { return m_lastError; }
    /// Forgets the prepared statements, e.g. after a migration changed the tables they use.
    void clearPrepared();

    /// The text of a query: the backend's own file if it has one, else the common one.
    QString queryText(const QString &query);
    /// The resource folder of a backend's numbered migrations.
    static QString migrationsDirectory(const QString &backend);

private:
    friend class SqlTransaction;

    QString openSqlite(const DatabaseConfig &config);
    QString openPostgres(const DatabaseConfig &config);
    QString setUpPostgres();
    std::optional<SqlRows> exec(const QString &query, const QVariantMap &bindings, bool mayReconnect);
    std::optional<SqlRows> execDirect(const QString &query, bool mayReconnect);
    /// Runs BEGIN, COMMIT or ROLLBACK: on SQLite prepared once and reused, as every write runs
    /// two of them; PostgreSQL cannot prepare transaction control.
    std::optional<SqlRows> execControl(const QString &query);
    QString fail(const QString &what, const QString &error);
    /// After a failed statement outside a transaction: whether the PostgreSQL connection was
    /// lost (a restart of the database, a dropped TCP link) and has been opened again.
    bool reconnectIfLost();
    /// Whether `text` may simply run again after a reconnect: a read, or BEGIN. A write that
    /// failed with the link may have committed, so it fails and its caller's retry decides.
    static bool safeToRepeat(const QString &text);

    QString m_name;
    QString m_backend;
    QString m_lastError;
    QSqlDatabase m_db;
    bool m_inTransaction = false;
    QHash<QString, QString> m_texts;
    std::map<QString, QSqlQuery> m_prepared; // QSqlQuery is move-only
};

/// Runs a scope as one transaction: rolls back on leaving the scope unless commit() succeeded.
class SqlTransaction
{
public:
    explicit SqlTransaction(SqlConnection &connection);
    ~SqlTransaction();
    SqlTransaction(const SqlTransaction &) = delete;
    SqlTransaction &operator=(const SqlTransaction &) = delete;

    /// Whether BEGIN succeeded; if not, the connection's lastError() says why.
    bool isActive() const { return m_active; }
    /// Commits; returns an error or empty. The data is durable once this returns empty.
    QString commit();

private:
    SqlConnection &m_connection;
    bool m_active = false;
};

/// Splits a script into statements: each ends with ';' at the end of a line, '--' lines are
/// comments. Shared by queries and migrations so both read the files the same way.
QStringList splitSqlStatements(const QString &script);

} // namespace Cohort::Server
