#pragma once

#include "graph/graphanalysis.h"

#include <atomic>
#include <cstdint>
#include <vector>

namespace mp {

struct LayoutPoint
{
    double x = 0;
    double y = 0;
};

struct LayoutOptions
{
    std::uint32_t seed = 1; // the same seed and subgraph give the same picture
    int iterations = 100;
    // The side of the square the layout fills; 0: grows with the square root of the node count
    // so that the density stays readable.
    double side = 0;
    const std::atomic_bool *cancel = nullptr; // stops early (the positions so far are returned)
};

// A Fruchterman-Reingold force-directed layout of a subgraph (Boost.Graph, grid force pairs):
// one point per subgraph node, in sub.nodes order, centred on (0, 0). Deterministic: the start
// positions come from a generator seeded with options.seed. Plain code with no Qt: callers run
// it on a worker thread.
std::vector<LayoutPoint> layoutSubgraph(const InvestigationGraph &graph, const Subgraph &sub,
                                        const LayoutOptions &options = {});

} // namespace mp
