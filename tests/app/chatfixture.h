// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "chatclient.h"
#include "model.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QTimer>

#include <algorithm>

namespace Cohort::Tests {

/// Answers a ChatClient's chat requests from data the test sets up, following the chat
/// protocol contract (room.list, message.history with before/around/threadRoot, room.members,
/// ...), and records every request. Widget tests use it to feed the pane exact situations;
/// message.send still goes through the real Outbox and Connection.
class ChatFixture : public QObject
{
public:
    struct Call
    {
        QString op;
        QJsonObject data;
    };

    explicit ChatFixture(QObject *parent = nullptr) : QObject(parent) {}

    void install(Client::ChatClient *client)
    {
        client->setRequester([this](const QString &op, const QJsonObject &data, QObject *context, Client::ReplyCallback done) {
            calls.append(Call{op, data});
            if (holdHistory && op == QLatin1String("message.history")) {
                held.append({data, std::move(done)});
                return;
            }
            Client::Reply reply = answer(op, data);
            QTimer::singleShot(0, context ? context : this, [done, reply] { done(reply); });
        });
    }

    static QJsonObject user(qint64 id, const QString &username, const QString &name, const QString &role = QStringLiteral("student"))
    {
        return {{QStringLiteral("id"), id}, {QStringLiteral("username"), username}, {QStringLiteral("displayName"), name},
                {QStringLiteral("role"), role}};
    }

    static QJsonObject room(qint64 id, const QString &kind, const QString &name, qint64 lastRead = 0, int unread = 0)
    {
        return {{QStringLiteral("id"), id}, {QStringLiteral("kind"), kind}, {QStringLiteral("name"), name},
                {QStringLiteral("topic"), QString()}, {QStringLiteral("courseId"), 1},
                {QStringLiteral("visibility"), QStringLiteral("private")}, {QStringLiteral("memberLimit"), 0},
                {QStringLiteral("memberCount"), 3}, {QStringLiteral("archived"), false},
                {QStringLiteral("lastSeq"), 0}, {QStringLiteral("myRole"), QStringLiteral("member")},
                {QStringLiteral("muted"), false}, {QStringLiteral("pinned"), false},
                {QStringLiteral("lastRead"), lastRead}, {QStringLiteral("unread"), unread},
                {QStringLiteral("mentions"), 0}, {QStringLiteral("peer"), QJsonValue::Null},
                {QStringLiteral("lastMessage"), QJsonValue::Null}};
    }

    static QJsonObject message(qint64 seq, qint64 ts, const QJsonObject &sender, const QString &text, qint64 threadRoot = 0)
    {
        return {{QStringLiteral("seq"), seq}, {QStringLiteral("ts"), ts}, {QStringLiteral("sender"), sender},
                {QStringLiteral("clientId"), QStringLiteral("fixture-%1").arg(seq)}, {QStringLiteral("text"), text},
                {QStringLiteral("threadRoot"), threadRoot}, {QStringLiteral("replyCount"), 0},
                {QStringLiteral("edited"), false}, {QStringLiteral("deleted"), false},
                {QStringLiteral("reactions"), QJsonArray()}, {QStringLiteral("mentions"), QJsonArray()},
                {QStringLiteral("mentionsRoom"), false}, {QStringLiteral("system"), QJsonValue::Null}};
    }

    QList<Call> callsOf(const QString &op) const
    {
        QList<Call> result;
        for (const Call &call : calls) {
            if (call.op == op)
                result.append(call);
        }
        return result;
    }

    /// Answers the held history requests (holdHistory) now.
    void releaseHistory()
    {
        const auto pending = std::exchange(held, {});
        for (const auto &[data, done] : pending)
            done(answer(QStringLiteral("message.history"), data));
    }

    QJsonArray rooms;
    QHash<qint64, QList<QJsonObject>> messages; // per room, ascending seq
    QJsonArray members;
    QJsonArray searchResults; // what message.search answers
    QJsonArray presence;      // what presence.get answers
    QList<Call> calls;
    bool holdHistory = false;

private:
    Client::Reply answer(const QString &op, const QJsonObject &data) const
    {
        Client::Reply reply;
        reply.ok = true;
        if (op == QLatin1String("room.list")) {
            reply.data = {{QStringLiteral("rooms"), rooms}};
        } else if (op == QLatin1String("room.members")) {
            reply.data = {{QStringLiteral("members"), members}};
        } else if (op == QLatin1String("message.history")) {
            reply.data = history(data);
        } else if (op == QLatin1String("message.search")) {
            reply.data = {{QStringLiteral("results"), searchResults}};
        } else if (op == QLatin1String("presence.get")) {
            reply.data = {{QStringLiteral("presence"), presence}};
        }
        return reply;
    }

    QJsonObject history(const QJsonObject &data) const
    {
        const qint64 root = data.value(QStringLiteral("threadRoot")).toInteger();
        QList<QJsonObject> all;
        for (const QJsonObject &m : messages.value(data.value(QStringLiteral("roomId")).toInteger())) {
            const qint64 seq = m.value(QStringLiteral("seq")).toInteger();
            const qint64 mRoot = m.value(QStringLiteral("threadRoot")).toInteger();
            if (root == 0 ? mRoot == 0 : (seq == root || mRoot == root))
                all.append(m);
        }
        const int limit = int(data.value(QStringLiteral("limit")).toInteger(50));
        auto seqOf = [](const QJsonObject &m) { return m.value(QStringLiteral("seq")).toInteger(); };
        qsizetype end = all.size();
        qsizetype begin = std::max<qsizetype>(0, end - limit);
        if (data.contains(QStringLiteral("before"))) {
            const qint64 before = data.value(QStringLiteral("before")).toInteger();
            end = std::find_if(all.cbegin(), all.cend(), [&](const QJsonObject &m) { return seqOf(m) >= before; }) - all.cbegin();
            begin = std::max<qsizetype>(0, end - limit);
        } else if (data.contains(QStringLiteral("around"))) {
            const qint64 around = data.value(QStringLiteral("around")).toInteger();
            const qsizetype at = std::find_if(all.cbegin(), all.cend(), [&](const QJsonObject &m) { return seqOf(m) >= around; }) - all.cbegin();
            begin = std::max<qsizetype>(0, at - limit / 2);
            end = std::min<qsizetype>(all.size(), begin + limit);
        }
        QJsonArray page;
        for (qsizetype i = begin; i < end; ++i)
            page.append(all.at(i));
        return {{QStringLiteral("messages"), page}, {QStringLiteral("hasMoreBefore"), begin > 0},
                {QStringLiteral("hasMoreAfter"), end < all.size()}};
    }

    QList<std::pair<QJsonObject, Client::ReplyCallback>> held;
};

} // namespace Cohort::Tests
