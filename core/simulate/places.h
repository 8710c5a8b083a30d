#pragma once

#include "simulate/simrecords.h"

#include <string>
#include <vector>

namespace mp {
class GeoDb;
}

namespace mp::sim {

// The tenant's network world. Attacker and travel addresses are public addresses that the
// project's GeoIP data (DB-IP lite, ip-location-db ASN) places in the country the sign-in log
// claims; they were picked for that and say nothing about whoever holds them today.
namespace places {

Place office();            // head office, New York (IPv4 NAT egress shared by every user)
std::string officeIpv6();  // the office's IPv6 prefix host, seen in some Exchange records
Place home(int index);     // residential addresses around New York, one per user
Place sprayer();           // credential-spray source (hosting, Lithuania)
Place ruleAttacker();      // seed test 1's PowerShell machine (hosting, New Jersey)
Place bulkSender();        // seed test 3's sending machine (hosting, New Jersey)
Place travelGermany();     // seed test 4's second sign-in (residential, Frankfurt)
Place aitmProxy(int victim); // the phishing kit's relays, one per victim (hosting, New Jersey)
Place becAttacker();       // where the stolen session is replayed from (hosting, Netherlands)
Place hotelLondon();       // the benign traveller's hotel (residential ISP, London)
Place vpnEgressUs();       // corporate VPN egress, US
Place vpnEgressNl();       // corporate VPN egress, Netherlands
std::string vpnCidrUs();
std::string vpnCidrNl();
Place appServer();         // the transactional sender's application (cloud, Virginia)

// Every fixed place and a sample of home addresses, for checkPlaces().
std::vector<Place> all();

} // namespace places

// Where the real GeoIP data disagrees with a place's claimed country: one line per mismatch.
// Empty when all agree (or when a place's address is not in the data at all).
std::vector<std::string> checkPlaces(const GeoDb &geo);

} // namespace mp::sim
