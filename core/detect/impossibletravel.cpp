// ImpossibleTravel (default profile): consecutive successful interactive sign-ins of a user whose
// great-circle distance over the time between them is faster than travel allows.
#include "detect/detector.h"
#include "detect/detectutil.h"
#include "store/eventformat.h"
#include "util/jsonwriter.h"
#include "util/timeparse.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>
#include <unordered_set>

namespace mp {

namespace {

constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;
// Pairs between the same two places within this time after the last one join its finding: a
// VPN that flips between two exits is one story, not dozens of findings.
constexpr std::int64_t kMergeWindowMs = kDayMs;
// A place is routine for a user after this many distinct days there...
constexpr int kUserRoutineDays = 3;
// ...and for the tenant when this many users (and at least this share of them) sign in there.
constexpr int kTenantRoutineUsers = 3;
constexpr double kTenantRoutineShare = 0.10;

// A place for baselines: the city when known, else the country.
std::uint64_t placeKey(const SignInRow &r)
{
    return (static_cast<std::uint64_t>(r.country) << 32) | r.city;
}

// Sign-ins that count for travel: successful, interactive, with a location.
bool usable(const SignInRow &r)
{
    return r.succeeded() && r.interactive && r.located() && r.timeMs != kNoTime;
}

struct Baseline
{
    // place -> distinct days (per user) / distinct users (tenant)
    std::unordered_map<std::uint64_t, int> userDays;
    std::unordered_map<std::uint64_t, int> tenantUsers;
    int tenantUserCount = 0;

    bool routineForUser(std::uint64_t place) const
    {
        const auto it = userDays.find(place);
        return it != userDays.end() && it->second >= kUserRoutineDays;
    }
    bool routineForTenant(std::uint64_t place) const
    {
        const auto it = tenantUsers.find(place);
        const int needed = std::max(kTenantRoutineUsers, static_cast<int>(std::ceil(kTenantRoutineShare * tenantUserCount)));
        return it != tenantUsers.end() && it->second >= needed;
    }
};

void writePlace(JsonWriter &w, const DetectionInput &input, const SignInRow &r, bool routineUser, bool routineTenant)
{
    w.beginObject();
    w.field("event_id", r.eventId);
    w.field("time", formatIso(r.timeMs));
    w.field("ip", input.ips.view(r.ip));
    w.field("country", input.texts.view(r.country));
    w.field("city", input.texts.view(r.city));
    w.key("latitude");
    w.value(r.latitude);
    w.key("longitude");
    w.value(r.longitude);
    w.field("location_source", geoSourceName(r.geoSource));
    w.key("routine_for_user");
    w.value(routineUser);
    w.key("routine_for_tenant");
    w.value(routineTenant);
    w.endObject();
}

// A finding that later pairs between the same two places may still join.
struct Open
{
    std::size_t finding; // index in out
    std::int64_t last;
    std::unordered_set<std::int64_t> evidence; // what out[finding] lists, to add each once
    std::unordered_set<StrId> ips;
};

struct OpenKey
{
    std::uint64_t a, b; // the two places, ordered
    bool suppressed;
    bool operator==(const OpenKey &) const = default;
};

struct OpenKeyHash
{
    std::size_t operator()(const OpenKey &k) const
    {
        return std::hash<std::uint64_t>{}(k.a * 0x9E3779B97F4A7C15ULL ^ (k.b << 1 | (k.suppressed ? 1 : 0)));
    }
};

} // namespace

void detectImpossibleTravel(const DetectionInput &input, const Tuning &tuning, std::vector<Finding> &out)
{
    // Baselines from sign-ins that say where people really are: trusted networks (corporate VPN
    // egress, named locations) and VPN, privacy-relay, satellite and hosting networks (network
    // classes) are left out, so that they never make a place look routine.
    Baseline tenant;
    {
        std::unordered_map<std::uint64_t, std::unordered_set<StrId>> usersAt;
        std::unordered_set<StrId> located;
        for (const SignInRow &r : input.signIns) {
            if (!usable(r) || input.trustedNetworkOf(r.ip) >= 0 || unfitForBaseline(tuning.networkClassOf(r.asn)))
                continue;
            usersAt[placeKey(r)].insert(r.user);
            located.insert(r.user);
        }
        for (const auto &[place, users] : usersAt)
            tenant.tenantUsers[place] = static_cast<int>(users.size());
        tenant.tenantUserCount = static_cast<int>(located.size());
    }

    std::vector<std::uint32_t> seq;
    // Per place pair and suppression, its newest finding: sign-ins come in time order, so once a
    // newer one exists the older ones are past the merge window and take nothing more.
    std::unordered_map<OpenKey, Open, OpenKeyHash> open;
    for (StrId user = 1; user < input.users.size(); ++user) {
        if (input.cancelled())
            return;
        seq.clear();
        for (const std::uint32_t i : input.signInsByUser.of(user)) {
            if (usable(input.signIns[i]))
                seq.push_back(i);
        }
        if (seq.size() < 2)
            continue;
        Baseline baseline; // the user's part of it
        {
            std::unordered_set<std::uint64_t> placeDays;
            for (const std::uint32_t i : seq) {
                const SignInRow &r = input.signIns[i];
                if (input.trustedNetworkOf(r.ip) >= 0 || unfitForBaseline(tuning.networkClassOf(r.asn)))
                    continue;
                const auto day = static_cast<std::uint64_t>(r.timeMs / kDayMs);
                if (placeDays.insert(placeKey(r) * 1000003ULL ^ day).second)
                    ++baseline.userDays[placeKey(r)];
            }
        }
        const std::string userName(input.users.view(user));
        const bool service = tuning.isServiceAccount(userName);
        open.clear();

        auto consider = [&](const SignInRow &a, const SignInRow &b, bool suppressedByNetwork) {
            if (a.ip == b.ip && a.ip != 0)
                return; // one address, one place, whatever the geolocation says
            const double km = detect::haversineKm(a.latitude, a.longitude, b.latitude, b.longitude);
            if (km < tuning.travelMinDistanceKm)
                return;
            const std::int64_t gapMs = b.timeMs - a.timeMs;
            // Logs have second precision: two sign-ins within the same second count as one second apart.
            const double hours = static_cast<double>(std::max<std::int64_t>(gapMs, 1000)) / 3600000.0;
            const double speed = km / hours;
            if (speed <= tuning.travelSpeedKmh)
                return;

            const std::uint64_t pa = placeKey(a), pb = placeKey(b);
            const bool userA = baseline.routineForUser(pa), userB = baseline.routineForUser(pb);
            const bool tenantA = tenant.routineForTenant(pa), tenantB = tenant.routineForTenant(pb);
            const bool routineA = userA || tenantA, routineB = userB || tenantB;

            std::string suppressedBy;
            if (service)
                suppressedBy = "service_accounts: " + userName;
            else if (suppressedByNetwork) {
                const int t = input.trustedNetworkOf(input.trustedNetworkOf(a.ip) >= 0 ? a.ip : b.ip);
                suppressedBy = "trusted_networks: " + tuning.trustedNetworks[static_cast<std::size_t>(t)].text;
            }

            const OpenKey key{std::min(pa, pb), std::max(pa, pb), !suppressedBy.empty()};
            if (const auto it = open.find(key); it != open.end() && b.timeMs - it->second.last <= kMergeWindowMs) {
                Open &o = it->second;
                Finding &f = out[o.finding];
                for (const std::int64_t id : {a.eventId, b.eventId}) {
                    if (o.evidence.insert(id).second)
                        f.evidence.push_back(id);
                }
                for (const StrId ip : {a.ip, b.ip}) {
                    if (ip && o.ips.insert(ip).second)
                        f.ips.emplace_back(input.ips.view(ip));
                }
                f.lastTimeMs = b.timeMs;
                o.last = b.timeMs;
                return;
            }

            // One side routine and the other new is the classic takeover; both routine looks
            // like a user between two usual places (or a split-tunnel VPN); neither routine is a
            // user with no history yet. A country's representative point is a guess.
            double score = routineA != routineB ? 75 : (routineA ? 35 : 65);
            score -= 10 * (int(a.geoSource == GeoSource::CountryPoint) + int(b.geoSource == GeoSource::CountryPoint));
            if (km >= 2000 && speed > 2 * tuning.travelSpeedKmh)
                score += 5;
            else if (speed < 1.5 * tuning.travelSpeedKmh)
                score -= 10; // a fast flight and a little geolocation error get there too

            Finding f;
            f.detector = std::string(detector_names::kImpossibleTravel);
            f.score = detect::clampScore(score);
            f.severity = detect::severityForScore(f.score);
            f.user = userName;
            for (const StrId ip : {a.ip, b.ip}) {
                if (ip)
                    f.ips.emplace_back(input.ips.view(ip));
            }
            f.firstTimeMs = a.timeMs;
            f.lastTimeMs = b.timeMs;
            f.evidence = {a.eventId, b.eventId};
            f.suppressedBy = std::move(suppressedBy);
            f.fingerprint = detect::fingerprint(f.detector, "default", f.user, {a.eventId, b.eventId});
            const double minutes = static_cast<double>(gapMs) / 60000.0;
            f.summary = "Impossible travel of " + f.user + ": " + detect::placeName(input, a.city, a.country) + " -> "
                + detect::placeName(input, b.city, b.country) + ", " + detect::formatCount(km) + " km in "
                + (minutes < 1 ? std::string("under a minute") : detect::formatCount(minutes) + " min") + " ("
                + detect::formatCount(speed) + " km/h)";
            JsonWriter w;
            w.beginObject();
            w.key("from");
            writePlace(w, input, a, userA, tenantA);
            w.key("to");
            writePlace(w, input, b, userB, tenantB);
            w.key("distance_km");
            w.value(detect::round1(km));
            w.key("gap_minutes");
            w.value(detect::round1(minutes));
            w.key("speed_kmh");
            w.value(detect::round1(speed));
            w.key("speed_limit_kmh");
            w.value(tuning.travelSpeedKmh);
            w.endObject();
            f.details = w.take();
            Open &o = open[key];
            o = Open{out.size(), b.timeMs, {a.eventId, b.eventId}, {}};
            for (const StrId ip : {a.ip, b.ip}) {
                if (ip)
                    o.ips.insert(ip);
            }
            out.push_back(std::move(f));
        };

        // Pairs of consecutive sign-ins; a pair with a side on a trusted network is reported
        // suppressed, and the sign-ins on either side of trusted ones are paired as well, so that
        // a trusted VPN between home and an attacker hides nothing.
        std::size_t prevAny = SIZE_MAX, prevUntrusted = SIZE_MAX;
        for (std::size_t k = 0; k < seq.size(); ++k) {
            const SignInRow &cur = input.signIns[seq[k]];
            const bool trusted = input.trustedNetworkOf(cur.ip) >= 0;
            if (prevAny != SIZE_MAX) {
                const SignInRow &prev = input.signIns[seq[prevAny]];
                consider(prev, cur, trusted || input.trustedNetworkOf(prev.ip) >= 0);
            }
            if (!trusted && prevUntrusted != SIZE_MAX && prevUntrusted != prevAny)
                consider(input.signIns[seq[prevUntrusted]], cur, false);
            prevAny = k;
            if (!trusted)
                prevUntrusted = k;
        }
    }
}

} // namespace mp
