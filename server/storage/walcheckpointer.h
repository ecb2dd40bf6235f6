// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "storage.h"

#include <QString>

#include <chrono>
#include <memory>

class QThread;

namespace Cohort::Server {

/// Checkpoints an SQLite database's WAL from a thread of its own, through a connection of its
/// own, so that the fdatasync calls of a checkpoint never run inside a commit on the thread
/// that owns the storage (the server's event loop). The storage's connection turns SQLite's
/// automatic checkpoints off (PRAGMA wal_autocheckpoint = 0) and relies on this class instead.
///
/// Every tick the thread asks SQLite whether any other connection has committed since the last
/// tick (PRAGMA data_version, no I/O) and, if so, runs a PASSIVE checkpoint, which never waits
/// for or blocks a writer. A WAL that passive checkpoints cannot empty, because commits keep
/// arriving while they run, is reset with a TRUNCATE checkpoint once it reaches truncateFrames;
/// that one holds off writers for as long as it runs. Stopping runs a last TRUNCATE checkpoint,
/// so a closed database leaves an empty WAL behind.
///
/// Durability does not depend on this class: a commit is durable once it is in the WAL, and
/// SQLite reads a WAL that was never checkpointed, also after a killed process.
class WalCheckpointer
{
public:
    struct Options
    {
        // Each checkpoint that empties the WAL makes the next commit start it afresh, and with
        // synchronous = NORMAL that commit fdatasyncs the new WAL header on the storage's own
        // thread: checkpointing more often than SQLite's 1,000 pages would add such syncs.
        std::chrono::milliseconds interval{1000};
        int truncateFrames = 8192; // 32 MiB of 4 KiB pages
    };

    /// Opens a connection named `connectionName` to the SQLite database of `config` in a new
    /// thread and starts ticking; returns when the connection is open.
    WalCheckpointer(const DatabaseConfig &config, const QString &connectionName, Options options);
    /// Stops: the thread runs its final checkpoint, closes its connection and ends.
    ~WalCheckpointer();
    WalCheckpointer(const WalCheckpointer &) = delete;
    WalCheckpointer &operator=(const WalCheckpointer &) = delete;

    /// Why the thread could not open its connection (it has ended then); empty if it runs.
    QString error() const { return m_error; }

private:
    std::unique_ptr<QThread> m_thread;
    QString m_error;
};

} // namespace Cohort::Server
