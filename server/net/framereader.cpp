// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "framereader.h"

#include <QStringDecoder>
#include <QtEndian>

namespace Cohort::Server::Net {

namespace {

constexpr quint8 FinBit = 0x80;
constexpr quint8 RsvBits = 0x70;
constexpr quint8 MaskBit = 0x80;
constexpr qsizetype MaxControlPayload = 125;

void unmask(char *data, qsizetype size, const uchar *key)
{
    for (qsizetype i = 0; i < size; ++i)
        data[i] = static_cast<char>(static_cast<uchar>(data[i]) ^ key[i & 3]);
}

std::optional<QString> decodeUtf8(QByteArrayView bytes)
{
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    QString text = decoder.decode(bytes);
    if (decoder.hasError())
        return std::nullopt;
    return text;
}

bool isSendableCloseCode(quint16 code)
{
    // Section 7.4: 1004-1006 and 1015 are reserved and never on the wire; 1016-2999 belong to
    // future protocol revisions; 3000-4999 are for libraries and applications.
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

} // namespace

std::optional<FrameReader::Item> FrameReader::next()
{
    while (!m_failed) {
        const qsizetype available = m_buffer.size();
        if (available < 2)
            return std::nullopt;
        const auto *bytes = reinterpret_cast<const uchar *>(m_buffer.constData());
        const bool fin = bytes[0] & FinBit;
        const quint8 opcode = bytes[0] & 0x0F;
        if (bytes[0] & RsvBits)
            return fail(CloseFramingError, QStringLiteral("reserved bits set without a negotiated extension"));
        if (!(bytes[1] & MaskBit))
            return fail(CloseFramingError, QStringLiteral("client frames must be masked"));
        const bool control = opcode & 0x8;
        if (opcode != OpContinuation && opcode != OpText && opcode != OpBinary && opcode != OpClose
            && opcode != OpPing && opcode != OpPong)
            return fail(CloseFramingError, QStringLiteral("unknown opcode %1").arg(opcode));

        quint64 length = bytes[1] & 0x7F;
        qsizetype header = 2;
        if (length == 126) {
            header = 4;
            if (available < header)
                return std::nullopt;
            length = qFromBigEndian<quint16>(bytes + 2);
        } else if (length == 127) {
            header = 10;
            if (available < header)
                return std::nullopt;
            length = qFromBigEndian<quint64>(bytes + 2);
            if (length >> 63)
                return fail(CloseFramingError, QStringLiteral("the frame length has its top bit set"));
        }
        if (control) {
            if (!fin)
                return fail(CloseFramingError, QStringLiteral("control frames must not be fragmented"));
            if (length > MaxControlPayload)
                return fail(CloseFramingError, QStringLiteral("control frames carry at most 125 bytes"));
        } else {
            if (opcode == OpContinuation && m_messageOpcode == OpContinuation)
                return fail(CloseFramingError, QStringLiteral("continuation frame without a message to continue"));
            if (opcode != OpContinuation && m_messageOpcode != OpContinuation)
                return fail(CloseFramingError, QStringLiteral("a new message started inside a fragmented one"));
            // Checked on the header, before any of the payload is buffered.
            if (length > quint64(m_maxMessageBytes) || quint64(m_message.size()) + length > quint64(m_maxMessageBytes))
                return fail(CloseTooBig, QStringLiteral("message larger than %1 bytes").arg(m_maxMessageBytes));
        }
        header += 4; // the masking key
        if (available < header || quint64(available - header) < length)
            return std::nullopt;

        const auto size = static_cast<qsizetype>(length);
        const uchar *key = bytes + header - 4;
        uchar maskKey[4] = {key[0], key[1], key[2], key[3]};
        QByteArray payload;
        if (control || (fin && opcode != OpContinuation)) {
            // A control frame, or the common case of an unfragmented message: one copy.
            payload = m_buffer.mid(header, size);
            unmask(payload.data(), size, maskKey);
        } else {
            const qsizetype at = m_message.size();
            m_message.append(m_buffer.constData() + header, size);
            unmask(m_message.data() + at, size, maskKey);
        }
        if (header + size == available)
            m_buffer = QByteArray();
        else
            m_buffer.remove(0, header + size);

        switch (opcode) {
        case OpPing:
            return Item{Kind::Ping, QString(), payload, 0};
        case OpPong:
            return Item{Kind::Pong, QString(), payload, 0};
        case OpClose:
            return closeItem(payload);
        default:
            break;
        }
        if (opcode != OpContinuation) {
            if (fin) {
                m_message = payload;
                return completeMessage(opcode);
            }
            m_messageOpcode = opcode;
            continue;
        }
        if (fin) {
            const quint8 messageOpcode = std::exchange(m_messageOpcode, OpContinuation);
            return completeMessage(messageOpcode);
        }
    }
    return std::nullopt;
}

std::optional<FrameReader::Item> FrameReader::completeMessage(quint8 opcode)
{
    const QByteArray message = std::exchange(m_message, QByteArray());
    if (opcode == OpBinary)
        return Item{Kind::Binary, QString(), QByteArray(), 0};
    std::optional<QString> text = decodeUtf8(message);
    if (!text)
        return fail(CloseInvalidPayload, QStringLiteral("text message is not valid UTF-8"));
    return Item{Kind::Text, std::move(*text), QByteArray(), 0};
}

std::optional<FrameReader::Item> FrameReader::closeItem(QByteArrayView payload)
{
    if (payload.isEmpty())
        return Item{Kind::Close, QString(), QByteArray(), CloseNoStatus};
    if (payload.size() == 1)
        return fail(CloseFramingError, QStringLiteral("close frame with a one-byte code"));
    const quint16 code = qFromBigEndian<quint16>(payload.data());
    if (!isSendableCloseCode(code))
        return fail(CloseFramingError, QStringLiteral("close code %1 may not be sent").arg(code));
    std::optional<QString> reason = decodeUtf8(payload.sliced(2));
    if (!reason)
        return fail(CloseInvalidPayload, QStringLiteral("close reason is not valid UTF-8"));
    return Item{Kind::Close, std::move(*reason), QByteArray(), code};
}

std::optional<FrameReader::Item> FrameReader::fail(quint16 code, const QString &reason)
{
    m_failed = true;
    m_buffer = QByteArray();
    m_message = QByteArray();
    return Item{Kind::Error, reason, QByteArray(), code};
}

} // namespace Cohort::Server::Net
