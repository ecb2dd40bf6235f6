// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "connection.h"
#include "tokenstore.h"

#include <QDialog>
#include <QMessageBox>
#include <QPointer>
#include <QTimer>

class QCheckBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;

namespace Cohort::Ui {

class MessageBanner;

/// Signs in to a Cohort server, creates a student account with a course join code (where the
/// server allows it), or creates a new server's first admin with its setup token. "Host a class
/// on this computer" is offered too; the dialog only asks for it (hostClassRequested).
///
/// Accepted once the Connection is signed in; the AppController then keeps the token in the OS
/// keychain if keepRequested(). Where there is no keychain, the dialog says so up front and the
/// token stays in memory.
class SignInDialog : public QDialog
{
    Q_OBJECT
public:
    enum class Mode { SignIn, SignUp, Setup };
    Q_ENUM(Mode)

    SignInDialog(Client::Connection *connection, Client::TokenStore *tokens, QWidget *parent = nullptr);
    ~SignInDialog() override;

    Mode mode() const { return m_mode; }
    void setMode(Mode mode);
    bool isBusy() const { return m_busy; }
    /// Whether the server at the entered address allows sign-up (known after its welcome).
    bool signUpAllowed() const { return m_signUpAllowed; }
    /// Whether the token can be kept in the OS keychain (known shortly after opening).
    bool keychainAvailable() const { return m_keychainAvailable; }
    /// After acceptance: whether the user asked to stay signed in (and a keychain can keep it).
    bool keepRequested() const { return m_keepRequested; }
    /// Shows a note above the form, e.g. why the last session ended.
    void showNotice(const QString &text);
    /// The error shown after the last attempt (empty if none).
    QString errorText() const;
    /// The question whether to trust a server's unknown or changed certificate, while it is
    /// open (tests answer it).
    QMessageBox *certificatePrompt() const { return m_certificatePrompt; }

Q_SIGNALS:
    void hostClassRequested();
    /// The server's welcome arrived for the entered address (tests and the mode links wait on it).
    void serverProbed();
    void keychainChecked();

protected:
    void changeEvent(QEvent *event) override;

private:
    void buildUi();
    void retranslateUi();
    void updateModeUi();
    void updateColors();
    void updateSetupNotice();
    void setBusy(bool busy);
    void showError(const QString &text);
    void submit();
    QString validateInput(const QUrl &url) const;
    void onAuthFinished(bool keep, const Client::AuthResult &result);
    void askToTrust(const Client::Connection::UntrustedCertificate &untrusted);
    void probeServer();
    void checkKeychain();

    Client::Connection *m_connection;
    Client::TokenStore *m_tokens;
    Client::Connection *m_probe;
    QTimer m_probeTimer;
    QUrl m_probedUrl;
    QString m_submittedAddress; // as typed, for messages
    QPointer<QMessageBox> m_certificatePrompt;

    Mode m_mode = Mode::SignIn;
    bool m_busy = false;
    bool m_signUpAllowed = false;
    bool m_setupRequired = false;
    bool m_keychainAvailable = true;
    bool m_keepRequested = false;
    QString m_keychainProblem;

    QLabel *m_logo = nullptr;
    QLabel *m_title = nullptr;
    QLabel *m_subtitle = nullptr;
    MessageBanner *m_notice = nullptr;
    MessageBanner *m_setupNotice = nullptr;
    QFormLayout *m_form = nullptr;
    QLabel *m_serverLabel = nullptr;
    QLineEdit *m_server = nullptr;
    QLabel *m_setupTokenLabel = nullptr;
    QLineEdit *m_setupToken = nullptr;
    QLabel *m_usernameLabel = nullptr;
    QLineEdit *m_username = nullptr;
    QLabel *m_displayNameLabel = nullptr;
    QLineEdit *m_displayName = nullptr;
    QLabel *m_passwordLabel = nullptr;
    QLineEdit *m_password = nullptr;
    QLabel *m_joinCodeLabel = nullptr;
    QLineEdit *m_joinCode = nullptr;
    QCheckBox *m_keep = nullptr;
    MessageBanner *m_keychainNote = nullptr;
    MessageBanner *m_error = nullptr;
    QWidget *m_busyRow = nullptr;
    QLabel *m_busyText = nullptr;
    QProgressBar *m_busyBar = nullptr;
    QPushButton *m_switchMode = nullptr;
    QPushButton *m_setupLink = nullptr;
    QPushButton *m_host = nullptr;
    QPushButton *m_submit = nullptr;
    QPushButton *m_cancel = nullptr;
};

} // namespace Cohort::Ui
