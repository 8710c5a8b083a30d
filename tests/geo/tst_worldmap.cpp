// The offline world map: TopoJSON decoding (quantised, delta-encoded arcs, the transform, arcs
// walked backwards with ~index, polygons with holes), bad topologies, the per-file cache, great
// circles and the Natural Earth projection.
#include "geo/geodb.h"
#include "geo/mapgeometry.h"
#include "geo/worldmap.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <numbers>

using namespace mp;

namespace {

// Quantised: x = q * 0.5 - 10, y = q * 0.25 + 20. Arc 0 is the border Squareland and Neighbour
// share; Neighbour walks it backwards (~0 = -1).
const char *const kTopology = R"({
  "type": "Topology",
  "transform": {"scale": [0.5, 0.25], "translate": [-10, 20]},
  "objects": {"countries": {"type": "GeometryCollection", "geometries": [
    {"type": "Polygon", "id": "826", "properties": {"name": "Squareland"}, "arcs": [[0, 1]]},
    {"type": "Polygon", "id": 250, "properties": {"name": "Neighbour"}, "arcs": [[2, -1]]},
    {"type": "MultiPolygon", "id": "528", "properties": {"name": "Islands"}, "arcs": [[[3]], [[4], [5]]]},
    {"type": "Point", "coordinates": [0, 0]},
    {"type": null},
    {"type": "GeometryCollection", "geometries": []}
  ]}},
  "arcs": [
    [[0, 0], [0, 4]],
    [[0, 4], [4, 0], [0, -4], [-4, 0]],
    [[0, 0], [-4, 0], [0, 4], [4, 0]],
    [[10, 10], [2, 0], [-1, 2], [-1, -2]],
    [[20, 0], [8, 0], [0, 8], [-8, 0], [0, -8]],
    [[22, 2], [0, 2], [2, 0], [0, -2], [-2, 0]]
  ]
})";

std::vector<GeoPoint> pts(std::initializer_list<std::pair<double, double>> list)
{
    std::vector<GeoPoint> v;
    for (const auto &[lon, lat] : list)
        v.push_back({lon, lat});
    return v;
}

} // namespace

class TestWorldMap : public QObject
{
    Q_OBJECT

private slots:
    void decodesQuantisedTopology();
    void decodesAbsoluteTopology();
    void rejectsBadTopologies_data();
    void rejectsBadTopologies();
    void loadCachesPerFile();
    void realWorldAtlas();
    void greatCircleDistance();
    void greatCirclePathFollowsTheSphere();
    void pathAcrossTheAntimeridianIsSplit();
    void naturalEarthProjection();
    void naturalEarthRoundTrip();
};

void TestWorldMap::decodesQuantisedTopology()
{
    std::string error;
    const auto map = WorldMap::fromTopoJson(kTopology, "countries", &error);
    QVERIFY2(map, error.c_str());
    QCOMPARE(map->countries().size(), std::size_t(3)); // the point, the null and the empty collection draw nothing

    const MapCountry *square = map->country("826");
    QVERIFY(square);
    QCOMPARE(square->name, std::string("Squareland"));
    QCOMPARE(square->polygons.size(), std::size_t(1));
    // Arc 0 then arc 1 without its first point (the one they share).
    QCOMPARE(square->polygons[0][0], pts({{-10, 20}, {-10, 21}, {-8, 21}, {-8, 20}, {-10, 20}}));

    const MapCountry *neighbour = map->country("250"); // a numeric id reads as text
    QVERIFY(neighbour);
    // Arc 2, then arc 0 backwards: the shared border from its far end.
    QCOMPARE(neighbour->polygons[0][0], pts({{-10, 20}, {-12, 20}, {-12, 21}, {-10, 21}, {-10, 20}}));

    const MapCountry *islands = map->country("528");
    QVERIFY(islands);
    QCOMPARE(islands->polygons.size(), std::size_t(2));
    QCOMPARE(islands->polygons[0][0], pts({{-5, 22.5}, {-4, 22.5}, {-4.5, 23}, {-5, 22.5}}));
    QCOMPARE(islands->polygons[1].size(), std::size_t(2)); // an outline and a hole
    QCOMPARE(islands->polygons[1][1], pts({{1, 20.5}, {1, 21}, {2, 21}, {2, 20.5}, {1, 20.5}}));
    QCOMPARE(map->pointCount(), std::size_t(5 + 5 + 4 + 5 + 5));
}

void TestWorldMap::decodesAbsoluteTopology()
{
    // Without a transform the positions are degrees, not deltas.
    const char *json = R"({"type":"Topology","objects":{"land":{"type":"Polygon","arcs":[[0]]}},
        "arcs":[[[0,0],[10,0],[10,10],[0,0]]]})";
    std::string error;
    const auto map = WorldMap::fromTopoJson(json, "land", &error);
    QVERIFY2(map, error.c_str());
    QCOMPARE(map->countries().size(), std::size_t(1));
    QCOMPARE(map->countries()[0].polygons[0][0], pts({{0, 0}, {10, 0}, {10, 10}, {0, 0}}));
}

void TestWorldMap::rejectsBadTopologies_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("reason");
    const QByteArray tail = R"("arcs":[[[0,0],[1,0],[0,1]]]})";
    const auto topo = [&](const char *objects) -> QByteArray {
        return QByteArray(R"({"type":"Topology","objects":{"countries":)") + objects + "}," + tail;
    };
    QTest::newRow("not JSON") << QByteArray("{\"type\":") << "not JSON";
    QTest::newRow("GeoJSON") << QByteArray(R"({"type":"FeatureCollection","features":[]})") << "not a TopoJSON";
    QTest::newRow("arc out of range") << topo(R"({"type":"Polygon","arcs":[[7]]})") << "out of range";
    QTest::newRow("reversed arc out of range") << topo(R"({"type":"Polygon","arcs":[[-9]]})") << "out of range";
    QTest::newRow("arc index not a number") << topo(R"({"type":"Polygon","arcs":[["a"]]})") << "not an integer";
    QTest::newRow("ring not a list") << topo(R"({"type":"Polygon","arcs":[3]})") << "not a list of arc";
    QTest::newRow("no such object") << QByteArray(QByteArray(R"({"type":"Topology","objects":{},)") + tail) << "no object";
    QTest::newRow("no arcs") << QByteArray(R"({"type":"Topology","objects":{"countries":{"type":"Polygon","arcs":[[0]]}}})")
                             << "no arcs";
    QTest::newRow("bad position") << QByteArray(R"({"type":"Topology","objects":{"countries":{"type":"Polygon","arcs":[[0]]}},"arcs":[[[0,"x"]]]})")
                                  << "two numbers";
    QTest::newRow("bad transform") << QByteArray(R"({"type":"Topology","transform":{"scale":[1]},"objects":{},"arcs":[]})")
                                   << "transform";
    QByteArray deep = R"({"type":"Topology","objects":{"countries":)";
    for (int i = 0; i < 40; ++i)
        deep += R"({"type":"GeometryCollection","geometries":[)";
    deep += R"({"type":"Polygon","arcs":[[0]]})";
    for (int i = 0; i < 40; ++i)
        deep += "]}";
    deep += "}," + tail;
    QTest::newRow("nested too deeply") << deep << "nested";
}

void TestWorldMap::rejectsBadTopologies()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, reason);
    std::string error;
    const auto map = WorldMap::fromTopoJson(std::string_view(json.constData(), static_cast<std::size_t>(json.size())),
                                            "countries", &error);
    QVERIFY(!map);
    QVERIFY2(QString::fromStdString(error).contains(reason), error.c_str());
}

void TestWorldMap::loadCachesPerFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(QDir(dir.path()).mkdir(QStringLiteral("map")));
    const std::string file = WorldMap::mapFile(dir.path().toStdString(), WorldMap::Detail::Coarse);
    QVERIFY(QString::fromStdString(file).endsWith(QStringLiteral("map/countries-110m.json")));
    std::string error;
    QVERIFY(!WorldMap::load(file, &error));
    QVERIFY(error.find("no such map file") != std::string::npos);

    QFile out(QString::fromStdString(file));
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(kTopology);
    out.close();
    const auto first = WorldMap::load(file, &error);
    QVERIFY2(first, error.c_str());
    const auto second = WorldMap::load(file, &error);
    QCOMPARE(second.get(), first.get()); // decoded once

    // A changed file is read again; a broken one says why.
    QVERIFY(out.open(QIODevice::WriteOnly | QIODevice::Truncate));
    out.write("{\"type\":\"Topology\"}");
    out.close();
    QVERIFY(!WorldMap::load(file, &error));
    QVERIFY(error.find("no arcs") != std::string::npos);
}

void TestWorldMap::realWorldAtlas()
{
    const std::string file = WorldMap::mapFile(GeoDb::defaultDataDir(), WorldMap::Detail::Coarse);
    if (!QFile::exists(QString::fromStdString(file)))
        QSKIP("no world-atlas data: run scripts/fetch-data.sh");
    std::string error;
    const auto map = WorldMap::load(file, &error);
    QVERIFY2(map, error.c_str());
    QVERIFY(map->countries().size() >= 170);
    const MapCountry *uk = map->country("826");
    QVERIFY(uk);
    QCOMPARE(uk->name, std::string("United Kingdom"));
    // Every decoded point is on the globe.
    for (const MapCountry &c : map->countries())
        for (const auto &polygon : c.polygons)
            for (const auto &ring : polygon)
                for (const GeoPoint &p : ring)
                    QVERIFY(std::abs(p.lon) <= 180.0001 && std::abs(p.lat) <= 90.0001);
}

void TestWorldMap::greatCircleDistance()
{
    QVERIFY(std::abs(mapgeo::greatCircleKm({-0.1278, 51.5074}, {2.3522, 48.8566}) - 343.56) < 0.1); // London-Paris
    QVERIFY(std::abs(mapgeo::greatCircleKm({0, 0}, {90, 0}) - mapgeo::kEarthRadiusKm * std::numbers::pi / 2) < 1e-6);
    QCOMPARE(mapgeo::greatCircleKm({10, 10}, {10, 10}), 0.0);
}

void TestWorldMap::greatCirclePathFollowsTheSphere()
{
    // Along the equator: every point on it, the midpoint halfway.
    const auto equator = mapgeo::greatCirclePath({0, 0}, {90, 0}, 1000);
    QCOMPARE(equator.front(), (GeoPoint{0, 0}));
    QCOMPARE(equator.back(), (GeoPoint{90, 0}));
    QCOMPARE(equator.size(), std::size_t(12)); // 10,008 km in steps of at most 1,000 km
    for (const GeoPoint &p : equator)
        QVERIFY(std::abs(p.lat) < 1e-9);
    // New York to London bends north of both, as flights do; the steps are even.
    const GeoPoint ny{-74.006, 40.7128}, london{-0.1278, 51.5074};
    const auto path = mapgeo::greatCirclePath(ny, london, 200);
    double northmost = -90;
    for (const GeoPoint &p : path)
        northmost = std::max(northmost, p.lat);
    QVERIFY(northmost > 52);
    const double total = mapgeo::greatCircleKm(ny, london);
    for (std::size_t i = 1; i < path.size(); ++i)
        QVERIFY(std::abs(mapgeo::greatCircleKm(path[i - 1], path[i]) - total / double(path.size() - 1)) < 0.5);
}

void TestWorldMap::pathAcrossTheAntimeridianIsSplit()
{
    const auto path = mapgeo::greatCirclePath({170, 0}, {-170, 0}, 100);
    for (const GeoPoint &p : path)
        QVERIFY(std::abs(p.lon) >= 170 - 1e-9); // the short way, over the Pacific
    const auto parts = mapgeo::splitAtAntimeridian(path);
    QCOMPARE(parts.size(), std::size_t(2));
    QCOMPARE(parts[0].back().lon, 180.0);
    QCOMPARE(parts[1].front().lon, -180.0);
    QVERIFY(std::abs(parts[0].back().lat) < 1e-9);
    QCOMPARE(mapgeo::splitAtAntimeridian(mapgeo::greatCirclePath({0, 0}, {10, 10})).size(), std::size_t(1));
}

void TestWorldMap::naturalEarthProjection()
{
    const MapXY origin = mapgeo::naturalEarth({0, 0});
    QCOMPARE(origin.x, 0.0);
    QCOMPARE(origin.y, 0.0);
    // The equator's half length is 0.8707 pi; the pole line sits at 1.4224.
    QVERIFY(std::abs(mapgeo::naturalEarth({180, 0}).x - 0.8707 * std::numbers::pi) < 1e-12);
    QVERIFY(std::abs(mapgeo::naturalEarth({0, 90}).y - 1.42239) < 1e-4);
    // Poles are lines, not points, but shorter than the equator.
    const double pole = mapgeo::naturalEarth({180, 90}).x;
    QVERIFY(pole > 0.4 * 0.8707 * std::numbers::pi && pole < 0.8707 * std::numbers::pi);
    // Symmetric, and north is up with latitude increasing monotonically.
    const MapXY a = mapgeo::naturalEarth({40, 30}), b = mapgeo::naturalEarth({-40, -30});
    QCOMPARE(a.x, -b.x);
    QCOMPARE(a.y, -b.y);
    double last = -10;
    for (int lat = -90; lat <= 90; lat += 5) {
        const double y = mapgeo::naturalEarth({0, double(lat)}).y;
        QVERIFY(y > last);
        last = y;
    }
}

void TestWorldMap::naturalEarthRoundTrip()
{
    for (int lat = -85; lat <= 85; lat += 17) {
        for (int lon = -180; lon <= 180; lon += 45) {
            const GeoPoint p{double(lon), double(lat)};
            const GeoPoint back = mapgeo::naturalEarthInverse(mapgeo::naturalEarth(p));
            QVERIFY2(std::abs(back.lat - p.lat) < 1e-7 && std::abs(back.lon - p.lon) < 1e-7,
                     qPrintable(QStringLiteral("%1,%2 -> %3,%4").arg(lon).arg(lat).arg(back.lon).arg(back.lat)));
        }
    }
}

QTEST_GUILESS_MAIN(TestWorldMap)
#include "tst_worldmap.moc"
