// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "codetypes.h"

#include <QAbstractListModel>

#include <functional>

namespace Cohort::Client {

/// A session's comments as threads: each thread root followed by its replies (oldest first);
/// threads ordered by file, then by their current first line, then by age. Lines come from the
/// open files' replicas (through the resolver the session sets) and move with the text;
/// a comment of a file that is not open has no line (-1). Owned by a CodeSession.
class CodeCommentModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Roles {
        CommentIdRole = Qt::UserRole + 1, // qint64
        ParentIdRole,                     // qint64, 0 for a thread root
        FileIdRole,                       // qint64
        AuthorIdRole,                     // qint64
        AuthorNameRole,
        TextRole,                         // also Qt::DisplayRole
        ResolvedRole,                     // the thread's state (replies report their root's)
        IsThreadRootRole,
        FirstLineRole,                    // from 0; -1 when the file is not open
        LastLineRole,
        CreatedAtRole,                    // ms since the epoch
        ReplyCountRole,                   // thread roots only
    };

    /// The current lines (from 0, both included) of a comment, or nullopt if its file is not open.
    using LineResolver = std::function<std::optional<std::pair<int, int>>(const CodeCommentInfo &)>;

    explicit CodeCommentModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    void setLineResolver(LineResolver resolver) { m_resolve = std::move(resolver); }
    void setComments(const QList<CodeCommentInfo> &comments);
    /// Adds the comment or replaces the one with its id.
    void upsert(const CodeCommentInfo &comment);
    /// Sets a thread's resolved state.
    void setResolved(CodeCommentId thread, bool resolved);
    /// The text of `file` changed or it was opened or closed: lines and order are computed again.
    void refreshFile(CodeFileId file);
    void removeFile(CodeFileId file);

    const CodeCommentInfo *comment(CodeCommentId id) const;
    const CodeCommentInfo &at(int row) const { return m_comments.at(row); }
    int rowOf(CodeCommentId id) const;
    QList<CodeCommentInfo> comments() const { return m_comments; }
    /// A thread root's comments: the root, then its replies.
    QList<CodeCommentInfo> thread(CodeCommentId root) const;
    std::optional<std::pair<int, int>> lines(const CodeCommentInfo &comment) const;

private:
    void sort();

    QList<CodeCommentInfo> m_comments;
    LineResolver m_resolve;
};

} // namespace Cohort::Client
