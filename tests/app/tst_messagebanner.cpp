// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "messagebanner.h"

#include <QLabel>
#include <QTest>

using namespace Cohort::Ui;

class TestMessageBanner : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void namesAreShownAsTyped();
};

void TestMessageBanner::namesAreShownAsTyped()
{
    // A file, a session or a person may be called "<h1>Bob</h1>" or carry an <img>: the
    // banner shows those characters, it does not render them.
    const QString text = QStringLiteral("Your last changes to <h1>big</h1><img src=\"x.png\"> were not saved.");
    MessageBanner banner;
    banner.showMessage(MessageBanner::Kind::Warning, text);
    banner.show();
    QVERIFY(QTest::qWaitForWindowExposed(&banner));
    QCOMPARE(banner.text(), text);
    QLabel *label = nullptr;
    for (QLabel *each : banner.findChildren<QLabel *>()) {
        if (each->text() == text)
            label = each;
    }
    QVERIFY(label);
    QCOMPARE(label->textFormat(), Qt::PlainText);
    QVERIFY(!(label->textInteractionFlags() & Qt::LinksAccessibleByMouse));
}

QTEST_MAIN(TestMessageBanner)
#include "tst_messagebanner.moc"
