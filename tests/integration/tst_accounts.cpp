// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
// Sign-in, tokens and their revocation, over real WebSocket connections.
#include "adminprocess.h"
#include "testclient.h"
#include "testserver.h"

#include <QtTest>

using namespace Cohort;
using namespace Cohort::Protocol;
using Cohort::Test::TestClient;

namespace {

const QString Password = QStringLiteral("password-123");

QJsonObject credentials(const QString &username, const QString &password)
{
    return {{QStringLiteral("username"), username}, {QStringLiteral("password"), password}};
}

} // namespace

class TestAccounts : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<Test::TestServer> m_server;

    std::unique_ptr<TestClient> welcomed()
    {
        auto client = std::make_unique<TestClient>();
        if (!client->connectTo(m_server->url()))
            return nullptr;
        return client;
    }

    std::unique_ptr<TestClient> signedIn(const QString &username, const QString &password = Password)
    {
        auto client = welcomed();
        if (!client || !client->signIn(username, password))
            return nullptr;
        return client;
    }

    static void expectError(const std::optional<Frame> &frame, ErrorCode code)
    {
        QVERIFY2(frame, "no reply");
        QCOMPARE(frame->type, FrameType::Error);
        QCOMPARE(errorCodeName(frame->code), errorCodeName(code));
    }

    /// Runs `cohort-server ARGS --data-dir DIR` as a separate process on the server's database.
    bool runAdmin(const QStringList &arguments, const QByteArray &input = {})
    {
        return Test::runAdminProcess(QStringLiteral(COHORT_SERVER_BIN), arguments, m_server->dataDir(), input);
    }

    void startServer(Server::ServerConfig config = Test::TestServer::testConfig())
    {
        m_server = std::make_unique<Test::TestServer>();
        const QString problem = m_server->start(config);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void init() { startServer(); }
    void cleanup() { m_server.reset(); }

    void signInReturnsTokenAndUser()
    {
        QVERIFY(m_server->addUser(QStringLiteral("ana"), Role::Student).isValid());
        auto client = welcomed();
        QVERIFY(client);
        const auto reply = client->request(Op::AuthSignIn, credentials(QStringLiteral("ana"), Password));
        QVERIFY(reply);
        QCOMPARE(reply->type, FrameType::Result);
        QVERIFY(reply->data.value(QStringLiteral("token")).toString().size() >= 32);
        QVERIFY(reply->data.value(QStringLiteral("expiresAt")).toInteger() > QDateTime::currentMSecsSinceEpoch());
        const auto user = UserInfo::fromJson(reply->data.value(QStringLiteral("user")).toObject());
        QVERIFY(user);
        QCOMPARE(user->username, QStringLiteral("ana"));
        QCOMPARE(user->role, Role::Student);
        // Signed in: a signed-in op works now.
        QVERIFY(client->request(Op::CourseList));
        QCOMPARE(client->frames().last().type, FrameType::Result);

        // The token signs in on another connection.
        auto other = welcomed();
        QVERIFY(other);
        const auto byToken = other->request(Op::AuthToken, {{QStringLiteral("token"), reply->data.value(QStringLiteral("token"))}});
        QVERIFY(byToken);
        QCOMPARE(byToken->type, FrameType::Result);
        QCOMPARE(byToken->data.value(QStringLiteral("user")).toObject().value(QStringLiteral("username")).toString(),
                 QStringLiteral("ana"));
    }

    void wrongPasswordIsUnauthorized()
    {
        QVERIFY(m_server->addUser(QStringLiteral("ana"), Role::Student).isValid());
        auto client = welcomed();
        QVERIFY(client);
        const auto wrong = client->request(Op::AuthSignIn, credentials(QStringLiteral("ana"), QStringLiteral("nope")));
        expectError(wrong, ErrorCode::Unauthorized);
        const auto unknown = client->request(Op::AuthSignIn, credentials(QStringLiteral("nobody"), QStringLiteral("nope")));
        expectError(unknown, ErrorCode::Unauthorized);
        QCOMPARE(wrong->message, unknown->message); // no hint which part was wrong
        expectError(client->request(Op::CourseList), ErrorCode::Unauthorized);
    }

    void failedSignInsAreThrottled()
    {
        QVERIFY(m_server->addUser(QStringLiteral("ana"), Role::Student).isValid());
        auto client = welcomed();
        QVERIFY(client);
        for (int i = 0; i < 5; ++i)
            expectError(client->request(Op::AuthSignIn, credentials(QStringLiteral("ana"), QStringLiteral("guess"))),
                        ErrorCode::Unauthorized);
        // Even the right password is refused now, with a hint when to retry.
        const auto throttled = client->request(Op::AuthSignIn, credentials(QStringLiteral("ana"), Password));
        expectError(throttled, ErrorCode::RateLimited);
        QVERIFY(throttled->retryAfterMs > 0);
    }

    void expiredTokenIsUnauthorized()
    {
        Server::ServerConfig config = Test::TestServer::testConfig();
        config.tokenLifetimeMs = 300;
        startServer(config);
        QVERIFY(m_server->addUser(QStringLiteral("ana"), Role::Student).isValid());
        auto first = signedIn(QStringLiteral("ana"));
        QVERIFY(first);
        const QString token = first->session().value(QStringLiteral("token")).toString();
        auto second = welcomed();
        QVERIFY(second);
        QTRY_VERIFY_WITH_TIMEOUT(QDateTime::currentMSecsSinceEpoch() > first->session().value(QStringLiteral("expiresAt")).toInteger() + 50, 5000);
        expectError(second->request(Op::AuthToken, {{QStringLiteral("token"), token}}), ErrorCode::Unauthorized);
    }

    void signOutRevokesTheToken()
    {
        QVERIFY(m_server->addUser(QStringLiteral("ana"), Role::Student).isValid());
        auto first = signedIn(QStringLiteral("ana"));
        QVERIFY(first);
        const QString token = first->session().value(QStringLiteral("token")).toString();
        auto sameToken = welcomed();
        QVERIFY(sameToken);
        QVERIFY(sameToken->request(Op::AuthToken, {{QStringLiteral("token"), token}}));
        QCOMPARE(sameToken->frames().last().type, FrameType::Result);
        auto otherSession = signedIn(QStringLiteral("ana"));
        QVERIFY(otherSession);

        const auto out = first->request(Op::AuthSignOut);
        QVERIFY(out);
        QCOMPARE(out->type, FrameType::Result);
        // The signing-out connection stays open but is anonymous again.
        expectError(first->request(Op::CourseList), ErrorCode::Unauthorized);
        QVERIFY(!first->isClosed());
        // Another connection on the same token is closed; another session is not.
        QVERIFY(sameToken->waitForClosed());
        QCOMPARE(sameToken->closeCode(), int(CloseSessionRevoked));
        QVERIFY(otherSession->request(Op::CourseList));
        QCOMPARE(otherSession->frames().last().type, FrameType::Result);
        // The token no longer works.
        auto retry = welcomed();
        QVERIFY(retry);
        expectError(retry->request(Op::AuthToken, {{QStringLiteral("token"), token}}), ErrorCode::Unauthorized);
    }

    void changePasswordRevokesOtherSessions()
    {
        QVERIFY(m_server->addUser(QStringLiteral("ana"), Role::Student).isValid());
        auto changer = signedIn(QStringLiteral("ana"));
        auto other = signedIn(QStringLiteral("ana"));
        QVERIFY(changer && other);
        const QString oldToken = other->session().value(QStringLiteral("token")).toString();

        expectError(changer->request(Op::AuthChangePassword, {{QStringLiteral("currentPassword"), QStringLiteral("wrong")},
                                                               {QStringLiteral("newPassword"), QStringLiteral("new-password-1")}}),
                    ErrorCode::Unauthorized);
        QVERIFY(!other->isClosed());

        const auto changed = changer->request(Op::AuthChangePassword, {{QStringLiteral("currentPassword"), Password},
                                                                        {QStringLiteral("newPassword"), QStringLiteral("new-password-1")}});
        QVERIFY(changed);
        QCOMPARE(changed->type, FrameType::Result);
        const QString newToken = changed->data.value(QStringLiteral("token")).toString();
        QVERIFY(!newToken.isEmpty());
        QVERIFY(other->waitForClosed());
        QCOMPARE(other->closeCode(), int(CloseSessionRevoked));
        // The changing connection keeps working.
        QVERIFY(changer->request(Op::CourseList));
        QCOMPARE(changer->frames().last().type, FrameType::Result);
        QVERIFY(!changer->isClosed());

        auto fresh = welcomed();
        QVERIFY(fresh);
        expectError(fresh->request(Op::AuthToken, {{QStringLiteral("token"), oldToken}}), ErrorCode::Unauthorized);
        QCOMPARE(fresh->request(Op::AuthToken, {{QStringLiteral("token"), newToken}})->type, FrameType::Result);
        expectError(fresh->request(Op::AuthSignIn, credentials(QStringLiteral("ana"), Password)), ErrorCode::Unauthorized);
        QCOMPARE(fresh->request(Op::AuthSignIn, credentials(QStringLiteral("ana"), QStringLiteral("new-password-1")))->type,
                 FrameType::Result);
    }

    void sessionsEndedByTheCliCloseConnections()
    {
        Server::ServerConfig config = Test::TestServer::testConfig();
        config.sessionCheckSeconds = 1;
        startServer(config);
        for (const QString &name : {QStringLiteral("ana"), QStringLiteral("ben"), QStringLiteral("eva")})
            QVERIFY(m_server->addUser(name, Role::Student).isValid());
        auto ana = signedIn(QStringLiteral("ana"));
        auto anaAgain = signedIn(QStringLiteral("ana"));
        auto ben = signedIn(QStringLiteral("ben"));
        auto eva = signedIn(QStringLiteral("eva"));
        QVERIFY(ana && anaAgain && ben && eva);

        // Another process deletes the sessions; this server hears of it only from the database.
        QVERIFY(runAdmin({QStringLiteral("user"), QStringLiteral("disable"), QStringLiteral("ana")}));
        QVERIFY(runAdmin({QStringLiteral("user"), QStringLiteral("passwd"), QStringLiteral("ben"),
                          QStringLiteral("--password-stdin")},
                         QByteArrayLiteral("new-password-1\n")));
        QElapsedTimer elapsed;
        elapsed.start();
        // Within the check interval, plus the sweep period and some slack for a loaded machine.
        for (TestClient *client : {ana.get(), anaAgain.get(), ben.get()}) {
            QVERIFY(client->waitForClosed(3000));
            QCOMPARE(client->closeCode(), int(CloseSessionRevoked));
        }
        QVERIFY2(elapsed.elapsed() < 3000, qPrintable(QString::number(elapsed.elapsed())));
        // Sessions still in the database are left alone.
        QVERIFY(!eva->isClosed());
        QCOMPARE(eva->request(Op::CourseList)->type, FrameType::Result);
    }

    void expiredSessionClosesTheConnection()
    {
        Server::ServerConfig config = Test::TestServer::testConfig();
        config.tokenLifetimeMs = 1500;
        startServer(config);
        QVERIFY(m_server->addUser(QStringLiteral("ana"), Role::Student).isValid());
        auto ana = signedIn(QStringLiteral("ana"));
        QVERIFY(ana);
        const qint64 expiresAt = ana->session().value(QStringLiteral("expiresAt")).toInteger();
        QVERIFY(ana->request(Op::CourseList));
        QVERIFY(ana->waitForClosed(5000));
        QCOMPARE(ana->closeCode(), int(CloseSessionRevoked));
        // Not before the token expired (the session row is still there: expiry alone ends it).
        QVERIFY(QDateTime::currentMSecsSinceEpoch() >= expiresAt);
        QVERIFY(m_server->server().storage().sessionByTokenHash(
            Server::hashToken(ana->session().value(QStringLiteral("token")).toString())));
    }

    void setupTokenCreatesTheFirstAdmin()
    {
        const QString setupToken = m_server->server().setupToken();
        QVERIFY(!setupToken.isEmpty());
        auto client = welcomed();
        QVERIFY(client);
        const QJsonObject account{{QStringLiteral("username"), QStringLiteral("root")},
                                  {QStringLiteral("displayName"), QStringLiteral("Root")},
                                  {QStringLiteral("password"), QStringLiteral("admin-password")}};
        QJsonObject wrong = account;
        wrong.insert(QStringLiteral("setupToken"), QString(43, QLatin1Char('A')));
        expectError(client->request(Op::AuthSetup, wrong), ErrorCode::Forbidden);

        QJsonObject right = account;
        right.insert(QStringLiteral("setupToken"), setupToken);
        const auto created = client->request(Op::AuthSetup, right);
        QVERIFY(created);
        QCOMPARE(created->type, FrameType::Result);
        QCOMPARE(created->data.value(QStringLiteral("user")).toObject().value(QStringLiteral("role")).toString(),
                 QStringLiteral("admin"));
        // Once used, the token is dead, and welcome no longer asks for setup.
        auto again = std::make_unique<TestClient>();
        QVERIFY(again->open(m_server->url()));
        QVERIFY(!again->hello()->data.value(QStringLiteral("setupRequired")).toBool());
        right.insert(QStringLiteral("username"), QStringLiteral("root2"));
        expectError(again->request(Op::AuthSetup, right), ErrorCode::Forbidden);
    }

    void signUpWithJoinCode()
    {
        QVERIFY(m_server->addUser(QStringLiteral("teacher"), Role::Instructor).isValid());
        auto teacher = signedIn(QStringLiteral("teacher"));
        QVERIFY(teacher);
        bool ok = false;
        const QJsonObject course = teacher->call(Op::CourseCreate, {{QStringLiteral("name"), QStringLiteral("Physics")},
                                                                    {QStringLiteral("clientId"), QStringLiteral("c1")}}, &ok)
                                       .value(QStringLiteral("course")).toObject();
        QVERIFY(ok);
        const QString joinCode = course.value(QStringLiteral("joinCode")).toString();
        QVERIFY(!joinCode.isEmpty());
        QVERIFY(teacher->request(Op::RoomJoin, {{QStringLiteral("roomId"), course.value(QStringLiteral("roomId"))}}));

        auto student = welcomed();
        QVERIFY(student);
        const auto signedUp = student->request(Op::AuthSignUp, {{QStringLiteral("username"), QStringLiteral("ben")},
                                                                {QStringLiteral("displayName"), QStringLiteral("Ben")},
                                                                {QStringLiteral("password"), QStringLiteral("s3cret-pass")},
                                                                {QStringLiteral("joinCode"), joinCode.toLower()}});
        QVERIFY(signedUp);
        QCOMPARE(signedUp->type, FrameType::Result);
        const QJsonObject joined = signedUp->data.value(QStringLiteral("course")).toObject();
        QCOMPARE(joined.value(QStringLiteral("id")), course.value(QStringLiteral("id")));
        QCOMPARE(joined.value(QStringLiteral("role")).toString(), QStringLiteral("student"));
        QVERIFY(!joined.contains(QStringLiteral("joinCode"))); // only staff see it
        // The instructor in the course room sees the new member.
        QVERIFY(teacher->waitForEvents(1));
        QCOMPARE(teacher->events().last().event, EventMemberJoined);
        QCOMPARE(teacher->events().last().data.value(QStringLiteral("user")).toObject().value(QStringLiteral("username")).toString(),
                 QStringLiteral("ben"));

        auto taken = welcomed();
        QVERIFY(taken);
        expectError(taken->request(Op::AuthSignUp, {{QStringLiteral("username"), QStringLiteral("ben")},
                                                    {QStringLiteral("displayName"), QStringLiteral("Ben 2")},
                                                    {QStringLiteral("password"), QStringLiteral("s3cret-pass")},
                                                    {QStringLiteral("joinCode"), joinCode}}),
                    ErrorCode::Conflict);
        expectError(taken->request(Op::AuthSignUp, {{QStringLiteral("username"), QStringLiteral("carl")},
                                                    {QStringLiteral("displayName"), QStringLiteral("Carl")},
                                                    {QStringLiteral("password"), QStringLiteral("s3cret-pass")},
                                                    {QStringLiteral("joinCode"), QStringLiteral("NOPE-NOPE")}}),
                    ErrorCode::NotFound);
    }

    void signUpForbiddenWhenDisabled()
    {
        Server::ServerConfig config = Test::TestServer::testConfig();
        config.allowSignUp = false;
        startServer(config);
        auto client = std::make_unique<TestClient>();
        QVERIFY(client->open(m_server->url()));
        QVERIFY(!client->hello()->data.value(QStringLiteral("signUp")).toBool());
        expectError(client->request(Op::AuthSignUp, {{QStringLiteral("username"), QStringLiteral("ben")},
                                                     {QStringLiteral("displayName"), QStringLiteral("Ben")},
                                                     {QStringLiteral("password"), QStringLiteral("s3cret-pass")},
                                                     {QStringLiteral("joinCode"), QStringLiteral("ABCD-EFGH")}}),
                    ErrorCode::Forbidden);
    }
};

QTEST_GUILESS_MAIN(TestAccounts)
#include "tst_accounts.moc"
