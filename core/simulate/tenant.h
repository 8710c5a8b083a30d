#pragma once

#include "simulate/simrecords.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mp::sim {

// The simulated organisation: Contoso, New York, on Microsoft 365, for one working week from
// Monday 2026-10-19. Every time in the output is an offset from that Monday, so the output for a
// seed never depends on the clock. The week was picked so that every day of the month is above 12:
// locale dates such as 10/21/2026 then read one way only, whatever date order a reader assumes.
class Tenant
{
public:
    explicit Tenant(std::uint64_t seed);

    static constexpr int kDays = 5;
    static constexpr std::string_view kDomain = "contoso.com";
    static constexpr std::string_view kOrganizationName = "contoso.onmicrosoft.com";

    std::uint64_t seed() const { return m_seed; }
    const std::string &tenantId() const { return m_tenantId; }
    static std::int64_t baseMs();
    // Milliseconds of day `day` (0 = Monday) at hh:mm:ss UTC.
    static std::int64_t at(int day, int hour, int minute, int second = 0);

    // The ordinary staff: present in every simulation, whatever the scenario.
    const std::vector<User> &staff() const { return m_staff; }

    // A user with ids derived from the seed and the address, so that the same person has the
    // same ids in every simulation of that seed, alone or together with other scenarios.
    User makeUser(std::string_view localPart, std::string_view displayName, int homeIndex,
                  std::string_view department) const;

    // A mailbox server name such as BN0PR12MB5713, stable per user.
    static std::string mailboxServer(std::string_view upn);

private:
    std::uint64_t m_seed;
    std::string m_tenantId;
    std::vector<User> m_staff;
};

} // namespace mp::sim
