// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <optional>

namespace Cohort::Server::Net {

/// RFC 6455 opcodes.
enum Opcode : quint8 {
    OpContinuation = 0x0,
    OpText = 0x1,
    OpBinary = 0x2,
    OpClose = 0x8,
    OpPing = 0x9,
    OpPong = 0xA,
};

/// Close codes the framing layer itself sends (RFC 6455, section 7.4.1).
enum FramingClose : quint16 {
    CloseNormal = 1000,
    CloseGoingAway = 1001,
    CloseFramingError = 1002,
    CloseNoStatus = 1005, // received without a code; never sent
    CloseAbnormal = 1006, // the connection dropped; never sent
    CloseInvalidPayload = 1007,
    CloseTooBig = 1009,
};

/// Turns the bytes a client sends into whole messages and control frames: checks the client
/// rules (masked, no RSV bits, known opcodes, control frames short and unfragmented),
/// reassembles fragmented messages around interleaved control frames, validates text as
/// UTF-8 and refuses a frame or message above the limit before buffering its payload.
/// Knows nothing of sockets, so it can be fed one byte at a time.
class FrameReader
{
public:
    enum class Kind { Text, Binary, Ping, Pong, Close, Error };
    struct Item
    {
        Kind kind = Kind::Error;
        /// Text: the message; Close and Error: the reason.
        QString text;
        /// Ping and Pong: the payload (echoed in the pong).
        QByteArray payload;
        /// Close: the peer's code (CloseNoStatus when it sent none). Error: the code to close with.
        quint16 code = 0;
    };

    explicit FrameReader(qint64 maxMessageBytes)
        : m_maxMessageBytes(maxMessageBytes)
    {
    }

    /// Keeps the bytes for `next`.
    void append(QByteArrayView data) { m_buffer.append(data); }
    /// The next complete message or control frame, or nothing until more bytes arrive. After an
    /// Error the stream is unusable and the reader returns nothing more.
    std::optional<Item> next();
    /// Bytes held: unparsed input plus the fragments of an unfinished message.
    qsizetype bufferedBytes() const { return m_buffer.size() + m_message.size(); }

private:
    std::optional<Item> fail(quint16 code, const QString &reason);
    std::optional<Item> completeMessage(quint8 opcode);
    std::optional<Item> closeItem(QByteArrayView payload);

    QByteArray m_buffer;  // received, not yet parsed; released when empty
    QByteArray m_message; // the fragments of a message in progress
    qint64 m_maxMessageBytes;
    quint8 m_messageOpcode = OpContinuation; // OpText/OpBinary while a fragmented message is open
    bool m_failed = false;
};

} // namespace Cohort::Server::Net
