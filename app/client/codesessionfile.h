// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "codetypes.h"
#include "document.h"
#include "ratelimiter.h"
#include "reply.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <optional>
#include <vector>

namespace Cohort::Client {

class CodeSession;

/// One open file of a joined session: the client's replica of its engine Document, kept in
/// step with the server, and the local cursor sent to the others.
///
/// Two ways to edit:
/// - with an editor (the pane): the CollabEditor holds its own replica, made by replica() with
///   this file's agent id; its localUpdate() goes to applyLocalUpdate(), and remoteUpdate()
///   goes to its applyRemote(). While an editor is attached, do not call insert()/remove():
///   both would name new characters with the same agent id.
/// - without an editor (tests, tools): insert() / remove().
///
/// Local edits are applied to the replica at once and sent as doc.update without waiting for
/// anything: typing never blocks on the network. An update over the server's maxUpdateBytes
/// (a redo of a large paste, a replace-all) is split into several that fit
/// (Collab::Document::split). If the link drops, edits keep going into the
/// replica; after the reconnect the file is re-synchronised: file.open with the replica's
/// version fetches what the server has that we lack (applied and emitted as remoteUpdate()),
/// and the diff against the server's version sends everything it lacks (the offline edits),
/// so minutes of offline work merge. The same happens when a doc.update is lost.
///
/// Unsent edits outlive the app: while local edits wait for the server's acknowledgement they
/// are kept in the account's LocalCache (the replica's state and one update with every
/// unacknowledged edit), written at most every KeepDelayMs while typing, at once when the file
/// goes Offline and when the session is left or the client destroyed; the row goes when the
/// server acknowledged everything. A quick server acknowledges before anything is written. The
/// next first file.open of that file (a later run too) merges them into the server's state and
/// sends what the server lacks; CodeSession opens such files by itself after joining.
///
/// If the server refuses an edit (forbidden for a viewer or after the role was taken away,
/// conflict for an archived session, bad_request, too_large, not_found), the text the user had
/// is kept first (CodeSession::refusedEdits(), for "Save a copy"), then the local replica is
/// replaced by the server's state: editRefused() and then reloaded() (the pane sets the
/// editor's document again from replica()). Any other failure (internal, rate_limited, ...) keeps the edits and retries.
class CodeSessionFile : public QObject
{
    Q_OBJECT
public:
    enum class SyncState {
        Loading,  // the first file.open is on its way
        Synced,   // every local edit was acknowledged by the server
        Sending,  // local edits on their way
        Offline,  // not connected, or a resync is on its way: edits wait in the replica
        Failed,   // the file could not be opened (see failure()); openFile() again to retry
    };
    Q_ENUM(SyncState)

    /// How long an unacknowledged edit may wait before it is written to the local cache.
    static constexpr int KeepDelayMs = 400;

    CodeSessionFile(CodeSession *session, const CodeFileInfo &info, QObject *parent = nullptr);
    ~CodeSessionFile() override;

    CodeSession *session() const { return m_session; }
    CodeFileId id() const { return m_info.id; }
    CodeFileInfo info() const { return m_info; }
    SyncState syncState() const { return m_syncState; }
    bool isLoaded() const { return m_loaded; }
    /// The reply that made the file Failed.
    const Reply &failure() const { return m_failure; }

    // The replica
    const Collab::Document &document() const { return m_document; }
    QString text() const { return cachedText(); }
    /// The agent id this client edits the file under (registered with the server on open).
    Collab::AgentId agent() const { return m_document.agent(); }
    /// A copy of the replica for an editor (same agent id, same content).
    Collab::Document replica() const;
    /// Local edits not yet acknowledged by the server (sent or waiting to be sent).
    bool hasUnsentChanges() const { return !m_unacked.isEmpty(); }

    // Local edits
    void insert(qsizetype position, const QString &text);
    void remove(qsizetype position, qsizetype length);
    /// An update made by the editor's replica (CollabEditor::localUpdate).
    void applyLocalUpdate(const QByteArray &update);

    // Positions
    qsizetype resolve(const Collab::Anchor &anchor) const { return m_document.resolve(anchor); }
    /// The line (from 0) of a UTF-16 position of the current text.
    int lineAt(qsizetype position) const;
    /// A comment's current lines (from 0, both included) in this file's text.
    std::pair<int, int> lines(const CodeCommentInfo &comment) const;

    // The local cursor
    /// Sends my selection (anchor, caret as UTF-16 positions) and viewport to the others, at
    /// most every CodeClient::cursorInterval() ms; the latest one always goes out.
    void setLocalSelection(qsizetype anchor, qsizetype head, int viewportTopLine);
    void setLocalSelection(const Collab::Anchor &anchor, const Collab::Anchor &head, int viewportTopLine);

Q_SIGNALS:
    /// The server's state arrived for the first time; replica() has it.
    void loaded();
    /// The replica was replaced (a refused edit rolled back, or the server could not merge):
    /// the editor takes replica() again.
    void reloaded();
    /// Another replica's edit was applied here (or a resync brought missed edits): `update`
    /// goes to the editor's applyRemote(); `changes` are the visible edits it made.
    void remoteUpdate(const QByteArray &update, const QList<Cohort::Collab::TextChange> &changes);
    /// The text changed, by anyone (after the replica changed).
    void textChanged();
    void syncStateChanged(Cohort::Client::CodeSessionFile::SyncState state);
    /// The server refused a local edit (e.g. forbidden for a viewer); reloaded() follows.
    void editRefused(const Cohort::Client::Reply &reply);
    void infoChanged();

private:
    friend class CodeSession;
    friend class CodeClient;

    /// A local update the server has not acknowledged yet.
    struct LocalUpdate
    {
        QByteArray update;
        quint32 clockBefore = 0; // clock(agent()) before the edit
        qint64 madeAt = 0;       // m_age.elapsed() when it was made
    };
    struct LocalCursor
    {
        Collab::Anchor anchor;
        Collab::Anchor head;
        int topLine = 0;
    };

    void open();
    void onOpened(const Reply &reply, bool full);
    void resync();
    void onRemoteUpdate(const QByteArray &update);
    void applyRemote(const QByteArray &update);
    void recordLocal(const QByteArray &update, quint32 clockBefore);
    void scheduleFlush();
    /// Flushes if the update budget allows it now, else when it will.
    void flushWithinBudget();
    void flush();
    void onUpdateReply(const Reply &reply, qsizetype count, quint64 generation);
    void reloadFromServer();
    void sendCursor();
    void updateSyncState();
    void setInfo(const CodeFileInfo &info);
    void connectionLost();
    /// Writes the unacknowledged edits to the local cache now (or removes them when none).
    void keepUnsent();
    /// Forgets the kept edits (acknowledged, or refused and kept as RefusedEdits instead).
    void forgetKept();
    /// The server will never take the unsent edits (kept as RefusedEdits): they are dropped.
    void dropUnsent();
    void scheduleKeep();
    void onKeepTimer();
    /// After the first state arrived: merges edits kept by an earlier run and sends them.
    void restoreKept();
    bool isOnline() const;
    bool canSend() const;
    const QString &cachedText() const;

    CodeSession *m_session;
    CodeFileInfo m_info;
    Collab::Document m_document;
    SyncState m_syncState = SyncState::Loading;
    Reply m_failure;
    bool m_loaded = false;
    bool m_opening = false;        // a file.open is on its way
    bool m_needsFullState = true;  // the next file.open asks for the whole state
    quint64 m_generation = 0;      // replies of requests sent before a reload or reconnect are ignored
    QList<QByteArray> m_early;     // remote updates that arrived before the first state

    QList<LocalUpdate> m_unacked;  // oldest first; the first m_inFlight are on their way
    qsizetype m_inFlight = 0;
    RateLimiter m_updateBudget; // doc.update requests, by m_age
    QTimer m_flushTimer;
    int m_retryDelayMs = 0; // after a failure the server may not repeat; 0 after a success
    QElapsedTimer m_age;    // the clock of LocalUpdate::madeAt
    QTimer m_keepTimer;
    bool m_kept = false;    // the local cache holds unsent edits of this file

    std::optional<LocalCursor> m_cursor; // the latest selection, sent or not
    bool m_cursorDirty = false;
    QElapsedTimer m_cursorSent;
    QTimer m_cursorTimer;

    mutable QString m_text; // the replica's text, computed again after a change
    mutable bool m_textValid = false;
    mutable std::vector<qsizetype> m_lineStarts; // of m_text; empty: not computed yet
};

} // namespace Cohort::Client
