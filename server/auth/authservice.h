// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "protocol.h"
#include "storage.h"

#include <QObject>

#include <functional>
#include <memory>
#include <optional>

namespace Cohort::Server {

/// Argon2id cost used when the configuration says 0: t=3 passes over 64 MiB, measured at about
/// 70 ms per verification on the 2-core reference machine (libsodium's "interactive" t=2 measured
/// 50 ms there, the very bottom of the 50-250 ms target).
inline constexpr quint64 DefaultArgon2OpsLimit = 3;
inline constexpr quint64 DefaultArgon2MemLimit = 64ULL * 1024 * 1024;

struct AuthConfig
{
    qint64 tokenLifetimeMs = 30LL * 24 * 3600 * 1000;
    bool allowSignUp = true;
    quint64 argon2OpsLimit = 0; // 0: DefaultArgon2OpsLimit
    quint64 argon2MemLimit = 0; // 0: DefaultArgon2MemLimit
    int hashThreads = 0;        // 0: cores - 1, at least 1
};

/// What an authentication request ended with. On success `error` is empty (std::nullopt).
struct AuthOutcome
{
    std::optional<Protocol::ErrorCode> error;
    QString message;           // human-readable, for the error frame
    qint64 retryAfterMs = 0;   // with RateLimited
    UserRecord user;
    QString token;             // the bearer token (only its hash is stored)
    QByteArray tokenHash;
    qint64 expiresAt = 0;
    std::optional<CourseRecord> course; // signUp: the course joined

    bool ok() const { return !error.has_value(); }
};

/// Accounts and sign-in. Argon2id hashing and verification run on a small thread pool so the
/// event loop never stalls; every callback runs on the thread that owns the service, later than
/// the call (never from inside it), and is dropped if `context` has been destroyed by then. A
/// request whose context is gone when the hash is done is abandoned before it writes anything
/// (nobody could receive the acknowledgement). Failed sign-ins are throttled per account and
/// per address as docs/protocol.md (auth.signIn) says.
class AuthService : public QObject
{
    Q_OBJECT
public:
    using Callback = std::function<void(const AuthOutcome &)>;

    AuthService(Storage &storage, const AuthConfig &config, QObject *parent = nullptr);
    ~AuthService() override;

    void signIn(const QString &username, const QString &password, const QString &address,
                QObject *context, Callback done);
    /// Synchronous: a token lookup needs no hashing.
    AuthOutcome signInWithToken(const QString &token);
    void signUp(const QString &username, const QString &displayName, const QString &password,
                const QString &joinCode, const QString &address, QObject *context, Callback done);
    void setup(const QString &setupToken, const QString &username, const QString &displayName,
               const QString &password, const QString &address, QObject *context, Callback done);
    /// Revokes one token; emits sessionsRevoked for it.
    void signOut(const QByteArray &tokenHash, UserId user);
    /// Checks the current password, stores the new hash, revokes every token of the user and
    /// issues a new one (in the outcome).
    void changePassword(UserId user, const QString &currentPassword, const QString &newPassword,
                        QObject *context, Callback done);

    /// Creates an account directly (admin CLI, "Host a class"); blocking hash. Returns the
    /// record or an error message in `message` with error set.
    AuthOutcome createAccount(const QString &username, const QString &displayName, Role role,
                              const QString &password);
    /// Issues a token for an existing user without a password (the in-process host sign-in).
    AuthOutcome issueToken(UserId user);
    /// Sets a new password without knowing the old one (admin CLI); blocking hash. Revokes every
    /// token of the user and emits sessionsRevoked.
    AuthOutcome setPassword(UserId user, const QString &password);

    /// If no admin exists, makes a fresh one-time setup token (storing only its hash) and
    /// returns it; otherwise returns an empty string.
    QString ensureSetupToken();
    bool setupRequired();

    /// Replaces the wall clock (ms since the epoch) used for token expiry and throttling, so
    /// tests can step over a 15-minute window without waiting.
    void setClock(std::function<qint64()> nowMs);

Q_SIGNALS:
    /// Tokens were revoked: `tokenHash` empty means every token of the user, except the one
    /// in `keepTokenHash` (the connection that changed the password keeps working).
    void sessionsRevoked(Cohort::UserId user, const QByteArray &tokenHash, const QByteArray &keepTokenHash);

private:
    class Private;
    std::unique_ptr<Private> d;
};

/// Blocking Argon2id helpers (libsodium crypto_pwhash_str), also used by the admin CLI.
QByteArray hashPassword(const QString &password, quint64 opsLimit = 0, quint64 memLimit = 0);
bool verifyPassword(const QByteArray &hash, const QString &password);
/// 32 random bytes, base64url without padding (43 characters).
QString generateToken();
/// SHA-256 of the token's UTF-8 bytes.
QByteArray hashToken(const QString &token);
/// A course join code like "K7PX-3QMD": 8 characters from an alphabet without look-alikes.
QString generateJoinCode();
/// A random 16-character password without look-alike characters (roster import).
QString generatePassword();
/// Why these fields cannot make an account (a sentence for the user), or empty if they can.
QString accountProblem(const QString &username, const QString &displayName, const QString &password);

} // namespace Cohort::Server
