// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "messageview.h"

#include "messagedelegate.h"
#include "messagemodel.h"

#include <QContextMenuEvent>
#include <QDesktopServices>
#include <QScrollBar>
#include <QTimer>
#include <QUrl>

namespace Cohort::Ui {

using Client::MessageModel;

namespace {
// Ask for older history while the user is still this far above the oldest loaded message.
constexpr int PrefetchPixels = 400;
} // namespace

MessageView::MessageView(QWidget *parent)
    : QListView(parent)
    , m_delegate(new MessageDelegate(this))
{
    setItemDelegate(m_delegate);
    connect(m_delegate, &MessageDelegate::repaintWanted, viewport(), qOverload<>(&QWidget::update));
    setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setResizeMode(QListView::Adjust);
    setSelectionMode(QAbstractItemView::SingleSelection);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setFrameShape(QFrame::NoFrame);
    setMouseTracking(true);
    setUniformItemSizes(false);
    verticalScrollBar()->setSingleStep(24);
    connect(verticalScrollBar(), &QScrollBar::valueChanged, this, &MessageView::onScrolled);
    connect(verticalScrollBar(), &QScrollBar::rangeChanged, this, [this] {
        if (m_stickToBottom && !m_positioning)
            scrollToBottom();
    });
}

void MessageView::setMessageModel(MessageModel *model)
{
    if (m_model)
        disconnect(m_model, nullptr, this, nullptr);
    m_model = model;
    m_delegate->clearCache();
    setModel(model);
    m_stickToBottom = true;
    m_unreadShown = model && model->rowCount() > 0; // already shown when the room was open before
    if (!model)
        return;
    connect(model, &MessageModel::messageChanged, this, [this](qint64 seq) {
        m_delegate->invalidate(m_model, seq);
        scheduleDelayedItemsLayout();
    });
    connect(model, &QAbstractItemModel::rowsAboutToBeInserted, this, [this](const QModelIndex &, int first) {
        m_anchorSeq = -1;
        if (first != 0 || m_model->rowCount() == 0)
            return;
        // Remember which message is at the top of the viewport and where its bottom edge is, to
        // keep it there: its top may change (it loses its day separator to the older page).
        const QModelIndex top = indexAt(QPoint(4, 4));
        if (top.isValid()) {
            m_anchorSeq = top.data(MessageModel::SeqRole).toLongLong();
            m_anchorOffset = visualRect(top).bottom();
        }
    });
    connect(model, &MessageModel::pagePrepended, this, [this](int count) {
        if (count == 0 || m_anchorSeq < 0) {
            checkBottom();
            return;
        }
        executeDelayedItemsLayout();
        const int row = m_model->rowOfSeq(m_anchorSeq);
        m_anchorSeq = -1;
        if (row < 0)
            return;
        const QRect rect = visualRect(m_model->index(row));
        verticalScrollBar()->setValue(verticalScrollBar()->value() + rect.bottom() - m_anchorOffset);
    });
    connect(model, &QAbstractItemModel::rowsInserted, this, [this](const QModelIndex &, int first) {
        if (first > 0 && m_stickToBottom)
            scheduleScrollToNewest();
    });
    connect(model, &QAbstractItemModel::modelReset, this, [this] {
        m_delegate->clearCache();
        if (m_pendingShow > 0) {
            const qint64 seq = m_pendingShow;
            m_pendingShow = 0;
            QTimer::singleShot(0, this, [this, seq] { showMessage(seq); });
            return;
        }
        const int unread = m_model->unreadLineRow();
        if (unread >= 0 && !m_unreadShown) {
            // Opening a room with unread messages starts at the "new messages" line, not below
            // what the user has not read yet.
            m_unreadShown = true;
            m_stickToBottom = false;
            m_positioning = true;
            QTimer::singleShot(0, this, [this] {
                m_positioning = false;
                const int row = m_model ? m_model->unreadLineRow() : -1;
                if (row < 0)
                    return;
                executeDelayedItemsLayout();
                scrollTo(m_model->index(row), QAbstractItemView::PositionAtTop);
                m_stickToBottom = isAtBottom();
                checkBottom();
            });
            return;
        }
        m_stickToBottom = true;
        scheduleScrollToNewest();
    });
    scheduleScrollToNewest();
}

void MessageView::scheduleScrollToNewest()
{
    QTimer::singleShot(0, this, [this] {
        // Not when the user scrolled away meanwhile, or the view is moving to the unread line.
        if (m_stickToBottom && !m_positioning)
            scrollToNewest();
    });
}

bool MessageView::isAtBottom() const
{
    const QScrollBar *bar = verticalScrollBar();
    return bar->value() >= bar->maximum() - 4;
}

void MessageView::scrollToNewest()
{
    executeDelayedItemsLayout();
    scrollToBottom();
    m_stickToBottom = true;
    checkBottom();
}

void MessageView::showMessage(qint64 seq)
{
    if (!m_model)
        return;
    const int row = m_model->rowOfSeq(seq);
    if (row < 0) {
        m_pendingShow = seq; // shown after the model is reset to the messages around it
        return;
    }
    executeDelayedItemsLayout();
    m_stickToBottom = false;
    const QModelIndex index = m_model->index(row);
    setCurrentIndex(index);
    scrollTo(index, QAbstractItemView::PositionAtCenter);
}

void MessageView::onScrolled(int value)
{
    if (!m_positioning)
        m_stickToBottom = isAtBottom();
    if (m_model && value < PrefetchPixels && m_model->hasMoreBefore() && !m_model->isLoadingHistory())
        Q_EMIT olderHistoryWanted();
    checkBottom();
}

void MessageView::checkBottom()
{
    if (m_positioning)
        return;
    if (m_model && m_model->rowCount() > 0 && isAtBottom())
        Q_EMIT reachedBottom();
}

void MessageView::resizeEvent(QResizeEvent *event)
{
    const bool atBottom = m_stickToBottom;
    m_delegate->setRowWidth(viewport()->width());
    QListView::resizeEvent(event);
    // Heights depend on the width; QListView's own relayout after a resize waits 100 ms.
    scheduleDelayedItemsLayout();
    if (atBottom)
        scheduleScrollToNewest();
}

void MessageView::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::FontChange
        || event->type() == QEvent::LanguageChange) {
        m_delegate->clearCache();
        scheduleDelayedItemsLayout();
    }
    QListView::changeEvent(event);
}

void MessageView::mouseMoveEvent(QMouseEvent *event)
{
    QListView::mouseMoveEvent(event);
    const QModelIndex index = indexAt(event->position().toPoint());
    QStyleOptionViewItem option;
    initViewItemOption(&option);
    option.rect = visualRect(index);
    const MessageDelegate::Hit hit = index.isValid()
        ? m_delegate->hitTest(option, index, event->position().toPoint()).hit
        : MessageDelegate::Hit::None;
    const bool clickable = hit == MessageDelegate::Hit::Link || hit == MessageDelegate::Hit::Reaction
        || hit == MessageDelegate::Hit::Thread || hit == MessageDelegate::Hit::Retry
        || hit == MessageDelegate::Hit::Attachment || hit == MessageDelegate::Hit::AttachmentSave;
    viewport()->setCursor(clickable ? Qt::PointingHandCursor : Qt::ArrowCursor);
}

void MessageView::mouseReleaseEvent(QMouseEvent *event)
{
    QListView::mouseReleaseEvent(event);
    if (event->button() != Qt::LeftButton)
        return;
    const QModelIndex index = indexAt(event->position().toPoint());
    if (!index.isValid())
        return;
    QStyleOptionViewItem option;
    initViewItemOption(&option);
    option.rect = visualRect(index);
    const MessageDelegate::HitResult hit = m_delegate->hitTest(option, index, event->position().toPoint());
    const qint64 seq = index.data(MessageModel::SeqRole).toLongLong();
    switch (hit.hit) {
    case MessageDelegate::Hit::Reaction:
        Q_EMIT reactionClicked(seq, hit.emoji);
        break;
    case MessageDelegate::Hit::Thread:
        Q_EMIT threadClicked(seq);
        break;
    case MessageDelegate::Hit::Retry:
        Q_EMIT retryClicked(index.data(MessageModel::ClientIdRole).toString());
        break;
    case MessageDelegate::Hit::Link:
        QDesktopServices::openUrl(QUrl(hit.href));
        break;
    case MessageDelegate::Hit::Attachment:
    case MessageDelegate::Hit::AttachmentSave:
        Q_EMIT attachmentClicked(seq, hit.attachment, hit.hit == MessageDelegate::Hit::AttachmentSave);
        break;
    case MessageDelegate::Hit::Bubble:
    case MessageDelegate::Hit::None:
        break;
    }
}

void MessageView::contextMenuEvent(QContextMenuEvent *event)
{
    const QModelIndex index = indexAt(event->pos());
    if (!index.isValid() || index.data(MessageModel::SystemRole).toBool())
        return;
    setCurrentIndex(index);
    Q_EMIT contextMenuWanted(index, event->globalPos());
}

} // namespace Cohort::Ui
