#include "geo/worldmap.h"

#include <simdjson.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

namespace mp {

namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

struct Transform
{
    bool quantised = false;
    double scaleX = 1, scaleY = 1, translateX = 0, translateY = 0;
};

bool readNumber(element e, double &out)
{
    if (e.get(out) == simdjson::SUCCESS)
        return true;
    std::int64_t i = 0;
    if (e.get(i) == simdjson::SUCCESS) {
        out = static_cast<double>(i);
        return true;
    }
    return false;
}

bool readTransform(object root, Transform &t, std::string *error)
{
    element transform;
    if (root["transform"].get(transform) != simdjson::SUCCESS)
        return true; // absolute coordinates
    array scale, translate;
    if (transform["scale"].get(scale) != simdjson::SUCCESS || transform["translate"].get(translate) != simdjson::SUCCESS
        || scale.size() < 2 || translate.size() < 2 || !readNumber(scale.at(0).value_unsafe(), t.scaleX)
        || !readNumber(scale.at(1).value_unsafe(), t.scaleY) || !readNumber(translate.at(0).value_unsafe(), t.translateX)
        || !readNumber(translate.at(1).value_unsafe(), t.translateY)) {
        *error = "the topology's transform needs a scale and a translate of two numbers each";
        return false;
    }
    t.quantised = true;
    return true;
}

bool readArcs(object root, const Transform &t, std::vector<std::vector<GeoPoint>> &arcs, std::string *error)
{
    array list;
    if (root["arcs"].get(list) != simdjson::SUCCESS) {
        *error = "the topology has no arcs";
        return false;
    }
    arcs.reserve(list.size());
    for (element arcElement : list) {
        array positions;
        if (arcElement.get(positions) != simdjson::SUCCESS) {
            *error = "arc " + std::to_string(arcs.size()) + " is not a list of positions";
            return false;
        }
        std::vector<GeoPoint> &arc = arcs.emplace_back();
        arc.reserve(positions.size());
        double x = 0, y = 0; // quantised: the running sum of the deltas
        for (element position : positions) {
            array xy;
            double a = 0, b = 0;
            if (position.get(xy) != simdjson::SUCCESS || xy.size() < 2 || !readNumber(xy.at(0).value_unsafe(), a)
                || !readNumber(xy.at(1).value_unsafe(), b)) {
                *error = "arc " + std::to_string(arcs.size() - 1) + " has a position that is not two numbers";
                return false;
            }
            if (t.quantised) {
                x += a;
                y += b;
                arc.push_back({x * t.scaleX + t.translateX, y * t.scaleY + t.translateY});
            } else {
                arc.push_back({a, b});
            }
        }
    }
    return true;
}

class Decoder
{
public:
    explicit Decoder(const std::vector<std::vector<GeoPoint>> &arcs)
        : m_arcs(arcs)
    {
    }

    // A ring: its arcs joined end to start (the shared point once).
    bool ring(element e, std::vector<GeoPoint> &out, std::string *error) const
    {
        array indexes;
        if (e.get(indexes) != simdjson::SUCCESS) {
            *error = "a ring is not a list of arc indexes";
            return false;
        }
        for (element indexElement : indexes) {
            std::int64_t index = 0;
            if (indexElement.get(index) != simdjson::SUCCESS) {
                *error = "an arc index is not an integer";
                return false;
            }
            const bool reversed = index < 0;
            const std::int64_t arcIndex = reversed ? ~index : index;
            if (arcIndex < 0 || static_cast<std::size_t>(arcIndex) >= m_arcs.size()) {
                *error = "arc index " + std::to_string(index) + " is out of range (" + std::to_string(m_arcs.size())
                         + " arcs)";
                return false;
            }
            const std::vector<GeoPoint> &arc = m_arcs[static_cast<std::size_t>(arcIndex)];
            const std::size_t skip = out.empty() ? 0 : 1;
            if (reversed) {
                for (std::size_t k = arc.size(); k > skip; --k)
                    out.push_back(arc[k - 1 - skip]);
            } else {
                out.insert(out.end(), arc.begin() + static_cast<std::ptrdiff_t>(std::min(skip, arc.size())), arc.end());
            }
        }
        return true;
    }

    bool polygon(element e, std::vector<std::vector<GeoPoint>> &out, std::string *error) const
    {
        array rings;
        if (e.get(rings) != simdjson::SUCCESS) {
            *error = "a polygon is not a list of rings";
            return false;
        }
        for (element r : rings) {
            std::vector<GeoPoint> points;
            if (!ring(r, points, error))
                return false;
            if (points.size() >= 3)
                out.push_back(std::move(points));
        }
        return true;
    }

    bool geometry(element g, MapCountry &country, std::string *error, int depth) const
    {
        if (depth > 16) {
            *error = "geometry collections nested too deeply";
            return false;
        }
        std::string_view type;
        element typeElement;
        if (g["type"].get(typeElement) == simdjson::SUCCESS && typeElement.is_null())
            return true; // a null geometry: an object with no shape
        if (g["type"].get(type) != simdjson::SUCCESS) {
            *error = "a geometry has no type";
            return false;
        }
        if (type == "GeometryCollection") {
            array geometries;
            if (g["geometries"].get(geometries) != simdjson::SUCCESS)
                return true;
            for (element child : geometries) {
                if (!geometry(child, country, error, depth + 1))
                    return false;
            }
            return true;
        }
        element arcs;
        if (type == "Polygon" && g["arcs"].get(arcs) == simdjson::SUCCESS) {
            std::vector<std::vector<GeoPoint>> rings;
            if (!polygon(arcs, rings, error))
                return false;
            if (!rings.empty())
                country.polygons.push_back(std::move(rings));
        } else if (type == "MultiPolygon" && g["arcs"].get(arcs) == simdjson::SUCCESS) {
            array polygons;
            if (arcs.get(polygons) != simdjson::SUCCESS) {
                *error = "a multipolygon is not a list of polygons";
                return false;
            }
            for (element p : polygons) {
                std::vector<std::vector<GeoPoint>> rings;
                if (!polygon(p, rings, error))
                    return false;
                if (!rings.empty())
                    country.polygons.push_back(std::move(rings));
            }
        }
        // Points, lines and null geometries draw no area.
        return true;
    }

private:
    const std::vector<std::vector<GeoPoint>> &m_arcs;
};

std::string idText(element g)
{
    std::string_view text;
    if (g["id"].get(text) == simdjson::SUCCESS)
        return std::string(text);
    std::int64_t number = 0;
    if (g["id"].get(number) == simdjson::SUCCESS)
        return std::to_string(number);
    return {};
}

} // namespace

std::optional<WorldMap> WorldMap::fromTopoJson(std::string_view json, std::string_view objectName, std::string *error)
{
    std::string ignored;
    std::string &message = error ? *error : ignored;
    simdjson::dom::parser parser;
    const simdjson::padded_string padded(json);
    element root;
    if (const auto code = parser.parse(padded).get(root); code != simdjson::SUCCESS) {
        message = std::string("not JSON: ") + simdjson::error_message(code);
        return std::nullopt;
    }
    object top;
    std::string_view type;
    if (root.get(top) != simdjson::SUCCESS || top["type"].get(type) != simdjson::SUCCESS || type != "Topology") {
        message = "not a TopoJSON topology";
        return std::nullopt;
    }
    Transform transform;
    std::vector<std::vector<GeoPoint>> arcs;
    if (!readTransform(top, transform, &message) || !readArcs(top, transform, arcs, &message))
        return std::nullopt;
    element collection;
    if (top["objects"][objectName].get(collection) != simdjson::SUCCESS) {
        message = "the topology has no object '" + std::string(objectName) + "'";
        return std::nullopt;
    }
    WorldMap map;
    const Decoder decoder(arcs);
    array geometries;
    if (collection["geometries"].get(geometries) == simdjson::SUCCESS) {
        for (element g : geometries) {
            MapCountry country;
            country.id = idText(g);
            std::string_view name;
            if (g["properties"]["name"].get(name) == simdjson::SUCCESS)
                country.name = std::string(name);
            if (!decoder.geometry(g, country, &message, 0))
                return std::nullopt;
            if (!country.polygons.empty())
                map.m_countries.push_back(std::move(country));
        }
    } else {
        MapCountry whole; // a single geometry
        if (!decoder.geometry(collection, whole, &message, 0))
            return std::nullopt;
        if (!whole.polygons.empty())
            map.m_countries.push_back(std::move(whole));
    }
    return map;
}

std::shared_ptr<const WorldMap> WorldMap::load(const std::string &path, std::string *error)
{
    namespace fs = std::filesystem;
    struct Cached
    {
        std::uintmax_t size = 0;
        fs::file_time_type time;
        std::shared_ptr<const WorldMap> map;
    };
    static std::mutex mutex;
    static std::map<std::string, Cached> cache;

    std::error_code ec;
    const std::uintmax_t size = fs::file_size(path, ec);
    if (ec) {
        if (error)
            *error = path + ": no such map file";
        return nullptr;
    }
    const fs::file_time_type time = fs::last_write_time(path, ec);
    std::lock_guard lock(mutex);
    if (const auto it = cache.find(path); it != cache.end() && it->second.size == size && it->second.time == time)
        return it->second.map;
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in) {
        if (error)
            *error = path + ": cannot read";
        return nullptr;
    }
    std::string message;
    auto map = fromTopoJson(text.str(), "countries", &message);
    if (!map) {
        if (error)
            *error = path + ": " + message;
        return nullptr;
    }
    auto shared = std::make_shared<const WorldMap>(std::move(*map));
    cache[path] = {size, time, shared};
    return shared;
}

std::string WorldMap::mapFile(const std::string &dataDir, Detail detail)
{
    return (std::filesystem::path(dataDir) / "map" / (detail == Detail::Fine ? "countries-50m.json" : "countries-110m.json"))
        .string();
}

const MapCountry *WorldMap::country(std::string_view id) const
{
    for (const MapCountry &c : m_countries) {
        if (c.id == id)
            return &c;
    }
    return nullptr;
}

std::size_t WorldMap::pointCount() const
{
    std::size_t n = 0;
    for (const MapCountry &c : m_countries)
        for (const auto &polygon : c.polygons)
            for (const auto &ring : polygon)
                n += ring.size();
    return n;
}

} // namespace mp
