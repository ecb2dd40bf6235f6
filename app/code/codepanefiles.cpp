// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
// The Code pane's file operations: create, rename, delete, import from disk, export.
#include "codepane.h"

#include "codeclient.h"
#include "codecommentmodel.h"
#include "codedialogs.h"
#include "codefilemodel.h"
#include "codelanguages.h"
#include "codesession.h"
#include "codesessionfile.h"
#include "errortext.h"
#include "messagebanner.h"
#include "sessionexport.h"

#include <QAbstractButton>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QLocale>
#include <QMessageBox>
#include <QSaveFile>
#include <QSet>
#include <QStandardPaths>
#include <QStringDecoder>

#include <algorithm>
#include <memory>

namespace Cohort::Ui {

using Client::CodeFileId;
using Client::CodeSession;
using Client::CodeSessionFile;

namespace {
/// Larger files are not imported: the engine and the class's screens are for source code.
constexpr qint64 MaxImportBytes = 1024 * 1024;
} // namespace

QStringList CodePane::filePaths() const
{
    QStringList paths;
    if (m_session) {
        for (const Client::CodeFileInfo &file : m_session->files()->files())
            paths.append(file.path);
    }
    return paths;
}

void CodePane::newFile(const QString &folder)
{
    if (!m_session)
        return;
    const QString initial = folder.isEmpty() ? QStringLiteral("main.py") : folder + QStringLiteral("/main.py");
    FilePathDialog dialog(tr("Create"), initial, filePaths(), FilePathDialog::Select::FileName, this);
    dialog.setWindowTitle(tr("New file"));
    if (dialog.exec() != QDialog::Accepted || !m_session)
        return;
    const QString path = dialog.path();
    m_session->createFile(path, CodeLanguages::forFileName(path), QString(), this,
                          [this](const Client::Reply &reply, const std::optional<Client::CodeFileInfo> &file) {
        if (reply.ok && file && m_session && !m_session->following().isValid())
            openFile(file->id);
    });
}

void CodePane::renameFile(CodeFileId id)
{
    const Client::CodeFileInfo *file = m_session ? m_session->files()->file(id) : nullptr;
    if (!file)
        return;
    QStringList taken = filePaths();
    taken.removeAll(file->path);
    FilePathDialog dialog(tr("Rename"), file->path, taken, FilePathDialog::Select::BaseName, this);
    dialog.setWindowTitle(tr("Rename “%1”").arg(file->path));
    if (dialog.exec() != QDialog::Accepted || !m_session)
        return;
    m_session->renameFile(id, dialog.path());
}

void CodePane::deleteFile(CodeFileId id)
{
    const Client::CodeFileInfo *file = m_session ? m_session->files()->file(id) : nullptr;
    if (!file)
        return;
    const auto answer = QMessageBox::question(this, tr("Delete “%1”?").arg(file->path),
                                              tr("The file is deleted for everyone in the session, with its comments. "
                                                 "A saved version still has it."),
                                              QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
    if (answer == QMessageBox::Yes && m_session)
        m_session->deleteFile(id);
}

void CodePane::importFiles()
{
    if (!m_session)
        return;
    importPaths(QFileDialog::getOpenFileNames(this, tr("Import files")));
}

void CodePane::importPaths(const QStringList &paths)
{
    if (!m_session)
        return;
    QStringList taken = filePaths();
    QStringList problems;
    for (const QString &path : paths) {
        QFile in(path);
        const QFileInfo info(path);
        if (info.size() > MaxImportBytes) {
            problems.append(tr("%1 is larger than 1 MB.").arg(info.fileName()));
            continue;
        }
        if (!in.open(QIODevice::ReadOnly)) {
            problems.append(tr("%1 could not be read: %2").arg(info.fileName(), in.errorString()));
            continue;
        }
        QStringDecoder decoder(QStringDecoder::Utf8);
        const QString text = decoder.decode(in.readAll());
        if (decoder.hasError() || text.contains(QChar(0))) {
            problems.append(tr("%1 is not a text file (UTF-8).").arg(info.fileName()));
            continue;
        }
        // Two imports with one name get "name (2).py", as a file manager would do.
        QString name = info.fileName();
        for (int n = 2; taken.contains(name); ++n)
            name = tr("%1 (%2)").arg(info.completeBaseName()).arg(n)
                   + (info.suffix().isEmpty() ? QString() : QLatin1Char('.') + info.suffix());
        taken.append(name);
        // file.create takes the server's maxContentLength; more goes in as edits.
        if (text.size() <= m_client->limits().maxContentLength) {
            m_session->createFile(name, CodeLanguages::forFileName(name), text);
            continue;
        }
        m_session->createFile(name, CodeLanguages::forFileName(name), QString(), this,
                              [this, text](const Client::Reply &reply, const std::optional<Client::CodeFileInfo> &file) {
            if (!reply.ok || !file || !m_session)
                return;
            m_pendingImports.insert(file->id, text);
            openFile(file->id);
        });
    }
    if (!problems.isEmpty())
        showError(m_session, problems.join(QLatin1Char('\n')));
}

void CodePane::exportFiles(bool zip)
{
    if (!m_session)
        return;
    const QString title = m_session->info().title;
    const QString target = zip ? QFileDialog::getSaveFileName(this, tr("Export as zip"), title + QStringLiteral(".zip"),
                                                              tr("Zip archives (*.zip)"))
                               : QFileDialog::getExistingDirectory(this, tr("Export into a folder"));
    if (target.isEmpty())
        return;
    exportTo(target, zip);
}

void CodePane::exportTo(const QString &target, bool zip)
{
    if (!m_session)
        return;
    m_session->exportFiles(this, [this, zip, target](const Client::Reply &reply, const QList<Client::ExportedFile> &files) {
        if (!reply.ok || !m_session) {
            showError(m_session, ErrorText::forRequest(reply.error, reply.retryAfterMs));
            return;
        }
        // A comment's lines come from its file's replica: open the commented files first.
        auto waiting = std::make_shared<QSet<CodeFileId>>();
        for (const Client::CodeCommentInfo &comment : m_session->comments()->comments()) {
            CodeSessionFile *file = m_session->openedFile(comment.fileId);
            if (comment.isThreadRoot() && (!file || !file->isLoaded()) && m_session->files()->file(comment.fileId))
                waiting->insert(comment.fileId);
        }
        if (waiting->isEmpty()) {
            writeExport(target, zip, files);
            return;
        }
        const QList<CodeFileId> ids = waiting->values();
        for (CodeFileId id : ids) {
            CodeSessionFile *file = m_session->openFile(id);
            auto done = [this, waiting, id, target, zip, files] {
                if (waiting->remove(id) && waiting->isEmpty())
                    writeExport(target, zip, files);
            };
            connect(file, &CodeSessionFile::loaded, this, done, Qt::SingleShotConnection);
            connect(file, &CodeSessionFile::syncStateChanged, this, [done](CodeSessionFile::SyncState state) {
                if (state == CodeSessionFile::SyncState::Failed)
                    done();
            });
        }
    });
}

void CodePane::writeExport(const QString &target, bool zip, QList<Client::ExportedFile> files)
{
    const int fileCount = int(files.size());
    if (m_session && !m_session->comments()->comments().isEmpty()) {
        QString name = QStringLiteral("COMMENTS.md");
        // Compared without case: "Comments.md" and "COMMENTS.md" are one file on Windows and macOS.
        const auto taken = [&files](const QString &candidate) {
            return std::any_of(files.cbegin(), files.cend(), [&candidate](const Client::ExportedFile &f) {
                return f.path.compare(candidate, Qt::CaseInsensitive) == 0;
            });
        };
        for (int n = 2; taken(name); ++n)
            name = QStringLiteral("COMMENTS-%1.md").arg(n);
        files.append({name, commentsReport()});
    }
    const QString problem = zip ? SessionExport::toZip(target, files) : SessionExport::toFolder(target, files);
    if (problem.isEmpty())
        m_error->showMessage(MessageBanner::Kind::Information, tr("Exported %n file(s) to %1.", nullptr, fileCount).arg(target));
    else
        showError(m_session, problem);
}

QString CodePane::commentsReport() const
{
    const Client::CodeCommentModel *model = m_session->comments();
    const QLocale locale;
    QString out = tr("# Comments of “%1”").arg(m_session->info().title) + QStringLiteral("\n");
    for (const Client::CodeCommentInfo &comment : model->comments()) {
        const QString when = locale.toString(QDateTime::fromMSecsSinceEpoch(comment.createdAt), QLocale::ShortFormat);
        if (comment.isThreadRoot()) {
            const Client::CodeFileInfo *file = m_session->files()->file(comment.fileId);
            const QString path = file ? file->path : tr("deleted file");
            QString place = path;
            if (const auto lines = model->lines(comment))
                place = lines->first == lines->second ? tr("%1, line %2").arg(path).arg(lines->first + 1)
                                                      : tr("%1, lines %2–%3").arg(path).arg(lines->first + 1).arg(lines->second + 1);
            if (comment.resolved)
                place = tr("%1 (resolved)").arg(place);
            out += QStringLiteral("\n## ") + place + QStringLiteral("\n\n");
            out += tr("**%1**, %2:").arg(comment.author.displayName, when) + QLatin1Char(' ') + comment.text + QStringLiteral("\n");
        } else {
            out += QStringLiteral("\n> ") + tr("**%1**, %2:").arg(comment.author.displayName, when) + QLatin1Char(' ')
                   + QString(comment.text).replace(QLatin1Char('\n'), QStringLiteral("\n> ")) + QStringLiteral("\n");
        }
    }
    return out;
}

// Edits the server refused for good

void CodePane::updateRefusedBanner()
{
    std::optional<CodeSession::RefusedEdits> edits;
    QList<CodeSession::RefusedEdits> all;
    if (m_session) {
        edits = m_session->refusedEdits(m_currentFile);
        // A deleted file, or a session closed to me, has no editor to show them with: they
        // stay in view until saved or dismissed.
        all = m_session->allRefusedEdits();
        if (!edits && !all.isEmpty())
            edits = all.constLast();
    }
    if (!edits) {
        m_refusedFile = CodeFileId();
        m_refusedId = 0;
        m_refusedBanner->clear();
        m_refusedRow->hide();
        return;
    }
    m_refusedFile = edits->file;
    m_refusedId = edits->id;
    const QString name = QFileInfo(edits->path).fileName();
    QString text;
    switch (edits->reply.error) {
    case Protocol::ErrorCode::Forbidden:
        text = tr("Your last changes to %1 were not saved: you can no longer edit this session.").arg(name);
        break;
    case Protocol::ErrorCode::Conflict:
        text = tr("Your last changes to %1 were not saved: the session was archived meanwhile.").arg(name);
        break;
    case Protocol::ErrorCode::NotFound:
        text = tr("Your last changes to %1 were not saved: the file or the session was deleted.").arg(name);
        break;
    case Protocol::ErrorCode::TooLarge:
        text = tr("Your last changes to %1 were not saved: the file became larger than the server allows.").arg(name);
        break;
    default:
        text = tr("Your last changes to %1 were not saved: the server refused them.").arg(name);
        break;
    }
    text += QLatin1Char(' ') + tr("Save a copy to keep them.");
    // Every refusal is kept on its own: the banner offers the latest, then the earlier ones.
    const qsizetype earlier = std::count_if(all.cbegin(), all.cend(), [&edits](const CodeSession::RefusedEdits &e) {
        return e.file == edits->file && e.id != edits->id;
    });
    if (earlier > 0)
        text += QLatin1Char(' ') + tr("%n earlier version(s) of your changes to this file are kept too: they follow.", nullptr,
                                      static_cast<int>(earlier));
    m_refusedBanner->showMessage(MessageBanner::Kind::Warning, text);
    m_refusedRow->show();
}

bool CodePane::confirmLeaving()
{
    // With the local cache, refused edits stay there and come back when the session is opened
    // again (unsent ones are sent then): leaving loses nothing and is not blocked.
    if (!m_session || m_session->keepsChangesOnThisComputer())
        return true;
    const QList<CodeSession::RefusedEdits> kept = m_session->allRefusedEdits();
    if (kept.isEmpty())
        return true;
    QStringList names;
    for (const CodeSession::RefusedEdits &edits : kept) {
        const QString name = QFileInfo(edits.path).fileName();
        if (!names.contains(name))
            names.append(name);
    }
    QMessageBox box(QMessageBox::Warning, tr("Leave session"),
                    tr("Your changes to %1 that the server refused are kept only until you leave this session. "
                       "Leave and lose them?").arg(QLocale().createSeparatedList(names)),
                    QMessageBox::Yes | QMessageBox::Cancel, this);
    box.setTextFormat(Qt::PlainText);
    box.setInformativeText(tr("Save a copy first to keep them."));
    box.button(QMessageBox::Yes)->setText(tr("Leave and Lose Them"));
    box.setDefaultButton(QMessageBox::Cancel);
    return box.exec() == QMessageBox::Yes;
}

void CodePane::noteKeptChanges(MessageBanner *banner, int unsentFiles, int refusedTexts)
{
    QStringList notes;
    if (unsentFiles > 0)
        notes.append(tr("Your changes to %n file(s) are not on the server yet. They are kept on this computer and sent "
                        "when you open that session again.", nullptr, unsentFiles));
    if (refusedTexts > 0)
        notes.append(tr("The changes the server refused are kept too: open that session again to save a copy."));
    if (!notes.isEmpty())
        banner->showMessage(MessageBanner::Kind::Information, notes.join(QLatin1Char(' ')));
}

void CodePane::saveRefusedCopy()
{
    const std::optional<CodeSession::RefusedEdits> edits = m_session ? m_session->refusedEditsWithId(m_refusedId) : std::nullopt;
    if (!edits)
        return;
    const QFileInfo name(edits->path);
    // A dot file (".env", ".gitignore") has no base name to put "(my copy)" before.
    const QString copyName = name.suffix().isEmpty() || name.completeBaseName().isEmpty()
        ? tr("%1 (my copy)", "the file name of a copy of refused edits").arg(name.fileName())
        : tr("%1 (my copy).%2", "the file name of a copy of refused edits").arg(name.completeBaseName(), name.suffix());
    // Not the static getSaveFileName(): the pane stays responsive (and testable) while it is open.
    auto *dialog = new QFileDialog(this, tr("Save a copy of your changes"));
    dialog->setObjectName(QStringLiteral("saveCopyDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setFileMode(QFileDialog::AnyFile);
    dialog->setDirectory(QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation));
    dialog->selectFile(copyName);
    const qint64 id = edits->id;
    connect(dialog, &QFileDialog::fileSelected, this, [this, id](const QString &target) { writeRefusedCopy(id, target); });
    dialog->open();
}

void CodePane::writeRefusedCopy(qint64 id, const QString &target)
{
    const std::optional<CodeSession::RefusedEdits> edits = m_session ? m_session->refusedEditsWithId(id) : std::nullopt;
    if (!edits || target.isEmpty())
        return;
    QSaveFile out(target);
    if (!out.open(QIODevice::WriteOnly) || out.write(edits->text.toUtf8()) < 0 || !out.commit()) {
        m_error->showMessage(MessageBanner::Kind::Error, tr("Could not save the copy to %1: %2")
                                                             .arg(QDir::toNativeSeparators(target), out.errorString()));
        return;
    }
    m_session->discardRefusedEdits(id);
    m_error->showMessage(MessageBanner::Kind::Information,
                         tr("Saved a copy of your changes to %1.").arg(QDir::toNativeSeparators(target)));
}

} // namespace Cohort::Ui
