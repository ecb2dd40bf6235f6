// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "languagemanager.h"

#include <QCoreApplication>
#include <QDir>
#include <QLibraryInfo>
#include <QLocale>

namespace Cohort::Ui {

namespace {
const QString SourceLanguage = QStringLiteral("en");

/// Translations installed next to the binary (<prefix>/share/cohort/translations) win over the
/// copies compiled into the app, so that a packager can ship updated ones.
QStringList translationDirs()
{
    const QString installed = QDir(QCoreApplication::applicationDirPath())
                                  .absoluteFilePath(QStringLiteral("../share/cohort/translations"));
    return {installed, QStringLiteral(":/i18n")};
}
} // namespace

LanguageManager::LanguageManager(QObject *parent)
    : QObject(parent)
{
}

QList<QPair<QString, QString>> LanguageManager::availableLanguages()
{
    return {{QStringLiteral("en"), QStringLiteral("English")},
            {QStringLiteral("de"), QStringLiteral("Deutsch")}};
}

QString LanguageManager::setLanguage(const QString &language)
{
    QString wanted = language;
    if (wanted.isEmpty()) {
        wanted = SourceLanguage;
        const QString system = QLocale::system().name().section(QLatin1Char('_'), 0, 0);
        for (const auto &[code, name] : availableLanguages()) {
            if (code == system)
                wanted = code;
        }
    }
    if (wanted == m_current)
        return m_current;

    QCoreApplication::removeTranslator(&m_appTranslator);
    QCoreApplication::removeTranslator(&m_qtTranslator);
    m_current = SourceLanguage;
    QLocale::setDefault(QLocale(SourceLanguage));

    // The source language has a translator too: it spells the plural forms of "%n member(s)".
    bool loaded = false;
    for (const QString &dir : translationDirs()) {
        if (m_appTranslator.load(QStringLiteral("cohort_%1").arg(wanted), dir)) {
            loaded = true;
            break;
        }
    }
    if (loaded) {
        // Qt's own strings (standard buttons, context menus) where the distribution has them.
        if (wanted != SourceLanguage
            && m_qtTranslator.load(QStringLiteral("qtbase_%1").arg(wanted),
                                   QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
            QCoreApplication::installTranslator(&m_qtTranslator);
        QCoreApplication::installTranslator(&m_appTranslator);
        m_current = wanted;
        QLocale::setDefault(QLocale(wanted));
    }
    return m_current;
}

} // namespace Cohort::Ui
