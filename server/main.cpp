// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "admincli.h"
#include "cohortserver.h"
#include "logging.h"
#include "selftest.h"
#include "storage.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QSocketNotifier>

#ifdef Q_OS_UNIX
#include <csignal>
#include <sys/socket.h>
#include <unistd.h>
#endif

using namespace Cohort::Server;

namespace {

#ifdef Q_OS_UNIX
int signalPipe[2] = {-1, -1};

void onSignal(int)
{
    const char byte = 1;
    // Only async-signal-safe work here: the event loop reads the pipe and stops the server.
    [[maybe_unused]] const ssize_t written = ::write(signalPipe[0], &byte, 1);
}

/// SIGTERM and SIGINT become a readable socket the event loop watches.
void watchTerminationSignals(QObject *context, std::function<void()> onStop)
{
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, signalPipe) != 0)
        return;
    auto *notifier = new QSocketNotifier(signalPipe[1], QSocketNotifier::Read, context);
    QObject::connect(notifier, &QSocketNotifier::activated, context, [notifier, onStop = std::move(onStop)] {
        char byte = 0;
        [[maybe_unused]] const ssize_t got = ::read(signalPipe[1], &byte, 1);
        notifier->setEnabled(false);
        onStop();
    });
    struct sigaction action = {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGTERM, &action, nullptr);
    sigaction(SIGINT, &action, nullptr);
}
#else
/// Elsewhere the process ends on its platform's default signal handling.
void watchTerminationSignals(QObject *, std::function<void()>) {}
#endif

const QStringList ConfigOptionsWithValue = {
    QStringLiteral("config"), QStringLiteral("data-dir"), QStringLiteral("database"), QStringLiteral("db-host"),
    QStringLiteral("db-port"), QStringLiteral("db-name"), QStringLiteral("db-user"), QStringLiteral("log-level"),
};

void addOptions(QCommandLineParser &parser)
{
    parser.setApplicationDescription(QStringLiteral(
        "Cohort classroom server.\n\nAdmin commands (run with the same --config / --data-dir as the server):\n"
        "  user add NAME --role ROLE [--display-name TEXT] [--password-stdin]\n"
        "  user passwd NAME [--password-stdin]\n  user role NAME ROLE\n  user disable NAME | user enable NAME\n"
        "  user list\n  roster import COURSE_ID FILE.csv\n  migrate\n  backup FILE"));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOptions({
        {QStringLiteral("config"), QStringLiteral("Read settings from this INI file."), QStringLiteral("file")},
        {QStringLiteral("listen"), QStringLiteral("Address of the WebSocket endpoint."), QStringLiteral("address")},
        {QStringLiteral("port"), QStringLiteral("Port of the WebSocket endpoint (0: any free port)."), QStringLiteral("port")},
        {QStringLiteral("data-dir"), QStringLiteral("Directory of the database and server files."), QStringLiteral("dir")},
        {QStringLiteral("database"), QStringLiteral("sqlite or postgresql."), QStringLiteral("driver")},
        {QStringLiteral("db-host"), QStringLiteral("PostgreSQL host or socket directory."), QStringLiteral("host")},
        {QStringLiteral("db-port"), QStringLiteral("PostgreSQL port."), QStringLiteral("port")},
        {QStringLiteral("db-name"), QStringLiteral("PostgreSQL database name."), QStringLiteral("name")},
        {QStringLiteral("db-user"), QStringLiteral("PostgreSQL user (password from COHORT_DB_PASSWORD)."), QStringLiteral("user")},
        {QStringLiteral("tls-cert"), QStringLiteral("PEM certificate chain: serve wss://."), QStringLiteral("file")},
        {QStringLiteral("tls-key"), QStringLiteral("PEM private key of the certificate."), QStringLiteral("file")},
        {QStringLiteral("http-port"), QStringLiteral("Port of /healthz and /metrics (0: any free port)."), QStringLiteral("port")},
        {QStringLiteral("no-http"), QStringLiteral("Do not serve /healthz and /metrics.")},
        {QStringLiteral("log-level"), QStringLiteral("debug, info or warning."), QStringLiteral("level")},
        {QStringLiteral("self-test"), QStringLiteral("Start a throwaway server, connect to it, and exit.")},
    });
}

bool readPort(const QString &text, quint16 *port)
{
    bool ok = false;
    const uint value = text.toUInt(&ok);
    if (!ok || value > 65535)
        return false;
    *port = static_cast<quint16>(value);
    return true;
}

/// Builds the configuration: defaults, then the file, then the flags. Returns an error or empty.
QString buildConfig(const QCommandLineParser &parser, ServerConfig *config)
{
    if (parser.isSet(QStringLiteral("config"))) {
        if (const QString problem = config->loadFile(parser.value(QStringLiteral("config"))); !problem.isEmpty())
            return problem;
    }
    auto flag = [&parser](const char *name) { return parser.value(QLatin1String(name)); };
    auto isSet = [&parser](const char *name) { return parser.isSet(QLatin1String(name)); };
    if (isSet("listen") && !parseListenAddress(flag("listen"), &config->listenAddress))
        return QStringLiteral("--listen: '%1' is not an IP address").arg(flag("listen"));
    if (isSet("port") && !readPort(flag("port"), &config->port))
        return QStringLiteral("--port must be 0 to 65535");
    if (isSet("data-dir"))
        config->dataDir = flag("data-dir");
    if (isSet("database"))
        config->database.driver = flag("database");
    if (isSet("db-host"))
        config->database.host = flag("db-host");
    if (isSet("db-port")) {
        quint16 port = 0;
        if (!readPort(flag("db-port"), &port) || port == 0)
            return QStringLiteral("--db-port must be 1 to 65535");
        config->database.port = port;
    }
    if (isSet("db-name"))
        config->database.name = flag("db-name");
    if (isSet("db-user"))
        config->database.user = flag("db-user");
    config->database.password = qEnvironmentVariable("COHORT_DB_PASSWORD");
    if (isSet("tls-cert"))
        config->tlsCertificate = flag("tls-cert");
    if (isSet("tls-key"))
        config->tlsPrivateKey = flag("tls-key");
    if (isSet("http-port") && !readPort(flag("http-port"), &config->httpPort))
        return QStringLiteral("--http-port must be 0 to 65535");
    if (isSet("no-http"))
        config->httpEnabled = false;
    if (isSet("log-level"))
        config->logLevel = flag("log-level");
    return config->finalize();
}

/// Separates the server's own options (which say where the database is) from an admin command
/// and its options, e.g. `cohort-server --data-dir D user add ana --role student`.
QStringList splitAdminCommand(const QStringList &arguments, QStringList *serverArguments)
{
    QStringList command;
    *serverArguments = {arguments.value(0)};
    for (qsizetype i = 1; i < arguments.size(); ++i) {
        const QString &arg = arguments.at(i);
        const QString name = arg.startsWith(QLatin1String("--")) ? arg.mid(2).section(QLatin1Char('='), 0, 0) : QString();
        if (ConfigOptionsWithValue.contains(name)) {
            serverArguments->append(arg);
            if (!arg.contains(QLatin1Char('=')) && i + 1 < arguments.size())
                serverArguments->append(arguments.at(++i));
        } else {
            command.append(arg);
        }
    }
    return command;
}

int runAdmin(const QStringList &command, const QStringList &serverArguments)
{
    QTextStream in(stdin);
    QTextStream out(stdout);
    QTextStream err(stderr);
    QCommandLineParser parser;
    addOptions(parser);
    if (!parser.parse(serverArguments)) {
        err << parser.errorText() << '\n';
        return 2;
    }
    ServerConfig config;
    if (const QString problem = buildConfig(parser, &config); !problem.isEmpty()) {
        err << "cohort-server: " << problem << '\n';
        return 2;
    }
    // Admin commands print their own results; the log shows only problems unless asked for more.
    applyLogLevel(parser.isSet(QStringLiteral("log-level")) ? config.logLevel : QStringLiteral("warning"));
    const std::unique_ptr<Storage> storage = createStorage(config.database, QStringLiteral("cohort-admin"));
    if (const QString problem = storage->open(); !problem.isEmpty()) {
        err << "cohort-server: cannot open the database: " << problem << '\n';
        return 1;
    }
    const int code = runAdminCommand(command, *storage, in, out, err);
    storage->close();
    return code;
}

} // namespace

int main(int argc, char *argv[])
{
    // GLib's event dispatcher costs time per socket on every loop turn; with a thousand
    // connections it doubled the server CPU per delivered event (bench/run-fanout.sh, paced
    // mode: 23.9 -> 11.0 us). Qt's own Unix dispatcher does not. An explicit setting wins.
    if (!qEnvironmentVariableIsSet("QT_NO_GLIB"))
        qputenv("QT_NO_GLIB", "1");
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("cohort-server"));
    QCoreApplication::setApplicationVersion(QStringLiteral(COHORT_VERSION));

    QStringList serverArguments;
    const QStringList command = splitAdminCommand(QCoreApplication::arguments(), &serverArguments);
    if (!command.isEmpty() && isAdminCommand(command.first()))
        return runAdmin(command, serverArguments);

    QCommandLineParser parser;
    addOptions(parser);
    parser.process(app);
    QTextStream out(stdout);
    QTextStream err(stderr);
    if (!parser.positionalArguments().isEmpty()) {
        err << "cohort-server: unknown command '" << parser.positionalArguments().first() << "' (see --help)\n";
        return 2;
    }
    if (parser.isSet(QStringLiteral("self-test"))) {
        applyLogLevel(QStringLiteral("warning"));
        return runSelfTest(out);
    }

    ServerConfig config;
    if (const QString problem = buildConfig(parser, &config); !problem.isEmpty()) {
        err << "cohort-server: " << problem << '\n';
        return 2;
    }
    applyLogLevel(config.logLevel);
    CohortServer server(config);
    if (const QString problem = server.start(); !problem.isEmpty()) {
        err << "cohort-server: " << problem << '\n';
        return 1;
    }
    QObject::connect(&server, &CohortServer::stopped, &app, &QCoreApplication::quit);
    watchTerminationSignals(&app, [&server] {
        qCInfo(lcNet) << "termination signal received; shutting down";
        server.stop();
    });
    return QCoreApplication::exec();
}
