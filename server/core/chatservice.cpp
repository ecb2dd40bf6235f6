// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "chatservice.h"

#include "logging.h"
#include "servercore.h"

#include <QJsonArray>
#include <QRegularExpression>

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

} // namespace Cohort::Server
