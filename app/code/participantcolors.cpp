// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "participantcolors.h"

#include "codetypes.h"
#include "editortheme.h"

#include <QPainter>
#include <QPalette>
#include <QPixmap>

namespace Cohort::Ui {

QColor participantColor(UserId user, const QPalette &palette)
{
    const int hue = Client::participantHue(user);
    return EditorTheme::isDark(palette) ? QColor::fromHsv(hue, 150, 245) : QColor::fromHsv(hue, 210, 185);
}

QString initialsOf(const QString &name)
{
    QString initials;
    for (const QString &part : name.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        initials += part.at(0).toUpper();
        if (initials.size() == 2)
            break;
    }
    return initials.isEmpty() ? QStringLiteral("?") : initials;
}

QPixmap participantAvatar(const QString &name, const QColor &color, bool online, int size, qreal dpr)
{
    QPixmap pixmap(QSize(size, size) * dpr);
    pixmap.setDevicePixelRatio(dpr);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(Qt::NoPen);
    QColor fill = color;
    if (!online)
        fill.setAlphaF(0.35);
    painter.setBrush(fill);
    painter.drawEllipse(QRectF(0, 0, size, size));
    QFont font = painter.font();
    font.setPixelSize(size * 2 / 5); // two letters fit inside the circle
    font.setWeight(QFont::DemiBold);
    painter.setFont(font);
    // The bright yellows and cyans of the dark palette do not carry white letters: those get
    // dark ones.
    const int luminance = (299 * color.red() + 587 * color.green() + 114 * color.blue()) / 1000;
    painter.setPen(online && luminance > 150 ? QColor(0x1f, 0x20, 0x23) : QColor(Qt::white));
    painter.drawText(QRectF(0, 0, size, size), Qt::AlignCenter, initialsOf(name));
    return pixmap;
}

} // namespace Cohort::Ui
