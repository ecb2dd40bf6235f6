// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

// A small protocol client for tests: a real QWebSocket, hello, request/reply by id, events.
// Header-only so any test executable can use it by including it (tests/common is on the
// include path of every cohort_add_test target).

#include "frame.h"

#include <QJsonObject>
#include <QList>
#include <QSslError>
#include <QTest>
#include <QUrl>
#include <QWebSocket>

#include <optional>

namespace Cohort::Test {

class TestClient
{
public:
    static constexpr int DefaultTimeoutMs = 10000;

    TestClient()
    {
        QObject::connect(&m_socket, &QWebSocket::textMessageReceived, &m_socket, [this](const QString &text) {
            onText(text);
        });
        QObject::connect(&m_socket, &QWebSocket::disconnected, &m_socket, [this] {
            m_closed = true;
            m_closeCode = m_socket.closeCode();
            m_closeReason = m_socket.closeReason();
        });
        QObject::connect(&m_socket, &QWebSocket::sslErrors, &m_socket, [this](const QList<QSslError> &errors) {
            if (m_ignoreSslErrors)
                m_socket.ignoreSslErrors(errors);
        });
    }

    QWebSocket &socket() { return m_socket; }
    /// Large-volume tests keep only each event's envelope (name, room, seq), not its data.
    void setKeepEventData(bool keep) { m_keepEventData = keep; }
    /// For self-signed test certificates.
    void setIgnoreSslErrors(bool ignore) { m_ignoreSslErrors = ignore; }

    bool open(const QUrl &url, int timeoutMs = DefaultTimeoutMs)
    {
        m_closed = false;
        m_socket.open(url);
        return QTest::qWaitFor([this] { return m_socket.state() == QAbstractSocket::ConnectedState || m_closed; },
                               timeoutMs)
            && m_socket.state() == QAbstractSocket::ConnectedState;
    }

    /// Sends hello and returns the server's answer (welcome, or an error).
    std::optional<Protocol::Frame> hello(int version = Protocol::Version)
    {
        const qsizetype before = m_frames.size();
        sendFrame(Protocol::hello({Protocol::CapabilityResume, Protocol::CapabilityIdempotency}, version));
        if (!QTest::qWaitFor([&] { return m_frames.size() > before; }, DefaultTimeoutMs))
            return std::nullopt;
        return m_frames.at(before);
    }

    /// open + hello; true when welcomed.
    bool connectTo(const QUrl &url)
    {
        if (!open(url))
            return false;
        const auto welcome = hello();
        return welcome && welcome->type == Protocol::FrameType::Welcome;
    }

    void sendText(const QString &text) { m_socket.sendTextMessage(text); }
    void sendFrame(const Protocol::Frame &frame) { sendText(QString::fromUtf8(Protocol::encode(frame))); }

    /// Sends a request without waiting; returns its id.
    QString send(Protocol::Op op, const QJsonObject &data = {})
    {
        const QString id = QString::number(++m_nextId);
        sendFrame(Protocol::request(id, op, data));
        return id;
    }

    /// Waits for the reply (result or error) to the request with `id`.
    std::optional<Protocol::Frame> reply(const QString &id, int timeoutMs = DefaultTimeoutMs)
    {
        if (!QTest::qWaitFor([&] { return replyIndex(id) >= 0 || m_closed; }, timeoutMs))
            return std::nullopt;
        const qsizetype i = replyIndex(id);
        if (i < 0)
            return std::nullopt;
        return m_frames.at(i);
    }

    /// Sends a request and waits for its reply; an empty optional on timeout or close.
    std::optional<Protocol::Frame> request(Protocol::Op op, const QJsonObject &data = {},
                                           int timeoutMs = DefaultTimeoutMs)
    {
        return reply(send(op, data), timeoutMs);
    }

    /// The result's data, or an empty object with `ok` false (use for requests expected to work).
    QJsonObject call(Protocol::Op op, const QJsonObject &data, bool *ok)
    {
        const auto frame = request(op, data);
        *ok = frame && frame->type == Protocol::FrameType::Result;
        if (frame && frame->type == Protocol::FrameType::Error)
            qWarning() << "request" << Protocol::opName(op) << "failed:" << Protocol::errorCodeName(frame->code)
                       << frame->message;
        return *ok ? frame->data : QJsonObject();
    }

    bool signIn(const QString &username, const QString &password)
    {
        bool ok = false;
        m_session = call(Protocol::Op::AuthSignIn,
                         {{QStringLiteral("username"), username}, {QStringLiteral("password"), password}}, &ok);
        return ok;
    }
    const QJsonObject &session() const { return m_session; }

    /// Every frame received except events, in arrival order.
    const QList<Protocol::Frame> &frames() const { return m_frames; }
    /// Every event received except the ephemeral ones (typing, presence, ...), in arrival
    /// order: what resume and delivery guarantee, and what suites count.
    const QList<Protocol::Frame> &events() const { return m_events; }
    /// The ephemeral events received (Protocol::isEphemeralEvent), in arrival order.
    const QList<Protocol::Frame> &ephemeralEvents() const { return m_ephemeral; }
    void clearEvents()
    {
        m_events.clear();
        m_ephemeral.clear();
    }
    bool waitForEvents(qsizetype count, int timeoutMs = DefaultTimeoutMs)
    {
        return QTest::qWaitFor([&] { return m_events.size() >= count; }, timeoutMs);
    }
    /// Frames that could not be decoded (a server bug if ever non-empty).
    const QStringList &undecodable() const { return m_undecodable; }

    bool waitForClosed(int timeoutMs = DefaultTimeoutMs)
    {
        return QTest::qWaitFor([this] { return m_closed; }, timeoutMs);
    }
    bool isClosed() const { return m_closed; }
    int closeCode() const { return m_closeCode; }
    QString closeReason() const { return m_closeReason; }

    /// The first error frame without an id (connection-level errors), if any.
    std::optional<Protocol::Frame> connectionError(int timeoutMs = DefaultTimeoutMs)
    {
        auto find = [this]() -> qsizetype {
            for (qsizetype i = 0; i < m_frames.size(); ++i) {
                if (m_frames.at(i).type == Protocol::FrameType::Error && m_frames.at(i).id.isEmpty())
                    return i;
            }
            return -1;
        };
        if (!QTest::qWaitFor([&] { return find() >= 0; }, timeoutMs))
            return std::nullopt;
        return m_frames.at(find());
    }

private:
    qsizetype replyIndex(const QString &id) const
    {
        for (qsizetype i = m_frames.size() - 1; i >= 0; --i) {
            const Protocol::Frame &f = m_frames.at(i);
            if ((f.type == Protocol::FrameType::Result || f.type == Protocol::FrameType::Error) && f.id == id)
                return i;
        }
        return -1;
    }

    void onText(const QString &text)
    {
        const Protocol::DecodeResult decoded = Protocol::decode(text.toUtf8(), 64 * 1024 * 1024);
        const auto *frame = std::get_if<Protocol::Frame>(&decoded);
        if (!frame) {
            m_undecodable.append(text);
            return;
        }
        if (frame->type == Protocol::FrameType::Event) {
            QList<Protocol::Frame> &list = Protocol::isEphemeralEvent(frame->event) ? m_ephemeral : m_events;
            list.append(*frame);
            if (!m_keepEventData)
                list.last().data = QJsonObject();
        }
        else
            m_frames.append(*frame);
    }

    QWebSocket m_socket;
    QList<Protocol::Frame> m_frames;
    QList<Protocol::Frame> m_events;
    QList<Protocol::Frame> m_ephemeral;
    QStringList m_undecodable;
    QJsonObject m_session;
    int m_nextId = 0;
    bool m_closed = false;
    bool m_ignoreSslErrors = false;
    bool m_keepEventData = true;
    int m_closeCode = 0;
    QString m_closeReason;
};

} // namespace Cohort::Test
