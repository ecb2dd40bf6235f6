// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
// wss:// with a certificate made for the test by the openssl command-line tool.
#include "testclient.h"
#include "testserver.h"

#include <QProcess>
#include <QSslCertificate>
#include <QSslCipher>
#include <QSslConfiguration>
#include <QtTest>

using namespace Cohort;
using namespace Cohort::Protocol;
using Cohort::Test::TestClient;

class TestTls : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_cert;
    QString m_key;
    std::unique_ptr<Test::TestServer> m_server;

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        if (!QSslSocket::supportsSsl())
            QSKIP("this Qt build has no TLS backend");
        const QString openssl = QStandardPaths::findExecutable(QStringLiteral("openssl"));
        if (openssl.isEmpty())
            QSKIP("the openssl command is not installed, so no test certificate can be made");
        m_cert = m_dir.filePath(QStringLiteral("cert.pem"));
        m_key = m_dir.filePath(QStringLiteral("key.pem"));
        QProcess make;
        make.setProcessChannelMode(QProcess::MergedChannels);
        make.start(openssl, {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("rsa:2048"),
                             QStringLiteral("-nodes"), QStringLiteral("-days"), QStringLiteral("1"),
                             QStringLiteral("-subj"), QStringLiteral("/CN=127.0.0.1"),
                             QStringLiteral("-addext"), QStringLiteral("subjectAltName=IP:127.0.0.1"),
                             QStringLiteral("-keyout"), m_key, QStringLiteral("-out"), m_cert});
        QVERIFY(make.waitForStarted());
        QVERIFY(QTest::qWaitFor([&] { return make.state() == QProcess::NotRunning; }, 60000));
        QVERIFY2(make.exitCode() == 0, make.readAll().constData());

        Server::ServerConfig config = Test::TestServer::testConfig();
        config.tlsCertificate = m_cert;
        config.tlsPrivateKey = m_key;
        m_server = std::make_unique<Test::TestServer>();
        QCOMPARE(m_server->start(config), QString());
        QCOMPARE(m_server->url().scheme(), QStringLiteral("wss"));
    }

    void cleanupTestCase() { m_server.reset(); }

    void trustedClientSpeaksOverTls()
    {
        TestClient client;
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setCaCertificates(QSslCertificate::fromPath(m_cert));
        client.socket().setSslConfiguration(tls);
        QVERIFY(client.connectTo(m_server->url()));
        const auto reply = client.request(Op::TimeSync, {{QStringLiteral("clientTime"), 1}});
        QVERIFY(reply);
        QCOMPARE(reply->type, FrameType::Result);
        QVERIFY(!client.socket().sslConfiguration().sessionCipher().isNull());
    }

    void untrustedCertificateIsRejectedByTheClient()
    {
        TestClient client; // default CAs: the self-signed certificate is not trusted
        QVERIFY(!client.open(m_server->url(), 5000));
    }

    void plainWebSocketIsNotServed()
    {
        QUrl plain = m_server->url();
        plain.setScheme(QStringLiteral("ws"));
        TestClient client;
        QVERIFY(!client.open(plain, 5000));
    }
};

QTEST_GUILESS_MAIN(TestTls)
#include "tst_tls.moc"
