#pragma once

// What the benchmarks share: CPU time and peak memory of the process, and IPv4 text. (The
// synthetic cases themselves differ on purpose: detect_bench's exercises the detectors, with
// cities and risk fields; graph_bench's has an office hub and attacker ranges with forwarding
// addresses for campaigns.)

#include <sys/resource.h>
#include <time.h>

#include <cstdint>
#include <string>

namespace bench {

// CPU seconds of this process: the machine may be shared, and targets are "on one core".
inline double cpuSeconds()
{
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

inline long peakRssMb()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss / 1024;
}

inline std::string ipText(std::uint32_t v)
{
    return std::to_string(v >> 24) + '.' + std::to_string((v >> 16) & 255) + '.' + std::to_string((v >> 8) & 255) + '.'
        + std::to_string(v & 255);
}

} // namespace bench
