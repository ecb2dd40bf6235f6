// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "model.h"

#include <QWidget>

class QLabel;
class QListWidget;
class QPushButton;
class QStackedLayout;

namespace Cohort::Client {
class Connection;
}

namespace Cohort::Ui {

class EmptyState;
class MessageBanner;

/// The Chat pane as far as the server offers it today: the signed-in user's courses with
/// their rooms, join codes for the course's staff, and joining or creating a course.
class CoursesPane : public QWidget
{
    Q_OBJECT
public:
    explicit CoursesPane(Client::Connection *connection, QWidget *parent = nullptr);

    QList<CourseInfo> courses() const { return m_courses; }
    /// Fetches the courses and rooms again.
    void reload();

Q_SIGNALS:
    void coursesLoaded();

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslateUi();
    void rebuildList();
    void joinCourse();
    void createCourse();
    QWidget *courseCard(const CourseInfo &course);
    bool canCreateCourses() const;

    Client::Connection *m_connection;
    QList<CourseInfo> m_courses;
    QList<RoomInfo> m_rooms;

    QLabel *m_title;
    QLabel *m_subtitle;
    MessageBanner *m_error;
    QStackedLayout *m_stack;
    EmptyState *m_empty;
    QPushButton *m_emptyJoin;
    QListWidget *m_list;
    QPushButton *m_join;
    QPushButton *m_create;
};

} // namespace Cohort::Ui
