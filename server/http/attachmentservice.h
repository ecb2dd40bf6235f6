// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "storage.h"

#include <QString>

class QHttpServerRequest;
class QHttpServerResponse;

namespace Cohort::Server {

class AuthService;

/// Chat attachments over HTTP (docs/protocol.md, "Attachments"): POST /attachments stores a
/// file for a room, GET /attachments/<id> returns it, both with the session token as
/// `Authorization: Bearer`, both for the room's members only. Files are content addressed:
/// <directory>/<first two hex digits>/<sha256 hex>, written once, outside the database.
class AttachmentService
{
public:
    AttachmentService(Storage &storage, AuthService &auth, QString directory, qint64 maxBytes);

    QHttpServerResponse upload(const QHttpServerRequest &request);
    QHttpServerResponse download(const QString &id, const QHttpServerRequest &request);

private:
    /// The signed-in user of the request's bearer token, or nothing.
    std::optional<UserRecord> user(const QHttpServerRequest &request);
    bool mayUse(const UserRecord &user, RoomId room);
    QString pathOf(const QString &id) const;

    Storage &m_storage;
    AuthService &m_auth;
    QString m_directory;
    qint64 m_maxBytes;
};

} // namespace Cohort::Server
