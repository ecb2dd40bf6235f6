// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "undomanager.h"

#include "document.h"
#include "documentprivate.h"

#include <algorithm>

namespace Cohort::Collab {

UndoManager::UndoManager(Document &document, int groupWindowMs)
    : m_document(document), m_groupWindowMs(groupWindowMs)
{
    m_document.d->undo = this;
}

UndoManager::~UndoManager()
{
    // The document may have been replaced by move assignment meanwhile (and another manager
    // attached to it): only detach ourselves.
    if (m_document.d && m_document.d->undo == this)
        m_document.d->undo = nullptr;
}

bool UndoManager::canUndo() const
{
    return !m_undo.empty();
}

bool UndoManager::canRedo() const
{
    return !m_redo.empty();
}

void UndoManager::stopCapturing()
{
    m_capturing = false;
}

void UndoManager::clear()
{
    m_undo.clear();
    m_redo.clear();
    m_redone.clear();
    m_capturing = false;
}

void UndoManager::recordInsert(quint32 seq, quint32 end)
{
    record({true, seq, end, {}, {}});
}

void UndoManager::recordDelete(std::vector<Span> removed, const QString &text)
{
    record({false, 0, 0, std::move(removed), text});
}

void UndoManager::record(Action action)
{
    std::vector<Step> *stack = &m_undo;
    if (m_mode == Mode::Undoing) {
        stack = &m_redo;
    } else if (m_mode == Mode::Normal) {
        m_redo.clear();
        const bool join = m_capturing && !m_undo.empty() && m_lastEdit.isValid()
            && m_lastEdit.elapsed() < m_groupWindowMs;
        if (!join)
            m_undo.emplace_back();
        m_capturing = true;
        m_lastEdit.start();
    }
    Step &step = stack->back();
    if (action.insert && !step.empty() && step.back().insert && step.back().end == action.seq) {
        step.back().end = action.end;
        return;
    }
    step.push_back(std::move(action));
}

QByteArray UndoManager::revert(std::vector<Step> &from, std::vector<Step> &to, Mode mode,
                               QList<TextChange> *changes)
{
    QList<TextChange> collected;
    QList<TextChange> &out = changes ? *changes : collected;
    out.clear();
    DocumentPrivate &d = *m_document.d;
    m_mode = mode;
    d.changes = &out;
    d.begin();
    // A step whose characters others have all removed meanwhile changes nothing: it is dropped
    // and the step before it reverted instead, so each undo does something visible (as in Yjs).
    while (out.isEmpty() && !from.empty()) {
        const Step step = std::move(from.back());
        from.pop_back();
        to.emplace_back();
        revertStep(step);
        if (to.back().empty())
            to.pop_back();
    }
    QByteArray update = d.commit();
    d.changes = nullptr;
    m_mode = Mode::Normal;
    m_capturing = false;
    return update;
}

void UndoManager::revertStep(const Step &step)
{
    DocumentPrivate &d = *m_document.d;
    for (auto it = step.rbegin(); it != step.rend(); ++it) {
        if (it->insert) {
            // The inserted characters, and what undone deletes made of them since.
            QList<std::pair<qsizetype, qsizetype>> spans;
            std::vector<Span> work{{d.self, it->seq, it->end}};
            while (!work.empty()) {
                const Span span = work.back();
                work.pop_back();
                spans += d.visibleSpans(span.agent, span.seq, span.end);
                // The remembered ranges are disjoint (a character is deleted once): only the
                // last one starting at or before the span can reach into it from the left.
                auto redone = m_redone.upper_bound(span.seq);
                if (redone != m_redone.begin())
                    --redone;
                for (; redone != m_redone.end() && redone->first < span.end; ++redone) {
                    const quint32 lo = std::max(redone->first, span.seq);
                    const quint32 hi = std::min(redone->second.end, span.end);
                    if (lo < hi) {
                        const quint32 own = redone->second.ownSeq + (lo - redone->first);
                        work.push_back({d.self, own, own + (hi - lo)});
                    }
                }
            }
            std::sort(spans.begin(), spans.end(), [](const auto &a, const auto &b) { return a.first > b.first; });
            for (const auto &[position, count] : std::as_const(spans))
                d.localRemove(position, count);
        } else {
            const Span &first = it->removed.front();
            const qsizetype position = d.resolve(
                Anchor{Anchor::Side::StickToNext, d.agents[first.agent].id, first.seq});
            quint32 own = d.agents[d.self].clock();
            d.localInsert(position, it->text);
            for (const Span &span : it->removed) {
                // Undoing an insert looks up only its own characters.
                if (span.agent == d.self)
                    m_redone[span.seq] = {span.end, own};
                own += span.end - span.seq;
            }
        }
    }
}

QByteArray UndoManager::undo(QList<TextChange> *changes)
{
    return revert(m_undo, m_redo, Mode::Undoing, changes);
}

QByteArray UndoManager::redo(QList<TextChange> *changes)
{
    return revert(m_redo, m_undo, Mode::Redoing, changes);
}

} // namespace Cohort::Collab
