// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "chatservice.h"

#include "logging.h"
#include "servercore.h"

#include <QDate>
#include <QDateTime>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>
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

/// The last path component of a file name a client sent, without control characters; empty
/// for "." and "..", which name folders: no client could save or open a file by them.
QString attachmentName(const QString &name)
{
    QString result = name.mid(std::max(name.lastIndexOf(QLatin1Char('/')), name.lastIndexOf(QLatin1Char('\\'))) + 1);
    result.removeIf([](QChar ch) { return ch.category() == QChar::Other_Control; });
    result = result.trimmed();
    return result == QLatin1String(".") || result == QLatin1String("..") ? QString() : result;
}

QString attachmentMime(const QString &mime)
{
    static const QRegularExpression valid(QStringLiteral("^[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*$"));
    const QString lower = mime.trimmed().toLower();
    return valid.match(lower).hasMatch() ? lower : QStringLiteral("application/octet-stream");
}

bool isSha256Hex(const QString &text)
{
    static const QRegularExpression hex(QStringLiteral("^[0-9a-f]{64}$"));
    return hex.match(text).hasMatch();
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
    , m_attachments(core.config().dataDir.isEmpty() ? QString()
                                                    : QDir(core.config().dataDir).filePath(QStringLiteral("attachments")),
                    core.config().maxAttachmentBytes, core.config().maxFrameBytes,
                    core.config().uploadExpirySeconds * 1000LL)
{
    // A quarter of the expiry, so an idle upload's temp file goes within 125% of it.
    m_uploadExpiry.setInterval(static_cast<int>(std::clamp<qint64>(m_attachments.expiryMs() / 4, 100, 60 * 1000)));
    QObject::connect(&m_uploadExpiry, &QTimer::timeout, &m_uploadExpiry,
                     [this] { m_attachments.expire(m_core.nowMs()); });
    m_uploadExpiry.start();
    // Unsent files go within 125% of their time as well, checked at least hourly (a partial index
    // of the files never sent serves the query).
    const qint64 unsentMs = core.config().unsentAttachmentSeconds * 1000LL;
    m_unsentSweep.setInterval(static_cast<int>(std::clamp<qint64>(unsentMs / 4, 100, 3600 * 1000)));
    QObject::connect(&m_unsentSweep, &QTimer::timeout, &m_unsentSweep,
                     [this, unsentMs] { dropUnsentAttachments(QDateTime::currentMSecsSinceEpoch() - unsentMs); });
    m_unsentSweep.start();
}

std::optional<ChatService::Access> ChatService::access(Connection &c, RoomId roomId)
{
    auto room = m_core.db([&] { return m_storage.roomWithRole(roomId, c.userId()); });
    if (!room)
        return std::nullopt;
    Access result;
    result.room = std::move(room->first);
    result.role = room->second;
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
    // A retry of a stored send gets the original answer first: neither the rate limit nor a
    // change since (archived room, deleted thread root) may turn it into an error or a token.
    const QString clientId = stringField(r, "clientId");
    if (!clientId.isEmpty()) {
        const std::optional<EventRecord> sent =
            m_core.db([&] { return m_storage.eventByClientId(roomId, c.userId(), clientId); });
        if (sent && sent->kind == EventMessageCreated) {
            c.reply(r, {{QStringLiteral("seq"), sent->seq}, {QStringLiteral("ts"), sent->timestamp}});
            return;
        }
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
    // Buckets that refilled are dropped, so the map holds only users who sent lately.
    if (m_messageLimits.size() > 1000) {
        const qint64 now = m_core.nowMs();
        m_messageLimits.removeIf([now](const auto &entry) { return entry.value().isFull(now); });
    }
    auto limiter = m_messageLimits.find(c.userId());
    if (limiter == m_messageLimits.end())
        limiter = m_messageLimits.insert(c.userId(), RateLimiter(perMinute / 60.0, perMinute, m_core.nowMs()));
    if (const qint64 wait = limiter->take(m_core.nowMs())) {
        c.fail(r, ErrorCode::RateLimited,
               QStringLiteral("you can send %1 messages per minute; wait a moment").arg(perMinute), wait);
        return;
    }
    // Only files uploaded to this room (attachment.upload) may ride on its messages.
    QList<AttachmentInfo> attachments;
    for (const QJsonValue &value : r.data.value(QStringLiteral("attachments")).toArray()) {
        const std::optional<AttachmentInfo> attachment =
            m_core.db([&] { return m_storage.attachment(roomId, value.toString()); });
        if (!attachment) {
            c.fail(r, ErrorCode::NotFound, QStringLiteral("no attachment %1 was uploaded to this room").arg(value.toString()));
            return;
        }
        if (!attachments.contains(*attachment))
            attachments.append(*attachment);
    }
    const QString text = stringField(r, "text");
    // A file may go without words; a message without either is nothing.
    if (text.isEmpty() && attachments.isEmpty()) {
        c.fail(r, ErrorCode::BadRequest, QStringLiteral("field 'text' may be empty only with attachments"));
        return;
    }
    const auto [mentions, mentionsRoom] = resolveMentions(roomId, text);
    QJsonObject data{{QStringLiteral("sender"), c.user().info.toJson()},
                     {QStringLiteral("clientId"), clientId},
                     {QStringLiteral("text"), text},
                     {QStringLiteral("threadRoot"), threadRoot},
                     {QStringLiteral("mentions"), userIdsToJson(mentions)},
                     {QStringLiteral("mentionsRoom"), mentionsRoom}};
    if (!attachments.isEmpty())
        data.insert(QStringLiteral("attachments"), attachmentsToJson(attachments));
    const StorageResult<EventRecord> stored =
        m_core.append(roomId, EventMessageCreated, c.userId(), clientId, data);
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

bool ChatService::mayInvite(Connection &c, UserId other)
{
    if (c.user().info.role != Role::Student || other == c.userId())
        return true;
    return m_core.db([&] { return m_storage.sharesCourse(c.userId(), other); });
}

void ChatService::sendToUser(UserId user, const QString &event, RoomId room, const QJsonObject &data, Connection *skip)
{
    QList<Connection *> to = m_connections.value(user);
    to.removeOne(skip);
    sendEphemeral(to, event, room, data);
}

void ChatService::answerRoom(Connection &c, const Request &r, RoomId room, const QList<UserId> &announce)
{
    const std::optional<RoomInfo> info = m_core.db([&] { return m_storage.roomForUser(room, c.userId()); });
    if (!info) {
        c.fail(r, ErrorCode::Internal, QStringLiteral("the room could not be read"));
        return;
    }
    c.reply(r, {{QStringLiteral("room"), info->toJson()}});
    for (UserId user : announce) {
        if (!m_connections.contains(user))
            continue;
        const std::optional<RoomInfo> theirs = user == c.userId()
            ? info
            : m_core.db([&] { return m_storage.roomForUser(room, user); });
        if (theirs)
            sendToUser(user, EventRoomAdded, room, {{QStringLiteral("room"), theirs->toJson()}}, &c);
    }
}

void ChatService::announceCourseRooms(CourseId course, UserId user)
{
    if (!m_connections.contains(user))
        return;
    for (const RoomInfo &room : m_core.db([&] { return m_storage.roomList(user, false); })) {
        if (room.courseId == course && (room.kind == RoomKind::Course || room.kind == RoomKind::Announcement))
            sendToUser(user, EventRoomAdded, room.id, {{QStringLiteral("room"), room.toJson()}});
    }
}

void ChatService::roomCreate(Connection &c, const Request &r)
{
    NewRoom room;
    parseRoomKind(stringField(r, "kind"), &room.kind);
    room.name = stringField(r, "name").trimmed();
    room.topic = stringField(r, "topic").trimmed();
    room.courseId = CourseId(integerField(r, "courseId"));
    room.creator = c.userId();
    room.clientId = stringField(r, "clientId");
    if (room.kind == RoomKind::Live) {
        c.fail(r, ErrorCode::Forbidden, QStringLiteral("live rooms are created by live classes"));
        return;
    }
    if (room.name.isEmpty()) {
        c.fail(r, ErrorCode::BadRequest, QStringLiteral("field 'name' must not be blank"));
        return;
    }
    const bool serverAdmin = c.user().info.role == Role::Admin;
    if (room.kind == RoomKind::Group) {
        if (hasField(r, "courseId") || hasField(r, "visibility") || hasField(r, "memberLimit")) {
            c.fail(r, ErrorCode::BadRequest, QStringLiteral("a group room takes no course, visibility or member limit"));
            return;
        }
        room.topic.clear();
        bool onlyStudents = true;
        for (UserId member : userIdsFromJson(r.data.value(QStringLiteral("members")).toArray())) {
            if (member == c.userId() || room.members.contains(member))
                continue;
            const std::optional<UserRecord> record = m_core.db([&] { return m_storage.userById(member); });
            if (!record) {
                c.fail(r, ErrorCode::NotFound, QStringLiteral("there is no user %1").arg(member.value()));
                return;
            }
            if (!mayInvite(c, member)) {
                c.fail(r, ErrorCode::Forbidden, QStringLiteral("students invite only people from their courses"));
                return;
            }
            onlyStudents &= record->info.role == Role::Student;
            room.members.append(member);
        }
        // A group of two students is a direct room by another name: the DM policy applies to it.
        if (c.user().info.role == Role::Student && room.members.size() == 1 && onlyStudents
            && dmPolicy() == QLatin1String("staff")) {
            c.fail(r, ErrorCode::Forbidden, QStringLiteral("on this server students send direct messages to staff only"));
            return;
        }
    } else {
        if (hasField(r, "members")) {
            c.fail(r, ErrorCode::BadRequest, QStringLiteral("members are given for group rooms only"));
            return;
        }
        if (!room.courseId.isValid()) {
            c.fail(r, ErrorCode::BadRequest, QStringLiteral("a %1 room needs 'courseId'").arg(roomKindName(room.kind)));
            return;
        }
        const std::optional<Role> courseRole = m_core.db([&] { return m_storage.courseRole(room.courseId, c.userId()); });
        if ((!courseRole && !serverAdmin) || !m_core.db([&] { return m_storage.courseById(room.courseId); })) {
            c.fail(r, ErrorCode::NotFound, QStringLiteral("no such course"));
            return;
        }
        if (room.kind == RoomKind::Announcement) {
            if (courseRole != Role::Instructor && !serverAdmin) {
                c.fail(r, ErrorCode::Forbidden, QStringLiteral("only the course's staff create announcement rooms"));
                return;
            }
            if (hasField(r, "visibility") || hasField(r, "memberLimit")) {
                c.fail(r, ErrorCode::BadRequest, QStringLiteral("visibility and member limit are for study rooms"));
                return;
            }
            room.topic.clear();
        } else {
            room.visibility = hasField(r, "visibility") ? stringField(r, "visibility") : QStringLiteral("private");
            room.memberLimit = static_cast<int>(integerField(r, "memberLimit"));
        }
    }
    const StorageResult<std::pair<RoomId, bool>> created = m_core.db([&] { return m_storage.createRoom(room); });
    if (!created.ok()) {
        qCWarning(lcNet) << "room.create failed:" << created.message;
        c.fail(r, ErrorCode::Internal, QStringLiteral("the room could not be created"));
        return;
    }
    QList<UserId> announce;
    if (created.value->second) {
        if (room.kind == RoomKind::Announcement) {
            for (const MemberInfo &member : m_core.db([&] { return m_storage.courseMembers(room.courseId); }))
                announce.append(member.user.id);
        } else {
            announce = room.members;
            announce.append(c.userId());
        }
    }
    answerRoom(c, r, created.value->first, announce);
}

QString ChatService::dmPolicy()
{
    const std::optional<QString> stored = m_core.db([&] { return m_storage.setting(QStringLiteral("chat.dm_policy")); });
    return stored && !stored->isEmpty() ? *stored : m_core.config().dmPolicy;
}

void ChatService::roomDirect(Connection &c, const Request &r)
{
    const UserId peer(integerField(r, "userId"));
    if (peer == c.userId()) {
        c.fail(r, ErrorCode::BadRequest, QStringLiteral("a direct room needs another user"));
        return;
    }
    const std::optional<UserRecord> other = m_core.db([&] { return m_storage.userById(peer); });
    if (!other || other->disabled) {
        c.fail(r, ErrorCode::NotFound, QStringLiteral("there is no user %1").arg(peer.value()));
        return;
    }
    if (c.user().info.role == Role::Student && other->info.role == Role::Student
        && dmPolicy() == QLatin1String("staff")) {
        c.fail(r, ErrorCode::Forbidden, QStringLiteral("on this server students send direct messages to staff only"));
        return;
    }
    NewRoom room;
    room.kind = RoomKind::Direct;
    room.creator = c.userId();
    room.members = {peer};
    const StorageResult<std::pair<RoomId, bool>> created = m_core.db([&] { return m_storage.createRoom(room); });
    if (!created.ok()) {
        qCWarning(lcNet) << "room.direct failed:" << created.message;
        c.fail(r, ErrorCode::Internal, QStringLiteral("the room could not be created"));
        return;
    }
    answerRoom(c, r, created.value->first,
               created.value->second ? QList<UserId>{c.userId(), peer} : QList<UserId>());
}

void ChatService::roomUpdate(Connection &c, const Request &r)
{
    const RoomId roomId(integerField(r, "roomId"));
    const std::optional<Access> room = access(c, roomId);
    if (!room) {
        c.fail(r, ErrorCode::NotFound, QStringLiteral("no such room"));
        return;
    }
    if (!room->moderator) {
        c.fail(r, ErrorCode::Forbidden, QStringLiteral("only the room's owner and admins change it"));
        return;
    }
    if (room->room.kind == RoomKind::Direct && (hasField(r, "name") || hasField(r, "topic"))) {
        c.fail(r, ErrorCode::BadRequest, QStringLiteral("a direct room has no name or topic"));
        return;
    }
    RoomInfo updated = room->room;
    if (hasField(r, "name")) {
        updated.name = stringField(r, "name").trimmed();
        if (updated.name.isEmpty()) {
            c.fail(r, ErrorCode::BadRequest, QStringLiteral("field 'name' must not be blank"));
            return;
        }
    }
    if (hasField(r, "topic"))
        updated.topic = stringField(r, "topic").trimmed();
    if (hasField(r, "archived"))
        updated.archived = r.data.value(QStringLiteral("archived")).toBool();
    if (updated == room->room) {
        answerRoom(c, r, roomId, {});
        return;
    }
    const QJsonObject data{{QStringLiteral("room"), updated.sharedJson()}, {QStringLiteral("by"), c.userId().value()}};
    const StorageResult<EventRecord> stored = m_core.append(roomId, EventRoomUpdated, c.userId(), stringField(r, "clientId"), data);
    if (!stored.ok()) {
        qCWarning(lcNet) << "room.update failed:" << stored.message;
        c.fail(r, ErrorCode::Internal, QStringLiteral("the change could not be stored"));
        return;
    }
    answerRoom(c, r, roomId, {});
    m_core.publish(*stored.value);
}

void ChatService::roomMembers(Connection &c, const Request &r)
{
    const RoomId roomId(integerField(r, "roomId"));
    if (!access(c, roomId)) {
        c.fail(r, ErrorCode::NotFound, QStringLiteral("no such room"));
        return;
    }
    QJsonArray list;
    for (const RoomMemberRecord &member : m_core.db([&] { return m_storage.roomMembers(roomId); })) {
        QJsonObject presence = presenceJson(member.user.id);
        presence.remove(QStringLiteral("userId"));
        list.append(QJsonObject{{QStringLiteral("user"), member.user.toJson()},
                                {QStringLiteral("role"), roomRoleName(member.role)},
                                {QStringLiteral("presence"), presence}});
    }
    c.reply(r, {{QStringLiteral("members"), list}});
}

void ChatService::addMembers(Connection &c, const Request &r, RoomId room, const QList<UserId> &users,
                             const std::optional<QJsonObject> &result)
{
    QList<NewEvent> joins;
    for (UserId user : users) {
        const std::optional<UserRecord> record = m_core.db([&] { return m_storage.userById(user); });
        if (!record)
            continue;
        // One idempotency key per added user, derived from the request's.
        const QString clientId = QStringLiteral("%1/%2").arg(stringField(r, "clientId")).arg(user.value());
        const QJsonObject data{{QStringLiteral("user"), record->info.toJson()},
                               {QStringLiteral("role"), roomRoleName(RoomRole::Member)}};
        joins.append({EventMemberJoined, c.userId(), clientId, QJsonDocument(data).toJson(QJsonDocument::Compact)});
    }
    // All in one transaction: a failure halfway adds nobody, and nobody hears of a member
    // before every one of them is committed.
    const StorageResult<QList<EventRecord>> stored =
        m_core.db([&] { return m_storage.appendEvents(room, joins, QDateTime::currentMSecsSinceEpoch()); });
    if (!stored.ok()) {
        qCWarning(lcNet) << "adding room members failed:" << stored.message;
        c.fail(r, ErrorCode::Internal, QStringLiteral("the members could not be added"));
        return;
    }
    if (result)
        answerRoom(c, r, room, {});
    else
        c.reply(r, {});
    for (const EventRecord &event : *stored.value)
        m_core.publish(event);
    for (UserId user : users) {
        if (const std::optional<RoomInfo> info = m_core.db([&] { return m_storage.roomForUser(room, user); }))
            sendToUser(user, EventRoomAdded, room, {{QStringLiteral("room"), info->toJson()}}, &c);
    }
}

void ChatService::roomAddMembers(Connection &c, const Request &r)
{
    const RoomId roomId(integerField(r, "roomId"));
    const std::optional<Access> room = access(c, roomId);
    if (!room) {
        c.fail(r, ErrorCode::NotFound, QStringLiteral("no such room"));
        return;
    }
    if (room->room.kind != RoomKind::Group && room->room.kind != RoomKind::Study) {
        c.fail(r, ErrorCode::BadRequest, QStringLiteral("members are added to group and study rooms only"));
        return;
    }
    const bool roomAdmin = (room->role && *room->role != RoomRole::Member) || c.user().info.role == Role::Admin;
    if (!roomAdmin) {
        c.fail(r, ErrorCode::Forbidden, QStringLiteral("only the room's owner and admins add members"));
        return;
    }
    if (room->room.archived) {
        c.fail(r, ErrorCode::Forbidden, QStringLiteral("the room is archived"));
        return;
    }
    QList<UserId> toAdd;
    bool onlyStudents = true;
    for (UserId user : userIdsFromJson(r.data.value(QStringLiteral("userIds")).toArray())) {
        if (toAdd.contains(user) || m_core.db([&] { return m_storage.roomRole(roomId, user); }))
            continue;
        const std::optional<UserRecord> record = m_core.db([&] { return m_storage.userById(user); });
        if (!record) {
            c.fail(r, ErrorCode::NotFound, QStringLiteral("there is no user %1").arg(user.value()));
            return;
        }
        onlyStudents &= record->info.role == Role::Student;
        const bool allowed = room->room.kind == RoomKind::Study
            ? m_core.db([&] { return m_storage.courseRole(room->room.courseId, user); }).has_value()
            : mayInvite(c, user);
        if (!allowed) {
            c.fail(r, ErrorCode::Forbidden,
                   room->room.kind == RoomKind::Study ? QStringLiteral("user %1 is not in the course").arg(user.value())
                                                      : QStringLiteral("students invite only people from their courses"));
            return;
        }
        toAdd.append(user);
    }
    // As in room.create: two students alone in a group is a direct room under the DM policy.
    if (room->room.kind == RoomKind::Group && c.user().info.role == Role::Student && toAdd.size() == 1 && onlyStudents
        && dmPolicy() == QLatin1String("staff")) {
        const QList<RoomMemberRecord> members = m_core.db([&] { return m_storage.roomMembers(roomId); });
        if (members.size() == 1 && members.first().user.role == Role::Student) {
            c.fail(r, ErrorCode::Forbidden, QStringLiteral("on this server students send direct messages to staff only"));
            return;
        }
    }
    if (room->room.kind == RoomKind::Study && room->room.memberLimit > 0) {
        const int count = m_core.db([&] { return m_storage.roomMembers(roomId); }).size();
        if (count + toAdd.size() > room->room.memberLimit) {
            c.fail(r, ErrorCode::Conflict, QStringLiteral("The study group is full"));
            return;
        }
    }
    addMembers(c, r, roomId, toAdd, std::nullopt);
}

void ChatService::roomRemoveMember(Connection &c, const Request &r)
{
    const RoomId roomId(integerField(r, "roomId"));
    const UserId user(integerField(r, "userId"));
    const bool leaving = user == c.userId();
    // A retry gets the first answer, before anything: the user who left has no access any
    // more, and a member removed and added back since is not removed again.
    const QString clientId = stringField(r, "clientId");
    if (!clientId.isEmpty()) {
        const std::optional<EventRecord> removed =
            m_core.db([&] { return m_storage.eventByClientId(roomId, c.userId(), clientId); });
        if (removed && removed->kind == EventMemberLeft) {
            c.reply(r, {});
            return;
        }
    }
    const std::optional<Access> room = access(c, roomId);
    if (!room && leaving) {
        // Not a member (any more): there is nothing to leave. The same answer whether the room
        // exists or not, so that it tells nothing about rooms the user cannot see.
        c.reply(r, {});
        return;
    }
    if (!room) {
        c.fail(r, ErrorCode::NotFound, QStringLiteral("no such room"));
        return;
    }
    const RoomKind kind = room->room.kind;
    if (kind == RoomKind::Course || kind == RoomKind::Announcement || kind == RoomKind::Direct) {
        c.fail(r, ErrorCode::BadRequest, QStringLiteral("members of %1 rooms cannot be removed or leave")
                                             .arg(roomKindName(kind)));
        return;
    }
    const bool roomAdmin = (room->role && *room->role != RoomRole::Member) || c.user().info.role == Role::Admin;
    if (!leaving && !roomAdmin) {
        c.fail(r, ErrorCode::Forbidden, QStringLiteral("only the room's owner and admins remove members"));
        return;
    }
    const std::optional<UserRecord> target = m_core.db([&] { return m_storage.userById(user); });
    if (!target) {
        c.fail(r, ErrorCode::NotFound, QStringLiteral("there is no user %1").arg(user.value()));
        return;
    }
    const std::optional<RoomRole> targetRole = m_core.db([&] { return m_storage.roomRole(roomId, user); });
    if (!targetRole) {
        c.reply(r, {}); // removed already (the same request again): the first answer, no event
        return;
    }
    if (!leaving && *targetRole == RoomRole::Owner && c.user().info.role != Role::Admin) {
        c.fail(r, ErrorCode::Forbidden, QStringLiteral("the room's owner cannot be removed"));
        return;
    }
    // No group is left without an owner: the owner's place passes to the longest-standing admin,
    // else member; the last one out archives the room. All of it is one transaction.
    const StorageResult<UserId> successor = m_core.db([&] { return m_storage.roomSuccessor(roomId, user); });
    if (!successor.ok() && successor.error != StorageError::NotFound) {
        c.fail(r, ErrorCode::Internal, QStringLiteral("the member could not be removed"));
        return;
    }
    // Each event has its own idempotency key, derived from the request's.
    const auto event = [&](const QString &name, const QString &keySuffix, const QJsonObject &data) {
        return NewEvent{name, c.userId(), clientId + keySuffix,
                        QJsonDocument(data).toJson(QJsonDocument::Compact)};
    };
    QList<NewEvent> events;
    if (successor.ok() && *targetRole == RoomRole::Owner) {
        const std::optional<UserRecord> heir = m_core.db([&] { return m_storage.userById(*successor.value); });
        if (!heir) {
            c.fail(r, ErrorCode::Internal, QStringLiteral("the member could not be removed"));
            return;
        }
        events.append(event(EventMemberRole, QStringLiteral("/owner"),
                            {{QStringLiteral("user"), heir->info.toJson()},
                             {QStringLiteral("role"), roomRoleName(RoomRole::Owner)},
                             {QStringLiteral("by"), c.userId().value()}}));
    }
    events.append(event(EventMemberLeft, QString(),
                        {{QStringLiteral("user"), target->info.toJson()}, {QStringLiteral("by"), c.userId().value()}}));
    if (!successor.ok() && !room->room.archived) {
        RoomInfo archived = room->room;
        archived.archived = true;
        archived.memberCount = 0;
        events.append(event(EventRoomUpdated, QStringLiteral("/archive"),
                            {{QStringLiteral("room"), archived.sharedJson()}, {QStringLiteral("by"), c.userId().value()}}));
    }
    const StorageResult<QList<EventRecord>> stored =
        m_core.db([&] { return m_storage.appendEvents(roomId, events, QDateTime::currentMSecsSinceEpoch()); });
    if (!stored.ok()) {
        qCWarning(lcNet) << "room.removeMember failed:" << stored.message;
        c.fail(r, ErrorCode::Internal, QStringLiteral("the member could not be removed"));
        return;
    }
    c.reply(r, {});
    for (const EventRecord &appended : *stored.value)
        m_core.publish(appended);
    // The removed user's connections stop receiving the room (server admins keep their access).
    if (target->info.role != Role::Admin) {
        for (Connection *connection : m_connections.value(user))
            m_core.leaveRoom(*connection, roomId);
    }
    sendToUser(user, EventRoomRemoved, roomId, {{QStringLiteral("roomId"), roomId.value()}});
}

void ChatService::roomSetRole(Connection &c, const Request &r)
{
    const RoomId roomId(integerField(r, "roomId"));
    const std::optional<Access> room = access(c, roomId);
    if (!room) {
        c.fail(r, ErrorCode::NotFound, QStringLiteral("no such room"));
        return;
    }
    if (room->role != RoomRole::Owner && c.user().info.role != Role::Admin) {
        c.fail(r, ErrorCode::Forbidden, QStringLiteral("only the room's owner sets roles"));
        return;
    }
    if (room->room.kind == RoomKind::Direct) {
        c.fail(r, ErrorCode::BadRequest, QStringLiteral("a direct room has no roles"));
        return;
    }
    const UserId user(integerField(r, "userId"));
    const std::optional<RoomRole> current = m_core.db([&] { return m_storage.roomRole(roomId, user); });
    if (!current) {
        c.fail(r, ErrorCode::NotFound, QStringLiteral("user %1 is not a member of this room").arg(user.value()));
        return;
    }
    if (*current == RoomRole::Owner) {
        c.fail(r, ErrorCode::Forbidden, QStringLiteral("the owner's role cannot be changed"));
        return;
    }
    RoomRole role = RoomRole::Member;
    parseRoomRole(stringField(r, "role"), &role);
    const std::optional<UserRecord> target = m_core.db([&] { return m_storage.userById(user); });
    if (!target) {
        c.fail(r, ErrorCode::NotFound, QStringLiteral("user %1 is not a member of this room").arg(user.value()));
        return;
    }
    if (role == *current) {
        c.reply(r, {}); // no change, no event
        return;
    }
    // Logged, so every member's list changes live and a client that was away catches up on resume.
    const QJsonObject data{{QStringLiteral("user"), target->info.toJson()},
                           {QStringLiteral("role"), roomRoleName(role)},
                           {QStringLiteral("by"), c.userId().value()}};
    appendAndAnswer(c, r, roomId, EventMemberRole, data, [](const EventRecord &) { return QJsonObject(); });
}

void ChatService::roomPrefs(Connection &c, const Request &r)
{
    const RoomId roomId(integerField(r, "roomId"));
    const std::optional<Access> room = access(c, roomId);
    if (!room || !room->role) {
        c.fail(r, ErrorCode::NotFound, QStringLiteral("no such room"));
        return;
    }
    std::optional<bool> muted;
    std::optional<bool> pinned;
    if (hasField(r, "muted"))
        muted = r.data.value(QStringLiteral("muted")).toBool();
    if (hasField(r, "pinned"))
        pinned = r.data.value(QStringLiteral("pinned")).toBool();
    if (!m_core.db([&] { return m_storage.setRoomPrefs(roomId, c.userId(), muted, pinned); })) {
        c.fail(r, ErrorCode::Internal, QStringLiteral("the preferences could not be stored"));
        return;
    }
    const std::optional<RoomInfo> info = m_core.db([&] { return m_storage.roomForUser(roomId, c.userId()); });
    c.reply(r, {});
    if (info)
        sendToUser(c.userId(), EventRoomPrefs, roomId,
                   {{QStringLiteral("muted"), info->muted}, {QStringLiteral("pinned"), info->pinned}}, &c);
}

void ChatService::studyBrowse(Connection &c, const Request &r)
{
    const CourseId courseId(integerField(r, "courseId"));
    const bool member = m_core.db([&] { return m_storage.courseRole(courseId, c.userId()); }).has_value();
    if ((!member && c.user().info.role != Role::Admin) || !m_core.db([&] { return m_storage.courseById(courseId); })) {
        c.fail(r, ErrorCode::NotFound, QStringLiteral("no such course"));
        return;
    }
    QJsonArray list;
    for (const RoomInfo &room : m_core.db([&] { return m_storage.publicStudyRooms(courseId, c.userId()); }))
        list.append(room.toJson());
    c.reply(r, {{QStringLiteral("rooms"), list}});
}

void ChatService::studyJoin(Connection &c, const Request &r)
{
    const RoomId roomId(integerField(r, "roomId"));
    const std::optional<RoomInfo> room = m_core.db([&] { return m_storage.roomForUser(roomId, c.userId()); });
    const bool visible = room && room->kind == RoomKind::Study
        && (room->myRole || (room->visibility == QLatin1String("public")
                             && m_core.db([&] { return m_storage.courseRole(room->courseId, c.userId()); })));
    if (!visible) {
        c.fail(r, ErrorCode::NotFound, QStringLiteral("no such study group"));
        return;
    }
    if (room->myRole) {
        c.reply(r, {{QStringLiteral("room"), room->toJson()}});
        return;
    }
    if (room->archived) {
        c.fail(r, ErrorCode::Forbidden, QStringLiteral("the study group is archived"));
        return;
    }
    if (room->memberLimit > 0 && room->memberCount >= room->memberLimit) {
        c.fail(r, ErrorCode::Conflict, QStringLiteral("The study group is full"));
        return;
    }
    addMembers(c, r, roomId, {c.userId()}, QJsonObject());
}

namespace {

/// Midnight UTC starting a YYYY-MM-DD date, in ms since the epoch; nothing if not a date.
std::optional<qint64> dayStartMs(const QString &text)
{
    const QDate date = QDate::fromString(text, Qt::ISODate);
    if (!date.isValid() || text.size() != 10)
        return std::nullopt;
    return QDateTime(date, QTime(0, 0), Qt::UTC).toMSecsSinceEpoch();
}

/// A short plain-text excerpt of `text` around the first search word it contains.
QString snippetOf(const QString &text, const QStringList &words)
{
    constexpr qsizetype Before = 40;
    constexpr qsizetype Length = 160;
    qsizetype at = -1;
    for (const QString &word : words) {
        at = text.indexOf(word, 0, Qt::CaseInsensitive);
        if (at >= 0)
            break;
    }
    const qsizetype start = std::max<qsizetype>(0, at - Before);
    QString snippet = text.mid(start, Length).simplified();
    if (start > 0)
        snippet.prepend(QStringLiteral("…"));
    if (start + Length < text.size())
        snippet.append(QStringLiteral("…"));
    return snippet;
}

} // namespace

void ChatService::messageSearch(Connection &c, const Request &r)
{
    SearchQuery query;
    query.limit = hasField(r, "limit") ? static_cast<int>(integerField(r, "limit")) : 50;
    bool nothingMatches = false;
    if (hasField(r, "roomId"))
        query.room = RoomId(integerField(r, "roomId"));
    const QStringList terms = stringField(r, "query").split(QLatin1Char(' '), Qt::SkipEmptyParts);
    for (const QString &term : terms) {
        const qsizetype colon = term.indexOf(QLatin1Char(':'));
        const QString filter = colon > 0 ? term.left(colon).toLower() : QString();
        const QString value = term.mid(colon + 1);
        if (filter == QLatin1String("from")) {
            const std::optional<UserRecord> sender = m_core.db([&] { return m_storage.userByName(value.toLower()); });
            nothingMatches |= !sender;
            if (sender)
                query.sender = sender->info.id;
        } else if (filter == QLatin1String("in")) {
            bool numeric = false;
            const qint64 id = value.toLongLong(&numeric);
            RoomId room(numeric ? id : 0);
            if (!numeric) {
                // #name: a room of the user's with that name (a direct room by its peer's username).
                const QString name = value.startsWith(QLatin1Char('#')) ? value.mid(1) : value;
                for (const RoomInfo &candidate : m_core.db([&] { return m_storage.roomList(c.userId(), false); })) {
                    const QString candidateName = candidate.peer ? candidate.peer->username : candidate.name;
                    if (QString(candidateName).remove(QLatin1Char(' ')).compare(name, Qt::CaseInsensitive) == 0) {
                        room = candidate.id;
                        break;
                    }
                }
            }
            nothingMatches |= !room.isValid() || (query.room.isValid() && query.room != room);
            query.room = room;
        } else if (filter == QLatin1String("before") || filter == QLatin1String("after")) {
            const std::optional<qint64> day = dayStartMs(value);
            if (!day) {
                c.fail(r, ErrorCode::BadRequest, QStringLiteral("'%1' needs a date as YYYY-MM-DD").arg(term));
                return;
            }
            if (filter == QLatin1String("before"))
                query.before = std::min(query.before, *day);
            else
                query.after = std::max(query.after, *day + 24LL * 3600 * 1000); // after that day
        } else if (filter == QLatin1String("has")) {
            if (value.toLower() != QLatin1String("file")) {
                c.fail(r, ErrorCode::BadRequest, QStringLiteral("the only 'has:' filter is has:file"));
                return;
            }
            query.hasFile = true;
        } else {
            query.words.append(term);
        }
    }
    QJsonArray results;
    if (!nothingMatches) {
        const std::optional<QList<SearchHit>> hits = m_core.db([&] { return m_storage.searchMessages(c.userId(), query); });
        if (!hits) {
            c.fail(r, ErrorCode::Internal, QStringLiteral("the search failed"));
            return;
        }
        for (const SearchHit &hit : *hits)
            results.append(QJsonObject{{QStringLiteral("roomId"), hit.roomId.value()},
                                       {QStringLiteral("seq"), hit.seq},
                                       {QStringLiteral("ts"), hit.timestamp},
                                       {QStringLiteral("sender"), hit.sender.toJson()},
                                       {QStringLiteral("snippet"), snippetOf(hit.text, query.words)},
                                       {QStringLiteral("threadRoot"), hit.threadRoot}});
    }
    c.reply(r, {{QStringLiteral("results"), results}});
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
    // A file no room records any more frees the disk, and with it its uploader's quota.
    for (const AttachmentInfo &attachment : message->attachments) {
        if (m_core.db([&] { return m_storage.attachmentRoomCount(attachment.id); }) == 0)
            m_attachments.removeFile(attachment.id);
    }
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
    // However often clients send it, a user's typing reaches a room at most every 2 s: the
    // event says 6 s, so the indicator never flickers off in between.
    constexpr qint64 ThrottleMs = 2000;
    const qint64 now = m_core.nowMs();
    qint64 &last = m_lastTyping[{c.userId(), roomId}];
    if (last > 0 && now - last < ThrottleMs)
        return;
    last = now;
    if (m_lastTyping.size() > 10000)
        m_lastTyping.removeIf([now](const auto &entry) { return now - entry.value() > TypingExpiresMs; });
    sendEphemeral(m_core.m_hub.subscribers(roomId), EventTyping, roomId,
                  {{QStringLiteral("user"), c.user().info.toJson()}, {QStringLiteral("expiresInMs"), TypingExpiresMs}},
                  c.userId());
}

void ChatService::sendEphemeral(const QList<Connection *> &to, const QString &event, RoomId room,
                                const QJsonObject &data, UserId skip)
{
    if (to.isEmpty())
        return;
    const PreparedText frame(encode(Protocol::event(event, room, 0, QDateTime::currentMSecsSinceEpoch(), data)));
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

qint64 ChatService::lastSeenOf(UserId user)
{
    if (const auto known = m_lastSeen.constFind(user); known != m_lastSeen.cend())
        return *known;
    const qint64 stored = m_core.db([&] { return m_storage.lastSeen(user); });
    if (stored < 0)
        return 0; // not known now; asked again next time
    m_lastSeen.insert(user, stored);
    return stored;
}

QJsonObject ChatService::presenceJson(UserId user)
{
    static const QStringList names{QStringLiteral("offline"), QStringLiteral("away"), QStringLiteral("online"),
                                   QStringLiteral("dnd")};
    const Presence presence = presenceOf(user);
    return {{QStringLiteral("userId"), user.value()},
            {QStringLiteral("status"), names.at(static_cast<int>(presence))},
            {QStringLiteral("lastSeen"), presence == Presence::Offline ? lastSeenOf(user)
                                                                       : QDateTime::currentMSecsSinceEpoch()}};
}

void ChatService::announcePresence(UserId user, Presence before)
{
    if (presenceOf(user) == before)
        return;
    if (presenceOf(user) == Presence::Offline) {
        // Stored as well, so that "last seen" survives a restart of the server (also when the
        // server itself is stopping and closing every connection).
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        m_lastSeen.insert(user, now);
        if (!m_core.db([&] { return m_storage.setLastSeen(user, now); }))
            qCWarning(lcNet) << "the last seen time of user" << user.value() << "could not be stored";
    }
    // While stopping, every connection closes: nobody is left to tell.
    if (m_core.isStopping())
        return;
    QList<Connection *> to;
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
    // Presence and last seen are for the people one shares a room with (as the presence
    // events are): anyone else reads as offline, never seen, whether or not they exist.
    const bool everyone = c.user().info.role == Role::Admin;
    const QList<UserId> mates = everyone ? QList<UserId>() : m_core.db([&] { return m_storage.roomMates(c.userId()); });
    for (UserId user : users) {
        if (everyone || user == c.userId() || mates.contains(user))
            list.append(presenceJson(user));
        else
            list.append(QJsonObject{{QStringLiteral("userId"), user.value()},
                                    {QStringLiteral("status"), QStringLiteral("offline")},
                                    {QStringLiteral("lastSeen"), 0}});
    }
    c.reply(r, {{QStringLiteral("presence"), list}});
}

QJsonObject ChatService::attachmentLimits() const
{
    return {{QStringLiteral("maxBytes"), m_attachments.maxBytes()},
            {QStringLiteral("chunkBytes"), m_attachments.chunkBytes()},
            {QStringLiteral("quotaBytes"), m_core.config().attachmentQuotaBytes}};
}

void ChatService::attachmentUpload(Connection &c, const Request &r)
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
    AttachmentInfo info{stringField(r, "sha256").toLower(), attachmentName(stringField(r, "name")),
                        integerField(r, "size"), attachmentMime(stringField(r, "mime"))};
    if (!isSha256Hex(info.id)) {
        c.fail(r, ErrorCode::BadRequest, QStringLiteral("field 'sha256' must be 64 hex digits"));
        return;
    }
    if (info.name.isEmpty()) {
        c.fail(r, ErrorCode::BadRequest, QStringLiteral("field 'name' has no file name"));
        return;
    }
    if (info.size > m_attachments.maxBytes()) {
        c.fail(r, ErrorCode::TooLarge, QStringLiteral("attachments may be at most %1 bytes").arg(m_attachments.maxBytes()));
        return;
    }
    // The same bytes in the same room: the file is there and the member may use it already. It
    // counts as uploaded now, so the unsent-file sweep does not take it before it can be sent.
    if (const std::optional<AttachmentInfo> stored = m_core.db([&] { return m_storage.attachment(roomId, info.id); });
        stored && m_attachments.hasFile(info.id)) {
        if (!m_core.db([&] { return m_storage.addAttachment(roomId, *stored, c.userId(), QDateTime::currentMSecsSinceEpoch()); })) {
            c.fail(r, ErrorCode::Internal, QStringLiteral("the upload could not be started"));
            return;
        }
        c.reply(r, {{QStringLiteral("attachment"), stored->toJson()}});
        return;
    }
    const qint64 now = m_core.nowMs();
    m_attachments.expire(now);
    const QString clientId = stringField(r, "clientId");
    if (const AttachmentStore::Upload *open = m_attachments.uploadByClientId(c.userId(), clientId)) {
        if (open->room != roomId || open->info.id != info.id || open->info.size != info.size) {
            c.fail(r, ErrorCode::Conflict, QStringLiteral("clientId %1 names an upload of another file").arg(clientId));
            return;
        }
        c.reply(r, {{QStringLiteral("uploadId"), open->id},
                    {QStringLiteral("chunkBytes"), m_attachments.chunkBytes()},
                    {QStringLiteral("received"), open->received}});
        return;
    }
    if (m_attachments.openUploads(c.userId()) >= AttachmentStore::MaxOpenUploadsPerUser
        || m_attachments.bytesInFlight(c.userId()) + info.size > m_attachments.maxBytesInFlight()) {
        c.fail(r, ErrorCode::RateLimited,
               QStringLiteral("too many uploads at once; finish or cancel one first"), 5000);
        return;
    }
    // The quota counts stored files and open uploads: several uploads at once cannot pass it.
    // A file the user stored before takes no more room, so it is left out and counted once.
    const qint64 quota = m_core.config().attachmentQuotaBytes;
    const qint64 stored = m_core.db([&] { return m_storage.attachmentBytesOf(c.userId(), info.id); });
    if (stored < 0) {
        c.fail(r, ErrorCode::Internal, QStringLiteral("the upload could not be started"));
        return;
    }
    if (const qint64 taken = stored + m_attachments.bytesInFlight(c.userId()); taken + info.size > quota) {
        const QLocale english = QLocale::c();
        c.fail(r, ErrorCode::TooLarge,
               QStringLiteral("your files may take %1 (%2 bytes) on this server; %3 (%4 bytes) are taken, so this "
                              "file does not fit: delete messages with files you no longer need")
                   .arg(english.formattedDataSize(quota), QString::number(quota), english.formattedDataSize(taken),
                        QString::number(taken)));
        return;
    }
    const AttachmentStore::Upload *upload = m_attachments.begin(c.userId(), roomId, clientId, info, now);
    if (!upload) {
        c.fail(r, ErrorCode::Internal, QStringLiteral("the upload could not be started"));
        return;
    }
    c.reply(r, {{QStringLiteral("uploadId"), upload->id},
                {QStringLiteral("chunkBytes"), m_attachments.chunkBytes()},
                {QStringLiteral("received"), 0}});
}

void ChatService::attachmentChunk(Connection &c, const Request &r)
{
    m_attachments.expire(m_core.nowMs());
    AttachmentStore::Upload *upload = m_attachments.upload(c.userId(), stringField(r, "uploadId"));
    if (!upload) {
        c.fail(r, ErrorCode::NotFound, QStringLiteral("no such upload (it may have expired): start it again"));
        return;
    }
    const QByteArray::FromBase64Result decoded = QByteArray::fromBase64Encoding(
        stringField(r, "data").toLatin1(), QByteArray::Base64Encoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || decoded.decoded.isEmpty()) {
        c.fail(r, ErrorCode::BadRequest, QStringLiteral("field 'data' must be non-empty base64"));
        return;
    }
    const QByteArray &bytes = decoded.decoded;
    if (bytes.size() > m_attachments.chunkBytes()) {
        c.fail(r, ErrorCode::TooLarge, QStringLiteral("a chunk may be at most %1 bytes").arg(m_attachments.chunkBytes()));
        return;
    }
    const qint64 offset = integerField(r, "offset");
    if (offset != upload->received) {
        c.fail(r, ErrorCode::Conflict, QStringLiteral("expected offset %1").arg(upload->received));
        return;
    }
    if (offset + bytes.size() > upload->info.size) {
        c.fail(r, ErrorCode::BadRequest, QStringLiteral("the chunk goes beyond the announced size %1").arg(upload->info.size));
        return;
    }
    const QString uploadId = upload->id;
    // The last chunk is refused before it is written when the user left the room or it was
    // archived meanwhile: the file must not land on disk without a room recording it.
    if (offset + bytes.size() == upload->info.size) {
        const std::optional<Access> room = access(c, upload->room);
        if (!room || room->room.archived) {
            m_attachments.finish(uploadId);
            c.fail(r, room ? ErrorCode::Forbidden : ErrorCode::NotFound,
                   room ? QStringLiteral("the room is archived") : QStringLiteral("no such room"));
            return;
        }
    }
    switch (m_attachments.append(*upload, bytes, m_core.nowMs())) {
    case AttachmentStore::ChunkOutcome::Stored:
        c.reply(r, {{QStringLiteral("received"), upload->received}});
        return;
    case AttachmentStore::ChunkOutcome::Mismatch:
        c.fail(r, ErrorCode::BadRequest, QStringLiteral("the bytes do not match the announced sha256; upload again"));
        return;
    case AttachmentStore::ChunkOutcome::Failed:
        c.fail(r, ErrorCode::Internal, QStringLiteral("the file could not be stored"));
        return;
    case AttachmentStore::ChunkOutcome::Complete:
        break;
    }
    const AttachmentInfo info = upload->info;
    const RoomId roomId = upload->room;
    const qint64 received = upload->received;
    m_attachments.finish(uploadId);
    if (!m_core.db([&] { return m_storage.addAttachment(roomId, info, c.userId(), QDateTime::currentMSecsSinceEpoch()); })) {
        // The file may have been there for another room already; only an unrecorded one goes.
        if (m_core.db([&] { return m_storage.attachmentRoomCount(info.id); }) == 0)
            m_attachments.removeFile(info.id);
        c.fail(r, ErrorCode::Internal, QStringLiteral("the file could not be recorded"));
        return;
    }
    // The first upload to the room names the file; the answer shows the stored record.
    const AttachmentInfo stored = m_core.db([&] { return m_storage.attachment(roomId, info.id); }).value_or(info);
    c.reply(r, {{QStringLiteral("received"), received}, {QStringLiteral("attachment"), stored.toJson()}});
}

void ChatService::dropUnsentAttachments(qint64 uploadedBefore)
{
    const std::optional<QStringList> dropped =
        m_core.db([&] { return m_storage.dropUnsentAttachments(uploadedBefore); });
    if (!dropped) {
        qCWarning(lcNet) << "files uploaded but never sent could not be dropped";
        return;
    }
    // A file another room still records stays on disk for it.
    for (const QString &id : *dropped) {
        if (m_core.db([&] { return m_storage.attachmentRoomCount(id); }) == 0)
            m_attachments.removeFile(id);
    }
}

void ChatService::attachmentCancel(Connection &c, const Request &r)
{
    const bool byId = hasField(r, "uploadId");
    if (byId == hasField(r, "clientId")) {
        c.fail(r, ErrorCode::BadRequest, QStringLiteral("give either 'uploadId' or 'clientId'"));
        return;
    }
    // Only the uploader's own open uploads are found: a finished one is no upload any more,
    // and another user's id is as unknown as a made-up one.
    const AttachmentStore::Upload *upload = byId ? m_attachments.upload(c.userId(), stringField(r, "uploadId"))
                                                 : m_attachments.uploadByClientId(c.userId(), stringField(r, "clientId"));
    if (!upload) {
        c.fail(r, ErrorCode::NotFound, QStringLiteral("no such upload (it may have finished or expired)"));
        return;
    }
    const QString uploadId = upload->id; // finish() erases the upload the reference points into
    m_attachments.finish(uploadId);
    c.reply(r, {});
}

void ChatService::attachmentDownload(Connection &c, const Request &r)
{
    const RoomId roomId(integerField(r, "roomId"));
    const QString id = stringField(r, "id");
    // Not a member, no such file in that room, or no such room: the same answer.
    const std::optional<AttachmentInfo> info =
        isSha256Hex(id) && access(c, roomId) ? m_core.db([&] { return m_storage.attachment(roomId, id); }) : std::nullopt;
    if (!info) {
        c.fail(r, ErrorCode::NotFound, QStringLiteral("no such attachment"));
        return;
    }
    const qint64 offset = integerField(r, "offset");
    if (offset > info->size) {
        c.fail(r, ErrorCode::BadRequest, QStringLiteral("offset beyond the file's %1 bytes").arg(info->size));
        return;
    }
    const qint64 length = std::min<qint64>(hasField(r, "length") ? integerField(r, "length") : m_attachments.chunkBytes(),
                                           m_attachments.chunkBytes());
    const std::optional<QByteArray> bytes = m_attachments.read(id, offset, length);
    if (!bytes) {
        c.fail(r, ErrorCode::Internal, QStringLiteral("the file could not be read"));
        return;
    }
    c.reply(r, {{QStringLiteral("data"), QString::fromLatin1(bytes->toBase64())},
                {QStringLiteral("size"), info->size},
                {QStringLiteral("eof"), offset + bytes->size() >= info->size}});
}

} // namespace Cohort::Server
