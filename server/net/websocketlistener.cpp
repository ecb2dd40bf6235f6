// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "websocketlistener.h"

#include "logging.h"
#include "poller.h"
#include "sockettransport.h"

#include <QHostAddress>

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

namespace Cohort::Server::Net {

namespace {

QString peerAddressOf(int fd)
{
    sockaddr_storage storage{};
    socklen_t length = sizeof storage;
    if (::getpeername(fd, reinterpret_cast<sockaddr *>(&storage), &length) != 0)
        return QString();
    QHostAddress address(reinterpret_cast<const sockaddr *>(&storage));
    // A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d; the per-address limit and the
    // logs use the plain form.
    bool isV4 = false;
    const quint32 v4 = address.toIPv4Address(&isV4);
    if (isV4)
        address = QHostAddress(v4);
    return address.toString();
}

} // namespace

WebSocketListener::WebSocketListener(Poller &poller, const Limits &limits, QObject *parent)
    : QTcpServer(parent)
    , m_poller(poller)
    , m_limits(limits)
{
    m_clock.start();
    m_timeout.setSingleShot(true);
    connect(&m_timeout, &QTimer::timeout, this, &WebSocketListener::expireHandshakes);
}

WebSocketListener::~WebSocketListener()
{
    shutDown();
}

void WebSocketListener::shutDown()
{
    close();
    m_timeout.stop();
    const QList<Pending> pending = std::exchange(m_pending, {});
    for (const Pending &p : pending) {
        if (p.transport && p.transport->isHandshaking())
            delete p.transport.data();
    }
    m_handshakesPerAddress.clear();
}

void WebSocketListener::incomingConnection(qintptr descriptor)
{
    const int fd = static_cast<int>(descriptor);
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
        qCWarning(lcNet) << "cannot make an accepted socket non-blocking:" << std::strerror(errno);
        ::close(fd);
        return;
    }
    // Events are small frames that must leave at once (see disableNagle in cohortserver.cpp).
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

    const QString address = peerAddressOf(fd);
    int &handshakes = m_handshakesPerAddress[address];
    if (handshakes >= m_limits.maxHandshakesPerAddress) {
        qCWarning(lcNet) << "too many unfinished WebSocket upgrades from" << address << "; closing the newest";
        ::close(fd);
        return;
    }
    ++handshakes;

    auto *transport = new SocketTransport(fd, address, m_poller, m_limits.maxMessageBytes, this);
    connect(transport, &SocketTransport::upgraded, this, [this, transport] {
        handshakeEnded(transport);
        transport->disconnect(this);
        transport->setParent(nullptr);
        Q_EMIT upgraded(transport);
    });
    connect(transport, &Transport::closed, this, [this, transport] {
        handshakeEnded(transport);
        transport->deleteLater();
    });
    m_pending.append(Pending{transport, m_clock.elapsed() + m_limits.handshakeTimeoutMs});
    if (!m_timeout.isActive())
        m_timeout.start(m_limits.handshakeTimeoutMs);
}

void WebSocketListener::handshakeEnded(SocketTransport *transport)
{
    const auto it = m_handshakesPerAddress.find(transport->peerAddress());
    if (it != m_handshakesPerAddress.end() && --it.value() <= 0)
        m_handshakesPerAddress.erase(it);
}

void WebSocketListener::expireHandshakes()
{
    const qint64 now = m_clock.elapsed();
    while (!m_pending.isEmpty()) {
        const Pending &front = m_pending.constFirst();
        if (front.transport && front.transport->isHandshaking() && front.deadlineMs > now) {
            m_timeout.start(static_cast<int>(front.deadlineMs - now));
            return;
        }
        const QPointer<SocketTransport> transport = front.transport;
        m_pending.removeFirst();
        if (transport && transport->isHandshaking()) {
            qCInfo(lcNet) << "no WebSocket upgrade in time from" << transport->peerAddress();
            transport->abort();
        }
    }
}

} // namespace Cohort::Server::Net
