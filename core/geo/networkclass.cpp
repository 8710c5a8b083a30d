#include "geo/networkclass.h"

#include "util/strings.h"

#include <algorithm>
#include <charconv>
#include <vector>

namespace mp {

namespace detail {
extern const std::string_view kNetworkClassesCsv[];
extern const std::size_t kNetworkClassesCsvLines;
} // namespace detail

namespace {

constexpr const char *kNames[] = {"", "hosting", "vpn", "privacy-relay", "satellite", "mobile"};

std::string_view nextField(std::string_view &line)
{
    const std::size_t comma = line.find(',');
    const std::string_view field = trim(line.substr(0, comma));
    line = comma == std::string_view::npos ? std::string_view() : line.substr(comma + 1);
    return field;
}

// Parsed once; the views point into the compiled-in literals.
const std::vector<NetworkClassEntry> &table()
{
    static const std::vector<NetworkClassEntry> entries = [] {
        std::vector<NetworkClassEntry> out;
        for (std::size_t i = 0; i < detail::kNetworkClassesCsvLines; ++i) {
            std::string_view line = trim(detail::kNetworkClassesCsv[i]);
            if (line.empty() || line.front() == '#' || line.starts_with("asn,"))
                continue;
            const std::string_view asnText = nextField(line);
            const std::string_view classText = nextField(line);
            const std::string_view name = nextField(line);
            const std::string_view source = trim(line);
            std::uint32_t asn = 0;
            const auto [ptr, ec] = std::from_chars(asnText.data(), asnText.data() + asnText.size(), asn);
            const auto cls = networkClassFromName(classText);
            if (ec != std::errc() || ptr != asnText.data() + asnText.size() || asn == 0 || !cls)
                continue; // a broken row is caught by tst_networkclasses
            out.push_back({asn, *cls, name, source});
        }
        std::stable_sort(out.begin(), out.end(), [](const auto &a, const auto &b) { return a.asn < b.asn; });
        return out;
    }();
    return entries;
}

} // namespace

const char *networkClassName(NetworkClass c)
{
    const auto i = static_cast<std::size_t>(c);
    return i < std::size(kNames) ? kNames[i] : "";
}

std::optional<NetworkClass> networkClassFromName(std::string_view name)
{
    const std::string n = toLowerAscii(trim(name));
    if (n == "none" || n.empty())
        return NetworkClass::None;
    if (n == "cloud" || n == "hosting/cloud")
        return NetworkClass::Hosting;
    if (n == "satellite/in-flight" || n == "in-flight")
        return NetworkClass::Satellite;
    if (n == "privacy relay")
        return NetworkClass::PrivacyRelay;
    for (std::size_t i = 1; i < std::size(kNames); ++i) {
        if (n == kNames[i])
            return static_cast<NetworkClass>(i);
    }
    return std::nullopt;
}

std::span<const NetworkClassEntry> networkClassTable()
{
    return table();
}

NetworkClass networkClass(std::uint32_t asn, const std::map<std::uint32_t, NetworkClass> *overrides)
{
    if (asn == 0)
        return NetworkClass::None;
    if (overrides) {
        if (const auto it = overrides->find(asn); it != overrides->end())
            return it->second;
    }
    const auto &t = table();
    const auto it = std::lower_bound(t.begin(), t.end(), asn, [](const NetworkClassEntry &e, std::uint32_t a) { return e.asn < a; });
    return it != t.end() && it->asn == asn ? it->cls : NetworkClass::None;
}

} // namespace mp
