// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "codesession.h"

#include "clientlogging.h"
#include "codeclient.h"
#include "codecommentmodel.h"
#include "codefilemodel.h"
#include "codeparticipantmodel.h"
#include "codesessionfile.h"
#include "connection.h"
#include "frame.h"
#include "document.h"
#include "localcache.h"
#include "protocol.h"

#include <QDateTime>
#include <QHash>
#include <QJsonArray>
#include <QPointer>
#include <QUuid>

#include <algorithm>

namespace Cohort::Client {

namespace {
QString newClientId()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

QString base64(const QByteArray &bytes)
{
    return QString::fromLatin1(bytes.toBase64());
}

std::optional<CodeCommentInfo> commentOf(const Reply &reply)
{
    return reply.ok ? CodeCommentInfo::fromJson(reply.data.value(QLatin1String("comment")).toObject()) : std::nullopt;
}
} // namespace

CodeSession::CodeSession(CodeClient *client, CodeSessionId id, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_id(id)
    , m_files(new CodeFileModel(this))
    , m_participants(new CodeParticipantModel(this))
    , m_comments(new CodeCommentModel(this))
{
    m_info.id = id;
    m_comments->setLineResolver([this](const CodeCommentInfo &comment) { return commentLines(comment); });
    m_joinRetry.setSingleShot(true);
    connect(&m_joinRetry, &QTimer::timeout, this, &CodeSession::sendJoin);
}

CodeSession::~CodeSession() = default;

// Joining

void CodeSession::sendJoin()
{
    if (m_joinInFlight)
        return;
    m_joinRetry.stop();
    m_joinInFlight = true;
    adoptOwner();
    // A rejoin after a reconnect keeps Joined: the pane keeps its editors open and editable,
    // and the files wait (isRejoining()) until the server has subscribed us again.
    if (m_state != State::Pending && m_state != State::Joined)
        setState(State::Joining);
    QJsonObject data{{QStringLiteral("sessionId"), m_id.value()}};
    if (!m_accessCode.isEmpty())
        data.insert(QStringLiteral("accessCode"), m_accessCode);
    LocalCache *cache = m_client->m_connection->cache();
    if (m_agent == 0 && cache)
        m_agent = cache->codeAgent(m_id.value());
    if (m_agent != 0)
        data.insert(QStringLiteral("agent"), static_cast<qint64>(m_agent));
    // No `since`: every join answers the whole current state (files, participants, roles) and
    // the comments are fetched again, which is simpler than replaying and cheap at class size.
    m_client->request(QStringLiteral("code.join"), data, this, [this](const Reply &reply) {
        m_joinInFlight = false;
        onJoinReply(reply);
    });
}

void CodeSession::onJoinReply(const Reply &reply)
{
    if (!reply.ok) {
        if (reply.local)
            return; // not connected: onSignedIn() joins again
        if (reply.error == Protocol::ErrorCode::Internal || reply.error == Protocol::ErrorCode::Unavailable) {
            // The server could not take the join this time (a failing database, shutting
            // down): the session stays as it was and asks again, later each time. Not
            // rate_limited: on code.join that is the wait after a host declined, or too many
            // access codes tried, which the user is told.
            m_joinRetryMs = std::min(std::max(m_joinRetryMs * 2, 500), 30000);
            m_joinRetry.start(static_cast<int>(std::max<qint64>(reply.retryAfterMs, m_joinRetryMs)));
            return;
        }
        refuse(joinRefusal(reply), reply);
        return;
    }
    const QJsonObject &d = reply.data;
    if (const std::optional<CodeSessionInfo> info = CodeSessionInfo::fromJson(d.value(QLatin1String("session")).toObject()))
        setInfo(*info);
    if (d.value(QLatin1String("pending")).toBool()) {
        setState(State::Pending);
        return;
    }
    m_agent = static_cast<quint64>(d.value(QLatin1String("agent")).toInteger());
    if (LocalCache *cache = m_client->m_connection->cache())
        cache->setCodeAgent(m_id.value(), m_agent);
    m_lastSeq = d.value(QLatin1String("lastSeq")).toInteger();
    m_joinRetryMs = 0;
    m_refusal = Refusal::None;
    m_refusalReply = Reply();

    QList<CodeParticipant> participants;
    for (const QJsonValue &value : d.value(QLatin1String("participants")).toArray()) {
        if (std::optional<CodeParticipant> p = CodeParticipant::fromJson(value.toObject())) {
            const auto cursor = m_cursors.constFind(p->user.id);
            if (cursor != m_cursors.cend() && p->online) {
                p->fileId = cursor->fileId;
                p->viewportTopLine = cursor->viewportTopLine;
            }
            participants.append(*p);
        }
    }
    m_participants->setParticipants(participants);
    // Cursors of people who went offline while we were away are stale.
    const QList<UserId> cursorUsers = m_cursors.keys();
    for (UserId user : cursorUsers) {
        const CodeParticipant *p = m_participants->participant(user);
        if (!p || !p->online)
            dropCursorOf(user);
    }

    m_pendingJoiners.clear();
    for (const QJsonValue &value : d.value(QLatin1String("requests")).toArray()) {
        if (const std::optional<UserInfo> user = UserInfo::fromJson(value.toObject()))
            m_pendingJoiners.append(*user);
    }
    Q_EMIT pendingJoinersChanged();

    QList<CodeFileInfo> files;
    for (const QJsonValue &value : d.value(QLatin1String("files")).toArray()) {
        if (const std::optional<CodeFileInfo> file = CodeFileInfo::fromJson(value.toObject()))
            files.append(*file);
    }
    setFiles(files);
    setMyRole(m_info.myRole.value_or(CodeRole::Viewer));
    m_client->m_connection->trackRoom(m_info.roomId);
    setState(State::Joined);
    refreshComments();
    updateLectureFollow();
    resyncFiles();
}

CodeSession::Refusal CodeSession::joinRefusal(const Reply &reply)
{
    // details.reason says which refusal it is; the message is for people and may be reworded.
    static const QHash<QString, Refusal> byReason{
        {Protocol::ReasonAccessCode, Refusal::AccessCode},
        {Protocol::ReasonAccessCodeAttempts, Refusal::AccessCodeAttempts},
        {Protocol::ReasonLocked, Refusal::Locked},
        {Protocol::ReasonFull, Refusal::Full},
        {Protocol::ReasonDeclined, Refusal::Denied},
        {Protocol::ReasonApprovalQueueFull, Refusal::ApprovalQueueFull},
        {Protocol::ReasonArchived, Refusal::Archived},
        {Protocol::ReasonNotFound, Refusal::NotFound},
        // The agent id this device asked for: nothing the pane can explain beyond the message.
        {Protocol::ReasonAgentTaken, Refusal::Other},
        {Protocol::ReasonAgentLimit, Refusal::Other},
    };
    const auto known = byReason.constFind(reply.details.value(Protocol::KeyReason).toString());
    if (known != byReason.cend())
        return *known;
    // No reason this client knows (an older server, a reason added later): the code alone.
    switch (reply.error) {
    case Protocol::ErrorCode::Forbidden:
        return Refusal::Forbidden;
    case Protocol::ErrorCode::NotFound:
        return Refusal::NotFound;
    default:
        return Refusal::Other;
    }
}

void CodeSession::refuse(Refusal refusal, const Reply &reply)
{
    qCInfo(lcClient) << "code session" << m_id.value() << "refused the join:" << reply.message;
    // Edits made offline that never reached the server will not reach it now (archived,
    // deleted, removed from it): the user keeps them to save elsewhere.
    for (CodeSessionFile *file : std::as_const(m_open)) {
        if (file->hasUnsentChanges())
            keepRefusedEdits(file, reply);
    }
    // Those an earlier run kept wait for a later join, unless the session is closed to me for
    // good (a locked or full session may take them tomorrow).
    if (refusal == Refusal::Archived || refusal == Refusal::Forbidden || refusal == Refusal::NotFound) {
        if (LocalCache *cache = keptCache()) {
            for (const CachedUnsentEdits &kept : cache->unsentEdits(m_owner, m_id.value()))
                refuseKeptEdits(CodeFileId(kept.fileId), reply);
        }
    }
    m_refusal = refusal;
    m_refusalReply = reply;
    setState(State::Refused);
}

void CodeSession::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

void CodeSession::onSignedIn()
{
    if (m_state == State::Refused)
        return;
    // A new connection has no subscription: join again (with our agent id, so offline edits
    // stay ours), then every open file catches up and sends what the server lacks.
    m_joinInFlight = false;
    sendJoin();
}

void CodeSession::resyncFiles()
{
    adoptOwner();
    for (CodeSessionFile *file : std::as_const(m_open))
        file->resync();
    sendKeptEdits();
}

// Edits kept on this computer

void CodeSession::adoptOwner()
{
    if (m_owner.isValid())
        return;
    LocalCache *cache = m_client->m_connection->cache();
    const UserId me = m_client->me();
    if (!me.isValid() || !cache || !cache->isOpen())
        return;
    m_owner = me;
    m_cachePath = cache->path();
    QList<RefusedEdits> kept;
    for (const CachedRefusedEdits &edits : cache->refusedEdits(m_owner, m_id.value())) {
        Reply reply;
        reply.error = edits.error;
        reply.message = edits.message;
        kept.append(RefusedEdits{edits.id, CodeFileId(edits.fileId), edits.path, edits.text, reply});
    }
    if (kept.isEmpty())
        return;
    m_refused = kept + m_refused;
    for (const RefusedEdits &edits : std::as_const(kept))
        Q_EMIT refusedEditsChanged(edits.file);
}

LocalCache *CodeSession::keptCache() const
{
    LocalCache *cache = m_client->m_connection->cache();
    return cache && m_owner.isValid() && cache->isOpen() && cache->path() == m_cachePath ? cache : nullptr;
}

void CodeSession::sendKeptEdits()
{
    LocalCache *cache = keptCache();
    if (m_keptSent || !cache)
        return;
    m_keptSent = true;
    for (const CachedUnsentEdits &kept : cache->unsentEdits(m_owner, m_id.value())) {
        const CodeFileId file(kept.fileId);
        if (m_open.contains(file))
            continue; // its first state merges them
        if (!m_files->file(file)) {
            Reply reply;
            reply.error = Protocol::ErrorCode::NotFound;
            reply.message = QStringLiteral("the file was deleted");
            refuseKeptEdits(file, reply);
            continue;
        }
        openFile(file);
    }
}

void CodeSession::refuseKeptEdits(CodeFileId file, const Reply &reply)
{
    LocalCache *cache = keptCache();
    if (!cache)
        return;
    for (const CachedUnsentEdits &kept : cache->unsentEdits(m_owner, m_id.value())) {
        if (kept.fileId != file.value())
            continue;
        if (const std::optional<Collab::Document> replica = Collab::Document::decode(Collab::Document::randomAgent(), kept.state))
            keepRefusedText(file, kept.path, replica->text(), reply);
        else
            qCWarning(lcClient) << "file" << file.value() << ": the kept edits do not decode";
        cache->removeUnsentEdits(m_owner, m_id.value(), kept.fileId);
    }
}

void CodeSession::keepUnsentEdits()
{
    for (CodeSessionFile *file : std::as_const(m_open))
        file->keepUnsent();
}

QList<CodeFileId> CodeSession::filesWithUnsentEdits() const
{
    QList<CodeFileId> files;
    for (const CodeSessionFile *file : std::as_const(m_open)) {
        if (file->hasUnsentChanges())
            files.append(file->id());
    }
    if (const LocalCache *cache = keptCache()) {
        for (const CachedUnsentEdits &kept : cache->unsentEdits(m_owner, m_id.value())) {
            if (!files.contains(CodeFileId(kept.fileId)))
                files.append(CodeFileId(kept.fileId));
        }
    }
    return files;
}

void CodeSession::setFiles(const QList<CodeFileInfo> &files)
{
    QHash<CodeFileId, CodeFileInfo> byId;
    for (const CodeFileInfo &file : files)
        byId.insert(file.id, file);
    const QList<CodeFileInfo> old = m_files->files();
    for (const CodeFileInfo &file : old) {
        if (!byId.contains(file.id))
            removeFile(file.id);
    }
    for (const CodeFileInfo &file : files) {
        const CodeFileInfo *known = m_files->file(file.id);
        if (!known) {
            m_files->upsert(file);
            Q_EMIT fileCreated(file);
        } else if (!(*known == file)) {
            m_files->upsert(file);
            if (CodeSessionFile *open = m_open.value(file.id))
                open->setInfo(file);
            Q_EMIT fileRenamed(file);
        }
    }
}

void CodeSession::setInfo(const CodeSessionInfo &info, UserId by)
{
    CodeSessionInfo next = info;
    // code.updated carries neither my role nor the access code: keep what we know.
    if (!info.myRole && !info.pending)
        next.myRole = m_info.myRole;
    if (info.accessCode.isEmpty() && info.hasAccessCode)
        next.accessCode = m_info.accessCode;
    if (info.lecture && m_info.lecture)
        next.lecturer = m_info.lecturer;
    else if (info.lecture && by.isValid())
        next.lecturer = by;
    const bool lectureOn = next.lecture && !m_info.lecture;
    if (next == m_info)
        return;
    m_info = next;
    if (lectureOn)
        m_lectureDismissed = false;
    Q_EMIT infoChanged();
}

void CodeSession::setMyRole(CodeRole role)
{
    m_info.myRole = role;
    if (m_myRole == role)
        return;
    m_myRole = role;
    Q_EMIT myRoleChanged(role);
    updateLectureFollow();
}

// Events

void CodeSession::onEvent(const Protocol::Frame &frame)
{
    const QJsonObject &d = frame.data;
    if (frame.seq > 0) {
        if (frame.seq <= m_lastSeq)
            return; // already in the state code.join answered
        m_lastSeq = frame.seq;
        onLoggedEvent(frame);
        return;
    }
    if (frame.event == QLatin1String("doc.update")) {
        if (CodeSessionFile *file = m_open.value(CodeFileId(d.value(QLatin1String("fileId")).toInteger())))
            file->onRemoteUpdate(QByteArray::fromBase64(d.value(QLatin1String("update")).toString().toLatin1()));
    } else if (frame.event == QLatin1String("cursor")) {
        onCursorEvent(d);
    } else if (frame.event == QLatin1String("participant.online")) {
        const UserId user(d.value(QLatin1String("userId")).toInteger());
        const bool online = d.value(QLatin1String("online")).toBool();
        m_participants->update(user, [online](CodeParticipant &p) { p.online = online; });
        if (online) {
            if (const CodeParticipant *p = m_participants->participant(user))
                Q_EMIT participantJoined(p->user);
        } else {
            dropCursorOf(user);
            if (m_following == user && m_followExplicit)
                setFollowing(UserId());
            Q_EMIT participantLeft(user);
        }
    } else if (frame.event == QLatin1String("code.joinRequest")) {
        if (const std::optional<UserInfo> user = UserInfo::fromJson(d.value(QLatin1String("user")).toObject())) {
            m_pendingJoiners.removeIf([&user](const UserInfo &u) { return u.id == user->id; });
            m_pendingJoiners.append(*user);
            Q_EMIT pendingJoinersChanged();
            Q_EMIT joinRequested(*user);
        }
    } else if (frame.event == QLatin1String("code.approved")) {
        m_joinInFlight = false;
        sendJoin();
    } else if (frame.event == QLatin1String("code.denied")) {
        Reply reply;
        reply.error = Protocol::ErrorCode::Forbidden;
        reply.message = QStringLiteral("a host denied the request to join");
        refuse(Refusal::Denied, reply);
    } else if (frame.event == QLatin1String("code.removed")) {
        Reply reply;
        reply.error = Protocol::ErrorCode::Forbidden;
        reply.message = QStringLiteral("a host removed you from the session");
        refuse(Refusal::Removed, reply);
    } else {
        // A connection waiting for approval hears of an archive without the room's seq.
        onLifecycleEvent(frame);
    }
}

void CodeSession::onLifecycleEvent(const Protocol::Frame &frame)
{
    const QJsonObject &d = frame.data;
    if (frame.event == QLatin1String("code.archived") || frame.event == QLatin1String("code.unarchived")) {
        CodeSessionInfo next = m_info;
        next.archived = frame.event == QLatin1String("code.archived");
        next.archivedAt = next.archived ? d.value(QLatin1String("archivedAt")).toInteger() : 0;
        setInfo(next);
        // The archive dropped the requests waiting for a host: none is left to approve, also
        // once the session is unarchived.
        if (next.archived && !m_pendingJoiners.isEmpty()) {
            m_pendingJoiners.clear();
            Q_EMIT pendingJoinersChanged();
        }
        // Everyone but the owner is out of an archived session (the server unsubscribed them).
        if (next.archived && m_info.owner != m_client->me()) {
            Reply reply;
            reply.error = Protocol::ErrorCode::Conflict;
            reply.message = QStringLiteral("the session is archived");
            refuse(Refusal::Archived, reply);
        }
    } else if (frame.event == QLatin1String("code.deleted")) {
        Reply reply;
        reply.error = Protocol::ErrorCode::NotFound;
        reply.message = QStringLiteral("the session was deleted");
        refuse(Refusal::NotFound, reply);
    }
}

void CodeSession::onLoggedEvent(const Protocol::Frame &frame)
{
    const QJsonObject &d = frame.data;
    const QString &event = frame.event;
    const UserId by(d.value(QLatin1String("by")).toInteger());
    if (event == QLatin1String("code.updated")) {
        if (const std::optional<CodeSessionInfo> info = CodeSessionInfo::fromJson(d.value(QLatin1String("session")).toObject())) {
            setInfo(*info, by);
            updateLectureFollow();
        }
    } else if (event == QLatin1String("participant.joined") || event == QLatin1String("participant.role")) {
        const std::optional<CodeParticipant> p = CodeParticipant::fromJson(d.value(QLatin1String("participant")).toObject());
        if (!p)
            return;
        const CodeParticipant *known = m_participants->participant(p->user.id);
        const bool isNew = !known;
        const bool roleChanged = known && known->role != p->role;
        m_participants->upsert(*p);
        if (m_pendingJoiners.removeIf([&p](const UserInfo &u) { return u.id == p->user.id; }) > 0)
            Q_EMIT pendingJoinersChanged();
        if (p->user.id == m_client->me() && !p->pending)
            setMyRole(p->role);
        if (isNew)
            Q_EMIT participantJoined(p->user);
        if (roleChanged || event == QLatin1String("participant.role"))
            Q_EMIT this->roleChanged(p->user.id, p->role);
    } else if (event == QLatin1String("participant.removed")) {
        const UserId user(d.value(QLatin1String("userId")).toInteger());
        m_participants->remove(user);
        dropCursorOf(user);
        if (m_following == user)
            setFollowing(UserId());
        Q_EMIT participantLeft(user);
    } else if (event == QLatin1String("file.created") || event == QLatin1String("file.renamed")) {
        const std::optional<CodeFileInfo> file = CodeFileInfo::fromJson(d.value(QLatin1String("file")).toObject());
        if (!file)
            return;
        const bool known = m_files->file(file->id) != nullptr;
        m_files->upsert(*file);
        if (CodeSessionFile *open = m_open.value(file->id))
            open->setInfo(*file);
        if (known)
            Q_EMIT fileRenamed(*file);
        else
            Q_EMIT fileCreated(*file);
    } else if (event == QLatin1String("file.deleted")) {
        removeFile(CodeFileId(d.value(QLatin1String("fileId")).toInteger()));
    } else if (event == QLatin1String("comment.added")) {
        if (const std::optional<CodeCommentInfo> comment = CodeCommentInfo::fromJson(d.value(QLatin1String("comment")).toObject())) {
            m_comments->upsert(*comment);
            Q_EMIT commentsChanged();
        }
    } else if (event == QLatin1String("comment.resolved")) {
        m_comments->setResolved(CodeCommentId(d.value(QLatin1String("commentId")).toInteger()),
                                d.value(QLatin1String("resolved")).toBool());
        Q_EMIT commentsChanged();
    } else if (event == QLatin1String("version.created")) {
        if (const std::optional<CodeVersionInfo> version = CodeVersionInfo::fromJson(d.value(QLatin1String("version")).toObject()))
            Q_EMIT versionCreated(*version);
    } else if (event == QLatin1String("version.restored")) {
        Q_EMIT versionRestored(CodeVersionId(d.value(QLatin1String("versionId")).toInteger()));
    } else if (event == QLatin1String("version.deleted")) {
        Q_EMIT versionDeleted(CodeVersionId(d.value(QLatin1String("versionId")).toInteger()));
    } else {
        onLifecycleEvent(frame);
    }
}

void CodeSession::removeFile(CodeFileId file)
{
    if (!m_files->file(file))
        return;
    m_files->remove(file);
    if (CodeSessionFile *open = m_open.value(file); open && open->hasUnsentChanges()) {
        Reply reply;
        reply.error = Protocol::ErrorCode::NotFound;
        reply.message = QStringLiteral("the file was deleted");
        keepRefusedEdits(open, reply);
    }
    Q_EMIT fileDeleted(file);
    if (CodeSessionFile *open = m_open.take(file))
        open->deleteLater();
    for (auto it = m_cursors.begin(); it != m_cursors.end();) {
        if (it->fileId == file) {
            const UserId user = it.key();
            it = m_cursors.erase(it);
            Q_EMIT cursorRemoved(file, user);
        } else {
            ++it;
        }
    }
    m_comments->refreshFile(file);
}

void CodeSession::keepRefusedEdits(CodeSessionFile *file, const Reply &reply)
{
    // Whole, also past the file length limit (a paste too large for the server): a copy on disk
    // has no such limit, and the replica, which reloads the server's text next, held as much.
    keepRefusedText(file->id(), file->info().path, file->text(), reply);
    file->dropUnsent(); // kept as this text now, not as edits to send
}

void CodeSession::keepRefusedText(CodeFileId file, const QString &path, const QString &text, const Reply &reply)
{
    qCInfo(lcClient) << "file" << file.value() << ": keeping" << text.size() << "characters the server refused";
    // An older refusal of the same file stays: it may hold work the newer text lacks (the
    // replica went back to the server's text in between).
    RefusedEdits kept{0, file, path, text, reply};
    if (LocalCache *cache = keptCache()) {
        kept.id = cache->addRefusedEdits(m_owner, CachedRefusedEdits{0, m_id.value(), file.value(), path, text, reply.error,
                                                                    reply.message, QDateTime::currentMSecsSinceEpoch()});
    }
    if (kept.id == 0)
        kept.id = --m_unkeptRefusals;
    m_refused.append(std::move(kept));
    Q_EMIT refusedEditsChanged(file);
}

std::optional<CodeSession::RefusedEdits> CodeSession::refusedEdits(CodeFileId file) const
{
    for (auto it = m_refused.crbegin(); it != m_refused.crend(); ++it) {
        if (it->file == file)
            return *it;
    }
    return std::nullopt;
}

std::optional<CodeSession::RefusedEdits> CodeSession::refusedEditsWithId(qint64 id) const
{
    for (const RefusedEdits &edits : m_refused) {
        if (edits.id == id)
            return edits;
    }
    return std::nullopt;
}

void CodeSession::discardRefusedEdits(qint64 id)
{
    const std::optional<RefusedEdits> edits = refusedEditsWithId(id);
    if (!edits)
        return;
    m_refused.removeIf([id](const RefusedEdits &e) { return e.id == id; });
    if (LocalCache *cache = keptCache(); cache && id > 0)
        cache->removeRefusedEdits(id);
    Q_EMIT refusedEditsChanged(edits->file);
}

// Presence and follow

void CodeSession::onCursorEvent(const QJsonObject &d)
{
    const UserId user(d.value(QLatin1String("userId")).toInteger());
    if (!user.isValid() || user == m_client->me())
        return;
    const CodeFileId file(d.value(QLatin1String("fileId")).toInteger());
    const std::optional<Collab::Anchor> anchor =
        Collab::Anchor::fromBytes(QByteArray::fromBase64(d.value(QLatin1String("anchor")).toString().toLatin1()));
    const std::optional<Collab::Anchor> head =
        Collab::Anchor::fromBytes(QByteArray::fromBase64(d.value(QLatin1String("head")).toString().toLatin1()));
    if (!file.isValid() || !anchor || !head)
        return;
    const int topLine = static_cast<int>(d.value(QLatin1String("viewportTopLine")).toInteger());

    const auto old = m_cursors.constFind(user);
    if (old != m_cursors.cend() && old->fileId != file) {
        const CodeFileId oldFile = old->fileId;
        m_cursors.remove(user);
        Q_EMIT cursorRemoved(oldFile, user);
    }
    CodeCursor cursor;
    cursor.user = user;
    cursor.hue = participantHue(user);
    cursor.fileId = file;
    cursor.anchor = *anchor;
    cursor.head = *head;
    cursor.viewportTopLine = topLine;
    if (const CodeParticipant *p = m_participants->participant(user))
        cursor.name = p->user.displayName.isEmpty() ? p->user.username : p->user.displayName;
    m_cursors.insert(user, cursor);
    m_participants->update(user, [file, topLine](CodeParticipant &p) {
        p.fileId = file;
        p.viewportTopLine = topLine;
    });
    m_files->setUserFile(user, file);
    Q_EMIT cursorChanged(file, user);
    if (user == m_following)
        Q_EMIT followMoved(user, file, topLine);
}

void CodeSession::dropCursorOf(UserId user)
{
    const auto it = m_cursors.constFind(user);
    if (it == m_cursors.cend())
        return;
    const CodeFileId file = it->fileId;
    m_cursors.remove(user);
    m_participants->update(user, [](CodeParticipant &p) { p.fileId = CodeFileId(); });
    m_files->setUserFile(user, CodeFileId());
    Q_EMIT cursorRemoved(file, user);
}

QList<CodeCursor> CodeSession::cursors(CodeFileId file) const
{
    QList<CodeCursor> result;
    for (const CodeCursor &cursor : m_cursors) {
        if (cursor.fileId == file)
            result.append(cursor);
    }
    std::sort(result.begin(), result.end(), [](const CodeCursor &a, const CodeCursor &b) { return a.user < b.user; });
    return result;
}

CodeFileId CodeSession::fileOf(UserId user) const
{
    return m_cursors.value(user).fileId;
}

void CodeSession::follow(UserId user)
{
    if (!user.isValid() || user == m_client->me() || !m_participants->participant(user)) {
        stopFollowing();
        return;
    }
    m_followExplicit = true;
    setFollowing(user);
}

void CodeSession::stopFollowing()
{
    if (m_info.lecture && m_myRole == CodeRole::Viewer)
        m_lectureDismissed = true;
    m_followExplicit = false;
    setFollowing(UserId());
}

void CodeSession::updateLectureFollow()
{
    if (m_followExplicit)
        return;
    const bool lectureFollows = m_state == State::Joined && m_info.lecture && m_myRole == CodeRole::Viewer
        && !m_lectureDismissed && m_info.lecturer != m_client->me();
    setFollowing(lectureFollows ? m_info.lecturer : UserId());
}

void CodeSession::setFollowing(UserId user)
{
    if (m_following == user)
        return;
    m_following = user;
    Q_EMIT followingChanged(user);
    const auto it = m_cursors.constFind(user);
    if (user.isValid() && it != m_cursors.cend())
        Q_EMIT followMoved(user, it->fileId, it->viewportTopLine);
}

// Requests

void CodeSession::request(const QString &op, QJsonObject data, QObject *context, ReplyCallback done, bool reportFailure)
{
    data.insert(QStringLiteral("sessionId"), m_id.value());
    const bool hasContext = context != nullptr;
    const QPointer<QObject> guard = context;
    m_client->request(op, data, this, [this, done, hasContext, guard, reportFailure](const Reply &reply) {
        if (!reply.ok && reportFailure)
            Q_EMIT requestFailed(reply);
        if (done && (!hasContext || guard))
            done(reply);
    });
}

void CodeSession::update(const CodeSessionChanges &changes, QObject *context, ReplyCallback done)
{
    QJsonObject data{{QStringLiteral("clientId"), newClientId()}};
    if (changes.title)
        data.insert(QStringLiteral("title"), *changes.title);
    if (changes.locked)
        data.insert(QStringLiteral("locked"), *changes.locked);
    if (changes.approval)
        data.insert(QStringLiteral("approval"), *changes.approval);
    if (changes.lecture)
        data.insert(QStringLiteral("lecture"), *changes.lecture);
    if (changes.accessCode)
        data.insert(QStringLiteral("accessCode"), *changes.accessCode);
    if (changes.maxCollaborators)
        data.insert(QStringLiteral("maxCollaborators"), *changes.maxCollaborators);
    request(QStringLiteral("code.update"), data, context, [this, done](const Reply &reply) {
        if (reply.ok) {
            if (const std::optional<CodeSessionInfo> info = CodeSessionInfo::fromJson(reply.data.value(QLatin1String("session")).toObject())) {
                setInfo(*info, m_client->me());
                updateLectureFollow();
            }
        }
        if (done)
            done(reply);
    });
}

void CodeSession::setRole(UserId user, CodeRole role, QObject *context, ReplyCallback done)
{
    request(QStringLiteral("code.setRole"),
            {{QStringLiteral("clientId"), newClientId()}, {QStringLiteral("userId"), user.value()},
             {QStringLiteral("codeRole"), codeRoleName(role)}},
            context, std::move(done));
}

void CodeSession::approve(UserId user, bool allow, QObject *context, ReplyCallback done)
{
    request(QStringLiteral("code.approve"), {{QStringLiteral("userId"), user.value()}, {QStringLiteral("allow"), allow}},
            context, [this, user, done](const Reply &reply) {
                if (reply.ok && m_pendingJoiners.removeIf([user](const UserInfo &u) { return u.id == user; }) > 0)
                    Q_EMIT pendingJoinersChanged();
                if (done)
                    done(reply);
            });
}

void CodeSession::removeParticipant(UserId user, QObject *context, ReplyCallback done)
{
    request(QStringLiteral("code.remove"), {{QStringLiteral("clientId"), newClientId()}, {QStringLiteral("userId"), user.value()}},
            context, std::move(done));
}

void CodeSession::createFile(const QString &path, const QString &language, const QString &content, QObject *context,
                             std::function<void(const Reply &, const std::optional<CodeFileInfo> &)> done)
{
    QJsonObject data{{QStringLiteral("clientId"), newClientId()}, {QStringLiteral("path"), path},
                     {QStringLiteral("language"), language}};
    if (!content.isEmpty())
        data.insert(QStringLiteral("content"), content);
    request(QStringLiteral("file.create"), data, context, [this, done](const Reply &reply) {
        const std::optional<CodeFileInfo> file =
            reply.ok ? CodeFileInfo::fromJson(reply.data.value(QLatin1String("file")).toObject()) : std::nullopt;
        if (file && !m_files->file(file->id)) {
            m_files->upsert(*file);
            Q_EMIT fileCreated(*file);
        }
        if (done)
            done(reply, file);
    });
}

void CodeSession::renameFile(CodeFileId file, const QString &path, QObject *context, ReplyCallback done)
{
    request(QStringLiteral("file.rename"),
            {{QStringLiteral("clientId"), newClientId()}, {QStringLiteral("fileId"), file.value()}, {QStringLiteral("path"), path}},
            context, std::move(done));
}

void CodeSession::deleteFile(CodeFileId file, QObject *context, ReplyCallback done)
{
    request(QStringLiteral("file.delete"), {{QStringLiteral("clientId"), newClientId()}, {QStringLiteral("fileId"), file.value()}},
            context, std::move(done));
}

CodeSessionFile *CodeSession::openFile(CodeFileId file)
{
    if (CodeSessionFile *open = m_open.value(file)) {
        if (open->syncState() == CodeSessionFile::SyncState::Failed)
            open->open();
        return open;
    }
    CodeFileInfo info;
    if (const CodeFileInfo *known = m_files->file(file))
        info = *known;
    info.id = file;
    auto *open = new CodeSessionFile(this, info, this);
    m_open.insert(file, open);
    connect(open, &CodeSessionFile::textChanged, this, [this, file] { m_comments->refreshFile(file); });
    connect(open, &CodeSessionFile::loaded, this, [this, file] { m_comments->refreshFile(file); });
    connect(open, &CodeSessionFile::reloaded, this, [this, file] { m_comments->refreshFile(file); });
    if (m_state == State::Joined && !m_joinInFlight)
        open->open(); // else the join's answer opens it
    return open;
}

void CodeSession::closeFile(CodeFileId file)
{
    if (CodeSessionFile *open = m_open.take(file)) {
        open->keepUnsent(); // an answer after deleteLater() is not heard: the cache sends them next time
        open->deleteLater();
        m_comments->refreshFile(file);
    }
}

std::optional<std::pair<int, int>> CodeSession::commentLines(const CodeCommentInfo &comment) const
{
    const CodeSessionFile *file = m_open.value(comment.fileId);
    if (!file || !file->isLoaded())
        return std::nullopt;
    return file->lines(comment);
}

// Comments

void CodeSession::addComment(CodeFileId file, qsizetype start, qsizetype end, const QString &text, QObject *context,
                             std::function<void(const Reply &, const std::optional<CodeCommentInfo> &)> done)
{
    const CodeSessionFile *open = m_open.value(file);
    if (!open || !open->isLoaded()) {
        Reply reply;
        reply.local = true;
        reply.error = Protocol::ErrorCode::BadRequest;
        reply.message = QStringLiteral("the file is not open");
        QTimer::singleShot(0, context ? context : this, [done, reply] {
            if (done)
                done(reply, std::nullopt);
        });
        return;
    }
    const Collab::Document &document = open->document();
    addComment(file, document.anchorAt(start, Collab::Anchor::Side::StickToNext),
               document.anchorAt(std::max(start, end), Collab::Anchor::Side::StickToPrevious), text, context,
               std::move(done));
}

void CodeSession::addComment(CodeFileId file, const Collab::Anchor &start, const Collab::Anchor &end, const QString &text,
                             QObject *context, std::function<void(const Reply &, const std::optional<CodeCommentInfo> &)> done)
{
    request(QStringLiteral("comment.add"),
            {{QStringLiteral("clientId"), newClientId()}, {QStringLiteral("fileId"), file.value()},
             {QStringLiteral("anchorStart"), base64(start.toBytes())}, {QStringLiteral("anchorEnd"), base64(end.toBytes())},
             {QStringLiteral("text"), text}},
            context, [this, done](const Reply &reply) {
                const std::optional<CodeCommentInfo> comment = commentOf(reply);
                if (comment) {
                    m_comments->upsert(*comment);
                    Q_EMIT commentsChanged();
                }
                if (done)
                    done(reply, comment);
            });
}

void CodeSession::reply(CodeCommentId thread, const QString &text, QObject *context,
                        std::function<void(const Reply &, const std::optional<CodeCommentInfo> &)> done)
{
    request(QStringLiteral("comment.reply"),
            {{QStringLiteral("clientId"), newClientId()}, {QStringLiteral("commentId"), thread.value()}, {QStringLiteral("text"), text}},
            context, [this, done](const Reply &reply) {
                const std::optional<CodeCommentInfo> comment = commentOf(reply);
                if (comment) {
                    m_comments->upsert(*comment);
                    Q_EMIT commentsChanged();
                }
                if (done)
                    done(reply, comment);
            });
}

void CodeSession::resolve(CodeCommentId thread, bool resolved, QObject *context, ReplyCallback done)
{
    request(QStringLiteral("comment.resolve"),
            {{QStringLiteral("clientId"), newClientId()}, {QStringLiteral("commentId"), thread.value()},
             {QStringLiteral("resolved"), resolved}},
            context, [this, thread, resolved, done](const Reply &reply) {
                if (reply.ok) {
                    m_comments->setResolved(thread, resolved);
                    Q_EMIT commentsChanged();
                }
                if (done)
                    done(reply);
            });
}

void CodeSession::refreshComments()
{
    request(QStringLiteral("comment.list"), {}, this, [this](const Reply &reply) {
        if (!reply.ok)
            return;
        QList<CodeCommentInfo> comments;
        for (const QJsonValue &value : reply.data.value(QLatin1String("comments")).toArray()) {
            if (const std::optional<CodeCommentInfo> comment = CodeCommentInfo::fromJson(value.toObject()))
                comments.append(*comment);
        }
        m_comments->setComments(comments);
        Q_EMIT commentsChanged();
    }, false);
}

// Versions and export

void CodeSession::createVersion(const QString &name, QObject *context,
                                std::function<void(const Reply &, const std::optional<CodeVersionInfo> &)> done)
{
    request(QStringLiteral("version.create"), {{QStringLiteral("clientId"), newClientId()}, {QStringLiteral("name"), name}},
            context, [done](const Reply &reply) {
                if (done) {
                    done(reply, reply.ok ? CodeVersionInfo::fromJson(reply.data.value(QLatin1String("version")).toObject())
                                         : std::nullopt);
                }
            });
}

void CodeSession::listVersions(QObject *context, std::function<void(const Reply &, const QList<CodeVersionInfo> &)> done)
{
    request(QStringLiteral("version.list"), {}, context, [done](const Reply &reply) {
        QList<CodeVersionInfo> versions;
        for (const QJsonValue &value : reply.data.value(QLatin1String("versions")).toArray()) {
            if (const std::optional<CodeVersionInfo> version = CodeVersionInfo::fromJson(value.toObject()))
                versions.append(*version);
        }
        done(reply, versions);
    }, false);
}

void CodeSession::restoreVersion(CodeVersionId version, QObject *context, ReplyCallback done)
{
    request(QStringLiteral("version.restore"), {{QStringLiteral("clientId"), newClientId()}, {QStringLiteral("versionId"), version.value()}},
            context, [this, done](const Reply &reply) {
                if (reply.ok) {
                    for (const QJsonValue &value : reply.data.value(QLatin1String("files")).toArray()) {
                        if (const std::optional<CodeFileInfo> file = CodeFileInfo::fromJson(value.toObject())) {
                            if (!m_files->file(file->id)) {
                                m_files->upsert(*file);
                                Q_EMIT fileCreated(*file);
                            }
                        }
                    }
                    // The restore's edits are fanned out to the other connections; this one
                    // fetches them for its open files.
                    resyncFiles();
                }
                if (done)
                    done(reply);
            });
}

void CodeSession::deleteVersion(CodeVersionId version, QObject *context, ReplyCallback done)
{
    request(QStringLiteral("version.delete"), {{QStringLiteral("clientId"), newClientId()}, {QStringLiteral("versionId"), version.value()}},
            context, [done](const Reply &reply) {
                if (done)
                    done(reply);
            });
}

void CodeSession::exportFiles(QObject *context, std::function<void(const Reply &, const QList<ExportedFile> &)> done)
{
    request(QStringLiteral("code.export"), {}, context, [done](const Reply &reply) {
        QList<ExportedFile> files;
        for (const QJsonValue &value : reply.data.value(QLatin1String("files")).toArray()) {
            const QJsonObject file = value.toObject();
            files.append(ExportedFile{file.value(QLatin1String("path")).toString(), file.value(QLatin1String("content")).toString()});
        }
        done(reply, files);
    }, false);
}

} // namespace Cohort::Client
