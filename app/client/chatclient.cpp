// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "chatclient.h"

#include "clientlogging.h"
#include "connection.h"
#include "frame.h"
#include "localcache.h"
#include "messagemodel.h"
#include "outbox.h"
#include "roomlistmodel.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMimeDatabase>
#include <QRegularExpression>
#include <QSaveFile>
#include <QSet>
#include <QUuid>

#include <algorithm>
#include <atomic>
#include <utility>

namespace Cohort::Client {

namespace {
constexpr qint64 TypingThrottleMs = 3000;
constexpr int DefaultIdleMs = 5 * 60 * 1000;
constexpr qint64 DefaultCacheBytes = 256LL * 1024 * 1024;
/// The largest `[chat] max_attachment_bytes` a server can be configured with.
constexpr qint64 MaxServerAttachmentBytes = 1024LL * 1024 * 1024;
/// How much of a file the hashing worker reads at once, and how often it reports progress.
constexpr qint64 HashBlockBytes = 1024 * 1024;
constexpr qint64 HashReportBytes = 8 * HashBlockBytes;

QString newClientId()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

Reply localFailure(const QString &message)
{
    Reply reply;
    reply.local = true;
    reply.error = Protocol::ErrorCode::Unavailable;
    reply.message = message;
    return reply;
}

QList<UserId> userIds(const QJsonValue &value)
{
    QList<UserId> ids;
    for (const QJsonValue &id : value.toArray())
        ids.append(UserId(id.toInteger()));
    return ids;
}

QList<ChatMessage> messagesOf(const QJsonObject &data)
{
    QList<ChatMessage> messages;
    for (const QJsonValue &value : data.value(QLatin1String("messages")).toArray()) {
        if (const std::optional<ChatMessage> m = ChatMessage::fromJson(value.toObject()))
            messages.append(*m);
    }
    return messages;
}

std::optional<ChatRoom> roomOf(const QJsonObject &data)
{
    return ChatRoom::fromJson(data.value(QLatin1String("room")).toObject());
}
} // namespace

ChatClient::ChatClient(Connection *connection, QObject *parent)
    : QObject(parent)
    , m_connection(connection)
    , m_rooms(new RoomListModel(this))
    , m_cacheMaxBytes(DefaultCacheBytes)
{
    m_clock.start();
    m_requester = [this](const QString &opName, const QJsonObject &data, QObject *context, ReplyCallback done) {
        Protocol::Op op;
        if (!Protocol::parseOp(opName, &op)) {
            // A server and build without this op: say so through the normal failure path.
            QTimer::singleShot(0, context ? context : this, [done, opName] {
                done(localFailure(QStringLiteral("this build does not know the op %1").arg(opName)));
            });
            return;
        }
        m_connection->request(op, data, context, std::move(done));
    };
    m_idleTimer.setSingleShot(true);
    m_idleTimer.setInterval(DefaultIdleMs);
    connect(&m_idleTimer, &QTimer::timeout, this, [this] {
        if (m_myPresence == Presence::Online) {
            m_autoAway = true;
            sendPresence(Presence::Away);
        }
    });
    m_typingTimer.setSingleShot(true);
    connect(&m_typingTimer, &QTimer::timeout, this, &ChatClient::expireTyping);

    connect(connection, &Connection::eventReceived, this, &ChatClient::onEvent);
    connect(connection, &Connection::signedIn, this, &ChatClient::onSignedIn);
    connect(connection, &Connection::roomReset, this, &ChatClient::reloadRoom);
    connect(connection, &Connection::signedOut, this, &ChatClient::onSignedOut);
    Outbox *outbox = connection->outbox();
    connect(outbox, &Outbox::itemQueued, this, &ChatClient::onItemQueued);
    connect(outbox, &Outbox::itemSent, this,
            [this](const QString &clientId, RoomId room, qint64 seq, qint64) { onSent(clientId, room, seq); });
    connect(outbox, &Outbox::itemFailed, this, [this](const OutboxItem &item) {
        for (MessageModel *model : models(item.roomId))
            model->setPendingFailed(item.clientId, true);
    });
    connect(outbox, &Outbox::itemsReset, this, &ChatClient::syncPending);
    connect(outbox, &Outbox::itemDiscarded, this, [this](const QString &clientId) {
        for (const RoomData &data : std::as_const(m_data)) {
            if (data.main)
                data.main->removePending(clientId);
            for (MessageModel *thread : data.threads)
                thread->removePending(clientId);
        }
    });
    m_idleTimer.start();
    // Created after the sign-in (the cache is open already): what a previous run left waits
    // for its files from now on.
    restoreHeld();
    if (connection->state() == Connection::State::Connected)
        QMetaObject::invokeMethod(this, &ChatClient::resumeTransfers, Qt::QueuedConnection);
}

struct ChatClient::HashJob
{
    std::atomic<qint64> done{0};
    std::atomic<bool> cancelled{false};
};

ChatClient::~ChatClient()
{
    for (const Upload &upload : std::as_const(m_uploads)) {
        if (upload.hashing)
            upload.hashing->cancelled = true;
    }
    m_hashPool.waitForDone();
}

UserId ChatClient::me() const
{
    return m_connection->currentUser().id;
}

void ChatClient::setIdleTimeout(int ms)
{
    m_idleTimer.setInterval(ms);
    m_idleTimer.start();
}

void ChatClient::request(const QString &op, const QJsonObject &data, QObject *context, ReplyCallback done)
{
    m_requester(op, data, context, std::move(done));
}

void ChatClient::onSignedIn()
{
    restoreHeld();
    // After every (re)connect: counts may have changed while we were away, and our status is
    // per connection on the server.
    refreshRooms();
    for (const QPointer<MessageModel> &model : std::exchange(m_historyMissing, {})) {
        if (model)
            requestHistory(model, {}, true);
    }
    if (m_myPresence != Presence::Online)
        sendPresence(m_myPresence);
    resumeTransfers();
}

void ChatClient::onSignedOut()
{
    // After a session the server ended, the account's cache stays with the messages waiting in
    // it, and so do the pasted files they need (signing out deletes the whole account folder).
    QSet<QString> pasted;
    const QString files = cacheDir() + QLatin1Char('/');
    for (const HeldMessage &held : std::as_const(m_held)) {
        for (const QString &key : held.uploads) {
            const auto upload = m_uploads.constFind(key);
            if (upload != m_uploads.cend() && !upload->path.isEmpty() && upload->path.startsWith(files))
                pasted.insert(upload->sha256);
        }
    }
    clearCachedFiles(pasted);
    // The app stays open for whoever signs in next (a school computer): what this account was
    // sending must not resume as theirs, nor its drafts show. Signing out deletes its cache
    // next (Connection::deleteCache()) with its waiting messages; after a session the server
    // ended they come back with its next sign-in. The files picked but not sent are forgotten
    // with their chips.
    for (const HeldMessage &held : std::as_const(m_held)) {
        for (MessageModel *model : models(held.room))
            model->removePending(held.clientId);
    }
    m_held.clear();
    m_heldCache.clear();
    m_drafts.clear();
    const QStringList keys = m_uploads.keys();
    for (const QString &key : keys) {
        dropUpload(key);
        Q_EMIT uploadChanged(key);
    }
    // Nor may the next account see this one's rooms and messages, or get its status: its own
    // list comes with its sign-in, and the rooms it opens load again with it as their "me".
    m_rooms->clear();
    m_roomsLoaded = false;
    for (const RoomData &data : std::as_const(m_data)) {
        if (data.main)
            data.main->deleteLater();
        for (MessageModel *thread : data.threads)
            thread->deleteLater();
    }
    m_data.clear();
    m_historyMissing.clear();
    m_attachments.clear();
    m_presence.clear();
    m_myPresence = Presence::Online;
    m_autoAway = false;
    m_visibleThreadRoom = RoomId();
    m_visibleThreadRoot = 0;
}

void ChatClient::resumeTransfers()
{
    // Transfers cut off by the drop (or a restart) carry on where the server stands.
    for (auto it = m_uploads.cbegin(); it != m_uploads.cend(); ++it) {
        if (it->waiting)
            QMetaObject::invokeMethod(this, [this, key = it.key()] { beginUpload(key); }, Qt::QueuedConnection);
    }
    for (auto it = m_downloads.cbegin(); it != m_downloads.cend(); ++it) {
        if (it->waiting)
            QMetaObject::invokeMethod(this, [this, id = it.key()] { pumpDownload(id); }, Qt::QueuedConnection);
    }
    sendHeld(QString());
}

// Rooms

void ChatClient::refreshRooms()
{
    request(QStringLiteral("room.list"), {}, this, [this](const Reply &reply) {
        if (!reply.ok) {
            Q_EMIT roomsFailed(reply);
            return;
        }
        QList<ChatRoom> rooms;
        QList<UserId> peers;
        for (const QJsonValue &value : reply.data.value(QLatin1String("rooms")).toArray()) {
            if (std::optional<ChatRoom> room = ChatRoom::fromJson(value.toObject())) {
                if (room->peer) {
                    room->peerPresence = presence(room->peer->id);
                    peers.append(room->peer->id);
                }
                rooms.append(*room);
            }
        }
        m_rooms->setRooms(rooms);
        for (const ChatRoom &room : std::as_const(rooms))
            m_connection->joinRoom(room.id);
        m_roomsLoaded = true;
        if (!peers.isEmpty())
            fetchPresence(peers);
        Q_EMIT roomsLoaded();
    });
}

MessageModel *ChatClient::makeModel(RoomId room, qint64 threadRoot)
{
    auto *model = new MessageModel(room, me(), threadRoot, this);
    for (const OutboxItem &item : m_connection->outbox()->items(room))
        model->addPending(item);
    for (const HeldMessage &held : std::as_const(m_held)) {
        if (held.room == room)
            model->addPending(heldItem(held));
    }
    return model;
}

MessageModel *ChatClient::openRoom(RoomId room)
{
    RoomData &data = m_data[room];
    if (!data.main) {
        data.main = makeModel(room, 0);
        if (const ChatRoom *r = m_rooms->room(room); r && r->unread > 0)
            data.main->setUnreadLineAfter(r->lastRead);
        m_connection->joinRoom(room);
        requestHistory(data.main, {}, true);
        fetchReceipts(room);
    }
    return data.main;
}

MessageModel *ChatClient::openThread(RoomId room, qint64 root)
{
    RoomData &data = m_data[room];
    MessageModel *&model = data.threads[root];
    if (!model) {
        model = makeModel(room, root);
        requestHistory(model, {}, true);
    }
    return model;
}

void ChatClient::setVisibleThread(RoomId room, qint64 root)
{
    m_visibleThreadRoom = room;
    m_visibleThreadRoot = root;
    if (MessageModel *main = m_data.value(room).main; main && root > 0)
        main->markThreadSeen(root);
}

QList<MessageModel *> ChatClient::models(RoomId room) const
{
    QList<MessageModel *> list;
    const auto it = m_data.constFind(room);
    if (it == m_data.cend())
        return list;
    if (it->main)
        list.append(it->main);
    list.append(it->threads.values());
    return list;
}

void ChatClient::requestHistory(MessageModel *model, const QJsonObject &extra, bool replace)
{
    QJsonObject data = extra;
    data.insert(QStringLiteral("roomId"), model->roomId().value());
    data.insert(QStringLiteral("limit"), m_pageSize);
    if (model->threadRoot() > 0)
        data.insert(QStringLiteral("threadRoot"), model->threadRoot());
    model->setLoadingHistory(true);
    QPointer<MessageModel> guard(model);
    request(QStringLiteral("message.history"), data, model, [this, guard, replace](const Reply &reply) {
        if (!guard)
            return;
        if (!reply.ok) {
            guard->setLoadingHistory(false);
            if (replace && !m_historyMissing.contains(guard))
                m_historyMissing.append(guard);
            if (!reply.local)
                Q_EMIT requestFailed(reply);
            return;
        }
        const bool more = reply.data.value(QLatin1String("hasMoreBefore")).toBool();
        noteAttachments(guard->roomId(), reply.data.value(QLatin1String("messages")).toArray());
        QList<ChatMessage> messages = messagesOf(reply.data);
        if (replace)
            guard->resetMessages(messages, more);
        else
            guard->prependPage(messages, more);
    });
}

void ChatClient::loadOlder(MessageModel *model)
{
    if (model->isLoadingHistory() || !model->hasMoreBefore() || model->oldestSeq() <= 0)
        return;
    requestHistory(model, {{QStringLiteral("before"), model->oldestSeq()}}, false);
}

void ChatClient::jumpTo(MessageModel *model, qint64 seq)
{
    if (model->rowOfSeq(seq) >= 0)
        return;
    requestHistory(model, {{QStringLiteral("around"), seq}}, true);
}

void ChatClient::reloadRoom(RoomId room)
{
    for (MessageModel *model : models(room))
        requestHistory(model, {}, true);
}

void ChatClient::setRoomPrefs(RoomId room, std::optional<bool> muted, std::optional<bool> pinned)
{
    QJsonObject data{{QStringLiteral("roomId"), room.value()}};
    if (muted)
        data.insert(QStringLiteral("muted"), *muted);
    if (pinned)
        data.insert(QStringLiteral("pinned"), *pinned);
    m_rooms->update(room, [&](ChatRoom &r) {
        r.muted = muted.value_or(r.muted);
        r.pinned = pinned.value_or(r.pinned);
    });
    request(QStringLiteral("room.prefs"), data, this, [this](const Reply &reply) { reportFailure(reply, {}); });
}

void ChatClient::upsertRoom(const ChatRoom &room)
{
    const bool isNew = m_rooms->rowOf(room.id) < 0;
    m_rooms->upsert(room);
    m_connection->joinRoom(room.id);
    if (isNew)
        Q_EMIT roomAdded(room.id);
}

void ChatClient::createRoom(const QJsonObject &data, QObject *context,
                            std::function<void(const Reply &, const std::optional<ChatRoom> &)> done)
{
    QJsonObject withId = data;
    withId.insert(QStringLiteral("clientId"), newClientId());
    request(QStringLiteral("room.create"), withId, context, [this, done](const Reply &reply) {
        const std::optional<ChatRoom> room = reply.ok ? roomOf(reply.data) : std::nullopt;
        if (room)
            upsertRoom(*room);
        done(reply, room);
    });
}

void ChatClient::openDirect(UserId user, QObject *context,
                            std::function<void(const Reply &, const std::optional<ChatRoom> &)> done)
{
    request(QStringLiteral("room.direct"), {{QStringLiteral("userId"), user.value()}}, context,
            [this, done](const Reply &reply) {
                const std::optional<ChatRoom> room = reply.ok ? roomOf(reply.data) : std::nullopt;
                if (room)
                    upsertRoom(*room);
                done(reply, room);
            });
}

void ChatClient::browseStudyGroups(CourseId course, QObject *context,
                                   std::function<void(const Reply &, const QList<ChatRoom> &)> done)
{
    request(QStringLiteral("study.browse"), {{QStringLiteral("courseId"), course.value()}}, context,
            [done](const Reply &reply) {
                QList<ChatRoom> rooms;
                for (const QJsonValue &value : reply.data.value(QLatin1String("rooms")).toArray()) {
                    if (const std::optional<ChatRoom> room = ChatRoom::fromJson(value.toObject()))
                        rooms.append(*room);
                }
                done(reply, rooms);
            });
}

void ChatClient::joinStudyGroup(RoomId room, QObject *context,
                                std::function<void(const Reply &, const std::optional<ChatRoom> &)> done)
{
    request(QStringLiteral("study.join"), {{QStringLiteral("clientId"), newClientId()}, {QStringLiteral("roomId"), room.value()}},
            context, [this, done](const Reply &reply) {
                const std::optional<ChatRoom> joined = reply.ok ? roomOf(reply.data) : std::nullopt;
                if (joined)
                    upsertRoom(*joined);
                done(reply, joined);
            });
}

void ChatClient::members(RoomId room, QObject *context, std::function<void(const Reply &, const QList<ChatMember> &)> done)
{
    request(QStringLiteral("room.members"), {{QStringLiteral("roomId"), room.value()}}, context,
            [this, done](const Reply &reply) {
                QList<ChatMember> list;
                for (const QJsonValue &value : reply.data.value(QLatin1String("members")).toArray()) {
                    const QJsonObject json = value.toObject();
                    ChatMember member;
                    member.user = UserInfo::fromJson(json.value(QLatin1String("user")).toObject()).value_or(UserInfo());
                    member.role = json.value(QLatin1String("role")).toString();
                    const QJsonObject presence = json.value(QLatin1String("presence")).toObject();
                    member.presence = parsePresence(presence.value(QLatin1String("status")).toString());
                    member.lastSeen = presence.value(QLatin1String("lastSeen")).toInteger();
                    m_presence.insert(member.user.id, member.presence);
                    list.append(member);
                }
                done(reply, list);
            });
}

void ChatClient::leaveRoom(RoomId room, QObject *context, ReplyCallback done)
{
    request(QStringLiteral("room.removeMember"),
            {{QStringLiteral("clientId"), newClientId()}, {QStringLiteral("roomId"), room.value()},
             {QStringLiteral("userId"), me().value()}},
            context, [this, room, done](const Reply &reply) {
                if (reply.ok) {
                    m_connection->leaveRoom(room);
                    m_rooms->remove(room);
                    Q_EMIT roomRemoved(room);
                }
                done(reply);
            });
}

void ChatClient::updateRoom(RoomId room, std::optional<QString> name, std::optional<QString> topic,
                            std::optional<bool> archived, QObject *context, ReplyCallback done)
{
    QJsonObject data{{QStringLiteral("clientId"), newClientId()}, {QStringLiteral("roomId"), room.value()}};
    if (name)
        data.insert(QStringLiteral("name"), *name);
    if (topic)
        data.insert(QStringLiteral("topic"), *topic);
    if (archived)
        data.insert(QStringLiteral("archived"), *archived);
    request(QStringLiteral("room.update"), data, context ? context : this, [this, done](const Reply &reply) {
        if (const std::optional<ChatRoom> updated = reply.ok ? roomOf(reply.data) : std::nullopt)
            m_rooms->update(updated->id, [&updated](ChatRoom &r) { r.updateShared(*updated); });
        reportFailure(reply, done);
    });
}

void ChatClient::addMembers(RoomId room, const QList<UserId> &users, QObject *context, ReplyCallback done)
{
    QJsonArray ids;
    for (const UserId user : users)
        ids.append(user.value());
    request(QStringLiteral("room.addMembers"),
            {{QStringLiteral("clientId"), newClientId()}, {QStringLiteral("roomId"), room.value()}, {QStringLiteral("userIds"), ids}},
            context ? context : this, [this, done](const Reply &reply) { reportFailure(reply, done); });
}

void ChatClient::removeMember(RoomId room, UserId user, QObject *context, ReplyCallback done)
{
    request(QStringLiteral("room.removeMember"),
            {{QStringLiteral("clientId"), newClientId()}, {QStringLiteral("roomId"), room.value()}, {QStringLiteral("userId"), user.value()}},
            context ? context : this, [this, done](const Reply &reply) { reportFailure(reply, done); });
}

void ChatClient::setRole(RoomId room, UserId user, const QString &role, QObject *context, ReplyCallback done)
{
    request(QStringLiteral("room.setRole"),
            {{QStringLiteral("clientId"), newClientId()}, {QStringLiteral("roomId"), room.value()},
             {QStringLiteral("userId"), user.value()}, {QStringLiteral("role"), role}},
            context ? context : this, [this, done](const Reply &reply) { reportFailure(reply, done); });
}

// Messages

QString ChatClient::send(RoomId room, const QString &text, qint64 threadRoot, const QStringList &uploads)
{
    userActive();
    if (uploads.isEmpty())
        return m_connection->outbox()->sendMessage(room, text, threadRoot);
    // Held here, not in the Outbox: it stores text only, and the files must reach the server
    // first. Shown pending at once, like an Outbox item.
    HeldMessage held{newClientId(), room, text, threadRoot, uploads, QDateTime::currentMSecsSinceEpoch()};
    m_held.append(held);
    storeHeld(held);
    onItemQueued(heldItem(held));
    sendHeld(held.clientId);
    return held.clientId;
}

void ChatClient::retry(const QString &clientId)
{
    for (HeldMessage &held : m_held) {
        if (held.clientId != clientId)
            continue;
        setHeldFailed(held, false);
        for (const QString &key : std::as_const(held.uploads))
            retryUpload(key);
        sendHeld(clientId);
        return;
    }
    for (const OutboxItem &item : m_connection->outbox()->items()) {
        if (item.clientId == clientId) {
            for (MessageModel *model : models(item.roomId))
                model->setPendingFailed(clientId, false);
        }
    }
    m_connection->outbox()->retry(clientId);
}

void ChatClient::discard(const QString &clientId)
{
    const auto held = std::find_if(m_held.cbegin(), m_held.cend(), [&clientId](const HeldMessage &h) { return h.clientId == clientId; });
    if (held == m_held.cend()) {
        m_connection->outbox()->discard(clientId);
        return;
    }
    for (MessageModel *model : models(held->room))
        model->removePending(clientId);
    removeHeld(m_held.begin() + (held - m_held.cbegin()));
}

void ChatClient::removeHeld(QList<HeldMessage>::iterator held)
{
    for (const QString &key : std::as_const(held->uploads))
        dropUpload(key);
    if (LocalCache *cache = m_connection->cache(); cache && cache->path() == m_heldCache)
        cache->removeHeldMessage(held->clientId);
    m_held.erase(held);
}

void ChatClient::storeHeld(const HeldMessage &held)
{
    LocalCache *cache = m_connection->cache();
    if (!cache)
        return; // nobody signed in yet: kept for this run only
    restoreHeld();
    CachedHeldMessage record{held.clientId, held.room, held.text, held.threadRoot, held.createdAt, {}};
    for (const QString &key : held.uploads) {
        const auto it = m_uploads.constFind(key);
        if (it == m_uploads.cend())
            continue;
        record.uploads.append(CachedUpload{key, it->path, it->bytes, it->state.name, it->state.mime, it->state.size, it->sha256});
    }
    cache->addHeldMessage(record);
}

void ChatClient::restoreHeld()
{
    LocalCache *cache = m_connection->cache();
    if (!cache || cache->path() == m_heldCache)
        return;
    if (!m_heldCache.isEmpty()) {
        // Another account: its waiting messages stay in its own cache for its next sign-in.
        for (const HeldMessage &held : std::as_const(m_held)) {
            for (MessageModel *model : models(held.room))
                model->removePending(held.clientId);
            for (const QString &key : held.uploads)
                dropUpload(key);
        }
        m_held.clear();
    }
    m_heldCache = cache->path();
    for (const CachedHeldMessage &record : cache->heldMessages()) {
        HeldMessage held{record.clientId, record.roomId, record.text, record.threadRoot, {}, record.createdAt};
        for (const CachedUpload &file : record.uploads) {
            Upload upload;
            upload.path = file.path;
            upload.bytes = file.bytes;
            upload.sha256 = file.sha256;
            upload.state.key = file.key;
            upload.state.room = record.roomId;
            upload.state.name = file.name;
            upload.state.mime = file.mime;
            upload.state.size = file.size;
            // The same clientId: the server carries on with what it received before the restart.
            upload.state.state = AttachmentUpload::State::Uploading;
            upload.waiting = true;
            m_uploads.insert(file.key, std::move(upload));
            held.uploads.append(file.key);
            if (file.sha256.isEmpty())
                hashFile(file.key);
        }
        m_held.append(held);
        onItemQueued(heldItem(held));
    }
}

void ChatClient::reportFailure(const Reply &reply, ReplyCallback done)
{
    if (!reply.ok)
        Q_EMIT requestFailed(reply);
    if (done)
        done(reply);
}

void ChatClient::edit(RoomId room, qint64 seq, const QString &text, QObject *context, ReplyCallback done)
{
    request(QStringLiteral("message.edit"),
            {{QStringLiteral("clientId"), newClientId()}, {QStringLiteral("roomId"), room.value()},
             {QStringLiteral("seq"), seq}, {QStringLiteral("text"), text}},
            context ? context : this, [this, done](const Reply &reply) { reportFailure(reply, done); });
}

void ChatClient::remove(RoomId room, qint64 seq, QObject *context, ReplyCallback done)
{
    request(QStringLiteral("message.delete"),
            {{QStringLiteral("clientId"), newClientId()}, {QStringLiteral("roomId"), room.value()}, {QStringLiteral("seq"), seq}},
            context ? context : this, [this, done](const Reply &reply) { reportFailure(reply, done); });
}

void ChatClient::react(RoomId room, qint64 seq, const QString &emoji, bool on, QObject *context, ReplyCallback done)
{
    request(QStringLiteral("message.react"),
            {{QStringLiteral("clientId"), newClientId()}, {QStringLiteral("roomId"), room.value()},
             {QStringLiteral("seq"), seq}, {QStringLiteral("emoji"), emoji}, {QStringLiteral("on"), on}},
            context ? context : this, [this, done](const Reply &reply) { reportFailure(reply, done); });
}

void ChatClient::search(const QString &query, QObject *context, std::function<void(const Reply &, const QList<SearchResult> &)> done)
{
    request(QStringLiteral("message.search"), {{QStringLiteral("query"), query}}, context, [done](const Reply &reply) {
        QList<SearchResult> results;
        for (const QJsonValue &value : reply.data.value(QLatin1String("results")).toArray()) {
            const QJsonObject json = value.toObject();
            SearchResult r;
            r.roomId = RoomId(json.value(QLatin1String("roomId")).toInteger());
            r.seq = json.value(QLatin1String("seq")).toInteger();
            r.timestamp = json.value(QLatin1String("ts")).toInteger();
            r.sender = UserInfo::fromJson(json.value(QLatin1String("sender")).toObject()).value_or(UserInfo());
            r.snippet = json.value(QLatin1String("snippet")).toString();
            r.threadRoot = json.value(QLatin1String("threadRoot")).toInteger();
            results.append(r);
        }
        done(reply, results);
    });
}

void ChatClient::onSent(const QString &clientId, RoomId room, qint64 seq)
{
    // Normally the message.created event follows the result and replaces the pending row. A
    // retry after a restart is answered with the first send's seq, whose event this account saw
    // before and will not be sent again: the stored message takes the row's place now, from the
    // account's cache while it keeps the event (else the row goes and the history brings it).
    if (seq <= 0 || seq > m_connection->lastSeenSeq(room))
        return;
    std::optional<ChatMessage> stored;
    if (const LocalCache *cache = m_connection->cache()) {
        const QList<CachedEvent> events = cache->events(room, seq - 1, 1);
        if (!events.isEmpty() && events.first().seq == seq && events.first().event == Protocol::EventMessageCreated) {
            QJsonObject data = QJsonDocument::fromJson(events.first().payload).object();
            stored = ChatMessage::fromEvent(events.first().event, seq, events.first().timestamp, data);
            data.insert(QStringLiteral("seq"), seq);
            noteAttachments(room, {data});
        }
    }
    for (MessageModel *model : models(room)) {
        // Older than the page the model holds, the message comes with the history when the user
        // scrolls back: inserted now, it would become the page's start and the history would
        // skip what lies between.
        if (stored && (!model->hasMoreBefore() || stored->seq >= model->oldestSeq()))
            model->addMessage(*stored);
        model->removePending(clientId);
    }
}

void ChatClient::syncPending()
{
    // The Outbox took up another cache (another account's, or none after a sign-out): the rows
    // of messages it no longer holds go, and its items for the rooms shown come.
    QSet<QString> waiting;
    const QList<OutboxItem> items = m_connection->outbox()->items();
    for (const OutboxItem &item : items)
        waiting.insert(item.clientId);
    for (const HeldMessage &held : std::as_const(m_held))
        waiting.insert(held.clientId);
    for (auto it = m_data.cbegin(); it != m_data.cend(); ++it) {
        for (MessageModel *model : models(it.key())) {
            QStringList gone;
            for (int row = 0; row < model->rowCount(); ++row) {
                const ChatMessage &message = model->message(row);
                if (message.state != ChatMessage::State::Stored && !waiting.contains(message.clientId))
                    gone.append(message.clientId);
            }
            for (const QString &clientId : std::as_const(gone))
                model->removePending(clientId);
        }
    }
    for (const OutboxItem &item : items)
        onItemQueued(item);
}

int ChatClient::unsentCount() const
{
    return int(m_connection->outbox()->items().size() + m_held.size());
}

void ChatClient::onItemQueued(const OutboxItem &item)
{
    const auto it = m_data.constFind(item.roomId);
    if (it == m_data.cend())
        return;
    if (item.threadRoot == 0) {
        if (it->main)
            it->main->addPending(item);
    } else if (MessageModel *thread = it->threads.value(item.threadRoot)) {
        thread->addPending(item);
    }
}

// Read state

void ChatClient::markRead(RoomId room)
{
    const auto it = m_data.constFind(room);
    if (it == m_data.cend() || !it->main)
        return;
    const ChatRoom *r = m_rooms->room(room);
    const qint64 newest = std::max(it->main->newestSeq(), m_connection->lastSeenSeq(room));
    if (!r || newest <= r->lastRead)
        return;
    m_rooms->update(room, [newest](ChatRoom &changed) {
        changed.lastRead = newest;
        changed.unread = 0;
        changed.mentions = 0;
    });
    request(QStringLiteral("room.read"), {{QStringLiteral("roomId"), room.value()}, {QStringLiteral("seq"), newest}}, this,
            [](const Reply &) {});
}

QList<UserId> ChatClient::seenBy(RoomId room, qint64 seq) const
{
    QList<UserId> users;
    const auto it = m_data.constFind(room);
    if (it == m_data.cend())
        return users;
    for (auto read = it->reads.cbegin(); read != it->reads.cend(); ++read) {
        if (read.value() >= seq && read.key() != me())
            users.append(read.key());
    }
    return users;
}

void ChatClient::fetchReceipts(RoomId room)
{
    request(QStringLiteral("room.receipts"), {{QStringLiteral("roomId"), room.value()}}, this, [this, room](const Reply &reply) {
        if (!reply.ok)
            return;
        RoomData &data = m_data[room];
        for (const QJsonValue &value : reply.data.value(QLatin1String("reads")).toArray()) {
            const QJsonObject read = value.toObject();
            const UserId user(read.value(QLatin1String("userId")).toInteger());
            data.reads[user] = std::max(data.reads.value(user), read.value(QLatin1String("seq")).toInteger());
        }
        Q_EMIT receiptsChanged(room);
    });
}

// Typing

void ChatClient::userTyping(RoomId room)
{
    userActive();
    RoomData &data = m_data[room];
    const qint64 now = m_clock.elapsed();
    if (data.lastTypingSent >= 0 && now - data.lastTypingSent < TypingThrottleMs)
        return;
    data.lastTypingSent = now;
    request(QStringLiteral("typing"), {{QStringLiteral("roomId"), room.value()}}, this, [](const Reply &) {});
}

QList<UserInfo> ChatClient::typingUsers(RoomId room) const
{
    QList<UserInfo> users;
    const auto it = m_data.constFind(room);
    if (it == m_data.cend())
        return users;
    const qint64 now = m_clock.elapsed();
    for (const Typing &t : it->typing) {
        if (t.expiresAt > now)
            users.append(t.user);
    }
    return users;
}

void ChatClient::expireTyping()
{
    const qint64 now = m_clock.elapsed();
    qint64 next = -1;
    for (auto it = m_data.begin(); it != m_data.end(); ++it) {
        const qsizetype before = it->typing.size();
        it->typing.removeIf([now](const Typing &t) { return t.expiresAt <= now; });
        if (it->typing.size() != before)
            Q_EMIT typingChanged(it.key());
        for (const Typing &t : std::as_const(it->typing))
            next = next < 0 ? t.expiresAt : std::min(next, t.expiresAt);
    }
    if (next >= 0)
        m_typingTimer.start(int(std::max<qint64>(1, next - now)));
}

// Presence

Presence ChatClient::presence(UserId user) const
{
    if (user == me())
        return m_myPresence;
    return m_presence.value(user, Presence::Offline);
}

void ChatClient::sendPresence(Presence presence)
{
    request(QStringLiteral("presence.set"), {{QStringLiteral("status"), presenceName(presence)}}, this, [](const Reply &) {});
    Q_EMIT presenceChanged(me(), presence);
}

void ChatClient::setMyPresence(Presence presence)
{
    m_autoAway = false;
    if (presence == m_myPresence)
        return;
    m_myPresence = presence;
    sendPresence(presence);
}

void ChatClient::userActive()
{
    m_idleTimer.start();
    if (m_autoAway) {
        m_autoAway = false;
        sendPresence(m_myPresence);
    }
}

void ChatClient::fetchPresence(const QList<UserId> &users)
{
    QJsonArray ids;
    for (const UserId user : users)
        ids.append(user.value());
    request(QStringLiteral("presence.get"), {{QStringLiteral("userIds"), ids}}, this, [this](const Reply &reply) {
        for (const QJsonValue &value : reply.data.value(QLatin1String("presence")).toArray()) {
            const QJsonObject json = value.toObject();
            const UserId user(json.value(QLatin1String("userId")).toInteger());
            const Presence p = parsePresence(json.value(QLatin1String("status")).toString());
            m_presence.insert(user, p);
            m_rooms->setPresence(user, p);
            Q_EMIT presenceChanged(user, p);
        }
    });
}

// Drafts

QString ChatClient::draft(RoomId room) const
{
    const auto it = m_drafts.constFind(room);
    if (it != m_drafts.cend())
        return *it;
    return m_connection->cache() ? m_connection->cache()->draft(room) : QString();
}

void ChatClient::setDraft(RoomId room, const QString &text)
{
    if (draft(room) == text)
        return;
    m_drafts.insert(room, text);
    if (m_connection->cache())
        m_connection->cache()->setDraft(room, text);
}

// Events

void ChatClient::onEvent(const Protocol::Frame &frame)
{
    if (frame.seq > 0)
        onRoomEvent(frame);
    else
        onEphemeralEvent(frame);
}

void ChatClient::onRoomEvent(const Protocol::Frame &frame)
{
    const RoomId room = frame.room;
    const QJsonObject &d = frame.data;
    // room.list's memberCount counts the members as of its lastSeq: a later join or leave
    // changes it, one already counted (a replay after reconnecting) does not.
    const ChatRoom *known = m_rooms->room(room);
    const bool counted = known && frame.seq <= known->lastSeq;
    const int members = frame.event == Protocol::EventMemberJoined ? 1 : frame.event == Protocol::EventMemberLeft ? -1 : 0;
    m_rooms->update(room, [&frame, counted, members](ChatRoom &r) {
        r.lastSeq = std::max(r.lastSeq, frame.seq);
        if (!counted && members != 0 && r.memberCount > 0)
            r.memberCount = std::max(1, r.memberCount + members);
    });
    if (frame.event == Protocol::EventMessageCreated) {
        QJsonObject withSeq = d;
        withSeq.insert(QStringLiteral("seq"), frame.seq);
        noteAttachments(room, {withSeq});
    }
    if (const std::optional<ChatMessage> message = ChatMessage::fromEvent(frame.event, frame.seq, frame.timestamp, d)) {
        if (message->isSystem()) {
            if (frame.event == QLatin1String("room.updated")) {
                if (const std::optional<ChatRoom> updated = roomOf(d))
                    m_rooms->update(room, [&updated](ChatRoom &r) { r.updateShared(*updated); });
            }
            if (MessageModel *main = m_data.value(room).main)
                main->addMessage(*message);
        } else {
            onMessageCreated(room, *message);
        }
        return;
    }
    const qint64 target = d.value(QLatin1String("target")).toInteger();
    const QList<MessageModel *> affected = models(room);
    if (frame.event == QLatin1String("message.edited")) {
        for (MessageModel *model : affected) {
            model->applyEdit(target, d.value(QLatin1String("text")).toString(), d.value(QLatin1String("editedAt")).toInteger(),
                             userIds(d.value(QLatin1String("mentions"))), d.value(QLatin1String("mentionsRoom")).toBool());
        }
    } else if (frame.event == QLatin1String("message.deleted")) {
        // An unread message that goes away no longer counts, as in the server's room.list.
        for (MessageModel *model : affected) {
            const int row = model->rowOfSeq(target);
            if (row < 0)
                continue;
            const ChatMessage &m = model->message(row);
            if (!m.deleted && !m.isSystem() && m.sender.id != me()) {
                const bool mentioned = m.mentionsUser(me());
                m_rooms->update(room, [target, mentioned](ChatRoom &r) {
                    if (target > r.lastRead && r.unread > 0) {
                        --r.unread;
                        if (mentioned && r.mentions > 0)
                            --r.mentions;
                    }
                });
            }
            break;
        }
        m_attachments[room].remove(target); // a deleted message loses its files
        for (MessageModel *model : affected)
            model->applyDelete(target);
    } else if (frame.event == QLatin1String("member.role")) {
        const std::optional<UserInfo> user = UserInfo::fromJson(d.value(QLatin1String("user")).toObject());
        const QString role = d.value(QLatin1String("role")).toString();
        if (!user || role.isEmpty())
            return;
        if (user->id == me())
            m_rooms->update(room, [&role](ChatRoom &r) { r.myRole = role; });
        Q_EMIT memberRoleChanged(room, user->id, role);
    } else if (frame.event == QLatin1String("reaction.changed")) {
        const UserId user(d.value(QLatin1String("userId")).toInteger());
        for (MessageModel *model : affected)
            model->applyReaction(target, d.value(QLatin1String("emoji")).toString(), user, d.value(QLatin1String("on")).toBool());
    }
}

void ChatClient::onMessageCreated(RoomId room, const ChatMessage &message)
{
    const auto data = m_data.constFind(room);
    if (data != m_data.cend()) {
        if (message.threadRoot == 0) {
            if (data->main)
                data->main->addMessage(message);
        } else {
            const bool seen = message.sender.id == me()
                || (room == m_visibleThreadRoom && message.threadRoot == m_visibleThreadRoot);
            if (data->main)
                data->main->applyReply(message.threadRoot, message.timestamp, seen);
            if (MessageModel *thread = data->threads.value(message.threadRoot))
                thread->addMessage(message);
        }
    }
    // A sent message ends its sender's typing.
    if (data != m_data.cend()) {
        RoomData &d = m_data[room];
        const qsizetype before = d.typing.size();
        d.typing.removeIf([&message](const Typing &t) { return t.user.id == message.sender.id; });
        if (d.typing.size() != before)
            Q_EMIT typingChanged(room);
    }
    const bool own = message.sender.id == me();
    const bool mentionsMe = message.mentionsUser(me());
    bool notify = false;
    m_rooms->update(room, [&](ChatRoom &r) {
        r.lastMessageTs = message.timestamp;
        r.lastMessageSender = message.sender.displayName;
        r.lastMessageText = message.text;
        const QList<AttachmentInfo> files = m_attachments.value(room).value(message.seq);
        r.lastMessageFile = files.isEmpty() ? QString() : files.first().name;
        if (own) {
            r.lastRead = std::max(r.lastRead, message.seq);
            return;
        }
        if (message.seq > r.lastRead) {
            ++r.unread;
            if (mentionsMe)
                ++r.mentions;
        }
        notify = !r.muted && (mentionsMe || r.kind == QLatin1String("direct"));
    });
    if (notify && m_myPresence != Presence::DoNotDisturb)
        Q_EMIT notificationRequested(room, message);
}

void ChatClient::onEphemeralEvent(const Protocol::Frame &frame)
{
    const QJsonObject &d = frame.data;
    const RoomId room = frame.room;
    if (frame.event == QLatin1String("typing")) {
        const std::optional<UserInfo> user = UserInfo::fromJson(d.value(QLatin1String("user")).toObject());
        if (!user || user->id == me())
            return;
        RoomData &data = m_data[room];
        data.typing.removeIf([&user](const Typing &t) { return t.user.id == user->id; });
        data.typing.append(Typing{*user, m_clock.elapsed() + d.value(QLatin1String("expiresInMs")).toInteger(6000)});
        Q_EMIT typingChanged(room);
        expireTyping();
    } else if (frame.event == QLatin1String("read.updated")) {
        const UserId user(d.value(QLatin1String("userId")).toInteger());
        const qint64 seq = d.value(QLatin1String("seq")).toInteger();
        if (user == me()) {
            // Read on another device.
            m_rooms->update(room, [seq](ChatRoom &r) {
                if (seq > r.lastRead) {
                    r.lastRead = seq;
                    r.unread = 0;
                    r.mentions = 0;
                }
            });
            return;
        }
        qint64 &known = m_data[room].reads[user];
        known = std::max(known, seq);
        Q_EMIT receiptsChanged(room);
    } else if (frame.event == QLatin1String("room.prefs")) {
        m_rooms->update(room, [&d](ChatRoom &r) {
            r.muted = d.value(QLatin1String("muted")).toBool(r.muted);
            r.pinned = d.value(QLatin1String("pinned")).toBool(r.pinned);
        });
    } else if (frame.event == QLatin1String("presence")) {
        const UserId user(d.value(QLatin1String("userId")).toInteger());
        const Presence p = parsePresence(d.value(QLatin1String("status")).toString());
        m_presence.insert(user, p);
        m_rooms->setPresence(user, p);
        Q_EMIT presenceChanged(user, p);
    } else if (frame.event == QLatin1String("room.added")) {
        if (std::optional<ChatRoom> added = roomOf(d)) {
            if (added->peer)
                added->peerPresence = presence(added->peer->id);
            upsertRoom(*added);
        }
    } else if (frame.event == QLatin1String("room.removed")) {
        const RoomId removed(d.value(QLatin1String("roomId")).toInteger());
        m_connection->leaveRoom(removed);
        m_rooms->remove(removed);
        Q_EMIT roomRemoved(removed);
    }
}

// Attachments

QString ChatClient::uploadFile(RoomId room, const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly) || file.size() == 0)
        return QString();
    Upload upload;
    upload.path = path;
    upload.state.room = room;
    upload.state.name = QFileInfo(path).fileName();
    upload.state.mime = QMimeDatabase().mimeTypeForFile(path).name();
    upload.state.size = file.size();
    if (file.size() > attachmentLimit())
        return rejectUpload(std::move(upload)); // without reading gigabytes to hash them first
    const QString key = newClientId();
    upload.state.key = key;
    m_uploads.insert(key, std::move(upload));
    hashFile(key);
    return key;
}

void ChatClient::hashFile(const QString &key)
{
    // A file of a few hundred MB takes seconds to hash: on a worker, so that the window keeps
    // responding, with progress for the composer's chip.
    const auto it = m_uploads.find(key);
    if (it == m_uploads.end())
        return;
    auto job = std::make_shared<HashJob>();
    it->hashing = job;
    it->state.state = AttachmentUpload::State::Preparing;
    it->state.prepared = 0;
    m_hashPool.start([this, key, job, path = it->path, size = it->state.size] {
        QFile file(path);
        QCryptographicHash hash(QCryptographicHash::Sha256);
        bool ok = file.open(QIODevice::ReadOnly);
        qint64 reported = 0;
        while (ok && !job->cancelled) {
            const QByteArray block = file.read(HashBlockBytes);
            if (block.isEmpty()) {
                ok = file.atEnd();
                break;
            }
            hash.addData(block);
            job->done += block.size();
            if (job->done - reported >= HashReportBytes) {
                reported = job->done;
                QMetaObject::invokeMethod(this, [this, key, job] {
                    const auto upload = m_uploads.find(key);
                    if (upload != m_uploads.end() && upload->hashing == job) {
                        upload->state.prepared = job->done;
                        Q_EMIT uploadChanged(key);
                    }
                }, Qt::QueuedConnection);
            }
        }
        if (job->cancelled)
            return;
        // A file that changed size since it was chosen would fail on the server's check anyway.
        const QString sha256 = ok && job->done == size ? QString::fromLatin1(hash.result().toHex()) : QString();
        QMetaObject::invokeMethod(this, [this, key, job, sha256] { onHashed(key, job, sha256); }, Qt::QueuedConnection);
    });
}

void ChatClient::onHashed(const QString &key, const std::shared_ptr<HashJob> &job, const QString &sha256)
{
    const auto it = m_uploads.find(key);
    if (it == m_uploads.end() || it->hashing != job)
        return;
    it->hashing.reset();
    if (sha256.isEmpty()) {
        failUpload(key, localFailure(QStringLiteral("the file changed or cannot be read")));
        return;
    }
    it->sha256 = sha256;
    it->state.prepared = it->state.size;
    it->state.state = AttachmentUpload::State::Uploading;
    Q_EMIT uploadChanged(key);
    beginUpload(key);
}

void ChatClient::dropUpload(const QString &key)
{
    const auto it = m_uploads.constFind(key);
    if (it == m_uploads.cend())
        return;
    if (it->hashing)
        it->hashing->cancelled = true;
    // An unfinished upload the server has begun: it frees the slot and the partial file at once
    // instead of keeping them until they expire. Not found (finished meanwhile) is fine.
    const bool begun = it->state.state == AttachmentUpload::State::Uploading || !it->uploadId.isEmpty();
    if (it->state.state != AttachmentUpload::State::Done && begun && m_connection->state() == Connection::State::Connected)
        request(QStringLiteral("attachment.cancel"), {{QStringLiteral("clientId"), key}}, this, [](const Reply &) {});
    m_uploads.erase(it);
}

QString ChatClient::uploadData(RoomId room, const QString &name, const QString &mime, const QByteArray &bytes)
{
    if (bytes.isEmpty())
        return QString();
    Upload upload;
    upload.sha256 = QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
    upload.state.room = room;
    upload.state.name = name;
    upload.state.mime = mime;
    upload.state.size = bytes.size();
    if (bytes.size() > attachmentLimit())
        return rejectUpload(std::move(upload));
    // A message held for the file (sent offline) may need its bytes after a restart, when the
    // server has dropped the file unsent: kept like a picked file, as a file in the account's
    // attachment cache (where a download of it would go), else in memory.
    upload.path = keepData(AttachmentInfo{upload.sha256, name, bytes.size(), mime}, bytes);
    if (upload.path.isEmpty())
        upload.bytes = bytes;
    return startUpload(std::move(upload));
}

QString ChatClient::keepData(const AttachmentInfo &file, const QByteArray &bytes) const
{
    const QString path = cachePathOf(file);
    if (path.isEmpty())
        return QString();
    if (QFileInfo(path).size() == bytes.size())
        return path; // cached already: the same id is the same bytes
    QSaveFile out(path);
    if (!QDir().mkpath(QFileInfo(path).path()) || !out.open(QIODevice::WriteOnly) || out.write(bytes) != bytes.size()
        || !out.commit()) {
        qCInfo(lcClient) << "the attachment cache cannot be written; a pasted file is kept in memory only";
        return QString();
    }
    return path;
}

qint64 ChatClient::attachmentLimit() const
{
    const qint64 announced = m_connection->serverInfo().maxAttachmentBytes;
    return announced > 0 ? announced : MaxServerAttachmentBytes;
}

QString ChatClient::rejectUpload(Upload upload)
{
    const QString key = newClientId();
    upload.state.key = key;
    upload.state.state = AttachmentUpload::State::Failed;
    upload.state.error = Protocol::ErrorCode::TooLarge;
    upload.state.message = QStringLiteral("larger than the server accepts");
    upload.bytes.clear();
    m_uploads.insert(key, std::move(upload));
    QTimer::singleShot(0, this, [this, key] { Q_EMIT uploadChanged(key); });
    return key;
}

QString ChatClient::startUpload(Upload upload)
{
    const QString key = newClientId();
    upload.state.key = key;
    m_uploads.insert(key, std::move(upload));
    beginUpload(key);
    return key;
}

void ChatClient::beginUpload(const QString &key)
{
    const auto it = m_uploads.find(key);
    if (it == m_uploads.end() || it->state.state != AttachmentUpload::State::Uploading)
        return;
    it->waiting = false;
    const int generation = ++it->generation;
    it->inFlight = 0;
    request(QStringLiteral("attachment.upload"),
            {{QStringLiteral("clientId"), key}, {QStringLiteral("roomId"), it->state.room.value()},
             {QStringLiteral("name"), it->state.name}, {QStringLiteral("mime"), it->state.mime},
             {QStringLiteral("size"), it->state.size}, {QStringLiteral("sha256"), it->sha256}},
            this, [this, key, generation](const Reply &reply) {
                const auto upload = m_uploads.find(key);
                if (upload == m_uploads.end() || upload->generation != generation)
                    return;
                if (!reply.ok) {
                    if (reply.local)
                        upload->waiting = true; // onSignedIn() carries on
                    else if (reply.error == Protocol::ErrorCode::RateLimited)
                        resyncUpload(key, reply.retryAfterMs);
                    else
                        failUpload(key, reply);
                    return;
                }
                const QJsonObject attachment = reply.data.value(QLatin1String("attachment")).toObject();
                if (!attachment.isEmpty()) {
                    upload->state.attachment = AttachmentInfo::fromJson(attachment).value_or(AttachmentInfo());
                    upload->state.sent = upload->state.size;
                    upload->state.state = AttachmentUpload::State::Done;
                    Q_EMIT uploadChanged(key);
                    sendHeld(QString());
                    return;
                }
                upload->uploadId = reply.data.value(QLatin1String("uploadId")).toString();
                upload->chunkBytes = reply.data.value(QLatin1String("chunkBytes")).toInteger();
                upload->state.sent = reply.data.value(QLatin1String("received")).toInteger();
                if (upload->uploadId.isEmpty() || upload->chunkBytes <= 0 || upload->state.sent < 0
                    || upload->state.sent > upload->state.size) {
                    failUpload(key, localFailure(QStringLiteral("the server's answer to attachment.upload makes no sense")));
                    return;
                }
                upload->nextOffset = upload->state.sent;
                Q_EMIT uploadChanged(key);
                pumpUpload(key);
            });
}

void ChatClient::pumpUpload(const QString &key)
{
    constexpr int Window = 4; // chunks in flight: keeps the link busy without a queue of stale ones
    const auto it = m_uploads.find(key);
    if (it == m_uploads.end())
        return;
    while (it->inFlight < Window && it->nextOffset < it->state.size) {
        const qint64 offset = it->nextOffset;
        const qint64 length = std::min(it->chunkBytes, it->state.size - offset);
        QByteArray chunk;
        if (it->path.isEmpty()) {
            chunk = it->bytes.mid(offset, length);
        } else {
            QFile file(it->path);
            if (file.open(QIODevice::ReadOnly) && file.seek(offset))
                chunk = file.read(length);
        }
        if (chunk.size() != length) {
            failUpload(key, localFailure(QStringLiteral("the file changed or cannot be read")));
            return;
        }
        it->nextOffset += length;
        ++it->inFlight;
        request(QStringLiteral("attachment.chunk"),
                {{QStringLiteral("uploadId"), it->uploadId}, {QStringLiteral("offset"), offset},
                 {QStringLiteral("data"), QString::fromLatin1(chunk.toBase64())}},
                this, [this, key, generation = it->generation](const Reply &reply) { onChunkReply(key, generation, reply); });
    }
}

void ChatClient::onChunkReply(const QString &key, int generation, const Reply &reply)
{
    const auto it = m_uploads.find(key);
    if (it == m_uploads.end() || it->generation != generation)
        return;
    --it->inFlight;
    if (reply.ok) {
        const qint64 received = reply.data.value(QLatin1String("received")).toInteger();
        // Each answer confirms more than the last; anything else is a server we cannot follow.
        if (received <= it->state.sent || received > it->state.size) {
            failUpload(key, localFailure(QStringLiteral("the server's answer to attachment.chunk makes no sense")));
            return;
        }
        it->state.sent = received;
        const QJsonObject attachment = reply.data.value(QLatin1String("attachment")).toObject();
        if (!attachment.isEmpty()) {
            it->state.attachment = AttachmentInfo::fromJson(attachment).value_or(AttachmentInfo());
            it->state.state = AttachmentUpload::State::Done;
            it->bytes.clear();
            Q_EMIT uploadChanged(key);
            sendHeld(QString());
            return;
        }
        if (received == it->state.size) {
            failUpload(key, localFailure(QStringLiteral("the server took every byte but named no attachment")));
            return;
        }
        Q_EMIT uploadChanged(key);
        pumpUpload(key);
        return;
    }
    using Protocol::ErrorCode;
    if (reply.local) {
        ++it->generation;
        it->waiting = true;
    } else if (reply.error == ErrorCode::Conflict || reply.error == ErrorCode::RateLimited) {
        resyncUpload(key, reply.retryAfterMs);
    } else if (reply.error == ErrorCode::NotFound && it->restarts < 3) {
        // The server dropped the upload (expired, or it restarted): start it again.
        ++it->restarts;
        resyncUpload(key, 0);
    } else {
        failUpload(key, reply);
    }
}

void ChatClient::resyncUpload(const QString &key, qint64 delayMs)
{
    const auto it = m_uploads.find(key);
    if (it == m_uploads.end())
        return;
    ++it->generation; // the chunks still in flight are answered with conflict: ignore them
    it->waiting = true;
    QTimer::singleShot(std::max<qint64>(0, delayMs), this, [this, key] {
        const auto upload = m_uploads.constFind(key);
        if (upload != m_uploads.cend() && upload->waiting && m_connection->state() == Connection::State::Connected)
            beginUpload(key);
    });
}

void ChatClient::failUpload(const QString &key, const Reply &reply)
{
    const auto it = m_uploads.find(key);
    if (it == m_uploads.end())
        return;
    ++it->generation;
    it->waiting = false;
    it->state.state = AttachmentUpload::State::Failed;
    it->state.error = reply.error;
    it->state.message = reply.message;
    qCInfo(lcClient) << "upload of" << it->state.name << "failed:" << reply.message;
    Q_EMIT uploadChanged(key);
    for (HeldMessage &held : m_held) {
        if (held.uploads.contains(key))
            setHeldFailed(held, true);
    }
}

void ChatClient::cancelUpload(const QString &key)
{
    if (!m_uploads.contains(key))
        return;
    dropUpload(key);
    Q_EMIT uploadChanged(key);
}

void ChatClient::retryUpload(const QString &key)
{
    const auto it = m_uploads.find(key);
    if (it == m_uploads.end() || it->state.state != AttachmentUpload::State::Failed)
        return;
    it->restarts = 0;
    if (it->sha256.isEmpty() && !it->path.isEmpty() && it->state.size <= attachmentLimit()) {
        hashFile(key); // the file could not be read the first time
        Q_EMIT uploadChanged(key);
        return;
    }
    it->state.state = AttachmentUpload::State::Uploading;
    Q_EMIT uploadChanged(key);
    beginUpload(key);
}

std::optional<AttachmentUpload> ChatClient::upload(const QString &key) const
{
    const auto it = m_uploads.constFind(key);
    return it == m_uploads.cend() ? std::nullopt : std::optional<AttachmentUpload>(it->state);
}

QList<AttachmentUpload> ChatClient::messageUploads(const QString &clientId) const
{
    QList<AttachmentUpload> result;
    for (const HeldMessage &held : m_held) {
        if (held.clientId != clientId)
            continue;
        for (const QString &key : held.uploads) {
            if (const auto it = m_uploads.constFind(key); it != m_uploads.cend())
                result.append(it->state);
        }
    }
    return result;
}

void ChatClient::sendHeld(const QString &clientId)
{
    for (HeldMessage &held : m_held) {
        if ((!clientId.isEmpty() && held.clientId != clientId) || held.failed || held.inFlight)
            continue;
        QJsonArray ids;
        bool ready = true;
        for (const QString &key : std::as_const(held.uploads)) {
            const auto it = m_uploads.constFind(key);
            if (it == m_uploads.cend() || it->state.state == AttachmentUpload::State::Failed) {
                setHeldFailed(held, true);
                ready = false;
                break;
            }
            ready = ready && it->state.state == AttachmentUpload::State::Done;
            ids.append(it->state.attachment.id);
        }
        if (!ready || held.failed || m_connection->state() != Connection::State::Connected)
            continue;
        held.inFlight = true;
        QJsonObject data{{QStringLiteral("roomId"), held.room.value()}, {QStringLiteral("clientId"), held.clientId},
                         {QStringLiteral("text"), held.text}, {QStringLiteral("attachments"), ids}};
        if (held.threadRoot > 0)
            data.insert(QStringLiteral("threadRoot"), held.threadRoot);
        request(QStringLiteral("message.send"), data, this, [this, id = held.clientId](const Reply &reply) {
            const auto it = std::find_if(m_held.begin(), m_held.end(), [&id](const HeldMessage &h) { return h.clientId == id; });
            if (it == m_held.end())
                return;
            it->inFlight = false;
            if (reply.ok) {
                // The uploads are spent; the message.created event replaces the pending row.
                const RoomId room = it->room;
                removeHeld(it);
                onSent(id, room, reply.data.value(QLatin1String("seq")).toInteger());
            } else if (reply.error == Protocol::ErrorCode::RateLimited) {
                QTimer::singleShot(std::max<qint64>(reply.retryAfterMs, 100), this, [this, id] { sendHeld(id); });
            } else if (!reply.local) {
                qCInfo(lcClient) << "message with attachments refused:" << reply.message;
                setHeldFailed(*it, true);
            }
        });
    }
}

OutboxItem ChatClient::heldItem(const HeldMessage &held)
{
    OutboxItem item;
    item.clientId = held.clientId;
    item.roomId = held.room;
    item.text = held.text;
    item.threadRoot = held.threadRoot;
    item.createdAt = held.createdAt;
    item.status = held.failed ? OutboxItem::Status::Failed : OutboxItem::Status::Pending;
    return item;
}

void ChatClient::setHeldFailed(HeldMessage &held, bool failed)
{
    held.failed = failed;
    for (MessageModel *model : models(held.room))
        model->setPendingFailed(held.clientId, failed);
}

void ChatClient::noteAttachments(RoomId room, const QJsonArray &messages)
{
    for (const QJsonValue &value : messages) {
        const QJsonObject message = value.toObject();
        const QList<AttachmentInfo> files = attachmentsFromJson(message.value(QLatin1String("attachments")).toArray());
        if (!files.isEmpty())
            m_attachments[room].insert(message.value(QLatin1String("seq")).toInteger(), files);
    }
}

QList<AttachmentInfo> ChatClient::attachments(RoomId room, qint64 seq) const
{
    return m_attachments.value(room).value(seq);
}

// Downloads

void ChatClient::setAttachmentCache(const QString &directory, qint64 maxBytes)
{
    m_cacheDir = directory;
    m_cacheMaxBytes = maxBytes;
}

QString ChatClient::cacheDir() const
{
    if (!m_cacheDir.isEmpty())
        return m_cacheDir;
    const LocalCache *cache = m_connection->cache();
    return cache ? QFileInfo(cache->path()).dir().filePath(QStringLiteral("attachments")) : QString();
}

void ChatClient::clearAttachmentCache()
{
    clearCachedFiles({});
}

void ChatClient::clearCachedFiles(const QSet<QString> &keep)
{
    const QString dir = cacheDir();
    // The running downloads stop before the folder goes, and are told after it went: a receiver
    // of downloadFailed() may start another one.
    const QHash<QString, Download> stopped = std::exchange(m_downloads, {});
    bool removed = true;
    if (!dir.isEmpty() && keep.isEmpty()) {
        removed = QDir(dir).removeRecursively();
    } else if (!dir.isEmpty()) {
        for (const QFileInfo &folder : QDir(dir).entryInfoList(QDir::Dirs | QDir::Files | QDir::NoDotAndDotDot)) {
            if (!keep.contains(folder.fileName()))
                removed &= folder.isDir() ? QDir(folder.filePath()).removeRecursively() : QFile::remove(folder.filePath());
        }
    }
    if (!removed)
        qCWarning(lcClient) << "the attachment cache" << dir << "could not be deleted completely";
    for (auto it = stopped.cbegin(); it != stopped.cend(); ++it)
        Q_EMIT downloadFailed(it.key(), localFailure(QStringLiteral("signed out")));
}

QString ChatClient::cachePathOf(const AttachmentInfo &attachment) const
{
    // The id names a folder: only a SHA-256 does, whatever a server sends, so that no path leads
    // out of the cache. One folder per file, so the file keeps its name (and so the type the OS
    // opens it with); "." and ".." name folders, not files.
    static const QRegularExpression sha256(QStringLiteral("^[0-9a-f]{64}$"));
    const QString dir = cacheDir();
    if (dir.isEmpty() || !sha256.match(attachment.id).hasMatch())
        return QString();
    const QString name = QFileInfo(attachment.name).fileName();
    const bool usable = !name.isEmpty() && name != QLatin1String(".") && name != QLatin1String("..");
    return QDir(dir).filePath(attachment.id + QLatin1Char('/') + (usable ? name : attachment.id));
}

QString ChatClient::cachedFile(const AttachmentInfo &attachment) const
{
    const QString path = cachePathOf(attachment);
    return !path.isEmpty() && QFileInfo(path).size() == attachment.size && attachment.size > 0 ? path : QString();
}

void ChatClient::download(RoomId room, const AttachmentInfo &attachment)
{
    if (m_downloads.contains(attachment.id))
        return;
    if (const QString cached = cachedFile(attachment); !cached.isEmpty()) {
        QTimer::singleShot(0, this, [this, id = attachment.id, cached] { Q_EMIT downloadFinished(id, cached); });
        return;
    }
    const QString path = cachePathOf(attachment);
    QFile part(path + QStringLiteral(".part"));
    if (path.isEmpty() || !QDir().mkpath(QFileInfo(path).path()) || !part.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        QTimer::singleShot(0, this, [this, id = attachment.id] {
            Q_EMIT downloadFailed(id, localFailure(QStringLiteral("the attachment cache cannot be written")));
        });
        return;
    }
    m_downloads.insert(attachment.id, Download{room, attachment});
    pumpDownload(attachment.id);
}

void ChatClient::pumpDownload(const QString &id)
{
    constexpr int Window = 4;
    // The server cuts every piece to its chunk size, which the first answer tells: until then
    // one piece at a time, so that every request starts where the previous answer ends.
    constexpr qint64 FirstPiece = 1024 * 1024;
    const auto it = m_downloads.find(id);
    if (it == m_downloads.end())
        return;
    it->waiting = false;
    const int window = it->pieceBytes > 0 ? Window : 1;
    while (it->inFlight < window && it->nextOffset < it->info.size) {
        const qint64 offset = it->nextOffset;
        const qint64 length = it->pieceBytes > 0 ? it->pieceBytes : FirstPiece;
        it->nextOffset = std::min(it->info.size, offset + length);
        ++it->inFlight;
        request(QStringLiteral("attachment.download"),
                {{QStringLiteral("roomId"), it->room.value()}, {QStringLiteral("id"), id},
                 {QStringLiteral("offset"), offset}, {QStringLiteral("length"), length}},
                this, [this, id, generation = it->generation, offset](const Reply &reply) {
                    onDownloadReply(id, generation, offset, reply);
                });
    }
}

void ChatClient::onDownloadReply(const QString &id, int generation, qint64 offset, const Reply &reply)
{
    const auto it = m_downloads.find(id);
    if (it == m_downloads.end() || it->generation != generation)
        return;
    --it->inFlight;
    if (!reply.ok) {
        ++it->generation;
        it->inFlight = 0;
        it->nextOffset = it->received;
        if (reply.local) {
            it->waiting = true; // onSignedIn() carries on
        } else if (reply.error == Protocol::ErrorCode::RateLimited) {
            it->waiting = true;
            QTimer::singleShot(std::max<qint64>(reply.retryAfterMs, 100), this, [this, id] {
                const auto download = m_downloads.constFind(id);
                if (download != m_downloads.cend() && download->waiting
                    && m_connection->state() == Connection::State::Connected)
                    pumpDownload(id);
            });
        } else {
            failDownload(id, reply);
        }
        return;
    }
    const QByteArray bytes = QByteArray::fromBase64(reply.data.value(QLatin1String("data")).toString().toLatin1());
    if (offset != it->received || bytes.isEmpty() || offset + bytes.size() > it->info.size) {
        failDownload(id, localFailure(QStringLiteral("the server sent an unexpected piece of the file")));
        return;
    }
    QFile part(cachePathOf(it->info) + QStringLiteral(".part"));
    if (!part.open(QIODevice::ReadWrite) || !part.seek(offset) || part.write(bytes) != bytes.size()) {
        failDownload(id, localFailure(QStringLiteral("the attachment cache cannot be written")));
        return;
    }
    part.close();
    if (it->pieceBytes == 0) {
        it->pieceBytes = bytes.size();
        it->nextOffset = offset + bytes.size(); // the first request asked for more than it got
    }
    it->received += bytes.size();
    Q_EMIT downloadProgress(id, it->received, it->info.size);
    if (it->received == it->info.size)
        finishDownload(id);
    else
        pumpDownload(id);
}

void ChatClient::finishDownload(const QString &id)
{
    const Download download = m_downloads.take(id);
    const QString path = cachePathOf(download.info);
    QFile part(path + QStringLiteral(".part"));
    QCryptographicHash hash(QCryptographicHash::Sha256);
    if (!part.open(QIODevice::ReadOnly) || !hash.addData(&part)
        || QString::fromLatin1(hash.result().toHex()) != download.info.id) {
        part.remove();
        Q_EMIT downloadFailed(id, localFailure(QStringLiteral("the downloaded file does not match its id")));
        return;
    }
    part.close();
    QFile::remove(path);
    if (!part.rename(path)) {
        Q_EMIT downloadFailed(id, localFailure(QStringLiteral("the attachment cache cannot be written")));
        return;
    }
    trimCache(id);
    Q_EMIT downloadFinished(id, path);
}

void ChatClient::failDownload(const QString &id, const Reply &reply)
{
    const auto it = m_downloads.constFind(id);
    if (it == m_downloads.cend())
        return;
    QFile::remove(cachePathOf(it->info) + QStringLiteral(".part"));
    m_downloads.erase(it);
    qCInfo(lcClient) << "download of attachment" << id << "failed:" << reply.message;
    Q_EMIT downloadFailed(id, reply);
}

void ChatClient::trimCache(const QString &keep)
{
    // Oldest first out, until the cache fits; `keep` and the files being downloaded stay.
    QFileInfoList files;
    qint64 total = 0;
    // Also the files kept for uploads (pasted ones).
    const auto uploading = [this](const QString &id) {
        return std::any_of(m_uploads.cbegin(), m_uploads.cend(), [&id](const Upload &upload) { return upload.sha256 == id; });
    };
    for (const QFileInfo &folder : QDir(cacheDir()).entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        if (folder.fileName() == keep || m_downloads.contains(folder.fileName()) || uploading(folder.fileName()))
            continue;
        for (const QFileInfo &file : QDir(folder.filePath()).entryInfoList(QDir::Files)) {
            files.append(file);
            total += file.size();
        }
    }
    std::sort(files.begin(), files.end(),
              [](const QFileInfo &a, const QFileInfo &b) { return a.lastModified() < b.lastModified(); });
    for (const QFileInfo &file : std::as_const(files)) {
        if (total <= m_cacheMaxBytes)
            break;
        total -= file.size();
        QDir(file.path()).removeRecursively();
    }
}

} // namespace Cohort::Client
