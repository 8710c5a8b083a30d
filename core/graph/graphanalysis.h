#pragma once

#include "graph/investigationgraph.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace mp {

// A part of the graph: nodes and the edges among them (indices into the graph's vectors).
struct Subgraph
{
    std::vector<std::uint32_t> nodes; // sorted
    std::vector<std::uint32_t> edges; // sorted

    bool contains(std::uint32_t node) const;
};

// Related campaigns a campaign lists; Campaign::relatedTotal counts them all.
inline constexpr std::size_t kMaxRelatedCampaigns = 20;

// One attack campaign: the flagged users and the attacker-side entities that tie them.
//
// How campaigns are joined (see docs/graph.md): the seeds are the standing findings (not
// suppressed, not informational). The attacker-side entities are the IP addresses and external addresses those findings
// name, less the hubs (GraphOptions: entities a large share of the tenant's users use
// successfully, such as the office address). A user joins a campaign when a finding of theirs
// names one of its entities, or when they signed in, acted or sent mail from one of its IPs, or
// hold a rule that forwards to (or was changed from) one of its entities. Networks, countries and
// client apps never join: one hosting provider or one country serves many unrelated actors. They
// are attached to the campaign for context, and campaigns sharing a network are listed as
// related. Users who only failed to sign in from a campaign's IPs are listed as targeted and
// join nothing (a spray touches everyone).
struct Campaign
{
    int id = 0; // 1-based, in the order of the list
    std::vector<std::uint32_t> users;     // nodes
    std::vector<std::uint32_t> targeted;  // nodes: failed sign-ins from its IPs only
    std::vector<std::uint32_t> entities;  // nodes: attacker-side IPs and addresses that join it
    std::vector<std::uint32_t> attached;  // nodes: its rules, the networks and countries of its IPs, and
                                          // outside senders that mailed two or more of its users
    std::vector<std::uint32_t> findings;  // indices into the graph's findings
    std::vector<std::uint32_t> incidents; // indices into the graph's incidents
    std::vector<int> related;             // ids of campaigns that share a network with it, ascending,
                                          // at most kMaxRelatedCampaigns of them
    std::size_t relatedTotal = 0;         // every campaign that shares a network with it
    std::int64_t firstMs = kNoTime;
    std::int64_t lastMs = kNoTime;

    // Every node of the campaign (users, targeted, entities, attached), sorted.
    std::vector<std::uint32_t> allNodes() const;
};

// The campaigns of the graph, largest first (users, then findings, then earliest). Sets each
// member node's `campaign` to the index of its campaign in the result (-1 elsewhere).
std::vector<Campaign> analyseCampaigns(InvestigationGraph &graph);

// The subgraph of a campaign: its nodes and the edges among them.
Subgraph campaignSubgraph(const InvestigationGraph &graph, const Campaign &campaign);

// An entity worth pivoting on: how many flagged users (with standing findings, see Campaign) it
// touches.
struct Pivot
{
    std::uint32_t node = 0;
    std::uint32_t flaggedUsers = 0;
    std::uint32_t users = 0;    // every user it touches
    std::uint32_t findings = 0; // standing findings that name it
};

// IPs, networks and external addresses ranked by the flagged users they touch, then by the
// findings that name them, then by fewest users overall (the more specific lead first). Only
// entities touching at least one flagged user; hubs are left out (everyone touches them).
std::vector<Pivot> rankPivots(const InvestigationGraph &graph, std::size_t limit = 50);

// The entities within `hops` of `centre`. Hubs are included but not walked through unless
// `throughHubs` (from the office address, one hop reaches everyone). At most maxNodes nodes,
// nearest first.
Subgraph neighbourhood(const InvestigationGraph &graph, std::uint32_t centre, int hops, bool throughHubs = false,
                       std::size_t maxNodes = 5000);
// The nodes given and every edge among them.
Subgraph inducedSubgraph(const InvestigationGraph &graph, std::vector<std::uint32_t> nodes);
Subgraph wholeGraph(const InvestigationGraph &graph);

// The shortest explanation of how two entities are tied: a node path from `from` to `to`
// (Dijkstra over the graph; passing through a hub costs more, so that the path goes through the
// attacker's entities when there is such a way). Empty when they are not connected.
std::vector<std::uint32_t> explanationPath(const InvestigationGraph &graph, std::uint32_t from, std::uint32_t to);
// The path as a subgraph: its nodes and, between each consecutive pair, the cheapest edge.
Subgraph pathSubgraph(const InvestigationGraph &graph, const std::vector<std::uint32_t> &path);

} // namespace mp
