// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "servercore.h"

#include "logging.h"
#include "metrics.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>

namespace Cohort::Server {

using namespace Protocol;

namespace {

constexpr int JoinCodeAttempts = 8;
/// Session lookups per sweep. A mass reconnect makes many checks due at once; the rest wait for
/// the next sweeps, and once done they stay spread out.
constexpr int MaxSessionChecksPerSweep = 200;

qint64 wallClockMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

QString stringField(const Request &r, const char *key)
{
    return r.data.value(QLatin1String(key)).toString();
}

qint64 integerField(const Request &r, const char *key)
{
    return r.data.value(QLatin1String(key)).toInteger();
}

QJsonObject tokenResult(const AuthOutcome &o)
{
    return {{QStringLiteral("token"), o.token},
            {QStringLiteral("expiresAt"), o.expiresAt},
            {QStringLiteral("user"), o.user.info.toJson()}};
}

} // namespace

ServerCore::ServerCore(const ServerConfig &config, Storage &storage, AuthService &auth, Metrics &metrics,
                       QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_storage(storage)
    , m_auth(auth)
    , m_metrics(metrics)
    , m_chat(*this, storage)
    , m_code(*this, storage)
{
    m_clock.start();
    // One timer for every connection: pings, heartbeat and sign-in timeouts, stuck closes,
    // session checks. Its period is a fraction of the shortest timeout so the deadlines are met
    // within 25%.
    const int shortest =
        std::min({m_config.heartbeatSeconds, m_config.handshakeTimeoutSeconds, m_config.sessionCheckSeconds}) * 1000;
    m_sweepTimer.setInterval(std::clamp(shortest / 4, 50, 1000));
    connect(&m_sweepTimer, &QTimer::timeout, this, &ServerCore::sweep);
    m_sweepTimer.start();
    connect(&m_auth, &AuthService::sessionsRevoked, this, &ServerCore::onSessionsRevoked);

    m_metrics.connections = [this] { return static_cast<qint64>(m_connections.size()); };
    m_metrics.activeRooms = [this] { return static_cast<qint64>(m_hub.activeRooms()); };
    m_metrics.roomSubscriptions = [this] { return m_hub.subscriptions(); };
}

ServerCore::~ServerCore()
{
    m_metrics.connections = nullptr;
    m_metrics.activeRooms = nullptr;
    m_metrics.roomSubscriptions = nullptr;
    const QSet<Connection *> connections = m_connections;
    for (Connection *c : connections) {
        c->disconnect(this);
        delete c;
    }
}

Connection *ServerCore::addConnection(Transport *transport)
{
    auto *connection = new Connection(transport, *this, nowMs());
    connection->setParent(this);
    m_connections.insert(connection);
    m_metrics.countConnectionAccepted();
    connect(connection, &Connection::finished, this, &ServerCore::onConnectionFinished);

    if (m_stopping) {
        connection->closeWith(1001, QStringLiteral("going away"));
        return connection;
    }
    const QString address = connection->address();
    if (m_admitted.size() >= m_config.maxConnections) {
        qCWarning(lcNet) << "connection limit" << m_config.maxConnections << "reached; refusing" << address;
        connection->closeWith(CloseTooManyConnections, QStringLiteral("too many connections"));
        return connection;
    }
    int &perAddress = m_perAddress[address];
    if (perAddress >= m_config.maxConnectionsPerAddress) {
        qCWarning(lcNet) << "per-address limit reached for" << address;
        connection->closeWith(CloseTooManyConnections, QStringLiteral("too many connections from this address"));
        return connection;
    }
    ++perAddress;
    m_admitted.insert(connection);
    return connection;
}

void ServerCore::onConnectionFinished(Connection *connection)
{
    if (!m_connections.remove(connection))
        return;
    if (connection->isSignedIn())
        onSigningOut(*connection);
    const RoomSet rooms = connection->joinedRooms();
    for (RoomId room : rooms)
        m_hub.leave(room, connection);
    connection->joinedRooms().clear();
    if (m_admitted.remove(connection)) {
        const auto it = m_perAddress.find(connection->address());
        if (it != m_perAddress.end() && --it.value() <= 0)
            m_perAddress.erase(it);
    }
    connection->deleteLater();
    if (m_stopping && m_connections.isEmpty())
        Q_EMIT drained();
}

void ServerCore::leaveRoom(Connection &connection, RoomId room)
{
    if (connection.joinedRooms().remove(room))
        m_hub.leave(room, &connection);
}

void ServerCore::onSignedIn(Connection &connection)
{
    m_chat.connectionSignedIn(connection);
}

void ServerCore::onSigningOut(Connection &connection)
{
    m_chat.connectionSignedOut(connection);
    m_code.connectionClosed(connection);
}

void ServerCore::stop()
{
    if (m_stopping)
        return;
    m_stopping = true;
    qCInfo(lcNet) << "stopping: closing" << m_connections.size() << "connections";
    const QSet<Connection *> connections = m_connections;
    for (Connection *c : connections)
        c->closeWith(1001, QStringLiteral("going away"));
    if (m_connections.isEmpty())
        QTimer::singleShot(0, this, &ServerCore::drained);
}

void ServerCore::sweep()
{
    const qint64 now = nowMs();
    const qint64 wallNow = wallClockMs();
    QList<Connection *> due;
    const QSet<Connection *> connections = m_connections;
    for (Connection *c : connections) {
        c->sweep(now);
        if (!c->isSignedIn() || c->isClosing() || c->passwordChangesPending() > 0)
            continue;
        if (c->sessionExpiresAt() <= wallNow) {
            qCInfo(lcNet) << "session expired for user" << c->userId().value() << "at" << c->address();
            c->closeWith(CloseSessionRevoked, QStringLiteral("session expired"));
        } else if (c->sessionCheckDueMs() <= now && due.size() < MaxSessionChecksPerSweep) {
            due.append(c);
        }
    }
    checkSessions(due, now);
}

void ServerCore::checkSessions(const QList<Connection *> &connections, qint64 now)
{
    const qint64 next = now + m_config.sessionCheckSeconds * 1000LL;
    for (Connection *c : connections) {
        if (db([&] { return m_storage.sessionByTokenHash(c->tokenHash()); })) {
            c->setSessionCheckDueMs(next);
            continue;
        }
        // A failed lookup also returns nothing: a database that does not answer ends no
        // session. The remaining checks wait an interval instead of failing one by one.
        if (!db([&] { return m_storage.ping(); })) {
            for (Connection *waiting : connections)
                waiting->setSessionCheckDueMs(next);
            return;
        }
        qCInfo(lcNet) << "session ended elsewhere for user" << c->userId().value() << "at" << c->address();
        c->closeWith(CloseSessionRevoked, QStringLiteral("session revoked"));
    }
}

QJsonObject ServerCore::welcomeData()
{
    QJsonObject data{{QStringLiteral("serverTime"), wallClockMs()},
            {QStringLiteral("heartbeatSeconds"), m_config.heartbeatSeconds},
            {QStringLiteral("handshakeTimeoutSeconds"), m_config.handshakeTimeoutSeconds},
            {QStringLiteral("maxFrameBytes"), m_config.maxFrameBytes},
            {QStringLiteral("signUp"), m_config.allowSignUp},
            {QStringLiteral("setupRequired"), db([this] { return m_auth.setupRequired(); })},
            {QStringLiteral("serverName"), m_config.serverName}};
    data.insert(QStringLiteral("attachments"), m_chat.attachmentLimits());
    data.insert(QStringLiteral("code"), m_code.limits());
    return data;
}

void ServerCore::observeDatabase(qint64 startNs)
{
    m_metrics.observeDatabase((m_clock.nsecsElapsed() - startNs) / 1e9);
}

void ServerCore::dispatch(Connection &c, const Request &r)
{
    switch (r.op) {
    case Op::AuthSignIn: return authSignIn(c, r);
    case Op::AuthToken: return authToken(c, r);
    case Op::AuthSignUp: return authSignUp(c, r);
    case Op::AuthSignOut: return authSignOut(c, r);
    case Op::AuthChangePassword: return authChangePassword(c, r);
    case Op::AuthSetup: return authSetup(c, r);
    case Op::TimeSync: return timeSync(c, r);
    case Op::CourseCreate: return courseCreate(c, r);
    case Op::CourseList: return courseList(c, r);
    case Op::CourseJoin: return courseJoin(c, r);
    case Op::CourseMembers: return courseMembers(c, r);
    case Op::CourseEnroll: return courseEnroll(c, r);
    case Op::RoomList: return m_chat.roomList(c, r);
    case Op::RoomJoin: return roomJoin(c, r);
    case Op::RoomLeave: return roomLeave(c, r);
    case Op::MessageSend: return m_chat.messageSend(c, r);
    case Op::MessageHistory: return m_chat.messageHistory(c, r);
    case Op::MessageEdit: return m_chat.messageEdit(c, r);
    case Op::MessageDelete: return m_chat.messageDelete(c, r);
    case Op::MessageReact: return m_chat.messageReact(c, r);
    case Op::RoomRead: return m_chat.roomRead(c, r);
    case Op::RoomReceipts: return m_chat.roomReceipts(c, r);
    case Op::Typing: return m_chat.typing(c, r);
    case Op::PresenceSet: return m_chat.presenceSet(c, r);
    case Op::PresenceGet: return m_chat.presenceGet(c, r);
    case Op::RoomCreate: return m_chat.roomCreate(c, r);
    case Op::RoomDirect: return m_chat.roomDirect(c, r);
    case Op::RoomUpdate: return m_chat.roomUpdate(c, r);
    case Op::RoomMembers: return m_chat.roomMembers(c, r);
    case Op::RoomAddMembers: return m_chat.roomAddMembers(c, r);
    case Op::RoomRemoveMember: return m_chat.roomRemoveMember(c, r);
    case Op::RoomSetRole: return m_chat.roomSetRole(c, r);
    case Op::RoomPrefs: return m_chat.roomPrefs(c, r);
    case Op::StudyBrowse: return m_chat.studyBrowse(c, r);
    case Op::StudyJoin: return m_chat.studyJoin(c, r);
    case Op::MessageSearch: return m_chat.messageSearch(c, r);
    case Op::AttachmentUpload: return m_chat.attachmentUpload(c, r);
    case Op::AttachmentChunk: return m_chat.attachmentChunk(c, r);
    case Op::AttachmentDownload: return m_chat.attachmentDownload(c, r);
    case Op::AttachmentCancel: return m_chat.attachmentCancel(c, r);
    case Op::CodeCreate: return m_code.codeCreate(c, r);
    case Op::CodeList: return m_code.codeList(c, r);
    case Op::CodeJoin: return m_code.codeJoin(c, r);
    case Op::CodeLeave: return m_code.codeLeave(c, r);
    case Op::CodeUpdate: return m_code.codeUpdate(c, r);
    case Op::CodeSetRole: return m_code.codeSetRole(c, r);
    case Op::CodeApprove: return m_code.codeApprove(c, r);
    case Op::FileCreate: return m_code.fileCreate(c, r);
    case Op::FileRename: return m_code.fileRename(c, r);
    case Op::FileDelete: return m_code.fileDelete(c, r);
    case Op::FileOpen: return m_code.fileOpen(c, r);
    case Op::DocUpdate: return m_code.docUpdate(c, r);
    case Op::Cursor: return m_code.cursor(c, r);
    case Op::CommentAdd: return m_code.commentAdd(c, r);
    case Op::CommentReply: return m_code.commentReply(c, r);
    case Op::CommentResolve: return m_code.commentResolve(c, r);
    case Op::CommentList: return m_code.commentList(c, r);
    case Op::VersionCreate: return m_code.versionCreate(c, r);
    case Op::VersionList: return m_code.versionList(c, r);
    case Op::VersionRestore: return m_code.versionRestore(c, r);
    case Op::CodeExport: return m_code.codeExport(c, r);
    case Op::CodeRemove: return m_code.codeRemove(c, r);
    case Op::VersionDelete: return m_code.versionDelete(c, r);
    case Op::CodeArchive: return m_code.codeArchive(c, r);
    case Op::CodeUnarchive: return m_code.codeUnarchive(c, r);
    case Op::CodeDelete: return m_code.codeDelete(c, r);
    }
    c.fail(r, ErrorCode::BadRequest, QStringLiteral("unknown op"));
}

void ServerCore::authReply(Connection &c, const Request &r, const AuthOutcome &o)
{
    if (!o.ok()) {
        c.fail(r, *o.error, o.message, o.retryAfterMs);
        return;
    }
    c.signIn(o.user, o.tokenHash, o.expiresAt);
    c.reply(r, tokenResult(o));
}

void ServerCore::authSignIn(Connection &c, const Request &r)
{
    c.beginAsync(r);
    m_auth.signIn(stringField(r, "username"), stringField(r, "password"), c.address(), &c,
                  [this, conn = &c, r](const AuthOutcome &o) { authReply(*conn, r, o); });
}

void ServerCore::authToken(Connection &c, const Request &r)
{
    authReply(c, r, db([&] { return m_auth.signInWithToken(stringField(r, "token")); }));
}

void ServerCore::authSignUp(Connection &c, const Request &r)
{
    if (!m_config.allowSignUp) {
        c.fail(r, ErrorCode::Forbidden, QStringLiteral("this server does not allow sign-up"));
        return;
    }
    c.beginAsync(r);
    m_auth.signUp(stringField(r, "username"), stringField(r, "displayName"), stringField(r, "password"),
                  stringField(r, "joinCode").trimmed().toUpper(), c.address(), &c,
                  [this, conn = &c, r](const AuthOutcome &o) {
                      if (!o.ok()) {
                          conn->fail(r, *o.error, o.message, o.retryAfterMs);
                          return;
                      }
                      conn->signIn(o.user, o.tokenHash, o.expiresAt);
                      QJsonObject result = tokenResult(o);
                      if (o.course) {
                          result.insert(QStringLiteral("course"), courseInfo(*o.course, Role::Student, *conn).toJson());
                          publishMemberJoined(*o.course, o.user.info);
                      }
                      conn->reply(r, result);
                  });
}

void ServerCore::authSetup(Connection &c, const Request &r)
{
    c.beginAsync(r);
    m_auth.setup(stringField(r, "setupToken"), stringField(r, "username"), stringField(r, "displayName"),
                 stringField(r, "password"), c.address(), &c,
                 [this, conn = &c, r](const AuthOutcome &o) { authReply(*conn, r, o); });
}

void ServerCore::authSignOut(Connection &c, const Request &r)
{
    const QByteArray tokenHash = c.tokenHash();
    const UserId user = c.userId();
    // Signed out first, so the revocation that follows does not close this connection.
    c.signOut();
    const qint64 start = nowNs();
    m_auth.signOut(tokenHash, user);
    observeDatabase(start);
    c.reply(r, {});
}

void ServerCore::authChangePassword(Connection &c, const Request &r)
{
    c.beginAsync(r);
    c.setPasswordChangesPending(c.passwordChangesPending() + 1);
    m_auth.changePassword(c.userId(), stringField(r, "currentPassword"), stringField(r, "newPassword"), &c,
                          [conn = &c, r](const AuthOutcome &o) {
                              conn->setPasswordChangesPending(conn->passwordChangesPending() - 1);
                              if (!o.ok()) {
                                  conn->fail(r, *o.error, o.message, o.retryAfterMs);
                                  return;
                              }
                              conn->setSession(o.tokenHash, o.expiresAt);
                              conn->reply(r, {{QStringLiteral("token"), o.token},
                                              {QStringLiteral("expiresAt"), o.expiresAt}});
                          });
}

void ServerCore::onSessionsRevoked(UserId user, const QByteArray &tokenHash, const QByteArray &keepTokenHash)
{
    const QSet<Connection *> connections = m_connections;
    for (Connection *c : connections) {
        if (c->userId() != user || c->isClosing())
            continue;
        const bool affected = tokenHash.isEmpty()
            ? c->tokenHash() != keepTokenHash && c->passwordChangesPending() == 0
            : c->tokenHash() == tokenHash;
        if (affected) {
            qCInfo(lcNet) << "session revoked for user" << user.value() << "at" << c->address();
            c->closeWith(CloseSessionRevoked, QStringLiteral("session revoked"));
        }
    }
}

void ServerCore::timeSync(Connection &c, const Request &r)
{
    c.reply(r, {{QStringLiteral("clientTime"), integerField(r, "clientTime")},
                {QStringLiteral("serverTime"), wallClockMs()}});
}

CourseInfo ServerCore::courseInfo(const CourseRecord &course, Role memberRole, const Connection &c) const
{
    CourseInfo info;
    info.id = course.id;
    info.name = course.name;
    info.roomId = course.roomId;
    info.memberRole = memberRole;
    if (memberRole == Role::Instructor || c.user().info.role == Role::Admin)
        info.joinCode = course.joinCode;
    return info;
}

void ServerCore::courseCreate(Connection &c, const Request &r)
{
    if (c.user().info.role == Role::Student) {
        c.fail(r, ErrorCode::Forbidden, QStringLiteral("only instructors and admins create courses"));
        return;
    }
    const QString name = stringField(r, "name").trimmed();
    if (name.isEmpty()) {
        c.fail(r, ErrorCode::BadRequest, QStringLiteral("field 'name' must not be blank"));
        return;
    }
    StorageResult<CourseRecord> created;
    for (int attempt = 0; attempt < JoinCodeAttempts; ++attempt) {
        // A clash can only be the random join code: a repeated clientId returns the first course.
        created = db([&] { return m_storage.createCourse(name, c.userId(), generateJoinCode(), stringField(r, "clientId")); });
        if (created.ok() || created.error != StorageError::Conflict)
            break;
    }
    if (!created.ok()) {
        qCWarning(lcNet) << "course.create failed:" << created.message;
        c.fail(r, ErrorCode::Internal, QStringLiteral("the course could not be created"));
        return;
    }
    const CourseRecord &course = *created.value;
    if (db([&] { return m_storage.courseRole(course.id, c.userId()); }) != Role::Instructor
        && !db([&] { return m_storage.addCourseMember(course.id, c.userId(), Role::Instructor); })) {
        c.fail(r, ErrorCode::Internal, QStringLiteral("the course was created but its instructor could not be added"));
        return;
    }
    c.reply(r, {{QStringLiteral("course"), courseInfo(course, Role::Instructor, c).toJson()}});
}

void ServerCore::courseList(Connection &c, const Request &r)
{
    const bool admin = c.user().info.role == Role::Admin;
    QList<CourseInfo> courses = db([&] { return m_storage.coursesOfUser(c.userId()); });
    if (admin) {
        // Admins see every course: in those they are not a member of, their role is "admin".
        QHash<CourseId, Role> memberships;
        for (const CourseInfo &course : std::as_const(courses))
            memberships.insert(course.id, course.memberRole);
        courses = db([&] { return m_storage.allCourses(); });
        for (CourseInfo &course : courses)
            course.memberRole = memberships.value(course.id, Role::Admin);
    }
    QJsonArray list;
    for (CourseInfo course : std::as_const(courses)) {
        if (course.memberRole != Role::Instructor && !admin)
            course.joinCode.clear();
        list.append(course.toJson());
    }
    c.reply(r, {{QStringLiteral("courses"), list}});
}

std::optional<std::pair<CourseRecord, std::optional<Role>>> ServerCore::visibleCourse(Connection &c, CourseId id)
{
    const std::optional<CourseRecord> course = db([&] { return m_storage.courseById(id); });
    if (!course)
        return std::nullopt;
    const std::optional<Role> role = db([&] { return m_storage.courseRole(id, c.userId()); });
    if (!role && c.user().info.role != Role::Admin)
        return std::nullopt;
    return std::make_pair(*course, role);
}

void ServerCore::courseJoin(Connection &c, const Request &r)
{
    if (!m_config.allowSignUp) {
        c.fail(r, ErrorCode::Forbidden, QStringLiteral("this server does not allow joining courses by code"));
        return;
    }
    const QString code = stringField(r, "joinCode").trimmed().toUpper();
    const std::optional<CourseRecord> course = db([&] { return m_storage.courseByJoinCode(code); });
    if (!course) {
        c.fail(r, ErrorCode::NotFound, QStringLiteral("no course has this join code"));
        return;
    }
    std::optional<Role> role = db([&] { return m_storage.courseRole(course->id, c.userId()); });
    if (!role) {
        if (!db([&] { return m_storage.addCourseMember(course->id, c.userId(), Role::Student); })) {
            c.fail(r, ErrorCode::Internal, QStringLiteral("the course could not be joined"));
            return;
        }
        role = Role::Student;
        publishMemberJoined(*course, c.user().info);
    }
    c.reply(r, {{QStringLiteral("course"), courseInfo(*course, *role, c).toJson()}});
}

void ServerCore::courseMembers(Connection &c, const Request &r)
{
    const auto visible = visibleCourse(c, CourseId(integerField(r, "courseId")));
    if (!visible) {
        c.fail(r, ErrorCode::NotFound, QStringLiteral("no such course"));
        return;
    }
    const QList<MemberInfo> members = db([&] { return m_storage.courseMembers(visible->first.id); });
    QJsonArray list;
    for (const MemberInfo &member : members)
        list.append(member.toJson());
    c.reply(r, {{QStringLiteral("members"), list}});
}

void ServerCore::courseEnroll(Connection &c, const Request &r)
{
    const auto visible = visibleCourse(c, CourseId(integerField(r, "courseId")));
    if (!visible) {
        c.fail(r, ErrorCode::NotFound, QStringLiteral("no such course"));
        return;
    }
    if (c.user().info.role != Role::Admin && visible->second != Role::Instructor) {
        c.fail(r, ErrorCode::Forbidden, QStringLiteral("only the course's instructors enrol students"));
        return;
    }
    const CourseRecord &course = visible->first;
    QJsonArray enrolled;
    QJsonArray unknown;
    const QJsonArray usernames = r.data.value(QStringLiteral("usernames")).toArray();
    for (const QJsonValue &value : usernames) {
        const QString username = value.toString();
        const std::optional<UserRecord> user = db([&] { return m_storage.userByName(username); });
        if (!user) {
            unknown.append(username);
            continue;
        }
        if (!db([&] { return m_storage.courseRole(course.id, user->info.id); })) {
            if (!db([&] { return m_storage.addCourseMember(course.id, user->info.id, Role::Student); })) {
                c.fail(r, ErrorCode::Internal, QStringLiteral("enrolment failed at '%1'").arg(username));
                return;
            }
            publishMemberJoined(course, user->info);
        }
        enrolled.append(username);
    }
    c.reply(r, {{QStringLiteral("enrolled"), enrolled}, {QStringLiteral("unknown"), unknown}});
}

std::optional<RoomInfo> ServerCore::accessibleRoom(Connection &c, RoomId id)
{
    std::optional<RoomInfo> room = db([&] { return m_storage.roomById(id); });
    if (!room)
        return std::nullopt;
    if (c.user().info.role != Role::Admin && !db([&] { return m_storage.roomRole(id, c.userId()); }))
        return std::nullopt;
    return room;
}

void ServerCore::roomJoin(Connection &c, const Request &r)
{
    const RoomId roomId(integerField(r, "roomId"));
    const std::optional<RoomInfo> room = accessibleRoom(c, roomId);
    if (!room) {
        c.fail(r, ErrorCode::NotFound, QStringLiteral("no such room"));
        return;
    }
    const qint64 lastSeq = db([&] { return m_storage.lastSeq(roomId); });
    bool reset = false;
    if (r.data.contains(QStringLiteral("since")) && !c.joinedRooms().contains(roomId)) {
        const qint64 since = integerField(r, "since");
        QList<EventRecord> missed;
        if (since > lastSeq || lastSeq - since > m_config.resumeWindow) {
            // Too far behind (or ahead of a restored database): the newest window and a reset.
            reset = true;
            missed = db([&] { return m_storage.latestEvents(roomId, m_config.resumeWindow); });
        } else if (since < lastSeq) {
            missed = db([&] { return m_storage.eventsAfter(roomId, since, m_config.resumeWindow); });
        }
        c.beginReplay();
        for (const EventRecord &event : missed)
            c.sendEvent(eventFrameText(event));
        c.endReplay();
        m_metrics.addEventsDelivered(missed.size());
    }
    // No event loop turn between the replay and the subscription: nothing can slip in between.
    c.joinedRooms().insert(roomId);
    m_hub.join(roomId, &c);
    RoomInfo info = *room;
    info.lastSeq = lastSeq;
    c.reply(r, {{QStringLiteral("room"), info.toJson()},
                {QStringLiteral("lastSeq"), lastSeq},
                {QStringLiteral("reset"), reset}});
}

void ServerCore::roomLeave(Connection &c, const Request &r)
{
    leaveRoom(c, RoomId(integerField(r, "roomId")));
    c.reply(r, {});
}

StorageResult<EventRecord> ServerCore::append(RoomId room, const QString &kind, UserId sender, const QString &clientId,
                                              const QJsonObject &data)
{
    const QByteArray payload = QJsonDocument(data).toJson(QJsonDocument::Compact);
    return db([&] { return m_storage.appendEvent(room, kind, sender, clientId, payload, wallClockMs()); });
}

void ServerCore::publish(const EventRecord &event)
{
    // A retried clientId returns the original event, which was published the first time.
    if (event.created)
        m_metrics.addEventsDelivered(m_hub.broadcast(event.roomId, eventFrameText(event)));
}

void ServerCore::publishMemberJoined(const CourseRecord &course, const UserInfo &user)
{
    const StorageResult<EventRecord> stored =
        append(course.roomId, EventMemberJoined, user.id, QString(), {{QStringLiteral("user"), user.toJson()}});
    if (!stored.ok()) {
        qCWarning(lcNet) << "member.joined for course" << course.id.value() << "not stored:" << stored.message;
        return;
    }
    publish(*stored.value);
    m_chat.announceCourseRooms(course.id, user.id);
}

} // namespace Cohort::Server
