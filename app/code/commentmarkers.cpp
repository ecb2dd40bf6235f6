// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "commentmarkers.h"

#include "editortheme.h"

#include <QPainter>
#include <QPainterPath>
#include <QPalette>
#include <QPixmap>

#include <algorithm>

namespace Cohort::Ui {

namespace {

constexpr int kBubbleSize = 14;
// The bubble sits right of the range bar, which Scintilla draws along the margin's left edge.
constexpr int kBarWidth = 4;

QPixmap bubble(const QColor &color)
{
    QPixmap pixmap(kBarWidth * 2 + kBubbleSize, kBubbleSize);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.translate(kBarWidth * 2, 0);
    QPainterPath path;
    path.addRoundedRect(QRectF(1, 1, kBubbleSize - 2, kBubbleSize - 5), 3, 3);
    path.moveTo(4, kBubbleSize - 4.5);
    path.lineTo(4, kBubbleSize - 1);
    path.lineTo(8, kBubbleSize - 4.5);
    painter.fillPath(path.simplified(), color);
    painter.setPen(QPen(Qt::white, 1.2));
    for (int i = 0; i < 3; ++i)
        painter.drawPoint(QPointF(4.5 + i * 2.5, 5.5));
    return pixmap;
}

} // namespace

CommentMarkers::CommentMarkers(QsciScintilla *editor, Resolver resolver, int margin)
    : m_editor(editor), m_resolve(std::move(resolver)), m_margin(margin)
{
    m_rangeMarker = m_editor->markerDefine(QsciScintilla::LeftRectangle);
    m_bubbleMarker = m_editor->markerDefine(bubble(Qt::darkYellow));
    m_editor->setMarginType(m_margin, QsciScintilla::SymbolMargin);
    m_editor->setMarginWidth(m_margin, kBarWidth * 2 + kBubbleSize + 2);
    m_editor->setMarginMarkerMask(m_margin, (1 << m_rangeMarker) | (1 << m_bubbleMarker));
    m_editor->setMarginSensitivity(m_margin, true);
}

void CommentMarkers::set(const QString &id, const Collab::Anchor &start, const Collab::Anchor &end)
{
    m_entries.insert(id, {start, end});
    refresh();
}

bool CommentMarkers::remove(const QString &id)
{
    if (!m_entries.remove(id))
        return false;
    refresh();
    return true;
}

CodeComment CommentMarkers::place(const QString &id, const Entry &entry) const
{
    const auto lineOf = [this](const Collab::Anchor &anchor) {
        return int(m_editor->SendScintilla(QsciScintillaBase::SCI_LINEFROMPOSITION,
                                           static_cast<unsigned long>(m_resolve(anchor))));
    };
    const int first = lineOf(entry.start);
    return {id, first, std::max(first, lineOf(entry.end))};
}

QList<CodeComment> CommentMarkers::comments() const
{
    QList<CodeComment> result;
    result.reserve(m_entries.size());
    for (auto it = m_entries.cbegin(); it != m_entries.cend(); ++it)
        result.append(place(it.key(), it.value()));
    std::stable_sort(result.begin(), result.end(),
                     [](const CodeComment &a, const CodeComment &b) { return a.firstLine < b.firstLine; });
    return result;
}

QStringList CommentMarkers::idsAtLine(int line) const
{
    QStringList ids;
    for (const CodeComment &comment : comments()) {
        if (line >= comment.firstLine && line <= comment.lastLine)
            ids.append(comment.id);
    }
    return ids;
}

bool CommentMarkers::refresh()
{
    // Runs after every keystroke, and clearing a marker walks every line of the text: the
    // markers are redrawn only when a comment moved or Scintilla moved its markers (it
    // merges a line's markers into the line above when their line break is deleted).
    QList<CodeComment> now = comments();
    const bool moved = now != m_shown;
    if (!moved && markersInPlace())
        return false;
    m_editor->markerDeleteAll(m_rangeMarker);
    m_editor->markerDeleteAll(m_bubbleMarker);
    for (const CodeComment &comment : std::as_const(now)) {
        for (int line = comment.firstLine; line <= comment.lastLine; ++line)
            m_editor->markerAdd(line, m_rangeMarker);
        m_editor->markerAdd(comment.firstLine, m_bubbleMarker);
    }
    m_shown = std::move(now);
    return moved;
}

bool CommentMarkers::markersInPlace() const
{
    // Scintilla adds markers to a line only by merging another's into it, which takes them
    // off a commented line: when every commented line has its markers, none is astray.
    const unsigned range = 1u << m_rangeMarker;
    const unsigned bubble = 1u << m_bubbleMarker;
    for (const CodeComment &comment : m_shown) {
        for (int line = comment.firstLine; line <= comment.lastLine; ++line) {
            const unsigned expected = line == comment.firstLine ? range | bubble : range;
            if ((m_editor->markersAtLine(line) & expected) != expected)
                return false;
        }
    }
    return true;
}

void CommentMarkers::applyPalette(const QPalette &palette)
{
    const QColor base = palette.color(QPalette::Base);
    const QColor accent = EditorTheme::readable(QColor(0xc8, 0x8a, 0x00), base);
    m_editor->markerDefine(bubble(accent), m_bubbleMarker);
    m_editor->setMarkerBackgroundColor(accent, m_rangeMarker);
    m_editor->setMarkerForegroundColor(accent, m_rangeMarker);
}

} // namespace Cohort::Ui
