// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "types.h"

#include <QStringList>
#include <QTextStream>

#include <optional>

namespace Cohort::Server {

class Storage;

/// Splits one CSV line (RFC 4180 quoting, "" inside quotes); nullopt for an unterminated quote.
std::optional<QStringList> parseCsvLine(const QString &line);

/// `roster import`: reads a CSV with the header username,display_name[,password], creates the
/// missing accounts as students (with the given password or a random one printed once) and
/// enrols every listed user in the course. Bad rows are reported with their line number and
/// skipped. Returns the exit code: 0 when every row was imported, 1 otherwise.
int importRoster(Storage &storage, CourseId course, const QString &path, QTextStream &out, QTextStream &err);

} // namespace Cohort::Server
