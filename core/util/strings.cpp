#include "util/strings.h"

namespace mp {

namespace {

// Term characters for KQL `has`; see the header for why non-ASCII bytes are included.
constexpr bool isTermChar(char c) noexcept
{
    return isAlnumAscii(c) || static_cast<unsigned char>(c) >= 0x80;
}

} // namespace

std::string toLowerAscii(std::string_view s)
{
    std::string out(s.size(), '\0');
    for (std::size_t i = 0; i < s.size(); ++i)
        out[i] = toLowerAscii(s[i]);
    return out;
}

void assignLowerAscii(std::string &out, std::string_view s)
{
    out.resize(s.size());
    for (std::size_t i = 0; i < s.size(); ++i)
        out[i] = toLowerAscii(s[i]);
}

bool iequals(std::string_view a, std::string_view b) noexcept
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (toLowerAscii(a[i]) != toLowerAscii(b[i]))
            return false;
    }
    return true;
}

std::string_view trim(std::string_view s) noexcept
{
    std::size_t b = 0;
    std::size_t e = s.size();
    while (b < e && isSpaceAscii(s[b]))
        ++b;
    while (e > b && isSpaceAscii(s[e - 1]))
        --e;
    return s.substr(b, e - b);
}

bool startsWithI(std::string_view s, std::string_view prefix) noexcept
{
    return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

bool endsWithI(std::string_view s, std::string_view suffix) noexcept
{
    return s.size() >= suffix.size() && iequals(s.substr(s.size() - suffix.size()), suffix);
}

std::size_t findI(std::string_view haystack, std::string_view needle, std::size_t from) noexcept
{
    if (from > haystack.size())
        return std::string_view::npos;
    if (needle.empty())
        return from;
    if (needle.size() > haystack.size() - from)
        return std::string_view::npos;
    const char first = toLowerAscii(needle[0]);
    const std::size_t last = haystack.size() - needle.size();
    for (std::size_t i = from; i <= last; ++i) {
        if (toLowerAscii(haystack[i]) != first)
            continue;
        std::size_t k = 1;
        while (k < needle.size() && toLowerAscii(haystack[i + k]) == toLowerAscii(needle[k]))
            ++k;
        if (k == needle.size())
            return i;
    }
    return std::string_view::npos;
}

bool hasTermKql(std::string_view haystack, std::string_view term) noexcept
{
    if (term.empty())
        return false;
    // Only an alphanumeric end of the term has to sit on a term boundary; a term that starts
    // or ends with punctuation ("-Force", "smtp:") already carries its own separator.
    const bool checkLeft = isTermChar(term.front());
    const bool checkRight = isTermChar(term.back());
    std::size_t pos = 0;
    while ((pos = findI(haystack, term, pos)) != std::string_view::npos) {
        const std::size_t end = pos + term.size();
        const bool leftOk = !checkLeft || pos == 0 || !isTermChar(haystack[pos - 1]);
        const bool rightOk = !checkRight || end == haystack.size() || !isTermChar(haystack[end]);
        if (leftOk && rightOk)
            return true;
        ++pos;
    }
    return false;
}

} // namespace mp
