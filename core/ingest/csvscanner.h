#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace mp {

// One CSV record: its fields, where it starts (1-based line) and its byte span in the text.
// Field views point into the text, or into the scanner's scratch buffer for quoted fields that
// had to be unescaped; they stay valid until the next call to next().
struct CsvRecord
{
    std::vector<std::string_view> fields;
    std::int64_t line = 0;
    std::size_t offset = 0;
    std::size_t length = 0;
    bool unterminatedQuote = false; // the text ended inside a quoted field (a truncated file)
};

// A fast RFC 4180 reader over text already in memory: quoted fields may hold the delimiter,
// doubled quotes and line breaks (CRLF inside cells is common in exports with pretty-printed JSON).
class CsvScanner
{
public:
    explicit CsvScanner(std::string_view text, char delimiter = ',');

    // Guesses the delimiter from the first line: comma, semicolon (European Excel) or tab.
    static char guessDelimiter(std::string_view text);

    bool next(CsvRecord &record);
    // Skips a line that is not part of the table (PowerShell's "#TYPE ..." preamble).
    void skipLine();
    std::size_t position() const { return m_pos; }
    std::int64_t line() const { return m_line; }
    bool atEnd() const { return m_pos >= m_text.size(); }

private:
    std::size_t scanQuoted(std::size_t pos, std::string_view &view, bool &copied, std::size_t &scratchOffset);
    void reserveScratch(std::size_t needed);
    void appendScratch(const char *data, std::size_t length);

    std::string_view m_text;
    std::size_t m_pos = 0;
    std::int64_t m_line = 1;
    char m_delimiter;
    // Unescaped quoted fields of the current record; not a std::string, whose resize() would
    // zero what the scan is about to overwrite.
    std::unique_ptr<char[]> m_scratch;
    std::size_t m_scratchUsed = 0;
    std::size_t m_scratchCapacity = 0;
    std::vector<std::pair<std::size_t, std::size_t>> m_scratchFields; // (field index, scratch offset) pairs
};

// Maps header names to columns, case-insensitively, tolerating the quirks of real exports:
// surrounding spaces ("Application ID "), doubled inner spaces ("Autonomous system  number"),
// a " [UTC]" suffix and a name that appears twice (the first one wins).
class CsvHeader
{
public:
    CsvHeader() = default;
    explicit CsvHeader(const std::vector<std::string_view> &names);

    static std::string normalizeName(std::string_view name);
    int column(std::string_view name) const; // -1 when absent
    // column() of the name itself and of its Log Analytics halves ("<name>_dynamic",
    // "<name>_string"), remembered per name: readers ask for the same few names on every row.
    struct Columns
    {
        int plain = -1;
        int dynamic = -1;
        int string = -1;
    };
    Columns columns(std::string_view name) const;
    int size() const { return static_cast<int>(m_names.size()); }
    const std::vector<std::string> &names() const { return m_names; }

private:
    std::vector<std::string> m_names; // normalised, in column order
    mutable std::vector<std::pair<std::string, Columns>> m_lookups; // by the name as asked
};

} // namespace mp
