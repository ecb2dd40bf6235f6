// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "admincli.h"
#include "authservice.h"
#include "rosterimport.h"
#include "storage.h"

#include <QFile>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <unistd.h>

#include <memory>

using namespace Cohort;
using namespace Cohort::Server;

namespace {

struct Run
{
    int code = -1;
    QString out;
    QString err;
};

const QString Password = QStringLiteral("correct horse");

} // namespace

class TestAdminCli : public QObject
{
    Q_OBJECT

private:
    Run run(const QStringList &args, const QString &input = QString())
    {
        Run result;
        QString inputCopy = input;
        QTextStream in(&inputCopy, QIODevice::ReadOnly);
        QTextStream out(&result.out);
        QTextStream err(&result.err);
        result.code = runAdminCommand(args, *m_storage, in, out, err);
        return result;
    }

    static QStringList words(const char *text)
    {
        return QString::fromUtf8(text).split(QLatin1Char(' '), Qt::SkipEmptyParts);
    }

    UserRecord addUser(const QString &name, Role role = Role::Student)
    {
        const StorageResult<UserRecord> created =
            m_storage->createUser(name, name.toUpper(), role, hashPassword(Password, 1, 8192));
        if (!created.ok())
            qFatal("createUser failed: %s", qPrintable(created.message));
        return *created.value;
    }

    SessionRecord addSession(UserId user)
    {
        const SessionRecord session{user, hashToken(generateToken()), 1, 4'000'000'000'000};
        if (!m_storage->createSession(session))
            qFatal("createSession failed");
        return session;
    }

    QString writeFile(const QString &name, const QByteArray &content)
    {
        const QString path = m_dir.filePath(name);
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(content) != content.size())
            qFatal("cannot write %s", qPrintable(path));
        return path;
    }

    QTemporaryDir m_dir;
    std::unique_ptr<Storage> m_storage;
    int m_connection = 0;

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
    }

    void init()
    {
        DatabaseConfig config;
        config.sqlitePath = m_dir.filePath(QStringLiteral("admin%1.sqlite").arg(++m_connection));
        m_storage = createStorage(config, QStringLiteral("tst_admincli_%1").arg(m_connection));
        QCOMPARE(m_storage->open(), QString());
    }

    void cleanup()
    {
        m_storage->close();
        m_storage.reset();
    }

    void commandWords()
    {
        for (const char *word : {"user", "roster", "migrate", "backup", "settings"})
            QVERIFY(isAdminCommand(QString::fromLatin1(word)));
        for (const char *word : {"serve", "--config", "", "users"})
            QVERIFY(!isAdminCommand(QString::fromLatin1(word)));
    }

    void usageErrors_data()
    {
        QTest::addColumn<QString>("args");
        QTest::addColumn<QString>("complaint");
        const auto addUsageRow = [](const char *name, const char *args, const char *complaint) {
            QTest::newRow(name) << QString::fromUtf8(args) << QString::fromUtf8(complaint);
        };
        addUsageRow("nothing", "", "No command given.");
        addUsageRow("unknown command", "frobnicate", "Unknown command frobnicate.");
        addUsageRow("user alone", "user", "user needs a subcommand");
        addUsageRow("user unknown", "user rename ana", "Unknown user subcommand rename.");
        addUsageRow("add without name", "user add --role student --password-stdin", "exactly one user name");
        addUsageRow("add two names", "user add ana ben --role student", "exactly one user name");
        addUsageRow("add without role", "user add ana --password-stdin", "needs --role");
        addUsageRow("add bad role", "user add ana --role teacher", "Unknown role teacher");
        addUsageRow("add role no value", "user add ana --role", "The option --role needs a value.");
        addUsageRow("add unknown option", "user add ana --role student --admin", "Unknown option --admin.");
        addUsageRow("passwd without name", "user passwd", "exactly one user name");
        addUsageRow("passwd unknown option", "user passwd ana --force", "Unknown option --force.");
        addUsageRow("role one arg", "user role ana", "a user name and a role");
        addUsageRow("role bad role", "user role ana boss", "Unknown role boss");
        addUsageRow("disable without name", "user disable", "user disable takes exactly one user name.");
        addUsageRow("enable two names", "user enable ana ben", "user enable takes exactly one user name.");
        addUsageRow("list with args", "user list all", "user list takes no arguments.");
        addUsageRow("roster alone", "roster", "roster needs the subcommand import.");
        addUsageRow("roster export", "roster export 1 x.csv", "roster needs the subcommand import.");
        addUsageRow("import no file", "roster import 1", "a course id and a CSV file");
        addUsageRow("import bad id", "roster import physics x.csv", "must be a positive number");
        addUsageRow("import zero id", "roster import 0 x.csv", "must be a positive number");
        addUsageRow("migrate args", "migrate now", "migrate takes no arguments.");
        addUsageRow("backup no file", "backup", "backup takes exactly one file name.");
        addUsageRow("backup two files", "backup a b", "backup takes exactly one file name.");
    }

    void usageErrors()
    {
        QFETCH(QString, args);
        QFETCH(QString, complaint);
        addUser(QStringLiteral("ana"));
        const Run result = run(args.split(QLatin1Char(' '), Qt::SkipEmptyParts));
        QCOMPARE(result.code, 2);
        QVERIFY2(result.err.contains(complaint), qPrintable(result.err));
        QVERIFY(result.err.contains(QStringLiteral("Usage: cohort-server COMMAND")));
        QVERIFY(result.out.isEmpty());
    }

    void userAdd()
    {
        const Run result = run(words("user add ana --role instructor --display-name Ana_Lima --password-stdin"),
                               Password + QStringLiteral("\nsecond line is ignored\n"));
        QCOMPARE(result.code, 0);
        QVERIFY2(result.out.contains(QStringLiteral("Created the instructor account ana")), qPrintable(result.out));
        const std::optional<UserRecord> ana = m_storage->userByName(QStringLiteral("ana"));
        QVERIFY(ana);
        QCOMPARE(ana->info.role, Role::Instructor);
        QCOMPARE(ana->info.displayName, QStringLiteral("Ana_Lima"));
        QVERIFY(ana->passwordHash.startsWith("$argon2id$"));
        QVERIFY(verifyPassword(ana->passwordHash, Password));

        // The display name defaults to the username; a CRLF line ending is not part of the password.
        QCOMPARE(run(words("user add ben --password-stdin --role student"), Password + QStringLiteral("\r\n")).code, 0);
        const std::optional<UserRecord> ben = m_storage->userByName(QStringLiteral("ben"));
        QCOMPARE(ben->info.displayName, QStringLiteral("ben"));
        QVERIFY(verifyPassword(ben->passwordHash, Password));
    }

    void userAddFailures()
    {
        addUser(QStringLiteral("ana"));
        Run result = run(words("user add ana --role student --password-stdin"), Password);
        QCOMPARE(result.code, 1);
        QVERIFY(result.err.contains(QStringLiteral("taken")));

        result = run(words("user add Not_Valid! --role student --password-stdin"), Password);
        QCOMPARE(result.code, 1);
        QVERIFY(result.err.contains(QStringLiteral("not a valid username")));

        result = run(words("user add ben --role student --password-stdin"), QStringLiteral("short\n"));
        QCOMPARE(result.code, 1);
        QVERIFY(result.err.contains(QStringLiteral("8 to 1024 characters")));

        result = run(words("user add ben --role student --password-stdin"), QString());
        QCOMPARE(result.code, 1);
        QVERIFY(result.err.contains(QStringLiteral("No password on standard input.")));
        QVERIFY(!m_storage->userByName(QStringLiteral("ben")));
    }

    void passwordNeedsATerminal()
    {
        if (isatty(STDIN_FILENO))
            QSKIP("standard input is a terminal here; the prompt path needs a person to type");
        const Run result = run(words("user add ben --role student"));
        QCOMPARE(result.code, 2);
        QVERIFY(result.err.contains(QStringLiteral("--password-stdin")));
        QVERIFY(!m_storage->userByName(QStringLiteral("ben")));
    }

    void userPasswd()
    {
        const UserRecord ana = addUser(QStringLiteral("ana"));
        const SessionRecord session = addSession(ana.info.id);
        const QString newPassword = QStringLiteral("battery staple");
        Run result = run(words("user passwd ana --password-stdin"), newPassword);
        QCOMPARE(result.code, 0);
        QVERIFY(result.out.contains(QStringLiteral("Changed the password of ana")));
        QVERIFY(verifyPassword(m_storage->userById(ana.info.id)->passwordHash, newPassword));
        QVERIFY(!m_storage->sessionByTokenHash(session.tokenHash));

        result = run(words("user passwd nobody --password-stdin"), newPassword);
        QCOMPARE(result.code, 1);
        QVERIFY(result.err.contains(QStringLiteral("No user is named nobody.")));

        result = run(words("user passwd ana --password-stdin"), QStringLiteral("tiny"));
        QCOMPARE(result.code, 1);
        QVERIFY(verifyPassword(m_storage->userById(ana.info.id)->passwordHash, newPassword));
    }

    void userRole()
    {
        const UserRecord root = addUser(QStringLiteral("root"), Role::Admin);
        const UserRecord ana = addUser(QStringLiteral("ana"));
        Run result = run(words("user role ana instructor"));
        QCOMPARE(result.code, 0);
        QCOMPARE(result.out, QStringLiteral("ana is now instructor.\n"));
        QCOMPARE(m_storage->userById(ana.info.id)->info.role, Role::Instructor);

        result = run(words("user role nobody admin"));
        QCOMPARE(result.code, 1);

        // The last enabled admin cannot be demoted.
        result = run(words("user role root student"));
        QCOMPARE(result.code, 1);
        QVERIFY(result.err.contains(QStringLiteral("only enabled administrator")));
        QCOMPARE(m_storage->userById(root.info.id)->info.role, Role::Admin);
        QCOMPARE(run(words("user role ana admin")).code, 0);
        QCOMPARE(run(words("user role root student")).code, 0);
    }

    void userDisableEnable()
    {
        addUser(QStringLiteral("root"), Role::Admin);
        const UserRecord ana = addUser(QStringLiteral("ana"));
        const SessionRecord session = addSession(ana.info.id);
        Run result = run(words("user disable ana"));
        QCOMPARE(result.code, 0);
        QVERIFY(result.out.contains(QStringLiteral("Disabled ana")));
        QVERIFY(m_storage->userById(ana.info.id)->disabled);
        QVERIFY(!m_storage->sessionByTokenHash(session.tokenHash));

        result = run(words("user enable ana"));
        QCOMPARE(result.code, 0);
        QCOMPARE(result.out, QStringLiteral("Enabled ana.\n"));
        QVERIFY(!m_storage->userById(ana.info.id)->disabled);

        QCOMPARE(run(words("user disable nobody")).code, 1);
        result = run(words("user disable root"));
        QCOMPARE(result.code, 1);
        QVERIFY(result.err.contains(QStringLiteral("only enabled administrator")));
    }

    void userList()
    {
        Run result = run(words("user list"));
        QCOMPARE(result.code, 0);
        QVERIFY(result.out.contains(QStringLiteral("(no users yet)")));

        addUser(QStringLiteral("root"), Role::Admin);
        QVERIFY(m_storage->createUser(QStringLiteral("ana.lima"), QStringLiteral("Ana Lima"), Role::Instructor,
                                      hashPassword(Password, 1, 8192)).ok());
        const UserRecord ben = addUser(QStringLiteral("ben"));
        QVERIFY(m_storage->setDisabled(ben.info.id, true));

        result = run(words("user list"));
        QCOMPARE(result.code, 0);
        const QStringList lines = result.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 4);
        QVERIFY(lines.at(0).startsWith(QStringLiteral("ID  USERNAME  DISPLAY NAME  ROLE        DISABLED")));
        QVERIFY(lines.at(2).contains(QStringLiteral("ana.lima  Ana Lima      instructor  no")));
        QVERIFY(lines.at(3).endsWith(QStringLiteral("ben       BEN           student     yes")));
        // Every column starts at the same place on every line.
        for (const QString &line : lines) {
            QVERIFY2(!line.endsWith(QLatin1Char(' ')), qPrintable(line));
            QCOMPARE(line.indexOf(QRegularExpression(QStringLiteral("(?<=  )\\S"))), 4);
        }
    }

    void rosterImport()
    {
        const UserRecord teacher = addUser(QStringLiteral("teacher"), Role::Instructor);
        const UserRecord existing = addUser(QStringLiteral("existing"));
        const StorageResult<CourseRecord> course =
            m_storage->createCourse(QStringLiteral("Physics 101"), teacher.info.id, generateJoinCode(), QStringLiteral("c1"));
        QVERIFY(course.ok());
        QVERIFY(m_storage->addCourseMember(course.value->id, teacher.info.id, Role::Instructor));

        const QString path = writeFile(QStringLiteral("roster.csv"),
            "\xEF\xBB\xBFusername,display_name,password\n"       // 1 (with a byte order mark)
            "ana,Ana Lima,correct-horse-1\n"                     // 2 created with this password
            "ben,\"Okafor, Ben\",\n"                             // 3 created, random password
            "Bad Name,Someone,\n"                                // 4 invalid username
            "carl,,long-enough-pw\n"                             // 5 no display name
            "\n"                                                 // 6 blank: skipped
            "ana,Ana Again,\n"                                   // 7 duplicate of line 2
            "existing,Existing User,ignored-password\n"          // 8 enrolled, password not used
            "\"unterminated,x,y\n"                               // 9 bad quoting
            "dave\n"                                             // 10 too few fields
            "teacher,The Teacher,\n"                             // 11 already a member
            "erin,\"Erin \"\"E\"\" Doe\",short\r\n");            // 12 password too short
        Run result = run({QStringLiteral("roster"), QStringLiteral("import"),
                          QString::number(course.value->id.value()), path});
        QCOMPARE(result.code, 1);
        const QStringList errors = result.err.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(errors.size(), 6);
        QVERIFY(errors.at(0).startsWith(QStringLiteral("line 4: A username is")));
        QVERIFY(errors.at(1).startsWith(QStringLiteral("line 5: A display name is")));
        QCOMPARE(errors.at(2), QStringLiteral("line 7: ana is already listed on line 2."));
        QCOMPARE(errors.at(3), QStringLiteral("line 9: a quoted field is not closed."));
        QCOMPARE(errors.at(4), QStringLiteral("line 10: expected at least 2 fields, found 1."));
        QVERIFY(errors.at(5).startsWith(QStringLiteral("line 12: A password is")));

        QVERIFY(result.out.contains(QStringLiteral("line 8: existing already has an account; the password in the file was not used.")));
        QVERIFY(result.out.contains(QStringLiteral("accounts created:  2\n")));
        QVERIFY(result.out.contains(QStringLiteral("users enrolled:    3\n")));
        QVERIFY(result.out.contains(QStringLiteral("already enrolled:  1\n")));
        QVERIFY(result.out.contains(QStringLiteral("rows rejected:     6\n")));

        const std::optional<UserRecord> ana = m_storage->userByName(QStringLiteral("ana"));
        QVERIFY(ana);
        QCOMPARE(ana->info.role, Role::Student);
        QVERIFY(verifyPassword(ana->passwordHash, QStringLiteral("correct-horse-1")));
        const std::optional<UserRecord> ben = m_storage->userByName(QStringLiteral("ben"));
        QVERIFY(ben);
        QCOMPARE(ben->info.displayName, QStringLiteral("Okafor, Ben"));
        // Ben's random password is printed once, and it is his.
        const QRegularExpressionMatch printed =
            QRegularExpression(QStringLiteral("\\n  ben  (\\S{16})\\n")).match(result.out);
        QVERIFY2(printed.hasMatch(), qPrintable(result.out));
        QVERIFY(verifyPassword(ben->passwordHash, printed.captured(1)));
        QVERIFY(!result.out.contains(QStringLiteral("correct-horse-1")));

        for (const UserRecord &user : {*ana, *ben, existing})
            QCOMPARE(m_storage->courseRole(course.value->id, user.info.id), std::optional<Role>(Role::Student));
        QCOMPARE(m_storage->courseRole(course.value->id, teacher.info.id), std::optional<Role>(Role::Instructor));
        QVERIFY(!m_storage->userByName(QStringLiteral("carl")));
        QVERIFY(!m_storage->userByName(QStringLiteral("erin")));

        // Importing a clean file again changes nothing and succeeds.
        const QString clean = writeFile(QStringLiteral("clean.csv"), "display_name,username\nAna Lima,ana\nBen,ben\n");
        result = run({QStringLiteral("roster"), QStringLiteral("import"), QString::number(course.value->id.value()), clean});
        QCOMPARE(result.code, 0);
        QVERIFY(result.out.contains(QStringLiteral("accounts created:  0\n")));
        QVERIFY(result.out.contains(QStringLiteral("already enrolled:  2\n")));
        QVERIFY(result.err.isEmpty());
    }

    void rosterImportFailures()
    {
        const UserRecord teacher = addUser(QStringLiteral("teacher"), Role::Instructor);
        const StorageResult<CourseRecord> course =
            m_storage->createCourse(QStringLiteral("Physics 101"), teacher.info.id, generateJoinCode(), QStringLiteral("c1"));
        QVERIFY(course.ok());
        const QString id = QString::number(course.value->id.value());

        Run result = run({QStringLiteral("roster"), QStringLiteral("import"), QStringLiteral("999"),
                          writeFile(QStringLiteral("ok.csv"), "username,display_name\nana,Ana\n")});
        QCOMPARE(result.code, 1);
        QCOMPARE(result.err, QStringLiteral("No course has the id 999.\n"));

        result = run({QStringLiteral("roster"), QStringLiteral("import"), id, m_dir.filePath(QStringLiteral("missing.csv"))});
        QCOMPARE(result.code, 1);
        QVERIFY(result.err.startsWith(QStringLiteral("Cannot read ")));

        result = run({QStringLiteral("roster"), QStringLiteral("import"), id,
                      writeFile(QStringLiteral("noheader.csv"), "ana,Ana\nben,Ben\n")});
        QCOMPARE(result.code, 1);
        QVERIFY(result.err.contains(QStringLiteral("header row must name the columns")));
        QVERIFY(!m_storage->userByName(QStringLiteral("ana")));
    }

    void csvLines()
    {
        const auto parse = [](const char *line) {
            return parseCsvLine(QString::fromUtf8(line)).value_or(QStringList{QStringLiteral("<unterminated>")});
        };
        QCOMPARE(parse("a,b,,c"), QStringList({QStringLiteral("a"), QStringLiteral("b"), QString(), QStringLiteral("c")}));
        QCOMPARE(parse("\"x, y\",\"say \"\"hi\"\"\""), QStringList({QStringLiteral("x, y"), QStringLiteral("say \"hi\"")}));
        QCOMPARE(parse("\"open"), QStringList({QStringLiteral("<unterminated>")}));
        QCOMPARE(parse(""), QStringList({QString()}));
    }

    void migrate()
    {
        const Run result = run({QStringLiteral("migrate")});
        QCOMPARE(result.code, 0);
        QCOMPARE(result.out, QStringLiteral("The sqlite database schema is at version %1.\n").arg(m_storage->schemaVersion()));
        QVERIFY(m_storage->schemaVersion() >= 1);
    }

    void backup()
    {
        addUser(QStringLiteral("ana"));
        const QString path = m_dir.filePath(QStringLiteral("backup%1.sqlite").arg(m_connection));
        Run result = run({QStringLiteral("backup"), path});
        QCOMPARE(result.code, 0);
        QCOMPARE(result.out, QStringLiteral("Wrote a backup of the database to %1.\n").arg(path));

        DatabaseConfig config;
        config.sqlitePath = path;
        const std::unique_ptr<Storage> copy = createStorage(config, QStringLiteral("tst_admincli_backup"));
        QCOMPARE(copy->open(), QString());
        QVERIFY(copy->userByName(QStringLiteral("ana")));
        copy->close();

        result = run({QStringLiteral("backup"), m_dir.filePath(QStringLiteral("no/such/dir/backup.sqlite"))});
        QCOMPARE(result.code, 1);
        QVERIFY(result.err.startsWith(QStringLiteral("Backup failed: ")));
    }

    void settings()
    {
        QCOMPARE(run(words("settings get chat.dm_policy")).code, 0);
        Run result = run(words("settings set chat.dm_policy staff"));
        QCOMPARE(result.code, 0);
        QCOMPARE(result.out, QStringLiteral("chat.dm_policy is now staff.\n"));
        QCOMPARE(m_storage->setting(QStringLiteral("chat.dm_policy")), QStringLiteral("staff"));
        QCOMPARE(run(words("settings get chat.dm_policy")).out, QStringLiteral("chat.dm_policy = staff\n"));
        // Unknown keys and values are refused with a usage error; nothing is stored.
        QCOMPARE(run(words("settings set chat.dm_policy everybody")).code, 2);
        QCOMPARE(run(words("settings set setup_token_hash x")).code, 2);
        QCOMPARE(run(words("settings set chat.dm_policy")).code, 2);
        QCOMPARE(m_storage->setting(QStringLiteral("chat.dm_policy")), QStringLiteral("staff"));
        QVERIFY(!m_storage->setting(QStringLiteral("setup_token_hash")).has_value());
    }
};

QTEST_GUILESS_MAIN(TestAdminCli)
#include "tst_admincli.moc"
