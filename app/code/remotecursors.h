// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "collabtypes.h"

#include <QColor>
#include <QElapsedTimer>
#include <QHash>
#include <QMap>
#include <QString>
#include <QTimer>
#include <QWidget>

#include <functional>

class QsciScintilla;

namespace Cohort::Ui {

/// The other participants' carets and selections. Selections are a Scintilla indicator whose
/// colour is carried per range; carets and name tags are painted by this transparent overlay
/// on the editor's viewport. A name tag shows for two seconds after its caret moves, and while
/// the mouse is over the caret, else it shrinks to a small flag so it does not cover the code
/// above: with a class in one file, tags would hide the lines everyone is reading. Positions are engine anchors,
/// so they stay on their characters whatever edits arrive; refresh() re-resolves them after
/// every change.
class RemoteCursors : public QWidget
{
    Q_OBJECT
public:
    /// Turns an engine anchor into a Scintilla (byte) position.
    using Resolver = std::function<qsizetype(const Collab::Anchor &)>;

    struct Cursor
    {
        QString name;
        QColor color;
        Collab::Anchor anchor;
        Collab::Anchor head;
        qsizetype anchorBytes = 0;
        qsizetype headBytes = 0;
        QElapsedTimer moved;
        QRect painted; // what the caret and its tag cover on screen now (viewport coordinates)
        // Where Scintilla last placed the caret, and on what: asking it again lays out the
        // caret's line, which costs more than all else here.
        mutable QRect measured;
        mutable long measuredLine = -1; // -1: its line's text or style changed since
        mutable size_t measuredKey = 0;
    };

    RemoteCursors(QsciScintilla *editor, Resolver resolver);

    void set(quint64 peer, const QString &name, const QColor &color, const Collab::Anchor &anchor,
             const Collab::Anchor &head);
    void remove(quint64 peer);
    const Cursor *find(quint64 peer) const;
    bool isTagShown(quint64 peer) const;
    /// Where the peer's caret is drawn (viewport coordinates); empty when off screen or unknown.
    QRect caretRect(quint64 peer) const;
    /// Where the peer's name tag (or, once it faded, its flag) is drawn; empty when off screen.
    QRect tagRect(quint64 peer) const;
    void refresh();
    /// Fonts, zoom or margins changed: every caret is measured again.
    void relayout();

protected:
    void paintEvent(QPaintEvent *event) override;
    void changeEvent(QEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    /// What a cursor draws: its caret and, while it moved lately or is hovered, its name tag
    /// (otherwise a small flag on the caret).
    struct Shape
    {
        QRect caret; // empty when off screen
        QRect tag;
        QString name;
        bool flag = false;
        QRect extent() const { return caret.isEmpty() ? QRect() : caret | tag; }
    };

    void scheduleTagExpiry();
    /// Repaints where carets or tags appeared, moved or went: a caret is a few pixels, and
    /// repainting the viewport lays out all of its text again.
    void repaintChanged();
    /// Repaints all of the viewport (scrolled or zoomed: every caret moved on screen).
    void repaintAll();
    Shape shapeOf(quint64 peer, const Cursor &cursor) const;
    QFont tagFont() const;
    /// A name as its tag shows it, and the tag's width: text measured once, not per repaint.
    struct Tag
    {
        QString text;
        int width = 0;
    };
    const Tag &tagFor(const QString &name) const;
    /// The peer whose caret is under `position` (viewport coordinates), or 0.
    quint64 peerAt(const QPoint &position) const;
    /// The caret's rectangle in the viewport (empty when off screen).
    QRect caretRect(const Cursor &cursor) const;
    /// An edit or a restyle from `position` on: the carets measured on its lines are measured again.
    void forgetMeasures(int position, int type, int length, int linesAdded);

    QsciScintilla *m_editor;
    Resolver m_resolve;
    QMap<quint64, Cursor> m_cursors;
    int m_indicator;
    bool m_drawn = false;       // carets or selections on screen
    bool m_rangesDrawn = false; // selections as indicators in the text
    quint64 m_layoutEpoch = 0;  // counts what moves every caret (line breaks, zoom, fonts)
    mutable QHash<QString, Tag> m_tags; // by name, for tagFont()
    mutable int m_tagHeight = 0;        // 0: not measured since the font changed
    quint64 m_hovered = 0; // the peer whose caret the mouse is over; 0: none
    QTimer m_tagTimer;
};

} // namespace Cohort::Ui
