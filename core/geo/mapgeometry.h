#pragma once

#include <vector>

// Geometry of the world map, kept out of the painting code so that it can be tested on its own:
// distances and paths along great circles, and the map projection.
namespace mp {

struct GeoPoint
{
    double lon = 0; // degrees, -180..180
    double lat = 0; // degrees, -90..90
    bool operator==(const GeoPoint &) const = default;
};

// A point of the projected map plane: x to the east, y to the north, in units of the earth's
// radius (the world is about 5.4 wide and 2.6 high).
struct MapXY
{
    double x = 0;
    double y = 0;
};

namespace mapgeo {

inline constexpr double kEarthRadiusKm = 6371.0088; // the mean radius

double greatCircleKm(GeoPoint a, GeoPoint b);

// Points along the shorter great circle from a to b, a and b included, about `stepKm` apart
// (at least one segment, at most 512). Longitudes stay within -180..180, so a path that crosses
// the antimeridian jumps there: splitAtAntimeridian() cuts it into drawable pieces.
std::vector<GeoPoint> greatCirclePath(GeoPoint a, GeoPoint b, double stepKm = 100);

// The polyline cut wherever consecutive points are more than 180° of longitude apart (it left
// the map on one edge and came back on the other), each cut closed at the edge it leaves by.
std::vector<std::vector<GeoPoint>> splitAtAntimeridian(const std::vector<GeoPoint> &line);

// The Natural Earth projection (Šavrič, Jenny, Patterson and Jenny, 2011): a pseudo-cylindrical
// compromise that keeps the poles short and the continents' shapes familiar. Polynomial in the
// latitude; the inverse solves for it with Newton's method. Longitudes beyond ±180° are projected
// past the map's edge (for shapes unwrapped across the antimeridian, clipped when drawn).
MapXY naturalEarth(GeoPoint p);
GeoPoint naturalEarthInverse(MapXY xy);

} // namespace mapgeo
} // namespace mp
