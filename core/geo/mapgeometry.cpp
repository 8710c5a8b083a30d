#include "geo/mapgeometry.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace mp::mapgeo {

namespace {

constexpr double kRad = std::numbers::pi / 180.0;

struct Vec3
{
    double x, y, z;
};

Vec3 toVector(GeoPoint p)
{
    const double lat = p.lat * kRad, lon = p.lon * kRad;
    return {std::cos(lat) * std::cos(lon), std::cos(lat) * std::sin(lon), std::sin(lat)};
}

GeoPoint fromVector(Vec3 v)
{
    return {std::atan2(v.y, v.x) / kRad, std::atan2(v.z, std::hypot(v.x, v.y)) / kRad};
}

// Latitude polynomials of the projection (φ in radians).
double lengthFactor(double phi)
{
    const double p2 = phi * phi, p4 = p2 * p2;
    return 0.8707 - 0.131979 * p2 + p4 * (-0.013791 + p4 * (0.003971 * p2 - 0.001529 * p4));
}

double northing(double phi)
{
    const double p2 = phi * phi, p4 = p2 * p2;
    return phi * (1.007226 + p2 * (0.015085 + p4 * (-0.044475 + 0.028874 * p2 - 0.005916 * p4)));
}

double northingSlope(double phi)
{
    const double p2 = phi * phi, p4 = p2 * p2;
    return 1.007226 + p2 * (3 * 0.015085 + p4 * (-7 * 0.044475 + 9 * 0.028874 * p2 - 11 * 0.005916 * p4));
}

} // namespace

double greatCircleKm(GeoPoint a, GeoPoint b)
{
    // Haversine: well conditioned for the short distances the map mostly shows.
    const double dLat = (b.lat - a.lat) * kRad, dLon = (b.lon - a.lon) * kRad;
    const double h = std::sin(dLat / 2) * std::sin(dLat / 2)
                     + std::cos(a.lat * kRad) * std::cos(b.lat * kRad) * std::sin(dLon / 2) * std::sin(dLon / 2);
    return 2 * kEarthRadiusKm * std::asin(std::min(1.0, std::sqrt(h)));
}

std::vector<GeoPoint> greatCirclePath(GeoPoint a, GeoPoint b, double stepKm)
{
    const double km = greatCircleKm(a, b);
    const int segments = std::clamp(static_cast<int>(std::ceil(km / std::max(stepKm, 1.0))), 1, 512);
    const Vec3 va = toVector(a), vb = toVector(b);
    const double dot = std::clamp(va.x * vb.x + va.y * vb.y + va.z * vb.z, -1.0, 1.0);
    const double omega = std::acos(dot);
    std::vector<GeoPoint> path;
    path.reserve(static_cast<std::size_t>(segments) + 1);
    path.push_back(a);
    for (int i = 1; i < segments; ++i) {
        const double t = static_cast<double>(i) / segments;
        if (omega < 1e-9) {
            path.push_back(a);
            continue;
        }
        // Spherical linear interpolation; antipodal points have no single great circle, and
        // sin(omega) near 0 picks one of them arbitrarily but finitely.
        const double s = std::max(std::sin(omega), 1e-12);
        const double wa = std::sin((1 - t) * omega) / s, wb = std::sin(t * omega) / s;
        path.push_back(fromVector({wa * va.x + wb * vb.x, wa * va.y + wb * vb.y, wa * va.z + wb * vb.z}));
    }
    path.push_back(b);
    return path;
}

std::vector<std::vector<GeoPoint>> splitAtAntimeridian(const std::vector<GeoPoint> &line)
{
    std::vector<std::vector<GeoPoint>> parts;
    if (line.empty())
        return parts;
    parts.emplace_back();
    parts.back().push_back(line.front());
    for (std::size_t i = 1; i < line.size(); ++i) {
        const GeoPoint p = line[i - 1], q = line[i];
        if (std::abs(q.lon - p.lon) > 180) {
            // Where the segment meets the edge, interpolated on the unwrapped longitude.
            const double edge = p.lon > 0 ? 180.0 : -180.0;
            const double qUnwrapped = q.lon + (p.lon > 0 ? 360.0 : -360.0);
            const double t = (edge - p.lon) / (qUnwrapped - p.lon);
            const double lat = p.lat + t * (q.lat - p.lat);
            parts.back().push_back({edge, lat});
            parts.emplace_back();
            parts.back().push_back({-edge, lat});
        }
        parts.back().push_back(q);
    }
    return parts;
}

MapXY naturalEarth(GeoPoint p)
{
    const double lambda = p.lon * kRad; // beyond ±180° the plane extends: shapes unwrapped across the antimeridian
    const double phi = std::clamp(p.lat, -90.0, 90.0) * kRad;
    return {lambda * lengthFactor(phi), northing(phi)};
}

GeoPoint naturalEarthInverse(MapXY xy)
{
    double phi = xy.y; // northing is close to the identity: a good first guess
    for (int i = 0; i < 25; ++i) {
        const double delta = (northing(phi) - xy.y) / northingSlope(phi);
        phi -= delta;
        if (std::abs(delta) < 1e-12)
            break;
    }
    phi = std::clamp(phi, -std::numbers::pi / 2, std::numbers::pi / 2);
    return {xy.x / lengthFactor(phi) / kRad, phi / kRad};
}

} // namespace mp::mapgeo
