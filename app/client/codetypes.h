// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "collabtypes.h"
#include "model.h"
#include "types.h"

#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QString>

#include <optional>

namespace Cohort::Client {

using CodeSessionId = Id<struct CodeSessionIdTag>;
using CodeFileId = Id<struct CodeFileIdTag>;
using CodeCommentId = Id<struct CodeCommentIdTag>;
using CodeVersionId = Id<struct CodeVersionIdTag>;

/// A participant's role in one code session. Viewers are read-only (the server refuses their
/// edits); hosts also change the session's settings, roles and approvals.
enum class CodeRole { Viewer, Editor, Host };
QString codeRoleName(CodeRole role);
std::optional<CodeRole> parseCodeRole(const QString &name);

/// A stable hue (0-359) per user, the same on every client, for remote cursors, selections and
/// avatars; the pane picks saturation and value for its light or dark theme.
int participantHue(UserId user);

/// A code session as code.list / code.join / code.updated describe it (docs/protocol.md,
/// "Code sessions").
struct CodeSessionInfo
{
    CodeSessionId id;
    QString title;
    UserId owner;
    QString ownerName;  // the owner's display name (code.list only; empty elsewhere)
    CourseId courseId;  // invalid: not linked to a course
    RoomId roomId;      // the session's room (kind code), which carries its logged events
    QString visibility; // the protocol's scope: "course" or "private"
    bool hasAccessCode = false;
    QString accessCode; // only sent to hosts
    int maxCollaborators = 0;
    bool locked = false;   // no new joiners
    bool approval = false; // joiners wait for a host's approval
    bool lecture = false;  // viewers follow the lecturer by default
    UserId lecturer;       // whom lecture mode follows (the host who turned it on; else the owner)
    int participantCount = 0;
    qint64 createdAt = 0;
    bool archived = false;  // read-only, its owner's alone (code.archive)
    qint64 archivedAt = 0;
    std::optional<CodeRole> myRole; // the receiving user's role; nullopt: not a participant
    bool pending = false;           // the receiving user waits for approval

    static std::optional<CodeSessionInfo> fromJson(const QJsonObject &json);
    friend bool operator==(const CodeSessionInfo &, const CodeSessionInfo &) = default;
};

/// The server's code limits, as `welcome` announces them (docs/protocol.md, "Code sessions");
/// the defaults are the protocol's, for a server that announces none.
struct CodeLimits
{
    int maxFiles = 200;                 // files per session
    int maxFileLength = 1024 * 1024;    // UTF-16 code units per file
    int maxUpdateBytes = 32 * 1024;     // one doc.update's engine update
    int maxContentLength = 32 * 1024;   // file.create's content
    int maxVersions = 100;              // named versions per session
    int maxSessions = 50;               // open sessions per owner
    int maxStoredSessions = 200;        // sessions per owner, archived and locked ones too
    int joinRetrySeconds = 30;          // after a host declined, before asking again

    /// Reads welcome's `code` object; missing or invalid fields keep their defaults.
    static CodeLimits fromJson(const QJsonObject &json);
    friend bool operator==(const CodeLimits &, const CodeLimits &) = default;
};

/// The settings a host creates a session with (code.create).
struct NewCodeSession
{
    QString title;
    CourseId courseId;                // invalid: a private session
    QString visibility = QStringLiteral("private");
    QString accessCode;               // empty: none
    int maxCollaborators = 30;
    bool approval = false;
    bool lecture = false;
};

/// Changes a host makes to a session (code.update); unset fields stay as they are.
struct CodeSessionChanges
{
    std::optional<QString> title;
    std::optional<bool> locked;
    std::optional<bool> approval;
    std::optional<bool> lecture;
    std::optional<QString> accessCode; // empty string: remove the access code
    std::optional<int> maxCollaborators;
};

/// One file of a session's tree; `path` uses '/' between folders ("src/main.py").
struct CodeFileInfo
{
    CodeFileId id;
    QString path;
    QString language; // a CodeLanguages id ("python", "cpp", ..., "text")

    static std::optional<CodeFileInfo> fromJson(const QJsonObject &json);
    friend bool operator==(const CodeFileInfo &, const CodeFileInfo &) = default;
};

/// One participant of a session and where they are.
struct CodeParticipant
{
    UserInfo user;
    CodeRole role = CodeRole::Viewer;
    bool online = false;  // has the session open on at least one connection
    bool pending = false; // waits for a host's approval (hosts see these)
    CodeFileId fileId;    // the file their cursor is in; invalid: none yet
    int viewportTopLine = 0;

    static std::optional<CodeParticipant> fromJson(const QJsonObject &json);
    friend bool operator==(const CodeParticipant &, const CodeParticipant &) = default;
};

/// Another participant's caret and selection in one file, as engine anchors so they stay on
/// their characters whatever edits arrive (CodeSessionFile::resolve gives positions).
struct CodeCursor
{
    UserId user;
    QString name; // display name
    int hue = 0;  // participantHue(user)
    CodeFileId fileId;
    Collab::Anchor anchor;
    Collab::Anchor head;
    int viewportTopLine = 0;
};

/// A comment or a reply. Thread roots carry the anchors of the commented range; replies have
/// `parentId` set and share their root's range.
struct CodeCommentInfo
{
    CodeCommentId id;
    CodeCommentId parentId; // invalid: a thread root
    CodeFileId fileId;
    UserInfo author;
    QString text;
    Collab::Anchor start; // StickToNext: stays before the first commented character
    Collab::Anchor end;   // StickToPrevious: stays after the last commented character
    bool resolved = false;
    qint64 createdAt = 0;

    bool isThreadRoot() const { return !parentId.isValid(); }
    static std::optional<CodeCommentInfo> fromJson(const QJsonObject &json);
};

/// A named snapshot of every file of a session.
struct CodeVersionInfo
{
    CodeVersionId id;
    QString name;
    UserId author;
    qint64 createdAt = 0;

    static std::optional<CodeVersionInfo> fromJson(const QJsonObject &json);
    friend bool operator==(const CodeVersionInfo &, const CodeVersionInfo &) = default;
};

/// One file of code.export: the pane writes these into a folder or a zip.
struct ExportedFile
{
    QString path;
    QString content;
    friend bool operator==(const ExportedFile &, const ExportedFile &) = default;
};

} // namespace Cohort::Client

Q_DECLARE_METATYPE(Cohort::Client::CodeSessionId)
Q_DECLARE_METATYPE(Cohort::Client::CodeFileId)
Q_DECLARE_METATYPE(Cohort::Client::CodeCommentId)
