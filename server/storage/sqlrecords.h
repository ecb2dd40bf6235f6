// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "sqlconnection.h"
#include "storage.h"

#include <QVariant>

/// Turns the rows of the storage's queries (sql/) into records, by column name.
namespace Cohort::Server::SqlRecords {

template<typename IdType>
IdType id(const SqlRow &row, const char *name)
{
    return IdType(row.value(name).toLongLong());
}

/// The value to bind for an id column: NULL for an invalid id (e.g. the sender of an event the
/// server generated itself).
template<typename Tag>
QVariant bindId(Id<Tag> id)
{
    return id.isValid() ? QVariant(id.value()) : QVariant(QMetaType::fromType<qint64>());
}

Role role(const SqlRow &row, const char *name);
UserInfo userInfo(const SqlRow &row);
UserRecord user(const SqlRow &row);
SessionRecord session(const SqlRow &row);
CourseRecord course(const SqlRow &row);
CourseInfo courseInfo(const SqlRow &row);
MemberInfo member(const SqlRow &row);
RoomInfo room(const SqlRow &row);
/// A row of room_list.sql: the room with the user's state in it.
RoomInfo roomListEntry(const SqlRow &row);
/// A row of the message queries; reactions are read separately.
MessageInfo message(const SqlRow &row, RoomId room);
/// Mentioned user ids as stored in messages.mentions: ",5,7,", or '' for none.
QString mentionsColumn(const QList<UserId> &users);
QList<UserId> mentionsFromColumn(const QString &text);
EventRecord event(const SqlRow &row);

template<typename T>
StorageResult<T> success(T value)
{
    return {std::move(value), StorageError::None, QString()};
}

template<typename T>
StorageResult<T> failure(StorageError error, const QString &message)
{
    return {std::nullopt, error, message};
}

} // namespace Cohort::Server::SqlRecords
