// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include <QColor>

class QPalette;
class QsciLexer;
class QsciScintilla;

namespace Cohort::Ui::EditorTheme {

bool isDark(const QPalette &palette);
/// Colours the editor and its lexer (may be null) from the widget palette. QScintilla's lexer
/// colours are made for a white page: on a dark base their lightness is inverted (hue kept)
/// and every colour is pushed until it reads against the background (contrast >= 4.5).
void apply(QsciScintilla *editor, QsciLexer *lexer, const QPalette &palette);
/// `color` adjusted to be readable on `background`, as apply() does it for the lexer's styles.
QColor readable(const QColor &color, const QColor &background);
/// The WCAG contrast ratio of two colours (1 to 21).
double contrast(const QColor &a, const QColor &b);

} // namespace Cohort::Ui::EditorTheme
