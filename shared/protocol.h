// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include <QString>
#include <QStringList>

/// The wire protocol's fixed vocabulary. Every list here is append-only: never insert, reorder
/// or remove an entry once it has shipped, because third-party clients depend on the names.
/// docs/protocol.md documents each entry and changes in the same commit.
namespace Cohort::Protocol {

/// The protocol version this build speaks. A client sends it in `hello`.
inline constexpr int Version = 1;
/// The oldest client version this server still accepts.
inline constexpr int MinimumVersion = 1;

/// Capabilities a peer may announce in `hello` / `welcome`.
inline const QString CapabilityResume = QStringLiteral("resume");
inline const QString CapabilityIdempotency = QStringLiteral("idempotency");
/// Rooms of every kind, threads, edits, reactions, read state, typing, presence (issue 3).
inline const QString CapabilityChat = QStringLiteral("chat");
/// Collaborative code sessions: files, engine updates, cursors, comments, versions (issue 4).
inline const QString CapabilityCode = QStringLiteral("code");
/// Chat attachments uploaded and downloaded in chunks over this WebSocket (issue 3).
inline const QString CapabilityAttachments = QStringLiteral("attachments");
QStringList serverCapabilities();

/// Request operations (the `op` of a request frame).
enum class Op {
    AuthSignIn,
    AuthToken,
    AuthSignUp,
    AuthSignOut,
    AuthChangePassword,
    AuthSetup,
    TimeSync,
    CourseCreate,
    CourseList,
    CourseJoin,
    CourseMembers,
    CourseEnroll,
    RoomList,
    RoomJoin,
    RoomLeave,
    MessageSend,
    MessageHistory,
    MessageEdit,
    MessageDelete,
    MessageReact,
    RoomRead,
    RoomReceipts,
    Typing,
    PresenceSet,
    PresenceGet,
    RoomCreate,
    RoomDirect,
    RoomUpdate,
    RoomMembers,
    RoomAddMembers,
    RoomRemoveMember,
    RoomSetRole,
    RoomPrefs,
    StudyBrowse,
    StudyJoin,
    MessageSearch,
    AttachmentUpload,
    AttachmentChunk,
    AttachmentDownload,
    CodeCreate,
    CodeList,
    CodeJoin,
    CodeLeave,
    CodeUpdate,
    CodeSetRole,
    CodeApprove,
    FileCreate,
    FileRename,
    FileDelete,
    FileOpen,
    DocUpdate,
    Cursor,
    CommentAdd,
    CommentReply,
    CommentResolve,
    CommentList,
    VersionCreate,
    VersionList,
    VersionRestore,
    CodeExport,
    AttachmentCancel,
    CodeRemove,
    VersionDelete,
    CodeArchive,
    CodeUnarchive,
    CodeDelete,
};

QString opName(Op op);
bool parseOp(const QString &name, Op *op);
/// Ops a connection may send before it has signed in.
bool isAnonymousOp(Op op);
/// Ops that write and therefore take a client-generated `clientId` for idempotency.
bool isWriteOp(Op op);

/// Stable error codes carried by error frames.
enum class ErrorCode {
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    Conflict,
    RateLimited,
    TooLarge,
    UnsupportedVersion,
    Internal,
    Unavailable,
};

QString errorCodeName(ErrorCode code);
bool parseErrorCode(const QString &name, ErrorCode *code);

/// `details.reason` of an error frame: tells refusals with the same code apart, e.g. which
/// code-session limit a `conflict` hit (docs/protocol.md, Errors and code.create).
inline const QString KeyReason = QStringLiteral("reason");
inline const QString ReasonStoredLimit = QStringLiteral("stored_limit");
inline const QString ReasonOpenLimit = QStringLiteral("open_limit");
/// code.join's refusals (docs/protocol.md, code.join): the client tells the user which.
/// `not_found` covers a session that never existed, was deleted, or that the user may not see
/// (private, another course): the server does not say which, so that ids reveal nothing.
inline const QString ReasonNotFound = QStringLiteral("not_found");
inline const QString ReasonAccessCode = QStringLiteral("access_code");
inline const QString ReasonAccessCodeAttempts = QStringLiteral("access_code_attempts");
inline const QString ReasonArchived = QStringLiteral("archived");
inline const QString ReasonLocked = QStringLiteral("locked");
inline const QString ReasonFull = QStringLiteral("full");
inline const QString ReasonDeclined = QStringLiteral("declined");
inline const QString ReasonApprovalQueueFull = QStringLiteral("approval_queue_full");
inline const QString ReasonAgentLimit = QStringLiteral("agent_limit");
inline const QString ReasonAgentTaken = QStringLiteral("agent_taken");
/// Most members an error frame's `details` may have; the frame size bounds their values.
inline constexpr int MaxErrorDetails = 16;

/// Server-to-client event names (the `event` of an event frame).
inline const QString EventMessageCreated = QStringLiteral("message.created");
inline const QString EventMemberJoined = QStringLiteral("member.joined");
inline const QString EventMemberLeft = QStringLiteral("member.left");
inline const QString EventMessageEdited = QStringLiteral("message.edited");
inline const QString EventMessageDeleted = QStringLiteral("message.deleted");
inline const QString EventReactionChanged = QStringLiteral("reaction.changed");
inline const QString EventRoomUpdated = QStringLiteral("room.updated");
/// A member's role in a group or study room changed (room.setRole, an owner leaving).
inline const QString EventMemberRole = QStringLiteral("member.role");
/// Ephemeral events: never stored, never replayed, no `seq` even when they carry a `room`.
inline const QString EventTyping = QStringLiteral("typing");
inline const QString EventPresence = QStringLiteral("presence");
inline const QString EventReadUpdated = QStringLiteral("read.updated");
inline const QString EventRoomPrefs = QStringLiteral("room.prefs");
inline const QString EventRoomAdded = QStringLiteral("room.added");
inline const QString EventRoomRemoved = QStringLiteral("room.removed");
/// Code sessions: logged in the session's room.
inline const QString EventCodeUpdated = QStringLiteral("code.updated");
inline const QString EventParticipantJoined = QStringLiteral("participant.joined");
inline const QString EventParticipantRole = QStringLiteral("participant.role");
inline const QString EventFileCreated = QStringLiteral("file.created");
inline const QString EventFileRenamed = QStringLiteral("file.renamed");
inline const QString EventFileDeleted = QStringLiteral("file.deleted");
inline const QString EventCommentAdded = QStringLiteral("comment.added");
inline const QString EventCommentResolved = QStringLiteral("comment.resolved");
inline const QString EventVersionCreated = QStringLiteral("version.created");
inline const QString EventVersionRestored = QStringLiteral("version.restored");
inline const QString EventVersionDeleted = QStringLiteral("version.deleted");
/// Code sessions, ephemeral.
inline const QString EventDocUpdate = QStringLiteral("doc.update");
inline const QString EventCursor = QStringLiteral("cursor");
inline const QString EventParticipantOnline = QStringLiteral("participant.online");
inline const QString EventCodeJoinRequest = QStringLiteral("code.joinRequest");
inline const QString EventCodeApproved = QStringLiteral("code.approved");
inline const QString EventCodeDenied = QStringLiteral("code.denied");
/// A host removed a participant: logged for everyone, and told to the removed user's connections.
inline const QString EventParticipantRemoved = QStringLiteral("participant.removed");
inline const QString EventCodeRemoved = QStringLiteral("code.removed");
/// The owner or an admin archived, unarchived or deleted a session (logged in its room).
inline const QString EventCodeArchived = QStringLiteral("code.archived");
inline const QString EventCodeUnarchived = QStringLiteral("code.unarchived");
inline const QString EventCodeDeleted = QStringLiteral("code.deleted");
bool isEphemeralEvent(const QString &name);

/// WebSocket close codes the server uses besides the standard 1000 / 1001 / 1009.
enum CloseCode : quint16 {
    CloseProtocolError = 4000,
    CloseUnsupportedVersion = 4001,
    CloseHandshakeTimeout = 4002,
    CloseSlowConsumer = 4003,
    CloseTooManyConnections = 4004,
    CloseSessionRevoked = 4005,
    CloseHeartbeatTimeout = 4006,
};

/// Defaults for limits; the server's configuration may change them and announces them in `welcome`.
inline constexpr int DefaultMaxFrameBytes = 64 * 1024;
inline constexpr int MaxIdLength = 64;
inline constexpr int MaxClientIdLength = 64;
inline constexpr int MaxMessageTextLength = 16 * 1024;
inline constexpr int MaxHistoryLimit = 100;
inline constexpr int MaxRoomMembersPerRequest = 200;
inline constexpr int MaxAttachmentsPerMessage = 10;
inline constexpr int DefaultMessagesPerMinute = 60;
inline constexpr int TypingExpiresMs = 6000;
/// Code sessions (docs/protocol.md, "Code sessions", Limits).
inline constexpr int MaxCodeFilesPerSession = 200;
/// Most sessions one code.list answers (its `limit`, and the default): a page, never a whole
/// server's archive in one frame.
inline constexpr int MaxCodeListLimit = 200;
inline constexpr int MaxCodeFileLength = 1024 * 1024; // UTF-16 code units
inline constexpr int MaxCodeUpdateBytes = 32 * 1024;  // one engine update, decoded
inline constexpr int MaxCodeContentLength = 32 * 1024;
inline constexpr int MaxCodeCollaborators = 200;
inline constexpr int DefaultCodeCollaborators = 30;
inline constexpr int MaxCodeCommentLength = 4000;
inline constexpr int MaxCodePathLength = 256;

} // namespace Cohort::Protocol
