#pragma once

#include "store/database.h"
#include "store/eventquery.h"
#include "store/findingstore.h"

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace mp {

// A user's activity over time, for the workspace's timeline: sign-in sessions (Gantt bars), the
// sign-ins themselves, rule and forwarding changes, sends per hour and the findings' spans.
// Read with indexed queries only (events_user_time, events_ip_time), so a user's lane costs in
// proportion to that user's events, not to the case.

struct ActivitySession
{
    std::int64_t startMs = 0;
    std::int64_t endMs = 0; // the last sign-in's time (equal to start for one sign-in)
    std::string country;    // as stored (ISO alpha-2 when placed)
    std::string city;
    std::vector<std::string> ips; // distinct, first seen first, at most kMaxSessionIps
    int ipCount = 0;
    int successes = 0;
    int failures = 0;
    int row = 0; // sub-row within the lane, so that overlapping sessions do not hide each other
};

struct ActivitySignIn
{
    std::int64_t timeMs = 0;
    std::int64_t eventId = 0;
    std::uint16_t country = 0; // index into ActivityData::countries
    EventOutcome outcome = EventOutcome::Unknown;
    std::uint32_t session = 0; // index into ActivityLane::sessions
};

struct ActivityMarker
{
    enum class Kind : std::uint8_t { RuleChange, ForwardingChange };
    Kind kind = Kind::RuleChange;
    std::int64_t timeMs = 0;
    std::int64_t eventId = 0;
    std::string operation;
    std::string text; // the rule's name or the forwarding target(s)
};

struct ActivitySends
{
    std::int64_t hourMs = 0; // start of the UTC hour
    int count = 0;
};

struct ActivityFinding
{
    std::int64_t id = 0;
    std::string detector;
    std::string fingerprint;
    std::string summary;
    Severity severity = Severity::Informational;
    double score = 0;
    std::int64_t firstMs = kNoTime;
    std::int64_t lastMs = kNoTime;
    std::vector<std::string> ips;
    std::vector<std::int64_t> evidence;
    bool suppressed = false;
};

struct ActivityLane
{
    std::string user;
    std::vector<ActivitySession> sessions;   // by start time
    std::vector<ActivitySignIn> signIns;     // by time
    std::vector<ActivityMarker> markers;     // by time
    std::vector<ActivitySends> sendsPerHour; // by hour, hours with sends only
    std::vector<ActivityFinding> findings;   // by first time
    int sessionRows = 1;
    bool truncated = false; // more events than ActivityRequest::maxEventsPerLane
    std::int64_t firstMs = kNoTime;
    std::int64_t lastMs = kNoTime;
};

struct ActivityRequest
{
    std::vector<std::string> users; // lanes, in this order (lower case)
    std::vector<std::string> ips;   // also a lane for each user seen on these addresses
    // Also a lane for each user seen on the addresses of the asked users' findings (the other
    // victims of one attacker).
    bool usersSharingFindingIps = false;
    // With neither users nor ips: the users with findings (worst first), then the busiest.
    int maxLanes = 8;
    std::int64_t sessionGapMs = 2LL * 3600 * 1000; // a place's sign-ins this close are one stay
    std::int64_t maxEventsPerLane = 1000000;

    bool operator==(const ActivityRequest &) const = default;
};

struct ActivityData
{
    std::vector<ActivityLane> lanes;
    // Countries of the sign-ins, the most frequent first; "" (not placed) is index 0.
    std::vector<std::string> countries;
    std::int64_t firstMs = kNoTime;
    std::int64_t lastMs = kNoTime;
    int otherUsers = 0; // users that qualified but got no lane
    bool cancelled = false;
    std::string error;
};

inline constexpr int kMaxSessionIps = 8;

struct SessionSignIn
{
    std::int64_t timeMs = 0;
    std::string ip;
    std::string country;
    std::string city;
    EventOutcome outcome = EventOutcome::Unknown;
};

// Sign-ins (in time order) merged into sessions: a sign-in joins the open session of its place
// (city and country, else its IP when it was not placed) when it comes within gapMs of that
// session's last sign-in. Sessions of different places may overlap in time (a victim and an
// attacker signed in at once); each gets the lowest sub-row free at its start.
// sessionOf, when given, receives each sign-in's session index.
std::vector<ActivitySession> buildSessions(const std::vector<SessionSignIn> &signIns, std::int64_t gapMs, int *rows,
                                           std::vector<std::uint32_t> *sessionOf = nullptr);

ActivityData loadActivity(Database &db, const ActivityRequest &request, const std::atomic_bool *cancel = nullptr);

// Rule and forwarding changes as the timeline marks them.
bool isRuleChangeOperation(std::string_view operation);
bool isSendOperationName(std::string_view operation);

} // namespace mp
