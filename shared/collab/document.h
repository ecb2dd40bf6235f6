// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "collabtypes.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringView>

#include <memory>
#include <optional>

namespace Cohort::Collab {

class DocumentPrivate;
class UndoManager;

/// One replica of a collaboratively edited plain-text document: a sequence CRDT in the
/// YATA/Yjs family (the "YjsMod" ordering rule, equivalent to FugueMax), with run-length
/// items. docs/architecture.md ("Collaborative editing engine") explains the algorithm, the
/// data structure and the byte layouts of the encodings.
///
/// Every position and length counts UTF-16 code units, like QString. A local insert or
/// remove never splits a surrogate pair (positions inside a pair move to after it, a remove
/// range grows to whole pairs), lone surrogates in inserted text become U+FFFD, a remote
/// insert whose left origin is a high surrogate is dropped as hostile and a remote delete of
/// half a pair deletes both halves, so no replica ever shows a split pair.
///
/// Local edits return an update (a QByteArray) to send to the other replicas; apply() takes
/// theirs in any order, any number of times. Movable, not copyable (a moved-from Document may
/// only be assigned to or destroyed). Not thread-safe; no I/O.
class Document
{
public:
    /// A fresh random agent id for a new editing session (never reuse one across replicas).
    static AgentId randomAgent();

    explicit Document(AgentId agent);
    Document(Document &&) noexcept;
    Document &operator=(Document &&) noexcept;
    ~Document();

    AgentId agent() const;
    QString text() const;
    qsizetype length() const;

    /// Local edits. Each returns the encoded update, or an empty array inside a transaction
    /// (commitTransaction() returns the transaction's single update). Out-of-range positions
    /// are clamped to the document. A document that has seen 2^25 characters (deleted ones
    /// included) is full and ignores further inserts.
    QByteArray insert(qsizetype position, QStringView text);
    QByteArray remove(qsizetype position, qsizetype length);

    /// Several local edits that become one update. Transactions nest; the outermost commit
    /// returns the update (empty if nothing changed).
    void beginTransaction();
    QByteArray commitTransaction();
    bool inTransaction() const;

    /// A remote update (from insert/remove/commitTransaction/encodeDiff/encodeState of
    /// another replica). Idempotent; parts whose causal dependencies have not arrived yet
    /// are buffered (up to a limit) and integrated when they do.
    ApplyResult apply(const QByteArray &update);
    /// Characters received but waiting for dependencies.
    qsizetype pendingLength() const;

    /// The encoded state vector (agent -> number of characters known).
    QByteArray version() const;
    /// The number of characters known from `agent` (its next seq).
    quint32 clock(AgentId agent) const;
    /// Reads an update without applying it; empty if it is malformed.
    static std::optional<UpdateSummary> summarize(const QByteArray &update);
    /// The update cut into several of at most `maxBytes` bytes each which, applied in order,
    /// do what it does: long runs are cut between characters (never inside a surrogate pair),
    /// deletes of characters the update does not insert come first (a replace-all shrinks the
    /// text before the new text arrives), the others last. An update that fits is returned
    /// as it is; empty if it is malformed or `maxBytes` leaves no room for one character.
    static QList<QByteArray> split(const QByteArray &update, qsizetype maxBytes);
    /// Everything a replica at `remoteVersion` lacks, as one update: the characters it has
    /// not seen, in causal order, plus the whole delete set. An empty array stands for an
    /// empty replica; a malformed version gives an empty result.
    QByteArray encodeDiff(const QByteArray &remoteVersion) const;
    /// The whole document, compact: the item sequence in document order, the visible text
    /// once, no deleted text. decode() reloads it (a replica that already has content
    /// merges another one with encodeDiff()/apply() instead). Buffered parts are not included:
    /// they are not in version() either, so the next sync fetches them.
    QByteArray encodeState() const;
    /// A replica with `agent` as its own id and the state encoded by encodeState();
    /// empty if the bytes are malformed. Pass a fresh randomAgent() unless the replica that
    /// wrote the state is reloading it and will not edit under that id anywhere else.
    static std::optional<Document> decode(AgentId agent, const QByteArray &state);

    /// Position mapping for cursors, selections and comments.
    Anchor anchorAt(qsizetype position, Anchor::Side side) const;
    /// The anchor's current index; an anchor naming a character this replica does not know
    /// resolves to the document end.
    qsizetype resolve(const Anchor &anchor) const;

private:
    friend class UndoManager;
    std::unique_ptr<DocumentPrivate> d;
};

} // namespace Cohort::Collab
