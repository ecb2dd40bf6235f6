// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "storage.h"

#include <QCryptographicHash>
#include <QString>

#include <memory>
#include <unordered_map>

namespace Cohort::Server {

/// The files of chat attachments and the uploads in progress (docs/protocol.md, "Attachments").
/// Files are content addressed: <directory>/<first two hex digits>/<sha256 hex>, written once,
/// outside the database. An upload grows a temp file in <directory>/partial chunk by chunk, so a
/// file is never held whole in memory; it belongs to a user, not a connection, and so survives
/// a reconnect. Uploads idle for longer than the expiry are dropped with their temp file.
class AttachmentStore
{
public:
    static constexpr int MaxOpenUploadsPerUser = 8;

    struct Upload
    {
        QString id;
        UserId user;
        RoomId room;
        QString clientId;
        AttachmentInfo info; // info.id: the SHA-256 hex the client announced
        qint64 received = 0;
        qint64 lastActiveMs = 0;
        std::unique_ptr<QCryptographicHash> hash;
    };
    enum class ChunkOutcome { Stored, Complete, Mismatch, Failed };

    /// `maxFrameBytes` bounds a chunk: its base64 text plus the request envelope fit in a frame.
    AttachmentStore(QString directory, qint64 maxBytes, int maxFrameBytes, qint64 expiryMs);

    qint64 maxBytes() const { return m_maxBytes; }
    qint64 expiryMs() const { return m_expiryMs; }
    int chunkBytes() const { return m_chunkBytes; }
    /// A user may have this many bytes announced by open uploads at once.
    qint64 maxBytesInFlight() const { return 4 * m_maxBytes; }

    /// The open upload of this user with this clientId, or null.
    Upload *uploadByClientId(UserId user, const QString &clientId);
    /// The user's open upload, or null (another user's id is as unknown as a made-up one).
    Upload *upload(UserId user, const QString &uploadId);
    int openUploads(UserId user) const;
    qint64 bytesInFlight(UserId user) const;
    /// Starts an upload with an empty temp file; null when the file cannot be created.
    Upload *begin(UserId user, RoomId room, const QString &clientId, const AttachmentInfo &info, qint64 nowMs);
    /// Appends a chunk at upload.received. Complete: the last chunk, the bytes match the announced
    /// SHA-256 and the file is in place (the caller records it and then calls finish()).
    /// Mismatch and Failed drop the upload.
    ChunkOutcome append(Upload &upload, const QByteArray &bytes, qint64 nowMs);
    /// Forgets an upload and removes its temp file.
    void finish(const QString &uploadId);
    /// Drops uploads idle for longer than the expiry.
    void expire(qint64 nowMs);

    bool hasFile(const QString &sha256) const;
    /// Deletes a stored file that no room records (any more): its bytes are nobody's.
    void removeFile(const QString &sha256);
    /// Up to `length` bytes of a stored file from `offset`; nothing when the file cannot be read.
    std::optional<QByteArray> read(const QString &sha256, qint64 offset, qint64 length) const;

private:
    QString pathOf(const QString &sha256) const;
    QString partialPath(const QString &uploadId) const;

    QString m_directory;
    qint64 m_maxBytes;
    int m_chunkBytes;
    qint64 m_expiryMs;
    std::unordered_map<QString, Upload> m_uploads; // by upload id; move-only values
};

} // namespace Cohort::Server
