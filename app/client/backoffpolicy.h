// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include <QRandomGenerator>

namespace Cohort::Client {

/// Exponential backoff with full jitter: the n-th delay (n from 0) is uniform in
/// [0, min(maxMs, initialMs * 2^n)]. Full jitter spreads a classroom of clients that lost the
/// server at the same moment, so the restarted server is not hit by all of them at once.
class BackoffPolicy
{
public:
    static constexpr int DefaultInitialMs = 500;
    static constexpr int DefaultMaxMs = 30000;

    /// `seed` makes the sequence reproducible (tests); 0 seeds from the system generator.
    explicit BackoffPolicy(int initialMs = DefaultInitialMs, int maxMs = DefaultMaxMs, quint32 seed = 0);

    /// The delay before the next attempt; advances the attempt counter.
    int nextDelayMs();
    /// The upper bound of the delay for attempt `attempt` (0-based), without jitter.
    int ceilingMs(int attempt) const;
    /// Back to the first attempt, after a connection proved stable.
    void reset();
    /// Attempts made since the last reset.
    int attempts() const { return m_attempts; }

    int initialMs() const { return m_initialMs; }
    int maxMs() const { return m_maxMs; }

private:
    int m_initialMs;
    int m_maxMs;
    int m_attempts = 0;
    QRandomGenerator m_random;
};

} // namespace Cohort::Client
