// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "model.h"

#include <QJsonObject>
#include <QList>
#include <QStringList>

#include <optional>

class QWidget;

namespace Cohort::Ui::ChatDialogs {

/// The emoji offered by the picker and the context menu's quick reactions.
QStringList emoji();
/// Asks for a new group, study group or announcement room; returns room.create's data (without
/// clientId), or nothing when cancelled. Announcements are offered where the user is staff.
std::optional<QJsonObject> newRoom(QWidget *parent, const QList<CourseInfo> &courses);
/// Asks for one person among `people` (the members of the user's courses); `action` names the
/// button (e.g. "Message", "Add to the room").
std::optional<UserId> directPeer(QWidget *parent, const QList<UserInfo> &people, const QString &action);

} // namespace Cohort::Ui::ChatDialogs
