// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "collabtypes.h"

#include <QColor>
#include <QElapsedTimer>
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
    };

    RemoteCursors(QsciScintilla *editor, Resolver resolver);

    void set(quint64 peer, const QString &name, const QColor &color, const Collab::Anchor &anchor,
             const Collab::Anchor &head);
    void remove(quint64 peer);
    const Cursor *find(quint64 peer) const;
    bool isTagShown(quint64 peer) const;
    void refresh();

protected:
    void paintEvent(QPaintEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void scheduleTagExpiry();
    void updateIfShown();
    /// The peer whose caret is under `position` (viewport coordinates), or 0.
    quint64 peerAt(const QPoint &position) const;
    /// The caret's rectangle in the viewport (empty when off screen).
    QRect caretRect(const Cursor &cursor) const;

    QsciScintilla *m_editor;
    Resolver m_resolve;
    QMap<quint64, Cursor> m_cursors;
    int m_indicator;
    bool m_drawn = false;
    quint64 m_hovered = 0; // the peer whose caret the mouse is over; 0: none
    QTimer m_tagTimer;
};

} // namespace Cohort::Ui
