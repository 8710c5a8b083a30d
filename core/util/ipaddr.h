#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

// One address must always have one text, or the same attacker IP splits into several rows
// ("1.2.3.4:51902", "::ffff:1.2.3.4", "[2001:DB8::1]:443"). Hand-written parser: it runs per
// record, and inet_pton would need a NUL-terminated copy and still not handle ports or brackets.
namespace mp {

enum class IpScope { Invalid, Public, Private, Loopback, LinkLocal, Other };

// 16 bytes in network order; IPv4 is stored v4-mapped (::ffff:a.b.c.d) so both families sort
// and range-match in one space.
using IpBytes = std::array<std::uint8_t, 16>;

// Canonical text, or "" when `raw` is not an IP address. Accepts surrounding spaces and quotes,
// `v4`, `v4:port`, `[v6]`, `[v6]:port`, `v6%zone`, `::ffff:v4`. IPv4 comes out dotted decimal
// (leading zeros read as decimal, never octal); IPv6 lower-case in RFC 5952 form (longest run of
// two or more zero groups compressed, the first on a tie); v4-mapped IPv6 comes out as IPv4.
// Unbracketed IPv6 followed by a port is indistinguishable from IPv6 and is read as IPv6.
std::string normalizeIp(std::string_view raw);
// The same into a caller-owned string, so that a reader's loop reuses its capacity. Returns
// false and clears `out` when `raw` is not an IP address.
bool normalizeIp(std::string_view raw, std::string& out);

// Accepts what normalizeIp() accepts. IPv4: 10/8, 172.16/12, 192.168/16 and the carrier-grade
// NAT 100.64/10 are Private (none is a place an attacker can be geolocated from); 127/8
// Loopback; 169.254/16 LinkLocal; 0/8, documentation nets (192.0.2/24, 198.51.100/24,
// 203.0.113/24), 192.0.0/24, benchmarking 198.18/15, multicast and 240/4 are Other. IPv6: ::1
// Loopback; fe80::/10 LinkLocal; fc00::/7 Private; 2000::/3 Public except 2001:db8::/32
// (documentation, Other); anything else (::, multicast, unassigned) is Other.
IpScope ipScope(std::string_view ip) noexcept;

std::optional<IpBytes> ipToBytes(std::string_view ip) noexcept;

// Canonical text of 16 bytes (v4-mapped -> dotted IPv4).
std::string formatIp(const IpBytes& bytes);

// A parsed IPv4 or IPv6 address in the form the geo databases search: the family, the value as
// integers, and network-order bytes. It parses strictly (no ports, brackets or quotes, which
// normalizeIp() has already removed from log text; no leading zeros), with the same parser as the
// functions above, and never touches the resolver.
class IpAddress
{
public:
    enum class Family : std::uint8_t { V4, V6 };

    // Accepts dotted-quad IPv4 (no leading zeros, which some parsers read as octal) and
    // RFC 4291 IPv6 text, including "::" and a trailing dotted quad. An IPv4-mapped IPv6
    // address (::ffff:1.2.3.4) is returned as the IPv4 address, since that is what it is.
    // A zone suffix (fe80::1%eth0) is ignored. Returns nothing for anything else.
    static std::optional<IpAddress> parse(std::string_view text) noexcept;

    static IpAddress fromV4(std::uint32_t v4) noexcept;
    static IpAddress fromV6(std::uint64_t hi, std::uint64_t lo) noexcept;

    Family family() const noexcept { return m_family; }
    bool isV4() const noexcept { return m_family == Family::V4; }

    // Host-order value of an IPv4 address.
    std::uint32_t v4() const noexcept { return m_v4; }
    // The 128 bits of an IPv6 address as two host-order halves (hi = first 8 bytes).
    std::uint64_t hi() const noexcept { return m_hi; }
    std::uint64_t lo() const noexcept { return m_lo; }
    // Network-order bytes: 4 for IPv4, 16 for IPv6.
    const std::array<std::uint8_t, 16> &bytes() const noexcept { return m_bytes; }

    // False for addresses that no geolocation or ASN database can place: private, loopback,
    // link-local, CGNAT, documentation, benchmarking, multicast, reserved, unspecified,
    // unique-local and similar special-purpose ranges (IANA special-purpose registries). Finer
    // than ipScope(), which sorts addresses for people (private, loopback, ...); this decides
    // whether a database lookup can answer at all.
    bool isGlobal() const noexcept;

private:
    Family m_family = Family::V4;
    std::uint32_t m_v4 = 0;
    std::uint64_t m_hi = 0;
    std::uint64_t m_lo = 0;
    std::array<std::uint8_t, 16> m_bytes{};
};

} // namespace mp
