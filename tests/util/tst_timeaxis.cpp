// The timeline's time-to-pixel math and its UTC ticks, apart from any painting.
#include "util/timeaxis.h"

#include <QTest>

#include <cmath>

using namespace mp;

namespace {
constexpr std::int64_t kMin = 60LL * 1000;
constexpr std::int64_t kHour = 60 * kMin;
constexpr std::int64_t kDay = 24 * kHour;
constexpr std::int64_t kMar12 = 1710201600000; // 2024-03-12T00:00:00Z, a Tuesday
}

class TestTimeAxis : public QObject
{
    Q_OBJECT

private slots:
    void scaleMapsBothWays();
    void zoomKeepsTheAnchor();
    void panMovesByPixels();
    void ticks_data();
    void ticks();
    void ticksNeverCrowd();
    void offsetText();
};

void TestTimeAxis::scaleMapsBothWays()
{
    const TimeScale s{kMar12, kMar12 + kDay, 100, 960};
    QCOMPARE(s.x(kMar12), 100.0);
    QCOMPARE(s.x(kMar12 + kDay), 1060.0);
    QCOMPARE(s.x(kMar12 + 12 * kHour), 580.0);
    QCOMPARE(s.time(580), kMar12 + 12 * kHour);
    QCOMPARE(s.msPerPixel(), double(kDay) / 960);
    // Degenerate scales stay finite.
    const TimeScale empty{kMar12, kMar12, 0, 0};
    QVERIFY(std::isfinite(empty.x(kMar12 + kHour)));
}

void TestTimeAxis::zoomKeepsTheAnchor()
{
    const TimeScale s{kMar12, kMar12 + kDay, 0, 1000};
    const TimeScale in = s.zoomed(0.5, 250);
    QCOMPARE(in.toMs - in.fromMs, kDay / 2);
    QCOMPARE(in.time(250), s.time(250)); // what was under the mouse still is
    const TimeScale out = s.zoomed(4, 1000);
    QCOMPARE(out.toMs, s.toMs);
    QCOMPARE(out.toMs - out.fromMs, 4 * kDay);
    // Never closer than a second across the axis.
    QCOMPARE(s.zoomed(1e-9, 0).toMs - s.zoomed(1e-9, 0).fromMs, std::int64_t(1000));
}

void TestTimeAxis::panMovesByPixels()
{
    const TimeScale s{kMar12, kMar12 + 1000 * kMin, 0, 1000};
    const TimeScale p = s.panned(100); // content moves right: earlier times come in
    QCOMPARE(p.fromMs, kMar12 - 100 * kMin);
    QCOMPARE(p.toMs - p.fromMs, s.toMs - s.fromMs);
}

void TestTimeAxis::ticks_data()
{
    QTest::addColumn<qint64>("from");
    QTest::addColumn<qint64>("to");
    QTest::addColumn<double>("width");
    QTest::addColumn<QString>("labels"); // separated by |
    QTest::newRow("hours across midnight")
        << qint64(kMar12 - 3 * kHour) << qint64(kMar12 + 3 * kHour + 1) << 560.0
        << QStringLiteral("11 Mar 21:00|22:00|23:00|12 Mar 00:00|01:00|02:00|03:00");
    QTest::newRow("minutes") << qint64(kMar12 + 8 * kHour + 1) << qint64(kMar12 + 8 * kHour + 31 * kMin) << 600.0
                             << QStringLiteral("12 Mar 08:05|08:10|08:15|08:20|08:25|08:30");
    QTest::newRow("days") << qint64(kMar12) << qint64(kMar12 + 5 * kDay) << 500.0
                          << QStringLiteral("12 Mar 2024|13 Mar|14 Mar|15 Mar|16 Mar");
    QTest::newRow("weeks start on Mondays") << qint64(kMar12) << qint64(kMar12 + 30 * kDay) << 400.0
                                            << QStringLiteral("18 Mar 2024|25 Mar|1 Apr|8 Apr");
    QTest::newRow("months") << qint64(kMar12) << qint64(kMar12 + 120 * kDay) << 400.0
                            << QStringLiteral("Apr 2024|May|Jun|Jul");
    QTest::newRow("years") << qint64(1577836800000) << qint64(1735689600001) << 500.0 // 2020 .. 2025
                           << QStringLiteral("2020|2021|2022|2023|2024|2025");
    QTest::newRow("before 1970") << qint64(-2 * kDay) << qint64(1) << 300.0
                                 << QStringLiteral("30 Dec 1969|31 Dec|1 Jan 1970");
}

void TestTimeAxis::ticks()
{
    QFETCH(qint64, from);
    QFETCH(qint64, to);
    QFETCH(double, width);
    QFETCH(QString, labels);
    QStringList got;
    for (const TimeTick &t : utcTicks(from, to, width))
        got << QString::fromStdString(t.label);
    QCOMPARE(got.join(QLatin1Char('|')), labels);
}

void TestTimeAxis::ticksNeverCrowd()
{
    for (const std::int64_t span : {std::int64_t{10 * 1000}, kHour, 7 * kDay, 400 * kDay, 20 * 365 * kDay}) {
        for (const double width : {200.0, 800.0, 2400.0}) {
            const auto ticks = utcTicks(kMar12, kMar12 + span, width, 80);
            QVERIFY(!ticks.empty());
            QVERIFY(ticks.size() <= std::size_t(width / 80) + 1);
            for (std::size_t i = 1; i < ticks.size(); ++i)
                QVERIFY(ticks[i].ms > ticks[i - 1].ms);
        }
    }
    QVERIFY(utcTicks(kMar12, kMar12, 500).empty());
    const auto days = utcTicks(kMar12 - 3 * kHour, kMar12 + 3 * kHour + 1, 560);
    QVERIFY(days[3].major); // midnight
    QVERIFY(!days[2].major);
}

void TestTimeAxis::offsetText()
{
    QCOMPARE(utcOffsetText(0), std::string("UTC+00:00"));
    QCOMPARE(utcOffsetText(3600), std::string("UTC+01:00"));
    QCOMPARE(utcOffsetText(-(3 * 3600 + 1800)), std::string("UTC-03:30"));
    QCOMPARE(utcOffsetText(5 * 3600 + 2700), std::string("UTC+05:45"));
}

QTEST_GUILESS_MAIN(TestTimeAxis)
#include "tst_timeaxis.moc"
