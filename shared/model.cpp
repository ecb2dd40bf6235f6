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

QJsonObject MessagePreview::toJson() const
{
    QJsonObject json{{QStringLiteral("seq"), seq},
                     {QStringLiteral("ts"), timestamp},
                     {QStringLiteral("senderName"), senderName},
                     {QStringLiteral("text"), text}};
    if (!attachments.isEmpty())
        json.insert(QStringLiteral("attachments"), attachmentsToJson(attachments));
    return json;
}

std::optional<MessagePreview> MessagePreview::fromJson(const QJsonObject &json)
{
    qint64 seq = 0;
    if (!readId(json, "seq", &seq))
        return std::nullopt;
    return MessagePreview{seq, json.value(QStringLiteral("ts")).toInteger(),
                          json.value(QStringLiteral("senderName")).toString(),
                          json.value(QStringLiteral("text")).toString(),
                          attachmentsFromJson(json.value(QStringLiteral("attachments")).toArray())};
}

QJsonObject RoomInfo::sharedJson() const
{
    QJsonObject json{{QStringLiteral("id"), id.value()},
                     {QStringLiteral("kind"), roomKindName(kind)},
                     {QStringLiteral("name"), name},
                     {QStringLiteral("lastSeq"), lastSeq},
                     {QStringLiteral("topic"), topic},
                     {QStringLiteral("visibility"), visibility},
                     {QStringLiteral("memberLimit"), memberLimit},
                     {QStringLiteral("memberCount"), memberCount},
                     {QStringLiteral("archived"), archived}};
    if (courseId.isValid())
        json.insert(QStringLiteral("courseId"), courseId.value());
    return json;
}

QJsonObject RoomInfo::toJson() const
{
    QJsonObject json = sharedJson();
    json.insert(QStringLiteral("myRole"), myRole ? QJsonValue(roomRoleName(*myRole)) : QJsonValue());
    json.insert(QStringLiteral("muted"), muted);
    json.insert(QStringLiteral("pinned"), pinned);
    json.insert(QStringLiteral("lastRead"), lastRead);
    json.insert(QStringLiteral("unread"), unread);
    json.insert(QStringLiteral("mentions"), mentions);
    json.insert(QStringLiteral("peer"), peer ? QJsonValue(peer->toJson()) : QJsonValue());
    json.insert(QStringLiteral("lastMessage"), lastMessage ? QJsonValue(lastMessage->toJson()) : QJsonValue());
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
    info.topic = json.value(QStringLiteral("topic")).toString();
    info.visibility = json.value(QStringLiteral("visibility")).toString(QStringLiteral("private"));
    info.memberLimit = json.value(QStringLiteral("memberLimit")).toInt();
    info.memberCount = json.value(QStringLiteral("memberCount")).toInt();
    info.archived = json.value(QStringLiteral("archived")).toBool();
    RoomRole role = RoomRole::Member;
    if (parseRoomRole(json.value(QStringLiteral("myRole")).toString(), &role))
        info.myRole = role;
    info.muted = json.value(QStringLiteral("muted")).toBool();
    info.pinned = json.value(QStringLiteral("pinned")).toBool();
    info.lastRead = json.value(QStringLiteral("lastRead")).toInteger();
    info.unread = json.value(QStringLiteral("unread")).toInt();
    info.mentions = json.value(QStringLiteral("mentions")).toInt();
    info.peer = UserInfo::fromJson(json.value(QStringLiteral("peer")).toObject());
    info.lastMessage = MessagePreview::fromJson(json.value(QStringLiteral("lastMessage")).toObject());
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

QJsonArray userIdsToJson(const QList<UserId> &ids)
{
    QJsonArray array;
    for (UserId id : ids)
        array.append(id.value());
    return array;
}

QList<UserId> userIdsFromJson(const QJsonArray &array)
{
    QList<UserId> ids;
    for (const QJsonValue &value : array) {
        if (value.toInteger() > 0)
            ids.append(UserId(value.toInteger()));
    }
    return ids;
}

QJsonObject AttachmentInfo::toJson() const
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("name"), name},
            {QStringLiteral("size"), size},
            {QStringLiteral("mime"), mime}};
}

std::optional<AttachmentInfo> AttachmentInfo::fromJson(const QJsonObject &json)
{
    AttachmentInfo info{json.value(QStringLiteral("id")).toString(), json.value(QStringLiteral("name")).toString(),
                        json.value(QStringLiteral("size")).toInteger(), json.value(QStringLiteral("mime")).toString()};
    if (info.id.isEmpty())
        return std::nullopt;
    return info;
}

QJsonArray attachmentsToJson(const QList<AttachmentInfo> &attachments)
{
    QJsonArray array;
    for (const AttachmentInfo &attachment : attachments)
        array.append(attachment.toJson());
    return array;
}

QList<AttachmentInfo> attachmentsFromJson(const QJsonArray &array)
{
    QList<AttachmentInfo> attachments;
    for (const QJsonValue &value : array) {
        if (const auto attachment = AttachmentInfo::fromJson(value.toObject()))
            attachments.append(*attachment);
    }
    return attachments;
}

QJsonObject ReactionInfo::toJson() const
{
    return {{QStringLiteral("emoji"), emoji}, {QStringLiteral("users"), userIdsToJson(users)}};
}

QJsonObject MessageInfo::toJson() const
{
    return {{QStringLiteral("sender"), sender.toJson()},
            {QStringLiteral("clientId"), clientId},
            {QStringLiteral("text"), text},
            {QStringLiteral("threadRoot"), threadRoot},
            {QStringLiteral("mentions"), userIdsToJson(mentions)},
            {QStringLiteral("mentionsRoom"), mentionsRoom},
            {QStringLiteral("attachments"), attachmentsToJson(attachments)}};
}

QJsonObject MessageInfo::toHistoryJson() const
{
    QJsonArray reactionList;
    for (const ReactionInfo &reaction : reactions)
        reactionList.append(reaction.toJson());
    return {{QStringLiteral("seq"), seq},
            {QStringLiteral("ts"), timestamp},
            {QStringLiteral("sender"), sender.id.isValid() ? QJsonValue(sender.toJson()) : QJsonValue()},
            {QStringLiteral("clientId"), clientId},
            {QStringLiteral("text"), text},
            {QStringLiteral("threadRoot"), threadRoot},
            {QStringLiteral("replyCount"), replyCount},
            {QStringLiteral("lastReplyTs"), lastReplyTs},
            {QStringLiteral("edited"), editedAt > 0},
            {QStringLiteral("editedAt"), editedAt},
            {QStringLiteral("deleted"), deleted},
            {QStringLiteral("reactions"), reactionList},
            {QStringLiteral("mentions"), userIdsToJson(mentions)},
            {QStringLiteral("mentionsRoom"), mentionsRoom},
            {QStringLiteral("attachments"), attachmentsToJson(attachments)},
            {QStringLiteral("system"), system.isEmpty() ? QJsonValue() : QJsonValue(system)}};
}

std::optional<MessageInfo> MessageInfo::fromHistoryJson(RoomId room, const QJsonObject &json)
{
    MessageInfo info;
    if (!readId(json, "seq", &info.seq))
        return std::nullopt;
    info.roomId = room;
    if (const auto sender = UserInfo::fromJson(json.value(QStringLiteral("sender")).toObject()))
        info.sender = *sender;
    info.clientId = json.value(QStringLiteral("clientId")).toString();
    info.text = json.value(QStringLiteral("text")).toString();
    info.timestamp = json.value(QStringLiteral("ts")).toInteger();
    info.threadRoot = json.value(QStringLiteral("threadRoot")).toInteger();
    info.mentions = userIdsFromJson(json.value(QStringLiteral("mentions")).toArray());
    info.mentionsRoom = json.value(QStringLiteral("mentionsRoom")).toBool();
    info.replyCount = json.value(QStringLiteral("replyCount")).toInt();
    info.lastReplyTs = json.value(QStringLiteral("lastReplyTs")).toInteger();
    info.editedAt = json.value(QStringLiteral("editedAt")).toInteger();
    info.deleted = json.value(QStringLiteral("deleted")).toBool();
    const QJsonArray reactionList = json.value(QStringLiteral("reactions")).toArray();
    for (const QJsonValue &value : reactionList) {
        const QJsonObject reaction = value.toObject();
        info.reactions.append({reaction.value(QStringLiteral("emoji")).toString(),
                               userIdsFromJson(reaction.value(QStringLiteral("users")).toArray())});
    }
    info.attachments = attachmentsFromJson(json.value(QStringLiteral("attachments")).toArray());
    info.system = json.value(QStringLiteral("system")).toObject();
    return info;
}

} // namespace Cohort
