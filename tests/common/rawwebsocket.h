// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

// A WebSocket client done by hand over a QTcpSocket, for peers a real library will not play:
// one that never answers pings, or one that stops reading. Header-only.

#include <QByteArray>
#include <QList>
#include <QRandomGenerator>
#include <QTcpSocket>
#include <QTest>
#include <QUrl>
#include <QtEndian>

#include <optional>

namespace Cohort::Test {

/// One client frame with any first byte (FIN, RSV bits, opcode), masked as a client must
/// unless `masked` is false (to test a server's refusal).
inline QByteArray clientFrame(quint8 firstByte, QByteArrayView payload, bool masked = true)
{
    QByteArray frame;
    frame.append(char(firstByte));
    const qsizetype n = payload.size();
    const char maskFlag = masked ? char(0x80) : char(0);
    if (n < 126) {
        frame.append(char(maskFlag | char(n)));
    } else if (n < 65536) {
        frame.append(char(maskFlag | 126));
        char length[2];
        qToBigEndian(quint16(n), length);
        frame.append(length, 2);
    } else {
        frame.append(char(maskFlag | 127));
        char length[8];
        qToBigEndian(quint64(n), length);
        frame.append(length, 8);
    }
    const char key[4] = {char(0x37), char(0xfa), char(0x21), char(0x3d)};
    if (masked)
        frame.append(key, 4);
    for (qsizetype i = 0; i < n; ++i)
        frame.append(masked ? char(payload[i] ^ key[i % 4]) : payload[i]);
    return frame;
}

class RawWebSocket
{
public:
    struct Frame
    {
        int opcode = 0; // 1 text, 2 binary, 8 close, 9 ping, 10 pong
        QByteArray payload;
        /// For close frames: the close code (0 when absent).
        int closeCode() const
        {
            return payload.size() >= 2 ? qFromBigEndian<quint16>(payload.constData()) : 0;
        }
    };

    QTcpSocket &socket() { return m_socket; }

    /// Connects and performs the HTTP upgrade; true when the server answered 101.
    bool open(const QUrl &url, int timeoutMs = 10000)
    {
        m_socket.connectToHost(url.host(), static_cast<quint16>(url.port()));
        if (!QTest::qWaitFor([this] { return m_socket.state() == QAbstractSocket::ConnectedState; }, timeoutMs))
            return false;
        // RFC 6455: the key is 16 random bytes in base64.
        QByteArray nonce(16, Qt::Uninitialized);
        QRandomGenerator::global()->fillRange(reinterpret_cast<quint32 *>(nonce.data()), 4);
        const QByteArray key = nonce.toBase64();
        m_socket.write("GET / HTTP/1.1\r\nHost: " + url.host().toLatin1() + ':' + QByteArray::number(url.port())
                       + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key
                       + "\r\nSec-WebSocket-Version: 13\r\n\r\n");
        if (!QTest::qWaitFor([this] {
                m_buffer += m_socket.readAll();
                return m_buffer.contains("\r\n\r\n") || m_socket.state() != QAbstractSocket::ConnectedState;
            }, timeoutMs))
            return false;
        const qsizetype end = m_buffer.indexOf("\r\n\r\n");
        if (end < 0 || !m_buffer.startsWith("HTTP/1.1 101"))
            return false;
        m_buffer.remove(0, end + 4);
        return true;
    }

    /// Sends one masked text frame, as a client must.
    void sendText(const QByteArray &text) { m_socket.write(clientFrame(0x81, text)); }

    /// Reads what has arrived and parses complete frames into `frames()`.
    void poll()
    {
        m_buffer += m_socket.readAll();
        while (true) {
            if (m_buffer.size() < 2)
                return;
            const auto *b = reinterpret_cast<const uchar *>(m_buffer.constData());
            const int opcode = b[0] & 0x0f;
            quint64 length = b[1] & 0x7f;
            qsizetype header = 2;
            if (length == 126) {
                if (m_buffer.size() < 4)
                    return;
                length = qFromBigEndian<quint16>(b + 2);
                header = 4;
            } else if (length == 127) {
                if (m_buffer.size() < 10)
                    return;
                length = qFromBigEndian<quint64>(b + 2);
                header = 10;
            }
            if (quint64(m_buffer.size() - header) < length)
                return;
            m_frames.append(Frame{opcode, m_buffer.mid(header, qsizetype(length))});
            m_buffer.remove(0, header + qsizetype(length));
        }
    }

    const QList<Frame> &frames() const { return m_frames; }

    /// Waits for a text frame containing `needle`; returns it.
    std::optional<QByteArray> waitForText(const QByteArray &needle, int timeoutMs = 10000)
    {
        std::optional<QByteArray> found;
        [[maybe_unused]] const bool arrived = QTest::qWaitFor([&] {
            poll();
            for (const Frame &f : std::as_const(m_frames)) {
                if (f.opcode == 1 && f.payload.contains(needle)) {
                    found = f.payload;
                    return true;
                }
            }
            return false;
        }, timeoutMs);
        return found;
    }

    /// Waits for the server's close frame; returns its code.
    std::optional<int> waitForClose(int timeoutMs = 10000)
    {
        std::optional<int> code;
        [[maybe_unused]] const bool arrived = QTest::qWaitFor([&] {
            poll();
            for (const Frame &f : std::as_const(m_frames)) {
                if (f.opcode == 8) {
                    code = f.closeCode();
                    return true;
                }
            }
            return false;
        }, timeoutMs);
        return code;
    }

private:
    QTcpSocket m_socket;
    QByteArray m_buffer;
    QList<Frame> m_frames;
};

} // namespace Cohort::Test
