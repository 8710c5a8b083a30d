// The workspace on a large case: how long until a case opens with its first rows shown and the
// window idle (findings, timeline, map and graph read), and how long the events table takes to
// answer a filter change (user, IP, operation, free text, time range). Wall milliseconds: the
// queries run on worker threads and what counts is what the analyst waits. Runs offscreen.
//
//   workspace_bench --case PATH [--runs N]
//
// PATH is an existing case, e.g. one written by `detect_bench --case PATH --audit 500000
// --signins 500000` (1,000,000 events). Targets (workspace issue): interactive within 1 s of
// opening; a filter change answered within 200 ms.

#include "store/eventquery.h"
#include "ui/eventfilterbar.h"
#include "ui/eventspanel.h"
#include "ui/eventtablemodel.h"
#include "ui/mainwindow.h"
#include "ui/screenshots.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

using namespace mp;
using namespace mp::ui;

namespace {

// Runs the event loop until the table's query finishes; the wall milliseconds it took.
double untilQueryFinished(MainWindow &w, const std::function<void()> &start)
{
    QEventLoop loop;
    const auto c = QObject::connect(w.eventsPanel()->model(), &EventTableModel::queryFinished, &loop, &QEventLoop::quit);
    QTimer::singleShot(60000, &loop, &QEventLoop::quit);
    QElapsedTimer timer;
    timer.start();
    start();
    loop.exec();
    QObject::disconnect(c);
    return static_cast<double>(timer.nsecsElapsed()) / 1e6;
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

} // namespace

int main(int argc, char **argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QString casePath;
    int runs = 5;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--case") && i + 1 < argc)
            casePath = QString::fromLocal8Bit(argv[++i]);
        else if (!std::strcmp(argv[i], "--runs") && i + 1 < argc)
            runs = std::max(1, std::atoi(argv[++i]));
    }
    if (casePath.isEmpty()) {
        std::fprintf(stderr, "usage: workspace_bench --case PATH [--runs N]\n");
        return 2;
    }

    MainWindow::Options options;
    options.persistent = false;
    options.quiet = true;
    options.geoDataDir = QStringLiteral("-");
    MainWindow w(options);
    w.resize(1600, 1000);
    w.show();

    double firstRowsMs = -1;
    QElapsedTimer timer;
    QObject::connect(&w, &MainWindow::eventsShown, &w, [&] {
        if (firstRowsMs < 0)
            firstRowsMs = static_cast<double>(timer.nsecsElapsed()) / 1e6;
    });
    timer.start();
    QString error;
    if (!w.openCase(casePath, &error)) {
        std::fprintf(stderr, "workspace_bench: %s\n", qPrintable(error));
        return 1;
    }
    const double openCallMs = static_cast<double>(timer.nsecsElapsed()) / 1e6;
    waitUntilIdle(w, 120000);
    const double idleMs = static_cast<double>(timer.nsecsElapsed()) / 1e6;
    EventTableModel *model = w.eventsPanel()->model();
    const qint64 total = model->rowCount();
    std::printf("case: %s, %lld events listed\n", qPrintable(casePath), static_cast<long long>(total));
    std::printf("open: openCase() returned after %.0f ms, first rows shown after %.0f ms, every panel idle after %.0f ms\n",
                openCallMs, firstRowsMs, idleMs);

    // Filter values taken from the case itself: the first listed row's user, IP and operation.
    const QString user = model->index(0, static_cast<int>(EventColumn::User)).data().toString();
    const QString ip = model->index(0, static_cast<int>(EventColumn::Ip)).data().toString();
    const QString operation = model->index(0, static_cast<int>(EventColumn::Operation)).data().toString();
    struct Case
    {
        const char *name;
        EventQuery query;
    };
    std::vector<Case> cases;
    {
        EventQuery q;
        q.user = user.toStdString();
        cases.push_back({"user", q});
        q = {};
        q.ip = ip.toStdString();
        cases.push_back({"IP", q});
        q = {};
        q.operation = operation.toStdString();
        cases.push_back({"operation", q});
        q = {};
        q.text = "forward";
        cases.push_back({"free text 'forward'", q});
        q = {};
        q.result = ResultFilter::Failure;
        cases.push_back({"failures", q});
    }
    std::printf("filter change, wall ms until the table answered (median of %d, first run in brackets):\n", runs);
    for (const Case &c : cases) {
        std::vector<double> times;
        qint64 matches = 0;
        for (int r = 0; r < runs; ++r) {
            // Back to the whole case between runs, so that every run is a real change.
            untilQueryFinished(w, [&] { w.eventsPanel()->filterBar()->setQuery(EventQuery{}); });
            times.push_back(untilQueryFinished(w, [&] { w.eventsPanel()->filterBar()->setQuery(c.query); }));
            matches = model->rowCount();
        }
        std::printf("  %-22s %8.1f ms  [%.1f]  %lld rows\n", c.name, median(times), times.front(),
                    static_cast<long long>(matches));
    }
    return 0;
}
