// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "httpendpoint.h"

#include "logging.h"
#include "metrics.h"

#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QJsonObject>

namespace Cohort::Server {

HttpEndpoint::HttpEndpoint(const Metrics &metrics, std::function<bool()> databaseOk)
    : m_server(std::make_unique<QHttpServer>())
{
    m_server->route(QStringLiteral("/healthz"), [databaseOk = std::move(databaseOk)] {
        const bool ok = databaseOk();
        const QJsonObject body{{QStringLiteral("status"), ok ? QStringLiteral("ok") : QStringLiteral("error")},
                               {QStringLiteral("database"), ok ? QStringLiteral("ok") : QStringLiteral("error")}};
        return QHttpServerResponse(body, ok ? QHttpServerResponse::StatusCode::Ok
                                            : QHttpServerResponse::StatusCode::ServiceUnavailable);
    });
    m_server->route(QStringLiteral("/metrics"), [&metrics] {
        return QHttpServerResponse(QByteArrayLiteral("text/plain; version=0.0.4; charset=utf-8"), metrics.render());
    });
}

HttpEndpoint::~HttpEndpoint() = default;

QString HttpEndpoint::listen(const QHostAddress &address, quint16 port)
{
    m_port = m_server->listen(address, port);
    if (m_port == 0)
        return QStringLiteral("cannot listen for HTTP on %1:%2").arg(address.toString()).arg(port);
    qCInfo(lcHttp) << "health and metrics on" << QStringLiteral("http://%1:%2/").arg(address.toString()).arg(m_port);
    return QString();
}

} // namespace Cohort::Server
