// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
//
// One replica of the collaborative engine: local edits against a plain QString, UTF-16 and
// surrogate pairs, anchors, encodings, diffs by version, and hostile input.
#include "document.h"

#include <QRandomGenerator>
#include <QTest>

using namespace Cohort::Collab;

namespace {

const QString kSmile = QString::fromUcs4(U"\U0001F600");

QString randomWord(QRandomGenerator &rng)
{
    if (rng.bounded(5) == 0)
        return kSmile;
    QString word;
    const int n = 1 + rng.bounded(6);
    for (int i = 0; i < n; ++i)
        word.append(QChar(u'a' + rng.bounded(26)));
    return word;
}

/// A document with history: random edits by one agent.
Document randomDocument(AgentId agent, quint32 seed, int edits)
{
    QRandomGenerator rng(seed);
    Document doc(agent);
    for (int i = 0; i < edits; ++i) {
        const qsizetype length = doc.length();
        if (length > 0 && rng.bounded(3) == 0)
            doc.remove(rng.bounded(int(length)), 1 + rng.bounded(4));
        else
            doc.insert(rng.bounded(int(length) + 1), randomWord(rng));
    }
    return doc;
}

} // namespace

class TestCollabDocument : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // A single editor against a QString: every edit, both the local text and a second replica
    // that applies each update.
    void singleEditorMatchesModel()
    {
        QRandomGenerator rng(7);
        Document doc(1);
        Document mirror(2);
        QString model;
        for (int i = 0; i < 3000; ++i) {
            QByteArray update;
            if (!model.isEmpty() && rng.bounded(3) == 0) {
                const int position = rng.bounded(int(model.size()));
                const int count = 1 + rng.bounded(std::min<int>(8, int(model.size()) - position));
                update = doc.remove(position, count);
                model.remove(position, count);
            } else {
                const int position = rng.bounded(int(model.size()) + 1);
                QString word;
                for (int k = 0, n = 1 + rng.bounded(5); k < n; ++k)
                    word.append(QChar(u'a' + rng.bounded(26)));
                update = doc.insert(position, word);
                model.insert(position, word);
            }
            QCOMPARE(doc.text(), model);
            QCOMPARE(doc.length(), model.size());
            QVERIFY(mirror.apply(update).ok());
            QCOMPARE(mirror.text(), model);
        }
    }

    // An edit near the start changes the position of every chunk after it (the Fenwick tree
    // of chunk lengths); a lookup far below must still land on the right character. How much
    // it costs is measured by cohort-bench-random-edits, not here.
    void farLookupAfterEarlyEditsIsExact()
    {
        QRandomGenerator rng(11);
        Document doc(1);
        QString model;
        for (int i = 0; i < 20000; ++i) {
            const int at = rng.bounded(int(doc.length()) + 1);
            doc.insert(at, u"word ");
            model.insert(at, QStringLiteral("word "));
        }
        for (int i = 0; i < 2000; ++i) {
            const int at = rng.bounded(50);
            doc.insert(at, u"x");
            model.insert(at, QLatin1Char('x'));
            const qsizetype far = doc.length() - 1 - rng.bounded(50);
            const Anchor anchor = doc.anchorAt(far, Anchor::Side::StickToNext);
            QCOMPARE(doc.resolve(anchor), far);
            doc.insert(0, u"y");
            model.insert(0, QLatin1Char('y'));
            QCOMPARE(doc.resolve(anchor), far + 1);
        }
        QCOMPARE(doc.text(), model);
    }

    void sequentialTypingAndBackspace()
    {
        Document doc(1);
        Document mirror(2);
        const QString sentence = QStringLiteral("the quick brown fox");
        for (qsizetype i = 0; i < sentence.size(); ++i)
            mirror.apply(doc.insert(i, sentence.mid(i, 1)));
        for (int i = 0; i < 3; ++i)
            mirror.apply(doc.remove(doc.length() - 1, 1));
        mirror.apply(doc.insert(doc.length(), u"cat"));
        QCOMPARE(doc.text(), QStringLiteral("the quick brown cat"));
        QCOMPARE(mirror.text(), doc.text());
    }

    void transactionGivesOneUpdate()
    {
        Document doc(1);
        doc.beginTransaction();
        QVERIFY(doc.inTransaction());
        QVERIFY(doc.insert(0, u"hello").isEmpty());
        QVERIFY(doc.insert(5, u" world").isEmpty());
        QVERIFY(doc.remove(0, 1).isEmpty());
        const QByteArray update = doc.commitTransaction();
        QVERIFY(!doc.inTransaction());
        QVERIFY(!update.isEmpty());
        Document other(2);
        const ApplyResult result = other.apply(update);
        QVERIFY(result.ok());
        QCOMPARE(other.text(), QStringLiteral("ello world"));
        doc.beginTransaction();
        QVERIFY(doc.commitTransaction().isEmpty());
    }

    // A large update (a replace-all, a redo of a big paste) cut under a byte limit: every part
    // fits, the parts applied in order give the same text as the whole, no part leaves half a
    // surrogate pair, and the old text goes before the new one arrives.
    void splitUpdateFitsTheLimit()
    {
        Document a(1);
        Document b(2);
        Document c(3);
        QString base;
        for (int i = 0; i < 2000; ++i)
            base += QStringLiteral("line %1 ").arg(i) + (i % 7 == 0 ? kSmile : QString()) + QLatin1Char('\n');
        for (qsizetype at = 0; at < base.size(); at += 1000) {
            const QByteArray update = a.insert(at, QStringView(base).mid(at, 1000));
            QVERIFY(b.apply(update).ok());
            QVERIFY(c.apply(update).ok());
        }
        // Concurrently, c types at the start; b replaces everything in one transaction.
        const QByteArray concurrent = c.insert(0, u"c was here ");
        QString replacement;
        for (int i = 0; i < 16000; ++i)
            replacement += QStringLiteral("ça %1 ").arg(i) + kSmile;
        b.beginTransaction();
        b.remove(0, b.length());
        b.insert(0, u"gone soon");
        b.remove(0, 9);
        b.insert(0, replacement);
        const QByteArray whole = b.commitTransaction();
        QVERIFY(whole.size() > 200 * 1024);

        constexpr qsizetype limit = 8 * 1024;
        const QList<QByteArray> parts = Document::split(whole, limit);
        QVERIFY(parts.size() > whole.size() / limit);
        Document d(4);
        QVERIFY(d.apply(a.encodeDiff({})).ok());
        for (qsizetype i = 0; i < parts.size(); ++i) {
            QVERIFY2(parts[i].size() <= limit, qPrintable(QString::number(parts[i].size())));
            QVERIFY(c.apply(parts[i]).ok());
            QVERIFY(d.apply(parts[i]).ok());
            const QString text = d.text();
            for (qsizetype k = 0; k < text.size(); ++k) {
                QVERIFY(!text[k].isHighSurrogate() || (k + 1 < text.size() && text[k + 1].isLowSurrogate()));
                QVERIFY(!text[k].isLowSurrogate() || (k > 0 && text[k - 1].isHighSurrogate()));
            }
            if (i == 0) // the deletes came first
                QVERIFY(!d.text().contains(u"line"));
        }
        QCOMPARE(d.text(), b.text());
        QCOMPARE(d.pendingLength(), 0);
        QVERIFY(b.apply(concurrent).ok());
        QCOMPARE(c.text(), b.text());
        QCOMPARE(c.text().remove(QStringLiteral("c was here ")), replacement);

        // What fits stays as it is; nonsense and a limit without room for a character give nothing.
        const QByteArray small = a.insert(0, u"x");
        QCOMPARE(Document::split(small, limit), QList<QByteArray>{small});
        QVERIFY(Document::split(whole.left(whole.size() - 1), limit).isEmpty());
        QVERIFY(Document::split(whole, 40).isEmpty());
    }

    void outOfRangeIsClamped()
    {
        Document doc(1);
        doc.insert(100, u"abc");
        doc.insert(-4, u"<");
        doc.remove(2, 100);
        QCOMPARE(doc.text(), QStringLiteral("<a"));
        QVERIFY(doc.remove(5, 1).isEmpty());
    }

    // UTF-16 units, and no edit ever splits a surrogate pair.
    void surrogatePairsStayWhole()
    {
        Document doc(1);
        Document mirror(2);
        mirror.apply(doc.insert(0, QStringLiteral("a") + kSmile + QStringLiteral("b")));
        QCOMPARE(doc.length(), 4);
        mirror.apply(doc.insert(2, u"X")); // inside the pair: goes after it
        QCOMPARE(doc.text(), QStringLiteral("a") + kSmile + QStringLiteral("Xb"));
        mirror.apply(doc.remove(2, 1)); // half a pair: the whole pair goes
        QCOMPARE(doc.text(), QStringLiteral("aXb"));
        QCOMPARE(mirror.text(), doc.text());

        const QChar lone[] = {QChar(0xd800), QChar(u'z')};
        doc.insert(0, QStringView(lone, 2));
        QCOMPARE(doc.text().left(2), QString(QChar::ReplacementCharacter) + QStringLiteral("z"));

        // A remote insert right after a high surrogate is hostile and dropped.
        Document pairDoc(3);
        Document victim(5);
        victim.apply(pairDoc.insert(0, kSmile));
        // Agents [4, 3]; one run of agent 4, seq 0, length 1, a left origin (3, 0): the high
        // surrogate; text "!"; no deletes.
        const QByteArray evil = QByteArray::fromHex("5501" "020403" "01" "0000" "0a" "0101" "0121" "00");
        const ApplyResult result = victim.apply(evil);
        QVERIFY(result.ok());
        QVERIFY(result.changes.isEmpty());
        QCOMPARE(victim.text(), kSmile);
        // The same character after the low surrogate is fine.
        QByteArray fine = evil;
        fine[9] = 0x05; // zigzag(+1) << 1 | other agent
        QVERIFY(Document(6).apply(fine).ok());
        Document other(7);
        other.apply(pairDoc.encodeDiff({}));
        QCOMPARE(other.apply(fine).changes, (QList<TextChange>{{2, 0, QStringLiteral("!")}}));
    }

    // A hostile delete of half a pair deletes the whole pair, on every replica.
    void halfPairDeleteTakesThePair()
    {
        Document a(1);
        a.insert(0, QStringLiteral("x") + kSmile + QStringLiteral("y"));
        // Agent 1, no runs, deletes: agent 0, one range at seq 1 (the high surrogate), length 1.
        const QByteArray halfDelete = QByteArray::fromHex("5501" "0101" "00" "01" "00" "01" "0101");
        const ApplyResult result = a.apply(halfDelete);
        QVERIFY(result.ok());
        QCOMPARE(result.changes, (QList<TextChange>{{1, 2, {}}}));
        QCOMPARE(a.text(), QStringLiteral("xy"));
        // The low half alone (seq 2) too.
        Document b(2);
        Document source(1);
        const QByteArray typed = source.insert(0, QStringLiteral("x") + kSmile + QStringLiteral("y"));
        QVERIFY(b.apply(typed).ok());
        QVERIFY(b.apply(QByteArray::fromHex("5501" "0101" "00" "01" "00" "01" "0201")).ok());
        QCOMPARE(b.text(), QStringLiteral("xy"));
        Document c(3);
        QVERIFY(c.apply(a.encodeDiff({})).ok());
        QCOMPARE(c.text(), a.text());
        QCOMPARE(c.pendingLength(), 0);
    }

    void nonBmpRandomEditsConverge()
    {
        QRandomGenerator rng(11);
        Document a(1);
        Document b(2);
        for (int i = 0; i < 500; ++i) {
            Document &doc = rng.bounded(2) ? a : b;
            Document &other = (&doc == &a) ? b : a;
            const qsizetype length = doc.length();
            QByteArray update;
            if (length > 0 && rng.bounded(3) == 0)
                update = doc.remove(rng.bounded(int(length)), 1 + rng.bounded(3));
            else
                update = doc.insert(rng.bounded(int(length) + 1), rng.bounded(2) ? kSmile : QStringLiteral("x"));
            if (rng.bounded(2))
                other.apply(update);
            else
                other.apply(doc.encodeDiff(other.version()));
        }
        a.apply(b.encodeDiff(a.version()));
        b.apply(a.encodeDiff(b.version()));
        QCOMPARE(a.text(), b.text());
        const QString text = a.text();
        for (qsizetype i = 0; i < text.size(); ++i) {
            if (text[i].isHighSurrogate())
                QVERIFY(i + 1 < text.size() && text[++i].isLowSurrogate());
            else
                QVERIFY(!text[i].isSurrogate());
        }
    }

    void anchorsFollowRemoteEdits()
    {
        Document local(1);
        Document remote(2);
        remote.apply(local.insert(0, u"hello world"));
        // A selection of "world": [6, 11).
        const Anchor start = local.anchorAt(6, Anchor::Side::StickToNext);
        const Anchor end = local.anchorAt(11, Anchor::Side::StickToPrevious);
        const Anchor cursor = local.anchorAt(5, Anchor::Side::StickToPrevious);
        QCOMPARE(local.resolve(start), 6);
        QCOMPARE(local.resolve(end), 11);

        local.apply(remote.insert(0, u">> "));             // before
        QCOMPARE(local.resolve(start), 9);
        QCOMPARE(local.resolve(end), 14);
        QCOMPARE(local.resolve(cursor), 8);
        local.apply(remote.insert(remote.length(), u"!"));  // after
        QCOMPARE(local.resolve(end), 14);
        local.apply(remote.insert(9, u"big "));             // exactly at the start: goes before it
        QCOMPARE(local.text(), QStringLiteral(">> hello big world!"));
        QCOMPARE(local.resolve(start), 13);
        local.apply(remote.insert(8, u","));                // exactly at the cursor: goes after it
        QCOMPARE(local.resolve(cursor), 8);
        QCOMPARE(local.text().mid(local.resolve(start), local.resolve(end) - local.resolve(start)), QStringLiteral("world"));

        // Deleting the anchored characters: the anchors fall to where they were.
        local.apply(remote.remove(14, 3)); // "wor"
        QCOMPARE(local.text(), QStringLiteral(">> hello, big ld!"));
        QCOMPARE(local.resolve(start), 14);
        QCOMPARE(local.resolve(end), 16);
        local.apply(remote.remove(0, remote.length()));
        QCOMPARE(local.resolve(start), 0);
        QCOMPARE(local.resolve(end), 0);
        QCOMPARE(local.resolve(cursor), 0);
    }

    void anchorEdgesAndBytes()
    {
        Document doc(1);
        doc.insert(0, u"abc");
        const Anchor atStart = doc.anchorAt(0, Anchor::Side::StickToPrevious);
        const Anchor atEnd = doc.anchorAt(3, Anchor::Side::StickToNext);
        QVERIFY(!atStart.agent && !atEnd.agent);
        doc.insert(0, u"<");
        doc.insert(doc.length(), u">");
        QCOMPARE(doc.resolve(atStart), 0);
        QCOMPARE(doc.resolve(atEnd), 5);

        for (const Anchor &anchor : {atStart, doc.anchorAt(2, Anchor::Side::StickToNext), doc.anchorAt(2, Anchor::Side::StickToPrevious)}) {
            const auto back = Anchor::fromBytes(anchor.toBytes());
            QVERIFY(back.has_value());
            QCOMPARE(*back, anchor);
        }
        QVERIFY(!Anchor::fromBytes({}).has_value());
        QVERIFY(!Anchor::fromBytes(QByteArray("\x07", 1)).has_value());
        QVERIFY(!Anchor::fromBytes(QByteArray("\x02\x05", 2)).has_value());
        Anchor unknown;
        unknown.agent = 99;
        unknown.seq = 3;
        QCOMPARE(doc.resolve(unknown), doc.length());
    }

    void stateRoundTrip()
    {
        for (quint32 seed : {1u, 2u, 3u}) {
            Document a = randomDocument(1, seed, 800);
            Document b(2);
            b.apply(a.encodeDiff({}));
            for (int i = 0; i < 50; ++i) {
                a.apply(b.insert(i * 3 % (b.length() + 1), u"B"));
                b.apply(a.insert(i * 7 % (a.length() + 1), u"A"));
            }
            const QByteArray state = a.encodeState();
            std::optional<Document> reloaded = Document::decode(3, state);
            QVERIFY(reloaded.has_value());
            QCOMPARE(reloaded->text(), a.text());
            QCOMPARE(reloaded->version(), a.version());
            QCOMPARE(Document::decode(1, state)->encodeState(), state);

            // The reloaded replica edits on and still converges with the others.
            b.apply(reloaded->insert(5, u"after reload"));
            a.apply(reloaded->encodeDiff(a.version()));
            reloaded->apply(b.insert(0, u"B0"));
            a.apply(b.encodeDiff(a.version()));
            reloaded->apply(a.encodeDiff(reloaded->version()));
            QCOMPARE(a.text(), b.text());
            QCOMPARE(reloaded->text(), a.text());
        }
        std::optional<Document> empty = Document::decode(4, Document(5).encodeState());
        QVERIFY(empty.has_value());
        QCOMPARE(empty->length(), 0);
    }

    // Offline for a long time: one diff each way merges minutes of work.
    void offlineMergeByVersion()
    {
        Document a(1);
        Document b(2);
        b.apply(a.insert(0, u"shared start\n"));
        const QByteArray versionBeforeA = a.version();
        QRandomGenerator rng(5);
        QString typedByA;
        for (int i = 0; i < 400; ++i) {
            a.insert(a.length(), QStringLiteral("a%1 ").arg(i));
            if (i % 10 == 0)
                a.remove(rng.bounded(int(a.length())), 2);
            b.insert(rng.bounded(int(b.length()) + 1), u"b");
        }
        const QByteArray forB = a.encodeDiff(b.version());
        const QByteArray forA = b.encodeDiff(a.version());
        QVERIFY(forB.size() < a.encodeDiff({}).size() + 1);
        QVERIFY(b.apply(forB).ok());
        QVERIFY(a.apply(forA).ok());
        QCOMPARE(a.text(), b.text());
        QCOMPARE(a.version(), b.version());
        QVERIFY(a.version() != versionBeforeA);
        // Nothing left to send.
        Document c(3);
        c.apply(a.encodeDiff({}));
        QCOMPARE(c.text(), a.text());
        const ApplyResult again = a.apply(b.encodeDiff(a.version()));
        QVERIFY(again.ok());
        QVERIFY(again.changes.isEmpty());
    }

    void duplicatesAndBufferedUpdates()
    {
        Document a(1);
        QList<QByteArray> updates;
        for (int i = 0; i < 20; ++i)
            updates.append(a.insert(i, QString(QChar(u'a' + i))));
        updates.append(a.remove(3, 4));
        Document b(2);
        for (qsizetype i = updates.size() - 1; i >= 0; --i) {
            const ApplyResult result = b.apply(updates.at(i));
            QVERIFY(result.ok());
            if (i > 0)
                QVERIFY(result.changes.isEmpty());
        }
        QCOMPARE(b.pendingLength(), 0);
        QCOMPARE(b.text(), a.text());
        for (const QByteArray &update : std::as_const(updates)) {
            const ApplyResult result = b.apply(update);
            QVERIFY(result.ok());
            QVERIFY(result.changes.isEmpty());
        }
        QCOMPARE(b.text(), a.text());
    }

    void changesDescribeRemoteEdits()
    {
        Document a(1);
        Document b(2);
        b.apply(a.insert(0, u"hello world"));
        const ApplyResult inserted = b.apply(a.insert(5, u","));
        QCOMPARE(inserted.changes, (QList<TextChange>{{5, 0, QStringLiteral(",")}}));
        // "hello, " is three pieces of history (the comma came later): the removals come in
        // history order, each at its position at that moment.
        const ApplyResult removed = b.apply(a.remove(0, 7));
        QCOMPARE(removed.changes, (QList<TextChange>{{0, 5, {}}, {1, 1, {}}, {0, 1, {}}}));
        a.beginTransaction();
        a.insert(0, u"X");
        a.insert(a.length(), u"Y");
        const ApplyResult both = b.apply(a.commitTransaction());
        QString shadow = QStringLiteral("world");
        for (const TextChange &change : both.changes)
            shadow.replace(change.position, change.removed, change.inserted);
        QCOMPARE(shadow, QStringLiteral("XworldY"));
    }

    // What a server checks before applying: whose characters an update inserts.
    void summarizeNamesTheInsertingAgents()
    {
        Document a(11);
        Document b(22);
        b.apply(a.insert(0, u"hello"));
        b.beginTransaction();
        b.insert(5, u" world");
        b.remove(0, 1);
        const QByteArray update = b.commitTransaction();
        const std::optional<UpdateSummary> summary = Document::summarize(update);
        QVERIFY(summary.has_value());
        QCOMPARE(summary->inserts, (QList<UpdateSummary::Insert>{{22, 6}}));
        // a is named too: the delete and the origins refer to its characters.
        QVERIFY(summary->agents.contains(11));
        QVERIFY(summary->agents.contains(22));
        QCOMPARE(summary->insertedLength, 6);
        QCOMPARE(summary->deletedLength, 1);

        // A diff relays a's characters too; the server already has them.
        const std::optional<UpdateSummary> diff = Document::summarize(b.encodeDiff({}));
        QVERIFY(diff.has_value());
        QCOMPARE(diff->inserts.size(), 2);
        for (const UpdateSummary::Insert &insert : diff->inserts)
            QVERIFY(insert.agent == 22 || insert.end <= a.clock(insert.agent));
        QCOMPARE(a.clock(11), 5u);
        QCOMPARE(a.clock(99), 0u);
        QVERIFY(!Document::summarize(update.left(update.size() - 1)).has_value());
    }

    void malformedInputIsRejected()
    {
        Document source(1);
        source.insert(0, u"hello");
        const QByteArray update = source.insert(2, kSmile + QStringLiteral("xyz"));
        const QByteArray state = source.encodeState();
        Document doc(2);
        doc.apply(source.encodeDiff({}));
        const QString before = doc.text();
        const QByteArray versionBefore = doc.version();

        QCOMPARE(doc.apply({}).status, ApplyResult::Status::Malformed);
        QCOMPARE(doc.apply(QByteArray("garbage")).status, ApplyResult::Status::Malformed);
        for (qsizetype n = 0; n < update.size(); ++n)
            QCOMPARE(doc.apply(update.left(n)).status, ApplyResult::Status::Malformed);
        QVERIFY(!doc.apply(update + QByteArray("\0", 1)).ok());
        for (qsizetype n = 0; n < state.size(); ++n)
            QVERIFY(!Document::decode(3, state.left(n)).has_value());

        // Truncated varint, huge lengths, huge counts.
        QVERIFY(!doc.apply(QByteArray::fromHex("5501" "01" "ffffffffffffffffffff")).ok());
        QVERIFY(!doc.apply(QByteArray::fromHex("5501" "01" "07" "01" "00" "00" "ffffffffffff0f")).ok()); // run length 2^40
        QVERIFY(!doc.apply(QByteArray::fromHex("5501" "ffffffff0f")).ok());                              // 2^32 agents
        QVERIFY(!doc.apply(QByteArray::fromHex("5501" "01" "07" "ffffffff0f")).ok());                   // 2^32 runs
        QVERIFY(!Document::decode(3, QByteArray::fromHex("5301" "01" "07" "01" "00" "ffffffff0f")).has_value());
        // A few bytes claiming 2^25 + 1 deleted characters: over the document limit. The same
        // state with 5 deleted characters is fine.
        QVERIFY(!Document::decode(3, QByteArray::fromHex("5301" "0107" "01" "8280802000" "01" "d080808008" "00" "00" "00")).has_value());
        const std::optional<Document> small = Document::decode(3, QByteArray::fromHex("5301" "0107" "01" "0a00" "01" "d002" "00" "00" "00"));
        QVERIFY(small.has_value());
        QCOMPARE(small->length(), 0);
        // Runs but no agents to name them.
        QVERIFY(!Document::decode(3, QByteArray::fromHex("5301" "00" "00" "01" "60" "05" "00" "00")).has_value());
        QVERIFY(doc.encodeDiff(QByteArray("nonsense")).isEmpty());

        QCOMPARE(doc.text(), before);
        QCOMPARE(doc.version(), versionBefore);
        QCOMPARE(doc.pendingLength(), 0);
    }

    // References that never resolve wait in a bounded buffer, never in unbounded memory.
    void unresolvableReferencesStayBounded()
    {
        Document doc(1);
        doc.insert(0, u"base");
        for (int i = 0; i < 17000; ++i) {
            Document stranger(AgentId(100000 + i));
            // A second character whose first one never arrives: it waits forever.
            stranger.insert(0, u"x");
            const QByteArray second = stranger.insert(1, u"yyyyyyyyyy");
            const ApplyResult result = doc.apply(second);
            QVERIFY(result.ok());
            QVERIFY(result.changes.isEmpty());
            if (i > 2000 && i % 1000 == 0)
                QVERIFY(doc.pendingLength() <= 16384 * 10);
        }
        QVERIFY(doc.pendingLength() > 0);
        QVERIFY(doc.pendingLength() <= 16384 * 10);
        QCOMPARE(doc.text(), QStringLiteral("base"));
    }

    // Random bytes and mutated real updates: never a crash; a rejected update changes nothing.
    void fuzz()
    {
        QRandomGenerator rng(1234);
        QList<QByteArray> samples;
        Document source(77);
        Document peer(78);
        for (int i = 0; i < 60; ++i) {
            samples.append(source.insert(rng.bounded(int(source.length()) + 1), i % 7 ? QStringLiteral("ab") : kSmile));
            samples.append(peer.insert(rng.bounded(int(peer.length()) + 1), u"P"));
            if (source.length() > 4)
                samples.append(source.remove(rng.bounded(int(source.length()) - 2), 2));
            source.apply(samples.last());
        }
        samples.append(source.encodeDiff({}));
        samples.append(source.encodeDiff(peer.version()));
        const QByteArray state = source.encodeState();

        for (int round = 0; round < 3000; ++round) {
            Document target(5);
            target.apply(samples.at(0));
            QByteArray bytes;
            if (round % 4 == 0) {
                bytes.resize(1 + rng.bounded(64));
                for (char &c : bytes)
                    c = char(rng.bounded(256));
                if (rng.bounded(2))
                    bytes.prepend(QByteArray("U\x01", 2));
            } else {
                bytes = samples.at(rng.bounded(int(samples.size())));
                for (int flips = 1 + rng.bounded(3); flips > 0; --flips)
                    bytes[rng.bounded(int(bytes.size()))] = char(rng.bounded(256));
            }
            const QString before = target.text();
            const ApplyResult result = target.apply(bytes);
            if (!result.ok())
                QCOMPARE(target.text(), before);
            QString shadow = before;
            for (const TextChange &change : result.changes) {
                QVERIFY(change.position >= 0 && change.position + change.removed <= shadow.size());
                shadow.replace(change.position, change.removed, change.inserted);
            }
            QCOMPARE(shadow, target.text());
            // Whatever got in, the replica still works.
            target.insert(0, u"ok");
            QVERIFY(Document::decode(6, target.encodeState()).has_value());

            QByteArray mutatedState = state;
            mutatedState[rng.bounded(int(state.size()))] = char(rng.bounded(256));
            if (std::optional<Document> decoded = Document::decode(7, mutatedState))
                decoded->insert(0, u"ok");
        }
    }
};

QTEST_GUILESS_MAIN(TestCollabDocument)
#include "tst_collabdocument.moc"
