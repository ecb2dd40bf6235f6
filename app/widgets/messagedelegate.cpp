// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "messagedelegate.h"

#include "chatclient.h"
#include "messagemodel.h"
#include "participantcolors.h"

#include <QAbstractTextDocumentLayout>
#include <QApplication>
#include <QDateTime>
#include <QFileInfo>
#include <QFontDatabase>
#include <QImageReader>
#include <QLocale>
#include <QPainter>
#include <QPainterPath>
#include <QTextCursor>
#include <QTextDocument>
#include <QThreadPool>
#include <QTimer>

namespace Cohort::Ui {

using Client::ChatMessage;
using Client::MessageModel;

namespace {
constexpr int SideMargin = 16;
constexpr int AvatarSize = 32;
constexpr int AvatarGap = 8;
constexpr int PadH = 10;
constexpr int PadV = 6;
constexpr int GroupGap = 10;
constexpr int GroupedGap = 2;
constexpr int DayHeight = 32;
constexpr int UnreadHeight = 24;
constexpr int ReactionHeight = 24;
constexpr int ThreadHeight = 22;
constexpr qreal MaxBubbleShare = 0.7;
// Below this many rows every size is exact; above it, rows not painted yet are estimated so
// opening a huge room does not render every message.
constexpr int ExactLayoutRows = 400;
constexpr int MaxCachedDocuments = 3000;
constexpr int CardWidth = 300;
constexpr int CardHeight = 48;
constexpr int FileGap = 6;
constexpr int PreviewWidth = 320;
constexpr int PreviewHeight = 200;
constexpr int PlaceholderHeight = 160;
constexpr qint64 MaxPreviewBytes = 20 * 1024 * 1024;
constexpr int MaxThumbnails = 100;

QColor mix(const QColor &a, const QColor &b, qreal t)
{
    return QColor::fromRgbF(float(a.redF() * (1 - t) + b.redF() * t), float(a.greenF() * (1 - t) + b.greenF() * t),
                            float(a.blueF() * (1 - t) + b.blueF() * t));
}

bool isDark(const QPalette &palette)
{
    return palette.color(QPalette::Window).lightness() < 128;
}

QFont smallFont(const QFont &font)
{
    QFont small = font;
    small.setPointSizeF(font.pointSizeF() > 0 ? font.pointSizeF() * 0.85 : 9);
    return small;
}

QColor avatarColor(qint64 userId)
{
    static const QColor colors[] = {QColor(0x3b82f6), QColor(0x10b981), QColor(0xf59e0b), QColor(0xef4444),
                                    QColor(0x8b5cf6), QColor(0x14b8a6), QColor(0xec4899), QColor(0x6366f1)};
    return colors[quint64(userId) % (sizeof(colors) / sizeof(colors[0]))];
}

QString dayText(qint64 timestamp)
{
    const QDate date = QDateTime::fromMSecsSinceEpoch(timestamp).date();
    const QDate today = QDate::currentDate();
    if (date == today)
        return MessageDelegate::tr("Today");
    if (date == today.addDays(-1))
        return MessageDelegate::tr("Yesterday");
    return QLocale().toString(date, QLocale::LongFormat);
}

QString systemText(const ChatMessage &m)
{
    const QString who = m.systemUser.displayName.isEmpty() ? m.systemUser.username : m.systemUser.displayName;
    if (m.systemEvent == QLatin1String("member.joined"))
        return MessageDelegate::tr("%1 joined the room").arg(who);
    if (m.systemEvent == QLatin1String("member.left"))
        return MessageDelegate::tr("%1 left the room").arg(who);
    if (m.systemArchived)
        return MessageDelegate::tr("The room was archived");
    if (!m.systemTopic.isEmpty())
        return MessageDelegate::tr("The room is now “%1”: %2").arg(m.systemName, m.systemTopic);
    return MessageDelegate::tr("The room is now “%1”").arg(m.systemName);
}

QString timeText(qint64 timestamp)
{
    // The locale's short format, without seconds (some locales' short format has them).
    QString format = QLocale().timeFormat(QLocale::ShortFormat);
    format.remove(QStringLiteral(":ss")).remove(QStringLiteral(".ss"));
    return QLocale().toString(QDateTime::fromMSecsSinceEpoch(timestamp).time(), format);
}

QString metaText(const ChatMessage &m)
{
    const QString time = timeText(m.timestamp);
    if (m.state == ChatMessage::State::Pending)
        return MessageDelegate::tr("Sending…");
    if (m.state == ChatMessage::State::Failed)
        return MessageDelegate::tr("Not sent · Retry");
    if (m.edited && !m.deleted)
        return MessageDelegate::tr("edited · %1").arg(time);
    return time;
}

QString threadText(const ChatMessage &m, int newReplies)
{
    QString text = MessageDelegate::tr("%n reply(s)", nullptr, m.replyCount);
    if (newReplies > 0)
        text = MessageDelegate::tr("%1 · %n new", nullptr, newReplies).arg(text);
    if (m.lastReplyTs > 0)
        text = MessageDelegate::tr("%1 · last %2").arg(text, timeText(m.lastReplyTs));
    return text;
}

const MessageModel *messageModel(const QModelIndex &index)
{
    return qobject_cast<const MessageModel *>(index.model());
}

qint64 cacheKey(const ChatMessage &m)
{
    return m.seq > 0 ? m.seq : -qint64(qHash(m.clientId) & 0x7fffffff) - 1;
}

/// The short label and colour of a file's type badge, from its name (the MIME type is only the
/// uploader's claim, and the name is what the user recognises).
std::pair<QString, QColor> fileBadge(const QString &name)
{
    const QString suffix = QFileInfo(name).suffix().toLower();
    static const QStringList images{QStringLiteral("png"), QStringLiteral("jpg"), QStringLiteral("jpeg"), QStringLiteral("gif"),
                                    QStringLiteral("webp"), QStringLiteral("svg"), QStringLiteral("bmp")};
    static const QStringList archives{QStringLiteral("zip"), QStringLiteral("gz"), QStringLiteral("tar"), QStringLiteral("7z"),
                                      QStringLiteral("rar"), QStringLiteral("xz")};
    static const QStringList documents{QStringLiteral("doc"), QStringLiteral("docx"), QStringLiteral("odt"), QStringLiteral("txt"),
                                       QStringLiteral("md"), QStringLiteral("rtf")};
    static const QStringList sheets{QStringLiteral("xls"), QStringLiteral("xlsx"), QStringLiteral("ods"), QStringLiteral("csv")};
    static const QStringList slides{QStringLiteral("ppt"), QStringLiteral("pptx"), QStringLiteral("odp"), QStringLiteral("key")};
    static const QStringList code{QStringLiteral("py"), QStringLiteral("cpp"), QStringLiteral("h"), QStringLiteral("c"),
                                  QStringLiteral("js"), QStringLiteral("ts"), QStringLiteral("java"), QStringLiteral("rs"),
                                  QStringLiteral("go"), QStringLiteral("html"), QStringLiteral("css"), QStringLiteral("json")};
    QColor color(0x6b7280);
    if (suffix == QLatin1String("pdf"))
        color = QColor(0xdc2626);
    else if (images.contains(suffix))
        color = QColor(0x16a34a);
    else if (archives.contains(suffix))
        color = QColor(0xd97706);
    else if (documents.contains(suffix))
        color = QColor(0x2563eb);
    else if (sheets.contains(suffix))
        color = QColor(0x0d9488);
    else if (slides.contains(suffix))
        color = QColor(0xea580c);
    else if (code.contains(suffix))
        color = QColor(0x7c3aed);
    const QString label = suffix.isEmpty() || suffix.size() > 4 ? MessageDelegate::tr("FILE") : suffix.toUpper();
    return {label, color};
}

QString fileStatus(qint64 size, qint64 done, bool failed, bool uploading)
{
    const QString total = QLocale().formattedDataSize(size);
    if (failed)
        return MessageDelegate::tr("%1 · upload failed").arg(total);
    if (done < 0)
        return total;
    const int percent = size > 0 ? int(done * 100 / size) : 0;
    return uploading ? MessageDelegate::tr("%1 · uploading %2%").arg(total).arg(percent)
                     : MessageDelegate::tr("%1 · downloading %2%").arg(total).arg(percent);
}

void paintSaveGlyph(QPainter *painter, const QRect &rect, const QColor &color)
{
    // An arrow into a tray: "save to this computer".
    const QPointF c = QRectF(rect).center();
    QPainterPath path;
    path.moveTo(c.x(), c.y() - 7);
    path.lineTo(c.x(), c.y() + 3);
    path.moveTo(c.x() - 4, c.y() - 1);
    path.lineTo(c.x(), c.y() + 3);
    path.lineTo(c.x() + 4, c.y() - 1);
    path.moveTo(c.x() - 7, c.y() + 3);
    path.lineTo(c.x() - 7, c.y() + 7);
    path.lineTo(c.x() + 7, c.y() + 7);
    path.lineTo(c.x() + 7, c.y() + 3);
    painter->setPen(QPen(color, 1.6, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    painter->setBrush(Qt::NoBrush);
    painter->drawPath(path);
}
} // namespace

struct MessageDelegate::Layout
{
    QRect day;
    QRect unread;
    QRect header;
    QRect avatar;
    QRect bubble;
    QRect text;
    QRect meta;
    QRect system;
    QRect thread;
    QList<std::pair<QRect, QString>> reactions;
    QList<FileItem> files;
    QList<QRect> fileRects;
    QList<QRect> saveRects; // empty rect: no save button (a file still uploading)
    QTextDocument *document = nullptr;
    int height = 0;
};

MessageDelegate::MessageDelegate(QObject *parent)
    : QStyledItemDelegate(parent)
{
}

MessageDelegate::~MessageDelegate() = default;

void MessageDelegate::setMentionNames(const QStringList &names)
{
    if (names == m_mentionNames)
        return;
    m_mentionNames = names;
    clearCache();
}

void MessageDelegate::setRowWidth(int width)
{
    m_rowWidth = width;
}

void MessageDelegate::clearCache()
{
    m_cache.clear();
    m_documentCount = 0;
}

void MessageDelegate::invalidate(const MessageModel *model, qint64 seq)
{
    const int row = model->rowOfSeq(seq);
    if (row < 0)
        return;
    const auto it = m_cache.find(cacheKey(model->message(row)));
    if (it == m_cache.end())
        return;
    if (it->second.document)
        --m_documentCount;
    m_cache.erase(it);
}

MessageDelegate::Entry &MessageDelegate::entry(const QModelIndex &index) const
{
    return m_cache[cacheKey(messageModel(index)->message(index.row()))];
}

MarkdownStyle MessageDelegate::style(const QPalette &palette, const QFont &font) const
{
    MarkdownStyle s;
    s.font = font;
    s.codeFont = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    s.codeFont.setPointSizeF(font.pointSizeF() > 0 ? font.pointSizeF() * 0.95 : 9);
    s.dark = isDark(palette);
    s.text = palette.color(QPalette::Text);
    s.link = s.dark ? QColor(0x7cb7ff) : QColor(0x1a5fb4);
    s.codeBackground = s.dark ? QColor(0x1b1d21) : QColor(0xf3f4f6);
    s.quote = palette.color(QPalette::PlaceholderText);
    s.mention = s.dark ? QColor(0xffd479) : QColor(0x8a4b00);
    s.mentionBackground = s.dark ? QColor(0x4a3b12) : QColor(0xfff1c2);
    return s;
}

QTextDocument *MessageDelegate::renderedDocument(const QModelIndex &index, int maxWidth) const
{
    const ChatMessage &m = messageModel(index)->message(index.row());
    Entry &e = entry(index);
    const QString source = m.deleted ? QStringLiteral("\x01deleted") : m.text;
    if (!e.document || e.text != source) {
        if (!e.document && ++m_documentCount > MaxCachedDocuments) {
            // Scrolled through a huge room: let the documents go, keep the measured heights.
            for (auto &[key, other] : m_cache)
                other.document.reset();
            m_documentCount = 1;
        }
        e.document = std::make_shared<QTextDocument>();
        e.text = source;
        e.textWidth = -1;
        e.height = -1;
        const QPalette palette = QApplication::palette();
        const MarkdownStyle s = style(palette, QApplication::font());
        if (m.deleted) {
            e.document->setDocumentMargin(0);
            QTextCursor cursor(e.document.get());
            QTextCharFormat format;
            format.setFont(s.font);
            format.setFontItalic(true);
            format.setForeground(palette.color(QPalette::PlaceholderText));
            cursor.insertText(tr("This message was deleted."), format);
        } else {
            MarkdownRenderer(s, &m_highlighter).render(e.document.get(), m.text, m_mentionNames);
        }
    }
    if (e.textWidth != maxWidth) {
        e.document->setTextWidth(maxWidth);
        e.textWidth = maxWidth;
    }
    return e.document.get();
}

QTextDocument *MessageDelegate::document(const QModelIndex &index) const
{
    return renderedDocument(index, 400);
}

MessageDelegate::Layout MessageDelegate::layout(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    Layout l;
    const MessageModel *model = messageModel(index);
    const ChatMessage &m = model->message(index.row());
    const QRect rect = option.rect;
    const QFontMetrics fm(option.font);
    const QFontMetrics small(smallFont(option.font));
    const bool grouped = model->isGrouped(index.row());
    const bool own = m.sender.id == model->me() && !m.isSystem();
    int y = rect.top() + (grouped ? GroupedGap : GroupGap);

    if (model->startsDay(index.row())) {
        l.day = QRect(rect.left() + SideMargin, y, rect.width() - 2 * SideMargin, DayHeight);
        y += DayHeight;
    }
    if (index.row() == model->unreadLineRow()) {
        l.unread = QRect(rect.left() + SideMargin, y, rect.width() - 2 * SideMargin, UnreadHeight);
        y += UnreadHeight;
    }
    if (m.isSystem()) {
        const QString text = systemText(m);
        const int w = std::min(small.horizontalAdvance(text) + 24, rect.width() - 2 * SideMargin);
        l.system = QRect(rect.left() + (rect.width() - w) / 2, y, w, small.height() + 8);
        y += l.system.height();
        l.height = y - rect.top() + GroupedGap;
        return l;
    }

    const int contentLeft = rect.left() + SideMargin + (own ? 0 : AvatarSize + AvatarGap);
    const int contentRight = rect.right() - SideMargin;
    const int contentWidth = std::max(120, contentRight - contentLeft);
    const int maxBubble = std::max(160, int((rect.width() - 2 * SideMargin) * MaxBubbleShare));
    const int maxText = std::min(maxBubble, contentWidth) - 2 * PadH;

    if (!grouped && !own) {
        l.header = QRect(contentLeft, y, contentWidth, fm.height() + 2);
        l.avatar = QRect(rect.left() + SideMargin, y + 2, AvatarSize, AvatarSize);
        y += l.header.height();
    }
    l.document = renderedDocument(index, maxText);
    // A message that is only a file has no text line.
    const bool hasText = !m.text.isEmpty() || m.deleted;
    const QSize docSize = hasText ? QSize(int(std::ceil(std::min<qreal>(l.document->idealWidth(), maxText))),
                                          int(std::ceil(l.document->size().height())))
                                  : QSize(0, 0);
    l.files = m.deleted ? QList<FileItem>() : fileItems(index);
    QList<QSize> fileSizes;
    int filesWidth = 0;
    int filesHeight = 0;
    for (const FileItem &file : std::as_const(l.files)) {
        QSize size(std::min(maxText, CardWidth), CardHeight);
        if (file.preview) {
            const int width = std::min(maxText, PreviewWidth);
            const QImage thumbnail = m_thumbnails.value(file.info.id);
            size = thumbnail.isNull() ? QSize(width, PlaceholderHeight)
                                      : (thumbnail.size() / thumbnail.devicePixelRatio())
                                            .scaled(width, PreviewHeight, Qt::KeepAspectRatio)
                                            .boundedTo(thumbnail.size() / thumbnail.devicePixelRatio());
        }
        fileSizes.append(size);
        filesWidth = std::max(filesWidth, size.width());
        filesHeight += size.height() + FileGap;
    }
    const QString meta = metaText(m);
    const int metaWidth = small.horizontalAdvance(meta);
    const int bubbleWidth = std::max({docSize.width(), metaWidth, filesWidth}) + 2 * PadH;
    const int filesTop = y + PadV + docSize.height() + (hasText && !l.files.isEmpty() ? FileGap : 0);
    const int bubbleHeight = filesTop - y + filesHeight + small.height() + PadV;
    const int bubbleLeft = own ? contentRight - bubbleWidth : contentLeft;
    l.bubble = QRect(bubbleLeft, y, bubbleWidth, bubbleHeight);
    l.text = QRect(bubbleLeft + PadH, y + PadV, docSize.width(), docSize.height());
    int fileY = filesTop;
    for (int i = 0; i < l.files.size(); ++i) {
        const QRect box(bubbleLeft + PadH, fileY, fileSizes.at(i).width(), fileSizes.at(i).height());
        l.fileRects.append(box);
        const bool saveable = l.files.at(i).done < 0 && !l.files.at(i).failed && m.seq > 0 && !l.files.at(i).preview;
        l.saveRects.append(saveable ? QRect(box.right() - 8 - 28, box.center().y() - 14, 28, 28) : QRect());
        fileY += box.height() + FileGap;
    }
    l.meta = QRect(l.bubble.right() - PadH - metaWidth, filesTop + filesHeight - (l.files.isEmpty() ? 0 : FileGap) + 1, metaWidth,
                   small.height());
    y += bubbleHeight;

    if (!m.reactions.isEmpty()) {
        y += 4;
        int x = bubbleLeft;
        for (const Client::ChatReaction &reaction : m.reactions) {
            const QString label = reaction.emoji + QLatin1Char(' ') + QString::number(reaction.users.size());
            const int w = small.horizontalAdvance(label) + 16;
            l.reactions.append({QRect(x, y, w, ReactionHeight - 4), reaction.emoji});
            x += w + 4;
        }
        if (own && x > contentRight) {
            const int shift = x - 4 - contentRight;
            for (auto &chip : l.reactions)
                chip.first.translate(-shift, 0);
        } else if (own) {
            const int shift = contentRight - (x - 4);
            for (auto &chip : l.reactions)
                chip.first.translate(shift, 0);
        }
        y += ReactionHeight - 4;
    }
    if (m_showThreadSummary && m.replyCount > 0) {
        const QString label = threadText(m, model->newReplies(m.seq));
        const int w = small.horizontalAdvance(label) + 8;
        l.thread = QRect(own ? contentRight - w : bubbleLeft, y + 2, w, ThreadHeight - 2);
        y += ThreadHeight;
    }
    l.height = y - rect.top() + GroupedGap;
    return l;
}

const MessageDelegate::Metrics &MessageDelegate::metrics(const QFont &font) const
{
    if (m_metrics.height == 0 || m_metrics.font != font) {
        const QFontMetrics fm(font);
        m_metrics = Metrics{font, fm.height(), fm.lineSpacing(), std::max(1, fm.averageCharWidth()),
                            QFontMetrics(smallFont(font)).height()};
    }
    return m_metrics;
}

int MessageDelegate::estimateHeight(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const MessageModel *model = messageModel(index);
    const int row = index.row();
    const ChatMessage &m = model->message(row);
    const Metrics &fm = metrics(option.font);
    const bool grouped = model->isGrouped(row);
    int h = grouped ? GroupedGap : GroupGap;
    if (model->startsDay(row))
        h += DayHeight;
    if (row == model->unreadLineRow())
        h += UnreadHeight;
    if (m.isSystem())
        return h + fm.smallHeight + 8 + GroupedGap;
    const bool own = m.sender.id == model->me();
    if (!grouped && !own)
        h += fm.height + 2;
    const int maxText = std::max(60, int((option.rect.width() - 2 * SideMargin) * MaxBubbleShare) - 2 * PadH);
    const int perLine = std::max(1, maxText / fm.averageCharWidth);
    int lines = 1;
    int lineLength = 0;
    for (const QChar c : m.text) {
        if (c == QLatin1Char('\n')) {
            lines += 1 + lineLength / perLine;
            lineLength = 0;
        } else {
            ++lineLength;
        }
    }
    lines += lineLength / perLine;
    h += PadV + lines * fm.lineSpacing + fm.smallHeight + PadV;
    if (!m.deleted) {
        for (const FileItem &file : fileItems(index))
            h += (file.preview ? PlaceholderHeight : CardHeight) + FileGap;
    }
    if (!m.reactions.isEmpty())
        h += ReactionHeight;
    if (m_showThreadSummary && m.replyCount > 0)
        h += ThreadHeight;
    return h + GroupedGap;
}

int MessageDelegate::rowWidth(const QStyleOptionViewItem &option) const
{
    return m_rowWidth > 0 ? m_rowWidth : (option.rect.width() > 0 ? option.rect.width() : 600);
}

QSize MessageDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    if (!messageModel(index))
        return QStyledItemDelegate::sizeHint(option, index);
    const int width = rowWidth(option);
    Entry &e = entry(index);
    if (e.height >= 0 && e.rowWidth == width)
        return QSize(width, e.height);
    QStyleOptionViewItem opt = option;
    opt.rect = QRect(0, 0, width, 0);
    const bool estimate = index.model()->rowCount() > ExactLayoutRows;
    const int height = estimate ? estimateHeight(opt, index) : layout(opt, index).height;
    Entry &fresh = entry(index); // layout() may have reset the cache
    fresh.height = height;
    fresh.rowWidth = width;
    fresh.exact = !estimate;
    return QSize(width, height);
}

void MessageDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const MessageModel *model = messageModel(index);
    if (!model)
        return;
    const ChatMessage &m = model->message(index.row());
    const Layout l = layout(option, index);
    {
        Entry &e = entry(index);
        const int width = rowWidth(option);
        if (!e.exact || e.height != l.height || e.rowWidth != width) {
            e.height = l.height;
            e.rowWidth = width;
            e.exact = true;
            if (l.height != option.rect.height()) {
                // The estimate was off: let the view lay this row out again, after painting.
                QTimer::singleShot(0, const_cast<MessageDelegate *>(this),
                                   [this, index = QPersistentModelIndex(index)] {
                                       if (index.isValid())
                                           Q_EMIT const_cast<MessageDelegate *>(this)->sizeHintChanged(index);
                                   });
            }
        }
    }
    const QPalette &palette = option.palette;
    const bool dark = isDark(palette);
    const QColor muted = palette.color(QPalette::PlaceholderText);
    const QFont small = smallFont(option.font);
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);

    if (!l.day.isEmpty()) {
        painter->setFont(small);
        const QString text = dayText(m.timestamp);
        const int w = QFontMetrics(small).horizontalAdvance(text) + 24;
        const QRect pill(l.day.center().x() - w / 2, l.day.top() + 6, w, l.day.height() - 12);
        painter->setPen(QPen(mix(palette.color(QPalette::Base), palette.color(QPalette::Text), 0.12), 1));
        painter->drawLine(l.day.left(), pill.center().y(), pill.left() - 8, pill.center().y());
        painter->drawLine(pill.right() + 8, pill.center().y(), l.day.right(), pill.center().y());
        painter->setPen(muted);
        painter->drawText(pill, Qt::AlignCenter, text);
    }
    if (!l.unread.isEmpty()) {
        const QColor red = dark ? QColor(0xff7b72) : QColor(0xd1242f);
        painter->setFont(small);
        const QString text = tr("New messages");
        const int w = QFontMetrics(small).horizontalAdvance(text) + 12;
        painter->setPen(QPen(red, 1));
        painter->drawLine(l.unread.left(), l.unread.center().y(), l.unread.right() - w, l.unread.center().y());
        painter->drawText(QRect(l.unread.right() - w, l.unread.top(), w, l.unread.height()), Qt::AlignRight | Qt::AlignVCenter,
                          text);
    }
    if (!l.system.isEmpty()) {
        painter->setPen(Qt::NoPen);
        painter->setBrush(mix(palette.color(QPalette::Base), palette.color(QPalette::Text), 0.06));
        painter->drawRoundedRect(l.system, l.system.height() / 2.0, l.system.height() / 2.0);
        painter->setFont(small);
        painter->setPen(muted);
        painter->drawText(l.system, Qt::AlignCenter, QFontMetrics(small).elidedText(systemText(m), Qt::ElideRight, l.system.width() - 12));
        painter->restore();
        return;
    }
    if (!l.avatar.isEmpty()) {
        painter->setPen(Qt::NoPen);
        painter->setBrush(avatarColor(m.sender.id.value()));
        painter->drawEllipse(l.avatar);
        QFont bold = small;
        bold.setWeight(QFont::DemiBold);
        painter->setFont(bold);
        painter->setPen(Qt::white);
        painter->drawText(l.avatar, Qt::AlignCenter, initialsOf(index.data(MessageModel::SenderNameRole).toString()));
    }
    if (!l.header.isEmpty()) {
        QFont bold = option.font;
        bold.setWeight(QFont::DemiBold);
        painter->setFont(bold);
        painter->setPen(palette.color(QPalette::Text));
        const QString name = index.data(MessageModel::SenderNameRole).toString();
        painter->drawText(l.header, Qt::AlignLeft | Qt::AlignTop,
                          QFontMetrics(bold).elidedText(name, Qt::ElideRight, l.header.width()));
    }

    const bool own = index.data(MessageModel::OwnRole).toBool();
    const QColor base = palette.color(QPalette::Base);
    QColor bubble = own ? mix(base, palette.color(QPalette::Highlight), dark ? 0.35 : 0.16)
                        : mix(base, palette.color(QPalette::Text), dark ? 0.10 : 0.055);
    if (!own && m.mentionsUser(model->me()))
        bubble = dark ? QColor(0x3d3417) : QColor(0xfff6d6);
    painter->setPen(Qt::NoPen);
    painter->setBrush(bubble);
    painter->drawRoundedRect(l.bubble, 10, 10);
    if (m.state == ChatMessage::State::Pending)
        painter->setOpacity(0.6);
    if (!l.text.isEmpty()) {
        painter->translate(l.text.topLeft());
        l.document->drawContents(painter, QRectF(0, 0, l.text.width() + 1, l.text.height() + 1));
        painter->translate(-l.text.topLeft());
    }
    painter->setOpacity(1);
    for (int i = 0; i < l.files.size(); ++i) {
        const FileItem &file = l.files.at(i);
        const QRect rect = l.fileRects.at(i);
        if (file.preview) {
            const QImage thumbnail = m_thumbnails.value(file.info.id);
            QPainterPath clip;
            clip.addRoundedRect(QRectF(rect), 8, 8);
            painter->save();
            painter->setClipPath(clip);
            if (thumbnail.isNull()) {
                requestPreview(index, file.info);
                painter->fillRect(rect, mix(base, palette.color(QPalette::Text), 0.10));
                painter->setFont(small);
                painter->setPen(muted);
                const QString status = file.done >= 0 && file.info.size > 0
                    ? tr("Loading preview… %1%").arg(file.done * 100 / file.info.size)
                    : tr("Loading preview…");
                painter->drawText(rect, Qt::AlignCenter, status);
            } else {
                painter->setRenderHint(QPainter::SmoothPixmapTransform);
                painter->drawImage(rect, thumbnail);
            }
            painter->restore();
            continue;
        }
        painter->setPen(QPen(mix(bubble, palette.color(QPalette::Text), 0.14), 1));
        painter->setBrush(mix(bubble, base, 0.55));
        painter->drawRoundedRect(QRectF(rect).adjusted(0.5, 0.5, -0.5, -0.5), 8, 8);
        const auto [label, color] = fileBadge(file.info.name);
        const QRect badge(rect.left() + 8, rect.top() + 8, 32, 32);
        painter->setPen(Qt::NoPen);
        painter->setBrush(color);
        painter->drawRoundedRect(badge, 6, 6);
        QFont badgeFont = small;
        badgeFont.setWeight(QFont::Bold);
        badgeFont.setPointSizeF(small.pointSizeF() > 0 ? small.pointSizeF() * 0.8 : 7);
        painter->setFont(badgeFont);
        painter->setPen(Qt::white);
        painter->drawText(badge, Qt::AlignCenter, label);
        const int textLeft = badge.right() + 8;
        const int textRight = l.saveRects.at(i).isEmpty() ? rect.right() - 8 : l.saveRects.at(i).left() - 6;
        QFont nameFont = option.font;
        nameFont.setWeight(QFont::DemiBold);
        painter->setFont(nameFont);
        painter->setPen(palette.color(QPalette::Text));
        const QRect nameRect(textLeft, rect.top() + 6, textRight - textLeft, QFontMetrics(nameFont).height());
        // Elided in the middle: the extension stays visible.
        painter->drawText(nameRect, Qt::AlignLeft | Qt::AlignVCenter,
                          QFontMetrics(nameFont).elidedText(file.info.name, Qt::ElideMiddle, nameRect.width()));
        painter->setFont(small);
        painter->setPen(file.failed ? (dark ? QColor(0xff7b72) : QColor(0xd1242f)) : muted);
        const QRect statusRect(textLeft, nameRect.bottom() + 1, nameRect.width(), QFontMetrics(small).height());
        painter->drawText(statusRect, Qt::AlignLeft | Qt::AlignVCenter,
                          QFontMetrics(small).elidedText(fileStatus(file.info.size, file.done, file.failed, m.seq == 0),
                                                         Qt::ElideRight, statusRect.width()));
        if (file.done >= 0 && file.info.size > 0) {
            const QRect track(rect.left() + 8, rect.bottom() - 4, rect.width() - 16, 2);
            painter->fillRect(track, mix(base, palette.color(QPalette::Text), 0.15));
            painter->fillRect(QRect(track.left(), track.top(), int(track.width() * file.done / file.info.size), track.height()),
                              palette.color(QPalette::Highlight));
        }
        if (!l.saveRects.at(i).isEmpty())
            paintSaveGlyph(painter, l.saveRects.at(i), palette.color(QPalette::Text));
    }
    painter->setFont(small);
    painter->setPen(m.state == ChatMessage::State::Failed ? (dark ? QColor(0xff7b72) : QColor(0xd1242f)) : muted);
    painter->drawText(l.meta, Qt::AlignRight | Qt::AlignVCenter, metaText(m));

    for (int i = 0; i < l.reactions.size(); ++i) {
        const Client::ChatReaction &reaction = m.reactions.at(i);
        const QRect chip = l.reactions.at(i).first;
        const bool mine = reaction.users.contains(model->me());
        painter->setPen(QPen(mine ? palette.color(QPalette::Highlight) : mix(base, palette.color(QPalette::Text), 0.18), 1));
        painter->setBrush(mine ? mix(base, palette.color(QPalette::Highlight), 0.18) : base);
        painter->drawRoundedRect(QRectF(chip).adjusted(0.5, 0.5, -0.5, -0.5), chip.height() / 2.0, chip.height() / 2.0);
        painter->setPen(palette.color(QPalette::Text));
        painter->drawText(chip, Qt::AlignCenter, reaction.emoji + QLatin1Char(' ') + QString::number(reaction.users.size()));
    }
    if (!l.thread.isEmpty()) {
        QFont link = small;
        link.setWeight(QFont::DemiBold);
        painter->setFont(link);
        painter->setPen(dark ? QColor(0x7cb7ff) : QColor(0x1a5fb4));
        painter->drawText(l.thread, Qt::AlignLeft | Qt::AlignVCenter, threadText(m, model->newReplies(m.seq)));
    }
    if (option.state & QStyle::State_Selected) {
        painter->setPen(QPen(palette.color(QPalette::Highlight), 1.5));
        painter->setBrush(Qt::NoBrush);
        painter->drawRoundedRect(QRectF(l.bubble).adjusted(0.75, 0.75, -0.75, -0.75), 10, 10);
    }
    painter->restore();
}

MessageDelegate::HitResult MessageDelegate::hitTest(const QStyleOptionViewItem &option, const QModelIndex &index,
                                                    const QPoint &pos) const
{
    HitResult result;
    if (!messageModel(index))
        return result;
    const Layout l = layout(option, index);
    for (const auto &chip : l.reactions) {
        if (chip.first.contains(pos))
            return {Hit::Reaction, chip.second, {}};
    }
    if (l.thread.contains(pos))
        return {Hit::Thread, {}, {}};
    for (int i = 0; i < l.fileRects.size(); ++i) {
        if (l.saveRects.at(i).contains(pos))
            return {Hit::AttachmentSave, {}, {}, i};
        // Files still uploading open nothing yet.
        if (l.fileRects.at(i).contains(pos) && messageModel(index)->message(index.row()).seq > 0)
            return {Hit::Attachment, {}, {}, i};
    }
    const ChatMessage &m = messageModel(index)->message(index.row());
    if (m.state == ChatMessage::State::Failed && l.bubble.contains(pos))
        return {Hit::Retry, {}, {}};
    if (l.text.contains(pos) && l.document) {
        const QString href = l.document->documentLayout()->anchorAt(QPointF(pos - l.text.topLeft()));
        if (!href.isEmpty())
            return {Hit::Link, {}, href};
    }
    if (l.bubble.contains(pos))
        result.hit = Hit::Bubble;
    return result;
}

void MessageDelegate::setChatClient(Client::ChatClient *client)
{
    if (m_client)
        disconnect(m_client, nullptr, this, nullptr);
    m_client = client;
    if (!client)
        return;
    connect(client, &Client::ChatClient::uploadChanged, this, &MessageDelegate::repaintWanted);
    connect(client, &Client::ChatClient::downloadProgress, this, [this](const QString &id, qint64 received) {
        m_downloaded.insert(id, received);
        Q_EMIT repaintWanted();
    });
    connect(client, &Client::ChatClient::downloadFinished, this, [this](const QString &id, const QString &path) {
        m_downloaded.remove(id);
        if (m_previewsWanted.contains(id) && !m_thumbnails.contains(id))
            decodePreview(id, path);
        Q_EMIT repaintWanted();
    });
    connect(client, &Client::ChatClient::downloadFailed, this, [this](const QString &id) {
        m_downloaded.remove(id);
        if (m_previewsWanted.remove(id)) {
            m_broken.insert(id);
            relayoutRowsOf(id);
        }
        Q_EMIT repaintWanted();
    });
}

QList<MessageDelegate::FileItem> MessageDelegate::fileItems(const QModelIndex &index) const
{
    QList<FileItem> items;
    if (!m_client)
        return items;
    const MessageModel *model = messageModel(index);
    const ChatMessage &m = model->message(index.row());
    if (m.seq == 0) {
        for (const Client::AttachmentUpload &upload : m_client->messageUploads(m.clientId)) {
            FileItem item;
            item.info = AttachmentInfo{upload.attachment.id, upload.name, upload.size, upload.mime};
            item.failed = upload.state == Client::AttachmentUpload::State::Failed;
            const bool running = upload.state == Client::AttachmentUpload::State::Preparing
                || upload.state == Client::AttachmentUpload::State::Uploading;
            item.done = running ? upload.sent : -1;
            items.append(item);
        }
        return items;
    }
    for (const AttachmentInfo &info : m_client->attachments(model->roomId(), m.seq)) {
        FileItem item;
        item.info = info;
        item.done = m_downloaded.value(info.id, -1);
        item.preview = info.mime.startsWith(QLatin1String("image/")) && info.size <= MaxPreviewBytes
            && !m_broken.contains(info.id);
        items.append(item);
    }
    return items;
}

void MessageDelegate::requestPreview(const QModelIndex &index, const AttachmentInfo &info) const
{
    QList<QPersistentModelIndex> &rows = m_previewRows[info.id];
    if (!rows.contains(QPersistentModelIndex(index)))
        rows.append(QPersistentModelIndex(index));
    if (!m_client || m_previewsWanted.contains(info.id))
        return;
    m_previewsWanted.insert(info.id);
    if (const QString cached = m_client->cachedFile(info); !cached.isEmpty())
        decodePreview(info.id, cached);
    else
        m_client->download(messageModel(index)->roomId(), info);
}

void MessageDelegate::decodePreview(const QString &id, const QString &path) const
{
    // Decoding a photo takes long enough to stutter scrolling: a worker decodes it, scaled
    // while reading where the format allows, and the GUI thread only paints the result.
    const qreal ratio = qApp->devicePixelRatio();
    QPointer<MessageDelegate> self(const_cast<MessageDelegate *>(this));
    QThreadPool::globalInstance()->start([self, id, path, ratio] {
        QImageReader reader(path);
        reader.setDecideFormatFromContent(true);
        reader.setAutoTransform(true);
        QSize size = reader.size();
        const QSize box = QSize(PreviewWidth, PreviewHeight) * ratio;
        if (size.isValid() && (size.width() > box.width() || size.height() > box.height())) {
            size.scale(box, Qt::KeepAspectRatio);
            reader.setScaledSize(size);
        }
        QImage image = reader.read();
        if (!image.isNull() && (image.width() > box.width() || image.height() > box.height()))
            image = image.scaled(box, Qt::KeepAspectRatio, Qt::SmoothTransformation);
        image.setDevicePixelRatio(ratio);
        QMetaObject::invokeMethod(qApp, [self, id, image] {
            if (self)
                self->onPreviewDecoded(id, image);
        }, Qt::QueuedConnection);
    });
}

void MessageDelegate::onPreviewDecoded(const QString &id, const QImage &image)
{
    m_previewsWanted.remove(id);
    if (image.isNull()) {
        m_broken.insert(id); // not an image after all, whatever its type said: a card
    } else {
        if (m_thumbnails.size() >= MaxThumbnails)
            m_thumbnails.clear(); // rows on screen ask again when painted
        m_thumbnails.insert(id, image);
    }
    relayoutRowsOf(id);
    Q_EMIT repaintWanted();
}

void MessageDelegate::relayoutRowsOf(const QString &id)
{
    const QList<QPersistentModelIndex> rows = m_previewRows.take(id);
    for (const QPersistentModelIndex &row : rows) {
        if (!row.isValid())
            continue;
        const auto it = m_cache.find(cacheKey(messageModel(row)->message(row.row())));
        if (it != m_cache.end()) {
            it->second.height = -1;
            it->second.exact = false;
        }
        Q_EMIT sizeHintChanged(row);
    }
}

} // namespace Cohort::Ui
