// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "icons.h"

#include <QApplication>
#include <QPainter>
#include <QPalette>
#include <QSvgRenderer>

namespace Cohort::Ui::Icons {

namespace {
QString pathOf(const QString &name)
{
    return QStringLiteral(":/icons/%1.svg").arg(name);
}
} // namespace

QIcon app()
{
    return QIcon(pathOf(QStringLiteral("cohort")));
}

QPixmap symbolPixmap(const QString &name, int size, const QColor &color, qreal devicePixelRatio)
{
    const int pixels = qRound(size * devicePixelRatio);
    QImage image(pixels, pixels, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::transparent);
    {
        QPainter painter(&image);
        QSvgRenderer renderer(pathOf(name));
        renderer.render(&painter);
        // The symbols are drawn in black; keep their shape and replace the colour.
        painter.setCompositionMode(QPainter::CompositionMode_SourceIn);
        painter.fillRect(image.rect(), color);
    }
    QPixmap pixmap = QPixmap::fromImage(image);
    pixmap.setDevicePixelRatio(devicePixelRatio);
    return pixmap;
}

QIcon symbol(const QString &name, const QColor &color, const QColor &selectedColor)
{
    QIcon icon;
    QColor disabled = color;
    disabled.setAlphaF(0.4f);
    for (int size : {16, 20, 24, 32, 48, 64, 96}) {
        icon.addPixmap(symbolPixmap(name, size, color, 1.0), QIcon::Normal);
        icon.addPixmap(symbolPixmap(name, size, selectedColor, 1.0), QIcon::Selected);
        icon.addPixmap(symbolPixmap(name, size, disabled, 1.0), QIcon::Disabled);
    }
    return icon;
}

QIcon symbol(const QString &name)
{
    const QPalette palette = QApplication::palette();
    return symbol(name, palette.color(QPalette::ButtonText), palette.color(QPalette::HighlightedText));
}

} // namespace Cohort::Ui::Icons
