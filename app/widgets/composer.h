// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include <QPlainTextEdit>

class QCompleter;
class QStringListModel;

namespace Cohort::Ui {

/// The message input: Enter sends, Shift+Enter starts a new line, Up in an empty composer asks
/// to edit the last own message, Esc cancels an edit. Typing "@" offers the room's members.
/// It grows with its text up to a few lines.
class Composer : public QPlainTextEdit
{
    Q_OBJECT
public:
    explicit Composer(QWidget *parent = nullptr);

    /// Usernames offered after "@" (the room's members), plus "room".
    void setMemberNames(const QStringList &names);
    /// Puts the composer in edit mode for the message `seq` with its current text.
    void beginEdit(qint64 seq, const QString &text);
    void cancelEdit();
    bool isEditing() const { return m_editSeq > 0; }
    qint64 editSeq() const { return m_editSeq; }
    /// Inserts text at the cursor (the emoji picker).
    void insertAtCursor(const QString &text);
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

Q_SIGNALS:
    /// Enter with text: a new message, or the new text of the message being edited.
    void submitted(const QString &text);
    void editSubmitted(qint64 seq, const QString &text);
    void editLastRequested();
    void editCancelled();
    void escapePressed();
    void typed();
    void editModeChanged(bool editing);

protected:
    void keyPressEvent(QKeyEvent *event) override;

private:
    void updateCompletion();
    void insertCompletion(const QString &completion);
    void updateHeight();

    QCompleter *m_completer;
    QStringListModel *m_names;
    qint64 m_editSeq = 0;
    QString m_draftBeforeEdit;
};

} // namespace Cohort::Ui
