// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "transport.h"

#include <QSignalSpy>
#include <QTest>

using namespace Cohort;

class TestTransport : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void inMemoryDeliversInOrderOnTheNextTurn()
    {
        auto [a, b] = InMemoryTransport::createPair(this);
        QSignalSpy received(b, &Transport::textReceived);
        a->sendText(QStringLiteral("one"));
        a->sendText(QStringLiteral("two"));
        QVERIFY(a->pendingBytes() > 0);
        QCOMPARE(received.count(), 0);
        QTRY_COMPARE(received.count(), 2);
        QCOMPARE(received.at(0).at(0).toString(), QStringLiteral("one"));
        QCOMPARE(received.at(1).at(0).toString(), QStringLiteral("two"));
        QCOMPARE(a->pendingBytes(), 0);
        delete a;
        delete b;
    }

    void closeReachesBothEnds()
    {
        auto [a, b] = InMemoryTransport::createPair(this);
        QSignalSpy closedA(a, &Transport::closed);
        QSignalSpy closedB(b, &Transport::closed);
        a->close(4003, QStringLiteral("slow"));
        QTRY_COMPARE(closedB.count(), 1);
        QCOMPARE(closedA.count(), 1);
        QCOMPARE(closedB.at(0).at(0).value<quint16>(), quint16(4003));
        QVERIFY(!a->isOpen());
        QVERIFY(!b->isOpen());
        QSignalSpy received(b, &Transport::textReceived);
        a->sendText(QStringLiteral("late"));
        QTest::qWait(10);
        QCOMPARE(received.count(), 0);
        delete a;
        delete b;
    }

    void frameInFlightToAClosedPeerIsDropped()
    {
        auto [a, b] = InMemoryTransport::createPair(this);
        QSignalSpy received(b, &Transport::textReceived);
        a->sendText(QStringLiteral("lost"));
        b->abort();
        QTest::qWait(10);
        QCOMPARE(received.count(), 0);
        delete a;
        delete b;
    }

    void pingIsAnswered()
    {
        auto [a, b] = InMemoryTransport::createPair(this);
        QSignalSpy pong(a, &Transport::pongReceived);
        a->ping();
        QTRY_COMPARE(pong.count(), 1);
        delete a;
        delete b;
    }
};

QTEST_GUILESS_MAIN(TestTransport)
#include "tst_transport.moc"
