// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
// The real cohort-server binary as a subprocess: every acknowledged edit of a code session is
// there after SIGKILL and a restart, across a compaction.
#include "adminprocess.h"
#include "document.h"
#include "testclient.h"

#include <QJsonArray>
#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QtTest>

using namespace Cohort;
using namespace Cohort::Protocol;
using Cohort::Test::TestClient;

namespace {

const QString Password = QStringLiteral("code-crash-password");

quint16 freePort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort();
}

QString b64(const QByteArray &bytes)
{
    return QString::fromLatin1(bytes.toBase64());
}

} // namespace

class TestCodeRestart : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dataDir;
    quint16 m_port = 0;
    std::unique_ptr<QProcess> m_server;
    QByteArray m_serverOutput;

    QUrl url() const { return QUrl(QStringLiteral("ws://127.0.0.1:%1/").arg(m_port)); }

    bool startServer()
    {
        m_serverOutput.clear();
        m_server = std::make_unique<QProcess>();
        m_server->setProcessChannelMode(QProcess::MergedChannels);
        connect(m_server.get(), &QProcess::readyRead, m_server.get(), [this] { m_serverOutput += m_server->readAll(); });
        m_server->start(QStringLiteral(COHORT_SERVER_BIN),
                        {QStringLiteral("--config"), m_dataDir.filePath(QStringLiteral("cohort-server.ini")),
                         QStringLiteral("--listen"), QStringLiteral("127.0.0.1"), QStringLiteral("--port"),
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
        QFile config(m_dataDir.filePath(QStringLiteral("cohort-server.ini")));
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write("[server]\nport = 1\n[limits]\nrequests_per_second = 2000\nrequest_burst = 2000\n");
        config.close();
        QVERIFY(Test::runAdminProcess(QStringLiteral(COHORT_SERVER_BIN),
                                      {QStringLiteral("user"), QStringLiteral("add"), QStringLiteral("teacher"),
                                       QStringLiteral("--role"), QStringLiteral("instructor"), QStringLiteral("--password-stdin")},
                                      m_dataDir.path(), Password.toUtf8() + '\n'));
    }

    void cleanup()
    {
        if (m_server && m_server->state() != QProcess::NotRunning) {
            m_server->kill();
            m_server->waitForFinished();
        }
        m_server.reset();
    }

    void acknowledgedEditsSurviveSigkill()
    {
        QVERIFY(startServer());
        auto client = signedIn();
        QVERIFY(client);
        bool ok = false;
        const qint64 session = client->call(Op::CodeCreate, {{QStringLiteral("clientId"), QStringLiteral("s")},
                                                             {QStringLiteral("title"), QStringLiteral("Durable")}}, &ok)
                                   .value(QStringLiteral("session")).toObject().value(QStringLiteral("id")).toInteger();
        QVERIFY(ok);
        const QJsonObject joined = client->call(Op::CodeJoin, {{QStringLiteral("sessionId"), session}}, &ok);
        QVERIFY(ok);
        const quint64 agent = quint64(joined.value(QStringLiteral("agent")).toInteger());
        const qint64 file = client->call(Op::FileCreate, {{QStringLiteral("clientId"), QStringLiteral("f")},
                                                          {QStringLiteral("sessionId"), session},
                                                          {QStringLiteral("path"), QStringLiteral("main.c")},
                                                          {QStringLiteral("language"), QStringLiteral("c")},
                                                          {QStringLiteral("content"), QStringLiteral("int main() {}\n")}}, &ok)
                                .value(QStringLiteral("file")).toObject().value(QStringLiteral("id")).toInteger();
        QVERIFY(ok);
        const QJsonObject opened =
            client->call(Op::FileOpen, {{QStringLiteral("sessionId"), session}, {QStringLiteral("fileId"), file}}, &ok);
        QVERIFY(ok);
        std::optional<Collab::Document> document =
            Collab::Document::decode(agent, QByteArray::fromBase64(opened.value(QStringLiteral("state")).toString().toLatin1()));
        QVERIFY(document);

        // 700 edits, pipelined in bursts, every one acknowledged: one compaction at 500.
        constexpr int N = 700;
        int sent = 0;
        int burst = 1;
        while (sent < N) {
            QStringList pending;
            for (int i = 0; i < burst && sent < N; ++i, ++sent) {
                const QByteArray update = sent % 5 == 4
                    ? document->remove(document->length() / 2, 2)
                    : document->insert(document->length() / 3, QStringLiteral("e%1;").arg(sent));
                pending.append(client->send(Op::DocUpdate, {{QStringLiteral("sessionId"), session},
                                                            {QStringLiteral("fileId"), file},
                                                            {QStringLiteral("update"), b64(update)}}));
            }
            for (const QString &id : std::as_const(pending)) {
                const auto reply = client->reply(id);
                QVERIFY(reply);
                QCOMPARE(reply->type, FrameType::Result);
            }
            burst = burst >= 40 ? 1 : burst * 2 + 1;
        }
        const QString expected = document->text();

        m_server->kill();
        QVERIFY(m_server->waitForFinished());
        QCOMPARE(m_server->exitStatus(), QProcess::CrashExit);
        client.reset();

        QVERIFY(startServer());
        auto again = signedIn();
        QVERIFY(again);
        const QJsonObject rejoined = again->call(Op::CodeJoin, {{QStringLiteral("sessionId"), session},
                                                                {QStringLiteral("agent"), qint64(agent)}}, &ok);
        QVERIFY(ok);
        QCOMPARE(rejoined.value(QStringLiteral("files")).toArray().at(0).toObject().value(QStringLiteral("n")).toInteger(), N);
        const QJsonArray files = again->call(Op::CodeExport, {{QStringLiteral("sessionId"), session}}, &ok)
                                     .value(QStringLiteral("files")).toArray();
        QVERIFY(ok);
        QCOMPARE(files.size(), 1);
        QCOMPARE(files.at(0).toObject().value(QStringLiteral("content")).toString(), expected);
        // The same replica keeps editing under its agent after the restart.
        const QByteArray more = document->insert(0, QStringLiteral("// after\n"));
        const auto reply = again->request(Op::DocUpdate, {{QStringLiteral("sessionId"), session},
                                                          {QStringLiteral("fileId"), file},
                                                          {QStringLiteral("update"), b64(more)}});
        QVERIFY(reply);
        QCOMPARE(reply->type, FrameType::Result);
        QCOMPARE(reply->data.value(QStringLiteral("n")).toInteger(), N + 1);
    }
};

QTEST_GUILESS_MAIN(TestCodeRestart)
#include "tst_code_restart.moc"
