// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "procstats.h"

#include <QByteArray>
#include <QFile>
#include <QList>

#include <sys/resource.h>
#include <unistd.h>

namespace Cohort::Bench {

namespace {

QByteArray readProcFile(qint64 pid, const char *name)
{
    QFile file(QStringLiteral("/proc/%1/%2").arg(pid).arg(QLatin1String(name)));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

qint64 micros(const timeval &tv)
{
    return qint64(tv.tv_sec) * 1000000 + tv.tv_usec;
}

} // namespace

qint64 processCpuMicros(qint64 pid)
{
    const QByteArray stat = readProcFile(pid, "stat");
    // The command name in field 2 may hold spaces and parentheses: count from the last ')'.
    const qsizetype close = stat.lastIndexOf(')');
    if (close < 0)
        return -1;
    const QList<QByteArray> fields = stat.mid(close + 2).split(' ');
    // After the name, field 3 (state) is index 0; utime and stime are fields 14 and 15.
    if (fields.size() < 13)
        return -1;
    const qint64 ticks = fields.at(11).toLongLong() + fields.at(12).toLongLong();
    return ticks * 1000000 / sysconf(_SC_CLK_TCK);
}

qint64 processRssBytes(qint64 pid)
{
    const QByteArray status = readProcFile(pid, "status");
    for (const QByteArray &line : status.split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong() * 1024;
    }
    return -1;
}

qint64 ownCpuMicros()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return micros(usage.ru_utime) + micros(usage.ru_stime);
}

qint64 raiseOpenFileLimit()
{
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return -1;
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
    getrlimit(RLIMIT_NOFILE, &limit);
    return qint64(limit.rlim_cur);
}

qint64 prepareLoadGenerator()
{
    // GLib's dispatcher walks every socket notifier when one is toggled, which is quadratic
    // with thousands of sockets; Qt's poll() dispatcher is linear per loop turn.
    qputenv("QT_NO_GLIB", "1");
    return raiseOpenFileLimit();
}

} // namespace Cohort::Bench
