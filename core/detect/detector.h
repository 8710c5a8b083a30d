#pragma once

#include "detect/detectioninput.h"
#include "detect/tuning.h"
#include "store/findingstore.h"

#include <span>
#include <string_view>
#include <vector>

namespace mp {

enum class Profile { Default, Seed };

const char *profileName(Profile profile);
std::optional<Profile> profileFromName(std::string_view name);

// A detector reads the loaded input and appends findings. It must be deterministic: the same
// input gives the same findings with the same evidence, whatever order it appends them in (the
// engine sorts them). Long loops poll input.cancelled(). A new detector is one function and
// one line in the profile tables (detector.cpp).
using DetectorFunction = void (*)(const DetectionInput &input, const Tuning &tuning, std::vector<Finding> &out);

struct Detector
{
    std::string_view name;    // the detector name findings carry
    DetectorFunction run;
};

std::span<const Detector> detectorsOf(Profile profile);

// Detector names as findings carry them.
namespace detector_names {
inline constexpr std::string_view kRiskySignIn = "RiskySignIn";
inline constexpr std::string_view kImpossibleTravel = "ImpossibleTravel";
inline constexpr std::string_view kInboxRuleManipulation = "InboxRuleManipulation";
inline constexpr std::string_view kBulkEmailSending = "BulkEmailSending";
inline constexpr std::string_view kPasswordSpray = "PasswordSpray";
inline constexpr std::string_view kSessionAnomaly = "SessionAnomaly";
inline constexpr std::string_view kThreadHijack = "ThreadHijack";
} // namespace detector_names

// The `default` profile: the seed's four branches done right.
void detectRiskySignIns(const DetectionInput &input, const Tuning &tuning, std::vector<Finding> &out);
void detectImpossibleTravel(const DetectionInput &input, const Tuning &tuning, std::vector<Finding> &out);
void detectInboxRuleManipulation(const DetectionInput &input, const Tuning &tuning, std::vector<Finding> &out);
void detectBulkEmailSending(const DetectionInput &input, const Tuning &tuning, std::vector<Finding> &out);
void detectPasswordSpray(const DetectionInput &input, const Tuning &tuning, std::vector<Finding> &out);
void detectSessionAnomaly(const DetectionInput &input, const Tuning &tuning, std::vector<Finding> &out);
// Second phase: runs after the other detectors of the profile and reads their findings, which
// are already in `out` when it is called (it only appends).
void detectThreadHijack(const DetectionInput &input, const Tuning &tuning, std::vector<Finding> &out);

// The `seed` profile: each branch exactly as the seed's KQL rule runs it (docs/tuning.md).
void seedRiskySignIns(const DetectionInput &input, const Tuning &tuning, std::vector<Finding> &out);
void seedImpossibleTravel(const DetectionInput &input, const Tuning &tuning, std::vector<Finding> &out);
void seedInboxRuleManipulation(const DetectionInput &input, const Tuning &tuning, std::vector<Finding> &out);
void seedBulkEmailSending(const DetectionInput &input, const Tuning &tuning, std::vector<Finding> &out);

} // namespace mp
