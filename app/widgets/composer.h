// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include <QPlainTextEdit>

class QCompleter;
class QStringListModel;

namespace Cohort::Ui {

/// The message input: Enter sends, Shift+Enter starts a new line, Up in an empty composer asks
/// to edit the last own message, Esc cancels an edit. Typing "@" offers the room's members.
/// It grows with its text up to a few lines. Files dropped or pasted on it, and pasted images,
/// become attachments (filesAttached, imagePasted) instead of text.
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
    /// Files wait to go with the next message: Enter then sends even without text.
    void setHasAttachments(bool has) { m_hasAttachments = has; }
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
    /// Local files dropped or pasted on the composer.
    void filesAttached(const QStringList &paths);
    /// An image pasted from the clipboard (a screenshot).
    void imagePasted(const QImage &image);

protected:
    void keyPressEvent(QKeyEvent *event) override;
    bool canInsertFromMimeData(const QMimeData *source) const override;
    void insertFromMimeData(const QMimeData *source) override;

private:
    void updateCompletion();
    void insertCompletion(const QString &completion);
    void updateHeight();

    QCompleter *m_completer;
    QStringListModel *m_names;
    qint64 m_editSeq = 0;
    QString m_draftBeforeEdit;
    bool m_hasAttachments = false;
};

} // namespace Cohort::Ui
