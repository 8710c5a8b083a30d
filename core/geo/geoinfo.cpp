#include "geo/geoinfo.h"

namespace mp {

bool GeoInfo::setCoordinates(double lat, double lon) noexcept
{
    const bool valid = std::isfinite(lat) && std::isfinite(lon) && lat >= -90.0 && lat <= 90.0
                       && lon >= -180.0 && lon <= 180.0 && !(lat == 0.0 && lon == 0.0);
    latitude = valid ? lat : NAN;
    longitude = valid ? lon : NAN;
    return valid;
}

} // namespace mp
