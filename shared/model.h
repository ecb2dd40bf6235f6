// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "types.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace Cohort {

/// What any signed-in user may see of an account.
struct UserInfo
{
    UserId id;
    QString username;
    QString displayName;
    Role role = Role::Student;

    QJsonObject toJson() const;
    static std::optional<UserInfo> fromJson(const QJsonObject &json);
    friend bool operator==(const UserInfo &, const UserInfo &) = default;
};

/// A course as its members see it. The join code is only sent to the course's staff.
struct CourseInfo
{
    CourseId id;
    QString name;
    QString joinCode; // empty when the receiver may not see it
    RoomId roomId;    // the course's room
    Role memberRole = Role::Student; // the receiving user's role in the course

    QJsonObject toJson() const;
    static std::optional<CourseInfo> fromJson(const QJsonObject &json);
    friend bool operator==(const CourseInfo &, const CourseInfo &) = default;
};

/// A file a message carries; `id` is the SHA-256 of its bytes (hex).
struct AttachmentInfo
{
    QString id;
    QString name;
    qint64 size = 0;
    QString mime;

    QJsonObject toJson() const;
    static std::optional<AttachmentInfo> fromJson(const QJsonObject &json);
    friend bool operator==(const AttachmentInfo &, const AttachmentInfo &) = default;
};

/// The newest message of a room, as the room list shows it.
struct MessagePreview
{
    qint64 seq = 0;
    qint64 timestamp = 0;
    QString senderName;
    QString text;
    QList<AttachmentInfo> attachments; // a file-only message shows its file

    QJsonObject toJson() const;
    static std::optional<MessagePreview> fromJson(const QJsonObject &json);
    friend bool operator==(const MessagePreview &, const MessagePreview &) = default;
};

/// A room. The fields after `lastSeq` came with chat (issue 3); those after `archived` are the
/// receiving user's own (role, preferences, read state) and are absent from sharedJson().
struct RoomInfo
{
    RoomId id;
    RoomKind kind = RoomKind::Course;
    QString name;
    CourseId courseId;
    qint64 lastSeq = 0;

    QString topic;                                  // study rooms
    QString visibility = QStringLiteral("private"); // study rooms: "public" or "private"
    int memberLimit = 0;                            // study rooms; 0: none
    int memberCount = 0;
    bool archived = false;

    std::optional<RoomRole> myRole; // nothing when the user is not a member (admins, study.browse)
    bool muted = false;
    bool pinned = false;
    qint64 lastRead = 0;
    int unread = 0;
    int mentions = 0;
    std::optional<UserInfo> peer; // the other user of a direct room
    std::optional<MessagePreview> lastMessage;

    QJsonObject toJson() const;
    /// The room as every member sees it (room.updated): without the per-user fields.
    QJsonObject sharedJson() const;
    static std::optional<RoomInfo> fromJson(const QJsonObject &json);
    friend bool operator==(const RoomInfo &, const RoomInfo &) = default;
};

/// A course member with the role they hold in that course.
struct MemberInfo
{
    UserInfo user;
    Role courseRole = Role::Student;

    QJsonObject toJson() const;
    static std::optional<MemberInfo> fromJson(const QJsonObject &json);
    friend bool operator==(const MemberInfo &, const MemberInfo &) = default;
};

/// The users who reacted to a message with one emoji.
struct ReactionInfo
{
    QString emoji;
    QList<UserId> users;

    QJsonObject toJson() const;
    friend bool operator==(const ReactionInfo &, const ReactionInfo &) = default;
};

/// A chat message: carried by the `message.created` event (toJson) and, with its later state
/// (replies, edit, deletion, reactions), by message.history (toHistoryJson). A system message
/// (member.joined, member.left, room.updated) has an empty text and `system` set.
struct MessageInfo
{
    RoomId roomId;
    qint64 seq = 0;
    UserInfo sender; // invalid id: none (a system message the server generated)
    QString clientId;
    QString text;
    qint64 timestamp = 0;

    qint64 threadRoot = 0; // > 0: a reply in the thread of that message
    QList<UserId> mentions;
    bool mentionsRoom = false;
    int replyCount = 0;
    qint64 lastReplyTs = 0;
    qint64 editedAt = 0; // 0: never edited
    bool deleted = false;
    QList<ReactionInfo> reactions;
    QList<AttachmentInfo> attachments;
    QJsonObject system; // {"event": ..., ...} for a system message, else empty

    QJsonObject toJson() const; // the event's `data`; room, seq and ts travel in the envelope
    QJsonObject toHistoryJson() const;
    static std::optional<MessageInfo> fromHistoryJson(RoomId room, const QJsonObject &json);
    friend bool operator==(const MessageInfo &, const MessageInfo &) = default;
};

QJsonArray userIdsToJson(const QList<UserId> &ids);
QJsonArray attachmentsToJson(const QList<AttachmentInfo> &attachments);
QList<AttachmentInfo> attachmentsFromJson(const QJsonArray &array);
QList<UserId> userIdsFromJson(const QJsonArray &array);

} // namespace Cohort
