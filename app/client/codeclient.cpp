// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "codeclient.h"

#include "clientlogging.h"
#include "codesession.h"
#include "codesessionfile.h"
#include "connection.h"
#include "frame.h"
#include "localcache.h"

#include <QJsonArray>
#include <QTimer>
#include <QUuid>

namespace Cohort::Client {

namespace {
Reply localFailure(const QString &message)
{
    Reply reply;
    reply.local = true;
    reply.error = Protocol::ErrorCode::Unavailable;
    reply.message = message;
    return reply;
}
} // namespace

CodeClient::CodeClient(Connection *connection, QObject *parent)
    : QObject(parent)
    , m_connection(connection)
{
    m_requester = [this](const QString &opName, const QJsonObject &data, QObject *context, ReplyCallback done) {
        Protocol::Op op;
        if (!Protocol::parseOp(opName, &op)) {
            QTimer::singleShot(0, context ? context : this, [done, opName] {
                done(localFailure(QStringLiteral("this build does not know the op %1").arg(opName)));
            });
            return;
        }
        m_connection->request(op, data, context, std::move(done));
    };
    connect(connection, &Connection::eventReceived, this, &CodeClient::onEvent);
    connect(connection, &Connection::signedIn, this, &CodeClient::onSignedIn);
    connect(connection, &Connection::signedOut, this, &CodeClient::onSignedOut);
    connect(connection, &Connection::stateChanged, this, &CodeClient::onConnectionStateChanged);
    connect(connection, &Connection::serverInfoChanged, this, [this] {
        m_limits = CodeLimits::fromJson(m_connection->serverInfo().code);
        const bool available = isAvailable();
        if (available != m_available) {
            m_available = available;
            Q_EMIT availabilityChanged(available);
        }
    });
    m_available = isAvailable();
    m_limits = CodeLimits::fromJson(m_connection->serverInfo().code);
}

CodeClient::~CodeClient()
{
    // A quit, or the battery about to die: what the server has not acknowledged stays on disk.
    // Here, while the sessions and the connection are whole; the sessions go with this object.
    for (CodeSession *session : std::as_const(m_sessions))
        session->keepUnsentEdits();
}

UserId CodeClient::me() const
{
    return m_connection->currentUser().id;
}

bool CodeClient::isAvailable() const
{
    return m_connection->serverInfo().capabilities.contains(Protocol::CapabilityCode);
}

void CodeClient::request(const QString &op, const QJsonObject &data, QObject *context, ReplyCallback done)
{
    m_requester(op, data, context, std::move(done));
}

void CodeClient::listSessions(CourseId course, QObject *context,
                              std::function<void(const Reply &, const QList<CodeSessionInfo> &)> done, bool withArchived,
                              qint64 before)
{
    QJsonObject data;
    if (course.isValid())
        data.insert(QStringLiteral("courseId"), course.value());
    if (withArchived)
        data.insert(QStringLiteral("archived"), true);
    if (before > 0)
        data.insert(QStringLiteral("before"), before);
    request(QStringLiteral("code.list"), data, context, [done](const Reply &reply) {
        QList<CodeSessionInfo> sessions;
        for (const QJsonValue &value : reply.data.value(QLatin1String("sessions")).toArray()) {
            if (const std::optional<CodeSessionInfo> info = CodeSessionInfo::fromJson(value.toObject()))
                sessions.append(*info);
        }
        done(reply, sessions);
    });
}

bool CodeClient::isStoredSessionsLimit(const Reply &reply)
{
    // Both limits refuse with conflict; only the reason tells them apart (docs/protocol.md, code.create).
    return !reply.ok && reply.error == Protocol::ErrorCode::Conflict
        && reply.details.value(Protocol::KeyReason).toString() == Protocol::ReasonStoredLimit;
}

void CodeClient::createSession(const NewCodeSession &settings, QObject *context,
                               std::function<void(const Reply &, const std::optional<CodeSessionInfo> &)> done)
{
    QJsonObject data{{QStringLiteral("clientId"), QUuid::createUuid().toString(QUuid::WithoutBraces)},
                     {QStringLiteral("title"), settings.title},
                     {QStringLiteral("scope"), settings.visibility},
                     {QStringLiteral("maxCollaborators"), settings.maxCollaborators},
                     {QStringLiteral("approval"), settings.approval},
                     {QStringLiteral("lecture"), settings.lecture}};
    if (settings.courseId.isValid())
        data.insert(QStringLiteral("courseId"), settings.courseId.value());
    if (!settings.accessCode.isEmpty())
        data.insert(QStringLiteral("accessCode"), settings.accessCode);
    request(QStringLiteral("code.create"), data, context, [done](const Reply &reply) {
        done(reply, reply.ok ? CodeSessionInfo::fromJson(reply.data.value(QLatin1String("session")).toObject())
                             : std::nullopt);
    });
}

void CodeClient::requestSession(const QString &op, CodeSessionId id, QObject *context,
                                std::function<void(const Reply &, const std::optional<CodeSessionInfo> &)> done)
{
    const QJsonObject data{{QStringLiteral("clientId"), QUuid::createUuid().toString(QUuid::WithoutBraces)},
                           {QStringLiteral("sessionId"), id.value()}};
    request(op, data, context, [done](const Reply &reply) {
        done(reply, reply.ok ? CodeSessionInfo::fromJson(reply.data.value(QLatin1String("session")).toObject())
                             : std::nullopt);
    });
}

void CodeClient::archiveSession(CodeSessionId id, QObject *context,
                                std::function<void(const Reply &, const std::optional<CodeSessionInfo> &)> done)
{
    requestSession(QStringLiteral("code.archive"), id, context, std::move(done));
}

void CodeClient::unarchiveSession(CodeSessionId id, QObject *context,
                                  std::function<void(const Reply &, const std::optional<CodeSessionInfo> &)> done)
{
    requestSession(QStringLiteral("code.unarchive"), id, context, std::move(done));
}

void CodeClient::deleteSession(CodeSessionId id, QObject *context, ReplyCallback done)
{
    requestSession(QStringLiteral("code.delete"), id, context,
                   [done](const Reply &reply, const std::optional<CodeSessionInfo> &) {
                       if (done)
                           done(reply);
                   });
}

CodeSession *CodeClient::join(CodeSessionId id, const QString &accessCode)
{
    CodeSession *session = m_sessions.value(id);
    if (!session) {
        session = new CodeSession(this, id, this);
        m_sessions.insert(id, session);
        Q_EMIT sessionAdded(session);
    }
    if (!accessCode.isEmpty())
        session->m_accessCode = accessCode;
    if (session->state() != CodeSession::State::Joined)
        session->sendJoin();
    return session;
}

void CodeClient::leave(CodeSession *session)
{
    if (!session || m_sessions.value(session->id()) != session)
        return;
    const CodeSessionId id = session->id();
    m_sessions.remove(id);
    if (session->info().roomId.isValid())
        m_connection->untrackRoom(session->info().roomId);
    // Edits not acknowledged yet are kept on this computer and sent when it is opened again.
    session->keepUnsentEdits();
    if (session->state() == CodeSession::State::Joined)
        request(QStringLiteral("code.leave"), {{QStringLiteral("sessionId"), id.value()}}, this, [](const Reply &) {});
    session->deleteLater();
    Q_EMIT sessionRemoved(id);
}

void CodeClient::drop(CodeSession *session)
{
    const CodeSessionId id = session->id();
    session->keepUnsentEdits();
    m_sessions.remove(id);
    session->deleteLater();
    Q_EMIT sessionRemoved(id);
}

void CodeClient::onSignedOut()
{
    const QList<CodeSession *> sessions = m_sessions.values();
    for (CodeSession *session : sessions)
        drop(session);
}

void CodeClient::onSignedIn()
{
    // Sessions joined as someone else (a sign-in as another user without a sign-out between)
    // are not this user's: their unsent edits must never go out under this account.
    const QList<CodeSession *> sessions = m_sessions.values();
    for (CodeSession *session : sessions) {
        if (session->m_owner.isValid() && session->m_owner != me())
            drop(session);
        else
            session->onSignedIn();
    }
}

int CodeClient::filesWithChangesNotOnServer()
{
    QSet<std::pair<qint64, qint64>> files; // (session, file)
    for (CodeSession *session : std::as_const(m_sessions)) {
        session->keepUnsentEdits();
        for (CodeFileId file : session->filesWithUnsentEdits())
            files.insert({session->id().value(), file.value()});
        for (const CodeSession::RefusedEdits &edits : session->allRefusedEdits())
            files.insert({session->id().value(), edits.file.value()});
    }
    if (const LocalCache *cache = m_connection->cache(); cache && me().isValid()) {
        for (const CachedUnsentEdits &kept : cache->unsentEdits(me()))
            files.insert({kept.sessionId, kept.fileId});
        for (const CachedRefusedEdits &kept : cache->refusedEdits(me()))
            files.insert({kept.sessionId, kept.fileId});
    }
    return static_cast<int>(files.size());
}

QSet<CodeSessionId> CodeClient::sessionsWithKeptChanges(bool refused) const
{
    QSet<CodeSessionId> sessions;
    for (const CodeSession *session : std::as_const(m_sessions)) {
        if (refused ? !session->allRefusedEdits().isEmpty() : !session->filesWithUnsentEdits().isEmpty())
            sessions.insert(session->id());
    }
    const LocalCache *cache = m_connection->cache();
    if (!cache || !me().isValid())
        return sessions;
    if (refused) {
        for (const CachedRefusedEdits &kept : cache->refusedEdits(me()))
            sessions.insert(CodeSessionId(kept.sessionId));
    } else {
        for (const CachedUnsentEdits &kept : cache->unsentEdits(me()))
            sessions.insert(CodeSessionId(kept.sessionId));
    }
    return sessions;
}

void CodeClient::onConnectionStateChanged()
{
    if (m_connection->state() == Connection::State::Connected)
        return;
    for (CodeSession *session : std::as_const(m_sessions)) {
        for (CodeSessionFile *file : session->openedFiles())
            file->connectionLost();
    }
}

void CodeClient::onEvent(const Protocol::Frame &frame)
{
    if (CodeSession *session = sessionForEvent(frame))
        session->onEvent(frame);
}

CodeSession *CodeClient::sessionForEvent(const Protocol::Frame &frame) const
{
    const CodeSessionId id(frame.data.value(QLatin1String("sessionId")).toInteger());
    if (id.isValid())
        return m_sessions.value(id);
    if (!frame.room.isValid())
        return nullptr;
    for (CodeSession *session : m_sessions) {
        if (session->info().roomId == frame.room)
            return session;
    }
    return nullptr;
}

} // namespace Cohort::Client
