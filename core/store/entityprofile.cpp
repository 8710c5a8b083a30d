#include "store/entityprofile.h"

#include "store/eventquery.h"
#include "util/strings.h"

#include <algorithm>
#include <map>
#include <tuple>

namespace mp {

namespace {

bool isSend(std::string_view operation)
{
    return iequals(operation, "Send") || iequals(operation, "SendAs") || iequals(operation, "SendOnBehalf");
}

bool isRuleOperation(std::string_view operation)
{
    static constexpr std::string_view kRuleOperations[] = {
        "New-InboxRule", "Set-InboxRule", "UpdateInboxRules", "Remove-InboxRule", "Enable-InboxRule",
        "Disable-InboxRule", "Set-Mailbox", "Set-MailboxAutoReplyConfiguration", "New-TransportRule",
        "Set-TransportRule"};
    return std::any_of(std::begin(kRuleOperations), std::end(kRuleOperations),
                       [&](std::string_view op) { return iequals(op, operation); });
}

std::vector<std::pair<std::string, std::int64_t>> byCount(const std::map<std::string, std::int64_t> &counts,
                                                          std::size_t limit = SIZE_MAX)
{
    std::vector<std::pair<std::string, std::int64_t>> out(counts.begin(), counts.end());
    std::stable_sort(out.begin(), out.end(), [](const auto &a, const auto &b) { return a.second > b.second; });
    if (out.size() > limit)
        out.resize(limit);
    return out;
}

std::string networkName(std::uint32_t asn, std::string_view org)
{
    std::string name = "AS" + std::to_string(asn);
    if (!org.empty()) {
        name += ' ';
        name += org;
    }
    return name;
}

EntityProfile profile(Database &db, const char *column, const std::string &key, const std::atomic_bool *cancel)
{
    EntityProfile p;
    p.key = key;
    if (key.empty())
        return p;
    const bool byUser = std::string_view(column) == "user";
    // One pass in time order over the entity's index: a user with 100,000 events is 100,000
    // index steps, never a scan of the case.
    Statement s(db, std::string("SELECT id, kind, time, user, ip, operation, result_code, result_status, country, city, "
                                "asn, as_org, rule_name, forward_targets, parameters FROM events WHERE ")
                        + column + " = ? ORDER BY time, id");
    s.bind(1, key, false);
    std::map<std::string, std::int64_t> countries;
    std::map<std::string, std::int64_t> networks;
    std::map<std::string, std::int64_t> peers;
    using PlaceKey = std::tuple<std::string, std::string, std::uint32_t>;
    std::map<PlaceKey, PlaceSignIns> places;
    std::map<std::int64_t, std::int64_t> sendHours;
    std::map<std::int64_t, std::int64_t> messageHours; // message trace, when there are no Send records
    std::int64_t messages = 0;
    std::int64_t steps = 0;
    while (s.step()) {
        if (cancel && (++steps & 1023) == 0 && cancel->load()) {
            p.cancelled = true;
            return p;
        }
        ++p.events;
        const auto kind = static_cast<EventKind>(s.int64(1));
        const std::int64_t time = s.isNull(2) ? kNoTime : s.int64(2);
        if (time != kNoTime) {
            p.firstMs = p.firstMs == kNoTime ? time : std::min(p.firstMs, time);
            p.lastMs = std::max(p.lastMs, time);
        }
        const std::string_view peer = s.textView(byUser ? 4 : 3);
        if (!peer.empty())
            ++peers[std::string(peer)];
        const std::string country(s.textView(8));
        const std::uint32_t asn = s.isNull(10) ? 0 : static_cast<std::uint32_t>(s.int64(10));
        const std::string operation(s.textView(5));
        if (!country.empty())
            ++countries[country];
        if (asn != 0)
            ++networks[networkName(asn, s.textView(11))];
        if (kind == EventKind::SignIn) {
            ++p.signIns;
            const EventOutcome outcome = eventOutcome(s.isNull(6) ? kNoResult : s.int64(6), s.textView(7));
            p.signInSuccesses += outcome == EventOutcome::Success ? 1 : 0;
            p.signInFailures += outcome == EventOutcome::Failure ? 1 : 0;
            PlaceSignIns &place = places[PlaceKey{country, std::string(s.textView(9)), asn}];
            if (place.firstMs == kNoTime && place.lastMs == kNoTime) {
                place.country = country;
                place.city = s.text(9);
                place.asn = asn;
                place.asOrg = s.text(11);
            }
            if (outcome == EventOutcome::Success)
                ++place.successes;
            else if (outcome == EventOutcome::Failure)
                ++place.failures;
            else
                ++place.unknown;
            if (time != kNoTime) {
                place.firstMs = place.firstMs == kNoTime ? time : std::min(place.firstMs, time);
                place.lastMs = std::max(place.lastMs, time);
            }
            const std::string_view ip = s.textView(4);
            if (!ip.empty() && place.ips.size() < 4 && std::find(place.ips.begin(), place.ips.end(), ip) == place.ips.end())
                place.ips.emplace_back(ip);
        }
        if (kind == EventKind::Message) {
            ++messages;
            if (time != kNoTime)
                ++messageHours[time - (time % 3600000 + 3600000) % 3600000];
        } else if (isSend(operation)) {
            ++p.sends;
            if (time != kNoTime)
                ++sendHours[time - (time % 3600000 + 3600000) % 3600000];
        }
        if (byUser && (kind == EventKind::RuleSnapshot || !s.isNull(12) || !s.isNull(13) || isRuleOperation(operation))) {
            if (p.rules.size() >= EntityProfile::kMaxRules) {
                ++p.rulesOmitted;
            } else {
                RuleChange r;
                r.eventId = s.int64(0);
                r.kind = kind;
                r.timeMs = time;
                r.operation = operation;
                r.ruleName = s.text(12);
                r.forwardTargets = s.text(13);
                r.parameters = s.text(14);
                r.ip = s.text(4);
                p.rules.push_back(std::move(r));
            }
        }
    }
    if (p.sends == 0 && messages > 0) {
        p.sends = messages;
        sendHours = std::move(messageHours);
    }
    p.countries = byCount(countries);
    p.networks = byCount(networks);
    p.peerCount = static_cast<std::int64_t>(peers.size());
    p.peers = byCount(peers, EntityProfile::kMaxPeers);
    for (auto &[key, place] : places)
        p.places.push_back(std::move(place));
    std::stable_sort(p.places.begin(), p.places.end(), [](const PlaceSignIns &a, const PlaceSignIns &b) {
        return a.successes + a.failures + a.unknown > b.successes + b.failures + b.unknown;
    });
    p.sendsPerHour.assign(sendHours.begin(), sendHours.end());
    return p;
}

} // namespace

EntityProfile userProfile(Database &db, const std::string &user, const std::atomic_bool *cancel)
{
    return profile(db, "user", toLowerAscii(user), cancel);
}

EntityProfile ipProfile(Database &db, const std::string &ip, const std::atomic_bool *cancel)
{
    return profile(db, "ip", ip, cancel);
}

} // namespace mp
