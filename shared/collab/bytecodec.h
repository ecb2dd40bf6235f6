// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include <QByteArray>

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
