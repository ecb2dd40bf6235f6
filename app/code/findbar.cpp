// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "findbar.h"

#include "collabeditor.h"

#include <QCheckBox>
#include <QGridLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStyle>
#include <QToolButton>

#include <utility>

namespace Cohort::Ui {

FindBar::FindBar(CollabEditor *editor, QWidget *parent)
    : QWidget(parent), m_editor(editor)
{
    m_find = new QLineEdit(this);
    m_find->setPlaceholderText(tr("Find"));
    m_find->setClearButtonEnabled(true);
    m_replace = new QLineEdit(this);
    m_replace->setPlaceholderText(tr("Replace with"));
    m_regex = new QCheckBox(tr("Regular e&xpression"), this);
    m_case = new QCheckBox(tr("Match &case"), this);
    m_wholeWord = new QCheckBox(tr("&Whole words"), this);
    auto *previous = new QPushButton(tr("&Previous"), this);
    auto *next = new QPushButton(tr("&Next"), this);
    m_replaceButton = new QPushButton(tr("&Replace"), this);
    m_replaceAllButton = new QPushButton(tr("Replace &all"), this);
    m_status = new QLabel(this);
    auto *close = new QToolButton(this);
    close->setAutoRaise(true);
    close->setIcon(style()->standardIcon(QStyle::SP_TitleBarCloseButton));
    close->setToolTip(tr("Close the find bar"));

    auto *layout = new QGridLayout(this);
    layout->setContentsMargins(6, 4, 6, 4);
    layout->addWidget(m_find, 0, 0);
    layout->addWidget(previous, 0, 1);
    layout->addWidget(next, 0, 2);
    layout->addWidget(m_regex, 0, 3);
    layout->addWidget(m_case, 0, 4);
    layout->addWidget(m_wholeWord, 0, 5);
    layout->addWidget(m_status, 0, 6);
    layout->addWidget(close, 0, 7);
    layout->addWidget(m_replace, 1, 0);
    layout->addWidget(m_replaceButton, 1, 1);
    layout->addWidget(m_replaceAllButton, 1, 2);
    layout->setColumnStretch(0, 1);
    layout->setColumnStretch(6, 1);

    connect(m_find, &QLineEdit::returnPressed, this, &FindBar::findNext);
    connect(m_find, &QLineEdit::textChanged, this, [this] { setStatus({}); });
    connect(m_replace, &QLineEdit::returnPressed, this, &FindBar::replaceCurrent);
    connect(next, &QPushButton::clicked, this, &FindBar::findNext);
    connect(previous, &QPushButton::clicked, this, &FindBar::findPrevious);
    connect(m_replaceButton, &QPushButton::clicked, this, &FindBar::replaceCurrent);
    connect(m_replaceAllButton, &QPushButton::clicked, this, &FindBar::replaceAll);
    connect(close, &QToolButton::clicked, this, [this] {
        hide();
        Q_EMIT closed();
    });
}

void FindBar::activate(bool replace)
{
    const QString selected = m_editor->selectedText();
    if (!selected.isEmpty() && !selected.contains(QLatin1Char('\n')))
        m_find->setText(selected);
    const bool editable = !m_editor->isReadOnly();
    m_replace->setVisible(replace && editable);
    m_replaceButton->setVisible(replace && editable);
    m_replaceAllButton->setVisible(replace && editable);
    show();
    m_find->setFocus();
    m_find->selectAll();
}

bool FindBar::findNext()
{
    return find(true);
}

bool FindBar::findPrevious()
{
    return find(false);
}

bool FindBar::find(bool forward)
{
    if (m_find->text().isEmpty())
        return false;
    int line = -1;
    int index = -1;
    if (!forward && m_editor->hasSelectedText()) {
        // A backward search starts before the current match, not at the caret after it.
        int lineTo = 0, indexTo = 0;
        m_editor->getSelection(&line, &index, &lineTo, &indexTo);
    }
    const bool found = m_editor->findFirst(m_find->text(), m_regex->isChecked(), m_case->isChecked(),
                                           m_wholeWord->isChecked(), true, forward, line, index, true, false,
                                           m_regex->isChecked());
    setStatus(found ? QString() : tr("No matches"));
    return found;
}

bool FindBar::replaceCurrent()
{
    if (m_editor->isReadOnly() || m_find->text().isEmpty())
        return false;
    if (!m_editor->hasSelectedText())
        return find(true);
    // Only a match is replaced, and the search runs again from the selection's start: the
    // user may have selected other text since, or a remote edit may have moved the text under
    // the last search (whose capture groups a regular expression's replacement uses).
    const auto [anchor, caret] = m_editor->localSelectionPositions();
    const std::pair selected{std::min(anchor, caret), std::max(anchor, caret)};
    m_editor->setLocalSelection(selected.first, selected.first);
    if (!find(true))
        return false;
    if (m_editor->localSelectionPositions() != selected)
        return true; // not a match: the next match is selected now, to be replaced next time
    m_editor->replace(m_replace->text());
    find(true);
    return true;
}

int FindBar::replaceAll()
{
    const int count = m_editor->replaceAll(m_find->text(), m_replace->text(),
                                           {m_regex->isChecked(), m_case->isChecked(), m_wholeWord->isChecked()});
    setStatus(count ? tr("%n replaced", nullptr, count) : tr("No matches"));
    return count;
}

void FindBar::keyPressEvent(QKeyEvent *event)
{
    if (event->key() == Qt::Key_Escape) {
        hide();
        m_editor->setFocus();
        Q_EMIT closed();
        return;
    }
    QWidget::keyPressEvent(event);
}

void FindBar::setStatus(const QString &text)
{
    m_status->setText(text);
}

} // namespace Cohort::Ui
