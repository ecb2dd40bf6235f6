// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "composer.h"

#include <QAbstractItemView>
#include <QCompleter>
#include <QFileInfo>
#include <QImage>
#include <QKeyEvent>
#include <QMimeData>
#include <QScrollBar>
#include <QStringListModel>
#include <QTextBlock>

namespace Cohort::Ui {

namespace {
constexpr int MaxVisibleLines = 6;

bool isNameChar(QChar c)
{
    return c.isLetterOrNumber() || c == QLatin1Char('.') || c == QLatin1Char('_') || c == QLatin1Char('-');
}

/// The local files (not folders) among the URLs of a drop or paste.
QStringList localFiles(const QMimeData *source)
{
    QStringList paths;
    for (const QUrl &url : source->urls()) {
        if (url.isLocalFile() && QFileInfo(url.toLocalFile()).isFile())
            paths.append(url.toLocalFile());
    }
    return paths;
}
} // namespace

Composer::Composer(QWidget *parent)
    : QPlainTextEdit(parent)
    , m_completer(new QCompleter(this))
    , m_names(new QStringListModel(this))
{
    setObjectName(QStringLiteral("composer"));
    setTabChangesFocus(true);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    setLineWrapMode(QPlainTextEdit::WidgetWidth);
    setVerticalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    m_completer->setModel(m_names);
    m_completer->setCaseSensitivity(Qt::CaseInsensitive);
    m_completer->setCompletionMode(QCompleter::PopupCompletion);
    m_completer->setWidget(this);
    connect(m_completer, qOverload<const QString &>(&QCompleter::activated), this, &Composer::insertCompletion);
    connect(this, &QPlainTextEdit::textChanged, this, [this] {
        updateHeight();
        if (!toPlainText().isEmpty())
            Q_EMIT typed();
    });
    updateHeight();
}

void Composer::setMemberNames(const QStringList &names)
{
    QStringList all = names;
    all.append(QStringLiteral("room"));
    all.sort(Qt::CaseInsensitive);
    m_names->setStringList(all);
}

void Composer::beginEdit(qint64 seq, const QString &text)
{
    if (m_editSeq == 0)
        m_draftBeforeEdit = toPlainText();
    m_editSeq = seq;
    setPlainText(text);
    moveCursor(QTextCursor::End);
    Q_EMIT editModeChanged(true);
}

void Composer::cancelEdit()
{
    if (m_editSeq == 0)
        return;
    m_editSeq = 0;
    setPlainText(m_draftBeforeEdit);
    moveCursor(QTextCursor::End);
    m_draftBeforeEdit.clear();
    Q_EMIT editModeChanged(false);
    Q_EMIT editCancelled();
}

void Composer::insertAtCursor(const QString &text)
{
    textCursor().insertText(text);
    setFocus();
}

void Composer::keyPressEvent(QKeyEvent *event)
{
    if (m_completer->popup()->isVisible()) {
        switch (event->key()) {
        case Qt::Key_Enter:
        case Qt::Key_Return:
        case Qt::Key_Tab:
        case Qt::Key_Escape:
        case Qt::Key_Up:
        case Qt::Key_Down:
            event->ignore(); // the popup handles them
            return;
        default:
            break;
        }
    }
    const bool plainEnter = (event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter)
        && !(event->modifiers() & (Qt::ShiftModifier | Qt::ControlModifier | Qt::AltModifier));
    if (plainEnter) {
        const QString text = toPlainText().trimmed();
        if (text.isEmpty() && (m_editSeq > 0 || !m_hasAttachments))
            return;
        if (m_editSeq > 0) {
            const qint64 seq = m_editSeq;
            m_editSeq = 0;
            setPlainText(m_draftBeforeEdit);
            moveCursor(QTextCursor::End);
            m_draftBeforeEdit.clear();
            Q_EMIT editModeChanged(false);
            Q_EMIT editSubmitted(seq, text);
        } else {
            clear();
            Q_EMIT submitted(text);
        }
        return;
    }
    if ((event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter) && (event->modifiers() & Qt::ShiftModifier)) {
        textCursor().insertText(QStringLiteral("\n"));
        return;
    }
    if (event->key() == Qt::Key_Up && event->modifiers() == Qt::NoModifier && toPlainText().isEmpty()) {
        Q_EMIT editLastRequested();
        return;
    }
    if (event->key() == Qt::Key_Escape) {
        if (m_editSeq > 0)
            cancelEdit();
        else
            Q_EMIT escapePressed();
        return;
    }
    QPlainTextEdit::keyPressEvent(event);
    updateCompletion();
}

bool Composer::canInsertFromMimeData(const QMimeData *source) const
{
    return source->hasImage() || !localFiles(source).isEmpty() || QPlainTextEdit::canInsertFromMimeData(source);
}

void Composer::insertFromMimeData(const QMimeData *source)
{
    // Files first: a file manager's copy also carries the paths as text.
    if (const QStringList files = localFiles(source); !files.isEmpty()) {
        if (!isReadOnly())
            Q_EMIT filesAttached(files);
        return;
    }
    if (source->hasImage()) {
        const QImage image = qvariant_cast<QImage>(source->imageData());
        if (!image.isNull() && !isReadOnly())
            Q_EMIT imagePasted(image);
        return;
    }
    QPlainTextEdit::insertFromMimeData(source);
}

void Composer::updateCompletion()
{
    const QTextCursor cursor = textCursor();
    const QString block = cursor.block().text();
    int start = cursor.positionInBlock();
    while (start > 0 && isNameChar(block.at(start - 1)))
        --start;
    if (start == 0 || block.at(start - 1) != QLatin1Char('@') || (start > 1 && block.at(start - 2).isLetterOrNumber())) {
        m_completer->popup()->hide();
        return;
    }
    const QString prefix = block.mid(start, cursor.positionInBlock() - start);
    if (prefix != m_completer->completionPrefix()) {
        m_completer->setCompletionPrefix(prefix);
        m_completer->popup()->setCurrentIndex(m_completer->completionModel()->index(0, 0));
    }
    if (m_completer->completionCount() == 0) {
        m_completer->popup()->hide();
        return;
    }
    QRect rect = cursorRect();
    rect.setWidth(m_completer->popup()->sizeHintForColumn(0) + m_completer->popup()->verticalScrollBar()->sizeHint().width() + 8);
    m_completer->complete(rect);
}

void Composer::insertCompletion(const QString &completion)
{
    QTextCursor cursor = textCursor();
    const int typed = int(m_completer->completionPrefix().size());
    cursor.movePosition(QTextCursor::Left, QTextCursor::KeepAnchor, typed);
    cursor.insertText(completion + QLatin1Char(' '));
    setTextCursor(cursor);
}

void Composer::updateHeight()
{
    updateGeometry();
}

QSize Composer::sizeHint() const
{
    const QFontMetrics fm(font());
    const int lines = std::clamp(int(document()->size().height()), 1, MaxVisibleLines);
    const int margins = int(document()->documentMargin() * 2) + frameWidth() * 2 + contentsMargins().top() + contentsMargins().bottom();
    return QSize(QPlainTextEdit::sizeHint().width(), lines * fm.lineSpacing() + margins + 4);
}

QSize Composer::minimumSizeHint() const
{
    return QSize(100, sizeHint().height());
}

} // namespace Cohort::Ui
