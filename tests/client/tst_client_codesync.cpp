// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "clientfixture.h"
#include "codeclient.h"
#include "codefilemodel.h"
#include "codesession.h"
#include "codesessionfile.h"
#include "undomanager.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

using namespace Cohort;
using namespace Cohort::Test;
using Client::CodeClient;
using Client::CodeFileId;
using Client::CodeSession;
using Client::CodeSessionFile;
using Client::CodeSessionId;

namespace {

/// Types `keys` keystrokes at the end of the file, one engine update each as the editor makes
/// them, a line break every `lineEvery`; returns what was typed.
QString typeAtTheEnd(CodeSessionFile *file, int keys, int lineEvery)
{
    QString typed;
    for (int i = 0; i < keys; ++i) {
        const QString key(QChar(i % lineEvery == lineEvery - 1 ? u'\n' : char16_t(u'a' + i % 26)));
        file->insert(file->text().size(), key);
        typed += key;
    }
    return typed;
}

} // namespace

/// How a file's local edits reach the server when things go wrong: a long offline period, a
/// server that fails to store an edit. Real clients against a real in-process server; the
/// requests pass through a tap that counts them (and answers one itself where a test says so).
class TestClientCodeSync : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void longOfflineTypingGoesOutTogether();
    void serverFailureKeepsTheEdit();
    void keystrokesGoOutAtOnceAHeldKeyIsPaced();
    void largeEditsGoOutUnderTheLimit();
    void refusedOfflineEditsAreKept_data();
    void refusedOfflineEditsAreKept();
    void refusedOversizedPasteIsKeptWhole();
    void aBusyServerDoesNotEndTheSession();

private:
    struct Person
    {
        std::unique_ptr<Client::Connection> connection;
        std::unique_ptr<CodeClient> code;
        CodeSession *session = nullptr;
        int docUpdates = 0;          // doc.update requests sent
        int failDocUpdates = 0;      // the next ones are answered `internal` by the tap
        int failJoins = 0;           // the next code.join requests are answered `internal`
    };
    /// Signs in, taps the requests, and joins the session (creates it when `id` is invalid).
    bool join(Person &person, const QString &username, CodeSessionId id, TestNetwork *network = nullptr);
    CodeSessionFile *openLoaded(Person &person, CodeFileId file);
    /// A new file in the person's session; nothing if the server did not create it.
    std::optional<Client::CodeFileInfo> createFile(Person &person, const QString &path, const QString &language,
                                                   const QString &content);
    /// Ines's session with notes.md open for both, then Ana's network down: false if a step failed.
    bool anaOfflineInInesNotes(Person &ines, Person &ana, TestNetwork &network, CodeSessionFile *&inesFile,
                               CodeSessionFile *&anaFile);

    std::unique_ptr<RestartableServer> m_server;
    QTemporaryDir m_caches;
    CourseId m_course;
    UserId m_ana;
    int m_devices = 0;
};

void TestClientCodeSync::init()
{
    QStandardPaths::setTestModeEnabled(true);
    m_server = std::make_unique<RestartableServer>();
    QCOMPARE(m_server->start(), QString());
    const UserId ines = m_server->addUser(QStringLiteral("ines"), Role::Instructor);
    m_ana = m_server->addUser(QStringLiteral("ana"), Role::Student);
    m_course = m_server->addCourse(QStringLiteral("Algorithms"), ines, {m_ana}).id;
    QVERIFY(m_course.isValid());
}

void TestClientCodeSync::cleanup()
{
    m_server.reset();
}

bool TestClientCodeSync::join(Person &person, const QString &username, CodeSessionId id, TestNetwork *network)
{
    person.connection = makeConnection(m_caches.filePath(username + QString::number(++m_devices)), network);
    person.code = std::make_unique<CodeClient>(person.connection.get());
    Client::Connection *connection = person.connection.get();
    person.code->setRequester([connection, &person](const QString &opName, const QJsonObject &data, QObject *context,
                                                    Client::ReplyCallback done) {
        Protocol::Op op = Protocol::Op::AuthSignIn;
        QVERIFY(Protocol::parseOp(opName, &op));
        if (opName == QLatin1String("doc.update")) {
            ++person.docUpdates;
            if (person.failDocUpdates > 0) {
                --person.failDocUpdates;
                Client::Reply reply;
                reply.error = Protocol::ErrorCode::Internal;
                reply.message = QStringLiteral("the database is busy");
                QTimer::singleShot(0, context, [done, reply] { done(reply); });
                return;
            }
        }
        if (opName == QLatin1String("code.join") && person.failJoins > 0) {
            --person.failJoins;
            Client::Reply reply;
            reply.error = Protocol::ErrorCode::Internal;
            reply.message = QStringLiteral("the session could not be read");
            QTimer::singleShot(0, context, [done, reply] { done(reply); });
            return;
        }
        connection->request(op, data, context, std::move(done));
    });
    if (!signIn(*person.connection, m_server->url(), username).ok)
        return false;
    if (!id.isValid()) {
        Client::NewCodeSession settings;
        settings.title = QStringLiteral("Lab");
        settings.courseId = m_course;
        settings.visibility = QStringLiteral("course");
        bool done = false;
        person.code->createSession(settings, person.code.get(),
                                   [&](const Client::Reply &, const std::optional<Client::CodeSessionInfo> &info) {
            if (info)
                id = info->id;
            done = true;
        });
        if (!QTest::qWaitFor([&done] { return done; }, 5000) || !id.isValid())
            return false;
    }
    person.session = person.code->join(id);
    return QTest::qWaitFor([&person] { return person.session->state() == CodeSession::State::Joined; }, 5000);
}

CodeSessionFile *TestClientCodeSync::openLoaded(Person &person, CodeFileId file)
{
    CodeSessionFile *open = person.session->openFile(file);
    return QTest::qWaitFor([open] { return open->isLoaded(); }, 5000) ? open : nullptr;
}

std::optional<Client::CodeFileInfo> TestClientCodeSync::createFile(Person &person, const QString &path, const QString &language,
                                                                   const QString &content)
{
    std::optional<Client::CodeFileInfo> created;
    bool answered = false;
    QObject answer; // a late answer finds it gone, not this frame
    person.session->createFile(path, language, content, &answer,
                               [&](const Client::Reply &, const std::optional<Client::CodeFileInfo> &file) {
        created = file;
        answered = true;
    });
    if (!QTest::qWaitFor([&answered] { return answered; }, 5000))
        return std::nullopt;
    return created;
}

bool TestClientCodeSync::anaOfflineInInesNotes(Person &ines, Person &ana, TestNetwork &network,
                                               CodeSessionFile *&inesFile, CodeSessionFile *&anaFile)
{
    if (!join(ines, QStringLiteral("ines"), CodeSessionId()))
        return false;
    const std::optional<Client::CodeFileInfo> created
        = createFile(ines, QStringLiteral("notes.md"), QStringLiteral("markdown"), QStringLiteral("# Notes\n"));
    if (!created || !join(ana, QStringLiteral("ana"), ines.session->id(), &network))
        return false;
    inesFile = openLoaded(ines, created->id);
    anaFile = openLoaded(ana, created->id);
    if (!inesFile || !anaFile)
        return false;
    network.down = true;
    network.current->close(1001, QStringLiteral("gone"));
    CodeSessionFile *file = anaFile;
    return QTest::qWaitFor([file] { return file->syncState() == CodeSessionFile::SyncState::Offline; }, 5000);
}

void TestClientCodeSync::longOfflineTypingGoesOutTogether()
{
    Person ines;
    Person ana;
    TestNetwork network;
    CodeSessionFile *inesFile = nullptr;
    CodeSessionFile *anaFile = nullptr;
    QVERIFY(anaOfflineInInesNotes(ines, ana, network, inesFile, anaFile));
    // Ten minutes of typing on a train.
    const QString typed = typeAtTheEnd(anaFile, 1500, 40);
    const int sentBefore = ana.docUpdates;

    // Back online, the whole backlog goes out in a request or two, not keystroke by keystroke
    // (which took minutes on a slow link, with the work at risk all that time).
    network.down = false;
    QTRY_COMPARE_WITH_TIMEOUT(ana.connection->state(), Client::Connection::State::Connected, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(!anaFile->hasUnsentChanges(), 20000);
    QTRY_COMPARE(inesFile->text(), QStringLiteral("# Notes\n") + typed);
    QCOMPARE(anaFile->text(), inesFile->text());
    QVERIFY2(ana.docUpdates - sentBefore <= 3, qPrintable(QString::number(ana.docUpdates - sentBefore)));
}

void TestClientCodeSync::aBusyServerDoesNotEndTheSession()
{
    // A rejoin the server cannot take this time (a failing database, a server going down) is
    // asked again, later each time: the session is not given up as refused, and what Ana
    // typed offline goes out instead of being kept as refused.
    Person ines;
    Person ana;
    TestNetwork network;
    CodeSessionFile *inesFile = nullptr;
    CodeSessionFile *anaFile = nullptr;
    QVERIFY(anaOfflineInInesNotes(ines, ana, network, inesFile, anaFile));
    const QString typed = typeAtTheEnd(anaFile, 20, 10);

    QList<CodeSession::State> states;
    connect(ana.session, &CodeSession::stateChanged, this, [&states](CodeSession::State state) { states.append(state); });
    ana.failJoins = 2;
    network.down = false;
    QTRY_COMPARE_WITH_TIMEOUT(ana.failJoins, 0, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(inesFile->text(), QStringLiteral("# Notes\n") + typed, 15000);
    QCOMPARE(ana.session->state(), CodeSession::State::Joined);
    QVERIFY(!states.contains(CodeSession::State::Refused));
    QVERIFY(ana.session->allRefusedEdits().isEmpty());
    QCOMPARE(anaFile->text(), inesFile->text());
}

void TestClientCodeSync::serverFailureKeepsTheEdit()
{
    Person ines;
    QVERIFY(join(ines, QStringLiteral("ines"), CodeSessionId()));
    const std::optional<Client::CodeFileInfo> created = createFile(ines, QStringLiteral("main.py"), QStringLiteral("python"), QStringLiteral("x = 1\n"));
    QVERIFY(created);
    Person ana;
    QVERIFY(join(ana, QStringLiteral("ana"), ines.session->id()));
    CodeSessionFile *inesFile = openLoaded(ines, created->id);
    CodeSessionFile *anaFile = openLoaded(ana, created->id);
    QVERIFY(inesFile && anaFile);

    // The server could not store the edit this time (its database failed): that is not a
    // refusal, so the edit stays and goes out again instead of being thrown away.
    QSignalSpy reloaded(anaFile, &CodeSessionFile::reloaded);
    QSignalSpy refused(anaFile, &CodeSessionFile::editRefused);
    ana.failDocUpdates = 1;
    anaFile->insert(0, QStringLiteral("kept = True\n"));
    QTRY_COMPARE(ana.failDocUpdates, 0);
    QTRY_COMPARE_WITH_TIMEOUT(inesFile->text(), QStringLiteral("kept = True\nx = 1\n"), 10000);
    QTRY_VERIFY(!anaFile->hasUnsentChanges());
    QCOMPARE(anaFile->text(), inesFile->text());
    QCOMPARE(reloaded.size(), 0);
    QCOMPARE(refused.size(), 0);
}

void TestClientCodeSync::keystrokesGoOutAtOnceAHeldKeyIsPaced()
{
    Person ines;
    QVERIFY(join(ines, QStringLiteral("ines"), CodeSessionId()));
    const std::optional<Client::CodeFileInfo> created = createFile(ines, QStringLiteral("main.py"), QStringLiteral("python"), QStringLiteral("x = 1\n"));
    QVERIFY(created);
    CodeSessionFile *file = openLoaded(ines, created->id);
    QVERIFY(file);

    // Typing: a keystroke goes out as it is typed, however soon after the one before it was
    // acknowledged (a fixed interval between updates held it back until the interval ended).
    for (int i = 0; i < CodeClient::UpdateBurst; ++i) {
        const int sent = ines.docUpdates;
        file->insert(file->text().size(), QStringLiteral("a"));
        QCOMPARE(ines.docUpdates, sent + 1);
        QTRY_VERIFY(!file->hasUnsentChanges());
    }

    // A key held down, a keystroke every 5 ms: past the burst the updates are paced, so that
    // edits and cursors stay within the connection's request budget.
    const int sentBefore = ines.docUpdates;
    int typed = 0;
    QTimer key;
    key.setTimerType(Qt::PreciseTimer);
    key.setInterval(5);
    connect(&key, &QTimer::timeout, this, [&] {
        file->insert(file->text().size(), QStringLiteral("b"));
        if (++typed == 60)
            key.stop();
    });
    QElapsedTimer held;
    held.start();
    key.start();
    QTRY_COMPARE(typed, 60);
    const qint64 heldMs = held.elapsed();
    QTRY_VERIFY(!file->hasUnsentChanges());
    const int sent = ines.docUpdates - sentBefore;
    // The burst, one per interval while the key was down, and the last edits after it.
    const qint64 allowed = CodeClient::UpdateBurst + heldMs / CodeClient::UpdateIntervalMs + 1;
    QVERIFY2(sent <= allowed, qPrintable(QStringLiteral("%1 updates in %2 ms").arg(sent).arg(heldMs)));
    QCOMPARE(file->text(), QStringLiteral("x = 1\n") + QString(CodeClient::UpdateBurst, QLatin1Char('a'))
                               + QString(60, QLatin1Char('b')));
}

void TestClientCodeSync::largeEditsGoOutUnderTheLimit()
{
    Person ines;
    QVERIFY(join(ines, QStringLiteral("ines"), CodeSessionId()));
    const std::optional<Client::CodeFileInfo> created = createFile(ines, QStringLiteral("data.txt"), QStringLiteral("text"), QString());
    QVERIFY(created);
    Person ana;
    QVERIFY(join(ana, QStringLiteral("ana"), ines.session->id()));
    CodeSessionFile *inesFile = openLoaded(ines, created->id);
    CodeSessionFile *anaFile = openLoaded(ana, created->id);
    QVERIFY(inesFile && anaFile);
    const int limit = ana.code->limits().maxUpdateBytes;
    QSignalSpy refused(anaFile, &CodeSessionFile::editRefused);
    QSignalSpy reloaded(anaFile, &CodeSessionFile::reloaded);
    auto bigText = [](QChar letter) {
        QString text;
        for (int line = 0; text.size() < 200 * 1024; ++line)
            text += QString(60, letter) + QString::number(line) + QLatin1Char('\n');
        return text;
    };

    // Without an editor: one insert far over the server's per-update limit.
    const QString first = bigText(QLatin1Char('a'));
    QVERIFY(first.toUtf8().size() > 6 * limit);
    anaFile->insert(0, first);
    QTRY_COMPARE_WITH_TIMEOUT(inesFile->text(), first, 20000);
    QTRY_VERIFY(!anaFile->hasUnsentChanges());

    // With an editor's replica (as CollabEditor makes them): a paste, its undo and its redo,
    // which comes back as one engine update of the whole paste.
    Collab::Document editor = anaFile->replica();
    Collab::UndoManager history(editor);
    const QString paste = bigText(QLatin1Char('b'));
    for (qsizetype at = 0; at < paste.size(); at += 8000)
        anaFile->applyLocalUpdate(editor.insert(first.size() + at, QStringView(paste).mid(at, 8000)));
    anaFile->applyLocalUpdate(history.undo());
    QCOMPARE(editor.text(), first);
    const QByteArray redo = history.redo();
    QVERIFY(redo.size() > 6 * limit);
    anaFile->applyLocalUpdate(redo);
    QCOMPARE(anaFile->text(), first + paste);
    QTRY_COMPARE_WITH_TIMEOUT(inesFile->text(), first + paste, 20000);
    QTRY_VERIFY(!anaFile->hasUnsentChanges());

    // A replace-all over the whole text: one transaction, one update.
    const QString replaced = bigText(QLatin1Char('c'));
    editor.beginTransaction();
    editor.remove(0, editor.length());
    editor.insert(0, replaced);
    anaFile->applyLocalUpdate(editor.commitTransaction());
    QTRY_COMPARE_WITH_TIMEOUT(inesFile->text(), replaced, 20000);
    QTRY_VERIFY(!anaFile->hasUnsentChanges());
    QCOMPARE(anaFile->text(), replaced);
    QCOMPARE(refused.size(), 0);
    QCOMPARE(reloaded.size(), 0);

    // A late joiner reads the same text from the server.
    Person late;
    QVERIFY(join(late, QStringLiteral("ines"), ines.session->id()));
    CodeSessionFile *lateFile = openLoaded(late, created->id);
    QVERIFY(lateFile);
    QCOMPARE(lateFile->text(), replaced);
}

void TestClientCodeSync::refusedOfflineEditsAreKept_data()
{
    QTest::addColumn<QString>("meanwhile");
    QTest::addColumn<int>("error");
    QTest::newRow("made a viewer") << QStringLiteral("viewer") << int(Protocol::ErrorCode::Forbidden);
    QTest::newRow("session archived") << QStringLiteral("archive") << int(Protocol::ErrorCode::Conflict);
    QTest::newRow("file deleted") << QStringLiteral("delete file") << int(Protocol::ErrorCode::NotFound);
}

void TestClientCodeSync::refusedOfflineEditsAreKept()
{
    QFETCH(QString, meanwhile);
    QFETCH(int, error);
    Person ines;
    QVERIFY(join(ines, QStringLiteral("ines"), CodeSessionId()));
    const std::optional<Client::CodeFileInfo> created = createFile(ines, QStringLiteral("src/main.py"), QStringLiteral("python"), QStringLiteral("x = 1\n"));
    QVERIFY(created);
    bool roleSet = false;
    ines.session->setRole(m_ana, Client::CodeRole::Editor, this, [&roleSet](const Client::Reply &reply) { roleSet = reply.ok; });
    QTRY_VERIFY(roleSet);
    TestNetwork network;
    Person ana;
    QVERIFY(join(ana, QStringLiteral("ana"), ines.session->id(), &network));
    QCOMPARE(ana.session->myRole(), Client::CodeRole::Editor);
    CodeSessionFile *inesFile = openLoaded(ines, created->id);
    CodeSessionFile *anaFile = openLoaded(ana, created->id);
    QVERIFY(inesFile && anaFile);

    network.down = true;
    network.current->close(1001, QStringLiteral("gone"));
    QTRY_COMPARE(anaFile->syncState(), CodeSessionFile::SyncState::Offline);
    // Ten minutes of work offline, while the host changes what Ana may do.
    const QString typed = typeAtTheEnd(anaFile, 300, 30);
    const QString mine = anaFile->text();
    QCOMPARE(mine, QStringLiteral("x = 1\n") + typed);

    bool done = false;
    if (meanwhile == QLatin1String("viewer")) {
        ines.session->setRole(m_ana, Client::CodeRole::Viewer, this, [&done](const Client::Reply &reply) { done = reply.ok; });
    } else if (meanwhile == QLatin1String("archive")) {
        ines.code->archiveSession(ines.session->id(), this,
                                  [&done](const Client::Reply &reply, const std::optional<Client::CodeSessionInfo> &) { done = reply.ok; });
    } else {
        ines.session->deleteFile(created->id, this, [&done](const Client::Reply &reply) { done = reply.ok; });
    }
    QTRY_VERIFY(done);
    QSignalSpy kept(ana.session, &CodeSession::refusedEditsChanged);
    QVERIFY(!ana.session->refusedEdits(created->id));

    network.down = false;
    QTRY_VERIFY_WITH_TIMEOUT(ana.session->refusedEdits(created->id).has_value(), 20000);
    const CodeSession::RefusedEdits edits = *ana.session->refusedEdits(created->id);
    QCOMPARE(edits.text, mine);
    QCOMPARE(edits.path, QStringLiteral("src/main.py"));
    QCOMPARE(int(edits.reply.error), error);
    QCOMPARE(ana.session->allRefusedEdits().size(), 1);
    QCOMPARE(kept.size(), 1);

    if (meanwhile == QLatin1String("viewer")) {
        // The replica went back to the server's text, which never had the refused edits.
        QTRY_COMPARE_WITH_TIMEOUT(anaFile->syncState(), CodeSessionFile::SyncState::Synced, 10000);
        QCOMPARE(anaFile->text(), QStringLiteral("x = 1\n"));
        QCOMPARE(inesFile->text(), QStringLiteral("x = 1\n"));
        QVERIFY(!anaFile->hasUnsentChanges());
    } else if (meanwhile == QLatin1String("archive")) {
        QCOMPARE(ana.session->state(), CodeSession::State::Refused);
        QCOMPARE(inesFile->text(), QStringLiteral("x = 1\n"));
    } else {
        QVERIFY(!ana.session->openedFile(created->id));
        QVERIFY(!ana.session->files()->file(created->id));
    }

    // Saved or let go, the text is gone from memory.
    ana.session->discardRefusedEdits(edits.id);
    QVERIFY(!ana.session->refusedEdits(created->id));
    QVERIFY(ana.session->allRefusedEdits().isEmpty());
    QCOMPARE(kept.size(), 2);
}

void TestClientCodeSync::refusedOversizedPasteIsKeptWhole()
{
    Person ines;
    QVERIFY(join(ines, QStringLiteral("ines"), CodeSessionId()));
    const std::optional<Client::CodeFileInfo> created = createFile(ines, QStringLiteral("log.txt"), QStringLiteral("text"), QString());
    QVERIFY(created);
    CodeSessionFile *file = openLoaded(ines, created->id);
    QVERIFY(file);
    // A paste past the file length limit: the server refuses it, and the copy kept for the user
    // is where the whole of it can still go (a file on disk has no such limit).
    QString pasted;
    for (int line = 0; pasted.size() <= ines.code->limits().maxFileLength; ++line)
        pasted += QString(70, QLatin1Char('a' + line % 26)) + QString::number(line) + QLatin1Char('\n');
    file->insert(0, pasted);
    QTRY_VERIFY_WITH_TIMEOUT(ines.session->refusedEdits(created->id).has_value(), 30000);
    const CodeSession::RefusedEdits edits = *ines.session->refusedEdits(created->id);
    QCOMPARE(int(edits.reply.error), int(Protocol::ErrorCode::TooLarge));
    QCOMPARE(edits.text.size(), pasted.size());
    QVERIFY(edits.text == pasted);
}

QTEST_GUILESS_MAIN(TestClientCodeSync)
#include "tst_client_codesync.moc"
