// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "types.h"

#include <QColor>

class QPalette;

namespace Cohort::Ui {

/// A participant's colour for carets, selections, presence dots and avatars: the hue every
/// client agrees on (Client::participantHue), with saturation and value that read on the
/// palette's base (deeper on a light page, brighter on a dark one).
QColor participantColor(UserId user, const QPalette &palette);
/// Up to two initials of a name ("Ana Lima" → "AL"), "?" for a blank one: every avatar of the
/// app (sidebar, chat, Code pane) shows a person the same way.
QString initialsOf(const QString &name);
/// A round avatar: the colour with the initials of the name; dimmed when offline.
QPixmap participantAvatar(const QString &name, const QColor &color, bool online, int size, qreal dpr);

} // namespace Cohort::Ui
