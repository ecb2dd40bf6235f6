// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "sessionlistdelegate.h"

#include "roomlistdelegate.h"

#include <QAbstractItemView>
#include <QPainter>

namespace Cohort::Ui {

namespace {
constexpr int Margin = 4;  // between the row's edge and its highlight
constexpr int Padding = 8; // inside the highlight
constexpr int Gap = 2;     // between the title and the details

QFont titleFont(const QFont &font)
{
    QFont bold = font;
    bold.setWeight(QFont::DemiBold);
    return bold;
}

std::pair<QString, QString> split(const QModelIndex &index)
{
    const QString text = index.data(Qt::DisplayRole).toString();
    const qsizetype lineBreak = text.indexOf(QLatin1Char('\n'));
    if (lineBreak < 0)
        return {text, QString()};
    return {text.left(lineBreak), text.mid(lineBreak + 1)};
}

/// The width the row is laid out in: the view's, not the cached rectangle of an earlier size.
int rowWidth(const QStyleOptionViewItem &option)
{
    if (const auto *view = qobject_cast<const QAbstractItemView *>(option.widget))
        return view->viewport()->width();
    return option.rect.width();
}
} // namespace

SessionListDelegate::Layout SessionListDelegate::layout(const QStyleOptionViewItem &option, const QString &details,
                                                        int width)
{
    const int inner = std::max(1, width - 2 * (Margin + Padding));
    const int titleHeight = QFontMetrics(titleFont(option.font)).height();
    Layout l;
    l.title = QRect(Margin + Padding, Margin + Padding, inner, titleHeight);
    if (!details.isEmpty()) {
        const QRect wrapped = option.fontMetrics.boundingRect(QRect(0, 0, inner, 10000), Qt::TextWordWrap, details);
        l.details = QRect(l.title.left(), l.title.bottom() + 1 + Gap, inner, wrapped.height());
    }
    return l;
}

QSize SessionListDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const int width = rowWidth(option);
    const Layout l = layout(option, split(index).second, width);
    const int bottom = l.details.isEmpty() ? l.title.bottom() : l.details.bottom();
    return QSize(width, bottom + 1 + Padding + Margin);
}

void SessionListDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const auto [title, details] = split(index);
    const QPalette &palette = option.palette;
    const bool selected = option.state & QStyle::State_Selected;
    const bool hovered = option.state & QStyle::State_MouseOver && index.flags() & Qt::ItemIsEnabled;
    const QRect row = option.rect.adjusted(Margin, Margin, -Margin, -Margin);

    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    RoomListDelegate::paintHighlight(painter, palette, row, selected, hovered);
    const QVariant foreground = index.data(Qt::ForegroundRole);
    const QColor own = foreground.isValid() ? foreground.value<QBrush>().color() : QColor();
    const QColor primary = selected ? palette.color(QPalette::HighlightedText) : own.isValid() ? own : palette.color(QPalette::Text);
    const QColor secondary = selected ? palette.color(QPalette::HighlightedText)
                                      : own.isValid() ? own : palette.color(QPalette::PlaceholderText);

    const Layout l = layout(option, details, option.rect.width());
    const QPoint origin = option.rect.topLeft();
    if (details.isEmpty()) {
        painter->setPen(primary);
        painter->setFont(option.font);
        painter->drawText(row, Qt::AlignCenter, option.fontMetrics.elidedText(title, Qt::ElideRight, row.width()));
    } else {
        const QFont bold = titleFont(option.font);
        painter->setFont(bold);
        painter->setPen(primary);
        painter->drawText(l.title.translated(origin), Qt::AlignLeft | Qt::AlignVCenter,
                          QFontMetrics(bold).elidedText(title, Qt::ElideRight, l.title.width()));
        painter->setFont(option.font);
        painter->setPen(secondary);
        painter->drawText(l.details.translated(origin), Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap, details);
    }
    painter->restore();
}

} // namespace Cohort::Ui
