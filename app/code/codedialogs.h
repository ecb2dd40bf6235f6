// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include "codetypes.h"

#include <QDialog>

#include <optional>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace Cohort::Ui {

/// Asks for a new code session: title, a course it belongs to (or none: private), who may
/// find it, an optional access code and the number of collaborators. Only what the server
/// allows is offered: a session open to the whole course only in a course the user teaches
/// (or to an admin); otherwise the dialog says how to share it instead.
class NewSessionDialog : public QDialog
{
    Q_OBJECT
public:
    /// `admin`: the user is a server admin (may open sessions to any course).
    NewSessionDialog(const QList<CourseInfo> &courses, bool admin = false, QWidget *parent = nullptr);

    Client::NewCodeSession session() const;
    QLineEdit *titleEdit() const { return m_title; }
    QComboBox *courseBox() const { return m_course; }
    QCheckBox *everyoneBox() const { return m_public; }
    QLineEdit *accessCodeEdit() const { return m_code; }
    /// Why the course-wide choice is not offered (hidden while it is).
    QLabel *scopeHint() const { return m_scopeHint; }

private:
    void update();

    QList<CourseInfo> m_courses;
    bool m_admin;
    QLineEdit *m_title;
    QComboBox *m_course;
    QCheckBox *m_public;
    QLabel *m_scopeHint;
    QLineEdit *m_code;
    QSpinBox *m_max;
    QDialogButtonBox *m_buttons;
};

/// Asks for the session number and access code a teacher gave the class ("join with a code");
/// the host's toolbar shows both.
class JoinWithCodeDialog : public QDialog
{
    Q_OBJECT
public:
    explicit JoinWithCodeDialog(Client::CodeSessionId session = {}, QWidget *parent = nullptr);

    Client::CodeSessionId session() const;
    QString code() const;
    QSpinBox *sessionBox() const { return m_session; }
    QLineEdit *codeEdit() const { return m_code; }

private:
    QSpinBox *m_session;
    QLineEdit *m_code;
    QDialogButtonBox *m_buttons;
};

/// Asks for a file's path in the session ("src/main.py"): for a new file and for a rename.
/// Refuses empty names, "..", absolute paths and a path another file already has.
class FilePathDialog : public QDialog
{
    Q_OBJECT
public:
    /// What of the initial path is selected, to be typed over.
    enum class Select {
        FileName, // a new file: the suggested name and its ending ("main.py" of "src/main.py")
        BaseName, // a rename: the name without its ending, which keeps the language
    };
    FilePathDialog(const QString &title, const QString &initial, const QStringList &taken, Select select,
                   QWidget *parent = nullptr);

    QString path() const;
    QLineEdit *pathEdit() const { return m_path; }

private:
    QLineEdit *m_path;
    QStringList m_taken;
    QDialogButtonBox *m_buttons;
};

} // namespace Cohort::Ui
