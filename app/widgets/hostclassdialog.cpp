// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "hostclassdialog.h"

#include "appsettings.h"
#include "connection.h"
#include "errortext.h"
#include "icons.h"
#include "messagebanner.h"
#include "validation.h"

#include <QEvent>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QVBoxLayout>

namespace Cohort::Ui {

namespace {
/// A username suggestion from the system's login name: "Ana.Lima" -> "ana.lima".
QString suggestedUsername()
{
    QString name = qEnvironmentVariable("USER", qEnvironmentVariable("USERNAME")).toLower();
    name.remove(QRegularExpression(QStringLiteral("[^a-z0-9._-]")));
    if (!Protocol::isValidUsername(name))
        name = QStringLiteral("instructor");
    return name;
}
} // namespace

HostClassDialog::HostClassDialog(HostedServer *server, Client::Connection *connection, QWidget *parent)
    : QDialog(parent)
    , m_server(server)
    , m_connection(connection)
    , m_title(new QLabel(this))
    , m_intro(new QLabel(this))
    , m_courseLabel(new QLabel(this))
    , m_course(new QLineEdit(this))
    , m_displayNameLabel(new QLabel(this))
    , m_displayName(new QLineEdit(this))
    , m_usernameLabel(new QLabel(this))
    , m_username(new QLineEdit(this))
    , m_hint(new QLabel(this))
    , m_error(new MessageBanner(this))
    , m_busyRow(new QWidget(this))
    , m_busyText(new QLabel(m_busyRow))
    , m_busyBar(new QProgressBar(m_busyRow))
    , m_start(new QPushButton(this))
    , m_cancel(new QPushButton(this))
{
    setObjectName(QStringLiteral("hostClassDialog"));
    setMinimumWidth(540);
    m_options.dataDir = HostedServer::defaultDataDir();

    auto *symbol = new QLabel(this);
    symbol->setPixmap(Icons::symbolPixmap(QStringLiteral("host"), 48, palette().color(QPalette::Highlight),
                                          devicePixelRatioF()));
    QFont titleFont = font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.5);
    titleFont.setWeight(QFont::DemiBold);
    m_title->setFont(titleFont);
    m_intro->setWordWrap(true);
    auto *header = new QHBoxLayout;
    header->setSpacing(14);
    header->addWidget(symbol, 0, Qt::AlignTop);
    auto *headerText = new QVBoxLayout;
    headerText->setSpacing(4);
    headerText->addWidget(m_title);
    headerText->addWidget(m_intro);
    header->addLayout(headerText, 1);

    m_course->setObjectName(QStringLiteral("courseNameEdit"));
    m_course->setMaxLength(120);
    m_displayName->setObjectName(QStringLiteral("hostDisplayNameEdit"));
    m_displayName->setMaxLength(80);
    m_username->setObjectName(QStringLiteral("hostUsernameEdit"));
    m_username->setMaxLength(32);
    m_courseLabel->setBuddy(m_course);
    m_displayNameLabel->setBuddy(m_displayName);
    m_usernameLabel->setBuddy(m_username);
    m_course->setText(AppSettings::hostCourseName());
    m_displayName->setText(AppSettings::hostDisplayName());
    const QString username = AppSettings::hostUsername();
    m_username->setText(username.isEmpty() ? suggestedUsername() : username);

    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    form->setLabelAlignment(Qt::AlignRight | Qt::AlignVCenter);
    form->setHorizontalSpacing(12);
    form->setVerticalSpacing(10);
    form->addRow(m_courseLabel, m_course);
    form->addRow(m_displayNameLabel, m_displayName);
    form->addRow(m_usernameLabel, m_username);

    m_hint->setWordWrap(true);
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.9);
    m_hint->setFont(small);

    m_error->setObjectName(QStringLiteral("hostError"));
    m_busyBar->setRange(0, 0);
    m_busyBar->setTextVisible(false);
    m_busyBar->setFixedHeight(6);
    auto *busyLayout = new QVBoxLayout(m_busyRow);
    busyLayout->setContentsMargins(0, 0, 0, 0);
    busyLayout->setSpacing(4);
    busyLayout->addWidget(m_busyText);
    busyLayout->addWidget(m_busyBar);
    m_busyRow->hide();

    m_start->setObjectName(QStringLiteral("startHostingButton"));
    m_start->setDefault(true);
    m_cancel->setAutoDefault(false);
    auto *buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(m_cancel);
    buttons->addWidget(m_start);

    auto *separator = new QFrame(this);
    separator->setFrameShape(QFrame::HLine);
    separator->setFrameShadow(QFrame::Sunken);

    auto *column = new QVBoxLayout(this);
    column->setContentsMargins(24, 22, 24, 18);
    column->setSpacing(14);
    column->addLayout(header);
    column->addLayout(form);
    column->addWidget(m_hint);
    column->addWidget(m_error);
    column->addWidget(m_busyRow);
    column->addWidget(separator);
    column->addLayout(buttons);

    connect(m_start, &QPushButton::clicked, this, &HostClassDialog::start);
    connect(m_cancel, &QPushButton::clicked, this, &QDialog::reject);
    retranslateUi();
    m_course->setFocus();
}

void HostClassDialog::setServerOptions(const HostOptions &options)
{
    m_options = options;
}

QString HostClassDialog::errorText() const
{
    return m_error->isVisible() ? m_error->text() : QString();
}

void HostClassDialog::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
    QDialog::changeEvent(event);
}

void HostClassDialog::retranslateUi()
{
    setWindowTitle(tr("Host a Class"));
    m_title->setText(tr("Host a class on this computer"));
    m_intro->setText(tr("Cohort runs its server right here. Students on the same network join "
                        "with the address and the course join code shown next."));
    m_courseLabel->setText(tr("&Course name:"));
    m_course->setPlaceholderText(tr("e.g. Physics 101"));
    m_displayNameLabel->setText(tr("&Your name:"));
    m_displayName->setPlaceholderText(tr("As your students see it"));
    m_usernameLabel->setText(tr("&Username:"));
    m_hint->setText(tr("The class data stays on this computer in %1. Starting again with the same "
                       "course name continues the same course.").arg(m_options.dataDir));
    m_busyText->setText(tr("Starting the server…"));
    m_start->setText(tr("&Start Hosting"));
    m_cancel->setText(tr("Cancel"));
}

void HostClassDialog::setBusy(bool busy)
{
    m_busy = busy;
    for (QWidget *widget : std::initializer_list<QWidget *>{m_course, m_displayName, m_username, m_start, m_cancel})
        widget->setEnabled(!busy);
    m_busyRow->setVisible(busy);
    if (busy)
        m_error->clear();
}

void HostClassDialog::showError(const QString &text)
{
    m_error->showMessage(MessageBanner::Kind::Error, text);
}

void HostClassDialog::start()
{
    if (m_busy)
        return;
    const QString course = m_course->text().simplified();
    const QString displayName = m_displayName->text().simplified();
    const QString username = m_username->text().trimmed();
    if (course.isEmpty()) {
        showError(tr("Enter the name of the course you teach."));
        m_course->setFocus();
        return;
    }
    if (displayName.isEmpty()) {
        showError(tr("Enter your name as your students should see it."));
        m_displayName->setFocus();
        return;
    }
    if (!Protocol::isValidUsername(username)) {
        showError(tr("A username has 3 to 32 characters: lower-case letters, digits, dots, "
                     "hyphens and underscores, starting with a letter or a digit."));
        m_username->setFocus();
        return;
    }

    setBusy(true);
    HostOptions options = m_options;
    options.courseName = course;
    options.displayName = displayName;
    options.username = username;
    // Starting hashes a password and migrates the database: show the busy state first.
    repaint();
    if (!m_server->isRunning()) {
        if (const QString error = m_server->start(options); !error.isEmpty()) {
            setBusy(false);
            showError(error);
            return;
        }
    }
    AppSettings::setHostDetails(course, displayName, username);
    m_busyText->setText(tr("Signing you in…"));
    m_connection->signInWithToken(m_server->localUrl(), m_server->token(), this,
                                  [this](const Client::AuthResult &result) {
                                      setBusy(false);
                                      if (!result.ok) {
                                          showError(ErrorText::forSignIn(result.error, result.retryAfterMs));
                                          return;
                                      }
                                      accept();
                                  });
}

} // namespace Cohort::Ui
