// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "clientlogging.h"

namespace Cohort::Client {
Q_LOGGING_CATEGORY(lcClient, "cohort.app.client")
}
