// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "appearance.h"
#include "appsettings.h"
#include "apptestserver.h"
#include "chatclient.h"
#include "chatfixture.h"
#include "chatpane.h"
#include "codehighlighter.h"
#include "composer.h"
#include "memberspanel.h"
#include "messagebanner.h"
#include "connection.h"
#include "frame.h"
#include "localcache.h"
#include "markdownrenderer.h"
#include "messagedelegate.h"
#include "messagemodel.h"
#include "messageview.h"
#include "outbox.h"
#include "roomlistdelegate.h"
#include "roomlistmodel.h"

#include <QApplication>
#include <QClipboard>
#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QImage>
#include <QDropEvent>
#include <QMimeData>
#include <QPainter>
#include <QAbstractItemView>
#include <QCompleter>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QTimer>
#include <QToolButton>
#include <QLineEdit>
#include <QListWidget>
#include <QListView>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>
#include <QTextBlock>
#include <QTextDocument>
#include <QTextFragment>
#include <QTextFrame>
#include <QTemporaryFile>
#include <QTextList>

#include <memory>

using namespace Cohort;
using namespace Cohort::Ui;
using Cohort::Tests::AppTestServer;
using Cohort::Tests::ChatFixture;

namespace {
constexpr qint64 Base = 1763758800000;
constexpr qint64 StudyRoom = 100;
constexpr qint64 OtherRoom = 101;

struct Fragments
{
    QStringList anchors;
    int images = 0;
    QSet<QRgb> colors;
};

Fragments fragmentsOf(const QTextDocument &document)
{
    Fragments result;
    for (QTextBlock block = document.begin(); block.isValid(); block = block.next()) {
        for (auto it = block.begin(); !it.atEnd(); ++it) {
            const QTextFragment fragment = it.fragment();
            const QTextCharFormat format = fragment.charFormat();
            if (format.isImageFormat())
                ++result.images;
            if (format.isAnchor() || !format.anchorHref().isEmpty())
                result.anchors.append(format.anchorHref());
            if (!fragment.text().trimmed().isEmpty())
                result.colors.insert(format.foreground().color().rgb());
        }
    }
    return result;
}

MarkdownStyle testStyle()
{
    MarkdownStyle style;
    style.font = QApplication::font();
    style.codeFont = QFont(QStringLiteral("monospace"));
    style.text = Qt::black;
    style.link = Qt::blue;
    style.codeBackground = QColor(0xeeeeee);
    style.quote = Qt::gray;
    style.mention = QColor(0x8a4b00);
    style.mentionBackground = QColor(0xfff1c2);
    return style;
}
} // namespace

/// The Chat pane offscreen: the composer's keys and drafts, editing, injection-safe rendering,
/// the unread line, history growing on scroll-back, code highlighting and the typing line.
/// Chat requests are answered by a ChatFixture; sign-in and message.send use a real server.
class TestChatPane : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void composerSendsOnEnter();
    void shiftEnterInsertsNewline();
    void draftsSurviveSwitchingRooms();
    void atCompletesMemberNames();
    void upEditsLastOwnMessageAndEscCancels();
    void hostileTextRendersAsText_data();
    void hostileTextRendersAsText();
    void hostileMessageInTheView();
    void markdownSubset();
    void codeBlockGetsSeveralColors();
    void viewShowsTheUnreadLine();
    void viewGrowsOnScrollBack();
    void roomOpensAtTheUnreadLine();
    void typingLineShowsAndExpires();
    void notificationsRespectMute();
    void hundredThousandMessages();
    void announcementsAreReadOnlyForStudents();
    void searchResultOpensTheMessageInContext();
    void conversationWithARealServer();
    void pastedImageArrivesAsAPreview();
    void threadRepliesCarryFiles();
    void pastedFilesBecomeChipsNotText();
    void programWarningShowsTheNameAsText();
    void largeFileIsHashedOffTheWindowThread();
    void roomListPreviewsAFileOnlyMessage();
    void closingWithoutKeepSignedInTakesTheFiles();
    void membersPanelFollowsRoleChanges();
    void signOutLeavesNothingForTheNextUser();

private:
    void openStudyRoom();
    /// With COHORT_SCREENSHOT_DIR set, saves what the widget shows there (for review).
    void shoot(QWidget *widget, const QString &name);
    QJsonObject me() const;

    std::unique_ptr<AppTestServer> m_server;
    std::unique_ptr<Client::Connection> m_connection;
    std::unique_ptr<Client::ChatClient> m_client;
    std::unique_ptr<ChatFixture> m_fixture;
    std::unique_ptr<ChatPane> m_pane;
    QTemporaryDir m_cache;
    QJsonObject m_ana;
};

void TestChatPane::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QSettings().clear();
    Appearance::captureSystemStyle();
    Appearance::applyTheme(Theme::Light);
    m_ana = ChatFixture::user(50, QStringLiteral("ana"), QStringLiteral("Ana Lima"));
}

void TestChatPane::init()
{
    m_server = std::make_unique<AppTestServer>();
    QVERIFY(m_server->ready);
    m_connection = std::make_unique<Client::Connection>();
    m_connection->setCacheRoot(m_cache.path());
    bool signedIn = false;
    m_connection->signIn(QUrl(m_server->address()), QStringLiteral("ines"), QString::fromLatin1(AppTestServer::Password), this,
                         [&signedIn](const Client::AuthResult &result) { signedIn = result.ok; });
    QTRY_VERIFY_WITH_TIMEOUT(signedIn, 10000);

    m_client = std::make_unique<Client::ChatClient>(m_connection.get());
    m_fixture = std::make_unique<ChatFixture>();
    m_fixture->install(m_client.get());
    // Room 1 is the real course room; the others exist only in the fixture.
    m_fixture->rooms = {ChatFixture::room(1, QStringLiteral("course"), QStringLiteral("Physics 101")),
                        ChatFixture::room(StudyRoom, QStringLiteral("study"), QStringLiteral("Graphs study group")),
                        ChatFixture::room(OtherRoom, QStringLiteral("group"), QStringLiteral("Lab partners"))};
    m_fixture->members = {QJsonObject{{QStringLiteral("user"), me()}, {QStringLiteral("role"), QStringLiteral("owner")}},
                          QJsonObject{{QStringLiteral("user"), m_ana}, {QStringLiteral("role"), QStringLiteral("member")}}};
    m_pane = std::make_unique<ChatPane>(m_client.get(), m_connection.get());
    m_pane->resize(1000, 650);
    m_pane->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_pane.get()));
}

void TestChatPane::cleanup()
{
    m_pane.reset();
    m_client.reset();
    m_fixture.reset();
    m_connection.reset();
    m_server.reset();
}

void TestChatPane::shoot(QWidget *widget, const QString &name)
{
    QApplication::processEvents(); // relayouts after previews land
    const QString dir = qEnvironmentVariable("COHORT_SCREENSHOT_DIR");
    if (dir.isEmpty())
        return;
    QDir().mkpath(dir);
    QVERIFY(widget->grab().save(QDir(dir).filePath(name + QStringLiteral(".png"))));
}

QJsonObject TestChatPane::me() const
{
    return m_connection->currentUser().toJson();
}

void TestChatPane::openStudyRoom()
{
    QSignalSpy loaded(m_client.get(), &Client::ChatClient::roomsLoaded);
    m_client->refreshRooms();
    QVERIFY(loaded.wait(5000));
    m_pane->openRoom(RoomId(StudyRoom));
    QCOMPARE(m_pane->currentRoom(), RoomId(StudyRoom));
    QTRY_VERIFY(m_pane->messageView()->messageModel() && !m_pane->messageView()->messageModel()->isLoadingHistory());
}

void TestChatPane::composerSendsOnEnter()
{
    QSignalSpy loaded(m_client.get(), &Client::ChatClient::roomsLoaded);
    m_client->refreshRooms();
    QVERIFY(loaded.wait(5000));
    m_pane->openRoom(RoomId(1));
    Composer *composer = m_pane->composer();
    composer->setFocus();
    QTest::keyClicks(composer, QStringLiteral("Hello class"));
    QTest::keyClick(composer, Qt::Key_Return);
    QVERIFY(composer->toPlainText().isEmpty());

    Client::MessageModel *model = m_pane->messageView()->messageModel();
    QTRY_COMPARE(model->rowCount(), 1);
    QCOMPARE(model->message(0).text, QStringLiteral("Hello class"));
    // The real server stores it and the event replaces the pending row.
    QTRY_COMPARE_WITH_TIMEOUT(model->message(0).state, Client::ChatMessage::State::Stored, 10000);
    QVERIFY(model->message(0).seq > 0);
    QCOMPARE(model->rowCount(), 1);

    // Enter on an empty composer sends nothing.
    QTest::keyClick(composer, Qt::Key_Return);
    QCOMPARE(m_connection->outbox()->items().size(), 0);
    QCOMPARE(model->rowCount(), 1);
}

void TestChatPane::shiftEnterInsertsNewline()
{
    openStudyRoom();
    Composer *composer = m_pane->composer();
    QTest::keyClicks(composer, QStringLiteral("first"));
    QTest::keyClick(composer, Qt::Key_Return, Qt::ShiftModifier);
    QTest::keyClicks(composer, QStringLiteral("second"));
    QCOMPARE(composer->toPlainText(), QStringLiteral("first\nsecond"));
    // The emoji picker inserts at the cursor.
    auto *grid = m_pane->findChild<QWidget *>(QStringLiteral("emojiGrid"));
    QVERIFY(grid);
    const QList<QToolButton *> emoji = grid->findChildren<QToolButton *>();
    QCOMPARE(emoji.size(), 16);
    emoji.at(0)->click();
    QCOMPARE(composer->toPlainText(), QStringLiteral("first\nsecond") + emoji.at(0)->text());
    QCOMPARE(m_connection->outbox()->items().size(), 0);
}

void TestChatPane::draftsSurviveSwitchingRooms()
{
    openStudyRoom();
    Composer *composer = m_pane->composer();
    QTest::keyClicks(composer, QStringLiteral("half a thought"));
    m_pane->openRoom(RoomId(OtherRoom));
    QVERIFY(composer->toPlainText().isEmpty());
    QTest::keyClicks(composer, QStringLiteral("other draft"));
    m_pane->openRoom(RoomId(StudyRoom));
    QCOMPARE(composer->toPlainText(), QStringLiteral("half a thought"));
    m_pane->openRoom(RoomId(OtherRoom));
    QCOMPARE(composer->toPlainText(), QStringLiteral("other draft"));
    // Kept in the account's cache too, for the next start of the app.
    QCOMPARE(m_client->draft(RoomId(StudyRoom)), QStringLiteral("half a thought"));
    Client::ChatClient fresh(m_connection.get());
    QCOMPARE(fresh.draft(RoomId(StudyRoom)), QStringLiteral("half a thought"));
}

void TestChatPane::atCompletesMemberNames()
{
    openStudyRoom();
    QTRY_VERIFY(!m_pane->findChild<QListWidget *>(QStringLiteral("memberList"))->findItems(QStringLiteral("Ana"), Qt::MatchContains).isEmpty());
    Composer *composer = m_pane->composer();
    composer->setFocus();
    QTest::keyClicks(composer, QStringLiteral("thanks @an"));
    auto *completer = composer->findChild<QCompleter *>();
    QVERIFY(completer);
    QTRY_VERIFY(completer->popup()->isVisible());
    QCOMPARE(completer->currentCompletion(), QStringLiteral("ana"));
    QTest::keyClick(completer->popup(), Qt::Key_Return);
    QCOMPARE(composer->toPlainText(), QStringLiteral("thanks @ana "));
    QCOMPARE(m_connection->outbox()->items().size(), 0); // Enter chose the name, it did not send
}

void TestChatPane::upEditsLastOwnMessageAndEscCancels()
{
    m_fixture->messages[StudyRoom] = {ChatFixture::message(1, Base, m_ana, QStringLiteral("question?")),
                                      ChatFixture::message(2, Base + 1000, me(), QStringLiteral("my answer")),
                                      ChatFixture::message(3, Base + 2000, m_ana, QStringLiteral("thanks"))};
    openStudyRoom();
    QTRY_COMPARE(m_pane->messageView()->messageModel()->rowCount(), 3);
    Composer *composer = m_pane->composer();
    composer->setFocus();
    QTest::keyClick(composer, Qt::Key_Up);
    QVERIFY(composer->isEditing());
    QCOMPARE(composer->editSeq(), 2);
    QCOMPARE(composer->toPlainText(), QStringLiteral("my answer"));

    QTest::keyClick(composer, Qt::Key_Escape);
    QVERIFY(!composer->isEditing());
    QVERIFY(composer->toPlainText().isEmpty());

    QTest::keyClicks(composer, QStringLiteral("draft"));
    QTest::keyClick(composer, Qt::Key_Up); // not empty: moves the cursor, does not edit
    QVERIFY(!composer->isEditing());
    composer->clear();
    QTest::keyClick(composer, Qt::Key_Up);
    QVERIFY(composer->isEditing());
    composer->selectAll();
    QTest::keyClicks(composer, QStringLiteral("my better answer"));
    QTest::keyClick(composer, Qt::Key_Return);
    QVERIFY(!composer->isEditing());
    const QList<ChatFixture::Call> edits = m_fixture->callsOf(QStringLiteral("message.edit"));
    QCOMPARE(edits.size(), 1);
    QCOMPARE(edits.at(0).data.value(QStringLiteral("seq")).toInteger(), 2);
    QCOMPARE(edits.at(0).data.value(QStringLiteral("text")).toString(), QStringLiteral("my better answer"));
    QCOMPARE(edits.at(0).data.value(QStringLiteral("roomId")).toInteger(), StudyRoom);
    QVERIFY(!edits.at(0).data.value(QStringLiteral("clientId")).toString().isEmpty());
    QCOMPARE(m_connection->outbox()->items().size(), 0); // an edit is not a new message
}

void TestChatPane::hostileTextRendersAsText_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("plain");
    const QString bold = QStringLiteral("<b>x</b>");
    QTest::newRow("html bold") << bold << bold;
    const QString img = QStringLiteral("<img src=\"https://evil.example/x.png\"> <img src=file:///etc/passwd>");
    QTest::newRow("img") << img << img;
    const QString anchor = QStringLiteral("<a href=\"javascript:alert(1)\">click</a>");
    QTest::newRow("html anchor") << anchor << anchor;
    const QString qt = QStringLiteral("<qt><font color=red size=7>big</font><table><tr><td>x</td></tr></table></qt>");
    QTest::newRow("qt rich text") << qt << qt;
    QTest::newRow("markdown js link") << QStringLiteral("[click](javascript:alert(1))")
                                      << QStringLiteral("[click](javascript:alert(1))");
    QTest::newRow("markdown data link") << QStringLiteral("[x](data:text/html,<script>)") << QStringLiteral("[x](data:text/html,<script>)");
    QTest::newRow("markdown image") << QStringLiteral("![cat](https://evil.example/cat.png)")
                                    << QStringLiteral("!cat"); // the link part becomes an anchor, never an image
    QTest::newRow("entities") << QStringLiteral("&lt;b&gt; &amp; &#60;") << QStringLiteral("&lt;b&gt; &amp; &#60;");
    QTest::newRow("nested quotes") << QString(5000, QLatin1Char('>')) + QStringLiteral(" deep") << QStringLiteral("deep");
    QTest::newRow("many stars") << QString(20000, QLatin1Char('*')) << QString(20000, QLatin1Char('*'));
    const QString brackets = QString(10000, QLatin1Char('[')) + QStringLiteral("x");
    QTest::newRow("many brackets") << brackets << brackets;
    const QString tags = QStringLiteral("<b>").repeated(3000) + QStringLiteral("x");
    QTest::newRow("many tags") << tags << tags;
}

void TestChatPane::hostileTextRendersAsText()
{
    QFETCH(QString, text);
    QFETCH(QString, plain);
    QTextDocument document;
    CodeHighlighter highlighter;
    MarkdownRenderer(testStyle(), &highlighter).render(&document, text);
    const Fragments fragments = fragmentsOf(document);
    QCOMPARE(fragments.images, 0);
    for (const QString &href : fragments.anchors)
        QVERIFY2(href.startsWith(QLatin1String("https://")), qPrintable(href));
    if (QTest::currentDataTag() == QByteArrayLiteral("markdown image")) {
        QCOMPARE(fragments.anchors, QStringList{QStringLiteral("https://evil.example/cat.png")});
        return;
    }
    QVERIFY(fragments.anchors.isEmpty());
    QCOMPARE(document.toPlainText(), plain);
    QVERIFY(document.allFormats().size() < 50); // nesting did not explode into formats
}

void TestChatPane::hostileMessageInTheView()
{
    const QString hostile = QStringLiteral("<img src=x onerror=alert(1)><b>bold?</b><a href='javascript:x'>y</a>");
    m_fixture->messages[StudyRoom] = {ChatFixture::message(1, Base, m_ana, hostile)};
    openStudyRoom();
    Client::MessageModel *model = m_pane->messageView()->messageModel();
    QTRY_COMPARE(model->rowCount(), 1);
    QTextDocument *document = m_pane->messageView()->messageDelegate()->document(model->index(0));
    QCOMPARE(document->toPlainText(), hostile);
    const Fragments fragments = fragmentsOf(*document);
    QCOMPARE(fragments.images, 0);
    QVERIFY(fragments.anchors.isEmpty());
    QVERIFY(!m_pane->messageView()->grab().isNull()); // paints without fetching anything
}

void TestChatPane::markdownSubset()
{
    QTextDocument document;
    MarkdownRenderer(testStyle(), nullptr)
        .render(&document, QStringLiteral("**bold** and *italic* and `code` see https://example.org/a.\n"
                                          "> quoted\n- one\n- two\n1. first\n\nsnake_case_name @ana @room @nobody [site](https://cohort.example)"),
                {QStringLiteral("ana")});
    const QString plain = document.toPlainText();
    QVERIFY2(plain.startsWith(QStringLiteral("bold and italic and code see https://example.org/a.")), qPrintable(plain));
    QVERIFY(plain.contains(QStringLiteral("snake_case_name @ana @room @nobody site")));
    QVERIFY(!plain.contains(QLatin1Char('*')));
    bool sawBold = false, sawItalic = false, sawCode = false, sawMention = false;
    QStringList anchors;
    int lists = 0;
    for (QTextBlock block = document.begin(); block.isValid(); block = block.next()) {
        if (block.textList())
            ++lists;
        for (auto it = block.begin(); !it.atEnd(); ++it) {
            const QTextCharFormat f = it.fragment().charFormat();
            const QString t = it.fragment().text();
            sawBold |= t == QLatin1String("bold") && f.fontWeight() == QFont::Bold;
            sawItalic |= t == QLatin1String("italic") && f.fontItalic();
            sawCode |= t == QLatin1String("code") && f.background().color() == QColor(0xeeeeee);
            sawMention |= t == QLatin1String("@ana") && f.background().color() == QColor(0xfff1c2);
            QVERIFY2(!(t.contains(QLatin1String("@nobody")) && f.background().color() == QColor(0xfff1c2)), "unknown names are text");
            if (f.isAnchor())
                anchors.append(f.anchorHref());
        }
    }
    QVERIFY(sawBold);
    QVERIFY(sawItalic);
    QVERIFY(sawCode);
    QVERIFY(sawMention);
    QCOMPARE(lists, 3);
    QCOMPARE(anchors, (QStringList{QStringLiteral("https://example.org/a"), QStringLiteral("https://cohort.example")}));
}

void TestChatPane::codeBlockGetsSeveralColors()
{
    for (const bool dark : {false, true}) {
        MarkdownStyle style = testStyle();
        style.dark = dark;
        CodeHighlighter highlighter;
        QTextDocument document;
        MarkdownRenderer(style, &highlighter)
            .render(&document, QStringLiteral("Try this:\n```cpp\n// count\nint main() { return \"ok\" == 0; }\n```\ndone"));
        QVERIFY(document.toPlainText().contains(QStringLiteral("int main() { return \"ok\" == 0; }")));
        QVERIFY(document.rootFrame()->childFrames().size() == 1); // the code box
        const Fragments fragments = fragmentsOf(document);
        QVERIFY2(fragments.colors.size() >= 3, qPrintable(QString::number(fragments.colors.size())));
    }
    // An unknown language is shown as code, uncoloured.
    CodeHighlighter highlighter;
    QVERIFY(highlighter.highlight(QStringLiteral("x := 1"), QStringLiteral("nosuchlang"), false).isEmpty());
    QVERIFY(highlighter.highlight(QStringLiteral("def f(): pass"), QStringLiteral("python"), false).size() > 1);
}

void TestChatPane::viewShowsTheUnreadLine()
{
    m_fixture->rooms[1] = ChatFixture::room(StudyRoom, QStringLiteral("study"), QStringLiteral("Graphs study group"), 3, 2);
    for (int seq = 1; seq <= 5; ++seq)
        m_fixture->messages[StudyRoom].append(ChatFixture::message(seq, Base + seq * 1000, m_ana, QStringLiteral("message %1").arg(seq)));
    openStudyRoom();
    MessageView *view = m_pane->messageView();
    Client::MessageModel *model = view->messageModel();
    QTRY_COMPARE(model->rowCount(), 5);
    QCOMPARE(model->unreadLineRow(), 3);
    QVERIFY(model->index(3).data(Client::MessageModel::UnreadLineRole).toBool());
    // The line takes room above the first unread message, which starts a new group.
    QTRY_VERIFY(view->visualRect(model->index(3)).height() > view->visualRect(model->index(2)).height() + 15);
    QVERIFY(!view->grab().isNull());
    // Reading the room (the newest message on screen, window active) clears the count.
    m_pane->activateWindow();
    QTRY_VERIFY(m_pane->isActiveWindow());
    view->scrollToNewest();
    QTRY_COMPARE(m_client->rooms()->room(RoomId(StudyRoom))->unread, 0);
    const QList<ChatFixture::Call> reads = m_fixture->callsOf(QStringLiteral("room.read"));
    QVERIFY(!reads.isEmpty());
    QCOMPARE(reads.last().data.value(QStringLiteral("seq")).toInteger(), 5);
    // The line stays where it was while the room is open.
    QCOMPARE(model->unreadLineRow(), 3);
}

void TestChatPane::roomOpensAtTheUnreadLine()
{
    m_fixture->rooms[1] = ChatFixture::room(StudyRoom, QStringLiteral("study"), QStringLiteral("Graphs study group"), 30, 20);
    for (int seq = 1; seq <= 50; ++seq)
        m_fixture->messages[StudyRoom].append(ChatFixture::message(seq, Base + seq * 120000, m_ana, QStringLiteral("message %1").arg(seq)));
    openStudyRoom();
    MessageView *view = m_pane->messageView();
    Client::MessageModel *model = view->messageModel();
    QTRY_COMPARE(model->rowCount(), 50);
    QCOMPARE(model->unreadLineRow(), 30);
    QTRY_VERIFY(qAbs(view->visualRect(model->index(30)).top()) <= 2); // the line is at the top
    QVERIFY(!view->isAtBottom());
    m_pane->activateWindow();
    QTRY_VERIFY(m_pane->isActiveWindow());
    QTest::qWait(50);
    QVERIFY(m_fixture->callsOf(QStringLiteral("room.read")).isEmpty()); // not read before it was on screen
    view->scrollToNewest();
    QTRY_COMPARE(m_fixture->callsOf(QStringLiteral("room.read")).size(), 1);
}

void TestChatPane::viewGrowsOnScrollBack()
{
    for (int seq = 1; seq <= 200; ++seq) {
        const QString text = seq % 7 == 0 ? QStringLiteral("a longer message that wraps over more than one line of the bubble, number %1").arg(seq)
                                          : QStringLiteral("message %1").arg(seq);
        m_fixture->messages[StudyRoom].append(ChatFixture::message(seq, Base + seq * 90000, seq % 3 ? m_ana : me(), text));
    }
    m_client->setPageSize(30);
    openStudyRoom();
    MessageView *view = m_pane->messageView();
    Client::MessageModel *model = view->messageModel();
    QTRY_COMPARE(model->rowCount(), 30);
    QCOMPARE(model->oldestSeq(), 171);
    QVERIFY(model->hasMoreBefore());
    QTRY_VERIFY(view->isAtBottom());

    m_fixture->holdHistory = true;
    view->verticalScrollBar()->setValue(view->verticalScrollBar()->value() - 2 * view->viewport()->height());
    view->verticalScrollBar()->setValue(0);
    QTRY_COMPARE(m_fixture->callsOf(QStringLiteral("message.history")).size(), 2);
    QCOMPARE(m_fixture->callsOf(QStringLiteral("message.history")).last().data.value(QStringLiteral("before")).toInteger(), 171);
    // Scroll a bit down so a message other than the first is at the top, and remember where.
    view->verticalScrollBar()->setValue(60);
    const QModelIndex top = view->indexAt(QPoint(10, 10));
    QVERIFY(top.isValid());
    const qint64 topSeq = top.data(Client::MessageModel::SeqRole).toLongLong();
    const int topBottom = view->visualRect(top).bottom();

    QSignalSpy prepended(model, &Client::MessageModel::pagePrepended);
    m_fixture->releaseHistory();
    QTRY_COMPARE(prepended.size(), 1);
    QCOMPARE(model->rowCount(), 60);
    QCOMPARE(model->oldestSeq(), 141);
    const QModelIndex sameRow = model->index(model->rowOfSeq(topSeq));
    // The message stays where it was on screen (its bottom edge: it lost its day separator).
    QVERIFY(qAbs(view->visualRect(sameRow).bottom() - topBottom) <= 2);
    QVERIFY(view->verticalScrollBar()->value() > 0);
}

void TestChatPane::typingLineShowsAndExpires()
{
    openStudyRoom();
    Protocol::Frame typing;
    typing.type = Protocol::FrameType::Event;
    typing.event = QStringLiteral("typing");
    typing.room = RoomId(StudyRoom);
    typing.data = {{QStringLiteral("user"), m_ana}, {QStringLiteral("expiresInMs"), 400}};
    Q_EMIT m_connection->eventReceived(typing);
    QCOMPARE(m_pane->typingLabel()->text(), QStringLiteral("Ana is typing…"));
    typing.data.insert(QStringLiteral("user"), ChatFixture::user(51, QStringLiteral("ben"), QStringLiteral("Ben Okafor")));
    Q_EMIT m_connection->eventReceived(typing);
    QCOMPARE(m_pane->typingLabel()->text(), QStringLiteral("Ana and Ben are typing…"));
    QTRY_VERIFY_WITH_TIMEOUT(m_pane->typingLabel()->text().isEmpty(), 3000);

    // Our own typing is throttled to one request per 3 s.
    Composer *composer = m_pane->composer();
    QTest::keyClicks(composer, QStringLiteral("abc"));
    QTest::keyClicks(composer, QStringLiteral("def"));
    QCOMPARE(m_fixture->callsOf(QStringLiteral("typing")).size(), 1);
}

void TestChatPane::notificationsRespectMute()
{
    openStudyRoom();
    m_pane->openRoom(RoomId(OtherRoom));
    QSignalSpy notified(m_pane.get(), &ChatPane::notificationWanted);
    QSignalSpy requested(m_client.get(), &Client::ChatClient::notificationRequested);
    auto mention = [this](qint64 seq) {
        Protocol::Frame created;
        created.type = Protocol::FrameType::Event;
        created.event = QStringLiteral("message.created");
        created.room = RoomId(StudyRoom);
        created.seq = seq;
        created.timestamp = Base;
        created.data = {{QStringLiteral("sender"), m_ana}, {QStringLiteral("text"), QStringLiteral("@ines look")},
                        {QStringLiteral("clientId"), QStringLiteral("m%1").arg(seq)},
                        {QStringLiteral("mentions"), QJsonArray{m_connection->currentUser().id.value()}},
                        {QStringLiteral("mentionsRoom"), false}, {QStringLiteral("threadRoot"), 0}};
        Q_EMIT m_connection->eventReceived(created);
    };
    mention(1);
    QCOMPARE(requested.size(), 1);
    QCOMPARE(notified.size(), 1); // another room is open
    const Client::ChatRoom *room = m_client->rooms()->room(RoomId(StudyRoom));
    QCOMPARE(room->unread, 1);
    QCOMPARE(room->mentions, 1);

    m_client->setRoomPrefs(RoomId(StudyRoom), true, std::nullopt);
    mention(2);
    QCOMPARE(requested.size(), 1);
    m_client->setRoomPrefs(RoomId(StudyRoom), false, std::nullopt);
    m_client->setMyPresence(Client::Presence::DoNotDisturb);
    mention(3);
    QCOMPARE(requested.size(), 1);
    QCOMPARE(m_client->rooms()->room(RoomId(StudyRoom))->mentions, 3); // still counted
    const QList<ChatFixture::Call> presence = m_fixture->callsOf(QStringLiteral("presence.set"));
    QCOMPARE(presence.last().data.value(QStringLiteral("status")).toString(), QStringLiteral("dnd"));
}

void TestChatPane::hundredThousandMessages()
{
    constexpr int Count = 100000;
    const UserId me = m_connection->currentUser().id;
    QList<Client::ChatMessage> all;
    all.reserve(Count);
    for (int i = 1; i <= Count; ++i) {
        Client::ChatMessage m;
        m.seq = i;
        m.timestamp = Base + qint64(i) * 20000;
        m.sender.id = i % 3 ? UserId(50 + i % 5) : me;
        m.sender.displayName = QStringLiteral("Student %1").arg(i % 5);
        m.text = i % 50 == 0 ? QStringLiteral("```cpp\nint x = %1;\n```").arg(i)
            : i % 10 == 0 ? QStringLiteral("a longer message that wraps over more than one line in the bubble, %1 of many").arg(i)
                          : QStringLiteral("message %1").arg(i);
        all.append(m);
    }
    Client::MessageModel model(RoomId(StudyRoom), me);
    model.resetMessages(all, false);
    MessageView view;
    view.resize(720, 600);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QElapsedTimer timer;
    timer.start();
    view.setMessageModel(&model);
    view.scrollToNewest();
    QVERIFY(!view.grab().isNull());
    qInfo() << "100000 rows laid out and the newest painted in" << timer.elapsed() << "ms";
    QVERIFY(view.isAtBottom());
    QVERIFY(view.verticalScrollBar()->maximum() > Count * 20);
    // Only what was painted was rendered; the other rows have estimated sizes.
    QVERIFY2(view.messageDelegate()->cachedDocumentCount() < 100,
             qPrintable(QString::number(view.messageDelegate()->cachedDocumentCount())));

    QScrollBar *bar = view.verticalScrollBar();
    for (const int percent : {75, 50, 25, 0, 60}) {
        timer.restart();
        bar->setValue(bar->maximum() / 100 * percent);
        QVERIFY(!view.grab().isNull());
        QCoreApplication::processEvents();
        QVERIFY(!view.grab().isNull());
        qInfo() << "jump to" << percent << "% painted and settled in" << timer.elapsed() << "ms";
        // The rows on screen have their measured heights: neighbours do not overlap.
        const QModelIndex first = view.indexAt(QPoint(10, 5));
        QVERIFY(first.isValid());
        for (int row = first.row(); row < first.row() + 5 && row + 1 < model.rowCount(); ++row)
            QVERIFY(view.visualRect(model.index(row)).bottom() < view.visualRect(model.index(row + 1)).top() + 1);
    }
    QVERIFY(view.messageDelegate()->cachedDocumentCount() < 300);
}

void TestChatPane::announcementsAreReadOnlyForStudents()
{
    QJsonObject news = ChatFixture::room(OtherRoom, QStringLiteral("announcement"), QStringLiteral("News"));
    m_fixture->rooms[2] = news;
    QJsonObject archived = ChatFixture::room(StudyRoom, QStringLiteral("group"), QStringLiteral("Old"));
    archived.insert(QStringLiteral("archived"), true);
    m_fixture->rooms[1] = archived;
    QSignalSpy loaded(m_client.get(), &Client::ChatClient::roomsLoaded);
    m_client->refreshRooms();
    QVERIFY(loaded.wait(5000));
    m_pane->openRoom(RoomId(OtherRoom));
    QVERIFY(m_pane->composer()->isReadOnly());
    QVERIFY(m_pane->composer()->placeholderText().contains(QStringLiteral("thread")));
    QVERIFY(!m_pane->threadComposer()->isReadOnly()); // replies in threads are allowed
    QVERIFY(!m_pane->attachButton()->isEnabled());
    QVERIFY(m_pane->threadAttachButton()->isEnabled()); // with files
    m_pane->openRoom(RoomId(StudyRoom));
    QVERIFY(m_pane->composer()->isReadOnly());
    QVERIFY(m_pane->composer()->placeholderText().contains(QStringLiteral("archived")));
    QVERIFY(!m_pane->attachButton()->isEnabled());
    QVERIFY(!m_pane->threadAttachButton()->isEnabled());
    m_pane->openRoom(RoomId(1));
    QVERIFY(!m_pane->composer()->isReadOnly());
    QVERIFY(m_pane->attachButton()->isEnabled());
}

void TestChatPane::searchResultOpensTheMessageInContext()
{
    for (int seq = 1; seq <= 300; ++seq)
        m_fixture->messages[StudyRoom].append(ChatFixture::message(seq, Base + seq * 60000, m_ana, seq == 42 ? QStringLiteral("the quokka answer") : QStringLiteral("filler %1").arg(seq)));
    m_fixture->searchResults = {QJsonObject{{QStringLiteral("roomId"), StudyRoom}, {QStringLiteral("seq"), 42},
                                            {QStringLiteral("ts"), Base + 42 * 60000}, {QStringLiteral("sender"), m_ana},
                                            {QStringLiteral("snippet"), QStringLiteral("the quokka answer")},
                                            {QStringLiteral("threadRoot"), 0}}};
    QSignalSpy loaded(m_client.get(), &Client::ChatClient::roomsLoaded);
    m_client->refreshRooms();
    QVERIFY(loaded.wait(5000));
    m_pane->openRoom(RoomId(OtherRoom));
    m_pane->showSearch();
    auto *box = m_pane->findChild<QLineEdit *>(QStringLiteral("searchBox"));
    auto *results = m_pane->findChild<QListWidget *>(QStringLiteral("searchResults"));
    QVERIFY(box && results);
    QTest::keyClicks(box, QStringLiteral("quokka from:ana"));
    QTest::keyClick(box, Qt::Key_Return);
    QTRY_COMPARE(results->count(), 1);
    QCOMPARE(m_fixture->callsOf(QStringLiteral("message.search")).last().data.value(QStringLiteral("query")).toString(),
             QStringLiteral("quokka from:ana"));
    QVERIFY(results->item(0)->text().contains(QStringLiteral("the quokka answer")));
    QVERIFY(results->item(0)->text().contains(QStringLiteral("Graphs study group")));

    Q_EMIT results->itemActivated(results->item(0));
    QCOMPARE(m_pane->currentRoom(), RoomId(StudyRoom));
    Client::MessageModel *model = m_pane->messageView()->messageModel();
    // The newest page does not hold seq 42: the pane asks for the page around it and shows it.
    QTRY_VERIFY(model->rowOfSeq(42) >= 0);
    QVERIFY(m_fixture->callsOf(QStringLiteral("message.history")).last().data.contains(QStringLiteral("around")));
    const QModelIndex hit = model->index(model->rowOfSeq(42));
    QTRY_COMPARE(m_pane->messageView()->currentIndex(), hit);
    QTRY_VERIFY(m_pane->messageView()->viewport()->rect().intersects(m_pane->messageView()->visualRect(hit)));
}

/// The pane without the fixture: an instructor at the pane and a student on the client
/// library, both on the real server.
void TestChatPane::conversationWithARealServer()
{
    const auto physics = m_server->server->storage().courseByJoinCode(QStringLiteral("K7PX-3QMD"));
    QVERIFY(physics);
    const Server::AuthOutcome sam = m_server->server->auth().createAccount(
        QStringLiteral("sam"), QStringLiteral("Sam Student"), Role::Student, QString::fromLatin1(AppTestServer::Password));
    QVERIFY(sam.ok());
    QVERIFY(m_server->server->storage().addCourseMember(physics->id, sam.user.info.id, Role::Student));

    m_pane.reset();
    Client::ChatClient real(m_connection.get());
    ChatPane pane(&real, m_connection.get());
    pane.resize(1000, 650);
    pane.show();
    QVERIFY(QTest::qWaitForWindowExposed(&pane));
    real.refreshRooms();
    QTRY_COMPARE(pane.currentRoom(), physics->roomId); // the first room opens by itself
    QTRY_VERIFY(pane.messageView()->messageModel() && !pane.messageView()->messageModel()->isLoadingHistory());
    Client::MessageModel *model = pane.messageView()->messageModel();

    Client::Connection samConnection;
    samConnection.setCacheRoot(m_cache.filePath(QStringLiteral("sam")));
    Client::ChatClient samChat(&samConnection);
    QSignalSpy samRooms(&samChat, &Client::ChatClient::roomsLoaded);
    QSignalSpy samJoined(&samConnection, &Client::Connection::roomJoined);
    bool signedIn = false;
    samConnection.signIn(QUrl(m_server->address()), QStringLiteral("sam"), QString::fromLatin1(AppTestServer::Password), this,
                         [&signedIn](const Client::AuthResult &result) { signedIn = result.ok; });
    QTRY_VERIFY_WITH_TIMEOUT(signedIn && samRooms.size() == 1 && samJoined.size() == 1, 10000);
    Client::MessageModel *samView = samChat.openRoom(physics->roomId);

    // The student writes; the pane shows it, with the typing line before.
    samChat.userTyping(physics->roomId);
    QTRY_COMPARE(pane.typingLabel()->text(), QStringLiteral("Sam is typing…"));
    samChat.send(physics->roomId, QStringLiteral("Is **question 2** about <b>vectors</b>, @ines?"));
    QTRY_COMPARE(model->rowCount(), 1);
    QVERIFY(model->message(0).mentionsUser(m_connection->currentUser().id));
    QTRY_VERIFY(pane.typingLabel()->text().isEmpty());
    QTextDocument *document = pane.messageView()->messageDelegate()->document(model->index(0));
    QCOMPARE(document->toPlainText(), QStringLiteral("Is question 2 about <b>vectors</b>, @ines?"));

    // The instructor answers from the composer, then fixes the answer with Up.
    Composer *composer = pane.composer();
    composer->setFocus();
    QTest::keyClicks(composer, QStringLiteral("Yes, vectors and matrices."));
    QTest::keyClick(composer, Qt::Key_Return);
    QTRY_COMPARE(samView->rowCount(), 2);
    QCOMPARE(samView->message(1).text, QStringLiteral("Yes, vectors and matrices."));
    QTRY_VERIFY(model->message(1).seq > 0);
    QTest::keyClick(composer, Qt::Key_Up);
    QVERIFY(composer->isEditing());
    composer->selectAll();
    QTest::keyClicks(composer, QStringLiteral("Yes: vectors only."));
    QTest::keyClick(composer, Qt::Key_Return);
    QTRY_COMPARE(samView->message(1).text, QStringLiteral("Yes: vectors only."));
    QVERIFY(samView->message(1).edited);
    QTRY_VERIFY(model->message(1).edited);

    // The student reacts; the pane's message gets the chip.
    samChat.react(physics->roomId, model->message(1).seq, QStringLiteral("👍"), true);
    QTRY_COMPARE(model->message(1).reactions.size(), 1);

    // Reading: the pane is active with the newest message on screen, so Sam sees "seen".
    pane.activateWindow();
    QTRY_VERIFY(pane.isActiveWindow());
    pane.messageView()->scrollToNewest();
    QTRY_COMPARE(samChat.seenBy(physics->roomId, samView->message(0).seq), QList<UserId>{m_connection->currentUser().id});
    QVERIFY(!pane.grab().isNull());
}

void TestChatPane::pastedImageArrivesAsAPreview()
{
    const auto physics = m_server->server->storage().courseByJoinCode(QStringLiteral("K7PX-3QMD"));
    QVERIFY(physics);
    const Server::AuthOutcome sam = m_server->server->auth().createAccount(
        QStringLiteral("sam"), QStringLiteral("Sam Student"), Role::Student, QString::fromLatin1(AppTestServer::Password));
    QVERIFY(sam.ok());
    QVERIFY(m_server->server->storage().addCourseMember(physics->id, sam.user.info.id, Role::Student));

    m_pane.reset();
    Client::ChatClient real(m_connection.get());
    real.setAttachmentCache(m_cache.filePath(QStringLiteral("ines-files")), 64 * 1024 * 1024);
    ChatPane pane(&real, m_connection.get());
    pane.resize(1000, 650);
    pane.show();
    QVERIFY(QTest::qWaitForWindowExposed(&pane));
    real.refreshRooms();
    QTRY_COMPARE(pane.currentRoom(), physics->roomId);
    QTRY_VERIFY(pane.messageView()->messageModel() && !pane.messageView()->messageModel()->isLoadingHistory());

    Client::Connection samConnection;
    samConnection.setCacheRoot(m_cache.filePath(QStringLiteral("sam")));
    Client::ChatClient samChat(&samConnection);
    samChat.setAttachmentCache(m_cache.filePath(QStringLiteral("sam-files")), 64 * 1024 * 1024);
    bool signedIn = false;
    samConnection.signIn(QUrl(m_server->address()), QStringLiteral("sam"), QString::fromLatin1(AppTestServer::Password), this,
                         [&signedIn](const Client::AuthResult &result) { signedIn = result.ok; });
    QTRY_VERIFY_WITH_TIMEOUT(signedIn, 10000);
    ChatPane samPane(&samChat, &samConnection);
    samPane.resize(900, 600);
    samPane.show();
    QVERIFY(QTest::qWaitForWindowExposed(&samPane));
    QTRY_COMPARE(samPane.currentRoom(), physics->roomId);
    QTRY_VERIFY(samPane.messageView()->messageModel() && !samPane.messageView()->messageModel()->isLoadingHistory());

    // A screenshot on the clipboard, pasted into the composer: a chip, not text.
    QImage screenshot(640, 400, QImage::Format_RGB32);
    screenshot.fill(QColor(0x2563eb));
    QPainter painter(&screenshot);
    painter.fillRect(40, 40, 200, 120, QColor(0xf59e0b));
    painter.end();
    QApplication::clipboard()->setImage(screenshot);
    Composer *composer = pane.composer();
    composer->setFocus();
    composer->paste();
    QVERIFY(composer->toPlainText().isEmpty());
    QTRY_VERIFY(pane.attachmentStrip()->isVisible());
    QList<QFrame *> chips = pane.attachmentStrip()->findChildren<QFrame *>(QStringLiteral("attachmentChip"));
    QCOMPARE(chips.size(), 1);
    QVERIFY(chips.first()->findChild<QLabel *>(QStringLiteral("attachmentName"))->text().endsWith(QStringLiteral(".png")));
    // Uploaded: the chip shows the size instead of a percentage.
    QTRY_VERIFY(!pane.attachmentStrip()->findChild<QLabel *>(QStringLiteral("attachmentStatus"))->text().endsWith(QLatin1Char('%')));

    // Enter sends the file without words; the chip goes.
    QTest::keyClick(composer, Qt::Key_Return);
    QTRY_VERIFY(!pane.attachmentStrip()->isVisible());
    Client::MessageModel *samModel = samPane.messageView()->messageModel();
    QTRY_COMPARE_WITH_TIMEOUT(samModel->rowCount(), 1, 10000);
    const qint64 seq = samModel->message(0).seq;
    const QList<AttachmentInfo> files = samChat.attachments(physics->roomId, seq);
    QCOMPARE(files.size(), 1);
    QCOMPARE(files.first().mime, QStringLiteral("image/png"));
    // On Sam's screen the row is painted, the image downloaded and decoded: an inline preview.
    samPane.messageView()->viewport()->update();
    QTRY_VERIFY_WITH_TIMEOUT(samPane.messageView()->messageDelegate()->hasPreview(files.first().id), 10000);
    QVERIFY(!samChat.cachedFile(files.first()).isEmpty());
    const QRect row = samPane.messageView()->visualRect(samModel->index(0));
    QTRY_VERIFY(row.height() > 150); // laid out again around the preview

    // Two more files with words, one with a long name: cards on Sam's side.
    QTemporaryFile report(m_cache.filePath(QStringLiteral("XXXXXX")));
    QVERIFY(report.open());
    report.write(QByteArray(180 * 1000, 'r'));
    report.close();
    const QString reportName = m_cache.filePath(
        QStringLiteral("Lab report – final version with every correction from Thursday's session (v3).pdf"));
    QVERIFY(QFile::copy(report.fileName(), reportName));
    const QString notesName = m_cache.filePath(QStringLiteral("notes.txt"));
    QFile notes(notesName);
    QVERIFY(notes.open(QIODevice::WriteOnly));
    notes.write("BFS visits nodes level by level.\n");
    notes.close();
    pane.attachFiles({reportName, notesName});
    QTest::keyClicks(composer, QStringLiteral("Here are the report and my notes."));
    QTRY_COMPARE(pane.attachmentStrip()->findChildren<QFrame *>(QStringLiteral("attachmentChip")).size(), 2);
    QTRY_VERIFY(!pane.attachmentStrip()->findChildren<QLabel *>(QStringLiteral("attachmentStatus")).last()->text().endsWith(QLatin1Char('%')));
    shoot(&pane, QStringLiteral("chat-attach-chips-light"));
    QTest::keyClick(composer, Qt::Key_Return);
    QTRY_COMPARE_WITH_TIMEOUT(samModel->rowCount(), 2, 10000);
    QCOMPARE(samChat.attachments(physics->roomId, samModel->message(1).seq).size(), 2);
    samPane.messageView()->scrollToNewest();
    shoot(&samPane, QStringLiteral("chat-attachments-light"));
    Appearance::applyTheme(Theme::Dark);
    samPane.messageView()->messageDelegate()->clearCache();
    samPane.messageView()->scrollToNewest();
    shoot(&samPane, QStringLiteral("chat-attachments-dark"));
    Appearance::applyTheme(Theme::Light);

    // Sam fetches the notes from the card's message.
    QSignalSpy downloaded(&samChat, &Client::ChatClient::downloadFinished);
    const AttachmentInfo notesInfo = samChat.attachments(physics->roomId, samModel->message(1).seq).last();
    samChat.download(physics->roomId, notesInfo);
    QTRY_COMPARE(downloaded.size(), 1);
    QFile fetched(downloaded.first().at(1).toString());
    QVERIFY(fetched.open(QIODevice::ReadOnly));
    QCOMPARE(fetched.readAll(), QByteArray("BFS visits nodes level by level.\n"));

    // A file above the server's limit shows why on its chip, before any byte is sent.
    QTemporaryFile big(m_cache.filePath(QStringLiteral("big-XXXXXX.bin")));
    QVERIFY(big.open());
    QVERIFY(big.resize(10 * 1024 * 1024 + 1));
    big.close();
    pane.attachFiles({big.fileName()});
    QTRY_COMPARE(pane.attachmentStrip()->findChild<QLabel *>(QStringLiteral("attachmentStatus"))->text(),
                 QStringLiteral("too large for this server"));
    QTRY_VERIFY(pane.attachmentStrip()->findChild<QFrame *>(QStringLiteral("attachmentChip"))->isVisible());
    shoot(&pane, QStringLiteral("chat-attach-chip-refused-light"));
    Appearance::applyTheme(Theme::Dark);
    shoot(&pane, QStringLiteral("chat-attach-chip-refused-dark"));
    Appearance::applyTheme(Theme::Light);
    QTest::mouseClick(pane.attachmentStrip()->findChild<QToolButton *>(QStringLiteral("removeAttachment")), Qt::LeftButton);
    QVERIFY(!pane.attachmentStrip()->isVisible());
}

void TestChatPane::pastedFilesBecomeChipsNotText()
{
    openStudyRoom();
    const QString path = m_cache.filePath(QStringLiteral("worksheet 3 <img src=x onerror=y> draft.odt"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("worksheet");
    file.close();
    // A file manager's copy (and a drop, which takes the same path) carries URLs and text.
    auto *data = new QMimeData;
    data->setUrls({QUrl::fromLocalFile(path)});
    data->setText(path);
    QApplication::clipboard()->setMimeData(data);
    Composer *composer = m_pane->composer();
    composer->setFocus();
    composer->paste();
    QVERIFY(composer->toPlainText().isEmpty());
    QTRY_VERIFY(m_pane->attachmentStrip()->isVisible());
    const QList<QLabel *> names = m_pane->attachmentStrip()->findChildren<QLabel *>(QStringLiteral("attachmentName"));
    QCOMPARE(names.size(), 1);
    QCOMPARE(names.first()->textFormat(), Qt::PlainText); // the name shows as typed, never as markup
    QVERIFY(names.first()->text().startsWith(QStringLiteral("worksheet 3")));
    QTRY_COMPARE(m_fixture->callsOf(QStringLiteral("attachment.upload")).size(), 1); // once it is hashed
    QCOMPARE(m_fixture->callsOf(QStringLiteral("attachment.upload")).first().data.value(QStringLiteral("name")).toString(),
             QFileInfo(path).fileName());
    // Dropped on the timeline, a file joins them.
    const QString second = m_cache.filePath(QStringLiteral("answers.txt"));
    QFile answers(second);
    QVERIFY(answers.open(QIODevice::WriteOnly));
    answers.write("42");
    answers.close();
    QMimeData dropped;
    dropped.setUrls({QUrl::fromLocalFile(second)});
    QWidget *timeline = m_pane->messageView()->viewport();
    QDragEnterEvent enter(QPoint(50, 50), Qt::CopyAction, &dropped, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(timeline, &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(QPointF(50, 50), Qt::CopyAction, &dropped, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(timeline, &drop);
    QTRY_COMPARE(m_pane->attachmentStrip()->findChildren<QFrame *>(QStringLiteral("attachmentChip")).size(), 2);
    // Chips belong to their room: another room has none, and coming back shows them again.
    m_pane->openRoom(RoomId(OtherRoom));
    QVERIFY(!m_pane->attachmentStrip()->isVisible());
    m_pane->openRoom(RoomId(StudyRoom));
    QVERIFY(m_pane->attachmentStrip()->isVisible());
    // A plain text paste is still text.
    QApplication::clipboard()->setText(QStringLiteral("just words"));
    composer->paste();
    QCOMPARE(composer->toPlainText(), QStringLiteral("just words"));
}

void TestChatPane::threadRepliesCarryFiles()
{
    const auto physics = m_server->server->storage().courseByJoinCode(QStringLiteral("K7PX-3QMD"));
    QVERIFY(physics);
    m_pane.reset();
    Client::ChatClient real(m_connection.get());
    ChatPane pane(&real, m_connection.get());
    pane.resize(1100, 650);
    pane.show();
    QVERIFY(QTest::qWaitForWindowExposed(&pane));
    real.refreshRooms();
    QTRY_COMPARE(pane.currentRoom(), physics->roomId);
    Client::MessageModel *model = pane.messageView()->messageModel();
    QTRY_VERIFY(model && !model->isLoadingHistory());
    real.send(physics->roomId, QStringLiteral("Question 2: which traversal finds the shortest path?"));
    QTRY_VERIFY(model->rowCount() == 1 && model->message(0).seq > 0);
    const qint64 root = model->message(0).seq;
    pane.openThread(root);

    // A screenshot pasted on the reply box waits as a chip above it, not under the conversation.
    QImage screenshot(320, 200, QImage::Format_RGB32);
    screenshot.fill(QColor(0x0f766e));
    QApplication::clipboard()->setImage(screenshot);
    Composer *thread = pane.threadComposer();
    thread->setFocus();
    thread->paste();
    QVERIFY(thread->toPlainText().isEmpty());
    QTRY_VERIFY(pane.threadAttachmentStrip()->isVisible());
    QVERIFY(!pane.attachmentStrip()->isVisible());
    QCOMPARE(pane.threadAttachmentStrip()->findChildren<QFrame *>(QStringLiteral("attachmentChip")).size(), 1);
    QTRY_VERIFY(!pane.threadAttachmentStrip()->findChild<QLabel *>(QStringLiteral("attachmentStatus"))->text().endsWith(QLatin1Char('%')));
    shoot(&pane, QStringLiteral("chat-thread-chip-light"));
    Appearance::applyTheme(Theme::Dark);
    shoot(&pane, QStringLiteral("chat-thread-chip-dark"));
    Appearance::applyTheme(Theme::Light);

    // Enter sends the reply with its file, in the thread.
    QTest::keyClicks(thread, QStringLiteral("BFS, see the diagram"));
    QTest::keyClick(thread, Qt::Key_Return);
    QTRY_VERIFY(!pane.threadAttachmentStrip()->isVisible());
    Client::MessageModel *replies = pane.threadView()->messageModel();
    QTRY_COMPARE(replies->rowCount(), 2);
    QTRY_VERIFY_WITH_TIMEOUT(replies->message(1).seq > 0, 10000);
    QCOMPARE(replies->message(1).threadRoot, root);
    QCOMPARE(replies->message(1).text, QStringLiteral("BFS, see the diagram"));
    const QList<AttachmentInfo> files = real.attachments(physics->roomId, replies->message(1).seq);
    QCOMPARE(files.size(), 1);
    QCOMPARE(files.first().mime, QStringLiteral("image/png"));
    QCOMPARE(model->rowCount(), 1); // never in the timeline
}

void TestChatPane::programWarningShowsTheNameAsText()
{
    // Names come from other people: markup in one must not restyle (or hide) the warning.
    const QString name = QStringLiteral("<font size=1 color=white>Q&A homework<br>fix.sh");
    const QByteArray bytes("echo hi\n");
    const QString id = QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
    QJsonObject message = ChatFixture::message(1, Base, m_ana, QStringLiteral("run this"));
    message.insert(QStringLiteral("attachments"),
                   QJsonArray{AttachmentInfo{id, name, bytes.size(), QStringLiteral("text/x-sh")}.toJson()});
    m_fixture->messages[StudyRoom] = {message};
    const QString cache = m_cache.filePath(QStringLiteral("warning-files"));
    m_client->setAttachmentCache(cache, 1024 * 1024);
    QVERIFY(QDir().mkpath(QDir(cache).filePath(id)));
    QFile cached(QDir(cache).filePath(id + QLatin1Char('/') + name));
    QVERIFY(cached.open(QIODevice::WriteOnly));
    cached.write(bytes);
    cached.close();
    openStudyRoom();
    QCOMPARE(m_client->attachments(RoomId(StudyRoom), 1).size(), 1);

    std::optional<Qt::TextFormat> format;
    QString text;
    QTimer poll;
    connect(&poll, &QTimer::timeout, this, [&] {
        auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
        if (!box)
            return;
        format = box->textFormat();
        text = box->text();
        box->reject(); // not opened
    });
    poll.start(10);
    Q_EMIT m_pane->messageView()->attachmentClicked(1, 0, false);
    QTRY_VERIFY(format.has_value());
    QCOMPARE(*format, Qt::PlainText);
    QVERIFY(text.contains(name));
    poll.stop();

    // The message's menu offers to save it under its name, "&" included (not a shortcut mark).
    QStringList actions;
    QTimer menuPoll;
    connect(&menuPoll, &QTimer::timeout, this, [&] {
        auto *menu = qobject_cast<QMenu *>(QApplication::activePopupWidget());
        if (!menu)
            return;
        for (const QAction *action : menu->actions())
            actions.append(action->text());
        menu->close();
    });
    menuPoll.start(10);
    Client::MessageModel *model = m_pane->messageView()->messageModel();
    Q_EMIT m_pane->messageView()->contextMenuWanted(model->index(0), m_pane->mapToGlobal(QPoint(100, 100)));
    QTRY_VERIFY(!actions.isEmpty());
    QVERIFY2(actions.contains(QStringLiteral("Save “%1” as…").arg(QString(name).replace(QLatin1Char('&'), QStringLiteral("&&")))),
             qPrintable(actions.join(QLatin1Char('|'))));
}

void TestChatPane::largeFileIsHashedOffTheWindowThread()
{
    openStudyRoom();
    // Just under the test server's limit (10 MiB); the app's servers take far larger files.
    const QByteArray block(1024 * 1024, 'v');
    QFile big(m_cache.filePath(QStringLiteral("lecture recording.mp4")));
    QVERIFY(big.open(QIODevice::WriteOnly));
    QCryptographicHash expected(QCryptographicHash::Sha256);
    for (int i = 0; i < 10; ++i) {
        QCOMPARE(big.write(block), block.size());
        expected.addData(block);
    }
    big.close();

    // The event loop keeps turning while the file is hashed: a timer keeps firing, and the chip
    // says the file is being prepared.
    int ticks = 0;
    QTimer timer;
    timer.setInterval(1);
    connect(&timer, &QTimer::timeout, this, [&ticks] { ++ticks; });
    timer.start();
    m_pane->attachFiles({big.fileName()});
    auto *status = m_pane->attachmentStrip()->findChild<QLabel *>(QStringLiteral("attachmentStatus"));
    QVERIFY(status);
    QVERIFY2(status->text().startsWith(QStringLiteral("preparing")), qPrintable(status->text()));
    QCOMPARE(ticks, 0);
    QTRY_VERIFY_WITH_TIMEOUT(!m_fixture->callsOf(QStringLiteral("attachment.upload")).isEmpty(), 30000);
    QVERIFY2(ticks >= 3, qPrintable(QString::number(ticks)));
    const QJsonObject upload = m_fixture->callsOf(QStringLiteral("attachment.upload")).first().data;
    QCOMPARE(upload.value(QStringLiteral("sha256")).toString(), QString::fromLatin1(expected.result().toHex()));
    QCOMPARE(upload.value(QStringLiteral("size")).toInteger(), 10 * block.size());
}

void TestChatPane::roomListPreviewsAFileOnlyMessage()
{
    const QJsonObject file = AttachmentInfo{QString(64, QLatin1Char('a')), QStringLiteral("syllabus.pdf"), 2048,
                                            QStringLiteral("application/pdf")}.toJson();
    QJsonObject withFile = ChatFixture::room(StudyRoom, QStringLiteral("study"), QStringLiteral("Graphs study group"));
    withFile.insert(QStringLiteral("lastMessage"), QJsonObject{{QStringLiteral("seq"), 7}, {QStringLiteral("ts"), Base},
                                                               {QStringLiteral("senderName"), QStringLiteral("Ana Lima")},
                                                               {QStringLiteral("text"), QString()},
                                                               {QStringLiteral("attachments"), QJsonArray{file}}});
    // A server that names no file in room.list: still a file, not "no messages".
    QJsonObject unnamed = ChatFixture::room(OtherRoom, QStringLiteral("group"), QStringLiteral("Lab partners"));
    unnamed.insert(QStringLiteral("lastMessage"), QJsonObject{{QStringLiteral("seq"), 3}, {QStringLiteral("ts"), Base - 1000},
                                                              {QStringLiteral("senderName"), QStringLiteral("Ana Lima")},
                                                              {QStringLiteral("text"), QString()}});
    m_fixture->rooms = {ChatFixture::room(1, QStringLiteral("course"), QStringLiteral("Physics 101")), withFile, unnamed};
    QSignalSpy loaded(m_client.get(), &Client::ChatClient::roomsLoaded);
    m_client->refreshRooms();
    QVERIFY(loaded.wait(5000));
    Client::RoomListModel *rooms = m_client->rooms();
    auto preview = [rooms](qint64 room) { return RoomListDelegate::previewText(rooms->index(rooms->rowOf(RoomId(room)))); };
    QCOMPARE(preview(StudyRoom), QStringLiteral("\U0001F4CE syllabus.pdf"));
    QCOMPARE(preview(OtherRoom), QStringLiteral("\U0001F4CE File"));
    QCOMPARE(preview(1), QStringLiteral("No messages yet"));
    shoot(m_pane->roomList(), QStringLiteral("chat-roomlist-file-light"));
    Appearance::applyTheme(Theme::Dark);
    shoot(m_pane->roomList(), QStringLiteral("chat-roomlist-file-dark"));
    Appearance::applyTheme(Theme::Light);
}

void TestChatPane::closingWithoutKeepSignedInTakesTheFiles()
{
    // The account's own folder, as without setAttachmentCache().
    const QString files = QFileInfo(m_connection->cache()->path()).dir().filePath(QStringLiteral("attachments"));
    const QString cached = files + QStringLiteral("/report.pdf");
    auto cacheAFile = [&] {
        QVERIFY(QDir().mkpath(files));
        QFile file(cached);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("grades");
    };
    // Kept signed in: the files stay for the next start.
    cacheAFile();
    m_pane.reset();
    QVERIFY(QFileInfo::exists(cached));
    // Not kept: closing the app is the end of the session on this computer.
    AppSettings::setKeepSignedIn(false);
    m_pane = std::make_unique<ChatPane>(m_client.get(), m_connection.get());
    m_pane.reset();
    AppSettings::setKeepSignedIn(true);
    QVERIFY(!QFileInfo::exists(cached));
}

void TestChatPane::membersPanelFollowsRoleChanges()
{
    openStudyRoom();
    m_pane->showMembers();
    auto *panel = m_pane->findChild<MembersPanel *>();
    QVERIFY(panel);
    auto *list = panel->findChild<QListWidget *>();
    QVERIFY(list);
    auto rowOf = [list](const QString &username) -> QString {
        for (int i = 0; i < list->count(); ++i) {
            if (list->item(i)->text().contains(QLatin1Char('@') + username))
                return list->item(i)->text();
        }
        return QString();
    };
    QTRY_VERIFY(rowOf(QStringLiteral("ana")).endsWith(QStringLiteral("Member")));
    // The owner makes Ana an admin: the open panel says so without being asked again.
    Protocol::Frame changed;
    changed.type = Protocol::FrameType::Event;
    changed.event = QStringLiteral("member.role");
    changed.room = RoomId(StudyRoom);
    changed.seq = 5;
    changed.timestamp = Base;
    changed.data = {{QStringLiteral("user"), m_ana}, {QStringLiteral("role"), QStringLiteral("admin")},
                    {QStringLiteral("by"), m_connection->currentUser().id.value()}};
    const qsizetype asked = m_fixture->callsOf(QStringLiteral("room.members")).size();
    Q_EMIT m_connection->eventReceived(changed);
    QVERIFY2(rowOf(QStringLiteral("ana")).endsWith(QStringLiteral("Admin")), qPrintable(rowOf(QStringLiteral("ana"))));
    QCOMPARE(m_fixture->callsOf(QStringLiteral("room.members")).size(), asked);
    // Another room's change leaves this list alone.
    changed.room = RoomId(OtherRoom);
    changed.data.insert(QStringLiteral("role"), QStringLiteral("member"));
    Q_EMIT m_connection->eventReceived(changed);
    QVERIFY(rowOf(QStringLiteral("ana")).endsWith(QStringLiteral("Admin")));
}

void TestChatPane::signOutLeavesNothingForTheNextUser()
{
    // A shared school computer: the instructor types something she does not send, signs out,
    // and a student signs in on the same app.
    openStudyRoom();
    Composer *composer = m_pane->composer();
    composer->setFocus();
    QTest::keyClicks(composer, QStringLiteral("Grades for the test: Ana 54"));
    m_pane->openThread(1);
    QTest::keyClicks(m_pane->threadComposer(), QStringLiteral("Ana needs help"));
    m_connection->signOut();

    // The pane shows nothing of her: no room, no thread, empty composers.
    QCOMPARE(m_pane->currentRoom(), RoomId());
    QVERIFY(!m_pane->messageView()->messageModel());
    QVERIFY(!m_pane->threadView()->messageModel());
    QVERIFY(composer->toPlainText().isEmpty());
    QVERIFY(m_pane->threadComposer()->toPlainText().isEmpty());

    const Server::AuthOutcome sam = m_server->server->auth().createAccount(
        QStringLiteral("sam"), QStringLiteral("Sam Student"), Role::Student, QString::fromLatin1(AppTestServer::Password));
    QVERIFY(sam.ok());
    QSignalSpy loaded(m_client.get(), &Client::ChatClient::roomsLoaded);
    bool signedIn = false;
    m_connection->signIn(QUrl(m_server->address()), QStringLiteral("sam"), QString::fromLatin1(AppTestServer::Password), this,
                         [&signedIn](const Client::AuthResult &result) { signedIn = result.ok; });
    QTRY_VERIFY_WITH_TIMEOUT(signedIn && !loaded.isEmpty(), 10000);
    // His first room opens by itself, without her text, and her words are nobody's draft.
    QTRY_VERIFY(m_pane->currentRoom().isValid());
    QVERIFY(composer->toPlainText().isEmpty());
    for (const qint64 room : {qint64(1), StudyRoom, OtherRoom})
        QCOMPARE(m_client->draft(RoomId(room)), QString());
}

int main(int argc, char *argv[])
{
    qunsetenv("DBUS_SESSION_BUS_ADDRESS");
    QApplication app(argc, argv);
    TestChatPane test;
    return QTest::qExec(&test, argc, argv);
}
#include "tst_chatpane.moc"
