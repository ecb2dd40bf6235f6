// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "codehighlighter.h"
#include "markdownrenderer.h"

#include <QHash>
#include <QStyledItemDelegate>

#include <memory>

class QTextDocument;

namespace Cohort::Client {
class MessageModel;
struct ChatMessage;
}

namespace Cohort::Ui {

/// Paints one message of a MessageModel as a chat bubble: own messages on the right, bubbles at
/// most 70% of the width, a sender header only where a group starts, day separators, the
/// "new messages" line, centred system messages, reactions, the thread summary and the sending
/// state. Rendered documents are cached per message, and rows not painted yet get a size
/// estimated from their text, so a room with 100,000 messages lays out without rendering them.
class MessageDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    /// What is under a point of a row, for clicks and the context menu.
    enum class Hit { None, Bubble, Reaction, Thread, Retry, Link };
    struct HitResult
    {
        Hit hit = Hit::None;
        QString emoji; // Reaction
        QString href;  // Link
    };

    explicit MessageDelegate(QObject *parent = nullptr);
    ~MessageDelegate() override;

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

    HitResult hitTest(const QStyleOptionViewItem &option, const QModelIndex &index, const QPoint &pos) const;
    /// Usernames highlighted as mentions (the room's members).
    void setMentionNames(const QStringList &names);
    /// Drops every cached rendering (palette, font or language changed).
    void clearCache();
    /// Drops the cached rendering of one message (it was edited, deleted or reacted to).
    void invalidate(const Client::MessageModel *model, qint64 seq);
    /// The rendered document of a row, for tests and copy; rendered on demand.
    QTextDocument *document(const QModelIndex &index) const;
    /// The width rows are laid out for: the view's viewport (QListView asks for size hints with
    /// option rects of varying width).
    void setRowWidth(int width);
    /// Whether the row at `index` shows the thread summary (a main-timeline delegate does).
    void setShowThreadSummary(bool show) { m_showThreadSummary = show; }

private:
    struct Layout;
    struct Entry
    {
        std::shared_ptr<QTextDocument> document;
        QString text;       // what the document was rendered from
        int textWidth = -1; // the width it was laid out for
        int height = -1;    // the row's real height at `rowWidth`, -1 until painted once
        int rowWidth = -1;
    };

    Layout layout(const QStyleOptionViewItem &option, const QModelIndex &index) const;
    Entry &entry(const QModelIndex &index) const;
    QTextDocument *renderedDocument(const QModelIndex &index, int maxWidth) const;
    int estimateHeight(const QStyleOptionViewItem &option, const QModelIndex &index) const;
    MarkdownStyle style(const QPalette &palette, const QFont &font) const;

    QStringList m_mentionNames;
    bool m_showThreadSummary = true;
    int m_rowWidth = 0;
    mutable CodeHighlighter m_highlighter;
    mutable QHash<QString, Entry> m_cache; // key: "seq:<n>" or "pending:<clientId>"
    mutable int m_documentCount = 0;       // entries holding a document
};

} // namespace Cohort::Ui
