// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include <QMap>
#include <QObject>
#include <QUrl>

#include <vector>

namespace Cohort::Bench {

class BenchClient;

/// N clients of one account, all joined to one room. The first signs in with the password
/// and finds the room (creating a course when the account has none); the others sign in with
/// its token, as a reconnecting app does, because N Argon2id verifications would turn the
/// set-up of a fan-out run into a sign-in benchmark. At most `concurrency` connections are
/// being set up at a time, so the listen backlog does not turn into SYN retries.
class Crowd : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        QUrl url;
        int clients = 1;
        QString username;
        QString password;
        qint64 roomId = 0; // 0: the first room the account may join
        int concurrency = 50;
    };

    Crowd(const Options &options, QObject *parent = nullptr);

    void start();
    const std::vector<BenchClient *> &clients() const { return m_clients; }
    qint64 roomId() const { return m_roomId; }
    int joinedCount() const { return m_joined; }
    /// Connections the server closed (or that dropped) after they had joined, by close code.
    const QMap<quint16, int> &closesByCode() const { return m_closesByCode; }
    int closedCount() const { return m_closed; }
    void abortAll();

Q_SIGNALS:
    void ready();
    void failed(const QString &why);

private:
    void openMore();
    void signInLead(BenchClient *lead);
    void findRoom(BenchClient *lead);
    void join(BenchClient *client);
    void fail(const QString &why);

    Options m_options;
    std::vector<BenchClient *> m_clients;
    std::vector<bool> m_joinedFlags;
    QString m_token;
    qint64 m_roomId = 0;
    int m_opened = 0;
    int m_settingUp = 0;
    int m_joined = 0;
    int m_closed = 0;
    QMap<quint16, int> m_closesByCode;
    bool m_failed = false;
};

} // namespace Cohort::Bench
