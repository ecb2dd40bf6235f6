// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "chatpane.h"

#include "appsettings.h"
#include "chatclient.h"
#include "chatdialogs.h"
#include "composer.h"
#include "connection.h"
#include "coursespane.h"
#include "emptystate.h"
#include "errortext.h"
#include "icons.h"
#include "messagebanner.h"
#include "messagedelegate.h"
#include "messagemodel.h"
#include "memberspanel.h"
#include "messageview.h"
#include "roomlistdelegate.h"
#include "roomlistmodel.h"
#include "searchpanel.h"

#include <QApplication>
#include <QBuffer>
#include <QClipboard>
#include <QDateTime>
#include <QDesktopServices>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDropEvent>
#include <QMimeData>
#include <QEvent>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QListWidget>
#include <QLocale>
#include <QMenu>
#include <QMessageBox>
#include <QPainter>
#include <QPushButton>
#include <QShortcut>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStackedLayout>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QSvgRenderer>
#include <QTextDocument>
#include <QToolButton>
#include <QVBoxLayout>
#include <QWidgetAction>

namespace Cohort::Ui {

using Client::ChatMessage;
using Client::MessageModel;
using Client::Presence;
using Client::RoomListModel;

namespace {
constexpr int RoomColumnWidth = 270;
constexpr int SidePanelWidth = 340;
constexpr int DraftSaveDelayMs = 800;

QToolButton *toolButton(QWidget *parent, const QString &objectName)
{
    auto *button = new QToolButton(parent);
    button->setObjectName(objectName);
    button->setAutoRaise(true);
    button->setIconSize(QSize(18, 18));
    return button;
}

/// A paperclip in `color` (the icon set in resources/ has none).
QIcon paperclipIcon(const QColor &color)
{
    const QByteArray svg = QByteArrayLiteral(
        "<svg xmlns='http://www.w3.org/2000/svg' width='24' height='24' viewBox='0 0 24 24'>"
        "<path fill='none' stroke='COLOR' stroke-width='1.8' stroke-linecap='round' stroke-linejoin='round' "
        "d='M20 11.5l-7.8 7.8a5 5 0 0 1-7.1-7.1l8.5-8.5a3.3 3.3 0 0 1 4.7 4.7l-8.5 8.5a1.7 1.7 0 0 1-2.4-2.4l7.8-7.8'/></svg>")
                              .replace("COLOR", color.name().toLatin1());
    QSvgRenderer renderer(svg);
    QPixmap pixmap(48, 48);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    renderer.render(&painter);
    painter.end();
    return QIcon(pixmap);
}

/// Files the OS would run rather than show: opening one from a chat asks first.
bool runsWhenOpened(const QString &path)
{
    static const QStringList suffixes{QStringLiteral("exe"), QStringLiteral("msi"), QStringLiteral("bat"), QStringLiteral("cmd"),
                                      QStringLiteral("com"), QStringLiteral("scr"), QStringLiteral("ps1"), QStringLiteral("vbs"),
                                      QStringLiteral("js"), QStringLiteral("jar"), QStringLiteral("sh"), QStringLiteral("desktop"),
                                      QStringLiteral("app"), QStringLiteral("command"), QStringLiteral("lnk"), QStringLiteral("appimage")};
    return suffixes.contains(QFileInfo(path).suffix().toLower()) || QFileInfo(path).isExecutable();
}

QLabel *panelTitle(QWidget *parent)
{
    auto *label = new QLabel(parent);
    QFont font = label->font();
    font.setWeight(QFont::DemiBold);
    font.setPointSizeF(font.pointSizeF() * 1.1);
    label->setFont(font);
    return label;
}

} // namespace

ChatPane::ChatPane(Client::ChatClient *client, Client::Connection *connection, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_connection(connection)
{
    setObjectName(QStringLiteral("chatPane"));
    m_courses = new CoursesPane(connection, this);
    m_coursesPage = new QWidget(this);
    m_backToChat = new QToolButton(m_coursesPage);
    m_backToChat->setObjectName(QStringLiteral("backToChat"));
    m_backToChat->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_backToChat->setAutoRaise(true);
    auto *coursesColumn = new QVBoxLayout(m_coursesPage);
    coursesColumn->setContentsMargins(0, 0, 0, 0);
    auto *backRow = new QHBoxLayout;
    backRow->setContentsMargins(16, 8, 16, 0);
    backRow->addWidget(m_backToChat);
    backRow->addStretch();
    coursesColumn->addLayout(backRow);
    coursesColumn->addWidget(m_courses, 1);

    m_splitter = new QSplitter(Qt::Horizontal, this);
    m_splitter->setObjectName(QStringLiteral("chatSplitter"));
    m_splitter->setChildrenCollapsible(false);
    m_splitter->addWidget(buildRoomColumn());
    m_splitter->addWidget(buildCenter());
    m_splitter->addWidget(buildSidePanel());
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setSizes({RoomColumnWidth, 600, SidePanelWidth});
    m_side->hide();

    m_pages = new QStackedLayout(this);
    m_pages->addWidget(m_coursesPage);
    m_pages->addWidget(m_splitter);

    m_draftTimer.setSingleShot(true);
    m_draftTimer.setInterval(DraftSaveDelayMs);
    connect(&m_draftTimer, &QTimer::timeout, this, &ChatPane::saveDraft);

    RoomListModel *rooms = m_client->rooms();
    connect(m_client, &Client::ChatClient::roomsLoaded, this, [this] {
        updatePage();
        if (!m_room.isValid() && m_roomProxy->rowCount() > 0)
            m_roomList->setCurrentIndex(m_roomProxy->index(0, 0));
    });
    connect(rooms, &QAbstractItemModel::rowsInserted, this, &ChatPane::updatePage);
    connect(rooms, &QAbstractItemModel::rowsRemoved, this, &ChatPane::updatePage);
    connect(rooms, &QAbstractItemModel::dataChanged, this, &ChatPane::updateHeader);
    connect(m_client, &Client::ChatClient::roomRemoved, this, [this](RoomId room) {
        if (room == m_room) {
            m_room = RoomId();
            m_view->setMessageModel(nullptr);
            if (m_roomProxy->rowCount() > 0)
                m_roomList->setCurrentIndex(m_roomProxy->index(0, 0));
            updateHeader();
            updateRoomEmpty();
        }
    });
    // Whoever signs in next on this computer must find nothing of the account in the pane, and
    // must not send its half-typed text as theirs.
    connect(m_connection, &Client::Connection::signedOut, this, &ChatPane::clearAccount);
    connect(m_client, &Client::ChatClient::typingChanged, this, [this](RoomId room) {
        if (room == m_room)
            updateTyping();
    });
    connect(m_client, &Client::ChatClient::presenceChanged, this, [this](UserId user, Presence presence) {
        if (user == m_client->me())
            updatePresenceButton();
        m_membersPanel->setPresence(user, presence);
    });
    connect(m_client, &Client::ChatClient::memberRoleChanged, this, [this](RoomId room, UserId user, const QString &role) {
        if (room != m_room)
            return;
        m_membersPanel->setRole(user, role);
        if (user == m_client->me())
            updateModeration(); // promoted or demoted: what the member menu offers changes too
    });
    connect(m_client, &Client::ChatClient::requestFailed, this, [this](const Client::Reply &reply) {
        showError(ErrorText::forRequest(reply.error, reply.retryAfterMs));
    });
    connect(m_client, &Client::ChatClient::notificationRequested, this,
            [this](RoomId room, const ChatMessage &message) {
                if (window()->isActiveWindow() && room == m_room && isVisible())
                    return;
                const Client::ChatRoom *r = m_client->rooms()->room(room);
                const QString sender = message.sender.displayName.isEmpty() ? message.sender.username : message.sender.displayName;
                const QString title = !r || r->kind == QLatin1String("direct")
                    ? sender
                    : tr("%1 in %2").arg(sender, r->displayName());
                Q_EMIT notificationWanted(title, message.text.left(200));
            });
    connect(m_courses, &CoursesPane::coursesLoaded, m_client, &Client::ChatClient::refreshRooms);
    connect(m_backToChat, &QToolButton::clicked, this, [this] {
        m_coursesOpenedByUser = false;
        m_pages->setCurrentWidget(m_splitter);
    });
    qApp->installEventFilter(this);
    auto *find = new QShortcut(QKeySequence::Find, this);
    connect(find, &QShortcut::activated, this, &ChatPane::showSearch);

    retranslateUi();
    updateIcons();
    updatePage();
    updateHeader();
    updatePresenceButton();
    if (m_client->isRoomListLoaded() && m_roomProxy->rowCount() > 0)
        m_roomList->setCurrentIndex(m_roomProxy->index(0, 0));
}

ChatPane::~ChatPane()
{
    qApp->removeEventFilter(this);
    saveDraft(); // what was typed in the last second before closing
    // Without "keep me signed in", closing the app ends the user's time on this computer: their
    // files and their cache (messages, drafts) must not stay for the next person, as after
    // signing out.
    if (!AppSettings::keepSignedIn()) {
        m_client->clearAttachmentCache();
        m_connection->deleteCache();
    }
}

QWidget *ChatPane::buildRoomColumn()
{
    auto *column = new QWidget(this);
    column->setObjectName(QStringLiteral("roomColumn"));
    column->setMinimumWidth(200);
    m_title = panelTitle(column);
    m_presence = toolButton(column, QStringLiteral("presenceButton"));
    m_presence->setPopupMode(QToolButton::InstantPopup);
    m_presence->setToolButtonStyle(Qt::ToolButtonIconOnly);
    auto *presenceMenu = new QMenu(m_presence);
    for (const Presence p : {Presence::Online, Presence::Away, Presence::DoNotDisturb}) {
        QAction *action = presenceMenu->addAction(QString());
        action->setData(int(p));
        connect(action, &QAction::triggered, this, [this, p] { m_client->setMyPresence(p); });
    }
    m_presence->setMenu(presenceMenu);
    m_newMenu = toolButton(column, QStringLiteral("newRoomMenu"));
    m_newMenu->setPopupMode(QToolButton::InstantPopup);
    auto *newMenu = new QMenu(m_newMenu);
    QAction *newRoom = newMenu->addAction(QString());
    newRoom->setObjectName(QStringLiteral("newRoomAction"));
    connect(newRoom, &QAction::triggered, this, &ChatPane::newRoom);
    QAction *newDm = newMenu->addAction(QString());
    newDm->setObjectName(QStringLiteral("newDirectAction"));
    connect(newDm, &QAction::triggered, this, &ChatPane::newDirectMessage);
    QAction *browse = newMenu->addAction(QString());
    browse->setObjectName(QStringLiteral("browseStudyAction"));
    connect(browse, &QAction::triggered, this, &ChatPane::browseStudyGroups);
    newMenu->addSeparator();
    QAction *courses = newMenu->addAction(QString());
    courses->setObjectName(QStringLiteral("coursesAction"));
    connect(courses, &QAction::triggered, this, [this] {
        m_coursesOpenedByUser = true;
        m_pages->setCurrentWidget(m_coursesPage);
    });
    m_newMenu->setMenu(newMenu);

    m_filter = new QLineEdit(column);
    m_filter->setObjectName(QStringLiteral("roomFilter"));
    m_filter->setClearButtonEnabled(true);
    m_roomProxy = new QSortFilterProxyModel(this);
    m_roomProxy->setSourceModel(m_client->rooms());
    m_roomProxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    connect(m_filter, &QLineEdit::textChanged, m_roomProxy, &QSortFilterProxyModel::setFilterFixedString);
    m_roomList = new QListView(column);
    m_roomList->setObjectName(QStringLiteral("roomList"));
    m_roomList->setModel(m_roomProxy);
    m_roomList->setItemDelegate(new RoomListDelegate(m_roomList));
    m_roomList->setFrameShape(QFrame::NoFrame);
    m_roomList->setMouseTracking(true);
    m_roomList->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_roomList->setBackgroundRole(QPalette::AlternateBase);
    m_roomList->viewport()->setBackgroundRole(QPalette::AlternateBase);
    connect(m_roomList->selectionModel(), &QItemSelectionModel::currentChanged, this, [this](const QModelIndex &current) {
        if (current.isValid())
            openRoom(RoomId(current.data(RoomListModel::RoomIdRole).toLongLong()));
    });

    auto *header = new QHBoxLayout;
    header->setContentsMargins(14, 12, 8, 6);
    header->addWidget(m_title, 1);
    header->addWidget(m_presence);
    header->addWidget(m_newMenu);
    auto *layout = new QVBoxLayout(column);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    layout->addLayout(header);
    auto *filterRow = new QHBoxLayout;
    filterRow->setContentsMargins(10, 0, 10, 4);
    filterRow->addWidget(m_filter);
    layout->addLayout(filterRow);
    layout->addWidget(m_roomList, 1);
    column->setAutoFillBackground(true);
    column->setBackgroundRole(QPalette::AlternateBase);
    return column;
}

QWidget *ChatPane::buildCenter()
{
    auto *center = new QWidget(this);
    center->setObjectName(QStringLiteral("roomCenter"));
    center->setMinimumWidth(320);
    m_roomName = panelTitle(center);
    m_roomName->setObjectName(QStringLiteral("roomName"));
    m_roomName->setTextFormat(Qt::PlainText);
    m_roomTopic = new QLabel(center);
    m_roomTopic->setObjectName(QStringLiteral("roomTopic"));
    m_roomTopic->setTextFormat(Qt::PlainText);
    m_roomTopic->setForegroundRole(QPalette::PlaceholderText);
    m_roomTopic->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_roomName->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_roomName->installEventFilter(this);
    m_searchButton = toolButton(center, QStringLiteral("searchButton"));
    m_searchButton->setCheckable(true);
    connect(m_searchButton, &QToolButton::clicked, this, [this](bool on) {
        if (on)
            showSearch();
        else
            m_side->hide();
    });
    m_membersButton = toolButton(center, QStringLiteral("membersButton"));
    m_membersButton->setCheckable(true);
    connect(m_membersButton, &QToolButton::clicked, this, [this](bool on) {
        if (on)
            showMembers();
        else
            m_side->hide();
    });
    m_roomMenu = toolButton(center, QStringLiteral("roomMenu"));
    m_roomMenu->setPopupMode(QToolButton::InstantPopup);
    m_roomMenu->setText(QStringLiteral("⋯"));
    auto *menu = new QMenu(m_roomMenu);
    connect(menu, &QMenu::aboutToShow, this, [this, menu] {
        menu->clear();
        const Client::ChatRoom *room = m_client->rooms()->room(m_room);
        if (!room)
            return;
        menu->addAction(room->muted ? tr("Unmute") : tr("Mute"), this,
                        [this, muted = room->muted] { m_client->setRoomPrefs(m_room, !muted, std::nullopt); });
        menu->addAction(room->pinned ? tr("Unpin") : tr("Pin to the top"), this,
                        [this, pinned = room->pinned] { m_client->setRoomPrefs(m_room, std::nullopt, !pinned); });
        const bool groupLike = room->kind == QLatin1String("group") || room->kind == QLatin1String("study");
        if (isModerator() && room->kind != QLatin1String("direct")) {
            menu->addSeparator();
            menu->addAction(tr("Rename…"), this, [this, name = room->name] {
                bool ok = false;
                const QString renamed = QInputDialog::getText(this, tr("Rename the room"), tr("Name"), QLineEdit::Normal, name, &ok);
                if (ok && !renamed.trimmed().isEmpty())
                    m_client->updateRoom(m_room, renamed.trimmed(), std::nullopt, std::nullopt);
            });
            menu->addAction(tr("Change the topic…"), this, [this, topic = room->topic] {
                bool ok = false;
                const QString changed = QInputDialog::getText(this, tr("Topic"), tr("Topic"), QLineEdit::Normal, topic, &ok);
                if (ok)
                    m_client->updateRoom(m_room, std::nullopt, changed.trimmed(), std::nullopt);
            });
            if (groupLike)
                menu->addAction(tr("Add people…"), this, &ChatPane::addPeople);
            menu->addAction(room->archived ? tr("Unarchive") : tr("Archive"), this,
                            [this, archived = room->archived] { m_client->updateRoom(m_room, std::nullopt, std::nullopt, !archived); });
        }
        if (groupLike) {
            menu->addSeparator();
            menu->addAction(tr("Leave room"), this, [this] {
                m_client->leaveRoom(m_room, this, [this](const Client::Reply &reply) {
                    if (!reply.ok)
                        showError(ErrorText::forRequest(reply.error, reply.retryAfterMs));
                });
            });
        }
    });
    m_roomMenu->setMenu(menu);

    auto *header = new QHBoxLayout;
    header->setContentsMargins(16, 10, 10, 8);
    auto *titles = new QVBoxLayout;
    titles->setSpacing(0);
    titles->addWidget(m_roomName);
    titles->addWidget(m_roomTopic);
    header->addLayout(titles, 1);
    header->addWidget(m_searchButton);
    header->addWidget(m_membersButton);
    header->addWidget(m_roomMenu);
    auto *rule = new QFrame(center);
    rule->setFrameShape(QFrame::HLine);
    rule->setFrameShadow(QFrame::Plain);
    rule->setObjectName(QStringLiteral("roomHeaderRule"));
    m_headerRule = rule;

    m_error = new MessageBanner(center);
    m_error->setObjectName(QStringLiteral("chatError"));
    m_error->setClosable(true);
    m_error->hide();

    m_view = new MessageView(center);
    m_view->setObjectName(QStringLiteral("messageView"));
    m_roomEmpty = new EmptyState(QStringLiteral("chat"), center);
    m_roomEmpty->setObjectName(QStringLiteral("roomEmpty"));
    m_noRoom = new EmptyState(QStringLiteral("chat"), center);
    m_noRoom->setObjectName(QStringLiteral("noRoom"));
    auto *viewHost = new QWidget(center);
    m_viewStack = new QStackedLayout(viewHost);
    m_viewStack->addWidget(m_view);
    m_viewStack->addWidget(m_roomEmpty);
    m_viewStack->addWidget(m_noRoom);

    connect(m_view, &MessageView::olderHistoryWanted, this, [this] {
        if (m_model)
            m_client->loadOlder(m_model);
    });
    connect(m_view, &MessageView::reachedBottom, this, &ChatPane::markReadIfVisible);
    connect(m_view, &MessageView::reactionClicked, this, [this](qint64 seq, const QString &emoji) {
        toggleReaction(m_model, seq, emoji);
    });
    connect(m_view, &MessageView::threadClicked, this, &ChatPane::openThread);
    connect(m_view, &MessageView::retryClicked, m_client, &Client::ChatClient::retry);
    m_view->messageDelegate()->setChatClient(m_client);
    m_view->viewport()->setAcceptDrops(true);
    connect(m_view, &MessageView::attachmentClicked, this,
            [this](qint64 seq, int attachment, bool save) { onAttachmentClicked(m_view, seq, attachment, save); });
    connect(m_view, &MessageView::contextMenuWanted, this,
            [this](const QModelIndex &index, const QPoint &pos) { showContextMenu(m_view, index, pos); });

    m_typing = new QLabel(center);
    m_typing->setObjectName(QStringLiteral("typingLabel"));
    m_typing->setTextFormat(Qt::PlainText);
    m_typing->setForegroundRole(QPalette::PlaceholderText);
    QFont typingFont = m_typing->font();
    typingFont.setItalic(true);
    typingFont.setPointSizeF(typingFont.pointSizeF() * 0.9);
    m_typing->setFont(typingFont);
    m_editBanner = new QLabel(center);
    m_editBanner->setObjectName(QStringLiteral("editBanner"));
    m_editBanner->setTextFormat(Qt::PlainText);
    m_editBanner->hide();

    m_emoji = toolButton(center, QStringLiteral("emojiButton"));
    m_emoji->setPopupMode(QToolButton::InstantPopup);
    // A grid of emoji in the button's menu, as in other chat apps.
    auto *emojiMenu = new QMenu(m_emoji);
    auto *grid = new QWidget(emojiMenu);
    grid->setObjectName(QStringLiteral("emojiGrid"));
    auto *gridLayout = new QGridLayout(grid);
    gridLayout->setContentsMargins(6, 6, 6, 6);
    gridLayout->setSpacing(2);
    const QStringList emoji = ChatDialogs::emoji();
    for (int i = 0; i < emoji.size(); ++i) {
        auto *button = new QToolButton(grid);
        button->setAutoRaise(true);
        button->setText(emoji.at(i));
        button->setFixedSize(34, 34);
        QFont font = button->font();
        font.setPointSizeF(font.pointSizeF() * 1.4);
        button->setFont(font);
        connect(button, &QToolButton::clicked, this, [this, emojiMenu, e = emoji.at(i)] {
            emojiMenu->close();
            m_composer->insertAtCursor(e);
        });
        gridLayout->addWidget(button, i / 4, i % 4);
    }
    auto *gridAction = new QWidgetAction(emojiMenu);
    gridAction->setDefaultWidget(grid);
    emojiMenu->addAction(gridAction);
    m_emoji->setMenu(emojiMenu);
    m_composer = new Composer(center);
    m_attach = toolButton(center, QStringLiteral("attachButton"));
    connect(m_attach, &QToolButton::clicked, this, [this] {
        const QStringList paths = QFileDialog::getOpenFileNames(this, tr("Attach files"));
        if (!paths.isEmpty())
            attachFiles(paths);
    });
    connect(m_composer, &Composer::filesAttached, this, &ChatPane::attachFiles);
    connect(m_composer, &Composer::imagePasted, this, &ChatPane::attachImage);
    m_attachmentStrip = new QWidget(center);
    m_attachmentStrip->setObjectName(QStringLiteral("attachmentStrip"));
    m_chips = new QHBoxLayout(m_attachmentStrip);
    m_chips->setContentsMargins(12, 0, 12, 6);
    m_chips->setSpacing(6);
    m_attachmentStrip->hide();
    connect(m_client, &Client::ChatClient::uploadChanged, this, [this](const QString &key) {
        if (m_attachments.value(fileSlot(FileTarget::Conversation)).contains(key)
            || m_attachments.value(fileSlot(FileTarget::Thread)).contains(key))
            updateAttachmentStrip();
    });
    connect(m_client, &Client::ChatClient::downloadFinished, this, &ChatPane::onDownloadFinished);
    connect(m_client, &Client::ChatClient::downloadFailed, this, [this](const QString &id) {
        if (m_fileActions.remove(id) > 0)
            showError(tr("The file could not be downloaded. Try again in a moment."));
    });
    m_send = toolButton(center, QStringLiteral("sendButton"));
    connect(m_send, &QToolButton::clicked, this, [this] {
        QKeyEvent enter(QEvent::KeyPress, Qt::Key_Return, Qt::NoModifier);
        QApplication::sendEvent(m_composer, &enter);
    });
    connect(m_composer, &Composer::submitted, this, [this](const QString &text) { submit(FileTarget::Conversation, text); });
    connect(m_composer, &Composer::editSubmitted, this,
            [this](qint64 seq, const QString &text) { m_client->edit(m_room, seq, text); });
    connect(m_composer, &Composer::editLastRequested, this, &ChatPane::editLastOwnMessage);
    connect(m_composer, &Composer::editModeChanged, m_editBanner, &QLabel::setVisible);
    connect(m_composer, &Composer::typed, this, [this] {
        if (m_room.isValid() && !m_composer->isEditing())
            m_client->userTyping(m_room);
        m_draftTimer.start();
    });
    connect(m_composer, &Composer::escapePressed, this, [this] { m_side->hide(); });

    auto *composerRow = new QHBoxLayout;
    composerRow->setContentsMargins(12, 0, 12, 12);
    composerRow->setSpacing(6);
    composerRow->addWidget(m_emoji, 0, Qt::AlignBottom);
    composerRow->addWidget(m_attach, 0, Qt::AlignBottom);
    composerRow->addWidget(m_composer, 1);
    composerRow->addWidget(m_send, 0, Qt::AlignBottom);

    auto *layout = new QVBoxLayout(center);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addLayout(header);
    layout->addWidget(rule);
    auto *errorRow = new QVBoxLayout;
    errorRow->setContentsMargins(12, 6, 12, 0);
    errorRow->addWidget(m_error);
    layout->addLayout(errorRow);
    layout->addWidget(viewHost, 1);
    auto *status = new QVBoxLayout;
    status->setContentsMargins(18, 2, 18, 4);
    status->setSpacing(2);
    status->addWidget(m_typing);
    status->addWidget(m_editBanner);
    layout->addLayout(status);
    layout->addWidget(m_attachmentStrip);
    layout->addLayout(composerRow);
    return center;
}

QWidget *ChatPane::buildSidePanel()
{
    m_side = new QStackedWidget(this);
    m_side->setObjectName(QStringLiteral("sidePanel"));
    m_side->setMinimumWidth(260);

    auto headerRow = [](QLabel *title, QToolButton *close) {
        auto *row = new QHBoxLayout;
        row->setContentsMargins(14, 10, 8, 8);
        row->addWidget(title, 1);
        row->addWidget(close);
        return row;
    };

    auto *thread = new QWidget(m_side);
    thread->setObjectName(QStringLiteral("threadPanel"));
    m_threadTitle = panelTitle(thread);
    m_threadClose = toolButton(thread, QStringLiteral("threadClose"));
    m_threadView = new MessageView(thread);
    m_threadView->setObjectName(QStringLiteral("threadView"));
    m_threadView->messageDelegate()->setShowThreadSummary(false);
    m_threadComposer = new Composer(thread);
    m_threadComposer->setObjectName(QStringLiteral("threadComposer"));
    // A reply takes files like a message: they wait as chips above the thread's composer.
    m_threadAttach = toolButton(thread, QStringLiteral("threadAttachButton"));
    connect(m_threadAttach, &QToolButton::clicked, this, [this] {
        const QStringList paths = QFileDialog::getOpenFileNames(this, tr("Attach files"));
        if (!paths.isEmpty())
            attachFilesTo(FileTarget::Thread, paths);
    });
    connect(m_threadComposer, &Composer::filesAttached, this,
            [this](const QStringList &paths) { attachFilesTo(FileTarget::Thread, paths); });
    connect(m_threadComposer, &Composer::imagePasted, this,
            [this](const QImage &image) { attachImageTo(FileTarget::Thread, image); });
    m_threadAttachmentStrip = new QWidget(thread);
    m_threadAttachmentStrip->setObjectName(QStringLiteral("threadAttachmentStrip"));
    m_threadChips = new QHBoxLayout(m_threadAttachmentStrip);
    m_threadChips->setContentsMargins(10, 6, 10, 6);
    m_threadChips->setSpacing(6);
    m_threadAttachmentStrip->hide();
    auto *threadLayout = new QVBoxLayout(thread);
    threadLayout->setContentsMargins(0, 0, 0, 0);
    threadLayout->setSpacing(0);
    threadLayout->addLayout(headerRow(m_threadTitle, m_threadClose));
    threadLayout->addWidget(m_threadView, 1);
    threadLayout->addWidget(m_threadAttachmentStrip);
    auto *threadComposerRow = new QHBoxLayout;
    threadComposerRow->setContentsMargins(10, 0, 10, 10);
    threadComposerRow->setSpacing(6);
    threadComposerRow->addWidget(m_threadAttach, 0, Qt::AlignBottom);
    threadComposerRow->addWidget(m_threadComposer, 1);
    threadLayout->addLayout(threadComposerRow);
    connect(m_threadClose, &QToolButton::clicked, m_side, &QWidget::hide);
    connect(m_threadComposer, &Composer::submitted, this, [this](const QString &text) { submit(FileTarget::Thread, text); });
    connect(m_threadComposer, &Composer::editSubmitted, this,
            [this](qint64 seq, const QString &text) { m_client->edit(m_room, seq, text); });
    connect(m_threadComposer, &Composer::escapePressed, m_side, &QWidget::hide);
    connect(m_threadComposer, &Composer::typed, this, [this] {
        if (m_room.isValid())
            m_client->userTyping(m_room);
    });
    connect(m_threadView, &MessageView::olderHistoryWanted, this, [this] {
        if (m_threadModel)
            m_client->loadOlder(m_threadModel);
    });
    connect(m_threadView, &MessageView::reactionClicked, this,
            [this](qint64 seq, const QString &emoji) { toggleReaction(m_threadModel, seq, emoji); });
    connect(m_threadView, &MessageView::retryClicked, m_client, &Client::ChatClient::retry);
    m_threadView->messageDelegate()->setChatClient(m_client);
    m_threadView->viewport()->setAcceptDrops(true);
    connect(m_threadView, &MessageView::attachmentClicked, this,
            [this](qint64 seq, int attachment, bool save) { onAttachmentClicked(m_threadView, seq, attachment, save); });
    connect(m_threadView, &MessageView::contextMenuWanted, this,
            [this](const QModelIndex &index, const QPoint &pos) { showContextMenu(m_threadView, index, pos); });

    m_membersPanel = new MembersPanel(m_side);
    connect(m_membersPanel, &MembersPanel::closeRequested, m_side, &QWidget::hide);
    connect(m_membersPanel, &MembersPanel::removeRequested, this, [this](UserId user) {
        m_client->removeMember(m_room, user, this, [this](const Client::Reply &reply) {
            if (reply.ok)
                loadMembers();
        });
    });
    connect(m_membersPanel, &MembersPanel::roleRequested, this, [this](UserId user, const QString &role) {
        m_client->setRole(m_room, user, role, this, [this](const Client::Reply &reply) {
            if (reply.ok)
                loadMembers();
        });
    });
    connect(m_membersPanel, &MembersPanel::memberActivated, this, [this](UserId user) {
        if (user == m_client->me())
            return;
        m_client->openDirect(user, this, [this](const Client::Reply &reply, const std::optional<Client::ChatRoom> &room) {
            if (room)
                openRoom(room->id);
            else
                showError(ErrorText::forRequest(reply.error, reply.retryAfterMs));
        });
    });

    m_searchPanel = new SearchPanel(
        [this](RoomId room) {
            const Client::ChatRoom *r = m_client->rooms()->room(room);
            return r ? r->displayName() : QString();
        },
        m_side);
    connect(m_searchPanel, &SearchPanel::closeRequested, m_side, &QWidget::hide);
    connect(m_searchPanel, &SearchPanel::searchRequested, this, &ChatPane::runSearch);
    connect(m_searchPanel, &SearchPanel::resultActivated, this, &ChatPane::showSearchResult);
    m_side->addWidget(thread);
    m_side->addWidget(m_membersPanel);
    m_side->addWidget(m_searchPanel);
    connect(m_side, &QStackedWidget::currentChanged, this, [this] {
        m_searchButton->setChecked(m_side->isVisible() && m_side->currentIndex() == 2);
        m_membersButton->setChecked(m_side->isVisible() && m_side->currentIndex() == 1);
    });
    m_side->installEventFilter(this);
    connect(m_side, &QStackedWidget::currentChanged, this, [this](int index) {
        if (index != 0)
            m_client->setVisibleThread(RoomId(), 0);
    });
    return m_side;
}

void ChatPane::retranslateUi()
{
    m_title->setText(tr("Chat"));
    m_backToChat->setText(tr("← Back to the chat"));
    m_presence->setToolTip(tr("Your status: %1").arg(MembersPanel::presenceText(m_client->myPresence())));
    const QList<QAction *> presenceActions = m_presence->menu()->actions();
    for (QAction *action : presenceActions)
        action->setText(MembersPanel::presenceText(Presence(action->data().toInt())));
    m_newMenu->setToolTip(tr("New room, direct message or study group"));
    const QList<QAction *> newActions = m_newMenu->menu()->actions();
    for (QAction *action : newActions) {
        if (action->objectName() == QLatin1String("newRoomAction"))
            action->setText(tr("New room…"));
        else if (action->objectName() == QLatin1String("newDirectAction"))
            action->setText(tr("New direct message…"));
        else if (action->objectName() == QLatin1String("browseStudyAction"))
            action->setText(tr("Browse study groups…"));
        else if (action->objectName() == QLatin1String("coursesAction"))
            action->setText(tr("Courses and join codes"));
    }
    m_filter->setPlaceholderText(tr("Filter rooms"));
    m_searchButton->setToolTip(tr("Search messages"));
    m_membersButton->setToolTip(tr("Members"));
    m_roomMenu->setToolTip(tr("Room options"));
    m_roomEmpty->setTitle(tr("No messages yet"));
    m_roomEmpty->setText(tr("Be the first to say something in this room."));
    m_noRoom->setTitle(tr("Pick a room"));
    m_noRoom->setText(tr("Choose a room on the left to read and write messages."));
    m_editBanner->setText(tr("Editing a message · Enter saves · Esc cancels"));
    m_emoji->setToolTip(tr("Insert an emoji"));
    m_attach->setToolTip(tr("Attach files"));
    m_threadAttach->setToolTip(tr("Attach files to the reply"));
    m_send->setToolTip(tr("Send (Enter)"));
    m_composer->setToolTip(tr("Enter sends, Shift+Enter starts a new line, Up edits your last message"));
    m_threadComposer->setPlaceholderText(tr("Reply in the thread…"));
    m_threadTitle->setText(tr("Thread"));
    m_threadClose->setToolTip(tr("Close"));
    updateHeader();
    updateTyping();
}

void ChatPane::updateIcons()
{
    // A plain frame draws in the text colour; the rule under the header is a quiet one.
    QPalette rulePalette = m_headerRule->palette();
    rulePalette.setColor(QPalette::WindowText, palette().color(QPalette::Mid));
    m_headerRule->setPalette(rulePalette);
    m_newMenu->setIcon(Icons::symbol(QStringLiteral("plus")));
    m_searchButton->setIcon(Icons::symbol(QStringLiteral("search")));
    m_membersButton->setIcon(Icons::symbol(QStringLiteral("group")));
    m_emoji->setIcon(Icons::symbol(QStringLiteral("emoji")));
    m_send->setIcon(Icons::symbol(QStringLiteral("send")));
    m_attach->setIcon(paperclipIcon(palette().color(QPalette::ButtonText)));
    m_threadAttach->setIcon(paperclipIcon(palette().color(QPalette::ButtonText)));
    m_threadClose->setIcon(Icons::symbol(QStringLiteral("close")));
    updatePresenceButton();
}

void ChatPane::updatePresenceButton()
{
    m_presence->setIcon(MembersPanel::presenceIcon(m_client->myPresence()));
    m_presence->setToolTip(tr("Your status: %1").arg(MembersPanel::presenceText(m_client->myPresence())));
}

void ChatPane::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
    else if (event->type() == QEvent::PaletteChange)
        updateIcons();
    QWidget::changeEvent(event);
}

bool ChatPane::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_roomName && event->type() == QEvent::Resize)
        updateHeader(); // the name and topic are elided to the space they get
    // Files dropped on the timeline (or the thread) go with its next message, as when dropped
    // on its composer.
    // The drag test comes first: while the pane is being built, the filter already sees other
    // events, before the thread view exists.
    const bool drag = event->type() == QEvent::DragEnter || event->type() == QEvent::DragMove || event->type() == QEvent::Drop;
    if (drag && (watched == m_view->viewport() || watched == m_threadView->viewport())) {
        const FileTarget target = watched == m_view->viewport() ? FileTarget::Conversation : FileTarget::Thread;
        auto *drop = static_cast<QDropEvent *>(event);
        QStringList files;
        for (const QUrl &url : drop->mimeData()->urls()) {
            if (url.isLocalFile() && QFileInfo(url.toLocalFile()).isFile())
                files.append(url.toLocalFile());
        }
        if (files.isEmpty() || !fileSlot(target).first.isValid() || composerOf(target)->isReadOnly())
            return false;
        drop->acceptProposedAction();
        if (event->type() == QEvent::Drop)
            attachFilesTo(target, files);
        return true;
    }
    switch (event->type()) {
    case QEvent::KeyPress:
    case QEvent::MouseButtonPress:
    case QEvent::Wheel:
        m_client->userActive();
        break;
    case QEvent::WindowActivate:
        if (watched == window())
            markReadIfVisible();
        break;
    case QEvent::Hide:
        if (watched == m_side) {
            m_searchButton->setChecked(false);
            m_membersButton->setChecked(false);
            m_client->setVisibleThread(RoomId(), 0);
        }
        break;
    default:
        break;
    }
    return QWidget::eventFilter(watched, event);
}

void ChatPane::updatePage()
{
    const bool hasRooms = m_client->rooms()->rowCount() > 0;
    m_backToChat->setVisible(hasRooms);
    if (!hasRooms)
        m_pages->setCurrentWidget(m_coursesPage);
    else if (m_pages->currentWidget() == m_coursesPage && !m_coursesOpenedByUser)
        m_pages->setCurrentWidget(m_splitter);
}

void ChatPane::openRoom(RoomId room)
{
    if (room == m_room)
        return;
    saveDraft();
    m_composer->cancelEdit();
    m_room = room;
    m_membersPanel->clear();
    m_model = m_client->openRoom(room);
    m_view->setMessageModel(m_model);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &ChatPane::updateRoomEmpty, Qt::UniqueConnection);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &ChatPane::updateRoomEmpty, Qt::UniqueConnection);
    connect(m_model, &QAbstractItemModel::modelReset, this, &ChatPane::updateRoomEmpty, Qt::UniqueConnection);
    m_composer->blockSignals(true);
    m_composer->setPlainText(m_client->draft(room));
    m_composer->moveCursor(QTextCursor::End);
    m_composer->blockSignals(false);
    const int proxyRow = m_roomProxy->mapFromSource(m_client->rooms()->index(m_client->rooms()->rowOf(room))).row();
    if (proxyRow >= 0 && m_roomList->currentIndex().row() != proxyRow)
        m_roomList->setCurrentIndex(m_roomProxy->index(proxyRow, 0));
    if (m_side->isVisible() && m_side->currentIndex() == 0)
        m_side->hide();
    if (m_pages->currentWidget() != m_splitter && m_client->rooms()->rowCount() > 0) {
        m_coursesOpenedByUser = false;
        m_pages->setCurrentWidget(m_splitter);
    }
    loadMembers();
    updateHeader();
    updateTyping();
    updateRoomEmpty();
    updateAttachmentStrip();
    m_composer->setFocus();
}

void ChatPane::updateRoomEmpty()
{
    if (!m_room.isValid())
        m_viewStack->setCurrentWidget(m_noRoom);
    else if (m_model && m_model->rowCount() == 0 && !m_model->isLoadingHistory())
        m_viewStack->setCurrentWidget(m_roomEmpty);
    else
        m_viewStack->setCurrentWidget(m_view);
    m_composer->setEnabled(m_room.isValid());
}

void ChatPane::updateHeader()
{
    const Client::ChatRoom *room = m_client->rooms()->room(m_room);
    const QString name = room ? room->displayName() : QString();
    m_roomName->setText(m_roomName->fontMetrics().elidedText(name, Qt::ElideRight, std::max(40, m_roomName->width())));
    m_roomName->setToolTip(Client::plainToolTip(name));
    QString detail;
    if (room) {
        if (room->kind == QLatin1String("direct") && room->peer)
            detail = MembersPanel::presenceText(room->peerPresence);
        else if (!room->topic.isEmpty())
            detail = room->topic;
        else if (room->memberCount > 0)
            detail = tr("%n member(s)", nullptr, room->memberCount);
        if (room->archived)
            detail = tr("Archived · read only");
    }
    m_roomTopic->setText(m_roomTopic->fontMetrics().elidedText(detail, Qt::ElideRight, std::max(40, m_roomTopic->width())));
    m_roomTopic->setToolTip(Client::plainToolTip(detail));
    m_roomTopic->setVisible(!detail.isEmpty());
    for (QWidget *w : std::initializer_list<QWidget *>{m_searchButton, m_membersButton, m_roomMenu})
        w->setEnabled(room != nullptr);
    // The server refuses these anyway; the composer says so before the user types.
    const bool announcementsOnly = room && room->kind == QLatin1String("announcement") && room->myRole == QLatin1String("member");
    const bool archived = room && room->archived;
    m_composer->setReadOnly(archived || announcementsOnly);
    m_threadComposer->setReadOnly(archived);
    m_attach->setEnabled(!archived && !announcementsOnly);
    m_threadAttach->setEnabled(!archived);
    if (archived)
        m_composer->setPlaceholderText(tr("This room is archived: nobody can write here."));
    else if (announcementsOnly)
        m_composer->setPlaceholderText(tr("Only the course's staff post here. Reply to an announcement in its thread."));
    else
        m_composer->setPlaceholderText(tr("Write a message…"));
}

void ChatPane::updateTyping()
{
    const QList<UserInfo> users = m_room.isValid() ? m_client->typingUsers(m_room) : QList<UserInfo>();
    // First names keep the line short: "Ana and Ben are typing…".
    auto name = [](const UserInfo &u) {
        return u.displayName.isEmpty() ? u.username : u.displayName.section(QLatin1Char(' '), 0, 0);
    };
    QString text;
    if (users.size() == 1)
        text = tr("%1 is typing…").arg(name(users.at(0)));
    else if (users.size() == 2)
        text = tr("%1 and %2 are typing…").arg(name(users.at(0)), name(users.at(1)));
    else if (users.size() > 2)
        text = tr("Several people are typing…");
    m_typing->setText(text);
    // Keep the line's height so the composer does not jump when someone starts typing.
    m_typing->setMinimumHeight(m_typing->fontMetrics().height());
}

void ChatPane::saveDraft()
{
    if (m_room.isValid() && !m_composer->isEditing())
        m_client->setDraft(m_room, m_composer->toPlainText());
}

void ChatPane::clearAccount()
{
    // Not saved as drafts: signing out deletes the account's cache, and ChatClient has
    // forgotten its drafts already.
    m_draftTimer.stop();
    for (Composer *composer : {m_composer, m_threadComposer}) {
        composer->cancelEdit();
        composer->blockSignals(true);
        composer->clear();
        composer->blockSignals(false);
    }
    m_room = RoomId();
    m_model = nullptr;
    m_view->setMessageModel(nullptr);
    m_threadModel = nullptr;
    m_threadView->setMessageModel(nullptr);
    m_side->hide();
    m_membersPanel->clear();
    m_searchPanel->clear();
    m_attachments.clear();
    m_fileActions.clear();
    m_filter->clear();
    // The next account's first room opens when its list arrives (roomsLoaded).
    m_roomList->selectionModel()->clear();
    updateAttachmentStrip();
    updatePage();
    updateHeader();
    updateTyping();
    updateRoomEmpty();
}

void ChatPane::markReadIfVisible()
{
    if (m_room.isValid() && isVisible() && window()->isActiveWindow() && m_view->isAtBottom())
        m_client->markRead(m_room);
}

void ChatPane::editLastOwnMessage()
{
    if (!m_model)
        return;
    for (int row = m_model->rowCount() - 1; row >= 0; --row) {
        const ChatMessage &m = m_model->message(row);
        if (m.sender.id == m_client->me() && m.seq > 0 && !m.deleted && !m.isSystem()) {
            m_composer->beginEdit(m.seq, m.text);
            m_view->showMessage(m.seq);
            return;
        }
    }
}

void ChatPane::updateModeration()
{
    const Client::ChatRoom *r = m_client->rooms()->room(m_room);
    const bool groupLike = r && (r->kind == QLatin1String("group") || r->kind == QLatin1String("study"));
    m_membersPanel->setModeration(m_client->me(), groupLike && isModerator(), groupLike && r->myRole == QLatin1String("owner"));
}

bool ChatPane::isModerator() const
{
    const Client::ChatRoom *room = m_client->rooms()->room(m_room);
    return (room && (room->myRole == QLatin1String("owner") || room->myRole == QLatin1String("admin")))
        || m_connection->currentUser().role == Role::Admin;
}

QString ChatPane::memberName(UserId user) const
{
    const QList<Client::ChatMember> members = m_membersPanel->members();
    for (const Client::ChatMember &member : members) {
        if (member.user.id == user)
            return member.user.displayName.isEmpty() ? member.user.username : member.user.displayName;
    }
    return tr("User %1").arg(user.value());
}

void ChatPane::showContextMenu(MessageView *view, const QModelIndex &index, const QPoint &globalPos)
{
    MessageModel *model = view->messageModel();
    if (!model)
        return;
    const ChatMessage m = model->message(index.row());
    QMenu menu(this);
    if (m.seq <= 0) {
        if (m.state == ChatMessage::State::Failed)
            menu.addAction(tr("Retry"), this, [this, id = m.clientId] { m_client->retry(id); });
        menu.addAction(tr("Discard"), this, [this, id = m.clientId] { m_client->discard(id); });
        menu.exec(globalPos);
        return;
    }
    const bool own = m.sender.id == m_client->me();
    if (!m.deleted) {
        if (model->threadRoot() == 0)
            menu.addAction(Icons::symbol(QStringLiteral("thread")), tr("Reply in thread"), this, [this, seq = m.seq] { openThread(seq); });
        QMenu *react = menu.addMenu(Icons::symbol(QStringLiteral("emoji")), tr("React"));
        for (const QString &e : ChatDialogs::emoji().mid(0, 8))
            react->addAction(e, this, [this, model, seq = m.seq, e] { toggleReaction(model, seq, e); });
        if (own) {
            menu.addAction(tr("Edit"), this, [this, view, seq = m.seq, text = m.text] {
                (view == m_threadView ? m_threadComposer : m_composer)->beginEdit(seq, text);
            });
        }
    }
    if (!m.deleted && (own || isModerator()))
        menu.addAction(tr("Delete"), this, [this, seq = m.seq] { m_client->remove(m_room, seq); });
    menu.addSeparator();
    if (!m.deleted) {
        // A menu takes "&" for a shortcut mark, and a long name would make it screen wide.
        for (const AttachmentInfo &file : m_client->attachments(m_room, m.seq)) {
            const QString name = menu.fontMetrics().elidedText(file.name, Qt::ElideMiddle, 480);
            menu.addAction(tr("Save “%1” as…").arg(QString(name).replace(QLatin1Char('&'), QStringLiteral("&&"))), this,
                           [this, file] { saveFile(file); });
        }
        menu.addAction(Icons::symbol(QStringLiteral("copy")), tr("Copy text"), this,
                       [text = m.text] { QApplication::clipboard()->setText(text); });
    }
    menu.addAction(tr("Copy link"), this, [room = m_room, seq = m.seq] {
        QApplication::clipboard()->setText(QStringLiteral("cohort://room/%1/message/%2").arg(room.value()).arg(seq));
    });
    const QList<UserId> seen = m_client->seenBy(m_room, m.seq);
    if (own && !seen.isEmpty()) {
        QStringList names;
        for (const UserId user : seen)
            names.append(memberName(user));
        menu.addSeparator();
        QAction *seenAction = menu.addAction(tr("Seen by %1").arg(QLocale().createSeparatedList(names)));
        seenAction->setEnabled(false);
    }
    menu.exec(globalPos);
}

void ChatPane::toggleReaction(MessageModel *model, qint64 seq, const QString &emoji)
{
    if (!model)
        return;
    const int row = model->rowOfSeq(seq);
    if (row < 0)
        return;
    bool mine = false;
    for (const Client::ChatReaction &reaction : model->message(row).reactions) {
        if (reaction.emoji == emoji)
            mine = reaction.users.contains(m_client->me());
    }
    m_client->react(m_room, seq, emoji, !mine);
}

void ChatPane::openThread(qint64 root)
{
    if (!m_room.isValid())
        return;
    m_threadModel = m_client->openThread(m_room, root);
    m_client->setVisibleThread(m_room, root);
    m_threadView->setMessageModel(m_threadModel);
    updateAttachmentStrip();
    m_side->setCurrentIndex(0);
    m_side->show();
    m_threadComposer->setFocus();
}

void ChatPane::loadMembers()
{
    const RoomId room = m_room;
    m_client->members(room, this, [this, room](const Client::Reply &reply, const QList<Client::ChatMember> &members) {
        if (!reply.ok || room != m_room)
            return;
        m_membersPanel->setMembers(members);
        updateModeration();
        QStringList names;
        for (const Client::ChatMember &member : members)
            names.append(member.user.username);
        m_composer->setMemberNames(names);
        m_threadComposer->setMemberNames(names);
        m_view->messageDelegate()->setMentionNames(names);
        m_threadView->messageDelegate()->setMentionNames(names);
        m_view->viewport()->update();
    });
}

void ChatPane::showMembers()
{
    m_side->setCurrentIndex(1);
    m_side->show();
    m_membersButton->setChecked(true);
    m_searchButton->setChecked(false);
}

void ChatPane::showSearch()
{
    m_side->setCurrentIndex(2);
    m_side->show();
    m_searchButton->setChecked(true);
    m_membersButton->setChecked(false);
    m_searchPanel->focusQuery();
}

void ChatPane::runSearch(const QString &query)
{
    m_client->search(query, this, [this](const Client::Reply &reply, const QList<Client::SearchResult> &results) {
        if (!reply.ok) {
            showError(ErrorText::forRequest(reply.error, reply.retryAfterMs));
            return;
        }
        m_searchPanel->setResults(results);
    });
}

void ChatPane::showSearchResult(const Client::SearchResult &result)
{
    openRoom(result.roomId);
    const qint64 target = result.threadRoot > 0 ? result.threadRoot : result.seq;
    if (m_model) {
        m_view->showMessage(target);
        m_client->jumpTo(m_model, target);
    }
    if (result.threadRoot > 0) {
        openThread(result.threadRoot);
        m_threadView->showMessage(result.seq);
    }
}

void ChatPane::showError(const QString &text)
{
    m_error->showMessage(MessageBanner::Kind::Error, text);
}

void ChatPane::newRoom()
{
    const std::optional<QJsonObject> request = ChatDialogs::newRoom(this, m_courses->courses());
    if (!request)
        return;
    m_client->createRoom(*request, this, [this](const Client::Reply &reply, const std::optional<Client::ChatRoom> &room) {
        if (room)
            openRoom(room->id);
        else
            showError(ErrorText::forRequest(reply.error, reply.retryAfterMs));
    });
}

void ChatPane::addPeople()
{
    withCoursePeople([this](const QList<UserInfo> &people) {
        QList<UserInfo> candidates;
        const QList<Client::ChatMember> members = m_membersPanel->members();
        for (const UserInfo &person : people) {
            if (std::none_of(members.cbegin(), members.cend(), [&person](const Client::ChatMember &m) { return m.user.id == person.id; }))
                candidates.append(person);
        }
        const std::optional<UserId> chosen = ChatDialogs::directPeer(this, candidates, tr("Add to the room"));
        if (!chosen)
            return;
        m_client->addMembers(m_room, {*chosen}, this, [this](const Client::Reply &reply) {
            if (reply.ok)
                loadMembers();
        });
    });
}

void ChatPane::withCoursePeople(const std::function<void(const QList<UserInfo> &)> &use)
{
    // Everyone who shares a course with the user; the server applies the DM policy.
    const QList<CourseInfo> courses = m_courses->courses();
    if (courses.isEmpty()) {
        showError(tr("Join a course first: you can only reach people of your courses."));
        return;
    }
    auto people = std::make_shared<QList<UserInfo>>();
    auto remaining = std::make_shared<int>(int(courses.size()));
    for (const CourseInfo &course : courses) {
        m_connection->request(Protocol::Op::CourseMembers, {{QStringLiteral("courseId"), course.id.value()}}, this,
                              [this, people, remaining, use](const Client::Reply &reply) {
                                  for (const QJsonValue &value : reply.data.value(QLatin1String("members")).toArray()) {
                                      const std::optional<MemberInfo> member = MemberInfo::fromJson(value.toObject());
                                      if (member && member->user.id != m_client->me()
                                          && std::none_of(people->cbegin(), people->cend(),
                                                          [&member](const UserInfo &u) { return u.id == member->user.id; }))
                                          people->append(member->user);
                                  }
                                  if (--*remaining > 0)
                                      return;
                                  std::sort(people->begin(), people->end(), [](const UserInfo &a, const UserInfo &b) {
                                      return a.displayName.localeAwareCompare(b.displayName) < 0;
                                  });
                                  use(*people);
                              });
    }
}

void ChatPane::newDirectMessage()
{
    withCoursePeople([this](const QList<UserInfo> &people) {
        const std::optional<UserId> peer = ChatDialogs::directPeer(this, people, tr("Message"));
        if (!peer)
            return;
        m_client->openDirect(*peer, this, [this](const Client::Reply &r, const std::optional<Client::ChatRoom> &room) {
            if (room)
                openRoom(room->id);
            else
                showError(ErrorText::forRequest(r.error, r.retryAfterMs));
        });
    });
}

void ChatPane::browseStudyGroups()
{
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Study groups"));
    auto *list = new QListWidget(&dialog);
    list->setWordWrap(true);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, &dialog);
    QPushButton *join = buttons->addButton(tr("Join"), QDialogButtonBox::AcceptRole);
    join->setEnabled(false);
    auto *column = new QVBoxLayout(&dialog);
    auto *hint = new QLabel(tr("Public study groups of your courses."), &dialog);
    column->addWidget(hint);
    column->addWidget(list);
    column->addWidget(buttons);
    dialog.resize(420, 360);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(list, &QListWidget::currentItemChanged, &dialog, [join](QListWidgetItem *item) {
        join->setEnabled(item && item->data(Qt::UserRole + 1).toBool());
    });
    for (const CourseInfo &course : m_courses->courses()) {
        m_client->browseStudyGroups(course.id, &dialog, [list, course](const Client::Reply &, const QList<Client::ChatRoom> &rooms) {
            for (const Client::ChatRoom &room : rooms) {
                const bool member = !room.myRole.isEmpty();
                // A limit of 0 is none: "5 members", not "5/0 members".
                QString line = room.memberLimit > 0
                    ? ChatPane::tr("%1 · %2 · %3/%n member(s)", nullptr, room.memberLimit).arg(room.name, course.name).arg(room.memberCount)
                    : ChatPane::tr("%1 · %2 · %n member(s)", nullptr, room.memberCount).arg(room.name, course.name);
                if (!room.topic.isEmpty())
                    line += QLatin1Char('\n') + room.topic;
                if (member)
                    line += QLatin1Char('\n') + ChatPane::tr("You are a member");
                auto *item = new QListWidgetItem(line, list);
                item->setData(Qt::UserRole, room.id.value());
                item->setData(Qt::UserRole + 1, !member);
            }
        });
    }
    if (dialog.exec() != QDialog::Accepted || !list->currentItem())
        return;
    m_client->joinStudyGroup(RoomId(list->currentItem()->data(Qt::UserRole).toLongLong()), this,
                             [this](const Client::Reply &reply, const std::optional<Client::ChatRoom> &room) {
                                 if (room)
                                     openRoom(room->id);
                                 else
                                     showError(ErrorText::forRequest(reply.error, reply.retryAfterMs));
                             });
}

void ChatPane::attachFiles(const QStringList &paths)
{
    attachFilesTo(FileTarget::Conversation, paths);
}

void ChatPane::attachImage(const QImage &image)
{
    attachImageTo(FileTarget::Conversation, image);
}

std::pair<RoomId, qint64> ChatPane::fileSlot(FileTarget target) const
{
    if (target == FileTarget::Conversation)
        return {m_room, 0};
    if (!m_threadModel || m_threadModel->roomId() != m_room)
        return {RoomId(), 0};
    return {m_room, m_threadModel->threadRoot()};
}

Composer *ChatPane::composerOf(FileTarget target) const
{
    return target == FileTarget::Conversation ? m_composer : m_threadComposer;
}

void ChatPane::attachFilesTo(FileTarget target, const QStringList &paths)
{
    const auto slot = fileSlot(target);
    if (!slot.first.isValid() || composerOf(target)->isReadOnly())
        return;
    QStringList &keys = m_attachments[slot];
    for (const QString &path : paths) {
        if (keys.size() >= Protocol::MaxAttachmentsPerMessage) {
            showError(tr("A message can carry at most %n file(s).", nullptr, Protocol::MaxAttachmentsPerMessage));
            break;
        }
        const QString key = m_client->uploadFile(m_room, path);
        if (key.isEmpty())
            showError(tr("“%1” cannot be read, or it is empty.").arg(QFileInfo(path).fileName()));
        else
            keys.append(key);
    }
    updateAttachmentStrip();
}

void ChatPane::attachImageTo(FileTarget target, const QImage &image)
{
    const auto slot = fileSlot(target);
    if (!slot.first.isValid() || composerOf(target)->isReadOnly())
        return;
    if (m_attachments.value(slot).size() >= Protocol::MaxAttachmentsPerMessage) {
        showError(tr("A message can carry at most %n file(s).", nullptr, Protocol::MaxAttachmentsPerMessage));
        return;
    }
    QByteArray png;
    QBuffer buffer(&png);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    const QString name = tr("image-%1.png").arg(QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss")));
    const QString key = m_client->uploadData(m_room, name, QStringLiteral("image/png"), png);
    if (!key.isEmpty())
        m_attachments[slot].append(key);
    updateAttachmentStrip();
}

void ChatPane::submit(FileTarget target, const QString &text)
{
    const auto slot = fileSlot(target);
    if (!slot.first.isValid())
        return;
    // Files that could not be uploaded stay as chips, to retry or remove.
    QStringList files;
    QStringList kept;
    for (const QString &key : m_attachments.value(slot)) {
        const std::optional<Client::AttachmentUpload> upload = m_client->upload(key);
        if (upload && upload->state == Client::AttachmentUpload::State::Failed)
            kept.append(key);
        else if (upload)
            files.append(key);
    }
    if (text.isEmpty() && files.isEmpty())
        return;
    m_client->send(m_room, text, slot.second, files);
    m_attachments.insert(slot, kept);
    updateAttachmentStrip();
    if (target == FileTarget::Conversation) {
        m_client->setDraft(m_room, QString());
        m_view->scrollToNewest();
    }
}

void ChatPane::updateAttachmentStrip()
{
    fillStrip(FileTarget::Conversation);
    fillStrip(FileTarget::Thread);
}

void ChatPane::fillStrip(FileTarget target)
{
    QWidget *strip = target == FileTarget::Conversation ? m_attachmentStrip : m_threadAttachmentStrip;
    QHBoxLayout *chips = target == FileTarget::Conversation ? m_chips : m_threadChips;
    while (QLayoutItem *item = chips->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    const auto slot = fileSlot(target);
    QStringList keys;
    if (slot.first.isValid()) {
        QStringList &stored = m_attachments[slot];
        stored.removeIf([this](const QString &key) { return !m_client->upload(key); });
        keys = stored;
    }
    for (const QString &key : std::as_const(keys)) {
        const Client::AttachmentUpload upload = *m_client->upload(key);
        auto *chip = new QFrame(strip);
        chip->setObjectName(QStringLiteral("attachmentChip"));
        chip->setFrameShape(QFrame::StyledPanel);
        chip->setToolTip(Client::plainToolTip(upload.name));
        auto *row = new QHBoxLayout(chip);
        row->setContentsMargins(8, 2, 2, 2);
        row->setSpacing(6);
        auto *name = new QLabel(chip);
        name->setObjectName(QStringLiteral("attachmentName"));
        name->setTextFormat(Qt::PlainText);
        name->setText(name->fontMetrics().elidedText(upload.name, Qt::ElideMiddle, 160));
        auto *status = new QLabel(chip);
        status->setObjectName(QStringLiteral("attachmentStatus"));
        status->setTextFormat(Qt::PlainText);
        status->setForegroundRole(QPalette::PlaceholderText);
        switch (upload.state) {
        case Client::AttachmentUpload::State::Preparing:
            status->setText(upload.size > 0 ? tr("preparing %1%").arg(upload.prepared * 100 / upload.size) : tr("preparing"));
            break;
        case Client::AttachmentUpload::State::Uploading:
            status->setText(upload.size > 0 ? tr("%1%").arg(upload.sent * 100 / upload.size) : QString());
            break;
        case Client::AttachmentUpload::State::Done:
            status->setText(QLocale().formattedDataSize(upload.size));
            break;
        case Client::AttachmentUpload::State::Failed: {
            status->setText(upload.error == Protocol::ErrorCode::TooLarge ? tr("too large for this server")
                                                                           : tr("upload failed"));
            status->setForegroundRole(QPalette::WindowText);
            QPalette red = status->palette();
            red.setColor(QPalette::WindowText, palette().color(QPalette::Window).lightness() < 128 ? QColor(0xff7b72) : QColor(0xd1242f));
            status->setPalette(red);
            break;
        }
        }
        auto *remove = new QToolButton(chip);
        remove->setObjectName(QStringLiteral("removeAttachment"));
        remove->setAutoRaise(true);
        remove->setIcon(Icons::symbol(QStringLiteral("close")));
        remove->setIconSize(QSize(12, 12));
        remove->setToolTip(tr("Remove"));
        connect(remove, &QToolButton::clicked, this, [this, key, slot] {
            m_client->cancelUpload(key);
            m_attachments[slot].removeAll(key);
            updateAttachmentStrip();
        });
        row->addWidget(name);
        row->addWidget(status);
        row->addWidget(remove);
        chips->addWidget(chip);
    }
    chips->addStretch(1);
    strip->setVisible(!keys.isEmpty());
    composerOf(target)->setHasAttachments(!keys.isEmpty());
}

void ChatPane::onAttachmentClicked(MessageView *view, qint64 seq, int attachment, bool save)
{
    Q_UNUSED(view)
    const QList<AttachmentInfo> files = m_client->attachments(m_room, seq);
    if (attachment < 0 || attachment >= files.size())
        return;
    const AttachmentInfo &file = files.at(attachment);
    if (save) {
        saveFile(file);
        return;
    }
    if (const QString cached = m_client->cachedFile(file); !cached.isEmpty()) {
        openFile(cached);
        return;
    }
    m_fileActions.insert(file.id, QString());
    m_client->download(m_room, file);
}

void ChatPane::saveFile(const AttachmentInfo &attachment)
{
    const QString start = QDir(QStandardPaths::writableLocation(QStandardPaths::DownloadLocation))
                              .filePath(QFileInfo(attachment.name).fileName());
    const QString target = QFileDialog::getSaveFileName(this, tr("Save file"), start);
    if (target.isEmpty())
        return;
    m_fileActions.insert(attachment.id, target);
    m_client->download(m_room, attachment); // from the cache at once when it is there
}

void ChatPane::onDownloadFinished(const QString &id, const QString &path)
{
    const auto it = m_fileActions.constFind(id);
    if (it == m_fileActions.cend())
        return; // a preview
    const QString target = it.value();
    m_fileActions.erase(it);
    if (target.isEmpty()) {
        openFile(path);
        return;
    }
    // The dialog asked before replacing a file.
    QFile::remove(target);
    if (!QFile::copy(path, target))
        showError(tr("The file could not be saved to %1.").arg(QDir::toNativeSeparators(target)));
}

void ChatPane::openFile(const QString &path)
{
    if (runsWhenOpened(path)) {
        // Plain text: QMessageBox would take markup in someone's file name for rich text.
        QMessageBox warning(QMessageBox::Warning, tr("Open file"),
                            tr("“%1” is a program or script. Opening it runs it on this computer. Open it anyway?")
                                .arg(QFileInfo(path).fileName()),
                            QMessageBox::Open | QMessageBox::Cancel, this);
        warning.setTextFormat(Qt::PlainText);
        warning.setDefaultButton(QMessageBox::Cancel);
        if (warning.exec() != QMessageBox::Open)
            return;
    }
    QDesktopServices::openUrl(QUrl::fromLocalFile(path));
}

} // namespace Cohort::Ui
