// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "chattypes.h"

#include <QJsonArray>

namespace Cohort::Client {

namespace {
QList<UserId> userIds(const QJsonValue &value)
{
    QList<UserId> ids;
    for (const QJsonValue &id : value.toArray())
        ids.append(UserId(id.toInteger()));
    return ids;
}

QString str(const QJsonObject &json, const char *key)
{
    return json.value(QLatin1String(key)).toString();
}

qint64 num(const QJsonObject &json, const char *key)
{
    return json.value(QLatin1String(key)).toInteger();
}
} // namespace

Presence parsePresence(const QString &name)
{
    if (name == QLatin1String("online"))
        return Presence::Online;
    if (name == QLatin1String("away"))
        return Presence::Away;
    if (name == QLatin1String("dnd"))
        return Presence::DoNotDisturb;
    return Presence::Offline;
}

QString plainToolTip(const QString &text)
{
    if (text.isEmpty())
        return {};
    return QStringLiteral("<p style=\"white-space:pre-wrap\">%1</p>").arg(text.toHtmlEscaped());
}

QString presenceName(Presence presence)
{
    switch (presence) {
    case Presence::Online:
        return QStringLiteral("online");
    case Presence::Away:
        return QStringLiteral("away");
    case Presence::DoNotDisturb:
        return QStringLiteral("dnd");
    case Presence::Offline:
        break;
    }
    return QStringLiteral("offline");
}

std::optional<ChatMessage> ChatMessage::fromJson(const QJsonObject &json)
{
    const qint64 seq = num(json, "seq");
    if (seq <= 0)
        return std::nullopt;
    ChatMessage m;
    m.seq = seq;
    m.timestamp = num(json, "ts");
    m.sender = UserInfo::fromJson(json.value(QLatin1String("sender")).toObject()).value_or(UserInfo());
    m.clientId = str(json, "clientId");
    m.text = str(json, "text");
    m.threadRoot = num(json, "threadRoot");
    m.replyCount = int(num(json, "replyCount"));
    m.lastReplyTs = num(json, "lastReplyTs");
    m.edited = json.value(QLatin1String("edited")).toBool();
    m.editedAt = num(json, "editedAt");
    m.deleted = json.value(QLatin1String("deleted")).toBool();
    for (const QJsonValue &value : json.value(QLatin1String("reactions")).toArray()) {
        const QJsonObject reaction = value.toObject();
        m.reactions.append(ChatReaction{str(reaction, "emoji"), userIds(reaction.value(QLatin1String("users")))});
    }
    m.mentions = userIds(json.value(QLatin1String("mentions")));
    m.mentionsRoom = json.value(QLatin1String("mentionsRoom")).toBool();
    const QJsonObject system = json.value(QLatin1String("system")).toObject();
    if (!system.isEmpty()) {
        m.systemEvent = str(system, "event");
        m.systemUser = UserInfo::fromJson(system.value(QLatin1String("user")).toObject()).value_or(UserInfo());
        m.systemName = str(system, "name");
        m.systemTopic = str(system, "topic");
        m.systemArchived = system.value(QLatin1String("archived")).toBool();
    }
    return m;
}

std::optional<ChatMessage> ChatMessage::fromEvent(const QString &event, qint64 seq, qint64 timestamp,
                                                  const QJsonObject &data)
{
    ChatMessage m;
    m.seq = seq;
    m.timestamp = timestamp;
    if (event == QLatin1String("message.created")) {
        m.sender = UserInfo::fromJson(data.value(QLatin1String("sender")).toObject()).value_or(UserInfo());
        m.clientId = str(data, "clientId");
        m.text = str(data, "text");
        m.threadRoot = num(data, "threadRoot");
        m.mentions = userIds(data.value(QLatin1String("mentions")));
        m.mentionsRoom = data.value(QLatin1String("mentionsRoom")).toBool();
        return m;
    }
    if (event == QLatin1String("member.joined") || event == QLatin1String("member.left")) {
        m.systemEvent = event;
        m.systemUser = UserInfo::fromJson(data.value(QLatin1String("user")).toObject()).value_or(UserInfo());
        return m;
    }
    if (event == QLatin1String("room.updated")) {
        const QJsonObject room = data.value(QLatin1String("room")).toObject();
        m.systemEvent = event;
        m.systemName = str(room, "name");
        m.systemTopic = str(room, "topic");
        m.systemArchived = room.value(QLatin1String("archived")).toBool();
        return m;
    }
    return std::nullopt;
}

bool ChatMessage::setReaction(const QString &emoji, UserId user, bool on)
{
    for (int i = 0; i < reactions.size(); ++i) {
        ChatReaction &reaction = reactions[i];
        if (reaction.emoji != emoji)
            continue;
        if (on == reaction.users.contains(user))
            return false;
        if (on) {
            reaction.users.append(user);
        } else {
            reaction.users.removeAll(user);
            if (reaction.users.isEmpty())
                reactions.removeAt(i);
        }
        return true;
    }
    if (!on)
        return false;
    reactions.append(ChatReaction{emoji, {user}});
    return true;
}

QString ChatRoom::displayName() const
{
    if (kind == QLatin1String("direct") && peer)
        return peer->displayName.isEmpty() ? peer->username : peer->displayName;
    return name;
}

std::optional<ChatRoom> ChatRoom::fromJson(const QJsonObject &json)
{
    const qint64 id = num(json, "id");
    if (id <= 0)
        return std::nullopt;
    ChatRoom r;
    r.id = RoomId(id);
    r.kind = str(json, "kind");
    r.name = str(json, "name");
    r.topic = str(json, "topic");
    r.courseId = CourseId(num(json, "courseId"));
    r.visibility = str(json, "visibility");
    r.memberLimit = int(num(json, "memberLimit"));
    r.memberCount = int(num(json, "memberCount"));
    r.archived = json.value(QLatin1String("archived")).toBool();
    r.lastSeq = num(json, "lastSeq");
    r.myRole = str(json, "myRole");
    r.muted = json.value(QLatin1String("muted")).toBool();
    r.pinned = json.value(QLatin1String("pinned")).toBool();
    r.lastRead = num(json, "lastRead");
    r.unread = int(num(json, "unread"));
    r.mentions = int(num(json, "mentions"));
    const QJsonValue peer = json.value(QLatin1String("peer"));
    if (peer.isObject())
        r.peer = UserInfo::fromJson(peer.toObject());
    const QJsonObject last = json.value(QLatin1String("lastMessage")).toObject();
    if (!last.isEmpty()) {
        r.lastMessageTs = num(last, "ts");
        r.lastMessageSender = str(last, "senderName");
        r.lastMessageText = str(last, "text");
        const QList<AttachmentInfo> files = attachmentsFromJson(last.value(QLatin1String("attachments")).toArray());
        if (!files.isEmpty())
            r.lastMessageFile = files.first().name;
    }
    return r;
}

void ChatRoom::updateShared(const ChatRoom &other)
{
    name = other.name;
    topic = other.topic;
    archived = other.archived;
    visibility = other.visibility;
    memberLimit = other.memberLimit;
    if (other.memberCount > 0)
        memberCount = other.memberCount;
}

} // namespace Cohort::Client
