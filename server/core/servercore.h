// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "authservice.h"
#include "chatservice.h"
#include "codeservice.h"
#include "connection.h"
#include "roomhub.h"
#include "serverconfig.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QTimer>

namespace Cohort::Server {

class Metrics;

/// The transport-independent heart of the server: connections, request dispatch, rooms and
/// fan-out. CohortServer feeds it WebSocket connections; unit tests feed it InMemoryTransports.
/// Everything runs on one thread and every storage write is synchronous, which is what makes
/// replay-then-subscribe on room.join free of gaps and duplicates.
class ServerCore : public QObject
{
    Q_OBJECT
public:
    ServerCore(const ServerConfig &config, Storage &storage, AuthService &auth, Metrics &metrics,
               QObject *parent = nullptr);
    ~ServerCore() override;

    /// Serves a new connection; the core takes ownership of the transport.
    Connection *addConnection(Transport *transport);
    qsizetype connectionCount() const { return m_connections.size(); }
    const RoomHub &hub() const { return m_hub; }

    /// Stops reading requests and closes every connection with 1001; `drained` follows once all
    /// are gone (connections that do not finish the closing handshake are aborted).
    void stop();
    bool isStopping() const { return m_stopping; }

    const ServerConfig &config() const { return m_config; }
    Metrics &metrics() { return m_metrics; }
    qint64 nowMs() const { return m_clock.elapsed(); }
    qint64 nowNs() const { return m_clock.nsecsElapsed(); }

    QJsonObject welcomeData();
    /// Handles a request that passed the envelope, rate and sign-in checks.
    void dispatch(Connection &connection, const Request &request);
    void onConnectionFinished(Connection *connection);
    void leaveRoom(Connection &connection, RoomId room);
    /// A connection signed in; it is signing out (or closing) while still signed in.
    void onSignedIn(Connection &connection);
    void onSigningOut(Connection &connection);

Q_SIGNALS:
    void drained();

private:
    friend class ChatService; // the chat ops use the storage timing, append and publish below
    friend class CodeService; // so do the code-session ops, and they subscribe to their rooms

    void sweep();
    /// Looks up the session rows of these signed-in connections and closes those whose row is
    /// gone with 4005.
    void checkSessions(const QList<Connection *> &connections, qint64 now);
    void onSessionsRevoked(Cohort::UserId user, const QByteArray &tokenHash, const QByteArray &keepTokenHash);

    void authSignIn(Connection &c, const Request &r);
    void authToken(Connection &c, const Request &r);
    void authSignUp(Connection &c, const Request &r);
    void authSetup(Connection &c, const Request &r);
    void authSignOut(Connection &c, const Request &r);
    void authChangePassword(Connection &c, const Request &r);
    void timeSync(Connection &c, const Request &r);
    void courseCreate(Connection &c, const Request &r);
    void courseList(Connection &c, const Request &r);
    void courseJoin(Connection &c, const Request &r);
    void courseMembers(Connection &c, const Request &r);
    void courseEnroll(Connection &c, const Request &r);
    void roomJoin(Connection &c, const Request &r);
    void roomLeave(Connection &c, const Request &r);

    std::optional<RoomInfo> accessibleRoom(Connection &c, RoomId room);
    /// The course and the user's role in it, or nothing when the user may not know the course.
    std::optional<std::pair<CourseRecord, std::optional<Role>>> visibleCourse(Connection &c, CourseId id);
    CourseInfo courseInfo(const CourseRecord &course, Role memberRole, const Connection &c) const;
    /// Appends an event to the room's log; the caller publishes it once answered.
    StorageResult<EventRecord> append(RoomId room, const QString &kind, UserId sender, const QString &clientId,
                                      const QJsonObject &data);
    /// Fans a newly stored event out to the room's connections; a retried one was sent already.
    void publish(const EventRecord &event);
    void publishMemberJoined(const CourseRecord &course, const UserInfo &user);
    /// Runs one storage call and records its duration.
    template<typename F>
    auto db(F &&call)
    {
        const qint64 start = m_clock.nsecsElapsed();
        auto result = call();
        observeDatabase(start);
        return result;
    }
    void observeDatabase(qint64 startNs);
    void authReply(Connection &c, const Request &r, const AuthOutcome &outcome);

    ServerConfig m_config;
    Storage &m_storage;
    AuthService &m_auth;
    Metrics &m_metrics;
    RoomHub m_hub;
    ChatService m_chat;
    CodeService m_code;
    QElapsedTimer m_clock;
    QTimer m_sweepTimer;
    QSet<Connection *> m_connections;
    QHash<QString, int> m_perAddress;
    QSet<Connection *> m_admitted;
    bool m_stopping = false;
};

} // namespace Cohort::Server
