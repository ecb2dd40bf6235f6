// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "document.h"

#include "bytecodec.h"
#include "documentprivate.h"
#include "undomanager.h"

#include <QLoggingCategory>
#include <QRandomGenerator>
#include <QSet>
#include <QVarLengthArray>

#include <algorithm>
#include <climits>

Q_LOGGING_CATEGORY(lcCollab, "cohort.collab")

namespace Cohort::Collab {

namespace {

constexpr quint8 kUpdateTag = 'U';
constexpr quint8 kStateTag = 'S';
constexpr quint8 kVersionTag = 'V';
constexpr quint8 kFormat = 1;

// Limits against hostile input: every allocation an update can cause is bounded by these.
constexpr quint64 kMaxSeq = quint64(1) << 30;            // characters per agent
constexpr quint64 kMaxRunLength = quint64(1) << 24;      // one run of one update
constexpr quint64 kMaxUpdateUnits = quint64(1) << 24;    // all runs of one update
constexpr qsizetype kMaxAgents = 1 << 16;                // agents one document knows
constexpr qsizetype kMaxPendingUnits = 1 << 22;          // buffered characters
constexpr std::size_t kMaxPendingRuns = 1 << 14;         // buffered runs and delete ranges

bool canAppend(const Run &prev, const Run &next)
{
    return prev.agent == next.agent && prev.end() == next.seq && prev.deleted == next.deleted
        && prev.right == next.right && next.left == prev.last();
}

// Cursors compare in document order; these stand for "no left origin" and "no right origin".
constexpr Cursor kBeforeAll{-1, 0, 0};
constexpr Cursor kAfterAll{INT_MAX, 0, 0};

/// Lone surrogates cannot be encoded as UTF-8 and would split on the wire: replace them.
QString wellFormed(QStringView text)
{
    QString out = text.toString();
    for (qsizetype i = 0; i < out.size(); ++i) {
        if (out[i].isHighSurrogate() && i + 1 < out.size() && out[i + 1].isLowSurrogate())
            ++i;
        else if (out[i].isSurrogate())
            out[i] = QChar::ReplacementCharacter;
    }
    return out;
}

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
// DocumentPrivate: structure

DocumentPrivate::DocumentPrivate(AgentId selfId)
{
    chunks.push_back(std::make_unique<Chunk>());
    prefix.push_back(0);
    self = agentFor(selfId);
}

quint32 DocumentPrivate::agentFor(AgentId id)
{
    const auto it = agentIndex.constFind(id);
    if (it != agentIndex.constEnd())
        return *it;
    const quint32 index = quint32(agents.size());
    agents.push_back(Agent{id, {}, {}});
    agentIndex.insert(id, index);
    return index;
}

bool DocumentPrivate::knows(Ref ref) const
{
    return ref.isNone() || (ref.agent < agents.size() && ref.seq < agents[ref.agent].clock());
}

qsizetype DocumentPrivate::chunkStart(int chunk)
{
    while (prefixValid <= std::size_t(chunk)) {
        prefix[prefixValid] = prefix[prefixValid - 1] + chunks[prefixValid - 1]->visible;
        ++prefixValid;
    }
    return prefix[chunk];
}

void DocumentPrivate::invalidate(int fromChunk)
{
    prefixValid = std::min(prefixValid, std::size_t(std::max(fromChunk, 1)));
}

int DocumentPrivate::chunkContaining(qsizetype position)
{
    // Typing stays in one chunk or moves to its neighbour: try those before a binary search.
    for (int candidate : {hint, hint + 1, hint - 1}) {
        if (candidate < 0 || candidate >= int(chunks.size()))
            continue;
        const qsizetype start = chunkStart(candidate);
        if (position >= start && position < start + chunks[candidate]->visible)
            return hint = candidate;
    }
    chunkStart(int(chunks.size()) - 1);
    const auto it = std::upper_bound(prefix.begin(), prefix.end(), position);
    return hint = int(it - prefix.begin()) - 1;
}

Cursor DocumentPrivate::visibleCursor(qsizetype position)
{
    const int chunk = chunkContaining(position);
    qsizetype rest = position - chunkStart(chunk);
    const auto &runs = chunks[chunk]->runs;
    for (int r = 0; r < int(runs.size()); ++r) {
        if (runs[r].deleted)
            continue;
        if (rest < runs[r].length)
            return {chunk, r, quint32(rest)};
        rest -= runs[r].length;
    }
    Q_UNREACHABLE();
    return {chunk, int(runs.size()), 0};
}

Cursor DocumentPrivate::locate(Ref ref) const
{
    const auto &index = agents[ref.agent].index;
    auto it = index.upper_bound(ref.seq);
    --it;
    const Chunk *chunk = it->second.chunk;
    const auto &runs = chunk->runs;
    for (int r = 0; r < int(runs.size()); ++r) {
        const Run &run = runs[r];
        if (run.agent == ref.agent && ref.seq >= run.seq && ref.seq < run.end())
            return {chunk->order, r, ref.seq - run.seq};
    }
    Q_UNREACHABLE();
    return {};
}

Cursor DocumentPrivate::normalize(Cursor c) const
{
    for (;;) {
        const auto &runs = chunks[c.chunk]->runs;
        if (c.run < int(runs.size())) {
            if (c.offset < runs[c.run].length)
                return c;
            ++c.run;
            c.offset = 0;
        } else if (c.chunk + 1 < int(chunks.size())) {
            c = {c.chunk + 1, 0, 0};
        } else {
            return c;
        }
    }
}

bool DocumentPrivate::atEnd(Cursor c) const
{
    return c.chunk == int(chunks.size()) - 1 && c.run >= int(chunks[c.chunk]->runs.size());
}

Ref DocumentPrivate::idAt(Cursor c) const
{
    c = normalize(c);
    if (atEnd(c))
        return {};
    const Run &run = runAt(c);
    return {run.agent, run.seq + c.offset};
}

qsizetype DocumentPrivate::visibleAt(Cursor c)
{
    qsizetype position = chunkStart(c.chunk);
    const auto &runs = chunks[c.chunk]->runs;
    for (int r = 0; r < c.run; ++r) {
        if (!runs[r].deleted)
            position += runs[r].length;
    }
    if (c.run < int(runs.size()) && !runs[c.run].deleted)
        position += c.offset;
    return position;
}

void DocumentPrivate::splitRun(Chunk &chunk, int run, quint32 offset)
{
    Run right = chunk.runs[run];
    right.seq += offset;
    right.length -= offset;
    right.left = {right.agent, right.seq - 1};
    chunk.runs[run].length = offset;
    chunk.runs.insert(chunk.runs.begin() + run + 1, right);
}

void DocumentPrivate::tryMerge(Chunk &chunk, int run)
{
    if (run < 0 || run + 1 >= int(chunk.runs.size()))
        return;
    Run &prev = chunk.runs[run];
    const Run &next = chunk.runs[run + 1];
    if (!canAppend(prev, next))
        return;
    prev.length += next.length;
    chunk.runs.erase(chunk.runs.begin() + run + 1);
}

void DocumentPrivate::setLocation(quint32 agent, quint32 seq, quint32 end, Chunk *chunk)
{
    auto &index = agents[agent].index;
    while (seq < end) {
        auto it = std::prev(index.upper_bound(seq));
        if (it->first < seq) {
            const IndexEntry rest = it->second;
            it->second.end = seq;
            it = index.emplace_hint(std::next(it), seq, rest);
        }
        if (it->second.end > end) {
            const IndexEntry tail = it->second;
            it->second.end = end;
            index.emplace_hint(std::next(it), end, tail);
        }
        it->second.chunk = chunk;
        seq = it->second.end;
        if (it != index.begin()) {
            auto before = std::prev(it);
            if (before->second.chunk == chunk && before->second.end == it->first) {
                before->second.end = it->second.end;
                index.erase(it);
            }
        }
    }
}

void DocumentPrivate::indexAppend(const Run &run, Chunk *chunk)
{
    auto &index = agents[run.agent].index;
    if (!index.empty()) {
        auto last = std::prev(index.end());
        if (last->second.end == run.seq && last->second.chunk == chunk) {
            last->second.end = run.end();
            return;
        }
    }
    index.emplace_hint(index.end(), run.seq, IndexEntry{run.end(), chunk});
}

void DocumentPrivate::splitChunkIfFull(int chunkIndex)
{
    Chunk &full = *chunks[chunkIndex];
    if (full.runs.size() <= kMaxRuns)
        return;
    auto fresh = std::make_unique<Chunk>();
    const auto half = full.runs.begin() + std::ptrdiff_t(full.runs.size() / 2);
    fresh->runs.assign(half, full.runs.end());
    full.runs.erase(half, full.runs.end());
    for (const Run &run : fresh->runs) {
        if (!run.deleted)
            fresh->visible += run.length;
    }
    full.visible -= fresh->visible;
    Chunk *moved = fresh.get();
    chunks.insert(chunks.begin() + chunkIndex + 1, std::move(fresh));
    prefix.insert(prefix.begin() + chunkIndex + 1, 0);
    for (std::size_t i = std::size_t(chunkIndex) + 1; i < chunks.size(); ++i)
        chunks[i]->order = int(i);
    invalidate(chunkIndex + 1);
    for (const Run &run : moved->runs)
        setLocation(run.agent, run.seq, run.end(), moved);
}

void DocumentPrivate::insertRun(Cursor at, const Run &run)
{
    Chunk *chunk = chunks[at.chunk].get();
    if (at.run < int(chunk->runs.size()) && at.offset > 0) {
        if (at.offset < chunk->runs[at.run].length)
            splitRun(*chunk, at.run, at.offset);
        ++at.run;
        at.offset = 0;
    }
    const qsizetype visible = run.deleted ? 0 : run.length;
    // Typing extends the run it continues, in this chunk or at the end of the previous one.
    Chunk *prevChunk = chunk;
    int prevRun = at.run - 1;
    if (prevRun < 0 && at.chunk > 0) {
        prevChunk = chunks[at.chunk - 1].get();
        prevRun = int(prevChunk->runs.size()) - 1;
    }
    if (prevRun >= 0 && canAppend(prevChunk->runs[prevRun], run)) {
        prevChunk->runs[prevRun].length += run.length;
        prevChunk->visible += visible;
        length += visible;
        invalidate(prevChunk->order + 1);
        indexAppend(run, prevChunk);
        return;
    }
    chunk->runs.insert(chunk->runs.begin() + at.run, run);
    chunk->visible += visible;
    length += visible;
    invalidate(at.chunk + 1);
    indexAppend(run, chunk);
    splitChunkIfFull(at.chunk);
}

// The YjsMod rule (Gentle's reference-crdts; it produces the FugueMax order): between the
// left and right origin, skip the items whose left origin lies to the right of ours; among
// the items with the same left origin, those with a closer right origin come first, and equal
// origins are ordered by agent id. Only the first character of a run can stop the scan: the
// others have their run predecessor, which lies inside the scanned range, as left origin.
Cursor DocumentPrivate::findInsertPosition(const Run &run)
{
    Cursor leftAt = kBeforeAll;
    Cursor start;
    if (!run.left.isNone()) {
        const Cursor left = locate(run.left);
        leftAt = left;
        start = {left.chunk, left.run, left.offset + 1};
    }
    start = normalize(start);
    if (idAt(start) == run.right)
        return start;
    const Cursor rightAt = run.right.isNone() ? kAfterAll : locate(run.right);
    const AgentId me = agents[run.agent].id;

    Cursor i = start;
    Cursor dest = start;
    bool scanning = false;
    for (;;) {
        i = normalize(i);
        if (!scanning)
            dest = i;
        if (atEnd(i))
            break;
        const Run &other = runAt(i);
        const Ref otherId{other.agent, other.seq + i.offset};
        if (otherId == run.right)
            break;
        const Ref otherLeft = i.offset == 0 ? other.left : Ref{other.agent, otherId.seq - 1};
        const Cursor oleft = otherLeft.isNone() ? kBeforeAll : locate(otherLeft);
        if (oleft < leftAt)
            break;
        if (oleft == leftAt) {
            const Cursor oright = other.right.isNone() ? kAfterAll : locate(other.right);
            if (oright < rightAt) {
                scanning = true;
            } else if (oright == rightAt) {
                if (me < agents[other.agent].id)
                    break;
                scanning = false;
            } else {
                scanning = false;
            }
        }
        quint32 stop = other.length;
        if (run.right.agent == other.agent && run.right.seq > otherId.seq && run.right.seq < other.end())
            stop = run.right.seq - other.seq;
        i.offset = stop;
    }
    return dest;
}

void DocumentPrivate::addChange(qsizetype position, qsizetype removed, const QString &inserted)
{
    if (!changes)
        return;
    if (!changes->isEmpty()) {
        TextChange &last = changes->last();
        if (removed == 0 && last.removed == 0 && position == last.position + last.inserted.size()) {
            last.inserted += inserted;
            return;
        }
        if (inserted.isEmpty() && last.inserted.isEmpty() && position == last.position) {
            last.removed += removed;
            return;
        }
    }
    changes->append({position, removed, inserted});
}

void DocumentPrivate::deleteRange(quint32 agent, quint32 seq, quint32 end, QString *removedText)
{
    while (seq < end) {
        Cursor c = locate({agent, seq});
        Chunk &chunk = *chunks[c.chunk];
        const quint32 pieceEnd = std::min(end, chunk.runs[c.run].end());
        if (!chunk.runs[c.run].deleted) {
            const qsizetype position = visibleAt(c);
            if (c.offset > 0) {
                splitRun(chunk, c.run, c.offset);
                ++c.run;
            }
            if (chunk.runs[c.run].end() > pieceEnd)
                splitRun(chunk, c.run, pieceEnd - chunk.runs[c.run].seq);
            Run &run = chunk.runs[c.run];
            run.deleted = true;
            chunk.visible -= run.length;
            length -= run.length;
            invalidate(c.chunk + 1);
            if (changes)
                addChange(position, run.length, {});
            if (removedText)
                removedText->append(QStringView(agents[agent].content).mid(run.seq, run.length));
            tryMerge(chunk, c.run);
            tryMerge(chunk, c.run - 1);
            splitChunkIfFull(c.chunk);
        }
        seq = pieceEnd;
    }
}

QString DocumentPrivate::text() const
{
    QString out;
    out.reserve(length);
    for (const auto &chunk : chunks) {
        for (const Run &run : chunk->runs) {
            if (!run.deleted)
                out.append(QStringView(agents[run.agent].content).mid(run.seq, run.length));
        }
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// Local edits

void DocumentPrivate::appendWireRun(std::vector<WireRun> &runs, WireRun run)
{
    if (!runs.empty()) {
        WireRun &last = runs.back();
        if (last.agent == run.agent && last.end() == run.seq && last.deleted == run.deleted
            && last.right == run.right && run.left == Ref{last.agent, last.end() - 1}
            && last.text.isEmpty() == run.text.isEmpty()) {
            last.length += run.length;
            last.text += run.text;
            return;
        }
    }
    runs.push_back(std::move(run));
}

void DocumentPrivate::localInsert(qsizetype position, QStringView input)
{
    position = std::clamp<qsizetype>(position, 0, length);
    const QString content = wellFormed(input);
    if (content.isEmpty() || agents[self].clock() + quint64(content.size()) > kMaxSeq)
        return;
    Cursor at;
    Ref left;
    if (position > 0) {
        Cursor c = visibleCursor(position - 1);
        Agent &owner = agents[runAt(c).agent];
        const quint32 seq = runAt(c).seq + c.offset;
        if (owner.content[seq].isHighSurrogate() && position < length) {
            // Never between the halves of a pair: move past the low surrogate.
            c = visibleCursor(position);
            ++position;
        }
        left = {runAt(c).agent, runAt(c).seq + c.offset};
        at = {c.chunk, c.run, c.offset + 1};
    }
    at = normalize(at);
    Agent &me = agents[self];
    const Run run{self, me.clock(), quint32(content.size()), false, left, idAt(at)};
    me.content.append(content);
    insertRun(at, run);
    if (!arrivals.empty() && arrivals.back().agent == self && arrivals.back().seq + arrivals.back().length == run.seq)
        arrivals.back().length += run.length;
    else
        arrivals.push_back({self, run.seq, run.length});
    appendWireRun(txnRuns, WireRun{self, run.seq, run.length, false, run.left, run.right, {}});
    if (undo)
        undo->recordInsert(run.seq, run.end());
}

void DocumentPrivate::localRemove(qsizetype position, qsizetype count)
{
    position = std::clamp<qsizetype>(position, 0, length);
    count = std::clamp<qsizetype>(count, 0, length - position);
    if (count == 0)
        return;
    auto charAt = [this](qsizetype at) {
        const Cursor c = visibleCursor(at);
        return agents[runAt(c).agent].content[runAt(c).seq + c.offset];
    };
    // Whole surrogate pairs only.
    if (position > 0 && charAt(position).isLowSurrogate() && charAt(position - 1).isHighSurrogate()) {
        --position;
        ++count;
    }
    const qsizetype last = position + count - 1;
    if (charAt(last).isHighSurrogate() && last + 1 < length && charAt(last + 1).isLowSurrogate())
        ++count;

    std::vector<UndoManager::Span> pieces;
    QString removed;
    while (count > 0) {
        const Cursor c = visibleCursor(position);
        const Run &run = runAt(c);
        const quint32 seq = run.seq + c.offset;
        const quint32 n = quint32(std::min<qsizetype>(count, run.length - c.offset));
        const quint32 agent = run.agent;
        if (undo)
            pieces.push_back({agent, seq, seq + n});
        deleteRange(agent, seq, seq + n, undo ? &removed : nullptr);
        if (!txnDeletes.empty() && txnDeletes.back().agent == agent && txnDeletes.back().end == seq)
            txnDeletes.back().end = seq + n;
        else
            txnDeletes.push_back({agent, seq, seq + n});
        count -= n;
    }
    if (undo)
        undo->recordDelete(std::move(pieces), removed);
}

QByteArray DocumentPrivate::commit()
{
    if (txnDepth > 0)
        --txnDepth;
    if (txnDepth > 0 || (txnRuns.empty() && txnDeletes.empty()))
        return {};
    QByteArray update = encodeUpdate(txnRuns, std::move(txnDeletes));
    txnRuns.clear();
    txnDeletes.clear();
    return update;
}

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

struct ParsedUpdate
{
    QVarLengthArray<AgentId, 4> agents;
    std::vector<WireRun> runs;       // agent fields are indexes into `agents`
    std::vector<DeleteRange> deletes;
};

bool readRef(ByteReader &in, qsizetype agentCount, quint32 runAgent, quint32 runSeq, Ref &ref)
{
    const quint64 raw = in.varint();
    const quint64 zigzag = raw >> 1;
    const qint64 seq = qint64(runSeq) + (qint64(zigzag >> 1) ^ -qint64(zigzag & 1));
    ref.agent = (raw & 1) ? quint32(in.bounded(quint64(agentCount) - 1)) : runAgent;
    ref.seq = quint32(seq);
    return in.ok() && seq >= 0 && quint64(seq) < kMaxSeq;
}

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

} // namespace

// ---------------------------------------------------------------------------------------------
// Remote updates

DocumentPrivate::Integration DocumentPrivate::tryIntegrate(WireRun &run)
{
    const quint32 clock = agents[run.agent].clock();
    if (run.end() <= clock)
        return Integration::Done; // a duplicate
    if (run.seq > clock)
        return Integration::Wait; // the agent's earlier characters first
    if (run.seq < clock) {
        const quint32 known = clock - run.seq;
        run.seq = clock;
        run.length -= known;
        run.left = {run.agent, clock - 1};
        if (!run.deleted)
            run.text.remove(0, known);
    }
    if (!knows(run.left) || !knows(run.right))
        return Integration::Wait;
    if (!run.left.isNone() && agents[run.left.agent].content[run.left.seq].isHighSurrogate()) {
        qCWarning(lcCollab) << "dropped a remote insert inside a surrogate pair";
        return Integration::Done;
    }
    integrate(run);
    return Integration::Done;
}

void DocumentPrivate::integrate(const WireRun &wire)
{
    const Run run{wire.agent, wire.seq, wire.length, wire.deleted, wire.left, wire.right};
    const Cursor at = findInsertPosition(run);
    const qsizetype position = (changes && !run.deleted) ? visibleAt(at) : 0;
    Agent &agent = agents[run.agent];
    if (run.deleted)
        agent.content.append(QString(run.length, QChar::ReplacementCharacter));
    else
        agent.content.append(wire.text);
    insertRun(at, run);
    if (!arrivals.empty() && arrivals.back().agent == run.agent
        && arrivals.back().seq + arrivals.back().length == run.seq)
        arrivals.back().length += run.length;
    else
        arrivals.push_back({run.agent, run.seq, run.length});
    if (!run.deleted)
        addChange(position, 0, wire.text);
    if (!pendingDeletes.empty())
        applyPendingDeletes(run.agent);
}

void DocumentPrivate::applyPendingDeletes(quint32 agent)
{
    const quint32 clock = agents[agent].clock();
    for (std::size_t i = 0; i < pendingDeletes.size();) {
        DeleteRange &range = pendingDeletes[i];
        if (range.agent != agent || range.seq >= clock) {
            ++i;
            continue;
        }
        const quint32 end = std::min(range.end, clock);
        deleteRange(agent, range.seq, end, nullptr);
        pendingUnits -= end - range.seq;
        range.seq = end;
        if (range.seq == range.end)
            pendingDeletes.erase(pendingDeletes.begin() + std::ptrdiff_t(i));
        else
            ++i;
    }
}

void DocumentPrivate::retryPending()
{
    bool progress = true;
    while (progress && !pendingRuns.empty()) {
        progress = false;
        std::size_t kept = 0;
        for (std::size_t i = 0; i < pendingRuns.size(); ++i) {
            const quint32 before = pendingRuns[i].length;
            if (tryIntegrate(pendingRuns[i]) == Integration::Done) {
                pendingUnits -= before;
                progress = true;
            } else {
                if (kept != i)
                    pendingRuns[kept] = std::move(pendingRuns[i]);
                ++kept;
            }
        }
        pendingRuns.resize(kept);
    }
}

// ---------------------------------------------------------------------------------------------
// Queries

std::vector<DeleteRange> DocumentPrivate::deleteSet() const
{
    std::vector<DeleteRange> set;
    for (const auto &chunk : chunks) {
        for (const Run &run : chunk->runs) {
            if (run.deleted)
                set.push_back({run.agent, run.seq, run.end()});
        }
    }
    std::sort(set.begin(), set.end(), [](const DeleteRange &a, const DeleteRange &b) {
        return a.agent != b.agent ? a.agent < b.agent : a.seq < b.seq;
    });
    std::vector<DeleteRange> merged;
    for (const DeleteRange &range : set) {
        if (!merged.empty() && merged.back().agent == range.agent && merged.back().end == range.seq)
            merged.back().end = range.end;
        else
            merged.push_back(range);
    }
    return merged;
}

Anchor DocumentPrivate::anchorAt(qsizetype position, Anchor::Side side)
{
    position = std::clamp<qsizetype>(position, 0, length);
    Anchor anchor;
    anchor.side = side;
    const qsizetype character = side == Anchor::Side::StickToPrevious ? position - 1 : position;
    if (character < 0 || character >= length)
        return anchor;
    const Cursor c = visibleCursor(character);
    anchor.agent = agents[runAt(c).agent].id;
    anchor.seq = runAt(c).seq + c.offset;
    return anchor;
}

qsizetype DocumentPrivate::resolve(const Anchor &anchor)
{
    if (!anchor.agent)
        return anchor.side == Anchor::Side::StickToPrevious ? 0 : length;
    const auto it = agentIndex.constFind(*anchor.agent);
    if (it == agentIndex.constEnd() || anchor.seq >= agents[*it].clock())
        return length;
    const Cursor c = locate({*it, anchor.seq});
    const qsizetype before = visibleAt(c);
    const bool visible = !runAt(c).deleted;
    return before + ((visible && anchor.side == Anchor::Side::StickToPrevious) ? 1 : 0);
}

QList<std::pair<qsizetype, qsizetype>> DocumentPrivate::visibleSpans(quint32 agent, quint32 seq, quint32 end)
{
    QList<std::pair<qsizetype, qsizetype>> spans;
    end = std::min(end, agents[agent].clock());
    while (seq < end) {
        const Cursor c = locate({agent, seq});
        const Run &run = runAt(c);
        const quint32 pieceEnd = std::min(end, run.end());
        if (!run.deleted)
            spans.append({visibleAt(c), qsizetype(pieceEnd - seq)});
        seq = pieceEnd;
    }
    return spans;
}

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
    qsizetype newAgents = 0;
    for (AgentId id : std::as_const(parsed->agents))
        newAgents += !d->agentIndex.contains(id);
    if (qsizetype(d->agents.size()) + newAgents > kMaxAgents) {
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
            d->deleteRange(range.agent, range.seq, std::min(range.end, clock), nullptr);
        if (range.end > clock) {
            const quint32 from = std::max(range.seq, clock);
            d->pendingUnits += range.end - from;
            d->pendingDeletes.push_back({range.agent, from, range.end});
        }
    }
    d->changes = nullptr;
    // A bounded buffer: the oldest waiting parts go first. They are not part of version(),
    // so the next sync by version and diff sends them again.
    while (!d->pendingRuns.empty()
           && (d->pendingUnits > kMaxPendingUnits || d->pendingRuns.size() > kMaxPendingRuns)) {
        d->pendingUnits -= d->pendingRuns.front().length;
        d->pendingRuns.erase(d->pendingRuns.begin());
    }
    while (!d->pendingDeletes.empty()
           && (d->pendingUnits > kMaxPendingUnits || d->pendingDeletes.size() > kMaxPendingRuns)) {
        d->pendingUnits -= d->pendingDeletes.front().end - d->pendingDeletes.front().seq;
        d->pendingDeletes.erase(d->pendingDeletes.begin());
    }
    return result;
}

qsizetype Document::pendingLength() const
{
    return d->pendingUnits;
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
    if (total > kMaxSeq)
        return std::nullopt;

    const quint64 runCount = in.bounded(quint64(in.remaining()));
    if (!in.ok())
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
    p.arrivals = std::move(arrivals);
    p.chunks.clear();
    p.prefix.clear();
    qsizetype textPos = 0;
    constexpr std::size_t kFill = DocumentPrivate::kMaxRuns * 3 / 4;
    for (std::size_t i = 0; i < runs.size() || p.chunks.empty(); i += kFill) {
        auto chunk = std::make_unique<Chunk>();
        chunk->order = int(p.chunks.size());
        for (std::size_t k = i; k < std::min(runs.size(), i + kFill); ++k) {
            const Run &run = runs[k];
            chunk->runs.push_back(run);
            if (!run.deleted) {
                p.agents[run.agent].content.replace(run.seq, run.length, text.constData() + textPos, run.length);
                textPos += run.length;
                chunk->visible += run.length;
            }
        }
        p.length += chunk->visible;
        p.chunks.push_back(std::move(chunk));
        p.prefix.push_back(0);
    }
    // The index: each agent's runs in seq order.
    std::vector<std::pair<quint64, Chunk *>> located;
    located.reserve(runs.size());
    for (const auto &chunk : p.chunks) {
        for (const Run &run : chunk->runs)
            located.push_back({quint64(run.agent) << 32 | run.seq, chunk.get()});
    }
    std::sort(located.begin(), located.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
    for (const auto &[key, chunk] : located) {
        const quint32 agent = quint32(key >> 32);
        auto &index = p.agents[agent].index;
        const Run *run = nullptr;
        for (const Run &candidate : chunk->runs) {
            if (candidate.agent == agent && candidate.seq == quint32(key)) {
                run = &candidate;
                break;
            }
        }
        if (!index.empty()) {
            auto last = std::prev(index.end());
            if (last->second.chunk == chunk && last->second.end == run->seq) {
                last->second.end = run->end();
                continue;
            }
        }
        index.emplace_hint(index.end(), run->seq, IndexEntry{run->end(), chunk});
    }
    return doc;
}

Anchor Document::anchorAt(qsizetype position, Anchor::Side side) const
{
    return d->anchorAt(position, side);
}

qsizetype Document::resolve(const Anchor &anchor) const
{
    return d->resolve(anchor);
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
