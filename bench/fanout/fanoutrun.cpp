// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "fanoutrun.h"

#include "benchclient.h"
#include "procstats.h"

#include <QJsonDocument>
#include <QRandomGenerator>

#include <algorithm>
#include <cmath>

namespace Cohort::Bench {

namespace {

const QLatin1String TextMarker("bench|");
const QLatin1String SeqKey("\"seq\":");

// Reads the unsigned decimal number at `pos` and moves `pos` past it and one separator.
qint64 readNumber(const QString &text, qsizetype &pos)
{
    qint64 value = 0;
    while (pos < text.size() && text.at(pos).isDigit()) {
        value = value * 10 + text.at(pos).digitValue();
        ++pos;
    }
    ++pos;
    return value;
}

} // namespace

FanoutRun::FanoutRun(const FanoutConfig &config, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_crowd(new Crowd(config.crowd, this))
    , m_nonce(QString::number(QRandomGenerator::global()->generate64(), 36))
{
    const int clients = config.crowd.clients;
    m_messages.resize(size_t(config.messages));
    m_nextSeqOfSender.resize(size_t(config.senders), 0);
    m_outstandingOfSender.resize(size_t(config.senders), 0);
    m_seen.assign(size_t(clients), std::vector<bool>(size_t(config.messages), false));
    m_lastSeqFrom.assign(size_t(clients) * size_t(config.senders), -1);
    m_lastRoomSeq.assign(size_t(clients), 0);
    m_latency.reserve(std::min<size_t>(size_t(clients) * size_t(config.messages), 8'000'000));

    m_pacer.setSingleShot(true);
    m_pacer.setTimerType(Qt::PreciseTimer);
    connect(&m_pacer, &QTimer::timeout, this, &FanoutRun::schedulePaced);
    m_watchdog.setInterval(250);
    connect(&m_watchdog, &QTimer::timeout, this, &FanoutRun::checkProgress);

    connect(m_crowd, &Crowd::failed, this, &FanoutRun::finish);
    connect(m_crowd, &Crowd::ready, this, [this] {
        m_connectNs = m_clock.nsecsElapsed();
        Q_EMIT joined();
        if (!m_config.waitForGo)
            go();
    });
    for (BenchClient *client : m_crowd->clients()) {
        const int receiver = client->index();
        connect(client, &BenchClient::eventReceived, this,
                [this, receiver](const QString &frame) { onEvent(receiver, frame); });
    }
}

void FanoutRun::start()
{
    m_clock.start();
    m_watchdog.start();
    m_rssIdle = processRssBytes(m_config.serverPid);
    m_crowd->start();
}

void FanoutRun::go()
{
    QTimer::singleShot(m_config.settleMs + m_config.startDelayMs, this, &FanoutRun::startSending);
}

int FanoutRun::senderClient(int sender) const
{
    return int(qint64(sender) * m_config.crowd.clients / m_config.senders);
}

void FanoutRun::startSending()
{
    m_rssJoined = processRssBytes(m_config.serverPid);
    m_cpuStart = processCpuMicros(m_config.serverPid);
    m_ownCpuStart = ownCpuMicros();
    m_sendStartNs = m_clock.nsecsElapsed();
    m_lastProgressNs = m_sendStartNs;
    m_sending = true;
    if (m_config.mode == FanoutConfig::Mode::Paced) {
        schedulePaced();
        return;
    }
    for (int sender = 0; sender < m_config.senders; ++sender) {
        for (int i = 0; i < m_config.window; ++i)
            sendNextOfSender(sender);
    }
}

void FanoutRun::sendNextOfSender(int sender)
{
    const int global = m_nextSeqOfSender[size_t(sender)] * m_config.senders + sender;
    if (global >= m_config.messages)
        return;
    ++m_nextSeqOfSender[size_t(sender)];
    ++m_outstandingOfSender[size_t(sender)];
    sendMessage(global);
}

void FanoutRun::schedulePaced()
{
    const qint64 now = m_clock.nsecsElapsed();
    const auto dueNs = [this](int global) {
        return m_sendStartNs + qint64(double(global) * 1e9 / m_config.rate);
    };
    while (m_nextPaced < m_config.messages && dueNs(m_nextPaced) <= now)
        sendMessage(m_nextPaced++);
    if (m_nextPaced < m_config.messages)
        m_pacer.start(int((dueNs(m_nextPaced) - now + 999999) / 1000000));
}

void FanoutRun::sendMessage(int global)
{
    const int sender = global % m_config.senders;
    const int seq = global / m_config.senders;
    BenchClient *client = m_crowd->clients()[size_t(senderClient(sender))];
    Message &message = m_messages[size_t(global)];
    message.sentNs = m_clock.nsecsElapsed();
    message.remaining = m_config.crowd.clients;
    QString text = TextMarker + QString::number(sender) + u'|' + QString::number(seq) + u'|'
                   + QString::number(message.sentNs) + u'|';
    if (text.size() < m_config.textChars)
        text.append(QString(m_config.textChars - text.size(), u'x'));
    const QString id = QStringLiteral("m") + QString::number(global);
    const QString frame = QStringLiteral("{\"type\":\"request\",\"id\":\"") + id
                          + QStringLiteral("\",\"op\":\"message.send\",\"data\":{\"roomId\":")
                          + QString::number(m_crowd->roomId()) + QStringLiteral(",\"clientId\":\"") + m_nonce
                          + u'-' + QString::number(global) + QStringLiteral("\",\"text\":\"") + text
                          + QStringLiteral("\"}}");
    ++m_sent;
    m_lastProgressNs = message.sentNs;
    client->sendRawRequest(id, frame, [this, global](const QJsonObject &reply) { onReply(global, reply); });
}

void FanoutRun::onReply(int global, const QJsonObject &reply)
{
    Message &message = m_messages[size_t(global)];
    const qint64 now = m_clock.nsecsElapsed();
    m_lastProgressNs = now;
    if (BenchClient::isError(reply)) {
        message.rejected = true;
        ++m_rejected;
        ++m_rejectionsByCode[reply.value(QStringLiteral("code")).toString()];
        settle(global);
        return;
    }
    message.acked = true;
    m_ackLatency.add((now - message.sentNs) / 1000);
    if (message.remaining == 0)
        settle(global);
}

void FanoutRun::onEvent(int receiver, const QString &frame)
{
    qsizetype pos = frame.indexOf(TextMarker);
    if (pos < 0 || m_finished)
        return;
    const qint64 now = m_clock.nsecsElapsed();
    pos += TextMarker.size();
    const qint64 sender = readNumber(frame, pos);
    const qint64 seq = readNumber(frame, pos);
    const qint64 sentNs = readNumber(frame, pos);
    const qint64 global = seq * m_config.senders + sender;
    if (sender >= m_config.senders || global >= m_config.messages || m_messages[size_t(global)].sentNs != sentNs)
        return; // not one of this run's messages

    qsizetype seqPos = frame.indexOf(SeqKey);
    if (seqPos >= 0) {
        seqPos += SeqKey.size();
        const qint64 roomSeq = readNumber(frame, seqPos);
        if (roomSeq <= m_lastRoomSeq[size_t(receiver)])
            ++m_roomSeqViolations;
        m_lastRoomSeq[size_t(receiver)] = std::max(roomSeq, m_lastRoomSeq[size_t(receiver)]);
    }

    std::vector<bool> &seen = m_seen[size_t(receiver)];
    if (seen[size_t(global)]) {
        ++m_duplicates;
        return;
    }
    seen[size_t(global)] = true;
    int &lastSeq = m_lastSeqFrom[size_t(receiver) * size_t(m_config.senders) + size_t(sender)];
    if (seq < lastSeq)
        ++m_reorders;
    else
        lastSeq = int(seq);

    m_latency.add((now - sentNs) / 1000);
    ++m_deliveries;
    m_lastDeliveryNs = now;
    m_lastProgressNs = now;
    Message &message = m_messages[size_t(global)];
    if (--message.remaining == 0 && message.acked)
        settle(int(global));
}

void FanoutRun::settle(int global)
{
    Message &message = m_messages[size_t(global)];
    if (message.done)
        return;
    message.done = true;
    ++m_settled;
    if (m_config.mode == FanoutConfig::Mode::Burst) {
        const int sender = global % m_config.senders;
        --m_outstandingOfSender[size_t(sender)];
        sendNextOfSender(sender);
    }
    if (m_settled == m_config.messages)
        finish({});
}

void FanoutRun::checkProgress()
{
    const qint64 now = m_clock.nsecsElapsed();
    if (now > qint64(m_config.timeoutSeconds) * 1000000000) {
        finish(QStringLiteral("timed out after %1 s").arg(m_config.timeoutSeconds));
        return;
    }
    if (m_sending && now - m_lastProgressNs > qint64(m_config.drainSeconds) * 1000000000)
        finish({}); // stalled: what never arrived is counted as lost
}

void FanoutRun::finish(const QString &error)
{
    if (m_finished)
        return;
    m_finished = true;
    m_pacer.stop();
    m_watchdog.stop();
    const qint64 cpuEnd = processCpuMicros(m_config.serverPid);
    const qint64 ownCpuEnd = ownCpuMicros();
    const qint64 rssEnd = processRssBytes(m_config.serverPid);
    const int clients = m_config.crowd.clients;

    qint64 acked = 0;
    qint64 losses = 0;
    qint64 unanswered = 0;
    for (const Message &message : m_messages) {
        if (message.acked) {
            ++acked;
            losses += message.remaining;
        } else if (message.sentNs >= 0 && !message.rejected) {
            ++unanswered;
        }
    }

    QJsonObject json;
    json.insert(QStringLiteral("server"), m_config.serverName);
    json.insert(QStringLiteral("clients"), clients);
    json.insert(QStringLiteral("senders"), m_config.senders);
    const bool paced = m_config.mode == FanoutConfig::Mode::Paced;
    json.insert(QStringLiteral("mode"), paced ? QStringLiteral("paced") : QStringLiteral("burst"));
    if (paced)
        json.insert(QStringLiteral("rateMsgPerSec"), m_config.rate);
    else
        json.insert(QStringLiteral("windowPerSender"), m_config.window);
    json.insert(QStringLiteral("textChars"), m_config.textChars);
    json.insert(QStringLiteral("messages"), m_config.messages);
    json.insert(QStringLiteral("sent"), m_sent);
    json.insert(QStringLiteral("acked"), acked);
    json.insert(QStringLiteral("rejected"), m_rejected);
    if (!m_rejectionsByCode.isEmpty()) {
        QJsonObject codes;
        for (auto it = m_rejectionsByCode.cbegin(); it != m_rejectionsByCode.cend(); ++it)
            codes.insert(it.key(), it.value());
        json.insert(QStringLiteral("rejectedByCode"), codes);
    }
    json.insert(QStringLiteral("unanswered"), unanswered);
    json.insert(QStringLiteral("deliveries"), m_deliveries);
    json.insert(QStringLiteral("expectedDeliveries"), acked * clients);
    json.insert(QStringLiteral("losses"), losses);
    json.insert(QStringLiteral("reorders"), m_reorders);
    json.insert(QStringLiteral("duplicates"), m_duplicates);
    json.insert(QStringLiteral("roomSeqViolations"), m_roomSeqViolations);
    json.insert(QStringLiteral("serverClosedConnections"), m_crowd->closedCount());
    if (m_crowd->closedCount() > 0) {
        QJsonObject codes;
        const QMap<quint16, int> &byCode = m_crowd->closesByCode();
        for (auto it = byCode.cbegin(); it != byCode.cend(); ++it)
            codes.insert(QString::number(it.key()), it.value());
        json.insert(QStringLiteral("closesByCode"), codes);
    }

    const double seconds = double(m_lastDeliveryNs - m_sendStartNs) / 1e9;
    json.insert(QStringLiteral("durationSec"), std::round(seconds * 1000) / 1000);
    json.insert(QStringLiteral("deliveredPerSec"), seconds > 0 ? std::round(double(m_deliveries) / seconds) : 0.0);
    m_latency.writeTo(json, QStringLiteral("latency"));
    json.insert(QStringLiteral("ackP50Ms"), toMillis(m_ackLatency.percentile(0.5)));
    json.insert(QStringLiteral("ackP99Ms"), toMillis(m_ackLatency.percentile(0.99)));

    if (m_cpuStart >= 0 && cpuEnd >= 0) {
        const qint64 cpu = cpuEnd - m_cpuStart;
        json.insert(QStringLiteral("serverCpuSec"), double(cpu) / 1e6);
        if (m_deliveries > 0)
            json.insert(QStringLiteral("serverCpuUsPerDelivery"),
                        std::round(double(cpu) / double(m_deliveries) * 1000) / 1000);
    }
    if (m_deliveries > 0 && m_ownCpuStart >= 0)
        json.insert(QStringLiteral("harnessCpuUsPerDelivery"),
                    std::round(double(ownCpuEnd - m_ownCpuStart) / double(m_deliveries) * 1000) / 1000);
    json.insert(QStringLiteral("serverRssIdleBytes"), m_rssIdle);
    json.insert(QStringLiteral("serverRssJoinedBytes"), m_rssJoined);
    json.insert(QStringLiteral("serverRssEndBytes"), rssEnd);
    if (m_rssIdle >= 0 && m_rssJoined >= 0)
        json.insert(QStringLiteral("serverRssPerConnectionBytes"), (m_rssJoined - m_rssIdle) / clients);
    json.insert(QStringLiteral("connectSec"), std::round(double(m_connectNs) / 1e6) / 1000);
    json.insert(QStringLiteral("stalled"), m_sending && m_settled < m_config.messages && error.isEmpty());
    if (!error.isEmpty())
        json.insert(QStringLiteral("error"), error);

    m_crowd->abortAll();
    Q_EMIT finished(json, error.isEmpty());
}

} // namespace Cohort::Bench
