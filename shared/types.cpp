// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "types.h"

namespace Cohort {

QString roleName(Role role)
{
    switch (role) {
    case Role::Student: return QStringLiteral("student");
    case Role::Instructor: return QStringLiteral("instructor");
    case Role::Admin: return QStringLiteral("admin");
    }
    return QString();
}

bool parseRole(const QString &name, Role *role)
{
    for (Role candidate : {Role::Student, Role::Instructor, Role::Admin}) {
        if (roleName(candidate) == name) {
            *role = candidate;
            return true;
        }
    }
    return false;
}

QString roomKindName(RoomKind kind)
{
    switch (kind) {
    case RoomKind::Course: return QStringLiteral("course");
    }
    return QString();
}

bool parseRoomKind(const QString &name, RoomKind *kind)
{
    if (name == roomKindName(RoomKind::Course)) {
        *kind = RoomKind::Course;
        return true;
    }
    return false;
}

} // namespace Cohort
