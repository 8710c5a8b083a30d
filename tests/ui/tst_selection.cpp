// The workspace's linked selection: history like a browser's (back, forward, a new step drops
// what was ahead), refinement without a new step, and the events table following a selection
// made elsewhere, with back restoring what was shown before.
#include "../store/syntheticcase.h"
#include "ui/eventfilterbar.h"
#include "ui/eventspanel.h"
#include "ui/eventtablemodel.h"
#include "ui/screenshots.h"
#include "ui/mainwindow.h"
#include "ui/selection.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace mp;
using namespace mp::ui;

class TestSelection : public QObject
{
    Q_OBJECT

private slots:
    void historyBackAndForward();
    void newStepDropsForwardEntries();
    void refineReplacesCurrentStep();
    void originIsPassedOn();
    void describeNamesTheSelection();
    void eventsTableFollowsSelection();
};

void TestSelection::historyBackAndForward()
{
    SelectionHub hub;
    QSignalSpy changed(&hub, &SelectionHub::selectionChanged);
    QVERIFY(hub.current().isNone());
    QVERIFY(!hub.canGoBack());
    hub.select(Selection::forUser(QStringLiteral("Alice@Contoso.com")));
    hub.select(Selection::forIp(QStringLiteral("203.0.113.9")));
    QCOMPARE(changed.count(), 2);
    QCOMPARE(hub.current().kind, Selection::Kind::Ip);
    QVERIFY(hub.canGoBack());
    QVERIFY(!hub.canGoForward());

    hub.back();
    QCOMPARE(hub.current().kind, Selection::Kind::User);
    QCOMPARE(hub.current().user, QStringLiteral("alice@contoso.com")); // UPNs are compared lower case
    QVERIFY(hub.canGoForward());
    QVERIFY(!hub.canGoBack());
    hub.back(); // nothing further back: no change, no signal
    QCOMPARE(changed.count(), 3);

    hub.forward();
    QCOMPARE(hub.current().key, QStringLiteral("203.0.113.9"));
    QCOMPARE(changed.count(), 4);

    // Selecting what is already selected is not a step.
    hub.select(Selection::forIp(QStringLiteral("203.0.113.9")));
    QCOMPARE(hub.history().size(), 2);
    QCOMPARE(changed.count(), 4);

    hub.clear();
    QVERIFY(hub.current().isNone());
    QVERIFY(!hub.canGoBack());
    QVERIFY(hub.history().isEmpty());
}

void TestSelection::newStepDropsForwardEntries()
{
    SelectionHub hub;
    for (const char *ip : {"192.0.2.1", "192.0.2.2", "192.0.2.3"})
        hub.select(Selection::forIp(QString::fromLatin1(ip)));
    hub.back();
    hub.back();
    hub.select(Selection::forUser(QStringLiteral("bob@contoso.com")));
    QCOMPARE(hub.history().size(), 2);
    QCOMPARE(hub.history().at(0).key, QStringLiteral("192.0.2.1"));
    QVERIFY(!hub.canGoForward());
    hub.goTo(0);
    QCOMPARE(hub.current().key, QStringLiteral("192.0.2.1"));

    for (int i = 0; i < SelectionHub::kMaxHistory + 10; ++i)
        hub.select(Selection::forEvent(i + 1));
    QCOMPARE(hub.history().size(), SelectionHub::kMaxHistory);
    QCOMPARE(hub.current().id, SelectionHub::kMaxHistory + 10);
}

void TestSelection::refineReplacesCurrentStep()
{
    SelectionHub hub;
    const Selection user = Selection::forUser(QStringLiteral("carol@contoso.com"));
    hub.select(user);
    hub.refine(user.withTimeRange(1000, 2000));
    hub.refine(user.withTimeRange(1000, 3000));
    QCOMPARE(hub.history().size(), 1);
    QCOMPARE(hub.current().toMs, 3000);
    QCOMPARE(hub.current().user, QStringLiteral("carol@contoso.com"));
}

void TestSelection::originIsPassedOn()
{
    SelectionHub hub;
    QObject view;
    QSignalSpy changed(&hub, &SelectionHub::selectionChanged);
    hub.select(Selection::forIp(QStringLiteral("192.0.2.1")), &view);
    QCOMPARE(changed.at(0).at(1).value<const QObject *>(), &view);
    hub.select(Selection::forIp(QStringLiteral("192.0.2.2")));
    hub.back(); // navigation has no origin: every view follows, the one that made the step too
    QCOMPARE(changed.at(2).at(1).value<const QObject *>(), nullptr);
}

void TestSelection::describeNamesTheSelection()
{
    QCOMPARE(Selection().describe(), QStringLiteral("Nothing selected"));
    QCOMPARE(Selection::forIp(QStringLiteral("192.0.2.1")).describe(), QStringLiteral("IP 192.0.2.1"));
    Selection finding;
    finding.kind = Selection::Kind::Finding;
    finding.label = QStringLiteral("ImpossibleTravel: dave@contoso.com");
    QCOMPARE(finding.describe(), finding.label);
    // 2024-03-14T10:00:00Z .. 11:00
    const QString ranged = Selection::forTimeRange(1710410400000, 1710414000000).describe();
    QVERIFY2(ranged.contains(QStringLiteral("2024-03-14")), qPrintable(ranged));
}

void TestSelection::eventsTableFollowsSelection()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("case.mpcase"));
    std::string error;
    QVERIFY2(test::writeSyntheticCase(path.toStdString(), 400, &error), error.c_str());
    MainWindow::Options options;
    options.persistent = false;
    options.quiet = true;
    options.geoDataDir = QStringLiteral("-");
    MainWindow w(options);
    w.show();
    QVERIFY(w.openCase(path));
    QVERIFY(waitUntilIdle(w, 20000));
    EventTableModel *model = w.eventsPanel()->model();
    QCOMPARE(model->rowCount(), 400);

    // Another view selects a user: the table narrows to that user's events, and the filter bar
    // shows why.
    w.selection()->select(Selection::forUser(QStringLiteral("USER05@contoso.com")));
    QVERIFY(waitUntilIdle(w, 20000));
    QVERIFY(model->rowCount() > 0);
    QVERIFY(model->rowCount() < 400);
    QCOMPARE(QString::fromStdString(w.eventsPanel()->filterBar()->query().user), QStringLiteral("user05@contoso.com"));
    for (int row = 0; row < model->rowCount(); ++row)
        QCOMPARE(model->index(row, int(EventColumn::User)).data().toString(), QStringLiteral("user05@contoso.com"));
    const int userRows = model->rowCount();

    // An event chosen elsewhere is selected in the table (and its record shown).
    const qint64 third = model->eventId(2);
    w.selection()->select(Selection::forEvent(third));
    QVERIFY(waitUntilIdle(w, 20000));
    QCOMPARE(w.eventsPanel()->currentEventId(), third);

    // Back: the user step again, and the table still lists that user's events.
    w.selection()->back();
    QVERIFY(waitUntilIdle(w, 20000));
    QCOMPARE(model->rowCount(), userRows);

    // Clicking a row of the table is a step of its own: back returns to the user.
    w.eventsPanel()->selectEvent(model->eventId(0));
    QCOMPARE(w.selection()->current().kind, Selection::Kind::Event);
    w.selection()->back();
    QCOMPARE(w.selection()->current().kind, Selection::Kind::User);
}

QTEST_MAIN(TestSelection)
#include "tst_selection.moc"
