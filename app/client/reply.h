// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "model.h"
#include "protocol.h"

#include <QJsonObject>
#include <QString>

#include <functional>
#include <optional>

namespace Cohort::Client {

/// The one answer every request gets: the server's result or error, or a failure the client
/// made up itself (`local`), e.g. when the connection dropped before the answer arrived.
struct Reply
{
    bool ok = false;
    QJsonObject data;                                        // the result's data when ok
    Protocol::ErrorCode error = Protocol::ErrorCode::Internal; // when !ok
    QString message;                                         // English, for logs; UIs translate `error`
    qint64 retryAfterMs = 0;                                 // with RateLimited
    bool local = false; // true: no answer from the server (not connected, connection lost)
    QJsonObject details; // the error's machine-readable specifics, e.g. {"reason": "stored_limit"}
};

using ReplyCallback = std::function<void(const Reply &)>;

/// A failure with a stable code, e.g. why the connection is offline or signed out.
struct ErrorInfo
{
    Protocol::ErrorCode code = Protocol::ErrorCode::Internal;
    QString message;   // English, for logs
    quint16 closeCode = 0; // the WebSocket close code when the error came from a close, else 0
};

/// How a sign-in, sign-up, setup or password change ended.
struct AuthResult
{
    bool ok = false;
    UserInfo user;                  // the signed-in user (unchanged by changePassword)
    QString token;                  // the new bearer token; keep it only in the keychain or memory
    qint64 expiresAt = 0;           // token expiry, server time in ms since the epoch
    std::optional<CourseInfo> course; // signUp: the course joined with the join code

    Protocol::ErrorCode error = Protocol::ErrorCode::Internal; // when !ok
    QString message;
    qint64 retryAfterMs = 0;        // with RateLimited (sign-in throttling)
    bool local = false;             // true: no answer from the server (unreachable, link lost)
};

using AuthCallback = std::function<void(const AuthResult &)>;

} // namespace Cohort::Client
