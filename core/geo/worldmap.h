#pragma once

#include "geo/mapgeometry.h"

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mp {

// One country's shape: polygons whose first ring is the outline and the others holes.
struct MapCountry
{
    std::string id;   // the topology's id: the ISO 3166 numeric code in world-atlas ("840")
    std::string name; // properties.name
    std::vector<std::vector<std::vector<GeoPoint>>> polygons;
};

// Country outlines for the offline world map, decoded from a TopoJSON topology such as the
// world-atlas package's countries-110m.json and countries-50m.json (Natural Earth, public domain),
// which scripts/fetch-data.sh puts in DATA_DIR/map.
//
// TopoJSON stores each border once as an "arc" shared by the two countries on either side; a
// ring lists its arcs by index, ~i (that is -i-1) meaning arc i walked backwards. With a
// "transform" the arcs' positions are quantised integers, each one a delta from the previous
// point, scaled and translated back to degrees.
class WorldMap
{
public:
    enum class Detail { Coarse, Fine }; // 1:110 million, 1:50 million

    // Decodes the GeometryCollection `objectName` ("countries") of `json`. Geometries other than
    // polygons are skipped; an arc index out of range or a malformed topology is an error.
    static std::optional<WorldMap> fromTopoJson(std::string_view json, std::string_view objectName, std::string *error);

    // Reads and decodes a file once per process: later calls for an unchanged file share the
    // same decoded map (the file's size and time are checked). Thread-safe. nullptr on error.
    static std::shared_ptr<const WorldMap> load(const std::string &path, std::string *error);

    // DATA_DIR/map/countries-110m.json or -50m.json (whether or not it exists).
    static std::string mapFile(const std::string &dataDir, Detail detail);
    // What to run when the map data is missing.
    static constexpr const char *kFetchCommand = "scripts/fetch-data.sh";

    const std::vector<MapCountry> &countries() const { return m_countries; }
    const MapCountry *country(std::string_view id) const;
    std::size_t pointCount() const;

private:
    std::vector<MapCountry> m_countries;
};

} // namespace mp
