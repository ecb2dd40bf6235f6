// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "authservice.h"
#include "cohortserver.h"
#include "storage.h"

#include <QTemporaryDir>
#include <QTest>

#include <memory>

namespace Cohort::Tests {

/// An in-process server on a free port with a throwaway data dir and cheap hashing, plus an
/// instructor "ines" (password "correct horse") who owns the course "Physics 101".
class AppTestServer
{
public:
    static constexpr const char *Password = "correct horse";

    /// With `tlsCertificate` and `tlsKey` (PEM files) the server speaks wss://.
    explicit AppTestServer(bool allowSignUp = true, bool withAdmin = true, const QString &tlsCertificate = QString(),
                           const QString &tlsKey = QString())
    {
        Server::ServerConfig config;
        config.tlsCertificate = tlsCertificate;
        config.tlsPrivateKey = tlsKey;
        config.listenAddress = QHostAddress::LocalHost;
        config.port = 0;
        config.dataDir = m_dir.path();
        config.httpEnabled = false;
        config.allowSignUp = allowSignUp;
        config.argon2OpsLimit = 1;
        config.argon2MemLimit = 8192;
        QVERIFY(config.finalize().isEmpty());
        server = std::make_unique<Server::CohortServer>(config);
        const QString error = server->start();
        QVERIFY2(error.isEmpty(), qPrintable(error));
        // An admin, so that the server does not ask for its first-time setup.
        if (withAdmin)
            QVERIFY(server->auth().createAccount(QStringLiteral("root"), QStringLiteral("Root"), Role::Admin,
                                                 QString::fromLatin1(Password)).ok());
        const Server::AuthOutcome ines = server->auth().createAccount(
            QStringLiteral("ines"), QStringLiteral("Ines Instructor"), Role::Instructor, QString::fromLatin1(Password));
        QVERIFY(ines.ok());
        const auto course = server->storage().createCourse(QStringLiteral("Physics 101"), ines.user.info.id,
                                                           QStringLiteral("K7PX-3QMD"), QStringLiteral("test-course"));
        QVERIFY(course.ok());
        server->storage().addCourseMember(course.value->id, ines.user.info.id, Role::Instructor);
        ready = true;
    }

    /// The address as a user types it: ws://127.0.0.1:PORT (wss:// with TLS).
    QString address() const
    {
        return QStringLiteral("%1://127.0.0.1:%2").arg(server->url().scheme()).arg(server->port());
    }

    QTemporaryDir m_dir;
    std::unique_ptr<Server::CohortServer> server;
    bool ready = false;
};

} // namespace Cohort::Tests
