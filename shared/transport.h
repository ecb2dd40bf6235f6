// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QObject>
#include <QPointer>
#include <QString>

class QWebSocket;

namespace Cohort {

/// An RFC 6455 frame as a server sends it: unmasked, so the same bytes go to every receiver.
QByteArray webSocketServerFrame(quint8 opcode, QByteArrayView payload);

/// A text frame serialized once for any number of receivers: its UTF-8 payload, and the wire
/// form (header + payload) built on first use. Copies share both, so a room broadcast hands
/// every member the same bytes instead of converting and framing a QString per member.
class PreparedText
{
public:
    explicit PreparedText(QByteArray utf8)
        : m_utf8(std::move(utf8))
    {
    }
    const QByteArray &utf8() const { return m_utf8; }
    /// The complete unmasked text frame.
    const QByteArray &serverFrame() const;

private:
    QByteArray m_utf8;
    mutable QByteArray m_frame;
};

/// One bidirectional stream of text frames. The server and the client speak through this, so
/// room logic is testable without sockets and the built-in server can use an in-memory pipe.
class Transport : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    /// Queues one text frame. Never blocks.
    virtual void sendText(const QString &frame) = 0;
    /// Queues one text frame already encoded; transports that frame bytes themselves reuse its
    /// wire form, the others convert.
    virtual void sendPrepared(const PreparedText &frame) { sendText(QString::fromUtf8(frame.utf8())); }
    /// Bytes queued but not yet handed to the operating system (for backpressure).
    virtual qint64 pendingBytes() const = 0;
    /// Closes with a WebSocket close code; `closed` follows.
    virtual void close(quint16 code, const QString &reason) = 0;
    /// Drops the stream at once without a closing handshake.
    virtual void abort() = 0;
    /// The peer's address, e.g. "127.0.0.1", for per-address limits and logs.
    virtual QString peerAddress() const = 0;
    virtual bool isOpen() const = 0;
    /// Sends a keep-alive ping; `pongReceived` answers it.
    virtual void ping() = 0;

Q_SIGNALS:
    void textReceived(const QString &frame);
    /// A binary message arrived; the protocol has none, so only its arrival matters.
    void binaryReceived();
    void pongReceived();
    void closed(quint16 code, const QString &reason);
};

/// A Transport over a QWebSocket, which it owns.
class WebSocketTransport final : public Transport
{
    Q_OBJECT
public:
    explicit WebSocketTransport(QWebSocket *socket, QObject *parent = nullptr);
    ~WebSocketTransport() override;

    void sendText(const QString &frame) override;
    qint64 pendingBytes() const override;
    void close(quint16 code, const QString &reason) override;
    void abort() override;
    QString peerAddress() const override;
    bool isOpen() const override;
    void ping() override;

    QWebSocket *socket() const { return m_socket; }

private:
    QWebSocket *m_socket;
    bool m_closedEmitted = false;
};

/// Two connected in-memory ends; frames are delivered on the next event-loop turn, in order.
class InMemoryTransport final : public Transport
{
    Q_OBJECT
public:
    /// Creates a connected pair; each end is owned by `parent` until reparented.
    static std::pair<InMemoryTransport *, InMemoryTransport *> createPair(QObject *parent = nullptr);

    void sendText(const QString &frame) override;
    qint64 pendingBytes() const override { return m_pendingBytes; }
    void close(quint16 code, const QString &reason) override;
    void abort() override;
    QString peerAddress() const override { return QStringLiteral("in-memory"); }
    bool isOpen() const override { return m_open; }
    void ping() override;

private:
    explicit InMemoryTransport(QObject *parent);
    void closeBoth(quint16 code, const QString &reason);

    QPointer<InMemoryTransport> m_peer;
    qint64 m_pendingBytes = 0;
    bool m_open = true;
};

} // namespace Cohort
