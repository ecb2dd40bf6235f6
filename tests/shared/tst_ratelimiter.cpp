// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "ratelimiter.h"

#include <QtTest>

using Cohort::RateLimiter;

class TestRateLimiter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void burstThenRate()
    {
        RateLimiter limiter(10, 5, 0);
        for (int i = 0; i < 5; ++i)
            QCOMPARE(limiter.take(0), 0);
        QCOMPARE(limiter.take(0), 100); // one token per 100 ms
        QCOMPARE(limiter.take(50), 50);
        QCOMPARE(limiter.take(100), 0);
        QVERIFY(limiter.take(100) > 0);
    }

    void refillIsCappedAtBurst()
    {
        RateLimiter limiter(10, 3, 0);
        QCOMPARE(limiter.take(0), 0);
        // A long pause refills to the burst, not beyond.
        for (int i = 0; i < 3; ++i)
            QCOMPARE(limiter.take(60000), 0);
        QVERIFY(limiter.take(60000) > 0);
    }

    void fullOnceRefilled()
    {
        RateLimiter limiter(10, 2, 0);
        QVERIFY(limiter.isFull(0));
        QCOMPARE(limiter.take(0), 0);
        QVERIFY(!limiter.isFull(0));
        QVERIFY(!limiter.isFull(50));
        // Full again, the bucket is as good as a new one and its owner's entry can go.
        QVERIFY(limiter.isFull(100));
    }

    void clockGoingBackwardsGrantsNothing()
    {
        RateLimiter limiter(1, 1, 1000);
        QCOMPARE(limiter.take(1000), 0);
        QVERIFY(limiter.take(0) > 0);
    }
};

QTEST_GUILESS_MAIN(TestRateLimiter)
#include "tst_ratelimiter.moc"
