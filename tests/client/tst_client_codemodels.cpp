// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "codecommentmodel.h"
#include "codefilemodel.h"
#include "codeparticipantmodel.h"
#include "codetypes.h"
#include "document.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

using namespace Cohort;
using namespace Cohort::Client;

namespace {
UserInfo user(qint64 id, const QString &name)
{
    UserInfo info;
    info.id = UserId(id);
    info.username = name.toLower();
    info.displayName = name;
    return info;
}

CodeParticipant participant(qint64 id, const QString &name, CodeRole role, bool pending = false)
{
    CodeParticipant p;
    p.user = user(id, name);
    p.role = role;
    p.pending = pending;
    p.online = true;
    return p;
}

CodeCommentInfo comment(qint64 id, qint64 parent, qint64 file, qint64 createdAt, const QString &text)
{
    CodeCommentInfo c;
    c.id = CodeCommentId(id);
    c.parentId = CodeCommentId(parent);
    c.fileId = CodeFileId(file);
    c.author = user(1, QStringLiteral("Ana"));
    c.createdAt = createdAt;
    c.text = text;
    return c;
}

QStringList column(const QAbstractItemModel &model, int role)
{
    QStringList values;
    for (int row = 0; row < model.rowCount(); ++row)
        values.append(model.data(model.index(row, 0), role).toString());
    return values;
}
} // namespace

/// The code session's item models and wire types, without a server: order, live updates,
/// comment lines resolved through a real engine Document, and the JSON of docs/protocol.md.
class TestClientCodeModels : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init() { QStandardPaths::setTestModeEnabled(true); }
    void filesAreSortedAndShowWhoIsIn();
    void participantsHostsFirstPendingLast();
    void commentsAsThreadsOrderedByLine();
    void wireTypesParse();
    void huesAreStableAndSpread();
    void limitsFromWelcome();
};

void TestClientCodeModels::filesAreSortedAndShowWhoIsIn()
{
    CodeFileModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setFiles({{CodeFileId(1), QStringLiteral("src/main.py"), QStringLiteral("python")},
                    {CodeFileId(2), QStringLiteral("README.md"), QStringLiteral("markdown")}});
    QCOMPARE(column(model, CodeFileModel::PathRole), (QStringList{QStringLiteral("README.md"), QStringLiteral("src/main.py")}));
    QCOMPARE(model.data(model.index(1), CodeFileModel::NameRole).toString(), QStringLiteral("main.py"));
    QCOMPARE(model.data(model.index(1), CodeFileModel::FolderRole).toString(), QStringLiteral("src"));
    QCOMPARE(model.data(model.index(0), CodeFileModel::FolderRole).toString(), QString());

    // A rename moves the row; an unchanged upsert does nothing.
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    model.upsert({CodeFileId(2), QStringLiteral("zz/notes.md"), QStringLiteral("markdown")});
    QCOMPARE(column(model, CodeFileModel::PathRole), (QStringList{QStringLiteral("src/main.py"), QStringLiteral("zz/notes.md")}));
    model.upsert({CodeFileId(2), QStringLiteral("zz/notes.md"), QStringLiteral("markdown")});
    QCOMPARE(inserted.size(), 1);

    // Presence: a user is in one file at a time.
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.setUserFile(UserId(7), CodeFileId(1));
    model.setUserFile(UserId(3), CodeFileId(1));
    QCOMPARE(model.usersIn(CodeFileId(1)), (QList<UserId>{UserId(3), UserId(7)}));
    model.setUserFile(UserId(7), CodeFileId(2));
    QCOMPARE(model.usersIn(CodeFileId(1)), QList<UserId>{UserId(3)});
    QCOMPARE(model.data(model.index(1), CodeFileModel::ParticipantsRole).value<QList<qint64>>(), QList<qint64>{7});
    QVERIFY(changed.size() >= 3);
    model.remove(CodeFileId(1));
    QCOMPARE(model.rowCount(), 1);
    QVERIFY(model.usersIn(CodeFileId(1)).isEmpty());
}

void TestClientCodeModels::participantsHostsFirstPendingLast()
{
    CodeParticipantModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setParticipants({participant(1, QStringLiteral("Zoe"), CodeRole::Viewer),
                           participant(2, QStringLiteral("Ana"), CodeRole::Editor),
                           participant(3, QStringLiteral("Ines"), CodeRole::Host),
                           participant(4, QStringLiteral("Ben"), CodeRole::Viewer, true),
                           participant(5, QStringLiteral("Carl"), CodeRole::Viewer)});
    QCOMPARE(column(model, Qt::DisplayRole), (QStringList{QStringLiteral("Ines"), QStringLiteral("Ana"), QStringLiteral("Carl"),
                                                          QStringLiteral("Zoe"), QStringLiteral("Ben")}));

    // Pass the pen: Zoe becomes an editor and moves up; a selection follows her.
    QPersistentModelIndex zoe = model.index(model.rowOf(UserId(1)));
    model.update(UserId(1), [](CodeParticipant &p) { p.role = CodeRole::Editor; });
    QCOMPARE(column(model, Qt::DisplayRole), (QStringList{QStringLiteral("Ines"), QStringLiteral("Ana"), QStringLiteral("Zoe"),
                                                          QStringLiteral("Carl"), QStringLiteral("Ben")}));
    QCOMPARE(zoe.row(), 2);
    QCOMPARE(model.data(zoe, CodeParticipantModel::CodeRoleRole).toInt(), int(CodeRole::Editor));

    // A server object replaces the role but keeps where the user is (from cursor events).
    model.update(UserId(2), [](CodeParticipant &p) { p.fileId = CodeFileId(9); });
    model.upsert(participant(2, QStringLiteral("Ana"), CodeRole::Viewer));
    QCOMPARE(model.participant(UserId(2))->fileId, CodeFileId(9));
    QCOMPARE(model.participant(UserId(2))->role, CodeRole::Viewer);
    model.remove(UserId(4));
    QCOMPARE(model.rowCount(), 4);
    QCOMPARE(model.data(model.index(0), CodeParticipantModel::HueRole).toInt(), participantHue(UserId(3)));
}

void TestClientCodeModels::commentsAsThreadsOrderedByLine()
{
    // Comments resolve their lines through a real replica, so they move with its text.
    Collab::Document document(Collab::Document::randomAgent());
    document.insert(0, QStringLiteral("zero\none\ntwo\nthree\n"));
    const auto range = [&document](int firstLine, int lastLine) {
        const QString text = document.text();
        qsizetype start = 0;
        for (int l = 0; l < firstLine; ++l)
            start = text.indexOf(QLatin1Char('\n'), start) + 1;
        qsizetype end = start;
        for (int l = firstLine; l <= lastLine; ++l)
            end = text.indexOf(QLatin1Char('\n'), end) + 1;
        return std::make_pair(document.anchorAt(start, Collab::Anchor::Side::StickToNext),
                              document.anchorAt(end, Collab::Anchor::Side::StickToPrevious));
    };
    CodeCommentModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setLineResolver([&document](const CodeCommentInfo &c) -> std::optional<std::pair<int, int>> {
        if (c.fileId != CodeFileId(1))
            return std::nullopt;
        const QString text = document.text();
        const qsizetype start = document.resolve(c.start);
        const qsizetype end = std::max(start, document.resolve(c.end));
        const auto line = [&text](qsizetype at) { return int(QStringView(text).left(at).count(QLatin1Char('\n'))); };
        return std::make_pair(line(start), end > start ? line(end - 1) : line(start));
    });

    CodeCommentInfo late = comment(10, 0, 1, 100, QStringLiteral("on three"));
    std::tie(late.start, late.end) = range(3, 3);
    CodeCommentInfo early = comment(11, 0, 1, 200, QStringLiteral("on one and two"));
    std::tie(early.start, early.end) = range(1, 2);
    model.setComments({late, early, comment(12, 10, 1, 300, QStringLiteral("reply")),
                       comment(13, 0, 2, 50, QStringLiteral("other file"))});
    QCOMPARE(column(model, Qt::DisplayRole), (QStringList{QStringLiteral("on one and two"), QStringLiteral("on three"),
                                                          QStringLiteral("reply"), QStringLiteral("other file")}));
    QCOMPARE(model.data(model.index(0), CodeCommentModel::FirstLineRole).toInt(), 1);
    QCOMPARE(model.data(model.index(0), CodeCommentModel::LastLineRole).toInt(), 2);
    QCOMPARE(model.data(model.index(1), CodeCommentModel::ReplyCountRole).toInt(), 1);
    QCOMPARE(model.data(model.index(2), CodeCommentModel::FirstLineRole).toInt(), 3); // a reply shows its thread's lines
    QCOMPARE(model.data(model.index(3), CodeCommentModel::FirstLineRole).toInt(), -1); // file not open

    // Lines inserted above "three" but below "one": the later thread moves down, order stays.
    document.insert(document.text().indexOf(QStringLiteral("three")), QStringLiteral("a\nb\n"));
    model.refreshFile(CodeFileId(1));
    QCOMPARE(model.data(model.index(1), CodeCommentModel::FirstLineRole).toInt(), 5);
    QCOMPARE(model.data(model.index(0), CodeCommentModel::FirstLineRole).toInt(), 1);
    // Deleting every commented line collapses both ranges to the same place (line 1): then
    // the older thread goes first.
    document.remove(5, document.length() - 5);
    model.refreshFile(CodeFileId(1));
    QCOMPARE(model.data(model.index(0), CodeCommentModel::TextRole).toString(), QStringLiteral("on three"));
    QCOMPARE(model.data(model.index(0), CodeCommentModel::FirstLineRole).toInt(), 1);
    QCOMPARE(model.data(model.index(2), CodeCommentModel::FirstLineRole).toInt(), 1);

    // Resolving a thread shows on its replies too.
    model.setResolved(CodeCommentId(10), true);
    QVERIFY(model.data(model.index(model.rowOf(CodeCommentId(12))), CodeCommentModel::ResolvedRole).toBool());
    QCOMPARE(model.thread(CodeCommentId(10)).size(), 2);
    model.removeFile(CodeFileId(2));
    QCOMPARE(model.rowCount(), 3);
}

void TestClientCodeModels::wireTypesParse()
{
    const QJsonObject session{{QStringLiteral("id"), 4}, {QStringLiteral("roomId"), 31}, {QStringLiteral("title"), QStringLiteral("Lab 3")},
                              {QStringLiteral("ownerId"), 3}, {QStringLiteral("courseId"), 2}, {QStringLiteral("scope"), QStringLiteral("course")},
                              {QStringLiteral("hasAccessCode"), true}, {QStringLiteral("accessCode"), QStringLiteral("PX7Q")},
                              {QStringLiteral("maxCollaborators"), 30}, {QStringLiteral("locked"), false},
                              {QStringLiteral("approval"), true}, {QStringLiteral("lecture"), true},
                              {QStringLiteral("participantCount"), 12}, {QStringLiteral("myRole"), QStringLiteral("pending")}};
    const std::optional<CodeSessionInfo> info = CodeSessionInfo::fromJson(session);
    QVERIFY(info);
    QCOMPARE(info->id, CodeSessionId(4));
    QCOMPARE(info->roomId, RoomId(31));
    QCOMPARE(info->visibility, QStringLiteral("course"));
    QCOMPARE(info->accessCode, QStringLiteral("PX7Q"));
    QVERIFY(info->approval && info->lecture && info->pending && !info->myRole);
    QCOMPARE(info->lecturer, UserId(3));
    QVERIFY(!info->archived);
    QVERIFY(!CodeSessionInfo::fromJson({}));
    QJsonObject archived = session;
    archived.insert(QStringLiteral("archived"), true);
    archived.insert(QStringLiteral("archivedAt"), 1763760000000LL);
    QVERIFY(CodeSessionInfo::fromJson(archived)->archived);
    QCOMPARE(CodeSessionInfo::fromJson(archived)->archivedAt, 1763760000000LL);

    Collab::Document document(Collab::Document::randomAgent());
    document.insert(0, QStringLiteral("abc"));
    const Collab::Anchor start = document.anchorAt(1, Collab::Anchor::Side::StickToNext);
    const QJsonObject json{{QStringLiteral("id"), 9}, {QStringLiteral("fileId"), 12}, {QStringLiteral("parentId"), 0},
                           {QStringLiteral("author"), user(3, QStringLiteral("Ines")).toJson()},
                           {QStringLiteral("anchorStart"), QString::fromLatin1(start.toBytes().toBase64())},
                           {QStringLiteral("anchorEnd"), QString()}, {QStringLiteral("text"), QStringLiteral("Why?")},
                           {QStringLiteral("resolved"), true}, {QStringLiteral("createdAt"), 1000}};
    const std::optional<CodeCommentInfo> c = CodeCommentInfo::fromJson(json);
    QVERIFY(c);
    QVERIFY(c->isThreadRoot());
    QCOMPARE(c->start, start);
    QCOMPARE(document.resolve(c->start), 1);
    QCOMPARE(c->end, Collab::Anchor{}); // a reply's empty anchor
    QVERIFY(c->resolved);
    QJsonObject broken = json;
    broken.insert(QStringLiteral("anchorStart"), QStringLiteral("AAAAAAAA"));
    QVERIFY(!CodeCommentInfo::fromJson(broken));

    const std::optional<CodeParticipant> p = CodeParticipant::fromJson(
        {{QStringLiteral("user"), user(7, QStringLiteral("Ben")).toJson()}, {QStringLiteral("role"), QStringLiteral("editor")},
         {QStringLiteral("online"), true}});
    QVERIFY(p);
    QCOMPARE(p->role, CodeRole::Editor);
    QVERIFY(p->online);
    QCOMPARE(parseCodeRole(codeRoleName(CodeRole::Host)), CodeRole::Host);
    QVERIFY(!parseCodeRole(QStringLiteral("owner")));
}

void TestClientCodeModels::huesAreStableAndSpread()
{
    QCOMPARE(participantHue(UserId(5)), participantHue(UserId(5)));
    // Neighbouring ids (a class created in one go) get clearly different colours.
    for (qint64 id = 1; id < 40; ++id) {
        const int a = participantHue(UserId(id));
        const int b = participantHue(UserId(id + 1));
        const int distance = std::min(std::abs(a - b), 360 - std::abs(a - b));
        QVERIFY2(distance >= 60, qPrintable(QStringLiteral("%1 vs %2").arg(a).arg(b)));
        QVERIFY(a >= 0 && a < 360);
    }
}

void TestClientCodeModels::limitsFromWelcome()
{
    // Nothing announced: the protocol's defaults.
    QCOMPARE(Client::CodeLimits::fromJson({}), Client::CodeLimits());
    const Client::CodeLimits limits = Client::CodeLimits::fromJson(
        {{QStringLiteral("maxFiles"), 10}, {QStringLiteral("maxFileLength"), 5000},
         {QStringLiteral("maxUpdateBytes"), 4096}, {QStringLiteral("maxContentLength"), 1000},
         {QStringLiteral("maxVersions"), 3}, {QStringLiteral("maxSessions"), 2}, {QStringLiteral("joinRetrySeconds"), 0}});
    QCOMPARE(limits.maxFiles, 10);
    QCOMPARE(limits.maxFileLength, 5000);
    QCOMPARE(limits.maxUpdateBytes, 4096);
    QCOMPARE(limits.maxContentLength, 1000);
    QCOMPARE(limits.maxVersions, 3);
    QCOMPARE(limits.maxSessions, 2);
    QCOMPARE(limits.joinRetrySeconds, 0);
    // Nonsense keeps the default rather than a limit of zero that would stop every edit.
    QCOMPARE(Client::CodeLimits::fromJson({{QStringLiteral("maxUpdateBytes"), -1}}).maxUpdateBytes, 32 * 1024);
    QCOMPARE(Client::CodeLimits::fromJson({{QStringLiteral("maxUpdateBytes"), QStringLiteral("big")}}).maxUpdateBytes,
             32 * 1024);
}

QTEST_GUILESS_MAIN(TestClientCodeModels)
#include "tst_client_codemodels.moc"
