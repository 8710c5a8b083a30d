#include "simulate/places.h"

#include "geo/geodb.h"

#include <array>

namespace mp::sim {

namespace places {

namespace {

Place make(std::string ip, std::string city, std::string state, std::string country, double lat, double lon,
           std::uint32_t asn, std::string network)
{
    return Place{std::move(ip), std::move(city), std::move(state), std::move(country), lat, lon, asn, std::move(network)};
}

struct HomeBlock
{
    const char *prefix;
    const char *city;
    const char *state;
    double lat;
    double lon;
    std::uint32_t asn;
    const char *network;
};

// Residential /24s around New York: every user lives within commuting distance of the office,
// so that home and office never look like travel.
constexpr std::array<HomeBlock, 8> kHomeBlocks = {{
    {"73.215.10.", "Union Township", "New Jersey", 40.6964, -74.2700, 7922, "Comcast (residential)"},
    {"24.187.33.", "Elizabeth", "New Jersey", 40.6640, -74.2107, 6128, "Cablevision (residential)"},
    {"71.190.14.", "New York", "New York", 40.7831, -73.9713, 701, "Verizon Fios (residential)"},
    {"108.30.77.", "New York", "New York", 40.7831, -73.9713, 701, "Verizon Fios (residential)"},
    {"100.37.2.", "New York", "New York", 40.7831, -73.9713, 701, "Verizon Fios (residential)"},
    {"72.229.14.", "New York", "New York", 40.7999, -73.9683, 12271, "Spectrum (residential)"},
    {"74.101.30.", "Newark", "New Jersey", 40.7357, -74.1724, 701, "Verizon Fios (residential)"},
    {"67.243.12.", "Queens", "New York", 40.6967, -73.8331, 12271, "Spectrum (residential)"},
}};

} // namespace

Place office()
{
    return make("98.116.22.9", "New York", "New York", "US", 40.7831, -73.9713, 701, "Verizon Business (office)");
}

std::string officeIpv6()
{
    return "2600:4040:2a1c:1e00::1a";
}

Place home(int index)
{
    const HomeBlock &b = kHomeBlocks[static_cast<std::size_t>(index) % kHomeBlocks.size()];
    // Host numbers 11..250, spread so that neighbours in the user list differ in block and host.
    const int host = 11 + (index * 37) % 240;
    return make(std::string(b.prefix) + std::to_string(host), b.city, b.state, "US", b.lat, b.lon, b.asn, b.network);
}

Place sprayer()
{
    return make("141.98.10.61", "Kaunas", "Kaunas", "LT", 54.9073, 24.0046, 209605, "Host Baltic (hosting)");
}

Place ruleAttacker()
{
    return make("167.99.9.201", "North Bergen", "New Jersey", "US", 40.8054, -74.0241, 14061, "DigitalOcean (hosting)");
}

Place bulkSender()
{
    return make("162.243.15.66", "Secaucus", "New Jersey", "US", 40.7824, -74.0711, 14061, "DigitalOcean (hosting)");
}

Place travelGermany()
{
    return make("91.64.12.40", "Frankfurt am Main", "Hessen", "DE", 50.1109, 8.6821, 3209, "Vodafone Germany (residential)");
}

Place aitmProxy(int victim)
{
    if (victim == 0)
        return make("104.248.61.140", "North Bergen", "New Jersey", "US", 40.8054, -74.0241, 14061, "DigitalOcean (hosting)");
    return make("159.203.92.44", "Clifton", "New Jersey", "US", 40.8302, -74.1299, 14061, "DigitalOcean (hosting)");
}

Place becAttacker()
{
    return make("51.15.22.187", "Haarlem", "Noord-Holland", "NL", 52.3874, 4.6462, 12876, "Scaleway (hosting)");
}

Place hotelLondon()
{
    return make("109.150.60.14", "London", "England", "GB", 51.5072, -0.1276, 2856, "BT (hotel wifi)");
}

Place vpnEgressUs()
{
    return make("146.70.171.5", "Fresh Meadows", "New York", "US", 40.7348, -73.7935, 9009, "M247 (corporate VPN egress)");
}

Place vpnEgressNl()
{
    return make("185.107.56.9", "Roosendaal", "Noord-Brabant", "NL", 51.5359, 4.4653, 43350, "NForce (corporate VPN egress)");
}

std::string vpnCidrUs()
{
    return "146.70.171.0/28";
}

std::string vpnCidrNl()
{
    return "185.107.56.0/28";
}

Place appServer()
{
    return make("20.81.30.9", "Ashburn", "Virginia", "US", 39.0438, -77.4874, 8075, "Microsoft Azure (the company's app)");
}

std::vector<Place> all()
{
    std::vector<Place> out = {office(), sprayer(), ruleAttacker(), bulkSender(), travelGermany(), aitmProxy(0),
                              aitmProxy(1), becAttacker(), hotelLondon(), vpnEgressUs(), vpnEgressNl(), appServer()};
    for (int i = 0; i < static_cast<int>(kHomeBlocks.size()) * 3; ++i)
        out.push_back(home(i));
    return out;
}

} // namespace places

std::vector<std::string> checkPlaces(const GeoDb &geo)
{
    std::vector<std::string> problems;
    for (const Place &p : places::all()) {
        const GeoInfo info = geo.lookup(p.ip);
        if (!info.country.empty() && info.country != p.country)
            problems.push_back(p.ip + ": the log says " + p.country + ", GeoIP says " + info.country);
    }
    return problems;
}

} // namespace mp::sim
