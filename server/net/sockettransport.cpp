// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "sockettransport.h"

#include "logging.h"
#include "upgraderequest.h"

#include <QPointer>
#include <QTimer>
#include <QtEndian>

#include <cerrno>
#include <memory>

#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

namespace Cohort::Server::Net {

namespace {

constexpr qsizetype ReadChunk = 64 * 1024;
// A client that sends without pause gets this many reads per wake-up; level triggering brings
// it back on the next one, after the other ready sockets had their turn.
constexpr int ReadsPerWakeUp = 4;
// After our side is shut down, a peer that neither closes nor stops sending is dropped.
constexpr int DrainTimeoutMs = 3000;
constexpr int MaxIovecs = 64;
// Output list slots kept between turns (see writeQueued).
constexpr qsizetype KeptOutputSlots = 8;
constexpr qsizetype MaxCloseReasonBytes = 123; // a control frame carries 125 bytes, 2 are the code

// One read buffer per thread, not per connection: input is parsed, or copied only when a frame
// is incomplete.
char *readBuffer()
{
    thread_local const std::unique_ptr<char[]> buffer = std::make_unique<char[]>(ReadChunk);
    return buffer.get();
}

} // namespace

SocketTransport::SocketTransport(int fd, const QString &peerAddress, Poller &poller, qint64 maxMessageBytes,
                                 QObject *parent)
    : Transport(parent)
    , m_fd(fd)
    , m_poller(poller)
    , m_peerAddress(peerAddress)
    , m_reader(maxMessageBytes)
{
    if (!m_poller.add(m_fd, this, false))
        QMetaObject::invokeMethod(this, [this] { release(CloseAbnormal, QString()); }, Qt::QueuedConnection);
}

SocketTransport::~SocketTransport()
{
    if (m_fd >= 0) {
        m_poller.remove(m_fd, this);
        ::close(m_fd);
    }
}

void SocketTransport::sendText(const QString &frame)
{
    if (m_state == State::Open)
        write(webSocketServerFrame(OpText, frame.toUtf8()));
}

void SocketTransport::sendPrepared(const PreparedText &frame)
{
    if (m_state == State::Open)
        write(frame.serverFrame());
}

void SocketTransport::close(quint16 code, const QString &reason)
{
    if (m_state == State::Handshaking) {
        release(CloseAbnormal, reason);
        return;
    }
    if (m_state != State::Open)
        return;
    // Like QWebSocket: the socket closes once our close frame is out, without waiting for the
    // peer's answer. The core then frees the connection's slot at once, and a peer that never
    // answers costs nothing.
    sendClose(code, reason);
    finish(code, reason, Ending::Close);
}

void SocketTransport::abort()
{
    release(CloseAbnormal, QString());
}

void SocketTransport::ping()
{
    if (m_state == State::Open)
        sendControl(OpPing, {});
}

void SocketTransport::onReady(quint32 events)
{
    if ((events & EPOLLOUT) && m_wantWrite)
        writeQueued();
    if (m_state != State::Closed && (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)))
        readInput();
}

void SocketTransport::readInput()
{
    char *buffer = readBuffer();
    for (int i = 0; i < ReadsPerWakeUp && m_state != State::Closed; ++i) {
        const ssize_t n = ::recv(m_fd, buffer, ReadChunk, 0);
        if (n > 0) {
            // Finishing and draining read only to keep the kernel from answering with a reset.
            if (m_state != State::Finishing && m_state != State::Draining && !consume(buffer, n))
                return;
            if (n < ReadChunk)
                return;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        // End of stream or a socket error. After a closing handshake that is the expected end.
        const bool handshakeDone = m_state == State::Finishing || m_state == State::Draining;
        release(handshakeDone ? m_closeCode : quint16(CloseAbnormal), handshakeDone ? m_closeReason : QString());
        return;
    }
}

bool SocketTransport::consume(const char *data, qsizetype size)
{
    if (m_state == State::Handshaking)
        return consumeHandshake(data, size);
    m_reader.append(QByteArrayView(data, size));
    return consumeFrames();
}

bool SocketTransport::consumeHandshake(const char *data, qsizetype size)
{
    m_handshake.append(data, size);
    const UpgradeRequest request = UpgradeRequest::parse(m_handshake);
    switch (request.state) {
    case UpgradeRequest::State::Incomplete:
        return true;
    case UpgradeRequest::State::Refused:
        qCInfo(lcNet) << "refused a WebSocket upgrade from" << m_peerAddress << ":" << request.problem;
        m_handshake = QByteArray();
        write(request.response);
        finish(CloseAbnormal, request.problem, Ending::Drain);
        return false;
    case UpgradeRequest::State::Accepted:
        break;
    }
    write(request.response);
    const QByteArray early = m_handshake.sliced(request.headerBytes);
    m_handshake = QByteArray();
    m_state = State::Open;
    const QPointer<SocketTransport> alive(this);
    Q_EMIT upgraded();
    if (!alive || m_state != State::Open)
        return false;
    if (early.isEmpty())
        return true;
    // A client may send its first frames right behind the request.
    m_reader.append(early);
    return consumeFrames();
}

bool SocketTransport::consumeFrames()
{
    const QPointer<SocketTransport> alive(this);
    while (alive && m_state == State::Open) {
        std::optional<FrameReader::Item> item = m_reader.next();
        if (!item)
            return true;
        switch (item->kind) {
        case FrameReader::Kind::Text:
            Q_EMIT textReceived(item->text);
            break;
        case FrameReader::Kind::Binary:
            Q_EMIT binaryReceived();
            break;
        case FrameReader::Kind::Ping:
            sendControl(OpPong, item->payload);
            break;
        case FrameReader::Kind::Pong:
            Q_EMIT pongReceived();
            break;
        case FrameReader::Kind::Close:
            // The peer starts the closing handshake: answer with its code. Its close is its
            // last frame, so nothing will arrive that closing the socket could reset.
            if (item->code == CloseNoStatus)
                sendControl(OpClose, {});
            else
                sendClose(item->code, QString());
            finish(item->code, item->text, Ending::Close);
            return false;
        case FrameReader::Kind::Error:
            qCDebug(lcNet) << "closing" << m_peerAddress << "with" << item->code << ":" << item->text;
            sendClose(item->code, item->text);
            finish(item->code, item->text, Ending::Drain);
            return false;
        }
    }
    return false;
}

void SocketTransport::sendControl(quint8 opcode, QByteArrayView payload)
{
    write(webSocketServerFrame(opcode, payload));
}

void SocketTransport::sendClose(quint16 code, const QString &reason)
{
    QString text = reason;
    while (text.toUtf8().size() > MaxCloseReasonBytes)
        text.chop(1);
    QByteArray payload(2, Qt::Uninitialized);
    qToBigEndian(code, payload.data());
    payload += text.toUtf8();
    sendControl(OpClose, payload);
}

void SocketTransport::write(const QByteArray &bytes)
{
    if (m_fd < 0 || m_state == State::Draining || m_state == State::Closed)
        return;
    // Shared, not copied: a broadcast frame is one buffer however many connections hold it.
    m_output.append(bytes);
    m_pendingBytes += bytes.size();
    if (!m_wantWrite && !m_flushScheduled) {
        m_flushScheduled = true;
        m_poller.scheduleFlush(this);
    }
}

void SocketTransport::flush()
{
    m_flushScheduled = false;
    if (!m_wantWrite)
        writeQueued();
}

void SocketTransport::writeQueued()
{
    while (!m_output.isEmpty()) {
        const ssize_t written = sendQueued();
        if (written < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                waitUntilWritable();
            else
                writeFailed();
            return;
        }
        m_pendingBytes -= written;
        qsizetype left = written;
        while (left > 0) {
            const qsizetype rest = m_output.constFirst().size() - m_outputOffset;
            if (left < rest) {
                m_outputOffset += left;
                waitUntilWritable(); // the socket took less than offered: it is full
                return;
            }
            left -= rest;
            m_output.removeFirst();
            m_outputOffset = 0;
        }
    }
    // A connection that gets a frame per turn would otherwise allocate and free the list for
    // every delivery; a list grown by a backlog is released, so an idle connection stays small.
    if (m_output.capacity() > KeptOutputSlots)
        m_output = QList<QByteArray>();
    else
        m_output.clear();
    if (m_wantWrite) {
        m_wantWrite = false;
        m_poller.setWantWrite(m_fd, this, false);
    }
    if (m_state == State::Finishing)
        end();
}

ssize_t SocketTransport::sendQueued()
{
    if (m_output.size() == 1) {
        // The fan-out's usual case, one frame queued this turn: send(2) has no iovec to copy in.
        const QByteArray &bytes = m_output.constFirst();
        return ::send(m_fd, bytes.constData() + m_outputOffset, static_cast<size_t>(bytes.size() - m_outputOffset),
                      MSG_NOSIGNAL);
    }
    iovec parts[MaxIovecs];
    int count = 0;
    for (const QByteArray &bytes : std::as_const(m_output)) {
        if (count == MaxIovecs)
            break;
        const qsizetype skip = count == 0 ? m_outputOffset : 0;
        parts[count].iov_base = const_cast<char *>(bytes.constData() + skip);
        parts[count].iov_len = static_cast<size_t>(bytes.size() - skip);
        ++count;
    }
    msghdr message{};
    message.msg_iov = parts;
    message.msg_iovlen = static_cast<size_t>(count);
    return ::sendmsg(m_fd, &message, MSG_NOSIGNAL);
}

void SocketTransport::waitUntilWritable()
{
    if (!m_wantWrite) {
        m_wantWrite = true;
        m_poller.setWantWrite(m_fd, this, true);
    }
}

void SocketTransport::writeFailed()
{
    // The peer is gone. Reported from a fan-out loop, so the end comes from the poller: after
    // the shutdown it sees the socket hung up and `readInput` releases it.
    m_output = QList<QByteArray>();
    m_outputOffset = 0;
    m_pendingBytes = 0;
    if (m_wantWrite) {
        m_wantWrite = false;
        m_poller.setWantWrite(m_fd, this, false);
    }
    ::shutdown(m_fd, SHUT_RDWR);
    if (m_state == State::Finishing)
        m_state = State::Draining;
}

void SocketTransport::finish(quint16 code, const QString &reason, Ending ending)
{
    m_closeCode = code;
    m_closeReason = reason;
    m_ending = ending;
    m_state = State::Finishing;
    if (m_output.isEmpty())
        end();
}

void SocketTransport::end()
{
    if (m_ending == Ending::Close) {
        release(m_closeCode, m_closeReason);
        return;
    }
    // The peer reads to the end and then closes; closing at once with its bytes still unread
    // would send a reset, which can destroy our last frames before the peer read them.
    ::shutdown(m_fd, SHUT_WR);
    m_state = State::Draining;
    QTimer::singleShot(DrainTimeoutMs, this, [this] {
        if (m_state == State::Draining)
            release(m_closeCode, m_closeReason);
    });
}

void SocketTransport::release(quint16 code, const QString &reason)
{
    if (m_state == State::Closed)
        return;
    m_state = State::Closed;
    m_poller.remove(m_fd, this);
    ::close(m_fd);
    m_fd = -1;
    m_output = QList<QByteArray>();
    m_outputOffset = 0;
    m_pendingBytes = 0;
    m_handshake = QByteArray();
    Q_EMIT closed(code, reason);
}

} // namespace Cohort::Server::Net
