// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "backoffpolicy.h"

#include <QTest>

using Cohort::Client::BackoffPolicy;

class TestBackoffPolicy : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void ceilingsDoubleUpToTheCap()
    {
        const BackoffPolicy policy(500, 30000, 1);
        QCOMPARE(policy.ceilingMs(0), 500);
        QCOMPARE(policy.ceilingMs(1), 1000);
        QCOMPARE(policy.ceilingMs(2), 2000);
        QCOMPARE(policy.ceilingMs(5), 16000);
        QCOMPARE(policy.ceilingMs(6), 30000);
        QCOMPARE(policy.ceilingMs(1000), 30000); // no overflow after a long outage
    }

    void delaysStayWithinTheirCeiling()
    {
        BackoffPolicy policy(500, 30000, 42);
        for (int attempt = 0; attempt < 200; ++attempt) {
            const int ceiling = policy.ceilingMs(attempt);
            const int delay = policy.nextDelayMs();
            QVERIFY2(delay >= 0 && delay <= ceiling,
                     qPrintable(QStringLiteral("attempt %1: %2 not in [0, %3]").arg(attempt).arg(delay).arg(ceiling)));
        }
        QCOMPARE(policy.attempts(), 200);
    }

    void delaysGrowOnAverage()
    {
        // Mean of many runs per attempt: full jitter halves the ceiling on average.
        constexpr int Runs = 400;
        QList<double> means;
        for (int attempt = 0; attempt < 7; ++attempt) {
            double sum = 0;
            for (int run = 0; run < Runs; ++run) {
                BackoffPolicy policy(500, 30000, static_cast<quint32>(run + 1));
                int delay = 0;
                for (int i = 0; i <= attempt; ++i)
                    delay = policy.nextDelayMs();
                sum += delay;
            }
            means.append(sum / Runs);
        }
        for (int attempt = 0; attempt < means.size(); ++attempt) {
            const double half = BackoffPolicy(500, 30000, 1).ceilingMs(attempt) / 2.0;
            QVERIFY2(std::abs(means.at(attempt) - half) < half * 0.15,
                     qPrintable(QStringLiteral("attempt %1 mean %2, expected about %3").arg(attempt).arg(means.at(attempt)).arg(half)));
            if (attempt > 0)
                QVERIFY(means.at(attempt) > means.at(attempt - 1));
        }
    }

    void delaysAreJittered()
    {
        BackoffPolicy policy(500, 30000, 7);
        for (int i = 0; i < 6; ++i)
            policy.nextDelayMs();
        QSet<int> distinct;
        for (int i = 0; i < 20; ++i)
            distinct.insert(policy.nextDelayMs()); // all at the 30 s cap
        QVERIFY2(distinct.size() > 15, "capped delays should still be spread");
    }

    void fixedSeedIsReproducible()
    {
        BackoffPolicy a(500, 30000, 1234);
        BackoffPolicy b(500, 30000, 1234);
        for (int i = 0; i < 20; ++i)
            QCOMPARE(a.nextDelayMs(), b.nextDelayMs());
    }

    void resetStartsOver()
    {
        BackoffPolicy policy(500, 30000, 9);
        for (int i = 0; i < 10; ++i)
            policy.nextDelayMs();
        policy.reset();
        QCOMPARE(policy.attempts(), 0);
        QVERIFY(policy.nextDelayMs() <= 500);
    }
};

QTEST_GUILESS_MAIN(TestBackoffPolicy)
#include "tst_client_backoffpolicy.moc"
