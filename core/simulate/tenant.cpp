#include "simulate/tenant.h"

#include "simulate/places.h"
#include "simulate/simrandom.h"
#include "util/timeparse.h"

#include <array>

namespace mp::sim {

namespace {

struct StaffMember
{
    const char *localPart;
    const char *displayName;
    const char *department;
};

// Forty ordinary people. Fixed names (not drawn from the seed) so that the README and the ground
// truth read the same for every seed; the seed decides what they do.
constexpr std::array<StaffMember, 40> kStaff = {{
    {"amelia.ross", "Amelia Ross", "Finance"},        {"ben.carter", "Ben Carter", "Sales"},
    {"chloe.nguyen", "Chloe Nguyen", "Marketing"},    {"daniel.brooks", "Daniel Brooks", "Engineering"},
    {"elena.petrova", "Elena Petrova", "Legal"},      {"farah.siddiqui", "Farah Siddiqui", "Finance"},
    {"george.mills", "George Mills", "Operations"},   {"hannah.weiss", "Hannah Weiss", "HR"},
    {"ivan.morales", "Ivan Morales", "Sales"},        {"julia.fischer", "Julia Fischer", "Engineering"},
    {"kenji.watanabe", "Kenji Watanabe", "Engineering"}, {"laura.bennett", "Laura Bennett", "Marketing"},
    {"marcus.reid", "Marcus Reid", "Operations"},     {"nadia.rahman", "Nadia Rahman", "Finance"},
    {"oliver.grant", "Oliver Grant", "Sales"},        {"priya.iyer", "Priya Iyer", "Engineering"},
    {"quentin.dubois", "Quentin Dubois", "Legal"},    {"rosa.alvarez", "Rosa Alvarez", "Customer Success"},
    {"samuel.okafor", "Samuel Okafor", "Operations"}, {"tara.obrien", "Tara O'Brien", "HR"},
    {"umar.farouk", "Umar Farouk", "Engineering"},    {"valerie.chen", "Valerie Chen", "Finance"},
    {"william.hayes", "William Hayes", "Executive"},  {"ximena.torres", "Ximena Torres", "Marketing"},
    {"yusuf.demir", "Yusuf Demir", "Sales"},          {"zoe.kaplan", "Zoe Kaplan", "Customer Success"},
    {"aaron.lowe", "Aaron Lowe", "Engineering"},      {"bianca.rossi", "Bianca Rossi", "Sales"},
    {"caleb.turner", "Caleb Turner", "Operations"},   {"diana.kim", "Diana Kim", "Finance"},
    {"ethan.shaw", "Ethan Shaw", "Engineering"},      {"fiona.walsh", "Fiona Walsh", "Legal"},
    {"gabriel.silva", "Gabriel Silva", "Customer Success"}, {"holly.price", "Holly Price", "Marketing"},
    {"isaac.levy", "Isaac Levy", "Engineering"},      {"jasmine.cole", "Jasmine Cole", "HR"},
    {"kyle.foster", "Kyle Foster", "Sales"},          {"lena.novak", "Lena Novak", "Operations"},
    {"mason.perry", "Mason Perry", "Engineering"},    {"nora.lindgren", "Nora Lindgren", "Finance"},
}};

} // namespace

Tenant::Tenant(std::uint64_t seed)
    : m_seed(seed)
{
    SimRandom rng = SimRandom::forStream(seed, "tenant");
    m_tenantId = rng.guid();
    m_staff.reserve(kStaff.size());
    for (std::size_t i = 0; i < kStaff.size(); ++i)
        m_staff.push_back(makeUser(kStaff[i].localPart, kStaff[i].displayName, static_cast<int>(i), kStaff[i].department));
}

std::int64_t Tenant::baseMs()
{
    return daysFromCivil(2026, 10, 19) * 86400000LL;
}

std::int64_t Tenant::at(int day, int hour, int minute, int second)
{
    return baseMs() + ((static_cast<std::int64_t>(day) * 24 + hour) * 60 + minute) * 60000LL + second * 1000LL;
}

User Tenant::makeUser(std::string_view localPart, std::string_view displayName, int homeIndex,
                      std::string_view department) const
{
    User u;
    u.upn = std::string(localPart) + "@" + std::string(kDomain);
    u.displayName = std::string(displayName);
    u.department = std::string(department);
    SimRandom rng = SimRandom::forStream(m_seed, "identity:" + u.upn);
    u.objectId = rng.guid();
    u.puid = "10032" + rng.hex(11);
    u.home = places::home(homeIndex);
    u.desktopOutlook = rng.chance(0.7);
    u.ipv6AtOffice = rng.chance(0.15);
    u.mailboxGuid = SimRandom::forStream(m_seed, "mailbox:" + u.upn).guid();
    return u;
}

std::string Tenant::mailboxServer(std::string_view upn)
{
    static constexpr std::array<const char *, 6> kPrefixes = {"BN0PR12MB", "SA1PR12MB", "CH3PR12MB",
                                                              "DM6PR12MB", "MN2PR12MB", "PH7PR12MB"};
    std::uint64_t h = 1469598103934665603ULL;
    for (const char c : upn) {
        h ^= static_cast<unsigned char>(c);
        h *= 1099511628211ULL;
    }
    return std::string(kPrefixes[h % kPrefixes.size()]) + std::to_string(1000 + (h >> 8) % 9000);
}

} // namespace mp::sim
