// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "collabeditor.h"
#include "codelanguages.h"
#include "remotecursors.h"
#include "undomanager.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QElapsedTimer>
#include <QKeyEvent>
#include <QMimeData>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>
#include <QVBoxLayout>

#include <algorithm>
#include <random>

using namespace Cohort;
using namespace Cohort::Ui;

namespace {

/// Collects what an editor emits, to deliver it to other replicas later.
struct Outbox
{
    explicit Outbox(CollabEditor *editor)
    {
        QObject::connect(editor, &CollabEditor::localUpdate, editor,
                         [this](const QByteArray &update) { updates.append(update); });
    }
    QList<QByteArray> take() { return std::exchange(updates, {}); }
    /// Applies (and forgets) what was collected; false if the replica refused an update.
    bool deliverTo(Collab::Document &replica)
    {
        const QList<QByteArray> pending = take();
        return std::all_of(pending.cbegin(), pending.cend(),
                           [&replica](const QByteArray &update) { return replica.apply(update).ok(); });
    }
    /// The text of a new replica given what was collected (forgetting it); "refused" if it
    /// refused an update.
    QString replayed()
    {
        Collab::Document replica(Collab::Document::randomAgent());
        return deliverTo(replica) ? replica.text() : QStringLiteral("refused");
    }
    QList<QByteArray> updates;
};

long sci(const CollabEditor &editor, unsigned int message, unsigned long wParam = 0, long lParam = 0)
{
    return editor.SendScintilla(message, wParam, lParam);
}

/// Types text like QTest::keyClicks, but any characters: a key press each, and characters
/// outside the BMP (emoji) through the input method, as a keyboard layout sends them.
void type(QWidget *widget, const QString &text)
{
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (text.at(i).isHighSurrogate()) {
            QInputMethodEvent commit;
            commit.setCommitString(text.mid(i, 2));
            QApplication::sendEvent(widget, &commit);
            ++i;
            continue;
        }
        QKeyEvent press(QEvent::KeyPress, Qt::Key_unknown, Qt::NoModifier, text.at(i));
        QApplication::sendEvent(widget, &press);
        QKeyEvent release(QEvent::KeyRelease, Qt::Key_unknown, Qt::NoModifier, text.at(i));
        QApplication::sendEvent(widget, &release);
    }
}

/// Where Scintilla itself puts a caret at `position` (bytes) now, as the overlay draws it.
QRect scintillaCaret(const CollabEditor &editor, long position)
{
    const long line = sci(editor, QsciScintillaBase::SCI_LINEFROMPOSITION, static_cast<unsigned long>(position));
    return QRect(int(sci(editor, QsciScintillaBase::SCI_POINTXFROMPOSITION, 0, position)) - 1,
                 int(sci(editor, QsciScintillaBase::SCI_POINTYFROMPOSITION, 0, position)), 2,
                 int(sci(editor, QsciScintillaBase::SCI_TEXTHEIGHT, static_cast<unsigned long>(line))));
}

/// The regions an editor's remote cursors' overlay was asked to paint.
struct PaintLog : QObject
{
    explicit PaintLog(CollabEditor &editor)
        : overlay(editor.viewport()->findChild<RemoteCursors *>())
    {
        if (overlay)
            overlay->installEventFilter(this);
        editor.SendScintilla(QsciScintillaBase::SCI_SETCARETPERIOD, 0UL); // the local caret's blink repaints too
    }
    bool eventFilter(QObject *, QEvent *event) override
    {
        if (event->type() == QEvent::Paint)
            painted += static_cast<QPaintEvent *>(event)->region();
        return false;
    }
    /// Waits until nothing has been painted for a while (at most 5 s), and forgets what was.
    bool waitUntilQuiet()
    {
        QElapsedTimer waited;
        waited.start();
        do {
            painted = {};
            QTest::qWait(150);
        } while (!painted.isEmpty() && waited.elapsed() < 5000);
        return painted.isEmpty();
    }
    RemoteCursors *overlay;
    QRegion painted;
};

QString selectedText(const CollabEditor &editor)
{
    const auto [anchor, caret] = editor.localSelectionPositions();
    return editor.document().text().mid(std::min(anchor, caret), std::abs(caret - anchor));
}

} // namespace

class TestCollabEditor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void typingBecomesEngineOperations();
    void nonAsciiAndNonBmpText();
    void positionsConvertOnEveryKindOfLine_data();
    void positionsConvertOnEveryKindOfLine();
    void autoIndentAndPaste();
    void dropInsertsText();
    void inputMethodComposition();
    void threeReplicasConverge();
    void remoteEditsKeepTheLocalSelection_data();
    void remoteEditsKeepTheLocalSelection();
    void remoteEditsKeepTheScrollPosition();
    void localSelectionAsAnchors();
    void undoRevertsOnlyOwnEdits();
    void undoSkipsStepsOthersRemoved();
    void undoPatchesOnlyTheRevertedText();
    void undoKeys();
    void caretMovesStartANewUndoStep();
    void replaceAllIsOneStep();
    void readOnlyRefusesEdits();
    void malformedUpdateChangesNothing();
    void remoteUpdateDuringALocalOne();
    void remoteCursorsFollowTheText();
    void aDeletedLongLineDoesNotLeaveTheViewScrolledAway();
    void aNameTagNearTheRightEdgeShowsWhole();
    void remoteCaretsAreDrawnWhereTheTextPutsThem();
    void aRecolouredOrRenamedCaretIsRepainted();
    void aRemoteKeystrokeRepaintsOnlyWhatMoved();
    void commentMarkersMoveWithTheText();
    void commentMarkersSurviveAReload();
    void commentMarkerClickIsReported();
    void loadsADecodedDocument();
};

void TestCollabEditor::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
}

void TestCollabEditor::typingBecomesEngineOperations()
{
    CollabEditor editor;
    editor.show();
    Outbox outbox(&editor);
    QTest::keyClicks(&editor, QStringLiteral("hello world"));
    QTest::keyClick(&editor, Qt::Key_Backspace);
    QTest::keyClick(&editor, Qt::Key_Home);
    QTest::keyClick(&editor, Qt::Key_Delete);
    QTest::keyClick(&editor, Qt::Key_End);
    QTest::keyClick(&editor, Qt::Key_Return);
    QTest::keyClicks(&editor, QStringLiteral("second line"));
    // Typing over a selection replaces it.
    editor.setLocalSelection(0, 4);
    QTest::keyClicks(&editor, QStringLiteral("J"));
    QCOMPARE(editor.text(), QStringLiteral("J worl\nsecond line"));
    QCOMPARE(editor.document().text(), editor.text());
    QCOMPARE(outbox.replayed(), editor.text());
}

void TestCollabEditor::nonAsciiAndNonBmpText()
{
    CollabEditor editor;
    Outbox outbox(&editor);
    editor.insert(QStringLiteral("a😀é中\nb😀"));
    const QString text = editor.document().text();
    QCOMPARE(text, QStringLiteral("a😀é中\nb😀"));
    // Deleting a non-BMP character with Backspace removes both of its UTF-16 units.
    editor.setLocalSelection(3, 3);
    QTest::keyClick(&editor, Qt::Key_Backspace);
    QCOMPARE(editor.document().text(), QStringLiteral("aé中\nb😀"));
    type(&editor, QStringLiteral("ü"));
    editor.setLocalSelection(text.size() - 3, text.size() - 3);
    QTest::keyClick(&editor, Qt::Key_Delete);
    QCOMPARE(editor.document().text(), QStringLiteral("aüé中\nb"));
    QCOMPARE(editor.text(), editor.document().text());

    Collab::Document replica(Collab::Document::randomAgent());
    QVERIFY(outbox.deliverTo(replica));
    QCOMPARE(replica.text(), editor.text());

    // Remote non-BMP text lands at the right byte position.
    QVERIFY(editor.applyRemote(replica.insert(1, QStringLiteral("🎉x"))));
    QCOMPARE(editor.text(), QStringLiteral("a🎉xüé中\nb"));
    QVERIFY(editor.applyRemote(replica.remove(4, 2)));
    QCOMPARE(editor.text(), QStringLiteral("a🎉x中\nb"));
    QCOMPARE(editor.document().text(), editor.text());
}

void TestCollabEditor::positionsConvertOnEveryKindOfLine_data()
{
    QTest::addColumn<QString>("text");
    QTest::newRow("mixed") << QStringLiteral("a\U0001F600\u00e9\u4e2d\nb\U0001F600");
    QTest::newRow("ascii, then not") << QStringLiteral("plain ascii\n\u00e9\u4e2d\U0001F600 x\nlast");
    QTest::newRow("not, then ascii") << QStringLiteral("\U0001F600\U0001F600\nascii\n\u00fc");
    QTest::newRow("empty last line") << QStringLiteral("\u4e2d\nascii\n");
    QTest::newRow("one long ascii line") << QString(5000, QLatin1Char('x'));
}

void TestCollabEditor::positionsConvertOnEveryKindOfLine()
{
    // Every character boundary converts both ways: UTF-16 units in the engine, bytes in Scintilla.
    QFETCH(QString, text);
    CollabEditor editor;
    Collab::Document peer(Collab::Document::randomAgent());
    QVERIFY(editor.applyRemote(peer.insert(0, text)));
    QCOMPARE(editor.text(), text);
    for (qsizetype i = 0; i <= text.size(); ++i) {
        if (i > 0 && text.at(i - 1).isHighSurrogate())
            continue;
        editor.setLocalSelection(i, i);
        QCOMPARE(sci(editor, QsciScintillaBase::SCI_GETCURRENTPOS), long(text.left(i).toUtf8().size()));
        QCOMPARE(editor.localSelectionPositions(), std::pair(i, i));
    }
    // Positions outside the text stop at its ends.
    editor.setLocalSelection(-3, text.size() + 9);
    QCOMPARE(editor.localSelectionPositions(), std::pair(qsizetype(0), text.size()));
}

void TestCollabEditor::autoIndentAndPaste()
{
    CollabEditor editor;
    editor.setLanguage(QStringLiteral("python"));
    editor.show();
    Outbox outbox(&editor);
    QTest::keyClicks(&editor, QStringLiteral("def f():"));
    QTest::keyClick(&editor, Qt::Key_Return);
    QTest::keyClicks(&editor, QStringLiteral("    x = 1"));
    QTest::keyClick(&editor, Qt::Key_Return);
    // Auto-indent inserted the indentation of the line above.
    QTest::keyClicks(&editor, QStringLiteral("y"));
    QCOMPARE(editor.text(), QStringLiteral("def f():\n    x = 1\n    y"));

    QApplication::clipboard()->setText(QStringLiteral("中😀é\n"));
    editor.setLocalSelection(0, 0);
    editor.paste();
    QCOMPARE(editor.text(), QStringLiteral("中😀é\ndef f():\n    x = 1\n    y"));
    editor.setLocalSelection(5, 8);
    editor.cut();
    QCOMPARE(QApplication::clipboard()->text(), QStringLiteral("def"));
    QCOMPARE(editor.document().text(), editor.text());
    QCOMPARE(outbox.replayed(), editor.text());
}

void TestCollabEditor::dropInsertsText()
{
    CollabEditor editor;
    editor.resize(400, 200);
    editor.show();
    QVERIFY(QTest::qWaitForWindowExposed(&editor));
    Outbox outbox(&editor);
    editor.insert(QStringLiteral("ab"));
    QMimeData data;
    data.setText(QStringLiteral("dropped é😀 "));
    // Dropped at the very start of the text (the left edge of the first line).
    const QPoint at(int(sci(editor, QsciScintillaBase::SCI_POINTXFROMPOSITION, 0, 0)) + 1,
                    int(sci(editor, QsciScintillaBase::SCI_TEXTHEIGHT, 0)) / 2);
    QDragEnterEvent enter(at, Qt::CopyAction, &data, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(editor.viewport(), &enter);
    QDragMoveEvent move(at, Qt::CopyAction, &data, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(editor.viewport(), &move);
    QDropEvent drop(at, Qt::CopyAction, &data, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(editor.viewport(), &drop);
    QCOMPARE(editor.text(), QStringLiteral("dropped é😀 ab"));
    QCOMPARE(editor.document().text(), editor.text());
    QCOMPARE(outbox.replayed(), editor.text());
}

void TestCollabEditor::inputMethodComposition()
{
    CollabEditor editor;
    editor.show();
    Collab::Document peer(Collab::Document::randomAgent());
    Outbox outbox(&editor);
    QVERIFY(editor.applyRemote(peer.insert(0, QStringLiteral("ab"))));
    editor.setLocalSelection(1, 1);
    auto compose = [&editor](const QString &preedit, const QString &commit) {
        QInputMethodEvent event(preedit, {});
        event.setCommitString(commit);
        QApplication::sendEvent(&editor, &event);
    };
    compose(QStringLiteral("n"), {});
    compose(QStringLiteral("ni"), {});
    QCOMPARE(editor.text(), QStringLiteral("anib"));
    QVERIFY(outbox.updates.isEmpty()); // the preedit is not sent
    // A remote edit during the composition waits for it.
    QVERIFY(editor.applyRemote(peer.insert(0, QStringLiteral("X"))));
    QCOMPARE(editor.text(), QStringLiteral("anib"));
    compose({}, QStringLiteral("你"));
    QCOMPARE(editor.text(), QStringLiteral("Xa你b"));
    QCOMPARE(editor.document().text(), editor.text());
    QCOMPARE(sci(editor, QsciScintillaBase::SCI_CANUNDO), 0L);
    QVERIFY(outbox.deliverTo(peer));
    QCOMPARE(peer.text(), editor.text());
    // A cancelled composition leaves nothing.
    compose(QStringLiteral("zh"), {});
    compose({}, {});
    QCOMPARE(editor.text(), QStringLiteral("Xa你b"));
    QVERIFY(outbox.updates.isEmpty());
    editor.undo();
    QCOMPARE(editor.text(), QStringLiteral("Xab"));
    QVERIFY(outbox.deliverTo(peer));

    // Composing over a selection replaces it, once the composition commits.
    editor.setLocalSelection(1, 3);
    compose(QStringLiteral("sh"), {});
    QVERIFY(outbox.updates.isEmpty());
    compose({}, QStringLiteral("世界😀"));
    QCOMPARE(editor.text(), QStringLiteral("X世界😀"));
    QCOMPARE(editor.document().text(), editor.text());
    QVERIFY(outbox.deliverTo(peer));
    QCOMPARE(peer.text(), editor.text());
}

void TestCollabEditor::threeReplicasConverge()
{
    // Two editors and a bare engine replica edit at random; updates reach the others late,
    // in shuffled order, some twice.
    std::mt19937 random(4711);
    CollabEditor first;
    CollabEditor second;
    Collab::Document bare(Collab::Document::randomAgent());
    QList<QByteArray> inbox[3];
    auto broadcast = [&](int from, const QByteArray &update) {
        for (int to = 0; to < 3; ++to) {
            if (to != from)
                inbox[to].append(update);
        }
    };
    connect(&first, &CollabEditor::localUpdate, this, [&](const QByteArray &u) { broadcast(0, u); });
    connect(&second, &CollabEditor::localUpdate, this, [&](const QByteArray &u) { broadcast(1, u); });

    const QStringList pieces = {QStringLiteral("a"), QStringLiteral("bc"), QStringLiteral("é"),
                                QStringLiteral("中文"), QStringLiteral("😀"), QStringLiteral("\n"),
                                QStringLiteral("x😀y")};
    auto boundary = [](const QString &text, qsizetype position) {
        if (position > 0 && position < text.size() && text.at(position - 1).isHighSurrogate())
            ++position;
        return position;
    };
    auto deliver = [&](int to, qsizetype count) {
        std::shuffle(inbox[to].begin(), inbox[to].end(), random);
        count = std::min(count, inbox[to].size());
        for (qsizetype i = 0; i < count; ++i) {
            const QByteArray update = inbox[to].takeFirst();
            if (random() % 10 == 0)
                inbox[to].append(update); // delivered again later
            if (to == 0)
                QVERIFY(first.applyRemote(update));
            else if (to == 1)
                QVERIFY(second.applyRemote(update));
            else
                QVERIFY(bare.apply(update).ok());
        }
    };

    for (int step = 0; step < 600; ++step) {
        const int actor = int(random() % 3);
        const QString text = actor == 0 ? first.document().text()
                           : actor == 1 ? second.document().text()
                                        : bare.text();
        const qsizetype from = boundary(text, qsizetype(random() % (text.size() + 1)));
        const bool erase = text.size() > 0 && random() % 3 == 0;
        const qsizetype to = erase ? boundary(text, std::min(text.size(), from + qsizetype(random() % 4))) : from;
        const QString inserted = erase ? QString() : pieces.at(qsizetype(random() % pieces.size()));
        if (actor < 2) {
            CollabEditor &editor = actor == 0 ? first : second;
            editor.setLocalSelection(from, to);
            if (erase)
                editor.removeSelectedText();
            else
                editor.replaceSelectedText(inserted);
        } else {
            bare.beginTransaction();
            bare.remove(from, to - from);
            bare.insert(from, inserted);
            const QByteArray update = bare.commitTransaction();
            if (!update.isEmpty())
                broadcast(2, update);
        }
        deliver(int(random() % 3), qsizetype(random() % 4));
        QCOMPARE(first.text(), first.document().text());
        QCOMPARE(second.text(), second.document().text());
    }
    for (int round = 0; round < 3; ++round) {
        for (int to = 0; to < 3; ++to)
            deliver(to, inbox[to].size());
    }
    QCOMPARE(first.document().pendingLength(), 0);
    QCOMPARE(second.document().pendingLength(), 0);
    QCOMPARE(bare.pendingLength(), 0);
    QCOMPARE(first.document().text(), bare.text());
    QCOMPARE(second.document().text(), bare.text());
    QCOMPARE(first.text(), bare.text());
    QCOMPARE(second.text(), bare.text());
    QVERIFY(bare.text().size() > 100);
}

void TestCollabEditor::remoteEditsKeepTheLocalSelection_data()
{
    QTest::addColumn<qsizetype>("position");
    QTest::addColumn<qsizetype>("removed");
    QTest::addColumn<QString>("inserted");
    QTest::addColumn<QString>("selected");

    // The local selection is "56789" (positions 5 to 10) of "0123456789abcdef".
    QTest::newRow("insert before") << qsizetype(2) << qsizetype(0) << QStringLiteral("XY😀") << QStringLiteral("56789");
    QTest::newRow("delete before") << qsizetype(1) << qsizetype(3) << QString() << QStringLiteral("56789");
    QTest::newRow("insert at the start") << qsizetype(5) << qsizetype(0) << QStringLiteral("ab") << QStringLiteral("56789");
    QTest::newRow("insert at the end") << qsizetype(10) << qsizetype(0) << QStringLiteral("😀") << QStringLiteral("56789");
    QTest::newRow("insert inside") << qsizetype(7) << qsizetype(0) << QStringLiteral("é中") << QStringLiteral("56é中789");
    QTest::newRow("delete inside") << qsizetype(6) << qsizetype(2) << QString() << QStringLiteral("589");
    QTest::newRow("insert after") << qsizetype(12) << qsizetype(0) << QStringLiteral("😀\n") << QStringLiteral("56789");
    QTest::newRow("delete after") << qsizetype(11) << qsizetype(4) << QString() << QStringLiteral("56789");
    QTest::newRow("delete across the start") << qsizetype(3) << qsizetype(4) << QString() << QStringLiteral("789");
}

void TestCollabEditor::remoteEditsKeepTheLocalSelection()
{
    QFETCH(qsizetype, position);
    QFETCH(qsizetype, removed);
    QFETCH(QString, inserted);
    QFETCH(QString, selected);

    CollabEditor editor;
    Collab::Document peer(Collab::Document::randomAgent());
    QVERIFY(editor.applyRemote(peer.insert(0, QStringLiteral("0123456789abcdef"))));
    for (const bool caretAtEnd : {true, false}) {
        if (caretAtEnd)
            editor.setLocalSelection(5, 10);
        else
            editor.setLocalSelection(10, 5);
        Collab::Document copy = *Collab::Document::decode(Collab::Document::randomAgent(), peer.encodeState());
        copy.beginTransaction();
        copy.remove(position, removed);
        copy.insert(position, inserted);
        QSignalSpy updates(&editor, &CollabEditor::localUpdate);
        QVERIFY(editor.applyRemote(copy.commitTransaction()));
        QCOMPARE(updates.count(), 0);
        QCOMPARE(editor.text(), copy.text());
        QCOMPARE(selectedText(editor), selected);
        const auto [anchor, caret] = editor.localSelectionPositions();
        QCOMPARE(caret > anchor, caretAtEnd);
        // Back to the starting text for the other direction.
        editor.setDocument(*Collab::Document::decode(Collab::Document::randomAgent(), peer.encodeState()));
    }
}

void TestCollabEditor::aDeletedLongLineDoesNotLeaveTheViewScrolledAway()
{
    CollabEditor editor;
    editor.resize(400, 200);
    editor.show();
    QVERIFY(QTest::qWaitForWindowExposed(&editor));
    Collab::Document peer(Collab::Document::randomAgent());
    const QString longLine = QStringLiteral("print(") + QString(300, QLatin1Char('x')) + QStringLiteral(")\n");
    QVERIFY(editor.applyRemote(peer.insert(0, QStringLiteral("a = 1\n") + longLine + QStringLiteral("b = 2\n"))));
    // Scrolled along the long line, as someone reading its end is.
    editor.SendScintilla(QsciScintillaBase::SCI_SETXOFFSET, 1500UL);
    QCoreApplication::processEvents();
    QVERIFY(editor.SendScintilla(QsciScintillaBase::SCI_GETXOFFSET) > 0);

    // Another line's edit keeps the scroll; the long line deleted by someone else brings the
    // short lines back into view instead of leaving a blank editor.
    QVERIFY(editor.applyRemote(peer.remove(0, 1)));
    QVERIFY(editor.applyRemote(peer.insert(0, QStringLiteral("A"))));
    QVERIFY(editor.SendScintilla(QsciScintillaBase::SCI_GETXOFFSET) > 0);
    QVERIFY(editor.applyRemote(peer.remove(QStringLiteral("A = 1\n").size(), longLine.size())));
    QCOMPARE(editor.text(), QStringLiteral("A = 1\nb = 2\n"));
    QCOMPARE(editor.SendScintilla(QsciScintillaBase::SCI_GETXOFFSET), 0L);
}

void TestCollabEditor::aNameTagNearTheRightEdgeShowsWhole()
{
    CollabEditor editor;
    editor.resize(400, 200);
    editor.show();
    QVERIFY(QTest::qWaitForWindowExposed(&editor));
    Collab::Document peer(Collab::Document::randomAgent());
    const QString line(200, QLatin1Char('x'));
    QVERIFY(editor.applyRemote(peer.insert(0, line + QLatin1Char('\n'))));
    const auto at = [&peer](qsizetype position) { return peer.anchorAt(position, Collab::Anchor::Side::StickToPrevious); };
    // A caret a few characters before the viewport's right edge, with a long name.
    const int width = editor.viewport()->width();
    qsizetype column = 0;
    while (column < line.size() && scintillaCaret(editor, long(column + 3)).x() < width)
        ++column;
    QVERIFY(column > 0 && column < line.size());
    editor.setRemoteCursor(9, QStringLiteral("Benedikt Oluwaseun-Lindqvist"), Qt::darkGreen, at(column), at(column));
    const QRect caret = editor.remoteCaretRect(9);
    const QRect tag = editor.remoteTagRect(9);
    QVERIFY(!caret.isEmpty() && !tag.isEmpty());
    QVERIFY2(tag.right() < width, qPrintable(QStringLiteral("tag %1..%2, viewport %3").arg(tag.left()).arg(tag.right()).arg(width)));
    QVERIFY(tag.width() > 60);
    QVERIFY(tag.left() <= caret.left() && tag.right() >= caret.left()); // still over the caret
    // At the start of the line the tag begins at the caret, as always.
    editor.setRemoteCursor(9, QStringLiteral("Benedikt Oluwaseun-Lindqvist"), Qt::darkGreen, at(0), at(0));
    QCOMPARE(editor.remoteTagRect(9).left(), std::max(0, editor.remoteCaretRect(9).left()));
}

void TestCollabEditor::remoteCaretsAreDrawnWhereTheTextPutsThem()
{
    // Carets are measured once and kept while nothing moves them: whatever moved one, it must
    // be drawn where Scintilla puts its position now.
    CollabEditor editor;
    editor.setLanguage(QStringLiteral("python"));
    editor.resize(500, 300);
    editor.show();
    QVERIFY(QTest::qWaitForWindowExposed(&editor));
    Collab::Document peer(Collab::Document::randomAgent());
    QVERIFY(editor.applyRemote(peer.insert(0, QStringLiteral("def area(r):\n    return r * r\nprint(area(2))\n"))));
    const auto at = [&peer](qsizetype position) { return peer.anchorAt(position, Collab::Anchor::Side::StickToPrevious); };
    const qsizetype endOfReturn = QStringLiteral("def area(r):\n    return r * r").size();
    editor.setRemoteCursor(7, QStringLiteral("Ana"), Qt::red, at(endOfReturn), at(endOfReturn));
    editor.setRemoteCursor(8, QStringLiteral("Ben"), Qt::blue, at(endOfReturn + 6), at(endOfReturn + 6));
    const auto check = [&editor](quint64 who) {
        const auto position = editor.remoteCursor(who);
        return position && editor.remoteCaretRect(who) == scintillaCaret(editor, long(position->second));
    };
    QVERIFY(check(7));
    QVERIFY(check(8));
    const QRect before = editor.remoteCaretRect(7);

    // Typed before Ana's caret on her line: it moves right; Ben's, on the next line, stays.
    const QRect ben = editor.remoteCaretRect(8);
    QVERIFY(editor.applyRemote(peer.insert(endOfReturn - 5, QStringLiteral("3.14 * "))));
    QVERIFY(check(7));
    QVERIFY(editor.remoteCaretRect(7).x() > before.x());
    QCOMPARE(editor.remoteCaretRect(8), ben);
    // A tab for a space of the indent, in one update: Ana's caret keeps its column but moves right.
    const QRect ana = editor.remoteCaretRect(7);
    const qsizetype indent = QStringLiteral("def area(r):\n").size();
    peer.beginTransaction();
    peer.remove(indent, 1);
    peer.insert(indent, QStringLiteral("\t"));
    QVERIFY(editor.applyRemote(peer.commitTransaction()));
    QVERIFY(check(7));
    QVERIFY(editor.remoteCaretRect(7).x() > ana.x());
    QCOMPARE(editor.remoteCaretRect(8), ben);
    // A keyword restyles the line without moving its text; a new line above moves both down.
    QVERIFY(editor.applyRemote(peer.insert(0, QStringLiteral("import math\n"))));
    QVERIFY(check(7));
    QVERIFY(check(8));
    QVERIFY(editor.remoteCaretRect(8).y() > ben.y());
    // Zoom, a theme's fonts, a language's styles and a scroll move every caret.
    editor.zoomIn(3);
    QVERIFY(check(7));
    QVERIFY(check(8));
    editor.setLanguage(CodeLanguages::plainText());
    QVERIFY(check(7));
    editor.SendScintilla(QsciScintillaBase::SCI_SETXOFFSET, 30UL);
    QVERIFY(check(7));
    QVERIFY(check(8));
    // Off screen: nothing is drawn.
    QString tall;
    for (int line = 0; line < 200; ++line)
        tall += QStringLiteral("pass\n");
    QVERIFY(editor.applyRemote(peer.insert(peer.length(), tall)));
    editor.setFirstVisibleLine(150);
    QVERIFY(editor.remoteCaretRect(7).isEmpty());
    editor.setFirstVisibleLine(0);
    QVERIFY(check(7));
}

void TestCollabEditor::aRecolouredOrRenamedCaretIsRepainted()
{
    // A caret that stays where it is but changes colour (the pane's palette turned dark) or
    // name (with a tag as wide as before) must be painted again, not left as it was.
    CollabEditor editor;
    editor.resize(500, 300);
    editor.show();
    QVERIFY(QTest::qWaitForWindowExposed(&editor));
    Collab::Document peer(Collab::Document::randomAgent());
    QVERIFY(editor.applyRemote(peer.insert(0, QStringLiteral("one\ntwo\nthree\n"))));
    const Collab::Anchor at = peer.anchorAt(6, Collab::Anchor::Side::StickToPrevious);
    editor.setRemoteCursor(7, QStringLiteral("Ana"), Qt::red, at, at);
    QTRY_VERIFY(!editor.remoteCaretRect(7).isEmpty());
    PaintLog log(editor);
    QVERIFY(log.overlay);
    QVERIFY(log.waitUntilQuiet());
    const QRect caret = editor.remoteCaretRect(7);
    // While the tag shows, with a name of the same width (the tag itself repaints the caret).
    QVERIFY(editor.isRemoteTagShown(7));
    editor.setRemoteCursor(7, QStringLiteral("Aan"), Qt::red, at, at);
    QTest::qWait(50);
    QVERIFY(log.painted.contains(caret));

    QTRY_VERIFY_WITH_TIMEOUT(!editor.isRemoteTagShown(7), 5000);
    QVERIFY(log.waitUntilQuiet());
    editor.setRemoteCursor(7, QStringLiteral("Aan"), Qt::blue, at, at);
    QTest::qWait(50);
    QVERIFY(log.painted.contains(caret));
}

void TestCollabEditor::aRemoteKeystrokeRepaintsOnlyWhatMoved()
{
    // Repainting the viewport lays out every line of text in it again: with thirty people
    // typing, a keystroke repaints its line and the carets that moved, not the viewport.
    CollabEditor editor;
    editor.resize(600, 400);
    editor.show();
    QVERIFY(QTest::qWaitForWindowExposed(&editor));
    Collab::Document peer(Collab::Document::randomAgent());
    QString text;
    for (int line = 0; line < 15; ++line)
        text += QStringLiteral("line %1\n").arg(line);
    QVERIFY(editor.applyRemote(peer.insert(0, text)));
    const qsizetype endOfLine3 = text.indexOf(QStringLiteral("line 4")) - 1;
    const qsizetype endOfLine9 = text.indexOf(QStringLiteral("line 10")) - 1;
    const auto at = [&peer](qsizetype position) { return peer.anchorAt(position, Collab::Anchor::Side::StickToPrevious); };
    editor.setRemoteCursor(7, QStringLiteral("Ana"), Qt::red, at(endOfLine3), at(endOfLine3));
    editor.setRemoteCursor(8, QStringLiteral("Ben"), Qt::blue, at(endOfLine9), at(endOfLine9));
    QTRY_VERIFY(!editor.remoteCaretRect(8).isEmpty());
    PaintLog log(editor);
    QVERIFY(log.overlay);
    // The name tags give way to small flags, and then nothing is painted for a while.
    QTRY_VERIFY_WITH_TIMEOUT(!editor.isRemoteTagShown(7) && !editor.isRemoteTagShown(8), 5000);
    QVERIFY(log.waitUntilQuiet());

    const QRect anaBefore = editor.remoteCaretRect(7);
    const QRect benBefore = editor.remoteCaretRect(8);
    QVERIFY(editor.applyRemote(peer.insert(endOfLine3 - 1, QStringLiteral("x"))));
    QCOMPARE(editor.remoteCaretRect(8), benBefore);
    const QRect anaAfter = editor.remoteCaretRect(7);
    QVERIFY(anaAfter.x() > anaBefore.x());
    QTRY_VERIFY(log.painted.contains(anaAfter));
    QVERIFY(log.painted.contains(anaBefore)); // the caret left there is wiped
    QVERIFY(!log.painted.intersects(benBefore));
    QVERIFY(log.painted.boundingRect().height() < log.overlay->height() / 3);

    // Scrolled, every caret moves on screen: all of it is repainted.
    log.painted = {};
    editor.SendScintilla(QsciScintillaBase::SCI_SETXOFFSET, 10UL);
    QTRY_VERIFY(log.painted.contains(log.overlay->rect()));
}

void TestCollabEditor::remoteEditsKeepTheScrollPosition()
{
    CollabEditor editor;
    editor.resize(500, 300);
    editor.show();
    QVERIFY(QTest::qWaitForWindowExposed(&editor));
    Collab::Document peer(Collab::Document::randomAgent());
    QString text;
    for (int line = 0; line < 300; ++line)
        text += QStringLiteral("line %1\n").arg(line);
    QVERIFY(editor.applyRemote(peer.insert(0, text)));
    editor.setFirstVisibleLine(100);
    editor.setCursorPosition(105, 2);
    QVERIFY(editor.applyRemote(peer.insert(0, QStringLiteral("new 1\nnew 2\nnew 3\n"))));
    QCOMPARE(editor.firstVisibleLine(), 103);
    int line = 0, index = 0;
    editor.getCursorPosition(&line, &index);
    QCOMPARE(line, 108);
    QCOMPARE(index, 2);
    // An edit below the view moves nothing.
    QVERIFY(editor.applyRemote(peer.insert(peer.length(), QStringLiteral("tail\n"))));
    QCOMPARE(editor.firstVisibleLine(), 103);
}

void TestCollabEditor::localSelectionAsAnchors()
{
    // What the pane sends to show this user's selection to the others.
    CollabEditor editor;
    Collab::Document peer(Collab::Document::randomAgent());
    QVERIFY(editor.applyRemote(peer.insert(0, QStringLiteral("😀 hello world"))));
    editor.setLocalSelection(9, 3);
    const auto [anchor, caret] = editor.localSelection();
    QCOMPARE(peer.resolve(anchor), 9);
    QCOMPARE(peer.resolve(caret), 3);
    // The anchors stay on their characters at the peer, whatever it edits meanwhile.
    peer.insert(0, QStringLiteral("中文 "));
    peer.remove(peer.length() - 2, 2);
    QCOMPARE(peer.resolve(anchor), 12);
    QCOMPARE(peer.resolve(caret), 6);
    // And through the byte form the server stores.
    QCOMPARE(Collab::Anchor::fromBytes(caret.toBytes()), std::optional(caret));
}

void TestCollabEditor::undoRevertsOnlyOwnEdits()
{
    CollabEditor editor;
    editor.show();
    Collab::Document peer(Collab::Document::randomAgent());
    Outbox outbox(&editor);
    QVERIFY(editor.applyRemote(peer.insert(0, QStringLiteral("shared\n"))));
    QVERIFY(!editor.canUndo());

    editor.setLocalSelection(7, 7);
    type(&editor, QStringLiteral("mine😀"));
    QVERIFY(outbox.deliverTo(peer));
    QVERIFY(editor.applyRemote(peer.insert(0, QStringLiteral("theirs "))));
    QVERIFY(editor.applyRemote(peer.insert(peer.length(), QStringLiteral(" end"))));
    QCOMPARE(editor.text(), QStringLiteral("theirs shared\nmine😀 end"));
    QVERIFY(editor.canUndo());

    editor.undo();
    QCOMPARE(editor.text(), QStringLiteral("theirs shared\n end"));
    QCOMPARE(editor.document().text(), editor.text());
    QVERIFY(!editor.canUndo());
    editor.undo(); // nothing of ours is left: the remote text stays
    QCOMPARE(editor.text(), QStringLiteral("theirs shared\n end"));
    // Scintilla's own history holds nothing, remote or local.
    QCOMPARE(sci(editor, QsciScintillaBase::SCI_CANUNDO), 0L);

    editor.redo();
    QCOMPARE(editor.text(), QStringLiteral("theirs shared\nmine😀 end"));
    QVERIFY(outbox.deliverTo(peer));
    QCOMPARE(peer.text(), editor.text());
}

void TestCollabEditor::undoSkipsStepsOthersRemoved()
{
    CollabEditor editor;
    editor.show();
    Collab::Document peer(Collab::Document::randomAgent());
    Outbox outbox(&editor);
    QTest::keyClicks(&editor, QStringLiteral("mine "));
    QTest::keyClick(&editor, Qt::Key_Home); // the next typing is a step of its own
    QTest::keyClicks(&editor, QStringLiteral("x"));
    QCOMPARE(editor.text(), QStringLiteral("xmine "));
    QVERIFY(outbox.deliverTo(peer));
    // Someone else deletes the "x": undoing it would change nothing, so one undo reverts the
    // step before it.
    QVERIFY(editor.applyRemote(peer.remove(0, 1)));
    QCOMPARE(editor.text(), QStringLiteral("mine "));
    editor.undo();
    QCOMPARE(editor.text(), QString());
    QVERIFY(!editor.canUndo());
    QCOMPARE(outbox.updates.size(), 1);
    editor.redo();
    QCOMPARE(editor.text(), QStringLiteral("mine "));
    QVERIFY(!editor.canRedo());
}

void TestCollabEditor::undoPatchesOnlyTheRevertedText()
{
    // Scintilla moves markers, indicators and other carets with the text it is told to
    // change: undo must change exactly the reverted characters, never a look-alike range.
    CollabEditor editor;
    editor.show();
    Collab::Document peer(Collab::Document::randomAgent());
    Outbox outbox(&editor);
    QVERIFY(editor.applyRemote(peer.insert(0, QStringLiteral("ab\n"))));
    editor.setLocalSelection(0, 0);
    QTest::keyClicks(&editor, QStringLiteral("ab"));
    QTest::keyClick(&editor, Qt::Key_Return);
    QTest::keyClick(&editor, Qt::Key_End, Qt::ControlModifier);
    QTest::keyClicks(&editor, QStringLiteral("held"));
    QVERIFY(outbox.deliverTo(peer));
    QVERIFY(editor.applyRemote(peer.insert(8, QStringLiteral("XY")))); // inside "held"
    QCOMPARE(editor.text(), QStringLiteral("ab\nab\nheXYld"));

    QList<std::pair<int, int>> removed; // byte position, length
    QList<std::pair<int, QByteArray>> inserted;
    connect(&editor, &QsciScintillaBase::SCN_MODIFIED, &editor,
            [&](int position, int type, const char *text, int length, int, int, int, int, int, int) {
                if (type & QsciScintillaBase::SC_MOD_DELETETEXT)
                    removed.append({position, length});
                if (type & QsciScintillaBase::SC_MOD_INSERTTEXT)
                    inserted.append({position, QByteArray(text, length)});
            });
    editor.undo(); // "held", around the peer's "XY"
    QCOMPARE(editor.text(), QStringLiteral("ab\nab\nXY"));
    QCOMPARE(removed, (QList<std::pair<int, int>>{{10, 2}, {6, 2}}));
    QVERIFY(inserted.isEmpty());
    QCOMPARE(sci(editor, QsciScintillaBase::SCI_GETCURRENTPOS), 6L);

    removed.clear();
    editor.undo(); // the first line, not the peer's identical one after it
    QCOMPARE(editor.text(), QStringLiteral("ab\nXY"));
    QCOMPARE(removed, (QList<std::pair<int, int>>{{0, 3}}));
    QVERIFY(inserted.isEmpty());
    QCOMPARE(sci(editor, QsciScintillaBase::SCI_GETCURRENTPOS), 0L);

    removed.clear();
    editor.redo();
    editor.redo();
    QCOMPARE(editor.text(), QStringLiteral("ab\nab\nheXYld"));
    QVERIFY(removed.isEmpty());
    QCOMPARE(inserted, (QList<std::pair<int, QByteArray>>{{0, "ab\n"}, {6, "he"}, {10, "ld"}}));
    QCOMPARE(sci(editor, QsciScintillaBase::SCI_GETCURRENTPOS), 12L);
    QVERIFY(outbox.deliverTo(peer));
    QCOMPARE(peer.text(), editor.text());
}

void TestCollabEditor::undoKeys()
{
    // Window-wide actions with the editor's keys must not take them from the editor.
    QWidget window;
    QAction windowUndo(&window);
    windowUndo.setShortcut(QKeySequence::Undo);
    window.addAction(&windowUndo);
    QSignalSpy windowUndone(&windowUndo, &QAction::triggered);
    auto *layout = new QVBoxLayout(&window);
    auto *editorInWindow = new CollabEditor(&window);
    layout->addWidget(editorInWindow);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    editorInWindow->setFocus();
    QTest::keyClicks(editorInWindow, QStringLiteral("abc"));
    QTest::keyClick(editorInWindow, Qt::Key_Z, Qt::ControlModifier);
    QCOMPARE(editorInWindow->text(), QString());
    QCOMPARE(windowUndone.count(), 0);
    // The same for a key Scintilla itself does not bind.
    QAction windowReset(&window);
    windowReset.setShortcut(QKeySequence(Qt::ControlModifier | Qt::Key_0));
    window.addAction(&windowReset);
    QSignalSpy windowResets(&windowReset, &QAction::triggered);
    editorInWindow->zoomIn(2);
    QTest::keyClick(editorInWindow, Qt::Key_0, Qt::ControlModifier);
    QCOMPARE(editorInWindow->SendScintilla(QsciScintillaBase::SCI_GETZOOM), 0L);
    QCOMPARE(windowResets.count(), 0);

    CollabEditor &editor = *editorInWindow;
    QTest::keyClick(&editor, Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
    QCOMPARE(editor.text(), QStringLiteral("abc"));
    QTest::keyClick(&editor, Qt::Key_Z, Qt::ControlModifier);
    QCOMPARE(editor.text(), QString());
    QTest::keyClick(&editor, Qt::Key_Y, Qt::ControlModifier);
    QCOMPARE(editor.text(), QStringLiteral("abc"));
    QTest::keyClick(&editor, Qt::Key_Backspace, Qt::AltModifier);
    QCOMPARE(editor.text(), QString());
    QTest::keyClick(&editor, Qt::Key_Backspace, Qt::AltModifier | Qt::ShiftModifier);
    QCOMPARE(editor.text(), QStringLiteral("abc"));
    QCOMPARE(editor.document().text(), editor.text());
}

void TestCollabEditor::caretMovesStartANewUndoStep()
{
    CollabEditor editor;
    editor.show();
    QTest::keyClicks(&editor, QStringLiteral("abc"));
    QTest::keyClick(&editor, Qt::Key_Left);
    QTest::keyClicks(&editor, QStringLiteral("d"));
    QCOMPARE(editor.text(), QStringLiteral("abdc"));
    editor.undo();
    QCOMPARE(editor.text(), QStringLiteral("abc"));
    editor.undo();
    QCOMPARE(editor.text(), QString());
}

void TestCollabEditor::replaceAllIsOneStep()
{
    CollabEditor editor;
    Collab::Document peer(Collab::Document::randomAgent());
    QVERIFY(editor.applyRemote(peer.insert(0, QStringLiteral("foo bar Foo baz foo-foo food\nfoo"))));
    Outbox outbox(&editor);

    QCOMPARE(editor.replaceAll(QStringLiteral("foo"), QStringLiteral("ça"), {false, true, true}), 4);
    QCOMPARE(editor.text(), QStringLiteral("ça bar Foo baz ça-ça food\nça"));
    QCOMPARE(outbox.updates.size(), 1);
    QCOMPARE(editor.replaceAll(QStringLiteral("(b)a(\\w)"), QStringLiteral("\\2\\1"), {true, false, false}), 2);
    QCOMPARE(editor.text(), QStringLiteral("ça rb Foo zb ça-ça food\nça"));
    QCOMPARE(editor.replaceAll(QStringLiteral("^"), QStringLiteral("> "), {true, false, false}), 2);
    QCOMPARE(editor.text(), QStringLiteral("> ça rb Foo zb ça-ça food\n> ça"));
    QCOMPARE(outbox.updates.size(), 3);
    QVERIFY(outbox.deliverTo(peer));
    QCOMPARE(peer.text(), editor.text());

    editor.undo();
    QCOMPARE(editor.text(), QStringLiteral("ça rb Foo zb ça-ça food\nça"));
    editor.undo();
    editor.undo();
    QCOMPARE(editor.text(), QStringLiteral("foo bar Foo baz foo-foo food\nfoo"));
    QCOMPARE(editor.replaceAll(QStringLiteral("none"), QStringLiteral("x"), {}), 0);
}

void TestCollabEditor::readOnlyRefusesEdits()
{
    CollabEditor editor;
    editor.show();
    Collab::Document peer(Collab::Document::randomAgent());
    QTest::keyClicks(&editor, QStringLiteral("own"));
    editor.setReadOnly(true);
    QSignalSpy updates(&editor, &CollabEditor::localUpdate);
    QSignalSpy refused(&editor, &CollabEditor::editRefused);
    QTest::keyClicks(&editor, QStringLiteral("xyz"));
    QTest::keyClick(&editor, Qt::Key_Backspace);
    QApplication::clipboard()->setText(QStringLiteral("pasted"));
    editor.paste();
    editor.undo();
    QCOMPARE(editor.replaceAll(QStringLiteral("own"), QStringLiteral("x"), {}), 0);
    QVERIFY(!editor.canUndo());
    QCOMPARE(updates.count(), 0);
    QCOMPARE(editor.text(), QStringLiteral("own"));
    // Typing, Backspace, paste, undo and replace-all were each refused, and said so.
    QVERIFY(refused.count() >= 5);

    // Remote edits still arrive.
    QVERIFY(editor.applyRemote(editor.document().encodeDiff({})));
    QVERIFY(editor.applyRemote(peer.insert(0, QStringLiteral("remote "))));
    QVERIFY(editor.text().contains(QStringLiteral("remote ")));
    QVERIFY(editor.isReadOnly());
    QCOMPARE(editor.document().text(), editor.text());
}

void TestCollabEditor::malformedUpdateChangesNothing()
{
    CollabEditor editor;
    editor.insert(QStringLiteral("text"));
    QVERIFY(!editor.applyRemote(QByteArray("\xff\xff\xff\xff garbage", 12)));
    QCOMPARE(editor.text(), QStringLiteral("text"));
    QCOMPARE(editor.document().text(), QStringLiteral("text"));
}

void TestCollabEditor::remoteUpdateDuringALocalOne()
{
    // A transport that delivers synchronously: the remote update arrives while Scintilla is
    // still reporting the keystroke, when it takes no changes.
    CollabEditor editor;
    editor.show();
    Collab::Document peer(Collab::Document::randomAgent());
    QVERIFY(editor.applyRemote(peer.insert(0, QStringLiteral("end"))));
    QByteArray pending = peer.insert(0, QStringLiteral("remote "));
    connect(&editor, &CollabEditor::localUpdate, this, [&](const QByteArray &update) {
        QVERIFY(peer.apply(update).ok());
        if (!pending.isEmpty())
            QVERIFY(editor.applyRemote(std::exchange(pending, {})));
    });
    editor.setLocalSelection(3, 3);
    QTest::keyClicks(&editor, QStringLiteral("!"));
    QTRY_COMPARE(editor.text(), QStringLiteral("remote end!"));
    QCOMPARE(editor.document().text(), editor.text());
    QCOMPARE(peer.text(), editor.text());
    QCOMPARE(editor.localSelectionPositions(), std::pair(qsizetype(11), qsizetype(11)));
}

void TestCollabEditor::remoteCursorsFollowTheText()
{
    CollabEditor editor;
    Collab::Document peer(Collab::Document::randomAgent());
    QVERIFY(editor.applyRemote(peer.insert(0, QStringLiteral("hello world"))));
    editor.setRemoteCursor(7, QStringLiteral("Ana"), Qt::red, 6, 11);
    editor.setRemoteCursor(8, QStringLiteral("Ben"), Qt::blue, peer.anchorAt(2, Collab::Anchor::Side::StickToPrevious),
                           peer.anchorAt(2, Collab::Anchor::Side::StickToPrevious));
    QCOMPARE(editor.remoteCursor(7), std::pair(qsizetype(6), qsizetype(11)));
    QVERIFY(editor.applyRemote(peer.insert(0, QStringLiteral("😀 "))));
    QCOMPARE(editor.remoteCursor(7), std::pair(qsizetype(9), qsizetype(14)));
    QCOMPARE(editor.remoteCursor(8), std::pair(qsizetype(5), qsizetype(5)));
    // The selection is drawn with an indicator on exactly the peer's characters.
    const int indicator = int(sci(editor, QsciScintillaBase::SCI_GETINDICATORCURRENT));
    const long start = long(QStringLiteral("😀 hello ").toUtf8().size());
    QVERIFY(sci(editor, QsciScintillaBase::SCI_INDICATORVALUEAT, indicator, start) != 0);
    QCOMPARE(sci(editor, QsciScintillaBase::SCI_INDICATOREND, indicator, start), start + 5);
    // The name tag shows after a move and then, within about two seconds, gives way to the
    // code above it.
    QElapsedTimer shown;
    shown.start();
    QVERIFY(editor.isRemoteTagShown(8));
    QTRY_VERIFY_WITH_TIMEOUT(!editor.isRemoteTagShown(8), 5000);
    QVERIFY(shown.elapsed() < 3000);
    editor.setRemoteCursor(8, QStringLiteral("Ben"), Qt::blue, 3, 3);
    QVERIFY(editor.isRemoteTagShown(8));
    QTRY_VERIFY_WITH_TIMEOUT(!editor.isRemoteTagShown(8), 5000);
    // Hovering the caret shows the name again, for as long as the mouse stays on it.
    editor.resize(400, 200);
    editor.show();
    QVERIFY(QTest::qWaitForWindowExposed(&editor));
    const long caret = sci(editor, QsciScintillaBase::SCI_POSITIONFROMLINE, 0) + long(QStringLiteral("😀 ").toUtf8().size());
    const QPoint onCaret(int(sci(editor, QsciScintillaBase::SCI_POINTXFROMPOSITION, 0, caret)),
                         int(sci(editor, QsciScintillaBase::SCI_POINTYFROMPOSITION, 0, caret)) + 3);
    QTest::mouseMove(editor.viewport(), onCaret);
    QTRY_VERIFY(editor.isRemoteTagShown(8));
    QVERIFY(!editor.isRemoteTagShown(7)); // only the caret under the mouse
    QTest::mouseMove(editor.viewport(), onCaret + QPoint(120, 60));
    QTRY_VERIFY(!editor.isRemoteTagShown(8));
    editor.removeRemoteCursor(7);
    QVERIFY(!editor.remoteCursor(7));
    QCOMPARE(sci(editor, QsciScintillaBase::SCI_INDICATORVALUEAT, indicator, start), 0L);
    QVERIFY(editor.remoteCursor(8));
}

void TestCollabEditor::commentMarkersMoveWithTheText()
{
    CollabEditor editor;
    editor.show();
    Collab::Document peer(Collab::Document::randomAgent());
    QVERIFY(editor.applyRemote(peer.insert(0, QStringLiteral("zero\none\ntwo\nthree\nfour\nfive\n"))));
    QSignalSpy changed(&editor, &CollabEditor::commentsChanged);
    editor.setLineComment(QStringLiteral("c1"), 2, 3);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(editor.comments(), (QList<CodeComment>{{QStringLiteral("c1"), 2, 3}}));
    QVERIFY(editor.markersAtLine(2) != 0);
    QCOMPARE(editor.markersAtLine(1), 0u);

    // Two lines inserted above by someone else.
    QVERIFY(editor.applyRemote(peer.insert(0, QStringLiteral("new\nnew\n"))));
    QCOMPARE(changed.count(), 2);
    QCOMPARE(editor.comments(), (QList<CodeComment>{{QStringLiteral("c1"), 4, 5}}));
    QVERIFY(editor.markersAtLine(4) != 0);
    QVERIFY(editor.markersAtLine(5) != 0);
    QCOMPARE(editor.markersAtLine(2), 0u);

    // A line typed above locally.
    editor.setCursorPosition(0, 0);
    QTest::keyClick(&editor, Qt::Key_Return);
    QTRY_COMPARE(changed.count(), 3);
    QCOMPARE(editor.comments(), (QList<CodeComment>{{QStringLiteral("c1"), 5, 6}}));
    QVERIFY(editor.markersAtLine(5) != 0);
    QCOMPARE(editor.markersAtLine(4), 0u);

    // Text pasted over a line break inside the range: Scintilla merges the second line's
    // marker into the first, and the line the paste adds has none, though the comment keeps
    // its lines.
    const qsizetype lineBreak = editor.document().text().indexOf(QStringLiteral("\nthree"));
    editor.setLocalSelection(lineBreak - 1, lineBreak + 1);
    editor.replaceSelectedText(QStringLiteral("Y\nZ"));
    QCOMPARE(editor.text().section(QLatin1Char('\n'), 5, 6), QStringLiteral("twY\nZthree"));
    QTRY_VERIFY(editor.markersAtLine(6) != 0);
    QCOMPARE(editor.comments(), (QList<CodeComment>{{QStringLiteral("c1"), 5, 6}}));
    QCOMPARE(editor.markersAtLine(4), 0u);
    QVERIFY(editor.markersAtLine(5) != 0);
    QCOMPARE(changed.count(), 3);

    // Text typed inside the range keeps it; removing it clears the markers.
    editor.setCursorPosition(5, 2);
    QTest::keyClick(&editor, Qt::Key_Return);
    QTRY_COMPARE(editor.comments(), (QList<CodeComment>{{QStringLiteral("c1"), 5, 7}}));
    editor.removeComment(QStringLiteral("c1"));
    QVERIFY(editor.comments().isEmpty());
    QCOMPARE(editor.markersAtLine(5), 0u);
}

void TestCollabEditor::commentMarkersSurviveAReload()
{
    CollabEditor editor;
    Collab::Document peer(Collab::Document::randomAgent());
    QVERIFY(editor.applyRemote(peer.insert(0, QStringLiteral("zero\none\ntwo\nthree\nfour\n"))));
    editor.setLineComment(QStringLiteral("c1"), 1, 3);
    // The same text again (a snapshot from the server): the comment keeps its lines, and its
    // markers are drawn there, not where clearing the old text left them.
    editor.setDocument(*Collab::Document::decode(Collab::Document::randomAgent(), peer.encodeState()));
    QCOMPARE(editor.comments(), (QList<CodeComment>{{QStringLiteral("c1"), 1, 3}}));
    QCOMPARE(editor.markersAtLine(0), 0u);
    for (int line = 1; line <= 3; ++line)
        QVERIFY2(editor.markersAtLine(line) != 0, qPrintable(QString::number(line)));
    QCOMPARE(editor.markersAtLine(4), 0u);
}

void TestCollabEditor::commentMarkerClickIsReported()
{
    CollabEditor editor;
    editor.resize(400, 300);
    editor.show();
    QVERIFY(QTest::qWaitForWindowExposed(&editor));
    editor.insert(QStringLiteral("a\nb\nc\nd\n"));
    editor.setLineComment(QStringLiteral("note"), 2, 2);
    QSignalSpy clicked(&editor, &CollabEditor::commentClicked);
    const long position = sci(editor, QsciScintillaBase::SCI_POSITIONFROMLINE, 2);
    const int y = int(sci(editor, QsciScintillaBase::SCI_POINTYFROMPOSITION, 0, position))
        + int(sci(editor, QsciScintillaBase::SCI_TEXTHEIGHT, 2)) / 2;
    const int x = int(sci(editor, QsciScintillaBase::SCI_GETMARGINWIDTHN, 0)) + 4;
    QTest::mouseClick(editor.viewport(), Qt::LeftButton, {}, QPoint(x, y));
    QTRY_COMPARE(clicked.count(), 1);
    QCOMPARE(clicked.first().first().toString(), QStringLiteral("note"));
}

void TestCollabEditor::loadsADecodedDocument()
{
    Collab::Document source(Collab::Document::randomAgent());
    source.insert(0, QStringLiteral("int main() {}\n😀\n"));
    source.remove(0, 4);
    CollabEditor editor;
    editor.setDocument(*Collab::Document::decode(Collab::Document::randomAgent(), source.encodeState()));
    QCOMPARE(editor.text(), source.text());
    QVERIFY(!editor.canUndo());
    // Both replicas keep editing together.
    Outbox outbox(&editor);
    editor.setLocalSelection(0, 0);
    editor.replaceSelectedText(QStringLiteral("void "));
    QVERIFY(editor.applyRemote(source.insert(source.length(), QStringLiteral("end"))));
    QVERIFY(outbox.deliverTo(source));
    QCOMPARE(source.text(), QStringLiteral("void main() {}\n😀\nend"));
    QCOMPARE(editor.text(), source.text());
}

QTEST_MAIN(TestCollabEditor)
#include "tst_collabeditor.moc"
