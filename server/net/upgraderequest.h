// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

namespace Cohort::Server::Net {

/// The HTTP/1.1 upgrade that opens a WebSocket (RFC 6455, section 4.2): what the bytes received
/// so far amount to, and the answer to send.
struct UpgradeRequest
{
    enum class State {
        Incomplete, ///< the header has not ended yet
        Accepted,   ///< `response` is the 101 answer; `headerBytes` were the request
        Refused,    ///< `response` is an HTTP error; close after sending it
    };
    State state = State::Incomplete;
    QByteArray response;
    qsizetype headerBytes = 0;
    QString problem; ///< why it was refused, for the log

    /// Largest request header we read; browsers and libraries send well under 1 KiB.
    static constexpr qsizetype MaxBytes = 8192;

    static UpgradeRequest parse(QByteArrayView received);
    /// The Sec-WebSocket-Accept value for a client's key.
    static QByteArray acceptKey(QByteArrayView key);
};

} // namespace Cohort::Server::Net
