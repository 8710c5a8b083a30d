#include "util/jsonwriter.h"

#include <cmath>
#include <cstdio>

namespace mp {

namespace {

// Length of a valid UTF-8 sequence starting at s[i], or 0 if it is not valid.
std::size_t utf8Length(std::string_view s, std::size_t i)
{
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n;
    std::uint32_t cp;
    if (c < 0x80)
        return 1;
    if ((c & 0xE0) == 0xC0) {
        n = 2;
        cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
        n = 3;
        cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
        n = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (i + n > s.size())
        return 0;
    for (std::size_t k = 1; k < n; ++k) {
        const auto cc = static_cast<unsigned char>(s[i + k]);
        if ((cc & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (cc & 0x3F);
    }
    // Reject overlong forms, surrogates and values past U+10FFFF.
    if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000)
        || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
        return 0;
    return n;
}

} // namespace

void JsonWriter::appendEscaped(std::string &out, std::string_view text)
{
    static const char hex[] = "0123456789abcdef";
    out.push_back('"');
    for (std::size_t i = 0; i < text.size();) {
        // Plain printable ASCII goes over in runs, not a byte at a time.
        std::size_t run = i;
        while (run < text.size()) {
            const auto p = static_cast<unsigned char>(text[run]);
            if (p < 0x20 || p >= 0x7F || p == '"' || p == '\\')
                break;
            ++run;
        }
        if (run > i) {
            out.append(text.data() + i, run - i);
            i = run;
            continue;
        }
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x80) {
            const std::size_t n = utf8Length(text, i);
            if (n == 0) {
                out.append("\xEF\xBF\xBD");
                ++i;
            } else {
                out.append(text.substr(i, n));
                i += n;
            }
            continue;
        }
        switch (c) {
        case '"':
            out.append("\\\"");
            break;
        case '\\':
            out.append("\\\\");
            break;
        case '\n':
            out.append("\\n");
            break;
        case '\r':
            out.append("\\r");
            break;
        case '\t':
            out.append("\\t");
            break;
        default:
            if (c < 0x20 || c == 0x7F) {
                out.append("\\u00");
                out.push_back(hex[c >> 4]);
                out.push_back(hex[c & 15]);
            } else {
                out.push_back(static_cast<char>(c));
            }
        }
        ++i;
    }
    out.push_back('"');
}

void JsonWriter::separate()
{
    if (m_needComma)
        m_out.push_back(',');
    m_needComma = true;
}

void JsonWriter::beginObject()
{
    separate();
    m_out.push_back('{');
    m_needComma = false;
}

void JsonWriter::endObject()
{
    m_out.push_back('}');
    m_needComma = true;
}

void JsonWriter::beginArray()
{
    separate();
    m_out.push_back('[');
    m_needComma = false;
}

void JsonWriter::endArray()
{
    m_out.push_back(']');
    m_needComma = true;
}

void JsonWriter::key(std::string_view name)
{
    separate();
    appendEscaped(m_out, name);
    m_out.push_back(':');
    m_needComma = false;
}

void JsonWriter::value(std::string_view text)
{
    separate();
    appendEscaped(m_out, text);
}

void JsonWriter::value(std::int64_t number)
{
    separate();
    m_out.append(std::to_string(number));
}

void JsonWriter::value(double number)
{
    separate();
    if (!std::isfinite(number)) {
        m_out.append("null");
        return;
    }
    char buf[32];
    const int n = std::snprintf(buf, sizeof buf, "%.10g", number);
    m_out.append(buf, static_cast<std::size_t>(n));
}

void JsonWriter::value(bool flag)
{
    separate();
    m_out.append(flag ? "true" : "false");
}

void JsonWriter::null()
{
    separate();
    m_out.append("null");
}

void JsonWriter::raw(std::string_view json)
{
    separate();
    m_out.append(json);
}

void JsonWriter::field(std::string_view name, std::string_view text)
{
    if (text.empty())
        return;
    key(name);
    value(text);
}

void JsonWriter::clear()
{
    m_out.clear();
    m_needComma = false;
}

std::string csvCell(std::string_view text)
{
    std::string out;
    out.reserve(text.size() + 3);
    out.push_back('"');
    if (!text.empty()) {
        const char c = text.front();
        if (c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r')
            out.push_back('\'');
    }
    for (const char c : text) {
        if (c == '"')
            out.push_back('"');
        out.push_back(c);
    }
    out.push_back('"');
    return out;
}

} // namespace mp
