#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace mp {

// A parsed IPv4 or IPv6 address. The geo code parses text itself rather than going through
// inet_pton/getaddrinfo: it is on the per-lookup hot path, must behave the same on every
// platform, and must never touch the resolver.
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
    // unique-local and similar special-purpose ranges (IANA special-purpose registries).
    bool isGlobal() const noexcept;

private:
    Family m_family = Family::V4;
    std::uint32_t m_v4 = 0;
    std::uint64_t m_hi = 0;
    std::uint64_t m_lo = 0;
    std::array<std::uint8_t, 16> m_bytes{};
};

} // namespace mp
