// Incidents: findings of one user that share an IP or follow each other in time become the story
// of one takeover, in order, with a score and a severity raised for a complete kill chain.
#include "detectcase.h"

#include "detect/detectutil.h"
#include "detect/incidents.h"
#include "simulate/simulator.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <deque>
#include <map>
#include <set>

using namespace mp;
using namespace detecttest;

using Build = void (*)(DetectCase &);
Q_DECLARE_METATYPE(Build)

namespace {

const std::string kAlice = "alice@contoso.com";
const std::string kBob = "bob@contoso.com";
const char *kAttacker = "203.0.113.66";

std::string parameters(std::initializer_list<std::pair<const char *, const char *>> nameValues)
{
    std::string json = ",\"Parameters\":[";
    bool first = true;
    for (const auto &[n, v] : nameValues) {
        json += std::string(first ? "" : ",") + "{\"Name\":\"" + n + "\",\"Value\":\"" + v + "\"}";
        first = false;
    }
    return json + "]";
}

QJsonObject parse(const std::string &json)
{
    return QJsonDocument::fromJson(QByteArray::fromStdString(json)).object();
}

// Test times built at run time must outlive the case that keeps pointers to them.
const char *keep(std::string text)
{
    static std::deque<std::string> kept;
    return kept.emplace_back(std::move(text)).c_str();
}

// The takeover of one user: failures from the attacker against many users (a spray), a risky
// sign-in from the attacker's address, a hiding rule that forwards out, then a burst of sends.
void takeover(DetectCase &c, const std::string &user, const std::string &ip)
{
    for (int i = 0; i < 15; ++i) {
        const std::string victim = "user" + std::to_string(i) + "@contoso.com";
        const std::string time = "2024-03-01T09:" + std::string(i < 10 ? "0" : "") + std::to_string(i) + ":00Z";
        c.signIn({.user = victim, .time = keep(time), .ip = ip, .result = 50126});
    }
    c.signIn({.user = user, .time = "2024-03-01T09:40:00Z", .ip = ip, .place = kLagos, .riskLevel = "high",
              .riskState = "atRisk", .riskTypes = "unfamiliarFeatures"});
    c.audit("New-InboxRule", user, "2024-03-01T09:45:00", ip,
            parameters({{"Name", "."}, {"ForwardTo", "drop@evil.example"}, {"MarkAsRead", "True"}}));
    c.sends(user, "2024-03-01T10:00:00Z", 70, 30, ip);
}

std::vector<const Incident *> incidentsOf(const DetectionResult &r, const std::string &user)
{
    std::vector<const Incident *> out;
    for (const Incident &i : r.incidents) {
        if (i.user == user)
            out.push_back(&i);
    }
    return out;
}

} // namespace

class TestIncidents : public QObject
{
    Q_OBJECT

private slots:
    void grouping_data();
    void grouping();
    void chainIsOneStoryInOrder();
    void storedPrintedAndTriaged();
    void jsonIsDeterministic();
    void demoBecVictimsFormOneIncidentEach();
    void longStoryListsFirstStepsWithTotal();
    void timelessFindingsJoinTheLatestRun();
};

void TestIncidents::grouping_data()
{
    QTest::addColumn<Build>("build");
    QTest::addColumn<QString>("tuning");
    // Per user, the number of incidents expected, as "user=count" pairs separated by ';'.
    QTest::addColumn<QString>("expected");

    QTest::newRow("takeover chain: one incident") << Build([](DetectCase &c) { takeover(c, kAlice, kAttacker); })
                                                  << "{}" << "alice@contoso.com=1";
    QTest::newRow("two users on one attacker IP never share an incident") << Build([](DetectCase &c) {
        c.signIn({.user = kAlice, .time = "2024-03-01T10:00:00Z", .ip = kAttacker, .riskLevel = "high"});
        c.signIn({.user = kBob, .time = "2024-03-01T10:01:00Z", .ip = kAttacker, .riskLevel = "high"});
    }) << "{}" << "alice@contoso.com=1;bob@contoso.com=1";
    QTest::newRow("suppressed finding stays out") << Build([](DetectCase &c) {
        c.signIn({.user = kAlice, .time = "2024-03-01T10:00:00Z", .ip = "198.51.100.7", .riskLevel = "high"});
    }) << R"({"trusted_networks":["198.51.100.0/24"]})" << "alice@contoso.com=0";
    QTest::newRow("far apart with different IPs: two incidents") << Build([](DetectCase &c) {
        c.signIn({.user = kAlice, .time = "2024-03-01T10:00:00Z", .ip = kAttacker, .riskLevel = "high"});
        c.audit("New-InboxRule", kAlice, "2024-03-06T10:00:00", "192.0.2.44",
                parameters({{"Name", "."}, {"ForwardTo", "drop@evil.example"}}));
    }) << "{}" << "alice@contoso.com=2";
    QTest::newRow("far apart but one IP: one incident") << Build([](DetectCase &c) {
        c.signIn({.user = kAlice, .time = "2024-03-01T10:00:00Z", .ip = kAttacker, .riskLevel = "high"});
        c.audit("New-InboxRule", kAlice, "2024-03-06T10:00:00", kAttacker,
                parameters({{"Name", "."}, {"ForwardTo", "drop@evil.example"}}));
    }) << "{}" << "alice@contoso.com=1";
    QTest::newRow("far apart, gap widened by tuning: one incident") << Build([](DetectCase &c) {
        c.signIn({.user = kAlice, .time = "2024-03-01T10:00:00Z", .ip = kAttacker, .riskLevel = "high"});
        c.audit("New-InboxRule", kAlice, "2024-03-06T10:00:00", "192.0.2.44",
                parameters({{"Name", "."}, {"ForwardTo", "drop@evil.example"}}));
    }) << R"({"incident_gap_hours":200})" << "alice@contoso.com=1";
    QTest::newRow("timeless snapshot rules: one incident, not one each") << Build([](DetectCase &c) {
        for (const char *name : {"Sync", "Archive", "Backup"})
            c.ruleSnapshot(kAlice, name, R"([{"Name":"ForwardTo","Value":"drop@evil.example"}])", "drop@evil.example");
    }) << "{}" << "alice@contoso.com=1";
    QTest::newRow("timeless snapshot rules join the latest run") << Build([](DetectCase &c) {
        c.signIn({.user = kAlice, .time = "2024-03-01T10:00:00Z", .ip = kAttacker, .riskLevel = "high"});
        c.signIn({.user = kAlice, .time = "2024-03-10T10:00:00Z", .ip = "192.0.2.44", .riskLevel = "high"});
        for (const char *name : {"Sync", "Archive"})
            c.ruleSnapshot(kAlice, name, R"([{"Name":"ForwardTo","Value":"drop@evil.example"}])", "drop@evil.example");
    }) << "{}" << "alice@contoso.com=2";
    QTest::newRow("informational findings alone make no incident") << Build([](DetectCase &c) {
        c.audit("New-InboxRule", kAlice, "2024-03-01T10:00:00", "192.0.2.44",
                parameters({{"Name", "Newsletters"}, {"From", "news@vendor.example"}, {"MoveToFolder", "Newsletters"}}));
    }) << "{}" << "alice@contoso.com=0";
}

void TestIncidents::grouping()
{
    QFETCH(Build, build);
    QFETCH(QString, tuning);
    QFETCH(QString, expected);
    DetectCase c;
    build(c);
    const DetectionResult r = c.detect(Profile::Default, tuningFrom(tuning.toUtf8().constData()));
    QVERIFY(r.ok);
    for (const QString &pair : expected.split(QLatin1Char(';'))) {
        const QStringList kv = pair.split(QLatin1Char('='));
        const std::string user = kv[0].toStdString();
        QCOMPARE(incidentsOf(r, user).size(), std::size_t(kv[1].toInt()));
    }
    // Every member belongs to its incident's user; suppressed findings never belong; ids are positions.
    for (std::size_t k = 0; k < r.incidents.size(); ++k) {
        for (const std::int64_t position : r.incidents[k].findings) {
            const Finding &f = r.findings[static_cast<std::size_t>(position - 1)];
            QCOMPARE(f.user, r.incidents[k].user);
            QVERIFY(f.suppressedBy.empty());
            QCOMPARE(f.incidentId, std::int64_t(k) + 1);
        }
    }
    for (const Finding &f : r.findings) {
        if (!f.suppressedBy.empty())
            QCOMPARE(f.incidentId, std::int64_t(0));
    }
}

void TestIncidents::chainIsOneStoryInOrder()
{
    DetectCase c;
    takeover(c, kAlice, kAttacker);
    c.signIn({.user = kAlice, .time = "2024-02-20T08:00:00Z", .ip = "198.51.100.1", .place = kParis});
    const DetectionResult r = c.detect();
    const auto incidents = incidentsOf(r, kAlice);
    QCOMPARE(incidents.size(), std::size_t(1));
    const Incident &inc = *incidents.front();
    const QJsonObject details = parse(inc.details);
    const QJsonArray steps = details.value(QLatin1String("steps")).toArray();
    QCOMPARE(steps.size(), qsizetype(inc.findings.size()));

    // The story in order: (spray →) risky sign-in → rule → sends.
    std::vector<std::string> detectors;
    QString previous;
    double sum = 0;
    Severity highest = Severity::Informational;
    for (const QJsonValue &v : steps) {
        const QJsonObject s = v.toObject();
        const QString time = s.value(QLatin1String("time")).toString();
        QVERIFY(previous <= time);
        previous = time;
        detectors.push_back(s.value(QLatin1String("detector")).toString().toStdString());
        const Finding &f = r.findings[static_cast<std::size_t>(s.value(QLatin1String("finding_id")).toInteger() - 1)];
        QCOMPARE(f.detector, detectors.back());
        sum += f.score;
        highest = std::max(highest, f.severity);
    }
    auto at = [&](const char *d) { return std::find(detectors.begin(), detectors.end(), d) - detectors.begin(); };
    QVERIFY(at("RiskySignIn") < at("InboxRuleManipulation"));
    QVERIFY(at("InboxRuleManipulation") < at("BulkEmailSending"));
    QVERIFY(at("BulkEmailSending") < qsizetype(detectors.size()));
    if (at("PasswordSpray") < qsizetype(detectors.size()))
        QVERIFY(at("PasswordSpray") < at("RiskySignIn"));

    // A full kill chain: bonus on the summed score, severity one step above its highest finding.
    QVERIFY(details.value(QLatin1String("full_chain")).toBool());
    QCOMPARE(inc.score, detect::round1(sum + details.value(QLatin1String("full_chain_bonus")).toDouble()));
    QVERIFY(details.value(QLatin1String("full_chain_bonus")).toDouble() > 0);
    QCOMPARE(inc.severity, highest == Severity::Critical ? Severity::Critical : Severity(int(highest) + 1));
    QVERIFY2(inc.summary.starts_with("Takeover of alice@contoso.com: "), inc.summary.c_str());
    QVERIFY2(inc.summary.find("risky sign-in from 203.0.113.66 (NG)") != std::string::npos, inc.summary.c_str());
    QVERIFY2(inc.summary.find("hiding rule '.'") != std::string::npos, inc.summary.c_str());
    QVERIFY2(inc.summary.find("forwarding to drop@evil.example") != std::string::npos, inc.summary.c_str());
    QVERIFY2(inc.summary.find("70 sends") != std::string::npos, inc.summary.c_str());
    QCOMPARE(inc.firstTimeMs, r.findings[std::size_t(inc.findings.front() - 1)].firstTimeMs);
    QVERIFY(inc.lastTimeMs >= ms("2024-03-01T10:34:30Z"));
    QVERIFY(inc.fingerprint.starts_with("incident:default:alice@contoso.com:"));

    // Without the sends the chain is incomplete: no bonus, "possible" takeover.
    DetectCase partial;
    partial.signIn({.user = kAlice, .time = "2024-03-01T09:40:00Z", .ip = kAttacker, .riskLevel = "high"});
    partial.audit("New-InboxRule", kAlice, "2024-03-01T09:45:00", kAttacker,
                  parameters({{"Name", "Newsletters"}, {"From", "news@vendor.example"}, {"MoveToFolder", "Newsletters"}}));
    const DetectionResult p = partial.detect();
    QCOMPARE(p.incidents.size(), std::size_t(1));
    QVERIFY(!parse(p.incidents.front().details).value(QLatin1String("full_chain")).toBool());
    QVERIFY(p.incidents.front().summary.starts_with("Possible takeover of "));
}

void TestIncidents::storedPrintedAndTriaged()
{
    DetectCase c;
    takeover(c, kAlice, kAttacker);
    c.signIn({.user = kBob, .time = "2024-03-02T10:00:00Z", .ip = "192.0.2.9", .riskLevel = "high"});
    const DetectionResult r = c.detectAndStore();
    QVERIFY(r.ok);
    QCOMPARE(r.incidents.size(), std::size_t(2));
    FindingStore store(c.store());
    const auto incidents = store.incidents();
    QCOMPARE(incidents.size(), std::size_t(2));
    for (std::size_t k = 0; k < incidents.size(); ++k) {
        QCOMPARE(incidents[k].id, std::int64_t(k) + 1);
        QCOMPARE(incidents[k].incident.findings, r.incidents[k].findings);
        QCOMPARE(incidents[k].incident.summary, r.incidents[k].summary);
        QCOMPARE(incidents[k].incident.fingerprint, r.incidents[k].fingerprint);
    }
    for (const StoredFinding &sf : store.findings())
        QCOMPARE(sf.finding.incidentId, r.findings[std::size_t(sf.position - 1)].incidentId);

    // Triage of an incident is kept by fingerprint across runs.
    std::string error;
    QVERIFY(store.setTriage(incidents[0].incident.fingerprint, TriageState::TruePositive, "confirmed", &error));
    QVERIFY(c.detectAndStore().ok);
    const auto again = store.incidents();
    QCOMPARE(again[0].triage.state, TriageState::TruePositive);
    QCOMPARE(again[0].triage.note, std::string("confirmed"));

    // Findings saved without their incidents (the older call) keep no dangling incident ids.
    DetectionRun bare;
    bare.profile = "default";
    bare.engineVersion = kDetectionEngineVersion;
    QVERIFY2(store.saveRun(bare, r.findings, &error), error.c_str());
    QVERIFY(store.incidents().empty());
    for (const StoredFinding &sf : store.findings())
        QCOMPARE(sf.finding.incidentId, std::int64_t(0));
    QVERIFY(c.detectAndStore().ok);

    // The table lists the incidents in a section of their own.
    const CliResult table = runCli({"detect", c.path()});
    QCOMPARE(table.code, 0);
    QVERIFY(table.out.contains("\nIncidents\n"));
    QVERIFY(table.out.contains("Takeover of alice@contoso.com"));
    QVERIFY(table.out.contains("2 incidents"));
}

void TestIncidents::jsonIsDeterministic()
{
    DetectCase c;
    takeover(c, kAlice, kAttacker);
    takeover(c, kBob, "192.0.2.77");
    c.commit();
    const CliResult first = runCli({"detect", c.path(), "--json"});
    const CliResult second = runCli({"detect", c.path(), "--json"});
    QCOMPARE(first.code, 0);
    QCOMPARE(first.out, second.out);
    const QJsonObject root = QJsonDocument::fromJson(first.out).object();
    const QJsonArray incidents = root.value(QLatin1String("incidents")).toArray();
    const QJsonArray findings = root.value(QLatin1String("findings")).toArray();
    QCOMPARE(incidents.size(), qsizetype(2));
    std::set<QString> users;
    for (const QJsonValue &v : incidents) {
        const QJsonObject i = v.toObject();
        for (const char *key : {"id", "user", "severity", "score", "first_time", "last_time", "summary", "finding_ids",
                                "steps", "fingerprint", "triage"})
            QVERIFY2(i.contains(QLatin1String(key)), key);
        users.insert(i.value(QLatin1String("user")).toString());
        const QJsonArray ids = i.value(QLatin1String("finding_ids")).toArray();
        QCOMPARE(ids.size(), i.value(QLatin1String("steps")).toArray().size());
        for (const QJsonValue &id : ids) {
            const QJsonObject f = findings.at(id.toInteger() - 1).toObject();
            QCOMPARE(f.value(QLatin1String("incident_id")).toInteger(), i.value(QLatin1String("id")).toInteger());
            QCOMPARE(f.value(QLatin1String("user")).toString(), i.value(QLatin1String("user")).toString());
        }
    }
    QCOMPARE(users.size(), std::size_t(2));
}

void TestIncidents::demoBecVictimsFormOneIncidentEach()
{
    QTemporaryDir tmp;
    const QString out = tmp.filePath(QStringLiteral("demo"));
    sim::SimulateOptions options;
    options.outDir = out.toStdString();
    const auto simulated = sim::simulate(options);
    QVERIFY2(simulated.ok, simulated.error.c_str());

    DetectCase c;
    std::vector<std::string> paths;
    for (const char *name : {"signins.json", "audit.csv", "messagetrace.csv"})
        paths.push_back(QString(out + QLatin1Char('/') + QLatin1String(name)).toStdString());
    const ImportReport report = importFiles(c.store(), paths, ImportOptions());
    QCOMPARE(report.files.size(), std::size_t(3));
    std::string error;
    const auto tuning = Tuning::load(QString(out + QStringLiteral("/tuning.json")).toStdString(), &error);
    QVERIFY2(tuning, error.c_str());
    const DetectionResult r = c.detect(Profile::Default, *tuning);
    QVERIFY(r.ok);

    QFile truthFile(QString(out + QStringLiteral("/ground-truth.json")));
    QVERIFY(truthFile.open(QIODevice::ReadOnly));
    const QJsonObject truth = QJsonDocument::fromJson(truthFile.readAll()).object();
    std::map<std::string, std::set<std::string>> victims; // user -> detectors expected
    for (const QJsonValue &v : truth.value(QLatin1String("findings")).toArray()) {
        const QJsonObject f = v.toObject();
        if (f.value(QLatin1String("scenario")).toString() == QLatin1String("bec-two-victims"))
            victims[f.value(QLatin1String("user")).toString().toStdString()].insert(
                f.value(QLatin1String("detector")).toString().toStdString());
    }
    QCOMPARE(victims.size(), std::size_t(2));
    for (const auto &[user, detectors] : victims) {
        std::set<std::int64_t> ids;
        std::set<std::string> seen;
        for (const Finding &f : r.findings) {
            if (f.user != user || !f.suppressedBy.empty() || !detectors.count(f.detector))
                continue;
            ids.insert(f.incidentId);
            seen.insert(f.detector);
        }
        QVERIFY2(!seen.empty(), user.c_str());
        QVERIFY2(ids.size() == 1 && *ids.begin() > 0, user.c_str());
        const Incident &inc = r.incidents[std::size_t(*ids.begin() - 1)];
        QCOMPARE(inc.user, user);
        QVERIFY2(inc.summary.starts_with("Takeover of "), inc.summary.c_str());
        QVERIFY(inc.severity >= Severity::High);
    }
}

// A noisy account gathers thousands of findings into one incident: its details list the first
// steps and say how many there are; the finding ids and the summary still count them all.
void TestIncidents::longStoryListsFirstStepsWithTotal()
{
    constexpr int kFindings = 450;
    std::vector<Finding> findings;
    const std::int64_t start = 1709283600000; // 2024-03-01T09:00:00Z
    for (int i = 0; i < kFindings; ++i) {
        Finding f;
        f.detector = "RiskySignIn";
        f.user = kAlice;
        f.score = 55;
        f.severity = Severity::Medium;
        f.firstTimeMs = f.lastTimeMs = start + i * 60000LL;
        f.ips = {"198.51.100." + std::to_string(i % 250)}; // 250 steps of the story
        f.evidence = {i + 1};
        f.fingerprint = "fp" + std::to_string(i);
        f.summary = "Medium-risk sign-in of " + kAlice;
        f.details = "{}";
        findings.push_back(std::move(f));
    }
    const std::vector<Incident> incidents = buildIncidents(findings, Tuning{}, "default");
    QCOMPARE(incidents.size(), std::size_t(1));
    const Incident &inc = incidents.front();
    QCOMPARE(inc.findings.size(), std::size_t(kFindings));
    QVERIFY2(inc.summary.find("(+244 more)") != std::string::npos, inc.summary.c_str());
    const QJsonObject details = parse(inc.details);
    QCOMPARE(details.value(QLatin1String("steps_total")).toInteger(), qint64(kFindings));
    const QJsonArray steps = details.value(QLatin1String("steps")).toArray();
    QCOMPARE(steps.size(), qsizetype(200));
    for (qsizetype k = 0; k < steps.size(); ++k)
        QCOMPARE(steps.at(k).toObject().value(QLatin1String("finding_id")).toInteger(), qint64(k + 1));
}

QTEST_GUILESS_MAIN(TestIncidents)
// A rule snapshot shows what stood when it was exported: its findings join the user's latest run
// of findings, not the first, and the incident's times stay those of the timed findings.
void TestIncidents::timelessFindingsJoinTheLatestRun()
{
    DetectCase c;
    c.signIn({.user = kAlice, .time = "2024-03-01T10:00:00Z", .ip = kAttacker, .riskLevel = "high"});
    c.signIn({.user = kAlice, .time = "2024-03-10T10:00:00Z", .ip = "192.0.2.44", .riskLevel = "high"});
    c.ruleSnapshot(kAlice, "Sync", R"([{"Name":"ForwardTo","Value":"drop@evil.example"}])", "drop@evil.example");
    const DetectionResult r = c.detect();
    const auto incidents = incidentsOf(r, kAlice);
    QCOMPARE(incidents.size(), std::size_t(2));
    for (const Incident *inc : incidents) {
        const bool hasSnapshot = std::any_of(inc->findings.begin(), inc->findings.end(), [&](std::int64_t position) {
            return r.findings[static_cast<std::size_t>(position - 1)].firstTimeMs == kNoTime;
        });
        QCOMPARE(hasSnapshot, inc->firstTimeMs == ms("2024-03-10T10:00:00Z"));
        QVERIFY(inc->firstTimeMs != kNoTime);
    }
}

#include "tst_incidents.moc"
