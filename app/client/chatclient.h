// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "chattypes.h"
#include "reply.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QThreadPool>
#include <QTimer>

#include <functional>
#include <memory>

namespace Cohort::Protocol {
struct Frame;
}

namespace Cohort::Client {

class Connection;
class MessageModel;
class RoomListModel;
struct OutboxItem;

/// A file on its way to the server for a message: what the composer's chips show.
struct AttachmentUpload
{
    enum class State {
        Preparing, // a file's SHA-256 is being computed, off the GUI thread
        Uploading,
        Done,
        Failed,
    };

    QString key; // the upload's clientId
    RoomId room;
    QString name;
    QString mime;
    qint64 size = 0;
    qint64 prepared = 0; // bytes hashed so far, while Preparing
    qint64 sent = 0;     // bytes the server confirmed
    State state = State::Uploading;
    AttachmentInfo attachment;                                 // when Done
    Protocol::ErrorCode error = Protocol::ErrorCode::Internal; // when Failed
    QString message;                                           // when Failed: English, for logs
};

/// The chat over one Connection (the chat protocol of docs/protocol.md): the room list with
/// unread and mention counts, one MessageModel per open room and thread, live events, pending
/// messages from the Outbox, typing, read state, presence and drafts. Widget-free: the Chat
/// pane shows what this holds, and integration tests drive it against a real server.
class ChatClient : public QObject
{
    Q_OBJECT
public:
    /// Sends one request by its wire name; the default looks the op up in Protocol and sends it
    /// through the Connection.
    using Requester = std::function<void(const QString &op, const QJsonObject &data, QObject *context, ReplyCallback done)>;

    explicit ChatClient(Connection *connection, QObject *parent = nullptr);
    ~ChatClient() override;

    Connection *connection() const { return m_connection; }
    RoomListModel *rooms() const { return m_rooms; }
    UserId me() const;
    /// For tests: replaces how requests reach the server.
    void setRequester(Requester requester) { m_requester = std::move(requester); }
    /// How many messages a history page holds (default 50).
    void setPageSize(int size) { m_pageSize = size; }
    /// Idle time after which presence becomes away (default 5 min).
    void setIdleTimeout(int ms);

    // Rooms
    /// Fetches room.list and joins every room so its events arrive (and resume after reconnects).
    void refreshRooms();
    bool isRoomListLoaded() const { return m_roomsLoaded; }
    /// The room's main timeline; created (and its newest page requested) on first use.
    MessageModel *openRoom(RoomId room);
    /// The root message and replies of a thread; created and loaded on first use.
    MessageModel *openThread(RoomId room, qint64 root);
    /// The thread on screen (root 0: none): its replies do not count as new.
    void setVisibleThread(RoomId room, qint64 root);
    /// The models already created for the room (main timeline and threads).
    QList<MessageModel *> models(RoomId room) const;
    /// Asks for the page before the model's oldest message (no-op while one is on its way or at
    /// the beginning of the room).
    void loadOlder(MessageModel *model);
    /// Replaces the model's content by the messages around `seq` (a search result in context).
    void jumpTo(MessageModel *model, qint64 seq);
    void setRoomPrefs(RoomId room, std::optional<bool> muted, std::optional<bool> pinned);
    void createRoom(const QJsonObject &data, QObject *context, std::function<void(const Reply &, const std::optional<ChatRoom> &)> done);
    void openDirect(UserId user, QObject *context, std::function<void(const Reply &, const std::optional<ChatRoom> &)> done);
    void browseStudyGroups(CourseId course, QObject *context, std::function<void(const Reply &, const QList<ChatRoom> &)> done);
    void joinStudyGroup(RoomId room, QObject *context, std::function<void(const Reply &, const std::optional<ChatRoom> &)> done);
    void members(RoomId room, QObject *context, std::function<void(const Reply &, const QList<ChatMember> &)> done);
    void leaveRoom(RoomId room, QObject *context, ReplyCallback done);
    // Moderation (the server checks who may)
    /// Renames, re-topics or (un)archives the room; absent fields stay as they are.
    void updateRoom(RoomId room, std::optional<QString> name, std::optional<QString> topic, std::optional<bool> archived,
                    QObject *context = nullptr, ReplyCallback done = {});
    void addMembers(RoomId room, const QList<UserId> &users, QObject *context = nullptr, ReplyCallback done = {});
    void removeMember(RoomId room, UserId user, QObject *context = nullptr, ReplyCallback done = {});
    /// `role`: admin or member.
    void setRole(RoomId room, UserId user, const QString &role, QObject *context = nullptr, ReplyCallback done = {});

    // Messages
    /// Queues the text in the Outbox (shown pending at once); returns its clientId. With
    /// `uploads` (keys of uploadFile/uploadData to the same room) the message is shown pending
    /// at once and sent once every upload is done, after reconnects and restarts too (it is kept
    /// in the account's cache with its files); `text` may then be empty.
    QString send(RoomId room, const QString &text, qint64 threadRoot = 0, const QStringList &uploads = {});
    void retry(const QString &clientId);
    void discard(const QString &clientId);
    /// Messages the server has not stored yet (pending or failed, with or without files):
    /// signing out deletes them with the account's cache, so the app asks first.
    int unsentCount() const;
    void edit(RoomId room, qint64 seq, const QString &text, QObject *context = nullptr, ReplyCallback done = {});
    void remove(RoomId room, qint64 seq, QObject *context = nullptr, ReplyCallback done = {});
    void react(RoomId room, qint64 seq, const QString &emoji, bool on, QObject *context = nullptr, ReplyCallback done = {});
    void search(const QString &query, QObject *context, std::function<void(const Reply &, const QList<SearchResult> &)> done);

    // Attachments (chunked over the connection, docs/protocol.md "Attachments")
    /// Starts uploading a file for a message in the room; returns the upload's key, or empty
    /// when the file cannot be read or is empty. The file is hashed first on a worker thread
    /// (State::Preparing), then sent. Progress and the end come as uploadChanged().
    QString uploadFile(RoomId room, const QString &path);
    /// The same for bytes in memory (a pasted image). They are kept as a file in the attachment
    /// cache, so that a message held for them can upload them again after a restart.
    QString uploadData(RoomId room, const QString &name, const QString &mime, const QByteArray &bytes);
    /// Forgets an upload; an unfinished one is cancelled on the server (attachment.cancel), which
    /// drops what it received.
    void cancelUpload(const QString &key);
    /// Starts a failed upload again; the server keeps what it received.
    void retryUpload(const QString &key);
    std::optional<AttachmentUpload> upload(const QString &key) const;
    /// The uploads of a message waiting for them (send() with uploads), by its clientId.
    QList<AttachmentUpload> messageUploads(const QString &clientId) const;
    /// The files a stored message carries, as the history and events told.
    QList<AttachmentInfo> attachments(RoomId room, qint64 seq) const;
    /// Fetches an attachment into the local cache: downloadFinished() with its path, at once
    /// (queued) when it is cached already. A download already running is not started twice.
    void download(RoomId room, const AttachmentInfo &attachment);
    bool isDownloading(const QString &id) const { return m_downloads.contains(id); }
    /// The cached file of the attachment (named as uploaded), or empty when not cached.
    QString cachedFile(const AttachmentInfo &attachment) const;
    /// Where downloads are cached; default: "attachments" in the signed-in account's folder
    /// (next to its LocalCache), so that no account sees another's files. For tests.
    void setAttachmentCache(const QString &directory, qint64 maxBytes);
    /// Deletes the cached files and stops the downloads. Done on every sign-out (sparing the
    /// pasted files of messages still waiting in a cache that stays): a shared school computer
    /// must not leave one student's files to the next.
    void clearAttachmentCache();

    // Read state
    /// The newest message is on screen and the window is active: reads up to it.
    void markRead(RoomId room);
    /// Who read up to `seq`, from room.receipts and the read.updated events since.
    QList<UserId> seenBy(RoomId room, qint64 seq) const;
    void fetchReceipts(RoomId room);

    // Typing
    /// The user typed in the room's composer; sends `typing` at most every 3 s.
    void userTyping(RoomId room);
    /// Who is typing in the room now (expired entries removed), oldest first.
    QList<UserInfo> typingUsers(RoomId room) const;

    // Presence
    Presence presence(UserId user) const;
    /// Sets the user's own status; Online also ends an automatic away.
    void setMyPresence(Presence presence);
    Presence myPresence() const { return m_myPresence; }
    /// Any input in the window: resets the idle timer, and comes back from an automatic away.
    void userActive();
    void fetchPresence(const QList<UserId> &users);

    // Drafts
    QString draft(RoomId room) const;
    void setDraft(RoomId room, const QString &text);

Q_SIGNALS:
    void roomsLoaded();
    void roomsFailed(const Cohort::Client::Reply &reply);
    void typingChanged(Cohort::RoomId room);
    void receiptsChanged(Cohort::RoomId room);
    void presenceChanged(Cohort::UserId user, Cohort::Client::Presence presence);
    /// A new message from someone else that deserves a notification: a DM, a mention or @room,
    /// in a room that is not muted while the user is not in do-not-disturb.
    void notificationRequested(Cohort::RoomId room, const Cohort::Client::ChatMessage &message);
    /// A request the user made failed (edit, delete, react, ...): the pane shows why.
    void requestFailed(const Cohort::Client::Reply &reply);
    /// A room added to the list by someone else (invited, DM opened) or by us.
    void roomAdded(Cohort::RoomId room);
    void roomRemoved(Cohort::RoomId room);
    /// A member's role in the room changed (member.role): owner, admin or member. When the member
    /// is the user, the room list's myRole has changed already.
    void memberRoleChanged(Cohort::RoomId room, Cohort::UserId user, const QString &role);
    /// An upload made progress, finished or failed (see upload()).
    void uploadChanged(const QString &key);
    void downloadProgress(const QString &id, qint64 received, qint64 total);
    void downloadFinished(const QString &id, const QString &path);
    void downloadFailed(const QString &id, const Cohort::Client::Reply &reply);

private:
    struct Typing
    {
        UserInfo user;
        qint64 expiresAt = 0; // QElapsedTimer ms
    };
    struct RoomData
    {
        MessageModel *main = nullptr;
        QHash<qint64, MessageModel *> threads;
        QHash<UserId, qint64> reads;
        QList<Typing> typing;
        qint64 lastTypingSent = -1; // m_clock ms
    };

    /// A file being hashed on m_hashPool; the worker reads `cancelled` and writes `done`.
    struct HashJob;
    struct Upload
    {
        AttachmentUpload state;
        std::shared_ptr<HashJob> hashing; // while Preparing
        QString path;   // the file, or empty for `bytes`
        QByteArray bytes;
        QString sha256;
        QString uploadId;
        qint64 chunkBytes = 0;
        qint64 nextOffset = 0; // the next byte to send; sent - nextOffset are in flight
        int inFlight = 0;
        int generation = 0;    // replies of an older generation (before a resync) are ignored
        int restarts = 0;
        bool waiting = false;  // for the connection, or for a rate limit to pass
    };
    struct Download
    {
        RoomId room;
        AttachmentInfo info;
        qint64 received = 0;
        qint64 nextOffset = 0;
        qint64 pieceBytes = 0; // the server's chunk size, from its first answer
        int inFlight = 0;
        int generation = 0;
        bool waiting = false;
    };
    /// A message held back until its uploads are done.
    struct HeldMessage
    {
        QString clientId;
        RoomId room;
        QString text;
        qint64 threadRoot = 0;
        QStringList uploads;
        qint64 createdAt = 0;
        bool failed = false;
        bool inFlight = false;
    };

    QString startUpload(Upload upload);
    /// Computes the SHA-256 of the upload's file on m_hashPool, then begins the upload.
    void hashFile(const QString &key);
    void onHashed(const QString &key, const std::shared_ptr<HashJob> &job, const QString &sha256);
    /// Forgets an upload, stopping its hashing and cancelling it on the server when unfinished.
    void dropUpload(const QString &key);
    /// Writes bytes to upload (a pasted image) to the attachment cache; returns the file's path,
    /// or empty when there is no cache or it cannot be written.
    QString keepData(const AttachmentInfo &file, const QByteArray &bytes) const;
    /// A file the server would refuse for its size: failed at once, before any request.
    QString rejectUpload(Upload upload);
    /// The largest file the server takes: what `welcome` announced, else any server's maximum.
    qint64 attachmentLimit() const;
    void beginUpload(const QString &key);
    void pumpUpload(const QString &key);
    void onChunkReply(const QString &key, int generation, const Reply &reply);
    /// Stops the pipeline and asks attachment.upload where the server stands, after `delayMs`.
    void resyncUpload(const QString &key, qint64 delayMs);
    void failUpload(const QString &key, const Reply &reply);
    void pumpDownload(const QString &id);
    void onDownloadReply(const QString &id, int generation, qint64 offset, const Reply &reply);
    void finishDownload(const QString &id);
    void failDownload(const QString &id, const Reply &reply);
    void sendHeld(const QString &clientId);
    /// Writes a held message and its files to the account's cache, so that it survives a restart.
    void storeHeld(const HeldMessage &held);
    /// Takes up the held messages a previous run left in the account's cache (once per cache).
    void restoreHeld();
    void removeHeld(QList<HeldMessage>::iterator held);
    void setHeldFailed(HeldMessage &held, bool failed);
    static OutboxItem heldItem(const HeldMessage &held);
    void noteAttachments(RoomId room, const QJsonArray &messages);
    /// The folder downloads go to (empty before an account's cache is open).
    QString cacheDir() const;
    QString cachePathOf(const AttachmentInfo &attachment) const;
    /// Deletes the cached files but the folders named in `keep`, and stops the downloads.
    void clearCachedFiles(const QSet<QString> &keep);
    /// Drops the oldest cached files beyond the cache size, never `keep`.
    void trimCache(const QString &keep);

    void request(const QString &op, const QJsonObject &data, QObject *context, ReplyCallback done);
    void requestHistory(MessageModel *model, const QJsonObject &extra, bool replace);
    void onEvent(const Protocol::Frame &frame);
    void onRoomEvent(const Protocol::Frame &frame);
    void onEphemeralEvent(const Protocol::Frame &frame);
    void onMessageCreated(RoomId room, const ChatMessage &message);
    void onItemQueued(const OutboxItem &item);
    /// Makes the pending rows follow the Outbox's items after it changed caches.
    void syncPending();
    /// The server stored one of our messages (from the Outbox or held) at `seq`.
    void onSent(const QString &clientId, RoomId room, qint64 seq);
    void onSignedIn();
    /// Ends what the account was doing: its cached files, downloads, uploads, held messages and
    /// drafts; forgets its rooms, models, presence and status.
    void onSignedOut();
    /// Starts again the uploads and downloads waiting for the connection, and the held messages.
    void resumeTransfers();
    void reloadRoom(RoomId room);
    void expireTyping();
    void reportFailure(const Reply &reply, ReplyCallback done);
    void sendPresence(Presence presence);
    void upsertRoom(const ChatRoom &room);
    MessageModel *makeModel(RoomId room, qint64 threadRoot);

    Connection *m_connection;
    Requester m_requester;
    RoomListModel *m_rooms;
    bool m_roomsLoaded = false;
    int m_pageSize = 50;
    QHash<RoomId, RoomData> m_data;
    // Rooms and threads whose first page could not load (opened offline): loaded on the next
    // sign-in, or they would show only what arrives from then on.
    QList<QPointer<MessageModel>> m_historyMissing;
    QHash<UserId, Presence> m_presence;
    Presence m_myPresence = Presence::Online;
    bool m_autoAway = false;
    QTimer m_idleTimer;
    QTimer m_typingTimer;
    QElapsedTimer m_clock;
    QHash<RoomId, QString> m_drafts; // mirror of the cache, and the only copy without one
    RoomId m_visibleThreadRoom;
    qint64 m_visibleThreadRoot = 0;
    QHash<QString, Upload> m_uploads;     // by key
    QList<HeldMessage> m_held;
    QString m_heldCache; // the path of the cache m_held was restored from
    QHash<QString, Download> m_downloads; // by attachment id
    QHash<RoomId, QHash<qint64, QList<AttachmentInfo>>> m_attachments; // by room and seq
    QThreadPool m_hashPool; // waited for in the destructor: its jobs post to this object
    QString m_cacheDir; // set by setAttachmentCache(); empty: the account's folder
    qint64 m_cacheMaxBytes = 0;
};

} // namespace Cohort::Client
