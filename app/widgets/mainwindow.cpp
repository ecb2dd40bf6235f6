// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "mainwindow.h"

#include "chatclient.h"
#include "chatpane.h"
#include "codeclient.h"
#include "codepane.h"
#include "connection.h"
#include "connectionindicator.h"
#include "coursespane.h"
#include "emptystate.h"
#include "hostbanner.h"
#include "hostedserver.h"
#include "icons.h"
#include "messagebanner.h"
#include "participantcolors.h"
#include "serveraddress.h"

#include <QAction>
#include <QCloseEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QPainter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QVBoxLayout>

namespace Cohort::Ui {

namespace {
constexpr int SidebarWidth = 220;
constexpr int AvatarSize = 36;

const char *const PaneSymbols[] = {"chat", "live", "exams", "code"};

QPixmap avatarPixmap(const QString &name, const QColor &color, const QFont &font, qreal dpr)
{
    QPixmap pixmap(QSize(AvatarSize, AvatarSize) * dpr);
    pixmap.setDevicePixelRatio(dpr);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(Qt::NoPen);
    painter.setBrush(color);
    painter.drawEllipse(QRectF(0, 0, AvatarSize, AvatarSize));
    QFont bold = font;
    bold.setWeight(QFont::DemiBold);
    painter.setFont(bold);
    painter.setPen(Qt::white);
    painter.drawText(QRectF(0, 0, AvatarSize, AvatarSize), Qt::AlignCenter, initialsOf(name));
    return pixmap;
}

QString roleText(Role role)
{
    switch (role) {
    case Role::Student:
        return MainWindow::tr("Student");
    case Role::Instructor:
        return MainWindow::tr("Instructor");
    case Role::Admin:
        return MainWindow::tr("Administrator");
    }
    return {};
}
} // namespace

MainWindow::MainWindow(Client::Connection *connection, QWidget *parent)
    : QMainWindow(parent)
    , m_connection(connection)
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowIcon(Icons::app());
    resize(1100, 720);
    setMinimumSize(760, 480);

    auto *chatClient = new Client::ChatClient(connection);
    m_chat = new Ui::ChatPane(chatClient, connection, this);
    // Owned by the pane, so that it outlives every event the pane handles while it goes away.
    chatClient->setParent(m_chat);
    m_live = new EmptyState(QStringLiteral("live"), this);
    m_live->setObjectName(QStringLiteral("livePane"));
    m_exams = new EmptyState(QStringLiteral("exams"), this);
    m_exams->setObjectName(QStringLiteral("examsPane"));
    auto *codeClient = new Client::CodeClient(connection);
    m_code = new Ui::CodePane(codeClient, connection, this);
    codeClient->setParent(m_code);
    m_stack = new QStackedWidget(this);
    m_stack->addWidget(m_chat);
    m_stack->addWidget(m_live);
    m_stack->addWidget(m_exams);
    m_stack->addWidget(m_code);

    m_hostBanner = new HostBanner(this);
    auto *content = new QWidget(this);
    auto *contentColumn = new QVBoxLayout(content);
    contentColumn->setContentsMargins(0, 0, 0, 0);
    contentColumn->setSpacing(0);
    auto *bannerBox = new QVBoxLayout;
    bannerBox->setContentsMargins(20, 16, 20, 0);
    m_notice = new MessageBanner(this);
    m_notice->setObjectName(QStringLiteral("mainNotice"));
    m_notice->setClosable(true);
    bannerBox->setSpacing(10);
    bannerBox->addWidget(m_notice);
    bannerBox->addWidget(m_hostBanner);
    contentColumn->addLayout(bannerBox);
    contentColumn->addWidget(m_stack, 1);

    auto *central = new QWidget(this);
    auto *row = new QHBoxLayout(central);
    row->setContentsMargins(0, 0, 0, 0);
    row->setSpacing(0);
    row->addWidget(buildSidebar());
    m_divider = new QFrame(central);
    auto *divider = m_divider;
    divider->setFrameShape(QFrame::VLine);
    divider->setFrameShadow(QFrame::Plain);
    divider->setObjectName(QStringLiteral("sidebarDivider"));
    row->addWidget(divider);
    row->addWidget(content, 1);
    setCentralWidget(central);

    m_indicator = new ConnectionIndicator(connection, this);
    m_serverLabel = new QLabel(this);
    statusBar()->addWidget(m_indicator);
    statusBar()->addPermanentWidget(m_serverLabel);
    statusBar()->setSizeGripEnabled(true);

    buildMenus();
    connect(m_connection, &Client::Connection::signedIn, this, &MainWindow::updateUserCard);
    connect(m_connection, &Client::Connection::stateChanged, this, &MainWindow::updateUserCard);
    retranslateUi();
    updateIcons();
    updateUserCard();
    showPane(ChatPane);
}

CoursesPane *MainWindow::coursesPane() const
{
    return m_chat->coursesPane();
}

QWidget *MainWindow::buildSidebar()
{
    auto *sidebar = new QWidget(this);
    sidebar->setObjectName(QStringLiteral("sidebar"));
    sidebar->setFixedWidth(SidebarWidth);
    sidebar->setAutoFillBackground(true);
    sidebar->setBackgroundRole(QPalette::AlternateBase);

    auto *brand = new QLabel(sidebar);
    brand->setPixmap(Icons::app().pixmap(28, 28));
    auto *brandName = new QLabel(tr("Cohort"), sidebar);
    QFont brandFont = brandName->font();
    brandFont.setPointSizeF(brandFont.pointSizeF() * 1.25);
    brandFont.setWeight(QFont::DemiBold);
    brandName->setFont(brandFont);
    auto *brandRow = new QHBoxLayout;
    brandRow->setContentsMargins(16, 16, 16, 10);
    brandRow->setSpacing(8);
    brandRow->addWidget(brand);
    brandRow->addWidget(brandName, 1);

    m_navigation = new QListWidget(sidebar);
    m_navigation->setObjectName(QStringLiteral("navigation"));
    m_navigation->setFrameShape(QFrame::NoFrame);
    m_navigation->setIconSize(QSize(20, 20));
    m_navigation->setSpacing(2);
    m_navigation->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_navigation->setBackgroundRole(QPalette::AlternateBase);
    m_navigation->viewport()->setBackgroundRole(QPalette::AlternateBase);
    for (int i = 0; i < PaneCount; ++i) {
        auto *item = new QListWidgetItem(m_navigation);
        item->setSizeHint(QSize(0, 38));
    }
    connect(m_navigation, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row >= 0)
            m_stack->setCurrentIndex(row);
    });

    m_avatar = new QLabel(sidebar);
    m_userName = new QLabel(sidebar);
    m_userName->setObjectName(QStringLiteral("userNameLabel"));
    m_userRole = new QLabel(sidebar);
    QFont nameFont = m_userName->font();
    nameFont.setWeight(QFont::DemiBold);
    m_userName->setFont(nameFont);
    m_userName->setMinimumWidth(0);
    m_userName->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_userRole->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    auto *userText = new QVBoxLayout;
    userText->setSpacing(0);
    userText->addWidget(m_userName);
    userText->addWidget(m_userRole);
    auto *userRow = new QHBoxLayout;
    userRow->setContentsMargins(14, 10, 14, 14);
    userRow->setSpacing(10);
    userRow->addWidget(m_avatar);
    userRow->addLayout(userText, 1);

    auto *column = new QVBoxLayout(sidebar);
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(0);
    column->addLayout(brandRow);
    auto *navigationBox = new QVBoxLayout;
    navigationBox->setContentsMargins(10, 0, 10, 0);
    navigationBox->addWidget(m_navigation);
    column->addLayout(navigationBox, 1);
    column->addLayout(userRow);
    return sidebar;
}

void MainWindow::buildMenus()
{
    m_fileMenu = menuBar()->addMenu(QString());
    m_settingsAction = m_fileMenu->addAction(QString(), this, &MainWindow::settingsRequested);
    m_settingsAction->setShortcut(QKeySequence::Preferences);
    if (m_settingsAction->shortcut().isEmpty())
        m_settingsAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Comma));
    m_settingsAction->setMenuRole(QAction::PreferencesRole);
    m_fileMenu->addSeparator();
    m_signOutAction = m_fileMenu->addAction(QString(), this, &MainWindow::signOutRequested);
    m_quitAction = m_fileMenu->addAction(QString(), this, &MainWindow::quitRequested);
    m_quitAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Q));
    m_quitAction->setMenuRole(QAction::QuitRole);

    m_viewMenu = menuBar()->addMenu(QString());
    for (int i = 0; i < PaneCount; ++i) {
        QAction *action = m_viewMenu->addAction(QString(), this, [this, i] { showPane(static_cast<Pane>(i)); });
        action->setShortcut(QKeySequence(Qt::CTRL | static_cast<Qt::Key>(Qt::Key_1 + i)));
        action->setCheckable(true);
        m_paneActions << action;
    }

    m_helpMenu = menuBar()->addMenu(QString());
    m_aboutAction = m_helpMenu->addAction(QString(), this, &MainWindow::aboutRequested);
    m_aboutAction->setMenuRole(QAction::AboutRole);
}

void MainWindow::showPane(Pane pane)
{
    m_navigation->setCurrentRow(pane);
    m_stack->setCurrentIndex(pane);
    for (int i = 0; i < m_paneActions.size(); ++i)
        m_paneActions.at(i)->setChecked(i == pane);
}

MainWindow::Pane MainWindow::currentPane() const
{
    return static_cast<Pane>(m_stack->currentIndex());
}

void MainWindow::showHosting(const HostedServer *server)
{
    if (server && server->isRunning())
        m_hostBanner->showServer(*server);
    else
        m_hostBanner->hide();
}

void MainWindow::showNotice(const QString &text)
{
    m_notice->showMessage(MessageBanner::Kind::Warning, text);
}

void MainWindow::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
    else if (event->type() == QEvent::PaletteChange)
        updateIcons();
    QMainWindow::changeEvent(event);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (m_closeHides) {
        hide();
        event->ignore();
        return;
    }
    event->ignore();
    Q_EMIT quitRequested();
}

void MainWindow::retranslateUi()
{
    setWindowTitle(tr("Cohort"));
    const QString paneNames[] = {tr("Chat"), tr("Live Classes"), tr("Exams"), tr("Code")};
    for (int i = 0; i < PaneCount; ++i) {
        m_navigation->item(i)->setText(paneNames[i]);
        m_paneActions.at(i)->setText(paneNames[i]);
    }
    m_live->setTitle(tr("No live classes scheduled"));
    m_live->setText(tr("When an instructor of your courses schedules a live class, it appears here "
                       "with its time. In class you raise your hand, ask questions, answer polls "
                       "and follow the whiteboard."));
    m_exams->setTitle(tr("No exams published"));
    m_exams->setText(tr("Exams of your courses appear here once an instructor publishes them, with "
                        "their time window. Your answers are saved as you go, and results show up "
                        "here when they are released."));

    m_fileMenu->setTitle(tr("&File"));
    m_settingsAction->setText(tr("&Settings…"));
    m_signOutAction->setText(tr("Sign &Out"));
    m_quitAction->setText(tr("&Quit"));
    m_viewMenu->setTitle(tr("&View"));
    m_helpMenu->setTitle(tr("&Help"));
    m_aboutAction->setText(tr("&About Cohort"));
    updateUserCard();
}

void MainWindow::updateIcons()
{
    const QPalette p = palette();
    // Style sheets resolve palette() colours once, so the theme's colours are written out.
    const QString navigationSheet =
        QStringLiteral("QListWidget#navigation { background: transparent; outline: 0; }"
                       "QListWidget#navigation::item { padding: 7px 10px; border-radius: 6px; color: %1; }"
                       "QListWidget#navigation::item:hover { background: %2; }"
                       "QListWidget#navigation::item:selected { background: %3; color: %4; }")
            .arg(cssColor(p.color(QPalette::WindowText)), cssColor(p.color(QPalette::Midlight)),
                 cssColor(p.color(QPalette::Highlight)), cssColor(p.color(QPalette::HighlightedText)));
    if (navigationSheet != m_navigation->styleSheet())
        m_navigation->setStyleSheet(navigationSheet);
    const QString dividerSheet = QStringLiteral("#sidebarDivider { color: %1; }").arg(cssColor(p.color(QPalette::Mid)));
    if (dividerSheet != m_divider->styleSheet())
        m_divider->setStyleSheet(dividerSheet);
    for (int i = 0; i < PaneCount; ++i) {
        const QIcon icon = Icons::symbol(QLatin1String(PaneSymbols[i]), p.color(QPalette::WindowText),
                                         p.color(QPalette::HighlightedText));
        m_navigation->item(i)->setIcon(icon);
        m_paneActions.at(i)->setIcon(icon);
    }
    updateUserCard();
}

void MainWindow::updateUserCard()
{
    const UserInfo user = m_connection->currentUser();
    const QString name = user.displayName.isEmpty() ? user.username : user.displayName;
    m_avatar->setPixmap(avatarPixmap(name, palette().color(QPalette::Highlight), font(), devicePixelRatioF()));
    const int width = qMax(60, SidebarWidth - AvatarSize - 40);
    m_userName->setText(m_userName->fontMetrics().elidedText(name, Qt::ElideRight, width));
    m_userName->setToolTip(Client::plainToolTip(name));
    QString detail = user.username.isEmpty() ? QString() : roleText(user.role);
    m_userRole->setText(m_userRole->fontMetrics().elidedText(detail, Qt::ElideRight, width));
    m_serverLabel->setText(m_connection->url().isEmpty()
                               ? QString()
                               : displayAddress(m_connection->url()));
}

} // namespace Cohort::Ui
