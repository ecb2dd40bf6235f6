// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
// The client-frame parser and the upgrade request parser, fed from memory.
#include "framereader.h"
#include "rawwebsocket.h"
#include "transport.h"
#include "upgraderequest.h"

#include <QtEndian>
#include <QtTest>

using namespace Cohort;
using namespace Cohort::Server::Net;
using Cohort::Test::clientFrame;

namespace {

QByteArray closePayload(quint16 code, QByteArrayView reason = {})
{
    QByteArray payload(2, Qt::Uninitialized);
    qToBigEndian(code, payload.data());
    return payload + reason.toByteArray();
}

QList<FrameReader::Item> drain(FrameReader &reader)
{
    QList<FrameReader::Item> items;
    while (std::optional<FrameReader::Item> item = reader.next())
        items.append(*item);
    return items;
}

/// The first error item, or nothing.
std::optional<FrameReader::Item> firstError(QByteArrayView bytes, qint64 limit = 1 << 20)
{
    FrameReader reader(limit);
    reader.append(bytes);
    for (const FrameReader::Item &item : drain(reader))
        if (item.kind == FrameReader::Kind::Error)
            return item;
    return std::nullopt;
}

} // namespace

class TestFrameReader : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everySplitPointGivesTheSameItems()
    {
        // Small, 16-bit and fragmented frames with a ping between the fragments, then a close.
        const QByteArray big(300, 'x');
        const QByteArray stream = clientFrame(0x81, "hello") + clientFrame(0x81, big)
                                  + clientFrame(0x01, "frag-") + clientFrame(0x89, "are you there")
                                  + clientFrame(0x00, QByteArray("m\xc3")) + clientFrame(0x80, QByteArray("\xa9nt"))
                                  + clientFrame(0x82, "bin") + clientFrame(0x8A, "p")
                                  + clientFrame(0x88, closePayload(1000, "bye"));
        const auto check = [&](const QList<FrameReader::Item> &items) {
            QCOMPARE(items.size(), 7);
            QCOMPARE(items[0].kind, FrameReader::Kind::Text);
            QCOMPARE(items[0].text, QStringLiteral("hello"));
            QCOMPARE(items[1].text, QString::fromLatin1(big));
            QCOMPARE(items[2].kind, FrameReader::Kind::Ping);
            QCOMPARE(items[2].payload, QByteArray("are you there"));
            QCOMPARE(items[3].kind, FrameReader::Kind::Text);
            QCOMPARE(items[3].text, QStringLiteral("frag-m\u00e9nt")); // UTF-8 split across fragments
            QCOMPARE(items[4].kind, FrameReader::Kind::Binary);
            QCOMPARE(items[5].kind, FrameReader::Kind::Pong);
            QCOMPARE(items[6].kind, FrameReader::Kind::Close);
            QCOMPARE(items[6].code, quint16(1000));
            QCOMPARE(items[6].text, QStringLiteral("bye"));
        };
        for (qsizetype split = 0; split <= stream.size(); ++split) {
            FrameReader reader(1 << 20);
            reader.append(QByteArrayView(stream).first(split));
            QList<FrameReader::Item> items = drain(reader);
            reader.append(QByteArrayView(stream).sliced(split));
            items += drain(reader);
            check(items);
            if (QTest::currentTestFailed())
                QFAIL(qPrintable(QStringLiteral("split at %1").arg(split)));
        }
        FrameReader byByte(1 << 20);
        QList<FrameReader::Item> items;
        for (char c : stream) {
            byByte.append(QByteArrayView(&c, 1));
            items += drain(byByte);
        }
        check(items);
        QCOMPARE(byByte.bufferedBytes(), 0);
    }

    void sixtyFourBitLength()
    {
        const QByteArray payload(70000, 'y');
        FrameReader reader(1 << 20);
        reader.append(clientFrame(0x81, payload));
        const QList<FrameReader::Item> items = drain(reader);
        QCOMPARE(items.size(), 1);
        QCOMPARE(items[0].text.size(), 70000);
    }

    void clientRulesAreEnforced_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("code");
        QTest::newRow("unmasked") << clientFrame(0x81, "hi", false) << 1002;
        QTest::newRow("rsv1") << clientFrame(0xC1, "hi") << 1002;
        QTest::newRow("rsv3") << clientFrame(0x91, "hi") << 1002;
        QTest::newRow("opcode 3") << clientFrame(0x83, "hi") << 1002;
        QTest::newRow("opcode 11") << clientFrame(0x8B, "hi") << 1002;
        QTest::newRow("fragmented ping") << clientFrame(0x09, "hi") << 1002;
        QTest::newRow("long ping") << clientFrame(0x89, QByteArray(126, 'p')) << 1002;
        QTest::newRow("lone continuation") << clientFrame(0x80, "hi") << 1002;
        QTest::newRow("text inside a message") << clientFrame(0x01, "a") + clientFrame(0x81, "b") << 1002;
        QTest::newRow("invalid utf-8") << clientFrame(0x81, QByteArray("\xc3\x28")) << 1007;
        QTest::newRow("utf-8 surrogate") << clientFrame(0x81, QByteArray("\xed\xa0\x80")) << 1007;
        QTest::newRow("overlong utf-8") << clientFrame(0x81, QByteArray("\xc0\xaf")) << 1007;
        QTest::newRow("truncated utf-8 at the end") << clientFrame(0x01, "ok") + clientFrame(0x80, QByteArray("\xe2\x82"))
                                                   << 1007;
        QTest::newRow("close with one byte") << clientFrame(0x88, "x") << 1002;
        QTest::newRow("close code 1005") << clientFrame(0x88, closePayload(1005)) << 1002;
        QTest::newRow("close code 999") << clientFrame(0x88, closePayload(999)) << 1002;
        QTest::newRow("close reason not utf-8") << clientFrame(0x88, closePayload(1000, "\xff")) << 1007;
        QTest::newRow("frame over the limit") << clientFrame(0x81, QByteArray(1025, 'z')) << 1009;
        QTest::newRow("message over the limit")
            << clientFrame(0x01, QByteArray(600, 'z')) + clientFrame(0x80, QByteArray(600, 'z')) << 1009;
    }

    void clientRulesAreEnforced()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(int, code);
        const std::optional<FrameReader::Item> error = firstError(bytes, 1024);
        QVERIFY(error);
        QCOMPARE(int(error->code), code);
        QVERIFY(!error->text.isEmpty());
    }

    void oversizedFrameIsRefusedOnItsHeader()
    {
        // Only the header of a 1 GiB frame has arrived: the reader must not wait for (or hold) it.
        QByteArray header = clientFrame(0x82, QByteArray()).first(1);
        header.append(char(0x80 | 127));
        char length[8];
        qToBigEndian(quint64(1) << 30, length);
        header.append(length, 8);
        header.append("abcd", 4);
        FrameReader reader(1 << 20);
        reader.append(header);
        const std::optional<FrameReader::Item> item = reader.next();
        QVERIFY(item);
        QCOMPARE(item->kind, FrameReader::Kind::Error);
        QCOMPARE(item->code, quint16(1009));
        QVERIFY(!reader.next());
        QCOMPARE(reader.bufferedBytes(), 0);
    }

    void closeWithoutCode()
    {
        FrameReader reader(1024);
        reader.append(clientFrame(0x88, QByteArray()));
        const std::optional<FrameReader::Item> item = reader.next();
        QVERIFY(item);
        QCOMPARE(item->kind, FrameReader::Kind::Close);
        QCOMPARE(item->code, quint16(CloseNoStatus));
    }

    void serverFrameHeaders()
    {
        QCOMPARE(webSocketServerFrame(0x1, "hi"), QByteArray("\x81\x02hi"));
        const QByteArray medium = webSocketServerFrame(0x1, QByteArray(200, 'a'));
        QCOMPARE(medium.left(4), QByteArray("\x81\x7e\x00\xc8", 4));
        QCOMPARE(medium.size(), 204);
        const QByteArray large = webSocketServerFrame(0x2, QByteArray(70000, 'a'));
        QCOMPARE(large.left(10), QByteArray("\x82\x7f\x00\x00\x00\x00\x00\x01\x11\x70", 10));
        const PreparedText prepared(QByteArray("{\"x\":1}"));
        QCOMPARE(prepared.serverFrame(), QByteArray("\x81\x07{\"x\":1}"));
        // Built once: every receiver gets the same buffer.
        QCOMPARE(prepared.serverFrame().constData(), prepared.serverFrame().constData());
    }

    void upgradeAccepted()
    {
        // The example of RFC 6455, section 1.3.
        QCOMPARE(UpgradeRequest::acceptKey("dGhlIHNhbXBsZSBub25jZQ=="), QByteArray("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
        const QByteArray request = "GET /chat HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\n"
                                   "Connection: keep-alive, Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                   "Sec-WebSocket-Version: 13\r\n\r\n";
        for (qsizetype split = 0; split < request.size(); ++split)
            QCOMPARE(UpgradeRequest::parse(QByteArrayView(request).first(split)).state,
                     UpgradeRequest::State::Incomplete);
        const UpgradeRequest parsed = UpgradeRequest::parse(request + "\x81");
        QCOMPARE(parsed.state, UpgradeRequest::State::Accepted);
        QCOMPARE(parsed.headerBytes, request.size());
        QVERIFY(parsed.response.startsWith("HTTP/1.1 101 Switching Protocols\r\n"));
        QVERIFY(parsed.response.contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"));
    }

    void upgradeRefused_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<QByteArray>("status");
        const QByteArray key = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
        const QByteArray upgrade = "Upgrade: websocket\r\nConnection: Upgrade\r\n";
        QTest::newRow("no key") << "GET / HTTP/1.1\r\n" + upgrade + "Sec-WebSocket-Version: 13\r\n\r\n" << QByteArray("400");
        QTest::newRow("short key") << "GET / HTTP/1.1\r\n" + upgrade + "Sec-WebSocket-Key: YWJj\r\nSec-WebSocket-Version: 13\r\n\r\n"
                                   << QByteArray("400");
        QTest::newRow("version 8") << "GET / HTTP/1.1\r\n" + upgrade + key + "Sec-WebSocket-Version: 8\r\n\r\n" << QByteArray("426");
        QTest::newRow("plain GET") << QByteArray("GET / HTTP/1.1\r\nHost: x\r\n\r\n") << QByteArray("426");
        QTest::newRow("POST") << "POST / HTTP/1.1\r\n" + upgrade + key + "Sec-WebSocket-Version: 13\r\n\r\n" << QByteArray("405");
        QTest::newRow("HTTP/1.0") << "GET / HTTP/1.0\r\n" + upgrade + key + "Sec-WebSocket-Version: 13\r\n\r\n" << QByteArray("400");
        QTest::newRow("garbage") << QByteArray("hello\r\n\r\n") << QByteArray("400");
        QTest::newRow("bad header line") << "GET / HTTP/1.1\r\nnocolon\r\n" + upgrade + key + "\r\n" << QByteArray("400");
        QTest::newRow("oversized") << "GET / HTTP/1.1\r\nX-Padding: " + QByteArray(UpgradeRequest::MaxBytes, 'p')
                                   << QByteArray("431");
    }

    void upgradeRefused()
    {
        QFETCH(QByteArray, request);
        QFETCH(QByteArray, status);
        const UpgradeRequest parsed = UpgradeRequest::parse(request);
        QCOMPARE(parsed.state, UpgradeRequest::State::Refused);
        QVERIFY2(parsed.response.startsWith("HTTP/1.1 " + status + ' '), parsed.response.constData());
        QVERIFY(!parsed.problem.isEmpty());
        QVERIFY(parsed.response.endsWith(parsed.problem.toUtf8() + '\n'));
    }
};

QTEST_GUILESS_MAIN(TestFrameReader)
#include "tst_framereader.moc"
