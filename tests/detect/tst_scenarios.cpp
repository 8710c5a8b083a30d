// Every simulator scenario through the real readers and the `default` profile: each finding the
// ground truth expects is raised and stands, every benign trap raises nothing that stands (its
// finding is suppressed by the tuning setting the ground truth names), and nothing else stands
// except what the ground truth lists as acceptable, at or under its severity.
#include <array>
#include "detect/engine.h"
#include "ingest/importer.h"
#include "simulate/simulator.h"
#include "store/casestore.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

using namespace mp;

namespace {

QJsonObject readJson(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

bool hasIp(const Finding &f, const QString &ip)
{
    return ip.isEmpty() || std::find(f.ips.begin(), f.ips.end(), ip.toStdString()) != f.ips.end();
}

std::string describe(const Finding &f)
{
    return f.detector + " " + severityName(f.severity) + " " + f.user + " [" + (f.ips.empty() ? "" : f.ips.front())
        + "] " + f.summary + (f.suppressedBy.empty() ? "" : " (suppressed: " + f.suppressedBy + ")");
}

// Findings the ground truth does not list although the issue asks for them. Each is a gap in
// the simulator's ground truth, not a detector bending to it (see the report on issue 3).
struct KnownGap
{
    const char *detector;
    const char *user;
    const char *ip;
    const char *why;
};
// Findings a correct engine raises that the simulator's ground truth does not list yet: none now.
constexpr std::array<KnownGap, 0> kGroundTruthGaps{};

} // namespace

class TestScenarios : public QObject
{
    Q_OBJECT

private slots:
    void scenario_data();
    void scenario();
};

void TestScenarios::scenario_data()
{
    QTest::addColumn<QString>("name");
    for (const std::string &name : sim::scenarioNames())
        QTest::newRow(name.c_str()) << QString::fromStdString(name);
    QTest::newRow("all") << QStringLiteral("all");
}

void TestScenarios::scenario()
{
    QFETCH(QString, name);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    sim::SimulateOptions options;
    options.outDir = dir.filePath(QStringLiteral("out")).toStdString();
    options.scenario = name.toStdString();
    options.seed = 1;
    const sim::SimulateResult simulated = sim::simulate(options);
    QVERIFY2(simulated.ok, simulated.error.c_str());

    CaseStore store;
    std::string error;
    QVERIFY2(store.open(dir.filePath(QStringLiteral("case.mpcase")).toStdString(), true, &error), error.c_str());
    std::vector<std::string> files;
    for (const char *f : {"signins.json", "audit.csv", "messagetrace.csv"})
        files.push_back(dir.filePath(QStringLiteral("out/") + QLatin1String(f)).toStdString());
    const ImportReport report = importFiles(store, files, {});
    for (const FileReport &f : report.files)
        QVERIFY2(f.status == FileReport::Status::Imported, f.error.c_str());

    const auto tuning = Tuning::load(dir.filePath(QStringLiteral("out/tuning.json")).toStdString(), &error);
    QVERIFY2(tuning, error.c_str());
    DetectionOptions detectOptions;
    detectOptions.tuning = *tuning;
    const DetectionResult result = runDetection(store, detectOptions);
    QVERIFY2(result.ok, result.error.c_str());

    const QJsonObject truth = readJson(dir.filePath(QStringLiteral("out/ground-truth.json")));
    QVERIFY(!truth.isEmpty());
    std::vector<bool> explained(result.findings.size(), false);

    // Every expected finding is raised and stands.
    for (const QJsonValue v : truth.value(QLatin1String("findings")).toArray()) {
        const QJsonObject e = v.toObject();
        const std::string detector = e.value(QLatin1String("detector")).toString().toStdString();
        const std::string user = e.value(QLatin1String("user")).toString().toStdString();
        const QString ip = e.value(QLatin1String("ip")).toString();
        bool found = false;
        for (std::size_t i = 0; i < result.findings.size(); ++i) {
            const Finding &f = result.findings[i];
            if (f.detector != detector || f.user != user)
                continue;
            explained[i] = true; // more findings of the same detector and user belong to the story
            if (hasIp(f, ip) && f.suppressedBy.empty())
                found = true;
        }
        QVERIFY2(found, ("expected finding not raised (or suppressed): " + detector + " " + user + " " + ip.toStdString()).c_str());
    }

    // Traps raise nothing that stands; what they raise is suppressed by the named setting.
    for (const QJsonValue v : truth.value(QLatin1String("traps")).toArray()) {
        const QJsonObject t = v.toObject();
        const std::string user = t.value(QLatin1String("user")).toString().toStdString();
        const QString setting = t.value(QLatin1String("tuning")).toString();
        for (std::size_t i = 0; i < result.findings.size(); ++i) {
            const Finding &f = result.findings[i];
            if (f.user != user)
                continue;
            QVERIFY2(!f.suppressedBy.empty(), ("trap raised a finding: " + describe(f)).c_str());
            QVERIFY2(!setting.isEmpty() && f.suppressedBy.rfind(setting.toStdString() + ":", 0) == 0,
                     ("trap's finding suppressed by another setting than " + setting.toStdString() + ": " + describe(f)).c_str());
            explained[i] = true;
        }
    }

    // Anything else that stands is acceptable, at or under its severity.
    for (std::size_t i = 0; i < result.findings.size(); ++i) {
        const Finding &f = result.findings[i];
        if (explained[i] || !f.suppressedBy.empty())
            continue;
        bool ok = false;
        for (const QJsonValue v : truth.value(QLatin1String("acceptable")).toArray()) {
            const QJsonObject a = v.toObject();
            if (a.value(QLatin1String("detector")).toString().toStdString() != f.detector
                || a.value(QLatin1String("user")).toString().toStdString() != f.user
                || !hasIp(f, a.value(QLatin1String("ip")).toString()))
                continue;
            const QJsonValue max = a.value(QLatin1String("max_severity"));
            if (max.isString()) {
                const auto limit = severityFromName(max.toString().toStdString());
                if (limit && f.severity > *limit)
                    continue;
            }
            ok = true;
            break;
        }
        for (const KnownGap &g : kGroundTruthGaps) {
            if (f.detector == g.detector && f.user == g.user && hasIp(f, QLatin1String(g.ip))) {
                qInfo("ground-truth gap: %s -- %s", describe(f).c_str(), g.why);
                ok = true;
            }
        }
        QVERIFY2(ok, ("finding outside the ground truth: " + describe(f)).c_str());
    }
}

QTEST_GUILESS_MAIN(TestScenarios)
#include "tst_scenarios.moc"
