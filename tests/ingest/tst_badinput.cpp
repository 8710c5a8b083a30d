// Bad input never crashes, never hangs and never damages a case: every broken file is reported
// with the status, file, line and reason a user would see, the rows that can be read are read,
// and what the case held before is all still there afterwards.
#include "cli/cli.h"
#include "ingest/formatreader.h"
#include "ingest/importer.h"
#include "ingest/jsonsplitter.h"
#include "ingest/mappedfile.h"
#include "util/textdecode.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QStringEncoder>
#include <QTemporaryDir>
#include <QTest>

#include <archive.h>
#include <archive_entry.h>

#include <cstring>
#include <functional>
#include <memory>
#include <sys/mman.h>
#include <sstream>

using namespace mp;

namespace {

const QByteArray kPurviewHeader =
    "RecordId,CreationDate,RecordType,Operation,UserId,AuditData,AssociatedAdminUnits,AssociatedAdminUnitsNames\r\n";

// One row of a Purview audit search export: the AuditData cell is the record as CSV-quoted JSON.
QByteArray purviewRow(const QByteArray &id, int minute, const QByteArray &extraJson = {})
{
    const QByteArray time = "2024-03-01T10:" + QByteArray::number(minute).rightJustified(2, '0') + ":00";
    QByteArray json = R"({"CreationTime":")" + time + R"(","Id":")" + id
        + R"(","Operation":"Send","RecordType":2,"UserId":"bob@contoso.com","Workload":"Exchange","ClientIP":"198.51.100.9")"
        + extraJson + "}";
    json.replace('"', "\"\"");
    return id + "," + time + ",2,Send,bob@contoso.com,\"" + json + "\",,\r\n";
}

QByteArray purviewCsv(int rows)
{
    QByteArray out = kPurviewHeader;
    for (int i = 0; i < rows; ++i)
        out += purviewRow("p" + QByteArray::number(i), i);
    return out;
}

// One Management Activity API record per line (the form Event Hub and the API's content blobs use).
QByteArray apiRecord(const QByteArray &id, int minute, const QByteArray &operation = "Send")
{
    return R"({"CreationTime":"2024-03-01T11:)" + QByteArray::number(minute).rightJustified(2, '0')
        + R"(:00","Id":")" + id + R"(","Operation":")" + operation
        + R"(","RecordType":2,"UserId":"carol@contoso.com","Workload":"Exchange"})";
}

QByteArray apiLines(const QList<QByteArray> &lines)
{
    QByteArray out;
    for (const QByteArray &l : lines)
        out += l + '\n';
    return out;
}

QByteArray encode(const QByteArray &utf8, QStringConverter::Encoding encoding, bool bom)
{
    QStringEncoder encoder(encoding);
    QByteArray out = encoder(QString::fromUtf8(utf8));
    if (bom)
        out.prepend(encoding == QStringConverter::Utf16LE ? QByteArray("\xFF\xFE", 2) : QByteArray("\xFE\xFF", 2));
    return out;
}

struct CliResult
{
    int code;
    QByteArray out;
};

CliResult runCli(const QStringList &args)
{
    std::vector<std::string> argv;
    for (const QString &a : args)
        argv.push_back(a.toStdString());
    std::ostringstream out, err;
    const int code = cli::run(argv, out, err);
    return {code, QByteArray::fromStdString(out.str() + err.str())};
}

// What the user sees of one file's import, in one line, so that a row compares as a whole.
QString outcome(const FileReport &f)
{
    const std::int64_t line = f.firstRejections.empty() ? 0 : f.firstRejections.front().line;
    return QStringLiteral("status=%1 imported=%2 rejected=%3 first-rejected-line=%4")
        .arg(QString::fromLatin1(statusName(f.status)))
        .arg(f.source.imported)
        .arg(f.source.rejected)
        .arg(line);
}

QString outcome(const char *status, qint64 imported, qint64 rejected, qint64 line)
{
    return QStringLiteral("status=%1 imported=%2 rejected=%3 first-rejected-line=%4")
        .arg(QString::fromLatin1(status))
        .arg(imported)
        .arg(rejected)
        .arg(line);
}

} // namespace

class TestBadInput : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void badFiles_data();
    void badFiles();
    void hugeSingleLine_data();
    void hugeSingleLine();
    void hugeCsvCell();
    void hugeGraphPageIsRecognisedFromItsHead();
    void utf16IsDecodedThroughAnUnnamedFile();
    void archives();
    void invalidUtf8IsStoredAndPrintedAsValidJson();
    void nulInsideJsonString();
    void emptyFolder();
    void fileWithoutReadPermission();
    void cli_data();
    void cli();

private:
    QString write(const QString &name, const QByteArray &bytes);
    FileReport importOne(const QString &path);
    void verifyBaselineIntact();
    std::vector<StoredEvent> eventsOf(std::int64_t sourceId);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<CaseStore> m_store;
    QString m_case;
    std::int64_t m_baselineSource = 0;
};

QString TestBadInput::write(const QString &name, const QByteArray &bytes)
{
    const QString path = m_dir->filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size())
        qFatal("cannot write %s", qPrintable(path));
    return path;
}

FileReport TestBadInput::importOne(const QString &path)
{
    const ImportReport report = importFiles(*m_store, {path.toStdString()}, ImportOptions{});
    if (report.files.size() != 1)
        qFatal("one file in, %zu reports out", report.files.size());
    return report.files.front();
}

std::vector<StoredEvent> TestBadInput::eventsOf(std::int64_t sourceId)
{
    std::vector<StoredEvent> out;
    m_store->forEachEvent({}, [&](const StoredEvent &e) {
        if (e.event.sourceId == sourceId)
            out.push_back(e);
        return true;
    });
    return out;
}

void TestBadInput::init()
{
    // Every row starts from a case that already holds a good import: three Purview records.
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_case = m_dir->filePath(QStringLiteral("case.mpcase"));
    m_store = std::make_unique<CaseStore>();
    std::string error;
    QVERIFY2(m_store->open(m_case.toStdString(), true, &error), error.c_str());
    QByteArray baseline = kPurviewHeader;
    for (int i = 1; i <= 3; ++i)
        baseline += purviewRow("base" + QByteArray::number(i), i);
    const FileReport f = importOne(write(QStringLiteral("baseline.csv"), baseline));
    QCOMPARE(f.status, FileReport::Status::Imported);
    QCOMPARE(f.source.imported, std::int64_t(3));
    m_baselineSource = f.source.id;
}

void TestBadInput::cleanup()
{
    m_store.reset();
    m_dir.reset();
}

void TestBadInput::verifyBaselineIntact()
{
    const auto source = m_store->source(m_baselineSource);
    QVERIFY(source);
    QCOMPARE(source->imported, std::int64_t(3));
    QStringList ids;
    for (const StoredEvent &e : eventsOf(m_baselineSource)) {
        ids << QString::fromStdString(e.event.recordId);
        QVERIFY(m_store->rawRecord(e.id).has_value());
    }
    QCOMPARE(ids, (QStringList{QStringLiteral("base1"), QStringLiteral("base2"), QStringLiteral("base3")}));
}

void TestBadInput::badFiles_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("expected");  // outcome(): status, counts, first rejected line
    QTest::addColumn<QString>("reason");    // in the error (not imported) or the first rejection
    QTest::addColumn<QString>("encoding");  // when it matters
    QTest::addColumn<QStringList>("users"); // of the imported events, in case order, when it matters
    QTest::addColumn<QString>("knownGap");

    const QStringList any;
    QTest::newRow("empty file") << QByteArray() << outcome("unrecognised", 0, 0, 0)
                                << QStringLiteral("the file is empty") << QString() << any << QString();
    // An export of zero results is still evidence (the search found nothing): it is recorded.
    QTest::newRow("only a header") << kPurviewHeader << outcome("imported", 0, 0, 0) << QString() << QString()
                                   << any << QString();
    QTest::newRow("only a header, no newline") << kPurviewHeader.chopped(2) << outcome("imported", 0, 0, 0)
                                               << QString() << QString() << any << QString();

    QTest::newRow("only a UTF-8 BOM") << QByteArray("\xEF\xBB\xBF") << outcome("unrecognised", 0, 0, 0)
                                      << QStringLiteral("neither JSON nor a CSV table with a known header") << QString()
                                      << any << QString();
    QTest::newRow("only line breaks") << QByteArray("\r\n\r\n\n") << outcome("unrecognised", 0, 0, 0)
                                      << QStringLiteral("neither JSON nor a CSV table with a known header") << QString()
                                      << any << QString();
    QTest::newRow("UTF-16LE with an odd byte count") << QByteArray("\xFF\xFER\0e\0c", 7) << outcome("unrecognised", 0, 0, 0)
                                                     << QStringLiteral("neither JSON nor a CSV table with a known header")
                                                     << QString() << any << QString();
    // Nothing in an empty page tells its format (unlike a CSV header), so it cannot be recorded.
    QTest::newRow("empty JSON page") << QByteArray(R"({"@odata.context":"x","value":[]})") << outcome("unrecognised", 0, 0, 0)
                                     << QStringLiteral("JSON with no readable record") << QString() << any << QString();
    QTest::newRow("JSON array of numbers") << QByteArray("[1,2,3]") << outcome("unrecognised", 0, 0, 0)
                                           << QStringLiteral("JSON with no readable record") << QString() << any << QString();
    QTest::newRow("JSON page cut after its opening") << QByteArray(R"({"@odata.context":"x","value":[)")
                                                     << outcome("unrecognised", 0, 0, 0)
                                                     << QStringLiteral("JSON with no readable record") << QString() << any
                                                     << QString();
    QTest::newRow("JSON array with a doubled comma")
        << "[" + apiRecord("d1", 1) + ",," + apiRecord("d2", 2) + "]" << outcome("imported", 2, 1, 1)
        << QStringLiteral("invalid JSON") << QString() << any << QString();

    QByteArray random(65536, '\0');
    QRandomGenerator generator(42);
    for (char &c : random)
        c = static_cast<char>(generator.bounded(256));
    QTest::newRow("random bytes") << random << outcome("unrecognised", 0, 0, 0)
                                  << QStringLiteral("binary data, not a text export") << QString() << any << QString();
    QTest::newRow("PNG header") << QByteArray("\x89PNG\r\n\x1A\n\0\0\0\rIHDR\0\0\x01\0", 20) + QByteArray(200, 'x')
                                << outcome("unrecognised", 0, 0, 0) << QStringLiteral("binary data, not a text export")
                                << QString() << any << QString();
    // A zip is opened as an archive (see archives()); one that is garbage past its header is
    // reported as such.
    QTest::newRow("zip header, then garbage") << QByteArray("PK\x03\x04\x14\0\x06\0", 8) + QByteArray(200, 'x')
                                              << outcome("unreadable", 0, 0, 0)
                                              << QStringLiteral("cannot read the archive: ") << QString() << any << QString();

    QTest::newRow("100k nested arrays") << QByteArray(100000, '[') + QByteArray(100000, ']')
                                        << outcome("unrecognised", 0, 0, 0)
                                        << QStringLiteral("JSON with no readable record") << QString() << any << QString();
    QTest::newRow("100k unclosed arrays") << QByteArray(100000, '[') << outcome("unrecognised", 0, 0, 0)
                                          << QStringLiteral("JSON with no readable record") << QString() << any << QString();
    QTest::newRow("100k nested arrays inside one JSON line")
        << apiLines({apiRecord("n1", 1),
                     R"({"CreationTime":"2024-03-01T11:02:00","Id":"n2","Operation":"Send","Parameters":)"
                         + QByteArray(100000, '[') + QByteArray(100000, ']') + "}",
                     apiRecord("n3", 3)})
        << outcome("imported", 2, 1, 2) << QStringLiteral("invalid JSON") << QString() << any << QString();
    QTest::newRow("100k nested arrays inside a CSV cell")
        << kPurviewHeader + purviewRow("c1", 1) + "c2,2024-03-01T10:02:00,2,Send,bob@contoso.com,\""
               + QByteArray(100000, '[') + QByteArray(100000, ']') + "\",,\r\n" + purviewRow("c3", 3)
        << outcome("imported", 2, 1, 3) << QStringLiteral("AuditData is not a JSON object") << QString() << any << QString();

    // A raw NUL is not JSON (control characters must be escaped) and no text export holds one.
    // Seen in the first 64 KiB the whole file is taken for binary; further in, only its record
    // is rejected.
    QByteArray nulRecord = apiRecord("z2", 2);
    nulRecord.replace("Send", QByteArray("Se\0nd", 5));
    QTest::newRow("raw NUL inside a JSON string, at the start")
        << apiLines({apiRecord("z1", 1), nulRecord, apiRecord("z3", 3)}) << outcome("unrecognised", 0, 0, 0)
        << QStringLiteral("binary data, not a text export") << QString() << any << QString();
    QList<QByteArray> longLines;
    for (int i = 0; i < 1000; ++i)
        longLines << apiRecord("y" + QByteArray::number(i), i % 60);
    longLines << nulRecord << apiRecord("y-last", 59);
    QTest::newRow("raw NUL inside a JSON string, after 64 KiB")
        << apiLines(longLines) << outcome("imported", 1001, 1, 1001) << QStringLiteral("invalid JSON") << QString()
        << any << QString();

    const QByteArray three = purviewCsv(3);
    QTest::newRow("UTF-16LE with BOM") << encode(three, QStringConverter::Utf16LE, true) << outcome("imported", 3, 0, 0)
                                       << QString() << QStringLiteral("utf-16le") << any << QString();
    QTest::newRow("UTF-16LE without BOM") << encode(three, QStringConverter::Utf16LE, false)
                                          << outcome("imported", 3, 0, 0) << QString() << QStringLiteral("utf-16le") << any
                                          << QString();
    QTest::newRow("UTF-16BE with BOM") << encode(three, QStringConverter::Utf16BE, true) << outcome("imported", 3, 0, 0)
                                       << QString() << QStringLiteral("utf-16be") << any << QString();
    QTest::newRow("UTF-16BE without BOM") << encode(three, QStringConverter::Utf16BE, false)
                                          << outcome("imported", 3, 0, 0) << QString() << QStringLiteral("utf-16be") << any
                                          << QString();

    // The export stopped while writing the third row's AuditData: that row is rejected, not guessed.
    const QByteArray cut = purviewRow("t3", 3);
    QTest::newRow("CSV truncated inside a quoted cell")
        << purviewCsv(2) + cut.left(cut.indexOf("Operation")) << outcome("imported", 2, 1, 4)
        << QStringLiteral("a quoted cell is not closed before the end of the file (truncated export)") << QString()
        << any << QString();

    // LF, CRLF, CRLF inside a quoted cell, and no newline at the end; UserId is the last column,
    // where a stray CR would stick.
    QTest::newRow("CRLF and LF mixed")
        << QByteArray("TimeGenerated,ClientIP,OfficeWorkload,Operation,Parameters,UserId\r\n"
                      "2024-03-01T10:00:00Z,192.0.2.1,Exchange,Set-Mailbox,,a1@contoso.com\n"
                      "2024-03-01T10:01:00Z,192.0.2.1,Exchange,Set-Mailbox,\"[\r\n  {\"\"Name\"\": \"\"Identity\"\",\r\n"
                      "  \"\"Value\"\": \"\"x\"\"}\r\n]\",a2@contoso.com\r\n"
                      "2024-03-01T10:02:00Z,192.0.2.1,Exchange,Set-Mailbox,,a3@contoso.com\r\n"
                      "2024-03-01T10:03:00Z,192.0.2.1,Exchange,Set-Mailbox,,a4@contoso.com")
        << outcome("imported", 4, 0, 0) << QString() << QString()
        << QStringList{QStringLiteral("a1@contoso.com"), QStringLiteral("a2@contoso.com"),
                       QStringLiteral("a3@contoso.com"), QStringLiteral("a4@contoso.com")}
        << QString();
    // A column name that appears twice: the first one is read (CsvHeader's documented rule).
    QTest::newRow("header with duplicate names")
        << QByteArray("TimeGenerated,UserId,ClientIP,UserId,OfficeWorkload,Operation\r\n"
                      "2024-03-01T10:00:00Z,first@contoso.com,192.0.2.1,second@contoso.com,Exchange,Send\r\n")
        << outcome("imported", 1, 0, 0) << QString() << QString() << QStringList{QStringLiteral("first@contoso.com")}
        << QString();

    QTest::newRow("JSON array truncated mid-record")
        << "[\n" + apiRecord("a1", 1) + ",\n" + apiRecord("a2", 2) + ",\n" + apiRecord("a3", 3).left(60)
        << outcome("imported", 2, 1, 4) << QStringLiteral("the last record is cut off") << QString() << any << QString();
    // A writer that died mid-line and started again: only that line is lost.
    QTest::newRow("JSON lines, one line cut off in the middle")
        << apiLines({apiRecord("l1", 1), apiRecord("l2", 2), apiRecord("l3", 3).left(50), apiRecord("l4", 4),
                     apiRecord("l5", 5)})
        << outcome("imported", 4, 1, 3) << QStringLiteral("cut off") << QString() << any << QString();
    QTest::newRow("JSON lines, one malformed line in the middle")
        << apiLines({apiRecord("m1", 1), apiRecord("m2", 2), apiRecord("m3", 3).replace(",\"Id\"", ",,\"Id\""),
                     apiRecord("m4", 4), apiRecord("m5", 5)})
        << outcome("imported", 4, 1, 3) << QStringLiteral("invalid JSON") << QString() << any << QString();
    // Once hung the importer: a '}' the splitter could not step over.
    QTest::newRow("JSON lines, a stray closing brace")
        << apiLines({apiRecord("s1", 1), "}", apiRecord("s2", 2)}) << outcome("imported", 2, 1, 2)
        << QStringLiteral("invalid JSON") << QString() << any << QString();

    // Rows the directory and Defender readers cannot trust are rejected with the reason.
    QTest::newRow("AuditLogs CSV with a broken TargetResources cell")
        << QByteArray("TimeGenerated,OperationName,Category,Result,InitiatedBy,TargetResources,Id\r\n"
                      "2024-03-01T10:00:00Z,Add member to role,RoleManagement,success,"
                      "\"{\"\"user\"\":{\"\"userPrincipalName\"\":\"\"Eve@Contoso.com\"\"}}\",\"[{\"\"displayName\"\": \",Directory_1\r\n"
                      "2024-03-01T10:01:00Z,Add member to role,RoleManagement,success,"
                      "\"{\"\"user\"\":{\"\"userPrincipalName\"\":\"\"Eve@Contoso.com\"\"}}\",\"[{\"\"displayName\"\":\"\"Global Administrator\"\"}]\",Directory_2\r\n")
        << outcome("imported", 1, 1, 2) << QStringLiteral("targetResources is not valid JSON") << QString()
        << QStringList{QStringLiteral("eve@contoso.com")} << QString();
    QTest::newRow("Defender export with an unreadable Timestamp")
        << apiLines({R"({"Timestamp":"yesterday","ActionType":"LogonSuccess","DeviceName":"pc1","AccountName":"Eve"})",
                     R"({"Timestamp":"2024-03-01T10:00:00Z","ActionType":"LogonSuccess","DeviceName":"pc1","AccountName":"Eve"})"})
        << outcome("imported", 1, 1, 1) << QStringLiteral("unreadable time 'yesterday'") << QString()
        << QStringList{QStringLiteral("eve")} << QString();
    QTest::newRow("unknown JSON") << QByteArray(R"({"foo": 1, "bar": [1, 2]})") << outcome("unrecognised", 0, 0, 0)
                                  << QStringLiteral("unrecognised JSON records (fields foo, bar") << QString() << any
                                  << QString();
    QTest::newRow("unknown CSV") << QByteArray("a,b,c\n1,2,3\n") << outcome("unrecognised", 0, 0, 0)
                                 << QStringLiteral("unrecognised CSV columns (a, b, c") << QString() << any << QString();
}

void TestBadInput::badFiles()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, expected);
    QFETCH(QString, reason);
    QFETCH(QString, encoding);
    QFETCH(QStringList, users);
    QFETCH(QString, knownGap);

    const FileReport f = importOne(write(QStringLiteral("bad-input"), content));
    if (!knownGap.isEmpty())
        QEXPECT_FAIL("", qPrintable(knownGap), Continue);
    QCOMPARE(outcome(f), expected);
    if (!reason.isEmpty()) {
        const QString seen = f.status == FileReport::Status::Imported
            ? (f.firstRejections.empty() ? QString() : QString::fromStdString(f.firstRejections.front().reason))
            : QString::fromStdString(f.error);
        QVERIFY2(seen.contains(reason), qPrintable(QStringLiteral("reason shown: '%1'").arg(seen)));
    }
    if (!encoding.isEmpty())
        QCOMPARE(QString::fromStdString(f.source.encoding), encoding);

    if (f.status == FileReport::Status::Imported) {
        // The case keeps every rejected row with its line, not only the first few of the report.
        std::int64_t rejectedInCase = 0;
        for (const ImportProblem &p : m_store->problems(f.source.id))
            rejectedInCase += p.severity == "rejected";
        QCOMPARE(rejectedInCase, f.source.rejected);
        const auto events = eventsOf(f.source.id);
        QCOMPARE(static_cast<std::int64_t>(events.size()), f.source.imported);
        if (!users.isEmpty()) {
            QStringList seen;
            for (const StoredEvent &e : events)
                seen << QString::fromStdString(e.event.user);
            QCOMPARE(seen, users);
        }
    } else {
        QCOMPARE(m_store->sources().size(), std::size_t(1)); // nothing of the bad file stayed
    }
    QCOMPARE(m_store->eventCount(), 3 + (f.status == FileReport::Status::Imported ? f.source.imported : 0));
    verifyBaselineIntact();
}

void TestBadInput::hugeSingleLine_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("status");
    QTest::addColumn<QString>("reason");
    QTest::newRow("minified JSON array") << QStringLiteral("json") << QStringLiteral("imported") << QString();
    QTest::newRow("text") << QStringLiteral("text") << QStringLiteral("unrecognised")
                          << QStringLiteral("neither JSON nor a CSV table with a known header");
    // 26 million one-letter "columns": detection must not build them all (it once took 1.3 GB).
    QTest::newRow("comma-separated words") << QStringLiteral("commas") << QStringLiteral("unrecognised")
                                           << QStringLiteral("unrecognised CSV columns");
}

void TestBadInput::hugeSingleLine()
{
    // 50 MB on one line with no newline at the end: ConvertTo-Json -Compress output, or garbage.
    QFETCH(QString, kind);
    QFETCH(QString, status);
    QFETCH(QString, reason);
    constexpr qsizetype kSize = 50 * 1024 * 1024;
    QByteArray content;
    content.reserve(kSize + 4096);
    std::int64_t records = 0;
    const QByteArray subject(1000, 's');
    if (kind == QLatin1String("json")) {
        content += '[';
        while (content.size() < kSize) {
            if (records)
                content += ',';
            content += R"({"CreationTime":"2024-03-02T08:00:00","Id":"big)" + QByteArray::number(records)
                + R"(","Operation":"Send","RecordType":2,"UserId":"dave@contoso.com","Item":{"Subject":")" + subject
                + R"("}})";
            ++records;
        }
        content += ']';
    } else if (kind == QLatin1String("text")) {
        content.fill('a', kSize);
    } else {
        while (content.size() < kSize)
            content += "word,";
    }
    QVERIFY(!content.contains('\n'));
    const FileReport f = importOne(write(QStringLiteral("huge-line"), content));
    content.clear();
    QCOMPARE(QString::fromLatin1(statusName(f.status)), status);
    if (f.status == FileReport::Status::Imported) {
        QCOMPARE(f.source.imported, records);
        QCOMPARE(f.source.rejected, std::int64_t(0));
        QCOMPARE(m_store->eventCount(), 3 + records);
    } else {
        QVERIFY2(QString::fromStdString(f.error).contains(reason), f.error.c_str());
    }
    verifyBaselineIntact();
}

void TestBadInput::hugeCsvCell()
{
    // A 20 MB AuditData cell (a mail subject of 20 MB): read whole, and the next row still follows.
    const QByteArray subject(20 * 1024 * 1024, 'x');
    const QByteArray content = kPurviewHeader + purviewRow("h1", 1, R"(,"Item":{"Subject":")" + subject + R"("})")
        + purviewRow("h2", 2);
    const FileReport f = importOne(write(QStringLiteral("huge-cell.csv"), content));
    QCOMPARE(outcome(f), outcome("imported", 2, 0, 0));
    const auto events = eventsOf(f.source.id);
    QCOMPARE(events.size(), std::size_t(2));
    QCOMPARE(events[0].event.subject.size(), static_cast<std::size_t>(subject.size()));
    QCOMPARE(QString::fromStdString(events[1].event.recordId), QStringLiteral("h2"));
    QCOMPARE(events[1].event.line, std::int64_t(3));
    verifyBaselineIntact();
}

// A Graph sign-in page is one JSON object the size of the file. Recognising its format and layout
// must read its head only: walking to the end of a 2 GB export held the whole file in memory, and
// read it three more times, before the first record was parsed. Here everything after the first
// 8 MiB of a 64 MiB view is unreadable: reading it crashes the test.
void TestBadInput::hugeGraphPageIsRecognisedFromItsHead()
{
    constexpr std::size_t kReadable = 8 << 20;
    constexpr std::size_t kSize = 64 << 20;
    void *mapped = mmap(nullptr, kSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    QVERIFY(mapped != MAP_FAILED);
    const std::unique_ptr<void, std::function<void(void *)>> unmap(mapped, [](void *p) { munmap(p, kSize); });
    auto *bytes = static_cast<char *>(mapped);
    QByteArray head = R"({"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#auditLogs/signIns","value":[)";
    for (int i = 0; head.size() < static_cast<qsizetype>(kReadable) - 1000; ++i)
        head += R"({"id":"s)" + QByteArray::number(i)
            + R"(","createdDateTime":"2024-03-01T10:00:00Z","userPrincipalName":"bob@contoso.com","ipAddress":"198.51.100.9","appDisplayName":"Office 365 Exchange Online","status":{"errorCode":0}},)";
    std::memcpy(bytes, head.constData(), static_cast<std::size_t>(head.size()));
    std::memset(bytes + head.size(), ' ', kReadable - static_cast<std::size_t>(head.size()));
    QCOMPARE(mprotect(bytes + kReadable, kSize - kReadable, PROT_NONE), 0);
    const std::string_view text(bytes, kSize);

    QCOMPARE(JsonSplitter::detectLayout(text), JsonLayout::Wrapped);
    const Sniff sniff = sniffText(text);
    QCOMPARE(sniff.layout, JsonLayout::Wrapped);
    QVERIFY(sniff.hasKey("userprincipalname"));
    std::string why;
    const FormatReader *reader = detectFormat(sniff, &why);
    QVERIFY2(reader, why.c_str());
    QCOMPARE(QByteArray(reader->id()), QByteArray("graph-signins-json"));
    JsonSplitter splitter(text);
    JsonSpan span;
    QVERIFY(splitter.next(span));
    QCOMPARE(QByteArray(bytes + span.offset, 8), QByteArray(R"({"id":"s)"));
}

// A UTF-16 export (Windows PowerShell's Out-File) is decoded into an unnamed temporary file and
// mapped, so that a 2 GB one is not held in memory whole. The decoding runs in 4 MiB chunks: a
// surrogate pair split by a chunk boundary must come out whole, and nothing may be left behind
// in the directory.
void TestBadInput::utf16IsDecodedThroughAnUnnamedFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QByteArray utf16("\xFF\xFE", 2);
    constexpr qsizetype kChunk = 4 << 20;
    QByteArray a("a\0", 2);
    while (utf16.size() < kChunk - 2)
        utf16 += a;
    const QByteArray pair("\x3D\xD8\x00\xDE", 4); // U+1F600 as UTF-16LE, straddling the boundary
    utf16 += pair + QByteArray("\n\0z\0", 4);
    QCOMPARE(utf16.indexOf(pair), kChunk - 2);
    const QString path = dir.filePath(QStringLiteral("export.json"));
    QFile out(path);
    QVERIFY(out.open(QIODevice::WriteOnly));
    QCOMPARE(out.write(utf16), utf16.size());
    out.close();

    MappedFile source;
    std::string error;
    QVERIFY(source.open(path.toStdString(), &error));
    MappedFile decoded;
    QVERIFY2(decoded.openDecoded(source, TextEncoding::Utf16LE, dir.path().toStdString(), &error), error.c_str());
    const std::string expected = decodeToUtf8(std::string_view(utf16.constData(), utf16.size()), TextEncoding::Utf16LE);
    QCOMPARE(decoded.bytes().size(), expected.size());
    QVERIFY(decoded.bytes() == expected);
    QVERIFY(decoded.bytes().ends_with("a\xF0\x9F\x98\x80\nz"));
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden), QStringList{QStringLiteral("export.json")});

    MappedFile unwritable;
    QVERIFY(!unwritable.openDecoded(source, TextEncoding::Utf16LE, dir.filePath(QStringLiteral("missing")).toStdString(), &error));
    QVERIFY2(error.find("missing") != std::string::npos, error.c_str());
}

// An archive written with libarchive: "zip", "tar.gz", or "gz" (one compressed file, the first
// member's content).
QByteArray archiveOf(const char *kind, const QList<std::pair<QByteArray, QByteArray>> &members)
{
    archive *a = archive_write_new();
    const QByteArray k(kind);
    if (k == "zip") {
        archive_write_set_format_zip(a);
    } else {
        archive_write_add_filter_gzip(a);
        if (k == "gz")
            archive_write_set_format_raw(a);
        else
            archive_write_set_format_pax_restricted(a);
    }
    QByteArray out(1 << 20, '\0');
    std::size_t used = 0;
    archive_write_open_memory(a, out.data(), static_cast<std::size_t>(out.size()), &used);
    for (const auto &[name, content] : members) {
        archive_entry *e = archive_entry_new();
        archive_entry_set_pathname(e, name.constData());
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_perm(e, 0644);
        archive_entry_set_size(e, content.size());
        archive_write_header(a, e);
        archive_write_data(a, content.constData(), static_cast<std::size_t>(content.size()));
        archive_entry_free(e);
    }
    archive_write_close(a);
    archive_write_free(a);
    out.truncate(static_cast<qsizetype>(used));
    return out;
}

// A customer's hand-over comes zipped: each file in an archive (zip, tar.gz, a single .gz) is a
// source of its own, named archive/member, with the member's own size and SHA-256, so that the
// same export imported loose and zipped is one source; what is not an export is skipped; a
// damaged archive or an Office workbook is reported, never crashes, and leaves the case intact.
void TestBadInput::archives()
{
    const QByteArray csv = purviewCsv(2);
    const QByteArray api = apiLines({apiRecord("k1", 1), apiRecord("k2", 2)});
    const QString zip = write(QStringLiteral("handover.zip"),
                              archiveOf("zip", {{"exports/audit.csv", csv},
                                                {"exports/api/PT1H.json", api},
                                                {"exports/notes.txt", "what the customer sent\n"},
                                                {"__MACOSX/exports/._audit.csv", "fork"},
                                                {".hidden.csv", csv}}));
    ImportReport r = importFiles(*m_store, {zip.toStdString()}, ImportOptions{});
    QStringList seen;
    for (const FileReport &f : r.files)
        seen << QString::fromStdString(f.source.name) + QLatin1Char('=') + QString::fromLatin1(statusName(f.status));
    QCOMPARE(seen, (QStringList{QStringLiteral("handover.zip/exports/audit.csv=imported"),
                                QStringLiteral("handover.zip/exports/api/PT1H.json=imported"),
                                QStringLiteral("handover.zip/exports/notes.txt=skipped")}));
    QVERIFY(r.allRead());
    QCOMPARE(r.files[0].source.size, csv.size());
    QCOMPARE(QByteArray::fromStdString(r.files[0].source.sha256),
             QCryptographicHash::hash(csv, QCryptographicHash::Sha256).toHex());
    QCOMPARE(QString::fromStdString(r.files[0].path), zip + QStringLiteral("/exports/audit.csv"));
    QCOMPARE(m_store->eventCount(), 3 + 2 + 2);
    // Its original text is kept and shown like any file's.
    const auto audit = eventsOf(r.files[0].source.id);
    QCOMPARE(audit.size(), std::size_t(2));
    QVERIFY(m_store->rawRecord(audit[0].id)->find("\"Id\"\":\"\"p0\"\"") != std::string::npos);

    // The same export loose, or in another archive: the same bytes, already imported.
    const FileReport loose = importOne(write(QStringLiteral("audit.csv"), csv));
    QCOMPARE(loose.status, FileReport::Status::AlreadyImported);
    const QString tgz = write(QStringLiteral("again.tar.gz"), archiveOf("tar.gz", {{"./audit.csv", csv}}));
    const FileReport again = importOne(tgz); // `tar -C folder .` names it ./audit.csv: not hidden
    QCOMPARE(again.status, FileReport::Status::AlreadyImported);
    QCOMPARE(QString::fromStdString(again.path), tgz + QStringLiteral("/audit.csv"));

    // A single compressed file is named after itself.
    const FileReport gz = importOne(write(QStringLiteral("more.jsonl.gz"),
                                         archiveOf("gz", {{"data", apiLines({apiRecord("g1", 3)})}})));
    QVERIFY2(gz.status == FileReport::Status::Imported, gz.error.c_str());
    QCOMPARE(QString::fromStdString(gz.source.name), QStringLiteral("more.jsonl.gz/more.jsonl"));
    QCOMPARE(gz.source.imported, 1);

    // An Excel workbook is a zip too: the user is told what to do, not shown its XML parts.
    const FileReport book = importOne(write(QStringLiteral("signins.xlsx"),
                                            archiveOf("zip", {{"[Content_Types].xml", "<Types/>"}, {"xl/workbook.xml", "<workbook/>"}})));
    QCOMPARE(book.status, FileReport::Status::Unrecognised);
    QVERIFY2(book.error.find("save the sheet as CSV") != std::string::npos, book.error.c_str());

    // Cut short in the middle of its first member: that member is reported, then the archive.
    const QByteArray whole = archiveOf("zip", {{"big.csv", purviewCsv(3000)}});
    const QString cut = write(QStringLiteral("cut.zip"), whole.left(whole.size() / 2));
    r = importFiles(*m_store, {cut.toStdString()}, ImportOptions{});
    QVERIFY(!r.allRead());
    QVERIFY(!r.files.empty());
    for (const FileReport &f : r.files)
        QCOMPARE(f.status, FileReport::Status::Unreadable);
    QCOMPARE(m_store->eventCount(), 3 + 2 + 2 + 1);
    verifyBaselineIntact();
}

void TestBadInput::invalidUtf8IsStoredAndPrintedAsValidJson()
{
    // A cell with Latin-1 bytes (an export re-saved by a tool that ignored the encoding): the
    // bytes are kept as they are, and `events --json` still prints valid JSON (U+FFFD for them).
    const QByteArray agent("caf\xE9 \xFF\xFE agent");
    const QByteArray content = "TimeGenerated,UserId,ClientIP,OfficeWorkload,Operation,UserAgent\r\n"
                               "2024-03-01T10:00:00Z,erin@contoso.com,192.0.2.1,Exchange,Send,"
        + agent + "\r\n";
    const FileReport f = importOne(write(QStringLiteral("latin1.csv"), content));
    QCOMPARE(outcome(f), outcome("imported", 1, 0, 0));
    const auto events = eventsOf(f.source.id);
    QCOMPARE(events.size(), std::size_t(1));
    QCOMPARE(QByteArray::fromStdString(events[0].event.userAgent), agent);
    QVERIFY(QByteArray::fromStdString(*m_store->rawRecord(events[0].id)).contains(agent));

    const CliResult r = runCli({QStringLiteral("events"), m_case, QStringLiteral("--json")});
    QCOMPARE(r.code, 0);
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(r.out, &error);
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
    QCOMPARE(doc.array().size(), 4);
    QString printed;
    for (const QJsonValue &v : doc.array()) {
        if (v[QStringLiteral("user")].toString() == QLatin1String("erin@contoso.com"))
            printed = v[QStringLiteral("user_agent")].toString();
    }
    QCOMPARE(printed, QStringLiteral("caf\uFFFD \uFFFD\uFFFD agent"));
    verifyBaselineIntact();
}

void TestBadInput::nulInsideJsonString()
{
    // An escaped NUL (\u0000) is valid JSON: the value keeps it, and the CLI prints it escaped.
    const QByteArray content = apiLines({apiRecord("u1", 1), apiRecord("u2", 2, R"(Se\u0000nd)")});
    const FileReport f = importOne(write(QStringLiteral("nul.jsonl"), content));
    QCOMPARE(outcome(f), outcome("imported", 2, 0, 0));
    const auto events = eventsOf(f.source.id);
    QCOMPARE(events.size(), std::size_t(2));
    QCOMPARE(events[1].event.operation, std::string("Se\0nd", 5));

    const CliResult r = runCli({QStringLiteral("events"), m_case, QStringLiteral("--json")});
    QCOMPARE(r.code, 0);
    QJsonParseError error;
    const QJsonArray printed = QJsonDocument::fromJson(r.out, &error).array();
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
    QCOMPARE(printed.size(), 5);
    QCOMPARE(printed.last()[QStringLiteral("operation")].toString(), QStringView(u"Se\u0000nd", 5).toString());
    verifyBaselineIntact();
}

// A folder is walked for the exports in it (tst_cli); one with nothing in it is reported, as a
// missing file is.
void TestBadInput::emptyFolder()
{
    const QString dir = m_dir->filePath(QStringLiteral("exports"));
    QVERIFY(QDir().mkpath(dir));
    const FileReport f = importOne(dir);
    QCOMPARE(f.status, FileReport::Status::Unreadable);
    QCOMPARE(QString::fromStdString(f.error), QStringLiteral("the folder holds no file to import"));
    QCOMPARE(m_store->sources().size(), std::size_t(1));
    verifyBaselineIntact();
}

void TestBadInput::fileWithoutReadPermission()
{
    const QString path = write(QStringLiteral("locked.csv"), purviewCsv(2));
    QVERIFY(QFile::setPermissions(path, QFileDevice::WriteOwner));
    QFile probe(path);
    if (probe.open(QIODevice::ReadOnly))
        QSKIP("the file is still readable without read permission (running as root?)");
    const FileReport f = importOne(path);
    QCOMPARE(f.status, FileReport::Status::Unreadable);
    QCOMPARE(QString::fromStdString(f.error), QStringLiteral("Permission denied"));
    QCOMPARE(m_store->sources().size(), std::size_t(1));
    verifyBaselineIntact();
}

void TestBadInput::cli_data()
{
    // What a user running `mailpivot ingest` sees: the exit status (0 the file was read, possibly
    // with rejected rows; 1 it could not be read), and the status or the rejected row with
    // FILE:LINE and the reason.
    QTest::addColumn<QString>("name");
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("shown"); // %1 is the file's path
    QTest::addColumn<int>("eventsAfter");
    QTest::newRow("empty file") << QStringLiteral("empty.csv") << QByteArray() << 1
                                << QStringLiteral("%1\n  unrecognised: the file is empty") << 3;
    QTest::newRow("zip") << QStringLiteral("export.xlsx") << QByteArray("PK\x03\x04\x14\0\x06\0", 8) + QByteArray(100, 'x')
                         << 1 << QStringLiteral("%1\n  unreadable: cannot read the archive: ") << 3;
    const QByteArray cut = purviewRow("t3", 3);
    QTest::newRow("truncated CSV") << QStringLiteral("cut.csv") << purviewCsv(2) + cut.left(cut.indexOf("Operation")) << 0
                                   << QStringLiteral("rejected %1:4: a quoted cell is not closed before the end of "
                                                     "the file (truncated export)")
                                   << 5;
    QTest::newRow("broken JSON line") << QStringLiteral("broken.jsonl")
                                      << apiLines({apiRecord("b1", 1), apiRecord("b2", 2).replace(",\"Id\"", ",,\"Id\""),
                                                   apiRecord("b3", 3)})
                                      << 0 << QStringLiteral("rejected %1:2: invalid JSON") << 5;
    QTest::newRow("empty folder") << QStringLiteral("a-folder") << QByteArray() << 1
                                  << QStringLiteral("%1\n  unreadable: the folder holds no file to import") << 3;
}

void TestBadInput::cli()
{
    QFETCH(QString, name);
    QFETCH(QByteArray, content);
    QFETCH(int, exitCode);
    QFETCH(QString, shown);
    QFETCH(int, eventsAfter);
    QString path;
    if (name == QLatin1String("a-folder")) {
        path = m_dir->filePath(name);
        QVERIFY(QDir().mkpath(path));
    } else {
        path = write(name, content);
    }
    m_store.reset(); // the CLI opens the case itself
    const CliResult r = runCli({QStringLiteral("ingest"), m_case, path, QStringLiteral("--geo-dir"), m_dir->path()});
    QCOMPARE(r.code, exitCode);
    QVERIFY2(r.out.contains(shown.arg(path).toUtf8()), r.out.constData());

    const CliResult events = runCli({QStringLiteral("events"), m_case, QStringLiteral("--json")});
    QCOMPARE(events.code, 0);
    QCOMPARE(QJsonDocument::fromJson(events.out).array().size(), eventsAfter);
    m_store = std::make_unique<CaseStore>();
    std::string error;
    QVERIFY2(m_store->open(m_case.toStdString(), false, &error), error.c_str());
    verifyBaselineIntact();
}

QTEST_GUILESS_MAIN(TestBadInput)
#include "tst_badinput.moc"
