// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "selftest.h"

#include "connection.h"
#include "hostbanner.h"
#include "hostedserver.h"
#include "mainwindow.h"

#include <QEventLoop>
#include <QTemporaryDir>
#include <QTimer>

namespace Cohort::Ui {

namespace {

constexpr int StepTimeoutMs = 15000;

/// Runs a sign-in flow to its callback; returns its result or a timeout failure.
template<typename Start>
Client::AuthResult await(Start start)
{
    QEventLoop loop;
    QObject context;
    std::optional<Client::AuthResult> outcome;
    start(&context, [&](const Client::AuthResult &result) {
        outcome = result;
        loop.quit();
    });
    if (!outcome) {
        QTimer::singleShot(StepTimeoutMs, &loop, &QEventLoop::quit);
        loop.exec();
    }
    if (!outcome) {
        Client::AuthResult timedOut;
        timedOut.message = QStringLiteral("no answer within %1 s").arg(StepTimeoutMs / 1000);
        return timedOut;
    }
    return *outcome;
}

QString check(const QTemporaryDir &dir)
{
    HostOptions options;
    options.courseName = QStringLiteral("Self-test course");
    options.displayName = QStringLiteral("Self-test Instructor");
    options.username = QStringLiteral("selftest");
    options.dataDir = dir.filePath(QStringLiteral("hosted-server"));
    options.preferredPort = 0;
    // The self-test checks the wiring, not the password hashing cost.
    options.argon2OpsLimit = 1;
    options.argon2MemLimit = 8192;

    HostedServer hosted;
    if (const QString error = hosted.start(options); !error.isEmpty())
        return error;

    Client::Connection host;
    host.setCacheRoot(dir.filePath(QStringLiteral("host-cache")));
    const Client::AuthResult hostResult = await([&](QObject *context, Client::AuthCallback done) {
        host.signInWithToken(hosted.localUrl(), hosted.token(), context, done);
    });
    if (!hostResult.ok)
        return QStringLiteral("the host could not sign in: %1").arg(hostResult.message);

    MainWindow window(&host);
    window.showHosting(&hosted);
    if (window.hostBanner()->joinCode() != hosted.course().joinCode || window.grab().isNull())
        return QStringLiteral("the main window did not render the hosted class");

    Client::Connection student;
    student.setCacheRoot(dir.filePath(QStringLiteral("student-cache")));
    const Client::AuthResult studentResult = await([&](QObject *context, Client::AuthCallback done) {
        student.signUp(hosted.localUrl(), QStringLiteral("student"), QStringLiteral("Self-test Student"),
                       QStringLiteral("self-test-password"), hosted.course().joinCode, context, done);
    });
    if (!studentResult.ok || !studentResult.course || studentResult.course->id != hosted.course().id)
        return QStringLiteral("a student could not join with the join code: %1").arg(studentResult.message);

    QEventLoop loop;
    QObject::connect(&hosted, &HostedServer::stopped, &loop, &QEventLoop::quit);
    QTimer::singleShot(StepTimeoutMs, &loop, &QEventLoop::quit);
    hosted.stop();
    loop.exec();
    return QString();
}

} // namespace

int runSelfTest(QTextStream &out)
{
    QTemporaryDir dir;
    if (!dir.isValid()) {
        out << "self-test failed: cannot create a temporary directory\n";
        return 1;
    }
    if (const QString problem = check(dir); !problem.isEmpty()) {
        out << "self-test failed: " << problem << '\n';
        return 1;
    }
    out << "self-test ok\n";
    return 0;
}

} // namespace Cohort::Ui
