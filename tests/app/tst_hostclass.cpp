// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "connection.h"
#include "hostbanner.h"
#include "hostclassdialog.h"
#include "hostedserver.h"
#include "mainwindow.h"

#include <QApplication>
#include <QClipboard>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTcpServer>
#include <QTest>
#include <QToolButton>

using namespace Cohort;
using namespace Cohort::Ui;

class TestHostClass : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void hostsAndStudentsJoin();
    void secondStartReusesTheCourse();
    void invalidUsernameIsExplained();
    void firstFreePortSkipsTakenPorts();

private:
    HostOptions options() const;
    static void fill(QWidget *dialog, const char *name, const QString &text);

    QTemporaryDir m_dir;
};

void TestHostClass::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QSettings().clear();
    QVERIFY(m_dir.isValid());
}

HostOptions TestHostClass::options() const
{
    HostOptions options;
    options.dataDir = m_dir.filePath(QStringLiteral("hosted-server"));
    options.preferredPort = 0;
    options.argon2OpsLimit = 1;
    options.argon2MemLimit = 8192;
    return options;
}

void TestHostClass::fill(QWidget *dialog, const char *name, const QString &text)
{
    auto *edit = dialog->findChild<QLineEdit *>(QString::fromLatin1(name));
    QVERIFY2(edit, name);
    edit->clear();
    QTest::keyClicks(edit, text);
}

void TestHostClass::hostsAndStudentsJoin()
{
    HostedServer hosted;
    Client::Connection host;
    HostClassDialog dialog(&hosted, &host);
    dialog.setServerOptions(options());
    dialog.show();
    fill(&dialog, "courseNameEdit", QStringLiteral("Physics 101"));
    fill(&dialog, "hostDisplayNameEdit", QStringLiteral("Ines Instructor"));
    fill(&dialog, "hostUsernameEdit", QStringLiteral("ines"));
    QSignalSpy accepted(&dialog, &QDialog::accepted);
    QTest::mouseClick(dialog.findChild<QPushButton *>(QStringLiteral("startHostingButton")), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(accepted.count(), 1, 15000);

    QVERIFY(hosted.isRunning());
    QCOMPARE(host.state(), Client::Connection::State::Connected);
    QCOMPARE(host.currentUser().username, QStringLiteral("ines"));
    QCOMPARE(host.currentUser().displayName, QStringLiteral("Ines Instructor"));
    QVERIFY(host.currentUser().role != Role::Student);
    QCOMPARE(hosted.course().name, QStringLiteral("Physics 101"));
    QCOMPARE(hosted.course().joinCode.size(), 9);

    MainWindow window(&host);
    window.showHosting(&hosted);
    window.show();
    HostBanner *banner = window.hostBanner();
    QVERIFY(banner->isVisible());
    QCOMPARE(banner->joinCode(), hosted.course().joinCode);
    QVERIFY(banner->address().startsWith(QLatin1String("ws://")));
    QVERIFY(banner->address().endsWith(QStringLiteral(":%1").arg(hosted.port())));
    QTest::mouseClick(banner->findChild<QToolButton *>(QStringLiteral("copyCodeButton")), Qt::LeftButton);
    QCOMPARE(QApplication::clipboard()->text(), hosted.course().joinCode);

    // A student's app signs up with exactly what the banner shows.
    Client::Connection student;
    student.setCacheRoot(m_dir.filePath(QStringLiteral("student-cache")));
    std::optional<Client::AuthResult> outcome;
    student.signUp(QUrl(banner->address()), QStringLiteral("ben"), QStringLiteral("Ben Okafor"),
                   QStringLiteral("s3cret-pass"), banner->joinCode(), this,
                   [&outcome](const Client::AuthResult &result) { outcome = result; });
    QTRY_VERIFY_WITH_TIMEOUT(outcome.has_value(), 15000);
    QVERIFY2(outcome->ok, qPrintable(outcome->message));
    QVERIFY(outcome->course.has_value());
    QCOMPARE(outcome->course->name, QStringLiteral("Physics 101"));
    QCOMPARE(student.currentUser().role, Role::Student);

    QSignalSpy stopped(&hosted, &HostedServer::stopped);
    hosted.stop();
    QTRY_COMPARE_WITH_TIMEOUT(stopped.count(), 1, 10000);
}

void TestHostClass::secondStartReusesTheCourse()
{
    HostOptions first = options();
    first.courseName = QStringLiteral("Chemistry");
    first.displayName = QStringLiteral("Ines Instructor");
    first.username = QStringLiteral("ines");
    QString joinCode;
    {
        HostedServer hosted;
        QCOMPARE(hosted.start(first), QString());
        joinCode = hosted.course().joinCode;
        QSignalSpy stopped(&hosted, &HostedServer::stopped);
        hosted.stop();
        QTRY_COMPARE_WITH_TIMEOUT(stopped.count(), 1, 10000);
    }
    HostedServer again;
    QCOMPARE(again.start(first), QString());
    QCOMPARE(again.course().joinCode, joinCode);
    QVERIFY(!again.token().isEmpty());
}

void TestHostClass::invalidUsernameIsExplained()
{
    HostedServer hosted;
    Client::Connection host;
    HostClassDialog dialog(&hosted, &host);
    dialog.setServerOptions(options());
    dialog.show();
    fill(&dialog, "courseNameEdit", QStringLiteral("Biology"));
    fill(&dialog, "hostDisplayNameEdit", QStringLiteral("Ines"));
    fill(&dialog, "hostUsernameEdit", QStringLiteral("Ines Instructor"));
    QTest::mouseClick(dialog.findChild<QPushButton *>(QStringLiteral("startHostingButton")), Qt::LeftButton);
    QVERIFY(dialog.errorText().contains(QLatin1String("3 to 32 characters")));
    QVERIFY(!hosted.isRunning());
}

void TestHostClass::firstFreePortSkipsTakenPorts()
{
    QTcpServer taken;
    QVERIFY(taken.listen(QHostAddress::Any));
    const quint16 port = firstFreePort(taken.serverPort());
    QVERIFY(port != 0);
    QVERIFY(port != taken.serverPort());
}

QTEST_MAIN(TestHostClass)
#include "tst_hostclass.moc"
