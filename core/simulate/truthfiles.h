#pragma once

#include "simulate/simrecords.h"
#include "simulate/tenant.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mp::sim {

// What a simulation says about itself, beside the exports.
struct SimSummary
{
    std::uint64_t seed = 1;
    std::vector<std::string> scenarios;
    std::int64_t signIns = 0;
    std::int64_t auditRecords = 0;
    std::int64_t messages = 0;
    std::int64_t firstMs = 0;
    std::int64_t lastMs = 0;
    std::int64_t scale = 0; // > 0: a benchmark volume of noise, no scenarios
};

// ground-truth.json: the findings a correct engine must raise, those it may raise, the traps it
// must not trip (with the tuning setting that is the answer) and the campaign links.
std::string groundTruthJson(const Tenant &tenant, const SimData &data, const SimSummary &summary);
// tuning.json in the engine's documented keys.
std::string tuningJson(const SimData &data);
// README.txt: the tenant, the files, how to import them, and each scenario's story.
std::string readmeText(const Tenant &tenant, const SimData &data, const SimSummary &summary);

} // namespace mp::sim
