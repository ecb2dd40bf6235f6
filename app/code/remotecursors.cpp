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

    // The overlay covers the whole viewport, so updating it repaints all of the text below:
    // only worth it when there is a caret to draw.
    connect(editor, &QsciScintillaBase::SCN_UPDATEUI, this, [this](int) { updateIfShown(); });
    connect(editor, &QsciScintillaBase::SCN_ZOOM, this, &RemoteCursors::updateIfShown);
    m_tagTimer.setSingleShot(true);
    connect(&m_tagTimer, &QTimer::timeout, this, [this] {
        update();
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
    cursor.name = name;
    cursor.color = color;
    cursor.anchor = anchor;
    cursor.head = head;
    if (moved) {
        cursor.moved.start();
        scheduleTagExpiry();
    }
    refresh();
}

bool RemoteCursors::isTagShown(quint64 peer) const
{
    const Cursor *cursor = find(peer);
    return cursor && (cursor->moved.elapsed() < kTagMs || peer == m_hovered);
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
    if (m_cursors.remove(peer))
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
    const auto indicator = static_cast<unsigned long>(m_indicator);
    m_editor->SendScintilla(QsciScintillaBase::SCI_SETINDICATORCURRENT, indicator);
    m_editor->SendScintilla(QsciScintillaBase::SCI_INDICATORCLEARRANGE, 0UL,
                            m_editor->SendScintilla(QsciScintillaBase::SCI_GETLENGTH));
    for (Cursor &cursor : m_cursors) {
        cursor.anchorBytes = m_resolve(cursor.anchor);
        cursor.headBytes = m_resolve(cursor.head);
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
    update();
}

void RemoteCursors::updateIfShown()
{
    if (!m_cursors.isEmpty())
        update();
}

void RemoteCursors::paintEvent(QPaintEvent *)
{
    if (m_cursors.isEmpty())
        return;
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    QFont tagFont = font();
    tagFont.setPointSizeF(std::max(7.0, tagFont.pointSizeF() * 0.8));
    tagFont.setBold(true);
    painter.setFont(tagFont);
    const QFontMetrics metrics(tagFont);
    const int tagHeight = metrics.height() + 2;

    for (auto it = m_cursors.cbegin(); it != m_cursors.cend(); ++it) {
        const Cursor &cursor = it.value();
        const QRect caret = caretRect(cursor);
        if (caret.isEmpty())
            continue;
        const int x = caret.x() + 1;
        const int y = caret.y();
        const int lineHeight = caret.height();
        painter.fillRect(caret, cursor.color);
        if (cursor.moved.elapsed() >= kTagMs && it.key() != m_hovered) {
            painter.fillRect(QRect(x - 1, y, 6, 4), cursor.color);
            continue;
        }

        // The name sits above the caret's line, or below it on the first visible line.
        const QString name = metrics.elidedText(cursor.name, Qt::ElideRight, 160);
        const QRect tag(x - 1, y >= tagHeight ? y - tagHeight : y + lineHeight, metrics.horizontalAdvance(name) + 8,
                        tagHeight);
        QPainterPath path;
        path.addRoundedRect(tag, 3, 3);
        painter.fillPath(path, cursor.color);
        painter.setPen(cursor.color.lightnessF() > 0.6 ? Qt::black : Qt::white);
        painter.drawText(tag, Qt::AlignCenter, name);
    }
}

QRect RemoteCursors::caretRect(const Cursor &cursor) const
{
    const auto position = static_cast<unsigned long>(cursor.headBytes);
    const int x = int(m_editor->SendScintilla(QsciScintillaBase::SCI_POINTXFROMPOSITION, 0UL, long(position)));
    const int y = int(m_editor->SendScintilla(QsciScintillaBase::SCI_POINTYFROMPOSITION, 0UL, long(position)));
    const long line = m_editor->SendScintilla(QsciScintillaBase::SCI_LINEFROMPOSITION, position);
    const int lineHeight = int(m_editor->SendScintilla(QsciScintillaBase::SCI_TEXTHEIGHT, static_cast<unsigned long>(line)));
    if (y + lineHeight < 0 || y > height() || x < 0 || x > width())
        return {};
    return QRect(x - 1, y, 2, lineHeight);
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
                update();
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
