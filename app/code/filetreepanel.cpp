// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "filetreepanel.h"

#include <QEvent>
#include <QHeaderView>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QPainter>
#include <QScrollBar>
#include <QSet>
#include <QStackedLayout>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace Cohort::Ui {

namespace {
constexpr int FileIdRole = Qt::UserRole;
constexpr int FolderRole = Qt::UserRole + 1;
constexpr int DotSize = 9;
constexpr int DotGap = 3;
constexpr int MaxDots = 4;

QIcon presenceDots(const QList<FileTreePanel::Presence> &people, qreal dpr)
{
    const int count = int(std::min<qsizetype>(people.size(), MaxDots));
    QPixmap pixmap(QSize(MaxDots * (DotSize + DotGap), DotSize + 2) * dpr);
    pixmap.setDevicePixelRatio(dpr);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(Qt::NoPen);
    // Right-aligned, so that the dots of several files line up in one column.
    for (int i = 0; i < count; ++i) {
        painter.setBrush(people.at(i).color);
        const int x = (MaxDots - count + i) * (DotSize + DotGap);
        painter.drawEllipse(QRectF(x, 1, DotSize, DotSize));
    }
    return QIcon(pixmap);
}

QToolButton *headerButton(QWidget *parent, const QString &name)
{
    auto *button = new QToolButton(parent);
    button->setObjectName(name);
    button->setAutoRaise(true);
    button->setToolButtonStyle(Qt::ToolButtonTextOnly);
    return button;
}
} // namespace

FileTreePanel::FileTreePanel(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("fileTreePanel"));
    m_tree = new QTreeWidget(this);
    m_tree->setObjectName(QStringLiteral("fileTree"));
    m_tree->setColumnCount(2);
    m_tree->setHeaderHidden(true);
    m_tree->header()->setStretchLastSection(false);
    m_tree->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_tree->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_tree->setIconSize(QSize(MaxDots * (DotSize + DotGap), DotSize + 2));
    m_tree->setFrameShape(QFrame::NoFrame);
    m_tree->setContextMenuPolicy(Qt::CustomContextMenu);
    m_tree->setRootIsDecorated(true);
    m_tree->setUniformRowHeights(true);
    connect(m_tree, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem *item) {
        if (item && item->data(0, FileIdRole).isValid())
            Q_EMIT fileActivated(Client::CodeFileId(item->data(0, FileIdRole).toLongLong()));
    });
    connect(m_tree, &QTreeWidget::itemClicked, this, [this](QTreeWidgetItem *item) {
        if (item && item->data(0, FileIdRole).isValid())
            Q_EMIT fileActivated(Client::CodeFileId(item->data(0, FileIdRole).toLongLong()));
    });
    connect(m_tree, &QWidget::customContextMenuRequested, this, &FileTreePanel::showMenu);

    m_newFile = headerButton(this, QStringLiteral("newFileButton"));
    connect(m_newFile, &QToolButton::clicked, this, [this] { Q_EMIT newFileRequested(QString()); });
    // Import and export in one menu, so the header fits a narrow column in every language.
    m_more = headerButton(this, QStringLiteral("fileMenuButton"));
    m_more->setPopupMode(QToolButton::InstantPopup);
    m_more->setText(QStringLiteral("⋯"));
    auto *menu = new QMenu(m_more);
    m_importAction = menu->addAction(QString());
    connect(m_importAction, &QAction::triggered, this, &FileTreePanel::importRequested);
    menu->addSeparator();
    m_exportFolder = menu->addAction(QString());
    connect(m_exportFolder, &QAction::triggered, this, [this] { Q_EMIT exportRequested(false); });
    m_exportZip = menu->addAction(QString());
    connect(m_exportZip, &QAction::triggered, this, [this] { Q_EMIT exportRequested(true); });
    m_more->setMenu(menu);

    // The pane's centre explains an empty session and offers the actions; here a short note.
    m_empty = new QLabel(this);
    m_empty->setObjectName(QStringLiteral("noFilesState"));
    m_empty->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_empty->setContentsMargins(8, 6, 8, 6);
    m_empty->setForegroundRole(QPalette::PlaceholderText);

    auto *header = new QHBoxLayout;
    header->setContentsMargins(8, 4, 4, 4);
    header->setSpacing(2);
    auto *title = new QLabel(this);
    title->setObjectName(QStringLiteral("filesTitle"));
    QFont font = title->font();
    font.setWeight(QFont::DemiBold);
    title->setFont(font);
    header->addWidget(title, 1);
    header->addWidget(m_newFile);
    header->addWidget(m_more);

    auto *pages = new QWidget(this);
    m_pages = new QStackedLayout(pages);
    m_pages->addWidget(m_tree);
    m_pages->addWidget(m_empty);
    auto *column = new QVBoxLayout(this);
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(0);
    column->addLayout(header);
    column->addWidget(pages, 1);
    retranslateUi();
    setEditable(false);
    rebuild();
}

void FileTreePanel::retranslateUi()
{
    findChild<QLabel *>(QStringLiteral("filesTitle"))->setText(tr("Files"));
    m_newFile->setText(QStringLiteral("+"));
    m_newFile->setToolTip(tr("New file"));
    m_more->setToolTip(tr("Import and export"));
    m_importAction->setText(tr("Import files from disk…"));
    m_exportFolder->setText(tr("Export as a folder…"));
    m_exportZip->setText(tr("Export as a zip archive…"));
    m_empty->setText(tr("No files yet."));
}

void FileTreePanel::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
    QWidget::changeEvent(event);
}

void FileTreePanel::setEditable(bool editable)
{
    m_editable = editable;
    m_newFile->setVisible(editable);
    m_importAction->setVisible(editable);
}

void FileTreePanel::setFiles(const QList<Client::CodeFileInfo> &files)
{
    QList<Client::CodeFileInfo> sorted = files;
    // As in a file manager: in each folder its subfolders first, then its files, by name.
    std::sort(sorted.begin(), sorted.end(), [](const Client::CodeFileInfo &a, const Client::CodeFileInfo &b) {
        const QStringList left = a.path.split(QLatin1Char('/'));
        const QStringList right = b.path.split(QLatin1Char('/'));
        for (qsizetype i = 0; i < std::min(left.size(), right.size()); ++i) {
            const bool leftFolder = i + 1 < left.size();
            const bool rightFolder = i + 1 < right.size();
            if (leftFolder != rightFolder)
                return leftFolder;
            const int order = QString::localeAwareCompare(left.at(i), right.at(i));
            if (order != 0)
                return order < 0;
        }
        return left.size() < right.size();
    });
    // The pane hands the list again whenever someone's place changes (a classmate scrolls):
    // the same list leaves the tree alone.
    if (sorted == m_files)
        return;
    m_files = sorted;
    rebuild();
}

void FileTreePanel::setPresence(const QHash<Client::CodeFileId, QList<Presence>> &presence)
{
    m_presence = presence;
    const qreal dpr = devicePixelRatioF();
    for (QTreeWidgetItemIterator it(m_tree); *it; ++it) {
        QTreeWidgetItem *item = *it;
        if (!item->data(0, FileIdRole).isValid())
            continue;
        const QList<Presence> people = m_presence.value(Client::CodeFileId(item->data(0, FileIdRole).toLongLong()));
        item->setIcon(1, people.isEmpty() ? QIcon() : presenceDots(people, dpr));
        QStringList names;
        for (const Presence &person : people)
            names.append(person.name);
        item->setToolTip(1, names.isEmpty() ? QString() : tr("In this file: %1").arg(names.join(QStringLiteral(", "))));
    }
}

QTreeWidgetItem *FileTreePanel::folderItem(const QString &folder, QHash<QString, QTreeWidgetItem *> &folders)
{
    if (folder.isEmpty())
        return m_tree->invisibleRootItem();
    if (QTreeWidgetItem *known = folders.value(folder))
        return known;
    const qsizetype slash = folder.lastIndexOf(QLatin1Char('/'));
    QTreeWidgetItem *parent = folderItem(slash < 0 ? QString() : folder.left(slash), folders);
    auto *item = new QTreeWidgetItem(parent, {folder.mid(slash + 1)});
    item->setData(0, FolderRole, folder);
    QFont bold = item->font(0);
    bold.setWeight(QFont::DemiBold);
    item->setFont(0, bold);
    item->setExpanded(true);
    folders.insert(folder, item);
    return item;
}

void FileTreePanel::rebuild()
{
    const Client::CodeFileId current = currentFile();
    // A new or renamed file keeps the folders the user closed closed, and the tree where it was.
    QSet<QString> closed;
    for (QTreeWidgetItemIterator it(m_tree); *it; ++it) {
        if ((*it)->data(0, FolderRole).isValid() && !(*it)->isExpanded())
            closed.insert((*it)->data(0, FolderRole).toString());
    }
    const int scroll = m_tree->verticalScrollBar()->value();
    m_tree->clear();
    QHash<QString, QTreeWidgetItem *> folders;
    for (const Client::CodeFileInfo &file : std::as_const(m_files)) {
        const qsizetype slash = file.path.lastIndexOf(QLatin1Char('/'));
        QTreeWidgetItem *parent = folderItem(slash < 0 ? QString() : file.path.left(slash), folders);
        auto *item = new QTreeWidgetItem(parent, {file.path.mid(slash + 1)});
        item->setData(0, FileIdRole, file.id.value());
        item->setToolTip(0, file.path);
        item->setExpanded(true);
    }
    m_tree->expandAll();
    for (auto it = folders.cbegin(); it != folders.cend(); ++it) {
        if (closed.contains(it.key()))
            it.value()->setExpanded(false);
    }
    m_pages->setCurrentWidget(m_files.isEmpty() ? static_cast<QWidget *>(m_empty) : m_tree);
    setPresence(m_presence);
    setCurrentFile(current);
    m_tree->doItemsLayout(); // the scroll range of the new rows, so the old position fits
    m_tree->verticalScrollBar()->setValue(scroll);
}

QTreeWidgetItem *FileTreePanel::itemFor(Client::CodeFileId file) const
{
    for (QTreeWidgetItemIterator it(m_tree); *it; ++it) {
        if ((*it)->data(0, FileIdRole).isValid() && (*it)->data(0, FileIdRole).toLongLong() == file.value())
            return *it;
    }
    return nullptr;
}

void FileTreePanel::setCurrentFile(Client::CodeFileId file)
{
    QTreeWidgetItem *item = file.isValid() ? itemFor(file) : nullptr;
    const QSignalBlocker blocker(m_tree);
    if (item)
        m_tree->setCurrentItem(item);
    else
        m_tree->clearSelection();
}

Client::CodeFileId FileTreePanel::currentFile() const
{
    const QTreeWidgetItem *item = m_tree->currentItem();
    if (!item || !item->data(0, FileIdRole).isValid())
        return {};
    return Client::CodeFileId(item->data(0, FileIdRole).toLongLong());
}

void FileTreePanel::showMenu(const QPoint &pos)
{
    QTreeWidgetItem *item = m_tree->itemAt(pos);
    QMenu menu(this);
    const bool isFile = item && item->data(0, FileIdRole).isValid();
    if (isFile) {
        const Client::CodeFileId file(item->data(0, FileIdRole).toLongLong());
        menu.addAction(tr("Open"), this, [this, file] { Q_EMIT fileActivated(file); });
        if (m_editable) {
            menu.addAction(tr("Rename…"), this, [this, file] { Q_EMIT renameRequested(file); });
            menu.addAction(tr("Delete"), this, [this, file] { Q_EMIT deleteRequested(file); });
        }
    }
    if (m_editable) {
        QString folder;
        if (item)
            folder = isFile ? QString() : item->data(0, FolderRole).toString();
        if (isFile) {
            const QString path = item->toolTip(0);
            const qsizetype slash = path.lastIndexOf(QLatin1Char('/'));
            folder = slash < 0 ? QString() : path.left(slash);
        }
        if (!menu.isEmpty())
            menu.addSeparator();
        menu.addAction(tr("New file…"), this, [this, folder] { Q_EMIT newFileRequested(folder); });
        menu.addAction(tr("Import files…"), this, &FileTreePanel::importRequested);
    }
    if (!menu.isEmpty())
        menu.exec(m_tree->viewport()->mapToGlobal(pos));
}

} // namespace Cohort::Ui
