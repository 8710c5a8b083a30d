#include "detect/stringpool.h"

#include <xxhash.h>

#include <cstring>
#include <iterator>

namespace mp {

namespace {

constexpr std::size_t kChunkSize = 1 << 20;

} // namespace

StringPool::StringPool()
{
    m_views.emplace_back();
    m_slots.resize(1024);
}

std::string_view StringPool::store(std::string_view text)
{
    if (text.size() > kChunkSize / 4) {
        // A long string gets a chunk of its own, so that chunks are not wasted on it.
        m_chunks.push_back(std::make_unique<char[]>(text.size()));
        std::memcpy(m_chunks.back().get(), text.data(), text.size());
        std::string_view stored(m_chunks.back().get(), text.size());
        // Keep filling the previous chunk: move the big one below it.
        if (m_chunks.size() > 1)
            std::swap(m_chunks[m_chunks.size() - 1], m_chunks[m_chunks.size() - 2]);
        return stored;
    }
    if (m_chunks.empty() || m_chunkUsed + text.size() > m_chunkSize) {
        m_chunks.push_back(std::make_unique<char[]>(kChunkSize));
        m_chunkSize = kChunkSize;
        m_chunkUsed = 0;
    }
    char *at = m_chunks.back().get() + m_chunkUsed;
    std::memcpy(at, text.data(), text.size());
    m_chunkUsed += text.size();
    return {at, text.size()};
}

std::size_t StringPool::slotOf(std::string_view text, std::uint64_t hash) const
{
    const std::size_t mask = m_slots.size() - 1;
    std::size_t i = static_cast<std::size_t>(hash) & mask;
    while (true) {
        const Slot &s = m_slots[i];
        if (s.id == 0 || (s.hash == hash && s.size == text.size() && std::memcmp(s.data, text.data(), text.size()) == 0))
            return i;
        i = (i + 1) & mask;
    }
}

void StringPool::grow()
{
    std::vector<Slot> old(m_slots.size() * 2);
    old.swap(m_slots);
    const std::size_t mask = m_slots.size() - 1;
    for (const Slot &s : old) {
        if (s.id == 0)
            continue;
        std::size_t i = static_cast<std::size_t>(s.hash) & mask;
        while (m_slots[i].id != 0)
            i = (i + 1) & mask;
        m_slots[i] = s;
    }
}

StringPool::Lookup StringPool::prepare(std::string_view text) const
{
    if (text.empty())
        return {};
    const std::uint64_t hash = XXH3_64bits(text.data(), text.size());
    __builtin_prefetch(&m_slots[static_cast<std::size_t>(hash) & (m_slots.size() - 1)]);
    return {text, hash};
}

StrId StringPool::intern(std::string_view text)
{
    if (text.empty())
        return 0;
    return intern(Lookup{text, XXH3_64bits(text.data(), text.size())});
}

StrId StringPool::intern(const Lookup &lookup)
{
    const std::string_view text = lookup.text;
    if (text.empty())
        return 0;
    const std::uint64_t hash = lookup.hash;
    std::size_t i = slotOf(text, hash);
    if (m_slots[i].id != 0)
        return m_slots[i].id;
    // Keep the table at most half full so that probes stay short.
    if ((m_indexed + 1) * 2 > m_slots.size()) {
        grow();
        i = slotOf(text, hash);
    }
    const auto id = static_cast<StrId>(m_views.size());
    const std::string_view stored = store(text);
    m_views.push_back(stored);
    m_slots[i] = {hash, stored.data(), static_cast<std::uint32_t>(stored.size()), id};
    ++m_indexed;
    return id;
}

StrId StringPool::append(std::string_view text)
{
    if (text.empty())
        return 0;
    const auto id = static_cast<StrId>(m_views.size());
    m_views.push_back(store(text));
    return id;
}

void StringPool::adopt(std::vector<std::unique_ptr<char[]>> chunks)
{
    // In front: the last chunk is the one store() fills.
    m_chunks.insert(m_chunks.begin(), std::make_move_iterator(chunks.begin()), std::make_move_iterator(chunks.end()));
}

StrId StringPool::find(std::string_view text) const
{
    if (text.empty())
        return 0;
    return m_slots[slotOf(text, XXH3_64bits(text.data(), text.size()))].id;
}

} // namespace mp
