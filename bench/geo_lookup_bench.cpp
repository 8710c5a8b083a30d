// Lookup throughput of GeoDb over 1M random public IPv4 addresses, for the whole lookup
// (country + city + ASN) and for each source alone, plus the cost of opening the data.
//
//   geo_lookup_bench [DATA_DIR] [COUNT]
//
// DATA_DIR defaults to GeoDb::defaultDataDir() (fill it with scripts/fetch-data.sh).

#include "geo/asntable.h"
#include "geo/geodb.h"
#include "util/ipaddr.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double seconds(Clock::time_point a, Clock::time_point b)
{
    return std::chrono::duration<double>(b - a).count();
}

std::vector<std::string> randomPublicV4(std::size_t n)
{
    std::mt19937 rng(20240617); // fixed seed: runs are comparable
    std::uniform_int_distribution<std::uint32_t> dist;
    std::vector<std::string> out;
    out.reserve(n);
    while (out.size() < n) {
        const std::uint32_t v = dist(rng);
        const auto ip = mp::IpAddress::fromV4(v);
        if (!ip.isGlobal())
            continue;
        out.push_back(std::to_string(v >> 24) + '.' + std::to_string((v >> 16) & 255) + '.'
                      + std::to_string((v >> 8) & 255) + '.' + std::to_string(v & 255));
    }
    return out;
}

void run(const char *label, const mp::GeoDb &db, const std::vector<std::string> &ips)
{
    // Touch the data once so that the timed pass measures lookups, not page faults.
    for (std::size_t i = 0; i < ips.size(); i += 64)
        (void)db.lookup(ips[i]);
    std::size_t country = 0, city = 0, asn = 0;
    const auto t0 = Clock::now();
    for (const auto &ip : ips) {
        const mp::GeoInfo g = db.lookup(ip);
        country += !g.country.empty();
        city += !g.city.empty();
        asn += g.asn != 0;
    }
    const double s = seconds(t0, Clock::now());
    std::printf("%-26s %10.0f lookups/s  %6.3f us/lookup   (hits: country %zu, city %zu, asn %zu)\n",
                label, double(ips.size()) / s, s * 1e6 / double(ips.size()), country, city, asn);
}

} // namespace

int main(int argc, char **argv)
{
    const std::string dir = argc > 1 ? argv[1] : mp::GeoDb::defaultDataDir();
    const std::size_t count = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1000000;
    const mp::GeoPaths all = mp::GeoPaths::fromDataDir(dir);
    if (all.isEmpty()) {
        std::fprintf(stderr, "no geo data in %s; run scripts/fetch-data.sh first\n", dir.c_str());
        return 1;
    }

    // Opening: once from the mapped ASN cache (normal start), once rebuilding it from CSV.
    if (!all.asnCsvV4.empty()) {
        mp::AsnTable t;
        std::string why;
        auto t0 = Clock::now();
        t.load(all.asnCsvV4, 4, &why);
        std::printf("ASN v4 table load            %8.1f ms  (%zu ranges, %s)\n", seconds(t0, Clock::now()) * 1e3,
                    t.size(), t.source() == mp::AsnTable::Source::MappedCache ? "mapped cache" : "built from CSV");
    }
    {
        std::vector<std::string> problems;
        mp::GeoDb db;
        const auto t0 = Clock::now();
        db.open(all, &problems);
        std::printf("GeoDb::open (all sources)    %8.1f ms\n", seconds(t0, Clock::now()) * 1e3);
        for (const auto &p : problems)
            std::printf("  problem: %s\n", p.c_str());
    }

    const auto ips = randomPublicV4(count);
    std::printf("%zu random public IPv4 addresses, one thread\n", ips.size());

    mp::GeoDb db;
    db.open(all);
    run("all (country+city+asn)", db, ips);

    mp::GeoPaths p;
    p.cityMmdb = all.cityMmdb;
    db.open(p);
    run("city mmdb only", db, ips);

    p = {};
    p.countryMmdb = all.countryMmdb;
    db.open(p);
    run("country mmdb only", db, ips);

    p = {};
    p.asnCsvV4 = all.asnCsvV4;
    db.open(p);
    run("asn table only", db, ips);

    p = {};
    db.open(p);
    run("parse + classify only", db, ips);
    return 0;
}
