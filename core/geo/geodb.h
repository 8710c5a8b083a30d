#pragma once

#include "geo/geoinfo.h"
#include "geo/geopaths.h"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace mp {

class AsnTable;
class MmdbReader;

// Offline IP enrichment: country, city, coordinates and autonomous system for an address,
// from local databases only (an investigation must not leak the addresses it looks at).
//
// Sources, each optional: a city mmdb (DB-IP lite or MaxMind City), a country mmdb, an ASN
// mmdb (MaxMind GeoLite2-ASN) or ip-location-db's ASN range CSVs. When the city database
// answers, its country is used together with its coordinates so that the country and the
// map point never disagree; the country database fills in when it has no answer.
//
// After open(), lookup() is const, thread-safe and never throws.
class GeoDb
{
public:
    GeoDb();
    ~GeoDb();
    GeoDb(GeoDb &&) noexcept;
    GeoDb &operator=(GeoDb &&) noexcept;
    GeoDb(const GeoDb &) = delete;
    GeoDb &operator=(const GeoDb &) = delete;

    // $MAILPIVOT_DATA_DIR if set; else ~/.local/share/mailpivot if it exists; else
    // /usr/share/mailpivot if it exists; else ~/.local/share/mailpivot (where
    // scripts/fetch-data.sh puts the data by default).
    static std::string defaultDataDir();

    // Opens every database named in paths; replaces whatever was open. A file that cannot
    // be opened is described in *problems (if given) and skipped. Returns whether at least
    // one source is usable.
    bool open(const GeoPaths &paths, std::vector<std::string> *problems = nullptr);
    // open(GeoPaths::fromDataDir(dir)), with a hint to run scripts/fetch-data.sh when the
    // directory holds no data.
    bool openDataDir(const std::string &dir, std::vector<std::string> *problems = nullptr);
    void close();

    // ip is normalised text ("1.2.3.4", "2001:db8::1"). Empty, invalid, private, loopback,
    // link-local and other non-global addresses give an empty GeoInfo.
    GeoInfo lookup(std::string_view ip) const noexcept;

    bool hasCountry() const noexcept;
    bool hasCity() const noexcept;
    bool hasAsn() const noexcept;
    bool isOpen() const noexcept { return hasCountry() || hasAsn(); }

    // Credits the open databases' licences require, for the UI and reports, e.g.
    // "IP geolocation by DB-IP.com (CC BY 4.0)". Empty when nothing needs crediting.
    std::string attribution() const;

private:
    std::unique_ptr<MmdbReader> m_city;
    std::unique_ptr<MmdbReader> m_cityV6;
    std::unique_ptr<MmdbReader> m_country;
    std::unique_ptr<MmdbReader> m_countryV6;
    std::unique_ptr<MmdbReader> m_asn;
    std::unique_ptr<AsnTable> m_asnV4;
    std::unique_ptr<AsnTable> m_asnV6;
    std::vector<std::string> m_credits;
};

} // namespace mp
