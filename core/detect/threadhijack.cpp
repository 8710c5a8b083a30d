// ThreadHijack (default profile, second phase): replies and forwards a user sent from an IP or
// session already tied to another finding, or within hijack_window_hours after a risky sign-in,
// impossible travel, session anomaly or fallen spray of that user. A hiding rule of the user
// whose words match the subjects raises it: the attacker answers the thread and hides the answers.
#include "detect/detector.h"
#include "detect/detectutil.h"
#include "detect/ruleanalysis.h"
#include "detect/signals.h"
#include "util/jsonwriter.h"
#include "util/strings.h"
#include "util/timeparse.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

namespace mp {

namespace {

constexpr double kTieMinimumScore = 45; // medium: low and informational findings tie nothing
constexpr std::size_t kSharedIpUsers = 3;  // an address this many users (and 10 %) sign in from
constexpr int kRoutineDays = 2;            // an address the user signed in from on this many days

struct Reply
{
    std::int64_t timeMs;
    std::int64_t eventId;
    StrId ip;
    StrId session;
    StrId token;
    StrId subject; // others
    std::string tiedTo; // the finding that ties it, for the details
    bool tiedByAddress = false;
};

struct Window
{
    std::int64_t from, to;
    std::string what;
};

// A user's risky windows, indexed once: their union as sorted disjoint intervals (is a time in
// any window?), and per detector, in the order the windows were listed, the windows sorted by
// start with the running maximum of their ends (is there one that starts by a time and still
// runs at another?). The windows of one detector are contiguous in the list, since each
// detector appends its findings in one go, so the first detector with such a window holds the
// first such window of the list.
struct WindowIndex
{
    struct Kind
    {
        std::string what;
        std::vector<std::int64_t> froms;     // ascending
        std::vector<std::int64_t> maxToUpTo; // max end among froms[0..k]
    };
    std::vector<std::pair<std::int64_t, std::int64_t>> merged;
    std::vector<Kind> kinds;

    explicit WindowIndex(const std::vector<Window> &windows)
    {
        std::vector<std::pair<std::int64_t, std::int64_t>> spans;
        spans.reserve(windows.size());
        for (const Window &w : windows) {
            if (w.from <= w.to)
                spans.push_back({w.from, w.to});
        }
        std::sort(spans.begin(), spans.end());
        for (const auto &s : spans) {
            if (!merged.empty() && s.first <= merged.back().second)
                merged.back().second = std::max(merged.back().second, s.second);
            else
                merged.push_back(s);
        }
        std::vector<std::vector<std::pair<std::int64_t, std::int64_t>>> byKind;
        for (const Window &w : windows) {
            auto it = std::find_if(kinds.begin(), kinds.end(), [&](const Kind &k) { return k.what == w.what; });
            if (it == kinds.end()) {
                kinds.push_back({w.what, {}, {}});
                byKind.emplace_back();
                it = kinds.end() - 1;
            }
            if (w.from <= w.to)
                byKind[static_cast<std::size_t>(it - kinds.begin())].push_back({w.from, w.to});
        }
        for (std::size_t k = 0; k < kinds.size(); ++k) {
            std::sort(byKind[k].begin(), byKind[k].end());
            std::int64_t maxTo = INT64_MIN;
            for (const auto &[from, to] : byKind[k]) {
                maxTo = std::max(maxTo, to);
                kinds[k].froms.push_back(from);
                kinds[k].maxToUpTo.push_back(maxTo);
            }
        }
    }
    bool contains(std::int64_t t) const
    {
        auto it = std::upper_bound(merged.begin(), merged.end(), t, [](std::int64_t v, const auto &m) { return v < m.first; });
        return it != merged.begin() && t <= std::prev(it)->second;
    }
    // The detector of the first window that starts at or before startBy and ends at or after t.
    const std::string *firstStartingBy(std::int64_t startBy, std::int64_t t) const
    {
        for (const Kind &k : kinds) {
            const auto n = std::upper_bound(k.froms.begin(), k.froms.end(), startBy) - k.froms.begin();
            if (n > 0 && k.maxToUpTo[static_cast<std::size_t>(n - 1)] >= t)
                return &k.what;
        }
        return nullptr;
    }
};

// What one user's successful sign-ins say about an address.
struct AddressHistory
{
    std::int64_t firstTimeMs = INT64_MAX; // the first successful sign-in (kNoTime counts as earliest)
    std::int64_t firstDay = INT64_MIN;    // the first day with a dated successful sign-in
    bool routine = false;                 // dated successful sign-ins on two days or more
};

} // namespace

void detectThreadHijack(const DetectionInput &input, const Tuning &tuning, std::vector<Finding> &out)
{
    const std::int64_t windowMs = static_cast<std::int64_t>(tuning.hijackWindowHours * 3600.0 * 1000.0);
    // The findings of the first phase that stand (not suppressed, medium or more).
    std::unordered_map<StrId, std::pair<double, std::string>> tiedIps; // ip -> best score, detector
    std::unordered_set<std::int64_t> tiedEvents;
    std::unordered_map<std::string, std::vector<Window>> windows; // user -> risky windows
    const std::size_t earlier = out.size();
    for (std::size_t i = 0; i < earlier; ++i) {
        const Finding &f = out[i];
        if (!f.suppressedBy.empty() || f.score < kTieMinimumScore || f.detector == detector_names::kThreadHijack)
            continue;
        // Bulk sending is what a hijack does, not what shows an address is the attacker's.
        if (f.detector != detector_names::kBulkEmailSending) {
            for (const std::string &ip : f.ips) {
                const StrId id = input.ips.find(ip);
                if (!id || input.trustedNetworkOf(id) >= 0)
                    continue;
                auto &best = tiedIps[id];
                if (f.score > best.first)
                    best = {f.score, f.detector};
            }
            tiedEvents.insert(f.evidence.begin(), f.evidence.end());
        }
        if (!f.user.empty() && f.firstTimeMs != kNoTime
            && (f.detector == detector_names::kRiskySignIn || f.detector == detector_names::kImpossibleTravel
                || f.detector == detector_names::kSessionAnomaly || f.detector == detector_names::kPasswordSpray))
            windows[f.user].push_back({f.firstTimeMs, f.lastTimeMs + windowMs, f.detector});
    }
    if (tiedIps.empty() && windows.empty())
        return;
    // Sessions and tokens of the tying findings' evidence: filled below, only when a reply
    // carries a session or token (two passes over every row otherwise wasted).
    std::unordered_set<StrId> tiedSessions;
    auto collectTiedSessions = [&] {
        for (const SignInRow &r : input.signIns) {
            if ((r.sessionId || r.correlationId || r.tokenId) && tiedEvents.count(r.eventId)) {
                tiedSessions.insert(r.sessionId);
                tiedSessions.insert(r.correlationId);
                tiedSessions.insert(r.tokenId);
            }
        }
        for (const AuditRow &r : input.audits) {
            if ((r.sessionId || r.correlationId || r.tokenId) && tiedEvents.count(r.eventId)) {
                tiedSessions.insert(r.sessionId);
                tiedSessions.insert(r.correlationId);
                tiedSessions.insert(r.tokenId);
            }
        }
        tiedSessions.erase(0);
    };
    if (input.cancelled())
        return;
    // Addresses many users sign in from (the office's NAT): a reply from there says nothing.
    // Addresses shared by many users, among the candidates' addresses (computed below).
    std::vector<std::uint8_t> sharedIp(input.ips.size() + 1, 0);
    auto isSharedIp = [&](StrId ip) { return ip < sharedIp.size() && sharedIp[ip]; };

    // Sequential scans (the audit table is large; reading it by user jumps around in memory):
    // the replies that could be tied to something, by user.
    std::unordered_map<StrId, WindowIndex> windowsOf;
    for (const auto &[name, list] : windows) {
        if (const StrId id = input.users.find(name))
            windowsOf.emplace(id, WindowIndex(list));
    }
    // Before tiedSessions is known, any reply with a session or token could be tied by it.
    auto couldQualify = [&](StrId user, std::int64_t t, StrId ip, StrId session, StrId token) {
        if ((ip && tiedIps.count(ip)) || (!tiedEvents.empty() && (session || token)))
            return true;
        const auto it = windowsOf.find(user);
        return it != windowsOf.end() && it->second.contains(t);
    };
    std::vector<std::uint8_t> sendsAny(input.users.size(), 0);
    std::vector<std::pair<StrId, Reply>> candidates;
    for (const AuditRow &r : input.audits) {
        if (r.timeMs == kNoTime || !input.textHas(r.operation, DetectionInput::SendOperation))
            continue;
        sendsAny[r.user] = 1;
        if (r.subject && couldQualify(r.user, r.timeMs, r.ip, r.sessionId, r.tokenId)
            && detect::replyPrefixLength(input.others.view(r.subject)) > 0)
            candidates.push_back({r.user, {r.timeMs, r.eventId, r.ip, r.sessionId, r.tokenId, r.subject, {}}});
    }
    // Users without Send records: the message trace's outbound messages.
    for (const MessageRow &m : input.messages) {
        if (m.timeMs == kNoTime || !m.subject || m.sender >= sendsAny.size() || sendsAny[m.sender])
            continue;
        if (couldQualify(m.sender, m.timeMs, m.ip, 0, 0) && detect::replyPrefixLength(input.others.view(m.subject)) > 0)
            candidates.push_back({m.sender, {m.timeMs, m.eventId, m.ip, 0, 0, m.subject, {}}});
    }
    std::stable_sort(candidates.begin(), candidates.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
    if (!tiedEvents.empty()
        && std::any_of(candidates.begin(), candidates.end(), [](const auto &c) { return c.second.session || c.second.token; }))
        collectTiedSessions();
    if (!candidates.empty()) {
        std::vector<std::uint8_t> wanted(input.ips.size() + 1, 0);
        for (const auto &[u, r] : candidates)
            wanted[r.ip] = 1;
        wanted[0] = 0;
        std::unordered_set<std::uint64_t> pairs; // ip << 32 | user
        std::vector<std::uint8_t> active(input.users.size(), 0);
        for (const SignInRow &r : input.signIns) {
            if (!r.succeeded())
                continue;
            active[r.user] = 1;
            if (r.ip < wanted.size() && wanted[r.ip])
                pairs.insert((static_cast<std::uint64_t>(r.ip) << 32) | r.user);
        }
        const std::size_t activeUsers = static_cast<std::size_t>(std::count(active.begin(), active.end(), 1));
        const std::size_t needed = std::max<std::size_t>(kSharedIpUsers, (activeUsers + 9) / 10);
        std::vector<std::uint32_t> users(input.ips.size() + 1, 0);
        for (const std::uint64_t p : pairs)
            ++users[static_cast<StrId>(p >> 32)];
        for (std::size_t ip = 0; ip < users.size(); ++ip)
            sharedIp[ip] = users[ip] >= needed;
    }

    // The rules of each user, in list order: built once, at the first user with a qualifying reply.
    std::vector<std::vector<std::uint32_t>> rulesOf;
    std::vector<Reply> replies;
    std::vector<Reply> qualifying;
    for (std::size_t g = 0; g < candidates.size();) {
        const StrId user = candidates[g].first;
        std::size_t e = g;
        while (e < candidates.size() && candidates[e].first == user)
            ++e;
        replies.clear();
        for (std::size_t k = g; k < e; ++k)
            replies.push_back(std::move(candidates[k].second));
        g = e;
        const std::string userName(input.users.view(user));
        const auto winIt = windowsOf.find(user);
        const WindowIndex *win = winIt != windowsOf.end() ? &winIt->second : nullptr;
        const bool anySend = user < sendsAny.size() && sendsAny[user];

        // One pass over the user's successful sign-ins (in time order): per address, the first
        // one and whether it is the user's own address (signed in from on several days).
        std::unordered_map<StrId, AddressHistory> history;
        for (const std::uint32_t i : input.signInsByUser.of(user)) {
            const SignInRow &s = input.signIns[i];
            if (!s.succeeded() || !s.ip)
                continue;
            AddressHistory &h = history[s.ip];
            h.firstTimeMs = std::min(h.firstTimeMs, s.timeMs);
            if (s.timeMs == kNoTime)
                continue;
            const std::int64_t day = s.timeMs / (24LL * 3600 * 1000);
            if (h.firstDay == INT64_MIN)
                h.firstDay = day;
            else if (day != h.firstDay)
                h.routine = true; // kRoutineDays (2) distinct days
        }
        static_assert(kRoutineDays == 2);
        auto isRoutineIp = [&](StrId ip) {
            const auto it = history.find(ip);
            return it != history.end() && it->second.routine;
        };
        qualifying.clear();
        for (Reply &r : replies) {
            const std::string_view ip = input.ips.view(r.ip);
            const auto tied = r.ip ? tiedIps.find(r.ip) : tiedIps.end();
            const bool inWindow = win && win->contains(r.timeMs);
            const bool sessionTied = (r.session && tiedSessions.count(r.session)) || (r.token && tiedSessions.count(r.token));
            if (tied == tiedIps.end() && !inWindow && !sessionTied)
                continue;
            // From the user's own or the office's address: the user answering their own mail.
            if (r.ip && (isSharedIp(r.ip) || isRoutineIp(r.ip)))
                continue;
            if (r.ip) {
                if (const auto it = tied; it != tiedIps.end()) {
                    r.tiedTo = it->second.second + " (address " + std::string(ip) + ")";
                    r.tiedByAddress = true;
                }
            }
            if (r.tiedTo.empty() && ((r.session && tiedSessions.count(r.session)) || (r.token && tiedSessions.count(r.token)))) {
                r.tiedTo = "session of a finding";
                r.tiedByAddress = true;
            }
            if (r.tiedTo.empty() && win && (!r.ip || input.trustedNetworkOf(r.ip) < 0)) {
                // A window counts unless the user signed in successfully from the reply's address
                // before it began (the user answering their own mail): it must begin by then.
                std::int64_t startBy = r.timeMs;
                if (r.ip) {
                    if (const auto h = history.find(r.ip); h != history.end() && h->second.firstTimeMs != INT64_MAX)
                        startBy = std::min(startBy, h->second.firstTimeMs);
                }
                if (const std::string *what = win->firstStartingBy(startBy, r.timeMs))
                    r.tiedTo = *what + " within " + detect::formatCount(tuning.hijackWindowHours) + " h";
            }
            if (!r.tiedTo.empty())
                qualifying.push_back(r);
        }
        if (qualifying.empty())
            continue;

        // The user's hiding rules and the words they hide.
        if (rulesOf.empty()) {
            rulesOf.resize(input.users.size() + 1);
            for (std::uint32_t i = 0; i < input.rules.size(); ++i) {
                if (input.rules[i].user < rulesOf.size())
                    rulesOf[input.rules[i].user].push_back(i);
            }
        }
        std::set<std::string> hidingRules, keywords;
        for (const std::uint32_t i : rulesOf[user]) {
            const RuleRow &rule = input.rules[i];
            const RuleAnalysis a = analyseRule(rule, input);
            if (a.removal || a.hidingTraits() == 0)
                continue;
            hidingRules.insert(rule.ruleName.empty() ? std::string(input.texts.view(rule.operation)) : rule.ruleName);
            for (const std::string &k : a.keywords)
                keywords.insert(toLowerAscii(k));
        }

        // Replies that follow each other within the window are one finding.
        std::size_t begin = 0;
        while (begin < qualifying.size()) {
            std::size_t end = begin + 1;
            while (end < qualifying.size() && qualifying[end].timeMs - qualifying[end - 1].timeMs <= std::max<std::int64_t>(windowMs, 3600000))
                ++end;
            Finding f;
            f.detector = std::string(detector_names::kThreadHijack);
            f.user = userName;
            std::vector<StrId> ips;
            std::set<std::string> subjects, matched, ties;
            bool byAddress = false;
            double tieScore = 0;
            for (std::size_t k = begin; k < end; ++k) {
                const Reply &r = qualifying[k];
                f.evidence.push_back(r.eventId);
                if (r.ip)
                    ips.push_back(r.ip);
                const std::string_view subject = input.others.view(r.subject);
                subjects.emplace(subject);
                for (const std::string &kw : keywords) {
                    if (findI(subject, kw) != std::string_view::npos)
                        matched.insert(kw);
                }
                ties.insert(r.tiedTo);
                byAddress = byAddress || r.tiedByAddress;
                if (r.ip) {
                    if (const auto it = tiedIps.find(r.ip); it != tiedIps.end())
                        tieScore = std::max(tieScore, it->second.first);
                }
            }
            f.ips = detect::ipsByFrequency(input, ips);
            f.firstTimeMs = qualifying[begin].timeMs;
            f.lastTimeMs = qualifying[end - 1].timeMs;
            f.fingerprint = detect::fingerprint(f.detector, "default", f.user, {f.evidence.front()});

            double score = byAddress ? 60 : 50;
            if (tieScore >= 70)
                score += 10;
            if (!hidingRules.empty())
                score += 10;
            if (!matched.empty())
                score += 15;
            f.score = detect::clampScore(score);
            f.severity = detect::severityForScore(f.score);

            f.summary = "Thread hijack by " + f.user + ": " + std::to_string(end - begin)
                + (end - begin == 1 ? " reply/forward" : " replies/forwards") + " sent";
            if (!f.ips.empty())
                f.summary += " from " + f.ips.front();
            f.summary += byAddress ? " tied to another finding" : " shortly after a risky sign-in";
            if (!matched.empty()) {
                f.summary += ", under a hiding rule matching ";
                bool first = true;
                for (const std::string &m : matched) {
                    f.summary += (first ? "'" : ", '") + m + "'";
                    first = false;
                }
            } else if (!hidingRules.empty()) {
                f.summary += ", with a hiding rule in place";
            }

            JsonWriter w;
            w.beginObject();
            w.key("subjects");
            w.beginArray();
            for (const std::string &s : subjects)
                w.value(s);
            w.endArray();
            w.key("tied_to");
            w.beginArray();
            for (const std::string &t : ties)
                w.value(t);
            w.endArray();
            w.key("hiding_rules");
            w.beginArray();
            for (const std::string &r : hidingRules)
                w.value(r);
            w.endArray();
            w.key("matched_keywords");
            w.beginArray();
            for (const std::string &m : matched)
                w.value(m);
            w.endArray();
            w.key("window_hours");
            w.value(tuning.hijackWindowHours);
            w.field("source", anySend ? "audit" : "message-trace");
            w.endObject();
            f.details = w.take();
            out.push_back(std::move(f));
            begin = end;
        }
    }
}

} // namespace mp
