#include "ingest/fields.h"

#include <cstring>

namespace mp {

using simdjson::dom::element;
using simdjson::dom::element_type;

void ParseArena::reset()
{
    m_used = 0;
    m_stringsUsed = 0;
    m_indexesUsed = 0;
}

std::uint64_t ParseArena::keyHash(std::string_view key)
{
    // Eight bytes at a time with bit 5 set in every byte: that folds ASCII upper case onto lower
    // case, so keys equal but for case hash alike (other bytes change too, but the same way on
    // both sides; find() still compares the keys). A normaliser hashes some sixty keys a record,
    // so a byte-at-a-time hash showed in the ingest profile.
    constexpr std::uint64_t kFold = 0x2020202020202020ULL;
    constexpr std::uint64_t kMul = 0x9E3779B97F4A7C15ULL;
    std::uint64_t h = key.size() * kMul;
    const char *p = key.data();
    std::size_t n = key.size();
    while (n >= 8) {
        std::uint64_t w;
        std::memcpy(&w, p, 8);
        h = (h ^ (w | kFold)) * kMul;
        h ^= h >> 32;
        p += 8;
        n -= 8;
    }
    if (n > 0) {
        // The last one to seven bytes in one word without a byte loop: two overlapping 4-byte
        // loads, or the first, middle and last byte. Each byte is still folded on its own and
        // the length is in the seed, so keys equal but for case still hash alike.
        std::uint64_t w;
        if (n >= 4) {
            std::uint32_t lo, hi;
            std::memcpy(&lo, p, 4);
            std::memcpy(&hi, p + n - 4, 4);
            w = lo | (std::uint64_t(hi) << 32);
        } else {
            w = std::uint64_t(static_cast<unsigned char>(p[0]))
                | (std::uint64_t(static_cast<unsigned char>(p[n / 2])) << 8)
                | (std::uint64_t(static_cast<unsigned char>(p[n - 1])) << 16);
        }
        h = (h ^ (w | kFold)) * kMul;
        h ^= h >> 32;
    }
    return h;
}

const ParseArena::KeyIndex *ParseArena::index(simdjson::dom::object object)
{
    if (m_indexesUsed == m_indexes.size())
        m_indexes.emplace_back();
    KeyIndex &index = m_indexes[m_indexesUsed++];
    index.entries.clear();
    for (auto field : object)
        index.entries.push_back({keyHash(field.key), field.key, field.value});
    // At most half full, so that a miss (most lookups try aliases the record lacks) ends at an
    // empty slot within a probe or two.
    std::size_t size = 16;
    while (size < 2 * index.entries.size())
        size *= 2;
    index.slots.assign(size, 0);
    const std::size_t mask = size - 1;
    for (std::size_t i = 0; i < index.entries.size(); ++i) {
        std::size_t slot = index.entries[i].hash & mask;
        while (index.slots[slot] != 0)
            slot = (slot + 1) & mask;
        index.slots[slot] = static_cast<std::uint32_t>(i + 1);
    }
    return &index;
}

std::optional<element> ParseArena::KeyIndex::find(std::string_view key) const
{
    const std::uint64_t h = keyHash(key);
    const std::size_t mask = slots.size() - 1;
    // Keys equal but for case share a hash and so a probe chain, in which linear probing keeps
    // them in insertion order: the first match is the first of duplicate keys, as
    // at_key_case_insensitive answers.
    for (std::size_t slot = h & mask; slots[slot] != 0; slot = (slot + 1) & mask) {
        const Entry &e = entries[slots[slot] - 1];
        if (e.hash != h || e.key.size() != key.size())
            continue;
        if (e.key == key)
            return e.value;
        bool same = true;
        for (std::size_t i = 0; i < key.size() && same; ++i) {
            const char a = e.key[i] >= 'A' && e.key[i] <= 'Z' ? static_cast<char>(e.key[i] - 'A' + 'a') : e.key[i];
            const char b = key[i] >= 'A' && key[i] <= 'Z' ? static_cast<char>(key[i] - 'A' + 'a') : key[i];
            same = a == b;
        }
        if (same)
            return e.value;
    }
    return std::nullopt;
}

std::optional<element> ParseArena::parse(std::string_view json, std::string *error)
{
    if (m_used == m_parsers.size())
        m_parsers.push_back(std::make_unique<simdjson::dom::parser>());
    auto &parser = *m_parsers[m_used];
    element root;
    const auto rc = parser.parse(json.data(), json.size(), true).get(root);
    if (rc) {
        if (error)
            *error = simdjson::error_message(rc);
        return std::nullopt;
    }
    ++m_used;
    return root;
}

std::string_view ParseArena::keep(std::string text)
{
    if (m_stringsUsed == m_strings.size())
        m_strings.emplace_back();
    std::string &slot = m_strings[m_stringsUsed++];
    slot = std::move(text);
    return slot;
}

Fields::Fields(ParseArena &arena, const CsvHeader &header, const CsvRecord &row)
    : m_arena(&arena)
    , m_header(&header)
    , m_row(&row)
{
}

Fields::Fields(ParseArena &arena, simdjson::dom::object object)
    : m_arena(&arena)
    , m_object(object)
    , m_index(arena.index(object))
{
}

std::optional<std::string_view> Fields::csvCell(std::string_view name) const
{
    const CsvHeader::Columns columns = m_header->columns(name);
    const auto size = static_cast<int>(m_row->fields.size());
    int column = columns.plain;
    if (column < 0) {
        // Log Analytics splits dynamic columns in two; either half holds the JSON.
        for (const int half : {columns.dynamic, columns.string}) {
            column = half;
            if (column >= 0 && column < size && !m_row->fields[static_cast<std::size_t>(column)].empty())
                break;
            column = -1;
        }
    }
    if (column < 0 || column >= size)
        return std::nullopt;
    return m_row->fields[static_cast<std::size_t>(column)];
}

std::optional<element> Fields::lookup(element root, std::string_view path)
{
    element current = root;
    while (!path.empty()) {
        const std::size_t dot = path.find('.');
        const std::string_view key = path.substr(0, dot);
        simdjson::dom::object obj;
        if (current.get_object().get(obj))
            return std::nullopt;
        element child;
        if (obj.at_key_case_insensitive(key).get(child))
            return std::nullopt;
        current = child;
        path = dot == std::string_view::npos ? std::string_view{} : path.substr(dot + 1);
    }
    return current;
}

std::optional<element> Fields::resolve(std::string_view path) const
{
    if (m_header) {
        if (auto cell = csvCell(path))
            return std::nullopt; // a plain cell: callers that want JSON go through json()
        const std::size_t dot = path.find('.');
        if (dot == std::string_view::npos)
            return std::nullopt;
        auto parent = json(path.substr(0, dot));
        if (!parent)
            return std::nullopt;
        return lookup(*parent, path.substr(dot + 1));
    }
    // JSON: try the whole path as one key first (keys may contain dots), then descend.
    if (auto child = m_index->find(path))
        return child;
    const std::size_t dot = path.find('.');
    if (dot == std::string_view::npos)
        return std::nullopt;
    const auto found = m_index->find(path.substr(0, dot));
    if (!found)
        return std::nullopt;
    element head = *found;
    if (head.type() == element_type::STRING) {
        // JSON held inside a JSON string (Sentinel exports do this with Parameters, Location...).
        auto parsed = m_arena->parse(std::string_view(head.get_string().value_unsafe()));
        if (!parsed)
            return std::nullopt;
        head = *parsed;
    }
    return lookup(head, path.substr(dot + 1));
}

bool Fields::has(std::string_view path) const
{
    if (m_header && csvCell(path))
        return true;
    return resolve(path).has_value();
}

std::string_view Fields::elementText(ParseArena &arena, element value)
{
    switch (value.type()) {
    case element_type::STRING:
        return value.get_string().value_unsafe();
    case element_type::NULL_VALUE:
        return {};
    case element_type::BOOL:
        return value.get_bool().value_unsafe() ? "true" : "false";
    case element_type::INT64:
        return arena.keep(std::to_string(value.get_int64().value_unsafe()));
    case element_type::UINT64:
        return arena.keep(std::to_string(value.get_uint64().value_unsafe()));
    case element_type::DOUBLE: {
        char buf[32];
        const int n = std::snprintf(buf, sizeof buf, "%.15g", value.get_double().value_unsafe());
        return arena.keep(std::string(buf, static_cast<std::size_t>(n)));
    }
    case element_type::OBJECT:
    case element_type::ARRAY:
        return arena.keep(simdjson::minify(value));
    }
    return {};
}

std::string_view Fields::text(std::string_view path) const
{
    if (m_header) {
        if (auto cell = csvCell(path))
            return *cell;
    }
    if (auto value = resolve(path))
        return elementText(*m_arena, *value);
    return {};
}

std::string_view Fields::firstText(std::initializer_list<std::string_view> paths) const
{
    for (const auto path : paths) {
        const std::string_view value = text(path);
        if (!value.empty())
            return value;
    }
    return {};
}

std::optional<element> Fields::json(std::string_view path) const
{
    std::string_view source;
    if (m_header) {
        if (auto cell = csvCell(path))
            source = *cell;
        else
            return resolve(path);
    } else {
        auto value = resolve(path);
        if (!value)
            return std::nullopt;
        if (value->type() != element_type::STRING)
            return value;
        source = value->get_string().value_unsafe();
    }
    // Text that holds JSON: parse it (only if it looks like an object or array).
    std::size_t i = 0;
    while (i < source.size() && (source[i] == ' ' || source[i] == '\t' || source[i] == '\r' || source[i] == '\n'))
        ++i;
    if (i >= source.size() || (source[i] != '{' && source[i] != '['))
        return std::nullopt;
    return m_arena->parse(source);
}

std::optional<Fields> Fields::object(std::string_view path) const
{
    auto value = json(path);
    if (!value)
        return std::nullopt;
    simdjson::dom::object obj;
    if (value->get_object().get(obj))
        return std::nullopt;
    return Fields(*m_arena, obj);
}

} // namespace mp
