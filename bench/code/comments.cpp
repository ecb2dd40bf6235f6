// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers

// Typing in a 1 MB file with 50 comment threads: after every local edit the client computes
// every comment's current lines (CodeCommentModel::refreshFile, what the comments panel and
// the export show), so the cost of one keystroke grows with the file and the comments. One
// CodeClient against a server in this process; the keystrokes go through CodeSessionFile
// (no widgets), and each one is timed from the insert to the end of its synchronous work.
//
//   cohort-bench-code-comments [--megabytes 1] [--comments 50] [--keys 2000]
//
// Prints one JSON line: keystroke p50/p99/max (ms), the file's size and the comment count.

#include "authservice.h"
#include "codeclient.h"
#include "codecommentmodel.h"
#include "codesession.h"
#include "codesessionfile.h"
#include "cohortserver.h"
#include "connection.h"
#include "output.h"
#include "samples.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QTemporaryDir>

#include <functional>
#include <memory>

using namespace Cohort;

namespace {

/// Runs the event loop until `done` or `ms` pass; false on the timeout.
bool waitFor(const std::function<bool()> &done, int ms)
{
    const QDeadlineTimer deadline(ms);
    while (!done()) {
        if (deadline.hasExpired())
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
    }
    return true;
}

int fail(const QString &why)
{
    Bench::errorStream() << why << Qt::endl;
    return 1;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption megabytesOption(QStringLiteral("megabytes"), QStringLiteral("Size of the file."),
                                             QStringLiteral("n"), QStringLiteral("1"));
    const QCommandLineOption commentsOption(QStringLiteral("comments"), QStringLiteral("Comment threads in it."),
                                            QStringLiteral("n"), QStringLiteral("50"));
    const QCommandLineOption keysOption(QStringLiteral("keys"), QStringLiteral("Keystrokes timed."),
                                        QStringLiteral("n"), QStringLiteral("2000"));
    parser.addOptions({megabytesOption, commentsOption, keysOption});
    parser.process(app);
    // A megabyte of ASCII, under the server's 1 Mi characters a file with room for the typing.
    const qsizetype bytes = parser.value(megabytesOption).toLongLong() * 1000 * 1000;
    const int commentCount = parser.value(commentsOption).toInt();
    const int keys = parser.value(keysOption).toInt();

    QTemporaryDir dir;
    Server::ServerConfig config;
    config.listenAddress = QHostAddress::LocalHost;
    config.port = 0;
    config.httpEnabled = false;
    config.dataDir = dir.path();
    config.requestsPerSecond = 100000; // filling the file is not what is measured
    config.requestBurst = 100000;
    Server::CohortServer server(config);
    if (const QString error = server.start(); !error.isEmpty())
        return fail(QStringLiteral("server: %1").arg(error));
    const Server::AuthOutcome account = server.auth().createAccount(QStringLiteral("teacher"), QStringLiteral("Teacher"),
                                                                    Role::Instructor, QStringLiteral("password-123"));
    if (!account.ok())
        return fail(QStringLiteral("account"));

    Client::Connection connection;
    connection.setCacheRoot(dir.filePath(QStringLiteral("cache")));
    Client::CodeClient code(&connection);
    bool signedIn = false;
    connection.signInWithToken(QUrl(QStringLiteral("ws://127.0.0.1:%1").arg(server.port())),
                               server.auth().issueToken(account.user.info.id).token, &app,
                               [&signedIn](const Client::AuthResult &result) { signedIn = result.ok; });
    if (!waitFor([&] { return signedIn; }, 10000))
        return fail(QStringLiteral("sign-in failed"));

    std::optional<Client::CodeSessionInfo> created;
    Client::NewCodeSession settings;
    settings.title = QStringLiteral("Bench");
    code.createSession(settings, &app, [&created](const Client::Reply &, const std::optional<Client::CodeSessionInfo> &info) {
        created = info;
    });
    if (!waitFor([&] { return created.has_value(); }, 10000))
        return fail(QStringLiteral("code.create failed"));
    Client::CodeSession *session = code.join(created->id);
    if (!waitFor([&] { return session->state() == Client::CodeSession::State::Joined; }, 10000))
        return fail(QStringLiteral("code.join failed"));
    std::optional<Client::CodeFileInfo> info;
    session->createFile(QStringLiteral("big.py"), QStringLiteral("python"), QString(), &app,
                        [&info](const Client::Reply &, const std::optional<Client::CodeFileInfo> &file) { info = file; });
    if (!waitFor([&] { return info.has_value(); }, 10000))
        return fail(QStringLiteral("file.create failed"));
    Client::CodeSessionFile *file = session->openFile(info->id);
    if (!waitFor([&] { return file->isLoaded(); }, 10000))
        return fail(QStringLiteral("file.open failed"));

    // About 40 characters a line, pasted in pieces well under the server's update limit.
    QString text;
    for (int line = 0; text.size() < bytes; ++line)
        text += QStringLiteral("    total = total + values[%1]  # step\n").arg(line);
    text.truncate(bytes);
    constexpr qsizetype Piece = 8000;
    for (qsizetype at = 0; at < text.size(); at += Piece)
        file->insert(at, text.mid(at, Piece));
    if (!waitFor([&] { return !file->hasUnsentChanges(); }, 120000))
        return fail(QStringLiteral("filling the file timed out"));

    int added = 0;
    for (int i = 0; i < commentCount; ++i) {
        const qsizetype at = text.size() * (i + 1) / (commentCount + 1);
        session->addComment(info->id, at, at + 80, QStringLiteral("Why this step?"), &app,
                            [&added](const Client::Reply &reply, const std::optional<Client::CodeCommentInfo> &) {
                                added += reply.ok ? 1 : 0;
                            });
    }
    if (!waitFor([&] { return added == commentCount; }, 60000))
        return fail(QStringLiteral("comment.add failed"));
    if (session->comments()->comments().size() != commentCount)
        return fail(QStringLiteral("the comments did not arrive"));

    // Keystrokes in the middle of the file, above half of the comments: every one moves them.
    Bench::Samples samples;
    samples.reserve(size_t(keys));
    const qsizetype caret = text.size() / 2;
    QElapsedTimer clock;
    for (int i = 0; i < keys; ++i) {
        clock.start();
        file->insert(caret + i, i % 40 == 39 ? QStringLiteral("\n") : QStringLiteral("x"));
        samples.add(clock.nsecsElapsed() / 1000);
        QCoreApplication::processEvents(); // the sends, as between two real keystrokes
    }
    if (!waitFor([&] { return !file->hasUnsentChanges(); }, 60000))
        return fail(QStringLiteral("the keystrokes were not acknowledged"));

    QJsonObject result{{QStringLiteral("bench"), QStringLiteral("code-comments")},
                       {QStringLiteral("fileChars"), qint64(file->text().size())},
                       {QStringLiteral("comments"), commentCount}};
    samples.writeTo(result, QStringLiteral("keystroke"));
    Bench::printJsonLine(result);
    return 0;
}
