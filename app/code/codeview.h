// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include <QWidget>

namespace Cohort::Ui {

class CollabEditor;
class FindBar;

/// One open file of the Code pane: the collaborative editor with its find bar underneath.
/// Ctrl+F finds, Ctrl+H replaces, F3 / Shift+F3 find the next / previous match.
class CodeView : public QWidget
{
    Q_OBJECT
public:
    explicit CodeView(QWidget *parent = nullptr);

    CollabEditor *editor() const { return m_editor; }
    FindBar *findBar() const { return m_findBar; }

private:
    CollabEditor *m_editor;
    FindBar *m_findBar;
};

} // namespace Cohort::Ui
