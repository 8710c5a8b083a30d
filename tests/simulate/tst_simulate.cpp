// The simulator is only useful if its output is what the readers meet in practice and what the
// ground truth says it is: these tests import what it writes and check the story in the events.
#include "cli/cli.h"
#include "geo/geodb.h"
#include "ingest/formatreader.h"
#include "ingest/importer.h"
#include "simulate/places.h"
#include "simulate/simulator.h"
#include "simulate/tenant.h"
#include "store/casestore.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

using namespace mp;

namespace {

constexpr std::int64_t kMinute = 60 * 1000;
constexpr std::int64_t kHour = 60 * kMinute;

QByteArray readAll(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.readAll();
}

QJsonObject readJson(const QString &path)
{
    return QJsonDocument::fromJson(readAll(path)).object();
}

std::int64_t isoMs(const QJsonValue &value)
{
    return parseTimestamp(value.toString().toStdString()).value_or(kNoTime);
}

sim::SimulateResult simulateInto(const QString &dir, const std::string &scenario, std::uint64_t seed,
                                 std::int64_t scale = 0)
{
    sim::SimulateOptions options;
    options.outDir = dir.toStdString();
    options.scenario = scenario;
    options.seed = seed;
    options.scale = scale;
    return sim::simulate(options);
}

std::vector<Event> events(CaseStore &store, const EventFilter &filter)
{
    std::vector<Event> out;
    store.forEachEvent(filter, [&](const StoredEvent &e) {
        out.push_back(e.event);
        return true;
    });
    return out;
}

std::vector<Event> eventsOf(CaseStore &store, const std::string &user, const std::string &ip = {},
                            const std::string &operation = {})
{
    EventFilter filter;
    filter.user = user;
    filter.ip = ip;
    filter.operation = operation;
    return events(store, filter);
}

std::string inDir(const QString &dir, const char *name)
{
    return QDir(dir).filePath(QLatin1String(name)).toStdString();
}

const char *const kExports[] = {"signins.json", "audit.csv", "messagetrace.csv"};

} // namespace

class TestSimulate : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void sameSeedSameBytes();
    void otherSeedOtherBytes();
    void scenarioAloneMatchesAll_data();
    void scenarioAloneMatchesAll();
    void filesImportWithoutRejections_data();
    void filesImportWithoutRejections();
    void groundTruthFindingsRestOnEvents();
    void groundTruthTrapsRestOnEvents();
    void bulkSendNeedsASlidingWindow();
    void impossibleTravelStraddlesTheHour();
    void becReplaysOneSessionAndSharesInfrastructure();
    void tuningAnswersEveryTrap();
    void placesAgreeWithGeoIp();
    void scaleWritesExactlyNRecordsInTimeOrder();
    void commandLine_data();
    void commandLine();

private:
    bool requireReaders(std::initializer_list<const char *> ids);

    QTemporaryDir m_tmp;
    QString m_all; // "all" scenarios, seed 1
    QJsonObject m_truth;
    CaseStore m_store;
    ImportReport m_report;
};

void TestSimulate::initTestCase()
{
    QVERIFY(m_tmp.isValid());
    m_all = m_tmp.filePath(QStringLiteral("all"));
    const auto result = simulateInto(m_all, "all", 1);
    QVERIFY2(result.ok, result.error.c_str());
    QCOMPARE(result.files.size(), std::size_t(6));
    m_truth = readJson(m_all + QStringLiteral("/ground-truth.json"));
    QVERIFY(!m_truth.isEmpty());

    std::string error;
    QVERIFY2(m_store.open(m_tmp.filePath(QStringLiteral("demo.mpcase")).toStdString(), true, &error), error.c_str());
    std::vector<std::string> paths;
    for (const char *name : kExports)
        paths.push_back(inDir(m_all, name));
    m_report = importFiles(m_store, paths, ImportOptions());
    QCOMPARE(m_report.files.size(), std::size_t(3));
}

bool TestSimulate::requireReaders(std::initializer_list<const char *> ids)
{
    for (const char *id : ids) {
        if (!findReader(id))
            return false;
    }
    return true;
}

void TestSimulate::sameSeedSameBytes()
{
    const QString again = m_tmp.filePath(QStringLiteral("again"));
    QVERIFY(simulateInto(again, "all", 1).ok);
    for (const QString &name : QDir(m_all).entryList(QDir::Files)) {
        const QByteArray a = readAll(m_all + QLatin1Char('/') + name);
        QVERIFY2(!a.isEmpty(), qPrintable(name));
        QVERIFY2(a == readAll(again + QLatin1Char('/') + name), qPrintable(name + QStringLiteral(" differs")));
    }
}

void TestSimulate::otherSeedOtherBytes()
{
    const QString other = m_tmp.filePath(QStringLiteral("seed2"));
    QVERIFY(simulateInto(other, "all", 2).ok);
    for (const char *name : kExports) {
        const QString file = QLatin1Char('/') + QLatin1String(name);
        QVERIFY2(readAll(m_all + file) != readAll(other + file), name);
    }
    // The story is the same whatever the seed: the same detectors, users and addresses.
    const QJsonObject truth = readJson(other + QStringLiteral("/ground-truth.json"));
    const QJsonArray a = m_truth.value(QStringLiteral("findings")).toArray();
    const QJsonArray b = truth.value(QStringLiteral("findings")).toArray();
    QCOMPARE(a.size(), b.size());
    for (qsizetype i = 0; i < a.size(); ++i) {
        for (const char *key : {"detector", "user", "ip"})
            QCOMPARE(b[i].toObject().value(QLatin1String(key)), a[i].toObject().value(QLatin1String(key)));
    }
}

void TestSimulate::scenarioAloneMatchesAll_data()
{
    QTest::addColumn<QString>("scenario");
    for (const std::string &name : sim::scenarioNames())
        QTest::newRow(name.c_str()) << QString::fromStdString(name);
}

void TestSimulate::scenarioAloneMatchesAll()
{
    // Each scenario draws from its own random stream, so it tells the same story alone as it
    // does in the combined demo tenant.
    QFETCH(QString, scenario);
    const QString dir = m_tmp.filePath(QStringLiteral("alone-") + scenario);
    const auto result = simulateInto(dir, scenario.toStdString(), 1);
    QVERIFY2(result.ok, result.error.c_str());
    const QJsonObject truth = readJson(dir + QStringLiteral("/ground-truth.json"));
    auto only = [](const QJsonArray &items, const QString &name) {
        QJsonArray out;
        for (const QJsonValue &v : items) {
            if (v.toObject().value(QStringLiteral("scenario")).toString() == name)
                out.append(v);
        }
        return out;
    };
    for (const char *list : {"findings", "traps", "acceptable", "campaign_links"}) {
        const QJsonArray alone = truth.value(QLatin1String(list)).toArray();
        QCOMPARE(only(alone, scenario), only(m_truth.value(QLatin1String(list)).toArray(), scenario));
    }
    // The ordinary week around it is the same too (people's own random streams).
    const QJsonArray background = only(m_truth.value(QStringLiteral("acceptable")).toArray(), QStringLiteral("background"));
    for (const QJsonValue &v : only(truth.value(QStringLiteral("acceptable")).toArray(), QStringLiteral("background")))
        QVERIFY(background.contains(v));
    QVERIFY(result.findings + result.traps > 0);
}

void TestSimulate::filesImportWithoutRejections_data()
{
    QTest::addColumn<int>("index");
    QTest::addColumn<QString>("reader");
    QTest::newRow("signins.json") << 0 << QStringLiteral("graph-signins-json");
    QTest::newRow("audit.csv") << 1 << QStringLiteral("purview-audit-csv");
    QTest::newRow("messagetrace.csv") << 2 << QStringLiteral("message-trace-csv");
}

void TestSimulate::filesImportWithoutRejections()
{
    QFETCH(int, index);
    QFETCH(QString, reader);
    if (!findReader(reader.toStdString()))
        QSKIP("this reader is not in the tree yet");
    const FileReport &file = m_report.files[static_cast<std::size_t>(index)];
    QVERIFY2(file.status == FileReport::Status::Imported, file.error.c_str());
    QCOMPARE(QString::fromStdString(file.source.format), reader);
    std::string reasons;
    for (const ImportProblem &p : file.firstRejections)
        reasons += std::to_string(p.line) + ": " + p.reason + "\n";
    QVERIFY2(file.source.rejected == 0, reasons.c_str());
    QCOMPARE(file.source.duplicates, std::int64_t(0));
    const QJsonObject described = m_truth.value(QStringLiteral("files")).toArray()[index].toObject();
    QCOMPARE(file.source.imported, std::int64_t(described.value(QStringLiteral("records")).toInteger()));
    // Every day of the simulated week is above 12, so no file leaves the date order to a guess.
    QVERIFY(file.source.dateOrder.empty() || file.source.dateOrder == "mdy");
}

void TestSimulate::groundTruthFindingsRestOnEvents()
{
    if (!requireReaders({"graph-signins-json", "purview-audit-csv"}))
        QSKIP("the sign-in reader is not in the tree yet");
    const QJsonArray findings = m_truth.value(QStringLiteral("findings")).toArray();
    QCOMPARE(findings.size(), 13);
    std::set<QString> detectors;
    for (const QJsonValue &v : findings) {
        const QJsonObject f = v.toObject();
        const std::string user = f.value(QStringLiteral("user")).toString().toStdString();
        const std::string label = f.value(QStringLiteral("scenario")).toString().toStdString() + " "
                                  + f.value(QStringLiteral("detector")).toString().toStdString() + " " + user;
        detectors.insert(f.value(QStringLiteral("detector")).toString());
        for (const QJsonValue &ip : f.value(QStringLiteral("ips")).toArray())
            QVERIFY2(!eventsOf(m_store, user, ip.toString().toStdString()).empty(), (label + " " + ip.toString().toStdString()).c_str());
        // The finding's first and last times are times of events from the finding's IPs: the
        // user's own, or for a spray anyone's (it starts with other people's failures).
        const std::int64_t first = isoMs(f.value(QStringLiteral("first")));
        const std::int64_t last = isoMs(f.value(QStringLiteral("last")));
        QVERIFY2(first <= last, label.c_str());
        const bool spray = f.value(QStringLiteral("detector")).toString() == QStringLiteral("PasswordSpray");
        bool sawFirst = false, sawLast = false;
        for (const QJsonValue &ip : f.value(QStringLiteral("ips")).toArray()) {
            for (const Event &e : eventsOf(m_store, spray ? std::string() : user, ip.toString().toStdString())) {
                if (e.kind == EventKind::Message)
                    continue;
                sawFirst = sawFirst || e.timeMs == first;
                sawLast = sawLast || e.timeMs == last;
            }
        }
        QVERIFY2(sawFirst && sawLast, label.c_str());
    }
    const std::set<QString> all = {QStringLiteral("RiskySignIn"),         QStringLiteral("ImpossibleTravel"),
                                   QStringLiteral("InboxRuleManipulation"), QStringLiteral("BulkEmailSending"),
                                   QStringLiteral("PasswordSpray"),       QStringLiteral("SessionAnomaly"),
                                   QStringLiteral("ThreadHijack")};
    QCOMPARE(detectors, all);
}

void TestSimulate::groundTruthTrapsRestOnEvents()
{
    if (!requireReaders({"graph-signins-json", "purview-audit-csv"}))
        QSKIP("the sign-in reader is not in the tree yet");
    const QJsonArray traps = m_truth.value(QStringLiteral("traps")).toArray();
    QCOMPARE(traps.size(), 5);
    for (const QJsonValue &v : traps) {
        const QJsonObject t = v.toObject();
        const std::string user = t.value(QStringLiteral("user")).toString().toStdString();
        for (const QJsonValue &ip : t.value(QStringLiteral("ips")).toArray())
            QVERIFY2(!eventsOf(m_store, user, ip.toString().toStdString()).empty(),
                     (user + " " + ip.toString().toStdString()).c_str());
    }
    // The ordinary rules an engine may list at low severity are real rule events.
    int ordinary = 0;
    for (const QJsonValue &v : m_truth.value(QStringLiteral("acceptable")).toArray()) {
        const QJsonObject a = v.toObject();
        if (!a.contains(QStringLiteral("time")))
            continue;
        ++ordinary;
        EventFilter filter;
        filter.user = a.value(QStringLiteral("user")).toString().toStdString();
        filter.ip = a.value(QStringLiteral("ip")).toString().toStdString();
        filter.fromMs = isoMs(a.value(QStringLiteral("time")));
        filter.toMs = filter.fromMs + 1000;
        const auto found = events(m_store, filter);
        QVERIFY2(std::any_of(found.begin(), found.end(),
                             [](const Event &e) { return e.operation.find("InboxRule") != std::string::npos; }),
                 qPrintable(a.value(QStringLiteral("user")).toString()));
    }
    QVERIFY(ordinary > 0);
    // The transactional sender really sends 500 an hour.
    const auto sends = eventsOf(m_store, "notifications@contoso.com", sim::places::appServer().ip, "Send");
    QCOMPARE(sends.size(), std::size_t(1500));
    // The migration admin acts on other people's mailboxes, and forwards out of the tenant.
    const auto rules = eventsOf(m_store, "migration.admin@contoso.com", {}, "New-InboxRule");
    QCOMPARE(rules.size(), std::size_t(12));
    for (const Event &e : rules)
        QVERIFY(e.forwardTargets.find("@fabrikam.example") != std::string::npos);
}

void TestSimulate::bulkSendNeedsASlidingWindow()
{
    const std::string bruno = "bruno.keller@contoso.com";
    const auto sends = eventsOf(m_store, bruno, sim::places::bulkSender().ip, "Send");
    QCOMPARE(sends.size(), std::size_t(60));
    std::vector<std::int64_t> times;
    for (const Event &e : sends)
        times.push_back(e.timeMs);
    std::sort(times.begin(), times.end());
    // A sliding 60-minute window holds all 60 ...
    std::size_t best = 0;
    for (std::size_t i = 0, j = 0; j < times.size(); ++j) {
        while (times[j] - times[i] >= kHour)
            ++i;
        best = std::max(best, j - i + 1);
    }
    QCOMPARE(best, std::size_t(60));
    // ... while clock-hour bins hold 30 each, under the seeds' threshold of 50.
    std::map<std::int64_t, int> bins;
    for (const Event &e : eventsOf(m_store, bruno, {}, "Send"))
        ++bins[e.timeMs / kHour];
    for (const auto &[bin, count] : bins)
        QVERIFY2(count < 50, qPrintable(QString::number(count)));
    const std::int64_t eleven = sim::Tenant::at(1, 11, 0);
    QCOMPARE(std::count_if(times.begin(), times.end(), [&](std::int64_t t) { return t < eleven; }), 30);
    QVERIFY(times.front() >= sim::Tenant::at(1, 10, 40));
    QVERIFY(times.back() < sim::Tenant::at(1, 11, 20) + kMinute);
}

void TestSimulate::impossibleTravelStraddlesTheHour()
{
    if (!requireReaders({"graph-signins-json"}))
        QSKIP("the sign-in reader is not in the tree yet");
    const std::string tessa = "tessa.lindqvist@contoso.com";
    EventFilter filter;
    filter.user = tessa;
    filter.kinds = {EventKind::SignIn};
    filter.fromMs = sim::Tenant::at(2, 9, 0);
    filter.toMs = sim::Tenant::at(2, 11, 0);
    const auto signIns = events(m_store, filter);
    QCOMPARE(signIns.size(), std::size_t(2));
    const Event &us = signIns[0].timeMs < signIns[1].timeMs ? signIns[0] : signIns[1];
    const Event &de = signIns[0].timeMs < signIns[1].timeMs ? signIns[1] : signIns[0];
    QCOMPARE(us.country, std::string("US"));
    QCOMPARE(de.country, std::string("DE"));
    QCOMPARE(us.resultCode, std::int64_t(0));
    QCOMPARE(de.resultCode, std::int64_t(0));
    QCOMPARE(de.ip, sim::places::travelGermany().ip);
    QVERIFY(de.timeMs - us.timeMs <= 21 * kMinute);
    QVERIFY(us.timeMs / kHour != de.timeMs / kHour); // two clock hours: the seeds' bins miss it
    QVERIFY(us.hasCoordinates() && de.hasCoordinates());
}

void TestSimulate::becReplaysOneSessionAndSharesInfrastructure()
{
    const std::string attacker = sim::places::becAttacker().ip;
    const std::string forward = "remittance.desk@evil.example";
    for (int v = 0; v < 2; ++v) {
        const std::string user = v == 0 ? "dana.whitfield@contoso.com" : "omar.haddad@contoso.com";
        const std::string relay = sim::places::aitmProxy(v).ip;
        // The Exchange session the victim used through the relay is used from the attacker's host.
        std::set<std::string> relaySessions, attackerSessions;
        for (const Event &e : eventsOf(m_store, user, relay))
            if (!e.sessionId.empty())
                relaySessions.insert(e.sessionId);
        for (const Event &e : eventsOf(m_store, user, attacker))
            if (!e.sessionId.empty())
                attackerSessions.insert(e.sessionId);
        std::vector<std::string> shared;
        std::set_intersection(relaySessions.begin(), relaySessions.end(), attackerSessions.begin(),
                              attackerSessions.end(), std::back_inserter(shared));
        QVERIFY2(!shared.empty(), user.c_str());
        // Forwarding out, and replies in existing threads from the attacker's address.
        bool forwards = false;
        int replies = 0;
        for (const Event &e : eventsOf(m_store, user, attacker)) {
            forwards = forwards || e.forwardTargets.find(forward) != std::string::npos;
            if (e.operation == "Send" && (e.subject.rfind("RE: ", 0) == 0 || e.subject.rfind("AW: ", 0) == 0))
                ++replies;
        }
        QVERIFY2(forwards, user.c_str());
        QCOMPARE(replies, 3);
    }
    // What ties the campaign, and what must not: the office address is everyone's.
    int linking = 0, notLinking = 0;
    for (const QJsonValue &v : m_truth.value(QStringLiteral("campaign_links")).toArray()) {
        const QJsonObject link = v.toObject();
        if (link.value(QStringLiteral("links")).toBool()) {
            ++linking;
            continue;
        }
        ++notLinking;
        if (link.value(QStringLiteral("kind")).toString() == QStringLiteral("ip")) {
            std::set<std::string> users;
            EventFilter filter;
            filter.ip = link.value(QStringLiteral("value")).toString().toStdString();
            for (const Event &e : events(m_store, filter))
                users.insert(e.user);
            QVERIFY(users.size() > 30);
        }
    }
    QCOMPARE(linking, 3);
    QCOMPARE(notLinking, 2);
}

void TestSimulate::tuningAnswersEveryTrap()
{
    const QJsonObject tuning = readJson(m_all + QStringLiteral("/tuning.json"));
    for (const char *key : {"trusted_networks", "service_accounts", "admin_accounts"})
        QVERIFY2(tuning.value(QLatin1String(key)).isArray(), key);
    for (const QJsonValue &v : m_truth.value(QStringLiteral("traps")).toArray()) {
        const QJsonObject trap = v.toObject();
        const QString key = trap.value(QStringLiteral("tuning")).toString();
        if (key.isEmpty())
            continue; // e.g. the flight: no tuning is the answer
        const QJsonArray values = tuning.value(key).toArray();
        if (key == QStringLiteral("trusted_networks")) {
            for (const QJsonValue &ip : trap.value(QStringLiteral("ips")).toArray()) {
                const bool covered = std::any_of(values.begin(), values.end(), [&](const QJsonValue &cidr) {
                    // The simulator's ranges are /28s of one /24: the prefix up to the last dot decides.
                    const QString net = cidr.toString().section(QLatin1Char('.'), 0, 2);
                    return ip.toString().section(QLatin1Char('.'), 0, 2) == net;
                });
                QVERIFY2(covered, qPrintable(ip.toString()));
            }
        } else {
            QVERIFY2(values.contains(trap.value(QStringLiteral("user"))), qPrintable(key));
        }
    }
}

void TestSimulate::placesAgreeWithGeoIp()
{
    GeoDb geo;
    if (!geo.openDataDir(GeoDb::defaultDataDir()) || !geo.hasCountry())
        QSKIP("no GeoIP data (scripts/fetch-data.sh)");
    std::string problems;
    for (const std::string &p : sim::checkPlaces(geo))
        problems += p + "\n";
    QVERIFY2(problems.empty(), problems.c_str());
}

void TestSimulate::scaleWritesExactlyNRecordsInTimeOrder()
{
    const QString dir = m_tmp.filePath(QStringLiteral("scale"));
    const auto result = simulateInto(dir, "all", 7, 5000);
    QVERIFY2(result.ok, result.error.c_str());
    QCOMPARE(result.signIns, std::int64_t(5000));
    QCOMPARE(result.auditRecords, std::int64_t(5000));
    const QByteArray signIns = readAll(dir + QStringLiteral("/signins.json"));
    QCOMPARE(signIns.count("\n{\"id\":"), qsizetype(5000));
    const QByteArray audit = readAll(dir + QStringLiteral("/audit.csv"));
    QCOMPARE(audit.count("\r\n"), qsizetype(5001)); // header + one line per record
    QVERIFY(QJsonDocument::fromJson(signIns).isObject());
    // Deterministic as well.
    const QString again = m_tmp.filePath(QStringLiteral("scale-again"));
    QVERIFY(simulateInto(again, "all", 7, 5000).ok);
    QVERIFY(readAll(again + QStringLiteral("/audit.csv")) == audit);
    QVERIFY(readAll(again + QStringLiteral("/signins.json")) == signIns);

    if (!requireReaders({"graph-signins-json", "purview-audit-csv"}))
        QSKIP("the sign-in reader is not in the tree yet");
    CaseStore store;
    std::string error;
    QVERIFY(store.open(inDir(dir, "scale.mpcase"), true, &error));
    const auto report = importFiles(store, {inDir(dir, "signins.json"), inDir(dir, "audit.csv")}, ImportOptions());
    for (const FileReport &f : report.files) {
        QCOMPARE(f.source.rejected, std::int64_t(0));
        QCOMPARE(f.source.imported, std::int64_t(5000));
    }
}

void TestSimulate::commandLine_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("code");
    QTest::newRow("no --out") << QStringList{QStringLiteral("simulate")} << int(cli::Usage);
    QTest::newRow("unknown scenario") << QStringList{QStringLiteral("simulate"), QStringLiteral("--out"),
                                                     QStringLiteral("x"), QStringLiteral("--scenario"),
                                                     QStringLiteral("phishing")}
                                      << int(cli::Usage);
    QTest::newRow("bad seed") << QStringList{QStringLiteral("simulate"), QStringLiteral("--out"), QStringLiteral("x"),
                                             QStringLiteral("--seed"), QStringLiteral("-3")}
                              << int(cli::Usage);
    QTest::newRow("bad scale") << QStringList{QStringLiteral("simulate"), QStringLiteral("--out"), QStringLiteral("x"),
                                              QStringLiteral("--scale"), QStringLiteral("0")}
                               << int(cli::Usage);
    QTest::newRow("one scenario") << QStringList{QStringLiteral("simulate"), QStringLiteral("--out"),
                                                 QStringLiteral("@TMP@/cli"), QStringLiteral("--scenario"),
                                                 QStringLiteral("inbox-rule"), QStringLiteral("--seed"),
                                                 QStringLiteral("42")}
                                  << int(cli::Ok);
}

void TestSimulate::commandLine()
{
    QFETCH(QStringList, args);
    QFETCH(int, code);
    std::vector<std::string> argv;
    for (QString a : args)
        argv.push_back(a.replace(QStringLiteral("@TMP@"), m_tmp.path()).toStdString());
    std::ostringstream out, err;
    QCOMPARE(cli::run(argv, out, err), code);
    if (code == cli::Ok) {
        const QJsonObject truth = readJson(m_tmp.filePath(QStringLiteral("cli/ground-truth.json")));
        QCOMPARE(truth.value(QStringLiteral("seed")).toInteger(), qint64(42));
        QCOMPARE(truth.value(QStringLiteral("findings")).toArray().size(), 1);
    } else {
        QVERIFY(!err.str().empty());
    }
}

QTEST_GUILESS_MAIN(TestSimulate)
#include "tst_simulate.moc"
