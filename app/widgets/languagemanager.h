// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include <QObject>
#include <QTranslator>

namespace Cohort::Ui {

/// Installs the translators for the chosen language at runtime. Installing a translator sends
/// QEvent::LanguageChange to every widget, and each retranslates itself in changeEvent().
class LanguageManager : public QObject
{
    Q_OBJECT
public:
    explicit LanguageManager(QObject *parent = nullptr);

    /// "" follows the system language, "en" or "de" pick one. Returns the language now in use.
    QString setLanguage(const QString &language);
    QString currentLanguage() const { return m_current; }

    /// The languages offered in settings: code and native name.
    static QList<QPair<QString, QString>> availableLanguages();

private:
    QTranslator m_appTranslator;
    QTranslator m_qtTranslator;
    QString m_current;
};

} // namespace Cohort::Ui
