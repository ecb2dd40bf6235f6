// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include <QTextStream>

namespace Cohort::Server {

/// `cohort-server --self-test`: starts a server on a free port with a temporary data dir,
/// connects a real WebSocket client, checks hello/welcome and /healthz. Prints "self-test ok"
/// and returns 0, or prints the reason and returns 1. Needs a running QCoreApplication.
int runSelfTest(QTextStream &out);

} // namespace Cohort::Server
