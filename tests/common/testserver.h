// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

// Starts an in-process CohortServer on a free port with a throwaway data dir, with cheap
// password hashing so tests that create accounts stay fast. Header-only; link Cohort::Server.

#include "authservice.h"
#include "cohortserver.h"

#include <QTemporaryDir>
#include <QTest>

#include <memory>

namespace Cohort::Test {

class TestServer
{
public:
    /// A configuration for tests: loopback, ports 0, libsodium's minimum Argon2id cost, no
    /// practical message rate limit.
    static Server::ServerConfig testConfig()
    {
        Server::ServerConfig config;
        config.listenAddress = QHostAddress::LocalHost;
        config.port = 0;
        config.httpPort = 0;
        config.argon2OpsLimit = 1;
        config.argon2MemLimit = 8192;
        config.hashThreads = 1;
        // Suites that send thousands of messages are not testing the chat rate limit; the one
        // that does sets its own.
        config.messagesPerMinute = 100000;
        return config;
    }

    /// Starts the server; returns an error message or empty.
    QString start(Server::ServerConfig config = testConfig())
    {
        if (!m_dir.isValid())
            return QStringLiteral("no temporary directory");
        if (config.dataDir.isEmpty())
            config.dataDir = m_dir.path();
        m_server = std::make_unique<Server::CohortServer>(config);
        return m_server->start();
    }

    Server::CohortServer &server() { return *m_server; }
    QUrl url() const { return m_server->url(); }
    QString dataDir() const { return m_dir.path(); }

    /// Creates an account directly; returns its id (invalid on failure).
    UserId addUser(const QString &username, Role role, const QString &password = QStringLiteral("password-123"))
    {
        const Server::AuthOutcome outcome =
            m_server->auth().createAccount(username, username.toUpper(), role, password);
        if (!outcome.ok())
            qWarning() << "createAccount" << username << "failed:" << outcome.message;
        return outcome.ok() ? outcome.user.info.id : UserId();
    }

    /// Stops the server and waits until every client was closed.
    bool stop(int timeoutMs = 10000)
    {
        bool stopped = false;
        QObject context;
        QObject::connect(m_server.get(), &Server::CohortServer::stopped, &context, [&stopped] { stopped = true; });
        m_server->stop();
        return QTest::qWaitFor([&stopped] { return stopped; }, timeoutMs);
    }

private:
    QTemporaryDir m_dir;
    std::unique_ptr<Server::CohortServer> m_server;
};

} // namespace Cohort::Test
