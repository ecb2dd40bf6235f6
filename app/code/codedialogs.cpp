// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "codedialogs.h"

#include "sessionexport.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include <limits>

namespace Cohort::Ui {

namespace {
constexpr int MaxTitleLength = 100;
constexpr int MinCodeLength = 4;
constexpr int MaxCodeLength = 64;
constexpr int MaxPathLength = 255;

QDialogButtonBox *okCancel(QDialog *dialog, const QString &okText)
{
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, dialog);
    buttons->button(QDialogButtonBox::Ok)->setText(okText);
    QObject::connect(buttons, &QDialogButtonBox::accepted, dialog, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    return buttons;
}
} // namespace

NewSessionDialog::NewSessionDialog(const QList<CourseInfo> &courses, bool admin, QWidget *parent)
    : QDialog(parent), m_courses(courses), m_admin(admin)
{
    setObjectName(QStringLiteral("newSessionDialog"));
    setWindowTitle(tr("New code session"));
    m_title = new QLineEdit(this);
    m_title->setMaxLength(MaxTitleLength);
    m_title->setPlaceholderText(tr("e.g. Lab 3: linked lists"));
    m_course = new QComboBox(this);
    m_course->addItem(tr("None (private)"), QVariant());
    for (const CourseInfo &course : courses)
        m_course->addItem(course.name, course.id.value());
    m_public = new QCheckBox(tr("Everyone in the course can find and join it"), this);
    m_scopeHint = new QLabel(tr("Only the course's instructors can open a session to the whole course. "
                                "Share yours with an access code: whoever has it can join."), this);
    m_scopeHint->setObjectName(QStringLiteral("scopeHint"));
    m_scopeHint->setWordWrap(true);
    m_scopeHint->setForegroundRole(QPalette::PlaceholderText);
    m_code = new QLineEdit(this);
    m_code->setMaxLength(MaxCodeLength);
    m_code->setPlaceholderText(tr("Optional"));
    m_code->setToolTip(tr("Whoever has the code can join, even from outside the course."));
    m_max = new QSpinBox(this);
    m_max->setRange(2, 200);
    m_max->setValue(30);

    auto *form = new QFormLayout;
    form->addRow(tr("Title"), m_title);
    form->addRow(tr("Course"), m_course);
    form->addRow(QString(), m_public);
    form->addRow(QString(), m_scopeHint);
    form->addRow(tr("Access code"), m_code);
    form->addRow(tr("Collaborators at most"), m_max);
    m_buttons = okCancel(this, tr("Create"));
    auto *column = new QVBoxLayout(this);
    column->addLayout(form);
    column->addWidget(m_buttons);
    connect(m_title, &QLineEdit::textChanged, this, &NewSessionDialog::update);
    connect(m_course, &QComboBox::currentIndexChanged, this, &NewSessionDialog::update);
    connect(m_code, &QLineEdit::textChanged, this, &NewSessionDialog::update);
    update();
}

void NewSessionDialog::update()
{
    const bool inCourse = m_course->currentData().isValid();
    // The server refuses a course-wide session from anyone but the course's instructors.
    const qsizetype index = m_course->currentIndex() - 1;
    const bool teaches = inCourse && index >= 0 && index < m_courses.size()
        && (m_admin || m_courses.at(index).memberRole == Role::Instructor);
    m_public->setEnabled(teaches);
    if (!teaches)
        m_public->setChecked(false);
    m_scopeHint->setVisible(inCourse && !teaches);
    // An access code is optional, but the server refuses one shorter than 4 characters.
    const qsizetype code = m_code->text().trimmed().size();
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(!m_title->text().trimmed().isEmpty()
                                                        && (code == 0 || code >= MinCodeLength));
}

Client::NewCodeSession NewSessionDialog::session() const
{
    Client::NewCodeSession session;
    session.title = m_title->text().trimmed();
    if (m_course->currentData().isValid())
        session.courseId = CourseId(m_course->currentData().toLongLong());
    session.visibility = m_public->isChecked() ? QStringLiteral("course") : QStringLiteral("private");
    session.accessCode = m_code->text().trimmed();
    session.maxCollaborators = m_max->value();
    return session;
}

JoinWithCodeDialog::JoinWithCodeDialog(Client::CodeSessionId session, QWidget *parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("joinWithCodeDialog"));
    setWindowTitle(tr("Join with a code"));
    auto *hint = new QLabel(tr("Type the session number and the access code your teacher or classmate gave you."), this);
    hint->setWordWrap(true);
    m_session = new QSpinBox(this);
    m_session->setRange(0, std::numeric_limits<int>::max());
    m_session->setSpecialValueText(tr("—")); // 0: not typed yet
    m_session->setValue(int(session.value()));
    m_code = new QLineEdit(this);
    m_code->setMaxLength(MaxCodeLength);
    m_code->setPlaceholderText(tr("e.g. K7PX-3QMD"));
    m_buttons = okCancel(this, tr("Join"));
    auto *form = new QFormLayout;
    form->addRow(tr("Session number"), m_session);
    form->addRow(tr("Access code"), m_code);
    auto *column = new QVBoxLayout(this);
    column->addWidget(hint);
    column->addLayout(form);
    column->addWidget(m_buttons);
    auto update = [this] {
        m_buttons->button(QDialogButtonBox::Ok)->setEnabled(m_session->value() > 0 && code().size() >= MinCodeLength);
    };
    connect(m_code, &QLineEdit::textChanged, this, update);
    connect(m_session, &QSpinBox::valueChanged, this, update);
    update();
    if (session.isValid())
        m_code->setFocus();
}

Client::CodeSessionId JoinWithCodeDialog::session() const
{
    return Client::CodeSessionId(m_session->value());
}

QString JoinWithCodeDialog::code() const
{
    return m_code->text().trimmed();
}

FilePathDialog::FilePathDialog(const QString &title, const QString &initial, const QStringList &taken,
                               Select select, QWidget *parent)
    : QDialog(parent)
    , m_taken(taken)
{
    setObjectName(QStringLiteral("filePathDialog"));
    setWindowTitle(title);
    auto *hint = new QLabel(tr("Use / for folders, e.g. src/main.py. The ending picks the language."), this);
    hint->setWordWrap(true);
    m_path = new QLineEdit(initial, this);
    m_path->setMaxLength(MaxPathLength);
    auto *problem = new QLabel(this);
    problem->setObjectName(QStringLiteral("filePathProblem"));
    problem->setWordWrap(true);
    m_buttons = okCancel(this, title);
    auto *column = new QVBoxLayout(this);
    column->addWidget(hint);
    column->addWidget(m_path);
    column->addWidget(problem);
    column->addWidget(m_buttons);
    auto update = [this, problem] {
        const QString p = path();
        QString why;
        if (!p.isEmpty() && !SessionExport::isSafePath(p))
            why = tr("A path cannot start with /, contain \\ or use . and .. as names, and names cannot start or end with a space.");
        else if (m_taken.contains(p))
            why = tr("Another file already has this path.");
        problem->setText(why);
        problem->setVisible(!why.isEmpty());
        m_buttons->button(QDialogButtonBox::Ok)->setEnabled(!p.isEmpty() && why.isEmpty());
    };
    connect(m_path, &QLineEdit::textChanged, this, update);
    update();
    // A new file's suggested name goes whole: typing "leapfrog.py" over "main" of "main.py"
    // made "leapfrog.py.py".
    const qsizetype dot = initial.lastIndexOf(QLatin1Char('.'));
    const qsizetype slash = initial.lastIndexOf(QLatin1Char('/'));
    const qsizetype end = select == Select::BaseName && dot > slash + 1 ? dot : initial.size();
    m_path->setSelection(int(slash + 1), int(end - slash - 1));
}

QString FilePathDialog::path() const
{
    return m_path->text().trimmed();
}

} // namespace Cohort::Ui
