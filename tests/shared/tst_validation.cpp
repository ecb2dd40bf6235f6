// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "validation.h"

#include <QJsonArray>
#include <QTest>

using namespace Cohort::Protocol;

class TestValidation : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void usernames_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("valid");
        QTest::newRow("plain") << QStringLiteral("ana") << true;
        QTest::newRow("dots and digits") << QStringLiteral("ana.lima_2-b") << true;
        QTest::newRow("starts with digit") << QStringLiteral("2ana") << true;
        QTest::newRow("too short") << QStringLiteral("an") << false;
        QTest::newRow("too long") << QString(33, QLatin1Char('a')) << false;
        QTest::newRow("upper case") << QStringLiteral("Ana") << false;
        QTest::newRow("leading dot") << QStringLiteral(".ana") << false;
        QTest::newRow("space") << QStringLiteral("ana lima") << false;
        QTest::newRow("non-ascii") << QStringLiteral("anä") << false;
        QTest::newRow("markup") << QStringLiteral("<b>x") << false;
    }

    void usernames()
    {
        QFETCH(QString, name);
        QFETCH(bool, valid);
        QCOMPARE(isValidUsername(name), valid);
    }

    void signUpRules_data()
    {
        QTest::addColumn<QJsonObject>("data");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<QString>("field");
        const QJsonObject good{{QStringLiteral("username"), QStringLiteral("ben")},
                               {QStringLiteral("displayName"), QStringLiteral("Ben Okafor")},
                               {QStringLiteral("password"), QStringLiteral("s3cret-pass")},
                               {QStringLiteral("joinCode"), QStringLiteral("K7PX-3QMD")}};
        QTest::newRow("good") << good << true << QString();
        QJsonObject shortPassword = good;
        shortPassword[QStringLiteral("password")] = QStringLiteral("short");
        QTest::newRow("short password") << shortPassword << false << QStringLiteral("password");
        QJsonObject badName = good;
        badName[QStringLiteral("username")] = QStringLiteral("Ben!");
        QTest::newRow("bad username") << badName << false << QStringLiteral("username");
        QJsonObject noCode = good;
        noCode.remove(QStringLiteral("joinCode"));
        QTest::newRow("missing join code") << noCode << false << QStringLiteral("joinCode");
        QJsonObject nullName = good;
        nullName[QStringLiteral("displayName")] = QJsonValue::Null;
        QTest::newRow("null display name") << nullName << false << QStringLiteral("displayName");
    }

    void signUpRules()
    {
        QFETCH(QJsonObject, data);
        QFETCH(bool, valid);
        QFETCH(QString, field);
        const auto err = validateRequest(Op::AuthSignUp, data);
        QCOMPARE(!err.has_value(), valid);
        if (err)
            QVERIFY2(err->message.contains(field), qPrintable(err->message));
    }

    void integersMustBeWholeAndInRange()
    {
        QVERIFY(!validateRequest(Op::RoomJoin, {{QStringLiteral("roomId"), 1}, {QStringLiteral("since"), 0}}));
        QVERIFY(validateRequest(Op::RoomJoin, {{QStringLiteral("roomId"), 1}, {QStringLiteral("since"), -1}}));
        QVERIFY(validateRequest(Op::RoomJoin, {{QStringLiteral("roomId"), 1e300}}));
        QVERIFY(validateRequest(Op::RoomJoin, {{QStringLiteral("roomId"), true}}));
        QVERIFY(validateRequest(Op::TimeSync, {{QStringLiteral("clientTime"), 1.25}}));
    }

    void stringArrays()
    {
        QJsonArray many;
        for (int i = 0; i < 1001; ++i)
            many.append(QStringLiteral("u%1").arg(i));
        const auto tooMany = validateRequest(Op::CourseEnroll, {{QStringLiteral("courseId"), 1}, {QStringLiteral("usernames"), many}});
        QVERIFY(tooMany);
        QCOMPARE(tooMany->code, ErrorCode::TooLarge);
        QVERIFY(validateRequest(Op::CourseEnroll, {{QStringLiteral("courseId"), 1}, {QStringLiteral("usernames"), QJsonArray{1, 2}}}));
        QVERIFY(validateRequest(Op::CourseEnroll, {{QStringLiteral("courseId"), 1}, {QStringLiteral("usernames"), QJsonArray{}}}));
        QVERIFY(!validateRequest(Op::CourseEnroll, {{QStringLiteral("courseId"), 1}, {QStringLiteral("usernames"), QJsonArray{QStringLiteral("ben")}}}));
    }

    void opsWithoutFieldsAcceptEmptyData()
    {
        for (Op op : {Op::AuthSignOut, Op::CourseList, Op::RoomList})
            QVERIFY(!validateRequest(op, {}));
    }

    void anonymousAndWriteOps()
    {
        QVERIFY(isAnonymousOp(Op::AuthSignIn));
        QVERIFY(isAnonymousOp(Op::TimeSync));
        QVERIFY(!isAnonymousOp(Op::MessageSend));
        QVERIFY(!isAnonymousOp(Op::AuthSignOut));
        QVERIFY(isWriteOp(Op::MessageSend));
        QVERIFY(isWriteOp(Op::CourseCreate));
        QVERIFY(!isWriteOp(Op::RoomList));
    }
};

QTEST_GUILESS_MAIN(TestValidation)
#include "tst_validation.moc"
