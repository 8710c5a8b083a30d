// Network classes: the compiled-in ASN table, the tuning override, the score raised by a
// successful sign-in from a hosting or VPN network, and travel baselines that ignore networks
// which say nothing about where the user is.
#include "detectcase.h"

#include "detect/detectioninput.h"
#include "detect/detectutil.h"
#include "detect/incidents.h"
#include "geo/networkclass.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <deque>
#include <set>

using namespace mp;
using namespace detecttest;

namespace {

const std::string kAlice = "alice@contoso.com";

// Test times built at run time must outlive the case that keeps pointers to them.
const char *keep(std::string text)
{
    static std::deque<std::string> kept;
    return kept.emplace_back(std::move(text)).c_str();
}

QJsonObject parse(const std::string &json)
{
    return QJsonDocument::fromJson(QByteArray::fromStdString(json)).object();
}

QJsonObject networkOf(const Finding &f, const char *ip)
{
    for (const QJsonValue &v : parse(f.details).value(QLatin1String("networks")).toArray()) {
        if (v.toObject().value(QLatin1String("ip")).toString() == QLatin1String(ip))
            return v.toObject();
    }
    return {};
}

} // namespace

class TestNetworkClasses : public QObject
{
    Q_OBJECT

private slots:
    void lookup_data();
    void lookup();
    void tableMatchesTheResource();
    void override_data();
    void override();
    void overrideRejectsNonsense_data();
    void overrideRejectsNonsense();
    void hostingSignInRaisesScore_data();
    void hostingSignInRaisesScore();
    void travelBaselineIgnoresUnfitNetworks_data();
    void travelBaselineIgnoresUnfitNetworks();
    void detectShowsTheClassOfEveryIp();
    void bonusReasonNamesFirstAddresses();
};

void TestNetworkClasses::lookup_data()
{
    QTest::addColumn<uint>("asn");
    QTest::addColumn<QString>("cls");
    QTest::newRow("Amazon") << 16509u << "hosting";
    QTest::newRow("Microsoft Azure") << 8075u << "hosting";
    QTest::newRow("DigitalOcean") << 14061u << "hosting";
    QTest::newRow("Hetzner") << 24940u << "hosting";
    QTest::newRow("Datacamp/CDN77") << 60068u << "vpn";
    QTest::newRow("Mullvad (31173 Services AB)") << 39351u << "vpn";
    QTest::newRow("Akamai private relay") << 36183u << "privacy-relay";
    QTest::newRow("Starlink") << 14593u << "satellite";
    QTest::newRow("Panasonic Avionics") << 394603u << "satellite";
    QTest::newRow("T-Mobile USA") << 21928u << "mobile";
    QTest::newRow("Cloudflare is ambiguous") << 13335u << "";
    QTest::newRow("Comcast is not classed") << 7922u << "";
    QTest::newRow("no ASN") << 0u << "";
}

void TestNetworkClasses::lookup()
{
    QFETCH(uint, asn);
    QFETCH(QString, cls);
    QCOMPARE(QString::fromLatin1(networkClassName(networkClass(asn))), cls);
    QCOMPARE(QString::fromLatin1(networkClassName(Tuning().networkClassOf(asn))), cls);
}

void TestNetworkClasses::tableMatchesTheResource()
{
    // Every data row of the editable CSV made it into the compiled table, sorted and unique, and
    // every row names its source.
    QFile csv(QString::fromLocal8Bit(qgetenv("MAILPIVOT_SOURCE_DIR")) + QStringLiteral("/resources/network-classes.csv"));
    QVERIFY(csv.open(QIODevice::ReadOnly));
    int rows = 0;
    bool header = false;
    while (!csv.atEnd()) {
        const QByteArray line = csv.readLine().trimmed();
        if (line.isEmpty() || line.startsWith('#'))
            continue;
        if (line.startsWith("asn,")) {
            header = true;
            continue;
        }
        const QList<QByteArray> fields = line.split(',');
        QCOMPARE(fields.size(), qsizetype(4));
        QVERIFY2(!fields[3].trimmed().isEmpty(), line.constData());
        ++rows;
    }
    QVERIFY(header);
    const auto table = networkClassTable();
    QCOMPARE(qsizetype(table.size()), qsizetype(rows));
    QVERIFY(rows >= 30);
    std::set<NetworkClass> classes;
    for (std::size_t i = 0; i < table.size(); ++i) {
        QVERIFY(table[i].cls != NetworkClass::None);
        QVERIFY(!table[i].name.empty());
        if (i)
            QVERIFY(table[i - 1].asn < table[i].asn);
        classes.insert(table[i].cls);
    }
    QCOMPARE(classes.size(), std::size_t(5));
}

void TestNetworkClasses::override_data()
{
    QTest::addColumn<QString>("tuning");
    QTest::addColumn<uint>("asn");
    QTest::addColumn<QString>("cls");
    QTest::newRow("classes an unknown ASN") << R"({"network_classes":{"AS64500":"vpn"}})" << 64500u << "vpn";
    QTest::newRow("plain number, any case") << R"({"network_classes":{"64501":"Hosting"}})" << 64501u << "hosting";
    QTest::newRow("reclasses a built-in ASN") << R"({"network_classes":{"as13335":"privacy-relay"}})" << 13335u << "privacy-relay";
    QTest::newRow("none unclasses a built-in ASN") << R"({"network_classes":{"AS16509":"none"}})" << 16509u << "";
    QTest::newRow("cloud is hosting") << R"({"network_classes":{"AS64502":"cloud"}})" << 64502u << "hosting";
    QTest::newRow("other ASNs keep the table") << R"({"network_classes":{"AS64500":"vpn"}})" << 14593u << "satellite";
}

void TestNetworkClasses::override()
{
    QFETCH(QString, tuning);
    QFETCH(uint, asn);
    QFETCH(QString, cls);
    const Tuning t = tuningFrom(tuning.toUtf8().constData());
    QCOMPARE(QString::fromLatin1(networkClassName(t.networkClassOf(asn))), cls);
    // The canonical tuning stored with a run spells the overrides out.
    const QJsonObject canonical = parse(t.canonicalJson());
    QVERIFY(canonical.value(QLatin1String("network_classes")).isObject());
    QCOMPARE(canonical.value(QLatin1String("network_classes")).toObject().size(), qsizetype(1));
}

void TestNetworkClasses::overrideRejectsNonsense_data()
{
    QTest::addColumn<QString>("tuning");
    QTest::newRow("not an object") << R"({"network_classes":["AS1"]})";
    QTest::newRow("not an ASN") << R"({"network_classes":{"Amazon":"hosting"}})";
    QTest::newRow("unknown class") << R"({"network_classes":{"AS1":"residential"}})";
    QTest::newRow("class not text") << R"({"network_classes":{"AS1":1}})";
}

void TestNetworkClasses::overrideRejectsNonsense()
{
    QFETCH(QString, tuning);
    std::string error;
    QVERIFY(!Tuning::parse(tuning.toStdString(), &error));
    QVERIFY2(error.find("network_classes") != std::string::npos, error.c_str());
}

void TestNetworkClasses::hostingSignInRaisesScore_data()
{
    QTest::addColumn<uint>("asn");
    QTest::addColumn<QString>("tuning");
    QTest::addColumn<int>("result"); // sign-in result code
    QTest::addColumn<bool>("raised");
    QTest::newRow("hosting (AWS)") << 16509u << "{}" << 0 << true;
    QTest::newRow("vpn (Datacamp)") << 60068u << "{}" << 0 << true;
    QTest::newRow("mobile carrier") << 21928u << "{}" << 0 << false;
    QTest::newRow("satellite") << 14593u << "{}" << 0 << false;
    QTest::newRow("unclassed") << 7922u << "{}" << 0 << false;
    QTest::newRow("unclassed, made vpn by tuning") << 7922u << R"({"network_classes":{"AS7922":"vpn"}})" << 0 << true;
    QTest::newRow("hosting, unclassed by tuning") << 16509u << R"({"network_classes":{"AS16509":"none"}})" << 0 << false;
}

void TestNetworkClasses::hostingSignInRaisesScore()
{
    QFETCH(uint, asn);
    QFETCH(QString, tuning);
    QFETCH(int, result);
    QFETCH(bool, raised);
    const Tuning t = tuningFrom(tuning.toUtf8().constData());
    auto run = [&](std::uint32_t withAsn) {
        DetectCase c;
        c.signIn({.user = kAlice, .time = "2024-03-01T10:00:00Z", .ip = "203.0.113.10", .result = result,
                  .app = "Azure Portal", .riskLevel = "medium", .asn = withAsn, .asOrg = "Some Org"});
        return c.detect(Profile::Default, t);
    };
    const DetectionResult plain = run(0);
    const DetectionResult classed = run(asn);
    const auto a = findingsOf(plain, "RiskySignIn", kAlice);
    const auto b = findingsOf(classed, "RiskySignIn", kAlice);
    QCOMPARE(a.size(), std::size_t(1));
    QCOMPARE(b.size(), std::size_t(1));
    const QJsonObject details = parse(b.front()->details);
    if (raised) {
        QCOMPARE(b.front()->score, std::min(100.0, a.front()->score + kHostingSignInBonus));
        QVERIFY(b.front()->severity >= a.front()->severity);
        const QJsonObject bonus = details.value(QLatin1String("network_bonus")).toObject();
        QCOMPARE(bonus.value(QLatin1String("points")).toDouble(), kHostingSignInBonus);
        QVERIFY(bonus.value(QLatin1String("reason")).toString().contains(QLatin1String("203.0.113.10")));
        QCOMPARE(bonus.value(QLatin1String("sign_ins")).toArray().size(), qsizetype(1));
    } else {
        QCOMPARE(b.front()->score, a.front()->score);
        QVERIFY(!details.contains(QLatin1String("network_bonus")));
    }
    // Every IP carries its network: asn, org and class.
    const QJsonObject n = networkOf(*b.front(), "203.0.113.10");
    QCOMPARE(n.value(QLatin1String("asn")).toInteger(), qint64(asn));
    QCOMPARE(n.value(QLatin1String("org")).toString(), QStringLiteral("Some Org"));
    const char *cls = networkClassName(t.networkClassOf(asn));
    if (*cls)
        QCOMPARE(n.value(QLatin1String("class")).toString(), QLatin1String(cls));
    else
        QVERIFY(n.value(QLatin1String("class")).isNull());

    // The seed profile reproduces the SIEM rule: no bonus there.
    DetectCase seedCase;
    seedCase.signIn({.user = kAlice, .time = "2024-03-01T10:00:00Z", .ip = "203.0.113.10", .riskLevel = "high",
                     .asn = 16509});
    const DetectionResult seed = seedCase.detect(Profile::Seed, t);
    QCOMPARE(findingsOf(seed, "RiskySignIn", kAlice).size(), std::size_t(1));
    QVERIFY(!parse(findingsOf(seed, "RiskySignIn", kAlice).front()->details).contains(QLatin1String("network_bonus")));
}

void TestNetworkClasses::travelBaselineIgnoresUnfitNetworks_data()
{
    QTest::addColumn<uint>("asn"); // the network of the user's daily New York sign-ins
    QTest::addColumn<bool>("routine");
    QTest::newRow("residential: New York is routine") << 7922u << true;
    QTest::newRow("mobile carrier: still routine") << 21928u << true;
    QTest::newRow("vpn: not a baseline") << 60068u << false;
    QTest::newRow("privacy relay: not a baseline") << 36183u << false;
    QTest::newRow("satellite: not a baseline") << 14593u << false;
    QTest::newRow("hosting: not a baseline") << 16509u << false;
}

void TestNetworkClasses::travelBaselineIgnoresUnfitNetworks()
{
    QFETCH(uint, asn);
    QFETCH(bool, routine);
    DetectCase c;
    for (const char *day : {"2024-03-01T10:00:00Z", "2024-03-02T10:00:00Z", "2024-03-03T10:00:00Z", "2024-03-04T10:00:00Z"})
        c.signIn({.user = kAlice, .time = day, .ip = "198.51.100.20", .place = kNewYork, .asn = asn});
    c.signIn({.user = kAlice, .time = "2024-03-04T10:30:00Z", .ip = "192.0.2.50", .place = kParis});
    const DetectionResult r = c.detect();
    const auto travel = findingsOf(r, "ImpossibleTravel", kAlice);
    QCOMPARE(travel.size(), std::size_t(1));
    const QJsonObject from = parse(travel.front()->details).value(QLatin1String("from")).toObject();
    QCOMPARE(from.value(QLatin1String("ip")).toString(), QStringLiteral("198.51.100.20"));
    QCOMPARE(from.value(QLatin1String("routine_for_user")).toBool(), routine);
}

void TestNetworkClasses::detectShowsTheClassOfEveryIp()
{
    DetectCase c;
    c.signIn({.user = kAlice, .time = "2024-03-01T10:00:00Z", .ip = "203.0.113.10", .riskLevel = "high",
              .asn = 16509, .asOrg = "Amazon.com, Inc."});
    c.commit();
    const CliResult table = runCli({"detect", c.path()});
    QCOMPARE(table.code, 0);
    QVERIFY2(table.out.contains("203.0.113.10 hosting"), table.out.constData());
    const CliResult json = runCli({"detect", c.path(), "--json"});
    const QJsonObject f = QJsonDocument::fromJson(json.out).object().value(QLatin1String("findings")).toArray().first().toObject();
    const QJsonArray networks = f.value(QLatin1String("details")).toObject().value(QLatin1String("networks")).toArray();
    QCOMPARE(networks.size(), qsizetype(1));
    const QJsonObject n = networks.first().toObject();
    QCOMPARE(n.value(QLatin1String("ip")).toString(), QStringLiteral("203.0.113.10"));
    QCOMPARE(n.value(QLatin1String("asn")).toInteger(), qint64(16509));
    QCOMPARE(n.value(QLatin1String("org")).toString(), QStringLiteral("Amazon.com, Inc."));
    QCOMPARE(n.value(QLatin1String("class")).toString(), QStringLiteral("hosting"));
}

// A finding over sign-ins from many hosting addresses (rotating cloud hosts): the bonus reason
// names the first ten addresses once each and counts the rest; every sign-in is still listed.
void TestNetworkClasses::bonusReasonNamesFirstAddresses()
{
    DetectCase c;
    for (int i = 0; i < 15; ++i) {
        for (int k = 0; k < 2; ++k) { // each address twice: named once
            const std::string time = "2024-03-01T10:" + std::string(i < 10 ? "0" : "") + std::to_string(i) + ":0"
                + std::to_string(k) + "Z";
            c.signIn({.user = kAlice, .time = keep(time), .ip = "203.0.113." + std::to_string(10 + i), .asn = 16509,
                      .asOrg = "Amazon"});
        }
    }
    c.commit();
    DetectionInput input;
    std::string error;
    QVERIFY2(input.load(c.store().database(), nullptr, {}, &error), error.c_str());
    const Tuning tuning;
    input.applyTuning(tuning);
    QCOMPARE(input.signIns.size(), std::size_t(30));
    Finding f;
    f.detector = "SessionAnomaly";
    f.user = kAlice;
    f.score = 50;
    f.severity = detect::severityForScore(f.score);
    for (const SignInRow &r : input.signIns)
        f.evidence.push_back(r.eventId);
    f.details = "{}";
    std::vector<Finding> findings{f};
    annotateNetworks(findings, input, tuning, true);
    const QJsonObject bonus = parse(findings.front().details).value(QLatin1String("network_bonus")).toObject();
    const QString reason = bonus.value(QLatin1String("reason")).toString();
    QCOMPARE(reason.count(QLatin1String(" is a hosting network (AS16509")), qsizetype(10));
    for (int i = 0; i < 10; ++i)
        QCOMPARE(reason.count(QStringLiteral("203.0.113.%1 ").arg(10 + i)), qsizetype(1));
    QVERIFY2(reason.endsWith(QLatin1String("; and 5 more")), qPrintable(reason));
    QCOMPARE(bonus.value(QLatin1String("sign_ins")).toArray().size(), qsizetype(30));
}

QTEST_GUILESS_MAIN(TestNetworkClasses)
#include "tst_networkclasses.moc"
