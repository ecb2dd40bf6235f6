// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include <QObject>
#include <QString>
#include <QUrl>

#include <functional>

namespace Cohort::Client {

/// Keeps sign-in tokens in the OS keychain (QtKeychain: Secret Service / KWallet on Linux,
/// Keychain on macOS, Credential Store on Windows) under service "Cohort" and key
/// "<server-url>|<username>". QtKeychain's insecure plaintext fallback stays off: where no
/// keychain is available every call fails with NoKeychain, and the app keeps the token only
/// in memory for the running session. All calls are asynchronous.
class TokenStore : public QObject
{
    Q_OBJECT
public:
    enum class Status {
        Ok,
        NotFound,     // read/delete: nothing stored for this account
        NoKeychain,   // no secret service / keychain backend on this system
        AccessDenied, // the user or the system refused access
        Failed,       // any other keychain error (see message)
    };
    Q_ENUM(Status)

    struct Result
    {
        Status status = Status::Failed;
        QString token;   // read: the stored token when Ok
        QString message; // the keychain's own message, for logs and details
        bool ok() const { return status == Status::Ok; }
    };
    using Callback = std::function<void(const Result &)>;

    explicit TokenStore(QObject *parent = nullptr);

    /// "Cohort" by default; tests use their own so they never touch a user's entries.
    void setService(const QString &service) { m_service = service; }
    QString service() const { return m_service; }
    static QString key(const QUrl &server, const QString &username);

    void readToken(const QUrl &server, const QString &username, QObject *context, Callback done);
    void writeToken(const QUrl &server, const QString &username, const QString &token,
                    QObject *context, Callback done);
    void deleteToken(const QUrl &server, const QString &username, QObject *context, Callback done);

private:
    QString m_service;
};

} // namespace Cohort::Client
