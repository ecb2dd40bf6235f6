// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "codehighlighter.h"

// QScintilla's headers use the `signals` and `slots` keywords, which QT_NO_KEYWORDS removes.
#define signals Q_SIGNALS
#define slots Q_SLOTS
#include <Qsci/qscilexerbash.h>
#include <Qsci/qscilexercpp.h>
#include <Qsci/qscilexercsharp.h>
#include <Qsci/qscilexercss.h>
#include <Qsci/qscilexerhtml.h>
#include <Qsci/qscilexerjava.h>
#include <Qsci/qscilexerjavascript.h>
#include <Qsci/qscilexerjson.h>
#include <Qsci/qscilexerlua.h>
#include <Qsci/qscilexerperl.h>
#include <Qsci/qscilexerpython.h>
#include <Qsci/qscilexerruby.h>
#include <Qsci/qscilexersql.h>
#include <Qsci/qscilexerxml.h>
#include <Qsci/qscilexeryaml.h>
#include <Qsci/qsciscintilla.h>
#undef signals
#undef slots

namespace Cohort::Ui {

namespace {
QsciLexer *lexerFor(const QString &language)
{
    const QString l = language.toLower();
    if (l == QLatin1String("cpp") || l == QLatin1String("c++") || l == QLatin1String("c") || l == QLatin1String("h")
        || l == QLatin1String("hpp") || l == QLatin1String("cc"))
        return new QsciLexerCPP;
    if (l == QLatin1String("python") || l == QLatin1String("py"))
        return new QsciLexerPython;
    if (l == QLatin1String("javascript") || l == QLatin1String("js") || l == QLatin1String("ts")
        || l == QLatin1String("typescript"))
        return new QsciLexerJavaScript;
    if (l == QLatin1String("java"))
        return new QsciLexerJava;
    if (l == QLatin1String("cs") || l == QLatin1String("csharp"))
        return new QsciLexerCSharp;
    if (l == QLatin1String("bash") || l == QLatin1String("sh") || l == QLatin1String("shell"))
        return new QsciLexerBash;
    if (l == QLatin1String("sql"))
        return new QsciLexerSQL;
    if (l == QLatin1String("json"))
        return new QsciLexerJSON;
    if (l == QLatin1String("html"))
        return new QsciLexerHTML;
    if (l == QLatin1String("xml"))
        return new QsciLexerXML;
    if (l == QLatin1String("css"))
        return new QsciLexerCSS;
    if (l == QLatin1String("ruby") || l == QLatin1String("rb"))
        return new QsciLexerRuby;
    if (l == QLatin1String("lua"))
        return new QsciLexerLua;
    if (l == QLatin1String("perl") || l == QLatin1String("pl"))
        return new QsciLexerPerl;
    if (l == QLatin1String("yaml") || l == QLatin1String("yml"))
        return new QsciLexerYAML;
    return nullptr;
}

QColor forDark(QColor color)
{
    // Lexer palettes assume white paper; keep the hue and lift the lightness.
    const float lightness = color.lightnessF();
    if (lightness < 0.6f)
        color = QColor::fromHslF(color.hslHueF(), color.hslSaturationF(), 0.6f + lightness * 0.4f);
    return color;
}
} // namespace

CodeHighlighter::CodeHighlighter() = default;
CodeHighlighter::~CodeHighlighter() = default;

bool CodeHighlighter::hasLexer(const QString &language)
{
    std::unique_ptr<QsciLexer> lexer(lexerFor(language));
    return lexer != nullptr;
}

QList<CodeHighlighter::Span> CodeHighlighter::highlight(const QString &code, const QString &language, bool dark)
{
    QList<Span> spans;
    QsciLexer *lexer = lexerFor(language);
    if (!lexer || code.isEmpty()) {
        delete lexer;
        return spans;
    }
    if (!m_editor)
        m_editor = std::make_unique<QsciScintilla>();
    lexer->setParent(m_editor.get());
    m_editor->setLexer(lexer);
    m_editor->setText(code);
    m_editor->SendScintilla(QsciScintillaBase::SCI_COLOURISE, 0L, -1L);

    // Scintilla positions are UTF-8 bytes; walk the string to keep both offsets in step.
    long bytePos = 0;
    int start = 0;
    int currentStyle = -1;
    auto flush = [&](int end) {
        if (currentStyle < 0 || end <= start)
            return;
        const QColor color = lexer->color(currentStyle);
        const QFont font = lexer->font(currentStyle);
        spans.append(Span{start, end - start, dark ? forDark(color) : color, font.bold(), font.italic()});
    };
    for (int i = 0; i < code.size();) {
        const int style = int(m_editor->SendScintilla(QsciScintillaBase::SCI_GETSTYLEAT, bytePos));
        const int units = code.at(i).isHighSurrogate() && i + 1 < code.size() ? 2 : 1;
        if (style != currentStyle) {
            flush(i);
            start = i;
            currentStyle = style;
        }
        bytePos += code.mid(i, units).toUtf8().size();
        i += units;
    }
    flush(int(code.size()));
    m_editor->setLexer(nullptr);
    delete lexer;
    return spans;
}

} // namespace Cohort::Ui
