// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
// Starting and stopping the in-process server.
#include "testclient.h"
#include "testserver.h"

#include <QtTest>

using namespace Cohort;
using namespace Cohort::Protocol;
using Cohort::Test::TestClient;

class TestLifecycle : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void stopClosesClientsWithGoingAway()
    {
        Test::TestServer server;
        QCOMPARE(server.start(), QString());
        const QUrl url = server.url();
        TestClient a;
        TestClient b;
        QVERIFY(a.connectTo(url));
        QVERIFY(b.open(url)); // not even welcomed yet
        QTRY_COMPARE(server.server().connectionCount(), 2);
        QVERIFY(server.stop());
        QVERIFY(a.waitForClosed());
        QVERIFY(b.waitForClosed());
        QCOMPARE(a.closeCode(), 1001);
        QCOMPARE(b.closeCode(), 1001);
        QVERIFY(!server.server().isListening());
        TestClient late;
        QVERIFY(!late.open(url, 2000));
    }

    void stopWithoutClientsFinishes()
    {
        Test::TestServer server;
        QCOMPARE(server.start(), QString());
        QVERIFY(server.stop());
    }

    void dataSurvivesARestart()
    {
        Test::TestServer server;
        Server::ServerConfig config = Test::TestServer::testConfig();
        QCOMPARE(server.start(config), QString());
        QVERIFY(server.addUser(QStringLiteral("teacher"), Role::Instructor).isValid());
        const QString setupToken = server.server().setupToken();
        QVERIFY(!setupToken.isEmpty());
        QVERIFY(server.stop());

        // A second server on the same data dir: the account is there, a new setup token is made
        // (still no admin), and the port is free again.
        config.dataDir = server.dataDir();
        Server::CohortServer again(config);
        QCOMPARE(again.start(), QString());
        QVERIFY(!again.setupToken().isEmpty());
        QVERIFY(again.setupToken() != setupToken);
        TestClient client;
        QVERIFY(client.connectTo(again.url()));
        QVERIFY(client.signIn(QStringLiteral("teacher"), QStringLiteral("password-123")));
    }

    void startFailsClearlyAndCanBeRetried()
    {
        auto first = std::make_unique<Test::TestServer>();
        QCOMPARE(first->start(), QString());
        QTemporaryDir dataDir;
        Server::ServerConfig config = Test::TestServer::testConfig();
        config.port = first->server().port(); // taken
        config.dataDir = dataDir.path();
        Server::CohortServer second(config);
        const QString problem = second.start();
        QVERIFY2(problem.contains(QStringLiteral("cannot listen")), qPrintable(problem));
        QVERIFY(!second.isListening());
        QCOMPARE(second.httpPort(), quint16(0));

        first.reset(); // the port is free again
        QCOMPARE(second.start(), QString());
        TestClient client;
        QVERIFY(client.connectTo(second.url()));
    }
};

QTEST_GUILESS_MAIN(TestLifecycle)
#include "tst_lifecycle.moc"
