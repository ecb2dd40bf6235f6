// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "outboxitem.h"
#include "reply.h"

#include <QObject>
#include <QList>
#include <QTimer>

namespace Cohort::Client {

class Connection;
class LocalCache;

/// Messages on their way to the server. An item is written to the cache BEFORE it is sent and
/// removed only when the server's result arrives, so nothing the user typed is lost to a dropped
/// connection or a killed app. Items are sent one at a time in the order they were queued; after
/// a reconnect (or a restart, with a new Outbox on the same cache) everything still queued is
/// sent again with the same clientId, and the server, which deduplicates by clientId, applies
/// each exactly once. Items the server refuses for good (forbidden, not_found, bad_request,
/// too_large, conflict) are marked failed and wait for retry() or discard(); transient errors
/// (rate_limited, unavailable, internal) are retried after a delay.
///
/// Owned by a Connection (Connection::outbox()); it holds items only while the Connection has an
/// account's cache open.
class Outbox : public QObject
{
    Q_OBJECT
public:
    explicit Outbox(Connection &connection, QObject *parent = nullptr);
    ~Outbox() override;

    /// Queues a message and returns its clientId, or an empty string when no account cache is
    /// open (nobody has signed in on this Connection yet) or the item could not be stored.
    /// `threadRoot` > 0 sends a reply in the thread of that message.
    QString sendMessage(RoomId room, const QString &text, qint64 threadRoot = 0);
    /// Queues a failed item again. Returns false for an unknown or not failed clientId.
    bool retry(const QString &clientId);
    /// Drops a failed or pending item for good. An item already in flight may still arrive.
    bool discard(const QString &clientId);

    /// Every item, pending and failed, oldest first.
    QList<OutboxItem> items() const { return m_items; }
    QList<OutboxItem> items(RoomId room) const;
    int pendingCount() const;

    /// Called by Connection when it opens or closes an account's cache (nullptr): reloads the
    /// items a previous run left behind.
    void setCache(LocalCache *cache);

Q_SIGNALS:
    /// A new item was queued (also emitted by retry()).
    void itemQueued(const Cohort::Client::OutboxItem &item);
    /// The server stored the message; the item is gone from the outbox.
    void itemSent(const QString &clientId, Cohort::RoomId room, qint64 seq, qint64 timestamp);
    /// The server refused the item for good; it stays, with status Failed.
    void itemFailed(const Cohort::Client::OutboxItem &item);
    /// discard() removed the item.
    void itemDiscarded(const QString &clientId);
    /// The whole list changed (items loaded from the cache, or the cache closed).
    void itemsReset();

private:
    void flush();
    void onReply(const QString &clientId, const Reply &reply);
    int indexOf(const QString &clientId) const;

    Connection &m_connection;
    LocalCache *m_cache = nullptr;
    QList<OutboxItem> m_items;
    QString m_inFlight; // clientId of the item sent and not answered yet
    QTimer m_retryTimer;
};

} // namespace Cohort::Client
