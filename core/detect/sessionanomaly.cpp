// SessionAnomaly (default profile): what adversary-in-the-middle phishing leaves behind. One
// session or token used from IPs in different networks or countries (the relay, then the
// replay); consecutive sign-ins of a user from different networks seconds apart; mail read or sent
// through a script or proxy client. Trusted networks are kept and marked, as for travel.
//
// A switch between two networks the user signs in from on several days (the office and the phone's
// carrier, the office and home) is how people work, not a relay: seconds apart, it happens to every
// user with a laptop and a phone all day. Such a switch is left out; a switch that involves a
// network the user has not used on another day is kept. The session and token signal has no such
// exception: one token from two networks is a replay however familiar the networks are.
#include "detect/detector.h"
#include "detect/detectutil.h"
#include "detect/signals.h"
#include "util/jsonwriter.h"
#include "util/strings.h"
#include "util/timeparse.h"

#include <algorithm>
#include <map>
#include <set>

namespace mp {

namespace {

constexpr std::int64_t kRapidSwitchMs = 60 * 1000;
constexpr std::int64_t kMergeGapMs = 24LL * 3600 * 1000;
constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;
// The sessions, ASNs and automation clients a finding's details name (with totals).
constexpr std::size_t kListedItems = 50;

// What a sign-in's network is, for familiarity: its ASN, else its country, else its address.
std::uint64_t networkKey(const SignInRow &r)
{
    if (r.asn)
        return r.asn;
    if (r.country)
        return (1ULL << 32) | r.country;
    return (2ULL << 32) | r.ip;
}

std::int64_t utcDay(std::int64_t timeMs)
{
    return timeMs >= 0 ? timeMs / kDayMs : (timeMs - kDayMs + 1) / kDayMs;
}

struct Obs
{
    StrId user;
    StrId key;  // others: a session id, a correlation id or a token id (audit UniqueTokenId and
                // sign-in uniqueTokenIdentifier are the same id: that is how the two join)
    std::int64_t timeMs;
    std::int64_t eventId;
    StrId ip;
    StrId country;
    std::uint32_t asn;
};

enum Signal : unsigned { SharedSession = 1, RapidSwitch = 2, AutomationClient = 4 };

struct Episode
{
    StrId user = 0;
    std::int64_t first = 0, last = 0;
    unsigned signals = 0;
    bool countries = false; // the IPs are in different countries
    std::string suppressedBy;
    std::vector<std::pair<std::int64_t, std::int64_t>> events; // time, id
    std::vector<StrId> ips;
    std::set<std::string> sessions;  // shared session/token ids
    std::set<std::string> clients;   // automation client strings
    std::set<StrId> countrySet;
    std::set<std::uint32_t> asnSet;
    std::int64_t fastestSwitchMs = -1;
};

// Two places are different networks when both ASNs are known and differ, or both countries are
// known and differ.
bool differentNetwork(StrId ipA, StrId ipB, std::uint32_t asnA, std::uint32_t asnB, StrId ccA, StrId ccB,
                      bool *countries)
{
    if (ipA == ipB || !ipA || !ipB)
        return false;
    const bool cc = ccA && ccB && ccA != ccB;
    const bool asn = asnA && asnB && asnA != asnB;
    if (countries)
        *countries = cc;
    return cc || asn;
}

// Up to two distinct known (non-zero) values of a set: enough to tell whether it holds a value
// other than a given one.
struct TwoValues
{
    std::uint32_t first = 0, second = 0;
    void add(std::uint32_t v)
    {
        if (!v || v == first || second)
            return;
        if (!first)
            first = v;
        else
            second = v;
    }
    bool hasOtherThan(std::uint32_t v) const { return second || (first && first != v); }
    bool several() const { return second != 0; }
};

// The known ASNs and countries of a set of addresses.
struct Networks
{
    TwoValues asns, countries;
    void add(std::uint32_t asn, StrId country)
    {
        asns.add(asn);
        countries.add(country);
    }
    // Holds an address on a different network (differentNetwork) from one with this ASN and country.
    bool differsFrom(std::uint32_t asn, StrId country) const
    {
        return (country && countries.hasOtherThan(country)) || (asn && asns.hasOtherThan(asn));
    }
};

std::string trustedText(const DetectionInput &input, const Tuning &tuning, StrId ip)
{
    const int t = input.trustedNetworkOf(ip);
    return t < 0 ? std::string() : "trusted_networks: " + tuning.trustedNetworks[static_cast<std::size_t>(t)].text;
}

} // namespace

void detectSessionAnomaly(const DetectionInput &input, const Tuning &tuning, std::vector<Finding> &out)
{
    std::vector<Episode> episodes;

    // 1. One session or token from several networks.
    std::vector<Obs> obs;
    // A record joins the group of each of its ids (the same id twice only once). Only ids that
    // occur more than once in the case can be shared: most ids occur once.
    auto addKeys = [&obs, &input](const auto &r) {
        const StrId keys[] = {r.sessionId, r.correlationId, r.tokenId};
        for (std::size_t i = 0; i < std::size(keys); ++i) {
            if (input.isRepeatedKey(keys[i]) && std::find(keys, keys + i, keys[i]) == keys + i)
                obs.push_back({r.user, keys[i], r.timeMs, r.eventId, r.ip, r.country, r.asn});
        }
    };
    for (const SignInRow &r : input.signIns) {
        if (r.timeMs == kNoTime || !r.ip)
            continue;
        addKeys(r);
    }
    for (const AuditRow &r : input.audits) {
        if (r.timeMs == kNoTime || !r.ip)
            continue;
        addKeys(r);
    }
    if (input.cancelled())
        return;
    std::sort(obs.begin(), obs.end(), [](const Obs &a, const Obs &b) {
        if (a.user != b.user)
            return a.user < b.user;
        if (a.key != b.key)
            return a.key < b.key;
        return a.timeMs != b.timeMs ? a.timeMs < b.timeMs : a.eventId < b.eventId;
    });
    // Places seen per IP (an audit record may have no geolocation where the sign-in had one).
    for (std::size_t g = 0; g < obs.size();) {
        std::size_t e = g;
        while (e < obs.size() && obs[e].user == obs[g].user && obs[e].key == obs[g].key)
            ++e;
        if (e - g >= 2) {
            std::map<StrId, std::pair<std::uint32_t, StrId>> ipPlace; // ip -> asn, country
            for (std::size_t k = g; k < e; ++k) {
                auto &p = ipPlace[obs[k].ip];
                if (!p.first)
                    p.first = obs[k].asn;
                if (!p.second)
                    p.second = obs[k].country;
            }
            if (ipPlace.size() >= 2) {
                // The addresses (distinct, non-zero) hold a pair on different networks exactly
                // when they have two known ASNs or two known countries; likewise the untrusted ones.
                Networks all, untrusted;
                for (const auto &[ip, place] : ipPlace) {
                    all.add(place.first, place.second);
                    if (input.trustedNetworkOf(ip) < 0)
                        untrusted.add(place.first, place.second);
                }
                const bool anyPair = all.asns.several() || all.countries.several();
                const bool countries = all.countries.several();
                const bool untrustedPair = untrusted.asns.several() || untrusted.countries.several();
                const bool untrustedCountries = untrusted.countries.several();
                // Only pairs with a trusted side: the trusted address of the first such pair in
                // address order names the trusted network that suppresses the episode.
                StrId trustedIp = 0;
                if (anyPair && !untrustedPair) {
                    const std::vector<std::pair<StrId, std::pair<std::uint32_t, StrId>>> places(ipPlace.begin(), ipPlace.end());
                    std::vector<Networks> after(places.size() + 1), trustedAfter(places.size() + 1); // of places[k..]
                    for (std::size_t k = places.size(); k-- > 0;) {
                        after[k] = after[k + 1];
                        trustedAfter[k] = trustedAfter[k + 1];
                        after[k].add(places[k].second.first, places[k].second.second);
                        if (input.trustedNetworkOf(places[k].first) >= 0)
                            trustedAfter[k].add(places[k].second.first, places[k].second.second);
                    }
                    for (std::size_t k = 0; k < places.size() && !trustedIp; ++k) {
                        const auto &[ip, place] = places[k];
                        if (input.trustedNetworkOf(ip) >= 0) {
                            if (after[k + 1].differsFrom(place.first, place.second))
                                trustedIp = ip;
                            continue;
                        }
                        if (!trustedAfter[k + 1].differsFrom(place.first, place.second))
                            continue;
                        for (std::size_t j = k + 1; j < places.size(); ++j) {
                            if (input.trustedNetworkOf(places[j].first) >= 0
                                && differentNetwork(ip, places[j].first, place.first, places[j].second.first, place.second,
                                                    places[j].second.second, nullptr)) {
                                trustedIp = places[j].first;
                                break;
                            }
                        }
                    }
                }
                if (anyPair) {
                    Episode ep;
                    ep.user = obs[g].user;
                    ep.signals = SharedSession;
                    ep.countries = untrustedPair ? untrustedCountries : countries;
                    if (!untrustedPair)
                        ep.suppressedBy = trustedText(input, tuning, trustedIp);
                    ep.first = obs[g].timeMs;
                    ep.last = obs[e - 1].timeMs;
                    ep.sessions.emplace(input.others.view(obs[g].key));
                    for (std::size_t k = g; k < e; ++k) {
                        ep.events.push_back({obs[k].timeMs, obs[k].eventId});
                        ep.ips.push_back(obs[k].ip);
                    }
                    for (const auto &[ip, place] : ipPlace) {
                        if (place.first)
                            ep.asnSet.insert(place.first);
                        if (place.second)
                            ep.countrySet.insert(place.second);
                    }
                    episodes.push_back(std::move(ep));
                }
            }
        }
        g = e;
    }
    obs.clear();
    obs.shrink_to_fit();
    if (input.cancelled())
        return;

    // 2. Consecutive successful sign-ins of a user from different networks within seconds.
    // Networks a user signed in from on at least two different days: first day seen, and whether
    // another day followed.
    std::map<std::uint64_t, std::pair<std::int64_t, bool>> days;
    for (StrId user = 1; user < input.users.size(); ++user) {
        days.clear();
        for (const std::uint32_t i : input.signInsByUser.of(user)) {
            const SignInRow &r = input.signIns[i];
            if (!r.succeeded() || r.timeMs == kNoTime || !r.ip)
                continue;
            const std::int64_t day = utcDay(r.timeMs);
            const auto [it, added] = days.try_emplace(networkKey(r), day, false);
            if (!added && it->second.first != day)
                it->second.second = true;
        }
        const auto familiar = [&days](const SignInRow &r) {
            const auto it = days.find(networkKey(r));
            return it != days.end() && it->second.second;
        };
        const SignInRow *prev = nullptr;
        for (const std::uint32_t i : input.signInsByUser.of(user)) {
            const SignInRow &r = input.signIns[i];
            if (!r.succeeded() || r.timeMs == kNoTime || !r.ip)
                continue;
            if (prev && r.timeMs - prev->timeMs < kRapidSwitchMs) {
                bool cc = false;
                if (differentNetwork(prev->ip, r.ip, prev->asn, r.asn, prev->country, r.country, &cc)
                    && !(familiar(*prev) && familiar(r))) {
                    Episode ep;
                    ep.user = user;
                    ep.signals = RapidSwitch;
                    ep.countries = cc;
                    ep.suppressedBy = trustedText(input, tuning, input.trustedNetworkOf(prev->ip) >= 0 ? prev->ip : r.ip);
                    ep.first = prev->timeMs;
                    ep.last = r.timeMs;
                    ep.fastestSwitchMs = r.timeMs - prev->timeMs;
                    for (const SignInRow *s : {prev, &r}) {
                        ep.events.push_back({s->timeMs, s->eventId});
                        ep.ips.push_back(s->ip);
                        if (s->asn)
                            ep.asnSet.insert(s->asn);
                        if (s->country)
                            ep.countrySet.insert(s->country);
                    }
                    episodes.push_back(std::move(ep));
                }
            }
            prev = &r;
        }
    }

    // 3. Mail read or sent through a script, HTTP library or proxy client.
    for (const AuditRow &r : input.audits) {
        if (!r.clientApp || r.timeMs == kNoTime || !input.textHas(r.operation, DetectionInput::MailAccessOperation))
            continue;
        if (!input.textHas(r.clientApp, DetectionInput::AutomationClient))
            continue;
        const std::string_view client = input.texts.view(r.clientApp);
        Episode ep;
        ep.user = r.user;
        ep.signals = AutomationClient;
        ep.suppressedBy = trustedText(input, tuning, r.ip);
        ep.first = ep.last = r.timeMs;
        ep.events.push_back({r.timeMs, r.eventId});
        if (r.ip)
            ep.ips.push_back(r.ip);
        ep.clients.emplace(client);
        if (r.asn)
            ep.asnSet.insert(r.asn);
        if (r.country)
            ep.countrySet.insert(r.country);
        episodes.push_back(std::move(ep));
    }
    if (episodes.empty())
        return;

    // One finding per user and story: episodes that follow each other within a day join, kept
    // apart by whether tuning suppresses them.
    std::sort(episodes.begin(), episodes.end(), [](const Episode &a, const Episode &b) {
        if (a.user != b.user)
            return a.user < b.user;
        if (a.suppressedBy != b.suppressedBy)
            return a.suppressedBy < b.suppressedBy;
        if (a.first != b.first)
            return a.first < b.first;
        return a.events < b.events;
    });
    std::vector<Episode> merged;
    for (Episode &ep : episodes) {
        if (!merged.empty() && merged.back().user == ep.user && merged.back().suppressedBy == ep.suppressedBy
            && ep.first <= merged.back().last + kMergeGapMs) {
            Episode &m = merged.back();
            m.last = std::max(m.last, ep.last);
            m.signals |= ep.signals;
            m.countries = m.countries || ep.countries;
            m.events.insert(m.events.end(), ep.events.begin(), ep.events.end());
            m.ips.insert(m.ips.end(), ep.ips.begin(), ep.ips.end());
            m.sessions.insert(ep.sessions.begin(), ep.sessions.end());
            m.clients.insert(ep.clients.begin(), ep.clients.end());
            m.countrySet.insert(ep.countrySet.begin(), ep.countrySet.end());
            m.asnSet.insert(ep.asnSet.begin(), ep.asnSet.end());
            if (ep.fastestSwitchMs >= 0)
                m.fastestSwitchMs = m.fastestSwitchMs < 0 ? ep.fastestSwitchMs : std::min(m.fastestSwitchMs, ep.fastestSwitchMs);
            continue;
        }
        merged.push_back(std::move(ep));
    }

    for (Episode &m : merged) {
        std::sort(m.events.begin(), m.events.end());
        m.events.erase(std::unique(m.events.begin(), m.events.end()), m.events.end());
        Finding f;
        f.detector = std::string(detector_names::kSessionAnomaly);
        f.user = std::string(input.users.view(m.user));
        f.ips = detect::ipsByFrequency(input, m.ips);
        f.firstTimeMs = m.events.front().first;
        f.lastTimeMs = m.events.back().first;
        for (const auto &[t, id] : m.events)
            f.evidence.push_back(id);
        f.suppressedBy = m.suppressedBy;
        f.fingerprint = detect::fingerprint(f.detector, "default", f.user, {f.evidence.front()});

        double score = 0;
        int kinds = 0;
        if (m.signals & SharedSession) {
            score = std::max(score, m.countries ? 80.0 : 50.0);
            ++kinds;
        }
        if (m.signals & RapidSwitch) {
            score = std::max(score, m.countries ? 70.0 : 45.0);
            ++kinds;
        }
        if (m.signals & AutomationClient) {
            score = std::max(score, 60.0);
            ++kinds;
        }
        score += 10 * (kinds - 1);
        f.score = detect::clampScore(score);
        f.severity = detect::severityForScore(f.score);

        std::vector<std::string> parts;
        if (m.signals & SharedSession)
            parts.push_back(std::to_string(m.sessions.size()) + (m.sessions.size() == 1 ? " session/token" : " sessions/tokens")
                            + " used from " + std::to_string(f.ips.size()) + " addresses");
        if (m.signals & RapidSwitch)
            parts.push_back("sign-ins from different networks " + std::to_string(m.fastestSwitchMs / 1000) + " s apart");
        if (m.signals & AutomationClient)
            parts.push_back("mail accessed through " + *m.clients.begin());
        f.summary = "Session anomaly of " + f.user + ": ";
        for (std::size_t i = 0; i < parts.size(); ++i)
            f.summary += (i ? "; " : "") + parts[i];
        if (!f.ips.empty()) {
            f.summary += " (";
            for (std::size_t i = 0; i < f.ips.size() && i < 3; ++i)
                f.summary += (i ? ", " : "") + f.ips[i];
            if (f.ips.size() > 3)
                f.summary += ", ...";
            f.summary += ")";
        }
        if (!m.countrySet.empty()) {
            f.summary += " in ";
            bool first = true;
            for (const StrId c : m.countrySet) {
                f.summary += (first ? "" : ", ") + std::string(input.texts.view(c));
                first = false;
            }
        }

        JsonWriter w;
        w.beginObject();
        w.key("signals");
        w.beginArray();
        if (m.signals & SharedSession)
            w.value("shared-session");
        if (m.signals & RapidSwitch)
            w.value("rapid-network-switch");
        if (m.signals & AutomationClient)
            w.value("automation-client");
        w.endArray();
        // Lists that grow with the case (a session used from thousands of networks) name their
        // first kListedItems and say how many there are.
        auto writeFirst = [&w](const char *key, const auto &items, auto &&write) {
            w.key(key);
            w.beginArray();
            std::size_t n = 0;
            for (auto it = items.begin(); it != items.end() && n < kListedItems; ++it, ++n)
                write(*it);
            w.endArray();
            w.key(std::string(key) + "_total");
            w.value(static_cast<std::int64_t>(items.size()));
        };
        writeFirst("sessions", m.sessions, [&w](const std::string &s) { w.value(s); });
        w.key("countries");
        w.beginArray();
        for (const StrId c : m.countrySet)
            w.value(input.texts.view(c));
        w.endArray();
        writeFirst("asns", m.asnSet, [&w](std::uint32_t a) { w.value(static_cast<std::int64_t>(a)); });
        w.key("different_countries");
        w.value(m.countries);
        w.key("fastest_switch_seconds");
        if (m.fastestSwitchMs >= 0)
            w.value(m.fastestSwitchMs / 1000);
        else
            w.null();
        writeFirst("automation_clients", m.clients, [&w](const std::string &c) { w.value(c); });
        w.field("events", static_cast<std::int64_t>(f.evidence.size()));
        w.endObject();
        f.details = w.take();
        out.push_back(std::move(f));
    }
}

} // namespace mp
