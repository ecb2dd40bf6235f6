// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include <QDebug>
#include <QProcess>
#include <QTest>

namespace Cohort::Test {

/// Runs `cohort-server ARGS --data-dir DIR` as a separate process on a server's database (the
/// admin CLI as an admin would), feeding `input` on stdin. True when it exits with 0.
inline bool runAdminProcess(const QString &serverBinary, const QStringList &arguments, const QString &dataDir,
                            const QByteArray &input = {})
{
    QProcess admin;
    admin.setProcessChannelMode(QProcess::MergedChannels);
    admin.start(serverBinary, arguments + QStringList{QStringLiteral("--data-dir"), dataDir});
    if (!admin.waitForStarted())
        return false;
    admin.write(input);
    admin.closeWriteChannel();
    const bool finished = QTest::qWaitFor([&] { return admin.state() == QProcess::NotRunning; }, 60000);
    if (!finished || admin.exitCode() != 0) {
        qWarning() << "admin command failed:" << admin.readAll();
        return false;
    }
    return true;
}

} // namespace Cohort::Test
