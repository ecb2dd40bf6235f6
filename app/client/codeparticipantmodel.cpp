// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "codeparticipantmodel.h"

#include <algorithm>

namespace Cohort::Client {

namespace {
QString nameOf(const UserInfo &user)
{
    return user.displayName.isEmpty() ? user.username : user.displayName;
}

bool before(const CodeParticipant &a, const CodeParticipant &b)
{
    if (a.pending != b.pending)
        return b.pending;
    if (a.role != b.role)
        return a.role > b.role; // hosts first
    const int byName = nameOf(a.user).compare(nameOf(b.user), Qt::CaseInsensitive);
    if (byName != 0)
        return byName < 0;
    return a.user.id < b.user.id;
}
} // namespace

CodeParticipantModel::CodeParticipantModel(QObject *parent)
    : QAbstractListModel(parent)
{
}

int CodeParticipantModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_participants.size());
}

QVariant CodeParticipantModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const CodeParticipant &p = m_participants.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case NameRole:
        return nameOf(p.user);
    case UserIdRole:
        return p.user.id.value();
    case UsernameRole:
        return p.user.username;
    case CodeRoleRole:
        return static_cast<int>(p.role);
    case OnlineRole:
        return p.online;
    case PendingRole:
        return p.pending;
    case FileIdRole:
        return p.fileId.value();
    case HueRole:
        return participantHue(p.user.id);
    default:
        return {};
    }
}

QHash<int, QByteArray> CodeParticipantModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(UserIdRole, "userId");
    names.insert(NameRole, "name");
    names.insert(UsernameRole, "username");
    names.insert(CodeRoleRole, "codeRole");
    names.insert(OnlineRole, "online");
    names.insert(PendingRole, "pending");
    names.insert(FileIdRole, "fileId");
    names.insert(HueRole, "hue");
    return names;
}

void CodeParticipantModel::setParticipants(const QList<CodeParticipant> &participants)
{
    beginResetModel();
    m_participants = participants;
    std::sort(m_participants.begin(), m_participants.end(), before);
    endResetModel();
}

void CodeParticipantModel::upsert(const CodeParticipant &participant)
{
    const int row = rowOf(participant.user.id);
    if (row < 0) {
        const auto at = std::lower_bound(m_participants.begin(), m_participants.end(), participant, before);
        const int newRow = static_cast<int>(at - m_participants.begin());
        beginInsertRows({}, newRow, newRow);
        m_participants.insert(newRow, participant);
        endInsertRows();
        return;
    }
    update(participant.user.id, [&participant](CodeParticipant &p) {
        // Where the participant is comes from cursor events, not from the server's objects.
        const CodeFileId file = p.fileId;
        const int top = p.viewportTopLine;
        p = participant;
        p.fileId = file;
        p.viewportTopLine = top;
    });
}

void CodeParticipantModel::remove(UserId user)
{
    const int row = rowOf(user);
    if (row < 0)
        return;
    beginRemoveRows({}, row, row);
    m_participants.removeAt(row);
    endRemoveRows();
}

void CodeParticipantModel::update(UserId user, const std::function<void(CodeParticipant &)> &change)
{
    const int row = rowOf(user);
    if (row < 0)
        return;
    CodeParticipant changed = m_participants.at(row);
    change(changed);
    if (changed == m_participants.at(row))
        return;
    m_participants[row] = changed;
    Q_EMIT dataChanged(index(row), index(row));
    sort();
}

const CodeParticipant *CodeParticipantModel::participant(UserId user) const
{
    const int row = rowOf(user);
    return row < 0 ? nullptr : &m_participants.at(row);
}

int CodeParticipantModel::rowOf(UserId user) const
{
    for (int row = 0; row < m_participants.size(); ++row) {
        if (m_participants.at(row).user.id == user)
            return row;
    }
    return -1;
}

void CodeParticipantModel::sort()
{
    if (std::is_sorted(m_participants.cbegin(), m_participants.cend(), before))
        return;
    // Moves rows through the layout-change protocol so persistent indexes (the selection)
    // follow their participant.
    Q_EMIT layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
    const QModelIndexList old = persistentIndexList();
    QList<UserId> ids;
    for (const QModelIndex &i : old)
        ids.append(m_participants.at(i.row()).user.id);
    std::stable_sort(m_participants.begin(), m_participants.end(), before);
    QModelIndexList moved;
    for (UserId id : ids)
        moved.append(index(rowOf(id)));
    changePersistentIndexList(old, moved);
    Q_EMIT layoutChanged({}, QAbstractItemModel::VerticalSortHint);
}

} // namespace Cohort::Client
