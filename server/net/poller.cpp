// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "poller.h"

#include "logging.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <sys/epoll.h>
#include <unistd.h>

namespace Cohort::Server::Net {

namespace {

epoll_event eventFor(PollClient *client, bool wantWrite)
{
    // Level-triggered: a client that leaves bytes unread (fairness cap) is reported again on
    // the next wake-up without bookkeeping of ours.
    epoll_event event{};
    event.events = EPOLLIN | EPOLLRDHUP | (wantWrite ? EPOLLOUT : 0u);
    event.data.ptr = client;
    return event;
}

} // namespace

Poller::Poller(QObject *parent)
    : QObject(parent)
    , m_epoll(::epoll_create1(EPOLL_CLOEXEC))
    , m_batch(std::make_unique<std::array<epoll_event, BatchSize>>())
{
    if (m_epoll < 0) {
        qCWarning(lcNet) << "epoll_create1 failed:" << std::strerror(errno);
        return;
    }
    m_notifier = std::make_unique<QSocketNotifier>(m_epoll, QSocketNotifier::Read);
    connect(m_notifier.get(), &QSocketNotifier::activated, this, &Poller::dispatch);
}

Poller::~Poller()
{
    m_notifier.reset();
    if (m_epoll >= 0)
        ::close(m_epoll);
}

bool Poller::add(int fd, PollClient *client, bool wantWrite)
{
    epoll_event event = eventFor(client, wantWrite);
    if (::epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &event) == 0)
        return true;
    qCWarning(lcNet) << "epoll_ctl ADD failed:" << std::strerror(errno);
    return false;
}

void Poller::setWantWrite(int fd, PollClient *client, bool wantWrite)
{
    epoll_event event = eventFor(client, wantWrite);
    if (::epoll_ctl(m_epoll, EPOLL_CTL_MOD, fd, &event) != 0)
        qCWarning(lcNet) << "epoll_ctl MOD failed:" << std::strerror(errno);
}

void Poller::remove(int fd, PollClient *client)
{
    ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, fd, nullptr);
    for (int i = m_batchIndex; i < m_batchCount; ++i) {
        if ((*m_batch)[i].data.ptr == client)
            (*m_batch)[i].data.ptr = nullptr;
    }
    m_toFlush.removeOne(client);
    std::replace(m_flushing.begin(), m_flushing.end(), client, static_cast<PollClient *>(nullptr));
}

void Poller::scheduleFlush(PollClient *client)
{
    // Outside a wake-up of ours (a timer, a storage answer) a posted call ends the turn.
    if (m_toFlush.isEmpty() && !m_dispatching)
        QMetaObject::invokeMethod(this, &Poller::flushScheduled, Qt::QueuedConnection);
    m_toFlush.append(client);
}

void Poller::flushScheduled()
{
    m_flushing = std::exchange(m_toFlush, {});
    for (qsizetype i = 0; i < m_flushing.size(); ++i) {
        if (PollClient *client = m_flushing.at(i))
            client->flush();
    }
    m_flushing.clear();
}

void Poller::dispatch()
{
    // Never blocks: the notifier said the set has ready descriptors. A full batch means more
    // may be ready; level triggering reports them on the next turn, after other Qt events.
    m_batchCount = ::epoll_wait(m_epoll, m_batch->data(), BatchSize, 0);
    if (m_batchCount < 0) {
        if (errno != EINTR)
            qCWarning(lcNet) << "epoll_wait failed:" << std::strerror(errno);
        m_batchCount = 0;
        return;
    }
    m_dispatching = true;
    for (m_batchIndex = 0; m_batchIndex < m_batchCount; ++m_batchIndex) {
        const epoll_event &event = (*m_batch)[m_batchIndex];
        if (auto *client = static_cast<PollClient *>(event.data.ptr))
            client->onReady(event.events);
    }
    m_batchCount = 0;
    m_batchIndex = 0;
    m_dispatching = false;
    flushScheduled();
}

} // namespace Cohort::Server::Net
