// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "connection.h"
#include "hostedserver.h"
#include "languagemanager.h"
#include "signindialog.h"
#include "tokenstore.h"

#include <QObject>
#include <QPointer>

class QSystemTrayIcon;

namespace Cohort::Ui {

class MainWindow;

/// Runs the app: resumes a kept session or asks to sign in, shows the main window, hosts a
/// class when asked, and handles sign-out, settings, the tray icon and a graceful quit.
class AppController : public QObject
{
    Q_OBJECT
public:
    explicit AppController(QObject *parent = nullptr);
    ~AppController() override;

    /// Applies the stored theme and language, then resumes the kept session or shows sign-in.
    void start();
    /// Signs out, stops a hosted class gracefully and quits the event loop; without "keep me
    /// signed in" after asking when messages written offline, or code changes not on the
    /// server, would be deleted with the cache (with it they stay for the next run).
    void quit();

    Client::Connection *connection() const { return m_connection; }
    HostedServer *hostedServer() const { return m_hosted; }
    LanguageManager *languages() const { return m_languages; }
    MainWindow *mainWindow() const { return m_mainWindow; }
    SignInDialog *signInDialog() const { return m_signIn; }
    /// Options for hosting (tests lower the hashing cost and use port 0 and a temp dir).
    void setHostOptions(const HostOptions &options) { m_hostOptions = options; }

    void showSettings();
    void showAbout();
    /// Signs out, after asking when messages written offline, or code changes not on the
    /// server, would be deleted with the cache.
    void signOut();

Q_SIGNALS:
    void mainWindowShown();

private:
    void showSignIn(const QString &notice = QString());
    void showHostDialog();
    void showMainWindow();
    void createTrayIcon();
    void resumeKeptSession();
    void keepOrForgetToken(bool keep);
    /// Calls `then` at once when nothing is waiting to be sent; else asks first, naming what
    /// the action deletes (`consequence`) on a button labelled `proceed`.
    void askBeforeDeletingUnsent(const QString &title, const QString &consequence, const QString &proceed,
                                 void (AppController::*then)());
    /// Forgets the kept token, signs out (deleting the account's cache) and shows sign-in.
    void completeSignOut();
    /// Goes offline, stops a hosted class and quits the event loop (see quit()).
    void completeQuit();
    void onSignedOut(const Client::ErrorInfo &reason);
    bool isHostSession() const;

    Client::Connection *m_connection;
    Client::TokenStore *m_tokens;
    LanguageManager *m_languages;
    HostedServer *m_hosted;
    HostOptions m_hostOptions;
    MainWindow *m_mainWindow = nullptr;
    QPointer<SignInDialog> m_signIn;
    QSystemTrayIcon *m_tray = nullptr;
    bool m_quitting = false;
    bool m_signingOut = false;
};

} // namespace Cohort::Ui
