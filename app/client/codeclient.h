// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "codetypes.h"
#include "reply.h"

#include <QHash>
#include <QObject>
#include <QSet>

#include <functional>

namespace Cohort::Protocol {
struct Frame;
}

namespace Cohort::Client {

class CodeSession;
class Connection;

/// Collaborative code sessions over one Connection (docs/protocol.md, "Code sessions"):
/// listing and creating sessions, and one CodeSession object per joined session, which holds
/// the files, participants, cursors, comments and the open files' engine replicas.
/// Widget-free: the Code pane shows what this holds and integration tests drive it against a
/// real server.
///
/// How the pane uses it:
///   CodeSession *s = client->join(id, accessCode);       // state Joining
///   connect(s, &CodeSession::stateChanged, ...);          // Joined / Pending / Refused
///   CodeSessionFile *f = s->openFile(fileId);             // loads the file's state
///   connect(f, &CodeSessionFile::loaded, ...)             -> editor->setDocument(f->replica())
///   connect(editor, &CollabEditor::localUpdate, f, &CodeSessionFile::applyLocalUpdate);
///   connect(f, &CodeSessionFile::remoteUpdate, ...)       -> editor->applyRemote(update)
///   connect(f, &CodeSessionFile::reloaded, ...)           -> editor->setDocument(f->replica())
///
/// After a reconnect the Connection signs in again; every joined session is joined again and
/// every open file re-synchronised (see CodeSessionFile), with no action from the pane.
class CodeClient : public QObject
{
    Q_OBJECT
public:
    /// Sends one request by its wire name; the default looks the op up in Protocol and sends it
    /// through the Connection.
    using Requester = std::function<void(const QString &op, const QJsonObject &data, QObject *context, ReplyCallback done)>;

    explicit CodeClient(Connection *connection, QObject *parent = nullptr);
    ~CodeClient() override;

    Connection *connection() const { return m_connection; }
    UserId me() const;
    /// Whether the server announced the "code" capability (false before the first welcome).
    bool isAvailable() const;
    /// For tests: replaces how requests reach the server.
    void setRequester(Requester requester) { m_requester = std::move(requester); }
    /// Minimum interval between two cursor messages of one file (default 100 ms). Cursors and
    /// edits share the connection's request budget (30 per second), so both are paced.
    void setCursorInterval(int ms) { m_cursorIntervalMs = ms; }
    int cursorInterval() const { return m_cursorIntervalMs; }
    /// doc.update requests of one file: each keystroke goes out at once (after the previous
    /// update was acknowledged; edits made meanwhile go together) for a burst of UpdateBurst,
    /// and a key held down, or a tool typing, is paced to one every UpdateIntervalMs: with the
    /// cursors, within the connection's request budget.
    static constexpr int UpdateIntervalMs = 50;
    static constexpr int UpdateBurst = 10;

    /// The server's code limits (welcome's `code` object; the protocol's defaults until a
    /// server announced them). Large pastes are split under maxUpdateBytes.
    CodeLimits limits() const { return m_limits; }
    void setLimits(const CodeLimits &limits) { m_limits = limits; }

    /// The sessions this user may see (code.list), newest first, one page of them; `course`
    /// invalid: all of them. With `withArchived`, also the archived sessions the user owns (an
    /// admin: everyone's). `before` (a session id, 0: from the newest) asks for the page after
    /// the one that ended there; the reply's `hasMore` says whether older ones follow.
    void listSessions(CourseId course, QObject *context,
                      std::function<void(const Reply &, const QList<CodeSessionInfo> &)> done,
                      bool withArchived = false, qint64 before = 0);
    /// Creates a session (the creator is its host); does not join it. At the owner's limits it
    /// fails with conflict: isStoredSessionsLimit() tells the stored-sessions limit (delete
    /// archived sessions) from the open-session quota (archive or lock one).
    void createSession(const NewCodeSession &settings, QObject *context,
                       std::function<void(const Reply &, const std::optional<CodeSessionInfo> &)> done);
    /// Whether a refused code.create met the limit on all sessions an owner keeps.
    static bool isStoredSessionsLimit(const Reply &reply);
    /// The owner (or an admin) archives a session: read-only and the owner's alone, out of the
    /// lists and the open-session quota, nothing deleted. Needs no join. `done` gets the
    /// session as it is now.
    void archiveSession(CodeSessionId id, QObject *context,
                        std::function<void(const Reply &, const std::optional<CodeSessionInfo> &)> done);
    /// Brings an archived session back (conflict when its owner has no open-session place left).
    void unarchiveSession(CodeSessionId id, QObject *context,
                          std::function<void(const Reply &, const std::optional<CodeSessionInfo> &)> done);
    /// Deletes an archived session with its files, comments and versions for good.
    void deleteSession(CodeSessionId id, QObject *context, ReplyCallback done);

    /// Joins the session, or returns the session object already joined or joining. The object
    /// starts in state Joining and is owned by the client; it stays until leave() (also when
    /// refused, so the pane can show why; join() again retries with the same object).
    CodeSession *join(CodeSessionId id, const QString &accessCode = QString());
    /// Leaves the session (code.leave) and deletes its object later (deleteLater).
    void leave(CodeSession *session);
    CodeSession *session(CodeSessionId id) const { return m_sessions.value(id); }

    /// How many files (of any session) have changes only on this computer: edits the server
    /// has not acknowledged yet and texts it refused, kept for the user. Writes the open
    /// files' unsent edits to the local cache first. Signing out deletes them with the cache.
    int filesWithChangesNotOnServer();
    /// The sessions (joined or not) with edits kept on this computer: not sent yet, or (with
    /// `refused`) refused by the server and waiting for the user to save them.
    QSet<CodeSessionId> sessionsWithKeptChanges(bool refused) const;
    QList<CodeSession *> sessions() const { return m_sessions.values(); }

Q_SIGNALS:
    /// The server's "code" capability appeared or went away (after a welcome).
    void availabilityChanged(bool available);
    /// A session object was created by join() (the pane may bind to it before it is Joined).
    void sessionAdded(Cohort::Client::CodeSession *session);
    void sessionRemoved(Cohort::Client::CodeSessionId id);

private:
    friend class CodeSession;
    friend class CodeSessionFile;

    void request(const QString &op, const QJsonObject &data, QObject *context, ReplyCallback done);
    void requestSession(const QString &op, CodeSessionId id, QObject *context,
                        std::function<void(const Reply &, const std::optional<CodeSessionInfo> &)> done);
    void onEvent(const Protocol::Frame &frame);
    void onSignedIn();
    void onConnectionStateChanged();
    /// The account that joined the sessions signed out: their unsent edits are kept in its
    /// cache and the sessions end here, so another account never sends them.
    void onSignedOut();
    /// Forgets the session object without telling the server (it is not ours to tell any more).
    void drop(CodeSession *session);
    CodeSession *sessionForEvent(const Protocol::Frame &frame) const;

    Connection *m_connection;
    Requester m_requester;
    int m_cursorIntervalMs = 100;
    bool m_available = false;
    CodeLimits m_limits;
    QHash<CodeSessionId, CodeSession *> m_sessions;
};

} // namespace Cohort::Client
