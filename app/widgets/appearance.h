// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "appsettings.h"

#include <QPalette>

namespace Cohort::Ui {

/// Light and dark palettes. Light and Dark use the Fusion style, which follows the palette
/// everywhere; System restores the platform's style and palette.
class Appearance
{
public:
    /// Remembers the platform style; call once after QApplication exists, before applyTheme.
    static void captureSystemStyle();
    static void applyTheme(Theme theme);
    static QPalette darkPalette();
    static QPalette lightPalette();
    /// Whether the application's current palette is a dark one (dark window background).
    static bool isDark();
};

} // namespace Cohort::Ui
