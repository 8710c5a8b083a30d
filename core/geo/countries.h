#pragma once

#include <span>
#include <string_view>

namespace mp {

// One ISO 3166-1 country, from resources/countries.csv (scripts/gen-countries.py), which is
// compiled into the library so it never needs the downloaded data.
struct Country {
    std::string_view alpha2; // "US"
    std::string_view alpha3; // "USA"
    int numeric = 0;         // 840; also the id of the country's shape in world-atlas
    std::string_view name;   // English short name as ISO writes it: "Korea, Republic of"
    // A point inside the country (its largest landmass), for placing an address on a map
    // when the country is all that is known about it.
    double latitude = 0;
    double longitude = 0;
};

// By alpha-2, alpha-3, numeric code, ISO name or a common variant logs use ("Russia",
// "United States of America", "South Korea", "Czech Republic", "Ivory Coast"...), ignoring
// ASCII case and surrounding or repeated white space. nullptr when unknown.
const Country *findCountry(std::string_view codeOrName);
const Country *findCountryByNumeric(int numeric);

// Every country, ordered by alpha-2.
std::span<const Country> allCountries();

} // namespace mp
