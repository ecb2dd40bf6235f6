// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "frame.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace Cohort;
using namespace Cohort::Protocol;

class TestFrame : public QObject
{
    Q_OBJECT

private:
    static Frame decoded(const QByteArray &text)
    {
        const DecodeResult result = decode(text);
        if (const auto *error = std::get_if<DecodeError>(&result))
            qFatal("unexpected decode error: %s", qPrintable(error->message));
        return std::get<Frame>(result);
    }

    static DecodeError failure(const QByteArray &text, qsizetype maxBytes = DefaultMaxFrameBytes)
    {
        const DecodeResult result = decode(text, maxBytes);
        if (std::holds_alternative<Frame>(result))
            qFatal("frame decoded but should have failed: %s", text.constData());
        return std::get<DecodeError>(result);
    }

private Q_SLOTS:
    void helloRoundTrip()
    {
        const Frame f = decoded(encode(hello({CapabilityResume, CapabilityIdempotency})));
        QCOMPARE(f.type, FrameType::Hello);
        QCOMPARE(f.version, Version);
        QCOMPARE(f.capabilities, QStringList({CapabilityResume, CapabilityIdempotency}));
    }

    void welcomeRoundTrip()
    {
        const QJsonObject data{{QStringLiteral("serverTime"), 1763758800000LL}, {QStringLiteral("signUp"), true}};
        const Frame f = decoded(encode(welcome(data)));
        QCOMPARE(f.type, FrameType::Welcome);
        QCOMPARE(f.version, Version);
        QCOMPARE(f.capabilities, serverCapabilities());
        QCOMPARE(f.data, data);
    }

    void everyOpRoundTrips_data()
    {
        QTest::addColumn<int>("op");
        for (int i = 0; i <= static_cast<int>(Op::MessageSend); ++i)
            QTest::newRow(qPrintable(opName(static_cast<Op>(i)))) << i;
    }

    void everyOpRoundTrips()
    {
        QFETCH(int, op);
        const Op o = static_cast<Op>(op);
        Op parsed;
        QVERIFY(parseOp(opName(o), &parsed));
        QCOMPARE(parsed, o);
        // A request whose data fails validation still names its id in the error.
        const DecodeResult result = decode(encode(request(QStringLiteral("r1"), o, {{QStringLiteral("roomId"), QStringLiteral("x")}})));
        if (const auto *error = std::get_if<DecodeError>(&result))
            QCOMPARE(error->id, QStringLiteral("r1"));
        else
            QCOMPARE(std::get<Frame>(result).op, o);
    }

    void requestRoundTrip()
    {
        const QJsonObject data{{QStringLiteral("roomId"), 7}, {QStringLiteral("clientId"), QStringLiteral("c-1")},
                               {QStringLiteral("text"), QStringLiteral("héllo \"quoted\" <b>x</b>")}};
        const Frame f = decoded(encode(request(QStringLiteral("42"), Op::MessageSend, data)));
        QCOMPARE(f.type, FrameType::Request);
        QCOMPARE(f.id, QStringLiteral("42"));
        QCOMPARE(f.op, Op::MessageSend);
        QCOMPARE(f.data, data);
    }

    void resultRoundTrip()
    {
        const QJsonObject data{{QStringLiteral("seq"), 43}};
        const Frame f = decoded(encode(result(QStringLiteral("8"), data)));
        QCOMPARE(f.type, FrameType::Result);
        QCOMPARE(f.id, QStringLiteral("8"));
        QCOMPARE(f.data, data);
    }

    void everyErrorCodeRoundTrips_data()
    {
        QTest::addColumn<int>("code");
        for (int i = 0; i <= static_cast<int>(ErrorCode::Unavailable); ++i)
            QTest::newRow(qPrintable(errorCodeName(static_cast<ErrorCode>(i)))) << i;
    }

    void everyErrorCodeRoundTrips()
    {
        QFETCH(int, code);
        const ErrorCode c = static_cast<ErrorCode>(code);
        const Frame f = decoded(encode(error(QStringLiteral("9"), c, QStringLiteral("why"), 1500)));
        QCOMPARE(f.type, FrameType::Error);
        QCOMPARE(f.id, QStringLiteral("9"));
        QCOMPARE(f.code, c);
        QCOMPARE(f.message, QStringLiteral("why"));
        QCOMPARE(f.retryAfterMs, 1500);
    }

    void errorWithoutIdRoundTrips()
    {
        const QByteArray text = encode(error(QString(), ErrorCode::UnsupportedVersion, QStringLiteral("old")));
        QVERIFY(!QJsonDocument::fromJson(text).object().contains(QStringLiteral("id")));
        const Frame f = decoded(text);
        QVERIFY(f.id.isEmpty());
        QCOMPARE(f.code, ErrorCode::UnsupportedVersion);
    }

    void errorWithDetailsRoundTrips()
    {
        const QJsonObject details{{KeyReason, ReasonStoredLimit}, {QStringLiteral("limit"), 200}};
        const QByteArray text = encode(error(QStringLiteral("4"), ErrorCode::Conflict, QStringLiteral("full"), 0, details));
        QCOMPARE(QJsonDocument::fromJson(text).object().value(QStringLiteral("details")).toObject(), details);
        const Frame f = decoded(text);
        QCOMPARE(f.code, ErrorCode::Conflict);
        QCOMPARE(f.message, QStringLiteral("full"));
        QCOMPARE(f.details, details);
    }

    void errorWithoutDetailsHasNone()
    {
        // Version 1 clients never see the member unless there is something in it.
        const QByteArray text = encode(error(QStringLiteral("5"), ErrorCode::Conflict, QStringLiteral("taken")));
        QVERIFY(!QJsonDocument::fromJson(text).object().contains(QStringLiteral("details")));
        QVERIFY(decoded(R"({"type":"error","id":"5","code":"conflict","message":"taken"})").details.isEmpty());
    }

    void eventRoundTrip()
    {
        const QJsonObject data{{QStringLiteral("text"), QStringLiteral("hi")}};
        const Frame f = decoded(encode(Protocol::event(EventMessageCreated, RoomId(3), 12, 1763758803000LL, data)));
        QCOMPARE(f.type, FrameType::Event);
        QCOMPARE(f.event, EventMessageCreated);
        QCOMPARE(f.room, RoomId(3));
        QCOMPARE(f.seq, 12);
        QCOMPARE(f.timestamp, 1763758803000LL);
        QCOMPARE(f.data, data);
    }

    void connectionEventHasNoSeq()
    {
        const QByteArray text = encode(Protocol::event(QStringLiteral("session.notice"), RoomId(), 0, 0, {}));
        const QJsonObject json = QJsonDocument::fromJson(text).object();
        QVERIFY(!json.contains(QStringLiteral("room")));
        QVERIFY(!json.contains(QStringLiteral("seq")));
        QVERIFY(!decoded(text).room.isValid());
    }

    void malformed_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("id");
        const int bad = static_cast<int>(ErrorCode::BadRequest);
        QTest::newRow("not json") << QByteArray("{nope") << bad << QString();
        QTest::newRow("empty") << QByteArray("") << bad << QString();
        QTest::newRow("array") << QByteArray("[1,2]") << bad << QString();
        QTest::newRow("no type") << QByteArray(R"({"id":"1"})") << bad << QStringLiteral("1");
        QTest::newRow("unknown type") << QByteArray(R"({"type":"shout","id":"2"})") << bad << QStringLiteral("2");
        QTest::newRow("type not string") << QByteArray(R"({"type":5})") << bad << QString();
        QTest::newRow("request without id") << QByteArray(R"({"type":"request","op":"room.list"})") << bad << QString();
        QTest::newRow("id not string") << QByteArray(R"({"type":"request","id":5,"op":"room.list"})") << bad << QString();
        QTest::newRow("id too long") << QByteArray(R"({"type":"request","op":"room.list","id":")") + QByteArray(65, 'x') + "\"}" << bad << QString();
        QTest::newRow("unknown op") << QByteArray(R"({"type":"request","id":"3","op":"room.explode"})") << bad << QStringLiteral("3");
        QTest::newRow("op not string") << QByteArray(R"({"type":"request","id":"4","op":1})") << bad << QStringLiteral("4");
        QTest::newRow("data not object") << QByteArray(R"({"type":"request","id":"5","op":"room.list","data":[]})") << bad << QStringLiteral("5");
        QTest::newRow("missing field") << QByteArray(R"({"type":"request","id":"6","op":"room.join","data":{}})") << bad << QStringLiteral("6");
        QTest::newRow("wrong type") << QByteArray(R"({"type":"request","id":"7","op":"room.join","data":{"roomId":"1"}})") << bad << QStringLiteral("7");
        QTest::newRow("fraction") << QByteArray(R"({"type":"request","id":"8","op":"room.join","data":{"roomId":1.5}})") << bad << QStringLiteral("8");
        QTest::newRow("out of range") << QByteArray(R"({"type":"request","id":"9","op":"room.join","data":{"roomId":0}})") << bad << QStringLiteral("9");
        QTest::newRow("field too long") << QByteArray(R"({"type":"request","id":"10","op":"message.send","data":{"roomId":1,"clientId":"c","text":")")
                + QByteArray(MaxMessageTextLength + 1, 'a') + "\"}}" << static_cast<int>(ErrorCode::TooLarge) << QStringLiteral("10");
        QTest::newRow("hello without version") << QByteArray(R"({"type":"hello"})") << bad << QString();
        QTest::newRow("hello bad capabilities") << QByteArray(R"({"type":"hello","version":1,"capabilities":"resume"})") << bad << QString();
        QTest::newRow("error unknown code") << QByteArray(R"({"type":"error","code":"oops","message":"x"})") << bad << QString();
        QTest::newRow("error details not object") << QByteArray(R"({"type":"error","code":"conflict","message":"x","details":"stored_limit"})") << bad << QString();
        QTest::newRow("error details array") << QByteArray(R"({"type":"error","code":"conflict","message":"x","details":[]})") << bad << QString();
        QByteArray manyDetails = R"({"type":"error","code":"conflict","message":"x","details":{)";
        for (int i = 0; i <= MaxErrorDetails; ++i)
            manyDetails += (i ? "," : "") + QByteArray("\"k") + QByteArray::number(i) + "\":1";
        QTest::newRow("error too many details") << manyDetails + "}}" << static_cast<int>(ErrorCode::TooLarge) << QString();
        QTest::newRow("event without name") << QByteArray(R"({"type":"event","room":1,"seq":1})") << bad << QString();
        QTest::newRow("event without seq") << QByteArray(R"({"type":"event","event":"x","room":1})") << bad << QString();
    }

    void malformed()
    {
        QFETCH(QByteArray, text);
        QFETCH(int, code);
        QFETCH(QString, id);
        const DecodeError err = failure(text);
        QCOMPARE(static_cast<int>(err.code), code);
        QCOMPARE(err.id, id);
        QVERIFY(!err.message.isEmpty());
    }

    void oversizedFrameIsTooLarge()
    {
        const QByteArray text = encode(request(QStringLiteral("1"), Op::RoomList));
        const DecodeError err = failure(text, text.size() - 1);
        QCOMPARE(err.code, ErrorCode::TooLarge);
        QVERIFY(err.message.contains(QString::number(text.size() - 1)));
        QVERIFY(std::holds_alternative<Frame>(decode(text, text.size())));
    }

    void unknownDataFieldsAreIgnored()
    {
        const Frame f = decoded(R"({"type":"request","id":"1","op":"room.join","data":{"roomId":2,"future":true}})");
        QCOMPARE(f.data.value(QStringLiteral("roomId")).toInteger(), 2);
    }

    void encodedFramesAreCompactJson()
    {
        const QByteArray text = encode(request(QStringLiteral("1"), Op::RoomList));
        QVERIFY(!text.contains('\n'));
        QVERIFY(QJsonDocument::fromJson(text).isObject());
    }
};

QTEST_GUILESS_MAIN(TestFrame)
#include "tst_frame.moc"
