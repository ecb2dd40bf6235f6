// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "codetypes.h"

#include <QAbstractListModel>

#include <functional>

namespace Cohort::Client {

/// A session's participants: hosts first, then editors, then viewers, each by name; joiners
/// waiting for approval last. Owned by a CodeSession, which keeps it current.
class CodeParticipantModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Roles {
        UserIdRole = Qt::UserRole + 1, // qint64
        NameRole,                      // display name (also Qt::DisplayRole)
        UsernameRole,
        CodeRoleRole,                  // CodeRole as int
        OnlineRole,
        PendingRole,
        FileIdRole,                    // qint64, 0: in no file
        HueRole,                       // participantHue()
    };

    explicit CodeParticipantModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    void setParticipants(const QList<CodeParticipant> &participants);
    /// Adds the participant or replaces the one with the user's id, then re-sorts.
    void upsert(const CodeParticipant &participant);
    void remove(UserId user);
    /// Changes one participant in place, if present.
    void update(UserId user, const std::function<void(CodeParticipant &)> &change);

    const CodeParticipant *participant(UserId user) const;
    const CodeParticipant &at(int row) const { return m_participants.at(row); }
    int rowOf(UserId user) const;
    QList<CodeParticipant> participants() const { return m_participants; }

private:
    void sort();

    QList<CodeParticipant> m_participants;
};

} // namespace Cohort::Client
