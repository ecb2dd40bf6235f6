// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "frame.h"
#include "ratelimiter.h"
#include "storage.h"
#include "transport.h"

#include <QObject>
#include <QSet>
#include <QVarLengthArray>

#include <algorithm>

namespace Cohort::Server {

class ServerCore;

/// A decoded request and when it arrived (for the latency histogram).
struct Request
{
    QString id;
    Protocol::Op op = Protocol::Op::TimeSync;
    QJsonObject data;
    qint64 receivedNs = 0;
};

/// The few rooms of one connection, stored inline: a hash set per connection would cost more
/// memory than the rest of our per-connection state, and thousands of connections are normal.
class RoomSet
{
public:
    bool contains(RoomId room) const { return std::find(m_rooms.cbegin(), m_rooms.cend(), room) != m_rooms.cend(); }
    void insert(RoomId room)
    {
        if (!contains(room))
            m_rooms.append(room);
    }
    bool remove(RoomId room) { return m_rooms.removeAll(room) > 0; }
    void clear() { m_rooms.clear(); }
    auto begin() const { return m_rooms.cbegin(); }
    auto end() const { return m_rooms.cend(); }

private:
    QVarLengthArray<RoomId, 4> m_rooms;
};

/// One client connection: the handshake, limits, heartbeat bookkeeping and the reply helpers.
/// It knows nothing of sockets, only of a Transport, so an InMemoryTransport can drive it in
/// tests. Requests that pass the envelope checks go to ServerCore::dispatch.
class Connection : public QObject
{
    Q_OBJECT
public:
    Connection(Transport *transport, ServerCore &core, qint64 nowMs);
    ~Connection() override;

    Transport *transport() const { return m_transport; }
    QString address() const { return m_address; }

    bool isSignedIn() const { return m_user.info.id.isValid(); }
    const UserRecord &user() const { return m_user; }
    UserId userId() const { return m_user.info.id; }
    const QByteArray &tokenHash() const { return m_tokenHash; }
    /// Signs in with the session of `tokenHash`, valid until `expiresAt` (wall clock, ms).
    void signIn(const UserRecord &user, const QByteArray &tokenHash, qint64 expiresAt);
    /// Moves to another session of the same user (a password change issued a new token).
    void setSession(const QByteArray &tokenHash, qint64 expiresAt);
    qint64 sessionExpiresAt() const { return m_sessionExpiresAt; }
    /// When ServerCore next looks up the session row (core clock, ms): sessions can be deleted
    /// by another process (the admin CLI), which this process hears nothing of.
    qint64 sessionCheckDueMs() const { return m_sessionCheckDueMs; }
    void setSessionCheckDueMs(qint64 dueMs) { m_sessionCheckDueMs = dueMs; }
    /// Back to anonymous: leaves every room and restarts the sign-in deadline.
    void signOut();

    /// A password change is in flight: revocations of the user's other tokens must not close us.
    int passwordChangesPending() const { return m_passwordChangesPending; }
    void setPasswordChangesPending(int n) { m_passwordChangesPending = n; }

    /// Rooms this connection has joined (it receives their events).
    RoomSet &joinedRooms() { return m_joinedRooms; }

    void reply(const Request &request, const QJsonObject &data);
    void fail(const Request &request, Protocol::ErrorCode code, const QString &message, qint64 retryAfterMs = 0);
    /// A refusal clients must tell apart from others with the same code: `details` says which
    /// (docs/protocol.md, Errors), where `message` is only for people.
    void fail(const Request &request, Protocol::ErrorCode code, const QString &message, const QJsonObject &details,
              qint64 retryAfterMs = 0);
    /// Marks a request as answered later (an asynchronous op); its id stays reserved until then.
    void beginAsync(const Request &request) { m_pendingIds.insert(request.id); }
    /// Queues an already serialized event frame: the fan-out path, kept minimal.
    void sendEvent(const PreparedText &frame)
    {
        if (m_cutOff)
            return;
        m_transport->sendPrepared(frame);
        checkBackpressure();
    }
    void sendEvent(const QString &frame)
    {
        if (m_cutOff)
            return;
        m_transport->sendText(frame);
        checkBackpressure();
    }
    /// A resume replay may exceed the pending-bytes limit (it is bounded by the resume window);
    /// live events may not add to that excess.
    void beginReplay() { m_replaying = true; }
    void endReplay();

    void closeWith(quint16 code, const QString &reason);
    bool isClosing() const { return m_closing || m_cutOff; }

    /// Called by the server's single sweep timer: heartbeat pings, timeouts, stuck closes.
    void sweep(qint64 nowMs);

Q_SIGNALS:
    void finished(Cohort::Server::Connection *connection);

private:
    void onText(const QString &text);
    /// A binary frame arrived; the protocol allows only text.
    void onBinaryFrame();
    void onClosed();
    void handleHello(const Protocol::Frame &frame);
    void send(const Protocol::Frame &frame);
    /// Sends a request's error frame and counts the request as answered.
    void answerWithError(const Request &request, const Protocol::Frame &frame);
    void checkBackpressure();
    void cutOff();

    Transport *m_transport;
    ServerCore &m_core;
    QString m_address;
    RateLimiter m_limiter;

    bool m_helloDone = false;
    bool m_closing = false;
    bool m_cutOff = false;
    bool m_replaying = false;
    UserRecord m_user;
    QByteArray m_tokenHash;
    qint64 m_sessionExpiresAt = 0;
    qint64 m_sessionCheckDueMs = 0;
    int m_passwordChangesPending = 0;

    QSet<QString> m_pendingIds;
    RoomSet m_joinedRooms;

    qint64 m_signInDeadlineMs = 0;
    qint64 m_lastHeardMs = 0;
    qint64 m_lastPingMs = 0;
    qint64 m_closingSinceMs = 0;
    qint64 m_replayBurstBytes = 0;
};

} // namespace Cohort::Server
