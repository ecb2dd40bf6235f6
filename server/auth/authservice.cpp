// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "authservice.h"
#include "signinthrottle.h"

#include <QDateTime>
#include <QLoggingCategory>
#include <QPointer>
#include <QThread>
#include <QThreadPool>

#include <sodium.h>

#include <algorithm>
#include <mutex>

Q_LOGGING_CATEGORY(lcAuth, "cohort.server.auth")

namespace Cohort::Server {

using Protocol::ErrorCode;

namespace {

constexpr int MaxFailuresPerAccount = 5;
constexpr int MaxFailuresPerAddress = 20;
constexpr qint64 FailureWindowMs = 15 * 60 * 1000;
constexpr qint64 ExpiredSessionPurgeMs = 3600 * 1000;
// Attempts held back for one account beyond this are refused: nobody signs in to one account
// a thousand times at once but an attacker.
constexpr qsizetype MaxHeldBackPerAccount = 1024;
constexpr qint64 HeldBackRetryMs = 1000;
const QString SetupTokenKey = QStringLiteral("setup_token_hash");

AuthOutcome failure(ErrorCode code, const QString &message, qint64 retryAfterMs = 0)
{
    AuthOutcome outcome;
    outcome.error = code;
    outcome.message = message;
    outcome.retryAfterMs = retryAfterMs;
    return outcome;
}

AuthOutcome wrongCredentials()
{
    // The same sentence for an unknown user and a wrong password: nothing to probe.
    return failure(ErrorCode::Unauthorized, QStringLiteral("The username or password is incorrect."));
}

AuthOutcome rateLimited(qint64 retryAfterMs)
{
    const qint64 seconds = std::max<qint64>(1, (retryAfterMs + 999) / 1000);
    const qint64 minutes = (seconds + 59) / 60;
    const QString wait = seconds == 1 ? QStringLiteral("a second")
                       : seconds < 60 ? QStringLiteral("%1 seconds").arg(seconds)
                       : minutes == 1 ? QStringLiteral("a minute")
                                      : QStringLiteral("%1 minutes").arg(minutes);
    return failure(ErrorCode::RateLimited,
                   QStringLiteral("Too many failed sign-in attempts. Try again in %1.").arg(wait), retryAfterMs);
}

AuthOutcome usernameTaken()
{
    return failure(ErrorCode::Conflict, QStringLiteral("This username is taken. Choose another one."));
}

AuthOutcome storageFailure()
{
    return failure(ErrorCode::Internal, QStringLiteral("The server could not save the change. Try again later."));
}

/// Delivers an outcome to the caller unless its context object has gone.
class Reply
{
public:
    Reply(QObject *context, AuthService::Callback done)
        : m_context(context), m_guarded(context != nullptr), m_done(std::move(done))
    {
    }
    bool wanted() const { return !m_guarded || !m_context.isNull(); }
    void operator()(const AuthOutcome &outcome) const
    {
        if (wanted() && m_done)
            m_done(outcome);
    }

private:
    QPointer<QObject> m_context;
    bool m_guarded;
    AuthService::Callback m_done;
};

struct Verification
{
    bool ok = false;
    QByteArray newHash; // a rehash with the current parameters, or the requested new password's hash
};

} // namespace

class AuthService::Private
{
public:
    Private(AuthService *service, Storage &store, const AuthConfig &cfg)
        : q(service), storage(store), config(cfg),
          opsLimit(cfg.argon2OpsLimit ? cfg.argon2OpsLimit : DefaultArgon2OpsLimit),
          memLimit(cfg.argon2MemLimit ? cfg.argon2MemLimit : DefaultArgon2MemLimit),
          throttle(MaxFailuresPerAccount, MaxFailuresPerAddress, FailureWindowMs),
          clock([] { return QDateTime::currentMSecsSinceEpoch(); })
    {
        pool.setObjectName(QStringLiteral("cohort-auth-hash"));
        pool.setMaxThreadCount(cfg.hashThreads > 0 ? cfg.hashThreads
                                                    : std::max(1, QThread::idealThreadCount() - 1));
    }

    /// Runs `work` on the hash pool and `then` with its result on the service's thread.
    template<typename Work, typename Then>
    void offThread(Work work, Then then)
    {
        pool.start([service = q, work = std::move(work), then = std::move(then)]() mutable {
            auto result = work();
            QMetaObject::invokeMethod(
                service, [then = std::move(then), result = std::move(result)]() mutable { then(result); },
                Qt::QueuedConnection);
        });
    }

    /// Hashes a new account's password on the pool. Back on the service's thread, and only if
    /// the caller still wants the answer and `recheck` finds nothing against it (state may have
    /// changed while the hash ran), creates the account and hands it to `created`. Failures are
    /// answered through `reply`.
    template<typename Recheck, typename Created>
    void createAccountOffThread(const Reply &reply, const QString &name, const QString &display, Role role,
                                const QString &password, Recheck recheck, Created created)
    {
        offThread([this, password] { return hashPassword(password, opsLimit, memLimit); },
                  [this, reply, name, display, role, recheck = std::move(recheck),
                   created = std::move(created)](const QByteArray &hash) {
                      if (hash.isEmpty()) {
                          reply(failure(ErrorCode::Internal, QStringLiteral("The server could not hash the password.")));
                          return;
                      }
                      if (!reply.wanted())
                          return;
                      if (const std::optional<AuthOutcome> refusal = recheck()) {
                          reply(*refusal);
                          return;
                      }
                      const StorageResult<UserRecord> account = storage.createUser(name, display, role, hash);
                      if (!account.ok()) {
                          reply(account.error == StorageError::Conflict ? usernameTaken() : storageFailure());
                          return;
                      }
                      created(*account.value);
                  });
    }

    /// Answers without hashing, but still asynchronously like every other outcome.
    void replyLater(const Reply &reply, const AuthOutcome &outcome)
    {
        QMetaObject::invokeMethod(q, [reply, outcome] { reply(outcome); }, Qt::QueuedConnection);
    }

    /// A hash of a random password with the configured cost. Verifying an unknown user's
    /// attempt against it takes as long as a real verification. Called on pool threads.
    const QByteArray &dummyHash()
    {
        std::call_once(dummyOnce, [this] { dummyHashValue = hashPassword(generateToken(), opsLimit, memLimit); });
        return dummyHashValue;
    }

    /// Checks `password` against `hash` (or the dummy when there is no account) on a pool
    /// thread; with `newPassword`, also hashes that when the check passes.
    Verification verify(const QByteArray &hash, const QString &password, const QString &newPassword = QString())
    {
        const QByteArray &standIn = dummyHash(); // the first call pays for it, user or not
        Verification result;
        result.ok = verifyPassword(hash.isEmpty() ? standIn : hash, password) && !hash.isEmpty();
        if (!result.ok)
            return result;
        if (!newPassword.isEmpty())
            result.newHash = hashPassword(newPassword, opsLimit, memLimit);
        else if (crypto_pwhash_str_needs_rehash(hash.constData(), opsLimit, size_t(memLimit)) != 0)
            result.newHash = hashPassword(password, opsLimit, memLimit);
        return result;
    }

    AuthOutcome issueSession(const UserRecord &user)
    {
        const qint64 now = clock();
        if (now - lastExpiredPurge >= ExpiredSessionPurgeMs) {
            lastExpiredPurge = now;
            storage.deleteExpiredSessions(now);
        }
        AuthOutcome outcome;
        outcome.user = user;
        outcome.token = generateToken();
        outcome.tokenHash = hashToken(outcome.token);
        outcome.expiresAt = now + config.tokenLifetimeMs;
        SessionRecord session{user.info.id, outcome.tokenHash, now, outcome.expiresAt};
        if (!storage.createSession(session))
            return storageFailure();
        return outcome;
    }

    bool setupTokenMatches(const QString &setupToken)
    {
        const std::optional<QString> stored = storage.setting(SetupTokenKey);
        if (!stored)
            return false;
        const QByteArray expected = QByteArray::fromHex(stored->toLatin1());
        const QByteArray given = hashToken(setupToken);
        return expected.size() == given.size()
            && sodium_memcmp(expected.constData(), given.constData(), size_t(given.size())) == 0;
    }

    /// Holds an attempt back until one of the account's attempts in flight has ended, so that
    /// parallel guesses are judged against the failures of the ones before them.
    bool holdBack(const QString &account, std::function<void()> retry)
    {
        QList<std::function<void()>> &queue = waiting[account];
        if (queue.size() >= MaxHeldBackPerAccount)
            return false;
        queue.append(std::move(retry));
        return true;
    }

    void attemptEnded(const QString &account)
    {
        throttle.endAttempt(account);
        const QList<std::function<void()>> released = waiting.take(account);
        for (const std::function<void()> &retry : released)
            retry();
    }

    void signIn(const QString &name, const QString &password, const QString &address, const Reply &reply)
    {
        if (const qint64 wait = throttle.retryAfter(name, address, clock())) {
            qCInfo(lcAuth) << "Refused a sign-in for" << name << "from" << address << "while throttled";
            replyLater(reply, rateLimited(wait));
            return;
        }
        if (!throttle.canStartAttempt(name, clock())) {
            if (!holdBack(name, [this, name, password, address, reply] { signIn(name, password, address, reply); }))
                replyLater(reply, rateLimited(HeldBackRetryMs));
            return;
        }

        const std::optional<UserRecord> user = storage.userByName(name);
        const QByteArray hash = user ? user->passwordHash : QByteArray();
        throttle.beginAttempt(name);
        offThread([this, hash, password] { return verify(hash, password); },
                  [this, reply, name, address, user](const Verification &result) {
                      if (result.ok)
                          throttle.recordSuccess(name);
                      else
                          throttle.recordFailure(name, address, clock());
                      attemptEnded(name);
                      if (!result.ok) {
                          qCInfo(lcAuth) << "Failed sign-in for" << name << "from" << address;
                          reply(wrongCredentials());
                          return;
                      }
                      // Read again: the account may have been disabled while the hash ran.
                      const std::optional<UserRecord> current = storage.userById(user->info.id);
                      if (!current || current->disabled) {
                          reply(failure(ErrorCode::Unauthorized,
                                        QStringLiteral("This account is disabled. Ask an administrator to enable it.")));
                          return;
                      }
                      if (!result.newHash.isEmpty() && current->passwordHash == user->passwordHash)
                          storage.setPasswordHash(current->info.id, result.newHash);
                      if (!reply.wanted())
                          return;
                      qCInfo(lcAuth) << "User" << name << "signed in from" << address;
                      reply(issueSession(*current));
                  });
    }

    void changePassword(UserId user, const QString &currentPassword, const QString &newPassword, const Reply &reply)
    {
        const std::optional<UserRecord> record = storage.userById(user);
        if (!record || record->disabled) {
            replyLater(reply, failure(ErrorCode::Unauthorized, QStringLiteral("This account is disabled or no longer exists.")));
            return;
        }
        if (const QString problem = accountProblem(record->info.username, record->info.displayName, newPassword);
            !problem.isEmpty()) {
            replyLater(reply, failure(ErrorCode::BadRequest, problem));
            return;
        }
        // A stolen session must not become a way to guess the password: the account's throttle applies.
        const QString name = record->info.username;
        if (const qint64 wait = throttle.retryAfter(name, QString(), clock())) {
            replyLater(reply, rateLimited(wait));
            return;
        }
        if (!throttle.canStartAttempt(name, clock())) {
            if (!holdBack(name, [=, this] { changePassword(user, currentPassword, newPassword, reply); }))
                replyLater(reply, rateLimited(HeldBackRetryMs));
            return;
        }
        throttle.beginAttempt(name);
        offThread([this, hash = record->passwordHash, currentPassword, newPassword] {
                      return verify(hash, currentPassword, newPassword);
                  },
                  [this, reply, user, name](const Verification &result) {
                      if (!result.ok)
                          throttle.recordFailure(name, QString(), clock());
                      attemptEnded(name);
                      if (!result.ok) {
                          reply(failure(ErrorCode::Unauthorized, QStringLiteral("The current password is incorrect.")));
                          return;
                      }
                      if (result.newHash.isEmpty()) {
                          reply(failure(ErrorCode::Internal, QStringLiteral("The server could not hash the password.")));
                          return;
                      }
                      if (!reply.wanted())
                          return;
                      const std::optional<UserRecord> current = storage.userById(user);
                      if (!current || !storage.setPasswordHash(user, result.newHash)) {
                          reply(storageFailure());
                          return;
                      }
                      storage.deleteSessionsOfUser(user);
                      qCInfo(lcAuth) << "User" << name << "changed their password; every session was revoked";
                      const AuthOutcome outcome = issueSession(*current);
                      Q_EMIT q->sessionsRevoked(user, QByteArray(), outcome.tokenHash);
                      reply(outcome);
                  });
    }

    AuthService *q;
    Storage &storage;
    AuthConfig config;
    quint64 opsLimit;
    quint64 memLimit;
    SignInThrottle throttle;
    std::function<qint64()> clock;
    qint64 lastExpiredPurge = 0;
    QHash<QString, QList<std::function<void()>>> waiting; // held-back attempts per account
    std::once_flag dummyOnce;
    QByteArray dummyHashValue;
    QThreadPool pool; // last: destroyed (and waited for) first
};

AuthService::AuthService(Storage &storage, const AuthConfig &config, QObject *parent)
    : QObject(parent), d(std::make_unique<Private>(this, storage, config))
{
    if (sodium_init() < 0)
        qFatal("libsodium could not be initialised (no usable random source)");
}

AuthService::~AuthService()
{
    // Running hashes post their results to this object; let them finish while it is whole.
    // The queued results are discarded with it.
    d->pool.waitForDone();
}

void AuthService::setClock(std::function<qint64()> nowMs)
{
    d->clock = std::move(nowMs);
}

void AuthService::signIn(const QString &username, const QString &password, const QString &address,
                         QObject *context, Callback done)
{
    d->signIn(username.toLower(), password, address, Reply(context, std::move(done)));
}

AuthOutcome AuthService::signInWithToken(const QString &token)
{
    const AuthOutcome rejected = failure(ErrorCode::Unauthorized,
                                         QStringLiteral("This session has expired or was revoked. Sign in again."));
    if (token.isEmpty() || token.size() > 128)
        return rejected;
    const QByteArray tokenHash = hashToken(token);
    const std::optional<SessionRecord> session = d->storage.sessionByTokenHash(tokenHash);
    if (!session)
        return rejected;
    if (session->expiresAt <= d->clock()) {
        d->storage.deleteSession(tokenHash);
        return rejected;
    }
    const std::optional<UserRecord> user = d->storage.userById(session->userId);
    if (!user || user->disabled)
        return rejected;
    AuthOutcome outcome;
    outcome.user = *user;
    outcome.token = token;
    outcome.tokenHash = tokenHash;
    outcome.expiresAt = session->expiresAt;
    return outcome;
}

void AuthService::signUp(const QString &username, const QString &displayName, const QString &password,
                         const QString &joinCode, const QString &address, QObject *context, Callback done)
{
    const Reply reply(context, std::move(done));
    if (!d->config.allowSignUp) {
        d->replyLater(reply, failure(ErrorCode::Forbidden,
                                     QStringLiteral("This server does not allow sign-up. Ask your instructor for an account.")));
        return;
    }
    // Unknown join codes count as failures of the address: codes must not be guessable by brute force.
    if (const qint64 wait = d->throttle.retryAfter(QString(), address, d->clock())) {
        d->replyLater(reply, rateLimited(wait));
        return;
    }
    const QString name = username.toLower();
    if (const QString problem = accountProblem(name, displayName, password); !problem.isEmpty()) {
        d->replyLater(reply, failure(ErrorCode::BadRequest, problem));
        return;
    }
    const std::optional<CourseRecord> course = d->storage.courseByJoinCode(joinCode.trimmed().toUpper());
    if (!course) {
        d->throttle.recordFailure(QString(), address, d->clock());
        d->replyLater(reply, failure(ErrorCode::NotFound, QStringLiteral("No course has this join code.")));
        return;
    }
    if (d->storage.userByName(name)) {
        d->replyLater(reply, usernameTaken());
        return;
    }

    d->createAccountOffThread(
        reply, name, displayName.trimmed(), Role::Student, password, [] { return std::optional<AuthOutcome>(); },
        [this, reply, name, course, address](const UserRecord &user) {
            if (!d->storage.addCourseMember(course->id, user.info.id, Role::Student)) {
                reply(storageFailure());
                return;
            }
            qCInfo(lcAuth) << "User" << name << "signed up from" << address << "into course" << course->id.value();
            AuthOutcome outcome = d->issueSession(user);
            if (outcome.ok())
                outcome.course = course;
            reply(outcome);
        });
}

void AuthService::setup(const QString &setupToken, const QString &username, const QString &displayName,
                        const QString &password, const QString &address, QObject *context, Callback done)
{
    const Reply reply(context, std::move(done));
    const AuthOutcome refused = failure(ErrorCode::Forbidden,
                                        QStringLiteral("The setup token is not valid, or this server already has an administrator."));
    if (const qint64 wait = d->throttle.retryAfter(QString(), address, d->clock())) {
        d->replyLater(reply, rateLimited(wait));
        return;
    }
    if (!setupRequired() || !d->setupTokenMatches(setupToken)) {
        d->throttle.recordFailure(QString(), address, d->clock());
        qCWarning(lcAuth) << "Refused a setup attempt from" << address;
        d->replyLater(reply, refused);
        return;
    }
    const QString name = username.toLower();
    if (const QString problem = accountProblem(name, displayName, password); !problem.isEmpty()) {
        d->replyLater(reply, failure(ErrorCode::BadRequest, problem));
        return;
    }
    if (d->storage.userByName(name)) {
        d->replyLater(reply, usernameTaken());
        return;
    }

    d->createAccountOffThread(
        reply, name, displayName.trimmed(), Role::Admin, password,
        // Another setup may have won while the hash ran: the token is single use.
        [this, refused, setupToken]() -> std::optional<AuthOutcome> {
            if (!setupRequired() || !d->setupTokenMatches(setupToken))
                return refused;
            return std::nullopt;
        },
        [this, reply, name](const UserRecord &user) {
            d->storage.removeSetting(SetupTokenKey);
            qCInfo(lcAuth) << "Created the first administrator" << name << "with the setup token";
            reply(d->issueSession(user));
        });
}

void AuthService::signOut(const QByteArray &tokenHash, UserId user)
{
    const std::optional<SessionRecord> session = d->storage.sessionByTokenHash(tokenHash);
    if (!session || session->userId != user)
        return;
    d->storage.deleteSession(tokenHash);
    Q_EMIT sessionsRevoked(user, tokenHash, QByteArray());
}

void AuthService::changePassword(UserId user, const QString &currentPassword, const QString &newPassword,
                                 QObject *context, Callback done)
{
    d->changePassword(user, currentPassword, newPassword, Reply(context, std::move(done)));
}

AuthOutcome AuthService::createAccount(const QString &username, const QString &displayName, Role role,
                                       const QString &password)
{
    if (const QString problem = accountProblem(username, displayName, password); !problem.isEmpty())
        return failure(ErrorCode::BadRequest, problem);
    if (d->storage.userByName(username))
        return failure(ErrorCode::Conflict, QStringLiteral("The username %1 is taken.").arg(username));
    const QByteArray hash = hashPassword(password, d->opsLimit, d->memLimit);
    if (hash.isEmpty())
        return failure(ErrorCode::Internal, QStringLiteral("The password could not be hashed (out of memory)."));
    const StorageResult<UserRecord> created = d->storage.createUser(username, displayName.trimmed(), role, hash);
    if (!created.ok()) {
        if (created.error == StorageError::Conflict)
            return failure(ErrorCode::Conflict, QStringLiteral("The username %1 is taken.").arg(username));
        return failure(ErrorCode::Internal, QStringLiteral("The account could not be saved: %1").arg(created.message));
    }
    qCInfo(lcAuth) << "Created the" << roleName(role) << "account" << username;
    AuthOutcome outcome;
    outcome.user = *created.value;
    return outcome;
}

AuthOutcome AuthService::issueToken(UserId user)
{
    const std::optional<UserRecord> record = d->storage.userById(user);
    if (!record)
        return failure(ErrorCode::NotFound, QStringLiteral("No such account."));
    if (record->disabled)
        return failure(ErrorCode::Forbidden, QStringLiteral("This account is disabled."));
    return d->issueSession(*record);
}

AuthOutcome AuthService::setPassword(UserId user, const QString &password)
{
    const std::optional<UserRecord> record = d->storage.userById(user);
    if (!record)
        return failure(ErrorCode::NotFound, QStringLiteral("No such account."));
    if (const QString problem = accountProblem(record->info.username, record->info.displayName, password);
        !problem.isEmpty())
        return failure(ErrorCode::BadRequest, problem);
    const QByteArray hash = hashPassword(password, d->opsLimit, d->memLimit);
    if (hash.isEmpty())
        return failure(ErrorCode::Internal, QStringLiteral("The password could not be hashed (out of memory)."));
    if (!d->storage.setPasswordHash(user, hash))
        return storageFailure();
    d->storage.deleteSessionsOfUser(user);
    qCInfo(lcAuth) << "The password of" << record->info.username << "was reset; every session was revoked";
    Q_EMIT sessionsRevoked(user, QByteArray(), QByteArray());
    AuthOutcome outcome;
    outcome.user = *record;
    outcome.user.passwordHash = hash;
    return outcome;
}

QString AuthService::ensureSetupToken()
{
    if (!setupRequired()) {
        if (d->storage.setting(SetupTokenKey))
            d->storage.removeSetting(SetupTokenKey);
        return QString();
    }
    const QString token = generateToken();
    if (!d->storage.setSetting(SetupTokenKey, QString::fromLatin1(hashToken(token).toHex()))) {
        qCCritical(lcAuth) << "Could not store the setup token; the first admin must be created with the CLI";
        return QString();
    }
    qCInfo(lcAuth) << "No administrator exists yet; a new one-time setup token was made";
    return token;
}

bool AuthService::setupRequired()
{
    return d->storage.countUsersWithRole(Role::Admin) == 0;
}

} // namespace Cohort::Server
