#pragma once

#include "store/database.h"
#include "store/event.h"

#include <atomic>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace mp {

// The columns an event list shows and can be sorted by. The values are the events table's
// column order in the workspace and are remembered in its settings: append, never renumber.
enum class EventColumn : std::uint8_t {
    Time,
    Kind,
    User,
    Ip,
    Country,
    City,
    AsOrg,
    Operation,
    Result,
    App,
    ClientApp,
    Details,
};
constexpr int kEventListColumnCount = static_cast<int>(EventColumn::Details) + 1;

enum class ResultFilter : std::uint8_t { Any, Success, Failure };

// What an investigator narrows an event list to. Empty fields do not filter. Every value is bound
// as an SQL parameter, never spliced into the query text.
struct EventQuery
{
    std::string user;      // exact, ASCII case-insensitive (UPNs are stored lower case)
    std::string ip;        // exact; normalised like the stored addresses (no port, no brackets)
    std::string operation; // exact, ASCII case-insensitive
    std::string country;   // exact, ASCII case-insensitive (ISO alpha-2 when GeoIP placed it)
    ResultFilter result = ResultFilter::Any;
    std::int64_t fromMs = kNoTime; // inclusive
    std::int64_t toMs = kNoTime;   // exclusive
    // Case-insensitive substring of the user, IP, operation, subject, rule name, forwarding
    // targets or user agent.
    std::string text;
    std::vector<EventKind> kinds; // empty: every kind

    EventColumn sortColumn = EventColumn::Time;
    bool descending = false;

    bool operator==(const EventQuery &) const = default;
    // Whether anything narrows the list (the sort order does not).
    bool filters() const;
};

// A result of a sign-in or audit record: the log's code decides when it has one (0 is success);
// otherwise its status text does ("Succeeded", "Success", "True" / "Failed", "Failure", "False").
// UserLoginFailed records say ResultStatus "Success" about the logging, so the code comes first.
enum class EventOutcome : std::uint8_t { Unknown, Success, Failure };
EventOutcome eventOutcome(std::int64_t resultCode, std::string_view resultStatus);

struct EventIdsResult
{
    std::vector<std::int64_t> ids; // in display order
    bool cancelled = false;
    std::string error; // empty when the query ran
};

// The ids of the events matching `query`, ordered by its sort column, then time, then id (so that
// equal keys keep a stable, meaningful order). Only ids travel: 8 bytes a row, so that a million
// matches cost 8 MB and the rows themselves are read a page at a time. `cancel`, when set from
// another thread, interrupts the query within a few thousand SQLite steps.
EventIdsResult queryEventIds(Database &db, const EventQuery &query, const std::atomic_bool *cancel = nullptr);

// The fields an event list shows, read for many events in one query.
struct EventRow
{
    std::int64_t id = 0; // 0: no such event
    EventKind kind = EventKind::Audit;
    std::int64_t timeMs = kNoTime;
    std::string user;
    std::string ip;
    std::string country;
    std::string city;
    std::uint32_t asn = 0;
    std::string asOrg;
    std::string operation;
    std::string workload;
    std::int64_t resultCode = kNoResult;
    std::string resultStatus;
    std::string app;
    std::string clientApp;
    std::string userAgent;
    std::string subject;
    std::string ruleName;
    std::string forwardTargets;
    std::string recipients;
    std::string parameters; // rule/cmdlet parameters, a JSON array of {"Name","Value"}
    std::int64_t sourceId = 0;
    std::int64_t line = 0;
};

// Rows for `ids`, in the same order, one query (`WHERE id IN (...)`) for the lot; an id that does
// not exist gives a row with id 0. Meant for a page of a few hundred ids.
std::vector<EventRow> readEventRows(Database &db, std::span<const std::int64_t> ids);

// The distinct non-empty values of a text column (user, IP, operation, country, ...), sorted, at
// most `limit` of them: for completion lists.
std::vector<std::string> distinctEventValues(Database &db, EventColumn column, std::size_t limit = 100000,
                                             const std::atomic_bool *cancel = nullptr);

} // namespace mp
