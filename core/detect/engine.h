#pragma once

#include "detect/detector.h"
#include "store/casestore.h"
#include "store/findingstore.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace mp {

// Bumped whenever a detector changes what it finds, so that a stored run says which logic made it.
inline constexpr const char *kDetectionEngineVersion = "mp_detect 6";

struct DetectionOptions
{
    Profile profile = Profile::Default;
    Tuning tuning;
    const std::atomic_bool *cancel = nullptr;
    // Called from the detecting thread: a stage name ("load", then each detector's name) with the
    // work done and the work in that stage (load: event ids; detectors: 0 of 1, then 1 of 1).
    std::function<void(std::string_view stage, std::int64_t done, std::int64_t total)> progress;
};

struct DetectorTiming
{
    std::string detector;
    double milliseconds = 0;
    std::size_t findings = 0;
};

struct DetectionResult
{
    bool ok = false;
    bool cancelled = false;
    std::string error;
    std::vector<Finding> findings; // in the stable order: first time, detector, user, evidence
    std::vector<Incident> incidents; // findings joined per takeover (detect/incidents.h); ids = position
    std::int64_t eventCount = 0;
    std::int64_t startedAtMs = 0;
    double loadMilliseconds = 0;
    std::vector<DetectorTiming> timings;
};

// Loads the case once and runs every detector of the profile over it. Synchronous; the caller
// puts it on a worker thread. Nothing is written to the case.
DetectionResult runDetection(CaseStore &store, const DetectionOptions &options);
// The same over input that is already loaded (benchmarks, tests); applies the tuning to it.
DetectionResult runDetectors(DetectionInput &input, const DetectionOptions &options);

// runDetection, then stores the findings as the case's latest run (replacing the previous one).
DetectionResult detectAndStore(CaseStore &store, const DetectionOptions &options, DetectionRun *run = nullptr);

// The order findings are reported in, so that output is byte-identical across runs.
bool findingLess(const Finding &a, const Finding &b);

} // namespace mp
