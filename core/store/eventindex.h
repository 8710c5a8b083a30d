#pragma once

#include "store/database.h"
#include "store/eventquery.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace mp {

// An in-memory, column-wise copy of what an event list filters and sorts on, in time order, for
// the queries SQLite can only answer by scanning the whole case: free text, country, result and
// sorting by an unindexed column take most of a second on a million events through SQL, and a
// few tens of milliseconds here. Text is interned, one id per distinct value and column, so free
// text is matched once per distinct value and then compared as 4-byte ids. About 70 bytes an
// event.
//
// It gives exactly the ids queryEventIds() gives (the tests hold the two to each other), and it is
// a snapshot: lastEventId() says which events it covers; once the case has grown past it, ask SQL.
class EventIndex
{
public:
    // Reads the case in one read transaction. nullptr when cancelled or on error (*error says).
    static std::unique_ptr<EventIndex> build(Database &db, const std::atomic_bool *cancel, std::string *error);
    // The newest event id in the case now, to compare with lastEventId().
    static std::int64_t currentLastEventId(Database &db);

    std::size_t size() const { return m_ids.size(); }
    std::int64_t lastEventId() const { return m_lastEventId; }
    std::size_t memoryBytes() const;

    EventIdsResult query(const EventQuery &query, const std::atomic_bool *cancel = nullptr) const;

private:
    EventIndex() = default;

    enum Text {
        User,
        Ip,
        Operation,
        Country,
        City,
        App,
        ClientApp,
        UserAgent,
        Subject,
        RuleName,
        ForwardTargets,
        Details, // coalesce(rule name, forwarding targets, subject, recipients): the details sort key
        TextCount
    };
    struct TextColumn
    {
        std::vector<std::string> values;    // value id -> text; id 0 is the empty text (NULL)
        std::vector<std::uint32_t> rank;    // value id -> place in the column's sort order
        std::vector<std::uint32_t> ofEvent; // event position -> value id
    };

    const TextColumn &column(Text t) const { return m_text[t]; }

    TextColumn m_text[TextCount];
    std::vector<std::int64_t> m_ids; // event position (time, then id order) -> id
    std::vector<std::int64_t> m_times;
    std::vector<std::uint8_t> m_kinds;
    std::vector<std::uint8_t> m_outcomes;    // EventOutcome
    std::vector<std::uint32_t> m_asns;       // 0: none
    std::vector<std::uint32_t> m_resultRank; // event position -> rank of (result code, status)
    std::int64_t m_lastEventId = 0;
};

} // namespace mp
