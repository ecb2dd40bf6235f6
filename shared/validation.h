// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "frame.h"

#include <optional>

namespace Cohort::Protocol {

/// Checks every known field of a request's `data` against the op's schema: presence, JSON type,
/// string length, integer range. Unknown fields are ignored so that newer clients keep working.
std::optional<DecodeError> validateRequest(Op op, const QJsonObject &data);

/// Usernames are 3-32 characters of a-z, 0-9, '.', '_' and '-', starting with a letter or digit.
bool isValidUsername(const QString &username);

} // namespace Cohort::Protocol
