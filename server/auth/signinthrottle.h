// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include <QHash>
#include <QList>
#include <QString>

namespace Cohort::Server {

/// Counts failed sign-ins per account and per address in a sliding window. Once a key has
/// reached its limit, every attempt is refused until its oldest failure leaves the window,
/// whether the password would be right or not, so guessing cannot continue by luck.
///
/// Attempts still being verified are tracked per account: an account may not have more attempts
/// in flight than failures it has left, so a burst of parallel guesses cannot slip past the limit
/// while the hashes run (the caller holds the extra attempts back until one has ended).
/// Addresses have no such cap: a whole school behind one NAT address signs in at once at the start
/// of an exam.
class SignInThrottle
{
public:
    SignInThrottle(int maxPerAccount, int maxPerAddress, qint64 windowMs);

    /// Milliseconds until `account` / `address` may try again; 0 when they may now. An empty key
    /// is not checked.
    qint64 retryAfter(const QString &account, const QString &address, qint64 now);
    /// Whether another attempt for `account` may start verifying now, given those in flight.
    bool canStartAttempt(const QString &account, qint64 now);
    void beginAttempt(const QString &account);
    void endAttempt(const QString &account);
    void recordFailure(const QString &account, const QString &address, qint64 now);
    /// A correct password clears its account's failures (not its address's).
    void recordSuccess(const QString &account);

private:
    using Failures = QHash<QString, QList<qint64>>;

    qint64 waitFor(Failures &failures, const QString &key, int limit, qint64 now);
    qsizetype countRecent(Failures &failures, const QString &key, qint64 now);
    void prune(qint64 now);

    int m_maxPerAccount;
    int m_maxPerAddress;
    qint64 m_windowMs;
    Failures m_accountFailures;
    Failures m_addressFailures;
    QHash<QString, int> m_pending;
    qint64 m_lastPrune = 0;
};

} // namespace Cohort::Server
