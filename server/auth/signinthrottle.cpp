// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "signinthrottle.h"

#include <algorithm>

namespace Cohort::Server {

namespace {
// While the account's own guesses are still being verified we cannot know when it may retry;
// a verification takes well under a second.
constexpr qint64 PendingRetryMs = 1000;
}

SignInThrottle::SignInThrottle(int maxPerAccount, int maxPerAddress, qint64 windowMs)
    : m_maxPerAccount(maxPerAccount), m_maxPerAddress(maxPerAddress), m_windowMs(windowMs)
{
}

qint64 SignInThrottle::retryAfter(const QString &account, const QString &address, qint64 now)
{
    prune(now);
    qint64 wait = 0;
    if (!account.isEmpty())
        wait = waitFor(m_accountFailures, account, m_maxPerAccount, m_pending.value(account), now);
    if (!address.isEmpty())
        wait = std::max(wait, waitFor(m_addressFailures, address, m_maxPerAddress, 0, now));
    return wait;
}

void SignInThrottle::beginAttempt(const QString &account)
{
    ++m_pending[account];
}

void SignInThrottle::endAttempt(const QString &account)
{
    auto it = m_pending.find(account);
    if (it != m_pending.end() && --it.value() <= 0)
        m_pending.erase(it);
}

void SignInThrottle::recordFailure(const QString &account, const QString &address, qint64 now)
{
    if (!account.isEmpty())
        m_accountFailures[account].append(now);
    if (!address.isEmpty())
        m_addressFailures[address].append(now);
}

void SignInThrottle::recordSuccess(const QString &account)
{
    m_accountFailures.remove(account);
}

qint64 SignInThrottle::waitFor(Failures &failures, const QString &key, int limit, int pending, qint64 now)
{
    auto it = failures.find(key);
    qsizetype count = 0;
    if (it != failures.end()) {
        QList<qint64> &times = it.value();
        times.removeIf([&](qint64 t) { return t <= now - m_windowMs; });
        count = times.size();
        if (count >= limit)
            return times.at(count - limit) + m_windowMs - now; // when enough failures have aged out
        if (times.isEmpty())
            failures.erase(it);
    }
    return count + pending >= limit ? PendingRetryMs : 0;
}

void SignInThrottle::prune(qint64 now)
{
    // Forget keys whose newest failure has left the window, so probing many names or
    // addresses cannot grow the maps without bound. Once per window is enough.
    if (now - m_lastPrune < m_windowMs)
        return;
    m_lastPrune = now;
    for (Failures *failures : {&m_accountFailures, &m_addressFailures}) {
        failures->removeIf([&](const Failures::iterator &it) {
            return it.value().isEmpty() || it.value().constLast() <= now - m_windowMs;
        });
    }
}

} // namespace Cohort::Server
