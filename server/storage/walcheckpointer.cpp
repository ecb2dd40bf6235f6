// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "walcheckpointer.h"

#include "sqlconnection.h"
#include "storagelog.h"

#include <QThread>
#include <QTimer>

#include <future>
#include <optional>

namespace Cohort::Server {

namespace {

const QString DataVersion = QStringLiteral("data_version");
const QString Passive = QStringLiteral("wal_checkpoint_passive");
const QString Truncate = QStringLiteral("wal_checkpoint_truncate");

/// The row PRAGMA wal_checkpoint answers with.
struct CheckpointResult
{
    bool busy = false; // another connection held a lock the checkpoint needed: it did less
    int walFrames = 0;
    int copiedFrames = 0;
};

/// The thread and, created in it and used only there, its connection.
class CheckpointThread final : public QThread
{
public:
    CheckpointThread(const DatabaseConfig &config, const QString &connectionName,
                     WalCheckpointer::Options options)
        : m_config(config)
        , m_connectionName(connectionName)
        , m_options(options)
    {
        setObjectName(QStringLiteral("cohort-wal")); // the OS thread name, for top/perf/strace
    }

    /// Set once run() has opened the connection: an error, or empty.
    std::future<QString> opened() { return m_opened.get_future(); }

protected:
    void run() override
    {
        SqlConnection connection(m_connectionName);
        const QString error = connection.open(m_config);
        m_opened.set_value(error);
        if (!error.isEmpty())
            return;
        // Unknown at first, so the first tick checkpoints whatever an earlier process left.
        std::optional<qint64> seenVersion;
        QTimer timer;
        QObject::connect(&timer, &QTimer::timeout, &timer, [&] {
            const std::optional<qint64> version = dataVersion(connection);
            if (version && version == seenVersion)
                return;
            seenVersion = version;
            const std::optional<CheckpointResult> passive = checkpoint(connection, Passive);
            if (passive && passive->walFrames >= m_options.truncateFrames)
                checkpoint(connection, Truncate);
        });
        timer.start(m_options.interval);
        // quit() before exec() makes exec() return at once, so a quick stop is not lost.
        exec();
        checkpoint(connection, Truncate);
    }

private:
    static std::optional<qint64> dataVersion(SqlConnection &connection)
    {
        const std::optional<SqlRows> rows = connection.exec(DataVersion);
        if (!rows || rows->isEmpty())
            return std::nullopt;
        return rows->first().value(0).toLongLong();
    }

    static std::optional<CheckpointResult> checkpoint(SqlConnection &connection, const QString &mode)
    {
        const std::optional<SqlRows> rows = connection.exec(mode);
        if (!rows || rows->isEmpty())
            return std::nullopt;
        const SqlRow &row = rows->first();
        const CheckpointResult result{row.value(0).toInt() != 0, row.value(1).toInt(), row.value(2).toInt()};
        qCDebug(lcStorage).noquote().nospace() << mode << ": " << result.copiedFrames << " of "
                                               << result.walFrames << " WAL frames checkpointed"
                                               << (result.busy ? ", busy" : "");
        return result;
    }

    const DatabaseConfig m_config;
    const QString m_connectionName;
    const WalCheckpointer::Options m_options;
    std::promise<QString> m_opened;
};

} // namespace

WalCheckpointer::WalCheckpointer(const DatabaseConfig &config, const QString &connectionName, Options options)
{
    auto thread = std::make_unique<CheckpointThread>(config, connectionName, options);
    std::future<QString> opened = thread->opened();
    thread->start();
    m_error = opened.get();
    m_thread = std::move(thread);
}

WalCheckpointer::~WalCheckpointer()
{
    m_thread->quit();
    m_thread->wait();
}

} // namespace Cohort::Server
