// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "chatdialogs.h"

#include <QComboBox>
#include <QCoreApplication>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace Cohort::Ui::ChatDialogs {

namespace {
class Text
{
    Q_DECLARE_TR_FUNCTIONS(Cohort::Ui::ChatDialogs)
};
} // namespace

QStringList emoji()
{
    return {QString::fromUtf8("👍"), QString::fromUtf8("❤️"), QString::fromUtf8("😂"), QString::fromUtf8("🎉"),
            QString::fromUtf8("😮"), QString::fromUtf8("😢"), QString::fromUtf8("🙏"), QString::fromUtf8("👀"),
            QString::fromUtf8("✅"), QString::fromUtf8("🔥"), QString::fromUtf8("💯"), QString::fromUtf8("🤔"),
            QString::fromUtf8("👋"), QString::fromUtf8("🙂"), QString::fromUtf8("😅"), QString::fromUtf8("🚀")};
}

std::optional<QJsonObject> newRoom(QWidget *parent, const QList<CourseInfo> &courses)
{
    QDialog dialog(parent);
    dialog.setWindowTitle(Text::tr("New room"));
    auto *kind = new QComboBox(&dialog);
    kind->addItem(Text::tr("Group"), QStringLiteral("group"));
    kind->addItem(Text::tr("Study group"), QStringLiteral("study"));
    const bool staff = std::any_of(courses.cbegin(), courses.cend(),
                                   [](const CourseInfo &c) { return c.memberRole != Role::Student; });
    if (staff)
        kind->addItem(Text::tr("Announcements"), QStringLiteral("announcement"));
    auto *name = new QLineEdit(&dialog);
    name->setMaxLength(100);
    name->setPlaceholderText(Text::tr("e.g. Project team"));
    auto *topic = new QLineEdit(&dialog);
    topic->setMaxLength(500);
    auto *course = new QComboBox(&dialog);
    for (const CourseInfo &c : courses)
        course->addItem(c.name, c.id.value());
    auto *visibility = new QComboBox(&dialog);
    visibility->addItem(Text::tr("Public: anyone in the course can join"), QStringLiteral("public"));
    visibility->addItem(Text::tr("Private: by invitation"), QStringLiteral("private"));
    auto *limit = new QSpinBox(&dialog);
    limit->setRange(2, 500);
    limit->setValue(8);

    auto *form = new QFormLayout;
    form->addRow(Text::tr("Kind"), kind);
    form->addRow(Text::tr("Name"), name);
    form->addRow(Text::tr("Topic"), topic);
    form->addRow(Text::tr("Course"), course);
    form->addRow(Text::tr("Visibility"), visibility);
    form->addRow(Text::tr("Member limit"), limit);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    buttons->button(QDialogButtonBox::Ok)->setText(Text::tr("Create"));
    auto *column = new QVBoxLayout(&dialog);
    column->addLayout(form);
    column->addWidget(buttons);
    auto update = [=] {
        const QString k = kind->currentData().toString();
        const bool study = k == QLatin1String("study");
        form->setRowVisible(topic, study);
        form->setRowVisible(course, k != QLatin1String("group"));
        form->setRowVisible(visibility, study);
        form->setRowVisible(limit, study);
        buttons->button(QDialogButtonBox::Ok)->setEnabled(!name->text().trimmed().isEmpty()
                                                          && (k == QLatin1String("group") || course->count() > 0));
    };
    QObject::connect(kind, &QComboBox::currentIndexChanged, &dialog, update);
    QObject::connect(name, &QLineEdit::textChanged, &dialog, update);
    QObject::connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    update();
    if (dialog.exec() != QDialog::Accepted)
        return std::nullopt;

    const QString k = kind->currentData().toString();
    QJsonObject data{{QStringLiteral("kind"), k}, {QStringLiteral("name"), name->text().trimmed()}};
    if (k != QLatin1String("group"))
        data.insert(QStringLiteral("courseId"), course->currentData().toLongLong());
    if (k == QLatin1String("study")) {
        data.insert(QStringLiteral("topic"), topic->text().trimmed());
        data.insert(QStringLiteral("visibility"), visibility->currentData().toString());
        data.insert(QStringLiteral("memberLimit"), limit->value());
    }
    return data;
}

std::optional<UserId> directPeer(QWidget *parent, const QList<UserInfo> &people, const QString &action)
{
    QDialog dialog(parent);
    dialog.setWindowTitle(action);
    auto *filter = new QLineEdit(&dialog);
    filter->setPlaceholderText(Text::tr("Search people"));
    filter->setClearButtonEnabled(true);
    auto *list = new QListWidget(&dialog);
    for (const UserInfo &user : people) {
        auto *item = new QListWidgetItem(Text::tr("%1 (@%2)").arg(user.displayName, user.username), list);
        item->setData(Qt::UserRole, user.id.value());
    }
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    buttons->button(QDialogButtonBox::Ok)->setText(action);
    auto *column = new QVBoxLayout(&dialog);
    column->addWidget(filter);
    column->addWidget(list);
    column->addWidget(buttons);
    QObject::connect(filter, &QLineEdit::textChanged, &dialog, [list](const QString &text) {
        for (int i = 0; i < list->count(); ++i)
            list->item(i)->setHidden(!list->item(i)->text().contains(text, Qt::CaseInsensitive));
    });
    QObject::connect(list, &QListWidget::itemDoubleClicked, &dialog, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    if (dialog.exec() != QDialog::Accepted || !list->currentItem())
        return std::nullopt;
    return UserId(list->currentItem()->data(Qt::UserRole).toLongLong());
}

} // namespace Cohort::Ui::ChatDialogs
