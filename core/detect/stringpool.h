#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace mp {

using StrId = std::uint32_t;

// Interns strings as dense integer ids so that detectors compare, group and index by integers.
// Id 0 is always the empty string. Views stay valid as long as the pool lives.
//
// Loading a case interns several strings per event (millions of lookups), so this is an
// open-addressing table of (64-bit hash, id) over a chunked text arena: one probe compares
// hashes, and only a matching hash compares text.
class StringPool
{
public:
    StringPool();
    StringPool(const StringPool &) = delete;
    StringPool &operator=(const StringPool &) = delete;
    StringPool(StringPool &&) = default;
    StringPool &operator=(StringPool &&) = default;

    StrId intern(std::string_view text);
    // intern() in two steps, so that the caller can do other work while the table's memory is
    // fetched: prepare() hashes and prefetches, intern(Lookup) finishes. The text must stay
    // valid in between, and nothing may be interned into this pool in between.
    struct Lookup
    {
        std::string_view text;
        std::uint64_t hash = 0;
    };
    Lookup prepare(std::string_view text) const;
    // Optional middle step, some time after prepare(): prefetches the stored text that the
    // lookup will compare with (read from the slot prepare() fetched).
    void prefetchText(const Lookup &lookup) const
    {
        const Slot &slot = m_slots[static_cast<std::size_t>(lookup.hash) & (m_slots.size() - 1)];
        if (slot.hash == lookup.hash)
            __builtin_prefetch(slot.data);
    }
    StrId intern(const Lookup &lookup);
    // Adds text under a new id without indexing it: find() does not know it and intern() of the
    // same text gives another id. For texts the caller knows to occur once (a load's unique
    // session ids), which then cost no lookup in a table too large to stay in cache.
    StrId append(std::string_view text);
    // Takes over memory that holds texts, so that appendStored() can add views into it.
    void adopt(std::vector<std::unique_ptr<char[]>> chunks);
    // As append(), for text that lies in memory given to adopt(): not copied.
    StrId appendStored(std::string_view text)
    {
        if (text.empty())
            return 0;
        m_views.push_back(text);
        return static_cast<StrId>(m_views.size() - 1);
    }
    // The id of text if it was interned, else 0 (which is also the empty string's id).
    StrId find(std::string_view text) const;
    std::string_view view(StrId id) const { return m_views[id]; }
    std::size_t size() const { return m_views.size(); }

private:
    // The text's address and length sit in the slot, so that a lookup touches the slot and the
    // text, not a third array in between.
    struct Slot
    {
        std::uint64_t hash = 0;
        const char *data = nullptr;
        std::uint32_t size = 0;
        StrId id = 0; // 0: empty slot (the empty string is never stored in the table)
    };
    std::size_t slotOf(std::string_view text, std::uint64_t hash) const;
    void grow();
    std::string_view store(std::string_view text);

    std::vector<std::unique_ptr<char[]>> m_chunks;
    std::size_t m_chunkUsed = 0;
    std::size_t m_chunkSize = 0;
    std::vector<std::string_view> m_views;
    std::vector<Slot> m_slots; // size is a power of two
    std::size_t m_indexed = 0; // texts in m_slots (append() adds none)
};

} // namespace mp
