// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "admincli.h"

#include "authservice.h"
#include "rosterimport.h"
#include "storage.h"
#include "validation.h"

#include <QHash>
#include <QSet>

#include <termios.h>
#include <unistd.h>

#include <algorithm>

namespace Cohort::Server {

namespace {

constexpr int ExitOk = 0;
constexpr int ExitFailure = 1;
constexpr int ExitUsage = 2;

const char UsageText[] =
    "Usage: cohort-server COMMAND [ARGUMENTS]\n"
    "\n"
    "Administration commands (they work on the configured database):\n"
    "  user add NAME --role ROLE [--display-name TEXT] [--password-stdin]\n"
    "  user passwd NAME [--password-stdin]\n"
    "  user role NAME ROLE\n"
    "  user disable NAME\n"
    "  user enable NAME\n"
    "  user list\n"
    "  roster import COURSE_ID FILE.csv\n"
    "  migrate\n"
    "  backup FILE\n"
    "  settings set KEY VALUE | settings get KEY\n"
    "\n"
    "ROLE is student, instructor or admin. Passwords are read from the terminal without echo,\n"
    "or from the first line of standard input with --password-stdin. A roster CSV has the\n"
    "header row username,display_name[,password]; accounts without a password get a random one,\n"
    "printed once.\n"
    "\n"
    "Settings: chat.dm_policy is anyone (students may message anyone directly) or staff\n"
    "(students message only instructors and admins directly). A running server applies a change\n"
    "at once.\n"
    "\n"
    "Exit codes: 0 success, 1 failure, 2 wrong arguments.\n";

int usage(QTextStream &err, const QString &problem)
{
    err << problem << "\n\n" << UsageText;
    err.flush();
    return ExitUsage;
}

/// Positional arguments and --options of one command.
struct Arguments
{
    QStringList positional;
    QHash<QString, QString> values;
    QSet<QString> flags;
    QString error;
};

Arguments parseArguments(const QStringList &args, const QSet<QString> &valueOptions, const QSet<QString> &flagOptions)
{
    Arguments parsed;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &arg = args.at(i);
        if (!arg.startsWith(QLatin1String("--"))) {
            parsed.positional.append(arg);
        } else if (flagOptions.contains(arg)) {
            parsed.flags.insert(arg);
        } else if (valueOptions.contains(arg)) {
            if (i + 1 >= args.size()) {
                parsed.error = QStringLiteral("The option %1 needs a value.").arg(arg);
                return parsed;
            }
            parsed.values.insert(arg, args.at(++i));
        } else {
            parsed.error = QStringLiteral("Unknown option %1.").arg(arg);
            return parsed;
        }
    }
    return parsed;
}

/// Turns terminal echo off for its lifetime.
class EchoOff
{
public:
    EchoOff()
    {
        m_active = tcgetattr(STDIN_FILENO, &m_saved) == 0;
        if (m_active) {
            termios silent = m_saved;
            silent.c_lflag &= ~tcflag_t(ECHO);
            tcsetattr(STDIN_FILENO, TCSANOW, &silent);
        }
    }
    ~EchoOff()
    {
        if (m_active)
            tcsetattr(STDIN_FILENO, TCSANOW, &m_saved);
    }
    EchoOff(const EchoOff &) = delete;
    EchoOff &operator=(const EchoOff &) = delete;

private:
    termios m_saved{};
    bool m_active = false;
};

/// Reads the new password; returns an exit code other than ExitOk when there is none.
int readPassword(bool fromStdin, QTextStream &in, QTextStream &out, QTextStream &err, QString *password)
{
    if (fromStdin) {
        *password = in.readLine();
        if (password->isNull()) {
            err << "No password on standard input.\n";
            return ExitFailure;
        }
        if (password->endsWith(QLatin1Char('\r')))
            password->chop(1);
        return ExitOk;
    }
    if (!isatty(STDIN_FILENO))
        return usage(err, QStringLiteral("Standard input is not a terminal: pass --password-stdin and write "
                                         "the password to standard input."));
    QString repeated;
    {
        const EchoOff echoOff;
        out << "New password: ";
        out.flush();
        *password = in.readLine();
        out << "\nRepeat the password: ";
        out.flush();
        repeated = in.readLine();
        out << '\n';
        out.flush();
    }
    if (password->isEmpty() || *password != repeated) {
        err << "The passwords are empty or do not match.\n";
        return ExitFailure;
    }
    return ExitOk;
}

std::optional<UserRecord> findUser(Storage &storage, const QString &name, QTextStream &err)
{
    std::optional<UserRecord> user = storage.userByName(name.toLower());
    if (!user)
        err << QStringLiteral("No user is named %1.\n").arg(name);
    return user;
}

/// The enabled administrators other than `user`: the last one must not lock everyone out.
bool isLastAdmin(Storage &storage, const UserRecord &user)
{
    if (user.info.role != Role::Admin || user.disabled)
        return false;
    const QList<UserRecord> all = storage.users();
    return std::none_of(all.cbegin(), all.cend(), [&](const UserRecord &other) {
        return other.info.id != user.info.id && other.info.role == Role::Admin && !other.disabled;
    });
}

int userAdd(const QStringList &args, Storage &storage, QTextStream &in, QTextStream &out, QTextStream &err)
{
    const Arguments parsed = parseArguments(args, {QStringLiteral("--role"), QStringLiteral("--display-name")},
                                            {QStringLiteral("--password-stdin")});
    if (!parsed.error.isEmpty())
        return usage(err, parsed.error);
    if (parsed.positional.size() != 1)
        return usage(err, QStringLiteral("user add takes exactly one user name."));
    if (!parsed.values.contains(QStringLiteral("--role")))
        return usage(err, QStringLiteral("user add needs --role student, instructor or admin."));
    Role role;
    const QString roleText = parsed.values.value(QStringLiteral("--role"));
    if (!parseRole(roleText, &role))
        return usage(err, QStringLiteral("Unknown role %1: use student, instructor or admin.").arg(roleText));
    const QString name = parsed.positional.first();
    const QString displayName = parsed.values.value(QStringLiteral("--display-name"), name);
    // Check what we can before asking for a password nobody will use.
    if (!Protocol::isValidUsername(name)) {
        err << QStringLiteral("%1 is not a valid username: use 3 to 32 characters of a-z, 0-9, '.', '_' and '-', "
                              "starting with a letter or digit.\n").arg(name);
        return ExitFailure;
    }
    if (storage.userByName(name)) {
        err << QStringLiteral("The username %1 is taken.\n").arg(name);
        return ExitFailure;
    }
    QString password;
    if (const int rc = readPassword(parsed.flags.contains(QStringLiteral("--password-stdin")), in, out, err, &password))
        return rc;

    AuthService auth(storage, AuthConfig{});
    const AuthOutcome outcome = auth.createAccount(name, displayName, role, password);
    if (!outcome.ok()) {
        err << outcome.message << '\n';
        return ExitFailure;
    }
    out << QStringLiteral("Created the %1 account %2 (id %3).\n")
               .arg(roleName(role), outcome.user.info.username)
               .arg(outcome.user.info.id.value());
    return ExitOk;
}

int userPasswd(const QStringList &args, Storage &storage, QTextStream &in, QTextStream &out, QTextStream &err)
{
    const Arguments parsed = parseArguments(args, {}, {QStringLiteral("--password-stdin")});
    if (!parsed.error.isEmpty())
        return usage(err, parsed.error);
    if (parsed.positional.size() != 1)
        return usage(err, QStringLiteral("user passwd takes exactly one user name."));
    const std::optional<UserRecord> user = findUser(storage, parsed.positional.first(), err);
    if (!user)
        return ExitFailure;
    QString password;
    if (const int rc = readPassword(parsed.flags.contains(QStringLiteral("--password-stdin")), in, out, err, &password))
        return rc;
    AuthService auth(storage, AuthConfig{});
    const AuthOutcome outcome = auth.setPassword(user->info.id, password);
    if (!outcome.ok()) {
        err << outcome.message << '\n';
        return ExitFailure;
    }
    out << QStringLiteral("Changed the password of %1 and signed them out everywhere.\n").arg(user->info.username);
    return ExitOk;
}

int userRole(const QStringList &args, Storage &storage, QTextStream &out, QTextStream &err)
{
    const Arguments parsed = parseArguments(args, {}, {});
    if (!parsed.error.isEmpty())
        return usage(err, parsed.error);
    if (parsed.positional.size() != 2)
        return usage(err, QStringLiteral("user role takes a user name and a role."));
    Role role;
    if (!parseRole(parsed.positional.at(1), &role))
        return usage(err, QStringLiteral("Unknown role %1: use student, instructor or admin.").arg(parsed.positional.at(1)));
    const std::optional<UserRecord> user = findUser(storage, parsed.positional.first(), err);
    if (!user)
        return ExitFailure;
    if (role != Role::Admin && isLastAdmin(storage, *user)) {
        err << QStringLiteral("%1 is the only enabled administrator; make another account admin first.\n")
                   .arg(user->info.username);
        return ExitFailure;
    }
    if (!storage.setRole(user->info.id, role)) {
        err << "The role could not be saved.\n";
        return ExitFailure;
    }
    out << QStringLiteral("%1 is now %2.\n").arg(user->info.username, roleName(role));
    return ExitOk;
}

int userSetDisabled(const QStringList &args, bool disable, Storage &storage, QTextStream &out, QTextStream &err)
{
    const QString command = disable ? QStringLiteral("user disable") : QStringLiteral("user enable");
    const Arguments parsed = parseArguments(args, {}, {});
    if (!parsed.error.isEmpty())
        return usage(err, parsed.error);
    if (parsed.positional.size() != 1)
        return usage(err, QStringLiteral("%1 takes exactly one user name.").arg(command));
    const std::optional<UserRecord> user = findUser(storage, parsed.positional.first(), err);
    if (!user)
        return ExitFailure;
    if (disable && isLastAdmin(storage, *user)) {
        err << QStringLiteral("%1 is the only enabled administrator; make another account admin first.\n")
                   .arg(user->info.username);
        return ExitFailure;
    }
    if (!storage.setDisabled(user->info.id, disable)) {
        err << "The change could not be saved.\n";
        return ExitFailure;
    }
    if (disable) {
        storage.deleteSessionsOfUser(user->info.id);
        out << QStringLiteral("Disabled %1 and signed them out everywhere.\n").arg(user->info.username);
    } else {
        out << QStringLiteral("Enabled %1.\n").arg(user->info.username);
    }
    return ExitOk;
}

int userList(const QStringList &args, Storage &storage, QTextStream &out, QTextStream &err)
{
    if (!args.isEmpty())
        return usage(err, QStringLiteral("user list takes no arguments."));
    const QList<UserRecord> users = storage.users();
    QList<QStringList> table{{QStringLiteral("ID"), QStringLiteral("USERNAME"), QStringLiteral("DISPLAY NAME"),
                              QStringLiteral("ROLE"), QStringLiteral("DISABLED")}};
    for (const UserRecord &user : users) {
        table.append({QString::number(user.info.id.value()), user.info.username, user.info.displayName,
                      roleName(user.info.role), user.disabled ? QStringLiteral("yes") : QStringLiteral("no")});
    }
    QList<qsizetype> widths(table.first().size(), 0);
    for (const QStringList &row : std::as_const(table)) {
        for (qsizetype column = 0; column < row.size(); ++column)
            widths[column] = std::max(widths[column], row.at(column).size());
    }
    for (const QStringList &row : std::as_const(table)) {
        QString line;
        for (qsizetype column = 0; column < row.size(); ++column) {
            // Numbers right-aligned, text left-aligned; no trailing spaces.
            if (column == 0)
                line += row.at(column).rightJustified(widths[column]);
            else if (column == row.size() - 1)
                line += row.at(column);
            else
                line += row.at(column).leftJustified(widths[column]);
            if (column + 1 < row.size())
                line += QStringLiteral("  ");
        }
        out << line << '\n';
    }
    if (users.isEmpty())
        out << "(no users yet)\n";
    return ExitOk;
}

int userCommand(const QStringList &args, Storage &storage, QTextStream &in, QTextStream &out, QTextStream &err)
{
    if (args.isEmpty())
        return usage(err, QStringLiteral("user needs a subcommand: add, passwd, role, disable, enable or list."));
    const QString sub = args.first();
    const QStringList rest = args.mid(1);
    if (sub == QLatin1String("add"))
        return userAdd(rest, storage, in, out, err);
    if (sub == QLatin1String("passwd"))
        return userPasswd(rest, storage, in, out, err);
    if (sub == QLatin1String("role"))
        return userRole(rest, storage, out, err);
    if (sub == QLatin1String("disable") || sub == QLatin1String("enable"))
        return userSetDisabled(rest, sub == QLatin1String("disable"), storage, out, err);
    if (sub == QLatin1String("list"))
        return userList(rest, storage, out, err);
    return usage(err, QStringLiteral("Unknown user subcommand %1.").arg(sub));
}

int rosterCommand(const QStringList &args, Storage &storage, QTextStream &out, QTextStream &err)
{
    if (args.isEmpty() || args.first() != QLatin1String("import"))
        return usage(err, QStringLiteral("roster needs the subcommand import."));
    const Arguments parsed = parseArguments(args.mid(1), {}, {});
    if (!parsed.error.isEmpty())
        return usage(err, parsed.error);
    if (parsed.positional.size() != 2)
        return usage(err, QStringLiteral("roster import takes a course id and a CSV file."));
    bool isNumber = false;
    const qint64 courseId = parsed.positional.first().toLongLong(&isNumber);
    if (!isNumber || courseId <= 0)
        return usage(err, QStringLiteral("The course id must be a positive number, not %1.").arg(parsed.positional.first()));
    return importRoster(storage, CourseId(courseId), parsed.positional.at(1), out, err);
}

int migrateCommand(const QStringList &args, Storage &storage, QTextStream &out, QTextStream &err)
{
    if (!args.isEmpty())
        return usage(err, QStringLiteral("migrate takes no arguments."));
    if (const QString error = storage.migrate(); !error.isEmpty()) {
        err << QStringLiteral("Migration failed: %1\n").arg(error);
        return ExitFailure;
    }
    out << QStringLiteral("The %1 database schema is at version %2.\n").arg(storage.backend()).arg(storage.schemaVersion());
    return ExitOk;
}

int backupCommand(const QStringList &args, Storage &storage, QTextStream &out, QTextStream &err)
{
    const Arguments parsed = parseArguments(args, {}, {});
    if (!parsed.error.isEmpty())
        return usage(err, parsed.error);
    if (parsed.positional.size() != 1)
        return usage(err, QStringLiteral("backup takes exactly one file name."));
    if (const QString error = storage.backup(parsed.positional.first()); !error.isEmpty()) {
        err << QStringLiteral("Backup failed: %1\n").arg(error);
        return ExitFailure;
    }
    out << QStringLiteral("Wrote a backup of the database to %1.\n").arg(parsed.positional.first());
    return ExitOk;
}

/// The server settings an admin may set, with the values each accepts.
const QHash<QString, QStringList> &adminSettings()
{
    static const QHash<QString, QStringList> settings{
        {QStringLiteral("chat.dm_policy"), {QStringLiteral("anyone"), QStringLiteral("staff")}},
    };
    return settings;
}

int settingsCommand(const QStringList &args, Storage &storage, QTextStream &out, QTextStream &err)
{
    const QString sub = args.value(0);
    const QString key = args.value(1);
    if ((sub != QLatin1String("set") || args.size() != 3) && (sub != QLatin1String("get") || args.size() != 2))
        return usage(err, QStringLiteral("settings takes: set KEY VALUE, or get KEY."));
    if (!adminSettings().contains(key))
        return usage(err, QStringLiteral("Unknown setting %1; known: %2.")
                              .arg(key, QStringList(adminSettings().keyBegin(), adminSettings().keyEnd()).join(QStringLiteral(", "))));
    const QStringList allowed = adminSettings().value(key);
    if (sub == QLatin1String("get")) {
        out << key << " = " << storage.setting(key).value_or(QStringLiteral("(not set: the configuration file's value)")) << "\n";
        return ExitOk;
    }
    const QString value = args.at(2);
    if (!allowed.contains(value))
        return usage(err, QStringLiteral("%1 must be one of: %2.").arg(key, allowed.join(QStringLiteral(", "))));
    if (!storage.setSetting(key, value)) {
        err << QStringLiteral("The setting could not be stored.\n");
        return ExitFailure;
    }
    out << QStringLiteral("%1 is now %2.\n").arg(key, value);
    return ExitOk;
}

} // namespace

bool isAdminCommand(const QString &word)
{
    static const QSet<QString> commands{QStringLiteral("user"), QStringLiteral("roster"), QStringLiteral("migrate"),
                                        QStringLiteral("backup"), QStringLiteral("settings")};
    return commands.contains(word);
}

int runAdminCommand(const QStringList &args, Storage &storage, QTextStream &in, QTextStream &out, QTextStream &err)
{
    int rc = ExitUsage;
    const QString command = args.value(0);
    const QStringList rest = args.mid(1);
    if (command == QLatin1String("user"))
        rc = userCommand(rest, storage, in, out, err);
    else if (command == QLatin1String("roster"))
        rc = rosterCommand(rest, storage, out, err);
    else if (command == QLatin1String("migrate"))
        rc = migrateCommand(rest, storage, out, err);
    else if (command == QLatin1String("backup"))
        rc = backupCommand(rest, storage, out, err);
    else if (command == QLatin1String("settings"))
        rc = settingsCommand(rest, storage, out, err);
    else
        rc = usage(err, command.isEmpty() ? QStringLiteral("No command given.")
                                          : QStringLiteral("Unknown command %1.").arg(command));
    out.flush();
    err.flush();
    return rc;
}

} // namespace Cohort::Server
