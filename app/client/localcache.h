// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "outboxitem.h"
#include "protocol.h"
#include "types.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QUrl>

namespace Cohort::Client {

/// A room event as kept in the cache.
struct CachedEvent
{
    RoomId roomId;
    qint64 seq = 0;
    QString event;      // e.g. "message.created"
    qint64 timestamp = 0;
    QByteArray payload; // the event's `data` as compact JSON

    friend bool operator==(const CachedEvent &, const CachedEvent &) = default;
};

/// A file a held message waits for (see CachedHeldMessage): read again from `path` after a
/// restart (a pasted image too: ChatClient keeps it in the attachment cache), or kept as
/// `bytes` when it came from memory and had no file.
struct CachedUpload
{
    QString key; // the upload's clientId: the server resumes the upload by it
    QString path;
    QByteArray bytes;
    QString name;
    QString mime;
    qint64 size = 0;
    QString sha256; // empty while the file was still being hashed

    friend bool operator==(const CachedUpload &, const CachedUpload &) = default;
};

/// A message that goes once its files are on the server (ChatClient::send with uploads).
struct CachedHeldMessage
{
    QString clientId;
    RoomId roomId;
    QString text;
    qint64 threadRoot = 0;
    qint64 createdAt = 0;
    QList<CachedUpload> uploads;

    friend bool operator==(const CachedHeldMessage &, const CachedHeldMessage &) = default;
};

/// A code file's local edits the server has not acknowledged yet (CodeSessionFile keeps them
/// until it has), with the replica they were made in.
struct CachedUnsentEdits
{
    qint64 sessionId = 0;
    qint64 fileId = 0;
    QString path;       // the file's path when they were kept
    QByteArray state;   // the replica (Collab::Document::encodeState): the user's text
    QByteArray pending; // one engine update with every unacknowledged local edit
    qint64 savedAt = 0; // ms since the epoch

    friend bool operator==(const CachedUnsentEdits &, const CachedUnsentEdits &) = default;
};

/// A code file's text as the user had it when the server refused its edits for good.
struct CachedRefusedEdits
{
    qint64 id = 0; // given by addRefusedEdits()
    qint64 sessionId = 0;
    qint64 fileId = 0;
    QString path;
    QString text;
    Protocol::ErrorCode error = Protocol::ErrorCode::Internal;
    QString message;
    qint64 refusedAt = 0; // ms since the epoch

    friend bool operator==(const CachedRefusedEdits &, const CachedRefusedEdits &) = default;
};

/// The account's local SQLite cache: received room events, the last seen sequence number per
/// room, the outbox and the
/// composer's drafts. One file per account (server + username), in WAL mode, with its own
/// named QSqlDatabase connection; used from the thread that opened it. Every write commits
/// before it returns, so an outbox item written here survives the app being killed.
class LocalCache
{
public:
    LocalCache();
    ~LocalCache();
    LocalCache(const LocalCache &) = delete;
    LocalCache &operator=(const LocalCache &) = delete;

    /// A file-system-safe key for an account: readable username plus a hash of server and user.
    static QString accountKey(const QUrl &server, const QString &username);
    /// <root>/<account key>/cache.sqlite; `root` empty means QStandardPaths::AppDataLocation.
    static QString pathFor(const QUrl &server, const QString &username, const QString &root = QString());

    /// Opens (creating when needed) the database at `path`. Returns an error message or empty.
    QString open(const QString &path);
    void close();
    bool isOpen() const;
    QString path() const { return m_path; }

    // Room events and resume positions
    /// The highest seq stored for the room; 0 when none.
    qint64 lastSeq(RoomId room) const;
    /// Stores the event and advances the room's last seq to its seq, in one transaction. A room
    /// keeps about its newest 1000 events; older ones are dropped as new ones arrive.
    bool storeEvent(const CachedEvent &event);
    /// Events with seq > `afterSeq`, oldest first, at most `limit`.
    QList<CachedEvent> events(RoomId room, qint64 afterSeq = 0, int limit = 1000) const;
    /// The newest `limit` events, oldest first.
    QList<CachedEvent> latestEvents(RoomId room, int limit) const;
    /// Forgets the room's events and last seq (the server answered a join with reset:true).
    bool clearRoom(RoomId room);

    // Outbox, in the order items were added
    bool addOutboxItem(const OutboxItem &item);
    bool removeOutboxItem(const QString &clientId);
    bool updateOutboxItem(const OutboxItem &item); // status and failure of an existing item
    QList<OutboxItem> outboxItems() const;

    // Messages waiting for their files, in the order they were added; the message and its
    // files are written in one transaction
    bool addHeldMessage(const CachedHeldMessage &message);
    bool removeHeldMessage(const QString &clientId);
    QList<CachedHeldMessage> heldMessages() const;

    // Composer drafts, one per room; an empty text removes the room's draft
    QString draft(RoomId room) const;
    bool setDraft(RoomId room, const QString &text);

    // The engine agent id this device edits a code session under. Kept so that opening a
    // session again (or after a restart) reuses it: the server binds at most 256 per user and
    // session, and a new id per opening would use them up.
    quint64 codeAgent(qint64 sessionId) const;
    bool setCodeAgent(qint64 sessionId, quint64 agent);

    // Code edits the server has not taken (yet), by user, session and file. The file is the
    // account's (server and username) already; the user id guards a file shared by mistake.
    /// Replaces the file's kept unsent edits.
    bool setUnsentEdits(UserId user, const CachedUnsentEdits &edits);
    bool removeUnsentEdits(UserId user, qint64 sessionId, qint64 fileId);
    /// The session's kept unsent edits, or every session's when `sessionId` is 0.
    QList<CachedUnsentEdits> unsentEdits(UserId user, qint64 sessionId = 0) const;
    /// Keeps a refused text; returns its id (0 when it could not be written).
    qint64 addRefusedEdits(UserId user, const CachedRefusedEdits &edits);
    bool removeRefusedEdits(qint64 id);
    /// The session's refused texts (every session's when `sessionId` is 0), oldest first.
    QList<CachedRefusedEdits> refusedEdits(UserId user, qint64 sessionId = 0) const;

private:
    QString m_connectionName;
    QString m_path;
};

} // namespace Cohort::Client
