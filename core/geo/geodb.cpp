#include "geo/geodb.h"

#include "geo/asntable.h"
#include "util/ipaddr.h"
#include "geo/mmdbreader.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace mp {

namespace {

std::string lower(std::string s)
{
    for (char &c : s)
        if (c >= 'A' && c <= 'Z')
            c = char(c - 'A' + 'a');
    return s;
}

std::string fileName(const std::string &path)
{
    return std::filesystem::path(path).filename().string();
}

// The reader that can answer for this address: the IPv6 file of a split pair for IPv6,
// otherwise the main file if its tree covers the family.
const MmdbReader *pick(const std::unique_ptr<MmdbReader> &main, const std::unique_ptr<MmdbReader> &v6,
                       const IpAddress &ip) noexcept
{
    if (!ip.isV4() && v6)
        return v6.get();
    if (main && main->covers(ip))
        return main.get();
    return nullptr;
}

} // namespace

GeoDb::GeoDb() = default;
GeoDb::~GeoDb() = default;
GeoDb::GeoDb(GeoDb &&) noexcept = default;
GeoDb &GeoDb::operator=(GeoDb &&) noexcept = default;

std::string GeoDb::defaultDataDir()
{
    if (const char *env = std::getenv("MAILPIVOT_DATA_DIR"); env && *env)
        return env;
    namespace fs = std::filesystem;
    std::error_code ec;
    const char *home = std::getenv("HOME");
#ifdef _WIN32
    if (!home || !*home)
        home = std::getenv("USERPROFILE");
#endif
    const std::string user = home && *home ? (fs::path(home) / ".local/share/mailpivot").string() : std::string();
    if (!user.empty() && fs::is_directory(user, ec))
        return user;
    if (fs::is_directory("/usr/share/mailpivot", ec))
        return "/usr/share/mailpivot";
    return user.empty() ? std::string("/usr/share/mailpivot") : user;
}

void GeoDb::close()
{
    m_city.reset();
    m_cityV6.reset();
    m_country.reset();
    m_countryV6.reset();
    m_asn.reset();
    m_asnV4.reset();
    m_asnV6.reset();
    m_credits.clear();
}

bool GeoDb::open(const GeoPaths &paths, std::vector<std::string> *problems)
{
    close();
    const auto note = [problems](std::string msg) {
        if (problems)
            problems->push_back(std::move(msg));
    };
    const auto openMmdb = [&](const std::string &path) -> std::unique_ptr<MmdbReader> {
        if (path.empty())
            return nullptr;
        auto r = std::make_unique<MmdbReader>();
        std::string why;
        if (!r->open(path, &why)) {
            note(why);
            return nullptr;
        }
        return r;
    };
    const auto openCsv = [&](const std::string &path, int family) -> std::unique_ptr<AsnTable> {
        if (path.empty())
            return nullptr;
        auto t = std::make_unique<AsnTable>();
        std::string why;
        if (!t->load(path, family, &why)) {
            note(why);
            return nullptr;
        }
        return t;
    };

    m_city = openMmdb(paths.cityMmdb);
    m_cityV6 = openMmdb(paths.cityMmdbV6);
    m_country = openMmdb(paths.countryMmdb);
    m_countryV6 = openMmdb(paths.countryMmdbV6);
    m_asn = openMmdb(paths.asnMmdb);
    // The CSV tables only matter for families the ASN mmdb does not cover.
    if (!m_asn)
        m_asnV4 = openCsv(paths.asnCsvV4, 4);
    if (!m_asn || m_asn->ipVersion() != 6)
        m_asnV6 = openCsv(paths.asnCsvV6, 6);

    // Licence credits, from the file names and database types actually in use.
    const auto credit = [this](const std::string &c) {
        if (std::find(m_credits.begin(), m_credits.end(), c) == m_credits.end())
            m_credits.push_back(c);
    };
    for (const MmdbReader *r : {m_city.get(), m_cityV6.get(), m_country.get(), m_countryV6.get(), m_asn.get()}) {
        if (!r)
            continue;
        const std::string type = lower(r->databaseType());
        const std::string name = lower(fileName(r->path()));
        if (name.find("dbip") != std::string::npos || type.find("dbip") != std::string::npos
            || type.find("db-ip") != std::string::npos)
            credit("IP geolocation by DB-IP.com (CC BY 4.0)");
        else if (type.find("geolite2") != std::string::npos)
            credit("This product includes GeoLite2 data created by MaxMind, available from https://www.maxmind.com");
        else if (type.find("geoip2") != std::string::npos)
            credit("IP geolocation by MaxMind GeoIP2");
        else if (name.find("geo-whois-asn-country") != std::string::npos)
            credit("Country data from NRO statistics (nro.net, CC BY 4.0) via ip-location-db");
    }
    if (m_asnV4 || m_asnV6)
        credit("ASN data from Route Views (routeviews.org) and NRO (nro.net), CC BY 4.0, via ip-location-db");

    return isOpen();
}

bool GeoDb::openDataDir(const std::string &dir, std::vector<std::string> *problems)
{
    const GeoPaths paths = GeoPaths::fromDataDir(dir);
    if (paths.isEmpty()) {
        close();
        if (problems)
            problems->push_back("no IP geolocation data in " + dir + "; run scripts/fetch-data.sh to fetch it");
        return false;
    }
    return open(paths, problems);
}

bool GeoDb::hasCountry() const noexcept
{
    return m_city || m_cityV6 || m_country || m_countryV6;
}

bool GeoDb::hasCity() const noexcept
{
    return m_city || m_cityV6;
}

bool GeoDb::hasAsn() const noexcept
{
    return m_asn || m_asnV4 || m_asnV6;
}

std::string GeoDb::attribution() const
{
    std::string out;
    for (const auto &c : m_credits) {
        if (!out.empty())
            out += "; ";
        out += c;
    }
    return out;
}

GeoInfo GeoDb::lookup(std::string_view text) const noexcept
{
    GeoInfo info;
    const auto ip = IpAddress::parse(text);
    if (!ip || !ip->isGlobal())
        return info;
    try {
        if (const MmdbReader *city = pick(m_city, m_cityV6, *ip))
            city->readLocation(*ip, info);
        if (info.country.empty()) {
            if (const MmdbReader *country = pick(m_country, m_countryV6, *ip)) {
                GeoInfo c;
                if (country->readLocation(*ip, c))
                    info.country = std::move(c.country);
            }
        }
        if (!(m_asn && m_asn->readAsn(*ip, info))) {
            const AsnTable *table = ip->isV4() ? m_asnV4.get() : m_asnV6.get();
            if (table) {
                const AsnTable::Hit hit = table->find(*ip);
                info.asn = hit.asn;
                info.asOrg.assign(hit.org);
            }
        }
    } catch (...) {
        return GeoInfo(); // allocation failure; an empty answer is the documented "unknown"
    }
    return info;
}

} // namespace mp
