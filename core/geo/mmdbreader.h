#pragma once

#include <memory>
#include <string>

struct MMDB_s;

namespace mp {

class IpAddress;
struct GeoInfo;

// One memory-mapped MaxMind DB file. Understands both record layouts Mailpivot meets:
// ip-location-db's flat one ({country_code, city, latitude, longitude}) and MaxMind's nested
// one ({country: {iso_code}, city: {names: {en}}, location: {latitude, longitude}}), plus
// the GeoLite2-ASN keys. Reads are const and thread-safe (libmaxminddb only reads the map).
class MmdbReader
{
public:
    MmdbReader();
    ~MmdbReader();
    MmdbReader(const MmdbReader &) = delete;
    MmdbReader &operator=(const MmdbReader &) = delete;

    bool open(const std::string &path, std::string *problem);
    bool isOpen() const noexcept { return m_db != nullptr; }
    const std::string &path() const noexcept { return m_path; }
    std::string databaseType() const;
    int ipVersion() const noexcept; // 4 or 6; 0 when closed

    // Whether the tree can hold addresses of this family; an IPv4-only tree cannot answer
    // an IPv6 question, while an IPv6 tree answers IPv4 through its ::/96 subtree.
    bool covers(const IpAddress &ip) const noexcept;

    // Fill the location fields (country, city, coordinates) the record has, leaving the
    // rest alone. Returns whether the address had a record.
    bool readLocation(const IpAddress &ip, GeoInfo &info) const noexcept;
    // Fill asn and asOrg. Returns whether an ASN was found.
    bool readAsn(const IpAddress &ip, GeoInfo &info) const noexcept;

private:
    std::unique_ptr<MMDB_s> m_db;
    std::string m_path;
    bool m_nested = false; // MaxMind schema is tried first when the metadata says MaxMind
};

} // namespace mp
