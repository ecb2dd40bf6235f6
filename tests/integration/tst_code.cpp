// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
// Code sessions end to end: real clients with real engine replicas against a real server.
#include "codestorage.h"
#include "document.h"
#include "metrics.h"
#include "rawwebsocket.h"
#include "testclient.h"
#include "testserver.h"

#include <QJsonArray>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QtTest>

using namespace Cohort;
using namespace Cohort::Protocol;
using Cohort::Test::TestClient;

namespace {

QString b64(const QByteArray &bytes)
{
    return QString::fromLatin1(bytes.toBase64());
}

QByteArray unb64(const QJsonValue &value)
{
    return QByteArray::fromBase64(value.toString().toLatin1());
}

/// One client's replica of one file, fed by its doc.update events.
struct Replica
{
    Collab::Document document;
    qint64 fileId = 0;
    qsizetype applied = 0; // doc.update events of the client already applied

    void catchUp(const TestClient &client)
    {
        const QList<Frame> &events = client.ephemeralEvents();
        for (; applied < events.size(); ++applied) {
            const Frame &event = events.at(applied);
            if (event.event == EventDocUpdate && event.data.value(QStringLiteral("fileId")).toInteger() == fileId)
                QVERIFY(document.apply(unb64(event.data.value(QStringLiteral("update")))).ok());
        }
    }
};

} // namespace

class TestCode : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dataDir;
    std::unique_ptr<Test::TestServer> m_server;
    std::unique_ptr<TestClient> m_teacher; // instructor of the course
    std::unique_ptr<TestClient> m_ana;     // students in the course
    std::unique_ptr<TestClient> m_ben;
    std::unique_ptr<TestClient> m_eve;     // a student in no course
    qint64 m_courseId = 0;
    int m_nextClientId = 0;

    QString clientId() { return QStringLiteral("k-%1").arg(++m_nextClientId); }

    std::unique_ptr<TestClient> signedIn(const QString &username)
    {
        auto client = std::make_unique<TestClient>();
        if (!client->connectTo(m_server->url()) || !client->signIn(username, QStringLiteral("password-123")))
            return nullptr;
        return client;
    }

    static qint64 userId(const TestClient &client)
    {
        return client.session().value(QStringLiteral("user")).toObject().value(QStringLiteral("id")).toInteger();
    }

    static void expectError(const std::optional<Frame> &frame, ErrorCode code)
    {
        QVERIFY2(frame, "no reply");
        QCOMPARE(frame->type, FrameType::Error);
        QCOMPARE(errorCodeName(frame->code), errorCodeName(code));
        QVERIFY(!frame->message.isEmpty());
    }

    /// A refusal clients tell apart by `details.reason` (docs/protocol.md, Errors), not by its message.
    static void expectRefusal(const std::optional<Frame> &frame, ErrorCode code, const QString &reason)
    {
        expectError(frame, code);
        QCOMPARE(frame->details.value(KeyReason).toString(), reason);
    }

    static std::optional<Frame> waitForEvent(TestClient &client, const QString &name, int timeoutMs = 5000)
    {
        auto find = [&]() -> std::optional<Frame> {
            const QList<Frame> &events = isEphemeralEvent(name) ? client.ephemeralEvents() : client.events();
            for (qsizetype i = events.size() - 1; i >= 0; --i) {
                if (events.at(i).event == name)
                    return events.at(i);
            }
            return std::nullopt;
        };
        if (!QTest::qWaitFor([&] { return find().has_value(); }, timeoutMs))
            return std::nullopt;
        return find();
    }

    /// Changes the configuration of the next startServer() (limits under test).
    std::function<void(Server::ServerConfig &)> m_configure;

    void startServer(bool addAccounts, qint64 maxPendingBytes = 0)
    {
        Server::ServerConfig config = Test::TestServer::testConfig();
        config.dataDir = m_dataDir.path();
        if (m_configure)
            m_configure(config);
        if (maxPendingBytes > 0)
            config.maxPendingBytesPerConnection = maxPendingBytes;
        config.requestsPerSecond = 2000;
        config.requestBurst = 2000;
        m_server = std::make_unique<Test::TestServer>();
        QCOMPARE(m_server->start(config), QString());
        if (addAccounts) {
            QVERIFY(m_server->addUser(QStringLiteral("teacher"), Role::Instructor).isValid());
            for (const char *name : {"ana", "ben", "eve"})
                QVERIFY(m_server->addUser(QString::fromLatin1(name), Role::Student).isValid());
        }
        m_teacher = signedIn(QStringLiteral("teacher"));
        m_ana = signedIn(QStringLiteral("ana"));
        m_ben = signedIn(QStringLiteral("ben"));
        m_eve = signedIn(QStringLiteral("eve"));
        QVERIFY(m_teacher && m_ana && m_ben && m_eve);
    }

    void restartServer(qint64 maxPendingBytes = 0)
    {
        m_teacher.reset();
        m_ana.reset();
        m_ben.reset();
        m_eve.reset();
        QVERIFY(m_server->stop());
        m_server.reset();
        startServer(false, maxPendingBytes);
    }

    /// A session of the course by the teacher; returns its id.
    qint64 createSession(const QJsonObject &extra = {})
    {
        QJsonObject data{{QStringLiteral("clientId"), clientId()},
                         {QStringLiteral("title"), QStringLiteral("Lab 3")},
                         {QStringLiteral("courseId"), m_courseId},
                         {QStringLiteral("scope"), QStringLiteral("course")}};
        for (auto it = extra.begin(); it != extra.end(); ++it)
            data.insert(it.key(), it.value());
        bool ok = false;
        const QJsonObject session = m_teacher->call(Op::CodeCreate, data, &ok).value(QStringLiteral("session")).toObject();
        return ok ? session.value(QStringLiteral("id")).toInteger() : 0;
    }

    QJsonObject join(TestClient &client, qint64 session, const QJsonObject &extra = {})
    {
        QJsonObject data{{QStringLiteral("sessionId"), session}};
        for (auto it = extra.begin(); it != extra.end(); ++it)
            data.insert(it.key(), it.value());
        bool ok = false;
        const QJsonObject result = client.call(Op::CodeJoin, data, &ok);
        return ok ? result : QJsonObject();
    }

    qint64 createFile(TestClient &client, qint64 session, const QString &path, const QString &content = QString())
    {
        bool ok = false;
        const QJsonObject file = client.call(Op::FileCreate, {{QStringLiteral("clientId"), clientId()},
                                                              {QStringLiteral("sessionId"), session},
                                                              {QStringLiteral("path"), path},
                                                              {QStringLiteral("language"), QStringLiteral("python")},
                                                              {QStringLiteral("content"), content}},
                                            &ok)
                                     .value(QStringLiteral("file")).toObject();
        return ok ? file.value(QStringLiteral("id")).toInteger() : 0;
    }

    /// file.open and a replica under the agent that code.join handed out.
    std::optional<Replica> open(TestClient &client, qint64 session, qint64 file, quint64 agent)
    {
        bool ok = false;
        const QJsonObject result =
            client.call(Op::FileOpen, {{QStringLiteral("sessionId"), session}, {QStringLiteral("fileId"), file}}, &ok);
        if (!ok)
            return std::nullopt;
        std::optional<Collab::Document> document = Collab::Document::decode(agent, unb64(result.value(QStringLiteral("state"))));
        if (!document)
            return std::nullopt;
        return Replica{std::move(*document), file, client.ephemeralEvents().size()};
    }

    std::optional<Frame> sendUpdate(TestClient &client, qint64 session, qint64 file, const QByteArray &update)
    {
        return client.request(Op::DocUpdate, {{QStringLiteral("sessionId"), session},
                                              {QStringLiteral("fileId"), file},
                                              {QStringLiteral("update"), b64(update)}});
    }

    QString exported(TestClient &client, qint64 session, const QString &path)
    {
        bool ok = false;
        const QJsonArray files =
            client.call(Op::CodeExport, {{QStringLiteral("sessionId"), session}}, &ok).value(QStringLiteral("files")).toArray();
        for (const QJsonValue &file : files) {
            if (file.toObject().value(QStringLiteral("path")).toString() == path)
                return file.toObject().value(QStringLiteral("content")).toString();
        }
        return QStringLiteral("<missing>");
    }

    static quint64 agentOf(const QJsonObject &joined)
    {
        return quint64(joined.value(QStringLiteral("agent")).toInteger());
    }

    /// code.archive, code.unarchive or code.delete with a new clientId unless one is given.
    std::optional<Frame> lifecycle(TestClient &client, Op op, qint64 session, const QString &id = QString())
    {
        return client.request(op, {{QStringLiteral("clientId"), id.isEmpty() ? clientId() : id},
                                   {QStringLiteral("sessionId"), session}});
    }

    /// The ids code.list gives the client, with archived sessions or without.
    static QList<qint64> listed(TestClient &client, bool archived = false)
    {
        QJsonObject data;
        if (archived)
            data.insert(QStringLiteral("archived"), true);
        bool ok = false;
        QList<qint64> ids;
        for (const QJsonValue &session : client.call(Op::CodeList, data, &ok).value(QStringLiteral("sessions")).toArray())
            ids.append(session.toObject().value(QStringLiteral("id")).toInteger());
        return ok ? ids : QList<qint64>{-1};
    }

    static qsizetype eventCount(const TestClient &client, const QString &name)
    {
        return std::count_if(client.events().cbegin(), client.events().cend(),
                             [&](const Frame &event) { return event.event == name; });
    }

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void init()
    {
        QVERIFY(m_dataDir.isValid());
        QDir(m_dataDir.path()).removeRecursively();
        QVERIFY(QDir().mkpath(m_dataDir.path()));
        startServer(true);
        bool ok = false;
        m_courseId = m_teacher->call(Op::CourseCreate, {{QStringLiteral("name"), QStringLiteral("CS 1")},
                                                        {QStringLiteral("clientId"), QStringLiteral("course-1")}}, &ok)
                         .value(QStringLiteral("course")).toObject().value(QStringLiteral("id")).toInteger();
        QVERIFY(ok);
        m_teacher->call(Op::CourseEnroll, {{QStringLiteral("courseId"), m_courseId},
                                           {QStringLiteral("usernames"), QJsonArray{QStringLiteral("ana"), QStringLiteral("ben")}}},
                        &ok);
        QVERIFY(ok);
    }

    void cleanup()
    {
        m_teacher.reset();
        m_ana.reset();
        m_ben.reset();
        m_eve.reset();
        m_server.reset();
        m_configure = nullptr;
    }

    void welcomeAnnouncesCode()
    {
        TestClient client;
        QVERIFY(client.open(m_server->url()));
        const auto welcome = client.hello();
        QVERIFY(welcome);
        QVERIFY(welcome->capabilities.contains(CapabilityCode));
        // The limits, so that clients do not hard-code them.
        const QJsonObject code = welcome->data.value(QStringLiteral("code")).toObject();
        QCOMPARE(code.value(QStringLiteral("maxUpdateBytes")).toInt(), MaxCodeUpdateBytes);
        QCOMPARE(code.value(QStringLiteral("maxFileLength")).toInt(), MaxCodeFileLength);
        QCOMPARE(code.value(QStringLiteral("maxFiles")).toInt(), MaxCodeFilesPerSession);
        QCOMPARE(code.value(QStringLiteral("maxContentLength")).toInt(), MaxCodeContentLength);
        QCOMPARE(code.value(QStringLiteral("maxVersions")).toInt(), 100);
        QCOMPARE(code.value(QStringLiteral("maxSessions")).toInt(), 50);
        QCOMPARE(code.value(QStringLiteral("maxStoredSessions")).toInt(), 200);
        QCOMPARE(code.value(QStringLiteral("joinRetrySeconds")).toInt(), 30);
    }

    void quotasRefuseWithTheLimit()
    {
        m_configure = [](Server::ServerConfig &config) {
            config.maxCodeVersionsPerSession = 2;
            config.maxCodeSessionsPerOwner = 2;
        };
        restartServer();
        TestClient probe;
        QVERIFY(probe.open(m_server->url()));
        const auto welcome = probe.hello();
        QVERIFY(welcome);
        QCOMPARE(welcome->data.value(QStringLiteral("code")).toObject().value(QStringLiteral("maxVersions")).toInt(), 2);
        QCOMPARE(welcome->data.value(QStringLiteral("code")).toObject().value(QStringLiteral("maxSessions")).toInt(), 2);

        // Versions: the third is refused, naming the limit; the two kept are untouched.
        const qint64 session = createSession();
        QVERIFY(session > 0);
        join(*m_teacher, session);
        QVERIFY(createFile(*m_teacher, session, QStringLiteral("a.py"), QStringLiteral("a = 1\n")) > 0);
        const auto version = [&](const QString &name) {
            return m_teacher->request(Op::VersionCreate, {{QStringLiteral("clientId"), clientId()},
                                                          {QStringLiteral("sessionId"), session},
                                                          {QStringLiteral("name"), name}});
        };
        QCOMPARE(version(QStringLiteral("one"))->type, FrameType::Result);
        QCOMPARE(version(QStringLiteral("two"))->type, FrameType::Result);
        const std::optional<Frame> third = version(QStringLiteral("three"));
        expectError(third, ErrorCode::Conflict);
        QVERIFY2(third->message.contains(QLatin1String("2 versions")), qPrintable(third->message));
        bool ok = false;
        QCOMPARE(m_teacher->call(Op::VersionList, {{QStringLiteral("sessionId"), session}}, &ok)
                     .value(QStringLiteral("versions")).toArray().size(), 2);

        // Sessions: a third open one is refused; locking one frees its place.
        QVERIFY(createSession() > 0);
        const std::optional<Frame> refused = m_teacher->request(Op::CodeCreate, {{QStringLiteral("clientId"), clientId()},
                                                                                {QStringLiteral("title"), QStringLiteral("Lab 4")}});
        expectError(refused, ErrorCode::Conflict);
        QVERIFY2(refused->message.contains(QLatin1String("2 open code sessions")), qPrintable(refused->message));
        QCOMPARE(refused->details, QJsonObject({{KeyReason, ReasonOpenLimit}}));
        m_teacher->call(Op::CodeUpdate, {{QStringLiteral("clientId"), clientId()}, {QStringLiteral("sessionId"), session},
                                         {QStringLiteral("locked"), true}}, &ok);
        QVERIFY(ok);
        QVERIFY(createSession() > 0);
        // Each owner has their own count.
        QCOMPARE(m_ana->request(Op::CodeCreate, {{QStringLiteral("clientId"), clientId()},
                                                 {QStringLiteral("title"), QStringLiteral("Mine")}})->type,
                 FrameType::Result);
    }

    void versionDeleteIsTheWayOutOfTheLimit()
    {
        m_configure = [](Server::ServerConfig &config) { config.maxCodeVersionsPerSession = 2; };
        restartServer();
        const qint64 session = createSession();
        const qint64 other = createSession();
        QVERIFY(session > 0 && other > 0);
        join(*m_teacher, session);
        QVERIFY(createFile(*m_teacher, session, QStringLiteral("a.py"), QStringLiteral("a = 1\n")) > 0);
        const auto version = [&](qint64 in, const QString &name) {
            return m_teacher->request(Op::VersionCreate, {{QStringLiteral("clientId"), clientId()},
                                                          {QStringLiteral("sessionId"), in}, {QStringLiteral("name"), name}});
        };
        const qint64 first = version(session, QStringLiteral("one"))->data.value(QStringLiteral("version")).toObject()
                                 .value(QStringLiteral("id")).toInteger();
        QVERIFY(first > 0);
        QCOMPARE(version(session, QStringLiteral("two"))->type, FrameType::Result);
        expectError(version(session, QStringLiteral("three")), ErrorCode::Conflict);
        join(*m_teacher, other);
        const qint64 elsewhere = version(other, QStringLiteral("other"))->data.value(QStringLiteral("version")).toObject()
                                     .value(QStringLiteral("id")).toInteger();
        QVERIFY(elsewhere > 0);
        join(*m_ana, session);
        const auto remove = [&](TestClient &client, const QJsonObject &data) {
            return client.request(Op::VersionDelete, data);
        };
        const auto ids = [&](qint64 in, qint64 versionId) {
            return QJsonObject{{QStringLiteral("clientId"), clientId()}, {QStringLiteral("sessionId"), in},
                               {QStringLiteral("versionId"), versionId}};
        };

        // Hosts only; a version of another session, an unknown one or a missing field are refused.
        expectError(remove(*m_ana, ids(session, first)), ErrorCode::Forbidden);
        expectError(remove(*m_teacher, ids(session, elsewhere)), ErrorCode::NotFound);
        expectError(remove(*m_teacher, ids(session, first + 1000)), ErrorCode::NotFound);
        expectError(remove(*m_teacher, {{QStringLiteral("clientId"), clientId()}, {QStringLiteral("sessionId"), session}}),
                    ErrorCode::BadRequest);
        expectError(remove(*m_teacher, ids(session, 0)), ErrorCode::BadRequest);
        bool ok = false;
        QCOMPARE(m_teacher->call(Op::VersionList, {{QStringLiteral("sessionId"), session}}, &ok)
                     .value(QStringLiteral("versions")).toArray().size(), 2);

        // The host deletes one: the participants are told, a retry is answered alike, and the
        // freed place takes a new version.
        const QJsonObject request = ids(session, first);
        QCOMPARE(remove(*m_teacher, request)->type, FrameType::Result);
        const std::optional<Frame> told = waitForEvent(*m_ana, EventVersionDeleted);
        QVERIFY(told);
        QCOMPARE(told->data.value(QStringLiteral("versionId")).toInteger(), first);
        QCOMPARE(remove(*m_teacher, request)->type, FrameType::Result);
        expectError(remove(*m_teacher, ids(session, first)), ErrorCode::NotFound);
        const QJsonArray left = m_ana->call(Op::VersionList, {{QStringLiteral("sessionId"), session}}, &ok)
                                    .value(QStringLiteral("versions")).toArray();
        QCOMPARE(left.size(), 1);
        QCOMPARE(left.at(0).toObject().value(QStringLiteral("name")).toString(), QStringLiteral("two"));
        QCOMPARE(version(session, QStringLiteral("three"))->type, FrameType::Result);
        QCOMPARE(m_teacher->call(Op::VersionList, {{QStringLiteral("sessionId"), other}}, &ok)
                     .value(QStringLiteral("versions")).toArray().size(), 1);
    }

    void editorsConvergeAndLateJoinerGetsState()
    {
        const qint64 session = createSession();
        QVERIFY(session > 0);
        const QJsonObject teacherJoin = join(*m_teacher, session);
        QCOMPARE(teacherJoin.value(QStringLiteral("session")).toObject().value(QStringLiteral("myRole")).toString(),
                 QStringLiteral("host"));
        const qint64 file = createFile(*m_teacher, session, QStringLiteral("src/main.py"), QStringLiteral("print(1)\n"));
        QVERIFY(file > 0);
        const QJsonObject anaJoin = join(*m_ana, session);
        QCOMPARE(anaJoin.value(QStringLiteral("session")).toObject().value(QStringLiteral("myRole")).toString(),
                 QStringLiteral("editor"));
        QCOMPARE(anaJoin.value(QStringLiteral("files")).toArray().size(), 1);
        QVERIFY(!anaJoin.value(QStringLiteral("session")).toObject().contains(QStringLiteral("accessCode")));
        QVERIFY(agentOf(anaJoin) != agentOf(teacherJoin));

        auto teacher = open(*m_teacher, session, file, agentOf(teacherJoin));
        auto ana = open(*m_ana, session, file, agentOf(anaJoin));
        QVERIFY(teacher && ana);
        QCOMPARE(ana->document.text(), QStringLiteral("print(1)\n"));

        // Both type at once; each gets the other's update and they converge.
        const auto t = sendUpdate(*m_teacher, session, file, teacher->document.insert(0, QStringLiteral("# teacher\n")));
        const auto a = sendUpdate(*m_ana, session, file, ana->document.insert(9, QStringLiteral("print(2)\n")));
        QVERIFY(t && a);
        QCOMPARE(t->type, FrameType::Result);
        QCOMPARE(a->type, FrameType::Result);
        QCOMPARE(t->data.value(QStringLiteral("n")).toInteger() + a->data.value(QStringLiteral("n")).toInteger(), 3);
        QTRY_VERIFY((teacher->catchUp(*m_teacher), ana->catchUp(*m_ana),
                     teacher->document.text() == ana->document.text() && teacher->document.length() > 20));
        QCOMPARE(teacher->document.text(), QStringLiteral("# teacher\nprint(1)\nprint(2)\n"));

        // A late joiner gets the current state, and a reconnecting replica just the difference.
        // With since, the session's logged events are replayed first, as room.join does.
        const QJsonObject benJoin = join(*m_ben, session, {{QStringLiteral("since"), 0}});
        const qint64 roomId = benJoin.value(QStringLiteral("session")).toObject().value(QStringLiteral("roomId")).toInteger();
        QVERIFY(roomId > 0);
        // file.created, ana's participant.joined, then ben's own, each once.
        QCOMPARE(benJoin.value(QStringLiteral("lastSeq")).toInteger(), 3);
        QCOMPARE(m_ben->events().size(), 3);
        QCOMPARE(m_ben->events().at(0).event, EventFileCreated);
        QCOMPARE(m_ben->events().at(0).room.value(), roomId);
        QCOMPARE(m_ben->events().at(2).event, EventParticipantJoined);
        QCOMPARE(m_ben->events().at(2).seq, 3);
        auto ben = open(*m_ben, session, file, agentOf(benJoin));
        QVERIFY(ben);
        QCOMPARE(ben->document.text(), teacher->document.text());
        Collab::Document stale(Collab::Document::randomAgent());
        bool ok = false;
        const QJsonObject diff = m_ben->call(Op::FileOpen, {{QStringLiteral("sessionId"), session},
                                                            {QStringLiteral("fileId"), file},
                                                            {QStringLiteral("version"), b64(stale.version())}}, &ok);
        QVERIFY(ok);
        QVERIFY(stale.apply(unb64(diff.value(QStringLiteral("diff")))).ok());
        QCOMPARE(stale.text(), teacher->document.text());
        QCOMPARE(exported(*m_ben, session, QStringLiteral("src/main.py")), teacher->document.text());

        // Participants and presence.
        const QJsonArray participants = benJoin.value(QStringLiteral("participants")).toArray();
        QCOMPARE(participants.size(), 3);
        QVERIFY(waitForEvent(*m_teacher, EventParticipantOnline));
        QVERIFY(waitForEvent(*m_teacher, EventParticipantJoined));
    }

    void viewersAreReadOnlyAndThePenPasses()
    {
        const qint64 session = createSession({{QStringLiteral("lecture"), true}});
        join(*m_teacher, session);
        const qint64 file = createFile(*m_teacher, session, QStringLiteral("a.py"), QStringLiteral("x = 1\n"));
        const QJsonObject anaJoin = join(*m_ana, session);
        QCOMPARE(anaJoin.value(QStringLiteral("session")).toObject().value(QStringLiteral("myRole")).toString(),
                 QStringLiteral("viewer"));
        QVERIFY(anaJoin.value(QStringLiteral("session")).toObject().value(QStringLiteral("lecture")).toBool());
        auto ana = open(*m_ana, session, file, agentOf(anaJoin));
        QVERIFY(ana);

        expectError(sendUpdate(*m_ana, session, file, ana->document.insert(0, QStringLiteral("hacked "))), ErrorCode::Forbidden);
        expectError(m_ana->request(Op::FileCreate, {{QStringLiteral("clientId"), clientId()}, {QStringLiteral("sessionId"), session},
                                                    {QStringLiteral("path"), QStringLiteral("b.py")},
                                                    {QStringLiteral("language"), QStringLiteral("python")}}),
                    ErrorCode::Forbidden);
        expectError(m_ana->request(Op::FileDelete, {{QStringLiteral("clientId"), clientId()}, {QStringLiteral("sessionId"), session},
                                                    {QStringLiteral("fileId"), file}}),
                    ErrorCode::Forbidden);
        QCOMPARE(exported(*m_teacher, session, QStringLiteral("a.py")), QStringLiteral("x = 1\n"));

        // Pass the pen: ana edits while she is an editor, and no longer once taken back.
        bool ok = false;
        const QJsonObject given = m_teacher->call(Op::CodeSetRole, {{QStringLiteral("clientId"), clientId()},
                                                                    {QStringLiteral("sessionId"), session},
                                                                    {QStringLiteral("userId"), userId(*m_ana)},
                                                                    {QStringLiteral("codeRole"), QStringLiteral("editor")}}, &ok);
        QVERIFY(ok);
        QCOMPARE(given.value(QStringLiteral("participant")).toObject().value(QStringLiteral("role")).toString(),
                 QStringLiteral("editor"));
        QVERIFY(waitForEvent(*m_ana, EventParticipantRole));
        Collab::Document fresh = *Collab::Document::decode(agentOf(anaJoin), [&] {
            bool opened = false;
            return unb64(m_ana->call(Op::FileOpen, {{QStringLiteral("sessionId"), session}, {QStringLiteral("fileId"), file}}, &opened)
                             .value(QStringLiteral("state")));
        }());
        const auto accepted = sendUpdate(*m_ana, session, file, fresh.insert(0, QStringLiteral("# ana\n")));
        QVERIFY(accepted);
        QCOMPARE(accepted->type, FrameType::Result);
        m_teacher->call(Op::CodeSetRole, {{QStringLiteral("clientId"), clientId()}, {QStringLiteral("sessionId"), session},
                                          {QStringLiteral("userId"), userId(*m_ana)},
                                          {QStringLiteral("codeRole"), QStringLiteral("viewer")}}, &ok);
        QVERIFY(ok);
        expectError(sendUpdate(*m_ana, session, file, fresh.insert(0, QStringLiteral("again "))), ErrorCode::Forbidden);
        QCOMPARE(exported(*m_teacher, session, QStringLiteral("a.py")), QStringLiteral("# ana\nx = 1\n"));

        // Host-only ops from a student, and the owner's role.
        expectError(m_ana->request(Op::CodeUpdate, {{QStringLiteral("clientId"), clientId()}, {QStringLiteral("sessionId"), session},
                                                    {QStringLiteral("locked"), true}}),
                    ErrorCode::Forbidden);
        expectError(m_ana->request(Op::VersionCreate, {{QStringLiteral("clientId"), clientId()}, {QStringLiteral("sessionId"), session},
                                                       {QStringLiteral("name"), QStringLiteral("v")}}),
                    ErrorCode::Forbidden);
        expectError(m_teacher->request(Op::CodeSetRole, {{QStringLiteral("clientId"), clientId()}, {QStringLiteral("sessionId"), session},
                                                         {QStringLiteral("userId"), userId(*m_teacher)},
                                                         {QStringLiteral("codeRole"), QStringLiteral("viewer")}}),
                    ErrorCode::Forbidden);
    }

    void accessCodeAndPrivateSessions()
    {
        bool ok = false;
        const qint64 session = m_ana->call(Op::CodeCreate, {{QStringLiteral("clientId"), clientId()},
                                                            {QStringLiteral("title"), QStringLiteral("Ana's lab")},
                                                            {QStringLiteral("accessCode"), QStringLiteral(" pair-42 ")}}, &ok)
                                   .value(QStringLiteral("session")).toObject().value(QStringLiteral("id")).toInteger();
        QVERIFY(ok);
        expectRefusal(m_ben->request(Op::CodeJoin, {{QStringLiteral("sessionId"), session}}), ErrorCode::NotFound, ReasonNotFound);
        expectRefusal(m_ben->request(Op::CodeJoin, {{QStringLiteral("sessionId"), session}, {QStringLiteral("accessCode"), QStringLiteral("nope")}}),
                      ErrorCode::Forbidden, ReasonAccessCode);
        QVERIFY(!join(*m_eve, session, {{QStringLiteral("accessCode"), QStringLiteral("PAIR-42")}}).isEmpty());
        // Guessing is limited: ten attempts a minute, after which even the right code waits.
        std::optional<Frame> guess;
        for (int attempt = 1; attempt < 20; ++attempt) {
            guess = m_ben->request(Op::CodeJoin, {{QStringLiteral("sessionId"), session},
                                                  {QStringLiteral("accessCode"), QStringLiteral("guess-%1").arg(attempt)}});
            if (guess && guess->code == ErrorCode::RateLimited)
                break;
        }
        expectRefusal(guess, ErrorCode::RateLimited, ReasonAccessCodeAttempts);
        QVERIFY(guess->retryAfterMs > 0);
        expectRefusal(m_ben->request(Op::CodeJoin, {{QStringLiteral("sessionId"), session}, {QStringLiteral("accessCode"), QStringLiteral("PAIR-42")}}),
                      ErrorCode::RateLimited, ReasonAccessCodeAttempts);
        // Once a participant, no code is needed again.
        QVERIFY(!join(*m_eve, session).isEmpty());

        // Students may not create course sessions; a private session without a code is invisible.
        expectError(m_ana->request(Op::CodeCreate, {{QStringLiteral("clientId"), clientId()}, {QStringLiteral("title"), QStringLiteral("x")},
                                                    {QStringLiteral("courseId"), m_courseId}, {QStringLiteral("scope"), QStringLiteral("course")}}),
                    ErrorCode::Forbidden);
        const qint64 hidden = createSession({{QStringLiteral("scope"), QStringLiteral("private")}});
        expectRefusal(m_ben->request(Op::CodeJoin, {{QStringLiteral("sessionId"), hidden}}), ErrorCode::NotFound, ReasonNotFound);
        expectRefusal(m_eve->request(Op::CodeJoin, {{QStringLiteral("sessionId"), createSession()}}), ErrorCode::NotFound, ReasonNotFound);

        // code.list: ben sees the course session, not the private ones.
        const QJsonArray listed = m_ben->call(Op::CodeList, {}, &ok).value(QStringLiteral("sessions")).toArray();
        QVERIFY(ok);
        QCOMPARE(listed.size(), 1);
        QCOMPARE(listed.at(0).toObject().value(QStringLiteral("myRole")), QJsonValue(QJsonValue::Null));
    }

    void lockAndMaxCollaborators()
    {
        const qint64 session = createSession({{QStringLiteral("maxCollaborators"), 2}});
        join(*m_teacher, session);
        QVERIFY(!join(*m_ana, session).isEmpty());
        expectRefusal(m_ben->request(Op::CodeJoin, {{QStringLiteral("sessionId"), session}}), ErrorCode::Conflict, ReasonFull);

        bool ok = false;
        m_teacher->call(Op::CodeUpdate, {{QStringLiteral("clientId"), clientId()}, {QStringLiteral("sessionId"), session},
                                         {QStringLiteral("maxCollaborators"), 10}, {QStringLiteral("locked"), true}}, &ok);
        QVERIFY(ok);
        QVERIFY(waitForEvent(*m_ana, EventCodeUpdated));
        expectRefusal(m_ben->request(Op::CodeJoin, {{QStringLiteral("sessionId"), session}}), ErrorCode::Conflict, ReasonLocked);
        // Existing participants still come back.
        QVERIFY(m_ana->request(Op::CodeLeave, {{QStringLiteral("sessionId"), session}}));
        QVERIFY(!join(*m_ana, session).isEmpty());
    }

    void hostApprovesJoiners()
    {
        const qint64 session = createSession({{QStringLiteral("approval"), true}});
        join(*m_teacher, session);
        bool ok = false;
        const QJsonObject waiting = m_ana->call(Op::CodeJoin, {{QStringLiteral("sessionId"), session}}, &ok);
        QVERIFY(ok);
        QVERIFY(waiting.value(QStringLiteral("pending")).toBool());
        QVERIFY(!waiting.contains(QStringLiteral("files")));
        const auto request = waitForEvent(*m_teacher, EventCodeJoinRequest);
        QVERIFY(request);
        QCOMPARE(request->data.value(QStringLiteral("user")).toObject().value(QStringLiteral("id")).toInteger(), userId(*m_ana));
        // Pending is not a participant yet.
        expectError(m_ana->request(Op::CodeExport, {{QStringLiteral("sessionId"), session}}), ErrorCode::Forbidden);
        const QJsonArray requests = join(*m_teacher, session).value(QStringLiteral("requests")).toArray();
        QCOMPARE(requests.size(), 1);

        m_teacher->call(Op::CodeApprove, {{QStringLiteral("sessionId"), session}, {QStringLiteral("userId"), userId(*m_ana)},
                                          {QStringLiteral("allow"), true}}, &ok);
        QVERIFY(ok);
        QVERIFY(waitForEvent(*m_ana, EventCodeApproved));
        QCOMPARE(join(*m_ana, session).value(QStringLiteral("session")).toObject().value(QStringLiteral("myRole")).toString(),
                 QStringLiteral("editor"));

        QVERIFY(m_ben->call(Op::CodeJoin, {{QStringLiteral("sessionId"), session}}, &ok).value(QStringLiteral("pending")).toBool());
        m_teacher->call(Op::CodeApprove, {{QStringLiteral("sessionId"), session}, {QStringLiteral("userId"), userId(*m_ben)},
                                          {QStringLiteral("allow"), false}}, &ok);
        QVERIFY(ok);
        QVERIFY(waitForEvent(*m_ben, EventCodeDenied));
        expectError(m_teacher->request(Op::CodeApprove, {{QStringLiteral("sessionId"), session}, {QStringLiteral("userId"), userId(*m_ben)},
                                                         {QStringLiteral("allow"), true}}),
                    ErrorCode::NotFound);
    }

    void joinRequestsCannotFloodTheHost()
    {
        m_configure = [](Server::ServerConfig &config) {
            config.maxCodeJoinRequests = 1;
            config.codeJoinRetrySeconds = 2;
        };
        restartServer();
        const qint64 session = createSession({{QStringLiteral("approval"), true}});
        join(*m_teacher, session);
        bool ok = false;
        QVERIFY(m_ana->call(Op::CodeJoin, {{QStringLiteral("sessionId"), session}}, &ok).value(QStringLiteral("pending")).toBool());
        QVERIFY(waitForEvent(*m_teacher, EventCodeJoinRequest));
        // Asking again (another device, a retry) is the same request: the host hears of it once.
        auto second = signedIn(QStringLiteral("ana"));
        QVERIFY(second);
        QVERIFY(second->call(Op::CodeJoin, {{QStringLiteral("sessionId"), session}}, &ok).value(QStringLiteral("pending")).toBool());
        QVERIFY(m_ana->call(Op::CodeJoin, {{QStringLiteral("sessionId"), session}}, &ok).value(QStringLiteral("pending")).toBool());
        QCOMPARE(join(*m_teacher, session).value(QStringLiteral("requests")).toArray().size(), 1);
        qsizetype requests = 0;
        for (const Frame &event : m_teacher->ephemeralEvents())
            requests += event.event == EventCodeJoinRequest ? 1 : 0;
        QCOMPARE(requests, qsizetype(1));

        // The host's queue is bounded: Ben has to wait until Ana's request is answered.
        expectRefusal(m_ben->request(Op::CodeJoin, {{QStringLiteral("sessionId"), session}}), ErrorCode::Conflict,
                      ReasonApprovalQueueFull);

        // Declined, Ana may not ask again at once; she is told how long to wait.
        m_teacher->call(Op::CodeApprove, {{QStringLiteral("sessionId"), session}, {QStringLiteral("userId"), userId(*m_ana)},
                                          {QStringLiteral("allow"), false}}, &ok);
        QVERIFY(ok);
        const std::optional<Frame> tooSoon = m_ana->request(Op::CodeJoin, {{QStringLiteral("sessionId"), session}});
        expectRefusal(tooSoon, ErrorCode::RateLimited, ReasonDeclined);
        QVERIFY(tooSoon->retryAfterMs > 0 && tooSoon->retryAfterMs <= 2000);
        // Ben's place in the queue is free now.
        QVERIFY(m_ben->call(Op::CodeJoin, {{QStringLiteral("sessionId"), session}}, &ok).value(QStringLiteral("pending")).toBool());
        m_teacher->call(Op::CodeApprove, {{QStringLiteral("sessionId"), session}, {QStringLiteral("userId"), userId(*m_ben)},
                                          {QStringLiteral("allow"), true}}, &ok);
        QVERIFY(ok);
        // After the wait she may ask again.
        QTRY_VERIFY_WITH_TIMEOUT(m_ana->call(Op::CodeJoin, {{QStringLiteral("sessionId"), session}}, &ok)
                                     .value(QStringLiteral("pending")).toBool(), 5000);
    }

    void hostRemovesAParticipant()
    {
        const qint64 session = createSession();
        join(*m_teacher, session);
        const qint64 file = createFile(*m_teacher, session, QStringLiteral("r.py"), QStringLiteral("x = 1\n"));
        const QJsonObject anaJoin = join(*m_ana, session);
        auto ana = open(*m_ana, session, file, agentOf(anaJoin));
        QVERIFY(ana);
        join(*m_ben, session);
        const auto remove = [&](TestClient &by, qint64 user) {
            return by.request(Op::CodeRemove, {{QStringLiteral("clientId"), clientId()},
                                               {QStringLiteral("sessionId"), session},
                                               {QStringLiteral("userId"), user}});
        };
        // Only hosts remove, and never a host (the owner is always one).
        expectError(remove(*m_ben, userId(*m_ana)), ErrorCode::Forbidden);
        expectError(remove(*m_teacher, userId(*m_teacher)), ErrorCode::Forbidden);
        expectError(remove(*m_teacher, userId(*m_eve)), ErrorCode::NotFound);

        QCOMPARE(remove(*m_teacher, userId(*m_ana))->type, FrameType::Result);
        // Ana is told why and is out at once: her next edit is refused, never applied.
        const std::optional<Frame> removed = waitForEvent(*m_ana, EventCodeRemoved);
        QVERIFY(removed);
        QCOMPARE(removed->data.value(QStringLiteral("by")).toInteger(), userId(*m_teacher));
        expectError(sendUpdate(*m_ana, session, file, ana->document.insert(0, QStringLiteral("# still here\n"))),
                    ErrorCode::Forbidden);
        QCOMPARE(exported(*m_teacher, session, QStringLiteral("r.py")), QStringLiteral("x = 1\n"));
        // Everyone else sees her leave the participants.
        const std::optional<Frame> left = waitForEvent(*m_ben, EventParticipantRemoved);
        QVERIFY(left);
        QCOMPARE(left->data.value(QStringLiteral("userId")).toInteger(), userId(*m_ana));
        bool ok = false;
        const QJsonArray participants = join(*m_teacher, session).value(QStringLiteral("participants")).toArray();
        for (const QJsonValue &p : participants)
            QVERIFY(p.toObject().value(QStringLiteral("user")).toObject().value(QStringLiteral("id")).toInteger() != userId(*m_ana));

        // A course member in a session without approval: she still waits for a host now,
        // also after a restart of the server.
        restartServer();
        join(*m_teacher, session);
        QVERIFY(m_ana->call(Op::CodeJoin, {{QStringLiteral("sessionId"), session}}, &ok).value(QStringLiteral("pending")).toBool());
        QVERIFY(waitForEvent(*m_teacher, EventCodeJoinRequest));
        m_teacher->call(Op::CodeApprove, {{QStringLiteral("sessionId"), session}, {QStringLiteral("userId"), userId(*m_ana)},
                                          {QStringLiteral("allow"), true}}, &ok);
        QVERIFY(ok);
        QVERIFY(waitForEvent(*m_ana, EventCodeApproved));
        QCOMPARE(join(*m_ana, session).value(QStringLiteral("session")).toObject().value(QStringLiteral("myRole")).toString(),
                 QStringLiteral("editor"));
        // Let back in, she is a participant like before: leaving and joining needs nobody.
        m_ana->call(Op::CodeLeave, {{QStringLiteral("sessionId"), session}}, &ok);
        QCOMPARE(join(*m_ana, session).value(QStringLiteral("session")).toObject().value(QStringLiteral("myRole")).toString(),
                 QStringLiteral("editor"));
    }

    void archiveIsForTheOwnerAndAdmins()
    {
        QVERIFY(m_server->addUser(QStringLiteral("root"), Role::Admin).isValid());
        auto admin = signedIn(QStringLiteral("root"));
        QVERIFY(admin);
        const qint64 session = createSession();
        join(*m_teacher, session);
        const qint64 file = createFile(*m_teacher, session, QStringLiteral("a.py"), QStringLiteral("a = 1\n"));
        const QJsonObject anaJoin = join(*m_ana, session);
        QCOMPARE(anaJoin.value(QStringLiteral("session")).toObject().value(QStringLiteral("archived")).toBool(true), false);
        auto ana = open(*m_ana, session, file, agentOf(anaJoin));
        QVERIFY(ana);
        join(*m_ben, session);
        bool ok = false;
        const auto setRole = [&](qint64 user, const char *role) {
            m_teacher->call(Op::CodeSetRole, {{QStringLiteral("clientId"), clientId()}, {QStringLiteral("sessionId"), session},
                                              {QStringLiteral("userId"), user}, {QStringLiteral("codeRole"), QLatin1String(role)}},
                            &ok);
            return ok;
        };
        QVERIFY(setRole(userId(*m_ben), "viewer"));

        // Editors, viewers and other hosts may not; an outsider does not learn that it exists.
        for (const Op op : {Op::CodeArchive, Op::CodeUnarchive, Op::CodeDelete}) {
            expectError(lifecycle(*m_ana, op, session), ErrorCode::Forbidden);
            expectError(lifecycle(*m_ben, op, session), ErrorCode::Forbidden);
            expectError(lifecycle(*m_eve, op, session), ErrorCode::NotFound);
        }
        QVERIFY(setRole(userId(*m_ben), "host"));
        expectError(lifecycle(*m_ben, Op::CodeArchive, session), ErrorCode::Forbidden);
        QVERIFY(setRole(userId(*m_ben), "viewer"));
        // Bad input: unknown session, wrong types, no clientId.
        expectError(lifecycle(*m_teacher, Op::CodeArchive, 999999), ErrorCode::NotFound);
        expectError(lifecycle(*m_teacher, Op::CodeDelete, 999999), ErrorCode::NotFound);
        expectError(m_teacher->request(Op::CodeArchive, {{QStringLiteral("clientId"), clientId()},
                                                         {QStringLiteral("sessionId"), QStringLiteral("x")}}),
                    ErrorCode::BadRequest);
        expectError(m_teacher->request(Op::CodeDelete, {{QStringLiteral("sessionId"), session}}), ErrorCode::BadRequest);
        expectError(m_teacher->request(Op::CodeList, {{QStringLiteral("archived"), QStringLiteral("yes")}}), ErrorCode::BadRequest);

        // Only an archived session is deleted: no single click throws live work away.
        const std::optional<Frame> live = lifecycle(*m_teacher, Op::CodeDelete, session);
        expectError(live, ErrorCode::Conflict);
        QVERIFY2(live->message.contains(QLatin1String("archive")), qPrintable(live->message));
        QCOMPARE(lifecycle(*m_teacher, Op::CodeUnarchive, session)->type, FrameType::Result);
        QCOMPARE(exported(*m_ana, session, QStringLiteral("a.py")), QStringLiteral("a = 1\n"));

        // The owner archives: the participants are told and are out of it.
        const std::optional<Frame> archived = lifecycle(*m_teacher, Op::CodeArchive, session);
        QCOMPARE(archived->type, FrameType::Result);
        const QJsonObject archivedSession = archived->data.value(QStringLiteral("session")).toObject();
        QVERIFY(archivedSession.value(QStringLiteral("archived")).toBool());
        QVERIFY(archivedSession.value(QStringLiteral("archivedAt")).toInteger() > 0);
        for (TestClient *participant : {m_ana.get(), m_ben.get()}) {
            const std::optional<Frame> told = waitForEvent(*participant, EventCodeArchived);
            QVERIFY(told);
            QCOMPARE(told->data.value(QStringLiteral("sessionId")).toInteger(), session);
            QCOMPARE(told->data.value(QStringLiteral("by")).toInteger(), userId(*m_teacher));
        }
        expectError(sendUpdate(*m_ana, session, file, ana->document.insert(0, QStringLiteral("# late\n"))),
                    ErrorCode::Forbidden);
        expectRefusal(m_ana->request(Op::CodeJoin, {{QStringLiteral("sessionId"), session}}), ErrorCode::Conflict, ReasonArchived);
        expectRefusal(m_eve->request(Op::CodeJoin, {{QStringLiteral("sessionId"), session}}), ErrorCode::NotFound, ReasonNotFound);
        // The owner keeps it, read-only: opens and exports, every write is refused.
        const QJsonObject ownerJoin = join(*m_teacher, session);
        QCOMPARE(ownerJoin.value(QStringLiteral("session")).toObject().value(QStringLiteral("myRole")).toString(),
                 QStringLiteral("host"));
        QVERIFY(ownerJoin.value(QStringLiteral("session")).toObject().value(QStringLiteral("archived")).toBool());
        auto owner = open(*m_teacher, session, file, agentOf(ownerJoin));
        QVERIFY(owner);
        QCOMPARE(owner->document.text(), QStringLiteral("a = 1\n"));
        expectError(sendUpdate(*m_teacher, session, file, owner->document.insert(0, QStringLiteral("#"))), ErrorCode::Conflict);
        expectError(m_teacher->request(Op::FileCreate, {{QStringLiteral("clientId"), clientId()}, {QStringLiteral("sessionId"), session},
                                                        {QStringLiteral("path"), QStringLiteral("b.py")},
                                                        {QStringLiteral("language"), QStringLiteral("python")}}),
                    ErrorCode::Conflict);
        expectError(m_teacher->request(Op::VersionCreate, {{QStringLiteral("clientId"), clientId()}, {QStringLiteral("sessionId"), session},
                                                           {QStringLiteral("name"), QStringLiteral("v")}}),
                    ErrorCode::Conflict);
        expectError(m_teacher->request(Op::CodeUpdate, {{QStringLiteral("clientId"), clientId()}, {QStringLiteral("sessionId"), session},
                                                        {QStringLiteral("title"), QStringLiteral("New")}}),
                    ErrorCode::Conflict);
        expectError(m_teacher->request(Op::CommentAdd, {{QStringLiteral("clientId"), clientId()}, {QStringLiteral("sessionId"), session},
                                                        {QStringLiteral("fileId"), file},
                                                        {QStringLiteral("anchorStart"), b64(owner->document.anchorAt(0, Collab::Anchor::Side::StickToNext).toBytes())},
                                                        {QStringLiteral("anchorEnd"), b64(owner->document.anchorAt(1, Collab::Anchor::Side::StickToPrevious).toBytes())},
                                                        {QStringLiteral("text"), QStringLiteral("hm")}}),
                    ErrorCode::Conflict);
        QCOMPARE(exported(*m_teacher, session, QStringLiteral("a.py")), QStringLiteral("a = 1\n"));
        // Listed to its owner only, and only when asked for.
        QVERIFY(!listed(*m_teacher).contains(session));
        QVERIFY(listed(*m_teacher, true).contains(session));
        QVERIFY(!listed(*m_ana).contains(session));
        QVERIFY(!listed(*m_ana, true).contains(session));
        QVERIFY(!listed(*m_ana).contains(-1));

        // An admin unarchives: the class is back in.
        const std::optional<Frame> back = lifecycle(*admin, Op::CodeUnarchive, session);
        QCOMPARE(back->type, FrameType::Result);
        QVERIFY(!back->data.value(QStringLiteral("session")).toObject().value(QStringLiteral("archived")).toBool(true));
        QVERIFY(waitForEvent(*m_teacher, EventCodeUnarchived));
        QCOMPARE(join(*m_ana, session).value(QStringLiteral("session")).toObject().value(QStringLiteral("myRole")).toString(),
                 QStringLiteral("editor"));
        QVERIFY(listed(*m_ana).contains(session));

        // An admin archives and deletes: the documents, comments and versions are gone for good.
        QCOMPARE(lifecycle(*admin, Op::CodeArchive, session)->type, FrameType::Result);
        QCOMPARE(lifecycle(*admin, Op::CodeDelete, session)->type, FrameType::Result);
        QVERIFY(waitForEvent(*m_teacher, EventCodeDeleted));
        expectRefusal(m_teacher->request(Op::CodeJoin, {{QStringLiteral("sessionId"), session}}), ErrorCode::NotFound, ReasonNotFound);
        expectError(m_teacher->request(Op::CodeExport, {{QStringLiteral("sessionId"), session}}), ErrorCode::NotFound);
        expectError(lifecycle(*m_teacher, Op::CodeUnarchive, session), ErrorCode::NotFound);
        QVERIFY(!listed(*m_teacher, true).contains(session));
        Server::CodeStorage &storage = m_server->server().storage().code();
        QVERIFY(!storage.codeSession(Server::CodeSessionId(session)));
        QVERIFY(storage.codeFiles(Server::CodeSessionId(session)).isEmpty());
        QVERIFY(!storage.codeFile(Server::CodeFileId(file)));
    }

    void unlockingNeedsAPlaceInTheQuota()
    {
        m_configure = [](Server::ServerConfig &config) { config.maxCodeSessionsPerOwner = 2; };
        restartServer();
        const qint64 first = createSession();
        const qint64 second = createSession();
        QVERIFY(first > 0 && second > 0);
        join(*m_teacher, first);
        const auto setLocked = [&](bool locked) {
            return m_teacher->request(Op::CodeUpdate, {{QStringLiteral("clientId"), clientId()},
                                                       {QStringLiteral("sessionId"), first},
                                                       {QStringLiteral("locked"), locked}});
        };
        QCOMPARE(setLocked(true)->type, FrameType::Result);
        // Locked, it frees its place, and a third session takes it.
        QVERIFY(createSession() > 0);
        // Unlocking it again would make three open sessions of two allowed: as with unarchiving,
        // the owner archives or locks another first. Else lock, create, unlock lifts any limit.
        const std::optional<Frame> full = setLocked(false);
        expectError(full, ErrorCode::Conflict);
        QVERIFY2(full->message.contains(QLatin1String("2 open code sessions")), qPrintable(full->message));
        QVERIFY(join(*m_teacher, first).value(QStringLiteral("session")).toObject().value(QStringLiteral("locked")).toBool());
        // Other changes of a locked session still go through.
        bool ok = false;
        m_teacher->call(Op::CodeUpdate, {{QStringLiteral("clientId"), clientId()}, {QStringLiteral("sessionId"), first},
                                         {QStringLiteral("title"), QStringLiteral("Lab 3 (done)")}}, &ok);
        QVERIFY(ok);
        // Archiving another one makes room.
        QCOMPARE(lifecycle(*m_teacher, Op::CodeArchive, second)->type, FrameType::Result);
        QCOMPARE(setLocked(false)->type, FrameType::Result);
    }

    void adminListsEveryArchivedSession()
    {
        QVERIFY(m_server->addUser(QStringLiteral("root"), Role::Admin).isValid());
        auto admin = signedIn(QStringLiteral("root"));
        QVERIFY(admin);
        // Ana's private session, with Ben in it, and the teacher's course session; both archived.
        bool ok = false;
        const qint64 anas = m_ana->call(Op::CodeCreate, {{QStringLiteral("clientId"), clientId()},
                                                         {QStringLiteral("title"), QStringLiteral("Ana's notes")},
                                                         {QStringLiteral("scope"), QStringLiteral("private")}}, &ok)
                                .value(QStringLiteral("session")).toObject().value(QStringLiteral("id")).toInteger();
        QVERIFY(ok && anas > 0);
        const qint64 teachers = createSession();
        QVERIFY(teachers > 0);
        join(*m_ana, anas);
        m_ana->call(Op::CodeSetRole, {{QStringLiteral("clientId"), clientId()}, {QStringLiteral("sessionId"), anas},
                                      {QStringLiteral("userId"), userId(*m_ben)}, {QStringLiteral("codeRole"), QStringLiteral("editor")}},
                    &ok);
        QVERIFY(ok);
        QCOMPARE(lifecycle(*m_ana, Op::CodeArchive, anas)->type, FrameType::Result);
        QCOMPARE(lifecycle(*m_teacher, Op::CodeArchive, teachers)->type, FrameType::Result);

        // Nobody but the owner lists an archived session: not a participant, not the course's
        // teacher, not a stranger.
        QVERIFY(listed(*m_ana, true).contains(anas));
        QVERIFY(!listed(*m_ana, true).contains(teachers));
        QVERIFY(!listed(*m_ben, true).contains(anas));
        QVERIFY(!listed(*m_teacher, true).contains(anas));
        QVERIFY(!listed(*m_eve, true).contains(anas));
        // An admin lists every one of the server, newest first, with the owner's name, and
        // only with the Archived toggle.
        QVERIFY(!listed(*admin).contains(anas));
        QCOMPARE(listed(*admin, true), (QList<qint64>{teachers, anas}));
        const QJsonArray sessions =
            admin->call(Op::CodeList, {{QStringLiteral("archived"), true}}, &ok).value(QStringLiteral("sessions")).toArray();
        QVERIFY(ok);
        QCOMPARE(sessions.at(1).toObject().value(QStringLiteral("ownerName")).toString(), QStringLiteral("ANA"));
        QCOMPARE(sessions.at(1).toObject().value(QStringLiteral("archived")).toBool(), true);
        // ...and manages them without joining: unarchive one, delete the other.
        QCOMPARE(lifecycle(*admin, Op::CodeUnarchive, teachers)->type, FrameType::Result);
        QCOMPARE(lifecycle(*admin, Op::CodeDelete, anas)->type, FrameType::Result);
        QCOMPARE(listed(*admin, true), QList<qint64>{});
        QVERIFY(listed(*m_teacher).contains(teachers));
        QVERIFY(!listed(*m_ana, true).contains(anas));
    }

    void archivedListPages()
    {
        QVERIFY(m_server->addUser(QStringLiteral("root"), Role::Admin).isValid());
        auto admin = signedIn(QStringLiteral("root"));
        QVERIFY(admin);
        // Archived sessions of two owners, interleaved, and one live session of the admin's own.
        QList<qint64> archived;
        for (int i = 0; i < 7; ++i) {
            TestClient &owner = i % 3 == 2 ? *m_ana : *m_teacher;
            bool ok = false;
            const qint64 id = owner.call(Op::CodeCreate, {{QStringLiteral("clientId"), clientId()},
                                                          {QStringLiteral("title"), QStringLiteral("S%1").arg(i)}}, &ok)
                                  .value(QStringLiteral("session")).toObject().value(QStringLiteral("id")).toInteger();
            QVERIFY(ok && id > 0);
            QCOMPARE(lifecycle(owner, Op::CodeArchive, id)->type, FrameType::Result);
            archived.prepend(id);
        }
        bool ok = false;
        const qint64 own = admin->call(Op::CodeCreate, {{QStringLiteral("clientId"), clientId()},
                                                        {QStringLiteral("title"), QStringLiteral("Admin's")}}, &ok)
                               .value(QStringLiteral("session")).toObject().value(QStringLiteral("id")).toInteger();
        QVERIFY(ok);
        const QList<qint64> everything = QList<qint64>{own} + archived;
        const QJsonObject whole = admin->call(Op::CodeList, {{QStringLiteral("archived"), true}}, &ok);
        QVERIFY(ok);
        QCOMPARE(whole.value(QStringLiteral("hasMore")).toBool(), false);
        QCOMPARE(listed(*admin, true), everything);

        // Pages of three, newest first: each continues below the last id of the one before.
        QList<qint64> paged;
        QJsonObject page{{QStringLiteral("archived"), true}, {QStringLiteral("limit"), 3}};
        for (int pages = 1;; ++pages) {
            QVERIFY(pages <= 3);
            const QJsonObject result = admin->call(Op::CodeList, page, &ok);
            QVERIFY(ok);
            const QJsonArray sessions = result.value(QStringLiteral("sessions")).toArray();
            QVERIFY(sessions.size() <= 3);
            for (const QJsonValue &session : sessions)
                paged.append(session.toObject().value(QStringLiteral("id")).toInteger());
            if (!result.value(QStringLiteral("hasMore")).toBool()) {
                QCOMPARE(pages, 3);
                break;
            }
            QCOMPARE(sessions.size(), 3);
            page.insert(QStringLiteral("before"), paged.last());
        }
        QCOMPARE(paged, everything);
        // A cursor below every id is an empty last page; a non-admin's list pages alike.
        const QJsonObject empty = admin->call(Op::CodeList, {{QStringLiteral("archived"), true}, {QStringLiteral("before"), 1}}, &ok);
        QVERIFY(ok);
        QVERIFY(empty.value(QStringLiteral("sessions")).toArray().isEmpty());
        QCOMPARE(empty.value(QStringLiteral("hasMore")).toBool(), false);
        const QJsonObject anas = m_ana->call(Op::CodeList, {{QStringLiteral("archived"), true}, {QStringLiteral("limit"), 1}}, &ok);
        QVERIFY(ok);
        QCOMPARE(anas.value(QStringLiteral("sessions")).toArray().size(), 1);
        QCOMPARE(anas.value(QStringLiteral("hasMore")).toBool(), true);

        // Bad cursors and limits.
        for (const QJsonObject &bad : {QJsonObject{{QStringLiteral("before"), 0}},
                                       QJsonObject{{QStringLiteral("before"), QStringLiteral("7")}},
                                       QJsonObject{{QStringLiteral("before"), 2.5}},
                                       QJsonObject{{QStringLiteral("limit"), 0}},
                                       QJsonObject{{QStringLiteral("limit"), MaxCodeListLimit + 1}}}) {
            QJsonObject data = bad;
            data.insert(QStringLiteral("archived"), true);
            expectError(admin->request(Op::CodeList, data), ErrorCode::BadRequest);
        }
    }

    void storedSessionsAreLimited()
    {
        m_configure = [](Server::ServerConfig &config) {
            config.maxCodeSessionsPerOwner = 2;
            config.maxCodeStoredSessionsPerOwner = 3;
        };
        restartServer();
        const auto create = [&](const QString &id) {
            return m_teacher->request(Op::CodeCreate, {{QStringLiteral("clientId"), id},
                                                       {QStringLiteral("title"), QStringLiteral("Lab")},
                                                       {QStringLiteral("courseId"), m_courseId},
                                                       {QStringLiteral("scope"), QStringLiteral("course")}});
        };
        const auto idOf = [](const std::optional<Frame> &frame) {
            return frame && frame->type == FrameType::Result
                ? frame->data.value(QStringLiteral("session")).toObject().value(QStringLiteral("id")).toInteger()
                : qint64(0);
        };
        const qint64 first = idOf(create(QStringLiteral("s-1")));
        const qint64 second = idOf(create(QStringLiteral("s-2")));
        QVERIFY(first > 0 && second > 0);
        // Archived, a session frees its open place but stays on the disk.
        QCOMPARE(lifecycle(*m_teacher, Op::CodeArchive, first)->type, FrameType::Result);
        const qint64 third = idOf(create(QStringLiteral("s-3")));
        QVERIFY(third > 0);
        const std::optional<Frame> full = create(QStringLiteral("s-4"));
        expectError(full, ErrorCode::Conflict);
        // The answer tells it apart from the open-session quota, and says what to do.
        QVERIFY2(full->message.contains(QLatin1String("3 stored code sessions")), qPrintable(full->message));
        QVERIFY2(full->message.contains(QLatin1String("delete archived sessions")), qPrintable(full->message));
        QVERIFY(!full->message.contains(QLatin1String("open code sessions")));
        // Clients tell the limits apart by the reason, not by the words.
        QCOMPARE(full->details, QJsonObject({{KeyReason, ReasonStoredLimit}}));
        // Archiving or locking does not make room; the limit outlives a restart.
        join(*m_teacher, third);
        const std::optional<Frame> lockedThird = m_teacher->request(
            Op::CodeUpdate, {{QStringLiteral("clientId"), clientId()}, {QStringLiteral("sessionId"), third}, {QStringLiteral("locked"), true}});
        QVERIFY(lockedThird && lockedThird->type == FrameType::Result);
        restartServer();
        expectError(create(QStringLiteral("s-4")), ErrorCode::Conflict);

        // Retries of creates that went through get their session, also at the limit, and
        // nothing new is made.
        QCOMPARE(idOf(create(QStringLiteral("s-3"))), third);
        QCOMPARE(idOf(create(QStringLiteral("s-1"))), first);
        Server::CodeStorage &storage = m_server->server().storage().code();
        QCOMPARE(storage.storedCodeSessionCount(storage.codeSession(Server::CodeSessionId(third))->ownerId), 3);

        // Deleting the archived one makes room to store one more, but the open-session quota
        // refuses it (second and third, unlocked again, are open), with its own answer.
        QCOMPARE(lifecycle(*m_teacher, Op::CodeDelete, first)->type, FrameType::Result);
        join(*m_teacher, third);
        const std::optional<Frame> unlocked = m_teacher->request(
            Op::CodeUpdate, {{QStringLiteral("clientId"), clientId()}, {QStringLiteral("sessionId"), third}, {QStringLiteral("locked"), false}});
        QVERIFY(unlocked && unlocked->type == FrameType::Result);
        const std::optional<Frame> open = create(QStringLiteral("s-4"));
        expectError(open, ErrorCode::Conflict);
        QVERIFY2(open->message.contains(QLatin1String("2 open code sessions")), qPrintable(open->message));
        QVERIFY2(!open->message.contains(QLatin1String("stored")), qPrintable(open->message));
        QCOMPARE(open->details, QJsonObject({{KeyReason, ReasonOpenLimit}}));
        QCOMPARE(lifecycle(*m_teacher, Op::CodeArchive, second)->type, FrameType::Result);
        QVERIFY(idOf(create(QStringLiteral("s-4"))) > 0);
        expectError(create(QStringLiteral("s-5")), ErrorCode::Conflict);
    }

    void archiveFreesTheQuotaAndOutlivesARestart()
    {
        m_configure = [](Server::ServerConfig &config) { config.maxCodeSessionsPerOwner = 2; };
        restartServer();
        const qint64 first = createSession();
        const qint64 second = createSession();
        QVERIFY(first > 0 && second > 0);
        QCOMPARE(createSession(), 0);
        join(*m_teacher, first);
        QVERIFY(createFile(*m_teacher, first, QStringLiteral("keep.py"), QStringLiteral("kept = True\n")) > 0);

        // A retried archive is answered alike and applied once.
        const std::optional<Frame> archived = lifecycle(*m_teacher, Op::CodeArchive, first, QStringLiteral("arch-1"));
        QCOMPARE(archived->type, FrameType::Result);
        const std::optional<Frame> again = lifecycle(*m_teacher, Op::CodeArchive, first, QStringLiteral("arch-1"));
        QCOMPARE(again->type, FrameType::Result);
        QCOMPARE(again->data, archived->data);
        QCOMPARE(eventCount(*m_teacher, EventCodeArchived), qsizetype(1));

        // Its place in the quota is free; bringing it back needs one again.
        const qint64 third = createSession();
        QVERIFY(third > 0);
        const std::optional<Frame> full = lifecycle(*m_teacher, Op::CodeUnarchive, first);
        expectError(full, ErrorCode::Conflict);
        QVERIFY2(full->message.contains(QLatin1String("2 open code sessions")), qPrintable(full->message));
        bool ok = false;
        join(*m_teacher, second);
        m_teacher->call(Op::CodeUpdate, {{QStringLiteral("clientId"), clientId()}, {QStringLiteral("sessionId"), second},
                                         {QStringLiteral("locked"), true}}, &ok);
        QVERIFY(ok);
        QCOMPARE(lifecycle(*m_teacher, Op::CodeUnarchive, first, QStringLiteral("back-1"))->type, FrameType::Result);
        QCOMPARE(lifecycle(*m_teacher, Op::CodeUnarchive, first, QStringLiteral("back-1"))->type, FrameType::Result);
        QCOMPARE(eventCount(*m_teacher, EventCodeUnarchived), qsizetype(1));
        QCOMPARE(lifecycle(*m_teacher, Op::CodeArchive, first)->type, FrameType::Result);

        // After a restart it is still archived, kept and read-only.
        restartServer();
        QVERIFY(listed(*m_teacher, true).contains(first));
        QVERIFY(!listed(*m_teacher).contains(first));
        expectError(m_ana->request(Op::CodeJoin, {{QStringLiteral("sessionId"), first}}), ErrorCode::Conflict);
        const QJsonObject joined = join(*m_teacher, first);
        QVERIFY(joined.value(QStringLiteral("session")).toObject().value(QStringLiteral("archived")).toBool());
        QCOMPARE(exported(*m_teacher, first, QStringLiteral("keep.py")), QStringLiteral("kept = True\n"));
        expectError(m_teacher->request(Op::FileCreate, {{QStringLiteral("clientId"), clientId()}, {QStringLiteral("sessionId"), first},
                                                        {QStringLiteral("path"), QStringLiteral("new.py")},
                                                        {QStringLiteral("language"), QStringLiteral("python")}}),
                    ErrorCode::Conflict);

        // Deleted, it stays deleted; the retried delete gets its first answer, also after a restart.
        QCOMPARE(lifecycle(*m_teacher, Op::CodeDelete, first, QStringLiteral("del-1"))->type, FrameType::Result);
        restartServer();
        const std::optional<Frame> retried = lifecycle(*m_teacher, Op::CodeDelete, first, QStringLiteral("del-1"));
        QCOMPARE(retried->type, FrameType::Result);
        QVERIFY(retried->data.isEmpty());
        expectError(lifecycle(*m_teacher, Op::CodeDelete, first), ErrorCode::NotFound);
        expectError(m_teacher->request(Op::CodeJoin, {{QStringLiteral("sessionId"), first}}), ErrorCode::NotFound);
        QVERIFY(!listed(*m_teacher, true).contains(first));
    }

    void lateLifecycleRetriesDoNotFlipTheSession()
    {
        const qint64 session = createSession();
        QVERIFY(session > 0);
        const auto archivedIn = [](const std::optional<Frame> &reply) {
            return reply->data.value(QStringLiteral("session")).toObject().value(QStringLiteral("archived")).toBool();
        };
        const std::optional<Frame> archived = lifecycle(*m_teacher, Op::CodeArchive, session, QStringLiteral("late-arch"));
        QCOMPARE(archived->type, FrameType::Result);
        QVERIFY(archivedIn(archived));
        QCOMPARE(lifecycle(*m_teacher, Op::CodeUnarchive, session, QStringLiteral("late-back"))->type, FrameType::Result);

        // The archive's retry arrives after the unarchive: its first answer, and the session stays open.
        const std::optional<Frame> lateArchive = lifecycle(*m_teacher, Op::CodeArchive, session, QStringLiteral("late-arch"));
        QCOMPARE(lateArchive->type, FrameType::Result);
        QVERIFY(archivedIn(lateArchive));
        QCOMPARE(lateArchive->data.value(QStringLiteral("session")).toObject().value(QStringLiteral("archivedAt")),
                 archived->data.value(QStringLiteral("session")).toObject().value(QStringLiteral("archivedAt")));
        QVERIFY(listed(*m_teacher).contains(session));

        // And the other way round: the unarchive's retry after a second archive.
        QCOMPARE(lifecycle(*m_teacher, Op::CodeArchive, session, QStringLiteral("late-arch-2"))->type, FrameType::Result);
        const std::optional<Frame> lateBack = lifecycle(*m_teacher, Op::CodeUnarchive, session, QStringLiteral("late-back"));
        QCOMPARE(lateBack->type, FrameType::Result);
        QVERIFY(!archivedIn(lateBack));
        QVERIFY(!listed(*m_teacher).contains(session));
        QVERIFY(listed(*m_teacher, true).contains(session));
    }

    void declinedWaitOutlivesARestart()
    {
        const qint64 session = createSession({{QStringLiteral("approval"), true}});
        join(*m_teacher, session);
        bool ok = false;
        QVERIFY(m_ana->call(Op::CodeJoin, {{QStringLiteral("sessionId"), session}}, &ok).value(QStringLiteral("pending")).toBool());
        m_teacher->call(Op::CodeApprove, {{QStringLiteral("sessionId"), session}, {QStringLiteral("userId"), userId(*m_ana)},
                                          {QStringLiteral("allow"), false}}, &ok);
        QVERIFY(ok);
        expectError(m_ana->request(Op::CodeJoin, {{QStringLiteral("sessionId"), session}}), ErrorCode::RateLimited);

        // A restart of the server does not let her ask again before the 30 s are over.
        restartServer();
        const std::optional<Frame> tooSoon = m_ana->request(Op::CodeJoin, {{QStringLiteral("sessionId"), session}});
        expectError(tooSoon, ErrorCode::RateLimited);
        QVERIFY2(tooSoon->retryAfterMs > 20000 && tooSoon->retryAfterMs <= 30000, qPrintable(QString::number(tooSoon->retryAfterMs)));
        // Others are not held back by her decline.
        QVERIFY(m_ben->call(Op::CodeJoin, {{QStringLiteral("sessionId"), session}}, &ok).value(QStringLiteral("pending")).toBool());
    }

    void agentGuard()
    {
        const qint64 session = createSession();
        const QJsonObject teacherJoin = join(*m_teacher, session);
        const qint64 file = createFile(*m_teacher, session, QStringLiteral("g.py"), QStringLiteral("base\n"));
        const QJsonObject anaJoin = join(*m_ana, session);
        // Ana forges an update under the teacher's agent: refused, nothing applied.
        auto forged = open(*m_ana, session, file, agentOf(teacherJoin));
        QVERIFY(forged);
        expectError(sendUpdate(*m_ana, session, file, forged->document.insert(0, QStringLiteral("forged "))), ErrorCode::Forbidden);
        QCOMPARE(exported(*m_teacher, session, QStringLiteral("g.py")), QStringLiteral("base\n"));
        // Claiming the teacher's agent at join is refused; her own agent is kept on rejoin.
        expectRefusal(m_ana->request(Op::CodeJoin, {{QStringLiteral("sessionId"), session}, {QStringLiteral("agent"), qint64(agentOf(teacherJoin))}}),
                      ErrorCode::Forbidden, ReasonAgentTaken);
        QCOMPARE(agentOf(join(*m_ana, session, {{QStringLiteral("agent"), qint64(agentOf(anaJoin))}})), agentOf(anaJoin));
        // A new id of her own choosing is bound to her; re-sending known characters is fine.
        const quint64 chosen = 0x7777;
        QCOMPARE(agentOf(join(*m_ana, session, {{QStringLiteral("agent"), qint64(chosen)}})), chosen);
        auto own = open(*m_ana, session, file, chosen);
        QVERIFY(own);
        const QByteArray update = own->document.insert(0, QStringLiteral("mine "));
        QCOMPARE(sendUpdate(*m_ana, session, file, update)->type, FrameType::Result);
        const auto again = sendUpdate(*m_teacher, session, file, update);
        QCOMPARE(again->type, FrameType::Result);
        QCOMPARE(exported(*m_teacher, session, QStringLiteral("g.py")), QStringLiteral("mine base\n"));
    }

    void madeUpAgentsAreRefused()
    {
        // A delete-only update can name agents no one has: each would take one of the
        // document's 65,536 agent slots, and a few such updates would close the file to
        // every later joiner. They are refused, and honest newcomers still edit.
        const qint64 session = createSession();
        join(*m_teacher, session);
        const qint64 file = createFile(*m_teacher, session, QStringLiteral("m.py"), QStringLiteral("base\n"));
        const QJsonObject anaJoin = join(*m_ana, session);
        Collab::Document made(agentOf(anaJoin));
        for (Collab::AgentId fake = 900000; fake < 900050; ++fake) {
            Collab::Document one(fake);
            QVERIFY(made.apply(one.insert(0, QStringLiteral("x"))).ok());
        }
        const QByteArray deleteOnly = made.remove(0, made.length());
        QVERIFY(Collab::Document::summarize(deleteOnly)->inserts.isEmpty());
        expectError(sendUpdate(*m_ana, session, file, deleteOnly), ErrorCode::Forbidden);
        // Her own edits, naming the teacher's characters, still go through.
        auto own = open(*m_ana, session, file, agentOf(anaJoin));
        QVERIFY(own);
        QCOMPARE(sendUpdate(*m_ana, session, file, own->document.remove(0, 1))->type, FrameType::Result);
        QCOMPARE(exported(*m_teacher, session, QStringLiteral("m.py")), QStringLiteral("ase\n"));
    }

    void agentIdsPerUserAreLimited()
    {
        // 256 per user and session: 200 participants stay below the engine's 65,536 agents of
        // a document, past which it refuses every new agent's update.
        const qint64 session = createSession();
        const quint64 first = agentOf(join(*m_teacher, session));
        QVERIFY(first != 0);
        QStringList ids;
        for (int i = 0; i < 300; ++i)
            ids.append(m_teacher->send(Op::CodeJoin, {{QStringLiteral("sessionId"), session}}));
        int bound = 1;
        std::optional<Frame> refused;
        for (const QString &id : std::as_const(ids)) {
            const auto reply = m_teacher->reply(id);
            QVERIFY(reply);
            if (reply->type == FrameType::Result)
                ++bound;
            else
                refused = reply;
        }
        QCOMPARE(bound, 256);
        expectRefusal(refused, ErrorCode::Conflict, ReasonAgentLimit);
        expectRefusal(m_teacher->request(Op::CodeJoin, {{QStringLiteral("sessionId"), session}, {QStringLiteral("agent"), 0x4242}}),
                      ErrorCode::Conflict, ReasonAgentLimit);
        // The ids already bound still serve, and other users have their own allowance.
        QCOMPARE(agentOf(join(*m_teacher, session, {{QStringLiteral("agent"), qint64(first)}})), first);
        QVERIFY(agentOf(join(*m_ana, session)) != 0);
    }

    void badInputIsRefused()
    {
        const qint64 session = createSession();
        const QJsonObject teacherJoin = join(*m_teacher, session);
        const qint64 file = createFile(*m_teacher, session, QStringLiteral("f.py"), QStringLiteral("ok\n"));
        const qint64 other = createSession();
        join(*m_teacher, other);
        const qint64 foreign = createFile(*m_teacher, other, QStringLiteral("f.py"));
        QVERIFY(file > 0 && foreign > 0);

        // Malformed base64, bytes that are no update, an oversized update.
        expectError(m_teacher->request(Op::DocUpdate, {{QStringLiteral("sessionId"), session}, {QStringLiteral("fileId"), file},
                                                       {QStringLiteral("update"), QStringLiteral("***")}}),
                    ErrorCode::BadRequest);
        expectError(sendUpdate(*m_teacher, session, file, QByteArray("not an update")), ErrorCode::BadRequest);
        Collab::Document big(agentOf(teacherJoin));
        expectError(sendUpdate(*m_teacher, session, file, big.insert(0, QString(40000, QLatin1Char('x')))), ErrorCode::TooLarge);
        expectError(m_teacher->request(Op::DocUpdate, {{QStringLiteral("sessionId"), session}, {QStringLiteral("fileId"), file}}),
                    ErrorCode::BadRequest);
        expectError(m_teacher->request(Op::Cursor, {{QStringLiteral("sessionId"), session}, {QStringLiteral("fileId"), file},
                                                    {QStringLiteral("anchor"), QStringLiteral("AA==")},
                                                    {QStringLiteral("head"), QStringLiteral("%%")}}),
                    ErrorCode::BadRequest);
        expectError(m_teacher->request(Op::FileOpen, {{QStringLiteral("sessionId"), session}, {QStringLiteral("fileId"), file},
                                                      {QStringLiteral("version"), b64("garbage")}}),
                    ErrorCode::BadRequest);
        QCOMPARE(exported(*m_teacher, session, QStringLiteral("f.py")), QStringLiteral("ok\n"));
        QCOMPARE(m_server->server().storage().code().codeUpdateCount(Server::CodeFileId(file)), 0);

        // A file of another session, a deleted file, bad paths and languages, a taken path.
        expectError(m_teacher->request(Op::FileOpen, {{QStringLiteral("sessionId"), session}, {QStringLiteral("fileId"), foreign}}),
                    ErrorCode::NotFound);
        bool ok = false;
        m_teacher->call(Op::FileDelete, {{QStringLiteral("clientId"), clientId()}, {QStringLiteral("sessionId"), other},
                                         {QStringLiteral("fileId"), foreign}}, &ok);
        QVERIFY(ok);
        Collab::Document doc(agentOf(teacherJoin));
        expectError(sendUpdate(*m_teacher, other, foreign, doc.insert(0, QStringLiteral("x"))), ErrorCode::NotFound);
        for (const char *path : {"../etc/passwd", "/abs", "a//b", "a\\b", "./x", "dir/"}) {
            expectError(m_teacher->request(Op::FileCreate, {{QStringLiteral("clientId"), clientId()}, {QStringLiteral("sessionId"), session},
                                                            {QStringLiteral("path"), QString::fromLatin1(path)},
                                                            {QStringLiteral("language"), QStringLiteral("c")}}),
                        ErrorCode::BadRequest);
        }
        expectError(m_teacher->request(Op::FileCreate, {{QStringLiteral("clientId"), clientId()}, {QStringLiteral("sessionId"), session},
                                                        {QStringLiteral("path"), QStringLiteral("x.c")},
                                                        {QStringLiteral("language"), QStringLiteral("C Language")}}),
                    ErrorCode::BadRequest);
        expectError(m_teacher->request(Op::FileCreate, {{QStringLiteral("clientId"), clientId()}, {QStringLiteral("sessionId"), session},
                                                        {QStringLiteral("path"), QStringLiteral("f.py")},
                                                        {QStringLiteral("language"), QStringLiteral("python")}}),
                    ErrorCode::Conflict);

        // Before joining, and as an outsider.
        expectError(m_ana->request(Op::FileOpen, {{QStringLiteral("sessionId"), session}, {QStringLiteral("fileId"), file}}),
                    ErrorCode::Forbidden);
        expectError(m_eve->request(Op::FileOpen, {{QStringLiteral("sessionId"), session}, {QStringLiteral("fileId"), file}}),
                    ErrorCode::NotFound);
        expectError(m_eve->request(Op::CodeJoin, {{QStringLiteral("sessionId"), 999999}}), ErrorCode::NotFound);
        Collab::Document early(0x1234);
        expectError(sendUpdate(*m_ana, session, file, early.insert(0, QStringLiteral("early"))), ErrorCode::Forbidden);
        expectError(sendUpdate(*m_eve, session, file, early.insert(0, QStringLiteral("outsider"))), ErrorCode::NotFound);
        QCOMPARE(exported(*m_teacher, session, QStringLiteral("f.py")), QStringLiteral("ok\n"));
        // Schema errors.
        expectError(m_teacher->request(Op::CodeSetRole, {{QStringLiteral("clientId"), clientId()}, {QStringLiteral("sessionId"), session},
                                                         {QStringLiteral("userId"), userId(*m_ana)},
                                                         {QStringLiteral("codeRole"), QStringLiteral("admin")}}),
                    ErrorCode::BadRequest);
        expectError(m_teacher->request(Op::CodeCreate, {{QStringLiteral("clientId"), clientId()}, {QStringLiteral("title"), QStringLiteral("t")},
                                                        {QStringLiteral("maxCollaborators"), 201}}),
                    ErrorCode::BadRequest);
        expectError(m_teacher->request(Op::CodeCreate, {{QStringLiteral("clientId"), clientId()}, {QStringLiteral("title"), QStringLiteral("t")},
                                                        {QStringLiteral("scope"), QStringLiteral("course")}}),
                    ErrorCode::BadRequest);
    }

    void fileLimitAndTheRoomStaysOutOfChat()
    {
        const qint64 session = createSession();
        const qint64 roomId =
            join(*m_teacher, session).value(QStringLiteral("session")).toObject().value(QStringLiteral("roomId")).toInteger();
        join(*m_ana, session);
        QStringList ids;
        for (int i = 0; i < MaxCodeFilesPerSession; ++i) {
            ids.append(m_teacher->send(Op::FileCreate, {{QStringLiteral("clientId"), clientId()}, {QStringLiteral("sessionId"), session},
                                                        {QStringLiteral("path"), QStringLiteral("f%1.txt").arg(i)},
                                                        {QStringLiteral("language"), QStringLiteral("plaintext")}}));
        }
        for (const QString &id : std::as_const(ids))
            QCOMPARE(m_teacher->reply(id)->type, FrameType::Result);
        expectError(m_teacher->request(Op::FileCreate, {{QStringLiteral("clientId"), clientId()}, {QStringLiteral("sessionId"), session},
                                                        {QStringLiteral("path"), QStringLiteral("one-too-many.txt")},
                                                        {QStringLiteral("language"), QStringLiteral("plaintext")}}),
                    ErrorCode::Conflict);

        // The session's room carries its events but is no chat room: not listed, not joinable.
        expectError(m_ana->request(Op::RoomJoin, {{QStringLiteral("roomId"), roomId}}), ErrorCode::NotFound);
        bool ok = false;
        const QJsonArray rooms = m_ana->call(Op::RoomList, {}, &ok).value(QStringLiteral("rooms")).toArray();
        QVERIFY(ok);
        for (const QJsonValue &room : rooms)
            QVERIFY(room.toObject().value(QStringLiteral("id")).toInteger() != roomId);
    }

    void retriesAreAppliedOnce()
    {
        const qint64 session = createSession();
        join(*m_teacher, session);
        const QJsonObject data{{QStringLiteral("clientId"), QStringLiteral("same")}, {QStringLiteral("sessionId"), session},
                               {QStringLiteral("path"), QStringLiteral("r.py")}, {QStringLiteral("language"), QStringLiteral("python")}};
        bool ok = false;
        const QJsonObject first = m_teacher->call(Op::FileCreate, data, &ok);
        QVERIFY(ok);
        QCOMPARE(m_teacher->call(Op::FileCreate, data, &ok), first);
        QVERIFY(ok);
        QCOMPARE(m_teacher->call(Op::CodeExport, {{QStringLiteral("sessionId"), session}}, &ok)
                     .value(QStringLiteral("files")).toArray().size(),
                 1);
    }

    void compactionKeepsTheText()
    {
        const qint64 session = createSession();
        const QJsonObject joined = join(*m_teacher, session);
        const qint64 file = createFile(*m_teacher, session, QStringLiteral("long.py"));
        auto replica = open(*m_teacher, session, file, agentOf(joined));
        QVERIFY(replica);
        // 620 updates, pipelined: one compaction at 500, 120 rows after it.
        QStringList ids;
        for (int i = 0; i < 620; ++i) {
            const QByteArray update = i % 7 == 6 ? replica->document.remove(0, 1)
                                                 : replica->document.insert(replica->document.length(), QStringLiteral("%1,").arg(i));
            ids.append(m_teacher->send(Op::DocUpdate, {{QStringLiteral("sessionId"), session}, {QStringLiteral("fileId"), file},
                                                       {QStringLiteral("update"), b64(update)}}));
        }
        for (qsizetype i = 0; i < ids.size(); ++i) {
            const auto reply = m_teacher->reply(ids.at(i));
            QVERIFY(reply);
            QCOMPARE(reply->type, FrameType::Result);
            QCOMPARE(reply->data.value(QStringLiteral("n")).toInteger(), i + 1);
        }
        Server::CodeStorage &code = m_server->server().storage().code();
        QCOMPARE(code.codeUpdateCount(Server::CodeFileId(file)), 120);
        QCOMPARE(code.codeFile(Server::CodeFileId(file))->snapshotN, 500);
        const QString text = replica->document.text();
        QCOMPARE(exported(*m_teacher, session, QStringLiteral("long.py")), text);

        // A fresh late joiner loads snapshot + log; so does a restarted server.
        const QJsonObject anaJoin = join(*m_ana, session);
        QCOMPARE(open(*m_ana, session, file, agentOf(anaJoin))->document.text(), text);
        restartServer();
        const QJsonObject again = join(*m_teacher, session);
        auto reloaded = open(*m_teacher, session, file, agentOf(again));
        QVERIFY(reloaded);
        QCOMPARE(reloaded->document.text(), text);
        QCOMPARE(again.value(QStringLiteral("files")).toArray().at(0).toObject().value(QStringLiteral("n")).toInteger(), 620);
    }

    void compactionByBytes()
    {
        const qint64 session = createSession();
        const QJsonObject joined = join(*m_teacher, session);
        const qint64 file = createFile(*m_teacher, session, QStringLiteral("big.txt"));
        auto replica = open(*m_teacher, session, file, agentOf(joined));
        QVERIFY(replica);
        // Updates of about 30 KB: the ninth takes the log past 256 KiB, long before 500 updates.
        Server::CodeStorage &code = m_server->server().storage().code();
        for (int i = 0; i < 9; ++i) {
            const QByteArray update =
                replica->document.insert(replica->document.length(), QString(30000, QLatin1Char('a' + char(i))));
            QVERIFY(update.size() < MaxCodeUpdateBytes);
            QCOMPARE(sendUpdate(*m_teacher, session, file, update)->type, FrameType::Result);
            QCOMPARE(code.codeUpdateCount(Server::CodeFileId(file)), i < 8 ? i + 1 : 0);
        }
        QCOMPARE(code.codeFile(Server::CodeFileId(file))->snapshotN, 9);
        const QJsonObject anaJoin = join(*m_ana, session);
        QCOMPARE(open(*m_ana, session, file, agentOf(anaJoin))->document.text(), replica->document.text());

        // A file and an export far above the slow-consumer limit still arrive in one answer.
        restartServer(64 * 1024);
        const QJsonObject again = join(*m_ana, session);
        QCOMPARE(open(*m_ana, session, file, agentOf(again))->document.text(), replica->document.text());
        QCOMPARE(exported(*m_ana, session, QStringLiteral("big.txt")), replica->document.text());
        QVERIFY(!m_ana->isClosed());
        QVERIFY(m_ana->request(Op::CodeList, {}));
    }

    void compactionKeepsUpdatesWaitingForTheirDependencies()
    {
        const qint64 session = createSession();
        const QJsonObject joined = join(*m_teacher, session);
        const qint64 file = createFile(*m_teacher, session, QStringLiteral("late.txt"));
        // The second edit arrives first: the server acknowledges it and buffers it until the
        // first one comes.
        Collab::Document replica(agentOf(joined));
        const QByteArray first = replica.insert(0, QStringLiteral("hello"));
        const QByteArray second = replica.insert(5, QStringLiteral(" world"));
        QCOMPARE(sendUpdate(*m_teacher, session, file, second)->type, FrameType::Result);
        // Another replica's updates of 30 KB take the log past 256 KiB in the meantime.
        const quint64 otherAgent = 0x5151;
        QCOMPARE(agentOf(join(*m_teacher, session, {{QStringLiteral("agent"), qint64(otherAgent)}})), otherAgent);
        Collab::Document other(otherAgent);
        for (int i = 0; i < 9; ++i)
            QCOMPARE(sendUpdate(*m_teacher, session, file, other.insert(other.length(), QString(30000, QLatin1Char('a' + char(i)))))->type,
                     FrameType::Result);
        restartServer();
        join(*m_teacher, session, {{QStringLiteral("agent"), qint64(agentOf(joined))}});
        QCOMPARE(sendUpdate(*m_teacher, session, file, first)->type, FrameType::Result);
        // With nothing waiting any more, the log is folded, and the snapshot has everything.
        QCOMPARE(m_server->server().storage().code().codeUpdateCount(Server::CodeFileId(file)), 0);
        const QString text = exported(*m_teacher, session, QStringLiteral("late.txt"));
        QVERIFY2(text.contains(QStringLiteral("hello world")), qPrintable(text.left(20) + QStringLiteral("…") + text.right(20)));
        QCOMPARE(text.size(), 9 * 30000 + 11);
    }

    void waitingUpdatesCountTowardsTheFileSize()
    {
        const qint64 session = createSession();
        join(*m_teacher, session);
        const qint64 file = createFile(*m_teacher, session, QStringLiteral("huge.txt"));
        // Two replicas of one user each hold back their first update, so the server buffers
        // the rest: together they would be twice the largest file once the first ones come.
        QList<QByteArray> firsts;
        for (const quint64 agent : {quint64(0x6161), quint64(0x6262)}) {
            QCOMPARE(agentOf(join(*m_teacher, session, {{QStringLiteral("agent"), qint64(agent)}})), agent);
            Collab::Document replica(agent);
            firsts.append(replica.insert(0, QString(10000, QLatin1Char('f'))));
            QStringList ids;
            while (replica.length() + 30000 <= MaxCodeFileLength)
                ids.append(m_teacher->send(Op::DocUpdate, {{QStringLiteral("sessionId"), session}, {QStringLiteral("fileId"), file},
                                                           {QStringLiteral("update"), b64(replica.insert(replica.length(), QString(30000, QLatin1Char('w'))))}}));
            for (const QString &id : std::as_const(ids))
                QVERIFY(m_teacher->reply(id));
        }
        // Both first updates in one, small enough by itself.
        Collab::Document both(0x6363);
        for (const QByteArray &first : std::as_const(firsts))
            QVERIFY(both.apply(first).ok());
        const auto last = sendUpdate(*m_teacher, session, file, both.encodeDiff(QByteArray()));
        QVERIFY(last);
        QVERIFY(exported(*m_teacher, session, QStringLiteral("huge.txt")).size() <= MaxCodeFileLength);
    }

    void largeAnswersDoNotPileUpForAClientThatDoesNotRead()
    {
        restartServer(256 * 1024);
        const qint64 session = createSession();
        join(*m_teacher, session);
        for (int i = 0; i < 10; ++i)
            QVERIFY(createFile(*m_teacher, session, QStringLiteral("f%1.txt").arg(i), QString(30000, QLatin1Char('x'))) > 0);
        // Ana joins, then stops reading and asks for the 300 KB export again and again: the
        // first answer may pass the pending-bytes limit, the ones she has not read may not.
        Test::RawWebSocket slow;
        QVERIFY(slow.open(m_server->url()));
        slow.sendText(encode(hello({})));
        QVERIFY(slow.waitForText("welcome"));
        slow.sendText(encode(request(QStringLiteral("s"), Op::AuthSignIn, {{QStringLiteral("username"), QStringLiteral("ana")},
                                                                          {QStringLiteral("password"), QStringLiteral("password-123")}})));
        QVERIFY(slow.waitForText("\"token\""));
        slow.sendText(encode(request(QStringLiteral("j"), Op::CodeJoin, {{QStringLiteral("sessionId"), session}})));
        QVERIFY(slow.waitForText("\"agent\""));
        slow.socket().setReadBufferSize(16 * 1024);
        slow.socket().setSocketOption(QAbstractSocket::ReceiveBufferSizeSocketOption, 4096);
        for (int i = 0; i < 100; ++i)
            slow.sendText(encode(request(QStringLiteral("e%1").arg(i), Op::CodeExport, {{QStringLiteral("sessionId"), session}})));
        QTRY_COMPARE_WITH_TIMEOUT(m_server->server().metrics().closes(CloseSlowConsumer), quint64(1), 20000);
    }

    void versionsRestoreAsAnEdit()
    {
        const qint64 session = createSession();
        join(*m_teacher, session);
        const qint64 file = createFile(*m_teacher, session, QStringLiteral("v.py"), QStringLiteral("def f():\n    return 1\n"));
        const qint64 gone = createFile(*m_teacher, session, QStringLiteral("gone.py"), QStringLiteral("bye\n"));
        bool ok = false;
        const QJsonObject version = m_teacher->call(Op::VersionCreate, {{QStringLiteral("clientId"), clientId()},
                                                                        {QStringLiteral("sessionId"), session},
                                                                        {QStringLiteral("name"), QStringLiteral("start")}}, &ok)
                                        .value(QStringLiteral("version")).toObject();
        QVERIFY(ok);
        QCOMPARE(version.value(QStringLiteral("files")).toInt(), 2);

        const QJsonObject anaJoin = join(*m_ana, session);
        auto ana = open(*m_ana, session, file, agentOf(anaJoin));
        QVERIFY(ana);
        QCOMPARE(sendUpdate(*m_ana, session, file, ana->document.insert(21, QStringLiteral("    # ana was here\n")))->type,
                 FrameType::Result);
        QCOMPARE(sendUpdate(*m_ana, session, file, ana->document.remove(0, 3))->type, FrameType::Result);
        m_teacher->call(Op::FileDelete, {{QStringLiteral("clientId"), clientId()}, {QStringLiteral("sessionId"), session},
                                         {QStringLiteral("fileId"), gone}}, &ok);
        QVERIFY(ok);

        const QJsonArray versions = m_ana->call(Op::VersionList, {{QStringLiteral("sessionId"), session}}, &ok)
                                        .value(QStringLiteral("versions")).toArray();
        QCOMPARE(versions.size(), 1);
        const QJsonArray changed = m_teacher->call(Op::VersionRestore, {{QStringLiteral("clientId"), clientId()},
                                                                        {QStringLiteral("sessionId"), session},
                                                                        {QStringLiteral("versionId"), version.value(QStringLiteral("id"))}}, &ok)
                                       .value(QStringLiteral("files")).toArray();
        QVERIFY(ok);
        QCOMPARE(changed.size(), 2);
        // Ana's open replica converges through ordinary doc.update events, without reloading.
        QTRY_COMPARE((ana->catchUp(*m_ana), ana->document.text()), QStringLiteral("def f():\n    return 1\n"));
        QCOMPARE(exported(*m_ana, session, QStringLiteral("gone.py")), QStringLiteral("bye\n"));
        QVERIFY(waitForEvent(*m_ana, EventVersionRestored));
    }

    void versionRestoreIsAllOrNothing()
    {
        const qint64 session = createSession();
        join(*m_teacher, session);
        const qint64 file = createFile(*m_teacher, session, QStringLiteral("a.py"), QStringLiteral("a = 1\n"));
        const qint64 gone = createFile(*m_teacher, session, QStringLiteral("b.py"), QStringLiteral("b = 2\n"));
        bool ok = false;
        const QJsonObject version = m_teacher->call(Op::VersionCreate, {{QStringLiteral("clientId"), clientId()},
                                                                        {QStringLiteral("sessionId"), session},
                                                                        {QStringLiteral("name"), QStringLiteral("start")}}, &ok)
                                        .value(QStringLiteral("version")).toObject();
        QVERIFY(ok);
        const QJsonObject anaJoin = join(*m_ana, session);
        auto ana = open(*m_ana, session, file, agentOf(anaJoin));
        QVERIFY(ana);
        QCOMPARE(sendUpdate(*m_ana, session, file, ana->document.insert(6, QStringLiteral("c = 3\n")))->type,
                 FrameType::Result);
        m_teacher->call(Op::FileDelete, {{QStringLiteral("clientId"), clientId()}, {QStringLiteral("sessionId"), session},
                                         {QStringLiteral("fileId"), gone}}, &ok);
        QVERIFY(ok);

        // The database fails the second half of the restore: creating b.py again.
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("fault"));
            db.setDatabaseName(QDir(m_dataDir.path()).filePath(QStringLiteral("cohort.sqlite")));
            QVERIFY(db.open());
            QSqlQuery trigger(db);
            QVERIFY2(trigger.exec(QStringLiteral("CREATE TRIGGER fail_b BEFORE INSERT ON code_files WHEN NEW.path = 'b.py' "
                                                 "BEGIN SELECT RAISE(ABORT, 'disk full'); END")),
                     qPrintable(trigger.lastError().text()));
        }
        QSqlDatabase::removeDatabase(QStringLiteral("fault"));
        const qsizetype updatesBefore = m_ana->ephemeralEvents().size();
        const std::optional<Frame> failed = m_teacher->request(Op::VersionRestore, {{QStringLiteral("clientId"), clientId()},
                                                                                    {QStringLiteral("sessionId"), session},
                                                                                    {QStringLiteral("versionId"), version.value(QStringLiteral("id"))}});
        expectError(failed, ErrorCode::Internal);
        // a.py, restored first, is not restored either: not in memory, not in the database.
        QCOMPARE(exported(*m_ana, session, QStringLiteral("a.py")), QStringLiteral("a = 1\nc = 3\n"));
        QCOMPARE(exported(*m_ana, session, QStringLiteral("b.py")), QStringLiteral("<missing>"));
        // Ana's export answer came after any update event the server would have sent her.
        ana->catchUp(*m_ana);
        QCOMPARE(ana->document.text(), QStringLiteral("a = 1\nc = 3\n"));
        QCOMPARE(m_ana->ephemeralEvents().size(), updatesBefore);
        restartServer();
        join(*m_teacher, session);
        QCOMPARE(exported(*m_teacher, session, QStringLiteral("a.py")), QStringLiteral("a = 1\nc = 3\n"));

        // Once the database works again the same restore goes through whole.
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("fault"));
            db.setDatabaseName(QDir(m_dataDir.path()).filePath(QStringLiteral("cohort.sqlite")));
            QVERIFY(db.open());
            QSqlQuery drop(db);
            QVERIFY(drop.exec(QStringLiteral("DROP TRIGGER fail_b")));
        }
        QSqlDatabase::removeDatabase(QStringLiteral("fault"));
        const QJsonArray changed = m_teacher->call(Op::VersionRestore, {{QStringLiteral("clientId"), clientId()},
                                                                        {QStringLiteral("sessionId"), session},
                                                                        {QStringLiteral("versionId"), version.value(QStringLiteral("id"))}}, &ok)
                                       .value(QStringLiteral("files")).toArray();
        QVERIFY(ok);
        QCOMPARE(changed.size(), 2);
        QCOMPARE(exported(*m_teacher, session, QStringLiteral("a.py")), QStringLiteral("a = 1\n"));
        QCOMPARE(exported(*m_teacher, session, QStringLiteral("b.py")), QStringLiteral("b = 2\n"));
    }

    void commentsPersist()
    {
        const qint64 session = createSession();
        const QJsonObject teacherJoin = join(*m_teacher, session);
        const qint64 file = createFile(*m_teacher, session, QStringLiteral("c.py"), QStringLiteral("a = 1\nb = 2\n"));
        const QJsonObject anaJoin = join(*m_ana, session);
        auto ana = open(*m_ana, session, file, agentOf(anaJoin));
        QVERIFY(ana);
        const QByteArray start = ana->document.anchorAt(6, Collab::Anchor::Side::StickToNext).toBytes();
        const QByteArray end = ana->document.anchorAt(11, Collab::Anchor::Side::StickToPrevious).toBytes();
        bool ok = false;
        const QJsonObject comment = m_ana->call(Op::CommentAdd, {{QStringLiteral("clientId"), clientId()},
                                                                 {QStringLiteral("sessionId"), session},
                                                                 {QStringLiteral("fileId"), file},
                                                                 {QStringLiteral("anchorStart"), b64(start)},
                                                                 {QStringLiteral("anchorEnd"), b64(end)},
                                                                 {QStringLiteral("text"), QStringLiteral("why b?")}}, &ok)
                                        .value(QStringLiteral("comment")).toObject();
        QVERIFY(ok);
        const qint64 commentId = comment.value(QStringLiteral("id")).toInteger();
        QVERIFY(waitForEvent(*m_teacher, EventCommentAdded));
        const QJsonObject reply = m_teacher->call(Op::CommentReply, {{QStringLiteral("clientId"), clientId()},
                                                                     {QStringLiteral("sessionId"), session},
                                                                     {QStringLiteral("commentId"), commentId},
                                                                     {QStringLiteral("text"), QStringLiteral("because")}}, &ok)
                                      .value(QStringLiteral("comment")).toObject();
        QVERIFY(ok);
        QCOMPARE(reply.value(QStringLiteral("parentId")).toInteger(), commentId);
        // Ben may not resolve ana's thread; ana may.
        join(*m_ben, session);
        expectError(m_ben->request(Op::CommentResolve, {{QStringLiteral("clientId"), clientId()}, {QStringLiteral("sessionId"), session},
                                                        {QStringLiteral("commentId"), commentId}, {QStringLiteral("resolved"), true}}),
                    ErrorCode::Forbidden);
        m_ana->call(Op::CommentResolve, {{QStringLiteral("clientId"), clientId()}, {QStringLiteral("sessionId"), session},
                                         {QStringLiteral("commentId"), commentId}, {QStringLiteral("resolved"), true}}, &ok);
        QVERIFY(ok);
        expectError(m_ana->request(Op::CommentAdd, {{QStringLiteral("clientId"), clientId()}, {QStringLiteral("sessionId"), session},
                                                    {QStringLiteral("fileId"), file}, {QStringLiteral("anchorStart"), QStringLiteral("////")},
                                                    {QStringLiteral("anchorEnd"), b64(end)}, {QStringLiteral("text"), QStringLiteral("x")}}),
                    ErrorCode::BadRequest);

        // Text typed above the comment moves its range, and everything is there after a restart.
        QCOMPARE(sendUpdate(*m_ana, session, file, ana->document.insert(0, QStringLiteral("# top\n")))->type, FrameType::Result);
        restartServer();
        join(*m_teacher, session);
        const QJsonArray comments = m_teacher->call(Op::CommentList, {{QStringLiteral("sessionId"), session},
                                                                      {QStringLiteral("fileId"), file}}, &ok)
                                        .value(QStringLiteral("comments")).toArray();
        QVERIFY(ok);
        QCOMPARE(comments.size(), 2);
        const QJsonObject thread = comments.at(0).toObject();
        QVERIFY(thread.value(QStringLiteral("resolved")).toBool());
        QCOMPARE(comments.at(1).toObject().value(QStringLiteral("text")).toString(), QStringLiteral("because"));
        auto teacher = open(*m_teacher, session, file, agentOf(teacherJoin));
        QVERIFY(teacher);
        const auto anchorStart = Collab::Anchor::fromBytes(unb64(thread.value(QStringLiteral("anchorStart"))));
        const auto anchorEnd = Collab::Anchor::fromBytes(unb64(thread.value(QStringLiteral("anchorEnd"))));
        QVERIFY(anchorStart && anchorEnd);
        const qsizetype from = teacher->document.resolve(*anchorStart);
        QCOMPARE(teacher->document.text().mid(from, teacher->document.resolve(*anchorEnd) - from), QStringLiteral("b = 2"));
    }

    void cursorsAreRelayedAndThrottled()
    {
        const qint64 session = createSession();
        join(*m_teacher, session);
        const qint64 file = createFile(*m_teacher, session, QStringLiteral("k.py"), QStringLiteral("0123456789"));
        const QJsonObject anaJoin = join(*m_ana, session);
        auto ana = open(*m_ana, session, file, agentOf(anaJoin));
        QVERIFY(ana);
        const qsizetype before = m_teacher->ephemeralEvents().size();
        // A burst, pipelined: the server relays the first at once and the last after the interval.
        QString last;
        QStringList ids;
        for (int i = 0; i < 10; ++i) {
            last = b64(ana->document.anchorAt(i, Collab::Anchor::Side::StickToPrevious).toBytes());
            ids.append(m_ana->send(Op::Cursor, {{QStringLiteral("sessionId"), session}, {QStringLiteral("fileId"), file},
                                                {QStringLiteral("anchor"), last}, {QStringLiteral("head"), last},
                                                {QStringLiteral("viewportTopLine"), i}}));
        }
        for (const QString &id : std::as_const(ids))
            QCOMPARE(m_ana->reply(id)->type, FrameType::Result);
        const auto lastCursor = [&]() -> QJsonObject {
            const QList<Frame> &events = m_teacher->ephemeralEvents();
            for (qsizetype i = events.size() - 1; i >= before; --i) {
                if (events.at(i).event == EventCursor)
                    return events.at(i).data;
            }
            return {};
        };
        QTRY_COMPARE(lastCursor().value(QStringLiteral("head")).toString(), last);
        QCOMPARE(lastCursor().value(QStringLiteral("viewportTopLine")).toInt(), 9);
        QCOMPARE(lastCursor().value(QStringLiteral("userId")).toInteger(), userId(*m_ana));
        qsizetype relayed = 0;
        for (qsizetype i = before; i < m_teacher->ephemeralEvents().size(); ++i)
            relayed += m_teacher->ephemeralEvents().at(i).event == EventCursor ? 1 : 0;
        QVERIFY2(relayed < 10, "ten cursor moves in a burst are coalesced");
    }
};

QTEST_GUILESS_MAIN(TestCode)
#include "tst_code.moc"
