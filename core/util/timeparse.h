#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

// Times are int64 milliseconds since 1970-01-01T00:00:00Z. Everything here is allocation-free
// except formatIso(int64_t), because parsing runs once per field on the ingest hot path.
namespace mp {

enum class DateOrder { Unknown, MonthFirst, DayFirst };

constexpr bool isLeapYear(std::int64_t y) noexcept
{
    return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

constexpr unsigned daysInMonth(std::int64_t y, unsigned m) noexcept
{
    constexpr unsigned kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12)
        return 0;
    return (m == 2 && isLeapYear(y)) ? 29 : kDays[m - 1];
}

// Proleptic Gregorian calendar, after Howard Hinnant's days_from_civil: counting years from
// March puts the leap day last, so the day of the year follows from the month by one linear
// formula, and 400-year eras of 146097 days make it exact for negative years too.
constexpr std::int64_t daysFromCivil(std::int64_t y, unsigned m, unsigned d) noexcept
{
    const std::int64_t yearFromMarch = m <= 2 ? y - 1 : y;
    const std::int64_t era = (yearFromMarch >= 0 ? yearFromMarch : yearFromMarch - 399) / 400;
    const auto yearOfEra = static_cast<unsigned>(yearFromMarch - era * 400);     // 0..399
    const unsigned monthFromMarch = m > 2 ? m - 3 : m + 9;                        // 0..11
    const unsigned dayOfYear = (153 * monthFromMarch + 2) / 5 + d - 1;            // 0..365
    const unsigned dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
    return era * 146097 + static_cast<std::int64_t>(dayOfEra) - 719468; // 719468: 0000-03-01 .. 1970-01-01
}

struct CivilDate
{
    std::int64_t year;
    unsigned month;
    unsigned day;
};

CivilDate civilFromDays(std::int64_t days) noexcept;

// Accepts the time forms of real exports, with surrounding spaces and quotes:
//   ISO 8601  2023-09-26T01:56:15[.f{1,9}][Z|z|+hh:mm|-hhmm|+hh| UTC], ' ' for 'T', date only;
//             2023/09/26 16:05:03 (year-first is always Y-M-D)
//   locale    9/20/2023 4:05:03 AM, 4/28/2021, 2:08:45.221 PM, 20/09/2023 16:05:03,
//             20.09.2023 16:05, 20-09-2023 16:05:03 (with or without seconds, 12 or 24 hour)
// No zone means UTC. Fractions are truncated to milliseconds. Out-of-range fields (month 13,
// Feb 29 of a common year, hour 24, a 12-hour clock reading 0 or 13 ...) give nullopt.
// For d/m/y dates `order` says which field is the month; with Unknown a date is read only when
// one field is > 12 (or both are equal), otherwise nullopt. A second of 60 (leap second) is
// accepted and lands on the next minute.
std::optional<std::int64_t> parseTimestamp(std::string_view s, DateOrder order = DateOrder::Unknown) noexcept;

// Writes `2023-09-20T04:05:03.000Z` (always milliseconds, always Z) without a terminating NUL
// and returns its length: 24 for years 0..9999, longer (signed year) outside them.
constexpr std::size_t kIsoBufferSize = 32;
std::size_t formatIso(std::int64_t ms, char* out) noexcept;
std::string formatIso(std::int64_t ms);

// Decides whether the d/m/y dates of one file are month-first or day-first. A single value is
// usually ambiguous (9/10/2023), so every time value of the file is fed in and only the ones
// that can be read one way count: first field > 12 means day-first, second > 12 month-first.
class DateOrderVote
{
public:
    void add(std::string_view s) noexcept;

    // The majority of the deciding values; Unknown when none decided or they are tied. The
    // caller then assumes MonthFirst (the US export default) and must say so.
    DateOrder decide() const noexcept;
    // Number of values that could be read only one way.
    int evidence() const noexcept { return m_monthFirst + m_dayFirst; }
    // Both orders have evidence: the file mixes locales or a column is not what it seems.
    bool ambiguous() const noexcept { return m_monthFirst > 0 && m_dayFirst > 0; }
    int monthFirstVotes() const noexcept { return m_monthFirst; }
    int dayFirstVotes() const noexcept { return m_dayFirst; }
    // Number of values in d/m/y form seen at all, deciding or not.
    int localeDates() const noexcept { return m_localeDates; }

private:
    int m_monthFirst = 0;
    int m_dayFirst = 0;
    int m_localeDates = 0;
};

} // namespace mp
