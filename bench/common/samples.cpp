// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "samples.h"

#include <algorithm>
#include <cmath>

namespace Cohort::Bench {

qint64 Samples::percentile(double fraction) const
{
    if (m_values.empty())
        return -1;
    if (!m_sorted) {
        std::sort(m_values.begin(), m_values.end());
        m_sorted = true;
    }
    const auto rank = size_t(std::ceil(fraction * double(m_values.size())));
    return m_values[std::clamp<size_t>(rank, 1, m_values.size()) - 1];
}

qint64 Samples::max() const
{
    return m_values.empty() ? -1 : *std::max_element(m_values.begin(), m_values.end());
}

void Samples::writeTo(QJsonObject &json, const QString &prefix) const
{
    json.insert(prefix + QStringLiteral("P50Ms"), toMillis(percentile(0.50)));
    json.insert(prefix + QStringLiteral("P90Ms"), toMillis(percentile(0.90)));
    json.insert(prefix + QStringLiteral("P99Ms"), toMillis(percentile(0.99)));
    json.insert(prefix + QStringLiteral("MaxMs"), toMillis(max()));
    json.insert(prefix + QStringLiteral("Count"), qint64(count()));
}

double toMillis(qint64 micros)
{
    return micros < 0 ? -1.0 : std::round(double(micros)) / 1000.0;
}

} // namespace Cohort::Bench
