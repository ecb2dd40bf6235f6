// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include <QStyledItemDelegate>

namespace Cohort::Ui {

/// One room of the room list: the kind's icon (a presence dot for direct messages), the name,
/// the last message, the unread and mention badges and the pin; muted rooms are dimmed.
class RoomListDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

    /// The line under the room's name: the last message's text, its file when it has no text.
    static QString previewText(const QModelIndex &index);
    /// The symbol name (resources/icons) of a room kind.
    static QString kindSymbol(const QString &kind);
    /// A list row's rounded highlight: full when selected, faint when hovered, none otherwise.
    /// The Code pane's session list draws its rows' the same way.
    static void paintHighlight(QPainter *painter, const QPalette &palette, const QRect &row, bool selected, bool hovered);
};

} // namespace Cohort::Ui
