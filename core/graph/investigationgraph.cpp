#include "graph/investigationgraph.h"

#include "util/strings.h"

#include <algorithm>
#include <cctype>

namespace mp {

namespace {

constexpr const char *kNodeNames[] = {"user", "ip", "network", "country", "rule", "address", "app"};
constexpr const char *kNodeTitles[] = {"User", "IP address", "Network", "Country", "Inbox rule / forwarding",
                                       "External address", "Client app"};
constexpr const char *kEdgeNames[] = {"signed-in-from", "sign-in-failed-from", "acted-from", "sent-from",
                                      "ip-in-network", "ip-in-country", "changed-rule", "rule-changed-from",
                                      "has-rule", "forwards-to", "mailed-to", "used-client",
                                      "sent-mail-to"};
constexpr const char *kEdgeTitles[] = {"signed in from", "failed to sign in from", "acted from", "sent mail from",
                                       "is in network", "is located in", "created or changed", "changed from",
                                       "holds", "forwards to", "mailed", "used", "sent mail to"};
static_assert(std::size(kNodeNames) == kNodeTypeCount && std::size(kNodeTitles) == kNodeTypeCount);
static_assert(std::size(kEdgeNames) == kEdgeTypeCount && std::size(kEdgeTitles) == kEdgeTypeCount);

// A path search pays this much more for passing through a hub, so that an explanation goes
// through the attacker's entities whenever the graph offers such a way.
constexpr double kHubPenalty = 50;
// Countries, networks and client apps are weak ties (many unrelated users share them): an
// explanation through an address, a rule or a forwarding target comes first.
constexpr double kWeakTiePenalty = 5;

bool weakTie(NodeType t)
{
    return t == NodeType::Country || t == NodeType::Network || t == NodeType::ClientApp;
}

std::string toUpperAscii(std::string_view s)
{
    std::string out(s);
    for (char &c : out) {
        if (c >= 'a' && c <= 'z')
            c = static_cast<char>(c - 'a' + 'A');
    }
    return out;
}

bool looksLikeIp(std::string_view s)
{
    if (s.empty())
        return false;
    const bool v6 = s.find(':') != std::string_view::npos;
    return std::all_of(s.begin(), s.end(), [v6](char c) {
        return std::isdigit(static_cast<unsigned char>(c)) || c == '.' || (v6 && (c == ':' || std::isxdigit(static_cast<unsigned char>(c))));
    });
}

} // namespace

const char *nodeTypeName(NodeType type)
{
    return kNodeNames[static_cast<int>(type)];
}

const char *nodeTypeTitle(NodeType type)
{
    return kNodeTitles[static_cast<int>(type)];
}

std::optional<NodeType> nodeTypeFromName(std::string_view name)
{
    for (int i = 0; i < kNodeTypeCount; ++i) {
        if (iequals(name, kNodeNames[i]))
            return static_cast<NodeType>(i);
    }
    return std::nullopt;
}

const char *edgeTypeName(EdgeType type)
{
    return kEdgeNames[static_cast<int>(type)];
}

const char *edgeTypeTitle(EdgeType type)
{
    return kEdgeTitles[static_cast<int>(type)];
}

std::string InvestigationGraph::makeKey(NodeType type, std::string_view value)
{
    std::string key = nodeTypeName(type);
    key += ':';
    key += value;
    return key;
}

bool InvestigationGraph::findingsDismissed(const GraphNode &node) const
{
    return !node.findings.empty()
        && std::all_of(node.findings.begin(), node.findings.end(), [&](std::uint32_t f) { return findings[f].dismissed(); });
}

bool InvestigationGraph::setTriage(std::string_view fingerprint, std::string_view state)
{
    bool any = false;
    for (GraphFinding &f : findings) {
        if (f.fingerprint == fingerprint) {
            f.triage.assign(state);
            any = true;
        }
    }
    return any;
}

int InvestigationGraph::find(std::string_view key) const
{
    const auto it = m_byKey.find(std::string(key));
    return it == m_byKey.end() ? -1 : static_cast<int>(it->second);
}

int InvestigationGraph::resolve(std::string_view entity) const
{
    entity = trim(entity);
    if (entity.empty())
        return -1;
    if (const int n = find(entity); n >= 0)
        return n;
    const std::size_t colon = entity.find(':');
    if (colon != std::string_view::npos && nodeTypeFromName(entity.substr(0, colon))) {
        // A typed key in other letter case: users, addresses, countries and networks are stored
        // in one case each.
        const NodeType type = *nodeTypeFromName(entity.substr(0, colon));
        std::string value(trim(entity.substr(colon + 1)));
        if (type == NodeType::Country || type == NodeType::Network)
            value = toUpperAscii(value);
        else if (type != NodeType::Rule && type != NodeType::ClientApp)
            value = toLowerAscii(value);
        return find(makeKey(type, value));
    }
    const std::string lower = toLowerAscii(entity);
    if (looksLikeIp(entity)) {
        if (const int n = find(makeKey(NodeType::Ip, lower)); n >= 0)
            return n;
    }
    if (lower.find('@') != std::string::npos) {
        for (NodeType t : {NodeType::User, NodeType::Address}) {
            if (const int n = find(makeKey(t, lower)); n >= 0)
                return n;
        }
    }
    const std::string upper = toUpperAscii(entity);
    if (upper.size() > 2 && upper.compare(0, 2, "AS") == 0) {
        if (const int n = find(makeKey(NodeType::Network, upper)); n >= 0)
            return n;
    }
    if (std::all_of(upper.begin(), upper.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
        if (const int n = find(makeKey(NodeType::Network, "AS" + upper)); n >= 0)
            return n;
    }
    if (upper.size() == 2) {
        if (const int n = find(makeKey(NodeType::Country, upper)); n >= 0)
            return n;
    }
    if (const int n = find(makeKey(NodeType::ClientApp, entity)); n >= 0)
        return n;
    return -1;
}

void InvestigationGraph::finalise()
{
    m_byKey.clear();
    m_byKey.reserve(nodes.size());
    for (std::uint32_t i = 0; i < nodes.size(); ++i)
        m_byKey.emplace(nodes[i].key, i);
    graph = EntityGraph(nodes.size());
    for (std::uint32_t i = 0; i < edges.size(); ++i) {
        const GraphEdge &e = edges[i];
        const GraphNode &a = nodes[e.from], &b = nodes[e.to];
        const double weight = 1 + ((a.hub || b.hub) ? kHubPenalty : 0) + ((weakTie(a.type) || weakTie(b.type)) ? kWeakTiePenalty : 0);
        boost::add_edge(e.from, e.to, EdgeRef{i, weight}, graph);
    }
}

} // namespace mp
