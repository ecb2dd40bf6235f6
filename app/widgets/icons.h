// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include <QColor>
#include <QIcon>

namespace Cohort::Ui::Icons {

/// The app icon (coloured).
QIcon app();
/// One of the monochrome symbols in resources/icons (chat, live, exams, code, host, copy,
/// course), painted in `color`; the selected state is painted in `selectedColor`.
QIcon symbol(const QString &name, const QColor &color, const QColor &selectedColor);
/// The same symbol in the palette's text colours, for buttons and lists.
QIcon symbol(const QString &name);
QPixmap symbolPixmap(const QString &name, int size, const QColor &color, qreal devicePixelRatio);

} // namespace Cohort::Ui::Icons
