// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "upgraderequest.h"

#include <QCryptographicHash>
#include <QList>

namespace Cohort::Server::Net {

namespace {

UpgradeRequest refuse(QByteArrayView status, const QString &problem, QByteArrayView extraHeaders = {})
{
    const QByteArray body = problem.toUtf8() + '\n';
    UpgradeRequest request;
    request.state = UpgradeRequest::State::Refused;
    request.problem = problem;
    request.response = "HTTP/1.1 " + status.toByteArray() + "\r\nContent-Type: text/plain; charset=utf-8\r\n"
                       + extraHeaders.toByteArray() + "Content-Length: " + QByteArray::number(body.size())
                       + "\r\nConnection: close\r\n\r\n" + body;
    return request;
}

/// Whether a comma-separated header value lists `token` (case-insensitive), as in
/// "Connection: keep-alive, Upgrade".
bool listsToken(QByteArrayView value, QByteArrayView token)
{
    for (const QByteArray &part : value.toByteArray().split(','))
        if (part.trimmed().compare(token, Qt::CaseInsensitive) == 0)
            return true;
    return false;
}

} // namespace

UpgradeRequest UpgradeRequest::parse(QByteArrayView received)
{
    const qsizetype end = received.indexOf(QByteArrayView("\r\n\r\n"));
    if (end < 0) {
        if (received.size() >= MaxBytes)
            return refuse("431 Request Header Fields Too Large",
                          QStringLiteral("the request header exceeds %1 bytes").arg(MaxBytes));
        return UpgradeRequest();
    }
    if (end + 4 > MaxBytes)
        return refuse("431 Request Header Fields Too Large",
                      QStringLiteral("the request header exceeds %1 bytes").arg(MaxBytes));

    const QList<QByteArray> lines = received.first(end).toByteArray().split('\n');
    const QList<QByteArray> requestLine = lines.first().trimmed().split(' ');
    if (requestLine.size() != 3 || !requestLine.at(2).startsWith("HTTP/1."))
        return refuse("400 Bad Request", QStringLiteral("not an HTTP/1.1 request"));
    if (requestLine.at(0) != "GET")
        return refuse("405 Method Not Allowed", QStringLiteral("a WebSocket opens with GET"), "Allow: GET\r\n");
    if (requestLine.at(2) != "HTTP/1.1")
        return refuse("400 Bad Request", QStringLiteral("a WebSocket opens with HTTP/1.1"));

    QByteArray upgrade, connection, key, version;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray &line = lines.at(i);
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            return refuse("400 Bad Request", QStringLiteral("malformed header line"));
        const QByteArray name = line.first(colon).trimmed().toLower();
        const QByteArray value = line.sliced(colon + 1).trimmed();
        if (name == "upgrade")
            upgrade = value;
        else if (name == "connection")
            connection = value;
        else if (name == "sec-websocket-key")
            key = value;
        else if (name == "sec-websocket-version")
            version = value;
    }
    const QByteArray upgradeHeaders = "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n";
    if (!listsToken(upgrade, "websocket") || !listsToken(connection, "upgrade"))
        return refuse("426 Upgrade Required", QStringLiteral("this is a WebSocket endpoint; upgrade to websocket"),
                      upgradeHeaders);
    if (version != "13")
        return refuse("426 Upgrade Required",
                      QStringLiteral("WebSocket version %1 is not supported; use 13")
                          .arg(QString::fromLatin1(version.isEmpty() ? QByteArray("(none)") : version)),
                      upgradeHeaders);
    if (QByteArray::fromBase64(key).size() != 16)
        return refuse("400 Bad Request", QStringLiteral("Sec-WebSocket-Key must be 16 bytes in base64"));

    UpgradeRequest request;
    request.state = State::Accepted;
    request.headerBytes = end + 4;
    request.response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                       "Sec-WebSocket-Accept: "
                       + acceptKey(key) + "\r\n\r\n";
    return request;
}

QByteArray UpgradeRequest::acceptKey(QByteArrayView key)
{
    QCryptographicHash sha1(QCryptographicHash::Sha1);
    sha1.addData(key);
    sha1.addData(QByteArrayView("258EAFA5-E914-47DA-95CA-C5AB0DC85B11"));
    return sha1.result().toBase64();
}

} // namespace Cohort::Server::Net
