#pragma once

#include "graph/investigationgraph.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

namespace mp {

class Database;

struct GraphOptions
{
    // Hubs: entities that a large share of the tenant's users use successfully (the office's
    // address, the home country, Outlook, the tenant's own ISP). An entity is a hub when at
    // least max(hubMinUsers, hubShare x the tenant's active users) users are tied to it by
    // successful use. Failed sign-ins do not count: a spray address touches many accounts and
    // is the attacker's, not a hub. See docs/graph.md.
    double hubShare = 0.10;
    std::uint32_t hubMinUsers = 5;
    // Attach the findings and incidents of the latest detection run.
    bool withFindings = true;
    const std::atomic_bool *cancel = nullptr;
    std::function<void(std::int64_t done, std::int64_t total)> progress; // event ids
};

// Builds the graph of a case in one pass over its events table (only the columns the graph
// needs; strings interned), then attaches the findings and incidents of the latest detection run
// and marks the hubs. Synchronous: the caller puts it on a worker thread. Returns false when
// cancelled (error empty) or on a database error (error set).
bool buildGraph(Database &db, InvestigationGraph &graph, const GraphOptions &options, std::string *error);

} // namespace mp
