// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "protocol.h"

#include <QByteArray>
#include <QList>

#include <functional>
#include <map>
#include <vector>

namespace Cohort::Server {

/// A Prometheus histogram with fixed upper bounds in seconds.
class Histogram
{
public:
    explicit Histogram(QList<double> bounds);

    void observe(double seconds);
    void render(QByteArray &out, const char *name, const char *help) const;
    quint64 count() const { return m_count; }

private:
    QList<double> m_bounds;
    std::vector<quint64> m_counts; // per bucket, not cumulative; one more for +Inf
    double m_sum = 0;
    quint64 m_count = 0;
};

/// The server's counters and gauges, rendered in the Prometheus text format (version 0.0.4).
/// Updates are plain integer increments on the event-loop thread; nothing here locks.
class Metrics
{
public:
    Metrics();

    /// Gauges that are read when rendering rather than kept up to date.
    std::function<qint64()> connections;
    std::function<qint64()> activeRooms;
    std::function<qint64()> roomSubscriptions;

    void countRequest(Protocol::Op op) { bump(m_requestsByOp, static_cast<size_t>(op)); }
    void countError(Protocol::ErrorCode code) { bump(m_errorsByCode, static_cast<size_t>(code)); }
    void countClose(quint16 code) { ++m_closesByCode[code]; }
    void addEventsDelivered(qint64 n) { m_eventsDelivered += static_cast<quint64>(n); }
    void countConnectionAccepted() { ++m_connectionsAccepted; }
    void observeRequest(double seconds) { m_requestLatency.observe(seconds); }
    void observeDatabase(double seconds) { m_databaseLatency.observe(seconds); }

    quint64 eventsDelivered() const { return m_eventsDelivered; }
    quint64 closes(quint16 code) const;

    QByteArray render() const;

private:
    static void bump(std::vector<quint64> &counts, size_t index);

    std::vector<quint64> m_requestsByOp;
    std::vector<quint64> m_errorsByCode;
    std::map<quint16, quint64> m_closesByCode;
    quint64 m_eventsDelivered = 0;
    quint64 m_connectionsAccepted = 0;
    Histogram m_requestLatency;
    Histogram m_databaseLatency;
};

/// The process's resident set size in bytes (Linux: VmRSS from /proc/self/status), 0 if unknown.
qint64 residentMemoryBytes();

} // namespace Cohort::Server
