#include "store/eventindex.h"

#include "util/strings.h"

#include <sqlite3.h>

#include <algorithm>
#include <numeric>
#include <string_view>
#include <tuple>
#include <unordered_map>

namespace mp {

namespace {

struct StringHash
{
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

using InternMap = std::unordered_map<std::string, std::uint32_t, StringHash, std::equal_to<>>;

std::uint32_t intern(InternMap &map, std::vector<std::string> &values, std::string_view text)
{
    if (text.empty())
        return 0;
    if (const auto it = map.find(text); it != map.end())
        return it->second;
    const auto id = static_cast<std::uint32_t>(values.size());
    values.emplace_back(text);
    map.emplace(values.back(), id);
    return id;
}

bool cancelled(const std::atomic_bool *cancel)
{
    return cancel && cancel->load(std::memory_order_relaxed);
}

// Interrupts SQLite when the flag is set (as in eventquery.cpp).
struct Interrupt
{
    Interrupt(Database &db, const std::atomic_bool *cancel)
        : m_db(db.handle())
    {
        if (cancel) {
            sqlite3_progress_handler(
                m_db, 4000,
                [](void *flag) -> int { return static_cast<const std::atomic_bool *>(flag)->load() ? 1 : 0; },
                const_cast<std::atomic_bool *>(cancel));
        }
    }
    ~Interrupt() { sqlite3_progress_handler(m_db, 0, nullptr, nullptr); }
    Interrupt(const Interrupt &) = delete;
    Interrupt &operator=(const Interrupt &) = delete;

private:
    sqlite3 *m_db;
};

// Value ids of a column accepted by `accept`, as a mask over the ids.
template <typename Accept>
std::vector<char> mask(const std::vector<std::string> &values, Accept accept)
{
    std::vector<char> m(values.size(), 0);
    for (std::size_t i = 1; i < values.size(); ++i)
        m[i] = accept(values[i]) ? 1 : 0;
    return m;
}

} // namespace

std::int64_t EventIndex::currentLastEventId(Database &db)
{
    Statement s(db, "SELECT coalesce(max(id), 0) FROM events");
    return s.step() ? s.int64(0) : 0;
}

std::unique_ptr<EventIndex> EventIndex::build(Database &db, const std::atomic_bool *cancel, std::string *error)
{
    std::unique_ptr<EventIndex> index(new EventIndex);
    // One snapshot: the newest id and the rows it covers must agree while an import writes.
    if (!db.exec("BEGIN")) {
        if (error)
            *error = db.errorMessage();
        return nullptr;
    }
    struct Commit
    {
        Database &db;
        ~Commit() { db.exec("COMMIT"); }
    } commit{db};
    index->m_lastEventId = currentLastEventId(db);

    Statement s(db, "SELECT id, time, kind, user, ip, operation, country, city, app, client_app, user_agent, "
                    "subject, rule_name, forward_targets, recipients, asn, result_code, result_status "
                    "FROM events ORDER BY time, id");
    if (!s.isValid()) {
        if (error)
            *error = db.errorMessage();
        return nullptr;
    }
    InternMap maps[TextCount];
    for (TextColumn &c : index->m_text)
        c.values.emplace_back(); // id 0: empty
    std::vector<std::pair<std::int64_t, std::string>> results{{kNoResult, std::string()}};
    InternMap resultIds;
    std::vector<std::uint32_t> resultOfEvent;
    const Interrupt interrupt(db, cancel);
    while (s.step()) {
        index->m_ids.push_back(s.int64(0));
        index->m_times.push_back(s.isNull(1) ? kNoTime : s.int64(1));
        index->m_kinds.push_back(static_cast<std::uint8_t>(s.int64(2)));
        const std::string_view details[] = {s.textView(12), s.textView(13), s.textView(11), s.textView(14)};
        std::string_view detail;
        for (const std::string_view d : details) {
            if (!d.empty()) {
                detail = d;
                break;
            }
        }
        const std::pair<Text, std::string_view> texts[] = {
            {User, s.textView(3)},       {Ip, s.textView(4)},         {Operation, s.textView(5)},
            {Country, s.textView(6)},    {City, s.textView(7)},       {App, s.textView(8)},
            {ClientApp, s.textView(9)},  {UserAgent, s.textView(10)}, {Subject, s.textView(11)},
            {RuleName, s.textView(12)},  {ForwardTargets, s.textView(13)}, {Details, detail},
        };
        for (const auto &[column, text] : texts) {
            TextColumn &c = index->m_text[column];
            c.ofEvent.push_back(intern(maps[column], c.values, text));
        }
        index->m_asns.push_back(s.isNull(15) ? 0 : static_cast<std::uint32_t>(s.int64(15)));
        const std::int64_t code = s.isNull(16) ? kNoResult : s.int64(16);
        const std::string_view status = s.textView(17);
        index->m_outcomes.push_back(static_cast<std::uint8_t>(eventOutcome(code, status)));
        std::string key = std::to_string(code);
        key += '\x1f';
        key += status;
        auto it = resultIds.find(key);
        if (it == resultIds.end()) {
            it = resultIds.emplace(std::move(key), static_cast<std::uint32_t>(results.size())).first;
            results.emplace_back(code, std::string(status));
        }
        resultOfEvent.push_back(it->second);
    }
    if (s.failed()) {
        if (error)
            *error = cancelled(cancel) ? "cancelled" : db.errorMessage();
        return nullptr;
    }

    // Sort orders as SQLite has them: NULL (empty) first, text byte by byte, the operation
    // without ASCII letter case (COLLATE NOCASE), equal keys sharing a rank.
    for (int t = 0; t < TextCount; ++t) {
        TextColumn &c = index->m_text[t];
        std::vector<std::uint32_t> order(c.values.size());
        std::iota(order.begin(), order.end(), 0);
        const bool nocase = t == Operation;
        std::vector<std::string> folded;
        if (nocase) {
            for (const std::string &v : c.values)
                folded.push_back(toLowerAscii(v));
        }
        const auto &keys = nocase ? folded : c.values;
        std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return keys[a] < keys[b]; });
        c.rank.assign(c.values.size(), 0);
        std::uint32_t rank = 0;
        for (std::size_t i = 0; i < order.size(); ++i) {
            if (i > 0 && keys[order[i]] != keys[order[i - 1]])
                ++rank;
            c.rank[order[i]] = rank;
        }
    }
    std::vector<std::uint32_t> resultOrder(results.size());
    std::iota(resultOrder.begin(), resultOrder.end(), 0);
    std::sort(resultOrder.begin(), resultOrder.end(),
              [&](std::uint32_t a, std::uint32_t b) { return results[a] < results[b]; });
    std::vector<std::uint32_t> resultRank(results.size());
    for (std::size_t i = 0; i < resultOrder.size(); ++i)
        resultRank[resultOrder[i]] = static_cast<std::uint32_t>(i);
    index->m_resultRank.reserve(resultOfEvent.size());
    for (const std::uint32_t r : resultOfEvent)
        index->m_resultRank.push_back(resultRank[r]);
    return index;
}

std::size_t EventIndex::memoryBytes() const
{
    std::size_t bytes = m_ids.capacity() * 8 + m_times.capacity() * 8 + m_kinds.capacity() + m_outcomes.capacity()
                        + m_asns.capacity() * 4 + m_resultRank.capacity() * 4;
    for (const TextColumn &c : m_text) {
        bytes += c.ofEvent.capacity() * 4 + c.rank.capacity() * 4 + c.values.capacity() * sizeof(std::string);
        for (const std::string &v : c.values)
            bytes += v.capacity() > 15 ? v.capacity() : 0;
    }
    return bytes;
}

EventIdsResult EventIndex::query(const EventQuery &q, const std::atomic_bool *cancel) const
{
    EventIdsResult result;
    const std::size_t n = m_ids.size();

    // Each filter becomes a mask over the distinct values of its column, so that the loop over
    // the events compares ids only.
    struct Filter
    {
        const std::vector<std::uint32_t> *ofEvent;
        std::vector<char> accepted;
    };
    std::vector<Filter> filters;
    auto exact = [&](Text t, std::string_view wanted, bool nocase) {
        const TextColumn &c = column(t);
        filters.push_back({&c.ofEvent, mask(c.values, [&](const std::string &v) {
                               return nocase ? iequals(v, wanted) : v == wanted;
                           })});
    };
    const std::string user = toLowerAscii(trim(q.user));
    if (!user.empty())
        exact(User, user, false);
    if (const std::string_view ip = trim(q.ip); !ip.empty())
        exact(Ip, ip, false);
    if (const std::string_view op = trim(q.operation); !op.empty())
        exact(Operation, op, true);
    if (const std::string_view country = trim(q.country); !country.empty())
        exact(Country, country, true);

    // Free text: any of seven columns; one mask per column, checked together.
    const std::string_view needle = trim(q.text);
    struct TextMatch
    {
        const std::vector<std::uint32_t> *ofEvent;
        std::vector<char> matches;
    };
    std::vector<TextMatch> text;
    if (!needle.empty()) {
        for (const Text t : {User, Ip, Operation, Subject, RuleName, ForwardTargets, UserAgent}) {
            const TextColumn &c = column(t);
            text.push_back({&c.ofEvent, mask(c.values, [&](const std::string &v) {
                                return findI(v, needle) != std::string::npos;
                            })});
        }
    }
    bool kindAllowed[256];
    std::fill(std::begin(kindAllowed), std::end(kindAllowed), q.kinds.empty());
    for (const EventKind k : q.kinds)
        kindAllowed[static_cast<std::uint8_t>(k)] = true;
    const bool anyTime = q.fromMs != kNoTime || q.toMs != kNoTime;
    const auto wantedOutcome = q.result == ResultFilter::Success ? EventOutcome::Success : EventOutcome::Failure;

    std::vector<std::uint32_t> hits;
    hits.reserve(q.filters() ? n / 8 : n);
    for (std::size_t i = 0; i < n; ++i) {
        if ((i & 0xffff) == 0 && cancelled(cancel)) {
            result.cancelled = true;
            return result;
        }
        if (!kindAllowed[m_kinds[i]])
            continue;
        if (anyTime) {
            const std::int64_t t = m_times[i];
            if (t == kNoTime || (q.fromMs != kNoTime && t < q.fromMs) || (q.toMs != kNoTime && t >= q.toMs))
                continue;
        }
        if (q.result != ResultFilter::Any && m_outcomes[i] != static_cast<std::uint8_t>(wantedOutcome))
            continue;
        bool ok = true;
        for (const Filter &f : filters) {
            if (!f.accepted[(*f.ofEvent)[i]]) {
                ok = false;
                break;
            }
        }
        if (!ok)
            continue;
        if (!text.empty()) {
            bool found = false;
            for (const TextMatch &m : text) {
                if (m.matches[(*m.ofEvent)[i]]) {
                    found = true;
                    break;
                }
            }
            if (!found)
                continue;
        }
        hits.push_back(static_cast<std::uint32_t>(i));
    }

    // Positions are in time-then-id order already; another column sorts by its rank with the
    // position (time, then id) breaking ties. Descending is the exact reverse, as in SQL where
    // every term of the ORDER BY is descending.
    if (q.sortColumn != EventColumn::Time) {
        auto keyOf = [&](std::uint32_t pos) -> std::uint32_t {
            switch (q.sortColumn) {
            case EventColumn::Kind:
                return m_kinds[pos];
            case EventColumn::User:
                return column(User).rank[column(User).ofEvent[pos]];
            case EventColumn::Ip:
                return column(Ip).rank[column(Ip).ofEvent[pos]];
            case EventColumn::Country:
                return column(Country).rank[column(Country).ofEvent[pos]];
            case EventColumn::City:
                return column(City).rank[column(City).ofEvent[pos]];
            case EventColumn::AsOrg:
                return m_asns[pos];
            case EventColumn::Operation:
                return column(Operation).rank[column(Operation).ofEvent[pos]];
            case EventColumn::Result:
                return m_resultRank[pos];
            case EventColumn::App:
                return column(App).rank[column(App).ofEvent[pos]];
            case EventColumn::ClientApp:
                return column(ClientApp).rank[column(ClientApp).ofEvent[pos]];
            case EventColumn::Details:
                return column(Details).rank[column(Details).ofEvent[pos]];
            case EventColumn::Time:
                break;
            }
            return 0;
        };
        std::vector<std::uint64_t> keyed;
        keyed.reserve(hits.size());
        for (const std::uint32_t pos : hits)
            keyed.push_back(static_cast<std::uint64_t>(keyOf(pos)) << 32 | pos);
        if (cancelled(cancel)) {
            result.cancelled = true;
            return result;
        }
        std::sort(keyed.begin(), keyed.end());
        for (std::size_t i = 0; i < keyed.size(); ++i)
            hits[i] = static_cast<std::uint32_t>(keyed[i]);
    }
    result.ids.reserve(hits.size());
    if (q.descending) {
        for (auto it = hits.rbegin(); it != hits.rend(); ++it)
            result.ids.push_back(m_ids[*it]);
    } else {
        for (const std::uint32_t pos : hits)
            result.ids.push_back(m_ids[pos]);
    }
    return result;
}

} // namespace mp
