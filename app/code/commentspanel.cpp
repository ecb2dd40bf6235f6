// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "commentspanel.h"

#include "codecommentmodel.h"
#include "codefilemodel.h"
#include "codesession.h"
#include "emptystate.h"
#include "errortext.h"

#include <QCheckBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QStackedLayout>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace Cohort::Ui {

using Client::CodeCommentId;
using Client::CodeCommentInfo;

namespace {
constexpr int CommentIdRole = Qt::UserRole;
constexpr int MaxCommentLength = 4000;
constexpr int BoxHeight = 64;

QPlainTextEdit *textBox(QWidget *parent, const QString &name)
{
    auto *box = new QPlainTextEdit(parent);
    box->setObjectName(name);
    box->setTabChangesFocus(true);
    box->setFixedHeight(BoxHeight);
    return box;
}

QLabel *errorLabel(QWidget *parent, const QString &name)
{
    auto *label = new QLabel(parent);
    label->setObjectName(name);
    label->setWordWrap(true);
    label->setTextFormat(Qt::PlainText);
    label->hide();
    return label;
}
} // namespace

CommentsPanel::CommentsPanel(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("commentsPanel"));
    m_threads = new QTreeWidget(this);
    m_threads->setObjectName(QStringLiteral("commentThreads"));
    m_threads->setHeaderHidden(true);
    m_threads->setColumnCount(1);
    m_threads->setWordWrap(true);
    m_threads->setUniformRowHeights(false);
    m_threads->setFrameShape(QFrame::NoFrame);
    m_threads->setIndentation(14);
    m_threads->setRootIsDecorated(false);
    m_threads->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_threads->setTextElideMode(Qt::ElideNone);
    m_threads->viewport()->installEventFilter(this);
    m_empty = new EmptyState(QStringLiteral("chat"), this);
    m_empty->setObjectName(QStringLiteral("noCommentsState"));
    auto *pagesHost = new QWidget(this);
    m_pages = new QStackedLayout(pagesHost);
    m_pages->addWidget(m_threads);
    m_pages->addWidget(m_empty);

    m_showResolved = new QCheckBox(this);
    m_showResolved->setObjectName(QStringLiteral("showResolved"));
    m_replyText = textBox(this, QStringLiteral("replyText"));
    m_reply = new QPushButton(this);
    m_reply->setObjectName(QStringLiteral("replyButton"));
    m_resolve = new QPushButton(this);
    m_resolve->setObjectName(QStringLiteral("resolveButton"));
    m_targetLabel = new QLabel(this);
    m_targetLabel->setObjectName(QStringLiteral("commentTarget"));
    m_targetLabel->setWordWrap(true);
    m_targetLabel->setForegroundRole(QPalette::PlaceholderText);
    m_newText = textBox(this, QStringLiteral("newCommentText"));
    m_add = new QPushButton(this);
    m_add->setObjectName(QStringLiteral("addCommentButton"));
    m_replyError = errorLabel(this, QStringLiteral("replyError"));
    m_addError = errorLabel(this, QStringLiteral("commentError"));

    auto *replyRow = new QHBoxLayout;
    replyRow->addStretch();
    replyRow->addWidget(m_resolve);
    replyRow->addWidget(m_reply);
    auto *addRow = new QHBoxLayout;
    addRow->addStretch();
    addRow->addWidget(m_add);
    auto *column = new QVBoxLayout(this);
    column->setContentsMargins(8, 4, 8, 8);
    column->addWidget(m_showResolved);
    column->addWidget(pagesHost, 1);
    column->addWidget(m_replyText);
    column->addWidget(m_replyError);
    column->addLayout(replyRow);
    auto *rule = new QFrame(this);
    rule->setFrameShape(QFrame::HLine);
    rule->setFrameShadow(QFrame::Sunken);
    column->addWidget(rule);
    column->addWidget(m_targetLabel);
    column->addWidget(m_newText);
    column->addWidget(m_addError);
    column->addLayout(addRow);

    m_rebuild.setSingleShot(true);
    m_rebuild.setInterval(0);
    connect(&m_rebuild, &QTimer::timeout, this, &CommentsPanel::rebuild);
    connect(m_showResolved, &QCheckBox::toggled, this, &CommentsPanel::rebuild);
    connect(m_threads, &QTreeWidget::currentItemChanged, this, &CommentsPanel::updateButtons);
    connect(m_threads, &QTreeWidget::itemClicked, this, [this](QTreeWidgetItem *item) {
        if (!m_session || !item)
            return;
        const CodeCommentId id(item->data(0, CommentIdRole).toLongLong());
        const CodeCommentInfo *comment = m_session->comments()->comment(id);
        if (!comment)
            return;
        Q_EMIT jumpRequested(comment->fileId, comment->isThreadRoot() ? comment->id : comment->parentId);
    });
    connect(m_replyText, &QPlainTextEdit::textChanged, this, &CommentsPanel::updateButtons);
    connect(m_newText, &QPlainTextEdit::textChanged, this, &CommentsPanel::updateButtons);
    connect(m_reply, &QPushButton::clicked, this, &CommentsPanel::sendReply);
    connect(m_resolve, &QPushButton::clicked, this, [this] {
        const CodeCommentId thread = currentThread();
        const CodeCommentInfo *root = m_session ? m_session->comments()->comment(thread) : nullptr;
        if (root)
            m_session->resolve(thread, !root->resolved);
    });
    connect(m_add, &QPushButton::clicked, this, [this] {
        const QString text = m_newText->toPlainText().trimmed();
        if (!m_targetFile.isValid() || text.isEmpty() || m_adding)
            return;
        m_adding = true;
        updateButtons();
        Q_EMIT commentRequested(m_targetFile, m_firstLine, m_lastLine, text.left(MaxCommentLength));
    });
    retranslateUi();
    rebuild();
}

void CommentsPanel::retranslateUi()
{
    m_showResolved->setText(tr("Show resolved threads"));
    m_replyText->setPlaceholderText(tr("Reply to the selected thread"));
    m_reply->setText(tr("Reply"));
    m_newText->setPlaceholderText(tr("Write a comment…"));
    m_add->setText(tr("Comment"));
    m_empty->setTitle(tr("No comments yet"));
    m_empty->setText(tr("Select lines in the editor and write a comment below. Everyone sees it in the "
                        "margin, and it stays with those lines as the code changes."));
    setTarget(m_targetFile, m_targetName, m_firstLine, m_lastLine);
    updateButtons();
}

void CommentsPanel::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
    if (event->type() == QEvent::LanguageChange || event->type() == QEvent::PaletteChange) {
        m_shown.clear(); // the headers are translated, resolved threads drawn in the palette's grey
        m_rebuild.start();
    }
    QWidget::changeEvent(event);
}

void CommentsPanel::setSession(Client::CodeSession *session)
{
    if (m_session)
        disconnect(m_session, nullptr, this, nullptr);
    m_session = session;
    // A request of the previous session may never answer (its object went with it).
    m_adding = false;
    m_replying = false;
    m_addError->hide();
    m_replyError->hide();
    if (session) {
        auto schedule = [this] { m_rebuild.start(); };
        QAbstractItemModel *model = session->comments();
        connect(model, &QAbstractItemModel::modelReset, this, schedule);
        connect(model, &QAbstractItemModel::rowsInserted, this, schedule);
        connect(model, &QAbstractItemModel::rowsRemoved, this, schedule);
        connect(model, &QAbstractItemModel::rowsMoved, this, schedule);
        connect(model, &QAbstractItemModel::dataChanged, this, schedule);
        connect(session, &Client::CodeSession::commentsChanged, this, schedule);
        connect(session->files(), &QAbstractItemModel::modelReset, this, schedule);
        // Archiving makes every comment a write the server refuses.
        connect(session, &Client::CodeSession::infoChanged, this, &CommentsPanel::updateButtons);
    }
    rebuild();
}

void CommentsPanel::setTarget(Client::CodeFileId file, const QString &fileName, int firstLine, int lastLine)
{
    m_targetFile = file;
    m_targetName = fileName;
    m_firstLine = firstLine;
    m_lastLine = lastLine;
    if (!file.isValid())
        m_targetLabel->setText(tr("Open a file to comment on its lines."));
    else if (firstLine == lastLine)
        m_targetLabel->setText(tr("New comment on %1, line %2").arg(fileName).arg(firstLine + 1));
    else
        m_targetLabel->setText(tr("New comment on %1, lines %2–%3").arg(fileName).arg(firstLine + 1).arg(lastLine + 1));
    updateButtons();
}

QString CommentsPanel::place(const CodeCommentInfo &comment, int firstLine, int lastLine) const
{
    const Client::CodeFileInfo *file = m_session->files()->file(comment.fileId);
    const QString name = file ? file->path : tr("deleted file");
    if (firstLine < 0)
        return name;
    if (firstLine == lastLine)
        return tr("%1:%2").arg(name).arg(firstLine + 1);
    return tr("%1:%2–%3").arg(name).arg(firstLine + 1).arg(lastLine + 1);
}

void CommentsPanel::rebuild()
{
    // What the list shows, thread by thread. Every edit of a commented file changes the model
    // (its comments' lines may move): the items are made again only when a text changed, so
    // the list does not jump while someone reads it and others type.
    struct Item
    {
        CodeCommentInfo comment;
        QString text;
    };
    QList<Item> items;
    QStringList shown;
    if (m_session) {
        Client::CodeCommentModel *model = m_session->comments();
        bool threadShown = false;
        for (const CodeCommentInfo &comment : model->comments()) {
            QString text;
            if (comment.isThreadRoot()) {
                threadShown = !comment.resolved || m_showResolved->isChecked();
                if (!threadShown)
                    continue;
                const auto lines = model->lines(comment);
                QString header = tr("%1 · %2").arg(place(comment, lines ? lines->first : -1, lines ? lines->second : -1),
                                                   comment.author.displayName);
                if (comment.resolved)
                    header = tr("%1 · resolved").arg(header);
                text = header + QLatin1Char('\n') + comment.text;
            } else if (threadShown) {
                text = tr("%1: %2").arg(comment.author.displayName, comment.text);
            } else {
                continue;
            }
            items.append({comment, text});
            shown.append(QString::number(comment.id.value()) + QLatin1Char(' ') + text);
        }
    }
    if (shown == m_shown && !shown.isEmpty())
        return;
    m_shown = shown;

    const CodeCommentId selected = currentThread();
    const int scroll = m_threads->verticalScrollBar()->value();
    m_threads->clear();
    int threads = 0;
    QTreeWidgetItem *root = nullptr;
    for (const Item &entry : std::as_const(items)) {
        const CodeCommentInfo &comment = entry.comment;
        auto *item = comment.isThreadRoot() ? new QTreeWidgetItem(m_threads, {entry.text})
                                            : new QTreeWidgetItem(root, {entry.text});
        item->setData(0, CommentIdRole, comment.id.value());
        item->setToolTip(0, comment.text);
        if (comment.isThreadRoot()) {
            root = item;
            if (comment.resolved)
                item->setForeground(0, palette().brush(QPalette::PlaceholderText));
            item->setExpanded(true);
            ++threads;
        }
    }
    m_pages->setCurrentWidget(threads > 0 ? static_cast<QWidget *>(m_threads) : m_empty);
    updateItemHeights();
    if (QTreeWidgetItem *item = selected.isValid() ? itemFor(selected) : nullptr)
        m_threads->setCurrentItem(item);
    m_threads->doItemsLayout();
    m_threads->verticalScrollBar()->setValue(scroll);
    updateButtons();
}

void CommentsPanel::updateItemHeights()
{
    // QTreeView does not measure wrapped text against the column width by itself.
    const QFontMetrics metrics(m_threads->font());
    const int width = m_threads->viewport()->width();
    for (QTreeWidgetItemIterator it(m_threads); *it; ++it) {
        int depth = 0;
        for (QTreeWidgetItem *parent = (*it)->parent(); parent; parent = parent->parent())
            ++depth;
        const int textWidth = std::max(40, width - (depth + 1) * m_threads->indentation() - 8);
        const QRect bounds = metrics.boundingRect(QRect(0, 0, textWidth, 100000), Qt::TextWordWrap, (*it)->text(0));
        (*it)->setSizeHint(0, QSize(textWidth, bounds.height() + 8));
    }
}

bool CommentsPanel::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_threads->viewport() && event->type() == QEvent::Resize)
        updateItemHeights();
    return QWidget::eventFilter(watched, event);
}

QTreeWidgetItem *CommentsPanel::itemFor(CodeCommentId comment) const
{
    for (QTreeWidgetItemIterator it(m_threads); *it; ++it) {
        if ((*it)->data(0, CommentIdRole).toLongLong() == comment.value())
            return *it;
    }
    return nullptr;
}

void CommentsPanel::selectThread(CodeCommentId thread)
{
    if (QTreeWidgetItem *item = itemFor(thread)) {
        m_threads->setCurrentItem(item);
        m_threads->scrollToItem(item);
    }
}

CodeCommentId CommentsPanel::currentThread() const
{
    QTreeWidgetItem *item = m_threads->currentItem();
    if (!item)
        return {};
    if (item->parent())
        item = item->parent();
    return CodeCommentId(item->data(0, CommentIdRole).toLongLong());
}

void CommentsPanel::startComment()
{
    m_newText->setFocus();
}

void CommentsPanel::sendReply()
{
    const CodeCommentId thread = currentThread();
    const QString text = m_replyText->toPlainText().trimmed().left(MaxCommentLength);
    if (!m_session || !thread.isValid() || text.isEmpty() || m_replying)
        return;
    m_replying = true;
    updateButtons();
    m_session->reply(thread, text, this, [this, text](const Client::Reply &reply, const std::optional<CodeCommentInfo> &) {
        m_replying = false;
        finish(m_replyText, m_replyError, text, reply);
        updateButtons();
    });
}

void CommentsPanel::finishComment(const QString &text, const Client::Reply &reply)
{
    m_adding = false;
    finish(m_newText, m_addError, text, reply);
    updateButtons();
}

void CommentsPanel::finish(QPlainTextEdit *box, QLabel *error, const QString &text, const Client::Reply &reply)
{
    if (reply.ok) {
        error->hide();
        // What was typed while the request was on its way stays.
        if (box->toPlainText().trimmed().left(MaxCommentLength) == text)
            box->clear();
        return;
    }
    error->setText(reply.local ? tr("Not sent: you are offline. Your text is kept; try again when connected.")
                               : tr("Not sent: %1 Your text is kept.").arg(ErrorText::forRequest(reply.error, reply.retryAfterMs)));
    error->show();
}

void CommentsPanel::updateButtons()
{
    const CodeCommentId thread = currentThread();
    const CodeCommentInfo *root = (m_session && thread.isValid()) ? m_session->comments()->comment(thread) : nullptr;
    // An archived session is read, not written: its threads stay listed, nothing is offered.
    const bool writable = m_session && !m_session->isArchived();
    m_reply->setEnabled(writable && root && !m_replying && !m_replyText->toPlainText().trimmed().isEmpty());
    m_replyText->setEnabled(writable && root != nullptr);
    m_resolve->setEnabled(writable && root != nullptr);
    m_resolve->setText(root && root->resolved ? tr("Reopen") : tr("Resolve"));
    m_newText->setEnabled(writable && m_targetFile.isValid());
    m_add->setEnabled(writable && m_targetFile.isValid() && !m_adding && !m_newText->toPlainText().trimmed().isEmpty());
}

} // namespace Cohort::Ui
