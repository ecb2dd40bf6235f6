// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "sqlrecords.h"

namespace Cohort::Server::SqlRecords {

Role role(const SqlRow &row, const char *name)
{
    Role result = Role::Student; // the schema's CHECK constraints let only valid names in
    parseRole(row.value(name).toString(), &result);
    return result;
}

UserInfo userInfo(const SqlRow &row)
{
    return {id<UserId>(row, "id"), row.value("username").toString(), row.value("display_name").toString(),
            role(row, "role")};
}

UserRecord user(const SqlRow &row)
{
    return {userInfo(row), row.value("password_hash").toString().toUtf8(), row.value("disabled").toInt() != 0,
            row.value("created_at").toLongLong()};
}

SessionRecord session(const SqlRow &row)
{
    return {id<UserId>(row, "user_id"), row.value("token_hash").toByteArray(),
            row.value("created_at").toLongLong(), row.value("expires_at").toLongLong()};
}

CourseRecord course(const SqlRow &row)
{
    return {id<CourseId>(row, "id"), row.value("name").toString(), row.value("join_code").toString(),
            id<UserId>(row, "owner_id"), id<RoomId>(row, "room_id"), row.value("client_id").toString()};
}

CourseInfo courseInfo(const SqlRow &row)
{
    return {id<CourseId>(row, "id"), row.value("name").toString(), row.value("join_code").toString(),
            id<RoomId>(row, "room_id"), role(row, "member_role")};
}

MemberInfo member(const SqlRow &row)
{
    return {userInfo(row), role(row, "course_role")};
}

RoomInfo room(const SqlRow &row)
{
    RoomKind kind = RoomKind::Course;
    parseRoomKind(row.value("kind").toString(), &kind);
    return {id<RoomId>(row, "id"), kind, row.value("name").toString(), id<CourseId>(row, "course_id"),
            row.value("last_seq").toLongLong()};
}

EventRecord event(const SqlRow &row)
{
    return {id<RoomId>(row, "room_id"), row.value("seq").toLongLong(), row.value("kind").toString(),
            id<UserId>(row, "sender_id"), row.value("client_id").toString(),
            row.value("payload").toString().toUtf8(), row.value("created_at").toLongLong(), false};
}

} // namespace Cohort::Server::SqlRecords
