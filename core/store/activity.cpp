#include "store/activity.h"

#include "util/strings.h"

#include <algorithm>
#include <map>
#include <unordered_map>
#include <unordered_set>

namespace mp {

namespace {

constexpr std::int64_t kHourMs = 3600LL * 1000;
constexpr int kMaxSessionRows = 4;

bool isCancelled(const std::atomic_bool *cancel)
{
    return cancel && cancel->load(std::memory_order_relaxed);
}

std::int64_t floorHour(std::int64_t ms)
{
    const std::int64_t h = ms / kHourMs;
    return (ms < 0 && ms % kHourMs != 0 ? h - 1 : h) * kHourMs;
}

// The lanes' users, in order, deduplicated: up to `limit` of them are kept; the rest are only
// counted (a user may come from several sources, so the count needs the set of every one seen).
class LaneUsers
{
public:
    explicit LaneUsers(std::size_t limit) : m_limit(limit) {}

    void add(std::string user)
    {
        user = toLowerAscii(user);
        if (user.empty() || m_seen.contains(user))
            return;
        if (m_users.size() < m_limit)
            m_users.push_back(user);
        m_seen.insert(std::move(user));
    }
    bool contains(const std::string &user) const { return m_seen.contains(user); }
    std::vector<std::string> &users() { return m_users; }
    int others() const { return static_cast<int>(m_seen.size() - m_users.size()); }

private:
    std::size_t m_limit;
    std::vector<std::string> m_users;
    std::unordered_set<std::string> m_seen;
};

// The lanes' users: the ones asked for, then those seen on the asked addresses, else the users
// with findings (worst first) and then the busiest.
LaneUsers laneUsers(Database &db, const ActivityRequest &request, const std::vector<StoredFinding> &findings,
                    std::size_t maxLanes)
{
    LaneUsers lanes(maxLanes);
    for (const std::string &u : request.users)
        lanes.add(u);
    std::vector<std::string> ips = request.ips;
    if (request.usersSharingFindingIps) {
        std::unordered_set<std::string> known(ips.begin(), ips.end());
        for (const StoredFinding &sf : findings) {
            const Finding &f = sf.finding;
            if (!f.suppressedBy.empty() || !lanes.contains(f.user))
                continue;
            for (const std::string &ip : f.ips) {
                if (known.insert(ip).second)
                    ips.push_back(ip);
            }
        }
    }
    if (!ips.empty()) {
        Statement s(db, "SELECT user, count(*) AS n FROM events WHERE ip = ? AND user IS NOT NULL "
                        "GROUP BY user ORDER BY n DESC, user");
        for (const std::string &ip : ips) {
            s.reset();
            s.bind(1, ip);
            while (s.step())
                lanes.add(s.text(0));
        }
    }
    if (!request.users.empty() || !request.ips.empty())
        return lanes;

    std::unordered_map<std::string, std::pair<int, double>> worst; // user -> (severity, score)
    for (const StoredFinding &sf : findings) {
        const Finding &f = sf.finding;
        if (f.user.empty() || !f.suppressedBy.empty())
            continue;
        auto &w = worst[f.user];
        w = std::max(w, std::pair{static_cast<int>(f.severity), f.score});
    }
    std::vector<std::pair<std::pair<int, double>, std::string>> ranked;
    ranked.reserve(worst.size());
    for (auto &[user, w] : worst)
        ranked.push_back({w, user});
    // Ties by name, as the ordered map gave them before.
    std::sort(ranked.begin(), ranked.end(), [](const auto &a, const auto &b) {
        return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    for (auto &[w, user] : ranked)
        lanes.add(std::move(user));
    Statement busiest(db, "SELECT user, count(*) AS n FROM events WHERE user IS NOT NULL GROUP BY user "
                          "ORDER BY n DESC, user");
    while (busiest.step())
        lanes.add(busiest.text(0));
    return lanes;
}

bool isForwardingParameters(std::string_view parameters)
{
    return findI(parameters, "Forward") != std::string_view::npos;
}

} // namespace

bool isRuleChangeOperation(std::string_view op)
{
    static constexpr std::string_view kOps[] = {"New-InboxRule", "Set-InboxRule", "Enable-InboxRule",
                                                "Disable-InboxRule", "Remove-InboxRule", "UpdateInboxRules"};
    return std::any_of(std::begin(kOps), std::end(kOps), [&](std::string_view o) { return iequals(o, op); });
}

bool isSendOperationName(std::string_view op)
{
    return iequals(op, "Send") || iequals(op, "SendAs") || iequals(op, "SendOnBehalf");
}

std::vector<ActivitySession> buildSessions(const std::vector<SessionSignIn> &signIns, std::int64_t gapMs, int *rows,
                                           std::vector<std::uint32_t> *sessionOf)
{
    if (sessionOf)
        sessionOf->clear();
    std::vector<ActivitySession> sessions;
    std::unordered_map<std::string, std::size_t> open; // place -> its latest session
    std::string key;
    for (const SessionSignIn &s : signIns) {
        key.clear();
        if (s.country.empty() && s.city.empty())
            key.append("ip:").append(s.ip);
        else
            key.append(s.country).append("|").append(s.city);
        auto it = open.find(key);
        if (it == open.end() || s.timeMs - sessions[it->second].endMs > gapMs) {
            ActivitySession session;
            session.startMs = session.endMs = s.timeMs;
            session.country = s.country;
            session.city = s.city;
            sessions.push_back(std::move(session));
            open[key] = sessions.size() - 1;
            it = open.find(key);
        }
        ActivitySession &session = sessions[it->second];
        if (sessionOf)
            sessionOf->push_back(static_cast<std::uint32_t>(it->second));
        session.endMs = std::max(session.endMs, s.timeMs);
        if (s.outcome == EventOutcome::Failure)
            ++session.failures;
        else
            ++session.successes;
        if (!s.ip.empty() && std::find(session.ips.begin(), session.ips.end(), s.ip) == session.ips.end()) {
            // Counted exactly while the list has room; beyond it the count is a lower bound.
            ++session.ipCount;
            if (session.ips.size() < kMaxSessionIps)
                session.ips.push_back(s.ip);
        }
    }
    // Sessions are in order of their first sign-in: each takes the first sub-row that is free.
    std::vector<std::int64_t> rowEnds;
    for (ActivitySession &session : sessions) {
        int row = -1;
        for (std::size_t r = 0; r < rowEnds.size(); ++r) {
            if (rowEnds[r] < session.startMs) {
                row = static_cast<int>(r);
                break;
            }
        }
        if (row < 0 && static_cast<int>(rowEnds.size()) < kMaxSessionRows) {
            rowEnds.push_back(session.endMs);
            row = static_cast<int>(rowEnds.size()) - 1;
        } else if (row < 0) {
            row = static_cast<int>(std::min_element(rowEnds.begin(), rowEnds.end()) - rowEnds.begin());
        }
        rowEnds[static_cast<std::size_t>(row)] = std::max(rowEnds[static_cast<std::size_t>(row)], session.endMs);
        session.row = row;
    }
    if (rows)
        *rows = std::max<int>(1, static_cast<int>(rowEnds.size()));
    return sessions;
}

ActivityData loadActivity(Database &db, const ActivityRequest &request, const std::atomic_bool *cancel)
{
    ActivityData data;
    if (!db.isOpen()) {
        data.error = "the case is not open";
        return data;
    }
    // One read transaction: every lane sees the same case.
    db.exec("BEGIN");
    std::vector<StoredFinding> findings = FindingStore(db).findings();
    const auto maxLanes = static_cast<std::size_t>(std::max(1, request.maxLanes));
    LaneUsers lanes = laneUsers(db, request, findings, maxLanes);
    data.otherUsers = lanes.others();
    const std::vector<std::string> users = std::move(lanes.users());

    Statement rows(db, "SELECT id, time, kind, operation, result_code, result_status, ip, country, city, "
                       "rule_name, forward_targets, parameters FROM events "
                       "WHERE user = ? AND time IS NOT NULL AND (kind IN (1, 3) OR forward_targets IS NOT NULL "
                       "OR operation COLLATE NOCASE IN ('New-InboxRule', 'Set-InboxRule', 'Enable-InboxRule', "
                       "'Disable-InboxRule', 'Remove-InboxRule', 'UpdateInboxRules', 'Set-Mailbox', 'Send', "
                       "'SendAs', 'SendOnBehalf')) ORDER BY time, id");
    if (!rows.isValid()) {
        data.error = db.errorMessage();
        db.exec("COMMIT");
        return data;
    }
    std::unordered_map<std::string, std::uint16_t> countryIds{{std::string(), 0}};
    std::vector<std::string> countryNames{std::string()};
    std::vector<std::int64_t> countryCounts{0};

    for (const std::string &user : users) {
        if (isCancelled(cancel)) {
            data.cancelled = true;
            break;
        }
        ActivityLane lane;
        lane.user = user;
        std::vector<SessionSignIn> sessionInput;
        std::map<std::int64_t, int> sends, traced;
        std::int64_t seen = 0;
        rows.reset();
        rows.bind(1, user);
        while (rows.step()) {
            if (++seen > request.maxEventsPerLane) {
                lane.truncated = true;
                break;
            }
            if ((seen & 4095) == 0 && isCancelled(cancel)) {
                data.cancelled = true;
                break;
            }
            const std::int64_t id = rows.int64(0);
            const std::int64_t time = rows.int64(1);
            const auto kind = static_cast<EventKind>(rows.int64(2));
            const std::string_view operation = rows.textView(3);
            if (lane.firstMs == kNoTime)
                lane.firstMs = time;
            lane.lastMs = time;
            if (kind == EventKind::SignIn) {
                SessionSignIn s;
                s.timeMs = time;
                s.outcome = eventOutcome(rows.isNull(4) ? kNoResult : rows.int64(4), rows.textView(5));
                s.ip = rows.textView(6);
                s.country = rows.textView(7);
                s.city = rows.textView(8);
                auto [it, inserted] = countryIds.try_emplace(s.country, static_cast<std::uint16_t>(countryNames.size()));
                if (inserted) {
                    countryNames.push_back(s.country);
                    countryCounts.push_back(0);
                }
                ++countryCounts[it->second];
                lane.signIns.push_back({time, id, it->second, s.outcome});
                sessionInput.push_back(std::move(s));
            } else if (kind == EventKind::Message) {
                ++traced[floorHour(time)];
            } else if (isSendOperationName(operation)) {
                ++sends[floorHour(time)];
            } else {
                const std::string_view targets = rows.textView(10);
                const std::string_view ruleName = rows.textView(9);
                ActivityMarker m;
                m.timeMs = time;
                m.eventId = id;
                m.operation = std::string(operation);
                if (!targets.empty() || (iequals(operation, "Set-Mailbox") && isForwardingParameters(rows.textView(11))))
                    m.kind = ActivityMarker::Kind::ForwardingChange;
                else if (isRuleChangeOperation(operation))
                    m.kind = ActivityMarker::Kind::RuleChange;
                else
                    continue; // a mailbox setting that is not about forwarding
                m.text = std::string(ruleName);
                if (!targets.empty())
                    m.text += (m.text.empty() ? "" : " → ") + std::string(targets);
                lane.markers.push_back(std::move(m));
            }
        }
        // Send records when the mailbox audit has them; the message trace otherwise (the same
        // messages would count twice).
        for (const auto &[hour, count] : sends.empty() ? traced : sends)
            lane.sendsPerHour.push_back({hour, count});
        std::vector<std::uint32_t> sessionOf;
        lane.sessions = buildSessions(sessionInput, request.sessionGapMs, &lane.sessionRows, &sessionOf);
        for (std::size_t i = 0; i < lane.signIns.size() && i < sessionOf.size(); ++i)
            lane.signIns[i].session = sessionOf[i];
        for (const StoredFinding &sf : findings) {
            const Finding &f = sf.finding;
            if (f.user != user || f.firstTimeMs == kNoTime)
                continue;
            ActivityFinding a;
            a.id = sf.id;
            a.detector = f.detector;
            a.fingerprint = f.fingerprint;
            a.summary = f.summary;
            a.severity = f.severity;
            a.score = f.score;
            a.firstMs = f.firstTimeMs;
            a.lastMs = f.lastTimeMs == kNoTime ? f.firstTimeMs : f.lastTimeMs;
            a.ips = f.ips;
            a.evidence = f.evidence;
            a.suppressed = !f.suppressedBy.empty();
            lane.findings.push_back(std::move(a));
            lane.firstMs = lane.firstMs == kNoTime ? f.firstTimeMs : std::min(lane.firstMs, f.firstTimeMs);
            lane.lastMs = std::max(lane.lastMs, a.lastMs);
        }
        std::stable_sort(lane.findings.begin(), lane.findings.end(),
                         [](const ActivityFinding &a, const ActivityFinding &b) { return a.firstMs < b.firstMs; });
        if (lane.firstMs != kNoTime) {
            data.firstMs = data.firstMs == kNoTime ? lane.firstMs : std::min(data.firstMs, lane.firstMs);
            data.lastMs = data.lastMs == kNoTime ? lane.lastMs : std::max(data.lastMs, lane.lastMs);
        }
        data.lanes.push_back(std::move(lane));
        if (data.cancelled)
            break;
    }
    db.exec("COMMIT");

    // Countries by frequency (the unplaced stay first), and the sign-ins renumbered to match.
    std::vector<std::uint16_t> order(countryNames.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = static_cast<std::uint16_t>(i);
    std::sort(order.begin() + 1, order.end(), [&](std::uint16_t a, std::uint16_t b) {
        return countryCounts[a] != countryCounts[b] ? countryCounts[a] > countryCounts[b] : countryNames[a] < countryNames[b];
    });
    std::vector<std::uint16_t> renumber(order.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
        renumber[order[i]] = static_cast<std::uint16_t>(i);
        data.countries.push_back(countryNames[order[i]]);
    }
    for (ActivityLane &lane : data.lanes)
        for (ActivitySignIn &s : lane.signIns)
            s.country = renumber[s.country];
    return data;
}

} // namespace mp
