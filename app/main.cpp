// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "appcontroller.h"
#include "icons.h"

#include <QApplication>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Cohort"));
    QApplication::setOrganizationDomain(QStringLiteral("cohort.example"));
    QApplication::setApplicationName(QStringLiteral("cohort"));
    QApplication::setApplicationDisplayName(QStringLiteral("Cohort"));
    QApplication::setApplicationVersion(QStringLiteral(COHORT_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("cohort"));
    QApplication::setWindowIcon(Cohort::Ui::Icons::app());
    // The tray icon keeps the app alive when the window is closed to it; Quit ends it.
    QApplication::setQuitOnLastWindowClosed(false);

    Cohort::Ui::AppController controller;
    controller.start();
    return QApplication::exec();
}
