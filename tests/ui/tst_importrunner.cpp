// Imports through the runner: they run off the GUI thread (the event loop keeps turning while a
// large file is read), report progress with the records read, deliver the report on the GUI
// thread, and Cancel leaves the case exactly as it was.
#include "store/casestore.h"
#include "ui/importlogmodel.h"
#include "ui/importrunner.h"

#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTextDocument>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <memory>

using namespace mp;
using namespace mp::ui;

namespace {

// A Purview audit search export of `count` records; `first` numbers the records so that two files
// never share ids.
QByteArray purviewCsv(int count, int first = 0)
{
    QByteArray out = "RecordId,CreationDate,RecordType,Operation,UserId,AuditData,AssociatedAdminUnits,AssociatedAdminUnitsNames\r\n";
    out.reserve(count * 600);
    for (int i = first; i < first + count; ++i) {
        const QByteArray id = "6c2a1f0e-7d3b-4f4e-9a51-" + QByteArray::number(100000000000LL + i);
        const int minute = i % (60 * 24 * 28);
        const QByteArray time = QStringLiteral("2024-03-%1T%2:%3:%4")
                                    .arg(1 + minute / 1440, 2, 10, QLatin1Char('0'))
                                    .arg(minute / 60 % 24, 2, 10, QLatin1Char('0'))
                                    .arg(minute % 60, 2, 10, QLatin1Char('0'))
                                    .arg(i % 60, 2, 10, QLatin1Char('0'))
                                    .toLatin1();
        const QByteArray user = "user" + QByteArray::number(i % 97) + "@contoso.com";
        const QByteArray ip = "198.51.100." + QByteArray::number(i % 200);
        QByteArray json = "{\"CreationTime\":\"" + time + "\",\"Id\":\"" + id
                          + "\",\"Operation\":\"MailItemsAccessed\",\"RecordType\":50,\"ResultStatus\":\"Succeeded\","
                            "\"UserId\":\"" + user + "\",\"Workload\":\"Exchange\",\"ClientIPAddress\":\"" + ip
                          + "\",\"ClientInfoString\":\"Client=OWA;Action=ViaProxy\",\"MailboxOwnerUPN\":\"" + user
                          + "\",\"OperationProperties\":[{\"Name\":\"MailAccessType\",\"Value\":\"Bind\"}]}";
        json.replace("\"", "\"\"");
        out += id + "," + time + ",ExchangeItemAggregated,MailItemsAccessed," + user + ",\"" + json + "\",,\r\n";
    }
    return out;
}

struct CaseState
{
    std::int64_t events = 0;
    std::vector<std::string> sources;
    bool operator==(const CaseState &) const = default;
};

CaseState caseState(const QString &path)
{
    CaseStore store;
    CaseState state;
    if (!store.open(path.toStdString(), false, nullptr))
        return state;
    state.events = store.eventCount();
    for (const SourceFile &s : store.sources())
        state.sources.push_back(s.sha256);
    return state;
}

} // namespace

class TestImportRunner : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void importsWithProgressAndReport();
    void eventLoopKeepsTurningDuringLargeImport();
    void cancelLeavesCaseUnchanged();
    void destroyingRunnerMidImportRollsBack();
    void secondStartWhileRunningIsRefused();
    void importLogTipsShowMarkupAsText();

private:
    QString write(const QString &name, const QByteArray &bytes);
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_case;
    QString m_large;
    int m_caseNumber = 0;
};

QString TestImportRunner::write(const QString &name, const QByteArray &bytes)
{
    const QString path = m_dir->filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size())
        return {};
    return path;
}

void TestImportRunner::initTestCase()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    // Large enough that reading it takes a good fraction of a second even on a fast machine.
    m_large = write(QStringLiteral("large.csv"), purviewCsv(60000, 1000000));
    QVERIFY(!m_large.isEmpty());
}

void TestImportRunner::init()
{
    m_case = m_dir->filePath(QStringLiteral("case%1.mpcase").arg(++m_caseNumber));
}

void TestImportRunner::importsWithProgressAndReport()
{
    const QString small = write(QStringLiteral("small.csv"), purviewCsv(500));
    const QString junk = write(QStringLiteral("junk.txt"), "this is not a log export\n");
    ImportRunner runner;
    QSignalSpy started(&runner, &ImportRunner::started);
    QSignalSpy progress(&runner, &ImportRunner::progress);
    QSignalSpy finished(&runner, &ImportRunner::finished);
    QVERIFY(runner.start(m_case, {small, m_large, junk}));
    QVERIFY(runner.isRunning());
    QCOMPARE(started.count(), 1);
    QCOMPARE(started.first().at(0).toInt(), 3);
    QVERIFY(finished.wait(120000));
    QVERIFY(!runner.isRunning());

    QVERIFY(progress.count() >= 2);
    qint64 lastRecords = 0;
    int lastFile = 0;
    for (const QList<QVariant> &args : progress) {
        const auto p = args.at(0).value<ImportProgress>();
        QCOMPARE(p.fileCount, 3);
        QVERIFY(p.fileIndex >= lastFile);
        QVERIFY(p.recordsRead >= lastRecords); // across files, never going back
        QVERIFY(p.bytesDone <= p.bytesTotal);
        lastRecords = p.recordsRead;
        lastFile = p.fileIndex;
    }
    QVERIFY(lastRecords > 500);
    QVERIFY(lastRecords <= 60500);

    const auto report = finished.first().at(0).value<ImportReport>();
    QCOMPARE(finished.first().at(1).toBool(), false);
    QCOMPARE(report.files.size(), std::size_t(3));
    QCOMPARE(report.files[0].status, FileReport::Status::Imported);
    QCOMPARE(report.files[1].status, FileReport::Status::Imported);
    QCOMPARE(report.files[2].status, FileReport::Status::Unrecognised);
    QCOMPARE(report.files[1].source.imported, 60000);
    QCOMPARE(caseState(m_case).events, 60500);
}

void TestImportRunner::eventLoopKeepsTurningDuringLargeImport()
{
    ImportRunner runner;
    QSignalSpy finished(&runner, &ImportRunner::finished);
    int ticks = 0;
    qint64 longestGap = 0;
    QElapsedTimer clock;
    QTimer timer;
    timer.setInterval(10);
    connect(&timer, &QTimer::timeout, this, [&] {
        longestGap = std::max(longestGap, clock.restart());
        ++ticks;
    });
    QElapsedTimer importTime;
    importTime.start();
    QVERIFY(runner.start(m_case, {m_large}));
    clock.start();
    timer.start();
    QVERIFY(finished.wait(120000));
    timer.stop();
    const qint64 elapsed = importTime.elapsed();
    qInfo("import took %lld ms; %d timer ticks, longest gap %lld ms", elapsed, ticks, longestGap);
    QCOMPARE(finished.first().at(0).value<ImportReport>().files.front().status, FileReport::Status::Imported);
    // Had the import run on this thread, the timer could not have fired until it ended.
    QVERIFY(elapsed > 100);
    QVERIFY2(ticks >= elapsed / 10 / 4, qPrintable(QStringLiteral("%1 ticks in %2 ms").arg(ticks).arg(elapsed)));
    QVERIFY2(longestGap < std::max<qint64>(250, elapsed / 4), qPrintable(QStringLiteral("gap %1 ms").arg(longestGap)));
}

void TestImportRunner::cancelLeavesCaseUnchanged()
{
    const QString small = write(QStringLiteral("first.csv"), purviewCsv(300, 5000000));
    {
        ImportRunner runner;
        QSignalSpy finished(&runner, &ImportRunner::finished);
        QVERIFY(runner.start(m_case, {small}));
        QVERIFY(finished.wait(60000));
    }
    const CaseState before = caseState(m_case);
    QCOMPARE(before.events, 300);

    ImportRunner runner;
    QSignalSpy finished(&runner, &ImportRunner::finished);
    connect(&runner, &ImportRunner::progress, &runner, [&](const ImportProgress &p) {
        if (p.recordsRead > 0)
            runner.cancel();
    });
    QVERIFY(runner.start(m_case, {m_large}));
    QVERIFY(finished.wait(120000));
    QCOMPARE(finished.first().at(1).toBool(), true);
    const auto report = finished.first().at(0).value<ImportReport>();
    QCOMPARE(report.files.front().status, FileReport::Status::Cancelled);
    QVERIFY(caseState(m_case) == before);
}

void TestImportRunner::destroyingRunnerMidImportRollsBack()
{
    {
        ImportRunner runner;
        QSignalSpy progress(&runner, &ImportRunner::progress);
        QVERIFY(runner.start(m_case, {m_large}));
        QVERIFY(progress.wait(60000));
        // Leaving the scope cancels and waits for the worker.
    }
    QCOMPARE(caseState(m_case).events, 0);
    QVERIFY(caseState(m_case).sources.empty());
}

void TestImportRunner::secondStartWhileRunningIsRefused()
{
    ImportRunner runner;
    QSignalSpy finished(&runner, &ImportRunner::finished);
    QVERIFY(runner.start(m_case, {m_large}));
    QVERIFY(!runner.start(m_case, {m_large}));
    runner.cancel();
    QVERIFY(finished.wait(60000));
    QCOMPARE(finished.count(), 1);
    // Once finished, the runner takes the next import.
    const QString small = write(QStringLiteral("again.csv"), purviewCsv(50, 7000000));
    QVERIFY(runner.start(m_case, {small}));
    QVERIFY(finished.wait(60000));
    QCOMPARE(caseState(m_case).events, 50);
}

// File names come from archives and reasons quote a file's own columns: attacker-controlled.
// Qt renders a tool tip that looks like markup as rich text; the Import log's tips show it as
// the text it is.
void TestImportRunner::importLogTipsShowMarkupAsText()
{
    ImportReport report;
    FileReport f;
    f.path = "/cases/handover.zip/<img src=x>.csv";
    f.status = FileReport::Status::Skipped;
    f.error = "not a log export: unrecognised CSV columns (<b>bold</b>, a & b)";
    report.files.push_back(f);
    ImportLogModel model;
    model.addImportOutcome(report);
    int row = -1;
    for (int r = 0; r < model.rowCount(); ++r) {
        if (model.index(r, ImportLogModel::File).data().toString() == QLatin1String("<img src=x>.csv"))
            row = r;
    }
    QVERIFY(row >= 0);
    const auto shown = [&](int column) {
        QTextDocument rendered;
        rendered.setHtml(model.index(row, column).data(Qt::ToolTipRole).toString());
        return rendered.toPlainText();
    };
    QCOMPARE(shown(ImportLogModel::File), QStringLiteral("/cases/handover.zip/<img src=x>.csv"));
    QCOMPARE(shown(ImportLogModel::Reason),
             QStringLiteral("skipped, not a log export: unrecognised CSV columns (<b>bold</b>, a & b)"));
}

QTEST_MAIN(TestImportRunner)
#include "tst_importrunner.moc"
