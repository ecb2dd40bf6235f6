// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include <QTextStream>

namespace Cohort::Ui {

/// `cohort --self-test`: hosts a class in a temporary directory, signs the host in over a real
/// connection, signs a student up with the join code, and renders the main window. Prints
/// "self-test ok" and returns 0, or prints the reason and returns 1. Touches no user profile.
/// Needs a running QApplication (the offscreen platform is enough).
int runSelfTest(QTextStream &out);

} // namespace Cohort::Ui
