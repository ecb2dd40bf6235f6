// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers

// Keystroke to remote screen in a code session: N editors (CodeClient on Connection over
// WebSockets to 127.0.0.1) type into one file at a steady rate, each at the end of a line of
// its own, as people in a class do; every other editor records the time from the local insert
// to the moment the character is in its replica (CodeSessionFile::remoteUpdate, the signal the
// pane patches the editor with). Keystrokes are ASCII letters, as code is typed; where a
// character lands (its line, and its column past the line's first text) tells which keystroke
// it was. The server runs in a child process of this
// program (the same server library as cohort-server), so the clients' work does not stall it.
//
//   cohort-bench-code-latency [--editors 30] [--processes 1] [--rate 5] [--seconds 20] [--warmup 2]
//                             [--arrivals poisson|aligned] [--screen | --panes N [--panes-alone]]
//
// Each editor types `rate` keystrokes a second on average, independently of the others: the
// time to its next keystroke is drawn afresh each time (20 ms, as nobody types faster, plus an
// exponential wait), so that thirty editors' keystrokes arrive as thirty people's do, now and
// then several close together. --arrivals aligned is the harness before 2026-11-22 15:00: one
// repeating Qt timer per editor, of Qt's default coarse kind, which moves each timeout by up to
// 5% of its interval onto a round fraction of the second (0, 250, 500 ms...), the same instants
// in every process: the editors then type in bursts, about one in four of them at the same
// moment every 50 ms. Kept as a worst case.
//
// With --screen every editor is the app's Code pane (on the offscreen platform, shown), which
// joins the session and opens the file itself and so binds its CollabEditor to the file as the
// app does. Editors then type with key presses into that widget. A receiver's clock stops when
// the character's line has been painted after the pane patched its widget: the widget's text
// must hold the character when the pane's slot on remoteUpdate has returned, and then the
// clock stops at the paint event of the remote cursors' overlay over that line, which Qt paints
// right after the text beneath it. A keystroke not in the widget, or never painted, is not
// counted as delivered, and the run fails. (Offscreen, the paint is into the window's backing
// store; a real screen adds the compositor's frame.)
// With --panes N only the first N editors of the run are Code panes and the others bare
// clients: thirty panes on two cores measure the machine's saturation, while in a class each
// pane has a computer of its own. The panes' own latency is reported as "screen…" next to the
// figures over all receivers. With --panes-alone each pane also has a process of its own, and
// the bare clients share the P processes: a pane's event loop then serves only its own window,
// as the app's does, instead of four other clients' connections as well.
//
// With --processes P > 1 the editors are spread over P worker processes (as separate apps
// would be), timed with CLOCK_MONOTONIC, which all processes of one machine share. With one
// process all editors share one event loop, so a keystroke reaches them one after the other.
//
// Prints one JSON line: latency p50/p99/max over all (keystroke, receiver) pairs; the same for
// the first and the last receiver of each keystroke and for the sender's acknowledgement.

#include "authservice.h"
#include "codeclient.h"
#include "codepane.h"
#include "codesession.h"
#include "codesessionfile.h"
#include "codeview.h"
#include "cohortserver.h"
#include "collabeditor.h"
#include "connection.h"
#include "output.h"
#include "remotecursors.h"
#include "samples.h"
#include "storage.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFile>
#include <QHash>
#include <QKeyEvent>
#include <QPaintEvent>
#include <QProcess>
#include <QRandomGenerator>
#include <QSet>
#include <QSocketNotifier>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <tuple>
#include <vector>

using namespace Cohort;

namespace {

// A keystroke's number: its line times KeysPerLine plus how many its editor typed before it.
constexpr int KeysPerLine = 2048;
constexpr int MaxLines = 200;
constexpr int MaxKeys = KeysPerLine * MaxLines;

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
    for (int i = 1; i <= editors; ++i) {
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
    int line = 0;  // the line it types at the end of
    int typed = 0; // keystrokes so far
    QList<qsizetype> lineLengths; // of its replica: its own keystrokes and the changes it receives
    QTimer typing;
    qint64 lastKeyAt = 0; // ns
    bool lastKeyMeasured = false;
    // --screen: the Code pane and its editor widget for the file. Declared after the client
    // and the connection it uses, so that it is destroyed before them.
    bool isPane = false;
    std::unique_ptr<Ui::CodePane> pane;
    Ui::CollabEditor *widget = nullptr;
    std::vector<std::pair<int, int>> unpainted; // keys in the widget, not yet painted, with their lines
};

qint64 steadyNs()
{
    // CLOCK_MONOTONIC: comparable between the processes of one run.
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

/// What one process of the run does.
struct Options
{
    enum class Mode {
        Single, // every editor in this process; the first one creates the session and the file
        Setup,  // only create the session and the file (for the workers), then exit
        Worker, // some of the editors, in a session made by Setup; raw samples on stdout
    };
    Mode mode = Mode::Single;
    QUrl url;
    CourseId course;
    QStringList tokens;
    int rate = 5;
    int seconds = 20;
    int warmup = 2;
    int lines = 0;      // lines in the file: one per editor of the whole run
    int firstLine = 0;  // Worker: the line of its first editor
    bool screen = false; // editors are Code panes, measured to their widgets' text
    int panes = 0;       // with screen: how many of the run's editors are panes (the first ones)
    bool panesAlone = false; // with processes: each pane in a process of its own, as on its own computer
    bool aligned = false;    // --arrivals aligned: coarse repeating timers, keystrokes in bursts
    Client::CodeSessionId session;
    Client::CodeFileId file;
};

class Run : public QObject
{
public:
    explicit Run(Options options)
        : m_options(std::move(options))
    {
        m_sentAt.assign(MaxKeys, -1);
    }

    Client::CodeSessionId sessionId() const { return m_sessionId; }
    Client::CodeFileId fileId() const { return m_fileId; }

    void start()
    {
        m_sessionId = m_options.session;
        m_fileId = m_options.file;
        for (const QString &token : std::as_const(m_options.tokens)) {
            auto editor = std::make_unique<Editor>();
            editor->isPane = m_options.screen && int(m_editors.size()) < m_options.panes;
            editor->connection = std::make_unique<Client::Connection>();
            editor->connection->setCacheRoot(m_cache.path());
            editor->code = std::make_unique<Client::CodeClient>(editor->connection.get());
            Editor *e = editor.get();
            editor->connection->signInWithToken(m_options.url, token, this, [this, e](const Client::AuthResult &result) {
                if (!result.ok)
                    return fail(QStringLiteral("sign-in failed: %1").arg(result.message));
                if (++m_signedIn < int(m_editors.size()))
                    return;
                if (m_options.mode == Options::Mode::Worker) {
                    for (auto &each : m_editors)
                        joinAndOpen(each.get());
                } else {
                    createSession();
                }
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
        settings.courseId = m_options.course;
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
        for (int i = 0; i < m_options.lines; ++i)
            text += QStringLiteral("    line of editor %1\n").arg(i);
        host->session->createFile(QStringLiteral("main.py"), QStringLiteral("python"), text, this,
                                  [this](const Client::Reply &reply, const std::optional<Client::CodeFileInfo> &file) {
                                      if (!file)
                                          return fail(QStringLiteral("file.create failed: %1").arg(reply.message));
                                      m_fileId = file->id;
                                      if (m_options.mode == Options::Mode::Setup)
                                          return QCoreApplication::exit(0);
                                      for (auto &editor : m_editors)
                                          joinAndOpen(editor.get());
                                  });
    }

    void joinAndOpen(Editor *e)
    {
        if (e->isPane) {
            e->pane = std::make_unique<Ui::CodePane>(e->code.get(), e->connection.get());
            e->pane->resize(1000, 700);
            e->pane->show();
            e->pane->openSession(m_sessionId);
            e->session = e->pane->session();
        } else if (!e->session) {
            e->session = e->code->join(m_sessionId);
        }
        auto open = [this, e] {
            if (e->isPane) {
                // The pane opens the file and binds its editor to it before the connections
                // below exist, so its remoteUpdate slot (the patch) runs before received().
                e->pane->openFile(m_fileId);
                e->file = e->session->openedFile(m_fileId);
                if (!e->file || !e->pane->viewFor(m_fileId))
                    return fail(QStringLiteral("the Code pane did not open the file"));
                e->widget = e->pane->viewFor(m_fileId)->editor();
                auto *overlay = e->widget->viewport()->findChild<Ui::RemoteCursors *>();
                if (!overlay)
                    return fail(QStringLiteral("the editor has no remote cursors overlay"));
                overlay->installEventFilter(this);
                m_overlays.insert(overlay, e);
            } else {
                e->file = e->session->openFile(m_fileId);
            }
            auto fileLoaded = [this] {
                if (++m_loaded == int(m_editors.size()))
                    loadedAll();
            };
            if (e->file->isLoaded())
                QTimer::singleShot(0, this, fileLoaded);
            else
                connect(e->file, &Client::CodeSessionFile::loaded, this, fileLoaded);
            // The server acknowledged every edit of this editor: the round trip of its last keystroke.
            connect(e->file, &Client::CodeSessionFile::syncStateChanged, this, [this, e](Client::CodeSessionFile::SyncState state) {
                if (state != Client::CodeSessionFile::SyncState::Synced)
                    return;
                if (e->lastKeyMeasured) {
                    m_ack.add((steadyNs() - e->lastKeyAt) / 1000);
                    m_acks.push_back((steadyNs() - e->lastKeyAt) / 1000);
                }
                e->lastKeyMeasured = false;
            });
            connect(e->file, &Client::CodeSessionFile::remoteUpdate, this,
                    [this, e](const QByteArray &, const QList<Collab::TextChange> &changes) { received(e, changes); });
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

    void loadedAll()
    {
        // Nobody types before every editor of the run has loaded the file: the text is the one
        // the session started with.
        for (auto &e : m_editors) {
            e->lineLengths.clear();
            for (QStringView line : QStringView(e->file->text()).split(QLatin1Char('\n')))
                e->lineLengths.append(line.size() + 1);
        }
        m_initialLineLengths = m_editors.front()->lineLengths;
        if (m_options.mode != Options::Mode::Worker)
            return startTyping();
        // The coordinator starts every worker at once: "ready" out, "go" in.
        QTextStream(stdout) << "ready" << Qt::endl;
        auto *go = new QSocketNotifier(0, QSocketNotifier::Read, this);
        connect(go, &QSocketNotifier::activated, this, [this, go] {
            go->setEnabled(false);
            startTyping();
        });
    }

    void startTyping()
    {
        Bench::errorStream() << m_editors.size() << " editors joined; typing for " << m_options.seconds << " s" << Qt::endl;
        m_random.seed(17 + quint32(m_options.firstLine));
        for (int i = 0; i < int(m_editors.size()); ++i) {
            Editor *e = m_editors[i].get();
            e->line = m_options.firstLine + i;
            const QString text = e->widget ? e->widget->document().text() : e->file->text();
            qsizetype at = 0;
            for (int l = 0; l <= e->line; ++l)
                at = text.indexOf(QLatin1Char('\n'), l == 0 ? 0 : at + 1);
            if (e->widget)
                e->widget->setLocalSelection(at, at); // the widget keeps it there through remote edits
            else
                e->caret = e->file->document().anchorAt(at, Collab::Anchor::Side::StickToPrevious);
            connect(&e->typing, &QTimer::timeout, this, [this, e] {
                keystroke(e);
                if (!m_options.aligned)
                    e->typing.start(nextKeystrokeMs());
            });
            if (m_options.aligned) {
                e->typing.setInterval(1000 / m_options.rate);
                // Spread the editors' first keystrokes over the interval; the timer aligns the rest.
                QTimer::singleShot(m_random.bounded(1000 / m_options.rate), this, [e] { e->typing.start(); });
            } else {
                e->typing.setSingleShot(true);
                e->typing.setTimerType(Qt::PreciseTimer);
                e->typing.start(nextKeystrokeMs());
            }
        }
        m_typingStarted = steadyNs();
        QTimer::singleShot((m_options.warmup + m_options.seconds) * 1000, this, &Run::stopTyping);
    }

    /// The wait before an editor's next keystroke: 20 ms plus an exponential wait, `rate` a
    /// second on average.
    int nextKeystrokeMs()
    {
        constexpr double Shortest = 20.0; // --rate is at most 50
        const double mean = 1000.0 / m_options.rate;
        return int(std::lround(Shortest - std::log(1.0 - m_random.generateDouble()) * (mean - Shortest)));
    }

    void keystroke(Editor *e)
    {
        if (e->typed >= KeysPerLine || e->line >= MaxLines)
            return;
        const int key = e->line * KeysPerLine + e->typed;
        const QString character(QChar(char16_t(u'a' + e->typed % 26)));
        ++e->typed;
        ++e->lineLengths[e->line];
        ++m_nextKey;
        const qint64 now = steadyNs();
        const bool measured = now - m_typingStarted >= qint64(m_options.warmup) * 1000000000;
        m_sentAt[key] = measured ? now : -2;
        m_ownKeys.push_back(key);
        e->lastKeyAt = now;
        e->lastKeyMeasured = measured;
        if (e->widget) {
            // A key press as the keyboard sends it: the widget inserts at its caret, gives the
            // engine's update to the file, and the pane sends the moved caret.
            QKeyEvent press(QEvent::KeyPress, Qt::Key_unknown, Qt::NoModifier, character);
            QCoreApplication::sendEvent(e->widget, &press);
            QKeyEvent release(QEvent::KeyRelease, Qt::Key_unknown, Qt::NoModifier, character);
            QCoreApplication::sendEvent(e->widget, &release);
        } else {
            const qsizetype at = e->file->resolve(e->caret);
            e->file->insert(at, character);
            e->caret = e->file->document().anchorAt(at + 1, Collab::Anchor::Side::StickToPrevious);
            e->file->setLocalSelection(at + 1, at + 1, 0);
        }
        if (measured)
            ++m_measuredKeys;
    }

    void received(Editor *e, const QList<Collab::TextChange> &changes)
    {
        const qint64 now = steadyNs();
        if (e->lineLengths.isEmpty())
            return; // the file's first text, before anybody types
        for (const Collab::TextChange &change : changes) {
            // Each change's position is in the text left by the ones before it: the line
            // lengths follow them one by one. Nobody types a line break or deletes.
            int line = 0;
            qsizetype lineStart = 0;
            while (line < e->lineLengths.size() && lineStart + e->lineLengths[line] <= change.position)
                lineStart += e->lineLengths[line++];
            if (line >= e->lineLengths.size() || line >= MaxLines || change.removed > 0
                || change.inserted.contains(QLatin1Char('\n')))
                return fail(QStringLiteral("an edit the editors do not make reached a replica"));
            const qsizetype column = change.position - lineStart;
            e->lineLengths[line] += change.inserted.size();
            // The text left of the newline is the line's first text plus the keys typed there.
            const qsizetype firstTyped = column - (m_initialLineLengths[line] - 1);
            // --screen: the pane patched its widget before this runs; the keys must be on its line.
            const QString shown = e->widget ? e->widget->text(line) : QString();
            for (qsizetype i = 0; i < change.inserted.size(); ++i) {
                const qsizetype typed = firstTyped + i;
                if (typed < 0 || typed >= KeysPerLine)
                    return fail(QStringLiteral("a keystroke landed where nobody typed"));
                const int key = line * KeysPerLine + int(typed);
                if (e->widget && shown.mid(column + i, 1) != change.inserted.mid(i, 1)) {
                    ++m_notShown;
                    continue;
                }
                if (e->widget) {
                    e->unpainted.push_back({key, line});
                    recordPatched(key, now);
                } else {
                    record(e, key, now);
                }
            }
        }
    }

    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::Paint) {
            if (Editor *e = m_overlays.value(watched))
                painted(e, static_cast<QPaintEvent *>(event)->region());
        }
        return QObject::eventFilter(watched, event);
    }

    /// --screen: the widget painted `region` (viewport coordinates): the keystrokes on the lines
    /// in it are on screen.
    void painted(Editor *e, const QRegion &region)
    {
        const qint64 now = steadyNs();
        using Base = QsciScintillaBase;
        std::erase_if(e->unpainted, [this, e, &region, now](const std::pair<int, int> &pending) {
            const auto line = static_cast<unsigned long>(pending.second);
            const long start = e->widget->SendScintilla(Base::SCI_POSITIONFROMLINE, line);
            const QRect band(0, int(e->widget->SendScintilla(Base::SCI_POINTYFROMPOSITION, 0UL, start)),
                             e->widget->viewport()->width(), int(e->widget->SendScintilla(Base::SCI_TEXTHEIGHT, line)));
            if (!region.intersects(band))
                return false;
            record(e, pending.first, now);
            return true;
        });
    }

    /// --screen: a pane patched its widget with the keystroke (not yet painted): how much of
    /// the screen latency is the trip to the pane's process and the patch.
    void recordPatched(int key, qint64 now)
    {
        if (m_options.mode == Options::Mode::Worker)
            m_patched.push_back({key, now});
        else if (m_sentAt[key] >= 0)
            m_panePatched.add((now - m_sentAt[key]) / 1000);
    }

    void record(Editor *e, int key, qint64 now)
    {
        if (m_options.mode == Options::Mode::Worker) {
            m_received.push_back({key, now, e->widget != nullptr}); // the coordinator knows when it was typed
            return;
        }
        if (m_sentAt[key] == -1)
            return;
        if (m_sentAt[key] >= 0) {
            const qint64 micros = (now - m_sentAt[key]) / 1000;
            m_latency.add(micros);
            if (e->widget)
                m_screen.add(micros);
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

    void stopTyping()
    {
        for (auto &e : m_editors)
            e->typing.stop();
        if (m_options.mode == Options::Mode::Worker) {
            // Other workers' last keystrokes are still on their way.
            QTimer::singleShot(3000, this, &Run::printSamples);
            return;
        }
        // Wait until every keystroke reached every other editor (or give up after 10 s).
        const qint64 expected = qint64(m_nextKey) * (qint64(m_editors.size()) - 1);
        auto *check = new QTimer(this);
        const qint64 deadline = steadyNs() + 10000000000LL;
        connect(check, &QTimer::timeout, this, [this, check, expected, deadline] {
            if (m_deliveries < expected && steadyNs() < deadline)
                return;
            check->stop();
            report(expected);
        });
        check->start(50);
    }

    /// Worker: S key sentNs measured / R key receivedNs (P: painted by a pane) / Q key patchedNs
    /// (by a pane) / A ackMicros / H textHash, then exit.
    void printSamples()
    {
        QTextStream out(stdout);
        for (int key : m_ownKeys)
            out << "S " << key << ' ' << std::max<qint64>(m_sentAt[key], 0) << ' ' << (m_sentAt[key] >= 0 ? 1 : 0) << '\n';
        for (const auto &[key, at, onScreen] : m_received)
            out << (onScreen ? "P " : "R ") << key << ' ' << at << '\n';
        for (const auto &[key, at] : m_patched)
            out << "Q " << key << ' ' << at << '\n';
        for (qint64 micros : m_acks)
            out << "A " << micros << '\n';
        // The widgets' texts are hashed too: converged means they and the replicas all agree.
        for (auto &e : m_editors) {
            out << "H " << qHash(e->file->text()) << '\n';
            if (e->widget)
                out << "H " << qHash(e->widget->text()) << '\n';
        }
        out.flush();
        reportNotShown();
        QCoreApplication::exit(0);
    }

    void report(qint64 expected)
    {
        bool converged = true;
        const QString text = m_editors.front()->file->text();
        for (auto &e : m_editors)
            converged = converged && e->file->text() == text && (!e->widget || e->widget->text() == text);
        reportNotShown();
        QJsonObject line{{QStringLiteral("bench"), QStringLiteral("code-keystroke-latency")},
                         {QStringLiteral("editors"), int(m_editors.size())},
                         {QStringLiteral("processes"), 1},
                         {QStringLiteral("screen"), m_options.screen},
                         {QStringLiteral("panes"), m_options.screen ? std::min(m_options.panes, int(m_editors.size())) : 0},
                         {QStringLiteral("ratePerEditor"), m_options.rate},
                         {QStringLiteral("arrivals"), m_options.aligned ? QStringLiteral("aligned") : QStringLiteral("poisson")},
                         {QStringLiteral("seconds"), m_options.seconds},
                         {QStringLiteral("keystrokes"), m_nextKey},
                         {QStringLiteral("measuredKeystrokes"), m_measuredKeys},
                         {QStringLiteral("deliveries"), m_deliveries},
                         {QStringLiteral("expectedDeliveries"), expected},
                         {QStringLiteral("converged"), converged}};
        m_latency.writeTo(line, QStringLiteral("latency"));
        if (m_options.screen) {
            m_screen.writeTo(line, QStringLiteral("screen"));
            m_panePatched.writeTo(line, QStringLiteral("panePatched"));
        }
        m_first.writeTo(line, QStringLiteral("firstReceiver"));
        m_last.writeTo(line, QStringLiteral("lastReceiver"));
        m_ack.writeTo(line, QStringLiteral("ack"));
        Bench::printJsonLine(line);
        m_exitCode = converged && m_deliveries == expected ? 0 : 1;
        QCoreApplication::exit(m_exitCode);
    }

    void reportNotShown() const
    {
        if (m_notShown > 0)
            Bench::errorStream() << m_notShown << " keystrokes reached a replica but not its editor widget" << Qt::endl;
        qint64 unpainted = 0;
        for (const auto &e : m_editors)
            unpainted += qint64(e->unpainted.size());
        if (unpainted > 0)
            Bench::errorStream() << unpainted << " keystrokes reached an editor widget but were never painted" << Qt::endl;
    }

    Options m_options;
    QRandomGenerator m_random;
    QTemporaryDir m_cache;
    std::vector<std::unique_ptr<Editor>> m_editors;
    int m_signedIn = 0;
    int m_loaded = 0;
    Client::CodeSessionId m_sessionId;
    Client::CodeFileId m_fileId;
    qint64 m_typingStarted = 0; // steadyNs()
    QList<qsizetype> m_initialLineLengths; // with the newline
    std::vector<qint64> m_sentAt; // ns per key; -1 never typed, -2 typed during the warm-up
    int m_nextKey = 0; // keystrokes typed in this process
    std::vector<int> m_ownKeys;
    std::vector<std::tuple<int, qint64, bool>> m_received; // Worker: key, steadyNs(), in a pane
    std::vector<std::pair<int, qint64>> m_patched; // Worker, --screen: key, steadyNs() of a pane's patch
    int m_measuredKeys = 0;
    qint64 m_deliveries = 0;
    qint64 m_notShown = 0; // --screen: in the replica after the pane's patch, yet not in the widget
    QHash<QObject *, Editor *> m_overlays; // --screen: the editors' remote cursor overlays
    Bench::Samples m_latency;
    Bench::Samples m_screen; // receivers that are panes
    Bench::Samples m_panePatched; // keystroke to a pane's patch of its widget
    Bench::Samples m_first;
    Bench::Samples m_last;
    Bench::Samples m_ack;
    std::vector<qint64> m_acks;
    std::vector<int> m_rank = std::vector<int>(MaxKeys, 0);
    int m_exitCode = 0;
};

} // namespace

/// Several worker processes share the editors, as separate apps would; this process starts
/// them, says go, and joins their samples by keystroke.
int coordinate(const Options &base, int editors, int processes)
{
    Options setup = base;
    setup.mode = Options::Mode::Setup;
    setup.tokens = {base.tokens.first()};
    setup.lines = editors;
    Run host(setup);
    QTimer::singleShot(0, &host, &Run::start);
    if (QCoreApplication::exec() != 0 || !host.fileId().isValid())
        return 1;

    // The editors each worker runs: [first, end) of the run's; with --panes-alone every pane
    // has a process of its own and the bare clients share the P processes.
    std::vector<std::pair<int, int>> shares;
    const int alone = base.screen && base.panesAlone ? std::min(base.panes, editors) : 0;
    for (int pane = 0; pane < alone; ++pane)
        shares.emplace_back(pane, pane + 1);
    for (int w = 0; w < processes && alone < editors; ++w)
        shares.emplace_back(alone + (editors - alone) * w / processes, alone + (editors - alone) * (w + 1) / processes);
    std::vector<std::unique_ptr<QProcess>> workers;
    for (const auto &[first, end] : shares) {
        if (first == end)
            continue;
        auto worker = std::make_unique<QProcess>();
        worker->setProcessChannelMode(QProcess::ForwardedErrorChannel);
        QStringList arguments{QStringLiteral("--worker"), base.url.toString(), QStringLiteral("--code-session"),
                              QString::number(host.sessionId().value()), QStringLiteral("--file"), QString::number(host.fileId().value()),
                              QStringLiteral("--tokens"), base.tokens.mid(1 + first, end - first).join(QLatin1Char(',')),
                              QStringLiteral("--first-line"), QString::number(first), QStringLiteral("--rate"), QString::number(base.rate),
                              QStringLiteral("--seconds"), QString::number(base.seconds), QStringLiteral("--warmup"), QString::number(base.warmup),
                              QStringLiteral("--arrivals"), base.aligned ? QStringLiteral("aligned") : QStringLiteral("poisson")};
        if (base.screen)
            arguments.append({QStringLiteral("--panes"), QString::number(std::clamp(base.panes - first, 0, end - first))});
        worker->start(QCoreApplication::applicationFilePath(), arguments);
        workers.push_back(std::move(worker));
    }
    for (auto &worker : workers) {
        while (!worker->canReadLine()) {
            if (!worker->waitForReadyRead(60000)) {
                Bench::errorStream() << "a worker did not get ready" << Qt::endl;
                return 1;
            }
        }
        worker->readLine();
    }
    // QProcess writes when its events run, which this loop does not: flush each one now.
    for (auto &worker : workers) {
        worker->write("go\n");
        worker->waitForBytesWritten(5000);
    }

    std::vector<qint64> sentAt(MaxKeys, -1); // -2: typed in the warm-up
    std::vector<std::vector<qint64>> receivedAt(MaxKeys);
    std::vector<std::vector<qint64>> shownAt(MaxKeys); // by panes
    std::vector<std::vector<qint64>> patchedAt(MaxKeys); // by panes
    Bench::Samples ack;
    QSet<QString> hashes;
    qint64 keystrokes = 0;
    for (auto &worker : workers) {
        if (!worker->waitForFinished((base.warmup + base.seconds + 60) * 1000))
            return 1;
        for (const QByteArray &raw : worker->readAllStandardOutput().split('\n')) {
            const QList<QByteArray> f = raw.split(' ');
            if (f.size() == 4 && f[0] == "S") {
                sentAt[f[1].toInt()] = f[3] == "1" ? f[2].toLongLong() : -2;
                ++keystrokes;
            } else if (f.size() == 3 && (f[0] == "R" || f[0] == "P")) {
                receivedAt[f[1].toInt()].push_back(f[2].toLongLong());
                if (f[0] == "P")
                    shownAt[f[1].toInt()].push_back(f[2].toLongLong());
            } else if (f.size() == 3 && f[0] == "Q") {
                patchedAt[f[1].toInt()].push_back(f[2].toLongLong());
            } else if (f.size() == 2 && f[0] == "A") {
                ack.add(f[1].toLongLong());
            } else if (f.size() == 2 && f[0] == "H") {
                hashes.insert(QString::fromLatin1(f[1]));
            }
        }
    }
    Bench::Samples latency;
    Bench::Samples screen;
    Bench::Samples panePatched;
    Bench::Samples firstReceiver;
    Bench::Samples lastReceiver;
    qint64 deliveries = 0;
    qint64 measured = 0;
    for (int key = 0; key < MaxKeys; ++key) {
        std::vector<qint64> &at = receivedAt[key];
        deliveries += qint64(at.size());
        if (sentAt[key] < 0 || at.empty())
            continue;
        ++measured;
        std::sort(at.begin(), at.end());
        for (qint64 t : at)
            latency.add((t - sentAt[key]) / 1000);
        for (qint64 t : shownAt[key])
            screen.add((t - sentAt[key]) / 1000);
        for (qint64 t : patchedAt[key])
            panePatched.add((t - sentAt[key]) / 1000);
        firstReceiver.add((at.front() - sentAt[key]) / 1000);
        lastReceiver.add((at.back() - sentAt[key]) / 1000);
    }
    QJsonObject line{{QStringLiteral("bench"), QStringLiteral("code-keystroke-latency")},
                     {QStringLiteral("editors"), editors},
                     {QStringLiteral("processes"), processes},
                     {QStringLiteral("panesAlone"), base.screen && base.panesAlone},
                     {QStringLiteral("screen"), base.screen},
                     {QStringLiteral("panes"), base.screen ? std::min(base.panes, editors) : 0},
                     {QStringLiteral("ratePerEditor"), base.rate},
                     {QStringLiteral("arrivals"), base.aligned ? QStringLiteral("aligned") : QStringLiteral("poisson")},
                     {QStringLiteral("seconds"), base.seconds},
                     {QStringLiteral("keystrokes"), keystrokes},
                     {QStringLiteral("measuredKeystrokes"), measured},
                     {QStringLiteral("deliveries"), deliveries},
                     {QStringLiteral("expectedDeliveries"), keystrokes * (editors - 1)},
                     {QStringLiteral("converged"), hashes.size() == 1}};
    latency.writeTo(line, QStringLiteral("latency"));
    if (base.screen) {
        screen.writeTo(line, QStringLiteral("screen"));
        panePatched.writeTo(line, QStringLiteral("panePatched"));
    }
    firstReceiver.writeTo(line, QStringLiteral("firstReceiver"));
    lastReceiver.writeTo(line, QStringLiteral("lastReceiver"));
    ack.writeTo(line, QStringLiteral("ack"));
    Bench::printJsonLine(line);
    return hashes.size() == 1 && deliveries == keystrokes * (editors - 1) ? 0 : 1;
}

int main(int argc, char **argv)
{
    // --screen: the editors are widgets, on the offscreen platform so that no window opens
    // (the server child needs none).
    const auto given = [argc, argv](const char *name) {
        return std::any_of(argv + 1, argv + argc, [name](const char *arg) { return qstrcmp(arg, name) == 0; });
    };
    const bool widgets = (given("--screen") || given("--panes")) && !given("--serve");
    if (widgets)
        qputenv("QT_QPA_PLATFORM", "offscreen");
    const std::unique_ptr<QCoreApplication> app
        = widgets ? std::make_unique<QApplication>(argc, argv) : std::make_unique<QCoreApplication>(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    const auto option = [](const char *name, const char *help, const char *value, const char *fallback = nullptr) {
        return QCommandLineOption(QLatin1String(name), QLatin1String(help), QLatin1String(value),
                                  fallback ? QLatin1String(fallback) : QString());
    };
    const QCommandLineOption editorsOption = option("editors", "Editors typing (default 30).", "n", "30");
    const QCommandLineOption processesOption = option("processes", "Processes the editors are spread over (default 1).", "n", "1");
    const QCommandLineOption rateOption = option("rate", "Keystrokes per second per editor (default 5).", "n", "5");
    const QCommandLineOption secondsOption = option("seconds", "Measured seconds (default 20).", "n", "20");
    const QCommandLineOption warmupOption = option("warmup", "Seconds typed before measuring (default 2).", "n", "2");
    const QCommandLineOption arrivalsOption = option("arrivals", "poisson: each editor's keystrokes at random moments "
                                                     "(default); aligned: in bursts on Qt's coarse timer instants.", "kind", "poisson");
    const QCommandLineOption screenOption(QStringLiteral("screen"),
                                          QStringLiteral("Editors are Code panes; measure to the editor widget's text."));
    const QCommandLineOption panesOption = option("panes", "The first N editors of the run are Code panes, the others "
                                                  "bare clients; implies the screen measurement.", "n");
    const QCommandLineOption panesAloneOption(QStringLiteral("panes-alone"),
                                              QStringLiteral("With --processes: each pane runs in a process of its own (as on a "
                                                             "student's computer), the bare clients in the P processes."));
    const QCommandLineOption serveOption = option("serve", "Internal: run the server in DIR.", "dir");
    const QCommandLineOption workerOption = option("worker", "Internal: type as some editors on the server URL.", "url");
    // Not "session": QGuiApplication takes -session ID (X11 session management) out of argv.
    const QCommandLineOption sessionOption = option("code-session", "Internal (worker).", "id");
    const QCommandLineOption fileOption = option("file", "Internal (worker).", "id");
    const QCommandLineOption tokensOption = option("tokens", "Internal (worker).", "list");
    const QCommandLineOption firstLineOption = option("first-line", "Internal (worker).", "n", "0");
    parser.addOptions({editorsOption, processesOption, rateOption, secondsOption, warmupOption, arrivalsOption, screenOption, panesOption, panesAloneOption, serveOption,
                       workerOption, sessionOption, fileOption, tokensOption, firstLineOption});
    parser.process(*app);
    const int editors = std::clamp(parser.value(editorsOption).toInt(), 2, 199);
    if (parser.isSet(serveOption))
        return serve(parser.value(serveOption), editors);

    Options options;
    options.rate = std::clamp(parser.value(rateOption).toInt(), 1, 50);
    options.seconds = std::max(1, parser.value(secondsOption).toInt());
    options.warmup = std::max(0, parser.value(warmupOption).toInt());
    options.screen = parser.isSet(screenOption) || parser.isSet(panesOption);
    options.panes = parser.isSet(panesOption) ? std::max(0, parser.value(panesOption).toInt()) : editors;
    options.panesAlone = parser.isSet(panesAloneOption);
    const QString arrivals = parser.value(arrivalsOption);
    if (arrivals != QLatin1String("poisson") && arrivals != QLatin1String("aligned")) {
        Bench::errorStream() << "--arrivals must be poisson or aligned" << Qt::endl;
        return 2;
    }
    options.aligned = arrivals == QLatin1String("aligned");
    if (parser.isSet(workerOption)) {
        options.mode = Options::Mode::Worker;
        options.url = QUrl(parser.value(workerOption));
        options.session = Client::CodeSessionId(parser.value(sessionOption).toLongLong());
        options.file = Client::CodeFileId(parser.value(fileOption).toLongLong());
        options.tokens = parser.value(tokensOption).split(QLatin1Char(','));
        options.firstLine = parser.value(firstLineOption).toInt();
        Run run(options);
        QTimer::singleShot(0, &run, &Run::start);
        const int code = QCoreApplication::exec();
        return code == 0 ? run.exitCode() : code;
    }

    QTemporaryDir data;
    QProcess server;
    server.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    server.start(QCoreApplication::applicationFilePath(),
                 {QStringLiteral("--serve"), data.path(), QStringLiteral("--editors"), QString::number(editors)});
    quint16 port = 0;
    while (port == 0 && server.waitForReadyRead(30000)) {
        while (server.canReadLine()) {
            const QString line = QString::fromUtf8(server.readLine()).trimmed();
            if (line.startsWith(QLatin1String("token ")))
                options.tokens.append(line.mid(6));
            else if (line.startsWith(QLatin1String("course ")))
                options.course = CourseId(line.mid(7).toLongLong());
            else if (line.startsWith(QLatin1String("port ")))
                port = quint16(line.mid(5).toUInt());
        }
    }
    if (port == 0) {
        Bench::errorStream() << "the server did not start" << Qt::endl;
        return 1;
    }
    options.url = QUrl(QStringLiteral("ws://127.0.0.1:%1/").arg(port));
    const int processes = std::clamp(parser.value(processesOption).toInt(), 1, editors);
    int code = 0;
    if (processes > 1) {
        code = coordinate(options, editors, processes);
    } else {
        // The host is the first of the editors.
        options.tokens = options.tokens.mid(0, editors);
        options.lines = editors;
        Run run(options);
        QTimer::singleShot(0, &run, &Run::start);
        code = QCoreApplication::exec();
        code = code == 0 ? run.exitCode() : code;
    }
    server.terminate();
    server.waitForFinished(5000);
    return code;
}
