// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include <QStringList>
#include <QTextStream>

namespace Cohort::Server {

class Storage;

/// Admin commands on the same binary as the server:
///   user add NAME --role ROLE [--display-name TEXT] [--password-stdin]
///   user passwd NAME [--password-stdin]
///   user role NAME ROLE
///   user disable NAME | user enable NAME
///   user list
///   roster import COURSE_ID FILE.csv
///   migrate
///   backup FILE
///   settings set KEY VALUE | settings get KEY (chat.dm_policy: anyone or staff)
/// `args` starts at the command word ("user", "roster", ...). Without --password-stdin the
/// password is read from the terminal without echo. Returns the process exit code.
bool isAdminCommand(const QString &word);
int runAdminCommand(const QStringList &args, Storage &storage, QTextStream &in, QTextStream &out,
                    QTextStream &err);

} // namespace Cohort::Server
