// The command line as scripts use it: exit codes, summaries, idempotent re-import, filters and
// safe output. Runs the commands in-process on files the test writes itself.
#include "cli/cli.h"
#include "ingest/importer.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <sstream>

using namespace mp;

namespace {

struct Result
{
    int code;
    QByteArray out;
    QByteArray err;
};

Result runCli(const QStringList &args)
{
    std::vector<std::string> argv;
    for (const QString &a : args)
        argv.push_back(a.toStdString());
    std::ostringstream out, err;
    const int code = cli::run(argv, out, err);
    return {code, QByteArray::fromStdString(out.str()), QByteArray::fromStdString(err.str())};
}

QString auditRecord(const QString &id, const QString &time, const QString &op, const QString &user,
                    const QString &ip, const QString &extra = {})
{
    QString json = QStringLiteral(R"({"CreationTime":"%1","Id":"%2","Operation":"%3","RecordType":2,"UserId":"%4","Workload":"Exchange","ClientIP":"%5"%6})")
                       .arg(time, id, op, user, ip, extra);
    json.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return QStringLiteral("%1,%2,2,%3,%4,\"%5\",,\r\n").arg(id, time, op, user, json);
}

const QString kPurviewHeader = QStringLiteral(
    "RecordId,CreationDate,RecordType,Operation,UserId,AuditData,AssociatedAdminUnits,AssociatedAdminUnitsNames\r\n");

} // namespace

class TestCli : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void usageErrorsExitTwo_data();
    void usageErrorsExitTwo();
    void versionAndHelp();
    void ingestReportsFormatAndCounts();
    void reimportChangesNothing();
    void overlappingExportsStoreRecordsOnce();
    void unreadableFileDoesNotStopOthers();
    void ingestWalksAFolder();
    void rejectedRowsNamedWithFileAndLine();
    void eventsFilters_data();
    void eventsFilters();
    void eventsCsvNeutralisesFormulas();
    void recordShowsOriginalText();
    void cancelledImportLeavesCaseUnchanged();
    void bulkImport_data();
    void bulkImport();

private:
    QString write(const QString &name, const QString &text);
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_case;
    QString m_purview;
};

QString TestCli::write(const QString &name, const QString &text)
{
    const QString path = m_dir->filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return {};
    f.write(text.toUtf8());
    return path;
}

void TestCli::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_case = m_dir->filePath(QStringLiteral("case.mpcase"));
    m_purview = write(QStringLiteral("audit.csv"),
                      kPurviewHeader
                          + auditRecord(QStringLiteral("a1"), QStringLiteral("2024-03-01T10:00:00"), QStringLiteral("UserLoggedIn"), QStringLiteral("Alice@Contoso.com"), QStringLiteral("203.0.113.5:4431"))
                          + auditRecord(QStringLiteral("a2"), QStringLiteral("2024-03-01T10:05:00"), QStringLiteral("New-InboxRule"), QStringLiteral("alice@contoso.com"), QStringLiteral("[2001:db8::7]:443"),
                                        QStringLiteral(R"(,"Parameters":[{"Name":"Name","Value":"."},{"Name":"ForwardTo","Value":"drop@evil.example"}])"))
                          + auditRecord(QStringLiteral("a3"), QStringLiteral("2024-03-01T11:00:00"), QStringLiteral("Send"), QStringLiteral("bob@contoso.com"), QStringLiteral("198.51.100.9"),
                                        QStringLiteral(R"j(,"Item":{"Subject":"=HYPERLINK(\"http://x\")","InternetMessageId":"<m1@x>"})j")));
}

void TestCli::usageErrorsExitTwo_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::newRow("unknown command") << QStringList{QStringLiteral("frobnicate")};
    QTest::newRow("ingest without files") << QStringList{QStringLiteral("ingest"), QStringLiteral("x.mpcase")};
    QTest::newRow("unknown option") << QStringList{QStringLiteral("events"), QStringLiteral("x.mpcase"), QStringLiteral("--bogus")};
    QTest::newRow("bad date order") << QStringList{QStringLiteral("ingest"), QStringLiteral("x.mpcase"), QStringLiteral("f.csv"), QStringLiteral("--date-order"), QStringLiteral("ymd")};
    QTest::newRow("option without value") << QStringList{QStringLiteral("events"), QStringLiteral("x.mpcase"), QStringLiteral("--user")};
    QTest::newRow("bad time") << QStringList{QStringLiteral("events"), QStringLiteral("x.mpcase"), QStringLiteral("--from"), QStringLiteral("yesterday")};
}

void TestCli::usageErrorsExitTwo()
{
    QFETCH(QStringList, args);
    const Result r = runCli(args);
    QCOMPARE(r.code, 2);
    QVERIFY(!r.err.isEmpty());
}

void TestCli::versionAndHelp()
{
    const Result v = runCli({QStringLiteral("--version")});
    QCOMPARE(v.code, 0);
    QVERIFY(v.out.startsWith("mailpivot "));
    const Result h = runCli({QStringLiteral("--help")});
    QCOMPARE(h.code, 0);
    QVERIFY(h.out.contains("ingest"));
    QVERIFY(h.out.contains("events"));
    const Result ih = runCli({QStringLiteral("ingest"), QStringLiteral("--help")});
    QCOMPARE(ih.code, 0);
    QVERIFY(ih.out.contains("--date-order"));
}

void TestCli::ingestReportsFormatAndCounts()
{
    const Result r = runCli({QStringLiteral("ingest"), m_case, m_purview, QStringLiteral("--json")});
    QCOMPARE(r.code, 0);
    const QJsonObject o = QJsonDocument::fromJson(r.out).object();
    const QJsonObject f = o.value(QStringLiteral("files")).toArray().first().toObject();
    QCOMPARE(f.value(QStringLiteral("status")).toString(), QStringLiteral("imported"));
    QCOMPARE(f.value(QStringLiteral("format")).toString(), QStringLiteral("purview-audit-csv"));
    QCOMPARE(f.value(QStringLiteral("records_read")).toInt(), 3);
    QCOMPARE(f.value(QStringLiteral("imported")).toInt(), 3);
    QCOMPARE(f.value(QStringLiteral("rejected")).toInt(), 0);
    QCOMPARE(f.value(QStringLiteral("sha256")).toString().size(), 64);
}

void TestCli::reimportChangesNothing()
{
    QCOMPARE(runCli({QStringLiteral("ingest"), m_case, m_purview}).code, 0);
    const QByteArray before = runCli({QStringLiteral("events"), m_case, QStringLiteral("--json")}).out;
    const Result again = runCli({QStringLiteral("ingest"), m_case, m_purview, QStringLiteral("--json")});
    QCOMPARE(again.code, 0);
    const QJsonObject f = QJsonDocument::fromJson(again.out).object().value(QStringLiteral("files")).toArray().first().toObject();
    QCOMPARE(f.value(QStringLiteral("status")).toString(), QStringLiteral("already-imported"));
    QVERIFY(f.value(QStringLiteral("error")).toString().contains(QStringLiteral("nothing changed")));
    QCOMPARE(runCli({QStringLiteral("events"), m_case, QStringLiteral("--json")}).out, before);
    const QJsonArray sources = QJsonDocument::fromJson(runCli({QStringLiteral("sources"), m_case, QStringLiteral("--json")}).out).array();
    QCOMPARE(sources.size(), 1);
}

void TestCli::overlappingExportsStoreRecordsOnce()
{
    // A second export that repeats record a3 and adds a4: a3 is a duplicate, a4 is new.
    const QString second = write(QStringLiteral("audit2.csv"),
                                 kPurviewHeader
                                     + auditRecord(QStringLiteral("a3"), QStringLiteral("2024-03-01T11:00:00"), QStringLiteral("Send"), QStringLiteral("bob@contoso.com"), QStringLiteral("198.51.100.9"))
                                     + auditRecord(QStringLiteral("a4"), QStringLiteral("2024-03-01T12:00:00"), QStringLiteral("Send"), QStringLiteral("bob@contoso.com"), QStringLiteral("198.51.100.9")));
    const Result r = runCli({QStringLiteral("ingest"), m_case, m_purview, second, QStringLiteral("--json")});
    QCOMPARE(r.code, 0);
    const QJsonObject f = QJsonDocument::fromJson(r.out).object().value(QStringLiteral("files")).toArray().at(1).toObject();
    QCOMPARE(f.value(QStringLiteral("imported")).toInt(), 1);
    QCOMPARE(f.value(QStringLiteral("duplicates")).toInt(), 1);
    QCOMPARE(QJsonDocument::fromJson(runCli({QStringLiteral("events"), m_case, QStringLiteral("--json")}).out).array().size(), 4);
}

void TestCli::unreadableFileDoesNotStopOthers()
{
    const QString garbage = write(QStringLiteral("notes.txt"), QStringLiteral("just some notes\nnothing to see\n"));
    const Result r = runCli({QStringLiteral("ingest"), m_case, m_dir->filePath(QStringLiteral("missing.csv")), garbage, m_purview, QStringLiteral("--json")});
    QCOMPARE(r.code, 1);
    const QJsonArray files = QJsonDocument::fromJson(r.out).object().value(QStringLiteral("files")).toArray();
    QCOMPARE(files.size(), 3);
    QCOMPARE(files[0].toObject().value(QStringLiteral("status")).toString(), QStringLiteral("unreadable"));
    QCOMPARE(files[1].toObject().value(QStringLiteral("status")).toString(), QStringLiteral("unrecognised"));
    QCOMPARE(files[2].toObject().value(QStringLiteral("status")).toString(), QStringLiteral("imported"));
    QCOMPARE(QJsonDocument::fromJson(runCli({QStringLiteral("events"), m_case, QStringLiteral("--json")}).out).array().size(), 3);
}

// A folder is walked through its subfolders (an Azure Monitor storage export is a tree of
// PT1H.json files): its exports import in path order; what is not an export (notes, an empty
// file) is skipped without failing the run; hidden files, the case's own files and linked
// folders are left out.
void TestCli::ingestWalksAFolder()
{
    QVERIFY(QDir(m_dir->path()).mkpath(QStringLiteral("y=2024/m=03/.cache")));
    write(QStringLiteral("notes.txt"), QStringLiteral("just some notes\nnothing to see\n"));
    write(QStringLiteral("y=2024/empty.csv"), QString());
    const QString api = QStringLiteral(
        R"({"CreationTime":"2024-03-01T12:00:00","Id":"m1","Operation":"Send","RecordType":2,"UserId":"carol@contoso.com","Workload":"Exchange"})"
        "\n");
    write(QStringLiteral("y=2024/m=03/PT1H.json"), api);
    write(QStringLiteral("y=2024/m=03/.cache/PT1H.json"), QString(api).replace(QStringLiteral("\"m1\""), QStringLiteral("\"m2\"")));
    QCOMPARE(runCli({QStringLiteral("ingest"), m_case, m_purview}).code, 0); // the case now lives in the folder
    // A link back to the top is not followed (the walk would never end).
    QVERIFY(QFile::link(m_dir->path(), m_dir->filePath(QStringLiteral("y=2024/up"))));

    const Result r = runCli({QStringLiteral("ingest"), m_case, m_dir->path(), QStringLiteral("--json")});
    QCOMPARE(r.code, 0);
    const QJsonArray files = QJsonDocument::fromJson(r.out).object().value(QStringLiteral("files")).toArray();
    QStringList seen;
    for (const QJsonValue &f : files)
        seen << QDir(m_dir->path()).relativeFilePath(f.toObject().value(QStringLiteral("path")).toString()) + QLatin1Char('=')
                + f.toObject().value(QStringLiteral("status")).toString();
    QCOMPARE(seen, (QStringList{QStringLiteral("audit.csv=already-imported"), QStringLiteral("notes.txt=skipped"),
                                QStringLiteral("y=2024/empty.csv=skipped"), QStringLiteral("y=2024/m=03/PT1H.json=imported")}));
    QVERIFY(files[1].toObject().value(QStringLiteral("error")).toString().startsWith(QStringLiteral("not a log export: ")));
    QCOMPARE(QJsonDocument::fromJson(runCli({QStringLiteral("events"), m_case, QStringLiteral("--json")}).out).array().size(), 4);

    // A folder with nothing in it is the user's mistake, as a missing file is.
    QVERIFY(QDir(m_dir->path()).mkpath(QStringLiteral("nothing")));
    const Result none = runCli({QStringLiteral("ingest"), m_case, m_dir->filePath(QStringLiteral("nothing"))});
    QCOMPARE(none.code, 1);
    QVERIFY2(none.out.contains("the folder holds no file to import"), none.out.constData());
}

void TestCli::rejectedRowsNamedWithFileAndLine()
{
    const QString bad = write(QStringLiteral("bad.csv"),
                              kPurviewHeader
                                  + auditRecord(QStringLiteral("b1"), QStringLiteral("2024-03-02T10:00:00"), QStringLiteral("Send"), QStringLiteral("carol@contoso.com"), QStringLiteral("192.0.2.1"))
                                  + QStringLiteral("b2,3/2/2024 10:00:00 AM,2,Send,carol@contoso.com,\"{not json\",,\r\n")
                                  + auditRecord(QStringLiteral("b3"), QStringLiteral("2024-03-02T10:10:00"), QStringLiteral("Send"), QStringLiteral("carol@contoso.com"), QStringLiteral("192.0.2.1")));
    const Result r = runCli({QStringLiteral("ingest"), m_case, bad});
    QCOMPARE(r.code, 0); // the file was read; one row was not
    QVERIFY2(r.out.contains("rejected 1"), r.out.constData());
    QVERIFY2(r.out.contains((bad + QStringLiteral(":3: AuditData")).toUtf8()), r.out.constData());
    QCOMPARE(QJsonDocument::fromJson(runCli({QStringLiteral("events"), m_case, QStringLiteral("--json")}).out).array().size(), 2);
}

void TestCli::eventsFilters_data()
{
    QTest::addColumn<QStringList>("filter");
    QTest::addColumn<QStringList>("expectedIds");
    QTest::newRow("user, any case") << QStringList{QStringLiteral("--user"), QStringLiteral("ALICE@contoso.com")} << QStringList{QStringLiteral("a1"), QStringLiteral("a2")};
    QTest::newRow("ip with port") << QStringList{QStringLiteral("--ip"), QStringLiteral("203.0.113.5:999")} << QStringList{QStringLiteral("a1")};
    QTest::newRow("bracketed v6") << QStringList{QStringLiteral("--ip"), QStringLiteral("2001:DB8::7")} << QStringList{QStringLiteral("a2")};
    QTest::newRow("operation") << QStringList{QStringLiteral("--operation"), QStringLiteral("new-inboxrule")} << QStringList{QStringLiteral("a2")};
    QTest::newRow("time range") << QStringList{QStringLiteral("--from"), QStringLiteral("2024-03-01T10:01:00Z"), QStringLiteral("--to"), QStringLiteral("2024-03-01T11:00:00Z")} << QStringList{QStringLiteral("a2")};
}

void TestCli::eventsFilters()
{
    QFETCH(QStringList, filter);
    QFETCH(QStringList, expectedIds);
    QCOMPARE(runCli({QStringLiteral("ingest"), m_case, m_purview}).code, 0);
    const Result r = runCli(QStringList{QStringLiteral("events"), m_case, QStringLiteral("--json")} + filter);
    QCOMPARE(r.code, 0);
    QStringList ids;
    for (const QJsonValue &v : QJsonDocument::fromJson(r.out).array()) {
        const QJsonObject o = v.toObject();
        ids << o.value(QStringLiteral("record_id")).toString();
        QVERIFY(o.value(QStringLiteral("source")).toObject().value(QStringLiteral("line")).toInt() >= 2);
        QCOMPARE(o.value(QStringLiteral("source")).toObject().value(QStringLiteral("file")).toString(), QStringLiteral("audit.csv"));
    }
    QCOMPARE(ids, expectedIds);
}

void TestCli::eventsCsvNeutralisesFormulas()
{
    QCOMPARE(runCli({QStringLiteral("ingest"), m_case, m_purview}).code, 0);
    const Result r = runCli({QStringLiteral("events"), m_case, QStringLiteral("--csv")});
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.contains("\"'=HYPERLINK(\"\"http://x\"\")\""), r.out.constData());
    QVERIFY(!r.out.contains(",\"=HYPERLINK"));
}

void TestCli::recordShowsOriginalText()
{
    QCOMPARE(runCli({QStringLiteral("ingest"), m_case, m_purview}).code, 0);
    const QJsonArray events = QJsonDocument::fromJson(runCli({QStringLiteral("events"), m_case, QStringLiteral("--json"), QStringLiteral("--operation"), QStringLiteral("New-InboxRule")}).out).array();
    QCOMPARE(events.size(), 1);
    const QString id = QString::number(events[0].toObject().value(QStringLiteral("id")).toInteger());
    const Result r = runCli({QStringLiteral("record"), m_case, id});
    QCOMPARE(r.code, 0);
    QFile f(m_purview);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray line = f.readAll().split('\n').at(2).trimmed();
    QVERIFY2(r.out.startsWith(QByteArray(line + '\n')), r.out.constData());
    QVERIFY(r.out.contains("audit.csv:3"));
}

void TestCli::cancelledImportLeavesCaseUnchanged()
{
    // A big file, cancelled part-way: nothing of it may remain, and what was imported before stays.
    QCOMPARE(runCli({QStringLiteral("ingest"), m_case, m_purview}).code, 0);
    QString big = kPurviewHeader;
    for (int i = 0; i < 20000; ++i)
        big += auditRecord(QStringLiteral("c%1").arg(i), QStringLiteral("2024-03-03T10:00:00"), QStringLiteral("Send"), QStringLiteral("dave@contoso.com"), QStringLiteral("192.0.2.9"));
    const QString bigPath = write(QStringLiteral("big.csv"), big);
    CaseStore store;
    std::string error;
    QVERIFY(store.open(m_case.toStdString(), false, &error));
    std::atomic_bool cancel = false;
    ImportOptions options;
    options.cancel = &cancel;
    std::int64_t seen = 0;
    options.progress = [&](std::size_t, std::uint64_t, std::uint64_t, std::int64_t records) {
        seen = records;
        if (records > 5000)
            cancel = true;
    };
    const ImportReport report = importFiles(store, {bigPath.toStdString()}, options);
    QCOMPARE(report.files.size(), std::size_t(1));
    QCOMPARE(report.files[0].status, FileReport::Status::Cancelled);
    QVERIFY(seen > 5000);
    QCOMPARE(store.eventCount(), std::int64_t(3));
    QCOMPARE(store.sources().size(), std::size_t(1));
}

void TestCli::bulkImport_data()
{
    QTest::addColumn<bool>("cancel");
    QTest::newRow("completed") << false;
    QTest::newRow("cancelled") << true;
}

void TestCli::bulkImport()
{
    // Bulk mode drops the secondary indexes and leaves WAL for a rollback journal while it
    // writes; either way the case must come out indexed, in WAL mode, and whole or untouched.
    QFETCH(bool, cancel);
    QString big = kPurviewHeader;
    for (int i = 0; i < 9000; ++i)
        big += auditRecord(QStringLiteral("k%1").arg(i), QStringLiteral("2024-03-04T10:00:00"), QStringLiteral("Send"), QStringLiteral("erin@contoso.com"), QStringLiteral("192.0.2.10"));
    const QString bigPath = write(QStringLiteral("bulk.csv"), big);
    CaseStore store;
    std::string error;
    QVERIFY(store.open(m_case.toStdString(), true, &error));
    std::atomic_bool stop = false;
    ImportOptions options;
    options.bulkBytes = 1024;
    options.cancel = &stop;
    options.progress = [&](std::size_t, std::uint64_t, std::uint64_t, std::int64_t records) {
        if (cancel && records > 4000)
            stop = true;
    };
    const ImportReport report = importFiles(store, {bigPath.toStdString()}, options);
    QCOMPARE(report.files[0].status, cancel ? FileReport::Status::Cancelled : FileReport::Status::Imported);
    QCOMPARE(store.eventCount(), std::int64_t(cancel ? 0 : 9000));
    Statement mode(store.database(), "PRAGMA journal_mode");
    QVERIFY(mode.step());
    QCOMPARE(QString::fromStdString(mode.text(0)), QStringLiteral("wal"));
    Statement indexes(store.database(), "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events'");
    QVERIFY(indexes.step());
    QCOMPARE(indexes.int64(0), std::int64_t(5)); // dedup + time, user, ip, operation
    // The user filter goes through its index and still finds every row.
    EventFilter filter;
    filter.user = "erin@contoso.com";
    std::int64_t found = 0;
    store.forEachEvent(filter, [&](const StoredEvent &) { return ++found, true; });
    QCOMPARE(found, std::int64_t(cancel ? 0 : 9000));
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
