// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "codeview.h"

#include "collabeditor.h"
#include "findbar.h"

#include <QAction>
#include <QVBoxLayout>

namespace Cohort::Ui {

CodeView::CodeView(QWidget *parent)
    : QWidget(parent), m_editor(new CollabEditor(this)), m_findBar(new FindBar(m_editor, this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_editor, 1);
    layout->addWidget(m_findBar);
    m_findBar->hide();

    auto addShortcut = [this](const QString &text, const QKeySequence &shortcut, auto slot) {
        auto *action = new QAction(text, this);
        action->setShortcut(shortcut);
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        connect(action, &QAction::triggered, this, slot);
        addAction(action);
    };
    addShortcut(tr("Find"), QKeySequence::Find, [this] { m_findBar->activate(false); });
    addShortcut(tr("Replace"), QKeySequence(Qt::ControlModifier | Qt::Key_H), [this] { m_findBar->activate(true); });
    addShortcut(tr("Find next"), QKeySequence::FindNext, [this] { m_findBar->findNext(); });
    addShortcut(tr("Find previous"), QKeySequence::FindPrevious, [this] { m_findBar->findPrevious(); });
}

} // namespace Cohort::Ui
