// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "attachmentservice.h"

#include "authservice.h"
#include "logging.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QJsonObject>
#include <QSaveFile>
#include <QRandomGenerator>
#include <QUrlQuery>

#include <algorithm>
#include <array>

namespace Cohort::Server {

namespace {

using Status = QHttpServerResponse::StatusCode;

QHttpServerResponse error(Status status, const QString &message)
{
    return QHttpServerResponse(QJsonObject{{QStringLiteral("error"), message}}, status);
}

bool isSha256Hex(const QString &id)
{
    if (id.size() != 64)
        return false;
    for (const QChar c : id) {
        if (!((c >= QLatin1Char('0') && c <= QLatin1Char('9')) || (c >= QLatin1Char('a') && c <= QLatin1Char('f'))))
            return false;
    }
    return true;
}

} // namespace

AttachmentService::AttachmentService(Storage &storage, AuthService &auth, QString directory, qint64 maxBytes)
    : m_storage(storage)
    , m_auth(auth)
    , m_directory(std::move(directory))
    , m_maxBytes(maxBytes)
{
}

std::optional<UserRecord> AttachmentService::user(const QHttpServerRequest &request)
{
    const QByteArray header = request.value(QByteArrayLiteral("Authorization"));
    if (!header.startsWith("Bearer "))
        return std::nullopt;
    const AuthOutcome outcome = m_auth.signInWithToken(QString::fromLatin1(header.mid(7).trimmed()));
    if (!outcome.ok())
        return std::nullopt;
    return outcome.user;
}

bool AttachmentService::mayUse(const UserRecord &user, RoomId room)
{
    return user.info.role == Role::Admin || m_storage.roomRole(room, user.info.id).has_value();
}

QString AttachmentService::pathOf(const QString &id) const
{
    return QDir(m_directory).filePath(id.left(2) + QLatin1Char('/') + id);
}

QHttpServerResponse AttachmentService::upload(const QHttpServerRequest &request)
{
    const std::optional<UserRecord> uploader = user(request);
    if (!uploader)
        return error(Status::Unauthorized, QStringLiteral("sign in first: send the session token as Authorization: Bearer"));
    const QUrlQuery query(request.url());
    const RoomId room(query.queryItemValue(QStringLiteral("roomId")).toLongLong());
    const QString name = query.queryItemValue(QStringLiteral("name"), QUrl::FullyDecoded).trimmed();
    if (!room.isValid() || name.isEmpty() || name.size() > 255)
        return error(Status::BadRequest, QStringLiteral("give roomId and a name of 1-255 characters"));
    if (!mayUse(*uploader, room))
        return error(Status::NotFound, QStringLiteral("no such room"));
    const QByteArray body = request.body();
    if (body.size() > m_maxBytes)
        return error(Status::PayloadTooLarge, QStringLiteral("attachments may be at most %1 bytes").arg(m_maxBytes));
    if (body.isEmpty())
        return error(Status::BadRequest, QStringLiteral("the file is empty"));
    AttachmentInfo info;
    info.id = QString::fromLatin1(QCryptographicHash::hash(body, QCryptographicHash::Sha256).toHex());
    info.name = QFileInfo(name).fileName();
    info.size = body.size();
    info.mime = QString::fromLatin1(request.value(QByteArrayLiteral("Content-Type")));
    if (info.mime.isEmpty() || info.mime.size() > 100)
        info.mime = QStringLiteral("application/octet-stream");
    const QString path = pathOf(info.id);
    // Content addressed: a file already there has these very bytes.
    if (!QFileInfo::exists(path)) {
        QSaveFile file(path);
        if (!QDir().mkpath(QFileInfo(path).path()) || !file.open(QIODevice::WriteOnly) || file.write(body) != body.size()
            || !file.commit()) {
            qCWarning(lcHttp) << "cannot store attachment" << path << file.errorString();
            return error(Status::InternalServerError, QStringLiteral("the file could not be stored"));
        }
    }
    if (!m_storage.addAttachment(room, info, uploader->info.id, QDateTime::currentMSecsSinceEpoch()))
        return error(Status::InternalServerError, QStringLiteral("the file could not be recorded"));
    return QHttpServerResponse(info.toJson(), Status::Created);
}

QHttpServerResponse AttachmentService::download(const QString &id, const QHttpServerRequest &request)
{
    const std::optional<UserRecord> reader = user(request);
    if (!reader)
        return error(Status::Unauthorized, QStringLiteral("sign in first: send the session token as Authorization: Bearer"));
    const RoomId room(QUrlQuery(request.url()).queryItemValue(QStringLiteral("roomId")).toLongLong());
    // Not a member, no such file in that room, or no such room: the same answer.
    const std::optional<AttachmentInfo> info =
        isSha256Hex(id) && room.isValid() && mayUse(*reader, room) ? m_storage.attachment(room, id) : std::nullopt;
    if (!info)
        return error(Status::NotFound, QStringLiteral("no such attachment"));
    QFile file(pathOf(id));
    if (!file.open(QIODevice::ReadOnly)) {
        qCWarning(lcHttp) << "attachment file missing:" << file.fileName();
        return error(Status::NotFound, QStringLiteral("no such attachment"));
    }
    QHttpServerResponse response(info->mime.toLatin1(), file.readAll());
    response.addHeader(QByteArrayLiteral("Content-Disposition"),
                       QByteArrayLiteral("attachment; filename*=UTF-8''") + QUrl::toPercentEncoding(info->name));
    response.addHeader(QByteArrayLiteral("X-Content-Type-Options"), QByteArrayLiteral("nosniff"));
    return response;
}

} // namespace Cohort::Server

namespace Cohort::Server {

namespace {

/// Room for the request envelope around a chunk's base64 text: type, id, op, uploadId, offset.
constexpr int ChunkEnvelopeBytes = 512;
constexpr int MaxChunkBytes = 1024 * 1024;

} // namespace

AttachmentStore::AttachmentStore(QString directory, qint64 maxBytes, int maxFrameBytes)
    : m_directory(std::move(directory))
    , m_maxBytes(maxBytes)
    , m_chunkBytes(std::clamp((maxFrameBytes - ChunkEnvelopeBytes) / 4 * 3, 3, MaxChunkBytes))
{
    // Uploads live in memory only: the temp files of a previous run can never be completed.
    if (!m_directory.isEmpty())
        QDir(partialPath(QString())).removeRecursively();
}

QString AttachmentStore::pathOf(const QString &sha256) const
{
    return QDir(m_directory).filePath(sha256.left(2) + QLatin1Char('/') + sha256);
}

QString AttachmentStore::partialPath(const QString &uploadId) const
{
    return QDir(m_directory).filePath(QStringLiteral("partial/") + uploadId);
}

AttachmentStore::Upload *AttachmentStore::uploadByClientId(UserId user, const QString &clientId)
{
    for (auto &[id, upload] : m_uploads) {
        if (upload.user == user && upload.clientId == clientId)
            return &upload;
    }
    return nullptr;
}

AttachmentStore::Upload *AttachmentStore::upload(UserId user, const QString &uploadId)
{
    const auto it = m_uploads.find(uploadId);
    return it != m_uploads.end() && it->second.user == user ? &it->second : nullptr;
}

int AttachmentStore::openUploads(UserId user) const
{
    return static_cast<int>(std::count_if(m_uploads.cbegin(), m_uploads.cend(),
                                          [user](const auto &entry) { return entry.second.user == user; }));
}

qint64 AttachmentStore::bytesInFlight(UserId user) const
{
    qint64 bytes = 0;
    for (const auto &[id, upload] : m_uploads) {
        if (upload.user == user)
            bytes += upload.info.size;
    }
    return bytes;
}

AttachmentStore::Upload *AttachmentStore::begin(UserId user, RoomId room, const QString &clientId,
                                                const AttachmentInfo &info, qint64 nowMs)
{
    std::array<quint32, 4> random;
    QRandomGenerator::system()->fillRange(random.data(), random.size());
    const QString id = QString::fromLatin1(
        QByteArray(reinterpret_cast<const char *>(random.data()), sizeof random).toHex());
    QFile file(partialPath(id));
    if (!QDir().mkpath(QFileInfo(file).path()) || !file.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        qCWarning(lcNet) << "cannot create an upload's temp file" << file.fileName() << file.errorString();
        return nullptr;
    }
    Upload upload;
    upload.id = id;
    upload.user = user;
    upload.room = room;
    upload.clientId = clientId;
    upload.info = info;
    upload.lastActiveMs = nowMs;
    upload.hash = std::make_unique<QCryptographicHash>(QCryptographicHash::Sha256);
    return &m_uploads.insert_or_assign(id, std::move(upload)).first->second;
}

AttachmentStore::ChunkOutcome AttachmentStore::append(Upload &upload, const QByteArray &bytes, qint64 nowMs)
{
    QFile file(partialPath(upload.id));
    if (!file.open(QIODevice::WriteOnly | QIODevice::Append) || file.write(bytes) != bytes.size() || !file.flush()) {
        qCWarning(lcNet) << "cannot write an upload's temp file" << file.fileName() << file.errorString();
        finish(upload.id);
        return ChunkOutcome::Failed;
    }
    file.close();
    upload.hash->addData(bytes);
    upload.received += bytes.size();
    upload.lastActiveMs = nowMs;
    if (upload.received < upload.info.size)
        return ChunkOutcome::Stored;
    if (QString::fromLatin1(upload.hash->result().toHex()) != upload.info.id) {
        finish(upload.id);
        return ChunkOutcome::Mismatch;
    }
    const QString target = pathOf(upload.info.id);
    // Content addressed: a file already there has these very bytes (another room's upload).
    if (!QFileInfo::exists(target)
        && (!QDir().mkpath(QFileInfo(target).path()) || !QFile::rename(file.fileName(), target))) {
        qCWarning(lcNet) << "cannot store attachment" << target;
        finish(upload.id);
        return ChunkOutcome::Failed;
    }
    return ChunkOutcome::Complete;
}

void AttachmentStore::finish(const QString &uploadId)
{
    QFile::remove(partialPath(uploadId));
    m_uploads.erase(uploadId);
}

void AttachmentStore::expire(qint64 nowMs)
{
    QStringList stale;
    for (const auto &[id, upload] : m_uploads) {
        if (nowMs - upload.lastActiveMs > UploadExpiryMs)
            stale.append(id);
    }
    for (const QString &id : std::as_const(stale))
        finish(id);
}

bool AttachmentStore::hasFile(const QString &sha256) const
{
    return QFileInfo::exists(pathOf(sha256));
}

std::optional<QByteArray> AttachmentStore::read(const QString &sha256, qint64 offset, qint64 length) const
{
    QFile file(pathOf(sha256));
    if (!file.open(QIODevice::ReadOnly) || !file.seek(offset)) {
        qCWarning(lcNet) << "cannot read attachment" << file.fileName() << file.errorString();
        return std::nullopt;
    }
    return file.read(length);
}

} // namespace Cohort::Server
