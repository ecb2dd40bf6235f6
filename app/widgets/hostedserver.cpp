// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "hostedserver.h"

#include "authservice.h"
#include "cohortserver.h"
#include "storage.h"

#include <QDir>
#include <QLoggingCategory>
#include <QNetworkInterface>
#include <QStandardPaths>
#include <QTcpServer>
#include <QUuid>

Q_LOGGING_CATEGORY(lcHost, "cohort.app.host")

namespace Cohort::Ui {

quint16 firstFreePort(quint16 first)
{
    constexpr int Attempts = 20;
    for (int i = 0; i < Attempts && first + i <= 65535; ++i) {
        const auto port = static_cast<quint16>(first + i);
        QTcpServer probe;
        if (probe.listen(QHostAddress::Any, port))
            return port;
    }
    return 0;
}

HostedServer::HostedServer(QObject *parent)
    : QObject(parent)
{
}

HostedServer::~HostedServer() = default;

QString HostedServer::defaultDataDir()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)
        + QStringLiteral("/hosted-server");
}

QString HostedServer::start(const HostOptions &options)
{
    if (m_server)
        return tr("The class is already being hosted.");
    if (!QDir().mkpath(options.dataDir))
        return tr("Cannot create the folder %1 for the class data.").arg(options.dataDir);

    quint16 port = 0;
    if (options.preferredPort != 0) {
        port = firstFreePort(options.preferredPort);
        if (port == 0)
            return tr("No free network port from %1 on; close the program using it and try again.")
                .arg(options.preferredPort);
    }

    Server::ServerConfig config;
    config.listenAddress = QHostAddress::Any;
    config.port = port;
    config.dataDir = options.dataDir;
    config.httpEnabled = false;
    config.allowSignUp = true;
    config.serverName = options.courseName;
    config.argon2OpsLimit = options.argon2OpsLimit;
    config.argon2MemLimit = options.argon2MemLimit;
    if (const QString error = config.finalize(); !error.isEmpty())
        return error;

    auto server = std::make_unique<Server::CohortServer>(config);
    if (const QString error = server->start(); !error.isEmpty())
        return tr("The built-in server did not start: %1").arg(error);
    m_server = std::move(server);
    connect(m_server.get(), &Server::CohortServer::stopped, this, &HostedServer::stopped);

    if (const QString error = prepareAccountAndCourse(options); !error.isEmpty()) {
        m_server.reset();
        return error;
    }
    qCInfo(lcHost) << "hosting" << m_course.name << "on port" << m_server->port();
    return {};
}

QString HostedServer::prepareAccountAndCourse(const HostOptions &options)
{
    Server::Storage &storage = m_server->storage();
    Server::AuthService &auth = m_server->auth();

    std::optional<Server::UserRecord> user = storage.userByName(options.username);
    // The host runs this server, so the host's account is its administrator (which also keeps
    // the server from asking students' apps for a first-time setup) and the course's instructor.
    if (!user) {
        // Nobody ever types this password: the host signs in with a token issued in-process.
        const Server::AuthOutcome created = auth.createAccount(
            options.username, options.displayName, Role::Admin, Server::generateToken());
        if (!created.ok())
            return tr("Cannot create the instructor account: %1").arg(created.message);
        user = created.user;
    } else if (user->info.role != Role::Admin) {
        storage.setRole(user->info.id, Role::Admin);
        user->info.role = Role::Admin;
    }
    m_instructor = user->info;

    std::optional<CourseInfo> course;
    for (const CourseInfo &existing : storage.coursesOfUser(m_instructor.id)) {
        if (existing.name == options.courseName && existing.memberRole != Role::Student)
            course = existing;
    }
    if (!course) {
        const auto created = storage.createCourse(options.courseName, m_instructor.id,
                                                  Server::generateJoinCode(),
                                                  QUuid::createUuid().toString(QUuid::WithoutBraces));
        if (!created.ok())
            return tr("Cannot create the course: %1").arg(created.message);
        storage.addCourseMember(created.value->id, m_instructor.id, Role::Instructor);
        course = CourseInfo{created.value->id, created.value->name, created.value->joinCode,
                            created.value->roomId, Role::Instructor};
    }
    m_course = *course;

    const Server::AuthOutcome issued = auth.issueToken(m_instructor.id);
    if (!issued.ok())
        return tr("Cannot sign the host in: %1").arg(issued.message);
    m_token = issued.token;
    return {};
}

void HostedServer::stop()
{
    if (!m_server) {
        Q_EMIT stopped();
        return;
    }
    m_server->stop();
}

bool HostedServer::isRunning() const
{
    return m_server && m_server->isListening();
}

quint16 HostedServer::port() const
{
    return m_server ? m_server->port() : 0;
}

QUrl HostedServer::localUrl() const
{
    QUrl url;
    url.setScheme(QStringLiteral("ws"));
    url.setHost(QStringLiteral("127.0.0.1"));
    url.setPort(port());
    url.setPath(QStringLiteral("/"));
    return url;
}

QStringList HostedServer::lanAddresses() const
{
    QStringList addresses;
    const auto interfaces = QNetworkInterface::allInterfaces();
    for (const QNetworkInterface &interface : interfaces) {
        const auto flags = interface.flags();
        if (!flags.testFlag(QNetworkInterface::IsUp) || !flags.testFlag(QNetworkInterface::IsRunning)
            || flags.testFlag(QNetworkInterface::IsLoopBack))
            continue;
        for (const QNetworkAddressEntry &entry : interface.addressEntries()) {
            const QHostAddress ip = entry.ip();
            if (ip.protocol() == QAbstractSocket::IPv4Protocol && !ip.isLoopback())
                addresses << QStringLiteral("ws://%1:%2").arg(ip.toString()).arg(port());
        }
    }
    return addresses;
}

} // namespace Cohort::Ui
