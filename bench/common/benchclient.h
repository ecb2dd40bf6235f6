// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QUrl>

#include <functional>

class QWebSocket;

namespace Cohort::Bench {

/// One protocol client of a load generator: a QWebSocket that speaks docs/protocol.md with as
/// little work per frame as possible, so thousands fit in one thread. Room events are handed
/// out raw (the harness reads only its own marker in them); every other frame is parsed as
/// JSON and answers a pending request.
class BenchClient : public QObject
{
    Q_OBJECT
public:
    /// Called with the reply frame: a `result` or an `error` object.
    using Reply = std::function<void(const QJsonObject &frame)>;

    explicit BenchClient(int index, QObject *parent = nullptr);
    ~BenchClient() override;

    int index() const { return m_index; }
    /// Connects and sends `hello`; `welcomed` follows the server's `welcome`.
    void open(const QUrl &url);
    /// Sends a request; `done` runs once with its result or error.
    void request(const QString &op, const QJsonObject &data, Reply done);
    /// Hands an already serialized request to the socket (the hot path of the senders).
    void sendRawRequest(const QString &id, const QString &frame, Reply done);
    void abort();
    bool isOpen() const;

    static bool isError(const QJsonObject &frame);
    /// "code: message" of an error frame, for diagnostics.
    static QString errorText(const QJsonObject &frame);

Q_SIGNALS:
    void welcomed();
    /// A room event, unparsed.
    void eventReceived(const QString &frame);
    /// The connection ended; code 1006 when it failed or dropped without a close frame.
    void closed(quint16 code, const QString &reason);

private:
    void onText(const QString &frame);

    int m_index;
    QWebSocket *m_socket;
    qint64 m_nextId = 1;
    QHash<QString, Reply> m_pending;
    bool m_wasConnected = false;
    bool m_closedEmitted = false;
};

/// The load generators only ever connect to this machine: "localhost" or a loopback address.
bool isLoopback(const QUrl &url);

} // namespace Cohort::Bench
