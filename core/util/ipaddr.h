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

} // namespace mp
