// PasswordSpray (default profile): failed sign-ins from one IP against many distinct users within
// a sliding window (spray), or many failures against one user (brute force); a success from the
// same IP afterwards names the account that fell. Legacy protocols are called out.
#include "detect/detector.h"
#include "detect/detectutil.h"
#include "detect/signals.h"
#include "util/jsonwriter.h"
#include "util/strings.h"
#include "util/timeparse.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

namespace mp {

namespace {

// Entra ID errors of a wrong password or of an account the guessing already locked or disabled.
bool isPasswordFailure(std::int32_t code)
{
    return code == 50126 || code == 50053 || code == 50055 || code == 50057;
}

constexpr std::int32_t kDisabledAccount = 50057;
constexpr std::int32_t kUnknownFailure = SignInRow::kNoResultCode;

// A successful sign-in from an address that tried disabled accounts this long before or after
// still ties the account to that address (attackers keep their infrastructure for days; the
// training lab's attacker probed on the 19th and used the stolen account on the 28th).
constexpr std::int64_t kDisabledProbeReachMs = 14LL * 24 * 3600 * 1000;

// Past this many accounts signing in from a spraying or probing address, the address is more
// likely shared (an office, VPN or proxy egress whose users mistype passwords) than that many
// takeovers: one finding names the accounts instead of one finding each. Without the bound, a
// tenant behind one NAT address gets a finding per user, each listing every other user.
constexpr std::size_t kMaxFallenFindings = 10;
// Names listed in a finding's details; the totals are always given.
constexpr std::size_t kMaxListed = 100;

// What tells an office from an attacker is habit. An account that had signed in from the address
// before the attack began (a burst's first failure, less this margin; a probe's reach before its
// first try) signing in again afterwards is at its everyday place, not fallen. And once the case
// reaches back that far, an account that had never used the address and signs in from it right
// after the attack is fallen however many do: then kMaxFallenFindings no longer folds them. Only
// when the logs start too late to tell does the count decide.
constexpr std::int64_t kHabitMarginMs = 12LL * 3600 * 1000;

template<typename Ids, typename View>
void writeIdList(JsonWriter &w, std::string_view key, const Ids &ids, View view)
{
    w.key(key);
    w.beginArray();
    std::size_t n = 0;
    for (const auto &id : ids) {
        if (n++ == kMaxListed)
            break;
        w.value(view(id));
    }
    w.endArray();
    w.field(std::string(key) + "_total", static_cast<std::int64_t>(ids.size()));
}

struct Attempt
{
    StrId ip;
    std::int64_t timeMs;
    std::int64_t eventId;
    StrId user;
    std::int32_t code;
    StrId clientApp; // texts
    bool signIn;     // from the sign-in log (else audit UserLoginFailed)
    bool counted = true; // false: the same (user, minute) was already counted from this IP
};

struct Success
{
    std::int64_t timeMs;
    std::int64_t eventId;
    StrId user;
};

// An address's sign-in attempts on disabled accounts (50057).
struct Probe
{
    StrId ip;
    std::vector<std::size_t> attempts; // indices in attempts
    std::set<StrId> disabled;
    std::int64_t first, last;
};

// Attempts of one address are sorted by minute (timeMs / 60000), then sign-in before audit, then
// time: within a minute the times are not in order. The first index in [from, end) at or past
// which a walk from `from` stops on `stop(timeMs)`: every earlier minute is skipped by binary
// search, the boundary minute is walked.
template<typename Stop>
std::size_t walkTo(const std::vector<Attempt> &attempts, std::size_t from, std::size_t end, std::int64_t t, Stop stop)
{
    const std::int64_t minute = t / 60000;
    std::size_t k = static_cast<std::size_t>(
        std::partition_point(attempts.begin() + static_cast<std::ptrdiff_t>(from),
                             attempts.begin() + static_cast<std::ptrdiff_t>(end),
                             [&](const Attempt &a) { return a.timeMs / 60000 < minute; })
        - attempts.begin());
    while (k < end && !stop(attempts[k].timeMs))
        ++k;
    return k;
}

// The attempts of [group, end) from one minute before t0 to one minute after t1, as a walk
// from the group's start would find them.
std::pair<std::size_t, std::size_t> burstRange(const std::vector<Attempt> &attempts, std::size_t group,
                                               std::size_t end, std::int64_t t0, std::int64_t t1)
{
    const std::int64_t from = t0 - 60000, to = t1 + 60000;
    const std::size_t lo = walkTo(attempts, group, end, from, [&](std::int64_t t) { return t >= from; });
    const std::size_t hi = walkTo(attempts, lo, end, to, [&](std::int64_t t) { return t > to; });
    return {lo, hi};
}

using SuccessSpan = std::pair<const Success *, const Success *>;

// The successes of `span` (sorted by time) from `first` to `last`, both included.
SuccessSpan successesBetween(SuccessSpan span, std::int64_t first, std::int64_t last)
{
    const Success *lo = std::partition_point(span.first, span.second, [&](const Success &s) { return s.timeMs < first; });
    return {lo, std::partition_point(lo, span.second, [&](const Success &s) { return s.timeMs <= last; })};
}

void writeTexts(JsonWriter &w, std::string_view key, const std::set<std::string> &texts)
{
    w.key(key);
    w.beginArray();
    for (const std::string &t : texts)
        w.value(t);
    w.endArray();
}

// "Sign-in attempts on disabled account(s) A, B from IP (n attempts)", the list cut short.
std::string probeSummary(const DetectionInput &input, const Probe &p, const std::string &ip)
{
    std::string names;
    for (const StrId d : p.disabled) {
        if (names.size() > 200) {
            names += ", ...";
            break;
        }
        names += (names.empty() ? "" : ", ") + std::string(input.users.view(d));
    }
    return "Sign-in attempts on disabled account" + std::string(p.disabled.size() > 1 ? "s " : " ") + names + " from "
        + ip + " (" + detect::formatCount(static_cast<double>(p.attempts.size())) + " attempts)";
}

// The details every disabled-account probe finding starts with; the caller adds the rest and
// closes the object.
void beginProbeDetails(JsonWriter &w, const DetectionInput &input, const Probe &p, const std::string &ip,
                       const std::set<std::string> &legacy)
{
    w.beginObject();
    w.field("kind", "disabled-account-probe");
    w.field("ip", ip);
    w.field("failed_attempts", static_cast<std::int64_t>(p.attempts.size()));
    writeIdList(w, "disabled_accounts", p.disabled, [&](StrId d) { return input.users.view(d); });
    w.key("result_codes");
    w.beginArray();
    w.value(static_cast<std::int64_t>(kDisabledAccount));
    w.endArray();
    writeTexts(w, "legacy_protocols", legacy);
}

// A probing address that more than kMaxFallenFindings accounts signed in from: one low finding
// for the probe, naming the accounts, rather than a takeover finding for each.
Finding sharedProbeFinding(const DetectionInput &input, const Probe &p, const std::vector<Attempt> &attempts,
                           const std::map<StrId, std::vector<const Success *>> &fallen, const std::set<StrId> &habitual,
                           const std::string &ip, const std::string &suppressed, const std::set<std::string> &legacy)
{
    Finding f;
    f.detector = std::string(detector_names::kPasswordSpray);
    f.ips = {ip};
    for (const std::size_t k : p.attempts)
        f.evidence.push_back(attempts[k].eventId);
    f.firstTimeMs = p.first;
    f.lastTimeMs = p.last;
    f.score = detect::clampScore(35);
    f.severity = detect::severityForScore(f.score);
    f.suppressedBy = suppressed;
    f.fingerprint = detect::fingerprint(f.detector, "default", "", {attempts[p.attempts.front()].eventId});
    f.summary = probeSummary(input, p, ip) + "; " + detect::formatCount(static_cast<double>(fallen.size()))
        + " other accounts signed in from the same address: a shared address (office, VPN or proxy egress) is more"
          " likely than that many takeovers";

    JsonWriter w;
    beginProbeDetails(w, input, p, ip, legacy);
    writeIdList(w, "signed_in_accounts", fallen, [&](const auto &entry) { return input.users.view(entry.first); });
    writeIdList(w, "habitual_accounts", habitual, [&](StrId u) { return input.users.view(u); });
    w.field("reach_days", static_cast<std::int64_t>(kDisabledProbeReachMs / (24LL * 3600 * 1000)));
    w.key("shared_address");
    w.value(true);
    w.key("compromised_user");
    w.null();
    w.endObject();
    f.details = w.take();
    return f;
}

} // namespace

void detectPasswordSpray(const DetectionInput &input, const Tuning &tuning, std::vector<Finding> &out)
{
    const std::int64_t windowMs = static_cast<std::int64_t>(std::max(1, tuning.sprayWindowMinutes)) * 60 * 1000;
    const std::size_t minUsers = static_cast<std::size_t>(std::max(2, tuning.sprayMinUsers));
    const std::size_t minFailures = static_cast<std::size_t>(std::max(2, tuning.bruteForceMinFailures));

    std::vector<Attempt> attempts;
    for (const SignInRow &r : input.signIns) {
        if (r.timeMs != kNoTime && r.ip && isPasswordFailure(r.resultCode))
            attempts.push_back({r.ip, r.timeMs, r.eventId, r.user, r.resultCode, r.clientApp, true});
    }
    // UserLoginFailed is a failed sign-in whatever it carries; without an ErrorNumber (some
    // records only have LogonError "InvalidUserNameOrPassword") the reason is unknown but the
    // attempt still counts.
    for (const AuditRow &r : input.audits) {
        if (r.timeMs != kNoTime && r.ip && input.textHas(r.operation, DetectionInput::LoginFailedOperation)
            && (isPasswordFailure(r.resultCode) || r.resultCode == kUnknownFailure))
            attempts.push_back({r.ip, r.timeMs, r.eventId, r.user, r.resultCode, r.clientApp, false});
    }
    if (attempts.empty() || input.cancelled())
        return;
    // By IP, then time; a sign-in before the audit record of the same attempt, so that it is the
    // one counted.
    std::sort(attempts.begin(), attempts.end(), [](const Attempt &a, const Attempt &b) {
        if (a.ip != b.ip)
            return a.ip < b.ip;
        if (a.timeMs / 60000 != b.timeMs / 60000)
            return a.timeMs < b.timeMs;
        if (a.signIn != b.signIn)
            return a.signIn;
        return a.timeMs != b.timeMs ? a.timeMs < b.timeMs : a.eventId < b.eventId;
    });

    struct Burst
    {
        StrId ip;
        std::size_t begin, end; // range in attempts
        bool spray;             // else brute force on `user`
        StrId user;
        std::size_t maxUsersInWindow = 0;
        std::size_t maxFailuresInWindow = 0;
        std::int64_t firstMs = 0; // the first counted failure
    };
    std::vector<Burst> bursts;
    std::vector<std::size_t> counted;
    std::unordered_map<StrId, std::size_t> inWindow;
    for (std::size_t g = 0; g < attempts.size();) {
        std::size_t e = g;
        while (e < attempts.size() && attempts[e].ip == attempts[g].ip)
            ++e;
        // One attempt is often logged twice (sign-in log and UserLoginFailed): distinct
        // (user, minute) per IP.
        {
            std::unordered_set<std::uint64_t> seen;
            for (std::size_t k = g; k < e; ++k) {
                const std::uint64_t key = (static_cast<std::uint64_t>(attempts[k].user) << 32)
                    ^ static_cast<std::uint64_t>(attempts[k].timeMs / 60000);
                attempts[k].counted = seen.insert(key).second;
            }
        }
        // The counted attempts in time order (the sort is by minute first, then time).
        counted.clear();
        for (std::size_t k = g; k < e; ++k) {
            if (attempts[k].counted)
                counted.push_back(k);
        }
        std::stable_sort(counted.begin(), counted.end(), [&](std::size_t a, std::size_t b) {
            return attempts[a].timeMs < attempts[b].timeMs;
        });
        // Spray: windows with minUsers distinct users or more; overlapping windows are one burst.
        std::size_t runBegin = SIZE_MAX, runEnd = 0, runMax = 0;
        inWindow.clear();
        std::size_t j = 0;
        std::vector<std::pair<std::int64_t, std::int64_t>> sprayTimes; // [first, last] of each burst
        auto flushSpray = [&] {
            if (runBegin == SIZE_MAX)
                return;
            Burst b{attempts[g].ip, g, e, true, 0, runMax, 0};
            sprayTimes.push_back({attempts[counted[runBegin]].timeMs, attempts[counted[runEnd - 1]].timeMs});
            bursts.push_back(b);
            runBegin = SIZE_MAX;
            runEnd = 0;
            runMax = 0;
        };
        for (std::size_t i = 0; i < counted.size(); ++i) {
            if (j < i)
                j = i;
            while (j < counted.size() && attempts[counted[j]].timeMs - attempts[counted[i]].timeMs < windowMs)
                ++inWindow[attempts[counted[j++]].user];
            if (inWindow.size() >= minUsers) {
                if (runBegin != SIZE_MAX && i >= runEnd)
                    flushSpray();
                if (runBegin == SIZE_MAX)
                    runBegin = i;
                runEnd = std::max(runEnd, j);
                runMax = std::max(runMax, inWindow.size());
            }
            auto it = inWindow.find(attempts[counted[i]].user);
            if (--it->second == 0)
                inWindow.erase(it);
        }
        flushSpray();
        // The bursts' attempt ranges: the whole IP group, trimmed to the burst's time.
        for (std::size_t bi = bursts.size() - sprayTimes.size(); bi < bursts.size(); ++bi) {
            const auto [t0, t1] = sprayTimes[bi - (bursts.size() - sprayTimes.size())];
            std::tie(bursts[bi].begin, bursts[bi].end) = burstRange(attempts, g, e, t0, t1);
            bursts[bi].firstMs = t0;
        }

        // Brute force: many failures on one user from this IP, outside the spray bursts.
        std::map<StrId, std::vector<std::size_t>> perUser;
        for (const std::size_t k : counted)
            perUser[attempts[k].user].push_back(k);
        for (const auto &[user, list] : perUser) {
            if (list.size() < minFailures)
                continue;
            std::size_t bBegin = SIZE_MAX, bEnd = 0, bMax = 0, jj = 0;
            auto flushBrute = [&] {
                if (bBegin == SIZE_MAX)
                    return;
                const std::int64_t t0 = attempts[list[bBegin]].timeMs, t1 = attempts[list[bEnd - 1]].timeMs;
                const bool inSpray = std::any_of(sprayTimes.begin(), sprayTimes.end(), [&](const auto &s) {
                    return t0 <= s.second && s.first <= t1;
                });
                if (!inSpray) {
                    Burst b{attempts[g].ip, 0, 0, false, user, 1, bMax};
                    // Keep only this user's attempts: a range of indices is not enough, so the
                    // burst records its bounds by time and the finding filters by user.
                    std::tie(b.begin, b.end) = burstRange(attempts, g, e, t0, t1);
                    b.firstMs = t0;
                    bursts.push_back(b);
                }
                bBegin = SIZE_MAX;
                bEnd = 0;
                bMax = 0;
            };
            for (std::size_t i = 0; i < list.size(); ++i) {
                if (jj < i)
                    jj = i;
                while (jj < list.size() && attempts[list[jj]].timeMs - attempts[list[i]].timeMs < windowMs)
                    ++jj;
                if (jj - i < minFailures)
                    continue;
                if (bBegin != SIZE_MAX && i >= bEnd)
                    flushBrute();
                if (bBegin == SIZE_MAX)
                    bBegin = i;
                bEnd = std::max(bEnd, jj);
                bMax = std::max(bMax, jj - i);
            }
            flushBrute();
        }
        g = e;
    }

    // Addresses that tried to sign in to disabled accounts (50057): nobody but a former user's
    // forgotten device or someone working through a list of accounts does that, so another
    // account that signs in from such an address is most likely in the prober's hands (Sentinel's
    // "sign-ins from IPs that attempt sign-ins to disabled accounts"). Below the spray and brute
    // force thresholds too: a few tries are enough.
    std::vector<Probe> probes;
    for (std::size_t k = 0; k < attempts.size(); ++k) {
        const Attempt &a = attempts[k];
        if (a.code != kDisabledAccount)
            continue;
        if (probes.empty() || probes.back().ip != a.ip)
            probes.push_back({a.ip, {}, {}, a.timeMs, a.timeMs});
        Probe &p = probes.back();
        p.attempts.push_back(k);
        p.disabled.insert(a.user);
        p.first = std::min(p.first, a.timeMs);
        p.last = std::max(p.last, a.timeMs);
    }
    if ((bursts.empty() && probes.empty()) || input.cancelled())
        return;

    // Successful sign-ins from the bursts' and probes' IPs: the accounts that fell.
    std::unordered_map<StrId, std::vector<Success>> successes;
    for (const Burst &b : bursts)
        successes.try_emplace(b.ip);
    for (const Probe &p : probes)
        successes.try_emplace(p.ip);
    for (const SignInRow &r : input.signIns) {
        if (r.succeeded() && r.timeMs != kNoTime) {
            if (auto it = successes.find(r.ip); it != successes.end())
                it->second.push_back({r.timeMs, r.eventId, r.user});
        }
    }
    // Each address's successes by time, and again by user then time: a burst looks only at its
    // window (a brute force only at its user's), not at every success of a busy NAT address.
    std::unordered_map<StrId, std::vector<Success>> successesByUser;
    for (auto &[ip, list] : successes) {
        std::sort(list.begin(), list.end(), [](const Success &a, const Success &b) {
            return a.timeMs != b.timeMs ? a.timeMs < b.timeMs : a.eventId < b.eventId;
        });
        std::vector<Success> &byUser = successesByUser[ip];
        byUser = list;
        std::stable_sort(byUser.begin(), byUser.end(), [](const Success &a, const Success &b) { return a.user < b.user; });
    }
    const auto allSuccesses = [&](StrId ip) {
        const std::vector<Success> &list = successes[ip];
        return SuccessSpan{list.data(), list.data() + list.size()};
    };
    const auto userSuccesses = [&](StrId ip, StrId user) {
        const std::vector<Success> &list = successesByUser[ip];
        const Success *lo = std::partition_point(list.data(), list.data() + list.size(),
                                                 [&](const Success &s) { return s.user < user; });
        return SuccessSpan{lo, std::partition_point(lo, list.data() + list.size(),
                                                    [&](const Success &s) { return s.user <= user; })};
    };

    // Whether the user had signed in from the address before `before` (see kHabitMarginMs), and
    // whether the case reaches back that far at all.
    const auto usedBefore = [&](StrId ip, StrId user, std::int64_t before) {
        const SuccessSpan span = userSuccesses(ip, user);
        return span.first != span.second && span.first->timeMs < before;
    };
    std::int64_t earliestSuccess = INT64_MAX;
    for (const SignInRow &r : input.signIns) {
        if (r.succeeded() && r.timeMs != kNoTime)
            earliestSuccess = std::min(earliestSuccess, r.timeMs);
    }
    // The accounts of `fallen` at their everyday place, moved out of it.
    const auto takeHabitual = [&](std::map<StrId, std::vector<const Success *>> &fallen, StrId ip, std::int64_t before) {
        std::set<StrId> habitual;
        for (auto it = fallen.begin(); it != fallen.end();) {
            if (usedBefore(ip, it->first, before)) {
                habitual.insert(it->first);
                it = fallen.erase(it);
            } else {
                ++it;
            }
        }
        return habitual;
    };

    // Brute force from one address against more than kMaxFallenFindings accounts in one UTC day is
    // what phones behind an office or carrier NAT do when they retry a stale password, not that
    // many attacks: one finding for the address and day names the accounts most tried, with the
    // totals. By day rather than over the whole case: an attacker's brute force on a quieter day
    // from the same address still gets its own finding, and the output stays bounded (brute-force
    // findings for at most kMaxFallenFindings accounts an address a day, else one) instead of one
    // finding per burst.
    constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;
    const auto dayOf = [](std::int64_t t) { return t >= 0 ? t / kDayMs : (t - kDayMs + 1) / kDayMs; };
    std::map<std::pair<StrId, std::int64_t>, std::set<StrId>> bruteUsersPerDay;
    for (const Burst &b : bursts) {
        if (!b.spray)
            bruteUsersPerDay[{b.ip, dayOf(b.firstMs)}].insert(b.user);
    }
    struct SharedBrute
    {
        struct Target
        {
            std::size_t failures = 0, bursts = 0;
        };
        std::map<StrId, Target> targets;
        std::set<StrId> fallen, habitual;
        std::vector<std::pair<std::int64_t, std::int64_t>> evidence; // time, id
        std::set<std::int32_t> codes;
        std::set<std::string> legacy, clients;
        std::size_t counted = 0, logged = 0;
        std::string suppressed;
    };
    std::map<std::pair<StrId, std::int64_t>, SharedBrute> sharedBrutes;
    // Per address and day, the brute-forced accounts that fell and were not folded (takeovers).
    std::map<std::pair<StrId, std::int64_t>, std::set<StrId>> bruteTakeovers;

    std::set<std::pair<StrId, StrId>> reported; // (ip, user) named as fallen by a burst
    for (const Burst &b : bursts) {
        const std::string ip(input.ips.view(b.ip));
        std::vector<std::pair<std::int64_t, std::int64_t>> evidence; // time, id
        std::set<StrId> targets;
        std::set<std::int32_t> codes;
        std::set<std::string> legacy, clients;
        std::map<StrId, std::size_t> failuresPerUser;
        std::size_t countedAttempts = 0, logged = 0;
        std::int64_t first = INT64_MAX, last = INT64_MIN;
        for (std::size_t k = b.begin; k < b.end; ++k) {
            const Attempt &a = attempts[k];
            if (!b.spray && a.user != b.user)
                continue;
            evidence.push_back({a.timeMs, a.eventId});
            ++logged;
            first = std::min(first, a.timeMs);
            last = std::max(last, a.timeMs);
            if (a.code != kUnknownFailure)
                codes.insert(a.code);
            if (a.clientApp) {
                const std::string_view c = input.texts.view(a.clientApp);
                clients.emplace(c);
                if (detect::isLegacyProtocol(c))
                    legacy.emplace(c);
            }
            if (a.counted) {
                ++countedAttempts;
                targets.insert(a.user);
                ++failuresPerUser[a.user];
            }
        }
        if (evidence.empty())
            continue;
        // Accounts that signed in from the same IP after the first failure, up to one window
        // after the last: the guess that worked.
        std::map<StrId, std::vector<const Success *>> fallen;
        const auto [sBegin, sEnd] = successesBetween(b.spray ? allSuccesses(b.ip) : userSuccesses(b.ip, b.user), first,
                                                     last + windowMs);
        for (const Success *s = sBegin; s != sEnd; ++s) {
            if (b.spray && !targets.count(s->user))
                continue;
            fallen[s->user].push_back(s);
        }
        const std::int64_t habitBefore = first - kHabitMarginMs;
        const std::set<StrId> habitual = takeHabitual(fallen, b.ip, habitBefore);
        const bool history = earliestSuccess < habitBefore;
        const std::string suppressed = [&]() -> std::string {
            if (const int t = input.trustedNetworkOf(b.ip); t >= 0)
                return "trusted_networks: " + tuning.trustedNetworks[static_cast<std::size_t>(t)].text;
            return {};
        }();
        if (!b.spray) {
            const std::pair<StrId, std::int64_t> key{b.ip, dayOf(b.firstMs)};
            // An account that fell where the logs could tell is not folded: it is a takeover.
            if (bruteUsersPerDay[key].size() > kMaxFallenFindings && (fallen.empty() || !history)) {
                SharedBrute &sb = sharedBrutes[key];
                SharedBrute::Target &t = sb.targets[b.user];
                t.failures += countedAttempts;
                ++t.bursts;
                if (!fallen.empty()) {
                    sb.fallen.insert(b.user);
                    reported.insert({b.ip, b.user}); // named there: a probe from the address need not
                }
                sb.habitual.insert(habitual.begin(), habitual.end());
                sb.evidence.insert(sb.evidence.end(), evidence.begin(), evidence.end());
                sb.codes.insert(codes.begin(), codes.end());
                sb.legacy.insert(legacy.begin(), legacy.end());
                sb.clients.insert(clients.begin(), clients.end());
                sb.counted += countedAttempts;
                sb.logged += logged;
                sb.suppressed = suppressed;
                continue;
            }
            if (bruteUsersPerDay[key].size() > kMaxFallenFindings)
                bruteTakeovers[key].insert(b.user);
        }
        std::size_t topFailures = 0;
        for (const auto &[u, n] : failuresPerUser)
            topFailures = std::max(topFailures, n);

        const bool shared = fallen.size() > kMaxFallenFindings && !history;
        const auto userName = [&](StrId u) { return input.users.view(u); };
        const auto fallenName = [&](const auto &entry) { return input.users.view(entry.first); };
        auto makeFinding = [&](StrId fallenUser) {
            Finding f;
            f.detector = std::string(detector_names::kPasswordSpray);
            f.user = fallenUser ? std::string(input.users.view(fallenUser)) : (b.spray ? std::string() : std::string(input.users.view(b.user)));
            f.ips = {ip};
            std::vector<std::pair<std::int64_t, std::int64_t>> ev = evidence;
            if (fallenUser) {
                for (const Success *s : fallen[fallenUser])
                    ev.push_back({s->timeMs, s->eventId});
            }
            std::sort(ev.begin(), ev.end());
            ev.erase(std::unique(ev.begin(), ev.end()), ev.end());
            for (const auto &[t, id] : ev)
                f.evidence.push_back(id);
            f.firstTimeMs = ev.front().first;
            f.lastTimeMs = ev.back().first;

            double score = b.spray ? 55 : 50;
            if (b.spray && targets.size() >= 3 * minUsers)
                score += 10;
            if (!b.spray && b.maxFailuresInWindow >= 5 * minFailures)
                score += 10;
            if (!legacy.empty())
                score += 5;
            if (fallenUser)
                score = std::max(score, 92.0);
            f.score = detect::clampScore(score);
            f.severity = detect::severityForScore(f.score);
            f.suppressedBy = suppressed;
            f.fingerprint = detect::fingerprint(f.detector, "default", f.user, {evidence.front().second});

            const std::string legacyText = legacy.empty() ? std::string() : [&] {
                std::string s = " over legacy protocols (";
                bool firstItem = true;
                for (const std::string &l : legacy) {
                    s += (firstItem ? "" : ", ") + l;
                    firstItem = false;
                }
                return s + ")";
            }();
            if (b.spray) {
                f.summary = "Password spray from " + ip + ": " + detect::formatCount(static_cast<double>(countedAttempts))
                    + " failed sign-ins against " + detect::formatCount(static_cast<double>(targets.size()))
                    + " users (up to " + std::to_string(b.maxUsersInWindow) + " within "
                    + std::to_string(tuning.sprayWindowMinutes) + " min)" + legacyText;
            } else {
                f.summary = "Brute force against " + f.user + " from " + ip + ": "
                    + detect::formatCount(static_cast<double>(countedAttempts)) + " failed sign-ins (up to "
                    + std::to_string(b.maxFailuresInWindow) + " within " + std::to_string(tuning.sprayWindowMinutes)
                    + " min)" + legacyText;
            }
            if (fallenUser)
                f.summary += "; then a successful sign-in of " + f.user + " from the same address";
            if (shared)
                f.summary += "; " + detect::formatCount(static_cast<double>(fallen.size()))
                    + " of the targeted accounts also signed in successfully from this address: a shared address"
                    " (office, VPN or proxy egress) is more likely than that many takeovers";
            if (!habitual.empty())
                f.summary += "; " + detect::formatCount(static_cast<double>(habitual.size()))
                    + (habitual.size() > 1 ? " accounts" : " account")
                    + " that had signed in from this address on earlier days signed in again (not counted as fallen)";

            JsonWriter w;
            w.beginObject();
            w.field("kind", b.spray ? "spray" : "brute-force");
            w.field("ip", ip);
            w.field("failed_attempts", static_cast<std::int64_t>(countedAttempts));
            w.field("failure_records", static_cast<std::int64_t>(logged));
            w.field("distinct_users", static_cast<std::int64_t>(targets.size()));
            w.field("max_users_in_window", static_cast<std::int64_t>(b.spray ? b.maxUsersInWindow : 1));
            w.field("max_failures_on_one_user", static_cast<std::int64_t>(topFailures));
            w.field("window_minutes", tuning.sprayWindowMinutes);
            w.field("threshold", static_cast<std::int64_t>(b.spray ? minUsers : minFailures));
            w.key("result_codes");
            w.beginArray();
            for (const std::int32_t c : codes)
                w.value(static_cast<std::int64_t>(c));
            w.endArray();
            writeTexts(w, "client_apps", clients);
            writeTexts(w, "legacy_protocols", legacy);
            writeIdList(w, "targets", targets, userName);
            writeIdList(w, "fallen_accounts", fallen, fallenName);
            writeIdList(w, "habitual_accounts", habitual, userName);
            w.key("shared_address");
            w.value(shared);
            w.key("compromised_user");
            if (fallenUser) {
                w.value(input.users.view(fallenUser));
            } else {
                w.null();
            }
            w.endObject();
            f.details = w.take();
            out.push_back(std::move(f));
        };
        if (fallen.empty() || shared) {
            makeFinding(0);
        } else {
            // One finding per account that fell: each is the start of that user's takeover story.
            for (const auto &[u, list] : fallen) {
                makeFinding(u);
                reported.insert({b.ip, u});
            }
        }
    }

    for (auto &[key, sb] : sharedBrutes) {
        const std::string ip(input.ips.view(key.first));
        std::sort(sb.evidence.begin(), sb.evidence.end());
        sb.evidence.erase(std::unique(sb.evidence.begin(), sb.evidence.end()), sb.evidence.end());
        // The accounts most tried first.
        std::vector<std::pair<StrId, SharedBrute::Target>> top(sb.targets.begin(), sb.targets.end());
        std::stable_sort(top.begin(), top.end(),
                         [](const auto &a, const auto &b) { return a.second.failures > b.second.failures; });
        Finding f;
        f.detector = std::string(detector_names::kPasswordSpray);
        f.ips = {ip};
        for (const auto &[t, id] : sb.evidence)
            f.evidence.push_back(id);
        f.firstTimeMs = sb.evidence.front().first;
        f.lastTimeMs = sb.evidence.back().first;
        // Low, but medium once an account signed in afterwards: an attacker pacing a brute force
        // of many accounts below the spray threshold lands here too, and an account that fell is
        // then worth a look before the address is dismissed as the office.
        // Accounts the same address took that day, each its own takeover finding: then this is
        // the rest of an attack, not an office's stale passwords, and is medium too.
        const std::set<StrId> &tookOver = bruteTakeovers[key];
        f.score = detect::clampScore(40 + (sb.legacy.empty() ? 0 : 5)
                                     + (sb.fallen.empty() && tookOver.empty() ? 0 : 20));
        f.severity = detect::severityForScore(f.score);
        f.suppressedBy = sb.suppressed;
        f.fingerprint = detect::fingerprint(f.detector, "default", "", {sb.evidence.front().second});
        const std::string day = formatIso(key.second * kDayMs).substr(0, 10);
        std::string most;
        for (std::size_t i = 0; i < top.size() && i < 5; ++i)
            most += (i ? ", " : "") + std::string(input.users.view(top[i].first)) + " ("
                + detect::formatCount(static_cast<double>(top[i].second.failures)) + ")";
        f.summary = "Brute force from " + ip + " against " + detect::formatCount(static_cast<double>(top.size()))
            + " accounts on " + day + ": " + detect::formatCount(static_cast<double>(sb.counted))
            + " failed sign-ins, most on " + most + (top.size() > 5 ? ", ..." : "");
        if (!sb.fallen.empty())
            f.summary += "; " + detect::formatCount(static_cast<double>(sb.fallen.size()))
                + " of them then signed in successfully from this address";
        if (tookOver.empty())
            f.summary += "; a shared address (office, VPN or proxy egress) whose devices retry stale passwords is more"
                         " likely than that many attacks";
        else
            f.summary += "; " + detect::formatCount(static_cast<double>(tookOver.size()))
                + (tookOver.size() > 1 ? " other accounts" : " other account")
                + " brute-forced from this address that day signed in from it, never having before (takeover findings"
                  " of their own)";

        JsonWriter w;
        w.beginObject();
        w.field("kind", "brute-force-shared-address");
        w.field("ip", ip);
        w.field("day", day);
        w.field("failed_attempts", static_cast<std::int64_t>(sb.counted));
        w.field("failure_records", static_cast<std::int64_t>(sb.logged));
        w.field("distinct_users", static_cast<std::int64_t>(top.size()));
        w.field("window_minutes", tuning.sprayWindowMinutes);
        w.field("threshold", static_cast<std::int64_t>(minFailures));
        w.key("result_codes");
        w.beginArray();
        for (const std::int32_t c : sb.codes)
            w.value(static_cast<std::int64_t>(c));
        w.endArray();
        writeTexts(w, "client_apps", sb.clients);
        writeTexts(w, "legacy_protocols", sb.legacy);
        w.key("top_targets");
        w.beginArray();
        for (std::size_t i = 0; i < top.size() && i < kMaxListed; ++i) {
            w.beginObject();
            w.field("user", input.users.view(top[i].first));
            w.field("failed_attempts", static_cast<std::int64_t>(top[i].second.failures));
            w.field("bursts", static_cast<std::int64_t>(top[i].second.bursts));
            w.endObject();
        }
        w.endArray();
        w.field("top_targets_total", static_cast<std::int64_t>(top.size()));
        writeIdList(w, "fallen_accounts", sb.fallen, [&](StrId u) { return input.users.view(u); });
        writeIdList(w, "habitual_accounts", sb.habitual, [&](StrId u) { return input.users.view(u); });
        writeIdList(w, "taken_over_accounts", tookOver, [&](StrId u) { return input.users.view(u); });
        w.key("shared_address");
        w.value(tookOver.empty());
        w.key("compromised_user");
        w.null();
        w.endObject();
        f.details = w.take();
        out.push_back(std::move(f));
    }

    for (const Probe &p : probes) {
        std::map<StrId, std::vector<const Success *>> fallen;
        const auto [sBegin, sEnd] = successesBetween(allSuccesses(p.ip), p.first - kDisabledProbeReachMs,
                                                     p.last + kDisabledProbeReachMs);
        for (const Success *s = sBegin; s != sEnd; ++s) {
            if (p.disabled.count(s->user) || reported.count({p.ip, s->user}))
                continue;
            fallen[s->user].push_back(s);
        }
        const std::int64_t habitBefore = p.first - kDisabledProbeReachMs;
        const std::set<StrId> habitual = takeHabitual(fallen, p.ip, habitBefore);
        const bool history = earliestSuccess < habitBefore;
        const std::string ip(input.ips.view(p.ip));
        const std::string suppressed = [&]() -> std::string {
            if (const int t = input.trustedNetworkOf(p.ip); t >= 0)
                return "trusted_networks: " + tuning.trustedNetworks[static_cast<std::size_t>(t)].text;
            return {};
        }();
        std::set<std::string> legacy;
        for (const std::size_t k : p.attempts) {
            if (attempts[k].clientApp && detect::isLegacyProtocol(input.texts.view(attempts[k].clientApp)))
                legacy.emplace(input.texts.view(attempts[k].clientApp));
        }
        if (fallen.size() > kMaxFallenFindings && !history) {
            out.push_back(sharedProbeFinding(input, p, attempts, fallen, habitual, ip, suppressed, legacy));
            continue;
        }
        for (const auto &[user, list] : fallen) {
            Finding f;
            f.detector = std::string(detector_names::kPasswordSpray);
            f.user = std::string(input.users.view(user));
            f.ips = {ip};
            std::vector<std::pair<std::int64_t, std::int64_t>> ev;
            for (const std::size_t k : p.attempts)
                ev.push_back({attempts[k].timeMs, attempts[k].eventId});
            for (const Success *s : list)
                ev.push_back({s->timeMs, s->eventId});
            std::sort(ev.begin(), ev.end());
            ev.erase(std::unique(ev.begin(), ev.end()), ev.end());
            for (const auto &[t, id] : ev)
                f.evidence.push_back(id);
            f.firstTimeMs = ev.front().first;
            f.lastTimeMs = ev.back().first;
            f.score = detect::clampScore(75 + (legacy.empty() ? 0 : 5));
            f.severity = detect::severityForScore(f.score);
            f.suppressedBy = suppressed;
            f.fingerprint = detect::fingerprint(f.detector, "default", f.user, {attempts[p.attempts.front()].eventId});

            f.summary = probeSummary(input, p, ip) + ", and " + detect::formatCount(static_cast<double>(list.size()))
                + " successful sign-in" + (list.size() > 1 ? "s" : "") + " of " + f.user + " from the same address";

            JsonWriter w;
            beginProbeDetails(w, input, p, ip, legacy);
            w.field("successful_sign_ins", static_cast<std::int64_t>(list.size()));
            w.field("first_success", formatIso(list.front()->timeMs));
            w.field("reach_days", static_cast<std::int64_t>(kDisabledProbeReachMs / (24LL * 3600 * 1000)));
            w.field("compromised_user", f.user);
            w.endObject();
            f.details = w.take();
            out.push_back(std::move(f));
        }
    }
}

} // namespace mp
