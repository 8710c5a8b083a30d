#include "ingest/csvscanner.h"

#include <algorithm>
#include <cstring>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace mp {

namespace {

// Bits set in a 16-bit mask. The baseline x86-64 target has no POPCNT instruction, so
// __builtin_popcount became a libgcc call on every 16-byte block; line breaks inside a cell are
// rare, so this only runs for blocks that hold one.
inline int popcount16(unsigned v) noexcept
{
    v = v - ((v >> 1) & 0x5555u);
    v = (v & 0x3333u) + ((v >> 2) & 0x3333u);
    v = (v + (v >> 4)) & 0x0F0Fu;
    return static_cast<int>((v + (v >> 8)) & 0x1Fu);
}

inline unsigned lowBits(int n) noexcept
{
    return n >= 16 ? 0xFFFFu : (1u << n) - 1u;
}

} // namespace

// A quoted field whose text starts at `pos`: finds the closing quote (npos when the text ends
// first), counts the line breaks inside, and views the text in place or, once a doubled quote
// shows up (JSON in a cell has dozens), assembles it unescaped in the scratch buffer in the same
// pass. Sixteen bytes at a time: a copy of each block is stored whole and the output advances
// past the part that belongs to the field, so a doubled quote costs a few instructions instead
// of a memchr and a memcpy.
std::size_t CsvScanner::scanQuoted(std::size_t pos, std::string_view &view, bool &copied, std::size_t &scratchOffset)
{
    const char *const base = m_text.data();
    const std::size_t size = m_text.size();
    const std::size_t start = pos;
    char *out = nullptr; // where the unescaped text continues, once copying
    auto beginCopy = [&](std::size_t upTo) {
        // The field so far, [start, upTo), had no doubled quote: it goes over as it is.
        scratchOffset = m_scratchUsed;
        reserveScratch(m_scratchUsed + (upTo - start) + 16);
        std::memcpy(m_scratch.get() + m_scratchUsed, base + start, upTo - start);
        out = m_scratch.get() + m_scratchUsed + (upTo - start);
        copied = true;
    };
    auto finish = [&](std::size_t close) {
        if (copied)
            m_scratchUsed = static_cast<std::size_t>(out - m_scratch.get());
        else
            view = std::string_view(base + start, close - start);
        return close;
    };
#ifdef __SSE2__
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i newline = _mm_set1_epi8('\n');
    while (pos + 16 <= size) {
        const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i *>(base + pos));
        const auto quotes = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(block, quote)));
        const auto breaks = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(block, newline)));
        if (copied) {
            const std::size_t used = static_cast<std::size_t>(out - m_scratch.get());
            if (used + 16 > m_scratchCapacity) {
                reserveScratch(used + 16);
                out = m_scratch.get() + used;
            }
            _mm_storeu_si128(reinterpret_cast<__m128i *>(out), block);
        }
        if (quotes == 0) {
            if (breaks)
                m_line += popcount16(breaks);
            pos += 16;
            if (copied)
                out += 16;
            continue;
        }
        const int first = __builtin_ctz(quotes);
        if (breaks)
            m_line += popcount16(breaks & lowBits(first));
        const std::size_t q = pos + static_cast<std::size_t>(first);
        if (q + 1 < size && base[q + 1] == '"') {
            // A doubled quote: keep one. The block stored above already holds it.
            if (copied)
                out += first + 1;
            else
                beginCopy(q + 1);
            pos = q + 2;
            continue;
        }
        if (copied)
            out += first;
        return finish(q);
    }
#endif
    while (pos < size) {
        const char c = base[pos];
        if (c == '"') {
            if (pos + 1 < size && base[pos + 1] == '"') {
                if (!copied) {
                    beginCopy(pos + 1);
                } else {
                    const std::size_t used = static_cast<std::size_t>(out - m_scratch.get());
                    reserveScratch(used + 1);
                    out = m_scratch.get() + used;
                    *out++ = '"';
                }
                pos += 2;
                continue;
            }
            return finish(pos);
        }
        m_line += c == '\n';
        if (copied) {
            const std::size_t used = static_cast<std::size_t>(out - m_scratch.get());
            reserveScratch(used + 1);
            out = m_scratch.get() + used;
            *out++ = c;
        }
        ++pos;
    }
    finish(size);
    return std::string_view::npos;
}

void CsvScanner::reserveScratch(std::size_t needed)
{
    if (needed <= m_scratchCapacity)
        return;
    const std::size_t capacity = std::max(needed, m_scratchCapacity * 2);
    auto grown = std::make_unique_for_overwrite<char[]>(capacity);
    // All of it: a field being unescaped sits past m_scratchUsed until it is finished.
    if (m_scratchCapacity > 0)
        std::memcpy(grown.get(), m_scratch.get(), m_scratchCapacity);
    m_scratch = std::move(grown);
    m_scratchCapacity = capacity;
}

void CsvScanner::appendScratch(const char *data, std::size_t length)
{
    if (length == 0)
        return;
    reserveScratch(m_scratchUsed + length);
    std::memcpy(m_scratch.get() + m_scratchUsed, data, length);
    m_scratchUsed += length;
}

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
    m_scratchUsed = 0;
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
            // scratch buffer by the same scan that finds the closing quote.
            bool copied = false;
            std::size_t scratchOffset = 0;
            std::string_view view;
            const std::size_t close = scanQuoted(++pos, view, copied, scratchOffset);
            if (close == std::string_view::npos)
                record.unterminatedQuote = true; // a truncated export: keep what is there
            pos = close == std::string_view::npos ? size : close + 1;
            // Text between the closing quote and the delimiter ("abc"def) is malformed; keep it.
            const std::size_t junkStart = pos;
            while (pos < size && base[pos] != m_delimiter && base[pos] != '\n')
                ++pos;
            std::size_t junkEnd = pos;
            if (junkEnd > junkStart && base[junkEnd - 1] == '\r')
                --junkEnd;
            if (junkEnd > junkStart) {
                if (!copied) {
                    scratchOffset = m_scratchUsed;
                    copied = true;
                    appendScratch(view.data(), view.size());
                }
                appendScratch(base + junkStart, junkEnd - junkStart);
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
        const std::size_t endOff = i + 1 < m_scratchFields.size() ? m_scratchFields[i + 1].second : m_scratchUsed;
        record.fields[field] = std::string_view(m_scratch.get() + off, endOff - off);
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
