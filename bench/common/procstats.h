// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include <QtGlobal>

namespace Cohort::Bench {

/// User + system CPU time a process has used so far, in microseconds (from /proc/PID/stat;
/// the kernel counts in clock ticks, so the resolution is 1/CLK_TCK s). -1 if unreadable.
qint64 processCpuMicros(qint64 pid);
/// Resident set size (VmRSS in /proc/PID/status), in bytes. -1 if unreadable.
qint64 processRssBytes(qint64 pid);
/// CPU time of this process, in microseconds.
qint64 ownCpuMicros();
/// Raises this process's open-file limit to the hard limit (thousands of sockets) and returns
/// the new soft limit.
qint64 raiseOpenFileLimit();
/// What every load generator does before creating its QCoreApplication: raises the open-file
/// limit (returned) and picks Qt's own event dispatcher.
qint64 prepareLoadGenerator();

} // namespace Cohort::Bench
