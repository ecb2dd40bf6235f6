// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include <QJsonObject>
#include <QTextStream>

namespace Cohort::Bench {

/// Standard error as a QTextStream, for the load generators' diagnostics.
QTextStream &errorStream();
/// Prints one result as a compact JSON line on standard output and flushes it, so a script
/// reading the pipe sees each line as soon as it is measured.
void printJsonLine(const QJsonObject &line);

} // namespace Cohort::Bench
