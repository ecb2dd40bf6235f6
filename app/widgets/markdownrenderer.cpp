// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "markdownrenderer.h"

#include "codehighlighter.h"

#include <QHash>
#include <QRegularExpression>
#include <QTextBlock>
#include <QTextCursor>
#include <QTextDocument>
#include <QTextFrame>
#include <QTextList>
#include <QUrl>

namespace Cohort::Ui {

namespace {
constexpr int MaxQuoteDepth = 4;
constexpr int MaxListDepth = 4;
constexpr qreal IndentStep = 14;

bool isNameChar(QChar c)
{
    return c.isLetterOrNumber() || c == QLatin1Char('.') || c == QLatin1Char('_') || c == QLatin1Char('-');
}

bool isWordStart(const QString &text, int i)
{
    return i == 0 || !text.at(i - 1).isLetterOrNumber();
}

/// indexOf with memory: once a delimiter is known to be absent after some position, later
/// searches from further on answer at once, so hostile input like ten thousand '[' stays linear.
class DelimiterFinder
{
public:
    explicit DelimiterFinder(const QString &text) : m_text(text) {}
    int find(const QString &delimiter, int from)
    {
        auto it = m_last.find(delimiter);
        if (it != m_last.end()) {
            if (it->first <= from && it->second < 0)
                return -1;
            if (it->first <= from && it->second >= from)
                return it->second;
        }
        const int found = int(m_text.indexOf(delimiter, from));
        m_last.insert(delimiter, {from, found});
        return found;
    }

private:
    const QString &m_text;
    QHash<QString, std::pair<int, int>> m_last; // delimiter -> (searched from, found at)
};

struct ListItem
{
    int depth = 0;
    bool ordered = false;
    QString text;
};

std::optional<ListItem> listItem(const QString &line)
{
    static const QRegularExpression pattern(QStringLiteral("^( *)([-*+]|\\d{1,9}[.)]) +(.*)$"));
    const QRegularExpressionMatch match = pattern.match(line);
    if (!match.hasMatch())
        return std::nullopt;
    return ListItem{std::min(int(match.capturedLength(1)) / 2, MaxListDepth - 1),
                    match.captured(2).at(0).isDigit(), match.captured(3)};
}

bool isFence(const QString &line)
{
    return line.trimmed().startsWith(QLatin1String("```"));
}

bool isQuote(const QString &line)
{
    return line.startsWith(QLatin1Char('>'));
}
} // namespace

MarkdownRenderer::MarkdownRenderer(const MarkdownStyle &style, CodeHighlighter *highlighter)
    : m_style(style)
    , m_highlighter(highlighter)
{
}

bool MarkdownRenderer::isSafeLink(const QString &url)
{
    const QUrl parsed(url, QUrl::StrictMode);
    const QString scheme = parsed.scheme().toLower();
    return parsed.isValid() && !parsed.host().isEmpty()
        ? (scheme == QLatin1String("http") || scheme == QLatin1String("https"))
        : scheme == QLatin1String("mailto") && parsed.isValid();
}

void MarkdownRenderer::render(QTextDocument *document, const QString &text, const QStringList &mentionNames) const
{
    document->clear();
    document->setDefaultFont(m_style.font);
    document->setDocumentMargin(0);
    document->setIndentWidth(IndentStep + 4);
    QTextCursor cursor(document);
    QTextCharFormat base;
    base.setFont(m_style.font);
    base.setForeground(m_style.text);
    cursor.setCharFormat(base);

    const QStringList lines = text.split(QLatin1Char('\n'));
    bool blockIsEmpty = true; // the cursor's block is empty and takes the next element
    auto newBlock = [&](const QTextBlockFormat &format) {
        if (blockIsEmpty) {
            cursor.setBlockFormat(format);
            cursor.setBlockCharFormat(base);
            blockIsEmpty = false;
        } else {
            cursor.insertBlock(format, base);
        }
    };

    QTextBlockFormat paragraph;
    paragraph.setBottomMargin(2);
    int i = 0;
    while (i < lines.size()) {
        const QString &line = lines.at(i);
        if (isFence(line)) {
            const QString language = line.trimmed().mid(3).trimmed().section(QLatin1Char(' '), 0, 0);
            QStringList code;
            ++i;
            while (i < lines.size() && !isFence(lines.at(i)))
                code.append(lines.at(i++));
            ++i; // the closing fence (or the end)
            insertCode(cursor, code.join(QLatin1Char('\n')), language, blockIsEmpty);
            blockIsEmpty = true;
            continue;
        }
        if (isQuote(line)) {
            // Consecutive quoted lines form one quote; its depth is the first line's.
            int depth = 0;
            while (depth < line.size() && (line.at(depth) == QLatin1Char('>') || line.at(depth) == QLatin1Char(' ')))
                ++depth;
            const int level = std::clamp(int(line.left(depth).count(QLatin1Char('>'))), 1, MaxQuoteDepth);
            QStringList quoted;
            while (i < lines.size() && isQuote(lines.at(i))) {
                QString content = lines.at(i++);
                while (!content.isEmpty() && (content.at(0) == QLatin1Char('>') || content.at(0) == QLatin1Char(' ')))
                    content.remove(0, 1);
                quoted.append(content);
            }
            QTextBlockFormat quote = paragraph;
            quote.setLeftMargin(IndentStep * level);
            newBlock(quote);
            QTextCharFormat quoteFormat = base;
            quoteFormat.setForeground(m_style.quote);
            quoteFormat.setFontItalic(true);
            cursor.setCharFormat(quoteFormat);
            insertInline(cursor, quoted.join(QChar::LineSeparator), mentionNames);
            cursor.setCharFormat(base);
            continue;
        }
        if (listItem(line)) {
            QTextList *list = nullptr;
            std::optional<ListItem> previous;
            while (i < lines.size()) {
                const std::optional<ListItem> item = listItem(lines.at(i));
                if (!item)
                    break;
                ++i;
                if (!list || !previous || previous->depth != item->depth || previous->ordered != item->ordered) {
                    QTextListFormat format;
                    format.setStyle(item->ordered ? QTextListFormat::ListDecimal : QTextListFormat::ListDisc);
                    format.setIndent(item->depth + 1);
                    newBlock(paragraph);
                    list = cursor.createList(format);
                } else {
                    newBlock(paragraph);
                    list->add(cursor.block());
                }
                previous = item;
                insertInline(cursor, item->text, mentionNames);
            }
            continue;
        }
        if (line.trimmed().isEmpty()) {
            ++i;
            continue;
        }
        QStringList paragraphLines;
        while (i < lines.size() && !lines.at(i).trimmed().isEmpty() && !isFence(lines.at(i)) && !isQuote(lines.at(i))
               && !listItem(lines.at(i))) {
            paragraphLines.append(lines.at(i++));
        }
        newBlock(paragraph);
        insertInline(cursor, paragraphLines.join(QChar::LineSeparator), mentionNames);
    }
}

void MarkdownRenderer::insertInline(QTextCursor &cursor, const QString &text, const QStringList &mentionNames) const
{
    const QTextCharFormat outer = cursor.charFormat();
    DelimiterFinder finder(text);
    bool bold = false;
    bool italic = false;
    QString pending;

    auto current = [&] {
        QTextCharFormat format = outer;
        if (bold)
            format.setFontWeight(QFont::Bold);
        if (italic)
            format.setFontItalic(true);
        return format;
    };
    auto flush = [&] {
        if (!pending.isEmpty())
            cursor.insertText(pending, current());
        pending.clear();
    };
    auto insertLink = [&](const QString &label, const QString &url) {
        flush();
        QTextCharFormat link = current();
        link.setAnchor(true);
        link.setAnchorHref(url);
        link.setForeground(m_style.link);
        link.setFontUnderline(true);
        cursor.insertText(label, link);
    };

    const int n = int(text.size());
    for (int i = 0; i < n;) {
        const QChar c = text.at(i);
        if (c == QLatin1Char('\\') && i + 1 < n && text.at(i + 1).isPunct()) {
            pending.append(text.at(i + 1));
            i += 2;
            continue;
        }
        if (c == QLatin1Char('`')) {
            const int close = finder.find(QStringLiteral("`"), i + 1);
            if (close > i + 1) {
                flush();
                QTextCharFormat code = current();
                code.setFont(m_style.codeFont);
                code.setFontWeight(bold ? QFont::Bold : QFont::Normal);
                code.setBackground(m_style.codeBackground);
                cursor.insertText(text.mid(i + 1, close - i - 1), code);
                i = close + 1;
                continue;
            }
        }
        if (c == QLatin1Char('*') || c == QLatin1Char('_')) {
            const bool doubled = i + 1 < n && text.at(i + 1) == c;
            const QString delimiter = doubled ? QString(2, c) : QString(c);
            bool &state = doubled ? bold : italic;
            // '_' inside a word (snake_case) is not emphasis.
            const bool intraword = c == QLatin1Char('_') && !state && !isWordStart(text, i);
            if (!intraword && (state || finder.find(delimiter, i + int(delimiter.size())) > i + int(delimiter.size()))) {
                flush();
                state = !state;
                i += int(delimiter.size());
                continue;
            }
        }
        if (c == QLatin1Char('[')) {
            const int middle = finder.find(QStringLiteral("]("), i + 1);
            const int close = middle > i ? finder.find(QStringLiteral(")"), middle + 2) : -1;
            if (middle > i + 1 && close > middle + 2) {
                const QString label = text.mid(i + 1, middle - i - 1);
                const QString url = text.mid(middle + 2, close - middle - 2);
                if (isSafeLink(url) && !label.contains(QLatin1Char('['))) {
                    insertLink(label, url);
                    i = close + 1;
                    continue;
                }
            }
        }
        if ((c == QLatin1Char('h') || c == QLatin1Char('H')) && isWordStart(text, i)
            && (text.mid(i, 7).compare(QLatin1String("http://"), Qt::CaseInsensitive) == 0
                || text.mid(i, 8).compare(QLatin1String("https://"), Qt::CaseInsensitive) == 0)) {
            int end = i;
            while (end < n && !text.at(end).isSpace())
                ++end;
            while (end > i && QStringLiteral(".,;:!?)'\"").contains(text.at(end - 1)))
                --end;
            const QString url = text.mid(i, end - i);
            if (isSafeLink(url)) {
                insertLink(url, url);
                i = end;
                continue;
            }
        }
        if (c == QLatin1Char('@') && isWordStart(text, i)) {
            int end = i + 1;
            while (end < n && isNameChar(text.at(end)))
                ++end;
            const QString name = text.mid(i + 1, end - i - 1);
            if (!name.isEmpty()
                && (name == QLatin1String("room") || name == QLatin1String("all") || mentionNames.contains(name, Qt::CaseInsensitive))) {
                flush();
                QTextCharFormat mention = current();
                mention.setForeground(m_style.mention);
                mention.setBackground(m_style.mentionBackground);
                mention.setFontWeight(QFont::DemiBold);
                cursor.insertText(text.mid(i, end - i), mention);
                i = end;
                continue;
            }
        }
        pending.append(c);
        ++i;
    }
    flush();
    cursor.setCharFormat(outer);
}

void MarkdownRenderer::insertCode(QTextCursor &cursor, const QString &code, const QString &language, bool blockIsEmpty) const
{
    // A frame always has a block before and after it; empty ones are squeezed to a hairline so
    // a message that starts or ends with code has no blank line.
    QTextCharFormat hairline;
    QFont tiny = m_style.font;
    tiny.setPixelSize(1);
    hairline.setFont(tiny);
    if (blockIsEmpty)
        cursor.setBlockCharFormat(hairline);
    QTextFrameFormat frameFormat;
    frameFormat.setBackground(m_style.codeBackground);
    frameFormat.setPadding(6);
    frameFormat.setBorder(0);
    frameFormat.setTopMargin(2);
    frameFormat.setBottomMargin(2);
    QTextFrame *frame = cursor.insertFrame(frameFormat);
    QTextCharFormat plain;
    plain.setFont(m_style.codeFont);
    plain.setForeground(m_style.text);
    // Long lines wrap: a chat bubble has no horizontal scroll bar.
    const QTextBlockFormat block;
    cursor.setBlockFormat(block);

    // The code goes in as text (tabs and all); the highlighter's spans then recolour ranges.
    const int start = cursor.position();
    const QString body = code.isEmpty() ? QString(QLatin1Char(' ')) : code;
    const QStringList codeLines = body.split(QLatin1Char('\n'));
    for (int l = 0; l < codeLines.size(); ++l) {
        if (l > 0)
            cursor.insertBlock(block, plain);
        cursor.insertText(codeLines.at(l), plain);
    }
    if (m_highlighter) {
        // Each '\n' became one block separator: positions in the document match the string.
        for (const CodeHighlighter::Span &span : m_highlighter->highlight(body, language, m_style.dark)) {
            QTextCursor range(cursor.document());
            range.setPosition(start + span.start);
            range.setPosition(start + span.start + span.length, QTextCursor::KeepAnchor);
            QTextCharFormat format;
            format.setForeground(span.color);
            if (span.bold)
                format.setFontWeight(QFont::Bold);
            if (span.italic)
                format.setFontItalic(true);
            range.mergeCharFormat(format);
        }
    }
    cursor = frame->lastCursorPosition();
    cursor.movePosition(QTextCursor::NextBlock);
    cursor.setBlockCharFormat(hairline);
}

} // namespace Cohort::Ui
