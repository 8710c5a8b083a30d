#pragma once

#include "store/database.h"
#include "store/event.h"

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace mp {

// Where sign-ins came from, for the workspace's map: located places with their counts, the
// addresses that could not be placed (listed, never drawn at 0,0), one user's path in time
// order, and the impossible-travel legs the latest detection run found.

struct SignInPlace
{
    double latitude = 0;
    double longitude = 0;
    std::string country;
    std::string city;
    GeoSource geoSource = GeoSource::None; // the weakest source among its sign-ins
    int successes = 0;
    int failures = 0; // failed sign-ins; unknown outcomes count as successes
    std::vector<std::string> ips; // distinct, most sign-ins first, at most kMaxPlaceIps
    int ipCount = 0;
    std::vector<std::string> users; // distinct, at most kMaxPlaceUsers
    int userCount = 0;
    std::int64_t firstMs = kNoTime;
    std::int64_t lastMs = kNoTime;
    // Findings of the latest run (not suppressed; the asked user's when one was asked for) that
    // name one of the place's addresses.
    int findings = 0;

    int total() const { return successes + failures; }
};

struct UnplacedAddress
{
    std::string ip; // "" when the sign-in had no address either
    std::string country; // as logged, when there was one without coordinates
    int count = 0;
    std::int64_t firstMs = kNoTime;
    std::int64_t lastMs = kNoTime;
};

// One stop of the selected user's path: consecutive successful sign-ins at the same place.
struct PathStop
{
    std::size_t place = 0; // index into SignInMap::places
    std::int64_t firstMs = 0;
    std::int64_t lastMs = 0;
    int signIns = 0;
};

struct TravelLeg
{
    std::int64_t findingId = 0;
    std::string user;
    std::string fingerprint;
    double fromLatitude = 0, fromLongitude = 0, toLatitude = 0, toLongitude = 0;
    std::string fromPlace, toPlace; // "City, CC"
    std::string fromIp, toIp;
    std::int64_t fromMs = kNoTime, toMs = kNoTime;
    double distanceKm = 0;
    double speedKmh = 0;
    bool suppressed = false;
};

struct SignInMapRequest
{
    std::string user; // lower case; empty: every user
    std::string ip;   // empty: every address
    std::int64_t fromMs = kNoTime;
    std::int64_t toMs = kNoTime; // exclusive

    bool operator==(const SignInMapRequest &) const = default;
};

struct SignInMap
{
    std::vector<SignInPlace> places;        // most sign-ins first
    std::vector<UnplacedAddress> unplaced;  // most sign-ins first
    std::vector<PathStop> path;             // only when one user was asked for
    std::vector<TravelLeg> legs;            // the user's (or everyone's) impossible travel
    std::int64_t signIns = 0;
    bool cancelled = false;
    std::string error;
};

inline constexpr int kMaxPlaceIps = 16;
inline constexpr int kMaxPlaceUsers = 16;

SignInMap loadSignInMap(Database &db, const SignInMapRequest &request, const std::atomic_bool *cancel = nullptr);

// The two places, distance and speed of an ImpossibleTravel finding's details JSON; false when
// the details lack the coordinates.
bool parseTravelLeg(std::string_view detailsJson, TravelLeg &leg);

} // namespace mp
