// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "authservice.h"
#include "storage.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <limits>
#include <memory>

using namespace Cohort;
using namespace Cohort::Server;
using Protocol::ErrorCode;

namespace {

constexpr qint64 Start = 1'763'758'800'000;
constexpr qint64 FifteenMinutes = 15 * 60 * 1000;
const QString Password = QStringLiteral("correct horse");
const QString Here = QStringLiteral("192.0.2.1");
const QString There = QStringLiteral("192.0.2.2");

/// The cheapest Argon2id libsodium accepts: most tests are about the flow, not the cost.
AuthConfig cheapConfig()
{
    AuthConfig config;
    config.argon2OpsLimit = 1;
    config.argon2MemLimit = 8192;
    config.hashThreads = 1;
    return config;
}

QString errorText(const AuthOutcome &outcome)
{
    return outcome.ok() ? QStringLiteral("ok") : Protocol::errorCodeName(*outcome.error) + QLatin1Char(' ') + outcome.message;
}

} // namespace

class TestAuthService : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<AuthService> makeService(const AuthConfig &config = cheapConfig())
    {
        auto service = std::make_unique<AuthService>(*m_storage, config);
        service->setClock([this] { return m_now; });
        return service;
    }

    UserRecord addUser(AuthService &service, const QString &name, Role role = Role::Student,
                       const QString &password = Password)
    {
        const AuthOutcome outcome = service.createAccount(name, name.toUpper(), role, password);
        if (!outcome.ok())
            qFatal("createAccount failed: %s", qPrintable(errorText(outcome)));
        return outcome.user;
    }

    /// Starts an asynchronous call and waits for its callback.
    template<typename Start>
    AuthOutcome await(Start start)
    {
        std::optional<AuthOutcome> result;
        start([&result](const AuthOutcome &outcome) { result = outcome; });
        if (!QTest::qWaitFor([&] { return result.has_value(); }, 30000)) {
            AuthOutcome timedOut;
            timedOut.error = ErrorCode::Internal;
            timedOut.message = QStringLiteral("the test timed out waiting for the callback");
            return timedOut;
        }
        return *result;
    }

    AuthOutcome signIn(AuthService &service, const QString &name, const QString &password,
                       const QString &address = Here)
    {
        return await([&](AuthService::Callback done) { service.signIn(name, password, address, this, done); });
    }

    /// The fastest of three sign-ins: a busy machine only ever makes one slower.
    qint64 timeSignIn(AuthService &service, const QString &name, const QString &password)
    {
        qint64 fastest = std::numeric_limits<qint64>::max();
        for (int i = 0; i < 3; ++i) {
            QElapsedTimer timer;
            timer.start();
            signIn(service, name, password, QStringLiteral("10.9.0.%1").arg(i));
            fastest = std::min(fastest, timer.elapsed());
        }
        return fastest;
    }

    QTemporaryDir m_dir;
    std::unique_ptr<Storage> m_storage;
    qint64 m_now = Start;
    int m_connection = 0;

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
    }

    void init()
    {
        m_now = Start;
        DatabaseConfig config;
        config.sqlitePath = m_dir.filePath(QStringLiteral("auth%1.sqlite").arg(++m_connection));
        m_storage = createStorage(config, QStringLiteral("tst_authservice_%1").arg(m_connection));
        QCOMPARE(m_storage->open(), QString());
    }

    void cleanup()
    {
        m_storage->close();
        m_storage.reset();
    }

    void hashRoundTrip()
    {
        const QByteArray hash = hashPassword(Password, 1, 8192);
        QVERIFY(hash.startsWith("$argon2id$"));
        QVERIFY(verifyPassword(hash, Password));
        QVERIFY(!verifyPassword(hash, QStringLiteral("correct horse!")));
        QVERIFY(!verifyPassword(QByteArray(), Password));
        QVERIFY(!verifyPassword(QByteArrayLiteral("not a hash"), Password));
        QVERIFY(hashPassword(Password, 1, 8192) != hash); // salted
    }

    void defaultParameters()
    {
        const QByteArray hash = hashPassword(Password);
        QVERIFY2(hash.startsWith("$argon2id$v=19$m=65536,t=3,p=1$"), hash.constData());
        verifyPassword(hash, Password); // warm the allocator
        QElapsedTimer timer;
        timer.start();
        const int rounds = 3;
        for (int i = 0; i < rounds; ++i)
            QVERIFY(verifyPassword(hash, Password));
        const qint64 perVerification = timer.elapsed() / rounds;
        qInfo("One Argon2id verification with the default parameters took %lld ms", perVerification);
        // The target is 50-250 ms on the reference machine; far less means the cost was lost.
        QVERIFY2(perVerification >= 25, qPrintable(QString::number(perVerification)));
    }

    void tokenFormat()
    {
        const QString token = generateToken();
        QVERIFY(QRegularExpression(QStringLiteral("^[A-Za-z0-9_-]{43}$")).match(token).hasMatch());
        QVERIFY(generateToken() != token);
        const QByteArray hash = hashToken(token);
        QCOMPARE(hash.size(), 32);
        QCOMPARE(hash, QCryptographicHash::hash(token.toUtf8(), QCryptographicHash::Sha256));
    }

    void joinCodeAndPasswordFormat()
    {
        const QRegularExpression shape(QStringLiteral("^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$"));
        for (int i = 0; i < 50; ++i)
            QVERIFY(shape.match(generateJoinCode()).hasMatch());
        QVERIFY(generateJoinCode() != generateJoinCode());
        const QString password = generatePassword();
        QCOMPARE(password.size(), 16);
        QCOMPARE(accountProblem(QStringLiteral("ana"), QStringLiteral("Ana"), password), QString());
    }

    void accountValidation()
    {
        auto service = makeService();
        const auto code = [&](const QString &name, const QString &display, const QString &password) {
            const AuthOutcome outcome = service->createAccount(name, display, Role::Student, password);
            return outcome.ok() ? QStringLiteral("ok") : Protocol::errorCodeName(*outcome.error);
        };
        QCOMPARE(code(QStringLiteral("ana"), QStringLiteral("Ana"), Password), QStringLiteral("ok"));
        QCOMPARE(code(QStringLiteral("ana"), QStringLiteral("Ana"), Password), QStringLiteral("conflict"));
        QCOMPARE(code(QStringLiteral("Ana"), QStringLiteral("Ana"), Password), QStringLiteral("bad_request"));
        QCOMPARE(code(QStringLiteral("b"), QStringLiteral("B"), Password), QStringLiteral("bad_request"));
        QCOMPARE(code(QStringLiteral("ben"), QStringLiteral("  "), Password), QStringLiteral("bad_request"));
        QCOMPARE(code(QStringLiteral("ben"), QStringLiteral("Ben"), QStringLiteral("short")), QStringLiteral("bad_request"));
        QCOMPARE(m_storage->users().size(), 1);
    }

    void signInOk()
    {
        auto service = makeService();
        const UserRecord ana = addUser(*service, QStringLiteral("ana"));
        const AuthOutcome outcome = signIn(*service, QStringLiteral("ana"), Password);
        QVERIFY2(outcome.ok(), qPrintable(errorText(outcome)));
        QCOMPARE(outcome.user.info, ana.info);
        QCOMPARE(outcome.token.size(), 43);
        QCOMPARE(outcome.tokenHash, hashToken(outcome.token));
        QCOMPARE(outcome.expiresAt, Start + AuthConfig().tokenLifetimeMs);
        const std::optional<SessionRecord> session = m_storage->sessionByTokenHash(outcome.tokenHash);
        QVERIFY(session);
        QCOMPARE(session->userId, ana.info.id);
        QCOMPARE(session->expiresAt, outcome.expiresAt);
        // The username is not case-sensitive at sign-in.
        QVERIFY(signIn(*service, QStringLiteral("ANA"), Password).ok());
    }

    void signInFailures()
    {
        auto service = makeService();
        const UserRecord ana = addUser(*service, QStringLiteral("ana"));
        const AuthOutcome wrong = signIn(*service, QStringLiteral("ana"), QStringLiteral("wrong horse"));
        QCOMPARE(wrong.error, ErrorCode::Unauthorized);
        QVERIFY(wrong.token.isEmpty());
        const AuthOutcome unknown = signIn(*service, QStringLiteral("nobody"), Password);
        QCOMPARE(unknown.error, ErrorCode::Unauthorized);
        QCOMPARE(unknown.message, wrong.message); // nothing tells the two apart

        QVERIFY(m_storage->setDisabled(ana.info.id, true));
        const AuthOutcome disabled = signIn(*service, QStringLiteral("ana"), Password);
        QCOMPARE(disabled.error, ErrorCode::Unauthorized);
        QVERIFY(disabled.message.contains(QStringLiteral("disabled")));
        // A wrong password on a disabled account does not reveal that it is disabled.
        QCOMPARE(signIn(*service, QStringLiteral("ana"), QStringLiteral("wrong horse")).message, wrong.message);
    }

    void unknownUserTakesAsLongAsWrongPassword()
    {
        auto service = makeService(AuthConfig{});
        addUser(*service, QStringLiteral("ana"));
        timeSignIn(*service, QStringLiteral("ana"), Password); // warms up (builds the dummy hash)
        const qint64 wrong = timeSignIn(*service, QStringLiteral("ana"), QStringLiteral("wrong horse"));
        const qint64 unknown = timeSignIn(*service, QStringLiteral("nobody"), QStringLiteral("wrong horse"));
        qInfo("wrong password: %lld ms, unknown user: %lld ms", wrong, unknown);
        QVERIFY2(unknown * 2 >= wrong, "an unknown user is answered much faster than a wrong password");
    }

    void rehashOnSignIn()
    {
        auto cheap = makeService();
        const UserRecord ana = addUser(*cheap, QStringLiteral("ana"));
        QVERIFY(ana.passwordHash.contains("t=1"));
        cheap.reset();
        AuthConfig stronger = cheapConfig();
        stronger.argon2OpsLimit = 2;
        auto service = makeService(stronger);
        QVERIFY(signIn(*service, QStringLiteral("ana"), Password).ok());
        const QByteArray upgraded = m_storage->userById(ana.info.id)->passwordHash;
        QVERIFY2(upgraded.contains("t=2"), upgraded.constData());
        QVERIFY(verifyPassword(upgraded, Password));
    }

    void throttlePerAccount()
    {
        auto service = makeService();
        addUser(*service, QStringLiteral("ana"));
        addUser(*service, QStringLiteral("ben"));
        for (int i = 0; i < 5; ++i) {
            m_now += 1000;
            QCOMPARE(signIn(*service, QStringLiteral("ana"), QStringLiteral("guess %1").arg(i), i % 2 ? Here : There).error,
                     ErrorCode::Unauthorized);
        }
        const qint64 firstFailure = Start + 1000;
        // Over the limit: the right password is refused too, from any address.
        const AuthOutcome refused = signIn(*service, QStringLiteral("ana"), Password, QStringLiteral("198.51.100.7"));
        QCOMPARE(refused.error, ErrorCode::RateLimited);
        QCOMPARE(refused.retryAfterMs, firstFailure + FifteenMinutes - m_now);
        QVERIFY(refused.message.contains(QStringLiteral("Try again")));
        // Other accounts are not affected.
        QVERIFY(signIn(*service, QStringLiteral("ben"), Password).ok());

        m_now = firstFailure + FifteenMinutes - 1;
        QCOMPARE(signIn(*service, QStringLiteral("ana"), Password).error, ErrorCode::RateLimited);
        m_now = firstFailure + FifteenMinutes;
        const AuthOutcome later = signIn(*service, QStringLiteral("ana"), Password);
        QVERIFY2(later.ok(), qPrintable(errorText(later)));
    }

    void throttlePerAddress()
    {
        auto service = makeService();
        addUser(*service, QStringLiteral("ana"));
        for (int i = 0; i < 20; ++i)
            QCOMPARE(signIn(*service, QStringLiteral("probe%1").arg(i), Password, Here).error, ErrorCode::Unauthorized);
        const AuthOutcome refused = signIn(*service, QStringLiteral("ana"), Password, Here);
        QCOMPARE(refused.error, ErrorCode::RateLimited);
        QCOMPARE(refused.retryAfterMs, FifteenMinutes);
        QVERIFY(signIn(*service, QStringLiteral("ana"), Password, There).ok());
        m_now += FifteenMinutes;
        QVERIFY(signIn(*service, QStringLiteral("ana"), Password, Here).ok());
    }

    void throttledAttemptRunsNoVerification()
    {
        AuthConfig config;
        config.hashThreads = 1; // default (expensive) parameters, one hashing thread
        auto service = makeService(config);
        addUser(*service, QStringLiteral("ana"), Role::Student);
        addUser(*service, QStringLiteral("ben"), Role::Student);
        for (int i = 0; i < 5; ++i)
            QCOMPARE(signIn(*service, QStringLiteral("ana"), QStringLiteral("guess")).error, ErrorCode::Unauthorized);

        // Ben's verification occupies the only hashing thread; Ana's refusal must not queue behind it.
        QStringList order;
        service->signIn(QStringLiteral("ben"), Password, Here, this, [&](const AuthOutcome &) { order << QStringLiteral("ben"); });
        service->signIn(QStringLiteral("ana"), Password, Here, this, [&](const AuthOutcome &outcome) {
            order << QStringLiteral("ana:") + errorText(outcome).section(QLatin1Char(' '), 0, 0);
        });
        QTRY_COMPARE_WITH_TIMEOUT(order.size(), 2, 10000);
        QCOMPARE(order, QStringList({QStringLiteral("ana:rate_limited"), QStringLiteral("ben")}));
    }

    void parallelGuessesCannotPassTheLimit()
    {
        auto service = makeService();
        addUser(*service, QStringLiteral("ana"));
        QStringList outcomes;
        for (int i = 0; i < 12; ++i) {
            const QString password = i == 11 ? Password : QStringLiteral("guess %1").arg(i);
            service->signIn(QStringLiteral("ana"), password, Here, this, [&](const AuthOutcome &outcome) {
                outcomes << errorText(outcome).section(QLatin1Char(' '), 0, 0);
            });
        }
        QTRY_COMPARE_WITH_TIMEOUT(outcomes.size(), 12, 10000);
        // Five guesses are verified; the rest, the right password included, are judged after them.
        QCOMPARE(outcomes.count(QStringLiteral("unauthorized")), 5);
        QCOMPARE(outcomes.count(QStringLiteral("rate_limited")), 7);
    }

    void manyParallelSignInsOfOneAccountSucceed()
    {
        auto service = makeService();
        addUser(*service, QStringLiteral("ana"));
        int succeeded = 0;
        for (int i = 0; i < 30; ++i) {
            service->signIn(QStringLiteral("ana"), Password, Here, this,
                            [&](const AuthOutcome &outcome) { succeeded += outcome.ok() ? 1 : 0; });
        }
        QTRY_COMPARE_WITH_TIMEOUT(succeeded, 30, 10000);
    }

    void tokenSignIn()
    {
        auto service = makeService();
        const UserRecord ana = addUser(*service, QStringLiteral("ana"));
        const AuthOutcome first = signIn(*service, QStringLiteral("ana"), Password);
        QVERIFY(first.ok());

        const AuthOutcome resumed = service->signInWithToken(first.token);
        QVERIFY2(resumed.ok(), qPrintable(errorText(resumed)));
        QCOMPARE(resumed.user.info, ana.info);
        QCOMPARE(resumed.tokenHash, first.tokenHash);
        QCOMPARE(resumed.expiresAt, first.expiresAt);

        QCOMPARE(service->signInWithToken(generateToken()).error, ErrorCode::Unauthorized);
        QCOMPARE(service->signInWithToken(QString()).error, ErrorCode::Unauthorized);

        QVERIFY(m_storage->setDisabled(ana.info.id, true));
        QCOMPARE(service->signInWithToken(first.token).error, ErrorCode::Unauthorized);
        QVERIFY(m_storage->setDisabled(ana.info.id, false));
        QVERIFY(service->signInWithToken(first.token).ok());

        m_now = first.expiresAt;
        QCOMPARE(service->signInWithToken(first.token).error, ErrorCode::Unauthorized);
        QVERIFY(!m_storage->sessionByTokenHash(first.tokenHash)); // expired sessions are removed
    }

    void signOutRevokesOneToken()
    {
        auto service = makeService();
        const UserRecord ana = addUser(*service, QStringLiteral("ana"));
        const AuthOutcome laptop = signIn(*service, QStringLiteral("ana"), Password);
        const AuthOutcome phone = signIn(*service, QStringLiteral("ana"), Password);
        QSignalSpy revoked(service.get(), &AuthService::sessionsRevoked);

        service->signOut(laptop.tokenHash, UserId(ana.info.id.value() + 1)); // not hers: ignored
        QCOMPARE(revoked.size(), 0);
        QVERIFY(service->signInWithToken(laptop.token).ok());

        service->signOut(laptop.tokenHash, ana.info.id);
        QCOMPARE(revoked.size(), 1);
        QCOMPARE(revoked.at(0).at(0).value<UserId>(), ana.info.id);
        QCOMPARE(revoked.at(0).at(1).toByteArray(), laptop.tokenHash);
        QVERIFY(revoked.at(0).at(2).toByteArray().isEmpty());
        QCOMPARE(service->signInWithToken(laptop.token).error, ErrorCode::Unauthorized);
        QVERIFY(service->signInWithToken(phone.token).ok());
    }

    void changePassword()
    {
        auto service = makeService();
        const UserRecord ana = addUser(*service, QStringLiteral("ana"));
        const AuthOutcome laptop = signIn(*service, QStringLiteral("ana"), Password);
        const AuthOutcome phone = signIn(*service, QStringLiteral("ana"), Password);
        QSignalSpy revoked(service.get(), &AuthService::sessionsRevoked);
        const QString newPassword = QStringLiteral("battery staple");
        const auto change = [&](const QString &current, const QString &next) {
            return await([&](AuthService::Callback done) { service->changePassword(ana.info.id, current, next, this, done); });
        };

        QCOMPARE(change(QStringLiteral("wrong horse"), newPassword).error, ErrorCode::Unauthorized);
        QCOMPARE(change(Password, QStringLiteral("short")).error, ErrorCode::BadRequest);
        QCOMPARE(revoked.size(), 0);
        QVERIFY(service->signInWithToken(laptop.token).ok());

        const AuthOutcome changed = change(Password, newPassword);
        QVERIFY2(changed.ok(), qPrintable(errorText(changed)));
        QCOMPARE(changed.token.size(), 43);
        QCOMPARE(revoked.size(), 1);
        QCOMPARE(revoked.at(0).at(0).value<UserId>(), ana.info.id);
        QVERIFY(revoked.at(0).at(1).toByteArray().isEmpty());
        QCOMPARE(revoked.at(0).at(2).toByteArray(), changed.tokenHash);

        QCOMPARE(service->signInWithToken(laptop.token).error, ErrorCode::Unauthorized);
        QCOMPARE(service->signInWithToken(phone.token).error, ErrorCode::Unauthorized);
        QVERIFY(service->signInWithToken(changed.token).ok());
        QCOMPARE(signIn(*service, QStringLiteral("ana"), Password).error, ErrorCode::Unauthorized);
        QVERIFY(signIn(*service, QStringLiteral("ana"), newPassword).ok());
    }

    void signUp()
    {
        auto service = makeService();
        const UserRecord teacher = addUser(*service, QStringLiteral("teacher"), Role::Instructor);
        const StorageResult<CourseRecord> course =
            m_storage->createCourse(QStringLiteral("Physics 101"), teacher.info.id, generateJoinCode(), QStringLiteral("c1"));
        QVERIFY(course.ok());
        const auto signUp = [&](const QString &name, const QString &code, AuthService &on) {
            return await([&](AuthService::Callback done) {
                on.signUp(name, QStringLiteral("Ben Okafor"), QStringLiteral("s3cret-pass"), code, Here, this, done);
            });
        };

        const AuthOutcome ben = signUp(QStringLiteral("ben"), course.value->joinCode.toLower(), *service);
        QVERIFY2(ben.ok(), qPrintable(errorText(ben)));
        QCOMPARE(ben.user.info.role, Role::Student);
        QCOMPARE(ben.user.info.displayName, QStringLiteral("Ben Okafor"));
        QVERIFY(ben.course);
        QCOMPARE(ben.course->id, course.value->id);
        QCOMPARE(m_storage->courseRole(course.value->id, ben.user.info.id), std::optional<Role>(Role::Student));
        QVERIFY(service->signInWithToken(ben.token).ok());

        QCOMPARE(signUp(QStringLiteral("ben"), course.value->joinCode, *service).error, ErrorCode::Conflict);
        QCOMPARE(signUp(QStringLiteral("cleo"), QStringLiteral("ZZZZ-ZZZZ"), *service).error, ErrorCode::NotFound);
        QCOMPARE(signUp(QStringLiteral("No Good"), course.value->joinCode, *service).error, ErrorCode::BadRequest);

        AuthConfig closed = cheapConfig();
        closed.allowSignUp = false;
        auto closedService = makeService(closed);
        QCOMPARE(signUp(QStringLiteral("dana"), course.value->joinCode, *closedService).error, ErrorCode::Forbidden);
        QVERIFY(!m_storage->userByName(QStringLiteral("dana")));
    }

    void setupTokenIsSingleUse()
    {
        auto service = makeService();
        QVERIFY(service->setupRequired());
        const QString stale = service->ensureSetupToken();
        const QString token = service->ensureSetupToken(); // each start makes a fresh one
        QCOMPARE(token.size(), 43);
        QVERIFY(token != stale);
        const auto setup = [&](const QString &setupToken, const QString &name) {
            return await([&](AuthService::Callback done) {
                service->setup(setupToken, name, QStringLiteral("Root"), Password, Here, this, done);
            });
        };

        QCOMPARE(setup(stale, QStringLiteral("root")).error, ErrorCode::Forbidden);
        QCOMPARE(setup(generateToken(), QStringLiteral("root")).error, ErrorCode::Forbidden);
        const AuthOutcome admin = setup(token, QStringLiteral("root"));
        QVERIFY2(admin.ok(), qPrintable(errorText(admin)));
        QCOMPARE(admin.user.info.role, Role::Admin);
        QVERIFY(service->signInWithToken(admin.token).ok());
        QVERIFY(!service->setupRequired());

        QCOMPARE(setup(token, QStringLiteral("root2")).error, ErrorCode::Forbidden);
        QCOMPARE(service->ensureSetupToken(), QString());
        QCOMPARE(m_storage->countUsersWithRole(Role::Admin), 1);
    }

    void setupNotOfferedWhenAnAdminExists()
    {
        auto service = makeService();
        addUser(*service, QStringLiteral("root"), Role::Admin);
        QVERIFY(!service->setupRequired());
        QCOMPARE(service->ensureSetupToken(), QString());
    }

    void issueToken()
    {
        auto service = makeService();
        const UserRecord host = addUser(*service, QStringLiteral("host"), Role::Instructor);
        const AuthOutcome issued = service->issueToken(host.info.id);
        QVERIFY(issued.ok());
        QCOMPARE(service->signInWithToken(issued.token).user.info, host.info);
        QCOMPARE(service->issueToken(UserId(9999)).error, ErrorCode::NotFound);
        QVERIFY(m_storage->setDisabled(host.info.id, true));
        QCOMPARE(service->issueToken(host.info.id).error, ErrorCode::Forbidden);
    }

    void setPasswordRevokesSessions()
    {
        auto service = makeService();
        const UserRecord ana = addUser(*service, QStringLiteral("ana"));
        const AuthOutcome session = signIn(*service, QStringLiteral("ana"), Password);
        QSignalSpy revoked(service.get(), &AuthService::sessionsRevoked);
        QCOMPARE(service->setPassword(ana.info.id, QStringLiteral("tiny")).error, ErrorCode::BadRequest);
        QVERIFY(service->setPassword(ana.info.id, QStringLiteral("brand new pass")).ok());
        QCOMPARE(revoked.size(), 1);
        QCOMPARE(service->signInWithToken(session.token).error, ErrorCode::Unauthorized);
        QVERIFY(signIn(*service, QStringLiteral("ana"), QStringLiteral("brand new pass")).ok());
    }

    void callbackDroppedWhenContextDestroyed()
    {
        auto service = makeService();
        addUser(*service, QStringLiteral("ana"));
        auto *context = new QObject(this);
        bool called = false;
        service->signIn(QStringLiteral("ana"), Password, Here, context, [&](const AuthOutcome &) { called = true; });
        delete context;
        // The pool has one thread: once this later request is answered, the first one was too.
        QVERIFY(signIn(*service, QStringLiteral("ana"), Password).ok());
        QTest::qWait(50);
        QVERIFY(!called);

        // Also when the answer needs no hashing at all.
        auto *gone = new QObject(this);
        AuthConfig closed = cheapConfig();
        closed.allowSignUp = false;
        auto closedService = makeService(closed);
        closedService->signUp(QStringLiteral("ben"), QStringLiteral("Ben"), Password, QStringLiteral("ABCD-EFGH"), Here,
                              gone, [&](const AuthOutcome &) { called = true; });
        delete gone;
        QTest::qWait(50);
        QVERIFY(!called);
    }

    void guessingJoinCodesIsThrottled()
    {
        auto service = makeService();
        const auto signUp = [&](const QString &code, const QString &address) {
            return await([&](AuthService::Callback done) {
                service->signUp(QStringLiteral("cleo"), QStringLiteral("Cleo"), Password, code, address, this, done);
            });
        };
        for (int i = 0; i < 20; ++i)
            QCOMPARE(signUp(generateJoinCode(), Here).error, ErrorCode::NotFound);
        const AuthOutcome refused = signUp(generateJoinCode(), Here);
        QCOMPARE(refused.error, ErrorCode::RateLimited);
        QCOMPARE(refused.retryAfterMs, FifteenMinutes);
        QCOMPARE(signUp(generateJoinCode(), There).error, ErrorCode::NotFound);
    }

    void destroyingTheServiceWhileHashing()
    {
        auto service = makeService(AuthConfig{});
        addUser(*service, QStringLiteral("ana"));
        bool called = false;
        for (int i = 0; i < 3; ++i)
            service->signIn(QStringLiteral("ana"), Password, Here, this, [&](const AuthOutcome &) { called = true; });
        service.reset(); // waits for the running hash; the queued answers go with the service
        QTest::qWait(50);
        QVERIFY(!called);
    }

    void callbacksAreNeverSynchronous()
    {
        AuthConfig closed = cheapConfig();
        closed.allowSignUp = false;
        auto service = makeService(closed);
        bool called = false;
        service->signUp(QStringLiteral("ben"), QStringLiteral("Ben"), Password, QStringLiteral("ABCD-EFGH"), Here, this,
                        [&](const AuthOutcome &) { called = true; });
        QVERIFY(!called);
        QTRY_VERIFY(called);
    }

    void eventLoopStaysResponsive()
    {
        auto service = makeService(AuthConfig{}); // the real cost, the default pool
        const UserRecord ana = addUser(*service, QStringLiteral("ana"));
        QElapsedTimer oneVerification;
        oneVerification.start();
        verifyPassword(ana.passwordHash, Password);
        const qint64 verification = oneVerification.elapsed();
        QElapsedTimer clock;
        clock.start();
        qint64 lastTick = 0;
        qint64 longestGap = 0;
        qint64 stalled = 0; // time spent in gaps longer than half a verification
        int ticks = 0;
        QTimer timer;
        timer.setInterval(10);
        connect(&timer, &QTimer::timeout, this, [&] {
            const qint64 now = clock.elapsed();
            const qint64 gap = now - lastTick;
            longestGap = std::max(longestGap, gap);
            stalled += gap > verification / 2 ? gap : 0;
            lastTick = now;
            ++ticks;
        });
        timer.start();

        int answered = 0;
        int succeeded = 0;
        QElapsedTimer calls;
        calls.start();
        for (int i = 0; i < 20; ++i) {
            service->signIn(QStringLiteral("ana"), Password, QStringLiteral("10.1.0.%1").arg(i), this,
                            [&](const AuthOutcome &outcome) {
                                ++answered;
                                succeeded += outcome.ok() ? 1 : 0;
                            });
        }
        const qint64 callTime = calls.elapsed();
        QCOMPARE(answered, 0);
        QTRY_COMPARE_WITH_TIMEOUT(answered, 20, 60000);
        const qint64 total = clock.elapsed();
        timer.stop();
        qInfo("20 sign-ins: %lld ms in the calls, %lld ms in all, %d timer ticks, longest gap %lld ms, "
              "%lld ms in long gaps, one verification %lld ms",
              callTime, total, ticks, longestGap, stalled, verification);
        QCOMPARE(succeeded, 20);
        QVERIFY2(callTime < total / 4, "signIn() blocked its caller");
        // Had the verifications run on this thread, the timer would have waited for each of them,
        // most of the time. A busy machine may preempt the thread now and then, but not that much.
        QVERIFY2(stalled < total / 4, qPrintable(QString::number(stalled)));
        QVERIFY(ticks >= total / 50);
    }
};

QTEST_GUILESS_MAIN(TestAuthService)
#include "tst_authservice.moc"
