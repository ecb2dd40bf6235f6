// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

namespace Cohort::Collab {

/// A replica's session id ("client id" in Yjs terms): 32 random bits (non-zero), chosen once
/// per opened document by Document::randomAgent(); the type leaves room for ids a server hands
/// out. The wire carries it as a varint. Every character a replica inserts is named
/// (agent, seq) with seq counting up from 0, so two replicas that share an agent id would
/// give different characters the same name. That is a protocol error which the server
/// guards (it hands out agent ids or refuses a second session with a used one); the engine
/// keeps the first version of an id it sees and drops later duplicates.
using AgentId = quint64;

/// One index-based edit, in UTF-16 code units (QString indices): remove `removed` units at
/// `position`, then insert `inserted` there. A list of them is applied in order.
struct TextChange
{
    qsizetype position = 0;
    qsizetype removed = 0;
    QString inserted;

    friend bool operator==(const TextChange &, const TextChange &) = default;
};

/// What Document::apply did with one update.
struct ApplyResult
{
    enum class Status {
        Applied,   ///< valid; whatever could be integrated was (the rest is buffered)
        Malformed, ///< rejected: undecodable, over a limit, or hostile; the document is unchanged
    };
    Status status = Status::Applied;
    /// The visible edits the update caused, in order, to patch an editor's text with.
    QList<TextChange> changes;

    bool ok() const { return status == Status::Applied; }
};

/// What an update carries, read without applying it: for the server's checks that a client
/// inserts only under its own agent id (anything else must be characters the server already
/// has: `end <= Document::clock(agent)`) and stays within a quota.
struct UpdateSummary
{
    struct Insert
    {
        AgentId agent = 0;
        quint32 end = 0; ///< one past the highest seq of this agent in the update
        friend bool operator==(const Insert &, const Insert &) = default;
    };
    QList<Insert> inserts;       ///< one entry per agent with characters in the update
    /// Every agent the update names: its inserts', their origins' and its deletes' agents.
    /// Applying it adds each to the document's agent table, which holds at most 65,536.
    QList<AgentId> agents;
    qsizetype insertedLength = 0; ///< characters, deleted ones included
    qsizetype deletedLength = 0;  ///< characters named by the delete set
};

/// A position that moves with the text: bound to one character and a side of it, so remote
/// inserts and deletes elsewhere do not move it relative to its neighbours.
/// - StickToPrevious: right after the character before the position (a cursor after typing;
///   the end of a comment range). Text inserted exactly here goes after the anchor.
/// - StickToNext: right before the character at the position (the start of a comment range).
///   Text inserted exactly here goes before the anchor.
/// If the character is deleted, the anchor resolves to where it was (between its surviving
/// neighbours). An anchor with no character is the document start (StickToPrevious) or end
/// (StickToNext).
struct Anchor
{
    enum class Side : quint8 { StickToPrevious, StickToNext };

    Side side = Side::StickToPrevious;
    std::optional<AgentId> agent; ///< empty: the document start or end
    quint32 seq = 0;

    /// A compact byte form for storing comment anchors (14 bytes at most).
    QByteArray toBytes() const;
    static std::optional<Anchor> fromBytes(const QByteArray &bytes);

    friend bool operator==(const Anchor &, const Anchor &) = default;
};

} // namespace Cohort::Collab
