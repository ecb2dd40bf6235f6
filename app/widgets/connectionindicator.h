// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "connection.h"

#include <QTimer>
#include <QWidget>

class QLabel;
class QToolButton;

namespace Cohort::Ui {

/// The status bar's connection state: a coloured dot and a short text (Connected, Connecting…,
/// Reconnecting in N s with a live countdown, Offline, Signed out), plus "Retry now" while
/// waiting to reconnect.
class ConnectionIndicator : public QWidget
{
    Q_OBJECT
public:
    explicit ConnectionIndicator(Client::Connection *connection, QWidget *parent = nullptr);

    QString text() const;
    QColor dotColor() const { return m_color; }

protected:
    void changeEvent(QEvent *event) override;

private:
    void refresh();

    Client::Connection *m_connection;
    QLabel *m_dot;
    QLabel *m_text;
    QToolButton *m_retry;
    QTimer m_tick;
    QColor m_color;
};

} // namespace Cohort::Ui
