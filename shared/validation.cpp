// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "validation.h"

#include <QHash>
#include <QJsonArray>
#include <QStringList>

#include <cmath>
#include <initializer_list>

namespace Cohort::Protocol {

namespace {

enum class Kind { String, Username, Integer, Boolean, StringArray, IdArray, Enum };

struct Field
{
    const char *name;
    Kind kind;
    bool required;
    qint64 min; // string: minimum length; integer: minimum value; array: minimum items
    qint64 max; // string: maximum length; integer: maximum value; array: maximum items
};

/// The strings an Enum field allows, by field name (the same name means the same set in every op).
QStringList enumValues(const char *field)
{
    static const QHash<QString, QStringList> values{
        {QStringLiteral("status"), {QStringLiteral("online"), QStringLiteral("away"), QStringLiteral("dnd")}},
        {QStringLiteral("kind"), {QStringLiteral("group"), QStringLiteral("study"), QStringLiteral("announcement"),
                                  QStringLiteral("live")}},
        {QStringLiteral("visibility"), {QStringLiteral("public"), QStringLiteral("private")}},
        {QStringLiteral("role"), {QStringLiteral("admin"), QStringLiteral("member")}},
        {QStringLiteral("scope"), {QStringLiteral("course"), QStringLiteral("private")}},
        {QStringLiteral("codeRole"), {QStringLiteral("host"), QStringLiteral("editor"), QStringLiteral("viewer")}},
    };
    return values.value(QLatin1String(field));
}

constexpr qint64 MaxSafe = 9007199254740991LL;
constexpr qint64 MaxPassword = 1024;
/// The base64 text of the largest chunk a server announces (1 MiB); the frame limit is tighter.
constexpr qint64 MaxAttachmentChunkText = 4 * 1024 * 1024 / 3 + 4;

using Schema = std::initializer_list<Field>;

Schema schemaFor(Op op)
{
    static const Schema signIn{{"username", Kind::String, true, 1, 64}, {"password", Kind::String, true, 1, MaxPassword}};
    static const Schema token{{"token", Kind::String, true, 16, 128}};
    static const Schema signUp{{"username", Kind::Username, true, 3, 32},
                               {"displayName", Kind::String, true, 1, 80},
                               {"password", Kind::String, true, 8, MaxPassword},
                               {"joinCode", Kind::String, true, 4, 64}};
    static const Schema none{};
    static const Schema changePassword{{"currentPassword", Kind::String, true, 1, MaxPassword},
                                       {"newPassword", Kind::String, true, 8, MaxPassword}};
    static const Schema setup{{"setupToken", Kind::String, true, 16, 128},
                              {"username", Kind::Username, true, 3, 32},
                              {"displayName", Kind::String, true, 1, 80},
                              {"password", Kind::String, true, 8, MaxPassword}};
    static const Schema timeSync{{"clientTime", Kind::Integer, true, 0, MaxSafe}};
    static const Schema courseCreate{{"name", Kind::String, true, 1, 120},
                                     {"clientId", Kind::String, true, 1, MaxClientIdLength}};
    static const Schema courseJoin{{"joinCode", Kind::String, true, 4, 64}};
    static const Schema courseId{{"courseId", Kind::Integer, true, 1, MaxSafe}};
    static const Schema courseEnroll{{"courseId", Kind::Integer, true, 1, MaxSafe},
                                     {"usernames", Kind::StringArray, true, 1, 1000}};
    static const Schema roomJoin{{"roomId", Kind::Integer, true, 1, MaxSafe},
                                 {"since", Kind::Integer, false, 0, MaxSafe}};
    static const Schema roomId{{"roomId", Kind::Integer, true, 1, MaxSafe}};
    static const Schema messageSend{{"roomId", Kind::Integer, true, 1, MaxSafe},
                                    {"clientId", Kind::String, true, 1, MaxClientIdLength},
                                    {"text", Kind::String, true, 0, MaxMessageTextLength},
                                    {"threadRoot", Kind::Integer, false, 1, MaxSafe},
                                    {"attachments", Kind::StringArray, false, 0, MaxAttachmentsPerMessage}};
    static const Schema messageHistory{{"roomId", Kind::Integer, true, 1, MaxSafe},
                                       {"before", Kind::Integer, false, 1, MaxSafe},
                                       {"after", Kind::Integer, false, 0, MaxSafe},
                                       {"around", Kind::Integer, false, 1, MaxSafe},
                                       {"limit", Kind::Integer, false, 1, MaxHistoryLimit},
                                       {"threadRoot", Kind::Integer, false, 1, MaxSafe}};

    static const Schema messageEdit{{"roomId", Kind::Integer, true, 1, MaxSafe},
                                    {"clientId", Kind::String, true, 1, MaxClientIdLength},
                                    {"seq", Kind::Integer, true, 1, MaxSafe},
                                    {"text", Kind::String, true, 1, MaxMessageTextLength}};
    static const Schema messageDelete{{"roomId", Kind::Integer, true, 1, MaxSafe},
                                      {"clientId", Kind::String, true, 1, MaxClientIdLength},
                                      {"seq", Kind::Integer, true, 1, MaxSafe}};
    static const Schema messageReact{{"roomId", Kind::Integer, true, 1, MaxSafe},
                                     {"clientId", Kind::String, true, 1, MaxClientIdLength},
                                     {"seq", Kind::Integer, true, 1, MaxSafe},
                                     {"emoji", Kind::String, true, 1, 32},
                                     {"on", Kind::Boolean, true, 0, 0}};
    static const Schema roomRead{{"roomId", Kind::Integer, true, 1, MaxSafe},
                                 {"seq", Kind::Integer, true, 0, MaxSafe}};
    static const Schema presenceSet{{"status", Kind::Enum, true, 0, 0}};
    static const Schema presenceGet{{"userIds", Kind::IdArray, true, 1, 500}};

    static const Schema roomCreate{{"clientId", Kind::String, true, 1, MaxClientIdLength},
                                   {"kind", Kind::Enum, true, 0, 0},
                                   {"name", Kind::String, true, 1, 100},
                                   {"topic", Kind::String, false, 0, 500},
                                   {"courseId", Kind::Integer, false, 1, MaxSafe},
                                   {"visibility", Kind::Enum, false, 0, 0},
                                   {"memberLimit", Kind::Integer, false, 2, 500},
                                   {"members", Kind::IdArray, false, 0, MaxRoomMembersPerRequest}};
    static const Schema roomDirect{{"userId", Kind::Integer, true, 1, MaxSafe}};
    static const Schema roomUpdate{{"clientId", Kind::String, true, 1, MaxClientIdLength},
                                   {"roomId", Kind::Integer, true, 1, MaxSafe},
                                   {"name", Kind::String, false, 1, 100},
                                   {"topic", Kind::String, false, 0, 500},
                                   {"archived", Kind::Boolean, false, 0, 0}};
    static const Schema roomAddMembers{{"clientId", Kind::String, true, 1, MaxClientIdLength},
                                       {"roomId", Kind::Integer, true, 1, MaxSafe},
                                       {"userIds", Kind::IdArray, true, 1, MaxRoomMembersPerRequest}};
    static const Schema roomRemoveMember{{"clientId", Kind::String, true, 1, MaxClientIdLength},
                                         {"roomId", Kind::Integer, true, 1, MaxSafe},
                                         {"userId", Kind::Integer, true, 1, MaxSafe}};
    static const Schema roomSetRole{{"clientId", Kind::String, true, 1, MaxClientIdLength},
                                    {"roomId", Kind::Integer, true, 1, MaxSafe},
                                    {"userId", Kind::Integer, true, 1, MaxSafe},
                                    {"role", Kind::Enum, true, 0, 0}};
    static const Schema roomPrefs{{"roomId", Kind::Integer, true, 1, MaxSafe},
                                  {"muted", Kind::Boolean, false, 0, 0},
                                  {"pinned", Kind::Boolean, false, 0, 0}};
    static const Schema studyJoin{{"clientId", Kind::String, true, 1, MaxClientIdLength},
                                  {"roomId", Kind::Integer, true, 1, MaxSafe}};

    static const Schema messageSearch{{"query", Kind::String, true, 1, 500},
                                      {"roomId", Kind::Integer, false, 1, MaxSafe},
                                      {"limit", Kind::Integer, false, 1, 100}};

    static const Schema attachmentUpload{{"clientId", Kind::String, true, 1, MaxClientIdLength},
                                         {"roomId", Kind::Integer, true, 1, MaxSafe},
                                         {"name", Kind::String, true, 1, 255},
                                         {"mime", Kind::String, false, 0, 255},
                                         {"size", Kind::Integer, true, 1, MaxSafe},
                                         {"sha256", Kind::String, true, 64, 64}};
    static const Schema attachmentChunk{{"uploadId", Kind::String, true, 1, MaxIdLength},
                                        {"offset", Kind::Integer, true, 0, MaxSafe},
                                        {"data", Kind::String, true, 1, MaxAttachmentChunkText}};
    static const Schema attachmentDownload{{"roomId", Kind::Integer, true, 1, MaxSafe},
                                           {"id", Kind::String, true, 64, 64},
                                           {"offset", Kind::Integer, true, 0, MaxSafe},
                                           {"length", Kind::Integer, false, 1, MaxSafe}};
    static const Schema attachmentCancel{{"uploadId", Kind::String, false, 1, MaxIdLength},
                                         {"clientId", Kind::String, false, 1, MaxClientIdLength}};

    // Code sessions: engine bytes travel base64; an anchor is at most 14 bytes.
    constexpr qint64 MaxUpdateText = (MaxCodeUpdateBytes + 2) / 3 * 4;
    constexpr qint64 MaxAnchorText = 24;
    constexpr qint64 MaxVersionText = 64 * 1024;
    static const Schema codeCreate{{"clientId", Kind::String, true, 1, MaxClientIdLength},
                                   {"title", Kind::String, true, 1, 120},
                                   {"courseId", Kind::Integer, false, 1, MaxSafe},
                                   {"scope", Kind::Enum, false, 0, 0},
                                   {"accessCode", Kind::String, false, 1, 64},
                                   {"maxCollaborators", Kind::Integer, false, 1, MaxCodeCollaborators},
                                   {"approval", Kind::Boolean, false, 0, 0},
                                   {"lecture", Kind::Boolean, false, 0, 0}};
    static const Schema codeList{{"courseId", Kind::Integer, false, 1, MaxSafe},
                                 {"archived", Kind::Boolean, false, 0, 0},
                                 {"before", Kind::Integer, false, 1, MaxSafe},
                                 {"limit", Kind::Integer, false, 1, MaxCodeListLimit}};
    static const Schema codeJoin{{"sessionId", Kind::Integer, true, 1, MaxSafe},
                                 {"accessCode", Kind::String, false, 1, 64},
                                 {"agent", Kind::Integer, false, 1, 0xFFFFFFFFLL},
                                 {"since", Kind::Integer, false, 0, MaxSafe}};
    static const Schema sessionId{{"sessionId", Kind::Integer, true, 1, MaxSafe}};
    static const Schema codeUpdate{{"clientId", Kind::String, true, 1, MaxClientIdLength},
                                   {"sessionId", Kind::Integer, true, 1, MaxSafe},
                                   {"title", Kind::String, false, 1, 120},
                                   {"accessCode", Kind::String, false, 0, 64},
                                   {"maxCollaborators", Kind::Integer, false, 1, MaxCodeCollaborators},
                                   {"locked", Kind::Boolean, false, 0, 0},
                                   {"approval", Kind::Boolean, false, 0, 0},
                                   {"lecture", Kind::Boolean, false, 0, 0}};
    static const Schema codeSetRole{{"clientId", Kind::String, true, 1, MaxClientIdLength},
                                    {"sessionId", Kind::Integer, true, 1, MaxSafe},
                                    {"userId", Kind::Integer, true, 1, MaxSafe},
                                    {"codeRole", Kind::Enum, true, 0, 0}};
    static const Schema codeRemove{{"clientId", Kind::String, true, 1, MaxClientIdLength},
                                   {"sessionId", Kind::Integer, true, 1, MaxSafe},
                                   {"userId", Kind::Integer, true, 1, MaxSafe}};
    static const Schema codeArchive{{"clientId", Kind::String, true, 1, MaxClientIdLength},
                                    {"sessionId", Kind::Integer, true, 1, MaxSafe}};
    static const Schema codeApprove{{"sessionId", Kind::Integer, true, 1, MaxSafe},
                                    {"userId", Kind::Integer, true, 1, MaxSafe},
                                    {"allow", Kind::Boolean, true, 0, 0}};
    static const Schema fileCreate{{"clientId", Kind::String, true, 1, MaxClientIdLength},
                                   {"sessionId", Kind::Integer, true, 1, MaxSafe},
                                   {"path", Kind::String, true, 1, MaxCodePathLength},
                                   {"language", Kind::String, true, 1, 32},
                                   {"content", Kind::String, false, 0, MaxCodeContentLength}};
    static const Schema fileRename{{"clientId", Kind::String, true, 1, MaxClientIdLength},
                                   {"sessionId", Kind::Integer, true, 1, MaxSafe},
                                   {"fileId", Kind::Integer, true, 1, MaxSafe},
                                   {"path", Kind::String, true, 1, MaxCodePathLength},
                                   {"language", Kind::String, false, 1, 32}};
    static const Schema fileDelete{{"clientId", Kind::String, true, 1, MaxClientIdLength},
                                   {"sessionId", Kind::Integer, true, 1, MaxSafe},
                                   {"fileId", Kind::Integer, true, 1, MaxSafe}};
    static const Schema fileOpen{{"sessionId", Kind::Integer, true, 1, MaxSafe},
                                 {"fileId", Kind::Integer, true, 1, MaxSafe},
                                 {"version", Kind::String, false, 0, MaxVersionText}};
    static const Schema docUpdate{{"sessionId", Kind::Integer, true, 1, MaxSafe},
                                  {"fileId", Kind::Integer, true, 1, MaxSafe},
                                  {"update", Kind::String, true, 1, MaxUpdateText}};
    static const Schema cursor{{"sessionId", Kind::Integer, true, 1, MaxSafe},
                               {"fileId", Kind::Integer, true, 1, MaxSafe},
                               {"anchor", Kind::String, true, 1, MaxAnchorText},
                               {"head", Kind::String, true, 1, MaxAnchorText},
                               {"viewportTopLine", Kind::Integer, false, 0, MaxSafe}};
    static const Schema commentAdd{{"clientId", Kind::String, true, 1, MaxClientIdLength},
                                   {"sessionId", Kind::Integer, true, 1, MaxSafe},
                                   {"fileId", Kind::Integer, true, 1, MaxSafe},
                                   {"anchorStart", Kind::String, true, 1, MaxAnchorText},
                                   {"anchorEnd", Kind::String, true, 1, MaxAnchorText},
                                   {"text", Kind::String, true, 1, MaxCodeCommentLength}};
    static const Schema commentReply{{"clientId", Kind::String, true, 1, MaxClientIdLength},
                                     {"sessionId", Kind::Integer, true, 1, MaxSafe},
                                     {"commentId", Kind::Integer, true, 1, MaxSafe},
                                     {"text", Kind::String, true, 1, MaxCodeCommentLength}};
    static const Schema commentResolve{{"clientId", Kind::String, true, 1, MaxClientIdLength},
                                       {"sessionId", Kind::Integer, true, 1, MaxSafe},
                                       {"commentId", Kind::Integer, true, 1, MaxSafe},
                                       {"resolved", Kind::Boolean, true, 0, 0}};
    static const Schema commentList{{"sessionId", Kind::Integer, true, 1, MaxSafe},
                                    {"fileId", Kind::Integer, false, 1, MaxSafe}};
    static const Schema versionCreate{{"clientId", Kind::String, true, 1, MaxClientIdLength},
                                      {"sessionId", Kind::Integer, true, 1, MaxSafe},
                                      {"name", Kind::String, true, 1, 120}};
    static const Schema versionRestore{{"clientId", Kind::String, true, 1, MaxClientIdLength},
                                       {"sessionId", Kind::Integer, true, 1, MaxSafe},
                                       {"versionId", Kind::Integer, true, 1, MaxSafe}};

    switch (op) {
    case Op::AuthSignIn: return signIn;
    case Op::AuthToken: return token;
    case Op::AuthSignUp: return signUp;
    case Op::AuthSignOut: return none;
    case Op::AuthChangePassword: return changePassword;
    case Op::AuthSetup: return setup;
    case Op::TimeSync: return timeSync;
    case Op::CourseCreate: return courseCreate;
    case Op::CourseList: return none;
    case Op::CourseJoin: return courseJoin;
    case Op::CourseMembers: return courseId;
    case Op::CourseEnroll: return courseEnroll;
    case Op::RoomList: return none;
    case Op::RoomJoin: return roomJoin;
    case Op::RoomLeave: return roomId;
    case Op::MessageSend: return messageSend;
    case Op::MessageHistory: return messageHistory;
    case Op::MessageEdit: return messageEdit;
    case Op::MessageDelete: return messageDelete;
    case Op::MessageReact: return messageReact;
    case Op::RoomRead: return roomRead;
    case Op::RoomReceipts: return roomId;
    case Op::Typing: return roomId;
    case Op::PresenceSet: return presenceSet;
    case Op::PresenceGet: return presenceGet;
    case Op::RoomCreate: return roomCreate;
    case Op::RoomDirect: return roomDirect;
    case Op::RoomUpdate: return roomUpdate;
    case Op::RoomMembers: return roomId;
    case Op::RoomAddMembers: return roomAddMembers;
    case Op::RoomRemoveMember: return roomRemoveMember;
    case Op::RoomSetRole: return roomSetRole;
    case Op::RoomPrefs: return roomPrefs;
    case Op::StudyBrowse: return courseId;
    case Op::StudyJoin: return studyJoin;
    case Op::MessageSearch: return messageSearch;
    case Op::AttachmentUpload: return attachmentUpload;
    case Op::AttachmentChunk: return attachmentChunk;
    case Op::AttachmentDownload: return attachmentDownload;
    case Op::CodeCreate: return codeCreate;
    case Op::CodeList: return codeList;
    case Op::CodeJoin: return codeJoin;
    case Op::CodeLeave: return sessionId;
    case Op::CodeUpdate: return codeUpdate;
    case Op::CodeSetRole: return codeSetRole;
    case Op::CodeApprove: return codeApprove;
    case Op::FileCreate: return fileCreate;
    case Op::FileRename: return fileRename;
    case Op::FileDelete: return fileDelete;
    case Op::FileOpen: return fileOpen;
    case Op::DocUpdate: return docUpdate;
    case Op::Cursor: return cursor;
    case Op::CommentAdd: return commentAdd;
    case Op::CommentReply: return commentReply;
    case Op::CommentResolve: return commentResolve;
    case Op::CommentList: return commentList;
    case Op::VersionCreate: return versionCreate;
    case Op::VersionList: return sessionId;
    case Op::VersionRestore: return versionRestore;
    case Op::CodeExport: return sessionId;
    case Op::AttachmentCancel: return attachmentCancel;
    case Op::CodeRemove: return codeRemove;
    case Op::VersionDelete: return versionRestore;
    case Op::CodeArchive: return codeArchive;
    case Op::CodeUnarchive: return codeArchive;
    case Op::CodeDelete: return codeArchive;
    }
    return none;
}

DecodeError invalid(const Field &field, const QString &what, ErrorCode code = ErrorCode::BadRequest)
{
    return DecodeError{code, QStringLiteral("field '%1' %2").arg(QLatin1String(field.name), what), QString()};
}

std::optional<DecodeError> checkString(const Field &field, const QString &text)
{
    if (text.size() > field.max)
        return invalid(field, QStringLiteral("must be at most %1 characters").arg(field.max), ErrorCode::TooLarge);
    if (text.size() < field.min)
        return invalid(field, QStringLiteral("must be at least %1 characters").arg(field.min));
    return std::nullopt;
}

std::optional<DecodeError> checkField(const Field &field, const QJsonValue &value)
{
    switch (field.kind) {
    case Kind::String:
    case Kind::Username:
        if (!value.isString())
            return invalid(field, QStringLiteral("must be a string"));
        if (auto err = checkString(field, value.toString()))
            return err;
        if (field.kind == Kind::Username && !isValidUsername(value.toString()))
            return invalid(field, QStringLiteral("may contain only a-z, 0-9, '.', '_' and '-' and must start with a letter or digit"));
        return std::nullopt;
    case Kind::Integer: {
        if (!value.isDouble())
            return invalid(field, QStringLiteral("must be an integer"));
        const double d = value.toDouble();
        if (std::trunc(d) != d || d < -static_cast<double>(MaxSafe) || d > static_cast<double>(MaxSafe))
            return invalid(field, QStringLiteral("must be an integer between %1 and %2").arg(field.min).arg(field.max));
        const qint64 n = static_cast<qint64>(d);
        if (n < field.min || n > field.max)
            return invalid(field, QStringLiteral("must be between %1 and %2").arg(field.min).arg(field.max));
        return std::nullopt;
    }
    case Kind::Boolean:
        if (!value.isBool())
            return invalid(field, QStringLiteral("must be true or false"));
        return std::nullopt;
    case Kind::StringArray: {
        if (!value.isArray())
            return invalid(field, QStringLiteral("must be an array of strings"));
        const QJsonArray array = value.toArray();
        if (array.size() > field.max)
            return invalid(field, QStringLiteral("must have at most %1 entries").arg(field.max), ErrorCode::TooLarge);
        if (array.size() < field.min)
            return invalid(field, QStringLiteral("must have at least %1 entries").arg(field.min));
        for (const QJsonValue &item : array) {
            if (!item.isString() || item.toString().isEmpty() || item.toString().size() > 256)
                return invalid(field, QStringLiteral("must contain only non-empty strings of at most 256 characters"));
        }
        return std::nullopt;
    }
    case Kind::IdArray: {
        if (!value.isArray())
            return invalid(field, QStringLiteral("must be an array of ids"));
        const QJsonArray array = value.toArray();
        if (array.size() > field.max)
            return invalid(field, QStringLiteral("must have at most %1 entries").arg(field.max), ErrorCode::TooLarge);
        if (array.size() < field.min)
            return invalid(field, QStringLiteral("must have at least %1 entries").arg(field.min));
        for (const QJsonValue &item : array) {
            const double d = item.toDouble(-1);
            if (!item.isDouble() || std::trunc(d) != d || d < 1 || d > static_cast<double>(MaxSafe))
                return invalid(field, QStringLiteral("must contain only positive integer ids"));
        }
        return std::nullopt;
    }
    case Kind::Enum: {
        const QStringList allowed = enumValues(field.name);
        if (!value.isString() || !allowed.contains(value.toString()))
            return invalid(field, QStringLiteral("must be one of %1").arg(allowed.join(QStringLiteral(", "))));
        return std::nullopt;
    }
    }
    return std::nullopt;
}

} // namespace

std::optional<DecodeError> validateRequest(Op op, const QJsonObject &data)
{
    for (const Field &field : schemaFor(op)) {
        const QJsonValue value = data.value(QLatin1String(field.name));
        if (value.isUndefined() || value.isNull()) {
            if (field.required)
                return invalid(field, QStringLiteral("is required"));
            continue;
        }
        if (auto err = checkField(field, value))
            return err;
    }
    return std::nullopt;
}

bool isValidUsername(const QString &username)
{
    if (username.size() < 3 || username.size() > 32)
        return false;
    for (qsizetype i = 0; i < username.size(); ++i) {
        const QChar c = username.at(i);
        const bool alnum = (c >= QLatin1Char('a') && c <= QLatin1Char('z')) || (c >= QLatin1Char('0') && c <= QLatin1Char('9'));
        const bool punct = c == QLatin1Char('.') || c == QLatin1Char('_') || c == QLatin1Char('-');
        if (!alnum && !(punct && i > 0))
            return false;
    }
    return true;
}

} // namespace Cohort::Protocol
