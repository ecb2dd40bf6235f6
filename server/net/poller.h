// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include <QList>
#include <QObject>
#include <QSocketNotifier>

#include <array>
#include <memory>

struct epoll_event;

namespace Cohort::Server::Net {

/// Something with a file descriptor in the Poller.
class PollClient
{
public:
    virtual ~PollClient() = default;
    /// The descriptor is readable, writable, or failed/hung up (flags from epoll).
    virtual void onReady(quint32 events) = 0;
    /// Writes what was queued during this event-loop turn (see Poller::scheduleFlush).
    virtual void flush() = 0;
};

/// One epoll set for all client sockets. Qt's event loop polls every notifier on every turn,
/// so its cost grows with the number of connections; here the loop sees one descriptor, and a
/// wake-up handles only the sockets that are ready.
class Poller : public QObject
{
    Q_OBJECT
public:
    explicit Poller(QObject *parent = nullptr);
    ~Poller() override;

    /// False when the epoll set could not be created.
    bool isValid() const { return m_epoll >= 0; }
    bool add(int fd, PollClient *client, bool wantWrite);
    void setWantWrite(int fd, PollClient *client, bool wantWrite);
    /// Removes the descriptor; no further onReady or flush reaches `client`, not even from the
    /// batch being dispatched.
    void remove(int fd, PollClient *client);
    /// Calls `client->flush()` at the end of this event-loop turn: every frame a connection gets
    /// in one turn (a burst of broadcasts) leaves in one writev, and a connection that gets one
    /// frame per turn still has it written before the loop sleeps again.
    void scheduleFlush(PollClient *client);

private:
    void dispatch();
    void flushScheduled();

    int m_epoll = -1;
    std::unique_ptr<QSocketNotifier> m_notifier;
    static constexpr int BatchSize = 256;
    std::unique_ptr<std::array<epoll_event, BatchSize>> m_batch;
    int m_batchCount = 0;
    int m_batchIndex = 0;
    bool m_dispatching = false;
    QList<PollClient *> m_toFlush;
    QList<PollClient *> m_flushing; // the list being flushed; removed clients are nulled
};

} // namespace Cohort::Server::Net
