// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "sqlrecords.h"

namespace Cohort::Server::SqlRecords {

QVariant field(const QSqlRecord &row, const char *name)
{
    return row.value(QLatin1String(name));
}

Role role(const QSqlRecord &row, const char *name)
{
    Role result = Role::Student; // the schema's CHECK constraints let only valid names in
    parseRole(field(row, name).toString(), &result);
    return result;
}

UserInfo userInfo(const QSqlRecord &row)
{
    return {id<UserId>(row, "id"), field(row, "username").toString(), field(row, "display_name").toString(),
            role(row, "role")};
}

UserRecord user(const QSqlRecord &row)
{
    return {userInfo(row), field(row, "password_hash").toString().toUtf8(), field(row, "disabled").toInt() != 0,
            field(row, "created_at").toLongLong()};
}

SessionRecord session(const QSqlRecord &row)
{
    return {id<UserId>(row, "user_id"), field(row, "token_hash").toByteArray(),
            field(row, "created_at").toLongLong(), field(row, "expires_at").toLongLong()};
}

CourseRecord course(const QSqlRecord &row)
{
    return {id<CourseId>(row, "id"), field(row, "name").toString(), field(row, "join_code").toString(),
            id<UserId>(row, "owner_id"), id<RoomId>(row, "room_id"), field(row, "client_id").toString()};
}

CourseInfo courseInfo(const QSqlRecord &row)
{
    return {id<CourseId>(row, "id"), field(row, "name").toString(), field(row, "join_code").toString(),
            id<RoomId>(row, "room_id"), role(row, "member_role")};
}

MemberInfo member(const QSqlRecord &row)
{
    return {userInfo(row), role(row, "course_role")};
}

RoomInfo room(const QSqlRecord &row)
{
    RoomKind kind = RoomKind::Course;
    parseRoomKind(field(row, "kind").toString(), &kind);
    return {id<RoomId>(row, "id"), kind, field(row, "name").toString(), id<CourseId>(row, "course_id"),
            field(row, "last_seq").toLongLong()};
}

EventRecord event(const QSqlRecord &row)
{
    return {id<RoomId>(row, "room_id"), field(row, "seq").toLongLong(), field(row, "kind").toString(),
            id<UserId>(row, "sender_id"), field(row, "client_id").toString(),
            field(row, "payload").toString().toUtf8(), field(row, "created_at").toLongLong()};
}

} // namespace Cohort::Server::SqlRecords
