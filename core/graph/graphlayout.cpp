#include "graph/graphlayout.h"

#include <boost/graph/fruchterman_reingold.hpp>
#include <boost/graph/random_layout.hpp>
#include <boost/graph/topology.hpp>
#include <boost/random/linear_congruential.hpp>

#include <algorithm>
#include <cmath>

namespace mp {

namespace {

using LayoutGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS>;
using Topology = boost::rectangle_topology<boost::minstd_rand>;

// Linear cooling that gives up when asked to: a temperature of 0 ends the layout loop.
struct CancellableCooling
{
    using result_type = double;
    boost::linear_cooling<double> cooling;
    const std::atomic_bool *cancel;
    double operator()()
    {
        if (cancel && cancel->load(std::memory_order_relaxed))
            return 0;
        return cooling();
    }
};

} // namespace

std::vector<LayoutPoint> layoutSubgraph(const InvestigationGraph &graph, const Subgraph &sub, const LayoutOptions &options)
{
    const std::size_t n = sub.nodes.size();
    std::vector<LayoutPoint> out(n);
    if (n <= 1)
        return out;
    LayoutGraph g(n);
    auto local = [&](std::uint32_t node) {
        return static_cast<std::size_t>(std::lower_bound(sub.nodes.begin(), sub.nodes.end(), node) - sub.nodes.begin());
    };
    for (std::uint32_t e : sub.edges) {
        const GraphEdge &edge = graph.edges[e];
        const std::size_t a = local(edge.from), b = local(edge.to);
        if (a < n && b < n && a != b)
            boost::add_edge(a, b, g);
    }
    const double side = options.side > 0 ? options.side : 80.0 * std::sqrt(static_cast<double>(n)) + 200.0;
    boost::minstd_rand rng(options.seed == 0 ? 1 : options.seed);
    const Topology topology(rng, -side / 2, -side / 2, side / 2, side / 2);
    using Point = Topology::point_type;
    std::vector<Point> positions(n);
    auto positionMap = boost::make_iterator_property_map(positions.begin(), boost::get(boost::vertex_index, g));
    boost::random_graph_layout(g, positionMap, topology);
    std::vector<Topology::point_difference_type> displacement(n);
    boost::fruchterman_reingold_force_directed_layout(
        g, positionMap, topology, boost::square_distance_attractive_force(), boost::square_distance_repulsive_force(),
        boost::make_grid_force_pairs(topology, positionMap, g),
        CancellableCooling{boost::linear_cooling<double>(static_cast<std::size_t>(std::max(1, options.iterations))),
                           options.cancel},
        boost::make_iterator_property_map(displacement.begin(), boost::get(boost::vertex_index, g)));
    for (std::size_t i = 0; i < n; ++i)
        out[i] = {positions[i][0], positions[i][1]};
    return out;
}

} // namespace mp
