// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "model.h"

#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace Cohort::Client {

/// Presence of a user as the server aggregates it over the user's connections.
enum class Presence { Offline, Online, Away, DoNotDisturb };
Presence parsePresence(const QString &name);
QString presenceName(Presence presence);

/// Qt shows a tool tip as rich text whenever Qt::mightBeRichText() guesses so; names, topics and
/// other users' text go through this so that "<img src=…>" or a link shows exactly as typed.
QString plainToolTip(const QString &text);

/// One emoji on a message and who chose it.
struct ChatReaction
{
    QString emoji;
    QList<UserId> users;
    friend bool operator==(const ChatReaction &, const ChatReaction &) = default;
};

/// A chat message as the Chat pane shows it: the server's Message object (chat protocol), or a
/// message of ours the server has not stored yet (pending in the Outbox, or failed).
struct ChatMessage
{
    enum class State { Stored, Pending, Failed };

    qint64 seq = 0; // 0 while pending
    qint64 timestamp = 0;
    UserInfo sender;
    QString clientId;
    QString text;
    qint64 threadRoot = 0;
    int replyCount = 0;
    qint64 lastReplyTs = 0;
    bool edited = false;
    qint64 editedAt = 0;
    bool deleted = false;
    QList<ChatReaction> reactions;
    QList<UserId> mentions;
    bool mentionsRoom = false;
    QString systemEvent;    // member.joined / member.left / room.updated; empty for user messages
    UserInfo systemUser;    // who joined or left
    QString systemName;     // room.updated: the room's name, topic and archived state after it
    QString systemTopic;
    bool systemArchived = false;
    State state = State::Stored;
    int localDay = 0; // days since the epoch in local time; MessageModel fills it for grouping

    bool isSystem() const { return !systemEvent.isEmpty(); }
    bool mentionsUser(UserId user) const { return mentionsRoom || mentions.contains(user); }

    static std::optional<ChatMessage> fromJson(const QJsonObject &json);
    /// A logged room event (message.created, member.joined, member.left, room.updated) as a message.
    static std::optional<ChatMessage> fromEvent(const QString &event, qint64 seq, qint64 timestamp,
                                                const QJsonObject &data);
    /// Adds or removes one user's reaction; returns whether anything changed.
    bool setReaction(const QString &emoji, UserId user, bool on);
};

/// A room as the room list shows it (the chat protocol's Room object).
struct ChatRoom
{
    RoomId id;
    QString kind; // course, announcement, direct, group, study, live
    QString name;
    QString topic;
    CourseId courseId;
    QString visibility;
    int memberLimit = 0;
    int memberCount = 0;
    bool archived = false;
    qint64 lastSeq = 0;
    QString myRole; // owner, admin, member; empty when not a member (study.browse)
    bool muted = false;
    bool pinned = false;
    qint64 lastRead = 0;
    int unread = 0;
    int mentions = 0;
    std::optional<UserInfo> peer; // direct rooms
    qint64 lastMessageTs = 0;
    QString lastMessageSender;
    QString lastMessageText;
    QString lastMessageFile; // the name of the newest message's first file; empty when none
    Presence peerPresence = Presence::Offline;

    /// What the list shows: the peer's name for a direct room, else the room's name.
    QString displayName() const;
    static std::optional<ChatRoom> fromJson(const QJsonObject &json);
    /// Takes the shared fields of a room.updated event's room, keeping the per-user ones.
    void updateShared(const ChatRoom &other);
};

/// A room member as room.members lists them.
struct ChatMember
{
    UserInfo user;
    QString role; // owner, admin, member
    Presence presence = Presence::Offline;
    qint64 lastSeen = 0;
};

/// One hit of message.search.
struct SearchResult
{
    RoomId roomId;
    qint64 seq = 0;
    qint64 timestamp = 0;
    UserInfo sender;
    QString snippet;
    qint64 threadRoot = 0;
};

} // namespace Cohort::Client
