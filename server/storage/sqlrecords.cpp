// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "sqlrecords.h"

#include <QJsonArray>
#include <QJsonDocument>

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
    RoomInfo info;
    info.id = id<RoomId>(row, "id");
    info.kind = kind;
    info.name = row.value("name").toString();
    info.courseId = id<CourseId>(row, "course_id");
    info.lastSeq = row.value("last_seq").toLongLong();
    info.topic = row.value("topic").toString();
    info.visibility = row.value("visibility").toString();
    info.memberLimit = row.value("member_limit").toInt();
    info.archived = row.value("archived").toInt() != 0;
    return info;
}

RoomInfo roomListEntry(const SqlRow &row)
{
    RoomInfo info = room(row);
    info.memberCount = row.value("member_count").toInt();
    RoomRole myRole = RoomRole::Member;
    if (parseRoomRole(row.value("my_role").toString(), &myRole))
        info.myRole = myRole;
    info.muted = row.value("muted").toInt() != 0;
    info.pinned = row.value("pinned").toInt() != 0;
    info.lastRead = row.value("last_read").toLongLong();
    info.unread = row.value("unread").toInt();
    info.mentions = row.value("mentions").toInt();
    if (row.value("peer_id").toLongLong() > 0) {
        Role peerRole = Role::Student;
        parseRole(row.value("peer_role").toString(), &peerRole);
        info.peer = UserInfo{id<UserId>(row, "peer_id"), row.value("peer_username").toString(),
                             row.value("peer_display_name").toString(), peerRole};
    }
    if (row.value("last_message_seq").toLongLong() > 0)
        info.lastMessage = MessagePreview{row.value("last_message_seq").toLongLong(),
                                          row.value("last_message_ts").toLongLong(),
                                          row.value("last_message_sender").toString(),
                                          row.value("last_message_text").toString(),
                                          attachmentsFromJson(QJsonDocument::fromJson(row.value("last_message_attachments").toString().toUtf8()).array())};
    return info;
}

QString mentionsColumn(const QList<UserId> &users)
{
    if (users.isEmpty())
        return QStringLiteral("");
    QString text = QStringLiteral(",");
    for (UserId user : users)
        text += QString::number(user.value()) + QLatin1Char(',');
    return text;
}

QList<UserId> mentionsFromColumn(const QString &text)
{
    QList<UserId> users;
    const QStringList parts = text.split(QLatin1Char(','), Qt::SkipEmptyParts);
    for (const QString &part : parts)
        users.append(UserId(part.toLongLong()));
    return users;
}

MessageInfo message(const SqlRow &row, RoomId room)
{
    MessageInfo info;
    info.roomId = room;
    info.seq = row.value("seq").toLongLong();
    if (row.value("sender_id").toLongLong() > 0)
        info.sender = UserInfo{id<UserId>(row, "sender_id"), row.value("username").toString(),
                               row.value("display_name").toString(), SqlRecords::role(row, "role")};
    info.clientId = row.value("client_id").toString();
    info.text = row.value("text").toString();
    info.timestamp = row.value("created_at").toLongLong();
    info.threadRoot = row.value("thread_root").toLongLong();
    info.mentions = mentionsFromColumn(row.value("mentions").toString());
    info.mentionsRoom = row.value("mentions_room").toInt() != 0;
    info.replyCount = row.value("reply_count").toInt();
    info.lastReplyTs = row.value("last_reply_at").toLongLong();
    info.editedAt = row.value("edited_at").toLongLong();
    info.deleted = row.value("deleted").toInt() != 0;
    const QString attachments = row.value("attachments").toString();
    if (!attachments.isEmpty())
        info.attachments = attachmentsFromJson(QJsonDocument::fromJson(attachments.toUtf8()).array());
    const QString system = row.value("system").toString();
    if (!system.isEmpty())
        info.system = QJsonDocument::fromJson(system.toUtf8()).object();
    return info;
}

EventRecord event(const SqlRow &row)
{
    return {id<RoomId>(row, "room_id"), row.value("seq").toLongLong(), row.value("kind").toString(),
            id<UserId>(row, "sender_id"), row.value("client_id").toString(),
            row.value("payload").toString().toUtf8(), row.value("created_at").toLongLong(), false};
}

} // namespace Cohort::Server::SqlRecords
