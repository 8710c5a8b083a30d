#include "store/eventquery.h"

#include "util/strings.h"

#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <unordered_map>

namespace mp {

namespace {

// Result status words, lower case, in one place so that the SQL filter and eventOutcome() agree.
constexpr std::array<std::string_view, 4> kSuccessWords = {"succeeded", "success", "true", "delivered"};
constexpr std::array<std::string_view, 3> kFailureWords = {"failed", "failure", "false"};
// Directory audit records write "success: reason" / "failure: reason".
constexpr std::string_view kSuccessPrefix = "success:";
constexpr std::string_view kFailurePrefix = "failure:";

template <std::size_t N>
std::string inList(const std::array<std::string_view, N> &words)
{
    std::string sql = "(";
    for (std::size_t i = 0; i < N; ++i) {
        sql += i ? ",'" : "'";
        sql += words[i]; // compile-time constants without quotes
        sql += '\'';
    }
    return sql + ")";
}

std::string outcomeSql(bool success)
{
    const std::string words = success ? inList(kSuccessWords) : inList(kFailureWords);
    const std::string_view prefix = success ? kSuccessPrefix : kFailurePrefix;
    // Trimmed of the white space trim() in util/strings.h knows, as eventOutcome() reads it.
    const std::string status = "trim(result_status, char(32, 9, 10, 13, 11, 12))";
    return std::string("(result_code ") + (success ? "= 0" : "<> 0") + " OR (result_code IS NULL AND (lower("
           + status + ") IN " + words + " OR " + status + " LIKE '" + std::string(prefix) + "%')))";
}

// The sort expression of a column; time and id follow it as tie-breakers.
const char *sortExpression(EventColumn column)
{
    switch (column) {
    case EventColumn::Time:
        return "time";
    case EventColumn::Kind:
        return "kind";
    case EventColumn::User:
        return "user";
    case EventColumn::Ip:
        return "ip";
    case EventColumn::Country:
        return "country";
    case EventColumn::City:
        return "city";
    case EventColumn::AsOrg:
        return "asn";
    case EventColumn::Operation:
        // NOCASE matches the operation index, so this order needs no sort.
        return "operation COLLATE NOCASE";
    case EventColumn::Result:
        return "result_code, result_status";
    case EventColumn::App:
        return "app";
    case EventColumn::ClientApp:
        return "client_app";
    case EventColumn::Details:
        return "coalesce(rule_name, forward_targets, subject, recipients)";
    }
    return "time";
}

// LIKE pattern for a substring, with the wildcards of the text itself escaped.
std::string containsPattern(std::string_view text)
{
    std::string pattern = "%";
    for (const char c : text) {
        if (c == '%' || c == '_' || c == '\\')
            pattern += '\\';
        pattern += c;
    }
    return pattern + '%';
}

struct ProgressGuard
{
    ProgressGuard(Database &db, const std::atomic_bool *cancel)
        : m_db(db.handle())
    {
        if (cancel) {
            sqlite3_progress_handler(
                m_db, 2000,
                [](void *flag) -> int {
                    return static_cast<const std::atomic_bool *>(flag)->load(std::memory_order_relaxed) ? 1 : 0;
                },
                const_cast<std::atomic_bool *>(cancel));
        }
    }
    ~ProgressGuard() { sqlite3_progress_handler(m_db, 0, nullptr, nullptr); }
    ProgressGuard(const ProgressGuard &) = delete;
    ProgressGuard &operator=(const ProgressGuard &) = delete;

private:
    sqlite3 *m_db;
};

bool isCancelled(const std::atomic_bool *cancel)
{
    return cancel && cancel->load(std::memory_order_relaxed);
}

} // namespace

bool EventQuery::filters() const
{
    return !user.empty() || !ip.empty() || !operation.empty() || !country.empty()
           || result != ResultFilter::Any || fromMs != kNoTime || toMs != kNoTime || !text.empty()
           || !kinds.empty();
}

EventOutcome eventOutcome(std::int64_t resultCode, std::string_view resultStatus)
{
    if (resultCode != kNoResult)
        return resultCode == 0 ? EventOutcome::Success : EventOutcome::Failure;
    const std::string status = toLowerAscii(trim(resultStatus));
    if (std::find(kSuccessWords.begin(), kSuccessWords.end(), status) != kSuccessWords.end()
        || status.starts_with(kSuccessPrefix))
        return EventOutcome::Success;
    if (std::find(kFailureWords.begin(), kFailureWords.end(), status) != kFailureWords.end()
        || status.starts_with(kFailurePrefix))
        return EventOutcome::Failure;
    return EventOutcome::Unknown;
}

EventIdsResult queryEventIds(Database &db, const EventQuery &query, const std::atomic_bool *cancel)
{
    EventIdsResult result;
    if (isCancelled(cancel)) {
        result.cancelled = true;
        return result;
    }
    // Clauses and their values are appended together, so that binding by position cannot drift.
    std::string where;
    std::vector<std::string> texts;
    std::vector<std::int64_t> numbers;
    enum class Value { Text, Number };
    std::vector<std::pair<Value, std::size_t>> values;
    auto clause = [&](std::string_view sql) {
        where += where.empty() ? " WHERE " : " AND ";
        where += sql;
    };
    auto text = [&](std::string value) {
        values.emplace_back(Value::Text, texts.size());
        texts.push_back(std::move(value));
    };
    auto number = [&](std::int64_t value) {
        values.emplace_back(Value::Number, numbers.size());
        numbers.push_back(value);
    };

    const bool indexedEquality = !query.user.empty() || !query.ip.empty() || !query.operation.empty();
    if (!query.user.empty()) {
        clause("user = ?");
        text(toLowerAscii(trim(query.user)));
    }
    if (!query.ip.empty()) {
        clause("ip = ?");
        text(std::string(trim(query.ip)));
    }
    if (!query.operation.empty()) {
        clause("operation = ? COLLATE NOCASE");
        text(std::string(trim(query.operation)));
    }
    if (!query.country.empty()) {
        clause("country = ? COLLATE NOCASE");
        text(std::string(trim(query.country)));
    }
    if (query.result != ResultFilter::Any)
        clause(outcomeSql(query.result == ResultFilter::Success));
    if (query.fromMs != kNoTime) {
        clause("time >= ?");
        number(query.fromMs);
    }
    if (query.toMs != kNoTime) {
        clause("time < ?");
        number(query.toMs);
    }
    if (!query.kinds.empty()) {
        std::string in = "kind IN (";
        for (std::size_t i = 0; i < query.kinds.size(); ++i) {
            in += i ? ",?" : "?";
            number(static_cast<std::int64_t>(query.kinds[i]));
        }
        clause(in + ")");
    }
    if (const std::string_view needle = trim(query.text); !needle.empty()) {
        std::string any = "(";
        bool first = true;
        for (const char *column : {"user", "ip", "operation", "subject", "rule_name", "forward_targets", "user_agent"}) {
            any += first ? "" : " OR ";
            any += column;
            any += " LIKE ? ESCAPE '\\'";
            text(containsPattern(needle));
            first = false;
        }
        clause(any + ")");
    }

    const char *direction = query.descending ? " DESC" : "";
    std::string order = " ORDER BY ";
    if (query.sortColumn == EventColumn::Time) {
        // Only unindexed filters (text, country, result, kind) and no time range: reading the
        // table in storage order and sorting the matches beats visiting it in time order
        // through the index, which jumps from page to page.
        const bool scan = !where.empty() && !indexedEquality && query.fromMs == kNoTime && query.toMs == kNoTime;
        order += scan ? "+time" : "time";
        order += direction;
    } else {
        // A multi-term expression gets the direction on every term.
        std::string expression = sortExpression(query.sortColumn);
        std::string directed;
        std::size_t start = 0;
        int depth = 0;
        for (std::size_t i = 0; i <= expression.size(); ++i) {
            if (i < expression.size() && expression[i] == '(')
                ++depth;
            else if (i < expression.size() && expression[i] == ')')
                --depth;
            if (i == expression.size() || (expression[i] == ',' && depth == 0)) {
                directed += (start ? ", " : "") + std::string(trim(expression.substr(start, i - start))) + direction;
                start = i + 1;
            }
        }
        order += directed + ", time" + direction;
    }
    order += std::string(", id") + direction;

    Statement s(db, "SELECT id FROM events" + where + order);
    if (!s.isValid()) {
        result.error = db.errorMessage();
        return result;
    }
    for (std::size_t i = 0; i < values.size(); ++i) {
        const int index = static_cast<int>(i) + 1;
        if (values[i].first == Value::Text)
            s.bind(index, texts[values[i].second], false);
        else
            s.bind(index, numbers[values[i].second]);
    }
    const ProgressGuard guard(db, cancel);
    while (s.step())
        result.ids.push_back(s.int64(0));
    if (s.failed()) {
        result.ids.clear();
        if (isCancelled(cancel))
            result.cancelled = true;
        else
            result.error = db.errorMessage();
    }
    return result;
}

std::vector<EventRow> readEventRows(Database &db, std::span<const std::int64_t> ids)
{
    std::vector<EventRow> rows(ids.size());
    if (ids.empty())
        return rows;
    std::string sql = "SELECT id, kind, time, user, ip, country, city, asn, as_org, operation, workload, "
                      "result_code, result_status, app, client_app, user_agent, subject, rule_name, "
                      "forward_targets, recipients, parameters, source_id, line FROM events WHERE id IN (";
    for (std::size_t i = 0; i < ids.size(); ++i)
        sql += i ? ",?" : "?";
    sql += ')';
    Statement s(db, sql);
    std::unordered_map<std::int64_t, std::size_t> position;
    position.reserve(ids.size());
    for (std::size_t i = 0; i < ids.size(); ++i) {
        s.bind(static_cast<int>(i) + 1, ids[i]);
        position.emplace(ids[i], i);
    }
    while (s.step()) {
        const auto it = position.find(s.int64(0));
        if (it == position.end())
            continue;
        EventRow &r = rows[it->second];
        r.id = s.int64(0);
        r.kind = static_cast<EventKind>(s.int64(1));
        r.timeMs = s.isNull(2) ? kNoTime : s.int64(2);
        r.user = s.text(3);
        r.ip = s.text(4);
        r.country = s.text(5);
        r.city = s.text(6);
        r.asn = s.isNull(7) ? 0 : static_cast<std::uint32_t>(s.int64(7));
        r.asOrg = s.text(8);
        r.operation = s.text(9);
        r.workload = s.text(10);
        r.resultCode = s.isNull(11) ? kNoResult : s.int64(11);
        r.resultStatus = s.text(12);
        r.app = s.text(13);
        r.clientApp = s.text(14);
        r.userAgent = s.text(15);
        r.subject = s.text(16);
        r.ruleName = s.text(17);
        r.forwardTargets = s.text(18);
        r.recipients = s.text(19);
        r.parameters = s.text(20);
        r.sourceId = s.int64(21);
        r.line = s.int64(22);
    }
    // Duplicate ids in the request share one row.
    for (std::size_t i = 0; i < ids.size(); ++i) {
        if (rows[i].id == 0) {
            const auto it = position.find(ids[i]);
            if (it != position.end() && it->second != i)
                rows[i] = rows[it->second];
        }
    }
    return rows;
}

std::vector<std::string> distinctEventValues(Database &db, EventColumn column, std::size_t limit,
                                             const std::atomic_bool *cancel)
{
    const char *name = nullptr;
    switch (column) {
    case EventColumn::User:
        name = "user";
        break;
    case EventColumn::Ip:
        name = "ip";
        break;
    case EventColumn::Operation:
        name = "operation";
        break;
    case EventColumn::Country:
        name = "country";
        break;
    case EventColumn::City:
        name = "city";
        break;
    case EventColumn::App:
        name = "app";
        break;
    case EventColumn::ClientApp:
        name = "client_app";
        break;
    default:
        return {};
    }
    std::vector<std::string> values;
    Statement s(db, std::string("SELECT DISTINCT ") + name + " FROM events WHERE " + name
                        + " IS NOT NULL ORDER BY 1 LIMIT ?");
    s.bind(1, static_cast<std::int64_t>(std::min<std::size_t>(limit, INT64_MAX)));
    const ProgressGuard guard(db, cancel);
    while (s.step())
        values.push_back(s.text(0));
    if (s.failed())
        values.clear();
    return values;
}

} // namespace mp
