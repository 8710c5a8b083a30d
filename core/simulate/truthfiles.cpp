#include "simulate/truthfiles.h"

#include "simulate/exportformat.h"
#include "simulate/places.h"
#include "util/jsonwriter.h"

namespace mp::sim {

namespace {

void stringArray(JsonWriter &w, const std::vector<std::string> &items)
{
    w.beginArray();
    for (const auto &item : items)
        w.value(item);
    w.endArray();
}

// One object per line inside a named array: readable in a diff, still plain JSON.
void appendArray(std::string &out, const char *name, const std::vector<std::string> &objects, bool last)
{
    out += "  \"";
    out += name;
    out += "\": [";
    for (std::size_t i = 0; i < objects.size(); ++i) {
        out += i == 0 ? "\n    " : ",\n    ";
        out += objects[i];
    }
    out += objects.empty() ? "]" : "\n  ]";
    out += last ? "\n" : ",\n";
}

} // namespace

std::string groundTruthJson(const Tenant &tenant, const SimData &data, const SimSummary &summary)
{
    std::string out = "{\n";
    {
        JsonWriter w;
        w.beginObject();
        w.field("generator", "mailpivot simulate");
        w.key("seed");
        w.raw(std::to_string(summary.seed)); // unsigned 64-bit: JsonWriter's int64 would wrap
        w.key("scale");
        w.value(summary.scale);
        w.key("scenarios");
        stringArray(w, summary.scenarios);
        w.endObject();
        // Splice the header fields into the top-level object.
        const std::string &t = w.text();
        out += "  " + t.substr(1, t.size() - 2) + ",\n";
    }
    {
        JsonWriter w;
        w.beginObject();
        w.field("id", tenant.tenantId());
        w.key("domains");
        stringArray(w, {std::string(Tenant::kDomain)});
        w.field("organization", Tenant::kOrganizationName);
        w.field("office_ip", places::office().ip);
        w.field("office_ipv6", places::officeIpv6());
        w.field("home_country", "US");
        w.field("first", summary.firstMs ? isoSeconds(summary.firstMs, true) : std::string());
        w.field("last", summary.lastMs ? isoSeconds(summary.lastMs, true) : std::string());
        w.endObject();
        out += "  \"tenant\": " + w.text() + ",\n";
    }
    {
        std::vector<std::string> files;
        auto file = [&](const char *name, const char *format, std::int64_t records) {
            JsonWriter w;
            w.beginObject();
            w.field("name", name);
            w.field("format", format);
            w.key("records");
            w.value(records);
            w.endObject();
            files.push_back(w.take());
        };
        file("signins.json", "Microsoft Graph auditLogs/signIns page (beta fields)", summary.signIns);
        file("audit.csv", "Purview audit search export (CSV)", summary.auditRecords);
        if (summary.scale == 0)
            file("messagetrace.csv", "Get-MessageTrace | Export-Csv", summary.messages);
        appendArray(out, "files", files, false);
    }
    std::vector<std::string> findings;
    for (const ExpectedFinding &f : data.findings) {
        JsonWriter w;
        w.beginObject();
        w.field("scenario", f.scenario);
        w.field("detector", f.detector);
        w.field("user", f.user);
        w.field("ip", f.ip);
        w.key("ips");
        stringArray(w, f.ips);
        w.field("first", isoSeconds(f.firstMs, true));
        w.field("last", isoSeconds(f.lastMs, true));
        w.key("seed_profile_raises");
        w.value(f.seedProfileRaises);
        w.field("why", f.why);
        w.endObject();
        findings.push_back(w.take());
    }
    appendArray(out, "findings", findings, false);
    std::vector<std::string> acceptable;
    for (const AcceptableFinding &a : data.acceptable) {
        JsonWriter w;
        w.beginObject();
        w.field("scenario", a.scenario);
        w.field("detector", a.detector);
        w.field("user", a.user);
        w.field("ip", a.ip);
        if (a.timeMs)
            w.field("time", isoSeconds(a.timeMs, true));
        w.key("max_severity");
        if (a.maxSeverity.empty())
            w.null();
        else
            w.value(a.maxSeverity);
        w.field("why", a.why);
        w.endObject();
        acceptable.push_back(w.take());
    }
    appendArray(out, "acceptable", acceptable, false);
    std::vector<std::string> traps;
    for (const BenignTrap &t : data.traps) {
        JsonWriter w;
        w.beginObject();
        w.field("scenario", t.scenario);
        w.key("detectors");
        stringArray(w, t.detectors);
        w.field("user", t.user);
        w.key("ips");
        stringArray(w, t.ips);
        w.field("first", isoSeconds(t.firstMs, true));
        w.field("last", isoSeconds(t.lastMs, true));
        w.key("tuning");
        if (t.tuning.empty())
            w.null();
        else
            w.value(t.tuning);
        w.field("why", t.why);
        w.endObject();
        traps.push_back(w.take());
    }
    appendArray(out, "traps", traps, false);
    std::vector<std::string> links;
    for (const CampaignLink &l : data.links) {
        JsonWriter w;
        w.beginObject();
        w.field("scenario", l.scenario);
        w.field("kind", l.kind);
        w.field("value", l.value);
        w.key("users");
        stringArray(w, l.users);
        w.key("links");
        w.value(l.links);
        w.field("why", l.why);
        w.endObject();
        links.push_back(w.take());
    }
    appendArray(out, "campaign_links", links, true);
    out += "}\n";
    return out;
}

std::string tuningJson(const SimData &data)
{
    std::string out = "{\n";
    auto list = [&](const char *key, const std::vector<std::string> &items, bool last) {
        JsonWriter w;
        stringArray(w, items);
        out += "  \"";
        out += key;
        out += "\": " + w.text() + (last ? "\n" : ",\n");
    };
    list("trusted_networks", data.trustedNetworks, false);
    list("service_accounts", data.serviceAccounts, false);
    list("admin_accounts", data.adminAccounts, true);
    out += "}\n";
    return out;
}

std::string readmeText(const Tenant &tenant, const SimData &data, const SimSummary &summary)
{
    std::string out;
    out += "Simulated Microsoft 365 exports - written by `mailpivot simulate`, seed " + std::to_string(summary.seed) + "\n";
    out += std::string(78, '=') + "\n\n";
    out += "Everything here is made up. The tenant is Contoso (" + std::string(Tenant::kDomain) + ", tenant id "
           + tenant.tenantId() + "),\n"
           "an office in New York whose staff sign in from the office NAT address " + places::office().ip + "\n"
           "(IPv6 " + places::officeIpv6() + ") and from home broadband around the city. Attacker mail domains\n"
           "are under .example. Public addresses were picked because GeoIP data places them in the\n"
           "country the logs claim; they say nothing about whoever uses them. All times are UTC.\n\n";
    if (summary.scale > 0) {
        out += "Benchmark volume: " + std::to_string(summary.signIns) + " sign-ins and " + std::to_string(summary.auditRecords)
               + " audit records of ordinary activity\n"
                 "(office and home sign-ins, mail read and sent, the odd mistyped password and organising rule),\n"
                 "written oldest first. There are no scenarios and nothing to find.\n\n";
    }
    out += "Files\n"
           "  signins.json      Microsoft Graph auditLogs/signIns page ({\"@odata.context\":..., \"value\":[...]}), newest first\n"
           "  audit.csv         Purview audit search export: RecordId,CreationDate,RecordType,Operation,UserId,AuditData,...\n";
    if (summary.scale == 0)
        out += "  messagetrace.csv  Get-MessageTrace | Export-Csv: Received,SenderAddress,RecipientAddress,Subject,...\n";
    out += "  ground-truth.json what a correct engine must find, may find, and must not find\n"
           "  tuning.json       the tuning the benign traps call for (trusted_networks, service_accounts, admin_accounts)\n\n"
           "Import and detect\n"
           "  mailpivot ingest demo.mpcase signins.json audit.csv" + std::string(summary.scale == 0 ? " messagetrace.csv" : "")
           + "\n"
           "  mailpivot detect demo.mpcase --tuning tuning.json\n\n";
    if (summary.scale == 0) {
        out += "Counts: " + std::to_string(summary.signIns) + " sign-ins, " + std::to_string(summary.auditRecords)
               + " audit records, " + std::to_string(summary.messages) + " message trace rows, from "
               + isoSeconds(summary.firstMs, true) + " to " + isoSeconds(summary.lastMs, true) + ".\n\n";
        out += "Background: " + std::to_string(tenant.staff().size())
               + " ordinary users work Monday to Friday from the office (some days from home),\n"
                 "read and send mail (many replies and forwards: RE:, FW:), read their phones in the evening,\n"
                 "now and then mistype a password or meet an MFA prompt, and a few make rules that file newsletters\n"
                 "(ground-truth.json lists those under \"acceptable\" with max_severity \"low\").\n\n";
        out += "Scenarios\n\n";
        for (const std::string &block : data.story)
            out += block + "\n\n";
    }
    return out;
}

} // namespace mp::sim
