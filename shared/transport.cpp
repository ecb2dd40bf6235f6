// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "transport.h"

#include <QHostAddress>
#include <QTimer>
#include <QWebSocket>
#include <QtEndian>

#include <cstring>

namespace Cohort {

QByteArray webSocketServerFrame(quint8 opcode, QByteArrayView payload)
{
    const qsizetype size = payload.size();
    const qsizetype header = size < 126 ? 2 : size < 65536 ? 4 : 10;
    QByteArray frame(header + size, Qt::Uninitialized);
    auto *out = reinterpret_cast<uchar *>(frame.data());
    out[0] = 0x80 | opcode; // FIN: we never fragment
    if (size < 126) {
        out[1] = static_cast<uchar>(size);
    } else if (size < 65536) {
        out[1] = 126;
        qToBigEndian(static_cast<quint16>(size), out + 2);
    } else {
        out[1] = 127;
        qToBigEndian(static_cast<quint64>(size), out + 2);
    }
    if (size > 0)
        memcpy(out + header, payload.data(), static_cast<size_t>(size));
    return frame;
}

const QByteArray &PreparedText::serverFrame() const
{
    if (m_frame.isNull())
        m_frame = webSocketServerFrame(0x1, m_utf8);
    return m_frame;
}

WebSocketTransport::WebSocketTransport(QWebSocket *socket, QObject *parent)
    : Transport(parent)
    , m_socket(socket)
{
    m_socket->setParent(this);
    connect(m_socket, &QWebSocket::textMessageReceived, this, &Transport::textReceived);
    connect(m_socket, &QWebSocket::binaryMessageReceived, this, [this] { Q_EMIT binaryReceived(); });
    connect(m_socket, &QWebSocket::pong, this, [this] { Q_EMIT pongReceived(); });
    connect(m_socket, &QWebSocket::disconnected, this, [this] {
        if (m_closedEmitted)
            return;
        m_closedEmitted = true;
        Q_EMIT closed(static_cast<quint16>(m_socket->closeCode()), m_socket->closeReason());
    });
}

WebSocketTransport::~WebSocketTransport()
{
    m_socket->disconnect(this);
}

void WebSocketTransport::sendText(const QString &frame)
{
    m_socket->sendTextMessage(frame);
}

qint64 WebSocketTransport::pendingBytes() const
{
    return m_socket->bytesToWrite();
}

void WebSocketTransport::close(quint16 code, const QString &reason)
{
    m_socket->close(static_cast<QWebSocketProtocol::CloseCode>(code), reason);
}

void WebSocketTransport::abort()
{
    m_socket->abort();
}

QString WebSocketTransport::peerAddress() const
{
    QHostAddress address = m_socket->peerAddress();
    bool isV4 = false;
    const quint32 v4 = address.toIPv4Address(&isV4);
    if (isV4)
        address = QHostAddress(v4);
    return address.toString();
}

bool WebSocketTransport::isOpen() const
{
    return m_socket->state() == QAbstractSocket::ConnectedState;
}

void WebSocketTransport::ping()
{
    m_socket->ping();
}

InMemoryTransport::InMemoryTransport(QObject *parent)
    : Transport(parent)
{
}

std::pair<InMemoryTransport *, InMemoryTransport *> InMemoryTransport::createPair(QObject *parent)
{
    auto *a = new InMemoryTransport(parent);
    auto *b = new InMemoryTransport(parent);
    a->m_peer = b;
    b->m_peer = a;
    return {a, b};
}

void InMemoryTransport::sendText(const QString &frame)
{
    if (!m_open || !m_peer)
        return;
    const qint64 size = frame.size() * 2;
    m_pendingBytes += size;
    QTimer::singleShot(0, m_peer, [peer = m_peer, self = QPointer(this), frame, size] {
        if (self)
            self->m_pendingBytes -= size;
        if (peer && peer->m_open)
            Q_EMIT peer->textReceived(frame);
    });
}

void InMemoryTransport::close(quint16 code, const QString &reason)
{
    QTimer::singleShot(0, this, [this, code, reason] { closeBoth(code, reason); });
}

void InMemoryTransport::abort()
{
    closeBoth(1006, QString());
}

void InMemoryTransport::ping()
{
    if (m_open && m_peer)
        QTimer::singleShot(0, this, [this] { Q_EMIT pongReceived(); });
}

void InMemoryTransport::closeBoth(quint16 code, const QString &reason)
{
    const QPointer<InMemoryTransport> peer = m_peer;
    if (m_open) {
        m_open = false;
        Q_EMIT closed(code, reason);
    }
    if (peer && peer->m_open) {
        peer->m_open = false;
        Q_EMIT peer->closed(code, reason);
    }
}

} // namespace Cohort
