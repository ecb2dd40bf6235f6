// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "appearance.h"
#include "apptestserver.h"
#include "backoffpolicy.h"
#include "chatclient.h"
#include "chatfixture.h"
#include "chatpane.h"
#include "codeclient.h"
#include "codecommentmodel.h"
#include "codelanguages.h"
#include "codepane.h"
#include "codeparticipantmodel.h"
#include "codesession.h"
#include "codesessionfile.h"
#include "codeview.h"
#include "collabeditor.h"
#include "connection.h"
#include "coursespane.h"
#include "emptystate.h"
#include "hostclassdialog.h"
#include "hostedserver.h"
#include "languagemanager.h"
#include "messagemodel.h"
#include "messageview.h"
#include "frame.h"
#include "mainwindow.h"
#include "settingsdialog.h"
#include "signindialog.h"
#include "tokenstore.h"

#include <QApplication>
#include <QDateTime>
#include <QDir>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTabWidget>
#include <QToolButton>
#include <QStandardPaths>
#include <QTest>

#include <array>

using namespace Cohort;
using namespace Cohort::Ui;
using Cohort::Tests::AppTestServer;
using Cohort::Tests::ChatFixture;

/// Renders each window the way a user sees it, in light and dark. Looking at these is part of
/// reviewing a UI change: COHORT_SCREENSHOT_DIR=/some/dir writes them as PNG files.
class TestScreenshots : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void signInDialogs();
    void hostDialog();
    void mainWindowPanes_data();
    void mainWindowPanes();
    void chatPane_data();
    void chatPane();
    void codePane_data();
    void codePane();

private:
    void shoot(QWidget *widget, const QString &name);

    QString m_outDir;
    QTemporaryDir m_dir;
};

void TestScreenshots::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QSettings().clear();
    Appearance::captureSystemStyle();
    m_outDir = qEnvironmentVariable("COHORT_SCREENSHOT_DIR");
    if (!m_outDir.isEmpty())
        QVERIFY(QDir().mkpath(m_outDir));
}

void TestScreenshots::shoot(QWidget *widget, const QString &name)
{
    QVERIFY(QTest::qWaitForWindowExposed(widget));
    QCoreApplication::processEvents();
    const QPixmap pixmap = widget->grab();
    QVERIFY(!pixmap.isNull());
    QVERIFY(pixmap.width() >= widget->minimumWidth());
    if (!m_outDir.isEmpty())
        QVERIFY(pixmap.save(QDir(m_outDir).filePath(name + QStringLiteral(".png"))));
}

void TestScreenshots::signInDialogs()
{
    Appearance::applyTheme(Theme::Light);
    AppTestServer server;
    QVERIFY(server.ready);
    Client::Connection connection;
    Client::TokenStore tokens;
    tokens.setService(QStringLiteral("CohortTest"));
    SignInDialog dialog(&connection, &tokens);
    dialog.findChild<QLineEdit *>(QStringLiteral("serverEdit"))->setText(server.address());
    dialog.show();
    QSignalSpy probed(&dialog, &SignInDialog::serverProbed);
    QSignalSpy checked(&dialog, &SignInDialog::keychainChecked);
    QTRY_VERIFY_WITH_TIMEOUT(probed.count() == 1 && checked.count() == 1, 20000);
    dialog.findChild<QLineEdit *>(QStringLiteral("usernameEdit"))->setText(QStringLiteral("ines"));
    shoot(&dialog, QStringLiteral("signin-light"));

    dialog.findChild<QLineEdit *>(QStringLiteral("passwordEdit"))->setText(QStringLiteral("wrong horse"));
    QTest::mouseClick(dialog.findChild<QPushButton *>(QStringLiteral("submitButton")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog.errorText().isEmpty(), 10000);
    shoot(&dialog, QStringLiteral("signin-error-light"));

    dialog.setMode(SignInDialog::Mode::SignUp);
    shoot(&dialog, QStringLiteral("signup-light"));

    Appearance::applyTheme(Theme::Dark);
    dialog.setMode(SignInDialog::Mode::SignIn);
    shoot(&dialog, QStringLiteral("signin-dark"));

    LanguageManager languages;
    languages.setLanguage(QStringLiteral("de"));
    QCoreApplication::processEvents();
    dialog.setMode(SignInDialog::Mode::SignUp);
    shoot(&dialog, QStringLiteral("signup-dark-de"));
    languages.setLanguage(QStringLiteral("en"));
    QCoreApplication::processEvents();
}

void TestScreenshots::hostDialog()
{
    Appearance::applyTheme(Theme::Light);
    HostedServer hosted;
    Client::Connection connection;
    HostClassDialog dialog(&hosted, &connection);
    HostOptions options;
    options.dataDir = m_dir.filePath(QStringLiteral("hosted-server"));
    dialog.setServerOptions(options);
    dialog.findChild<QLineEdit *>(QStringLiteral("courseNameEdit"))->setText(QStringLiteral("Physics 101"));
    dialog.findChild<QLineEdit *>(QStringLiteral("hostDisplayNameEdit"))->setText(QStringLiteral("Ines Instructor"));
    dialog.show();
    shoot(&dialog, QStringLiteral("host-light"));
}

void TestScreenshots::mainWindowPanes_data()
{
    QTest::addColumn<int>("theme");
    QTest::newRow("light") << static_cast<int>(Theme::Light);
    QTest::newRow("dark") << static_cast<int>(Theme::Dark);
}

void TestScreenshots::mainWindowPanes()
{
    QFETCH(int, theme);
    Appearance::applyTheme(static_cast<Theme>(theme));
    const QString suffix = theme == static_cast<int>(Theme::Dark) ? QStringLiteral("dark") : QStringLiteral("light");

    HostedServer hosted;
    HostOptions options;
    options.dataDir = m_dir.filePath(QStringLiteral("main-") + suffix);
    options.preferredPort = 0;
    options.argon2OpsLimit = 1;
    options.argon2MemLimit = 8192;
    options.courseName = QStringLiteral("Introduction to Theoretical Physics");
    options.displayName = QStringLiteral("Maximiliane Alexandra von Hohenberg-Schillingsfürst");
    options.username = QStringLiteral("mvonhohenberg");
    QCOMPARE(hosted.start(options), QString());

    Client::Connection connection;
    connection.setCacheRoot(m_dir.filePath(QStringLiteral("cache-") + suffix));
    connection.setBackoffPolicy(Client::BackoffPolicy(30000, 30000, 3));
    bool signedIn = false;
    connection.signInWithToken(hosted.localUrl(), hosted.token(), this,
                               [&signedIn](const Client::AuthResult &result) { signedIn = result.ok; });
    QTRY_VERIFY_WITH_TIMEOUT(signedIn, 10000);

    MainWindow window(&connection);
    window.resize(1120, 720);
    window.showHosting(&hosted);
    window.show();
    QTRY_COMPARE_WITH_TIMEOUT(window.coursesPane()->courses().size(), 1, 10000);
    const QString names[] = {QStringLiteral("chat"), QStringLiteral("live"), QStringLiteral("exams"),
                             QStringLiteral("code")};
    for (int pane = 0; pane < MainWindow::PaneCount; ++pane) {
        window.showPane(static_cast<MainWindow::Pane>(pane));
        shoot(&window, QStringLiteral("main-%1-%2").arg(names[pane], suffix));
    }

    SettingsDialog settings(&window);
    settings.show();
    shoot(&settings, QStringLiteral("settings-") + suffix);
    settings.hide();

    LanguageManager languages;
    languages.setLanguage(QStringLiteral("de"));
    QCoreApplication::processEvents();
    window.showPane(MainWindow::ExamsPane);
    shoot(&window, QStringLiteral("main-exams-%1-de").arg(suffix));
    languages.setLanguage(QStringLiteral("en"));
    QCoreApplication::processEvents();

    // The hosted class goes away: the status bar counts down to the next attempt.
    QSignalSpy stopped(&hosted, &HostedServer::stopped);
    hosted.stop();
    QTRY_COMPARE_WITH_TIMEOUT(stopped.count(), 1, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(connection.state(), Client::Connection::State::Reconnecting, 10000);
    window.showPane(MainWindow::ChatPane);
    shoot(&window, QStringLiteral("main-reconnecting-") + suffix);
}

void TestScreenshots::chatPane_data()
{
    QTest::addColumn<int>("theme");
    QTest::newRow("light") << static_cast<int>(Theme::Light);
    QTest::newRow("dark") << static_cast<int>(Theme::Dark);
}

/// The Chat pane in a busy room (long names, Markdown, code, reactions, a thread, system
/// messages, a long message, a failed send), with a thread open, in an empty room, and with no
/// room at all. Chat requests are answered by a fixture; the rest is a real server.
void TestScreenshots::chatPane()
{
    QFETCH(int, theme);
    Appearance::applyTheme(static_cast<Theme>(theme));
    const QString suffix = theme == static_cast<int>(Theme::Dark) ? QStringLiteral("dark") : QStringLiteral("light");
    AppTestServer server;
    QVERIFY(server.ready);
    Client::Connection connection;
    connection.setCacheRoot(m_dir.filePath(QStringLiteral("chat-") + suffix));
    bool signedIn = false;
    connection.signIn(QUrl(server.address()), QStringLiteral("ines"), QString::fromLatin1(AppTestServer::Password), this,
                      [&signedIn](const Client::AuthResult &result) { signedIn = result.ok; });
    QTRY_VERIFY_WITH_TIMEOUT(signedIn, 10000);
    const QJsonObject me = connection.currentUser().toJson();
    const QJsonObject ana = ChatFixture::user(50, QStringLiteral("mvonhohenberg"), QStringLiteral("Maximiliane Alexandra von Hohenberg-Schillingsfürst"));
    const QJsonObject ben = ChatFixture::user(51, QStringLiteral("ben"), QStringLiteral("Ben Okafor"));
    const QJsonObject chen = ChatFixture::user(52, QStringLiteral("chen"), QStringLiteral("Chen Wei"));

    ChatFixture fixture;
    {
        // A new student in no course has no room at all: the pane offers to join a course.
        QVERIFY(server.server->auth().createAccount(QStringLiteral("sam"), QStringLiteral("Sam Student"), Role::Student,
                                                    QString::fromLatin1(AppTestServer::Password)).ok());
        Client::Connection newcomer;
        newcomer.setCacheRoot(m_dir.filePath(QStringLiteral("chat-sam-") + suffix));
        bool samSignedIn = false;
        newcomer.signIn(QUrl(server.address()), QStringLiteral("sam"), QString::fromLatin1(AppTestServer::Password), this,
                        [&samSignedIn](const Client::AuthResult &result) { samSignedIn = result.ok; });
        QTRY_VERIFY_WITH_TIMEOUT(samSignedIn, 10000);
        MainWindow window(&newcomer);
        fixture.install(window.chatPane()->chatClient());
        window.resize(1180, 760);
        window.show();
        QTRY_VERIFY_WITH_TIMEOUT(window.chatPane()->chatClient()->isRoomListLoaded(), 10000);
        shoot(&window, QStringLiteral("chat-no-rooms-") + suffix);
    }

    const qint64 today = QDateTime(QDate::currentDate(), QTime(9, 12)).toMSecsSinceEpoch();
    const qint64 yesterday = today - 24 * 3600 * 1000;
    auto at = [](qint64 day, int minutes) { return day + qint64(minutes) * 60 * 1000; };
    QJsonObject study = ChatFixture::room(100, QStringLiteral("study"), QStringLiteral("Graphs study group · CS 2110 problem sets and exam preparation"), 9, 3);
    study.insert(QStringLiteral("topic"), QStringLiteral("BFS, DFS and shortest paths, Thursdays 6 pm in the library"));
    study.insert(QStringLiteral("memberCount"), 6);
    study.insert(QStringLiteral("lastMessage"), QJsonObject{{QStringLiteral("ts"), at(today, 40)},
                                                            {QStringLiteral("senderName"), QStringLiteral("Chen Wei")},
                                                            {QStringLiteral("text"), QStringLiteral("See you Thursday!")}});
    QJsonObject dm = ChatFixture::room(102, QStringLiteral("direct"), QString(), 0, 1);
    dm.insert(QStringLiteral("peer"), ben);
    dm.insert(QStringLiteral("pinned"), true);
    dm.insert(QStringLiteral("lastMessage"), QJsonObject{{QStringLiteral("ts"), at(today, 5)}, {QStringLiteral("text"), QStringLiteral("Can you share your notes from Monday?")}});
    QJsonObject course = ChatFixture::room(1, QStringLiteral("course"), QStringLiteral("Physics 101"));
    course.insert(QStringLiteral("lastMessage"), QJsonObject{{QStringLiteral("ts"), at(yesterday, 300)}, {QStringLiteral("text"), QStringLiteral("Lab reports are due Friday.")}});
    QJsonObject news = ChatFixture::room(103, QStringLiteral("announcement"), QStringLiteral("Physics 101 announcements"), 0, 2);
    news.insert(QStringLiteral("mentions"), 1);
    news.insert(QStringLiteral("lastMessage"), QJsonObject{{QStringLiteral("ts"), at(today, 20)}, {QStringLiteral("text"), QStringLiteral("@room the midterm moves to room B-204")}});
    QJsonObject muted = ChatFixture::room(104, QStringLiteral("group"), QStringLiteral("Robotics club (off-topic)"), 0, 14);
    muted.insert(QStringLiteral("muted"), true);
    muted.insert(QStringLiteral("lastMessage"), QJsonObject{{QStringLiteral("ts"), at(today, 1)}, {QStringLiteral("text"), QStringLiteral("who took the soldering iron")}});
    QJsonObject empty = ChatFixture::room(101, QStringLiteral("group"), QStringLiteral("Lab partners"));
    fixture.rooms = {study, dm, course, news, muted, empty};
    fixture.presence = {QJsonObject{{QStringLiteral("userId"), 51}, {QStringLiteral("status"), QStringLiteral("online")},
                                    {QStringLiteral("lastSeen"), 0}}};
    fixture.members = {QJsonObject{{QStringLiteral("user"), me}, {QStringLiteral("role"), QStringLiteral("owner")}},
                       QJsonObject{{QStringLiteral("user"), ana}, {QStringLiteral("role"), QStringLiteral("admin")}},
                       QJsonObject{{QStringLiteral("user"), ben}, {QStringLiteral("role"), QStringLiteral("member")}},
                       QJsonObject{{QStringLiteral("user"), chen}, {QStringLiteral("role"), QStringLiteral("member")}}};

    QList<QJsonObject> &m = fixture.messages[100];
    QJsonObject joined = ChatFixture::message(1, at(yesterday, 600), chen, QString());
    joined.insert(QStringLiteral("system"), QJsonObject{{QStringLiteral("event"), QStringLiteral("member.joined")}, {QStringLiteral("user"), chen}});
    m.append(joined);
    m.append(ChatFixture::message(2, at(yesterday, 602), ana, QStringLiteral("Has anyone started problem set 4? I'm stuck on **question 3**, the one about _bipartite_ graphs.")));
    m.append(ChatFixture::message(3, at(yesterday, 602) + 20000, ana, QStringLiteral("My BFS colours every node the same 😅")));
    QJsonObject tip = ChatFixture::message(4, at(yesterday, 610), ben, QStringLiteral("Mark nodes as visited *before* you enqueue them, not after:\n```cpp\nstd::queue<int> q;\nq.push(start);\nseen[start] = true; // here, not in the loop\nwhile (!q.empty()) {\n    int u = q.front(); q.pop();\n    for (int v : adj[u])\n        if (!seen[v]) { seen[v] = true; colour[v] = 1 - colour[u]; q.push(v); }\n}\n```"));
    tip.insert(QStringLiteral("reactions"), QJsonArray{QJsonObject{{QStringLiteral("emoji"), QString::fromUtf8("👍")}, {QStringLiteral("users"), QJsonArray{50, me.value(QStringLiteral("id"))}}},
                                                       QJsonObject{{QStringLiteral("emoji"), QString::fromUtf8("🎉")}, {QStringLiteral("users"), QJsonArray{52}}}});
    tip.insert(QStringLiteral("replyCount"), 3);
    m.append(tip);
    m.append(ChatFixture::message(5, at(yesterday, 611), ben, QStringLiteral("reply one"), 4));
    m.append(ChatFixture::message(6, at(yesterday, 612), ana, QStringLiteral("That was it, thank you! Now the second part works too."), 4));
    m.append(ChatFixture::message(7, at(yesterday, 614), me, QStringLiteral("Nice explanation, @ben. I'll reuse it in Thursday's recap."), 4));
    QJsonObject renamed = ChatFixture::message(8, at(yesterday, 700), me, QString());
    renamed.insert(QStringLiteral("system"), QJsonObject{{QStringLiteral("event"), QStringLiteral("room.updated")}, {QStringLiteral("name"), QStringLiteral("Graphs study group")}});
    m.append(renamed);
    QJsonObject edited = ChatFixture::message(9, at(yesterday, 702), me, QStringLiteral("Reminder: bring your laptops on Thursday. The room has power strips now, see https://cohort.example/rooms/b204"));
    edited.insert(QStringLiteral("edited"), true);
    m.append(edited);
    m.append(ChatFixture::message(10, at(today, 30), ana, QStringLiteral("Quick summary of what we covered, for those who missed it:\n- BFS finds shortest paths in unweighted graphs\n- a graph is bipartite exactly when BFS finds no edge inside one level\n- Dijkstra needs non-negative weights\n> The exam will have one proof question about this.\nI also wrote down the worked example from the whiteboard, including the part where we traced the queue step by step, which took longer than expected but made the invariant much clearer for everyone.")));
    QJsonObject gone = ChatFixture::message(11, at(today, 32), ben, QString());
    gone.insert(QStringLiteral("deleted"), true);
    m.append(gone);
    QJsonObject mention = ChatFixture::message(12, at(today, 40), chen, QStringLiteral("@ines could you check my proof sketch before Thursday? `O(V + E)` is what I got."));
    mention.insert(QStringLiteral("mentions"), QJsonArray{me.value(QStringLiteral("id"))});
    m.append(mention);
    m.append(ChatFixture::message(13, at(today, 40) + 5000, chen, QStringLiteral("See you Thursday!")));

    MainWindow window(&connection);
    fixture.install(window.chatPane()->chatClient());
    window.resize(1180, 760);
    window.show();
    ChatPane *pane = window.chatPane();
    QTRY_VERIFY_WITH_TIMEOUT(pane->chatClient()->isRoomListLoaded() && pane->currentRoom().isValid(), 10000);
    pane->openRoom(RoomId(100));
    QTRY_COMPARE(pane->messageView()->messageModel()->rowCount(), 10);
    // A message the server refuses (the room is not on the real server) shows "Not sent · Retry".
    pane->chatClient()->send(RoomId(100), QStringLiteral("Sure, send it over!"));
    QTRY_COMPARE(pane->messageView()->messageModel()->message(10).state, Client::ChatMessage::State::Failed);
    Protocol::Frame typing;
    typing.type = Protocol::FrameType::Event;
    typing.event = QStringLiteral("typing");
    typing.room = RoomId(100);
    typing.data = {{QStringLiteral("user"), ana}, {QStringLiteral("expiresInMs"), 60000}};
    Q_EMIT connection.eventReceived(typing);
    typing.data = {{QStringLiteral("user"), ben}, {QStringLiteral("expiresInMs"), 60000}};
    Q_EMIT connection.eventReceived(typing);
    pane->messageView()->scrollToNewest();
    shoot(&window, QStringLiteral("chat-busy-") + suffix);

    pane->messageView()->showMessage(4);
    pane->openThread(4);
    QTRY_COMPARE(pane->threadView()->messageModel()->rowCount(), 4);
    pane->messageView()->showMessage(4);
    shoot(&window, QStringLiteral("chat-thread-") + suffix);

    pane->showMembers();
    shoot(&window, QStringLiteral("chat-members-") + suffix);

    pane->openRoom(RoomId(101));
    QTRY_VERIFY(!pane->messageView()->messageModel()->isLoadingHistory());
    shoot(&window, QStringLiteral("chat-empty-room-") + suffix);
}

int main(int argc, char *argv[])
{
    // Never the user's keychain: without a session bus the app takes its "no keychain" path.
    qunsetenv("DBUS_SESSION_BUS_ADDRESS");
    QApplication app(argc, argv);
    TestScreenshots test;
    return QTest::qExec(&test, argc, argv);
}
#include "tst_screenshots.moc"

void TestScreenshots::codePane_data()
{
    QTest::addColumn<int>("theme");
    QTest::newRow("light") << static_cast<int>(Theme::Light);
    QTest::newRow("dark") << static_cast<int>(Theme::Dark);
}

/// The Code pane in a lesson: a file tree with folders and presence dots, three classmates'
/// carets with names (one with a selection, one with a very long name) in the open file, a comment thread in the margin
/// and the comments panel; then the participants with roles, and the empty session list.
/// Everything is a real server and real clients.
void TestScreenshots::codePane()
{
    QFETCH(int, theme);
    Appearance::applyTheme(static_cast<Theme>(theme));
    const QString suffix = theme == static_cast<int>(Theme::Dark) ? QStringLiteral("dark") : QStringLiteral("light");
    AppTestServer server;
    QVERIFY(server.ready);
    const QString password = QString::fromLatin1(AppTestServer::Password);
    const CourseId course = server.server->storage().courseByJoinCode(QStringLiteral("K7PX-3QMD"))->id;
    const std::pair<QString, QString> students[] = {{QStringLiteral("ana"), QStringLiteral("Ana Lima")},
                                                   {QStringLiteral("ben"), QStringLiteral("Ben Okafor")},
                                                   {QStringLiteral("chen"), QStringLiteral("Maximiliane Alexandra von Hohenberg-Schillingsfürst")}};
    for (const auto &[username, name] : students) {
        const Server::AuthOutcome account = server.server->auth().createAccount(username, name, Role::Student, password);
        QVERIFY(account.ok());
        server.server->storage().addCourseMember(course, account.user.info.id, Role::Student);
    }
    auto signIn = [&](Client::Connection &connection, const QString &username) {
        connection.setCacheRoot(m_dir.filePath(QStringLiteral("code-%1-%2").arg(username, suffix)));
        bool ok = false;
        connection.signIn(QUrl(server.address()), username, password, this,
                          [&ok](const Client::AuthResult &result) { ok = result.ok; });
        return QTest::qWaitFor([&ok] { return ok; }, 10000);
    };

    Client::Connection connection;
    QVERIFY(signIn(connection, QStringLiteral("ines")));
    MainWindow window(&connection);
    window.resize(1280, 780);
    window.showPane(MainWindow::CodePane);
    window.show();
    CodePane *pane = window.codePane();
    QTRY_VERIFY_WITH_TIMEOUT(pane->noSessionsState()->isVisible(), 10000);
    shoot(&window, QStringLiteral("code-no-sessions-") + suffix);

    Client::NewCodeSession settings;
    settings.title = QStringLiteral("Lab 3: word frequencies");
    settings.courseId = course;
    settings.visibility = QStringLiteral("course");
    std::optional<Client::CodeSessionInfo> created;
    pane->codeClient()->createSession(settings, this, [&created](const Client::Reply &, const std::optional<Client::CodeSessionInfo> &info) {
        created = info;
    });
    QTRY_VERIFY_WITH_TIMEOUT(created.has_value(), 10000);
    pane->openSession(created->id);
    QTRY_VERIFY_WITH_TIMEOUT(pane->session() && pane->session()->state() == Client::CodeSession::State::Joined, 10000);
    shoot(&window, QStringLiteral("code-no-files-") + suffix);

    const QString exercise = QStringLiteral(R"("""Exercise 3: word frequencies."""
from collections import Counter

from src.report import Report


def frequencies(path: str, top: int = 10) -> list[tuple[str, int]]:
    # Read the file once; lower-case so "The" and "the" count together.
    with open(path, encoding="utf-8") as handle:
        words = handle.read().lower().split()
    return Counter(words).most_common(top)


def longest(words: list[str]) -> str:
    return max(words, key=len)


if __name__ == "__main__":
    rows = frequencies("essay.txt")
    Report(rows).show()
)");
    const std::pair<QString, QString> files[] = {
        {QStringLiteral("exercise3.py"), exercise},
        {QStringLiteral("src/report.py"), QStringLiteral("class Report:\n    def __init__(self, rows):\n        self.rows = rows\n")},
        {QStringLiteral("src/__init__.py"), QString()},
        {QStringLiteral("tests/test_words.py"), QStringLiteral("from exercise3 import longest\n\n\ndef test_longest():\n    assert longest([\"a\", \"abc\"]) == \"abc\"\n")},
        {QStringLiteral("README.md"), QStringLiteral("# Lab 3\n\nCount the words of `essay.txt`.\n")},
        {QStringLiteral("essay.txt"), QStringLiteral("The quick brown fox jumps over the lazy dog.\n")}};
    QHash<QString, Client::CodeFileId> ids;
    for (const auto &[path, content] : files) {
        std::optional<Client::CodeFileInfo> file;
        pane->session()->createFile(path, CodeLanguages::forFileName(path), content, this,
                                    [&file](const Client::Reply &, const std::optional<Client::CodeFileInfo> &info) { file = info; });
        QTRY_VERIFY_WITH_TIMEOUT(file.has_value(), 10000);
        ids.insert(path, file->id);
    }
    const Client::CodeFileId main = ids.value(QStringLiteral("exercise3.py"));
    pane->openFile(main);
    QTRY_VERIFY_WITH_TIMEOUT(pane->session()->openedFile(main)->isLoaded(), 10000);
    CollabEditor *editor = pane->currentView()->editor();
    editor->setCursorPosition(13, 4);

    // Three classmates in exercise3.py, Ben with a selection.
    struct Student
    {
        Client::Connection connection;
        std::unique_ptr<Client::CodeClient> code;
        Client::CodeSessionFile *file = nullptr;
    };
    std::array<Student, 3> others;
    const int lines[][4] = {{9, 8, 9, 8}, {14, 11, 14, 30}, {18, 4, 18, 4}}; // anchor line, column, head line, column
    for (int i = 0; i < 3; ++i) {
        Student &s = others[size_t(i)];
        QVERIFY(signIn(s.connection, students[i].first));
        s.code = std::make_unique<Client::CodeClient>(&s.connection);
        Client::CodeSession *session = s.code->join(created->id);
        QTRY_VERIFY_WITH_TIMEOUT(session->state() == Client::CodeSession::State::Joined, 10000);
        s.file = session->openFile(main);
        QTRY_VERIFY_WITH_TIMEOUT(s.file->isLoaded(), 10000);
        auto position = [&](int line, int column) {
            const QStringList textLines = s.file->text().split(QLatin1Char('\n'));
            qsizetype at = 0;
            for (int l = 0; l < line; ++l)
                at += textLines.at(l).size() + 1;
            return at + column;
        };
        s.file->setLocalSelection(position(lines[i][0], lines[i][1]), position(lines[i][2], lines[i][3]), 0);
    }
    Client::CodeSession *anaSession = others[0].code->session(created->id);
    bool commented = false;
    anaSession->addComment(main, others[0].file->text().indexOf(QStringLiteral("    # Read")),
                           others[0].file->text().indexOf(QStringLiteral("    return Counter")) - 1,
                           QStringLiteral("Why lower-case before splitting? Doesn't that merge \"US\" and \"us\"?"), this,
                           [&](const Client::Reply &reply, const std::optional<Client::CodeCommentInfo> &comment) {
        QVERIFY(reply.ok);
        pane->session()->reply(comment->id, QStringLiteral("Good catch: it does. For this exercise that's fine; we'll fix it in lab 4."));
        commented = true;
    });
    QTRY_VERIFY_WITH_TIMEOUT(commented, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(editor->comments().size() == 1, 10000);
    for (const Student &s : others)
        QTRY_VERIFY_WITH_TIMEOUT(editor->remoteCursor(quint64(s.connection.currentUser().id.value())).has_value(), 10000);
    pane->sideTabs()->setCurrentIndex(1);
    QTRY_COMPARE_WITH_TIMEOUT(pane->session()->comments()->comments().size(), 2, 10000);
    shoot(&window, QStringLiteral("code-session-") + suffix);
    {
        LanguageManager languages;
        languages.setLanguage(QStringLiteral("de"));
        QCoreApplication::processEvents();
        shoot(&window, QStringLiteral("code-session-%1-de").arg(suffix));
        languages.setLanguage(QStringLiteral("en"));
        QCoreApplication::processEvents();
    }

    pane->sideTabs()->setCurrentIndex(0);
    pane->session()->setRole(others[2].connection.currentUser().id, Client::CodeRole::Viewer);
    QTRY_VERIFY_WITH_TIMEOUT(pane->session()->participants()->participant(others[2].connection.currentUser().id)->role
                                 == Client::CodeRole::Viewer, 10000);
    shoot(&window, QStringLiteral("code-people-") + suffix);

    // Lecture mode as a student who joins late sees it: read-only, following the teacher.
    pane->lectureButton()->click();
    QTRY_VERIFY_WITH_TIMEOUT(pane->session()->info().lecture, 10000);
    const Server::AuthOutcome dana = server.server->auth().createAccount(QStringLiteral("dana"), QStringLiteral("Dana Roth"),
                                                                         Role::Student, password);
    QVERIFY(dana.ok());
    server.server->storage().addCourseMember(course, dana.user.info.id, Role::Student);
    Client::Connection danaConnection;
    QVERIFY(signIn(danaConnection, QStringLiteral("dana")));
    MainWindow danaWindow(&danaConnection);
    danaWindow.resize(1280, 780);
    danaWindow.showPane(MainWindow::CodePane);
    danaWindow.show();
    danaWindow.codePane()->openSession(created->id);
    QTRY_COMPARE_WITH_TIMEOUT(danaWindow.codePane()->session()->following(), connection.currentUser().id, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(danaWindow.codePane()->currentFile(), main, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(danaWindow.codePane()->session()->openedFile(main)->isLoaded(), 10000);
    shoot(&danaWindow, QStringLiteral("code-lecture-student-") + suffix);
}
