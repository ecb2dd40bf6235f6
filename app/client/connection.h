// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "backoffpolicy.h"
#include "certificatetrust.h"
#include "clockoffsetestimator.h"
#include "frame.h"
#include "model.h"
#include "reply.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QSslError>
#include <QTimer>
#include <QUrl>

#include <functional>
#include <memory>
#include <optional>

namespace Cohort {
class Transport;
}

namespace Cohort::Client {

class LocalCache;
class Outbox;

/// What the server announced in `welcome`.
struct ServerInfo
{
    int version = 0;
    QStringList capabilities;
    QString serverName;
    bool signUp = false;        // auth.signUp with a course join code is allowed
    bool setupRequired = false; // no admin yet: auth.setup with the printed setup token
    int maxFrameBytes = 0;
    qint64 maxAttachmentBytes = 0; // the largest file attachment.upload accepts; 0: unknown
    int attachmentChunkBytes = 0;
    int heartbeatSeconds = 0;
    int handshakeTimeoutSeconds = 0;
    QJsonObject code; // the code-session limits (CodeLimits::fromJson reads them)
};

/// Opens one transport to `url` for one connection attempt. The transport is created with
/// `parent` (the Connection deletes it to cancel an attempt). The factory calls `opened` once
/// the transport can carry frames, or `failed` with a reason if it never gets there; after
/// `opened`, the transport's `closed` signal reports the end.
using TransportFactory = std::function<Transport *(const QUrl &url, QObject *parent,
                                                   std::function<void()> opened,
                                                   std::function<void(const QString &reason)> failed)>;
/// Decides whether a wss:// server whose certificate failed the system's verification may still
/// be used (true: the socket ignores exactly those errors).
using CertificateCheck = std::function<bool(const QUrl &url, const QSslCertificate &certificate,
                                            const QList<QSslError> &errors)>;
/// The default: a QWebSocket (ws:// or wss://) wrapped in a WebSocketTransport. Without a
/// `check`, a certificate the system does not trust fails the attempt.
TransportFactory webSocketTransportFactory(CertificateCheck check = {});
/// For a server in the same process (the app hosting a class): each attempt creates an
/// InMemoryTransport pair and hands the server's end to `accept`, e.g.
/// `[server](Transport *end) { server->acceptTransport(end); }`. The URL is ignored.
TransportFactory inMemoryTransportFactory(std::function<void(Transport *serverEnd)> accept);

/// One signed-in account's connection to a Cohort server (docs/protocol.md).
///
/// After a successful sign-in the Connection keeps the session alive by itself: when the link
/// drops it waits (exponential backoff with full jitter), reconnects, signs in again with the
/// session token, rejoins every joined room from the last seen sequence number and resends the
/// outbox. It gives up only when the token is rejected (state SignedOut) or the server speaks
/// an incompatible protocol version (Offline with UnsupportedVersion).
///
/// Requests: every request gets exactly one callback (unless its context object, or the
/// Connection itself, is destroyed first). When the connection is not signed in, or drops
/// before the answer, the callback gets a local `unavailable` Reply, never synchronously. Plain requests are
/// NOT retried: the caller decides. Messages go through the Outbox, which retries them with
/// their clientId until the server has acknowledged them.
///
/// Rooms: the Connection remembers the highest seq seen per room (in the account's local cache),
/// drops events with a seq not above it and, after a `reset:true` join, clears the room's cache
/// and emits roomReset() before the replayed events.
class Connection : public QObject
{
    Q_OBJECT
    Q_PROPERTY(State state READ state NOTIFY stateChanged)
public:
    enum class State {
        Offline,      // not connected and not trying (never signed in, or a fatal error)
        Connecting,   // an attempt is running: opening, handshake, signing in
        Connected,    // signed in; requests flow
        Reconnecting, // waiting for the next attempt, see reconnectAt()
        SignedOut,    // signed out, or the token was rejected: sign in again
    };
    Q_ENUM(State)

    explicit Connection(QObject *parent = nullptr);
    ~Connection() override;

    // Configuration, before signing in (mostly for tests)
    void setTransportFactory(TransportFactory factory);
    void setClock(Clock clock);
    void setBackoffPolicy(const BackoffPolicy &policy);
    /// Where account caches live; empty (the default) means QStandardPaths::AppDataLocation.
    void setCacheRoot(const QString &root);
    /// Client-side dead-link detection: ping when nothing arrived for `pingAfterMs`, reconnect
    /// when nothing (no frame, no pong) arrived for `deadAfterMs`. 0 derives both from the
    /// server's heartbeatSeconds (ping after half a period, dead after three periods).
    void setHeartbeat(int pingAfterMs, int deadAfterMs);
    /// How long an attempt may take from opening the socket to signed in (default 15 s).
    void setConnectTimeout(int ms);
    /// How long a connection must stay up before the backoff starts again from its first
    /// delay (default 10 s).
    void setStableAfter(int ms);
    /// Interval of time.sync requests while connected (default 5 min; also after each connect).
    void setClockSyncInterval(int ms);

    // State
    State state() const { return m_state; }
    /// Why the connection is Offline, Reconnecting or SignedOut; nullopt after a clean start.
    std::optional<ErrorInfo> lastError() const { return m_lastError; }
    /// When the next attempt starts, local ms since the epoch; 0 unless Reconnecting.
    qint64 reconnectAt() const { return m_reconnectAt; }
    /// Whole seconds (rounded up) until the next attempt, for a countdown; 0 unless Reconnecting.
    int secondsUntilReconnect() const;
    /// Skips the wait of Reconnecting (e.g. the user clicked "Retry now").
    void reconnectNow();
    /// Disconnects and stops reconnecting, keeping the session: reconnectNow() resumes it.
    void goOffline();

    /// A wss:// certificate the system does not trust and the user has not trusted for that
    /// server (CertificateTrust): why the last attempt failed, until the next one starts.
    struct UntrustedCertificate
    {
        QUrl url;
        QSslCertificate certificate;
        QString fingerprint;
        /// Another certificate was trusted for this server before: it changed, which is also
        /// what an attacker in the middle looks like.
        bool changed = false;
        QStringList errors;
    };
    std::optional<UntrustedCertificate> untrustedCertificate() const { return m_untrusted; }
    CertificateTrust &certificateTrust() { return m_trust; }
    void setCertificateTrust(const CertificateTrust &trust) { m_trust = trust; }
    /// The operating system reports a network change (Wi-Fi back, another network). While
    /// Reconnecting and `reachable`, the next attempt starts at once instead of after the
    /// backoff. While Connected, the link may have died silently with the old address: it is
    /// probed with a ping and replaced unless something arrives within the probe timeout,
    /// instead of waiting out the heartbeat's dead time.
    void networkChanged(bool reachable);
    /// Calls networkChanged() on the system's reachability changes (QNetworkInformation),
    /// where the platform has a backend for it; false when it has none.
    bool followSystemNetwork();
    void setNetworkProbeTimeout(int ms) { m_networkProbeMs = ms; }

    QUrl url() const { return m_url; }
    ServerInfo serverInfo() const { return m_serverInfo; }
    UserInfo currentUser() const { return m_user; }
    /// The session token (empty when signed out); the UI may store it with TokenStore.
    QString token() const { return m_token; }
    qint64 tokenExpiresAt() const { return m_tokenExpiresAt; }

    // Sign-in flows. Each replaces any current connection, opens a new one to `url` and calls
    // `done` exactly once (dropped if `context` is gone). On success the state is Connected.
    void signIn(const QUrl &url, const QString &username, const QString &password,
                QObject *context, AuthCallback done);
    /// Resumes a stored session. Unlike the others, a network failure does not end it: `done`
    /// gets a local `unavailable` result, and the Connection keeps trying (Reconnecting) and
    /// emits signedIn() when it gets through. A rejected token gives `unauthorized` and SignedOut.
    void signInWithToken(const QUrl &url, const QString &token, QObject *context, AuthCallback done);
    void signUp(const QUrl &url, const QString &username, const QString &displayName,
                const QString &password, const QString &joinCode, QObject *context, AuthCallback done);
    void setup(const QUrl &url, const QString &setupToken, const QString &username,
               const QString &displayName, const QString &password, QObject *context, AuthCallback done);
    /// Asks the server for `welcome` only (no sign-in), e.g. to learn whether sign-up is allowed.
    void probe(const QUrl &url, QObject *context, std::function<void(const ServerInfo &, const std::optional<ErrorInfo> &)> done);
    /// Needs Connected. On success the new token replaces the old one (the server revoked all
    /// others); `done` gets it in `token`.
    void changePassword(const QString &currentPassword, const QString &newPassword,
                        QObject *context, AuthCallback done);
    /// Revokes the token on the server (when connected), forgets it, disconnects: SignedOut.
    /// After signedOut() it deletes the account's cache (deleteCache()), with the messages not
    /// sent yet: a session the server ends keeps it.
    void signOut();

    // Requests
    /// Sends a request; see the class comment for the exactly-once callback guarantee.
    void request(Protocol::Op op, const QJsonObject &data, QObject *context, ReplyCallback done);

    // Courses and rooms
    void listCourses(QObject *context, std::function<void(const Reply &, const QList<CourseInfo> &)> done);
    /// Generates the clientId; not retried automatically (call again: the server applies it once
    /// only if you pass the same clientId, so pass `clientId` when retrying).
    void createCourse(const QString &name, QObject *context,
                      std::function<void(const Reply &, const std::optional<CourseInfo> &)> done,
                      const QString &clientId = QString());
    void joinCourse(const QString &joinCode, QObject *context,
                    std::function<void(const Reply &, const std::optional<CourseInfo> &)> done);
    void listRooms(QObject *context, std::function<void(const Reply &, const QList<RoomInfo> &)> done);

    /// Subscribes to the room's events from now on and after every reconnect, replaying what
    /// was missed since the last seen seq. `done` (optional) gets the reply of the join sent
    /// now; when not connected it gets a local `unavailable` reply at once and the room is joined
    /// after the next sign-in (roomJoined). Joining a joined room answers ok at once.
    void joinRoom(RoomId room, QObject *context = nullptr, ReplyCallback done = {});
    /// A room another request subscribed this connection to (code.join subscribes a code
    /// session's room): its logged events are passed on through eventReceived() as they arrive,
    /// and the caller keeps its own position, since room.join would not resume it.
    void trackRoom(RoomId room) { m_trackedRooms.insert(room); }
    void untrackRoom(RoomId room) { m_trackedRooms.remove(room); }
    void leaveRoom(RoomId room);
    QList<RoomId> joinedRooms() const;
    /// The highest seq processed for the room (persisted in the cache), or the room's lastSeq
    /// when it was joined with nothing seen; 0 when none.
    qint64 lastSeenSeq(RoomId room) const;

    // Messages
    /// Queues the message in the outbox; returns its clientId (empty when no account is open).
    QString sendMessage(RoomId room, const QString &text);
    Outbox *outbox() const { return m_outbox; }
    /// The account's cache, open from the first successful sign-in on; nullptr before.
    LocalCache *cache() const { return m_cache.get(); }
    /// Closes the account's cache and deletes its folder: received events, drafts, the outbox
    /// and held messages, and the files cached next to them. Signing out does so, and the app
    /// quitting without "keep me signed in", so that the next person on a shared computer finds
    /// nothing of the account.
    void deleteCache();

    // Server clock
    /// The estimated server time now, ms since the epoch (local clock until the first sync).
    qint64 serverNow() const;
    qint64 clockOffsetMs() const { return m_clockOffset.offsetMs(); }
    bool isClockSynced() const { return m_clockOffset.hasEstimate(); }
    /// Sends one time.sync now (also done automatically).
    void syncClock();

Q_SIGNALS:
    void stateChanged(Cohort::Client::Connection::State state);
    /// Signed in: after a sign-in flow and after the silent sign-in with the token that follows
    /// every reconnect.
    void signedIn(const Cohort::UserInfo &user);
    /// The session ended: signOut(), or the server rejected or revoked the token.
    void signedOut(const Cohort::Client::ErrorInfo &reason);
    void serverInfoChanged(const Cohort::Client::ServerInfo &info);
    /// The token changed (sign-in, password change); the UI may store it again.
    void tokenChanged(const QString &token, qint64 expiresAt);
    /// Every new room event (seq above the last seen) and every connection-level event.
    void eventReceived(const Cohort::Protocol::Frame &frame);
    /// A `message.created` event, typed.
    void messageReceived(const Cohort::MessageInfo &message);
    /// The join result, after the replayed events were delivered.
    void roomJoined(Cohort::RoomId room, qint64 lastSeq);
    /// The server could not replay everything missed: drop what is shown for the room.
    /// Emitted before the replayed window of events.
    void roomReset(Cohort::RoomId room);
    void clockSynced(qint64 offsetMs, qint64 roundTripMs);

private:
    struct Pending
    {
        QPointer<QObject> context;
        bool hasContext = false;
        ReplyCallback done;
    };
    struct RoomState
    {
        bool joinInFlight = false;
        QList<Protocol::Frame> buffered; // events that arrived while the join was in flight
    };
    /// What the current attempt signs in with; after the first success always Resume (token).
    enum class Purpose { SignIn, Token, SignUp, Setup, Resume };

    void beginAuthFlow(Purpose purpose, const QUrl &url, const QJsonObject &data, QObject *context,
                       AuthCallback done);
    void completeAuthFlow(const AuthResult &result);
    void startAttempt();
    void onTransportOpened();
    void onTextReceived(const QString &text);
    void handleWelcome(const Protocol::Frame &frame);
    void handleReply(const Protocol::Frame &frame);
    void handleEvent(const Protocol::Frame &frame);
    void deliverEvent(const Protocol::Frame &frame, bool afterJoin);
    void authenticate();
    void onAuthReply(const Reply &reply);
    void onAuthenticated(const AuthResult &result);
    void sendJoin(RoomId room, QObject *context, ReplyCallback done);
    void onJoinReply(RoomId room, bool resumed, const Reply &reply);
    void openCacheFor(const QUrl &url, const QString &username);
    void linkLost(quint16 closeCode, const QString &reason);
    void endSession(const ErrorInfo &reason);
    void stopWithError(const ErrorInfo &error);
    void dropTransport(bool graceful);
    void failPending(const QString &message);
    void scheduleReconnect(qint64 minimumDelayMs = 0);
    void setState(State state);
    void heartbeatTick();
    void syncClockBurst(int remaining);
    void sendRequest(Protocol::Op op, const QJsonObject &data, QObject *context, ReplyCallback done);
    void sendFrame(const Protocol::Frame &frame);

    TransportFactory m_transportFactory;
    Clock m_clock;
    BackoffPolicy m_backoff;
    QString m_cacheRoot;
    int m_pingAfterMs = 0;
    int m_deadAfterMs = 0;
    int m_connectTimeoutMs = 15000;
    int m_stableAfterMs = 10000;
    int m_clockSyncIntervalMs = 5 * 60 * 1000;

    State m_state = State::Offline;
    std::optional<ErrorInfo> m_lastError;
    qint64 m_reconnectAt = 0;

    QUrl m_url;
    ServerInfo m_serverInfo;
    UserInfo m_user;
    QString m_token;
    qint64 m_tokenExpiresAt = 0;

    Transport *m_transport = nullptr;
    quint64 m_attempt = 0;       // identifies the current transport's callbacks
    bool m_opened = false;
    bool m_welcomed = false;
    bool m_signedIn = false;
    std::optional<ErrorInfo> m_serverError; // an error frame without id, explaining a close
    Purpose m_purpose = Purpose::Resume;
    QJsonObject m_authData;
    QPointer<QObject> m_authContext;
    bool m_authHasContext = false;
    AuthCallback m_authDone;

    quint64 m_nextId = 0;
    QHash<QString, Pending> m_pending;
    QHash<RoomId, RoomState> m_rooms; // joined rooms
    QSet<RoomId> m_trackedRooms;
    mutable QHash<RoomId, qint64> m_lastSeen; // mirror of the cache's last seq, also without a cache

    std::unique_ptr<LocalCache> m_cache;
    Outbox *m_outbox = nullptr;
    ClockOffsetEstimator m_clockOffset;
    bool m_clockFresh = false; // a sample arrived on the current connection

    QTimer m_reconnectTimer;
    QTimer m_connectTimer;
    QTimer m_heartbeatTimer;
    QTimer m_stableTimer;
    QTimer m_clockSyncTimer;
    QElapsedTimer m_sinceReceived; // monotonic: the injected clock may jump in tests
    QElapsedTimer m_sincePing;
    CertificateTrust m_trust;
    std::optional<UntrustedCertificate> m_untrusted;
    QElapsedTimer m_sinceProbe; // valid while a network-change probe waits for an answer
    int m_networkProbeMs = 5000;
};

} // namespace Cohort::Client
