// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "crowd.h"

#include "benchclient.h"

#include <QJsonArray>

namespace Cohort::Bench {

Crowd::Crowd(const Options &options, QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_roomId(options.roomId)
{
    m_clients.reserve(size_t(options.clients));
    m_joinedFlags.resize(size_t(options.clients), false);
    for (int i = 0; i < options.clients; ++i) {
        auto *client = new BenchClient(i, this);
        connect(client, &BenchClient::closed, this, [this, i](quint16 code, const QString &reason) {
            if (!m_joinedFlags[size_t(i)]) {
                fail(QStringLiteral("client %1 closed while setting up: %2 %3").arg(i).arg(code).arg(reason));
                return;
            }
            ++m_closed;
            ++m_closesByCode[code];
        });
        m_clients.push_back(client);
    }
}

void Crowd::start()
{
    BenchClient *lead = m_clients.front();
    connect(lead, &BenchClient::welcomed, this, [this, lead] { signInLead(lead); });
    m_opened = 1;
    m_settingUp = 1;
    lead->open(m_options.url);
}

void Crowd::signInLead(BenchClient *lead)
{
    const QJsonObject data{{QStringLiteral("username"), m_options.username},
                           {QStringLiteral("password"), m_options.password}};
    lead->request(QStringLiteral("auth.signIn"), data, [this, lead](const QJsonObject &reply) {
        if (BenchClient::isError(reply))
            return fail(QStringLiteral("sign-in failed: ") + BenchClient::errorText(reply));
        m_token = reply.value(QStringLiteral("data")).toObject().value(QStringLiteral("token")).toString();
        if (m_roomId > 0)
            join(lead);
        else
            findRoom(lead);
    });
}

void Crowd::findRoom(BenchClient *lead)
{
    lead->request(QStringLiteral("room.list"), {}, [this, lead](const QJsonObject &reply) {
        if (BenchClient::isError(reply))
            return fail(QStringLiteral("room.list failed: ") + BenchClient::errorText(reply));
        const QJsonArray rooms = reply.value(QStringLiteral("data")).toObject().value(QStringLiteral("rooms")).toArray();
        if (!rooms.isEmpty()) {
            m_roomId = rooms.first().toObject().value(QStringLiteral("id")).toInteger();
            join(lead);
            return;
        }
        // A fresh server: the bench account (an instructor) creates the course it talks in.
        const QJsonObject course{{QStringLiteral("name"), QStringLiteral("Benchmark")},
                                 {QStringLiteral("clientId"), QStringLiteral("bench-course")}};
        lead->request(QStringLiteral("course.create"), course, [this, lead](const QJsonObject &created) {
            if (BenchClient::isError(created))
                return fail(QStringLiteral("course.create failed: ") + BenchClient::errorText(created));
            m_roomId = created.value(QStringLiteral("data")).toObject().value(QStringLiteral("course")).toObject()
                           .value(QStringLiteral("roomId")).toInteger();
            join(lead);
        });
    });
}

void Crowd::join(BenchClient *client)
{
    const QJsonObject data{{QStringLiteral("roomId"), m_roomId}};
    client->request(QStringLiteral("room.join"), data, [this, client](const QJsonObject &reply) {
        if (BenchClient::isError(reply))
            return fail(QStringLiteral("room.join failed: ") + BenchClient::errorText(reply));
        m_joinedFlags[size_t(client->index())] = true;
        ++m_joined;
        --m_settingUp;
        if (m_joined == m_options.clients)
            Q_EMIT ready();
        else
            openMore();
    });
}

void Crowd::openMore()
{
    while (!m_failed && m_opened < m_options.clients && m_settingUp < m_options.concurrency) {
        BenchClient *client = m_clients[size_t(m_opened++)];
        ++m_settingUp;
        connect(client, &BenchClient::welcomed, this, [this, client] {
            client->request(QStringLiteral("auth.token"), {{QStringLiteral("token"), m_token}},
                            [this, client](const QJsonObject &reply) {
                                if (BenchClient::isError(reply))
                                    return fail(QStringLiteral("auth.token failed: ") + BenchClient::errorText(reply));
                                join(client);
                            });
        });
        client->open(m_options.url);
    }
}

void Crowd::fail(const QString &why)
{
    if (m_failed)
        return;
    m_failed = true;
    Q_EMIT failed(why);
}

void Crowd::abortAll()
{
    for (BenchClient *client : m_clients)
        client->abort();
}

} // namespace Cohort::Bench
