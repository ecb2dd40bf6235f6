// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "documentprivate.h"

#include "undomanager.h"

#include <algorithm>
#include <bit>
#include <climits>

Q_LOGGING_CATEGORY(lcCollab, "cohort.collab")

namespace Cohort::Collab {

namespace {

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

} // namespace

// ---------------------------------------------------------------------------------------------
// DocumentPrivate: structure

DocumentPrivate::DocumentPrivate(AgentId selfId)
{
    chunks.push_back(std::make_unique<Chunk>());
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

void DocumentPrivate::rebuildSums()
{
    // Node i sums chunks (i - lowbit(i), i]: its own chunk plus its children i - 1, i - 2,
    // i - 4, ... below lowbit(i), which are either untouched or rebuilt just before it.
    sums.resize(chunks.size() + 1);
    for (std::size_t i = sumsFresh; i < sums.size(); ++i) {
        qsizetype sum = chunks[i - 1]->visible;
        const std::size_t low = i & (~i + 1);
        for (std::size_t step = 1; step < low; step <<= 1)
            sum += sums[i - step];
        sums[i] = sum;
    }
    sumsFresh = sums.size();
}

qsizetype DocumentPrivate::chunkStart(int chunk)
{
    if (chunk == hint)
        return hintStart;
    if (sumsFresh <= chunks.size())
        rebuildSums();
    qsizetype start = 0;
    for (std::size_t i = std::size_t(chunk); i > 0; i &= i - 1)
        start += sums[i];
    return start;
}

void DocumentPrivate::addVisible(int chunk, qsizetype delta)
{
    chunks[chunk]->visible += delta;
    length += delta;
    if (chunk < hint)
        hintStart += delta;
    // Nodes from sumsFresh on are rebuilt from the chunks anyway.
    for (std::size_t i = std::size_t(chunk) + 1; i < sumsFresh; i += i & (~i + 1))
        sums[i] += delta;
}

int DocumentPrivate::chunkContaining(qsizetype position)
{
    // Typing stays in one chunk or moves to its neighbour: try those before the tree.
    const auto inside = [this, position](int chunk, qsizetype start) {
        return position >= start && position < start + chunks[chunk]->visible;
    };
    if (inside(hint, hintStart))
        return hint;
    const int count = int(chunks.size());
    if (hint + 1 < count && inside(hint + 1, hintStart + chunks[hint]->visible)) {
        hintStart += chunks[hint]->visible;
        return ++hint;
    }
    if (hint > 0 && inside(hint - 1, hintStart - chunks[hint - 1]->visible)) {
        hintStart -= chunks[hint - 1]->visible;
        return --hint;
    }
    // The last chunk whose start is at most `position`, descending the tree.
    if (sumsFresh <= chunks.size())
        rebuildSums();
    std::size_t found = 0;
    qsizetype rest = position;
    for (std::size_t step = std::bit_floor(sums.size() - 1); step > 0; step >>= 1) {
        if (found + step < sums.size() && sums[found + step] <= rest) {
            found += step;
            rest -= sums[found];
        }
    }
    if (found == std::size_t(count)) {
        // At or past the end: the last chunk.
        --found;
        rest += chunks[found]->visible;
    }
    hint = int(found);
    hintStart = position - rest;
    return hint;
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
    for (std::size_t i = std::size_t(chunkIndex) + 1; i < chunks.size(); ++i)
        chunks[i]->order = int(i);
    // The characters before every chunk after the split stay the same: only indexes move.
    if (hint > chunkIndex)
        ++hint;
    chunksChanged(chunkIndex);
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
        addVisible(prevChunk->order, visible);
        indexAppend(run, prevChunk);
        return;
    }
    chunk->runs.insert(chunk->runs.begin() + at.run, run);
    addVisible(at.chunk, visible);
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
            addVisible(c.chunk, -qsizetype(run.length));
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

void DocumentPrivate::remoteDelete(quint32 agent, quint32 seq, quint32 end)
{
    // The halves of a pair are consecutive characters of one agent. Every replica grows the
    // range the same way, so a hostile half-pair delete cannot leave a lone surrogate that
    // UTF-8 would turn into U+FFFD on some replicas only.
    const QString &content = agents[agent].content;
    if (seq > 0 && content[seq].isLowSurrogate() && content[seq - 1].isHighSurrogate())
        --seq;
    if (end < content.size() && content[end - 1].isHighSurrogate() && content[end].isLowSurrogate())
        ++end;
    deleteRange(agent, seq, end, nullptr);
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
    if (content.isEmpty() || rawLength + content.size() > kMaxDocumentUnits)
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
    rawLength += content.size();
    insertRun(at, run);
    addChange(position, 0, content);
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
    // Text arrives as UTF-8 and deletes take whole pairs, so a high surrogate is always followed
    // by its low surrogate in the same run: nothing legitimate starts right after one.
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
    rawLength += run.length;
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
        remoteDelete(agent, range.seq, end);
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

} // namespace Cohort::Collab
