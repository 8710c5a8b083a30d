// The findings side of the workspace driven as an analyst would: the findings and incidents tree
// (checked by QAbstractItemModelTester), selecting a finding and finding the events table narrowed
// to it with its evidence row selected and the details panel telling it, a user selected
// elsewhere highlighting that user's findings, triage that survives closing and reopening the
// case, "this is a service account" writing the case's tuning file and the finding coming back
// suppressed, detection from the GUI after an import, and the per-user page.
#include "cli/cli.h"
#include "detect/engine.h"
#include "detect/tuning.h"
#include "ingest/importer.h"
#include "simulate/simulator.h"
#include "store/casestore.h"
#include "store/findingstore.h"
#include "ui/detailspanel.h"
#include "ui/detectionrunner.h"
#include "ui/eventfilterbar.h"
#include "ui/eventspanel.h"
#include "ui/eventtablemodel.h"
#include "ui/findingsmodel.h"
#include "ui/findingspanel.h"
#include "ui/htmlformat.h"
#include "ui/mainwindow.h"
#include "ui/screenshots.h"
#include "ui/selection.h"
#include "ui/textformat.h"
#include "ui/userpage.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>

#include <memory>
#include <sstream>

using namespace mp;
using namespace mp::ui;

namespace {

const QString kVictim = QStringLiteral("dana.whitfield@contoso.com");
const QString kOtherVictim = QStringLiteral("omar.haddad@contoso.com");
const QString kTransactional = QStringLiteral("notifications@contoso.com");

MainWindow::Options testOptions()
{
    MainWindow::Options o;
    o.persistent = false;
    o.quiet = true;
    o.geoDataDir = QStringLiteral("-");
    return o;
}

bool settle(MainWindow &w)
{
    return waitUntilIdle(w, 60000);
}

// The source index of the first finding matching detector and user (and, when given, severity).
QModelIndex findFinding(const FindingsModel &model, const QString &detector, const QString &user,
                        std::optional<Severity> severity = std::nullopt)
{
    for (int r = 0; r < model.rowCount(); ++r) {
        const QModelIndex top = model.index(r, 0);
        QList<QModelIndex> candidates{top};
        for (int c = 0; c < model.rowCount(top); ++c)
            candidates << model.index(c, 0, top);
        for (const QModelIndex &i : candidates) {
            const StoredFinding *f = model.finding(i);
            if (f && qstr(f->finding.detector) == detector && qstr(f->finding.user) == user
                && (!severity || f->finding.severity == *severity))
                return i;
        }
    }
    return {};
}

} // namespace

class TestFindings : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void modelIsATreeOfIncidentsAndFindings();
    void panelLinksAreReadBack();
    void selectingAFindingLinksEventsAndDetails();
    void userSelectedElsewhereHighlightsFindings();
    void triagePersistsAfterReopening();
    void serviceAccountWritesTuningAndSuppresses();
    void cliDetectReadsTheCaseTuningFile();
    void importRunsDetection();
    void userPageTellsTheStory();
    void logTextIsEscaped();
    void screenshotsShowAFindingAndTheUserPage();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_template; // the demo tenant, detected with the default tuning
    QString m_exports;
    QString m_case;     // a fresh copy for each test
};

void TestFindings::initTestCase()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_exports = m_dir->filePath(QStringLiteral("exports"));
    sim::SimulateOptions options;
    options.outDir = m_exports.toStdString();
    options.seed = 1;
    const sim::SimulateResult simulated = sim::simulate(options);
    QVERIFY2(simulated.ok, simulated.error.c_str());
    m_template = m_dir->filePath(QStringLiteral("template.mpcase"));
    CaseStore store;
    std::string error;
    QVERIFY2(store.open(m_template.toStdString(), true, &error), error.c_str());
    std::vector<std::string> files;
    for (const char *f : {"signins.json", "audit.csv", "messagetrace.csv"})
        files.push_back(QString(m_exports + QLatin1Char('/') + QLatin1String(f)).toStdString());
    const ImportReport report = importFiles(store, files, {});
    for (const FileReport &f : report.files)
        QVERIFY2(f.status == FileReport::Status::Imported, f.error.c_str());
    // The simulator's tuning without its service accounts: the VPN and migration traps come out
    // suppressed, and the transactional sender's burst stands until the analyst says it is a
    // service account.
    auto tuning = Tuning::load(QString(m_exports + QStringLiteral("/tuning.json")).toStdString(), &error);
    QVERIFY2(tuning, error.c_str());
    tuning->serviceAccounts.clear();
    DetectionOptions detect;
    detect.tuning = *tuning;
    const DetectionResult result = detectAndStore(store, detect);
    QVERIFY2(result.ok, result.error.c_str());
    store.close();
}

void TestFindings::init()
{
    static int n = 0;
    m_case = m_dir->filePath(QStringLiteral("case%1.mpcase").arg(++n));
    QVERIFY(QFile::copy(m_template, m_case));
}

void TestFindings::modelIsATreeOfIncidentsAndFindings()
{
    CaseStore store;
    std::string error;
    QVERIFY2(store.open(m_case.toStdString(), false, &error), error.c_str());
    FindingsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    FindingsFilterModel proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    FindingsSnapshot snapshot = FindingsSnapshot::read(store);
    const std::size_t findings = snapshot.findings.size();
    const std::size_t incidents = snapshot.incidents.size();
    QVERIFY(incidents >= 2);
    model.setSnapshot(std::move(snapshot));

    // Incidents first, each with its findings under it; every finding listed exactly once.
    int listed = 0;
    for (int r = 0; r < model.rowCount(); ++r) {
        const QModelIndex top = model.index(r, 0);
        if (r < int(incidents)) {
            QCOMPARE(top.data(FindingsModel::RowKindRole).toString(), QStringLiteral("incident"));
            QVERIFY(model.rowCount(top) > 0);
            for (int c = 0; c < model.rowCount(top); ++c) {
                const StoredFinding *f = model.finding(model.index(c, 0, top));
                QVERIFY(f);
                QCOMPARE(f->finding.incidentId, model.incident(top)->id);
            }
            listed += model.rowCount(top);
        } else {
            QCOMPARE(top.data(FindingsModel::RowKindRole).toString(), QStringLiteral("finding"));
            ++listed;
        }
    }
    QCOMPARE(listed, int(findings));
    // The dana.whitfield takeover tells the whole chain.
    const QModelIndex rule = findFinding(model, QStringLiteral("InboxRuleManipulation"), kVictim, Severity::Critical);
    QVERIFY(rule.isValid());
    QVERIFY(rule.parent().isValid());
    QCOMPARE(rule.parent().siblingAtColumn(FindingsModel::DetectorColumn).data().toString().left(8), QStringLiteral("Incident"));

    // Suppressed findings are listed, greyed; hidden only when asked, and only they.
    const int suppressed = model.suppressedCount();
    QVERIFY(suppressed > 0);
    auto visibleFindings = [&] {
        int n = 0;
        for (int r = 0; r < proxy.rowCount(); ++r) {
            const QModelIndex top = proxy.index(r, 0);
            n += top.data(FindingsModel::RowKindRole).toString() == QLatin1String("finding") ? 1 : proxy.rowCount(top);
        }
        return n;
    };
    QCOMPARE(visibleFindings(), int(findings));
    proxy.setShowSuppressed(false);
    QCOMPARE(visibleFindings(), int(findings) - suppressed);
    proxy.setShowSuppressed(true);

    // Filters: severity, detector.
    proxy.setMinimumSeverity(Severity::Critical);
    QVERIFY(visibleFindings() > 0);
    QVERIFY(visibleFindings() < int(findings));
    for (int r = 0; r < proxy.rowCount(); ++r) {
        const QModelIndex top = proxy.index(r, 0);
        for (int c = 0; c < proxy.rowCount(top); ++c)
            QCOMPARE(proxy.index(c, 0, top).data(FindingsModel::SeverityRole).toInt(), int(Severity::Critical));
    }
    proxy.setMinimumSeverity(Severity::Informational);
    proxy.setDetector(QStringLiteral("ThreadHijack"));
    QCOMPARE(visibleFindings(), 2); // one per victim
    proxy.setDetector({});

    // Sorting on the raw severity and score: critical incidents first.
    proxy.sort(FindingsModel::SeverityColumn, Qt::DescendingOrder);
    QCOMPARE(proxy.index(0, 0).data(FindingsModel::SeverityRole).toInt(), int(Severity::Critical));
}

void TestFindings::selectingAFindingLinksEventsAndDetails()
{
    MainWindow w(testOptions());
    w.show();
    QVERIFY(w.openCase(m_case));
    QVERIFY(settle(w));
    FindingsPanel *panel = w.findingsPanel();
    const QModelIndex source = findFinding(*panel->model(), QStringLiteral("InboxRuleManipulation"), kVictim, Severity::Critical);
    QVERIFY(source.isValid());
    const StoredFinding finding = *panel->model()->finding(source);
    QVERIFY(finding.finding.evidence.size() >= 1);

    // A click on the row.
    const QModelIndex row = panel->filterModel()->mapFromSource(source);
    panel->view()->scrollTo(row);
    QTest::mouseClick(panel->view()->viewport(), Qt::LeftButton, {}, panel->view()->visualRect(row).center());
    QVERIFY(settle(w));

    const Selection &s = w.selection()->current();
    QCOMPARE(s.kind, Selection::Kind::Finding);
    QCOMPARE(s.user, kVictim);
    QCOMPARE(s.eventIds.front(), finding.finding.evidence.front());
    QVERIFY(s.fromMs < finding.finding.firstTimeMs);
    QVERIFY(s.toMs > finding.finding.lastTimeMs);

    // The events table: narrowed to the user around the finding, the evidence row selected.
    const EventQuery q = w.eventsPanel()->filterBar()->query();
    QCOMPARE(QString::fromStdString(q.user), kVictim);
    QCOMPARE(q.fromMs, s.fromMs);
    QCOMPARE(q.toMs, s.toMs);
    EventTableModel *events = w.eventsPanel()->model();
    QVERIFY(events->rowCount() > 1); // the events around it show too
    for (int r = 0; r < events->rowCount(); ++r)
        QCOMPARE(events->index(r, int(EventColumn::User)).data().toString(), kVictim);
    QCOMPARE(w.eventsPanel()->currentEventId(), finding.finding.evidence.front());

    // The details panel tells the finding and lists its evidence.
    const QString details = w.detailsPanel()->plainText();
    QVERIFY2(details.contains(QStringLiteral("InboxRuleManipulation")), qPrintable(details));
    QVERIFY(details.contains(qstr(finding.finding.summary)));
    QVERIFY(details.contains(QStringLiteral("Evidence (%1 event").arg(finding.finding.evidence.size())));
    QVERIFY(details.contains(QStringLiteral("RSS Subscriptions")));

    // An evidence row clicked in the details (an incident's evidence: another event) moves the
    // table to it and keeps the finding selected; the Record panel shows it.
    const QModelIndex incident = panel->filterModel()->mapFromSource(source.parent());
    QTest::mouseClick(panel->view()->viewport(), Qt::LeftButton, {}, panel->view()->visualRect(incident).center());
    QVERIFY(settle(w));
    QCOMPARE(w.selection()->current().kind, Selection::Kind::Incident);
    const QList<qint64> evidence = w.selection()->current().eventIds;
    QVERIFY(evidence.size() > 3);
    emit w.detailsPanel()->eventActivated(evidence.at(3));
    QVERIFY(settle(w));
    QCOMPARE(w.eventsPanel()->currentEventId(), evidence.at(3));
    QCOMPARE(w.selection()->current().kind, Selection::Kind::Incident);

    // Back returns to the finding, and the findings panel follows.
    w.selection()->back();
    QVERIFY(settle(w));
    QCOMPARE(w.selection()->current().kind, Selection::Kind::Finding);
    QCOMPARE(panel->filterModel()->mapToSource(panel->view()->currentIndex()).data(FindingsModel::FingerprintRole).toString(),
             qstr(finding.finding.fingerprint));
}

void TestFindings::userSelectedElsewhereHighlightsFindings()
{
    MainWindow w(testOptions());
    w.show();
    QVERIFY(w.openCase(m_case));
    QVERIFY(settle(w));
    w.selection()->select(Selection::forUser(kOtherVictim));
    QVERIFY(settle(w));
    const FindingsModel *model = w.findingsPanel()->model();
    int highlighted = 0;
    for (const StoredFinding &f : model->snapshot().findings) {
        const QModelIndex i = model->indexOfFingerprint(qstr(f.finding.fingerprint));
        QVERIFY(i.isValid());
        const bool concerns = qstr(f.finding.user) == kOtherVictim;
        QCOMPARE(i.data(FindingsModel::HighlightRole).toBool(), concerns);
        QCOMPARE(i.data(Qt::BackgroundRole).isValid(), concerns);
        highlighted += concerns ? 1 : 0;
    }
    QVERIFY(highlighted >= 4);
    // The details panel shows the user: sign-ins and the user's findings.
    const QString details = w.detailsPanel()->plainText();
    QVERIFY2(details.contains(QStringLiteral("Sign-ins")) && details.contains(QStringLiteral("ThreadHijack")), qPrintable(details));

    // An IP selected elsewhere highlights the findings that name it (the attackers' shared one).
    w.selection()->select(Selection::forIp(QStringLiteral("51.15.22.187")));
    QVERIFY(settle(w));
    int byIp = 0;
    for (const StoredFinding &f : model->snapshot().findings)
        byIp += model->indexOfFingerprint(qstr(f.finding.fingerprint)).data(FindingsModel::HighlightRole).toBool() ? 1 : 0;
    QVERIFY(byIp >= 8); // both victims
}

void TestFindings::triagePersistsAfterReopening()
{
    QString fingerprint;
    {
        MainWindow w(testOptions());
        w.show();
        QVERIFY(w.openCase(m_case));
        QVERIFY(settle(w));
        FindingsPanel *panel = w.findingsPanel();
        const QModelIndex source = findFinding(*panel->model(), QStringLiteral("ThreadHijack"), kVictim);
        QVERIFY(source.isValid());
        fingerprint = source.data(FindingsModel::FingerprintRole).toString();
        panel->view()->setCurrentIndex(panel->filterModel()->mapFromSource(source));
        auto *state = panel->findChild<QComboBox *>(QStringLiteral("triageState"));
        auto *note = panel->findChild<QLineEdit *>(QStringLiteral("triageNote"));
        auto *save = panel->findChild<QPushButton *>(QStringLiteral("saveTriage"));
        QVERIFY(state && note && save);
        state->setCurrentIndex(state->findData(int(TriageState::TruePositive)));
        note->clear();
        QTest::keyClicks(note, QStringLiteral("customer confirmed the invoice <replies> were not hers"));
        QSignalSpy saved(panel, &FindingsPanel::triageSaved);
        QTest::mouseClick(save, Qt::LeftButton);
        QVERIFY(saved.wait(10000) || saved.count() == 1);
        QVERIFY2(saved.at(0).at(1).toBool(), qPrintable(saved.at(0).at(2).toString()));
        const QModelIndex now = panel->model()->indexOfFingerprint(fingerprint);
        QCOMPARE(now.siblingAtColumn(FindingsModel::TriageColumn).data().toString(), QStringLiteral("true positive ✎"));
        w.close();
    }
    // Reopened in a new window: the verdict and the note are still there, in the list and the
    // editor.
    MainWindow w(testOptions());
    w.show();
    QVERIFY(w.openCase(m_case));
    QVERIFY(settle(w));
    FindingsPanel *panel = w.findingsPanel();
    const QModelIndex again = panel->model()->indexOfFingerprint(fingerprint);
    QVERIFY(again.isValid());
    QCOMPARE(again.data(FindingsModel::TriageStateRole).toInt(), int(TriageState::TruePositive));
    QCOMPARE(again.data(FindingsModel::NoteRole).toString(), QStringLiteral("customer confirmed the invoice <replies> were not hers"));
    panel->view()->setCurrentIndex(panel->filterModel()->mapFromSource(again));
    QCOMPARE(panel->findChild<QLineEdit *>(QStringLiteral("triageNote"))->text(),
             QStringLiteral("customer confirmed the invoice <replies> were not hers"));
    // Filtering by triage state finds it.
    panel->stateFilter()->setCurrentIndex(panel->stateFilter()->findData(int(TriageState::TruePositive)));
    QCOMPARE(panel->filterModel()->rowCount(), 1);
    // And a re-run of detection keeps it (triage follows the fingerprint).
    QVERIFY(w.runDetection());
    QVERIFY(settle(w));
    QCOMPARE(panel->model()->indexOfFingerprint(fingerprint).data(FindingsModel::TriageStateRole).toInt(), int(TriageState::TruePositive));
}

void TestFindings::serviceAccountWritesTuningAndSuppresses()
{
    MainWindow w(testOptions());
    w.show();
    QVERIFY(w.openCase(m_case));
    QVERIFY(settle(w));
    FindingsPanel *panel = w.findingsPanel();
    QModelIndex burst = findFinding(*panel->model(), QStringLiteral("BulkEmailSending"), kTransactional);
    QVERIFY(burst.isValid());
    QVERIFY(!burst.data(FindingsModel::SuppressedRole).toBool());
    const QString fingerprint = burst.data(FindingsModel::FingerprintRole).toString();
    QVERIFY(!QFile::exists(w.tuningPath()));

    // The context menu's "This is a service account".
    QSignalSpy detected(&w, &MainWindow::detectionFinished);
    emit panel->tuningRequested(QStringLiteral("service_accounts"), kTransactional);
    QVERIFY(detected.wait(60000) || detected.count() == 1);
    QVERIFY(detected.at(0).at(0).toBool());
    QVERIFY(settle(w));

    // The case's tuning file names the account, and it still parses as tuning.
    QFile file(w.tuningPath());
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(w.tuningPath()));
    const QJsonObject tuning = QJsonDocument::fromJson(file.readAll()).object();
    QVERIFY(tuning.value(QLatin1String("service_accounts")).toArray().contains(kTransactional));
    std::string error;
    QVERIFY2(Tuning::load(w.tuningPath().toStdString(), &error), error.c_str());

    // The finding is still listed, now suppressed with the setting that did it.
    burst = panel->model()->indexOfFingerprint(fingerprint);
    QVERIFY(burst.isValid());
    QVERIFY(burst.data(FindingsModel::SuppressedRole).toBool());
    QCOMPARE(burst.siblingAtColumn(FindingsModel::SuppressedByColumn).data().toString(),
             QStringLiteral("service_accounts: ") + kTransactional);
    QVERIFY(panel->filterModel()->mapFromSource(burst).isValid()); // never hidden silently
    QVERIFY(burst.data(Qt::ForegroundRole).isValid());               // greyed

    // Trusting a network adds to the same file, keeping the account.
    emit panel->tuningRequested(QStringLiteral("trusted_networks"), QStringLiteral("51.15.22.0/24"));
    QVERIFY(detected.wait(60000) || detected.count() == 2);
    QVERIFY(settle(w));
    QVERIFY(file.seek(0) || (file.close(), file.open(QIODevice::ReadOnly)));
    file.close();
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QJsonObject both = QJsonDocument::fromJson(file.readAll()).object();
    QVERIFY(both.value(QLatin1String("service_accounts")).toArray().contains(kTransactional));
    QVERIFY(both.value(QLatin1String("trusted_networks")).toArray().contains(QStringLiteral("51.15.22.0/24")));
    const QModelIndex risky = findFinding(*panel->model(), QStringLiteral("RiskySignIn"), kVictim);
    QVERIFY(risky.isValid());
    QCOMPARE(risky.siblingAtColumn(FindingsModel::SuppressedByColumn).data().toString(),
             QStringLiteral("trusted_networks: 51.15.22.0/24"));
}

void TestFindings::cliDetectReadsTheCaseTuningFile()
{
    bool added = false;
    std::string error;
    const std::string tuningFile = caseTuningPath(m_case.toStdString());
    QVERIFY(QString::fromStdString(tuningFile).endsWith(QFileInfo(m_case).completeBaseName() + QStringLiteral(".tuning.json")));
    QVERIFY2(addTuningListEntry(tuningFile, "service_accounts", kTransactional.toStdString(), {}, &added, &error), error.c_str());
    QVERIFY(added);
    QVERIFY(addTuningListEntry(tuningFile, "service_accounts", kTransactional.toUpper().toStdString(), {}, &added, &error));
    QVERIFY(!added); // already listed (accounts compare case-insensitively)
    QVERIFY(!addTuningListEntry(tuningFile, "no_such_setting", "x", {}, &added, &error));
    QVERIFY(!addTuningListEntry(tuningFile, "trusted_networks", "not-an-address", {}, &added, &error));

    std::ostringstream out;
    std::ostringstream err;
    QCOMPARE(cli::detectCommand({m_case.toStdString(), "--json"}, out, err), 0);
    QVERIFY2(QString::fromStdString(err.str()).contains(QString::fromStdString(tuningFile)), err.str().c_str());
    const QJsonObject result = QJsonDocument::fromJson(QByteArray::fromStdString(out.str())).object();
    bool suppressed = false;
    for (const QJsonValue v : result.value(QLatin1String("findings")).toArray()) {
        const QJsonObject f = v.toObject();
        if (f.value(QLatin1String("detector")).toString() == QLatin1String("BulkEmailSending")
            && f.value(QLatin1String("user")).toString() == kTransactional)
            suppressed = f.value(QLatin1String("suppressed_by")).toString() == QStringLiteral("service_accounts: ") + kTransactional;
    }
    QVERIFY(suppressed);
}

void TestFindings::importRunsDetection()
{
    const QString path = m_dir->filePath(QStringLiteral("fresh.mpcase"));
    MainWindow w(testOptions());
    w.show();
    QVERIFY(w.createCase(path));
    QVERIFY(settle(w));
    QCOMPARE(w.findingsPanel()->model()->rowCount(), 0);
    QSignalSpy detected(&w, &MainWindow::detectionFinished);
    QVERIFY(w.importFiles({m_exports + QStringLiteral("/signins.json"), m_exports + QStringLiteral("/audit.csv"),
                           m_exports + QStringLiteral("/messagetrace.csv")}));
    QVERIFY(detected.wait(60000) || detected.count() == 1);
    QVERIFY(settle(w));
    QVERIFY(detected.at(0).at(0).toBool());
    QVERIFY(w.findingsPanel()->model()->snapshot().incidents.size() >= 2);
    QVERIFY(findFinding(*w.findingsPanel()->model(), QStringLiteral("ThreadHijack"), kVictim).isValid());
}

void TestFindings::userPageTellsTheStory()
{
    MainWindow w(testOptions());
    w.show();
    QVERIFY(w.openCase(m_case));
    QVERIFY(settle(w));
    w.showUserPage(kVictim);
    QVERIFY(settle(w));
    const QString page = w.userPage()->plainText();
    for (const char *expected : {"Incident story", "Takeover of dana.whitfield@contoso.com", "Sign-ins by place", "Haarlem",
                                 "AS12876", "Inbox rules and forwarding", "remittance.desk@evil.example", "MoveToFolder = RSS Subscriptions",
                                 "Sends per hour", "during a finding", "Evidence behind each finding", "New-InboxRule"})
        QVERIFY2(page.contains(QString::fromUtf8(expected)), expected);
    // Another mailbox's story is not on it.
    QVERIFY(!page.contains(kOtherVictim));
}

void TestFindings::logTextIsEscaped()
{
    // Parameters and keys from a log are text, never markup.
    const QString params = html::parameters(R"([{"Name":"<b>ForwardTo</b>","Value":"<img src=x onerror=alert(1)>"}])");
    QVERIFY(!params.contains(QStringLiteral("<img")));
    QVERIFY(params.contains(QStringLiteral("&lt;img src=x")));
    const QString details = html::jsonDetails(R"({"rule_name":"<script>x</script>","list":[{"a":"<i>"}]})");
    QVERIFY(!details.contains(QStringLiteral("<script>")));
    QVERIFY(!details.contains(QStringLiteral("<i>")));

    MainWindow w(testOptions());
    w.show();
    QVERIFY(w.openCase(m_case));
    QVERIFY(settle(w));
    w.selection()->select(Selection::forUser(QStringLiteral("<b>mallory</b>@contoso.com")));
    QVERIFY(settle(w));
    QVERIFY(w.detailsPanel()->plainText().contains(QStringLiteral("<b>mallory</b>@contoso.com")));
    // Nor is a '%1' in it taken for a placeholder.
    w.selection()->select(Selection::forUser(QStringLiteral("x%1y%2@contoso.com")));
    QVERIFY(settle(w));
    QVERIFY(w.detailsPanel()->plainText().contains(QStringLiteral("x%1y%2@contoso.com")));
}

void TestFindings::screenshotsShowAFindingAndTheUserPage()
{
    MainWindow w(testOptions());
    w.resize(1600, 1000);
    w.show();
    QVERIFY(w.openCase(m_case));
    QTemporaryDir out;
    QString error;
    const QStringList files = takeScreenshots(w, out.path(), &error);
    QVERIFY2(files.size() >= 3, qPrintable(error));
    // The workspace first, the finding and the user page last: they leave the finding selected.
    QVERIFY(files.first().endsWith(QStringLiteral("workspace.png")));
    QVERIFY(files.at(files.size() - 2).endsWith(QStringLiteral("findings.png")));
    QVERIFY(files.last().endsWith(QStringLiteral("user.png")));
    for (const char *name : {"timeline.png", "map.png", "graph.png"})
        QVERIFY2(QFileInfo::exists(out.filePath(QString::fromLatin1(name))), name);
    // findings.png: the main incident's most severe finding selected, the table narrowed to it.
    QCOMPARE(w.selection()->current().kind, Selection::Kind::Finding);
    QCOMPARE(w.selection()->current().user, kVictim);
    QCOMPARE(w.userPage()->user(), kVictim);
    for (const QString &f : {files.first(), files.at(files.size() - 2), files.last()}) {
        const QImage image(f);
        QVERIFY2(image.width() >= 1000 && image.height() >= 800, qPrintable(f));
    }
}

// The details panel and the user page write links into their pages and act on the ones clicked:
// an event to show, or one of the page's own selection targets. Anything else does nothing.
void TestFindings::panelLinksAreReadBack()
{
    using html::PageLink;
    const auto href = [](const QString &anchor) {
        const int from = anchor.indexOf(QLatin1String("href='")) + 6;
        return QUrl(anchor.mid(from, anchor.indexOf(QLatin1Char('\''), from) - from));
    };
    PageLink link = html::pageLink(href(html::eventLink(4211, QStringLiteral("the record"))));
    QCOMPARE(link.kind, PageLink::Kind::Event);
    QCOMPARE(link.value, 4211);
    link = html::pageLink(href(html::selectLink(3, QStringLiteral("51.15.22.187"))));
    QCOMPARE(link.kind, PageLink::Kind::Select);
    QCOMPARE(link.value, 3);
    for (const char *other : {"select:-1", "select:x", "event:", "https://evil.example/", "file:///etc/passwd"})
        QCOMPARE(html::pageLink(QUrl(QString::fromLatin1(other))).kind, PageLink::Kind::None);
}

QTEST_MAIN(TestFindings)
#include "tst_findings.moc"
