// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "framereader.h"
#include "poller.h"
#include "transport.h"

#include <QList>

#include <sys/types.h>

namespace Cohort::Server::Net {

/// A WebSocket over a non-blocking TCP socket in the Poller: the HTTP upgrade, then frames.
/// What is sent during one event-loop turn goes to the kernel in one writev at the end of that
/// turn; only what the socket does not take stays queued (shared QByteArrays, so a broadcast
/// frame is one buffer however many members wait on it), and EPOLLOUT is watched only while
/// the kernel buffer is full.
class SocketTransport final : public Transport, private PollClient
{
    Q_OBJECT
public:
    /// Takes ownership of `fd`, a connected non-blocking socket.
    SocketTransport(int fd, const QString &peerAddress, Poller &poller, qint64 maxMessageBytes,
                    QObject *parent = nullptr);
    ~SocketTransport() override;

    void sendText(const QString &frame) override;
    void sendPrepared(const PreparedText &frame) override;
    qint64 pendingBytes() const override { return m_pendingBytes; }
    void close(quint16 code, const QString &reason) override;
    void abort() override;
    QString peerAddress() const override { return m_peerAddress; }
    bool isOpen() const override { return m_state == State::Open; }
    void ping() override;

    /// Still in the HTTP upgrade.
    bool isHandshaking() const { return m_state == State::Handshaking; }

Q_SIGNALS:
    /// The upgrade succeeded; frames follow.
    void upgraded();

private:
    enum class State {
        Handshaking,
        Open,
        Finishing, // writing what is queued (the last is a close frame or an HTTP error), then ending
        Draining,  // our direction is shut; reading until the peer closes, so it gets every byte
        Closed,
    };

    void onReady(quint32 events) override;
    void flush() override;
    void readInput();
    /// Handles received bytes; false once the transport stopped reading (closing or closed).
    bool consume(const char *data, qsizetype size);
    bool consumeHandshake(const char *data, qsizetype size);
    bool consumeFrames();
    void sendControl(quint8 opcode, QByteArrayView payload);
    void sendClose(quint16 code, const QString &reason);
    void write(const QByteArray &bytes);
    void writeQueued();
    /// One send(2) or sendmsg(2) of what is queued; its result.
    ssize_t sendQueued();
    void waitUntilWritable();
    enum class Ending {
        Close, // the peer sends nothing more: close the socket
        Drain, // the peer may still be sending: shut down our direction, read until it closes
    };
    /// Sends what is queued, then ends as told; `closed(code, reason)` follows.
    void finish(quint16 code, const QString &reason, Ending ending);
    void end();
    /// Closes the socket and emits `closed` (once).
    void release(quint16 code, const QString &reason);
    void writeFailed();

    int m_fd;
    Poller &m_poller;
    QString m_peerAddress;
    State m_state = State::Handshaking;
    QByteArray m_handshake; // the request so far; released after the upgrade
    FrameReader m_reader;
    QList<QByteArray> m_output; // what the socket did not take yet
    qsizetype m_outputOffset = 0; // bytes of m_output.first() already written
    qint64 m_pendingBytes = 0;
    bool m_wantWrite = false;     // EPOLLOUT is watched: the kernel buffer was full
    bool m_flushScheduled = false; // the poller flushes us at the end of this turn
    Ending m_ending = Ending::Drain;
    quint16 m_closeCode = CloseAbnormal;
    QString m_closeReason;
};

} // namespace Cohort::Server::Net
