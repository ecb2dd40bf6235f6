// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "model.h"

namespace Cohort {

namespace {

bool readId(const QJsonObject &json, const char *key, qint64 *out)
{
    const QJsonValue value = json.value(QLatin1String(key));
    if (!value.isDouble() || value.toInteger() <= 0)
        return false;
    *out = value.toInteger();
    return true;
}

} // namespace

QJsonObject UserInfo::toJson() const
{
    return {{QStringLiteral("id"), id.value()},
            {QStringLiteral("username"), username},
            {QStringLiteral("displayName"), displayName},
            {QStringLiteral("role"), roleName(role)}};
}

std::optional<UserInfo> UserInfo::fromJson(const QJsonObject &json)
{
    UserInfo info;
    qint64 id = 0;
    if (!readId(json, "id", &id) || !parseRole(json.value(QStringLiteral("role")).toString(), &info.role))
        return std::nullopt;
    info.id = UserId(id);
    info.username = json.value(QStringLiteral("username")).toString();
    info.displayName = json.value(QStringLiteral("displayName")).toString();
    if (info.username.isEmpty())
        return std::nullopt;
    return info;
}

QJsonObject CourseInfo::toJson() const
{
    QJsonObject json{{QStringLiteral("id"), id.value()},
                     {QStringLiteral("name"), name},
                     {QStringLiteral("roomId"), roomId.value()},
                     {QStringLiteral("role"), roleName(memberRole)}};
    if (!joinCode.isEmpty())
        json.insert(QStringLiteral("joinCode"), joinCode);
    return json;
}

std::optional<CourseInfo> CourseInfo::fromJson(const QJsonObject &json)
{
    CourseInfo info;
    qint64 id = 0;
    qint64 room = 0;
    if (!readId(json, "id", &id) || !readId(json, "roomId", &room)
        || !parseRole(json.value(QStringLiteral("role")).toString(), &info.memberRole))
        return std::nullopt;
    info.id = CourseId(id);
    info.roomId = RoomId(room);
    info.name = json.value(QStringLiteral("name")).toString();
    info.joinCode = json.value(QStringLiteral("joinCode")).toString();
    return info;
}

QJsonObject RoomInfo::toJson() const
{
    QJsonObject json{{QStringLiteral("id"), id.value()},
                     {QStringLiteral("kind"), roomKindName(kind)},
                     {QStringLiteral("name"), name},
                     {QStringLiteral("lastSeq"), lastSeq}};
    if (courseId.isValid())
        json.insert(QStringLiteral("courseId"), courseId.value());
    return json;
}

std::optional<RoomInfo> RoomInfo::fromJson(const QJsonObject &json)
{
    RoomInfo info;
    qint64 id = 0;
    if (!readId(json, "id", &id) || !parseRoomKind(json.value(QStringLiteral("kind")).toString(), &info.kind))
        return std::nullopt;
    info.id = RoomId(id);
    info.name = json.value(QStringLiteral("name")).toString();
    info.lastSeq = json.value(QStringLiteral("lastSeq")).toInteger();
    qint64 course = 0;
    if (readId(json, "courseId", &course))
        info.courseId = CourseId(course);
    return info;
}

QJsonObject MemberInfo::toJson() const
{
    return {{QStringLiteral("user"), user.toJson()}, {QStringLiteral("courseRole"), roleName(courseRole)}};
}

std::optional<MemberInfo> MemberInfo::fromJson(const QJsonObject &json)
{
    const auto user = UserInfo::fromJson(json.value(QStringLiteral("user")).toObject());
    MemberInfo info;
    if (!user || !parseRole(json.value(QStringLiteral("courseRole")).toString(), &info.courseRole))
        return std::nullopt;
    info.user = *user;
    return info;
}

QJsonObject MessageInfo::toJson() const
{
    return {{QStringLiteral("sender"), sender.toJson()},
            {QStringLiteral("clientId"), clientId},
            {QStringLiteral("text"), text}};
}

} // namespace Cohort
