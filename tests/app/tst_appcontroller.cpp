// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "appcontroller.h"
#include "appsettings.h"
#include "chatclient.h"
#include "chatpane.h"
#include "codeclient.h"
#include "codepane.h"
#include "codesession.h"
#include "codesessionfile.h"
#include "hostbanner.h"
#include "hostclassdialog.h"
#include "mainwindow.h"
#include "messagebanner.h"
#include "roomlistmodel.h"
#include "signindialog.h"

#include <QApplication>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Cohort;
using namespace Cohort::Ui;

/// The whole shell as a user meets it: sign-in first, "Host a class" from there, the main
/// window with the hosting banner, sign-out back to sign-in, and a graceful quit.
class TestAppController : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void hostSignOutAndQuit();
    void codeChangesNotOnTheServerAreNotDroppedUnasked();

private:
    /// Starts the controller and hosts a class as ines; false if a step failed.
    static bool hostAClass(AppController &controller, const QString &dataDir);
    QTemporaryDir m_dir;
};

void TestAppController::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QSettings().clear();
    QVERIFY(m_dir.isValid());
}

void TestAppController::hostSignOutAndQuit()
{
    AppController controller;
    HostOptions options;
    options.dataDir = m_dir.filePath(QStringLiteral("hosted-server"));
    options.preferredPort = 0;
    options.argon2OpsLimit = 1;
    options.argon2MemLimit = 8192;
    controller.setHostOptions(options);
    controller.start();

    // Nothing kept: the sign-in dialog comes first.
    QTRY_VERIFY(controller.signInDialog() && controller.signInDialog()->isVisible());
    QVERIFY(!controller.mainWindow()->isVisible());
    QTest::mouseClick(controller.signInDialog()->findChild<QPushButton *>(QStringLiteral("hostClassButton")),
                      Qt::LeftButton);
    HostClassDialog *host = nullptr;
    QTRY_VERIFY((host = controller.signInDialog()->findChild<HostClassDialog *>()) && host->isVisible());
    host->findChild<QLineEdit *>(QStringLiteral("courseNameEdit"))->setText(QStringLiteral("Physics 101"));
    host->findChild<QLineEdit *>(QStringLiteral("hostDisplayNameEdit"))->setText(QStringLiteral("Ines Instructor"));
    host->findChild<QLineEdit *>(QStringLiteral("hostUsernameEdit"))->setText(QStringLiteral("ines"));
    QSignalSpy shown(&controller, &AppController::mainWindowShown);
    QTest::mouseClick(host->findChild<QPushButton *>(QStringLiteral("startHostingButton")), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(shown.count(), 1, 15000);

    MainWindow *window = controller.mainWindow();
    QVERIFY(window->isVisible());
    QVERIFY(window->hostBanner()->isVisible());
    QCOMPARE(window->hostBanner()->joinCode(), controller.hostedServer()->course().joinCode);
    QCOMPARE(controller.connection()->state(), Client::Connection::State::Connected);

    // A message written offline is not thrown away unasked: signing out deletes it with the
    // account's cache. Cancelling keeps the session and the message.
    Client::ChatClient *chat = window->chatPane()->chatClient();
    QTRY_VERIFY(chat->isRoomListLoaded() && chat->rooms()->rowCount() > 0);
    controller.connection()->goOffline();
    chat->send(chat->rooms()->at(0).id, QStringLiteral("See you all on Monday"));
    QCOMPARE(chat->unsentCount(), 1);
    const auto prompt = [window] {
        for (QMessageBox *box : window->findChildren<QMessageBox *>(QStringLiteral("unsentMessagesPrompt"))) {
            if (box->isVisible())
                return box;
        }
        return static_cast<QMessageBox *>(nullptr);
    };
    controller.signOut();
    QTRY_VERIFY(prompt());
    QVERIFY(prompt()->text().contains(QLatin1Char('1')));
    QTest::mouseClick(prompt()->button(QMessageBox::Cancel), Qt::LeftButton);
    QTRY_VERIFY(!prompt());
    QVERIFY(window->isVisible());
    QCOMPARE(controller.connection()->state(), Client::Connection::State::Offline);
    QCOMPARE(chat->unsentCount(), 1);
    // Quitting without "keep me signed in" deletes the cache as well: it asks the same way.
    AppSettings::setKeepSignedIn(false);
    controller.quit();
    QTRY_VERIFY(prompt());
    QTest::mouseClick(prompt()->button(QMessageBox::Cancel), Qt::LeftButton);
    QTRY_VERIFY(!prompt());
    QVERIFY(window->isVisible());
    QVERIFY(controller.hostedServer()->isRunning());
    QCOMPARE(chat->unsentCount(), 1);
    // A sign-in through the dialog leaves the username for the next time; signing out takes it.
    AppSettings::setLastUsername(QStringLiteral("ines"));
    controller.signOut();
    QTRY_VERIFY(prompt());
    QTest::mouseClick(prompt()->findChild<QPushButton *>(QStringLiteral("deleteUnsentButton")), Qt::LeftButton);
    QCOMPARE(chat->unsentCount(), 0);
    QVERIFY(!window->isVisible());
    QTRY_VERIFY(controller.signInDialog() && controller.signInDialog()->isVisible());
    QCOMPARE(AppSettings::lastUsername(), QString());
    QCOMPARE(controller.signInDialog()->findChild<QLineEdit *>(QStringLiteral("usernameEdit"))->text(), QString());
    QCOMPARE(controller.connection()->state(), Client::Connection::State::SignedOut);
    // Signing out on purpose shows no "your session has ended" notice.
    QVERIFY(!controller.signInDialog()->findChild<MessageBanner *>(QStringLiteral("signInNotice"))->isVisible());
    // The class keeps running for the students while the host is signed out.
    QVERIFY(controller.hostedServer()->isRunning());

    QSignalSpy stopped(controller.hostedServer(), &HostedServer::stopped);
    controller.quit();
    QTRY_COMPARE_WITH_TIMEOUT(stopped.count(), 1, 10000);
}

bool TestAppController::hostAClass(AppController &controller, const QString &dataDir)
{
    HostOptions options;
    options.dataDir = dataDir;
    options.preferredPort = 0;
    options.argon2OpsLimit = 1;
    options.argon2MemLimit = 8192;
    controller.setHostOptions(options);
    controller.start();
    if (!QTest::qWaitFor([&controller] { return controller.signInDialog() && controller.signInDialog()->isVisible(); }, 5000))
        return false;
    QTest::mouseClick(controller.signInDialog()->findChild<QPushButton *>(QStringLiteral("hostClassButton")),
                      Qt::LeftButton);
    HostClassDialog *host = nullptr;
    if (!QTest::qWaitFor([&] { return (host = controller.signInDialog()->findChild<HostClassDialog *>()) && host->isVisible(); }, 5000))
        return false;
    host->findChild<QLineEdit *>(QStringLiteral("courseNameEdit"))->setText(QStringLiteral("Physics 101"));
    host->findChild<QLineEdit *>(QStringLiteral("hostDisplayNameEdit"))->setText(QStringLiteral("Ines Instructor"));
    host->findChild<QLineEdit *>(QStringLiteral("hostUsernameEdit"))->setText(QStringLiteral("ines"));
    QSignalSpy shown(&controller, &AppController::mainWindowShown);
    QTest::mouseClick(host->findChild<QPushButton *>(QStringLiteral("startHostingButton")), Qt::LeftButton);
    return QTest::qWaitFor([&shown] { return shown.count() == 1; }, 15000);
}

void TestAppController::codeChangesNotOnTheServerAreNotDroppedUnasked()
{
    AppController controller;
    QVERIFY(hostAClass(controller, m_dir.filePath(QStringLiteral("code-server"))));
    MainWindow *window = controller.mainWindow();
    Client::CodeClient *code = window->codePane()->codeClient();
    QTRY_VERIFY(code->isAvailable());

    // A session with a file, open; the server refuses a paste past its file length limit.
    Client::NewCodeSession settings;
    settings.title = QStringLiteral("Lab");
    settings.visibility = QStringLiteral("private");
    std::optional<Client::CodeSessionInfo> created;
    code->createSession(settings, this, [&created](const Client::Reply &, const std::optional<Client::CodeSessionInfo> &info) {
        created = info;
    });
    QTRY_VERIFY(created.has_value());
    window->codePane()->openSession(created->id);
    Client::CodeSession *session = window->codePane()->session();
    QVERIFY(session);
    QTRY_COMPARE(session->state(), Client::CodeSession::State::Joined);
    std::optional<Client::CodeFileInfo> file;
    session->createFile(QStringLiteral("notes.txt"), QStringLiteral("text"), QString(), this,
                        [&file](const Client::Reply &, const std::optional<Client::CodeFileInfo> &f) { file = f; });
    QTRY_VERIFY(file.has_value());
    Client::CodeSessionFile *open = session->openFile(file->id);
    QTRY_VERIFY(open->isLoaded());
    QString pasted;
    while (pasted.size() <= code->limits().maxFileLength)
        pasted += QString(79, QLatin1Char('p')) + QLatin1Char('\n');
    open->insert(0, pasted);
    QTRY_VERIFY_WITH_TIMEOUT(session->refusedEdits(file->id).has_value(), 30000);
    QCOMPARE(code->filesWithChangesNotOnServer(), 1);

    const auto prompt = [window] {
        for (QMessageBox *box : window->findChildren<QMessageBox *>(QStringLiteral("unsentMessagesPrompt"))) {
            if (box->isVisible())
                return box;
        }
        return static_cast<QMessageBox *>(nullptr);
    };
    // Signing out deletes the account's cache, the refused text with it: asked first, and
    // Cancel keeps everything.
    controller.signOut();
    QTRY_VERIFY(prompt());
    QVERIFY2(prompt()->text().contains(QLatin1String("1 code file")), qPrintable(prompt()->text()));
    QVERIFY(prompt()->informativeText().contains(QLatin1String("saved as a copy")));
    QTest::mouseClick(prompt()->button(QMessageBox::Cancel), Qt::LeftButton);
    QTRY_VERIFY(!prompt());
    QVERIFY(window->isVisible());
    QVERIFY(session->refusedEdits(file->id).has_value());

    // An edit the server has not seen yet (offline) counts as well, and so does quitting
    // without "keep me signed in".
    controller.connection()->goOffline();
    open->insert(0, QStringLiteral("offline "));
    QCOMPARE(code->filesWithChangesNotOnServer(), 1); // the same file
    AppSettings::setKeepSignedIn(false);
    controller.quit();
    QTRY_VERIFY(prompt());
    QVERIFY2(prompt()->text().contains(QLatin1String("1 code file")), qPrintable(prompt()->text()));
    QTest::mouseClick(prompt()->button(QMessageBox::Cancel), Qt::LeftButton);
    QTRY_VERIFY(!prompt());
    QVERIFY(window->isVisible());
    QVERIFY(controller.hostedServer()->isRunning());

    // Signing out anyway: the session ends here (its edits are not sent by whoever signs in next).
    controller.signOut();
    QTRY_VERIFY(prompt());
    QTest::mouseClick(prompt()->findChild<QPushButton *>(QStringLiteral("deleteUnsentButton")), Qt::LeftButton);
    QCOMPARE(controller.connection()->state(), Client::Connection::State::SignedOut);
    QTRY_VERIFY(!window->codePane()->session());
    QVERIFY(code->sessions().isEmpty());

    QSignalSpy stopped(controller.hostedServer(), &HostedServer::stopped);
    controller.quit();
    QTRY_COMPARE_WITH_TIMEOUT(stopped.count(), 1, 10000);
}

int main(int argc, char *argv[])
{
    // Never the user's keychain: without a session bus the app takes its "no keychain" path.
    qunsetenv("DBUS_SESSION_BUS_ADDRESS");
    QApplication app(argc, argv);
    TestAppController test;
    return QTest::qExec(&test, argc, argv);
}
#include "tst_appcontroller.moc"
