// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
// Attachments over the WebSocket: a chunked upload, a message carrying the file, a chunked
// download by another member; resume after a reconnect; and every refusal: the size limit
// before any byte, non-members, archived rooms, a wrong SHA-256, out-of-order, malformed,
// oversized and overlong chunks, and the per-user cap on open uploads; cancelling an upload,
// idle uploads swept by the server's timer, and the per-user disk quota; files uploaded but
// never sent swept after a while.
#include "testclient.h"
#include "testserver.h"

#include <QCryptographicHash>
#include <QDir>
#include <QJsonArray>
#include <QtTest>

#include <tuple>

using namespace Cohort;
using namespace Cohort::Protocol;
using Cohort::Test::TestClient;

namespace {

constexpr qint64 MaxBytes = 64 * 1024;
constexpr int FrameBytes = 8 * 1024;
constexpr qint64 QuotaBytes = 100000;

QByteArray pattern(int size, int seed = 7)
{
    QByteArray bytes(size, '\0');
    for (int i = 0; i < size; ++i)
        bytes[i] = static_cast<char>(i * seed + i / 251);
    return bytes;
}

QString sha256(const QByteArray &bytes)
{
    return QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
}

QString code(const std::optional<Frame> &frame)
{
    if (!frame)
        return QStringLiteral("(no answer)");
    return frame->type == FrameType::Error ? errorCodeName(frame->code) : QStringLiteral("ok");
}

} // namespace

class TestAttachments : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<Test::TestServer> m_server;
    std::unique_ptr<TestClient> m_teacher;
    std::unique_ptr<TestClient> m_ana;  // student, course member
    std::unique_ptr<TestClient> m_ben;  // student, course member
    std::unique_ptr<TestClient> m_olga; // student in no course
    qint64 m_roomId = 0;
    int m_chunkBytes = 0;

    std::unique_ptr<TestClient> signedIn(const QString &username)
    {
        auto client = std::make_unique<TestClient>();
        if (!client->connectTo(m_server->url()) || !client->signIn(username, QStringLiteral("password-123")))
            return nullptr;
        return client;
    }

    std::optional<Frame> begin(TestClient &client, qint64 room, const QString &clientId, const QString &name,
                               const QByteArray &bytes, qint64 size = -1)
    {
        return client.request(Op::AttachmentUpload, {{QStringLiteral("clientId"), clientId},
                                                     {QStringLiteral("roomId"), room},
                                                     {QStringLiteral("name"), name},
                                                     {QStringLiteral("mime"), QStringLiteral("image/png")},
                                                     {QStringLiteral("size"), size < 0 ? bytes.size() : size},
                                                     {QStringLiteral("sha256"), sha256(bytes)}});
    }

    std::optional<Frame> chunk(TestClient &client, const QString &uploadId, qint64 offset, const QByteArray &bytes)
    {
        return client.request(Op::AttachmentChunk, {{QStringLiteral("uploadId"), uploadId},
                                                    {QStringLiteral("offset"), offset},
                                                    {QStringLiteral("data"), QString::fromLatin1(bytes.toBase64())}});
    }

    /// Sends the bytes from `from` on in chunks; returns the last answer.
    std::optional<Frame> sendRest(TestClient &client, const QString &uploadId, const QByteArray &bytes, qint64 from)
    {
        std::optional<Frame> answer;
        for (qint64 offset = from; offset < bytes.size(); offset += m_chunkBytes) {
            answer = chunk(client, uploadId, offset, bytes.mid(offset, m_chunkBytes));
            if (!answer || answer->type != FrameType::Result)
                return answer;
        }
        return answer;
    }

    /// Uploads the whole file; returns the attachment object (empty on failure).
    QJsonObject uploadAll(TestClient &client, qint64 room, const QString &clientId, const QString &name,
                          const QByteArray &bytes)
    {
        const auto started = begin(client, room, clientId, name, bytes);
        if (!started || started->type != FrameType::Result)
            return {};
        if (started->data.contains(QStringLiteral("attachment")))
            return started->data.value(QStringLiteral("attachment")).toObject();
        const auto last = sendRest(client, started->data.value(QStringLiteral("uploadId")).toString(), bytes, 0);
        return last && last->type == FrameType::Result ? last->data.value(QStringLiteral("attachment")).toObject()
                                                       : QJsonObject();
    }

    std::optional<Frame> download(TestClient &client, qint64 room, const QString &id, qint64 offset, qint64 length = 0)
    {
        QJsonObject data{{QStringLiteral("roomId"), room}, {QStringLiteral("id"), id}, {QStringLiteral("offset"), offset}};
        if (length > 0)
            data.insert(QStringLiteral("length"), length);
        return client.request(Op::AttachmentDownload, data);
    }

    bool storedFile(const QString &sha) const
    {
        return QFile::exists(m_server->dataDir() + QStringLiteral("/attachments/") + sha.left(2) + QLatin1Char('/') + sha);
    }

    std::optional<Frame> cancel(TestClient &client, const char *key, const QString &value)
    {
        return client.request(Op::AttachmentCancel, {{QLatin1String(key), value}});
    }

    qint64 userId(TestClient &client)
    {
        return client.session().value(QStringLiteral("user")).toObject().value(QStringLiteral("id")).toInteger();
    }

    int partialFiles() const
    {
        return static_cast<int>(QDir(m_server->dataDir() + QStringLiteral("/attachments/partial"))
                                    .entryList(QDir::Files).size());
    }

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void init()
    {
        Server::ServerConfig config = Test::TestServer::testConfig();
        config.maxAttachmentBytes = MaxBytes;
        config.maxFrameBytes = FrameBytes;
        config.requestsPerSecond = 1000;
        config.requestBurst = 1000;
        const QLatin1String test(QTest::currentTestFunction());
        if (test == QLatin1String("idleUploadsAreSweptByTheTimer"))
            config.uploadExpirySeconds = 1;
        if (test == QLatin1String("welcomeAnnouncesTheLimits") || test == QLatin1String("quotaPerUser")
            || test == QLatin1String("unsentFilesAreSwept"))
            config.attachmentQuotaBytes = QuotaBytes;
        if (test == QLatin1String("unsentFilesAreSwept"))
            config.unsentAttachmentSeconds = 2;
        m_server = std::make_unique<Test::TestServer>();
        QCOMPARE(m_server->start(config), QString());
        QVERIFY(m_server->addUser(QStringLiteral("teacher"), Role::Instructor).isValid());
        for (const char *name : {"ana", "ben", "olga"})
            QVERIFY(m_server->addUser(QString::fromLatin1(name), Role::Student).isValid());
        m_teacher = signedIn(QStringLiteral("teacher"));
        m_ana = signedIn(QStringLiteral("ana"));
        m_ben = signedIn(QStringLiteral("ben"));
        m_olga = signedIn(QStringLiteral("olga"));
        QVERIFY(m_teacher && m_ana && m_ben && m_olga);
        bool ok = false;
        const QJsonObject course = m_teacher->call(Op::CourseCreate, {{QStringLiteral("name"), QStringLiteral("Art")},
                                                                      {QStringLiteral("clientId"), QStringLiteral("c")}}, &ok)
                                       .value(QStringLiteral("course")).toObject();
        QVERIFY(ok);
        m_roomId = course.value(QStringLiteral("roomId")).toInteger();
        m_teacher->call(Op::CourseEnroll, {{QStringLiteral("courseId"), course.value(QStringLiteral("id")).toInteger()},
                                           {QStringLiteral("usernames"), QJsonArray{QStringLiteral("ana"), QStringLiteral("ben")}}}, &ok);
        QVERIFY(ok);
        m_chunkBytes = (FrameBytes - 512) / 4 * 3;
    }

    void cleanup()
    {
        m_teacher.reset();
        m_ana.reset();
        m_ben.reset();
        m_olga.reset();
        m_server.reset();
    }

    void welcomeAnnouncesTheLimits()
    {
        TestClient client;
        QVERIFY(client.open(m_server->url()));
        const auto welcome = client.hello();
        QVERIFY(welcome);
        const QJsonObject attachments = welcome->data.value(QStringLiteral("attachments")).toObject();
        QCOMPARE(attachments.value(QStringLiteral("maxBytes")).toInteger(), MaxBytes);
        QCOMPARE(attachments.value(QStringLiteral("chunkBytes")).toInt(), m_chunkBytes);
        QCOMPARE(attachments.value(QStringLiteral("quotaBytes")).toInteger(), QuotaBytes);
        QVERIFY(!attachments.contains(QStringLiteral("port"))); // no HTTP upload any more
        QVERIFY(welcome->capabilities.contains(CapabilityAttachments));
    }

    void uploadSendAndDownload()
    {
        const QByteArray bytes = pattern(3 * m_chunkBytes + 100);
        const auto started = begin(*m_ana, m_roomId, QStringLiteral("u1"), QStringLiteral("../../diagram ü.png"), bytes);
        QCOMPARE(code(started), QStringLiteral("ok"));
        QCOMPARE(started->data.value(QStringLiteral("chunkBytes")).toInt(), m_chunkBytes);
        QCOMPARE(started->data.value(QStringLiteral("received")).toInteger(), 0);
        const QString uploadId = started->data.value(QStringLiteral("uploadId")).toString();
        QVERIFY(!uploadId.isEmpty());
        QCOMPARE(partialFiles(), 1);

        // Pipelined: every chunk is sent before the first answer is read.
        QStringList ids;
        for (qint64 offset = 0; offset < bytes.size(); offset += m_chunkBytes)
            ids.append(m_ana->send(Op::AttachmentChunk, {{QStringLiteral("uploadId"), uploadId},
                                                         {QStringLiteral("offset"), offset},
                                                         {QStringLiteral("data"), QString::fromLatin1(bytes.mid(offset, m_chunkBytes).toBase64())}}));
        QCOMPARE(ids.size(), 4);
        for (int i = 0; i < ids.size() - 1; ++i) {
            const auto answer = m_ana->reply(ids.at(i));
            QCOMPARE(code(answer), QStringLiteral("ok"));
            QCOMPARE(answer->data.value(QStringLiteral("received")).toInteger(), (i + 1) * m_chunkBytes);
            QVERIFY(!answer->data.contains(QStringLiteral("attachment")));
        }
        const auto last = m_ana->reply(ids.last());
        QCOMPARE(code(last), QStringLiteral("ok"));
        QCOMPARE(last->data.value(QStringLiteral("received")).toInteger(), bytes.size());
        const QJsonObject attachment = last->data.value(QStringLiteral("attachment")).toObject();
        const QString id = attachment.value(QStringLiteral("id")).toString();
        QCOMPARE(id, sha256(bytes));
        QCOMPARE(attachment.value(QStringLiteral("name")).toString(), QStringLiteral("diagram ü.png")); // no path
        QCOMPARE(attachment.value(QStringLiteral("size")).toInteger(), bytes.size());
        QCOMPARE(attachment.value(QStringLiteral("mime")).toString(), QStringLiteral("image/png"));
        QVERIFY(QFile::exists(m_server->dataDir() + QStringLiteral("/attachments/") + id.left(2) + QLatin1Char('/') + id));
        QCOMPARE(partialFiles(), 0);
        // The upload is finished: its id is gone.
        QCOMPARE(code(chunk(*m_ana, uploadId, bytes.size(), "x")), errorCodeName(ErrorCode::NotFound));

        QCOMPARE(m_ben->request(Op::RoomJoin, {{QStringLiteral("roomId"), m_roomId}})->type, FrameType::Result);
        bool ok = false;
        const qint64 seq = m_ana->call(Op::MessageSend, {{QStringLiteral("roomId"), m_roomId}, {QStringLiteral("clientId"), QStringLiteral("m1")},
                                                         {QStringLiteral("text"), QStringLiteral("the diagram")},
                                                         {QStringLiteral("attachments"), QJsonArray{id}}}, &ok)
                               .value(QStringLiteral("seq")).toInteger();
        QVERIFY(ok);
        QVERIFY(QTest::qWaitFor([&] { return !m_ben->events().isEmpty() && m_ben->events().last().seq == seq; }, 5000));
        const QJsonArray carried = m_ben->events().last().data.value(QStringLiteral("attachments")).toArray();
        QCOMPARE(carried.size(), 1);
        QCOMPARE(carried.first().toObject(), attachment);
        QCOMPARE(m_ben->call(Op::MessageSearch, {{QStringLiteral("query"), QStringLiteral("has:file")}}, &ok)
                     .value(QStringLiteral("results")).toArray().size(), 1);
        // A file needs no words; a message with neither is refused.
        m_ana->call(Op::MessageSend, {{QStringLiteral("roomId"), m_roomId}, {QStringLiteral("clientId"), QStringLiteral("m2")},
                                      {QStringLiteral("text"), QString()}, {QStringLiteral("attachments"), QJsonArray{id}}}, &ok);
        QVERIFY(ok);
        QCOMPARE(code(m_ana->request(Op::MessageSend, {{QStringLiteral("roomId"), m_roomId}, {QStringLiteral("clientId"), QStringLiteral("m3")},
                                                       {QStringLiteral("text"), QString()}})),
                 errorCodeName(ErrorCode::BadRequest));

        // Ben downloads it in pieces of his own size; the last one says eof.
        QByteArray fetched;
        bool eof = false;
        while (!eof) {
            const auto piece = download(*m_ben, m_roomId, id, fetched.size(), 5000);
            QCOMPARE(code(piece), QStringLiteral("ok"));
            QCOMPARE(piece->data.value(QStringLiteral("size")).toInteger(), bytes.size());
            const QByteArray data = QByteArray::fromBase64(piece->data.value(QStringLiteral("data")).toString().toLatin1());
            QVERIFY(data.size() <= 5000);
            fetched += data;
            eof = piece->data.value(QStringLiteral("eof")).toBool();
            QVERIFY(fetched.size() <= bytes.size());
        }
        QCOMPARE(fetched, bytes);
        // A length above chunkBytes is cut to chunkBytes; the end of the file reads as empty.
        const auto big = download(*m_ben, m_roomId, id, 0, 10 * m_chunkBytes);
        QCOMPARE(QByteArray::fromBase64(big->data.value(QStringLiteral("data")).toString().toLatin1()).size(), m_chunkBytes);
        const auto end = download(*m_ben, m_roomId, id, bytes.size());
        QCOMPARE(code(end), QStringLiteral("ok"));
        QVERIFY(end->data.value(QStringLiteral("data")).toString().isEmpty());
        QVERIFY(end->data.value(QStringLiteral("eof")).toBool());
        QCOMPARE(code(download(*m_ben, m_roomId, id, bytes.size() + 1)), errorCodeName(ErrorCode::BadRequest));

        // The same bytes again in the same room: the stored attachment at once.
        const auto again = begin(*m_ben, m_roomId, QStringLiteral("u2"), QStringLiteral("copy.png"), bytes);
        QCOMPARE(code(again), QStringLiteral("ok"));
        QCOMPARE(again->data.value(QStringLiteral("attachment")).toObject(), attachment);
        QVERIFY(!again->data.contains(QStringLiteral("uploadId")));
    }

    void sizeLimitBeforeAnyByte()
    {
        const auto refused = begin(*m_ana, m_roomId, QStringLiteral("big"), QStringLiteral("big.bin"), "x", MaxBytes + 1);
        QCOMPARE(code(refused), errorCodeName(ErrorCode::TooLarge));
        QCOMPARE(partialFiles(), 0);
        QCOMPARE(code(begin(*m_ana, m_roomId, QStringLiteral("e"), QStringLiteral("e.bin"), "x", 0)),
                 errorCodeName(ErrorCode::BadRequest));
        QCOMPARE(code(begin(*m_ana, m_roomId, QStringLiteral("n"), QStringLiteral("dir/"), "x")),
                 errorCodeName(ErrorCode::BadRequest));
        // "." and ".." name a folder, not a file: no client could save or open them under that name.
        for (const QString &name : {QStringLiteral(".."), QStringLiteral("."), QStringLiteral("a/.."), QStringLiteral(" .. ")})
            QCOMPARE(code(begin(*m_ana, m_roomId, QStringLiteral("d"), name, "x")), errorCodeName(ErrorCode::BadRequest));
        // Exactly the limit is fine.
        const QByteArray bytes = pattern(MaxBytes);
        QCOMPARE(uploadAll(*m_ana, m_roomId, QStringLiteral("max"), QStringLiteral("max.bin"), bytes)
                     .value(QStringLiteral("size")).toInteger(), MaxBytes);
    }

    void nonMembersAreRefused()
    {
        const QByteArray bytes = pattern(1000);
        QCOMPARE(code(begin(*m_olga, m_roomId, QStringLiteral("o"), QStringLiteral("a.txt"), bytes)),
                 errorCodeName(ErrorCode::NotFound));
        const QString id = uploadAll(*m_ana, m_roomId, QStringLiteral("a"), QStringLiteral("a.txt"), bytes)
                               .value(QStringLiteral("id")).toString();
        QCOMPARE(id, sha256(bytes));
        QCOMPARE(code(download(*m_olga, m_roomId, id, 0)), errorCodeName(ErrorCode::NotFound));
        QCOMPARE(code(download(*m_ben, m_roomId, id, 0)), QStringLiteral("ok"));
        QCOMPARE(code(download(*m_ben, m_roomId, QString(64, QLatin1Char('0')), 0)), errorCodeName(ErrorCode::NotFound));
        QCOMPARE(code(download(*m_ben, m_roomId, QString(64, QLatin1Char('.')), 0)), errorCodeName(ErrorCode::NotFound));

        // Another user's upload id is unknown to olga, and so is knowing the hash: in her own
        // room she must send the bytes, and a file of another room cannot ride on her messages.
        const auto open = begin(*m_ana, m_roomId, QStringLiteral("b"), QStringLiteral("b.txt"), pattern(2000, 3));
        QCOMPARE(code(open), QStringLiteral("ok"));
        QCOMPARE(code(chunk(*m_olga, open->data.value(QStringLiteral("uploadId")).toString(), 0, "abc")),
                 errorCodeName(ErrorCode::NotFound));
        bool ok = false;
        const qint64 direct = m_olga->call(Op::RoomDirect, {{QStringLiteral("userId"),
                                                             m_ana->session().value(QStringLiteral("user")).toObject().value(QStringLiteral("id")).toInteger()}}, &ok)
                                  .value(QStringLiteral("room")).toObject().value(QStringLiteral("id")).toInteger();
        QVERIFY(ok);
        const auto inOwnRoom = begin(*m_olga, direct, QStringLiteral("o2"), QStringLiteral("a.txt"), bytes);
        QCOMPARE(code(inOwnRoom), QStringLiteral("ok"));
        QVERIFY(inOwnRoom->data.contains(QStringLiteral("uploadId")));
        QCOMPARE(code(download(*m_olga, direct, id, 0)), errorCodeName(ErrorCode::NotFound));
        const auto refused = m_olga->request(Op::MessageSend, {{QStringLiteral("roomId"), direct}, {QStringLiteral("clientId"), QStringLiteral("x")},
                                                               {QStringLiteral("text"), QStringLiteral("look")},
                                                               {QStringLiteral("attachments"), QJsonArray{id}}});
        QCOMPARE(code(refused), errorCodeName(ErrorCode::NotFound));
        // Sending the bytes makes the file hers to use in her room.
        QCOMPARE(code(sendRest(*m_olga, inOwnRoom->data.value(QStringLiteral("uploadId")).toString(), bytes, 0)),
                 QStringLiteral("ok"));
        QCOMPARE(code(download(*m_olga, direct, id, 0)), QStringLiteral("ok"));
    }

    void removedMembersLoseTheFiles()
    {
        bool ok = false;
        const qint64 benId = m_ben->session().value(QStringLiteral("user")).toObject().value(QStringLiteral("id")).toInteger();
        const qint64 group = m_ana->call(Op::RoomCreate, {{QStringLiteral("clientId"), QStringLiteral("g")}, {QStringLiteral("kind"), QStringLiteral("group")},
                                                          {QStringLiteral("name"), QStringLiteral("Pair")}, {QStringLiteral("members"), QJsonArray{benId}}}, &ok)
                                 .value(QStringLiteral("room")).toObject().value(QStringLiteral("id")).toInteger();
        QVERIFY(ok);
        const QByteArray bytes = pattern(2 * m_chunkBytes);
        const QString id = uploadAll(*m_ana, group, QStringLiteral("a"), QStringLiteral("a.bin"), bytes).value(QStringLiteral("id")).toString();
        QCOMPARE(id, sha256(bytes));
        QCOMPARE(code(download(*m_ben, group, id, 0)), QStringLiteral("ok"));
        const QByteArray his = pattern(2 * m_chunkBytes, 3);
        const auto open = begin(*m_ben, group, QStringLiteral("b"), QStringLiteral("b.bin"), his);
        QCOMPARE(code(open), QStringLiteral("ok"));
        const QString uploadId = open->data.value(QStringLiteral("uploadId")).toString();
        QCOMPARE(code(chunk(*m_ben, uploadId, 0, his.left(m_chunkBytes))), QStringLiteral("ok"));

        m_ana->call(Op::RoomRemoveMember, {{QStringLiteral("clientId"), QStringLiteral("r")}, {QStringLiteral("roomId"), group},
                                           {QStringLiteral("userId"), benId}}, &ok);
        QVERIFY(ok);
        // Gone from the room: its files, a new upload and the end of an old one are all refused.
        QCOMPARE(code(download(*m_ben, group, id, 0)), errorCodeName(ErrorCode::NotFound));
        QCOMPARE(code(begin(*m_ben, group, QStringLiteral("c"), QStringLiteral("c.bin"), pattern(10))), errorCodeName(ErrorCode::NotFound));
        QCOMPARE(code(sendRest(*m_ben, uploadId, his, m_chunkBytes)), errorCodeName(ErrorCode::NotFound));
        QCOMPARE(partialFiles(), 0);
        QVERIFY(!storedFile(sha256(his))); // no room records it: it must not stay on disk
        QCOMPARE(code(m_ana->request(Op::MessageSend, {{QStringLiteral("roomId"), group}, {QStringLiteral("clientId"), QStringLiteral("m")},
                                                       {QStringLiteral("text"), QString()}, {QStringLiteral("attachments"), QJsonArray{sha256(his)}}})),
                 errorCodeName(ErrorCode::NotFound));
    }

    void deletedMessagesTakeTheirFilesAlong()
    {
        // A moderator deletes an image: no member may fetch it or post it again by its id.
        const QByteArray bytes = pattern(2000);
        const QString id = uploadAll(*m_ana, m_roomId, QStringLiteral("a"), QStringLiteral("meme.png"), bytes)
                               .value(QStringLiteral("id")).toString();
        auto send = [&](const QString &clientId) {
            bool ok = false;
            const qint64 seq = m_ana->call(Op::MessageSend, {{QStringLiteral("roomId"), m_roomId}, {QStringLiteral("clientId"), clientId},
                                                             {QStringLiteral("text"), QStringLiteral("look")},
                                                             {QStringLiteral("attachments"), QJsonArray{id}}}, &ok)
                                   .value(QStringLiteral("seq")).toInteger();
            return ok ? seq : 0;
        };
        auto remove = [&](qint64 seq, const QString &clientId) {
            bool ok = false;
            m_teacher->call(Op::MessageDelete, {{QStringLiteral("roomId"), m_roomId}, {QStringLiteral("clientId"), clientId},
                                                {QStringLiteral("seq"), seq}}, &ok);
            return ok;
        };
        const qint64 first = send(QStringLiteral("m1"));
        const qint64 second = send(QStringLiteral("m2"));
        QVERIFY(first > 0 && second > 0);

        // While another message still carries the file, it stays.
        QVERIFY(remove(first, QStringLiteral("d1")));
        QCOMPARE(code(download(*m_ben, m_roomId, id, 0)), QStringLiteral("ok"));

        QVERIFY(remove(second, QStringLiteral("d2")));
        QCOMPARE(code(download(*m_ben, m_roomId, id, 0)), errorCodeName(ErrorCode::NotFound));
        QCOMPARE(code(download(*m_ana, m_roomId, id, 0)), errorCodeName(ErrorCode::NotFound));
        QCOMPARE(code(m_ben->request(Op::MessageSend, {{QStringLiteral("roomId"), m_roomId}, {QStringLiteral("clientId"), QStringLiteral("m3")},
                                                       {QStringLiteral("text"), QStringLiteral("again")},
                                                       {QStringLiteral("attachments"), QJsonArray{id}}})),
                 errorCodeName(ErrorCode::NotFound));
    }

    void archivedRoomRefusesUploads()
    {
        const QByteArray bytes = pattern(3000);
        const auto open = begin(*m_ana, m_roomId, QStringLiteral("a"), QStringLiteral("a.txt"), bytes);
        QCOMPARE(code(open), QStringLiteral("ok"));
        bool ok = false;
        m_teacher->call(Op::RoomUpdate, {{QStringLiteral("clientId"), QStringLiteral("arch")}, {QStringLiteral("roomId"), m_roomId},
                                         {QStringLiteral("archived"), true}}, &ok);
        QVERIFY(ok);
        QCOMPARE(code(begin(*m_ana, m_roomId, QStringLiteral("b"), QStringLiteral("b.txt"), pattern(10))),
                 errorCodeName(ErrorCode::Forbidden));
        // An upload begun before the archive is refused when it completes, and leaves nothing.
        QCOMPARE(code(sendRest(*m_ana, open->data.value(QStringLiteral("uploadId")).toString(), bytes, 0)),
                 errorCodeName(ErrorCode::Forbidden));
        QCOMPARE(partialFiles(), 0);
        QVERIFY(!storedFile(sha256(bytes)));
    }

    void resumeAfterReconnect()
    {
        const QByteArray bytes = pattern(2 * m_chunkBytes + 10);
        const auto started = begin(*m_ana, m_roomId, QStringLiteral("resumable"), QStringLiteral("r.bin"), bytes);
        QCOMPARE(code(started), QStringLiteral("ok"));
        const QString uploadId = started->data.value(QStringLiteral("uploadId")).toString();
        QCOMPARE(code(chunk(*m_ana, uploadId, 0, bytes.left(m_chunkBytes))), QStringLiteral("ok"));
        m_ana.reset();

        auto again = signedIn(QStringLiteral("ana"));
        QVERIFY(again);
        const auto resumed = begin(*again, m_roomId, QStringLiteral("resumable"), QStringLiteral("r.bin"), bytes);
        QCOMPARE(code(resumed), QStringLiteral("ok"));
        QCOMPARE(resumed->data.value(QStringLiteral("uploadId")).toString(), uploadId);
        QCOMPARE(resumed->data.value(QStringLiteral("received")).toInteger(), m_chunkBytes);
        // The same clientId for another file is a conflict, not a silent mix.
        QCOMPARE(code(begin(*again, m_roomId, QStringLiteral("resumable"), QStringLiteral("r.bin"), pattern(10))),
                 errorCodeName(ErrorCode::Conflict));
        const auto last = sendRest(*again, uploadId, bytes, m_chunkBytes);
        QCOMPARE(code(last), QStringLiteral("ok"));
        QCOMPARE(last->data.value(QStringLiteral("attachment")).toObject().value(QStringLiteral("id")).toString(), sha256(bytes));
    }

    void badChunksAreRefused()
    {
        const QByteArray bytes = pattern(2 * m_chunkBytes);
        const auto started = begin(*m_ana, m_roomId, QStringLiteral("bad"), QStringLiteral("b.bin"), bytes);
        QCOMPARE(code(started), QStringLiteral("ok"));
        const QString uploadId = started->data.value(QStringLiteral("uploadId")).toString();

        // Out of order: the answer names the offset expected.
        const auto ahead = chunk(*m_ana, uploadId, 5, bytes.mid(5, 10));
        QCOMPARE(code(ahead), errorCodeName(ErrorCode::Conflict));
        QVERIFY(ahead->message.contains(QStringLiteral("expected offset 0")));
        // Malformed base64, and no data at all.
        const auto garbage = m_ana->request(Op::AttachmentChunk, {{QStringLiteral("uploadId"), uploadId},
                                                                  {QStringLiteral("offset"), 0},
                                                                  {QStringLiteral("data"), QStringLiteral("@@@not base64")}});
        QCOMPARE(code(garbage), errorCodeName(ErrorCode::BadRequest));
        QCOMPARE(code(m_ana->request(Op::AttachmentChunk, {{QStringLiteral("uploadId"), uploadId}, {QStringLiteral("offset"), 0}})),
                 errorCodeName(ErrorCode::BadRequest));
        // A chunk above chunkBytes whose frame still fits, and one past the announced size.
        const auto oversized = chunk(*m_ana, uploadId, 0, pattern(m_chunkBytes + 3));
        QCOMPARE(code(oversized), errorCodeName(ErrorCode::TooLarge));
        QCOMPARE(code(chunk(*m_ana, uploadId, 0, bytes.left(m_chunkBytes))), QStringLiteral("ok"));
        // The wrong second half: the SHA-256 check at the end refuses it and drops the upload.
        QCOMPARE(code(chunk(*m_ana, uploadId, m_chunkBytes, pattern(m_chunkBytes, 5))), errorCodeName(ErrorCode::BadRequest));
        QCOMPARE(partialFiles(), 0);
        QCOMPARE(code(chunk(*m_ana, uploadId, 2 * m_chunkBytes, "x")), errorCodeName(ErrorCode::NotFound));
    }

    void shaMismatchAndOverlongChunk()
    {
        const QByteArray bytes = pattern(100);
        const auto started = begin(*m_ana, m_roomId, QStringLiteral("s"), QStringLiteral("s.bin"), bytes);
        const QString uploadId = started->data.value(QStringLiteral("uploadId")).toString();
        QCOMPARE(code(chunk(*m_ana, uploadId, 0, pattern(101))), errorCodeName(ErrorCode::BadRequest)); // beyond size
        QByteArray other = bytes;
        other[50] = 'x';
        const auto mismatch = chunk(*m_ana, uploadId, 0, other);
        QCOMPARE(code(mismatch), errorCodeName(ErrorCode::BadRequest));
        QVERIFY(mismatch->message.contains(QStringLiteral("sha256")));
        QVERIFY(!QFile::exists(m_server->dataDir() + QStringLiteral("/attachments/") + sha256(other).left(2) + QLatin1Char('/') + sha256(other)));
        QCOMPARE(partialFiles(), 0);
        // Starting again works.
        QCOMPARE(uploadAll(*m_ana, m_roomId, QStringLiteral("s"), QStringLiteral("s.bin"), bytes).value(QStringLiteral("id")).toString(),
                 sha256(bytes));
    }

    void openUploadsAreCapped()
    {
        for (int i = 0; i < 8; ++i)
            QCOMPARE(code(begin(*m_ana, m_roomId, QStringLiteral("cap%1").arg(i), QStringLiteral("c.bin"), pattern(10, i + 1))),
                     QStringLiteral("ok"));
        const auto refused = begin(*m_ana, m_roomId, QStringLiteral("cap8"), QStringLiteral("c.bin"), pattern(10, 99));
        QCOMPARE(code(refused), errorCodeName(ErrorCode::RateLimited));
        QVERIFY(refused->retryAfterMs > 0);
        // Another user is not affected.
        QCOMPARE(code(begin(*m_ben, m_roomId, QStringLiteral("cap0"), QStringLiteral("c.bin"), pattern(10, 1))), QStringLiteral("ok"));
    }

    void cancelDropsAnOpenUpload()
    {
        // A chip removed halfway: the temp file and the slot go at once, by clientId.
        const QByteArray bytes = pattern(3 * m_chunkBytes);
        const auto started = begin(*m_ana, m_roomId, QStringLiteral("c1"), QStringLiteral("c.bin"), bytes);
        QCOMPARE(code(started), QStringLiteral("ok"));
        const QString first = started->data.value(QStringLiteral("uploadId")).toString();
        QCOMPARE(code(chunk(*m_ana, first, 0, bytes.left(m_chunkBytes))), QStringLiteral("ok"));
        QCOMPARE(partialFiles(), 1);
        QCOMPARE(code(cancel(*m_ana, "clientId", QStringLiteral("c1"))), QStringLiteral("ok"));
        QCOMPARE(partialFiles(), 0);
        QCOMPARE(code(chunk(*m_ana, first, m_chunkBytes, bytes.mid(m_chunkBytes, m_chunkBytes))),
                 errorCodeName(ErrorCode::NotFound));
        // The same clientId starts afresh; by its uploadId it is cancelled too, once.
        const auto fresh = begin(*m_ana, m_roomId, QStringLiteral("c1"), QStringLiteral("c.bin"), bytes);
        QCOMPARE(fresh->data.value(QStringLiteral("received")).toInteger(), 0);
        const QString second = fresh->data.value(QStringLiteral("uploadId")).toString();
        QVERIFY(second != first);
        QCOMPARE(code(cancel(*m_ana, "uploadId", second)), QStringLiteral("ok"));
        QCOMPARE(code(cancel(*m_ana, "uploadId", second)), errorCodeName(ErrorCode::NotFound));
        QCOMPARE(partialFiles(), 0);

        // Only the uploader: Ben neither knows Ana's upload id nor reaches her clientIds.
        const auto hers = begin(*m_ana, m_roomId, QStringLiteral("c2"), QStringLiteral("c.bin"), bytes);
        const QString herId = hers->data.value(QStringLiteral("uploadId")).toString();
        QCOMPARE(code(cancel(*m_ben, "uploadId", herId)), errorCodeName(ErrorCode::NotFound));
        QCOMPARE(code(cancel(*m_ben, "clientId", QStringLiteral("c2"))), errorCodeName(ErrorCode::NotFound));
        QCOMPARE(partialFiles(), 1);
        QCOMPARE(code(chunk(*m_ana, herId, 0, bytes.left(m_chunkBytes))), QStringLiteral("ok"));

        // Bad input: neither or both fields, a wrong type, an unknown id.
        QCOMPARE(code(m_ana->request(Op::AttachmentCancel, {})), errorCodeName(ErrorCode::BadRequest));
        QCOMPARE(code(m_ana->request(Op::AttachmentCancel, {{QStringLiteral("uploadId"), herId},
                                                            {QStringLiteral("clientId"), QStringLiteral("c2")}})),
                 errorCodeName(ErrorCode::BadRequest));
        QCOMPARE(code(m_ana->request(Op::AttachmentCancel, {{QStringLiteral("uploadId"), 5}})),
                 errorCodeName(ErrorCode::BadRequest));
        QCOMPARE(code(cancel(*m_ana, "uploadId", QString(32, QLatin1Char('0')))), errorCodeName(ErrorCode::NotFound));
        QCOMPARE(code(cancel(*m_ana, "clientId", QStringLiteral("never"))), errorCodeName(ErrorCode::NotFound));
        QCOMPARE(partialFiles(), 1);

        // A finished upload is an attachment, which cancel does not touch.
        const QByteArray done = pattern(1000, 11);
        QCOMPARE(uploadAll(*m_ana, m_roomId, QStringLiteral("done"), QStringLiteral("d.bin"), done)
                     .value(QStringLiteral("id")).toString(), sha256(done));
        QCOMPARE(code(cancel(*m_ana, "clientId", QStringLiteral("done"))), errorCodeName(ErrorCode::NotFound));
        QCOMPARE(code(download(*m_ben, m_roomId, sha256(done), 0)), QStringLiteral("ok"));
        QVERIFY(storedFile(sha256(done)));
    }

    void cancelFreesTheSlot()
    {
        for (int i = 0; i < 8; ++i)
            QCOMPARE(code(begin(*m_ana, m_roomId, QStringLiteral("cap%1").arg(i), QStringLiteral("c.bin"), pattern(10, i + 1))),
                     QStringLiteral("ok"));
        QCOMPARE(code(begin(*m_ana, m_roomId, QStringLiteral("cap8"), QStringLiteral("c.bin"), pattern(10, 99))),
                 errorCodeName(ErrorCode::RateLimited));
        QCOMPARE(code(cancel(*m_ana, "clientId", QStringLiteral("cap3"))), QStringLiteral("ok"));
        QCOMPARE(code(begin(*m_ana, m_roomId, QStringLiteral("cap8"), QStringLiteral("c.bin"), pattern(10, 99))),
                 QStringLiteral("ok"));
    }

    void idleUploadsAreSweptByTheTimer()
    {
        // Expiry is 1 s here; no other upload request comes to trigger a sweep.
        const QByteArray bytes = pattern(2 * m_chunkBytes);
        const auto started = begin(*m_ana, m_roomId, QStringLiteral("idle"), QStringLiteral("i.bin"), bytes);
        const QString uploadId = started->data.value(QStringLiteral("uploadId")).toString();
        QCOMPARE(code(chunk(*m_ana, uploadId, 0, bytes.left(m_chunkBytes))), QStringLiteral("ok"));
        QCOMPARE(partialFiles(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(partialFiles(), 0, 5000);
        QCOMPARE(code(chunk(*m_ana, uploadId, m_chunkBytes, bytes.mid(m_chunkBytes))), errorCodeName(ErrorCode::NotFound));
        const auto again = begin(*m_ana, m_roomId, QStringLiteral("idle"), QStringLiteral("i.bin"), bytes);
        QCOMPARE(again->data.value(QStringLiteral("received")).toInteger(), 0);
    }

    void quotaPerUser()
    {
        bool ok = false;
        const qint64 direct = m_ana->call(Op::RoomDirect, {{QStringLiteral("userId"), userId(*m_ben)}}, &ok)
                                  .value(QStringLiteral("room")).toObject().value(QStringLiteral("id")).toInteger();
        QVERIFY(ok);
        const QByteArray photo = pattern(60000, 3);
        QCOMPARE(uploadAll(*m_ana, m_roomId, QStringLiteral("p"), QStringLiteral("p.png"), photo)
                     .value(QStringLiteral("id")).toString(), sha256(photo));
        // Refused before any byte, with the quota in the message.
        const QByteArray video = pattern(50000, 5);
        const auto refused = begin(*m_ana, m_roomId, QStringLiteral("v"), QStringLiteral("v.mp4"), video);
        QCOMPARE(code(refused), errorCodeName(ErrorCode::TooLarge));
        QVERIFY2(refused->message.contains(QStringLiteral("100000 bytes")), qPrintable(refused->message));
        QCOMPARE(partialFiles(), 0);
        // The same file in another room is stored once and counted once.
        QCOMPARE(uploadAll(*m_ana, direct, QStringLiteral("p2"), QStringLiteral("p.png"), photo)
                     .value(QStringLiteral("id")).toString(), sha256(photo));
        // Open uploads count as well, and cancelling one gives its bytes back.
        QCOMPARE(code(begin(*m_ana, m_roomId, QStringLiteral("o1"), QStringLiteral("o1.bin"), pattern(30000, 7))),
                 QStringLiteral("ok"));
        QCOMPARE(code(begin(*m_ana, m_roomId, QStringLiteral("o2"), QStringLiteral("o2.bin"), pattern(20000, 9))),
                 errorCodeName(ErrorCode::TooLarge));
        QCOMPARE(code(cancel(*m_ana, "clientId", QStringLiteral("o1"))), QStringLiteral("ok"));
        QCOMPARE(code(begin(*m_ana, m_roomId, QStringLiteral("o2"), QStringLiteral("o2.bin"), pattern(20000, 9))),
                 QStringLiteral("ok"));
        // Another user has a quota of their own.
        QCOMPARE(uploadAll(*m_ben, m_roomId, QStringLiteral("b"), QStringLiteral("b.bin"), pattern(60000, 13))
                     .value(QStringLiteral("size")).toInteger(), 60000);

        // Once the last messages carrying the photo are deleted, its bytes leave the quota and the disk.
        for (const qint64 room : {m_roomId, direct}) {
            const qint64 seq = m_ana->call(Op::MessageSend, {{QStringLiteral("roomId"), room}, {QStringLiteral("clientId"), QStringLiteral("m%1").arg(room)},
                                                             {QStringLiteral("text"), QString()},
                                                             {QStringLiteral("attachments"), QJsonArray{sha256(photo)}}}, &ok)
                                   .value(QStringLiteral("seq")).toInteger();
            QVERIFY(ok);
            QVERIFY(storedFile(sha256(photo)));
            m_ana->call(Op::MessageDelete, {{QStringLiteral("roomId"), room}, {QStringLiteral("clientId"), QStringLiteral("d%1").arg(room)},
                                            {QStringLiteral("seq"), seq}}, &ok);
            QVERIFY(ok);
        }
        QVERIFY(!storedFile(sha256(photo)));
        QCOMPARE(uploadAll(*m_ana, m_roomId, QStringLiteral("v"), QStringLiteral("v.mp4"), video)
                     .value(QStringLiteral("size")).toInteger(), 50000);
    }

    void unsentFilesAreSwept()
    {
        // Kept for 2 s here: a file no message carries by then leaves the room, the disk and the quota.
        bool ok = false;
        const qint64 direct = m_ana->call(Op::RoomDirect, {{QStringLiteral("userId"), userId(*m_ben)}}, &ok)
                                  .value(QStringLiteral("room")).toObject().value(QStringLiteral("id")).toInteger();
        QVERIFY(ok);
        const QByteArray sent = pattern(1000, 3);
        const QByteArray unsent = pattern(60000, 5);
        const QByteArray both = pattern(2000, 11); // sent in the direct room, never in the course room
        for (const auto &[room, clientId, bytes] : {std::tuple{m_roomId, "s", sent}, std::tuple{m_roomId, "u", unsent},
                                                    std::tuple{m_roomId, "b1", both}, std::tuple{direct, "b2", both}})
            QCOMPARE(uploadAll(*m_ana, room, QLatin1String(clientId), QStringLiteral("f.bin"), bytes)
                         .value(QStringLiteral("id")).toString(), sha256(bytes));
        for (const auto &[room, bytes] : {std::pair{m_roomId, sent}, std::pair{direct, both}}) {
            m_ana->call(Op::MessageSend, {{QStringLiteral("roomId"), room}, {QStringLiteral("clientId"), sha256(bytes).left(8)},
                                          {QStringLiteral("text"), QString()},
                                          {QStringLiteral("attachments"), QJsonArray{sha256(bytes)}}}, &ok);
            QVERIFY(ok);
        }
        // Before the sweep the unsent file takes the quota.
        const QByteArray video = pattern(50000, 9);
        QCOMPARE(code(begin(*m_ana, m_roomId, QStringLiteral("v"), QStringLiteral("v.mp4"), video)),
                 errorCodeName(ErrorCode::TooLarge));

        QTRY_VERIFY_WITH_TIMEOUT(!storedFile(sha256(unsent)), 8000);
        QCOMPARE(code(download(*m_ben, m_roomId, sha256(unsent), 0)), errorCodeName(ErrorCode::NotFound));
        QCOMPARE(code(m_ana->request(Op::MessageSend, {{QStringLiteral("roomId"), m_roomId}, {QStringLiteral("clientId"), QStringLiteral("late")},
                                                       {QStringLiteral("text"), QString()},
                                                       {QStringLiteral("attachments"), QJsonArray{sha256(unsent)}}})),
                 errorCodeName(ErrorCode::NotFound));
        // Files a message carries stay, in the room that carries them; the other room's record goes.
        QVERIFY(storedFile(sha256(sent)));
        QVERIFY(storedFile(sha256(both)));
        QCOMPARE(code(download(*m_ben, m_roomId, sha256(sent), 0)), QStringLiteral("ok"));
        QCOMPARE(code(download(*m_ben, direct, sha256(both), 0)), QStringLiteral("ok"));
        QTRY_COMPARE_WITH_TIMEOUT(code(download(*m_ben, m_roomId, sha256(both), 0)), errorCodeName(ErrorCode::NotFound), 5000);
        QCOMPARE(uploadAll(*m_ana, m_roomId, QStringLiteral("v"), QStringLiteral("v.mp4"), video)
                     .value(QStringLiteral("size")).toInteger(), 50000);
    }
};

QTEST_GUILESS_MAIN(TestAttachments)
#include "tst_attachments.moc"
