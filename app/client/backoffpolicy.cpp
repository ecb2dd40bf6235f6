// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "backoffpolicy.h"

#include <algorithm>
#include <limits>

namespace Cohort::Client {

BackoffPolicy::BackoffPolicy(int initialMs, int maxMs, quint32 seed)
    : m_initialMs(std::max(1, initialMs))
    , m_maxMs(std::max(m_initialMs, maxMs))
    , m_random(seed ? seed : QRandomGenerator::system()->generate())
{
}

int BackoffPolicy::ceilingMs(int attempt) const
{
    qint64 ceiling = m_initialMs;
    // Doubling stops at the cap, so a long outage cannot overflow the shift.
    for (int i = 0; i < attempt && ceiling < m_maxMs; ++i)
        ceiling *= 2;
    return static_cast<int>(std::min<qint64>(ceiling, m_maxMs));
}

int BackoffPolicy::nextDelayMs()
{
    const int ceiling = ceilingMs(m_attempts);
    if (m_attempts < std::numeric_limits<int>::max())
        ++m_attempts;
    return static_cast<int>(m_random.bounded(ceiling + 1));
}

void BackoffPolicy::reset()
{
    m_attempts = 0;
}

} // namespace Cohort::Client
