// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "protocol.h"

#include <QCoreApplication>
#include <QString>

namespace Cohort::Ui {

/// The user-facing, translated sentence for each protocol error code. The server's own
/// `message` is English and meant for logs, so the app never shows it as the main text.
class ErrorText
{
    Q_DECLARE_TR_FUNCTIONS(Cohort::Ui::ErrorText)
public:
    /// What went wrong while signing in, signing up or setting up.
    static QString forSignIn(Protocol::ErrorCode code, qint64 retryAfterMs);
    /// What went wrong with any other request.
    static QString forRequest(Protocol::ErrorCode code, qint64 retryAfterMs);
    /// The connection attempt itself failed: no server at the address, or the network is down.
    static QString cannotReach(const QString &address);
    /// "in 40 seconds" / "in 3 minutes", for rate limits.
    static QString waitTime(qint64 ms);
};

} // namespace Cohort::Ui
