// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "output.h"

#include <QJsonDocument>

#include <cstdio>

namespace Cohort::Bench {

QTextStream &errorStream()
{
    static QTextStream stream(stderr);
    return stream;
}

void printJsonLine(const QJsonObject &line)
{
    std::fputs(QJsonDocument(line).toJson(QJsonDocument::Compact).append('\n').constData(), stdout);
    std::fflush(stdout);
}

} // namespace Cohort::Bench
