// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include <QLoggingCategory>

namespace Cohort::Server {

Q_DECLARE_LOGGING_CATEGORY(lcNet)
Q_DECLARE_LOGGING_CATEGORY(lcHttp)

/// Applies a `--log-level` value (debug, info, warning) to every cohort.* category.
void applyLogLevel(const QString &level);

} // namespace Cohort::Server
