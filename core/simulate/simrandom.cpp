#include "simulate/simrandom.h"

namespace mp::sim {

std::uint64_t mixSeed(std::uint64_t value)
{
    value += 0x9e3779b97f4a7c15ULL;
    value = (value ^ (value >> 30)) * 0xbf58476d1ce4e5b9ULL;
    value = (value ^ (value >> 27)) * 0x94d049bb133111ebULL;
    return value ^ (value >> 31);
}

SimRandom SimRandom::forStream(std::uint64_t seed, std::string_view name)
{
    std::uint64_t hash = 0xcbf29ce484222325ULL; // FNV-1a: stable, unlike std::hash
    for (const char c : name) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 0x100000001b3ULL;
    }
    return SimRandom(mixSeed(seed ^ mixSeed(hash)));
}

std::int64_t SimRandom::between(std::int64_t lo, std::int64_t hi)
{
    if (hi <= lo)
        return lo;
    const std::uint64_t range = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo) + 1;
    if (range == 0) // the whole 64-bit range
        return static_cast<std::int64_t>(next());
    // Largest multiple of range that fits: values above it would favour the low results.
    const std::uint64_t limit = UINT64_MAX - UINT64_MAX % range;
    std::uint64_t value;
    do {
        value = next();
    } while (value >= limit);
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(lo) + value % range);
}

double SimRandom::unit()
{
    return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0);
}

std::int64_t SimRandom::around(std::int64_t mean, std::int64_t spread)
{
    if (spread <= 0)
        return mean;
    const std::int64_t sum = between(-spread, spread) + between(-spread, spread) + between(-spread, spread);
    return mean + sum / 3;
}

std::string SimRandom::guid()
{
    static const char *digits = "0123456789abcdef";
    const std::uint64_t a = next();
    const std::uint64_t b = next();
    std::string out(36, '-');
    int bit = 0;
    for (int i = 0; i < 36; ++i) {
        if (i == 8 || i == 13 || i == 18 || i == 23)
            continue;
        const std::uint64_t word = bit < 16 ? a : b;
        unsigned nibble = static_cast<unsigned>((word >> ((bit % 16) * 4)) & 15U);
        if (i == 14)
            nibble = 4; // version 4
        else if (i == 19)
            nibble = 8 | (nibble & 3); // RFC 4122 variant
        out[static_cast<std::size_t>(i)] = digits[nibble];
        ++bit;
    }
    return out;
}

std::string SimRandom::hex(int digits)
{
    static const char *table = "0123456789ABCDEF";
    std::string out;
    out.reserve(static_cast<std::size_t>(digits));
    std::uint64_t word = 0;
    for (int i = 0; i < digits; ++i) {
        if (i % 16 == 0)
            word = next();
        out.push_back(table[word & 15U]);
        word >>= 4;
    }
    return out;
}

} // namespace mp::sim
