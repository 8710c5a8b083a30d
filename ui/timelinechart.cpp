#include "ui/timelinechart.h"

#include "geo/countries.h"
#include "ui/textformat.h"

#include <QCategoryAxis>
#include <QChart>
#include <QCoreApplication>
#include <QDateTime>
#include <QGraphicsItem>
#include <QGraphicsTextItem>
#include <QGraphicsScene>
#include <QHelpEvent>
#include <QKeyEvent>
#include <QLegend>
#include <QLegendMarker>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QScatterSeries>
#include <QToolTip>
#include <QValueAxis>
#include <QWheelEvent>

#include <algorithm>
#include <climits>
#include <utility>
#include <unordered_map>
#include <cmath>

namespace mp::ui {

namespace {

constexpr std::int64_t kHourMs = 3600LL * 1000;
constexpr int kLegendCountries = 9;
constexpr double kLabelStrip = 13;   // finding names at the top of a lane
constexpr double kAxisHeight = 40;   // tick labels and the axis title under the lanes
constexpr double kMaxLaneHeight = 170;

const QColor kCountryPalette[] = {
    QColor(0x15, 0x65, 0xc0), QColor(0x00, 0x89, 0x7b), QColor(0xc6, 0x28, 0x28), QColor(0x6d, 0x4c, 0x41),
    QColor(0xd8, 0x1b, 0x60), QColor(0x82, 0x77, 0x17), QColor(0x00, 0x97, 0xa7), QColor(0x39, 0x49, 0xab),
    QColor(0x43, 0xa0, 0x47), QColor(0x54, 0x6e, 0x7a),
};

QString countryLabel(const std::string &code)
{
    if (code.empty())
        return QStringLiteral("not placed");
    const Country *c = findCountry(code);
    QString name = c ? qstr(c->name) : QString();
    // ISO's long forms ("Korea, Republic of") read badly in a legend.
    if (const qsizetype comma = name.indexOf(QLatin1Char(',')); comma > 0)
        name.truncate(comma);
    if (name.size() > 18)
        name = name.left(17) + QStringLiteral("…");
    return name.isEmpty() ? qstr(code) : QStringLiteral("%1 %2").arg(qstr(code), name);
}

QString elideMiddle(const QString &text, int max)
{
    if (text.size() <= max)
        return text;
    const int keep = (max - 1) / 2;
    return text.left(keep) + QStringLiteral("…") + text.right(max - 1 - keep);
}

QString localTime(std::int64_t ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

QString timeLine(std::int64_t ms)
{
    return QStringLiteral("%1 UTC <span style='color:#666'>(%2 local)</span>")
        .arg(formatTimeUtc(ms).toHtmlEscaped(), localTime(ms).toHtmlEscaped());
}

QString spanText(std::int64_t ms)
{
    if (ms < 60 * 1000)
        return QStringLiteral("%1 s").arg(ms / 1000);
    if (ms < kHourMs)
        return QStringLiteral("%1 min").arg(ms / 60000);
    if (ms < 48 * kHourMs)
        return QStringLiteral("%1 h %2 min").arg(ms / kHourMs).arg(ms / 60000 % 60);
    return QStringLiteral("%1 days").arg(ms / (24 * kHourMs));
}

void drawHaloText(QPainter &p, const QPointF &at, const QString &text, const QColor &color)
{
    QPainterPath path;
    path.addText(at, p.font(), text);
    p.save();
    p.setRenderHint(QPainter::Antialiasing, true);
    p.strokePath(path, QPen(QColor(255, 255, 255, 220), 3, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    p.fillPath(path, color);
    p.restore();
}

// Qt Charts 6.4 loses the text document of a chart's title (about 30 KB, inside Qt) for every
// chart view laid out before another one is. The leak sanitizer can only tell it apart from ours
// with whole call stacks, which Qt's libraries (built without frame pointers) do not give to the
// fast unwinder; tests/lsan.supp names the chart library.
#if defined(__SANITIZE_ADDRESS__)
extern "C" const char *__asan_default_options()
{
    return "fast_unwind_on_malloc=0";
}
#endif

} // namespace

// Everything on the lanes, drawn in one item so that a redraw costs one pass over the visible
// data rather than one graphics item per sign-in.
class TimelineLayer : public QGraphicsItem
{
public:
    explicit TimelineLayer(TimelineChart *view, QGraphicsItem *parent)
        : QGraphicsItem(parent)
        , m_view(view)
    {
        setAcceptedMouseButtons(Qt::NoButton);
        setZValue(10);
    }

    QRectF boundingRect() const override { return m_view->m_chart->rect(); }
    void geometryChanged() { prepareGeometryChange(); }

    void paint(QPainter *painter, const QStyleOptionGraphicsItem *, QWidget *) override;

private:
    void paintLane(QPainter &p, const TimeScale &scale, int laneIndex);
    void paintAxis(QPainter &p, const TimeScale &scale, const QRectF &plot);

    TimelineChart *m_view;
};

void TimelineLayer::paint(QPainter *painter, const QStyleOptionGraphicsItem *, QWidget *)
{
    QPainter &p = *painter;
    const QRectF plot = m_view->plotRect();
    if (plot.width() < 10 || plot.height() < 10)
        return;
    const TimeScale scale = m_view->scaleForPlot();
    const ActivityData *data = m_view->m_data.get();
    p.save();
    QFont small = m_view->font();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    p.setFont(small);
    if (!data || data->lanes.empty()) {
        p.setPen(QColor(0x60, 0x60, 0x60));
        p.drawText(plot, Qt::AlignCenter,
                   data ? QStringLiteral("No sign-ins, rule changes or sends for this selection")
                        : QStringLiteral("Open a case to see its activity over time"));
        p.restore();
        return;
    }
    for (int lane = 0; lane < static_cast<int>(data->lanes.size()); ++lane)
        paintLane(p, scale, lane);
    paintAxis(p, scale, plot);

    // The brushed range, and the one being dragged.
    p.setClipRect(plot);
    const auto band = [&](double x0, double x1, const QColor &fill) {
        const QRectF r(QPointF(std::min(x0, x1), plot.top()), QPointF(std::max(x0, x1), plot.bottom()));
        p.fillRect(r, fill);
        p.setPen(QPen(fill.darker(220), 1));
        p.drawLine(QLineF(r.topLeft(), r.bottomLeft()));
        p.drawLine(QLineF(r.topRight(), r.bottomRight()));
    };
    if (m_view->m_brushFrom != kNoTime || m_view->m_brushTo != kNoTime) {
        const double x0 = m_view->m_brushFrom == kNoTime ? plot.left() : scale.x(m_view->m_brushFrom);
        const double x1 = m_view->m_brushTo == kNoTime ? plot.right() : scale.x(m_view->m_brushTo);
        band(x0, std::max(x1, x0 + 1), QColor(0x19, 0x76, 0xd2, 38));
    }
    if (m_view->m_drag == TimelineChart::Drag::Brush)
        band(m_view->m_dragX0, m_view->m_dragX1, QColor(0x19, 0x76, 0xd2, 60));
    p.restore();
}

void TimelineLayer::paintLane(QPainter &p, const TimeScale &scale, int laneIndex)
{
    const ActivityData &data = *m_view->m_data;
    const ActivityLane &lane = data.lanes[static_cast<std::size_t>(laneIndex)];
    const TimelineChart::LaneGeometry g = m_view->laneGeometry(laneIndex);
    const bool highlighted = !m_view->m_highlight.isEmpty() && qstr(lane.user) == m_view->m_highlight;
    p.save();
    p.setClipRect(g.all);
    p.fillRect(g.all, highlighted ? QColor(0xff, 0xf4, 0xc8) : (laneIndex % 2 ? QColor(0xf3, 0xf5, 0xf8) : QColor(0xfc, 0xfc, 0xfd)));

    // Grid of the time ticks.
    const std::vector<TimeTick> ticks = utcTicks(scale.fromMs, scale.toMs, scale.width);
    for (const TimeTick &t : ticks) {
        const double x = scale.x(t.ms);
        p.setPen(QPen(t.major ? QColor(0xb0, 0xb8, 0xc4) : QColor(0xe2, 0xe6, 0xeb), 1));
        p.drawLine(QLineF(x, g.all.top(), x, g.all.bottom()));
    }

    const double left = g.all.left() - 20, right = g.all.right() + 20;
    const auto visible = [&](std::int64_t a, std::int64_t b) { return scale.x(b) >= left && scale.x(a) <= right; };

    // Findings as bands over the whole lane, the worst drawn last.
    for (std::size_t i = 0; i < lane.findings.size(); ++i) {
        const ActivityFinding &f = lane.findings[i];
        if (!visible(f.firstMs, f.lastMs))
            continue;
        const QRectF r = m_view->findingRect(laneIndex, static_cast<int>(i));
        QColor c = TimelineChart::severityColor(f.severity);
        const bool emphasised = f.id == m_view->m_highlightFinding;
        c.setAlpha(f.suppressed ? 18 : (emphasised ? 95 : 48));
        p.fillRect(r, c);
        if (emphasised) {
            p.setPen(QPen(c.darker(160), 2));
            p.drawRect(r.adjusted(1, 1, -1, -1));
        }
    }
    // Their names in the strip at the top, where they fit.
    {
        QFont bold = p.font();
        bold.setBold(true);
        p.setFont(bold);
        double usedTo = -1e9;
        for (std::size_t i = 0; i < lane.findings.size(); ++i) {
            const ActivityFinding &f = lane.findings[i];
            if (!visible(f.firstMs, f.lastMs) || f.suppressed)
                continue;
            const double x = std::max(scale.x(f.firstMs), g.all.left() + 2);
            if (x < usedTo)
                continue;
            const QString name = qstr(f.detector);
            p.setPen(TimelineChart::severityColor(f.severity).darker(150));
            p.drawText(QPointF(x + 2, g.all.top() + kLabelStrip - 2), name);
            usedTo = x + p.fontMetrics().horizontalAdvance(name) + 10;
        }
        bold.setBold(false);
        p.setFont(bold);
    }

    // Sessions: bars in the country's colour; failures-only sessions hatched. Bars that meet
    // within a pixel in the same row and colour are drawn as one.
    p.setRenderHint(QPainter::Antialiasing, false);
    struct Pending
    {
        QRectF rect;
        QColor color;
        bool failed = false;
        bool valid = false;
    };
    std::vector<Pending> pending(static_cast<std::size_t>(std::max(1, lane.sessionRows)));
    const auto flush = [&p](Pending &b) {
        if (!b.valid)
            return;
        QColor fill = b.color;
        fill.setAlpha(110);
        p.fillRect(b.rect, b.failed ? QBrush(b.color, Qt::BDiagPattern) : QBrush(fill));
        p.setPen(QPen(b.color.darker(115), 1));
        p.drawRect(b.rect);
        b.valid = false;
    };
    std::unordered_map<std::string, int> countryIndex;
    for (std::size_t c = 0; c < data.countries.size(); ++c)
        countryIndex.emplace(data.countries[c], static_cast<int>(c));
    for (std::size_t i = 0; i < lane.sessions.size(); ++i) {
        const ActivitySession &s = lane.sessions[i];
        if (!visible(s.startMs, s.endMs))
            continue;
        const QRectF r = m_view->sessionRect(laneIndex, static_cast<int>(i));
        const auto it = countryIndex.find(s.country);
        const QColor color = m_view->countryColor(it == countryIndex.end() ? 0 : it->second);
        const bool failed = s.successes == 0;
        Pending &b = pending[static_cast<std::size_t>(std::clamp(s.row, 0, lane.sessionRows - 1))];
        if (b.valid && b.color == color && b.failed == failed && r.left() <= b.rect.right() + 1) {
            b.rect.setRight(std::max(b.rect.right(), r.right()));
            continue;
        }
        flush(b);
        b = {r, color, failed, true};
    }
    for (Pending &b : pending)
        flush(b);

    // Sign-ins on their session's bar, one mark per pixel column, row, country and outcome.
    p.setRenderHint(QPainter::Antialiasing, true);
    {
        const auto begin = std::lower_bound(lane.signIns.begin(), lane.signIns.end(), scale.time(left),
                                            [](const ActivitySignIn &s, std::int64_t t) { return s.timeMs < t; });
        int column = INT_MIN;
        std::vector<std::uint64_t> seen;
        for (auto it = begin; it != lane.signIns.end(); ++it) {
            const double x = scale.x(it->timeMs);
            if (x > right)
                break;
            const int px = static_cast<int>(std::floor(x));
            if (px != column) {
                column = px;
                seen.clear();
            }
            const ActivitySession &session = lane.sessions[it->session];
            const bool failed = it->outcome == EventOutcome::Failure;
            const std::uint64_t key = (static_cast<std::uint64_t>(session.row) << 20) | (std::uint64_t{it->country} << 1) | (failed ? 1 : 0);
            if (std::find(seen.begin(), seen.end(), key) != seen.end())
                continue;
            seen.push_back(key);
            const QPointF c(x, m_view->sessionRowRect(laneIndex, session.row).center().y());
            const QColor color = m_view->countryColor(it->country);
            if (failed) {
                p.setPen(QPen(QColor(255, 255, 255, 230), 4, Qt::SolidLine, Qt::RoundCap));
                p.drawLine(c + QPointF(-3.5, -3.5), c + QPointF(3.5, 3.5));
                p.drawLine(c + QPointF(-3.5, 3.5), c + QPointF(3.5, -3.5));
                p.setPen(QPen(color.darker(120), 2, Qt::SolidLine, Qt::RoundCap));
                p.drawLine(c + QPointF(-3.5, -3.5), c + QPointF(3.5, 3.5));
                p.drawLine(c + QPointF(-3.5, 3.5), c + QPointF(3.5, -3.5));
            } else {
                p.setPen(QPen(Qt::white, 1.2));
                p.setBrush(color);
                p.drawEllipse(c, 4.2, 4.2);
            }
        }
    }

    // Rule (diamond) and forwarding (triangle) changes.
    {
        int column = INT_MIN;
        int drawnKinds = 0;
        for (std::size_t i = 0; i < lane.markers.size(); ++i) {
            const ActivityMarker &m = lane.markers[i];
            const QPointF c = m_view->markerPosition(laneIndex, static_cast<int>(i));
            if (c.x() < left || c.x() > right)
                continue;
            const int px = static_cast<int>(std::floor(c.x() / 3));
            const int kindBit = m.kind == ActivityMarker::Kind::RuleChange ? 1 : 2;
            if (px != column) {
                column = px;
                drawnKinds = 0;
            }
            if (drawnKinds & kindBit)
                continue;
            drawnKinds |= kindBit;
            const double r = std::clamp(g.markers.height() * 0.42, 4.0, 7.0);
            QPolygonF shape;
            if (m.kind == ActivityMarker::Kind::RuleChange)
                shape << c + QPointF(0, -r) << c + QPointF(r, 0) << c + QPointF(0, r) << c + QPointF(-r, 0);
            else
                shape << c + QPointF(0, -r) << c + QPointF(r, r * 0.8) << c + QPointF(-r, r * 0.8);
            p.setPen(QPen(Qt::white, 1));
            p.setBrush(m.kind == ActivityMarker::Kind::RuleChange ? TimelineChart::ruleColor() : TimelineChart::forwardingColor());
            p.drawPolygon(shape);
        }
    }

    // Sends per hour as bars; hours merged while an hour is narrower than 3 pixels.
    if (!lane.sendsPerHour.empty()) {
        p.setRenderHint(QPainter::Antialiasing, false);
        const double hourPx = static_cast<double>(kHourMs) / scale.msPerPixel();
        const std::int64_t hours = hourPx >= 3 ? 1 : static_cast<std::int64_t>(std::ceil(3 / hourPx));
        const std::int64_t binMs = hours * kHourMs;
        std::vector<std::pair<std::int64_t, int>> bins;
        for (const ActivitySends &s : lane.sendsPerHour) {
            const std::int64_t bin = (s.hourMs / binMs) * binMs;
            if (!bins.empty() && bins.back().first == bin)
                bins.back().second += s.count;
            else
                bins.push_back({bin, s.count});
        }
        int maxCount = 1;
        for (const auto &[bin, count] : bins) {
            if (visible(bin, bin + binMs))
                maxCount = std::max(maxCount, count);
        }
        const QColor c = TimelineChart::sendsColor();
        for (const auto &[bin, count] : bins) {
            if (!visible(bin, bin + binMs))
                continue;
            const double x0 = scale.x(bin), x1 = std::max(scale.x(bin + binMs) - 1, x0 + 1);
            const double h = std::max(1.5, (g.sends.height() - 2) * count / maxCount);
            const QRectF bar(x0, g.sends.bottom() - h, x1 - x0, h);
            p.fillRect(bar, QColor(c.red(), c.green(), c.blue(), 150));
            p.fillRect(QRectF(bar.left(), bar.top(), bar.width(), 1.5), c.darker(130));
        }
        const QString scaleText = hours == 1 ? QStringLiteral("sends: max %1/h").arg(maxCount)
                                             : QStringLiteral("sends: max %1 per %2 h").arg(maxCount).arg(hours);
        if (g.all.height() >= 70)
            drawHaloText(p, QPointF(g.all.left() + 4, g.sends.top() + p.fontMetrics().ascent() - 2), scaleText,
                         QColor(0x37, 0x47, 0x4f));
    }
    if (lane.truncated) {
        p.setPen(QColor(0xb7, 0x1c, 0x1c));
        p.drawText(g.all.adjusted(0, 0, -4, 0), Qt::AlignRight | Qt::AlignTop, QStringLiteral("(truncated)"));
    }
    p.restore();
    p.setPen(QPen(QColor(0xc8, 0xce, 0xd6), 1));
    p.drawLine(QLineF(g.all.bottomLeft(), g.all.bottomRight()));
}

void TimelineLayer::paintAxis(QPainter &p, const TimeScale &scale, const QRectF &plot)
{
    const std::vector<TimeTick> ticks = utcTicks(scale.fromMs, scale.toMs, scale.width);
    const QFontMetrics fm = p.fontMetrics();
    QFont normal = p.font();
    QFont bold = normal;
    bold.setBold(true);
    double usedTo = -1e9;
    for (const TimeTick &t : ticks) {
        const double x = scale.x(t.ms);
        p.setPen(QPen(QColor(0x70, 0x78, 0x80), 1));
        p.drawLine(QLineF(x, plot.bottom(), x, plot.bottom() + (t.major ? 7 : 4)));
        const QString label = qstr(t.label);
        // Ticks that carry a date stand out.
        p.setFont(label.contains(QLatin1Char(' ')) ? bold : normal);
        const double w = p.fontMetrics().horizontalAdvance(label);
        const double lx = std::clamp(x - w / 2, plot.left() - 30, plot.right() - w + 30);
        if (lx < usedTo)
            continue;
        p.setPen(QColor(0x30, 0x36, 0x3c));
        p.drawText(QPointF(lx, plot.bottom() + 8 + fm.ascent()), label);
        usedTo = lx + w + 8;
    }
    const int offset = QDateTime::currentDateTime().offsetFromUtc();
    const QString title = QStringLiteral("Time in UTC · your local time is %1 · shown %2 – %3 UTC")
                              .arg(qstr(utcOffsetText(offset)), formatTimeUtc(scale.fromMs), formatTimeUtc(scale.toMs));
    p.setFont(normal);
    p.setPen(QColor(0x55, 0x5d, 0x66));
    p.drawText(QRectF(plot.left(), plot.bottom() + 8 + fm.height(), plot.width(), fm.height() + 4),
               Qt::AlignRight | Qt::AlignVCenter, title);
}

// --- TimelineChart --------------------------------------------------------------------------

TimelineChart::TimelineChart(QWidget *parent)
    : QChartView(parent)
{
    qRegisterMetaType<mp::ui::TimelineChart::Hit>();
    m_chart = new QChart();
    m_chart->setAnimationOptions(QChart::NoAnimation);
    m_chart->setBackgroundRoundness(0);
    m_chart->setMargins(QMargins(4, 2, 12, static_cast<int>(kAxisHeight)));
    m_chart->legend()->setAlignment(Qt::AlignTop);
    m_chart->legend()->setMarkerShape(QLegend::MarkerShapeCircle);
    QFont legendFont = font();
    legendFont.setPointSizeF(legendFont.pointSizeF() * 0.85);
    m_chart->legend()->setFont(legendFont);
    setChart(m_chart);
    setRenderHint(QPainter::Antialiasing, true);
    setRubberBand(QChartView::NoRubberBand);
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setMinimumHeight(160);

    m_timeAxis = new QValueAxis(m_chart);
    m_timeAxis->setVisible(false);
    m_chart->addAxis(m_timeAxis, Qt::AlignBottom);
    m_layer = new TimelineLayer(this, m_chart);
    connect(m_chart, &QChart::plotAreaChanged, this, [this] {
        m_layer->geometryChanged();
        if (m_laneAxis)
            m_laneAxis->setRange(0, laneSlots());
        m_layer->update();
    });
    const std::int64_t now = QDateTime::currentMSecsSinceEpoch();
    m_scale.fromMs = now - 24 * kHourMs;
    m_scale.toMs = now;
    rebuildChart();
}

TimelineChart::~TimelineChart() = default;

void TimelineChart::setActivity(std::shared_ptr<const ActivityData> data)
{
    m_data = std::move(data);
    rebuildChart();
    m_layer->update();
}

QStringList TimelineChart::laneUsers() const
{
    QStringList users;
    if (m_data) {
        for (const ActivityLane &lane : m_data->lanes)
            users << qstr(lane.user);
    }
    return users;
}

int TimelineChart::laneOf(const QString &user) const
{
    return static_cast<int>(laneUsers().indexOf(user.toLower()));
}

void TimelineChart::rebuildChart()
{
    for (QAbstractSeries *s : m_chart->series())
        m_chart->removeSeries(s), delete s;
    if (m_laneAxis) {
        m_chart->removeAxis(m_laneAxis);
        delete m_laneAxis;
    }
    m_laneAxis = new QCategoryAxis(m_chart);
    m_laneAxis->setLabelsPosition(QCategoryAxis::AxisLabelsPositionCenter);
    m_laneAxis->setReverse(true);
    m_laneAxis->setGridLineVisible(false);
    m_laneAxis->setLineVisible(false);
    QFont laneFont = font();
    laneFont.setPointSizeF(laneFont.pointSizeF() * 0.9);
    m_laneAxis->setLabelsFont(laneFont);
    const int lanes = m_data ? static_cast<int>(m_data->lanes.size()) : 0;
    // Users of one domain are told apart by the part before the @ (the tool tip has it all).
    QString domain;
    bool oneDomain = lanes > 0;
    for (int i = 0; i < lanes && oneDomain; ++i) {
        const QString user = qstr(m_data->lanes[static_cast<std::size_t>(i)].user);
        const QString d = user.section(QLatin1Char('@'), 1);
        oneDomain = !d.isEmpty() && (domain.isEmpty() || d == domain);
        domain = d;
    }
    QStringList used;
    for (int i = 0; i < lanes; ++i) {
        QString user = qstr(m_data->lanes[static_cast<std::size_t>(i)].user);
        if (oneDomain)
            user = user.section(QLatin1Char('@'), 0, 0);
        // Axis labels are rich text, and user names come from the logs.
        QString label = elideMiddle(user, 20).toHtmlEscaped();
        while (used.contains(label))
            label += QLatin1Char(' ');
        used << label;
        m_laneAxis->append(label, i + 1);
    }
    m_laneAxis->setRange(0, laneSlots());
    if (lanes == 0)
        m_laneAxis->append(QStringLiteral(" "), 1);
    m_chart->addAxis(m_laneAxis, Qt::AlignLeft);

    // The legend: one entry per country (most frequent first), drawn from empty series.
    if (m_data) {
        const int countries = static_cast<int>(m_data->countries.size());
        for (int c = 1; c <= std::min(countries - 1, kLegendCountries); ++c) {
            auto *s = new QScatterSeries(m_chart);
            s->setName(countryLabel(m_data->countries[static_cast<std::size_t>(c)]).toHtmlEscaped());
            s->setColor(countryColor(c));
            s->setBorderColor(countryColor(c));
            m_chart->addSeries(s);
            s->attachAxis(m_timeAxis);
            s->attachAxis(m_laneAxis);
        }
        if (countries - 1 > kLegendCountries || (countries > 0 && m_data->countries.size() == 1)) {
            auto *s = new QScatterSeries(m_chart);
            s->setName(countries - 1 > kLegendCountries ? QStringLiteral("other countries") : QStringLiteral("not placed"));
            s->setColor(QColor(0x9e, 0x9e, 0x9e));
            m_chart->addSeries(s);
            s->attachAxis(m_timeAxis);
            s->attachAxis(m_laneAxis);
        }
    }
    m_chart->legend()->setVisible(!m_chart->series().isEmpty());
    applyScale();
}

QColor TimelineChart::countryColor(int country) const
{
    if (country <= 0)
        return QColor(0x9e, 0x9e, 0x9e);
    if (country > kLegendCountries)
        return QColor(0x9e, 0x9e, 0x9e);
    return kCountryPalette[(country - 1) % std::size(kCountryPalette)];
}

QColor TimelineChart::severityColor(Severity severity)
{
    switch (severity) {
    case Severity::Critical: return QColor(0xb7, 0x1c, 0x1c);
    case Severity::High: return QColor(0xe5, 0x39, 0x35);
    case Severity::Medium: return QColor(0xfb, 0x8c, 0x00);
    case Severity::Low: return QColor(0xf9, 0xa8, 0x25);
    case Severity::Informational: break;
    }
    return QColor(0x90, 0xa4, 0xae);
}

void TimelineChart::setVisibleRange(std::int64_t fromMs, std::int64_t toMs)
{
    if (toMs <= fromMs)
        toMs = fromMs + 60 * 1000;
    m_scale.fromMs = fromMs;
    m_scale.toMs = toMs;
    applyScale();
}

void TimelineChart::fit()
{
    if (!m_data || m_data->firstMs == kNoTime) {
        m_layer->update();
        return;
    }
    const std::int64_t span = std::max<std::int64_t>(m_data->lastMs - m_data->firstMs, kHourMs);
    const std::int64_t pad = span / 30 + 60 * 1000;
    setVisibleRange(m_data->firstMs - pad, m_data->firstMs + span + pad);
}

void TimelineChart::zoomBy(double factor)
{
    const QRectF plot = plotRect();
    m_scale = scaleForPlot().zoomed(factor, plot.center().x());
    applyScale();
}

void TimelineChart::applyScale()
{
    // Panning and zooming stay between 1900 and 2200: far enough for any log, and the
    // arithmetic on times can never overflow.
    constexpr std::int64_t kEarliest = -2208988800000LL, kLatest = 7258118400000LL;
    const std::int64_t span = std::clamp<std::int64_t>(m_scale.toMs - m_scale.fromMs, 1000, kLatest - kEarliest);
    m_scale.fromMs = std::clamp(m_scale.fromMs, kEarliest, kLatest - span);
    m_scale.toMs = m_scale.fromMs + span;
    m_timeAxis->setRange(static_cast<double>(m_scale.fromMs), static_cast<double>(m_scale.toMs));
    m_layer->update();
    emit visibleRangeChanged(m_scale.fromMs, m_scale.toMs);
}

TimeScale TimelineChart::scaleForPlot() const
{
    const QRectF plot = plotRect();
    TimeScale s = m_scale;
    s.left = plot.left();
    s.width = std::max(1.0, plot.width());
    return s;
}

void TimelineChart::setBrush(std::int64_t fromMs, std::int64_t toMs)
{
    m_brushFrom = fromMs;
    m_brushTo = toMs;
    m_layer->update();
}

void TimelineChart::setHighlightedUser(const QString &user)
{
    m_highlight = user.toLower();
    m_layer->update();
}

void TimelineChart::setHighlightedFinding(std::int64_t findingId)
{
    m_highlightFinding = findingId;
    m_layer->update();
}

QRectF TimelineChart::plotRect() const
{
    return m_chart->plotArea();
}

TimelineChart::LaneGeometry TimelineChart::laneGeometry(int lane) const
{
    const QRectF plot = plotRect();
    const double h = plot.height() / laneSlots();
    LaneGeometry g;
    g.all = QRectF(plot.left(), plot.top() + lane * h, plot.width(), h);
    const QRectF inner = g.all.adjusted(0, kLabelStrip, 0, -3);
    const double mh = inner.height() * 0.2, sh = inner.height() * 0.5;
    g.markers = QRectF(inner.left(), inner.top(), inner.width(), mh);
    g.sessions = QRectF(inner.left(), inner.top() + mh, inner.width(), sh);
    g.sends = QRectF(inner.left(), inner.top() + mh + sh, inner.width(), inner.height() - mh - sh);
    return g;
}

int TimelineChart::laneSlots() const
{
    // Lanes no taller than kMaxLaneHeight: a few users leave room below rather than stretch.
    const int lanes = m_data ? std::max<int>(1, static_cast<int>(m_data->lanes.size())) : 1;
    return std::max(lanes, static_cast<int>(std::ceil(plotRect().height() / kMaxLaneHeight)));
}

QRectF TimelineChart::laneRect(int lane) const
{
    return laneGeometry(lane).all;
}

QRectF TimelineChart::sessionRowRect(int lane, int row) const
{
    const LaneGeometry g = laneGeometry(lane);
    const int rows = m_data && lane >= 0 && lane < static_cast<int>(m_data->lanes.size())
                         ? std::max(1, m_data->lanes[static_cast<std::size_t>(lane)].sessionRows)
                         : 1;
    const double rh = g.sessions.height() / rows;
    const double bar = std::min(rh * 0.8, 16.0);
    return QRectF(g.sessions.left(), g.sessions.top() + row * rh + (rh - bar) / 2, g.sessions.width(), bar);
}

double TimelineChart::xOf(std::int64_t ms) const
{
    return scaleForPlot().x(ms);
}

std::int64_t TimelineChart::timeAt(double x) const
{
    return scaleForPlot().time(x);
}

QRectF TimelineChart::sessionRect(int lane, int index) const
{
    const ActivitySession &s = m_data->lanes[static_cast<std::size_t>(lane)].sessions[static_cast<std::size_t>(index)];
    const QRectF row = sessionRowRect(lane, s.row);
    const double x0 = xOf(s.startMs), x1 = std::max(xOf(s.endMs), x0 + 2);
    return QRectF(x0 - 4, row.top(), x1 - x0 + 8, row.height());
}

QPointF TimelineChart::signInPosition(int lane, int index) const
{
    const ActivityLane &l = m_data->lanes[static_cast<std::size_t>(lane)];
    const ActivitySignIn &s = l.signIns[static_cast<std::size_t>(index)];
    return {xOf(s.timeMs), sessionRowRect(lane, l.sessions[s.session].row).center().y()};
}

QPointF TimelineChart::markerPosition(int lane, int index) const
{
    const ActivityMarker &m = m_data->lanes[static_cast<std::size_t>(lane)].markers[static_cast<std::size_t>(index)];
    return {xOf(m.timeMs), laneGeometry(lane).markers.center().y()};
}

QRectF TimelineChart::findingRect(int lane, int index) const
{
    const ActivityFinding &f = m_data->lanes[static_cast<std::size_t>(lane)].findings[static_cast<std::size_t>(index)];
    const QRectF all = laneRect(lane);
    const double x0 = xOf(f.firstMs), x1 = std::max(xOf(f.lastMs), x0 + 4);
    return QRectF(x0 - 2, all.top(), x1 - x0 + 4, all.height());
}

TimelineChart::Hit TimelineChart::hitAt(QPoint viewportPos) const
{
    Hit hit;
    if (!m_data)
        return hit;
    const QPointF pos = m_chart->mapFromScene(mapToScene(viewportPos));
    if (!plotRect().contains(pos))
        return hit;
    for (int lane = 0; lane < static_cast<int>(m_data->lanes.size()); ++lane) {
        const LaneGeometry g = laneGeometry(lane);
        if (!g.all.contains(pos))
            continue;
        const ActivityLane &l = m_data->lanes[static_cast<std::size_t>(lane)];
        hit.lane = lane;
        hit.kind = Hit::Kind::Lane;
        const std::int64_t t0 = timeAt(pos.x() - 6), t1 = timeAt(pos.x() + 6);
        double best = 8;
        for (std::size_t i = 0; i < l.markers.size(); ++i) {
            if (l.markers[i].timeMs < t0 || l.markers[i].timeMs > t1)
                continue;
            const double d = QLineF(markerPosition(lane, static_cast<int>(i)), pos).length();
            if (d < best) {
                best = d;
                hit.kind = Hit::Kind::Marker;
                hit.index = static_cast<int>(i);
            }
        }
        if (hit.kind == Hit::Kind::Marker)
            return hit;
        best = 6;
        auto it = std::lower_bound(l.signIns.begin(), l.signIns.end(), t0,
                                   [](const ActivitySignIn &s, std::int64_t t) { return s.timeMs < t; });
        for (; it != l.signIns.end() && it->timeMs <= t1; ++it) {
            const int i = static_cast<int>(it - l.signIns.begin());
            const double d = QLineF(signInPosition(lane, i), pos).length();
            if (d < best) {
                best = d;
                hit.kind = Hit::Kind::SignIn;
                hit.index = i;
            }
        }
        if (hit.kind == Hit::Kind::SignIn)
            return hit;
        for (std::size_t i = 0; i < l.sessions.size(); ++i) {
            if (sessionRect(lane, static_cast<int>(i)).contains(pos)) {
                hit.kind = Hit::Kind::Session;
                hit.index = static_cast<int>(i);
                return hit;
            }
        }
        if (g.sends.contains(pos)) {
            const std::int64_t t = timeAt(pos.x());
            for (std::size_t i = 0; i < l.sendsPerHour.size(); ++i) {
                const std::int64_t h = l.sendsPerHour[i].hourMs;
                if (t >= h - kHourMs / 4 && t < h + kHourMs + kHourMs / 4) {
                    hit.kind = Hit::Kind::Sends;
                    hit.index = static_cast<int>(i);
                    return hit;
                }
            }
        }
        // The narrowest finding band under the mouse.
        double narrowest = 1e18;
        for (std::size_t i = 0; i < l.findings.size(); ++i) {
            const QRectF r = findingRect(lane, static_cast<int>(i));
            if (r.contains(pos) && r.width() < narrowest) {
                narrowest = r.width();
                hit.kind = Hit::Kind::Finding;
                hit.index = static_cast<int>(i);
            }
        }
        return hit;
    }
    return hit;
}

QString TimelineChart::toolTipFor(const Hit &hit) const
{
    if (!m_data || hit.lane < 0 || hit.lane >= static_cast<int>(m_data->lanes.size()))
        return {};
    const ActivityLane &l = m_data->lanes[static_cast<std::size_t>(hit.lane)];
    const auto e = [](const std::string &s) { return qstr(s).toHtmlEscaped(); };
    const auto i = static_cast<std::size_t>(std::max(0, hit.index));
    switch (hit.kind) {
    case Hit::Kind::None:
        return {};
    case Hit::Kind::Lane:
        return QStringLiteral("<b>%1</b><br>%2 sign-ins in %3 sessions · %4 rule or forwarding changes<br>"
                              "<i>Click: select this user · drag: select a time range</i>")
            .arg(e(l.user))
            .arg(formatCount(static_cast<std::int64_t>(l.signIns.size())))
            .arg(formatCount(static_cast<std::int64_t>(l.sessions.size())))
            .arg(l.markers.size());
    case Hit::Kind::Session: {
        const ActivitySession &s = l.sessions[i];
        QString place = s.city.empty() ? e(s.country) : e(s.city) + QStringLiteral(", ") + e(s.country);
        if (place.isEmpty())
            place = QStringLiteral("not placed");
        QStringList ips;
        for (const std::string &ip : s.ips)
            ips << e(ip);
        if (s.ipCount > static_cast<int>(s.ips.size()))
            ips << QStringLiteral("…");
        return QStringLiteral("<b>Session from %1</b><br>%2<br>to %3 (%4)<br>%5 successful, %6 failed sign-ins<br>IP: %7")
            // One multi-argument call: a '%5' in a log's city name is never read as a placeholder.
            .arg(place, timeLine(s.startMs), timeLine(s.endMs), spanText(s.endMs - s.startMs), QString::number(s.successes),
                 QString::number(s.failures), ips.join(QStringLiteral(", ")));
    }
    case Hit::Kind::SignIn: {
        const ActivitySignIn &s = l.signIns[i];
        const ActivitySession &session = l.sessions[s.session];
        return QStringLiteral("<b>%1 sign-in</b> from %2<br>%3<br>IP: %4")
            .arg(s.outcome == EventOutcome::Failure ? QStringLiteral("Failed") : QStringLiteral("Successful"),
                 countryLabel(m_data->countries[s.country]).toHtmlEscaped(), timeLine(s.timeMs),
                 session.ips.empty() ? QStringLiteral("—") : e(session.ips.front()) + (session.ipCount > 1 ? QStringLiteral(" …") : QString()));
    }
    case Hit::Kind::Marker: {
        const ActivityMarker &m = l.markers[i];
        return QStringLiteral("<b>%1</b> (%2)<br>%3<br>%4<br><i>Click: show the record</i>")
            .arg(m.kind == ActivityMarker::Kind::RuleChange ? QStringLiteral("Inbox rule change") : QStringLiteral("Forwarding change"),
                 e(m.operation), timeLine(m.timeMs), e(m.text));
    }
    case Hit::Kind::Finding: {
        const ActivityFinding &f = l.findings[i];
        return QStringLiteral("<b>%1</b> · %2 · score %3%4<br>%5<br>%6 – %7")
            .arg(e(f.detector), qstr(severityName(f.severity)))
            .arg(f.score, 0, 'f', 0)
            .arg(f.suppressed ? QStringLiteral(" · suppressed") : QString(), e(f.summary), formatTimeUtc(f.firstMs),
                 formatTimeUtc(f.lastMs));
    }
    case Hit::Kind::Sends: {
        const ActivitySends &s = l.sendsPerHour[i];
        return QStringLiteral("<b>%1 messages sent</b><br>in the hour from %2").arg(s.count).arg(timeLine(s.hourMs));
    }
    }
    return {};
}

// --- interaction ----------------------------------------------------------------------------

void TimelineChart::resizeEvent(QResizeEvent *event)
{
    QChartView::resizeEvent(event);
    m_layer->geometryChanged();
    m_layer->update();
}

void TimelineChart::wheelEvent(QWheelEvent *event)
{
    const double steps = event->angleDelta().y() / 120.0;
    if (steps == 0) {
        event->ignore();
        return;
    }
    const QPointF pos = m_chart->mapFromScene(mapToScene(event->position().toPoint()));
    m_scale = scaleForPlot().zoomed(std::pow(0.8, steps), pos.x());
    applyScale();
    event->accept();
}

void TimelineChart::mousePressEvent(QMouseEvent *event)
{
    const QPointF pos = m_chart->mapFromScene(mapToScene(event->position().toPoint()));
    m_pressPos = m_lastPos = event->position().toPoint();
    const bool pan = event->button() == Qt::RightButton || event->button() == Qt::MiddleButton
                     || (event->button() == Qt::LeftButton && (event->modifiers() & Qt::ShiftModifier));
    if (pan) {
        m_drag = Drag::Pan;
        setCursor(Qt::ClosedHandCursor);
    } else if (event->button() == Qt::LeftButton && plotRect().contains(pos)) {
        m_drag = Drag::Brush;
        m_dragX0 = m_dragX1 = pos.x();
    }
    event->accept();
}

void TimelineChart::mouseMoveEvent(QMouseEvent *event)
{
    const QPoint p = event->position().toPoint();
    if (m_drag == Drag::Pan) {
        m_scale = scaleForPlot().panned(p.x() - m_lastPos.x());
        applyScale();
    } else if (m_drag == Drag::Brush) {
        const QRectF plot = plotRect();
        m_dragX1 = std::clamp(m_chart->mapFromScene(mapToScene(p)).x(), plot.left(), plot.right());
        m_layer->update();
    }
    m_lastPos = p;
    event->accept();
}

void TimelineChart::mouseReleaseEvent(QMouseEvent *event)
{
    const Drag drag = m_drag;
    m_drag = Drag::None;
    unsetCursor();
    const QPoint p = event->position().toPoint();
    if (drag == Drag::Brush) {
        const QRectF plot = plotRect();
        m_dragX1 = std::clamp(m_chart->mapFromScene(mapToScene(p)).x(), plot.left(), plot.right());
        if (std::abs(m_dragX1 - m_dragX0) >= 4) {
            const std::int64_t a = timeAt(std::min(m_dragX0, m_dragX1)), b = timeAt(std::max(m_dragX0, m_dragX1));
            setBrush(a, b);
            emit rangeBrushed(a, b);
        } else {
            m_layer->update();
            emit clicked(hitAt(p));
        }
    }
    event->accept();
}

void TimelineChart::mouseDoubleClickEvent(QMouseEvent *event)
{
    // A double click zooms in on what is under the mouse.
    const QPointF pos = m_chart->mapFromScene(mapToScene(event->position().toPoint()));
    if (plotRect().contains(pos)) {
        m_scale = scaleForPlot().zoomed(0.5, pos.x());
        applyScale();
    }
    event->accept();
}

void TimelineChart::keyPressEvent(QKeyEvent *event)
{
    switch (event->key()) {
    case Qt::Key_Plus:
    case Qt::Key_Equal: zoomBy(0.7); break;
    case Qt::Key_Minus: zoomBy(1 / 0.7); break;
    case Qt::Key_Left:
        m_scale = scaleForPlot().panned(plotRect().width() / 8);
        applyScale();
        break;
    case Qt::Key_Right:
        m_scale = scaleForPlot().panned(-plotRect().width() / 8);
        applyScale();
        break;
    case Qt::Key_Home:
    case Qt::Key_0: fit(); break;
    default: QChartView::keyPressEvent(event); return;
    }
    event->accept();
}

bool TimelineChart::viewportEvent(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const QString text = toolTipFor(hitAt(help->pos()));
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), text, viewport());
        return true;
    }
    return QChartView::viewportEvent(event);
}

} // namespace mp::ui
