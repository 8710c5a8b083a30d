#include "util/textdecode.h"

#include <QtTest>

#include <string>
#include <string_view>

Q_DECLARE_METATYPE(mp::TextEncoding)

namespace {

std::string_view sv(const QByteArray& b)
{
    return std::string_view(b.constData(), static_cast<std::size_t>(b.size()));
}

QByteArray qb(const std::string& s)
{
    return QByteArray(s.data(), static_cast<qsizetype>(s.size()));
}

// UTF-16LE of ASCII text, as a BOM-less writer produces it.
QByteArray utf16le(const QByteArray& ascii)
{
    QByteArray out;
    for (char c : ascii) {
        out.append(c);
        out.append('\0');
    }
    return out;
}

QByteArray utf16be(const QByteArray& ascii)
{
    QByteArray out;
    for (char c : ascii) {
        out.append('\0');
        out.append(c);
    }
    return out;
}

const QByteArray kBomLE("\xFF\xFE", 2);
const QByteArray kBomBE("\xFE\xFF", 2);
const QByteArray kBom8("\xEF\xBB\xBF", 3);
const QByteArray kFffd("\xEF\xBF\xBD", 3);
const QByteArray kCsvHead("RecordId,CreationDate,RecordType,Operation,UserId,AuditData\r\n");

} // namespace

class TestTextDecode : public QObject
{
    Q_OBJECT

private slots:
    void detect_data();
    void detect();
    void bom_data();
    void bom();
    void decode_data();
    void decode();
    void chunkedMatchesWhole_data();
    void chunkedMatchesWhole();
    void binary_data();
    void binary();
};

void TestTextDecode::detect_data()
{
    QTest::addColumn<QByteArray>("head");
    QTest::addColumn<mp::TextEncoding>("enc");
    QTest::newRow("empty") << QByteArray() << mp::TextEncoding::Utf8;
    QTest::newRow("plain csv") << kCsvHead << mp::TextEncoding::Utf8;
    QTest::newRow("utf8 bom") << (kBom8 + kCsvHead) << mp::TextEncoding::Utf8Bom;
    QTest::newRow("utf8 bom only") << kBom8 << mp::TextEncoding::Utf8Bom;
    QTest::newRow("utf16le bom (PowerShell 5.1 Out-File)") << (kBomLE + utf16le(kCsvHead)) << mp::TextEncoding::Utf16LE;
    QTest::newRow("utf16be bom") << (kBomBE + utf16be(kCsvHead)) << mp::TextEncoding::Utf16BE;
    QTest::newRow("utf16le no bom") << utf16le(kCsvHead) << mp::TextEncoding::Utf16LE;
    QTest::newRow("utf16be no bom") << utf16be(kCsvHead) << mp::TextEncoding::Utf16BE;
    QTest::newRow("utf16le no bom, one unit") << utf16le("[") << mp::TextEncoding::Utf16LE;
    QTest::newRow("utf16le no bom, odd length") << (utf16le("{\"a\"") + "x") << mp::TextEncoding::Utf16LE;
    QTest::newRow("utf16le with non-latin text") << (utf16le("Subject: ") + QByteArray("\x42\x30\x44\x30", 4) + utf16le(" ok"))
                                                 << mp::TextEncoding::Utf16LE;
    QTest::newRow("all zero bytes") << QByteArray(64, '\0') << mp::TextEncoding::Utf8;
    QTest::newRow("single byte") << QByteArray("{") << mp::TextEncoding::Utf8;
    QTest::newRow("a few stray nuls") << QByteArray("abc\0defghijklmnop", 17) << mp::TextEncoding::Utf8;
}

void TestTextDecode::detect()
{
    QFETCH(QByteArray, head);
    QFETCH(mp::TextEncoding, enc);
    QCOMPARE(mp::detectEncoding(sv(head)), enc);
}

void TestTextDecode::bom_data()
{
    QTest::addColumn<QByteArray>("head");
    QTest::addColumn<mp::TextEncoding>("enc");
    QTest::addColumn<int>("length");
    QTest::addColumn<bool>("present");
    QTest::newRow("utf8") << kCsvHead << mp::TextEncoding::Utf8 << 0 << false;
    QTest::newRow("utf8 bom") << (kBom8 + "x") << mp::TextEncoding::Utf8Bom << 3 << true;
    QTest::newRow("utf16le bom") << (kBomLE + utf16le("x")) << mp::TextEncoding::Utf16LE << 2 << true;
    QTest::newRow("utf16le no bom") << utf16le("x") << mp::TextEncoding::Utf16LE << 2 << false;
    QTest::newRow("utf16be bom") << (kBomBE + utf16be("x")) << mp::TextEncoding::Utf16BE << 2 << true;
    QTest::newRow("utf16be no bom") << utf16be("x") << mp::TextEncoding::Utf16BE << 2 << false;
}

void TestTextDecode::bom()
{
    QFETCH(QByteArray, head);
    QFETCH(mp::TextEncoding, enc);
    QFETCH(int, length);
    QFETCH(bool, present);
    QCOMPARE(mp::bomLength(enc), static_cast<std::size_t>(length));
    QCOMPARE(mp::hasBom(sv(head), enc), present);
}

void TestTextDecode::decode_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<mp::TextEncoding>("enc");
    QTest::addColumn<QByteArray>("utf8");
    QTest::newRow("utf8 passthrough") << kCsvHead << mp::TextEncoding::Utf8 << kCsvHead;
    QTest::newRow("utf8 bom dropped") << (kBom8 + "[1]") << mp::TextEncoding::Utf8Bom << QByteArray("[1]");
    QTest::newRow("utf8 bom dropped even if told Utf8") << (kBom8 + "[1]") << mp::TextEncoding::Utf8 << QByteArray("[1]");
    QTest::newRow("utf8 invalid bytes kept") << QByteArray("caf\xE9") << mp::TextEncoding::Utf8 << QByteArray("caf\xE9");
    QTest::newRow("utf8 empty") << QByteArray() << mp::TextEncoding::Utf8 << QByteArray();
    QTest::newRow("le bom dropped") << (kBomLE + utf16le("Id,Op\r\n")) << mp::TextEncoding::Utf16LE << QByteArray("Id,Op\r\n");
    QTest::newRow("le no bom") << utf16le("Id,Op") << mp::TextEncoding::Utf16LE << QByteArray("Id,Op");
    QTest::newRow("be bom dropped") << (kBomBE + utf16be("Id")) << mp::TextEncoding::Utf16BE << QByteArray("Id");
    QTest::newRow("le two-byte utf8") << QByteArray("\xE9\x00", 2) << mp::TextEncoding::Utf16LE << QByteArray("\xC3\xA9");
    QTest::newRow("le three-byte utf8 (euro)") << QByteArray("\xAC\x20", 2) << mp::TextEncoding::Utf16LE << QByteArray("\xE2\x82\xAC");
    QTest::newRow("be three-byte utf8 (euro)") << QByteArray("\x20\xAC", 2) << mp::TextEncoding::Utf16BE << QByteArray("\xE2\x82\xAC");
    QTest::newRow("le U+07FF edge") << QByteArray("\xFF\x07", 2) << mp::TextEncoding::Utf16LE << QByteArray("\xDF\xBF");
    QTest::newRow("le U+0800 edge") << QByteArray("\x00\x08", 2) << mp::TextEncoding::Utf16LE << QByteArray("\xE0\xA0\x80");
    QTest::newRow("le U+FFFF") << QByteArray("\xFF\xFF", 2) << mp::TextEncoding::Utf16LE << QByteArray("\xEF\xBF\xBF");
    QTest::newRow("le surrogate pair U+1F600") << QByteArray("\x3D\xD8\x00\xDE", 4) << mp::TextEncoding::Utf16LE
                                               << QByteArray("\xF0\x9F\x98\x80");
    QTest::newRow("be surrogate pair U+1F600") << QByteArray("\xD8\x3D\xDE\x00", 4) << mp::TextEncoding::Utf16BE
                                               << QByteArray("\xF0\x9F\x98\x80");
    QTest::newRow("le U+10FFFF") << QByteArray("\xFF\xDB\xFF\xDF", 4) << mp::TextEncoding::Utf16LE
                                 << QByteArray("\xF4\x8F\xBF\xBF");
    QTest::newRow("lone high at end") << QByteArray("A\x00\x3D\xD8", 4) << mp::TextEncoding::Utf16LE << (QByteArray("A") + kFffd);
    QTest::newRow("lone high then ascii") << QByteArray("\x3D\xD8" "B\x00", 4) << mp::TextEncoding::Utf16LE << (kFffd + "B");
    QTest::newRow("two highs then low") << QByteArray("\x3D\xD8\x3D\xD8\x00\xDE", 6) << mp::TextEncoding::Utf16LE
                                        << (kFffd + QByteArray("\xF0\x9F\x98\x80"));
    QTest::newRow("lone low") << QByteArray("\x00\xDE" "C\x00", 4) << mp::TextEncoding::Utf16LE << (kFffd + "C");
    QTest::newRow("odd length") << QByteArray("A\x00" "B", 3) << mp::TextEncoding::Utf16LE << (QByteArray("A") + kFffd);
    QTest::newRow("one byte") << QByteArray("A") << mp::TextEncoding::Utf16LE << kFffd;
    QTest::newRow("bom only") << kBomLE << mp::TextEncoding::Utf16LE << QByteArray();
    QTest::newRow("empty utf16") << QByteArray() << mp::TextEncoding::Utf16BE << QByteArray();
    QTest::newRow("inner U+FEFF kept") << QByteArray("A\x00\xFF\xFE", 4) << mp::TextEncoding::Utf16LE
                                       << QByteArray("A\xEF\xBB\xBF");
    QTest::newRow("nul code unit kept") << QByteArray("\x00\x00", 2) << mp::TextEncoding::Utf16LE << QByteArray("\0", 1);
}

void TestTextDecode::decode()
{
    QFETCH(QByteArray, bytes);
    QFETCH(mp::TextEncoding, enc);
    QFETCH(QByteArray, utf8);
    QCOMPARE(qb(mp::decodeToUtf8(sv(bytes), enc)), utf8);
}

void TestTextDecode::chunkedMatchesWhole_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<bool>("bigEndian");
    const QByteArray le = kBomLE + utf16le("Id,") + QByteArray("\x3D\xD8\x00\xDE\xE9\x00\xAC\x20", 8)
        + utf16le("\r\n") + QByteArray("\x3D\xD8", 2) + utf16le("x") + QByteArray("\x00\xDE", 2) + "Z";
    const QByteArray be = kBomBE + utf16be("Id,") + QByteArray("\xD8\x3D\xDE\x00\x00\xE9\x20\xAC", 8) + "Z";
    QTest::newRow("le") << le << false;
    QTest::newRow("be") << be << true;
}

// A reader that streams a file in blocks must get the same text wherever the blocks are cut,
// including between the two bytes of a unit and between the halves of a surrogate pair.
void TestTextDecode::chunkedMatchesWhole()
{
    QFETCH(QByteArray, bytes);
    QFETCH(bool, bigEndian);
    const std::string whole = mp::decodeToUtf8(sv(bytes), bigEndian ? mp::TextEncoding::Utf16BE : mp::TextEncoding::Utf16LE);
    QVERIFY(whole.find("Id,") == 0);
    for (qsizetype cut1 = 0; cut1 <= bytes.size(); ++cut1) {
        for (qsizetype cut2 = cut1; cut2 <= bytes.size(); ++cut2) {
            mp::Utf16Decoder d(bigEndian);
            std::string out;
            d.feed(sv(bytes.left(cut1)), out);
            d.feed(sv(bytes.mid(cut1, cut2 - cut1)), out);
            d.feed(sv(bytes.mid(cut2)), out);
            d.finish(out);
            if (out != whole)
                QFAIL(qPrintable(QStringLiteral("cut at %1/%2").arg(cut1).arg(cut2)));
        }
    }
}

void TestTextDecode::binary_data()
{
    QTest::addColumn<QByteArray>("head");
    QTest::addColumn<bool>("binary");
    QTest::newRow("empty") << QByteArray() << false;
    QTest::newRow("csv") << kCsvHead << false;
    QTest::newRow("csv with bom") << (kBom8 + kCsvHead) << false;
    QTest::newRow("json with tabs") << QByteArray("[\r\n\t{\"id\":\t1}\r\n]") << false;
    QTest::newRow("utf8 multibyte text") << QByteArray("Li\xC3\xA8ge,Belgi\xC3\xAB,\xE2\x82\xAC,\xF0\x9F\x98\x80\n") << false;
    QTest::newRow("utf8 cut mid-sequence") << QByteArray("City,Li\xC3") << false;
    QTest::newRow("cp1252 accents are still text") << QByteArray("User,City\r\nmeganb,Li\xE8ge\r\nadele,Z\xFCrich\r\n") << false;
    QTest::newRow("utf16le bom") << (kBomLE + utf16le(kCsvHead)) << false;
    QTest::newRow("utf16le no bom") << utf16le(kCsvHead) << false;
    QTest::newRow("utf16le odd cut") << (kBomLE + utf16le(kCsvHead) + "R") << false;
    QTest::newRow("utf16be no bom") << utf16be(kCsvHead) << false;
    QTest::newRow("xlsx") << QByteArray("PK\x03\x04\x14\x00\x06\x00", 8) << true;
    QTest::newRow("gzip") << QByteArray("\x1F\x8B\x08\x00", 4) << true;
    QTest::newRow("ole xls") << QByteArray("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) << true;
    QTest::newRow("pdf") << QByteArray("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n") << true;
    QTest::newRow("sqlite") << QByteArray("SQLite format 3\0\x10\x00", 18) << true;
    QTest::newRow("nul in utf8") << QByteArray("RecordId,Crea\0tionDate,RecordType,Operation", 43) << true;
    QTest::newRow("control characters") << QByteArray("a\x01\x02\x03\x04\x05\x06\x07\x08\x0E\x0F\x10\x11\x12\x13\x14" "bc") << true;
    // 3 of 15 bytes (20 %) are control characters: well past what any export contains.
    QTest::newRow("a fifth control characters") << QByteArray("ab\x01" "cd\x02" "ef\x03" "ghijkl") << true;
    // One ESC in a line of text (a coloured PowerShell transcript) is still text.
    QTest::newRow("one escape in text") << QByteArray("\x1B[0mRecordId,CreationDate,RecordType,Operation") << false;
    QByteArray noise;
    quint32 x = 2463534242u;
    for (int i = 0; i < 1024; ++i) { // xorshift: reproducible "random" bytes without NULs
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        noise.append(static_cast<char>((x & 0xFF) | 1));
    }
    QTest::newRow("noise") << noise << true;
}

void TestTextDecode::binary()
{
    QFETCH(QByteArray, head);
    QFETCH(bool, binary);
    QCOMPARE(mp::looksBinary(sv(head)), binary);
}

QTEST_GUILESS_MAIN(TestTextDecode)
#include "tst_textdecode.moc"
