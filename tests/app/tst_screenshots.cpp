// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "appearance.h"
#include "apptestserver.h"
#include "backoffpolicy.h"
#include "connection.h"
#include "coursespane.h"
#include "hostclassdialog.h"
#include "hostedserver.h"
#include "languagemanager.h"
#include "mainwindow.h"
#include "settingsdialog.h"
#include "signindialog.h"
#include "tokenstore.h"

#include <QApplication>
#include <QDir>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

using namespace Cohort;
using namespace Cohort::Ui;
using Cohort::Tests::AppTestServer;

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

int main(int argc, char *argv[])
{
    // Never the user's keychain: without a session bus the app takes its "no keychain" path.
    qunsetenv("DBUS_SESSION_BUS_ADDRESS");
    QApplication app(argc, argv);
    TestScreenshots test;
    return QTest::qExec(&test, argc, argv);
}
#include "tst_screenshots.moc"
