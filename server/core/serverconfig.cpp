// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "serverconfig.h"

#include <QDir>
#include <QFileInfo>
#include <QSettings>
#include <QStandardPaths>

namespace Cohort::Server {

namespace {

constexpr qint64 DayMs = 24LL * 3600 * 1000;

/// Reads one INI key with type checking; a key that is present but not valid is an error, so a
/// typo in the file does not silently fall back to a default.
class Reader
{
public:
    explicit Reader(QSettings &settings) : m_settings(settings) {}

    QString error() const { return m_error; }

    void text(const char *key, QString *out)
    {
        const QString name = QLatin1String(key);
        if (m_settings.contains(name))
            *out = raw(name);
    }

    template<typename T>
    void integer(const char *key, T *out, qint64 min, qint64 max)
    {
        const QString name = QLatin1String(key);
        if (!m_settings.contains(name))
            return;
        bool ok = false;
        const qint64 value = raw(name).toLongLong(&ok);
        if (!ok || value < min || value > max) {
            fail(QStringLiteral("%1 must be an integer from %2 to %3").arg(name).arg(min).arg(max));
            return;
        }
        *out = static_cast<T>(value);
    }

    void boolean(const char *key, bool *out)
    {
        const QString name = QLatin1String(key);
        if (!m_settings.contains(name))
            return;
        const QString value = raw(name).toLower();
        if (value == QLatin1String("true") || value == QLatin1String("yes") || value == QLatin1String("1"))
            *out = true;
        else if (value == QLatin1String("false") || value == QLatin1String("no") || value == QLatin1String("0"))
            *out = false;
        else
            fail(QStringLiteral("%1 must be true or false").arg(name));
    }

    void address(const char *key, QHostAddress *out)
    {
        QString value;
        text(key, &value);
        if (value.isEmpty())
            return;
        QHostAddress parsed;
        if (!parseListenAddress(value, &parsed)) {
            fail(QStringLiteral("%1: '%2' is not an IP address").arg(QLatin1String(key), value));
            return;
        }
        *out = parsed;
    }

private:
    /// QSettings splits unquoted values at commas; a name like "Physics, Year 1" is one value.
    QString raw(const QString &name) const
    {
        const QVariant value = m_settings.value(name);
        if (value.typeId() == QMetaType::QStringList)
            return value.toStringList().join(QStringLiteral(", ")).trimmed();
        return value.toString().trimmed();
    }

    void fail(const QString &message)
    {
        if (m_error.isEmpty())
            m_error = message;
    }

    QSettings &m_settings;
    QString m_error;
};

} // namespace

bool parseListenAddress(const QString &text, QHostAddress *address)
{
    if (text == QLatin1String("localhost")) {
        *address = QHostAddress::LocalHost;
        return true;
    }
    if (text == QLatin1String("*") || text == QLatin1String("any")) {
        *address = QHostAddress::Any;
        return true;
    }
    return address->setAddress(text);
}

QString ServerConfig::loadFile(const QString &path)
{
    if (!QFileInfo::exists(path))
        return QStringLiteral("configuration file %1 does not exist").arg(path);
    QSettings settings(path, QSettings::IniFormat);
    if (settings.status() != QSettings::NoError)
        return QStringLiteral("configuration file %1 could not be read").arg(path);

    Reader r(settings);
    r.address("server/listen", &listenAddress);
    r.integer("server/port", &port, 0, 65535);
    r.text("server/data_dir", &dataDir);
    r.text("server/name", &serverName);

    r.text("tls/certificate", &tlsCertificate);
    r.text("tls/private_key", &tlsPrivateKey);

    r.text("database/driver", &database.driver);
    r.text("database/sqlite_path", &database.sqlitePath);
    r.text("database/sqlite_synchronous", &database.sqliteSynchronous);
    r.text("database/host", &database.host);
    r.integer("database/port", &database.port, 1, 65535);
    r.text("database/name", &database.name);
    r.text("database/user", &database.user);

    r.boolean("http/enabled", &httpEnabled);
    r.address("http/address", &httpAddress);
    r.integer("http/port", &httpPort, 0, 65535);

    r.boolean("accounts/allow_signup", &allowSignUp);
    int lifetimeDays = static_cast<int>(tokenLifetimeMs / DayMs);
    r.integer("accounts/token_lifetime_days", &lifetimeDays, 1, 3650);
    tokenLifetimeMs = lifetimeDays * DayMs;
    r.integer("accounts/session_check_seconds", &sessionCheckSeconds, 1, 3600);
    r.integer("accounts/argon2_ops_limit", &argon2OpsLimit, 0, 1000);
    r.integer("accounts/argon2_mem_limit", &argon2MemLimit, 0, 4LL * 1024 * 1024 * 1024);
    r.integer("accounts/hash_threads", &hashThreads, 0, 256);

    r.integer("limits/max_frame_bytes", &maxFrameBytes, 1024, 16 * 1024 * 1024);
    r.integer("limits/max_connections", &maxConnections, 1, 1000000);
    r.integer("limits/max_connections_per_address", &maxConnectionsPerAddress, 1, 1000000);
    r.integer("limits/max_pending_bytes", &maxPendingBytesPerConnection, 64 * 1024, 1024LL * 1024 * 1024);
    r.integer("limits/requests_per_second", &requestsPerSecond, 1, 100000);
    r.integer("limits/request_burst", &requestBurst, 1, 100000);
    r.integer("limits/heartbeat_seconds", &heartbeatSeconds, 1, 3600);
    r.integer("limits/handshake_timeout_seconds", &handshakeTimeoutSeconds, 1, 3600);
    r.integer("limits/resume_window", &resumeWindow, 1, 1000000);

    r.integer("chat/messages_per_minute", &messagesPerMinute, 1, 100000);
    r.text("chat/dm_policy", &dmPolicy);
    r.integer("chat/max_attachment_bytes", &maxAttachmentBytes, 1, 1024LL * 1024 * 1024);
    r.integer("chat/attachment_quota_bytes", &attachmentQuotaBytes, 1, 1LL << 50);
    r.integer("chat/upload_expiry_seconds", &uploadExpirySeconds, 1, 24 * 3600);
    r.integer("chat/unsent_attachment_seconds", &unsentAttachmentSeconds, 1, 30 * 24 * 3600);

    r.integer("code/max_versions_per_session", &maxCodeVersionsPerSession, 1, 100000);
    r.integer("code/max_sessions_per_owner", &maxCodeSessionsPerOwner, 1, 100000);
    r.integer("code/max_stored_sessions_per_owner", &maxCodeStoredSessionsPerOwner, 1, 1000000);
    r.integer("code/max_join_requests", &maxCodeJoinRequests, 1, 100000);
    r.integer("code/join_retry_seconds", &codeJoinRetrySeconds, 0, 24 * 3600);

    r.text("log/level", &logLevel);
    return r.error();
}

QString ServerConfig::finalize()
{
    if (database.driver != QLatin1String("sqlite") && database.driver != QLatin1String("postgresql"))
        return QStringLiteral("database driver must be sqlite or postgresql, not '%1'").arg(database.driver);
    if (database.sqliteSynchronous != QLatin1String("normal") && database.sqliteSynchronous != QLatin1String("full"))
        return QStringLiteral("sqlite_synchronous must be normal or full");
    if (logLevel != QLatin1String("debug") && logLevel != QLatin1String("info") && logLevel != QLatin1String("warning"))
        return QStringLiteral("log level must be debug, info or warning, not '%1'").arg(logLevel);
    if (tlsCertificate.isEmpty() != tlsPrivateKey.isEmpty())
        return QStringLiteral("TLS needs both a certificate and a private key");
    if (dmPolicy != QLatin1String("anyone") && dmPolicy != QLatin1String("staff"))
        return QStringLiteral("chat dm_policy must be anyone or staff, not '%1'").arg(dmPolicy);
    if (requestBurst < 1 || requestsPerSecond < 1)
        return QStringLiteral("request rate and burst must be at least 1");

    if (dataDir.isEmpty())
        dataDir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    if (dataDir.isEmpty())
        return QStringLiteral("no data directory: pass --data-dir");
    dataDir = QDir::cleanPath(QDir(dataDir).absolutePath());
    if (!QDir().mkpath(dataDir))
        return QStringLiteral("cannot create the data directory %1").arg(dataDir);
    if (database.driver == QLatin1String("sqlite") && database.sqlitePath.isEmpty())
        database.sqlitePath = QDir(dataDir).filePath(QStringLiteral("cohort.sqlite"));
    return QString();
}

} // namespace Cohort::Server
