// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "chatservice.h"

#include "logging.h"
#include "servercore.h"

#include <QDateTime>
#include <QJsonArray>
#include <QRegularExpression>

#include <algorithm>

namespace Cohort::Server {

using namespace Protocol;

namespace {

QString stringField(const Request &r, const char *key)
{
    return r.data.value(QLatin1String(key)).toString();
}

qint64 integerField(const Request &r, const char *key)
{
    return r.data.value(QLatin1String(key)).toInteger();
}

bool hasField(const Request &r, const char *key)
{
    const QJsonValue value = r.data.value(QLatin1String(key));
    return !value.isUndefined() && !value.isNull();
}

} // namespace

ChatService::ChatService(ServerCore &core, Storage &storage)
    : m_core(core)
    , m_storage(storage)
{
}

std::optional<ChatService::Access> ChatService::access(Connection &c, RoomId roomId)
{
    std::optional<RoomInfo> room = m_core.db([&] { return m_storage.roomById(roomId); });
    if (!room)
        return std::nullopt;
    Access result;
    result.room = std::move(*room);
    result.role = m_core.db([&] { return m_storage.roomRole(roomId, c.userId()); });
    const bool serverAdmin = c.user().info.role == Role::Admin;
    if (!result.role && !serverAdmin)
        return std::nullopt;
    result.moderator = serverAdmin || (result.role && *result.role != RoomRole::Member);
    if (!result.moderator && result.room.courseId.isValid())
        result.moderator = m_core.db([&] { return m_storage.courseRole(result.room.courseId, c.userId()); })
            == Role::Instructor;
    return result;
}

std::pair<QList<UserId>, bool> ChatService::resolveMentions(RoomId room, const QString &text)
{
    static const QRegularExpression mention(QStringLiteral("(?<![\\w@])@([A-Za-z0-9][A-Za-z0-9._-]*)"));
    QStringList names;
    bool everyone = false;
    for (auto it = mention.globalMatch(text); it.hasNext();) {
        QString name = it.next().captured(1).toLower();
        // A mention ending a sentence ("thanks @ana.") does not take the full stop.
        while (name.endsWith(QLatin1Char('.')) || name.endsWith(QLatin1Char('-')) || name.endsWith(QLatin1Char('_')))
            name.chop(1);
        if (name == QLatin1String("room") || name == QLatin1String("all"))
            everyone = true;
        else if (!names.contains(name))
            names.append(name);
    }
    QList<UserId> users;
    if (names.isEmpty())
        return {users, everyone};
    const QList<RoomMemberRecord> members = m_core.db([&] { return m_storage.roomMembers(room); });
    for (const RoomMemberRecord &member : members) {
        if (names.contains(member.user.username))
            users.append(member.user.id);
    }
    return {users, everyone};
}

void ChatService::roomList(Connection &c, const Request &r)
{
    const bool admin = c.user().info.role == Role::Admin;
    const QList<RoomInfo> rooms = m_core.db([&] { return m_storage.roomList(c.userId(), admin); });
    QJsonArray list;
    for (const RoomInfo &room : rooms)
        list.append(room.toJson());
    c.reply(r, {{QStringLiteral("rooms"), list}});
}

void ChatService::messageSend(Connection &c, const Request &r)
{
    const RoomId roomId(integerField(r, "roomId"));
    const std::optional<Access> room = access(c, roomId);
    if (!room) {
        c.fail(r, ErrorCode::NotFound, QStringLiteral("no such room"));
        return;
    }
    if (room->room.archived) {
        c.fail(r, ErrorCode::Forbidden, QStringLiteral("the room is archived"));
        return;
    }
    const qint64 threadRoot = integerField(r, "threadRoot");
    if (room->room.kind == RoomKind::Announcement && !room->moderator && threadRoot == 0) {
        c.fail(r, ErrorCode::Forbidden, QStringLiteral("only staff post in an announcement room; reply in a thread"));
        return;
    }
    if (threadRoot > 0) {
        const std::optional<MessageInfo> root = m_core.db([&] { return m_storage.message(roomId, threadRoot); });
        if (!root || root->deleted) {
            c.fail(r, ErrorCode::NotFound, QStringLiteral("no such message to reply to"));
            return;
        }
        if (root->threadRoot > 0 || !root->system.isEmpty()) {
            c.fail(r, ErrorCode::BadRequest, QStringLiteral("replies go to the top-level message of a thread"));
            return;
        }
    }
    const int perMinute = m_core.config().messagesPerMinute;
    auto limiter = m_messageLimits.find(c.userId());
    if (limiter == m_messageLimits.end())
        limiter = m_messageLimits.insert(c.userId(), RateLimiter(perMinute / 60.0, perMinute, m_core.nowMs()));
    if (const qint64 wait = limiter->take(m_core.nowMs())) {
        c.fail(r, ErrorCode::RateLimited,
               QStringLiteral("you can send %1 messages per minute; wait a moment").arg(perMinute), wait);
        return;
    }
    const QString text = stringField(r, "text");
    const auto [mentions, mentionsRoom] = resolveMentions(roomId, text);
    const QJsonObject data{{QStringLiteral("sender"), c.user().info.toJson()},
                           {QStringLiteral("clientId"), stringField(r, "clientId")},
                           {QStringLiteral("text"), text},
                           {QStringLiteral("threadRoot"), threadRoot},
                           {QStringLiteral("mentions"), userIdsToJson(mentions)},
                           {QStringLiteral("mentionsRoom"), mentionsRoom}};
    const StorageResult<EventRecord> stored =
        m_core.append(roomId, EventMessageCreated, c.userId(), stringField(r, "clientId"), data);
    if (!stored.ok()) {
        qCWarning(lcNet) << "message.send failed:" << stored.message;
        c.fail(r, ErrorCode::Internal, QStringLiteral("the message could not be stored"));
        return;
    }
    // The sender's acknowledgement goes first: fanning out to a big room takes a while.
    c.reply(r, {{QStringLiteral("seq"), stored.value->seq}, {QStringLiteral("ts"), stored.value->timestamp}});
    m_core.publish(*stored.value);
}

void ChatService::messageHistory(Connection &c, const Request &r)
{
    const RoomId roomId(integerField(r, "roomId"));
    if (!access(c, roomId)) {
        c.fail(r, ErrorCode::NotFound, QStringLiteral("no such room"));
        return;
    }
    HistoryQuery query;
    query.before = integerField(r, "before");
    query.after = integerField(r, "after");
    query.around = integerField(r, "around");
    query.threadRoot = integerField(r, "threadRoot");
    query.limit = hasField(r, "limit") ? static_cast<int>(integerField(r, "limit")) : 50;
    if (query.around > 0 && (hasField(r, "before") || hasField(r, "after"))) {
        c.fail(r, ErrorCode::BadRequest, QStringLiteral("'around' cannot be combined with 'before' or 'after'"));
        return;
    }
    if (query.threadRoot > 0) {
        const std::optional<MessageInfo> root = m_core.db([&] { return m_storage.message(roomId, query.threadRoot); });
        if (!root || root->threadRoot > 0) {
            c.fail(r, ErrorCode::NotFound, QStringLiteral("no such thread"));
            return;
        }
    }
    const std::optional<HistoryPage> page = m_core.db([&] { return m_storage.history(roomId, query); });
    if (!page) {
        c.fail(r, ErrorCode::Internal, QStringLiteral("the history could not be read"));
        return;
    }
    QJsonArray messages;
    for (const MessageInfo &message : page->messages)
        messages.append(message.toHistoryJson());
    c.reply(r, {{QStringLiteral("messages"), messages},
                {QStringLiteral("hasMoreBefore"), page->hasMoreBefore},
                {QStringLiteral("hasMoreAfter"), page->hasMoreAfter}});
}

std::optional<MessageInfo> ChatService::targetMessage(Connection &c, const Request &r, RoomId room, bool allowDeleted)
{
    const qint64 seq = integerField(r, "seq");
    std::optional<MessageInfo> message = m_core.db([&] { return m_storage.message(room, seq); });
    if (!message || !message->system.isEmpty()) {
        c.fail(r, ErrorCode::NotFound, QStringLiteral("no message with seq %1 in this room").arg(seq));
        return std::nullopt;
    }
    if (message->deleted && !allowDeleted) {
        c.fail(r, ErrorCode::NotFound, QStringLiteral("the message %1 was deleted").arg(seq));
        return std::nullopt;
    }
    return message;
}

void ChatService::appendAndAnswer(Connection &c, const Request &r, RoomId room, const QString &kind,
                                  const QJsonObject &data, const std::function<QJsonObject(const EventRecord &)> &result)
{
    const StorageResult<EventRecord> stored = m_core.append(room, kind, c.userId(), stringField(r, "clientId"), data);
    if (!stored.ok()) {
        qCWarning(lcNet) << opName(r.op) << "failed:" << stored.message;
        c.fail(r, ErrorCode::Internal, QStringLiteral("the change could not be stored"));
        return;
    }
    c.reply(r, result(*stored.value));
    m_core.publish(*stored.value);
}

void ChatService::messageEdit(Connection &c, const Request &r)
{
    const RoomId roomId(integerField(r, "roomId"));
    const std::optional<Access> room = access(c, roomId);
    if (!room) {
        c.fail(r, ErrorCode::NotFound, QStringLiteral("no such room"));
        return;
    }
    const std::optional<MessageInfo> message = targetMessage(c, r, roomId, false);
    if (!message)
        return;
    if (message->sender.id != c.userId()) {
        c.fail(r, ErrorCode::Forbidden, QStringLiteral("only the sender edits a message"));
        return;
    }
    if (room->room.archived) {
        c.fail(r, ErrorCode::Forbidden, QStringLiteral("the room is archived"));
        return;
    }
    const QString text = stringField(r, "text");
    const auto [mentions, mentionsRoom] = resolveMentions(roomId, text);
    const QJsonObject data{{QStringLiteral("target"), message->seq},
                           {QStringLiteral("text"), text},
                           {QStringLiteral("editedAt"), QDateTime::currentMSecsSinceEpoch()},
                           {QStringLiteral("mentions"), userIdsToJson(mentions)},
                           {QStringLiteral("mentionsRoom"), mentionsRoom}};
    appendAndAnswer(c, r, roomId, EventMessageEdited, data, [](const EventRecord &event) {
        // A retry answers with the first edit's time.
        return QJsonObject{{QStringLiteral("ts"), event.timestamp}};
    });
}

void ChatService::messageDelete(Connection &c, const Request &r)
{
    const RoomId roomId(integerField(r, "roomId"));
    const std::optional<Access> room = access(c, roomId);
    if (!room) {
        c.fail(r, ErrorCode::NotFound, QStringLiteral("no such room"));
        return;
    }
    const std::optional<MessageInfo> message = targetMessage(c, r, roomId, true);
    if (!message)
        return;
    if (message->sender.id != c.userId() && !room->moderator) {
        c.fail(r, ErrorCode::Forbidden, QStringLiteral("only the sender or a moderator deletes a message"));
        return;
    }
    if (message->deleted) {
        // Deleting twice (a retry, or two moderators at once) changes nothing.
        c.reply(r, {});
        return;
    }
    const QJsonObject data{{QStringLiteral("target"), message->seq}, {QStringLiteral("by"), c.userId().value()}};
    appendAndAnswer(c, r, roomId, EventMessageDeleted, data, [](const EventRecord &) { return QJsonObject(); });
}

void ChatService::messageReact(Connection &c, const Request &r)
{
    const RoomId roomId(integerField(r, "roomId"));
    const std::optional<Access> room = access(c, roomId);
    if (!room) {
        c.fail(r, ErrorCode::NotFound, QStringLiteral("no such room"));
        return;
    }
    if (room->room.archived) {
        c.fail(r, ErrorCode::Forbidden, QStringLiteral("the room is archived"));
        return;
    }
    const QString emoji = stringField(r, "emoji");
    if (emoji.trimmed().isEmpty()) {
        c.fail(r, ErrorCode::BadRequest, QStringLiteral("field 'emoji' must not be blank"));
        return;
    }
    const std::optional<MessageInfo> message = targetMessage(c, r, roomId, false);
    if (!message)
        return;
    const bool on = r.data.value(QStringLiteral("on")).toBool();
    if (m_core.db([&] { return m_storage.hasReaction(roomId, message->seq, emoji, c.userId()); }) == on) {
        c.reply(r, {}); // no change, no event
        return;
    }
    const QJsonObject data{{QStringLiteral("target"), message->seq},
                           {QStringLiteral("emoji"), emoji},
                           {QStringLiteral("userId"), c.userId().value()},
                           {QStringLiteral("on"), on}};
    appendAndAnswer(c, r, roomId, EventReactionChanged, data, [](const EventRecord &) { return QJsonObject(); });
}

void ChatService::roomRead(Connection &c, const Request &r)
{
    const RoomId roomId(integerField(r, "roomId"));
    const std::optional<Access> room = access(c, roomId);
    if (!room || !room->role) {
        c.fail(r, ErrorCode::NotFound, QStringLiteral("no such room"));
        return;
    }
    // A seq beyond the room's newest is clamped: a client's clock of events cannot run ahead.
    const qint64 seq = std::min(integerField(r, "seq"), room->room.lastSeq);
    const qint64 stored = m_core.db([&] { return m_storage.markRead(roomId, c.userId(), seq); });
    if (stored < 0) {
        c.fail(r, ErrorCode::Internal, QStringLiteral("the read position could not be stored"));
        return;
    }
    c.reply(r, {{QStringLiteral("seq"), stored}});
    const QJsonObject data{{QStringLiteral("userId"), c.userId().value()}, {QStringLiteral("seq"), stored}};
    QList<Connection *> to = m_core.m_hub.subscribers(roomId);
    for (Connection *own : m_connections.value(c.userId())) {
        if (own != &c && !to.contains(own))
            to.append(own);
    }
    to.removeOne(&c);
    sendEphemeral(to, EventReadUpdated, roomId, data);
}

void ChatService::roomReceipts(Connection &c, const Request &r)
{
    const RoomId roomId(integerField(r, "roomId"));
    if (!access(c, roomId)) {
        c.fail(r, ErrorCode::NotFound, QStringLiteral("no such room"));
        return;
    }
    const QList<ReadState> reads = m_core.db([&] { return m_storage.readStates(roomId); });
    QJsonArray list;
    for (const ReadState &read : reads)
        list.append(QJsonObject{{QStringLiteral("userId"), read.user.value()}, {QStringLiteral("seq"), read.seq}});
    c.reply(r, {{QStringLiteral("reads"), list}});
}

void ChatService::typing(Connection &c, const Request &r)
{
    const RoomId roomId(integerField(r, "roomId"));
    const std::optional<Access> room = access(c, roomId);
    if (!room || !room->role) {
        c.fail(r, ErrorCode::NotFound, QStringLiteral("no such room"));
        return;
    }
    if (room->room.archived) {
        c.fail(r, ErrorCode::Forbidden, QStringLiteral("the room is archived"));
        return;
    }
    c.reply(r, {});
    sendEphemeral(m_core.m_hub.subscribers(roomId), EventTyping, roomId,
                  {{QStringLiteral("user"), c.user().info.toJson()}, {QStringLiteral("expiresInMs"), TypingExpiresMs}},
                  c.userId());
}

void ChatService::sendEphemeral(const QList<Connection *> &to, const QString &event, RoomId room,
                                const QJsonObject &data, UserId skip)
{
    if (to.isEmpty())
        return;
    const QString frame =
        QString::fromUtf8(encode(Protocol::event(event, room, 0, QDateTime::currentMSecsSinceEpoch(), data)));
    for (Connection *connection : to) {
        if (!skip.isValid() || connection->userId() != skip)
            connection->sendEvent(frame);
    }
}

ChatService::Presence ChatService::presenceOf(UserId user) const
{
    // Do not disturb on any device wins; else online if any device is; else away while connected.
    Presence result = Presence::Offline;
    for (Connection *connection : m_connections.value(user)) {
        const Presence own = m_presence.value(connection, Presence::Online);
        if (own == Presence::Dnd)
            return Presence::Dnd;
        result = std::max(result, own);
    }
    return result;
}

QJsonObject ChatService::presenceJson(UserId user) const
{
    static const QStringList names{QStringLiteral("offline"), QStringLiteral("away"), QStringLiteral("online"),
                                   QStringLiteral("dnd")};
    const Presence presence = presenceOf(user);
    return {{QStringLiteral("userId"), user.value()},
            {QStringLiteral("status"), names.at(static_cast<int>(presence))},
            {QStringLiteral("lastSeen"), presence == Presence::Offline ? m_lastSeen.value(user, 0)
                                                                       : QDateTime::currentMSecsSinceEpoch()}};
}

void ChatService::announcePresence(UserId user, Presence before)
{
    if (presenceOf(user) == before)
        return;
    if (presenceOf(user) == Presence::Offline)
        m_lastSeen.insert(user, QDateTime::currentMSecsSinceEpoch());
    QList<Connection *> to = m_connections.value(user);
    const QList<UserId> mates = m_core.db([&] { return m_storage.roomMates(user); });
    for (UserId mate : mates)
        to += m_connections.value(mate);
    sendEphemeral(to, EventPresence, RoomId(), presenceJson(user));
}

void ChatService::connectionSignedIn(Connection &c)
{
    const Presence before = presenceOf(c.userId());
    m_connections[c.userId()].append(&c);
    m_presence.insert(&c, Presence::Online);
    announcePresence(c.userId(), before);
}

void ChatService::connectionSignedOut(Connection &c)
{
    const UserId user = c.userId();
    const auto it = m_connections.find(user);
    if (it == m_connections.end() || !it->contains(&c))
        return;
    const Presence before = presenceOf(user);
    it->removeOne(&c);
    m_presence.remove(&c);
    if (it->isEmpty())
        m_connections.erase(it);
    announcePresence(user, before);
}

void ChatService::presenceSet(Connection &c, const Request &r)
{
    const QString status = stringField(r, "status");
    const Presence before = presenceOf(c.userId());
    m_presence.insert(&c, status == QLatin1String("dnd")    ? Presence::Dnd
                          : status == QLatin1String("away") ? Presence::Away
                                                            : Presence::Online);
    c.reply(r, {});
    announcePresence(c.userId(), before);
}

void ChatService::presenceGet(Connection &c, const Request &r)
{
    QJsonArray list;
    const QList<UserId> users = userIdsFromJson(r.data.value(QStringLiteral("userIds")).toArray());
    for (UserId user : users)
        list.append(presenceJson(user));
    c.reply(r, {{QStringLiteral("presence"), list}});
}

} // namespace Cohort::Server
