#pragma once

#include "ingest/csvscanner.h"

#include <simdjson.h>

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mp {

// Owns what field lookups of one record produce: parsers for JSON found inside CSV cells or JSON
// strings, and text made from numbers. reset() between records reuses the memory.
class ParseArena
{
public:
    void reset();
    // Parses JSON text; the element stays valid until reset().
    std::optional<simdjson::dom::element> parse(std::string_view json, std::string *error = nullptr);
    std::string_view keep(std::string text);

    // The keys of one JSON object in a small open-addressing table, hashed case-insensitively,
    // so that the forty or so lookups a normaliser makes per record cost a hash and a probe or
    // two instead of a case-insensitive string scan over every key each time.
    struct KeyIndex
    {
        struct Entry
        {
            std::uint64_t hash;
            std::string_view key;
            simdjson::dom::element value;
        };
        std::vector<Entry> entries;   // in the object's order
        std::vector<std::uint32_t> slots; // entry index + 1, 0 for an empty slot; a power of two long
        std::optional<simdjson::dom::element> find(std::string_view key) const;
    };
    const KeyIndex *index(simdjson::dom::object object);
    static std::uint64_t keyHash(std::string_view key);

private:
    std::deque<KeyIndex> m_indexes;
    std::size_t m_indexesUsed = 0;
    std::vector<std::unique_ptr<simdjson::dom::parser>> m_parsers;
    std::size_t m_used = 0;
    std::deque<std::string> m_strings;
    std::size_t m_stringsUsed = 0;
};

// A case-insensitive view of one record's fields, whether the record is a JSON object or a CSV
// row, so that one normaliser serves the CSV and JSON exports of the same table.
// Paths: "Location" or dotted "location.city"; a CSV column named "location.city" wins over
// descending, and a Log Analytics column split as "LocationDetails_dynamic" or "_string" is found
// as "LocationDetails". JSON held as text (a CSV cell, a JSON string) is parsed when descended into.
class Fields
{
public:
    Fields(ParseArena &arena, const CsvHeader &header, const CsvRecord &row);
    Fields(ParseArena &arena, simdjson::dom::object object);

    bool has(std::string_view path) const;
    // The field as text: strings as they are, numbers and booleans as written, null as empty,
    // objects and arrays as compact JSON.
    std::string_view text(std::string_view path) const;
    // The first non-empty of several alternative names.
    std::string_view firstText(std::initializer_list<std::string_view> paths) const;
    // The field as JSON (parsing text that holds JSON).
    std::optional<simdjson::dom::element> json(std::string_view path) const;
    std::optional<Fields> object(std::string_view path) const;
    bool isCsv() const { return m_header != nullptr; }
    ParseArena &arena() const { return *m_arena; }

    static std::string_view elementText(ParseArena &arena, simdjson::dom::element element);
    static std::optional<simdjson::dom::element> lookup(simdjson::dom::element root, std::string_view path);

private:
    std::optional<std::string_view> csvCell(std::string_view name) const;
    std::optional<simdjson::dom::element> resolve(std::string_view path) const;

    ParseArena *m_arena;
    const CsvHeader *m_header = nullptr;
    const CsvRecord *m_row = nullptr;
    simdjson::dom::object m_object;
    const ParseArena::KeyIndex *m_index = nullptr;
};

} // namespace mp
