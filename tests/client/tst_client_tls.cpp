// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
// A school's own wss:// server with a certificate it made itself: the client refuses it until
// the user trusts that exact certificate, then signs in, and refuses a changed one again.
#include "certificatetrust.h"
#include "connection.h"
#include "testserver.h"

#include <QProcess>
#include <QSslSocket>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

using namespace Cohort;
using namespace Cohort::Client;

namespace {

/// A self-signed certificate for 127.0.0.1 made by the openssl tool; empty on failure.
bool makeCertificate(const QString &openssl, const QString &cert, const QString &key)
{
    QProcess make;
    make.setProcessChannelMode(QProcess::MergedChannels);
    make.start(openssl, {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                         QStringLiteral("rsa:2048"), QStringLiteral("-nodes"), QStringLiteral("-days"),
                         QStringLiteral("1"), QStringLiteral("-subj"), QStringLiteral("/CN=127.0.0.1"),
                         QStringLiteral("-addext"), QStringLiteral("subjectAltName=IP:127.0.0.1"),
                         QStringLiteral("-keyout"), key, QStringLiteral("-out"), cert});
    return make.waitForFinished(60000) && make.exitCode() == 0;
}

QSslCertificate readCertificate(const QString &path)
{
    const QList<QSslCertificate> certificates = QSslCertificate::fromPath(path);
    return certificates.isEmpty() ? QSslCertificate() : certificates.first();
}

} // namespace

class TestClientTls : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QSslCertificate m_certificate;
    QSslCertificate m_other;
    std::unique_ptr<Test::TestServer> m_server;

    AuthResult signIn(Connection &connection)
    {
        std::optional<AuthResult> result;
        connection.signIn(m_server->url(), QStringLiteral("ana"), QStringLiteral("password-123"), this,
                          [&](const AuthResult &r) { result = r; });
        if (!QTest::qWaitFor([&] { return result.has_value(); }, 15000))
            return AuthResult();
        return *result;
    }

    std::unique_ptr<Connection> makeConnection(const QString &trustFile)
    {
        auto connection = std::make_unique<Connection>();
        connection->setCacheRoot(m_dir.filePath(QStringLiteral("cache")));
        connection->setCertificateTrust(CertificateTrust(m_dir.filePath(trustFile)));
        return connection;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        if (!QSslSocket::supportsSsl())
            QSKIP("this Qt build has no TLS backend");
        const QString openssl = QStandardPaths::findExecutable(QStringLiteral("openssl"));
        if (openssl.isEmpty())
            QSKIP("the openssl command is not installed, so no test certificate can be made");
        const QString cert = m_dir.filePath(QStringLiteral("cert.pem"));
        const QString key = m_dir.filePath(QStringLiteral("key.pem"));
        QVERIFY(makeCertificate(openssl, cert, key));
        QVERIFY(makeCertificate(openssl, m_dir.filePath(QStringLiteral("other.pem")),
                                m_dir.filePath(QStringLiteral("other-key.pem"))));
        m_certificate = readCertificate(cert);
        m_other = readCertificate(m_dir.filePath(QStringLiteral("other.pem")));
        QVERIFY(!m_certificate.isNull() && !m_other.isNull());

        Server::ServerConfig config = Test::TestServer::testConfig();
        config.tlsCertificate = cert;
        config.tlsPrivateKey = key;
        m_server = std::make_unique<Test::TestServer>();
        QCOMPARE(m_server->start(config), QString());
        QCOMPARE(m_server->url().scheme(), QStringLiteral("wss"));
        m_server->addUser(QStringLiteral("ana"), Role::Student);
    }

    void cleanupTestCase() { m_server.reset(); }

    void fingerprintIsTheSha256OfTheCertificate()
    {
        const QString fingerprint = CertificateTrust::fingerprint(m_certificate);
        QCOMPARE(fingerprint.size(), 32 * 3 - 1);
        QCOMPARE(fingerprint, QString::fromLatin1(m_certificate.digest(QCryptographicHash::Sha256).toHex(':').toUpper()));
        QVERIFY(fingerprint != CertificateTrust::fingerprint(m_other));
    }

    void unknownCertificateIsRefusedUntilTrusted()
    {
        auto connection = makeConnection(QStringLiteral("first.ini"));
        const AuthResult refused = signIn(*connection);
        QVERIFY(!refused.ok);
        QVERIFY(refused.local);
        const std::optional<Connection::UntrustedCertificate> untrusted = connection->untrustedCertificate();
        QVERIFY(untrusted);
        QCOMPARE(untrusted->fingerprint, CertificateTrust::fingerprint(m_certificate));
        QVERIFY(!untrusted->changed);
        QVERIFY(!untrusted->errors.isEmpty());
        QCOMPARE(untrusted->url, m_server->url());

        connection->certificateTrust().trust(untrusted->url, untrusted->certificate);
        const AuthResult accepted = signIn(*connection);
        QVERIFY2(accepted.ok, qPrintable(accepted.message));
        QVERIFY(!connection->untrustedCertificate());

        // The trust is kept: a new connection (the app started again) signs in at once.
        auto later = makeConnection(QStringLiteral("first.ini"));
        QVERIFY(signIn(*later).ok);
    }

    void changedCertificateIsRefusedAndSaysSo()
    {
        auto connection = makeConnection(QStringLiteral("changed.ini"));
        connection->certificateTrust().trust(m_server->url(), m_other); // what the server had before
        const AuthResult refused = signIn(*connection);
        QVERIFY(!refused.ok);
        const std::optional<Connection::UntrustedCertificate> untrusted = connection->untrustedCertificate();
        QVERIFY(untrusted);
        QVERIFY(untrusted->changed);
        QCOMPARE(connection->certificateTrust().trustedFingerprint(m_server->url()), CertificateTrust::fingerprint(m_other));
    }

    void trustIsPerServer()
    {
        CertificateTrust trust(m_dir.filePath(QStringLiteral("per-server.ini")));
        const QUrl school(QStringLiteral("wss://school.example:8740/"));
        const QUrl other(QStringLiteral("wss://school.example:9000/"));
        trust.trust(school, m_certificate);
        QVERIFY(trust.isTrusted(school, m_certificate));
        QVERIFY(trust.isTrusted(QUrl(QStringLiteral("wss://SCHOOL.example:8740/path")), m_certificate));
        QVERIFY(!trust.isTrusted(other, m_certificate));
        QVERIFY(!trust.isTrusted(school, m_other));
        trust.forget(school);
        QVERIFY(!trust.isTrusted(school, m_certificate));
    }
};

QTEST_GUILESS_MAIN(TestClientTls)
#include "tst_client_tls.moc"
