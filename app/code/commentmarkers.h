// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "collabeditor.h"

#include <QList>
#include <QMap>
#include <QStringList>

#include <functional>

class QPalette;

namespace Cohort::Ui {

/// Line-range comments drawn as margin markers: a speech bubble on the first line and a bar
/// along the range. Each end is an engine anchor, so the range moves with the text; refresh()
/// re-resolves them and puts the markers where the lines are now.
class CommentMarkers
{
public:
    using Resolver = std::function<qsizetype(const Collab::Anchor &)>;

    CommentMarkers(QsciScintilla *editor, Resolver resolver, int margin);

    int margin() const { return m_margin; }
    void set(const QString &id, const Collab::Anchor &start, const Collab::Anchor &end);
    bool remove(const QString &id);
    /// The comments with their current lines, in the order of their first line.
    QList<CodeComment> comments() const;
    QStringList idsAtLine(int line) const;
    /// Puts the markers where the comments are now; true if any comment's lines changed
    /// since the last refresh.
    bool refresh();
    void applyPalette(const QPalette &palette);

private:
    struct Entry
    {
        Collab::Anchor start;
        Collab::Anchor end;
    };
    CodeComment place(const QString &id, const Entry &entry) const;
    bool markersInPlace() const;

    QsciScintilla *m_editor;
    Resolver m_resolve;
    int m_margin;
    int m_bubbleMarker = -1;
    int m_rangeMarker = -1;
    QMap<QString, Entry> m_entries;
    QList<CodeComment> m_shown;
};

} // namespace Cohort::Ui
