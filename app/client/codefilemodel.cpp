// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "codefilemodel.h"

#include <algorithm>

namespace Cohort::Client {

namespace {
bool byPath(const CodeFileInfo &a, const CodeFileInfo &b)
{
    return a.path.compare(b.path, Qt::CaseInsensitive) < 0;
}
} // namespace

CodeFileModel::CodeFileModel(QObject *parent)
    : QAbstractListModel(parent)
{
}

int CodeFileModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_files.size());
}

QVariant CodeFileModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const CodeFileInfo &file = m_files.at(index.row());
    const qsizetype slash = file.path.lastIndexOf(QLatin1Char('/'));
    switch (role) {
    case Qt::DisplayRole:
    case PathRole:
        return file.path;
    case FileIdRole:
        return file.id.value();
    case NameRole:
        return file.path.mid(slash + 1);
    case FolderRole:
        return slash < 0 ? QString() : file.path.left(slash);
    case LanguageRole:
        return file.language;
    case ParticipantsRole: {
        QList<qint64> ids;
        for (UserId user : usersIn(file.id))
            ids.append(user.value());
        return QVariant::fromValue(ids);
    }
    default:
        return {};
    }
}

QHash<int, QByteArray> CodeFileModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(FileIdRole, "fileId");
    names.insert(PathRole, "path");
    names.insert(NameRole, "name");
    names.insert(FolderRole, "folder");
    names.insert(LanguageRole, "language");
    names.insert(ParticipantsRole, "participants");
    return names;
}

void CodeFileModel::setFiles(const QList<CodeFileInfo> &files)
{
    beginResetModel();
    m_files = files;
    std::sort(m_files.begin(), m_files.end(), byPath);
    endResetModel();
}

void CodeFileModel::upsert(const CodeFileInfo &file)
{
    const int old = rowOf(file.id);
    if (old >= 0 && m_files.at(old) == file)
        return;
    if (old >= 0) {
        beginRemoveRows({}, old, old);
        m_files.removeAt(old);
        endRemoveRows();
    }
    const auto at = std::lower_bound(m_files.begin(), m_files.end(), file, byPath);
    const int row = static_cast<int>(at - m_files.begin());
    beginInsertRows({}, row, row);
    m_files.insert(row, file);
    endInsertRows();
}

void CodeFileModel::remove(CodeFileId id)
{
    const int row = rowOf(id);
    if (row < 0)
        return;
    beginRemoveRows({}, row, row);
    m_files.removeAt(row);
    endRemoveRows();
    m_userFile.removeIf([id](const auto &entry) { return entry.value() == id; });
}

void CodeFileModel::setUserFile(UserId user, CodeFileId file)
{
    const CodeFileId old = m_userFile.value(user);
    if (old == file)
        return;
    if (file.isValid())
        m_userFile.insert(user, file);
    else
        m_userFile.remove(user);
    emitParticipantsChanged(old);
    emitParticipantsChanged(file);
}

const CodeFileInfo *CodeFileModel::file(CodeFileId id) const
{
    const int row = rowOf(id);
    return row < 0 ? nullptr : &m_files.at(row);
}

int CodeFileModel::rowOf(CodeFileId id) const
{
    for (int row = 0; row < m_files.size(); ++row) {
        if (m_files.at(row).id == id)
            return row;
    }
    return -1;
}

QList<UserId> CodeFileModel::usersIn(CodeFileId file) const
{
    QList<UserId> users;
    for (auto it = m_userFile.cbegin(); it != m_userFile.cend(); ++it) {
        if (it.value() == file)
            users.append(it.key());
    }
    std::sort(users.begin(), users.end());
    return users;
}

void CodeFileModel::emitParticipantsChanged(CodeFileId file)
{
    const int row = rowOf(file);
    if (row >= 0)
        Q_EMIT dataChanged(index(row), index(row), {ParticipantsRole});
}

} // namespace Cohort::Client
