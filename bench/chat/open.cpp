// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
//
// cohort-bench-chat-open: opening a room with a long history in the Chat pane. Against a running
// cohort-server (a database from cohort-bench-chat-populate --lobby: the big room plus a small
// "lobby" the pane opens by itself), each repetition signs in a fresh app client (Connection,
// ChatClient and ChatPane, offscreen, empty local cache) and times "open room" to the first
// paint of the timeline with the first page in it, then scrolls back page by page. The baseline,
// side by side: the same first page (message.history) fetched by a bare protocol client.
// One JSON line per repetition on stdout.
#include "benchclient.h"
#include "chatclient.h"
#include "chatpane.h"
#include "connection.h"
#include "messagemodel.h"
#include "messageview.h"
#include "output.h"
#include "procstats.h"
#include "roomlistmodel.h"
#include "samples.h"
#include "wait.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QEvent>
#include <QJsonArray>
#include <QScrollBar>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>

#include <cstdio>
#include <functional>

#include <malloc.h>

using namespace Cohort;
using namespace Cohort::Bench;

namespace {

/// Runs the event loop until `done` holds or `timeoutMs` passed; returns whether it holds.
bool waitUntil(const std::function<bool()> &done, int timeoutMs = 30000)
{
    QElapsedTimer clock;
    clock.start();
    while (!done()) {
        if (clock.elapsed() > timeoutMs)
            return false;
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
    }
    return true;
}

/// Bytes the heap has handed out and not got back (glibc): unlike RSS, it does not hide a
/// repetition's allocations in memory an earlier one freed.
qint64 heapInUse()
{
    const struct mallinfo2 info = mallinfo2();
    return qint64(info.uordblks + info.hblkhd);
}

/// Lets pending work (layout, deferred deletes, the room's receipts and members) finish.
void settle(int ms)
{
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < ms)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
}

/// Notes when the timeline's viewport has painted with messages in it.
class PaintWatch : public QObject
{
public:
    PaintWatch(Ui::MessageView *view, const QElapsedTimer &clock)
        : QObject(view)
        , m_view(view)
        , m_clock(clock)
    {
        view->viewport()->installEventFilter(this);
    }
    bool painted = false;
    qint64 paintStartNs = -1; // when the first such paint event began

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::Paint && m_view->messageModel() && m_view->messageModel()->rowCount() > 0
            && !painted) {
            painted = true;
            paintStartNs = m_clock.nsecsElapsed();
        }
        return QObject::eventFilter(watched, event);
    }

private:
    Ui::MessageView *m_view;
    const QElapsedTimer &m_clock;
};

struct Rep
{
    QJsonObject line;
    bool ok = false;
};

Rep runOnce(const QUrl &url, const QString &username, const QString &password, const QString &bigRoomName,
            int pages, int pageSize)
{
    Rep rep;
    QTemporaryDir cache;
    Client::Connection connection;
    connection.setCacheRoot(cache.path());
    bool signedIn = false;
    connection.signIn(url, username, password, &connection,
                      [&signedIn](const Client::AuthResult &result) { signedIn = result.ok; });
    if (!waitUntil([&] { return signedIn; })) {
        errorStream() << "the app client could not sign in\n";
        return rep;
    }
    Client::ChatClient client(&connection);
    client.setPageSize(pageSize);
    Ui::ChatPane pane(&client, &connection);
    pane.resize(1000, 650);
    pane.show();
    // The client joins every listed room; with an empty cache each join asks for a replay
    // (room.join since 0), which for a long room is the server's whole resume window. The open
    // is timed once all of that is done, as when a user clicks a room a while after signing in.
    int joined = 0;
    QObject::connect(&connection, &Client::Connection::roomJoined, &pane, [&joined] { ++joined; });
    QElapsedTimer joinClock;
    joinClock.start();
    client.refreshRooms();
    if (!waitUntil([&] { return client.isRoomListLoaded() && pane.currentRoom().isValid()
                                && joined >= client.rooms()->rowCount(); })) {
        errorStream() << "no room list, or not every room joined\n";
        return rep;
    }
    const qint64 roomsReadyNs = joinClock.nsecsElapsed();
    RoomId big;
    RoomId other;
    Client::RoomListModel *rooms = client.rooms();
    for (int row = 0; row < rooms->rowCount(); ++row) {
        const QModelIndex index = rooms->index(row, 0);
        const RoomId id(index.data(Client::RoomListModel::RoomIdRole).toLongLong());
        if (rooms->room(id) && rooms->room(id)->name == bigRoomName)
            big = id;
        else if (!other.isValid())
            other = id;
    }
    if (!big.isValid() || !other.isValid()) {
        errorStream() << "need the room " << bigRoomName << " and one more (populate with --lobby)\n";
        return rep;
    }
    // The pane opens the first listed room by itself; make sure that is not the big one.
    if (pane.currentRoom() == big)
        pane.openRoom(other);
    if (!waitUntil([&] { return pane.messageView()->messageModel() && !pane.messageView()->messageModel()->isLoadingHistory(); })) {
        errorStream() << "the first room did not load\n";
        return rep;
    }
    settle(300);
    const qint64 pid = QCoreApplication::applicationPid();
    const qint64 rssBefore = processRssBytes(pid);
    const qint64 heapBefore = heapInUse();

    QElapsedTimer clock;
    auto *watch = new PaintWatch(pane.messageView(), clock);
    clock.start();
    pane.openRoom(big);
    Client::MessageModel *model = pane.messageView()->messageModel();
    qint64 loadedNs = -1;
    QObject::connect(model, &QAbstractItemModel::modelReset, watch, [&] { loadedNs = clock.nsecsElapsed(); });
    if (!waitUntil([&] { return watch->painted && !model->isLoadingHistory(); })) {
        errorStream() << "the big room was never painted with messages\n";
        return rep;
    }
    const qint64 paintedNs = clock.nsecsElapsed();
    const int firstRows = model->rowCount();
    settle(300);
    const qint64 rssOpen = processRssBytes(pid);
    const qint64 heapOpen = heapInUse();

    Samples pageTimes;
    QScrollBar *bar = pane.messageView()->verticalScrollBar();
    for (int page = 0; page < pages && model->hasMoreBefore(); ++page) {
        const int before = model->rowCount();
        QElapsedTimer pageClock;
        pageClock.start();
        if (bar->value() == 0)
            client.loadOlder(model);
        else
            bar->setValue(0);
        if (!waitUntil([&] { return model->rowCount() > before && !model->isLoadingHistory(); })) {
            errorStream() << "page " << page << " of older messages did not arrive\n";
            return rep;
        }
        QCoreApplication::processEvents();
        pageTimes.add(pageClock.nsecsElapsed() / 1000);
    }
    settle(300);
    const qint64 rssScrolled = processRssBytes(pid);
    const qint64 heapScrolled = heapInUse();

    rep.line = QJsonObject{{QStringLiteral("roomsJoinedMs"), toMillis(roomsReadyNs / 1000)},
                           {QStringLiteral("openToPaintMs"), toMillis(paintedNs / 1000)},
                           {QStringLiteral("openToHistoryMs"), loadedNs >= 0 ? toMillis(loadedNs / 1000) : -1.0},
                           {QStringLiteral("openToPaintStartMs"), toMillis(watch->paintStartNs / 1000)},
                           {QStringLiteral("firstPageRows"), firstRows},
                           {QStringLiteral("rssBeforeOpenBytes"), rssBefore},
                           {QStringLiteral("rssOpenDeltaBytes"), rssOpen - rssBefore},
                           {QStringLiteral("rssScrolledDeltaBytes"), rssScrolled - rssBefore},
                           {QStringLiteral("heapOpenDeltaBytes"), heapOpen - heapBefore},
                           {QStringLiteral("heapScrolledDeltaBytes"), heapScrolled - heapBefore},
                           {QStringLiteral("rowsAfterScroll"), model->rowCount()},
                           {QStringLiteral("pagesScrolled"), int(pageTimes.count())}};
    pageTimes.writeTo(rep.line, QStringLiteral("olderPage"));
    rep.ok = true;
    return rep;
}

} // namespace

int main(int argc, char *argv[])
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("cohort-bench-chat-open"));
    // The app's settings, drafts and caches go to throwaway test locations.
    QStandardPaths::setTestModeEnabled(true);

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Times opening a big room in the Chat pane (first page painted), its memory, and scrolling "
        "back, against the same first page fetched by a bare protocol client."));
    parser.addHelpOption();
    const QCommandLineOption url(QStringLiteral("url"), QStringLiteral("Server URL (loopback only)."),
                                 QStringLiteral("url"));
    const QCommandLineOption username(QStringLiteral("username"), QStringLiteral("Account (a member of the room)."),
                                      QStringLiteral("name"), QStringLiteral("bench"));
    const QCommandLineOption password(QStringLiteral("password"), QStringLiteral("Its password."),
                                      QStringLiteral("password"));
    const QCommandLineOption room(QStringLiteral("room"), QStringLiteral("Name of the big room."),
                                  QStringLiteral("name"), QStringLiteral("room-01"));
    const QCommandLineOption reps(QStringLiteral("reps"), QStringLiteral("Fresh clients opening the room."),
                                  QStringLiteral("n"), QStringLiteral("5"));
    const QCommandLineOption pages(QStringLiteral("pages"), QStringLiteral("Older pages to scroll back."),
                                   QStringLiteral("n"), QStringLiteral("20"));
    const QCommandLineOption pageSize(QStringLiteral("page-size"), QStringLiteral("Messages per page (the app's is 50)."),
                                      QStringLiteral("n"), QStringLiteral("50"));
    parser.addOptions({url, username, password, room, reps, pages, pageSize});
    parser.process(app);
    const QUrl serverUrl(parser.value(url));
    if (!serverUrl.isValid() || !isLoopback(serverUrl)) {
        errorStream() << "need --url, a ws:// URL on the loopback interface\n";
        return 2;
    }
    const int size = qBound(1, parser.value(pageSize).toInt(), 100);

    // The bare protocol client: signs in once, then fetches the room's newest page per repetition.
    BenchClient bare(0);
    if (const QString error = signIn(bare, serverUrl, parser.value(username), parser.value(password)); !error.isEmpty()) {
        errorStream() << error << Qt::endl;
        return 1;
    }
    qint64 bigRoom = 0;
    const TimedReply list = call(bare, QStringLiteral("room.list"), {});
    for (const QJsonValue &r : list.data().value(QStringLiteral("rooms")).toArray()) {
        if (r.toObject().value(QStringLiteral("name")).toString() == parser.value(room))
            bigRoom = r.toObject().value(QStringLiteral("id")).toInteger();
    }
    if (bigRoom == 0) {
        errorStream() << "no room named " << parser.value(room) << Qt::endl;
        return 1;
    }
    const QJsonObject firstPage{{QStringLiteral("roomId"), bigRoom}, {QStringLiteral("limit"), size}};
    call(bare, QStringLiteral("room.join"), {{QStringLiteral("roomId"), bigRoom}});

    bool ok = true;
    for (int i = 0; i < qMax(1, parser.value(reps).toInt()); ++i) {
        // The baseline first: each repetition finds the server's caches as the one before left them.
        const TimedReply page = call(bare, QStringLiteral("message.history"), firstPage);
        if (!page.ok()) {
            errorStream() << "message.history: " << BenchClient::errorText(page.frame) << Qt::endl;
            return 1;
        }
        Rep rep = runOnce(serverUrl, parser.value(username), parser.value(password), parser.value(room),
                          parser.value(pages).toInt(), size);
        ok = ok && rep.ok;
        QJsonObject line{{QStringLiteral("bench"), QStringLiteral("chat-open")},
                         {QStringLiteral("rep"), i + 1},
                         {QStringLiteral("pageSize"), size},
                         {QStringLiteral("rawHistoryMs"), toMillis(page.micros)},
                         {QStringLiteral("rawHistoryRows"), page.data().value(QStringLiteral("messages")).toArray().size()},
                         {QStringLiteral("ok"), rep.ok}};
        for (auto it = rep.line.begin(); it != rep.line.end(); ++it)
            line.insert(it.key(), it.value());
        if (rep.ok)
            line.insert(QStringLiteral("ratioOpenToRaw"),
                        line.value(QStringLiteral("openToPaintMs")).toDouble() / qMax(0.001, toMillis(page.micros)));
        printJsonLine(line);
    }
    return ok ? 0 : 1;
}
