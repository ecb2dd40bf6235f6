// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "connection.h"

#include "logging.h"
#include "metrics.h"
#include "servercore.h"

#include <QTimer>

namespace Cohort::Server {

using namespace Protocol;

namespace {

constexpr qint64 CloseGraceMs = 3000; // a peer that does not finish the closing handshake is dropped
constexpr int SilentPeriods = 3;

} // namespace

Connection::Connection(Transport *transport, ServerCore &core, qint64 nowMs)
    : m_transport(transport)
    , m_core(core)
    , m_address(transport->peerAddress())
    , m_limiter(core.config().requestsPerSecond, core.config().requestBurst, nowMs)
    , m_signInDeadlineMs(nowMs + core.config().handshakeTimeoutSeconds * 1000LL)
    , m_lastHeardMs(nowMs)
    , m_lastPingMs(nowMs)
{
    m_transport->setParent(this);
    connect(m_transport, &Transport::textReceived, this, &Connection::onText);
    connect(m_transport, &Transport::binaryReceived, this, &Connection::onBinaryFrame);
    connect(m_transport, &Transport::pongReceived, this, [this] { m_lastHeardMs = m_core.nowMs(); });
    connect(m_transport, &Transport::closed, this, &Connection::onClosed);
}

Connection::~Connection() = default;

void Connection::signIn(const UserRecord &user, const QByteArray &tokenHash, qint64 expiresAt)
{
    if (isSignedIn() && user.info.id != m_user.info.id)
        signOut();
    const bool newlySignedIn = !isSignedIn();
    m_user = user;
    m_user.passwordHash.clear(); // not needed after sign-in; thousands of connections hold a user
    setSession(tokenHash, expiresAt);
    if (newlySignedIn)
        m_core.onSignedIn(*this);
}

void Connection::setSession(const QByteArray &tokenHash, qint64 expiresAt)
{
    m_tokenHash = tokenHash;
    m_sessionExpiresAt = expiresAt;
    // The session was just read or written: the first check is one interval away. Connections
    // sign in at different times, so their checks spread over the interval.
    m_sessionCheckDueMs = m_core.nowMs() + m_core.config().sessionCheckSeconds * 1000LL;
}

void Connection::signOut()
{
    if (isSignedIn())
        m_core.onSigningOut(*this);
    const RoomSet rooms = m_joinedRooms;
    for (RoomId room : rooms)
        m_core.leaveRoom(*this, room);
    m_user = UserRecord();
    m_tokenHash.clear();
    m_sessionExpiresAt = 0;
    m_signInDeadlineMs = m_core.nowMs() + m_core.config().handshakeTimeoutSeconds * 1000LL;
}

void Connection::reply(const Request &request, const QJsonObject &data)
{
    m_pendingIds.remove(request.id);
    m_core.metrics().observeRequest((m_core.nowNs() - request.receivedNs) / 1e9);
    send(result(request.id, data));
}

void Connection::fail(const Request &request, ErrorCode code, const QString &message, qint64 retryAfterMs)
{
    answerWithError(request, error(request.id, code, message, retryAfterMs));
}

void Connection::fail(const Request &request, ErrorCode code, const QString &message, const QJsonObject &details,
                      qint64 retryAfterMs)
{
    answerWithError(request, error(request.id, code, message, retryAfterMs, details));
}

void Connection::answerWithError(const Request &request, const Protocol::Frame &frame)
{
    m_pendingIds.remove(request.id);
    m_core.metrics().observeRequest((m_core.nowNs() - request.receivedNs) / 1e9);
    m_core.metrics().countError(frame.code);
    send(frame);
}

void Connection::endReplay()
{
    m_replaying = false;
    m_replayBurstBytes = m_transport->pendingBytes();
}

void Connection::closeWith(quint16 code, const QString &reason)
{
    if (m_closing)
        return;
    m_closing = true;
    m_closingSinceMs = m_core.nowMs();
    m_core.metrics().countClose(code);
    qCDebug(lcNet) << "closing" << m_address << code << reason;
    m_transport->close(code, reason);
}

void Connection::sweep(qint64 nowMs)
{
    if (m_closing || m_cutOff) {
        if (m_closing && nowMs - m_closingSinceMs > CloseGraceMs)
            m_transport->abort();
        return;
    }
    const qint64 heartbeatMs = m_core.config().heartbeatSeconds * 1000LL;
    if (nowMs - m_lastHeardMs >= SilentPeriods * heartbeatMs) {
        qCInfo(lcNet) << "heartbeat timeout, dropping" << m_address;
        closeWith(CloseHeartbeatTimeout, QStringLiteral("heartbeat timeout"));
        return;
    }
    if (!isSignedIn() && m_passwordChangesPending == 0 && nowMs >= m_signInDeadlineMs && m_pendingIds.isEmpty()) {
        closeWith(CloseHandshakeTimeout, QStringLiteral("no hello and sign-in in time"));
        return;
    }
    if (nowMs - m_lastPingMs >= heartbeatMs) {
        m_lastPingMs = nowMs;
        m_transport->ping();
    }
}

void Connection::onBinaryFrame()
{
    if (m_closing)
        return;
    m_lastHeardMs = m_core.nowMs();
    m_core.metrics().countError(ErrorCode::BadRequest);
    send(error(QString(), ErrorCode::BadRequest, QStringLiteral("binary frames are not supported; send JSON text frames")));
}

void Connection::onText(const QString &text)
{
    if (m_closing || m_cutOff)
        return;
    const qint64 now = m_core.nowMs();
    m_lastHeardMs = now;
    if (m_core.isStopping()) {
        // In-flight requests were answered synchronously; new ones are refused while we close.
        return;
    }

    const DecodeResult decoded = decode(text.toUtf8(), m_core.config().maxFrameBytes);
    if (const auto *err = std::get_if<DecodeError>(&decoded)) {
        m_core.metrics().countError(err->code);
        send(error(err->id, err->code, err->message));
        if (!m_helloDone)
            closeWith(CloseProtocolError, QStringLiteral("the first frame must be hello"));
        return;
    }
    const Frame &frame = std::get<Frame>(decoded);

    if (!m_helloDone) {
        if (frame.type == FrameType::Hello) {
            handleHello(frame);
            return;
        }
        m_core.metrics().countError(ErrorCode::BadRequest);
        send(error(frame.type == FrameType::Request ? frame.id : QString(), ErrorCode::BadRequest,
                   QStringLiteral("the first frame must be hello")));
        closeWith(CloseProtocolError, QStringLiteral("the first frame must be hello"));
        return;
    }

    if (frame.type != FrameType::Request) {
        m_core.metrics().countError(ErrorCode::BadRequest);
        send(error(QString(), ErrorCode::BadRequest,
                   frame.type == FrameType::Hello ? QStringLiteral("hello was already received")
                                                  : QStringLiteral("clients send only request frames after hello")));
        return;
    }

    Request request{frame.id, frame.op, frame.data, m_core.nowNs()};
    m_core.metrics().countRequest(frame.op);
    // Answering a pending id would give the pending request two replies: such errors have no id.
    const bool idPending = m_pendingIds.contains(frame.id);
    if (const qint64 retryAfter = m_limiter.take(now)) {
        if (idPending) {
            m_core.metrics().countError(ErrorCode::RateLimited);
            send(error(QString(), ErrorCode::RateLimited, QStringLiteral("too many requests"), retryAfter));
        } else {
            fail(request, ErrorCode::RateLimited, QStringLiteral("too many requests"), retryAfter);
        }
        return;
    }
    if (idPending) {
        m_core.metrics().countError(ErrorCode::BadRequest);
        send(error(QString(), ErrorCode::BadRequest, QStringLiteral("request id '%1' is still pending").arg(frame.id)));
        return;
    }
    if (!isSignedIn() && !isAnonymousOp(frame.op)) {
        fail(request, ErrorCode::Unauthorized, QStringLiteral("sign in first"));
        return;
    }
    m_core.dispatch(*this, request);
}

void Connection::handleHello(const Frame &frame)
{
    if (frame.version < MinimumVersion || frame.version > Version) {
        m_core.metrics().countError(ErrorCode::UnsupportedVersion);
        send(error(QString(), ErrorCode::UnsupportedVersion,
                   QStringLiteral("protocol version %1 is not supported; this server speaks %2 to %3")
                       .arg(frame.version).arg(MinimumVersion).arg(Version)));
        closeWith(CloseUnsupportedVersion, QStringLiteral("unsupported protocol version"));
        return;
    }
    m_helloDone = true;
    send(welcome(m_core.welcomeData()));
}

void Connection::send(const Frame &frame)
{
    sendEvent(PreparedText(encode(frame)));
}

void Connection::checkBackpressure()
{
    if (m_replaying)
        return;
    const qint64 pending = m_transport->pendingBytes();
    const qint64 limit = m_core.config().maxPendingBytesPerConnection;
    if (pending <= limit) {
        m_replayBurstBytes = 0;
        return;
    }
    if (pending > limit + m_replayBurstBytes)
        cutOff();
}

void Connection::cutOff()
{
    m_cutOff = true;
    m_core.metrics().countClose(CloseSlowConsumer);
    qCWarning(lcNet) << "slow consumer" << m_address << "has" << m_transport->pendingBytes()
                     << "bytes unsent; disconnecting (it resumes from its last seq)";
    // Deferred: this runs inside a fan-out loop, and the buffered bytes are dropped with abort.
    QTimer::singleShot(0, this, [this] {
        m_transport->close(CloseSlowConsumer, QStringLiteral("slow consumer"));
        m_transport->abort();
    });
}

void Connection::onClosed()
{
    Q_EMIT finished(this);
}

} // namespace Cohort::Server
