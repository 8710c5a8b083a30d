#include "geo/mmdbreader.h"

#include "geo/geoinfo.h"
#include "util/ipaddr.h"

#include <maxminddb.h>

#include <cstring>
#include <optional>
#include <string_view>

namespace mp {

namespace {

// Field paths, NULL-terminated as MMDB_aget_value wants them.
constexpr const char *kFlatCountry[] = {"country_code", nullptr};
constexpr const char *kFlatCity[] = {"city", nullptr};
constexpr const char *kFlatLat[] = {"latitude", nullptr};
constexpr const char *kFlatLon[] = {"longitude", nullptr};
constexpr const char *kMmCountry[] = {"country", "iso_code", nullptr};
constexpr const char *kMmRegCountry[] = {"registered_country", "iso_code", nullptr};
constexpr const char *kMmCity[] = {"city", "names", "en", nullptr};
constexpr const char *kMmLat[] = {"location", "latitude", nullptr};
constexpr const char *kMmLon[] = {"location", "longitude", nullptr};
constexpr const char *kAsnNumber[] = {"autonomous_system_number", nullptr};
constexpr const char *kAsnOrg[] = {"autonomous_system_organization", nullptr};

// MMDB_aget_value takes a non-const entry and a non-const array of const char*; it
// modifies neither.
bool value(const MMDB_entry_s &entry, const char *const *path, MMDB_entry_data_s &out) noexcept
{
    MMDB_entry_s e = entry;
    return MMDB_aget_value(&e, &out, const_cast<const char **>(path)) == MMDB_SUCCESS
           && out.has_data;
}

std::string_view text(const MMDB_entry_s &entry, const char *const *path) noexcept
{
    MMDB_entry_data_s d{};
    if (!value(entry, path, d) || d.type != MMDB_DATA_TYPE_UTF8_STRING)
        return {};
    return std::string_view(d.utf8_string, d.data_size);
}

std::optional<double> number(const MMDB_entry_s &entry, const char *const *path) noexcept
{
    MMDB_entry_data_s d{};
    if (!value(entry, path, d))
        return std::nullopt;
    switch (d.type) {
    case MMDB_DATA_TYPE_DOUBLE:
        return d.double_value;
    case MMDB_DATA_TYPE_FLOAT:
        return double(d.float_value);
    case MMDB_DATA_TYPE_INT32:
        return double(d.int32);
    case MMDB_DATA_TYPE_UINT16:
        return double(d.uint16);
    case MMDB_DATA_TYPE_UINT32:
        return double(d.uint32);
    default:
        return std::nullopt;
    }
}

std::optional<std::uint32_t> unsignedValue(const MMDB_entry_s &entry, const char *const *path) noexcept
{
    MMDB_entry_data_s d{};
    if (!value(entry, path, d))
        return std::nullopt;
    switch (d.type) {
    case MMDB_DATA_TYPE_UINT16:
        return d.uint16;
    case MMDB_DATA_TYPE_UINT32:
        return d.uint32;
    case MMDB_DATA_TYPE_UINT64:
        return d.uint64 <= 0xffffffffu ? std::optional<std::uint32_t>(std::uint32_t(d.uint64)) : std::nullopt;
    case MMDB_DATA_TYPE_INT32:
        return d.int32 > 0 ? std::optional<std::uint32_t>(std::uint32_t(d.int32)) : std::nullopt;
    default:
        return std::nullopt;
    }
}

// Two ASCII letters, upper-cased. "ZZ" (unknown) and MaxMind's continent-level pseudo
// codes are not countries.
std::string countryCode(std::string_view c)
{
    if (c.size() != 2)
        return {};
    std::string out;
    for (char ch : c) {
        if (ch >= 'a' && ch <= 'z')
            ch = char(ch - 'a' + 'A');
        if (ch < 'A' || ch > 'Z')
            return {};
        out += ch;
    }
    if (out == "ZZ" || out == "XX" || out == "EU" || out == "AP")
        return {};
    return out;
}

bool containsNoCase(std::string_view hay, std::string_view needle)
{
    if (needle.size() > hay.size())
        return false;
    for (std::size_t i = 0; i + needle.size() <= hay.size(); ++i) {
        std::size_t k = 0;
        while (k < needle.size()) {
            char a = hay[i + k], b = needle[k];
            if (a >= 'A' && a <= 'Z')
                a = char(a - 'A' + 'a');
            if (b >= 'A' && b <= 'Z')
                b = char(b - 'A' + 'a');
            if (a != b)
                break;
            ++k;
        }
        if (k == needle.size())
            return true;
    }
    return false;
}

} // namespace

MmdbReader::MmdbReader() = default;

MmdbReader::~MmdbReader()
{
    if (m_db)
        MMDB_close(m_db.get());
}

bool MmdbReader::open(const std::string &path, std::string *problem)
{
    if (m_db) {
        MMDB_close(m_db.get());
        m_db.reset();
    }
    m_path = path;
    auto db = std::make_unique<MMDB_s>();
    std::memset(db.get(), 0, sizeof(MMDB_s));
    const int status = MMDB_open(path.c_str(), MMDB_MODE_MMAP, db.get());
    if (status != MMDB_SUCCESS) {
        if (problem)
            *problem = path + ": " + MMDB_strerror(status);
        return false;
    }
    m_db = std::move(db);
    // MaxMind's own databases and DB-IP's commercial-format ones use the nested layout;
    // ip-location-db's type is plain "country"/"city"/"asn".
    const std::string type = databaseType();
    m_nested = containsNoCase(type, "geolite") || containsNoCase(type, "geoip")
               || containsNoCase(type, "dbip") || containsNoCase(type, "db-ip");
    return true;
}

std::string MmdbReader::databaseType() const
{
    return m_db && m_db->metadata.database_type ? std::string(m_db->metadata.database_type) : std::string();
}

int MmdbReader::ipVersion() const noexcept
{
    return m_db ? int(m_db->metadata.ip_version) : 0;
}

bool MmdbReader::covers(const IpAddress &ip) const noexcept
{
    return m_db && (m_db->metadata.ip_version == 6 || ip.isV4());
}

namespace {

bool find(const MMDB_s *db, const IpAddress &ip, MMDB_entry_s &entry) noexcept
{
    // Looking up by sockaddr skips getaddrinfo, which MMDB_lookup_string calls on every
    // lookup and which dominates its cost.
    int error = MMDB_SUCCESS;
    MMDB_lookup_result_s r;
    if (ip.isV4()) {
        sockaddr_in sa{};
        sa.sin_family = AF_INET;
        std::memcpy(&sa.sin_addr, ip.bytes().data(), 4);
        r = MMDB_lookup_sockaddr(db, reinterpret_cast<const sockaddr *>(&sa), &error);
    } else {
        sockaddr_in6 sa{};
        sa.sin6_family = AF_INET6;
        std::memcpy(&sa.sin6_addr, ip.bytes().data(), 16);
        r = MMDB_lookup_sockaddr(db, reinterpret_cast<const sockaddr *>(&sa), &error);
    }
    if (error != MMDB_SUCCESS || !r.found_entry)
        return false;
    entry = r.entry;
    return true;
}

} // namespace

bool MmdbReader::readLocation(const IpAddress &ip, GeoInfo &info) const noexcept
{
    if (!covers(ip))
        return false;
    MMDB_entry_s entry{};
    if (!find(m_db.get(), ip, entry))
        return false;
    try {
        // Try the layout the metadata suggests first, the other only when it finds nothing,
        // so an unusually labelled file still works at the cost of one extra probe.
        for (int pass = 0; pass < 2; ++pass) {
            const bool nested = (pass == 0) == m_nested;
            std::string country = countryCode(text(entry, nested ? kMmCountry : kFlatCountry));
            if (country.empty() && nested)
                country = countryCode(text(entry, kMmRegCountry));
            const std::string_view city = text(entry, nested ? kMmCity : kFlatCity);
            const auto lat = number(entry, nested ? kMmLat : kFlatLat);
            const auto lon = number(entry, nested ? kMmLon : kFlatLon);
            if (country.empty() && city.empty() && !lat && !lon)
                continue;
            if (!country.empty())
                info.country = std::move(country);
            if (!city.empty())
                info.city.assign(city);
            if (lat && lon)
                info.setCoordinates(*lat, *lon);
            break;
        }
    } catch (...) {
        return false; // only std::bad_alloc can get here
    }
    return true;
}

bool MmdbReader::readAsn(const IpAddress &ip, GeoInfo &info) const noexcept
{
    if (!covers(ip))
        return false;
    MMDB_entry_s entry{};
    if (!find(m_db.get(), ip, entry))
        return false;
    const auto asn = unsignedValue(entry, kAsnNumber);
    if (!asn || *asn == 0)
        return false;
    info.asn = *asn;
    try {
        info.asOrg.assign(text(entry, kAsnOrg));
    } catch (...) {
        info.asOrg.clear();
    }
    return true;
}

} // namespace mp
