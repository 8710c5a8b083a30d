#pragma once

#include <QString>

#include <cstdint>
#include <string>
#include <string_view>

// Display text shared by the panels: one way to write a time, a size or a count everywhere.
namespace mp::ui {

inline QString qstr(std::string_view text)
{
    return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

// "2024-03-12 08:01:15" in UTC (the panels say UTC in their headers); "—" for no time.
QString formatTimeUtc(std::int64_t ms);
// The full ISO 8601 form with milliseconds and Z, for copies and tool tips.
QString formatTimeIso(std::int64_t ms);
// "1,234,567"
QString formatCount(std::int64_t n);
// "12.3 MB"
QString formatBytes(std::int64_t bytes);
// A tool tip that shows text as it is. Qt takes a tool tip for rich text when it looks like
// markup, so a user agent or a file name from a log such as "<img src=...>" would be rendered:
// this escapes it and marks it as rich text, so that it is shown literally (line breaks kept).
// Empty text gives an empty tip (none shown).
QString plainToolTip(const QString &text);
// Reads what an analyst types or pastes as a time: ISO 8601 (UTC unless a zone is given), the
// log formats parseTimestamp() knows, or a bare date (its midnight, UTC). Returns false when the
// text is not a time.
bool parseUserTime(const QString &text, std::int64_t *ms);

} // namespace mp::ui
