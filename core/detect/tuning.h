#pragma once

#include "geo/networkclass.h"
#include "util/ipaddr.h"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mp {

// One trusted network: an address range in CIDR form (v4 ranges live in the v4-mapped part of
// the v6 space, as IpBytes does).
struct Cidr
{
    IpBytes network{};
    int prefixLength = 128; // in the 128-bit space
    std::string text;       // as the user wrote it, normalised: "10.0.0.0/8"

    bool contains(const IpBytes &address) const noexcept;
    static std::optional<Cidr> parse(std::string_view text);
};

// The seeds' false-positive notes as settings (docs/tuning.md). Every key is optional; a file
// with an unknown key is refused, so that a typo never silently turns a setting off.
struct Tuning
{
    std::vector<Cidr> trustedNetworks;
    std::vector<std::string> serviceAccounts; // lower case
    std::vector<std::string> adminAccounts;   // lower case
    std::vector<std::string> tenantDomains;   // lower case; added to those inferred from the data

    int bulkSendThreshold = 50;
    int bulkSendWindowMinutes = 60;
    double travelSpeedKmh = 900;
    double travelMinDistanceKm = 500;
    double lookbackHours = 24; // seed profile only; 0 = the whole case
    double incidentGapHours = 24; // findings of a user this close in time join one incident
    // network_classes: ASN -> class, over the built-in table (resources/network-classes.csv).
    std::map<std::uint32_t, NetworkClass> networkClasses;
    int sprayMinUsers = 10;          // PasswordSpray: distinct users failing from one IP...
    int sprayWindowMinutes = 60;     // ...within this sliding window
    int bruteForceMinFailures = 20;  // PasswordSpray: failures on one user from one IP in the window
    double hijackWindowHours = 24;   // ThreadHijack: replies this long after a risky sign-in

    // The trusted network holding `ip` (normalised text), or nullptr.
    const Cidr *trustedNetwork(std::string_view ip) const;
    bool isServiceAccount(std::string_view user) const;
    bool isAdminAccount(std::string_view user) const;
    // The class of an ASN: network_classes, then the built-in table.
    NetworkClass networkClassOf(std::uint32_t asn) const { return networkClass(asn, &networkClasses); }

    // The settings as canonical JSON (sorted keys, defaults included), stored with each run.
    std::string canonicalJson() const;

    static std::optional<Tuning> parse(std::string_view json, std::string *error);
    static std::optional<Tuning> load(const std::string &path, std::string *error);
};

// The tuning file of a case: next to it and named after it ("x.mpcase" -> "x.tuning.json").
// The workspace writes it ("trust this network", "this is a service account"); `mailpivot detect`
// reads it when no --tuning is given.
std::string caseTuningPath(const std::string &casePath);

// Adds `value` to the list setting `key` ("trusted_networks", "service_accounts", ...) of the
// tuning file at `path`, keeping every other setting and the comment as they are. A missing file
// is created from `base` (any tuning JSON, e.g. the canonical tuning of the last run; empty for
// none). The result must still parse as tuning, or nothing is written. *added is false when the
// value was already listed (the file is left alone).
bool addTuningListEntry(const std::string &path, std::string_view key, const std::string &value,
                        std::string_view base, bool *added, std::string *error);

} // namespace mp
