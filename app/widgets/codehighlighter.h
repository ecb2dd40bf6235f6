// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include <QColor>
#include <QFont>
#include <QList>
#include <QString>

#include <memory>

class QsciScintilla;

namespace Cohort::Ui {

/// Highlights code with QScintilla's lexers, the engine of the Code pane: the code is styled in
/// an offscreen editor, and each character's style is read back (SCI_GETSTYLEAT) and mapped to
/// the lexer's colour and font, so a chat code block looks like the same code in the editor.
class CodeHighlighter
{
public:
    struct Span
    {
        int start = 0;  // in QString characters
        int length = 0;
        QColor color;
        bool bold = false;
        bool italic = false;
    };

    CodeHighlighter();
    ~CodeHighlighter();
    CodeHighlighter(const CodeHighlighter &) = delete;
    CodeHighlighter &operator=(const CodeHighlighter &) = delete;

    /// Whether a lexer exists for the fence's language name (cpp, python, js, sql, ...).
    static bool hasLexer(const QString &language);
    /// The coloured runs of `code`; empty for an unknown language. `dark` brightens the lexer's
    /// colours (made for a white page) so they read on a dark background.
    QList<Span> highlight(const QString &code, const QString &language, bool dark);

private:
    std::unique_ptr<QsciScintilla> m_editor;
};

} // namespace Cohort::Ui
