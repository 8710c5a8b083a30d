// The `default` profile's PasswordSpray, SessionAnomaly and ThreadHijack: each fires on its
// positive rows and stays quiet (or suppressed) on its negatives, with the user, IP and severity
// an investigator would act on.
#include "detectcase.h"
#include "detect/signals.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace mp;
using namespace detecttest;

namespace {

const std::string kAlice = "alice@contoso.com";
const std::string kBob = "bob@contoso.com";
const std::string kAttacker = "185.220.101.7";

// A sign-in with the columns the new detectors read, written straight into the case.
struct RawSignIn
{
    std::string user;
    std::int64_t timeMs;
    std::string ip;
    std::int64_t result = 0;
    std::string clientApp = "Browser";
    std::string sessionId = {};
    std::string correlationId = {};
    std::string country = "FR";
    std::uint32_t asn = 0;
    std::string riskLevel = {};
    std::string tokenId = {}; // uniqueTokenIdentifier (sign-in) / UniqueTokenId (audit)
    bool audit = false;       // an Exchange MailItemsAccessed audit record instead of a sign-in
};

class Case : public DetectCase
{
public:
    void raw(const RawSignIn &s) { m_raw.push_back(s); }

    DetectionResult run(const Tuning &tuning = {})
    {
        commit();
        if (!m_raw.empty()) {
            SourceFile source;
            source.name = "raw-" + std::to_string(++m_files);
            source.sha256 = std::string(64 - source.name.size(), '1') + source.name;
            source.format = "test-direct";
            std::string error;
            if (!store().beginImport(source, {}, &error))
                qFatal("beginImport: %s", error.c_str());
            for (const RawSignIn &s : m_raw) {
                Event e;
                e.kind = s.audit ? EventKind::Audit : EventKind::SignIn;
                e.timeMs = s.timeMs;
                e.recordId = "raw-" + std::to_string(++m_counter);
                e.user = s.user;
                e.ip = s.ip;
                e.operation = s.audit ? "MailItemsAccessed" : "SignIn";
                e.workload = s.audit ? "Exchange" : "";
                e.app = "Office 365 Exchange Online";
                e.clientApp = s.clientApp;
                e.resultCode = s.result;
                e.sessionId = s.sessionId;
                e.correlationId = s.correlationId;
                e.tokenId = s.tokenId;
                e.country = s.country;
                e.asn = s.asn;
                e.riskLevel = s.riskLevel;
                e.isInteractive = 1;
                e.sourceId = source.id;
                if (store().insertEvent(e) != CaseStore::InsertResult::Inserted)
                    qFatal("insertEvent failed");
            }
            source.imported = source.recordsRead = static_cast<std::int64_t>(m_raw.size());
            if (!store().finishImport(source, &error))
                qFatal("finishImport: %s", error.c_str());
            m_raw.clear();
        }
        return detect(Profile::Default, tuning);
    }

private:
    std::vector<RawSignIn> m_raw;
    int m_files = 0;
    int m_counter = 0;
};

std::string user(int i)
{
    return "user" + std::to_string(i) + "@contoso.com";
}

constexpr std::int64_t kMin = 60 * 1000;

// n failed sign-ins against n distinct users from one IP, one a minute.
void spray(Case &c, const char *start, int users, std::int64_t code = 50126, const std::string &client = "IMAP4",
           const std::string &ip = kAttacker)
{
    for (int i = 0; i < users; ++i)
        c.raw({.user = user(i), .timeMs = ms(start) + i * kMin, .ip = ip, .result = code, .clientApp = client});
}

// Successful sign-ins of users [from, to) from one IP, one a minute, the first at start.
void signIns(Case &c, int from, int to, const char *start, const std::string &ip)
{
    for (int i = from; i < to; ++i)
        c.raw({.user = user(i), .timeMs = ms(start) + (i - from) * kMin, .ip = ip});
}

QJsonObject details(const Finding &f)
{
    return QJsonDocument::fromJson(QByteArray::fromStdString(f.details)).object();
}

} // namespace

// Three days of Alice at the office (ASN 701) in the morning and on her phone's carrier (ASN
// 21928) in the evening: both networks are her everyday ones.
void officeAndCarrierDays(Case &c)
{
    for (const char *day : {"2024-02-27", "2024-02-28", "2024-02-29"}) {
        c.raw({.user = kAlice, .timeMs = ms((std::string(day) + "T09:00:00Z").c_str()), .ip = "98.116.22.9", .country = "US", .asn = 701});
        c.raw({.user = kAlice, .timeMs = ms((std::string(day) + "T18:00:00Z").c_str()), .ip = "172.58.3.20", .country = "US", .asn = 21928});
    }
}

using Build = void (*)(Case &);
Q_DECLARE_METATYPE(Build)

class TestNewDetectors : public QObject
{
    Q_OBJECT

private slots:
    void detectorRow_data();
    void detectorRow();
    void sprayNamesFallenAccountAndLegacyProtocols();
    void sprayCountsOneAttemptLoggedTwiceOnce();
    void sprayThresholdsAreTunable();
    void sprayFromASharedAddressIsOneFinding();
    void probeFromASharedAddressIsOneFinding();
    void bruteForceFromASharedAddressIsOneFindingADay();
    void sprayWithHistoryTellsTheOfficeFromAnAttacker();
    void probeWithHistoryTellsTheOfficeFromAnAttacker();
    void bruteForceWithHistoryTellsTheOfficeFromAnAttacker();
    void replyPrefixes_data();
    void replyPrefixes();
    void threadHijackRisesWithHidingRuleKeywords();
    void sessionFromManyNetworksListsFirstAsns();
};

void TestNewDetectors::detectorRow_data()
{
    QTest::addColumn<Build>("build");
    QTest::addColumn<QString>("tuning");
    QTest::addColumn<QString>("detector");
    QTest::addColumn<QString>("user");     // the finding's user ("" for a spray nobody fell to)
    QTest::addColumn<bool>("fires");       // a finding that stands
    QTest::addColumn<QString>("ip");       // expected among its IPs
    QTest::addColumn<QString>("severity"); // expected (minimum) severity when it fires
    QTest::addColumn<QString>("suppressedBy"); // a kept, suppressed finding: the setting's prefix

    // PasswordSpray
    QTest::newRow("spray: 12 users in 12 minutes") << Build([](Case &c) { spray(c, "2024-03-01T10:00:00Z", 12); })
        << "" << "PasswordSpray" << "" << true << QString::fromStdString(kAttacker) << "medium" << "";
    QTest::newRow("spray: then a success from the same IP") << Build([](Case &c) {
        spray(c, "2024-03-01T10:00:00Z", 12, 50053);
        c.raw({.user = user(3), .timeMs = ms("2024-03-01T10:30:00Z"), .ip = kAttacker, .clientApp = "IMAP4"});
    }) << "" << "PasswordSpray" << "user3@contoso.com" << true << QString::fromStdString(kAttacker) << "critical" << "";
    QTest::newRow("spray: 9 users stay under the threshold") << Build([](Case &c) { spray(c, "2024-03-01T10:00:00Z", 9); })
        << "" << "PasswordSpray" << "" << false << "" << "" << "";
    QTest::newRow("spray: 12 users over 12 hours is not one window") << Build([](Case &c) {
        for (int i = 0; i < 12; ++i)
            c.raw({.user = user(i), .timeMs = ms("2024-03-01T00:00:00Z") + i * 61 * kMin, .ip = kAttacker, .result = 50126});
    }) << "" << "PasswordSpray" << "" << false << "" << "" << "";
    QTest::newRow("spray: other failure codes (MFA required) do not count") << Build([](Case &c) {
        spray(c, "2024-03-01T10:00:00Z", 12, 50074);
    }) << "" << "PasswordSpray" << "" << false << "" << "" << "";
    QTest::newRow("spray: from a trusted network is kept, suppressed") << Build([](Case &c) {
        spray(c, "2024-03-01T10:00:00Z", 12, 50126, "Browser", "203.0.113.9");
    }) << R"({"trusted_networks":["203.0.113.0/24"]})" << "PasswordSpray" << "" << false << "203.0.113.9" << ""
        << "trusted_networks";
    QTest::newRow("spray: UserLoginFailed audit records with ErrorNumber") << Build([](Case &c) {
        for (int i = 0; i < 11; ++i)
            c.audit("UserLoginFailed", user(i), ms("2024-03-01T10:00:00Z") + i * kMin, kAttacker,
                    ",\"ErrorNumber\":\"50126\",\"LogonError\":\"InvalidUserNameOrPassword\"", "AzureActiveDirectory");
    }) << "" << "PasswordSpray" << "" << true << QString::fromStdString(kAttacker) << "medium" << "";
    QTest::newRow("brute force: 25 failures on one user") << Build([](Case &c) {
        for (int i = 0; i < 25; ++i)
            c.raw({.user = kAlice, .timeMs = ms("2024-03-01T10:00:00Z") + i * kMin, .ip = kAttacker, .result = 50126,
                   .clientApp = "Authenticated SMTP"});
    }) << "" << "PasswordSpray" << QString::fromStdString(kAlice) << true << QString::fromStdString(kAttacker) << "medium"
        << "";
    QTest::newRow("brute force: 15 failures on one user") << Build([](Case &c) {
        for (int i = 0; i < 15; ++i)
            c.raw({.user = kAlice, .timeMs = ms("2024-03-01T10:00:00Z") + i * kMin, .ip = kAttacker, .result = 50126});
    }) << "" << "PasswordSpray" << QString::fromStdString(kAlice) << false << "" << "" << "";

    // SessionAnomaly
    QTest::newRow("session: one session from two countries") << Build([](Case &c) {
        c.raw({.user = kAlice, .timeMs = ms("2024-03-01T10:00:00Z"), .ip = "104.248.61.140", .sessionId = "s-1",
               .country = "US", .asn = 14061});
        c.raw({.user = kAlice, .timeMs = ms("2024-03-01T10:13:00Z"), .ip = "51.15.22.187", .sessionId = "s-1",
               .country = "NL", .asn = 12876});
    }) << "" << "SessionAnomaly" << QString::fromStdString(kAlice) << true << "51.15.22.187" << "high" << "";
    QTest::newRow("session: audit UniqueTokenId shared with another country") << Build([](Case &c) {
        c.audit("MailItemsAccessed", kAlice, "2024-03-01T10:00:00", "104.248.61.140",
                ",\"AppAccessContext\":{\"UniqueTokenId\":\"tok-9\"}");
        c.audit("MailItemsAccessed", kAlice, "2024-03-01T10:20:00", "51.15.22.187",
                ",\"AppAccessContext\":{\"UniqueTokenId\":\"tok-9\"}");
        // The audit records carry no place: sign-ins from the same addresses give it.
        c.raw({.user = kBob, .timeMs = ms("2024-03-01T09:00:00Z"), .ip = "104.248.61.140", .country = "US", .asn = 14061});
        c.raw({.user = kBob, .timeMs = ms("2024-03-02T09:00:00Z"), .ip = "51.15.22.187", .country = "NL", .asn = 12876});
    }) << "" << "SessionAnomaly" << QString::fromStdString(kAlice) << false << "" << "" << "";
    // The sign-in's uniqueTokenIdentifier is the audit log's UniqueTokenId: a token issued in one
    // country and used to read mail from another joins on it, whatever the correlation ids say.
    QTest::newRow("session: sign-in token used by an audit record in another country") << Build([](Case &c) {
        c.raw({.user = kAlice, .timeMs = ms("2024-03-01T10:00:00Z"), .ip = "104.248.61.140", .correlationId = "corr-1",
               .country = "US", .asn = 14061, .tokenId = "tok-7"});
        c.raw({.user = kAlice, .timeMs = ms("2024-03-01T10:25:00Z"), .ip = "51.15.22.187", .country = "NL",
               .asn = 12876, .tokenId = "tok-7", .audit = true});
    }) << "" << "SessionAnomaly" << QString::fromStdString(kAlice) << true << "51.15.22.187" << "high" << "";
    QTest::newRow("session: different tokens in two countries do not join") << Build([](Case &c) {
        c.raw({.user = kAlice, .timeMs = ms("2024-03-01T10:00:00Z"), .ip = "104.248.61.140", .correlationId = "corr-1",
               .country = "US", .asn = 14061, .tokenId = "tok-7"});
        c.raw({.user = kAlice, .timeMs = ms("2024-03-01T10:25:00Z"), .ip = "51.15.22.187", .country = "NL",
               .asn = 12876, .tokenId = "tok-8", .audit = true});
    }) << "" << "SessionAnomaly" << QString::fromStdString(kAlice) << false << "" << "" << "";
    QTest::newRow("session: one session, two addresses of one network") << Build([](Case &c) {
        c.raw({.user = kAlice, .timeMs = ms("2024-03-01T10:00:00Z"), .ip = "98.116.22.9", .sessionId = "s-2",
               .country = "US", .asn = 701});
        c.raw({.user = kAlice, .timeMs = ms("2024-03-01T10:30:00Z"), .ip = "98.116.22.10", .sessionId = "s-2",
               .country = "US", .asn = 701});
    }) << "" << "SessionAnomaly" << QString::fromStdString(kAlice) << false << "" << "" << "";
    QTest::newRow("session: VPN exits in two countries, trusted") << Build([](Case &c) {
        c.raw({.user = kAlice, .timeMs = ms("2024-03-01T10:00:00Z"), .ip = "146.70.171.5", .sessionId = "s-3",
               .country = "US", .asn = 9009});
        c.raw({.user = kAlice, .timeMs = ms("2024-03-01T12:00:00Z"), .ip = "185.107.56.9", .sessionId = "s-3",
               .country = "NL", .asn = 9009});
    }) << R"({"trusted_networks":["146.70.171.0/28","185.107.56.0/28"]})" << "SessionAnomaly"
        << QString::fromStdString(kAlice) << false << "146.70.171.5" << "" << "trusted_networks";
    QTest::newRow("session: sign-ins from two countries 20 s apart") << Build([](Case &c) {
        c.raw({.user = kAlice, .timeMs = ms("2024-03-01T10:00:00Z"), .ip = "98.116.22.9", .country = "US", .asn = 701});
        c.raw({.user = kAlice, .timeMs = ms("2024-03-01T10:00:20Z"), .ip = "51.15.22.187", .country = "NL", .asn = 12876});
    }) << "" << "SessionAnomaly" << QString::fromStdString(kAlice) << true << "51.15.22.187" << "high" << "";
    QTest::newRow("session: sign-ins from two countries 5 min apart") << Build([](Case &c) {
        c.raw({.user = kAlice, .timeMs = ms("2024-03-01T10:00:00Z"), .ip = "98.116.22.9", .country = "US", .asn = 701});
        c.raw({.user = kAlice, .timeMs = ms("2024-03-01T10:05:00Z"), .ip = "51.15.22.187", .country = "NL", .asn = 12876});
    }) << "" << "SessionAnomaly" << QString::fromStdString(kAlice) << false << "" << "" << "";
    // The office (ASN 701) and the phone's carrier (ASN 21928): used on other days too, so
    // sign-ins from both seconds apart are how this user works.
    QTest::newRow("session: office and phone carrier seconds apart, both used for days") << Build([](Case &c) {
        officeAndCarrierDays(c);
        c.raw({.user = kAlice, .timeMs = ms("2024-03-01T10:00:00Z"), .ip = "98.116.22.9", .country = "US", .asn = 701});
        c.raw({.user = kAlice, .timeMs = ms("2024-03-01T10:00:15Z"), .ip = "172.58.3.21", .country = "US", .asn = 21928});
    }) << "" << "SessionAnomaly" << QString::fromStdString(kAlice) << false << "" << "" << "";
    // Same habits, but the second address is in a network the user has never used before: kept.
    QTest::newRow("session: a network new to the user seconds after the office") << Build([](Case &c) {
        officeAndCarrierDays(c);
        c.raw({.user = kAlice, .timeMs = ms("2024-03-01T10:00:00Z"), .ip = "98.116.22.9", .country = "US", .asn = 701});
        c.raw({.user = kAlice, .timeMs = ms("2024-03-01T10:00:15Z"), .ip = "104.248.61.140", .country = "US", .asn = 14061});
    }) << "" << "SessionAnomaly" << QString::fromStdString(kAlice) << true << "104.248.61.140" << "medium" << "";
    QTest::newRow("session: mail read by python-requests") << Build([](Case &c) {
        c.audit("MailItemsAccessed", kAlice, "2024-03-01T10:00:00", kAttacker,
                ",\"ClientInfoString\":\"Client=WebServices;python-requests/2.31.0;\"");
    }) << "" << "SessionAnomaly" << QString::fromStdString(kAlice) << true << QString::fromStdString(kAttacker) << "medium"
        << "";
    QTest::newRow("session: mail read by Outlook") << Build([](Case &c) {
        c.audit("MailItemsAccessed", kAlice, "2024-03-01T10:00:00", "98.116.22.9",
                ",\"ClientInfoString\":\"Client=MSExchangeRPC\"");
    }) << "" << "SessionAnomaly" << QString::fromStdString(kAlice) << false << "" << "" << "";

    // ThreadHijack
    QTest::newRow("hijack: replies from the address of a risky sign-in") << Build([](Case &c) {
        c.raw({.user = kAlice, .timeMs = ms("2024-03-01T10:00:00Z"), .ip = kAttacker, .riskLevel = "high"});
        c.audit("Send", kAlice, "2024-03-01T11:00:00", kAttacker, ",\"Item\":{\"Subject\":\"RE: Invoice 4471\"}");
        c.audit("Send", kAlice, "2024-03-01T11:20:00", kAttacker, ",\"Item\":{\"Subject\":\"AW: Rechnung 118\"}");
    }) << "" << "ThreadHijack" << QString::fromStdString(kAlice) << true << QString::fromStdString(kAttacker) << "high"
        << "";
    QTest::newRow("hijack: a new message (no prefix) is not a hijack") << Build([](Case &c) {
        c.raw({.user = kAlice, .timeMs = ms("2024-03-01T10:00:00Z"), .ip = kAttacker, .riskLevel = "high"});
        c.audit("Send", kAlice, "2024-03-01T11:00:00", kAttacker, ",\"Item\":{\"Subject\":\"Invoice 4471\"}");
    }) << "" << "ThreadHijack" << QString::fromStdString(kAlice) << false << "" << "" << "";
    QTest::newRow("hijack: replies from an unseen address within 24 h of a risky sign-in") << Build([](Case &c) {
        c.raw({.user = kAlice, .timeMs = ms("2024-03-01T10:00:00Z"), .ip = kAttacker, .riskLevel = "high"});
        c.audit("Send", kAlice, "2024-03-01T20:00:00", "45.77.1.2", ",\"Item\":{\"Subject\":\"FW: payment\"}");
    }) << "" << "ThreadHijack" << QString::fromStdString(kAlice) << true << "45.77.1.2" << "medium" << "";
    QTest::newRow("hijack: replies two days after the risky sign-in") << Build([](Case &c) {
        c.raw({.user = kAlice, .timeMs = ms("2024-03-01T10:00:00Z"), .ip = kAttacker, .riskLevel = "high"});
        c.audit("Send", kAlice, "2024-03-03T12:00:00", "45.77.1.2", ",\"Item\":{\"Subject\":\"RE: payment\"}");
    }) << "" << "ThreadHijack" << QString::fromStdString(kAlice) << false << "" << "" << "";
    QTest::newRow("hijack: replies from the user's own address after a risky sign-in") << Build([](Case &c) {
        c.raw({.user = kAlice, .timeMs = ms("2024-02-27T09:00:00Z"), .ip = "98.116.22.9"});
        c.raw({.user = kAlice, .timeMs = ms("2024-02-28T09:00:00Z"), .ip = "98.116.22.9"});
        c.raw({.user = kAlice, .timeMs = ms("2024-03-01T10:00:00Z"), .ip = kAttacker, .riskLevel = "high"});
        c.audit("Send", kAlice, "2024-03-01T12:00:00", "98.116.22.9", ",\"Item\":{\"Subject\":\"RE: lunch\"}");
    }) << "" << "ThreadHijack" << QString::fromStdString(kAlice) << false << "" << "" << "";
    QTest::newRow("hijack: replies without any other finding") << Build([](Case &c) {
        c.audit("Send", kAlice, "2024-03-01T12:00:00", kAttacker, ",\"Item\":{\"Subject\":\"RE: payment\"}");
    }) << "" << "ThreadHijack" << QString::fromStdString(kAlice) << false << "" << "" << "";
}

void TestNewDetectors::detectorRow()
{
    QFETCH(Build, build);
    QFETCH(QString, tuning);
    QFETCH(QString, detector);
    QFETCH(QString, user);
    QFETCH(bool, fires);
    QFETCH(QString, ip);
    QFETCH(QString, severity);
    QFETCH(QString, suppressedBy);
    Case c;
    build(c);
    const DetectionResult r = c.run(tuning.isEmpty() ? Tuning{} : tuningFrom(tuning.toUtf8().constData()));
    QVERIFY2(r.ok, r.error.c_str());
    std::vector<const Finding *> standing, suppressed;
    for (const Finding &f : r.findings) {
        if (f.detector != detector.toStdString() || f.user != user.toStdString())
            continue;
        (f.suppressedBy.empty() ? standing : suppressed).push_back(&f);
    }
    if (!fires) {
        QVERIFY2(standing.empty(), standing.empty() ? "" : standing.front()->summary.c_str());
        if (!suppressedBy.isEmpty()) {
            QCOMPARE(suppressed.size(), std::size_t(1));
            QVERIFY(suppressed.front()->suppressedBy.rfind(suppressedBy.toStdString() + ":", 0) == 0);
            QVERIFY(std::find(suppressed.front()->ips.begin(), suppressed.front()->ips.end(), ip.toStdString())
                    != suppressed.front()->ips.end());
        }
        return;
    }
    QCOMPARE(standing.size(), std::size_t(1));
    const Finding &f = *standing.front();
    QVERIFY2(std::find(f.ips.begin(), f.ips.end(), ip.toStdString()) != f.ips.end(), f.summary.c_str());
    // At least: network classes (hosting, VPN) may raise a finding's score further.
    const auto expected = severityFromName(severity.toStdString());
    QVERIFY(expected);
    QVERIFY2(f.severity >= *expected, (std::string(severityName(f.severity)) + ": " + f.summary).c_str());
    QVERIFY(!f.evidence.empty());
    QVERIFY(f.firstTimeMs != kNoTime && f.firstTimeMs <= f.lastTimeMs);
    QVERIFY(!f.summary.empty());
    QVERIFY(!details(f).isEmpty());
    QVERIFY(!f.fingerprint.empty());
}

void TestNewDetectors::sprayNamesFallenAccountAndLegacyProtocols()
{
    Case c;
    spray(c, "2024-03-01T10:00:00Z", 30, 50126, "Exchange Web Services");
    c.raw({.user = user(7), .timeMs = ms("2024-03-01T10:45:00Z"), .ip = kAttacker, .clientApp = "Exchange Web Services"});
    c.raw({.user = user(9), .timeMs = ms("2024-03-01T10:50:00Z"), .ip = kAttacker, .clientApp = "IMAP4"});
    const DetectionResult r = c.run();
    const auto sprays = findingsOf(r, "PasswordSpray");
    QCOMPARE(sprays.size(), std::size_t(2)); // one per fallen account
    QCOMPARE(sprays[0]->user, user(7));
    QCOMPARE(sprays[1]->user, user(9));
    for (const Finding *f : sprays) {
        QCOMPARE(f->severity, Severity::Critical);
        QVERIFY(f->summary.find("legacy protocols (Exchange Web Services)") != std::string::npos);
        QVERIFY(f->summary.find("successful sign-in of " + f->user) != std::string::npos);
        const QJsonObject d = details(*f);
        QCOMPARE(d.value(QLatin1String("kind")).toString(), QStringLiteral("spray"));
        QCOMPARE(d.value(QLatin1String("distinct_users")).toInt(), 30);
        QCOMPARE(d.value(QLatin1String("compromised_user")).toString(), QString::fromStdString(f->user));
        QCOMPARE(d.value(QLatin1String("fallen_accounts")).toArray().size(), 2);
        QCOMPARE(d.value(QLatin1String("legacy_protocols")).toArray().first().toString(), QStringLiteral("Exchange Web Services"));
        QCOMPARE(f->evidence.size(), std::size_t(31));
    }
}

void TestNewDetectors::sprayCountsOneAttemptLoggedTwiceOnce()
{
    // 6 users failing, each seen in the sign-in log and as UserLoginFailed: 6 users, not 12
    // attempts; with spray_min_users 7 nothing fires, with 6 it does, counting 6 attempts.
    auto build = [](Case &c) {
        for (int i = 0; i < 6; ++i) {
            const std::int64_t t = ms("2024-03-01T10:00:00Z") + i * kMin;
            c.raw({.user = user(i), .timeMs = t, .ip = kAttacker, .result = 50126});
            c.audit("UserLoginFailed", user(i), t + 2000, kAttacker, ",\"ErrorNumber\":\"50126\"", "AzureActiveDirectory");
        }
    };
    {
        Case c;
        build(c);
        QVERIFY(findingsOf(c.run(tuningFrom(R"({"spray_min_users":7})")), "PasswordSpray").empty());
    }
    Case c;
    build(c);
    const DetectionResult r = c.run(tuningFrom(R"({"spray_min_users":6})"));
    const auto sprays = findingsOf(r, "PasswordSpray");
    QCOMPARE(sprays.size(), std::size_t(1));
    const QJsonObject d = details(*sprays[0]);
    QCOMPARE(d.value(QLatin1String("failed_attempts")).toInt(), 6);
    QCOMPARE(d.value(QLatin1String("failure_records")).toInt(), 12);
    QCOMPARE(sprays[0]->evidence.size(), std::size_t(12));
}

void TestNewDetectors::sprayThresholdsAreTunable()
{
    Case c;
    for (int i = 0; i < 12; ++i)
        c.raw({.user = user(i), .timeMs = ms("2024-03-01T00:00:00Z") + i * 20 * kMin, .ip = kAttacker, .result = 50126});
    QVERIFY(findingsOf(c.run(), "PasswordSpray").empty());
    const DetectionResult r = c.detect(Profile::Default, tuningFrom(R"({"spray_window_minutes":240})"));
    QCOMPARE(findingsOf(r, "PasswordSpray").size(), std::size_t(1));
    std::string error;
    QVERIFY(!Tuning::parse(R"({"spray_min_users":0})", &error));
    QVERIFY(!Tuning::parse(R"({"spray_window_minutes":-5})", &error));
    QVERIFY(Tuning::parse(R"({"brute_force_min_failures":5,"hijack_window_hours":48})", &error));
}

void TestNewDetectors::sprayFromASharedAddressIsOneFinding()
{
    // A tenant behind one office address: 150 users mistype their password within the hour,
    // then 40 of them sign in. Not 40 takeovers (and not 40 findings each listing 150 users, which
    // on a real tenant took the detector hours): one spray finding that says the address is
    // likely shared and names the accounts, capped, with the totals.
    Case c;
    const std::string office = "198.51.100.20";
    spray(c, "2024-03-01T10:00:00Z", 150, 50126, "Browser", office);
    signIns(c, 0, 40, "2024-03-01T12:40:00Z", office);
    const DetectionResult r = c.run();
    const auto sprays = findingsOf(r, "PasswordSpray");
    QCOMPARE(sprays.size(), std::size_t(1));
    const Finding &f = *sprays[0];
    QCOMPARE(f.user, std::string());
    QCOMPARE(f.severity, Severity::Medium);
    QVERIFY(f.summary.find("40 of the targeted accounts also signed in successfully") != std::string::npos);
    const QJsonObject d = details(f);
    QCOMPARE(d.value(QLatin1String("shared_address")).toBool(), true);
    QCOMPARE(d.value(QLatin1String("distinct_users")).toInt(), 150);
    QCOMPARE(d.value(QLatin1String("targets")).toArray().size(), 100);
    QCOMPARE(d.value(QLatin1String("targets_total")).toInt(), 150);
    QCOMPARE(d.value(QLatin1String("fallen_accounts")).toArray().size(), 40);
    QCOMPARE(d.value(QLatin1String("fallen_accounts_total")).toInt(), 40);
    QCOMPARE(f.evidence.size(), std::size_t(150)); // the failures; the accounts are named in the details

    // Ten accounts falling to one address is still ten takeovers.
    Case few;
    spray(few, "2024-03-01T10:00:00Z", 150, 50126, "Browser", office);
    signIns(few, 0, 10, "2024-03-01T12:40:00Z", office);
    const DetectionResult fewResult = few.run();
    const auto takeovers = findingsOf(fewResult, "PasswordSpray");
    QCOMPARE(takeovers.size(), std::size_t(10));
    QCOMPARE(takeovers[0]->severity, Severity::Critical);
    QCOMPARE(details(*takeovers[0]).value(QLatin1String("shared_address")).toBool(), false);
}

void TestNewDetectors::probeFromASharedAddressIsOneFinding()
{
    // A former employee's phone keeps trying a disabled account from the office network, where
    // 30 colleagues sign in every day: one low finding naming them, not 30 takeovers.
    Case c;
    const std::string office = "198.51.100.20";
    c.raw({.user = "leaver@contoso.com", .timeMs = ms("2024-03-01T08:00:00Z"), .ip = office, .result = 50057});
    signIns(c, 0, 30, "2024-03-01T09:00:00Z", office);
    const DetectionResult r = c.run();
    const auto probes = findingsOf(r, "PasswordSpray");
    QCOMPARE(probes.size(), std::size_t(1));
    const Finding &f = *probes[0];
    QCOMPARE(f.user, std::string());
    QCOMPARE(f.severity, Severity::Low);
    QVERIFY(f.summary.find("30 other accounts signed in from the same address") != std::string::npos);
    const QJsonObject d = details(f);
    QCOMPARE(d.value(QLatin1String("kind")).toString(), QStringLiteral("disabled-account-probe"));
    QCOMPARE(d.value(QLatin1String("disabled_accounts")).toArray().first().toString(), QStringLiteral("leaver@contoso.com"));
    QCOMPARE(d.value(QLatin1String("signed_in_accounts_total")).toInt(), 30);
    QCOMPARE(f.evidence.size(), std::size_t(1));
}

void TestNewDetectors::replyPrefixes_data()
{
    QTest::addColumn<QString>("subject");
    QTest::addColumn<bool>("reply");
    for (const char *s : {"RE: x", "re: x", "Fw: x", "FWD: x", "AW: x", "WG: x", "SV: x", "VS: x", "TR: x", "RV: x",
                          "RIF: x", "ENC: x", "RES: x", "Antw: x", "Doorst: x", "Odp: x", "PD: x", "RE: RE: FW: x",
                          "RE[2]: x", "回复: x", "转发：x", "答复: x", "  Re : x"})
        QTest::newRow(s) << QString::fromUtf8(s) << true;
    for (const char *s : {"Invoice", "Regarding: x", "Re x", "Fwx: y", "", "Press release: RE: x"})
        QTest::newRow(s[0] ? s : "empty") << QString::fromUtf8(s) << false;
}

void TestNewDetectors::replyPrefixes()
{
    QFETCH(QString, subject);
    QFETCH(bool, reply);
    const QByteArray utf8 = subject.toUtf8();
    QCOMPARE(detect::replyPrefixLength(std::string_view(utf8.constData(), static_cast<std::size_t>(utf8.size()))) > 0, reply);
}

void TestNewDetectors::threadHijackRisesWithHidingRuleKeywords()
{
    auto build = [](Case &c, bool rule) {
        c.raw({.user = kAlice, .timeMs = ms("2024-03-01T10:00:00Z"), .ip = kAttacker, .riskLevel = "high"});
        if (rule)
            c.audit("New-InboxRule", kAlice, "2024-03-01T10:10:00", kAttacker,
                    ",\"Parameters\":[{\"Name\":\"Name\",\"Value\":\".\"},{\"Name\":\"SubjectOrBodyContainsWords\","
                    "\"Value\":\"invoice;payment\"},{\"Name\":\"MoveToFolder\",\"Value\":\"RSS Subscriptions\"},"
                    "{\"Name\":\"MarkAsRead\",\"Value\":\"True\"}]");
        c.audit("Send", kAlice, "2024-03-01T11:00:00", kAttacker, ",\"Item\":{\"Subject\":\"RE: Invoice 4471\"}");
    };
    Case plain, hidden;
    build(plain, false);
    build(hidden, true);
    const DetectionResult pr = plain.run(); // findingsOf points into the result: keep it alive
    const auto a = findingsOf(pr, "ThreadHijack");
    const DetectionResult hr = hidden.run();
    const auto b = findingsOf(hr, "ThreadHijack");
    QCOMPARE(a.size(), std::size_t(1));
    QCOMPARE(b.size(), std::size_t(1));
    QVERIFY(b[0]->score > a[0]->score);
    QCOMPARE(b[0]->severity, Severity::Critical);
    QCOMPARE(details(*b[0]).value(QLatin1String("matched_keywords")).toArray().first().toString(), QStringLiteral("invoice"));
    QVERIFY(b[0]->summary.find("hiding rule matching 'invoice'") != std::string::npos);
    // Deterministic: the same case gives the same findings.
    const DetectionResult again = hidden.run();
    QCOMPARE(again.findings.size(), hr.findings.size());
    for (std::size_t i = 0; i < hr.findings.size(); ++i) {
        QCOMPARE(again.findings[i].fingerprint, hr.findings[i].fingerprint);
        QCOMPARE(again.findings[i].details, hr.findings[i].details);
    }
}

void TestNewDetectors::bruteForceFromASharedAddressIsOneFindingADay()
{
    // Behind a carrier NAT, phones of 12 users retry a stale password 25 times each on one day,
    // one user every 13 minutes (never 10 users within the hour: no spray), then each user fixes
    // the phone and signs in. Not 12 critical takeovers: one finding for the address and the day,
    // naming the accounts most tried, with the totals.
    const std::string nat = "198.51.100.30";
    const auto stalePhones = [&](Case &c, int users) {
        for (int u = 0; u < users; ++u) {
            const std::int64_t t0 = ms("2024-03-01T06:00:00Z") + u * 13 * kMin;
            for (int k = 0; k < (u == 3 ? 30 : 25); ++k)
                c.raw({.user = user(u), .timeMs = t0 + k * 2 * kMin, .ip = nat, .result = 50126, .clientApp = "Mobile Apps and Desktop clients"});
            c.raw({.user = user(u), .timeMs = t0 + 55 * kMin, .ip = nat});
        }
    };
    Case c;
    stalePhones(c, 12);
    const DetectionResult r = c.run();
    const auto found = findingsOf(r, "PasswordSpray");
    QCOMPARE(found.size(), std::size_t(1));
    const Finding &f = *found[0];
    QCOMPARE(f.user, std::string());
    QCOMPARE(f.severity, Severity::Medium); // low, but accounts signed in afterwards
    QCOMPARE(f.ips, std::vector<std::string>{nat});
    QVERIFY2(f.summary.find("Brute force from 198.51.100.30 against 12 accounts on 2024-03-01: 305 failed sign-ins, most on "
                            "user3@contoso.com (30)") == 0,
             f.summary.c_str());
    QVERIFY(f.summary.find("12 of them then signed in successfully") != std::string::npos);
    QCOMPARE(f.evidence.size(), std::size_t(305)); // the failures
    const QJsonObject d = details(f);
    QCOMPARE(d.value(QLatin1String("kind")).toString(), QStringLiteral("brute-force-shared-address"));
    QCOMPARE(d.value(QLatin1String("shared_address")).toBool(), true);
    QCOMPARE(d.value(QLatin1String("distinct_users")).toInt(), 12);
    const QJsonArray top = d.value(QLatin1String("top_targets")).toArray();
    QCOMPARE(top.size(), 12);
    QCOMPARE(top.first().toObject().value(QLatin1String("user")).toString(), QStringLiteral("user3@contoso.com"));
    QCOMPARE(top.first().toObject().value(QLatin1String("failed_attempts")).toInt(), 30);
    QCOMPARE(d.value(QLatin1String("fallen_accounts_total")).toInt(), 12);

    // A leaver's phone behind the same NAT tries a disabled account: the accounts that finding
    // already named are not named again as signing in from a probing address.
    Case probed;
    stalePhones(probed, 12);
    probed.raw({.user = "leaver@contoso.com", .timeMs = ms("2024-03-01T05:00:00Z"), .ip = nat, .result = 50057});
    const DetectionResult pr = probed.run();
    QCOMPARE(findingsOf(pr, "PasswordSpray").size(), std::size_t(1));

    // Ten accounts on one address in a day are still ten takeovers.
    Case few;
    stalePhones(few, 10);
    const DetectionResult fewResult = few.run();
    const auto takeovers = findingsOf(fewResult, "PasswordSpray");
    QCOMPARE(takeovers.size(), std::size_t(10));
    QCOMPARE(takeovers[0]->severity, Severity::Critical);
    QCOMPARE(details(*takeovers[0]).value(QLatin1String("kind")).toString(), QStringLiteral("brute-force"));
}

// Once the logs reach back before an attack, habit decides, not the count: accounts that had
// signed in from the address on earlier days are at their everyday place, and any other account
// signing in from it right after the attack fell, however many there are.
void TestNewDetectors::sprayWithHistoryTellsTheOfficeFromAnAttacker()
{
    const std::string office = "198.51.100.20";
    // The office: 140 of the 150 users signed in from it two days before; after a morning of
    // mistyped passwords, users 100 up to `last` (excluded) sign in: from 140 on, newcomers.
    const auto officeMorning = [&](Case &c, int last) {
        signIns(c, 0, 140, "2024-02-28T08:00:00Z", office);
        spray(c, "2024-03-01T10:00:00Z", 150, 50126, "Browser", office);
        signIns(c, 100, last, "2024-03-01T12:40:00Z", office);
    };
    Case c;
    officeMorning(c, 142);
    const DetectionResult r = c.run();
    const auto found = findingsOf(r, "PasswordSpray");
    QCOMPARE(found.size(), std::size_t(2));
    QCOMPARE(found[0]->user, user(140));
    QCOMPARE(found[1]->user, user(141));
    QCOMPARE(found[0]->severity, Severity::Critical);
    QVERIFY2(found[0]->summary.find("; 40 accounts that had signed in from this address on earlier days signed in again "
                                    "(not counted as fallen)") != std::string::npos,
             found[0]->summary.c_str());
    const QJsonObject d = details(*found[0]);
    QCOMPARE(d.value(QLatin1String("fallen_accounts_total")).toInt(), 2);
    QCOMPARE(d.value(QLatin1String("habitual_accounts_total")).toInt(), 40);
    QCOMPARE(d.value(QLatin1String("habitual_accounts")).toArray().first().toString(), QString::fromStdString(user(100)));
    QCOMPARE(d.value(QLatin1String("shared_address")).toBool(), false);

    // Only the habitual ones signing in: a spray finding, nobody fallen.
    Case quiet;
    officeMorning(quiet, 140);
    const DetectionResult qr = quiet.run();
    const auto sprays = findingsOf(qr, "PasswordSpray");
    QCOMPARE(sprays.size(), std::size_t(1));
    QCOMPARE(sprays[0]->user, std::string());
    QCOMPARE(sprays[0]->severity, Severity::Medium);
    QCOMPARE(details(*sprays[0]).value(QLatin1String("fallen_accounts_total")).toInt(), 0);
    QCOMPARE(details(*sprays[0]).value(QLatin1String("habitual_accounts_total")).toInt(), 40);

    // The attacker: the same 150 users signed in from their homes two days before; 15 of them
    // then sign in from the spraying address. Fifteen takeovers, not one "shared address".
    Case attacked;
    for (int i = 0; i < 150; ++i)
        attacked.raw({.user = user(i), .timeMs = ms("2024-02-28T08:00:00Z") + i * kMin,
                      .ip = "203.0.113." + std::to_string(i % 250 + 1)});
    spray(attacked, "2024-03-01T10:00:00Z", 150, 50126, "Browser", kAttacker);
    signIns(attacked, 0, 15, "2024-03-01T12:40:00Z", kAttacker);
    const DetectionResult ar = attacked.run();
    const auto takeovers = findingsOf(ar, "PasswordSpray");
    QCOMPARE(takeovers.size(), std::size_t(15));
    for (const Finding *f : takeovers) {
        QCOMPARE(f->severity, Severity::Critical);
        QCOMPARE(details(*f).value(QLatin1String("shared_address")).toBool(), false);
    }
}

void TestNewDetectors::probeWithHistoryTellsTheOfficeFromAnAttacker()
{
    const std::string office = "198.51.100.20";
    // `users` colleagues signed in at the office three weeks before a leaver's phone tried its
    // disabled account from `probeIp`; then they sign in from `probeIp` on `day`.
    const auto leaverProbe = [&](Case &c, int users, const std::string &probeIp, const char *day) {
        signIns(c, 0, users, "2024-02-28T09:00:00Z", office);
        c.raw({.user = "leaver@contoso.com", .timeMs = ms("2024-03-20T08:00:00Z"), .ip = probeIp, .result = 50057});
        signIns(c, 0, users, day, probeIp);
    };
    // At the office, where the 30 sign in again: nothing to report.
    Case c;
    leaverProbe(c, 30, office, "2024-03-20T09:00:00Z");
    const DetectionResult r = c.run();
    QCOMPARE(findingsOf(r, "PasswordSpray").size(), std::size_t(0));

    // An attacker's address, new to all 12 accounts that sign in from it two days after the probe.
    Case attacked;
    leaverProbe(attacked, 12, kAttacker, "2024-03-22T09:00:00Z");
    const DetectionResult ar = attacked.run();
    const auto found = findingsOf(ar, "PasswordSpray");
    QCOMPARE(found.size(), std::size_t(12));
    QCOMPARE(found[0]->user, user(0));
    QCOMPARE(details(*found[0]).value(QLatin1String("compromised_user")).toString(), QString::fromStdString(user(0)));
}

void TestNewDetectors::bruteForceWithHistoryTellsTheOfficeFromAnAttacker()
{
    const std::string nat = "198.51.100.30";
    // 12 accounts that signed in behind the carrier NAT the day before are brute-forced from `ip`,
    // one every 13 minutes (no spray); the first `fall` of them then sign in from it.
    const auto brute = [&](Case &c, const std::string &ip, int fall) {
        signIns(c, 0, 12, "2024-02-28T08:00:00Z", nat);
        for (int u = 0; u < 12; ++u) {
            const std::int64_t t0 = ms("2024-03-01T06:00:00Z") + u * 13 * kMin;
            for (int k = 0; k < 25; ++k)
                c.raw({.user = user(u), .timeMs = t0 + k * 2 * kMin, .ip = ip, .result = 50126});
            if (u < fall)
                c.raw({.user = user(u), .timeMs = t0 + 55 * kMin, .ip = ip});
        }
    };
    // Stale passwords behind the NAT: one low finding, nobody fallen.
    Case c;
    brute(c, nat, 12);
    const DetectionResult r = c.run();
    const auto found = findingsOf(r, "PasswordSpray");
    QCOMPARE(found.size(), std::size_t(1));
    QCOMPARE(found[0]->severity, Severity::Low);
    const QJsonObject d = details(*found[0]);
    QCOMPARE(d.value(QLatin1String("kind")).toString(), QStringLiteral("brute-force-shared-address"));
    QCOMPARE(d.value(QLatin1String("fallen_accounts_total")).toInt(), 0);
    QCOMPARE(d.value(QLatin1String("habitual_accounts_total")).toInt(), 12);

    // An attacker pacing a brute force of 12 accounts, 2 of which fall: two takeovers, and the
    // other ten still folded into one finding for the address and the day.
    Case attacked;
    brute(attacked, kAttacker, 2);
    const DetectionResult ar = attacked.run();
    const auto all = findingsOf(ar, "PasswordSpray");
    QCOMPARE(all.size(), std::size_t(3));
    std::vector<const Finding *> takeovers, folded;
    for (const Finding *f : all)
        (f->user.empty() ? folded : takeovers).push_back(f);
    QCOMPARE(takeovers.size(), std::size_t(2));
    QCOMPARE(takeovers[0]->severity, Severity::Critical);
    QCOMPARE(details(*takeovers[0]).value(QLatin1String("kind")).toString(), QStringLiteral("brute-force"));
    QCOMPARE(folded.size(), std::size_t(1));
    QCOMPARE(folded[0]->severity, Severity::Medium);
    QVERIFY2(folded[0]->summary.find("; 2 other accounts brute-forced from this address that day signed in from it, never "
                                     "having before (takeover findings of their own)") != std::string::npos,
             folded[0]->summary.c_str());
    const QJsonObject fd = details(*folded[0]);
    QCOMPARE(fd.value(QLatin1String("distinct_users")).toInt(), 10);
    QCOMPARE(fd.value(QLatin1String("taken_over_accounts_total")).toInt(), 2);
    QCOMPARE(fd.value(QLatin1String("shared_address")).toBool(), false);
}

// One session used from many networks (a token replayed through rotating proxies): one finding
// whose details name the first 50 ASNs in order and count them all.
void TestNewDetectors::sessionFromManyNetworksListsFirstAsns()
{
    Case c;
    constexpr int kAddresses = 70;
    for (int i = 0; i < kAddresses; ++i)
        c.raw({.user = kAlice, .timeMs = ms("2024-03-01T10:00:00Z") + i * kMin, .ip = "198.51.100." + std::to_string(i + 1),
               .sessionId = "s-proxy", .country = i % 2 ? "NL" : "US", .asn = 64600u + static_cast<std::uint32_t>(i)});
    const DetectionResult r = c.run();
    const auto found = findingsOf(r, "SessionAnomaly", kAlice);
    QCOMPARE(found.size(), std::size_t(1));
    QCOMPARE(found[0]->evidence.size(), std::size_t(kAddresses));
    QVERIFY2(found[0]->summary.find("used from 70 addresses") != std::string::npos, found[0]->summary.c_str());
    const QJsonObject d = details(*found[0]);
    const QJsonArray asns = d.value(QLatin1String("asns")).toArray();
    QCOMPARE(asns.size(), qsizetype(50));
    for (qsizetype k = 0; k < asns.size(); ++k)
        QCOMPARE(asns.at(k).toInteger(), qint64(64600 + k));
    QCOMPARE(d.value(QLatin1String("asns_total")).toInteger(), qint64(kAddresses));
    QCOMPARE(d.value(QLatin1String("sessions")).toArray().size(), qsizetype(1));
    QCOMPARE(d.value(QLatin1String("sessions_total")).toInteger(), qint64(1));
    QCOMPARE(d.value(QLatin1String("automation_clients_total")).toInteger(), qint64(0));
}

QTEST_GUILESS_MAIN(TestNewDetectors)
#include "tst_newdetectors.moc"
