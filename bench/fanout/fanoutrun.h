// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "crowd.h"
#include "samples.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QMap>
#include <QObject>
#include <QTimer>

#include <vector>

namespace Cohort::Bench {

struct FanoutConfig
{
    enum class Mode { Burst, Paced };

    Crowd::Options crowd;
    QString serverName;
    qint64 serverPid = 0;
    int senders = 1;
    Mode mode = Mode::Burst;
    double rate = 200;        // paced: messages per second, all senders together
    int messages = 1000;      // all senders together
    int window = 8;           // burst: messages per sender not yet delivered to every client
    int textChars = 64;       // length of each message's text
    int settleMs = 2000;      // after the last join, before measuring
    int drainSeconds = 10;    // give up waiting for deliveries after this long without one
    int timeoutSeconds = 300; // the whole run
    bool waitForGo = false;   // after joining, send only once go() is called (several runs start together)
    int startDelayMs = 0;     // after go(), on top of the settle time: the room's phase among others
};

/// One fan-out run: N clients joined to one room, K of them sending; every client checks what
/// it receives. The result is one JSON object (see docs/benchmarks.md for the fields).
class FanoutRun : public QObject
{
    Q_OBJECT
public:
    explicit FanoutRun(const FanoutConfig &config, QObject *parent = nullptr);

    void start();
    /// With waitForGo: starts sending (after the settle time). Call it once joined() was emitted.
    void go();

Q_SIGNALS:
    /// Every client is connected and in the room.
    void joined();
    void finished(const QJsonObject &result, bool ok);

private:
    struct Message
    {
        qint64 sentNs = -1;
        int remaining = 0;   // receivers that have not had it yet
        bool acked = false;
        bool rejected = false;
        bool done = false;
    };

    void startSending();
    void sendMessage(int global);
    void sendNextOfSender(int sender);
    void schedulePaced();
    void onEvent(int receiver, const QString &frame);
    void onReply(int global, const QJsonObject &reply);
    void settle(int global);
    void checkProgress();
    void finish(const QString &error);
    int senderClient(int sender) const;

    FanoutConfig m_config;
    Crowd *m_crowd;
    QElapsedTimer m_clock;
    QTimer m_pacer;
    QTimer m_watchdog;
    QString m_nonce;
    QString m_padding;

    std::vector<Message> m_messages;
    std::vector<int> m_nextSeqOfSender;
    std::vector<int> m_outstandingOfSender;
    std::vector<std::vector<bool>> m_seen;   // [receiver][message]
    std::vector<int> m_lastSeqFrom;          // [receiver * senders + sender]
    std::vector<qint64> m_lastRoomSeq;       // [receiver]
    int m_nextPaced = 0;
    int m_sent = 0;
    int m_settled = 0;

    qint64 m_deliveries = 0;
    qint64 m_duplicates = 0;
    qint64 m_reorders = 0;
    qint64 m_roomSeqViolations = 0;
    qint64 m_rejected = 0;
    QMap<QString, int> m_rejectionsByCode;
    Samples m_latency;
    Samples m_ackLatency;

    qint64 m_rssIdle = -1;
    qint64 m_rssJoined = -1;
    qint64 m_cpuStart = -1;
    qint64 m_ownCpuStart = -1;
    qint64 m_connectNs = 0;
    qint64 m_sendStartNs = 0;
    qint64 m_lastDeliveryNs = 0;
    qint64 m_lastProgressNs = 0;
    bool m_sending = false;
    bool m_finished = false;
};

} // namespace Cohort::Bench
