// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
//
// cohort-bench-signin-storm: times one Argon2id verification with the server's default
// parameters, then fires a storm of sign-ins at a running cohort-server while clients chat,
// and prints one JSON line on stdout.
#include "authservice.h"
#include "benchclient.h"
#include "output.h"
#include "procstats.h"
#include "signinstorm.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTextStream>

#include <cstdio>

using namespace Cohort::Bench;

namespace {

/// Hashes once with the server's defaults and times `samples` verifications.
void timeVerification(int samples, QJsonObject &json)
{
    const QString password = QStringLiteral("correct horse battery staple");
    QElapsedTimer clock;
    clock.start();
    const QByteArray hash = Cohort::Server::hashPassword(password);
    json.insert(QStringLiteral("hashMs"), toMillis(clock.nsecsElapsed() / 1000));
    Samples verify;
    for (int i = 0; i < samples; ++i) {
        clock.restart();
        const bool ok = Cohort::Server::verifyPassword(hash, password);
        verify.add(clock.nsecsElapsed() / 1000);
        if (!ok) {
            json.insert(QStringLiteral("error"), QStringLiteral("verifyPassword rejected the right password"));
            return;
        }
    }
    json.insert(QStringLiteral("argon2OpsLimit"), qint64(Cohort::Server::DefaultArgon2OpsLimit));
    json.insert(QStringLiteral("argon2MemLimitBytes"), qint64(Cohort::Server::DefaultArgon2MemLimit));
    json.insert(QStringLiteral("verifySamples"), samples);
    json.insert(QStringLiteral("verifyMedianMs"), toMillis(verify.percentile(0.5)));
    json.insert(QStringLiteral("verifyMinMs"), toMillis(verify.percentile(0.0)));
    json.insert(QStringLiteral("verifyMaxMs"), toMillis(verify.max()));
}

} // namespace

int main(int argc, char *argv[])
{
    const qint64 fileLimit = prepareLoadGenerator();
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("cohort-bench-signin-storm"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Times Argon2id verification with the server's defaults; with --url, also measures chat "
        "delivery in a room while a storm of sign-ins hits the server."));
    parser.addHelpOption();
    const QCommandLineOption url(QStringLiteral("url"), QStringLiteral("Server URL (loopback only)."),
                                 QStringLiteral("url"));
    const QCommandLineOption pid(QStringLiteral("server-pid"), QStringLiteral("Server process id for CPU time."),
                                 QStringLiteral("pid"), QStringLiteral("0"));
    const QCommandLineOption username(QStringLiteral("username"), QStringLiteral("Account of the chatters."),
                                      QStringLiteral("name"), QStringLiteral("bench"));
    const QCommandLineOption password(QStringLiteral("password"), QStringLiteral("Its password."),
                                      QStringLiteral("password"), QStringLiteral("bench-password"));
    const QCommandLineOption stormUser(QStringLiteral("storm-username"),
                                       QStringLiteral("Account every storm sign-in uses (default: --username)."),
                                       QStringLiteral("name"));
    const QCommandLineOption stormPassword(QStringLiteral("storm-password"), QStringLiteral("Its password."),
                                           QStringLiteral("password"));
    const QCommandLineOption storm(QStringLiteral("storm"), QStringLiteral("Sign-ins fired at once."),
                                   QStringLiteral("n"), QStringLiteral("500"));
    const QCommandLineOption chatters(QStringLiteral("chatters"), QStringLiteral("Chatting clients."),
                                      QStringLiteral("n"), QStringLiteral("20"));
    const QCommandLineOption chatRate(QStringLiteral("chat-rate"), QStringLiteral("Chat messages per second, all."),
                                      QStringLiteral("per-second"), QStringLiteral("20"));
    const QCommandLineOption quiet(QStringLiteral("quiet-seconds"), QStringLiteral("Chat before the storm."),
                                   QStringLiteral("s"), QStringLiteral("10"));
    const QCommandLineOption samples(QStringLiteral("verify-samples"), QStringLiteral("Verifications to time."),
                                     QStringLiteral("n"), QStringLiteral("20"));
    const QCommandLineOption timeout(QStringLiteral("timeout"), QStringLiteral("Give up after this many seconds."),
                                     QStringLiteral("s"), QStringLiteral("240"));
    parser.addOptions({url, pid, username, password, stormUser, stormPassword, storm, chatters, chatRate, quiet,
                       samples, timeout});
    parser.process(app);

    QJsonObject json;
    timeVerification(qBound(1, parser.value(samples).toInt(), 1000), json);
    if (!parser.isSet(url) || json.contains(QStringLiteral("error"))) {
        printJsonLine(json);
        return json.contains(QStringLiteral("error")) ? 1 : 0;
    }

    StormConfig config;
    config.chat.url = QUrl(parser.value(url));
    config.chat.clients = qMax(1, parser.value(chatters).toInt());
    config.chat.username = parser.value(username);
    config.chat.password = parser.value(password);
    config.stormUsername = parser.isSet(stormUser) ? parser.value(stormUser) : config.chat.username;
    config.stormPassword = parser.isSet(stormPassword) ? parser.value(stormPassword) : config.chat.password;
    config.serverPid = parser.value(pid).toLongLong();
    config.storm = qMax(1, parser.value(storm).toInt());
    config.chatRate = parser.value(chatRate).toDouble();
    config.quietSeconds = qMax(1, parser.value(quiet).toInt());
    config.timeoutSeconds = qMax(10, parser.value(timeout).toInt());

    QTextStream err(stderr);
    // This is a load generator: it only ever targets a server on this machine.
    if (!config.chat.url.isValid() || !isLoopback(config.chat.url)) {
        err << "--url must be a ws:// URL on the loopback interface\n";
        return 2;
    }
    if (config.chatRate <= 0 || fileLimit < config.chat.clients + config.storm + 64) {
        err << "need --chat-rate > 0 and an open-file limit above chatters + storm\n";
        return 2;
    }

    SignInStorm run(config);
    int exitCode = 0;
    QObject::connect(&run, &SignInStorm::finished, &app,
                     [&](const QJsonObject &result, bool ok) {
                         QJsonObject merged = json;
                         for (auto it = result.begin(); it != result.end(); ++it)
                             merged.insert(it.key(), it.value());
                         printJsonLine(merged);
                         exitCode = ok ? 0 : 1;
                         QCoreApplication::quit();
                     });
    run.start();
    app.exec();
    return exitCode;
}
