#include "cli/arguments.h"
#include "cli/cli.h"
#include "geo/geodb.h"
#include "simulate/places.h"
#include "simulate/simulator.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <ostream>

namespace mp::cli {

namespace {

const char *kHelp =
    "Usage: mailpivot simulate --out DIR [--scenario NAME] [--seed N] [--scale N]\n\n"
    "Writes realistic exports of a made-up tenant (contoso.com) into DIR: signins.json (Graph\n"
    "auditLogs/signIns), audit.csv (Purview audit search export) and messagetrace.csv\n"
    "(Get-MessageTrace), with ground-truth.json (what detection must and must not find),\n"
    "tuning.json (what the benign traps call for) and README.txt (the story). The same seed\n"
    "always gives the same bytes.\n\n"
    "Options:\n"
    "  --out DIR         where to write (created if missing)\n"
    "  --scenario NAME   one scenario, or 'all' (default): all of them in one tenant\n"
    "  --seed N          random seed (default 1)\n"
    "  --scale N         instead of scenarios: N sign-ins and N audit records of ordinary\n"
    "                    activity, for benchmarks\n\n"
    "Scenarios:\n";

void printHelp(std::ostream &out)
{
    out << kHelp;
    for (const std::string &line : sim::scenarioSummaries())
        out << "  " << line << '\n';
}

bool parseNumber(const std::string &text, std::uint64_t &value)
{
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    return ec == std::errc() && end == text.data() + text.size();
}

} // namespace

int simulateCommand(const std::vector<std::string> &argv, std::ostream &out, std::ostream &err)
{
    Arguments args({"--out", "--scenario", "--seed", "--scale"}, {"--help", "-h", "--quiet"});
    if (!args.parse(argv)) {
        err << "mailpivot simulate: " << args.error() << "\n\n";
        printHelp(err);
        return Usage;
    }
    if (args.flag("--help") || args.flag("-h")) {
        printHelp(out);
        return Ok;
    }
    sim::SimulateOptions options;
    options.outDir = args.value("--out", "");
    if (options.outDir.empty() || !args.positional().empty()) {
        err << "mailpivot simulate: needs --out DIR and nothing else\n\n";
        printHelp(err);
        return Usage;
    }
    options.scenario = args.value("--scenario", "all");
    if (const auto seed = args.value("--seed"); seed && !parseNumber(*seed, options.seed)) {
        err << "mailpivot simulate: --seed takes a whole number, not '" << *seed << "'\n";
        return Usage;
    }
    if (const auto scale = args.value("--scale")) {
        std::uint64_t n = 0;
        if (!parseNumber(*scale, n) || n == 0 || n > 100000000) {
            err << "mailpivot simulate: --scale takes a number from 1 to 100000000, not '" << *scale << "'\n";
            return Usage;
        }
        options.scale = static_cast<std::int64_t>(n);
    }
    if (options.scenario != "all" && options.scale == 0) {
        const auto names = sim::scenarioNames();
        if (std::find(names.begin(), names.end(), options.scenario) == names.end()) {
            err << "mailpivot simulate: unknown scenario '" << options.scenario << "'\n\n";
            printHelp(err);
            return Usage;
        }
    }

    const auto started = std::chrono::steady_clock::now();
    const sim::SimulateResult result = sim::simulate(options);
    if (!result.ok) {
        err << "mailpivot simulate: " << result.error << '\n';
        return SomeFailed;
    }
    if (args.flag("--quiet"))
        return Ok;
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    for (const std::string &file : result.files)
        out << file << '\n';
    out << result.signIns << " sign-ins, " << result.auditRecords << " audit records";
    if (options.scale == 0)
        out << ", " << result.messages << " message trace rows; " << result.findings << " expected findings, "
            << result.traps << " benign traps";
    out << " in " << static_cast<long long>(seconds * 1000) << " ms\n";
    // The attacker addresses were chosen for where GeoIP puts them; say so if the local data
    // has moved them, because the location in the sign-ins would then disagree with enrichment.
    GeoDb geo;
    if (geo.openDataDir(GeoDb::defaultDataDir())) {
        for (const std::string &problem : sim::checkPlaces(geo))
            out << "note: " << problem << '\n';
    }
    return Ok;
}

} // namespace mp::cli
