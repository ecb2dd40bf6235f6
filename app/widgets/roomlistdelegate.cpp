// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "roomlistdelegate.h"

#include "chattypes.h"
#include "icons.h"
#include "roomlistmodel.h"

#include <QPainter>

namespace Cohort::Ui {

using Client::RoomListModel;

namespace {
constexpr int RowHeight = 52;
constexpr int IconSize = 20;

QColor presenceColor(Client::Presence presence)
{
    switch (presence) {
    case Client::Presence::Online:
        return QColor(0x22c55e);
    case Client::Presence::Away:
        return QColor(0xf59e0b);
    case Client::Presence::DoNotDisturb:
        return QColor(0xef4444);
    case Client::Presence::Offline:
        break;
    }
    return QColor(0x9ca3af);
}
} // namespace

QString RoomListDelegate::previewText(const QModelIndex &index)
{
    const QString text = index.data(RoomListModel::LastMessageRole).toString().simplified();
    if (!text.isEmpty())
        return text;
    const QString paperclip = QStringLiteral("\U0001F4CE ");
    const QString file = index.data(RoomListModel::LastMessageFileRole).toString().simplified();
    if (!file.isEmpty())
        return paperclip + file;
    // A message without text is a file, even from a server that does not name it in room.list.
    if (index.data(RoomListModel::LastActivityRole).toLongLong() > 0)
        return paperclip + tr("File");
    return tr("No messages yet");
}

QString RoomListDelegate::kindSymbol(const QString &kind)
{
    if (kind == QLatin1String("announcement"))
        return QStringLiteral("announcement");
    if (kind == QLatin1String("direct"))
        return QStringLiteral("person");
    if (kind == QLatin1String("group"))
        return QStringLiteral("group");
    if (kind == QLatin1String("study"))
        return QStringLiteral("study");
    if (kind == QLatin1String("live"))
        return QStringLiteral("live");
    return QStringLiteral("course");
}

void RoomListDelegate::paintHighlight(QPainter *painter, const QPalette &palette, const QRect &row, bool selected,
                                      bool hovered)
{
    if (!selected && !hovered)
        return;
    QColor fill = palette.color(QPalette::Highlight);
    if (!selected)
        fill.setAlphaF(0.12f);
    painter->setPen(Qt::NoPen);
    painter->setBrush(fill);
    painter->drawRoundedRect(row, 6, 6);
}

QSize RoomListDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &) const
{
    return QSize(option.rect.width(), RowHeight);
}

void RoomListDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const QPalette &palette = option.palette;
    const bool selected = option.state & QStyle::State_Selected;
    const bool hovered = option.state & QStyle::State_MouseOver;
    const bool muted = index.data(RoomListModel::MutedRole).toBool();
    const int unread = index.data(RoomListModel::UnreadRole).toInt();
    const int mentions = index.data(RoomListModel::MentionsRole).toInt();
    const QRect rect = option.rect.adjusted(6, 2, -6, -2);

    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    paintHighlight(painter, palette, rect, selected, hovered);
    const QColor text = selected ? palette.color(QPalette::HighlightedText) : palette.color(QPalette::Text);
    QColor secondary = selected ? palette.color(QPalette::HighlightedText) : palette.color(QPalette::PlaceholderText);
    if (muted)
        painter->setOpacity(0.5);

    const QString kind = index.data(RoomListModel::KindRole).toString();
    const QRect iconRect(rect.left() + 10, rect.center().y() - IconSize / 2, IconSize, IconSize);
    painter->drawPixmap(iconRect, Icons::symbolPixmap(kindSymbol(kind), IconSize, secondary, painter->device()->devicePixelRatioF()));
    if (kind == QLatin1String("direct")) {
        const auto presence = Client::Presence(index.data(RoomListModel::PresenceRole).toInt());
        const QRectF dot(iconRect.right() - 7, iconRect.bottom() - 7, 9, 9);
        painter->setPen(QPen(selected ? palette.color(QPalette::Highlight) : palette.color(QPalette::Base), 2));
        painter->setBrush(presenceColor(presence));
        painter->drawEllipse(dot);
    }

    // Badges from the right: mentions (@n), unread count, pin.
    int right = rect.right() - 10;
    QFont badgeFont = option.font;
    badgeFont.setPointSizeF(badgeFont.pointSizeF() * 0.8);
    badgeFont.setWeight(QFont::Bold);
    const QFontMetrics badgeMetrics(badgeFont);
    auto badge = [&](const QString &label, const QColor &fill) {
        const int w = std::max(20, badgeMetrics.horizontalAdvance(label) + 12);
        const QRect r(right - w, rect.center().y() - 9, w, 18);
        painter->setPen(Qt::NoPen);
        painter->setBrush(fill);
        painter->drawRoundedRect(r, 9, 9);
        painter->setPen(Qt::white);
        painter->setFont(badgeFont);
        painter->drawText(r, Qt::AlignCenter, label);
        right -= w + 4;
    };
    if (mentions > 0)
        badge(QStringLiteral("@%1").arg(mentions), QColor(0xd1242f));
    if (unread > 0)
        badge(unread > 99 ? QStringLiteral("99+") : QString::number(unread),
              muted ? QColor(0x8b949e) : QColor(0x1f6feb));
    if (index.data(RoomListModel::PinnedRole).toBool()) {
        const QRect pin(right - 14, rect.center().y() - 7, 14, 14);
        painter->drawPixmap(pin, Icons::symbolPixmap(QStringLiteral("pin"), 14, secondary, painter->device()->devicePixelRatioF()));
        right -= 18;
    }

    const int textLeft = iconRect.right() + 12;
    const int textWidth = std::max(10, right - textLeft - 4);
    QFont nameFont = option.font;
    nameFont.setWeight(unread > 0 ? QFont::Bold : QFont::DemiBold);
    const QFontMetrics nameMetrics(nameFont);
    QFont previewFont = option.font;
    previewFont.setPointSizeF(previewFont.pointSizeF() * 0.9);
    const QFontMetrics previewMetrics(previewFont);
    const int block = nameMetrics.height() + previewMetrics.height();
    const int top = rect.center().y() - block / 2;
    painter->setFont(nameFont);
    painter->setPen(text);
    painter->drawText(QRect(textLeft, top, textWidth, nameMetrics.height()), Qt::AlignLeft | Qt::AlignVCenter,
                      nameMetrics.elidedText(index.data(Qt::DisplayRole).toString(), Qt::ElideRight, textWidth));
    const QString preview = previewText(index);
    painter->setFont(previewFont);
    painter->setPen(secondary);
    painter->drawText(QRect(textLeft, top + nameMetrics.height(), textWidth, previewMetrics.height()),
                      Qt::AlignLeft | Qt::AlignVCenter, previewMetrics.elidedText(preview, Qt::ElideRight, textWidth));
    painter->restore();
}

} // namespace Cohort::Ui
