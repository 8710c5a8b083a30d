#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace mp {

// The set of dedup keys a bulk import checks each record against while the unique index on
// events(dedup_key) is dropped. The keys are 64-bit XXH3 hashes, already uniformly spread, so
// they index an open-addressed table directly: 8 bytes a key, no nodes, no rehashing of strings.
// Zero marks an empty slot; the key zero itself is kept apart.
class DedupSet
{
public:
    // Adds the key; false when it was there already.
    bool insert(std::uint64_t key)
    {
        if (key == 0) {
            const bool added = !m_hasZero;
            m_hasZero = true;
            return added;
        }
        if ((m_count + 1) * 4 > m_slots.size() * 3)
            grow();
        if (!place(m_slots, key))
            return false;
        ++m_count;
        return true;
    }

    void reserve(std::size_t keys)
    {
        std::size_t table = 1024;
        while (table * 3 < keys * 4)
            table *= 2;
        if (table > m_slots.size())
            rehash(table);
    }

    std::size_t size() const { return m_count + (m_hasZero ? 1 : 0); }

    void clear()
    {
        std::vector<std::uint64_t>().swap(m_slots);
        m_count = 0;
        m_hasZero = false;
    }

private:
    // Linear probing from the key's low bits; false when the key is already in the table.
    static bool place(std::vector<std::uint64_t> &table, std::uint64_t key)
    {
        const std::size_t mask = table.size() - 1;
        for (std::size_t i = key & mask;; i = (i + 1) & mask) {
            if (table[i] == key)
                return false;
            if (table[i] == 0) {
                table[i] = key;
                return true;
            }
        }
    }

    void grow() { rehash(m_slots.empty() ? 1024 : m_slots.size() * 2); }

    void rehash(std::size_t slotCount)
    {
        std::vector<std::uint64_t> table(slotCount, 0);
        for (const std::uint64_t key : m_slots) {
            if (key != 0)
                place(table, key);
        }
        m_slots.swap(table);
    }

    std::vector<std::uint64_t> m_slots;
    std::size_t m_count = 0;
    bool m_hasZero = false;
};

} // namespace mp
