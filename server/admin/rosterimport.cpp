// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "rosterimport.h"

#include "authservice.h"
#include "storage.h"

#include <QFile>
#include <QHash>
#include <QtConcurrent/QtConcurrentMap>

#include <algorithm>

namespace Cohort::Server {

namespace {

struct RosterRow
{
    int line = 0;
    QString username;
    QString displayName;
    QString password;
    bool generatedPassword = false;
    std::optional<UserRecord> existing;
    QByteArray hash;
};

struct Columns
{
    qsizetype username = -1;
    qsizetype displayName = -1;
    qsizetype password = -1;

    qsizetype required() const { return std::max(username, displayName) + 1; }
};

std::optional<Columns> parseHeader(const QString &line)
{
    const std::optional<QStringList> names = parseCsvLine(line);
    if (!names)
        return std::nullopt;
    Columns columns;
    for (qsizetype i = 0; i < names->size(); ++i) {
        const QString name = names->at(i).trimmed().toLower();
        if (name == QLatin1String("username"))
            columns.username = i;
        else if (name == QLatin1String("display_name"))
            columns.displayName = i;
        else if (name == QLatin1String("password"))
            columns.password = i;
    }
    if (columns.username < 0 || columns.displayName < 0)
        return std::nullopt;
    return columns;
}

} // namespace

std::optional<QStringList> parseCsvLine(const QString &line)
{
    QStringList fields;
    QString field;
    bool quoted = false;
    for (qsizetype i = 0; i < line.size(); ++i) {
        const QChar c = line.at(i);
        if (quoted) {
            if (c != QLatin1Char('"')) {
                field += c;
            } else if (i + 1 < line.size() && line.at(i + 1) == QLatin1Char('"')) {
                field += c;
                ++i;
            } else {
                quoted = false;
            }
        } else if (c == QLatin1Char('"')) {
            quoted = true;
        } else if (c == QLatin1Char(',')) {
            fields.append(field);
            field.clear();
        } else {
            field += c;
        }
    }
    if (quoted)
        return std::nullopt;
    fields.append(field);
    return fields;
}

int importRoster(Storage &storage, CourseId courseId, const QString &path, QTextStream &out, QTextStream &err)
{
    const std::optional<CourseRecord> course = storage.courseById(courseId);
    if (!course) {
        err << QStringLiteral("No course has the id %1.\n").arg(courseId.value());
        return 1;
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text)) {
        err << QStringLiteral("Cannot read %1: %2\n").arg(path, file.errorString());
        return 1;
    }
    QTextStream csv(&file);
    csv.setEncoding(QStringConverter::Utf8);
    const std::optional<Columns> columns = parseHeader(csv.readLine());
    if (!columns) {
        err << QStringLiteral("line 1: the header row must name the columns username and display_name "
                              "(and optionally password).\n");
        return 1;
    }

    int rejected = 0;
    auto reject = [&](int line, const QString &why) {
        err << QStringLiteral("line %1: %2\n").arg(line).arg(why);
        ++rejected;
    };

    QList<RosterRow> rows;
    QHash<QString, int> lineOfUser;
    for (int line = 2; !csv.atEnd(); ++line) {
        const QString text = csv.readLine();
        if (text.trimmed().isEmpty())
            continue;
        const std::optional<QStringList> fields = parseCsvLine(text);
        if (!fields) {
            reject(line, QStringLiteral("a quoted field is not closed."));
            continue;
        }
        if (fields->size() < columns->required()) {
            reject(line, QStringLiteral("expected at least %1 fields, found %2.").arg(columns->required()).arg(fields->size()));
            continue;
        }
        RosterRow row;
        row.line = line;
        row.username = fields->at(columns->username).trimmed().toLower();
        row.displayName = fields->at(columns->displayName).trimmed();
        if (columns->password >= 0 && columns->password < fields->size())
            row.password = fields->at(columns->password);
        if (const int first = lineOfUser.value(row.username); first > 0) {
            reject(line, QStringLiteral("%1 is already listed on line %2.").arg(row.username).arg(first));
            continue;
        }
        row.existing = storage.userByName(row.username);
        if (row.existing && !row.password.isEmpty())
            out << QStringLiteral("line %1: %2 already has an account; the password in the file was not used.\n")
                       .arg(line).arg(row.username);
        if (!row.existing) {
            row.generatedPassword = row.password.isEmpty();
            if (row.generatedPassword)
                row.password = generatePassword();
            if (const QString problem = accountProblem(row.username, row.displayName, row.password); !problem.isEmpty()) {
                reject(line, problem);
                continue;
            }
        }
        lineOfUser.insert(row.username, line);
        rows.append(row);
    }

    // Argon2id is the slow part of a large import: hash on every core.
    QtConcurrent::blockingMap(rows, [](RosterRow &row) {
        if (!row.existing)
            row.hash = hashPassword(row.password);
    });

    int created = 0;
    int enrolled = 0;
    int alreadyEnrolled = 0;
    QList<const RosterRow *> generated;
    for (const RosterRow &row : std::as_const(rows)) {
        UserRecord user;
        if (row.existing) {
            user = *row.existing;
        } else {
            if (row.hash.isEmpty()) {
                reject(row.line, QStringLiteral("the password could not be hashed (out of memory)."));
                continue;
            }
            const StorageResult<UserRecord> result = storage.createUser(row.username, row.displayName, Role::Student, row.hash);
            if (!result.ok()) {
                reject(row.line, QStringLiteral("the account %1 could not be created: %2").arg(row.username, result.message));
                continue;
            }
            user = *result.value;
            ++created;
            if (row.generatedPassword)
                generated.append(&row);
        }
        if (storage.courseRole(course->id, user.info.id)) {
            ++alreadyEnrolled;
            continue;
        }
        if (!storage.addCourseMember(course->id, user.info.id, Role::Student)) {
            reject(row.line, QStringLiteral("%1 could not be enrolled.").arg(row.username));
            continue;
        }
        ++enrolled;
    }

    if (!generated.isEmpty()) {
        qsizetype width = 0;
        for (const RosterRow *row : std::as_const(generated))
            width = std::max(width, row->username.size());
        out << "New accounts and their passwords (shown only this once; hand them out privately):\n";
        for (const RosterRow *row : std::as_const(generated))
            out << "  " << row->username.leftJustified(width) << "  " << row->password << '\n';
    }
    out << QStringLiteral("Roster for course %1 \"%2\":\n").arg(course->id.value()).arg(course->name)
        << "  accounts created:  " << created << '\n'
        << "  users enrolled:    " << enrolled << '\n'
        << "  already enrolled:  " << alreadyEnrolled << '\n'
        << "  rows rejected:     " << rejected << '\n';
    return rejected == 0 ? 0 : 1;
}

} // namespace Cohort::Server
