// What the entity details and the per-user page cost on a large case: the profile of the user
// with the most events and of the IP with the most events (one indexed pass each), and the
// findings read the page adds. Times are CPU seconds of this process (user + system).
//
//   entityprofile_bench --case PATH [--runs N]
//
// PATH is an existing case, e.g. the one `detect_bench --case PATH` writes (2,000,000 events).

#include "store/casestore.h"
#include "store/entityprofile.h"
#include "store/findingstore.h"

#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

double cpuSeconds()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec)
           + static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

std::string busiest(mp::Database &db, const char *column)
{
    // Not timed: finding the entity to look at scans the whole index once.
    mp::Statement s(db, std::string("SELECT ") + column + ", count(*) AS n FROM events WHERE " + column
                            + " IS NOT NULL GROUP BY " + column + " ORDER BY n DESC LIMIT 1");
    return s.step() ? s.text(0) : std::string();
}

} // namespace

int main(int argc, char **argv)
{
    std::string path;
    int runs = 5;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--case") && i + 1 < argc)
            path = argv[++i];
        else if (!std::strcmp(argv[i], "--runs") && i + 1 < argc)
            runs = std::max(1, std::atoi(argv[++i]));
    }
    if (path.empty()) {
        std::fprintf(stderr, "usage: entityprofile_bench --case PATH [--runs N]\n");
        return 2;
    }
    mp::CaseStore store;
    std::string error;
    if (!store.open(path, false, &error)) {
        std::fprintf(stderr, "%s\n", error.c_str());
        return 1;
    }
    std::printf("case: %lld events\n", static_cast<long long>(store.eventCount()));
    const std::string user = busiest(store.database(), "user");
    const std::string ip = busiest(store.database(), "ip");
    for (const auto &[what, key] : {std::pair{"user", user}, std::pair{"ip", ip}}) {
        double best = 1e9;
        mp::EntityProfile p;
        for (int r = 0; r < runs; ++r) {
            const double start = cpuSeconds();
            p = std::string_view(what) == "user" ? mp::userProfile(store.database(), key) : mp::ipProfile(store.database(), key);
            best = std::min(best, cpuSeconds() - start);
        }
        std::printf("%s profile of %s: %lld events, %zu places, %zu rules, %zu send hours: %.3f s CPU (best of %d)\n", what,
                    key.c_str(), static_cast<long long>(p.events), p.places.size(), p.rules.size(), p.sendsPerHour.size(), best,
                    runs);
    }
    double best = 1e9;
    std::size_t findings = 0;
    for (int r = 0; r < runs; ++r) {
        const double start = cpuSeconds();
        findings = mp::FindingStore(store).findings().size();
        best = std::min(best, cpuSeconds() - start);
    }
    std::printf("findings read: %zu: %.3f s CPU (best of %d)\n", findings, best, runs);
    return 0;
}
