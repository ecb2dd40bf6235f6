// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "codeservice.h"

#include "metrics.h"
#include "servercore.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QRandomGenerator>

#include <algorithm>
#include <vector>

Q_LOGGING_CATEGORY(lcCode, "cohort.server.code")

namespace Cohort::Server {

using namespace Protocol;

namespace {

/// The agent id of the server's own replicas. Clients get 32-bit ids, so no client ever
/// inserts under it: the server alone types under it (imported content, version restores).
constexpr Collab::AgentId ServerAgent = Collab::AgentId(1) << 40;
constexpr qint64 MaxAgent = 0xFFFFFFFFLL;
constexpr int AgentAttempts = 8;

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

bool hasField(const Request &r, const char *key)
{
    const QJsonValue value = r.data.value(QLatin1String(key));
    return !value.isUndefined() && !value.isNull();
}

QString normalizedAccessCode(const QString &code)
{
    return code.trimmed().toUpper();
}

/// Strict base64: anything but the standard alphabet with padding is refused.
std::optional<QByteArray> fromBase64(const QString &text)
{
    const QByteArray::FromBase64Result decoded = QByteArray::fromBase64Encoding(
        text.toLatin1(), QByteArray::Base64Encoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return std::nullopt;
    return decoded.decoded;
}

QString toBase64(const QByteArray &bytes)
{
    return QString::fromLatin1(bytes.toBase64());
}

/// Relative paths of '/'-separated names: no empty, '.' or '..' segment, no backslash, no
/// control character. The client writes them to disk on export, so they must stay inside.
bool isValidPath(const QString &path)
{
    if (path.isEmpty() || path.size() > MaxCodePathLength)
        return false;
    for (const QChar c : path) {
        if (c.unicode() < 0x20 || c == QLatin1Char('\\') || c.unicode() == 0x7F)
            return false;
    }
    const QStringList segments = path.split(QLatin1Char('/'));
    return std::none_of(segments.cbegin(), segments.cend(), [](const QString &segment) {
        return segment.isEmpty() || segment == QLatin1String(".") || segment == QLatin1String("..")
            || segment.trimmed() != segment;
    });
}

bool isValidLanguage(const QString &language)
{
    if (language.isEmpty() || language.size() > 32)
        return false;
    return std::all_of(language.cbegin(), language.cend(), [](QChar c) {
        return (c >= QLatin1Char('a') && c <= QLatin1Char('z')) || (c >= QLatin1Char('0') && c <= QLatin1Char('9'))
            || c == QLatin1Char('+') || c == QLatin1Char('#') || c == QLatin1Char('-') || c == QLatin1Char('.');
    });
}

std::optional<Collab::Anchor> anchorField(const Request &r, const char *key)
{
    const std::optional<QByteArray> bytes = fromBase64(stringField(r, key));
    if (!bytes)
        return std::nullopt;
    return Collab::Anchor::fromBytes(*bytes);
}

/// The smallest edit that turns `from` into `to`: the differing middle between the common
/// prefix and the common suffix (never splitting a surrogate pair).
struct TextEdit
{
    qsizetype position = 0;
    qsizetype removed = 0;
    QString inserted;
};

TextEdit difference(const QString &from, const QString &to)
{
    qsizetype prefix = 0;
    const qsizetype shorter = std::min(from.size(), to.size());
    while (prefix < shorter && from.at(prefix) == to.at(prefix))
        ++prefix;
    if (prefix > 0 && from.at(prefix - 1).isHighSurrogate())
        --prefix;
    qsizetype suffix = 0;
    while (suffix < shorter - prefix && from.at(from.size() - 1 - suffix) == to.at(to.size() - 1 - suffix))
        ++suffix;
    if (suffix > 0 && from.at(from.size() - suffix).isLowSurrogate())
        --suffix;
    return {prefix, from.size() - prefix - suffix, to.mid(prefix, to.size() - prefix - suffix)};
}

} // namespace

CodeService::CodeService(ServerCore &core, Storage &storage)
    : m_core(core)
    , m_storage(storage)
    , m_code(storage.code())
{
    m_cursorTimer.setInterval(int(CursorIntervalMs) / 2);
    QObject::connect(&m_cursorTimer, &QTimer::timeout, &m_core, [this] { relayCursors(); });
}

CodeService::~CodeService() = default;

// Helpers

QJsonObject CodeService::sessionJson(const CodeSessionRecord &s, std::optional<CodeRole> myRole, bool withAccessCode) const
{
    QJsonObject json{{QStringLiteral("id"), s.id.value()},
                     {QStringLiteral("roomId"), s.roomId.value()},
                     {QStringLiteral("title"), s.title},
                     {QStringLiteral("ownerId"), s.ownerId.value()},
                     {QStringLiteral("scope"), s.courseScope ? QStringLiteral("course") : QStringLiteral("private")},
                     {QStringLiteral("hasAccessCode"), !s.accessCode.isEmpty()},
                     {QStringLiteral("maxCollaborators"), s.maxCollaborators},
                     {QStringLiteral("locked"), s.locked},
                     {QStringLiteral("approval"), s.approval},
                     {QStringLiteral("lecture"), s.lecture},
                     {QStringLiteral("participantCount"), s.participantCount},
                     {QStringLiteral("createdAt"), s.createdAt},
                     {QStringLiteral("myRole"), myRole ? QJsonValue(codeRoleName(*myRole)) : QJsonValue()}};
    if (s.courseId.isValid())
        json.insert(QStringLiteral("courseId"), s.courseId.value());
    json.insert(QStringLiteral("archived"), s.isArchived());
    if (s.isArchived())
        json.insert(QStringLiteral("archivedAt"), s.archivedAt);
    if (withAccessCode)
        json.insert(QStringLiteral("accessCode"), s.accessCode);
    return json;
}

QJsonObject CodeService::sessionJsonFor(const CodeSessionRecord &session, UserId user)
{
    const std::optional<CodeRole> role = m_core.db([&] { return m_code.codeRole(session.id, user); });
    return sessionJson(session, role, role == CodeRole::Host);
}

QJsonObject CodeService::participantJson(const LiveSession &session, const UserInfo &user, CodeRole role) const
{
    return {{QStringLiteral("user"), user.toJson()},
            {QStringLiteral("role"), codeRoleName(role)},
            {QStringLiteral("online"), isOnline(session, user.id)}};
}

QJsonObject CodeService::fileJson(const CodeFileRecord &file)
{
    return {{QStringLiteral("id"), file.id.value()},
            {QStringLiteral("path"), file.path},
            {QStringLiteral("language"), file.language},
            {QStringLiteral("n"), file.lastN}};
}

QJsonObject CodeService::commentJson(const CodeCommentRecord &comment)
{
    return {{QStringLiteral("id"), comment.id.value()},
            {QStringLiteral("fileId"), comment.fileId.value()},
            {QStringLiteral("parentId"), comment.parentId.value()},
            {QStringLiteral("author"), comment.author.toJson()},
            {QStringLiteral("anchorStart"), toBase64(comment.anchorStart)},
            {QStringLiteral("anchorEnd"), toBase64(comment.anchorEnd)},
            {QStringLiteral("text"), comment.text},
            {QStringLiteral("resolved"), comment.resolved},
            {QStringLiteral("createdAt"), comment.createdAt}};
}

QJsonObject CodeService::versionJson(const CodeVersionRecord &version)
{
    return {{QStringLiteral("id"), version.id.value()},
            {QStringLiteral("name"), version.name},
            {QStringLiteral("createdBy"), version.createdBy.value()},
            {QStringLiteral("createdAt"), version.createdAt},
            {QStringLiteral("files"), version.files}};
}

void CodeService::sendLarge(Connection &c, const Request &r, const QJsonObject &result)
{
    // A whole file (up to 1 Mi characters) or a whole session may exceed the pending-bytes
    // limit that cuts off slow consumers; like a resume replay, the answer the client asked for
    // is let through in one burst, and the limit applies again on top of it. Only while the
    // client reads, though: one that asks again before it has read the last burst gets the
    // answer under the limit, so it cannot make the server queue whole sessions without end.
    if (c.transport()->pendingBytes() > m_core.config().maxPendingBytesPerConnection) {
        c.reply(r, result);
        return;
    }
    c.beginReplay();
    c.reply(r, result);
    c.endReplay();
}

bool CodeService::isOnline(const LiveSession &session, UserId user) const
{
    return std::any_of(session.connections.cbegin(), session.connections.cend(),
                       [user](const Connection *c) { return c->userId() == user; });
}

void CodeService::sendEphemeral(const QList<Connection *> &to, const QString &event, const QJsonObject &data,
                                Connection *skip)
{
    if (to.isEmpty())
        return;
    const PreparedText frame(encode(Protocol::event(event, RoomId(), 0, wallClockMs(), data)));
    qsizetype sent = 0;
    for (Connection *connection : to) {
        if (connection != skip) {
            connection->sendEvent(frame);
            ++sent;
        }
    }
    m_core.metrics().addEventsDelivered(sent);
}

bool CodeService::isCourseMember(CourseId course, UserId user)
{
    return course.isValid() && m_core.db([&] { return m_storage.courseRole(course, user); }).has_value();
}

bool CodeService::mayKnow(const CodeSessionRecord &session, const UserRecord &user)
{
    if (user.info.role == Role::Admin || m_core.db([&] { return m_code.codeRole(session.id, user.info.id); }))
        return true;
    return session.courseScope && isCourseMember(session.courseId, user.info.id);
}

CodeService::LiveSession *CodeService::loadSession(CodeSessionId id)
{
    if (const auto it = m_sessions.find(id.value()); it != m_sessions.end())
        return it->second.get();
    const std::optional<CodeSessionRecord> record = m_core.db([&] { return m_code.codeSession(id); });
    if (!record)
        return nullptr;
    auto live = std::make_unique<LiveSession>();
    live->record = *record;
    for (const CodeParticipantRecord &p : m_core.db([&] { return m_code.codeParticipants(id); }))
        live->roles.insert(p.user.id, p.role);
    live->agents = m_core.db([&] { return m_code.codeAgents(id); });
    live->removed = m_core.db([&] { return m_code.codeRemovedUsers(id); });
    LiveSession *session = live.get();
    m_sessions.emplace(id.value(), std::move(live));
    return session;
}

CodeService::LiveSession *CodeService::joinedSession(Connection &c, const Request &r)
{
    const CodeSessionId id(integerField(r, "sessionId"));
    if (m_joined.value(&c).contains(id)) {
        // Once joined, a user stays a participant: roles only move between host, editor and viewer.
        return m_sessions.at(id.value()).get();
    }
    const std::optional<CodeSessionRecord> record = m_core.db([&] { return m_code.codeSession(id); });
    if (!record || !mayKnow(*record, c.user())) {
        c.fail(r, ErrorCode::NotFound, QStringLiteral("no such code session"));
        return nullptr;
    }
    c.fail(r, ErrorCode::Forbidden, QStringLiteral("join the session first"));
    return nullptr;
}

bool CodeService::requireRole(Connection &c, const Request &r, const LiveSession &session, CodeRole least)
{
    const CodeRole role = session.roles.value(c.userId(), CodeRole::Pending);
    if (role >= least)
        return true;
    c.fail(r, ErrorCode::Forbidden,
           least == CodeRole::Host ? QStringLiteral("only a host of the session may do this")
                                   : QStringLiteral("viewers may not change the session's files"));
    return false;
}

bool CodeService::requireLive(Connection &c, const Request &r, const LiveSession &session)
{
    if (!session.record.isArchived())
        return true;
    c.fail(r, ErrorCode::Conflict, QStringLiteral("the session is archived; its owner may unarchive it"));
    return false;
}

std::optional<CodeFileRecord> CodeService::sessionFile(Connection &c, const Request &r, const LiveSession &session)
{
    const CodeFileId id(integerField(r, "fileId"));
    if (const auto it = m_files.find(id.value()); it != m_files.end() && it->second->record.sessionId == session.record.id)
        return it->second->record;
    const std::optional<CodeFileRecord> file = m_core.db([&] { return m_code.codeFile(id); });
    if (!file || file->sessionId != session.record.id) {
        c.fail(r, ErrorCode::NotFound, QStringLiteral("no such file in this session"));
        return std::nullopt;
    }
    if (file->deleted) {
        c.fail(r, ErrorCode::NotFound, QStringLiteral("the file was deleted"));
        return std::nullopt;
    }
    return file;
}

CodeService::LiveFile *CodeService::loadFile(const CodeFileRecord &record)
{
    if (const auto it = m_files.find(record.id.value()); it != m_files.end())
        return it->second.get();
    const std::optional<CodeFileContent> content = m_core.db([&] { return m_code.codeFileContent(record.id); });
    if (!content)
        return nullptr;
    std::optional<Collab::Document> document = Collab::Document::decode(ServerAgent, content->snapshot);
    if (!document) {
        qCWarning(lcCode) << "file" << record.id.value() << "has an unreadable snapshot";
        return nullptr;
    }
    for (const QByteArray &update : content->updates) {
        if (!document->apply(update).ok())
            qCWarning(lcCode) << "file" << record.id.value() << "has an unreadable update in its log";
    }
    auto live = std::make_unique<LiveFile>(LiveFile{record, std::move(*document), {}});
    live->record.lastN = content->lastN;
    live->record.snapshotN = content->snapshotN;
    LiveFile *file = live.get();
    m_files.emplace(record.id.value(), std::move(live));
    return file;
}

void CodeService::releaseFile(CodeFileId id)
{
    const auto it = m_files.find(id.value());
    if (it != m_files.end() && it->second->watchers.isEmpty())
        m_files.erase(it);
}

std::optional<QJsonObject> CodeService::retried(Connection &c, const Request &r, const LiveSession &session,
                                                const QString &kind)
{
    return retried(c, r, session.record.roomId, kind);
}

std::optional<QJsonObject> CodeService::retried(Connection &c, const Request &r, RoomId room, const QString &kind)
{
    const QString clientId = stringField(r, "clientId");
    if (clientId.isEmpty())
        return std::nullopt;
    const std::optional<EventRecord> stored =
        m_core.db([&] { return m_storage.eventByClientId(room, c.userId(), clientId); });
    if (!stored || stored->kind != kind)
        return std::nullopt;
    return QJsonDocument::fromJson(stored->payload).object();
}

// Sessions

void CodeService::codeCreate(Connection &c, const Request &r)
{
    CodeSessionRecord session;
    session.title = stringField(r, "title").trimmed();
    if (session.title.isEmpty()) {
        c.fail(r, ErrorCode::BadRequest, QStringLiteral("field 'title' must not be blank"));
        return;
    }
    session.courseScope = stringField(r, "scope") == QLatin1String("course");
    session.courseId = CourseId(integerField(r, "courseId"));
    if (session.courseScope && !session.courseId.isValid()) {
        c.fail(r, ErrorCode::BadRequest, QStringLiteral("a course session needs field 'courseId'"));
        return;
    }
    const bool admin = c.user().info.role == Role::Admin;
    if (session.courseId.isValid()) {
        const std::optional<Role> courseRole = m_core.db([&] { return m_storage.courseRole(session.courseId, c.userId()); });
        if ((!courseRole && !admin) || !m_core.db([&] { return m_storage.courseById(session.courseId); })) {
            c.fail(r, ErrorCode::NotFound, QStringLiteral("no such course"));
            return;
        }
        if (session.courseScope && courseRole != Role::Instructor && !admin) {
            c.fail(r, ErrorCode::Forbidden, QStringLiteral("only the course's instructors create course sessions"));
            return;
        }
    }
    // A retry gets the session made the first time, also when that one took the last place.
    if (const std::optional<CodeSessionRecord> first =
            m_core.db([&] { return m_code.codeSessionByClientId(c.userId(), stringField(r, "clientId")); })) {
        c.reply(r, {{QStringLiteral("session"), sessionJson(*first, CodeRole::Host, true)}});
        return;
    }
    if (!roomToStore(c, r, c.userId()))
        return;
    if (!placeInQuota(c, r, c.userId(),
                      QStringLiteral("you own %1 open code sessions, the most allowed; archive or lock one you no longer use"),
                      QStringLiteral("the session could not be created")))
        return;
    session.accessCode = normalizedAccessCode(stringField(r, "accessCode"));
    if (hasField(r, "accessCode") && session.accessCode.size() < 4) {
        c.fail(r, ErrorCode::BadRequest, QStringLiteral("field 'accessCode' must have at least 4 characters"));
        return;
    }
    session.maxCollaborators = hasField(r, "maxCollaborators") ? int(integerField(r, "maxCollaborators"))
                                                               : DefaultCodeCollaborators;
    session.approval = r.data.value(QStringLiteral("approval")).toBool();
    session.lecture = r.data.value(QStringLiteral("lecture")).toBool();
    session.ownerId = c.userId();
    session.createdAt = wallClockMs();
    const StorageResult<CodeSessionRecord> created =
        m_core.db([&] { return m_code.createCodeSession(session, stringField(r, "clientId")); });
    if (!created.ok()) {
        qCWarning(lcCode) << "code.create failed:" << created.message;
        c.fail(r, ErrorCode::Internal, QStringLiteral("the session could not be created"));
        return;
    }
    c.reply(r, {{QStringLiteral("session"), sessionJson(*created.value, CodeRole::Host, true)}});
}

void CodeService::codeList(Connection &c, const Request &r)
{
    const qsizetype limit = hasField(r, "limit") ? integerField(r, "limit") : MaxCodeListLimit;
    const bool withArchived = r.data.value(QStringLiteral("archived")).toBool();
    const CourseId course(integerField(r, "courseId"));
    QList<CodeSessionRecord> sessions =
        m_core.db([&] { return m_code.codeSessionsOfUser(c.userId(), course, withArchived); });
    // An admin finds every archived session, to delete it (a full disk, a student's request)
    // or bring it back (a teacher who left); nobody else sees another owner's.
    if (withArchived && c.user().info.role == Role::Admin) {
        QSet<qint64> listed;
        for (const CodeSessionRecord &session : std::as_const(sessions))
            listed.insert(session.id.value());
        const QList<CodeSessionRecord> archived = m_core.db([&] { return m_code.archivedCodeSessions(); });
        for (const CodeSessionRecord &session : archived) {
            if (!listed.contains(session.id.value()) && (!course.isValid() || session.courseId == course))
                sessions.append(session);
        }
        std::sort(sessions.begin(), sessions.end(),
                  [](const CodeSessionRecord &a, const CodeSessionRecord &b) { return a.id.value() > b.id.value(); });
    }
    // A page, newest first: `before` (a session id, exclusive) continues where one ended.
    if (hasField(r, "before")) {
        const qint64 before = integerField(r, "before");
        sessions.removeIf([before](const CodeSessionRecord &session) { return session.id.value() >= before; });
    }
    const bool hasMore = sessions.size() > limit;
    sessions.resize(std::min(sessions.size(), limit));
    // The owner's name, so that a list of other people's sessions says whose each one is.
    QHash<qint64, QString> ownerNames;
    QJsonArray list;
    for (const CodeSessionRecord &session : std::as_const(sessions)) {
        auto name = ownerNames.constFind(session.ownerId.value());
        if (name == ownerNames.cend()) {
            const std::optional<UserRecord> owner = m_core.db([&] { return m_storage.userById(session.ownerId); });
            name = ownerNames.insert(session.ownerId.value(), owner ? owner->info.displayName : QString());
        }
        QJsonObject json = sessionJsonFor(session, c.userId());
        json.insert(QStringLiteral("ownerName"), *name);
        list.append(json);
    }
    c.reply(r, {{QStringLiteral("sessions"), list}, {QStringLiteral("hasMore"), hasMore}});
}

bool CodeService::admit(Connection &c, const Request &r, LiveSession &session, UserId user, CodeRole role)
{
    if (session.record.participantCount >= session.record.maxCollaborators) {
        c.fail(r, ErrorCode::Conflict, QStringLiteral("the session is full"), {{KeyReason, ReasonFull}});
        return false;
    }
    const std::optional<UserRecord> record = m_core.db([&] { return m_storage.userById(user); });
    if (!record) {
        c.fail(r, ErrorCode::Internal, QStringLiteral("the participant could not be read"));
        return false;
    }
    QJsonObject participant = participantJson(session, record->info, role);
    // Someone joining by themselves is online from this join on.
    if (user == c.userId())
        participant.insert(QStringLiteral("online"), true);
    const CodeEvent event{EventParticipantJoined, c.userId(), QString(), wallClockMs(),
                          [&](qint64) { return QJsonObject{{QStringLiteral("participant"), participant}}; }};
    const StorageResult<EventRecord> stored = m_core.db([&] { return m_code.setCodeRole(session.record.id, user, role, event); });
    if (!stored.ok()) {
        qCWarning(lcCode) << "adding a participant failed:" << stored.message;
        c.fail(r, ErrorCode::Internal, QStringLiteral("the participant could not be added"));
        return false;
    }
    session.roles.insert(user, role);
    session.removed.remove(user);
    ++session.record.participantCount;
    m_core.publish(*stored.value);
    return true;
}

std::optional<quint64> CodeService::agentFor(Connection &c, const Request &r, LiveSession &session)
{
    const UserId user = c.userId();
    const auto mayBindAnother = [&] {
        if (std::count(session.agents.cbegin(), session.agents.cend(), user) < MaxAgentsPerUser)
            return true;
        c.fail(r, ErrorCode::Conflict,
               QStringLiteral("you have %1 agent ids in this session; join with one of them").arg(MaxAgentsPerUser),
               {{KeyReason, ReasonAgentLimit}});
        return false;
    };
    if (hasField(r, "agent")) {
        const quint64 agent = quint64(integerField(r, "agent"));
        const UserId owner = session.agents.value(agent);
        if (owner == user)
            return agent;
        if (owner.isValid()) {
            c.fail(r, ErrorCode::Forbidden, QStringLiteral("the agent id belongs to another participant"),
                   {{KeyReason, ReasonAgentTaken}});
            return std::nullopt;
        }
        if (!mayBindAnother())
            return std::nullopt;
        const StorageResult<bool> bound = m_core.db([&] { return m_code.bindCodeAgent(session.record.id, agent, c.userId()); });
        if (!bound.ok()) {
            c.fail(r, ErrorCode::Internal, QStringLiteral("the agent id could not be bound"));
            return std::nullopt;
        }
        session.agents.insert(agent, c.userId());
        return agent;
    }
    if (!mayBindAnother())
        return std::nullopt;
    for (int attempt = 0; attempt < AgentAttempts; ++attempt) {
        const quint64 agent = 1 + QRandomGenerator::global()->bounded(quint64(MaxAgent));
        if (session.agents.contains(agent))
            continue;
        const StorageResult<bool> bound = m_core.db([&] { return m_code.bindCodeAgent(session.record.id, agent, c.userId()); });
        if (bound.ok()) {
            session.agents.insert(agent, c.userId());
            return agent;
        }
        if (bound.error != StorageError::Conflict)
            break;
    }
    c.fail(r, ErrorCode::Internal, QStringLiteral("no agent id could be bound"));
    return std::nullopt;
}

void CodeService::codeJoin(Connection &c, const Request &r)
{
    const CodeSessionId id(integerField(r, "sessionId"));
    const QJsonObject notFound{{KeyReason, ReasonNotFound}};
    const std::optional<CodeSessionRecord> record = m_core.db([&] { return m_code.codeSession(id); });
    if (!record) {
        c.fail(r, ErrorCode::NotFound, QStringLiteral("no such code session"), notFound);
        return;
    }
    // An archived session is its owner's alone, read-only: nobody else joins or asks to.
    if (record->isArchived() && record->ownerId != c.userId()) {
        if (mayKnow(*record, c.user()))
            c.fail(r, ErrorCode::Conflict, QStringLiteral("the session is archived"), {{KeyReason, ReasonArchived}});
        else
            c.fail(r, ErrorCode::NotFound, QStringLiteral("no such code session"), notFound);
        return;
    }
    const bool wasLoaded = m_sessions.find(id.value()) != m_sessions.end();
    LiveSession *session = loadSession(id);
    if (!session) {
        c.fail(r, ErrorCode::Internal, QStringLiteral("the session could not be read"));
        return;
    }
    const auto unloadUnused = [&] {
        if (!wasLoaded && session->connections.isEmpty() && session->waiting.isEmpty())
            m_sessions.erase(id.value());
    };
    const CodeRole role = session->roles.value(c.userId(), CodeRole::Pending);
    if (role == CodeRole::Pending) {
        // Someone a host removed comes back only if a host lets them in again, whatever the
        // session's access code or course.
        const bool removed = session->removed.contains(c.userId());
        const bool admin = c.user().info.role == Role::Admin;
        const bool member = admin || (record->courseScope && isCourseMember(record->courseId, c.userId()));
        const bool gaveCode = hasField(r, "accessCode");
        if (!removed && !record->accessCode.isEmpty()) {
            // Every attempt counts, right or wrong: once the bucket is empty, guessing on is futile.
            if (gaveCode && !takeAccessCodeAttempt(c, r))
                return unloadUnused();
            if (normalizedAccessCode(stringField(r, "accessCode")) != record->accessCode) {
                if (!member && !gaveCode && !session->roles.contains(c.userId()))
                    c.fail(r, ErrorCode::NotFound, QStringLiteral("no such code session"), notFound);
                else
                    c.fail(r, ErrorCode::Forbidden, QStringLiteral("wrong access code"), {{KeyReason, ReasonAccessCode}});
                return unloadUnused();
            }
        } else if (!removed && !member && !session->roles.contains(c.userId())) {
            c.fail(r, ErrorCode::NotFound, QStringLiteral("no such code session"), notFound);
            return unloadUnused();
        }
        if (session->record.locked) {
            c.fail(r, ErrorCode::Conflict, QStringLiteral("the session is locked"), {{KeyReason, ReasonLocked}});
            return unloadUnused();
        }
        if (session->record.participantCount >= session->record.maxCollaborators) {
            c.fail(r, ErrorCode::Conflict, QStringLiteral("the session is full"), {{KeyReason, ReasonFull}});
            return unloadUnused();
        }
        if (session->record.approval || removed) {
            if (!session->roles.contains(c.userId())) {
                // One request per user (the pending role), none for a while after a host
                // declined, and a bounded queue: a class cannot flood the host's screen.
                // The decline is stored with the wall-clock time, so the wait outlives a
                // restart of the server; a clock set back never makes it longer than the limit.
                const qint64 declinedAt = m_core.db([&] { return m_code.codeJoinDeclinedAt(id, c.userId()); });
                if (declinedAt < 0) {
                    c.fail(r, ErrorCode::Internal, QStringLiteral("the request to join could not be read"));
                    return unloadUnused();
                }
                const qint64 retryMs = m_core.config().codeJoinRetrySeconds * 1000LL;
                const qint64 waited = wallClockMs() - declinedAt;
                if (declinedAt > 0 && waited < retryMs) {
                    c.fail(r, ErrorCode::RateLimited, QStringLiteral("the host declined your request; ask again later"),
                           {{KeyReason, ReasonDeclined}}, std::min(retryMs, retryMs - waited));
                    return unloadUnused();
                }
                const int maxRequests = m_core.config().maxCodeJoinRequests;
                if (std::count(session->roles.cbegin(), session->roles.cend(), CodeRole::Pending) >= maxRequests) {
                    c.fail(r, ErrorCode::Conflict,
                           QStringLiteral("%1 requests are waiting for the host, the most allowed; try again later").arg(maxRequests),
                           {{KeyReason, ReasonApprovalQueueFull}});
                    return unloadUnused();
                }
                if (!m_core.db([&] { return m_code.setCodeRole(id, c.userId(), CodeRole::Pending, std::nullopt); }).ok()) {
                    c.fail(r, ErrorCode::Internal, QStringLiteral("the request to join could not be stored"));
                    return unloadUnused();
                }
                session->roles.insert(c.userId(), CodeRole::Pending);
                QList<Connection *> hosts;
                for (Connection *connection : std::as_const(session->connections)) {
                    if (session->roles.value(connection->userId()) == CodeRole::Host)
                        hosts.append(connection);
                }
                sendEphemeral(hosts, EventCodeJoinRequest,
                              {{QStringLiteral("sessionId"), id.value()}, {QStringLiteral("user"), c.user().info.toJson()}});
            }
            session->waiting.insert(&c);
            c.reply(r, {{QStringLiteral("session"), sessionJson(session->record, CodeRole::Pending, false)},
                        {QStringLiteral("pending"), true}});
            return;
        }
        if (!admit(c, r, *session, c.userId(), session->record.lecture ? CodeRole::Viewer : CodeRole::Editor))
            return unloadUnused();
    }
    const std::optional<quint64> agent = agentFor(c, r, *session);
    if (!agent)
        return unloadUnused();
    subscribe(c, *session, r, *agent);
}

bool CodeService::takeAccessCodeAttempt(Connection &c, const Request &r)
{
    const qint64 now = m_core.nowMs();
    // Buckets that refilled are dropped, so the map holds only users who tried lately.
    if (m_accessCodeAttempts.size() > 1000)
        m_accessCodeAttempts.removeIf([now](const auto &entry) { return entry.value().isFull(now); });
    auto limiter = m_accessCodeAttempts.find(c.userId());
    if (limiter == m_accessCodeAttempts.end())
        limiter = m_accessCodeAttempts.insert(
            c.userId(), RateLimiter(AccessCodeAttemptsPerMinute / 60.0, AccessCodeAttemptsPerMinute, now));
    if (const qint64 wait = limiter->take(now)) {
        c.fail(r, ErrorCode::RateLimited, QStringLiteral("too many access codes tried; wait a moment"),
               {{KeyReason, ReasonAccessCodeAttempts}}, wait);
        return false;
    }
    return true;
}

void CodeService::subscribe(Connection &c, LiveSession &session, const Request &r, quint64 agent)
{
    const RoomId room = session.record.roomId;
    const qint64 lastSeq = m_core.db([&] { return m_storage.lastSeq(room); });
    bool reset = false;
    if (hasField(r, "since") && !c.joinedRooms().contains(room)) {
        const qint64 since = integerField(r, "since");
        const int window = m_core.config().resumeWindow;
        QList<EventRecord> missed;
        if (since > lastSeq || lastSeq - since > window) {
            reset = true;
            missed = m_core.db([&] { return m_storage.latestEvents(room, window); });
        } else if (since < lastSeq) {
            missed = m_core.db([&] { return m_storage.eventsAfter(room, since, window); });
        }
        c.beginReplay();
        for (const EventRecord &event : missed)
            c.sendEvent(eventFrameText(event));
        c.endReplay();
        m_core.metrics().addEventsDelivered(missed.size());
    }
    // As in room.join: no event-loop turn between the replay and the subscription.
    if (!c.joinedRooms().contains(room)) {
        c.joinedRooms().insert(room);
        m_core.m_hub.join(room, &c);
    }
    session.waiting.remove(&c);
    if (!session.connections.contains(&c)) {
        const bool cameOnline = !isOnline(session, c.userId());
        session.connections.append(&c);
        m_joined[&c].insert(session.record.id);
        if (cameOnline)
            sendEphemeral(session.connections, EventParticipantOnline,
                          {{QStringLiteral("sessionId"), session.record.id.value()},
                           {QStringLiteral("userId"), c.userId().value()},
                           {QStringLiteral("online"), true}},
                          &c);
    }

    const CodeRole role = session.roles.value(c.userId());
    QJsonArray participants;
    QJsonArray requests;
    for (const CodeParticipantRecord &p : m_core.db([&] { return m_code.codeParticipants(session.record.id); })) {
        if (p.role != CodeRole::Pending)
            participants.append(participantJson(session, p.user, p.role));
        else if (role == CodeRole::Host)
            requests.append(p.user.toJson());
    }
    QJsonArray files;
    for (const CodeFileRecord &file : m_core.db([&] { return m_code.codeFiles(session.record.id); }))
        files.append(fileJson(file));
    c.reply(r, {{QStringLiteral("session"), sessionJson(session.record, role, role == CodeRole::Host)},
                {QStringLiteral("participants"), participants},
                {QStringLiteral("files"), files},
                {QStringLiteral("agent"), qint64(agent)},
                {QStringLiteral("lastSeq"), lastSeq},
                {QStringLiteral("reset"), reset},
                {QStringLiteral("requests"), requests}});
}

void CodeService::unsubscribe(Connection &c, CodeSessionId id)
{
    const auto it = m_sessions.find(id.value());
    if (it == m_sessions.end())
        return;
    LiveSession &session = *it->second;
    session.waiting.remove(&c);
    if (session.connections.removeAll(&c) > 0) {
        m_core.leaveRoom(c, session.record.roomId);
        const QSet<CodeFileId> open = m_open.value(&c);
        for (CodeFileId file : open) {
            const auto live = m_files.find(file.value());
            if (live == m_files.end() || live->second->record.sessionId != id)
                continue;
            live->second->watchers.remove(&c);
            m_open[&c].remove(file);
            releaseFile(file);
        }
        if (!isOnline(session, c.userId()))
            sendEphemeral(session.connections, EventParticipantOnline,
                          {{QStringLiteral("sessionId"), id.value()},
                           {QStringLiteral("userId"), c.userId().value()},
                           {QStringLiteral("online"), false}});
    }
    if (const auto joined = m_joined.find(&c); joined != m_joined.end()) {
        joined->remove(id);
        if (joined->isEmpty())
            m_joined.erase(joined);
    }
    if (const auto open = m_open.find(&c); open != m_open.end() && open->isEmpty())
        m_open.erase(open);
    if (session.connections.isEmpty() && session.waiting.isEmpty()) {
        // Files still loaded (no watcher left) go with their session.
        for (auto file = m_files.begin(); file != m_files.end();) {
            if (file->second->record.sessionId == id && file->second->watchers.isEmpty())
                file = m_files.erase(file);
            else
                ++file;
        }
        m_sessions.erase(it);
    }
}

void CodeService::codeLeave(Connection &c, const Request &r)
{
    unsubscribe(c, CodeSessionId(integerField(r, "sessionId")));
    c.reply(r, {});
}

QJsonObject CodeService::limits() const
{
    const ServerConfig &config = m_core.config();
    return {{QStringLiteral("maxFiles"), MaxCodeFilesPerSession},
            {QStringLiteral("maxFileLength"), MaxCodeFileLength},
            {QStringLiteral("maxUpdateBytes"), MaxCodeUpdateBytes},
            {QStringLiteral("maxContentLength"), MaxCodeContentLength},
            {QStringLiteral("maxVersions"), config.maxCodeVersionsPerSession},
            {QStringLiteral("maxSessions"), config.maxCodeSessionsPerOwner},
            {QStringLiteral("maxStoredSessions"), config.maxCodeStoredSessionsPerOwner},
            {QStringLiteral("joinRetrySeconds"), config.codeJoinRetrySeconds}};
}

void CodeService::connectionClosed(Connection &c)
{
    const QSet<CodeSessionId> joined = m_joined.value(&c);
    for (CodeSessionId id : joined)
        unsubscribe(c, id);
    // Pending users' connections wait without having joined.
    QList<CodeSessionId> waitingIn;
    for (const auto &[id, session] : m_sessions) {
        if (session->waiting.contains(&c))
            waitingIn.append(CodeSessionId(id));
    }
    for (CodeSessionId id : std::as_const(waitingIn))
        unsubscribe(c, id);
    m_lastCursorMs.remove(&c);
    m_pendingCursors.remove(&c);
    m_open.remove(&c);
}

void CodeService::codeUpdate(Connection &c, const Request &r)
{
    LiveSession *session = joinedSession(c, r);
    if (!session || !requireRole(c, r, *session, CodeRole::Host) || !requireLive(c, r, *session))
        return;
    if (retried(c, r, *session, EventCodeUpdated)) {
        c.reply(r, {{QStringLiteral("session"), sessionJson(session->record, CodeRole::Host, true)}});
        return;
    }
    CodeSessionRecord changed = session->record;
    if (hasField(r, "title")) {
        changed.title = stringField(r, "title").trimmed();
        if (changed.title.isEmpty()) {
            c.fail(r, ErrorCode::BadRequest, QStringLiteral("field 'title' must not be blank"));
            return;
        }
    }
    if (hasField(r, "accessCode")) {
        changed.accessCode = normalizedAccessCode(stringField(r, "accessCode"));
        if (!changed.accessCode.isEmpty() && changed.accessCode.size() < 4) {
            c.fail(r, ErrorCode::BadRequest, QStringLiteral("field 'accessCode' must be empty or have at least 4 characters"));
            return;
        }
    }
    if (hasField(r, "maxCollaborators"))
        changed.maxCollaborators = int(integerField(r, "maxCollaborators"));
    if (hasField(r, "locked"))
        changed.locked = r.data.value(QStringLiteral("locked")).toBool();
    if (hasField(r, "approval"))
        changed.approval = r.data.value(QStringLiteral("approval")).toBool();
    if (hasField(r, "lecture"))
        changed.lecture = r.data.value(QStringLiteral("lecture")).toBool();
    // Unlocked, the session counts for its owner's quota again, as when it is unarchived: else
    // lock, create, unlock would lift the limit.
    if (session->record.locked && !changed.locked
        && !placeInQuota(c, r, session->record.ownerId,
                         QStringLiteral("the owner has %1 open code sessions, the most allowed; archive or lock one first"),
                         QStringLiteral("the session could not be changed")))
        return;
    QJsonObject announced = sessionJson(changed, std::nullopt, false);
    announced.remove(QStringLiteral("myRole"));
    const CodeEvent event{EventCodeUpdated, c.userId(), stringField(r, "clientId"), wallClockMs(), [&](qint64) {
                              return QJsonObject{{QStringLiteral("session"), announced},
                                                 {QStringLiteral("by"), c.userId().value()}};
                          }};
    const StorageResult<EventRecord> stored = m_core.db([&] { return m_code.updateCodeSession(changed, event); });
    if (!stored.ok()) {
        qCWarning(lcCode) << "code.update failed:" << stored.message;
        c.fail(r, ErrorCode::Internal, QStringLiteral("the session could not be changed"));
        return;
    }
    session->record = changed;
    c.reply(r, {{QStringLiteral("session"), sessionJson(changed, CodeRole::Host, true)}});
    m_core.publish(*stored.value);
}

void CodeService::tellWaiting(LiveSession &session, UserId user, const QString &event)
{
    QList<Connection *> waiting;
    for (Connection *connection : std::as_const(session.waiting)) {
        if (connection->userId() == user)
            waiting.append(connection);
    }
    for (Connection *connection : std::as_const(waiting))
        session.waiting.remove(connection);
    sendEphemeral(waiting, event, {{QStringLiteral("sessionId"), session.record.id.value()}});
}

void CodeService::codeSetRole(Connection &c, const Request &r)
{
    LiveSession *session = joinedSession(c, r);
    if (!session || !requireRole(c, r, *session, CodeRole::Host) || !requireLive(c, r, *session))
        return;
    for (const QString &kind : {EventParticipantRole, EventParticipantJoined}) {
        if (const std::optional<QJsonObject> first = retried(c, r, *session, kind)) {
            c.reply(r, {{QStringLiteral("participant"), first->value(QStringLiteral("participant"))}});
            return;
        }
    }
    const UserId user(integerField(r, "userId"));
    const std::optional<UserRecord> target = m_core.db([&] { return m_storage.userById(user); });
    if (!target || target->disabled) {
        c.fail(r, ErrorCode::NotFound, QStringLiteral("no such user"));
        return;
    }
    if (user == session->record.ownerId) {
        c.fail(r, ErrorCode::Forbidden, QStringLiteral("the owner is always a host"));
        return;
    }
    CodeRole role = CodeRole::Viewer;
    parseCodeRole(stringField(r, "codeRole"), &role);
    const CodeRole current = session->roles.value(user, CodeRole::Pending);
    if (current == role) {
        c.reply(r, {{QStringLiteral("participant"), participantJson(*session, target->info, role)}});
        return;
    }
    if (current == CodeRole::Pending) {
        if (!admit(c, r, *session, user, role))
            return;
        tellWaiting(*session, user, EventCodeApproved);
        c.reply(r, {{QStringLiteral("participant"), participantJson(*session, target->info, role)}});
        return;
    }
    const QJsonObject participant = participantJson(*session, target->info, role);
    const CodeEvent event{EventParticipantRole, c.userId(), stringField(r, "clientId"), wallClockMs(), [&](qint64) {
                              return QJsonObject{{QStringLiteral("participant"), participant},
                                                 {QStringLiteral("by"), c.userId().value()}};
                          }};
    const StorageResult<EventRecord> stored =
        m_core.db([&] { return m_code.setCodeRole(session->record.id, user, role, event); });
    if (!stored.ok()) {
        qCWarning(lcCode) << "code.setRole failed:" << stored.message;
        c.fail(r, ErrorCode::Internal, QStringLiteral("the role could not be changed"));
        return;
    }
    session->roles.insert(user, role);
    c.reply(r, {{QStringLiteral("participant"), participant}});
    m_core.publish(*stored.value);
}

void CodeService::codeApprove(Connection &c, const Request &r)
{
    LiveSession *session = joinedSession(c, r);
    if (!session || !requireRole(c, r, *session, CodeRole::Host) || !requireLive(c, r, *session))
        return;
    const UserId user(integerField(r, "userId"));
    if (!session->roles.contains(user) || session->roles.value(user) != CodeRole::Pending) {
        c.fail(r, ErrorCode::NotFound, QStringLiteral("the user is not waiting to join"));
        return;
    }
    if (r.data.value(QStringLiteral("allow")).toBool()) {
        if (!admit(c, r, *session, user, session->record.lecture ? CodeRole::Viewer : CodeRole::Editor))
            return;
        tellWaiting(*session, user, EventCodeApproved);
    } else {
        if (!m_core.db([&] { return m_code.declineCodeJoin(session->record.id, user, wallClockMs()); }).ok()) {
            c.fail(r, ErrorCode::Internal, QStringLiteral("the request could not be removed"));
            return;
        }
        session->roles.remove(user);
        tellWaiting(*session, user, EventCodeDenied);
    }
    c.reply(r, {});
}

void CodeService::codeRemove(Connection &c, const Request &r)
{
    LiveSession *session = joinedSession(c, r);
    if (!session || !requireRole(c, r, *session, CodeRole::Host) || !requireLive(c, r, *session))
        return;
    if (retried(c, r, *session, EventParticipantRemoved)) {
        c.reply(r, {});
        return;
    }
    const UserId user(integerField(r, "userId"));
    const auto role = session->roles.constFind(user);
    if (role == session->roles.cend() || role.value() == CodeRole::Pending) {
        c.fail(r, ErrorCode::NotFound, QStringLiteral("the user is not a participant (turn a waiting request away instead)"));
        return;
    }
    if (role.value() == CodeRole::Host) {
        c.fail(r, ErrorCode::Forbidden, QStringLiteral("a host cannot be removed; make them an editor first"));
        return;
    }
    const CodeSessionId id = session->record.id;
    const CodeEvent event{EventParticipantRemoved, c.userId(), stringField(r, "clientId"), wallClockMs(), [&](qint64) {
                              return QJsonObject{{QStringLiteral("userId"), user.value()},
                                                 {QStringLiteral("by"), c.userId().value()}};
                          }};
    const StorageResult<EventRecord> stored = m_core.db([&] { return m_code.expelCodeParticipant(id, user, c.userId(), event); });
    if (!stored.ok()) {
        qCWarning(lcCode) << "code.remove failed:" << stored.message;
        c.fail(r, ErrorCode::Internal, QStringLiteral("the participant could not be removed"));
        return;
    }
    session->roles.remove(user);
    session->removed.insert(user);
    --session->record.participantCount;
    // The removed user's devices are told why, then leave the session (their files close).
    QList<Connection *> theirs;
    for (Connection *connection : std::as_const(session->connections)) {
        if (connection->userId() == user)
            theirs.append(connection);
    }
    sendEphemeral(theirs, EventCodeRemoved, {{QStringLiteral("sessionId"), id.value()}, {QStringLiteral("by"), c.userId().value()}});
    for (Connection *connection : std::as_const(theirs))
        unsubscribe(*connection, id);
    c.reply(r, {});
    m_core.publish(*stored.value);
}

// Archive and delete

std::optional<CodeSessionRecord> CodeService::ownedSession(Connection &c, const Request &r)
{
    const std::optional<CodeSessionRecord> record =
        m_core.db([&] { return m_code.codeSession(CodeSessionId(integerField(r, "sessionId"))); });
    if (!record || !mayKnow(*record, c.user())) {
        c.fail(r, ErrorCode::NotFound, QStringLiteral("no such code session"));
        return std::nullopt;
    }
    if (record->ownerId != c.userId() && c.user().info.role != Role::Admin) {
        c.fail(r, ErrorCode::Forbidden, QStringLiteral("only the session's owner or an admin may do this"));
        return std::nullopt;
    }
    return record;
}

void CodeService::dropConnections(CodeSessionId id, UserId keep)
{
    const auto it = m_sessions.find(id.value());
    if (it == m_sessions.end())
        return;
    QList<Connection *> leaving;
    for (Connection *connection : std::as_const(it->second->connections)) {
        if (connection->userId() != keep)
            leaving.append(connection);
    }
    for (Connection *connection : std::as_const(it->second->waiting)) {
        if (!leaving.contains(connection))
            leaving.append(connection);
    }
    // The last unsubscribe unloads the session and its files.
    for (Connection *connection : std::as_const(leaving))
        unsubscribe(*connection, id);
}

bool CodeService::placeInQuota(Connection &c, const Request &r, UserId owner, const QString &atLimit, const QString &failed)
{
    const int maxSessions = m_core.config().maxCodeSessionsPerOwner;
    const int owned = m_core.db([&] { return m_code.openCodeSessionCount(owner); });
    if (owned < 0) {
        c.fail(r, ErrorCode::Internal, failed);
        return false;
    }
    if (owned >= maxSessions) {
        c.fail(r, ErrorCode::Conflict, atLimit.arg(maxSessions), QJsonObject{{KeyReason, ReasonOpenLimit}});
        return false;
    }
    return true;
}

bool CodeService::roomToStore(Connection &c, const Request &r, UserId owner)
{
    // Archived and locked sessions are out of the open-session quota but still on the disk:
    // without this limit one account could fill it.
    const int maxStored = m_core.config().maxCodeStoredSessionsPerOwner;
    const int stored = m_core.db([&] { return m_code.storedCodeSessionCount(owner); });
    if (stored < 0) {
        c.fail(r, ErrorCode::Internal, QStringLiteral("the session could not be created"));
        return false;
    }
    if (stored >= maxStored) {
        c.fail(r, ErrorCode::Conflict,
               QStringLiteral("you keep %1 stored code sessions (archived and locked ones included), the most allowed; "
                              "delete archived sessions to make room").arg(maxStored),
               QJsonObject{{KeyReason, ReasonStoredLimit}});
        return false;
    }
    return true;
}

void CodeService::codeArchive(Connection &c, const Request &r)
{
    std::optional<CodeSessionRecord> record = ownedSession(c, r);
    if (!record)
        return;
    // A retry gets its first answer, even when the session was unarchived since: a late retry
    // must not archive it again.
    if (const std::optional<QJsonObject> first = retried(c, r, record->roomId, EventCodeArchived)) {
        record->archivedAt = first->value(QStringLiteral("archivedAt")).toInteger();
        c.reply(r, {{QStringLiteral("session"), sessionJsonFor(*record, c.userId())}});
        return;
    }
    if (record->isArchived()) {
        // A second device, or a retry without a clientId: the same answer, archived once.
        c.reply(r, {{QStringLiteral("session"), sessionJsonFor(*record, c.userId())}});
        return;
    }
    const CodeSessionId id = record->id;
    const qint64 now = wallClockMs();
    const CodeEvent event{EventCodeArchived, c.userId(), stringField(r, "clientId"), now, [&](qint64) {
                              return QJsonObject{{QStringLiteral("sessionId"), id.value()},
                                                 {QStringLiteral("archivedAt"), now},
                                                 {QStringLiteral("by"), c.userId().value()}};
                          }};
    const StorageResult<EventRecord> stored = m_core.db([&] { return m_code.setCodeSessionArchived(id, now, event); });
    if (!stored.ok()) {
        if (stored.error == StorageError::NotFound) {
            c.fail(r, ErrorCode::NotFound, QStringLiteral("no such code session"));
            return;
        }
        qCWarning(lcCode) << "code.archive failed:" << stored.message;
        c.fail(r, ErrorCode::Internal, QStringLiteral("the session could not be archived"));
        return;
    }
    record->archivedAt = now;
    c.reply(r, {{QStringLiteral("session"), sessionJsonFor(*record, c.userId())}});
    // Everyone joined hears it; connections waiting for a host are told too (their requests
    // are gone with the archive).
    m_core.publish(*stored.value);
    if (const auto live = m_sessions.find(id.value()); live != m_sessions.end()) {
        LiveSession &session = *live->second;
        session.record.archivedAt = now;
        session.roles.removeIf([](const auto &entry) { return entry.value() == CodeRole::Pending; });
        // They have not subscribed the room: the event comes without its room and seq.
        sendEphemeral(session.waiting.values(), EventCodeArchived, QJsonDocument::fromJson(stored.value->payload).object());
    }
    // The owner keeps the session open, read-only; the others are out of it.
    dropConnections(id, record->ownerId);
}

void CodeService::codeUnarchive(Connection &c, const Request &r)
{
    std::optional<CodeSessionRecord> record = ownedSession(c, r);
    if (!record)
        return;
    // A retry gets its first answer, even when the session was archived again since.
    if (retried(c, r, record->roomId, EventCodeUnarchived)) {
        record->archivedAt = 0;
        c.reply(r, {{QStringLiteral("session"), sessionJsonFor(*record, c.userId())}});
        return;
    }
    if (!record->isArchived()) {
        c.reply(r, {{QStringLiteral("session"), sessionJsonFor(*record, c.userId())}});
        return;
    }
    // Back among the open sessions, it counts for its owner's quota again (a locked one does not).
    if (!record->locked
        && !placeInQuota(c, r, record->ownerId,
                         QStringLiteral("the owner has %1 open code sessions, the most allowed; archive or lock one first"),
                         QStringLiteral("the session could not be unarchived")))
        return;
    const CodeSessionId id = record->id;
    const CodeEvent event{EventCodeUnarchived, c.userId(), stringField(r, "clientId"), wallClockMs(), [&](qint64) {
                              return QJsonObject{{QStringLiteral("sessionId"), id.value()},
                                                 {QStringLiteral("by"), c.userId().value()}};
                          }};
    const StorageResult<EventRecord> stored = m_core.db([&] { return m_code.setCodeSessionArchived(id, 0, event); });
    if (!stored.ok()) {
        if (stored.error == StorageError::NotFound) {
            c.fail(r, ErrorCode::NotFound, QStringLiteral("no such code session"));
            return;
        }
        qCWarning(lcCode) << "code.unarchive failed:" << stored.message;
        c.fail(r, ErrorCode::Internal, QStringLiteral("the session could not be unarchived"));
        return;
    }
    record->archivedAt = 0;
    if (const auto live = m_sessions.find(id.value()); live != m_sessions.end())
        live->second->record.archivedAt = 0;
    c.reply(r, {{QStringLiteral("session"), sessionJsonFor(*record, c.userId())}});
    m_core.publish(*stored.value);
}

void CodeService::codeDelete(Connection &c, const Request &r)
{
    const CodeSessionId id(integerField(r, "sessionId"));
    if (const std::optional<CodeSessionRecord> gone = m_core.db([&] { return m_code.deletedCodeSession(id); })) {
        // Only the request that deleted it, retried, is answered as the first time.
        if (retried(c, r, gone->roomId, EventCodeDeleted))
            c.reply(r, {});
        else
            c.fail(r, ErrorCode::NotFound, QStringLiteral("no such code session"));
        return;
    }
    const std::optional<CodeSessionRecord> record = ownedSession(c, r);
    if (!record)
        return;
    // Two steps, so that no single click throws away a class's live work.
    if (!record->isArchived()) {
        c.fail(r, ErrorCode::Conflict, QStringLiteral("only an archived session can be deleted; archive it first"));
        return;
    }
    const CodeEvent event{EventCodeDeleted, c.userId(), stringField(r, "clientId"), wallClockMs(), [&](qint64) {
                              return QJsonObject{{QStringLiteral("sessionId"), id.value()},
                                                 {QStringLiteral("by"), c.userId().value()}};
                          }};
    const StorageResult<EventRecord> stored =
        m_core.db([&] { return m_code.deleteCodeSession(id, event.timestamp, event); });
    if (!stored.ok()) {
        if (stored.error == StorageError::NotFound || stored.error == StorageError::Conflict) {
            c.fail(r, stored.error == StorageError::NotFound ? ErrorCode::NotFound : ErrorCode::Conflict,
                   stored.error == StorageError::NotFound ? QStringLiteral("no such code session")
                                                          : QStringLiteral("only an archived session can be deleted"));
            return;
        }
        qCWarning(lcCode) << "code.delete failed:" << stored.message;
        c.fail(r, ErrorCode::Internal, QStringLiteral("the session could not be deleted; nothing was removed"));
        return;
    }
    c.reply(r, {});
    m_core.publish(*stored.value);
    dropConnections(id, UserId());
}

// Files

void CodeService::fileCreate(Connection &c, const Request &r)
{
    LiveSession *session = joinedSession(c, r);
    if (!session || !requireRole(c, r, *session, CodeRole::Editor) || !requireLive(c, r, *session))
        return;
    if (const std::optional<QJsonObject> first = retried(c, r, *session, EventFileCreated)) {
        c.reply(r, {{QStringLiteral("file"), first->value(QStringLiteral("file"))}});
        return;
    }
    CodeFileRecord file;
    file.sessionId = session->record.id;
    file.path = stringField(r, "path");
    file.language = stringField(r, "language");
    if (!isValidPath(file.path)) {
        c.fail(r, ErrorCode::BadRequest, QStringLiteral("field 'path' must be a relative path of non-empty names"));
        return;
    }
    if (!isValidLanguage(file.language)) {
        c.fail(r, ErrorCode::BadRequest, QStringLiteral("field 'language' may contain only a-z, 0-9, '+', '#', '-' and '.'"));
        return;
    }
    if (m_core.db([&] { return m_code.codeFiles(session->record.id); }).size() >= MaxCodeFilesPerSession) {
        c.fail(r, ErrorCode::Conflict, QStringLiteral("the session has %1 files").arg(MaxCodeFilesPerSession));
        return;
    }
    Collab::Document document(ServerAgent);
    const QString content = stringField(r, "content");
    if (!content.isEmpty())
        document.insert(0, content);
    const CodeEvent event{EventFileCreated, c.userId(), stringField(r, "clientId"), wallClockMs(), [&](qint64 id) {
                              CodeFileRecord created = file;
                              created.id = CodeFileId(id);
                              return QJsonObject{{QStringLiteral("file"), fileJson(created)},
                                                 {QStringLiteral("by"), c.userId().value()}};
                          }};
    const auto created = m_core.db([&] { return m_code.createCodeFile(file, document.encodeState(), event); });
    if (!created.ok()) {
        if (created.error == StorageError::Conflict) {
            c.fail(r, ErrorCode::Conflict, QStringLiteral("the session has a file at this path"));
            return;
        }
        qCWarning(lcCode) << "file.create failed:" << created.message;
        c.fail(r, ErrorCode::Internal, QStringLiteral("the file could not be created"));
        return;
    }
    c.reply(r, {{QStringLiteral("file"), fileJson(created.value->first)}});
    m_core.publish(created.value->second);
}

void CodeService::fileRename(Connection &c, const Request &r)
{
    LiveSession *session = joinedSession(c, r);
    if (!session || !requireRole(c, r, *session, CodeRole::Editor) || !requireLive(c, r, *session))
        return;
    if (const std::optional<QJsonObject> first = retried(c, r, *session, EventFileRenamed)) {
        c.reply(r, {{QStringLiteral("file"), first->value(QStringLiteral("file"))}});
        return;
    }
    std::optional<CodeFileRecord> file = sessionFile(c, r, *session);
    if (!file)
        return;
    const QString path = stringField(r, "path");
    const QString language = hasField(r, "language") ? stringField(r, "language") : file->language;
    if (!isValidPath(path)) {
        c.fail(r, ErrorCode::BadRequest, QStringLiteral("field 'path' must be a relative path of non-empty names"));
        return;
    }
    if (!isValidLanguage(language)) {
        c.fail(r, ErrorCode::BadRequest, QStringLiteral("field 'language' may contain only a-z, 0-9, '+', '#', '-' and '.'"));
        return;
    }
    file->path = path;
    file->language = language;
    const CodeEvent event{EventFileRenamed, c.userId(), stringField(r, "clientId"), wallClockMs(), [&](qint64) {
                              return QJsonObject{{QStringLiteral("file"), fileJson(*file)},
                                                 {QStringLiteral("by"), c.userId().value()}};
                          }};
    const StorageResult<EventRecord> stored = m_core.db([&] { return m_code.renameCodeFile(file->id, path, language, event); });
    if (!stored.ok()) {
        if (stored.error == StorageError::Conflict || stored.error == StorageError::NotFound) {
            c.fail(r, stored.error == StorageError::Conflict ? ErrorCode::Conflict : ErrorCode::NotFound, stored.message);
            return;
        }
        qCWarning(lcCode) << "file.rename failed:" << stored.message;
        c.fail(r, ErrorCode::Internal, QStringLiteral("the file could not be renamed"));
        return;
    }
    if (const auto live = m_files.find(file->id.value()); live != m_files.end()) {
        live->second->record.path = path;
        live->second->record.language = language;
    }
    c.reply(r, {{QStringLiteral("file"), fileJson(*file)}});
    m_core.publish(*stored.value);
}

void CodeService::fileDelete(Connection &c, const Request &r)
{
    LiveSession *session = joinedSession(c, r);
    if (!session || !requireRole(c, r, *session, CodeRole::Editor) || !requireLive(c, r, *session))
        return;
    if (retried(c, r, *session, EventFileDeleted)) {
        c.reply(r, {});
        return;
    }
    const std::optional<CodeFileRecord> file = sessionFile(c, r, *session);
    if (!file)
        return;
    const CodeEvent event{EventFileDeleted, c.userId(), stringField(r, "clientId"), wallClockMs(), [&](qint64) {
                              return QJsonObject{{QStringLiteral("fileId"), file->id.value()},
                                                 {QStringLiteral("path"), file->path},
                                                 {QStringLiteral("by"), c.userId().value()}};
                          }};
    const StorageResult<EventRecord> stored = m_core.db([&] { return m_code.deleteCodeFile(file->id, event); });
    if (!stored.ok()) {
        if (stored.error == StorageError::NotFound) {
            c.fail(r, ErrorCode::NotFound, QStringLiteral("the file was deleted"));
            return;
        }
        qCWarning(lcCode) << "file.delete failed:" << stored.message;
        c.fail(r, ErrorCode::Internal, QStringLiteral("the file could not be deleted"));
        return;
    }
    if (const auto live = m_files.find(file->id.value()); live != m_files.end()) {
        for (Connection *watcher : std::as_const(live->second->watchers))
            m_open[watcher].remove(file->id);
        m_files.erase(live);
    }
    c.reply(r, {});
    m_core.publish(*stored.value);
}

void CodeService::fileOpen(Connection &c, const Request &r)
{
    LiveSession *session = joinedSession(c, r);
    if (!session)
        return;
    const std::optional<CodeFileRecord> record = sessionFile(c, r, *session);
    if (!record)
        return;
    std::optional<QByteArray> version;
    if (hasField(r, "version")) {
        version = fromBase64(stringField(r, "version"));
        if (!version) {
            c.fail(r, ErrorCode::BadRequest, QStringLiteral("field 'version' must be base64"));
            return;
        }
    }
    LiveFile *file = loadFile(*record);
    if (!file) {
        c.fail(r, ErrorCode::Internal, QStringLiteral("the file could not be read"));
        return;
    }
    QJsonObject result{{QStringLiteral("file"), fileJson(file->record)}};
    if (version) {
        // encodeDiff answers a malformed version with nothing; a valid one always gets at least
        // the update header.
        const QByteArray diff = file->document.encodeDiff(*version);
        if (diff.isEmpty()) {
            releaseFile(record->id);
            c.fail(r, ErrorCode::BadRequest, QStringLiteral("field 'version' is not an engine version"));
            return;
        }
        result.insert(QStringLiteral("diff"), toBase64(diff));
    } else {
        result.insert(QStringLiteral("state"), toBase64(file->document.encodeState()));
    }
    file->watchers.insert(&c);
    m_open[&c].insert(record->id);
    sendLarge(c, r, result);
}

bool CodeService::storeUpdate(LiveFile &file, UserId user, const QByteArray &update)
{
    const qint64 n = file.record.lastN + 1;
    if (!m_core.db([&] { return m_code.appendCodeUpdate(file.record.id, n, user, update); })) {
        // The document in memory is ahead of the database now: reload it from there next time.
        qCWarning(lcCode) << "storing update" << n << "of file" << file.record.id.value() << "failed";
        const CodeFileId id = file.record.id;
        for (Connection *watcher : std::as_const(file.watchers))
            m_open[watcher].remove(id);
        m_files.erase(id.value());
        return false;
    }
    file.record.lastN = n;
    file.record.logBytes += update.size();
    return true;
}

void CodeService::fanOutUpdate(const LiveFile &file, UserId user, const QByteArray &update, Connection *skip)
{
    sendEphemeral(file.watchers.values(), EventDocUpdate,
                  {{QStringLiteral("sessionId"), file.record.sessionId.value()},
                   {QStringLiteral("fileId"), file.record.id.value()},
                   {QStringLiteral("n"), file.record.lastN},
                   {QStringLiteral("userId"), user.value()},
                   {QStringLiteral("update"), toBase64(update)}},
                  skip);
}

void CodeService::compactIfDue(LiveFile &file)
{
    // Acknowledged parts still waiting for their dependencies are in the log only; they are
    // given up (as the engine's bounded buffer gives them up) only when the log grew far past
    // the limits, so a client that never sends the dependencies cannot stop compaction.
    const qint64 factor = file.document.pendingLength() > 0 ? PendingCompactFactor : 1;
    if (file.record.lastN - file.record.snapshotN < CompactUpdates * factor
        && file.record.logBytes < CompactBytes * factor)
        return;
    const QByteArray state = file.document.encodeState();
    if (!m_core.db([&] { return m_code.compactCodeFile(file.record.id, file.record.lastN, state); })) {
        // The log stays valid; the next update tries again.
        qCWarning(lcCode) << "compacting file" << file.record.id.value() << "failed";
        return;
    }
    file.record.snapshotN = file.record.lastN;
    file.record.logBytes = 0;
}

void CodeService::docUpdate(Connection &c, const Request &r)
{
    LiveSession *session = joinedSession(c, r);
    if (!session || !requireRole(c, r, *session, CodeRole::Editor) || !requireLive(c, r, *session))
        return;
    const std::optional<CodeFileRecord> record = sessionFile(c, r, *session);
    if (!record)
        return;
    const std::optional<QByteArray> update = fromBase64(stringField(r, "update"));
    if (!update || update->isEmpty()) {
        c.fail(r, ErrorCode::BadRequest, QStringLiteral("field 'update' must be base64 of an engine update"));
        return;
    }
    if (update->size() > MaxCodeUpdateBytes) {
        c.fail(r, ErrorCode::TooLarge, QStringLiteral("an update may have at most %1 bytes").arg(MaxCodeUpdateBytes));
        return;
    }
    const std::optional<Collab::UpdateSummary> summary = Collab::Document::summarize(*update);
    if (!summary) {
        c.fail(r, ErrorCode::BadRequest, QStringLiteral("field 'update' is not a well-formed engine update"));
        return;
    }
    LiveFile *file = loadFile(*record);
    if (!file) {
        c.fail(r, ErrorCode::Internal, QStringLiteral("the file could not be read"));
        return;
    }
    // Deletes and origins may name any agent: an agent neither in the document nor bound in the
    // session names no character anyone typed, and each would take one of the document's
    // 65,536 agent slots, so a few such updates could close the file to every new joiner.
    for (const Collab::AgentId agent : summary->agents) {
        if (file->document.clock(agent) == 0 && !session->agents.contains(agent)) {
            releaseFile(record->id);
            c.fail(r, ErrorCode::Forbidden, QStringLiteral("the update names agent ids this session does not know"));
            return;
        }
    }
    qsizetype added = 0;
    for (const Collab::UpdateSummary::Insert &insert : summary->inserts) {
        const quint32 known = file->document.clock(insert.agent);
        if (insert.end <= known)
            continue;
        if (session->agents.value(insert.agent) != c.userId()) {
            releaseFile(record->id);
            c.fail(r, ErrorCode::Forbidden, QStringLiteral("the update inserts under an agent id that is not yours"));
            return;
        }
        added += insert.end - known;
    }
    // Buffered parts become text when their dependencies come, each counted against its own
    // agent's clock only: without them, replicas that hold back their first update could
    // together grow a file far past the limit.
    if (file->document.length() + file->document.pendingLength() + added > MaxCodeFileLength) {
        releaseFile(record->id);
        c.fail(r, ErrorCode::TooLarge, QStringLiteral("a file may have at most %1 characters").arg(MaxCodeFileLength));
        return;
    }
    const QByteArray versionBefore = file->document.version();
    const qsizetype pendingBefore = file->document.pendingLength();
    const Collab::ApplyResult applied = file->document.apply(*update);
    if (!applied.ok()) {
        releaseFile(record->id);
        c.fail(r, ErrorCode::BadRequest, QStringLiteral("the engine refused the update"));
        return;
    }
    if (applied.changes.isEmpty() && file->document.version() == versionBefore
        && file->document.pendingLength() == pendingBefore) {
        // Nothing new: a duplicate, answered without storing it again.
        const qint64 n = file->record.lastN;
        releaseFile(record->id);
        c.reply(r, {{QStringLiteral("n"), n}});
        return;
    }
    if (!storeUpdate(*file, c.userId(), *update)) {
        c.fail(r, ErrorCode::Internal, QStringLiteral("the update could not be stored"));
        return;
    }
    c.reply(r, {{QStringLiteral("n"), file->record.lastN}});
    fanOutUpdate(*file, c.userId(), *update, &c);
    compactIfDue(*file);
    releaseFile(record->id);
}

void CodeService::cursor(Connection &c, const Request &r)
{
    LiveSession *session = joinedSession(c, r);
    if (!session)
        return;
    const std::optional<CodeFileRecord> file = sessionFile(c, r, *session);
    if (!file)
        return;
    if (!anchorField(r, "anchor") || !anchorField(r, "head")) {
        c.fail(r, ErrorCode::BadRequest, QStringLiteral("fields 'anchor' and 'head' must be base64 engine anchors"));
        return;
    }
    QJsonObject data{{QStringLiteral("sessionId"), session->record.id.value()},
                     {QStringLiteral("fileId"), file->id.value()},
                     {QStringLiteral("userId"), c.userId().value()},
                     {QStringLiteral("anchor"), stringField(r, "anchor")},
                     {QStringLiteral("head"), stringField(r, "head")}};
    if (hasField(r, "viewportTopLine"))
        data.insert(QStringLiteral("viewportTopLine"), integerField(r, "viewportTopLine"));
    c.reply(r, {});
    const qint64 now = m_core.nowMs();
    const auto last = m_lastCursorMs.constFind(&c);
    if (last != m_lastCursorMs.cend() && now - *last < CursorIntervalMs) {
        m_pendingCursors.insert(&c, {session->record.id, data});
        if (!m_cursorTimer.isActive())
            m_cursorTimer.start();
        return;
    }
    m_pendingCursors.remove(&c);
    m_lastCursorMs.insert(&c, now);
    sendEphemeral(session->connections, EventCursor, data, &c);
}

void CodeService::relayCursors()
{
    const qint64 now = m_core.nowMs();
    for (auto it = m_pendingCursors.begin(); it != m_pendingCursors.end();) {
        Connection *c = it.key();
        if (now - m_lastCursorMs.value(c) < CursorIntervalMs) {
            ++it;
            continue;
        }
        const auto session = m_sessions.find(it->session.value());
        if (session != m_sessions.end() && session->second->connections.contains(c)) {
            m_lastCursorMs.insert(c, now);
            sendEphemeral(session->second->connections, EventCursor, it->data, c);
        }
        it = m_pendingCursors.erase(it);
    }
    if (m_pendingCursors.isEmpty())
        m_cursorTimer.stop();
}

// Comments

void CodeService::commentAdd(Connection &c, const Request &r)
{
    LiveSession *session = joinedSession(c, r);
    if (!session || !requireLive(c, r, *session))
        return;
    if (const std::optional<QJsonObject> first = retried(c, r, *session, EventCommentAdded)) {
        c.reply(r, {{QStringLiteral("comment"), first->value(QStringLiteral("comment"))}});
        return;
    }
    const std::optional<CodeFileRecord> file = sessionFile(c, r, *session);
    if (!file)
        return;
    const std::optional<Collab::Anchor> start = anchorField(r, "anchorStart");
    const std::optional<Collab::Anchor> end = anchorField(r, "anchorEnd");
    if (!start || !end) {
        c.fail(r, ErrorCode::BadRequest, QStringLiteral("fields 'anchorStart' and 'anchorEnd' must be base64 engine anchors"));
        return;
    }
    CodeCommentRecord comment;
    comment.sessionId = session->record.id;
    comment.fileId = file->id;
    comment.author = c.user().info;
    comment.anchorStart = start->toBytes();
    comment.anchorEnd = end->toBytes();
    storeComment(c, r, comment, QStringLiteral("the comment could not be stored"));
}

void CodeService::commentReply(Connection &c, const Request &r)
{
    LiveSession *session = joinedSession(c, r);
    if (!session || !requireLive(c, r, *session))
        return;
    if (const std::optional<QJsonObject> first = retried(c, r, *session, EventCommentAdded)) {
        c.reply(r, {{QStringLiteral("comment"), first->value(QStringLiteral("comment"))}});
        return;
    }
    std::optional<CodeCommentRecord> thread =
        m_core.db([&] { return m_code.codeComment(CodeCommentId(integerField(r, "commentId"))); });
    if (thread && thread->parentId.isValid())
        thread = m_core.db([&] { return m_code.codeComment(thread->parentId); });
    if (!thread || thread->sessionId != session->record.id) {
        c.fail(r, ErrorCode::NotFound, QStringLiteral("no such comment in this session"));
        return;
    }
    CodeCommentRecord reply;
    reply.sessionId = session->record.id;
    reply.fileId = thread->fileId;
    reply.parentId = thread->id;
    reply.author = c.user().info;
    storeComment(c, r, reply, QStringLiteral("the reply could not be stored"));
}

void CodeService::storeComment(Connection &c, const Request &r, CodeCommentRecord comment, const QString &failure)
{
    comment.text = stringField(r, "text");
    comment.createdAt = wallClockMs();
    if (comment.text.trimmed().isEmpty()) {
        c.fail(r, ErrorCode::BadRequest, QStringLiteral("field 'text' must not be blank"));
        return;
    }
    const CodeEvent event{EventCommentAdded, c.userId(), stringField(r, "clientId"), comment.createdAt, [&](qint64 id) {
                              CodeCommentRecord created = comment;
                              created.id = CodeCommentId(id);
                              return QJsonObject{{QStringLiteral("comment"), commentJson(created)}};
                          }};
    const auto created = m_core.db([&] { return m_code.createCodeComment(comment, event); });
    if (!created.ok()) {
        qCWarning(lcCode) << opName(r.op) << "failed:" << created.message;
        c.fail(r, ErrorCode::Internal, failure);
        return;
    }
    c.reply(r, {{QStringLiteral("comment"), commentJson(created.value->first)}});
    m_core.publish(created.value->second);
}

void CodeService::commentResolve(Connection &c, const Request &r)
{
    LiveSession *session = joinedSession(c, r);
    if (!session || !requireLive(c, r, *session))
        return;
    std::optional<CodeCommentRecord> thread =
        m_core.db([&] { return m_code.codeComment(CodeCommentId(integerField(r, "commentId"))); });
    if (thread && thread->parentId.isValid())
        thread = m_core.db([&] { return m_code.codeComment(thread->parentId); });
    if (!thread || thread->sessionId != session->record.id) {
        c.fail(r, ErrorCode::NotFound, QStringLiteral("no such comment in this session"));
        return;
    }
    if (retried(c, r, *session, EventCommentResolved)) {
        c.reply(r, {{QStringLiteral("comment"), commentJson(*thread)}});
        return;
    }
    if (thread->author.id != c.userId() && session->roles.value(c.userId()) != CodeRole::Host) {
        c.fail(r, ErrorCode::Forbidden, QStringLiteral("only the comment's author and hosts resolve it"));
        return;
    }
    const bool resolved = r.data.value(QStringLiteral("resolved")).toBool();
    const CodeEvent event{EventCommentResolved, c.userId(), stringField(r, "clientId"), wallClockMs(), [&](qint64 id) {
                              return QJsonObject{{QStringLiteral("commentId"), id},
                                                 {QStringLiteral("resolved"), resolved},
                                                 {QStringLiteral("by"), c.userId().value()}};
                          }};
    const StorageResult<EventRecord> stored = m_core.db([&] { return m_code.resolveCodeComment(thread->id, resolved, event); });
    if (!stored.ok()) {
        qCWarning(lcCode) << "comment.resolve failed:" << stored.message;
        c.fail(r, ErrorCode::Internal, QStringLiteral("the comment could not be changed"));
        return;
    }
    thread->resolved = resolved;
    c.reply(r, {{QStringLiteral("comment"), commentJson(*thread)}});
    m_core.publish(*stored.value);
}

void CodeService::commentList(Connection &c, const Request &r)
{
    LiveSession *session = joinedSession(c, r);
    if (!session)
        return;
    CodeFileId fileId;
    if (hasField(r, "fileId")) {
        fileId = CodeFileId(integerField(r, "fileId"));
        const std::optional<CodeFileRecord> file = m_core.db([&] { return m_code.codeFile(fileId); });
        if (!file || file->sessionId != session->record.id) {
            c.fail(r, ErrorCode::NotFound, QStringLiteral("no such file in this session"));
            return;
        }
    }
    QJsonArray list;
    for (const CodeCommentRecord &comment : m_core.db([&] { return m_code.codeComments(session->record.id, fileId); }))
        list.append(commentJson(comment));
    c.reply(r, {{QStringLiteral("comments"), list}});
}

// Versions

void CodeService::versionCreate(Connection &c, const Request &r)
{
    LiveSession *session = joinedSession(c, r);
    if (!session || !requireRole(c, r, *session, CodeRole::Host) || !requireLive(c, r, *session))
        return;
    if (const std::optional<QJsonObject> first = retried(c, r, *session, EventVersionCreated)) {
        c.reply(r, {{QStringLiteral("version"), first->value(QStringLiteral("version"))}});
        return;
    }
    const QString name = stringField(r, "name").trimmed();
    if (name.isEmpty()) {
        c.fail(r, ErrorCode::BadRequest, QStringLiteral("field 'name' must not be blank"));
        return;
    }
    // Versions are the class's history: none is deleted to make room for a new one.
    const int maxVersions = m_core.config().maxCodeVersionsPerSession;
    const int versions = m_core.db([&] { return m_code.codeVersionCount(session->record.id); });
    if (versions < 0) {
        c.fail(r, ErrorCode::Internal, QStringLiteral("the version could not be stored"));
        return;
    }
    if (versions >= maxVersions) {
        c.fail(r, ErrorCode::Conflict, QStringLiteral("the session has %1 versions, the most it keeps").arg(maxVersions));
        return;
    }
    QList<CodeVersionFile> files;
    for (const CodeFileRecord &record : m_core.db([&] { return m_code.codeFiles(session->record.id); })) {
        const LiveFile *file = loadFile(record);
        if (!file) {
            c.fail(r, ErrorCode::Internal, QStringLiteral("a file could not be read"));
            return;
        }
        files.append({record.id, record.path, record.language, file->document.encodeState()});
        releaseFile(record.id);
    }
    const qint64 now = wallClockMs();
    const CodeEvent event{EventVersionCreated, c.userId(), stringField(r, "clientId"), now, [&](qint64 id) {
                              const CodeVersionRecord version{CodeVersionId(id), session->record.id, name, c.userId(),
                                                              now, int(files.size())};
                              return QJsonObject{{QStringLiteral("version"), versionJson(version)}};
                          }};
    const auto created =
        m_core.db([&] { return m_code.createCodeVersion(session->record.id, name, c.userId(), files, event); });
    if (!created.ok()) {
        qCWarning(lcCode) << "version.create failed:" << created.message;
        c.fail(r, ErrorCode::Internal, QStringLiteral("the version could not be stored"));
        return;
    }
    c.reply(r, {{QStringLiteral("version"), versionJson(created.value->first)}});
    m_core.publish(created.value->second);
}

void CodeService::versionList(Connection &c, const Request &r)
{
    LiveSession *session = joinedSession(c, r);
    if (!session)
        return;
    QJsonArray list;
    for (const CodeVersionRecord &version : m_core.db([&] { return m_code.codeVersions(session->record.id); }))
        list.append(versionJson(version));
    c.reply(r, {{QStringLiteral("versions"), list}});
}

void CodeService::versionRestore(Connection &c, const Request &r)
{
    LiveSession *session = joinedSession(c, r);
    if (!session || !requireRole(c, r, *session, CodeRole::Host) || !requireLive(c, r, *session))
        return;
    if (const std::optional<QJsonObject> first = retried(c, r, *session, EventVersionRestored)) {
        c.reply(r, {{QStringLiteral("files"), first->value(QStringLiteral("files"))}});
        return;
    }
    const CodeVersionId versionId(integerField(r, "versionId"));
    const std::optional<CodeVersionRecord> version = m_core.db([&] { return m_code.codeVersion(versionId); });
    if (!version || version->sessionId != session->record.id) {
        c.fail(r, ErrorCode::NotFound, QStringLiteral("no such version in this session"));
        return;
    }
    // Every file's change is worked out on a copy first and stored in one transaction: a
    // failure halfway (a full disk, a dropped database) leaves every file as it was, in the
    // database and in memory, and the host can simply try again.
    struct Restored
    {
        LiveFile *file;
        QByteArray update; // the edit that restores it
    };
    std::vector<Restored> restored;
    const auto releaseAll = [&] {
        for (const Restored &each : restored)
            releaseFile(each.file->record.id);
    };
    CodeRestore restore;
    restore.session = session->record.id;
    restore.version = versionId;
    restore.user = c.userId();
    QSet<QString> takenPaths;
    for (const CodeFileRecord &file : m_core.db([&] { return m_code.codeFiles(session->record.id); }))
        takenPaths.insert(file.path);
    const qint64 now = wallClockMs();
    for (const CodeVersionFile &saved : m_core.db([&] { return m_code.codeVersionFiles(versionId); })) {
        const std::optional<Collab::Document> target = Collab::Document::decode(ServerAgent, saved.state);
        if (!target) {
            qCWarning(lcCode) << "version" << versionId.value() << "has an unreadable file" << saved.fileId.value();
            continue;
        }
        const std::optional<CodeFileRecord> current = m_core.db([&] { return m_code.codeFile(saved.fileId); });
        if (current && !current->deleted) {
            LiveFile *file = loadFile(*current);
            if (!file) {
                releaseAll();
                c.fail(r, ErrorCode::Internal, QStringLiteral("a file could not be read"));
                return;
            }
            const TextEdit edit = difference(file->document.text(), target->text());
            if (edit.removed == 0 && edit.inserted.isEmpty()) {
                releaseFile(current->id);
                continue;
            }
            // The server's own replica types the difference, as the host's edit: on a copy,
            // applied to the file once stored.
            std::optional<Collab::Document> copy = Collab::Document::decode(ServerAgent, file->document.encodeState());
            if (!copy) {
                releaseAll();
                releaseFile(current->id);
                c.fail(r, ErrorCode::Internal, QStringLiteral("a file could not be read"));
                return;
            }
            copy->beginTransaction();
            copy->remove(edit.position, edit.removed);
            copy->insert(edit.position, edit.inserted);
            QByteArray update = copy->commitTransaction();
            restore.updates.append({current->id, file->record.lastN + 1, update});
            restored.push_back({file, std::move(update)});
            continue;
        }
        // Deleted since: created again under its old path, if no other file took it.
        if (takenPaths.contains(saved.path)) {
            qCInfo(lcCode) << "version.restore skipped" << saved.path << ": another file has its path";
            continue;
        }
        takenPaths.insert(saved.path);
        CodeFileRecord recreated;
        recreated.sessionId = session->record.id;
        recreated.path = saved.path;
        recreated.language = saved.language;
        Collab::Document document(ServerAgent);
        document.insert(0, target->text());
        const CodeEvent event{EventFileCreated, c.userId(), QString(), now, [recreated, by = c.userId()](qint64 id) {
                                  CodeFileRecord created = recreated;
                                  created.id = CodeFileId(id);
                                  return QJsonObject{{QStringLiteral("file"), fileJson(created)},
                                                     {QStringLiteral("by"), by.value()}};
                              }};
        restore.files.append({recreated, document.encodeState(), event});
    }
    QJsonArray changed;
    for (const Restored &each : restored) {
        CodeFileRecord record = each.file->record;
        record.lastN += 1;
        changed.append(fileJson(record));
    }
    restore.restored = [&](const QList<CodeFileRecord> &created) {
        for (const CodeFileRecord &file : created)
            changed.append(fileJson(file));
        return CodeEvent{EventVersionRestored, c.userId(), stringField(r, "clientId"), now, [&](qint64) {
                             return QJsonObject{{QStringLiteral("versionId"), versionId.value()},
                                                {QStringLiteral("files"), changed},
                                                {QStringLiteral("by"), c.userId().value()}};
                         }};
    };
    const StorageResult<CodeRestoreResult> stored = m_core.db([&] { return m_code.restoreCodeVersion(restore); });
    if (!stored.ok()) {
        qCWarning(lcCode) << "version.restore failed, nothing restored:" << stored.message;
        releaseAll();
        c.fail(r, ErrorCode::Internal, QStringLiteral("the version could not be restored; no file was changed"));
        return;
    }
    for (const Restored &each : restored) {
        LiveFile &file = *each.file;
        file.document.apply(each.update);
        file.record.lastN += 1;
        file.record.logBytes += each.update.size();
        fanOutUpdate(file, c.userId(), each.update, nullptr);
        compactIfDue(file);
    }
    releaseAll();
    c.reply(r, {{QStringLiteral("files"), changed}});
    for (const EventRecord &event : stored.value->events)
        m_core.publish(event);
}

void CodeService::versionDelete(Connection &c, const Request &r)
{
    LiveSession *session = joinedSession(c, r);
    if (!session || !requireRole(c, r, *session, CodeRole::Host) || !requireLive(c, r, *session))
        return;
    if (retried(c, r, *session, EventVersionDeleted)) {
        c.reply(r, {});
        return;
    }
    const CodeVersionId versionId(integerField(r, "versionId"));
    const std::optional<CodeVersionRecord> version = m_core.db([&] { return m_code.codeVersion(versionId); });
    if (!version || version->sessionId != session->record.id) {
        c.fail(r, ErrorCode::NotFound, QStringLiteral("no such version in this session"));
        return;
    }
    // The way out of the version limit: versions are never deleted to make room, a host
    // chooses which ones go.
    const CodeEvent event{EventVersionDeleted, c.userId(), stringField(r, "clientId"), wallClockMs(), [&](qint64) {
                              return QJsonObject{{QStringLiteral("versionId"), versionId.value()},
                                                 {QStringLiteral("by"), c.userId().value()}};
                          }};
    const StorageResult<EventRecord> deleted = m_core.db([&] { return m_code.deleteCodeVersion(versionId, event); });
    if (deleted.error == StorageError::NotFound) {
        c.fail(r, ErrorCode::NotFound, QStringLiteral("no such version in this session"));
        return;
    }
    if (!deleted.ok()) {
        qCWarning(lcCode) << "version.delete failed:" << deleted.message;
        c.fail(r, ErrorCode::Internal, QStringLiteral("the version could not be deleted"));
        return;
    }
    c.reply(r, {});
    m_core.publish(*deleted.value);
}

void CodeService::codeExport(Connection &c, const Request &r)
{
    LiveSession *session = joinedSession(c, r);
    if (!session)
        return;
    QJsonArray files;
    for (const CodeFileRecord &record : m_core.db([&] { return m_code.codeFiles(session->record.id); })) {
        const LiveFile *file = loadFile(record);
        if (!file) {
            c.fail(r, ErrorCode::Internal, QStringLiteral("a file could not be read"));
            return;
        }
        files.append(QJsonObject{{QStringLiteral("id"), record.id.value()},
                                 {QStringLiteral("path"), record.path},
                                 {QStringLiteral("language"), record.language},
                                 {QStringLiteral("content"), file->document.text()}});
        releaseFile(record.id);
    }
    sendLarge(c, r, {{QStringLiteral("files"), files}});
}

} // namespace Cohort::Server
