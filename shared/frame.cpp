// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "frame.h"

#include "validation.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>

#include <cmath>

namespace Cohort::Protocol {

namespace {

const QString KeyType = QStringLiteral("type");
const QString KeyId = QStringLiteral("id");
const QString KeyOp = QStringLiteral("op");
const QString KeyData = QStringLiteral("data");
const QString KeyVersion = QStringLiteral("version");
const QString KeyCapabilities = QStringLiteral("capabilities");
const QString KeyCode = QStringLiteral("code");
const QString KeyMessage = QStringLiteral("message");
const QString KeyRetryAfter = QStringLiteral("retryAfterMs");
const QString KeyDetails = QStringLiteral("details");
const QString KeyEvent = QStringLiteral("event");
const QString KeyRoom = QStringLiteral("room");
const QString KeySeq = QStringLiteral("seq");
const QString KeyTs = QStringLiteral("ts");

constexpr double MaxSafeInteger = 9007199254740991.0; // 2^53 - 1: exact in every JSON parser

QString typeName(FrameType type)
{
    switch (type) {
    case FrameType::Hello: return QStringLiteral("hello");
    case FrameType::Welcome: return QStringLiteral("welcome");
    case FrameType::Request: return QStringLiteral("request");
    case FrameType::Result: return QStringLiteral("result");
    case FrameType::Error: return QStringLiteral("error");
    case FrameType::Event: return QStringLiteral("event");
    }
    return QString();
}

bool parseType(const QString &name, FrameType *type)
{
    for (FrameType t : {FrameType::Hello, FrameType::Welcome, FrameType::Request, FrameType::Result,
                        FrameType::Error, FrameType::Event}) {
        if (typeName(t) == name) {
            *type = t;
            return true;
        }
    }
    return false;
}

DecodeError fail(const QString &message, const QString &id = QString(),
                 ErrorCode code = ErrorCode::BadRequest)
{
    return DecodeError{code, message, id};
}

bool isInteger(const QJsonValue &value)
{
    if (!value.isDouble())
        return false;
    const double d = value.toDouble();
    return d >= -MaxSafeInteger && d <= MaxSafeInteger && std::trunc(d) == d;
}

std::optional<DecodeError> readId(const QJsonObject &object, bool required, QString *id)
{
    const QJsonValue value = object.value(KeyId);
    if (value.isUndefined() || value.isNull()) {
        if (required)
            return fail(QStringLiteral("missing field 'id'"));
        return std::nullopt;
    }
    if (!value.isString())
        return fail(QStringLiteral("field 'id' must be a string"));
    const QString text = value.toString();
    if (text.isEmpty() || text.size() > MaxIdLength)
        return fail(QStringLiteral("field 'id' must be 1 to %1 characters").arg(MaxIdLength));
    *id = text;
    return std::nullopt;
}

std::optional<DecodeError> readData(const QJsonObject &object, const QString &id, QJsonObject *data)
{
    const QJsonValue value = object.value(KeyData);
    if (value.isUndefined() || value.isNull()) {
        *data = QJsonObject();
        return std::nullopt;
    }
    if (!value.isObject())
        return fail(QStringLiteral("field 'data' must be an object"), id);
    *data = value.toObject();
    return std::nullopt;
}

std::optional<DecodeError> readHello(const QJsonObject &object, Frame *frame)
{
    const QJsonValue version = object.value(KeyVersion);
    if (!isInteger(version))
        return fail(QStringLiteral("field 'version' must be an integer"));
    frame->version = static_cast<int>(version.toInteger());
    const QJsonValue caps = object.value(KeyCapabilities);
    if (!caps.isUndefined()) {
        if (!caps.isArray())
            return fail(QStringLiteral("field 'capabilities' must be an array of strings"));
        const QJsonArray array = caps.toArray();
        if (array.size() > 64)
            return fail(QStringLiteral("field 'capabilities' has too many entries"), {}, ErrorCode::TooLarge);
        for (const QJsonValue &cap : array) {
            if (!cap.isString() || cap.toString().size() > 64)
                return fail(QStringLiteral("field 'capabilities' must be an array of short strings"));
            frame->capabilities.append(cap.toString());
        }
    }
    return std::nullopt;
}

std::optional<DecodeError> readRequest(const QJsonObject &object, Frame *frame)
{
    if (auto err = readId(object, true, &frame->id))
        return err;
    const QJsonValue op = object.value(KeyOp);
    if (!op.isString())
        return fail(QStringLiteral("field 'op' must be a string"), frame->id);
    if (!parseOp(op.toString(), &frame->op))
        return fail(QStringLiteral("unknown op '%1'").arg(op.toString().left(64)), frame->id);
    if (auto err = readData(object, frame->id, &frame->data))
        return err;
    if (auto err = validateRequest(frame->op, frame->data)) {
        err->id = frame->id;
        return err;
    }
    return std::nullopt;
}

std::optional<DecodeError> readError(const QJsonObject &object, Frame *frame)
{
    if (auto err = readId(object, false, &frame->id))
        return err;
    const QJsonValue code = object.value(KeyCode);
    if (!code.isString() || !parseErrorCode(code.toString(), &frame->code))
        return fail(QStringLiteral("field 'code' must be a known error code"));
    const QJsonValue message = object.value(KeyMessage);
    if (!message.isString())
        return fail(QStringLiteral("field 'message' must be a string"));
    frame->message = message.toString();
    const QJsonValue retry = object.value(KeyRetryAfter);
    if (!retry.isUndefined()) {
        if (!isInteger(retry) || retry.toInteger() < 0)
            return fail(QStringLiteral("field 'retryAfterMs' must be a non-negative integer"));
        frame->retryAfterMs = retry.toInteger();
    }
    const QJsonValue details = object.value(KeyDetails);
    if (!details.isUndefined()) {
        if (!details.isObject())
            return fail(QStringLiteral("field 'details' must be an object"));
        if (details.toObject().size() > MaxErrorDetails)
            return fail(QStringLiteral("field 'details' has more than %1 members").arg(MaxErrorDetails), {},
                        ErrorCode::TooLarge);
        frame->details = details.toObject();
    }
    return std::nullopt;
}

std::optional<DecodeError> readEvent(const QJsonObject &object, Frame *frame)
{
    const QJsonValue name = object.value(KeyEvent);
    if (!name.isString() || name.toString().isEmpty())
        return fail(QStringLiteral("field 'event' must be a non-empty string"));
    frame->event = name.toString();
    const QJsonValue room = object.value(KeyRoom);
    if (!room.isUndefined()) {
        if (!isInteger(room) || room.toInteger() <= 0)
            return fail(QStringLiteral("field 'room' must be a positive integer"));
        frame->room = RoomId(room.toInteger());
        const QJsonValue seq = object.value(KeySeq);
        // Ephemeral room events (typing, read.updated, ...) are not in the room's log: no seq.
        const bool ephemeral = isEphemeralEvent(frame->event);
        if (!(ephemeral && seq.isUndefined())) {
            if (!isInteger(seq) || seq.toInteger() <= 0)
                return fail(QStringLiteral("field 'seq' must be a positive integer"));
            frame->seq = seq.toInteger();
        }
    }
    const QJsonValue ts = object.value(KeyTs);
    if (!ts.isUndefined()) {
        if (!isInteger(ts))
            return fail(QStringLiteral("field 'ts' must be an integer"));
        frame->timestamp = ts.toInteger();
    }
    return readData(object, QString(), &frame->data);
}

} // namespace

DecodeResult decode(const QByteArray &utf8, qsizetype maxBytes)
{
    if (utf8.size() > maxBytes)
        return fail(QStringLiteral("frame of %1 bytes exceeds the limit of %2 bytes").arg(utf8.size()).arg(maxBytes),
                    QString(), ErrorCode::TooLarge);
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(utf8, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return fail(QStringLiteral("malformed JSON at offset %1: %2").arg(parseError.offset).arg(parseError.errorString()));
    if (!document.isObject())
        return fail(QStringLiteral("a frame must be a JSON object"));
    const QJsonObject object = document.object();

    Frame frame;
    const QJsonValue type = object.value(KeyType);
    if (!type.isString() || !parseType(type.toString(), &frame.type)) {
        QString id;
        readId(object, false, &id);
        return fail(QStringLiteral("field 'type' must be one of hello, welcome, request, result, error, event"), id);
    }

    std::optional<DecodeError> err;
    switch (frame.type) {
    case FrameType::Hello:
        err = readHello(object, &frame);
        break;
    case FrameType::Welcome:
        err = readHello(object, &frame);
        if (!err)
            err = readData(object, QString(), &frame.data);
        break;
    case FrameType::Request:
        err = readRequest(object, &frame);
        break;
    case FrameType::Result:
        err = readId(object, true, &frame.id);
        if (!err)
            err = readData(object, frame.id, &frame.data);
        break;
    case FrameType::Error:
        err = readError(object, &frame);
        break;
    case FrameType::Event:
        err = readEvent(object, &frame);
        break;
    }
    if (err)
        return *err;
    return frame;
}

QByteArray encode(const Frame &frame)
{
    QJsonObject object{{KeyType, typeName(frame.type)}};
    switch (frame.type) {
    case FrameType::Hello:
    case FrameType::Welcome:
        object.insert(KeyVersion, frame.version);
        object.insert(KeyCapabilities, QJsonArray::fromStringList(frame.capabilities));
        if (frame.type == FrameType::Welcome)
            object.insert(KeyData, frame.data);
        break;
    case FrameType::Request:
        object.insert(KeyId, frame.id);
        object.insert(KeyOp, opName(frame.op));
        object.insert(KeyData, frame.data);
        break;
    case FrameType::Result:
        object.insert(KeyId, frame.id);
        object.insert(KeyData, frame.data);
        break;
    case FrameType::Error:
        if (!frame.id.isEmpty())
            object.insert(KeyId, frame.id);
        object.insert(KeyCode, errorCodeName(frame.code));
        object.insert(KeyMessage, frame.message);
        if (frame.retryAfterMs > 0)
            object.insert(KeyRetryAfter, frame.retryAfterMs);
        if (!frame.details.isEmpty())
            object.insert(KeyDetails, frame.details);
        break;
    case FrameType::Event:
        object.insert(KeyEvent, frame.event);
        if (frame.room.isValid()) {
            object.insert(KeyRoom, frame.room.value());
            if (frame.seq > 0 || !isEphemeralEvent(frame.event))
                object.insert(KeySeq, frame.seq);
        }
        if (frame.timestamp)
            object.insert(KeyTs, frame.timestamp);
        object.insert(KeyData, frame.data);
        break;
    }
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

Frame hello(const QStringList &capabilities, int version)
{
    Frame f;
    f.type = FrameType::Hello;
    f.version = version;
    f.capabilities = capabilities;
    return f;
}

Frame welcome(const QJsonObject &data)
{
    Frame f;
    f.type = FrameType::Welcome;
    f.version = Version;
    f.capabilities = serverCapabilities();
    f.data = data;
    return f;
}

Frame request(const QString &id, Op op, const QJsonObject &data)
{
    Frame f;
    f.type = FrameType::Request;
    f.id = id;
    f.op = op;
    f.data = data;
    return f;
}

Frame result(const QString &id, const QJsonObject &data)
{
    Frame f;
    f.type = FrameType::Result;
    f.id = id;
    f.data = data;
    return f;
}

Frame error(const QString &id, ErrorCode code, const QString &message, qint64 retryAfterMs,
            const QJsonObject &details)
{
    Frame f;
    f.type = FrameType::Error;
    f.id = id;
    f.code = code;
    f.message = message;
    f.retryAfterMs = retryAfterMs;
    f.details = details;
    return f;
}

Frame event(const QString &name, RoomId room, qint64 seq, qint64 timestamp, const QJsonObject &data)
{
    Frame f;
    f.type = FrameType::Event;
    f.event = name;
    f.room = room;
    f.seq = seq;
    f.timestamp = timestamp;
    f.data = data;
    return f;
}

} // namespace Cohort::Protocol
