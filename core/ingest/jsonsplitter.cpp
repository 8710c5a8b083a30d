#include "ingest/jsonsplitter.h"

#include <algorithm>
#include <cstring>

namespace mp {

namespace {

bool isSpace(char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

bool keyIs(std::string_view key, std::string_view wanted)
{
    if (key.size() != wanted.size())
        return false;
    for (std::size_t i = 0; i < key.size(); ++i) {
        char c = key[i];
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
        if (c != wanted[i])
            return false;
    }
    return true;
}

} // namespace

JsonSplitter::JsonSplitter(std::string_view text)
    : m_text(text)
    , m_layout(detectLayout(text))
{
    m_pos = skipWhitespace(0);
    if (m_layout == JsonLayout::Array) {
        m_inArray = true;
        m_pos = skipWhitespace(m_pos + 1);
    } else if (m_layout == JsonLayout::Wrapped) {
        if (!enterWrappedArray())
            m_layout = JsonLayout::Sequence; // a single object with no record array: one record
    } else if (m_layout == JsonLayout::NotJson) {
        m_done = true;
    }
}

JsonLayout JsonSplitter::detectLayout(std::string_view text)
{
    std::size_t i = 0;
    while (i < text.size() && isSpace(text[i]))
        ++i;
    if (i >= text.size())
        return JsonLayout::NotJson;
    if (text[i] == '[')
        return JsonLayout::Array;
    if (text[i] != '{')
        return JsonLayout::NotJson;
    // An object that is followed by another object is a sequence; an object whose first keys
    // include "value"/"records" holding an array is a wrapper (a Graph page, a storage blob).
    // Only the first few MiB are looked at: a wrapper's first object is the whole file, and
    // walking to its end would read a 2 GB export once more (and keep it in memory) before a
    // record is parsed. A first object longer than that is taken for a wrapper when its keys say
    // so: no single log record is that big.
    constexpr std::size_t kProbeBytes = 4 << 20;
    JsonSplitter probe(std::string_view{});
    probe.m_text = text.substr(0, kProbeBytes);
    const std::size_t end = probe.skipValue(i);
    probe.m_text = text;
    if (end != std::string_view::npos) {
        std::size_t j = end;
        while (j < text.size() && isSpace(text[j]))
            ++j;
        if (j < text.size() && text[j] == '{')
            return JsonLayout::Sequence;
    }
    probe.m_pos = i;
    if (probe.enterWrappedArray())
        return JsonLayout::Wrapped;
    return JsonLayout::Sequence;
}

std::string JsonSplitter::withoutTrailingCommas(std::string_view json, std::size_t *firstComma)
{
    std::string out;
    out.reserve(json.size());
    *firstComma = std::string_view::npos;
    bool inString = false;
    for (std::size_t i = 0; i < json.size(); ++i) {
        const char c = json[i];
        if (inString) {
            out.push_back(c);
            if (c == '\\' && i + 1 < json.size())
                out.push_back(json[++i]);
            else if (c == '"')
                inString = false;
            continue;
        }
        if (c == '"') {
            inString = true;
        } else if (c == ',') {
            std::size_t j = i + 1;
            while (j < json.size() && isSpace(json[j]))
                ++j;
            if (j < json.size() && (json[j] == '}' || json[j] == ']')) {
                if (*firstComma == std::string_view::npos)
                    *firstComma = i;
                continue;
            }
        }
        out.push_back(c);
    }
    return out;
}

std::size_t JsonSplitter::skipWhitespace(std::size_t pos)
{
    while (pos < m_text.size() && isSpace(m_text[pos]))
        ++pos;
    return pos;
}

std::size_t JsonSplitter::skipString(std::size_t pos)
{
    // pos is at the opening quote.
    const char *base = m_text.data();
    const std::size_t size = m_text.size();
    ++pos;
    for (;;) {
        const void *q = pos < size ? std::memchr(base + pos, '"', size - pos) : nullptr;
        if (!q)
            return std::string_view::npos;
        std::size_t qpos = static_cast<const char *>(q) - base;
        // Count the backslashes before the quote: an odd number escapes it.
        std::size_t backslashes = 0;
        while (qpos - backslashes > pos && base[qpos - backslashes - 1] == '\\')
            ++backslashes;
        if (backslashes % 2 == 0)
            return qpos + 1;
        pos = qpos + 1;
    }
}

std::size_t JsonSplitter::skipValue(std::size_t pos)
{
    const std::size_t size = m_text.size();
    if (pos >= size)
        return std::string_view::npos;
    const char c = m_text[pos];
    if (c == '"')
        return skipString(pos);
    if (c != '{' && c != '[') {
        while (pos < size && m_text[pos] != ',' && m_text[pos] != '}' && m_text[pos] != ']'
               && !isSpace(m_text[pos]))
            ++pos;
        return pos;
    }
    int depth = 0;
    while (pos < size) {
        const char ch = m_text[pos];
        if (ch == '"') {
            pos = skipString(pos);
            if (pos == std::string_view::npos)
                return pos;
            continue;
        }
        if (ch == '{' || ch == '[')
            ++depth;
        else if (ch == '}' || ch == ']') {
            if (--depth == 0)
                return pos + 1;
        }
        ++pos;
    }
    return std::string_view::npos;
}

std::int64_t JsonSplitter::lineAt(std::size_t pos)
{
    if (pos < m_linePos) {
        m_linePos = 0;
        m_line = 1;
    }
    m_line += std::count(m_text.begin() + static_cast<std::ptrdiff_t>(m_linePos),
                         m_text.begin() + static_cast<std::ptrdiff_t>(pos), '\n');
    m_linePos = pos;
    return m_line;
}

bool JsonSplitter::enterWrappedArray()
{
    // m_pos is at '{'. Walk the top-level keys until one names the record array.
    std::size_t pos = skipWhitespace(m_pos + 1);
    while (pos < m_text.size() && m_text[pos] == '"') {
        const std::size_t keyEnd = skipString(pos);
        if (keyEnd == std::string_view::npos)
            return false;
        const std::string_view key = m_text.substr(pos + 1, keyEnd - pos - 2);
        pos = skipWhitespace(keyEnd);
        if (pos >= m_text.size() || m_text[pos] != ':')
            return false;
        pos = skipWhitespace(pos + 1);
        if (pos < m_text.size() && m_text[pos] == '[' && (keyIs(key, "value") || keyIs(key, "records"))) {
            m_pos = skipWhitespace(pos + 1);
            m_inArray = true;
            return true;
        }
        pos = skipValue(pos);
        if (pos == std::string_view::npos)
            return false;
        pos = skipWhitespace(pos);
        if (pos < m_text.size() && m_text[pos] == ',')
            pos = skipWhitespace(pos + 1);
    }
    return false;
}

void JsonSplitter::setProblem(std::size_t pos, std::string text)
{
    m_problem = std::move(text);
    m_problemLine = lineAt(std::min(pos, m_text.size()));
}

bool JsonSplitter::next(JsonSpan &span)
{
    m_problem.clear();
    m_problemLine = 0;
    if (m_done)
        return false;
    const std::size_t size = m_text.size();
    m_pos = skipWhitespace(m_pos);
    if (m_inArray) {
        if (m_pos < size && m_text[m_pos] == ']') {
            m_done = true;
            return false;
        }
    }
    if (m_pos >= size) {
        if (m_inArray)
            setProblem(size, "the JSON array is not closed: the file looks truncated");
        m_done = true;
        return false;
    }
    const std::size_t start = m_pos;
    const std::size_t end = std::max(skipValue(start), start + 1); // a stray ',' '}' ']' must still advance
    if (!m_inArray && m_text[start] == '{') {
        // JSON lines: a record left open (a line cut short, a stray quote) must not swallow the
        // records after it. A '{' at the start of a line begins the next top-level record, since
        // nested objects are never at column 0, not even in pretty-printed output.
        const std::size_t next = m_text.find("\n{", start);
        if (next != std::string_view::npos && (end == std::string_view::npos || end > next + 1)) {
            std::size_t stop = next;
            while (stop > start && (m_text[stop - 1] == '\r' || m_text[stop - 1] == '\n'))
                --stop;
            span = {start, stop - start, lineAt(start), true};
            setProblem(start, "the record is cut off: it is not closed before the next one begins");
            m_pos = next + 1;
            return true; // the caller rejects it with the problem's reason
        }
    }
    if (end == std::string_view::npos) {
        span = {start, size - start, lineAt(start), true};
        setProblem(start, "the last record is cut off: the file looks truncated");
        m_done = true;
        return true; // the caller rejects it with the problem's reason
    }
    span = {start, end - start, lineAt(start), false};
    m_pos = skipWhitespace(end);
    if (m_inArray) {
        if (m_pos < size && m_text[m_pos] == ',') {
            const std::size_t comma = m_pos;
            m_pos = skipWhitespace(m_pos + 1);
            if (m_pos < size && m_text[m_pos] == ']') {
                setProblem(comma, "trailing comma after the last record (invalid JSON); "
                                  "the records before it were read");
                m_done = true;
            }
        } else if (m_pos < size && m_text[m_pos] == ']') {
            m_done = true;
        } else if (m_pos < size) {
            setProblem(m_pos, "expected ',' or ']' between records");
            // Resynchronise at the next object start.
            while (m_pos < size && m_text[m_pos] != '{')
                ++m_pos;
        }
    }
    return true;
}

} // namespace mp
