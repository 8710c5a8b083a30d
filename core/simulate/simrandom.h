#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace mp::sim {

// A seeded random source whose output is the same on every standard library: std::mt19937_64 is
// specified bit for bit, but std::uniform_int_distribution and friends are not, so the few
// distributions the simulator needs are written here.
class SimRandom
{
public:
    explicit SimRandom(std::uint64_t seed)
        : m_engine(seed)
    {
    }

    // A stream of its own for each named part of the simulation, so that adding records to one
    // scenario never shifts the random numbers (and so the output) of another.
    static SimRandom forStream(std::uint64_t seed, std::string_view name);

    std::uint64_t next() { return m_engine(); }
    // Uniform in [lo, hi], both included; rejection sampling keeps it unbiased.
    std::int64_t between(std::int64_t lo, std::int64_t hi);
    // Uniform in [0, 1) with 53 random bits.
    double unit();
    bool chance(double probability) { return unit() < probability; }
    // Roughly bell-shaped around `mean` (sum of three uniforms), clamped to mean +- spread.
    std::int64_t around(std::int64_t mean, std::int64_t spread);

    template <typename T>
    const T &pick(const std::vector<T> &items)
    {
        return items[static_cast<std::size_t>(between(0, static_cast<std::int64_t>(items.size()) - 1))];
    }

    // Random version-4 GUID text, lower case: ids in the exports look like the real ones.
    std::string guid();
    // Random upper-case hex of `digits` digits (server names, item ids).
    std::string hex(int digits);

private:
    std::mt19937_64 m_engine;
};

// SplitMix64 finaliser: spreads a seed over all bits.
std::uint64_t mixSeed(std::uint64_t value);

} // namespace mp::sim
