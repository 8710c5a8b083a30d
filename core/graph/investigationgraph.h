#pragma once

#include "geo/networkclass.h"
#include "store/event.h"

#include <boost/graph/adjacency_list.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace mp {

// What an entity of the investigation graph is. Written as text into exports: never rename.
enum class NodeType : std::uint8_t {
    User,      // a mailbox / account of the tenant
    Ip,        // an IP address
    Network,   // an autonomous system: ASN and organisation
    Country,   // ISO 3166-1 alpha-2 when known
    Rule,      // an inbox rule, or a mailbox's forwarding setting
    Address,   // an external mail address (forwarding target, recipient)
    ClientApp, // the application a user signed in to / with
};
constexpr int kNodeTypeCount = static_cast<int>(NodeType::ClientApp) + 1;

// How two entities are tied. Written as text into exports: never rename.
enum class EdgeType : std::uint8_t {
    SignedInFrom,     // user -> IP, successful sign-ins (Entra sign-ins, audit UserLoggedIn)
    SignInFailedFrom, // user -> IP, failed sign-ins (apart from the successes)
    ActedFrom,        // user -> IP, other audit records (mail access, admin actions)
    SentFrom,         // user -> IP, Send / SendAs / SendOnBehalf
    IpInNetwork,      // IP -> network
    IpInCountry,      // IP -> country
    ChangedRule,      // user -> rule: created or changed it (audit)
    RuleChangedFrom,  // IP -> rule: the address the rule was created or changed from
    HasRule,          // user -> rule: the mailbox holds it (a Get-InboxRule snapshot)
    Forwards,         // rule -> address
    MailedTo,         // user -> external address (message trace)
    UsedClient,       // user -> client application (successful sign-ins)
    SentMailTo,       // external address -> user (message trace, inbound)
};
constexpr int kEdgeTypeCount = static_cast<int>(EdgeType::SentMailTo) + 1;

const char *nodeTypeName(NodeType type);   // "user", "ip", "network", "country", "rule", "address", "app"
const char *nodeTypeTitle(NodeType type);  // "User", "IP address", ...
std::optional<NodeType> nodeTypeFromName(std::string_view name);
const char *edgeTypeName(EdgeType type);   // "signed-in-from", ...
const char *edgeTypeTitle(EdgeType type);  // "signed in from", ...

struct GraphNode
{
    NodeType type = NodeType::User;
    std::string key;   // "<type>:<value>", unique: "ip:51.15.22.187", "network:AS12876"
    std::string label; // what a view prints
    // IP: its network and country; network: its number and organisation and class.
    std::uint32_t asn = 0;
    std::string org;
    std::string country;
    NetworkClass networkClass = NetworkClass::None;
    std::string owner; // rule: the mailbox that holds it
    std::int64_t firstMs = kNoTime;
    std::int64_t lastMs = kNoTime;
    std::int64_t events = 0;  // events that mention the entity (for users and IPs)
    std::uint32_t users = 0;       // distinct users tied to it in any way
    std::uint32_t activeUsers = 0; // distinct users who used it successfully (what makes a hub)
    bool hub = false;
    std::vector<std::uint32_t> findings;  // indices into InvestigationGraph::findings
    std::vector<std::uint32_t> incidents; // indices into InvestigationGraph::incidents
    int campaign = -1;                    // index into the campaigns of analyseCampaigns, or -1
};

struct GraphEdge
{
    EdgeType type = EdgeType::SignedInFrom;
    std::uint32_t from = 0; // node indices, in the direction the type reads
    std::uint32_t to = 0;
    std::int64_t count = 0;
    std::int64_t firstMs = kNoTime;
    std::int64_t lastMs = kNoTime;
};

// A finding of the latest detection run, with the nodes it concerns.
struct GraphFinding
{
    std::int64_t id = 0;       // row id in the case (valid until the next run)
    std::int64_t position = 0; // 1-based within the run
    std::string detector;
    std::string severity;
    double score = 0;
    std::string user;
    std::string summary;
    std::int64_t firstMs = kNoTime;
    std::int64_t lastMs = kNoTime;
    bool suppressed = false;
    std::int64_t incidentId = 0;
    std::string fingerprint; // stable across runs (triage key)
    std::string triage = "new"; // the analyst's verdict: "new", "true-positive", "false-positive", "benign"
    std::vector<std::uint32_t> nodes;

    // Triaged as a false positive or benign: nothing left to look at.
    bool dismissed() const { return triage == "false-positive" || triage == "benign"; }
};

struct GraphIncident
{
    std::int64_t id = 0;
    std::string user;
    std::string severity;
    std::string summary;
    std::vector<std::uint32_t> nodes;
};

// The Boost.Graph view of the entities: vertex i is nodes[i]; each edge carries its index into
// edges and the weight a path search pays for it.
struct EdgeRef
{
    std::uint32_t index = 0;
    double weight = 1;
};
// The edge list is a vector too (the default is a list: a heap node an edge); edges are never
// removed.
using EntityGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, boost::no_property, EdgeRef,
                                          boost::no_property, boost::vecS>;

// Every entity of a case and how they are tied, with the findings and incidents of the latest
// detection run attached. Built by buildGraph (graphbuilder.h); plain data, no Qt.
class InvestigationGraph
{
public:
    std::vector<GraphNode> nodes;
    std::vector<GraphEdge> edges;
    std::vector<GraphFinding> findings;
    std::vector<GraphIncident> incidents;
    EntityGraph graph;

    std::int64_t eventCount = 0;
    std::uint32_t tenantActiveUsers = 0; // users who signed in or acted successfully
    std::uint32_t hubThreshold = 0;      // activeUsers at or above which an entity is a hub

    // The node of a key ("ip:1.2.3.4") or -1.
    int find(std::string_view key) const;
    // A key, or a bare value guessed by its shape (an IP, "AS123", an address, a country code,
    // a user), as an analyst types it. -1 when nothing matches.
    int resolve(std::string_view entity) const;
    static std::string makeKey(NodeType type, std::string_view value);
    // The node has findings and the analyst dismissed every one (false positive or benign).
    bool findingsDismissed(const GraphNode &node) const;
    // Sets the triage of the findings with this fingerprint; false when none has it.
    bool setTriage(std::string_view fingerprint, std::string_view state);

    // Called once the node and edge vectors are final: the lookup index and the Boost graph.
    void finalise();

private:
    std::unordered_map<std::string, std::uint32_t> m_byKey;
};

} // namespace mp
