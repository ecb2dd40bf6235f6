// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "signinthrottle.h"

#include <algorithm>

namespace Cohort::Server {

SignInThrottle::SignInThrottle(int maxPerAccount, int maxPerAddress, qint64 windowMs)
    : m_maxPerAccount(maxPerAccount), m_maxPerAddress(maxPerAddress), m_windowMs(windowMs)
{
}

qint64 SignInThrottle::retryAfter(const QString &account, const QString &address, qint64 now)
{
    prune(now);
    qint64 wait = 0;
    if (!account.isEmpty())
        wait = waitFor(m_accountFailures, account, m_maxPerAccount, now);
    if (!address.isEmpty())
        wait = std::max(wait, waitFor(m_addressFailures, address, m_maxPerAddress, now));
    return wait;
}

bool SignInThrottle::canStartAttempt(const QString &account, qint64 now)
{
    return countRecent(m_accountFailures, account, now) + m_pending.value(account) < m_maxPerAccount;
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

qint64 SignInThrottle::waitFor(Failures &failures, const QString &key, int limit, qint64 now)
{
    const qsizetype count = countRecent(failures, key, now);
    if (count < limit)
        return 0;
    return failures.value(key).at(count - limit) + m_windowMs - now; // when enough have aged out
}

qsizetype SignInThrottle::countRecent(Failures &failures, const QString &key, qint64 now)
{
    auto it = failures.find(key);
    if (it == failures.end())
        return 0;
    it.value().removeIf([&](qint64 t) { return t <= now - m_windowMs; });
    if (it.value().isEmpty()) {
        failures.erase(it);
        return 0;
    }
    return it.value().size();
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
