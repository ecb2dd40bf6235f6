// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "codeview.h"
#include "collabeditor.h"
#include "findbar.h"

#include <QApplication>
#include <QDir>
#include <QLineEdit>
#include <QStandardPaths>
#include <QStyle>
#include <QStyleFactory>
#include <QTest>

#include <memory>

using namespace Cohort;
using namespace Cohort::Ui;

namespace {

// The app's palettes (app/widgets/appearance.cpp), repeated so this test links the editor only.
QPalette palette(bool dark)
{
    const std::unique_ptr<QStyle> fusion(QStyleFactory::create(QStringLiteral("Fusion")));
    QPalette p = fusion->standardPalette();
    p.setColor(QPalette::Highlight, dark ? QColor(0x4f, 0x6d, 0xf5) : QColor(0x3d, 0x5a, 0xe0));
    p.setColor(QPalette::HighlightedText, Qt::white);
    if (!dark)
        return p;
    const QColor window(0x2b, 0x2d, 0x31);
    const QColor text(0xe8, 0xe9, 0xeb);
    const QColor button(0x35, 0x37, 0x3c);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, QColor(0x1f, 0x20, 0x23));
    p.setColor(QPalette::AlternateBase, QColor(0x26, 0x28, 0x2c));
    p.setColor(QPalette::PlaceholderText, QColor(0x8a, 0x8d, 0x93));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, button);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::Light, button.lighter(130));
    p.setColor(QPalette::Midlight, button.lighter(115));
    p.setColor(QPalette::Mid, window.darker(130));
    p.setColor(QPalette::Dark, window.darker(160));
    return p;
}

const char *const cppSample = R"(// Shared by the whole class: a tiny matrix type.
#include <array>
#include <iostream>

template <int N>
struct Matrix {
    std::array<double, N * N> cells{};

    double &at(int row, int column) { return cells[row * N + column]; }

    Matrix operator*(const Matrix &other) const
    {
        Matrix result;
        for (int i = 0; i < N; ++i)
            for (int j = 0; j < N; ++j)
                for (int k = 0; k < N; ++k)
                    result.cells[i * N + j] += cells[i * N + k] * other.cells[k * N + j];
        return result;
    }
};

int main()
{
    Matrix<2> m;
    m.at(0, 0) = 1.5; // "identity" later
    std::cout << "Größe: " << sizeof(m) << " bytes 😀\n";
    return 0;
}
)";

const char *const pythonSample = R"("""Exercise 3: word frequencies."""
from collections import Counter


def frequencies(path: str, top: int = 10) -> list[tuple[str, int]]:
    # Read the file once; lower-case so "The" and "the" count together.
    with open(path, encoding="utf-8") as handle:
        words = handle.read().lower().split()
    return Counter(words).most_common(top)


class Report:
    def __init__(self, rows):
        self.rows = rows

    def show(self):
        for word, count in self.rows:
            print(f"{word:>12} {count:5d}")


if __name__ == "__main__":
    Report(frequencies("essay.txt")).show()  # café, 中文 ok
)";

struct Peer
{
    quint64 id;
    QString name;
    QColor color;
    int anchorLine, anchorIndex, headLine, headIndex;
};

} // namespace

/// Renders the editor as a participant sees it: light and dark, C++ and Python, three remote
/// carets with name tags (one with a selection), a local selection and a comment marker. The
/// PNGs go to COHORT_SCREENSHOT_DIR, or to screenshots/ in this test's build directory.
class TestCodeScreenshots : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void editor_data();
    void editor();

private:
    QDir m_dir;
};

void TestCodeScreenshots::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QApplication::setStyle(QStringLiteral("Fusion"));
    const QString dir = qEnvironmentVariableIsSet("COHORT_SCREENSHOT_DIR")
        ? qEnvironmentVariable("COHORT_SCREENSHOT_DIR")
        : QStringLiteral(COHORT_CODE_SCREENSHOT_DIR);
    QVERIFY(QDir().mkpath(dir));
    m_dir = QDir(dir);
}

void TestCodeScreenshots::editor_data()
{
    QTest::addColumn<QString>("language");
    QTest::addColumn<bool>("dark");
    for (const bool dark : {false, true}) {
        QTest::newRow(dark ? "cpp-dark" : "cpp-light") << QStringLiteral("cpp") << dark;
        QTest::newRow(dark ? "python-dark" : "python-light") << QStringLiteral("python") << dark;
    }
}

void TestCodeScreenshots::editor()
{
    QFETCH(QString, language);
    QFETCH(bool, dark);
    QApplication::setPalette(palette(dark));

    CodeView view;
    view.resize(900, 560);
    CollabEditor *editor = view.editor();
    editor->setLanguage(language);
    Collab::Document peer(Collab::Document::randomAgent());
    QVERIFY(editor->applyRemote(
        peer.insert(0, QString::fromUtf8(language == QLatin1String("cpp") ? cppSample : pythonSample))));
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));

    const QList<Peer> peers = {
        {1, QStringLiteral("Ana García"), QColor(0xe0, 0x4f, 0x5f), 8, 4, 8, 16},
        {2, QStringLiteral("Ben"), QColor(0x2e, 0xa0, 0x43), 13, 12, 13, 12},
        {3, QStringLiteral("Chen Wei 陈"), QColor(0x8e, 0x5b, 0xd8), 21, 4, 21, 4},
    };
    auto position = [editor](int line, int index) {
        return qsizetype(editor->SendScintilla(QsciScintillaBase::SCI_COUNTCODEUNITS, 0UL,
                                               editor->positionFromLineIndex(line, index)));
    };
    for (const Peer &p : peers)
        editor->setRemoteCursor(p.id, p.name, p.color, position(p.anchorLine, p.anchorIndex),
                                position(p.headLine, p.headIndex));
    editor->setLineComment(QStringLiteral("review"), 4, 6);
    editor->setSelection(16, 8, 17, 20);
    view.findBar()->activate(true);
    view.findBar()->findEdit()->setText(QStringLiteral("result"));
    editor->setFocus();
    QApplication::processEvents();

    const QImage image = view.grab().toImage();
    const QString file = m_dir.filePath(QStringLiteral("code-%1-%2.png")
                                            .arg(language, dark ? QStringLiteral("dark") : QStringLiteral("light")));
    QVERIFY(image.save(file));
    qInfo() << "wrote" << file;

    // Each caret is drawn in its peer's colour where its character is.
    const QImage viewport = editor->viewport()->grab().toImage();
    for (const Peer &p : peers) {
        const long bytes = editor->positionFromLineIndex(p.headLine, p.headIndex);
        const int x = int(editor->SendScintilla(QsciScintillaBase::SCI_POINTXFROMPOSITION, 0UL, bytes));
        const int y = int(editor->SendScintilla(QsciScintillaBase::SCI_POINTYFROMPOSITION, 0UL, bytes));
        const int lineHeight = int(editor->SendScintilla(QsciScintillaBase::SCI_TEXTHEIGHT,
                                                         static_cast<unsigned long>(p.headLine)));
        const QPoint caret(x * viewport.width() / editor->viewport()->width(),
                           (y + lineHeight / 2) * viewport.height() / editor->viewport()->height());
        QCOMPARE(viewport.pixelColor(caret), p.color);
    }

    // Two seconds on, the tags give the code back: only carets, selections and small flags,
    // and the tag of the caret under the mouse.
    for (const Peer &p : peers)
        QTRY_VERIFY_WITH_TIMEOUT(!editor->isRemoteTagShown(p.id), 5000);
    const Peer &hovered = peers.at(1);
    const long bytes = editor->positionFromLineIndex(hovered.headLine, hovered.headIndex);
    const QPoint onCaret(int(editor->SendScintilla(QsciScintillaBase::SCI_POINTXFROMPOSITION, 0UL, bytes)),
                         int(editor->SendScintilla(QsciScintillaBase::SCI_POINTYFROMPOSITION, 0UL, bytes)) + 3);
    // From elsewhere first: a move to where the last row left the mouse is no move at all.
    QTest::mouseMove(editor->viewport(), onCaret + QPoint(200, 100));
    QTest::mouseMove(editor->viewport(), onCaret);
    QTRY_VERIFY(editor->isRemoteTagShown(hovered.id));
    QVERIFY(!editor->isRemoteTagShown(peers.at(0).id));
    QApplication::processEvents();
    const QString settled = m_dir.filePath(QStringLiteral("code-%1-%2-settled.png")
                                               .arg(language, dark ? QStringLiteral("dark") : QStringLiteral("light")));
    QVERIFY(view.grab().toImage().save(settled));
    qInfo() << "wrote" << settled;
}

QTEST_MAIN(TestCodeScreenshots)
#include "tst_codescreenshots.moc"
