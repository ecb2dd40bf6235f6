// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "participantspanel.h"

#include "codeclient.h"
#include "codefilemodel.h"
#include "codeparticipantmodel.h"
#include "codesession.h"
#include "elidedlabel.h"
#include "participantcolors.h"

#include <QEvent>
#include <QGridLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QMessageBox>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

namespace Cohort::Ui {

using Client::CodeParticipant;
using Client::CodeRole;

namespace {
constexpr int AvatarSize = 28;
constexpr int UserRole = Qt::UserRole;

QString roleText(CodeRole role)
{
    switch (role) {
    case CodeRole::Host:
        return ParticipantsPanel::tr("Host");
    case CodeRole::Editor:
        return ParticipantsPanel::tr("Editor");
    case CodeRole::Viewer:
        break;
    }
    return ParticipantsPanel::tr("Viewer");
}
} // namespace

ParticipantsPanel::ParticipantsPanel(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("participantsPanel"));
    m_list = new QListWidget(this);
    m_list->setObjectName(QStringLiteral("participantList"));
    m_list->setFrameShape(QFrame::NoFrame);
    m_list->setSelectionMode(QAbstractItemView::NoSelection);
    m_list->setFocusPolicy(Qt::NoFocus);
    auto *column = new QVBoxLayout(this);
    column->setContentsMargins(0, 0, 0, 0);
    column->addWidget(m_list);
    // Presence and roles change in bursts (a class joining): one rebuild per event-loop turn.
    m_rebuild.setSingleShot(true);
    m_rebuild.setInterval(0);
    connect(&m_rebuild, &QTimer::timeout, this, &ParticipantsPanel::rebuild);
}

void ParticipantsPanel::setSession(Client::CodeSession *session)
{
    if (m_session)
        disconnect(m_session, nullptr, this, nullptr);
    m_session = session;
    if (session) {
        QAbstractItemModel *model = session->participants();
        auto schedule = [this] { m_rebuild.start(); };
        connect(model, &QAbstractItemModel::modelReset, this, schedule);
        connect(model, &QAbstractItemModel::rowsInserted, this, schedule);
        connect(model, &QAbstractItemModel::rowsRemoved, this, schedule);
        connect(model, &QAbstractItemModel::rowsMoved, this, schedule);
        connect(model, &QAbstractItemModel::dataChanged, this, schedule);
        connect(session, &Client::CodeSession::followingChanged, this, schedule);
        connect(session, &Client::CodeSession::myRoleChanged, this, schedule);
        connect(session, &Client::CodeSession::infoChanged, this, schedule);
        connect(session, &Client::CodeSession::pendingJoinersChanged, this, schedule);
        connect(session->files(), &QAbstractItemModel::modelReset, this, schedule);
        connect(session->files(), &QAbstractItemModel::dataChanged, this, schedule);
    }
    rebuild();
}

void ParticipantsPanel::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange || event->type() == QEvent::PaletteChange) {
        m_shown.clear();
        m_rebuild.start();
    }
    QWidget::changeEvent(event);
}

QString ParticipantsPanel::fileName(Client::CodeFileId file) const
{
    const Client::CodeFileInfo *info = m_session ? m_session->files()->file(file) : nullptr;
    if (!info)
        return {};
    return info->path.mid(info->path.lastIndexOf(QLatin1Char('/')) + 1);
}

void ParticipantsPanel::rebuild()
{
    if (!m_session) {
        m_shown.clear();
        m_list->clear();
        return;
    }
    QList<CodeParticipant> people = m_session->participants()->participants();
    // Joiners waiting for approval are not participants yet; hosts see them last, to let in.
    for (const UserInfo &user : m_session->pendingJoiners()) {
        if (m_session->participants()->participant(user.id))
            continue;
        CodeParticipant waiting;
        waiting.user = user;
        waiting.pending = true;
        waiting.online = true;
        people.append(waiting);
    }
    // Every scroll of every participant changes the model (their viewport): rows are made
    // again only when what they show changed, else a Follow button or the host menu could
    // hardly be clicked in a busy class (the press and the release hit different widgets).
    QStringList shown;
    for (const CodeParticipant &participant : std::as_const(people))
        shown.append(rowKey(participant));
    if (shown == m_shown)
        return;
    m_shown = shown;
    m_list->clear();
    for (const CodeParticipant &participant : std::as_const(people)) {
        auto *item = new QListWidgetItem(m_list);
        item->setData(UserRole, participant.user.id.value());
        QWidget *row = buildRow(participant);
        item->setSizeHint(QSize(0, std::max(row->sizeHint().height(), AvatarSize + 14)));
        m_list->setItemWidget(item, row);
    }
}

QWidget *ParticipantsPanel::buildRow(const CodeParticipant &participant)
{
    const UserId me = m_session->client()->me();
    const bool isMe = participant.user.id == me;
    auto *row = new QWidget(m_list);
    row->setObjectName(QStringLiteral("participant-%1").arg(participant.user.id.value()));
    auto *avatar = new QLabel(row);
    avatar->setPixmap(participantAvatar(participant.user.displayName, participantColor(participant.user.id, palette()),
                                        participant.online, AvatarSize, devicePixelRatioF()));
    avatar->setToolTip(participant.online ? tr("Online") : tr("Offline"));
    // Long names and "in <file>" end with "…": the Follow button and the menu stay in the row.
    // The buttons sit beside the name only, so the details below take the row's whole width
    // and "in <file>", what Follow is about, still shows beside a long role and "lecturing".
    auto *name = new ElidedLabel(row);
    name->setFullText(isMe ? tr("%1 (you)").arg(participant.user.displayName) : participant.user.displayName);
    QFont bold = name->font();
    bold.setWeight(QFont::DemiBold);
    name->setFont(bold);
    auto *detail = new ElidedLabel(row);
    detail->setFullText(details(participant));
    detail->setForegroundRole(QPalette::PlaceholderText);
    detail->setObjectName(QStringLiteral("participantDetail"));

    auto *layout = new QGridLayout(row);
    layout->setContentsMargins(8, 4, 6, 4);
    layout->setHorizontalSpacing(8);
    layout->setVerticalSpacing(0);
    layout->addWidget(avatar, 0, 0, 2, 1, Qt::AlignVCenter);
    layout->addWidget(name, 0, 1);
    layout->setColumnStretch(1, 1);
    int column = 2;

    if (!isMe && !participant.pending) {
        auto *follow = new QToolButton(row);
        follow->setObjectName(QStringLiteral("followButton"));
        follow->setCheckable(true);
        const bool following = m_session->following() == participant.user.id;
        follow->setChecked(following);
        follow->setText(following ? tr("Following") : tr("Follow"));
        follow->setToolTip(following ? tr("Stop following %1").arg(participant.user.displayName)
                                     : tr("Go where %1 is and stay with their view").arg(participant.user.displayName));
        follow->setEnabled(participant.online);
        const UserId user = participant.user.id;
        connect(follow, &QToolButton::clicked, this, [this, user](bool checked) {
            if (!m_session)
                return;
            if (checked)
                m_session->follow(user);
            else
                m_session->stopFollowing();
        });
        layout->addWidget(follow, 0, column++);
    }
    // Roles and approvals are writes, which an archived session refuses.
    if (m_session->isHost() && !m_session->isArchived() && !isMe) {
        auto *menu = new QToolButton(row);
        menu->setObjectName(QStringLiteral("hostMenuButton"));
        menu->setText(QStringLiteral("⋯"));
        menu->setAutoRaise(true);
        menu->setToolTip(tr("Role and approval"));
        connect(menu, &QToolButton::clicked, this, [this, participant, menu] { showHostMenu(participant, menu); });
        layout->addWidget(menu, 0, column++);
    }
    layout->addWidget(detail, 1, 1, 1, column - 1);
    return row;
}

QString ParticipantsPanel::details(const CodeParticipant &participant) const
{
    if (participant.pending)
        return tr("Waiting for approval");
    QStringList details{roleText(participant.role)};
    const Client::CodeSessionInfo info = m_session->info();
    if (info.lecture && participant.user.id == info.lecturer)
        details.append(tr("lecturing"));
    if (!participant.online)
        details.append(tr("offline"));
    else if (const QString file = fileName(participant.fileId); !file.isEmpty())
        details.append(tr("in %1").arg(file));
    return details.join(QStringLiteral(" · "));
}

QString ParticipantsPanel::rowKey(const CodeParticipant &participant) const
{
    const bool following = m_session->following() == participant.user.id;
    return QStringList{QString::number(participant.user.id.value()), participant.user.displayName, details(participant),
                       QString::number(int(participant.online) | int(following) << 1 | int(m_session->isHost()) << 2
                                       | int(participant.user.id == m_session->client()->me()) << 3
                                       | int(m_session->isArchived()) << 4),
                       participantColor(participant.user.id, palette()).name()}
        .join(QChar(0x1f));
}

void ParticipantsPanel::showHostMenu(const CodeParticipant &participant, QToolButton *anchor)
{
    if (!m_session)
        return;
    QMenu menu(this);
    const UserId user = participant.user.id;
    QPointer<Client::CodeSession> session = m_session;
    if (participant.pending) {
        menu.addAction(tr("Let in"), this, [session, user] { if (session) session->approve(user, true); });
        menu.addAction(tr("Turn away"), this, [session, user] { if (session) session->approve(user, false); });
    } else {
        if (m_session->info().lecture) {
            if (participant.role == CodeRole::Viewer)
                menu.addAction(tr("Pass the pen"), this, [session, user] { if (session) session->setRole(user, CodeRole::Editor); });
            else if (participant.role == CodeRole::Editor)
                menu.addAction(tr("Take the pen back"), this, [session, user] { if (session) session->setRole(user, CodeRole::Viewer); });
            menu.addSeparator();
        }
        const std::pair<CodeRole, QString> roles[] = {{CodeRole::Host, tr("Make host")},
                                                      {CodeRole::Editor, tr("Make editor")},
                                                      {CodeRole::Viewer, tr("Make viewer (read only)")}};
        for (const auto &[role, label] : roles) {
            QAction *action = menu.addAction(label, this, [session, user, role = role] {
                if (session)
                    session->setRole(user, role);
            });
            action->setCheckable(true);
            action->setChecked(participant.role == role);
        }
        if (participant.role != CodeRole::Host) {
            menu.addSeparator();
            const QString name = participant.user.displayName;
            menu.addAction(tr("Remove from session…"), this, [this, session, user, name] {
                if (!session)
                    return;
                const auto answer = QMessageBox::question(
                    this, tr("Remove %1?").arg(name),
                    tr("%1 leaves the session at once and can come back only if a host lets them in again.").arg(name),
                    QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
                if (answer == QMessageBox::Yes && session)
                    session->removeParticipant(user);
            })->setObjectName(QStringLiteral("removeParticipantAction"));
        }
    }
    menu.exec(anchor->mapToGlobal(QPoint(0, anchor->height())));
}

QToolButton *ParticipantsPanel::followButton(UserId user) const
{
    for (int i = 0; i < m_list->count(); ++i) {
        if (m_list->item(i)->data(UserRole).toLongLong() == user.value())
            if (QWidget *row = m_list->itemWidget(m_list->item(i)))
                return row->findChild<QToolButton *>(QStringLiteral("followButton"));
    }
    return nullptr;
}

QToolButton *ParticipantsPanel::menuButton(UserId user) const
{
    for (int i = 0; i < m_list->count(); ++i) {
        if (m_list->item(i)->data(UserRole).toLongLong() == user.value())
            if (QWidget *row = m_list->itemWidget(m_list->item(i)))
                return row->findChild<QToolButton *>(QStringLiteral("hostMenuButton"));
    }
    return nullptr;
}

} // namespace Cohort::Ui
