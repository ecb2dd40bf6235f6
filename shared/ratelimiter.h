// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include <QtGlobal>

namespace Cohort {

/// A token bucket: `rate` requests per second on average, bursts up to `burst`. Times are
/// monotonic milliseconds passed in by the caller, so the bucket is trivially testable.
class RateLimiter
{
public:
    RateLimiter(double rate, int burst, qint64 nowMs);

    /// Takes one token. Returns 0 when allowed, otherwise the milliseconds until one is available.
    qint64 take(qint64 nowMs);
    /// Whether the bucket has refilled to its burst by `nowMs`: it then behaves exactly like a
    /// new one, so a map of buckets may drop it.
    bool isFull(qint64 nowMs) const;

private:
    double m_rate;
    double m_burst;
    double m_tokens;
    qint64 m_lastMs;
};

} // namespace Cohort
