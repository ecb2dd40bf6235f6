// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "tokenstore.h"

#include "clientlogging.h"
#include "serverurl.h"

#include <qt6keychain/keychain.h>

#include <QPointer>

#if defined(Q_OS_UNIX) && !defined(Q_OS_DARWIN) && !defined(Q_OS_ANDROID)
#include <QDBusConnection>
#include <QDBusConnectionInterface>
#define COHORT_KEYCHAIN_OVER_DBUS 1
#endif

namespace Cohort::Client {

namespace {

TokenStore::Status statusOf(QKeychain::Error error)
{
    switch (error) {
    case QKeychain::NoError:
        return TokenStore::Status::Ok;
    case QKeychain::EntryNotFound:
        return TokenStore::Status::NotFound;
    case QKeychain::NoBackendAvailable:
    case QKeychain::NotImplemented:
        return TokenStore::Status::NoKeychain;
    case QKeychain::AccessDeniedByUser:
    case QKeychain::AccessDenied:
        return TokenStore::Status::AccessDenied;
    case QKeychain::CouldNotDeleteEntry:
    case QKeychain::OtherError:
        return TokenStore::Status::Failed;
    }
    return TokenStore::Status::Failed;
}

// On Linux and the BSDs the keychain is a D-Bus service (Secret Service or KWallet). Without one,
// QtKeychain reports a generic error ("Could not connect..."), which the UI must tell apart from
// a keychain that exists but failed.
bool keychainServiceReachable()
{
#ifdef COHORT_KEYCHAIN_OVER_DBUS
    QDBusConnection bus = QDBusConnection::sessionBus();
    if (!bus.isConnected() || !bus.interface())
        return false;
    const QStringList services = {QStringLiteral("org.freedesktop.secrets"), QStringLiteral("org.kde.kwalletd6"),
                                  QStringLiteral("org.kde.kwalletd5"), QStringLiteral("org.kde.kwalletd")};
    const QStringList activatable = bus.interface()->activatableServiceNames();
    for (const QString &service : services) {
        if (bus.interface()->isServiceRegistered(service) || activatable.contains(service))
            return true;
    }
    return false;
#else
    return true;
#endif
}

// Runs the job and reports once, unless `context` died meanwhile.
void run(QKeychain::Job *job, QObject *context, TokenStore::Callback done,
         std::function<QString(QKeychain::Job *)> readToken = {})
{
    // Never let QtKeychain write the token into a plaintext settings file.
    job->setInsecureFallback(false);
    job->setAutoDelete(true);
    const bool hasContext = context != nullptr;
    const QPointer<QObject> guard = context;
    QObject::connect(job, &QKeychain::Job::finished, job, [hasContext, guard, done, readToken](QKeychain::Job *finished) {
        TokenStore::Result result;
        result.status = statusOf(finished->error());
        result.message = finished->errorString();
        if (result.status == TokenStore::Status::Failed && !keychainServiceReachable())
            result.status = TokenStore::Status::NoKeychain;
        if (result.ok() && readToken)
            result.token = readToken(finished);
        if (!result.ok() && result.status != TokenStore::Status::NotFound)
            qCWarning(lcClient) << "keychain:" << result.message;
        if (!hasContext || guard)
            done(result);
    });
    job->start();
}

} // namespace

TokenStore::TokenStore(QObject *parent)
    : QObject(parent)
    , m_service(QStringLiteral("Cohort"))
{
}

QString TokenStore::key(const QUrl &server, const QString &username)
{
    return canonicalServerUrl(server) + QLatin1Char('|') + username;
}

void TokenStore::readToken(const QUrl &server, const QString &username, QObject *context, Callback done)
{
    auto *job = new QKeychain::ReadPasswordJob(m_service, this);
    job->setKey(key(server, username));
    run(job, context, std::move(done),
        [](QKeychain::Job *finished) { return static_cast<QKeychain::ReadPasswordJob *>(finished)->textData(); });
}

void TokenStore::writeToken(const QUrl &server, const QString &username, const QString &token, QObject *context,
                            Callback done)
{
    auto *job = new QKeychain::WritePasswordJob(m_service, this);
    job->setKey(key(server, username));
    job->setTextData(token);
    run(job, context, std::move(done));
}

void TokenStore::deleteToken(const QUrl &server, const QString &username, QObject *context, Callback done)
{
    auto *job = new QKeychain::DeletePasswordJob(m_service, this);
    job->setKey(key(server, username));
    run(job, context, std::move(done));
}

} // namespace Cohort::Client
