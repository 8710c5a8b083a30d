#include "detect/detectutil.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace mp::detect {

Severity severityForScore(double score)
{
    if (score >= 90)
        return Severity::Critical;
    if (score >= 70)
        return Severity::High;
    if (score >= 45)
        return Severity::Medium;
    if (score >= 25)
        return Severity::Low;
    return Severity::Informational;
}

double clampScore(double score)
{
    return std::clamp(score, 0.0, 100.0);
}

std::string fingerprint(std::string_view detector, std::string_view profile, std::string_view user,
                        std::initializer_list<std::int64_t> anchor)
{
    std::string f;
    f.reserve(detector.size() + profile.size() + user.size() + 24);
    f.append(detector).append(":").append(profile).append(":").append(user).append(":");
    bool first = true;
    for (const std::int64_t id : anchor) {
        if (!first)
            f.push_back('-');
        f += std::to_string(id);
        first = false;
    }
    return f;
}

double haversineKm(double lat1, double lon1, double lat2, double lon2)
{
    constexpr double kEarthRadiusKm = 6371.0088;
    constexpr double kRad = std::numbers::pi / 180.0;
    const double dLat = (lat2 - lat1) * kRad;
    const double dLon = (lon2 - lon1) * kRad;
    const double a = std::sin(dLat / 2) * std::sin(dLat / 2)
        + std::cos(lat1 * kRad) * std::cos(lat2 * kRad) * std::sin(dLon / 2) * std::sin(dLon / 2);
    return 2 * kEarthRadiusKm * std::asin(std::min(1.0, std::sqrt(a)));
}

double round1(double value)
{
    return std::round(value * 10.0) / 10.0;
}

std::string placeName(const DetectionInput &input, StrId city, StrId country)
{
    std::string name(input.texts.view(city));
    const std::string_view cc = input.texts.view(country);
    if (!cc.empty()) {
        if (!name.empty())
            name += ", ";
        name += cc;
    }
    return name.empty() ? std::string("unknown place") : name;
}

std::vector<std::string> ipsByFrequency(const DetectionInput &input, const std::vector<StrId> &ips)
{
    std::vector<StrId> sorted = ips;
    std::sort(sorted.begin(), sorted.end());
    std::vector<std::pair<std::size_t, std::string_view>> counted;
    for (std::size_t i = 0; i < sorted.size();) {
        std::size_t j = i;
        while (j < sorted.size() && sorted[j] == sorted[i])
            ++j;
        if (sorted[i] != 0)
            counted.emplace_back(j - i, input.ips.view(sorted[i]));
        i = j;
    }
    std::sort(counted.begin(), counted.end(), [](const auto &a, const auto &b) {
        return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    std::vector<std::string> out;
    out.reserve(counted.size());
    for (const auto &[n, ip] : counted)
        out.emplace_back(ip);
    return out;
}

std::string formatCount(double value)
{
    const long long n = std::llround(value);
    std::string digits = std::to_string(n < 0 ? -n : n);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0)
            out.push_back(',');
        out.push_back(digits[i]);
    }
    return n < 0 ? "-" + out : out;
}

} // namespace mp::detect
