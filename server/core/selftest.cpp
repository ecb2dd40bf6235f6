// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "selftest.h"

#include "cohortserver.h"
#include "frame.h"

#include <QEventLoop>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTemporaryDir>
#include <QTimer>
#include <QWebSocket>

namespace Cohort::Server {

namespace {

constexpr int StepTimeoutMs = 10000;

/// Runs the event loop until `done` is called or the step times out; returns false on timeout.
/// Connections made with `context` end with the step, so a late signal cannot call `done`.
template<typename Setup>
bool waitFor(Setup setup)
{
    QEventLoop loop;
    QObject context;
    bool finished = false;
    auto done = [&] {
        finished = true;
        loop.quit();
    };
    setup(&context, done);
    if (!finished) {
        QTimer::singleShot(StepTimeoutMs, &loop, &QEventLoop::quit);
        loop.exec();
    }
    return finished;
}

QString checkWebSocket(const QUrl &url)
{
    QWebSocket socket;
    QString welcomeText;
    if (!waitFor([&](QObject *context, auto done) {
            QObject::connect(&socket, &QWebSocket::connected, context, [&socket] {
                socket.sendTextMessage(QString::fromUtf8(Protocol::encode(
                    Protocol::hello({Protocol::CapabilityResume, Protocol::CapabilityIdempotency}))));
            });
            QObject::connect(&socket, &QWebSocket::textMessageReceived, context, [&, done](const QString &text) {
                welcomeText = text;
                done();
            });
            QObject::connect(&socket, &QWebSocket::disconnected, context, done);
            socket.open(url);
        }))
        return QStringLiteral("no answer to hello from %1").arg(url.toString());
    if (welcomeText.isEmpty())
        return QStringLiteral("the WebSocket connection failed: %1").arg(socket.errorString());
    const Protocol::DecodeResult decoded = Protocol::decode(welcomeText.toUtf8());
    const auto *frame = std::get_if<Protocol::Frame>(&decoded);
    if (!frame || frame->type != Protocol::FrameType::Welcome || frame->version != Protocol::Version)
        return QStringLiteral("expected welcome, got: %1").arg(welcomeText.left(200));
    socket.close();
    return QString();
}

QString checkHealth(quint16 port)
{
    QNetworkAccessManager network;
    QNetworkReply *reply = nullptr;
    const bool answered = waitFor([&](QObject *context, auto done) {
        reply = network.get(QNetworkRequest(QUrl(QStringLiteral("http://127.0.0.1:%1/healthz").arg(port))));
        QObject::connect(reply, &QNetworkReply::finished, context, done);
    });
    std::unique_ptr<QNetworkReply> owner(reply);
    if (!answered)
        return QStringLiteral("/healthz did not answer");
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QJsonObject body = QJsonDocument::fromJson(reply->readAll()).object();
    if (status != 200 || body.value(QStringLiteral("database")).toString() != QLatin1String("ok"))
        return QStringLiteral("/healthz answered %1: %2").arg(status).arg(QString::fromUtf8(QJsonDocument(body).toJson(QJsonDocument::Compact)));
    return QString();
}

} // namespace

int runSelfTest(QTextStream &out)
{
    QTemporaryDir dataDir;
    if (!dataDir.isValid()) {
        out << "self-test failed: cannot create a temporary directory\n";
        return 1;
    }
    ServerConfig config;
    config.listenAddress = QHostAddress::LocalHost;
    config.port = 0;
    config.httpPort = 0;
    config.dataDir = dataDir.path();
    CohortServer server(config);
    QString problem = server.start();
    if (problem.isEmpty())
        problem = checkWebSocket(server.url());
    if (problem.isEmpty())
        problem = checkHealth(server.httpPort());
    if (!problem.isEmpty()) {
        out << "self-test failed: " << problem << '\n';
        return 1;
    }
    waitFor([&](QObject *context, auto done) {
        QObject::connect(&server, &CohortServer::stopped, context, done);
        server.stop();
    });
    out << "self-test ok\n";
    return 0;
}

} // namespace Cohort::Server
