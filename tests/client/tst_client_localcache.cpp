// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "localcache.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Cohort;
using namespace Cohort::Client;

class TestLocalCache : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void accountKeysAreDistinctAndSafe()
    {
        const QUrl a(QStringLiteral("ws://school.example:8740/"));
        const QUrl b(QStringLiteral("ws://other.example:8740/"));
        QCOMPARE(LocalCache::accountKey(a, QStringLiteral("ana")), LocalCache::accountKey(a, QStringLiteral("ana")));
        QVERIFY(LocalCache::accountKey(a, QStringLiteral("ana")) != LocalCache::accountKey(b, QStringLiteral("ana")));
        QVERIFY(LocalCache::accountKey(a, QStringLiteral("ana")) != LocalCache::accountKey(a, QStringLiteral("ben")));
        const QString key = LocalCache::accountKey(a, QStringLiteral("../evil/name"));
        QVERIFY(!key.contains(QLatin1Char('/')));
        QVERIFY(LocalCache::pathFor(a, QStringLiteral("ana"), QStringLiteral("/root")).startsWith(QStringLiteral("/root/ana-")));
        QVERIFY(LocalCache::pathFor(a, QStringLiteral("ana")).startsWith(
            QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)));
    }

    void migratesAVersionOneCacheKeepingItsOutbox()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("old/cache.sqlite"));
        QVERIFY(QDir().mkpath(dir.filePath(QStringLiteral("old"))));
        {
            // The layout of the first release, with one message waiting in the outbox.
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("v1"));
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QSqlQuery query(db);
            QVERIFY(query.exec(QStringLiteral("CREATE TABLE outbox (position INTEGER PRIMARY KEY AUTOINCREMENT,"
                                              " client_id TEXT NOT NULL UNIQUE, room_id INTEGER NOT NULL, text TEXT NOT NULL,"
                                              " created_at INTEGER NOT NULL, failed INTEGER NOT NULL DEFAULT 0,"
                                              " failure_code TEXT, failure_message TEXT)")));
            QVERIFY(query.exec(QStringLiteral("INSERT INTO outbox (client_id, room_id, text, created_at) VALUES ('c1', 7, 'kept', 5)")));
            QVERIFY(query.exec(QStringLiteral("PRAGMA user_version=1")));
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("v1"));
        LocalCache cache;
        QCOMPARE(cache.open(path), QString());
        const QList<OutboxItem> items = cache.outboxItems();
        QCOMPARE(items.size(), 1);
        QCOMPARE(items.at(0).text, QStringLiteral("kept"));
        QCOMPARE(items.at(0).threadRoot, 0);
        OutboxItem reply;
        reply.clientId = QStringLiteral("c2");
        reply.roomId = RoomId(7);
        reply.text = QStringLiteral("in a thread");
        reply.threadRoot = 42;
        QVERIFY(cache.addOutboxItem(reply));
        QCOMPARE(cache.outboxItems().at(1).threadRoot, 42);
        QVERIFY(cache.setDraft(RoomId(7), QStringLiteral("half a thought")));
        cache.close();
        QCOMPARE(cache.open(path), QString()); // reopening a version 2 cache migrates nothing
        QCOMPARE(cache.draft(RoomId(7)), QStringLiteral("half a thought"));
        QVERIFY(cache.setDraft(RoomId(7), QString()));
        QVERIFY(cache.draft(RoomId(7)).isEmpty());
    }

    void migratesAVersionTwoCacheWithCodeTables()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("v2/cache.sqlite"));
        QVERIFY(QDir().mkpath(dir.filePath(QStringLiteral("v2"))));
        {
            // A version 2 cache: an agent id kept, no tables for code edits yet.
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("v2"));
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QSqlQuery query(db);
            QVERIFY(query.exec(QStringLiteral("CREATE TABLE code_agents (session_id INTEGER PRIMARY KEY, agent INTEGER NOT NULL)")));
            QVERIFY(query.exec(QStringLiteral("INSERT INTO code_agents (session_id, agent) VALUES (3, 77)")));
            QVERIFY(query.exec(QStringLiteral("PRAGMA user_version=2")));
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("v2"));
        LocalCache cache;
        QCOMPARE(cache.open(path), QString());
        QCOMPARE(cache.codeAgent(3), quint64(77));
        const UserId ana(5);
        const UserId ben(6);
        const CachedUnsentEdits edits{3, 9, QStringLiteral("main.py"), QByteArray("state"), QByteArray("pending"), 1000};
        QVERIFY(cache.unsentEdits(ana).isEmpty());
        QVERIFY(cache.setUnsentEdits(ana, edits));
        CachedUnsentEdits newer = edits;
        newer.pending = QByteArray("more pending");
        QVERIFY(cache.setUnsentEdits(ana, newer)); // replaces: one row per file
        const CachedRefusedEdits first{0, 3, 9, QStringLiteral("main.py"), QStringLiteral("x = 1"),
                                       Protocol::ErrorCode::Forbidden, QStringLiteral("viewer"), 2000};
        const qint64 firstId = cache.addRefusedEdits(ana, first);
        CachedRefusedEdits second = first;
        second.text = QStringLiteral("x = 2");
        second.error = Protocol::ErrorCode::Conflict;
        const qint64 secondId = cache.addRefusedEdits(ana, second);
        QVERIFY(firstId > 0 && secondId > firstId);
        cache.close();

        QCOMPARE(cache.open(path), QString());
        QCOMPARE(cache.unsentEdits(ana), QList<CachedUnsentEdits>{newer});
        QCOMPARE(cache.unsentEdits(ana, 3), QList<CachedUnsentEdits>{newer});
        QVERIFY(cache.unsentEdits(ana, 4).isEmpty());
        QVERIFY(cache.unsentEdits(ben).isEmpty()); // another user's are not theirs
        QVERIFY(cache.refusedEdits(ben, 3).isEmpty());
        const QList<CachedRefusedEdits> refused = cache.refusedEdits(ana, 3);
        QCOMPARE(refused.size(), 2); // both kept, oldest first
        QCOMPARE(refused.at(0).id, firstId);
        QCOMPARE(refused.at(0).text, QStringLiteral("x = 1"));
        QCOMPARE(refused.at(1).error, Protocol::ErrorCode::Conflict);
        QCOMPARE(cache.refusedEdits(ana).size(), 2);
        QVERIFY(cache.removeRefusedEdits(firstId));
        QCOMPARE(cache.refusedEdits(ana, 3).size(), 1);
        QVERIFY(!cache.removeUnsentEdits(ben, 3, 9));
        QVERIFY(cache.removeUnsentEdits(ana, 3, 9));
        QVERIFY(cache.unsentEdits(ana).isEmpty());
    }

    void heldMessagesKeepTheirFilesAcrossReopen()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("acct/cache.sqlite"));
        LocalCache cache;
        QCOMPARE(cache.open(path), QString());
        const CachedUpload file{QStringLiteral("u1"), QStringLiteral("/home/ana/essay.pdf"), {}, QStringLiteral("essay.pdf"),
                                QStringLiteral("application/pdf"), 5000, QString()};
        const CachedUpload pasted{QStringLiteral("u2"), QString(), QByteArray("\x89PNG\0bytes", 10), QStringLiteral("image.png"),
                                  QStringLiteral("image/png"), 10, QString(64, QLatin1Char('b'))};
        const CachedHeldMessage first{QStringLiteral("m1"), RoomId(7), QStringLiteral("my essay"), 0, 100, {file, pasted}};
        const CachedHeldMessage second{QStringLiteral("m2"), RoomId(8), QString(), 42, 200, {}};
        QVERIFY(cache.addHeldMessage(first));
        QVERIFY(cache.addHeldMessage(second));
        QVERIFY(!cache.addHeldMessage(first)); // one row per message: nothing doubled
        cache.close();
        QCOMPARE(cache.open(path), QString());
        QCOMPARE(cache.heldMessages(), (QList<CachedHeldMessage>{first, second}));
        QVERIFY(cache.removeHeldMessage(QStringLiteral("m1")));
        QVERIFY(!cache.removeHeldMessage(QStringLiteral("m1")));
        QCOMPARE(cache.heldMessages(), QList<CachedHeldMessage>{second});
        // Its files went with it: the same upload keys can be stored again.
        QVERIFY(cache.addHeldMessage(first));
        QCOMPARE(cache.heldMessages(), (QList<CachedHeldMessage>{second, first}));
    }

    void opensInWalMode()
    {
        QTemporaryDir dir;
        LocalCache cache;
        const QString path = dir.filePath(QStringLiteral("acct/cache.sqlite"));
        QCOMPARE(cache.open(path), QString());
        QVERIFY(cache.isOpen());
        QCOMPARE(cache.path(), path);
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("inspect"));
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QSqlQuery query(db);
            QVERIFY(query.exec(QStringLiteral("PRAGMA journal_mode")) && query.next());
            QCOMPARE(query.value(0).toString(), QStringLiteral("wal"));
        }
        QSqlDatabase::removeDatabase(QStringLiteral("inspect"));
    }

    void deletedTextLeavesNoTrace()
    {
        // Cached messages and drafts are deleted for privacy too: their text must not stay in
        // the file's free space (secure_delete), short values and long ones on overflow pages.
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("cache.sqlite"));
        const QByteArray marker = QByteArrayLiteral("cached-marker-91c2e4");
        const QByteArray longText(20000, 'z');
        {
            LocalCache cache;
            QCOMPARE(cache.open(path), QString());
            const RoomId room(7);
            QVERIFY(cache.storeEvent({room, 1, QStringLiteral("message.created"), 1,
                                      QByteArrayLiteral("{\"text\":\"") + marker + QByteArrayLiteral("\"}")}));
            QVERIFY(cache.storeEvent({room, 2, QStringLiteral("message.created"), 2,
                                      QByteArrayLiteral("{\"text\":\"") + longText + QByteArrayLiteral("\"}")}));
            QVERIFY(cache.setDraft(room, QStringLiteral("draft-marker-5be0")));
            QVERIFY(cache.clearRoom(room));
            QVERIFY(cache.setDraft(room, QString()));
            QVERIFY(cache.draft(room).isEmpty());
        }
        // The last connection's close checkpoints the WAL into the file and removes it.
        QVERIFY(!QFileInfo::exists(path + QStringLiteral("-wal")));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray bytes = file.readAll();
        QVERIFY(!bytes.isEmpty());
        QVERIFY2(!bytes.contains(marker), "a deleted message is still in the cache file");
        QVERIFY2(!bytes.contains(QByteArrayLiteral("draft-marker-5be0")), "a deleted draft is still in the cache file");
        QVERIFY2(!bytes.contains(QByteArray(2000, 'z')), "a long deleted message is still in the cache file");
    }

    void eventsAndLastSeq()
    {
        QTemporaryDir dir;
        LocalCache cache;
        QCOMPARE(cache.open(dir.filePath(QStringLiteral("cache.sqlite"))), QString());
        const RoomId room(3);
        QCOMPARE(cache.lastSeq(room), 0);
        for (qint64 seq = 1; seq <= 5; ++seq)
            QVERIFY(cache.storeEvent({room, seq, QStringLiteral("message.created"), 1000 + seq, QByteArray("{\"text\":\"") + QByteArray::number(seq) + "\"}"}));
        QVERIFY(cache.storeEvent({RoomId(4), 9, QStringLiteral("message.created"), 1, QByteArray("{}")}));
        QCOMPARE(cache.lastSeq(room), 5);
        QCOMPARE(cache.lastSeq(RoomId(4)), 9);

        const QList<CachedEvent> after = cache.events(room, 2);
        QCOMPARE(after.size(), 3);
        QCOMPARE(after.first().seq, 3);
        QCOMPARE(after.first().payload, QByteArray("{\"text\":\"3\"}"));
        const QList<CachedEvent> latest = cache.latestEvents(room, 2);
        QCOMPARE(latest.size(), 2);
        QCOMPARE(latest.at(0).seq, 4);
        QCOMPARE(latest.at(1).seq, 5);

        QVERIFY(cache.clearRoom(room));
        QCOMPARE(cache.lastSeq(room), 0);
        QVERIFY(cache.events(room).isEmpty());
        QCOMPARE(cache.lastSeq(RoomId(4)), 9);
    }

    void roomsKeepOnlyTheirNewestEvents()
    {
        QTemporaryDir dir;
        LocalCache cache;
        QCOMPARE(cache.open(dir.filePath(QStringLiteral("cache.sqlite"))), QString());
        const RoomId busy(5);
        const RoomId quiet(6);
        QVERIFY(cache.storeEvent({quiet, 1, QStringLiteral("message.created"), 1, QByteArray("{}")}));
        for (qint64 seq = 1; seq <= 3000; ++seq)
            QVERIFY(cache.storeEvent({busy, seq, QStringLiteral("message.created"), seq, QByteArray("{}")}));

        const QList<CachedEvent> kept = cache.events(busy, 0, 5000);
        QVERIFY2(kept.size() >= 1000 && kept.size() < 1100, qPrintable(QString::number(kept.size())));
        QCOMPARE(kept.last().seq, 3000);
        QCOMPARE(kept.first().seq, 3000 - kept.size() + 1); // a contiguous tail, nothing missing
        QCOMPARE(cache.lastSeq(busy), 3000);
        QCOMPARE(cache.events(quiet).size(), 1); // another room's events are untouched
    }

    void outboxKeepsOrderAndSurvivesReopen()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("cache.sqlite"));
        {
            LocalCache cache;
            QCOMPARE(cache.open(path), QString());
            for (int i = 0; i < 3; ++i) {
                OutboxItem item;
                item.clientId = QStringLiteral("id-%1").arg(i);
                item.roomId = RoomId(1);
                item.text = QStringLiteral("message %1").arg(i);
                item.createdAt = 100 + i;
                QVERIFY(cache.addOutboxItem(item));
            }
            OutboxItem duplicate;
            duplicate.clientId = QStringLiteral("id-1");
            QVERIFY(!cache.addOutboxItem(duplicate));

            OutboxItem failed = cache.outboxItems().at(2);
            failed.status = OutboxItem::Status::Failed;
            failed.failure = Protocol::ErrorCode::Forbidden;
            failed.failureMessage = QStringLiteral("not a member");
            QVERIFY(cache.updateOutboxItem(failed));
            QVERIFY(cache.removeOutboxItem(QStringLiteral("id-0")));
            QVERIFY(!cache.removeOutboxItem(QStringLiteral("id-0")));
        }
        LocalCache reopened;
        QCOMPARE(reopened.open(path), QString());
        const QList<OutboxItem> items = reopened.outboxItems();
        QCOMPARE(items.size(), 2);
        QCOMPARE(items.at(0).clientId, QStringLiteral("id-1"));
        QCOMPARE(items.at(0).status, OutboxItem::Status::Pending);
        QCOMPARE(items.at(0).text, QStringLiteral("message 1"));
        QCOMPARE(items.at(0).createdAt, 101);
        QCOMPARE(items.at(1).clientId, QStringLiteral("id-2"));
        QCOMPARE(items.at(1).status, OutboxItem::Status::Failed);
        QCOMPARE(items.at(1).failure, Protocol::ErrorCode::Forbidden);
        QCOMPARE(items.at(1).failureMessage, QStringLiteral("not a member"));
    }

    void refusesANewerSchema()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("cache.sqlite"));
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("future"));
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QSqlQuery query(db);
            QVERIFY(query.exec(QStringLiteral("PRAGMA user_version=99")));
        }
        QSqlDatabase::removeDatabase(QStringLiteral("future"));
        LocalCache cache;
        QVERIFY(cache.open(path).contains(QStringLiteral("newer")));
        QVERIFY(!cache.isOpen());
    }

    void closedCacheFailsQuietly()
    {
        LocalCache cache;
        QVERIFY(!cache.isOpen());
        QCOMPARE(cache.lastSeq(RoomId(1)), 0);
        QVERIFY(!cache.storeEvent({RoomId(1), 1, QStringLiteral("x"), 0, QByteArray("{}")}));
        QVERIFY(cache.outboxItems().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestLocalCache)
#include "tst_client_localcache.moc"
