#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mp {

// Time to pixels and back for a horizontal time axis, kept out of the painting code so that it
// can be tested: [fromMs, toMs) is drawn over [left, left + width).
struct TimeScale
{
    std::int64_t fromMs = 0;
    std::int64_t toMs = 1;
    double left = 0;
    double width = 1;

    double x(std::int64_t ms) const;
    std::int64_t time(double x) const;
    double msPerPixel() const;
    // The same scale zoomed by `factor` (< 1 zooms in) around the time under pixel `anchorX`,
    // so that what is under the mouse stays there.
    TimeScale zoomed(double factor, double anchorX) const;
    // The same scale moved by `dx` pixels (positive: the content moves right, earlier times
    // come into view).
    TimeScale panned(double dx) const;
};

// One tick of a UTC time axis.
struct TimeTick
{
    std::int64_t ms = 0;
    std::string label; // "08:00", "12 Mar 08:00" where the day changes, "12 Mar", "Mar 2024"
    bool major = false; // the day (or month, or year) changes here
};

// Ticks at round UTC times (1 s … 1 year apart) between fromMs and toMs, as many as fit with at
// least `minSpacingPx` between them on an axis `widthPx` wide; the first tick and every tick
// where the date changes carry the date.
std::vector<TimeTick> utcTicks(std::int64_t fromMs, std::int64_t toMs, double widthPx, double minSpacingPx = 80);

// The tick step utcTicks() picks, in milliseconds (months and years: their nominal length).
std::int64_t utcTickStep(std::int64_t spanMs, double widthPx, double minSpacingPx = 80);

// "UTC+01:00" for an offset in seconds east of UTC.
std::string utcOffsetText(int offsetSeconds);

} // namespace mp
