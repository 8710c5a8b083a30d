#include "cli/arguments.h"
#include "cli/casehelpers.h"
#include "cli/cli.h"
#include "cli/terminaltext.h"
#include "store/eventformat.h"
#include "util/ipaddr.h"
#include "util/strings.h"
#include "util/timeparse.h"

#include <map>
#include <ostream>

namespace mp::cli {

namespace {

const char *kEventsHelp =
    "Usage: mailpivot events CASE [options]\n\n"
    "Lists the normalised records of a case, sign-ins and audit events together, in time order.\n\n"
    "Options:\n"
    "  --user UPN        only this user (case-insensitive)\n"
    "  --ip IP           only this address (ports and brackets are ignored)\n"
    "  --operation OP    only this operation (SignIn, Send, New-InboxRule, ...)\n"
    "  --from TIME       from this time (ISO 8601, UTC unless a zone is given)\n"
    "  --to TIME         before this time\n"
    "  --limit N         at most N events\n"
    "  --csv             CSV (spreadsheet-safe)\n"
    "  --json            a JSON array of objects with the normalised fields, source file and line\n";

const char *kRecordHelp =
    "Usage: mailpivot record CASE EVENT_ID\n\n"
    "Prints the original log record of an event exactly as it stood in the imported file,\n"
    "followed by its provenance (file, SHA-256, line).\n";

const char *kSourcesHelp =
    "Usage: mailpivot sources CASE [--json]\n\n"
    "Lists every imported file: name, size, SHA-256, format, import time and counts.\n";

std::string eventDetail(const Event &e)
{
    std::string detail;
    auto add = [&](std::string_view label, std::string_view value) {
        if (value.empty())
            return;
        if (!detail.empty())
            detail += "  ";
        detail += label;
        detail += value;
    };
    if (e.resultCode != kNoResult)
        add("result=", std::to_string(e.resultCode));
    add("app=", e.app);
    add("risk=", e.riskLevel);
    add("rule=", e.ruleName);
    add("forward=", e.forwardTargets);
    add("subject=", e.subject);
    add("to=", e.recipients);
    return detail;
}

} // namespace

int eventsCommand(const std::vector<std::string> &argv, std::ostream &out, std::ostream &err)
{
    Arguments args({"--user", "--ip", "--operation", "--from", "--to", "--limit"},
                   {"--csv", "--json", "--help", "-h"});
    if (!args.parse(argv)) {
        err << "mailpivot events: " << args.error() << "\n\n" << kEventsHelp;
        return Usage;
    }
    if (args.flag("--help") || args.flag("-h")) {
        out << kEventsHelp;
        return Ok;
    }
    if (args.positional().size() != 1) {
        err << "mailpivot events: needs exactly one case\n\n" << kEventsHelp;
        return Usage;
    }
    if (args.flag("--csv") && args.flag("--json")) {
        err << "mailpivot events: --csv and --json exclude each other\n";
        return Usage;
    }
    EventFilter filter;
    filter.user = toLowerAscii(args.value("--user", ""));
    if (const auto ip = args.value("--ip")) {
        filter.ip = normalizeIp(*ip);
        if (filter.ip.empty()) {
            err << "mailpivot events: '" << *ip << "' is not an IP address\n";
            return Usage;
        }
    }
    filter.operation = args.value("--operation", "");
    for (const auto &[option, target] : {std::pair{"--from", &filter.fromMs}, std::pair{"--to", &filter.toMs}}) {
        if (const auto text = args.value(option)) {
            const auto ms = parseUserTime(*text);
            if (!ms) {
                err << "mailpivot events: " << option << " '" << *text << "' is not a time (use ISO 8601)\n";
                return Usage;
            }
            *target = *ms;
        }
    }
    if (const auto limit = args.value("--limit")) {
        try {
            filter.limit = std::stoll(*limit);
        } catch (...) {
            err << "mailpivot events: --limit needs a number\n";
            return Usage;
        }
    }
    CaseStore store;
    if (!openCase(store, args.positional().front(), false, err))
        return SomeFailed;
    std::map<std::int64_t, std::string> sourceNames;
    for (const SourceFile &s : store.sources())
        sourceNames[s.id] = s.name;

    if (args.flag("--json")) {
        JsonWriter w;
        out << '[';
        bool first = true;
        store.forEachEvent(filter, [&](const StoredEvent &e) {
            w.clear();
            writeEventJson(w, e, sourceNames[e.event.sourceId]);
            out << (first ? "\n" : ",\n") << w.text();
            first = false;
            return true;
        });
        out << (first ? "]\n" : "\n]\n");
    } else if (args.flag("--csv")) {
        bool first = true;
        for (const std::string &c : eventCsvColumns()) {
            out << (first ? "" : ",") << c;
            first = false;
        }
        out << "\r\n";
        store.forEachEvent(filter, [&](const StoredEvent &e) {
            out << eventCsvLine(e, sourceNames[e.event.sourceId]) << "\r\n";
            return true;
        });
    } else {
        out << column("time", 25) << column("kind", 8) << column("user", 32) << column("ip", 18)
            << column("cc", 3) << column("operation", 24) << "detail\n";
        std::int64_t count = 0;
        store.forEachEvent(filter, [&](const StoredEvent &s) {
            const Event &e = s.event;
            out << column(e.hasTime() ? formatIso(e.timeMs) : "-", 25) << column(eventKindName(e.kind), 8)
                << column(e.user, 31) << ' ' << column(e.ip, 17) << ' ' << column(e.country, 3)
                << column(e.operation, 23) << ' ' << printable(eventDetail(e)) << '\n';
            ++count;
            return true;
        });
        out << count << " events\n";
    }
    return Ok;
}

int recordCommand(const std::vector<std::string> &argv, std::ostream &out, std::ostream &err)
{
    Arguments args({}, {"--help", "-h"});
    if (!args.parse(argv) || (!args.flag("--help") && args.positional().size() != 2)) {
        err << "mailpivot record: needs a case and an event id\n\n" << kRecordHelp;
        return Usage;
    }
    if (args.flag("--help")) {
        out << kRecordHelp;
        return Ok;
    }
    std::int64_t id = 0;
    try {
        id = std::stoll(args.positional()[1]);
    } catch (...) {
        err << "mailpivot record: '" << args.positional()[1] << "' is not an event id\n";
        return Usage;
    }
    CaseStore store;
    if (!openCase(store, args.positional().front(), false, err))
        return SomeFailed;
    const auto event = store.event(id);
    const auto raw = store.rawRecord(id);
    if (!event || !raw) {
        err << "mailpivot record: no event " << id << " in this case\n";
        return SomeFailed;
    }
    const auto source = store.source(event->event.sourceId);
    out << *raw << '\n';
    out << "-- " << (source ? source->name : "?") << ':' << event->event.line
        << " sha256 " << (source ? source->sha256 : "?") << '\n';
    return Ok;
}

int sourcesCommand(const std::vector<std::string> &argv, std::ostream &out, std::ostream &err)
{
    Arguments args({}, {"--help", "-h", "--json"});
    if (!args.parse(argv) || (!args.flag("--help") && args.positional().size() != 1)) {
        err << "mailpivot sources: needs exactly one case\n\n" << kSourcesHelp;
        return Usage;
    }
    if (args.flag("--help")) {
        out << kSourcesHelp;
        return Ok;
    }
    CaseStore store;
    if (!openCase(store, args.positional().front(), false, err))
        return SomeFailed;
    JsonWriter w;
    w.beginArray();
    for (const SourceFile &s : store.sources()) {
        if (args.flag("--json")) {
            w.beginObject();
            w.field("id", s.id);
            w.field("name", s.name);
            w.field("path", s.path);
            w.field("size", s.size);
            w.field("sha256", s.sha256);
            w.field("format", s.format);
            w.field("encoding", s.encoding);
            w.field("date_order", s.dateOrder);
            w.field("imported_at", formatIso(s.importedAtMs));
            w.field("records_read", s.recordsRead);
            w.field("imported", s.imported);
            w.field("duplicates", s.duplicates);
            w.field("rejected", s.rejected);
            w.endObject();
        } else {
            out << '#' << s.id << ' ' << s.name << "  " << s.size << " bytes  sha256 " << s.sha256 << '\n'
                << "   " << s.format << ", imported " << formatIso(s.importedAtMs) << ": read "
                << s.recordsRead << ", imported " << s.imported << ", duplicates " << s.duplicates
                << ", rejected " << s.rejected << '\n';
        }
    }
    w.endArray();
    if (args.flag("--json"))
        out << w.text() << '\n';
    return Ok;
}

} // namespace mp::cli
