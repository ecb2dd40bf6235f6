// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include <QString>

namespace Cohort::Ui {

enum class Theme { System, Light, Dark };

/// The app's preferences in QSettings. The sign-in token is deliberately not here: it lives in
/// the OS keychain (TokenStore) or only in memory.
class AppSettings
{
public:
    static QString defaultServerAddress();

    static QString serverAddress();
    static void setServerAddress(const QString &address);
    static QString lastUsername();
    static void setLastUsername(const QString &username);
    static bool keepSignedIn();
    static void setKeepSignedIn(bool keep);

    /// "" follows the system language; otherwise a language code such as "en" or "de".
    static QString language();
    static void setLanguage(const QString &language);
    static Theme theme();
    static void setTheme(Theme theme);

    // What the last "Host a class" used, so that the next start offers the same course.
    static QString hostCourseName();
    static QString hostDisplayName();
    static QString hostUsername();
    static void setHostDetails(const QString &courseName, const QString &displayName,
                               const QString &username);
};

} // namespace Cohort::Ui
