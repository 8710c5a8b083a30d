#include "util/timeparse.h"

namespace mp {

namespace {

constexpr std::int64_t kMsPerDay = 86400000;

constexpr bool isDigit(char c) noexcept
{
    return c >= '0' && c <= '9';
}

constexpr char lower(char c) noexcept
{
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// Minimal cursor; every read checks the end so that truncated values fail instead of
// running off the view.
struct Cursor
{
    const char* p;
    const char* e;

    bool atEnd() const noexcept { return p == e; }
    char peek() const noexcept { return p != e ? *p : '\0'; }

    bool eat(char c) noexcept
    {
        if (p != e && *p == c) {
            ++p;
            return true;
        }
        return false;
    }

    bool eatI(std::string_view word) noexcept
    {
        if (static_cast<std::size_t>(e - p) < word.size())
            return false;
        for (std::size_t i = 0; i < word.size(); ++i) {
            if (lower(p[i]) != word[i])
                return false;
        }
        p += word.size();
        return true;
    }

    void skipSpaces() noexcept
    {
        while (p != e && (*p == ' ' || *p == '\t'))
            ++p;
    }

    // Reads between minDigits and maxDigits digits; fails if there are fewer or more.
    bool number(int minDigits, int maxDigits, unsigned& value, int* count = nullptr) noexcept
    {
        unsigned v = 0;
        int n = 0;
        while (p != e && isDigit(*p)) {
            if (n == maxDigits)
                return false;
            v = v * 10 + static_cast<unsigned>(*p - '0');
            ++p;
            ++n;
        }
        if (n < minDigits)
            return false;
        value = v;
        if (count)
            *count = n;
        return true;
    }
};

bool isTrimmed(char c) noexcept
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '"' || c == '\'';
}

std::string_view trimQuotes(std::string_view s) noexcept
{
    while (!s.empty() && isTrimmed(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && isTrimmed(s.back()))
        s.remove_suffix(1);
    return s;
}

bool isDateSeparator(char c) noexcept
{
    return c == '/' || c == '.' || c == '-';
}

// Picks month and day from the two leading fields of a d/m/y or m/d/y date.
bool resolveOrder(unsigned first, unsigned second, DateOrder order, unsigned& month, unsigned& day) noexcept
{
    if (order == DateOrder::Unknown) {
        if (first == second || second > 12)
            order = DateOrder::MonthFirst;
        else if (first > 12)
            order = DateOrder::DayFirst;
        else
            return false;
    }
    if (order == DateOrder::MonthFirst) {
        month = first;
        day = second;
    } else {
        month = second;
        day = first;
    }
    return true;
}

// Parses the zone suffix (after optional spaces) into minutes east of UTC.
bool parseZone(Cursor& c, int& offsetMinutes) noexcept
{
    offsetMinutes = 0;
    c.skipSpaces();
    if (c.atEnd())
        return true;
    if (c.eat('Z') || c.eat('z'))
        return true; // the caller rejects anything after it
    if (c.eatI("utc") || c.eatI("gmt")) {
        // "UTC+02:00" style: an offset may still follow.
        if (c.atEnd())
            return true;
    }
    const char sign = c.peek();
    if (sign != '+' && sign != '-')
        return false;
    ++c.p;
    unsigned hh = 0;
    unsigned mm = 0;
    int digits = 0;
    if (!c.number(2, 4, hh, &digits))
        return false;
    if (digits == 4) { // +hhmm
        mm = hh % 100;
        hh /= 100;
    } else if (digits == 3) {
        return false;
    } else if (c.eat(':')) {
        if (!c.number(2, 2, mm))
            return false;
    }
    if (hh > 23 || mm > 59)
        return false;
    offsetMinutes = static_cast<int>(hh * 60 + mm) * (sign == '-' ? -1 : 1);
    return true;
}

} // namespace

CivilDate civilFromDays(std::int64_t days) noexcept
{
    // The inverse of daysFromCivil: shift to 0000-03-01, split into 400-year eras, then recover
    // the year of the era from the day of the era by undoing the leap-day corrections.
    const std::int64_t z = days + 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto dayOfEra = static_cast<unsigned>(z - era * 146097);                          // 0..146096
    const unsigned yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365;
    const unsigned dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100); // 0..365
    const unsigned monthFromMarch = (5 * dayOfYear + 2) / 153;                              // 0..11
    const unsigned day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1;
    const unsigned month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
    const std::int64_t year = static_cast<std::int64_t>(yearOfEra) + era * 400 + (month <= 2 ? 1 : 0);
    return {year, month, day};
}

std::optional<std::int64_t> parseTimestamp(std::string_view s, DateOrder order) noexcept
{
    s = trimQuotes(s);
    Cursor c{s.data(), s.data() + s.size()};

    unsigned first = 0;
    int firstDigits = 0;
    if (!c.number(1, 4, first, &firstDigits))
        return std::nullopt;
    const char sep = c.peek();
    if (!isDateSeparator(sep))
        return std::nullopt;
    ++c.p;

    std::int64_t year = 0;
    unsigned month = 0;
    unsigned day = 0;
    bool localeForm = false;
    if (firstDigits == 4) {
        // Year first (ISO, or yyyy/mm/dd of East Asian locales): always Y-M-D.
        year = first;
        if (!c.number(1, 2, month) || !c.eat(sep) || !c.number(1, 2, day))
            return std::nullopt;
    } else if (firstDigits <= 2) {
        unsigned second = 0;
        unsigned y = 0;
        if (!c.number(1, 2, second) || !c.eat(sep) || !c.number(4, 4, y))
            return std::nullopt;
        if (!resolveOrder(first, second, order, month, day))
            return std::nullopt;
        year = y;
        localeForm = true;
    } else {
        return std::nullopt;
    }
    if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month))
        return std::nullopt;

    std::int64_t ms = daysFromCivil(year, month, day) * kMsPerDay;
    if (c.atEnd())
        return ms;

    // Date/time separator: 'T', spaces, or ", " (Log Analytics "4/28/2021, 2:08:45.221 PM").
    if (!localeForm && (c.peek() == 'T' || c.peek() == 't')) {
        ++c.p;
    } else {
        const char* before = c.p;
        c.eat(',');
        c.skipSpaces();
        if (c.p == before)
            return std::nullopt;
    }

    unsigned hour = 0;
    unsigned minute = 0;
    unsigned second = 0;
    unsigned millis = 0;
    if (!c.number(1, 2, hour) || !c.eat(':') || !c.number(2, 2, minute))
        return std::nullopt;
    if (c.eat(':')) {
        if (!c.number(2, 2, second))
            return std::nullopt;
        if (c.peek() == '.' || c.peek() == ',') {
            ++c.p;
            int digits = 0;
            unsigned scale = 100;
            while (!c.atEnd() && isDigit(c.peek())) {
                if (++digits > 9)
                    return std::nullopt;
                millis += static_cast<unsigned>(c.peek() - '0') * scale;
                scale /= 10;
                ++c.p;
            }
            if (digits == 0)
                return std::nullopt;
        }
    }

    // 12-hour clock marker.
    const char* beforeMarker = c.p;
    c.skipSpaces();
    bool pm = false;
    bool twelveHour = false;
    if (c.eatI("am")) {
        twelveHour = true;
    } else if (c.eatI("pm")) {
        twelveHour = true;
        pm = true;
    } else {
        c.p = beforeMarker;
    }
    if (twelveHour) {
        if (hour < 1 || hour > 12)
            return std::nullopt;
        hour = (hour % 12) + (pm ? 12 : 0);
    }
    if (hour > 23 || minute > 59 || second > 60)
        return std::nullopt;

    int offsetMinutes = 0;
    if (!parseZone(c, offsetMinutes) || !c.atEnd())
        return std::nullopt;

    ms += (static_cast<std::int64_t>(hour) * 3600 + minute * 60 + second) * 1000 + millis;
    ms -= static_cast<std::int64_t>(offsetMinutes) * 60000;
    return ms;
}

std::size_t formatIso(std::int64_t ms, char* out) noexcept
{
    // Floor division so that times before 1970 keep a positive time of day.
    std::int64_t days = ms / kMsPerDay;
    std::int64_t rem = ms % kMsPerDay;
    if (rem < 0) {
        rem += kMsPerDay;
        --days;
    }
    const CivilDate d = civilFromDays(days);
    const auto msOfDay = static_cast<unsigned>(rem);

    char* p = out;
    std::int64_t year = d.year;
    if (year < 0 || year > 9999) {
        *p++ = year < 0 ? '-' : '+';
        std::uint64_t mag = year < 0 ? 0 - static_cast<std::uint64_t>(year) : static_cast<std::uint64_t>(year);
        char tmp[20];
        int n = 0;
        do {
            tmp[n++] = static_cast<char>('0' + mag % 10);
            mag /= 10;
        } while (mag != 0);
        for (; n < 4; ++n)
            tmp[n] = '0';
        while (n > 0)
            *p++ = tmp[--n];
    } else {
        const auto y = static_cast<unsigned>(year);
        *p++ = static_cast<char>('0' + y / 1000);
        *p++ = static_cast<char>('0' + y / 100 % 10);
        *p++ = static_cast<char>('0' + y / 10 % 10);
        *p++ = static_cast<char>('0' + y % 10);
    }
    auto two = [&p](unsigned v) {
        *p++ = static_cast<char>('0' + v / 10);
        *p++ = static_cast<char>('0' + v % 10);
    };
    const unsigned secs = msOfDay / 1000;
    const unsigned frac = msOfDay % 1000;
    *p++ = '-';
    two(d.month);
    *p++ = '-';
    two(d.day);
    *p++ = 'T';
    two(secs / 3600);
    *p++ = ':';
    two(secs / 60 % 60);
    *p++ = ':';
    two(secs % 60);
    *p++ = '.';
    *p++ = static_cast<char>('0' + frac / 100);
    two(frac % 100);
    *p++ = 'Z';
    return static_cast<std::size_t>(p - out);
}

std::string formatIso(std::int64_t ms)
{
    char buf[kIsoBufferSize];
    return std::string(buf, formatIso(ms, buf));
}

void DateOrderVote::add(std::string_view s) noexcept
{
    s = trimQuotes(s);
    Cursor c{s.data(), s.data() + s.size()};
    unsigned first = 0;
    unsigned second = 0;
    unsigned year = 0;
    const char sep = [&] {
        if (!c.number(1, 2, first))
            return '\0';
        const char ch = c.peek();
        return isDateSeparator(ch) ? ch : '\0';
    }();
    if (sep == '\0')
        return;
    ++c.p;
    if (!c.number(1, 2, second) || !c.eat(sep) || !c.number(4, 4, year))
        return;
    if (first < 1 || second < 1 || first > 31 || second > 31)
        return;
    ++m_localeDates;
    if (first > 12 && second <= 12)
        ++m_dayFirst;
    else if (second > 12 && first <= 12)
        ++m_monthFirst;
}

DateOrder DateOrderVote::decide() const noexcept
{
    if (m_monthFirst > m_dayFirst)
        return DateOrder::MonthFirst;
    if (m_dayFirst > m_monthFirst)
        return DateOrder::DayFirst;
    return DateOrder::Unknown;
}

} // namespace mp
