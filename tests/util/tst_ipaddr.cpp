#include "util/ipaddr.h"

#include <QtTest>

#include <cstdio>
#include <string>
#include <string_view>

Q_DECLARE_METATYPE(mp::IpScope)

namespace {

std::string_view sv(const QByteArray& b)
{
    return std::string_view(b.constData(), static_cast<std::size_t>(b.size()));
}

QByteArray qb(const std::string& s)
{
    return QByteArray(s.data(), static_cast<qsizetype>(s.size()));
}

QByteArray hex(const mp::IpBytes& b)
{
    return QByteArray(reinterpret_cast<const char*>(b.data()), 16).toHex();
}

} // namespace

class TestIpAddr : public QObject
{
    Q_OBJECT

private slots:
    void normalize_data();
    void normalize();
    void scope_data();
    void scope();
    void bytes_data();
    void bytes();
    void v6TextMatchesReference();
};

void TestIpAddr::normalize_data()
{
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<QByteArray>("canonical"); // empty: not an address

    // IPv4 in the forms the exports use.
    QTest::newRow("v4") << QByteArray("175.45.176.99") << QByteArray("175.45.176.99");
    QTest::newRow("v4 port") << QByteArray("52.225.129.38:43510") << QByteArray("52.225.129.38");
    QTest::newRow("v4 port 0") << QByteArray("1.2.3.4:0") << QByteArray("1.2.3.4");
    QTest::newRow("v4 port 65535") << QByteArray("1.2.3.4:65535") << QByteArray("1.2.3.4");
    QTest::newRow("v4 quoted and spaced") << QByteArray(" \"109.88.218.99\" ") << QByteArray("109.88.218.99");
    QTest::newRow("v4 single quotes, crlf") << QByteArray("'1.1.1.1'\r\n") << QByteArray("1.1.1.1");
    QTest::newRow("v4 leading zeros are decimal") << QByteArray("010.001.002.003") << QByteArray("10.1.2.3");
    QTest::newRow("v4 zeros") << QByteArray("0.0.0.0") << QByteArray("0.0.0.0");
    QTest::newRow("v4 max") << QByteArray("255.255.255.255") << QByteArray("255.255.255.255");
    QTest::newRow("v4 in brackets with port") << QByteArray("[1.2.3.4]:80") << QByteArray("1.2.3.4");
    QTest::newRow("v4-mapped") << QByteArray("::ffff:1.2.3.4") << QByteArray("1.2.3.4");
    QTest::newRow("v4-mapped upper") << QByteArray("::FFFF:175.45.176.99") << QByteArray("175.45.176.99");
    QTest::newRow("v4-mapped hex") << QByteArray("::ffff:102:304") << QByteArray("1.2.3.4");
    QTest::newRow("v4-mapped long form") << QByteArray("0:0:0:0:0:ffff:1.2.3.4") << QByteArray("1.2.3.4");
    QTest::newRow("v4-mapped bracketed with port") << QByteArray("[::ffff:1.2.3.4]:443") << QByteArray("1.2.3.4");

    // IPv6: RFC 5952 text.
    QTest::newRow("v6 loopback") << QByteArray("::1") << QByteArray("::1");
    QTest::newRow("v6 loopback long") << QByteArray("0:0:0:0:0:0:0:1") << QByteArray("::1");
    QTest::newRow("v6 unspecified") << QByteArray("::") << QByteArray("::");
    QTest::newRow("v6 brief example") << QByteArray("2001:DB8:0:0::1") << QByteArray("2001:db8::1");
    QTest::newRow("v6 leading zeros dropped") << QByteArray("2001:0db8:0000:0000:0000:ff00:0042:8329")
                                              << QByteArray("2001:db8::ff00:42:8329");
    QTest::newRow("v6 bracket port") << QByteArray("[2603:1036:302:4091::5]:51902") << QByteArray("2603:1036:302:4091::5");
    QTest::newRow("v6 bracket no port") << QByteArray("[2603:1036:302:4091::5]") << QByteArray("2603:1036:302:4091::5");
    QTest::newRow("v6 zone stripped") << QByteArray("fe80::1%eth0") << QByteArray("fe80::1");
    QTest::newRow("v6 numeric zone in brackets") << QByteArray("[FE80::1%12]:80") << QByteArray("fe80::1");
    QTest::newRow("v6 trailing ::") << QByteArray("fe80::") << QByteArray("fe80::");
    QTest::newRow("v6 single zero group not compressed") << QByteArray("2001:db8:0:1:1:1:1:1")
                                                         << QByteArray("2001:db8:0:1:1:1:1:1");
    QTest::newRow("v6 longest run wins") << QByteArray("2001:0:0:1:0:0:0:1") << QByteArray("2001:0:0:1::1");
    QTest::newRow("v6 first run wins a tie") << QByteArray("2001:db8:0:0:1:0:0:1") << QByteArray("2001:db8::1:0:0:1");
    QTest::newRow("v6 compression moved") << QByteArray("1::0:0:0:2:3") << QByteArray("1::2:3");
    QTest::newRow("v6 no zeros") << QByteArray("1:2:3:4:5:6:7:8") << QByteArray("1:2:3:4:5:6:7:8");
    QTest::newRow("v6 :: for one group") << QByteArray("1:2:3:4:5:6:7::") << QByteArray("1:2:3:4:5:6:7:0");
    QTest::newRow("v6 ipv4-compatible stays v6") << QByteArray("::1.2.3.4") << QByteArray("::102:304");
    QTest::newRow("v6 nat64 stays v6") << QByteArray("64:ff9b::1.2.3.4") << QByteArray("64:ff9b::102:304");
    QTest::newRow("v6 unbracketed 'port' read as v6") << QByteArray("2001:db8::1:443") << QByteArray("2001:db8::1:443");
    QTest::newRow("v6 ffff prefix not mapped") << QByteArray("ffff::1.2.3.4") << QByteArray("ffff::102:304");

    // Not addresses.
    QTest::newRow("empty") << QByteArray() << QByteArray();
    QTest::newRow("spaces") << QByteArray("  ") << QByteArray();
    QTest::newRow("empty quotes") << QByteArray("\"\"") << QByteArray();
    QTest::newRow("garbage") << QByteArray("garbage") << QByteArray();
    QTest::newRow("dash") << QByteArray("-") << QByteArray();
    QTest::newRow("octet 999") << QByteArray("999.1.1.1") << QByteArray();
    QTest::newRow("octet 256") << QByteArray("1.2.3.256") << QByteArray();
    QTest::newRow("three octets") << QByteArray("1.2.3") << QByteArray();
    QTest::newRow("five octets") << QByteArray("1.2.3.4.5") << QByteArray();
    QTest::newRow("empty octet") << QByteArray("1..3.4") << QByteArray();
    QTest::newRow("trailing dot") << QByteArray("1.2.3.4.") << QByteArray();
    QTest::newRow("four-digit octet") << QByteArray("0001.2.3.4") << QByteArray();
    QTest::newRow("inner space") << QByteArray("1.2. 3.4") << QByteArray();
    QTest::newRow("v4 empty port") << QByteArray("1.2.3.4:") << QByteArray();
    QTest::newRow("v4 port too big") << QByteArray("1.2.3.4:65536") << QByteArray();
    QTest::newRow("v4 port not numeric") << QByteArray("1.2.3.4:http") << QByteArray();
    QTest::newRow("hostname with port") << QByteArray("mail.example.com:25") << QByteArray();
    QTest::newRow("v6 two ::") << QByteArray("1::2::3") << QByteArray();
    QTest::newRow("v6 five hex digits") << QByteArray("12345::1") << QByteArray();
    QTest::newRow("v6 nine groups") << QByteArray("1:2:3:4:5:6:7:8:9") << QByteArray();
    QTest::newRow("v6 seven groups") << QByteArray("1:2:3:4:5:6:7") << QByteArray();
    QTest::newRow("v6 eight groups and ::") << QByteArray("1:2:3:4:5:6:7:8::") << QByteArray();
    QTest::newRow("v6 leading single colon") << QByteArray(":1::2") << QByteArray();
    QTest::newRow("v6 trailing single colon") << QByteArray("1::2:") << QByteArray();
    QTest::newRow("v6 triple colon") << QByteArray("1:::2") << QByteArray();
    QTest::newRow("v6 bad hex") << QByteArray("2001:db8::g") << QByteArray();
    QTest::newRow("v6 v4 not last") << QByteArray("::1.2.3.4:5") << QByteArray();
    QTest::newRow("v6 v4 too late") << QByteArray("1:2:3:4:5:6:7:1.2.3.4") << QByteArray();
    QTest::newRow("v6 bad embedded v4") << QByteArray("::ffff:1.2.3.999") << QByteArray();
    QTest::newRow("bracket unclosed") << QByteArray("[2001:db8::1") << QByteArray();
    QTest::newRow("bracket junk after") << QByteArray("[2001:db8::1]x") << QByteArray();
    QTest::newRow("bracket empty port") << QByteArray("[2001:db8::1]:") << QByteArray();
    QTest::newRow("brackets empty") << QByteArray("[]") << QByteArray();
    QTest::newRow("lone colon") << QByteArray(":") << QByteArray();
}

void TestIpAddr::normalize()
{
    QFETCH(QByteArray, raw);
    QFETCH(QByteArray, canonical);
    QCOMPARE(qb(mp::normalizeIp(sv(raw))), canonical);

    std::string reused = "previous value";
    QCOMPARE(mp::normalizeIp(sv(raw), reused), !canonical.isEmpty());
    QCOMPARE(qb(reused), canonical);

    // Canonical text is a fixed point, and ipToBytes/formatIp agree with it.
    if (!canonical.isEmpty()) {
        QCOMPARE(qb(mp::normalizeIp(sv(canonical))), canonical);
        const auto b = mp::ipToBytes(sv(raw));
        QVERIFY(b.has_value());
        QCOMPARE(qb(mp::formatIp(*b)), canonical);
    } else {
        QVERIFY(!mp::ipToBytes(sv(raw)).has_value());
        QCOMPARE(mp::ipScope(sv(raw)), mp::IpScope::Invalid);
    }
}

void TestIpAddr::scope_data()
{
    QTest::addColumn<QByteArray>("ip");
    QTest::addColumn<mp::IpScope>("scope");
    using S = mp::IpScope;
    QTest::newRow("public v4") << QByteArray("175.45.176.99") << S::Public;
    QTest::newRow("public v4 with port") << QByteArray("40.114.117.193:50414") << S::Public;
    QTest::newRow("8.8.8.8") << QByteArray("8.8.8.8") << S::Public;
    QTest::newRow("10/8") << QByteArray("10.255.0.1") << S::Private;
    QTest::newRow("172.16/12 low") << QByteArray("172.16.0.0") << S::Private;
    QTest::newRow("172.16/12 high") << QByteArray("172.31.255.255") << S::Private;
    QTest::newRow("172.15 is public") << QByteArray("172.15.255.255") << S::Public;
    QTest::newRow("172.32 is public") << QByteArray("172.32.0.0") << S::Public;
    QTest::newRow("192.168/16") << QByteArray("192.168.2.5") << S::Private;
    QTest::newRow("192.169 is public") << QByteArray("192.169.0.1") << S::Public;
    QTest::newRow("cgnat low") << QByteArray("100.64.0.1") << S::Private;
    QTest::newRow("cgnat high") << QByteArray("100.127.255.255") << S::Private;
    QTest::newRow("100.63 is public") << QByteArray("100.63.255.255") << S::Public;
    QTest::newRow("100.128 is public") << QByteArray("100.128.0.1") << S::Public;
    QTest::newRow("loopback v4") << QByteArray("127.0.0.1") << S::Loopback;
    QTest::newRow("loopback v4 other") << QByteArray("127.255.1.2") << S::Loopback;
    QTest::newRow("link-local v4") << QByteArray("169.254.169.254") << S::LinkLocal;
    QTest::newRow("this network") << QByteArray("0.0.0.0") << S::Other;
    QTest::newRow("TEST-NET-1") << QByteArray("192.0.2.250") << S::Other;
    QTest::newRow("TEST-NET-2") << QByteArray("198.51.100.150") << S::Other;
    QTest::newRow("TEST-NET-3") << QByteArray("203.0.113.50") << S::Other;
    QTest::newRow("203.0.114 is public") << QByteArray("203.0.114.1") << S::Public;
    QTest::newRow("ietf protocol assignments") << QByteArray("192.0.0.8") << S::Other;
    QTest::newRow("192.0.1 is public") << QByteArray("192.0.1.1") << S::Public;
    QTest::newRow("benchmarking") << QByteArray("198.19.255.1") << S::Other;
    QTest::newRow("198.20 is public") << QByteArray("198.20.0.1") << S::Public;
    QTest::newRow("multicast v4") << QByteArray("224.0.0.251") << S::Other;
    QTest::newRow("reserved 240/4") << QByteArray("240.0.0.1") << S::Other;
    QTest::newRow("broadcast") << QByteArray("255.255.255.255") << S::Other;
    QTest::newRow("223 is public") << QByteArray("223.255.255.1") << S::Public;
    QTest::newRow("v4-mapped private") << QByteArray("::ffff:10.0.0.1") << S::Private;
    QTest::newRow("v6 loopback") << QByteArray("::1") << S::Loopback;
    QTest::newRow("v6 loopback bracketed") << QByteArray("[::1]:443") << S::Loopback;
    QTest::newRow("v6 unspecified") << QByteArray("::") << S::Other;
    QTest::newRow("v6 public microsoft") << QByteArray("2603:1036:302:4091::5") << S::Public;
    QTest::newRow("v6 public 3fff") << QByteArray("3fff::1") << S::Public;
    QTest::newRow("v6 4000 is not global unicast") << QByteArray("4000::1") << S::Other;
    QTest::newRow("v6 documentation") << QByteArray("2001:db8::1") << S::Other;
    QTest::newRow("v6 2001:db9 is public") << QByteArray("2001:db9::1") << S::Public;
    QTest::newRow("v6 link-local") << QByteArray("fe80::1%eth0") << S::LinkLocal;
    QTest::newRow("v6 link-local upper end") << QByteArray("febf::1") << S::LinkLocal;
    QTest::newRow("v6 fec0 is not link-local") << QByteArray("fec0::1") << S::Other;
    QTest::newRow("v6 ula fc") << QByteArray("fc00::1") << S::Private;
    QTest::newRow("v6 ula fd") << QByteArray("fd12:3456:789a::1") << S::Private;
    QTest::newRow("v6 multicast") << QByteArray("ff02::1") << S::Other;
    QTest::newRow("v6 ipv4-compatible") << QByteArray("::1.2.3.4") << S::Other;
    QTest::newRow("invalid") << QByteArray("999.1.1.1") << S::Invalid;
    QTest::newRow("empty") << QByteArray() << S::Invalid;
}

void TestIpAddr::scope()
{
    QFETCH(QByteArray, ip);
    QFETCH(mp::IpScope, scope);
    QCOMPARE(mp::ipScope(sv(ip)), scope);
}

void TestIpAddr::bytes_data()
{
    QTest::addColumn<QByteArray>("ip");
    QTest::addColumn<QByteArray>("hex");
    QTest::newRow("v4 mapped") << QByteArray("1.2.3.4") << QByteArray("00000000000000000000ffff01020304");
    QTest::newRow("v4 with port") << QByteArray("175.45.176.99:1") << QByteArray("00000000000000000000ffffaf2db063");
    QTest::newRow("v6") << QByteArray("2001:db8::1") << QByteArray("20010db8000000000000000000000001");
    QTest::newRow("v6 tail groups") << QByteArray("::a:b") << QByteArray("000000000000000000000000000a000b");
    QTest::newRow("v6 head groups") << QByteArray("a:b::") << QByteArray("000a000b000000000000000000000000");
    QTest::newRow("v6 middle gap") << QByteArray("1:2::7:8") << QByteArray("00010002000000000000000000070008");
}

void TestIpAddr::bytes()
{
    QFETCH(QByteArray, ip);
    QFETCH(QByteArray, hex);
    const auto b = mp::ipToBytes(sv(ip));
    QVERIFY(b.has_value());
    QCOMPARE(::hex(*b), hex);
}

// Reference for RFC 5952 text written the naive way: try every zero run of two or more groups,
// keep the longest (the first on a tie), then print.
static std::string referenceV6(const mp::IpBytes& b)
{
    int g[8];
    for (int i = 0; i < 8; ++i)
        g[i] = (b[2 * i] << 8) | b[2 * i + 1];
    int bestStart = -1;
    int bestLen = 0;
    for (int start = 0; start < 8; ++start) {
        for (int len = 2; start + len <= 8; ++len) {
            bool zeros = true;
            for (int k = start; k < start + len; ++k)
                zeros = zeros && g[k] == 0;
            if (zeros && len > bestLen) {
                bestStart = start;
                bestLen = len;
            }
        }
    }
    auto groups = [&](int from, int to) {
        std::string s;
        for (int i = from; i < to; ++i) {
            if (i > from)
                s += ':';
            char buf[8];
            std::snprintf(buf, sizeof buf, "%x", static_cast<unsigned>(g[i]));
            s += buf;
        }
        return s;
    };
    if (bestStart < 0)
        return groups(0, 8);
    return groups(0, bestStart) + "::" + groups(bestStart + bestLen, 8);
}

// Every pattern of zero and non-zero groups (256 shapes), so the compression rule is checked on
// all of them, not only on the hand-picked rows above.
void TestIpAddr::v6TextMatchesReference()
{
    for (int mask = 0; mask < 256; ++mask) {
        mp::IpBytes b{};
        for (int g = 0; g < 8; ++g) {
            if (mask & (1 << g)) {
                b[2 * g] = static_cast<std::uint8_t>(g == 0 ? 0x20 : 0x0a);
                b[2 * g + 1] = static_cast<std::uint8_t>(0xb0 + g);
            }
        }
        const std::string expected = referenceV6(b);
        const std::string got = mp::formatIp(b);
        if (got != expected)
            QFAIL(qPrintable(QStringLiteral("mask %1: %2 vs %3").arg(mask).arg(QString::fromStdString(got), QString::fromStdString(expected))));
        QCOMPARE(mp::normalizeIp(got), got);
        const auto back = mp::ipToBytes(got);
        QVERIFY(back.has_value());
        QVERIFY(*back == b);
    }
}

QTEST_GUILESS_MAIN(TestIpAddr)
#include "tst_ipaddr.moc"
