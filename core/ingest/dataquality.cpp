#include "ingest/dataquality.h"

#include "util/timeparse.h"

#include <algorithm>
#include <map>

namespace mp {

namespace {

constexpr std::int64_t kHour = 3600 * 1000LL;
constexpr std::int64_t kDay = 24 * kHour;

std::string duration(std::int64_t ms)
{
    if (ms >= 2 * kDay)
        return std::to_string(ms / kDay) + " days";
    if (ms >= 2 * kHour)
        return std::to_string(ms / kHour) + " hours";
    return std::to_string(ms / 60000) + " minutes";
}

} // namespace

std::string logFamily(const std::string &formatId)
{
    if (formatId.find("signin") != std::string::npos)
        return "sign-ins";
    if (formatId.find("message-trace") != std::string::npos)
        return "message trace";
    if (formatId.find("inbox-rules") != std::string::npos)
        return "rule snapshot";
    // Directory and endpoint logs are other logs than the mailbox audit: comparing their time
    // ranges with it would only raise false gaps and overlaps.
    if (formatId.find("directory-audit") != std::string::npos)
        return "directory audit";
    if (formatId.find("defender") != std::string::npos)
        return "defender";
    return "audit";
}

std::vector<std::string> fileWarnings(const FileReport &file, std::int64_t outOfOrderLine)
{
    std::vector<std::string> out;
    const std::int64_t total = file.source.recordsRead;
    // Portal downloads, Search-UnifiedAuditLog and Purview exports stop at these counts without
    // saying so: the export is almost certainly missing records.
    for (const std::int64_t cap : {5000LL, 50000LL, 250000LL}) {
        if (total == cap) {
            out.push_back("holds exactly " + std::to_string(cap)
                          + " records, a known export limit: the export is probably truncated; "
                            "export smaller time ranges");
        }
    }
    if (outOfOrderLine > 0) {
        out.push_back("records are out of time order by more than a day (first at line "
                      + std::to_string(outOfOrderLine) + "): were exports concatenated by hand?");
    }
    if (file.unplacedIps > 0) {
        out.push_back(std::to_string(file.unplacedIps)
                      + " public IP addresses could not be placed by GeoIP (no location in the log "
                        "and none in the database)");
    }
    return out;
}

std::vector<std::string> caseWarnings(CaseStore &store)
{
    std::vector<std::string> out;
    std::map<std::string, std::vector<SourceFile>> families;
    for (SourceFile &s : store.sources()) {
        if (s.firstTimeMs != kNoTime)
            families[logFamily(s.format)].push_back(std::move(s));
    }
    std::map<std::string, std::pair<std::int64_t, std::int64_t>> spans;
    for (auto &[family, files] : families) {
        std::sort(files.begin(), files.end(),
                  [](const SourceFile &a, const SourceFile &b) { return a.firstTimeMs < b.firstTimeMs; });
        std::int64_t reach = files.front().lastTimeMs;
        const SourceFile *reacher = &files.front();
        for (std::size_t i = 1; i < files.size(); ++i) {
            const SourceFile &f = files[i];
            if (f.firstTimeMs <= reach) {
                out.push_back(family + ": " + reacher->name + " and " + f.name + " overlap from "
                              + formatIso(f.firstTimeMs) + " to " + formatIso(std::min(reach, f.lastTimeMs))
                              + " (records present in both were stored once)");
            } else {
                const std::int64_t gap = f.firstTimeMs - reach;
                if (gap > 6 * kHour) {
                    out.push_back(family + ": no records for " + duration(gap) + " between "
                                  + reacher->name + " (ends " + formatIso(reach) + ") and " + f.name
                                  + " (starts " + formatIso(f.firstTimeMs) + "): a missing export?");
                }
            }
            if (f.lastTimeMs > reach) {
                reach = f.lastTimeMs;
                reacher = &f;
            }
        }
        spans[family] = {files.front().firstTimeMs, reach};
    }
    // A log that covers much less time than another hides activity outside its range.
    for (const auto &[family, span] : spans) {
        for (const auto &[other, otherSpan] : spans) {
            if (family == other || family == "rule snapshot")
                continue;
            const std::int64_t length = span.second - span.first;
            const std::int64_t otherLength = otherSpan.second - otherSpan.first;
            if (otherLength > kDay && length * 2 < otherLength) {
                out.push_back(family + " cover " + duration(std::max<std::int64_t>(length, 60000))
                              + " while " + other + " cover " + duration(otherLength) + " ("
                              + formatIso(otherSpan.first) + " to " + formatIso(otherSpan.second)
                              + "): activity outside the shorter range is invisible");
                break;
            }
        }
    }
    return out;
}

} // namespace mp
