// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "codetypes.h"

#include <QColor>
#include <QHash>
#include <QWidget>

class QAction;
class QLabel;
class QStackedLayout;
class QToolButton;
class QTreeWidget;
class QTreeWidgetItem;

namespace Cohort::Ui {

/// The session's files as a tree of folders, with coloured dots for who is in which file.
/// Editors and hosts create, rename, delete, import and export; viewers only open and export.
class FileTreePanel : public QWidget
{
    Q_OBJECT
public:
    struct Presence
    {
        QString name;
        QColor color;
    };

    explicit FileTreePanel(QWidget *parent = nullptr);

    void setFiles(const QList<Client::CodeFileInfo> &files);
    void setPresence(const QHash<Client::CodeFileId, QList<Presence>> &presence);
    void setCurrentFile(Client::CodeFileId file);
    void setEditable(bool editable);

    QTreeWidget *tree() const { return m_tree; }
    QTreeWidgetItem *itemFor(Client::CodeFileId file) const;
    Client::CodeFileId currentFile() const;

Q_SIGNALS:
    void fileActivated(Client::CodeFileId file);
    void newFileRequested(const QString &folder);
    void renameRequested(Client::CodeFileId file);
    void deleteRequested(Client::CodeFileId file);
    void importRequested();
    void exportRequested(bool zip);

protected:
    void changeEvent(QEvent *event) override;

private:
    void rebuild();
    void retranslateUi();
    void showMenu(const QPoint &pos);
    QTreeWidgetItem *folderItem(const QString &folder, QHash<QString, QTreeWidgetItem *> &folders);

    QList<Client::CodeFileInfo> m_files;
    QHash<Client::CodeFileId, QList<Presence>> m_presence;
    bool m_editable = false;
    QStackedLayout *m_pages;
    QTreeWidget *m_tree;
    QLabel *m_empty;
    QToolButton *m_newFile;
    QToolButton *m_more;
    QAction *m_importAction;
    QAction *m_exportFolder;
    QAction *m_exportZip;
};

} // namespace Cohort::Ui
