// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "codetypes.h"

#include <QPointer>
#include <QTimer>
#include <QWidget>

class QListWidget;
class QToolButton;

namespace Cohort::Client {
class CodeSession;
}

namespace Cohort::Ui {

/// The session's participants: avatar in their colour (dimmed when offline), name, role and the
/// file they are in, a Follow button, and for hosts a menu to change roles, pass the pen and
/// approve joiners.
class ParticipantsPanel : public QWidget
{
    Q_OBJECT
public:
    explicit ParticipantsPanel(QWidget *parent = nullptr);

    void setSession(Client::CodeSession *session);
    QListWidget *list() const { return m_list; }
    /// The row's Follow button of a user (tests).
    QToolButton *followButton(UserId user) const;
    QToolButton *menuButton(UserId user) const;

protected:
    void changeEvent(QEvent *event) override;

private:
    void rebuild();
    QWidget *buildRow(const Client::CodeParticipant &participant);
    /// The line under the name: role, lecturing, offline or the file they are in.
    QString details(const Client::CodeParticipant &participant) const;
    /// Everything a row shows, to rebuild only when something shown changed.
    QString rowKey(const Client::CodeParticipant &participant) const;
    void showHostMenu(const Client::CodeParticipant &participant, QToolButton *anchor);
    QString fileName(Client::CodeFileId file) const;

    QPointer<Client::CodeSession> m_session;
    QListWidget *m_list;
    QTimer m_rebuild;
    QStringList m_shown; // rowKey() of every row on screen
};

} // namespace Cohort::Ui
