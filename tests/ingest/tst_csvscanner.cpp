#include "ingest/csvscanner.h"

#include <QtTest>

#include <string>
#include <string_view>
#include <vector>

namespace {

// A cell as an exporter writes it: quoted, every quote doubled.
std::string csvQuoted(std::string_view value)
{
    std::string out = "\"";
    for (const char c : value) {
        out.push_back(c);
        if (c == '"')
            out.push_back('"');
    }
    out.push_back('"');
    return out;
}

QByteArray qb(std::string_view s)
{
    return QByteArray(s.data(), static_cast<qsizetype>(s.size()));
}

} // namespace

// The scanner unescapes quoted cells sixteen bytes at a time; these cases put doubled quotes,
// line breaks and the end of the text on every side of a block boundary.
class TestCsvScanner : public QObject
{
    Q_OBJECT

private slots:
    void doubledQuoteAtEveryOffset();
    void longJsonCellAndLineNumbers();
    void strayTextAfterClosingQuote();
    void truncatedQuotedCell();
};

void TestCsvScanner::doubledQuoteAtEveryOffset()
{
    // A doubled quote at each position of the first blocks, in a cell followed by another cell
    // that also needs unescaping, and with the text ending right after the row or a few bytes on.
    for (std::size_t at = 0; at < 40; ++at) {
        for (const std::string_view tail : {"", "\n", "\r\nx,y\n"}) {
            std::string value(45, 'a');
            value[at] = '"';
            const std::string second = "b\"\"" + std::string(at % 7, 'c');
            const std::string text = csvQuoted(value) + "," + csvQuoted(second) + ",plain" + std::string(tail);
            mp::CsvScanner scanner(text);
            mp::CsvRecord row;
            QVERIFY(scanner.next(row));
            QCOMPARE(row.fields.size(), std::size_t(3));
            QCOMPARE(qb(row.fields[0]), qb(value));
            QCOMPARE(qb(row.fields[1]), qb(second));
            QCOMPARE(qb(row.fields[2]), QByteArray("plain"));
            QVERIFY(!row.unterminatedQuote);
            QCOMPARE(row.line, std::int64_t(1));
            if (tail.size() > 2) {
                QVERIFY(scanner.next(row));
                QCOMPARE(row.line, std::int64_t(2));
                QCOMPARE(qb(row.fields[0]), QByteArray("x"));
            }
            QVERIFY(!scanner.next(row));
        }
    }
}

void TestCsvScanner::longJsonCellAndLineNumbers()
{
    // Pretty-printed JSON of some 20 kB in a cell (more than any scratch buffer starts with),
    // with a line break on most lines: the next row's line number counts every one of them.
    std::string json = "{\n";
    int breaks = 1;
    for (int i = 0; i < 600; ++i) {
        json += "  \"Key" + std::to_string(i) + "\": \"va\\\"lue " + std::to_string(i * 7) + "\",\r\n";
        ++breaks;
    }
    json += "  \"Last\": true\n}";
    ++breaks;
    std::string notes; // line breaks in blocks without a quote
    for (int i = 0; i < 30; ++i)
        notes += "a plain line of notes\n";
    const std::string text = "Id,AuditData\n1," + csvQuoted(json) + "\n2,\"{\"\"a\"\":1}\"\n3," + csvQuoted(notes) + "\n4,x\n";
    mp::CsvScanner scanner(text);
    mp::CsvRecord row;
    QVERIFY(scanner.next(row));
    QVERIFY(scanner.next(row));
    QCOMPARE(row.line, std::int64_t(2));
    QCOMPARE(qb(row.fields[1]), qb(json));
    QCOMPARE(qb(text.substr(row.offset, row.length)), qb("1," + csvQuoted(json)));
    QVERIFY(scanner.next(row));
    QCOMPARE(row.line, std::int64_t(3 + breaks));
    QCOMPARE(qb(row.fields[1]), QByteArray("{\"a\":1}"));
    QVERIFY(scanner.next(row));
    QCOMPARE(qb(row.fields[1]), qb(notes));
    QVERIFY(scanner.next(row));
    QCOMPARE(row.line, std::int64_t(5 + breaks + 30));
    QVERIFY(!scanner.next(row));
}

void TestCsvScanner::strayTextAfterClosingQuote()
{
    // Malformed but seen in hand-edited exports: the text after the closing quote is kept.
    const std::string text = "\"a\"\"b\"cd,\"plain\"ef\r\n\"x\",y";
    mp::CsvScanner scanner(text);
    mp::CsvRecord row;
    QVERIFY(scanner.next(row));
    QCOMPARE(row.fields.size(), std::size_t(2));
    QCOMPARE(qb(row.fields[0]), QByteArray("a\"bcd"));
    QCOMPARE(qb(row.fields[1]), QByteArray("plainef"));
    QVERIFY(scanner.next(row));
    QCOMPARE(qb(row.fields[0]), QByteArray("x"));
    QCOMPARE(qb(row.fields[1]), QByteArray("y"));
}

void TestCsvScanner::truncatedQuotedCell()
{
    // The file ends inside a quoted cell, within and past the first block: what is there is kept,
    // unescaped, and the row is flagged.
    for (const std::size_t length : {3u, 15u, 16u, 17u, 50u}) {
        std::string value(length, 'z');
        value[length / 2] = '"';
        std::string text = "1," + csvQuoted(value);
        text.pop_back(); // the closing quote
        mp::CsvScanner scanner(text);
        mp::CsvRecord row;
        QVERIFY(scanner.next(row));
        QVERIFY(row.unterminatedQuote);
        QCOMPARE(qb(row.fields[1]), qb(value));
        QVERIFY(!scanner.next(row));
    }
}

QTEST_GUILESS_MAIN(TestCsvScanner)
#include "tst_csvscanner.moc"
