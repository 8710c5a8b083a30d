// Incidents: the findings of one takeover joined into one story; network classes on findings.
#include "detect/incidents.h"
#include "detect/detector.h"
#include "detect/detectutil.h"
#include "util/jsonwriter.h"
#include "util/timeparse.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <map>
#include <numeric>
#include <unordered_map>
#include <unordered_set>

namespace mp {

namespace {

// A complete kill chain (access, then persistence or hiding, then exfiltration or sending) adds
// this to the sum of the findings' scores and raises the severity one step.
constexpr double kFullChainBonus = 50;
// Steps named in the one-line summary before it says how many more there are.
constexpr std::size_t kSummarySteps = 6;
// The steps an incident's details list (a noisy account can gather tens of thousands of findings;
// the incident's finding ids still name them all) and the hosting addresses a bonus reason names.
constexpr std::size_t kDetailSteps = 200;
constexpr std::size_t kReasonAddresses = 10;

QJsonObject parseDetails(const std::string &details)
{
    return QJsonDocument::fromJson(QByteArray::fromStdString(details)).object();
}

std::string str(const QJsonValue &v)
{
    return v.toString().toStdString();
}

struct Stages
{
    bool access = false, persistence = false, exfiltration = false;
};

Stages stagesOf(const Finding &f, const QJsonObject &d)
{
    using namespace detector_names;
    Stages s;
    const std::string_view det = f.detector;
    if (det == kRiskySignIn || det == kImpossibleTravel || det == "PasswordSpray" || det == "SessionAnomaly")
        s.access = true;
    else if (det == kInboxRuleManipulation) {
        const bool forwarding = d.value(QLatin1String("forwarding")).toBool() || d.value(QLatin1String("mailbox_forwarding")).toBool();
        s.persistence = !d.value(QLatin1String("hiding")).toArray().isEmpty() || !forwarding;
        s.exfiltration = forwarding; // forwarding keeps mail flowing out: both
    } else if (det == kBulkEmailSending || det == "ThreadHijack")
        s.exfiltration = true;
    return s;
}

const char *stageName(const Stages &s)
{
    if (s.access)
        return "access";
    if (s.persistence && s.exfiltration)
        return "persistence+exfiltration";
    if (s.persistence)
        return "persistence";
    if (s.exfiltration)
        return "exfiltration";
    return "other";
}

std::string firstIp(const Finding &f)
{
    return f.ips.empty() ? std::string("an unknown address") : f.ips.front();
}

// A few words for one step of the story.
std::string stepPhrase(const Finding &f, const QJsonObject &d)
{
    using namespace detector_names;
    const std::string_view det = f.detector;
    if (det == kRiskySignIn) {
        const QJsonArray countries = d.value(QLatin1String("countries")).toArray();
        std::string p = "risky sign-in from " + firstIp(f);
        if (!countries.isEmpty() && !str(countries.first()).empty())
            p += " (" + str(countries.first()) + ")";
        return p;
    }
    if (det == kImpossibleTravel) {
        const QJsonObject to = d.value(QLatin1String("to")).toObject();
        std::string p = "impossible travel to " + (to.isEmpty() ? firstIp(f) : str(to.value(QLatin1String("ip"))));
        if (!str(to.value(QLatin1String("country"))).empty())
            p += " (" + str(to.value(QLatin1String("country"))) + ")";
        return p;
    }
    if (det == "PasswordSpray") {
        const std::string kind = str(d.value(QLatin1String("kind")));
        if (kind == "brute-force")
            return "brute force from " + firstIp(f);
        if (kind == "disabled-account-probe")
            return "disabled accounts probed from " + firstIp(f);
        return "password spray from " + firstIp(f);
    }
    if (det == "SessionAnomaly")
        return "session anomaly from " + firstIp(f);
    if (det == kInboxRuleManipulation) {
        std::vector<std::string> parts;
        if (!d.value(QLatin1String("hiding")).toArray().isEmpty())
            parts.push_back("hiding rule '" + str(d.value(QLatin1String("rule_name"))) + "'");
        const QJsonArray targets = d.value(QLatin1String("forward_targets")).toArray();
        if (!targets.isEmpty()) {
            std::string p = "forwarding to " + str(targets.first().toObject().value(QLatin1String("address")));
            if (targets.size() > 1)
                p += " (+" + std::to_string(targets.size() - 1) + ")";
            parts.push_back(p);
        } else if (d.value(QLatin1String("forwarding")).toBool() || d.value(QLatin1String("mailbox_forwarding")).toBool())
            parts.push_back("forwarding");
        if (parts.empty())
            parts.push_back("inbox rule '" + str(d.value(QLatin1String("rule_name"))) + "'");
        std::string p;
        for (const std::string &part : parts)
            p += (p.empty() ? "" : " → ") + part;
        return p;
    }
    if (det == kBulkEmailSending) {
        const auto sends = d.value(QLatin1String("sends")).toInteger();
        return sends > 0 ? detect::formatCount(static_cast<double>(sends)) + " sends" : std::string("bulk sending");
    }
    if (det == "ThreadHijack") {
        const QJsonArray subjects = d.value(QLatin1String("subjects")).toArray();
        std::string p = "replies in existing threads";
        if (!subjects.isEmpty())
            p += " such as '" + str(subjects.first()) + "'";
        return p;
    }
    return std::string(det) + " (" + firstIp(f) + ")";
}

Severity raised(Severity s)
{
    return s == Severity::Critical ? s : static_cast<Severity>(static_cast<int>(s) + 1);
}

struct UnionFind
{
    std::vector<std::size_t> parent;
    explicit UnionFind(std::size_t n)
        : parent(n)
    {
        std::iota(parent.begin(), parent.end(), std::size_t{0});
    }
    std::size_t find(std::size_t x)
    {
        while (parent[x] != x)
            x = parent[x] = parent[parent[x]];
        return x;
    }
    void join(std::size_t a, std::size_t b)
    {
        a = find(a);
        b = find(b);
        if (a != b)
            parent[std::max(a, b)] = std::min(a, b); // the earlier finding stays the root
    }
};

} // namespace

std::vector<Incident> buildIncidents(std::vector<Finding> &findings, const Tuning &tuning, std::string_view profile)
{
    for (Finding &f : findings)
        f.incidentId = 0;
    const auto gapMs = static_cast<std::int64_t>(tuning.incidentGapHours * 3600.0 * 1000.0);

    // Eligible findings per user, in finding order (time first).
    std::map<std::string, std::vector<std::size_t>> byUser;
    for (std::size_t i = 0; i < findings.size(); ++i) {
        const Finding &f = findings[i];
        if (f.suppressedBy.empty() && !f.user.empty())
            byUser[f.user].push_back(i);
    }

    struct Group
    {
        std::vector<std::size_t> members; // indices into findings, in finding order
    };
    std::vector<Group> groups;
    for (auto &[user, members] : byUser) {
        UnionFind uf(members.size());
        // In time: each finding joins the group that runs until it starts, within the gap.
        std::int64_t runLast = kNoTime;
        std::size_t runMember = SIZE_MAX;
        std::unordered_map<std::string, std::size_t> firstWithIp;
        // Timeless findings (a rule snapshot says what stood when it was exported, not when it
        // was made) are one part of the user's story, however many rules it lists: they join one
        // another, and then the user's latest run in time, whose state the export caught.
        std::size_t firstTimeless = SIZE_MAX;
        for (std::size_t k = 0; k < members.size(); ++k) {
            const Finding &f = findings[members[k]];
            if (f.firstTimeMs != kNoTime) {
                if (runMember != SIZE_MAX && f.firstTimeMs - runLast <= gapMs)
                    uf.join(runMember, k);
                const std::int64_t last = f.lastTimeMs == kNoTime ? f.firstTimeMs : f.lastTimeMs;
                runLast = runMember == SIZE_MAX ? last : std::max(runLast, last);
                runMember = k;
            } else if (firstTimeless == SIZE_MAX) {
                firstTimeless = k;
            } else {
                uf.join(firstTimeless, k);
            }
            for (const std::string &ip : f.ips) {
                if (ip.empty())
                    continue;
                const auto [it, inserted] = firstWithIp.emplace(ip, k);
                if (!inserted)
                    uf.join(it->second, k);
            }
        }
        if (firstTimeless != SIZE_MAX && runMember != SIZE_MAX)
            uf.join(firstTimeless, runMember);
        std::map<std::size_t, Group> byRoot; // root = the earliest member: groups in member order
        for (std::size_t k = 0; k < members.size(); ++k)
            byRoot[uf.find(k)].members.push_back(members[k]);
        for (auto &[root, g] : byRoot) {
            const bool substantial = std::any_of(g.members.begin(), g.members.end(), [&](std::size_t i) {
                return findings[i].severity != Severity::Informational;
            });
            if (substantial)
                groups.push_back(std::move(g));
        }
    }

    std::vector<Incident> incidents;
    incidents.reserve(groups.size());
    for (const Group &g : groups) {
        Incident inc;
        Stages chain;
        JsonWriter steps;
        steps.beginArray();
        std::vector<std::string> phrases; // in order of first appearance
        std::unordered_set<std::string> seenPhrases;
        std::size_t listedSteps = 0;
        for (const std::size_t i : g.members) {
            const Finding &f = findings[i];
            const QJsonObject d = parseDetails(f.details);
            const Stages s = stagesOf(f, d);
            chain.access |= s.access;
            chain.persistence |= s.persistence;
            chain.exfiltration |= s.exfiltration;
            inc.user = f.user;
            inc.score += f.score;
            inc.severity = std::max(inc.severity, f.severity);
            if (f.firstTimeMs != kNoTime && (inc.firstTimeMs == kNoTime || f.firstTimeMs < inc.firstTimeMs))
                inc.firstTimeMs = f.firstTimeMs;
            const std::int64_t last = f.lastTimeMs == kNoTime ? f.firstTimeMs : f.lastTimeMs;
            if (last != kNoTime && (inc.lastTimeMs == kNoTime || last > inc.lastTimeMs))
                inc.lastTimeMs = last;
            inc.findings.push_back(static_cast<std::int64_t>(i) + 1);
            const std::string phrase = stepPhrase(f, d);
            if (seenPhrases.insert(phrase).second)
                phrases.push_back(phrase); // a rule changed twice is one step of the story
            if (listedSteps == kDetailSteps)
                continue;
            ++listedSteps;
            steps.beginObject();
            steps.field("finding_id", static_cast<std::int64_t>(i) + 1);
            steps.field("detector", f.detector);
            steps.field("stage", stageName(s));
            steps.key("time");
            if (f.firstTimeMs == kNoTime)
                steps.null();
            else
                steps.value(formatIso(f.firstTimeMs));
            steps.field("severity", severityName(f.severity));
            steps.key("score");
            steps.value(f.score);
            steps.field("summary", f.summary);
            steps.endObject();
        }
        steps.endArray();
        const bool full = chain.access && chain.persistence && chain.exfiltration;
        if (full) {
            inc.score += kFullChainBonus;
            inc.severity = raised(inc.severity);
        }
        inc.score = detect::round1(inc.score);
        inc.summary = std::string(full ? "Takeover of " : "Possible takeover of ") + inc.user + ": ";
        for (std::size_t k = 0; k < phrases.size() && k < kSummarySteps; ++k)
            inc.summary += (k ? " → " : "") + phrases[k];
        if (phrases.size() > kSummarySteps)
            inc.summary += " → … (+" + std::to_string(phrases.size() - kSummarySteps) + " more)";
        JsonWriter w;
        w.beginObject();
        w.key("full_chain");
        w.value(full);
        w.key("kill_chain");
        w.beginObject();
        w.key("access");
        w.value(chain.access);
        w.key("persistence");
        w.value(chain.persistence);
        w.key("exfiltration");
        w.value(chain.exfiltration);
        w.endObject();
        w.key("full_chain_bonus");
        w.value(full ? kFullChainBonus : 0.0);
        w.key("gap_hours");
        w.value(tuning.incidentGapHours);
        w.key("steps_total");
        w.value(static_cast<std::int64_t>(g.members.size()));
        w.key("steps");
        w.raw(steps.take());
        w.endObject();
        inc.details = w.take();
        inc.fingerprint = "incident:" + std::string(profile) + ":" + inc.user + ":"
            + findings[g.members.front()].fingerprint;
        incidents.push_back(std::move(inc));
    }
    // Stable order: first time (timeless first, as findings), user, first finding.
    std::sort(incidents.begin(), incidents.end(), [](const Incident &a, const Incident &b) {
        if (a.firstTimeMs != b.firstTimeMs)
            return a.firstTimeMs < b.firstTimeMs;
        if (a.user != b.user)
            return a.user < b.user;
        return a.findings.front() < b.findings.front();
    });
    for (std::size_t k = 0; k < incidents.size(); ++k) {
        for (const std::int64_t position : incidents[k].findings)
            findings[static_cast<std::size_t>(position - 1)].incidentId = static_cast<std::int64_t>(k) + 1;
    }
    return incidents;
}

void annotateNetworks(std::vector<Finding> &findings, const DetectionInput &input, const Tuning &tuning, bool bump,
                      const IpNetworkLookup &lookup)
{
    if (findings.empty())
        return;
    // The ASN of each IP as the sign-ins carry it (the first known one).
    std::vector<std::uint32_t> asnOfIp(input.ips.size(), 0);
    std::unordered_set<std::int64_t> evidence;
    for (const Finding &f : findings)
        evidence.insert(f.evidence.begin(), f.evidence.end());
    // Evidence sign-ins that succeeded from a hosting or VPN network: event id -> its IP id.
    std::unordered_map<std::int64_t, StrId> hostedSignIns;
    for (const SignInRow &r : input.signIns) {
        if (r.asn && r.ip < asnOfIp.size() && asnOfIp[r.ip] == 0)
            asnOfIp[r.ip] = r.asn;
        if (bump && r.asn && r.succeeded() && evidence.count(r.eventId) && raisesScore(tuning.networkClassOf(r.asn)))
            hostedSignIns.emplace(r.eventId, r.ip);
    }
    std::unordered_map<std::string, IpNetwork> networks;
    std::unordered_map<std::uint32_t, std::string> orgOfAsn; // an organisation seen for the AS
    // The case is asked as little as possible (a case of millions of events has thousands of
    // finding IPs, and each question reads cold pages): the ASN comes from the sign-ins, the case
    // is asked for IPs without sign-ins (up to kCaseLookups of them) and once per AS for its name.
    constexpr int kCaseLookups = 500;
    int caseLookups = 0;
    std::unordered_set<std::uint32_t> asked; // ASes whose name the case was asked for
    auto networkOf = [&](const std::string &ip) -> const IpNetwork & {
        auto it = networks.find(ip);
        if (it != networks.end())
            return it->second;
        IpNetwork n;
        const StrId id = input.ips.find(ip);
        if (id && id < asnOfIp.size())
            n.asn = asnOfIp[id];
        if (lookup && ((n.asn == 0 && caseLookups < kCaseLookups) || (n.asn != 0 && !asked.count(n.asn)))) {
            ++caseLookups;
            IpNetwork fromCase = lookup(ip);
            if (n.asn == 0 || fromCase.asn == n.asn)
                n = std::move(fromCase);
            if (n.asn)
                asked.insert(n.asn);
        }
        if (!n.org.empty() && n.asn)
            orgOfAsn.emplace(n.asn, n.org);
        if (n.org.empty() && n.asn) {
            if (const auto known = orgOfAsn.find(n.asn); known != orgOfAsn.end())
                n.org = known->second;
        }
        if (n.org.empty() && n.asn) {
            // The case does not name the AS: the network-class table's name for it, if any.
            const auto table = networkClassTable();
            const auto e = std::lower_bound(table.begin(), table.end(), n.asn,
                                            [](const NetworkClassEntry &x, std::uint32_t a) { return x.asn < a; });
            if (e != table.end() && e->asn == n.asn)
                n.org = std::string(e->name);
        }
        return networks.emplace(ip, std::move(n)).first->second;
    };

    for (Finding &f : findings) {
        JsonWriter w;
        w.key("networks");
        w.beginArray();
        for (const std::string &ip : f.ips) {
            const IpNetwork &n = networkOf(ip);
            const NetworkClass cls = tuning.networkClassOf(n.asn);
            w.beginObject();
            w.field("ip", ip);
            w.key("asn");
            if (n.asn)
                w.value(static_cast<std::int64_t>(n.asn));
            else
                w.null();
            w.key("org");
            if (n.org.empty())
                w.null();
            else
                w.value(n.org);
            w.key("class");
            if (cls == NetworkClass::None)
                w.null();
            else
                w.value(networkClassName(cls));
            w.endObject();
        }
        w.endArray();
        if (bump) {
            std::vector<std::int64_t> hosted;
            std::vector<std::string> reasons; // the first kReasonAddresses addresses
            std::unordered_set<StrId> hostedIps;
            for (const std::int64_t id : f.evidence) {
                const auto it = hostedSignIns.find(id);
                if (it == hostedSignIns.end())
                    continue;
                hosted.push_back(id);
                // The reason depends only on the address: one per address.
                if (!hostedIps.insert(it->second).second)
                    continue;
                const std::string ip(input.ips.view(it->second));
                const IpNetwork &n = networkOf(ip); // for every address: it may learn the name of an AS
                if (reasons.size() == kReasonAddresses)
                    continue;
                const std::uint32_t asn = n.asn ? n.asn : asnOfIp[it->second];
                std::string reason = ip + " is a " + networkClassName(tuning.networkClassOf(asn)) + " network (AS"
                    + std::to_string(asn) + (n.org.empty() ? "" : " " + n.org) + ")";
                reasons.push_back(std::move(reason));
            }
            if (!hosted.empty()) {
                f.score = detect::clampScore(f.score + kHostingSignInBonus);
                f.severity = std::max(f.severity, detect::severityForScore(f.score));
                w.key("network_bonus");
                w.beginObject();
                w.key("points");
                w.value(kHostingSignInBonus);
                w.key("reason");
                std::string text = "successful sign-in from a hosting or VPN network: ";
                for (std::size_t k = 0; k < reasons.size(); ++k)
                    text += (k ? "; " : "") + reasons[k];
                if (hostedIps.size() > reasons.size())
                    text += "; and " + std::to_string(hostedIps.size() - reasons.size()) + " more";
                w.value(text);
                w.key("sign_ins");
                w.beginArray();
                for (const std::int64_t id : hosted)
                    w.value(id);
                w.endArray();
                w.endObject();
            }
        }
        std::string add = w.take();
        // JsonWriter writes `"networks":[...]` after a key at top level; splice it into the object.
        if (f.details.size() < 2 || f.details == "{}")
            f.details = "{" + add + "}";
        else {
            f.details.pop_back();
            f.details += "," + add + "}";
        }
    }
}

} // namespace mp
