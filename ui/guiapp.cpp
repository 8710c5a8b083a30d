#include "ui/guiapp.h"

#include "ui/findingspanel.h"
#include "ui/mainwindow.h"
#include "ui/screenshots.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFileInfo>

#include <iostream>

#ifndef MAILPIVOT_VERSION
#define MAILPIVOT_VERSION "0.0.0"
#endif

namespace mp::ui {

namespace {

void setUpApplication(QApplication &app)
{
    QApplication::setOrganizationName(QStringLiteral("Mailpivot"));
    QApplication::setApplicationName(QStringLiteral("Mailpivot"));
    QApplication::setApplicationVersion(QStringLiteral(MAILPIVOT_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("mailpivot"));
    Q_UNUSED(app);
}

} // namespace

const char *guiHelp()
{
    return "Usage: mailpivot gui [CASE] [--screenshot DIR]\n\n"
           "Opens the investigator's window, on CASE when given (as 'mailpivot CASE' does).\n\n"
           "Options:\n"
           "  --screenshot DIR  render the main views of CASE to PNG files in DIR and exit\n"
           "                    (workspace.png; findings.png: a finding selected; user.png: the\n"
           "                    page of the main incident's mailbox; timeline.png, map.png and\n"
           "                    graph.png on that story); needs no display\n";
}

std::optional<GuiOptions> parseGuiArguments(const std::vector<std::string> &args, std::string *error)
{
    GuiOptions options;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string &a = args[i];
        if (a == "--help" || a == "-h") {
            options.help = true;
        } else if (a == "--screenshot" || a.starts_with("--screenshot=")) {
            if (a.size() > 12) {
                options.screenshotDir = a.substr(13);
            } else if (i + 1 < args.size()) {
                options.screenshotDir = args[++i];
            }
            if (options.screenshotDir.empty()) {
                *error = "--screenshot needs a folder";
                return std::nullopt;
            }
        } else if (!a.empty() && a[0] == '-') {
            *error = "unknown option '" + a + "'";
            return std::nullopt;
        } else if (options.casePath.empty()) {
            options.casePath = a;
        } else {
            *error = "one case at a time";
            return std::nullopt;
        }
    }
    if (!options.screenshotDir.empty() && options.casePath.empty()) {
        *error = "--screenshot needs a case";
        return std::nullopt;
    }
    return options;
}

int runGui(int argc, char **argv)
{
    QApplication app(argc, argv);
    setUpApplication(app);
    MainWindow window;
    window.show();
    const QStringList args = QApplication::arguments().mid(1);
    for (const QString &a : args) {
        if (!a.startsWith(QLatin1Char('-'))) {
            window.openOrImport({a});
            break;
        }
    }
    return QApplication::exec();
}

int runGuiCommand(int argc, char **argv, const std::vector<std::string> &args)
{
    std::string error;
    const auto options = parseGuiArguments(args, &error);
    if (!options) {
        std::cerr << "mailpivot gui: " << error << "\n\n" << guiHelp();
        return 2;
    }
    if (options->help) {
        std::cout << guiHelp();
        return 0;
    }
    if (options->screenshotDir.empty()) {
        QApplication app(argc, argv);
        setUpApplication(app);
        MainWindow window;
        window.show();
        if (!options->casePath.empty())
            window.openCase(QString::fromStdString(options->casePath));
        return QApplication::exec();
    }

    // Screenshots need no display, and must not depend on (or change) the user's saved layout.
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    setUpApplication(app);
    MainWindow::Options windowOptions;
    windowOptions.persistent = false;
    windowOptions.quiet = true;
    MainWindow window(windowOptions);
    window.resize(1600, 1000);
    window.resetLayout();
    window.show();
    QElapsedTimer timer;
    timer.start();
    QString message;
    if (!window.openCase(QString::fromStdString(options->casePath), &message)) {
        std::cerr << "mailpivot gui: " << message.toStdString() << '\n';
        return 1;
    }
    qint64 firstRows = -1;
    QObject::connect(&window, &MainWindow::eventsShown, &window, [&] {
        if (firstRows < 0)
            firstRows = timer.elapsed();
    });
    qint64 findingsListed = -1;
    QObject::connect(window.findingsPanel(), &FindingsPanel::loaded, &window, [&] {
        if (findingsListed < 0)
            findingsListed = timer.elapsed();
    });
    const QStringList files = takeScreenshots(window, QString::fromStdString(options->screenshotDir), &message);
    if (files.isEmpty()) {
        std::cerr << "mailpivot gui: " << message.toStdString() << '\n';
        return 1;
    }
    std::cerr << "case opened, first rows shown in " << firstRows << " ms, findings listed in " << findingsListed << " ms\n";
    for (const QString &f : files)
        std::cout << f.toStdString() << '\n';
    return 0;
}

} // namespace mp::ui
