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
#include <QVBoxLayout>

namespace Cohort::Ui {

namespace {
constexpr int JoinCodeRole = Qt::UserRole + 1;

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
    , m_copy(new QPushButton(this))
{
    setObjectName(QStringLiteral("chatPane"));
    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.6);
    titleFont.setWeight(QFont::DemiBold);
    m_title->setFont(titleFont);
    m_subtitle->setWordWrap(true);

    m_list->setObjectName(QStringLiteral("courseList"));
    m_list->setIconSize(QSize(28, 28));
    m_list->setSpacing(2);
    m_list->setUniformItemSizes(false);
    m_list->setAlternatingRowColors(false);
    m_list->setSelectionMode(QAbstractItemView::SingleSelection);
    m_emptyJoin->setObjectName(QStringLiteral("emptyJoinCourseButton"));
    m_empty->addAction(m_emptyJoin);
    m_join->setObjectName(QStringLiteral("joinCourseButton"));
    m_create->setObjectName(QStringLiteral("createCourseButton"));
    m_copy->setObjectName(QStringLiteral("copyJoinCodeButton"));
    m_copy->setEnabled(false);

    auto *listPage = new QWidget(this);
    auto *listColumn = new QVBoxLayout(listPage);
    listColumn->setContentsMargins(0, 0, 0, 0);
    listColumn->addWidget(m_list);
    m_stack->addWidget(m_empty);
    m_stack->addWidget(listPage);

    auto *actions = new QHBoxLayout;
    actions->addWidget(m_copy);
    actions->addStretch(1);
    actions->addWidget(m_join);
    actions->addWidget(m_create);

    auto *column = new QVBoxLayout(this);
    column->setContentsMargins(28, 24, 28, 20);
    column->setSpacing(10);
    column->addWidget(m_title);
    column->addWidget(m_subtitle);
    column->addWidget(m_error);
    column->addLayout(m_stack, 1);
    column->addLayout(actions);

    connect(m_join, &QPushButton::clicked, this, &CoursesPane::joinCourse);
    connect(m_emptyJoin, &QPushButton::clicked, this, &CoursesPane::joinCourse);
    connect(m_create, &QPushButton::clicked, this, &CoursesPane::createCourse);
    connect(m_copy, &QPushButton::clicked, this, &CoursesPane::copyJoinCode);
    connect(m_list, &QListWidget::currentItemChanged, this, [this](QListWidgetItem *item) {
        m_copy->setEnabled(item && !item->data(JoinCodeRole).toString().isEmpty());
    });
    connect(m_connection, &Client::Connection::signedIn, this, &CoursesPane::reload);
    retranslateUi();
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
    m_copy->setText(tr("Copy Join Code"));
    m_copy->setIcon(Icons::symbol(QStringLiteral("copy")));
    m_create->setVisible(canCreateCourses());
    m_join->setVisible(m_connection->serverInfo().signUp || !m_courses.isEmpty());
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

void CoursesPane::rebuildList()
{
    const QString current = m_list->currentItem() ? m_list->currentItem()->text() : QString();
    m_list->clear();
    const QPalette p = palette();
    const QIcon icon = Icons::symbol(QStringLiteral("course"), p.color(QPalette::Highlight),
                                     p.color(QPalette::HighlightedText));
    for (const CourseInfo &course : std::as_const(m_courses)) {
        QStringList details{roleText(course.memberRole)};
        for (const RoomInfo &room : std::as_const(m_rooms)) {
            if (room.courseId == course.id)
                details << tr("Room “%1”").arg(room.name);
        }
        if (!course.joinCode.isEmpty())
            details << tr("Join code %1").arg(course.joinCode);
        auto *item = new QListWidgetItem(icon, course.name + QLatin1Char('\n') + details.join(QStringLiteral("  ·  ")));
        item->setData(JoinCodeRole, course.joinCode);
        item->setSizeHint(QSize(0, 52));
        m_list->addItem(item);
        if (item->text() == current)
            m_list->setCurrentItem(item);
    }
    m_stack->setCurrentIndex(m_courses.isEmpty() ? 0 : 1);
    m_join->setVisible(!m_courses.isEmpty() && m_connection->serverInfo().signUp);
    m_emptyJoin->setVisible(m_connection->serverInfo().signUp);
    m_copy->setVisible(canCreateCourses());
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

void CoursesPane::copyJoinCode()
{
    if (QListWidgetItem *item = m_list->currentItem())
        QApplication::clipboard()->setText(item->data(JoinCodeRole).toString());
}

} // namespace Cohort::Ui
