// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
//
// cohort-bench-chat-populate: fills a SQLite database with chat rooms and messages through the
// server's Storage (the code path of message.send: appendEvent materialises each message and
// its full-text entry in one transaction). The database is made once and reused: a second run
// with the same shape does nothing. Prints one JSON line on stdout.
#include "corpus.h"
#include "output.h"

#include "protocol.h"
#include "storage.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>

using namespace Cohort;
using namespace Cohort::Bench;

namespace {

const QString CorpusSetting = QStringLiteral("bench.corpus");
constexpr qint64 DayMs = 24LL * 60 * 60 * 1000;

struct Shape
{
    int messages = 0;
    int rooms = 0;
    int senders = 0;
    bool lobby = false;
    QString tag() const
    {
        return QStringLiteral("corpus-v1 messages=%1 rooms=%2 senders=%3 lobby=%4")
            .arg(messages).arg(rooms).arg(senders).arg(lobby ? 1 : 0);
    }
};

int fail(const QString &why)
{
    errorStream() << "cohort-bench-chat-populate: " << why << Qt::endl;
    return 1;
}

QByteArray messagePayload(const UserInfo &sender, const QString &clientId, const QString &text)
{
    // The same `data` ChatService::messageSend stores for a top-level message without mentions.
    const QJsonObject data{{QStringLiteral("sender"), sender.toJson()},
                           {QStringLiteral("clientId"), clientId},
                           {QStringLiteral("text"), text},
                           {QStringLiteral("threadRoot"), 0},
                           {QStringLiteral("mentions"), QJsonArray()},
                           {QStringLiteral("mentionsRoom"), false}};
    return QJsonDocument(data).toJson(QJsonDocument::Compact);
}

std::optional<UserInfo> ensureStudent(Server::Storage &storage, int index)
{
    const QString name = QStringLiteral("student%1").arg(index, 3, 10, QLatin1Char('0'));
    if (const std::optional<Server::UserRecord> existing = storage.userByName(name))
        return existing->info;
    // "!" is no Argon2id string: these accounts only ever appear as senders, nobody signs in.
    const Server::StorageResult<Server::UserRecord> created =
        storage.createUser(name, QStringLiteral("Student %1").arg(index), Role::Student, QByteArrayLiteral("!"));
    if (!created.ok())
        return std::nullopt;
    return created.value->info;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("cohort-bench-chat-populate"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Fills a cohort-server SQLite database with group rooms and chat messages (Zipf-distributed "
        "words) through the server's storage. The owner account must exist (cohort-server user add)."));
    parser.addHelpOption();
    const QCommandLineOption db(QStringLiteral("db"), QStringLiteral("SQLite file (cohort.sqlite of a data dir)."),
                                QStringLiteral("path"));
    const QCommandLineOption owner(QStringLiteral("owner"), QStringLiteral("Account that owns every room."),
                                   QStringLiteral("username"), QStringLiteral("bench"));
    const QCommandLineOption messages(QStringLiteral("messages"), QStringLiteral("Messages in all."),
                                      QStringLiteral("n"), QStringLiteral("100000"));
    const QCommandLineOption rooms(QStringLiteral("rooms"), QStringLiteral("Rooms they are spread over."),
                                   QStringLiteral("n"), QStringLiteral("1"));
    const QCommandLineOption senders(QStringLiteral("senders"), QStringLiteral("Members who write (owner included)."),
                                     QStringLiteral("n"), QStringLiteral("20"));
    const QCommandLineOption lobby(QStringLiteral("lobby"),
                                   QStringLiteral("Also a small room with the newest messages, which a client lists first."));
    parser.addOptions({db, owner, messages, rooms, senders, lobby});
    parser.process(app);

    Shape shape{parser.value(messages).toInt(), parser.value(rooms).toInt(), parser.value(senders).toInt(),
                parser.isSet(lobby)};
    if (!parser.isSet(db) || shape.messages < 1 || shape.rooms < 1 || shape.senders < 1)
        return fail(QStringLiteral("need --db, messages, rooms and senders >= 1"));

    Server::DatabaseConfig config;
    config.sqlitePath = parser.value(db);
    const std::unique_ptr<Server::Storage> storage = Server::createStorage(config, QStringLiteral("populate"));
    if (const QString error = storage->open(); !error.isEmpty())
        return fail(error);

    const std::optional<QString> existing = storage->setting(CorpusSetting);
    if (existing && *existing == shape.tag()) {
        const QJsonObject line{{QStringLiteral("populated"), false}, {QStringLiteral("corpus"), shape.tag()}};
        printJsonLine(line);
        return 0;
    }
    if (existing)
        return fail(QStringLiteral("%1 holds another corpus (%2): use a new file").arg(config.sqlitePath, *existing));

    const std::optional<Server::UserRecord> ownerRecord = storage->userByName(parser.value(owner));
    if (!ownerRecord)
        return fail(QStringLiteral("no account %1").arg(parser.value(owner)));
    std::vector<UserInfo> writers{ownerRecord->info};
    QList<UserId> members;
    for (int i = 1; i < shape.senders; ++i) {
        const std::optional<UserInfo> student = ensureStudent(*storage, i);
        if (!student)
            return fail(QStringLiteral("could not create student %1").arg(i));
        writers.push_back(*student);
        members.append(student->id);
    }

    const auto makeRoom = [&](const QString &name) -> std::optional<RoomId> {
        Server::NewRoom room;
        room.kind = RoomKind::Group;
        room.name = name;
        room.creator = ownerRecord->info.id;
        room.clientId = QStringLiteral("bench-") + name;
        room.members = members;
        const auto created = storage->createRoom(room);
        if (!created.ok())
            return std::nullopt;
        return created.value->first;
    };
    std::vector<RoomId> roomIds;
    for (int i = 0; i < shape.rooms; ++i) {
        const std::optional<RoomId> id = makeRoom(QStringLiteral("room-%1").arg(i + 1, 2, 10, QLatin1Char('0')));
        if (!id)
            return fail(QStringLiteral("could not create room %1").arg(i + 1));
        roomIds.push_back(*id);
    }

    // A year of messages up to an hour ago, evenly spaced, so date filters select a known share.
    const qint64 end = QDateTime::currentMSecsSinceEpoch() - 60 * 60 * 1000;
    const qint64 start = end - 365 * DayMs;
    const Corpus corpus;
    std::mt19937_64 random(1);
    QElapsedTimer clock;
    clock.start();
    for (int i = 0; i < shape.messages; ++i) {
        const RoomId room = roomIds[random() % roomIds.size()];
        // Some members write much more than others: the smaller of two uniform picks.
        const size_t writer = std::min(random() % writers.size(), random() % writers.size());
        const qint64 ts = start + (end - start) * i / shape.messages;
        const QString clientId = QStringLiteral("populate-%1").arg(i);
        const auto appended = storage->appendEvent(room, Protocol::EventMessageCreated, writers[writer].id, clientId,
                                                   messagePayload(writers[writer], clientId, corpus.message(random)), ts);
        if (!appended.ok())
            return fail(QStringLiteral("message %1: %2").arg(i).arg(appended.message));
        if ((i + 1) % 50000 == 0)
            errorStream() << (i + 1) << " messages, " << qint64((i + 1) * 1000.0 / qMax<qint64>(1, clock.elapsed())) << "/s"
                  << Qt::endl;
    }
    const qint64 messagesMs = clock.elapsed();

    if (shape.lobby) {
        const std::optional<RoomId> lobbyRoom = makeRoom(QStringLiteral("lobby"));
        if (!lobbyRoom)
            return fail(QStringLiteral("could not create the lobby"));
        for (int i = 0; i < 3; ++i) {
            const QString clientId = QStringLiteral("lobby-%1").arg(i);
            const UserInfo &writer = writers[size_t(i) % writers.size()];
            if (!storage->appendEvent(*lobbyRoom, Protocol::EventMessageCreated, writer.id, clientId,
                                      messagePayload(writer, clientId, corpus.message(random)), end + i + 1).ok())
                return fail(QStringLiteral("could not write to the lobby"));
        }
    }
    if (!storage->setSetting(CorpusSetting, shape.tag()))
        return fail(QStringLiteral("could not record the corpus"));
    storage->close();

    const QJsonObject line{{QStringLiteral("populated"), true},
                           {QStringLiteral("corpus"), shape.tag()},
                           {QStringLiteral("messages"), shape.messages},
                           {QStringLiteral("seconds"), messagesMs / 1000.0},
                           {QStringLiteral("messagesPerSec"), qRound(shape.messages * 1000.0 / qMax<qint64>(1, messagesMs))},
                           {QStringLiteral("databaseBytes"), QFileInfo(config.sqlitePath).size()}};
    printJsonLine(line);
    return 0;
}
