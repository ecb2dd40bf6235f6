// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include <QMainWindow>

class QAction;
class QFrame;
class QLabel;
class QListWidget;
class QMenu;
class QStackedWidget;

namespace Cohort::Client {
class Connection;
}

namespace Cohort::Ui {

class ChatPane;
class CodePane;
class ConnectionIndicator;
class CoursesPane;
class EmptyState;
class HostBanner;
class HostedServer;
class MessageBanner;

/// The main window: navigation to the four panes, the hosting banner, the connection state in
/// the status bar, and the menus. What the menus do (sign out, settings, quit) is decided by
/// the AppController through the signals.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    enum Pane { ChatPane, LivePane, ExamsPane, CodePane, PaneCount };

    explicit MainWindow(Client::Connection *connection, QWidget *parent = nullptr);

    void showPane(Pane pane);
    Pane currentPane() const;
    /// Shows the address and join code of the class hosted on this computer (or hides them).
    void showHosting(const HostedServer *server);
    /// A warning above the panes that stays until the user closes it.
    void showNotice(const QString &text);
    /// With a tray icon, closing the window only hides it; otherwise closing quits.
    void setCloseHidesWindow(bool hides) { m_closeHides = hides; }
    ConnectionIndicator *connectionIndicator() const { return m_indicator; }
    CoursesPane *coursesPane() const;
    Ui::ChatPane *chatPane() const { return m_chat; }
    Ui::CodePane *codePane() const { return m_code; }
    HostBanner *hostBanner() const { return m_hostBanner; }

Q_SIGNALS:
    void settingsRequested();
    void aboutRequested();
    void signOutRequested();
    void quitRequested();

protected:
    void changeEvent(QEvent *event) override;
    void closeEvent(QCloseEvent *event) override;

private:
    void buildMenus();
    void buildNavigation();
    QWidget *buildSidebar();
    void retranslateUi();
    void updateIcons();
    void updateUserCard();

    Client::Connection *m_connection;
    bool m_closeHides = false;
    QListWidget *m_navigation = nullptr;
    QFrame *m_divider = nullptr;
    QStackedWidget *m_stack = nullptr;
    Ui::ChatPane *m_chat = nullptr;
    EmptyState *m_live = nullptr;
    EmptyState *m_exams = nullptr;
    Ui::CodePane *m_code = nullptr;
    HostBanner *m_hostBanner = nullptr;
    MessageBanner *m_notice = nullptr;
    ConnectionIndicator *m_indicator = nullptr;
    QLabel *m_serverLabel = nullptr;
    QLabel *m_avatar = nullptr;
    QLabel *m_userName = nullptr;
    QLabel *m_userRole = nullptr;

    QMenu *m_fileMenu = nullptr;
    QMenu *m_viewMenu = nullptr;
    QMenu *m_helpMenu = nullptr;
    QAction *m_settingsAction = nullptr;
    QAction *m_signOutAction = nullptr;
    QAction *m_quitAction = nullptr;
    QAction *m_aboutAction = nullptr;
    QList<QAction *> m_paneActions;
};

} // namespace Cohort::Ui
