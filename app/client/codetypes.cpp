// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "codetypes.h"

#include <algorithm>

namespace Cohort::Client {

namespace {
QString str(const QJsonObject &json, const char *key)
{
    return json.value(QLatin1String(key)).toString();
}

qint64 num(const QJsonObject &json, const char *key)
{
    return json.value(QLatin1String(key)).toInteger();
}

bool flag(const QJsonObject &json, const char *key)
{
    return json.value(QLatin1String(key)).toBool();
}

std::optional<Collab::Anchor> anchorOf(const QJsonObject &json, const char *key)
{
    const QByteArray bytes = QByteArray::fromBase64(str(json, key).toLatin1());
    if (bytes.isEmpty())
        return Collab::Anchor{};
    return Collab::Anchor::fromBytes(bytes);
}
} // namespace

QString codeRoleName(CodeRole role)
{
    switch (role) {
    case CodeRole::Host:
        return QStringLiteral("host");
    case CodeRole::Editor:
        return QStringLiteral("editor");
    case CodeRole::Viewer:
        break;
    }
    return QStringLiteral("viewer");
}

std::optional<CodeRole> parseCodeRole(const QString &name)
{
    if (name == QLatin1String("host"))
        return CodeRole::Host;
    if (name == QLatin1String("editor"))
        return CodeRole::Editor;
    if (name == QLatin1String("viewer"))
        return CodeRole::Viewer;
    return std::nullopt;
}

int participantHue(UserId user)
{
    // Steps of the golden angle spread consecutive ids (the usual case in a class) around the
    // colour wheel, so neighbours in a list never get similar colours.
    const qint64 step = 137508; // thousandths of a degree
    return static_cast<int>((user.value() * step / 1000) % 360);
}

std::optional<CodeSessionInfo> CodeSessionInfo::fromJson(const QJsonObject &json)
{
    CodeSessionInfo info;
    info.id = CodeSessionId(num(json, "id"));
    if (!info.id.isValid())
        return std::nullopt;
    info.roomId = RoomId(num(json, "roomId"));
    info.title = str(json, "title");
    info.owner = UserId(num(json, "ownerId"));
    info.ownerName = str(json, "ownerName");
    info.courseId = CourseId(num(json, "courseId"));
    info.visibility = str(json, "scope");
    info.hasAccessCode = flag(json, "hasAccessCode");
    info.accessCode = str(json, "accessCode");
    info.maxCollaborators = static_cast<int>(num(json, "maxCollaborators"));
    info.locked = flag(json, "locked");
    info.approval = flag(json, "approval");
    info.lecture = flag(json, "lecture");
    info.lecturer = info.owner;
    info.participantCount = static_cast<int>(num(json, "participantCount"));
    info.createdAt = num(json, "createdAt");
    info.archived = flag(json, "archived");
    info.archivedAt = info.archived ? num(json, "archivedAt") : 0;
    const QString role = str(json, "myRole");
    info.pending = role == QLatin1String("pending");
    info.myRole = parseCodeRole(role);
    return info;
}

std::optional<CodeFileInfo> CodeFileInfo::fromJson(const QJsonObject &json)
{
    CodeFileInfo info;
    info.id = CodeFileId(num(json, "id"));
    info.path = str(json, "path");
    info.language = str(json, "language");
    if (!info.id.isValid() || info.path.isEmpty())
        return std::nullopt;
    return info;
}

std::optional<CodeParticipant> CodeParticipant::fromJson(const QJsonObject &json)
{
    const std::optional<UserInfo> user = UserInfo::fromJson(json.value(QLatin1String("user")).toObject());
    if (!user)
        return std::nullopt;
    CodeParticipant participant;
    participant.user = *user;
    const QString role = str(json, "role");
    participant.pending = role == QLatin1String("pending");
    participant.role = parseCodeRole(role).value_or(CodeRole::Viewer);
    participant.online = flag(json, "online");
    return participant;
}

std::optional<CodeCommentInfo> CodeCommentInfo::fromJson(const QJsonObject &json)
{
    CodeCommentInfo comment;
    comment.id = CodeCommentId(num(json, "id"));
    comment.parentId = CodeCommentId(num(json, "parentId"));
    comment.fileId = CodeFileId(num(json, "fileId"));
    const std::optional<UserInfo> author = UserInfo::fromJson(json.value(QLatin1String("author")).toObject());
    const std::optional<Collab::Anchor> start = anchorOf(json, "anchorStart");
    const std::optional<Collab::Anchor> end = anchorOf(json, "anchorEnd");
    if (!comment.id.isValid() || !author || !start || !end)
        return std::nullopt;
    comment.author = *author;
    comment.start = *start;
    comment.end = *end;
    comment.text = str(json, "text");
    comment.resolved = flag(json, "resolved");
    comment.createdAt = num(json, "createdAt");
    return comment;
}

std::optional<CodeVersionInfo> CodeVersionInfo::fromJson(const QJsonObject &json)
{
    CodeVersionInfo version;
    version.id = CodeVersionId(num(json, "id"));
    if (!version.id.isValid())
        return std::nullopt;
    version.name = str(json, "name");
    version.author = UserId(num(json, "createdBy"));
    version.createdAt = num(json, "createdAt");
    return version;
}

CodeLimits CodeLimits::fromJson(const QJsonObject &json)
{
    CodeLimits limits;
    const auto read = [&json](const char *key, int *out) {
        const int value = json.value(QLatin1String(key)).toInt(0);
        if (value > 0)
            *out = value;
    };
    read("maxFiles", &limits.maxFiles);
    read("maxFileLength", &limits.maxFileLength);
    read("maxUpdateBytes", &limits.maxUpdateBytes);
    read("maxContentLength", &limits.maxContentLength);
    read("maxVersions", &limits.maxVersions);
    read("maxSessions", &limits.maxSessions);
    read("maxStoredSessions", &limits.maxStoredSessions);
    if (json.value(QStringLiteral("joinRetrySeconds")).isDouble())
        limits.joinRetrySeconds = std::max(0, json.value(QStringLiteral("joinRetrySeconds")).toInt());
    return limits;
}

} // namespace Cohort::Client
