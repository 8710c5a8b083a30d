#include "cli/arguments.h"
#include "cli/casehelpers.h"
#include "cli/cli.h"
#include "cli/terminaltext.h"
#include "detect/engine.h"
#include "util/jsonwriter.h"
#include "util/timeparse.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <map>
#include <ostream>

namespace mp::cli {

namespace {

const char *kDetectHelp =
    "Usage: mailpivot detect CASE [--profile default|seed] [--tuning FILE] [--json]\n\n"
    "Runs every detector of a profile over the case, stores the findings in it (replacing those\n"
    "of the previous run; triage is kept) and prints them in a stable order.\n\n"
    "Options:\n"
    "  --profile NAME   default: the detectors this tool recommends (the default)\n"
    "                   seed: the seed's Sentinel rule branch by branch, to reproduce SIEM alerts\n"
    "  --tuning FILE    trusted networks, service and admin accounts, thresholds (docs/tuning.md);\n"
    "                   without it, the case's own CASE.tuning.json (x.mpcase: x.tuning.json)\n"
    "                   when it exists\n"
    "  --json           one object {\"findings\":[...], \"incidents\":[...]}\n";

void writeTime(JsonWriter &w, std::string_view key, std::int64_t ms)
{
    w.key(key);
    if (ms == kNoTime)
        w.null();
    else
        w.value(formatIso(ms));
}

} // namespace

int detectCommand(const std::vector<std::string> &argv, std::ostream &out, std::ostream &err)
{
    Arguments args({"--profile", "--tuning"}, {"--json", "--help", "-h"});
    if (!args.parse(argv)) {
        err << "mailpivot detect: " << args.error() << "\n\n" << kDetectHelp;
        return Usage;
    }
    if (args.flag("--help") || args.flag("-h")) {
        out << kDetectHelp;
        return Ok;
    }
    if (args.positional().size() != 1) {
        err << "mailpivot detect: needs exactly one case\n\n" << kDetectHelp;
        return Usage;
    }
    const std::string profileText = args.value("--profile", "default");
    const auto profile = profileFromName(profileText);
    if (!profile) {
        err << "mailpivot detect: unknown profile '" << profileText << "' (default or seed)\n";
        return Usage;
    }
    DetectionOptions options;
    options.profile = *profile;
    // Without --tuning, the case's own tuning file (the one the workspace writes) when there is one.
    std::optional<std::string> tuningPath = args.value("--tuning");
    if (!tuningPath) {
        const std::string own = caseTuningPath(args.positional().front());
        if (QFileInfo::exists(QString::fromStdString(own))) {
            err << "mailpivot detect: tuning: " << own << '\n';
            tuningPath = own;
        }
    }
    if (const auto &path = tuningPath) {
        std::string error;
        auto tuning = Tuning::load(*path, &error);
        if (!tuning) {
            err << "mailpivot detect: tuning: " << error << '\n';
            return SomeFailed;
        }
        options.tuning = std::move(*tuning);
    }
    CaseStore store;
    if (!openCase(store, args.positional().front(), false, err))
        return SomeFailed;
    const DetectionResult result = detectAndStore(store, options);
    if (!result.ok) {
        err << "mailpivot detect: " << (result.error.empty() ? std::string("cancelled") : result.error) << '\n';
        return SomeFailed;
    }

    // Print what was stored, so that the output is what the case now holds, triage included.
    FindingStore findings(store);
    const std::vector<StoredFinding> stored = findings.findings();
    const std::vector<StoredIncident> incidents = findings.incidents();
    if (args.flag("--json")) {
        std::map<std::int64_t, std::vector<EvidenceEvent>> evidence;
        findings.forEachEvidence([&](const EvidenceEvent &e) { evidence[e.findingId].push_back(e); });
        JsonWriter w;
        w.beginObject();
        w.key("findings");
        w.beginArray();
        for (const StoredFinding &sf : stored) {
            const Finding &f = sf.finding;
            w.beginObject();
            w.field("id", sf.position);
            w.field("detector", f.detector);
            w.field("severity", severityName(f.severity));
            w.key("score");
            w.value(f.score);
            w.key("user");
            w.value(f.user);
            w.key("ips");
            w.beginArray();
            for (const std::string &ip : f.ips)
                w.value(ip);
            w.endArray();
            writeTime(w, "first_time", f.firstTimeMs);
            writeTime(w, "last_time", f.lastTimeMs);
            w.key("summary");
            w.value(f.summary);
            w.key("details");
            if (f.details.empty())
                w.raw("{}");
            else
                w.raw(f.details);
            w.key("suppressed_by");
            if (f.suppressedBy.empty())
                w.null();
            else
                w.value(f.suppressedBy);
            w.key("fingerprint");
            w.value(f.fingerprint);
            w.key("triage");
            w.value(triageStateName(sf.triage.state));
            w.key("incident_id");
            if (f.incidentId > 0)
                w.value(f.incidentId);
            else
                w.null();
            w.key("evidence");
            w.beginArray();
            for (const EvidenceEvent &e : evidence[sf.id]) {
                w.beginObject();
                w.field("event_id", e.eventId);
                writeTime(w, "time", e.timeMs);
                w.key("operation");
                w.value(e.operation);
                w.key("ip");
                w.value(e.ip);
                w.endObject();
            }
            w.endArray();
            w.endObject();
        }
        w.endArray();
        w.key("incidents");
        w.beginArray();
        for (const StoredIncident &si : incidents) {
            const Incident &inc = si.incident;
            w.beginObject();
            w.field("id", si.id);
            w.key("user");
            w.value(inc.user);
            w.field("severity", severityName(inc.severity));
            w.key("score");
            w.value(inc.score);
            writeTime(w, "first_time", inc.firstTimeMs);
            writeTime(w, "last_time", inc.lastTimeMs);
            w.key("summary");
            w.value(inc.summary);
            w.key("finding_ids");
            w.beginArray();
            for (const std::int64_t id : inc.findings)
                w.value(id);
            w.endArray();
            const QJsonObject details = QJsonDocument::fromJson(QByteArray::fromStdString(inc.details)).object();
            w.key("steps");
            w.raw(QJsonDocument(details.value(QLatin1String("steps")).toArray()).toJson(QJsonDocument::Compact).toStdString());
            w.key("details");
            w.raw(inc.details.empty() ? std::string("{}") : inc.details);
            w.key("fingerprint");
            w.value(inc.fingerprint);
            w.key("triage");
            w.value(triageStateName(si.triage.state));
            w.endObject();
        }
        w.endArray();
        w.endObject();
        out << w.text() << '\n';
        return Ok;
    }

    out << column("first time", 25) << column("severity", 14) << column("detector", 22) << column("user", 32)
        << column("ips (network class)", 28) << "summary\n";
    std::size_t suppressed = 0;
    for (const StoredFinding &sf : stored) {
        const Finding &f = sf.finding;
        // Each IP with its network class ("51.15.22.187 hosting") when the table knows it.
        const QJsonArray networks = QJsonDocument::fromJson(QByteArray::fromStdString(f.details))
                                        .object().value(QLatin1String("networks")).toArray();
        std::string ips;
        for (const std::string &ip : f.ips) {
            ips += (ips.empty() ? "" : ",") + ip;
            for (const QJsonValue n : networks) {
                const QJsonObject o = n.toObject();
                if (o.value(QLatin1String("ip")).toString().toStdString() == ip && o.value(QLatin1String("class")).isString())
                    ips += " " + o.value(QLatin1String("class")).toString().toStdString();
            }
        }
        out << column(f.firstTimeMs == kNoTime ? "-" : formatIso(f.firstTimeMs), 25)
            << column(severityName(f.severity), 14) << column(f.detector, 22) << column(f.user, 31) << ' '
            << column(ips, 27) << ' ' << printable(f.summary);
        if (!f.suppressedBy.empty()) {
            out << "  [suppressed by " << printable(f.suppressedBy) << ']';
            ++suppressed;
        }
        if (sf.triage.state != TriageState::New)
            out << "  [" << triageStateName(sf.triage.state) << ']';
        out << '\n';
    }
    if (!incidents.empty()) {
        out << "\nIncidents\n" << column("id", 5) << column("first time", 25) << column("last time", 25)
            << column("severity", 14) << column("score", 8) << column("user", 32) << "summary\n";
        for (const StoredIncident &si : incidents) {
            const Incident &inc = si.incident;
            std::string ids;
            for (const std::int64_t id : inc.findings)
                ids += (ids.empty() ? "" : ",") + std::to_string(id);
            out << column(std::to_string(si.id), 5)
                << column(inc.firstTimeMs == kNoTime ? "-" : formatIso(inc.firstTimeMs), 25)
                << column(inc.lastTimeMs == kNoTime ? "-" : formatIso(inc.lastTimeMs), 25)
                << column(severityName(inc.severity), 14) << column(std::to_string(static_cast<long long>(inc.score)), 8)
                << column(inc.user, 31) << ' ' << printable(inc.summary) << "  [findings " << ids << ']';
            if (si.triage.state != TriageState::New)
                out << "  [" << triageStateName(si.triage.state) << ']';
            out << '\n';
        }
        out << '\n';
    }
    out << stored.size() << " findings (" << suppressed << " suppressed by tuning), " << incidents.size()
        << " incidents, profile "
        << profileName(options.profile) << ", " << result.eventCount << " events\n";
    return Ok;
}

} // namespace mp::cli
