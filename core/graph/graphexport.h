#pragma once

#include "graph/graphanalysis.h"
#include "graph/graphlayout.h"

#include <string>
#include <vector>

namespace mp {

// GraphML (http://graphml.graphdrawing.org) of a subgraph, as Gephi, yEd and Cytoscape read it:
// typed <key> declarations for every node and edge attribute, directed edges in the direction
// their type reads, text escaped (log text is attacker-controlled: markup characters become
// entities, characters XML 1.0 forbids and invalid UTF-8 become U+FFFD). With `positions`
// (one per sub.nodes entry) the nodes also carry x and y.
std::string graphMl(const InvestigationGraph &graph, const Subgraph &sub,
                    const std::vector<LayoutPoint> *positions = nullptr);

// The same as one JSON object {"nodes":[...],"edges":[...]}; node ids are their keys.
std::string graphJson(const InvestigationGraph &graph, const Subgraph &sub,
                      const std::vector<LayoutPoint> *positions = nullptr);

// {"campaigns":[...], "pivots":[...]}: each campaign with its users, targeted users, attacker
// entities, attached entities, findings and related campaigns.
std::string campaignsJson(const InvestigationGraph &graph, const std::vector<Campaign> &campaigns,
                          const std::vector<Pivot> &pivots);

// Text as XML character data or attribute value (see graphMl).
void appendXmlEscaped(std::string &out, std::string_view text);

} // namespace mp
