// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "settingsdialog.h"

#include "languagemanager.h"
#include "serveraddress.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QEvent>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace Cohort::Ui {

SettingsDialog::SettingsDialog(QWidget *parent)
    : QDialog(parent)
    , m_initialLanguage(AppSettings::language())
    , m_initialTheme(AppSettings::theme())
    , m_connectionGroup(new QGroupBox(this))
    , m_appearanceGroup(new QGroupBox(this))
    , m_serverLabel(new QLabel(this))
    , m_server(new QLineEdit(this))
    , m_serverHint(new QLabel(this))
    , m_languageLabel(new QLabel(this))
    , m_language(new QComboBox(this))
    , m_themeLabel(new QLabel(this))
    , m_theme(new QComboBox(this))
    , m_error(new QLabel(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setObjectName(QStringLiteral("settingsDialog"));
    setMinimumWidth(540);
    m_server->setObjectName(QStringLiteral("settingsServerEdit"));
    m_language->setObjectName(QStringLiteral("languageCombo"));
    m_theme->setObjectName(QStringLiteral("themeCombo"));
    m_server->setText(AppSettings::serverAddress());
    m_language->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    m_theme->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    m_serverHint->setObjectName(QStringLiteral("serverHint"));
    m_serverHint->setWordWrap(true);
    // A wrapped label asks for little width: it grows with the address field above it instead
    // of wrapping its two sentences into a narrow column of three lines.
    m_serverHint->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.9);
    m_serverHint->setFont(small);
    m_error->setWordWrap(true);
    m_error->hide();
    m_serverLabel->setBuddy(m_server);
    m_languageLabel->setBuddy(m_language);
    m_themeLabel->setBuddy(m_theme);

    // Language and theme entries keep their code in the item data; the texts are set in
    // retranslateUi so they follow the language too.
    m_language->addItem(QString(), QString());
    for (const auto &[code, name] : LanguageManager::availableLanguages())
        m_language->addItem(name, code);
    m_theme->addItem(QString(), static_cast<int>(Theme::System));
    m_theme->addItem(QString(), static_cast<int>(Theme::Light));
    m_theme->addItem(QString(), static_cast<int>(Theme::Dark));
    setLanguage(m_initialLanguage);
    setTheme(m_initialTheme);

    auto *connectionForm = new QFormLayout(m_connectionGroup);
    connectionForm->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    connectionForm->addRow(m_serverLabel, m_server);
    connectionForm->addRow(QString(), m_serverHint);
    auto *appearanceForm = new QFormLayout(m_appearanceGroup);
    appearanceForm->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    appearanceForm->addRow(m_languageLabel, m_language);
    appearanceForm->addRow(m_themeLabel, m_theme);

    auto *column = new QVBoxLayout(this);
    column->setContentsMargins(20, 18, 20, 16);
    column->setSpacing(14);
    column->addWidget(m_connectionGroup);
    column->addWidget(m_appearanceGroup);
    column->addWidget(m_error);
    column->addStretch(1);
    column->addWidget(m_buttons);

    connect(m_buttons, &QDialogButtonBox::accepted, this, &SettingsDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &SettingsDialog::reject);
    connect(m_language, &QComboBox::currentIndexChanged, this,
            [this] { Q_EMIT languageChosen(language()); });
    connect(m_theme, &QComboBox::currentIndexChanged, this, [this] { Q_EMIT themeChosen(theme()); });
    retranslateUi();
}

QString SettingsDialog::language() const
{
    return m_language->currentData().toString();
}

Theme SettingsDialog::theme() const
{
    return static_cast<Theme>(m_theme->currentData().toInt());
}

void SettingsDialog::setLanguage(const QString &language)
{
    const int index = m_language->findData(language);
    m_language->setCurrentIndex(index < 0 ? 0 : index);
}

void SettingsDialog::setTheme(Theme theme)
{
    m_theme->setCurrentIndex(qMax(0, m_theme->findData(static_cast<int>(theme))));
}

void SettingsDialog::accept()
{
    const QString server = m_server->text().trimmed();
    if (!parseServerAddress(server).isValid()) {
        m_error->setText(tr("Enter a server address such as ws://192.168.1.20:8740."));
        m_error->show();
        m_server->setFocus();
        return;
    }
    AppSettings::setServerAddress(server);
    AppSettings::setLanguage(language());
    AppSettings::setTheme(theme());
    QDialog::accept();
}

void SettingsDialog::reject()
{
    if (language() != m_initialLanguage)
        Q_EMIT languageChosen(m_initialLanguage);
    if (theme() != m_initialTheme)
        Q_EMIT themeChosen(m_initialTheme);
    QDialog::reject();
}

void SettingsDialog::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
    QDialog::changeEvent(event);
}

void SettingsDialog::retranslateUi()
{
    setWindowTitle(tr("Settings"));
    m_connectionGroup->setTitle(tr("Connection"));
    m_appearanceGroup->setTitle(tr("Appearance"));
    m_serverLabel->setText(tr("&Server address:"));
    m_serverHint->setText(tr("Used the next time you sign in. A sign-in you keep is stored only in the "
                             "system keychain, never in the settings file."));
    m_languageLabel->setText(tr("&Language:"));
    m_language->setItemText(0, tr("System default"));
    m_themeLabel->setText(tr("&Theme:"));
    m_theme->setItemText(0, tr("System"));
    m_theme->setItemText(1, tr("Light"));
    m_theme->setItemText(2, tr("Dark"));
    m_error->setStyleSheet(QStringLiteral("color: #d93b3b;"));
}

} // namespace Cohort::Ui
