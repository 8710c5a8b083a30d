// The `seed` profile: the four branches of the seed's Sentinel rule (../shared/seeds), each exactly
// as KQL evaluates it, so that a responder can reproduce a SIEM alert from the exports. Where the
// rule is weak (clock-hour bins, Parameters-only matching, no recipients for sends) this file is
// weak in the same way on purpose; docs/tuning.md lists every choice. All findings carry the
// rule's severity, high.
#include "detect/detector.h"
#include "detect/detectutil.h"
#include "detect/ruleanalysis.h"
#include "util/jsonwriter.h"
#include "util/strings.h"
#include "util/timeparse.h"

#include <algorithm>
#include <map>
#include <set>

namespace mp {

namespace {

constexpr std::int64_t kHourMs = 3600LL * 1000;
constexpr double kSeedScore = 70; // "high severity medium confidence"
constexpr const char *kProfile = "seed";

// `TimeGenerated > ago(LookbackWindow)` with now() replaced by the newest event of the case.
struct Lookback
{
    std::int64_t cutoff = kNoTime;
    explicit Lookback(const DetectionInput &input, const Tuning &tuning)
    {
        if (tuning.lookbackHours > 0 && input.newestTimeMs != kNoTime)
            cutoff = input.newestTimeMs - static_cast<std::int64_t>(tuning.lookbackHours * kHourMs);
    }
    bool inside(std::int64_t t) const { return t != kNoTime && (cutoff == kNoTime || t > cutoff); }
};

// bin(TimeGenerated, 1h)
std::int64_t hourBin(std::int64_t t)
{
    return (t >= 0 ? t : t - (kHourMs - 1)) / kHourMs * kHourMs;
}

// The common filter of branches 1 and 2: SigninLogs (interactive sign-ins), ResultType == "0",
// AppDisplayName has_any (the mail apps).
bool seedMailSignIn(const DetectionInput &input, const SignInRow &r)
{
    return r.interactive && r.resultCode == 0 && input.textHas(r.app, DetectionInput::MailApp);
}

Finding seedFinding(std::string_view detector)
{
    Finding f;
    f.detector = std::string(detector);
    f.score = kSeedScore;
    f.severity = Severity::High;
    return f;
}

// The text KQL's `Parameters` column holds, term for term: the names and values of the cmdlet
// parameters, without UpdateInboxRules' OperationProperties that the importer keeps alongside.
std::string parametersText(const std::vector<RuleParameter> &parameters)
{
    std::string text;
    for (const auto &[name, value] : parameters) {
        if (isOperationPropertyName(name))
            continue;
        text.append("{\"Name\":\"").append(name).append("\",\"Value\":\"").append(value).append("\"}");
    }
    return text;
}

} // namespace

void seedRiskySignIns(const DetectionInput &input, const Tuning &tuning, std::vector<Finding> &out)
{
    const Lookback lookback(input, tuning);
    for (const SignInRow &r : input.signIns) {
        if (!lookback.inside(r.timeMs) || !seedMailSignIn(input, r))
            continue;
        // RiskLevelDuringSignIn in ("high", "medium") or RiskState == "atRisk" or IsRisky == true
        const bool risky = r.riskLevel == RiskLevel::High || r.riskLevel == RiskLevel::Medium
            || r.riskState == RiskState::AtRisk || r.isRisky == 1;
        if (!risky)
            continue;
        Finding f = seedFinding(detector_names::kRiskySignIn);
        f.user = std::string(input.users.view(r.user));
        if (r.ip)
            f.ips.emplace_back(input.ips.view(r.ip));
        f.firstTimeMs = f.lastTimeMs = r.timeMs;
        f.evidence = {r.eventId};
        f.fingerprint = detect::fingerprint(f.detector, kProfile, f.user, {r.eventId});
        if (const int t = input.trustedNetworkOf(r.ip); t >= 0)
            f.suppressedBy = "trusted_networks: " + tuning.trustedNetworks[static_cast<std::size_t>(t)].text;
        f.summary = "Risky sign-in of " + f.user + " to " + std::string(input.texts.view(r.app)) + " from "
            + std::string(input.ips.view(r.ip)) + " (" + detect::placeName(input, r.city, r.country) + ")";
        JsonWriter w;
        w.beginObject();
        w.field("app", input.texts.view(r.app));
        w.field("country", input.texts.view(r.country));
        w.field("city", input.texts.view(r.city));
        static constexpr const char *kLevels[] = {"", "low", "medium", "high", "hidden", "other"};
        static constexpr const char *kStates[] = {"", "atRisk", "confirmedCompromised", "remediated", "dismissed", "confirmedSafe", "other"};
        w.field("risk_level", kLevels[static_cast<int>(r.riskLevel)]);
        w.field("risk_state", kStates[static_cast<int>(r.riskState)]);
        w.key("is_risky");
        if (r.isRisky < 0)
            w.null();
        else
            w.value(r.isRisky == 1);
        w.field("risk_event_types", input.texts.view(r.riskEventTypes));
        if (r.asn)
            w.field("asn", static_cast<std::int64_t>(r.asn));
        w.endObject();
        f.details = w.take();
        out.push_back(std::move(f));
    }
}

void seedImpossibleTravel(const DetectionInput &input, const Tuning &tuning, std::vector<Finding> &out)
{
    const Lookback lookback(input, tuning);
    std::vector<std::uint32_t> bin;
    for (StrId user = 1; user < input.users.size(); ++user) {
        const auto rows = input.signInsByUser.of(user);
        const std::string userName(input.users.view(user));
        auto emit = [&] {
            // summarize Countries = make_set(Country) ... by UserPrincipalName, bin(TimeGenerated, 1h)
            // | where array_length(Countries) >= 2. An empty Location.countryOrRegion is a value of
            // its own in make_set, as in KQL.
            std::set<std::string_view> countries, untrustedCountries;
            std::vector<StrId> ips;
            for (const std::uint32_t i : bin) {
                const SignInRow &r = input.signIns[i];
                countries.insert(input.texts.view(r.country));
                if (input.trustedNetworkOf(r.ip) < 0)
                    untrustedCountries.insert(input.texts.view(r.country));
                ips.push_back(r.ip);
            }
            if (countries.size() < 2)
                return;
            Finding f = seedFinding(detector_names::kImpossibleTravel);
            f.user = userName;
            f.ips = detect::ipsByFrequency(input, ips);
            const SignInRow &first = input.signIns[bin.front()];
            f.firstTimeMs = first.timeMs;
            f.lastTimeMs = input.signIns[bin.back()].timeMs;
            for (const std::uint32_t i : bin)
                f.evidence.push_back(input.signIns[i].eventId);
            f.fingerprint = detect::fingerprint(f.detector, kProfile, f.user, {f.evidence.front()});
            if (tuning.isServiceAccount(userName)) {
                f.suppressedBy = "service_accounts: " + userName;
            } else if (untrustedCountries.size() < 2) {
                for (const std::uint32_t i : bin) {
                    if (const int t = input.trustedNetworkOf(input.signIns[i].ip); t >= 0) {
                        f.suppressedBy = "trusted_networks: " + tuning.trustedNetworks[static_cast<std::size_t>(t)].text;
                        break;
                    }
                }
            }
            std::string list;
            for (const std::string_view c : countries)
                list += (list.empty() ? "" : ", ") + (c.empty() ? std::string("(none)") : std::string(c));
            const std::int64_t binStart = hourBin(first.timeMs);
            f.summary = f.user + " signed in from " + std::to_string(countries.size()) + " countries (" + list
                + ") in the hour from " + formatIso(binStart);
            JsonWriter w;
            w.beginObject();
            w.key("countries");
            w.beginArray();
            for (const std::string_view c : countries)
                w.value(c);
            w.endArray();
            w.field("sign_ins", static_cast<std::int64_t>(bin.size()));
            w.field("bin_start", formatIso(binStart));
            w.endObject();
            f.details = w.take();
            out.push_back(std::move(f));
        };
        bin.clear();
        std::int64_t current = kNoTime;
        for (const std::uint32_t i : rows) {
            const SignInRow &r = input.signIns[i];
            if (!lookback.inside(r.timeMs) || !seedMailSignIn(input, r))
                continue;
            const std::int64_t b = hourBin(r.timeMs);
            if (b != current && !bin.empty()) {
                emit();
                bin.clear();
            }
            current = b;
            bin.push_back(i);
        }
        if (!bin.empty())
            emit();
    }
}

void seedInboxRuleManipulation(const DetectionInput &input, const Tuning &tuning, std::vector<Finding> &out)
{
    const Lookback lookback(input, tuning);
    // Operation in (...) is case-sensitive in KQL; has_any is not.
    static constexpr std::string_view kOperations[] = {
        "New-InboxRule", "Set-InboxRule", "UpdateInboxRules", "Set-Mailbox", "Set-MailboxAutoReplyConfiguration",
    };
    static constexpr std::string_view kTerms[] = {
        "ForwardTo", "ForwardAsAttachmentTo", "RedirectTo", "DeleteMessage", "MarkAsRead", "MoveToFolder",
    };
    for (const RuleRow &rule : input.rules) {
        if (rule.snapshot || !lookback.inside(rule.timeMs))
            continue;
        const std::string_view operation = input.texts.view(rule.operation);
        if (std::find(std::begin(kOperations), std::end(kOperations), operation) == std::end(kOperations))
            continue;
        const std::vector<RuleParameter> parameters = parseRuleParameters(rule.parameters);
        const std::string text = parametersText(parameters);
        std::vector<std::string_view> matched;
        for (const std::string_view term : kTerms) {
            if (hasTermKql(text, term))
                matched.push_back(term);
        }
        if (matched.empty())
            continue;
        Finding f = seedFinding(detector_names::kInboxRuleManipulation);
        f.user = std::string(input.users.view(rule.user));
        if (rule.ip)
            f.ips.emplace_back(input.ips.view(rule.ip));
        f.firstTimeMs = f.lastTimeMs = rule.timeMs;
        f.evidence = {rule.eventId};
        f.fingerprint = detect::fingerprint(f.detector, kProfile, f.user, {rule.eventId});
        const RuleAnalysis a = analyseRule(rule, input);
        if (!actorOwnsMailbox(f.user, a.mailbox) && tuning.isAdminAccount(f.user))
            f.suppressedBy = "admin_accounts: " + f.user;
        std::string terms;
        for (const std::string_view t : matched)
            terms += (terms.empty() ? "" : ", ") + std::string(t);
        f.summary = f.user + " ran " + std::string(operation) + (rule.ruleName.empty() ? "" : " '" + rule.ruleName + "'")
            + " with " + terms;
        JsonWriter w;
        w.beginObject();
        w.field("operation", operation);
        w.field("rule_name", rule.ruleName);
        w.key("matched_terms");
        w.beginArray();
        for (const std::string_view t : matched)
            w.value(t);
        w.endArray();
        w.key("parameters");
        w.beginArray();
        for (const auto &[name, value] : parameters) {
            if (isOperationPropertyName(name))
                continue;
            w.beginObject();
            w.field("Name", name);
            w.key("Value");
            w.value(value);
            w.endObject();
        }
        w.endArray();
        w.endObject();
        f.details = w.take();
        out.push_back(std::move(f));
    }
}

void seedBulkEmailSending(const DetectionInput &input, const Tuning &tuning, std::vector<Finding> &out)
{
    const Lookback lookback(input, tuning);
    const std::size_t threshold = static_cast<std::size_t>(std::max(1, tuning.bulkSendThreshold));
    std::map<StrId, std::vector<std::uint32_t>> byIp;
    for (StrId user = 1; user < input.users.size(); ++user) {
        if (input.cancelled())
            return;
        const auto rows = input.auditsByUser.of(user);
        const std::string userName(input.users.view(user));
        auto emit = [&](std::int64_t binStart) {
            // summarize EmailsSent = count() by UserId, ClientIP, bin(TimeGenerated, 1h)
            for (auto &[ip, sends] : byIp) {
                if (sends.size() < threshold)
                    continue;
                Finding f = seedFinding(detector_names::kBulkEmailSending);
                f.user = userName;
                if (ip)
                    f.ips.emplace_back(input.ips.view(ip));
                f.firstTimeMs = input.audits[sends.front()].timeMs;
                f.lastTimeMs = input.audits[sends.back()].timeMs;
                for (const std::uint32_t i : sends)
                    f.evidence.push_back(input.audits[i].eventId);
                f.fingerprint = detect::fingerprint(f.detector, kProfile, f.user, {f.evidence.front()});
                if (tuning.isServiceAccount(userName))
                    f.suppressedBy = "service_accounts: " + userName;
                f.summary = f.user + " sent " + std::to_string(sends.size()) + " messages from "
                    + (ip ? std::string(input.ips.view(ip)) : std::string("no logged address")) + " in the hour from "
                    + formatIso(binStart);
                JsonWriter w;
                w.beginObject();
                w.field("emails_sent", static_cast<std::int64_t>(sends.size()));
                w.field("bin_start", formatIso(binStart));
                // UniqueRecipients reads Parameters, which Send records do not carry.
                w.key("unique_recipients");
                w.null();
                w.endObject();
                f.details = w.take();
                out.push_back(std::move(f));
            }
            byIp.clear();
        };
        std::int64_t current = kNoTime;
        for (const std::uint32_t i : rows) {
            const AuditRow &r = input.audits[i];
            // Operation == "Send" and OfficeWorkload == "Exchange": == is case-sensitive in KQL.
            if (!lookback.inside(r.timeMs) || input.texts.view(r.operation) != "Send"
                || input.texts.view(r.workload) != "Exchange")
                continue;
            const std::int64_t b = hourBin(r.timeMs);
            if (b != current && !byIp.empty())
                emit(current);
            current = b;
            byIp[r.ip].push_back(i);
        }
        if (!byIp.empty())
            emit(current);
    }
}

} // namespace mp
