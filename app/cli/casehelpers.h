#pragma once

#include "geo/geodb.h"
#include "store/casestore.h"

#include <iosfwd>
#include <memory>
#include <optional>
#include <string>

namespace mp::cli {

class Arguments;

// Opens an existing case for a command, printing the reason on failure.
bool openCase(CaseStore &store, const std::string &path, bool create, std::ostream &err);

// Options every command that enriches shares: --geo-dir, --city-mmdb, --asn-mmdb.
inline const char *geoOptionsHelp()
{
    return "  --geo-dir DIR       offline GeoIP data (default: $MAILPIVOT_DATA_DIR, ~/.local/share/mailpivot)\n"
           "  --city-mmdb FILE    your own MaxMind GeoLite2/GeoIP2 City database instead\n"
           "  --asn-mmdb FILE     your own MaxMind GeoLite2/GeoIP2 ASN database instead\n";
}
std::unique_ptr<GeoDb> openGeo(const Arguments &args, std::vector<std::string> &problems);

// Parses a user-given time (ISO 8601, or a date) into ms; nullopt when unreadable.
std::optional<std::int64_t> parseUserTime(const std::string &text);

} // namespace mp::cli
