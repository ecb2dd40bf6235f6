// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "errortext.h"

#include <QtMath>

namespace Cohort::Ui {

using Protocol::ErrorCode;

QString ErrorText::waitTime(qint64 ms)
{
    const int seconds = qMax(1, static_cast<int>(qCeil(ms / 1000.0)));
    // Spelled out instead of %n plurals: the source language then needs no translation file.
    if (seconds == 1)
        return tr("in 1 second");
    if (seconds < 90)
        return tr("in %1 seconds").arg(seconds);
    return tr("in %1 minutes").arg(qCeil(seconds / 60.0));
}

QString ErrorText::cannotReach(const QString &address)
{
    return tr("Cannot reach the server at %1. Check the address and your network connection, "
              "then try again.").arg(address);
}

QString ErrorText::forSignIn(ErrorCode code, qint64 retryAfterMs)
{
    switch (code) {
    case ErrorCode::Unauthorized:
        return tr("The username or password is not correct, or the account is disabled.");
    case ErrorCode::Forbidden:
        return tr("This server does not allow that. Ask your instructor or the server's "
                  "administrator for an account.");
    case ErrorCode::NotFound:
        return tr("No course has this join code. Check the code with your instructor.");
    case ErrorCode::Conflict:
        return tr("This username is already taken. Choose another one.");
    case ErrorCode::RateLimited:
        return tr("Too many attempts. Try again %1.").arg(waitTime(retryAfterMs));
    default:
        return forRequest(code, retryAfterMs);
    }
}

QString ErrorText::forRequest(ErrorCode code, qint64 retryAfterMs)
{
    switch (code) {
    case ErrorCode::BadRequest:
        return tr("The server did not accept the request. Check what you entered and try again.");
    case ErrorCode::Unauthorized:
        return tr("You are not signed in any more. Sign in again.");
    case ErrorCode::Forbidden:
        return tr("You are not allowed to do this.");
    case ErrorCode::NotFound:
        return tr("This item does not exist, or you cannot see it.");
    case ErrorCode::Conflict:
        return tr("This clashes with something that already exists.");
    case ErrorCode::RateLimited:
        return tr("Too many requests. Try again %1.").arg(waitTime(retryAfterMs));
    case ErrorCode::TooLarge:
        return tr("This is too large for the server. Make it shorter and try again.");
    case ErrorCode::UnsupportedVersion:
        return tr("This version of Cohort cannot talk to the server. Update Cohort or ask the "
                  "server's administrator which version to use.");
    case ErrorCode::Internal:
        return tr("Something went wrong on the server; nothing was changed. Try again later.");
    case ErrorCode::Unavailable:
        return tr("The server is not available right now. Try again in a moment.");
    }
    return tr("Something went wrong on the server; nothing was changed. Try again later.");
}

} // namespace Cohort::Ui
