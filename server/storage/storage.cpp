// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "storage.h"

#include "sqlstorage.h"
#include "storagelog.h"

namespace Cohort::Server {

Q_LOGGING_CATEGORY(lcStorage, "cohort.server.storage")

std::unique_ptr<Storage> createStorage(const DatabaseConfig &config, const QString &connectionName)
{
    // Both backends share one implementation; an unknown driver is reported by open().
    return std::make_unique<SqlStorage>(config, connectionName);
}

} // namespace Cohort::Server
