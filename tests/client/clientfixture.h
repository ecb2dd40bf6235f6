// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

// Shared by the client integration suites: a real in-process CohortServer that can be stopped
// and restarted on the same port and data dir, Connections with fast test timings, and a
// transport factory whose "network" can be cut or frozen while the server keeps running.

#include "authservice.h"
#include "cohortserver.h"
#include "connection.h"
#include "outbox.h"
#include "storage.h"
#include "testserver.h"
#include "transport.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

namespace Cohort::Test {

/// A transport that forwards to a real one until frozen: then it swallows everything in both
/// directions, like a network path that silently died, without any close.
class FreezableTransport final : public Transport
{
    Q_OBJECT
public:
    FreezableTransport(Transport *inner, QObject *parent)
        : Transport(parent)
        , m_inner(inner)
    {
        m_inner->setParent(this);
        connect(m_inner, &Transport::textReceived, this, [this](const QString &text) {
            if (!m_frozen)
                Q_EMIT textReceived(text);
        });
        connect(m_inner, &Transport::pongReceived, this, [this] {
            if (!m_frozen)
                Q_EMIT pongReceived();
        });
        connect(m_inner, &Transport::closed, this, [this](quint16 code, const QString &reason) {
            if (!m_frozen)
                Q_EMIT closed(code, reason);
        });
    }

    void freeze() { m_frozen = true; }
    /// Lets frames to the server through while answers are lost (a result that never arrives).
    void freezeIncoming() { m_frozenIncoming = true; m_frozen = true; }

    void sendText(const QString &frame) override
    {
        if (!m_frozen || m_frozenIncoming)
            m_inner->sendText(frame);
    }
    qint64 pendingBytes() const override { return m_inner->pendingBytes(); }
    void close(quint16 code, const QString &reason) override { m_inner->close(code, reason); }
    void abort() override { m_inner->abort(); }
    QString peerAddress() const override { return m_inner->peerAddress(); }
    bool isOpen() const override { return m_inner->isOpen(); }
    void ping() override
    {
        if (!m_frozen)
            m_inner->ping();
    }

private:
    Transport *m_inner;
    bool m_frozen = false;
    bool m_frozenIncoming = false;
};

/// The client's network: real WebSockets, which tests can cut (every attempt fails at once)
/// and whose current link they can freeze.
class TestNetwork : public QObject
{
    Q_OBJECT
public:
    bool down = false;
    int attempts = 0;
    QPointer<FreezableTransport> current;

    Client::TransportFactory factory()
    {
        return [this](const QUrl &url, QObject *parent, std::function<void()> opened,
                      std::function<void(const QString &)> failed) -> Transport * {
            ++attempts;
            if (down) {
                auto [end, peer] = InMemoryTransport::createPair(parent);
                delete peer;
                QTimer::singleShot(0, end, [failed] { failed(QStringLiteral("network is down")); });
                return end;
            }
            Transport *inner = Client::webSocketTransportFactory()(url, nullptr, opened, failed);
            auto *transport = new FreezableTransport(inner, parent);
            current = transport;
            return transport;
        };
    }
};

/// An in-process server that survives restarts: same port, same data dir.
class RestartableServer
{
public:
    explicit RestartableServer(Server::ServerConfig config = TestServer::testConfig())
        : m_config(std::move(config))
    {
        m_config.httpEnabled = false;
        m_config.dataDir = m_dir.path();
    }

    Server::ServerConfig &config() { return m_config; }

    QString start()
    {
        m_server = std::make_unique<Server::CohortServer>(m_config);
        const QString error = m_server->start();
        if (error.isEmpty())
            m_config.port = m_server->port(); // a restart reuses the port
        return error;
    }

    bool stop(int timeoutMs = 10000)
    {
        bool stopped = false;
        QObject context;
        QObject::connect(m_server.get(), &Server::CohortServer::stopped, &context, [&stopped] { stopped = true; });
        m_server->stop();
        const bool ok = QTest::qWaitFor([&stopped] { return stopped; }, timeoutMs);
        m_server.reset();
        return ok;
    }

    Server::CohortServer &server() { return *m_server; }
    Server::Storage &storage() { return m_server->storage(); }
    QUrl url() const
    {
        return QUrl(QStringLiteral("ws://127.0.0.1:%1/").arg(m_config.port));
    }

    UserId addUser(const QString &username, Role role, const QString &password = QStringLiteral("password-123"))
    {
        const Server::AuthOutcome outcome = m_server->auth().createAccount(username, username.toUpper(), role, password);
        return outcome.ok() ? outcome.user.info.id : UserId();
    }

    /// A course owned by `owner` (instructor) with `students`; returns it (invalid id on failure).
    Server::CourseRecord addCourse(const QString &name, UserId owner, const QList<UserId> &students)
    {
        const auto created = storage().createCourse(name, owner, Server::generateJoinCode(), QString());
        if (!created.ok())
            return {};
        storage().addCourseMember(created.value->id, owner, Role::Instructor);
        for (UserId student : students)
            storage().addCourseMember(created.value->id, student, Role::Student);
        return *created.value;
    }

    /// Message texts stored in the room, oldest first.
    QStringList storedTexts(RoomId room)
    {
        QStringList texts;
        for (const Server::EventRecord &event : storage().eventsAfter(room, 0, 100000)) {
            if (event.kind == Protocol::EventMessageCreated)
                texts.append(QJsonDocument::fromJson(event.payload).object().value(QStringLiteral("text")).toString());
        }
        return texts;
    }

private:
    QTemporaryDir m_dir;
    Server::ServerConfig m_config;
    std::unique_ptr<Server::CohortServer> m_server;
};

/// A Connection with timings that keep tests fast and a cache root of its own.
inline std::unique_ptr<Client::Connection> makeConnection(const QString &cacheRoot, TestNetwork *network = nullptr)
{
    auto connection = std::make_unique<Client::Connection>();
    connection->setCacheRoot(cacheRoot);
    connection->setBackoffPolicy(Client::BackoffPolicy(50, 400, 17));
    connection->setStableAfter(2000);
    if (network)
        connection->setTransportFactory(network->factory());
    return connection;
}

/// Signs in and waits for the result.
inline Client::AuthResult signIn(Client::Connection &connection, const QUrl &url, const QString &username,
                                 const QString &password = QStringLiteral("password-123"))
{
    std::optional<Client::AuthResult> result;
    QObject context;
    connection.signIn(url, username, password, &context, [&result](const Client::AuthResult &r) { result = r; });
    if (!QTest::qWaitFor([&result] { return result.has_value(); }, 10000))
        return {};
    return *result;
}

} // namespace Cohort::Test
