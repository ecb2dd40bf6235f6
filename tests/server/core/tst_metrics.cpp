// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "metrics.h"

#include <QtTest>

using namespace Cohort::Server;
using Cohort::Protocol::ErrorCode;
using Cohort::Protocol::Op;

class TestMetrics : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rendersPrometheusText()
    {
        Metrics metrics;
        metrics.connections = [] { return qint64(7); };
        metrics.countRequest(Op::MessageSend);
        metrics.countRequest(Op::MessageSend);
        metrics.countError(ErrorCode::RateLimited);
        metrics.countClose(4003);
        metrics.addEventsDelivered(42);
        metrics.observeRequest(0.002);
        metrics.observeRequest(3.0);
        const QString text = QString::fromUtf8(metrics.render());
        QVERIFY(text.contains(QStringLiteral("# TYPE cohort_connections gauge\ncohort_connections 7\n")));
        QVERIFY(text.contains(QStringLiteral("cohort_requests_total{op=\"message.send\"} 2\n")));
        QVERIFY(text.contains(QStringLiteral("cohort_errors_total{code=\"rate_limited\"} 1\n")));
        QVERIFY(text.contains(QStringLiteral("cohort_closes_total{code=\"4003\"} 1\n")));
        QVERIFY(text.contains(QStringLiteral("cohort_events_delivered_total 42\n")));
        // Buckets are cumulative and end with +Inf = count.
        QVERIFY(text.contains(QStringLiteral("cohort_request_duration_seconds_bucket{le=\"0.001\"} 0\n")));
        QVERIFY(text.contains(QStringLiteral("cohort_request_duration_seconds_bucket{le=\"0.0025\"} 1\n")));
        QVERIFY(text.contains(QStringLiteral("cohort_request_duration_seconds_bucket{le=\"2.5\"} 1\n")));
        QVERIFY(text.contains(QStringLiteral("cohort_request_duration_seconds_bucket{le=\"+Inf\"} 2\n")));
        QVERIFY(text.contains(QStringLiteral("cohort_request_duration_seconds_count 2\n")));
        QVERIFY(text.contains(QStringLiteral("# TYPE cohort_database_duration_seconds histogram\n")));
        QVERIFY(text.contains(QStringLiteral("process_resident_memory_bytes ")));
        // Every non-comment line is "name[{labels}] value".
        const QStringList lines = text.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        static const QRegularExpression sample(QStringLiteral("^[a-z_]+(\\{[a-z]+=\"[^\"]*\"\\})? -?[0-9.e+]+$"));
        for (const QString &line : lines) {
            if (!line.startsWith(QLatin1Char('#')))
                QVERIFY2(sample.match(line).hasMatch(), qPrintable(line));
        }
    }

    void residentMemoryIsKnownOnLinux()
    {
        QVERIFY(residentMemoryBytes() > 1024 * 1024);
    }
};

QTEST_GUILESS_MAIN(TestMetrics)
#include "tst_metrics.moc"
