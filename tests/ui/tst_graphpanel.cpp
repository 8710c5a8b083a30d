// The Graph panel on the simulator's two-victim story: a click on a node shows its details and
// selects it in the workspace (the events table follows), a selection made elsewhere is shown,
// expand/collapse, type filter, search, and PNG/SVG export.
#include "detect/engine.h"
#include "ingest/importer.h"
#include "simulate/simulator.h"
#include "store/casestore.h"
#include "store/findingstore.h"
#include "ui/eventfilterbar.h"
#include "ui/eventspanel.h"
#include "ui/graphpanel.h"
#include "ui/graphview.h"
#include "ui/mainwindow.h"
#include "ui/screenshots.h"
#include "ui/selection.h"

#include <QDockWidget>
#include <QFile>
#include <QImage>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>
#include <QXmlStreamReader>

using namespace mp;
using namespace mp::ui;

namespace {

const QString kAttackerIp = QStringLiteral("51.15.22.187");
const QString kDana = QStringLiteral("dana.whitfield@contoso.com");
const QString kOmar = QStringLiteral("omar.haddad@contoso.com");

bool waitIdle(GraphPanel &panel)
{
    return QTest::qWaitFor([&] { return panel.graph() && panel.isIdle() && panel.view()->nodeCount() > 0; }, 30000);
}

// Shows the panel on screen with the case open and its graph laid out.
bool showCase(GraphPanel &panel, const QString &casePath)
{
    panel.resize(1200, 800);
    panel.show();
    if (!QTest::qWaitForWindowExposed(&panel))
        return false;
    panel.openCase(casePath);
    return waitIdle(panel);
}

void clickNode(GraphView *view, int node)
{
    const QPoint at = view->mapFromScene(view->nodePosition(static_cast<std::uint32_t>(node)));
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, at);
}

} // namespace

class TestGraphPanel : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void clickShowsDetailsAndSelects();
    void followsSelectionMadeElsewhere();
    void expandCollapseFilterSearch();
    void exportsPngAndSvg();
    void workspaceLinksGraphAndEvents();
    void dismissedFindingsMuteTheNode();
    void rebuildKeepsTheViewAndShowsNewEntities();

private:
    QTemporaryDir m_dir;
    QString m_case;
};

void TestGraphPanel::initTestCase()
{
    QVERIFY(m_dir.isValid());
    sim::SimulateOptions options;
    options.outDir = m_dir.filePath(QStringLiteral("out")).toStdString();
    options.scenario = "bec-two-victims";
    QVERIFY(sim::simulate(options).ok);
    m_case = m_dir.filePath(QStringLiteral("bec.mpcase"));
    CaseStore store;
    std::string error;
    QVERIFY2(store.open(m_case.toStdString(), true, &error), error.c_str());
    std::vector<std::string> files;
    for (const char *f : {"signins.json", "audit.csv", "messagetrace.csv"})
        files.push_back(m_dir.filePath(QStringLiteral("out/") + QLatin1String(f)).toStdString());
    importFiles(store, files, {});
    const auto tuning = Tuning::load(m_dir.filePath(QStringLiteral("out/tuning.json")).toStdString(), &error);
    QVERIFY(tuning);
    DetectionOptions detect;
    detect.tuning = *tuning;
    QVERIFY(detectAndStore(store, detect).ok);
}

void TestGraphPanel::clickShowsDetailsAndSelects()
{
    SelectionHub hub;
    GraphPanel panel(&hub);
    QVERIFY(showCase(panel, m_case));
    // It opens on the largest campaign: both victims and the attacker's address.
    const int attacker = panel.graph()->find("ip:" + kAttackerIp.toStdString());
    const int dana = panel.graph()->find("user:" + kDana.toStdString());
    QVERIFY(attacker >= 0 && dana >= 0);
    QVERIFY(panel.view()->hasNode(static_cast<std::uint32_t>(attacker)));
    QVERIFY(panel.view()->hasNode(static_cast<std::uint32_t>(dana)));
    QVERIFY(panel.view()->hasNode(static_cast<std::uint32_t>(panel.graph()->find("user:" + kOmar.toStdString()))));

    QSignalSpy selected(&panel, &GraphPanel::nodeSelected);
    QSignalSpy changed(&hub, &SelectionHub::selectionChanged);
    clickNode(panel.view(), attacker);
    QCOMPARE(selected.count(), 1);
    QCOMPARE(selected.first().first().toInt(), attacker);
    QCOMPARE(panel.view()->selectedNode(), attacker);
    // The details: the address, its network and country, its campaign and the findings on it.
    const QString details = panel.details()->toPlainText();
    QVERIFY2(details.contains(kAttackerIp), qPrintable(details));
    QVERIFY(details.contains(QStringLiteral("AS12876")));
    QVERIFY(details.contains(QStringLiteral("Campaign 1")));
    QVERIFY(details.contains(QStringLiteral("RiskySignIn")));
    QVERIFY(details.contains(QStringLiteral("signed in from")));
    // The workspace's selection is that address.
    QCOMPARE(changed.count(), 1);
    QCOMPARE(hub.current().kind, Selection::Kind::Ip);
    QCOMPARE(hub.current().key, kAttackerIp);

    // A click on a user selects the user.
    clickNode(panel.view(), dana);
    QCOMPARE(hub.current().kind, Selection::Kind::User);
    QCOMPARE(hub.current().user, kDana);
    QVERIFY(panel.details()->toPlainText().contains(kDana));
    // A click on the empty background selects nothing new.
    QTest::mouseClick(panel.view()->viewport(), Qt::LeftButton, {}, QPoint(3, panel.view()->viewport()->height() - 3));
    QCOMPARE(hub.current().user, kDana);
}

void TestGraphPanel::followsSelectionMadeElsewhere()
{
    SelectionHub hub;
    GraphPanel panel(&hub);
    QVERIFY(showCase(panel, m_case));
    // A user outside the campaign: the graph adds them and their ties, and selects them.
    int outsider = -1;
    for (std::size_t i = 0; i < panel.graph()->nodes.size(); ++i) {
        const GraphNode &n = panel.graph()->nodes[i];
        if (n.type == NodeType::User && n.campaign < 0 && n.events > 10) {
            outsider = static_cast<int>(i);
            break;
        }
    }
    QVERIFY(outsider >= 0);
    QVERIFY(!panel.view()->hasNode(static_cast<std::uint32_t>(outsider)));
    const QString upn = QString::fromStdString(panel.graph()->nodes[static_cast<std::size_t>(outsider)].label);
    hub.select(Selection::forUser(upn));
    QVERIFY(waitIdle(panel));
    QVERIFY(panel.view()->hasNode(static_cast<std::uint32_t>(outsider)));
    QCOMPARE(panel.view()->selectedNode(), outsider);
    QVERIFY(panel.details()->toPlainText().contains(upn));

    // A campaign chosen elsewhere is highlighted with its nodes shown.
    Selection campaign;
    campaign.kind = Selection::Kind::Campaign;
    campaign.id = 1;
    hub.select(campaign);
    QVERIFY(waitIdle(panel));
    for (std::uint32_t n : panel.campaigns().front().allNodes())
        QVERIFY(panel.view()->hasNode(n));
}

void TestGraphPanel::expandCollapseFilterSearch()
{
    SelectionHub hub;
    GraphPanel panel(&hub);
    QVERIFY(showCase(panel, m_case));
    const int dana = panel.graph()->find("user:" + kDana.toStdString());
    const int before = panel.view()->nodeCount();
    panel.expand(dana);
    QVERIFY(waitIdle(panel));
    const int expanded = panel.view()->nodeCount();
    QVERIFY(expanded > before); // her home address, the office, her apps…
    panel.collapse(dana);
    QVERIFY(waitIdle(panel));
    QVERIFY(panel.view()->nodeCount() < expanded);

    // Hiding rules and addresses hides their nodes.
    const int visible = panel.view()->visibleNodeCount();
    std::vector<bool> types(kNodeTypeCount, true);
    types[static_cast<int>(NodeType::Rule)] = false;
    panel.view()->setFilter(types, kNoTime, kNoTime);
    QVERIFY(panel.view()->visibleNodeCount() < visible);
    panel.view()->setFilter(std::vector<bool>(kNodeTypeCount, true), kNoTime, kNoTime);
    QCOMPARE(panel.view()->visibleNodeCount(), visible);
    // A time window before anything happened leaves no ties, hence no nodes but the selected one.
    QCOMPARE(panel.view()->selectedNode(), dana);
    panel.view()->setFilter(std::vector<bool>(kNodeTypeCount, true), 0, 1000);
    QCOMPARE(panel.view()->visibleNodeCount(), 1);
    panel.view()->setFilter(std::vector<bool>(kNodeTypeCount, true), kNoTime, kNoTime);

    // Search: part of a label finds the forwarding address and selects it.
    panel.searchField()->setText(QStringLiteral("remittance"));
    QTest::keyClick(panel.searchField(), Qt::Key_Return);
    QVERIFY(waitIdle(panel));
    const int address = panel.graph()->find("address:remittance.desk@evil.example");
    QCOMPARE(panel.view()->selectedNode(), address);
    QCOMPARE(hub.current().kind, Selection::Kind::Address);
    QVERIFY(!panel.search(QStringLiteral("no-such-entity-anywhere")));
}

void TestGraphPanel::exportsPngAndSvg()
{
    SelectionHub hub;
    GraphPanel panel(&hub);
    QVERIFY(showCase(panel, m_case));
    QString error;
    const QString png = m_dir.filePath(QStringLiteral("graph.png"));
    QVERIFY2(panel.exportPicture(png, &error), qPrintable(error));
    const QImage image(png);
    QVERIFY(image.width() >= 400 && image.height() >= 300);
    // Not blank: the nodes' colours are in it.
    bool coloured = false;
    for (int y = 0; y < image.height() && !coloured; y += 3) {
        for (int x = 0; x < image.width() && !coloured; x += 3) {
            const QColor c = image.pixelColor(x, y);
            coloured = c.saturation() > 120 && c.value() > 80;
        }
    }
    QVERIFY(coloured);
    const QString svg = m_dir.filePath(QStringLiteral("graph.svg"));
    QVERIFY2(panel.exportPicture(svg, &error), qPrintable(error));
    QFile f(svg);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QXmlStreamReader xml(&f);
    int texts = 0;
    while (!xml.atEnd()) {
        if (xml.readNext() == QXmlStreamReader::StartElement && xml.name() == QLatin1String("text"))
            ++texts;
    }
    QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
    QVERIFY(texts > 5); // labels and the legend
    QVERIFY(!panel.exportPicture(m_dir.filePath(QStringLiteral("no/such/dir/g.png")), &error));
    // To look at the pictures: MP_GRAPH_EXPORT_DIR=/some/dir keeps copies.
    const QString keep = qEnvironmentVariable("MP_GRAPH_EXPORT_DIR");
    if (!keep.isEmpty()) {
        QFile::copy(png, keep + QStringLiteral("/graph-export.png"));
        QFile::copy(svg, keep + QStringLiteral("/graph-export.svg"));
    }
}

void TestGraphPanel::workspaceLinksGraphAndEvents()
{
    MainWindow::Options options;
    options.persistent = false;
    options.quiet = true;
    options.geoDataDir = QStringLiteral("-");
    MainWindow w(options);
    w.resize(1400, 900);
    w.show();
    QVERIFY(w.panel(QStringLiteral("graph")));
    QVERIFY(w.openCase(m_case));
    QVERIFY(waitUntilIdle(w, 30000));
    GraphPanel *panel = w.graphPanel();
    QDockWidget *dock = w.panel(QStringLiteral("graph"));
    dock->show();
    dock->raise();
    QVERIFY(QTest::qWaitFor([&] { return panel->view()->isVisible() && panel->view()->width() > 100; }, 5000));
    QVERIFY(waitIdle(*panel));
    panel->view()->fit();
    const int dana = panel->graph()->find("user:" + kDana.toStdString());
    clickNode(panel->view(), dana);
    // The events table narrows to her events.
    QVERIFY(waitUntilIdle(w, 30000));
    QCOMPARE(QString::fromStdString(w.eventsPanel()->filterBar()->query().user), kDana);
    QVERIFY(panel->details()->toPlainText().contains(kDana));
    // Selecting the attacker's address in the graph, then going back, selects her again there.
    clickNode(panel->view(), panel->graph()->find("ip:" + kAttackerIp.toStdString()));
    QCOMPARE(w.selection()->current().key, kAttackerIp);
    w.selection()->back();
    QVERIFY(waitUntilIdle(w, 30000));
    QCOMPARE(panel->view()->selectedNode(), dana);
}

QTEST_MAIN(TestGraphPanel)
namespace {

QColor pixelAt(GraphView *view, int node)
{
    const QPoint at = view->mapFromScene(view->nodePosition(static_cast<std::uint32_t>(node)));
    return view->viewport()->grab().toImage().pixelColor(at * view->viewport()->devicePixelRatioF());
}

} // namespace

// A node whose findings are all triaged false positive or benign is drawn muted (its type's
// colour faded, no red ring) and says so in its details; one open finding keeps it marked. The
// triage comes from the case when the graph is built, and from the findings panel afterwards.
void TestGraphPanel::dismissedFindingsMuteTheNode()
{
    SelectionHub hub;
    GraphPanel panel(&hub);
    QVERIFY(showCase(panel, m_case));
    const int attacker = panel.graph()->find("ip:" + kAttackerIp.toStdString());
    QVERIFY(attacker >= 0);
    const GraphNode &node = panel.graph()->nodes[static_cast<std::size_t>(attacker)];
    QVERIFY(node.findings.size() >= 2);
    QVERIFY(!panel.view()->isNodeDismissed(static_cast<std::uint32_t>(attacker)));
    const QColor before = pixelAt(panel.view(), attacker);
    QCOMPARE(before, nodeColor(NodeType::Ip));

    std::vector<std::string> fingerprints;
    for (std::uint32_t f : node.findings)
        fingerprints.push_back(panel.graph()->findings[f].fingerprint);
    clickNode(panel.view(), attacker);
    // All but one dismissed: still marked.
    for (std::size_t i = 0; i + 1 < fingerprints.size(); ++i)
        panel.setTriage(QString::fromStdString(fingerprints[i]), i % 2 ? QStringLiteral("benign") : QStringLiteral("false-positive"));
    QVERIFY(!panel.view()->isNodeDismissed(static_cast<std::uint32_t>(attacker)));
    QVERIFY2(panel.details()->toPlainText().contains(QStringLiteral("1 of %1 findings open").arg(fingerprints.size())),
             qPrintable(panel.details()->toPlainText()));
    // The last one too: muted, in the picture and in the details.
    panel.setTriage(QString::fromStdString(fingerprints.back()), QStringLiteral("false-positive"));
    QVERIFY(panel.view()->isNodeDismissed(static_cast<std::uint32_t>(attacker)));
    QVERIFY(panel.details()->toPlainText().contains(QStringLiteral("all %1 findings dismissed").arg(fingerprints.size())));
    QVERIFY(panel.details()->toPlainText().contains(QStringLiteral("[false-positive]")));
    const QColor after = pixelAt(panel.view(), attacker);
    QVERIFY2(after != before && after.saturationF() < before.saturationF() / 2 && after.lightnessF() > before.lightnessF(),
             qPrintable(after.name()));
    // A true positive brings the mark back.
    panel.setTriage(QString::fromStdString(fingerprints.front()), QStringLiteral("true-positive"));
    QVERIFY(!panel.view()->isNodeDismissed(static_cast<std::uint32_t>(attacker)));
    QCOMPARE(pixelAt(panel.view(), attacker), before);

    // Triage stored in the case is read when the graph is built (a copy of the case).
    const QString copy = m_dir.filePath(QStringLiteral("triaged.mpcase"));
    QVERIFY(QFile::copy(m_case, copy));
    {
        CaseStore store;
        std::string error;
        QVERIFY2(store.open(copy.toStdString(), false, &error), error.c_str());
        FindingStore findings(store);
        for (const std::string &fp : fingerprints)
            QVERIFY2(findings.setTriage(fp, TriageState::Benign, "office test", &error), error.c_str());
    }
    GraphPanel reopened(&hub);
    reopened.resize(1200, 800);
    reopened.show();
    reopened.openCase(copy);
    QVERIFY(waitIdle(reopened));
    QVERIFY(reopened.view()->isNodeDismissed(static_cast<std::uint32_t>(attacker)));
    // Every other node is muted exactly when all its findings are among those.
    int open = 0;
    for (std::uint32_t n = 0; n < reopened.graph()->nodes.size(); ++n) {
        const GraphNode &other = reopened.graph()->nodes[n];
        if (other.findings.empty())
            continue;
        const bool all = std::all_of(other.findings.begin(), other.findings.end(), [&](std::uint32_t f) {
            return std::find(fingerprints.begin(), fingerprints.end(), reopened.graph()->findings[f].fingerprint) != fingerprints.end();
        });
        QCOMPARE(reopened.graph()->findingsDismissed(other), all);
        if (reopened.view()->hasNode(n))
            QCOMPARE(reopened.view()->isNodeDismissed(n), all);
        open += all ? 0 : 1;
    }
    QVERIFY(open > 0);
}

// After an import the graph is built again with the analyst's view kept: the same nodes, the
// selected user still selected, the same zoom, and the new address the import brought for that
// user shown next to them.
void TestGraphPanel::rebuildKeepsTheViewAndShowsNewEntities()
{
    const QString copy = m_dir.filePath(QStringLiteral("rebuilt.mpcase"));
    QVERIFY(QFile::copy(m_case, copy));
    SelectionHub hub;
    GraphPanel panel(&hub);
    panel.resize(1200, 800);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    panel.openCase(copy);
    QVERIFY(waitIdle(panel));
    const int dana = panel.graph()->find("user:" + kDana.toStdString());
    QVERIFY(dana >= 0);
    clickNode(panel.view(), dana);
    QCOMPARE(panel.view()->selectedNode(), dana);
    panel.view()->scale(1.7, 1.7);
    const double zoom = panel.view()->transform().m11();
    const int shown = panel.view()->nodeCount();
    const std::string newIp = "ip:203.0.113.77";
    QCOMPARE(panel.graph()->find(newIp), -1);
    {
        CaseStore store;
        std::string error;
        QVERIFY2(store.open(copy.toStdString(), false, &error), error.c_str());
        SourceFile source;
        source.name = "late-signins.json";
        source.sha256 = std::string(64, 'a');
        source.format = "test";
        QVERIFY2(store.beginImport(source, {}, &error), error.c_str());
        Event e;
        e.kind = EventKind::SignIn;
        e.recordId = "late-1";
        e.sourceId = source.id;
        e.user = kDana.toStdString();
        e.timeMs = 1792000000000;
        e.operation = "SignIn";
        e.ip = "203.0.113.77";
        e.country = "RO";
        e.resultCode = 0;
        QVERIFY(store.insertEvent(e) == CaseStore::InsertResult::Inserted);
        source.recordsRead = source.imported = 1;
        QVERIFY2(store.finishImport(source, &error), error.c_str());
    }
    QSignalSpy loaded(&panel, &GraphPanel::graphLoaded);
    panel.rebuild();
    QVERIFY(loaded.wait(30000));
    QVERIFY(waitIdle(panel));
    const int ip = panel.graph()->find(newIp);
    QVERIFY(ip >= 0);
    QVERIFY(panel.view()->hasNode(static_cast<std::uint32_t>(ip)));
    QCOMPARE(panel.view()->selectedNode(), panel.graph()->find("user:" + kDana.toStdString()));
    QVERIFY(panel.details()->toPlainText().contains(kDana));
    QCOMPARE(panel.view()->transform().m11(), zoom);
    QVERIFY(panel.view()->nodeCount() > shown);
    QVERIFY(panel.view()->hasNode(static_cast<std::uint32_t>(panel.graph()->find("ip:" + kAttackerIp.toStdString()))));
}

#include "tst_graphpanel.moc"
