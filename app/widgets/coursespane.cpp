// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "coursespane.h"

#include "connection.h"
#include "emptystate.h"
#include "errortext.h"
#include "icons.h"
#include "messagebanner.h"

#include <QApplication>
#include <QClipboard>
#include <QEvent>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QStackedLayout>
#include <QToolButton>
#include <QVBoxLayout>

namespace Cohort::Ui {

namespace {
QString roleText(Role role)
{
    switch (role) {
    case Role::Student:
        return CoursesPane::tr("Student");
    case Role::Instructor:
        return CoursesPane::tr("Instructor");
    case Role::Admin:
        return CoursesPane::tr("Administrator");
    }
    return {};
}
} // namespace

CoursesPane::CoursesPane(Client::Connection *connection, QWidget *parent)
    : QWidget(parent)
    , m_connection(connection)
    , m_title(new QLabel(this))
    , m_subtitle(new QLabel(this))
    , m_error(new MessageBanner(this))
    , m_stack(new QStackedLayout)
    , m_empty(new EmptyState(QStringLiteral("chat"), this))
    , m_emptyJoin(new QPushButton(this))
    , m_list(new QListWidget(this))
    , m_join(new QPushButton(this))
    , m_create(new QPushButton(this))
{
    setObjectName(QStringLiteral("chatPane"));
    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.6);
    titleFont.setWeight(QFont::DemiBold);
    m_title->setFont(titleFont);
    m_subtitle->setWordWrap(true);

    m_list->setObjectName(QStringLiteral("courseList"));
    m_list->setSpacing(4);
    m_list->setFrameShape(QFrame::NoFrame);
    m_list->setSelectionMode(QAbstractItemView::NoSelection);
    m_list->setFocusPolicy(Qt::NoFocus);
    m_list->setStyleSheet(QStringLiteral("QListWidget#courseList { background: transparent; }"));
    m_list->viewport()->setAutoFillBackground(false);
    m_emptyJoin->setObjectName(QStringLiteral("emptyJoinCourseButton"));
    m_empty->addAction(m_emptyJoin);
    m_join->setObjectName(QStringLiteral("joinCourseButton"));
    m_create->setObjectName(QStringLiteral("createCourseButton"));

    auto *listPage = new QWidget(this);
    auto *listColumn = new QVBoxLayout(listPage);
    listColumn->setContentsMargins(0, 0, 0, 0);
    listColumn->addWidget(m_list);
    m_stack->addWidget(m_empty);
    m_stack->addWidget(listPage);

    auto *header = new QHBoxLayout;
    header->addWidget(m_title, 1);
    header->addWidget(m_join);
    header->addWidget(m_create);

    auto *column = new QVBoxLayout(this);
    column->setContentsMargins(28, 24, 28, 20);
    column->setSpacing(10);
    column->addLayout(header);
    column->addWidget(m_subtitle);
    column->addWidget(m_error);
    column->addLayout(m_stack, 1);

    connect(m_join, &QPushButton::clicked, this, &CoursesPane::joinCourse);
    connect(m_emptyJoin, &QPushButton::clicked, this, &CoursesPane::joinCourse);
    connect(m_create, &QPushButton::clicked, this, &CoursesPane::createCourse);
    connect(m_connection, &Client::Connection::signedIn, this, &CoursesPane::reload);
    retranslateUi();
    if (m_connection->state() == Client::Connection::State::Connected)
        reload();
}

void CoursesPane::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
    else if (event->type() == QEvent::PaletteChange)
        rebuildList();
    QWidget::changeEvent(event);
}

void CoursesPane::retranslateUi()
{
    m_title->setText(tr("Chat"));
    m_subtitle->setText(tr("Every course has a room where its members talk. These are your courses and their rooms."));
    m_empty->setTitle(tr("You are not in a course yet"));
    m_empty->setText(tr("Join a course with the code your instructor gave you. Its room appears "
                        "here, together with everyone in the course."));
    m_emptyJoin->setText(tr("Join a Course…"));
    m_join->setText(tr("Join a Course…"));
    m_create->setText(tr("New Course…"));
    rebuildList();
}

bool CoursesPane::canCreateCourses() const
{
    return m_connection->currentUser().role != Role::Student;
}

void CoursesPane::reload()
{
    m_create->setVisible(canCreateCourses());
    m_connection->listCourses(this, [this](const Client::Reply &reply, const QList<CourseInfo> &courses) {
        if (!reply.ok) {
            m_error->showMessage(MessageBanner::Kind::Warning, ErrorText::forRequest(reply.error, reply.retryAfterMs));
            return;
        }
        m_error->clear();
        m_courses = courses;
        m_connection->listRooms(this, [this](const Client::Reply &roomsReply, const QList<RoomInfo> &rooms) {
            if (roomsReply.ok)
                m_rooms = rooms;
            rebuildList();
            Q_EMIT coursesLoaded();
        });
    });
}

QWidget *CoursesPane::courseCard(const CourseInfo &course)
{
    auto *card = new QFrame;
    card->setObjectName(QStringLiteral("courseCard"));
    card->setAttribute(Qt::WA_StyledBackground);
    card->setStyleSheet(QStringLiteral("#courseCard { background: palette(base); border: 1px solid palette(mid);"
                                       " border-radius: 8px; }"));
    const QPalette p = palette();
    auto *icon = new QLabel(card);
    icon->setPixmap(Icons::symbolPixmap(QStringLiteral("course"), 28, p.color(QPalette::Highlight), devicePixelRatioF()));
    auto *name = new QLabel(course.name, card);
    QFont bold = name->font();
    bold.setWeight(QFont::DemiBold);
    name->setFont(bold);
    QStringList details{roleText(course.memberRole)};
    for (const RoomInfo &room : std::as_const(m_rooms)) {
        if (room.courseId == course.id)
            details << tr("Room “%1”").arg(room.name);
    }
    auto *detail = new QLabel(details.join(QStringLiteral("  ·  ")), card);
    QPalette muted = detail->palette();
    QColor text = p.color(QPalette::WindowText);
    text.setAlphaF(0.65f);
    muted.setColor(QPalette::WindowText, text);
    detail->setPalette(muted);
    auto *texts = new QVBoxLayout;
    texts->setSpacing(2);
    texts->addWidget(name);
    texts->addWidget(detail);

    auto *row = new QHBoxLayout(card);
    row->setContentsMargins(14, 10, 10, 10);
    row->setSpacing(12);
    row->addWidget(icon);
    row->addLayout(texts, 1);
    if (!course.joinCode.isEmpty()) {
        auto *caption = new QLabel(tr("Join code"), card);
        caption->setPalette(muted);
        auto *code = new QLabel(course.joinCode, card);
        code->setObjectName(QStringLiteral("courseJoinCode"));
        code->setTextInteractionFlags(Qt::TextSelectableByMouse);
        QFont mono(QStringLiteral("monospace"));
        mono.setStyleHint(QFont::Monospace);
        mono.setWeight(QFont::DemiBold);
        code->setFont(mono);
        auto *copy = new QToolButton(card);
        copy->setObjectName(QStringLiteral("copyJoinCodeButton"));
        copy->setAutoRaise(true);
        copy->setIcon(Icons::symbol(QStringLiteral("copy")));
        copy->setToolTip(tr("Copy the join code"));
        const QString joinCode = course.joinCode;
        connect(copy, &QToolButton::clicked, this, [joinCode] { QApplication::clipboard()->setText(joinCode); });
        row->addWidget(caption);
        row->addWidget(code);
        row->addWidget(copy);
    }
    return card;
}

void CoursesPane::rebuildList()
{
    m_list->clear();
    for (const CourseInfo &course : std::as_const(m_courses)) {
        auto *item = new QListWidgetItem(m_list);
        QWidget *card = courseCard(course);
        item->setSizeHint(QSize(0, card->sizeHint().height()));
        m_list->setItemWidget(item, card);
    }
    m_stack->setCurrentIndex(m_courses.isEmpty() ? 0 : 1);
    const bool student = !canCreateCourses();
    const bool signUp = m_connection->serverInfo().signUp;
    m_join->setVisible(student && signUp && !m_courses.isEmpty());
    m_emptyJoin->setVisible(student && signUp);
    m_create->setVisible(!student);
}

void CoursesPane::joinCourse()
{
    bool ok = false;
    const QString code = QInputDialog::getText(this, tr("Join a Course"),
                                               tr("Course join code from your instructor:"),
                                               QLineEdit::Normal, QString(), &ok).trimmed().toUpper();
    if (!ok || code.isEmpty())
        return;
    m_connection->joinCourse(code, this, [this](const Client::Reply &reply, const std::optional<CourseInfo> &) {
        if (!reply.ok) {
            m_error->showMessage(MessageBanner::Kind::Error, reply.error == Protocol::ErrorCode::NotFound
                                     ? tr("No course has this join code. Check the code with your instructor.")
                                     : ErrorText::forRequest(reply.error, reply.retryAfterMs));
            return;
        }
        reload();
    });
}

void CoursesPane::createCourse()
{
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("New Course"), tr("Course name:"),
                                               QLineEdit::Normal, QString(), &ok).simplified();
    if (!ok || name.isEmpty())
        return;
    m_connection->createCourse(name, this, [this](const Client::Reply &reply, const std::optional<CourseInfo> &) {
        if (!reply.ok) {
            m_error->showMessage(MessageBanner::Kind::Error, ErrorText::forRequest(reply.error, reply.retryAfterMs));
            return;
        }
        reload();
    });
}


} // namespace Cohort::Ui
