#include "ingest/enricher.h"

#include "geo/countries.h"
#include "geo/geodb.h"
#include "util/ipaddr.h"

#include <functional>

namespace mp {

Enricher::Enricher(const GeoDb *geo)
    : m_geo(geo)
{
}

bool Enricher::validCoordinates(double latitude, double longitude)
{
    if (std::isnan(latitude) || std::isnan(longitude))
        return false;
    if (latitude < -90 || latitude > 90 || longitude < -180 || longitude > 180)
        return false;
    // 0,0 is the sea off West Africa: exports write it when they know nothing.
    return !(latitude == 0 && longitude == 0);
}

const GeoInfo &Enricher::lookup(const std::string &ip)
{
    if (m_cache.empty()) {
        m_cache.resize(kCacheSlots);
        m_recent.assign(kCacheSlots / 2, 0);
    }
    const std::size_t set = std::hash<std::string>{}(ip) & (kCacheSlots / 2 - 1);
    for (std::uint8_t way = 0; way < 2; ++way) {
        CacheSlot &slot = m_cache[2 * set + way];
        if (slot.ip == ip) {
            m_recent[set] = way;
            return slot.info;
        }
    }
    const std::uint8_t way = m_recent[set] ^ 1; // the one used less recently
    CacheSlot &slot = m_cache[2 * set + way];
    slot.info = m_geo ? m_geo->lookup(ip) : GeoInfo{};
    slot.ip = ip;
    m_recent[set] = way;
    return slot.info;
}

void Enricher::enrich(Event &event)
{
    if (event.hasCoordinates() || !std::isnan(event.latitude) || !std::isnan(event.longitude)) {
        if (validCoordinates(event.latitude, event.longitude)) {
            event.geoSource = GeoSource::Log;
        } else {
            event.latitude = std::nan("");
            event.longitude = std::nan("");
        }
    }
    // Logs write the country as a code or a name; keep one form so that grouping works.
    const bool loggedCountry = !event.country.empty();
    if (loggedCountry) {
        if (const Country *c = findCountry(event.country))
            event.country = std::string(c->alpha2);
    }

    if (!event.ip.empty() && ipScope(event.ip) == IpScope::Public) {
        const GeoInfo &info = lookup(event.ip);
        const bool sameCountry = !loggedCountry || info.country == event.country;
        if (!loggedCountry && !info.country.empty())
            event.country = info.country;
        // City and coordinates from the database only where they agree with the log's country;
        // otherwise the log's word stands alone.
        if (sameCountry && !info.country.empty()) {
            if (event.city.empty())
                event.city = info.city;
            if (!event.hasCoordinates() && validCoordinates(info.latitude, info.longitude)) {
                event.latitude = info.latitude;
                event.longitude = info.longitude;
                event.geoSource = GeoSource::CityDatabase;
            }
        }
        if (event.asn == 0 && info.asn != 0) {
            event.asn = info.asn;
            event.asOrg = info.asOrg;
        } else if (event.asOrg.empty() && event.asn == info.asn) {
            // Sign-in logs carry the ASN but not its name: name it when the database agrees.
            event.asOrg = info.asOrg;
        }
        if (event.country.empty() && m_unplaced.size() < 1000000)
            m_unplaced.insert(event.ip);
    }
    if (!event.hasCoordinates() && !event.country.empty()) {
        if (const Country *c = findCountry(event.country)) {
            event.latitude = c->latitude;
            event.longitude = c->longitude;
            event.geoSource = GeoSource::CountryPoint;
        }
    }
}

} // namespace mp
