// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "codelanguages.h"
#include "collabeditor.h"
#include "editortheme.h"

#include <QRegularExpression>
#include <QSet>
#include <QStandardPaths>
#include <QTest>

using namespace Cohort::Ui;

namespace {

QString sample(const QString &language)
{
    static const QHash<QString, QString> samples = {
        {QStringLiteral("python"), QStringLiteral("def f(x):\n    # note\n    return 'a' + str(42)\n")},
        {QStringLiteral("c"), QStringLiteral("/* c */\nint main(void) { return sizeof(char) + 1; }\n")},
        {QStringLiteral("cpp"), QStringLiteral("// c++\nclass A { int x = 42; };\n")},
        {QStringLiteral("java"), QStringLiteral("public class A { String s = \"x\"; } // end\n")},
        {QStringLiteral("javascript"), QStringLiteral("const a = 'x'; // js\nfunction f() { return 1; }\n")},
        {QStringLiteral("typescript"), QStringLiteral("interface P { name: string }\nlet n: number = 4;\n")},
        {QStringLiteral("csharp"), QStringLiteral("using System; // cs\nclass A { string s = \"x\"; }\n")},
        {QStringLiteral("go"), QStringLiteral("package main\nfunc main() { var s string = \"go\" }\n")},
        {QStringLiteral("sql"), QStringLiteral("SELECT name FROM users WHERE id = 42; -- q\n")},
        {QStringLiteral("html"), QStringLiteral("<html><body class=\"a\">Hi<!-- c --></body></html>\n")},
        {QStringLiteral("css"), QStringLiteral("body { color: red; } /* c */\n")},
        {QStringLiteral("markdown"), QStringLiteral("# Title\n\nSome *emphasis* and `code`.\n")},
        {QStringLiteral("bash"), QStringLiteral("#!/bin/bash\nif [ -f x ]; then echo \"$HOME\"; fi\n")},
        {QStringLiteral("json"), QStringLiteral("{\"key\": [1, true, \"text\"]}\n")},
        {QStringLiteral("yaml"), QStringLiteral("key: value # c\nlist:\n  - 42\n")},
    };
    return samples.value(language);
}

} // namespace

class TestCodeLanguages : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void everyLanguageStylesItsSample_data();
    void everyLanguageStylesItsSample();
    void keywordSetsOfTheCppLexer_data();
    void keywordSetsOfTheCppLexer();
    void languageOfAFileName();
    void darkThemeIsReadable_data();
    void darkThemeIsReadable();
};

void TestCodeLanguages::everyLanguageStylesItsSample_data()
{
    QTest::addColumn<QString>("id");
    const QStringList required = {QStringLiteral("python"), QStringLiteral("c"), QStringLiteral("cpp"),
                                  QStringLiteral("java"), QStringLiteral("javascript"), QStringLiteral("typescript"),
                                  QStringLiteral("csharp"), QStringLiteral("go"), QStringLiteral("sql"),
                                  QStringLiteral("html"), QStringLiteral("css"), QStringLiteral("markdown"),
                                  QStringLiteral("bash"), QStringLiteral("json"), QStringLiteral("yaml")};
    QStringList listed;
    for (const CodeLanguage &language : CodeLanguages::all())
        listed.append(language.id);
    for (const QString &id : required) {
        QVERIFY2(listed.contains(id), qPrintable(id));
        QTest::newRow(qPrintable(id)) << id;
    }
    QVERIFY(listed.contains(CodeLanguages::plainText()));
}

void TestCodeLanguages::everyLanguageStylesItsSample()
{
    QFETCH(QString, id);
    QObject owner;
    QVERIFY(CodeLanguages::createLexer(id, &owner));

    CollabEditor editor;
    editor.setLanguage(id);
    QCOMPARE(editor.language(), id);
    QVERIFY(editor.lexer());
    editor.insert(sample(id));
    editor.SendScintilla(QsciScintillaBase::SCI_COLOURISE, 0UL, -1L);
    QSet<long> styles;
    const long length = editor.SendScintilla(QsciScintillaBase::SCI_GETLENGTH);
    for (long position = 0; position < length; ++position)
        styles.insert(editor.SendScintilla(QsciScintillaBase::SCI_GETSTYLEAT, static_cast<unsigned long>(position)));
    QVERIFY2(styles.size() > 1, qPrintable(QStringLiteral("%1 styles").arg(styles.size())));
}

void TestCodeLanguages::keywordSetsOfTheCppLexer_data()
{
    QTest::addColumn<QString>("id");
    QTest::addColumn<QString>("word");
    QTest::addColumn<int>("style");
    // C, Go and TypeScript borrow the C++ lexer with keyword sets of their own.
    QTest::newRow("c keyword") << QStringLiteral("c") << QStringLiteral("sizeof") << int(QsciLexerCPP::Keyword);
    QTest::newRow("c type") << QStringLiteral("c") << QStringLiteral("char") << int(QsciLexerCPP::KeywordSet2);
    QTest::newRow("go keyword") << QStringLiteral("go") << QStringLiteral("func") << int(QsciLexerCPP::Keyword);
    QTest::newRow("go type") << QStringLiteral("go") << QStringLiteral("string") << int(QsciLexerCPP::KeywordSet2);
    QTest::newRow("go, not c++") << QStringLiteral("go") << QStringLiteral("var") << int(QsciLexerCPP::Keyword);
    QTest::newRow("ts keyword") << QStringLiteral("typescript") << QStringLiteral("interface")
                                << int(QsciLexerCPP::Keyword);
    QTest::newRow("ts type") << QStringLiteral("typescript") << QStringLiteral("number")
                             << int(QsciLexerCPP::KeywordSet2);
}

void TestCodeLanguages::keywordSetsOfTheCppLexer()
{
    QFETCH(QString, id);
    QFETCH(QString, word);
    QFETCH(int, style);
    CollabEditor editor;
    editor.setLanguage(id);
    const QString text = sample(id);
    editor.insert(text);
    editor.SendScintilla(QsciScintillaBase::SCI_COLOURISE, 0UL, -1L);
    const qsizetype at = text.indexOf(QRegularExpression(QStringLiteral("\\b%1\\b").arg(word)));
    QVERIFY(at >= 0);
    const auto bytes = static_cast<unsigned long>(text.left(at).toUtf8().size());
    QCOMPARE(int(editor.SendScintilla(QsciScintillaBase::SCI_GETSTYLEAT, bytes)), style);
}

void TestCodeLanguages::languageOfAFileName()
{
    QCOMPARE(CodeLanguages::forFileName(QStringLiteral("main.py")), QStringLiteral("python"));
    QCOMPARE(CodeLanguages::forFileName(QStringLiteral("src/Widget.HPP")), QStringLiteral("cpp"));
    QCOMPARE(CodeLanguages::forFileName(QStringLiteral("server.go")), QStringLiteral("go"));
    QCOMPARE(CodeLanguages::forFileName(QStringLiteral("app.tsx")), QStringLiteral("typescript"));
    QCOMPARE(CodeLanguages::forFileName(QStringLiteral("ci.yml")), QStringLiteral("yaml"));
    QCOMPARE(CodeLanguages::forFileName(QStringLiteral("lib.h")), QStringLiteral("c"));
    QCOMPARE(CodeLanguages::forFileName(QStringLiteral("README")), CodeLanguages::plainText());
    QCOMPARE(CodeLanguages::forFileName(QStringLiteral("data.xyz")), CodeLanguages::plainText());

    CollabEditor editor;
    editor.setLanguage(QStringLiteral("no-such-language"));
    QCOMPARE(editor.language(), CodeLanguages::plainText());
    QVERIFY(!editor.lexer());
}

void TestCodeLanguages::darkThemeIsReadable_data()
{
    everyLanguageStylesItsSample_data();
}

void TestCodeLanguages::darkThemeIsReadable()
{
    QFETCH(QString, id);
    for (const QColor &base : {QColor(0x1f, 0x20, 0x23), QColor(Qt::white)}) {
        QPalette palette;
        palette.setColor(QPalette::Base, base);
        palette.setColor(QPalette::Text, base.lightness() < 128 ? QColor(0xe8, 0xe9, 0xeb) : QColor(Qt::black));
        CollabEditor editor;
        editor.setPalette(palette);
        editor.setLanguage(id);
        QsciLexer *lexer = editor.lexer();
        QVERIFY(lexer);
        for (int style = 0; style < 128; ++style) {
            if (lexer->description(style).isEmpty())
                continue;
            QCOMPARE(lexer->paper(style), base);
            const double contrast = EditorTheme::contrast(lexer->color(style), base);
            QVERIFY2(contrast >= 4.5, qPrintable(QStringLiteral("style %1 (%2): %3 on %4, contrast %5")
                                                     .arg(style)
                                                     .arg(lexer->description(style), lexer->color(style).name(),
                                                          base.name())
                                                     .arg(contrast)));
        }
    }
}

QTEST_MAIN(TestCodeLanguages)
#include "tst_codelanguages.moc"
