// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers

// Keystroke to remote screen in a code session: N editors (CodeClient on Connection over
// WebSockets to 127.0.0.1) type into one file at a steady rate; every keystroke is one
// character whose code point identifies it, and every other editor records the time from the
// local insert to the moment the character is in its replica (CodeSessionFile::remoteUpdate,
// the signal the pane patches the editor with). The server runs in a child process of this
// program (the same server library as cohort-server), so the clients' work does not stall it.
//
//   cohort-bench-code-latency [--editors 30] [--rate 5] [--seconds 20] [--warmup 2]
//
// Prints one JSON line: latency p50/p99/max over all (keystroke, receiver) pairs; the same for
// the first and the last receiver of each keystroke and for the sender's acknowledgement.

#include "authservice.h"
#include "codeclient.h"
#include "codesession.h"
#include "codesessionfile.h"
#include "cohortserver.h"
#include "connection.h"
#include "output.h"
#include "samples.h"
#include "storage.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <memory>
#include <vector>

using namespace Cohort;

namespace {

// Keystrokes are CJK ideographs from U+4E00 on: one UTF-16 unit each, like typing a letter,
// and 20,000 of them name a keystroke each.
constexpr char16_t FirstKey = 0x4E00;
constexpr int MaxKeys = 20000;

int serve(const QString &dir, int editors)
{
    Server::ServerConfig config;
    config.listenAddress = QHostAddress::LocalHost;
    config.port = 0;
    config.httpEnabled = false;
    config.dataDir = dir;
    auto server = std::make_unique<Server::CohortServer>(config);
    const QString error = server->start();
    if (!error.isEmpty()) {
        Bench::errorStream() << "server: " << error << Qt::endl;
        return 1;
    }
    // Accounts are made here and signed in with tokens: N Argon2id verifications would
    // measure sign-in, not editing.
    QTextStream out(stdout);
    const Server::AuthOutcome host = server->auth().createAccount(QStringLiteral("host"), QStringLiteral("Host"),
                                                                  Role::Instructor, QStringLiteral("password-123"));
    if (!host.ok())
        return 1;
    const auto course = server->storage().createCourse(QStringLiteral("Bench"), host.user.info.id,
                                                       Server::generateJoinCode(), QString());
    if (!course.ok())
        return 1;
    server->storage().addCourseMember(course.value->id, host.user.info.id, Role::Instructor);
    out << "course " << course.value->id.value() << '\n';
    out << "token " << server->auth().issueToken(host.user.info.id).token << '\n';
    for (int i = 1; i < editors; ++i) { // the host is the first editor
        const QString name = QStringLiteral("editor%1").arg(i);
        const Server::AuthOutcome user = server->auth().createAccount(name, name, Role::Student, QStringLiteral("password-123"));
        if (!user.ok())
            return 1;
        server->storage().addCourseMember(course.value->id, user.user.info.id, Role::Student);
        out << "token " << server->auth().issueToken(user.user.info.id).token << '\n';
    }
    out << "port " << server->port() << Qt::endl;
    return QCoreApplication::exec();
}

struct Editor
{
    std::unique_ptr<Client::Connection> connection;
    std::unique_ptr<Client::CodeClient> code;
    Client::CodeSession *session = nullptr;
    Client::CodeSessionFile *file = nullptr;
    Collab::Anchor caret;
    QTimer typing;
    qint64 lastKeyAt = 0; // ns
    bool lastKeyMeasured = false;
};

class Run : public QObject
{
public:
    Run(QUrl url, CourseId course, QStringList tokens, int rate, int seconds, int warmup)
        : m_url(std::move(url)), m_course(course), m_tokens(std::move(tokens)), m_rate(rate), m_seconds(seconds), m_warmup(warmup)
    {
        m_sentAt.assign(MaxKeys, -1);
    }

    void start()
    {
        m_clock.start();
        for (const QString &token : std::as_const(m_tokens)) {
            auto editor = std::make_unique<Editor>();
            editor->connection = std::make_unique<Client::Connection>();
            editor->connection->setCacheRoot(m_cache.path());
            editor->code = std::make_unique<Client::CodeClient>(editor->connection.get());
            Editor *e = editor.get();
            editor->connection->signInWithToken(m_url, token, this, [this, e](const Client::AuthResult &result) {
                if (!result.ok)
                    return fail(QStringLiteral("sign-in failed: %1").arg(result.message));
                if (++m_signedIn == int(m_editors.size()))
                    createSession();
            });
            m_editors.push_back(std::move(editor));
        }
    }

    int exitCode() const { return m_exitCode; }

private:
    void fail(const QString &why)
    {
        Bench::errorStream() << why << Qt::endl;
        m_exitCode = 1;
        QCoreApplication::exit(1);
    }

    void createSession()
    {
        Client::NewCodeSession settings;
        settings.title = QStringLiteral("Bench");
        settings.courseId = m_course;
        settings.visibility = QStringLiteral("course");
        settings.maxCollaborators = 200;
        Editor *host = m_editors.front().get();
        host->code->createSession(settings, this, [this, host](const Client::Reply &reply, const std::optional<Client::CodeSessionInfo> &info) {
            if (!info)
                return fail(QStringLiteral("code.create failed: %1").arg(reply.message));
            m_sessionId = info->id;
            host->session = host->code->join(m_sessionId);
            connect(host->session, &Client::CodeSession::stateChanged, this, [this, host](Client::CodeSession::State state) {
                if (state == Client::CodeSession::State::Joined && !m_fileId.isValid())
                    createFile(host);
            });
        });
    }

    void createFile(Editor *host)
    {
        QString text;
        for (int i = 0; i < int(m_editors.size()); ++i)
            text += QStringLiteral("    line of editor %1\n").arg(i);
        host->session->createFile(QStringLiteral("main.py"), QStringLiteral("python"), text, this,
                                  [this](const Client::Reply &reply, const std::optional<Client::CodeFileInfo> &file) {
                                      if (!file)
                                          return fail(QStringLiteral("file.create failed: %1").arg(reply.message));
                                      m_fileId = file->id;
                                      for (auto &editor : m_editors)
                                          joinAndOpen(editor.get());
                                  });
    }

    void joinAndOpen(Editor *e)
    {
        if (!e->session)
            e->session = e->code->join(m_sessionId);
        auto open = [this, e] {
            e->file = e->session->openFile(m_fileId);
            connect(e->file, &Client::CodeSessionFile::loaded, this, [this] {
                if (++m_loaded == int(m_editors.size()))
                    startTyping();
            });
            // The server acknowledged every edit of this editor: the round trip of its last keystroke.
            connect(e->file, &Client::CodeSessionFile::syncStateChanged, this, [this, e](Client::CodeSessionFile::SyncState state) {
                if (state != Client::CodeSessionFile::SyncState::Synced)
                    return;
                if (e->lastKeyMeasured)
                    m_ack.add((m_clock.nsecsElapsed() - e->lastKeyAt) / 1000);
                e->lastKeyMeasured = false;
            });
            connect(e->file, &Client::CodeSessionFile::remoteUpdate, this,
                    [this](const QByteArray &, const QList<Collab::TextChange> &changes) { received(changes); });
        };
        if (e->session->state() == Client::CodeSession::State::Joined) {
            open();
            return;
        }
        connect(e->session, &Client::CodeSession::stateChanged, this, [this, e, open](Client::CodeSession::State state) {
            if (state == Client::CodeSession::State::Joined && !e->file)
                open();
            else if (state == Client::CodeSession::State::Refused)
                fail(QStringLiteral("join refused: %1").arg(e->session->refusalReply().message));
        });
    }

    void startTyping()
    {
        Bench::errorStream() << m_editors.size() << " editors joined; typing for " << m_seconds << " s" << Qt::endl;
        QRandomGenerator random(17);
        for (int i = 0; i < int(m_editors.size()); ++i) {
            Editor *e = m_editors[i].get();
            // Each editor types at the end of its own line, as people in a class do.
            const QString text = e->file->text();
            qsizetype at = 0;
            for (int l = 0; l <= i; ++l)
                at = text.indexOf(QLatin1Char('\n'), l == 0 ? 0 : at + 1);
            e->caret = e->file->document().anchorAt(at, Collab::Anchor::Side::StickToPrevious);
            e->typing.setInterval(1000 / m_rate);
            connect(&e->typing, &QTimer::timeout, this, [this, e] { keystroke(e); });
            // Spread the editors' keystrokes over the interval instead of all at once.
            QTimer::singleShot(random.bounded(1000 / m_rate), this, [e] { e->typing.start(); });
        }
        m_typingStarted = m_clock.elapsed();
        QTimer::singleShot((m_warmup + m_seconds) * 1000, this, &Run::stopTyping);
    }

    void keystroke(Editor *e)
    {
        if (m_nextKey >= MaxKeys)
            return;
        const int key = m_nextKey++;
        const bool measured = m_clock.elapsed() - m_typingStarted >= m_warmup * 1000;
        m_sentAt[key] = measured ? m_clock.nsecsElapsed() : -2;
        e->lastKeyAt = m_clock.nsecsElapsed();
        e->lastKeyMeasured = measured;
        const qsizetype at = e->file->resolve(e->caret);
        e->file->insert(at, QString(QChar(char16_t(FirstKey + key))));
        e->caret = e->file->document().anchorAt(at + 1, Collab::Anchor::Side::StickToPrevious);
        e->file->setLocalSelection(at + 1, at + 1, 0);
        if (measured)
            ++m_measuredKeys;
    }

    void received(const QList<Collab::TextChange> &changes)
    {
        const qint64 now = m_clock.nsecsElapsed();
        for (const Collab::TextChange &change : changes) {
            for (QChar c : change.inserted) {
                const int key = c.unicode() - FirstKey;
                if (key < 0 || key >= MaxKeys || m_sentAt[key] == -1)
                    continue;
                if (m_sentAt[key] >= 0) {
                    const qint64 micros = (now - m_sentAt[key]) / 1000;
                    m_latency.add(micros);
                    // The first and the last editor to see a keystroke: how much of the
                    // latency is the fan-out to everyone rather than the trip through the server.
                    const int rank = m_rank[key]++;
                    if (rank == 0)
                        m_first.add(micros);
                    if (rank == int(m_editors.size()) - 2)
                        m_last.add(micros);
                }
                ++m_deliveries;
            }
        }
    }

    void stopTyping()
    {
        for (auto &e : m_editors)
            e->typing.stop();
        // Wait until every keystroke reached every other editor (or give up after 10 s).
        const qint64 expected = qint64(m_nextKey) * (qint64(m_editors.size()) - 1);
        auto *check = new QTimer(this);
        const qint64 deadline = m_clock.elapsed() + 10000;
        connect(check, &QTimer::timeout, this, [this, check, expected, deadline] {
            if (m_deliveries < expected && m_clock.elapsed() < deadline)
                return;
            check->stop();
            report(expected);
        });
        check->start(50);
    }

    void report(qint64 expected)
    {
        bool converged = true;
        const QString text = m_editors.front()->file->text();
        for (auto &e : m_editors)
            converged = converged && e->file->text() == text;
        QJsonObject line{{QStringLiteral("bench"), QStringLiteral("code-keystroke-latency")},
                         {QStringLiteral("editors"), int(m_editors.size())},
                         {QStringLiteral("ratePerEditor"), m_rate},
                         {QStringLiteral("seconds"), m_seconds},
                         {QStringLiteral("keystrokes"), m_nextKey},
                         {QStringLiteral("measuredKeystrokes"), m_measuredKeys},
                         {QStringLiteral("deliveries"), m_deliveries},
                         {QStringLiteral("expectedDeliveries"), expected},
                         {QStringLiteral("converged"), converged}};
        m_latency.writeTo(line, QStringLiteral("latency"));
        m_first.writeTo(line, QStringLiteral("firstReceiver"));
        m_last.writeTo(line, QStringLiteral("lastReceiver"));
        m_ack.writeTo(line, QStringLiteral("ack"));
        Bench::printJsonLine(line);
        m_exitCode = converged && m_deliveries == expected ? 0 : 1;
        QCoreApplication::exit(m_exitCode);
    }

    QUrl m_url;
    CourseId m_course;
    QStringList m_tokens;
    int m_rate;
    int m_seconds;
    int m_warmup;
    QTemporaryDir m_cache;
    std::vector<std::unique_ptr<Editor>> m_editors;
    int m_signedIn = 0;
    int m_loaded = 0;
    Client::CodeSessionId m_sessionId;
    Client::CodeFileId m_fileId;
    QElapsedTimer m_clock;
    qint64 m_typingStarted = 0;
    std::vector<qint64> m_sentAt; // ns per key; -1 never typed, -2 typed during the warm-up
    int m_nextKey = 0;
    int m_measuredKeys = 0;
    qint64 m_deliveries = 0;
    Bench::Samples m_latency;
    Bench::Samples m_first;
    Bench::Samples m_last;
    Bench::Samples m_ack;
    std::vector<int> m_rank = std::vector<int>(MaxKeys, 0);
    int m_exitCode = 0;
};

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption editorsOption(QStringLiteral("editors"), QStringLiteral("Editors typing (default 30)."), QStringLiteral("n"), QStringLiteral("30"));
    const QCommandLineOption rateOption(QStringLiteral("rate"), QStringLiteral("Keystrokes per second per editor (default 5)."), QStringLiteral("n"), QStringLiteral("5"));
    const QCommandLineOption secondsOption(QStringLiteral("seconds"), QStringLiteral("Measured seconds (default 20)."), QStringLiteral("n"), QStringLiteral("20"));
    const QCommandLineOption warmupOption(QStringLiteral("warmup"), QStringLiteral("Seconds typed before measuring (default 2)."), QStringLiteral("n"), QStringLiteral("2"));
    const QCommandLineOption serveOption(QStringLiteral("serve"), QStringLiteral("Internal: run the server in DIR."), QStringLiteral("dir"));
    parser.addOptions({editorsOption, rateOption, secondsOption, warmupOption, serveOption});
    parser.process(app);
    const int editors = std::clamp(parser.value(editorsOption).toInt(), 2, 199);
    if (parser.isSet(serveOption))
        return serve(parser.value(serveOption), editors);

    QTemporaryDir data;
    QProcess server;
    server.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    server.start(QCoreApplication::applicationFilePath(),
                 {QStringLiteral("--serve"), data.path(), QStringLiteral("--editors"), QString::number(editors)});
    QStringList tokens;
    qint64 course = 0;
    quint16 port = 0;
    while (port == 0 && server.waitForReadyRead(30000)) {
        while (server.canReadLine()) {
            const QString line = QString::fromUtf8(server.readLine()).trimmed();
            if (line.startsWith(QLatin1String("token ")))
                tokens.append(line.mid(6));
            else if (line.startsWith(QLatin1String("course ")))
                course = line.mid(7).toLongLong();
            else if (line.startsWith(QLatin1String("port ")))
                port = quint16(line.mid(5).toUInt());
        }
    }
    if (port == 0) {
        Bench::errorStream() << "the server did not start" << Qt::endl;
        return 1;
    }
    Run run(QUrl(QStringLiteral("ws://127.0.0.1:%1/").arg(port)), CourseId(course), tokens,
            std::clamp(parser.value(rateOption).toInt(), 1, 50), std::max(1, parser.value(secondsOption).toInt()),
            std::max(0, parser.value(warmupOption).toInt()));
    QTimer::singleShot(0, &run, &Run::start);
    const int code = app.exec();
    server.terminate();
    server.waitForFinished(5000);
    return code == 0 ? run.exitCode() : code;
}
