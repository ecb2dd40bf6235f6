// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "signindialog.h"

#include "appsettings.h"
#include "errortext.h"
#include "icons.h"
#include "messagebanner.h"
#include "serveraddress.h"
#include "validation.h"

#include <QCheckBox>
#include <QEvent>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QLoggingCategory>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

Q_LOGGING_CATEGORY(lcSignIn, "cohort.app.signin")

namespace Cohort::Ui {

using Protocol::ErrorCode;

namespace {
constexpr int MinimumPasswordLength = 8;
constexpr int ProbeDelayMs = 400;

/// Mode switches read as links, not as a second row of buttons. The colour is spelled out
/// because a style sheet's palette(link) would keep the colour of the theme it was set under.
void styleAsLink(QPushButton *button, const QColor &color)
{
    const QString sheet = QStringLiteral("QPushButton { color: %1; border: none; padding: 2px 0px; text-align: left; }"
                                         "QPushButton:hover { text-decoration: underline; }")
                              .arg(cssColor(color));
    if (sheet != button->styleSheet())
        button->setStyleSheet(sheet);
}

QFont scaledFont(const QFont &base, qreal factor, QFont::Weight weight)
{
    QFont font = base;
    font.setPointSizeF(base.pointSizeF() * factor);
    font.setWeight(weight);
    return font;
}
} // namespace

SignInDialog::SignInDialog(Client::Connection *connection, Client::TokenStore *tokens, QWidget *parent)
    : QDialog(parent)
    , m_connection(connection)
    , m_tokens(tokens)
    , m_probe(new Client::Connection(this))
{
    setObjectName(QStringLiteral("signInDialog"));
    setWindowIcon(Icons::app());
    buildUi();
    retranslateUi();
    updateColors();
    updateModeUi();

    m_server->setText(AppSettings::serverAddress());
    m_username->setText(AppSettings::lastUsername());
    m_keep->setChecked(AppSettings::keepSignedIn());
    if (!m_username->text().isEmpty())
        m_password->setFocus();
    else
        m_username->setFocus();

    m_probeTimer.setSingleShot(true);
    m_probeTimer.setInterval(ProbeDelayMs);
    connect(&m_probeTimer, &QTimer::timeout, this, &SignInDialog::probeServer);
    connect(m_server, &QLineEdit::textEdited, this, [this] { m_probeTimer.start(); });
    QTimer::singleShot(0, this, &SignInDialog::probeServer);
    QTimer::singleShot(0, this, &SignInDialog::checkKeychain);
}

SignInDialog::~SignInDialog() = default;

void SignInDialog::buildUi()
{
    setMinimumWidth(500);

    m_logo = new QLabel(this);
    m_logo->setPixmap(Icons::app().pixmap(56, 56));
    m_title = new QLabel(this);
    m_title->setObjectName(QStringLiteral("signInTitle"));
    m_title->setFont(scaledFont(font(), 1.5, QFont::DemiBold));
    m_subtitle = new QLabel(this);
    m_subtitle->setWordWrap(true);

    auto *header = new QHBoxLayout;
    header->setSpacing(14);
    header->addWidget(m_logo, 0, Qt::AlignTop);
    auto *headerText = new QVBoxLayout;
    headerText->setSpacing(2);
    headerText->addWidget(m_title);
    headerText->addWidget(m_subtitle);
    header->addLayout(headerText, 1);

    m_notice = new MessageBanner(this);
    m_notice->setObjectName(QStringLiteral("signInNotice"));
    m_setupNotice = new MessageBanner(this);
    m_setupNotice->setObjectName(QStringLiteral("setupNotice"));

    m_server = new QLineEdit(this);
    m_server->setObjectName(QStringLiteral("serverEdit"));
    m_server->setClearButtonEnabled(true);
    m_setupToken = new QLineEdit(this);
    m_setupToken->setObjectName(QStringLiteral("setupTokenEdit"));
    m_username = new QLineEdit(this);
    m_username->setObjectName(QStringLiteral("usernameEdit"));
    m_displayName = new QLineEdit(this);
    m_displayName->setObjectName(QStringLiteral("displayNameEdit"));
    m_displayName->setMaxLength(80);
    m_password = new QLineEdit(this);
    m_password->setObjectName(QStringLiteral("passwordEdit"));
    m_password->setEchoMode(QLineEdit::Password);
    m_joinCode = new QLineEdit(this);
    m_joinCode->setObjectName(QStringLiteral("joinCodeEdit"));
    m_joinCode->setMaxLength(64);
    m_keep = new QCheckBox(this);
    m_keep->setObjectName(QStringLiteral("keepSignedInCheck"));
    m_keychainNote = new MessageBanner(this);
    m_keychainNote->setObjectName(QStringLiteral("keychainNote"));

    m_serverLabel = new QLabel(this);
    m_setupTokenLabel = new QLabel(this);
    m_usernameLabel = new QLabel(this);
    m_displayNameLabel = new QLabel(this);
    m_passwordLabel = new QLabel(this);
    m_joinCodeLabel = new QLabel(this);
    m_serverLabel->setBuddy(m_server);
    m_setupTokenLabel->setBuddy(m_setupToken);
    m_usernameLabel->setBuddy(m_username);
    m_displayNameLabel->setBuddy(m_displayName);
    m_passwordLabel->setBuddy(m_password);
    m_joinCodeLabel->setBuddy(m_joinCode);

    m_form = new QFormLayout;
    m_form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    m_form->setLabelAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_form->setHorizontalSpacing(12);
    m_form->setVerticalSpacing(10);
    m_form->addRow(m_serverLabel, m_server);
    m_form->addRow(m_setupTokenLabel, m_setupToken);
    m_form->addRow(m_usernameLabel, m_username);
    m_form->addRow(m_displayNameLabel, m_displayName);
    m_form->addRow(m_passwordLabel, m_password);
    m_form->addRow(m_joinCodeLabel, m_joinCode);
    m_form->addRow(QString(), m_keep);

    m_error = new MessageBanner(this);
    m_error->setObjectName(QStringLiteral("signInError"));

    m_busyRow = new QWidget(this);
    m_busyText = new QLabel(m_busyRow);
    m_busyBar = new QProgressBar(m_busyRow);
    m_busyBar->setRange(0, 0);
    m_busyBar->setTextVisible(false);
    m_busyBar->setFixedHeight(6);
    auto *busyLayout = new QVBoxLayout(m_busyRow);
    busyLayout->setContentsMargins(0, 0, 0, 0);
    busyLayout->setSpacing(4);
    busyLayout->addWidget(m_busyText);
    busyLayout->addWidget(m_busyBar);
    m_busyRow->setVisible(false);

    m_switchMode = new QPushButton(this);
    m_switchMode->setObjectName(QStringLiteral("switchModeButton"));
    m_switchMode->setFlat(true);
    m_switchMode->setCursor(Qt::PointingHandCursor);

    m_switchMode->setAutoDefault(false);
    m_setupLink = new QPushButton(this);
    m_setupLink->setObjectName(QStringLiteral("setupModeButton"));
    m_setupLink->setFlat(true);
    m_setupLink->setCursor(Qt::PointingHandCursor);

    m_setupLink->setAutoDefault(false);
    m_host = new QPushButton(this);
    m_host->setObjectName(QStringLiteral("hostClassButton"));
    m_host->setAutoDefault(false);
    m_submit = new QPushButton(this);
    m_submit->setObjectName(QStringLiteral("submitButton"));
    m_submit->setDefault(true);
    m_cancel = new QPushButton(this);
    m_cancel->setObjectName(QStringLiteral("cancelButton"));
    m_cancel->setAutoDefault(false);

    auto *links = new QHBoxLayout;
    links->setSpacing(20);
    links->addWidget(m_switchMode);
    links->addWidget(m_setupLink);
    links->addStretch(1);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_host);
    buttons->addStretch(1);
    buttons->addWidget(m_cancel);
    buttons->addWidget(m_submit);

    auto *separator = new QFrame(this);
    separator->setFrameShape(QFrame::HLine);
    separator->setFrameShadow(QFrame::Sunken);

    auto *column = new QVBoxLayout(this);
    column->setContentsMargins(24, 22, 24, 18);
    column->setSpacing(14);
    column->addLayout(header);
    column->addWidget(m_notice);
    column->addWidget(m_setupNotice);
    column->addLayout(m_form);
    column->addWidget(m_keychainNote);
    column->addWidget(m_error);
    column->addWidget(m_busyRow);
    column->addLayout(links);
    column->addWidget(separator);
    column->addLayout(buttons);

    setTabOrder(m_server, m_setupToken);
    setTabOrder(m_setupToken, m_username);
    setTabOrder(m_username, m_displayName);
    setTabOrder(m_displayName, m_password);
    setTabOrder(m_password, m_joinCode);
    setTabOrder(m_joinCode, m_keep);
    setTabOrder(m_keep, m_submit);
    setTabOrder(m_submit, m_cancel);
    setTabOrder(m_cancel, m_host);
    setTabOrder(m_host, m_switchMode);
    setTabOrder(m_switchMode, m_setupLink);

    connect(m_submit, &QPushButton::clicked, this, &SignInDialog::submit);
    connect(m_cancel, &QPushButton::clicked, this, &QDialog::reject);
    connect(m_host, &QPushButton::clicked, this, &SignInDialog::hostClassRequested);
    connect(m_switchMode, &QPushButton::clicked, this, [this] {
        setMode(m_mode == Mode::SignIn ? Mode::SignUp : Mode::SignIn);
    });
    connect(m_setupLink, &QPushButton::clicked, this, [this] { setMode(Mode::Setup); });
}

void SignInDialog::retranslateUi()
{
    setWindowTitle(tr("Sign in to Cohort"));
    m_serverLabel->setText(tr("&Server address:"));
    m_server->setPlaceholderText(tr("e.g. ws://192.168.1.20:8740"));
    m_server->setToolTip(tr("The address your school or instructor gave you."));
    m_setupTokenLabel->setText(tr("Setup &token:"));
    m_setupToken->setPlaceholderText(tr("Printed by the server at its first start"));
    m_usernameLabel->setText(tr("&Username:"));
    m_displayNameLabel->setText(tr("&Full name:"));
    m_displayName->setPlaceholderText(tr("As others in your course see it"));
    m_passwordLabel->setText(tr("&Password:"));
    m_joinCodeLabel->setText(tr("Course &join code:"));
    m_joinCode->setPlaceholderText(tr("e.g. K7PX-3QMD"));
    m_keep->setText(tr("&Keep me signed in"));
    m_keep->setToolTip(tr("Cohort keeps your sign-in in the system keychain, never in a plain file."));
    m_host->setText(tr("&Host a Class on This Computer…"));
    m_host->setIcon(Icons::symbol(QStringLiteral("host")));
    m_host->setToolTip(tr("Run a Cohort server in this app so students on your network can join your class."));
    m_cancel->setText(tr("Quit"));
    m_setupLink->setText(tr("Set up this server"));
    updateSetupNotice();
    if (!m_keychainAvailable) {
        m_keychainNote->showMessage(MessageBanner::Kind::Warning, tr("No keychain is available on this computer, so Cohort cannot "
                                   "remember your sign-in. You stay signed in until you quit Cohort.")
                                + (m_keychainProblem.isEmpty() ? QString()
                                                               : QLatin1Char(' ') + m_keychainProblem));
    }
    updateModeUi();
}

void SignInDialog::updateModeUi()
{
    const bool signUp = m_mode == Mode::SignUp;
    const bool setup = m_mode == Mode::Setup;
    m_form->setRowVisible(m_setupToken, setup);
    m_form->setRowVisible(m_displayName, signUp || setup);
    m_form->setRowVisible(m_joinCode, signUp);

    switch (m_mode) {
    case Mode::SignIn:
        m_title->setText(tr("Sign in to Cohort"));
        m_subtitle->setText(tr("Use the account your school or instructor gave you."));
        m_submit->setText(tr("&Sign In"));
        m_switchMode->setText(tr("New here? Create an account with a join code"));
        m_password->setPlaceholderText(QString());
        m_username->setPlaceholderText(QString());
        break;
    case Mode::SignUp:
        m_title->setText(tr("Create your account"));
        m_subtitle->setText(tr("Enter the course join code from your instructor; you join that course right away."));
        m_submit->setText(tr("&Create Account"));
        m_switchMode->setText(tr("I already have an account"));
        m_password->setPlaceholderText(tr("At least %1 characters").arg(MinimumPasswordLength));
        m_username->setPlaceholderText(tr("Lower-case letters, digits, . _ -"));
        break;
    case Mode::Setup:
        m_title->setText(tr("Set up this server"));
        m_subtitle->setText(tr("Create the administrator account of this new server with the "
                               "one-time setup token it printed when it first started."));
        m_submit->setText(tr("&Create Administrator"));
        m_switchMode->setText(tr("I already have an account"));
        m_password->setPlaceholderText(tr("At least %1 characters").arg(MinimumPasswordLength));
        m_username->setPlaceholderText(tr("Lower-case letters, digits, . _ -"));
        break;
    }
    m_switchMode->setVisible(m_mode != Mode::SignIn || m_signUpAllowed);
    m_setupLink->setVisible(m_mode != Mode::Setup && m_setupRequired);
    m_keychainNote->setVisible(!m_keychainAvailable);
    // Rows appear and disappear with the mode: fit the dialog to them.
    QTimer::singleShot(0, this, [this] { adjustSize(); });
}

void SignInDialog::updateColors()
{
    m_host->setIcon(Icons::symbol(QStringLiteral("host")));
    // The dialog's palette is the theme's; a styled button's own palette may lag behind it.
    const QColor link = palette().color(QPalette::Link);
    styleAsLink(m_switchMode, link);
    styleAsLink(m_setupLink, link);
}

void SignInDialog::updateSetupNotice()
{
    if (m_setupRequired && m_mode != Mode::Setup)
        m_setupNotice->showMessage(MessageBanner::Kind::Information,
                                   tr("This server has no administrator yet. If you run it, choose "
                                      "“Set up this server” and enter the setup token it printed."));
    else
        m_setupNotice->clear();
}

void SignInDialog::setMode(Mode mode)
{
    m_mode = mode;
    m_error->clear();
    updateSetupNotice();
    updateModeUi();
    if (mode == Mode::Setup)
        m_setupToken->setFocus();
    else if (mode == Mode::SignUp)
        m_username->setFocus();
}

void SignInDialog::showNotice(const QString &text)
{
    m_notice->showMessage(MessageBanner::Kind::Information, text);
}

QString SignInDialog::errorText() const
{
    return m_error->isVisible() ? m_error->text() : QString();
}

void SignInDialog::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
    else if (event->type() == QEvent::PaletteChange)
        updateColors();
    QDialog::changeEvent(event);
}

void SignInDialog::setBusy(bool busy)
{
    m_busy = busy;
    for (QWidget *widget : std::initializer_list<QWidget *>{
             m_server, m_setupToken, m_username, m_displayName, m_password, m_joinCode,
             m_switchMode, m_setupLink, m_host, m_submit})
        widget->setEnabled(!busy);
    m_keep->setEnabled(!busy && m_keychainAvailable);
    m_busyRow->setVisible(busy);
    if (busy) {
        m_busyText->setText(m_mode == Mode::SignIn ? tr("Signing in…") : tr("Creating the account…"));
        m_error->clear();
    }
}

void SignInDialog::showError(const QString &text)
{
    m_error->showMessage(MessageBanner::Kind::Error, text);
}

QString SignInDialog::validateInput(const QUrl &url) const
{
    if (!url.isValid())
        return tr("Enter the server address, e.g. ws://192.168.1.20:8740.");
    if (m_mode == Mode::Setup && m_setupToken->text().trimmed().isEmpty())
        return tr("Enter the setup token that the server printed at its first start.");
    const QString username = m_username->text().trimmed();
    if (username.isEmpty())
        return tr("Enter your username.");
    if (m_mode != Mode::SignIn) {
        if (!Protocol::isValidUsername(username))
            return tr("A username has 3 to 32 characters: lower-case letters, digits, dots, "
                      "hyphens and underscores, starting with a letter or a digit.");
        if (m_displayName->text().trimmed().isEmpty())
            return tr("Enter your full name.");
        if (m_password->text().size() < MinimumPasswordLength)
            return tr("Choose a password of at least %1 characters.").arg(MinimumPasswordLength);
    } else if (m_password->text().isEmpty()) {
        return tr("Enter your password.");
    }
    if (m_mode == Mode::SignUp && m_joinCode->text().trimmed().size() < 4)
        return tr("Enter the course join code from your instructor.");
    return {};
}

void SignInDialog::submit()
{
    if (m_busy)
        return;
    const QUrl url = parseServerAddress(m_server->text());
    if (const QString problem = validateInput(url); !problem.isEmpty()) {
        showError(problem);
        return;
    }
    setBusy(true);
    const bool keep = m_keep->isChecked() && m_keychainAvailable;
    auto done = [this, keep](const Client::AuthResult &result) { onAuthFinished(keep, result); };
    m_submittedAddress = m_server->text().trimmed();
    const QString username = m_username->text().trimmed();
    switch (m_mode) {
    case Mode::SignIn:
        m_connection->signIn(url, username, m_password->text(), this, done);
        break;
    case Mode::SignUp:
        m_connection->signUp(url, username, m_displayName->text().trimmed(), m_password->text(),
                             m_joinCode->text().trimmed().toUpper(), this, done);
        break;
    case Mode::Setup:
        m_connection->setup(url, m_setupToken->text().trimmed(), username,
                            m_displayName->text().trimmed(), m_password->text(), this, done);
        break;
    }
}

void SignInDialog::onAuthFinished(bool keep, const Client::AuthResult &result)
{
    setBusy(false);
    if (!result.ok) {
        qCInfo(lcSignIn) << "sign-in failed:" << Protocol::errorCodeName(result.error) << result.message;
        if (const auto untrusted = m_connection->untrustedCertificate(); result.local && untrusted) {
            askToTrust(*untrusted);
            return;
        }
        if (result.local)
            showError(ErrorText::cannotReach(m_submittedAddress));
        else
            showError(ErrorText::forSignIn(result.error, result.retryAfterMs));
        if (result.error == ErrorCode::Unauthorized)
            m_password->selectAll();
        m_password->setFocus();
        probeServer();
        return;
    }

    m_password->clear();
    AppSettings::setServerAddress(m_server->text().trimmed());
    AppSettings::setLastUsername(result.user.username);
    if (m_keychainAvailable)
        AppSettings::setKeepSignedIn(m_keep->isChecked());
    m_keepRequested = keep;
    accept();
}

void SignInDialog::askToTrust(const Client::Connection::UntrustedCertificate &untrusted)
{
    // The fingerprint in two lines of 16 bytes, so it reads like the one an administrator prints.
    const QString fingerprint = untrusted.fingerprint.left(47) + QLatin1Char('\n') + untrusted.fingerprint.mid(48);
    const QString server = untrusted.url.host() + QLatin1Char(':') + QString::number(untrusted.url.port(443));
    auto *box = new QMessageBox(this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setObjectName(QStringLiteral("certificatePrompt"));
    box->setIcon(QMessageBox::Warning);
    box->setTextFormat(Qt::PlainText);
    box->setWindowTitle(tr("Check the Server's Certificate"));
    if (untrusted.changed) {
        box->setText(tr("The certificate of %1 has changed since you last signed in.").arg(server));
        box->setInformativeText(
            tr("Servers get new certificates from time to time, but a changed certificate is also what "
               "someone intercepting your connection would show. Trust it only if your administrator "
               "confirms this SHA-256 fingerprint:\n\n%1").arg(fingerprint));
    } else {
        box->setText(tr("This computer does not recognise the certificate of %1.").arg(server));
        box->setInformativeText(
            tr("Schools that run their own server often make their own certificate. Compare this "
               "SHA-256 fingerprint with the one your instructor or administrator gives you, and "
               "trust it only if they match:\n\n%1").arg(fingerprint));
    }
    const QSslCertificate &certificate = untrusted.certificate;
    box->setDetailedText(tr("Issued to: %1\nIssued by: %2\nValid from %3 to %4\n\n%5")
                             .arg(certificate.subjectDisplayName(), certificate.issuerDisplayName(),
                                  QLocale().toString(certificate.effectiveDate(), QLocale::ShortFormat),
                                  QLocale().toString(certificate.expiryDate(), QLocale::ShortFormat),
                                  untrusted.errors.join(QLatin1Char('\n'))));
    QPushButton *trust = box->addButton(tr("Trust and Sign In"), QMessageBox::AcceptRole);
    trust->setObjectName(QStringLiteral("trustButton"));
    box->addButton(QMessageBox::Cancel);
    box->setDefaultButton(QMessageBox::Cancel);
    connect(box, &QMessageBox::finished, this, [this, box, trust, untrusted] {
        if (box->clickedButton() == trust) {
            qCInfo(lcSignIn) << "the user trusts the certificate" << untrusted.fingerprint << "of" << untrusted.url.host();
            m_connection->certificateTrust().trust(untrusted.url, untrusted.certificate);
            submit();
        } else {
            showError(tr("Not signed in: the server's certificate was not trusted."));
        }
    });
    m_certificatePrompt = box;
    box->open();
}

void SignInDialog::probeServer()
{
    const QUrl url = parseServerAddress(m_server->text());
    if (!url.isValid() || url == m_probedUrl)
        return;
    m_probedUrl = url;
    m_probe->probe(url, this, [this, url](const Client::ServerInfo &info, const std::optional<Client::ErrorInfo> &error) {
        if (url != m_probedUrl)
            return;
        if (error) {
            // Nobody answered: ask again after the next edit or sign-in attempt.
            m_probedUrl.clear();
        }
        m_signUpAllowed = !error && info.signUp;
        m_setupRequired = !error && info.setupRequired;
        if (m_mode == Mode::SignUp && !m_signUpAllowed)
            m_mode = Mode::SignIn;
        if (m_mode == Mode::Setup && !m_setupRequired)
            m_mode = Mode::SignIn;
        // Accounts made with the admin CLI work before the first admin exists, so the dialog
        // only points at the setup instead of switching to it.
        updateSetupNotice();
        updateModeUi();
        Q_EMIT serverProbed();
    });
}

void SignInDialog::checkKeychain()
{
    const QUrl url = parseServerAddress(m_server->text());
    const QString username = m_username->text().isEmpty() ? QStringLiteral("-") : m_username->text();
    m_tokens->readToken(url, username, this, [this](const Client::TokenStore::Result &result) {
        using Status = Client::TokenStore::Status;
        m_keychainAvailable = result.status == Status::Ok || result.status == Status::NotFound;
        if (!m_keychainAvailable) {
            qCInfo(lcSignIn) << "keychain unavailable:" << result.message;
            m_keychainProblem = result.status == Status::AccessDenied
                ? tr("Access to the keychain was denied.")
                : QString();
            m_keep->setChecked(false);
            m_keep->setEnabled(false);
        }
        retranslateUi();
        Q_EMIT keychainChecked();
    });
}

} // namespace Cohort::Ui
