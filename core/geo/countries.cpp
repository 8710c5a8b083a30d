#include "geo/countries.h"

#include <charconv>
#include <cstddef>
#include <deque>
#include <string>
#include <unordered_map>
#include <vector>

namespace mp {

namespace detail {
// countries_data.cpp, generated at configure time.
extern const std::string_view kCountriesCsv[];
extern const std::size_t kCountriesCsvLines;
} // namespace detail

namespace {

// Lower-cased ASCII, trimmed, inner white space collapsed to one space.
std::string key(std::string_view s)
{
    std::string out;
    out.reserve(s.size());
    bool space = false;
    for (char c : s) {
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            space = !out.empty();
            continue;
        }
        if (space)
            out += ' ';
        space = false;
        out += (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
    }
    return out;
}

// RFC 4180 fields of one line.
std::vector<std::string> splitCsv(std::string_view line)
{
    std::vector<std::string> fields(1);
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                fields.back() += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                fields.back() += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            fields.emplace_back();
        } else {
            fields.back() += c;
        }
    }
    return fields;
}

double toDouble(const std::string &s)
{
    // strtod is locale-dependent; the data always uses '.', so parse by hand.
    double value = 0;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), value);
    return r.ec == std::errc() ? value : 0.0;
}

struct Table {
    std::deque<std::string> text; // owns every string the Country views point into
    std::vector<Country> rows;
    std::unordered_map<std::string, std::size_t> byKey;
    std::unordered_map<int, std::size_t> byNumeric;

    Table()
    {
        const auto keep = [this](std::string s) -> std::string_view { return text.emplace_back(std::move(s)); };
        std::vector<std::vector<std::string>> aliases;
        bool header = true;
        for (std::size_t i = 0; i < detail::kCountriesCsvLines; ++i) {
            const std::string_view line = detail::kCountriesCsv[i];
            if (line.empty())
                continue;
            if (header) { // alpha2,alpha3,numeric,name,latitude,longitude,aliases
                header = false;
                continue;
            }
            auto f = splitCsv(line);
            if (f.size() < 6 || f[0].size() != 2 || f[1].size() != 3)
                continue;
            Country c;
            c.alpha2 = keep(f[0]);
            c.alpha3 = keep(f[1]);
            std::from_chars(f[2].data(), f[2].data() + f[2].size(), c.numeric);
            c.name = keep(f[3]);
            c.latitude = toDouble(f[4]);
            c.longitude = toDouble(f[5]);
            rows.push_back(c);
            std::vector<std::string> a;
            if (f.size() > 6) {
                std::string_view rest = f[6];
                while (!rest.empty()) {
                    const auto bar = rest.find('|');
                    a.emplace_back(rest.substr(0, bar));
                    rest = bar == rest.npos ? std::string_view() : rest.substr(bar + 1);
                }
            }
            aliases.push_back(std::move(a));
        }
        // Codes first, then names, then aliases: a code never loses to a name.
        for (std::size_t i = 0; i < rows.size(); ++i) {
            byKey.emplace(key(rows[i].alpha2), i);
            byKey.emplace(key(rows[i].alpha3), i);
            byNumeric.emplace(rows[i].numeric, i);
        }
        for (std::size_t i = 0; i < rows.size(); ++i)
            byKey.emplace(key(rows[i].name), i);
        for (std::size_t i = 0; i < rows.size(); ++i)
            for (const auto &a : aliases[i])
                byKey.emplace(key(a), i);
    }
};

const Table &table()
{
    static const Table t; // built on first use; thread-safe initialisation
    return t;
}

} // namespace

const Country *findCountry(std::string_view codeOrName)
{
    const Table &t = table();
    const std::string k = key(codeOrName);
    if (k.empty())
        return nullptr;
    if (k.size() <= 3 && k.find_first_not_of("0123456789") == std::string::npos) {
        int n = 0;
        std::from_chars(k.data(), k.data() + k.size(), n);
        return findCountryByNumeric(n);
    }
    const auto it = t.byKey.find(k);
    return it == t.byKey.end() ? nullptr : &t.rows[it->second];
}

const Country *findCountryByNumeric(int numeric)
{
    const Table &t = table();
    const auto it = t.byNumeric.find(numeric);
    return it == t.byNumeric.end() ? nullptr : &t.rows[it->second];
}

std::span<const Country> allCountries()
{
    const Table &t = table();
    return {t.rows.data(), t.rows.size()};
}

} // namespace mp
