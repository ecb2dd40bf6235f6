// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "sqlconnection.h"

#include "storagelog.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlRecord>
#include <QThread>

namespace Cohort::Server {

namespace {

const QString SqlRoot = QStringLiteral(":/cohort/storage/sql/");
const QString Sqlite = QStringLiteral("sqlite");
const QString Postgres = QStringLiteral("postgresql");

QString readFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return QString();
    return QString::fromUtf8(file.readAll());
}

std::optional<SqlRows> collectRows(QSqlQuery &query)
{
    SqlRows result;
    result.affected = query.numRowsAffected();
    const QSqlRecord header = query.record();
    QStringList columns;
    for (int i = 0; i < header.count(); ++i)
        columns.append(header.fieldName(i));
    while (query.next()) {
        QVariantList values;
        values.reserve(columns.size());
        for (int i = 0; i < columns.size(); ++i)
            values.append(query.value(i));
        result.rows.append(SqlRow(columns, std::move(values)));
    }
    query.finish();
    return result;
}

} // namespace

QStringList splitSqlStatements(const QString &script)
{
    QStringList statements;
    QString current;
    const QStringList lines = script.split(QLatin1Char('\n'));
    for (const QString &line : lines) {
        const QString trimmed = line.trimmed();
        if (trimmed.isEmpty() || trimmed.startsWith(QLatin1String("--")))
            continue;
        const bool ends = trimmed.endsWith(QLatin1Char(';'));
        if (!current.isEmpty())
            current += QLatin1Char('\n');
        current += ends ? line.left(line.lastIndexOf(QLatin1Char(';'))) : line;
        if (ends) {
            statements.append(current.trimmed());
            current.clear();
        }
    }
    if (!current.trimmed().isEmpty())
        statements.append(current.trimmed());
    return statements;
}

SqlConnection::SqlConnection(QString name)
    : m_name(std::move(name))
{
}

SqlConnection::~SqlConnection()
{
    close();
}

QString SqlConnection::open(const DatabaseConfig &config)
{
    if (isOpen())
        return QString();
    if (QSqlDatabase::contains(m_name))
        return QStringLiteral("the database connection name '%1' is already in use").arg(m_name);
    if (config.driver != Sqlite && config.driver != Postgres)
        return QStringLiteral("unknown database driver '%1' (use sqlite or postgresql)").arg(config.driver);
    const QString error = config.driver == Sqlite ? openSqlite(config) : openPostgres(config);
    // Half set up is not open: a later attempt starts over instead of finding the name taken.
    if (!error.isEmpty())
        close();
    return error;
}

QString SqlConnection::openSqlite(const DatabaseConfig &config)
{
    const QString synchronous = config.sqliteSynchronous.toLower();
    if (synchronous != QLatin1String("normal") && synchronous != QLatin1String("full")
        && synchronous != QLatin1String("extra"))
        return QStringLiteral("SQLite synchronous must be normal, full or extra, not '%1'")
            .arg(config.sqliteSynchronous);
    if (config.sqlitePath.isEmpty())
        return QStringLiteral("no SQLite database file is configured");
    if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QSQLITE")))
        return QStringLiteral("Qt's SQLite driver (QSQLITE) is not installed");
    const QString folder = QFileInfo(config.sqlitePath).absolutePath();
    if (!QDir().mkpath(folder))
        return QStringLiteral("cannot create the database folder %1").arg(folder);

    m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_name);
    m_db.setDatabaseName(config.sqlitePath);
    if (!m_db.open())
        return fail(QStringLiteral("opening %1").arg(config.sqlitePath), m_db.lastError().text());
    m_backend = Sqlite;
    // secure_delete: a school's admin deletes messages, sessions and files for privacy, so their
    // bytes must not stay readable in the file. ON, not FAST: FAST zeroes deleted content only
    // where that costs no extra write and leaves whole freed pages (a long message's or a
    // document's overflow pages) untouched on the freelist. Old page versions in the WAL are
    // gone once the checkpointer has copied them and the WAL restarts.
    for (const QString &pragma : {QStringLiteral("foreign_keys"), QStringLiteral("busy_timeout"),
                                  QStringLiteral("secure_delete"), QStringLiteral("synchronous_") + synchronous}) {
        if (!execDirect(pragma))
            return m_lastError;
    }
    // Switching a new file to WAL takes an exclusive lock, and SQLite does not wait on the busy
    // handler for it: two servers (or migrating nodes) opening one new file at once see
    // "database is locked". The switch is quick, so a short retry settles it.
    std::optional<SqlRows> mode;
    for (int attempt = 0; attempt < 100; ++attempt) {
        mode = execDirect(QStringLiteral("journal_mode"));
        if (mode || !m_lastError.contains(QLatin1String("locked")))
            break;
        QThread::msleep(20);
    }
    if (!mode)
        return m_lastError;
    // Some file systems (network shares) cannot do WAL; SQLite then keeps its rollback journal,
    // which is still durable but lets readers block the writer.
    if (mode->isEmpty() || mode->first().value(0).toString().toLower() != QLatin1String("wal"))
        qCWarning(lcStorage) << "SQLite could not switch" << config.sqlitePath << "to WAL mode";
    return QString();
}

QString SqlConnection::openPostgres(const DatabaseConfig &config)
{
    if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QPSQL")))
        return QStringLiteral("Qt's PostgreSQL driver (QPSQL) is not installed");
    m_db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), m_name);
    m_db.setHostName(config.host);
    m_db.setPort(config.port);
    m_db.setDatabaseName(config.name);
    m_db.setUserName(config.user);
    m_db.setPassword(config.password);
    m_db.setConnectOptions(QStringLiteral("connect_timeout=10;application_name=cohort-server"));
    if (!m_db.open())
        return fail(QStringLiteral("connecting to PostgreSQL database %1").arg(config.name),
                    m_db.lastError().text());
    m_backend = Postgres;
    return setUpPostgres();
}

QString SqlConnection::setUpPostgres()
{
    for (const QString &setting : {QStringLiteral("quiet_notices"), QStringLiteral("synchronous_commit")}) {
        if (!execDirect(setting))
            return m_lastError;
    }
    return QString();
}

bool SqlConnection::reconnectIfLost()
{
    if (m_backend != Postgres || m_inTransaction)
        return false;
    if (QSqlQuery probe(m_db); m_db.isOpen() && probe.exec(QStringLiteral("SELECT 1")))
        return false; // the link is fine: the statement itself failed
    qCWarning(lcStorage) << "database" << m_name << "lost its PostgreSQL connection; reconnecting";
    m_prepared.clear();
    m_db.close();
    if (!m_db.open()) {
        fail(QStringLiteral("reconnecting to PostgreSQL"), m_db.lastError().text());
        return false;
    }
    if (!setUpPostgres().isEmpty())
        return false;
    qCInfo(lcStorage) << "database" << m_name << "reconnected to PostgreSQL";
    return true;
}

bool SqlConnection::safeToRepeat(const QString &text)
{
    const QString start = text.trimmed().left(6).toLower();
    return start == QLatin1String("select") || start == QLatin1String("begin");
}

void SqlConnection::close()
{
    m_prepared.clear();
    const bool added = m_db.isValid();
    m_db = QSqlDatabase();
    m_backend.clear();
    // Only a connection this object added is removed: the name may belong to someone else.
    if (added)
        QSqlDatabase::removeDatabase(m_name);
}

bool SqlConnection::isOpen() const
{
    return m_db.isOpen();
}

std::optional<SqlRows> SqlConnection::exec(const QString &query, const QVariantMap &bindings)
{
    return exec(query, bindings, true);
}

std::optional<SqlRows> SqlConnection::exec(const QString &query, const QVariantMap &bindings, bool mayReconnect)
{
    if (!isOpen() && !(mayReconnect && reconnectIfLost())) {
        fail(query, QStringLiteral("the database is not open"));
        return std::nullopt;
    }
    auto it = m_prepared.find(query);
    if (it == m_prepared.end()) {
        const QString text = queryText(query);
        if (text.isEmpty()) {
            fail(query, QStringLiteral("no such query for %1").arg(m_backend));
            return std::nullopt;
        }
        QSqlQuery prepared(m_db);
        prepared.setForwardOnly(true);
        if (!prepared.prepare(text)) {
            fail(query, prepared.lastError().text());
            // Preparing runs nothing, so after a reconnect any statement may try again.
            if (mayReconnect && reconnectIfLost())
                return exec(query, bindings, false);
            return std::nullopt;
        }
        it = m_prepared.emplace(query, std::move(prepared)).first;
    }
    QSqlQuery &statement = it->second;
    for (auto binding = bindings.cbegin(); binding != bindings.cend(); ++binding)
        statement.bindValue(QLatin1Char(':') + binding.key(), binding.value());
    if (!statement.exec()) {
        const QString error = statement.lastError().text();
        const bool repeat = safeToRepeat(statement.lastQuery());
        statement.finish();
        fail(query, error);
        if (mayReconnect && reconnectIfLost() && repeat)
            return exec(query, bindings, false);
        return std::nullopt;
    }
    return collectRows(statement);
}

std::optional<SqlRows> SqlConnection::execDirect(const QString &query)
{
    return execDirect(query, true);
}

std::optional<SqlRows> SqlConnection::execDirect(const QString &query, bool mayReconnect)
{
    if (!isOpen() && !(mayReconnect && reconnectIfLost())) {
        fail(query, QStringLiteral("the database is not open"));
        return std::nullopt;
    }
    const QString text = queryText(query);
    if (text.isEmpty()) {
        fail(query, QStringLiteral("no such query for %1").arg(m_backend));
        return std::nullopt;
    }
    QSqlQuery statement(m_db);
    statement.setForwardOnly(true);
    if (!statement.exec(text)) {
        fail(query, statement.lastError().text());
        if (mayReconnect && reconnectIfLost() && safeToRepeat(text))
            return execDirect(query, false);
        return std::nullopt;
    }
    return collectRows(statement);
}

std::optional<SqlRows> SqlConnection::execControl(const QString &query)
{
    return m_backend == Sqlite ? exec(query, {}, true) : execDirect(query, true);
}

QString SqlConnection::execScript(const QString &script)
{
    const QStringList statements = splitSqlStatements(script);
    for (const QString &text : statements) {
        QSqlQuery statement(m_db);
        if (!statement.exec(text))
            return fail(text.section(QLatin1Char('\n'), 0, 0), statement.lastError().text());
    }
    return QString();
}

void SqlConnection::clearPrepared()
{
    m_prepared.clear();
}

QString SqlConnection::queryText(const QString &query)
{
    const auto cached = m_texts.constFind(query);
    if (cached != m_texts.cend())
        return *cached;
    QString text = readFile(SqlRoot + m_backend + QStringLiteral("/queries/") + query + QStringLiteral(".sql"));
    if (text.isEmpty())
        text = readFile(SqlRoot + QStringLiteral("common/queries/") + query + QStringLiteral(".sql"));
    text = splitSqlStatements(text).join(QLatin1Char('\n'));
    if (!text.isEmpty())
        m_texts.insert(query, text);
    return text;
}

QString SqlConnection::migrationsDirectory(const QString &backend)
{
    return SqlRoot + backend + QStringLiteral("/migrations");
}

QString SqlConnection::fail(const QString &what, const QString &error)
{
    m_lastError = QStringLiteral("%1: %2").arg(what, error);
    qCWarning(lcStorage).noquote() << "database" << m_name << m_lastError;
    return m_lastError;
}

SqlTransaction::SqlTransaction(SqlConnection &connection)
    : m_connection(connection)
    , m_active(connection.execControl(QStringLiteral("begin")).has_value())
{
    m_connection.m_inTransaction = m_active;
}

SqlTransaction::~SqlTransaction()
{
    if (m_active)
        m_connection.execControl(QStringLiteral("rollback"));
    m_connection.m_inTransaction = false;
}

QString SqlTransaction::commit()
{
    if (!m_active)
        return m_connection.lastError();
    // A failed COMMIT leaves m_active set, so the destructor rolls back what SQLite kept open.
    if (!m_connection.execControl(QStringLiteral("commit")))
        return m_connection.lastError();
    m_active = false;
    m_connection.m_inTransaction = false;
    return QString();
}

} // namespace Cohort::Server
