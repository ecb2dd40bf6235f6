// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include <QFrame>

class QLabel;
class QToolButton;

namespace Cohort::Ui {

class HostedServer;

/// Shown while this computer hosts a class: the address and the join code students enter,
/// each with a copy button.
class HostBanner : public QFrame
{
    Q_OBJECT
public:
    explicit HostBanner(QWidget *parent = nullptr);

    /// Fills the banner from a running hosted server.
    void showServer(const HostedServer &server);
    QString address() const { return m_addressValue; }
    QString joinCode() const { return m_joinCodeValue; }

protected:
    void changeEvent(QEvent *event) override;
    void paintEvent(QPaintEvent *event) override;

private:
    void retranslateUi();
    void updateLook();

    QString m_courseName;
    QString m_addressValue;
    QString m_joinCodeValue;
    QStringList m_otherAddresses;
    QColor m_background;
    QColor m_border;
    bool m_lanReachable = true;
    QLabel *m_icon;
    QLabel *m_headline;
    QLabel *m_addressCaption;
    QLabel *m_address;
    QToolButton *m_copyAddress;
    QLabel *m_codeCaption;
    QLabel *m_code;
    QToolButton *m_copyCode;
    QLabel *m_note;
};

} // namespace Cohort::Ui
