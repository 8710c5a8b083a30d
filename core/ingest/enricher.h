#pragma once

#include "geo/geoinfo.h"
#include "store/event.h"

#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace mp {

class GeoDb;

// Adds location and network to events. What the log itself says wins over a lookup: a country
// written in the log is kept (normalised to its ISO code), coordinates from the log are kept when
// they are valid, and the databases only fill what is missing. Coordinates outside the valid
// ranges (a swapped pair, 0,0) are dropped, never trusted.
class Enricher
{
public:
    explicit Enricher(const GeoDb *geo);

    void enrich(Event &event);
    // Distinct public addresses that ended up with no country at all.
    std::int64_t unplacedAddresses() const { return static_cast<std::int64_t>(m_unplaced.size()); }

    static bool validCoordinates(double latitude, double longitude);

private:
    const GeoInfo &lookup(const std::string &ip);

    const GeoDb *m_geo;
    std::unordered_map<std::string, GeoInfo> m_cache;
    std::unordered_set<std::string> m_unplaced;
};

} // namespace mp
