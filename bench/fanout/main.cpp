// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
//
// cohort-bench-fanout: the room fan-out load generator. Prints one JSON line on stdout.
#include "benchclient.h"
#include "fanoutrun.h"
#include "output.h"
#include "procstats.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTextStream>

#include <cstdio>

using namespace Cohort::Bench;

int main(int argc, char *argv[])
{
    const qint64 fileLimit = prepareLoadGenerator();
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("cohort-bench-fanout"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Opens N WebSocket clients to one room of a Cohort (or protocol-compatible) server on this "
        "machine, lets K of them send, and prints one JSON line with throughput, latency, losses, "
        "order and the server's CPU and memory."));
    parser.addHelpOption();
    const QCommandLineOption url(QStringLiteral("url"), QStringLiteral("Server URL (loopback only)."),
                                 QStringLiteral("url"), QStringLiteral("ws://127.0.0.1:8740/"));
    const QCommandLineOption pid(QStringLiteral("server-pid"), QStringLiteral("Server process id for CPU and RSS."),
                                 QStringLiteral("pid"));
    const QCommandLineOption name(QStringLiteral("server-name"), QStringLiteral("Label in the output."),
                                  QStringLiteral("name"), QStringLiteral("cohort"));
    const QCommandLineOption clients(QStringLiteral("clients"), QStringLiteral("Connections (N)."),
                                     QStringLiteral("n"), QStringLiteral("100"));
    const QCommandLineOption senders(QStringLiteral("senders"), QStringLiteral("Sending connections (K)."),
                                     QStringLiteral("k"), QStringLiteral("10"));
    const QCommandLineOption mode(QStringLiteral("mode"), QStringLiteral("burst or paced."),
                                  QStringLiteral("mode"), QStringLiteral("burst"));
    const QCommandLineOption rate(QStringLiteral("rate"), QStringLiteral("Paced: messages per second, all senders."),
                                  QStringLiteral("per-second"), QStringLiteral("200"));
    const QCommandLineOption window(QStringLiteral("window"),
                                    QStringLiteral("Burst: messages per sender not yet delivered to all."),
                                    QStringLiteral("n"), QStringLiteral("8"));
    const QCommandLineOption messages(QStringLiteral("messages"), QStringLiteral("Messages, all senders."),
                                      QStringLiteral("n"), QStringLiteral("1000"));
    const QCommandLineOption textChars(QStringLiteral("text-chars"), QStringLiteral("Characters per message."),
                                       QStringLiteral("n"), QStringLiteral("64"));
    const QCommandLineOption username(QStringLiteral("username"), QStringLiteral("Account to sign in with."),
                                      QStringLiteral("name"), QStringLiteral("bench"));
    const QCommandLineOption password(QStringLiteral("password"), QStringLiteral("Its password."),
                                      QStringLiteral("password"), QStringLiteral("bench-password"));
    const QCommandLineOption room(QStringLiteral("room"), QStringLiteral("Room id (default: the first listed)."),
                                  QStringLiteral("id"), QStringLiteral("0"));
    const QCommandLineOption concurrency(QStringLiteral("connect-concurrency"),
                                         QStringLiteral("Connections being set up at once."),
                                         QStringLiteral("n"), QStringLiteral("50"));
    const QCommandLineOption timeout(QStringLiteral("timeout"), QStringLiteral("Give up after this many seconds."),
                                     QStringLiteral("s"), QStringLiteral("300"));
    parser.addOptions({url, pid, name, clients, senders, mode, rate, window, messages, textChars, username,
                       password, room, concurrency, timeout});
    parser.process(app);

    FanoutConfig config;
    config.crowd.url = QUrl(parser.value(url));
    config.crowd.clients = parser.value(clients).toInt();
    config.crowd.username = parser.value(username);
    config.crowd.password = parser.value(password);
    config.crowd.roomId = parser.value(room).toLongLong();
    config.crowd.concurrency = qMax(1, parser.value(concurrency).toInt());
    config.serverName = parser.value(name);
    config.serverPid = parser.value(pid).toLongLong();
    config.senders = parser.value(senders).toInt();
    config.rate = parser.value(rate).toDouble();
    config.window = parser.value(window).toInt();
    config.messages = parser.value(messages).toInt();
    config.textChars = qBound(32, parser.value(textChars).toInt(), 16000);
    config.timeoutSeconds = qMax(1, parser.value(timeout).toInt());

    QTextStream err(stderr);
    if (parser.value(mode) == QStringLiteral("paced")) {
        config.mode = FanoutConfig::Mode::Paced;
    } else if (parser.value(mode) != QStringLiteral("burst")) {
        err << "--mode must be burst or paced\n";
        return 2;
    }
    // This is a load generator: it only ever targets a server on this machine.
    if (!config.crowd.url.isValid() || !isLoopback(config.crowd.url)) {
        err << "--url must be a ws:// URL on the loopback interface\n";
        return 2;
    }
    if (config.serverPid <= 0 || config.crowd.clients < 1 || config.senders < 1
        || config.senders > config.crowd.clients || config.messages < 1 || config.rate <= 0 || config.window < 1) {
        err << "need --server-pid, clients >= senders >= 1, messages >= 1, rate > 0, window >= 1\n";
        return 2;
    }
    if (fileLimit < config.crowd.clients + 64) {
        err << "open-file limit " << fileLimit << " is too low for " << config.crowd.clients << " clients\n";
        return 2;
    }

    FanoutRun run(config);
    int exitCode = 0;
    QObject::connect(&run, &FanoutRun::finished, &app, [&exitCode](const QJsonObject &result, bool ok) {
        printJsonLine(result);
        exitCode = ok ? 0 : 1;
        QCoreApplication::quit();
    });
    run.start();
    app.exec();
    return exitCode;
}
