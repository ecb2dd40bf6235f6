// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "codelanguages.h"

#include "qscintilla.h"

#include <QFileInfo>

namespace Cohort::Ui {

namespace {

// QScintilla has no lexer for C alone, Go or TypeScript. Their syntax is close enough to C++
// (C-style comments, strings, numbers, braces) that Scintilla's C++ lexer styles them well once
// it is given their keyword sets: set 1 for keywords, set 2 for types and built-ins.
class CLexer : public QsciLexerCPP
{
public:
    using QsciLexerCPP::QsciLexerCPP;
    const char *language() const override { return "C"; }
    const char *keywords(int set) const override
    {
        if (set == 1)
            return "auto break case const continue default do else enum extern for goto if inline "
                   "register restrict return sizeof static struct switch typedef union volatile while "
                   "_Alignas _Alignof _Atomic _Bool _Complex _Generic _Noreturn _Static_assert "
                   "_Thread_local";
        if (set == 2)
            return "char double float int long short signed unsigned void bool size_t ptrdiff_t "
                   "int8_t int16_t int32_t int64_t uint8_t uint16_t uint32_t uint64_t FILE NULL "
                   "true false";
        return QsciLexerCPP::keywords(set);
    }
};

class GoLexer : public QsciLexerCPP
{
public:
    using QsciLexerCPP::QsciLexerCPP;
    const char *language() const override { return "Go"; }
    const char *keywords(int set) const override
    {
        if (set == 1)
            return "break case chan const continue default defer else fallthrough for func go goto "
                   "if import interface map package range return select struct switch type var";
        if (set == 2)
            return "any bool byte comparable complex64 complex128 error float32 float64 int int8 "
                   "int16 int32 int64 rune string uint uint8 uint16 uint32 uint64 uintptr true "
                   "false iota nil append cap clear close complex copy delete imag len make max "
                   "min new panic print println real recover";
        return nullptr;
    }
};

class TypeScriptLexer : public QsciLexerCPP
{
public:
    using QsciLexerCPP::QsciLexerCPP;
    const char *language() const override { return "TypeScript"; }
    const char *keywords(int set) const override
    {
        if (set == 1)
            return "abstract as asserts async await break case catch class const constructor "
                   "continue debugger declare default delete do else enum export extends false "
                   "finally for from function get if implements import in infer instanceof "
                   "interface is keyof let module namespace new null of override private "
                   "protected public readonly return satisfies set static super switch this "
                   "throw true try type typeof undefined var void while with yield";
        if (set == 2)
            return "any bigint boolean never number object string symbol unknown void Array "
                   "Promise Record Partial Readonly Map Set Date Error JSON Math console";
        return nullptr;
    }
};

QStringList words(const char *list)
{
    return QString::fromLatin1(list).split(QLatin1Char(' '));
}

} // namespace

QString CodeLanguages::plainText()
{
    return QStringLiteral("text");
}

QList<CodeLanguage> CodeLanguages::all()
{
    // Language names are proper names and stay untranslated.
    return {
        {plainText(), tr("Plain text"), words("txt text log")},
        {QStringLiteral("python"), QStringLiteral("Python"), words("py pyw pyi")},
        {QStringLiteral("c"), QStringLiteral("C"), words("c h")},
        {QStringLiteral("cpp"), QStringLiteral("C++"), words("cpp cc cxx c++ hpp hh hxx h++ ipp")},
        {QStringLiteral("java"), QStringLiteral("Java"), words("java")},
        {QStringLiteral("javascript"), QStringLiteral("JavaScript"), words("js mjs cjs jsx")},
        {QStringLiteral("typescript"), QStringLiteral("TypeScript"), words("ts mts cts tsx")},
        {QStringLiteral("csharp"), QStringLiteral("C#"), words("cs csx")},
        {QStringLiteral("go"), QStringLiteral("Go"), words("go")},
        {QStringLiteral("sql"), QStringLiteral("SQL"), words("sql")},
        {QStringLiteral("html"), QStringLiteral("HTML"), words("html htm xhtml")},
        {QStringLiteral("css"), QStringLiteral("CSS"), words("css")},
        {QStringLiteral("markdown"), QStringLiteral("Markdown"), words("md markdown")},
        {QStringLiteral("bash"), QStringLiteral("Bash"), words("sh bash zsh")},
        {QStringLiteral("json"), QStringLiteral("JSON"), words("json")},
        {QStringLiteral("yaml"), QStringLiteral("YAML"), words("yaml yml")},
    };
}

const CodeLanguage *CodeLanguages::find(const QString &id)
{
    static const QList<CodeLanguage> languages = all();
    for (const CodeLanguage &language : languages) {
        if (language.id == id)
            return &language;
    }
    return nullptr;
}

QString CodeLanguages::forFileName(const QString &fileName)
{
    const QString suffix = QFileInfo(fileName).suffix().toLower();
    if (suffix.isEmpty())
        return plainText();
    for (const CodeLanguage &language : all()) {
        if (language.suffixes.contains(suffix))
            return language.id;
    }
    return plainText();
}

QsciLexer *CodeLanguages::createLexer(const QString &id, QObject *parent)
{
    if (id == QLatin1String("python"))
        return new QsciLexerPython(parent);
    if (id == QLatin1String("c"))
        return new CLexer(parent);
    if (id == QLatin1String("cpp"))
        return new QsciLexerCPP(parent);
    if (id == QLatin1String("java"))
        return new QsciLexerJava(parent);
    if (id == QLatin1String("javascript"))
        return new QsciLexerJavaScript(parent);
    if (id == QLatin1String("typescript"))
        return new TypeScriptLexer(parent);
    if (id == QLatin1String("csharp"))
        return new QsciLexerCSharp(parent);
    if (id == QLatin1String("go"))
        return new GoLexer(parent);
    if (id == QLatin1String("sql"))
        return new QsciLexerSQL(parent);
    if (id == QLatin1String("html"))
        return new QsciLexerHTML(parent);
    if (id == QLatin1String("css"))
        return new QsciLexerCSS(parent);
    if (id == QLatin1String("markdown"))
        return new QsciLexerMarkdown(parent);
    if (id == QLatin1String("bash"))
        return new QsciLexerBash(parent);
    if (id == QLatin1String("json"))
        return new QsciLexerJSON(parent);
    if (id == QLatin1String("yaml"))
        return new QsciLexerYAML(parent);
    return nullptr;
}

} // namespace Cohort::Ui
