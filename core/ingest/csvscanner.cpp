#include "ingest/csvscanner.h"

#include <algorithm>
#include <cstring>

namespace mp {

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
            // Quoted field. It is viewed in place unless it holds a doubled quote or stray text
            // after the closing quote; then it is assembled in the scratch buffer.
            std::size_t start = ++pos;
            bool copied = false;
            std::size_t scratchOffset = 0;
            std::string_view view;
            auto startCopy = [&] {
                if (!copied) {
                    scratchOffset = m_scratch.size();
                    copied = true;
                }
            };
            for (;;) {
                const void *q = pos < size ? std::memchr(base + pos, '"', size - pos) : nullptr;
                const std::size_t qpos = q ? static_cast<const char *>(q) - base : size;
                m_line += std::count(base + pos, base + qpos, '\n');
                if (!q) {
                    // The text ends inside quotes (a truncated export): keep what is there.
                    record.unterminatedQuote = true;
                    if (copied)
                        m_scratch.append(base + start, size - start);
                    else
                        view = std::string_view(base + start, size - start);
                    pos = size;
                    break;
                }
                if (qpos + 1 < size && base[qpos + 1] == '"') {
                    startCopy();
                    m_scratch.append(base + start, qpos + 1 - start);
                    pos = start = qpos + 2;
                    continue;
                }
                if (copied)
                    m_scratch.append(base + start, qpos - start);
                else
                    view = std::string_view(base + start, qpos - start);
                pos = qpos + 1;
                break;
            }
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

int CsvHeader::column(std::string_view name) const
{
    const std::string wanted = normalizeName(name);
    const auto it = std::find(m_names.begin(), m_names.end(), wanted);
    return it == m_names.end() ? -1 : static_cast<int>(it - m_names.begin());
}

} // namespace mp
