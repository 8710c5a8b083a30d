#include "ui/mapview.h"

#include "geo/countries.h"
#include "ui/textformat.h"

#include <QGraphicsItemGroup>
#include <QGraphicsPathItem>
#include <QGraphicsScene>
#include <QGraphicsTextItem>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QScrollBar>
#include <QStyleOptionGraphicsItem>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace mp::ui {

namespace {

const QColor kOcean(0xdc, 0xe8, 0xf1);
const QColor kLand(0xf5, 0xf2, 0xeb);
const QColor kLandVisited(0xf0, 0xe2, 0xc0);
const QColor kBorder(0xb9, 0xb2, 0xa4);
const QColor kSuccess(0x2e, 0x7d, 0x32);
const QColor kFailure(0xd3, 0x2f, 0x2f);
const QColor kPath(0x15, 0x65, 0xc0);
const QColor kTravel(0xc6, 0x28, 0x28);
const QColor kFastPath(0xd8, 0x43, 0x15);
constexpr double kAirlinerKmh = 1000;

QPainterPath projectedLine(const std::vector<GeoPoint> &line)
{
    QPainterPath path;
    for (const std::vector<GeoPoint> &part : mapgeo::splitAtAntimeridian(line)) {
        for (std::size_t i = 0; i < part.size(); ++i) {
            const QPointF p = MapView::project(part[i]);
            if (i == 0)
                path.moveTo(p);
            else
                path.lineTo(p);
        }
    }
    return path;
}

QPen cosmeticPen(const QColor &color, double width, Qt::PenStyle style = Qt::SolidLine)
{
    QPen pen(color, width, style, Qt::RoundCap, Qt::RoundJoin);
    pen.setCosmetic(true);
    return pen;
}

QString placeText(const std::string &city, const std::string &country)
{
    if (city.empty())
        return country.empty() ? QStringLiteral("(unnamed place)") : qstr(country);
    return country.empty() ? qstr(city) : qstr(city) + QStringLiteral(", ") + qstr(country);
}

// Text that keeps its size on screen, with a white halo so that it reads over borders and lines.
class LabelItem : public QGraphicsItem
{
public:
    LabelItem(const QString &text, const QColor &color, bool bold, QPointF offset)
        : m_text(text)
        , m_color(color)
        , m_offset(offset)
    {
        setFlag(ItemIgnoresTransformations);
        m_font.setBold(bold);
        m_font.setPointSizeF(m_font.pointSizeF() * 0.9);
        const QFontMetricsF fm(m_font);
        m_rect = QRectF(m_offset.x() - 3, m_offset.y() - fm.ascent() - 3, fm.horizontalAdvance(m_text) + 6, fm.height() + 6);
    }
    QRectF boundingRect() const override { return m_rect; }
    void paint(QPainter *p, const QStyleOptionGraphicsItem *, QWidget *) override
    {
        QPainterPath path;
        path.addText(m_offset, m_font, m_text);
        p->setRenderHint(QPainter::Antialiasing, true);
        p->strokePath(path, QPen(QColor(255, 255, 255, 230), 3.5, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
        p->fillPath(path, m_color);
    }

private:
    QString m_text;
    QColor m_color;
    QPointF m_offset;
    QFont m_font;
    QRectF m_rect;
};

// An arrow head pointing along `angle` (degrees, screen orientation), with an optional number.
class ArrowItem : public QGraphicsItem
{
public:
    ArrowItem(double angle, const QColor &color, double size, const QString &number = {})
        : m_angle(angle)
        , m_color(color)
        , m_size(size)
        , m_number(number)
    {
        setFlag(ItemIgnoresTransformations);
    }
    QRectF boundingRect() const override { return QRectF(-m_size - 12, -m_size - 12, 2 * m_size + 24, 2 * m_size + 24); }
    void paint(QPainter *p, const QStyleOptionGraphicsItem *, QWidget *) override
    {
        p->setRenderHint(QPainter::Antialiasing, true);
        p->save();
        p->rotate(m_angle);
        QPolygonF head;
        head << QPointF(m_size, 0) << QPointF(-m_size * 0.7, m_size * 0.65) << QPointF(-m_size * 0.35, 0)
             << QPointF(-m_size * 0.7, -m_size * 0.65);
        p->setPen(QPen(Qt::white, 1));
        p->setBrush(m_color);
        p->drawPolygon(head);
        p->restore();
        if (!m_number.isEmpty()) {
            QFont f;
            f.setPointSizeF(f.pointSizeF() * 0.75);
            f.setBold(true);
            p->setFont(f);
            const QRectF badge(4, -16, QFontMetricsF(f).horizontalAdvance(m_number) + 8, 13);
            p->setPen(Qt::NoPen);
            p->setBrush(QColor(255, 255, 255, 235));
            p->drawRoundedRect(badge, 5, 5);
            p->setPen(m_color);
            p->drawText(badge, Qt::AlignCenter, m_number);
        }
    }

private:
    double m_angle;
    QColor m_color;
    double m_size;
    QString m_number;
};

} // namespace

// A place: a disc sized by its sign-ins whose red share is the failed ones.
class MapMarkerItem : public QGraphicsItem
{
public:
    MapMarkerItem(int index, int successes, int failures, bool named)
        : m_index(index)
        , m_successes(successes)
        , m_failures(failures)
        , m_named(named)
    {
        setFlag(ItemIgnoresTransformations);
        setAcceptHoverEvents(true);
        const double n = std::max(1, successes + failures);
        m_radius = std::clamp(4.0 + 2.0 * std::sqrt(n), 5.0, 24.0);
    }
    int index() const { return m_index; }
    double radius() const { return m_radius; }
    void setSelected(bool on)
    {
        m_selected = on;
        update();
    }
    QRectF boundingRect() const override { return QRectF(-m_radius - 6, -m_radius - 6, 2 * m_radius + 12, 2 * m_radius + 12); }
    void paint(QPainter *p, const QStyleOptionGraphicsItem *, QWidget *) override
    {
        p->setRenderHint(QPainter::Antialiasing, true);
        const QRectF r(-m_radius, -m_radius, 2 * m_radius, 2 * m_radius);
        const int total = std::max(1, m_successes + m_failures);
        QColor success = kSuccess, failure = kFailure;
        success.setAlpha(215);
        failure.setAlpha(215);
        p->setPen(Qt::NoPen);
        p->setBrush(success);
        p->drawEllipse(r);
        if (m_failures > 0) {
            p->setBrush(failure);
            const int span = -static_cast<int>(std::lround(5760.0 * m_failures / total));
            if (m_failures == total)
                p->drawEllipse(r);
            else
                p->drawPie(r, 90 * 16, span);
        }
        p->setBrush(Qt::NoBrush);
        p->setPen(QPen(m_selected ? QColor(0x10, 0x10, 0x10) : QColor(255, 255, 255), m_selected ? 3 : 1.5));
        p->drawEllipse(m_selected ? r.adjusted(-2, -2, 2, 2) : r);
        if (m_named) {
            // An address of this place is named by a finding.
            p->setPen(QPen(kTravel, 2.2, Qt::DashLine));
            p->drawEllipse(r.adjusted(-3.5, -3.5, 3.5, 3.5));
        }
    }

private:
    int m_index;
    int m_successes;
    int m_failures;
    bool m_named;
    double m_radius = 6;
    bool m_selected = false;
};

MapView::MapView(QWidget *parent)
    : QGraphicsView(parent)
    , m_scene(new QGraphicsScene(this))
{
    setScene(m_scene);
    setRenderHint(QPainter::Antialiasing, true);
    setDragMode(QGraphicsView::ScrollHandDrag);
    setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
    setResizeAnchor(QGraphicsView::AnchorViewCenter);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setViewportUpdateMode(QGraphicsView::BoundingRectViewportUpdate);
    setBackgroundBrush(QColor(0xf7, 0xf9, 0xfb));
    setMinimumSize(160, 120);

    // The globe's outline in the projection: the meridians ±180° from pole to pole.
    std::vector<GeoPoint> outline;
    for (int lat = -90; lat <= 90; lat += 2)
        outline.push_back({-180, static_cast<double>(lat)});
    for (int lat = 90; lat >= -90; lat -= 2)
        outline.push_back({180, static_cast<double>(lat)});
    QPolygonF &polygon = m_outline;
    for (const GeoPoint &p : outline)
        polygon << project(p);
    auto *ocean = m_scene->addPolygon(polygon, cosmeticPen(QColor(0xa8, 0xbd, 0xcc), 1), kOcean);
    ocean->setZValue(0);
    // A graticule every 30°: orientation even without the country shapes.
    QPainterPath graticule;
    for (int lon = -150; lon <= 150; lon += 30) {
        std::vector<GeoPoint> meridian;
        for (int lat = -90; lat <= 90; lat += 5)
            meridian.push_back({static_cast<double>(lon), static_cast<double>(lat)});
        graticule.addPath(projectedLine(meridian));
    }
    for (int lat = -60; lat <= 60; lat += 30) {
        graticule.moveTo(project({-180, static_cast<double>(lat)}));
        graticule.lineTo(project({180, static_cast<double>(lat)}));
    }
    auto *grid = m_scene->addPath(graticule, cosmeticPen(QColor(0xc3, 0xd3, 0xdf), 0.8));
    grid->setZValue(1);
    const QRectF world = polygon.boundingRect();
    setSceneRect(world.adjusted(-world.width() * 0.6, -world.height() * 0.6, world.width() * 0.6, world.height() * 0.6));
}

MapView::~MapView() = default;

QPointF MapView::project(GeoPoint p)
{
    const MapXY xy = mapgeo::naturalEarth(p);
    return {xy.x * kScale, -xy.y * kScale};
}

QGraphicsItemGroup *MapView::buildCountries(const WorldMap &map)
{
    auto *group = new QGraphicsItemGroup;
    group->setZValue(2);
    QPainterPath world;
    world.addPolygon(m_outline);
    for (const MapCountry &country : map.countries()) {
        QPainterPath path;
        path.setFillRule(Qt::OddEvenFill);
        bool beyondEdge = false;
        for (const auto &polygon : country.polygons) {
            for (const auto &ring : polygon) {
                // Rings that cross the antimeridian (Fiji, Chukotka) jump by 360°: unwrapped they
                // run on past the edge, and a copy shifted by a turn brings the rest back in.
                std::vector<GeoPoint> unwrapped;
                unwrapped.reserve(ring.size());
                double offset = 0, minLon = 1e9, maxLon = -1e9;
                for (std::size_t i = 0; i < ring.size(); ++i) {
                    if (i > 0 && ring[i].lon - ring[i - 1].lon > 180)
                        offset -= 360;
                    else if (i > 0 && ring[i].lon - ring[i - 1].lon < -180)
                        offset += 360;
                    unwrapped.push_back({ring[i].lon + offset, ring[i].lat});
                    minLon = std::min(minLon, unwrapped.back().lon);
                    maxLon = std::max(maxLon, unwrapped.back().lon);
                }
                for (const double shift : {0.0, -360.0, 360.0}) {
                    if ((shift < 0 && maxLon <= 180.5) || (shift > 0 && minLon >= -180.5))
                        continue;
                    QPolygonF projected;
                    projected.reserve(static_cast<qsizetype>(unwrapped.size()));
                    for (const GeoPoint &p : unwrapped)
                        projected << project({p.lon + shift, p.lat});
                    path.addPolygon(projected);
                    path.closeSubpath();
                }
                beyondEdge = beyondEdge || maxLon > 180.5 || minLon < -180.5;
            }
        }
        if (beyondEdge)
            path = path.intersected(world);
        auto *item = new QGraphicsPathItem(path);
        item->setPen(cosmeticPen(kBorder, 0.7));
        item->setBrush(kLand);
        item->setToolTip(qstr(country.name).toHtmlEscaped());
        item->setData(0, qstr(country.id));
        group->addToGroup(item);
    }
    m_scene->addItem(group);
    return group;
}

void MapView::setWorld(std::shared_ptr<const WorldMap> coarse, std::shared_ptr<const WorldMap> fine)
{
    delete m_coarseItems;
    delete m_fineItems;
    m_coarseItems = m_fineItems = nullptr;
    m_coarse = std::move(coarse);
    m_fine = std::move(fine);
    // The fine shapes (ten times the points) are built the first time they are needed.
    if (m_coarse)
        m_coarseItems = buildCountries(*m_coarse);
    else if (m_fine)
        m_fineItems = buildCountries(*m_fine);
    if (m_message)
        m_message->setVisible(!hasWorld());
    rebuildData(); // tints the countries with sign-ins
    updateDetail();
}

void MapView::setMissingMapMessage(const QString &text)
{
    if (!m_message) {
        m_message = m_scene->addText(QString());
        m_message->setFlag(QGraphicsItem::ItemIgnoresTransformations);
        m_message->setZValue(50);
        m_message->setDefaultTextColor(QColor(0x7f, 0x1d, 0x1d));
        m_message->setTextWidth(360);
    }
    m_message->setPlainText(text);
    m_message->setPos(project({-170, 80}));
    m_message->setVisible(!hasWorld() && !text.isEmpty());
}

void MapView::setSignIns(std::shared_ptr<const SignInMap> data)
{
    m_data = std::move(data);
    m_selected = -1;
    rebuildData();
}

void MapView::rebuildData()
{
    for (QGraphicsItem *item : m_dataItems)
        delete item;
    m_dataItems.clear();
    m_markers.clear();
    m_legCount = m_pathLegCount = 0;
    tintCountries();
    if (!m_data)
        return;
    const auto add = [this](QGraphicsItem *item, double z) {
        item->setZValue(z);
        m_scene->addItem(item);
        m_dataItems.push_back(item);
    };
    const auto pointOf = [this](std::size_t place) {
        const SignInPlace &p = m_data->places[place];
        return GeoPoint{p.longitude, p.latitude};
    };
    const auto arrowAt = [](const std::vector<GeoPoint> &line, double share) {
        const std::size_t n = line.size();
        const std::size_t i = std::min(n - 2, static_cast<std::size_t>(share * static_cast<double>(n - 1)));
        const QPointF a = project(line[i]), b = project(line[i + 1]);
        return std::pair{(a + b) / 2, std::atan2(b.y() - a.y(), b.x() - a.x()) * 180 / M_PI};
    };

    // The user's path: each directed leg between two places once, numbered in the order first
    // travelled, thicker the more often it was travelled.
    std::vector<std::pair<std::size_t, std::size_t>> legs;
    std::map<std::pair<std::size_t, std::size_t>, int> legCounts;
    std::map<std::pair<std::size_t, std::size_t>, double> legSpeeds; // the fastest crossing, km/h
    for (std::size_t i = 1; i < m_data->path.size(); ++i) {
        const PathStop &a = m_data->path[i - 1], &b = m_data->path[i];
        const auto leg = std::pair{a.place, b.place};
        if (leg.first == leg.second)
            continue;
        if (legCounts[leg]++ == 0)
            legs.push_back(leg);
        // Logs have second precision: a gap under a second counts as one.
        const double hours = static_cast<double>(std::max<std::int64_t>(b.firstMs - a.lastMs, 1000)) / 3600000.0;
        const double speed = mapgeo::greatCircleKm(pointOf(a.place), pointOf(b.place)) / hours;
        legSpeeds[leg] = std::max(legSpeeds[leg], speed);
    }
    const bool numbered = legs.size() <= 20;
    for (std::size_t k = 0; k < legs.size(); ++k) {
        const auto [from, to] = legs[k];
        const std::vector<GeoPoint> line = mapgeo::greatCirclePath(pointOf(from), pointOf(to), 50);
        const int count = legCounts[legs[k]];
        auto *path = new QGraphicsPathItem(projectedLine(line));
        path->setPen(cosmeticPen(QColor(kPath.red(), kPath.green(), kPath.blue(), 190), std::min(1.6 + 0.6 * count, 4.5)));
        add(path, 5);
        if (line.size() >= 2) {
            const auto [at, angle] = arrowAt(line, 0.62);
            auto *arrow = new ArrowItem(angle, kPath, 6, numbered ? QString::number(k + 1) : QString());
            arrow->setPos(at);
            add(arrow, 6);
            // Faster than an airliner: say how fast, whether or not a detector reported it.
            const double speed = legSpeeds[legs[k]];
            if (speed > kAirlinerKmh) {
                const double km = mapgeo::greatCircleKm(pointOf(from), pointOf(to));
                const QString text = QStringLiteral("%1 km · %2 km/h").arg(formatCount(std::llround(km)), formatCount(std::llround(speed)));
                auto *label = new LabelItem(text, kFastPath, false, QPointF(8, 14));
                label->setPos(at);
                add(label, 12);
                path->setPen(cosmeticPen(kFastPath, std::min(1.6 + 0.6 * count, 4.5)));
            }
        }
        ++m_pathLegCount;
    }

    // Impossible travel: great-circle arcs labelled with distance and speed.
    for (const TravelLeg &leg : m_data->legs) {
        const std::vector<GeoPoint> line = mapgeo::greatCirclePath({leg.fromLongitude, leg.fromLatitude},
                                                                   {leg.toLongitude, leg.toLatitude}, 50);
        const QColor color = leg.suppressed ? QColor(0x8a, 0x8a, 0x8a) : kTravel;
        auto *path = new QGraphicsPathItem(projectedLine(line));
        path->setPen(cosmeticPen(color, 3, Qt::DashLine));
        path->setToolTip(QStringLiteral("<b>Impossible travel</b> of %1<br>%2 → %3<br>%4 – %5 UTC<br>%6 km at %7 km/h%8")
                             .arg(qstr(leg.user).toHtmlEscaped(), qstr(leg.fromPlace).toHtmlEscaped(),
                                  qstr(leg.toPlace).toHtmlEscaped(), formatTimeUtc(leg.fromMs), formatTimeUtc(leg.toMs),
                                  formatCount(std::llround(leg.distanceKm)), formatCount(std::llround(leg.speedKmh)),
                                  leg.suppressed ? QStringLiteral("<br>suppressed by tuning") : QString()));
        add(path, 7);
        if (line.size() >= 2) {
            const auto [at, angle] = arrowAt(line, 0.5);
            auto *arrow = new ArrowItem(angle, color, 8);
            arrow->setPos(at);
            add(arrow, 8);
            const QString text = QStringLiteral("%1 km · %2 km/h").arg(formatCount(std::llround(leg.distanceKm)),
                                                                       formatCount(std::llround(leg.speedKmh)));
            add(new LabelItem(text, color.darker(115), true, QPointF(-QFontMetricsF(QFont()).horizontalAdvance(text) / 2, -12)), 12);
            m_dataItems.back()->setPos(at);
        }
        ++m_legCount;
    }

    // Markers, the biggest first so that small ones stay on top and clickable.
    for (std::size_t i = 0; i < m_data->places.size(); ++i) {
        const SignInPlace &p = m_data->places[i];
        auto *marker = new MapMarkerItem(static_cast<int>(i), p.successes, p.failures, p.findings > 0);
        marker->setPos(project({p.longitude, p.latitude}));
        QStringList ips;
        for (const std::string &ip : p.ips)
            ips << qstr(ip).toHtmlEscaped();
        if (p.ipCount > static_cast<int>(p.ips.size()))
            ips << QStringLiteral("… (%1 in all)").arg(p.ipCount);
        QStringList users;
        for (const std::string &u : p.users)
            users << qstr(u).toHtmlEscaped();
        if (p.userCount > static_cast<int>(p.users.size()))
            users << QStringLiteral("… (%1 in all)").arg(p.userCount);
        marker->setToolTip(QStringLiteral("<b>%1</b><br>%2 sign-ins, %3 failed<br>%4 – %5 UTC<br>IP: %6<br>Users: %7%8"
                                          "<br><i>Click: select these sign-ins</i>")
                               .arg(placeText(p.city, p.country).toHtmlEscaped())
                               .arg(p.total())
                               .arg(p.failures)
                               .arg(formatTimeUtc(p.firstMs), formatTimeUtc(p.lastMs), ips.join(QStringLiteral(", ")),
                                    users.join(QStringLiteral(", ")),
                                    (p.geoSource == GeoSource::CountryPoint ? QStringLiteral("<br>(only the country is known)") : QString())
                                        + (p.findings > 0 ? QStringLiteral("<br><b>Named in %1 finding%2</b>").arg(p.findings).arg(p.findings == 1 ? QString() : QStringLiteral("s"))
                                                          : QString())));
        add(marker, 20 + 10.0 / (1 + marker->radius()));
        m_markers.push_back(marker);
    }
    // Names for the busiest places (all of them on one user's path); a place close to one
    // already named is counted into that name rather than written over it.
    std::vector<std::pair<std::size_t, int>> named; // place, places nearby
    for (std::size_t i = 0; i < m_data->places.size(); ++i) {
        const SignInPlace &p = m_data->places[i];
        bool merged = false;
        for (auto &[other, nearby] : named) {
            const SignInPlace &o = m_data->places[other];
            if (mapgeo::greatCircleKm({p.longitude, p.latitude}, {o.longitude, o.latitude}) < 300) {
                ++nearby;
                merged = true;
                break;
            }
        }
        if (!merged && (named.size() < 10 || m_data->path.size() > 1))
            named.push_back({i, 0});
    }
    for (const auto &[i, nearby] : named) {
        const SignInPlace &p = m_data->places[i];
        QString name = QStringLiteral("%1 (%2)").arg(placeText(p.city, p.country), formatCount(p.total()));
        if (nearby > 0)
            name += QStringLiteral(" +%1 nearby").arg(nearby);
        const MapMarkerItem *marker = m_markers[i];
        auto *label = new LabelItem(name, QColor(0x21, 0x21, 0x21), i < 3, QPointF(marker->radius() + 3, 4));
        label->setPos(marker->pos());
        add(label, 30);
    }
    if (m_selected >= 0 && m_selected < static_cast<int>(m_markers.size()))
        m_markers[static_cast<std::size_t>(m_selected)]->setSelected(true);
}

void MapView::tintCountries()
{
    // Countries with sign-ins are tinted.
    std::set<QString> visited;
    if (m_data) {
        for (const SignInPlace &p : m_data->places) {
            if (const Country *c = findCountry(p.country))
                visited.insert(QString::number(c->numeric));
        }
    }
    for (QGraphicsItemGroup *group : {m_coarseItems, m_fineItems}) {
        if (!group)
            continue;
        for (QGraphicsItem *child : group->childItems()) {
            // world-atlas writes the numeric codes with leading zeros ("004").
            const bool on = visited.count(QString::number(child->data(0).toString().toInt())) > 0;
            static_cast<QGraphicsPathItem *>(child)->setBrush(on ? kLandVisited : kLand);
        }
    }
}

void MapView::setSelectedPlace(int index)
{
    if (m_selected >= 0 && m_selected < static_cast<int>(m_markers.size()))
        m_markers[static_cast<std::size_t>(m_selected)]->setSelected(false);
    m_selected = index;
    if (m_selected >= 0 && m_selected < static_cast<int>(m_markers.size()))
        m_markers[static_cast<std::size_t>(m_selected)]->setSelected(true);
}

void MapView::focusOnData()
{
    QRectF box;
    if (m_data) {
        for (const SignInPlace &p : m_data->places)
            box |= QRectF(project({p.longitude, p.latitude}), QSizeF(0.01, 0.01));
        for (const TravelLeg &leg : m_data->legs) {
            box |= QRectF(project({leg.fromLongitude, leg.fromLatitude}), QSizeF(0.01, 0.01));
            box |= QRectF(project({leg.toLongitude, leg.toLatitude}), QSizeF(0.01, 0.01));
        }
    }
    const QRectF world(project({-180, 0}).x(), project({0, 85}).y(), 2 * project({180, 0}).x(),
                       project({0, -60}).y() - project({0, 85}).y());
    if (box.isNull()) {
        box = world;
    } else {
        // Never closer than about a continent: places need their surroundings to be read.
        const double minWidth = world.width() / 5, minHeight = world.height() / 5;
        if (box.width() < minWidth)
            box.adjust(-(minWidth - box.width()) / 2, 0, (minWidth - box.width()) / 2, 0);
        if (box.height() < minHeight)
            box.adjust(0, -(minHeight - box.height()) / 2, 0, (minHeight - box.height()) / 2);
        box.adjust(-box.width() * 0.25, -box.height() * 0.3, box.width() * 0.25, box.height() * 0.3);
    }
    fitInView(box, Qt::KeepAspectRatio);
    m_focusBox = box;
    m_autoFit = true;
    updateDetail();
}

QPoint MapView::placePosition(int index) const
{
    if (index < 0 || index >= static_cast<int>(m_markers.size()))
        return {};
    return mapFromScene(m_markers[static_cast<std::size_t>(index)]->pos());
}

int MapView::placeAt(QPoint viewportPos) const
{
    int best = -1;
    double bestRadius = 1e9;
    for (const MapMarkerItem *m : m_markers) {
        const QPoint c = mapFromScene(m->pos());
        const double d = std::hypot(c.x() - viewportPos.x(), c.y() - viewportPos.y());
        if (d <= m->radius() + 2 && m->radius() < bestRadius) {
            best = m->index();
            bestRadius = m->radius();
        }
    }
    return best;
}

bool MapView::showsFineDetail() const
{
    return m_fineItems && m_fineItems->isVisible();
}

void MapView::updateDetail()
{
    // The fine shapes once the world is wider than about 2,000 pixels.
    const bool fine = m_fine && (!m_coarseItems || transform().m11() > 2.3);
    if (fine && !m_fineItems) {
        m_fineItems = buildCountries(*m_fine);
        tintCountries();
    }
    if (m_fineItems)
        m_fineItems->setVisible(fine);
    if (m_coarseItems)
        m_coarseItems->setVisible(!fine);
}

void MapView::zoomBy(double factor)
{
    const double current = transform().m11();
    const double target = std::clamp(current * factor, 0.3, 80.0);
    scale(target / current, target / current);
    updateDetail();
}

void MapView::wheelEvent(QWheelEvent *event)
{
    m_autoFit = false;
    const double steps = event->angleDelta().y() / 120.0;
    if (steps != 0)
        zoomBy(std::pow(1.25, steps));
    event->accept();
}

void MapView::mousePressEvent(QMouseEvent *event)
{
    m_pressPos = event->position().toPoint();
    m_autoFit = false;
    QGraphicsView::mousePressEvent(event);
}

void MapView::mouseReleaseEvent(QMouseEvent *event)
{
    QGraphicsView::mouseReleaseEvent(event);
    const QPoint p = event->position().toPoint();
    if (event->button() == Qt::LeftButton && (p - m_pressPos).manhattanLength() < 5) {
        const int place = placeAt(p);
        if (place >= 0)
            emit placeClicked(place);
    }
}

void MapView::resizeEvent(QResizeEvent *event)
{
    QGraphicsView::resizeEvent(event);
    // Until the analyst zooms or pans, the view keeps what it was focused on in view.
    if (m_autoFit && !m_focusBox.isNull()) {
        fitInView(m_focusBox, Qt::KeepAspectRatio);
        updateDetail();
    }
}

} // namespace mp::ui
