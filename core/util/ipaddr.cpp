#include "util/ipaddr.h"

#include <cstddef>

namespace mp {

namespace {

constexpr std::size_t kMaxText = 40; // 8 groups of 4 hex digits + 7 colons, with room to spare

bool isTrimmed(char c) noexcept
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '"' || c == '\'';
}

int hexValue(char c) noexcept
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// Dotted quad, exactly four fields of 1-3 decimal digits each <= 255, nothing else. Log text is
// read leniently (a leading zero is decimal); `strict` refuses leading zeros altogether, since
// other parsers read them as octal and the same text must not name two addresses.
bool parseV4(std::string_view s, std::uint8_t* out, bool strict = false) noexcept
{
    std::size_t i = 0;
    for (int field = 0; field < 4; ++field) {
        if (field > 0) {
            if (i >= s.size() || s[i] != '.')
                return false;
            ++i;
        }
        unsigned v = 0;
        int digits = 0;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
            if (++digits > 3)
                return false;
            v = v * 10 + static_cast<unsigned>(s[i] - '0');
            ++i;
        }
        if (digits == 0 || v > 255)
            return false;
        if (strict && digits > 1 && s[i - static_cast<std::size_t>(digits)] == '0')
            return false;
        out[field] = static_cast<std::uint8_t>(v);
    }
    return i == s.size();
}

void mapV4(const std::uint8_t* v4, IpBytes& out) noexcept
{
    out = {};
    out[10] = 0xFF;
    out[11] = 0xFF;
    out[12] = v4[0];
    out[13] = v4[1];
    out[14] = v4[2];
    out[15] = v4[3];
}

bool parseV6(std::string_view s, IpBytes& out, bool strict = false) noexcept
{
    // A zone id names the interface on the observer's machine; it is not part of the address.
    if (const std::size_t pct = s.find('%'); pct != std::string_view::npos)
        s = s.substr(0, pct);

    std::uint16_t groups[8] = {};
    int count = 0;
    int gapAt = -1; // index in `groups` where "::" stands
    std::size_t i = 0;
    const std::size_t n = s.size();

    if (n >= 2 && s[0] == ':' && s[1] == ':') {
        gapAt = 0;
        i = 2;
    } else if (n > 0 && s[0] == ':') {
        return false;
    }

    while (i < n) {
        const std::size_t groupStart = i;
        unsigned v = 0;
        int digits = 0;
        int h = 0;
        while (i < n && (h = hexValue(s[i])) >= 0) {
            if (++digits > 4)
                return false;
            v = (v << 4) | static_cast<unsigned>(h);
            ++i;
        }
        if (i < n && s[i] == '.') {
            // Trailing embedded IPv4 (::ffff:1.2.3.4) fills the last two groups.
            std::uint8_t v4[4];
            if (count > 6 || !parseV4(s.substr(groupStart), v4, strict))
                return false;
            groups[count++] = static_cast<std::uint16_t>((v4[0] << 8) | v4[1]);
            groups[count++] = static_cast<std::uint16_t>((v4[2] << 8) | v4[3]);
            i = n;
            break;
        }
        if (digits == 0 || count == 8)
            return false;
        groups[count++] = static_cast<std::uint16_t>(v);
        if (i == n)
            break;
        if (s[i] != ':')
            return false;
        ++i;
        if (i < n && s[i] == ':') {
            if (gapAt >= 0)
                return false;
            gapAt = count;
            ++i;
        } else if (i == n) {
            return false; // a single trailing colon
        }
    }

    if (gapAt < 0) {
        if (count != 8)
            return false;
    } else if (count > 7) {
        return false; // "::" must stand for at least one group
    }

    out = {};
    const int tail = gapAt < 0 ? 0 : count - gapAt;
    const int head = count - tail;
    for (int g = 0; g < head; ++g) {
        out[2 * g] = static_cast<std::uint8_t>(groups[g] >> 8);
        out[2 * g + 1] = static_cast<std::uint8_t>(groups[g] & 0xFF);
    }
    for (int g = 0; g < tail; ++g) {
        const int dst = 8 - tail + g;
        out[2 * dst] = static_cast<std::uint8_t>(groups[head + g] >> 8);
        out[2 * dst + 1] = static_cast<std::uint8_t>(groups[head + g] & 0xFF);
    }
    return true;
}

bool isPort(std::string_view s) noexcept
{
    if (s.empty() || s.size() > 5)
        return false;
    unsigned v = 0;
    for (char c : s) {
        if (c < '0' || c > '9')
            return false;
        v = v * 10 + static_cast<unsigned>(c - '0');
    }
    return v <= 65535;
}

bool parseAny(std::string_view s, IpBytes& out) noexcept
{
    while (!s.empty() && isTrimmed(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && isTrimmed(s.back()))
        s.remove_suffix(1);
    if (s.empty())
        return false;

    std::uint8_t v4[4];
    if (s.front() == '[') {
        const std::size_t close = s.find(']');
        if (close == std::string_view::npos)
            return false;
        const std::string_view rest = s.substr(close + 1);
        if (!rest.empty() && (rest.front() != ':' || !isPort(rest.substr(1))))
            return false;
        const std::string_view inner = s.substr(1, close - 1);
        if (parseV4(inner, v4)) {
            mapV4(v4, out);
            return true;
        }
        return parseV6(inner, out);
    }

    const std::size_t colon = s.find(':');
    if (colon == std::string_view::npos) {
        if (!parseV4(s, v4))
            return false;
        mapV4(v4, out);
        return true;
    }
    if (s.find(':', colon + 1) == std::string_view::npos) {
        // Exactly one colon: IPv4 with a port (IPv6 always has at least two).
        if (!isPort(s.substr(colon + 1)) || !parseV4(s.substr(0, colon), v4))
            return false;
        mapV4(v4, out);
        return true;
    }
    return parseV6(s, out);
}

bool isV4Mapped(const IpBytes& b) noexcept
{
    for (int i = 0; i < 10; ++i) {
        if (b[i] != 0)
            return false;
    }
    return b[10] == 0xFF && b[11] == 0xFF;
}

std::size_t writeDecimal(unsigned v, char* p) noexcept
{
    if (v >= 100) {
        p[0] = static_cast<char>('0' + v / 100);
        p[1] = static_cast<char>('0' + v / 10 % 10);
        p[2] = static_cast<char>('0' + v % 10);
        return 3;
    }
    if (v >= 10) {
        p[0] = static_cast<char>('0' + v / 10);
        p[1] = static_cast<char>('0' + v % 10);
        return 2;
    }
    p[0] = static_cast<char>('0' + v);
    return 1;
}

std::size_t writeIp(const IpBytes& b, char* out) noexcept
{
    char* p = out;
    if (isV4Mapped(b)) {
        for (int i = 12; i < 16; ++i) {
            if (i > 12)
                *p++ = '.';
            p += writeDecimal(b[i], p);
        }
        return static_cast<std::size_t>(p - out);
    }

    std::uint16_t g[8];
    for (int i = 0; i < 8; ++i)
        g[i] = static_cast<std::uint16_t>((b[2 * i] << 8) | b[2 * i + 1]);

    // RFC 5952 4.2: compress the longest run of zero groups, only if it is two or more long,
    // and the first such run on a tie.
    int bestStart = -1;
    int bestLen = 1;
    for (int i = 0; i < 8;) {
        if (g[i] != 0) {
            ++i;
            continue;
        }
        int j = i;
        while (j < 8 && g[j] == 0)
            ++j;
        if (j - i > bestLen) {
            bestStart = i;
            bestLen = j - i;
        }
        i = j;
    }

    static constexpr char kHex[] = "0123456789abcdef";
    for (int i = 0; i < 8; ++i) {
        if (i == bestStart) {
            *p++ = ':';
            *p++ = ':';
            i += bestLen - 1;
            continue;
        }
        if (i > 0 && i != bestStart + bestLen)
            *p++ = ':';
        const unsigned v = g[i];
        bool started = false;
        for (int shift = 12; shift >= 0; shift -= 4) {
            const unsigned nibble = (v >> shift) & 0xF;
            if (nibble != 0 || started || shift == 0) {
                *p++ = kHex[nibble];
                started = true;
            }
        }
    }
    return static_cast<std::size_t>(p - out);
}

bool inV4(const IpBytes& b, std::uint8_t a0, std::uint8_t a1, int prefix) noexcept
{
    // Only prefixes of up to 16 bits are needed for the ranges below.
    const unsigned addr = (unsigned(b[12]) << 8) | b[13];
    const unsigned net = (unsigned(a0) << 8) | a1;
    const unsigned mask = prefix == 0 ? 0 : (0xFFFFu << (16 - prefix)) & 0xFFFFu;
    return (addr & mask) == (net & mask);
}

IpScope scopeOf(const IpBytes& b) noexcept
{
    if (isV4Mapped(b)) {
        const std::uint8_t a = b[12];
        if (a == 127)
            return IpScope::Loopback;
        if (a == 10 || inV4(b, 172, 16, 12) || inV4(b, 192, 168, 16) || inV4(b, 100, 64, 10))
            return IpScope::Private;
        if (inV4(b, 169, 254, 16))
            return IpScope::LinkLocal;
        if (a == 0 || a >= 224 || inV4(b, 198, 18, 15))
            return IpScope::Other;
        const bool net24 = (a == 192 && b[13] == 0 && (b[14] == 0 || b[14] == 2))
            || (a == 198 && b[13] == 51 && b[14] == 100) || (a == 203 && b[13] == 0 && b[14] == 113);
        return net24 ? IpScope::Other : IpScope::Public;
    }
    bool zeroUpTo15 = true;
    for (int i = 0; i < 15; ++i)
        zeroUpTo15 = zeroUpTo15 && b[i] == 0;
    if (zeroUpTo15 && b[15] == 1)
        return IpScope::Loopback;
    if (b[0] == 0xFE && (b[1] & 0xC0) == 0x80)
        return IpScope::LinkLocal;
    if ((b[0] & 0xFE) == 0xFC)
        return IpScope::Private;
    if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8)
        return IpScope::Other;
    if ((b[0] & 0xE0) == 0x20)
        return IpScope::Public;
    return IpScope::Other;
}

} // namespace

bool normalizeIp(std::string_view raw, std::string& out)
{
    IpBytes b;
    if (!parseAny(raw, b)) {
        out.clear();
        return false;
    }
    char buf[kMaxText];
    out.assign(buf, writeIp(b, buf));
    return true;
}

std::string normalizeIp(std::string_view raw)
{
    std::string out;
    normalizeIp(raw, out);
    return out;
}

IpScope ipScope(std::string_view ip) noexcept
{
    IpBytes b;
    if (!parseAny(ip, b))
        return IpScope::Invalid;
    return scopeOf(b);
}

std::optional<IpBytes> ipToBytes(std::string_view ip) noexcept
{
    IpBytes b;
    if (!parseAny(ip, b))
        return std::nullopt;
    return b;
}

std::string formatIp(const IpBytes& bytes)
{
    char buf[kMaxText];
    return std::string(buf, writeIp(bytes, buf));
}

IpAddress IpAddress::fromV4(std::uint32_t v4) noexcept
{
    IpAddress a;
    a.m_family = Family::V4;
    a.m_v4 = v4;
    for (int k = 0; k < 4; ++k)
        a.m_bytes[std::size_t(k)] = std::uint8_t(v4 >> (24 - 8 * k));
    return a;
}

IpAddress IpAddress::fromV6(std::uint64_t hi, std::uint64_t lo) noexcept
{
    IpAddress a;
    a.m_family = Family::V6;
    a.m_hi = hi;
    a.m_lo = lo;
    for (int k = 0; k < 8; ++k) {
        a.m_bytes[std::size_t(k)] = std::uint8_t(hi >> (56 - 8 * k));
        a.m_bytes[std::size_t(8 + k)] = std::uint8_t(lo >> (56 - 8 * k));
    }
    return a;
}

std::optional<IpAddress> IpAddress::parse(std::string_view text) noexcept
{
    if (text.empty() || text.size() > 64)
        return std::nullopt;
    IpBytes b;
    if (text.find(':') == std::string_view::npos) {
        std::uint8_t v4[4];
        if (!parseV4(text, v4, true))
            return std::nullopt;
        mapV4(v4, b);
    } else if (!parseV6(text, b, true)) {
        return std::nullopt;
    }
    std::uint64_t hi = 0;
    std::uint64_t lo = 0;
    for (int k = 0; k < 8; ++k) {
        hi = (hi << 8) | b[std::size_t(k)];
        lo = (lo << 8) | b[std::size_t(8 + k)];
    }
    // An IPv4-mapped address is the IPv4 address.
    if (hi == 0 && (lo >> 32) == 0xffff)
        return fromV4(std::uint32_t(lo));
    return fromV6(hi, lo);
}

bool IpAddress::isGlobal() const noexcept
{
    if (m_family == Family::V4) {
        const std::uint32_t a = m_v4;
        const auto in = [a](std::uint32_t net, int bits) {
            return (a >> (32 - bits)) == (net >> (32 - bits));
        };
        return !(in(0x00000000, 8)       // 0.0.0.0/8 "this network"
                 || in(0x0a000000, 8)    // 10/8 private
                 || in(0x64400000, 10)   // 100.64/10 carrier-grade NAT
                 || in(0x7f000000, 8)    // loopback
                 || in(0xa9fe0000, 16)   // link-local
                 || in(0xac100000, 12)   // 172.16/12 private
                 || in(0xc0000000, 24)   // 192.0.0/24 IETF protocol assignments
                 || in(0xc0000200, 24)   // TEST-NET-1
                 || in(0xc0586300, 24)   // 192.88.99/24 deprecated 6to4 relay
                 || in(0xc0a80000, 16)   // 192.168/16 private
                 || in(0xc6120000, 15)   // 198.18/15 benchmarking
                 || in(0xc6336400, 24)   // TEST-NET-2
                 || in(0xcb007100, 24)   // TEST-NET-3
                 || in(0xe0000000, 4)    // multicast
                 || in(0xf0000000, 4));  // reserved, broadcast
    }
    const std::uint64_t h = m_hi;
    const auto in = [h](std::uint64_t net, int bits) {
        return (h >> (64 - bits)) == (net >> (64 - bits));
    };
    if (h == 0)
        return false; // ::/64 holds unspecified, loopback, IPv4-compatible and mapped forms
    const bool nat64 = h == 0x0064ff9b00000000 && (m_lo >> 32) == 0; // 64:ff9b::/96
    // Within 2001::/23 (IETF protocol assignments) Teredo, AMT and AS112 are routed and
    // in the ASN data; only these parts are not.
    const bool ietf = in(0x2001000200000000, 48)  // benchmarking
                      || in(0x2001001000000000, 28)  // ORCHID (deprecated)
                      || in(0x2001002000000000, 28); // ORCHIDv2
    return !(nat64
             || in(0x0064ff9b00010000, 48)  // 64:ff9b:1::/48 local-use NAT64
             || h == 0x0100000000000000     // 100::/64 discard-only
             || ietf
             || in(0x20010db800000000, 32)  // documentation
             || in(0x3fff000000000000, 20)  // documentation (RFC 9637)
             || in(0x5f00000000000000, 16)  // SRv6 SIDs
             || in(0xfc00000000000000, 7)   // unique local
             || in(0xfe80000000000000, 10)  // link-local
             || in(0xfec0000000000000, 10)  // deprecated site-local
             || in(0xff00000000000000, 8)); // multicast
}

} // namespace mp
