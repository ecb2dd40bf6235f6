// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include <QWidget>

class QLabel;
class QVBoxLayout;

namespace Cohort::Ui {

/// A centred symbol, title and one explanatory sentence, with room for actions below: what a
/// pane shows while it has nothing to list.
class EmptyState : public QWidget
{
    Q_OBJECT
public:
    explicit EmptyState(const QString &symbol, QWidget *parent = nullptr);

    void setTitle(const QString &title);
    void setText(const QString &text);
    QString title() const;
    QString text() const;
    /// Adds a widget (e.g. a button) under the text; stacked actions share one width, centred.
    void addAction(QWidget *widget);

protected:
    void changeEvent(QEvent *event) override;

private:
    void updateColors();

    QString m_symbol;
    QLabel *m_icon;
    QLabel *m_title;
    QLabel *m_text;
    QVBoxLayout *m_actions;
};

} // namespace Cohort::Ui
