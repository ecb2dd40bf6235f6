// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "versionsdialog.h"

#include "codeparticipantmodel.h"
#include "codesession.h"
#include "errortext.h"

#include <QDateTime>
#include <QDialogButtonBox>
#include <QInputDialog>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QVBoxLayout>

namespace Cohort::Ui {

namespace {
constexpr int VersionIdRole = Qt::UserRole;
constexpr int MaxNameLength = 100;
} // namespace

VersionsDialog::VersionsDialog(Client::CodeSession *session, QWidget *parent)
    : QDialog(parent)
    , m_session(session)
{
    setObjectName(QStringLiteral("versionsDialog"));
    setWindowTitle(tr("Versions of “%1”").arg(session->info().title));
    m_list = new QListWidget(this);
    m_list->setObjectName(QStringLiteral("versionList"));
    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_save = buttons->addButton(tr("Save a version…"), QDialogButtonBox::ActionRole);
    m_restore = buttons->addButton(tr("Restore"), QDialogButtonBox::ActionRole);
    m_restore->setEnabled(false);
    m_delete = buttons->addButton(tr("Delete…"), QDialogButtonBox::DestructiveRole);
    m_delete->setObjectName(QStringLiteral("deleteVersionButton"));
    m_delete->setEnabled(false);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_save, &QPushButton::clicked, this, &VersionsDialog::save);
    connect(m_restore, &QPushButton::clicked, this, &VersionsDialog::restore);
    connect(m_delete, &QPushButton::clicked, this, &VersionsDialog::deleteVersion);
    connect(m_list, &QListWidget::currentRowChanged, this, [this](int row) {
        m_restore->setEnabled(row >= 0);
        m_delete->setEnabled(row >= 0);
    });
    // Another host's change shows here too.
    connect(session, &Client::CodeSession::versionCreated, this, &VersionsDialog::reload);
    connect(session, &Client::CodeSession::versionDeleted, this, &VersionsDialog::reload);
    auto *column = new QVBoxLayout(this);
    column->addWidget(m_list, 1);
    column->addWidget(m_status);
    column->addWidget(buttons);
    resize(420, 360);
    reload();
}

void VersionsDialog::reload()
{
    if (!m_session)
        return;
    m_status->setText(tr("Loading…"));
    m_session->listVersions(this, [this](const Client::Reply &reply, const QList<Client::CodeVersionInfo> &versions) {
        m_list->clear();
        if (!reply.ok) {
            m_status->setText(ErrorText::forRequest(reply.error, reply.retryAfterMs));
            return;
        }
        const QLocale locale;
        for (const Client::CodeVersionInfo &version : versions) {
            const QDateTime when = QDateTime::fromMSecsSinceEpoch(version.createdAt);
            const Client::CodeParticipant *author = m_session ? m_session->participants()->participant(version.author) : nullptr;
            QString text = tr("%1 — %2").arg(version.name, locale.toString(when, QLocale::ShortFormat));
            if (author)
                text = tr("%1, by %2").arg(text, author->user.displayName);
            auto *item = new QListWidgetItem(text, m_list);
            item->setData(VersionIdRole, version.id.value());
        }
        m_status->setText(versions.isEmpty() ? tr("No versions yet. Save one before a risky change, or at the end of a lesson.")
                                             : QString());
    });
}

void VersionsDialog::save()
{
    if (!m_session)
        return;
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("Save a version"), tr("Name of the version:"), QLineEdit::Normal,
                                               QLocale().toString(QDateTime::currentDateTime(), QLocale::ShortFormat), &ok)
                             .trimmed()
                             .left(MaxNameLength);
    if (!ok || name.isEmpty())
        return;
    m_session->createVersion(name, this, [this](const Client::Reply &reply, const std::optional<Client::CodeVersionInfo> &) {
        if (reply.ok)
            reload();
        else if (reply.error == Protocol::ErrorCode::Conflict)
            m_status->setText(tr("This session has as many versions as the server keeps. None is deleted to make "
                                 "room: delete one you no longer need, or ask the server's admin to raise the limit."));
        else
            m_status->setText(ErrorText::forRequest(reply.error, reply.retryAfterMs));
    });
}

void VersionsDialog::restore()
{
    QListWidgetItem *item = m_list->currentItem();
    if (!m_session || !item)
        return;
    const auto answer = QMessageBox::question(
        this, tr("Restore this version?"),
        tr("Every file goes back to “%1” for everyone in the session. Save a version first if you may want "
           "today's state back.").arg(item->text()),
        QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
    if (answer != QMessageBox::Yes)
        return;
    const Client::CodeVersionId version(item->data(VersionIdRole).toLongLong());
    m_session->restoreVersion(version, this, [this](const Client::Reply &reply) {
        m_status->setText(reply.ok ? tr("Restored.") : ErrorText::forRequest(reply.error, reply.retryAfterMs));
    });
}

void VersionsDialog::deleteVersion()
{
    QListWidgetItem *item = m_list->currentItem();
    if (!m_session || !item)
        return;
    const auto answer = QMessageBox::question(
        this, tr("Delete this version?"),
        tr("“%1” is deleted for everyone in the session and cannot be restored any more. The files stay as "
           "they are now.").arg(item->text()),
        QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
    if (answer != QMessageBox::Yes)
        return;
    const Client::CodeVersionId version(item->data(VersionIdRole).toLongLong());
    m_session->deleteVersion(version, this, [this](const Client::Reply &reply) {
        if (reply.ok)
            reload();
        else
            m_status->setText(ErrorText::forRequest(reply.error, reply.retryAfterMs));
    });
}

} // namespace Cohort::Ui
