// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "hostedserver.h"

#include <QDialog>

class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;

namespace Cohort::Client {
class Connection;
}

namespace Cohort::Ui {

class MessageBanner;

/// "Host a class on this computer": asks for the course and the instructor, starts the built-in
/// server and signs the host in over a real connection to it. Accepted once signed in.
class HostClassDialog : public QDialog
{
    Q_OBJECT
public:
    HostClassDialog(HostedServer *server, Client::Connection *connection, QWidget *parent = nullptr);

    /// Data dir, port and hashing cost for the server; the names come from the form.
    void setServerOptions(const HostOptions &options);
    QString errorText() const;
    bool isBusy() const { return m_busy; }

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslateUi();
    void start();
    void setBusy(bool busy);
    void showError(const QString &text);

    HostedServer *m_server;
    Client::Connection *m_connection;
    HostOptions m_options;
    bool m_busy = false;

    QLabel *m_title;
    QLabel *m_intro;
    QLabel *m_courseLabel;
    QLineEdit *m_course;
    QLabel *m_displayNameLabel;
    QLineEdit *m_displayName;
    QLabel *m_usernameLabel;
    QLineEdit *m_username;
    QLabel *m_hint;
    MessageBanner *m_error;
    QWidget *m_busyRow;
    QLabel *m_busyText;
    QProgressBar *m_busyBar;
    QPushButton *m_start;
    QPushButton *m_cancel;
};

} // namespace Cohort::Ui
