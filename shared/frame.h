// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "protocol.h"
#include "types.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <variant>

namespace Cohort::Protocol {

enum class FrameType { Hello, Welcome, Request, Result, Error, Event };

/// One JSON text frame, in either direction. Which members are meaningful depends on `type`;
/// docs/protocol.md gives the JSON of each.
struct Frame
{
    FrameType type = FrameType::Request;

    int version = 0;             // hello, welcome
    QStringList capabilities;    // hello, welcome

    QString id;                  // request, result, error (empty: error not tied to a request)
    Op op = Op::TimeSync;        // request
    QJsonObject data;            // request, result, event, welcome

    ErrorCode code = ErrorCode::Internal; // error
    QString message;                      // error
    qint64 retryAfterMs = 0;              // error (rate_limited), 0 when absent
    QJsonObject details;                  // error: machine-readable specifics, empty when absent

    QString event;               // event
    RoomId room;                 // event; invalid for connection-level events, which carry no seq
    qint64 seq = 0;              // event; 0 for ephemeral events (see isEphemeralEvent)
    qint64 timestamp = 0;        // event: server time in ms since the epoch
};

/// Why a frame could not be decoded; the server answers it with an error frame.
struct DecodeError
{
    ErrorCode code = ErrorCode::BadRequest;
    QString message;
    QString id; // the request id when it could be read, so the error answers that request
};

using DecodeResult = std::variant<Frame, DecodeError>;

/// Decodes one text frame and validates its envelope and, for requests, every field of `data`.
DecodeResult decode(const QByteArray &utf8, qsizetype maxBytes = DefaultMaxFrameBytes);
QByteArray encode(const Frame &frame);

Frame hello(const QStringList &capabilities, int version = Version);
Frame welcome(const QJsonObject &data);
Frame request(const QString &id, Op op, const QJsonObject &data = {});
Frame result(const QString &id, const QJsonObject &data = {});
Frame error(const QString &id, ErrorCode code, const QString &message, qint64 retryAfterMs = 0,
            const QJsonObject &details = {});
Frame event(const QString &name, RoomId room, qint64 seq, qint64 timestamp, const QJsonObject &data);

} // namespace Cohort::Protocol
