#pragma once

#include "detect/detectioninput.h"
#include "store/findingstore.h"

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

// Small pieces every detector uses: score bands, fingerprints, distances, text.
namespace mp::detect {

// One mapping from score to severity for all detectors, so that scores compare across them:
// >= 90 critical, >= 70 high, >= 45 medium, >= 25 low, else informational.
Severity severityForScore(double score);
double clampScore(double score);

// "<detector>:<profile>:<user>:<anchor>", where the anchor names the evidence that defines the
// finding (its first event id, or the ids of a pair). Event ids are stable within a case, so the
// same finding in a later run has the same fingerprint and keeps its triage.
std::string fingerprint(std::string_view detector, std::string_view profile, std::string_view user,
                        std::initializer_list<std::int64_t> anchor);

// Great-circle distance on a sphere of the Earth's mean radius (6371.0088 km).
double haversineKm(double lat1, double lon1, double lat2, double lon2);

// Rounds for output so that the JSON does not carry float noise: 1 decimal.
double round1(double value);

// "Paris, FR", "FR" or "unknown place".
std::string placeName(const DetectionInput &input, StrId city, StrId country);

// IPs ordered by how often they occur (most first), ties by text; empty IPs left out.
std::vector<std::string> ipsByFrequency(const DetectionInput &input, const std::vector<StrId> &ips);

std::string formatCount(double value); // 4712 -> "4,712"

} // namespace mp::detect
