#include "graph/graphanalysis.h"

#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <boost/pending/disjoint_sets.hpp>

#include <algorithm>
#include <deque>
#include <limits>
#include <map>
#include <numeric>
#include <set>

namespace mp {

namespace {

void sortUnique(std::vector<std::uint32_t> &v)
{
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
}

// A finding that stands and says something is wrong: suppressed findings and informational ones
// (an ordinary rule, noted for completeness) seed no campaign.
bool standing(const GraphFinding &f)
{
    return !f.suppressed && f.severity != "informational";
}

bool isUserIpUse(EdgeType t)
{
    return t == EdgeType::SignedInFrom || t == EdgeType::ActedFrom || t == EdgeType::SentFrom;
}

template <typename Visit>
void forEachEdgeOf(const InvestigationGraph &g, std::uint32_t node, Visit visit)
{
    for (auto [it, end] = boost::out_edges(node, g.graph); it != end; ++it) {
        const GraphEdge &e = g.edges[g.graph[*it].index];
        visit(e, e.from == node ? e.to : e.from);
    }
}

// The users of a rule: who changed it or holds it.
template <typename Visit>
void forEachRuleUser(const InvestigationGraph &g, std::uint32_t rule, Visit visit)
{
    forEachEdgeOf(g, rule, [&](const GraphEdge &e, std::uint32_t other) {
        if (e.type == EdgeType::ChangedRule || e.type == EdgeType::HasRule)
            visit(other);
    });
}

} // namespace

bool Subgraph::contains(std::uint32_t node) const
{
    return std::binary_search(nodes.begin(), nodes.end(), node);
}

std::vector<std::uint32_t> Campaign::allNodes() const
{
    std::vector<std::uint32_t> all = users;
    all.insert(all.end(), targeted.begin(), targeted.end());
    all.insert(all.end(), entities.begin(), entities.end());
    all.insert(all.end(), attached.begin(), attached.end());
    sortUnique(all);
    return all;
}

std::vector<Campaign> analyseCampaigns(InvestigationGraph &g)
{
    const std::size_t n = g.nodes.size();
    for (GraphNode &node : g.nodes)
        node.campaign = -1;
    std::vector<std::size_t> rank(n, 0), parent(n);
    std::iota(parent.begin(), parent.end(), std::size_t{0});
    boost::disjoint_sets<std::size_t *, std::size_t *> sets(rank.data(), parent.data());
    std::vector<std::uint8_t> member(n, 0); // 1: user or entity of some campaign
    auto join = [&](std::uint32_t a, std::uint32_t b) {
        member[a] = member[b] = 1;
        sets.union_set(a, b);
    };

    // The attacker-side entities: IPs and external addresses named by standing findings.
    std::vector<std::uint8_t> attackerSide(n, 0);
    for (const GraphFinding &f : g.findings) {
        if (!standing(f))
            continue;
        for (std::uint32_t node : f.nodes) {
            const GraphNode &gn = g.nodes[node];
            if ((gn.type == NodeType::Ip || gn.type == NodeType::Address) && !gn.hub)
                attackerSide[node] = 1;
        }
    }
    for (const GraphFinding &f : g.findings) {
        if (!standing(f))
            continue;
        int user = -1;
        for (std::uint32_t node : f.nodes) {
            if (g.nodes[node].type == NodeType::User)
                user = static_cast<int>(node);
        }
        for (std::uint32_t node : f.nodes) {
            if (attackerSide[node] || g.nodes[node].type == NodeType::User)
                join(user >= 0 ? static_cast<std::uint32_t>(user) : node, node);
        }
    }
    for (std::uint32_t e = 0; e < n; ++e) {
        if (!attackerSide[e])
            continue;
        forEachEdgeOf(g, e, [&](const GraphEdge &edge, std::uint32_t other) {
            if (isUserIpUse(edge.type) || edge.type == EdgeType::MailedTo) {
                join(e, other);
            } else if (edge.type == EdgeType::RuleChangedFrom || edge.type == EdgeType::Forwards) {
                forEachRuleUser(g, other, [&](std::uint32_t user) { join(e, user); });
            }
        });
    }

    // Components with a standing finding become campaigns.
    std::map<std::size_t, std::size_t> campaignOfRoot;
    std::vector<Campaign> campaigns;
    auto campaignOf = [&](std::uint32_t node) -> Campaign & {
        const std::size_t root = sets.find_set(node);
        const auto [it, inserted] = campaignOfRoot.try_emplace(root, campaigns.size());
        if (inserted)
            campaigns.emplace_back();
        return campaigns[it->second];
    };
    // Incident id -> index, as (id, index) pairs sorted by id.
    using IncidentKey = std::pair<decltype(GraphIncident::id), std::uint32_t>;
    std::vector<IncidentKey> incidentIndex;
    incidentIndex.reserve(g.incidents.size());
    for (std::uint32_t k = 0; k < g.incidents.size(); ++k)
        incidentIndex.emplace_back(g.incidents[k].id, k);
    const auto byIncidentId = [](const IncidentKey &a, const IncidentKey &b) { return a.first < b.first; };
    std::stable_sort(incidentIndex.begin(), incidentIndex.end(), byIncidentId);
    for (std::uint32_t i = 0; i < g.findings.size(); ++i) {
        const GraphFinding &f = g.findings[i];
        if (!standing(f))
            continue;
        const auto anchor = std::find_if(f.nodes.begin(), f.nodes.end(), [&](std::uint32_t node) { return member[node]; });
        if (anchor == f.nodes.end())
            continue;
        Campaign &c = campaignOf(*anchor);
        c.findings.push_back(i);
        if (f.firstMs != kNoTime && (c.firstMs == kNoTime || f.firstMs < c.firstMs))
            c.firstMs = f.firstMs;
        if (f.lastMs != kNoTime && (c.lastMs == kNoTime || f.lastMs > c.lastMs))
            c.lastMs = f.lastMs;
        for (std::uint32_t node : f.nodes) {
            if (g.nodes[node].type == NodeType::Rule)
                c.attached.push_back(node);
        }
        if (f.incidentId != 0) {
            const auto [from, to] = std::equal_range(incidentIndex.begin(), incidentIndex.end(),
                                                     std::pair{f.incidentId, std::uint32_t{0}}, byIncidentId);
            for (auto it = from; it != to; ++it)
                c.incidents.push_back(it->second);
        }
    }
    for (std::uint32_t node = 0; node < n; ++node) {
        if (!member[node] || !campaignOfRoot.count(sets.find_set(node)))
            continue;
        Campaign &c = campaignOf(node);
        if (g.nodes[node].type == NodeType::User)
            c.users.push_back(node);
        else
            c.entities.push_back(node);
    }
    for (Campaign &c : campaigns) {
        sortUnique(c.users);
        // Outside senders that mailed two or more of its users (the lure's sender), hubs
        // excepted: attached for context; they join nothing.
        std::map<std::uint32_t, int> reached;
        for (std::uint32_t u : c.users) {
            forEachEdgeOf(g, u, [&](const GraphEdge &edge, std::uint32_t other) {
                if (edge.type == EdgeType::SentMailTo && !g.nodes[other].hub)
                    ++reached[other];
            });
        }
        for (const auto &[sender, users] : reached) {
            if (users >= 2)
                c.attached.push_back(sender);
        }
        for (std::uint32_t e : c.entities) {
            forEachEdgeOf(g, e, [&](const GraphEdge &edge, std::uint32_t other) {
                const GraphNode &o = g.nodes[other];
                if ((edge.type == EdgeType::IpInNetwork || edge.type == EdgeType::IpInCountry) && !o.hub)
                    c.attached.push_back(other);
                else if (edge.type == EdgeType::SignInFailedFrom && !std::binary_search(c.users.begin(), c.users.end(), other))
                    c.targeted.push_back(other);
                else if ((edge.type == EdgeType::RuleChangedFrom || edge.type == EdgeType::Forwards))
                    c.attached.push_back(other);
            });
        }
        sortUnique(c.targeted);
        sortUnique(c.attached);
        sortUnique(c.findings);
        sortUnique(c.incidents);
    }
    std::sort(campaigns.begin(), campaigns.end(), [&](const Campaign &a, const Campaign &b) {
        if (a.users.size() != b.users.size())
            return a.users.size() > b.users.size();
        if (a.findings.size() != b.findings.size())
            return a.findings.size() > b.findings.size();
        if (a.firstMs != b.firstMs)
            return a.firstMs < b.firstMs;
        const std::uint32_t ka = a.users.empty() ? a.entities.front() : a.users.front();
        const std::uint32_t kb = b.users.empty() ? b.entities.front() : b.users.front();
        return g.nodes[ka].key < g.nodes[kb].key;
    });
    for (std::size_t i = 0; i < campaigns.size(); ++i) {
        Campaign &c = campaigns[i];
        c.id = static_cast<int>(i) + 1;
        for (std::uint32_t node : c.allNodes()) {
            if (g.nodes[node].campaign < 0)
                g.nodes[node].campaign = static_cast<int>(i);
        }
    }
    // Campaigns that share a network are related: worth a look, not merged. One busy network may
    // be shared by thousands of campaigns: each lists the first kMaxRelatedCampaigns of them (in
    // the order of the list, the largest first) and counts them all.
    std::map<std::uint32_t, std::vector<int>> byNetwork; // ids ascending
    for (const Campaign &c : campaigns) {
        for (std::uint32_t node : c.attached) {
            if (g.nodes[node].type == NodeType::Network)
                byNetwork[node].push_back(c.id);
        }
    }
    std::vector<std::vector<const std::vector<int> *>> networksOf(campaigns.size());
    for (const auto &[network, ids] : byNetwork) {
        if (ids.size() < 2)
            continue;
        for (int id : ids)
            networksOf[static_cast<std::size_t>(id - 1)].push_back(&ids);
    }
    std::vector<int> seenBy(campaigns.size() + 1, 0); // id -> the campaign that last counted it
    for (Campaign &c : campaigns) {
        const auto &lists = networksOf[static_cast<std::size_t>(c.id - 1)];
        if (lists.size() == 1) {
            const std::vector<int> &ids = *lists.front();
            c.relatedTotal = ids.size() - 1;
            for (auto it = ids.begin(); it != ids.end() && c.related.size() < kMaxRelatedCampaigns; ++it) {
                if (*it != c.id)
                    c.related.push_back(*it);
            }
            continue;
        }
        for (const std::vector<int> *ids : lists) {
            for (int id : *ids) {
                if (id != c.id && seenBy[static_cast<std::size_t>(id)] != c.id) {
                    seenBy[static_cast<std::size_t>(id)] = c.id;
                    c.related.push_back(id);
                }
            }
        }
        c.relatedTotal = c.related.size();
        const std::size_t kept = std::min(c.related.size(), kMaxRelatedCampaigns);
        std::partial_sort(c.related.begin(), c.related.begin() + static_cast<std::ptrdiff_t>(kept), c.related.end());
        c.related.resize(kept);
        c.related.shrink_to_fit(); // it held every related campaign for the count
    }
    return campaigns;
}

Subgraph campaignSubgraph(const InvestigationGraph &graph, const Campaign &campaign)
{
    return inducedSubgraph(graph, campaign.allNodes());
}

std::vector<Pivot> rankPivots(const InvestigationGraph &g, std::size_t limit)
{
    std::vector<std::uint8_t> flagged(g.nodes.size(), 0);
    std::vector<std::uint32_t> namedBy(g.nodes.size(), 0);
    for (const GraphFinding &f : g.findings) {
        if (!standing(f))
            continue;
        for (std::uint32_t node : f.nodes) {
            ++namedBy[node];
            if (g.nodes[node].type == NodeType::User)
                flagged[node] = 1;
        }
    }
    // The users each candidate touches.
    auto usersOf = [&](std::uint32_t node) {
        std::vector<std::uint32_t> users;
        auto ofIp = [&](std::uint32_t ip) {
            forEachEdgeOf(g, ip, [&](const GraphEdge &e, std::uint32_t other) {
                if (isUserIpUse(e.type) || e.type == EdgeType::SignInFailedFrom)
                    users.push_back(other);
            });
        };
        switch (g.nodes[node].type) {
        case NodeType::Ip:
            ofIp(node);
            break;
        case NodeType::Network:
            forEachEdgeOf(g, node, [&](const GraphEdge &e, std::uint32_t other) {
                if (e.type == EdgeType::IpInNetwork)
                    ofIp(other);
            });
            break;
        case NodeType::Address:
            forEachEdgeOf(g, node, [&](const GraphEdge &e, std::uint32_t other) {
                if (e.type == EdgeType::MailedTo || e.type == EdgeType::SentMailTo)
                    users.push_back(other);
                else if (e.type == EdgeType::Forwards)
                    forEachRuleUser(g, other, [&](std::uint32_t u) { users.push_back(u); });
            });
            break;
        default:
            break;
        }
        sortUnique(users);
        return users;
    };
    std::vector<Pivot> pivots;
    for (std::uint32_t node = 0; node < g.nodes.size(); ++node) {
        const NodeType t = g.nodes[node].type;
        if (g.nodes[node].hub)
            continue;
        if (t != NodeType::Ip && t != NodeType::Network && t != NodeType::Address)
            continue;
        const std::vector<std::uint32_t> users = usersOf(node);
        Pivot p;
        p.node = node;
        p.users = static_cast<std::uint32_t>(users.size());
        p.flaggedUsers = static_cast<std::uint32_t>(std::count_if(users.begin(), users.end(), [&](std::uint32_t u) { return flagged[u]; }));
        p.findings = namedBy[node];
        if (p.flaggedUsers > 0)
            pivots.push_back(p);
    }
    std::sort(pivots.begin(), pivots.end(), [&](const Pivot &a, const Pivot &b) {
        if (a.flaggedUsers != b.flaggedUsers)
            return a.flaggedUsers > b.flaggedUsers;
        if (a.findings != b.findings)
            return a.findings > b.findings;
        if (a.users != b.users)
            return a.users < b.users;
        return g.nodes[a.node].key < g.nodes[b.node].key;
    });
    if (pivots.size() > limit)
        pivots.resize(limit);
    return pivots;
}

Subgraph inducedSubgraph(const InvestigationGraph &g, std::vector<std::uint32_t> nodes)
{
    Subgraph sub;
    sortUnique(nodes);
    sub.nodes = std::move(nodes);
    for (std::uint32_t node : sub.nodes) {
        for (auto [it, end] = boost::out_edges(node, g.graph); it != end; ++it) {
            const std::uint32_t other = static_cast<std::uint32_t>(boost::target(*it, g.graph));
            if (other >= node && sub.contains(other))
                sub.edges.push_back(g.graph[*it].index);
        }
    }
    sortUnique(sub.edges);
    return sub;
}

Subgraph wholeGraph(const InvestigationGraph &g)
{
    Subgraph sub;
    sub.nodes.resize(g.nodes.size());
    std::iota(sub.nodes.begin(), sub.nodes.end(), 0u);
    sub.edges.resize(g.edges.size());
    std::iota(sub.edges.begin(), sub.edges.end(), 0u);
    return sub;
}

Subgraph neighbourhood(const InvestigationGraph &g, std::uint32_t centre, int hops, bool throughHubs,
                       std::size_t maxNodes)
{
    if (centre >= g.nodes.size())
        return {};
    std::vector<int> distance(g.nodes.size(), -1);
    std::vector<std::uint32_t> found{centre};
    std::deque<std::uint32_t> queue{centre};
    distance[centre] = 0;
    while (!queue.empty() && found.size() < maxNodes) {
        const std::uint32_t v = queue.front();
        queue.pop_front();
        if (distance[v] >= hops || (v != centre && g.nodes[v].hub && !throughHubs))
            continue;
        // Neighbours in a stable order (by node index) so that a cut at maxNodes is reproducible.
        std::vector<std::uint32_t> next;
        for (auto [it, end] = boost::adjacent_vertices(v, g.graph); it != end; ++it) {
            const auto w = static_cast<std::uint32_t>(*it);
            if (distance[w] < 0)
                next.push_back(w);
        }
        sortUnique(next);
        for (std::uint32_t w : next) {
            if (found.size() >= maxNodes)
                break;
            distance[w] = distance[v] + 1;
            found.push_back(w);
            queue.push_back(w);
        }
    }
    return inducedSubgraph(g, std::move(found));
}

std::vector<std::uint32_t> explanationPath(const InvestigationGraph &g, std::uint32_t from, std::uint32_t to)
{
    const std::size_t n = g.nodes.size();
    if (from >= n || to >= n)
        return {};
    if (from == to)
        return {from};
    std::vector<std::size_t> predecessor(n);
    std::vector<double> distance(n, std::numeric_limits<double>::infinity());
    boost::dijkstra_shortest_paths(
        g.graph, from,
        boost::weight_map(boost::get(&EdgeRef::weight, g.graph))
            .predecessor_map(boost::make_iterator_property_map(predecessor.begin(), boost::get(boost::vertex_index, g.graph)))
            .distance_map(boost::make_iterator_property_map(distance.begin(), boost::get(boost::vertex_index, g.graph))));
    // Dijkstra leaves an unreached vertex its own predecessor.
    if (predecessor[to] == to)
        return {};
    std::vector<std::uint32_t> path{to};
    for (std::size_t v = to; v != from; v = predecessor[v])
        path.push_back(static_cast<std::uint32_t>(predecessor[v]));
    std::reverse(path.begin(), path.end());
    return path;
}

Subgraph pathSubgraph(const InvestigationGraph &g, const std::vector<std::uint32_t> &path)
{
    Subgraph sub;
    sub.nodes = path;
    for (std::size_t i = 1; i < path.size(); ++i) {
        std::uint32_t best = 0;
        double bestWeight = std::numeric_limits<double>::infinity();
        for (auto [it, end] = boost::out_edges(path[i - 1], g.graph); it != end; ++it) {
            if (boost::target(*it, g.graph) == path[i] && g.graph[*it].weight < bestWeight) {
                bestWeight = g.graph[*it].weight;
                best = g.graph[*it].index;
            }
        }
        if (bestWeight < std::numeric_limits<double>::infinity())
            sub.edges.push_back(best);
    }
    sortUnique(sub.nodes);
    sortUnique(sub.edges);
    return sub;
}

} // namespace mp
