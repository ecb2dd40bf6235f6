// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "tokenstore.h"

#include <QDir>
#include <QFile>
#include <QSettings>
#include <QStandardPaths>
#include <QTest>
#include <QUuid>

#include <optional>

using Cohort::Client::TokenStore;

// Runs in two environments (see CMakeLists.txt): with no secret service at all, and inside a
// private D-Bus session with an unlocked gnome-keyring (COHORT_TEST_KEYRING=1).
class TestTokenStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        m_keyring = qEnvironmentVariableIntValue("COHORT_TEST_KEYRING") == 1;
        // A service name of our own: never touch a developer's real "Cohort" entries.
        m_store.setService(QStringLiteral("Cohort-test-%1").arg(QUuid::createUuid().toString(QUuid::Id128)));
    }

    void keyNamesServerAndUser()
    {
        QCOMPARE(TokenStore::key(QUrl(QStringLiteral("ws://school.example:8740/")), QStringLiteral("ana")),
                 QStringLiteral("ws://school.example:8740|ana"));
        QCOMPARE(TokenStore().service(), QStringLiteral("Cohort"));
    }

    void roundTripOrClearError()
    {
        const QUrl server(QStringLiteral("ws://127.0.0.1:8740/"));
        const QString token = QStringLiteral("q3NsecretTokenValue-0123456789abcdefghijklmnopq");

        const TokenStore::Result written = run([&](auto done) { m_store.writeToken(server, QStringLiteral("ana"), token, this, done); });
        if (!m_keyring) {
            QCOMPARE(written.status, TokenStore::Status::NoKeychain);
            QVERIFY(!written.message.isEmpty());
            const TokenStore::Result read = run([&](auto done) { m_store.readToken(server, QStringLiteral("ana"), this, done); });
            QCOMPARE(read.status, TokenStore::Status::NoKeychain);
            QVERIFY(read.token.isEmpty());
            verifyNoPlaintextCopy(token);
            return;
        }
        QVERIFY2(written.ok(), qPrintable(written.message));
        const TokenStore::Result read = run([&](auto done) { m_store.readToken(server, QStringLiteral("ana"), this, done); });
        QVERIFY2(read.ok(), qPrintable(read.message));
        QCOMPARE(read.token, token);

        const TokenStore::Result other = run([&](auto done) { m_store.readToken(server, QStringLiteral("ben"), this, done); });
        QCOMPARE(other.status, TokenStore::Status::NotFound);

        const TokenStore::Result deleted = run([&](auto done) { m_store.deleteToken(server, QStringLiteral("ana"), this, done); });
        QVERIFY2(deleted.ok(), qPrintable(deleted.message));
        const TokenStore::Result gone = run([&](auto done) { m_store.readToken(server, QStringLiteral("ana"), this, done); });
        QCOMPARE(gone.status, TokenStore::Status::NotFound);
        verifyNoPlaintextCopy(token);
    }

    void deadContextDropsTheCallback()
    {
        bool called = false;
        {
            QObject context;
            m_store.readToken(QUrl(QStringLiteral("ws://x/")), QStringLiteral("ana"), &context,
                              [&called](const TokenStore::Result &) { called = true; });
        }
        QTest::qWait(500);
        QVERIFY(!called);
    }

private:
    template<typename Start>
    TokenStore::Result run(Start start)
    {
        std::optional<TokenStore::Result> result;
        start([&result](const TokenStore::Result &r) { result = r; });
        if (!QTest::qWaitFor([&result] { return result.has_value(); }, 20000))
            return TokenStore::Result{TokenStore::Status::Failed, {}, QStringLiteral("timed out")};
        return *result;
    }

    // QtKeychain's insecure fallback would write into QSettings; it must be off.
    void verifyNoPlaintextCopy(const QString &token)
    {
        QSettings settings;
        for (const QString &key : settings.allKeys())
            QVERIFY2(!settings.value(key).toString().contains(token), qPrintable(key));
        const QString configDir = QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation);
        QDir dir(configDir);
        for (const QString &name : dir.entryList(QDir::Files)) {
            QFile file(dir.filePath(name));
            if (file.open(QIODevice::ReadOnly))
                QVERIFY2(!file.readAll().contains(token.toUtf8()), qPrintable(name));
        }
    }

    TokenStore m_store;
    bool m_keyring = false;
};

QTEST_GUILESS_MAIN(TestTokenStore)
#include "tst_client_tokenstore.moc"
