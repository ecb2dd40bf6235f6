// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include <QString>
#include <QUrl>

namespace Cohort::Ui {

/// Turns what a user types ("192.168.1.20", "school.example:9000", "wss://cohort.example")
/// into a WebSocket URL: ws:// unless a scheme is given, port 8740 unless one is given.
/// Returns an invalid URL for anything else (http://, spaces, an empty host).
QUrl parseServerAddress(const QString &text);
/// How an address is shown: "ws://192.168.1.20:8740", without the trailing "/".
QString displayAddress(const QUrl &url);

} // namespace Cohort::Ui
