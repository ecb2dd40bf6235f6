// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "codeview.h"
#include "collabeditor.h"
#include "findbar.h"

#include <QCheckBox>
#include <QLineEdit>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

using namespace Cohort;
using namespace Cohort::Ui;

class TestFindBar : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void init();
    void cleanup();
    void shortcutsOpenAndCloseTheBar();
    void findsWithOptions();
    void replacesOneMatchThenAll();
    void replacesOnlyAMatch();
    void replaceAfterARemoteEdit();
    void viewerCannotReplace();
    void zoomKeys();

private:
    std::unique_ptr<CodeView> m_view;
    CollabEditor *m_editor = nullptr;
    FindBar *m_bar = nullptr;
};

void TestFindBar::init()
{
    m_view = std::make_unique<CodeView>();
    m_view->resize(700, 400);
    m_view->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));
    m_editor = m_view->editor();
    m_bar = m_view->findBar();
    m_editor->insert(QStringLiteral("Apple apple pineapple\nappleé APPLE\n"));
    m_editor->setFocus();
}

void TestFindBar::cleanup()
{
    m_view.reset();
}

void TestFindBar::shortcutsOpenAndCloseTheBar()
{
    QVERIFY(!m_bar->isVisible());
    QTest::keyClick(m_editor, Qt::Key_F, Qt::ControlModifier);
    QVERIFY(m_bar->isVisible());
    QVERIFY(m_bar->findEdit()->hasFocus());
    QVERIFY(!m_bar->replaceEdit()->isVisible());
    QTest::keyClick(m_bar->findEdit(), Qt::Key_Escape);
    QVERIFY(!m_bar->isVisible());
    QTest::keyClick(m_editor, Qt::Key_H, Qt::ControlModifier);
    QVERIFY(m_bar->isVisible());
    QVERIFY(m_bar->replaceEdit()->isVisible());
}

void TestFindBar::findsWithOptions()
{
    m_bar->activate(false);
    m_bar->findEdit()->setText(QStringLiteral("apple"));
    QVERIFY(m_bar->findNext());
    QCOMPARE(m_editor->selectedText(), QStringLiteral("Apple"));
    m_bar->caseBox()->setChecked(true);
    QVERIFY(m_bar->findNext());
    QCOMPARE(m_editor->selectedText(), QStringLiteral("apple"));
    m_bar->wholeWordBox()->setChecked(true);
    QVERIFY(m_bar->findNext());
    QCOMPARE(m_editor->localSelectionPositions(), std::pair(qsizetype(6), qsizetype(11)));
    m_bar->wholeWordBox()->setChecked(false);
    m_bar->caseBox()->setChecked(false);
    m_bar->regexBox()->setChecked(true);
    m_bar->findEdit()->setText(QStringLiteral("p[a-z]+e\\b"));
    QVERIFY(m_bar->findNext());
    QCOMPARE(m_editor->selectedText(), QStringLiteral("pineapple"));
    QVERIFY(m_bar->findNext());
    QCOMPARE(m_editor->selectedText(), QStringLiteral("pple"));
    QVERIFY(m_bar->findPrevious());
    QCOMPARE(m_editor->selectedText(), QStringLiteral("pineapple"));
    m_bar->findEdit()->setText(QStringLiteral("missing"));
    QVERIFY(!m_bar->findNext());
}

void TestFindBar::replacesOneMatchThenAll()
{
    QSignalSpy updates(m_editor, &CollabEditor::localUpdate);
    m_bar->activate(true);
    m_bar->findEdit()->setText(QStringLiteral("apple"));
    m_bar->replaceEdit()->setText(QStringLiteral("pear"));
    m_bar->caseBox()->setChecked(true);
    QVERIFY(m_bar->replaceCurrent()); // finds the first match
    QCOMPARE(m_editor->selectedText(), QStringLiteral("apple"));
    QVERIFY(m_bar->replaceCurrent()); // replaces it, selects the next
    QCOMPARE(m_editor->text(), QStringLiteral("Apple pear pineapple\nappleé APPLE\n"));
    QCOMPARE(m_editor->document().text(), m_editor->text());
    const qsizetype before = updates.count();
    QVERIFY(before > 0);

    m_bar->caseBox()->setChecked(false);
    QCOMPARE(m_bar->replaceAll(), 4);
    QCOMPARE(m_editor->text(), QStringLiteral("pear pear pinepear\npearé pear\n"));
    QCOMPARE(updates.count(), before + 1);
    m_editor->undo();
    QCOMPARE(m_editor->text(), QStringLiteral("Apple pear pineapple\nappleé APPLE\n"));
}

void TestFindBar::replacesOnlyAMatch()
{
    m_bar->activate(true);
    m_bar->findEdit()->setText(QStringLiteral("apple"));
    m_bar->replaceEdit()->setText(QStringLiteral("pear"));
    m_bar->caseBox()->setChecked(true);
    QVERIFY(m_bar->findNext());
    QCOMPARE(m_editor->selectedText(), QStringLiteral("apple"));
    // The user selects other text (backwards): Replace selects the next match instead.
    m_editor->setLocalSelection(16, 12);
    QCOMPARE(m_editor->selectedText(), QStringLiteral("pine"));
    QVERIFY(m_bar->replaceCurrent());
    QCOMPARE(m_editor->text(), QStringLiteral("Apple apple pineapple\nappleé APPLE\n"));
    QCOMPARE(m_editor->localSelectionPositions(), std::pair(qsizetype(16), qsizetype(21)));
    // A match selected by hand is replaced.
    m_editor->setLocalSelection(11, 6);
    QVERIFY(m_bar->replaceCurrent());
    QCOMPARE(m_editor->text(), QStringLiteral("Apple pear pineapple\nappleé APPLE\n"));
}

void TestFindBar::replaceAfterARemoteEdit()
{
    Collab::Document peer = *Collab::Document::decode(Collab::Document::randomAgent(),
                                                       m_editor->document().encodeState());
    m_bar->activate(true);
    m_bar->regexBox()->setChecked(true);
    m_bar->caseBox()->setChecked(true);
    m_bar->findEdit()->setText(QStringLiteral("(p+)(l)e"));
    m_bar->replaceEdit()->setText(QStringLiteral("\\2\\1"));
    QVERIFY(m_bar->findNext());
    QCOMPARE(m_editor->selectedText(), QStringLiteral("pple"));
    // Someone else types before the match: the replacement still takes the match's groups.
    QVERIFY(m_editor->applyRemote(peer.insert(0, QStringLiteral("XYZ"))));
    QCOMPARE(m_editor->selectedText(), QStringLiteral("pple"));
    QVERIFY(m_bar->replaceCurrent());
    QCOMPARE(m_editor->text(), QStringLiteral("XYZAlpp apple pineapple\nappleé APPLE\n"));
    QCOMPARE(m_editor->document().text(), m_editor->text());
}

void TestFindBar::viewerCannotReplace()
{
    m_editor->setReadOnly(true);
    m_bar->activate(true);
    QVERIFY(!m_bar->replaceEdit()->isVisible());
    m_bar->findEdit()->setText(QStringLiteral("apple"));
    QVERIFY(m_bar->findNext());
    QVERIFY(!m_bar->replaceCurrent());
    QCOMPARE(m_bar->replaceAll(), 0);
    QCOMPARE(m_editor->text(), QStringLiteral("Apple apple pineapple\nappleé APPLE\n"));
}

void TestFindBar::zoomKeys()
{
    QTest::keyClick(m_editor, Qt::Key_Plus, Qt::ControlModifier);
    QTest::keyClick(m_editor, Qt::Key_Equal, Qt::ControlModifier);
    QCOMPARE(m_editor->SendScintilla(QsciScintillaBase::SCI_GETZOOM), 2L);
    QTest::keyClick(m_editor, Qt::Key_Minus, Qt::ControlModifier);
    QCOMPARE(m_editor->SendScintilla(QsciScintillaBase::SCI_GETZOOM), 1L);
    QTest::keyClick(m_editor, Qt::Key_0, Qt::ControlModifier);
    QCOMPARE(m_editor->SendScintilla(QsciScintillaBase::SCI_GETZOOM), 0L);
    // Zooming is a view change, not an edit.
    QCOMPARE(m_editor->document().text(), m_editor->text());
}

QTEST_MAIN(TestFindBar)
#include "tst_findbar.moc"
