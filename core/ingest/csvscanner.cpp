#include "ingest/csvscanner.h"

#include <algorithm>
#include <cstring>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace mp {

namespace {

// The closing quote of a quoted field whose text starts at `pos`, skipping doubled quotes
// (reported in `doubled`) and counting the line breaks inside; npos when the text ends first.
// Sixteen bytes at a time: JSON in a cell holds a doubled quote every few bytes, and a memchr
// per quote cost more than the search itself.
std::size_t findClosingQuote(const char *base, std::size_t pos, std::size_t size, bool &doubled,
                             std::int64_t &newlines)
{
#ifdef __SSE2__
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i newline = _mm_set1_epi8('\n');
    while (pos + 16 <= size) {
        const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i *>(base + pos));
        const auto quotes = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(block, quote)));
        const auto breaks = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(block, newline)));
        if (quotes == 0) {
            newlines += __builtin_popcount(breaks);
            pos += 16;
            continue;
        }
        const int first = __builtin_ctz(quotes);
        newlines += __builtin_popcount(breaks & ((1u << first) - 1));
        const std::size_t q = pos + static_cast<std::size_t>(first);
        if (q + 1 < size && base[q + 1] == '"') {
            doubled = true;
            pos = q + 2;
            continue;
        }
        return q;
    }
#endif
    while (pos < size) {
        const char c = base[pos];
        if (c == '"') {
            if (pos + 1 < size && base[pos + 1] == '"') {
                doubled = true;
                pos += 2;
                continue;
            }
            return pos;
        }
        newlines += c == '\n';
        ++pos;
    }
    return std::string_view::npos;
}

} // namespace

CsvScanner::CsvScanner(std::string_view text, char delimiter)
    : m_text(text)
    , m_delimiter(delimiter)
{
}

char CsvScanner::guessDelimiter(std::string_view text)
{
    const std::size_t eol = text.find('\n');
    const std::string_view first = text.substr(0, eol);
    std::size_t commas = 0, semicolons = 0, tabs = 0;
    bool quoted = false;
    for (const char c : first) {
        if (c == '"')
            quoted = !quoted;
        else if (!quoted) {
            commas += c == ',';
            semicolons += c == ';';
            tabs += c == '\t';
        }
    }
    if (tabs > commas && tabs > semicolons)
        return '\t';
    if (semicolons > commas)
        return ';';
    return ',';
}

void CsvScanner::skipLine()
{
    const std::size_t eol = m_text.find('\n', m_pos);
    m_pos = eol == std::string_view::npos ? m_text.size() : eol + 1;
    ++m_line;
}

bool CsvScanner::next(CsvRecord &record)
{
    record.fields.clear();
    record.unterminatedQuote = false;
    m_scratch.clear();
    m_scratchFields.clear();

    // Blank lines between records carry nothing.
    while (m_pos < m_text.size() && (m_text[m_pos] == '\n' || m_text[m_pos] == '\r')) {
        if (m_text[m_pos] == '\n')
            ++m_line;
        ++m_pos;
    }
    if (m_pos >= m_text.size())
        return false;

    record.line = m_line;
    record.offset = m_pos;
    const char *const base = m_text.data();
    const std::size_t size = m_text.size();
    std::size_t pos = m_pos;

    for (;;) {
        if (pos < size && base[pos] == '"') {
            // Quoted field. It is viewed in place unless it holds doubled quotes (JSON in a cell
            // has dozens) or stray text after the closing quote; then it is assembled in the
            // scratch buffer: one scan finds the closing quote, one copy drops the doublings.
            const std::size_t start = ++pos;
            bool doubled = false;
            std::int64_t newlines = 0;
            const std::size_t close = findClosingQuote(base, start, size, doubled, newlines);
            m_line += newlines;
            const std::size_t end = close == std::string_view::npos ? size : close;
            if (close == std::string_view::npos)
                record.unterminatedQuote = true; // a truncated export: keep what is there
            bool copied = false;
            std::size_t scratchOffset = 0;
            std::string_view view;
            if (doubled) {
                copied = true;
                scratchOffset = m_scratch.size();
                m_scratch.resize(scratchOffset + (end - start));
                char *out = m_scratch.data() + scratchOffset;
                std::size_t from = start;
                while (const void *q = std::memchr(base + from, '"', end - from)) {
                    const std::size_t qpos = static_cast<const char *>(q) - base;
                    std::memcpy(out, base + from, qpos + 1 - from);
                    out += qpos + 1 - from;
                    from = qpos + 2;
                    if (from >= end)
                        break;
                }
                if (from < end) {
                    std::memcpy(out, base + from, end - from);
                    out += end - from;
                }
                m_scratch.resize(static_cast<std::size_t>(out - m_scratch.data()));
            } else {
                view = std::string_view(base + start, end - start);
            }
            pos = close == std::string_view::npos ? size : close + 1;
            auto startCopy = [&] {
                if (!copied) {
                    scratchOffset = m_scratch.size();
                    copied = true;
                }
            };
            // Text between the closing quote and the delimiter ("abc"def) is malformed; keep it.
            const std::size_t junkStart = pos;
            while (pos < size && base[pos] != m_delimiter && base[pos] != '\n')
                ++pos;
            std::size_t junkEnd = pos;
            if (junkEnd > junkStart && base[junkEnd - 1] == '\r')
                --junkEnd;
            if (junkEnd > junkStart) {
                if (!copied) {
                    startCopy();
                    m_scratch.append(view);
                }
                m_scratch.append(base + junkStart, junkEnd - junkStart);
            }
            if (copied) {
                m_scratchFields.emplace_back(record.fields.size(), scratchOffset);
                record.fields.emplace_back();
            } else {
                record.fields.push_back(view);
            }
        } else {
            // Unquoted field: up to the delimiter or end of line.
            const std::size_t start = pos;
            while (pos < size && base[pos] != m_delimiter && base[pos] != '\n')
                ++pos;
            std::size_t end = pos;
            if (end > start && base[end - 1] == '\r' && (pos >= size || base[pos] == '\n'))
                --end;
            record.fields.emplace_back(base + start, end - start);
        }

        if (pos < size && base[pos] == m_delimiter) {
            ++pos;
            continue;
        }
        // End of record.
        std::size_t recordEnd = pos;
        if (pos < size && base[pos] == '\n') {
            ++m_line;
            ++pos;
        }
        while (recordEnd > record.offset && (base[recordEnd - 1] == '\r'))
            --recordEnd;
        record.length = recordEnd - record.offset;
        break;
    }

    // Resolve scratch-backed fields now that the scratch buffer is final.
    for (std::size_t i = 0; i < m_scratchFields.size(); ++i) {
        const auto [field, off] = m_scratchFields[i];
        const std::size_t endOff = i + 1 < m_scratchFields.size() ? m_scratchFields[i + 1].second : m_scratch.size();
        record.fields[field] = std::string_view(m_scratch).substr(off, endOff - off);
    }
    m_pos = pos;
    return true;
}

std::string CsvHeader::normalizeName(std::string_view name)
{
    std::string out;
    out.reserve(name.size());
    bool space = false;
    for (const char c : name) {
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '"') {
            space = !out.empty();
            continue;
        }
        if (space)
            out.push_back(' ');
        space = false;
        out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
    }
    // Strip a BOM that survived decoding and the Log Analytics unit suffix.
    if (out.rfind("\xEF\xBB\xBF", 0) == 0)
        out.erase(0, 3);
    constexpr std::string_view utc = " [utc]";
    if (out.size() > utc.size() && out.compare(out.size() - utc.size(), utc.size(), utc) == 0)
        out.resize(out.size() - utc.size());
    return out;
}

CsvHeader::CsvHeader(const std::vector<std::string_view> &names)
{
    m_names.reserve(names.size());
    for (const auto name : names)
        m_names.push_back(normalizeName(name));
}

CsvHeader::Columns CsvHeader::columns(std::string_view name) const
{
    for (const auto &[asked, found] : m_lookups) {
        if (asked == name)
            return found;
    }
    Columns found;
    found.plain = column(name);
    found.dynamic = column(std::string(name) + "_dynamic");
    found.string = column(std::string(name) + "_string");
    m_lookups.emplace_back(std::string(name), found);
    return m_lookups.back().second;
}

int CsvHeader::column(std::string_view name) const
{
    const std::string wanted = normalizeName(name);
    const auto it = std::find(m_names.begin(), m_names.end(), wanted);
    return it == m_names.end() ? -1 : static_cast<int>(it - m_names.begin());
}

} // namespace mp
