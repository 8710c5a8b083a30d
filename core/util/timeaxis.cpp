#include "util/timeaxis.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

namespace mp {

namespace {

constexpr std::int64_t kSecond = 1000;
constexpr std::int64_t kMinute = 60 * kSecond;
constexpr std::int64_t kHour = 60 * kMinute;
constexpr std::int64_t kDay = 24 * kHour;
constexpr std::int64_t kMonth = 30 * kDay; // nominal, to choose a step
constexpr std::int64_t kYear = 365 * kDay;

constexpr std::int64_t kSteps[] = {
    kSecond, 2 * kSecond, 5 * kSecond, 10 * kSecond, 15 * kSecond, 30 * kSecond,
    kMinute, 2 * kMinute, 5 * kMinute, 10 * kMinute, 15 * kMinute, 30 * kMinute,
    kHour, 2 * kHour, 3 * kHour, 6 * kHour, 12 * kHour,
    kDay, 2 * kDay, 7 * kDay,
    kMonth, 3 * kMonth, 6 * kMonth,
    kYear, 2 * kYear, 5 * kYear, 10 * kYear, 50 * kYear,
};

const char *const kMonthNames[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

std::int64_t floorDiv(std::int64_t a, std::int64_t b)
{
    const std::int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

struct Civil
{
    int year;
    unsigned month; // 1..12
    unsigned day;
    std::int64_t msOfDay;
};

Civil civil(std::int64_t ms)
{
    using namespace std::chrono;
    const std::int64_t days = floorDiv(ms, kDay);
    const year_month_day ymd{sys_days{std::chrono::days{days}}};
    return {int(ymd.year()), unsigned(ymd.month()), unsigned(ymd.day()), ms - days * kDay};
}

std::int64_t monthStartMs(int year, unsigned month)
{
    using namespace std::chrono;
    const sys_days d{std::chrono::year{year} / std::chrono::month{month} / std::chrono::day{1}};
    return static_cast<std::int64_t>(d.time_since_epoch().count()) * kDay;
}

std::string clock(std::int64_t msOfDay, bool seconds)
{
    char buffer[16];
    const auto s = msOfDay / kSecond;
    if (seconds)
        std::snprintf(buffer, sizeof buffer, "%02d:%02d:%02d", int(s / 3600), int(s / 60 % 60), int(s % 60));
    else
        std::snprintf(buffer, sizeof buffer, "%02d:%02d", int(s / 3600), int(s / 60 % 60));
    return buffer;
}

std::string dayMonth(const Civil &c)
{
    return std::to_string(c.day) + " " + kMonthNames[c.month - 1];
}

} // namespace

double TimeScale::x(std::int64_t ms) const
{
    const double span = static_cast<double>(std::max<std::int64_t>(1, toMs - fromMs));
    return left + static_cast<double>(ms - fromMs) / span * width;
}

std::int64_t TimeScale::time(double px) const
{
    const double span = static_cast<double>(std::max<std::int64_t>(1, toMs - fromMs));
    return fromMs + static_cast<std::int64_t>(std::llround((px - left) / std::max(width, 1e-9) * span));
}

double TimeScale::msPerPixel() const
{
    return static_cast<double>(std::max<std::int64_t>(1, toMs - fromMs)) / std::max(width, 1e-9);
}

TimeScale TimeScale::zoomed(double factor, double anchorX) const
{
    TimeScale z = *this;
    const std::int64_t anchor = time(anchorX);
    const double span = static_cast<double>(toMs - fromMs) * std::clamp(factor, 1e-6, 1e6);
    // Never closer than a second over the whole axis, nor wider than two centuries.
    const double clamped = std::clamp(span, 1000.0, 200.0 * 365 * kDay);
    const double share = (anchorX - left) / std::max(width, 1e-9);
    z.fromMs = anchor - static_cast<std::int64_t>(std::llround(share * clamped));
    z.toMs = z.fromMs + static_cast<std::int64_t>(std::llround(clamped));
    return z;
}

TimeScale TimeScale::panned(double dx) const
{
    TimeScale p = *this;
    const auto shift = static_cast<std::int64_t>(std::llround(dx * msPerPixel()));
    p.fromMs -= shift;
    p.toMs -= shift;
    return p;
}

std::int64_t utcTickStep(std::int64_t spanMs, double widthPx, double minSpacingPx)
{
    const double slots = std::max(1.0, widthPx / std::max(minSpacingPx, 1.0));
    for (const std::int64_t step : kSteps) {
        if (static_cast<double>(spanMs) / static_cast<double>(step) <= slots)
            return step;
    }
    return kSteps[std::size(kSteps) - 1];
}

std::vector<TimeTick> utcTicks(std::int64_t fromMs, std::int64_t toMs, double widthPx, double minSpacingPx)
{
    std::vector<TimeTick> ticks;
    if (toMs <= fromMs || widthPx <= 0)
        return ticks;
    const std::int64_t step = utcTickStep(toMs - fromMs, widthPx, minSpacingPx);
    std::vector<std::int64_t> times;
    if (step >= kMonth) {
        // Calendar months and years: months of 1, 3 or 6, years of 1, 2, 5, 10 or 50.
        const int months = step >= kYear ? static_cast<int>(step / kYear) * 12 : static_cast<int>(step / kMonth);
        const Civil c = civil(fromMs);
        int index = c.year * 12 + static_cast<int>(c.month) - 1;
        index -= ((index % months) + months) % months;
        for (;; index += months) {
            const std::int64_t t = monthStartMs(index / 12, static_cast<unsigned>(index % 12) + 1);
            if (t >= toMs)
                break;
            if (t >= fromMs)
                times.push_back(t);
        }
    } else {
        // Weeks start on Mondays (1970-01-05 was one).
        const std::int64_t origin = step == 7 * kDay ? 4 * kDay : 0;
        for (std::int64_t t = origin + floorDiv(fromMs - origin + step - 1, step) * step; t < toMs; t += step)
            times.push_back(t);
    }
    Civil previous{};
    for (std::size_t i = 0; i < times.size(); ++i) {
        const Civil c = civil(times[i]);
        TimeTick tick;
        tick.ms = times[i];
        if (step >= kYear) {
            tick.label = std::to_string(c.year);
            tick.major = true;
        } else if (step >= kMonth) {
            tick.major = i > 0 && c.year != previous.year;
            tick.label = kMonthNames[c.month - 1];
            if (i == 0 || tick.major)
                tick.label += " " + std::to_string(c.year);
        } else if (step >= kDay) {
            tick.major = i > 0 && c.month != previous.month;
            tick.label = dayMonth(c);
            if (i == 0 || c.year != previous.year)
                tick.label += " " + std::to_string(c.year);
        } else {
            const bool newDay = i == 0 || c.day != previous.day || c.month != previous.month || c.year != previous.year;
            tick.major = i > 0 && newDay;
            tick.label = clock(c.msOfDay, step < kMinute);
            if (newDay)
                tick.label = dayMonth(c) + " " + tick.label;
        }
        ticks.push_back(std::move(tick));
        previous = c;
    }
    return ticks;
}

std::string utcOffsetText(int offsetSeconds)
{
    const int minutes = std::abs(offsetSeconds) / 60;
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "UTC%c%02d:%02d", offsetSeconds < 0 ? '-' : '+', minutes / 60, minutes % 60);
    return buffer;
}

} // namespace mp
