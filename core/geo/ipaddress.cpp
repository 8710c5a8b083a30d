#include "geo/ipaddress.h"

namespace mp {

namespace {

// Parses "a.b.c.d" exactly; no leading zeros, no missing parts.
std::optional<std::uint32_t> parseV4(std::string_view s) noexcept
{
    std::uint32_t value = 0;
    int parts = 0;
    std::size_t i = 0;
    while (parts < 4) {
        if (i >= s.size() || s[i] < '0' || s[i] > '9')
            return std::nullopt;
        const std::size_t start = i;
        unsigned part = 0;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
            part = part * 10 + unsigned(s[i] - '0');
            if (part > 255 || i - start >= 3)
                return std::nullopt;
            ++i;
        }
        if (i - start > 1 && s[start] == '0')
            return std::nullopt;
        value = (value << 8) | part;
        ++parts;
        if (parts < 4) {
            if (i >= s.size() || s[i] != '.')
                return std::nullopt;
            ++i;
        }
    }
    if (i != s.size())
        return std::nullopt;
    return value;
}

int hexDigit(char c) noexcept
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// RFC 4291 section 2.2 text forms, into 8 groups.
std::optional<std::array<std::uint16_t, 8>> parseV6(std::string_view s) noexcept
{
    std::array<std::uint16_t, 8> groups{};
    if (s.size() < 2)
        return std::nullopt;
    int count = 0;
    int gap = -1; // index where "::" sits
    std::size_t i = 0;
    if (s[0] == ':') {
        if (s[1] != ':')
            return std::nullopt;
        gap = 0;
        i = 2;
        if (i == s.size())
            return groups; // "::"
    }
    while (i < s.size()) {
        if (count == 8)
            return std::nullopt;
        // A trailing dotted quad fills the last two groups.
        const std::size_t next = s.find(':', i);
        const std::string_view token = s.substr(i, next == std::string_view::npos ? s.npos : next - i);
        if (next == std::string_view::npos && token.find('.') != std::string_view::npos) {
            if (count > 6)
                return std::nullopt;
            const auto v4 = parseV4(token);
            if (!v4)
                return std::nullopt;
            groups[std::size_t(count++)] = std::uint16_t(*v4 >> 16);
            groups[std::size_t(count++)] = std::uint16_t(*v4 & 0xffff);
            i = s.size();
            break;
        }
        if (token.empty() || token.size() > 4)
            return std::nullopt;
        unsigned g = 0;
        for (char c : token) {
            const int d = hexDigit(c);
            if (d < 0)
                return std::nullopt;
            g = (g << 4) | unsigned(d);
        }
        groups[std::size_t(count++)] = std::uint16_t(g);
        if (next == std::string_view::npos) {
            i = s.size();
            break;
        }
        i = next + 1;
        if (i < s.size() && s[i] == ':') {
            if (gap >= 0)
                return std::nullopt; // a second "::"
            gap = count;
            ++i;
        } else if (i == s.size()) {
            return std::nullopt; // trailing single ':'
        }
    }
    if (gap < 0) {
        if (count != 8)
            return std::nullopt;
        return groups;
    }
    if (count == 8)
        return std::nullopt; // "::" must stand for at least one group
    // Move the groups after the gap to the end.
    const int tail = count - gap;
    for (int k = tail - 1; k >= 0; --k) {
        groups[std::size_t(8 - tail + k)] = groups[std::size_t(gap + k)];
        groups[std::size_t(gap + k)] = 0;
    }
    return groups;
}

} // namespace

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
    if (text.find(':') == std::string_view::npos) {
        const auto v4 = parseV4(text);
        if (!v4)
            return std::nullopt;
        return fromV4(*v4);
    }
    if (const auto zone = text.find('%'); zone != std::string_view::npos)
        text = text.substr(0, zone);
    const auto groups = parseV6(text);
    if (!groups)
        return std::nullopt;
    std::uint64_t hi = 0;
    std::uint64_t lo = 0;
    for (int k = 0; k < 4; ++k) {
        hi = (hi << 16) | (*groups)[std::size_t(k)];
        lo = (lo << 16) | (*groups)[std::size_t(4 + k)];
    }
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
