// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "document.h"
#include "qscintilla.h"

#include <QByteArray>
#include <QColor>
#include <QList>
#include <QString>
#include <QTimer>

#include <memory>
#include <optional>
#include <utility>

namespace Cohort::Collab {
class UndoManager;
}

namespace Cohort::Ui {

class CommentMarkers;
class PositionMap;
class RemoteCursors;

/// A comment's current place: lines counted from 0, both ends included.
struct CodeComment
{
    QString id;
    int firstLine = 0;
    int lastLine = 0;

    friend bool operator==(const CodeComment &, const CodeComment &) = default;
};

/// QScintilla bound to one replica of the collaborative engine. Every change of the text made
/// here (typing, paste, drop, delete, auto-indent, replace) is seen through Scintilla's
/// modification notifications, applied to the engine at once and emitted as localUpdate();
/// applyRemote() patches the text with the engine's changes without echoing them, without
/// moving the local caret, selection or scroll position off their characters, and outside
/// any undo history. Undo and redo are the engine's, of this user's own edits only;
/// Scintilla's own undo collection is off (except while an input method composes text).
class CollabEditor : public QsciScintilla
{
    Q_OBJECT
public:
    struct FindOptions
    {
        bool regex = false;
        bool caseSensitive = false;
        bool wholeWord = false;
    };

    explicit CollabEditor(QWidget *parent = nullptr);
    ~CollabEditor() override;

    /// Takes over a replica (e.g. one decoded from a server snapshot) and shows its text;
    /// the undo history starts empty.
    void setDocument(Collab::Document document);
    const Collab::Document &document() const { return m_document; }

    /// Applies another replica's update; false (and nothing changes) if it is malformed.
    /// While an input method composes text, updates wait and are applied when it commits;
    /// one that arrives from inside localUpdate() waits for the event loop. Both return true.
    bool applyRemote(const QByteArray &update);

    /// The largest engine update the server takes (its `welcome` says; 32 KiB by default).
    /// A larger insert (a paste, an import) is applied as several updates under it, one after
    /// the other, which the undo history still takes as one step.
    void setMaxUpdateBytes(int bytes);
    int maxUpdateBytes() const { return m_maxUpdateBytes; }

    /// A language id of CodeLanguages ("python", "cpp", ...; "text" for none).
    void setLanguage(const QString &languageId);
    QString language() const { return m_language; }

    /// The local selection as engine anchors, to show it to the other participants.
    std::pair<Collab::Anchor, Collab::Anchor> localSelection() const;
    /// Engine positions (UTF-16) of the local selection: anchor, then caret.
    std::pair<qsizetype, qsizetype> localSelectionPositions() const;
    void setLocalSelection(qsizetype anchor, qsizetype caret);

    void setRemoteCursor(quint64 peer, const QString &name, const QColor &color,
                         const Collab::Anchor &anchor, const Collab::Anchor &head);
    /// The same with engine positions of this replica's current text.
    void setRemoteCursor(quint64 peer, const QString &name, const QColor &color, qsizetype anchor,
                         qsizetype head);
    void removeRemoteCursor(quint64 peer);
    /// Engine positions (anchor, head) of a peer's selection, if the peer is shown.
    std::optional<std::pair<qsizetype, qsizetype>> remoteCursor(quint64 peer) const;
    /// Whether the peer's name tag is shown (for a few seconds after its caret moved).
    bool isRemoteTagShown(quint64 peer) const;
    /// Where the peer's caret is drawn, in viewport coordinates; empty when it is off screen.
    QRect remoteCaretRect(quint64 peer) const;
    /// Where the peer's name tag is drawn, in viewport coordinates; empty when off screen.
    QRect remoteTagRect(quint64 peer) const;

    void setComment(const QString &id, const Collab::Anchor &start, const Collab::Anchor &end);
    /// Anchors a comment to whole lines (from 0) of the current text and returns its anchors.
    std::pair<Collab::Anchor, Collab::Anchor> setLineComment(const QString &id, int firstLine, int lastLine);
    void removeComment(const QString &id);
    QList<CodeComment> comments() const;

    /// Replaces every match in one engine update and one undo step; returns the count.
    int replaceAll(const QString &expression, const QString &replacement, const FindOptions &options);

    /// The engine's undo of this user's own edits (not Scintilla's).
    void undo() override;
    void redo() override;
    bool canUndo() const;
    bool canRedo() const;

Q_SIGNALS:
    void localUpdate(const QByteArray &update);
    /// The user tried to change a read-only (viewer's) text; nothing changed. The pane can
    /// say why.
    void editRefused();
    void commentsChanged();
    void commentClicked(const QString &id);

protected:
    bool event(QEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void contextMenuEvent(QContextMenuEvent *event) override;
    void inputMethodEvent(QInputMethodEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void onModified(int position, int type, const char *text, int length);
    void revert(bool redo);
    void applyDeferred();
    void emitLocal(const QByteArray &update);
    void patch(const QList<Collab::TextChange> &changes);
    /// After others removed text: if every line shown now ends left of the text area (the long
    /// line this view was scrolled along is gone), scrolls back to the left edge.
    void keepTextInView();
    void takeComposedText();
    void reloadText();
    void refreshDecorations();
    void applyTheme();
    void updateLineNumberWidth();
    qsizetype resolveToBytes(const Collab::Anchor &anchor) const;

    Collab::Document m_document;
    std::unique_ptr<Collab::UndoManager> m_undo;
    std::unique_ptr<PositionMap> m_positions;
    RemoteCursors *m_cursors = nullptr;
    std::unique_ptr<CommentMarkers> m_comments;
    QTimer m_refreshTimer;
    QString m_language;
    bool m_patching = false;
    bool m_composing = false;
    bool m_notifying = false; // inside Scintilla's report of a local change
    /// While an input method composes: how many bytes at the start and at the end of the text
    /// it has left untouched.
    struct Composed
    {
        qsizetype head = 0;
        qsizetype tail = 0;
    };
    Composed m_composed;
    QList<QByteArray> m_deferred;
    int m_lineNumberDigits = 0;
    int m_maxUpdateBytes = 32 * 1024;
};

} // namespace Cohort::Ui
