#include "geo/asntable.h"

#include "util/ipaddr.h"

#include <QByteArray>
#include <QFile>
#include <QSaveFile>
#include <QString>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <unordered_map>

namespace mp {

namespace {

// Cache layout (native byte order; the byte-order mark rejects a cache copied between
// machines of different endianness). Every section starts on an 8-byte boundary so the
// arrays can be used in place from the mapping.
//   header (64 bytes)
//   starts  count x (u32 | u64 hi, u64 lo)
//   ends    count x (u32 | u64 hi, u64 lo)
//   asns    count x u32
//   orgs    count x u32   offset of a NUL-terminated name in the pool
//   pool    poolSize bytes
constexpr char kMagic[8] = {'M', 'P', 'A', 'S', 'N', 'v', '1', '\n'};
constexpr std::uint32_t kByteOrder = 0x01020304;

struct Header {
    char magic[8];
    std::uint32_t byteOrder;
    std::uint32_t family;
    std::uint64_t csvSize;
    std::int64_t csvMtime;
    std::uint64_t count;
    std::uint64_t poolSize;
    std::uint64_t totalSize;
    std::uint64_t reserved;
};
static_assert(sizeof(Header) == 64);

constexpr std::size_t pad8(std::size_t n) { return (n + 7) & ~std::size_t(7); }

struct Layout {
    std::size_t starts, ends, asns, orgs, pool, total;
};

Layout layoutFor(std::uint64_t count, std::uint64_t poolSize, int family)
{
    const std::size_t key = family == 4 ? 4 : 16;
    Layout l{};
    l.starts = sizeof(Header);
    l.ends = l.starts + pad8(count * key);
    l.asns = l.ends + pad8(count * key);
    l.orgs = l.asns + pad8(count * 4);
    l.pool = l.orgs + pad8(count * 4);
    l.total = l.pool + pad8(poolSize);
    return l;
}

struct FileStamp {
    std::uint64_t size = 0;
    std::int64_t mtime = 0;
};

bool stampOf(const std::string &path, FileStamp &out)
{
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec)
        return false;
    const auto time = std::filesystem::last_write_time(path, ec);
    if (ec)
        return false;
    out.size = size;
    out.mtime = std::chrono::duration_cast<std::chrono::nanoseconds>(time.time_since_epoch()).count();
    return true;
}

struct U128 {
    std::uint64_t hi = 0, lo = 0;
    friend bool operator<(const U128 &a, const U128 &b)
    {
        return a.hi < b.hi || (a.hi == b.hi && a.lo < b.lo);
    }
    friend bool operator==(const U128 &, const U128 &) = default;
    U128 minusOne() const { return lo ? U128{hi, lo - 1} : U128{hi - 1, ~std::uint64_t(0)}; }
};

} // namespace

struct AsnTable::Built {
    struct Row {
        U128 start, end; // IPv4 in .lo
        std::uint32_t asn;
        std::uint32_t org;
    };
    std::vector<Row> rows;
    std::string pool;
};

AsnTable::AsnTable() = default;
AsnTable::~AsnTable() = default;

std::string AsnTable::cachePathFor(const std::string &csvPath)
{
    std::string p = csvPath;
    if (p.size() > 4 && p.compare(p.size() - 4, 4, ".csv") == 0)
        p.resize(p.size() - 4);
    return p + ".bin";
}

bool AsnTable::parseCsv(const char *data, std::size_t size, int family, Built &out,
                        std::string *problem)
{
    std::unordered_map<std::string, std::uint32_t> orgIndex;
    out.pool.assign(1, '\0'); // offset 0 is the empty name
    orgIndex.emplace(std::string(), 0);
    std::string org;

    const char *p = data;
    const char *const end = data + size;
    while (p < end) {
        const char *eol = static_cast<const char *>(std::memchr(p, '\n', std::size_t(end - p)));
        if (!eol)
            eol = end;
        std::string_view line(p, std::size_t(eol - p));
        p = eol + 1;
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        if (line.empty())
            continue;

        // first,last,asn,org  (org may be quoted with "" escapes; it may contain commas)
        const auto c1 = line.find(',');
        const auto c2 = c1 == line.npos ? line.npos : line.find(',', c1 + 1);
        const auto c3 = c2 == line.npos ? line.npos : line.find(',', c2 + 1);
        if (c3 == line.npos) {
            continue; // header line or malformed row
        }
        const auto first = IpAddress::parse(line.substr(0, c1));
        const auto last = IpAddress::parse(line.substr(c1 + 1, c2 - c1 - 1));
        const std::string_view asnText = line.substr(c2 + 1, c3 - c2 - 1);
        const bool v4 = family == 4;
        if (!first || !last || first->isV4() != v4 || last->isV4() != v4 || asnText.empty()
            || asnText.size() > 10) {
            continue; // header line or malformed row
        }
        std::uint64_t asn = 0;
        bool digits = true;
        for (char c : asnText) {
            digits = digits && c >= '0' && c <= '9';
            asn = asn * 10 + std::uint64_t(c - '0');
        }
        if (!digits || asn == 0 || asn > 0xffffffffu) {
            continue; // header line or malformed row
        }

        std::string_view orgText = line.substr(c3 + 1);
        org.clear();
        if (!orgText.empty() && orgText.front() == '"') {
            for (std::size_t k = 1; k < orgText.size(); ++k) {
                if (orgText[k] == '"') {
                    if (k + 1 < orgText.size() && orgText[k + 1] == '"') {
                        org += '"';
                        ++k;
                        continue;
                    }
                    break;
                }
                org += orgText[k];
            }
        } else {
            org.assign(orgText);
        }
        auto [it, inserted] = orgIndex.try_emplace(org, std::uint32_t(out.pool.size()));
        if (inserted) {
            out.pool += org;
            out.pool += '\0';
        }

        Built::Row row{};
        if (v4) {
            row.start.lo = first->v4();
            row.end.lo = last->v4();
        } else {
            row.start = {first->hi(), first->lo()};
            row.end = {last->hi(), last->lo()};
        }
        if (row.end < row.start) {
            continue; // header line or malformed row
        }
        row.asn = std::uint32_t(asn);
        row.org = it->second;
        out.rows.push_back(row);
    }

    if (out.rows.empty()) {
        if (problem)
            *problem = "no usable rows";
        return false;
    }
    std::stable_sort(out.rows.begin(), out.rows.end(),
                     [](const Built::Row &a, const Built::Row &b) { return a.start < b.start; });
    // A binary search on start needs disjoint ranges. The data has the odd overlap (a
    // broad allocation followed by a more specific one); the later, narrower row wins and
    // the earlier one is cut short, or dropped when nothing of it is left.
    std::vector<Built::Row> disjoint;
    disjoint.reserve(out.rows.size());
    for (const auto &row : out.rows) {
        while (!disjoint.empty() && !(disjoint.back().end < row.start)) {
            if (disjoint.back().start == row.start) {
                disjoint.pop_back();
                continue;
            }
            disjoint.back().end = row.start.minusOne();
            break;
        }
        disjoint.push_back(row);
    }
    out.rows.swap(disjoint);
    return true;
}

std::vector<char> AsnTable::serialise(const Built &built, int family, std::uint64_t csvSize,
                                      std::int64_t csvMtime)
{
    const std::uint64_t count = built.rows.size();
    const Layout l = layoutFor(count, built.pool.size(), family);
    std::vector<char> out(l.total, '\0');

    Header h{};
    std::memcpy(h.magic, kMagic, sizeof kMagic);
    h.byteOrder = kByteOrder;
    h.family = std::uint32_t(family);
    h.csvSize = csvSize;
    h.csvMtime = csvMtime;
    h.count = count;
    h.poolSize = built.pool.size();
    h.totalSize = l.total;
    std::memcpy(out.data(), &h, sizeof h);

    char *const base = out.data();
    for (std::size_t i = 0; i < count; ++i) {
        const auto &r = built.rows[i];
        if (family == 4) {
            const auto s = std::uint32_t(r.start.lo), e = std::uint32_t(r.end.lo);
            std::memcpy(base + l.starts + i * 4, &s, 4);
            std::memcpy(base + l.ends + i * 4, &e, 4);
        } else {
            const std::uint64_t s[2] = {r.start.hi, r.start.lo}, e[2] = {r.end.hi, r.end.lo};
            std::memcpy(base + l.starts + i * 16, s, 16);
            std::memcpy(base + l.ends + i * 16, e, 16);
        }
        std::memcpy(base + l.asns + i * 4, &r.asn, 4);
        std::memcpy(base + l.orgs + i * 4, &r.org, 4);
    }
    std::memcpy(base + l.pool, built.pool.data(), built.pool.size());
    return out;
}

bool AsnTable::adopt(const char *data, std::size_t size, std::string *problem)
{
    const auto fail = [problem](const char *why) {
        if (problem)
            *problem = why;
        return false;
    };
    if (size < sizeof(Header) || reinterpret_cast<std::uintptr_t>(data) % 8)
        return fail("cache too short");
    Header h;
    std::memcpy(&h, data, sizeof h);
    if (std::memcmp(h.magic, kMagic, sizeof kMagic) != 0 || h.byteOrder != kByteOrder)
        return fail("not an ASN cache of this version");
    if (int(h.family) != m_family)
        return fail("cache is for the other address family");
    if (h.count > (std::uint64_t(1) << 32) || h.poolSize == 0 || h.poolSize > (std::uint64_t(1) << 32))
        return fail("cache header out of range");
    const Layout l = layoutFor(h.count, h.poolSize, m_family);
    if (h.totalSize != l.total || size < l.total)
        return fail("cache truncated");
    if (data[l.pool + h.poolSize - 1] != '\0')
        return fail("cache string pool not terminated");

    m_count = std::size_t(h.count);
    if (m_family == 4) {
        m_starts4 = reinterpret_cast<const std::uint32_t *>(data + l.starts);
        m_ends4 = reinterpret_cast<const std::uint32_t *>(data + l.ends);
    } else {
        m_starts6 = reinterpret_cast<const std::uint64_t *>(data + l.starts);
        m_ends6 = reinterpret_cast<const std::uint64_t *>(data + l.ends);
    }
    m_asns = reinterpret_cast<const std::uint32_t *>(data + l.asns);
    m_orgs = reinterpret_cast<const std::uint32_t *>(data + l.orgs);
    m_pool = data + l.pool;
    m_poolSize = std::size_t(h.poolSize);
    return true;
}

bool AsnTable::load(const std::string &csvPath, int family, std::string *problem)
{
    m_file.reset();
    m_memory.clear();
    m_count = 0;
    m_source = Source::None;
    m_family = family == 6 ? 6 : 4;

    FileStamp stamp;
    if (!stampOf(csvPath, stamp)) {
        if (problem)
            *problem = csvPath + ": not found";
        return false;
    }

    // 1. A current cache: map it and we are done.
    const std::string cachePath = cachePathFor(csvPath);
    {
        auto file = std::make_unique<QFile>(QString::fromStdString(cachePath));
        if (file->open(QIODevice::ReadOnly) && file->size() >= qint64(sizeof(Header))) {
            const uchar *map = file->map(0, file->size());
            Header h{};
            if (map)
                std::memcpy(&h, map, sizeof h);
            if (map && h.csvSize == stamp.size && h.csvMtime == stamp.mtime
                && adopt(reinterpret_cast<const char *>(map), std::size_t(file->size()), nullptr)) {
                m_file = std::move(file);
                m_source = Source::MappedCache;
                return true;
            }
        }
    }

    // 2. Parse the CSV.
    Built built;
    {
        QFile csv(QString::fromStdString(csvPath));
        if (!csv.open(QIODevice::ReadOnly)) {
            if (problem)
                *problem = csvPath + ": " + csv.errorString().toStdString();
            return false;
        }
        std::string why;
        bool ok = false;
        if (csv.size() == 0) {
            why = "empty file";
        } else if (const uchar *map = csv.map(0, csv.size())) {
            ok = parseCsv(reinterpret_cast<const char *>(map), std::size_t(csv.size()), m_family,
                          built, &why);
        } else {
            const QByteArray bytes = csv.readAll();
            ok = parseCsv(bytes.constData(), std::size_t(bytes.size()), m_family, built, &why);
        }
        if (!ok) {
            if (problem)
                *problem = csvPath + ": " + why;
            return false;
        }
    }
    const std::vector<char> image = serialise(built, m_family, stamp.size, stamp.mtime);
    built = Built();

    // 3. Write the cache atomically (temp file + rename) so a concurrent reader sees either
    // the old cache or the complete new one. Failing to write it is fine: we keep it in memory.
    QSaveFile out(QString::fromStdString(cachePath));
    bool written = false;
    if (out.open(QIODevice::WriteOnly)) {
        written = out.write(image.data(), qint64(image.size())) == qint64(image.size())
                  && out.commit();
        if (!written)
            out.cancelWriting();
    }

    m_memory.resize((image.size() + 7) / 8);
    std::memcpy(m_memory.data(), image.data(), image.size());
    if (!adopt(reinterpret_cast<const char *>(m_memory.data()), image.size(), problem))
        return false;
    m_source = written ? Source::BuiltCache : Source::Memory;
    return true;
}

AsnTable::Hit AsnTable::find(const IpAddress &ip) const noexcept
{
    if (m_count == 0 || ip.isV4() != (m_family == 4))
        return {};
    std::size_t idx;
    if (m_family == 4) {
        const std::uint32_t v = ip.v4();
        // Last range starting at or before v.
        const std::uint32_t *it = std::upper_bound(m_starts4, m_starts4 + m_count, v);
        if (it == m_starts4)
            return {};
        idx = std::size_t(it - m_starts4) - 1;
        if (v > m_ends4[idx])
            return {};
    } else {
        const U128 v{ip.hi(), ip.lo()};
        std::size_t lo = 0, hi = m_count; // first index whose start > v
        while (lo < hi) {
            const std::size_t mid = lo + (hi - lo) / 2;
            const U128 s{m_starts6[2 * mid], m_starts6[2 * mid + 1]};
            if (v < s)
                hi = mid;
            else
                lo = mid + 1;
        }
        if (lo == 0)
            return {};
        idx = lo - 1;
        const U128 e{m_ends6[2 * idx], m_ends6[2 * idx + 1]};
        if (e < v)
            return {};
    }
    Hit hit;
    hit.asn = m_asns[idx];
    const std::uint32_t off = m_orgs[idx];
    if (off < m_poolSize)
        hit.org = std::string_view(m_pool + off); // the pool ends with NUL, so this stops in it
    return hit;
}

} // namespace mp
