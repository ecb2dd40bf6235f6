// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "benchclient.h"

#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QWebSocket>

namespace Cohort::Bench {

namespace {

// Compact JSON from Qt (keys sorted) and from JSON.stringify (insertion order) both carry this.
const QLatin1String EventMarker("\"type\":\"event\"");

} // namespace

BenchClient::BenchClient(int index, QObject *parent)
    : QObject(parent)
    , m_index(index)
    , m_socket(new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this))
{
    connect(m_socket, &QWebSocket::connected, this, [this] {
        m_wasConnected = true;
        const QJsonObject hello{{QStringLiteral("type"), QStringLiteral("hello")},
                                {QStringLiteral("version"), 1},
                                {QStringLiteral("capabilities"),
                                 QJsonArray{QStringLiteral("resume"), QStringLiteral("idempotency")}}};
        m_socket->sendTextMessage(QString::fromUtf8(QJsonDocument(hello).toJson(QJsonDocument::Compact)));
    });
    // A failed connect emits no `disconnected`: report it here.
    connect(m_socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this, [this] {
        if (m_wasConnected || m_closedEmitted)
            return;
        m_closedEmitted = true;
        Q_EMIT closed(QWebSocketProtocol::CloseCodeAbnormalDisconnection, m_socket->errorString());
    });
    connect(m_socket, &QWebSocket::textMessageReceived, this, &BenchClient::onText);
    connect(m_socket, &QWebSocket::disconnected, this, [this] {
        if (m_closedEmitted)
            return;
        m_closedEmitted = true;
        Q_EMIT closed(m_socket->closeCode(), m_socket->closeReason());
    });
}

BenchClient::~BenchClient() = default;

void BenchClient::open(const QUrl &url)
{
    m_socket->open(url);
}

void BenchClient::request(const QString &op, const QJsonObject &data, Reply done)
{
    const QString id = QString::number(m_nextId++);
    const QJsonObject frame{{QStringLiteral("type"), QStringLiteral("request")},
                            {QStringLiteral("id"), id},
                            {QStringLiteral("op"), op},
                            {QStringLiteral("data"), data}};
    sendRawRequest(id, QString::fromUtf8(QJsonDocument(frame).toJson(QJsonDocument::Compact)),
                   std::move(done));
}

void BenchClient::sendRawRequest(const QString &id, const QString &frame, Reply done)
{
    m_pending.insert(id, std::move(done));
    m_socket->sendTextMessage(frame);
}

void BenchClient::abort()
{
    m_closedEmitted = true; // a deliberate end is not reported as a drop
    m_socket->abort();
}

bool BenchClient::isOpen() const
{
    return m_socket->state() == QAbstractSocket::ConnectedState;
}

bool BenchClient::isError(const QJsonObject &frame)
{
    return frame.value(QStringLiteral("type")).toString() == QStringLiteral("error");
}

QString BenchClient::errorText(const QJsonObject &frame)
{
    return frame.value(QStringLiteral("code")).toString() + QStringLiteral(": ")
           + frame.value(QStringLiteral("message")).toString();
}

void BenchClient::onText(const QString &text)
{
    if (text.contains(EventMarker)) {
        Q_EMIT eventReceived(text);
        return;
    }
    const QJsonObject frame = QJsonDocument::fromJson(text.toUtf8()).object();
    const QString type = frame.value(QStringLiteral("type")).toString();
    if (type == QStringLiteral("welcome")) {
        Q_EMIT welcomed();
        return;
    }
    const QString id = frame.value(QStringLiteral("id")).toString();
    const auto it = m_pending.find(id);
    if (it == m_pending.end())
        return; // an error without id (e.g. before a close): the close reports it
    const Reply done = std::move(it.value());
    m_pending.erase(it);
    done(frame);
}

bool isLoopback(const QUrl &url)
{
    if (url.host() == QStringLiteral("localhost"))
        return true;
    const QHostAddress address(url.host());
    return !address.isNull() && address.isLoopback();
}

} // namespace Cohort::Bench
