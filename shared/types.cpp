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
    case RoomKind::Announcement: return QStringLiteral("announcement");
    case RoomKind::Direct: return QStringLiteral("direct");
    case RoomKind::Group: return QStringLiteral("group");
    case RoomKind::Study: return QStringLiteral("study");
    case RoomKind::Live: return QStringLiteral("live");
    case RoomKind::Code: return QStringLiteral("code");
    }
    return QString();
}

bool parseRoomKind(const QString &name, RoomKind *kind)
{
    for (RoomKind candidate : {RoomKind::Course, RoomKind::Announcement, RoomKind::Direct, RoomKind::Group,
                               RoomKind::Study, RoomKind::Live, RoomKind::Code}) {
        if (roomKindName(candidate) == name) {
            *kind = candidate;
            return true;
        }
    }
    return false;
}

QString roomRoleName(RoomRole role)
{
    switch (role) {
    case RoomRole::Member: return QStringLiteral("member");
    case RoomRole::Admin: return QStringLiteral("admin");
    case RoomRole::Owner: return QStringLiteral("owner");
    }
    return QString();
}

bool parseRoomRole(const QString &name, RoomRole *role)
{
    for (RoomRole candidate : {RoomRole::Member, RoomRole::Admin, RoomRole::Owner}) {
        if (roomRoleName(candidate) == name) {
            *role = candidate;
            return true;
        }
    }
    return false;
}

} // namespace Cohort
