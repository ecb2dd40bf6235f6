// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "outbox.h"

#include "clientlogging.h"
#include "connection.h"
#include "localcache.h"

#include <QDateTime>
#include <QJsonObject>
#include <QUuid>

#include <algorithm>

namespace Cohort::Client {

namespace {

using Protocol::ErrorCode;

// Errors after which sending the same request again cannot succeed.
bool isPermanent(ErrorCode code)
{
    switch (code) {
    case ErrorCode::BadRequest:
    case ErrorCode::Forbidden:
    case ErrorCode::NotFound:
    case ErrorCode::TooLarge:
    case ErrorCode::Conflict:
    case ErrorCode::UnsupportedVersion:
        return true;
    case ErrorCode::Unauthorized:
    case ErrorCode::RateLimited:
    case ErrorCode::Internal:
    case ErrorCode::Unavailable:
        return false;
    }
    return false;
}

// A transient server error is retried after this long unless the server says when.
constexpr int TransientRetryMs = 2000;

} // namespace

Outbox::Outbox(Connection &connection, QObject *parent)
    : QObject(parent)
    , m_connection(connection)
{
    m_retryTimer.setSingleShot(true);
    connect(&m_retryTimer, &QTimer::timeout, this, &Outbox::flush);
    connect(&m_connection, &Connection::stateChanged, this, [this](Connection::State state) {
        if (state == Connection::State::Connected) {
            flush();
        } else {
            // The in-flight request gets a local failure from the Connection; the item stays
            // pending and goes again, with the same clientId, after the reconnect.
            m_retryTimer.stop();
        }
    });
}

Outbox::~Outbox() = default;

void Outbox::setCache(LocalCache *cache)
{
    m_cache = cache;
    m_items = cache ? cache->outboxItems() : QList<OutboxItem>();
    m_inFlight.clear();
    m_retryTimer.stop();
    Q_EMIT itemsReset();
    flush();
}

QString Outbox::sendMessage(RoomId room, const QString &text, qint64 threadRoot)
{
    if (!m_cache) {
        qCWarning(lcClient) << "outbox: no account cache is open; message not queued";
        return QString();
    }
    OutboxItem item;
    item.clientId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    item.roomId = room;
    item.text = text;
    item.threadRoot = threadRoot;
    item.createdAt = QDateTime::currentMSecsSinceEpoch();
    // Durable first: once this returns, a crash or a dropped link cannot lose the message.
    if (!m_cache->addOutboxItem(item))
        return QString();
    m_items.append(item);
    Q_EMIT itemQueued(item);
    flush();
    return item.clientId;
}

bool Outbox::retry(const QString &clientId)
{
    const int index = indexOf(clientId);
    if (index < 0 || !m_cache || m_items.at(index).status != OutboxItem::Status::Failed)
        return false;
    OutboxItem item = m_items.at(index);
    item.status = OutboxItem::Status::Pending;
    item.failure = ErrorCode::Internal;
    item.failureMessage.clear();
    // The item keeps its place in the queue: it goes before what the user typed after it.
    if (!m_cache->updateOutboxItem(item))
        return false;
    m_items[index] = item;
    Q_EMIT itemQueued(item);
    flush();
    return true;
}

bool Outbox::discard(const QString &clientId)
{
    const int index = indexOf(clientId);
    if (index < 0 || !m_cache)
        return false;
    m_cache->removeOutboxItem(clientId);
    m_items.removeAt(index);
    Q_EMIT itemDiscarded(clientId);
    return true;
}

QList<OutboxItem> Outbox::items(RoomId room) const
{
    QList<OutboxItem> result;
    for (const OutboxItem &item : m_items) {
        if (item.roomId == room)
            result.append(item);
    }
    return result;
}

int Outbox::pendingCount() const
{
    return static_cast<int>(std::count_if(m_items.cbegin(), m_items.cend(), [](const OutboxItem &item) {
        return item.status == OutboxItem::Status::Pending;
    }));
}

int Outbox::indexOf(const QString &clientId) const
{
    for (int i = 0; i < m_items.size(); ++i) {
        if (m_items.at(i).clientId == clientId)
            return i;
    }
    return -1;
}

void Outbox::flush()
{
    // One request at a time keeps the server's order equal to the user's order.
    if (!m_inFlight.isEmpty() || m_retryTimer.isActive() || m_connection.state() != Connection::State::Connected)
        return;
    for (const OutboxItem &item : std::as_const(m_items)) {
        if (item.status != OutboxItem::Status::Pending)
            continue;
        m_inFlight = item.clientId;
        QJsonObject data{{QStringLiteral("roomId"), item.roomId.value()},
                         {QStringLiteral("clientId"), item.clientId},
                         {QStringLiteral("text"), item.text}};
        if (item.threadRoot > 0)
            data.insert(QStringLiteral("threadRoot"), item.threadRoot);
        m_connection.request(Protocol::Op::MessageSend, data, this,
                             [this, clientId = item.clientId](const Reply &reply) { onReply(clientId, reply); });
        return;
    }
}

void Outbox::onReply(const QString &clientId, const Reply &reply)
{
    if (clientId != m_inFlight)
        return; // answered after setCache() switched accounts
    m_inFlight.clear();
    const int index = indexOf(clientId);
    if (reply.ok) {
        if (index >= 0) {
            const RoomId room = m_items.at(index).roomId;
            if (m_cache)
                m_cache->removeOutboxItem(clientId);
            m_items.removeAt(index);
            Q_EMIT itemSent(clientId, room, reply.data.value(QStringLiteral("seq")).toInteger(),
                            reply.data.value(QStringLiteral("ts")).toInteger());
        }
        flush();
        return;
    }
    if (index < 0) {
        flush(); // discarded while in flight
        return;
    }
    if (reply.local && !isPermanent(reply.error)) {
        // Not connected any more: the state change brings us back here after the reconnect.
        return;
    }
    if (isPermanent(reply.error)) {
        OutboxItem &item = m_items[index];
        item.status = OutboxItem::Status::Failed;
        item.failure = reply.error;
        item.failureMessage = reply.message;
        if (m_cache)
            m_cache->updateOutboxItem(item);
        qCInfo(lcClient) << "outbox: message" << clientId << "refused:" << reply.message;
        Q_EMIT itemFailed(item);
        flush();
        return;
    }
    // Transient (rate limited, server busy or restarting, session being renewed): same item
    // again later, so the order is kept.
    m_retryTimer.start(static_cast<int>(std::max<qint64>(reply.retryAfterMs, TransientRetryMs)));
}

} // namespace Cohort::Client
