// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "sessionexport.h"

#include <QDir>
#include <QFileInfo>
#include <QSaveFile>

#include <zip.h>

#include <algorithm>


namespace Cohort::Ui {

bool SessionExport::isSafePath(const QString &path)
{
    if (path.isEmpty() || path.startsWith(QLatin1Char('/')) || path.contains(QLatin1Char('\\'))
        || QDir::isAbsolutePath(path)
        || std::any_of(path.cbegin(), path.cend(), [](QChar c) { return c.category() == QChar::Other_Control; }))
        return false;
    const QStringList parts = path.split(QLatin1Char('/'));
    for (const QString &part : parts) {
        if (part.isEmpty() || part == QLatin1String(".") || part == QLatin1String("..") || part != part.trimmed())
            return false;
    }
    return true;
}

QString SessionExport::toFolder(const QString &folder, const QList<Client::ExportedFile> &files)
{
    const QDir root(folder);
    for (const Client::ExportedFile &file : files) {
        if (!isSafePath(file.path))
            return tr("The file name “%1” cannot be written to disk.").arg(file.path);
    }
    // The names come from everyone in the session: written into a folder that already has
    // files (the home folder), ".bashrc" or ".config/autostart/…" would replace or add the
    // user's own files. Only a new or empty folder is written into.
    if (root.exists() && !root.isEmpty(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System))
        return tr("“%1” is not empty. Export into a new or empty folder.").arg(QDir::toNativeSeparators(folder));
    for (const Client::ExportedFile &file : files) {
        const QString target = root.filePath(file.path);
        if (!QDir().mkpath(QFileInfo(target).absolutePath()))
            return tr("Could not create the folder for “%1”.").arg(file.path);
        const QByteArray content = file.content.toUtf8();
        QSaveFile out(target);
        if (!out.open(QIODevice::WriteOnly) || out.write(content) != content.size() || !out.commit())
            return tr("Could not write “%1”: %2").arg(target, out.errorString());
    }
    return {};
}

QString SessionExport::toZip(const QString &zipPath, const QList<Client::ExportedFile> &files)
{
    for (const Client::ExportedFile &file : files) {
        if (!isSafePath(file.path))
            return tr("The file name “%1” cannot be written to a zip archive.").arg(file.path);
    }
    // libzip writes a temporary file beside the archive and renames it on close, so a failed
    // export never leaves half an archive under the chosen name.
    int error = 0;
    zip_t *archive = zip_open(QFile::encodeName(zipPath).constData(), ZIP_CREATE | ZIP_TRUNCATE, &error);
    if (!archive)
        return tr("Could not create “%1”.").arg(zipPath);
    // zip_source_buffer() reads the bytes only in zip_close(), so they must live until then.
    QList<QByteArray> contents;
    contents.reserve(files.size());
    for (const Client::ExportedFile &file : files) {
        contents.append(file.content.toUtf8());
        const QByteArray &content = contents.last();
        zip_source_t *source = zip_source_buffer(archive, content.constData(),
                                                 static_cast<zip_uint64_t>(content.size()), 0);
        if (!source || zip_file_add(archive, file.path.toUtf8().constData(), source,
                                    ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE) < 0) {
            if (source)
                zip_source_free(source);
            const QString reason = QString::fromUtf8(zip_strerror(archive));
            zip_discard(archive);
            return tr("Could not add “%1” to the archive: %2").arg(file.path, reason);
        }
    }
    if (zip_close(archive) < 0) {
        const QString reason = QString::fromUtf8(zip_strerror(archive));
        zip_discard(archive);
        return tr("Could not write “%1”: %2").arg(zipPath, reason);
    }
    return {};
}

} // namespace Cohort::Ui
