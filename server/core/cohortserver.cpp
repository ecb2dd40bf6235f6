// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "cohortserver.h"

#include "authservice.h"
#include "httpendpoint.h"
#include "logging.h"
#include "metrics.h"
#include "poller.h"
#include "servercore.h"
#include "storage.h"
#include "websocketlistener.h"

#include <QFile>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QWebSocket>
#include <QWebSocketServer>

#include <cerrno>
#include <cstring>

#ifdef Q_OS_WIN
#include <winsock2.h>
#else
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#endif

namespace Cohort::Server {

namespace {

// Events are small frames that must leave at once. With Nagle's algorithm a frame to a client
// that has not yet acknowledged the previous one waits for its delayed ACK (up to 40 ms on
// Linux): that was nearly all of the paced p99 in bench/. Accepted sockets inherit the option
// from the listening socket on Linux, the BSDs, macOS and Windows.
void disableNagle(qintptr descriptor)
{
    const int one = 1;
#ifdef Q_OS_WIN
    const int failed = ::setsockopt(static_cast<SOCKET>(descriptor), IPPROTO_TCP, TCP_NODELAY,
                                    reinterpret_cast<const char *>(&one), sizeof one);
#else
    const int failed = ::setsockopt(static_cast<int>(descriptor), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
#endif
    if (failed)
        qCWarning(lcNet) << "cannot turn off Nagle's algorithm on the listening socket:" << std::strerror(errno);
}

QString loadTls(const ServerConfig &config, QSslConfiguration *tls)
{
    const QList<QSslCertificate> chain = QSslCertificate::fromPath(config.tlsCertificate, QSsl::Pem);
    if (chain.isEmpty())
        return QStringLiteral("no PEM certificate in %1").arg(config.tlsCertificate);
    QFile keyFile(config.tlsPrivateKey);
    if (!keyFile.open(QIODevice::ReadOnly))
        return QStringLiteral("cannot read the private key %1").arg(config.tlsPrivateKey);
    const QByteArray pem = keyFile.readAll();
    QSslKey key;
    for (QSsl::KeyAlgorithm algorithm : {QSsl::Rsa, QSsl::Ec, QSsl::Dsa}) {
        key = QSslKey(pem, algorithm, QSsl::Pem);
        if (!key.isNull())
            break;
    }
    if (key.isNull())
        return QStringLiteral("no usable PEM private key (RSA or EC) in %1").arg(config.tlsPrivateKey);
    *tls = QSslConfiguration::defaultConfiguration();
    tls->setLocalCertificate(chain.first());
    tls->setLocalCertificateChain(chain);
    tls->setPrivateKey(key);
    tls->setPeerVerifyMode(QSslSocket::VerifyNone);
    return QString();
}

} // namespace

class CohortServer::Private
{
public:
    ServerConfig config;
    std::unique_ptr<Storage> storage;
    std::unique_ptr<AuthService> auth;
    Metrics metrics;
    std::unique_ptr<ServerCore> core;
    // Plain ws:// runs on our own transport; wss:// keeps Qt's, which brings TLS. The poller
    // outlives the transports, which the core's connections own.
    std::unique_ptr<Net::Poller> poller;
    std::unique_ptr<Net::WebSocketListener> listener;
    std::unique_ptr<QWebSocketServer> tlsListener;
    std::unique_ptr<HttpEndpoint> http;
    QString setupToken;
    bool secure = false;
    bool stopping = false;
};

CohortServer::CohortServer(const ServerConfig &config, QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>())
{
    d->config = config;
}

CohortServer::~CohortServer()
{
    // Connections reference the core, auth and storage: tear down in reverse order of use.
    d->http.reset();
    d->listener.reset();
    d->tlsListener.reset();
    d->core.reset();
    d->poller.reset();
    d->auth.reset();
    if (d->storage)
        d->storage->close();
}

QString CohortServer::start()
{
    if (d->core)
        return QStringLiteral("the server is already started");
    if (const QString problem = d->config.finalize(); !problem.isEmpty())
        return problem;

    QSslConfiguration tls;
    d->secure = !d->config.tlsCertificate.isEmpty();
    if (d->secure) {
        if (!QSslSocket::supportsSsl())
            return QStringLiteral("TLS is configured but this Qt has no TLS backend");
        if (const QString problem = loadTls(d->config, &tls); !problem.isEmpty())
            return problem;
    }

    d->storage = createStorage(d->config.database, QStringLiteral("cohort-server-%1").arg(quintptr(this), 0, 16));
    if (const QString problem = d->storage->open(); !problem.isEmpty()) {
        d->storage.reset();
        return QStringLiteral("cannot open the database: %1").arg(problem);
    }

    AuthConfig authConfig;
    authConfig.tokenLifetimeMs = d->config.tokenLifetimeMs;
    authConfig.allowSignUp = d->config.allowSignUp;
    authConfig.argon2OpsLimit = d->config.argon2OpsLimit;
    authConfig.argon2MemLimit = d->config.argon2MemLimit;
    authConfig.hashThreads = d->config.hashThreads;
    d->auth = std::make_unique<AuthService>(*d->storage, authConfig);
    d->setupToken = d->auth->ensureSetupToken();
    if (!d->setupToken.isEmpty())
        qCInfo(lcNet).noquote() << "No admin account exists yet. Create one in the app with this one-time setup token:"
                                << d->setupToken << "(or run: cohort-server user add NAME --role admin)";

    d->core = std::make_unique<ServerCore>(d->config, *d->storage, *d->auth, d->metrics);
    connect(d->core.get(), &ServerCore::drained, this, &CohortServer::stopped);

    if (const QString problem = d->secure ? listenTls(tls) : listenPlain(); !problem.isEmpty())
        return abandonStart(problem);

    if (d->config.httpEnabled) {
        d->http = std::make_unique<HttpEndpoint>(d->metrics, [this] {
            const qint64 start = d->core->nowNs();
            const bool ok = d->storage->ping();
            d->metrics.observeDatabase((d->core->nowNs() - start) / 1e9);
            return ok;
        });
        if (const QString problem = d->http->listen(d->config.httpAddress, d->config.httpPort); !problem.isEmpty())
            return abandonStart(problem);
    }
    qCInfo(lcNet).noquote() << "listening on" << url().toString() << "with" << d->storage->backend()
                            << "database in" << d->config.dataDir;
    return QString();
}

QString CohortServer::listenPlain()
{
    d->poller = std::make_unique<Net::Poller>();
    if (!d->poller->isValid())
        return QStringLiteral("cannot create the epoll set for client connections");
    Net::WebSocketListener::Limits limits;
    // Above this the connection closes with 1009; between maxFrameBytes and this the client
    // gets a too_large error and the connection stays usable.
    limits.maxMessageBytes = 4LL * d->config.maxFrameBytes;
    limits.handshakeTimeoutMs = d->config.handshakeTimeoutSeconds * 1000;
    limits.maxHandshakesPerAddress = d->config.maxConnectionsPerAddress;
    d->listener = std::make_unique<Net::WebSocketListener>(*d->poller, limits);
    connect(d->listener.get(), &Net::WebSocketListener::upgraded, this, &CohortServer::acceptTransport);
    connect(d->listener.get(), &QTcpServer::acceptError, this, [](QAbstractSocket::SocketError error) {
        qCWarning(lcNet) << "accept failed:" << error;
    });
    if (!d->listener->listen(d->config.listenAddress, d->config.port))
        return QStringLiteral("cannot listen on %1:%2: %3")
            .arg(d->config.listenAddress.toString())
            .arg(d->config.port)
            .arg(d->listener->errorString());
    disableNagle(d->listener->socketDescriptor());
    return QString();
}

QString CohortServer::listenTls(const QSslConfiguration &tls)
{
    d->tlsListener = std::make_unique<QWebSocketServer>(d->config.serverName, QWebSocketServer::SecureMode);
    d->tlsListener->setSslConfiguration(tls);
    d->tlsListener->setHandshakeTimeout(std::chrono::seconds(d->config.handshakeTimeoutSeconds));
    connect(d->tlsListener.get(), &QWebSocketServer::newConnection, this, [this] {
        while (QWebSocket *socket = d->tlsListener->nextPendingConnection())
            acceptSocket(socket);
    });
    connect(d->tlsListener.get(), &QWebSocketServer::acceptError, this, [](QAbstractSocket::SocketError error) {
        qCWarning(lcNet) << "accept failed:" << error;
    });
    connect(d->tlsListener.get(), &QWebSocketServer::peerVerifyError, this, [](const QSslError &error) {
        qCDebug(lcNet) << "TLS peer verification:" << error.errorString();
    });
    connect(d->tlsListener.get(), &QWebSocketServer::sslErrors, this, [](const QList<QSslError> &errors) {
        for (const QSslError &error : errors)
            qCDebug(lcNet) << "TLS error during handshake:" << error.errorString();
    });
    if (!d->tlsListener->listen(d->config.listenAddress, d->config.port))
        return QStringLiteral("cannot listen on %1:%2: %3")
            .arg(d->config.listenAddress.toString())
            .arg(d->config.port)
            .arg(d->tlsListener->errorString());
    disableNagle(d->tlsListener->socketDescriptor());
    return QString();
}

QString CohortServer::abandonStart(const QString &problem)
{
    // Nothing half-started stays behind: the caller may fix the configuration and start again.
    d->http.reset();
    d->listener.reset();
    d->tlsListener.reset();
    d->core.reset();
    d->poller.reset();
    d->auth.reset();
    d->storage->close();
    d->storage.reset();
    d->setupToken.clear();
    return problem;
}

void CohortServer::acceptSocket(QWebSocket *socket)
{
    // The same hard limit as the plain listener's (see listenPlain).
    const qint64 hardLimit = 4LL * d->config.maxFrameBytes;
    socket->setMaxAllowedIncomingMessageSize(static_cast<quint64>(hardLimit));
    socket->setMaxAllowedIncomingFrameSize(static_cast<quint64>(hardLimit));
    d->core->addConnection(new WebSocketTransport(socket));
}

void CohortServer::acceptTransport(Transport *transport)
{
    if (!d->core) {
        transport->close(1001, QStringLiteral("the server is not running"));
        return;
    }
    d->core->addConnection(transport);
}

void CohortServer::stop()
{
    if (!d->core || d->stopping)
        return;
    d->stopping = true;
    if (d->listener)
        d->listener->shutDown();
    if (d->tlsListener)
        d->tlsListener->close();
    d->http.reset();
    d->core->stop();
}

bool CohortServer::isListening() const
{
    return (d->listener && d->listener->isListening()) || (d->tlsListener && d->tlsListener->isListening());
}

quint16 CohortServer::port() const
{
    if (d->listener)
        return d->listener->serverPort();
    return d->tlsListener ? d->tlsListener->serverPort() : 0;
}

quint16 CohortServer::httpPort() const
{
    return d->http ? d->http->port() : 0;
}

QUrl CohortServer::url() const
{
    QUrl url;
    url.setScheme(d->secure ? QStringLiteral("wss") : QStringLiteral("ws"));
    QHostAddress host = d->config.listenAddress;
    if (host == QHostAddress::Any || host == QHostAddress::AnyIPv4)
        host = QHostAddress::LocalHost;
    else if (host == QHostAddress::AnyIPv6)
        host = QHostAddress::LocalHostIPv6;
    url.setHost(host.toString());
    url.setPort(port());
    url.setPath(QStringLiteral("/"));
    return url;
}

const ServerConfig &CohortServer::config() const
{
    return d->config;
}

Storage &CohortServer::storage()
{
    return *d->storage;
}

AuthService &CohortServer::auth()
{
    return *d->auth;
}

const Metrics &CohortServer::metrics() const
{
    return d->metrics;
}

qsizetype CohortServer::connectionCount() const
{
    return d->core ? d->core->connectionCount() : 0;
}

QString CohortServer::setupToken() const
{
    return d->setupToken;
}

} // namespace Cohort::Server
