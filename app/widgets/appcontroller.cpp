// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "appcontroller.h"

#include "appearance.h"
#include "chatpane.h"
#include "appsettings.h"
#include "chatclient.h"
#include "codeclient.h"
#include "codepane.h"
#include "hostclassdialog.h"
#include "icons.h"
#include "mainwindow.h"
#include "serveraddress.h"
#include "settingsdialog.h"
#include "signindialog.h"

#include <QApplication>
#include <QLoggingCategory>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QSystemTrayIcon>
#include <QTimer>

Q_LOGGING_CATEGORY(lcApp, "cohort.app.shell")

namespace Cohort::Ui {

namespace {
/// How long a hosted class may take to close its connections on quit.
constexpr int HostStopTimeoutMs = 5000;
}

AppController::AppController(QObject *parent)
    : QObject(parent)
    , m_connection(new Client::Connection(this))
    , m_tokens(new Client::TokenStore(this))
    , m_languages(new LanguageManager(this))
    , m_hosted(new HostedServer(this))
{
    m_hostOptions.dataDir = HostedServer::defaultDataDir();
    connect(m_connection, &Client::Connection::signedOut, this, &AppController::onSignedOut);
    connect(m_connection, &Client::Connection::tokenChanged, this, [this](const QString &token, qint64) {
        // A password change issues a new token; a kept sign-in must follow it.
        if (!token.isEmpty() && AppSettings::keepSignedIn() && !isHostSession())
            m_tokens->writeToken(m_connection->url(), m_connection->currentUser().username, token, this,
                                 [](const Client::TokenStore::Result &) {});
    });
}

AppController::~AppController()
{
    // Top-level windows have no parent; they go with the controller.
    delete m_signIn.data();
    delete m_mainWindow;
}

void AppController::start()
{
    Appearance::captureSystemStyle();
    Appearance::applyTheme(AppSettings::theme());
    m_languages->setLanguage(AppSettings::language());
    m_mainWindow = new MainWindow(m_connection);
    connect(m_mainWindow, &MainWindow::settingsRequested, this, &AppController::showSettings);
    connect(m_mainWindow, &MainWindow::aboutRequested, this, &AppController::showAbout);
    connect(m_mainWindow, &MainWindow::signOutRequested, this, &AppController::signOut);
    connect(m_mainWindow, &MainWindow::quitRequested, this, &AppController::quit);
    createTrayIcon();
    if (!m_connection->followSystemNetwork())
        qCInfo(lcApp) << "no network information backend; reconnects follow the backoff only";
    resumeKeptSession();
}

bool AppController::isHostSession() const
{
    return m_hosted->isRunning() && m_connection->url() == m_hosted->localUrl();
}

void AppController::resumeKeptSession()
{
    const QUrl url = parseServerAddress(AppSettings::serverAddress());
    const QString username = AppSettings::lastUsername();
    if (!AppSettings::keepSignedIn() || username.isEmpty() || !url.isValid()) {
        showSignIn();
        return;
    }
    m_tokens->readToken(url, username, this, [this, url, username](const Client::TokenStore::Result &stored) {
        if (!stored.ok()) {
            showSignIn();
            return;
        }
        m_connection->signInWithToken(url, stored.token, this, [this, url, username](const Client::AuthResult &result) {
            // Without the network the Connection keeps trying by itself; the window shows that.
            if (result.ok || result.error == Protocol::ErrorCode::Unavailable) {
                showMainWindow();
                return;
            }
            m_tokens->deleteToken(url, username, this, [](const Client::TokenStore::Result &) {});
            showSignIn(tr("Your saved sign-in has expired or was revoked. Sign in again."));
        });
    });
}

void AppController::showSignIn(const QString &notice)
{
    if (m_quitting)
        return;
    if (!m_signIn) {
        m_signIn = new SignInDialog(m_connection, m_tokens);
        m_signIn->setAttribute(Qt::WA_DeleteOnClose);
        connect(m_signIn, &SignInDialog::hostClassRequested, this, &AppController::showHostDialog);
        connect(m_signIn, &QDialog::accepted, this, [this] {
            if (m_signIn && m_signIn->keychainAvailable() && !isHostSession())
                keepOrForgetToken(m_signIn->keepRequested());
            showMainWindow();
        });
        connect(m_signIn, &QDialog::rejected, this, [this] {
            if (!m_mainWindow->isVisible())
                quit();
        });
    }
    if (!notice.isEmpty())
        m_signIn->showNotice(notice);
    m_signIn->show();
    m_signIn->raise();
    m_signIn->activateWindow();
}

void AppController::keepOrForgetToken(bool keep)
{
    const QUrl url = m_connection->url();
    const QString username = m_connection->currentUser().username;
    if (!keep) {
        // An older "keep me signed in" for this account must not outlive this choice.
        m_tokens->deleteToken(url, username, this, [](const Client::TokenStore::Result &) {});
        return;
    }
    m_tokens->writeToken(url, username, m_connection->token(), this, [this](const Client::TokenStore::Result &stored) {
        if (stored.ok())
            return;
        qCWarning(lcApp) << "could not keep the token:" << stored.message;
        m_mainWindow->showNotice(tr("Cohort could not keep your sign-in in the system keychain (%1). "
                                    "You stay signed in until you quit Cohort.").arg(stored.message));
    });
}

void AppController::showHostDialog()
{
    auto *dialog = new HostClassDialog(m_hosted, m_connection, m_signIn);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setServerOptions(m_hostOptions);
    connect(dialog, &QDialog::accepted, this, [this] {
        if (m_signIn)
            m_signIn->accept();
        else
            showMainWindow();
    });
    dialog->open();
}

void AppController::showMainWindow()
{
    m_mainWindow->showHosting(isHostSession() ? m_hosted : nullptr);
    m_mainWindow->show();
    m_mainWindow->raise();
    m_mainWindow->activateWindow();
    Q_EMIT mainWindowShown();
}

void AppController::createTrayIcon()
{
    if (!QSystemTrayIcon::isSystemTrayAvailable())
        return;
    m_tray = new QSystemTrayIcon(Icons::app(), this);
    auto *menu = new QMenu(m_mainWindow);
    QAction *show = menu->addAction(QString(), this, [this] {
        if (m_connection->state() == Client::Connection::State::SignedOut
            || m_connection->currentUser().username.isEmpty())
            showSignIn();
        else
            showMainWindow();
    });
    QAction *signOutAction = menu->addAction(QString(), this, &AppController::signOut);
    menu->addSeparator();
    QAction *quitAction = menu->addAction(QString(), this, &AppController::quit);
    auto retranslate = [show, signOutAction, quitAction, this] {
        show->setText(tr("Show Cohort"));
        signOutAction->setText(tr("Sign Out"));
        quitAction->setText(tr("Quit"));
        m_tray->setToolTip(tr("Cohort"));
    };
    retranslate();
    // The texts follow a language switch the next time the menu opens.
    connect(menu, &QMenu::aboutToShow, this, retranslate);
    m_tray->setContextMenu(menu);
    connect(m_tray, &QSystemTrayIcon::activated, this, [show](QSystemTrayIcon::ActivationReason reason) {
        if (reason == QSystemTrayIcon::Trigger)
            show->trigger();
    });
    m_tray->show();
    m_mainWindow->setCloseHidesWindow(true);
    // Chat notifications (DMs and mentions; the chat already left out muted rooms and dnd).
    connect(m_mainWindow->chatPane(), &ChatPane::notificationWanted, this, [this](const QString &title, const QString &body) {
        if (!m_mainWindow->isActiveWindow())
            m_tray->showMessage(title, body, Icons::app());
    });
}

void AppController::showSettings()
{
    auto *dialog = new SettingsDialog(m_mainWindow);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &SettingsDialog::languageChosen, this, [this](const QString &language) {
        m_languages->setLanguage(language);
    });
    connect(dialog, &SettingsDialog::themeChosen, this, [](Theme theme) { Appearance::applyTheme(theme); });
    dialog->open();
}

void AppController::showAbout()
{
    QMessageBox::about(m_mainWindow, tr("About Cohort"),
                       tr("<h3>Cohort %1</h3>"
                          "<p>A desktop classroom: chat, live classes, exams and code, over one "
                          "connection to your school's server or to a class hosted on this computer.</p>"
                          "<p>Built with Qt %2 (running on Qt %3).</p>"
                          "<p>Licensed under the GNU General Public License, version 3 or later.</p>")
                           .arg(QCoreApplication::applicationVersion(), QStringLiteral(QT_VERSION_STR),
                                QString::fromLatin1(qVersion())));
}

void AppController::signOut()
{
    askBeforeDeletingUnsent(tr("Sign Out"), tr("Signing out deletes them from this computer."),
                            tr("Sign Out and Delete Them"), &AppController::completeSignOut);
}

void AppController::askBeforeDeletingUnsent(const QString &title, const QString &consequence, const QString &proceed,
                                            void (AppController::*then)())
{
    // Signing out (or quitting without "keep me signed in") deletes the account's cache with
    // what it has not sent yet, so that a shared computer keeps nothing of it: messages written
    // offline, code edits not on the server (unsent or refused) are not thrown away unasked.
    const int unsent = m_mainWindow ? m_mainWindow->chatPane()->chatClient()->unsentCount() : 0;
    const int codeFiles = m_mainWindow ? m_mainWindow->codePane()->codeClient()->filesWithChangesNotOnServer() : 0;
    if (unsent == 0 && codeFiles == 0) {
        (this->*then)();
        return;
    }
    auto *box = new QMessageBox(m_mainWindow);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setObjectName(QStringLiteral("unsentMessagesPrompt"));
    box->setIcon(QMessageBox::Warning);
    box->setTextFormat(Qt::PlainText);
    box->setWindowTitle(title);
    QStringList what;
    if (unsent > 0)
        what.append(tr("%n message(s) you wrote have not been sent yet.", nullptr, unsent));
    if (codeFiles > 0)
        what.append(tr("Your changes to %n code file(s) are not on the server.", nullptr, codeFiles));
    box->setText(what.join(QLatin1Char(' ')));
    QString advice = tr("To send them, keep Cohort open until it is connected again.");
    if (codeFiles > 0)
        advice += QLatin1Char(' ') + tr("Changes the server refused can be saved as a copy in the Code pane.");
    box->setInformativeText(consequence + QLatin1Char(' ') + advice);
    QPushButton *anyway = box->addButton(proceed, QMessageBox::DestructiveRole);
    anyway->setObjectName(QStringLiteral("deleteUnsentButton"));
    box->addButton(QMessageBox::Cancel);
    box->setDefaultButton(QMessageBox::Cancel);
    connect(box, &QMessageBox::finished, this, [this, box, anyway, then] {
        if (box->clickedButton() == anyway)
            (this->*then)();
    });
    box->open();
}

void AppController::completeSignOut()
{
    const QUrl url = m_connection->url();
    const QString username = m_connection->currentUser().username;
    if (!isHostSession() && !username.isEmpty())
        m_tokens->deleteToken(url, username, this, [](const Client::TokenStore::Result &) {});
    m_signingOut = true;
    m_connection->signOut();
    m_signingOut = false;
    // The sign-in dialog does not name the account to whoever uses the computer next.
    AppSettings::setLastUsername(QString());
    m_mainWindow->hide();
    showSignIn();
}

void AppController::onSignedOut(const Client::ErrorInfo &reason)
{
    // A sign-out the user chose needs no explanation; one the server decided does.
    if (m_quitting || m_signingOut)
        return;
    qCInfo(lcApp) << "session ended:" << reason.message;
    m_mainWindow->hide();
    showSignIn(tr("Your session has ended, for example because your password was changed or you "
                  "signed out on another computer. Sign in again."));
}

void AppController::quit()
{
    if (m_quitting)
        return;
    // With "keep me signed in" the account's cache stays: unsent code edits are sent, and
    // refused ones offered again, the next time their session is opened.
    if (AppSettings::keepSignedIn()) {
        completeQuit();
        return;
    }
    askBeforeDeletingUnsent(tr("Quit Cohort"), tr("Quitting without \"Keep me signed in\" deletes them from this computer."),
                            tr("Quit and Delete Them"), &AppController::completeQuit);
}

void AppController::completeQuit()
{
    if (m_quitting)
        return;
    m_quitting = true;
    if (m_signIn)
        m_signIn->hide();
    m_mainWindow->hide();
    if (m_tray)
        m_tray->hide();
    m_connection->goOffline();
    if (!m_hosted->isRunning()) {
        QCoreApplication::quit();
        return;
    }
    // Students' clients get "going away" and reconnect later; give the server time to say so.
    connect(m_hosted, &HostedServer::stopped, qApp, &QCoreApplication::quit);
    QTimer::singleShot(HostStopTimeoutMs, qApp, &QCoreApplication::quit);
    m_hosted->stop();
}

} // namespace Cohort::Ui
