// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
//
// Randomized convergence of the collaborative engine: simulated peers edit concurrently,
// messages arrive in random order, some twice, peers go offline and catch up by version and
// diff. Fixed seeds, so a failure replays.
#include "document.h"

#include <QHash>
#include <QRandomGenerator>
#include <QSet>
#include <QTest>

#include <optional>

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

/// A deliberately naive replica: one item per character in a plain vector, positions by linear
/// search, and the YjsMod integration exactly as in Gentle's reference-crdts. The engine must
/// order text exactly like it, whatever its runs, chunks and shortcuts do.
class ReferenceReplica
{
public:
    struct Id
    {
        AgentId agent = 0;
        quint32 seq = 0;
        friend bool operator==(const Id &, const Id &) = default;
    };
    struct Item
    {
        Id id;
        std::optional<Id> left;
        std::optional<Id> right;
        QChar c;
        bool deleted = false;
    };
    struct Ops
    {
        std::vector<Item> inserts;
        std::vector<Id> deletes;
    };

    explicit ReferenceReplica(AgentId agent) : m_agent(agent) {}

    QString text() const
    {
        QString out;
        for (const Item &item : m_items) {
            if (!item.deleted)
                out.append(item.c);
        }
        return out;
    }

    Ops insert(qsizetype position, const QString &text)
    {
        Ops ops;
        qsizetype raw = 0; // the raw index right after the visible character before `position`
        for (qsizetype visible = 0; visible < position; ++raw) {
            if (!m_items[std::size_t(raw)].deleted)
                ++visible;
        }
        std::optional<Id> left = raw > 0 ? std::optional(m_items[std::size_t(raw - 1)].id) : std::nullopt;
        const std::optional<Id> right = raw < qsizetype(m_items.size()) ? std::optional(m_items[std::size_t(raw)].id) : std::nullopt;
        for (QChar c : text) {
            const Item item{{m_agent, m_clock[m_agent]++}, left, right, c, false};
            m_items.insert(m_items.begin() + raw++, item);
            ops.inserts.push_back(item);
            left = item.id;
        }
        return ops;
    }

    Ops remove(qsizetype position, qsizetype count)
    {
        Ops ops;
        qsizetype visible = 0;
        for (Item &item : m_items) {
            if (item.deleted)
                continue;
            if (visible >= position && visible < position + count) {
                item.deleted = true;
                ops.deletes.push_back(item.id);
            }
            ++visible;
        }
        return ops;
    }

    void apply(const Ops &ops)
    {
        m_pending.insert(m_pending.end(), ops.inserts.begin(), ops.inserts.end());
        m_pendingDeletes.insert(m_pendingDeletes.end(), ops.deletes.begin(), ops.deletes.end());
        for (bool progress = true; progress;) {
            progress = false;
            for (auto it = m_pending.begin(); it != m_pending.end();) {
                const Item &item = *it;
                if (item.id.seq < m_clock[item.id.agent]) {
                    it = m_pending.erase(it);
                } else if (item.id.seq == m_clock[item.id.agent] && known(item.left) && known(item.right)) {
                    integrate(item);
                    it = m_pending.erase(it);
                    progress = true;
                } else {
                    ++it;
                }
            }
        }
        for (auto it = m_pendingDeletes.begin(); it != m_pendingDeletes.end();) {
            if (it->seq < m_clock[it->agent]) {
                m_items[std::size_t(indexOf(*it))].deleted = true;
                it = m_pendingDeletes.erase(it);
            } else {
                ++it;
            }
        }
    }

private:
    bool known(const std::optional<Id> &id) { return !id || id->seq < m_clock[id->agent]; }

    qsizetype indexOf(const Id &id) const
    {
        for (std::size_t i = 0; i < m_items.size(); ++i) {
            if (m_items[i].id == id)
                return qsizetype(i);
        }
        qFatal("reference: unknown id");
    }

    void integrate(const Item &item)
    {
        const qsizetype left = item.left ? indexOf(*item.left) : -1;
        const qsizetype right = item.right ? indexOf(*item.right) : qsizetype(m_items.size());
        qsizetype dest = left + 1;
        bool scanning = false;
        for (qsizetype i = dest;; ++i) {
            if (!scanning)
                dest = i;
            if (i == qsizetype(m_items.size()) || i == right)
                break;
            const Item &other = m_items[std::size_t(i)];
            const qsizetype oleft = other.left ? indexOf(*other.left) : -1;
            const qsizetype oright = other.right ? indexOf(*other.right) : qsizetype(m_items.size());
            if (oleft < left)
                break;
            if (oleft == left) {
                if (oright < right) {
                    scanning = true;
                    continue;
                }
                if (oright == right) {
                    if (item.id.agent < other.id.agent)
                        break;
                    scanning = false;
                    continue;
                }
                scanning = false;
            }
        }
        m_items.insert(m_items.begin() + dest, item);
        ++m_clock[item.id.agent];
    }

    AgentId m_agent;
    std::vector<Item> m_items;
    QHash<AgentId, quint32> m_clock;
    std::vector<Item> m_pending;
    std::vector<Id> m_pendingDeletes;
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

    // Concurrent typing by several peers, random delivery: every replica's text equals the
    // naive reference implementation's after every delivery.
    void matchesReferenceImplementation_data()
    {
        QTest::addColumn<quint32>("seed");
        QTest::newRow("seed 1") << 1u;
        QTest::newRow("seed 2") << 2u;
        QTest::newRow("seed 3") << 3u;
        QTest::newRow("seed 4") << 4u;
    }

    void matchesReferenceImplementation()
    {
        QFETCH(quint32, seed);
        QRandomGenerator rng(seed);
        struct Replica
        {
            Document doc;
            ReferenceReplica reference;
            QList<std::pair<QByteArray, ReferenceReplica::Ops>> inbox;
        };
        std::vector<std::unique_ptr<Replica>> replicas;
        const int count = 3 + int(seed % 3);
        QSet<AgentId> used;
        for (int i = 0; i < count; ++i) {
            AgentId agent = 0;
            while (agent == 0 || used.contains(agent))
                agent = 100 + rng.bounded(900);
            used.insert(agent);
            replicas.push_back(std::make_unique<Replica>(Replica{Document(agent), ReferenceReplica(agent), {}}));
        }
        for (int step = 0; step < 1200; ++step) {
            Replica &r = *replicas[std::size_t(rng.bounded(count))];
            if (rng.bounded(2) == 0 && !r.inbox.isEmpty()) {
                const auto message = r.inbox.takeAt(rng.bounded(int(r.inbox.size())));
                QVERIFY(r.doc.apply(message.first).ok());
                r.reference.apply(message.second);
                QCOMPARE(r.doc.text(), r.reference.text());
                continue;
            }
            const qsizetype length = r.doc.length();
            QByteArray update;
            ReferenceReplica::Ops ops;
            if (length > 0 && rng.bounded(4) == 0) {
                const qsizetype position = rng.bounded(int(length));
                const qsizetype n = 1 + rng.bounded(std::min<int>(3, int(length - position)));
                update = r.doc.remove(position, n);
                ops = r.reference.remove(position, n);
            } else {
                // Words typed in one go, or character by character like a keyboard.
                const qsizetype position = rng.bounded(int(length) + 1);
                QString word;
                for (int k = 0, n = 1 + rng.bounded(4); k < n; ++k)
                    word.append(QChar(u'a' + rng.bounded(26)));
                update = r.doc.insert(position, word);
                ops = r.reference.insert(position, word);
            }
            QCOMPARE(r.doc.text(), r.reference.text());
            for (auto &other : replicas) {
                if (other.get() != &r) {
                    other->inbox.append({update, ops});
                    if (rng.bounded(8) == 0)
                        other->inbox.append({update, ops});
                }
            }
        }
        for (auto &r : replicas) {
            while (!r->inbox.isEmpty()) {
                const auto message = r->inbox.takeAt(rng.bounded(int(r->inbox.size())));
                r->doc.apply(message.first);
                r->reference.apply(message.second);
            }
            QCOMPARE(r->doc.text(), r->reference.text());
            QCOMPARE(r->doc.text(), replicas.front()->doc.text());
        }
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
