#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace mp {

// How the records of a JSON export are laid out.
enum class JsonLayout {
    NotJson,
    Array,       // [ {...}, {...} ]: Graph via PowerShell, Entra portal download, Management API
    Wrapped,     // { "value": [ ... ], "@odata.nextLink": ... } or { "records": [ ... ] }
    Sequence,    // {...}\n{...}: JSON lines (Azure Monitor, Event Hub) or concatenated objects
};

struct JsonSpan
{
    std::size_t offset = 0;
    std::size_t length = 0;
    std::int64_t line = 0; // 1-based line where the record starts
    bool truncated = false; // the text ends inside this record
};

// Finds the top-level records of a JSON export without parsing them, so that each record can be
// parsed (and rejected) on its own and its exact text kept. Structural damage (a trailing comma,
// a truncated last record) is reported as a problem and scanning carries on where it can.
class JsonSplitter
{
public:
    explicit JsonSplitter(std::string_view text);

    static JsonLayout detectLayout(std::string_view text);
    // The text with every comma that directly precedes '}' or ']' (outside strings) removed;
    // *firstComma is the offset of the first one removed, or npos when there was none.
    static std::string withoutTrailingCommas(std::string_view json, std::size_t *firstComma);
    JsonLayout layout() const { return m_layout; }

    // Next record span; false at the end. problem() is set when the step found damage: with a
    // truncated span it is the reason to reject that record, otherwise a warning about the file.
    bool next(JsonSpan &span);
    const std::string &problem() const { return m_problem; }
    std::int64_t problemLine() const { return m_problemLine; }

private:
    std::size_t skipWhitespace(std::size_t pos);
    // End of the value starting at pos (exclusive), or npos if the text ends first.
    std::size_t skipValue(std::size_t pos);
    std::size_t skipString(std::size_t pos);
    std::int64_t lineAt(std::size_t pos);
    bool enterWrappedArray();
    void setProblem(std::size_t pos, std::string text);

    std::string_view m_text;
    JsonLayout m_layout;
    std::size_t m_pos = 0;
    bool m_inArray = false;
    bool m_done = false;
    std::size_t m_linePos = 0;
    std::int64_t m_line = 1;
    std::string m_problem;
    std::int64_t m_problemLine = 0;
};

} // namespace mp
