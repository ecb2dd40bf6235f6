// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "remotecursors.h"

#include "qscintilla.h"

#include <QEvent>
#include <QFontMetrics>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>

namespace Cohort::Ui {

namespace {

constexpr qint64 kTagMs = 2000;
/// How far beside a caret the mouse still counts as over it.
constexpr int kHoverMargin = 4;

// Scintilla takes colours as 0xBBGGRR.
long scintillaColor(const QColor &color)
{
    return color.red() | (color.green() << 8) | (color.blue() << 16);
}

} // namespace

RemoteCursors::RemoteCursors(QsciScintilla *editor, Resolver resolver)
    : QWidget(editor->viewport()), m_editor(editor), m_resolve(std::move(resolver))
{
    setAttribute(Qt::WA_TransparentForMouseEvents);
    setAttribute(Qt::WA_NoSystemBackground);
    setGeometry(editor->viewport()->rect());
    editor->viewport()->installEventFilter(this);
    editor->viewport()->setMouseTracking(true); // hovering a caret shows its name

    m_indicator = editor->indicatorDefine(QsciScintilla::StraightBoxIndicator);
    const auto indicator = static_cast<unsigned long>(m_indicator);
    // Each range carries its peer's colour as the indicator value; drawn under the text.
    editor->SendScintilla(QsciScintillaBase::SCI_INDICSETFLAGS, indicator,
                          long(QsciScintillaBase::SC_INDICFLAG_VALUEBEFORE));
    editor->SendScintilla(QsciScintillaBase::SCI_INDICSETUNDER, indicator, 1L);
    editor->SendScintilla(QsciScintillaBase::SCI_INDICSETALPHA, indicator, 70L);
    editor->SendScintilla(QsciScintillaBase::SCI_INDICSETOUTLINEALPHA, indicator, 0L);

    // Scrolled or zoomed, every caret moved on screen; an edit or a selection moves only some.
    connect(editor, &QsciScintillaBase::SCN_UPDATEUI, this, [this](int updated) {
        if (updated & (QsciScintillaBase::SC_UPDATE_V_SCROLL | QsciScintillaBase::SC_UPDATE_H_SCROLL))
            repaintAll();
        else
            repaintChanged();
    });
    connect(editor, &QsciScintillaBase::SCN_ZOOM, this, &RemoteCursors::relayout);
    connect(editor, &QsciScintillaBase::SCN_MODIFIED, this,
            [this](int position, int type, const char *, int length, int linesAdded, int, int, int, int, int) {
                forgetMeasures(position, type, length, linesAdded);
            });
    m_tagTimer.setSingleShot(true);
    connect(&m_tagTimer, &QTimer::timeout, this, [this] {
        repaintChanged();
        scheduleTagExpiry();
    });
    show();
}

void RemoteCursors::set(quint64 peer, const QString &name, const QColor &color, const Collab::Anchor &anchor,
                        const Collab::Anchor &head)
{
    Cursor &cursor = m_cursors[peer];
    const bool moved = !cursor.moved.isValid() || cursor.anchor != anchor || cursor.head != head
        || cursor.name != name;
    // repaintChanged() repaints where a caret or tag moved: a new name in a tag of the same
    // width, or a new colour (the pane's palette changed), moves nothing.
    const bool restyled = cursor.name != name || cursor.color != color;
    cursor.name = name;
    cursor.color = color;
    cursor.anchor = anchor;
    cursor.head = head;
    if (moved) {
        cursor.moved.start();
        scheduleTagExpiry();
    }
    refresh();
    if (restyled)
        update(cursor.painted);
}

bool RemoteCursors::isTagShown(quint64 peer) const
{
    const Cursor *cursor = find(peer);
    return cursor && (cursor->moved.elapsed() < kTagMs || peer == m_hovered);
}

QRect RemoteCursors::caretRect(quint64 peer) const
{
    const Cursor *cursor = find(peer);
    return cursor ? caretRect(*cursor) : QRect();
}

QRect RemoteCursors::tagRect(quint64 peer) const
{
    const Cursor *cursor = find(peer);
    return cursor ? shapeOf(peer, *cursor).tag : QRect();
}

void RemoteCursors::scheduleTagExpiry()
{
    qint64 next = -1;
    for (const Cursor &cursor : std::as_const(m_cursors)) {
        const qint64 remaining = kTagMs - cursor.moved.elapsed();
        if (remaining > 0 && (next < 0 || remaining < next))
            next = remaining;
    }
    if (next >= 0)
        m_tagTimer.start(int(next) + 1);
}

void RemoteCursors::remove(quint64 peer)
{
    if (m_hovered == peer)
        m_hovered = 0;
    const auto it = m_cursors.constFind(peer);
    if (it == m_cursors.cend())
        return;
    update(it->painted);
    m_cursors.erase(it);
    refresh();
}

const RemoteCursors::Cursor *RemoteCursors::find(quint64 peer) const
{
    const auto it = m_cursors.constFind(peer);
    return it == m_cursors.cend() ? nullptr : &*it;
}

void RemoteCursors::refresh()
{
    // Runs after every keystroke: with no one else here (and nothing drawn) there is nothing to do.
    if (m_cursors.isEmpty() && !m_drawn)
        return;
    m_drawn = !m_cursors.isEmpty();
    bool ranges = false;
    for (Cursor &cursor : m_cursors) {
        cursor.anchorBytes = m_resolve(cursor.anchor);
        cursor.headBytes = m_resolve(cursor.head);
        ranges = ranges || cursor.anchorBytes != cursor.headBytes;
    }
    // Changing indicators redraws the lines they span: with only carets (the common case while
    // people type) there are none to change.
    if (ranges || m_rangesDrawn) {
        m_rangesDrawn = ranges;
        const auto indicator = static_cast<unsigned long>(m_indicator);
        m_editor->SendScintilla(QsciScintillaBase::SCI_SETINDICATORCURRENT, indicator);
        m_editor->SendScintilla(QsciScintillaBase::SCI_INDICATORCLEARRANGE, 0UL,
                                m_editor->SendScintilla(QsciScintillaBase::SCI_GETLENGTH));
        for (const Cursor &cursor : std::as_const(m_cursors)) {
            const qsizetype from = std::min(cursor.anchorBytes, cursor.headBytes);
            const qsizetype to = std::max(cursor.anchorBytes, cursor.headBytes);
            if (from == to)
                continue;
            m_editor->SendScintilla(QsciScintillaBase::SCI_SETINDICATORVALUE,
                                    static_cast<unsigned long>(scintillaColor(cursor.color)
                                                               | QsciScintillaBase::SC_INDICVALUEBIT));
            m_editor->SendScintilla(QsciScintillaBase::SCI_INDICATORFILLRANGE, static_cast<unsigned long>(from),
                                    long(to - from));
        }
    }
    repaintChanged();
}

void RemoteCursors::repaintChanged()
{
    for (auto it = m_cursors.begin(); it != m_cursors.end(); ++it) {
        const QRect now = shapeOf(it.key(), it.value()).extent();
        if (now == it->painted)
            continue;
        update(it->painted);
        update(now);
        it->painted = now;
    }
}

void RemoteCursors::repaintAll()
{
    if (m_cursors.isEmpty())
        return;
    for (auto it = m_cursors.begin(); it != m_cursors.end(); ++it)
        it->painted = shapeOf(it.key(), it.value()).extent();
    update();
}

QFont RemoteCursors::tagFont() const
{
    QFont tag = font();
    tag.setPointSizeF(std::max(7.0, tag.pointSizeF() * 0.8));
    tag.setBold(true);
    return tag;
}

RemoteCursors::Shape RemoteCursors::shapeOf(quint64 peer, const Cursor &cursor) const
{
    Shape shape;
    shape.caret = caretRect(cursor);
    if (shape.caret.isEmpty())
        return shape;
    const int x = shape.caret.x() + 1;
    const int y = shape.caret.y();
    if (cursor.moved.elapsed() >= kTagMs && peer != m_hovered) {
        shape.flag = true;
        shape.tag = QRect(x - 1, y, 6, 4);
        return shape;
    }
    // The name sits above the caret's line, or below it on the first visible line.
    const Tag &tag = tagFor(cursor.name);
    shape.name = tag.text;
    // Near the right edge the tag moves left, still over the caret, so that the name shows whole.
    const int left = std::max(0, std::min(x - 1, width() - tag.width));
    shape.tag = QRect(left, y >= m_tagHeight ? y - m_tagHeight : y + shape.caret.height(), tag.width, m_tagHeight);
    return shape;
}

const RemoteCursors::Tag &RemoteCursors::tagFor(const QString &name) const
{
    const auto it = m_tags.constFind(name);
    if (it != m_tags.cend())
        return *it;
    const QFontMetrics metrics(tagFont());
    m_tagHeight = metrics.height() + 2;
    const QString text = metrics.elidedText(name, Qt::ElideRight, 160);
    return *m_tags.insert(name, {text, metrics.horizontalAdvance(text) + 8});
}

void RemoteCursors::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::FontChange)
        relayout();
    QWidget::changeEvent(event);
}

void RemoteCursors::paintEvent(QPaintEvent *event)
{
    if (m_cursors.isEmpty())
        return;
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setFont(tagFont());
    for (auto it = m_cursors.begin(); it != m_cursors.end(); ++it) {
        Cursor &cursor = it.value();
        const Shape shape = shapeOf(it.key(), cursor);
        if (!shape.extent().intersects(event->rect()))
            continue;
        // repaintChanged() clears what was drawn when the caret moves on.
        cursor.painted |= shape.extent();
        painter.fillRect(shape.caret, cursor.color);
        if (shape.flag) {
            painter.fillRect(shape.tag, cursor.color);
            continue;
        }
        QPainterPath path;
        path.addRoundedRect(shape.tag, 3, 3);
        painter.fillPath(path, cursor.color);
        painter.setPen(cursor.color.lightnessF() > 0.6 ? Qt::black : Qt::white);
        painter.drawText(shape.tag, Qt::AlignCenter, shape.name);
    }
}

QRect RemoteCursors::caretRect(const Cursor &cursor) const
{
    using Base = QsciScintillaBase;
    const auto position = static_cast<unsigned long>(cursor.headBytes);
    const long line = m_editor->SendScintilla(Base::SCI_LINEFROMPOSITION, position);
    const auto lineNumber = static_cast<unsigned long>(line);
    // A caret keeps its place on screen while its line, the lines shown and the horizontal
    // scroll stay as they were; its line's text and style are watched by forgetMeasures().
    const size_t key = qHashMulti(0, m_layoutEpoch, position - m_editor->SendScintilla(Base::SCI_POSITIONFROMLINE, lineNumber),
                                  m_editor->SendScintilla(Base::SCI_VISIBLEFROMDOCLINE, lineNumber),
                                  m_editor->SendScintilla(Base::SCI_GETFIRSTVISIBLELINE),
                                  m_editor->SendScintilla(Base::SCI_GETXOFFSET));
    if (cursor.measuredLine != line || cursor.measuredKey != key) {
        const int x = int(m_editor->SendScintilla(Base::SCI_POINTXFROMPOSITION, 0UL, long(position)));
        const int y = int(m_editor->SendScintilla(Base::SCI_POINTYFROMPOSITION, 0UL, long(position)));
        const int lineHeight = int(m_editor->SendScintilla(Base::SCI_TEXTHEIGHT, lineNumber));
        cursor.measured = QRect(x - 1, y, 2, lineHeight);
        cursor.measuredLine = line;
        cursor.measuredKey = key;
    }
    const QRect caret = cursor.measured;
    if (caret.bottom() < 0 || caret.y() > height() || caret.x() + 1 < 0 || caret.x() + 1 > width())
        return {};
    return caret;
}

void RemoteCursors::forgetMeasures(int position, int type, int length, int linesAdded)
{
    using Base = QsciScintillaBase;
    if (linesAdded != 0) {
        ++m_layoutEpoch; // the lines below moved
        return;
    }
    if (!(type & (Base::SC_MOD_INSERTTEXT | Base::SC_MOD_DELETETEXT | Base::SC_MOD_CHANGESTYLE)))
        return;
    const long first = m_editor->SendScintilla(Base::SCI_LINEFROMPOSITION, static_cast<unsigned long>(position));
    const long last = type & Base::SC_MOD_DELETETEXT
        ? first
        : m_editor->SendScintilla(Base::SCI_LINEFROMPOSITION, static_cast<unsigned long>(position + length));
    for (const Cursor &cursor : std::as_const(m_cursors)) {
        if (cursor.measuredLine >= first && cursor.measuredLine <= last)
            cursor.measuredLine = -1;
    }
}

void RemoteCursors::relayout()
{
    ++m_layoutEpoch;
    m_tags.clear();
    m_tagHeight = 0;
    repaintAll();
}

quint64 RemoteCursors::peerAt(const QPoint &position) const
{
    for (auto it = m_cursors.cbegin(); it != m_cursors.cend(); ++it) {
        const QRect caret = caretRect(it.value());
        if (!caret.isEmpty() && caret.adjusted(-kHoverMargin, 0, kHoverMargin, 0).contains(position))
            return it.key();
    }
    return 0;
}

bool RemoteCursors::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == parent()) {
        switch (event->type()) {
        case QEvent::Resize:
            setGeometry(parentWidget()->rect());
            break;
        case QEvent::MouseMove:
        case QEvent::Leave: {
            const quint64 hovered = event->type() == QEvent::Leave
                ? 0
                : peerAt(static_cast<QMouseEvent *>(event)->position().toPoint());
            if (hovered != m_hovered) {
                m_hovered = hovered;
                repaintChanged();
            }
            break;
        }
        default:
            break;
        }
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace Cohort::Ui
