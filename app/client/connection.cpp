// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "connection.h"

#include "clientlogging.h"
#include "localcache.h"
#include "outbox.h"
#include "transport.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkInformation>
#include <QUuid>
#include <QWebSocket>

#include <algorithm>
#include <memory>

namespace Cohort::Client {

namespace {

using Protocol::ErrorCode;
using Protocol::Frame;
using Protocol::FrameType;
using Protocol::Op;

// Frames from the server are trusted to respect their own limits; this only stops a runaway.
constexpr qsizetype MaxIncomingFrameBytes = 64 * 1024 * 1024;
constexpr int DefaultHeartbeatSeconds = 20;
constexpr int ClockSyncBurst = 4;
constexpr int SignOutGraceMs = 3000;
constexpr int ProbeTimeoutMs = 10000;
constexpr quint16 CloseNormal = 1000;
constexpr quint16 CloseTooBig = 1009;

Reply replyFromFrame(const Frame &frame)
{
    Reply reply;
    if (frame.type == FrameType::Result) {
        reply.ok = true;
        reply.data = frame.data;
    } else {
        reply.error = frame.code;
        reply.message = frame.message;
        reply.retryAfterMs = frame.retryAfterMs;
        reply.details = frame.details;
    }
    return reply;
}

Reply localFailure(const QString &message, ErrorCode code = ErrorCode::Unavailable)
{
    Reply reply;
    reply.error = code;
    reply.message = message;
    reply.local = true;
    return reply;
}

AuthResult authFailure(const Reply &reply)
{
    AuthResult result;
    result.error = reply.error;
    result.message = reply.message;
    result.retryAfterMs = reply.retryAfterMs;
    result.local = reply.local;
    return result;
}

AuthResult authResultFrom(const Reply &reply)
{
    if (!reply.ok)
        return authFailure(reply);
    AuthResult result;
    result.token = reply.data.value(QStringLiteral("token")).toString();
    result.expiresAt = reply.data.value(QStringLiteral("expiresAt")).toInteger();
    const std::optional<UserInfo> user = UserInfo::fromJson(reply.data.value(QStringLiteral("user")).toObject());
    if (result.token.isEmpty() || !user) {
        result.error = ErrorCode::Internal;
        result.message = QStringLiteral("the server's sign-in result lacks a token or a user");
        return result;
    }
    result.ok = true;
    result.user = *user;
    const QJsonValue course = reply.data.value(QStringLiteral("course"));
    if (course.isObject())
        result.course = CourseInfo::fromJson(course.toObject());
    return result;
}

ServerInfo serverInfoFrom(const Frame &frame)
{
    ServerInfo info;
    info.version = frame.version;
    info.capabilities = frame.capabilities;
    info.serverName = frame.data.value(QStringLiteral("serverName")).toString();
    info.signUp = frame.data.value(QStringLiteral("signUp")).toBool();
    info.setupRequired = frame.data.value(QStringLiteral("setupRequired")).toBool();
    info.maxFrameBytes = frame.data.value(QStringLiteral("maxFrameBytes")).toInt(Protocol::DefaultMaxFrameBytes);
    const QJsonObject attachments = frame.data.value(QStringLiteral("attachments")).toObject();
    info.maxAttachmentBytes = attachments.value(QStringLiteral("maxBytes")).toInteger();
    info.attachmentChunkBytes = attachments.value(QStringLiteral("chunkBytes")).toInt();
    info.heartbeatSeconds = frame.data.value(QStringLiteral("heartbeatSeconds")).toInt(DefaultHeartbeatSeconds);
    info.handshakeTimeoutSeconds = frame.data.value(QStringLiteral("handshakeTimeoutSeconds")).toInt();
    info.code = frame.data.value(QStringLiteral("code")).toObject();
    return info;
}

QStringList clientCapabilities()
{
    return {Protocol::CapabilityResume, Protocol::CapabilityIdempotency};
}

QString encodeText(const Frame &frame)
{
    return QString::fromUtf8(Protocol::encode(frame));
}

// Runs `fn` on a later event-loop turn, dropped if `context` is gone: callbacks never run inside
// the call that caused them, so callers need not guard against re-entrancy.
template<typename Fn>
void later(QObject *context, Fn fn)
{
    QTimer::singleShot(0, context, std::move(fn));
}

} // namespace

TransportFactory webSocketTransportFactory(CertificateCheck check)
{
    return [check](const QUrl &url, QObject *parent, std::function<void()> opened,
                   std::function<void(const QString &)> failed) -> Transport * {
        auto *socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest);
        auto *transport = new WebSocketTransport(socket, parent);
        if (check) {
            QObject::connect(socket, &QWebSocket::sslErrors, transport, [socket, url, check](const QList<QSslError> &errors) {
                QSslCertificate certificate = socket->sslConfiguration().peerCertificate();
                if (certificate.isNull() && !errors.isEmpty())
                    certificate = errors.first().certificate();
                if (check(url, certificate, errors))
                    socket->ignoreSslErrors(errors);
            });
        }
        auto isOpen = std::make_shared<bool>(false);
        QObject::connect(socket, &QWebSocket::connected, transport, [isOpen, opened] {
            *isOpen = true;
            opened();
        });
        // Errors after the handshake end in `disconnected`, which the transport reports as closed.
        // (QWebSocket::error is errorOccurred from Qt 6.5 on.)
        QObject::connect(socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), transport, [isOpen, failed, socket] {
            if (!*isOpen)
                failed(socket->errorString());
        });
        socket->open(url);
        return transport;
    };
}

TransportFactory inMemoryTransportFactory(std::function<void(Transport *)> accept)
{
    return [accept](const QUrl &, QObject *parent, std::function<void()> opened,
                    std::function<void(const QString &)>) -> Transport * {
        auto [clientEnd, serverEnd] = InMemoryTransport::createPair(parent);
        accept(serverEnd);
        // Like a socket, the pair reports itself open on a later turn of the event loop.
        QTimer::singleShot(0, clientEnd, [clientEnd = clientEnd, opened] {
            if (clientEnd->isOpen())
                opened();
        });
        return clientEnd;
    };
}

Connection::Connection(QObject *parent)
    : QObject(parent)
    , m_transportFactory(webSocketTransportFactory(
          [this](const QUrl &url, const QSslCertificate &certificate, const QList<QSslError> &errors) {
              if (m_trust.isTrusted(url, certificate))
                  return true;
              QStringList reasons;
              for (const QSslError &error : errors)
                  reasons.append(error.errorString());
              const QString trusted = m_trust.trustedFingerprint(url);
              m_untrusted = UntrustedCertificate{url, certificate, CertificateTrust::fingerprint(certificate),
                                                 !trusted.isEmpty(), reasons};
              qCWarning(lcClient) << "the certificate of" << url.toDisplayString() << "is not trusted:" << reasons;
              return false;
          }))
    , m_clock(&systemClock)
    , m_outbox(new Outbox(*this, this))
{
    m_reconnectTimer.setSingleShot(true);
    connect(&m_reconnectTimer, &QTimer::timeout, this, [this] {
        setState(State::Connecting);
        startAttempt();
    });
    m_connectTimer.setSingleShot(true);
    connect(&m_connectTimer, &QTimer::timeout, this, [this] {
        qCInfo(lcClient) << "connection attempt to" << m_url.toDisplayString() << "timed out";
        m_serverError = ErrorInfo{ErrorCode::Unavailable, QStringLiteral("the server did not answer in time"), 0};
        linkLost(0, QString());
    });
    m_stableTimer.setSingleShot(true);
    connect(&m_stableTimer, &QTimer::timeout, this, [this] { m_backoff.reset(); });
    connect(&m_heartbeatTimer, &QTimer::timeout, this, &Connection::heartbeatTick);
    connect(&m_clockSyncTimer, &QTimer::timeout, this, &Connection::syncClock);
}

Connection::~Connection()
{
    // Pending callbacks are dropped: their owners are being torn down with us.
    m_pending.clear();
    m_authDone = nullptr;
    if (m_transport) {
        m_transport->disconnect(this);
        delete m_transport;
        m_transport = nullptr;
    }
    delete m_outbox;
    m_outbox = nullptr;
}

void Connection::setTransportFactory(TransportFactory factory)
{
    m_transportFactory = std::move(factory);
}

void Connection::setClock(Clock clock)
{
    m_clock = std::move(clock);
}

void Connection::setBackoffPolicy(const BackoffPolicy &policy)
{
    m_backoff = policy;
}

void Connection::setCacheRoot(const QString &root)
{
    m_cacheRoot = root;
}

void Connection::setHeartbeat(int pingAfterMs, int deadAfterMs)
{
    m_pingAfterMs = pingAfterMs;
    m_deadAfterMs = deadAfterMs;
}

void Connection::setConnectTimeout(int ms)
{
    m_connectTimeoutMs = ms;
}

void Connection::setStableAfter(int ms)
{
    m_stableAfterMs = ms;
}

void Connection::setClockSyncInterval(int ms)
{
    m_clockSyncIntervalMs = ms;
}

int Connection::secondsUntilReconnect() const
{
    if (m_state != State::Reconnecting)
        return 0;
    const qint64 remaining = m_reconnectAt - m_clock();
    return remaining <= 0 ? 0 : static_cast<int>((remaining + 999) / 1000);
}

void Connection::reconnectNow()
{
    if (m_token.isEmpty() || (m_state != State::Reconnecting && m_state != State::Offline))
        return;
    m_reconnectTimer.stop();
    m_purpose = Purpose::Resume;
    setState(State::Connecting);
    startAttempt();
}

void Connection::goOffline()
{
    m_reconnectTimer.stop();
    dropTransport(true);
    failPending(QStringLiteral("went offline"));
    completeAuthFlow(authFailure(localFailure(QStringLiteral("went offline"))));
    setState(State::Offline);
}

void Connection::networkChanged(bool reachable)
{
    if (!reachable)
        return;
    if (m_state == State::Reconnecting) {
        qCInfo(lcClient) << "the network changed; reconnecting now";
        reconnectNow();
    } else if (m_transport && m_opened && !m_sinceProbe.isValid()) {
        qCInfo(lcClient) << "the network changed; probing the link";
        m_transport->ping();
        m_sincePing.start();
        m_sinceProbe.start();
    }
}

bool Connection::followSystemNetwork()
{
    if (!QNetworkInformation::instance() && !QNetworkInformation::loadDefaultBackend())
        return false;
    QNetworkInformation *info = QNetworkInformation::instance();
    if (!info->supports(QNetworkInformation::Feature::Reachability))
        return false;
    connect(info, &QNetworkInformation::reachabilityChanged, this, [this](QNetworkInformation::Reachability r) {
        networkChanged(r != QNetworkInformation::Reachability::Disconnected);
    });
    return true;
}

// Sign-in flows

void Connection::signIn(const QUrl &url, const QString &username, const QString &password, QObject *context,
                        AuthCallback done)
{
    beginAuthFlow(Purpose::SignIn, url,
                  {{QStringLiteral("username"), username}, {QStringLiteral("password"), password}}, context,
                  std::move(done));
}

void Connection::signInWithToken(const QUrl &url, const QString &token, QObject *context, AuthCallback done)
{
    m_token = token;
    beginAuthFlow(Purpose::Token, url, {}, context, std::move(done));
}

void Connection::signUp(const QUrl &url, const QString &username, const QString &displayName,
                        const QString &password, const QString &joinCode, QObject *context, AuthCallback done)
{
    beginAuthFlow(Purpose::SignUp, url,
                  {{QStringLiteral("username"), username},
                   {QStringLiteral("displayName"), displayName},
                   {QStringLiteral("password"), password},
                   {QStringLiteral("joinCode"), joinCode}},
                  context, std::move(done));
}

void Connection::setup(const QUrl &url, const QString &setupToken, const QString &username,
                       const QString &displayName, const QString &password, QObject *context, AuthCallback done)
{
    beginAuthFlow(Purpose::Setup, url,
                  {{QStringLiteral("setupToken"), setupToken},
                   {QStringLiteral("username"), username},
                   {QStringLiteral("displayName"), displayName},
                   {QStringLiteral("password"), password}},
                  context, std::move(done));
}

void Connection::beginAuthFlow(Purpose purpose, const QUrl &url, const QJsonObject &data, QObject *context,
                               AuthCallback done)
{
    completeAuthFlow(authFailure(localFailure(QStringLiteral("replaced by a newer sign-in"))));
    m_reconnectTimer.stop();
    dropTransport(true);
    failPending(QStringLiteral("replaced by a newer sign-in"));

    if (purpose != Purpose::Token)
        m_token.clear();
    m_url = url;
    m_purpose = purpose;
    m_authData = data;
    m_authContext = context;
    m_authHasContext = context != nullptr;
    m_authDone = std::move(done);
    m_lastError.reset();
    m_backoff.reset();
    setState(State::Connecting);
    startAttempt();
}

void Connection::completeAuthFlow(const AuthResult &result)
{
    if (!m_authDone)
        return;
    AuthCallback done = std::exchange(m_authDone, nullptr);
    const QPointer<QObject> context = m_authContext;
    // The password must not outlive the attempt that needed it.
    m_authData = QJsonObject();
    if (m_authHasContext && !context)
        return;
    later(context ? context.data() : this, [done, result] { done(result); });
}

void Connection::probe(const QUrl &url, QObject *context,
                       std::function<void(const ServerInfo &, const std::optional<ErrorInfo> &)> done)
{
    // A separate, short-lived transport: probing must not disturb a running session.
    auto *holder = new QObject(this);
    auto transport = std::make_shared<QPointer<Transport>>();
    auto finished = std::make_shared<bool>(false);
    const bool hasContext = context != nullptr;
    const QPointer<QObject> guard = context;
    auto finish = [holder, hasContext, guard, done, transport, finished](const ServerInfo &info,
                                                                         const std::optional<ErrorInfo> &error) {
        if (*finished)
            return;
        *finished = true;
        if (*transport)
            (*transport)->close(CloseNormal, QString());
        holder->deleteLater();
        if (!hasContext || guard)
            done(info, error);
    };
    QTimer::singleShot(ProbeTimeoutMs, holder, [finish] {
        finish({}, ErrorInfo{ErrorCode::Unavailable, QStringLiteral("the server did not answer in time"), 0});
    });
    *transport = m_transportFactory(
        url, holder,
        [transport] {
            if (*transport)
                (*transport)->sendText(encodeText(Protocol::hello(clientCapabilities())));
        },
        [finish](const QString &reason) { finish({}, ErrorInfo{ErrorCode::Unavailable, reason, 0}); });
    connect(transport->data(), &Transport::textReceived, holder, [finish](const QString &text) {
        const Protocol::DecodeResult decoded = Protocol::decode(text.toUtf8(), MaxIncomingFrameBytes);
        const Frame *frame = std::get_if<Frame>(&decoded);
        if (frame && frame->type == FrameType::Welcome)
            finish(serverInfoFrom(*frame), std::nullopt);
        else if (frame && frame->type == FrameType::Error)
            finish({}, ErrorInfo{frame->code, frame->message, 0});
    });
    connect(transport->data(), &Transport::closed, holder, [finish](quint16 code, const QString &reason) {
        finish({}, ErrorInfo{code == Protocol::CloseUnsupportedVersion ? ErrorCode::UnsupportedVersion
                                                                       : ErrorCode::Unavailable,
                             reason.isEmpty() ? QStringLiteral("the connection closed") : reason, code});
    });
}

void Connection::changePassword(const QString &currentPassword, const QString &newPassword, QObject *context,
                                AuthCallback done)
{
    const QJsonObject data{{QStringLiteral("currentPassword"), currentPassword},
                           {QStringLiteral("newPassword"), newPassword}};
    request(Op::AuthChangePassword, data, context, [this, done](const Reply &reply) {
        if (!reply.ok) {
            done(authFailure(reply));
            return;
        }
        AuthResult result;
        result.token = reply.data.value(QStringLiteral("token")).toString();
        result.expiresAt = reply.data.value(QStringLiteral("expiresAt")).toInteger();
        if (result.token.isEmpty()) {
            result.error = ErrorCode::Internal;
            result.message = QStringLiteral("the server's result lacks the new token");
            done(result);
            return;
        }
        result.ok = true;
        result.user = m_user;
        m_token = result.token;
        m_tokenExpiresAt = result.expiresAt;
        Q_EMIT tokenChanged(m_token, m_tokenExpiresAt);
        done(result);
    });
}

void Connection::signOut()
{
    completeAuthFlow(authFailure(localFailure(QStringLiteral("signed out"))));
    m_reconnectTimer.stop();
    const bool revoke = m_transport && m_signedIn;
    m_token.clear();
    m_tokenExpiresAt = 0;
    m_lastError.reset();
    if (revoke) {
        // Keep the link until the server confirms the revocation, then close it; a link that
        // drops meanwhile is not reconnected because there is no token left.
        Transport *transport = m_transport;
        sendRequest(Op::AuthSignOut, {}, this, [this, transport](const Reply &) {
            if (m_transport == transport)
                dropTransport(true);
        });
        QTimer::singleShot(SignOutGraceMs, transport, [this, transport] {
            if (m_transport == transport)
                dropTransport(true);
        });
        m_signedIn = false;
    } else {
        dropTransport(true);
    }
    setState(State::SignedOut);
    Q_EMIT signedOut(ErrorInfo{ErrorCode::Unauthorized, QStringLiteral("signed out"), 0});
    // After the signal: its receivers end what used the cache (ChatClient deletes the files
    // cached next to it).
    deleteCache();
}

// Attempts and the transport

void Connection::startAttempt()
{
    dropTransport(false);
    m_untrusted.reset();
    m_opened = false;
    m_welcomed = false;
    m_signedIn = false;
    m_clockFresh = false;
    m_serverError.reset();
    const quint64 attempt = ++m_attempt;
    qCDebug(lcClient) << "connecting to" << m_url.toDisplayString() << "attempt" << m_backoff.attempts();
    m_connectTimer.start(m_connectTimeoutMs);
    m_transport = m_transportFactory(
        m_url, this,
        [this, attempt] {
            if (attempt == m_attempt && m_transport)
                onTransportOpened();
        },
        [this, attempt](const QString &reason) {
            if (attempt != m_attempt || !m_transport)
                return;
            m_serverError = ErrorInfo{ErrorCode::Unavailable, reason, 0};
            linkLost(0, reason);
        });
    connect(m_transport, &Transport::textReceived, this, &Connection::onTextReceived);
    connect(m_transport, &Transport::pongReceived, this, [this] { m_sinceReceived.start(); });
    connect(m_transport, &Transport::closed, this, [this, attempt](quint16 code, const QString &reason) {
        if (attempt == m_attempt && m_transport)
            linkLost(code, reason);
    });
}

void Connection::onTransportOpened()
{
    m_opened = true;
    m_sinceReceived.start();
    m_sincePing.start();
    m_sinceProbe.invalidate();
    sendFrame(Protocol::hello(clientCapabilities()));
}

void Connection::sendFrame(const Frame &frame)
{
    if (m_transport)
        m_transport->sendText(encodeText(frame));
}

void Connection::dropTransport(bool graceful)
{
    m_connectTimer.stop();
    m_heartbeatTimer.stop();
    m_stableTimer.stop();
    m_clockSyncTimer.stop();
    m_signedIn = false;
    m_welcomed = false;
    for (RoomState &room : m_rooms) {
        // What arrived during an unfinished join is replayed by the next join: nothing was
        // counted as seen yet.
        room.joinInFlight = false;
        room.buffered.clear();
    }
    if (!m_transport)
        return;
    Transport *transport = std::exchange(m_transport, nullptr);
    transport->disconnect(this);
    if (graceful && transport->isOpen())
        transport->close(CloseNormal, QString());
    else
        transport->abort();
    transport->deleteLater();
}

void Connection::failPending(const QString &message)
{
    const QHash<QString, Pending> pending = std::exchange(m_pending, {});
    for (const Pending &entry : pending) {
        if (entry.hasContext && !entry.context)
            continue;
        entry.done(localFailure(message));
    }
}

void Connection::linkLost(quint16 closeCode, const QString &reason)
{
    dropTransport(false);
    qCInfo(lcClient) << "connection to" << m_url.toDisplayString() << "lost, close code" << closeCode << reason;

    ErrorInfo error{ErrorCode::Unavailable,
                    m_serverError ? m_serverError->message
                                  : (reason.isEmpty() ? QStringLiteral("the connection was lost") : reason),
                    closeCode};
    switch (closeCode) {
    case Protocol::CloseUnsupportedVersion:
        error.code = ErrorCode::UnsupportedVersion;
        stopWithError(error);
        return;
    case Protocol::CloseProtocolError:
        error.code = ErrorCode::BadRequest;
        stopWithError(error);
        return;
    case CloseTooBig:
        error.code = ErrorCode::TooLarge;
        stopWithError(error);
        return;
    case Protocol::CloseSessionRevoked:
        error.code = ErrorCode::Unauthorized;
        endSession(error);
        return;
    default:
        break;
    }

    error.code = ErrorCode::Unavailable;
    m_lastError = error;
    failPending(error.message);
    switch (m_purpose) {
    case Purpose::SignIn:
    case Purpose::SignUp:
    case Purpose::Setup:
        // The password is not kept for retries: the user tries again.
        completeAuthFlow(authFailure(localFailure(error.message)));
        setState(State::Offline);
        return;
    case Purpose::Token:
        completeAuthFlow(authFailure(localFailure(error.message)));
        m_purpose = Purpose::Resume;
        break;
    case Purpose::Resume:
        break;
    }
    if (m_token.isEmpty()) {
        setState(m_state == State::SignedOut ? State::SignedOut : State::Offline);
        return;
    }
    scheduleReconnect();
}

void Connection::stopWithError(const ErrorInfo &error)
{
    qCWarning(lcClient) << "not reconnecting:" << error.message;
    m_reconnectTimer.stop();
    m_lastError = error;
    failPending(error.message);
    completeAuthFlow(authFailure(Reply{false, {}, error.code, error.message, 0, false, {}}));
    setState(State::Offline);
}

void Connection::endSession(const ErrorInfo &reason)
{
    qCInfo(lcClient) << "session ended:" << reason.message;
    m_reconnectTimer.stop();
    dropTransport(true);
    m_token.clear();
    m_tokenExpiresAt = 0;
    m_lastError = reason;
    failPending(reason.message);
    completeAuthFlow(authFailure(Reply{false, {}, reason.code, reason.message, 0, false, {}}));
    setState(State::SignedOut);
    Q_EMIT signedOut(reason);
}

void Connection::scheduleReconnect(qint64 minimumDelayMs)
{
    const qint64 delay = std::max<qint64>(m_backoff.nextDelayMs(), minimumDelayMs);
    m_reconnectAt = m_clock() + delay;
    qCInfo(lcClient) << "reconnecting in" << delay << "ms";
    m_reconnectTimer.start(static_cast<int>(delay));
    // Emitted even when already Reconnecting: the countdown has a new deadline.
    m_state = State::Reconnecting;
    Q_EMIT stateChanged(m_state);
}

void Connection::setState(State state)
{
    if (state != State::Reconnecting)
        m_reconnectAt = 0;
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

void Connection::heartbeatTick()
{
    if (!m_transport || !m_opened)
        return;
    const int pingAfter = m_pingAfterMs > 0 ? m_pingAfterMs : m_serverInfo.heartbeatSeconds * 1000 / 2;
    const int deadAfter = m_deadAfterMs > 0 ? m_deadAfterMs : m_serverInfo.heartbeatSeconds * 1000 * 3;
    const qint64 idle = m_sinceReceived.elapsed();
    if (m_sinceProbe.isValid() && m_sinceReceived.nsecsElapsed() < m_sinceProbe.nsecsElapsed())
        m_sinceProbe.invalidate(); // the probe was answered: the link survived the change
    if (m_sinceProbe.isValid() && m_sinceProbe.elapsed() >= m_networkProbeMs) {
        qCInfo(lcClient) << "no answer" << m_sinceProbe.elapsed() << "ms after a network change; the link is dead";
        m_sinceProbe.invalidate();
        m_serverError = ErrorInfo{ErrorCode::Unavailable, QStringLiteral("the network changed"), 0};
        linkLost(0, QString());
        return;
    }
    if (idle >= deadAfter) {
        qCInfo(lcClient) << "no frame or pong for" << idle << "ms; the link is dead";
        m_serverError = ErrorInfo{ErrorCode::Unavailable, QStringLiteral("the server stopped answering"), 0};
        linkLost(0, QString());
        return;
    }
    if (idle >= pingAfter && m_sincePing.elapsed() >= pingAfter) {
        m_transport->ping();
        m_sincePing.start();
    }
}

// Frames

void Connection::onTextReceived(const QString &text)
{
    m_sinceReceived.start();
    const Protocol::DecodeResult decoded = Protocol::decode(text.toUtf8(), MaxIncomingFrameBytes);
    if (const auto *error = std::get_if<Protocol::DecodeError>(&decoded)) {
        qCWarning(lcClient) << "ignoring a malformed frame from the server:" << error->message;
        return;
    }
    const Frame &frame = std::get<Frame>(decoded);
    switch (frame.type) {
    case FrameType::Welcome:
        handleWelcome(frame);
        break;
    case FrameType::Result:
        handleReply(frame);
        break;
    case FrameType::Error:
        if (frame.id.isEmpty()) {
            // Explains the close that follows (e.g. unsupported_version).
            qCWarning(lcClient) << "server error:" << Protocol::errorCodeName(frame.code) << frame.message;
            m_serverError = ErrorInfo{frame.code, frame.message, 0};
        } else {
            handleReply(frame);
        }
        break;
    case FrameType::Event:
        handleEvent(frame);
        break;
    case FrameType::Hello:
    case FrameType::Request:
        qCWarning(lcClient) << "ignoring a client-side frame sent by the server";
        break;
    }
}

void Connection::handleWelcome(const Frame &frame)
{
    if (m_welcomed)
        return;
    m_welcomed = true;
    m_serverInfo = serverInfoFrom(frame);
    Q_EMIT serverInfoChanged(m_serverInfo);
    const int pingAfter = m_pingAfterMs > 0 ? m_pingAfterMs : m_serverInfo.heartbeatSeconds * 1000 / 2;
    m_heartbeatTimer.start(std::max(50, std::min(pingAfter, 1000)));
    syncClockBurst(ClockSyncBurst);
    authenticate();
}

void Connection::sendRequest(Op op, const QJsonObject &data, QObject *context, ReplyCallback done)
{
    if (!m_transport || !m_opened) {
        later(context ? context : this, [done] { done(localFailure(QStringLiteral("not connected"))); });
        return;
    }
    const QString id = QString::number(++m_nextId);
    const QByteArray encoded = Protocol::encode(Protocol::request(id, op, data));
    if (m_serverInfo.maxFrameBytes > 0 && encoded.size() > m_serverInfo.maxFrameBytes) {
        // The server would refuse it, and far larger frames close the connection.
        later(context ? context : this, [done, size = encoded.size(), limit = m_serverInfo.maxFrameBytes] {
            done(localFailure(QStringLiteral("request of %1 bytes exceeds the server's limit of %2").arg(size).arg(limit),
                              ErrorCode::TooLarge));
        });
        return;
    }
    m_pending.insert(id, Pending{context, context != nullptr, std::move(done)});
    m_transport->sendText(QString::fromUtf8(encoded));
}

void Connection::request(Op op, const QJsonObject &data, QObject *context, ReplyCallback done)
{
    const bool allowed = m_state == State::Connected || (Protocol::isAnonymousOp(op) && m_welcomed);
    if (!allowed) {
        later(context ? context : this, [done] { done(localFailure(QStringLiteral("not connected"))); });
        return;
    }
    sendRequest(op, data, context, std::move(done));
}

void Connection::handleReply(const Frame &frame)
{
    const auto it = m_pending.find(frame.id);
    if (it == m_pending.end()) {
        qCDebug(lcClient) << "reply to an unknown request" << frame.id;
        return;
    }
    const Pending entry = *it;
    m_pending.erase(it);
    if (entry.hasContext && !entry.context)
        return;
    entry.done(replyFromFrame(frame));
}

// Authentication

void Connection::authenticate()
{
    switch (m_purpose) {
    case Purpose::SignIn:
        sendRequest(Op::AuthSignIn, m_authData, this, [this](const Reply &reply) { onAuthReply(reply); });
        break;
    case Purpose::SignUp:
        sendRequest(Op::AuthSignUp, m_authData, this, [this](const Reply &reply) { onAuthReply(reply); });
        break;
    case Purpose::Setup:
        sendRequest(Op::AuthSetup, m_authData, this, [this](const Reply &reply) { onAuthReply(reply); });
        break;
    case Purpose::Token:
    case Purpose::Resume:
        sendRequest(Op::AuthToken, {{QStringLiteral("token"), m_token}}, this,
                    [this](const Reply &reply) { onAuthReply(reply); });
        break;
    }
}

void Connection::onAuthReply(const Reply &reply)
{
    if (reply.local)
        return; // the link dropped; linkLost decided what happens next
    const AuthResult result = authResultFrom(reply);
    if (result.ok) {
        onAuthenticated(result);
        return;
    }
    const ErrorInfo error{result.error, result.message, 0};
    const bool withToken = m_purpose == Purpose::Token || m_purpose == Purpose::Resume;
    if (withToken && result.error == ErrorCode::Unauthorized) {
        endSession(error);
        return;
    }
    const bool transient = result.error == ErrorCode::RateLimited || result.error == ErrorCode::Unavailable
                           || result.error == ErrorCode::Internal;
    if (withToken && transient) {
        completeAuthFlow(result);
        m_purpose = Purpose::Resume;
        dropTransport(true);
        failPending(result.message);
        m_lastError = error;
        scheduleReconnect(result.retryAfterMs);
        return;
    }
    // Wrong password, taken username, bad join code...: the user has to act.
    dropTransport(true);
    failPending(result.message);
    m_lastError = error;
    completeAuthFlow(result);
    if (withToken) {
        m_token.clear();
        setState(State::SignedOut);
        Q_EMIT signedOut(error);
    } else {
        setState(State::Offline);
    }
}

void Connection::onAuthenticated(const AuthResult &result)
{
    m_connectTimer.stop();
    m_signedIn = true;
    m_lastError.reset();
    const bool tokenChangedNow = result.token != m_token;
    m_token = result.token;
    m_tokenExpiresAt = result.expiresAt;
    m_user = result.user;
    m_purpose = Purpose::Resume;
    openCacheFor(m_url, m_user.username);
    m_stableTimer.start(m_stableAfterMs);
    m_clockSyncTimer.start(m_clockSyncIntervalMs);
    qCInfo(lcClient) << "signed in to" << m_url.toDisplayString() << "as" << m_user.username;

    if (tokenChangedNow)
        Q_EMIT tokenChanged(m_token, m_tokenExpiresAt);
    // Rejoin before anything reacting to the state change (the outbox) sends: what it posts
    // must come after the join on the wire, or a room joined without `since` would miss it.
    for (auto it = m_rooms.cbegin(); it != m_rooms.cend(); ++it)
        sendJoin(it.key(), nullptr, {});
    setState(State::Connected);
    Q_EMIT signedIn(m_user);
    completeAuthFlow(result);
}

void Connection::openCacheFor(const QUrl &url, const QString &username)
{
    const QString path = LocalCache::pathFor(url, username, m_cacheRoot);
    if (m_cache && m_cache->path() == path)
        return;
    if (m_cache) {
        // Another account: its rooms and resume positions are not ours.
        m_rooms.clear();
    }
    m_lastSeen.clear();
    auto cache = std::make_unique<LocalCache>();
    const QString error = cache->open(path);
    if (!error.isEmpty()) {
        qCWarning(lcClient) << "no local cache; messages cannot be queued:" << error;
        cache.reset();
    }
    m_outbox->setCache(nullptr);
    m_cache = std::move(cache);
    m_outbox->setCache(m_cache.get());
}

void Connection::deleteCache()
{
    if (!m_cache)
        return;
    const QString path = m_cache->path();
    m_outbox->setCache(nullptr);
    m_cache.reset();
    // The rooms and resume positions were the account's.
    m_rooms.clear();
    m_lastSeen.clear();
    // With the account's folder: the files cached next to the database go too, and its name
    // carries the username.
    if (!QDir(QFileInfo(path).absolutePath()).removeRecursively())
        qCWarning(lcClient) << "the cache" << path << "could not be deleted completely";
}

// Rooms

void Connection::joinRoom(RoomId room, QObject *context, ReplyCallback done)
{
    if (m_rooms.contains(room)) {
        if (done) {
            later(context ? context : this, [done, seq = lastSeenSeq(room)] {
                done(Reply{true, {{QStringLiteral("lastSeq"), seq}}, ErrorCode::Internal, {}, 0, false, {}});
            });
        }
        return;
    }
    m_rooms.insert(room, RoomState{});
    if (m_state == State::Connected && m_signedIn) {
        sendJoin(room, context, std::move(done));
    } else if (done) {
        later(context ? context : this, [done] { done(localFailure(QStringLiteral("not connected"))); });
    }
}

void Connection::sendJoin(RoomId room, QObject *context, ReplyCallback done)
{
    RoomState &state = m_rooms[room];
    state.joinInFlight = true;
    state.buffered.clear();
    QJsonObject data{{QStringLiteral("roomId"), room.value()}};
    // With nothing ever seen, a replay would resend up to the server's resume window of events
    // that ChatClient loads as history pages anyway: join live and count from the result's
    // lastSeq. A room joined before resumes, even from 0, so what happened while away arrives.
    const qint64 since = lastSeenSeq(room);
    const bool resumed = m_lastSeen.contains(room);
    if (resumed)
        data.insert(QStringLiteral("since"), since);
    const bool hasContext = context != nullptr;
    const QPointer<QObject> guard = context;
    sendRequest(Op::RoomJoin, data, this, [this, room, resumed, hasContext, guard, done](const Reply &reply) {
        onJoinReply(room, resumed, reply);
        if (done && (!hasContext || guard))
            done(reply);
    });
}

void Connection::onJoinReply(RoomId room, bool resumed, const Reply &reply)
{
    const auto it = m_rooms.find(room);
    if (it == m_rooms.end() || !it->joinInFlight)
        return; // left meanwhile, or the link dropped and the rejoin comes later
    if (!reply.ok) {
        if (!reply.local) {
            qCWarning(lcClient) << "cannot join room" << room.value() << ":" << reply.message;
            m_rooms.erase(it);
        }
        return;
    }
    const QList<Frame> buffered = std::exchange(it->buffered, {});
    it->joinInFlight = false;
    const qint64 lastSeq = reply.data.value(QStringLiteral("lastSeq")).toInteger();
    if (!resumed)
        m_lastSeen.insert(room, std::max(lastSeenSeq(room), lastSeq));
    if (reply.data.value(QStringLiteral("reset")).toBool()) {
        qCInfo(lcClient) << "room" << room.value() << "missed more than the server keeps; cache reset";
        if (m_cache)
            m_cache->clearRoom(room);
        m_lastSeen.insert(room, 0);
        Q_EMIT roomReset(room);
    }
    for (const Frame &frame : buffered) {
        if (!m_rooms.contains(room))
            return; // a slot left the room
        deliverEvent(frame, true);
    }
    Q_EMIT roomJoined(room, lastSeq);
}

void Connection::leaveRoom(RoomId room)
{
    if (!m_rooms.remove(room))
        return;
    if (m_state == State::Connected && m_signedIn)
        sendRequest(Op::RoomLeave, {{QStringLiteral("roomId"), room.value()}}, this, [](const Reply &) {});
}

QList<RoomId> Connection::joinedRooms() const
{
    return m_rooms.keys();
}

qint64 Connection::lastSeenSeq(RoomId room) const
{
    const auto it = m_lastSeen.constFind(room);
    if (it != m_lastSeen.cend())
        return *it;
    const qint64 seq = m_cache ? m_cache->lastSeq(room) : 0;
    if (seq > 0) // kept apart from "never seen", which joins without a replay
        m_lastSeen.insert(room, seq);
    return seq;
}

void Connection::handleEvent(const Frame &frame)
{
    // Ephemeral events (typing, read.updated, ...) carry a room but no seq: they are never
    // replayed, so they are neither gaps nor duplicates and bypass the resume bookkeeping.
    if (!frame.room.isValid() || frame.seq == 0) {
        Q_EMIT eventReceived(frame);
        return;
    }
    const auto it = m_rooms.find(frame.room);
    if (it == m_rooms.end()) {
        if (m_trackedRooms.contains(frame.room))
            Q_EMIT eventReceived(frame);
        return; // else: left the room; the server has not seen room.leave yet
    }
    if (it->joinInFlight) {
        it->buffered.append(frame);
        return;
    }
    deliverEvent(frame, false);
}

void Connection::deliverEvent(const Frame &frame, bool afterJoin)
{
    const qint64 last = lastSeenSeq(frame.room);
    if (frame.seq <= last) {
        qCDebug(lcClient) << "dropping duplicate event" << frame.room.value() << frame.seq;
        return;
    }
    if (!afterJoin && frame.seq != last + 1) {
        // Only a server bug gets here; asking again from the last seen seq repairs it.
        qCWarning(lcClient) << "gap in room" << frame.room.value() << ": expected seq" << last + 1 << "got"
                            << frame.seq << "; rejoining";
        sendJoin(frame.room, nullptr, {});
        return;
    }
    if (m_cache) {
        m_cache->storeEvent(CachedEvent{frame.room, frame.seq, frame.event, frame.timestamp,
                                        QJsonDocument(frame.data).toJson(QJsonDocument::Compact)});
    }
    m_lastSeen.insert(frame.room, frame.seq);
    Q_EMIT eventReceived(frame);
    if (frame.event == Protocol::EventMessageCreated) {
        MessageInfo message;
        message.roomId = frame.room;
        message.seq = frame.seq;
        message.timestamp = frame.timestamp;
        message.sender = UserInfo::fromJson(frame.data.value(QStringLiteral("sender")).toObject()).value_or(UserInfo());
        message.clientId = frame.data.value(QStringLiteral("clientId")).toString();
        message.text = frame.data.value(QStringLiteral("text")).toString();
        Q_EMIT messageReceived(message);
    }
}

// Courses

void Connection::listCourses(QObject *context, std::function<void(const Reply &, const QList<CourseInfo> &)> done)
{
    request(Op::CourseList, {}, context, [done](const Reply &reply) {
        QList<CourseInfo> courses;
        for (const QJsonValue &value : reply.data.value(QStringLiteral("courses")).toArray()) {
            if (const std::optional<CourseInfo> course = CourseInfo::fromJson(value.toObject()))
                courses.append(*course);
        }
        done(reply, courses);
    });
}

void Connection::createCourse(const QString &name, QObject *context,
                              std::function<void(const Reply &, const std::optional<CourseInfo> &)> done,
                              const QString &clientId)
{
    const QString key = clientId.isEmpty() ? QUuid::createUuid().toString(QUuid::WithoutBraces) : clientId;
    request(Op::CourseCreate, {{QStringLiteral("name"), name}, {QStringLiteral("clientId"), key}}, context,
            [done](const Reply &reply) {
                done(reply, CourseInfo::fromJson(reply.data.value(QStringLiteral("course")).toObject()));
            });
}

void Connection::joinCourse(const QString &joinCode, QObject *context,
                            std::function<void(const Reply &, const std::optional<CourseInfo> &)> done)
{
    request(Op::CourseJoin, {{QStringLiteral("joinCode"), joinCode}}, context, [done](const Reply &reply) {
        done(reply, CourseInfo::fromJson(reply.data.value(QStringLiteral("course")).toObject()));
    });
}

void Connection::listRooms(QObject *context, std::function<void(const Reply &, const QList<RoomInfo> &)> done)
{
    request(Op::RoomList, {}, context, [done](const Reply &reply) {
        QList<RoomInfo> rooms;
        for (const QJsonValue &value : reply.data.value(QStringLiteral("rooms")).toArray()) {
            if (const std::optional<RoomInfo> room = RoomInfo::fromJson(value.toObject()))
                rooms.append(*room);
        }
        done(reply, rooms);
    });
}

QString Connection::sendMessage(RoomId room, const QString &text)
{
    return m_outbox->sendMessage(room, text);
}

// Server clock

qint64 Connection::serverNow() const
{
    return m_clock() + m_clockOffset.offsetMs();
}

void Connection::syncClock()
{
    syncClockBurst(1);
}

void Connection::syncClockBurst(int remaining)
{
    if (remaining <= 0 || !m_welcomed)
        return;
    const qint64 t0 = m_clock();
    sendRequest(Op::TimeSync, {{QStringLiteral("clientTime"), t0}}, this, [this, t0, remaining](const Reply &reply) {
        if (!reply.ok)
            return;
        const qint64 t1 = m_clock();
        if (!m_clockFresh) {
            // Samples of an earlier connection may predate a jump of the local clock (suspend,
            // NTP step); the first sample of this connection replaces them.
            m_clockOffset.clear();
            m_clockFresh = true;
        }
        m_clockOffset.addSample(t0, reply.data.value(QStringLiteral("serverTime")).toInteger(), t1);
        Q_EMIT clockSynced(m_clockOffset.offsetMs(), m_clockOffset.roundTripMs());
        syncClockBurst(remaining - 1);
    });
}

} // namespace Cohort::Client
