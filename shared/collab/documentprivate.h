// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

// The engine's internals, shared by its .cpp files only.

#include "collabtypes.h"

#include <QHash>
#include <QList>
#include <QLoggingCategory>
#include <QString>
#include <QVarLengthArray>

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <vector>

Q_DECLARE_LOGGING_CATEGORY(lcCollab)

namespace Cohort::Collab {

class UndoManager;

constexpr quint32 kNoAgent = 0xffffffffu;

constexpr quint8 kUpdateTag = 'U';
constexpr quint8 kStateTag = 'S';
constexpr quint8 kVersionTag = 'V';
constexpr quint8 kFormat = 1;

// Limits against hostile input: every allocation an update can cause is bounded by these.
constexpr quint64 kMaxSeq = quint64(1) << 30;            // characters per agent
constexpr qsizetype kMaxDocumentUnits = qsizetype(1) << 25; // characters ever inserted, deleted ones too
constexpr quint64 kMaxRunLength = quint64(1) << 24;      // one run of one update
constexpr quint64 kMaxUpdateUnits = quint64(1) << 24;    // all runs of one update
constexpr qsizetype kMaxAgents = 1 << 16;                // agents one document knows
constexpr qsizetype kMaxPendingUnits = 1 << 22;          // characters of buffered runs
constexpr std::size_t kMaxPendingRuns = 1 << 14;         // buffered runs, and buffered delete ranges

/// A character's name inside one replica: the agent's index in DocumentPrivate::agents
/// (replica-local; the wire uses the 64-bit AgentId) and its sequence number.
struct Ref
{
    quint32 agent = kNoAgent;
    quint32 seq = 0;

    bool isNone() const { return agent == kNoAgent; }
    friend bool operator==(Ref, Ref) = default;
};

/// Consecutive characters of one agent, inserted one after the other: character seq+k has
/// (agent, seq+k-1) as its left origin and `right` as its right origin, so one origin pair
/// describes the whole run.
struct Run
{
    quint32 agent = 0;
    quint32 seq = 0;
    quint32 length = 0;
    bool deleted = false;
    Ref left;
    Ref right;

    quint32 end() const { return seq + length; }
    Ref last() const { return {agent, seq + length - 1}; }
};

/// A slice of the sequence with its cached visible length; chunks are split when they grow
/// past kMaxRuns, so an index lookup is a prefix sum over chunks (a Fenwick tree) plus a scan
/// of one chunk.
struct Chunk
{
    std::vector<Run> runs;
    qsizetype visible = 0;
    int order = 0;
};

/// Where the characters [key, end) of an agent live.
struct IndexEntry
{
    quint32 end = 0;
    Chunk *chunk = nullptr;
};

struct Agent
{
    AgentId id = 0;
    /// Character seq at index seq; U+FFFD for deleted characters received without text.
    QString content;
    std::map<quint32, IndexEntry> index;

    quint32 clock() const { return quint32(content.size()); }
};

/// A position between characters: before character `offset` of run `run` of chunk `chunk`.
struct Cursor
{
    int chunk = 0;
    int run = 0;
    quint32 offset = 0;

    friend auto operator<=>(const Cursor &, const Cursor &) = default;
};

/// A run as it travels in an update, with its text unless it is deleted.
struct WireRun
{
    quint32 agent = 0;
    quint32 seq = 0;
    quint32 length = 0;
    bool deleted = false;
    Ref left;
    Ref right;
    QString text;

    quint32 end() const { return seq + length; }
};

struct DeleteRange
{
    quint32 agent = 0;
    quint32 seq = 0;
    quint32 end = 0;
};

/// An update as read from the wire: agent fields index `agents`.
struct ParsedUpdate
{
    QVarLengthArray<AgentId, 4> agents;
    std::vector<WireRun> runs;       // agent fields are indexes into `agents`
    std::vector<DeleteRange> deletes;
};

/// Reads an update (format in documentencoding.cpp); empty if malformed or over a limit.
std::optional<ParsedUpdate> parseUpdate(const QByteArray &bytes);

struct Arrival
{
    quint32 agent = 0;
    quint32 seq = 0;
    quint32 length = 0;
};

class DocumentPrivate
{
public:
    static constexpr std::size_t kMaxRuns = 64;

    explicit DocumentPrivate(AgentId self);

    // Agents
    quint32 agentFor(AgentId id);
    bool knows(Ref ref) const;

    // Navigation
    qsizetype chunkStart(int chunk);
    int chunkContaining(qsizetype position);
    /// Every change of a chunk's visible length goes through here, to keep the sums.
    void addVisible(int chunk, qsizetype delta);
    /// After chunks were inserted or replaced from `fromChunk` on: the sums from there are
    /// rebuilt on the next lookup that needs them.
    void chunksChanged(int fromChunk) { sumsFresh = std::min(sumsFresh, std::size_t(fromChunk) + 1); }
    void rebuildSums();
    Cursor visibleCursor(qsizetype position);
    Cursor locate(Ref ref) const;
    Cursor normalize(Cursor cursor) const;
    bool atEnd(Cursor cursor) const;
    Ref idAt(Cursor cursor) const;
    qsizetype visibleAt(Cursor cursor);
    const Run &runAt(Cursor cursor) const { return chunks[cursor.chunk]->runs[cursor.run]; }

    // Mutation
    void splitRun(Chunk &chunk, int run, quint32 offset);
    void tryMerge(Chunk &chunk, int run);
    void splitChunkIfFull(int chunk);
    void setLocation(quint32 agent, quint32 seq, quint32 end, Chunk *chunk);
    void indexAppend(const Run &run, Chunk *chunk);
    void insertRun(Cursor at, const Run &run);
    Cursor findInsertPosition(const Run &run);
    void deleteRange(quint32 agent, quint32 seq, quint32 end, QString *removedText);
    /// A remote delete of known characters, grown to whole surrogate pairs.
    void remoteDelete(quint32 agent, quint32 seq, quint32 end);

    // Local edits
    void localInsert(qsizetype position, QStringView text);
    void localRemove(qsizetype position, qsizetype length);
    void begin() { ++txnDepth; }
    QByteArray commit();

    // Remote updates
    enum class Integration { Done, Wait };
    Integration tryIntegrate(WireRun &run);
    void integrate(const WireRun &run);
    void applyPendingDeletes(quint32 agent);
    void addChange(qsizetype position, qsizetype removed, const QString &inserted);
    void retryPending();

    // Encoding
    QByteArray encodeUpdate(const std::vector<WireRun> &runs, std::vector<DeleteRange> deletes) const;
    std::vector<DeleteRange> deleteSet() const;
    static void appendWireRun(std::vector<WireRun> &runs, WireRun run);

    QString text() const;
    Anchor anchorAt(qsizetype position, Anchor::Side side);
    qsizetype resolve(const Anchor &anchor);
    /// Visible (position, length) spans of the agent's characters [seq, end).
    QList<std::pair<qsizetype, qsizetype>> visibleSpans(quint32 agent, quint32 seq, quint32 end);

    std::vector<Agent> agents;
    QHash<AgentId, quint32> agentIndex;
    quint32 self = 0;

    std::vector<std::unique_ptr<Chunk>> chunks;
    // A Fenwick tree over the chunks' visible lengths (1-based): an edit anywhere updates
    // log(chunks) sums, so a lookup far below an early edit costs no rebuild of the ones after it.
    std::vector<qsizetype> sums{0};
    std::size_t sumsFresh = 1;      // sums[0, sumsFresh) are up to date; all: chunks.size() + 1
    int hint = 0;                   // the chunk of the last lookup: typing stays near it
    qsizetype hintStart = 0;        // chunkStart(hint), kept up to date without the tree
    qsizetype length = 0;
    qsizetype rawLength = 0;        // every character ever integrated, deleted ones too

    std::vector<Arrival> arrivals;  // causal order in which runs were integrated here

    int txnDepth = 0;
    std::vector<WireRun> txnRuns;
    std::vector<DeleteRange> txnDeletes;

    std::vector<WireRun> pendingRuns;
    std::vector<DeleteRange> pendingDeletes;
    qsizetype pendingUnits = 0;     // characters in pendingRuns

    QList<TextChange> *changes = nullptr; // set while apply() or an undo collects what it changed
    UndoManager *undo = nullptr;
};

} // namespace Cohort::Collab
