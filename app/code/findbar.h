// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include <QWidget>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace Cohort::Ui {

class CollabEditor;

/// Find and replace in one CollabEditor: regular expressions (ECMAScript syntax), case and whole
/// word; "Replace all" is one engine update and one undo step.
class FindBar : public QWidget
{
    Q_OBJECT
public:
    explicit FindBar(CollabEditor *editor, QWidget *parent = nullptr);

    /// Shows the bar with the selected text (one line of it) as the search text.
    void activate(bool replace);
    bool findNext();
    bool findPrevious();
    bool replaceCurrent();
    int replaceAll();

    QLineEdit *findEdit() const { return m_find; }
    QLineEdit *replaceEdit() const { return m_replace; }
    QCheckBox *regexBox() const { return m_regex; }
    QCheckBox *caseBox() const { return m_case; }
    QCheckBox *wholeWordBox() const { return m_wholeWord; }

Q_SIGNALS:
    void closed();

protected:
    void keyPressEvent(QKeyEvent *event) override;

private:
    bool find(bool forward);
    void setStatus(const QString &text);

    CollabEditor *m_editor;
    QLineEdit *m_find;
    QLineEdit *m_replace;
    QCheckBox *m_regex;
    QCheckBox *m_case;
    QCheckBox *m_wholeWord;
    QPushButton *m_replaceButton;
    QPushButton *m_replaceAllButton;
    QLabel *m_status;
};

} // namespace Cohort::Ui
