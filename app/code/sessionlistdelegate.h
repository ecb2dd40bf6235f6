// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include <QStyledItemDelegate>

namespace Cohort::Ui {

/// One line of the Code pane's session list. The item's text is the session's title, a line
/// break and its details ("3 participants · open to the course · …"): the title is drawn in
/// bold on a line of its own, elided, and the details below it in the palette's secondary
/// colour, wrapped, so that sessions do not run together. A line without details (the list's
/// "Show older sessions") is centred. An item's foreground (archived sessions are greyed, the
/// last line is a link) colours both.
class SessionListDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

private:
    struct Layout
    {
        QRect title;
        QRect details;
    };
    static Layout layout(const QStyleOptionViewItem &option, const QString &details, int width);
};

} // namespace Cohort::Ui
