// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "chattypes.h"

#include <QWidget>

#include <functional>

class QLabel;
class QLineEdit;
class QListWidget;
class QToolButton;

namespace Cohort::Ui {

/// The Chat pane's search side panel: a query with the filters (from:, in:, before:, after:,
/// has:file) and the hits, newest first; activating a hit asks to show it in context.
class SearchPanel : public QWidget
{
    Q_OBJECT
public:
    /// `roomName` names a hit's room.
    explicit SearchPanel(std::function<QString(RoomId)> roomName, QWidget *parent = nullptr);

    void setResults(const QList<Client::SearchResult> &results);
    /// Forgets the query and its results (the account signed out).
    void clear();
    void focusQuery();

Q_SIGNALS:
    void searchRequested(const QString &query);
    void resultActivated(const Cohort::Client::SearchResult &result);
    void closeRequested();

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslateUi();

    std::function<QString(RoomId)> m_roomName;
    QList<Client::SearchResult> m_results;
    QLabel *m_title;
    QToolButton *m_close;
    QLineEdit *m_query;
    QLabel *m_help;
    QListWidget *m_list;
};

} // namespace Cohort::Ui
