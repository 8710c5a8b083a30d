// Golden-folder tests for the readers: each folder under tests/data/ingest holds one case.
//   input*.{csv,json,jsonl,txt}  the export(s), imported in name order into a fresh case
//   expected.jsonl                the normalised events, one JSON object per line, in case order
//                                 (the `mailpivot events --json` shape without the event id)
//   expected-import.json          optional: per input file, the format and counts the import reports,
//                                 and the lines of rejected rows
// Each folder is imported three ways: row by row into kept indexes; as a bulk import (indexes
// dropped, duplicates caught in memory, indexes rebuilt at the end); and as a bulk import whose
// in-memory key set holds two keys, so that the unique index takes over mid-file, as it does on
// exports of millions of records. All must give the same case.
// When the events differ, the actual output is written next to the build for review.
#include "ingest/importer.h"
#include "store/database.h"
#include "store/eventformat.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace mp;

class TestGolden : public QObject
{
    Q_OBJECT

private slots:
    void readers_data();
    void readers();
};

void TestGolden::readers_data()
{
    QTest::addColumn<QString>("folder");
    QTest::addColumn<int>("mode"); // 0 row by row, 1 bulk, 2 bulk with a two-key set
    const QDir root(QStringLiteral(MP_TEST_DATA "/ingest"));
    const auto folders = root.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    QVERIFY2(!folders.isEmpty(), "no golden folders found");
    for (const QString &name : folders) {
        QTest::newRow(qPrintable(name)) << root.filePath(name) << 0;
        QTest::newRow(qPrintable(name + QStringLiteral(" (bulk)"))) << root.filePath(name) << 1;
        QTest::newRow(qPrintable(name + QStringLiteral(" (bulk, set full)"))) << root.filePath(name) << 2;
    }
}

void TestGolden::readers()
{
    QFETCH(QString, folder);
    QFETCH(int, mode);
    const QDir dir(folder);
    const auto inputs = dir.entryList({QStringLiteral("input*")}, QDir::Files, QDir::Name);
    QVERIFY2(!inputs.isEmpty(), "folder has no input file");

    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    CaseStore store;
    std::string error;
    QVERIFY2(store.open(tmp.filePath(QStringLiteral("golden.mpcase")).toStdString(), true, &error), error.c_str());

    std::vector<std::string> paths;
    for (const QString &input : inputs)
        paths.push_back(dir.filePath(input).toStdString());
    ImportOptions options; // no GeoIP: golden output depends on the log and the country table only
    if (QFile::exists(dir.filePath(QStringLiteral("date-order-dmy"))))
        options.dateOrder = DateOrder::DayFirst;
    if (mode > 0)
        options.bulkBytes = 0;
    if (mode == 2)
        store.setDedupKeyLimit(2);
    const ImportReport report = importFiles(store, paths, options);

    // Whichever way the rows went in, the case ends with every index of the schema, the record
    // keys unique.
    Statement indexes(store.database(), "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                                        "AND tbl_name = 'events' ORDER BY name");
    QStringList indexNames;
    while (indexes.step()) {
        indexNames << QString::fromStdString(indexes.text(0));
        if (indexNames.back() == QLatin1String("events_dedup"))
            QVERIFY(QString::fromStdString(indexes.text(1)).startsWith(QLatin1String("CREATE UNIQUE INDEX")));
    }
    // A bulk import switches foreign-key checks off for its rows; the case is left checked.
    Statement foreignKeys(store.database(), "PRAGMA foreign_keys");
    QVERIFY(foreignKeys.step());
    QCOMPARE(foreignKeys.int64(0), 1);
    QCOMPARE(indexNames, QStringList({QStringLiteral("events_dedup"), QStringLiteral("events_ip_time"),
                                 QStringLiteral("events_operation_time"), QStringLiteral("events_time"),
                                 QStringLiteral("events_user_time")}));

    // The import summary, when the folder states one.
    QFile importFile(dir.filePath(QStringLiteral("expected-import.json")));
    if (importFile.open(QIODevice::ReadOnly)) {
        const QJsonArray expected = QJsonDocument::fromJson(importFile.readAll()).array();
        QCOMPARE(static_cast<std::size_t>(expected.size()), report.files.size());
        for (qsizetype i = 0; i < expected.size(); ++i) {
            const QJsonObject e = expected[i].toObject();
            const FileReport &f = report.files[static_cast<std::size_t>(i)];
            QCOMPARE(QString::fromLatin1(statusName(f.status)), e.value(QStringLiteral("status")).toString(QStringLiteral("imported")));
            if (e.contains(QStringLiteral("format")))
                QCOMPARE(QString::fromStdString(f.source.format), e.value(QStringLiteral("format")).toString());
            for (const auto &[key, value] : {std::pair{"records_read", f.source.recordsRead},
                                             std::pair{"imported", f.source.imported},
                                             std::pair{"duplicates", f.source.duplicates},
                                             std::pair{"rejected", f.source.rejected}}) {
                if (e.contains(QLatin1String(key)))
                    QCOMPARE(value, e.value(QLatin1String(key)).toInteger());
            }
            if (e.contains(QStringLiteral("date_order")))
                QCOMPARE(QString::fromStdString(f.source.dateOrder), e.value(QStringLiteral("date_order")).toString());
            if (e.contains(QStringLiteral("rejected_lines"))) {
                QJsonArray lines;
                for (const ImportProblem &p : store.problems(f.source.id)) {
                    if (p.severity == "rejected")
                        lines.append(static_cast<qint64>(p.line));
                }
                QCOMPARE(lines, e.value(QStringLiteral("rejected_lines")).toArray());
            }
            if (e.contains(QStringLiteral("warning_contains"))) {
                const QString needle = e.value(QStringLiteral("warning_contains")).toString();
                bool found = false;
                for (const ImportProblem &p : store.problems(f.source.id))
                    found = found || QString::fromStdString(p.reason).contains(needle);
                QVERIFY2(found, qPrintable(QStringLiteral("no warning contains: ") + needle));
            }
        }
    } else {
        QVERIFY2(report.allRead(), "an input could not be read");
    }

    std::map<std::int64_t, std::string> names;
    for (const SourceFile &s : store.sources())
        names[s.id] = s.name;
    QStringList actual;
    JsonWriter w;
    store.forEachEvent({}, [&](const StoredEvent &e) {
        w.clear();
        writeEventJson(w, e, names[e.event.sourceId], false);
        actual << QString::fromStdString(w.text());
        return true;
    });

    QFile expectedFile(dir.filePath(QStringLiteral("expected.jsonl")));
    QVERIFY2(expectedFile.open(QIODevice::ReadOnly), "expected.jsonl is missing");
    QStringList expected;
    for (const QByteArray &line : expectedFile.readAll().split('\n')) {
        if (!line.trimmed().isEmpty())
            expected << QString::fromUtf8(line.trimmed());
    }
    if (actual != expected) {
        const QString out = QDir::temp().filePath(dir.dirName() + QStringLiteral(".actual.jsonl"));
        QFile f(out);
        if (f.open(QIODevice::WriteOnly))
            f.write(actual.join(QLatin1Char('\n')).toUtf8() + '\n');
        for (qsizetype i = 0; i < std::min(actual.size(), expected.size()); ++i) {
            // Compare as JSON so that the message names the first differing line.
            QCOMPARE(QJsonDocument::fromJson(actual[i].toUtf8()).object(),
                     QJsonDocument::fromJson(expected[i].toUtf8()).object());
        }
        QCOMPARE(actual.size(), expected.size());
    }
}

QTEST_GUILESS_MAIN(TestGolden)
#include "tst_golden.moc"
