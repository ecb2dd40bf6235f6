// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
//
// cohort-bench-chat-rooms: delivery latency with many busy rooms at once. Creates R group rooms
// (room.create; retried clientIds return the same rooms) and runs one paced fan-out run
// (bench/fanout's FanoutRun: N clients joined, K senders, every delivery checked) per room,
// all at the same time. Prints one JSON line per room and a summary line.
//
// With --processes P > 1 the rooms are spread over P worker processes (this program again, given
// its rooms with --room-ids), as the clients of a real school are spread over many machines: one
// process holding every connection measures its own event loop as much as the server. A room's
// senders and receivers stay in one process, so its latencies need no clock shared between
// processes.
#include "benchclient.h"
#include "fanoutrun.h"
#include "output.h"
#include "procstats.h"
#include "wait.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QRandomGenerator>
#include <QSocketNotifier>

#include <algorithm>
#include <memory>

#include <unistd.h>

using namespace Cohort::Bench;

namespace {

double median(std::vector<double> values)
{
    if (values.empty())
        return -1;
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

struct RoomRun
{
    QUrl url;
    QString serverName;
    qint64 serverPid = 0;
    int perRoom = 0;
    int sendersPerRoom = 0;
    double perSecond = 0;
    int duration = 0;
    QString username;
    QString password;
    bool inStep = false;
};

/// Runs one FanoutRun per room in this process; one result line per room. No room sends before
/// every room is joined: at once when this process has all the rooms, else when the coordinator
/// says "go" on stdin, after this worker has said "joined" on stdout.
std::vector<QJsonObject> runHere(const RoomRun &shape, const std::vector<qint64> &roomIds, bool worker, bool &allOk)
{
    std::vector<std::unique_ptr<FanoutRun>> runs;
    std::vector<QJsonObject> results(roomIds.size());
    int pending = int(roomIds.size());
    for (size_t i = 0; i < roomIds.size(); ++i) {
        FanoutConfig config;
        config.crowd.url = shape.url;
        config.crowd.clients = shape.perRoom;
        config.crowd.username = shape.username;
        config.crowd.password = shape.password;
        config.crowd.roomId = roomIds[i];
        config.crowd.concurrency = 5;
        config.serverName = shape.serverName;
        config.serverPid = shape.serverPid;
        config.senders = shape.sendersPerRoom;
        config.mode = FanoutConfig::Mode::Paced;
        config.rate = shape.perSecond;
        config.messages = qMax(1, qRound(shape.perSecond * shape.duration));
        config.timeoutSeconds = shape.duration + 120;
        config.waitForGo = true;
        // Classes do not post in step: each room sends at its own phase of the interval, unless
        // --in-step asks for the worst case, every room's message at the same instant.
        if (!shape.inStep)
            config.startDelayMs = int(QRandomGenerator::global()->bounded(1000.0 / shape.perSecond));
        auto run = std::make_unique<FanoutRun>(config);
        QObject::connect(run.get(), &FanoutRun::finished, QCoreApplication::instance(),
                         [&results, &pending, &allOk, &roomIds, i](const QJsonObject &result, bool ok) {
                             results[i] = result;
                             results[i].insert(QStringLiteral("bench"), QStringLiteral("chat-rooms-room"));
                             results[i].insert(QStringLiteral("roomId"), roomIds[i]);
                             allOk = allOk && ok;
                             if (--pending == 0)
                                 QCoreApplication::quit();
                         });
        runs.push_back(std::move(run));
    }
    const auto goAll = [&runs] {
        for (const std::unique_ptr<FanoutRun> &run : runs)
            run->go();
    };
    QFile input;
    QSocketNotifier goSignal(STDIN_FILENO, QSocketNotifier::Read);
    goSignal.setEnabled(false);
    if (worker) {
        input.open(STDIN_FILENO, QIODevice::ReadOnly);
        QObject::connect(&goSignal, &QSocketNotifier::activated, QCoreApplication::instance(), [&] {
            goSignal.setEnabled(false);
            if (input.readLine().trimmed() == "go")
                goAll();
        });
    }
    int joining = int(runs.size());
    for (const std::unique_ptr<FanoutRun> &run : runs) {
        QObject::connect(run.get(), &FanoutRun::joined, QCoreApplication::instance(), [&] {
            if (--joining > 0)
                return;
            if (!worker) {
                goAll();
                return;
            }
            QFile output;
            output.open(STDOUT_FILENO, QIODevice::WriteOnly);
            output.write("joined\n");
            output.flush();
            goSignal.setEnabled(true);
        });
        run->start();
    }
    QCoreApplication::exec();
    return results;
}

/// Spreads the rooms over worker processes and gathers their result lines.
std::vector<QJsonObject> runInWorkers(const QStringList &baseArguments, const std::vector<qint64> &roomIds,
                                      int processes, bool &allOk)
{
    std::vector<std::unique_ptr<QProcess>> workers;
    for (int w = 0; w < processes; ++w) {
        QStringList ids;
        for (size_t i = size_t(w); i < roomIds.size(); i += size_t(processes))
            ids.append(QString::number(roomIds[i]));
        if (ids.isEmpty())
            continue;
        auto worker = std::make_unique<QProcess>();
        worker->setProcessChannelMode(QProcess::ForwardedErrorChannel);
        worker->start(QCoreApplication::applicationFilePath(),
                      baseArguments + QStringList{QStringLiteral("--room-ids"), ids.join(u',')});
        workers.push_back(std::move(worker));
    }
    // Every worker's rooms are joined before any room sends.
    for (const std::unique_ptr<QProcess> &worker : workers) {
        while (!worker->canReadLine() && worker->state() != QProcess::NotRunning)
            worker->waitForReadyRead(1000);
        if (worker->readLine().trimmed() != "joined")
            allOk = false;
    }
    // QProcess writes when its events run, which this loop does not: flush each one now, or a
    // worker would hear "go" only once the one before it had finished.
    for (const std::unique_ptr<QProcess> &worker : workers) {
        worker->write("go\n");
        worker->waitForBytesWritten(5000);
    }
    std::vector<QJsonObject> results;
    for (const std::unique_ptr<QProcess> &worker : workers) {
        worker->waitForFinished(-1);
        allOk = allOk && worker->exitStatus() == QProcess::NormalExit && worker->exitCode() == 0;
        const QList<QByteArray> lines = worker->readAllStandardOutput().split('\n');
        for (const QByteArray &line : lines) {
            const QJsonObject result = QJsonDocument::fromJson(line).object();
            if (result.value(QStringLiteral("bench")) == QStringLiteral("chat-rooms-room"))
                results.push_back(result);
        }
    }
    if (results.size() != roomIds.size())
        allOk = false;
    return results;
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
    const QCommandLineOption processes(QStringLiteral("processes"),
                                       QStringLiteral("Worker processes the rooms are spread over (default 1)."),
                                       QStringLiteral("n"), QStringLiteral("1"));
    const QCommandLineOption roomIdsOption(QStringLiteral("room-ids"),
                                           QStringLiteral("Worker mode: run these existing rooms (comma-separated ids) "
                                                          "and print only their lines."),
                                           QStringLiteral("ids"));
    const QCommandLineOption inStep(QStringLiteral("in-step"),
                                    QStringLiteral("Every room sends at the same instants (default: each at its own "
                                                   "phase of the interval)."));
    parser.addOptions({url, pid, name, rooms, clients, senders, rate, seconds, username, password, processes,
                       roomIdsOption, inStep});
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

    const RoomRun shape{serverUrl,      parser.value(name),  serverPid, perRoom,
                        sendersPerRoom, perSecond,           duration,  parser.value(username),
                        parser.value(password), parser.isSet(inStep)};
    bool allOk = true;
    if (parser.isSet(roomIdsOption)) {
        std::vector<qint64> ids;
        for (const QString &id : parser.value(roomIdsOption).split(u','))
            ids.push_back(id.toLongLong());
        for (const QJsonObject &line : runHere(shape, ids, true, allOk))
            printJsonLine(line);
        return allOk ? 0 : 1;
    }

    // The rooms: group rooms of the bench account (a retried clientId returns the same room).
    BenchClient setup(-1);
    if (const QString error = signIn(setup, serverUrl, shape.username, shape.password); !error.isEmpty()) {
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

    const int processCount = std::clamp(parser.value(processes).toInt(), 1, roomCount);
    const qint64 cpuStart = processCpuMicros(serverPid);
    QStringList workerArguments{QStringLiteral("--url"), serverUrl.toString(), QStringLiteral("--server-pid"),
                                QString::number(serverPid), QStringLiteral("--server-name"), shape.serverName,
                                QStringLiteral("--clients"), QString::number(perRoom), QStringLiteral("--senders"),
                                QString::number(sendersPerRoom), QStringLiteral("--rate"), QString::number(perSecond),
                                QStringLiteral("--seconds"), QString::number(duration), QStringLiteral("--username"),
                                shape.username, QStringLiteral("--password"), shape.password};
    if (shape.inStep)
        workerArguments.append(QStringLiteral("--in-step"));
    const std::vector<QJsonObject> results = processCount == 1 ? runHere(shape, roomIds, false, allOk)
                                                               : runInWorkers(workerArguments, roomIds, processCount, allOk);
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
    for (const QJsonObject &line : results) {
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
                          {QStringLiteral("processes"), processCount},
                          {QStringLiteral("inStep"), shape.inStep},
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
