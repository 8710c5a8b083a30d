#include "detect/engine.h"
#include "detect/incidents.h"
#include "store/database.h"

#include <algorithm>
#include <chrono>

namespace mp {

namespace {

using Clock = std::chrono::steady_clock;

double millisecondsSince(Clock::time_point start)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

std::int64_t nowMs()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

} // namespace

bool findingLess(const Finding &a, const Finding &b)
{
    // Findings without a time (rule snapshots) first, as events without a time list first.
    if (a.firstTimeMs != b.firstTimeMs)
        return a.firstTimeMs < b.firstTimeMs;
    if (a.detector != b.detector)
        return a.detector < b.detector;
    if (a.user != b.user)
        return a.user < b.user;
    if (a.evidence != b.evidence)
        return a.evidence < b.evidence;
    if (a.lastTimeMs != b.lastTimeMs)
        return a.lastTimeMs < b.lastTimeMs;
    return a.fingerprint < b.fingerprint;
}

namespace {

DetectionResult runDetectorsWith(DetectionInput &input, const DetectionOptions &options, const IpNetworkLookup &lookup);

} // namespace

DetectionResult runDetectors(DetectionInput &input, const DetectionOptions &options)
{
    return runDetectorsWith(input, options, {});
}

namespace {

DetectionResult runDetectorsWith(DetectionInput &input, const DetectionOptions &options, const IpNetworkLookup &lookup)
{
    DetectionResult result;
    result.startedAtMs = nowMs();
    result.eventCount = input.eventCount;
    input.cancel = options.cancel;
    input.applyTuning(options.tuning);
    for (const Detector &d : detectorsOf(options.profile)) {
        if (input.cancelled()) {
            result.cancelled = true;
            return result;
        }
        if (options.progress)
            options.progress(d.name, 0, 1);
        const auto start = Clock::now();
        const std::size_t before = result.findings.size();
        d.run(input, options.tuning, result.findings);
        result.timings.push_back({std::string(d.name), millisecondsSince(start), result.findings.size() - before});
        if (options.progress)
            options.progress(d.name, 1, 1);
    }
    if (input.cancelled()) {
        result.cancelled = true;
        return result;
    }
    // A detector may emit a finding with no evidence by mistake; it would have nothing to show.
    std::erase_if(result.findings, [](const Finding &f) { return f.evidence.empty(); });
    std::sort(result.findings.begin(), result.findings.end(), findingLess);
    // Network classes on every IP (and, in the default profile, the hosting/VPN sign-in bonus;
    // the seed profile keeps the rule's severities), then the incidents over the final scores.
    auto start = Clock::now();
    annotateNetworks(result.findings, input, options.tuning, options.profile == Profile::Default, lookup);
    result.timings.push_back({"networks", millisecondsSince(start), 0});
    start = Clock::now();
    result.incidents = buildIncidents(result.findings, options.tuning, profileName(options.profile));
    result.timings.push_back({"incidents", millisecondsSince(start), result.incidents.size()});
    result.ok = true;
    return result;
}

} // namespace

DetectionResult runDetection(CaseStore &store, const DetectionOptions &options)
{
    const std::int64_t started = nowMs();
    const auto start = Clock::now();
    DetectionInput input;
    std::string error;
    const bool loaded = input.load(store.database(), options.cancel,
                                   [&](std::int64_t done, std::int64_t total) {
                                       if (options.progress)
                                           options.progress("load", done, total);
                                   },
                                   &error);
    if (!loaded) {
        DetectionResult failed;
        failed.cancelled = error.empty();
        failed.error = error;
        return failed;
    }
    const double loadMs = millisecondsSince(start);
    // The case's own geo enrichment names each IP's AS and organisation (sign-ins and audit).
    // Enrichment is per address, so the first rows of an IP say it: a few index steps per IP, fast
    // on a case of millions of events (an IP never enriched is not scanned to its end).
    Statement asnOf(store.database(), "SELECT asn, as_org FROM events WHERE ip = ? LIMIT 4");
    const IpNetworkLookup lookup = [&asnOf](std::string_view ip) {
        IpNetwork n;
        if (!asnOf.isValid())
            return n;
        asnOf.bind(1, ip);
        while (asnOf.step()) {
            if (asnOf.isNull(0))
                continue;
            n.asn = static_cast<std::uint32_t>(asnOf.int64(0));
            n.org = asnOf.text(1);
            if (!n.org.empty())
                break;
        }
        asnOf.reset();
        return n;
    };
    DetectionResult result = runDetectorsWith(input, options, lookup);
    result.startedAtMs = started;
    result.loadMilliseconds = loadMs;
    return result;
}

DetectionResult detectAndStore(CaseStore &store, const DetectionOptions &options, DetectionRun *runOut)
{
    DetectionResult result = runDetection(store, options);
    if (!result.ok)
        return result;
    DetectionRun run;
    run.startedAtMs = result.startedAtMs;
    run.profile = profileName(options.profile);
    run.tuning = options.tuning.canonicalJson();
    run.engineVersion = kDetectionEngineVersion;
    run.eventCount = result.eventCount;
    FindingStore findings(store);
    std::string error;
    if (!findings.saveRun(run, result.findings, result.incidents, &error)) {
        result.ok = false;
        result.error = error;
        return result;
    }
    if (runOut)
        *runOut = run;
    return result;
}

} // namespace mp
