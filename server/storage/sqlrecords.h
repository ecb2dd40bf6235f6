// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "storage.h"

#include <QSqlRecord>
#include <QVariant>

/// Turns the rows of the storage's queries (sql/) into records, by column name.
namespace Cohort::Server::SqlRecords {

QVariant field(const QSqlRecord &row, const char *name);

template<typename IdType>
IdType id(const QSqlRecord &row, const char *name)
{
    return IdType(field(row, name).toLongLong());
}

/// The value to bind for an id column: NULL for an invalid id (e.g. the sender of an event the
/// server generated itself).
template<typename Tag>
QVariant bindId(Id<Tag> id)
{
    return id.isValid() ? QVariant(id.value()) : QVariant(QMetaType::fromType<qint64>());
}

Role role(const QSqlRecord &row, const char *name);
UserInfo userInfo(const QSqlRecord &row);
UserRecord user(const QSqlRecord &row);
SessionRecord session(const QSqlRecord &row);
CourseRecord course(const QSqlRecord &row);
CourseInfo courseInfo(const QSqlRecord &row);
MemberInfo member(const QSqlRecord &row);
RoomInfo room(const QSqlRecord &row);
EventRecord event(const QSqlRecord &row);

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
