// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "storage.h"

#include <QHostAddress>
#include <QString>

namespace Cohort::Server {

/// Everything an admin can set, from cohort-server.ini and command-line flags (flags win).
/// packaging/cohort-server.ini documents every key.
struct ServerConfig
{
    QHostAddress listenAddress = QHostAddress::Any;
    quint16 port = 8740;           // 0 picks a free port (tests)
    QString dataDir;               // SQLite file, setup token, attachments/
    DatabaseConfig database;       // sqlitePath defaults to <dataDir>/cohort.sqlite
    QString tlsCertificate;        // PEM; both set: wss://
    QString tlsPrivateKey;
    QString serverName = QStringLiteral("Cohort");

    bool httpEnabled = true;       // /healthz and /metrics
    QHostAddress httpAddress = QHostAddress::LocalHost;
    quint16 httpPort = 8741;       // 0 picks a free port

    bool allowSignUp = true;       // students may create accounts with a course join code
    qint64 tokenLifetimeMs = 30LL * 24 * 3600 * 1000;
    /// How often each signed-in connection's session row is looked up again, so that sessions
    /// deleted by another process (the admin CLI) end live connections; expiry is checked on
    /// every sweep without the database.
    int sessionCheckSeconds = 60;

    int maxFrameBytes = 64 * 1024;
    int maxConnections = 20000;
    int maxConnectionsPerAddress = 1000; // a school behind one NAT address shares this
    qint64 maxPendingBytesPerConnection = 4 * 1024 * 1024; // slow consumers beyond this are cut off
    int requestsPerSecond = 30;
    int requestBurst = 60;
    int heartbeatSeconds = 20;
    int handshakeTimeoutSeconds = 10;
    int resumeWindow = 1000;       // events replayed on room.join before answering reset:true

    int messagesPerMinute = 60;    // per user, over all their connections and rooms
    qint64 maxAttachmentBytes = 10 * 1024 * 1024; // per file, uploaded over the WebSocket
    /// Per user: the files they uploaded (each counted once) plus their open uploads.
    qint64 attachmentQuotaBytes = 1024LL * 1024 * 1024;
    int uploadExpirySeconds = 15 * 60; // an upload without a chunk for this long is dropped
    /// A finished upload that no message in its room carries after this long is deleted.
    int unsentAttachmentSeconds = 24 * 3600;
    /// Who students may open direct rooms with: "anyone" or "staff" (instructors and admins).
    /// The server setting chat.dm_policy, set with `cohort-server settings set`, overrides it.
    QString dmPolicy = QStringLiteral("anyone");

    int maxCodeVersionsPerSession = 100; // named versions a code session keeps
    int maxCodeSessionsPerOwner = 50;    // code sessions one user owns that are not locked
    int maxCodeStoredSessionsPerOwner = 200; // code sessions one user owns, archived and locked ones too
    int maxCodeJoinRequests = 50;        // join requests one session's hosts have waiting
    int codeJoinRetrySeconds = 30;       // after a host declined, before that user may ask again

    quint64 argon2OpsLimit = 0;    // 0: DefaultArgon2OpsLimit (t=3), see authservice.h
    quint64 argon2MemLimit = 0;    // 0: DefaultArgon2MemLimit (64 MiB)
    int hashThreads = 0;           // 0: cores - 1, at least 1

    QString logLevel = QStringLiteral("info"); // debug, info, warning

    /// Reads an INI file over the defaults; returns an error message or empty.
    QString loadFile(const QString &path);
    /// Fills derived defaults (SQLite path inside dataDir); returns an error message or empty.
    QString finalize();
};

/// Parses an address for `listen`: an IP address, "localhost", or "*" / "any" for every interface.
bool parseListenAddress(const QString &text, QHostAddress *address);

} // namespace Cohort::Server
