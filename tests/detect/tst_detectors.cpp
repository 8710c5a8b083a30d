// The `default` profile's four detectors: each fires on its positive case and stays quiet on its
// negatives, with the severity, user and IP an investigator would act on.
#include "detectcase.h"

#include <cstring>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace mp;
using namespace detecttest;

using Build = void (*)(DetectCase &);
Q_DECLARE_METATYPE(Build)

namespace {

const std::string kAlice = "alice@contoso.com";
const std::string kBob = "bob@contoso.com";

// Parameters of New-InboxRule / Set-Mailbox as AuditData carries them.
std::string parameters(std::initializer_list<std::pair<const char *, const char *>> nameValues,
                       const char *key = "Parameters")
{
    std::string json = std::string(",\"") + key + "\":[";
    bool first = true;
    for (const auto &[n, v] : nameValues) {
        json += std::string(first ? "" : ",") + "{\"Name\":\"" + n + "\",\"Value\":\"" + v + "\"}";
        first = false;
    }
    return json + "]";
}

QJsonObject details(const Finding &f)
{
    return QJsonDocument::fromJson(QByteArray::fromStdString(f.details)).object();
}

} // namespace

class TestDetectors : public QObject
{
    Q_OBJECT

private slots:
    void branchFiresOnPositiveOnly_data();
    void branchFiresOnPositiveOnly();
    void riskySignInReportsTypesAndMailAppFirst();
    void riskDismissedIsOnlyInformational();
    void travelReportsBothPlacesDistanceGapAndSource();
    void travelAcrossTrustedVpnStillPairsTheRealPlaces();
    void routinePlacesLowerTravelScore();
    void ruleFindingNamesTargetsAndHiding();
    void externalIsJudgedAgainstTenantDomains();
    void bulkCountsRecipientsFromMessageTrace();
    void bulkBurstsHoursApartAreSeparateFindings();
    void failedLoginsDoNotMakeTenantDomains();
    void findingsAreInStableOrder();
    void takeoverThroughTheRealReaders();
};

void TestDetectors::branchFiresOnPositiveOnly_data()
{
    QTest::addColumn<Build>("build");
    QTest::addColumn<QString>("detector");
    QTest::addColumn<bool>("fires");
    QTest::addColumn<QString>("ip");       // expected first IP of the finding
    QTest::addColumn<QString>("severity"); // expected severity, when it fires

    // RiskySignIn
    QTest::newRow("risky: high risk into Exchange") << Build([](DetectCase &c) {
        c.signIn({.user = kAlice, .time = "2024-03-01T10:00:00Z", .ip = "203.0.113.10", .riskLevel = "high",
                  .riskState = "atRisk", .riskTypes = "unfamiliarFeatures"});
    }) << "RiskySignIn" << true << "203.0.113.10" << "high";
    QTest::newRow("risky: medium risk into a non-mail app") << Build([](DetectCase &c) {
        c.signIn({.user = kAlice, .time = "2024-03-01T10:00:00Z", .ip = "203.0.113.10", .app = "Azure Portal",
                  .riskLevel = "medium"});
    }) << "RiskySignIn" << true << "203.0.113.10" << "medium";
    QTest::newRow("risky: high risk but the sign-in failed") << Build([](DetectCase &c) {
        c.signIn({.user = kAlice, .time = "2024-03-01T10:00:00Z", .ip = "203.0.113.10", .result = 50126,
                  .riskLevel = "high"});
    }) << "RiskySignIn" << false << "" << "";
    QTest::newRow("risky: no risk") << Build([](DetectCase &c) {
        c.signIn({.user = kAlice, .time = "2024-03-01T10:00:00Z", .ip = "203.0.113.10", .riskLevel = "none",
                  .riskState = "none", .isRisky = 0});
    }) << "RiskySignIn" << false << "" << "";

    // ImpossibleTravel
    QTest::newRow("travel: Paris to New York across an hour boundary") << Build([](DetectCase &c) {
        c.signIn({.user = kAlice, .time = "2024-03-01T10:50:00Z", .ip = "198.51.100.1", .place = kParis});
        c.signIn({.user = kAlice, .time = "2024-03-01T11:10:00Z", .ip = "203.0.113.66", .place = kNewYork});
    }) << "ImpossibleTravel" << true << "198.51.100.1" << "high";
    QTest::newRow("travel: Paris to Lyon, nearby cities") << Build([](DetectCase &c) {
        c.signIn({.user = kAlice, .time = "2024-03-01T10:00:00Z", .ip = "198.51.100.1", .place = kParis});
        c.signIn({.user = kAlice, .time = "2024-03-01T10:05:00Z", .ip = "198.51.100.2", .place = kLyon});
    }) << "ImpossibleTravel" << false << "" << "";
    QTest::newRow("travel: one IP geolocated in two places") << Build([](DetectCase &c) {
        c.signIn({.user = kAlice, .time = "2024-03-01T10:00:00Z", .ip = "198.51.100.1", .place = kParis});
        c.signIn({.user = kAlice, .time = "2024-03-01T10:05:00Z", .ip = "198.51.100.1", .place = kNewYork});
    }) << "ImpossibleTravel" << false << "" << "";
    QTest::newRow("travel: unknown location") << Build([](DetectCase &c) {
        c.signIn({.user = kAlice, .time = "2024-03-01T10:00:00Z", .ip = "198.51.100.1", .place = kParis});
        c.signIn({.user = kAlice, .time = "2024-03-01T10:05:00Z", .ip = "198.51.100.2", .place = kUnknown});
    }) << "ImpossibleTravel" << false << "" << "";
    QTest::newRow("travel: a plausible flight") << Build([](DetectCase &c) {
        c.signIn({.user = kAlice, .time = "2024-03-01T08:00:00Z", .ip = "198.51.100.1", .place = kParis});
        c.signIn({.user = kAlice, .time = "2024-03-01T17:00:00Z", .ip = "203.0.113.66", .place = kNewYork});
    }) << "ImpossibleTravel" << false << "" << "";
    QTest::newRow("travel: non-interactive token refresh") << Build([](DetectCase &c) {
        c.signIn({.user = kAlice, .time = "2024-03-01T10:00:00Z", .ip = "198.51.100.1", .place = kParis});
        c.signIn({.user = kAlice, .time = "2024-03-01T10:05:00Z", .ip = "203.0.113.66", .place = kNewYork, .interactive = 0});
    }) << "ImpossibleTravel" << false << "" << "";
    QTest::newRow("travel: failed attempt from far away") << Build([](DetectCase &c) {
        c.signIn({.user = kAlice, .time = "2024-03-01T10:00:00Z", .ip = "198.51.100.1", .place = kParis});
        c.signIn({.user = kAlice, .time = "2024-03-01T10:05:00Z", .ip = "203.0.113.66", .place = kLagos, .result = 50126});
    }) << "ImpossibleTravel" << false << "" << "";

    // InboxRuleManipulation
    QTest::newRow("rule: forward outside, named '.'") << Build([](DetectCase &c) {
        c.audit("New-InboxRule", kAlice, "2024-03-01T10:05:00", "203.0.113.66",
                parameters({{"Name", "."}, {"ForwardTo", "drop@evil.example"}, {"StopProcessingRules", "True"}}));
    }) << "InboxRuleManipulation" << true << "203.0.113.66" << "critical";
    QTest::newRow("rule: Set-Mailbox forwarding outside") << Build([](DetectCase &c) {
        c.audit("Set-Mailbox", kAlice, "2024-03-01T10:05:00", "203.0.113.66",
                parameters({{"Identity", "alice@contoso.com"}, {"ForwardingSmtpAddress", "smtp:drop@evil.example"},
                            {"DeliverToMailboxAndForward", "True"}}));
    }) << "InboxRuleManipulation" << true << "203.0.113.66" << "high";
    QTest::newRow("rule: Set-Mailbox forwarding outside, no copy kept") << Build([](DetectCase &c) {
        c.audit("Set-Mailbox", kAlice, "2024-03-01T10:05:00", "203.0.113.66",
                parameters({{"Identity", "alice"}, {"ForwardingSmtpAddress", "smtp:drop@evil.example"},
                            {"DeliverToMailboxAndForward", "False"}}));
    }) << "InboxRuleManipulation" << true << "203.0.113.66" << "critical";
    QTest::newRow("rule: UpdateInboxRules forward action") << Build([](DetectCase &c) {
        c.audit("UpdateInboxRules", kAlice, "2024-03-01T10:05:00", "203.0.113.66",
                parameters({{"RuleName", "sync"},
                            {"RuleActions", R"([{\"ActionType\":\"ForwardToRecipientsAction\",\"Recipients\":[\"drop@evil.example\"]}])"},
                            {"RuleOperation", "AddMailboxRule"}},
                           "OperationProperties"));
    }) << "InboxRuleManipulation" << true << "203.0.113.66" << "high";
    QTest::newRow("rule: hide invoices in RSS Subscriptions, mark read") << Build([](DetectCase &c) {
        c.audit("New-InboxRule", kAlice, "2024-03-01T10:05:00", "203.0.113.66",
                parameters({{"Name", "Updates"}, {"SubjectOrBodyContainsWords", "invoice;payment"},
                            {"MoveToFolder", ":\\\\RSS Subscriptions"}, {"MarkAsRead", "True"}}));
    }) << "InboxRuleManipulation" << true << "203.0.113.66" << "critical";
    QTest::newRow("rule: delete on a word condition") << Build([](DetectCase &c) {
        c.audit("New-InboxRule", kAlice, "2024-03-01T10:05:00", "203.0.113.66",
                parameters({{"Name", "my_rule1"}, {"BodyContainsWords", "covid-19"}, {"DeleteMessage", "True"},
                            {"StopProcessingRules", "True"}}));
    }) << "InboxRuleManipulation" << true << "203.0.113.66" << "medium";
    QTest::newRow("rule: ordinary organising rule") << Build([](DetectCase &c) {
        c.audit("New-InboxRule", kAlice, "2024-03-01T10:05:00", "198.51.100.1",
                parameters({{"Name", "Newsletters"}, {"From", "news@vendor.example"}, {"MoveToFolder", "Newsletters"}}));
    }) << "InboxRuleManipulation" << true << "198.51.100.1" << "informational";
    QTest::newRow("rule: Set-Mailbox without forwarding") << Build([](DetectCase &c) {
        c.audit("Set-Mailbox", kAlice, "2024-03-01T10:05:00", "198.51.100.1",
                parameters({{"Identity", "alice"}, {"RetainDeletedItemsFor", "30.00:00:00"}}));
    }) << "InboxRuleManipulation" << false << "" << "";
    QTest::newRow("rule: Set-Mailbox clearing forwarding") << Build([](DetectCase &c) {
        c.audit("Set-Mailbox", kAlice, "2024-03-01T10:05:00", "198.51.100.1",
                parameters({{"Identity", "alice"}, {"ForwardingSmtpAddress", "$null"}}));
    }) << "InboxRuleManipulation" << false << "" << "";
    QTest::newRow("rule: snapshot forwarding outside") << Build([](DetectCase &c) {
        c.signIn({.user = kAlice, .time = "2024-03-01T10:00:00Z", .ip = "198.51.100.1"});
        c.ruleSnapshot(kAlice, "fwd", R"([{"Name":"Enabled","Value":"True"},{"Name":"ForwardTo","Value":"drop@evil.example"}])",
                       "drop@evil.example");
    }) << "InboxRuleManipulation" << true << "" << "high";

    // BulkEmailSending
    QTest::newRow("bulk: 60 sends across an hour boundary") << Build([](DetectCase &c) {
        c.sends(kAlice, "2024-03-01T10:30:00Z", 60, 55, "203.0.113.66");
    }) << "BulkEmailSending" << true << "203.0.113.66" << "medium";
    QTest::newRow("bulk: 30 and 30 from two IPs") << Build([](DetectCase &c) {
        c.sends(kAlice, "2024-03-01T10:00:00Z", 30, 60, "203.0.113.66");
        c.sends(kAlice, "2024-03-01T10:00:30Z", 30, 60, "203.0.113.67");
    }) << "BulkEmailSending" << true << "203.0.113.66" << "medium";
    QTest::newRow("bulk: 49 sends in an hour") << Build([](DetectCase &c) {
        c.sends(kAlice, "2024-03-01T10:00:00Z", 49, 60, "203.0.113.66");
    }) << "BulkEmailSending" << false << "" << "";
    QTest::newRow("bulk: 60 sends over three hours") << Build([](DetectCase &c) {
        c.sends(kAlice, "2024-03-01T10:00:00Z", 60, 180, "203.0.113.66");
    }) << "BulkEmailSending" << false << "" << "";
    QTest::newRow("bulk: message trace only") << Build([](DetectCase &c) {
        for (int i = 0; i < 55; ++i) {
            const std::string t = formatIso(ms("2024-03-01T10:00:00Z") + i * 30000LL);
            c.message(kAlice, t.c_str(), "victim" + std::to_string(i) + "@partner.example", "<m" + std::to_string(i) + "@contoso.com>");
        }
    }) << "BulkEmailSending" << true << "" << "medium";
}

void TestDetectors::branchFiresOnPositiveOnly()
{
    QFETCH(Build, build);
    QFETCH(QString, detector);
    QFETCH(bool, fires);
    QFETCH(QString, ip);
    QFETCH(QString, severity);
    DetectCase c;
    build(c);
    const DetectionResult r = c.detect();
    QVERIFY2(r.ok, r.error.c_str());
    const auto found = findingsOf(r, detector.toStdString());
    if (!fires) {
        QVERIFY2(found.empty(), found.empty() ? "" : found.front()->summary.c_str());
        return;
    }
    QCOMPARE(found.size(), std::size_t(1));
    const Finding &f = *found.front();
    QCOMPARE(QString::fromStdString(f.user), QString::fromStdString(kAlice));
    if (!ip.isEmpty()) {
        QVERIFY(!f.ips.empty());
        QCOMPARE(QString::fromStdString(f.ips.front()), ip);
    }
    QCOMPARE(QString::fromLatin1(severityName(f.severity)), severity);
    QVERIFY(!f.evidence.empty());
    QVERIFY(!f.summary.empty());
    QVERIFY(f.suppressedBy.empty());
    QVERIFY(!details(f).isEmpty());
    // Every evidence id is an event of the case.
    for (const std::int64_t id : f.evidence)
        QVERIFY(c.store().event(id).has_value());
}

void TestDetectors::riskySignInReportsTypesAndMailAppFirst()
{
    DetectCase c;
    c.signIn({.user = kAlice, .time = "2024-03-01T10:00:00Z", .ip = "203.0.113.10", .app = "Azure Portal",
              .riskLevel = "medium", .riskTypes = "anonymizedIPAddress"});
    c.signIn({.user = kAlice, .time = "2024-03-01T10:02:00Z", .ip = "203.0.113.10", .app = "Outlook Mobile",
              .riskLevel = "high", .riskTypes = "unfamiliarFeatures,anonymizedIPAddress"});
    c.signIn({.user = kAlice, .time = "2024-03-01T10:04:00Z", .ip = "198.51.100.1", .app = "Outlook Mobile",
              .riskLevel = "low"});
    const DetectionResult r = c.detect();
    const auto found = findingsOf(r, "RiskySignIn");
    // One finding per user and IP.
    QCOMPARE(found.size(), std::size_t(2));
    const Finding &f = *found[0];
    QCOMPARE(f.ips, std::vector<std::string>{"203.0.113.10"});
    QCOMPARE(f.evidence.size(), std::size_t(2));
    QCOMPARE(f.severity, Severity::High);
    const QJsonObject d = details(f);
    QCOMPARE(d.value(QStringLiteral("apps")).toArray().first().toString(), QStringLiteral("Outlook Mobile"));
    QCOMPARE(d.value(QStringLiteral("risk_event_types")).toArray().size(), 2);
    QVERIFY(QString::fromStdString(f.summary).contains(QStringLiteral("unfamiliarFeatures")));
    QCOMPARE(found[1]->severity, Severity::Low);
}

void TestDetectors::riskDismissedIsOnlyInformational()
{
    DetectCase c;
    c.signIn({.user = kAlice, .time = "2024-03-01T10:00:00Z", .ip = "203.0.113.10", .riskLevel = "high",
              .riskState = "dismissed"});
    const DetectionResult r = c.detect();
    const auto found = findingsOf(r, "RiskySignIn");
    QCOMPARE(found.size(), std::size_t(1));
    QCOMPARE(found.front()->severity, Severity::Informational);
}

void TestDetectors::travelReportsBothPlacesDistanceGapAndSource()
{
    DetectCase c;
    c.signIn({.user = kAlice, .time = "2024-03-01T10:50:00Z", .ip = "198.51.100.1", .place = kParis});
    c.signIn({.user = kAlice, .time = "2024-03-01T11:10:00Z", .ip = "203.0.113.66", .place = kNewYork});
    const DetectionResult r = c.detect();
    const auto found = findingsOf(r, "ImpossibleTravel");
    QCOMPARE(found.size(), std::size_t(1));
    const QJsonObject d = details(*found.front());
    QCOMPARE(d.value(QStringLiteral("from")).toObject().value(QStringLiteral("city")).toString(), QStringLiteral("Paris"));
    QCOMPARE(d.value(QStringLiteral("to")).toObject().value(QStringLiteral("city")).toString(), QStringLiteral("New York"));
    QCOMPARE(d.value(QStringLiteral("to")).toObject().value(QStringLiteral("location_source")).toString(), QStringLiteral("log"));
    QVERIFY(qAbs(d.value(QStringLiteral("distance_km")).toDouble() - 5837) < 15);
    QCOMPARE(d.value(QStringLiteral("gap_minutes")).toDouble(), 20.0);
    QVERIFY(d.value(QStringLiteral("speed_kmh")).toDouble() > 17000);
    QCOMPARE(found.front()->evidence.size(), std::size_t(2));
}

void TestDetectors::travelAcrossTrustedVpnStillPairsTheRealPlaces()
{
    // Paris (home) -> corporate VPN exit in New York (trusted) -> Lagos: the pairs with the VPN
    // are kept but suppressed; Paris -> Lagos is paired around the VPN and stands.
    DetectCase c;
    c.signIn({.user = kAlice, .time = "2024-03-01T10:00:00Z", .ip = "198.51.100.1", .place = kParis});
    c.signIn({.user = kAlice, .time = "2024-03-01T10:20:00Z", .ip = "192.0.2.10", .place = kNewYork});
    c.signIn({.user = kAlice, .time = "2024-03-01T10:40:00Z", .ip = "203.0.113.66", .place = kLagos});
    const DetectionResult r = c.detect(Profile::Default, tuningFrom(R"({"trusted_networks":["192.0.2.0/24"]})"));
    const auto found = findingsOf(r, "ImpossibleTravel");
    int standing = 0, suppressed = 0;
    for (const Finding *f : found) {
        if (f->suppressedBy.empty()) {
            ++standing;
            QCOMPARE(f->ips, (std::vector<std::string>{"198.51.100.1", "203.0.113.66"}));
        } else {
            ++suppressed;
            QCOMPARE(QString::fromStdString(f->suppressedBy), QStringLiteral("trusted_networks: 192.0.2.0/24"));
        }
    }
    QCOMPARE(standing, 1);
    QCOMPARE(suppressed, 2);
}

void TestDetectors::routinePlacesLowerTravelScore()
{
    // Alice signs in from Paris and New York on many days (e.g. a mobile carrier's exit): a jump
    // between two of her routine places scores lower than a jump to a place she never used.
    DetectCase c;
    for (int day = 1; day <= 5; ++day) {
        const std::string d = "2024-03-0" + std::to_string(day);
        const std::string t1 = d + "T08:00:00Z", t2 = d + "T08:30:00Z";
        c.signIn({.user = kAlice, .time = t1.c_str(), .ip = "198.51.100.1", .place = kParis});
        c.signIn({.user = kAlice, .time = t2.c_str(), .ip = "203.0.113.66", .place = kNewYork});
    }
    c.signIn({.user = kBob, .time = "2024-03-06T08:00:00Z", .ip = "198.51.100.9", .place = kParis});
    c.signIn({.user = kBob, .time = "2024-03-06T08:30:00Z", .ip = "203.0.113.99", .place = kLagos});
    const DetectionResult r = c.detect();
    const auto alice = findingsOf(r, "ImpossibleTravel", kAlice);
    const auto bob = findingsOf(r, "ImpossibleTravel", kBob);
    QVERIFY(!alice.empty());
    QCOMPARE(bob.size(), std::size_t(1));
    for (const Finding *f : alice) {
        QVERIFY2(f->score < bob.front()->score, f->summary.c_str());
        QCOMPARE(f->severity, Severity::Low);
    }
}

void TestDetectors::ruleFindingNamesTargetsAndHiding()
{
    DetectCase c;
    c.audit("New-InboxRule", kAlice, "2024-03-01T10:05:00", "203.0.113.66",
            parameters({{"Name", ".."}, {"ForwardTo", "drop@evil.example;carol@contoso.com"}, {"DeleteMessage", "True"}}));
    const DetectionResult r = c.detect();
    const auto found = findingsOf(r, "InboxRuleManipulation");
    QCOMPARE(found.size(), std::size_t(1));
    const QJsonObject d = details(*found.front());
    const QJsonArray targets = d.value(QStringLiteral("forward_targets")).toArray();
    QCOMPARE(targets.size(), 2);
    QCOMPARE(targets[0].toObject().value(QStringLiteral("address")).toString(), QStringLiteral("drop@evil.example"));
    QCOMPARE(targets[0].toObject().value(QStringLiteral("external")).toBool(), true);
    QCOMPARE(targets[1].toObject().value(QStringLiteral("external")).toBool(), false);
    const QJsonArray hiding = d.value(QStringLiteral("hiding")).toArray();
    QVERIFY(hiding.contains(QStringLiteral("delete")));
    QVERIFY(hiding.contains(QStringLiteral("inconspicuous-name")));
    QVERIFY(QString::fromStdString(found.front()->summary).contains(QStringLiteral("drop@evil.example")));
}

void TestDetectors::externalIsJudgedAgainstTenantDomains()
{
    // Forwarding to a subdomain of the tenant, or to a domain named in tuning, is internal.
    DetectCase c;
    c.audit("New-InboxRule", kAlice, "2024-03-01T10:05:00", "198.51.100.1",
            parameters({{"Name", "to team"}, {"ForwardTo", "team@eu.contoso.com"}}));
    c.audit("New-InboxRule", kAlice, "2024-03-01T10:06:00", "198.51.100.1",
            parameters({{"Name", "to sister company"}, {"ForwardTo", "desk@fabrikam.example"}}));
    const DetectionResult r1 = c.detect();
    const auto plain = findingsOf(r1, "InboxRuleManipulation");
    QCOMPARE(plain.size(), std::size_t(2));
    QCOMPARE(plain[0]->severity, Severity::Low);
    QCOMPARE(plain[1]->severity, Severity::High);
    const DetectionResult r2 = c.detect(Profile::Default, tuningFrom(R"({"tenant_domains":["fabrikam.example"]})"));
    const auto tuned = findingsOf(r2, "InboxRuleManipulation");
    QCOMPARE(tuned[1]->severity, Severity::Low);
}

void TestDetectors::bulkCountsRecipientsFromMessageTrace()
{
    DetectCase c;
    c.sends(kAlice, "2024-03-01T10:00:00Z", 60, 30, "203.0.113.66");
    for (int i = 0; i < 60; ++i) {
        const std::string t = formatIso(ms("2024-03-01T10:00:00Z") + i * 30000LL);
        c.message(kAlice, t.c_str(), "a" + std::to_string(i) + "@partner.example;b" + std::to_string(i) + "@partner.example",
                  "<m" + std::to_string(i) + "@contoso.com>");
    }
    const DetectionResult r = c.detect();
    const auto found = findingsOf(r, "BulkEmailSending");
    QCOMPARE(found.size(), std::size_t(1));
    const QJsonObject d = details(*found.front());
    QCOMPARE(d.value(QStringLiteral("unique_recipients")).toInt(), 120);
    QCOMPARE(d.value(QStringLiteral("sends")).toInt(), 60);
    QCOMPARE(d.value(QStringLiteral("source")).toString(), QStringLiteral("audit"));
    QCOMPARE(found.front()->severity, Severity::Medium);
    QVERIFY(found.front()->score > 55);
}

void TestDetectors::findingsAreInStableOrder()
{
    DetectCase c;
    c.sends(kBob, "2024-03-01T09:00:00Z", 50, 10, "203.0.113.66");
    c.audit("New-InboxRule", kAlice, "2024-03-01T09:00:00", "203.0.113.66",
            parameters({{"Name", "."}, {"ForwardTo", "drop@evil.example"}}));
    c.signIn({.user = kAlice, .time = "2024-03-01T08:00:00Z", .ip = "203.0.113.66", .riskLevel = "high"});
    const DetectionResult r = c.detect();
    QCOMPARE(r.findings.size(), std::size_t(3));
    QCOMPARE(r.findings[0].detector, std::string("RiskySignIn"));
    // Same first time: by detector name.
    QCOMPARE(r.findings[1].detector, std::string("BulkEmailSending"));
    QCOMPARE(r.findings[2].detector, std::string("InboxRuleManipulation"));
    QVERIFY(std::is_sorted(r.findings.begin(), r.findings.end(), findingLess));
}

void TestDetectors::takeoverThroughTheRealReaders()
{
    // A Graph sign-ins export and a Purview audit export, imported as a user would: Alice at home
    // in Paris, then a high-risk sign-in from Lagos 25 minutes later, a forwarding rule and a
    // burst of sends from the attacker's address.
    DetectCase c;
    auto signIn = [](const char *id, const char *time, const char *ip, const char *city, const char *cc, double lat,
                     double lon, const char *risk, const char *types) {
        return QStringLiteral(R"({"id":"%1","createdDateTime":"%2","userPrincipalName":"Alice@Contoso.com","appDisplayName":"Office 365 Exchange Online","ipAddress":"%3","clientAppUsed":"Browser","isInteractive":true,"status":{"errorCode":0,"failureReason":"Other."},"riskLevelDuringSignIn":"%4","riskState":"%5","riskEventTypes_v2":[%6],"location":{"city":"%7","countryOrRegion":"%8","geoCoordinates":{"latitude":%9,"longitude":%10}}})")
            .arg(QLatin1String(id), QLatin1String(time), QLatin1String(ip), QLatin1String(risk),
                 QLatin1String(std::strcmp(risk, "none") ? "atRisk" : "none"), QLatin1String(types), QLatin1String(city),
                 QLatin1String(cc))
            .arg(lat)
            .arg(lon);
    };
    const QString graph = QStringLiteral("{\"@odata.context\":\"https://graph.microsoft.com/v1.0/$metadata#auditLogs/signIns\",\"value\":[")
        + signIn("s1", "2024-03-01T08:55:00Z", "198.51.100.1", "Paris", "FR", 48.8566, 2.3522, "none", "")
        + QLatin1Char(',')
        + signIn("s2", "2024-03-01T09:20:00Z", "203.0.113.66", "Lagos", "NG", 6.5244, 3.3792, "high", "\"unfamiliarFeatures\"")
        + QStringLiteral("]}");
    const QString path = c.dir() + QStringLiteral("/signins.json");
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(graph.toUtf8());
    f.close();
    const ImportReport report = importFiles(c.store(), {path.toStdString()}, {});
    QCOMPARE(report.files.size(), std::size_t(1));
    QCOMPARE(report.files[0].source.format, std::string("graph-signins-json"));
    QCOMPARE(report.files[0].source.imported, std::int64_t(2));
    c.audit("New-InboxRule", "Alice@Contoso.com", "2024-03-01T09:25:00", "203.0.113.66:40123",
            parameters({{"Name", ".."}, {"ForwardTo", "drop@evil.example"}, {"DeleteMessage", "True"}}));
    c.sends("Alice@Contoso.com", "2024-03-01T09:30:00Z", 70, 40, "203.0.113.66");

    const DetectionResult r = c.detect();
    for (const char *detector : {"RiskySignIn", "ImpossibleTravel", "InboxRuleManipulation", "BulkEmailSending"}) {
        const auto found = findingsOf(r, detector, kAlice);
        QVERIFY2(found.size() == 1, detector);
        const auto &ips = found.front()->ips;
        QVERIFY2(std::find(ips.begin(), ips.end(), "203.0.113.66") != ips.end(), detector);
        QVERIFY2(found.front()->severity >= Severity::Medium, detector);
    }
    const auto travel = findingsOf(r, "ImpossibleTravel", kAlice);
    QCOMPARE(details(*travel.front()).value(QStringLiteral("from")).toObject().value(QStringLiteral("location_source")).toString(),
             QStringLiteral("log"));

    // The seed's clock-hour bins miss the rest of the story: Paris at 08:55 and Lagos at 09:20
    // are in two bins, and the 70 sends from 09:30 to 10:16 are 45 + 25.
    const DetectionResult seed = c.detect(Profile::Seed);
    QCOMPARE(findingsOf(seed, "RiskySignIn", kAlice).size(), std::size_t(1));
    QCOMPARE(findingsOf(seed, "InboxRuleManipulation", kAlice).size(), std::size_t(1));
    QCOMPARE(findingsOf(seed, "ImpossibleTravel", kAlice).size(), std::size_t(0));
    QCOMPARE(findingsOf(seed, "BulkEmailSending", kAlice).size(), std::size_t(0));
}

void TestDetectors::bulkBurstsHoursApartAreSeparateFindings()
{
    // Three bursts of 60 sends, two hours apart: three findings, not one. The first comes from
    // the office Alice signed in from before, the second from a new address, the third from that
    // address again (by then seen, during the second burst).
    DetectCase c;
    c.signIn({.user = kAlice, .time = "2024-02-28T09:00:00Z", .ip = "203.0.113.66"});
    c.sends(kAlice, "2024-03-01T10:00:00Z", 60, 30, "203.0.113.66");
    c.sends(kAlice, "2024-03-01T12:00:00Z", 60, 30, "198.51.100.99");
    c.sends(kAlice, "2024-03-01T14:00:00Z", 60, 30, "198.51.100.99");
    const DetectionResult r = c.detect();
    auto found = findingsOf(r, "BulkEmailSending");
    QCOMPARE(found.size(), std::size_t(3));
    for (const Finding *f : found) {
        QCOMPARE(details(*f).value(QStringLiteral("sends")).toInt(), 60);
        QVERIFY2(QString::fromStdString(f->summary).contains(QStringLiteral("sent 60 messages")), f->summary.c_str());
    }
    std::sort(found.begin(), found.end(), [](const Finding *a, const Finding *b) { return a->firstTimeMs < b->firstTimeMs; });
    QCOMPARE(details(*found[0]).value(QStringLiteral("new_ips")).toArray().size(), 0);
    QCOMPARE(details(*found[1]).value(QStringLiteral("new_ips")).toArray(), QJsonArray{QStringLiteral("198.51.100.99")});
    QCOMPARE(details(*found[2]).value(QStringLiteral("new_ips")).toArray().size(), 0);
    QVERIFY(found[1]->score > found[2]->score); // sending from where the account never was
}

void TestDetectors::failedLoginsDoNotMakeTenantDomains()
{
    // Credential stuffing logs UserLoginFailed for names at 30 foreign domains; Alice then
    // forwards her mail to one of them. The domains tried are not the tenant's: the forwarding
    // is external, and the finding does not list them as tenant domains.
    DetectCase c;
    for (int i = 0; i < 30; ++i)
        c.audit("UserLoginFailed", "x@d" + std::to_string(i) + ".example", ms("2024-03-01T09:00:00Z") + i * 1000LL,
                "198.51.100.7", ",\"ErrorNumber\":\"50126\",\"LogonError\":\"InvalidUserNameOrPassword\"",
                "AzureActiveDirectory");
    c.audit("New-InboxRule", kAlice, "2024-03-01T10:05:00", "203.0.113.66",
            parameters({{"Name", "archive"}, {"ForwardTo", "box@mail.d7.example"}}));
    const DetectionResult r = c.detect();
    const auto found = findingsOf(r, "InboxRuleManipulation");
    QCOMPARE(found.size(), std::size_t(1));
    QCOMPARE(found[0]->severity, Severity::High);
    const QJsonObject d = details(*found[0]);
    const QJsonArray targets = d.value(QStringLiteral("forward_targets")).toArray();
    QCOMPARE(targets.size(), 1);
    QCOMPARE(targets[0].toObject().value(QStringLiteral("external")).toBool(), true);
    QCOMPARE(d.value(QStringLiteral("tenant_domains")).toArray(), QJsonArray{QStringLiteral("contoso.com")});
    QCOMPARE(d.value(QStringLiteral("tenant_domains_total")).toInt(), 1);

    // Many configured tenant domains: the finding lists the first 20 and the total; a subdomain
    // of a configured domain is internal.
    std::string tuning = R"({"tenant_domains":[)";
    for (int i = 0; i < 40; ++i)
        tuning += (i ? ",\"" : "\"") + std::string("t") + std::to_string(i) + ".example\"";
    tuning += R"(,"d7.example"]})";
    const DetectionResult tuned = c.detect(Profile::Default, tuningFrom(tuning.c_str()));
    const auto internal = findingsOf(tuned, "InboxRuleManipulation");
    QCOMPARE(internal.size(), std::size_t(1));
    QCOMPARE(internal[0]->severity, Severity::Low);
    const QJsonObject td = details(*internal[0]);
    QCOMPARE(td.value(QStringLiteral("forward_targets")).toArray()[0].toObject().value(QStringLiteral("external")).toBool(), false);
    QCOMPARE(td.value(QStringLiteral("tenant_domains")).toArray().size(), 20);
    QCOMPARE(td.value(QStringLiteral("tenant_domains_total")).toInt(), 42);
}

QTEST_GUILESS_MAIN(TestDetectors)
#include "tst_detectors.moc"
