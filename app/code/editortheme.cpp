// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "editortheme.h"

#include "qscintilla.h"

#include <QFontDatabase>
#include <QPalette>

#include <cmath>

namespace Cohort::Ui::EditorTheme {

namespace {

constexpr double kMinimumContrast = 4.5;
// Scintilla's style numbers are 0-127 for lexers; 32-39 are the predefined ones.
constexpr int kStyleCount = 128;
// Scintilla's fold markers (SC_MARKNUM_FOLDEREND .. SC_MARKNUM_FOLDEROPEN).
constexpr int kFirstFoldMarker = 25;
constexpr int kLastFoldMarker = 31;

double channel(double value)
{
    return value <= 0.03928 ? value / 12.92 : std::pow((value + 0.055) / 1.055, 2.4);
}

double luminance(const QColor &color)
{
    return 0.2126 * channel(color.redF()) + 0.7152 * channel(color.greenF()) + 0.0722 * channel(color.blueF());
}

QColor blend(const QColor &from, const QColor &to, double amount)
{
    auto mix = [amount](double a, double b) { return a + (b - a) * amount; };
    return QColor::fromRgbF(float(mix(from.redF(), to.redF())), float(mix(from.greenF(), to.greenF())),
                            float(mix(from.blueF(), to.blueF())));
}

// Plain text takes the palette's text colour as it is: style 0, styles without a colour of their
// own (they report the lexer's default, which apply() sets to the palette's), and near-black.
bool isPlainText(const QsciLexer *lexer, int style)
{
    const QColor color = lexer->defaultColor(style);
    return style == 0 || color == lexer->defaultColor()
        || (color.hslSaturationF() < 0.1f && color.lightnessF() < 0.15f);
}

} // namespace

bool isDark(const QPalette &palette)
{
    return palette.color(QPalette::Base).lightness() < 128;
}

double contrast(const QColor &a, const QColor &b)
{
    const double la = luminance(a);
    const double lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

QColor readable(const QColor &color, const QColor &background)
{
    const bool dark = background.lightness() < 128;
    float hue = 0, saturation = 0, lightness = 0;
    color.getHslF(&hue, &saturation, &lightness);
    if (dark)
        lightness = 1.0f - lightness;
    QColor result = QColor::fromHslF(hue, saturation, lightness);
    const float step = dark ? 0.03f : -0.03f;
    while (contrast(result, background) < kMinimumContrast && (dark ? lightness < 1.0f : lightness > 0.0f)) {
        lightness = std::clamp(lightness + step, 0.0f, 1.0f);
        result = QColor::fromHslF(hue, saturation, lightness);
    }
    return result;
}

void apply(QsciScintilla *editor, QsciLexer *lexer, const QPalette &palette)
{
    const QColor background = palette.color(QPalette::Base);
    const QColor text = palette.color(QPalette::Text);
    const bool dark = isDark(palette);
    QFont font = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    font.setPointSizeF(std::max(font.pointSizeF(), 10.0));

    editor->setFont(font);
    editor->setPaper(background);
    editor->setColor(text);
    if (lexer) {
        lexer->setDefaultPaper(background);
        lexer->setDefaultColor(text);
        lexer->setDefaultFont(font);
        for (int style = 0; style < kStyleCount; ++style) {
            if (lexer->description(style).isEmpty())
                continue;
            QFont styleFont = font;
            styleFont.setBold(lexer->defaultFont(style).bold());
            styleFont.setItalic(lexer->defaultFont(style).italic());
            lexer->setFont(styleFont, style);
            lexer->setPaper(background, style);
            lexer->setColor(isPlainText(lexer, style) ? text : readable(lexer->defaultColor(style), background), style);
        }
    }

    const QColor margin = dark ? background.lighter(125) : background.darker(106);
    const QColor marginText = blend(margin, text, 0.55);
    QFont marginFont = font;
    marginFont.setPointSizeF(font.pointSizeF() * 0.9);
    editor->setMarginsFont(marginFont);
    editor->setMarginsBackgroundColor(margin);
    editor->setMarginsForegroundColor(marginText);
    editor->setFoldMarginColors(margin, margin);
    for (int marker = kFirstFoldMarker; marker <= kLastFoldMarker; ++marker) {
        editor->setMarkerForegroundColor(margin, marker);
        editor->setMarkerBackgroundColor(marginText, marker);
    }

    editor->setCaretForegroundColor(text);
    editor->setCaretWidth(2);
    editor->setCaretLineBackgroundColor(blend(background, text, dark ? 0.07 : 0.045));
    const QColor highlight = palette.color(QPalette::Highlight);
    editor->setSelectionBackgroundColor(blend(background, highlight, dark ? 0.4 : 0.3));
    editor->resetSelectionForegroundColor();
    editor->setMatchedBraceBackgroundColor(blend(background, highlight, 0.3));
    editor->setMatchedBraceForegroundColor(text);
    editor->setUnmatchedBraceBackgroundColor(background);
    editor->setUnmatchedBraceForegroundColor(readable(QColor(0xd0, 0x20, 0x20), background));
    editor->setIndentationGuidesBackgroundColor(background);
    editor->setIndentationGuidesForegroundColor(blend(background, text, 0.2));
}

} // namespace Cohort::Ui::EditorTheme
