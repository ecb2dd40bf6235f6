// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "ratelimiter.h"

#include <algorithm>
#include <cmath>

namespace Cohort {

RateLimiter::RateLimiter(double rate, int burst, qint64 nowMs)
    : m_rate(rate > 0 ? rate : 1.0)
    , m_burst(std::max(burst, 1))
    , m_tokens(m_burst)
    , m_lastMs(nowMs)
{
}

qint64 RateLimiter::take(qint64 nowMs)
{
    if (nowMs > m_lastMs) {
        m_tokens = std::min(m_burst, m_tokens + (nowMs - m_lastMs) * m_rate / 1000.0);
        m_lastMs = nowMs;
    }
    if (m_tokens >= 1.0) {
        m_tokens -= 1.0;
        return 0;
    }
    return std::max<qint64>(1, static_cast<qint64>(std::ceil((1.0 - m_tokens) * 1000.0 / m_rate)));
}

bool RateLimiter::isFull(qint64 nowMs) const
{
    return m_tokens + std::max<qint64>(0, nowMs - m_lastMs) * m_rate / 1000.0 >= m_burst;
}

} // namespace Cohort
