// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "codetypes.h"

#include <QCoreApplication>
#include <QList>
#include <QString>

namespace Cohort::Ui {

/// Writes a session's files to disk: into a folder, or into one zip archive (libzip). Paths
/// are the session's relative paths with '/'; one that would leave the target ("..", an
/// absolute path) is refused, so a hostile file name cannot write outside the chosen place,
/// and a folder is written only when it is new or empty, so none can replace the user's files.
class SessionExport
{
    Q_DECLARE_TR_FUNCTIONS(Cohort::Ui::SessionExport)
public:
    /// An empty string on success, else what went wrong, for the user.
    static QString toFolder(const QString &folder, const QList<Client::ExportedFile> &files);
    static QString toZip(const QString &zipPath, const QList<Client::ExportedFile> &files);
    /// Whether `path` is a relative path that stays inside its root.
    static bool isSafePath(const QString &path);
};

} // namespace Cohort::Ui
