// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "chattypes.h"

#include <QWidget>

class QLabel;
class QListWidget;
class QToolButton;

namespace Cohort::Ui {

/// The Chat pane's side panel with the open room's members: name, username, room role and a
/// presence dot. Activating someone asks for a direct message with them.
class MembersPanel : public QWidget
{
    Q_OBJECT
public:
    explicit MembersPanel(QWidget *parent = nullptr);

    void setMembers(const QList<Client::ChatMember> &members);
    void clear();
    QList<Client::ChatMember> members() const { return m_members; }
    void setPresence(UserId user, Client::Presence presence);
    /// A role changed while the panel shows the room (owner, admin or member).
    void setRole(UserId user, const QString &role);
    /// What the context menu offers: removing members (room owner/admin) and changing roles
    /// (owner). `me` is never offered.
    void setModeration(UserId me, bool canRemove, bool canSetRoles);

    static QString presenceText(Client::Presence presence);
    static QIcon presenceIcon(Client::Presence presence);
    static QString roleText(const QString &role);

Q_SIGNALS:
    void memberActivated(Cohort::UserId user);
    void removeRequested(Cohort::UserId user);
    void roleRequested(Cohort::UserId user, const QString &role);
    void closeRequested();

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslateUi();
    void rebuild();

    void showContextMenu(const QPoint &pos);

    QList<Client::ChatMember> m_members;
    UserId m_me;
    bool m_canRemove = false;
    bool m_canSetRoles = false;
    QLabel *m_title;
    QToolButton *m_close;
    QListWidget *m_list;
};

} // namespace Cohort::Ui
