// Findings in the case: a run replaces the previous one, triage survives re-runs, tuning marks
// findings instead of dropping them, and `mailpivot detect --json` is byte-identical run to run.
#include "detectcase.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace mp;
using namespace detecttest;

using Build = void (*)(DetectCase &);
Q_DECLARE_METATYPE(Build)

namespace {

const std::string kAlice = "alice@contoso.com";

// A small story with every detector: a risky sign-in, impossible travel, a forwarding rule
// created by an admin on Alice's mailbox, and a burst of sends.
void story(DetectCase &c)
{
    c.signIn({.user = kAlice, .time = "2024-03-01T09:00:00Z", .ip = "198.51.100.1", .place = kParis});
    c.signIn({.user = kAlice, .time = "2024-03-01T09:40:00Z", .ip = "203.0.113.66", .place = kLagos,
              .riskLevel = "high", .riskTypes = "unfamiliarFeatures"});
    c.audit("New-InboxRule", kAlice, "2024-03-01T09:45:00", "203.0.113.66",
            R"(,"Parameters":[{"Name":"Name","Value":"."},{"Name":"ForwardTo","Value":"drop@evil.example"}])");
    c.audit("New-InboxRule", "migration@contoso.com", "2024-03-01T09:50:00", "198.51.100.7",
            R"(,"Parameters":[{"Name":"Mailbox","Value":"bob@contoso.com"},{"Name":"Name","Value":"cutover"},{"Name":"RedirectTo","Value":"bob@contoso-old.example"}])");
    c.sends("noreply@contoso.com", "2024-03-01T10:00:00Z", 80, 20, "198.51.100.20");
    c.sends(kAlice, "2024-03-01T10:00:00Z", 60, 30, "203.0.113.66");
}

} // namespace

class TestFindingStore : public QObject
{
    Q_OBJECT

private slots:
    void caseHasDetectionSchema();
    void runReplacesPreviousFindings();
    void findingsOfOneUser();
    void triageSurvivesRerun();
    void suppressedFindingIsKeptAndMarked_data();
    void suppressedFindingIsKeptAndMarked();
    void cliJsonIsByteIdenticalAndComplete();
    void cliTableAndExitCodes();
    void tuningFile_data();
    void tuningFile();
    void trustedNetworkMatching_data();
    void trustedNetworkMatching();
};

void TestFindingStore::caseHasDetectionSchema()
{
    DetectCase c;
    QCOMPARE(c.store().schemaVersion(), CaseStore::kSchemaVersion);
    QCOMPARE(CaseStore::kSchemaVersion, 3);
    for (const char *table : {"detection_runs", "findings", "finding_evidence", "incidents", "triage"}) {
        Statement s(c.store().database(), "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?");
        s.bind(1, table);
        QVERIFY(s.step());
        QVERIFY2(s.int64(0) == 1, table);
    }
}

void TestFindingStore::runReplacesPreviousFindings()
{
    DetectCase c;
    story(c);
    const DetectionResult first = c.detectAndStore();
    QVERIFY2(first.ok, first.error.c_str());
    FindingStore store(c.store());
    QCOMPARE(store.findings().size(), first.findings.size());
    const DetectionResult seed = c.detectAndStore(Profile::Seed);
    QVERIFY(seed.ok);
    const auto stored = store.findings();
    QCOMPARE(stored.size(), seed.findings.size());
    for (std::size_t i = 0; i < stored.size(); ++i) {
        QCOMPARE(stored[i].position, std::int64_t(i + 1));
        QCOMPARE(stored[i].finding.fingerprint, seed.findings[i].fingerprint);
        QCOMPARE(stored[i].finding.evidence, seed.findings[i].evidence);
    }
    const auto runs = store.runs();
    QCOMPARE(runs.size(), std::size_t(2));
    QCOMPARE(runs.back().profile, std::string("seed"));
    QCOMPARE(runs.back().engineVersion, std::string(kDetectionEngineVersion));
    QVERIFY(runs.back().tuning.find("\"bulk_send_threshold\":50") != std::string::npos);
    QCOMPARE(store.latestRun()->id, runs.back().id);
}

void TestFindingStore::findingsOfOneUser()
{
    DetectCase c;
    story(c);
    QVERIFY(c.detectAndStore().ok);
    FindingStore store(c.store());
    const auto all = store.findings();
    const auto alice = store.findingsOfUser(kAlice);
    QVERIFY(alice.size() >= 3);
    QVERIFY(alice.size() < all.size());
    // The same rows as in the whole list, in the same order, with their evidence.
    std::size_t next = 0;
    for (const StoredFinding &f : all) {
        if (f.finding.user != kAlice)
            continue;
        QVERIFY(next < alice.size());
        QCOMPARE(alice[next].id, f.id);
        QCOMPARE(alice[next].finding.evidence, f.finding.evidence);
        QVERIFY(!alice[next].finding.evidence.empty());
        ++next;
    }
    QCOMPARE(next, alice.size());
    QVERIFY(store.findingsOfUser("nobody@contoso.com").empty());
}

void TestFindingStore::triageSurvivesRerun()
{
    DetectCase c;
    story(c);
    QVERIFY(c.detectAndStore().ok);
    FindingStore store(c.store());
    const auto before = store.findings();
    QVERIFY(before.size() >= 4);
    const std::string fp = before[1].finding.fingerprint;
    std::string error;
    QVERIFY(store.setTriage(fp, TriageState::FalsePositive, "user was on a business trip", &error));
    // A re-run with more data: the same finding keeps its verdict.
    c.signIn({.user = "carol@contoso.com", .time = "2024-03-01T12:00:00Z", .ip = "203.0.113.90", .riskLevel = "medium"});
    QVERIFY(c.detectAndStore().ok);
    int matched = 0;
    for (const StoredFinding &sf : store.findings()) {
        if (sf.finding.fingerprint == fp) {
            ++matched;
            QCOMPARE(sf.triage.state, TriageState::FalsePositive);
            QCOMPARE(sf.triage.note, std::string("user was on a business trip"));
        } else {
            QCOMPARE(sf.triage.state, TriageState::New);
        }
    }
    QCOMPARE(matched, 1);
    QVERIFY(store.setTriage(fp, TriageState::TruePositive, {}, &error));
    QCOMPARE(store.triage(fp)->state, TriageState::TruePositive);
}

void TestFindingStore::suppressedFindingIsKeptAndMarked_data()
{
    QTest::addColumn<QString>("profile");
    QTest::addColumn<QString>("tuning");
    QTest::addColumn<QString>("detector");
    QTest::addColumn<QString>("user");
    QTest::addColumn<QString>("suppressedBy");
    QTest::newRow("service account sends in bulk")
        << "default" << R"({"service_accounts":["NoReply@contoso.com"]})" << "BulkEmailSending"
        << "noreply@contoso.com" << "service_accounts: noreply@contoso.com";
    QTest::newRow("migration admin creates a rule on another mailbox")
        << "default" << R"({"admin_accounts":["migration@contoso.com"]})" << "InboxRuleManipulation"
        << "migration@contoso.com" << "admin_accounts: migration@contoso.com";
    QTest::newRow("risky sign-in from a corporate range")
        << "default" << R"({"trusted_networks":["203.0.113.0/24"]})" << "RiskySignIn" << QString::fromStdString(kAlice)
        << "trusted_networks: 203.0.113.0/24";
    QTest::newRow("travel to a trusted VPN exit")
        << "default" << R"({"trusted_networks":["203.0.113.66"]})" << "ImpossibleTravel" << QString::fromStdString(kAlice)
        << "trusted_networks: 203.0.113.66/32";
    QTest::newRow("seed: service account sends in bulk")
        << "seed" << R"({"service_accounts":["noreply@contoso.com"]})" << "BulkEmailSending"
        << "noreply@contoso.com" << "service_accounts: noreply@contoso.com";
    QTest::newRow("seed: migration admin")
        << "seed" << R"({"admin_accounts":["migration@contoso.com"]})" << "InboxRuleManipulation"
        << "migration@contoso.com" << "admin_accounts: migration@contoso.com";
}

void TestFindingStore::suppressedFindingIsKeptAndMarked()
{
    QFETCH(QString, profile);
    QFETCH(QString, tuning);
    QFETCH(QString, detector);
    QFETCH(QString, user);
    QFETCH(QString, suppressedBy);
    DetectCase c;
    story(c);
    const Profile p = *profileFromName(profile.toStdString());
    const DetectionResult plain = c.detect(p);
    const DetectionResult tuned = c.detectAndStore(p, tuningFrom(tuning.toUtf8().constData()));
    const auto before = findingsOf(plain, detector.toStdString(), user.toStdString());
    const auto after = findingsOf(tuned, detector.toStdString(), user.toStdString());
    QVERIFY(!before.empty());
    QCOMPARE(after.size(), before.size());
    QVERIFY(before.front()->suppressedBy.empty());
    QCOMPARE(QString::fromStdString(after.front()->suppressedBy), suppressedBy);
    // Stored with the mark, and the run records the tuning.
    FindingStore store(c.store());
    bool stored = false;
    for (const StoredFinding &sf : store.findings())
        stored = stored || (sf.finding.fingerprint == after.front()->fingerprint && sf.finding.suppressedBy == after.front()->suppressedBy);
    QVERIFY(stored);
    // Everything else stands.
    QCOMPARE(tuned.findings.size(), plain.findings.size());
}

void TestFindingStore::cliJsonIsByteIdenticalAndComplete()
{
    DetectCase c;
    story(c);
    c.ruleSnapshot(kAlice, ".", R"([{"Name":"Enabled","Value":"True"},{"Name":"DeleteMessage","Value":"True"}])", "");
    c.commit();
    const std::string path = c.path();
    const CliResult first = runCli({"detect", path, "--json"});
    QCOMPARE(first.code, 0);
    const CliResult second = runCli({"detect", path, "--json"});
    QCOMPARE(second.code, 0);
    QCOMPARE(second.out, first.out);
    const CliResult seed1 = runCli({"detect", path, "--json", "--profile", "seed"});
    const CliResult seed2 = runCli({"detect", path, "--json", "--profile=seed"});
    QCOMPARE(seed1.code, 0);
    QCOMPARE(seed2.out, seed1.out);
    QVERIFY(seed1.out != first.out);

    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(first.out, &error);
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
    const QJsonObject root = doc.object();
    QVERIFY(root.value(QStringLiteral("incidents")).isArray());
    QVERIFY(!root.value(QStringLiteral("incidents")).toArray().isEmpty()); // detail in tst_incidents
    const QJsonArray findings = root.value(QStringLiteral("findings")).toArray();
    QVERIFY(findings.size() >= 5);
    QSet<QString> detectors;
    for (const QJsonValue &v : findings) {
        const QJsonObject f = v.toObject();
        detectors.insert(f.value(QStringLiteral("detector")).toString());
        for (const char *key : {"id", "detector", "severity", "score", "user", "ips", "first_time", "last_time", "summary",
                                "details", "suppressed_by", "fingerprint", "triage", "evidence"})
            QVERIFY2(f.contains(QLatin1String(key)), key);
        QVERIFY(QStringList({QStringLiteral("informational"), QStringLiteral("low"), QStringLiteral("medium"), QStringLiteral("high"), QStringLiteral("critical")}).contains(f.value(QStringLiteral("severity")).toString()));
        QVERIFY(f.value(QStringLiteral("details")).isObject());
        const QJsonArray evidence = f.value(QStringLiteral("evidence")).toArray();
        QVERIFY(!evidence.isEmpty());
        for (const QJsonValue &e : evidence) {
            const QJsonObject o = e.toObject();
            QVERIFY(o.value(QStringLiteral("event_id")).toInteger() > 0);
            QVERIFY(o.contains(QStringLiteral("time")) && o.contains(QStringLiteral("operation")) && o.contains(QStringLiteral("ip")));
        }
        if (!f.value(QStringLiteral("first_time")).isNull())
            QVERIFY(f.value(QStringLiteral("first_time")).toString().endsWith(QLatin1Char('Z')));
    }
    QCOMPARE(detectors, (QSet<QString>{QStringLiteral("RiskySignIn"), QStringLiteral("ImpossibleTravel"), QStringLiteral("InboxRuleManipulation"), QStringLiteral("BulkEmailSending")}));
    // The rule snapshot has no time: it comes first, with null times.
    QVERIFY(findings.first().toObject().value(QStringLiteral("first_time")).isNull());
}

void TestFindingStore::cliTableAndExitCodes()
{
    DetectCase c;
    story(c);
    c.commit();
    const QString tuningPath = QString(c.dir() + QStringLiteral("/tuning.json"));
    QFile f(tuningPath);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(R"({"service_accounts":["noreply@contoso.com"], "bulk_send_threshold": 50})");
    f.close();
    const CliResult table = runCli({"detect", c.path(), "--tuning", tuningPath.toStdString()});
    QCOMPARE(table.code, 0);
    QVERIFY2(table.out.contains("ImpossibleTravel"), table.out.constData());
    QVERIFY(table.out.contains("[suppressed by service_accounts: noreply@contoso.com]"));
    QVERIFY(table.out.contains("1 suppressed by tuning"));

    QCOMPARE(runCli({"detect", c.path(), "--profile", "sigma"}).code, 2);
    QCOMPARE(runCli({"detect"}).code, 2);
    QCOMPARE(runCli({"detect", c.path(), "--tuning", "/nonexistent/tuning.json"}).code, 1);
    QCOMPARE(runCli({"detect", QString(c.dir() + QStringLiteral("/missing.mpcase")).toStdString()}).code, 1);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(R"({"bulk_send_treshold": 10})");
    f.close();
    const CliResult typo = runCli({"detect", c.path(), "--tuning", tuningPath.toStdString()});
    QCOMPARE(typo.code, 1);
    QVERIFY(typo.err.contains("bulk_send_treshold"));
}

void TestFindingStore::tuningFile_data()
{
    QTest::addColumn<QString>("json");
    QTest::addColumn<bool>("valid");
    QTest::newRow("empty object") << "{}" << true;
    QTest::newRow("every key") << R"({"trusted_networks":["10.0.0.0/8","2001:db8:100::/48","198.51.100.7"],
        "service_accounts":["noreply@contoso.com"],"admin_accounts":["admin@contoso.com"],"tenant_domains":["@contoso.com"],
        "bulk_send_threshold":100,"bulk_send_window_minutes":30,"travel_speed_kmh":1000,"travel_min_distance_km":300,
        "lookback_hours":48,"comment":"why"})" << true;
    QTest::newRow("unknown key") << R"({"trusted_network":["10.0.0.0/8"]})" << false;
    QTest::newRow("bad CIDR") << R"({"trusted_networks":["10.0.0.0/33"]})" << false;
    QTest::newRow("not an address") << R"({"trusted_networks":["corp-vpn"]})" << false;
    QTest::newRow("threshold not a number") << R"({"bulk_send_threshold":"50"})" << false;
    QTest::newRow("threshold zero") << R"({"bulk_send_threshold":0})" << false;
    QTest::newRow("fractional threshold") << R"({"bulk_send_threshold":2.5})" << false;
    QTest::newRow("accounts not a list") << R"({"service_accounts":"noreply@contoso.com"})" << false;
    QTest::newRow("not JSON") << "trusted_networks = 10.0.0.0/8" << false;
    QTest::newRow("array") << "[]" << false;
}

void TestFindingStore::tuningFile()
{
    QFETCH(QString, json);
    QFETCH(bool, valid);
    std::string error;
    const auto t = Tuning::parse(json.toStdString(), &error);
    QCOMPARE(t.has_value(), valid);
    QCOMPARE(error.empty(), valid);
}

void TestFindingStore::trustedNetworkMatching_data()
{
    QTest::addColumn<QString>("network");
    QTest::addColumn<QString>("ip");
    QTest::addColumn<bool>("inside");
    QTest::newRow("v4 inside") << "10.0.0.0/8" << "10.200.3.4" << true;
    QTest::newRow("v4 outside") << "10.0.0.0/8" << "11.0.0.1" << false;
    QTest::newRow("v4 host bits ignored") << "192.168.1.77/24" << "192.168.1.3" << true;
    QTest::newRow("v4 odd prefix") << "172.16.0.0/12" << "172.31.255.255" << true;
    QTest::newRow("v4 odd prefix outside") << "172.16.0.0/12" << "172.32.0.0" << false;
    QTest::newRow("single v4") << "198.51.100.7" << "198.51.100.7" << true;
    QTest::newRow("v6 inside") << "2001:db8:100::/48" << "2001:db8:100:ffff::1" << true;
    QTest::newRow("v6 outside") << "2001:db8:100::/48" << "2001:db8:101::1" << false;
    QTest::newRow("::/0 holds v4 too (v4-mapped)") << "::/0" << "10.0.0.1" << true;
    QTest::newRow("v4 range never holds v6") << "0.0.0.0/0" << "2001:db8::1" << false;
}

void TestFindingStore::trustedNetworkMatching()
{
    QFETCH(QString, network);
    QFETCH(QString, ip);
    QFETCH(bool, inside);
    const auto cidr = Cidr::parse(network.toStdString());
    QVERIFY(cidr.has_value());
    const auto bytes = ipToBytes(ip.toStdString());
    QVERIFY(bytes.has_value());
    QCOMPARE(cidr->contains(*bytes), inside);
}

QTEST_GUILESS_MAIN(TestFindingStore)
#include "tst_findingstore.moc"
