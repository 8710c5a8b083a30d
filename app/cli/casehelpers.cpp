#include "cli/casehelpers.h"

#include "cli/arguments.h"
#include "util/timeparse.h"

#include <filesystem>
#include <ostream>

namespace mp::cli {

bool openCase(CaseStore &store, const std::string &path, bool create, std::ostream &err)
{
    if (!create && !std::filesystem::exists(path)) {
        err << "mailpivot: " << path << ": no such case\n";
        return false;
    }
    std::string error;
    if (!store.open(path, create, &error)) {
        err << "mailpivot: " << error << '\n';
        return false;
    }
    return true;
}

std::unique_ptr<GeoDb> openGeo(const Arguments &args, std::vector<std::string> &problems)
{
    auto geo = std::make_unique<GeoDb>();
    const auto city = args.value("--city-mmdb");
    const auto asn = args.value("--asn-mmdb");
    if (city || asn) {
        GeoPaths paths;
        if (city)
            paths.cityMmdb = *city;
        if (asn)
            paths.asnMmdb = *asn;
        geo->open(paths, &problems);
    } else {
        const std::string dir = args.value("--geo-dir", GeoDb::defaultDataDir());
        if (!geo->openDataDir(dir, &problems) && problems.empty())
            problems.push_back("no GeoIP data in " + dir + ": run scripts/fetch-data.sh");
    }
    if (!geo->isOpen())
        return nullptr;
    return geo;
}

std::optional<std::int64_t> parseUserTime(const std::string &text)
{
    if (auto ms = parseTimestamp(text, DateOrder::Unknown))
        return ms;
    // A bare date means its midnight, UTC.
    if (text.size() == 10)
        return parseTimestamp(text + "T00:00:00Z", DateOrder::Unknown);
    return std::nullopt;
}

} // namespace mp::cli
