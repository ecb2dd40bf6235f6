// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "localcache.h"

#include "clientlogging.h"
#include "serverurl.h"

#include <QAtomicInteger>
#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QVariant>

#include <algorithm>

namespace Cohort::Client {

namespace {

// The cache is disposable apart from the outbox, so the schema is versioned by user_version and
// a newer layout may migrate or rebuild the event tables; the outbox table must be carried over.
constexpr int SchemaVersion = 3;

// Each room keeps only its newest events: the server holds the history and resume needs only
// last_seq, so an unbounded table would grow with every message of every room for nothing.
// Pruning runs every PruneEvery events to keep the insert path a single-row write.
constexpr qint64 EventsKeptPerRoom = 1000;
constexpr qint64 PruneEvery = 64;

const char *const SchemaStatements[] = {
    "CREATE TABLE IF NOT EXISTS room_state (room_id INTEGER PRIMARY KEY, last_seq INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS events (room_id INTEGER NOT NULL, seq INTEGER NOT NULL,"
    " event TEXT NOT NULL, ts INTEGER NOT NULL, payload BLOB NOT NULL, PRIMARY KEY (room_id, seq))",
    "CREATE TABLE IF NOT EXISTS outbox (position INTEGER PRIMARY KEY AUTOINCREMENT,"
    " client_id TEXT NOT NULL UNIQUE, room_id INTEGER NOT NULL, text TEXT NOT NULL,"
    " created_at INTEGER NOT NULL, failed INTEGER NOT NULL DEFAULT 0,"
    " failure_code TEXT, failure_message TEXT, thread_root INTEGER NOT NULL DEFAULT 0)",
    "CREATE TABLE IF NOT EXISTS drafts (room_id INTEGER PRIMARY KEY, text TEXT NOT NULL)",
    // Text columns of held messages may be NULL: Qt binds an empty QString (no text, a pasted
    // image without a path, a file not hashed yet) as NULL.
    "CREATE TABLE IF NOT EXISTS held_messages (position INTEGER PRIMARY KEY AUTOINCREMENT,"
    " client_id TEXT NOT NULL UNIQUE, room_id INTEGER NOT NULL, text TEXT,"
    " thread_root INTEGER NOT NULL, created_at INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS held_uploads (upload_key TEXT PRIMARY KEY, client_id TEXT NOT NULL,"
    " position INTEGER NOT NULL, path TEXT, bytes BLOB, name TEXT, mime TEXT, size INTEGER NOT NULL, sha256 TEXT)",
    "CREATE TABLE IF NOT EXISTS code_agents (session_id INTEGER PRIMARY KEY, agent INTEGER NOT NULL)",
    // Version 3: code edits not on the server yet, which must outlive a restart like the outbox.
    "CREATE TABLE IF NOT EXISTS code_unsent (user_id INTEGER NOT NULL, session_id INTEGER NOT NULL,"
    " file_id INTEGER NOT NULL, path TEXT, state BLOB NOT NULL, pending BLOB NOT NULL, saved_at INTEGER NOT NULL,"
    " PRIMARY KEY (user_id, session_id, file_id))",
    "CREATE TABLE IF NOT EXISTS code_refused (id INTEGER PRIMARY KEY AUTOINCREMENT, user_id INTEGER NOT NULL,"
    " session_id INTEGER NOT NULL, file_id INTEGER NOT NULL, path TEXT, text TEXT, error TEXT NOT NULL,"
    " message TEXT, refused_at INTEGER NOT NULL)",
};

QAtomicInteger<quint64> connectionCounter;

QString statusError(const QSqlQuery &query)
{
    return query.lastError().text();
}

} // namespace

LocalCache::LocalCache()
    : m_connectionName(QStringLiteral("cohort.client.cache.%1").arg(connectionCounter.fetchAndAddRelaxed(1)))
{
}

LocalCache::~LocalCache()
{
    close();
}

QString LocalCache::accountKey(const QUrl &server, const QString &username)
{
    const QString normalized = canonicalServerUrl(server);
    const QByteArray hash = QCryptographicHash::hash((normalized + QLatin1Char('|') + username).toUtf8(),
                                                     QCryptographicHash::Sha256);
    QString readable;
    for (const QChar c : username.left(32)) {
        readable.append(c.isLetterOrNumber() || c == QLatin1Char('.') || c == QLatin1Char('_') || c == QLatin1Char('-')
                            ? c
                            : QLatin1Char('_'));
    }
    return readable + QLatin1Char('-') + QString::fromLatin1(hash.toHex().left(16));
}

QString LocalCache::pathFor(const QUrl &server, const QString &username, const QString &root)
{
    const QString base = root.isEmpty() ? QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) : root;
    return QDir(base).filePath(accountKey(server, username) + QStringLiteral("/cache.sqlite"));
}

QString LocalCache::open(const QString &path)
{
    close();
    if (!QDir().mkpath(QFileInfo(path).absolutePath()))
        return QStringLiteral("cannot create the directory of %1").arg(path);

    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
    db.setDatabaseName(path);
    if (!db.open()) {
        const QString message = db.lastError().text();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(m_connectionName);
        return QStringLiteral("cannot open the cache %1: %2").arg(path, message);
    }
    m_path = path;

    QSqlQuery query(db);
    // WAL lets a killed app keep every committed outbox item; NORMAL is durable across a killed
    // process in WAL mode, which is the failure the outbox guards against. secure_delete=ON
    // zeroes what is deleted (cached messages, drafts), whole freed pages too, unlike FAST.
    for (const char *pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA busy_timeout=5000",
                               "PRAGMA secure_delete=ON"}) {
        if (!query.exec(QLatin1String(pragma))) {
            const QString message = statusError(query);
            close();
            return QStringLiteral("cannot configure the cache: %1").arg(message);
        }
    }
    if (!query.exec(QStringLiteral("PRAGMA user_version")) || !query.next()) {
        const QString message = statusError(query);
        close();
        return QStringLiteral("cannot read the cache version: %1").arg(message);
    }
    const int version = query.value(0).toInt();
    if (version > SchemaVersion) {
        close();
        return QStringLiteral("the cache %1 was written by a newer Cohort (version %2)").arg(path).arg(version);
    }
    db.transaction();
    for (const char *statement : SchemaStatements) {
        if (!query.exec(QLatin1String(statement))) {
            const QString message = statusError(query);
            db.rollback();
            close();
            return QStringLiteral("cannot create the cache tables: %1").arg(message);
        }
    }
    // Version 1 had no thread replies in the outbox; its table keeps its items. Version 2 had
    // no code_unsent and code_refused tables: created above, nothing else changes.
    if (version == 1 && !query.exec(QStringLiteral("ALTER TABLE outbox ADD COLUMN thread_root INTEGER NOT NULL DEFAULT 0"))) {
        const QString message = statusError(query);
        db.rollback();
        close();
        return QStringLiteral("cannot migrate the cache: %1").arg(message);
    }
    if (!query.exec(QStringLiteral("PRAGMA user_version=%1").arg(SchemaVersion)) || !db.commit()) {
        const QString message = db.lastError().text();
        close();
        return QStringLiteral("cannot create the cache tables: %1").arg(message);
    }
    qCDebug(lcClient) << "opened cache" << path;
    return QString();
}

void LocalCache::close()
{
    if (!QSqlDatabase::contains(m_connectionName))
        return;
    {
        QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(m_connectionName);
    m_path.clear();
}

bool LocalCache::isOpen() const
{
    return QSqlDatabase::contains(m_connectionName) && QSqlDatabase::database(m_connectionName, false).isOpen();
}

qint64 LocalCache::lastSeq(RoomId room) const
{
    if (!isOpen())
        return 0;
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(QStringLiteral("SELECT last_seq FROM room_state WHERE room_id = ?"));
    query.addBindValue(room.value());
    if (!query.exec()) {
        qCWarning(lcClient) << "cache: cannot read the last seq:" << statusError(query);
        return 0;
    }
    return query.next() ? query.value(0).toLongLong() : 0;
}

bool LocalCache::storeEvent(const CachedEvent &event)
{
    if (!isOpen())
        return false;
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    db.transaction();
    QSqlQuery query(db);
    query.prepare(QStringLiteral("INSERT OR REPLACE INTO events (room_id, seq, event, ts, payload) VALUES (?, ?, ?, ?, ?)"));
    query.addBindValue(event.roomId.value());
    query.addBindValue(event.seq);
    query.addBindValue(event.event);
    query.addBindValue(event.timestamp);
    query.addBindValue(event.payload);
    bool ok = query.exec();
    if (ok) {
        query.prepare(QStringLiteral("INSERT INTO room_state (room_id, last_seq) VALUES (?, ?)"
                                     " ON CONFLICT (room_id) DO UPDATE SET last_seq = MAX(last_seq, excluded.last_seq)"));
        query.addBindValue(event.roomId.value());
        query.addBindValue(event.seq);
        ok = query.exec();
    }
    if (ok && event.seq % PruneEvery == 0) {
        query.prepare(QStringLiteral("DELETE FROM events WHERE room_id = ? AND seq <= ?"));
        query.addBindValue(event.roomId.value());
        query.addBindValue(event.seq - EventsKeptPerRoom);
        ok = query.exec();
    }
    if (!ok) {
        qCWarning(lcClient) << "cache: cannot store an event:" << statusError(query);
        db.rollback();
        return false;
    }
    return db.commit();
}

namespace {

QList<CachedEvent> readEvents(QSqlQuery &query)
{
    QList<CachedEvent> events;
    if (!query.exec()) {
        qCWarning(lcClient) << "cache: cannot read events:" << statusError(query);
        return events;
    }
    while (query.next()) {
        events.append(CachedEvent{RoomId(query.value(0).toLongLong()), query.value(1).toLongLong(),
                                  query.value(2).toString(), query.value(3).toLongLong(),
                                  query.value(4).toByteArray()});
    }
    return events;
}

} // namespace

QList<CachedEvent> LocalCache::events(RoomId room, qint64 afterSeq, int limit) const
{
    if (!isOpen())
        return {};
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(QStringLiteral("SELECT room_id, seq, event, ts, payload FROM events"
                                 " WHERE room_id = ? AND seq > ? ORDER BY seq LIMIT ?"));
    query.addBindValue(room.value());
    query.addBindValue(afterSeq);
    query.addBindValue(limit);
    return readEvents(query);
}

QList<CachedEvent> LocalCache::latestEvents(RoomId room, int limit) const
{
    if (!isOpen())
        return {};
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(QStringLiteral("SELECT room_id, seq, event, ts, payload FROM"
                                 " (SELECT * FROM events WHERE room_id = ? ORDER BY seq DESC LIMIT ?) ORDER BY seq"));
    query.addBindValue(room.value());
    query.addBindValue(limit);
    return readEvents(query);
}

bool LocalCache::clearRoom(RoomId room)
{
    if (!isOpen())
        return false;
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    db.transaction();
    QSqlQuery query(db);
    bool ok = true;
    for (const QString &sql : {QStringLiteral("DELETE FROM events WHERE room_id = ?"),
                               QStringLiteral("DELETE FROM room_state WHERE room_id = ?")}) {
        query.prepare(sql);
        query.addBindValue(room.value());
        ok = ok && query.exec();
    }
    if (!ok) {
        qCWarning(lcClient) << "cache: cannot clear a room:" << statusError(query);
        db.rollback();
        return false;
    }
    return db.commit();
}

bool LocalCache::addOutboxItem(const OutboxItem &item)
{
    if (!isOpen())
        return false;
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(QStringLiteral("INSERT INTO outbox (client_id, room_id, text, created_at, failed, failure_code,"
                                 " failure_message, thread_root) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
    query.addBindValue(item.clientId);
    query.addBindValue(item.roomId.value());
    query.addBindValue(item.text);
    query.addBindValue(item.createdAt);
    query.addBindValue(item.status == OutboxItem::Status::Failed ? 1 : 0);
    query.addBindValue(item.status == OutboxItem::Status::Failed ? Protocol::errorCodeName(item.failure) : QString());
    query.addBindValue(item.failureMessage);
    query.addBindValue(item.threadRoot);
    if (!query.exec()) {
        qCWarning(lcClient) << "cache: cannot store an outbox item:" << statusError(query);
        return false;
    }
    return true;
}

bool LocalCache::removeOutboxItem(const QString &clientId)
{
    if (!isOpen())
        return false;
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(QStringLiteral("DELETE FROM outbox WHERE client_id = ?"));
    query.addBindValue(clientId);
    if (!query.exec()) {
        qCWarning(lcClient) << "cache: cannot remove an outbox item:" << statusError(query);
        return false;
    }
    return query.numRowsAffected() > 0;
}

bool LocalCache::updateOutboxItem(const OutboxItem &item)
{
    if (!isOpen())
        return false;
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(QStringLiteral("UPDATE outbox SET failed = ?, failure_code = ?, failure_message = ? WHERE client_id = ?"));
    const bool failed = item.status == OutboxItem::Status::Failed;
    query.addBindValue(failed ? 1 : 0);
    query.addBindValue(failed ? Protocol::errorCodeName(item.failure) : QString());
    query.addBindValue(failed ? item.failureMessage : QString());
    query.addBindValue(item.clientId);
    if (!query.exec()) {
        qCWarning(lcClient) << "cache: cannot update an outbox item:" << statusError(query);
        return false;
    }
    return query.numRowsAffected() > 0;
}

QList<OutboxItem> LocalCache::outboxItems() const
{
    QList<OutboxItem> items;
    if (!isOpen())
        return items;
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    if (!query.exec(QStringLiteral("SELECT client_id, room_id, text, created_at, failed, failure_code, failure_message,"
                                   " thread_root FROM outbox ORDER BY position"))) {
        qCWarning(lcClient) << "cache: cannot read the outbox:" << statusError(query);
        return items;
    }
    while (query.next()) {
        OutboxItem item;
        item.clientId = query.value(0).toString();
        item.roomId = RoomId(query.value(1).toLongLong());
        item.text = query.value(2).toString();
        item.createdAt = query.value(3).toLongLong();
        item.threadRoot = query.value(7).toLongLong();
        if (query.value(4).toInt() != 0) {
            item.status = OutboxItem::Status::Failed;
            if (!Protocol::parseErrorCode(query.value(5).toString(), &item.failure))
                item.failure = Protocol::ErrorCode::Internal;
            item.failureMessage = query.value(6).toString();
        }
        items.append(item);
    }
    return items;
}

bool LocalCache::addHeldMessage(const CachedHeldMessage &message)
{
    if (!isOpen())
        return false;
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    db.transaction();
    QSqlQuery query(db);
    query.prepare(QStringLiteral("INSERT INTO held_messages (client_id, room_id, text, thread_root, created_at)"
                                 " VALUES (?, ?, ?, ?, ?)"));
    query.addBindValue(message.clientId);
    query.addBindValue(message.roomId.value());
    query.addBindValue(message.text);
    query.addBindValue(message.threadRoot);
    query.addBindValue(message.createdAt);
    bool ok = query.exec();
    for (int i = 0; ok && i < message.uploads.size(); ++i) {
        const CachedUpload &upload = message.uploads.at(i);
        query.prepare(QStringLiteral("INSERT INTO held_uploads (upload_key, client_id, position, path, bytes, name, mime,"
                                     " size, sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
        query.addBindValue(upload.key);
        query.addBindValue(message.clientId);
        query.addBindValue(i);
        query.addBindValue(upload.path);
        query.addBindValue(upload.bytes);
        query.addBindValue(upload.name);
        query.addBindValue(upload.mime);
        query.addBindValue(upload.size);
        query.addBindValue(upload.sha256);
        ok = query.exec();
    }
    if (!ok) {
        qCWarning(lcClient) << "cache: cannot store a message waiting for its files:" << statusError(query);
        db.rollback();
        return false;
    }
    return db.commit();
}

bool LocalCache::removeHeldMessage(const QString &clientId)
{
    if (!isOpen())
        return false;
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    db.transaction();
    QSqlQuery query(db);
    bool ok = true;
    for (const QString &sql : {QStringLiteral("DELETE FROM held_uploads WHERE client_id = ?"),
                               QStringLiteral("DELETE FROM held_messages WHERE client_id = ?")}) {
        query.prepare(sql);
        query.addBindValue(clientId);
        ok = ok && query.exec();
    }
    if (!ok) {
        qCWarning(lcClient) << "cache: cannot remove a message waiting for its files:" << statusError(query);
        db.rollback();
        return false;
    }
    const bool removed = query.numRowsAffected() > 0;
    return db.commit() && removed;
}

QList<CachedHeldMessage> LocalCache::heldMessages() const
{
    QList<CachedHeldMessage> messages;
    if (!isOpen())
        return messages;
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    if (!query.exec(QStringLiteral("SELECT client_id, room_id, text, thread_root, created_at FROM held_messages"
                                   " ORDER BY position"))) {
        qCWarning(lcClient) << "cache: cannot read the messages waiting for their files:" << statusError(query);
        return messages;
    }
    while (query.next()) {
        messages.append(CachedHeldMessage{query.value(0).toString(), RoomId(query.value(1).toLongLong()),
                                          query.value(2).toString(), query.value(3).toLongLong(),
                                          query.value(4).toLongLong(), {}});
    }
    if (!query.exec(QStringLiteral("SELECT client_id, upload_key, path, bytes, name, mime, size, sha256 FROM held_uploads"
                                   " ORDER BY client_id, position"))) {
        qCWarning(lcClient) << "cache: cannot read the files of waiting messages:" << statusError(query);
        return {};
    }
    while (query.next()) {
        const QString clientId = query.value(0).toString();
        const auto message = std::find_if(messages.begin(), messages.end(),
                                          [&clientId](const CachedHeldMessage &m) { return m.clientId == clientId; });
        if (message == messages.end())
            continue;
        message->uploads.append(CachedUpload{query.value(1).toString(), query.value(2).toString(), query.value(3).toByteArray(),
                                             query.value(4).toString(), query.value(5).toString(),
                                             query.value(6).toLongLong(), query.value(7).toString()});
    }
    return messages;
}

QString LocalCache::draft(RoomId room) const
{
    if (!isOpen())
        return QString();
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(QStringLiteral("SELECT text FROM drafts WHERE room_id = ?"));
    query.addBindValue(room.value());
    if (!query.exec() || !query.next())
        return QString();
    return query.value(0).toString();
}

bool LocalCache::setDraft(RoomId room, const QString &text)
{
    if (!isOpen())
        return false;
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    if (text.isEmpty()) {
        query.prepare(QStringLiteral("DELETE FROM drafts WHERE room_id = ?"));
        query.addBindValue(room.value());
    } else {
        query.prepare(QStringLiteral("INSERT OR REPLACE INTO drafts (room_id, text) VALUES (?, ?)"));
        query.addBindValue(room.value());
        query.addBindValue(text);
    }
    if (!query.exec()) {
        qCWarning(lcClient) << "cache: cannot store a draft:" << statusError(query);
        return false;
    }
    return true;
}

quint64 LocalCache::codeAgent(qint64 sessionId) const
{
    if (!isOpen())
        return 0;
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(QStringLiteral("SELECT agent FROM code_agents WHERE session_id = ?"));
    query.addBindValue(sessionId);
    if (!query.exec() || !query.next())
        return 0;
    return static_cast<quint64>(query.value(0).toLongLong());
}

bool LocalCache::setCodeAgent(qint64 sessionId, quint64 agent)
{
    if (!isOpen())
        return false;
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(QStringLiteral("INSERT OR REPLACE INTO code_agents (session_id, agent) VALUES (?, ?)"));
    query.addBindValue(sessionId);
    query.addBindValue(static_cast<qint64>(agent));
    if (!query.exec()) {
        qCWarning(lcClient) << "cache: cannot store a code agent:" << statusError(query);
        return false;
    }
    return true;
}

bool LocalCache::setUnsentEdits(UserId user, const CachedUnsentEdits &edits)
{
    if (!isOpen())
        return false;
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(QStringLiteral("INSERT OR REPLACE INTO code_unsent (user_id, session_id, file_id, path, state, pending,"
                                 " saved_at) VALUES (?, ?, ?, ?, ?, ?, ?)"));
    query.addBindValue(user.value());
    query.addBindValue(edits.sessionId);
    query.addBindValue(edits.fileId);
    query.addBindValue(edits.path);
    query.addBindValue(edits.state);
    query.addBindValue(edits.pending);
    query.addBindValue(edits.savedAt);
    if (!query.exec()) {
        qCWarning(lcClient) << "cache: cannot keep unsent code edits:" << statusError(query);
        return false;
    }
    return true;
}

bool LocalCache::removeUnsentEdits(UserId user, qint64 sessionId, qint64 fileId)
{
    if (!isOpen())
        return false;
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(QStringLiteral("DELETE FROM code_unsent WHERE user_id = ? AND session_id = ? AND file_id = ?"));
    query.addBindValue(user.value());
    query.addBindValue(sessionId);
    query.addBindValue(fileId);
    if (!query.exec()) {
        qCWarning(lcClient) << "cache: cannot remove unsent code edits:" << statusError(query);
        return false;
    }
    return query.numRowsAffected() > 0;
}

QList<CachedUnsentEdits> LocalCache::unsentEdits(UserId user, qint64 sessionId) const
{
    QList<CachedUnsentEdits> kept;
    if (!isOpen())
        return kept;
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(QStringLiteral("SELECT session_id, file_id, path, state, pending, saved_at FROM code_unsent"
                                 " WHERE user_id = ? AND (? = 0 OR session_id = ?) ORDER BY session_id, file_id"));
    query.addBindValue(user.value());
    query.addBindValue(sessionId);
    query.addBindValue(sessionId);
    if (!query.exec()) {
        qCWarning(lcClient) << "cache: cannot read unsent code edits:" << statusError(query);
        return kept;
    }
    while (query.next()) {
        kept.append(CachedUnsentEdits{query.value(0).toLongLong(), query.value(1).toLongLong(), query.value(2).toString(),
                                      query.value(3).toByteArray(), query.value(4).toByteArray(),
                                      query.value(5).toLongLong()});
    }
    return kept;
}

qint64 LocalCache::addRefusedEdits(UserId user, const CachedRefusedEdits &edits)
{
    if (!isOpen())
        return 0;
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(QStringLiteral("INSERT INTO code_refused (user_id, session_id, file_id, path, text, error, message,"
                                 " refused_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
    query.addBindValue(user.value());
    query.addBindValue(edits.sessionId);
    query.addBindValue(edits.fileId);
    query.addBindValue(edits.path);
    query.addBindValue(edits.text);
    query.addBindValue(Protocol::errorCodeName(edits.error));
    query.addBindValue(edits.message);
    query.addBindValue(edits.refusedAt);
    if (!query.exec()) {
        qCWarning(lcClient) << "cache: cannot keep refused code edits:" << statusError(query);
        return 0;
    }
    return query.lastInsertId().toLongLong();
}

bool LocalCache::removeRefusedEdits(qint64 id)
{
    if (!isOpen())
        return false;
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(QStringLiteral("DELETE FROM code_refused WHERE id = ?"));
    query.addBindValue(id);
    if (!query.exec()) {
        qCWarning(lcClient) << "cache: cannot remove refused code edits:" << statusError(query);
        return false;
    }
    return query.numRowsAffected() > 0;
}

QList<CachedRefusedEdits> LocalCache::refusedEdits(UserId user, qint64 sessionId) const
{
    QList<CachedRefusedEdits> kept;
    if (!isOpen())
        return kept;
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(QStringLiteral("SELECT id, session_id, file_id, path, text, error, message, refused_at FROM code_refused"
                                 " WHERE user_id = ? AND (? = 0 OR session_id = ?) ORDER BY id"));
    query.addBindValue(user.value());
    query.addBindValue(sessionId);
    query.addBindValue(sessionId);
    if (!query.exec()) {
        qCWarning(lcClient) << "cache: cannot read refused code edits:" << statusError(query);
        return kept;
    }
    while (query.next()) {
        CachedRefusedEdits edits{query.value(0).toLongLong(), query.value(1).toLongLong(), query.value(2).toLongLong(),
                                 query.value(3).toString(), query.value(4).toString(), Protocol::ErrorCode::Internal,
                                 query.value(6).toString(), query.value(7).toLongLong()};
        if (!Protocol::parseErrorCode(query.value(5).toString(), &edits.error))
            edits.error = Protocol::ErrorCode::Internal;
        kept.append(edits);
    }
    return kept;
}

} // namespace Cohort::Client
