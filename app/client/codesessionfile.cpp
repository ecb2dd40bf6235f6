// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "codesessionfile.h"

#include "bytecodec.h"
#include "clientlogging.h"
#include "codeclient.h"
#include "codesession.h"
#include "connection.h"
#include "localcache.h"

#include <QDateTime>
#include <QJsonObject>

#include <algorithm>
#include <map>

namespace Cohort::Client {

namespace {
QString base64(const QByteArray &bytes)
{
    return QString::fromLatin1(bytes.toBase64());
}

/// `version` (Document::version() bytes) with the clock of `agent` set to `clock`: a diff
/// against it holds the agent's characters from `clock` on, and what the version lacked.
QByteArray withClock(const QByteArray &version, Collab::AgentId agent, quint32 clock)
{
    std::map<quint64, quint64> clocks;
    Collab::ByteReader in(version);
    in.byte();
    in.byte();
    const quint64 count = in.varint();
    for (quint64 i = 0; in.ok() && i < count; ++i) {
        const quint64 id = in.varint();
        clocks[id] = in.varint();
    }
    clocks[agent] = clock;
    Collab::ByteWriter out;
    out.byte('V');
    out.byte(0x01);
    quint64 nonZero = 0;
    for (const auto &[id, c] : clocks)
        nonZero += c > 0 ? 1 : 0;
    out.varint(nonZero);
    for (const auto &[id, c] : clocks) {
        if (c > 0) {
            out.varint(id);
            out.varint(c);
        }
    }
    return out.data();
}
} // namespace

CodeSessionFile::CodeSessionFile(CodeSession *session, const CodeFileInfo &info, QObject *parent)
    : QObject(parent)
    , m_session(session)
    , m_info(info)
    , m_document(session->m_agent != 0 ? session->m_agent : Collab::Document::randomAgent())
    , m_updateBudget(1000.0 / CodeClient::UpdateIntervalMs, CodeClient::UpdateBurst, 0)
{
    m_flushTimer.setSingleShot(true);
    connect(&m_flushTimer, &QTimer::timeout, this, &CodeSessionFile::flushWithinBudget);
    m_keepTimer.setSingleShot(true);
    connect(&m_keepTimer, &QTimer::timeout, this, &CodeSessionFile::onKeepTimer);
    m_age.start();
    m_cursorTimer.setSingleShot(true);
    connect(&m_cursorTimer, &QTimer::timeout, this, &CodeSessionFile::sendCursor);
}

CodeSessionFile::~CodeSessionFile() = default;

Collab::Document CodeSessionFile::replica() const
{
    std::optional<Collab::Document> copy = Collab::Document::decode(agent(), m_document.encodeState());
    return copy ? std::move(*copy) : Collab::Document(agent());
}

const QString &CodeSessionFile::cachedText() const
{
    if (!m_textValid) {
        m_text = m_document.text();
        m_textValid = true;
        m_lineStarts.clear();
    }
    return m_text;
}

int CodeSessionFile::lineAt(qsizetype position) const
{
    // Every comment asks after every change of the text: one pass over the text finds the
    // lines, then each lookup is a binary search (50 comments on a 1 MB file stay cheap).
    const QString &text = cachedText();
    if (m_lineStarts.empty()) {
        m_lineStarts.push_back(0);
        for (qsizetype at = text.indexOf(QLatin1Char('\n')); at >= 0; at = text.indexOf(QLatin1Char('\n'), at + 1))
            m_lineStarts.push_back(at + 1);
    }
    const qsizetype end = std::clamp<qsizetype>(position, 0, text.size());
    return static_cast<int>(std::upper_bound(m_lineStarts.cbegin(), m_lineStarts.cend(), end) - m_lineStarts.cbegin()) - 1;
}

std::pair<int, int> CodeSessionFile::lines(const CodeCommentInfo &comment) const
{
    const qsizetype start = m_document.resolve(comment.start);
    const qsizetype end = std::max(start, m_document.resolve(comment.end));
    const int first = lineAt(start);
    // The end is just after the last commented character: a range that ends with a line's
    // newline ends on that line.
    return {first, end > start ? lineAt(end - 1) : first};
}

// Loading and catching up

void CodeSessionFile::open()
{
    m_needsFullState = true;
    m_failure = Reply();
    resync();
}

void CodeSessionFile::resync()
{
    if (m_session->state() != CodeSession::State::Joined || m_session->isRejoining())
        return; // the join's answer resyncs every open file
    const bool full = m_needsFullState || !m_loaded;
    ++m_generation;
    m_opening = true;
    m_inFlight = 0; // their answers (if any) belong to the old generation: all are sent again
    m_flushTimer.stop();
    updateSyncState();
    QJsonObject data{{QStringLiteral("sessionId"), m_session->id().value()}, {QStringLiteral("fileId"), m_info.id.value()}};
    if (!full)
        data.insert(QStringLiteral("version"), base64(m_document.version()));
    const quint64 generation = m_generation;
    m_session->m_client->request(QStringLiteral("file.open"), data, this, [this, generation, full](const Reply &reply) {
        if (generation == m_generation)
            onOpened(reply, full);
    });
}

void CodeSessionFile::onOpened(const Reply &reply, bool full)
{
    m_opening = false;
    if (!reply.ok) {
        if (reply.local) {
            updateSyncState(); // Offline until the next join resyncs
            return;
        }
        qCWarning(lcClient) << "cannot open file" << m_info.id.value() << ":" << reply.message;
        if (!m_loaded && (reply.error == Protocol::ErrorCode::NotFound || reply.error == Protocol::ErrorCode::Forbidden))
            m_session->refuseKeptEdits(m_info.id, reply); // kept by an earlier run, never to be taken
        m_failure = reply;
        m_syncState = SyncState::Failed;
        Q_EMIT syncStateChanged(m_syncState);
        return;
    }
    if (const std::optional<CodeFileInfo> info = CodeFileInfo::fromJson(reply.data.value(QLatin1String("file")).toObject()))
        setInfo(*info);
    if (full) {
        const QByteArray state = QByteArray::fromBase64(reply.data.value(QLatin1String("state")).toString().toLatin1());
        std::optional<Collab::Document> document = Collab::Document::decode(m_session->m_agent, state);
        if (!document) {
            qCWarning(lcClient) << "file" << m_info.id.value() << ": the server sent a state that does not decode";
            m_failure.error = Protocol::ErrorCode::Internal;
            m_failure.message = QStringLiteral("the file's state does not decode");
            m_syncState = SyncState::Failed;
            Q_EMIT syncStateChanged(m_syncState);
            return;
        }
        const bool first = !m_loaded;
        m_document = std::move(*document);
        m_textValid = false;
        m_unacked.clear();
        m_inFlight = 0;
        m_needsFullState = false;
        m_loaded = true;
        for (const QByteArray &update : std::exchange(m_early, {}))
            m_document.apply(update);
        if (first)
            restoreKept();
        updateSyncState();
        if (first)
            Q_EMIT loaded();
        else
            Q_EMIT reloaded();
        Q_EMIT textChanged();
        return;
    }
    applyRemote(QByteArray::fromBase64(reply.data.value(QLatin1String("diff")).toString().toLatin1()));
    // Everything the server has not acknowledged goes out again, offline edits included.
    flush();
    updateSyncState();
    if (m_cursor) {
        m_cursorDirty = true; // the others dropped our cursor when we went away
        sendCursor();
    }
}

void CodeSessionFile::onRemoteUpdate(const QByteArray &update)
{
    if (!m_loaded) {
        m_early.append(update);
        return;
    }
    applyRemote(update);
}

void CodeSessionFile::applyRemote(const QByteArray &update)
{
    if (update.isEmpty())
        return;
    const Collab::ApplyResult result = m_document.apply(update);
    if (!result.ok()) {
        qCWarning(lcClient) << "file" << m_info.id.value() << ": dropping a malformed update";
        return;
    }
    if (result.changes.isEmpty())
        return;
    m_textValid = false;
    Q_EMIT remoteUpdate(update, result.changes);
    Q_EMIT textChanged();
}

void CodeSessionFile::reloadFromServer()
{
    dropUnsent();
    m_needsFullState = true;
    resync();
}

void CodeSessionFile::dropUnsent()
{
    m_unacked.clear();
    m_inFlight = 0;
    m_flushTimer.stop();
    forgetKept();
}

// Kept on this computer until acknowledged

void CodeSessionFile::restoreKept()
{
    LocalCache *cache = m_session->keptCache();
    if (!cache)
        return;
    const QList<CachedUnsentEdits> all = cache->unsentEdits(m_session->m_owner, m_session->id().value());
    const auto kept = std::find_if(all.cbegin(), all.cend(),
                                   [this](const CachedUnsentEdits &e) { return e.fileId == m_info.id.value(); });
    if (kept == all.cend())
        return;
    m_kept = true;
    // The engine is a CRDT: edits the server took before the app went away merge as no-ops,
    // and our agent's clock moves past the kept characters, so new typing names new ones.
    const QByteArray serverVersion = m_document.version();
    const QString serverText = m_document.text();
    const quint32 before = m_document.clock(agent());
    if (!m_document.apply(kept->pending).ok()) {
        qCWarning(lcClient) << "file" << m_info.id.value() << ": the kept unsent edits do not decode";
        forgetKept();
        return;
    }
    m_textValid = false;
    if (m_document.version() == serverVersion && m_document.text() == serverText) {
        forgetKept(); // the server had them all
        return;
    }
    qCInfo(lcClient) << "file" << m_info.id.value() << ": sending edits kept since" << kept->savedAt;
    // What the server lacks, as one update from our clock on (split by recordLocal when large).
    recordLocal(m_document.encodeDiff(serverVersion), before);
}

void CodeSessionFile::scheduleKeep()
{
    if (!m_keepTimer.isActive())
        m_keepTimer.start(KeepDelayMs);
}

void CodeSessionFile::onKeepTimer()
{
    if (m_unacked.isEmpty())
        return;
    // Online, edits are usually acknowledged within the delay and nothing is written; only an
    // edit that has waited that long (a slow or lost link) goes to the cache.
    const qint64 waited = m_age.elapsed() - m_unacked.first().madeAt;
    if (!m_kept && isOnline() && waited < KeepDelayMs) {
        m_keepTimer.start(static_cast<int>(KeepDelayMs - waited));
        return;
    }
    keepUnsent();
}

void CodeSessionFile::keepUnsent()
{
    m_keepTimer.stop();
    if (!m_loaded)
        return;
    if (m_unacked.isEmpty()) {
        forgetKept();
        return;
    }
    LocalCache *cache = m_session->keptCache();
    if (!cache)
        return;
    // Bounded like the file on the server: past its length limit the server refuses the edits
    // anyway, and the refusal keeps the whole text for "Save a copy" (in memory).
    if (cachedText().size() > m_session->m_client->limits().maxFileLength) {
        qCWarning(lcClient) << "file" << m_info.id.value() << ": too long to keep its unsent edits on disk";
        return;
    }
    const CachedUnsentEdits edits{m_session->id().value(), m_info.id.value(), m_info.path, m_document.encodeState(),
                                  m_document.encodeDiff(withClock(m_document.version(), agent(), m_unacked.first().clockBefore)),
                                  QDateTime::currentMSecsSinceEpoch()};
    if (cache->setUnsentEdits(m_session->m_owner, edits))
        m_kept = true;
}

void CodeSessionFile::forgetKept()
{
    m_keepTimer.stop();
    if (!m_kept)
        return;
    m_kept = false;
    if (LocalCache *cache = m_session->keptCache())
        cache->removeUnsentEdits(m_session->m_owner, m_session->id().value(), m_info.id.value());
}

void CodeSessionFile::connectionLost()
{
    ++m_generation;
    m_opening = false;
    m_inFlight = 0;
    m_flushTimer.stop();
    updateSyncState();
}

// Local edits

void CodeSessionFile::insert(qsizetype position, const QString &text)
{
    if (!m_loaded || text.isEmpty())
        return;
    const quint32 before = m_document.clock(agent());
    recordLocal(m_document.insert(position, text), before);
}

void CodeSessionFile::remove(qsizetype position, qsizetype length)
{
    if (!m_loaded || length <= 0)
        return;
    const quint32 before = m_document.clock(agent());
    recordLocal(m_document.remove(position, length), before);
}

void CodeSessionFile::applyLocalUpdate(const QByteArray &update)
{
    if (!m_loaded || update.isEmpty())
        return;
    const quint32 before = m_document.clock(agent());
    if (!m_document.apply(update).ok()) {
        qCWarning(lcClient) << "file" << m_info.id.value() << ": the editor produced a malformed update";
        return;
    }
    recordLocal(update, before);
}

void CodeSessionFile::recordLocal(const QByteArray &update, quint32 clockBefore)
{
    if (update.isEmpty())
        return;
    m_textValid = false;
    // The server refuses an update over its limit, and a refusal rolls the text back: a large
    // one (a redo of a big paste, a replace-all over a long text) goes out as several. Each
    // part's clock is where this replica's characters in it begin, for flush()'s diffs.
    const int limit = m_session->m_client->limits().maxUpdateBytes;
    QList<QByteArray> parts = update.size() > limit ? Collab::Document::split(update, limit) : QList<QByteArray>{};
    if (parts.isEmpty())
        parts.append(update);
    quint32 clock = clockBefore;
    const qint64 now = m_age.elapsed();
    for (const QByteArray &part : std::as_const(parts)) {
        m_unacked.append(LocalUpdate{part, clock, now});
        if (const std::optional<Collab::UpdateSummary> summary = Collab::Document::summarize(part)) {
            for (const Collab::UpdateSummary::Insert &insert : summary->inserts)
                clock = insert.agent == agent() ? std::max(clock, insert.end) : clock;
        }
    }
    Q_EMIT textChanged();
    scheduleKeep();
    scheduleFlush();
    updateSyncState();
}

bool CodeSessionFile::isOnline() const
{
    return m_session->state() == CodeSession::State::Joined && !m_session->isRejoining()
        && m_session->m_client->connection()->state() == Connection::State::Connected;
}

bool CodeSessionFile::canSend() const
{
    return m_loaded && !m_opening && isOnline();
}

void CodeSessionFile::scheduleFlush()
{
    if (!canSend() || m_inFlight > 0 || m_unacked.isEmpty() || m_flushTimer.isActive())
        return;
    flushWithinBudget();
}

void CodeSessionFile::flushWithinBudget()
{
    // A fixed interval between updates held back every keystroke typed sooner than that after
    // the one before, as people often do; only a key held down outruns the burst.
    if (const qint64 wait = m_updateBudget.take(m_age.elapsed()); wait > 0)
        m_flushTimer.start(static_cast<int>(wait));
    else
        flush();
}

void CodeSessionFile::flush()
{
    if (!canSend() || m_inFlight > 0 || m_unacked.isEmpty())
        return;
    // One request carries every waiting edit: a single update as it is, several as the diff
    // from the oldest one's clock on, which is one update with all of them (plus the delete set).
    QByteArray update = m_unacked.first().update;
    qsizetype count = 1;
    if (m_unacked.size() > 1) {
        const QByteArray diff =
            m_document.encodeDiff(withClock(m_document.version(), agent(), m_unacked.first().clockBefore));
        // Beyond the server's limit (hours of offline work), they go one by one instead.
        if (diff.size() <= m_session->m_client->limits().maxUpdateBytes) {
            update = diff;
            count = m_unacked.size();
        }
    }
    m_inFlight = count;
    const quint64 generation = m_generation;
    m_session->m_client->request(QStringLiteral("doc.update"),
                                 {{QStringLiteral("sessionId"), m_session->id().value()},
                                  {QStringLiteral("fileId"), m_info.id.value()},
                                  {QStringLiteral("update"), base64(update)}},
                                 this, [this, count, generation](const Reply &reply) { onUpdateReply(reply, count, generation); });
    updateSyncState();
}

void CodeSessionFile::onUpdateReply(const Reply &reply, qsizetype count, quint64 generation)
{
    if (generation != m_generation)
        return; // sent before a reconnect or reload: the resync sent it again
    m_inFlight = 0;
    if (reply.ok) {
        m_unacked.remove(0, std::min(count, m_unacked.size()));
        if (m_unacked.isEmpty())
            forgetKept(); // a partial acknowledgement leaves a larger copy, which merges as well
        m_retryDelayMs = 0;
        scheduleFlush();
        updateSyncState();
        return;
    }
    if (reply.local) {
        updateSyncState(); // kept: the resync after the reconnect sends it again
        return;
    }
    const Protocol::ErrorCode error = reply.error;
    // Conflict: the session was archived meanwhile, read-only until it is unarchived.
    const bool refused = error == Protocol::ErrorCode::Forbidden || error == Protocol::ErrorCode::BadRequest
        || error == Protocol::ErrorCode::TooLarge || error == Protocol::ErrorCode::NotFound
        || error == Protocol::ErrorCode::Conflict;
    if (!refused) {
        // The server could not take it this time (rate limit, a failing database): the edits
        // stay and go out again, later each time.
        m_retryDelayMs = std::min(std::max(m_retryDelayMs * 2, 250), 30000);
        m_flushTimer.start(static_cast<int>(std::max<qint64>(reply.retryAfterMs, m_retryDelayMs)));
        updateSyncState();
        return;
    }
    // Refused (a viewer, a role taken away, over the size, archived): the server will never
    // take these edits, so the replica goes back to the server's text.
    qCInfo(lcClient) << "file" << m_info.id.value() << ": the server refused an edit:" << reply.message;
    // The kept text (refusedEditsChanged()) is how the user hears of it, not requestFailed().
    m_session->keepRefusedEdits(this, reply);
    Q_EMIT editRefused(reply);
    reloadFromServer();
}

void CodeSessionFile::updateSyncState()
{
    SyncState state = SyncState::Synced;
    if (m_syncState == SyncState::Failed && !m_opening)
        return;
    if (!m_loaded)
        state = SyncState::Loading;
    else if (m_opening || !isOnline())
        state = SyncState::Offline;
    else if (!m_unacked.isEmpty())
        state = m_inFlight > 0 || m_flushTimer.isActive() ? SyncState::Sending : SyncState::Offline;
    if (state == m_syncState)
        return;
    m_syncState = state;
    // The link is gone (or the server will not take them now): a dying battery must not lose them.
    if (state == SyncState::Offline && !m_unacked.isEmpty())
        keepUnsent();
    Q_EMIT syncStateChanged(state);
}

void CodeSessionFile::setInfo(const CodeFileInfo &info)
{
    if (info == m_info)
        return;
    m_info = info;
    Q_EMIT infoChanged();
}

// The local cursor

void CodeSessionFile::setLocalSelection(qsizetype anchor, qsizetype head, int viewportTopLine)
{
    setLocalSelection(m_document.anchorAt(anchor, Collab::Anchor::Side::StickToPrevious),
                      m_document.anchorAt(head, Collab::Anchor::Side::StickToPrevious), viewportTopLine);
}

void CodeSessionFile::setLocalSelection(const Collab::Anchor &anchor, const Collab::Anchor &head, int viewportTopLine)
{
    m_cursor = LocalCursor{anchor, head, std::max(0, viewportTopLine)};
    m_cursorDirty = true;
    if (m_cursorTimer.isActive())
        return;
    const qint64 interval = m_session->m_client->cursorInterval();
    const qint64 since = m_cursorSent.isValid() ? m_cursorSent.elapsed() : interval;
    if (since >= interval)
        sendCursor();
    else
        m_cursorTimer.start(static_cast<int>(interval - since));
}

void CodeSessionFile::sendCursor()
{
    if (!m_cursor || !m_cursorDirty || !isOnline())
        return;
    m_cursorDirty = false;
    m_cursorSent.start();
    m_session->m_client->request(QStringLiteral("cursor"),
                                 {{QStringLiteral("sessionId"), m_session->id().value()},
                                  {QStringLiteral("fileId"), m_info.id.value()},
                                  {QStringLiteral("anchor"), base64(m_cursor->anchor.toBytes())},
                                  {QStringLiteral("head"), base64(m_cursor->head.toBytes())},
                                  {QStringLiteral("viewportTopLine"), m_cursor->topLine}},
                                 this, [](const Reply &) {});
}

} // namespace Cohort::Client
