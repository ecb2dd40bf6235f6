// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
// Chat storage: room membership, the tables materialised from the event log, room.list's
// figures, history pages and read state.
#include "storagetest.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <functional>

using namespace Cohort;
using namespace Cohort::Server;

namespace {

QByteArray json(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QByteArray messagePayload(const QString &text, qint64 threadRoot = 0, const QList<UserId> &mentions = {},
                          bool mentionsRoom = false)
{
    return json({{QStringLiteral("text"), text},
                 {QStringLiteral("threadRoot"), threadRoot},
                 {QStringLiteral("mentions"), userIdsToJson(mentions)},
                 {QStringLiteral("mentionsRoom"), mentionsRoom}});
}

} // namespace

qint64 TestStorage::post(RoomId room, UserId sender, const QString &text, qint64 threadRoot,
                         const QList<UserId> &mentions, bool mentionsRoom)
{
    const StorageResult<EventRecord> stored =
        m_storage->appendEvent(room, QStringLiteral("message.created"), sender, QString(),
                               messagePayload(text, threadRoot, mentions, mentionsRoom), 1000 + m_clock++);
    return stored.ok() ? stored.value->seq : -1;
}

void TestStorage::courseMembersAreRoomMembers()
{
    const UserId ana = addUser(QStringLiteral("ana"), Role::Instructor);
    const UserId ben = addUser(QStringLiteral("ben"));
    const UserId cy = addUser(QStringLiteral("cy"), Role::Instructor);
    const CourseRecord course = addCourse(QStringLiteral("Physics"), ana, QStringLiteral("CODE-1"));
    QCOMPARE(m_storage->roomRole(course.roomId, ana), RoomRole::Owner);
    QVERIFY(!m_storage->roomRole(course.roomId, ben));

    QVERIFY(m_storage->addCourseMember(course.id, ben, Role::Student));
    QVERIFY(m_storage->addCourseMember(course.id, cy, Role::Instructor));
    QCOMPARE(m_storage->roomRole(course.roomId, ben), RoomRole::Member);
    QCOMPARE(m_storage->roomRole(course.roomId, cy), RoomRole::Admin);
    // Promotion and demotion follow the course role; the owner stays owner.
    QVERIFY(m_storage->addCourseMember(course.id, ben, Role::Instructor));
    QCOMPARE(m_storage->roomRole(course.roomId, ben), RoomRole::Admin);
    QVERIFY(m_storage->addCourseMember(course.id, ana, Role::Instructor));
    QCOMPARE(m_storage->roomRole(course.roomId, ana), RoomRole::Owner);

    const QList<RoomMemberRecord> members = m_storage->roomMembers(course.roomId);
    QCOMPARE(members.size(), 3);
    QCOMPARE(members.at(0).user.username, QStringLiteral("ana"));
    QCOMPARE(members.at(0).role, RoomRole::Owner);
    QCOMPARE(m_storage->roomMates(ben).size(), 2);

    // The room and a user's role in one query, as the chat ops ask for them.
    const auto withRole = m_storage->roomWithRole(course.roomId, cy);
    QVERIFY(withRole);
    QCOMPARE(withRole->first.id, course.roomId);
    QCOMPARE(withRole->first.kind, RoomKind::Course);
    QCOMPARE(withRole->first.name, m_storage->roomById(course.roomId)->name);
    QCOMPARE(withRole->second, RoomRole::Admin);
    const auto outsider = m_storage->roomWithRole(course.roomId, addUser(QStringLiteral("dee")));
    QVERIFY(outsider);
    QCOMPARE(outsider->first.id, course.roomId);
    QVERIFY(!outsider->second);
    QVERIFY(!m_storage->roomWithRole(RoomId(4242), ana));

    // A course member and a room member are one transaction: a failing one adds neither.
    QVERIFY(!m_storage->addCourseMember(course.id, UserId(4242), Role::Student));
    QCOMPARE(m_storage->roomMembers(course.roomId).size(), 3);
}

void TestStorage::migrationBackfillsChat()
{
    m_storage.reset();
    QCOMPARE(resetDatabase(), QString());
    std::unique_ptr<SqlStorage> old = makeStorage();
    QCOMPARE(old->connect(), QString());
    QCOMPARE(old->migrateTo(2), QString());
    const auto ana = old->createUser(QStringLiteral("ana"), QStringLiteral("Ana"), Role::Instructor, "h");
    const auto ben = old->createUser(QStringLiteral("ben"), QStringLiteral("Ben"), Role::Student, "h");
    QVERIFY(ana.ok() && ben.ok());
    // Rows as the version 2 code wrote them (today's code writes the chat tables with them).
    const qint64 a = ana.value->info.id.value();
    const qint64 b = ben.value->info.id.value();
    const QString joined = QString::fromUtf8(json({{QStringLiteral("user"), ben.value->info.toJson()}}));
    for (const QString &statement : {
             QStringLiteral("INSERT INTO rooms (kind, name) VALUES ('course', 'Physics')"),
             QStringLiteral("INSERT INTO courses (name, join_code, owner_id, room_id) VALUES ('Physics', 'C-1', %1, 1)").arg(a),
             QStringLiteral("UPDATE rooms SET course_id = 1, last_seq = 2"),
             QStringLiteral("INSERT INTO course_members VALUES (1, %1, 'instructor'), (1, %2, 'student')").arg(a).arg(b),
             QStringLiteral("INSERT INTO room_events VALUES (1, 1, 'member.joined', %1, '', '%2', 10)").arg(b).arg(joined),
             QStringLiteral("INSERT INTO room_events VALUES (1, 2, 'message.created', %1, 'c1', "
                            "'{\"text\":\"hello there\"}', 20)").arg(b)})
        QCOMPARE(probeExec(statement), QString());
    old.reset();
    const RoomId room(1);

    m_storage = makeStorage();
    QCOMPARE(m_storage->open(), QString());
    QCOMPARE(m_storage->roomRole(room, ana.value->info.id), RoomRole::Owner);
    QCOMPARE(m_storage->roomRole(room, ben.value->info.id), RoomRole::Member);
    const std::optional<HistoryPage> page = m_storage->history(room, {});
    QVERIFY(page);
    QCOMPARE(page->messages.size(), 2);
    QCOMPARE(page->messages.at(0).system.value(QStringLiteral("event")).toString(), QStringLiteral("member.joined"));
    QCOMPARE(page->messages.at(1).text, QStringLiteral("hello there"));
    QCOMPARE(page->messages.at(1).sender.username, QStringLiteral("ben"));
    QCOMPARE(page->messages.at(1).clientId, QStringLiteral("c1"));
    const std::optional<RoomInfo> listed = m_storage->roomForUser(room, ana.value->info.id);
    QVERIFY(listed);
    QCOMPARE(listed->unread, 1);
}

void TestStorage::roomListFigures()
{
    const UserId ana = addUser(QStringLiteral("ana"), Role::Instructor);
    const UserId ben = addUser(QStringLiteral("ben"));
    const UserId cy = addUser(QStringLiteral("cy"));
    const CourseRecord course = addCourse(QStringLiteral("Physics"), ana, QStringLiteral("CODE-1"));
    QVERIFY(m_storage->addCourseMember(course.id, ben, Role::Student));
    const RoomId room = course.roomId;

    QVERIFY(post(room, ana, QStringLiteral("welcome")) == 1);
    QVERIFY(post(room, ben, QStringLiteral("hi @ana"), 0, {ana}) == 2);
    QVERIFY(post(room, ben, QStringLiteral("everyone @room"), 0, {}, true) == 3);
    QVERIFY(post(room, ben, QStringLiteral("to be deleted"), 0, {ana}) == 4);
    QVERIFY(m_storage->appendEvent(room, QStringLiteral("message.deleted"), ben, QString(),
                                   json({{QStringLiteral("target"), 4}, {QStringLiteral("by"), ben.value()}}), 2000).ok());

    QList<RoomInfo> rooms = m_storage->roomList(ana, false);
    QCOMPARE(rooms.size(), 1);
    RoomInfo info = rooms.first();
    QCOMPARE(info.kind, RoomKind::Course);
    QCOMPARE(info.courseId, course.id);
    QCOMPARE(info.lastSeq, 5);
    QCOMPARE(info.memberCount, 2);
    QCOMPARE(info.myRole, RoomRole::Owner);
    QCOMPARE(info.unread, 2);   // own and deleted messages do not count
    QCOMPARE(info.mentions, 2); // @ana and @room
    QVERIFY(info.lastMessage);
    QCOMPARE(info.lastMessage->seq, 3); // the newest message that is not deleted
    QCOMPARE(info.lastMessage->senderName, QStringLiteral("BEN"));
    QCOMPARE(info.lastMessage->text, QStringLiteral("everyone @room"));
    QVERIFY(info.lastMessage->attachments.isEmpty());
    QVERIFY(!info.peer);

    // Reading up to 2 leaves one unread, one mention; the read position never goes back.
    QCOMPARE(m_storage->markRead(room, ana, 2), 2);
    QCOMPARE(m_storage->markRead(room, ana, 1), 2);
    info = m_storage->roomList(ana, false).first();
    QCOMPARE(info.lastRead, 2);
    QCOMPARE(info.unread, 1);
    QCOMPARE(info.mentions, 1);
    QCOMPARE(m_storage->readStates(room), QList<ReadState>({{ana, 2}}));
    QCOMPARE(m_storage->markRead(room, cy, 2), -1); // not a member

    QVERIFY(m_storage->setRoomPrefs(room, ben, true, std::nullopt));
    QVERIFY(m_storage->setRoomPrefs(room, ben, std::nullopt, true));
    info = m_storage->roomForUser(room, ben).value();
    QVERIFY(info.muted);
    QVERIFY(info.pinned);
    QCOMPARE(info.unread, 1);
    QVERIFY(!m_storage->setRoomPrefs(room, cy, true, true));

    // Admins list every room; where they are no member the per-user figures are empty.
    QVERIFY(m_storage->roomList(cy, false).isEmpty());
    rooms = m_storage->roomList(cy, true);
    QCOMPARE(rooms.size(), 1);
    QVERIFY(!rooms.first().myRole);
    QCOMPARE(rooms.first().unread, 0);
}

void TestStorage::historyPages()
{
    const UserId ana = addUser(QStringLiteral("ana"), Role::Instructor);
    const UserId ben = addUser(QStringLiteral("ben"));
    const RoomId room = addCourse(QStringLiteral("Physics"), ana, QStringLiteral("CODE-1")).roomId;
    QVERIFY(m_storage->addCourseMember(m_storage->courseByRoom(room)->id, ben, Role::Student));
    for (int i = 1; i <= 10; ++i)
        QCOMPARE(post(room, i % 2 ? ana : ben, QStringLiteral("m%1").arg(i)), i);
    // Replies to 3 are in its thread, not in the timeline.
    QCOMPARE(post(room, ben, QStringLiteral("r1"), 3), 11);
    QCOMPARE(post(room, ana, QStringLiteral("r2"), 3), 12);
    QCOMPARE(post(room, ana, QStringLiteral("m13")), 13);

    const auto seqs = [](const HistoryPage &page) {
        QList<qint64> result;
        for (const MessageInfo &message : page.messages)
            result.append(message.seq);
        return result;
    };
    HistoryQuery query;
    query.limit = 4;
    HistoryPage page = m_storage->history(room, query).value();
    QCOMPARE(seqs(page), QList<qint64>({8, 9, 10, 13}));
    QVERIFY(page.hasMoreBefore);
    QVERIFY(!page.hasMoreAfter);

    query.before = 8;
    page = m_storage->history(room, query).value();
    QCOMPARE(seqs(page), QList<qint64>({4, 5, 6, 7}));
    QVERIFY(page.hasMoreBefore);
    QVERIFY(page.hasMoreAfter);
    query.before = 3;
    page = m_storage->history(room, query).value();
    QCOMPARE(seqs(page), QList<qint64>({1, 2}));
    QVERIFY(!page.hasMoreBefore);

    query = {};
    query.after = 9;
    query.limit = 100;
    page = m_storage->history(room, query).value();
    QCOMPARE(seqs(page), QList<qint64>({10, 13}));
    QVERIFY(!page.hasMoreAfter);

    query = {};
    query.around = 5;
    query.limit = 4;
    page = m_storage->history(room, query).value();
    QCOMPARE(seqs(page), QList<qint64>({4, 5, 6, 7}));
    QVERIFY(page.hasMoreBefore);
    QVERIFY(page.hasMoreAfter);

    query = {};
    query.threadRoot = 3;
    page = m_storage->history(room, query).value();
    QCOMPARE(seqs(page), QList<qint64>({3, 11, 12}));
    QCOMPARE(page.messages.first().replyCount, 2);
    QCOMPARE(page.messages.first().lastReplyTs, m_storage->message(room, 12)->timestamp);
    QCOMPARE(page.messages.at(1).threadRoot, 3);
}

void TestStorage::deletingTheLastCarrierRemovesTheFile()
{
    const UserId ana = addUser(QStringLiteral("ana"), Role::Instructor);
    const RoomId room = addCourse(QStringLiteral("Physics"), ana, QStringLiteral("CODE-1")).roomId;
    const AttachmentInfo shared{QString(64, QLatin1Char('a')), QStringLiteral("meme.png"), 10, QStringLiteral("image/png")};
    const AttachmentInfo pending{QString(64, QLatin1Char('b')), QStringLiteral("draft.txt"), 5, QStringLiteral("text/plain")};
    QVERIFY(m_storage->addAttachment(room, shared, ana, 900));
    QVERIFY(m_storage->addAttachment(room, pending, ana, 901)); // uploaded, not sent yet
    const auto send = [&] {
        const StorageResult<EventRecord> stored =
            m_storage->appendEvent(room, QStringLiteral("message.created"), ana, QString(),
                                   json({{QStringLiteral("text"), QStringLiteral("look")},
                                         {QStringLiteral("attachments"), QJsonArray{shared.toJson()}}}),
                                   1000 + m_clock++);
        return stored.ok() ? stored.value->seq : -1;
    };
    const auto remove = [&](qint64 seq) {
        return m_storage->appendEvent(room, QStringLiteral("message.deleted"), ana, QString(),
                                      json({{QStringLiteral("target"), seq}, {QStringLiteral("by"), ana.value()}}),
                                      2000 + m_clock++).ok();
    };
    const qint64 first = send();
    const qint64 second = send();
    QVERIFY(first > 0 && second > 0);
    // The room list carries the last message's files: a file-only one can read "📎 meme.png".
    std::optional<MessagePreview> last = m_storage->roomForUser(room, ana)->lastMessage;
    QVERIFY(last);
    QCOMPARE(last->seq, second);
    QCOMPARE(last->attachments, QList<AttachmentInfo>{shared});

    QVERIFY(remove(first));
    QVERIFY(m_storage->attachment(room, shared.id)); // the second message still carries it
    QVERIFY(remove(second));
    QVERIFY(!m_storage->attachment(room, shared.id));
    QVERIFY(m_storage->attachment(room, pending.id));
}

void TestStorage::unsentFilesAreDropped()
{
    const UserId ana = addUser(QStringLiteral("ana"), Role::Instructor);
    const RoomId room = addCourse(QStringLiteral("Physics"), ana, QStringLiteral("CODE-1")).roomId;
    const RoomId other = addCourse(QStringLiteral("Art"), ana, QStringLiteral("CODE-2")).roomId;
    const AttachmentInfo sent{QString(64, QLatin1Char('a')), QStringLiteral("meme.png"), 10, QStringLiteral("image/png")};
    const AttachmentInfo unsent{QString(64, QLatin1Char('b')), QStringLiteral("draft.txt"), 5, QStringLiteral("text/plain")};
    QVERIFY(m_storage->addAttachment(room, sent, ana, 900));
    QVERIFY(m_storage->addAttachment(room, unsent, ana, 901));
    QVERIFY(m_storage->addAttachment(other, sent, ana, 902)); // sent in the first room only
    QVERIFY(m_storage->appendEvent(room, QStringLiteral("message.created"), ana, QString(),
                                   json({{QStringLiteral("text"), QString()},
                                         {QStringLiteral("attachments"), QJsonArray{sent.toJson()}}}),
                                   1000).ok());
    // By upload time: nothing was uploaded before 900.
    QCOMPARE(m_storage->dropUnsentAttachments(900), QStringList());
    QStringList dropped = m_storage->dropUnsentAttachments(5000).value_or(QStringList{QStringLiteral("failed")});
    dropped.sort();
    QCOMPARE(dropped, (QStringList{sent.id, unsent.id}));
    QVERIFY(!m_storage->attachment(room, unsent.id));
    QVERIFY(!m_storage->attachment(other, sent.id));
    QVERIFY(m_storage->attachment(room, sent.id)); // a message carries it there
    QCOMPARE(m_storage->attachmentRoomCount(sent.id), 1);
    QCOMPARE(m_storage->attachmentRoomCount(unsent.id), 0);
    QCOMPARE(m_storage->dropUnsentAttachments(5000), QStringList());

    // The same file given to the room again counts from then on: a member whom attachment.upload
    // answered with the stored record has the whole time to send it.
    QVERIFY(m_storage->addAttachment(room, unsent, ana, 6000));
    QVERIFY(m_storage->addAttachment(room, unsent, ana, 8000));
    QCOMPARE(m_storage->dropUnsentAttachments(7000), QStringList());
    QVERIFY(m_storage->attachment(room, unsent.id));
}

void TestStorage::unsentFlagIsBackfilled()
{
    // A database as version 7 left it: which files were sent is known only from the messages.
    m_storage.reset();
    QCOMPARE(resetDatabase(), QString());
    std::unique_ptr<SqlStorage> old = makeStorage();
    QCOMPARE(old->connect(), QString());
    QCOMPARE(old->migrateTo(7), QString());
    const auto ana = old->createUser(QStringLiteral("ana"), QStringLiteral("Ana"), Role::Instructor, "h");
    QVERIFY(ana.ok());
    const StorageResult<CourseRecord> course = old->createCourse(QStringLiteral("Physics"), ana.value->info.id,
                                                                 QStringLiteral("CODE-1"), QString());
    QVERIFY(course.ok());
    const RoomId room = course.value->roomId;
    const AttachmentInfo sent{QString(64, QLatin1Char('a')), QStringLiteral("sent.png"), 10, QStringLiteral("image/png")};
    const AttachmentInfo unsent{QString(64, QLatin1Char('b')), QStringLiteral("draft.txt"), 5, QStringLiteral("text/plain")};
    const AttachmentInfo deleted{QString(64, QLatin1Char('c')), QStringLiteral("gone.txt"), 5, QStringLiteral("text/plain")};
    for (const AttachmentInfo &file : {sent, unsent, deleted})
        QVERIFY(old->addAttachment(room, file, ana.value->info.id, 900));
    for (const qint64 at : {1000, 2000}) {
        QVERIFY(old->appendEvent(room, QStringLiteral("message.created"), ana.value->info.id, QString(),
                                 messagePayload(QStringLiteral("files")), at).ok());
    }
    const auto carrying = [](const AttachmentInfo &file) {
        return QString::fromUtf8(QJsonDocument(QJsonArray{file.toJson()}).toJson(QJsonDocument::Compact));
    };
    QCOMPARE(probeExec(QStringLiteral("UPDATE messages SET attachments = '%1' WHERE seq = 1").arg(carrying(sent))), QString());
    QCOMPARE(probeExec(QStringLiteral("UPDATE messages SET attachments = '%1', deleted = 1 WHERE seq = 2").arg(carrying(deleted))),
             QString());
    old.reset();

    m_storage = makeStorage();
    QCOMPARE(m_storage->open(), QString());
    const auto sentAt = [this, room](const AttachmentInfo &file) {
        return queryValue(QStringLiteral("SELECT sent_at FROM attachments WHERE room_id = %1 AND id = '%2'")
                              .arg(room.value()).arg(file.id)).toLongLong();
    };
    QCOMPARE(sentAt(sent), 1000);
    QCOMPARE(sentAt(unsent), 0);
    QCOMPARE(sentAt(deleted), 0); // a deleted message carries nothing
    QStringList dropped = m_storage->dropUnsentAttachments(5000).value_or(QStringList{QStringLiteral("failed")});
    dropped.sort();
    QCOMPARE(dropped, (QStringList{unsent.id, deleted.id}));
    QVERIFY(m_storage->attachment(room, sent.id));

    // From now on storing the message marks its files.
    QVERIFY(m_storage->addAttachment(room, unsent, ana.value->info.id, 6000));
    QVERIFY(m_storage->appendEvent(room, QStringLiteral("message.created"), ana.value->info.id, QString(),
                                   json({{QStringLiteral("text"), QString()},
                                         {QStringLiteral("attachments"), QJsonArray{unsent.toJson()}}}),
                                   7000).ok());
    QCOMPARE(sentAt(unsent), 7000);
    QCOMPARE(m_storage->dropUnsentAttachments(9000), QStringList());
}

void TestStorage::editsDeletesAndReactions()
{
    const UserId ana = addUser(QStringLiteral("ana"), Role::Instructor);
    const UserId ben = addUser(QStringLiteral("ben"));
    const RoomId room = addCourse(QStringLiteral("Physics"), ana, QStringLiteral("CODE-1")).roomId;
    QCOMPARE(post(room, ana, QStringLiteral("first")), 1);
    QCOMPARE(post(room, ana, QStringLiteral("second")), 2);

    const auto react = [&](UserId user, const QString &emoji, bool on) {
        return m_storage->appendEvent(room, QStringLiteral("reaction.changed"), user, QString(),
                                      json({{QStringLiteral("target"), 1}, {QStringLiteral("emoji"), emoji},
                                            {QStringLiteral("userId"), user.value()}, {QStringLiteral("on"), on}}),
                                      3000 + m_clock++).ok();
    };
    QVERIFY(react(ben, QStringLiteral("👍"), true));
    QVERIFY(react(ana, QStringLiteral("👍"), true));
    QVERIFY(react(ana, QStringLiteral("🎉"), true));
    QVERIFY(react(ana, QStringLiteral("🎉"), false));
    QVERIFY(m_storage->hasReaction(room, 1, QStringLiteral("👍"), ben));
    QVERIFY(!m_storage->hasReaction(room, 1, QStringLiteral("🎉"), ana));
    MessageInfo first = m_storage->message(room, 1).value();
    QCOMPARE(first.reactions.size(), 1);
    QCOMPARE(first.reactions.first().emoji, QStringLiteral("👍"));
    QCOMPARE(first.reactions.first().users, QList<UserId>({ben, ana}));

    QVERIFY(m_storage->appendEvent(room, QStringLiteral("message.edited"), ana, QStringLiteral("e1"),
                                   json({{QStringLiteral("target"), 1}, {QStringLiteral("text"), QStringLiteral("first!")},
                                         {QStringLiteral("editedAt"), 4000},
                                         {QStringLiteral("mentions"), QJsonArray{ben.value()}},
                                         {QStringLiteral("mentionsRoom"), false}}),
                                   4000).ok());
    first = m_storage->message(room, 1).value();
    QCOMPARE(first.text, QStringLiteral("first!"));
    QCOMPARE(first.editedAt, 4000);
    QCOMPARE(first.mentions, QList<UserId>({ben}));

    QVERIFY(m_storage->appendEvent(room, QStringLiteral("message.deleted"), ana, QString(),
                                   json({{QStringLiteral("target"), 1}, {QStringLiteral("by"), ana.value()}}), 5000).ok());
    first = m_storage->message(room, 1).value();
    QVERIFY(first.deleted);
    QVERIFY(first.text.isEmpty());
    QVERIFY(first.reactions.isEmpty());
    QCOMPARE(first.sender.id, ana);
    // The log keeps every event for resume.
    QCOMPARE(m_storage->eventsAfter(room, 0, 100).size(), 8);
}

void TestStorage::searchMessages()
{
    const UserId ana = addUser(QStringLiteral("ana"), Role::Instructor);
    const UserId ben = addUser(QStringLiteral("ben"));
    const UserId olga = addUser(QStringLiteral("olga"));
    const CourseRecord physics = addCourse(QStringLiteral("Physics"), ana, QStringLiteral("CODE-1"));
    const CourseRecord secret = addCourse(QStringLiteral("Secret"), olga, QStringLiteral("CODE-2"));
    QVERIFY(m_storage->addCourseMember(physics.id, ben, Role::Student));
    const RoomId room = physics.roomId;
    QCOMPARE(post(room, ana, QStringLiteral("The quantum homework is due Friday")), 1);
    QCOMPARE(post(room, ben, QStringLiteral("Is the homework about quanta?")), 2);
    QCOMPARE(post(room, ben, QStringLiteral("Привет, café 日本")), 3);
    QCOMPARE(post(room, ana, QStringLiteral("homework deleted later")), 4);
    QVERIFY(m_storage->appendEvent(room, QStringLiteral("message.deleted"), ana, QString(),
                                   json({{QStringLiteral("target"), 4}, {QStringLiteral("by"), ana.value()}}), 9000).ok());
    QVERIFY(post(secret.roomId, olga, QStringLiteral("secret homework")) > 0);

    const auto search = [&](UserId user, const QStringList &words, const std::function<void(SearchQuery &)> &adjust = {}) {
        SearchQuery query;
        query.words = words;
        if (adjust)
            adjust(query);
        QList<qint64> seqs;
        const std::optional<QList<SearchHit>> hits = m_storage->searchMessages(user, query);
        if (!hits)
            return QList<qint64>({-1});
        for (const SearchHit &hit : *hits)
            seqs.append(hit.seq);
        return seqs;
    };
    // Newest first; deleted messages and other people's rooms are not found.
    QCOMPARE(search(ben, {QStringLiteral("homework")}), QList<qint64>({2, 1}));
    QCOMPARE(search(ben, {QStringLiteral("HOMEWORK"), QStringLiteral("quantum")}), QList<qint64>({1}));
    // The last word is a prefix.
    QCOMPARE(search(ben, {QStringLiteral("quant")}), QList<qint64>({2, 1}));
    QCOMPARE(search(ben, {QStringLiteral("привет")}), QList<qint64>({3}));
    QCOMPARE(search(ben, {QStringLiteral("café")}), QList<qint64>({3}));
    // Syntax characters are only separators.
    QCOMPARE(search(ben, {QStringLiteral("\"homework\" -quantum*")}), QList<qint64>({1}));
    QCOMPARE(search(ben, {QStringLiteral("***")}), QList<qint64>());
    QCOMPARE(search(olga, {QStringLiteral("homework")}).size(), 1);
    // Filters.
    QCOMPARE(search(ben, {QStringLiteral("homework")}, [&](SearchQuery &q) { q.sender = ana; }), QList<qint64>({1}));
    QCOMPARE(search(ben, {}, [&](SearchQuery &q) { q.sender = ben; }), QList<qint64>({3, 2}));
    QCOMPARE(search(ben, {QStringLiteral("homework")}, [&](SearchQuery &q) { q.room = secret.roomId; }), QList<qint64>());
    const qint64 secondTs = m_storage->message(room, 2)->timestamp;
    QCOMPARE(search(ben, {QStringLiteral("homework")}, [&](SearchQuery &q) { q.before = secondTs; }), QList<qint64>({1}));
    QCOMPARE(search(ben, {QStringLiteral("homework")}, [&](SearchQuery &q) { q.after = secondTs; }), QList<qint64>({2}));
    QCOMPARE(search(ben, {QStringLiteral("homework")}, [&](SearchQuery &q) { q.hasFile = true; }), QList<qint64>());
    QCOMPARE(search(ben, {QStringLiteral("homework")}, [&](SearchQuery &q) { q.limit = 1; }), QList<qint64>({2}));

    // An edit re-indexes the message in the same transaction.
    QVERIFY(m_storage->appendEvent(room, QStringLiteral("message.edited"), ben, QString(),
                                   json({{QStringLiteral("target"), 2}, {QStringLiteral("text"), QStringLiteral("about waves")},
                                         {QStringLiteral("editedAt"), 9500}}), 9500).ok());
    QCOMPARE(search(ben, {QStringLiteral("homework")}), QList<qint64>({1}));
    QCOMPARE(search(ben, {QStringLiteral("waves")}), QList<qint64>({2}));
}

void TestStorage::createRooms()
{
    const UserId ana = addUser(QStringLiteral("ana"), Role::Instructor);
    const UserId ben = addUser(QStringLiteral("ben"));
    const UserId cyd = addUser(QStringLiteral("cyd"));
    const CourseRecord course = addCourse(QStringLiteral("Physics"), ana, QStringLiteral("CODE-1"));
    QVERIFY(m_storage->addCourseMember(course.id, ben, Role::Student));

    // A direct room per pair, whichever side asks, with the peer in room.list.
    NewRoom direct;
    direct.kind = RoomKind::Direct;
    direct.creator = ben;
    direct.members = {cyd};
    const auto first = m_storage->createRoom(direct);
    QVERIFY(first.ok());
    QVERIFY(first.value->second);
    direct.creator = cyd;
    direct.members = {ben};
    const auto second = m_storage->createRoom(direct);
    QVERIFY(second.ok());
    QCOMPARE(second.value->first, first.value->first);
    QVERIFY(!second.value->second);
    const RoomInfo seenByBen = m_storage->roomForUser(first.value->first, ben).value();
    QCOMPARE(seenByBen.peer->username, QStringLiteral("cyd"));
    QCOMPARE(seenByBen.myRole, RoomRole::Member);
    QCOMPARE(seenByBen.memberCount, 2);
    // The database itself refuses a second row with the pair's key.
    QVERIFY(!probeExec(QStringLiteral("INSERT INTO rooms (kind, name, direct_key) VALUES ('direct', '', '%1:%2')")
                           .arg(std::min(ben.value(), cyd.value())).arg(std::max(ben.value(), cyd.value())))
                 .isEmpty());

    // A retried creation returns the first room; an announcement room takes the whole course.
    NewRoom announcement;
    announcement.kind = RoomKind::Announcement;
    announcement.name = QStringLiteral("News");
    announcement.courseId = course.id;
    announcement.creator = ana;
    announcement.clientId = QStringLiteral("news-1");
    const auto created = m_storage->createRoom(announcement);
    QVERIFY(created.ok() && created.value->second);
    announcement.name = QStringLiteral("Other");
    const auto retried = m_storage->createRoom(announcement);
    QVERIFY(retried.ok());
    QCOMPARE(retried.value->first, created.value->first);
    QVERIFY(!retried.value->second);
    const RoomId news = created.value->first;
    QCOMPARE(m_storage->roomRole(news, ana), RoomRole::Owner);
    QCOMPARE(m_storage->roomRole(news, ben), RoomRole::Member);
    QVERIFY(!m_storage->roomRole(news, cyd));
    // Enrolling later joins the announcement room too.
    QVERIFY(m_storage->addCourseMember(course.id, cyd, Role::Student));
    QCOMPARE(m_storage->roomRole(news, cyd), RoomRole::Member);
    QCOMPARE(m_storage->roomById(news)->kind, RoomKind::Announcement);
    QVERIFY(m_storage->sharesCourse(ben, cyd));
    // A role changes through the log: member.role.
    const QJsonObject promoted{{QStringLiteral("user"), m_storage->userById(cyd)->info.toJson()},
                               {QStringLiteral("role"), QStringLiteral("admin")},
                               {QStringLiteral("by"), ana.value()}};
    QVERIFY(m_storage->appendEvent(news, QStringLiteral("member.role"), ana, QStringLiteral("promote"),
                                   QJsonDocument(promoted).toJson(QJsonDocument::Compact), 5).ok());
    QCOMPARE(m_storage->roomRole(news, cyd), RoomRole::Admin);

    // Membership through the log: member.joined with a role adds, member.left removes.
    NewRoom study;
    study.kind = RoomKind::Study;
    study.name = QStringLiteral("Review");
    study.courseId = course.id;
    study.visibility = QStringLiteral("public");
    study.memberLimit = 4;
    study.creator = ben;
    const RoomId review = m_storage->createRoom(study).value->first;
    QCOMPARE(m_storage->publicStudyRooms(course.id, cyd).size(), 1);
    QVERIFY(!m_storage->publicStudyRooms(course.id, cyd).first().myRole);
    const UserInfo cydInfo = m_storage->userById(cyd)->info;
    QVERIFY(m_storage->appendEvent(review, QStringLiteral("member.joined"), cyd, QString(),
                                   json({{QStringLiteral("user"), cydInfo.toJson()}, {QStringLiteral("role"), QStringLiteral("member")}}),
                                   100).ok());
    QCOMPARE(m_storage->roomRole(review, cyd), RoomRole::Member);
    QVERIFY(m_storage->appendEvent(review, QStringLiteral("member.left"), cyd, QString(),
                                   json({{QStringLiteral("user"), cydInfo.toJson()}, {QStringLiteral("by"), cyd.value()}}),
                                   200).ok());
    QVERIFY(!m_storage->roomRole(review, cyd));
    const HistoryPage page = m_storage->history(review, {}).value();
    QCOMPARE(page.messages.size(), 2);
    QCOMPARE(page.messages.last().system.value(QStringLiteral("event")).toString(), QStringLiteral("member.left"));

    // room.updated renames and archives through the log.
    RoomInfo renamed = *m_storage->roomById(review);
    renamed.name = QStringLiteral("Finals review");
    renamed.archived = true;
    QVERIFY(m_storage->appendEvent(review, QStringLiteral("room.updated"), ben, QString(),
                                   json({{QStringLiteral("room"), renamed.sharedJson()}, {QStringLiteral("by"), ben.value()}}),
                                   300).ok());
    QCOMPARE(m_storage->roomById(review)->name, QStringLiteral("Finals review"));
    QVERIFY(m_storage->roomById(review)->archived);
}

namespace {

NewEvent memberEvent(const QString &kind, UserId by, const QString &clientId, qint64 user, const QString &role)
{
    const QString name = QStringLiteral("user%1").arg(user);
    const QJsonObject info{{QStringLiteral("id"), user}, {QStringLiteral("username"), name},
                           {QStringLiteral("displayName"), name}, {QStringLiteral("role"), QStringLiteral("student")}};
    return NewEvent{kind, by, clientId, json({{QStringLiteral("user"), info}, {QStringLiteral("role"), role}})};
}

} // namespace

void TestStorage::appendEventsIsAllOrNothing()
{
    const UserId ana = addUser(QStringLiteral("ana"));
    const UserId ben = addUser(QStringLiteral("ben"));
    const UserId cyd = addUser(QStringLiteral("cyd"));
    NewRoom group;
    group.name = QStringLiteral("Lab");
    group.creator = ana;
    group.clientId = QStringLiteral("g");
    const RoomId room = m_storage->createRoom(group).value->first;
    const auto join = [&](qint64 user) {
        return memberEvent(QStringLiteral("member.joined"), ana, QStringLiteral("add/%1").arg(user), user, QStringLiteral("member"));
    };

    // The second user does not exist: its row breaks a foreign key halfway, and the first one
    // is not added either: no member, no event, no system message.
    const auto failed = m_storage->appendEvents(room, {join(ben.value()), join(999999), join(cyd.value())}, 10);
    QVERIFY(!failed.ok());
    QCOMPARE(failed.error, StorageError::Failed);
    QCOMPARE(m_storage->lastSeq(room), 0);
    QVERIFY(!m_storage->roomRole(room, ben));
    QCOMPARE(m_storage->roomMembers(room).size(), 1);
    QCOMPARE(m_storage->history(room, {})->messages.size(), 0);

    const auto added = m_storage->appendEvents(room, {join(ben.value()), join(cyd.value())}, 11);
    QVERIFY(added.ok());
    QCOMPARE(added.value->size(), 2);
    QCOMPARE(added.value->at(0).seq, 1);
    QCOMPARE(added.value->at(1).seq, 2);
    QVERIFY(added.value->at(0).created && added.value->at(1).created);
    QCOMPARE(m_storage->roomRole(room, cyd), RoomRole::Member);
    // A retry returns the stored events and appends nothing.
    const auto retried = m_storage->appendEvents(room, {join(ben.value()), join(cyd.value())}, 12);
    QVERIFY(retried.ok());
    QCOMPARE(retried.value->size(), 2);
    QCOMPARE(retried.value->at(1).seq, 2);
    QVERIFY(!retried.value->at(0).created && !retried.value->at(1).created);
    QCOMPARE(m_storage->lastSeq(room), 2);
}

void TestStorage::ownerSuccessionOrder()
{
    const UserId ana = addUser(QStringLiteral("ana"));
    const UserId ben = addUser(QStringLiteral("ben"));
    const UserId cyd = addUser(QStringLiteral("cyd"));
    const UserId dan = addUser(QStringLiteral("dan"));
    NewRoom group;
    group.name = QStringLiteral("Lab");
    group.creator = ana;
    group.clientId = QStringLiteral("g");
    group.members = {cyd};
    const RoomId room = m_storage->createRoom(group).value->first;
    // Ben and dan join later, through the log; dan becomes an admin.
    QVERIFY(m_storage->appendEvents(room, {memberEvent(QStringLiteral("member.joined"), ana, QStringLiteral("b"), ben.value(), QStringLiteral("member")),
                                           memberEvent(QStringLiteral("member.joined"), ana, QStringLiteral("d"), dan.value(), QStringLiteral("member")),
                                           memberEvent(QStringLiteral("member.role"), ana, QStringLiteral("p"), dan.value(), QStringLiteral("admin"))},
                                    20).ok());
    // An admin first, however new.
    QCOMPARE(*m_storage->roomSuccessor(room, ana).value, dan);
    QVERIFY(m_storage->appendEvents(room, {memberEvent(QStringLiteral("member.role"), ana, QStringLiteral("q"), dan.value(), QStringLiteral("member"))},
                                    21).ok());
    // Else the longest-standing member: cyd came with the room, before ben, whose id is lower.
    QCOMPARE(*m_storage->roomSuccessor(room, ana).value, cyd);
    QCOMPARE(*m_storage->roomSuccessor(room, cyd).value, ana);
    // A disabled account is passed over: it could not use the room it would own. Only when
    // nobody else is left does one inherit it (re-enabled, it can act again).
    QVERIFY(m_storage->setDisabled(cyd, true));
    QCOMPARE(*m_storage->roomSuccessor(room, ana).value, ben);
    QVERIFY(m_storage->setDisabled(ben, true));
    QVERIFY(m_storage->setDisabled(dan, true));
    QCOMPARE(*m_storage->roomSuccessor(room, ana).value, cyd);

    NewRoom alone;
    alone.name = QStringLiteral("Alone");
    alone.creator = ben;
    alone.clientId = QStringLiteral("a");
    const RoomId solo = m_storage->createRoom(alone).value->first;
    const auto nobody = m_storage->roomSuccessor(solo, ben);
    QVERIFY(!nobody.ok());
    QCOMPARE(nobody.error, StorageError::NotFound);
}

void TestStorage::lastSeenIsKept()
{
    const UserId ana = addUser(QStringLiteral("ana"));
    QCOMPARE(m_storage->lastSeen(ana), 0);
    QVERIFY(m_storage->setLastSeen(ana, 1763758800000));
    QCOMPARE(m_storage->lastSeen(ana), 1763758800000);
    QVERIFY(!m_storage->setLastSeen(UserId(999999), 5));
    // A second connection (as after a restart) reads it.
    std::unique_ptr<SqlStorage> other = makeStorage();
    QCOMPARE(other->open(), QString());
    QCOMPARE(other->lastSeen(ana), 1763758800000);
}
