// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
//
// Randomized convergence of the collaborative engine: simulated peers edit concurrently,
// messages arrive in random order, some twice, peers go offline and catch up by version and
// diff. Fixed seeds, so a failure replays.
#include "document.h"

#include <QRandomGenerator>
#include <QSet>
#include <QTest>

using namespace Cohort::Collab;

namespace {

QString randomText(QRandomGenerator &rng)
{
    static const QString astral = QString::fromUcs4(U"\U0001F600\U00010348");
    switch (rng.bounded(6)) {
    case 0:
        return astral.mid(2 * rng.bounded(2), 2);
    case 1:
        return QStringLiteral("é");
    default: {
        QString text;
        const int n = 1 + rng.bounded(4);
        for (int i = 0; i < n; ++i)
            text.append(QChar(u'a' + rng.bounded(26)));
        return text;
    }
    }
}

void patch(QString &shadow, const QList<TextChange> &changes)
{
    for (const TextChange &change : changes) {
        QVERIFY(change.position >= 0 && change.position + change.removed <= shadow.size());
        shadow.replace(change.position, change.removed, change.inserted);
    }
}

bool wellFormed(const QString &text)
{
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (text[i].isHighSurrogate() && i + 1 < text.size() && text[i + 1].isLowSurrogate())
            ++i;
        else if (text[i].isSurrogate())
            return false;
    }
    return true;
}

struct Message
{
    int id = 0;
    QByteArray update;
};

struct Peer
{
    explicit Peer(AgentId agent) : doc(agent) {}
    Document doc;
    QString shadow;           // patched with every apply's TextChange list
    QList<Message> inbox;
    QSet<int> seen;           // ids of the local edits whose effects this peer has received
    bool online = true;
};

} // namespace

class TestCollabConvergence : public QObject
{
    Q_OBJECT

private:
    static void deliver(Peer &peer, const QByteArray &update)
    {
        const ApplyResult result = peer.doc.apply(update);
        QVERIFY(result.ok());
        patch(peer.shadow, result.changes);
        QCOMPARE(peer.shadow, peer.doc.text());
    }

    // Both directions of a reconnect: each side sends what the other lacks.
    static void sync(Peer &a, Peer &b)
    {
        const QByteArray forB = a.doc.encodeDiff(b.doc.version());
        const QByteArray forA = b.doc.encodeDiff(a.doc.version());
        const QSet<int> seenA = a.seen;
        deliver(b, forB);
        deliver(a, forA);
        a.seen.unite(b.seen);
        b.seen.unite(seenA);
    }

    static void checkSameSeenSameText(const std::vector<std::unique_ptr<Peer>> &peers)
    {
        for (std::size_t i = 0; i < peers.size(); ++i) {
            for (std::size_t j = i + 1; j < peers.size(); ++j) {
                const Peer &a = *peers[i];
                const Peer &b = *peers[j];
                if (a.seen == b.seen && a.doc.pendingLength() == 0 && b.doc.pendingLength() == 0)
                    QCOMPARE(a.doc.text(), b.doc.text());
            }
        }
    }

private Q_SLOTS:
    void randomPeers_data()
    {
        QTest::addColumn<quint32>("seed");
        QTest::addColumn<int>("peerCount");
        QTest::addColumn<int>("steps");
        QTest::newRow("3 peers") << 1u << 3 << 1500;
        QTest::newRow("4 peers") << 2u << 4 << 1500;
        QTest::newRow("5 peers") << 3u << 5 << 1500;
        QTest::newRow("6 peers") << 4u << 6 << 1500;
        QTest::newRow("8 peers") << 5u << 8 << 2000;
        QTest::newRow("8 peers, other seed") << 6u << 8 << 2000;
        QTest::newRow("7 peers, long") << 7u << 7 << 3000;
        QTest::newRow("3 peers, long") << 8u << 3 << 3000;
        QTest::newRow("4 peers, long") << 9u << 4 << 3000;
        QTest::newRow("5 peers, long") << 10u << 5 << 3000;
    }

    void randomPeers()
    {
        QFETCH(quint32, seed);
        QFETCH(int, peerCount);
        QFETCH(int, steps);
        QRandomGenerator rng(seed);
        std::vector<std::unique_ptr<Peer>> peers;
        for (int i = 0; i < peerCount; ++i)
            peers.push_back(std::make_unique<Peer>(AgentId(1000 + rng.bounded(1000) * 8 + i)));
        int nextMessage = 0;

        for (int step = 0; step < steps; ++step) {
            Peer &peer = *peers[std::size_t(rng.bounded(peerCount))];
            const int action = rng.bounded(100);
            if (action < 40) {
                // A local edit, broadcast to the online peers (sometimes twice).
                const qsizetype length = peer.doc.length();
                QByteArray update;
                if (length > 0 && rng.bounded(3) == 0) {
                    const qsizetype position = rng.bounded(int(length));
                    update = peer.doc.remove(position, 1 + rng.bounded(std::min<int>(5, int(length - position))));
                } else if (rng.bounded(4) == 0) {
                    peer.doc.beginTransaction();
                    peer.doc.insert(rng.bounded(int(length) + 1), randomText(rng));
                    peer.doc.insert(rng.bounded(int(peer.doc.length()) + 1), randomText(rng));
                    update = peer.doc.commitTransaction();
                } else {
                    update = peer.doc.insert(rng.bounded(int(length) + 1), randomText(rng));
                }
                peer.shadow = peer.doc.text();
                QVERIFY(wellFormed(peer.shadow));
                const int id = nextMessage++;
                peer.seen.insert(id);
                if (!peer.online || update.isEmpty())
                    continue;
                for (auto &other : peers) {
                    if (other.get() == &peer || !other->online)
                        continue;
                    other->inbox.append({id, update});
                    if (rng.bounded(10) == 0)
                        other->inbox.append({id, update});
                }
            } else if (action < 85) {
                // Deliver one waiting message, picked at random.
                if (peer.inbox.isEmpty())
                    continue;
                const Message message = peer.inbox.takeAt(rng.bounded(int(peer.inbox.size())));
                deliver(peer, message.update);
                if (QTest::currentTestFailed())
                    return;
                peer.seen.insert(message.id);
                QVERIFY(wellFormed(peer.doc.text()));
            } else if (action < 90 && peer.online) {
                // Offline for a while: misses messages; its own edits stay local.
                peer.online = false;
                peer.inbox.clear();
            } else if (action < 95 && !peer.online) {
                // Back online: one diff each way with every online peer.
                peer.online = true;
                for (auto &other : peers) {
                    if (other.get() != &peer && other->online)
                        sync(peer, *other);
                }
            }
            checkSameSeenSameText(peers);
            if (QTest::currentTestFailed())
                return;
        }

        // Everyone back, every message delivered, everyone synced: one text.
        for (auto &peer : peers) {
            while (!peer->inbox.isEmpty())
                deliver(*peer, peer->inbox.takeAt(rng.bounded(int(peer->inbox.size()))).update);
        }
        for (auto &a : peers) {
            for (auto &b : peers) {
                if (a != b)
                    sync(*a, *b);
            }
        }
        for (auto &peer : peers) {
            QCOMPARE(peer->doc.pendingLength(), 0);
            QCOMPARE(peer->doc.text(), peers.front()->doc.text());
            QCOMPARE(peer->doc.version(), peers.front()->doc.version());
        }
        QVERIFY(peers.front()->doc.length() > 0);
    }

    // Every update of a run delivered to fresh replicas in several random orders, with
    // duplicates: the same text every time.
    void anyDeliveryOrder()
    {
        QRandomGenerator rng(42);
        std::vector<std::unique_ptr<Peer>> peers;
        for (int i = 0; i < 4; ++i)
            peers.push_back(std::make_unique<Peer>(AgentId(10 + i)));
        QList<QByteArray> all;
        for (int step = 0; step < 400; ++step) {
            Peer &peer = *peers[std::size_t(rng.bounded(4))];
            if (rng.bounded(2) == 0) {
                // Mostly concurrent: apply someone else's earlier update first now and then.
                if (!all.isEmpty())
                    peer.doc.apply(all.at(rng.bounded(int(all.size()))));
            }
            const qsizetype length = peer.doc.length();
            if (length > 3 && rng.bounded(3) == 0)
                all.append(peer.doc.remove(rng.bounded(int(length)), 1 + rng.bounded(3)));
            else
                all.append(peer.doc.insert(rng.bounded(int(length) + 1), randomText(rng)));
        }
        all.removeIf([](const QByteArray &u) { return u.isEmpty(); });
        QString expected;
        for (int round = 0; round < 5; ++round) {
            QList<QByteArray> order = all + all.mid(0, 50);
            for (qsizetype i = order.size() - 1; i > 0; --i)
                order.swapItemsAt(i, rng.bounded(int(i + 1)));
            Peer fresh(999);
            for (const QByteArray &update : std::as_const(order))
                deliver(fresh, update);
            QCOMPARE(fresh.doc.pendingLength(), 0);
            if (round == 0)
                expected = fresh.doc.text();
            QCOMPARE(fresh.doc.text(), expected);
        }
        for (auto &peer : peers) {
            for (const QByteArray &update : std::as_const(all))
                peer->doc.apply(update);
            QCOMPARE(peer->doc.text(), expected);
        }
    }

    // Two peers type a word each at the same place: the words never interleave.
    void concurrentTypingDoesNotInterleave_data()
    {
        QTest::addColumn<AgentId>("first");
        QTest::addColumn<AgentId>("second");
        QTest::newRow("lower id types first") << AgentId(1) << AgentId(2);
        QTest::newRow("higher id types first") << AgentId(2) << AgentId(1);
    }

    void concurrentTypingDoesNotInterleave()
    {
        QFETCH(AgentId, first);
        QFETCH(AgentId, second);
        Document a(first);
        Document b(second);
        b.apply(a.insert(0, u"[]"));
        QList<QByteArray> fromA;
        QList<QByteArray> fromB;
        for (int i = 0; i < 3; ++i) {
            fromA.append(a.insert(1 + i, QString(QChar(u'a' + i))));
            fromB.append(b.insert(1 + i, QString(QChar(u'x' + i))));
        }
        for (const QByteArray &u : std::as_const(fromB))
            a.apply(u);
        for (const QByteArray &u : std::as_const(fromA))
            b.apply(u);
        QCOMPARE(a.text(), b.text());
        QVERIFY2(a.text() == QStringLiteral("[abcxyz]") || a.text() == QStringLiteral("[xyzabc]"), qPrintable(a.text()));

        // Typing backwards (each character before the previous one) keeps words whole too.
        Document c(first);
        Document e(second);
        e.apply(c.insert(0, u"<>"));
        fromA.clear();
        fromB.clear();
        for (int i = 0; i < 3; ++i) {
            fromA.append(c.insert(1, QString(QChar(u'c' - i))));
            fromB.append(e.insert(1, QString(QChar(u'z' - i))));
        }
        for (const QByteArray &u : std::as_const(fromB))
            c.apply(u);
        for (const QByteArray &u : std::as_const(fromA))
            e.apply(u);
        QCOMPARE(c.text(), e.text());
        QVERIFY2(c.text() == QStringLiteral("<abcxyz>") || c.text() == QStringLiteral("<xyzabc>"), qPrintable(c.text()));
    }

    // Concurrent typing at neighbouring places with different origins: each word stays whole
    // and in its place; three peers at one place give three whole words.
    void concurrentTypingAfterDifferentOrigins()
    {
        Document a(7);
        Document b(3);
        Document c(5);
        const QByteArray base = a.insert(0, u"hello world");
        b.apply(base);
        c.apply(base);
        QList<QByteArray> updates;
        for (int i = 0; i < 3; ++i) {
            updates.append(a.insert(5 + i, QString(QChar(u'A'))));
            updates.append(b.insert(6 + i, QString(QChar(u'B'))));
            updates.append(c.insert(5 + i, QString(QChar(u'C'))));
        }
        for (Document *doc : {&a, &b, &c}) {
            for (const QByteArray &u : std::as_const(updates))
                doc->apply(u);
        }
        QCOMPARE(a.text(), b.text());
        QCOMPARE(a.text(), c.text());
        const QString text = a.text();
        QVERIFY2(text.contains(QStringLiteral("AAA")) && text.contains(QStringLiteral("CCC")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral(" BBBworld")), qPrintable(text));
        QVERIFY2(text.startsWith(QStringLiteral("hello")), qPrintable(text));
    }
};

QTEST_GUILESS_MAIN(TestCollabConvergence)
#include "tst_collabconvergence.moc"
