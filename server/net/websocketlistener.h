// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QPointer>
#include <QTcpServer>
#include <QTimer>

namespace Cohort {
class Transport;
}

namespace Cohort::Server::Net {

class Poller;
class SocketTransport;

/// The plain (ws://) listener: accepts TCP connections into the Poller, runs the HTTP upgrade
/// within the handshake timeout, and hands over each upgraded WebSocket.
class WebSocketListener : public QTcpServer
{
    Q_OBJECT
public:
    struct Limits
    {
        qint64 maxMessageBytes = 0;
        int handshakeTimeoutMs = 0;
        /// Connections from one address still in the upgrade; more are closed at once.
        int maxHandshakesPerAddress = 0;
    };

    /// `poller` must outlive every transport this listener creates.
    WebSocketListener(Poller &poller, const Limits &limits, QObject *parent = nullptr);
    ~WebSocketListener() override;

    /// Stops listening and drops the connections still in the upgrade.
    void shutDown();

Q_SIGNALS:
    /// An upgraded WebSocket; the receiver takes ownership.
    void upgraded(Cohort::Transport *transport);

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    struct Pending
    {
        QPointer<SocketTransport> transport;
        qint64 deadlineMs;
    };
    void expireHandshakes();
    void handshakeEnded(SocketTransport *transport);

    Poller &m_poller;
    Limits m_limits;
    QElapsedTimer m_clock;
    // In arrival order, so also in deadline order: one timer serves them all.
    QList<Pending> m_pending;
    QHash<QString, int> m_handshakesPerAddress;
    QTimer m_timeout;
};

} // namespace Cohort::Server::Net
