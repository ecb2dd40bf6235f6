// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "storagetest.h"

#include <QDateTime>
#include <QRegularExpression>
#include <QTest>

using namespace Cohort;
using namespace Cohort::Server;

namespace {

const QByteArray Hash = QByteArrayLiteral("$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo");

SessionRecord makeSession(UserId user, char tokenByte, qint64 expiresAt)
{
    // Binary hashes with NUL and high bytes, as SHA-256 produces them.
    QByteArray token(32, tokenByte);
    token[0] = '\0';
    token[31] = '\xff';
    return {user, token, 1000, expiresAt};
}

} // namespace

void TestStorage::createUser()
{
    const qint64 before = QDateTime::currentMSecsSinceEpoch();
    const StorageResult<UserRecord> created =
        m_storage->createUser(QStringLiteral("ana"), QStringLiteral("Ana Lima – ñ"), Role::Instructor, Hash);
    QVERIFY(created.ok());
    QCOMPARE(created.error, StorageError::None);
    const UserRecord &user = *created.value;
    QVERIFY(user.info.id.isValid());
    QCOMPARE(user.info.username, QStringLiteral("ana"));
    QCOMPARE(user.info.displayName, QStringLiteral("Ana Lima – ñ"));
    QCOMPARE(user.info.role, Role::Instructor);
    QCOMPARE(user.passwordHash, Hash);
    QVERIFY(!user.disabled);
    QVERIFY(user.createdAt >= before && user.createdAt <= QDateTime::currentMSecsSinceEpoch());

    const std::optional<UserRecord> stored = m_storage->userByName(QStringLiteral("ana"));
    QVERIFY(stored);
    QCOMPARE(stored->info, user.info);
    QCOMPARE(stored->passwordHash, Hash);
    QCOMPARE(stored->createdAt, user.createdAt);
    QVERIFY(!stored->disabled);
}

void TestStorage::duplicateUsernameConflicts()
{
    QVERIFY(addUser(QStringLiteral("ana")).isValid());
    const StorageResult<UserRecord> again =
        m_storage->createUser(QStringLiteral("ana"), QStringLiteral("Other"), Role::Admin, Hash);
    QVERIFY(!again.ok());
    QCOMPARE(again.error, StorageError::Conflict);
    QVERIFY(again.message.contains(QStringLiteral("ana")));
    QCOMPARE(m_storage->users().size(), 1);
    QCOMPARE(m_storage->userByName(QStringLiteral("ana"))->info.displayName, QStringLiteral("ANA"));
}

void TestStorage::lookUpUsers()
{
    const UserId ana = addUser(QStringLiteral("ana"));
    const UserId ben = addUser(QStringLiteral("ben"), Role::Admin);
    QVERIFY(ana.isValid() && ben.isValid() && ana != ben);

    QCOMPARE(m_storage->userById(ben)->info.username, QStringLiteral("ben"));
    QCOMPARE(m_storage->userById(ben)->info.role, Role::Admin);
    QCOMPARE(m_storage->userByName(QStringLiteral("ana"))->info.id, ana);
    QVERIFY(!m_storage->userByName(QStringLiteral("nobody")));
    QVERIFY(!m_storage->userById(UserId(ben.value() + 100)));

    const QList<UserRecord> all = m_storage->users();
    QCOMPARE(all.size(), 2);
    QCOMPARE(all.at(0).info.id, ana);
    QCOMPARE(all.at(1).info.id, ben);
}

void TestStorage::updateUsers()
{
    const UserId ana = addUser(QStringLiteral("ana"));
    QVERIFY(m_storage->setRole(ana, Role::Instructor));
    QVERIFY(m_storage->setDisabled(ana, true));
    QVERIFY(m_storage->setPasswordHash(ana, QByteArrayLiteral("$argon2id$new")));
    std::optional<UserRecord> user = m_storage->userById(ana);
    QCOMPARE(user->info.role, Role::Instructor);
    QVERIFY(user->disabled);
    QCOMPARE(user->passwordHash, QByteArrayLiteral("$argon2id$new"));

    QVERIFY(m_storage->setDisabled(ana, false));
    QVERIFY(!m_storage->userById(ana)->disabled);

    const UserId unknown(ana.value() + 100);
    QVERIFY(!m_storage->setRole(unknown, Role::Admin));
    QVERIFY(!m_storage->setDisabled(unknown, true));
    QVERIFY(!m_storage->setPasswordHash(unknown, Hash));
}

void TestStorage::countUsersWithRole()
{
    QCOMPARE(m_storage->countUsersWithRole(Role::Admin), 0);
    addUser(QStringLiteral("ana"), Role::Admin);
    addUser(QStringLiteral("ben"));
    addUser(QStringLiteral("cy"));
    QCOMPARE(m_storage->countUsersWithRole(Role::Admin), 1);
    QCOMPARE(m_storage->countUsersWithRole(Role::Student), 2);
    QCOMPARE(m_storage->countUsersWithRole(Role::Instructor), 0);
}

void TestStorage::createAndLookUpSession()
{
    const UserId ana = addUser(QStringLiteral("ana"));
    const SessionRecord session = makeSession(ana, 'a', 5000);
    QVERIFY(m_storage->createSession(session));

    const std::optional<SessionRecord> stored = m_storage->sessionByTokenHash(session.tokenHash);
    QVERIFY(stored);
    QCOMPARE(stored->userId, ana);
    QCOMPARE(stored->tokenHash, session.tokenHash);
    QCOMPARE(stored->createdAt, 1000);
    QCOMPARE(stored->expiresAt, 5000);
    QVERIFY(!m_storage->sessionByTokenHash(makeSession(ana, 'b', 0).tokenHash));
}

void TestStorage::deleteSessions()
{
    const UserId ana = addUser(QStringLiteral("ana"));
    const UserId ben = addUser(QStringLiteral("ben"));
    for (char byte : {'a', 'b', 'c'})
        QVERIFY(m_storage->createSession(makeSession(ana, byte, 5000)));
    QVERIFY(m_storage->createSession(makeSession(ben, 'd', 5000)));

    QVERIFY(m_storage->deleteSession(makeSession(ana, 'a', 0).tokenHash));
    QVERIFY(!m_storage->deleteSession(makeSession(ana, 'a', 0).tokenHash));
    QVERIFY(!m_storage->sessionByTokenHash(makeSession(ana, 'a', 0).tokenHash));

    QCOMPARE(m_storage->deleteSessionsOfUser(ana), 2);
    QCOMPARE(m_storage->deleteSessionsOfUser(ana), 0);
    QVERIFY(!m_storage->sessionByTokenHash(makeSession(ana, 'c', 0).tokenHash));
    QVERIFY(m_storage->sessionByTokenHash(makeSession(ben, 'd', 0).tokenHash));
}

void TestStorage::deleteExpiredSessions()
{
    const UserId ana = addUser(QStringLiteral("ana"));
    QVERIFY(m_storage->createSession(makeSession(ana, 'a', 1999)));
    QVERIFY(m_storage->createSession(makeSession(ana, 'b', 2000)));
    QVERIFY(m_storage->createSession(makeSession(ana, 'c', 2001)));

    QCOMPARE(m_storage->deleteExpiredSessions(2000), 2);
    QVERIFY(!m_storage->sessionByTokenHash(makeSession(ana, 'b', 0).tokenHash));
    QVERIFY(m_storage->sessionByTokenHash(makeSession(ana, 'c', 0).tokenHash));
    QCOMPARE(m_storage->deleteExpiredSessions(2000), 0);
}

void TestStorage::sessionNeedsExistingUser()
{
    // The foreign key refuses it, and the failure is logged once.
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("insert_session")));
    QVERIFY(!m_storage->createSession(makeSession(UserId(4242), 'a', 5000)));
}

void TestStorage::settings()
{
    const QString key = QStringLiteral("setup.tokenHash");
    QVERIFY(!m_storage->setting(key));
    QVERIFY(m_storage->setSetting(key, QStringLiteral("one")));
    QCOMPARE(m_storage->setting(key), QStringLiteral("one"));
    QVERIFY(m_storage->setSetting(key, QStringLiteral("two")));
    QCOMPARE(m_storage->setting(key), QStringLiteral("two"));
    QVERIFY(m_storage->setSetting(QStringLiteral("other"), QString()));
    QCOMPARE(m_storage->setting(QStringLiteral("other")), QString());
    QVERIFY(m_storage->removeSetting(key));
    QVERIFY(!m_storage->removeSetting(key));
    QVERIFY(!m_storage->setting(key));
    QVERIFY(m_storage->setting(QStringLiteral("other")));
}
