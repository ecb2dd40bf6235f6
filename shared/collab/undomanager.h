// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "collabtypes.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QList>
#include <QString>

#include <map>
#include <vector>

namespace Cohort::Collab {

class Document;

/// Undo and redo of one replica's own edits. It records the local edits of its Document
/// (never remote ones) into steps; edits less than `groupWindowMs` apart join one step unless
/// stopCapturing() was called in between. Undoing an insert deletes those of its characters
/// that still exist; undoing a delete inserts the text again where its neighbours are now.
/// Both produce a normal update to send, and the visible edits they made to this replica's
/// text, so an editor can patch exactly those ranges. One UndoManager per Document (a new one replaces the
/// previous one's recording); it must not outlive the Document object it was given.
class UndoManager
{
public:
    explicit UndoManager(Document &document, int groupWindowMs = 500);
    ~UndoManager();
    UndoManager(const UndoManager &) = delete;
    UndoManager &operator=(const UndoManager &) = delete;

    bool canUndo() const;
    bool canRedo() const;
    /// Reverts the last step that still changes the text (skipping those whose characters
    /// others have all removed); returns its update (empty if there was nothing to undo). If
    /// `changes` is given, it receives the edits the step made to the text, in order, as
    /// Document::apply() reports them.
    QByteArray undo(QList<TextChange> *changes = nullptr);
    QByteArray redo(QList<TextChange> *changes = nullptr);
    /// The next local edit starts a new step.
    void stopCapturing();
    void clear();

private:
    friend class DocumentPrivate;

    struct Span
    {
        quint32 agent = 0;
        quint32 seq = 0;
        quint32 end = 0;
    };
    struct Action
    {
        bool insert = true;
        quint32 seq = 0;         // insert: own characters [seq, end)
        quint32 end = 0;
        std::vector<Span> removed; // delete: the removed characters in text order, and their text
        QString text;
    };
    struct Redone
    {
        quint32 end = 0;
        quint32 ownSeq = 0;
    };
    using Step = std::vector<Action>;
    enum class Mode { Normal, Undoing, Redoing };

    void recordInsert(quint32 seq, quint32 end);
    void recordDelete(std::vector<Span> removed, const QString &text);
    void record(Action action);
    QByteArray revert(std::vector<Step> &from, std::vector<Step> &to, Mode mode, QList<TextChange> *changes);
    void revertStep(const Step &step);

    Document &m_document;
    int m_groupWindowMs;
    QElapsedTimer m_lastEdit;
    bool m_capturing = false;
    Mode m_mode = Mode::Normal;
    std::vector<Step> m_undo;
    std::vector<Step> m_redo;
    /// Own characters that an undone delete inserted again, as new own characters: seq ->
    /// the range's end and the first new seq. Undoing an insert removes those too. Others'
    /// characters are never looked up, so they are not kept.
    std::map<quint32, Redone> m_redone;
};

} // namespace Cohort::Collab
