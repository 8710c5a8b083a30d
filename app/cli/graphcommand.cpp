#include "cli/arguments.h"
#include "cli/casehelpers.h"
#include "cli/cli.h"
#include "cli/terminaltext.h"
#include "graph/graphanalysis.h"
#include "graph/graphbuilder.h"
#include "graph/graphexport.h"
#include "graph/graphlayout.h"
#include "util/timeparse.h"

#include <fstream>
#include <ostream>

namespace mp::cli {

namespace {

const char *kGraphHelp =
    "Usage: mailpivot graph CASE --out FILE.graphml|FILE.json [--around ENTITY] [--hops N]\n"
    "                       [--to ENTITY] [--through-hubs] [--layout]\n\n"
    "Writes the investigation graph of the case: users, IP addresses, networks, countries,\n"
    "inbox rules and forwarding, external addresses and client apps, tied by sign-ins, actions,\n"
    "rule changes, forwarding and mail, with the findings of the latest detection run attached.\n"
    "GraphML (typed attributes; Gephi, yEd and Cytoscape open it) or JSON, by the file's extension.\n\n"
    "Options:\n"
    "  --out FILE        where to write (.graphml or .json)\n"
    "  --around ENTITY   only the neighbourhood of one entity: a key such as ip:51.15.22.187,\n"
    "                    user:x@contoso.com, network:AS12876, country:NL, address:x@y, or a bare value\n"
    "  --hops N          how far from --around (default 2)\n"
    "  --to ENTITY       with --around: only the shortest explanation path between the two\n"
    "  --through-hubs    walk through hubs (the office address, the home country) too\n"
    "  --layout          add x and y (a deterministic force-directed layout) to every node\n";

const char *kCampaignsHelp =
    "Usage: mailpivot campaigns CASE [--json]\n\n"
    "Groups the findings of the latest detection run into campaigns: the flagged users tied\n"
    "together by attacker-side entities (IP addresses and forwarding addresses that findings name).\n"
    "Hubs - entities a large share of the tenant's users use, such as the office address, the home\n"
    "country or Outlook - never join a campaign; networks and countries are attached, not joined.\n"
    "Then ranks the IPs, networks and addresses by the flagged users they touch: the next leads.\n\n"
    "Options:\n"
    "  --json   one object {\"campaigns\":[...], \"pivots\":[...]}\n";

bool endsWith(const std::string &s, const std::string &suffix)
{
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool loadGraph(const std::string &casePath, InvestigationGraph &graph, std::ostream &err, const char *command)
{
    CaseStore store;
    if (!openCase(store, casePath, false, err))
        return false;
    std::string error;
    if (!buildGraph(store.database(), graph, GraphOptions{}, &error)) {
        err << "mailpivot " << command << ": " << printable(error.empty() ? "cancelled" : error) << '\n';
        return false;
    }
    return true;
}

std::string entityText(const GraphNode &n)
{
    std::string text = std::string(nodeTypeName(n.type)) + ' ' + n.label;
    if (n.type == NodeType::Rule)
        text = "rule \"" + n.label + "\" of " + n.owner;
    if (n.type == NodeType::Ip && (n.asn || !n.country.empty()))
        text += " (" + (n.asn ? "AS" + std::to_string(n.asn) : std::string()) + (n.asn && !n.country.empty() ? ", " : "")
            + n.country + ")";
    return printable(text);
}

void printList(std::ostream &out, const char *title, const InvestigationGraph &g, const std::vector<std::uint32_t> &nodes)
{
    if (nodes.empty())
        return;
    out << "  " << title << std::string(11 - std::min<std::size_t>(std::string(title).size(), 10), ' ');
    for (std::size_t i = 0; i < nodes.size(); ++i)
        out << (i ? "\n             " : "") << entityText(g.nodes[nodes[i]]);
    out << '\n';
}

} // namespace

int graphCommand(const std::vector<std::string> &argv, std::ostream &out, std::ostream &err)
{
    Arguments args({"--out", "--around", "--hops", "--to"}, {"--through-hubs", "--layout", "--help", "-h"});
    if (!args.parse(argv)) {
        err << "mailpivot graph: " << args.error() << "\n\n" << kGraphHelp;
        return Usage;
    }
    if (args.flag("--help") || args.flag("-h")) {
        out << kGraphHelp;
        return Ok;
    }
    if (args.positional().size() != 1 || !args.value("--out")) {
        err << "mailpivot graph: needs one case and --out FILE\n\n" << kGraphHelp;
        return Usage;
    }
    const std::string outPath = *args.value("--out");
    const bool json = endsWith(outPath, ".json");
    if (!json && !endsWith(outPath, ".graphml")) {
        err << "mailpivot graph: --out must end in .graphml or .json\n";
        return Usage;
    }
    int hops = 2;
    if (const auto h = args.value("--hops")) {
        try {
            hops = std::stoi(*h);
        } catch (...) {
            hops = -1;
        }
        if (hops < 0 || hops > 20) {
            err << "mailpivot graph: --hops takes a number from 0 to 20\n";
            return Usage;
        }
    }
    if (args.value("--to") && !args.value("--around")) {
        err << "mailpivot graph: --to needs --around\n";
        return Usage;
    }
    InvestigationGraph graph;
    if (!loadGraph(args.positional().front(), graph, err, "graph"))
        return SomeFailed;
    analyseCampaigns(graph);

    Subgraph sub;
    if (const auto around = args.value("--around")) {
        const int centre = graph.resolve(*around);
        if (centre < 0) {
            err << "mailpivot graph: no entity '" << printable(*around) << "' in the case\n";
            return SomeFailed;
        }
        if (const auto to = args.value("--to")) {
            const int target = graph.resolve(*to);
            if (target < 0) {
                err << "mailpivot graph: no entity '" << printable(*to) << "' in the case\n";
                return SomeFailed;
            }
            const std::vector<std::uint32_t> path =
                explanationPath(graph, static_cast<std::uint32_t>(centre), static_cast<std::uint32_t>(target));
            if (path.empty()) {
                err << "mailpivot graph: " << entityText(graph.nodes[static_cast<std::size_t>(centre)]) << " and "
                    << entityText(graph.nodes[static_cast<std::size_t>(target)]) << " are not connected\n";
                return SomeFailed;
            }
            sub = pathSubgraph(graph, path);
            out << "path:";
            for (std::size_t i = 0; i < path.size(); ++i)
                out << (i ? " -> " : " ") << entityText(graph.nodes[path[i]]);
            out << '\n';
        } else {
            sub = neighbourhood(graph, static_cast<std::uint32_t>(centre), hops, args.flag("--through-hubs"));
        }
    } else {
        sub = wholeGraph(graph);
    }
    std::vector<LayoutPoint> positions;
    if (args.flag("--layout"))
        positions = layoutSubgraph(graph, sub);
    const std::string text = json ? graphJson(graph, sub, positions.empty() ? nullptr : &positions)
                                  : graphMl(graph, sub, positions.empty() ? nullptr : &positions);
    std::ofstream file(outPath, std::ios::binary | std::ios::trunc);
    file.write(text.data(), static_cast<std::streamsize>(text.size()));
    file.close();
    if (!file) {
        err << "mailpivot graph: cannot write " << printable(outPath) << '\n';
        return SomeFailed;
    }
    out << sub.nodes.size() << " nodes, " << sub.edges.size() << " edges written to " << printable(outPath) << '\n';
    return Ok;
}

int campaignsCommand(const std::vector<std::string> &argv, std::ostream &out, std::ostream &err)
{
    Arguments args({}, {"--json", "--help", "-h"});
    if (!args.parse(argv)) {
        err << "mailpivot campaigns: " << args.error() << "\n\n" << kCampaignsHelp;
        return Usage;
    }
    if (args.flag("--help") || args.flag("-h")) {
        out << kCampaignsHelp;
        return Ok;
    }
    if (args.positional().size() != 1) {
        err << "mailpivot campaigns: needs exactly one case\n\n" << kCampaignsHelp;
        return Usage;
    }
    InvestigationGraph graph;
    if (!loadGraph(args.positional().front(), graph, err, "campaigns"))
        return SomeFailed;
    const std::vector<Campaign> campaigns = analyseCampaigns(graph);
    const std::vector<Pivot> pivots = rankPivots(graph, 20);
    if (args.flag("--json")) {
        out << campaignsJson(graph, campaigns, pivots) << '\n';
        return Ok;
    }
    if (graph.findings.empty())
        out << "No findings: run 'mailpivot detect' on the case first.\n";
    for (const Campaign &c : campaigns) {
        out << "Campaign " << c.id << ": " << c.users.size() << (c.users.size() == 1 ? " user, " : " users, ")
            << c.entities.size() << " attacker entities, " << c.findings.size() << " findings";
        if (c.firstMs != kNoTime)
            out << ", " << formatIso(c.firstMs) << " .. " << formatIso(c.lastMs);
        out << '\n';
        printList(out, "users", graph, c.users);
        printList(out, "entities", graph, c.entities);
        printList(out, "attached", graph, c.attached);
        printList(out, "targeted", graph, c.targeted);
        for (std::uint32_t f : c.findings) {
            const GraphFinding &gf = graph.findings[f];
            out << "  finding    #" << gf.position << ' ' << printable(gf.detector) << ' ' << gf.severity << ": "
                << printable(gf.summary) << '\n';
        }
        if (!c.related.empty()) {
            out << "  related    campaign";
            for (int r : c.related)
                out << ' ' << r;
            if (c.relatedTotal > c.related.size())
                out << " and " << c.relatedTotal - c.related.size() << " more";
            out << " (a shared network)\n";
        }
        out << '\n';
    }
    if (!pivots.empty()) {
        out << "Pivots (flagged users touched, users, findings):\n";
        for (const Pivot &p : pivots)
            out << "  " << column(std::to_string(p.flaggedUsers), 4) << column(std::to_string(p.users), 6)
                << column(std::to_string(p.findings), 4) << entityText(graph.nodes[p.node])
                << (graph.nodes[p.node].hub ? "  [hub]" : "") << '\n';
        out << '\n';
    }
    out << "Hubs (used by at least " << graph.hubThreshold << " of " << graph.tenantActiveUsers
        << " active users; never join campaigns):";
    bool any = false;
    for (const GraphNode &n : graph.nodes) {
        if (n.hub) {
            out << (any ? ", " : " ") << printable(std::string(nodeTypeName(n.type)) + ' ' + n.label);
            any = true;
        }
    }
    out << (any ? "\n" : " none\n");
    return Ok;
}

} // namespace mp::cli
