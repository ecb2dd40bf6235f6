// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "clockoffsetestimator.h"

#include <QTest>

using Cohort::Client::ClockOffsetEstimator;

class TestClockOffset : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void noSamplesNoOffset()
    {
        const ClockOffsetEstimator estimator;
        QVERIFY(!estimator.hasEstimate());
        QCOMPARE(estimator.offsetMs(), 0);
        QCOMPARE(estimator.roundTripMs(), -1);
    }

    void symmetricRoundTripGivesTheExactOffset()
    {
        ClockOffsetEstimator estimator;
        // Local clock 5 s behind the server; 40 ms each way.
        const qint64 t0 = 1'763'758'800'000;
        estimator.addSample(t0, t0 + 5000 + 40, t0 + 80);
        QCOMPARE(estimator.offsetMs(), 5000);
        QCOMPARE(estimator.roundTripMs(), 80);
    }

    void smallestRoundTripWins()
    {
        ClockOffsetEstimator estimator;
        const qint64 t0 = 1'000'000;
        estimator.addSample(t0, t0 + 1000 + 300, t0 + 400); // asymmetric slow sample: offset 1100
        estimator.addSample(t0 + 1000, t0 + 1000 + 1000 + 5, t0 + 1010); // fast: offset 1000
        estimator.addSample(t0 + 2000, t0 + 2000 + 1000 + 200, t0 + 2300); // offset 1050
        QCOMPARE(estimator.offsetMs(), 1000);
        QCOMPARE(estimator.roundTripMs(), 10);
    }

    void onlyTheNewestWindowCounts()
    {
        ClockOffsetEstimator estimator;
        estimator.addSample(0, 500 + 1, 2); // very fast, offset 500, then ages out
        for (int i = 1; i <= ClockOffsetEstimator::Window; ++i) {
            const qint64 t0 = i * 1000;
            estimator.addSample(t0, t0 + 20 + 700, t0 + 40); // offset 700
        }
        QCOMPARE(estimator.sampleCount(), ClockOffsetEstimator::Window);
        QCOMPARE(estimator.offsetMs(), 700);
    }

    void backwardsSampleIgnored()
    {
        ClockOffsetEstimator estimator;
        estimator.addSample(2000, 5000, 1000);
        QVERIFY(!estimator.hasEstimate());
    }

    void negativeOffset()
    {
        ClockOffsetEstimator estimator;
        estimator.addSample(10'000, 7'010, 10'020);
        QCOMPARE(estimator.offsetMs(), -3000);
    }
};

QTEST_GUILESS_MAIN(TestClockOffset)
#include "tst_client_clockoffset.moc"
