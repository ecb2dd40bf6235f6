// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "codetypes.h"

#include <QAbstractListModel>
#include <QHash>

namespace Cohort::Client {

/// A session's files, sorted by path (folders are path prefixes: the pane builds its tree from
/// the paths), with who is in each file. Owned by a CodeSession, which keeps it current.
class CodeFileModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Roles {
        FileIdRole = Qt::UserRole + 1, // CodeFileId as qint64
        PathRole,                      // "src/main.py" (also Qt::DisplayRole)
        NameRole,                      // "main.py"
        FolderRole,                    // "src" ("" at the top)
        LanguageRole,
        ParticipantsRole,              // QList<qint64> user ids whose cursor is in the file
    };

    explicit CodeFileModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    void setFiles(const QList<CodeFileInfo> &files);
    /// Adds the file or replaces the one with its id (a rename moves its row).
    void upsert(const CodeFileInfo &file);
    void remove(CodeFileId id);
    /// Moves a user's presence dot to `file` (invalid: out of every file).
    void setUserFile(UserId user, CodeFileId file);

    const CodeFileInfo *file(CodeFileId id) const;
    const CodeFileInfo &at(int row) const { return m_files.at(row); }
    int rowOf(CodeFileId id) const;
    QList<CodeFileInfo> files() const { return m_files; }
    /// Users whose cursor is in the file.
    QList<UserId> usersIn(CodeFileId file) const;

private:
    void emitParticipantsChanged(CodeFileId file);

    QList<CodeFileInfo> m_files;
    QHash<UserId, CodeFileId> m_userFile;
};

} // namespace Cohort::Client
