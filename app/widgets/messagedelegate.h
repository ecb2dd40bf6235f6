// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "codehighlighter.h"
#include "markdownrenderer.h"
#include "model.h"

#include <QHash>
#include <QImage>
#include <QPersistentModelIndex>
#include <QPointer>
#include <QSet>
#include <QStyledItemDelegate>

#include <memory>
#include <unordered_map>

class QTextDocument;

namespace Cohort::Client {
class ChatClient;
class MessageModel;
struct ChatMessage;
}

namespace Cohort::Ui {

/// Paints one message of a MessageModel as a chat bubble: own messages on the right, bubbles at
/// most 70% of the width, a sender header only where a group starts, day separators, the
/// "new messages" line, centred system messages, reactions, the thread summary and the sending
/// state, and attachments: a card per file (type, name, size, progress, a save button) and an
/// inline preview for images, decoded off the GUI thread once the row is painted. Rendered
/// documents are cached per message, and rows not painted yet get a size estimated from their
/// text, so a room with 100,000 messages lays out without rendering them.
class MessageDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    /// What is under a point of a row, for clicks and the context menu.
    enum class Hit { None, Bubble, Reaction, Thread, Retry, Link, Attachment, AttachmentSave };
    struct HitResult
    {
        Hit hit = Hit::None;
        QString emoji;       // Reaction
        QString href;        // Link
        int attachment = -1; // Attachment, AttachmentSave: the index in the message's files
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
    /// How many rendered documents the cache holds (bounded, whatever the number of rows).
    int cachedDocumentCount() const { return m_documentCount; }
    /// Whether the row at `index` shows the thread summary (a main-timeline delegate does).
    void setShowThreadSummary(bool show) { m_showThreadSummary = show; }
    /// Where the attachments of messages, uploads and downloads come from; without it messages
    /// show no files.
    void setChatClient(Client::ChatClient *client);
    /// Whether an image attachment has a decoded preview (for tests and screenshots).
    bool hasPreview(const QString &attachmentId) const { return m_thumbnails.contains(attachmentId); }

Q_SIGNALS:
    /// Progress or a preview changed something painted: the view repaints.
    void repaintWanted();

private:
    struct Layout;
    /// One file of a message as painted: stored, or still uploading with a pending message.
    struct FileItem
    {
        AttachmentInfo info;
        qint64 done = -1;    // bytes moved while uploading or downloading; -1: not moving
        bool failed = false; // the upload failed
        bool preview = false; // an image shown inline
    };
    QList<FileItem> fileItems(const QModelIndex &index) const;
    /// Asks for the preview of an image attachment: download, then decode on a worker thread.
    void requestPreview(const QModelIndex &index, const AttachmentInfo &info) const;
    void decodePreview(const QString &id, const QString &path) const;
    void onPreviewDecoded(const QString &id, const QImage &image);
    void relayoutRowsOf(const QString &id);
    struct Entry
    {
        std::shared_ptr<QTextDocument> document;
        QString text;       // what the document was rendered from
        int textWidth = -1; // the width it was laid out for
        int height = -1;    // the row's height at `rowWidth`; -1 unknown
        int rowWidth = -1;
        bool exact = false; // height measured from the rendered document, not estimated
    };

    Layout layout(const QStyleOptionViewItem &option, const QModelIndex &index) const;
    Entry &entry(const QModelIndex &index) const;
    QTextDocument *renderedDocument(const QModelIndex &index, int maxWidth) const;
    int estimateHeight(const QStyleOptionViewItem &option, const QModelIndex &index) const;
    int rowWidth(const QStyleOptionViewItem &option) const;
    struct Metrics
    {
        QFont font;
        int height = 0;
        int lineSpacing = 0;
        int averageCharWidth = 1;
        int smallHeight = 0;
    };
    /// Font measurements for `font`, kept between calls: estimating 100,000 rows must not
    /// build font metrics 200,000 times.
    const Metrics &metrics(const QFont &font) const;
    MarkdownStyle style(const QPalette &palette, const QFont &font) const;

    QStringList m_mentionNames;
    bool m_showThreadSummary = true;
    int m_rowWidth = 0;
    mutable Metrics m_metrics;
    mutable CodeHighlighter m_highlighter;
    // Key: the seq, or a negative hash of a pending clientId. std::unordered_map hashes the
    // consecutive seqs without collisions; QHash's probing was the hot spot of a 100k layout.
    mutable std::unordered_map<qint64, Entry> m_cache;
    mutable int m_documentCount = 0;       // entries holding a document
    QPointer<Client::ChatClient> m_client;
    QHash<QString, QImage> m_thumbnails;   // by attachment id, bounded
    mutable QSet<QString> m_previewsWanted; // requested, not decoded yet
    QSet<QString> m_broken;                 // not an image after all: shown as a card
    QHash<QString, qint64> m_downloaded;    // downloads running: bytes so far
    mutable QHash<QString, QList<QPersistentModelIndex>> m_previewRows; // rows to lay out again
};

} // namespace Cohort::Ui
