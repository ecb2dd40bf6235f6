// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
//
// cohort-bench-chat-rooms: delivery latency with many busy rooms at once. Creates R group rooms
// (room.create; retried clientIds return the same rooms) and runs one paced fan-out run
// (bench/fanout's FanoutRun: N clients joined, K senders, every delivery checked) per room,
// all at the same time in this process. Prints one JSON line per room and a summary line.
#include "benchclient.h"
#include "fanoutrun.h"
#include "output.h"
#include "procstats.h"
#include "wait.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonArray>

#include <algorithm>
#include <memory>

using namespace Cohort::Bench;

namespace {

double median(std::vector<double> values)
{
    if (values.empty())
        return -1;
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

} // namespace

int main(int argc, char *argv[])
{
    const qint64 fileLimit = prepareLoadGenerator();
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("cohort-bench-chat-rooms"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "R rooms of N WebSocket clients each, K senders per room at a paced rate, all at once; "
        "prints the delivery latency per room and over all rooms."));
    parser.addHelpOption();
    const QCommandLineOption url(QStringLiteral("url"), QStringLiteral("Server URL (loopback only)."),
                                 QStringLiteral("url"));
    const QCommandLineOption pid(QStringLiteral("server-pid"), QStringLiteral("Server process id for CPU and RSS."),
                                 QStringLiteral("pid"));
    const QCommandLineOption name(QStringLiteral("server-name"), QStringLiteral("Label in the output."),
                                  QStringLiteral("name"), QStringLiteral("cohort"));
    const QCommandLineOption rooms(QStringLiteral("rooms"), QStringLiteral("Rooms (R)."), QStringLiteral("n"),
                                   QStringLiteral("50"));
    const QCommandLineOption clients(QStringLiteral("clients"), QStringLiteral("Connections per room (N)."),
                                     QStringLiteral("n"), QStringLiteral("30"));
    const QCommandLineOption senders(QStringLiteral("senders"), QStringLiteral("Sending connections per room (K)."),
                                     QStringLiteral("k"), QStringLiteral("3"));
    const QCommandLineOption rate(QStringLiteral("rate"), QStringLiteral("Messages per second per room."),
                                  QStringLiteral("per-second"), QStringLiteral("2"));
    const QCommandLineOption seconds(QStringLiteral("seconds"), QStringLiteral("How long each room sends."),
                                     QStringLiteral("s"), QStringLiteral("30"));
    const QCommandLineOption username(QStringLiteral("username"), QStringLiteral("Account to sign in with."),
                                      QStringLiteral("name"), QStringLiteral("bench"));
    const QCommandLineOption password(QStringLiteral("password"), QStringLiteral("Its password."),
                                      QStringLiteral("password"));
    parser.addOptions({url, pid, name, rooms, clients, senders, rate, seconds, username, password});
    parser.process(app);

    const QUrl serverUrl(parser.value(url));
    const int roomCount = parser.value(rooms).toInt();
    const int perRoom = parser.value(clients).toInt();
    const int sendersPerRoom = parser.value(senders).toInt();
    const double perSecond = parser.value(rate).toDouble();
    const int duration = parser.value(seconds).toInt();
    const qint64 serverPid = parser.value(pid).toLongLong();
    if (!serverUrl.isValid() || !isLoopback(serverUrl) || serverPid <= 0 || roomCount < 1 || perRoom < 1
        || sendersPerRoom < 1 || sendersPerRoom > perRoom || perSecond <= 0 || duration < 1) {
        errorStream() << "need --url on the loopback interface, --server-pid, rooms >= 1, clients >= senders >= 1, "
                 "rate > 0, seconds >= 1\n";
        return 2;
    }
    if (fileLimit < qint64(roomCount) * perRoom + 64) {
        errorStream() << "open-file limit " << fileLimit << " is too low\n";
        return 2;
    }

    // The rooms: group rooms of the bench account (a retried clientId returns the same room).
    BenchClient setup(-1);
    if (const QString error = signIn(setup, serverUrl, parser.value(username), parser.value(password)); !error.isEmpty()) {
        errorStream() << error << Qt::endl;
        return 1;
    }
    std::vector<qint64> roomIds;
    for (int i = 0; i < roomCount; ++i) {
        const TimedReply created = call(setup, QStringLiteral("room.create"),
                                        {{QStringLiteral("clientId"), QStringLiteral("bench-rooms-%1").arg(i)},
                                         {QStringLiteral("kind"), QStringLiteral("group")},
                                         {QStringLiteral("name"), QStringLiteral("Delivery %1").arg(i + 1)}});
        if (!created.ok()) {
            errorStream() << "room.create: " << BenchClient::errorText(created.frame) << Qt::endl;
            return 1;
        }
        roomIds.push_back(created.data().value(QStringLiteral("room")).toObject().value(QStringLiteral("id")).toInteger());
    }
    setup.abort();

    const qint64 cpuStart = processCpuMicros(serverPid);
    std::vector<std::unique_ptr<FanoutRun>> runs;
    std::vector<QJsonObject> results(roomIds.size());
    int pending = int(roomIds.size());
    bool allOk = true;
    for (size_t i = 0; i < roomIds.size(); ++i) {
        FanoutConfig config;
        config.crowd.url = serverUrl;
        config.crowd.clients = perRoom;
        config.crowd.username = parser.value(username);
        config.crowd.password = parser.value(password);
        config.crowd.roomId = roomIds[i];
        config.crowd.concurrency = 5;
        config.serverName = parser.value(name);
        config.serverPid = serverPid;
        config.senders = sendersPerRoom;
        config.mode = FanoutConfig::Mode::Paced;
        config.rate = perSecond;
        config.messages = qMax(1, qRound(perSecond * duration));
        config.timeoutSeconds = duration + 120;
        auto run = std::make_unique<FanoutRun>(config);
        QObject::connect(run.get(), &FanoutRun::finished, &app,
                         [&results, &pending, &allOk, i](const QJsonObject &result, bool ok) {
                             results[i] = result;
                             allOk = allOk && ok;
                             if (--pending == 0)
                                 QCoreApplication::quit();
                         });
        runs.push_back(std::move(run));
    }
    for (const std::unique_ptr<FanoutRun> &run : runs)
        run->start();
    app.exec();
    const qint64 cpuMicros = processCpuMicros(serverPid) - cpuStart;

    std::vector<double> p50s;
    std::vector<double> p99s;
    double maxMs = 0;
    qint64 deliveries = 0;
    qint64 expected = 0;
    qint64 losses = 0;
    qint64 reorders = 0;
    qint64 duplicates = 0;
    qint64 seqViolations = 0;
    qint64 rejected = 0;
    QJsonArray roomP99s;
    for (size_t i = 0; i < results.size(); ++i) {
        QJsonObject line = results[i];
        line.insert(QStringLiteral("bench"), QStringLiteral("chat-rooms-room"));
        line.insert(QStringLiteral("roomId"), roomIds[i]);
        printJsonLine(line);
        p50s.push_back(line.value(QStringLiteral("latencyP50Ms")).toDouble());
        p99s.push_back(line.value(QStringLiteral("latencyP99Ms")).toDouble());
        roomP99s.append(line.value(QStringLiteral("latencyP99Ms")));
        maxMs = std::max(maxMs, line.value(QStringLiteral("latencyMaxMs")).toDouble());
        deliveries += line.value(QStringLiteral("deliveries")).toInteger();
        expected += line.value(QStringLiteral("expectedDeliveries")).toInteger();
        losses += line.value(QStringLiteral("losses")).toInteger();
        reorders += line.value(QStringLiteral("reorders")).toInteger();
        duplicates += line.value(QStringLiteral("duplicates")).toInteger();
        seqViolations += line.value(QStringLiteral("roomSeqViolations")).toInteger();
        rejected += line.value(QStringLiteral("rejected")).toInteger();
    }
    printJsonLine(QJsonObject{{QStringLiteral("bench"), QStringLiteral("chat-rooms")},
                          {QStringLiteral("server"), parser.value(name)},
                          {QStringLiteral("rooms"), roomCount},
                          {QStringLiteral("clientsPerRoom"), perRoom},
                          {QStringLiteral("sendersPerRoom"), sendersPerRoom},
                          {QStringLiteral("ratePerRoom"), perSecond},
                          {QStringLiteral("seconds"), duration},
                          {QStringLiteral("deliveries"), deliveries},
                          {QStringLiteral("expectedDeliveries"), expected},
                          {QStringLiteral("losses"), losses},
                          {QStringLiteral("reorders"), reorders},
                          {QStringLiteral("duplicates"), duplicates},
                          {QStringLiteral("roomSeqViolations"), seqViolations},
                          {QStringLiteral("rejected"), rejected},
                          {QStringLiteral("roomP50MedianMs"), median(p50s)},
                          {QStringLiteral("roomP99MedianMs"), median(p99s)},
                          {QStringLiteral("roomP99MaxMs"), p99s.empty() ? -1 : *std::max_element(p99s.begin(), p99s.end())},
                          {QStringLiteral("latencyMaxMs"), maxMs},
                          {QStringLiteral("roomP99s"), roomP99s},
                          {QStringLiteral("serverCpuSec"), cpuMicros / 1e6},
                          {QStringLiteral("serverRssEndBytes"), processRssBytes(serverPid)},
                          {QStringLiteral("ok"), allOk}});
    return allOk ? 0 : 1;
}
