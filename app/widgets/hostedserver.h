// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "model.h"

#include <QObject>
#include <QUrl>

#include <memory>

namespace Cohort::Server {
class CohortServer;
}

namespace Cohort::Ui {

/// What "Host a class on this computer" needs to know.
struct HostOptions
{
    QString courseName;
    QString displayName;
    QString username;
    QString dataDir;              // the hosted server's own database lives here
    quint16 preferredPort = 8740; // the first free port from here on is used; 0: any free port
    quint64 argon2OpsLimit = 0;   // 0: libsodium's interactive defaults (tests make it cheap)
    quint64 argon2MemLimit = 0;
};

/// The built-in server for a class on the LAN: the same server library as cohort-server,
/// running in this process. It makes sure the instructor account and the course exist
/// (reusing them on the next start) and issues a token, so the host signs in without a
/// password over an ordinary connection.
class HostedServer : public QObject
{
    Q_OBJECT
public:
    explicit HostedServer(QObject *parent = nullptr);
    ~HostedServer() override;

    static QString defaultDataDir();

    /// Starts listening on all interfaces. Returns an error message, or empty on success.
    QString start(const HostOptions &options);
    /// Closes client connections gracefully; emits stopped() when done.
    void stop();
    bool isRunning() const;

    quint16 port() const;
    /// The address this computer uses to connect to itself.
    QUrl localUrl() const;
    /// The addresses students on the LAN enter: one per IPv4 address of this computer.
    QStringList lanAddresses() const;
    QString token() const { return m_token; }
    CourseInfo course() const { return m_course; }

Q_SIGNALS:
    void stopped();

private:
    QString prepareAccountAndCourse(const HostOptions &options);

    std::unique_ptr<Server::CohortServer> m_server;
    QString m_token;
    CourseInfo m_course;
    UserInfo m_instructor;
};

/// The first free TCP port on all interfaces from `first` on, or 0 if none of the next 20 is.
quint16 firstFreePort(quint16 first);

} // namespace Cohort::Ui
