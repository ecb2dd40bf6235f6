// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "metrics.h"

#include <QFile>

namespace Cohort::Server {

namespace {

void header(QByteArray &out, const char *name, const char *help, const char *type)
{
    out += "# HELP ";
    out += name;
    out += ' ';
    out += help;
    out += "\n# TYPE ";
    out += name;
    out += ' ';
    out += type;
    out += '\n';
}

void sample(QByteArray &out, const char *name, const QByteArray &labels, double value)
{
    out += name;
    if (!labels.isEmpty()) {
        out += '{';
        out += labels;
        out += '}';
    }
    out += ' ';
    out += QByteArray::number(value, 'g', 17);
    out += '\n';
}

QByteArray label(const char *key, const QString &value)
{
    return QByteArray(key) + "=\"" + value.toUtf8() + '"';
}

} // namespace

Histogram::Histogram(QList<double> bounds)
    : m_bounds(std::move(bounds))
    , m_counts(static_cast<size_t>(m_bounds.size()) + 1, 0)
{
}

void Histogram::observe(double seconds)
{
    qsizetype i = 0;
    while (i < m_bounds.size() && seconds > m_bounds.at(i))
        ++i;
    ++m_counts[static_cast<size_t>(i)];
    m_sum += seconds;
    ++m_count;
}

void Histogram::render(QByteArray &out, const char *name, const char *help) const
{
    header(out, name, help, "histogram");
    const QByteArray bucket = QByteArray(name) + "_bucket";
    quint64 cumulative = 0;
    for (qsizetype i = 0; i < m_bounds.size(); ++i) {
        cumulative += m_counts[static_cast<size_t>(i)];
        sample(out, bucket.constData(), "le=\"" + QByteArray::number(m_bounds.at(i), 'g', 6) + '"',
               static_cast<double>(cumulative));
    }
    sample(out, bucket.constData(), "le=\"+Inf\"", static_cast<double>(m_count));
    sample(out, (QByteArray(name) + "_sum").constData(), {}, m_sum);
    sample(out, (QByteArray(name) + "_count").constData(), {}, static_cast<double>(m_count));
}

Metrics::Metrics()
    : m_requestLatency({0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5})
    , m_databaseLatency({0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1})
{
}

void Metrics::bump(std::vector<quint64> &counts, size_t index)
{
    if (index >= counts.size())
        counts.resize(index + 1, 0);
    ++counts[index];
}

quint64 Metrics::closes(quint16 code) const
{
    const auto it = m_closesByCode.find(code);
    return it == m_closesByCode.end() ? 0 : it->second;
}

QByteArray Metrics::render() const
{
    QByteArray out;
    out.reserve(4096);
    auto gauge = [&out](const char *name, const char *help, const std::function<qint64()> &read) {
        header(out, name, help, "gauge");
        sample(out, name, {}, read ? static_cast<double>(read()) : 0.0);
    };
    gauge("cohort_connections", "Open WebSocket connections.", connections);
    gauge("cohort_rooms_active", "Rooms with at least one joined connection.", activeRooms);
    gauge("cohort_room_subscriptions", "Room joins summed over all connections.", roomSubscriptions);

    header(out, "cohort_connections_accepted_total", "WebSocket connections accepted since start.", "counter");
    sample(out, "cohort_connections_accepted_total", {}, static_cast<double>(m_connectionsAccepted));

    header(out, "cohort_events_delivered_total", "Event frames queued to connections (rate: events/s).", "counter");
    sample(out, "cohort_events_delivered_total", {}, static_cast<double>(m_eventsDelivered));

    header(out, "cohort_requests_total", "Requests received, by op.", "counter");
    for (size_t i = 0; i < m_requestsByOp.size(); ++i) {
        if (m_requestsByOp[i])
            sample(out, "cohort_requests_total", label("op", Protocol::opName(static_cast<Protocol::Op>(i))),
                   static_cast<double>(m_requestsByOp[i]));
    }
    header(out, "cohort_errors_total", "Error frames sent, by code.", "counter");
    for (size_t i = 0; i < m_errorsByCode.size(); ++i) {
        if (m_errorsByCode[i])
            sample(out, "cohort_errors_total",
                   label("code", Protocol::errorCodeName(static_cast<Protocol::ErrorCode>(i))),
                   static_cast<double>(m_errorsByCode[i]));
    }
    header(out, "cohort_closes_total", "Connections closed by the server, by WebSocket close code.", "counter");
    for (const auto &[code, count] : m_closesByCode)
        sample(out, "cohort_closes_total", label("code", QString::number(code)), static_cast<double>(count));

    m_requestLatency.render(out, "cohort_request_duration_seconds", "Time from a request's arrival to its reply.");
    m_databaseLatency.render(out, "cohort_database_duration_seconds", "Time spent in one database call.");

    header(out, "process_resident_memory_bytes", "Resident memory size in bytes.", "gauge");
    sample(out, "process_resident_memory_bytes", {}, static_cast<double>(residentMemoryBytes()));
    return out;
}

qint64 residentMemoryBytes()
{
    QFile file(QStringLiteral("/proc/self/status"));
    if (!file.open(QIODevice::ReadOnly))
        return 0;
    const QList<QByteArray> lines = file.readAll().split('\n');
    for (const QByteArray &line : lines) {
        if (line.startsWith("VmRSS:")) {
            const QList<QByteArray> parts = line.simplified().split(' ');
            if (parts.size() >= 2)
                return parts.at(1).toLongLong() * 1024;
        }
    }
    return 0;
}

} // namespace Cohort::Server
