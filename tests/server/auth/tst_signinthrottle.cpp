// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "signinthrottle.h"

#include <QTest>

using namespace Cohort::Server;

namespace {
constexpr qint64 Window = 15 * 60 * 1000;
const QString Ana = QStringLiteral("ana");
const QString Ben = QStringLiteral("ben");
const QString Here = QStringLiteral("10.0.0.1");
const QString There = QStringLiteral("10.0.0.2");
}

class TestSignInThrottle : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void accountLimitAndWindow()
    {
        SignInThrottle throttle(5, 20, Window);
        const qint64 start = 1'000'000;
        for (int i = 0; i < 5; ++i) {
            QCOMPARE(throttle.retryAfter(Ana, Here, start + i), 0);
            throttle.recordFailure(Ana, Here, start + i);
        }
        // The oldest failure leaves the window at start + Window.
        QCOMPARE(throttle.retryAfter(Ana, There, start + 10), Window - 10);
        QCOMPARE(throttle.retryAfter(Ben, Here, start + 10), 0);
        QVERIFY(throttle.retryAfter(Ana, Here, start + Window - 1) > 0);
        QCOMPARE(throttle.retryAfter(Ana, Here, start + Window), 0);
    }

    void addressLimitAcrossAccounts()
    {
        SignInThrottle throttle(5, 20, Window);
        for (int i = 0; i < 20; ++i)
            throttle.recordFailure(QStringLiteral("user%1").arg(i), Here, 100);
        QCOMPARE(throttle.retryAfter(Ana, Here, 200), Window - 100);
        QCOMPARE(throttle.retryAfter(Ana, There, 200), 0);
        QCOMPARE(throttle.retryAfter(QString(), Here, 200), Window - 100);
    }

    void successClearsOnlyTheAccount()
    {
        SignInThrottle throttle(5, 6, Window);
        for (int i = 0; i < 4; ++i)
            throttle.recordFailure(Ana, Here, 10);
        throttle.recordSuccess(Ana);
        for (int i = 0; i < 2; ++i)
            throttle.recordFailure(Ana, Here, 20);
        QCOMPARE(throttle.retryAfter(Ana, QString(), 30), 0);  // 2 account failures since success
        QCOMPARE(throttle.retryAfter(Ben, Here, 30), Window - 20); // 6 address failures remain
    }

    void attemptsInFlightCountForTheAccount()
    {
        SignInThrottle throttle(5, 20, Window);
        for (int i = 0; i < 3; ++i)
            throttle.recordFailure(Ana, Here, 10);
        QVERIFY(throttle.canStartAttempt(Ana, 20));
        throttle.beginAttempt(Ana);
        QVERIFY(throttle.canStartAttempt(Ana, 20));
        throttle.beginAttempt(Ana);
        QVERIFY(!throttle.canStartAttempt(Ana, 20)); // 3 failures + 2 in flight
        QCOMPARE(throttle.retryAfter(Ana, Here, 20), 0); // held back, not refused
        QVERIFY(throttle.canStartAttempt(Ben, 20));
        throttle.endAttempt(Ana);
        QVERIFY(throttle.canStartAttempt(Ana, 20));
        throttle.endAttempt(Ana);
        throttle.endAttempt(Ana); // one too many must not go negative
        throttle.beginAttempt(Ana);
        throttle.beginAttempt(Ana);
        QVERIFY(!throttle.canStartAttempt(Ana, 20));
        // Failures that leave the window free the slots again.
        QVERIFY(throttle.canStartAttempt(Ana, 10 + Window));
    }

    void oldFailuresAreForgotten()
    {
        SignInThrottle throttle(2, 2, Window);
        throttle.recordFailure(Ana, Here, 0);
        throttle.recordFailure(Ana, Here, 1);
        QVERIFY(throttle.retryAfter(Ana, Here, 2) > 0);
        // A later failure after the window restarts the count from one.
        throttle.recordFailure(Ana, Here, Window + 5);
        QCOMPARE(throttle.retryAfter(Ana, Here, Window + 6), 0);
    }
};

QTEST_GUILESS_MAIN(TestSignInThrottle)
#include "tst_signinthrottle.moc"
