// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include <QList>

#include <functional>

namespace Cohort::Client {

/// The local wall clock in ms since the epoch. Injectable so tests can skew it.
using Clock = std::function<qint64()>;
/// QDateTime::currentMSecsSinceEpoch().
qint64 systemClock();

/// NTP-style estimate of the server clock's offset from `time.sync` round trips: a sample's
/// offset is serverTime - (t0 + t1) / 2, and the sample with the smallest round trip among the
/// newest `Window` is trusted, because a short round trip leaves the least room for asymmetry.
class ClockOffsetEstimator
{
public:
    static constexpr int Window = 8;

    /// `t0`: local time the request was sent; `t1`: local time the result arrived.
    /// Samples with t1 < t0 (the local clock jumped back) are ignored.
    void addSample(qint64 t0, qint64 serverTime, qint64 t1);
    bool hasEstimate() const { return !m_samples.isEmpty(); }
    /// server time - local time, in ms; 0 without samples.
    qint64 offsetMs() const;
    /// The round trip of the sample the offset comes from; -1 without samples.
    qint64 roundTripMs() const;
    int sampleCount() const { return static_cast<int>(m_samples.size()); }
    void clear() { m_samples.clear(); }

private:
    struct Sample
    {
        qint64 offset = 0;
        qint64 roundTrip = 0;
    };
    const Sample *best() const;

    QList<Sample> m_samples; // newest last, at most Window
};

} // namespace Cohort::Client
