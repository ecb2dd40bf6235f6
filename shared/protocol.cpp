// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "protocol.h"

#include <array>

namespace Cohort::Protocol {

namespace {

struct OpEntry {
    Op op;
    const char *name;
    bool anonymous;
    bool write;
};

constexpr std::array opTable{
    OpEntry{Op::AuthSignIn, "auth.signIn", true, false},
    OpEntry{Op::AuthToken, "auth.token", true, false},
    OpEntry{Op::AuthSignUp, "auth.signUp", true, false},
    OpEntry{Op::AuthSignOut, "auth.signOut", false, false},
    OpEntry{Op::AuthChangePassword, "auth.changePassword", false, false},
    OpEntry{Op::AuthSetup, "auth.setup", true, false},
    OpEntry{Op::TimeSync, "time.sync", true, false},
    OpEntry{Op::CourseCreate, "course.create", false, true},
    OpEntry{Op::CourseList, "course.list", false, false},
    OpEntry{Op::CourseJoin, "course.join", false, false},
    OpEntry{Op::CourseMembers, "course.members", false, false},
    OpEntry{Op::CourseEnroll, "course.enroll", false, false},
    OpEntry{Op::RoomList, "room.list", false, false},
    OpEntry{Op::RoomJoin, "room.join", false, false},
    OpEntry{Op::RoomLeave, "room.leave", false, false},
    OpEntry{Op::MessageSend, "message.send", false, true},
    OpEntry{Op::MessageHistory, "message.history", false, false},
    OpEntry{Op::MessageEdit, "message.edit", false, true},
    OpEntry{Op::MessageDelete, "message.delete", false, true},
    OpEntry{Op::MessageReact, "message.react", false, true},
    OpEntry{Op::RoomRead, "room.read", false, false},
    OpEntry{Op::RoomReceipts, "room.receipts", false, false},
    OpEntry{Op::Typing, "typing", false, false},
    OpEntry{Op::PresenceSet, "presence.set", false, false},
    OpEntry{Op::PresenceGet, "presence.get", false, false},
    OpEntry{Op::RoomCreate, "room.create", false, true},
    OpEntry{Op::RoomDirect, "room.direct", false, false},
    OpEntry{Op::RoomUpdate, "room.update", false, true},
    OpEntry{Op::RoomMembers, "room.members", false, false},
    OpEntry{Op::RoomAddMembers, "room.addMembers", false, true},
    OpEntry{Op::RoomRemoveMember, "room.removeMember", false, true},
    OpEntry{Op::RoomSetRole, "room.setRole", false, true},
    OpEntry{Op::RoomPrefs, "room.prefs", false, false},
    OpEntry{Op::StudyBrowse, "study.browse", false, false},
    OpEntry{Op::StudyJoin, "study.join", false, true},
    OpEntry{Op::MessageSearch, "message.search", false, false},
    OpEntry{Op::AttachmentUpload, "attachment.upload", false, true},
    OpEntry{Op::AttachmentChunk, "attachment.chunk", false, false},
    OpEntry{Op::AttachmentDownload, "attachment.download", false, false},
    OpEntry{Op::CodeCreate, "code.create", false, true},
    OpEntry{Op::CodeList, "code.list", false, false},
    OpEntry{Op::CodeJoin, "code.join", false, false},
    OpEntry{Op::CodeLeave, "code.leave", false, false},
    OpEntry{Op::CodeUpdate, "code.update", false, true},
    OpEntry{Op::CodeSetRole, "code.setRole", false, true},
    OpEntry{Op::CodeApprove, "code.approve", false, false},
    OpEntry{Op::FileCreate, "file.create", false, true},
    OpEntry{Op::FileRename, "file.rename", false, true},
    OpEntry{Op::FileDelete, "file.delete", false, true},
    OpEntry{Op::FileOpen, "file.open", false, false},
    OpEntry{Op::DocUpdate, "doc.update", false, false},
    OpEntry{Op::Cursor, "cursor", false, false},
    OpEntry{Op::CommentAdd, "comment.add", false, true},
    OpEntry{Op::CommentReply, "comment.reply", false, true},
    OpEntry{Op::CommentResolve, "comment.resolve", false, true},
    OpEntry{Op::CommentList, "comment.list", false, false},
    OpEntry{Op::VersionCreate, "version.create", false, true},
    OpEntry{Op::VersionList, "version.list", false, false},
    OpEntry{Op::VersionRestore, "version.restore", false, true},
    OpEntry{Op::CodeExport, "code.export", false, false},
    OpEntry{Op::AttachmentCancel, "attachment.cancel", false, false},
    OpEntry{Op::CodeRemove, "code.remove", false, true},
    OpEntry{Op::VersionDelete, "version.delete", false, true},
    OpEntry{Op::CodeArchive, "code.archive", false, true},
    OpEntry{Op::CodeUnarchive, "code.unarchive", false, true},
    OpEntry{Op::CodeDelete, "code.delete", false, true},
};

constexpr bool opTableInEnumOrder()
{
    for (size_t i = 0; i < opTable.size(); ++i) {
        if (static_cast<size_t>(opTable[i].op) != i)
            return false;
    }
    return true;
}
static_assert(opTableInEnumOrder(), "opTable must list every Op in enum order");

const OpEntry &entry(Op op)
{
    return opTable[static_cast<size_t>(op)];
}

constexpr std::array errorNames{
    "bad_request", "unauthorized", "forbidden", "not_found", "conflict",
    "rate_limited", "too_large", "unsupported_version", "internal", "unavailable",
};

} // namespace

QStringList serverCapabilities()
{
    return {CapabilityResume, CapabilityIdempotency, CapabilityChat, CapabilityAttachments, CapabilityCode};
}

bool isEphemeralEvent(const QString &name)
{
    for (const QString *ephemeral : {&EventTyping, &EventPresence, &EventReadUpdated, &EventRoomPrefs,
                                     &EventRoomAdded, &EventRoomRemoved, &EventDocUpdate, &EventCursor,
                                     &EventParticipantOnline, &EventCodeJoinRequest, &EventCodeApproved,
                                     &EventCodeDenied, &EventCodeRemoved}) {
        if (name == *ephemeral)
            return true;
    }
    return false;
}

QString opName(Op op)
{
    return QString::fromLatin1(entry(op).name);
}

bool parseOp(const QString &name, Op *op)
{
    for (const OpEntry &e : opTable) {
        if (name == QLatin1String(e.name)) {
            *op = e.op;
            return true;
        }
    }
    return false;
}

bool isAnonymousOp(Op op)
{
    return entry(op).anonymous;
}

bool isWriteOp(Op op)
{
    return entry(op).write;
}

QString errorCodeName(ErrorCode code)
{
    return QString::fromLatin1(errorNames[static_cast<size_t>(code)]);
}

bool parseErrorCode(const QString &name, ErrorCode *code)
{
    for (size_t i = 0; i < errorNames.size(); ++i) {
        if (name == QLatin1String(errorNames[i])) {
            *code = static_cast<ErrorCode>(i);
            return true;
        }
    }
    return false;
}

} // namespace Cohort::Protocol
