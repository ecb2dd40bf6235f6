// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include <QColor>
#include <QFont>
#include <QString>
#include <QStringList>

class QTextCursor;
class QTextDocument;

namespace Cohort::Ui {

class CodeHighlighter;

/// Colours and fonts a rendered message uses.
struct MarkdownStyle
{
    QFont font;
    QFont codeFont;
    QColor text;
    QColor link;
    QColor codeBackground;
    QColor quote;
    QColor mention;
    QColor mentionBackground;
    bool dark = false;
};

/// Renders the chat's Markdown subset (bold, italic, links, inline code, fenced code blocks
/// with a language, quotes, lists, @mentions) into a QTextDocument, built with QTextCursor and
/// formats only. Message text is never handed to an HTML or Markdown importer, so markup the
/// subset does not know (HTML tags, Qt rich text) shows as the literal text the sender typed.
class MarkdownRenderer
{
public:
    MarkdownRenderer(const MarkdownStyle &style, CodeHighlighter *highlighter);

    /// Clears `document` and fills it with `text`. `mentionNames` are the usernames (without @)
    /// to highlight; "room" and "all" are always highlighted.
    void render(QTextDocument *document, const QString &text, const QStringList &mentionNames = {}) const;

    /// Links are only made for these schemes; anything else (javascript:, file:, data:) stays text.
    static bool isSafeLink(const QString &url);

private:
    void insertInline(QTextCursor &cursor, const QString &text, const QStringList &mentionNames) const;
    void insertCode(QTextCursor &cursor, const QString &code, const QString &language, bool blockIsEmpty) const;

    MarkdownStyle m_style;
    CodeHighlighter *m_highlighter;
};

} // namespace Cohort::Ui
