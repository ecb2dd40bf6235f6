// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "signinstorm.h"

#include "benchclient.h"
#include "procstats.h"

#include <QRandomGenerator>

#include <cmath>

namespace Cohort::Bench {

namespace {

const QLatin1String ChatMarker("chat|");
constexpr int DrainMs = 1000;

} // namespace

SignInStorm::SignInStorm(const StormConfig &config, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_crowd(new Crowd(config.chat, this))
    , m_nonce(QString::number(QRandomGenerator::global()->generate64(), 36))
{
    m_pacer.setSingleShot(true);
    m_pacer.setTimerType(Qt::PreciseTimer);
    connect(&m_pacer, &QTimer::timeout, this, &SignInStorm::sendDue);
    m_watchdog.setInterval(500);
    connect(&m_watchdog, &QTimer::timeout, this, [this] {
        if (m_clock.elapsed() > qint64(m_config.timeoutSeconds) * 1000)
            finish(QStringLiteral("timed out after %1 s").arg(m_config.timeoutSeconds));
    });
    connect(m_crowd, &Crowd::failed, this, &SignInStorm::finish);
    connect(m_crowd, &Crowd::ready, this, &SignInStorm::startChat);
    for (BenchClient *client : m_crowd->clients())
        connect(client, &BenchClient::eventReceived, this, &SignInStorm::onChatEvent);
}

void SignInStorm::start()
{
    m_clock.start();
    m_watchdog.start();
    m_crowd->start();
}

void SignInStorm::startChat()
{
    m_phase = Phase::Quiet;
    m_chatStartNs = m_clock.nsecsElapsed();
    sendDue();
    QTimer::singleShot(m_config.quietSeconds * 1000, this, &SignInStorm::startStorm);
}

void SignInStorm::sendDue()
{
    if (m_phase == Phase::Done)
        return;
    const qint64 now = m_clock.nsecsElapsed();
    const auto dueNs = [this](int index) { return m_chatStartNs + qint64(double(index) * 1e9 / m_config.chatRate); };
    const auto &chatters = m_crowd->clients();
    while (dueNs(m_nextChat) <= now) {
        BenchClient *sender = chatters[size_t(m_nextChat) % chatters.size()];
        QString text = ChatMarker + QString::number(m_clock.nsecsElapsed()) + u'|';
        text.append(QString(64 - text.size(), u'x'));
        const QJsonObject data{{QStringLiteral("roomId"), m_crowd->roomId()},
                               {QStringLiteral("clientId"), m_nonce + u'-' + QString::number(m_nextChat)},
                               {QStringLiteral("text"), text}};
        sender->request(QStringLiteral("message.send"), data, [this](const QJsonObject &reply) {
            if (BenchClient::isError(reply))
                ++m_chatRejected;
        });
        ++m_nextChat;
    }
    m_pacer.start(int((dueNs(m_nextChat) - now + 999999) / 1000000));
}

void SignInStorm::onChatEvent(const QString &frame)
{
    qsizetype pos = frame.indexOf(ChatMarker);
    if (pos < 0 || m_phase == Phase::Done)
        return;
    const qint64 now = m_clock.nsecsElapsed();
    qint64 sentNs = 0;
    for (pos += ChatMarker.size(); pos < frame.size() && frame.at(pos).isDigit(); ++pos)
        sentNs = sentNs * 10 + frame.at(pos).digitValue();
    ++m_chatDeliveries;
    const qint64 micros = (now - sentNs) / 1000;
    if (m_stormStartNs == 0 || sentNs < m_stormStartNs)
        m_quietLatency.add(micros);
    else if (m_stormEndNs == 0 || sentNs < m_stormEndNs)
        m_stormLatency.add(micros);
    else
        m_afterLatency.add(micros);
}

void SignInStorm::startStorm()
{
    if (m_phase != Phase::Quiet)
        return;
    m_phase = Phase::Storm;
    m_cpuStormStart = processCpuMicros(m_config.serverPid);
    m_stormStartNs = m_clock.nsecsElapsed();
    m_stormOpenedNs.resize(size_t(m_config.storm), 0);
    m_stormRequestedNs.resize(size_t(m_config.storm), 0);
    for (int i = 0; i < m_config.storm; ++i) {
        auto *client = new BenchClient(i, this);
        m_stormClients.push_back(client);
        connect(client, &BenchClient::welcomed, this, [this, client, i] {
            const QJsonObject data{{QStringLiteral("username"), m_config.stormUsername},
                                   {QStringLiteral("password"), m_config.stormPassword}};
            m_stormRequestedNs[size_t(i)] = m_clock.nsecsElapsed();
            client->request(QStringLiteral("auth.signIn"), data, [this, i](const QJsonObject &reply) {
                const bool ok = !BenchClient::isError(reply);
                onSignInEnded(i, ok, ok ? QString() : reply.value(QStringLiteral("code")).toString());
            });
        });
        connect(client, &BenchClient::closed, this, [this, i](quint16 code) {
            onSignInEnded(i, false, QStringLiteral("close %1").arg(code));
        });
        m_stormOpenedNs[size_t(i)] = m_clock.nsecsElapsed();
        client->open(m_config.chat.url);
    }
}

void SignInStorm::onSignInEnded(int index, bool ok, const QString &code)
{
    qint64 &opened = m_stormOpenedNs[size_t(index)];
    if (opened < 0 || m_phase != Phase::Storm)
        return; // already counted (a close after its reply)
    const qint64 now = m_clock.nsecsElapsed();
    if (ok) {
        ++m_stormOk;
        m_signInTotal.add((now - opened) / 1000);
        m_signInRequest.add((now - m_stormRequestedNs[size_t(index)]) / 1000);
    } else {
        ++m_stormFailures[code];
    }
    opened = -1;
    if (++m_stormEnded < m_config.storm)
        return;
    m_stormEndNs = now;
    m_cpuStormEnd = processCpuMicros(m_config.serverPid);
    m_phase = Phase::After;
    QTimer::singleShot(m_config.afterSeconds * 1000, this, [this] {
        m_pacer.stop();
        QTimer::singleShot(DrainMs, this, [this] { finish({}); });
    });
}

void SignInStorm::finish(const QString &error)
{
    if (m_finished)
        return;
    m_finished = true;
    m_phase = Phase::Done;
    m_pacer.stop();
    m_watchdog.stop();

    QJsonObject json;
    json.insert(QStringLiteral("chatters"), m_config.chat.clients);
    json.insert(QStringLiteral("chatRateMsgPerSec"), m_config.chatRate);
    json.insert(QStringLiteral("chatMessages"), m_nextChat);
    json.insert(QStringLiteral("chatRejected"), m_chatRejected);
    json.insert(QStringLiteral("chatDeliveries"), m_chatDeliveries);
    json.insert(QStringLiteral("chatLosses"), qint64(m_nextChat - m_chatRejected) * m_config.chat.clients - m_chatDeliveries);
    json.insert(QStringLiteral("chatServerClosed"), m_crowd->closedCount());
    m_quietLatency.writeTo(json, QStringLiteral("quietLatency"));
    m_stormLatency.writeTo(json, QStringLiteral("stormLatency"));
    m_afterLatency.writeTo(json, QStringLiteral("afterLatency"));

    json.insert(QStringLiteral("storm"), m_config.storm);
    json.insert(QStringLiteral("signInOk"), m_stormOk);
    QJsonObject failures;
    for (auto it = m_stormFailures.cbegin(); it != m_stormFailures.cend(); ++it)
        failures.insert(it.key(), it.value());
    json.insert(QStringLiteral("signInFailures"), failures);
    m_signInTotal.writeTo(json, QStringLiteral("signInTotal"));
    m_signInRequest.writeTo(json, QStringLiteral("signInRequest"));
    if (m_stormEndNs > 0) {
        json.insert(QStringLiteral("stormDurationSec"), std::round(double(m_stormEndNs - m_stormStartNs) / 1e6) / 1000);
        if (m_cpuStormStart >= 0 && m_cpuStormEnd >= 0)
            json.insert(QStringLiteral("serverCpuStormSec"), double(m_cpuStormEnd - m_cpuStormStart) / 1e6);
    }
    if (!error.isEmpty())
        json.insert(QStringLiteral("error"), error);

    m_crowd->abortAll();
    for (BenchClient *client : m_stormClients)
        client->abort();
    Q_EMIT finished(json, error.isEmpty());
}

} // namespace Cohort::Bench
