// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "clockoffsetestimator.h"

#include <QDateTime>

namespace Cohort::Client {

qint64 systemClock()
{
    return QDateTime::currentMSecsSinceEpoch();
}

void ClockOffsetEstimator::addSample(qint64 t0, qint64 serverTime, qint64 t1)
{
    if (t1 < t0)
        return;
    // (t0 + t1) / 2 without overflowing for large epoch values.
    const qint64 midpoint = t0 + (t1 - t0) / 2;
    m_samples.append(Sample{serverTime - midpoint, t1 - t0});
    if (m_samples.size() > Window)
        m_samples.removeFirst();
}

const ClockOffsetEstimator::Sample *ClockOffsetEstimator::best() const
{
    const Sample *best = nullptr;
    for (const Sample &sample : m_samples) {
        if (!best || sample.roundTrip < best->roundTrip)
            best = &sample;
    }
    return best;
}

qint64 ClockOffsetEstimator::offsetMs() const
{
    const Sample *sample = best();
    return sample ? sample->offset : 0;
}

qint64 ClockOffsetEstimator::roundTripMs() const
{
    const Sample *sample = best();
    return sample ? sample->roundTrip : -1;
}

} // namespace Cohort::Client
