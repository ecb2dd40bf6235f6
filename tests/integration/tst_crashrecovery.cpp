// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
// The real cohort-server binary as a subprocess: acknowledged writes survive SIGKILL, and
// SIGTERM closes clients with "going away" before a clean exit.
#include "adminprocess.h"
#include "testclient.h"

#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QtTest>

using namespace Cohort;
using namespace Cohort::Protocol;
using Cohort::Test::TestClient;

namespace {

const QString Password = QStringLiteral("crash-test-password");

quint16 freePort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort();
}

} // namespace

class TestCrashRecovery : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dataDir;
    quint16 m_port = 0;
    std::unique_ptr<QProcess> m_server;
    QByteArray m_serverOutput;

    QUrl url() const { return QUrl(QStringLiteral("ws://127.0.0.1:%1/").arg(m_port)); }

    bool runAdmin(const QStringList &arguments, const QByteArray &input = {})
    {
        return Test::runAdminProcess(QStringLiteral(COHORT_SERVER_BIN), arguments, m_dataDir.path(), input);
    }

    /// Starts cohort-server on the data dir and waits until it accepts WebSocket connections.
    bool startServer()
    {
        m_serverOutput.clear();
        m_server = std::make_unique<QProcess>();
        m_server->setProcessChannelMode(QProcess::MergedChannels);
        connect(m_server.get(), &QProcess::readyRead, m_server.get(), [this] { m_serverOutput += m_server->readAll(); });
        m_server->start(QStringLiteral(COHORT_SERVER_BIN),
                        {QStringLiteral("--config"), m_dataDir.filePath(QStringLiteral("cohort-server.ini")), QStringLiteral("--listen"), QStringLiteral("127.0.0.1"), QStringLiteral("--port"),
                         QString::number(m_port), QStringLiteral("--no-http"), QStringLiteral("--data-dir"),
                         m_dataDir.path()});
        if (!m_server->waitForStarted())
            return false;
        const bool listening = QTest::qWaitFor([this] {
            return m_serverOutput.contains("listening on") || m_server->state() == QProcess::NotRunning;
        }, 30000);
        if (!listening || m_server->state() != QProcess::Running) {
            qWarning() << "cohort-server did not start:" << m_serverOutput;
            return false;
        }
        return true;
    }

    std::unique_ptr<TestClient> signedIn()
    {
        auto client = std::make_unique<TestClient>();
        if (!client->connectTo(url()) || !client->signIn(QStringLiteral("teacher"), Password))
            return nullptr;
        return client;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dataDir.isValid());
        m_port = freePort();
        QVERIFY(m_port != 0);
        // The pipelined bursts below exceed the default request and message rates; flags
        // override the file.
        QFile config(m_dataDir.filePath(QStringLiteral("cohort-server.ini")));
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write("[server]\nport = 1\n[limits]\nrequests_per_second = 1000\nrequest_burst = 1000\n"
                     "[chat]\nmessages_per_minute = 100000\n");
        config.close();
        QVERIFY(runAdmin({QStringLiteral("user"), QStringLiteral("add"), QStringLiteral("teacher"),
                          QStringLiteral("--role"), QStringLiteral("instructor"), QStringLiteral("--password-stdin")},
                         Password.toUtf8() + '\n'));
    }

    void cleanup()
    {
        if (m_server && m_server->state() != QProcess::NotRunning) {
            m_server->kill();
            m_server->waitForFinished();
        }
        m_server.reset();
        m_serverOutput.clear();
    }

    void acknowledgedMessagesSurviveSigkill()
    {
        QVERIFY(startServer());
        auto client = signedIn();
        QVERIFY(client);
        bool ok = false;
        const QJsonObject course = client->call(Op::CourseCreate, {{QStringLiteral("name"), QStringLiteral("Durable")},
                                                                   {QStringLiteral("clientId"), QStringLiteral("d")}}, &ok)
                                       .value(QStringLiteral("course")).toObject();
        QVERIFY(ok);
        const qint64 roomId = course.value(QStringLiteral("roomId")).toInteger();

        // 200 messages: some one at a time, most pipelined in growing bursts.
        constexpr int N = 200;
        QList<QPair<QString, qint64>> acknowledged; // clientId, seq
        int sent = 0;
        int burst = 1;
        while (sent < N) {
            QList<QPair<QString, QString>> pending; // request id, clientId
            for (int i = 0; i < burst && sent < N; ++i, ++sent) {
                const QString clientId = QStringLiteral("msg-%1").arg(sent);
                pending.append({client->send(Op::MessageSend, {{QStringLiteral("roomId"), roomId},
                                                               {QStringLiteral("clientId"), clientId},
                                                               {QStringLiteral("text"), QStringLiteral("durable %1").arg(sent)}}),
                                clientId});
            }
            for (const auto &[id, clientId] : std::as_const(pending)) {
                const auto reply = client->reply(id);
                QVERIFY(reply);
                QCOMPARE(reply->type, FrameType::Result);
                acknowledged.append({clientId, reply->data.value(QStringLiteral("seq")).toInteger()});
            }
            burst = burst >= 25 ? 1 : burst * 2 + 1;
        }
        QCOMPARE(acknowledged.size(), N);

        m_server->kill(); // SIGKILL: no shutdown code runs
        QVERIFY(m_server->waitForFinished());
        QCOMPARE(m_server->exitStatus(), QProcess::CrashExit);
        QVERIFY(client->waitForClosed());

        QVERIFY(startServer());
        auto reader = signedIn();
        QVERIFY(reader);
        const auto joined = reader->request(Op::RoomJoin, {{QStringLiteral("roomId"), roomId}, {QStringLiteral("since"), 0}});
        QVERIFY(joined);
        QCOMPARE(joined->type, FrameType::Result);
        QList<QPair<QString, qint64>> stored;
        for (const Frame &event : reader->events()) {
            if (event.event == EventMessageCreated)
                stored.append({event.data.value(QStringLiteral("clientId")).toString(), event.seq});
        }
        QCOMPARE(stored, acknowledged); // every acknowledged message, once, in order, same seq
    }

    void sigtermClosesClientsWithGoingAway()
    {
        QVERIFY(startServer());
        TestClient first;
        TestClient second;
        QVERIFY(first.connectTo(url()));
        QVERIFY(second.connectTo(url()));
        m_server->terminate(); // SIGTERM
        QVERIFY(first.waitForClosed());
        QVERIFY(second.waitForClosed());
        QCOMPARE(first.closeCode(), 1001);
        QCOMPARE(second.closeCode(), 1001);
        QVERIFY(QTest::qWaitFor([this] { return m_server->state() == QProcess::NotRunning; }, 15000));
        QCOMPARE(m_server->exitStatus(), QProcess::NormalExit);
        QCOMPARE(m_server->exitCode(), 0);
    }
};

QTEST_GUILESS_MAIN(TestCrashRecovery)
#include "tst_crashrecovery.moc"
