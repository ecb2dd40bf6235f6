// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include <QByteArray>
#include <QString>
#include <QStringView>

namespace Cohort::Collab {

/// LEB128 varints and fixed little-endian integers for the engine's encodings.
class ByteWriter
{
public:
    void byte(quint8 value) { m_bytes.append(char(value)); }
    void varint(quint64 value)
    {
        while (value >= 0x80) {
            m_bytes.append(char(quint8(value) | 0x80));
            value >>= 7;
        }
        m_bytes.append(char(value));
    }
    void zigzag(qint64 value) { varint((quint64(value) << 1) ^ quint64(value >> 63)); }
    void fixed64(quint64 value)
    {
        for (int i = 0; i < 8; ++i)
            m_bytes.append(char(quint8(value >> (8 * i))));
    }
    void bytes(const QByteArray &data) { m_bytes.append(data); }

    /// UTF-8 size of UTF-16 text; a lone surrogate counts as U+FFFD.
    static qsizetype utf8Size(QStringView text)
    {
        qsizetype size = 0;
        for (qsizetype i = 0; i < text.size(); ++i) {
            const char16_t c = text[i].unicode();
            if (c < 0x80)
                size += 1;
            else if (c < 0x800)
                size += 2;
            else if (QChar::isHighSurrogate(c) && i + 1 < text.size() && text[i + 1].isLowSurrogate())
                size += 4, ++i;
            else
                size += 3;
        }
        return size;
    }
    /// The text as varint byte count + UTF-8, without a temporary copy.
    void utf8(QStringView text)
    {
        varint(quint64(utf8Size(text)));
        for (qsizetype i = 0; i < text.size(); ++i) {
            char32_t c = text[i].unicode();
            if (c < 0x80) {
                m_bytes.append(char(c));
                continue;
            }
            if (c < 0x800) {
                m_bytes.append(char(0xc0 | (c >> 6)));
                m_bytes.append(char(0x80 | (c & 0x3f)));
                continue;
            }
            if (QChar::isHighSurrogate(c) && i + 1 < text.size() && text[i + 1].isLowSurrogate()) {
                c = QChar::surrogateToUcs4(char16_t(c), text[++i].unicode());
                m_bytes.append(char(0xf0 | (c >> 18)));
                m_bytes.append(char(0x80 | ((c >> 12) & 0x3f)));
            } else {
                if (QChar::isSurrogate(c))
                    c = QChar::ReplacementCharacter;
                m_bytes.append(char(0xe0 | (c >> 12)));
            }
            m_bytes.append(char(0x80 | ((c >> 6) & 0x3f)));
            m_bytes.append(char(0x80 | (c & 0x3f)));
        }
    }
    QByteArray &data() { return m_bytes; }

private:
    QByteArray m_bytes;
};

/// Reads what ByteWriter wrote; every read checks the bounds, and after the first failure
/// all reads return 0 and ok() stays false, so a decoder checks once at the end of a step.
class ByteReader
{
public:
    explicit ByteReader(const QByteArray &bytes) : m_data(bytes.constData()), m_size(bytes.size()) {}

    bool ok() const { return m_ok; }
    bool atEnd() const { return m_pos == m_size; }
    qsizetype remaining() const { return m_size - m_pos; }
    void fail() { m_ok = false; m_pos = m_size; }

    quint8 byte()
    {
        if (m_pos >= m_size) {
            fail();
            return 0;
        }
        return quint8(m_data[m_pos++]);
    }
    quint64 varint()
    {
        quint64 value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (m_pos >= m_size) {
                fail();
                return 0;
            }
            const quint8 b = quint8(m_data[m_pos++]);
            value |= quint64(b & 0x7f) << shift;
            if (!(b & 0x80))
                return value;
        }
        fail();
        return 0;
    }
    /// A varint that must not exceed `max`.
    quint64 bounded(quint64 max)
    {
        const quint64 value = varint();
        if (value > max) {
            fail();
            return 0;
        }
        return value;
    }
    qint64 zigzag()
    {
        const quint64 raw = varint();
        return qint64(raw >> 1) ^ -qint64(raw & 1);
    }
    quint64 fixed64()
    {
        if (m_size - m_pos < 8) {
            fail();
            return 0;
        }
        quint64 value = 0;
        for (int i = 0; i < 8; ++i)
            value |= quint64(quint8(m_data[m_pos + i])) << (8 * i);
        m_pos += 8;
        return value;
    }
    /// A view of the next `count` bytes (empty and failed if there are fewer).
    QByteArrayView bytes(qsizetype count)
    {
        if (count < 0 || m_size - m_pos < count) {
            fail();
            return {};
        }
        const QByteArrayView view(m_data + m_pos, count);
        m_pos += count;
        return view;
    }

private:
    const char *m_data;
    qsizetype m_size;
    qsizetype m_pos = 0;
    bool m_ok = true;
};

} // namespace Cohort::Collab
