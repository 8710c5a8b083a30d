#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace mp::sim {

struct SimulateOptions
{
    std::string outDir;
    std::string scenario = "all"; // one name from scenarioNames(), or "all"
    std::uint64_t seed = 1;
    // > 0: instead of scenarios, N sign-ins and N audit records of ordinary activity (for the
    // detection benchmark), written in time order as they are generated.
    std::int64_t scale = 0;
};

struct SimulateResult
{
    bool ok = false;
    std::string error;
    std::vector<std::string> files; // every file written, full path
    std::int64_t signIns = 0;
    std::int64_t auditRecords = 0;
    std::int64_t messages = 0;
    std::int64_t findings = 0;
    std::int64_t traps = 0;
};

// Names accepted by --scenario, in the order "all" runs them (without "all" itself).
std::vector<std::string> scenarioNames();
// One line per scenario: "name  summary".
std::vector<std::string> scenarioSummaries();

// Writes into options.outDir (created if missing): signins.json (Graph auditLogs/signIns page),
// audit.csv (Purview audit search export), messagetrace.csv (Get-MessageTrace | Export-Csv),
// ground-truth.json, tuning.json and README.txt. The same options give the same bytes.
// `progress` gets (records written, records to write); a set `cancel` stops early with an error.
SimulateResult simulate(const SimulateOptions &options, const std::atomic_bool *cancel = nullptr,
                        const std::function<void(std::int64_t, std::int64_t)> &progress = {});

} // namespace mp::sim
