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

// Fruchterman-Reingold's attraction (d^2 / k), weakened on the edges of hubs by the square root of
// the busier end's degree: otherwise the hundreds of users of an office address are pulled into
// one knot around it (unreadable, and every pair in the knot repels: quadratic time).
struct HubDampedAttraction
{
    template <typename Graph>
    double operator()(typename boost::graph_traits<Graph>::edge_descriptor e, double k, double d, const Graph &g) const
    {
        const auto degree = std::max(boost::out_degree(boost::source(e, g), g), boost::out_degree(boost::target(e, g), g));
        return d * d / k / std::sqrt(static_cast<double>(std::max<std::size_t>(1, degree)));
    }
};

// Repulsion between nearby vertices only, found through a grid of cells of side 1.5k (k: the
// ideal edge length, sqrt(area / n)). Boost's grid_force_pairs sizes its cells from the area
// rather than from k, which for any real layout makes one cell of everything and the layout
// quadratic; this is the grid Fruchterman and Reingold describe.
struct CellForcePairs
{
    const Topology *topology;
    const std::vector<Topology::point_type> *positions;
    double left, top, width, height;

    template <typename Graph, typename ApplyForce>
    void operator()(const Graph &g, ApplyForce applyForce) const
    {
        const std::size_t n = boost::num_vertices(g);
        const double k = std::sqrt(width * height / static_cast<double>(n));
        const double cell = 1.5 * k; // farther than 1.5 k the push is under k / 1.5 and fades in the sum
        const auto columns = static_cast<std::size_t>(width / cell) + 1;
        const auto rows = static_cast<std::size_t>(height / cell) + 1;
        // Counting sort of the vertices by cell: one array, no list nodes.
        std::vector<std::uint32_t> cellOf(n), start(rows * columns + 1, 0), order(n);
        for (std::size_t v = 0; v < n; ++v) {
            const auto &p = (*positions)[v];
            const auto c = std::min(columns - 1, static_cast<std::size_t>(std::max(0.0, (p[0] - left) / cell)));
            const auto r = std::min(rows - 1, static_cast<std::size_t>(std::max(0.0, (p[1] - top) / cell)));
            cellOf[v] = static_cast<std::uint32_t>(r * columns + c);
            ++start[cellOf[v] + 1];
        }
        for (std::size_t i = 1; i < start.size(); ++i)
            start[i] += start[i - 1];
        std::vector<std::uint32_t> next(start.begin(), start.end() - 1);
        for (std::size_t v = 0; v < n; ++v)
            order[next[cellOf[v]]++] = static_cast<std::uint32_t>(v);
        for (std::size_t r = 0; r < rows; ++r) {
            for (std::size_t c = 0; c < columns; ++c) {
                const std::size_t here = r * columns + c;
                for (std::uint32_t i = start[here]; i < start[here + 1]; ++i) {
                    const std::uint32_t u = order[i];
                    for (std::size_t rr = r == 0 ? 0 : r - 1; rr <= std::min(rows - 1, r + 1); ++rr) {
                        for (std::size_t cc = c == 0 ? 0 : c - 1; cc <= std::min(columns - 1, c + 1); ++cc) {
                            const std::size_t there = rr * columns + cc;
                            for (std::uint32_t j = start[there]; j < start[there + 1]; ++j) {
                                const std::uint32_t v = order[j];
                                if (v != u && topology->distance((*positions)[u], (*positions)[v]) < cell)
                                    applyForce(u, v);
                            }
                        }
                    }
                }
            }
        }
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
        g, positionMap, topology, HubDampedAttraction(), boost::square_distance_repulsive_force(),
        CellForcePairs{&topology, &positions, -side / 2, -side / 2, side, side},
        // Start hot enough to cross a tenth of the square in one step, then cool linearly.
        CancellableCooling{boost::linear_cooling<double>(static_cast<std::size_t>(std::max(1, options.iterations)), side / 10),
                           options.cancel},
        boost::make_iterator_property_map(displacement.begin(), boost::get(boost::vertex_index, g)));
    for (std::size_t i = 0; i < n; ++i)
        out[i] = {positions[i][0], positions[i][1]};
    return out;
}

} // namespace mp
