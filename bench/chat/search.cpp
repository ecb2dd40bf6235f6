// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
//
// cohort-bench-chat-search: message.search over the wire against a running cohort-server whose
// database cohort-bench-chat-populate filled, side by side with the same SQL run directly on
// the same file through QSqlQuery (the server's search query, read from its source), so the
// ratio is what the protocol and the server add to SQLite's FTS5. One JSON line per query and a
// summary line on stdout.
#include "benchclient.h"
#include "corpus.h"
#include "output.h"
#include "procstats.h"
#include "samples.h"
#include "wait.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>

#include <cstdio>
#include <limits>

using namespace Cohort::Bench;

namespace {

constexpr qint64 DayMs = 24LL * 60 * 60 * 1000;

/// One search as a user types it, and the same search resolved for the raw SQL.
struct Query
{
    QString label;
    QString text;      // message.search's `query`
    QStringList words; // lower-case words; the last one is matched as a prefix
    qint64 roomId = 0;
    qint64 senderId = 0;
    qint64 after = 0;
};

QString isoDate(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).date().toString(Qt::ISODate);
}

qint64 midnightUtc(qint64 ms)
{
    return QDateTime(QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).date(), QTime(0, 0), Qt::UTC).toMSecsSinceEpoch();
}

/// The server's FTS5 match expression for the words (SqlStorage::searchMessages).
QString ftsMatch(const QStringList &words)
{
    QStringList parts;
    for (const QString &word : words)
        parts.append(QLatin1Char('"') + word + QLatin1Char('"'));
    return parts.join(QLatin1Char(' ')) + QLatin1Char('*');
}

class RawSearch
{
public:
    QString open(const QString &path)
    {
        m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("raw-search"));
        m_db.setDatabaseName(path);
        m_db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY"));
        if (!m_db.open())
            return m_db.lastError().text();
        QFile sql(QStringLiteral(COHORT_SEARCH_SQL));
        if (!sql.open(QIODevice::ReadOnly))
            return QStringLiteral("cannot read ") + sql.fileName();
        m_query = QSqlQuery(m_db);
        m_query.setForwardOnly(true);
        if (!m_query.prepare(QString::fromUtf8(sql.readAll())))
            return m_query.lastError().text();
        return QString();
    }

    qint64 userId(const QString &username)
    {
        QSqlQuery query(m_db);
        query.prepare(QStringLiteral("SELECT id FROM users WHERE username = ?"));
        query.addBindValue(username);
        return query.exec() && query.next() ? query.value(0).toLongLong() : 0;
    }

    /// Runs the search and reads every column of every row, as the server does; returns the
    /// row count, -1 on an error.
    int run(qint64 user, const Query &q)
    {
        m_query.bindValue(QStringLiteral(":user_id"), user);
        m_query.bindValue(QStringLiteral(":match"), ftsMatch(q.words));
        m_query.bindValue(QStringLiteral(":any_room"), q.roomId > 0 ? 0 : 1);
        m_query.bindValue(QStringLiteral(":room_id"), q.roomId);
        m_query.bindValue(QStringLiteral(":any_sender"), q.senderId > 0 ? 0 : 1);
        m_query.bindValue(QStringLiteral(":sender_id"), q.senderId);
        m_query.bindValue(QStringLiteral(":after"), q.after);
        m_query.bindValue(QStringLiteral(":before"), std::numeric_limits<qint64>::max());
        m_query.bindValue(QStringLiteral(":has_file"), 0);
        m_query.bindValue(QStringLiteral(":limit"), 50);
        if (!m_query.exec()) {
            errorStream() << "raw search failed: " << m_query.lastError().text() << Qt::endl;
            return -1;
        }
        int rows = 0;
        const int columns = m_query.record().count();
        while (m_query.next()) {
            for (int c = 0; c < columns; ++c)
                m_query.value(c);
            ++rows;
        }
        m_query.finish();
        return rows;
    }

private:
    QSqlDatabase m_db;
    QSqlQuery m_query;
};

} // namespace

int main(int argc, char *argv[])
{
    prepareLoadGenerator();
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("cohort-bench-chat-search"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Times message.search over the wire and the same SQL run directly on the database file."));
    parser.addHelpOption();
    const QCommandLineOption url(QStringLiteral("url"), QStringLiteral("Server URL (loopback only)."),
                                 QStringLiteral("url"));
    const QCommandLineOption db(QStringLiteral("db"), QStringLiteral("The server's SQLite file, for the raw baseline."),
                                QStringLiteral("path"));
    const QCommandLineOption username(QStringLiteral("username"), QStringLiteral("Account (owner of the rooms)."),
                                      QStringLiteral("name"), QStringLiteral("bench"));
    const QCommandLineOption password(QStringLiteral("password"), QStringLiteral("Its password."),
                                      QStringLiteral("password"));
    const QCommandLineOption reps(QStringLiteral("reps"), QStringLiteral("Timed runs of each query, each way."),
                                  QStringLiteral("n"), QStringLiteral("30"));
    parser.addOptions({url, db, username, password, reps});
    parser.process(app);
    const int repetitions = qMax(1, parser.value(reps).toInt());
    const QUrl serverUrl(parser.value(url));
    if (!serverUrl.isValid() || !isLoopback(serverUrl) || !parser.isSet(db)) {
        errorStream() << "need --url (a ws:// URL on the loopback interface) and --db\n";
        return 2;
    }

    RawSearch raw;
    if (const QString error = raw.open(parser.value(db)); !error.isEmpty()) {
        errorStream() << "raw connection: " << error << Qt::endl;
        return 1;
    }
    BenchClient client(0);
    if (const QString error = signIn(client, serverUrl, parser.value(username), parser.value(password)); !error.isEmpty()) {
        errorStream() << error << Qt::endl;
        return 1;
    }
    const TimedReply rooms = call(client, QStringLiteral("room.list"), {});
    const QJsonArray roomList = rooms.data().value(QStringLiteral("rooms")).toArray();
    if (!rooms.ok() || roomList.isEmpty()) {
        errorStream() << "room.list: no rooms\n";
        return 1;
    }
    qint64 room = 0;
    qint64 newest = 0;
    for (const QJsonValue &r : roomList) {
        const QJsonObject object = r.toObject();
        if (object.value(QStringLiteral("name")).toString() == QStringLiteral("room-02"))
            room = object.value(QStringLiteral("id")).toInteger();
        newest = qMax(newest, object.value(QStringLiteral("lastMessage")).toObject().value(QStringLiteral("ts")).toInteger());
    }
    const qint64 user = raw.userId(parser.value(username));
    const qint64 student = raw.userId(QStringLiteral("student001"));
    if (room == 0 || user == 0 || student == 0 || newest == 0) {
        errorStream() << "the database does not look populated (room-02, student001, messages)\n";
        return 1;
    }

    // Words by frequency rank: rank 5 is in about a fifth of all messages, rank 3,000 in a
    // few hundred of a million.
    const Corpus corpus;
    const auto w = [&corpus](int rank) { return corpus.word(rank); };
    const qint64 monthAgo = midnightUtc(newest - 30 * DayMs);
    const qint64 quarterAgo = midnightUtc(newest - 90 * DayMs);
    const QString roomText = QString::number(room);
    const std::vector<Query> queries = {
        {QStringLiteral("common word"), w(5), {w(5)}, 0, 0, 0},
        {QStringLiteral("mid word"), w(200), {w(200)}, 0, 0, 0},
        {QStringLiteral("rare word"), w(3000), {w(3000)}, 0, 0, 0},
        {QStringLiteral("two words"), w(30) + QLatin1Char(' ') + w(120), {w(30), w(120)}, 0, 0, 0},
        {QStringLiteral("prefix"), w(400).left(3), {w(400).left(3)}, 0, 0, 0},
        {QStringLiteral("from: + word"), QStringLiteral("from:student001 ") + w(50), {w(50)}, 0, student, 0},
        {QStringLiteral("in: + word"), QStringLiteral("in:") + roomText + QLatin1Char(' ') + w(50), {w(50)}, room, 0, 0},
        {QStringLiteral("after: + common word"), QStringLiteral("after:") + isoDate(monthAgo) + QLatin1Char(' ') + w(5),
         {w(5)}, 0, 0, monthAgo},
        {QStringLiteral("from: in: after: + word"),
         QStringLiteral("from:student001 in:%1 after:%2 %3").arg(roomText, isoDate(quarterAgo), w(200)),
         {w(200)}, room, student, quarterAgo},
    };

    Samples allWire;
    Samples allRaw;
    bool ok = true;
    for (const Query &q : queries) {
        const QJsonObject request{{QStringLiteral("query"), q.text}, {QStringLiteral("limit"), 50}};
        // One untimed run each way, so both start with the same pages in the cache.
        const TimedReply warm = call(client, QStringLiteral("message.search"), request);
        const int rawRows = raw.run(user, q);
        const int wireRows = int(warm.data().value(QStringLiteral("results")).toArray().size());
        if (!warm.ok() || rawRows < 0) {
            errorStream() << q.label << ": " << BenchClient::errorText(warm.frame) << Qt::endl;
            ok = false;
            continue;
        }
        Samples wire;
        Samples direct;
        for (int i = 0; i < repetitions; ++i) {
            const TimedReply timed = call(client, QStringLiteral("message.search"), request);
            if (!timed.ok()) {
                ok = false;
                break;
            }
            wire.add(timed.micros);
            allWire.add(timed.micros);
            QElapsedTimer clock;
            clock.start();
            raw.run(user, q);
            const qint64 micros = clock.nsecsElapsed() / 1000;
            direct.add(micros);
            allRaw.add(micros);
        }
        QJsonObject line{{QStringLiteral("bench"), QStringLiteral("chat-search")},
                         {QStringLiteral("query"), q.label},
                         {QStringLiteral("text"), q.text},
                         {QStringLiteral("results"), wireRows},
                         {QStringLiteral("rawResults"), rawRows},
                         {QStringLiteral("reps"), repetitions}};
        wire.writeTo(line, QStringLiteral("wire"));
        direct.writeTo(line, QStringLiteral("raw"));
        line.insert(QStringLiteral("ratioP50"), double(wire.percentile(0.5)) / qMax<qint64>(1, direct.percentile(0.5)));
        printJsonLine(line);
        if (wireRows != rawRows) {
            errorStream() << q.label << ": the server returned " << wireRows << " results, the raw SQL " << rawRows << Qt::endl;
            ok = false;
        }
    }
    QJsonObject summary{{QStringLiteral("bench"), QStringLiteral("chat-search")},
                        {QStringLiteral("query"), QStringLiteral("all")},
                        {QStringLiteral("queries"), int(queries.size())},
                        {QStringLiteral("reps"), repetitions}};
    allWire.writeTo(summary, QStringLiteral("wire"));
    allRaw.writeTo(summary, QStringLiteral("raw"));
    summary.insert(QStringLiteral("ratioP50"), double(allWire.percentile(0.5)) / qMax<qint64>(1, allRaw.percentile(0.5)));
    summary.insert(QStringLiteral("ratioP99"), double(allWire.percentile(0.99)) / qMax<qint64>(1, allRaw.percentile(0.99)));
    printJsonLine(summary);
    return ok ? 0 : 1;
}
