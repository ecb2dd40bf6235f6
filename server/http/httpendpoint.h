// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include <QHostAddress>
#include <QString>

#include <functional>
#include <memory>

class QHttpServer;

namespace Cohort::Server {

class Metrics;

/// The server's HTTP endpoint: GET /healthz (200, or 503 when the database does not answer),
/// GET /metrics (Prometheus text format). Chat attachments travel over the WebSocket.
class HttpEndpoint
{
public:
    /// `databaseOk` runs a trivial query; it is called once per /healthz request.
    HttpEndpoint(const Metrics &metrics, std::function<bool()> databaseOk);
    ~HttpEndpoint();

    /// Listens; returns an error message or empty. Port 0 picks a free port.
    QString listen(const QHostAddress &address, quint16 port);
    quint16 port() const { return m_port; }

private:
    std::unique_ptr<QHttpServer> m_server;
    quint16 m_port = 0;
};

} // namespace Cohort::Server
