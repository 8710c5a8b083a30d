// Investigation graph over a large case: by default 1,000,000 sign-ins and 1,000,000 audit
// events of 20,000 users over 30 days (written straight into a new case, as detect_bench does),
// with a few hundred takeovers (attacker addresses, forwarding rules) among them.
// Targets (issue 4), in CPU seconds on one core: graph build < 2 s; layout of a 2,000-node
// neighbourhood < 1 s.
//
//   graph_bench [--case PATH] [--audit N] [--signins N] [--runs N] [--layout-nodes N]

#include "graph/graphanalysis.h"
#include "graph/graphbuilder.h"
#include "graph/graphlayout.h"
#include "store/casestore.h"

#include "benchutil.h"
#include "store/findingstore.h"

#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

namespace {

using bench::cpuSeconds;
using bench::ipText;
using bench::peakRssMb;




// An ordinary tenant: each user signs in from a home city's country, three own addresses and the
// office (a hub); one sign-in in 2,000 comes from an attacker range; one audit record in 1,000 is
// a forwarding rule set from there. The last step stores one finding per takeover so that the
// campaigns have seeds.
bool fillCase(mp::CaseStore &store, std::int64_t auditCount, std::int64_t signInCount)
{
    constexpr int kUsers = 20000;
    constexpr std::int64_t kStart = 1709251200000; // 2024-03-01T00:00:00Z
    constexpr std::int64_t kSpan = 30LL * 24 * 3600 * 1000;
    const char *countries[] = {"US", "GB", "DE", "FR", "NL", "ES", "IT", "SE", "PL", "IN", "SG", "JP", "AU", "BR", "CA"};
    const char *apps[] = {"Office 365 Exchange Online", "Microsoft Teams", "Office 365 SharePoint Online", "Outlook Mobile",
                          "Microsoft Office", "Azure Portal"};
    std::mt19937_64 rng(20240301);
    auto uniform = [&](std::int64_t n) { return static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(n)); };
    struct User
    {
        std::string upn;
        int country;
        std::uint32_t ip[3];
    };
    std::vector<User> users(kUsers);
    for (int u = 0; u < kUsers; ++u) {
        users[u].upn = "user" + std::to_string(u) + "@contoso.com";
        users[u].country = static_cast<int>(uniform(std::size(countries)));
        for (auto &ip : users[u].ip)
            ip = 0x50000000u + static_cast<std::uint32_t>(uniform(0x20000000));
    }
    mp::SourceFile source;
    source.name = "synthetic";
    source.sha256 = std::string(64, 'g');
    source.format = "bench-synthetic";
    std::string error;
    if (!store.beginImport(source, {}, &error, true)) {
        std::fprintf(stderr, "%s\n", error.c_str());
        return false;
    }
    std::int64_t id = 0;
    auto insert = [&](mp::Event &ev) {
        ev.recordId = std::to_string(++id);
        ev.sourceId = source.id;
        return store.insertEvent(ev) == mp::CaseStore::InsertResult::Inserted;
    };
    auto place = [&](mp::Event &e, const User &u, bool attacker) {
        const std::uint32_t office = 0xC0000201u;
        const std::uint32_t ip = attacker ? 0xC6336400u + static_cast<std::uint32_t>(uniform(64))
            : uniform(4) == 0        ? office
                                     : u.ip[uniform(3)];
        e.ip = ipText(ip);
        e.country = attacker ? "NG" : countries[u.country];
        e.asn = attacker ? 64999 : ip == office ? 64496 : 64500 + static_cast<std::uint32_t>(ip % 40);
        e.asOrg = "Example Net " + std::to_string(e.asn);
    };
    for (std::int64_t i = 0; i < signInCount; ++i) {
        mp::Event e;
        e.kind = mp::EventKind::SignIn;
        const User &u = users[static_cast<std::size_t>(uniform(kUsers))];
        e.user = u.upn;
        e.timeMs = kStart + uniform(kSpan);
        e.operation = "SignIn";
        e.app = apps[uniform(std::size(apps))];
        e.resultCode = uniform(10) == 0 ? 50126 : 0;
        place(e, u, uniform(2000) == 0);
        if (!insert(e))
            return false;
    }
    for (std::int64_t i = 0; i < auditCount; ++i) {
        mp::Event e;
        e.kind = mp::EventKind::Audit;
        const User &u = users[static_cast<std::size_t>(uniform(kUsers))];
        e.user = u.upn;
        e.timeMs = kStart + uniform(kSpan);
        e.workload = "Exchange";
        const std::int64_t kind = uniform(1000);
        const bool attacker = kind == 999;
        place(e, u, attacker);
        if (kind < 850) {
            e.operation = "Send";
        } else if (kind < 990) {
            e.operation = "MailItemsAccessed";
        } else if (kind < 999) {
            e.operation = "New-InboxRule";
            e.ruleName = "Newsletters";
        } else {
            e.operation = "New-InboxRule";
            e.ruleName = ".";
            e.forwardTargets = "drop" + std::to_string(uniform(20)) + "@evil.example";
        }
        if (!insert(e))
            return false;
    }
    source.recordsRead = source.imported = id;
    if (!store.finishImport(source, &error))
        return false;
    // One finding per forwarding takeover, naming the attacker's address and the target.
    std::vector<mp::Finding> findings;
    mp::EventFilter filter;
    filter.operation = "New-InboxRule";
    store.forEachEvent(filter, [&](const mp::StoredEvent &se) {
        if (se.event.forwardTargets.empty())
            return true;
        mp::Finding f;
        f.detector = "InboxRuleManipulation";
        f.severity = mp::Severity::High;
        f.user = se.event.user;
        f.ips = {se.event.ip};
        f.firstTimeMs = f.lastTimeMs = se.event.timeMs;
        f.summary = "forwarding rule";
        f.details = "{\"rule_name\":\".\",\"forward_targets\":[{\"address\":\"" + se.event.forwardTargets + "\"}]}";
        f.evidence = {se.id};
        f.fingerprint = "bench:" + std::to_string(se.id);
        findings.push_back(std::move(f));
        return true;
    });
    mp::FindingStore findingStore(store);
    mp::DetectionRun run;
    run.profile = "bench";
    run.engineVersion = "graph_bench";
    return findingStore.saveRun(run, findings, &error);
}

} // namespace

int main(int argc, char **argv)
{
    std::string casePath;
    std::int64_t auditCount = 1000000, signInCount = 1000000;
    int runs = 3;
    std::size_t layoutNodes = 2000;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "%s needs a value\n", a.c_str());
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--case")
            casePath = next();
        else if (a == "--audit")
            auditCount = std::stoll(next());
        else if (a == "--signins")
            signInCount = std::stoll(next());
        else if (a == "--runs")
            runs = std::max(1, std::stoi(next()));
        else if (a == "--layout-nodes")
            layoutNodes = static_cast<std::size_t>(std::stoll(next()));
        else {
            std::fprintf(stderr, "usage: graph_bench [--case PATH] [--audit N] [--signins N] [--runs N] [--layout-nodes N]\n");
            return 2;
        }
    }
    const bool temporary = casePath.empty();
    if (temporary)
        casePath = (std::filesystem::temp_directory_path() / ("graph_bench_" + std::to_string(::getpid()) + ".mpcase")).string();
    mp::CaseStore store;
    std::string error;
    if (!store.open(casePath, true, &error)) {
        std::fprintf(stderr, "%s\n", error.c_str());
        return 1;
    }
    if (store.eventCount() == 0) {
        std::printf("writing %lld sign-ins and %lld audit events to %s ...\n", static_cast<long long>(signInCount),
                    static_cast<long long>(auditCount), casePath.c_str());
        std::fflush(stdout);
        if (!fillCase(store, auditCount, signInCount)) {
            std::fprintf(stderr, "cannot fill the case: %s\n", store.database().errorMessage().c_str());
            return 1;
        }
    }
    std::printf("case: %lld events\n", static_cast<long long>(store.eventCount()));

    mp::InvestigationGraph graph;
    double bestBuild = 1e9;
    for (int r = 0; r < runs; ++r) {
        const double t0 = cpuSeconds();
        if (!mp::buildGraph(store.database(), graph, mp::GraphOptions{}, &error)) {
            std::fprintf(stderr, "build failed: %s\n", error.c_str());
            return 1;
        }
        const double build = cpuSeconds() - t0;
        bestBuild = std::min(bestBuild, build);
        std::printf("build %d: %.3f s CPU -> %zu nodes, %zu edges, %zu findings, hub threshold %u of %u users\n", r + 1, build,
                    graph.nodes.size(), graph.edges.size(), graph.findings.size(), graph.hubThreshold,
                    graph.tenantActiveUsers);
    }
    double t0 = cpuSeconds();
    const std::vector<mp::Campaign> campaigns = mp::analyseCampaigns(graph);
    const std::vector<mp::Pivot> pivots = mp::rankPivots(graph, 20);
    std::printf("campaigns and pivots: %.3f s CPU -> %zu campaigns, largest %zu users\n", cpuSeconds() - t0, campaigns.size(),
                campaigns.empty() ? std::size_t{0} : campaigns.front().users.size());

    // A neighbourhood of layoutNodes nodes around the first campaign's first attacker entity.
    std::uint32_t centre = 0;
    if (!campaigns.empty() && !campaigns.front().entities.empty())
        centre = campaigns.front().entities.front();
    const mp::Subgraph sub = mp::neighbourhood(graph, centre, 4, true, layoutNodes);
    double bestLayout = 1e9;
    for (int r = 0; r < runs; ++r) {
        t0 = cpuSeconds();
        const std::vector<mp::LayoutPoint> points = mp::layoutSubgraph(graph, sub);
        const double layout = cpuSeconds() - t0;
        bestLayout = std::min(bestLayout, layout);
        std::printf("layout %d: %.3f s CPU for %zu nodes, %zu edges\n", r + 1, layout, sub.nodes.size(), sub.edges.size());
    }
    std::printf("best: build %.3f s CPU (target < 2), layout %.3f s CPU (target < 1), peak RSS %ld MB\n", bestBuild,
                bestLayout, peakRssMb());
    store.close();
    if (temporary) {
        std::filesystem::remove(casePath);
        std::filesystem::remove(casePath + "-wal");
        std::filesystem::remove(casePath + "-shm");
    }
    return 0;
}
