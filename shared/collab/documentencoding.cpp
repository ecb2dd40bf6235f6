// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
//
// The byte formats of the engine: updates, whole documents (state) and anchors. The layouts
// are documented in docs/architecture.md ("Byte layouts") and next to each encoder.
#include "document.h"

#include "bytecodec.h"
#include "documentprivate.h"

#include <QSet>

#include <algorithm>

namespace Cohort::Collab {

namespace {

/// An origin relative to its run: usually the same agent and a nearby seq, so one byte.
void writeRef(ByteWriter &out, Ref ref, quint32 runAgent, quint32 runSeq, quint32 agentNumber)
{
    const qint64 delta = qint64(ref.seq) - qint64(runSeq);
    const quint64 zigzag = (quint64(delta) << 1) ^ quint64(delta >> 63);
    const bool otherAgent = ref.agent != runAgent;
    out.varint(zigzag << 1 | quint64(otherAgent));
    if (otherAgent)
        out.varint(agentNumber);
}

} // namespace

// ---------------------------------------------------------------------------------------------
// Update encoding
//
//   update  := 'U' 0x01 agents runs deletes
//   agents  := varint n, n × varint agent id; the rest names agents by their index here
//   runs    := varint n, n × run
//   run     := varint agent, varint seq, varint (length << 3 | deleted << 2 | hasLeft << 1 | hasRight),
//              [ref] left origin, [ref] right origin,
//              unless deleted: varint byteCount, UTF-8 text (length UTF-16 units once decoded)
//   ref     := varint (zigzag (ref seq - run seq) << 1 | otherAgent), [varint agent] if otherAgent
//   deletes := varint n, n × (varint agent, varint m, m × (varint gap, varint length))
//              ranges sorted by seq; gap is from the previous range's end (0 at first)

QByteArray DocumentPrivate::encodeUpdate(const std::vector<WireRun> &runs, std::vector<DeleteRange> deletes) const
{
    // Agents are numbered in order of appearance; most updates name one or two.
    QVarLengthArray<quint32, 16> numbers(qsizetype(agents.size()), kNoAgent);
    QVarLengthArray<AgentId, 4> ids;
    auto agentNumber = [&](quint32 local) {
        if (numbers[local] == kNoAgent) {
            numbers[local] = quint32(ids.size());
            ids.append(agents[local].id);
        }
        return numbers[local];
    };
    for (const WireRun &run : runs) {
        agentNumber(run.agent);
        for (const Ref ref : {run.left, run.right}) {
            if (!ref.isNone())
                agentNumber(ref.agent);
        }
    }
    for (const DeleteRange &range : deletes)
        agentNumber(range.agent);

    ByteWriter body;
    body.byte(kUpdateTag);
    body.byte(kFormat);
    body.varint(quint64(ids.size()));
    for (AgentId id : std::as_const(ids))
        body.varint(id);
    body.varint(runs.size());
    for (const WireRun &run : runs) {
        body.varint(agentNumber(run.agent));
        body.varint(run.seq);
        body.varint(quint64(run.length) << 3 | quint64(run.deleted) << 2 | quint64(!run.left.isNone()) << 1
                    | quint64(!run.right.isNone()));
        for (const Ref ref : {run.left, run.right}) {
            if (!ref.isNone())
                writeRef(body, ref, run.agent, run.seq, agentNumber(ref.agent));
        }
        if (!run.deleted) {
            // Runs of this replica's sequence carry no copy of their text: it is in content.
            body.utf8(run.text.isEmpty() ? QStringView(agents[run.agent].content).mid(run.seq, run.length)
                                         : QStringView(run.text));
        }
    }
    std::sort(deletes.begin(), deletes.end(), [](const DeleteRange &a, const DeleteRange &b) {
        return a.agent != b.agent ? a.agent < b.agent : a.seq < b.seq;
    });
    // Overlapping and touching ranges become one, so every encoded range is non-empty.
    std::vector<DeleteRange> merged;
    for (const DeleteRange &range : deletes) {
        if (!merged.empty() && merged.back().agent == range.agent && range.seq <= merged.back().end)
            merged.back().end = std::max(merged.back().end, range.end);
        else
            merged.push_back(range);
    }
    qsizetype groups = 0;
    for (std::size_t i = 0; i < merged.size(); ++i)
        groups += (i == 0 || merged[i].agent != merged[i - 1].agent);
    body.varint(groups);
    for (std::size_t i = 0; i < merged.size();) {
        std::size_t j = i;
        while (j < merged.size() && merged[j].agent == merged[i].agent)
            ++j;
        body.varint(agentNumber(merged[i].agent));
        body.varint(j - i);
        quint32 previousEnd = 0;
        for (std::size_t k = i; k < j; ++k) {
            body.varint(merged[k].seq - previousEnd);
            body.varint(merged[k].end - merged[k].seq);
            previousEnd = merged[k].end;
        }
        i = j;
    }
    return body.data();
}

namespace {

bool readRef(ByteReader &in, qsizetype agentCount, quint32 runAgent, quint32 runSeq, Ref &ref)
{
    const quint64 raw = in.varint();
    const quint64 zigzag = raw >> 1;
    const qint64 seq = qint64(runSeq) + (qint64(zigzag >> 1) ^ -qint64(zigzag & 1));
    ref.agent = (raw & 1) ? quint32(in.bounded(quint64(agentCount) - 1)) : runAgent;
    ref.seq = quint32(seq);
    return in.ok() && seq >= 0 && quint64(seq) < kMaxSeq;
}

} // namespace

std::optional<ParsedUpdate> parseUpdate(const QByteArray &bytes)
{
    ByteReader in(bytes);
    if (in.byte() != kUpdateTag || in.byte() != kFormat)
        return std::nullopt;
    ParsedUpdate parsed;
    const quint64 agentCount = in.bounded(quint64(in.remaining()));
    if (!in.ok())
        return std::nullopt;
    for (quint64 i = 0; i < agentCount; ++i)
        parsed.agents.append(in.varint());
    const quint64 runCount = in.bounded(quint64(in.remaining()));
    if (!in.ok() || (runCount > 0 && agentCount == 0))
        return std::nullopt;
    quint64 units = 0;
    parsed.runs.reserve(runCount);
    for (quint64 i = 0; i < runCount; ++i) {
        WireRun run;
        run.agent = quint32(in.bounded(agentCount - 1));
        run.seq = quint32(in.bounded(kMaxSeq - 1));
        const quint64 header = in.varint();
        const quint64 runLength = header >> 3;
        if (!in.ok() || runLength == 0 || runLength > kMaxRunLength || run.seq + runLength > kMaxSeq)
            return std::nullopt;
        run.length = quint32(runLength);
        run.deleted = header & 4;
        units += runLength;
        if (units > kMaxUpdateUnits)
            return std::nullopt;
        if ((header & 2) && !readRef(in, qsizetype(agentCount), run.agent, run.seq, run.left))
            return std::nullopt;
        if ((header & 1) && !readRef(in, qsizetype(agentCount), run.agent, run.seq, run.right))
            return std::nullopt;
        if (!run.deleted) {
            const QByteArrayView utf8 = in.bytes(qsizetype(in.bounded(quint64(in.remaining()))));
            if (!in.ok())
                return std::nullopt;
            run.text = QString::fromUtf8(utf8);
            if (run.text.size() != qsizetype(runLength))
                return std::nullopt;
        }
        parsed.runs.push_back(std::move(run));
    }
    const quint64 groups = in.bounded(agentCount);
    for (quint64 g = 0; in.ok() && g < groups; ++g) {
        const quint32 agent = quint32(in.bounded(agentCount - 1));
        const quint64 count = in.bounded(quint64(in.remaining()));
        quint64 seq = 0;
        for (quint64 k = 0; in.ok() && k < count; ++k) {
            seq += in.bounded(kMaxSeq);
            const quint64 n = in.bounded(kMaxSeq);
            if (n == 0 || seq + n > kMaxSeq)
                return std::nullopt;
            parsed.deletes.push_back({agent, quint32(seq), quint32(seq + n)});
            seq += n;
        }
    }
    if (!in.ok() || !in.atEnd())
        return std::nullopt;
    return parsed;
}

// Splitting an update: the runs and delete ranges are encoded again, a part at a time. The
// costs are upper bounds of their encodings (varints of up to 10 bytes), so no part passes the
// limit without encoding it twice.
namespace {
constexpr qsizetype kRunCost = 64;   // agent, seq, header, two refs with agents, byte count
constexpr qsizetype kRangeCost = 10; // gap and length, each below 2^30
constexpr qsizetype kAgentCost = 26; // its id in the table, its delete group's agent and count

/// How many units of `text` from `from` on fit in `room` bytes of UTF-8, pairs kept whole.
qsizetype fittingUnits(QStringView text, qsizetype from, qsizetype room)
{
    qsizetype at = from;
    while (at < text.size()) {
        const char16_t c = text[at].unicode();
        const bool pair = QChar::isHighSurrogate(c) && at + 1 < text.size() && text[at + 1].isLowSurrogate();
        const qsizetype size = c < 0x80 ? 1 : c < 0x800 ? 2 : pair ? 4 : 3;
        if (size > room)
            break;
        room -= size;
        at += pair ? 2 : 1;
    }
    return at - from;
}
} // namespace

QList<QByteArray> Document::split(const QByteArray &update, qsizetype maxBytes)
{
    std::optional<ParsedUpdate> parsed = parseUpdate(update);
    if (!parsed)
        return {};
    if (update.size() <= maxBytes)
        return {update};
    const qsizetype overhead = 2 + 3 * 10 + kAgentCost * parsed->agents.size();
    if (maxBytes - overhead < kRunCost + 4 + kRangeCost)
        return {};
    // A scratch replica whose agent table holds the update's agents, only to encode with.
    DocumentPrivate scratch(parsed->agents.value(0));
    std::vector<quint32> local;
    for (const AgentId id : std::as_const(parsed->agents))
        local.push_back(scratch.agentFor(id));
    std::vector<quint32> firstSeq(scratch.agents.size(), quint32(kMaxSeq));
    for (WireRun &run : parsed->runs) {
        run.agent = local[run.agent];
        for (Ref *ref : {&run.left, &run.right}) {
            if (!ref->isNone())
                ref->agent = local[ref->agent];
        }
        firstSeq[run.agent] = std::min(firstSeq[run.agent], run.seq);
    }
    std::vector<DeleteRange> before;
    std::vector<DeleteRange> after;
    for (DeleteRange range : parsed->deletes) {
        range.agent = local[range.agent];
        const quint32 first = firstSeq[range.agent];
        if (range.seq < first)
            before.push_back({range.agent, range.seq, std::min(range.end, first)});
        if (range.end > first)
            after.push_back({range.agent, std::max(range.seq, first), range.end});
    }

    QList<QByteArray> parts;
    std::vector<WireRun> runs;
    std::vector<DeleteRange> deletes;
    qsizetype used = overhead;
    auto finishPart = [&] {
        if (!runs.empty() || !deletes.empty())
            parts.append(scratch.encodeUpdate(runs, std::exchange(deletes, {})));
        runs.clear();
        used = overhead;
    };
    auto addDeletes = [&](const std::vector<DeleteRange> &ranges) {
        for (const DeleteRange &range : ranges) {
            if (used + kRangeCost > maxBytes)
                finishPart();
            deletes.push_back(range);
            used += kRangeCost;
        }
    };
    addDeletes(before);
    for (const WireRun &run : parsed->runs) {
        if (run.deleted) {
            if (used + kRunCost > maxBytes)
                finishPart();
            runs.push_back(run);
            used += kRunCost;
            continue;
        }
        // Character seq+k of a run has seq+k-1 as its left origin and the run's right origin,
        // so any piece of it is a run of its own with those origins.
        for (qsizetype from = 0; from < run.text.size();) {
            qsizetype n = fittingUnits(run.text, from, maxBytes - used - kRunCost);
            if (n == 0) {
                finishPart();
                continue;
            }
            const quint32 seq = run.seq + quint32(from);
            runs.push_back({run.agent, seq, quint32(n), false, from == 0 ? run.left : Ref{run.agent, seq - 1},
                            run.right, run.text.mid(from, n)});
            used += kRunCost + ByteWriter::utf8Size(QStringView(run.text).mid(from, n));
            from += n;
        }
    }
    addDeletes(after);
    finishPart();
    return parts;
}

// state := 'S' 0x01 agents arrivals runs text
//   agents   := varint n, n × varint agent id
//   arrivals := varint n, n × arrival: the causal order runs arrived in (each agent's ranges
//               in seq order, so seq is implied)
//   arrival  := varint (length << 1 | asTwoBefore), [varint agent] unless asTwoBefore: two
//               editors taking turns need no agent numbers
//   runs     := varint n, n × run, in document order
//   run      := varint (length << 6 | sameAgent << 5 | deleted << 4 | rightMode << 2 | leftMode),
//               [varint agent] unless the same agent as the previous run,
//               zigzag (seq - end of this agent's previous run in document order),
//               [ref] if leftMode = 3, [ref] if rightMode = 2
//               leftMode: 0 none, 1 the last character of the previous run,
//                         2 (agent, seq - 1): the run was split, 3 explicit
//               rightMode: 0 none, 1 the first character of the next run, 2 explicit,
//                          3 the right origin of the run that ends at (agent, seq - 1)
//   ref      := varint (zigzag (ref seq - run seq) << 1 | otherAgent), [varint agent] if otherAgent
//   text     := varint byteCount, UTF-8 of the visible text
QByteArray Document::encodeState() const
{
    ByteWriter out;
    out.byte(kStateTag);
    out.byte(kFormat);
    out.varint(d->agents.size());
    for (const Agent &agent : d->agents)
        out.varint(agent.id);
    out.varint(d->arrivals.size());
    for (std::size_t i = 0; i < d->arrivals.size(); ++i) {
        const Arrival &arrival = d->arrivals[i];
        const bool asTwoBefore = i >= 2 && d->arrivals[i - 2].agent == arrival.agent;
        out.varint(quint64(arrival.length) << 1 | quint64(asTwoBefore));
        if (!asTwoBefore)
            out.varint(arrival.agent);
    }
    std::vector<const Run *> order;
    for (const auto &chunk : d->chunks) {
        for (const Run &run : chunk->runs)
            order.push_back(&run);
    }
    out.varint(order.size());
    std::vector<quint32> expected(d->agents.size(), 0);
    quint32 previousAgent = kNoAgent;
    for (std::size_t i = 0; i < order.size(); ++i) {
        const Run &run = *order[i];
        const int leftMode = run.left.isNone()                               ? 0
            : (i > 0 && order[i - 1]->last() == run.left)                    ? 1
            : (run.seq > 0 && run.left == Ref{run.agent, run.seq - 1}) ? 2
                                                                             : 3;
        int rightMode = 2;
        if (run.right.isNone())
            rightMode = 0;
        else if (i + 1 < order.size() && Ref{order[i + 1]->agent, order[i + 1]->seq} == run.right)
            rightMode = 1;
        else if (run.seq > 0 && d->runAt(d->locate({run.agent, run.seq - 1})).right == run.right)
            rightMode = 3;
        const bool sameAgent = run.agent == previousAgent;
        out.varint(quint64(run.length) << 6 | quint64(sameAgent) << 5 | quint64(run.deleted) << 4
                   | quint64(rightMode) << 2 | quint64(leftMode));
        if (!sameAgent)
            out.varint(run.agent);
        out.zigzag(qint64(run.seq) - qint64(expected[run.agent]));
        expected[run.agent] = run.end();
        previousAgent = run.agent;
        for (const auto &[explicitRef, ref] : {std::pair{leftMode == 3, run.left}, std::pair{rightMode == 2, run.right}}) {
            if (explicitRef)
                writeRef(out, ref, run.agent, run.seq, ref.agent);
        }
    }
    const QByteArray utf8 = d->text().toUtf8();
    out.varint(utf8.size());
    out.bytes(utf8);
    return out.data();
}

std::optional<Document> Document::decode(AgentId self, const QByteArray &state)
{
    ByteReader in(state);
    if (in.byte() != kStateTag || in.byte() != kFormat)
        return std::nullopt;
    const quint64 agentCount = in.bounded(std::min<quint64>(quint64(in.remaining()), kMaxAgents));
    if (!in.ok())
        return std::nullopt;
    QList<AgentId> ids;
    for (quint64 i = 0; i < agentCount; ++i)
        ids.append(in.varint());
    const quint64 arrivalCount = in.bounded(quint64(in.remaining()));
    if (!in.ok() || (arrivalCount > 0 && agentCount == 0))
        return std::nullopt;
    std::vector<Arrival> arrivals;
    std::vector<quint64> clocks(agentCount, 0);
    for (quint64 i = 0; i < arrivalCount; ++i) {
        const quint64 header = in.bounded(kMaxSeq << 1 | 1);
        const quint64 n = header >> 1;
        if ((header & 1) && i < 2)
            return std::nullopt;
        const quint32 agent = (header & 1) ? arrivals[i - 2].agent : quint32(in.bounded(agentCount - 1));
        if (!in.ok() || n == 0 || clocks[agent] + n > kMaxSeq)
            return std::nullopt;
        arrivals.push_back({agent, quint32(clocks[agent]), quint32(n)});
        clocks[agent] += n;
    }
    quint64 total = 0;
    for (quint64 clock : clocks)
        total += clock;
    if (total > quint64(kMaxDocumentUnits))
        return std::nullopt;

    const quint64 runCount = in.bounded(quint64(in.remaining()));
    if (!in.ok() || (runCount > 0 && agentCount == 0))
        return std::nullopt;
    std::vector<Run> runs;
    runs.reserve(runCount);
    std::vector<quint32> expected(agentCount, 0);
    std::vector<int> leftModes;
    std::vector<int> rightModes;
    leftModes.reserve(runCount);
    rightModes.reserve(runCount);
    quint32 previousAgent = kNoAgent;
    quint64 covered = 0;
    quint64 visibleLength = 0;
    for (quint64 i = 0; i < runCount; ++i) {
        const quint64 header = in.varint();
        Run run;
        const quint64 runLength = header >> 6;
        run.deleted = header & 16;
        const int rightMode = int(header >> 2) & 3;
        const int leftMode = int(header) & 3;
        const bool sameAgent = header & 32;
        if (!in.ok() || runLength == 0 || runLength > kMaxSeq
            || (sameAgent && previousAgent == kNoAgent) || (leftMode == 1 && i == 0)
            || (rightMode == 1 && i + 1 == runCount))
            return std::nullopt;
        run.agent = sameAgent ? previousAgent : quint32(in.bounded(agentCount - 1));
        const qint64 seq = qint64(in.ok() ? expected[run.agent] : 0) + in.zigzag();
        if (!in.ok() || seq < 0 || quint64(seq) + runLength > clocks[run.agent])
            return std::nullopt;
        run.seq = quint32(seq);
        run.length = quint32(runLength);
        expected[run.agent] = run.end();
        previousAgent = run.agent;
        if (leftMode == 2) {
            if (run.seq == 0)
                return std::nullopt;
            run.left = {run.agent, run.seq - 1};
        }
        for (auto [explicitRef, ref] : {std::pair{leftMode == 3, &run.left}, std::pair{rightMode == 2, &run.right}}) {
            if (!explicitRef)
                continue;
            const quint64 raw = in.varint();
            const quint64 zigzag = raw >> 1;
            const qint64 refSeq = qint64(run.seq) + (qint64(zigzag >> 1) ^ -qint64(zigzag & 1));
            ref->agent = (raw & 1) ? quint32(in.bounded(agentCount - 1)) : run.agent;
            if (!in.ok() || refSeq < 0 || quint64(refSeq) >= clocks[ref->agent])
                return std::nullopt;
            ref->seq = quint32(refSeq);
        }
        covered += runLength;
        if (covered > total)
            return std::nullopt;
        if (!run.deleted)
            visibleLength += runLength;
        leftModes.push_back(leftMode);
        rightModes.push_back(rightMode);
        runs.push_back(run);
    }
    const QByteArrayView utf8 = in.bytes(qsizetype(in.bounded(quint64(in.remaining()))));
    if (!in.ok() || !in.atEnd() || covered != total)
        return std::nullopt;
    const QString text = QString::fromUtf8(utf8);
    if (quint64(text.size()) != visibleLength)
        return std::nullopt;
    for (std::size_t i = 0; i < runs.size(); ++i) {
        if (leftModes[i] == 1)
            runs[i].left = runs[i - 1].last();
        if (rightModes[i] == 1)
            runs[i].right = {runs[i + 1].agent, runs[i + 1].seq};
    }

    // Every character exactly once: sorted by (agent, seq) the runs must tile [0, clock).
    std::vector<std::pair<quint64, quint32>> tiles; // (agent << 32 | seq, run index)
    tiles.reserve(runs.size());
    for (std::size_t i = 0; i < runs.size(); ++i)
        tiles.push_back({quint64(runs[i].agent) << 32 | runs[i].seq, quint32(i)});
    std::sort(tiles.begin(), tiles.end());
    quint64 next = 0;
    quint32 tileAgent = 0;
    for (std::size_t t = 0; t < tiles.size(); ++t) {
        const auto &[key, runIndex] = tiles[t];
        const quint32 n = runs[runIndex].length;
        const quint32 agent = quint32(key >> 32);
        if (rightModes[runIndex] == 3) {
            // The tiling check below guarantees that the previous tile is (agent, seq - 1)'s run.
            if (t == 0 || quint32(tiles[t - 1].first >> 32) != agent)
                return std::nullopt;
            runs[runIndex].right = runs[tiles[t - 1].second].right;
        }
        if (agent != tileAgent) {
            if (next != clocks[tileAgent])
                return std::nullopt;
            for (quint32 skipped = tileAgent + 1; skipped < agent; ++skipped) {
                if (clocks[skipped] != 0)
                    return std::nullopt;
            }
            tileAgent = agent;
            next = 0;
        }
        if (quint32(key) != next)
            return std::nullopt;
        next += n;
    }
    if (agentCount > 0 && next != clocks[tileAgent])
        return std::nullopt;

    QSet<AgentId> unique(ids.cbegin(), ids.cend());
    if (unique.size() != ids.size())
        return std::nullopt;

    Document doc(self);
    DocumentPrivate &p = *doc.d;
    p.agents.clear();
    p.agentIndex.clear();
    for (quint64 a = 0; a < agentCount; ++a) {
        p.agents.push_back(Agent{ids[qsizetype(a)], QString(qsizetype(clocks[a]), QChar::ReplacementCharacter), {}});
        p.agentIndex.insert(ids[qsizetype(a)], quint32(a));
    }
    p.self = p.agentFor(self);
    p.rawLength = qsizetype(total);
    p.arrivals = std::move(arrivals);
    p.chunks.clear();
    qsizetype textPos = 0;
    constexpr std::size_t kFill = DocumentPrivate::kMaxRuns * 3 / 4;
    std::vector<Chunk *> chunkOf(runs.size());
    for (std::size_t i = 0; i < runs.size() || p.chunks.empty(); i += kFill) {
        auto chunk = std::make_unique<Chunk>();
        chunk->order = int(p.chunks.size());
        chunk->runs.reserve(kFill);
        for (std::size_t k = i; k < std::min(runs.size(), i + kFill); ++k) {
            const Run &run = runs[k];
            chunk->runs.push_back(run);
            chunkOf[k] = chunk.get();
            if (!run.deleted) {
                p.agents[run.agent].content.replace(run.seq, run.length, text.constData() + textPos, run.length);
                textPos += run.length;
                chunk->visible += run.length;
            }
        }
        p.length += chunk->visible;
        p.chunks.push_back(std::move(chunk));
    }
    p.hint = 0;
    p.hintStart = 0;
    p.chunksChanged(0);
    // The index: `tiles` already lists each agent's runs in seq order.
    for (const auto &[key, runIndex] : tiles) {
        const Run &run = runs[runIndex];
        Chunk *chunk = chunkOf[runIndex];
        auto &index = p.agents[run.agent].index;
        if (!index.empty()) {
            auto last = std::prev(index.end());
            if (last->second.chunk == chunk && last->second.end == run.seq) {
                last->second.end = run.end();
                continue;
            }
        }
        index.emplace_hint(index.end(), run.seq, IndexEntry{run.end(), chunk});
    }
    return doc;
}

// ---------------------------------------------------------------------------------------------
// Anchor bytes: byte (side | hasAgent << 1), [fixed64 agent, varint seq]

QByteArray Anchor::toBytes() const
{
    ByteWriter out;
    out.byte(quint8(side) | quint8(agent.has_value()) << 1);
    if (agent) {
        out.fixed64(*agent);
        out.varint(seq);
    }
    return out.data();
}

std::optional<Anchor> Anchor::fromBytes(const QByteArray &bytes)
{
    ByteReader in(bytes);
    const quint8 flags = in.byte();
    if (!in.ok() || flags > 3)
        return std::nullopt;
    Anchor anchor;
    anchor.side = (flags & 1) ? Side::StickToNext : Side::StickToPrevious;
    if (flags & 2) {
        anchor.agent = in.fixed64();
        anchor.seq = quint32(in.bounded(kMaxSeq - 1));
    }
    if (!in.ok() || !in.atEnd())
        return std::nullopt;
    return anchor;
}

} // namespace Cohort::Collab
