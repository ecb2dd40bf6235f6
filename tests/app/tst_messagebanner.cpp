// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "appearance.h"
#include "hostbanner.h"
#include "messagebanner.h"

#include <QImage>
#include <QLabel>
#include <QTest>
#include <QVBoxLayout>

using namespace Cohort::Ui;

class TestMessageBanner : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void namesAreShownAsTyped();
    void textFollowsASwitchOfTheme();
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

void TestMessageBanner::textFollowsASwitchOfTheme()
{
    // A banner shown in one theme and still open after a switch to the other keeps readable
    // text: black on a light tint, light on a dark one (a style sheet had pinned the old colour).
    Appearance::captureSystemStyle();
    Appearance::applyTheme(Theme::Light);
    // Inside a window, as in the app (a banner alone as a window did not show the fault).
    QWidget window;
    auto *column = new QVBoxLayout(&window);
    auto *message = new MessageBanner(&window);
    message->showMessage(MessageBanner::Kind::Warning, QStringLiteral("Cohort could not keep your sign-in."));
    auto *host = new HostBanner(&window);
    host->show();
    column->addWidget(message);
    column->addWidget(host);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    for (const Theme theme : {Theme::Dark, Theme::Light}) {
        Appearance::applyTheme(theme);
        QCoreApplication::processEvents();
        const bool dark = theme == Theme::Dark;
        for (QWidget *widget : {static_cast<QWidget *>(message), static_cast<QWidget *>(host)}) {
            for (const QLabel *label : widget->findChildren<QLabel *>()) {
                if (label->text().isEmpty())
                    continue;
                // What is painted, not what the palette says: some glyph pixel is near white
                // in dark and near black in light.
                const QImage image = widget->grab(QRect(label->mapTo(widget, QPoint(0, 0)), label->size())).toImage();
                bool readable = false;
                for (int y = 0; y < image.height() && !readable; ++y) {
                    for (int x = 0; x < image.width() && !readable; ++x) {
                        const int lightness = image.pixelColor(x, y).lightness();
                        readable = dark ? lightness > 190 : lightness < 70;
                    }
                }
                QVERIFY2(readable, qPrintable(label->text()));
            }
        }
    }
}

QTEST_MAIN(TestMessageBanner)
#include "tst_messagebanner.moc"
