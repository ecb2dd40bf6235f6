// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "collabeditor.h"

#include "codelanguages.h"
#include "commentmarkers.h"
#include "editortheme.h"
#include "positionmap.h"
#include "remotecursors.h"
#include "undomanager.h"

#include <QContextMenuEvent>
#include <QInputMethodEvent>
#include <QKeyEvent>
#include <QLoggingCategory>
#include <QMenu>
#include <QScopedValueRollback>

#include <algorithm>
#include <limits>

namespace Cohort::Ui {

Q_LOGGING_CATEGORY(lcCode, "cohort.app.code")

namespace {

bool keyIs(const QKeyEvent *event, Qt::KeyboardModifiers modifiers, Qt::Key key)
{
    return event->keyCombination() == QKeyCombination(modifiers, key);
}

enum class EditorKey { None, Undo, Redo, ZoomIn, ZoomOut, ZoomReset };

EditorKey editorKey(const QKeyEvent *event)
{
    // Alt+Backspace and Alt+Shift+Backspace are Scintilla's other undo and redo keys; left to
    // it, they would ask its (empty) history.
    if (event->matches(QKeySequence::Undo) || keyIs(event, Qt::AltModifier, Qt::Key_Backspace))
        return EditorKey::Undo;
    if (event->matches(QKeySequence::Redo) || keyIs(event, Qt::ControlModifier, Qt::Key_Y)
        || keyIs(event, Qt::ControlModifier | Qt::ShiftModifier, Qt::Key_Z)
        || keyIs(event, Qt::AltModifier | Qt::ShiftModifier, Qt::Key_Backspace))
        return EditorKey::Redo;
    if (event->matches(QKeySequence::ZoomIn) || keyIs(event, Qt::ControlModifier, Qt::Key_Equal))
        return EditorKey::ZoomIn;
    if (event->matches(QKeySequence::ZoomOut))
        return EditorKey::ZoomOut;
    if (keyIs(event, Qt::ControlModifier, Qt::Key_0))
        return EditorKey::ZoomReset;
    return EditorKey::None;
}

constexpr qsizetype kUntouched = std::numeric_limits<qsizetype>::max();
/// What an engine update holds besides the inserted text's bytes (ids, origins, lengths).
constexpr int kUpdateOverhead = 256;
/// The smallest piece of a split insert, whatever a server announces.
constexpr qsizetype kMinPiece = 256;

} // namespace

CollabEditor::CollabEditor(QWidget *parent)
    : QsciScintilla(parent), m_document(Collab::Document::randomAgent())
{
    setUtf8(true);
    setEolMode(EolUnix);
    SendScintilla(SCI_SETUNDOCOLLECTION, 0UL);
    m_positions = std::make_unique<PositionMap>(this);
    m_undo = std::make_unique<Collab::UndoManager>(m_document);

    setMarginType(0, NumberMargin);
    setMarginLineNumbers(0, true);
    setFolding(BoxedTreeFoldStyle, 2);
    setBraceMatching(SloppyBraceMatch);
    setAutoIndent(true);
    setIndentationsUseTabs(false);
    setTabWidth(4);
    setIndentationGuides(true);
    setCaretLineVisible(true);
    setScrollWidthTracking(true);
    setScrollWidth(1);
    // Others' keystrokes and carets repaint lines many times a second: the visible lines keep
    // their layout, instead of only the caret's line, so that their text is not measured again.
    SendScintilla(SCI_SETLAYOUTCACHE, static_cast<unsigned long>(SC_CACHE_PAGE));

    const auto resolver = [this](const Collab::Anchor &anchor) { return resolveToBytes(anchor); };
    m_cursors = new RemoteCursors(this, resolver);
    m_comments = std::make_unique<CommentMarkers>(this, resolver, 1);

    connect(this, &QsciScintillaBase::SCN_MODIFIED, this,
            [this](int position, int type, const char *text, int length, int, int, int, int, int, int) {
                onModified(position, type, text, length);
            });
    connect(this, &QsciScintillaBase::SCN_MODIFYATTEMPTRO, this, &CollabEditor::editRefused);
    connect(this, &QsciScintilla::marginClicked, this, [this](int margin, int line, Qt::KeyboardModifiers) {
        if (margin != m_comments->margin())
            return;
        const QStringList ids = m_comments->idsAtLine(line);
        if (!ids.isEmpty())
            Q_EMIT commentClicked(ids.first());
    });
    m_refreshTimer.setSingleShot(true);
    m_refreshTimer.setInterval(0);
    connect(&m_refreshTimer, &QTimer::timeout, this, &CollabEditor::refreshDecorations);
    connect(this, &QsciScintilla::linesChanged, this, &CollabEditor::updateLineNumberWidth);
    setLanguage(CodeLanguages::plainText());
    updateLineNumberWidth();
}

CollabEditor::~CollabEditor()
{
    // Scintilla outlives these members; nothing may reach them from its notifications.
    disconnect(this, &QsciScintillaBase::SCN_MODIFIED, this, nullptr);
    m_undo.reset();
}

void CollabEditor::setDocument(Collab::Document document)
{
    m_undo.reset();
    m_document = std::move(document);
    m_undo = std::make_unique<Collab::UndoManager>(m_document);
    reloadText();
}

bool CollabEditor::applyRemote(const QByteArray &update)
{
    if (m_composing || m_notifying) {
        // Scintilla takes no changes while it reports one (a transport may deliver an update
        // from inside localUpdate()): those updates wait until it has returned.
        if (m_notifying && m_deferred.isEmpty())
            QMetaObject::invokeMethod(this, [this] { applyDeferred(); }, Qt::QueuedConnection);
        m_deferred.append(update);
        return true;
    }
    // Scintilla shifts the selection with the text, but text inserted exactly at an end of it
    // would land inside. Anchored to their characters before the update, both ends keep
    // outside what others type against them.
    const auto [anchor, caret] = localSelectionPositions();
    using Side = Collab::Anchor::Side;
    const Collab::Anchor anchorBefore
        = m_document.anchorAt(anchor, anchor < caret ? Side::StickToNext : Side::StickToPrevious);
    const Collab::Anchor caretBefore
        = m_document.anchorAt(caret, caret < anchor ? Side::StickToNext : Side::StickToPrevious);

    Collab::ApplyResult result = m_document.apply(update);
    if (!result.ok()) {
        qCWarning(lcCode) << "Ignoring a malformed update of" << update.size() << "bytes";
        return false;
    }
    if (result.changes.isEmpty())
        return true;
    patch(result.changes);
    if (SendScintilla(SCI_GETSELECTIONS) == 1) {
        // SCI_SETANCHOR and SCI_SETCURRENTPOS do not scroll, unlike SCI_SETSEL.
        const long anchorBytes = m_positions->toBytes(m_document.resolve(anchorBefore));
        const long caretBytes = m_positions->toBytes(m_document.resolve(caretBefore));
        if (anchorBytes != SendScintilla(SCI_GETANCHOR) || caretBytes != SendScintilla(SCI_GETCURRENTPOS)) {
            SendScintilla(SCI_SETCURRENTPOS, static_cast<unsigned long>(caretBytes));
            SendScintilla(SCI_SETANCHOR, static_cast<unsigned long>(anchorBytes));
        }
    }
    return true;
}

void CollabEditor::setMaxUpdateBytes(int bytes)
{
    m_maxUpdateBytes = bytes;
}

void CollabEditor::setLanguage(const QString &languageId)
{
    QsciLexer *old = lexer();
    m_language = CodeLanguages::find(languageId) ? languageId : CodeLanguages::plainText();
    setLexer(CodeLanguages::createLexer(m_language, this));
    delete old;
    applyTheme();
}

std::pair<Collab::Anchor, Collab::Anchor> CollabEditor::localSelection() const
{
    const auto [anchor, caret] = localSelectionPositions();
    return {m_document.anchorAt(anchor, Collab::Anchor::Side::StickToPrevious),
            m_document.anchorAt(caret, Collab::Anchor::Side::StickToPrevious)};
}

std::pair<qsizetype, qsizetype> CollabEditor::localSelectionPositions() const
{
    return {m_positions->toUtf16(SendScintilla(SCI_GETANCHOR)),
            m_positions->toUtf16(SendScintilla(SCI_GETCURRENTPOS))};
}

void CollabEditor::setLocalSelection(qsizetype anchor, qsizetype caret)
{
    SendScintilla(SCI_SETSEL, static_cast<unsigned long>(m_positions->toBytes(anchor)),
                  long(m_positions->toBytes(caret)));
}

void CollabEditor::setRemoteCursor(quint64 peer, const QString &name, const QColor &color,
                                   const Collab::Anchor &anchor, const Collab::Anchor &head)
{
    m_cursors->set(peer, name, color, anchor, head);
}

void CollabEditor::setRemoteCursor(quint64 peer, const QString &name, const QColor &color, qsizetype anchor,
                                   qsizetype head)
{
    setRemoteCursor(peer, name, color, m_document.anchorAt(anchor, Collab::Anchor::Side::StickToPrevious),
                    m_document.anchorAt(head, Collab::Anchor::Side::StickToPrevious));
}

void CollabEditor::removeRemoteCursor(quint64 peer)
{
    m_cursors->remove(peer);
}

std::optional<std::pair<qsizetype, qsizetype>> CollabEditor::remoteCursor(quint64 peer) const
{
    const RemoteCursors::Cursor *cursor = m_cursors->find(peer);
    if (!cursor)
        return std::nullopt;
    return std::pair{m_document.resolve(cursor->anchor), m_document.resolve(cursor->head)};
}

bool CollabEditor::isRemoteTagShown(quint64 peer) const
{
    return m_cursors->isTagShown(peer);
}

QRect CollabEditor::remoteCaretRect(quint64 peer) const
{
    return m_cursors->caretRect(peer);
}

QRect CollabEditor::remoteTagRect(quint64 peer) const
{
    return m_cursors->tagRect(peer);
}

void CollabEditor::setComment(const QString &id, const Collab::Anchor &start, const Collab::Anchor &end)
{
    m_comments->set(id, start, end);
    Q_EMIT commentsChanged();
}

std::pair<Collab::Anchor, Collab::Anchor> CollabEditor::setLineComment(const QString &id, int firstLine,
                                                                       int lastLine)
{
    const long lines = SendScintilla(SCI_GETLINECOUNT);
    firstLine = std::clamp(firstLine, 0, int(lines - 1));
    lastLine = std::clamp(lastLine, firstLine, int(lines - 1));
    const long start = SendScintilla(SCI_POSITIONFROMLINE, static_cast<unsigned long>(firstLine));
    const long end = SendScintilla(SCI_GETLINEENDPOSITION, static_cast<unsigned long>(lastLine));
    const std::pair anchors{m_document.anchorAt(m_positions->toUtf16(start), Collab::Anchor::Side::StickToNext),
                            m_document.anchorAt(m_positions->toUtf16(end), Collab::Anchor::Side::StickToPrevious)};
    setComment(id, anchors.first, anchors.second);
    return anchors;
}

void CollabEditor::removeComment(const QString &id)
{
    if (m_comments->remove(id))
        Q_EMIT commentsChanged();
}

QList<CodeComment> CollabEditor::comments() const
{
    return m_comments->comments();
}

int CollabEditor::replaceAll(const QString &expression, const QString &replacement, const FindOptions &options)
{
    if (isReadOnly()) {
        Q_EMIT editRefused();
        return 0;
    }
    if (expression.isEmpty())
        return 0;
    int flags = 0;
    if (options.regex)
        flags |= SCFIND_REGEXP | SCFIND_CXX11REGEX;
    if (options.caseSensitive)
        flags |= SCFIND_MATCHCASE;
    if (options.wholeWord)
        flags |= SCFIND_WHOLEWORD;
    SendScintilla(SCI_SETSEARCHFLAGS, flags);
    const QByteArray find = expression.toUtf8();
    const QByteArray replace = replacement.toUtf8();
    const unsigned int replaceMessage = options.regex ? SCI_REPLACETARGETRE : SCI_REPLACETARGET;

    // One transaction: one update for the network, one step for undo.
    m_undo->stopCapturing();
    m_document.beginTransaction();
    int count = 0;
    long start = 0;
    for (;;) {
        SendScintilla(SCI_SETTARGETRANGE, static_cast<unsigned long>(start), SendScintilla(SCI_GETLENGTH));
        const long found = SendScintilla(SCI_SEARCHINTARGET, static_cast<uintptr_t>(find.size()), find.constData());
        if (found < 0)
            break;
        const bool emptyMatch = SendScintilla(SCI_GETTARGETEND) == found;
        start = found + SendScintilla(replaceMessage, static_cast<uintptr_t>(replace.size()), replace.constData());
        ++count;
        if (emptyMatch) {
            // An empty match (e.g. "^") would match at the same place again.
            if (start >= SendScintilla(SCI_GETLENGTH))
                break;
            start = SendScintilla(SCI_POSITIONAFTER, static_cast<unsigned long>(start));
        }
    }
    emitLocal(m_document.commitTransaction());
    m_undo->stopCapturing();
    return count;
}

void CollabEditor::undo()
{
    revert(false);
}

void CollabEditor::redo()
{
    revert(true);
}

void CollabEditor::revert(bool redo)
{
    if (isReadOnly()) {
        Q_EMIT editRefused();
        return;
    }
    if (m_composing)
        return;
    QList<Collab::TextChange> changes;
    const QByteArray update = redo ? m_undo->redo(&changes) : m_undo->undo(&changes);
    if (changes.isEmpty())
        return;
    patch(changes);
    // The caret goes where the step's last change happened, as in Scintilla's own undo.
    const Collab::TextChange &last = changes.constLast();
    SendScintilla(SCI_GOTOPOS, static_cast<unsigned long>(m_positions->toBytes(last.position + last.inserted.size())));
    Q_EMIT localUpdate(update);
}

bool CollabEditor::canUndo() const
{
    return !isReadOnly() && m_undo->canUndo();
}

bool CollabEditor::canRedo() const
{
    return !isReadOnly() && m_undo->canRedo();
}

bool CollabEditor::event(QEvent *event)
{
    // The editor's own keys win over window shortcuts with the same keys (an app-wide Undo).
    if (event->type() == QEvent::ShortcutOverride && editorKey(static_cast<QKeyEvent *>(event)) != EditorKey::None) {
        event->accept();
        return true;
    }
    return QsciScintilla::event(event);
}

void CollabEditor::keyPressEvent(QKeyEvent *event)
{
    switch (editorKey(event)) {
    case EditorKey::Undo:
        undo();
        break;
    case EditorKey::Redo:
        redo();
        break;
    case EditorKey::ZoomIn:
        zoomIn();
        break;
    case EditorKey::ZoomOut:
        zoomOut();
        break;
    case EditorKey::ZoomReset:
        zoomTo(0);
        break;
    case EditorKey::None:
        // Keys without text move the caret (or run a command): what is typed next is a new
        // undo step, as in every editor.
        if (event->text().isEmpty())
            m_undo->stopCapturing();
        QsciScintilla::keyPressEvent(event);
        return;
    }
    event->accept();
}

void CollabEditor::contextMenuEvent(QContextMenuEvent *event)
{
    // Scintilla's own menu asks its (disabled) undo history; this one asks the engine's.
    QMenu menu(this);
    menu.addAction(tr("&Undo"), QKeySequence::Undo, this, &CollabEditor::undo)->setEnabled(canUndo());
    menu.addAction(tr("&Redo"), QKeySequence::Redo, this, &CollabEditor::redo)->setEnabled(canRedo());
    menu.addSeparator();
    const bool selection = hasSelectedText();
    menu.addAction(tr("Cu&t"), QKeySequence::Cut, this, &QsciScintilla::cut)->setEnabled(selection && !isReadOnly());
    menu.addAction(tr("&Copy"), QKeySequence::Copy, this, &QsciScintilla::copy)->setEnabled(selection);
    menu.addAction(tr("&Paste"), QKeySequence::Paste, this, &QsciScintilla::paste)->setEnabled(!isReadOnly());
    menu.addSeparator();
    menu.addAction(tr("Select &All"), QKeySequence::SelectAll, this, [this] { selectAll(); });
    menu.exec(event->globalPos());
}

void CollabEditor::inputMethodEvent(QInputMethodEvent *event)
{
    // Scintilla shows an input method's preedit text (e.g. pinyin before it becomes 中文) in
    // the document and removes it through its undo history, so that history is on while a
    // composition lasts. Meanwhile the preedit stays out of the engine and remote updates
    // wait; when the composition ends, the engine takes the committed text.
    if (isReadOnly()) {
        QsciScintilla::inputMethodEvent(event);
        return;
    }
    if (!m_composing) {
        m_composing = true;
        m_composed = {kUntouched, kUntouched};
        SendScintilla(SCI_SETUNDOCOLLECTION, 1UL);
    }
    QsciScintilla::inputMethodEvent(event);
    if (!event->preeditString().isEmpty())
        return;
    m_composing = false;
    SendScintilla(SCI_SETUNDOCOLLECTION, 0UL);
    SendScintilla(SCI_EMPTYUNDOBUFFER);
    takeComposedText();
    applyDeferred();
}

void CollabEditor::changeEvent(QEvent *event)
{
    QsciScintilla::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        applyTheme();
}

void CollabEditor::onModified(int position, int type, const char *text, int length)
{
    if (m_patching)
        return;
    if (m_composing) {
        if (type & (SC_MOD_INSERTTEXT | SC_MOD_BEFOREDELETE)) {
            // The length is after an insert and before a delete: either way the bytes that
            // follow the change are the length minus its end.
            const qsizetype total = SendScintilla(SCI_GETLENGTH);
            m_composed.head = std::min<qsizetype>(m_composed.head, position);
            m_composed.tail = std::min<qsizetype>(m_composed.tail, total - position - length);
        }
        return;
    }
    QScopedValueRollback notifying(m_notifying, true);
    if (type & SC_MOD_INSERTTEXT) {
        const QString inserted = QString::fromUtf8(text, length);
        // The server refuses an update over its limit and the client then rolls the text
        // back, so a paste that large would be lost: it goes in pieces of at most 3 bytes
        // of UTF-8 per UTF-16 unit, each its own update, never splitting a character.
        const qsizetype piece = std::max(kMinPiece, qsizetype(m_maxUpdateBytes - kUpdateOverhead) / 3);
        qsizetype at = m_positions->toUtf16(position);
        for (qsizetype from = 0; from < inserted.size();) {
            qsizetype size = std::min(piece, inserted.size() - from);
            if (from + size < inserted.size() && inserted.at(from + size - 1).isHighSurrogate())
                --size;
            emitLocal(m_document.insert(at, QStringView(inserted).mid(from, size)));
            at += size;
            from += size;
        }
    } else if (type & SC_MOD_BEFOREDELETE) {
        const qsizetype from = m_positions->toUtf16(position);
        const qsizetype to = m_positions->toUtf16(qsizetype(position) + length);
        emitLocal(m_document.remove(from, to - from));
    } else {
        return;
    }
    // Markers and indicators are not touched inside Scintilla's notification, and a burst of
    // edits (a paste, a replace) redraws them once.
    m_refreshTimer.start();
}

void CollabEditor::applyDeferred()
{
    for (const QByteArray &update : std::exchange(m_deferred, {}))
        applyRemote(update);
}

void CollabEditor::emitLocal(const QByteArray &update)
{
    if (!update.isEmpty())
        Q_EMIT localUpdate(update);
}

void CollabEditor::patch(const QList<Collab::TextChange> &changes)
{
    {
        QScopedValueRollback guard(m_patching, true);
        const bool readOnly = isReadOnly();
        if (readOnly)
            SendScintilla(SCI_SETREADONLY, 0UL);
        // Scintilla moves the caret, the selection and the first visible line along with the
        // text around them, so replacing exactly the changed ranges keeps them in place.
        for (const Collab::TextChange &change : changes) {
            const qsizetype from = m_positions->toBytes(change.position);
            const qsizetype to = change.removed ? m_positions->toBytes(change.position + change.removed) : from;
            const QByteArray inserted = change.inserted.toUtf8();
            SendScintilla(SCI_SETTARGETRANGE, static_cast<unsigned long>(from), long(to));
            SendScintilla(SCI_REPLACETARGET, static_cast<uintptr_t>(inserted.size()), inserted.constData());
        }
        if (readOnly)
            SendScintilla(SCI_SETREADONLY, 1UL);
    }
    if (std::any_of(changes.cbegin(), changes.cend(), [](const Collab::TextChange &change) { return change.removed > 0; }))
        keepTextInView();
    refreshDecorations();
}

void CollabEditor::keepTextInView()
{
    const long offset = SendScintilla(SCI_GETXOFFSET);
    if (offset <= 0)
        return;
    long textLeft = SendScintilla(SCI_GETMARGINLEFT);
    for (unsigned long margin = 0; margin < 5; ++margin)
        textLeft += SendScintilla(SCI_GETMARGINWIDTHN, margin);
    const long first = SendScintilla(SCI_GETFIRSTVISIBLELINE);
    const long shown = SendScintilla(SCI_LINESONSCREEN) + 1;
    for (long visible = first; visible < first + shown; ++visible) {
        const long line = SendScintilla(SCI_DOCLINEFROMVISIBLE, static_cast<unsigned long>(visible));
        const long end = SendScintilla(SCI_GETLINEENDPOSITION, static_cast<unsigned long>(line));
        if (SendScintilla(SCI_POINTXFROMPOSITION, 0UL, end) > textLeft)
            return; // some text is in view: the user's scroll stays
    }
    // Scintilla's scroll width only grows; it is measured again from the lines shown.
    SendScintilla(SCI_SETSCROLLWIDTH, 1UL);
    SendScintilla(SCI_SETXOFFSET, 0UL);
}

void CollabEditor::takeComposedText()
{
    const Composed composed = std::exchange(m_composed, {kUntouched, kUntouched});
    if (composed.head == kUntouched)
        return;
    // Only the bytes the composition touched differ from the engine's text: the head before
    // them and the tail after them are the same in both.
    const qsizetype bytes = SendScintilla(SCI_GETLENGTH);
    const qsizetype end = std::max(composed.head, bytes - composed.tail);
    const qsizetype from = m_positions->toUtf16(composed.head);
    const qsizetype tailUnits = m_positions->toUtf16(bytes) - m_positions->toUtf16(end);
    m_document.beginTransaction();
    m_document.remove(from, m_document.length() - tailUnits - from);
    m_document.insert(from, text(int(composed.head), int(end)));
    emitLocal(m_document.commitTransaction());
    refreshDecorations();
}

void CollabEditor::reloadText()
{
    const QByteArray text = m_document.text().toUtf8();
    {
        QScopedValueRollback guard(m_patching, true);
        const bool readOnly = isReadOnly();
        SendScintilla(SCI_SETREADONLY, 0UL);
        SendScintilla(SCI_CLEARALL);
        SendScintilla(SCI_APPENDTEXT, static_cast<uintptr_t>(text.size()), text.constData());
        SendScintilla(SCI_SETREADONLY, static_cast<unsigned long>(readOnly));
    }
    SendScintilla(SCI_GOTOPOS, 0UL);
    refreshDecorations();
}

void CollabEditor::refreshDecorations()
{
    m_refreshTimer.stop();
    m_cursors->refresh();
    if (m_comments->refresh())
        Q_EMIT commentsChanged();
}

void CollabEditor::applyTheme()
{
    EditorTheme::apply(this, lexer(), palette());
    m_comments->applyPalette(palette());
    m_cursors->relayout(); // the fonts may have changed with the theme or the language
}

void CollabEditor::updateLineNumberWidth()
{
    const int digits = std::max(3, int(QString::number(lines()).size()));
    if (digits == m_lineNumberDigits)
        return;
    m_lineNumberDigits = digits;
    setMarginWidth(0, QString(digits + 1, QLatin1Char('9')));
    m_cursors->relayout(); // the text moved right or left with the margin
}

qsizetype CollabEditor::resolveToBytes(const Collab::Anchor &anchor) const
{
    return m_positions->toBytes(m_document.resolve(anchor));
}

} // namespace Cohort::Ui
