#pragma once

#include <cstddef>
#include <string>
#include <string_view>

// ASCII-only helpers: field names, operation names and keywords in the logs are ASCII, and
// locale-aware folding would be slow and platform-dependent on the ingest hot path.
namespace mp {

constexpr char toLowerAscii(char c) noexcept
{
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

constexpr bool isAlnumAscii(char c) noexcept
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

constexpr bool isSpaceAscii(char c) noexcept
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

std::string toLowerAscii(std::string_view s);
// The same into an existing string, reusing its buffer.
void assignLowerAscii(std::string &out, std::string_view s);
bool iequals(std::string_view a, std::string_view b) noexcept;
std::string_view trim(std::string_view s) noexcept;
bool startsWithI(std::string_view s, std::string_view prefix) noexcept;
bool endsWithI(std::string_view s, std::string_view suffix) noexcept;

// Case-insensitive (ASCII) substring search; npos when absent. An empty needle is found at `from`.
std::size_t findI(std::string_view haystack, std::string_view needle, std::size_t from = 0) noexcept;

// KQL `has`: `term` must occur case-insensitively with its alphanumeric ends on term boundaries,
// i.e. not glued to further alphanumerics in the haystack ("wire" matches "Wire-Transfer" but
// not "wires"; "wire transfer" matches "urgent WIRE TRANSFER now"). Bytes >= 0x80 count as word
// characters so that a UTF-8 letter never acts as a separator ("berweisung" is not a term of
// "Überweisung"). An empty term never matches: a detector with an empty keyword must not fire
// on every record.
bool hasTermKql(std::string_view haystack, std::string_view term) noexcept;

} // namespace mp
