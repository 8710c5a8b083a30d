#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace mp {

// Builds compact JSON text quickly (millions of events go through it). Strings are escaped and
// invalid UTF-8 in log text becomes U+FFFD, so the output is always valid JSON.
class JsonWriter
{
public:
    void beginObject();
    void endObject();
    void beginArray();
    void endArray();
    void key(std::string_view name);
    void value(std::string_view text);
    void value(const char *text) { value(std::string_view(text)); }
    void value(std::int64_t number);
    void value(int number) { value(static_cast<std::int64_t>(number)); }
    void value(double number);
    void value(bool flag);
    void null();
    // Inserts text that is already valid JSON (e.g. a stored parameters array).
    void raw(std::string_view json);

    // Shorthands that skip empty values, for sparse records.
    void field(std::string_view name, std::string_view text);
    void field(std::string_view name, std::int64_t number) { key(name); value(number); }

    const std::string &text() const { return m_out; }
    std::string take() { return std::move(m_out); }
    void clear();

    static void appendEscaped(std::string &out, std::string_view text);

private:
    void separate();
    std::string m_out;
    bool m_needComma = false;
};

// Makes a cell safe for spreadsheets: text that Excel or LibreOffice would run as a formula
// (starting with = + - @, tab or carriage return) is prefixed with a quote, then CSV-quoted.
std::string csvCell(std::string_view text);

} // namespace mp
