// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "sqlstorage.h"

#include <QObject>
#include <QSqlDatabase>
#include <QTemporaryDir>

#include <memory>

/// The storage suite. Every test function runs once per backend (the global data rows "sqlite"
/// and "postgresql"), each time on an empty database. PostgreSQL comes from the ctest fixture
/// (pg-fixture.sh), whose connection.ini COHORT_TEST_POSTGRESQL names; without it the
/// PostgreSQL rows fail, because both backends are promised to be tested.
class TestStorage : public QObject
{
    Q_OBJECT

public:
    /// The child process of writesSurviveKilledProcess: appends events, then kills itself.
    static int appendAndKill();

private Q_SLOTS:
    void initTestCase_data();
    void init();
    void cleanup();
    void cleanupTestCase();

    // accountstests.cpp
    void createUser();
    void duplicateUsernameConflicts();
    void lookUpUsers();
    void updateUsers();
    void countUsersWithRole();
    void createAndLookUpSession();
    void deleteSessions();
    void deleteExpiredSessions();
    void sessionNeedsExistingUser();
    void settings();

    // coursetests.cpp
    void createCourse();
    void createCourseIsIdempotent();
    void joinCodeConflicts();
    void courseNeedsExistingOwner();
    void lookUpCourses();
    void courseMembers();
    void coursesAndRoomsOfUser();
    void allCoursesAndRooms();

    // eventtests.cpp
    void seqIncreasesFromOne();
    void repeatedClientIdReturnsOriginal();
    void appendToUnknownRoom();
    void eventsAfterAndLatest();
    void payloadRoundTrips();
    void lookupsUseIndexes();

    // chattests.cpp
    void courseMembersAreRoomMembers();
    void migrationBackfillsChat();
    void roomListFigures();
    void historyPages();
    void editsDeletesAndReactions();
    void deletingTheLastCarrierRemovesTheFile();
    void unsentFilesAreDropped();
    void unsentFlagIsBackfilled();
    void searchMessages();
    void createRooms();
    void appendEventsIsAllOrNothing();
    void ownerSuccessionOrder();
    void lastSeenIsKept();

    // codetests.cpp
    void codeSessionsAndParticipants();
    void codeFilesLogAndCompaction();
    void codeCommentsAndVersions();

    void codeRemovalQuotasAndRestore();
    void codeArchiveDelete();
    void codeDeclinesAreKept();
    // migrationtests.cpp
    void migratesFromVersion1();
    void rerunIsNoop();
    void resumesAfterFailedStep();
    void concurrentMigrationsRunOnce();
    void refusesNewerDatabase();
    void migrationsAreNumbered();

    // durabilitytests.cpp
    void secondConnectionSeesCommits();
    void writesSurviveDestructionWithoutClose();
    void writesSurviveKilledProcess();
    void backup();
    void connectionSettings();
    void openErrors();
    void ping();

    // checkpointtests.cpp
    void checkpointsInBackground();
    void closeEmptiesWal();
    void largeWalIsTruncated();
    void checkpointThreadStops();
    void deletedRowsLeaveNoTrace();

private:
    /// Empties the database of the current backend; returns an error or empty.
    QString resetDatabase();
    /// A storage on the current database, not yet opened, with a connection name of its own.
    std::unique_ptr<Cohort::Server::SqlStorage> makeStorage();
    Cohort::UserId addUser(const QString &username, Cohort::Role role = Cohort::Role::Student);
    Cohort::Server::CourseRecord addCourse(const QString &name, Cohort::UserId owner, const QString &joinCode);
    /// A connection of the test's own to the current database, to look behind the storage.
    QSqlDatabase probe();
    /// Runs a statement on the probe connection; returns an error or empty.
    QString probeExec(const QString &sql);
    /// The first column of the first row of a query on the probe connection.
    QVariant queryValue(const QString &sql);
    bool isPostgres() const;
    /// Appends a message.created event as the chat service does; returns its seq or -1.
    qint64 post(Cohort::RoomId room, Cohort::UserId sender, const QString &text, qint64 threadRoot = 0,
                const QList<Cohort::UserId> &mentions = {}, bool mentionsRoom = false);

    Cohort::Server::DatabaseConfig m_config;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Cohort::Server::SqlStorage> m_storage; // opened by init()
    qint64 m_clock = 0; // post()'s timestamps: increasing, so thread figures are checkable
};
