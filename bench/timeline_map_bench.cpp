// The workspace's Timeline and Map for one user with many sign-ins: the cost of reading the
// user's lane and places from the case (indexed queries), building the views, and drawing them,
// in CPU milliseconds (process CPU time, user + system) against the 200 ms redraw target.
//
//   timeline_map_bench [SIGN_INS] [OTHER_EVENTS] [RUNS]
//
// Defaults: 10,000 sign-ins of the user, 300,000 events of 500 other users, 7 runs (the median
// is reported, and the first, cold run). Writes its case in a temporary folder. Runs offscreen.

#include "../tests/store/activitycase.h"
#include "geo/geodb.h"
#include "geo/worldmap.h"
#include "store/activity.h"
#include "store/signinmap.h"
#include "ui/mapview.h"
#include "ui/timelinechart.h"

#include <QApplication>
#include <QChart>
#include <QImage>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <functional>
#include <memory>
#include <string>
#include <vector>

using namespace mp;

namespace {

double cpuMs()
{
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) * 1000.0 + static_cast<double>(t.tv_nsec) / 1e6;
}

double measure(const std::function<void()> &f)
{
    const double start = cpuMs();
    f();
    return cpuMs() - start;
}

struct Phase
{
    const char *name;
    std::vector<double> ms;
};

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

} // namespace

int main(int argc, char **argv)
{
    const int signIns = argc > 1 ? std::atoi(argv[1]) : 10000;
    const int others = argc > 2 ? std::atoi(argv[2]) : 300000;
    const int runs = std::max(1, argc > 3 ? std::atoi(argv[3]) : 7);
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);

    QTemporaryDir dir;
    const std::string path = dir.filePath(QStringLiteral("bench.mpcase")).toStdString();
    std::string error;
    const double writeMs = measure([&] {
        if (!test::writeStoryCase(path, &error, signIns, others))
            std::fprintf(stderr, "cannot write the case: %s\n", error.c_str());
    });
    if (!error.empty())
        return 1;
    std::printf("case: %d sign-ins of alice@contoso.com + %d events of 500 other users (written in %.0f ms CPU)\n",
                signIns, others, writeMs);

    // The world map, decoded once per process and cached (the panel does this at start-up).
    const std::string dataDir = GeoDb::defaultDataDir();
    std::shared_ptr<const WorldMap> coarse, fine;
    const double worldMs = measure([&] {
        coarse = WorldMap::load(WorldMap::mapFile(dataDir, WorldMap::Detail::Coarse), &error);
        fine = WorldMap::load(WorldMap::mapFile(dataDir, WorldMap::Detail::Fine), &error);
    });
    std::printf("world map: %s (%zu + %zu points) decoded in %.1f ms CPU, once per process\n",
                coarse ? "110m and 50m" : "MISSING (run scripts/fetch-data.sh)", coarse ? coarse->pointCount() : 0,
                fine ? fine->pointCount() : 0, worldMs);

    ui::TimelineChart timeline;
    timeline.resize(1400, 480);
    timeline.show();
    ui::MapView map;
    map.resize(1100, 700);
    map.show();
    const double sceneMs = measure([&] {
        map.setWorld(coarse, fine);
        QCoreApplication::processEvents();
    });
    std::printf("map scene of the countries built in %.1f ms CPU, once per process\n\n", sceneMs);

    std::vector<Phase> phases = {{"timeline: read lane (SQL)", {}},  {"timeline: build + draw", {}},
                                 {"timeline: zoom redraw", {}},      {"map: read places (SQL)", {}},
                                 {"map: build + draw", {}},          {"map: zoom redraw", {}}};
    std::size_t laneSignIns = 0, places = 0;
    for (int run = 0; run < runs; ++run) {
        CaseStore store;
        if (!store.open(path, false, &error)) {
            std::fprintf(stderr, "%s\n", error.c_str());
            return 1;
        }
        ActivityRequest request;
        request.users = {"alice@contoso.com"};
        request.usersSharingFindingIps = true;
        std::shared_ptr<ActivityData> activity;
        phases[0].ms.push_back(measure([&] {
            activity = std::make_shared<ActivityData>(loadActivity(store.database(), request));
        }));
        laneSignIns = activity->lanes.empty() ? 0 : activity->lanes.front().signIns.size();
        QImage image;
        phases[1].ms.push_back(measure([&] {
            timeline.setActivity(activity);
            timeline.fit();
            QCoreApplication::processEvents();
            image = timeline.grab().toImage();
        }));
        phases[2].ms.push_back(measure([&] {
            timeline.zoomBy(0.25);
            image = timeline.grab().toImage();
        }));

        SignInMapRequest mapRequest;
        mapRequest.user = "alice@contoso.com";
        std::shared_ptr<SignInMap> signInMap;
        phases[3].ms.push_back(measure([&] {
            signInMap = std::make_shared<SignInMap>(loadSignInMap(store.database(), mapRequest));
        }));
        places = signInMap->places.size();
        phases[4].ms.push_back(measure([&] {
            map.setSignIns(signInMap);
            map.focusOnData();
            QCoreApplication::processEvents();
            image = map.grab().toImage();
        }));
        phases[5].ms.push_back(measure([&] {
            map.scale(1.6, 1.6);
            image = map.grab().toImage();
        }));
    }

    // To look at what was measured: MP_BENCH_PNG=DIR saves the last frames.
    if (const QString out = qEnvironmentVariable("MP_BENCH_PNG"); !out.isEmpty()) {
        timeline.fit();
        map.focusOnData();
        timeline.grab().save(out + QStringLiteral("/bench-timeline.png"));
        map.grab().save(out + QStringLiteral("/bench-map.png"));
    }
    std::printf("user alice@contoso.com: %zu sign-ins on her lane, %zu places on the map; %d runs\n\n", laneSignIns, places,
                runs);
    std::printf("%-28s %10s %10s\n", "phase (CPU ms)", "first", "median");
    double timelineTotal = 0, mapTotal = 0;
    for (std::size_t i = 0; i < phases.size(); ++i) {
        const double m = median(phases[i].ms);
        std::printf("%-28s %10.1f %10.1f\n", phases[i].name, phases[i].ms.front(), m);
        if (i < 2)
            timelineTotal += m;
        else if (i >= 3 && i < 5)
            mapTotal += m;
    }
    std::printf("\ntimeline: read + build + draw %.1f ms (target 200 ms: %s)\n", timelineTotal,
                timelineTotal <= 200 ? "met" : "MISSED");
    std::printf("map:      read + build + draw %.1f ms (target 200 ms: %s)\n", mapTotal, mapTotal <= 200 ? "met" : "MISSED");
    return 0;
}
