// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "codetypes.h"

#include <QDialog>
#include <QPointer>

class QLabel;
class QListWidget;
class QPushButton;

namespace Cohort::Client {
class CodeSession;
}

namespace Cohort::Ui {

/// A session's named versions: save the files as they are now under a name, or bring every
/// file back to a saved version (the restore reaches everyone as ordinary edits, so it can be
/// undone by restoring another version).
class VersionsDialog : public QDialog
{
    Q_OBJECT
public:
    VersionsDialog(Client::CodeSession *session, QWidget *parent = nullptr);

    QListWidget *list() const { return m_list; }
    QPushButton *saveButton() const { return m_save; }
    QPushButton *restoreButton() const { return m_restore; }
    QPushButton *deleteButton() const { return m_delete; }
    QLabel *status() const { return m_status; }
    void reload();

private:
    void save();
    void restore();
    void deleteVersion();

    QPointer<Client::CodeSession> m_session;
    QListWidget *m_list;
    QLabel *m_status;
    QPushButton *m_save;
    QPushButton *m_restore;
    QPushButton *m_delete;
};

} // namespace Cohort::Ui
