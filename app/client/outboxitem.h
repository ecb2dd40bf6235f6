// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "protocol.h"
#include "types.h"

#include <QString>

namespace Cohort::Client {

/// One message the user sent that the server has not acknowledged yet.
struct OutboxItem
{
    enum class Status {
        Pending, // waiting to be sent, or sent and waiting for the server's result
        Failed,  // the server refused it for good; kept until retry() or discard()
    };

    QString clientId;  // QUuid without braces; the server's idempotency key
    RoomId roomId;
    QString text;
    qint64 threadRoot = 0; // > 0: a reply in the thread of that message (its seq)
    qint64 createdAt = 0; // local time in ms since the epoch, when the user sent it
    Status status = Status::Pending;
    Protocol::ErrorCode failure = Protocol::ErrorCode::Internal; // when Failed
    QString failureMessage;                                      // when Failed

    friend bool operator==(const OutboxItem &, const OutboxItem &) = default;
};

} // namespace Cohort::Client
