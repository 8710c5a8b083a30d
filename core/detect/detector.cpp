#include "detect/detector.h"

namespace mp {

namespace {

using namespace detector_names;

// Run order does not matter for the result (the engine sorts findings), only for progress --
// except that ThreadHijack must run after the others: it reads their findings.
constexpr Detector kDefaultDetectors[] = {
    {kRiskySignIn, detectRiskySignIns},
    {kImpossibleTravel, detectImpossibleTravel},
    {kInboxRuleManipulation, detectInboxRuleManipulation},
    {kBulkEmailSending, detectBulkEmailSending},
    {kPasswordSpray, detectPasswordSpray},
    {kSessionAnomaly, detectSessionAnomaly},
    // Last: it reads the findings of the detectors above (second phase).
    {kThreadHijack, detectThreadHijack},
};

constexpr Detector kSeedDetectors[] = {
    {kRiskySignIn, seedRiskySignIns},
    {kImpossibleTravel, seedImpossibleTravel},
    {kInboxRuleManipulation, seedInboxRuleManipulation},
    {kBulkEmailSending, seedBulkEmailSending},
};

} // namespace

const char *profileName(Profile profile)
{
    return profile == Profile::Seed ? "seed" : "default";
}

std::optional<Profile> profileFromName(std::string_view name)
{
    if (name == "default")
        return Profile::Default;
    if (name == "seed")
        return Profile::Seed;
    return std::nullopt;
}

std::span<const Detector> detectorsOf(Profile profile)
{
    if (profile == Profile::Seed)
        return kSeedDetectors;
    return kDefaultDetectors;
}

} // namespace mp
