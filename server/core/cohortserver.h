// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "serverconfig.h"

#include <QObject>
#include <QUrl>

#include <memory>

class QSslConfiguration;
class QWebSocket;

namespace Cohort {
class Transport;
}

namespace Cohort::Server {

class AuthService;
class Metrics;
class Storage;

/// The whole server: storage, accounts, rooms, the WebSocket listener and the HTTP endpoint.
/// `cohort-server` runs one; the desktop app runs one in-process to host a class; tests start
/// one on port 0.
class CohortServer : public QObject
{
    Q_OBJECT
public:
    explicit CohortServer(const ServerConfig &config, QObject *parent = nullptr);
    ~CohortServer() override;

    /// Opens the database (running migrations) and starts listening. Returns an error or empty.
    QString start();
    /// Stops accepting, lets in-flight writes finish, closes clients with 1001 "going away";
    /// emits `stopped` when done.
    void stop();

    bool isListening() const;
    quint16 port() const;      // the actual port, also when configured as 0
    quint16 httpPort() const;  // 0 when the HTTP endpoint is off
    QUrl url() const;          // ws://address:port/ or wss://...
    const ServerConfig &config() const;

    Storage &storage();
    AuthService &auth();

    /// Serves a connection that is not a socket, e.g. an InMemoryTransport from the app that
    /// hosts this server; the server takes ownership.
    void acceptTransport(Cohort::Transport *transport);
    const Metrics &metrics() const;
    qsizetype connectionCount() const;

    /// The one-time setup token printed at first start, or empty when an admin exists.
    QString setupToken() const;

Q_SIGNALS:
    void stopped();

private:
    QString listenPlain();
    QString listenTls(const QSslConfiguration &tls);
    void acceptSocket(QWebSocket *socket);
    QString abandonStart(const QString &problem);

    class Private;
    std::unique_ptr<Private> d;
};

} // namespace Cohort::Server
