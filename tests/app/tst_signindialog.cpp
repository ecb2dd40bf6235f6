// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "apptestserver.h"
#include "connection.h"
#include "errortext.h"
#include "languagemanager.h"
#include "messagebanner.h"
#include "signindialog.h"
#include "tokenstore.h"

#include <QApplication>
#include <QCheckBox>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QProcess>
#include <QPushButton>
#include <QSslSocket>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTest>

using namespace Cohort;
using namespace Cohort::Ui;
using Cohort::Tests::AppTestServer;

class TestSignInDialog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void signsIn();
    void wrongPasswordShowsUnauthorizedMessage();
    void unreachableServerSaysSo();
    void ownCertificateIsTrustedOnlyWhenTheUserSaysSo();
    void emptyFieldsAreExplained();
    void signUpOfferedOnlyWhenAllowed();
    void signUpWithJoinCode();
    void firstAdminWithSetupToken();
    void keychainUnavailableKeepsTokenInMemory();
    void busyWhileSigningIn();
    void germanTranslation();
    void errorTextForEveryCode();

private:
    struct Fixture
    {
        Client::Connection connection;
        Client::TokenStore tokens;
        std::unique_ptr<SignInDialog> dialog;
    };
    std::unique_ptr<Fixture> makeDialog(const QString &address);
    static void fill(SignInDialog *dialog, const char *name, const QString &text);
    static void click(SignInDialog *dialog, const char *name);
};

void TestSignInDialog::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
}

void TestSignInDialog::init()
{
    QSettings().clear();
}

std::unique_ptr<TestSignInDialog::Fixture> TestSignInDialog::makeDialog(const QString &address)
{
    auto fixture = std::make_unique<Fixture>();
    fixture->tokens.setService(QStringLiteral("CohortTest"));
    fixture->dialog = std::make_unique<SignInDialog>(&fixture->connection, &fixture->tokens);
    fixture->dialog->findChild<QLineEdit *>(QStringLiteral("serverEdit"))->setText(address);
    fixture->dialog->show();
    return fixture;
}

void TestSignInDialog::fill(SignInDialog *dialog, const char *name, const QString &text)
{
    auto *edit = dialog->findChild<QLineEdit *>(QString::fromLatin1(name));
    QVERIFY2(edit, name);
    edit->clear();
    QTest::keyClicks(edit, text);
}

void TestSignInDialog::click(SignInDialog *dialog, const char *name)
{
    auto *button = dialog->findChild<QPushButton *>(QString::fromLatin1(name));
    QVERIFY2(button, name);
    QVERIFY2(button->isVisible(), name);
    QTest::mouseClick(button, Qt::LeftButton);
}

void TestSignInDialog::signsIn()
{
    AppTestServer server;
    QVERIFY(server.ready);
    auto f = makeDialog(server.address());
    fill(f->dialog.get(), "usernameEdit", QStringLiteral("ines"));
    fill(f->dialog.get(), "passwordEdit", QString::fromLatin1(AppTestServer::Password));
    QSignalSpy accepted(f->dialog.get(), &QDialog::accepted);
    // Enter in the password field submits the dialog.
    QTest::keyClick(f->dialog->findChild<QLineEdit *>(QStringLiteral("passwordEdit")), Qt::Key_Return);
    QTRY_COMPARE_WITH_TIMEOUT(accepted.count(), 1, 10000);
    QCOMPARE(f->connection.state(), Client::Connection::State::Connected);
    QCOMPARE(f->connection.currentUser().username, QStringLiteral("ines"));
    QCOMPARE(QSettings().value(QStringLiteral("connection/username")).toString(), QStringLiteral("ines"));
    // The token never lands in the settings file.
    const QSettings settings;
    for (const QString &key : settings.allKeys())
        QVERIFY(!settings.value(key).toString().contains(f->connection.token()));
}

void TestSignInDialog::wrongPasswordShowsUnauthorizedMessage()
{
    AppTestServer server;
    QVERIFY(server.ready);
    auto f = makeDialog(server.address());
    fill(f->dialog.get(), "usernameEdit", QStringLiteral("ines"));
    fill(f->dialog.get(), "passwordEdit", QStringLiteral("wrong horse"));
    click(f->dialog.get(), "submitButton");
    const QString expected = ErrorText::forSignIn(Protocol::ErrorCode::Unauthorized, 0);
    QTRY_COMPARE_WITH_TIMEOUT(f->dialog->errorText(), expected, 10000);
    QVERIFY(f->dialog->isVisible());
    QVERIFY(!f->dialog->isBusy());
    QVERIFY(f->dialog->findChild<QLineEdit *>(QStringLiteral("passwordEdit"))->isEnabled());
}

void TestSignInDialog::ownCertificateIsTrustedOnlyWhenTheUserSaysSo()
{
    const QString openssl = QStandardPaths::findExecutable(QStringLiteral("openssl"));
    if (!QSslSocket::supportsSsl() || openssl.isEmpty())
        QSKIP("no TLS backend or no openssl command to make a test certificate");
    QTemporaryDir dir;
    const QString cert = dir.filePath(QStringLiteral("cert.pem"));
    const QString key = dir.filePath(QStringLiteral("key.pem"));
    QProcess make;
    make.start(openssl, {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("rsa:2048"),
                         QStringLiteral("-nodes"), QStringLiteral("-days"), QStringLiteral("1"), QStringLiteral("-subj"),
                         QStringLiteral("/CN=Cohort test school"), QStringLiteral("-keyout"), key, QStringLiteral("-out"), cert});
    QVERIFY(make.waitForFinished(60000) && make.exitCode() == 0);
    const QString fingerprint = Client::CertificateTrust::fingerprint(QSslCertificate::fromPath(cert).value(0));
    QVERIFY(!fingerprint.isEmpty());

    AppTestServer server(true, true, cert, key);
    QVERIFY(server.ready);
    QVERIFY(server.address().startsWith(QLatin1String("wss://")));
    auto f = makeDialog(server.address());
    f->connection.setCertificateTrust(Client::CertificateTrust(dir.filePath(QStringLiteral("trusted.ini"))));
    fill(f->dialog.get(), "usernameEdit", QStringLiteral("ines"));
    fill(f->dialog.get(), "passwordEdit", QString::fromLatin1(AppTestServer::Password));

    // Declining leaves the user signed out with a clear reason, and trusts nothing.
    click(f->dialog.get(), "submitButton");
    QTRY_VERIFY_WITH_TIMEOUT(f->dialog->certificatePrompt() && f->dialog->certificatePrompt()->isVisible(), 10000);
    QMessageBox *prompt = f->dialog->certificatePrompt();
    QVERIFY(prompt->informativeText().contains(fingerprint.left(47)));
    QVERIFY(prompt->informativeText().contains(fingerprint.mid(48)));
    QVERIFY(prompt->detailedText().contains(QLatin1String("Cohort test school")));
    QTest::mouseClick(prompt->button(QMessageBox::Cancel), Qt::LeftButton);
    QTRY_VERIFY(!f->dialog->certificatePrompt());
    QCOMPARE(f->dialog->errorText(), SignInDialog::tr("Not signed in: the server's certificate was not trusted."));
    QVERIFY(f->connection.certificateTrust().trustedFingerprint(QUrl(server.address())).isEmpty());

    // Trusting it signs in, and remembers exactly that certificate for that server.
    QSignalSpy accepted(f->dialog.get(), &QDialog::accepted);
    click(f->dialog.get(), "submitButton");
    QTRY_VERIFY_WITH_TIMEOUT(f->dialog->certificatePrompt() && f->dialog->certificatePrompt()->isVisible(), 10000);
    auto *trust = f->dialog->certificatePrompt()->findChild<QPushButton *>(QStringLiteral("trustButton"));
    QVERIFY(trust);
    QTest::mouseClick(trust, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(accepted.count(), 1, 10000);
    QCOMPARE(f->connection.currentUser().username, QStringLiteral("ines"));
    QCOMPARE(f->connection.certificateTrust().trustedFingerprint(QUrl(server.address())), fingerprint);
}

void TestSignInDialog::unreachableServerSaysSo()
{
    quint16 port = 0;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        port = probe.serverPort();
    }
    const QString address = QStringLiteral("ws://127.0.0.1:%1").arg(port);
    auto f = makeDialog(address);
    fill(f->dialog.get(), "usernameEdit", QStringLiteral("ines"));
    fill(f->dialog.get(), "passwordEdit", QStringLiteral("whatever"));
    click(f->dialog.get(), "submitButton");
    QTRY_COMPARE_WITH_TIMEOUT(f->dialog->errorText(), ErrorText::cannotReach(address), 20000);
}

void TestSignInDialog::emptyFieldsAreExplained()
{
    auto f = makeDialog(QStringLiteral("ws://127.0.0.1:1"));
    fill(f->dialog.get(), "usernameEdit", QString());
    click(f->dialog.get(), "submitButton");
    QCOMPARE(f->dialog->errorText(), SignInDialog::tr("Enter your username."));
    QVERIFY(!f->dialog->isBusy());
}

void TestSignInDialog::signUpOfferedOnlyWhenAllowed()
{
    {
        AppTestServer closed(false);
        QVERIFY(closed.ready);
        auto f = makeDialog(closed.address());
        QSignalSpy probed(f->dialog.get(), &SignInDialog::serverProbed);
        QTRY_COMPARE_WITH_TIMEOUT(probed.count(), 1, 10000);
        QVERIFY(!f->dialog->signUpAllowed());
        QVERIFY(!f->dialog->findChild<QPushButton *>(QStringLiteral("switchModeButton"))->isVisible());
        QVERIFY(!f->dialog->findChild<QLineEdit *>(QStringLiteral("joinCodeEdit"))->isVisible());
    }
    AppTestServer open(true);
    QVERIFY(open.ready);
    auto f = makeDialog(open.address());
    QSignalSpy probed(f->dialog.get(), &SignInDialog::serverProbed);
    QTRY_COMPARE_WITH_TIMEOUT(probed.count(), 1, 10000);
    QVERIFY(f->dialog->signUpAllowed());
    click(f->dialog.get(), "switchModeButton");
    QCOMPARE(f->dialog->mode(), SignInDialog::Mode::SignUp);
    QVERIFY(f->dialog->findChild<QLineEdit *>(QStringLiteral("joinCodeEdit"))->isVisible());
    QVERIFY(f->dialog->findChild<QLineEdit *>(QStringLiteral("displayNameEdit"))->isVisible());
}

void TestSignInDialog::signUpWithJoinCode()
{
    AppTestServer server;
    QVERIFY(server.ready);
    auto f = makeDialog(server.address());
    QSignalSpy probed(f->dialog.get(), &SignInDialog::serverProbed);
    QTRY_COMPARE_WITH_TIMEOUT(probed.count(), 1, 10000);
    click(f->dialog.get(), "switchModeButton");
    fill(f->dialog.get(), "usernameEdit", QStringLiteral("ben"));
    fill(f->dialog.get(), "displayNameEdit", QStringLiteral("Ben Okafor"));
    fill(f->dialog.get(), "passwordEdit", QStringLiteral("s3cret-pass"));
    fill(f->dialog.get(), "joinCodeEdit", QStringLiteral("NOPE-CODE"));
    click(f->dialog.get(), "submitButton");
    QTRY_COMPARE_WITH_TIMEOUT(f->dialog->errorText(), ErrorText::forSignIn(Protocol::ErrorCode::NotFound, 0), 10000);

    fill(f->dialog.get(), "joinCodeEdit", QStringLiteral("k7px-3qmd"));
    QSignalSpy accepted(f->dialog.get(), &QDialog::accepted);
    click(f->dialog.get(), "submitButton");
    QTRY_COMPARE_WITH_TIMEOUT(accepted.count(), 1, 10000);
    QCOMPARE(f->connection.currentUser().displayName, QStringLiteral("Ben Okafor"));
    QCOMPARE(f->connection.currentUser().role, Role::Student);
}

void TestSignInDialog::firstAdminWithSetupToken()
{
    AppTestServer server(true, false);
    QVERIFY(server.ready);
    const QString setupToken = server.server->setupToken();
    QVERIFY(!setupToken.isEmpty());
    auto f = makeDialog(server.address());
    QSignalSpy probed(f->dialog.get(), &SignInDialog::serverProbed);
    QTRY_COMPARE_WITH_TIMEOUT(probed.count(), 1, 10000);
    // Accounts from the admin CLI still sign in normally: the dialog only points at the setup.
    QCOMPARE(f->dialog->mode(), SignInDialog::Mode::SignIn);
    QVERIFY(f->dialog->findChild<MessageBanner *>(QStringLiteral("setupNotice"))->isVisible());
    click(f->dialog.get(), "setupModeButton");
    QCOMPARE(f->dialog->mode(), SignInDialog::Mode::Setup);
    QVERIFY(!f->dialog->findChild<MessageBanner *>(QStringLiteral("setupNotice"))->isVisible());
    fill(f->dialog.get(), "setupTokenEdit", setupToken);
    fill(f->dialog.get(), "usernameEdit", QStringLiteral("admin"));
    fill(f->dialog.get(), "displayNameEdit", QStringLiteral("School Admin"));
    fill(f->dialog.get(), "passwordEdit", QStringLiteral("a-long-password"));
    QSignalSpy accepted(f->dialog.get(), &QDialog::accepted);
    click(f->dialog.get(), "submitButton");
    QTRY_COMPARE_WITH_TIMEOUT(accepted.count(), 1, 10000);
    QCOMPARE(f->connection.currentUser().role, Role::Admin);
}

void TestSignInDialog::keychainUnavailableKeepsTokenInMemory()
{
    // main() below removes the session bus, so no secret service is reachable.
    AppTestServer server;
    QVERIFY(server.ready);
    auto f = makeDialog(server.address());
    QSignalSpy checked(f->dialog.get(), &SignInDialog::keychainChecked);
    QTRY_COMPARE_WITH_TIMEOUT(checked.count(), 1, 30000);
    QVERIFY(!f->dialog->keychainAvailable());
    auto *note = f->dialog->findChild<MessageBanner *>(QStringLiteral("keychainNote"));
    QVERIFY(note->isVisible());
    QVERIFY(note->text().contains(SignInDialog::tr("No keychain is available on this computer")
                                      .section(QLatin1Char(','), 0, 0)));
    auto *keep = f->dialog->findChild<QCheckBox *>(QStringLiteral("keepSignedInCheck"));
    QVERIFY(!keep->isEnabled());
    QVERIFY(!keep->isChecked());

    fill(f->dialog.get(), "usernameEdit", QStringLiteral("ines"));
    fill(f->dialog.get(), "passwordEdit", QString::fromLatin1(AppTestServer::Password));
    QSignalSpy accepted(f->dialog.get(), &QDialog::accepted);
    click(f->dialog.get(), "submitButton");
    QTRY_COMPARE_WITH_TIMEOUT(accepted.count(), 1, 10000);
    QVERIFY(!f->connection.token().isEmpty());
    // The checkbox was off because there was no keychain: that is not the user's choice to keep.
    QVERIFY(!QSettings().contains(QStringLiteral("connection/keepSignedIn")));
}

void TestSignInDialog::busyWhileSigningIn()
{
    AppTestServer server;
    QVERIFY(server.ready);
    auto f = makeDialog(server.address());
    fill(f->dialog.get(), "usernameEdit", QStringLiteral("ines"));
    fill(f->dialog.get(), "passwordEdit", QString::fromLatin1(AppTestServer::Password));
    click(f->dialog.get(), "submitButton");
    QVERIFY(f->dialog->isBusy());
    QVERIFY(!f->dialog->findChild<QLineEdit *>(QStringLiteral("usernameEdit"))->isEnabled());
    QVERIFY(!f->dialog->findChild<QPushButton *>(QStringLiteral("submitButton"))->isEnabled());
    QTRY_VERIFY_WITH_TIMEOUT(!f->dialog->isBusy(), 10000);
}

void TestSignInDialog::germanTranslation()
{
    auto f = makeDialog(QStringLiteral("ws://127.0.0.1:1"));
    auto *title = f->dialog->findChild<QLabel *>(QStringLiteral("signInTitle"));
    QCOMPARE(title->text(), QStringLiteral("Sign in to Cohort"));
    LanguageManager languages;
    QCOMPARE(languages.setLanguage(QStringLiteral("de")), QStringLiteral("de"));
    QTRY_COMPARE(title->text(), QStringLiteral("Bei Cohort anmelden"));
    QCOMPARE(ErrorText::forSignIn(Protocol::ErrorCode::RateLimited, 40000),
             QStringLiteral("Zu viele Versuche. Versuchen Sie es in 40 Sekunden erneut."));
    QCOMPARE(languages.setLanguage(QStringLiteral("en")), QStringLiteral("en"));
    QTRY_COMPARE(title->text(), QStringLiteral("Sign in to Cohort"));
}

void TestSignInDialog::errorTextForEveryCode()
{
    using Protocol::ErrorCode;
    QSet<QString> texts;
    for (ErrorCode code : {ErrorCode::BadRequest, ErrorCode::Unauthorized, ErrorCode::Forbidden,
                           ErrorCode::NotFound, ErrorCode::Conflict, ErrorCode::RateLimited,
                           ErrorCode::TooLarge, ErrorCode::UnsupportedVersion, ErrorCode::Internal,
                           ErrorCode::Unavailable}) {
        const QString text = ErrorText::forRequest(code, 2000);
        QVERIFY(!text.isEmpty());
        texts.insert(text);
    }
    QCOMPARE(texts.size(), 10);
    QCOMPARE(ErrorText::forSignIn(ErrorCode::RateLimited, 40000), QStringLiteral("Too many attempts. Try again in 40 seconds."));
    QCOMPARE(ErrorText::waitTime(180000), QStringLiteral("in 3 minutes"));
    QCOMPARE(ErrorText::waitTime(1), QStringLiteral("in 1 second"));
}

int main(int argc, char *argv[])
{
    // No secret service in tests: the dialog's "keychain unavailable" path is what runs.
    qunsetenv("DBUS_SESSION_BUS_ADDRESS");
    QApplication app(argc, argv);
    TestSignInDialog test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_signindialog.moc"
