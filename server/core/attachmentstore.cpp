// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "attachmentstore.h"

#include "logging.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>

#include <algorithm>
#include <array>

namespace Cohort::Server {

namespace {

/// Room for the request envelope around a chunk's base64 text: type, id, op, uploadId, offset.
constexpr int ChunkEnvelopeBytes = 512;
constexpr int MaxChunkBytes = 1024 * 1024;

} // namespace

AttachmentStore::AttachmentStore(QString directory, qint64 maxBytes, int maxFrameBytes, qint64 expiryMs)
    : m_directory(std::move(directory))
    , m_maxBytes(maxBytes)
    , m_chunkBytes(std::clamp((maxFrameBytes - ChunkEnvelopeBytes) / 4 * 3, 3, MaxChunkBytes))
    , m_expiryMs(expiryMs)
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
        if (nowMs - upload.lastActiveMs > m_expiryMs)
            stale.append(id);
    }
    for (const QString &id : std::as_const(stale))
        finish(id);
}

bool AttachmentStore::hasFile(const QString &sha256) const
{
    return QFileInfo::exists(pathOf(sha256));
}

void AttachmentStore::removeFile(const QString &sha256)
{
    if (QFile file(pathOf(sha256)); file.exists() && !file.remove())
        qCWarning(lcNet) << "cannot remove attachment" << file.fileName() << file.errorString();
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
