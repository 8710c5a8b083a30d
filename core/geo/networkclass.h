#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string_view>

namespace mp {

// What kind of network an autonomous system is, from resources/network-classes.csv (compiled in).
// Stored and printed as text: never rename a value.
enum class NetworkClass : std::uint8_t { None = 0, Hosting, Vpn, PrivacyRelay, Satellite, Mobile };

const char *networkClassName(NetworkClass c); // "", "hosting", "vpn", "privacy-relay", "satellite", "mobile"
// Also accepts "cloud" (hosting), "satellite/in-flight" and "none"; ASCII case ignored.
std::optional<NetworkClass> networkClassFromName(std::string_view name);

struct NetworkClassEntry
{
    std::uint32_t asn = 0;
    NetworkClass cls = NetworkClass::None;
    std::string_view name;
    std::string_view source;
};

// The built-in table, ordered by ASN.
std::span<const NetworkClassEntry> networkClassTable();

// The class of an ASN: the override when it names the ASN (None in it unclasses a built-in
// entry), else the built-in table, else None.
NetworkClass networkClass(std::uint32_t asn, const std::map<std::uint32_t, NetworkClass> *overrides = nullptr);

// A successful sign-in from this class raises the score of findings it is part of.
inline bool raisesScore(NetworkClass c) { return c == NetworkClass::Hosting || c == NetworkClass::Vpn; }
// Sign-ins from this class say nothing about where the user is: never a travel baseline.
inline bool unfitForBaseline(NetworkClass c)
{
    return c == NetworkClass::Hosting || c == NetworkClass::Vpn || c == NetworkClass::PrivacyRelay
        || c == NetworkClass::Satellite;
}

} // namespace mp
