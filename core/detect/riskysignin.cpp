// RiskySignIn (default profile): successful sign-ins that Identity Protection rated risky, on any
// application, grouped per user and IP, with the risk event types and the applications.
#include "detect/detector.h"
#include "detect/detectutil.h"
#include "util/jsonwriter.h"
#include "util/strings.h"

#include <algorithm>
#include <set>
#include <unordered_map>

namespace mp {

namespace {

constexpr std::int64_t kGroupGapMs = 24LL * 3600 * 1000;

const char *levelName(RiskLevel level)
{
    switch (level) {
    case RiskLevel::Low:
        return "low";
    case RiskLevel::Medium:
        return "medium";
    case RiskLevel::High:
        return "high";
    case RiskLevel::Hidden:
        return "hidden";
    case RiskLevel::Other:
        return "other";
    case RiskLevel::None:
        break;
    }
    return "";
}

const char *stateName(RiskState state)
{
    switch (state) {
    case RiskState::AtRisk:
        return "atRisk";
    case RiskState::ConfirmedCompromised:
        return "confirmedCompromised";
    case RiskState::Remediated:
        return "remediated";
    case RiskState::Dismissed:
        return "dismissed";
    case RiskState::ConfirmedSafe:
        return "confirmedSafe";
    case RiskState::Other:
        return "other";
    case RiskState::None:
        break;
    }
    return "";
}

// The risk of one sign-in as a score; 0 when it carries no elevated risk.
double riskScore(const SignInRow &r)
{
    double s = 0;
    switch (r.riskLevel) {
    case RiskLevel::High:
        s = 75;
        break;
    case RiskLevel::Medium:
        s = 55;
        break;
    case RiskLevel::Low:
        s = 30;
        break;
    default:
        break;
    }
    if (r.riskState == RiskState::ConfirmedCompromised)
        s = std::max(s, 92.0);
    else if (r.riskState == RiskState::AtRisk)
        s = std::max(s, 55.0);
    if (r.isRisky == 1)
        s = std::max(s, 50.0);
    if (s == 0)
        return 0;
    // Risk that an administrator or the user has already dealt with still counts as evidence,
    // but no longer as an alarm.
    if (r.riskState == RiskState::Dismissed || r.riskState == RiskState::ConfirmedSafe)
        s = std::min(s, 15.0);
    else if (r.riskState == RiskState::Remediated)
        s -= 15;
    return s;
}

// Detections that on their own say the account or its session is in someone else's hands.
bool isStrongRiskType(std::string_view type)
{
    static constexpr std::string_view kStrong[] = {
        "attackerinTheMiddle", "anomalousToken", "tokenIssuerAnomaly", "maliciousIPAddress",
        "investigationsThreatIntelligence", "leakedCredentials", "passwordSpray",
        "suspiciousInboxForwarding", "mcasSuspiciousInboxManipulationRules",
        "adminConfirmedUserCompromised", "anomalousUserActivity",
    };
    return std::any_of(std::begin(kStrong), std::end(kStrong), [&](std::string_view s) { return iequals(s, type); });
}

struct Group
{
    StrId ip = 0;
    std::int64_t first = kNoTime;
    std::int64_t last = kNoTime;
    double score = 0;
    RiskLevel topLevel = RiskLevel::None;
    bool risky = false;
    std::set<RiskLevel> levels;
    std::set<RiskState> states;
    std::set<std::string, std::less<>> types;
    std::set<StrId> apps;
    std::set<StrId> countries;
    std::vector<std::int64_t> events;
};

void addTypes(std::string_view text, std::set<std::string, std::less<>> &types)
{
    while (!text.empty()) {
        const std::size_t comma = text.find_first_of(",;");
        const std::string_view t = trim(text.substr(0, comma));
        if (!t.empty() && !iequals(t, "none"))
            types.emplace(t);
        if (comma == std::string_view::npos)
            break;
        text.remove_prefix(comma + 1);
    }
}

} // namespace

void detectRiskySignIns(const DetectionInput &input, const Tuning &tuning, std::vector<Finding> &out)
{
    (void)tuning;
    std::vector<Group> groups;
    std::unordered_map<StrId, std::size_t> latestGroupOf; // ip -> its newest group
    for (StrId user = 1; user < input.users.size(); ++user) {
        groups.clear();
        latestGroupOf.clear();
        for (const std::uint32_t i : input.signInsByUser.of(user)) {
            const SignInRow &r = input.signIns[i];
            if (!r.succeeded())
                continue;
            const double score = riskScore(r);
            if (score <= 0)
                continue;
            // Risky sign-ins of one user from one IP that follow each other within a day are one
            // episode; a new IP or a day's quiet starts another. The rows come in time order, so
            // once an IP's newer group exists its older ones are more than a day behind: only the
            // newest group of the IP can take the sign-in.
            const auto latest = latestGroupOf.find(r.ip);
            Group *g = latest != latestGroupOf.end() ? &groups[latest->second] : nullptr;
            if (!g || r.timeMs - g->last > kGroupGapMs) {
                latestGroupOf[r.ip] = groups.size();
                groups.emplace_back();
                g = &groups.back();
                g->ip = r.ip;
                g->first = r.timeMs;
            }
            g->last = r.timeMs;
            g->score = std::max(g->score, score);
            g->topLevel = std::max(g->topLevel == RiskLevel::Hidden || g->topLevel == RiskLevel::Other ? RiskLevel::None : g->topLevel,
                                   r.riskLevel == RiskLevel::Hidden || r.riskLevel == RiskLevel::Other ? RiskLevel::None : r.riskLevel);
            g->risky = g->risky || r.isRisky == 1;
            if (r.riskLevel != RiskLevel::None)
                g->levels.insert(r.riskLevel);
            if (r.riskState != RiskState::None)
                g->states.insert(r.riskState);
            addTypes(input.texts.view(r.riskEventTypes), g->types);
            if (r.app)
                g->apps.insert(r.app);
            if (r.country)
                g->countries.insert(r.country);
            g->events.push_back(r.eventId);
        }
        for (Group &g : groups) {
            std::vector<StrId> apps(g.apps.begin(), g.apps.end());
            // Mail applications first: a risky sign-in into the mailbox is what this tool is about.
            std::sort(apps.begin(), apps.end(), [&](StrId a, StrId b) {
                const bool ma = input.textHas(a, DetectionInput::MailApp);
                const bool mb = input.textHas(b, DetectionInput::MailApp);
                if (ma != mb)
                    return ma;
                return input.texts.view(a) < input.texts.view(b);
            });
            const bool mail = !apps.empty() && input.textHas(apps.front(), DetectionInput::MailApp);
            const bool strong = std::any_of(g.types.begin(), g.types.end(), [](const std::string &t) { return isStrongRiskType(t); });
            double score = g.score + (strong ? 10 : 0) + (mail ? 3 : 0);

            Finding f;
            f.detector = std::string(detector_names::kRiskySignIn);
            f.score = detect::clampScore(score);
            f.severity = detect::severityForScore(f.score);
            f.user = std::string(input.users.view(user));
            if (g.ip)
                f.ips.emplace_back(input.ips.view(g.ip));
            f.firstTimeMs = g.first;
            f.lastTimeMs = g.last;
            f.evidence = std::move(g.events);
            f.fingerprint = detect::fingerprint(f.detector, "default", f.user, {f.evidence.front()});
            if (const int t = input.trustedNetworkOf(g.ip); t >= 0)
                f.suppressedBy = "trusted_networks: " + tuning.trustedNetworks[static_cast<std::size_t>(t)].text;

            std::string what;
            if (g.topLevel != RiskLevel::None)
                what = std::string(levelName(g.topLevel)) + "-risk";
            else if (g.states.count(RiskState::ConfirmedCompromised))
                what = "compromised-account";
            else if (g.states.count(RiskState::AtRisk))
                what = "at-risk";
            else
                what = "risky";
            f.summary = what + " sign-in of " + f.user;
            if (!apps.empty())
                f.summary += " to " + std::string(input.texts.view(apps.front()));
            f.summary += " from " + (g.ip ? std::string(input.ips.view(g.ip)) : std::string("an unknown address"));
            if (!g.countries.empty()) {
                f.summary += " (";
                bool first = true;
                for (const StrId c : g.countries) {
                    f.summary += (first ? "" : ", ") + std::string(input.texts.view(c));
                    first = false;
                }
                f.summary += ")";
            }
            if (f.evidence.size() > 1)
                f.summary += ", " + std::to_string(f.evidence.size()) + " sign-ins";
            if (!g.types.empty()) {
                f.summary += ": ";
                bool first = true;
                for (const std::string &t : g.types) {
                    f.summary += (first ? "" : ", ") + t;
                    first = false;
                }
            }
            f.summary[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(f.summary[0])));

            JsonWriter w;
            w.beginObject();
            w.key("risk_levels");
            w.beginArray();
            for (const RiskLevel l : g.levels)
                w.value(levelName(l));
            w.endArray();
            w.key("risk_states");
            w.beginArray();
            for (const RiskState s : g.states)
                w.value(stateName(s));
            w.endArray();
            w.key("risk_event_types");
            w.beginArray();
            for (const std::string &t : g.types)
                w.value(t);
            w.endArray();
            w.key("is_risky");
            w.value(g.risky);
            w.key("apps");
            w.beginArray();
            for (const StrId a : apps)
                w.value(input.texts.view(a));
            w.endArray();
            w.key("mail_app");
            w.value(mail);
            w.key("countries");
            w.beginArray();
            for (const StrId c : g.countries)
                w.value(input.texts.view(c));
            w.endArray();
            w.key("sign_ins");
            w.value(static_cast<std::int64_t>(f.evidence.size()));
            w.endObject();
            f.details = w.take();
            out.push_back(std::move(f));
        }
    }
}

} // namespace mp
