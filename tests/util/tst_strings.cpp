#include "util/strings.h"

#include <QtTest>

#include <string>
#include <string_view>

namespace {

std::string_view sv(const QByteArray& b)
{
    return std::string_view(b.constData(), static_cast<std::size_t>(b.size()));
}

} // namespace

class TestStrings : public QObject
{
    Q_OBJECT

private slots:
    void toLower_data();
    void toLower();
    void iequals_data();
    void iequals();
    void trim_data();
    void trim();
    void startsEnds_data();
    void startsEnds();
    void findI_data();
    void findI();
    void hasTermKql_data();
    void hasTermKql();
};

void TestStrings::toLower_data()
{
    QTest::addColumn<QByteArray>("in");
    QTest::addColumn<QByteArray>("out");
    QTest::newRow("empty") << QByteArray() << QByteArray();
    QTest::newRow("upn") << QByteArray("AdeleV@M365x816222.OnMicrosoft.com")
                         << QByteArray("adelev@m365x816222.onmicrosoft.com");
    QTest::newRow("edges of the alphabet") << QByteArray("@AZ[`az{") << QByteArray("@az[`az{");
    // Non-ASCII bytes are left alone: folding them byte-wise would corrupt UTF-8.
    QTest::newRow("utf8 untouched") << QByteArray("\xC3\x84RGER") << QByteArray("\xC3\x84rger");
    QTest::newRow("embedded nul") << QByteArray("A\0B", 3) << QByteArray("a\0b", 3);
}

void TestStrings::toLower()
{
    QFETCH(QByteArray, in);
    QFETCH(QByteArray, out);
    const std::string got = mp::toLowerAscii(sv(in));
    QCOMPARE(QByteArray(got.data(), static_cast<qsizetype>(got.size())), out);
}

void TestStrings::iequals_data()
{
    QTest::addColumn<QByteArray>("a");
    QTest::addColumn<QByteArray>("b");
    QTest::addColumn<bool>("equal");
    QTest::newRow("both empty") << QByteArray() << QByteArray() << true;
    QTest::newRow("case") << QByteArray("ClientIP") << QByteArray("clientip") << true;
    QTest::newRow("different length") << QByteArray("ClientIP") << QByteArray("ClientIPAddress") << false;
    QTest::newRow("different char") << QByteArray("userid") << QByteArray("userip") << false;
    QTest::newRow("empty vs text") << QByteArray() << QByteArray("a") << false;
    // '@' (0x40) and '`' (0x60) differ by the case bit but are not letters.
    QTest::newRow("case bit on non-letters") << QByteArray("@") << QByteArray("`") << false;
    QTest::newRow("bracket vs brace") << QByteArray("[") << QByteArray("{") << false;
}

void TestStrings::iequals()
{
    QFETCH(QByteArray, a);
    QFETCH(QByteArray, b);
    QFETCH(bool, equal);
    QCOMPARE(mp::iequals(sv(a), sv(b)), equal);
    QCOMPARE(mp::iequals(sv(b), sv(a)), equal);
}

void TestStrings::trim_data()
{
    QTest::addColumn<QByteArray>("in");
    QTest::addColumn<QByteArray>("out");
    QTest::newRow("empty") << QByteArray() << QByteArray();
    QTest::newRow("all space") << QByteArray(" \t\r\n ") << QByteArray();
    QTest::newRow("none") << QByteArray("abc") << QByteArray("abc");
    QTest::newRow("both sides") << QByteArray("  Application ID \r\n") << QByteArray("Application ID");
    QTest::newRow("inner space kept") << QByteArray("Autonomous system  number")
                                      << QByteArray("Autonomous system  number");
    QTest::newRow("vertical tab and form feed") << QByteArray("\v\fx\f\v") << QByteArray("x");
    QTest::newRow("quotes are not space") << QByteArray(" \"x\" ") << QByteArray("\"x\"");
}

void TestStrings::trim()
{
    QFETCH(QByteArray, in);
    QFETCH(QByteArray, out);
    const std::string_view got = mp::trim(sv(in));
    QCOMPARE(QByteArray(got.data(), static_cast<qsizetype>(got.size())), out);
}

void TestStrings::startsEnds_data()
{
    QTest::addColumn<QByteArray>("s");
    QTest::addColumn<QByteArray>("affix");
    QTest::addColumn<bool>("starts");
    QTest::addColumn<bool>("ends");
    QTest::newRow("empty affix") << QByteArray("abc") << QByteArray() << true << true;
    QTest::newRow("empty both") << QByteArray() << QByteArray() << true << true;
    QTest::newRow("prefix case") << QByteArray("TimeGenerated [UTC]") << QByteArray("timegenerated") << true << false;
    QTest::newRow("suffix case") << QByteArray("TimeGenerated [UTC]") << QByteArray("[utc]") << false << true;
    QTest::newRow("whole") << QByteArray("SMTP") << QByteArray("smtp") << true << true;
    QTest::newRow("longer affix") << QByteArray("smt") << QByteArray("smtp") << false << false;
    QTest::newRow("mismatch") << QByteArray("smtp:x@y") << QByteArray("sip") << false << false;
}

void TestStrings::startsEnds()
{
    QFETCH(QByteArray, s);
    QFETCH(QByteArray, affix);
    QFETCH(bool, starts);
    QFETCH(bool, ends);
    QCOMPARE(mp::startsWithI(sv(s), sv(affix)), starts);
    QCOMPARE(mp::endsWithI(sv(s), sv(affix)), ends);
}

void TestStrings::findI_data()
{
    QTest::addColumn<QByteArray>("haystack");
    QTest::addColumn<QByteArray>("needle");
    QTest::addColumn<int>("from");
    QTest::addColumn<int>("pos");
    QTest::newRow("found") << QByteArray("Set-Mailbox -ForwardingSmtpAddress") << QByteArray("forwarding") << 0 << 13;
    QTest::newRow("first of two") << QByteArray("abcABC") << QByteArray("abc") << 0 << 0;
    QTest::newRow("from skips first") << QByteArray("abcABC") << QByteArray("abc") << 1 << 3;
    QTest::newRow("at end") << QByteArray("xxAB") << QByteArray("ab") << 0 << 2;
    QTest::newRow("absent") << QByteArray("abc") << QByteArray("abd") << 0 << -1;
    QTest::newRow("needle longer") << QByteArray("ab") << QByteArray("abc") << 0 << -1;
    QTest::newRow("partial at end") << QByteArray("xxa") << QByteArray("ab") << 0 << -1;
    QTest::newRow("empty needle") << QByteArray("abc") << QByteArray() << 2 << 2;
    QTest::newRow("from past end") << QByteArray("abc") << QByteArray("a") << 4 << -1;
    QTest::newRow("empty haystack") << QByteArray() << QByteArray("a") << 0 << -1;
}

void TestStrings::findI()
{
    QFETCH(QByteArray, haystack);
    QFETCH(QByteArray, needle);
    QFETCH(int, from);
    QFETCH(int, pos);
    const std::size_t got = mp::findI(sv(haystack), sv(needle), static_cast<std::size_t>(from));
    QCOMPARE(got == std::string_view::npos ? -1 : static_cast<int>(got), pos);
}

void TestStrings::hasTermKql_data()
{
    QTest::addColumn<QByteArray>("haystack");
    QTest::addColumn<QByteArray>("term");
    QTest::addColumn<bool>("has");
    // The examples of the KQL documentation.
    QTest::newRow("doc: part of a term") << QByteArray("KustoExplorerQueryRun") << QByteArray("Explorer") << false;
    QTest::newRow("doc: whole term") << QByteArray("Kusto: ad67d136-c1db-4f9f-88ef-d94f3b6b0b5a;KustoExplorerQueryRun")
                                     << QByteArray("c1db") << true;
    QTest::newRow("doc: term after ;") << QByteArray("Kusto: ad67d136-c1db-4f9f-88ef-d94f3b6b0b5a;KustoExplorerQueryRun")
                                       << QByteArray("KustoExplorerQueryRun") << true;
    QTest::newRow("case-insensitive") << QByteArray("North America") << QByteArray("america") << true;
    QTest::newRow("whole string") << QByteArray("invoice") << QByteArray("INVOICE") << true;
    QTest::newRow("prefix of term") << QByteArray("invoices due") << QByteArray("invoice") << false;
    QTest::newRow("suffix of term") << QByteArray("reinvoice") << QByteArray("invoice") << false;
    QTest::newRow("later occurrence is whole") << QByteArray("invoices, invoice") << QByteArray("invoice") << true;
    QTest::newRow("digits are term chars") << QByteArray("payment2") << QByteArray("payment") << false;
    QTest::newRow("underscore separates") << QByteArray("wire_transfer") << QByteArray("wire") << true;
    QTest::newRow("punctuation separates") << QByteArray("[\"Wire\",\"Payment\"]") << QByteArray("payment") << true;
    QTest::newRow("multi-token phrase") << QByteArray("Re: urgent WIRE TRANSFER now") << QByteArray("wire transfer") << true;
    QTest::newRow("phrase glued on the right") << QByteArray("wire transfers") << QByteArray("wire transfer") << false;
    QTest::newRow("phrase glued on the left") << QByteArray("rewire transfer") << QByteArray("wire transfer") << false;
    QTest::newRow("phrase separator differs") << QByteArray("wire-transfer") << QByteArray("wire transfer") << false;
    QTest::newRow("term with punctuation edge") << QByteArray("-Name \"x\" -ForwardTo \"a@b\"") << QByteArray("-forwardto") << true;
    QTest::newRow("punctuation edge, glued inside") << QByteArray("x-ForwardTox") << QByteArray("-forwardto") << false;
    QTest::newRow("punctuation-led term after a word") << QByteArray("invoice.EXE") << QByteArray(".exe") << true;
    QTest::newRow("punctuation-trailed term before a word") << QByteArray("smtp:evil@x.com") << QByteArray("SMTP:") << true;
    QTest::newRow("overlapping retry") << QByteArray("xab ab ab") << QByteArray("ab ab") << true;
    QTest::newRow("email term") << QByteArray("ForwardTo: evil@attacker.com;") << QByteArray("evil@attacker.com") << true;
    QTest::newRow("email inside longer") << QByteArray("notevil@attacker.com") << QByteArray("evil@attacker.com") << false;
    QTest::newRow("utf8 letter is not a separator") << QByteArray("\xC3\x9C" "berweisung") << QByteArray("berweisung") << false;
    QTest::newRow("utf8 word found whole") << QByteArray("Bitte \xC3\x9C" "berweisung pr\xC3\xBC" "fen")
                                           << QByteArray("\xC3\x9C" "berweisung") << true;
    QTest::newRow("empty term") << QByteArray("anything") << QByteArray() << false;
    QTest::newRow("empty haystack") << QByteArray() << QByteArray("a") << false;
    QTest::newRow("absent") << QByteArray("hello world") << QByteArray("planet") << false;
    QTest::newRow("short term whole") << QByteArray("a b c") << QByteArray("b") << true;
    QTest::newRow("short term inside") << QByteArray("abc") << QByteArray("b") << false;
}

void TestStrings::hasTermKql()
{
    QFETCH(QByteArray, haystack);
    QFETCH(QByteArray, term);
    QFETCH(bool, has);
    QCOMPARE(mp::hasTermKql(sv(haystack), sv(term)), has);
}

QTEST_GUILESS_MAIN(TestStrings)
#include "tst_strings.moc"
