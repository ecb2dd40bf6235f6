// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "appcontroller.h"
#include "icons.h"
#include "selftest.h"

#include <QApplication>
#include <QCommandLineParser>

#include <cstring>

int main(int argc, char *argv[])
{
    // The self-test runs on machines without a display (CI); it needs no window system.
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--self-test") == 0 && !qEnvironmentVariableIsSet("QT_QPA_PLATFORM"))
            qputenv("QT_QPA_PLATFORM", "offscreen");
    }

    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Cohort"));
    QApplication::setOrganizationDomain(QStringLiteral("cohort.example"));
    QApplication::setApplicationName(QStringLiteral("cohort"));
    QApplication::setApplicationDisplayName(QStringLiteral("Cohort"));
    QApplication::setApplicationVersion(QStringLiteral(COHORT_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("org.cohort.Cohort"));
    QApplication::setWindowIcon(Cohort::Ui::Icons::app());

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Cohort, a desktop classroom."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption selfTest(QStringLiteral("self-test"),
                                      QStringLiteral("Host a class in a temporary directory, sign in to it and exit."));
    parser.addOption(selfTest);
    parser.process(app);
    if (parser.isSet(selfTest)) {
        QTextStream out(stdout);
        return Cohort::Ui::runSelfTest(out);
    }

    // The tray icon keeps the app alive when the window is closed to it; Quit ends it.
    QApplication::setQuitOnLastWindowClosed(false);
    Cohort::Ui::AppController controller;
    controller.start();
    return QApplication::exec();
}
