// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "serverconfig.h"

#include <QTemporaryDir>
#include <QtTest>

using Cohort::Server::ServerConfig;

class TestServerConfig : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    QString writeIni(const QByteArray &content)
    {
        // One file per test row: QSettings caches a file's contents by path within the process.
        const QString path = m_dir.filePath(QStringLiteral("%1-%2.ini")
                                                .arg(QLatin1String(QTest::currentTestFunction()),
                                                     QLatin1String(QTest::currentDataTag())));
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly))
            return QString();
        file.write(content);
        return path;
    }

private Q_SLOTS:
    void packagedExampleIsTheDefaults()
    {
        // packaging/cohort-server.ini documents every key with its default value.
        ServerConfig fromFile;
        QCOMPARE(fromFile.loadFile(QStringLiteral(COHORT_EXAMPLE_INI)), QString());
        const ServerConfig defaults;
        QCOMPARE(fromFile.port, defaults.port);
        QCOMPARE(fromFile.listenAddress, defaults.listenAddress);
        QCOMPARE(fromFile.httpAddress, defaults.httpAddress);
        QCOMPARE(fromFile.httpPort, defaults.httpPort);
        QCOMPARE(fromFile.maxFrameBytes, defaults.maxFrameBytes);
        QCOMPARE(fromFile.maxConnections, defaults.maxConnections);
        QCOMPARE(fromFile.maxConnectionsPerAddress, defaults.maxConnectionsPerAddress);
        QCOMPARE(fromFile.maxPendingBytesPerConnection, defaults.maxPendingBytesPerConnection);
        QCOMPARE(fromFile.requestsPerSecond, defaults.requestsPerSecond);
        QCOMPARE(fromFile.requestBurst, defaults.requestBurst);
        QCOMPARE(fromFile.heartbeatSeconds, defaults.heartbeatSeconds);
        QCOMPARE(fromFile.handshakeTimeoutSeconds, defaults.handshakeTimeoutSeconds);
        QCOMPARE(fromFile.resumeWindow, defaults.resumeWindow);
        QCOMPARE(fromFile.tokenLifetimeMs, defaults.tokenLifetimeMs);
        QCOMPARE(fromFile.sessionCheckSeconds, defaults.sessionCheckSeconds);
        QCOMPARE(fromFile.allowSignUp, defaults.allowSignUp);
        QCOMPARE(fromFile.database.driver, defaults.database.driver);
        QCOMPARE(fromFile.logLevel, defaults.logLevel);
        QCOMPARE(fromFile.serverName, defaults.serverName);
    }

    void valuesAreRead()
    {
        ServerConfig config;
        const QString path = writeIni("[server]\nlisten = 127.0.0.1\nport = 9000\nname = Physics, Year 1\n"
                                      "[limits]\nmax_frame_bytes = 2048\nheartbeat_seconds = 5\n"
                                      "[accounts]\nallow_signup = false\ntoken_lifetime_days = 2\n"
                                      "session_check_seconds = 5\n"
                                      "[http]\nenabled = no\n[database]\ndriver = postgresql\nport = 5433\n");
        QCOMPARE(config.loadFile(path), QString());
        QCOMPARE(config.listenAddress, QHostAddress(QHostAddress::LocalHost));
        QCOMPARE(config.port, quint16(9000));
        QCOMPARE(config.serverName, QStringLiteral("Physics, Year 1"));
        QCOMPARE(config.maxFrameBytes, 2048);
        QCOMPARE(config.heartbeatSeconds, 5);
        QCOMPARE(config.allowSignUp, false);
        QCOMPARE(config.tokenLifetimeMs, 2LL * 24 * 3600 * 1000);
        QCOMPARE(config.sessionCheckSeconds, 5);
        QCOMPARE(config.httpEnabled, false);
        QCOMPARE(config.database.driver, QStringLiteral("postgresql"));
        QCOMPARE(config.database.port, 5433);
    }

    void listenForms_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QHostAddress>("expected");
        QTest::newRow("star") << QStringLiteral("*") << QHostAddress(QHostAddress::Any);
        QTest::newRow("any") << QStringLiteral("any") << QHostAddress(QHostAddress::Any);
        QTest::newRow("localhost") << QStringLiteral("localhost") << QHostAddress(QHostAddress::LocalHost);
        QTest::newRow("ipv4") << QStringLiteral("192.0.2.7") << QHostAddress(QStringLiteral("192.0.2.7"));
        QTest::newRow("ipv6") << QStringLiteral("::1") << QHostAddress(QHostAddress::LocalHostIPv6);
    }

    void listenForms()
    {
        QFETCH(QString, text);
        QFETCH(QHostAddress, expected);
        ServerConfig config;
        QCOMPARE(config.loadFile(writeIni(QStringLiteral("[server]\nlisten = %1\n").arg(text).toUtf8())), QString());
        QCOMPARE(config.listenAddress, expected);
    }

    void badValuesAreErrors_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("port") << QByteArray("[server]\nport = 70000\n") << QStringLiteral("server/port");
        QTest::newRow("not a number") << QByteArray("[limits]\nrequest_burst = many\n") << QStringLiteral("limits/request_burst");
        QTest::newRow("address") << QByteArray("[server]\nlisten = example\n") << QStringLiteral("server/listen");
        QTest::newRow("boolean") << QByteArray("[http]\nenabled = perhaps\n") << QStringLiteral("http/enabled");
        QTest::newRow("session check") << QByteArray("[accounts]\nsession_check_seconds = 0\n")
                                       << QStringLiteral("accounts/session_check_seconds");
    }

    void badValuesAreErrors()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, mentions);
        ServerConfig config;
        const QString problem = config.loadFile(writeIni(content));
        QVERIFY2(problem.contains(mentions), qPrintable(problem));
    }

    void missingFileIsAnError()
    {
        ServerConfig config;
        QVERIFY(!config.loadFile(m_dir.filePath(QStringLiteral("nope.ini"))).isEmpty());
    }

    void finalizeFillsTheDatabasePath()
    {
        ServerConfig config;
        config.dataDir = m_dir.filePath(QStringLiteral("data"));
        QCOMPARE(config.finalize(), QString());
        QVERIFY(QDir(config.dataDir).exists());
        QCOMPARE(config.database.sqlitePath, QDir(config.dataDir).filePath(QStringLiteral("cohort.sqlite")));

        ServerConfig halfTls;
        halfTls.dataDir = config.dataDir;
        halfTls.tlsCertificate = QStringLiteral("cert.pem");
        QVERIFY(!halfTls.finalize().isEmpty());

        ServerConfig badDriver;
        badDriver.dataDir = config.dataDir;
        badDriver.database.driver = QStringLiteral("mysql");
        QVERIFY(!badDriver.finalize().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestServerConfig)
#include "tst_serverconfig.moc"
