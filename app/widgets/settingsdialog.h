// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "appsettings.h"

#include <QDialog>

class QComboBox;
class QDialogButtonBox;
class QGroupBox;
class QLabel;
class QLineEdit;

namespace Cohort::Ui {

/// Server address, language and theme. Language and theme apply at once (preview) and are
/// stored on OK; Cancel restores what was there before.
class SettingsDialog : public QDialog
{
    Q_OBJECT
public:
    explicit SettingsDialog(QWidget *parent = nullptr);

    QString language() const;
    Theme theme() const;
    void setLanguage(const QString &language);
    void setTheme(Theme theme);

Q_SIGNALS:
    void languageChosen(const QString &language);
    void themeChosen(Cohort::Ui::Theme theme);

public Q_SLOTS:
    void accept() override;
    void reject() override;

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslateUi();

    QString m_initialLanguage;
    Theme m_initialTheme;
    QGroupBox *m_connectionGroup;
    QGroupBox *m_appearanceGroup;
    QLabel *m_serverLabel;
    QLineEdit *m_server;
    QLabel *m_serverHint;
    QLabel *m_languageLabel;
    QComboBox *m_language;
    QLabel *m_themeLabel;
    QComboBox *m_theme;
    QLabel *m_error;
    QDialogButtonBox *m_buttons;
};

} // namespace Cohort::Ui
