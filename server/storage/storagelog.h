// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include <QLoggingCategory>

namespace Cohort::Server {
Q_DECLARE_LOGGING_CATEGORY(lcStorage)
}
