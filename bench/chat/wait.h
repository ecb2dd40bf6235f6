// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "benchclient.h"

#include <QElapsedTimer>
#include <QJsonObject>

namespace Cohort::Bench {

/// A reply and how long it took from handing the request to the socket to its arrival.
struct TimedReply
{
    QJsonObject frame;
    qint64 micros = -1; // -1: no reply before the timeout
    bool ok() const { return micros >= 0 && !BenchClient::isError(frame); }
    QJsonObject data() const { return frame.value(QStringLiteral("data")).toObject(); }
};

/// Sends one request and runs the event loop until its reply (the chat benchmarks ask one
/// question at a time, so a nested loop keeps them readable).
TimedReply call(BenchClient &client, const QString &op, const QJsonObject &data, int timeoutMs = 30000);
/// Opens the client and signs in with the password; returns the error or empty.
QString signIn(BenchClient &client, const QUrl &url, const QString &username, const QString &password);

} // namespace Cohort::Bench
