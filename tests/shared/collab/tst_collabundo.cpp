// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
//
// UndoManager: each user undoes and redoes only their own edits, through normal updates.
#include "document.h"
#include "undomanager.h"

#include <QRandomGenerator>
#include <QTest>

using namespace Cohort::Collab;

namespace {

QString only(const QString &text, bool upper)
{
    QString out;
    for (QChar c : text) {
        if (c.isUpper() == upper)
            out.append(c);
    }
    return out;
}

/// The text after applying `changes` in order, as an editor patches its copy.
QString patched(QString text, const QList<TextChange> &changes)
{
    for (const TextChange &change : changes)
        text.replace(change.position, change.removed, change.inserted);
    return text;
}

} // namespace

class TestCollabUndo : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void undoInsertKeepsOthersText()
    {
        Document a(1);
        Document b(2);
        UndoManager undo(a);
        b.apply(a.insert(0, u"hello"));
        undo.stopCapturing();
        b.apply(a.insert(5, u" world"));
        a.apply(b.insert(0, u"XYZ "));
        a.apply(b.insert(9, u"!")); // inside A's " world"
        QCOMPARE(a.text(), QStringLiteral("XYZ hello! world"));

        QVERIFY(undo.canUndo());
        b.apply(undo.undo());
        QCOMPARE(a.text(), QStringLiteral("XYZ hello!"));
        QCOMPARE(b.text(), a.text());
        b.apply(undo.undo());
        QCOMPARE(a.text(), QStringLiteral("XYZ !"));
        QCOMPARE(b.text(), a.text());
        QVERIFY(!undo.canUndo());
        QVERIFY(undo.undo().isEmpty());

        QVERIFY(undo.canRedo());
        b.apply(undo.redo());
        QCOMPARE(a.text(), QStringLiteral("XYZ hello!"));
        b.apply(undo.redo());
        QCOMPARE(a.text(), QStringLiteral("XYZ hello! world"));
        QCOMPARE(b.text(), a.text());
        QVERIFY(!undo.canRedo());
    }

    void undoDeleteReinsertsWhereNeighboursAre()
    {
        Document a(1);
        Document b(2);
        UndoManager undo(a);
        b.apply(a.insert(0, u"one two three"));
        undo.stopCapturing();
        b.apply(a.remove(4, 4)); // "two "
        QCOMPARE(a.text(), QStringLiteral("one three"));
        a.apply(b.insert(0, u">> "));
        a.apply(b.insert(a.length(), u" <<"));
        b.apply(undo.undo());
        QCOMPARE(a.text(), QStringLiteral(">> one two three <<"));
        QCOMPARE(b.text(), a.text());
        b.apply(undo.redo());
        QCOMPARE(a.text(), QStringLiteral(">> one three <<"));
        QCOMPARE(b.text(), a.text());
        b.apply(undo.undo());
        QCOMPARE(a.text(), QStringLiteral(">> one two three <<"));
    }

    // An editor patches exactly the ranges an undo or redo touched, not a diff of the texts.
    void undoReportsItsChanges()
    {
        Document a(1);
        Document b(2);
        UndoManager undo(a);
        b.apply(a.insert(0, u"hello"));
        undo.stopCapturing();
        b.apply(a.insert(5, u" world"));
        a.apply(b.insert(0, u"XYZ "));
        a.apply(b.insert(12, u"!")); // splits A's " world"
        QCOMPARE(a.text(), QStringLiteral("XYZ hello wo!rld"));

        QList<TextChange> changes{{0, 0, QStringLiteral("stale")}};
        b.apply(undo.undo(&changes));
        QCOMPARE(a.text(), QStringLiteral("XYZ hello!"));
        QCOMPARE(changes, (QList<TextChange>{{13, 3, {}}, {9, 3, {}}}));
        b.apply(undo.redo(&changes));
        QCOMPARE(a.text(), QStringLiteral("XYZ hello wo!rld"));
        QCOMPARE(changes, (QList<TextChange>{{9, 0, QStringLiteral(" wo")}, {13, 0, QStringLiteral("rld")}}));
        QCOMPARE(b.text(), a.text());

        // Undoing a delete reports the text it inserts again.
        undo.stopCapturing();
        b.apply(a.remove(0, 4));
        b.apply(undo.undo(&changes));
        QCOMPARE(changes, (QList<TextChange>{{0, 0, QStringLiteral("XYZ ")}}));
        QCOMPARE(a.text(), QStringLiteral("XYZ hello wo!rld"));
        // Nothing to redo: no changes, whatever the list held.
        while (undo.canRedo())
            undo.redo();
        changes = {{0, 0, QStringLiteral("stale")}};
        QVERIFY(undo.redo(&changes).isEmpty());
        QVERIFY(changes.isEmpty());
    }

    // Undoing a step whose characters others have all deleted would change nothing: the
    // manager goes on to the step before it, so callers need no loop.
    void undoSkipsStepsOthersRemoved()
    {
        Document a(1);
        Document b(2);
        UndoManager undo(a);
        b.apply(a.insert(0, u"one "));
        undo.stopCapturing();
        b.apply(a.insert(4, u"two"));
        undo.stopCapturing();
        b.apply(a.insert(7, u" three"));
        a.apply(b.remove(4, 9)); // "two three"
        a.apply(b.insert(4, u"B"));
        QCOMPARE(a.text(), QStringLiteral("one B"));

        QList<TextChange> changes;
        const QByteArray update = undo.undo(&changes);
        QVERIFY(!update.isEmpty());
        QCOMPARE(changes, (QList<TextChange>{{0, 4, {}}}));
        QCOMPARE(a.text(), QStringLiteral("B"));
        QVERIFY(!undo.canUndo());
        b.apply(update);
        QCOMPARE(b.text(), a.text());
        // The skipped steps left nothing to redo either.
        b.apply(undo.redo());
        QCOMPARE(a.text(), QStringLiteral("one B"));
        QVERIFY(!undo.canRedo());

        // Inside the caller's transaction too.
        a.apply(b.remove(0, 4));
        undo.stopCapturing();
        b.apply(a.insert(1, u"!"));
        undo.stopCapturing();
        b.apply(a.insert(2, u"?"));
        a.apply(b.remove(2, 1));
        QCOMPARE(a.text(), QStringLiteral("B!"));
        a.beginTransaction();
        undo.undo();
        QCOMPARE(a.text(), QStringLiteral("B"));
        b.apply(a.commitTransaction());
        QCOMPARE(b.text(), a.text());
    }

    // Every undone delete is remembered (to undo the re-inserted text later), indexed by
    // range; with thousands of them an undo/redo cycle must still revert exactly its own step.
    void undoRedoAfterManyUndoneDeletes()
    {
        Document doc(1);
        UndoManager undo(doc, 0);
        for (int i = 0; i < 5000; ++i) {
            doc.insert(doc.length(), u"ab");
            doc.remove(doc.length() - 1, 1);
            undo.undo();
        }
        const QString before = doc.text();
        QCOMPARE(before.size(), 2 * 5000);
        doc.insert(0, u"z");
        for (int i = 0; i < 200; ++i) {
            undo.undo();
            QCOMPARE(doc.text(), before);
            undo.redo();
            QCOMPARE(doc.text(), QLatin1Char('z') + before);
        }
    }

    void editsGroupWithinTheWindow()
    {
        Document doc(1);
        UndoManager grouped(doc, 60000);
        doc.insert(0, u"a");
        doc.insert(1, u"b");
        doc.remove(0, 1);
        doc.insert(1, u"c");
        QCOMPARE(doc.text(), QStringLiteral("bc"));
        doc.beginTransaction();
        grouped.undo();
        QVERIFY(doc.commitTransaction().size() > 0);
        QCOMPARE(doc.text(), QString());
        QVERIFY(!grouped.canUndo());
        grouped.redo();
        QCOMPARE(doc.text(), QStringLiteral("bc"));

        Document other(2);
        UndoManager separate(other, 0);
        other.insert(0, u"a");
        other.insert(1, u"b");
        separate.undo();
        QCOMPARE(other.text(), QStringLiteral("a"));
    }

    // An editor replaces its document (say, after a reload) and its undo manager.
    void replacingDocumentAndManager()
    {
        Document doc(1);
        auto undo = std::make_unique<UndoManager>(doc);
        doc.insert(0, u"old");
        Document other(2);
        other.apply(doc.encodeDiff({}));
        std::optional<Document> reloaded = Document::decode(3, other.encodeState());
        QVERIFY(reloaded.has_value());
        doc = std::move(*reloaded);
        auto fresh = std::make_unique<UndoManager>(doc);
        undo = std::move(fresh); // the old manager goes after the new one attached
        doc.insert(3, u" new");
        QVERIFY(undo->canUndo());
        undo->undo();
        QCOMPARE(doc.text(), QStringLiteral("old"));
    }

    void newEditClearsRedo()
    {
        Document doc(1);
        UndoManager undo(doc);
        doc.insert(0, u"abc");
        undo.undo();
        QVERIFY(undo.canRedo());
        doc.insert(0, u"x");
        QVERIFY(!undo.canRedo());
        undo.clear();
        QVERIFY(!undo.canUndo());
    }

    // Two users edit at random, A (lowercase only) undoes and redoes at random: B's text
    // (uppercase) is never touched, both replicas agree, and undoing everything leaves
    // none of A's text.
    void randomInterleavingTouchesOnlyOwnEdits()
    {
        QRandomGenerator rng(99);
        Document a(1);
        Document b(2);
        UndoManager undo(a, 0);
        auto removeOwn = [&rng](Document &doc, bool upper) -> QByteArray {
            const QString text = doc.text();
            QList<qsizetype> mine;
            for (qsizetype i = 0; i < text.size(); ++i) {
                if (text[i].isUpper() == upper)
                    mine.append(i);
            }
            if (mine.isEmpty())
                return {};
            return doc.remove(mine.at(rng.bounded(int(mine.size()))), 1);
        };
        for (int step = 0; step < 600; ++step) {
            const int action = rng.bounded(10);
            QByteArray fromA;
            QByteArray fromB;
            if (action < 3) {
                fromA = a.insert(rng.bounded(int(a.length()) + 1), QString(QChar(u'a' + rng.bounded(26))));
            } else if (action < 4) {
                fromA = removeOwn(a, false);
            } else if (action < 6) {
                fromB = b.insert(rng.bounded(int(b.length()) + 1), QString(QChar(u'A' + rng.bounded(26))));
            } else if (action < 7) {
                fromB = removeOwn(b, true);
            } else {
                // What the undo manager reports patches the text before into the text after.
                const QString before = a.text();
                QList<TextChange> changes;
                fromA = action < 9 ? undo.undo(&changes) : undo.redo(&changes);
                QCOMPARE(patched(before, changes), a.text());
            }
            // Sometimes both edit before hearing of each other.
            if (rng.bounded(3) == 0) {
                const QByteArray extra = b.insert(rng.bounded(int(b.length()) + 1), u"Q");
                a.apply(extra);
            }
            if (!fromA.isEmpty())
                QVERIFY(b.apply(fromA).ok());
            if (!fromB.isEmpty())
                QVERIFY(a.apply(fromB).ok());
            QCOMPARE(a.text(), b.text());
        }
        const QString upperBefore = only(b.text(), true);
        while (undo.canUndo())
            b.apply(undo.undo());
        QCOMPARE(a.text(), b.text());
        QCOMPARE(only(a.text(), false), QString());
        QCOMPARE(only(a.text(), true), upperBefore);
    }
};

QTEST_GUILESS_MAIN(TestCollabUndo)
#include "tst_collabundo.moc"
