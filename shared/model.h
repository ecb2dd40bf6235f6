// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "types.h"

#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace Cohort {

/// What any signed-in user may see of an account.
struct UserInfo
{
    UserId id;
    QString username;
    QString displayName;
    Role role = Role::Student;

    QJsonObject toJson() const;
    static std::optional<UserInfo> fromJson(const QJsonObject &json);
    friend bool operator==(const UserInfo &, const UserInfo &) = default;
};

/// A course as its members see it. The join code is only sent to the course's staff.
struct CourseInfo
{
    CourseId id;
    QString name;
    QString joinCode; // empty when the receiver may not see it
    RoomId roomId;    // the course's room
    Role memberRole = Role::Student; // the receiving user's role in the course

    QJsonObject toJson() const;
    static std::optional<CourseInfo> fromJson(const QJsonObject &json);
    friend bool operator==(const CourseInfo &, const CourseInfo &) = default;
};

struct RoomInfo
{
    RoomId id;
    RoomKind kind = RoomKind::Course;
    QString name;
    CourseId courseId;
    qint64 lastSeq = 0;

    QJsonObject toJson() const;
    static std::optional<RoomInfo> fromJson(const QJsonObject &json);
    friend bool operator==(const RoomInfo &, const RoomInfo &) = default;
};

/// A course member with the role they hold in that course.
struct MemberInfo
{
    UserInfo user;
    Role courseRole = Role::Student;

    QJsonObject toJson() const;
    static std::optional<MemberInfo> fromJson(const QJsonObject &json);
    friend bool operator==(const MemberInfo &, const MemberInfo &) = default;
};

/// A chat message as carried by the `message.created` event.
struct MessageInfo
{
    RoomId roomId;
    qint64 seq = 0;
    UserInfo sender;
    QString clientId;
    QString text;
    qint64 timestamp = 0;

    QJsonObject toJson() const; // the event's `data`; room, seq and ts travel in the envelope
    friend bool operator==(const MessageInfo &, const MessageInfo &) = default;
};

} // namespace Cohort
