// Pan and zoom in the graph view on a large neighbourhood: a neighbourhood of --nodes nodes
// (5,000 by default) of an existing case is laid out and shown in a GraphView offscreen, then
// frames are drawn at several zoom levels and pan steps. Two figures per frame, in CPU ms, mean and
// worst per zoom level:
//   update  what the screen does after the pan step: the view's own repaint of what changed (a pan
//           scrolls the pixels already drawn and paints the strip that came into view; the first
//           step at a new zoom paints everything), through the event loop into the backing store;
//   redraw  the whole viewport painted again into an image (the worst case: every frame as
//           expensive as the first after a zoom).
// And the one full-quality frame drawn when the view settles after a move.
// Target (issue 4): pan and zoom stay smooth on a 5,000-node view, i.e. a frame under 16-33 ms.
//
//   graphview_bench --case PATH [--nodes N] [--width W] [--height H]
//
// PATH is an existing case, e.g. the one graph_bench writes with `--case PATH`.

#include "graph/graphanalysis.h"
#include "graph/graphbuilder.h"
#include "graph/graphlayout.h"
#include "store/casestore.h"
#include "ui/graphview.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QPixmap>
#include <QScrollBar>

#include <time.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace {

double cpuMs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

} // namespace

int main(int argc, char **argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    std::string casePath;
    std::size_t nodeCount = 5000;
    int width = 1400, height = 900;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        const bool hasValue = i + 1 < argc;
        if (a == "--case" && hasValue)
            casePath = argv[++i];
        else if (a == "--nodes" && hasValue)
            nodeCount = static_cast<std::size_t>(std::stoll(argv[++i]));
        else if (a == "--width" && hasValue)
            width = std::stoi(argv[++i]);
        else if (a == "--height" && hasValue)
            height = std::stoi(argv[++i]);
        else {
            std::fprintf(stderr, "usage: graphview_bench --case PATH [--nodes N] [--width W] [--height H]\n");
            return 2;
        }
    }
    if (casePath.empty()) {
        std::fprintf(stderr, "usage: graphview_bench --case PATH [--nodes N] [--width W] [--height H]\n");
        return 2;
    }
    mp::CaseStore store;
    std::string error;
    if (!store.open(casePath, false, &error)) {
        std::fprintf(stderr, "%s\n", error.c_str());
        return 1;
    }
    auto graph = std::make_shared<mp::InvestigationGraph>();
    if (!mp::buildGraph(store.database(), *graph, mp::GraphOptions{}, &error)) {
        std::fprintf(stderr, "build failed: %s\n", error.c_str());
        return 1;
    }
    const std::vector<mp::Campaign> campaigns = mp::analyseCampaigns(*graph);
    std::uint32_t centre = 0;
    if (!campaigns.empty() && !campaigns.front().entities.empty())
        centre = campaigns.front().entities.front();
    const mp::Subgraph sub = mp::neighbourhood(*graph, centre, 4, true, nodeCount);
    double t0 = cpuMs();
    const std::vector<mp::LayoutPoint> points = mp::layoutSubgraph(*graph, sub);
    std::printf("layout: %.0f ms CPU for %zu nodes, %zu edges\n", cpuMs() - t0, sub.nodes.size(), sub.edges.size());

    mp::ui::GraphView view;
    view.resize(width, height);
    view.QWidget::show();
    QApplication::processEvents();
    t0 = cpuMs();
    view.show(graph, sub.nodes, points);
    view.fit();
    QApplication::processEvents();
    std::printf("scene: %.0f ms CPU to build %d node items\n", cpuMs() - t0, view.nodeCount());
    // The picture of the edges that zooming shows is drawn on a worker: wait for it, as the
    // analyst looks at the graph before zooming.
    QElapsedTimer ready;
    ready.start();
    while (!view.overviewReady() && ready.elapsed() < 10000)
        QApplication::processEvents(QEventLoop::WaitForMoreEvents, 20);
    std::printf("zoom picture of the edges ready %lld ms after the scene (wall, on a worker thread)\n",
                static_cast<long long>(ready.elapsed()));

    const QTransform fitted = view.transform();
    const double fitScale = fitted.m11();
    std::vector<double> all, allUpdates;
    std::printf("%-22s %6s %12s %12s %12s %12s\n", "zoom", "frames", "update mean", "update worst",
                "redraw mean", "redraw worst");
    for (const double factor : {1.0, 2.0, 4.0, 8.0, 16.0, 40.0}) {
        view.zoomTo(fitScale * factor);
        view.centerOn(view.sceneRect().center());
        std::vector<double> frames, updates;
        for (int step = 0; step < 12; ++step) {
            // A pan step: an eighth of the viewport, right then down.
            QScrollBar *bar = step % 2 == 0 ? view.horizontalScrollBar() : view.verticalScrollBar();
            bar->setValue(bar->value() + (step % 2 == 0 ? width : height) / 8);
            const double u0 = cpuMs();
            QApplication::processEvents();
            updates.push_back(cpuMs() - u0);
            const double f0 = cpuMs();
            const QPixmap frame = view.viewport()->grab();
            frames.push_back(cpuMs() - f0);
            if (frame.isNull())
                return 1;
        }
        double sum = 0, worst = 0, usum = 0, uworst = 0;
        for (double f : frames) {
            sum += f;
            worst = std::max(worst, f);
        }
        for (double u : updates) {
            usum += u;
            uworst = std::max(uworst, u);
        }
        all.insert(all.end(), frames.begin(), frames.end());
        allUpdates.insert(allUpdates.end(), updates.begin(), updates.end());
        const QString label = QStringLiteral("%1x fit (scale %2)").arg(factor).arg(fitScale * factor, 0, 'f', 3);
        std::printf("%-22s %6zu %12.1f %12.1f %12.1f %12.1f\n", qPrintable(label), frames.size(),
                    usum / updates.size(), uworst, sum / frames.size(), worst);
    }
    // The frame drawn once the view settles (edges smoothed again).
    QElapsedTimer wait;
    wait.start();
    while (view.isMoving() && wait.elapsed() < 2000)
        QApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
    const double s0 = cpuMs();
    const QPixmap settled = view.viewport()->grab();
    std::printf("settled frame at the last zoom: %.1f ms CPU\n", cpuMs() - s0);
    double sum = 0, worst = 0;
    for (double f : all) {
        sum += f;
        worst = std::max(worst, f);
    }
    std::printf("all frames, redraw: mean %.1f ms, worst %.1f ms CPU\n", sum / all.size(), worst);
    std::sort(allUpdates.begin(), allUpdates.end());
    double usum = 0;
    for (double u : allUpdates)
        usum += u;
    std::printf("all frames, screen update: mean %.1f ms, median %.1f ms, worst %.1f ms CPU (smooth: under 16-33 ms)\n",
                usum / allUpdates.size(), allUpdates[allUpdates.size() / 2], allUpdates.back());
    return 0;
}
