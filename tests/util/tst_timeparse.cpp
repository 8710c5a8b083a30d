#include "util/timeparse.h"

#include <QtTest>

#include <QDateTime>
#include <QTimeZone>

#include <string>
#include <string_view>

Q_DECLARE_METATYPE(mp::DateOrder)

namespace {

std::string_view sv(const QByteArray& b)
{
    return std::string_view(b.constData(), static_cast<std::size_t>(b.size()));
}

// Qt's own calendar code is the independent reference for the expected instants.
qint64 qtMs(const QString& iso)
{
    const QDateTime dt = QDateTime::fromString(iso, Qt::ISODateWithMs);
    Q_ASSERT(dt.isValid());
    return dt.toMSecsSinceEpoch();
}

QString qtIso(qint64 ms)
{
    // Qt writes a UTC zone object as "+00:00"; the project's form is "Z".
    QString s = QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()).toString(Qt::ISODateWithMs);
    if (s.endsWith(QLatin1String("+00:00")))
        s = s.chopped(6) + QLatin1Char('Z');
    return s;
}

constexpr qint64 kUnixEpochJulianDay = 2440588;

} // namespace

class TestTimeParse : public QObject
{
    Q_OBJECT

private slots:
    void parse_data();
    void parse();
    void formatIso_data();
    void formatIso();
    void civilMatchesQtEveryDay();
    void roundTrip();
    void civilRoundTripNegativeYears();
    void vote_data();
    void vote();
};

void TestTimeParse::parse_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<mp::DateOrder>("order");
    QTest::addColumn<QString>("expected"); // empty: must be rejected

    const auto U = mp::DateOrder::Unknown;
    const auto M = mp::DateOrder::MonthFirst;
    const auto D = mp::DateOrder::DayFirst;
    const QString bad;

    // ISO 8601 as the Graph API, Event Hub, Sentinel and AuditData write it.
    QTest::newRow("iso no zone is utc") << QByteArray("2023-09-26T01:56:15") << U << "2023-09-26T01:56:15.000Z";
    QTest::newRow("iso Z") << QByteArray("2021-06-30T16:34:32Z") << U << "2021-06-30T16:34:32.000Z";
    QTest::newRow("iso lower z") << QByteArray("2021-06-30t16:34:32z") << U << "2021-06-30T16:34:32.000Z";
    QTest::newRow("iso 1-digit fraction") << QByteArray("2023-09-26T01:56:15.5Z") << U << "2023-09-26T01:56:15.500Z";
    QTest::newRow("iso 2-digit fraction") << QByteArray("2023-09-26T01:56:15.05Z") << U << "2023-09-26T01:56:15.050Z";
    QTest::newRow("iso 3-digit fraction") << QByteArray("2021-08-02T13:29:25.983Z") << U << "2021-08-02T13:29:25.983Z";
    QTest::newRow("iso 6-digit fraction") << QByteArray("2020-05-20T18:19:04.423000Z") << U << "2020-05-20T18:19:04.423Z";
    QTest::newRow("iso 7-digit fraction truncated") << QByteArray("2021-08-02T13:11:39.7724491Z") << U << "2021-08-02T13:11:39.772Z";
    QTest::newRow("iso 9-digit fraction (pandas)") << QByteArray("2020-05-20 18:19:04.423999999") << U << "2020-05-20T18:19:04.423Z";
    QTest::newRow("iso comma fraction") << QByteArray("2023-09-26T01:56:15,25Z") << U << "2023-09-26T01:56:15.250Z";
    QTest::newRow("iso +02:00") << QByteArray("2023-09-26T01:56:15+02:00") << U << "2023-09-25T23:56:15.000Z";
    QTest::newRow("iso -05:00") << QByteArray("2023-09-26T01:56:15-05:00") << U << "2023-09-26T06:56:15.000Z";
    QTest::newRow("iso fraction and offset") << QByteArray("2021-04-19T12:13:19.4833333+00:00") << U << "2021-04-19T12:13:19.483Z";
    QTest::newRow("iso +0530") << QByteArray("2023-09-26T01:56:15+0530") << U << "2023-09-25T20:26:15.000Z";
    QTest::newRow("iso +05") << QByteArray("2023-09-26T01:56:15+05") << U << "2023-09-25T20:56:15.000Z";
    QTest::newRow("iso offset crosses the year") << QByteArray("2024-01-01T00:30:00+01:00") << U << "2023-12-31T23:30:00.000Z";
    QTest::newRow("iso space instead of T") << QByteArray("2025-01-15 14:20:35.456") << U << "2025-01-15T14:20:35.456Z";
    QTest::newRow("iso space before offset") << QByteArray("2023-09-26 01:56:15 +02:00") << U << "2023-09-25T23:56:15.000Z";
    QTest::newRow("iso UTC suffix") << QByteArray("2023-09-26 01:56:15 UTC") << U << "2023-09-26T01:56:15.000Z";
    QTest::newRow("iso without seconds") << QByteArray("2023-09-26T01:56") << U << "2023-09-26T01:56:00.000Z";
    QTest::newRow("iso date only") << QByteArray("2023-09-26") << U << "2023-09-26T00:00:00.000Z";
    QTest::newRow("year-first slashes") << QByteArray("2023/09/26 16:05:03") << U << "2023-09-26T16:05:03.000Z";
    QTest::newRow("year-first ignores order") << QByteArray("2023-09-10T00:00:00") << D << "2023-09-10T00:00:00.000Z";
    QTest::newRow("quoted and spaced") << QByteArray("  \"2023-09-26T01:56:15Z\"\r\n") << U << "2023-09-26T01:56:15.000Z";
    QTest::newRow("epoch") << QByteArray("1970-01-01T00:00:00Z") << U << "1970-01-01T00:00:00.000Z";
    QTest::newRow("before epoch") << QByteArray("1969-12-31T23:59:59.999Z") << U << "1969-12-31T23:59:59.999Z";
    QTest::newRow(".NET MinValue") << QByteArray("0001-01-01T00:00:00") << U << "0001-01-01T00:00:00.000Z";
    QTest::newRow("leap day 2024") << QByteArray("2024-02-29T12:00:00Z") << U << "2024-02-29T12:00:00.000Z";
    QTest::newRow("leap day 2000") << QByteArray("2000-02-29") << U << "2000-02-29T00:00:00.000Z";
    QTest::newRow("leap second rolls over") << QByteArray("2016-12-31T23:59:60Z") << U << "2017-01-01T00:00:00.000Z";
    QTest::newRow("single-digit month and day") << QByteArray("2023-9-6 01:02:03") << U << "2023-09-06T01:02:03.000Z";

    // Locale forms: Purview CSV, Log Analytics "Export to CSV", Excel re-saves.
    QTest::newRow("purview US AM") << QByteArray("9/20/2023 4:05:03 AM") << U << "2023-09-20T04:05:03.000Z";
    QTest::newRow("purview US PM") << QByteArray("9/20/2023 4:05:03 PM") << U << "2023-09-20T16:05:03.000Z";
    QTest::newRow("US lower-case pm, no space") << QByteArray("9/20/2023 4:05:03pm") << U << "2023-09-20T16:05:03.000Z";
    QTest::newRow("log analytics comma ms") << QByteArray("4/28/2021, 2:08:45.221 PM") << M << "2021-04-28T14:08:45.221Z";
    QTest::newRow("12 PM is noon") << QByteArray("4/19/2021, 12:13:19.483 PM") << M << "2021-04-19T12:13:19.483Z";
    QTest::newRow("12 AM is midnight") << QByteArray("4/19/2021, 12:13:19.483 AM") << M << "2021-04-19T00:13:19.483Z";
    QTest::newRow("US without seconds") << QByteArray("4/19/2021 11:59 PM") << M << "2021-04-19T23:59:00.000Z";
    QTest::newRow("US zero-padded 24h") << QByteArray("09/20/2023 16:05:03") << U << "2023-09-20T16:05:03.000Z";
    QTest::newRow("US date only") << QByteArray("9/20/2023") << U << "2023-09-20T00:00:00.000Z";
    QTest::newRow("day-first slashes") << QByteArray("20/09/2023 16:05:03") << U << "2023-09-20T16:05:03.000Z";
    QTest::newRow("day-first dots") << QByteArray("20.09.2023 16:05:03") << U << "2023-09-20T16:05:03.000Z";
    QTest::newRow("day-first dots no seconds") << QByteArray("20.09.2023 16:05") << D << "2023-09-20T16:05:00.000Z";
    QTest::newRow("day-first dashes") << QByteArray("20-09-2023 16:05:03") << U << "2023-09-20T16:05:03.000Z";
    QTest::newRow("day-first ms") << QByteArray("20/09/2023 16:05:03.250") << D << "2023-09-20T16:05:03.250Z";
    QTest::newRow("ambiguous read month-first") << QByteArray("9/10/2023 4:05:03 AM") << M << "2023-09-10T04:05:03.000Z";
    QTest::newRow("ambiguous read day-first") << QByteArray("9/10/2023 4:05:03 AM") << D << "2023-10-09T04:05:03.000Z";
    QTest::newRow("ambiguous unknown") << QByteArray("9/10/2023 4:05:03 AM") << U << bad;
    QTest::newRow("equal fields need no order") << QByteArray("5/5/2023 1:00 PM") << U << "2023-05-05T13:00:00.000Z";
    QTest::newRow("month-first told, day-first value") << QByteArray("20/09/2023 16:05:03") << M << bad;
    QTest::newRow("day-first told, month-first value") << QByteArray("9/20/2023 4:05:03 AM") << D << bad;
    QTest::newRow("locale leap day") << QByteArray("2/29/2024 1:00 AM") << M << "2024-02-29T01:00:00.000Z";
    QTest::newRow("locale with zone") << QByteArray("9/20/2023 4:05:03 AM +02:00") << U << "2023-09-20T02:05:03.000Z";

    // Invalid dates and times.
    QTest::newRow("empty") << QByteArray() << U << bad;
    QTest::newRow("spaces") << QByteArray("   ") << U << bad;
    QTest::newRow("empty quotes") << QByteArray("\"\"") << U << bad;
    QTest::newRow("garbage") << QByteArray("yesterday") << U << bad;
    QTest::newRow("ip address") << QByteArray("175.45.176.99") << U << bad;
    QTest::newRow("number") << QByteArray("1695693375") << U << bad;
    QTest::newRow("basic iso") << QByteArray("20230926T015615Z") << U << bad;
    QTest::newRow("feb 29 common year") << QByteArray("2023-02-29T00:00:00") << U << bad;
    QTest::newRow("feb 29 1900") << QByteArray("1900-02-29") << U << bad;
    QTest::newRow("feb 29 common year, locale") << QByteArray("2/29/2023 1:00 AM") << M << bad;
    QTest::newRow("feb 30") << QByteArray("2024-02-30") << U << bad;
    QTest::newRow("april 31") << QByteArray("2023-04-31T00:00:00") << U << bad;
    QTest::newRow("month 13") << QByteArray("2023-13-01T00:00:00") << U << bad;
    QTest::newRow("month 13 locale") << QByteArray("13/13/2023 1:00") << U << bad;
    QTest::newRow("month 0") << QByteArray("2023-00-10") << U << bad;
    QTest::newRow("day 0") << QByteArray("2023-01-00") << U << bad;
    QTest::newRow("day 32") << QByteArray("1/32/2023 1:00 AM") << M << bad;
    QTest::newRow("year 0") << QByteArray("0000-01-01") << U << bad;
    QTest::newRow("5-digit year") << QByteArray("12023-01-01") << U << bad;
    QTest::newRow("2-digit year") << QByteArray("9/20/23 4:05 AM") << U << bad;
    QTest::newRow("2-digit year first") << QByteArray("23-09-26T01:56:15") << U << bad;
    QTest::newRow("3-digit first field") << QByteArray("123/09/2023") << U << bad;
    QTest::newRow("mixed separators") << QByteArray("2023/09-26") << U << bad;
    QTest::newRow("hour 24") << QByteArray("2023-09-26T24:00:00") << U << bad;
    QTest::newRow("minute 60") << QByteArray("2023-09-26T23:60:00") << U << bad;
    QTest::newRow("second 61") << QByteArray("2023-09-26T23:59:61") << U << bad;
    QTest::newRow("one-digit minute") << QByteArray("2023-09-26T01:5:15") << U << bad;
    QTest::newRow("hour only") << QByteArray("2023-09-26T01") << U << bad;
    QTest::newRow("T and nothing") << QByteArray("2023-09-26T") << U << bad;
    QTest::newRow("13 PM") << QByteArray("9/20/2023 13:05:03 PM") << U << bad;
    QTest::newRow("0 AM") << QByteArray("9/20/2023 0:05:03 AM") << U << bad;
    QTest::newRow("bad separator") << QByteArray("2023-09-26X01:56:15") << U << bad;
    QTest::newRow("T in a locale date") << QByteArray("9/20/2023T04:05:03") << U << bad;
    QTest::newRow("trailing junk") << QByteArray("2023-09-26T01:56:15Zjunk") << U << bad;
    QTest::newRow("Z then offset") << QByteArray("2023-09-26T01:56:15Z+02:00") << U << bad;
    QTest::newRow("dot without fraction") << QByteArray("2023-09-26T01:56:15.") << U << bad;
    QTest::newRow("10-digit fraction") << QByteArray("2023-09-26T01:56:15.1234567890") << U << bad;
    QTest::newRow("offset hour 25") << QByteArray("2023-09-26T01:56:15+25:00") << U << bad;
    QTest::newRow("offset minute 60") << QByteArray("2023-09-26T01:56:15+02:60") << U << bad;
    QTest::newRow("offset 3 digits") << QByteArray("2023-09-26T01:56:15+020") << U << bad;
    QTest::newRow("offset sign only") << QByteArray("2023-09-26T01:56:15+") << U << bad;
    QTest::newRow("truncated date") << QByteArray("2023-09-") << U << bad;
    QTest::newRow("truncated locale") << QByteArray("9/20/") << U << bad;
    QTest::newRow("AM twice") << QByteArray("9/20/2023 4:05:03 AM AM") << U << bad;
}

void TestTimeParse::parse()
{
    QFETCH(QByteArray, input);
    QFETCH(mp::DateOrder, order);
    QFETCH(QString, expected);
    const std::optional<std::int64_t> got = mp::parseTimestamp(sv(input), order);
    if (expected.isEmpty()) {
        if (got)
            QFAIL(qPrintable(QStringLiteral("accepted as %1").arg(QString::fromStdString(mp::formatIso(*got)))));
        return;
    }
    QVERIFY2(got.has_value(), "rejected");
    QCOMPARE(QString::fromStdString(mp::formatIso(*got)), expected);
    QCOMPARE(static_cast<qint64>(*got), qtMs(expected));
}

void TestTimeParse::formatIso_data()
{
    QTest::addColumn<qint64>("ms");
    QTest::addColumn<QString>("iso");
    QTest::newRow("epoch") << qint64(0) << "1970-01-01T00:00:00.000Z";
    QTest::newRow("one ms before epoch") << qint64(-1) << "1969-12-31T23:59:59.999Z";
    QTest::newRow("one day before epoch") << qint64(-86400000) << "1969-12-31T00:00:00.000Z";
    QTest::newRow("purview sample") << qtMs(QStringLiteral("2023-09-20T04:05:03Z")) << "2023-09-20T04:05:03.000Z";
    QTest::newRow("ms kept") << qtMs(QStringLiteral("2021-04-28T14:08:45.221Z")) << "2021-04-28T14:08:45.221Z";
    QTest::newRow("leap day") << qtMs(QStringLiteral("2024-02-29T23:59:59.999Z")) << "2024-02-29T23:59:59.999Z";
    QTest::newRow("day after leap day") << qtMs(QStringLiteral("2024-03-01T00:00:00Z")) << "2024-03-01T00:00:00.000Z";
    QTest::newRow("1900 is not leap") << qtMs(QStringLiteral("1900-03-01T00:00:00Z")) << "1900-03-01T00:00:00.000Z";
    QTest::newRow("year 1") << qtMs(QStringLiteral("0001-01-01T00:00:00Z")) << "0001-01-01T00:00:00.000Z";
    QTest::newRow("year 9999") << qtMs(QStringLiteral("9999-12-31T23:59:59.999Z")) << "9999-12-31T23:59:59.999Z";
    QTest::newRow("y2038") << qint64(2147483648000) << "2038-01-19T03:14:08.000Z";
    // Astronomical year numbering (year 0 exists and is leap); QDate has no year 0, so these are
    // counted by hand: 0000-01-01 is 719528 days before the epoch, year -1 has 365 days.
    QTest::newRow("year 0") << qint64(-719528) * 86400000 << "0000-01-01T00:00:00.000Z";
    QTest::newRow("year -1") << qint64(-719528 - 365) * 86400000 << "-0001-01-01T00:00:00.000Z";
    QTest::newRow("year 10000 signed") << qint64(253402300800000) << "+10000-01-01T00:00:00.000Z";
}

void TestTimeParse::formatIso()
{
    QFETCH(qint64, ms);
    QFETCH(QString, iso);
    QCOMPARE(QString::fromStdString(mp::formatIso(ms)), iso);
    char buf[mp::kIsoBufferSize];
    const std::size_t n = mp::formatIso(ms, buf);
    QCOMPARE(QString::fromLatin1(buf, static_cast<qsizetype>(n)), iso);
}

// Every day of years 1..9999 against QDate, both directions.
void TestTimeParse::civilMatchesQtEveryDay()
{
    const qint64 firstDay = QDate(1, 1, 1).toJulianDay() - kUnixEpochJulianDay;
    const qint64 lastDay = QDate(9999, 12, 31).toJulianDay() - kUnixEpochJulianDay;
    for (qint64 day = firstDay; day <= lastDay; ++day) {
        const QDate q = QDate::fromJulianDay(day + kUnixEpochJulianDay);
        const mp::CivilDate c = mp::civilFromDays(day);
        if (c.year != q.year() || c.month != unsigned(q.month()) || c.day != unsigned(q.day()))
            QFAIL(qPrintable(QStringLiteral("civilFromDays(%1) != %2").arg(day).arg(q.toString(Qt::ISODate))));
        if (mp::daysFromCivil(q.year(), unsigned(q.month()), unsigned(q.day())) != day)
            QFAIL(qPrintable(QStringLiteral("daysFromCivil(%1) != %2").arg(q.toString(Qt::ISODate)).arg(day)));
        if (unsigned(q.daysInMonth()) != mp::daysInMonth(q.year(), unsigned(q.month())))
            QFAIL(qPrintable(QStringLiteral("daysInMonth(%1)").arg(q.toString(Qt::ISODate))));
    }
}

void TestTimeParse::roundTrip()
{
    // formatIso -> parseTimestamp is the identity, and matches Qt's formatting, across the range.
    const qint64 lo = qtMs(QStringLiteral("0001-01-01T00:00:00.000Z"));
    const qint64 hi = qtMs(QStringLiteral("9999-12-31T23:59:59.999Z"));
    const qint64 step = (hi - lo) / 20011; // prime count of steps: times of day vary
    for (qint64 ms = lo; ms <= hi; ms += step + 7) {
        const std::string iso = mp::formatIso(ms);
        const std::optional<std::int64_t> back = mp::parseTimestamp(iso);
        if (!back || *back != ms)
            QFAIL(iso.c_str());
        if (QString::fromStdString(iso) != qtIso(ms))
            QFAIL(qPrintable(QStringLiteral("%1 vs Qt %2").arg(QString::fromStdString(iso), qtIso(ms))));
    }
}

// Negative years are not reachable from parsing but formatIso takes any int64.
void TestTimeParse::civilRoundTripNegativeYears()
{
    // Counted by hand: 1200 years of 365 days plus 291 leap days (300 - 12 + 3) before 0000-01-01.
    const std::int64_t first = -719528 - (1200 * 365 + 291);
    const std::int64_t last = -719528 + 366 + 365;
    QCOMPARE(mp::daysFromCivil(-1200, 1, 1), first);
    QCOMPARE(mp::daysFromCivil(2, 1, 1), last);
    mp::CivilDate prev = mp::civilFromDays(first - 1);
    for (std::int64_t day = first; day <= last; ++day) {
        const mp::CivilDate c = mp::civilFromDays(day);
        if (mp::daysFromCivil(c.year, c.month, c.day) != day)
            QFAIL(qPrintable(QStringLiteral("day %1").arg(day)));
        // Consecutive days step by one calendar day.
        const bool nextDay = (c.year == prev.year && c.month == prev.month && c.day == prev.day + 1)
            || (c.year == prev.year && c.month == prev.month + 1 && c.day == 1
                && prev.day == mp::daysInMonth(prev.year, prev.month))
            || (c.year == prev.year + 1 && c.month == 1 && c.day == 1 && prev.month == 12 && prev.day == 31);
        if (!nextDay)
            QFAIL(qPrintable(QStringLiteral("day %1 does not follow the previous one").arg(day)));
        prev = c;
    }
}

void TestTimeParse::vote_data()
{
    QTest::addColumn<QByteArrayList>("values");
    QTest::addColumn<mp::DateOrder>("decision");
    QTest::addColumn<int>("evidence");
    QTest::addColumn<bool>("ambiguous");
    QTest::addColumn<int>("localeDates");

    QTest::newRow("nothing") << QByteArrayList{} << mp::DateOrder::Unknown << 0 << false << 0;
    QTest::newRow("only iso") << QByteArrayList{"2023-09-26T01:56:15", "2023-01-02T00:00:00Z"}
                              << mp::DateOrder::Unknown << 0 << false << 0;
    QTest::newRow("only ambiguous") << QByteArrayList{"9/10/2023 4:05:03 AM", "1/2/2023 1:00 PM", "5/5/2023"}
                                    << mp::DateOrder::Unknown << 0 << false << 3;
    QTest::newRow("US purview") << QByteArrayList{"9/10/2023 4:05:03 AM", "9/20/2023 4:05:03 AM", "\"4/28/2021, 2:08:45.221 PM\""}
                                << mp::DateOrder::MonthFirst << 2 << false << 3;
    QTest::newRow("day-first") << QByteArrayList{"01/02/2023 10:00", "20/09/2023 16:05:03", "13.01.2023 08:00"}
                               << mp::DateOrder::DayFirst << 2 << false << 3;
    QTest::newRow("day-first dashes") << QByteArrayList{"20-09-2023 16:05:03"} << mp::DateOrder::DayFirst << 1 << false << 1;
    QTest::newRow("contradiction, month-first majority")
        << QByteArrayList{"9/20/2023 4:05 AM", "9/21/2023 4:05 AM", "20/09/2023 16:05"}
        << mp::DateOrder::MonthFirst << 3 << true << 3;
    QTest::newRow("contradiction, tie") << QByteArrayList{"9/20/2023 4:05 AM", "20/09/2023 16:05"}
                                        << mp::DateOrder::Unknown << 2 << true << 2;
    QTest::newRow("impossible both > 12") << QByteArrayList{"13/13/2023"} << mp::DateOrder::Unknown << 0 << false << 1;
    QTest::newRow("out of range fields ignored") << QByteArrayList{"45/09/2023", "0/20/2023"}
                                                 << mp::DateOrder::Unknown << 0 << false << 0;
    QTest::newRow("junk ignored") << QByteArrayList{"", "garbage", "175.45.176.99", "9/20"}
                                  << mp::DateOrder::Unknown << 0 << false << 0;
    QTest::newRow("year-first ignored") << QByteArrayList{"2023/09/20 16:05:03"} << mp::DateOrder::Unknown << 0 << false << 0;
}

void TestTimeParse::vote()
{
    QFETCH(QByteArrayList, values);
    QFETCH(mp::DateOrder, decision);
    QFETCH(int, evidence);
    QFETCH(bool, ambiguous);
    QFETCH(int, localeDates);
    mp::DateOrderVote v;
    for (const QByteArray& s : values)
        v.add(sv(s));
    QCOMPARE(v.decide(), decision);
    QCOMPARE(v.evidence(), evidence);
    QCOMPARE(v.ambiguous(), ambiguous);
    QCOMPARE(v.localeDates(), localeDates);
    QCOMPARE(v.monthFirstVotes() + v.dayFirstVotes(), evidence);
}

QTEST_GUILESS_MAIN(TestTimeParse)
#include "tst_timeparse.moc"
