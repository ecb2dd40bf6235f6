// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "appcontroller.h"
#include "appsettings.h"
#include "chatclient.h"
#include "chatpane.h"
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

private:
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

int main(int argc, char *argv[])
{
    // Never the user's keychain: without a session bus the app takes its "no keychain" path.
    qunsetenv("DBUS_SESSION_BUS_ADDRESS");
    QApplication app(argc, argv);
    TestAppController test;
    return QTest::qExec(&test, argc, argv);
}
#include "tst_appcontroller.moc"
