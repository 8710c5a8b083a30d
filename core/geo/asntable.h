#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

class QFile;

namespace mp {

class IpAddress;

// IP range -> autonomous system, from an ip-location-db ASN CSV
// ("first,last,asn,organisation" per line, one file per address family).
//
// The IPv4 CSV has ~410k lines (24 MB); parsing it costs a noticeable part of a second, too
// much on every start of the CLI. So the first load writes a compact binary cache next to
// the CSV (asn-ipv4.csv -> asn-ipv4.bin) and later loads mmap it: sorted fixed-width
// start/end/ASN arrays plus a deduplicated organisation string pool. The cache records the
// CSV's size and modification time and is rebuilt when either differs. When it cannot be
// written (read-only data dir) the table is built in memory instead.
//
// Lookups are a binary search over the start array; const and safe from many threads.
class AsnTable
{
public:
    enum class Source { None, MappedCache, BuiltCache, Memory };

    AsnTable();
    ~AsnTable();
    AsnTable(const AsnTable &) = delete;
    AsnTable &operator=(const AsnTable &) = delete;

    // Loads the CSV for one family (4 or 6). Returns false with *problem set when the CSV
    // cannot be read or holds no usable row; a cache that cannot be written is not an error.
    bool load(const std::string &csvPath, int family, std::string *problem);

    // Cache file used for a CSV: the CSV path with ".csv" replaced by ".bin".
    static std::string cachePathFor(const std::string &csvPath);

    struct Hit {
        std::uint32_t asn = 0;
        std::string_view org; // points into the table; valid while the table lives
    };
    // The range containing the address, or asn == 0. The address must be of this family.
    Hit find(const IpAddress &ip) const noexcept;

    int family() const noexcept { return m_family; }
    std::size_t size() const noexcept { return m_count; }
    Source source() const noexcept { return m_source; }

private:
    struct Built;
    bool adopt(const char *data, std::size_t size, std::string *problem);
    static bool parseCsv(const char *data, std::size_t size, int family, Built &out,
                         std::string *problem);
    static std::vector<char> serialise(const Built &built, int family, std::uint64_t csvSize,
                                       std::int64_t csvMtime);

    int m_family = 0;
    Source m_source = Source::None;
    std::size_t m_count = 0;
    // Views into the mapped cache or m_memory.
    const std::uint32_t *m_starts4 = nullptr;
    const std::uint32_t *m_ends4 = nullptr;
    const std::uint64_t *m_starts6 = nullptr; // hi, lo pairs
    const std::uint64_t *m_ends6 = nullptr;
    const std::uint32_t *m_asns = nullptr;
    const std::uint32_t *m_orgs = nullptr; // offsets into m_pool
    const char *m_pool = nullptr;
    std::size_t m_poolSize = 0;

    std::unique_ptr<QFile> m_file; // keeps the mapping alive
    std::vector<std::uint64_t> m_memory; // used when the cache is not mapped; 8-byte aligned
};

} // namespace mp
