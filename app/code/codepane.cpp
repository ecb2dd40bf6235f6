// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "codepane.h"

#include "codeclient.h"
#include "codecommentmodel.h"
#include "codedialogs.h"
#include "codefilemodel.h"
#include "codeparticipantmodel.h"
#include "codesession.h"
#include "codesessionfile.h"
#include "codeview.h"
#include "collabeditor.h"
#include "commentspanel.h"
#include "elidedlabel.h"
#include "connection.h"
#include "emptystate.h"
#include "errortext.h"
#include "filetreepanel.h"
#include "messagebanner.h"
#include "participantcolors.h"
#include "participantspanel.h"
#include "sessionlistdelegate.h"
#include "versionsdialog.h"

#include <QAbstractButton>
#include <QClipboard>
#include <QEvent>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QKeyEvent>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QMessageBox>
#include <QScrollBar>
#include <QSet>
#include <QShortcut>
#include <QSplitter>
#include <QStackedLayout>
#include <QStackedWidget>
#include <QTabWidget>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <memory>

namespace Cohort::Ui {

using Client::CodeFileId;
using Client::CodeRole;
using Client::CodeSession;
using Client::CodeSessionFile;

namespace {
constexpr int SessionIdRole = Qt::UserRole;
constexpr int OlderPageRole = Qt::UserRole + 1; // on the list's last line: the oldest session id listed
constexpr int FileColumnWidth = 220;
constexpr int SideWidth = 300;
constexpr int CursorSendDelayMs = 0;

QToolButton *barButton(QWidget *parent, const QString &name, bool checkable = false)
{
    auto *button = new QToolButton(parent);
    button->setObjectName(name);
    button->setAutoRaise(true);
    button->setCheckable(checkable);
    button->setToolButtonStyle(Qt::ToolButtonTextOnly);
    return button;
}

QString roleName(CodeRole role)
{
    switch (role) {
    case CodeRole::Host:
        return CodePane::tr("Host");
    case CodeRole::Editor:
        return CodePane::tr("Editor");
    case CodeRole::Viewer:
        break;
    }
    return CodePane::tr("Viewer");
}

/// UTF-16 positions of the start of `first` and the end (before the line break) of `last`.
std::pair<qsizetype, qsizetype> lineRange(const QString &text, int first, int last)
{
    qsizetype start = 0;
    for (int line = 0; line < first; ++line) {
        const qsizetype next = text.indexOf(QLatin1Char('\n'), start);
        if (next < 0)
            return {text.size(), text.size()};
        start = next + 1;
    }
    qsizetype end = start;
    for (int line = first; line <= last; ++line) {
        const qsizetype next = text.indexOf(QLatin1Char('\n'), end);
        if (next < 0)
            return {start, text.size()};
        end = line == last ? next : next + 1;
    }
    return {start, end};
}
} // namespace

CodePane::CodePane(Client::CodeClient *client, Client::Connection *connection, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_connection(connection)
{
    setObjectName(QStringLiteral("codePane"));
    m_pages = new QStackedLayout(this);
    m_pages->addWidget(buildListPage());
    m_pages->addWidget(buildSessionPage());

    // Model changes come in bursts (a session's join, a class arriving): one refresh per turn.
    m_filesTimer.setSingleShot(true);
    m_filesTimer.setInterval(0);
    connect(&m_filesTimer, &QTimer::timeout, this, &CodePane::refreshFiles);
    m_cursorTimer.setSingleShot(true);
    m_cursorTimer.setInterval(CursorSendDelayMs);
    connect(&m_cursorTimer, &QTimer::timeout, this, &CodePane::sendLocalSelection);

    connect(m_client, &Client::CodeClient::availabilityChanged, this, [this](bool available) {
        for (QToolButton *button : {m_emptyNew, m_emptyJoin, m_newSession, m_joinCode})
            button->setVisible(available);
        if (available) {
            retranslateUi();
            refreshSessions();
            return;
        }
        m_noSessions->setTitle(tr("Code sessions are not available"));
        m_noSessions->setText(tr("This server does not offer code sessions. Ask its administrator to update Cohort on "
                                 "the server."));
        m_listStack->setCurrentWidget(m_noSessions);
    });
    connect(m_connection, &Client::Connection::stateChanged, this, [this](Client::Connection::State state) {
        if (state == Client::Connection::State::Connected && isVisible() && m_pages->currentIndex() == 0)
            refreshSessions();
    });
    connect(m_client, &Client::CodeClient::sessionRemoved, this, [this](Client::CodeSessionId id) {
        if (!m_session || m_session->id() == id)
            bindSession(nullptr);
    });
    retranslateUi();
    bindSession(nullptr);
}

CodePane::~CodePane() = default;

CodeSession *CodePane::session() const
{
    return m_session;
}

QWidget *CodePane::buildListPage()
{
    auto *page = new QWidget(this);
    page->setObjectName(QStringLiteral("codeSessionsPage"));
    m_listTitle = new QLabel(page);
    QFont titleFont = m_listTitle->font();
    titleFont.setWeight(QFont::DemiBold);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.25);
    m_listTitle->setFont(titleFont);
    m_newSession = barButton(page, QStringLiteral("newSessionButton"));
    m_joinCode = barButton(page, QStringLiteral("joinWithCodeButton"));
    m_refresh = barButton(page, QStringLiteral("refreshSessionsButton"));
    m_showArchived = barButton(page, QStringLiteral("showArchivedButton"), true);
    connect(m_newSession, &QToolButton::clicked, this, &CodePane::newSession);
    connect(m_joinCode, &QToolButton::clicked, this, &CodePane::joinWithCode);
    connect(m_refresh, &QToolButton::clicked, this, &CodePane::refreshSessions);
    connect(m_showArchived, &QToolButton::toggled, this, &CodePane::refreshSessions);
    auto *header = new QHBoxLayout;
    header->addWidget(m_listTitle, 1);
    header->addWidget(m_showArchived);
    header->addWidget(m_refresh);
    header->addWidget(m_joinCode);
    header->addWidget(m_newSession);

    m_listError = new MessageBanner(page);
    m_listError->setClosable(true);
    m_sessionList = new QListWidget(page);
    m_sessionList->setObjectName(QStringLiteral("codeSessionList"));
    m_sessionList->setItemDelegate(new SessionListDelegate(m_sessionList));
    m_sessionList->setResizeMode(QListView::Adjust); // the details wrap anew at each width
    // Rows are as wide as the view (titles elide, details wrap): never a horizontal scroll bar.
    m_sessionList->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_sessionList->setMouseTracking(true);
    connect(m_sessionList, &QListWidget::itemActivated, this, [this](QListWidgetItem *item) {
        if (const qint64 oldest = item->data(OlderPageRole).toLongLong(); oldest > 0) {
            listSessions(oldest);
            return;
        }
        const Client::CodeSessionId id(item->data(SessionIdRole).toLongLong());
        if (!id.isValid())
            return;
        // Another owner's archived session (an admin's list) cannot be opened: activating it
        // would leave the session shown for a join the server refuses. Its menu has the rest.
        const auto info = m_listed.constFind(id);
        if (info != m_listed.cend() && info->archived && info->owner != m_client->me())
            return;
        openSession(id);
    });
    // The last line, "Show older sessions", reads as a link: one click asks for the next page.
    connect(m_sessionList, &QListWidget::itemClicked, this, [this](QListWidgetItem *item) {
        if (const qint64 oldest = item->data(OlderPageRole).toLongLong(); oldest > 0)
            listSessions(oldest);
    });
    m_sessionList->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_sessionList, &QListWidget::customContextMenuRequested, this, [this](const QPoint &position) {
        const QListWidgetItem *item = m_sessionList->itemAt(position);
        if (!item)
            return;
        const std::unique_ptr<QMenu> menu(listMenu(Client::CodeSessionId(item->data(SessionIdRole).toLongLong())));
        if (!menu->isEmpty())
            menu->exec(m_sessionList->viewport()->mapToGlobal(position));
    });
    m_noSessions = new EmptyState(QStringLiteral("code"), page);
    m_noSessions->setObjectName(QStringLiteral("noSessionsState"));
    m_emptyNew = new QToolButton(m_noSessions);
    m_emptyNew->setObjectName(QStringLiteral("emptyNewSessionButton"));
    m_emptyJoin = new QToolButton(m_noSessions);
    m_emptyJoin->setObjectName(QStringLiteral("emptyJoinButton"));
    m_noSessions->addAction(m_emptyNew);
    m_noSessions->addAction(m_emptyJoin);
    connect(m_emptyNew, &QToolButton::clicked, this, &CodePane::newSession);
    connect(m_emptyJoin, &QToolButton::clicked, this, &CodePane::joinWithCode);

    auto *stackHost = new QWidget(page);
    m_listStack = new QStackedLayout(stackHost);
    m_listStack->addWidget(m_noSessions);
    m_listStack->addWidget(m_sessionList);
    auto *column = new QVBoxLayout(page);
    column->setContentsMargins(20, 16, 20, 16);
    column->addLayout(header);
    column->addWidget(m_listError);
    column->addWidget(stackHost, 1);
    return page;
}

QWidget *CodePane::buildSessionPage()
{
    auto *page = new QWidget(this);
    page->setObjectName(QStringLiteral("codeSessionPage"));
    m_back = barButton(page, QStringLiteral("backToSessions"));
    connect(m_back, &QToolButton::clicked, this, [this] { m_pages->setCurrentIndex(0); refreshSessions(); });
    m_title = new ElidedLabel(page); // a long title gives way to the toolbar's buttons
    m_title->setObjectName(QStringLiteral("sessionTitle"));
    QFont titleFont = m_title->font();
    titleFont.setWeight(QFont::DemiBold);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.1);
    m_title->setFont(titleFont);
    m_roleBadge = new QLabel(page);
    m_roleBadge->setObjectName(QStringLiteral("roleBadge"));
    m_roleBadge->setForegroundRole(QPalette::PlaceholderText);
    // The save state shares the room left by the buttons with the title, both ending with "…":
    // beside a long title it was squeezed to nothing, and "Offline" did not show at all.
    m_sync = new ElidedLabel(page);
    m_sync->setObjectName(QStringLiteral("syncState"));
    m_sync->setForegroundRole(QPalette::PlaceholderText);
    m_lecture = barButton(page, QStringLiteral("lectureButton"), true);
    // Who may come in: one menu, so the toolbar fits in every language.
    m_access = barButton(page, QStringLiteral("accessButton"));
    m_access->setPopupMode(QToolButton::InstantPopup);
    auto *accessMenu = new QMenu(m_access);
    m_codeInfo = accessMenu->addAction(QString());
    m_codeInfo->setEnabled(false);
    m_accessCode = accessMenu->addAction(QString());
    accessMenu->addSeparator();
    m_lock = accessMenu->addAction(QString());
    m_lock->setCheckable(true);
    m_approval = accessMenu->addAction(QString());
    m_approval->setCheckable(true);
    m_access->setMenu(accessMenu);
    m_versions = barButton(page, QStringLiteral("versionsButton"));
    m_comment = barButton(page, QStringLiteral("commentButton"));
    m_leave = barButton(page, QStringLiteral("leaveButton"));
    // The session's own fate, for its owner and admins: apart from the everyday buttons.
    m_sessionMenu = barButton(page, QStringLiteral("sessionMenuButton"));
    m_sessionMenu->setPopupMode(QToolButton::InstantPopup);
    auto *sessionMenu = new QMenu(m_sessionMenu);
    m_archive = sessionMenu->addAction(QString());
    m_unarchive = sessionMenu->addAction(QString());
    m_delete = sessionMenu->addAction(QString());
    m_sessionMenu->setMenu(sessionMenu);
    connect(m_archive, &QAction::triggered, this, [this] {
        if (m_session)
            archiveSession(m_session->info());
    });
    connect(m_unarchive, &QAction::triggered, this, [this] {
        if (m_session)
            unarchiveSession(m_session->info());
    });
    connect(m_delete, &QAction::triggered, this, [this] {
        if (m_session)
            deleteSession(m_session->info());
    });
    connect(m_lecture, &QToolButton::clicked, this, [this](bool on) {
        if (!m_session)
            return;
        Client::CodeSessionChanges changes;
        changes.lecture = on;
        m_session->update(changes);
    });
    connect(m_lock, &QAction::triggered, this, [this](bool on) {
        if (!m_session)
            return;
        Client::CodeSessionChanges changes;
        changes.locked = on;
        const QPointer<CodeSession> session = m_session;
        m_session->update(changes, this, [this, session, on](const Client::Reply &reply) {
            if (reply.ok || !session || session != m_session)
                return;
            // The check mark goes back to what the session is.
            updateToolbar();
            // Unlocked, the session would count for its owner's open sessions again.
            if (!on && reply.error == Protocol::ErrorCode::Conflict)
                showError(session, tr("The owner has as many open sessions as the server allows. Archive or lock another "
                                      "one before unlocking this one."));
        });
    });
    connect(m_approval, &QAction::triggered, this, [this](bool on) {
        if (!m_session)
            return;
        Client::CodeSessionChanges changes;
        changes.approval = on;
        m_session->update(changes);
    });
    connect(m_accessCode, &QAction::triggered, this, &CodePane::editAccessCode);
    connect(m_versions, &QToolButton::clicked, this, [this] {
        if (!m_session)
            return;
        auto *dialog = new VersionsDialog(m_session, this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->open();
    });
    connect(m_comment, &QToolButton::clicked, this, [this] {
        m_side->setCurrentWidget(m_comments);
        m_comments->startComment();
    });
    connect(m_leave, &QToolButton::clicked, this, &CodePane::leaveSession);
    auto *bar = new QHBoxLayout;
    bar->setContentsMargins(12, 6, 12, 6);
    bar->setSpacing(6);
    bar->addWidget(m_back);
    bar->addWidget(m_title);
    bar->addWidget(m_roleBadge);
    bar->addSpacing(8);
    bar->addWidget(m_sync, 1);
    bar->addWidget(m_lecture);
    bar->addWidget(m_access);
    bar->addWidget(m_versions);
    bar->addWidget(m_comment);
    bar->addWidget(m_sessionMenu);
    bar->addWidget(m_leave);

    m_error = new MessageBanner(page);
    m_error->setObjectName(QStringLiteral("codeError"));
    m_error->setClosable(true);
    m_followRow = new QWidget(page);
    m_followBanner = new MessageBanner(m_followRow);
    m_followBanner->setObjectName(QStringLiteral("followBanner"));
    m_stopFollow = new QToolButton(m_followRow);
    m_stopFollow->setObjectName(QStringLiteral("stopFollowButton"));
    connect(m_stopFollow, &QToolButton::clicked, this, [this] {
        if (m_session)
            m_session->stopFollowing();
    });
    auto *followLayout = new QHBoxLayout(m_followRow);
    followLayout->setContentsMargins(0, 0, 0, 0);
    followLayout->addWidget(m_followBanner, 1);
    followLayout->addWidget(m_stopFollow);
    m_roleBanner = new MessageBanner(page);
    m_roleBanner->setObjectName(QStringLiteral("roleBanner"));
    m_refusedRow = new QWidget(page);
    m_refusedBanner = new MessageBanner(m_refusedRow);
    m_refusedBanner->setObjectName(QStringLiteral("refusedBanner"));
    m_saveCopy = new QToolButton(m_refusedRow);
    m_saveCopy->setObjectName(QStringLiteral("saveCopyButton"));
    connect(m_saveCopy, &QToolButton::clicked, this, &CodePane::saveRefusedCopy);
    m_copyRefused = new QToolButton(m_refusedRow);
    m_copyRefused->setObjectName(QStringLiteral("copyRefusedButton"));
    connect(m_copyRefused, &QToolButton::clicked, this, [this] {
        const auto edits = m_session ? m_session->refusedEditsWithId(m_refusedId) : std::nullopt;
        if (edits)
            QGuiApplication::clipboard()->setText(edits->text);
    });
    m_dismissRefused = new QToolButton(m_refusedRow);
    m_dismissRefused->setObjectName(QStringLiteral("dismissRefusedButton"));
    connect(m_dismissRefused, &QToolButton::clicked, this, [this] {
        if (m_session)
            m_session->discardRefusedEdits(m_refusedId);
    });
    auto *refusedLayout = new QHBoxLayout(m_refusedRow);
    refusedLayout->setContentsMargins(0, 0, 0, 0);
    refusedLayout->addWidget(m_refusedBanner, 1);
    refusedLayout->addWidget(m_saveCopy);
    refusedLayout->addWidget(m_copyRefused);
    refusedLayout->addWidget(m_dismissRefused);
    m_refusedRow->hide();
    auto *banners = new QVBoxLayout;
    banners->setContentsMargins(12, 0, 12, 6);
    banners->setSpacing(6);
    banners->addWidget(m_error);
    banners->addWidget(m_followRow);
    banners->addWidget(m_roleBanner);
    banners->addWidget(m_refusedRow);

    m_files = new FileTreePanel(page);
    connect(m_files, &FileTreePanel::fileActivated, this, &CodePane::openFile);
    connect(m_files, &FileTreePanel::newFileRequested, this, &CodePane::newFile);
    connect(m_files, &FileTreePanel::renameRequested, this, &CodePane::renameFile);
    connect(m_files, &FileTreePanel::deleteRequested, this, &CodePane::deleteFile);
    connect(m_files, &FileTreePanel::importRequested, this, &CodePane::importFiles);
    connect(m_files, &FileTreePanel::exportRequested, this, &CodePane::exportFiles);

    m_center = new QStackedWidget(page);
    m_center->setObjectName(QStringLiteral("codeCenter"));
    m_centerState = new EmptyState(QStringLiteral("code"), m_center);
    m_centerState->setObjectName(QStringLiteral("codeCenterState"));
    m_retryJoin = new QToolButton(m_centerState);
    m_retryJoin->setObjectName(QStringLiteral("retryJoinButton"));
    m_centerState->addAction(m_retryJoin);
    m_centerNewFile = new QToolButton(m_centerState);
    m_centerNewFile->setObjectName(QStringLiteral("centerNewFileButton"));
    m_centerImport = new QToolButton(m_centerState);
    m_centerImport->setObjectName(QStringLiteral("centerImportButton"));
    m_centerState->addAction(m_centerNewFile);
    m_centerState->addAction(m_centerImport);
    connect(m_centerNewFile, &QToolButton::clicked, this, [this] { newFile(QString()); });
    connect(m_centerImport, &QToolButton::clicked, this, &CodePane::importFiles);
    connect(m_retryJoin, &QToolButton::clicked, this, [this] {
        if (!m_session)
            return;
        if (m_session->state() == CodeSession::State::Refused
            && (m_session->refusal() == CodeSession::Refusal::AccessCode
                || m_session->refusal() == CodeSession::Refusal::AccessCodeAttempts)) {
            JoinWithCodeDialog dialog(m_session->id(), this);
            if (dialog.exec() != QDialog::Accepted || !m_session)
                return;
            m_client->join(m_session->id(), dialog.code());
        } else {
            m_client->join(m_session->id());
        }
    });
    m_center->addWidget(m_centerState);

    m_side = new QTabWidget(page);
    m_side->setObjectName(QStringLiteral("codeSideTabs"));
    m_side->setDocumentMode(true);
    m_people = new ParticipantsPanel(m_side);
    m_comments = new CommentsPanel(m_side);
    m_side->addTab(m_people, QString());
    m_side->addTab(m_comments, QString());
    connect(m_comments, &CommentsPanel::jumpRequested, this, &CodePane::jumpToComment);
    connect(m_comments, &CommentsPanel::commentRequested, this, &CodePane::addComment);

    m_splitter = new QSplitter(Qt::Horizontal, page);
    m_splitter->setObjectName(QStringLiteral("codeSplitter"));
    m_splitter->setChildrenCollapsible(false);
    m_splitter->addWidget(m_files);
    m_splitter->addWidget(m_center);
    m_splitter->addWidget(m_side);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setSizes({FileColumnWidth, 600, SideWidth});

    auto *column = new QVBoxLayout(page);
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(0);
    column->addLayout(bar);
    column->addLayout(banners);
    column->addWidget(m_splitter, 1);

    // Esc stops following; it is enabled only then, so the find bar keeps its own Esc.
    m_escape = new QShortcut(QKeySequence(Qt::Key_Escape), page);
    m_escape->setContext(Qt::WidgetWithChildrenShortcut);
    m_escape->setEnabled(false);
    connect(m_escape, &QShortcut::activated, this, [this] {
        if (m_session)
            m_session->stopFollowing();
    });
    auto *comment = new QShortcut(QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_M), page);
    comment->setContext(Qt::WidgetWithChildrenShortcut);
    connect(comment, &QShortcut::activated, m_comment, &QToolButton::click);
    return page;
}

void CodePane::retranslateUi()
{
    m_listTitle->setText(tr("Code sessions"));
    m_newSession->setText(tr("New session…"));
    m_joinCode->setText(tr("Join with a code…"));
    m_refresh->setText(tr("Refresh"));
    m_showArchived->setText(tr("Archived"));
    m_showArchived->setToolTip(tr("Also list archived sessions: yours, and an admin's list has everyone's"));
    m_noSessions->setTitle(tr("No code sessions yet"));
    m_noSessions->setText(tr("A session is a small project the class edits together: everyone sees the others' "
                             "cursors, and the teacher can lead with lecture mode. Start one, or join with the "
                             "code your teacher gave you."));
    m_emptyNew->setText(tr("New session…"));
    m_emptyJoin->setText(tr("Join with a code…"));
    m_back->setText(tr("‹ Sessions"));
    m_back->setToolTip(tr("All code sessions (you stay in this one)"));
    m_lecture->setText(tr("Lecture mode"));
    m_lecture->setToolTip(tr("Viewers follow you and read along; pass the pen to one student from People"));
    m_access->setToolTip(tr("Who may join: access code, lock, approval"));
    m_accessCode->setText(tr("Set the access code…"));
    m_lock->setText(tr("Lock: let nobody else join"));
    m_approval->setText(tr("Approve joiners: newcomers wait until a host lets them in"));
    m_versions->setText(tr("Versions…"));
    m_comment->setText(tr("Comment"));
    m_comment->setToolTip(tr("Comment on the selected lines (Ctrl+Alt+M)"));
    m_leave->setText(tr("Leave"));
    m_sessionMenu->setText(tr("Session"));
    m_sessionMenu->setToolTip(tr("Archive or delete this session"));
    m_archive->setText(tr("Archive…"));
    m_unarchive->setText(tr("Unarchive"));
    m_delete->setText(tr("Delete for good…"));
    m_stopFollow->setText(tr("Stop following"));
    m_saveCopy->setText(tr("Save a copy…"));
    m_copyRefused->setText(tr("Copy to clipboard"));
    m_dismissRefused->setText(tr("Dismiss"));
    m_dismissRefused->setToolTip(tr("Forget these changes"));
    m_centerNewFile->setText(tr("New file"));
    m_centerImport->setText(tr("Import files…"));
    m_side->setTabText(0, tr("People"));
    m_side->setTabText(1, tr("Comments"));
    updateToolbar();
    updateBanners();
    updateCenter();
    updateSyncLabel();
}

void CodePane::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange) {
        retranslateUi();
    } else if (event->type() == QEvent::PaletteChange) {
        // Archived sessions are listed in the new palette's grey, "Show older sessions" as a link.
        for (int row = 0; row < m_sessionList->count(); ++row) {
            QListWidgetItem *item = m_sessionList->item(row);
            if (item->data(OlderPageRole).toLongLong() > 0)
                item->setForeground(palette().brush(QPalette::Link));
            const auto info = m_listed.constFind(Client::CodeSessionId(item->data(SessionIdRole).toLongLong()));
            if (info != m_listed.cend() && info->archived)
                item->setForeground(palette().brush(QPalette::Disabled, QPalette::Text));
        }
        // Participant colours depend on the page's lightness.
        if (m_session) {
            for (auto it = m_views.cbegin(); it != m_views.cend(); ++it)
                showCursors(it.key());
            m_filesTimer.start();
        }
    }
    QWidget::changeEvent(event);
}

void CodePane::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (m_pages->currentIndex() == 0)
        refreshSessions();
}

bool CodePane::eventFilter(QObject *watched, QEvent *event)
{
    // Scintilla takes Esc for itself (it would only cancel a call tip), so while following,
    // the editor hands Esc to the pane: it stops following wherever the focus is.
    const bool following = m_session && m_session->following().isValid();
    if (following && (event->type() == QEvent::ShortcutOverride || event->type() == QEvent::KeyPress)
        && static_cast<QKeyEvent *>(event)->key() == Qt::Key_Escape
        && static_cast<QKeyEvent *>(event)->modifiers() == Qt::NoModifier) {
        if (event->type() == QEvent::ShortcutOverride) {
            event->accept();
            return true;
        }
        m_session->stopFollowing();
        return true;
    }
    return QWidget::eventFilter(watched, event);
}

void CodePane::refreshSessions()
{
    listSessions(0);
}

void CodePane::listSessions(qint64 before)
{
    if (m_connection->state() != Client::Connection::State::Connected)
        return;
    if (before == 0) {
        ++m_listGeneration;
        m_olderAsked = 0;
    } else if (before == m_olderAsked) {
        return; // clicked and then activated: that page is on its way
    } else {
        m_olderAsked = before;
    }
    const quint64 generation = m_listGeneration;
    m_client->listSessions(
        CourseId(), this,
        [this, before, generation](const Client::Reply &reply, const QList<Client::CodeSessionInfo> &sessions) {
            if (generation == m_listGeneration)
                showSessions(reply, sessions, before);
        },
        m_showArchived->isChecked(), before);
}

void CodePane::showSessions(const Client::Reply &reply, const QList<Client::CodeSessionInfo> &sessions, qint64 before)
{
    if (!reply.ok) {
        m_listError->showMessage(MessageBanner::Kind::Error, ErrorText::forRequest(reply.error, reply.retryAfterMs));
        return;
    }
    // An old error goes; the note about changes kept on leaving a session stays.
    if (m_listError->kind() == MessageBanner::Kind::Error)
        m_listError->clear();
    const qint64 selected = m_sessionList->currentItem() ? m_sessionList->currentItem()->data(SessionIdRole).toLongLong() : 0;
    if (before == 0) {
        m_sessionList->clear();
        m_listed.clear();
    } else if (const int last = m_sessionList->count() - 1;
               last >= 0 && m_sessionList->item(last)->data(OlderPageRole).toLongLong() == before) {
        delete m_sessionList->takeItem(last); // "Show older sessions": these are they
    } else {
        return; // that page was shown already (the line activated twice)
    }
    const bool admin = m_connection->currentUser().role == Role::Admin;
    const QSet<Client::CodeSessionId> unsent = m_client->sessionsWithKeptChanges(false);
    const QSet<Client::CodeSessionId> refused = m_client->sessionsWithKeptChanges(true);
    for (const Client::CodeSessionInfo &info : sessions) {
        m_listed.insert(info.id, info);
        QStringList details;
        const bool mine = info.owner == m_client->me();
        // The server's admins list every archived session (to unarchive or delete it), so
        // an owner is never its only viewer.
        if (info.archived && mine && admin)
            details.append(tr("archived: read-only, only you and the other admins see it"));
        else if (info.archived && mine)
            details.append(tr("archived: read-only, only you and the server's admins see it"));
        else if (info.archived)
            details.append(tr("archived"));
        if (!mine && !info.ownerName.isEmpty())
            details.append(tr("by %1").arg(info.ownerName));
        details.append(tr("%n participant(s)", nullptr, info.participantCount));
        details.append(info.visibility == QLatin1String("course") ? tr("open to the course") : tr("private"));
        if (info.lecture)
            details.append(tr("lecture"));
        if (info.locked)
            details.append(tr("locked"));
        if (info.hasAccessCode)
            details.append(tr("needs a code"));
        if (unsent.contains(info.id))
            details.append(tr("your changes not yet sent"));
        if (refused.contains(info.id))
            details.append(tr("refused changes to save"));
        auto *item = new QListWidgetItem(info.title + QLatin1Char('\n') + details.join(QStringLiteral(" · ")), m_sessionList);
        item->setData(SessionIdRole, info.id.value());
        if (info.archived)
            item->setForeground(palette().brush(QPalette::Disabled, QPalette::Text));
        if (info.id.value() == selected)
            m_sessionList->setCurrentItem(item);
    }
    // code.list answers a page at a time, the newest sessions first (a server's archive can
    // hold thousands): the last line asks for the next page.
    if (reply.data.value(QLatin1String("hasMore")).toBool() && !sessions.isEmpty()) {
        auto *more = new QListWidgetItem(tr("Show older sessions"), m_sessionList);
        more->setData(OlderPageRole, sessions.last().id.value());
        more->setTextAlignment(Qt::AlignCenter);
        more->setForeground(palette().brush(QPalette::Link));
    }
    m_listStack->setCurrentWidget(m_sessionList->count() == 0 ? static_cast<QWidget *>(m_noSessions) : m_sessionList);
}

bool CodePane::mayManage(const Client::CodeSessionInfo &info) const
{
    return (info.owner.isValid() && info.owner == m_client->me()) || m_connection->currentUser().role == Role::Admin;
}

QMenu *CodePane::listMenu(Client::CodeSessionId id)
{
    auto *menu = new QMenu(this);
    const auto found = m_listed.constFind(id);
    if (found == m_listed.cend())
        return menu;
    const Client::CodeSessionInfo info = *found;
    // An archived session is its owner's alone: an admin lists another's to unarchive or
    // delete it, but cannot open it.
    if (!info.archived || info.owner == m_client->me()) {
        QAction *open = menu->addAction(info.archived ? tr("Open read-only") : tr("Open"));
        open->setObjectName(QStringLiteral("openSessionAction"));
        connect(open, &QAction::triggered, this, [this, id] { openSession(id); });
        if (!mayManage(info))
            return menu;
        menu->addSeparator();
    } else if (!mayManage(info)) {
        return menu;
    }
    if (info.archived) {
        QAction *unarchive = menu->addAction(tr("Unarchive"));
        unarchive->setObjectName(QStringLiteral("unarchiveSessionAction"));
        connect(unarchive, &QAction::triggered, this, [this, info] { unarchiveSession(info); });
        QAction *remove = menu->addAction(tr("Delete for good…"));
        remove->setObjectName(QStringLiteral("deleteSessionAction"));
        connect(remove, &QAction::triggered, this, [this, info] { deleteSession(info); });
    } else {
        QAction *archive = menu->addAction(tr("Archive…"));
        archive->setObjectName(QStringLiteral("archiveSessionAction"));
        connect(archive, &QAction::triggered, this, [this, info] { archiveSession(info); });
    }
    return menu;
}

void CodePane::showLifecycleError(const QString &text)
{
    // Where the user is: in the session's page, or at the list it was managed from.
    if (m_session && m_pages->currentIndex() == 1)
        showError(m_session, text);
    else
        m_listError->showMessage(MessageBanner::Kind::Error, text);
}

void CodePane::archiveSession(const Client::CodeSessionInfo &info)
{
    QMessageBox box(QMessageBox::Question, tr("Archive session"), tr("Archive “%1”?").arg(info.title),
                    QMessageBox::Yes | QMessageBox::Cancel, this);
    // The title is its owner's text (an admin's box shows a student's): shown, never rendered.
    box.setTextFormat(Qt::PlainText);
    box.setInformativeText(tr("The session becomes read-only and leaves everyone's list: the participants are taken "
                              "out of it. Nothing is deleted. You can still open and export it, and unarchive it "
                              "later. It no longer counts towards your open sessions."));
    box.button(QMessageBox::Yes)->setText(tr("Archive"));
    box.setDefaultButton(QMessageBox::Cancel);
    if (box.exec() != QMessageBox::Yes)
        return;
    m_client->archiveSession(info.id, this, [this](const Client::Reply &reply, const std::optional<Client::CodeSessionInfo> &) {
        if (!reply.ok) {
            const QString text = ErrorText::forRequest(reply.error, reply.retryAfterMs);
            showLifecycleError(text);
            return;
        }
        refreshSessions();
    });
}

void CodePane::unarchiveSession(const Client::CodeSessionInfo &info)
{
    // An admin may bring back someone else's session: the quota is its owner's.
    const bool mine = info.owner == m_client->me();
    m_client->unarchiveSession(info.id, this, [this, mine](const Client::Reply &reply, const std::optional<Client::CodeSessionInfo> &) {
        if (!reply.ok) {
            const QString text = reply.error != Protocol::ErrorCode::Conflict ? ErrorText::forRequest(reply.error, reply.retryAfterMs)
                : mine ? tr("You have as many open sessions as the server allows. Archive or lock one you no longer use to "
                            "bring this one back.")
                       : tr("Its owner has as many open sessions as the server allows. One of them has to be archived "
                            "or locked before this one can come back.");
            showLifecycleError(text);
            return;
        }
        refreshSessions();
    });
}

void CodePane::deleteSession(const Client::CodeSessionInfo &info)
{
    QMessageBox box(QMessageBox::Warning, tr("Delete session"), tr("Delete “%1” for good?").arg(info.title),
                    QMessageBox::Yes | QMessageBox::Cancel, this);
    box.setTextFormat(Qt::PlainText);
    box.setInformativeText(tr("Its files, comments and versions are deleted from the server and cannot be brought "
                              "back. Export the session first if you want to keep a copy."));
    box.button(QMessageBox::Yes)->setText(tr("Delete"));
    box.setDefaultButton(QMessageBox::Cancel);
    if (box.exec() != QMessageBox::Yes)
        return;
    const Client::CodeSessionId id = info.id;
    m_client->deleteSession(id, this, [this, id](const Client::Reply &reply) {
        if (!reply.ok) {
            const QString text = ErrorText::forRequest(reply.error, reply.retryAfterMs);
            showLifecycleError(text);
            return;
        }
        if (m_session && m_session->id() == id)
            leaveSession();
        else
            refreshSessions();
    });
}

void CodePane::newSession()
{
    m_connection->listCourses(this, [this](const Client::Reply &, const QList<CourseInfo> &courses) {
        NewSessionDialog dialog(courses, m_connection->currentUser().role == Role::Admin, this);
        if (dialog.exec() != QDialog::Accepted)
            return;
        m_client->createSession(dialog.session(), this,
                                [this](const Client::Reply &reply, const std::optional<Client::CodeSessionInfo> &info) {
            if (reply.ok && info) {
                openSession(info->id);
                return;
            }
            const QString text = Client::CodeClient::isStoredSessionsLimit(reply)
                ? tr("You keep as many sessions as the server allows, archived ones included. Delete archived sessions "
                     "to make room: show them with Archived, then right-click one → Delete for good.")
                : reply.error == Protocol::ErrorCode::Conflict
                ? tr("You have as many open sessions as the server allows. Archive one you no longer use "
                     "(Session → Archive) or lock one (Access → Lock) to create another.")
                : ErrorText::forRequest(reply.error, reply.retryAfterMs);
            m_listError->showMessage(MessageBanner::Kind::Error, text);
        });
    });
}

void CodePane::joinWithCode()
{
    const QListWidgetItem *selected = m_sessionList->currentItem();
    JoinWithCodeDialog dialog(selected ? Client::CodeSessionId(selected->data(SessionIdRole).toLongLong())
                                       : Client::CodeSessionId(),
                              this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    openSession(dialog.session(), dialog.code());
}

void CodePane::openSession(Client::CodeSessionId id, const QString &accessCode)
{
    // One session at a time: the one shown before is left, so it stops sending its events.
    int unsent = 0;
    int refused = 0;
    if (m_session && m_session->id() != id) {
        if (!confirmLeaving())
            return;
        CodeSession *previous = m_session;
        if (previous->keepsChangesOnThisComputer()) {
            unsent = static_cast<int>(previous->filesWithUnsentEdits().size());
            refused = static_cast<int>(previous->allRefusedEdits().size());
        }
        bindSession(nullptr);
        m_client->leave(previous);
    }
    CodeSession *session = m_client->join(id, accessCode);
    bindSession(session);
    m_pages->setCurrentIndex(1);
    noteKeptChanges(m_error, unsent, refused);
}

void CodePane::leaveSession()
{
    if (!m_session || !confirmLeaving())
        return;
    CodeSession *session = m_session;
    // Not blocked: what the server has not taken stays on this computer; the user hears so once.
    const bool kept = session->keepsChangesOnThisComputer();
    const int unsent = kept ? static_cast<int>(session->filesWithUnsentEdits().size()) : 0;
    const int refused = kept ? static_cast<int>(session->allRefusedEdits().size()) : 0;
    bindSession(nullptr);
    m_client->leave(session);
    m_pages->setCurrentIndex(0);
    refreshSessions();
    noteKeptChanges(m_listError, unsent, refused);
}

void CodePane::bindSession(CodeSession *session)
{
    if (m_session == session && session)
        return;
    if (m_session) {
        disconnect(m_session, nullptr, this, nullptr);
        disconnect(m_session->files(), nullptr, this, nullptr);
        disconnect(m_session->participants(), nullptr, this, nullptr);
    }
    for (CodeView *view : std::as_const(m_views))
        view->deleteLater();
    m_views.clear();
    m_pendingImports.clear();
    m_pendingTopLines.clear();
    m_currentFile = CodeFileId();
    m_openedFirstFile = false;
    m_session = session;
    m_people->setSession(session);
    m_comments->setSession(session);
    m_error->clear();
    if (!session) {
        m_files->setFiles({});
        m_pages->setCurrentIndex(0);
        updateSessionPage();
        return;
    }
    connect(session, &CodeSession::stateChanged, this, &CodePane::updateSessionPage);
    connect(session, &CodeSession::infoChanged, this, &CodePane::updateSessionPage);
    connect(session, &CodeSession::myRoleChanged, this, &CodePane::updateSessionPage);
    connect(session, &CodeSession::requestFailed, this, [this, session](const Client::Reply &reply) {
        showError(session, ErrorText::forRequest(reply.error, reply.retryAfterMs));
    });
    connect(session, &CodeSession::fileDeleted, this, &CodePane::closeView);
    connect(session, &CodeSession::refusedEditsChanged, this, &CodePane::updateRefusedBanner);
    connect(session, &CodeSession::fileRenamed, this, [this](const Client::CodeFileInfo &file) {
        if (CodeView *view = m_views.value(file.id))
            view->editor()->setLanguage(file.language);
        updateCommentTarget();
    });
    connect(session, &CodeSession::cursorChanged, this, &CodePane::showCursor);
    connect(session, &CodeSession::cursorRemoved, this, [this](CodeFileId file, UserId user) {
        if (CodeView *view = m_views.value(file))
            view->editor()->removeRemoteCursor(quint64(user.value()));
    });
    connect(session, &CodeSession::commentsChanged, this, [this] {
        for (auto it = m_views.cbegin(); it != m_views.cend(); ++it)
            showComments(it.key());
    });
    connect(session, &CodeSession::followingChanged, this, &CodePane::updateBanners);
    connect(session, &CodeSession::followMoved, this, [this](UserId, CodeFileId file, int topLine) {
        openFile(file);
        CodeView *view = m_views.value(file);
        CodeSessionFile *opened = m_session ? m_session->openedFile(file) : nullptr;
        if (view && opened && opened->isLoaded())
            view->editor()->setFirstVisibleLine(topLine);
        else
            m_pendingTopLines.insert(file, topLine);
    });
    // Cursor events are not stored: someone who comes online learns where everyone is (and a
    // late student in lecture mode where the teacher is) from a fresh one.
    connect(session, &CodeSession::participantJoined, this, [this] { m_cursorTimer.start(); });
    connect(session, &CodeSession::joinRequested, this, [this](const UserInfo &user) {
        m_error->showMessage(MessageBanner::Kind::Information,
                             tr("%1 asks to join. Let them in from People.").arg(user.displayName));
        m_side->setCurrentWidget(m_people);
    });
    auto schedule = [this] { m_filesTimer.start(); };
    QAbstractItemModel *files = session->files();
    connect(files, &QAbstractItemModel::modelReset, this, schedule);
    connect(files, &QAbstractItemModel::rowsInserted, this, schedule);
    connect(files, &QAbstractItemModel::rowsRemoved, this, schedule);
    connect(files, &QAbstractItemModel::rowsMoved, this, schedule);
    connect(files, &QAbstractItemModel::dataChanged, this, schedule);
    connect(session->participants(), &QAbstractItemModel::modelReset, this, schedule);
    connect(session->participants(), &QAbstractItemModel::dataChanged, this, schedule);
    refreshFiles();
    updateSessionPage();
}

void CodePane::updateSessionPage()
{
    if (m_session) {
        const Client::CodeSessionInfo info = m_session->info();
        m_title->setFullText(info.title.isEmpty() ? tr("Code session") : info.title);
        const bool editable = m_session->canEdit();
        m_files->setEditable(editable);
        for (auto it = m_views.cbegin(); it != m_views.cend(); ++it) {
            CodeSessionFile *file = m_session->openedFile(it.key());
            it.value()->editor()->setReadOnly(!editable || !file || !file->isLoaded());
        }
        if (m_session->state() == CodeSession::State::Joined && !m_openedFirstFile && !m_currentFile.isValid()
            && m_session->files()->rowCount() > 0 && !m_session->following().isValid()) {
            m_openedFirstFile = true;
            openFile(m_session->files()->at(0).id);
        }
    }
    updateToolbar();
    updateBanners();
    updateCenter();
}

void CodePane::updateToolbar()
{
    const bool joined = m_session && m_session->state() == CodeSession::State::Joined;
    const bool host = joined && m_session->isHost();
    const Client::CodeSessionInfo info = m_session ? m_session->info() : Client::CodeSessionInfo();
    m_roleBadge->setText(joined ? roleName(m_session->myRole()) : QString());
    m_lecture->setChecked(info.lecture);
    m_access->setText(info.locked ? tr("Access: locked") : tr("Access"));
    m_lock->setChecked(info.locked);
    m_approval->setChecked(info.approval);
    // Joining with a code takes the session number too (code.join needs the session's id).
    m_codeInfo->setText(info.accessCode.isEmpty() ? tr("No access code")
                                                  : tr("Session %1 · code %2").arg(info.id.value()).arg(info.accessCode));
    m_versions->setVisible(host && !info.archived);
    m_lecture->setVisible(host && !info.archived);
    m_access->setVisible(host && !info.archived);
    m_sessionMenu->setVisible(joined && mayManage(info));
    m_archive->setVisible(!info.archived);
    m_unarchive->setVisible(info.archived);
    m_delete->setVisible(info.archived);
    m_comment->setEnabled(joined && !info.archived);
    m_files->setEnabled(joined);
    m_side->setEnabled(joined);
}

void CodePane::updateBanners()
{
    const bool joined = m_session && m_session->state() == CodeSession::State::Joined;
    const UserId followed = joined ? m_session->following() : UserId();
    const Client::CodeParticipant *person = followed.isValid() ? m_session->participants()->participant(followed) : nullptr;
    if (person) {
        m_followBanner->showMessage(MessageBanner::Kind::Information,
                                    tr("Following %1 — Esc to stop").arg(person->user.displayName));
        m_followRow->show();
    } else {
        m_followBanner->clear();
        m_followRow->hide();
    }
    m_escape->setEnabled(person != nullptr);

    if (m_session && m_session->state() == CodeSession::State::Refused
        && m_session->refusal() == CodeSession::Refusal::Archived) {
        m_roleBanner->showMessage(MessageBanner::Kind::Warning,
                                  tr("This session was archived. It is closed now: only its owner can still open it."));
    } else if (joined && m_session->isArchived()) {
        m_roleBanner->showMessage(MessageBanner::Kind::Information,
                                  tr("This session is archived: it is read-only and only you can open it. Unarchive it "
                                     "(Session → Unarchive) to work in it with others again."));
    } else if (joined && m_session->myRole() == CodeRole::Viewer) {
        const Client::CodeSessionInfo info = m_session->info();
        const Client::CodeParticipant *lecturer = info.lecture ? m_session->participants()->participant(info.lecturer) : nullptr;
        m_roleBanner->showMessage(MessageBanner::Kind::Information,
                                  lecturer ? tr("Lecture mode: you read along with %1. You can comment; %1 can pass you "
                                                "the pen to edit.").arg(lecturer->user.displayName)
                                           : tr("You are a viewer: you can read, follow and comment, but not change "
                                                "the code. A host can make you an editor."));
    } else {
        m_roleBanner->clear();
    }
    updateRefusedBanner();
}

void CodePane::updateCenter()
{
    QString title;
    QString text;
    QString retry;
    bool fileActions = false;
    if (!m_session) {
        title = tr("No session open");
    } else {
        switch (m_session->state()) {
        case CodeSession::State::Joining:
            title = tr("Joining…");
            text = tr("Loading the session's files and participants.");
            break;
        case CodeSession::State::Pending:
            title = tr("Waiting for the host");
            text = tr("This session lets people in one by one. You join as soon as a host lets you in.");
            break;
        case CodeSession::State::Refused:
            title = tr("Could not join");
            switch (m_session->refusal()) {
            case CodeSession::Refusal::AccessCode:
                text = tr("The access code is wrong. Ask your teacher for the code and try again.");
                retry = tr("Enter the code…");
                break;
            case CodeSession::Refusal::AccessCodeAttempts:
                text = tr("Too many access codes were tried. You can enter the code again %1.")
                           .arg(ErrorText::waitTime(m_session->refusalReply().retryAfterMs));
                retry = tr("Enter the code…");
                break;
            case CodeSession::Refusal::Locked:
                text = tr("The host has locked this session: nobody new can join right now.");
                retry = tr("Try again");
                break;
            case CodeSession::Refusal::Full:
                text = tr("The session is full.");
                retry = tr("Try again");
                break;
            case CodeSession::Refusal::Denied:
                text = m_session->refusalReply().retryAfterMs > 0
                           ? tr("The host did not let you in. You can ask again %1.")
                                 .arg(ErrorText::waitTime(m_session->refusalReply().retryAfterMs))
                           : tr("The host did not let you in.");
                break;
            case CodeSession::Refusal::ApprovalQueueFull:
                text = tr("Many people are already waiting for the host to let them in. Try again in a while.");
                retry = tr("Try again");
                break;
            case CodeSession::Refusal::Removed:
                text = tr("A host removed you from this session. You can ask to join again; a host has to let you in.");
                retry = tr("Ask to join again");
                break;
            case CodeSession::Refusal::Forbidden:
                text = tr("This session is private to other people.");
                break;
            case CodeSession::Refusal::Archived:
                text = tr("This session was archived. Its work is kept, but only its owner can open it now.");
                break;
            case CodeSession::Refusal::NotFound:
                text = tr("This session no longer exists.");
                break;
            case CodeSession::Refusal::None:
            case CodeSession::Refusal::Other:
                text = ErrorText::forRequest(m_session->refusalReply().error, m_session->refusalReply().retryAfterMs);
                retry = tr("Try again");
                break;
            }
            break;
        case CodeSession::State::Joined:
            if (m_session->files()->rowCount() == 0) {
                title = tr("This session has no files yet");
                fileActions = m_session->canEdit();
                text = fileActions ? tr("Create a file or import some from disk to start writing code together.")
                                   : tr("The host has not added any file yet. Files appear here as soon as they do.");
            } else {
                title = tr("No file open");
                text = tr("Pick a file on the left, or follow someone from People.");
            }
            break;
        }
    }
    m_centerState->setTitle(title);
    m_centerState->setText(text);
    m_retryJoin->setText(retry);
    m_retryJoin->setVisible(!retry.isEmpty());
    m_centerNewFile->setVisible(fileActions);
    m_centerImport->setVisible(fileActions);
    if (!currentView())
        m_center->setCurrentWidget(m_centerState);
}

void CodePane::updateSyncLabel()
{
    CodeSessionFile *file = m_session ? m_session->openedFile(m_currentFile) : nullptr;
    if (!file) {
        m_sync->setFullText(QString());
        return;
    }
    switch (file->syncState()) {
    case CodeSessionFile::SyncState::Loading:
        m_sync->setFullText(tr("Loading…"));
        break;
    case CodeSessionFile::SyncState::Synced:
        m_sync->setFullText(tr("Saved on the server"));
        break;
    case CodeSessionFile::SyncState::Sending:
        m_sync->setFullText(tr("Saving…"));
        break;
    case CodeSessionFile::SyncState::Offline:
        m_sync->setFullText(tr("Offline: your edits are kept and sent when the connection is back"));
        break;
    case CodeSessionFile::SyncState::Failed:
        m_sync->setFullText(tr("Could not open the file"));
        break;
    }
    // The state itself (up to a colon: "Offline") always shows; the explanation after it may
    // give way to the title and is in the tooltip.
    const QString text = m_sync->fullText();
    const qsizetype colon = text.indexOf(QLatin1Char(':'));
    const QString essential = colon < 0 ? text : text.left(colon) + QChar(0x2026);
    m_sync->setMinimumWidth(std::min(m_sync->sizeHint().width(), m_sync->fontMetrics().horizontalAdvance(essential) + 2));
}

void CodePane::refreshFiles()
{
    if (!m_session) {
        m_files->setFiles({});
        return;
    }
    Client::CodeFileModel *model = m_session->files();
    m_files->setFiles(model->files());
    QHash<CodeFileId, QList<FileTreePanel::Presence>> presence;
    const UserId me = m_client->me();
    for (const Client::CodeFileInfo &file : model->files()) {
        for (UserId user : model->usersIn(file.id)) {
            const Client::CodeParticipant *person = m_session->participants()->participant(user);
            if (user == me || !person || !person->online)
                continue;
            presence[file.id].append({person->user.displayName, participantColor(user, palette())});
        }
    }
    m_files->setPresence(presence);
    m_files->setCurrentFile(m_currentFile);
    updateSessionPage();
}

void CodePane::openFile(CodeFileId id)
{
    if (!m_session || !m_session->files()->file(id))
        return;
    CodeView *view = m_views.value(id);
    if (!view) {
        CodeSessionFile *file = m_session->openFile(id);
        view = createView(file);
    }
    m_currentFile = id;
    m_center->setCurrentWidget(view);
    m_files->setCurrentFile(id);
    updateSyncLabel();
    updateCommentTarget();
    updateRefusedBanner();
    m_cursorTimer.start();
}

CodeView *CodePane::createView(CodeSessionFile *file)
{
    const CodeFileId id = file->id();
    auto *view = new CodeView(m_center);
    view->setObjectName(QStringLiteral("codeView-%1").arg(id.value()));
    m_center->addWidget(view);
    m_views.insert(id, view);
    CollabEditor *editor = view->editor();
    editor->setMaxUpdateBytes(m_client->limits().maxUpdateBytes);
    editor->setLanguage(file->info().language);
    editor->setReadOnly(true);
    editor->installEventFilter(this);
    connect(file, &CodeSessionFile::loaded, view, [this, view, file] { loadView(view, file); });
    connect(file, &CodeSessionFile::reloaded, view, [this, view, file] { loadView(view, file); });
    connect(file, &CodeSessionFile::remoteUpdate, editor, [editor](const QByteArray &update) { editor->applyRemote(update); });
    connect(file, &CodeSessionFile::syncStateChanged, this, [this, id] {
        if (id == m_currentFile)
            updateSyncLabel();
    });
    connect(file, &CodeSessionFile::infoChanged, editor, [editor, file] { editor->setLanguage(file->info().language); });
    connect(editor, &CollabEditor::localUpdate, file, &CodeSessionFile::applyLocalUpdate);
    connect(editor, &CollabEditor::editRefused, this, [this] {
        m_roleBanner->showMessage(MessageBanner::Kind::Warning,
                                  tr("You are a viewer here: your typing was not applied. A host can make you an editor."));
    });
    connect(editor, &CollabEditor::commentClicked, this, [this](const QString &commentId) {
        m_side->setCurrentWidget(m_comments);
        m_comments->selectThread(Client::CodeCommentId(commentId.toLongLong()));
    });
    auto cursorMoved = [this, id] {
        if (id == m_currentFile) {
            m_cursorTimer.start();
            updateCommentTarget();
        }
    };
    connect(editor, &QsciScintilla::cursorPositionChanged, this, cursorMoved);
    connect(editor, &QsciScintilla::selectionChanged, this, cursorMoved);
    connect(editor->verticalScrollBar(), &QScrollBar::valueChanged, this, [this, id] {
        if (id == m_currentFile)
            m_cursorTimer.start();
    });
    if (file->isLoaded())
        loadView(view, file);
    return view;
}

void CodePane::loadView(CodeView *view, CodeSessionFile *file)
{
    CollabEditor *editor = view->editor();
    editor->setDocument(file->replica());
    editor->setReadOnly(!m_session || !m_session->canEdit());
    const QString imported = m_pendingImports.take(file->id());
    if (!editor->isReadOnly()) {
        // The editor splits it into updates under the server's limit, as it does a paste.
        editor->append(imported);
        if (!imported.isEmpty())
            editor->setCursorPosition(0, 0);
    }
    showCursors(file->id());
    showComments(file->id());
    if (const auto topLine = m_pendingTopLines.find(file->id()); topLine != m_pendingTopLines.end()) {
        editor->setFirstVisibleLine(topLine.value());
        m_pendingTopLines.erase(topLine);
    }
    if (file->id() == m_currentFile) {
        updateSyncLabel();
        updateCommentTarget();
        m_cursorTimer.start(); // the others see where I am (and whom I lead) at once
    }
}

void CodePane::closeView(CodeFileId file)
{
    CodeView *view = m_views.take(file);
    if (!view)
        return;
    view->deleteLater();
    if (m_currentFile == file) {
        m_currentFile = CodeFileId();
        m_center->setCurrentWidget(m_centerState);
        if (!m_views.isEmpty())
            openFile(m_views.cbegin().key());
        updateCenter();
        updateSyncLabel();
        updateCommentTarget();
    }
}

void CodePane::showCursors(CodeFileId file)
{
    if (!m_session)
        return;
    for (const Client::CodeCursor &cursor : m_session->cursors(file))
        showCursor(file, cursor.user);
}

void CodePane::showCursor(CodeFileId file, UserId user)
{
    CodeView *view = m_views.value(file);
    CodeSessionFile *opened = m_session ? m_session->openedFile(file) : nullptr;
    if (!view || !opened || !opened->isLoaded() || user == m_client->me())
        return;
    for (const Client::CodeCursor &cursor : m_session->cursors(file)) {
        if (cursor.user == user) {
            view->editor()->setRemoteCursor(quint64(user.value()), cursor.name, participantColor(user, palette()),
                                            cursor.anchor, cursor.head);
            return;
        }
    }
}

void CodePane::showComments(CodeFileId file)
{
    CodeView *view = m_views.value(file);
    CodeSessionFile *opened = m_session ? m_session->openedFile(file) : nullptr;
    if (!view || !opened || !opened->isLoaded())
        return;
    CollabEditor *editor = view->editor();
    QSet<QString> wanted;
    for (const Client::CodeCommentInfo &comment : m_session->comments()->comments()) {
        if (comment.fileId != file || !comment.isThreadRoot() || comment.resolved)
            continue;
        const QString id = QString::number(comment.id.value());
        wanted.insert(id);
        editor->setComment(id, comment.start, comment.end);
    }
    for (const CodeComment &shown : editor->comments()) {
        if (!wanted.contains(shown.id))
            editor->removeComment(shown.id);
    }
}

void CodePane::sendLocalSelection()
{
    CodeView *view = currentView();
    CodeSessionFile *file = m_session ? m_session->openedFile(m_currentFile) : nullptr;
    if (!view || !file || !file->isLoaded())
        return;
    const auto [anchor, caret] = view->editor()->localSelectionPositions();
    file->setLocalSelection(anchor, caret, view->editor()->firstVisibleLine());
}

void CodePane::updateCommentTarget()
{
    CodeView *view = currentView();
    const Client::CodeFileInfo *info = m_session ? m_session->files()->file(m_currentFile) : nullptr;
    if (!view || !info) {
        m_comments->setTarget(CodeFileId(), QString(), 0, 0);
        return;
    }
    int lineFrom = 0;
    int indexFrom = 0;
    int lineTo = 0;
    int indexTo = 0;
    CollabEditor *editor = view->editor();
    if (editor->hasSelectedText()) {
        editor->getSelection(&lineFrom, &indexFrom, &lineTo, &indexTo);
        // A selection that ends at the start of a line does not comment on that line.
        if (lineTo > lineFrom && indexTo == 0)
            --lineTo;
    } else {
        editor->getCursorPosition(&lineFrom, &indexFrom);
        lineTo = lineFrom;
    }
    m_comments->setTarget(m_currentFile, info->path.mid(info->path.lastIndexOf(QLatin1Char('/')) + 1), lineFrom, lineTo);
}

void CodePane::addComment(CodeFileId file, int firstLine, int lastLine, const QString &text)
{
    CodeSessionFile *opened = m_session ? m_session->openedFile(file) : nullptr;
    if (!opened || !opened->isLoaded()) {
        Client::Reply reply;
        reply.local = true;
        reply.error = Protocol::ErrorCode::Unavailable;
        m_comments->finishComment(text, reply);
        return;
    }
    const auto [start, end] = lineRange(opened->text(), firstLine, lastLine);
    m_session->addComment(file, start, end, text, this,
                          [this, text](const Client::Reply &reply, const std::optional<Client::CodeCommentInfo> &comment) {
        m_comments->finishComment(text, reply);
        if (reply.ok && comment)
            m_comments->selectThread(comment->id);
    });
}

void CodePane::jumpToComment(CodeFileId file, Client::CodeCommentId thread)
{
    openFile(file);
    CodeView *view = m_views.value(file);
    CodeSessionFile *opened = m_session ? m_session->openedFile(file) : nullptr;
    const Client::CodeCommentInfo *comment = m_session ? m_session->comments()->comment(thread) : nullptr;
    if (!view || !opened || !opened->isLoaded() || !comment)
        return;
    const auto [first, last] = opened->lines(*comment);
    CollabEditor *editor = view->editor();
    editor->setCursorPosition(first, 0);
    editor->ensureLineVisible(last);
    editor->ensureLineVisible(first);
    editor->setFocus();
}

void CodePane::editAccessCode()
{
    if (!m_session)
        return;
    bool ok = false;
    const QString code = QInputDialog::getText(this, tr("Access code"),
                                               tr("Whoever has this code can join. Leave it empty to remove the code."),
                                               QLineEdit::Normal, m_session->info().accessCode, &ok).trimmed();
    if (!ok || !m_session)
        return;
    Client::CodeSessionChanges changes;
    changes.accessCode = code;
    m_session->update(changes);
}

void CodePane::showError(const CodeSession *session, const QString &text)
{
    if (session && session == m_session)
        m_error->showMessage(MessageBanner::Kind::Error, text);
}

} // namespace Cohort::Ui
