// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include <QJsonObject>

#include <vector>

namespace Cohort::Bench {

/// Latency samples in microseconds, summarised as percentiles.
class Samples
{
public:
    void reserve(size_t count) { m_values.reserve(count); }
    void add(qint64 micros)
    {
        m_values.push_back(micros);
        m_sorted = false;
    }
    size_t count() const { return m_values.size(); }
    /// The value below which `fraction` (0..1) of the samples lie (nearest rank); -1 if empty.
    qint64 percentile(double fraction) const;
    qint64 max() const;
    /// {"<prefix>P50Ms":…, "<prefix>P99Ms":…, "<prefix>MaxMs":…, "<prefix>Count":…}
    void writeTo(QJsonObject &json, const QString &prefix) const;

private:
    mutable std::vector<qint64> m_values;
    mutable bool m_sorted = false;
};

/// Milliseconds from microseconds, rounded to three decimals for the JSON output.
double toMillis(qint64 micros);

} // namespace Cohort::Bench
