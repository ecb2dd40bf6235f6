// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "codetypes.h"
#include "reply.h"

#include <QHash>
#include <QObject>
#include <QTimer>

#include <functional>
#include <optional>
#include <utility>

namespace Cohort::Protocol {
struct Frame;
}

namespace Cohort::Client {

class CodeClient;
class CodeCommentModel;
class CodeFileModel;
class CodeParticipantModel;
class CodeSessionFile;
class LocalCache;

/// One joined (or joining) code session: its settings, my role, the file tree, participants
/// with where they are, comments, versions and the open files. Created by CodeClient::join().
///
/// Requests take an optional context and callback; a failure the user caused (forbidden,
/// conflict, ...) is also reported by requestFailed() so the pane can show it in one place.
class CodeSession : public QObject
{
    Q_OBJECT
public:
    enum class State {
        Joining, // the first code.join on its way (a rejoin after a reconnect stays Joined)
        Pending, // the host must approve; joinApproved / Refused(Denied) follow
        Joined,
        Refused, // see refusal()
    };
    Q_ENUM(State)
    /// Why a join was refused, for a clear message in the pane.
    enum class Refusal {
        None,
        AccessCode, // wrong or missing access code
        AccessCodeAttempts, // too many access codes tried: wait refusalReply().retryAfterMs
        Locked,     // the host locked the session
        Full,       // max collaborators reached
        Denied,     // the host denied the approval (or did lately: wait refusalReply().retryAfterMs)
        ApprovalQueueFull, // too many people wait for a host already
        Removed,    // a host removed me; joining again waits for a host
        Archived,   // the owner archived the session: it is theirs alone now, read-only
        Forbidden,  // not allowed to see this session (private, other course)
        NotFound,   // no such session (or deleted)
        Other,      // see refusalReply()
    };
    Q_ENUM(Refusal)

    CodeSession(CodeClient *client, CodeSessionId id, QObject *parent = nullptr);
    ~CodeSession() override;

    CodeSessionId id() const { return m_id; }
    /// The engine agent id this device edits under (0 before the first join): one per session
    /// and device, kept in the account's local cache across openings and restarts.
    quint64 agent() const { return m_agent; }
    CodeClient *client() const { return m_client; }
    State state() const { return m_state; }
    Refusal refusal() const { return m_refusal; }
    /// The server's answer that caused the refusal (also for Refusal::Other).
    const Reply &refusalReply() const { return m_refusalReply; }
    /// Which refusal a failed code.join reply is: by its `details.reason`, else by its code
    /// alone (a server that sends no reason, or one this client does not know).
    static Refusal joinRefusal(const Reply &reply);
    CodeSessionInfo info() const { return m_info; }

    // My role
    CodeRole myRole() const { return m_myRole; }
    bool canEdit() const { return m_state == State::Joined && m_myRole != CodeRole::Viewer && !m_info.archived; }
    /// Archived: read-only for its owner (the only one still in it) until it is unarchived.
    bool isArchived() const { return m_info.archived; }
    bool isHost() const { return m_myRole == CodeRole::Host; }
    /// Joined, and code.join is on its way again after a reconnect: edits wait in the replicas.
    bool isRejoining() const { return m_state == State::Joined && (m_joinInFlight || m_joinRetry.isActive()); }

    // Models for the pane (owned by the session)
    CodeFileModel *files() const { return m_files; }
    CodeParticipantModel *participants() const { return m_participants; }
    CodeCommentModel *comments() const { return m_comments; }

    // Host: settings, roles, approvals
    void update(const CodeSessionChanges &changes, QObject *context = nullptr, ReplyCallback done = {});
    /// "Pass the pen" in lecture mode = setRole(student, Editor), and back to Viewer.
    void setRole(UserId user, CodeRole role, QObject *context = nullptr, ReplyCallback done = {});
    void approve(UserId user, bool allow, QObject *context = nullptr, ReplyCallback done = {});
    /// Removes a viewer or editor from the session (code.remove, hosts): their devices leave
    /// it at once and they come back only if a host lets them in again.
    void removeParticipant(UserId user, QObject *context = nullptr, ReplyCallback done = {});
    /// Joiners waiting for approval (hosts only; others get an empty list).
    QList<UserInfo> pendingJoiners() const { return m_pendingJoiners; }

    // Files (hosts and editors)
    /// Creates a file; `content` imports a file's text (one engine update on the server).
    void createFile(const QString &path, const QString &language, const QString &content = QString(),
                    QObject *context = nullptr,
                    std::function<void(const Reply &, const std::optional<CodeFileInfo> &)> done = {});
    void renameFile(CodeFileId file, const QString &path, QObject *context = nullptr, ReplyCallback done = {});
    void deleteFile(CodeFileId file, QObject *context = nullptr, ReplyCallback done = {});

    /// Opens a file: returns its object at once (owned by the session), which emits loaded()
    /// when the server's state arrived. Opening an open file returns the same object.
    CodeSessionFile *openFile(CodeFileId file);
    /// Closes the file's replica and deletes its object later; edits not acknowledged yet are
    /// kept on this computer and sent when the file is opened again (this run or a later one).
    void closeFile(CodeFileId file);
    CodeSessionFile *openedFile(CodeFileId file) const { return m_open.value(file); }
    QList<CodeSessionFile *> openedFiles() const { return m_open.values(); }

    // Presence
    /// Other participants' cursors in a file (not mine), from their cursor events.
    QList<CodeCursor> cursors(CodeFileId file) const;
    /// Who is in which file (the file of their last cursor event); invalid file: none.
    CodeFileId fileOf(UserId user) const;

    // Follow
    /// Follows a participant: followMoved() reports their file and viewport from now on (at
    /// once with the last known place). Following myself or an unknown user stops following.
    void follow(UserId user);
    /// Stops following; in lecture mode a viewer stays unfollowed until lecture mode is turned
    /// on again or follow() is called.
    void stopFollowing();
    /// Whom I follow (explicitly or through lecture mode); invalid: nobody.
    UserId following() const { return m_following; }

    // Comments (participants); positions are UTF-16 positions of the file's current text
    void addComment(CodeFileId file, qsizetype start, qsizetype end, const QString &text,
                    QObject *context = nullptr,
                    std::function<void(const Reply &, const std::optional<CodeCommentInfo> &)> done = {});
    void addComment(CodeFileId file, const Collab::Anchor &start, const Collab::Anchor &end, const QString &text,
                    QObject *context = nullptr,
                    std::function<void(const Reply &, const std::optional<CodeCommentInfo> &)> done = {});
    void reply(CodeCommentId thread, const QString &text, QObject *context = nullptr,
               std::function<void(const Reply &, const std::optional<CodeCommentInfo> &)> done = {});
    void resolve(CodeCommentId thread, bool resolved, QObject *context = nullptr, ReplyCallback done = {});
    /// Loads all comments again (done automatically after every join).
    void refreshComments();

    // Versions (host)
    void createVersion(const QString &name, QObject *context = nullptr,
                       std::function<void(const Reply &, const std::optional<CodeVersionInfo> &)> done = {});
    void listVersions(QObject *context, std::function<void(const Reply &, const QList<CodeVersionInfo> &)> done);
    /// Restores every file to the version; the restore arrives as normal edits (remoteUpdate).
    void restoreVersion(CodeVersionId version, QObject *context = nullptr, ReplyCallback done = {});
    /// Deletes the version for good (the way out of the server's version limit); the live
    /// files stay as they are.
    void deleteVersion(CodeVersionId version, QObject *context = nullptr, ReplyCallback done = {});

    // Export (participants)
    void exportFiles(QObject *context, std::function<void(const Reply &, const QList<ExportedFile> &)> done);

    // Edits the server will never take
    /// A file's text as the user had it when the server refused its unsent edits for good (my
    /// role was taken away, the session archived or deleted, the file deleted, ...), kept for
    /// the user to save elsewhere: the replica itself goes back to the server's text.
    ///
    /// Each refusal is kept on its own (a second one of the same file does not replace the
    /// first), in the account's local cache: they outlive leaving the session and a restart,
    /// and come back when the session is opened again, until the user saves or drops them.
    struct RefusedEdits
    {
        qint64 id = 0;          // the local cache's, or negative when it could not be written
        CodeFileId file;
        QString path;           // the file's path when the edits were refused
        QString text;           // the refused edits included
        Reply reply;            // why: the server's refusal (error and message)
    };
    /// The kept text of `file` of its latest refusal, if any.
    std::optional<RefusedEdits> refusedEdits(CodeFileId file) const;
    /// The kept text with this id, if it is still kept.
    std::optional<RefusedEdits> refusedEditsWithId(qint64 id) const;
    /// Every kept text, also of files deleted meanwhile, oldest first.
    QList<RefusedEdits> allRefusedEdits() const { return m_refused; }
    /// The user saved the kept text or let it go.
    void discardRefusedEdits(qint64 id);

    // Edits not on the server yet
    /// Files whose edits the server has not taken yet: open ones, and those kept on this
    /// computer by an earlier run that are not open (CodeSessionFile, "Unsent edits").
    QList<CodeFileId> filesWithUnsentEdits() const;
    /// Whether unsent and refused edits are kept in the local cache of the user who joined
    /// (they outlive leaving and a restart); false without a cache: in memory only.
    bool keepsChangesOnThisComputer() const { return keptCache() != nullptr; }

Q_SIGNALS:
    void stateChanged(Cohort::Client::CodeSession::State state);
    /// Title, lock, approval, lecture, access code, ... changed (code.updated or a join).
    void infoChanged();
    void myRoleChanged(Cohort::Client::CodeRole role);
    /// Someone's role changed (including mine).
    void roleChanged(Cohort::UserId user, Cohort::Client::CodeRole role);
    void participantJoined(const Cohort::UserInfo &user);
    void participantLeft(Cohort::UserId user);
    /// Hosts: a joiner waits for approval (pendingJoiners() has them all).
    void joinRequested(const Cohort::UserInfo &user);
    void pendingJoinersChanged();
    void fileCreated(const Cohort::Client::CodeFileInfo &file);
    void fileRenamed(const Cohort::Client::CodeFileInfo &file);
    /// The file is gone; its CodeSessionFile (if open) is deleted after this signal.
    void fileDeleted(Cohort::Client::CodeFileId file);
    /// A participant's cursor in `file` moved or appeared (cursors(file) has it).
    void cursorChanged(Cohort::Client::CodeFileId file, Cohort::UserId user);
    /// A participant's cursor left `file` (they switched files or left the session).
    void cursorRemoved(Cohort::Client::CodeFileId file, Cohort::UserId user);
    /// following() changed (follow(), stopFollowing(), lecture mode, the target left).
    void followingChanged(Cohort::UserId user);
    /// The followed participant is in `file` with `topLine` (from 0) at the top of their view:
    /// the pane opens the file and scrolls there.
    void followMoved(Cohort::UserId user, Cohort::Client::CodeFileId file, int topLine);
    /// Comments were added, replied to, resolved or reloaded (comments() has them).
    void commentsChanged();
    void versionCreated(const Cohort::Client::CodeVersionInfo &version);
    void versionRestored(Cohort::Client::CodeVersionId version);
    void versionDeleted(Cohort::Client::CodeVersionId version);
    /// A request of the user failed (not for list requests, whose callbacks get the failure).
    void requestFailed(const Cohort::Client::Reply &reply);
    /// A file's refused edits were kept or discarded (refusedEdits()).
    void refusedEditsChanged(Cohort::Client::CodeFileId file);

private:
    friend class CodeClient;
    friend class CodeSessionFile;

    void sendJoin();
    void onJoinReply(const Reply &reply);
    void setState(State state);
    void refuse(Refusal refusal, const Reply &reply);
    void onSignedIn();
    void onEvent(const Protocol::Frame &frame);
    void onLoggedEvent(const Protocol::Frame &frame);
    /// code.archived, code.unarchived, code.deleted (logged, or told to a waiting connection).
    void onLifecycleEvent(const Protocol::Frame &frame);
    void onCursorEvent(const QJsonObject &data);
    void setFiles(const QList<CodeFileInfo> &files);
    void setInfo(const CodeSessionInfo &info, UserId by = UserId());
    void setMyRole(CodeRole role);
    void updateLectureFollow();
    void setFollowing(UserId user);
    void dropCursorOf(UserId user);
    void removeFile(CodeFileId file);
    /// Keeps the text of `file`, whose unsent edits the server will never take (`reply` says why).
    void keepRefusedEdits(CodeSessionFile *file, const Reply &reply);
    void keepRefusedText(CodeFileId file, const QString &path, const QString &text, const Reply &reply);
    /// The server will never take the unsent edits an earlier run kept of `file`: they become
    /// refused edits (the kept replica's text).
    void refuseKeptEdits(CodeFileId file, const Reply &reply);
    /// Opens every file with edits kept by an earlier run, so they go out; those of files
    /// deleted meanwhile become refused edits. Once per session object, after the first join.
    void sendKeptEdits();
    /// Writes every open file's unsent edits to the local cache (leaving, signing out, quitting).
    void keepUnsentEdits();
    /// Learns whose the session is on this computer (the signed-in user and their cache) and
    /// loads the refused edits kept there. Once, when both are known.
    void adoptOwner();
    /// The local cache of the account this session was joined as; null for any other (after
    /// a sign-out) or without a cache.
    LocalCache *keptCache() const;
    void resyncFiles();
    void request(const QString &op, QJsonObject data, QObject *context, ReplyCallback done, bool reportFailure = true);
    std::optional<std::pair<int, int>> commentLines(const CodeCommentInfo &comment) const;

    CodeClient *m_client;
    CodeSessionId m_id;
    QString m_accessCode;
    State m_state = State::Joining;
    Refusal m_refusal = Refusal::None;
    Reply m_refusalReply;
    CodeSessionInfo m_info;
    CodeRole m_myRole = CodeRole::Viewer;
    quint64 m_agent = 0;     // bound to me by code.join; kept across reconnects
    qint64 m_lastSeq = 0;    // of the session's room: older logged events are duplicates
    bool m_joinInFlight = false;
    QTimer m_joinRetry;     // a join the server could not take this time is asked again
    int m_joinRetryMs = 0;  // the last wait before that, doubled each time
    CodeFileModel *m_files;
    CodeParticipantModel *m_participants;
    CodeCommentModel *m_comments;
    QList<UserInfo> m_pendingJoiners;
    QHash<CodeFileId, CodeSessionFile *> m_open;
    QList<RefusedEdits> m_refused; // oldest first
    qint64 m_unkeptRefusals = 0;   // ids of refused edits the cache could not keep, down from -1
    UserId m_owner;                // who joined it on this computer (adoptOwner())
    QString m_cachePath;           // of their local cache
    bool m_keptSent = false;       // sendKeptEdits() ran
    QHash<UserId, CodeCursor> m_cursors; // one place per user: the file of their last cursor
    UserId m_following;
    bool m_followExplicit = false;   // follow() was called: lecture mode does not override it
    bool m_lectureDismissed = false; // stopFollowing() while lecture mode is on
};

} // namespace Cohort::Client
