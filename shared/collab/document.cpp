// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "document.h"

#include "bytecodec.h"
#include "documentprivate.h"

#include <QRandomGenerator>

#include <algorithm>

namespace Cohort::Collab {

// ---------------------------------------------------------------------------------------------
// Document

AgentId Document::randomAgent()
{
    // 32 random bits like Yjs: at most five bytes as a varint, and a collision (which the
    // server refuses anyway) is as unlikely as it needs to be among one session's replicas.
    quint32 id = 0;
    while (id == 0)
        id = QRandomGenerator::system()->generate();
    return id;
}

Document::Document(AgentId agent) : d(std::make_unique<DocumentPrivate>(agent)) {}
Document::Document(Document &&) noexcept = default;
Document &Document::operator=(Document &&) noexcept = default;
Document::~Document() = default;

AgentId Document::agent() const
{
    return d->agents[d->self].id;
}

QString Document::text() const
{
    return d->text();
}

qsizetype Document::length() const
{
    return d->length;
}

QByteArray Document::insert(qsizetype position, QStringView text)
{
    d->begin();
    d->localInsert(position, text);
    return d->commit();
}

QByteArray Document::remove(qsizetype position, qsizetype length)
{
    d->begin();
    d->localRemove(position, length);
    return d->commit();
}

void Document::beginTransaction()
{
    d->begin();
}

QByteArray Document::commitTransaction()
{
    return d->commit();
}

bool Document::inTransaction() const
{
    return d->txnDepth > 0;
}

ApplyResult Document::apply(const QByteArray &update)
{
    ApplyResult result;
    auto parsed = parseUpdate(update);
    if (!parsed) {
        result.status = ApplyResult::Status::Malformed;
        return result;
    }
    qsizetype units = 0;
    for (const WireRun &run : parsed->runs)
        units += run.length;
    qsizetype newAgents = 0;
    for (AgentId id : std::as_const(parsed->agents))
        newAgents += !d->agentIndex.contains(id);
    if (qsizetype(d->agents.size()) + newAgents > kMaxAgents
        || d->rawLength + d->pendingUnits + units > kMaxDocumentUnits) {
        result.status = ApplyResult::Status::Malformed;
        return result;
    }
    QVarLengthArray<quint32, 4> local;
    for (AgentId id : std::as_const(parsed->agents))
        local.append(d->agentFor(id));
    auto toLocal = [&](Ref &ref) {
        if (!ref.isNone())
            ref.agent = local[ref.agent];
    };

    d->changes = &result.changes;
    bool progress = false;
    for (WireRun &run : parsed->runs) {
        run.agent = local[run.agent];
        toLocal(run.left);
        toLocal(run.right);
        if (d->tryIntegrate(run) == DocumentPrivate::Integration::Done) {
            progress = true;
        } else {
            d->pendingUnits += run.length;
            d->pendingRuns.push_back(std::move(run));
        }
    }
    if (progress)
        d->retryPending();
    for (DeleteRange &range : parsed->deletes) {
        range.agent = local[range.agent];
        const quint32 clock = d->agents[range.agent].clock();
        if (range.seq < clock)
            d->remoteDelete(range.agent, range.seq, std::min(range.end, clock));
        if (range.end > clock) {
            d->pendingDeletes.push_back({range.agent, std::max(range.seq, clock), range.end});
        }
    }
    d->changes = nullptr;
    // A bounded buffer: the oldest waiting parts go first. They are not part of version(),
    // so the next sync by version and diff sends them again.
    std::size_t drop = 0;
    while (drop < d->pendingRuns.size()
           && (d->pendingUnits > kMaxPendingUnits || d->pendingRuns.size() - drop > kMaxPendingRuns)) {
        d->pendingUnits -= d->pendingRuns[drop].length;
        ++drop;
    }
    d->pendingRuns.erase(d->pendingRuns.begin(), d->pendingRuns.begin() + std::ptrdiff_t(drop));
    if (d->pendingDeletes.size() > kMaxPendingRuns) {
        const auto excess = std::ptrdiff_t(d->pendingDeletes.size() - kMaxPendingRuns);
        d->pendingDeletes.erase(d->pendingDeletes.begin(), d->pendingDeletes.begin() + excess);
    }
    return result;
}

qsizetype Document::pendingLength() const
{
    qsizetype deletes = 0;
    for (const DeleteRange &range : d->pendingDeletes)
        deletes += range.end - range.seq;
    return d->pendingUnits + deletes;
}

// version := 'V' 0x01 varint n, n × (varint agent id, varint clock), sorted by agent id (so equal
//            versions are equal bytes); agents with a zero clock omitted
QByteArray Document::version() const
{
    std::vector<std::pair<AgentId, quint32>> clocks;
    for (const Agent &agent : d->agents) {
        if (agent.clock() > 0)
            clocks.push_back({agent.id, agent.clock()});
    }
    std::sort(clocks.begin(), clocks.end());
    ByteWriter out;
    out.byte(kVersionTag);
    out.byte(kFormat);
    out.varint(clocks.size());
    for (const auto &[id, clock] : clocks) {
        out.varint(id);
        out.varint(clock);
    }
    return out.data();
}

quint32 Document::clock(AgentId agent) const
{
    const auto it = d->agentIndex.constFind(agent);
    return it == d->agentIndex.constEnd() ? 0 : d->agents[*it].clock();
}

std::optional<UpdateSummary> Document::summarize(const QByteArray &update)
{
    const std::optional<ParsedUpdate> parsed = parseUpdate(update);
    if (!parsed)
        return std::nullopt;
    UpdateSummary summary;
    QVarLengthArray<quint32, 4> ends(parsed->agents.size(), 0);
    for (const WireRun &run : parsed->runs) {
        ends[run.agent] = std::max(ends[run.agent], run.end());
        summary.insertedLength += run.length;
    }
    for (qsizetype a = 0; a < parsed->agents.size(); ++a) {
        summary.agents.append(parsed->agents[a]);
        if (ends[a] > 0)
            summary.inserts.append({parsed->agents[a], ends[a]});
    }
    for (const DeleteRange &range : parsed->deletes)
        summary.deletedLength += range.end - range.seq;
    return summary;
}

QByteArray Document::encodeDiff(const QByteArray &remoteVersion) const
{
    QHash<AgentId, quint32> remote;
    if (!remoteVersion.isEmpty()) {
        ByteReader in(remoteVersion);
        if (in.byte() != kVersionTag || in.byte() != kFormat)
            return {};
        const quint64 count = in.bounded(quint64(in.remaining() / 2));
        for (quint64 i = 0; in.ok() && i < count; ++i) {
            const AgentId id = in.varint();
            remote.insert(id, quint32(in.bounded(kMaxSeq)));
        }
        if (!in.ok() || !in.atEnd())
            return {};
    }
    std::vector<WireRun> runs;
    for (const Arrival &arrival : d->arrivals) {
        const Agent &agent = d->agents[arrival.agent];
        quint32 seq = std::max(arrival.seq, remote.value(agent.id, 0));
        const quint32 end = arrival.seq + arrival.length;
        while (seq < end) {
            const Cursor c = d->locate({arrival.agent, seq});
            const Run &run = d->runAt(c);
            const quint32 pieceEnd = std::min(end, run.end());
            DocumentPrivate::appendWireRun(runs, {arrival.agent, seq, pieceEnd - seq, run.deleted,
                                                  seq == run.seq ? run.left : Ref{arrival.agent, seq - 1},
                                                  run.right, {}});
            seq = pieceEnd;
        }
    }
    // What waits here for its dependencies goes along too: the diff carries everything this
    // replica has received, and the other side buffers it the same way.
    for (const WireRun &run : d->pendingRuns) {
        if (run.end() > remote.value(d->agents[run.agent].id, 0))
            runs.push_back(run);
    }
    std::vector<DeleteRange> deletes = d->deleteSet();
    deletes.insert(deletes.end(), d->pendingDeletes.begin(), d->pendingDeletes.end());
    return d->encodeUpdate(runs, std::move(deletes));
}

Anchor Document::anchorAt(qsizetype position, Anchor::Side side) const
{
    return d->anchorAt(position, side);
}

qsizetype Document::resolve(const Anchor &anchor) const
{
    return d->resolve(anchor);
}

} // namespace Cohort::Collab
