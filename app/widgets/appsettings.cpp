// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "appsettings.h"

#include <QSettings>

namespace Cohort::Ui {

namespace {
const QString KeyServer = QStringLiteral("connection/server");
const QString KeyUsername = QStringLiteral("connection/username");
const QString KeyKeepSignedIn = QStringLiteral("connection/keepSignedIn");
const QString KeyLanguage = QStringLiteral("appearance/language");
const QString KeyTheme = QStringLiteral("appearance/theme");
const QString KeyHostCourse = QStringLiteral("host/courseName");
const QString KeyHostDisplayName = QStringLiteral("host/displayName");
const QString KeyHostUsername = QStringLiteral("host/username");
} // namespace

QString AppSettings::defaultServerAddress()
{
    return QStringLiteral("ws://localhost:8740");
}

QString AppSettings::serverAddress()
{
    return QSettings().value(KeyServer, defaultServerAddress()).toString();
}

void AppSettings::setServerAddress(const QString &address)
{
    QSettings().setValue(KeyServer, address);
}

QString AppSettings::lastUsername()
{
    return QSettings().value(KeyUsername).toString();
}

void AppSettings::setLastUsername(const QString &username)
{
    QSettings().setValue(KeyUsername, username);
}

bool AppSettings::keepSignedIn()
{
    return QSettings().value(KeyKeepSignedIn, true).toBool();
}

void AppSettings::setKeepSignedIn(bool keep)
{
    QSettings().setValue(KeyKeepSignedIn, keep);
}

QString AppSettings::language()
{
    return QSettings().value(KeyLanguage).toString();
}

void AppSettings::setLanguage(const QString &language)
{
    QSettings().setValue(KeyLanguage, language);
}

Theme AppSettings::theme()
{
    const QString name = QSettings().value(KeyTheme).toString();
    if (name == QLatin1String("light"))
        return Theme::Light;
    if (name == QLatin1String("dark"))
        return Theme::Dark;
    return Theme::System;
}

void AppSettings::setTheme(Theme theme)
{
    QString name = QStringLiteral("system");
    if (theme == Theme::Light)
        name = QStringLiteral("light");
    else if (theme == Theme::Dark)
        name = QStringLiteral("dark");
    QSettings().setValue(KeyTheme, name);
}

QString AppSettings::hostCourseName()
{
    return QSettings().value(KeyHostCourse).toString();
}

QString AppSettings::hostDisplayName()
{
    return QSettings().value(KeyHostDisplayName).toString();
}

QString AppSettings::hostUsername()
{
    return QSettings().value(KeyHostUsername).toString();
}

void AppSettings::setHostDetails(const QString &courseName, const QString &displayName,
                                 const QString &username)
{
    QSettings settings;
    settings.setValue(KeyHostCourse, courseName);
    settings.setValue(KeyHostDisplayName, displayName);
    settings.setValue(KeyHostUsername, username);
}

} // namespace Cohort::Ui
