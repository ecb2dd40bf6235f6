// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "logging.h"

namespace Cohort::Server {

Q_LOGGING_CATEGORY(lcNet, "cohort.server.net", QtInfoMsg)
Q_LOGGING_CATEGORY(lcHttp, "cohort.server.http", QtInfoMsg)

void applyLogLevel(const QString &level)
{
    if (level == QLatin1String("debug"))
        QLoggingCategory::setFilterRules(QStringLiteral("cohort.*=true"));
    else if (level == QLatin1String("warning"))
        QLoggingCategory::setFilterRules(QStringLiteral("cohort.*.debug=false\ncohort.*.info=false"));
    else
        QLoggingCategory::setFilterRules(QStringLiteral("cohort.*.debug=false"));
}

} // namespace Cohort::Server
