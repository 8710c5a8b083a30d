// The Timeline and Map panels in the real workspace, driven with QTest on a small takeover story:
// a selected user's lane with its markers, brushing a range that filters the events table, a
// finding that zooms the timeline and draws its travel leg, clicking a map marker, places that
// could not be placed listed beside the map, and a map panel without map data.
#include "../store/activitycase.h"
#include "ui/eventfilterbar.h"
#include "ui/eventspanel.h"
#include "ui/eventtablemodel.h"
#include "ui/mainwindow.h"
#include "ui/mappanel.h"
#include "ui/mapview.h"
#include "ui/screenshots.h"
#include "ui/selection.h"
#include "ui/timelinechart.h"
#include "ui/timelinepanel.h"

#include <QAbstractItemModelTester>
#include <QDockWidget>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QStandardItemModel>
#include <QTreeView>

#include <memory>

using namespace mp;
using namespace mp::ui;

namespace {

MainWindow::Options testOptions()
{
    MainWindow::Options o;
    o.persistent = false;
    o.quiet = true;
    o.geoDataDir = QStringLiteral("-");
    return o;
}

// The first column of every row of the list beside the map, groups and entries.
QStringList listTexts(const QAbstractItemModel *model)
{
    QStringList texts;
    for (int i = 0; i < model->rowCount(); ++i) {
        const QModelIndex group = model->index(i, 0);
        texts << group.data().toString();
        for (int j = 0; j < model->rowCount(group); ++j)
            texts << model->index(j, 0, group).data().toString();
    }
    return texts;
}

QModelIndex findEntry(const QAbstractItemModel *model, const QString &prefix)
{
    for (int i = 0; i < model->rowCount(); ++i) {
        const QModelIndex group = model->index(i, 0);
        for (int j = 0; j < model->rowCount(group); ++j) {
            const QModelIndex entry = model->index(j, 0, group);
            if (entry.data().toString().startsWith(prefix))
                return entry;
        }
    }
    return {};
}

} // namespace

class TestTimelineMap : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void selectedUserLaneAndMarkersAppear();
    void brushingARangeFiltersTheEvents();
    void findingZoomsTimelineAndDrawsTravelLeg();
    void clickingAMapMarkerSelectsItsSignIns();
    void placeWithSeveralAddressesSelectsThePlace();
    void unplacedAddressesAreListed();
    void missingMapDataIsExplained();
    void unreadableCaseIsReported();

private:
    bool settle() { return waitUntilIdle(*m_window, 20000); }

    QTemporaryDir m_dir;
    QString m_case;
    std::unique_ptr<MainWindow> m_window;
};

void TestTimelineMap::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QCoreApplication::setOrganizationName(QStringLiteral("MailpivotTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_timelinemap"));
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_dir.filePath(QStringLiteral("settings")));
    m_case = m_dir.filePath(QStringLiteral("story.mpcase"));
    std::string error;
    QVERIFY2(test::writeStoryCase(m_case.toStdString(), &error), error.c_str());
}

void TestTimelineMap::init()
{
    m_window = std::make_unique<MainWindow>(testOptions());
    m_window->resize(1500, 1000);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    QString error;
    QVERIFY2(m_window->openCase(m_case, &error), qPrintable(error));
    QVERIFY(settle());
}

void TestTimelineMap::cleanup()
{
    m_window.reset();
}

void TestTimelineMap::selectedUserLaneAndMarkersAppear()
{
    TimelinePanel *timeline = m_window->timelinePanel();
    QVERIFY(m_window->panel(QStringLiteral("timeline"))->isVisible());
    // Nothing selected: the whole case, the user with findings first.
    QCOMPARE(timeline->chart()->laneUsers().value(0), QStringLiteral("alice@contoso.com"));

    m_window->selection()->select(Selection::forUser(QStringLiteral("alice@contoso.com")));
    QVERIFY(settle());
    TimelineChart *chart = timeline->chart();
    // Alice's lane first, then bob, who was seen on the address of her findings.
    QCOMPARE(chart->laneUsers(), (QStringList{QStringLiteral("alice@contoso.com"), QStringLiteral("bob@contoso.com")}));
    QCOMPARE(chart->highlightedUser(), QStringLiteral("alice@contoso.com"));
    QVERIFY(timeline->headerText().startsWith(QStringLiteral("alice@contoso.com and 1 user")));

    // The rule marker is drawn where the chart says it is, in the rule colour, and its tool tip
    // names the rule.
    const ActivityLane &lane = chart->activity()->lanes.front();
    QCOMPARE(lane.markers.size(), std::size_t(2));
    const QPointF rule = chart->markerPosition(0, 0);
    QVERIFY(chart->plotRect().contains(rule));
    const QImage image = chart->grab().toImage();
    const QPoint pixel = chart->mapFromScene(chart->chart()->mapToScene(rule));
    const QColor seen = image.pixelColor(pixel * image.devicePixelRatio());
    const QColor want = TimelineChart::ruleColor();
    QVERIFY2(std::abs(seen.red() - want.red()) < 40 && std::abs(seen.green() - want.green()) < 40
                 && std::abs(seen.blue() - want.blue()) < 40,
             qPrintable(seen.name()));
    const TimelineChart::Hit hit = chart->hitAt(pixel);
    QCOMPARE(hit.kind, TimelineChart::Hit::Kind::Marker);
    QCOMPARE(hit.lane, 0);
    QVERIFY(chart->toolTipFor(hit).contains(QStringLiteral("Inbox rule change")));

    // A failed sign-in from Lagos, on the attacker's session bar.
    int failed = -1;
    for (std::size_t i = 0; i < lane.signIns.size(); ++i) {
        if (lane.signIns[i].outcome == EventOutcome::Failure && chart->plotRect().contains(chart->signInPosition(0, int(i)))) {
            failed = static_cast<int>(i);
            break;
        }
    }
    QVERIFY(failed >= 0);
    const TimelineChart::Hit signIn = chart->hitAt(chart->mapFromScene(chart->chart()->mapToScene(chart->signInPosition(0, failed))));
    QCOMPARE(signIn.kind, TimelineChart::Hit::Kind::SignIn);
    QVERIFY(chart->toolTipFor(signIn).contains(QStringLiteral("Failed sign-in")));
    QVERIFY(chart->toolTipFor(signIn).contains(QStringLiteral("NG")));

    // Clicking the marker selects its record in the events table.
    QSignalSpy changed(m_window->selection(), &SelectionHub::selectionChanged);
    QTest::mouseClick(chart->viewport(), Qt::LeftButton, {}, pixel);
    QCOMPARE(m_window->selection()->current().kind, Selection::Kind::Event);
    QCOMPARE(m_window->selection()->current().id, lane.markers[0].eventId);
}

void TestTimelineMap::brushingARangeFiltersTheEvents()
{
    SelectionHub *hub = m_window->selection();
    hub->select(Selection::forUser(QStringLiteral("alice@contoso.com")));
    QVERIFY(settle());
    const qsizetype steps = hub->history().size();
    TimelineChart *chart = m_window->timelinePanel()->chart();
    const QRectF plot = chart->plotRect();
    const QPoint a = chart->mapFromScene(chart->chart()->mapToScene(QPointF(plot.left() + plot.width() * 0.3, plot.center().y())));
    const QPoint b = chart->mapFromScene(chart->chart()->mapToScene(QPointF(plot.left() + plot.width() * 0.6, plot.center().y())));
    const qint64 from = chart->timeAt(plot.left() + plot.width() * 0.3);
    const qint64 to = chart->timeAt(plot.left() + plot.width() * 0.6);

    QTest::mousePress(chart->viewport(), Qt::LeftButton, {}, a);
    QTest::mouseMove(chart->viewport(), (a + b) / 2);
    QTest::mouseMove(chart->viewport(), b);
    QTest::mouseRelease(chart->viewport(), Qt::LeftButton, {}, b);

    // The user stays selected, narrowed to the range, in the same history step.
    const Selection &s = hub->current();
    QCOMPARE(s.kind, Selection::Kind::User);
    QCOMPARE(s.user, QStringLiteral("alice@contoso.com"));
    QVERIFY(std::abs(s.fromMs - from) < 2 * chart->timeAt(1) - 2 * chart->timeAt(0) + 60000);
    QVERIFY(std::abs(s.toMs - to) < 2 * chart->timeAt(1) - 2 * chart->timeAt(0) + 60000);
    QVERIFY(s.fromMs < s.toMs);
    QCOMPARE(hub->history().size(), steps);
    QCOMPARE(chart->brushFrom(), s.fromMs);

    // The events table filters to the range and the user.
    QVERIFY(settle());
    EventTableModel *model = m_window->eventsPanel()->model();
    QCOMPARE(model->query().fromMs, s.fromMs);
    QCOMPARE(model->query().toMs, s.toMs);
    QCOMPARE(model->query().user, std::string("alice@contoso.com"));
    QVERIFY(model->rowCount() > 0);
    CaseStore store;
    std::string error;
    QVERIFY(store.open(m_case.toStdString(), false, &error));
    for (int row = 0; row < model->rowCount(); ++row) {
        const auto event = store.event(model->eventId(row));
        QVERIFY(event);
        QVERIFY(event->event.timeMs >= s.fromMs && event->event.timeMs < s.toMs);
    }
    // Fewer rows than the user has.
    std::int64_t all = 0;
    EventFilter alice;
    alice.user = "alice@contoso.com";
    store.forEachEvent(alice, [&all](const StoredEvent &) { return ++all, true; });
    QVERIFY(model->rowCount() < all);
}

void TestTimelineMap::findingZoomsTimelineAndDrawsTravelLeg()
{
    CaseStore store;
    std::string error;
    QVERIFY(store.open(m_case.toStdString(), false, &error));
    const auto findings = FindingStore(store).findings();
    QCOMPARE(findings.size(), std::size_t(2));
    const StoredFinding &travel = findings.front();
    Selection s;
    s.kind = Selection::Kind::Finding;
    s.id = travel.id;
    s.key = QString::fromStdString(travel.finding.fingerprint);
    s.user = QStringLiteral("alice@contoso.com");
    for (const std::string &ip : travel.finding.ips)
        s.ips << QString::fromStdString(ip);
    m_window->selection()->select(s);
    QVERIFY(settle());

    TimelineChart *chart = m_window->timelinePanel()->chart();
    QVERIFY(chart->fromMs() <= travel.finding.firstTimeMs);
    QVERIFY(chart->toMs() >= travel.finding.lastTimeMs);
    QVERIFY(chart->toMs() - chart->fromMs() < 12 * test::kHour); // zoomed in on it, not the two days
    QCOMPARE(chart->highlightedUser(), QStringLiteral("alice@contoso.com"));

    MapPanel *map = m_window->mapPanel();
    QCOMPARE(map->view()->legCount(), 1);
    QVERIFY(listTexts(map->listModel()).contains(QStringLiteral("London, GB → Lagos, NG: 5,003 km at 3,752 km/h")));
    QVERIFY(map->headerText().contains(QStringLiteral("1 impossible-travel leg")));
}

void TestTimelineMap::clickingAMapMarkerSelectsItsSignIns()
{
    MapPanel *map = m_window->mapPanel();
    QAbstractItemModelTester tester(map->listModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_window->selection()->select(Selection::forUser(QStringLiteral("alice@contoso.com")));
    QVERIFY(settle());
    const SignInMap *data = map->signIns();
    QVERIFY(data);
    QCOMPARE(data->places.size(), std::size_t(2));
    QCOMPARE(map->view()->markerCount(), 2);
    QVERIFY(map->view()->pathLegCount() >= 2); // London -> Lagos -> London
    int lagos = -1;
    for (std::size_t i = 0; i < data->places.size(); ++i) {
        if (data->places[i].city == "Lagos")
            lagos = static_cast<int>(i);
    }
    QVERIFY(lagos >= 0);
    const QPoint pos = map->view()->placePosition(lagos);
    QVERIFY(map->view()->viewport()->rect().contains(pos));
    QCOMPARE(map->view()->placeAt(pos), lagos);

    QTest::mouseClick(map->view()->viewport(), Qt::LeftButton, {}, pos);
    const Selection &s = m_window->selection()->current();
    QCOMPARE(s.kind, Selection::Kind::Ip);
    QCOMPARE(s.key, QString::fromLatin1(test::kAttackerIp));
    QCOMPARE(s.user, QStringLiteral("alice@contoso.com"));
    QCOMPARE(map->view()->selectedPlace(), lagos);
    // The map keeps the user's trail; the events table shows her sign-ins from there.
    QCOMPARE(map->view()->markerCount(), 2);
    QVERIFY(settle());
    const EventQuery &q = m_window->eventsPanel()->model()->query();
    QCOMPARE(q.ip, std::string(test::kAttackerIp));
    QCOMPARE(q.user, std::string("alice@contoso.com"));
    // Six failed and four successful sign-ins, the rule, the forwarding, five sends, one mail access.
    QCOMPARE(m_window->eventsPanel()->model()->rowCount(), 6 + 4 + 1 + 1 + 5 + 1);

    // Dragging pans rather than clicks.
    m_window->selection()->select(Selection{});
    QTest::mousePress(map->view()->viewport(), Qt::LeftButton, {}, pos);
    QTest::mouseMove(map->view()->viewport(), pos + QPoint(60, 30));
    QTest::mouseRelease(map->view()->viewport(), Qt::LeftButton, {}, pos + QPoint(60, 30));
    QVERIFY(m_window->selection()->current().isNone());
}

void TestTimelineMap::placeWithSeveralAddressesSelectsThePlace()
{
    // The whole case: London holds alice's and bob's addresses.
    MapPanel *map = m_window->mapPanel();
    const SignInMap *data = map->signIns();
    QVERIFY(data);
    int london = -1;
    for (std::size_t i = 0; i < data->places.size(); ++i) {
        if (data->places[i].city == "London")
            london = static_cast<int>(i);
    }
    QVERIFY(london >= 0);
    QCOMPARE(data->places[static_cast<std::size_t>(london)].ipCount, 2);
    QTest::mouseClick(map->view()->viewport(), Qt::LeftButton, {}, map->view()->placePosition(london));
    const Selection &s = m_window->selection()->current();
    QCOMPARE(s.kind, Selection::Kind::Country);
    QCOMPARE(s.key, QStringLiteral("GB"));
    QCOMPARE(s.ips.size(), 2);
    QVERIFY(s.describe().contains(QStringLiteral("London")));
}

void TestTimelineMap::unplacedAddressesAreListed()
{
    MapPanel *map = m_window->mapPanel();
    QAbstractItemModelTester tester(map->listModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_window->selection()->select(Selection::forUser(QStringLiteral("carol@contoso.com")));
    QVERIFY(settle());
    QCOMPARE(map->view()->markerCount(), 0); // nothing drawn at 0,0
    const QStringList texts = listTexts(map->listModel());
    QVERIFY2(texts.contains(QStringLiteral("198.51.100.7 · location unknown")), qPrintable(texts.join(QLatin1Char('\n'))));
    QVERIFY(texts.contains(QStringLiteral("198.51.100.8 · FR, no coordinates")));
    QVERIFY(map->headerText().contains(QStringLiteral("2 addresses not placed")));
    // An entry of the list selects its address.
    const QModelIndex entry = findEntry(map->listModel(), QStringLiteral("198.51.100.7"));
    QVERIFY(entry.isValid());
    map->list()->scrollTo(entry);
    QTest::mouseClick(map->list()->viewport(), Qt::LeftButton, {}, map->list()->visualRect(entry).center());
    QCOMPARE(m_window->selection()->current().kind, Selection::Kind::Ip);
    QCOMPARE(m_window->selection()->current().key, QStringLiteral("198.51.100.7"));
}

void TestTimelineMap::missingMapDataIsExplained()
{
    SelectionHub hub;
    MapPanel panel(&hub);
    QAbstractItemModelTester tester(panel.listModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QTemporaryDir empty;
    panel.setDataDir(empty.path());
    panel.resize(900, 500);
    panel.show();
    panel.openCase(m_case);
    QTRY_VERIFY_WITH_TIMEOUT(!panel.isBusy(), 20000);
    QVERIFY(!panel.view()->hasWorld());
    QVERIFY(panel.headerText().contains(QStringLiteral("no world map: run scripts/fetch-data.sh")));
    // The places are still there, listed and marked.
    QVERIFY(findEntry(panel.listModel(), QStringLiteral("London, GB")).isValid());
    QVERIFY(findEntry(panel.listModel(), QStringLiteral("Lagos, NG")).isValid());
    QCOMPARE(panel.view()->markerCount(), 2);
}

void TestTimelineMap::unreadableCaseIsReported()
{
    // A file that is not a case (moved, damaged, or somebody else's): both panels say so where
    // their data would be, instead of staying empty or busy.
    const QString bogus = m_dir.filePath(QStringLiteral("not-a-case.mpcase"));
    QFile file(bogus);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QByteArray(4096, 'x'));
    file.close();

    SelectionHub hub;
    TimelinePanel timeline(&hub);
    MapPanel map(&hub);
    timeline.openCase(bogus);
    map.openCase(bogus);
    hub.select(Selection::forUser(QStringLiteral("adele.vance@contoso.com")));
    QTRY_VERIFY_WITH_TIMEOUT(!timeline.isBusy() && !map.isBusy(), 20000);
    QVERIFY2(timeline.headerText().contains(QStringLiteral("Cannot read the activity")), qPrintable(timeline.headerText()));
    QVERIFY2(map.headerText().contains(QStringLiteral("Cannot read the sign-ins")), qPrintable(map.headerText()));
}

QTEST_MAIN(TestTimelineMap)
#include "tst_timelinemap.moc"
