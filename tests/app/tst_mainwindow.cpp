// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "appearance.h"
#include "apptestserver.h"
#include "backoffpolicy.h"
#include "connection.h"
#include "connectionindicator.h"
#include "coursespane.h"
#include "emptystate.h"
#include "languagemanager.h"
#include "mainwindow.h"
#include "participantcolors.h"
#include "settingsdialog.h"

#include <QApplication>
#include <QComboBox>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QTest>
#include <QToolButton>

#include <algorithm>

using namespace Cohort;
using namespace Cohort::Ui;
using Cohort::Tests::AppTestServer;

class TestMainWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void signedOutConnectionSaysSo();
    void connectedThenReconnectingCountsDown();
    void shortcutsSwitchPanes();
    void emptyPanesExplainThemselves();
    void emptyStateActionsShareOneWidth();
    void settingsHintUsesTheFieldWidth();
    void avatarsShowTwoInitialsEverywhere();
    void languageSwitchRetranslates();
    void pluralFormsAreSpelled();
    void darkThemeAppliesDarkPalette();
    void settingsDialogPreviewsAndRestores();

private:
    QTemporaryDir m_cache;
};

void TestMainWindow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QSettings().clear();
    Appearance::captureSystemStyle();
}

void TestMainWindow::signedOutConnectionSaysSo()
{
    Client::Connection connection;
    MainWindow window(&connection);
    window.show();
    QCOMPARE(window.connectionIndicator()->text(), QStringLiteral("Offline"));
}

void TestMainWindow::connectedThenReconnectingCountsDown()
{
    auto server = std::make_unique<AppTestServer>();
    QVERIFY(server->ready);
    Client::Connection connection;
    connection.setCacheRoot(m_cache.path());
    // A long first delay with a fixed seed, so the countdown is visible for several seconds.
    connection.setBackoffPolicy(Client::BackoffPolicy(60000, 60000, 7));
    MainWindow window(&connection);
    window.show();
    ConnectionIndicator *indicator = window.connectionIndicator();

    bool signedIn = false;
    connection.signIn(QUrl(server->address()), QStringLiteral("ines"), QString::fromLatin1(AppTestServer::Password),
                      this, [&signedIn](const Client::AuthResult &result) { signedIn = result.ok; });
    QCOMPARE(indicator->text(), QStringLiteral("Connecting…"));
    QTRY_VERIFY_WITH_TIMEOUT(signedIn, 10000);
    QCOMPARE(indicator->text(), QStringLiteral("Connected"));
    QCOMPARE(indicator->dotColor(), QColor(0x2e, 0xa0, 0x43));
    QTRY_COMPARE_WITH_TIMEOUT(window.coursesPane()->courses().size(), 1, 10000);

    server.reset();
    QTRY_COMPARE_WITH_TIMEOUT(connection.state(), Client::Connection::State::Reconnecting, 10000);
    const QRegularExpression countdown(QStringLiteral("^Reconnecting in (\\d+) s$"));
    QRegularExpressionMatch match = countdown.match(indicator->text());
    QVERIFY2(match.hasMatch(), qPrintable(indicator->text()));
    const int first = match.captured(1).toInt();
    QCOMPARE(first, connection.secondsUntilReconnect());
    QVERIFY(first >= 2);
    // The countdown is live: it goes down without any state change.
    QTRY_VERIFY_WITH_TIMEOUT(countdown.match(indicator->text()).captured(1).toInt() < first, 3000);
}

void TestMainWindow::shortcutsSwitchPanes()
{
    Client::Connection connection;
    MainWindow window(&connection);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QCOMPARE(window.currentPane(), MainWindow::ChatPane);
    QTest::keyClick(&window, Qt::Key_3, Qt::ControlModifier);
    QCOMPARE(window.currentPane(), MainWindow::ExamsPane);
    QTest::keyClick(&window, Qt::Key_4, Qt::ControlModifier);
    QCOMPARE(window.currentPane(), MainWindow::CodePane);
    auto *navigation = window.findChild<QListWidget *>(QStringLiteral("navigation"));
    navigation->setCurrentRow(1);
    QCOMPARE(window.currentPane(), MainWindow::LivePane);
}

void TestMainWindow::emptyPanesExplainThemselves()
{
    Client::Connection connection;
    MainWindow window(&connection);
    for (const char *name : {"livePane", "examsPane", "noSessionsState"}) {
        auto *pane = window.findChild<EmptyState *>(QString::fromLatin1(name));
        QVERIFY2(pane, name);
        QVERIFY(!pane->title().isEmpty());
        // One or more full sentences on what the pane is for, never a "coming soon".
        QVERIFY(pane->text().size() > 60);
        QVERIFY(!pane->text().contains(QLatin1String("coming"), Qt::CaseInsensitive));
        QVERIFY(!pane->text().contains(QLatin1String("later release"), Qt::CaseInsensitive));
        QVERIFY(!pane->text().contains(QLatin1String("not yet"), Qt::CaseInsensitive));
    }
}

void TestMainWindow::emptyStateActionsShareOneWidth()
{
    // The Code pane's "no sessions" and "no files" states stack two buttons of different text
    // lengths: one width keeps them one centred group instead of a ragged pile.
    EmptyState state(QStringLiteral("code"));
    auto *shortAction = new QToolButton(&state);
    shortAction->setText(QStringLiteral("New"));
    auto *longAction = new QToolButton(&state);
    longAction->setText(QStringLiteral("Join with a code from your teacher"));
    state.addAction(shortAction);
    state.addAction(longAction);
    state.resize(800, 600);
    state.show();
    QVERIFY(QTest::qWaitForWindowExposed(&state));
    QCOMPARE(shortAction->width(), longAction->width());
    QVERIFY(longAction->width() >= longAction->sizeHint().width());
    QVERIFY(qAbs(shortAction->mapTo(&state, shortAction->rect().center()).x() - state.width() / 2) <= 2);
}

void TestMainWindow::settingsHintUsesTheFieldWidth()
{
    SettingsDialog dialog;
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    const auto *edit = dialog.findChild<QLineEdit *>(QStringLiteral("settingsServerEdit"));
    const auto *hint = dialog.findChild<QLabel *>(QStringLiteral("serverHint"));
    QVERIFY(edit && hint);
    QCOMPARE(hint->width(), edit->width());
}

void TestMainWindow::avatarsShowTwoInitialsEverywhere()
{
    // The sidebar and the chat showed "MA" for a person the Code pane's People showed as "M".
    QCOMPARE(initialsOf(QStringLiteral("Maximiliane Alexandra von Hohenberg")), QStringLiteral("MA"));
    QCOMPARE(initialsOf(QStringLiteral("ana")), QStringLiteral("A"));
    QCOMPARE(initialsOf(QStringLiteral("  ")), QStringLiteral("?"));
    // On a bright fill (dark palette's yellow) the letters are dark, on a deep one white.
    auto extremes = [](const QColor &fill) {
        const QImage image = participantAvatar(QStringLiteral("Ana Lima"), fill, true, 28, 1.0).toImage();
        int darkest = 255;
        int lightest = 0;
        for (int y = 0; y < image.height(); ++y) {
            for (int x = 0; x < image.width(); ++x) {
                const QColor pixel = image.pixelColor(x, y);
                if (pixel.alpha() == 255) {
                    darkest = std::min(darkest, pixel.lightness());
                    lightest = std::max(lightest, pixel.lightness());
                }
            }
        }
        return std::pair{darkest, lightest};
    };
    QVERIFY(extremes(QColor(0xf5, 0xd7, 0x42)).first < 80);
    QVERIFY(extremes(QColor(0x3d, 0x3a, 0xb0)).second > 200);
}

void TestMainWindow::languageSwitchRetranslates()
{
    Client::Connection connection;
    MainWindow window(&connection);
    window.show();
    auto *navigation = window.findChild<QListWidget *>(QStringLiteral("navigation"));
    QCOMPARE(navigation->item(MainWindow::ExamsPane)->text(), QStringLiteral("Exams"));
    LanguageManager languages;
    QCOMPARE(languages.setLanguage(QStringLiteral("de")), QStringLiteral("de"));
    QTRY_COMPARE(navigation->item(MainWindow::ExamsPane)->text(), QStringLiteral("Prüfungen"));
    QCOMPARE(window.connectionIndicator()->text(), QStringLiteral("Offline"));
    QCOMPARE(languages.setLanguage(QStringLiteral("en")), QStringLiteral("en"));
    QTRY_COMPARE(navigation->item(MainWindow::ExamsPane)->text(), QStringLiteral("Exams"));
}

void TestMainWindow::pluralFormsAreSpelled()
{
    LanguageManager languages;
    QCOMPARE(languages.setLanguage(QStringLiteral("en")), QStringLiteral("en"));
    const char *context = "Cohort::Ui::ChatPane";
    QCOMPARE(QCoreApplication::translate(context, "%n member(s)", nullptr, 1), QStringLiteral("1 member"));
    QCOMPARE(QCoreApplication::translate(context, "%n member(s)", nullptr, 3), QStringLiteral("3 members"));
    QCOMPARE(QCoreApplication::translate("Cohort::Ui::MessageDelegate", "%n reply(s)", nullptr, 2),
             QStringLiteral("2 replies"));
    QCOMPARE(languages.setLanguage(QStringLiteral("de")), QStringLiteral("de"));
    QCOMPARE(QCoreApplication::translate(context, "%n member(s)", nullptr, 1), QStringLiteral("1 Mitglied"));
    QCOMPARE(QCoreApplication::translate(context, "%n member(s)", nullptr, 3), QStringLiteral("3 Mitglieder"));
}

void TestMainWindow::darkThemeAppliesDarkPalette()
{
    Client::Connection connection;
    MainWindow window(&connection);
    window.show();
    Appearance::applyTheme(Theme::Dark);
    QVERIFY(Appearance::isDark());
    QCOMPARE(QApplication::style()->name().toLower(), QStringLiteral("fusion"));
    QTRY_VERIFY(window.palette().color(QPalette::Window).lightness() < 80);
    QVERIFY(window.palette().color(QPalette::WindowText).lightness() > 200);
    Appearance::applyTheme(Theme::Light);
    QVERIFY(!Appearance::isDark());
    QTRY_VERIFY(window.palette().color(QPalette::Window).lightness() > 200);
}

void TestMainWindow::settingsDialogPreviewsAndRestores()
{
    SettingsDialog dialog;
    QSignalSpy themes(&dialog, &SettingsDialog::themeChosen);
    dialog.setTheme(Theme::Dark);
    QCOMPARE(themes.count(), 1);
    QCOMPARE(themes.last().at(0).value<Theme>(), Theme::Dark);
    dialog.reject();
    QCOMPARE(themes.count(), 2);
    QCOMPARE(themes.last().at(0).value<Theme>(), Theme::System);

    SettingsDialog second;
    second.setTheme(Theme::Dark);
    second.setLanguage(QStringLiteral("de"));
    second.accept();
    QCOMPARE(AppSettings::theme(), Theme::Dark);
    QCOMPARE(AppSettings::language(), QStringLiteral("de"));
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
