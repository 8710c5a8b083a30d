#pragma once

#include "detect/detectioninput.h"
#include "detect/tuning.h"
#include "store/findingstore.h"

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace mp {

// Where one finding stands in a takeover.
enum class KillChainStage : std::uint8_t { Other, Access, Persistence, Exfiltration };

// Joins the findings (in their final order) of one user that share an IP or follow each other
// within tuning.incidentGapHours into incidents, ordered by first time, user and first finding,
// and sets each member finding's incidentId to its incident's 1-based position. Suppressed
// findings and findings without a user never join; a group of informational findings only is
// not an incident. Deterministic: the same findings give the same incidents.
std::vector<Incident> buildIncidents(std::vector<Finding> &findings, const Tuning &tuning, std::string_view profile);

// What the case knows about one IP's network.
struct IpNetwork
{
    std::uint32_t asn = 0;
    std::string org;
};
using IpNetworkLookup = std::function<IpNetwork(std::string_view ip)>;

// Adds "networks": [{ip, asn, org, class}] to every finding's details, and (when `bump`, the
// default profile) raises by kHostingSignInBonus the score of a finding whose evidence holds a
// successful sign-in from a hosting or VPN network, saying so in "network_bonus". The ASN of an
// IP comes from `lookup` when it knows it, else from the input's sign-ins.
inline constexpr double kHostingSignInBonus = 10;
void annotateNetworks(std::vector<Finding> &findings, const DetectionInput &input, const Tuning &tuning, bool bump,
                      const IpNetworkLookup &lookup = {});

} // namespace mp
