// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "memberspanel.h"

#include "icons.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QPainter>
#include <QToolButton>
#include <QVBoxLayout>

namespace Cohort::Ui {

using Client::Presence;

MembersPanel::MembersPanel(QWidget *parent)
    : QWidget(parent)
    , m_title(new QLabel(this))
    , m_close(new QToolButton(this))
    , m_list(new QListWidget(this))
{
    setObjectName(QStringLiteral("membersPanel"));
    QFont font = m_title->font();
    font.setWeight(QFont::DemiBold);
    font.setPointSizeF(font.pointSizeF() * 1.1);
    m_title->setFont(font);
    m_close->setObjectName(QStringLiteral("membersClose"));
    m_close->setAutoRaise(true);
    m_close->setIconSize(QSize(18, 18));
    m_list->setObjectName(QStringLiteral("memberList"));
    m_list->setFrameShape(QFrame::NoFrame);
    m_list->setIconSize(QSize(12, 12));
    m_list->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_list->setTextElideMode(Qt::ElideRight);
    m_list->setSpacing(3);

    auto *header = new QHBoxLayout;
    header->setContentsMargins(14, 10, 8, 8);
    header->addWidget(m_title, 1);
    header->addWidget(m_close);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(header);
    layout->addWidget(m_list, 1);

    connect(m_close, &QToolButton::clicked, this, &MembersPanel::closeRequested);
    connect(m_list, &QListWidget::itemActivated, this, [this](QListWidgetItem *item) {
        Q_EMIT memberActivated(UserId(item->data(Qt::UserRole).toLongLong()));
    });
    m_list->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_list, &QListWidget::customContextMenuRequested, this, &MembersPanel::showContextMenu);
    retranslateUi();
}

QString MembersPanel::presenceText(Presence presence)
{
    switch (presence) {
    case Presence::Online:
        return tr("Online");
    case Presence::Away:
        return tr("Away");
    case Presence::DoNotDisturb:
        return tr("Do not disturb");
    case Presence::Offline:
        break;
    }
    return tr("Offline");
}

QIcon MembersPanel::presenceIcon(Presence presence)
{
    QPixmap pixmap(12, 12);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(Qt::NoPen);
    const QColor colors[] = {QColor(0x9ca3af), QColor(0x22c55e), QColor(0xf59e0b), QColor(0xef4444)};
    painter.setBrush(colors[int(presence)]);
    painter.drawEllipse(QRectF(1, 1, 10, 10));
    return QIcon(pixmap);
}

QString MembersPanel::roleText(const QString &role)
{
    if (role == QLatin1String("owner"))
        return tr("Owner");
    if (role == QLatin1String("admin"))
        return tr("Admin");
    return tr("Member");
}

void MembersPanel::setMembers(const QList<Client::ChatMember> &members)
{
    m_members = members;
    rebuild();
}

void MembersPanel::clear()
{
    m_members.clear();
    m_list->clear();
}

void MembersPanel::setPresence(UserId user, Presence presence)
{
    for (Client::ChatMember &member : m_members) {
        if (member.user.id == user && member.presence != presence) {
            member.presence = presence;
            rebuild();
            return;
        }
    }
}

void MembersPanel::setRole(UserId user, const QString &role)
{
    for (Client::ChatMember &member : m_members) {
        if (member.user.id == user && member.role != role) {
            member.role = role;
            rebuild();
            return;
        }
    }
}

void MembersPanel::setModeration(UserId me, bool canRemove, bool canSetRoles)
{
    m_me = me;
    m_canRemove = canRemove;
    m_canSetRoles = canSetRoles;
}

void MembersPanel::showContextMenu(const QPoint &pos)
{
    QListWidgetItem *item = m_list->itemAt(pos);
    if (!item)
        return;
    const UserId user(item->data(Qt::UserRole).toLongLong());
    const auto member = std::find_if(m_members.cbegin(), m_members.cend(),
                                     [user](const Client::ChatMember &m) { return m.user.id == user; });
    if (member == m_members.cend())
        return;
    QMenu menu(this);
    if (user != m_me)
        menu.addAction(tr("Send a direct message"), this, [this, user] { Q_EMIT memberActivated(user); });
    if (m_canSetRoles && user != m_me && member->role != QLatin1String("owner")) {
        if (member->role == QLatin1String("admin"))
            menu.addAction(tr("Make member"), this, [this, user] { Q_EMIT roleRequested(user, QStringLiteral("member")); });
        else
            menu.addAction(tr("Make admin"), this, [this, user] { Q_EMIT roleRequested(user, QStringLiteral("admin")); });
    }
    if (m_canRemove && user != m_me && member->role != QLatin1String("owner"))
        menu.addAction(tr("Remove from the room"), this, [this, user] { Q_EMIT removeRequested(user); });
    if (!menu.isEmpty())
        menu.exec(m_list->viewport()->mapToGlobal(pos));
}

void MembersPanel::rebuild()
{
    m_list->clear();
    for (const Client::ChatMember &member : std::as_const(m_members)) {
        const QString name = member.user.displayName.isEmpty() ? member.user.username : member.user.displayName;
        auto *item = new QListWidgetItem(presenceIcon(member.presence),
                                         tr("%1\n@%2 · %3").arg(name, member.user.username, roleText(member.role)), m_list);
        item->setToolTip(Client::plainToolTip(tr("%1 · %2").arg(name, presenceText(member.presence))));
        item->setData(Qt::UserRole, member.user.id.value());
    }
}

void MembersPanel::retranslateUi()
{
    m_title->setText(tr("Members"));
    m_close->setToolTip(tr("Close"));
    m_close->setIcon(Icons::symbol(QStringLiteral("close")));
    rebuild();
}

void MembersPanel::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange || event->type() == QEvent::PaletteChange)
        retranslateUi();
    QWidget::changeEvent(event);
}

} // namespace Cohort::Ui
