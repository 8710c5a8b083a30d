#pragma once

#include "simulate/simrecords.h"
#include "simulate/tenant.h"

#include <cstdint>
#include <functional>
#include <vector>

namespace mp::sim {

// How one person's working day goes. Scenarios change a plan (start late, travel, work over the
// VPN) and the ordinary activity is generated around what they did, so that scenario users look
// like everyone else apart from the story.
struct DayPlan
{
    bool works = true;         // signs in at all that day
    std::vector<Place> places; // where the user works from, in turn, one part of the day each
    std::int64_t startMs = 0;  // first sign-in
    std::int64_t endMs = 0;    // last activity of the working day
    bool evening = false;      // reads mail on the phone at home in the evening
    bool noise = true;         // may mistype a password, meet an MFA prompt, make an organising rule
};

using PlanAdjuster = std::function<void(int day, DayPlan &plan)>;

// A working week (Monday to Friday) of one user: sign-ins from the office and home, token
// refreshes, mail read and sent (with message trace), now and then a mistyped password or a rule
// that files newsletters. Drawn from the user's own random stream, so that one user's week never
// depends on who else is simulated.
void generateWorkWeek(const Tenant &tenant, const User &user, const std::vector<User> &colleagues,
                      const PlanAdjuster &adjust, SimData &out);

// Partner addresses outside the tenant that staff write to and hear from.
const std::vector<std::string> &partnerAddresses();

} // namespace mp::sim
