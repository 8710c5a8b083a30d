#pragma once

#include <cmath>
#include <cstdint>
#include <string>

namespace mp {

// What the offline databases know about one IP address. Every field is optional: an empty
// string, NaN coordinates or ASN 0 mean "unknown".
struct GeoInfo {
    std::string country; // ISO 3166-1 alpha-2, upper case
    std::string city;    // English name
    double latitude = NAN;
    double longitude = NAN;
    std::uint32_t asn = 0;
    std::string asOrg;

    bool hasCoordinates() const noexcept { return !std::isnan(latitude) && !std::isnan(longitude); }
    bool isEmpty() const noexcept { return country.empty() && city.empty() && !hasCoordinates() && asn == 0; }

    // Sets the coordinates when they are plausible and clears them otherwise. Out-of-range
    // values and exactly (0, 0) are rejected: the latter is what several databases store
    // for "no location", and a point in the Gulf of Guinea would corrupt travel analysis.
    bool setCoordinates(double lat, double lon) noexcept;

    friend bool operator==(const GeoInfo &a, const GeoInfo &b) noexcept
    {
        const auto same = [](double x, double y) { return (std::isnan(x) && std::isnan(y)) || x == y; };
        return a.country == b.country && a.city == b.city && same(a.latitude, b.latitude)
               && same(a.longitude, b.longitude) && a.asn == b.asn && a.asOrg == b.asOrg;
    }
};

} // namespace mp
