// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "wait.h"

#include <QEventLoop>
#include <QTimer>

namespace Cohort::Bench {

TimedReply call(BenchClient &client, const QString &op, const QJsonObject &data, int timeoutMs)
{
    TimedReply reply;
    QEventLoop loop;
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    QElapsedTimer clock;
    clock.start();
    client.request(op, data, [&reply, &loop, &clock](const QJsonObject &frame) {
        reply.micros = clock.nsecsElapsed() / 1000;
        reply.frame = frame;
        loop.quit();
    });
    if (reply.micros < 0)
        loop.exec();
    return reply;
}

QString signIn(BenchClient &client, const QUrl &url, const QString &username, const QString &password)
{
    QEventLoop loop;
    bool welcomed = false;
    QObject::connect(&client, &BenchClient::welcomed, &loop, [&] {
        welcomed = true;
        loop.quit();
    });
    QObject::connect(&client, &BenchClient::closed, &loop, &QEventLoop::quit);
    QTimer::singleShot(10000, &loop, &QEventLoop::quit);
    client.open(url);
    loop.exec();
    if (!welcomed)
        return QStringLiteral("no welcome from %1").arg(url.toString());
    const TimedReply signedIn = call(client, QStringLiteral("auth.signIn"),
                                     {{QStringLiteral("username"), username}, {QStringLiteral("password"), password}});
    if (!signedIn.ok())
        return QStringLiteral("auth.signIn failed: ") + BenchClient::errorText(signedIn.frame);
    return QString();
}

} // namespace Cohort::Bench
