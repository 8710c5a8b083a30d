#pragma once

#include "geo/geoinfo.h"
#include "store/event.h"

#include <cstdint>
#include <string>
#include <unordered_set>
#include <vector>

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

    // A cache of recent answers: a fixed number of slots in sets of two, each keyed by the
    // address text; a new address replaces the less recently used of its set. Exports repeat a
    // working set of addresses, so it catches nearly every repeat (on 20,000 addresses a
    // direct-mapped cache of this size missed 8 % of lookups, two ways about 4 %), costs no
    // allocation per address and, unlike a map of every address seen, does not grow with the
    // file.
    struct CacheSlot
    {
        std::string ip; // empty: unused
        GeoInfo info;
    };
    static constexpr std::size_t kCacheSlots = 1 << 16;

    const GeoDb *m_geo;
    std::vector<CacheSlot> m_cache;
    std::vector<std::uint8_t> m_recent; // per set: the way used last
    std::unordered_set<std::string> m_unplaced;
};

} // namespace mp
