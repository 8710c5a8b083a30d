#include "cli/arguments.h"
#include "cli/casehelpers.h"
#include "cli/cli.h"
#include "ingest/importer.h"
#include "util/jsonwriter.h"
#include "util/timeparse.h"

#include <ostream>

namespace mp::cli {

namespace {

const char *kHelp =
    "Usage: mailpivot ingest CASE FILE|FOLDER... [options]\n\n"
    "Imports log exports into CASE (created when missing). Formats are recognised from content:\n"
    "Entra sign-ins (Graph JSON, portal CSV/JSON, Azure Monitor, Log Analytics), the unified\n"
    "audit log (Purview CSV, Search-UnifiedAuditLog CSV, Management API JSON, Sentinel\n"
    "OfficeActivity), inbox rule snapshots and message trace. Each file is one transaction:\n"
    "a file that fails leaves the case as it was. Importing the same file again changes nothing.\n"
    "A folder is walked through its subfolders, files in path order; hidden files are left out,\n"
    "and files there that are not log exports are reported as skipped, not as errors. An\n"
    "archive or compressed file (zip, tar, 7z, gz, xz, ...) is read like a folder.\n\n"
    "Options:\n"
    "  --date-order mdy|dmy  how to read dates like 03/04/2024 (default: decided per file)\n"
    "  --format ID           skip detection and read every file as this format\n"
    "  --json                print the summary as one JSON object\n"
    "  --quiet               print nothing but errors\n";

std::string timeText(std::int64_t ms)
{
    return ms == kNoTime ? std::string() : formatIso(ms);
}

void printText(const ImportReport &report, const std::string &casePath, std::ostream &out)
{
    out << "case " << casePath << '\n';
    for (const FileReport &f : report.files) {
        out << '\n' << f.path << '\n';
        if (f.status != FileReport::Status::Imported) {
            out << "  " << statusName(f.status) << ": " << f.error << '\n';
            if (f.status != FileReport::Status::AlreadyImported)
                continue;
        }
        const SourceFile &s = f.source;
        out << "  format   " << s.format;
        if (!f.formatDescription.empty())
            out << " (" << f.formatDescription << ")";
        out << ", " << s.encoding << '\n';
        if (f.status == FileReport::Status::AlreadyImported)
            continue;
        out << "  records  read " << s.recordsRead << ", imported " << s.imported
            << ", duplicates " << s.duplicates << ", rejected " << s.rejected << '\n';
        if (s.firstTimeMs != kNoTime)
            out << "  time     " << timeText(s.firstTimeMs) << " .. " << timeText(s.lastTimeMs) << '\n';
        if (!s.dateOrder.empty())
            out << "  dates    " << s.dateOrder << ": " << s.dateOrderNote << '\n';
        out << "  sha256   " << s.sha256 << '\n';
        for (const ImportProblem &p : f.firstRejections)
            out << "  rejected " << f.path << ':' << p.line << ": " << p.reason << '\n';
        if (s.rejected > static_cast<std::int64_t>(f.firstRejections.size()))
            out << "  ... and " << s.rejected - static_cast<std::int64_t>(f.firstRejections.size())
                << " more rejected rows (all listed in the case)\n";
        for (const ImportProblem &p : f.warnings) {
            out << "  warning  ";
            if (p.line > 0)
                out << f.path << ':' << p.line << ": ";
            out << p.reason << '\n';
        }
    }
    if (!report.warnings.empty()) {
        out << "\ncase warnings\n";
        for (const std::string &w : report.warnings)
            out << "  " << w << '\n';
    }
}

void printJson(const ImportReport &report, const std::string &casePath,
               const std::vector<std::string> &geoProblems, std::ostream &out)
{
    JsonWriter w;
    w.beginObject();
    w.field("case", casePath);
    w.key("files");
    w.beginArray();
    for (const FileReport &f : report.files) {
        const SourceFile &s = f.source;
        w.beginObject();
        w.key("path");
        w.value(f.path);
        w.key("status");
        w.value(statusName(f.status));
        w.field("error", f.error);
        w.field("format", s.format);
        w.field("format_description", f.formatDescription);
        w.field("encoding", s.encoding);
        w.field("sha256", s.sha256);
        w.field("size", s.size);
        if (s.id)
            w.field("source_id", s.id);
        w.field("date_order", s.dateOrder);
        w.field("date_order_note", s.dateOrderNote);
        w.field("records_read", s.recordsRead);
        w.field("imported", s.imported);
        w.field("duplicates", s.duplicates);
        w.field("rejected", s.rejected);
        w.field("first_time", timeText(s.firstTimeMs));
        w.field("last_time", timeText(s.lastTimeMs));
        w.key("first_rejections");
        w.beginArray();
        for (const ImportProblem &p : f.firstRejections) {
            w.beginObject();
            w.field("line", p.line);
            w.field("reason", p.reason);
            w.endObject();
        }
        w.endArray();
        w.key("warnings");
        w.beginArray();
        for (const ImportProblem &p : f.warnings) {
            w.beginObject();
            w.field("line", p.line);
            w.field("reason", p.reason);
            w.endObject();
        }
        w.endArray();
        w.endObject();
    }
    w.endArray();
    w.key("warnings");
    w.beginArray();
    for (const std::string &warning : report.warnings)
        w.value(warning);
    for (const std::string &problem : geoProblems)
        w.value(problem);
    w.endArray();
    w.endObject();
    out << w.text() << '\n';
}

} // namespace

int ingestCommand(const std::vector<std::string> &argv, std::ostream &out, std::ostream &err)
{
    Arguments args({"--date-order", "--format", "--geo-dir", "--city-mmdb", "--asn-mmdb"},
                   {"--json", "--help", "-h", "--quiet"});
    if (!args.parse(argv)) {
        err << "mailpivot ingest: " << args.error() << "\n\n" << kHelp << geoOptionsHelp();
        return Usage;
    }
    if (args.flag("--help") || args.flag("-h")) {
        out << kHelp << geoOptionsHelp();
        return Ok;
    }
    if (args.positional().size() < 2) {
        err << "mailpivot ingest: needs a case and at least one file or folder\n\n" << kHelp << geoOptionsHelp();
        return Usage;
    }
    ImportOptions options;
    if (const auto order = args.value("--date-order")) {
        if (*order == "mdy")
            options.dateOrder = DateOrder::MonthFirst;
        else if (*order == "dmy")
            options.dateOrder = DateOrder::DayFirst;
        else {
            err << "mailpivot ingest: --date-order is mdy or dmy, not '" << *order << "'\n";
            return Usage;
        }
    }
    options.format = args.value("--format", "");
    const std::string casePath = args.positional().front();
    CaseStore store;
    if (!openCase(store, casePath, true, err))
        return SomeFailed;
    std::vector<std::string> geoProblems;
    const auto geo = openGeo(args, geoProblems);
    options.geo = geo.get();
    const std::vector<std::string> files(args.positional().begin() + 1, args.positional().end());
    const ImportReport report = importFiles(store, files, options);
    if (args.flag("--json")) {
        printJson(report, casePath, geoProblems, out);
    } else if (!args.flag("--quiet")) {
        printText(report, casePath, out);
        for (const std::string &p : geoProblems)
            out << "note: " << p << '\n';
    }
    return report.allRead() ? Ok : SomeFailed;
}

} // namespace mp::cli
