// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "codecommentmodel.h"

#include <algorithm>

namespace Cohort::Client {

CodeCommentModel::CodeCommentModel(QObject *parent)
    : QAbstractListModel(parent)
{
}

int CodeCommentModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_comments.size());
}

QVariant CodeCommentModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const CodeCommentInfo &c = m_comments.at(index.row());
    const CodeCommentInfo *root = c.isThreadRoot() ? &c : comment(c.parentId);
    switch (role) {
    case Qt::DisplayRole:
    case TextRole:
        return c.text;
    case CommentIdRole:
        return c.id.value();
    case ParentIdRole:
        return c.parentId.value();
    case FileIdRole:
        return c.fileId.value();
    case AuthorIdRole:
        return c.author.id.value();
    case AuthorNameRole:
        return c.author.displayName.isEmpty() ? c.author.username : c.author.displayName;
    case ResolvedRole:
        return root ? root->resolved : c.resolved;
    case IsThreadRootRole:
        return c.isThreadRoot();
    case FirstLineRole:
    case LastLineRole: {
        const std::optional<std::pair<int, int>> range = root ? lines(*root) : std::nullopt;
        if (!range)
            return -1;
        return role == FirstLineRole ? range->first : range->second;
    }
    case CreatedAtRole:
        return c.createdAt;
    case ReplyCountRole:
        return c.isThreadRoot() ? static_cast<int>(thread(c.id).size()) - 1 : 0;
    default:
        return {};
    }
}

QHash<int, QByteArray> CodeCommentModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(CommentIdRole, "commentId");
    names.insert(ParentIdRole, "parentId");
    names.insert(FileIdRole, "fileId");
    names.insert(AuthorIdRole, "authorId");
    names.insert(AuthorNameRole, "authorName");
    names.insert(TextRole, "text");
    names.insert(ResolvedRole, "resolved");
    names.insert(IsThreadRootRole, "isThreadRoot");
    names.insert(FirstLineRole, "firstLine");
    names.insert(LastLineRole, "lastLine");
    names.insert(CreatedAtRole, "createdAt");
    names.insert(ReplyCountRole, "replyCount");
    return names;
}

void CodeCommentModel::setComments(const QList<CodeCommentInfo> &comments)
{
    beginResetModel();
    m_comments = comments;
    endResetModel();
    sort();
}

void CodeCommentModel::upsert(const CodeCommentInfo &comment)
{
    const int row = rowOf(comment.id);
    if (row >= 0) {
        m_comments[row] = comment;
        Q_EMIT dataChanged(index(row), index(row));
    } else {
        const int end = static_cast<int>(m_comments.size());
        beginInsertRows({}, end, end);
        m_comments.append(comment);
        endInsertRows();
    }
    sort();
    if (!comment.isThreadRoot()) {
        // The root's reply count changed.
        const int rootRow = rowOf(comment.parentId);
        if (rootRow >= 0)
            Q_EMIT dataChanged(index(rootRow), index(rootRow), {ReplyCountRole});
    }
}

void CodeCommentModel::setResolved(CodeCommentId thread, bool resolved)
{
    const int row = rowOf(thread);
    if (row < 0 || m_comments.at(row).resolved == resolved)
        return;
    m_comments[row].resolved = resolved;
    // Replies show their thread's state.
    for (int i = 0; i < m_comments.size(); ++i) {
        if (i == row || m_comments.at(i).parentId == thread)
            Q_EMIT dataChanged(index(i), index(i), {ResolvedRole});
    }
}

void CodeCommentModel::refreshFile(CodeFileId file)
{
    int first = -1;
    int last = -1;
    for (int i = 0; i < m_comments.size(); ++i) {
        if (m_comments.at(i).fileId == file) {
            if (first < 0)
                first = i;
            last = i;
        }
    }
    if (first < 0)
        return;
    Q_EMIT dataChanged(index(first), index(last), {FirstLineRole, LastLineRole});
    sort();
}

void CodeCommentModel::removeFile(CodeFileId file)
{
    for (int i = static_cast<int>(m_comments.size()) - 1; i >= 0; --i) {
        if (m_comments.at(i).fileId == file) {
            beginRemoveRows({}, i, i);
            m_comments.removeAt(i);
            endRemoveRows();
        }
    }
}

const CodeCommentInfo *CodeCommentModel::comment(CodeCommentId id) const
{
    const int row = rowOf(id);
    return row < 0 ? nullptr : &m_comments.at(row);
}

int CodeCommentModel::rowOf(CodeCommentId id) const
{
    for (int row = 0; row < m_comments.size(); ++row) {
        if (m_comments.at(row).id == id)
            return row;
    }
    return -1;
}

QList<CodeCommentInfo> CodeCommentModel::thread(CodeCommentId root) const
{
    QList<CodeCommentInfo> result;
    for (const CodeCommentInfo &c : m_comments) {
        if (c.id == root)
            result.prepend(c);
        else if (c.parentId == root)
            result.append(c);
    }
    return result;
}

std::optional<std::pair<int, int>> CodeCommentModel::lines(const CodeCommentInfo &comment) const
{
    return m_resolve ? m_resolve(comment) : std::nullopt;
}

void CodeCommentModel::sort()
{
    // The sort key of every comment is its thread's: file, current first line, root age and
    // id; inside a thread the root comes first, then the replies by age.
    struct Key
    {
        qint64 file = 0;
        int line = 0;
        qint64 rootCreated = 0;
        qint64 root = 0;
        bool reply = false;
        qint64 created = 0;
        qint64 id = 0;
        auto tie() const { return std::tie(file, line, rootCreated, root, reply, created, id); }
    };
    QHash<qint64, Key> keys;
    for (const CodeCommentInfo &c : std::as_const(m_comments)) {
        const CodeCommentInfo *root = c.isThreadRoot() ? &c : comment(c.parentId);
        const CodeCommentInfo &r = root ? *root : c;
        const std::optional<std::pair<int, int>> range = lines(r);
        keys.insert(c.id.value(), Key{r.fileId.value(), range ? range->first : -1, r.createdAt, r.id.value(),
                                      !c.isThreadRoot(), c.createdAt, c.id.value()});
    }
    const auto before = [&keys](const CodeCommentInfo &a, const CodeCommentInfo &b) {
        return keys.value(a.id.value()).tie() < keys.value(b.id.value()).tie();
    };
    if (std::is_sorted(m_comments.cbegin(), m_comments.cend(), before))
        return;
    Q_EMIT layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
    const QModelIndexList old = persistentIndexList();
    QList<CodeCommentId> ids;
    for (const QModelIndex &i : old)
        ids.append(m_comments.at(i.row()).id);
    std::stable_sort(m_comments.begin(), m_comments.end(), before);
    QModelIndexList moved;
    for (CodeCommentId id : ids)
        moved.append(index(rowOf(id)));
    changePersistentIndexList(old, moved);
    Q_EMIT layoutChanged({}, QAbstractItemModel::VerticalSortHint);
}

} // namespace Cohort::Client
