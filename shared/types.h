// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include <QHashFunctions>
#include <QMetaType>
#include <QString>

namespace Cohort {

/// A strongly typed database id: a RoomId cannot be passed where a UserId is expected.
template<typename Tag>
class Id
{
public:
    constexpr Id() = default;
    constexpr explicit Id(qint64 value) : m_value(value) {}

    constexpr qint64 value() const { return m_value; }
    constexpr bool isValid() const { return m_value > 0; }

    friend constexpr bool operator==(Id a, Id b) { return a.m_value == b.m_value; }
    friend constexpr bool operator!=(Id a, Id b) { return a.m_value != b.m_value; }
    friend constexpr bool operator<(Id a, Id b) { return a.m_value < b.m_value; }
    friend size_t qHash(Id id, size_t seed = 0) { return ::qHash(id.m_value, seed); }

private:
    qint64 m_value = 0;
};

using UserId = Id<struct UserIdTag>;
using CourseId = Id<struct CourseIdTag>;
using RoomId = Id<struct RoomIdTag>;

/// Account roles, ordered by privilege.
enum class Role { Student = 0, Instructor = 1, Admin = 2 };

QString roleName(Role role);
/// Parses "student", "instructor" or "admin"; returns false for anything else.
bool parseRole(const QString &name, Role *role);

/// Append-only, like the protocol's names: stored in the database and sent on the wire.
/// Code: the room that carries a code session's logged events (never listed as a chat room).
enum class RoomKind { Course = 0, Announcement, Direct, Group, Study, Live, Code };

QString roomKindName(RoomKind kind);
bool parseRoomKind(const QString &name, RoomKind *kind);

/// A member's role in one room; server admins may moderate every room whatever their room role.
enum class RoomRole { Member = 0, Admin = 1, Owner = 2 };

QString roomRoleName(RoomRole role);
bool parseRoomRole(const QString &name, RoomRole *role);

} // namespace Cohort

Q_DECLARE_METATYPE(Cohort::UserId)
Q_DECLARE_METATYPE(Cohort::CourseId)
Q_DECLARE_METATYPE(Cohort::RoomId)
