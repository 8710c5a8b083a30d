#include "graph/graphexport.h"

#include "util/jsonwriter.h"
#include "util/timeparse.h"

#include <algorithm>

namespace mp {

namespace {

constexpr const char *kReplacement = "\xEF\xBF\xBD"; // U+FFFD

// Length of the valid UTF-8 sequence at s[i], or 0 when it is not one.
std::size_t utf8Length(std::string_view s, std::size_t i, std::uint32_t *codePoint)
{
    const auto b0 = static_cast<unsigned char>(s[i]);
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if (b0 < 0x80) {
        *codePoint = b0;
        return 1;
    }
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        len = 2;
        cp = b0 & 0x1F;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        len = 3;
        cp = b0 & 0x0F;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        len = 4;
        cp = b0 & 0x07;
    } else {
        return 0;
    }
    if (i + len > s.size())
        return 0;
    for (std::size_t k = 1; k < len; ++k) {
        const auto b = static_cast<unsigned char>(s[i + k]);
        if ((b & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (b & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    *codePoint = cp;
    return len;
}

std::string timeText(std::int64_t ms)
{
    return ms == kNoTime ? std::string() : formatIso(ms);
}

struct KeyDecl
{
    const char *id;
    const char *forWhat;
    const char *name;
    const char *type;
};

constexpr KeyDecl kKeys[] = {
    {"n_type", "node", "type", "string"},
    {"n_label", "node", "label", "string"},
    {"n_key", "node", "key", "string"},
    {"n_hub", "node", "hub", "boolean"},
    {"n_users", "node", "users", "int"},
    {"n_active_users", "node", "active_users", "int"},
    {"n_events", "node", "events", "long"},
    {"n_findings", "node", "findings", "int"},
    {"n_incidents", "node", "incidents", "int"},
    {"n_campaign", "node", "campaign", "int"},
    {"n_asn", "node", "asn", "long"},
    {"n_org", "node", "org", "string"},
    {"n_country", "node", "country", "string"},
    {"n_network_class", "node", "network_class", "string"},
    {"n_owner", "node", "owner", "string"},
    {"n_first", "node", "first_seen", "string"},
    {"n_last", "node", "last_seen", "string"},
    {"n_x", "node", "x", "double"},
    {"n_y", "node", "y", "double"},
    {"e_type", "edge", "type", "string"},
    {"e_count", "edge", "count", "long"},
    {"e_first", "edge", "first_seen", "string"},
    {"e_last", "edge", "last_seen", "string"},
};

class XmlOut
{
public:
    std::string text;
    void data(const char *key, std::string_view value)
    {
        if (value.empty())
            return;
        text += "      <data key=\"";
        text += key;
        text += "\">";
        appendXmlEscaped(text, value);
        text += "</data>\n";
    }
    void data(const char *key, std::int64_t value) { data(key, std::string_view(std::to_string(value))); }
};

std::string number(double v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", v);
    return buf;
}

} // namespace

void appendXmlEscaped(std::string &out, std::string_view text)
{
    for (std::size_t i = 0; i < text.size();) {
        std::uint32_t cp = 0;
        const std::size_t len = utf8Length(text, i, &cp);
        if (len == 0) {
            out += kReplacement;
            ++i;
            continue;
        }
        switch (cp) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&apos;"; break;
        default:
            // XML 1.0 allows tab, newline, carriage return and nothing else below 0x20, and not
            // U+FFFE / U+FFFF.
            if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0xFFFE || cp == 0xFFFF)
                out += kReplacement;
            else
                out.append(text.substr(i, len));
        }
        i += len;
    }
}

std::string graphMl(const InvestigationGraph &g, const Subgraph &sub, const std::vector<LayoutPoint> *positions)
{
    XmlOut x;
    std::string &t = x.text;
    t += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" "
         "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
         "xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns "
         "http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n";
    for (const KeyDecl &k : kKeys) {
        t += "  <key id=\"";
        t += k.id;
        t += "\" for=\"";
        t += k.forWhat;
        t += "\" attr.name=\"";
        t += k.name;
        t += "\" attr.type=\"";
        t += k.type;
        t += "\"/>\n";
    }
    t += "  <graph id=\"mailpivot\" edgedefault=\"directed\">\n";
    for (std::size_t i = 0; i < sub.nodes.size(); ++i) {
        const GraphNode &n = g.nodes[sub.nodes[i]];
        t += "    <node id=\"n" + std::to_string(sub.nodes[i]) + "\">\n";
        x.data("n_type", nodeTypeName(n.type));
        x.data("n_label", n.label);
        x.data("n_key", n.key);
        x.data("n_hub", n.hub ? "true" : "false");
        x.data("n_users", static_cast<std::int64_t>(n.users));
        x.data("n_active_users", static_cast<std::int64_t>(n.activeUsers));
        x.data("n_events", n.events);
        x.data("n_findings", static_cast<std::int64_t>(n.findings.size()));
        x.data("n_incidents", static_cast<std::int64_t>(n.incidents.size()));
        x.data("n_campaign", static_cast<std::int64_t>(n.campaign + 1)); // 0: none
        if (n.asn)
            x.data("n_asn", static_cast<std::int64_t>(n.asn));
        x.data("n_org", n.org);
        x.data("n_country", n.country);
        x.data("n_network_class", networkClassName(n.networkClass));
        x.data("n_owner", n.owner);
        x.data("n_first", timeText(n.firstMs));
        x.data("n_last", timeText(n.lastMs));
        if (positions && i < positions->size()) {
            x.data("n_x", number((*positions)[i].x));
            x.data("n_y", number((*positions)[i].y));
        }
        t += "    </node>\n";
    }
    for (std::uint32_t e : sub.edges) {
        const GraphEdge &edge = g.edges[e];
        t += "    <edge id=\"e" + std::to_string(e) + "\" source=\"n" + std::to_string(edge.from) + "\" target=\"n"
            + std::to_string(edge.to) + "\">\n";
        x.data("e_type", edgeTypeName(edge.type));
        x.data("e_count", edge.count);
        x.data("e_first", timeText(edge.firstMs));
        x.data("e_last", timeText(edge.lastMs));
        t += "    </edge>\n";
    }
    t += "  </graph>\n</graphml>\n";
    return std::move(t);
}

std::string graphJson(const InvestigationGraph &g, const Subgraph &sub, const std::vector<LayoutPoint> *positions)
{
    JsonWriter w;
    w.beginObject();
    w.key("nodes");
    w.beginArray();
    for (std::size_t i = 0; i < sub.nodes.size(); ++i) {
        const GraphNode &n = g.nodes[sub.nodes[i]];
        w.beginObject();
        w.field("id", n.key);
        w.field("type", nodeTypeName(n.type));
        w.field("label", n.label);
        w.key("hub");
        w.value(n.hub);
        w.field("users", static_cast<std::int64_t>(n.users));
        w.field("active_users", static_cast<std::int64_t>(n.activeUsers));
        w.field("events", n.events);
        w.field("findings", static_cast<std::int64_t>(n.findings.size()));
        w.field("incidents", static_cast<std::int64_t>(n.incidents.size()));
        if (n.campaign >= 0)
            w.field("campaign", static_cast<std::int64_t>(n.campaign + 1));
        if (n.asn)
            w.field("asn", static_cast<std::int64_t>(n.asn));
        w.field("org", n.org);
        w.field("country", n.country);
        w.field("network_class", networkClassName(n.networkClass));
        w.field("owner", n.owner);
        w.field("first_seen", timeText(n.firstMs));
        w.field("last_seen", timeText(n.lastMs));
        if (positions && i < positions->size()) {
            w.key("x");
            w.value((*positions)[i].x);
            w.key("y");
            w.value((*positions)[i].y);
        }
        w.endObject();
    }
    w.endArray();
    w.key("edges");
    w.beginArray();
    for (std::uint32_t e : sub.edges) {
        const GraphEdge &edge = g.edges[e];
        w.beginObject();
        w.field("source", g.nodes[edge.from].key);
        w.field("target", g.nodes[edge.to].key);
        w.field("type", edgeTypeName(edge.type));
        w.field("count", edge.count);
        w.field("first_seen", timeText(edge.firstMs));
        w.field("last_seen", timeText(edge.lastMs));
        w.endObject();
    }
    w.endArray();
    w.endObject();
    return w.take();
}

std::string campaignsJson(const InvestigationGraph &g, const std::vector<Campaign> &campaigns,
                          const std::vector<Pivot> &pivots)
{
    JsonWriter w;
    auto keys = [&](std::string_view name, const std::vector<std::uint32_t> &nodes) {
        w.key(name);
        w.beginArray();
        for (std::uint32_t n : nodes)
            w.value(g.nodes[n].key);
        w.endArray();
    };
    w.beginObject();
    w.key("campaigns");
    w.beginArray();
    for (const Campaign &c : campaigns) {
        w.beginObject();
        w.field("id", static_cast<std::int64_t>(c.id));
        w.field("first_time", timeText(c.firstMs));
        w.field("last_time", timeText(c.lastMs));
        w.key("users");
        w.beginArray();
        for (std::uint32_t n : c.users)
            w.value(g.nodes[n].label);
        w.endArray();
        w.key("targeted_users");
        w.beginArray();
        for (std::uint32_t n : c.targeted)
            w.value(g.nodes[n].label);
        w.endArray();
        keys("entities", c.entities);
        keys("attached", c.attached);
        w.key("findings");
        w.beginArray();
        for (std::uint32_t f : c.findings) {
            const GraphFinding &gf = g.findings[f];
            w.beginObject();
            w.field("position", gf.position);
            w.field("detector", gf.detector);
            w.field("severity", gf.severity);
            w.field("user", gf.user);
            w.field("summary", gf.summary);
            w.endObject();
        }
        w.endArray();
        w.key("incidents");
        w.beginArray();
        for (std::uint32_t i : c.incidents)
            w.value(g.incidents[i].id);
        w.endArray();
        w.key("related_campaigns");
        w.beginArray();
        for (int r : c.related)
            w.value(r);
        w.endArray();
        w.field("related_campaigns_total", static_cast<std::int64_t>(c.relatedTotal));
        w.endObject();
    }
    w.endArray();
    w.key("pivots");
    w.beginArray();
    for (const Pivot &p : pivots) {
        const GraphNode &n = g.nodes[p.node];
        w.beginObject();
        w.field("entity", n.key);
        w.field("label", n.label);
        w.field("flagged_users", static_cast<std::int64_t>(p.flaggedUsers));
        w.field("users", static_cast<std::int64_t>(p.users));
        w.field("findings", static_cast<std::int64_t>(p.findings));
        w.key("hub");
        w.value(n.hub);
        w.endObject();
    }
    w.endArray();
    w.key("hub_threshold");
    w.value(static_cast<std::int64_t>(g.hubThreshold));
    w.key("active_users");
    w.value(static_cast<std::int64_t>(g.tenantActiveUsers));
    w.endObject();
    return w.take();
}

} // namespace mp
