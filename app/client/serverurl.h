// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include <QString>
#include <QUrl>

namespace Cohort::Client {

/// The server's address as one account key part: "ws://school.example:8740" for both
/// "ws://school.example:8740/" and "ws://School.Example:8740", without user info, query or
/// fragment, so the keychain entry and the cache directory do not depend on how it was typed.
QString canonicalServerUrl(const QUrl &url);

} // namespace Cohort::Client
