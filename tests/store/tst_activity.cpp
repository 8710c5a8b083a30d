// What the timeline and the map read from a case: sessions, lanes, markers, sends, findings'
// spans, sign-in places, addresses not placed, one user's path and impossible-travel legs.
#include "activitycase.h"
#include "store/activity.h"
#include "store/signinmap.h"

#include <algorithm>
#include <cmath>

#include <QTemporaryDir>
#include <QTest>

using namespace mp;
using namespace mp::test;

class TestActivity : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void sessionsMergeByPlaceWithinGap_data();
    void sessionsMergeByPlaceWithinGap();
    void overlappingSessionsGetTheirOwnRow();
    void userLaneHoldsTheStory();
    void usersSharingTheFindingsAddressesGetLanes();
    void wholeCaseStartsWithUsersWithFindings();
    void laneRequestsAreCancellable();
    void mapPlacesPathAndLegs();
    void mapListsAddressesItCannotPlace();
    void mapNarrowsToAnAddressAndTime();
    void travelLegNeedsCoordinates();

private:
    QTemporaryDir m_dir;
    std::string m_path;
    CaseStore m_store;
};

void TestActivity::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_path = m_dir.filePath(QStringLiteral("story.mpcase")).toStdString();
    std::string error;
    QVERIFY2(writeStoryCase(m_path, &error), error.c_str());
    QVERIFY2(m_store.open(m_path, false, &error), error.c_str());
}

void TestActivity::sessionsMergeByPlaceWithinGap_data()
{
    QTest::addColumn<QList<int>>("minutes");
    QTest::addColumn<QString>("places"); // one letter a place
    QTest::addColumn<int>("gapMinutes");
    QTest::addColumn<int>("sessions");
    QTest::newRow("one place, within the gap") << QList<int>{0, 20, 40} << QStringLiteral("aaa") << 30 << 1;
    QTest::newRow("one place, a gap too long") << QList<int>{0, 20, 90} << QStringLiteral("aaa") << 30 << 2;
    QTest::newRow("two places interleaved") << QList<int>{0, 5, 10, 15} << QStringLiteral("abab") << 30 << 2;
    QTest::newRow("gap measured from the last sign-in") << QList<int>{0, 25, 50, 75} << QStringLiteral("aaaa") << 30 << 1;
}

void TestActivity::sessionsMergeByPlaceWithinGap()
{
    QFETCH(QList<int>, minutes);
    QFETCH(QString, places);
    QFETCH(int, gapMinutes);
    QFETCH(int, sessions);
    std::vector<SessionSignIn> input;
    for (int i = 0; i < minutes.size(); ++i) {
        SessionSignIn s;
        s.timeMs = minutes[i] * kMinute;
        s.ip = "192.0.2." + std::to_string(i);
        s.country = "GB";
        s.city = QString(places[i]).toStdString();
        s.outcome = EventOutcome::Success;
        input.push_back(s);
    }
    int rows = 0;
    std::vector<std::uint32_t> of;
    const auto result = buildSessions(input, gapMinutes * kMinute, &rows, &of);
    QCOMPARE(static_cast<int>(result.size()), sessions);
    QCOMPARE(of.size(), input.size());
    int signIns = 0;
    for (const ActivitySession &s : result) {
        signIns += s.successes + s.failures;
        QCOMPARE(s.ipCount, static_cast<int>(s.ips.size()));
    }
    QCOMPARE(signIns, static_cast<int>(minutes.size()));
}

void TestActivity::overlappingSessionsGetTheirOwnRow()
{
    // A place without a city or country is keyed by its address.
    std::vector<SessionSignIn> input = {
        {0, "192.0.2.1", "GB", "London", EventOutcome::Success},
        {10 * kMinute, "203.0.113.9", "", "", EventOutcome::Failure},
        {20 * kMinute, "192.0.2.1", "GB", "London", EventOutcome::Success},
        {25 * kMinute, "203.0.113.10", "", "", EventOutcome::Failure},
        {3 * kHour, "192.0.2.1", "GB", "London", EventOutcome::Success},
    };
    int rows = 0;
    const auto sessions = buildSessions(input, kHour, &rows);
    QCOMPARE(sessions.size(), std::size_t(4));
    QCOMPARE(rows, 2);
    QCOMPARE(sessions[0].row, 0);
    QCOMPARE(sessions[0].endMs, 20 * kMinute);
    QCOMPARE(sessions[1].row, 1); // the attacker's address while London was signed in
    QCOMPARE(sessions[1].failures, 1);
    QCOMPARE(sessions[1].successes, 0);
    QCOMPARE(sessions[2].row, 0); // another address after London's last sign-in: the first free row
    QCOMPARE(sessions[3].row, 0); // London again after the gap: a new session
}

void TestActivity::userLaneHoldsTheStory()
{
    ActivityRequest request;
    request.users = {"Alice@Contoso.com"};
    const ActivityData data = loadActivity(m_store.database(), request);
    QVERIFY(data.error.empty());
    QCOMPARE(data.lanes.size(), std::size_t(1));
    const ActivityLane &lane = data.lanes.front();
    QCOMPARE(lane.user, std::string("alice@contoso.com"));
    QCOMPARE(lane.signIns.size(), std::size_t(18 + 6 + 4));
    // London on both days, Lagos (failures, then the takeover) in a row of its own.
    QCOMPARE(lane.sessions.size(), std::size_t(3));
    const ActivitySession &lagos = lane.sessions[2];
    QCOMPARE(lagos.city, std::string("Lagos"));
    QCOMPARE(lagos.failures, 6);
    QCOMPARE(lagos.successes, 4);
    QCOMPARE(lagos.ips, std::vector<std::string>{kAttackerIp});
    QCOMPARE(lagos.row, 1);
    QCOMPARE(lane.sessionRows, 2);
    // Countries by frequency: GB first, then NG; the unplaced stay first.
    QCOMPARE(data.countries, (std::vector<std::string>{"", "GB", "NG"}));
    int failed = 0;
    for (const ActivitySignIn &s : lane.signIns) {
        if (s.outcome == EventOutcome::Failure) {
            ++failed;
            QCOMPARE(data.countries[s.country], std::string("NG"));
        }
    }
    QCOMPARE(failed, 6);
    QCOMPARE(lane.markers.size(), std::size_t(2));
    QCOMPARE(lane.markers[0].kind, ActivityMarker::Kind::RuleChange);
    QCOMPARE(lane.markers[0].text, std::string("."));
    QCOMPARE(lane.markers[1].kind, ActivityMarker::Kind::ForwardingChange);
    QVERIFY(lane.markers[1].text.find("drop@evil.example") != std::string::npos);
    // The audit's Send records, not the trace row as well.
    QCOMPARE(lane.sendsPerHour.size(), std::size_t(1));
    QCOMPARE(lane.sendsPerHour[0].hourMs, kStoryDayMs + 10 * kHour);
    QCOMPARE(lane.sendsPerHour[0].count, 5);
    QCOMPARE(lane.findings.size(), std::size_t(2));
    QCOMPARE(lane.findings[0].detector, std::string("ImpossibleTravel"));
    QCOMPARE(lane.findings[0].firstMs, kStoryDayMs + 9 * kHour);
    QCOMPARE(lane.findings[1].severity, Severity::Critical);
    QCOMPARE(data.firstMs, kStoryDayMs - 24 * kHour + 8 * kHour);
}

void TestActivity::usersSharingTheFindingsAddressesGetLanes()
{
    ActivityRequest request;
    request.users = {"alice@contoso.com"};
    request.usersSharingFindingIps = true;
    ActivityData data = loadActivity(m_store.database(), request);
    QCOMPARE(data.lanes.size(), std::size_t(2));
    QCOMPARE(data.lanes[1].user, std::string("bob@contoso.com"));
    // An address asked for directly: every user seen there.
    request = {};
    request.ips = {kAttackerIp};
    data = loadActivity(m_store.database(), request);
    QCOMPARE(data.lanes.size(), std::size_t(2));
    QCOMPARE(data.lanes[0].user, std::string("alice@contoso.com")); // the most events there first
}

void TestActivity::wholeCaseStartsWithUsersWithFindings()
{
    ActivityRequest request;
    request.maxLanes = 2;
    const ActivityData data = loadActivity(m_store.database(), request);
    QCOMPARE(data.lanes.size(), std::size_t(2));
    QCOMPARE(data.lanes[0].user, std::string("alice@contoso.com"));
    QCOMPARE(data.lanes[1].user, std::string("bob@contoso.com")); // the busiest of the rest
    QCOMPARE(data.otherUsers, 1);                                  // carol
}

void TestActivity::laneRequestsAreCancellable()
{
    std::atomic_bool cancel{true};
    const ActivityData data = loadActivity(m_store.database(), ActivityRequest{}, &cancel);
    QVERIFY(data.cancelled);
    QVERIFY(data.lanes.empty());
}

void TestActivity::mapPlacesPathAndLegs()
{
    SignInMapRequest request;
    request.user = "alice@contoso.com";
    const SignInMap map = loadSignInMap(m_store.database(), request);
    QVERIFY(map.error.empty());
    QCOMPARE(map.signIns, std::int64_t(28));
    QCOMPARE(map.places.size(), std::size_t(2));
    QCOMPARE(map.places[0].city, std::string("London"));
    QCOMPARE(map.places[0].successes, 18);
    QCOMPARE(map.places[1].city, std::string("Lagos"));
    QCOMPARE(map.places[1].failures, 6);
    QCOMPARE(map.places[1].successes, 4);
    QCOMPARE(map.places[1].ips, std::vector<std::string>{kAttackerIp});
    QCOMPARE(map.places[1].findings, 2); // the travel's far end and the rule's address
    QCOMPARE(map.places[0].findings, 1); // the travel's near end
    QVERIFY(map.unplaced.empty());
    // London, Lagos (the takeover: failures are not a stay), London again.
    QCOMPARE(map.path.size(), std::size_t(3));
    QCOMPARE(map.path[0].place, std::size_t(0));
    QCOMPARE(map.path[1].place, std::size_t(1));
    QCOMPARE(map.path[1].signIns, 4);
    QCOMPARE(map.path[1].firstMs, kStoryDayMs + 10 * kHour + 20 * kMinute);
    QCOMPARE(map.path[2].place, std::size_t(0));
    QCOMPARE(map.legs.size(), std::size_t(1));
    const TravelLeg &leg = map.legs.front();
    QCOMPARE(leg.fromPlace, std::string("London, GB"));
    QCOMPARE(leg.toPlace, std::string("Lagos, NG"));
    QCOMPARE(leg.distanceKm, 5003.2);
    QCOMPARE(leg.speedKmh, 3752.4);
    QCOMPARE(leg.toLatitude, 6.455);
    QCOMPARE(leg.user, std::string("alice@contoso.com"));
}

void TestActivity::mapListsAddressesItCannotPlace()
{
    SignInMapRequest request;
    request.user = "carol@contoso.com";
    const SignInMap map = loadSignInMap(m_store.database(), request);
    QVERIFY(map.places.empty()); // never drawn at 0,0
    QCOMPARE(map.unplaced.size(), std::size_t(2));
    std::vector<std::string> ips;
    for (const UnplacedAddress &u : map.unplaced)
        ips.push_back(u.ip + "/" + u.country);
    std::sort(ips.begin(), ips.end());
    QCOMPARE(ips, (std::vector<std::string>{"198.51.100.7/", "198.51.100.8/FR"}));
    QVERIFY(map.legs.empty());
}

void TestActivity::mapNarrowsToAnAddressAndTime()
{
    SignInMapRequest request;
    request.ip = kAttackerIp;
    SignInMap map = loadSignInMap(m_store.database(), request);
    QCOMPARE(map.places.size(), std::size_t(1));
    QCOMPARE(map.places[0].userCount, 2);
    QVERIFY(map.path.empty()); // a path is one user's
    request = {};
    request.user = "alice@contoso.com";
    request.ip = kAttackerIp;
    request.fromMs = kStoryDayMs + 10 * kHour;
    request.toMs = kStoryDayMs + 10 * kHour + 10 * kMinute;
    map = loadSignInMap(m_store.database(), request);
    QCOMPARE(map.signIns, std::int64_t(6));
    QCOMPARE(map.places.size(), std::size_t(1));
    QCOMPARE(map.places[0].failures, 6);
}

void TestActivity::travelLegNeedsCoordinates()
{
    TravelLeg leg;
    QVERIFY(!parseTravelLeg("not json", leg));
    QVERIFY(!parseTravelLeg(R"({"from":{"latitude":1},"to":{"latitude":2,"longitude":3}})", leg));
    QVERIFY(!parseTravelLeg(R"({"from":{"latitude":100,"longitude":0},"to":{"latitude":2,"longitude":3}})", leg));
    QVERIFY(parseTravelLeg(R"({"from":{"latitude":1,"longitude":2,"city":"A","country":"GB"},"to":{"latitude":2,"longitude":3}})", leg));
    QCOMPARE(leg.fromPlace, std::string("A, GB"));
}

QTEST_GUILESS_MAIN(TestActivity)
#include "tst_activity.moc"
