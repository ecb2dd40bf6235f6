// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "codetypes.h"
#include "reply.h"

#include <QPointer>
#include <QTimer>
#include <QWidget>

class QCheckBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QStackedLayout;
class QTreeWidget;
class QTreeWidgetItem;

namespace Cohort::Client {
class CodeSession;
}

namespace Cohort::Ui {

class EmptyState;

/// The session's comment threads: where each is (file and lines, which move with the text),
/// who wrote it, its replies; reply, resolve or reopen, and a box to comment on the lines
/// selected in the editor. Clicking a thread asks the pane to jump to its lines.
class CommentsPanel : public QWidget
{
    Q_OBJECT
public:
    explicit CommentsPanel(QWidget *parent = nullptr);

    void setSession(Client::CodeSession *session);
    /// Where a new comment would go: the open file and the editor's selected lines (from 0);
    /// an invalid file disables commenting.
    void setTarget(Client::CodeFileId file, const QString &fileName, int firstLine, int lastLine);
    void selectThread(Client::CodeCommentId thread);
    Client::CodeCommentId currentThread() const;
    /// Puts the focus into the new comment box.
    void startComment();

    QTreeWidget *threads() const { return m_threads; }
    QPlainTextEdit *newCommentEdit() const { return m_newText; }
    QPushButton *addButton() const { return m_add; }
    QPlainTextEdit *replyEdit() const { return m_replyText; }
    QPushButton *replyButton() const { return m_reply; }
    QPushButton *resolveButton() const { return m_resolve; }
    QCheckBox *showResolvedBox() const { return m_showResolved; }
    QTreeWidgetItem *itemFor(Client::CodeCommentId comment) const;
    QLabel *commentError() const { return m_addError; }
    QLabel *replyError() const { return m_replyError; }
    /// The pane's answer to commentRequested(): the box is emptied once the comment is stored;
    /// after a failure (offline, refused) it keeps the text and says what went wrong, so
    /// nothing typed is lost and Comment tries again.
    void finishComment(const QString &text, const Client::Reply &reply);

Q_SIGNALS:
    void jumpRequested(Client::CodeFileId file, Client::CodeCommentId thread);
    /// Add was pressed: the pane anchors the comment to the current selection and answers
    /// with finishComment().
    void commentRequested(Client::CodeFileId file, int firstLine, int lastLine, const QString &text);

protected:
    void changeEvent(QEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void rebuild();
    void retranslateUi();
    void updateButtons();
    void updateItemHeights();
    QString place(const Client::CodeCommentInfo &comment, int firstLine, int lastLine) const;
    void sendReply();
    /// Empties `box` if it still holds the sent text; else shows why it was not sent.
    static void finish(QPlainTextEdit *box, QLabel *error, const QString &text, const Client::Reply &reply);

    QPointer<Client::CodeSession> m_session;
    Client::CodeFileId m_targetFile;
    QString m_targetName;
    int m_firstLine = 0;
    int m_lastLine = 0;
    QTimer m_rebuild;
    QStringList m_shown; // every item's id and text as on screen, to rebuild only on a change

    QStackedLayout *m_pages;
    QTreeWidget *m_threads;
    EmptyState *m_empty;
    QCheckBox *m_showResolved;
    QPlainTextEdit *m_replyText;
    QPushButton *m_reply;
    QPushButton *m_resolve;
    QLabel *m_targetLabel;
    QPlainTextEdit *m_newText;
    QPushButton *m_add;
    QLabel *m_replyError;
    QLabel *m_addError;
    bool m_adding = false;   // a comment.add is on its way
    bool m_replying = false; // a comment.reply is on its way
};

} // namespace Cohort::Ui
