#include "ui/textformat.h"

#include "store/event.h"
#include "util/timeparse.h"

#include <QLocale>
#include <QTextDocument>

namespace mp::ui {

QString formatTimeUtc(std::int64_t ms)
{
    if (ms == kNoTime)
        return QStringLiteral("—");
    char buffer[kIsoBufferSize];
    const std::size_t n = formatIso(ms, buffer);
    QString text = QString::fromLatin1(buffer, static_cast<qsizetype>(n));
    // 2024-03-12T08:01:15.000Z -> 2024-03-12 08:01:15: seconds are what an analyst reads;
    // the milliseconds stay in the tool tip and in copies.
    if (text.size() == 24) {
        text.truncate(19);
        text[10] = QLatin1Char(' ');
    }
    return text;
}

QString formatTimeIso(std::int64_t ms)
{
    if (ms == kNoTime)
        return {};
    char buffer[kIsoBufferSize];
    const std::size_t n = formatIso(ms, buffer);
    return QString::fromLatin1(buffer, static_cast<qsizetype>(n));
}

QString plainToolTip(const QString &text)
{
    return text.isEmpty() ? QString() : Qt::convertFromPlainText(text, Qt::WhiteSpaceNormal);
}

QString formatCount(std::int64_t n)
{
    static const QLocale c(QLocale::English, QLocale::UnitedStates);
    return c.toString(static_cast<qlonglong>(n));
}

QString formatBytes(std::int64_t bytes)
{
    static const QLocale c(QLocale::English, QLocale::UnitedStates);
    return c.formattedDataSize(bytes, 1, QLocale::DataSizeSIFormat);
}

bool parseUserTime(const QString &text, std::int64_t *ms)
{
    const std::string s = text.trimmed().toStdString();
    if (s.empty())
        return false;
    auto parsed = parseTimestamp(s, DateOrder::Unknown);
    if (!parsed && s.size() == 10)
        parsed = parseTimestamp(s + "T00:00:00Z", DateOrder::Unknown);
    if (!parsed)
        return false;
    *ms = *parsed;
    return true;
}

} // namespace mp::ui
