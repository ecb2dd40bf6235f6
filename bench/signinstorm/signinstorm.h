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

class BenchClient;

struct StormConfig
{
    Crowd::Options chat;          // the clients that chat throughout
    QString stormUsername;
    QString stormPassword;
    qint64 serverPid = 0;
    int storm = 500;              // sign-ins fired at once
    double chatRate = 20;         // messages per second, all chatters together
    int quietSeconds = 10;        // chat without a storm, for the reference latency
    int afterSeconds = 2;         // chat after the last sign-in has finished
    int timeoutSeconds = 240;
};

/// Chat in a room at a paced rate, measure delivery latency without a storm, then fire
/// `storm` sign-ins at once and measure the same chat while the server verifies them, and how
/// long each sign-in took.
class SignInStorm : public QObject
{
    Q_OBJECT
public:
    explicit SignInStorm(const StormConfig &config, QObject *parent = nullptr);

    void start();

Q_SIGNALS:
    void finished(const QJsonObject &result, bool ok);

private:
    enum class Phase { Connecting, Quiet, Storm, After, Done };

    void startChat();
    void sendDue();
    void startStorm();
    void onSignInEnded(int index, bool ok, const QString &code);
    void onChatEvent(const QString &frame);
    void finish(const QString &error);

    StormConfig m_config;
    Crowd *m_crowd;
    QElapsedTimer m_clock;
    QTimer m_pacer;
    QTimer m_watchdog;
    Phase m_phase = Phase::Connecting;
    QString m_nonce;

    qint64 m_chatStartNs = 0;
    qint64 m_stormStartNs = 0;
    qint64 m_stormEndNs = 0;
    int m_nextChat = 0;
    qint64 m_chatDeliveries = 0;
    qint64 m_chatRejected = 0;
    Samples m_quietLatency;
    Samples m_stormLatency;
    Samples m_afterLatency;

    std::vector<BenchClient *> m_stormClients;
    std::vector<qint64> m_stormOpenedNs;
    std::vector<qint64> m_stormRequestedNs;
    int m_stormEnded = 0;
    int m_stormOk = 0;
    QMap<QString, int> m_stormFailures; // error code or "close <code>"
    Samples m_signInTotal;   // from opening the connection to the sign-in result
    Samples m_signInRequest; // from sending auth.signIn to its result
    qint64 m_cpuStormStart = -1;
    qint64 m_cpuStormEnd = -1;
    bool m_finished = false;
};

} // namespace Cohort::Bench
