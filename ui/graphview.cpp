#include "ui/graphview.h"

#include "ui/backgroundpool.h"

#include <QFile>
#include <QFutureWatcher>
#include <QGraphicsItem>
#include <QGraphicsScene>
#include <QImage>
#include <QMouseEvent>
#include <QPainter>
#include <QPixmapCache>
#include <QScrollBar>
#include <QStaticText>
#include <QStyleOptionGraphicsItem>
#include <QSvgGenerator>
#include <QTimer>
#include <QToolTip>
#include <QWheelEvent>
#include <QtConcurrent>

#include <algorithm>
#include <cmath>

namespace mp::ui {

namespace {

constexpr double kUserRadius = 11;
const QColor kFindingRing(0xc6, 0x28, 0x28);
const QColor kSelectedHalo(0xff, 0xc1, 0x07);
const QColor kHighlightHalo(0xff, 0x6f, 0x00, 110);
const QColor kDismissedRing(0x9e, 0x9e, 0x9e);

// A type's colour faded towards white: a node whose findings the analyst dismissed.
QColor mutedColor(const QColor &c)
{
    return QColor((c.red() + 3 * 235) / 4, (c.green() + 3 * 235) / 4, (c.blue() + 3 * 235) / 4);
}

QString shortLabel(const GraphNode &n)
{
    QString text = QString::fromStdString(n.label);
    switch (n.type) {
    case NodeType::User:
        text = text.section(QLatin1Char('@'), 0, 0); // the tenant's domain is the same for all
        break;
    case NodeType::Rule:
        text = QStringLiteral("rule “%1”").arg(text);
        break;
    default:
        break;
    }
    // Attacker-controlled text: never let a long name or a control character spoil the picture.
    for (QChar &c : text) {
        if (c.category() == QChar::Other_Control || c.category() == QChar::Other_Format)
            c = QLatin1Char(' ');
    }
    if (text.size() > 28)
        text = text.left(27) + QChar(0x2026);
    return text;
}

double radiusOf(const GraphNode &n)
{
    if (n.type == NodeType::User)
        return kUserRadius;
    return std::min(24.0, 8.0 + 3.0 * std::log2(1.0 + n.users));
}

} // namespace

QColor nodeColor(NodeType type)
{
    switch (type) {
    case NodeType::User: return QColor(0x2f, 0x6f, 0xd0);
    case NodeType::Ip: return QColor(0xe6, 0x85, 0x10);
    case NodeType::Network: return QColor(0x86, 0x4f, 0xc2);
    case NodeType::Country: return QColor(0x2e, 0x9a, 0x55);
    case NodeType::Rule: return QColor(0xd2, 0x3f, 0x31);
    case NodeType::Address: return QColor(0xc2, 0x18, 0x7a);
    case NodeType::ClientApp: return QColor(0x60, 0x7d, 0x8b);
    }
    return Qt::gray;
}

QPainterPath nodeShape(NodeType type, double r)
{
    QPainterPath path;
    auto polygon = [&](int corners, double rotation) {
        QPolygonF poly;
        for (int i = 0; i < corners; ++i) {
            const double a = rotation + 2 * M_PI * i / corners;
            poly << QPointF(r * std::cos(a), r * std::sin(a));
        }
        poly << poly.front();
        path.addPolygon(poly);
    };
    switch (type) {
    case NodeType::User: path.addEllipse(QPointF(0, 0), r, r); break;
    case NodeType::Ip: path.addRect(-r * 0.85, -r * 0.85, r * 1.7, r * 1.7); break;
    case NodeType::Network: polygon(6, 0); break;
    case NodeType::Country: polygon(4, 0); break;
    case NodeType::Rule: polygon(3, -M_PI / 2); break;
    case NodeType::Address: path.addRoundedRect(-r, -r * 0.7, 2 * r, r * 1.4, r * 0.3, r * 0.3); break;
    case NodeType::ClientApp: polygon(5, -M_PI / 2); break;
    }
    return path;
}

void paintGraphLegend(QPainter &p, const QPointF &topLeft)
{
    p.save();
    p.setRenderHint(QPainter::Antialiasing);
    QFont font = p.font();
    font.setPointSizeF(8.5);
    p.setFont(font);
    const QFontMetricsF fm(font);
    const double row = std::max(16.0, fm.height() + 3);
    const int rows = kNodeTypeCount + 4;
    const double width = fm.horizontalAdvance(QStringLiteral("Hub (shared by many users)")) + 40;
    const QRectF box(topLeft, QSizeF(width, row * rows + 10));
    p.setPen(QColor(0, 0, 0, 60));
    p.setBrush(QColor(255, 255, 255, 225));
    p.drawRoundedRect(box, 4, 4);
    double y = topLeft.y() + 5 + row / 2;
    const double x = topLeft.x() + 14;
    auto text = [&](const QString &t) {
        p.setPen(QColor(0x22, 0x22, 0x22));
        p.drawText(QRectF(x + 14, y - row / 2, width - 30, row), Qt::AlignVCenter | Qt::AlignLeft, t);
        y += row;
    };
    for (int i = 0; i < kNodeTypeCount; ++i) {
        const auto type = static_cast<NodeType>(i);
        p.setPen(QPen(nodeColor(type).darker(150), 1));
        p.setBrush(nodeColor(type));
        p.drawPath(nodeShape(type, 5.5).translated(x, y));
        text(QString::fromLatin1(nodeTypeTitle(type)));
    }
    p.setPen(QPen(QColor(0x90, 0x90, 0x90), 1, Qt::DashLine));
    p.setBrush(QColor(0xdd, 0xdd, 0xdd));
    p.drawEllipse(QPointF(x, y), 5.5, 5.5);
    text(QStringLiteral("Hub (shared by many users)"));
    p.setPen(QPen(kFindingRing, 2.5));
    p.setBrush(Qt::white);
    p.drawEllipse(QPointF(x, y), 5, 5);
    text(QStringLiteral("Has findings"));
    p.setPen(QPen(kDismissedRing, 2, Qt::DotLine));
    p.setBrush(mutedColor(nodeColor(NodeType::User)));
    p.drawEllipse(QPointF(x, y), 5, 5);
    text(QStringLiteral("Findings dismissed"));
    p.setPen(QPen(kHighlightHalo, 5));
    p.setBrush(Qt::NoBrush);
    p.drawEllipse(QPointF(x, y), 5, 5);
    text(QStringLiteral("Highlighted campaign"));
    p.restore();
}

class GraphNodeItem : public QGraphicsItem
{
public:
    GraphNodeItem(const GraphNode &node, std::uint32_t index)
        : m_node(node)
        , m_index(index)
        , m_radius(radiusOf(node))
        , m_shape(nodeShape(node.type, m_radius))
        , m_label(shortLabel(node))
    {
        setZValue(1);
        setAcceptHoverEvents(false);
        QString tip = QString::fromLatin1(nodeTypeTitle(node.type)) + QStringLiteral(": ") + QString::fromStdString(node.label);
        if (node.hub)
            tip += QStringLiteral("\nhub: used by %1 users").arg(node.activeUsers);
        if (!node.findings.empty())
            tip += QStringLiteral("\n%1 findings").arg(node.findings.size());
        setToolTip(tip);
    }

    std::uint32_t index() const { return m_index; }
    const GraphNode &node() const { return m_node; }
    void setSelectedNode(bool on)
    {
        m_selected = on;
        setZValue(on ? 3 : (m_highlighted ? 2 : 1));
        update();
    }
    // Every finding of the node triaged false positive or benign: drawn muted.
    void setDismissed(bool on)
    {
        if (on != m_dismissed) {
            m_dismissed = on;
            update();
        }
    }
    bool dismissed() const { return m_dismissed; }
    void setHighlighted(bool on)
    {
        m_highlighted = on;
        setZValue(m_selected ? 3 : (on ? 2 : 1));
        update();
    }

    QRectF boundingRect() const override
    {
        // Room for the label below the shape: it keeps its size on screen, so when zoomed out it
        // is wider in the scene than the node.
        const double r = m_radius + 8;
        return QRectF(-std::max(r, 140.0), -r, 2 * std::max(r, 140.0), 2 * r + 30);
    }
    QPainterPath shape() const override { return m_shape; }

    void paint(QPainter *p, const QStyleOptionGraphicsItem *option, QWidget *widget) override
    {
        const double lod = option->levelOfDetailFromTransform(p->worldTransform());
        // While the view pans or zooms, shapes are drawn without smoothing (thousands of small
        // smoothed outlines are most of a frame); the frame after the move smooths them again.
        // Pictures for export have no widget and are always smoothed.
        const auto *view = widget ? qobject_cast<const GraphView *>(widget->parentWidget()) : nullptr;
        const bool smooth = p->testRenderHint(QPainter::Antialiasing);
        if (view && view->isMoving())
            p->setRenderHint(QPainter::Antialiasing, false);
        paintNode(p, lod);
        p->setRenderHint(QPainter::Antialiasing, smooth);
    }

private:
    void paintNode(QPainter *p, double lod)
    {
        if (m_highlighted) {
            p->setPen(QPen(kHighlightHalo, 9));
            p->setBrush(Qt::NoBrush);
            p->drawPath(m_shape);
        }
        if (m_selected) {
            p->setPen(QPen(kSelectedHalo, 8));
            p->setBrush(Qt::NoBrush);
            p->drawPath(m_shape);
        }
        QColor fill = m_node.hub ? QColor(0xdd, 0xdd, 0xdd) : nodeColor(m_node.type);
        QPen outline(m_node.hub ? QColor(0x90, 0x90, 0x90) : fill.darker(160), 1.2, m_node.hub ? Qt::DashLine : Qt::SolidLine);
        if (m_dismissed) {
            fill = mutedColor(fill);
            outline = QPen(kDismissedRing, 2.4, Qt::DotLine);
        } else if (!m_node.findings.empty()) {
            outline = QPen(kFindingRing, 3.2);
        }
        p->setPen(outline);
        p->setBrush(fill);
        p->drawPath(m_shape);
        if (m_node.hub) {
            // The type's colour stays visible as a dot in a hub.
            p->setPen(Qt::NoPen);
            p->setBrush(nodeColor(m_node.type));
            p->drawEllipse(QPointF(0, 0), m_radius * 0.35, m_radius * 0.35);
        }
        // Labels only where they can be read: zoomed in, or the node the analyst is on.
        if (lod < GraphView::kLabelZoom && !m_selected && !(m_highlighted && lod >= GraphView::kLabelZoom * 0.6))
            return;
        // Labels keep a readable size on screen, 7 to 11 points, instead of growing with the zoom:
        // text many times its size was slow to draw and hid its neighbours. They are drawn in
        // device coordinates, from a layout made once per size (the size in half points).
        QFont font = p->font();
        font.setPointSizeF(std::clamp(std::round(16 * lod) / 2, 7.0, 11.0));
        const int bold = (m_selected || (!m_node.findings.empty() && !m_dismissed)) ? 1 : 0;
        font.setBold(bold);
        // The label's layout is made once per weight and kept: measuring and shaping the text on
        // every paint cost more than drawing it. Log text is shown as plain text, never markup.
        Label &label = m_labels[bold];
        if (label.text.text().isEmpty() || label.font != font) {
            label.font = font;
            label.text = QStaticText(m_label);
            label.text.setTextFormat(Qt::PlainText);
            label.text.setPerformanceHint(QStaticText::AggressiveCaching);
            label.text.prepare(QTransform(), font);
            label.height = QFontMetricsF(font).height();
        }
        const QSizeF size = label.text.size();
        const double w = size.width() + 6;
        const QPointF anchor = p->worldTransform().map(QPointF(0, m_radius));
        const QRectF box(std::round(anchor.x() - w / 2), std::round(anchor.y() + 2), w, label.height + 1);
        p->save();
        p->setWorldTransform(QTransform());
        p->setPen(Qt::NoPen);
        p->setBrush(QColor(255, 255, 255, 200));
        p->drawRect(box);
        p->setPen(QColor(0x1a, 0x1a, 0x1a));
        p->setFont(font);
        p->drawStaticText(QPointF(box.left() + 3, box.top() + (box.height() - size.height()) / 2), label.text);
        p->restore();
    }

    struct Label
    {
        QFont font;
        QStaticText text;
        double height = 0;
    };

    const GraphNode &m_node;
    std::uint32_t m_index;
    double m_radius;
    QPainterPath m_shape;
    QString m_label;
    bool m_selected = false;
    bool m_highlighted = false;
    bool m_dismissed = false;
    Label m_labels[2]; // regular, bold
};

// An edge of the picture. Not a scene item of its own: thousands of line items cost the scene
// index and the painter an item each per frame; EdgeLayer draws them all in a few batches.
class GraphEdgeItem
{
public:
    GraphEdgeItem(const GraphEdge &edge, GraphNodeItem *from, GraphNodeItem *to, int pen)
        : m_edge(edge)
        , m_from(from)
        , m_to(to)
        , m_line(from->pos(), to->pos())
        , m_pen(pen)
    {
    }
    const GraphEdge &edge() const { return m_edge; }
    GraphNodeItem *from() const { return m_from; }
    GraphNodeItem *to() const { return m_to; }
    const QLineF &line() const { return m_line; }
    int pen() const { return m_pen; }
    bool isVisible() const { return m_visible; }
    void setVisible(bool on) { m_visible = on; }
    double opacity() const { return m_opacity; }
    void setOpacity(double opacity) { m_opacity = opacity; }

    // How an edge of this type and count is drawn: colour by kind of tie, width by count.
    static QPen penOf(const GraphEdge &edge)
    {
        const double width = std::min(6.0, 0.8 + 1.3 * std::log10(1.0 + static_cast<double>(edge.count)));
        QColor color(0x9e, 0xa7, 0xb3);
        Qt::PenStyle style = Qt::SolidLine;
        switch (edge.type) {
        case EdgeType::SignInFailedFrom:
            color = QColor(0xe5, 0x73, 0x73);
            style = Qt::DashLine;
            break;
        case EdgeType::ChangedRule:
        case EdgeType::RuleChangedFrom:
        case EdgeType::Forwards:
        case EdgeType::HasRule:
            color = QColor(0xd2, 0x3f, 0x31);
            break;
        case EdgeType::IpInNetwork:
        case EdgeType::IpInCountry:
        case EdgeType::UsedClient:
            color = QColor(0xc8, 0xcc, 0xd2);
            break;
        default:
            break;
        }
        // Widths in tenths: edges of about the same count share a pen, and a batch.
        return QPen(color, std::round(width * 10) / 10, style);
    }

private:
    const GraphEdge &m_edge;
    GraphNodeItem *m_from;
    GraphNodeItem *m_to;
    QLineF m_line;
    int m_pen; // index into the view's pens
    bool m_visible = true;
    double m_opacity = 1;
};

namespace {

// Liang-Barsky: the part of l inside r; false when none.
bool clipLine(QLineF &l, const QRectF &r)
{
    const double dx = l.dx(), dy = l.dy();
    double t0 = 0, t1 = 1;
    const double p[4] = {-dx, dx, -dy, dy};
    const double q[4] = {l.x1() - r.left(), r.right() - l.x1(), l.y1() - r.top(), r.bottom() - l.y1()};
    for (int i = 0; i < 4; ++i) {
        if (p[i] == 0) {
            if (q[i] < 0)
                return false;
            continue;
        }
        const double t = q[i] / p[i];
        if (p[i] < 0)
            t0 = std::max(t0, t);
        else
            t1 = std::min(t1, t);
        if (t0 > t1)
            return false;
    }
    const QPointF a = l.p1();
    l = QLineF(a + QPointF(dx * t0, dy * t0), a + QPointF(dx * t1, dy * t1));
    return true;
}

} // namespace

// Every edge in one scene item, below the nodes. Edges are kept sorted by pen, and drawn in
// batches of one pen and opacity, each line cut to what is on screen (a long line's outline is
// otherwise built in full and then clipped), with pens in screen pixels. Zoomed out, an edge
// thinner than a pixel and a half is drawn without smoothing (and far out without dashes), which
// is what it looks like at that size.
class EdgeLayer : public QGraphicsItem
{
public:
    // Kept as a picture of what is on screen: a pan scrolls it and draws only the strip that
    // came into view; a zoom or a change of the edges draws it again (every edge on screen: a
    // fifth of a second on 5,000 nodes, which is why zooming shows the EdgeOverview instead).
    EdgeLayer(const GraphView *view, const std::vector<std::unique_ptr<GraphEdgeItem>> &edges, const std::vector<QPen> &pens,
              const QRectF &bounds)
        : m_view(view)
        , m_edges(edges)
        , m_pens(pens)
        , m_bounds(bounds)
    {
        setZValue(0);
        setFlag(QGraphicsItem::ItemUsesExtendedStyleOption);
        setAcceptedMouseButtons(Qt::NoButton);
        setCacheMode(QGraphicsItem::DeviceCoordinateCache);
    }
    QRectF boundingRect() const override { return m_bounds; }
    QPainterPath shape() const override { return {}; } // never hit by the mouse

    void paint(QPainter *p, const QStyleOptionGraphicsItem *option, QWidget *) override
    {
        const double lod = option->levelOfDetailFromTransform(p->worldTransform());
        const QRectF exposed = option->exposedRect;
        const bool smooth = p->testRenderHint(QPainter::Antialiasing);
        std::vector<QLineF> batch;
        int batchPen = -1;
        double batchOpacity = 1;
        auto flush = [&] {
            if (batch.empty())
                return;
            // Widths in screen pixels (a cosmetic pen is far cheaper to draw than a scaled outline),
            // as wide as the scene width at this zoom but never wider than 5 pixels.
            QPen pen = m_pens[static_cast<std::size_t>(batchPen)];
            const double onScreen = pen.widthF() * lod;
            pen.setCosmetic(true);
            pen.setWidthF(std::clamp(onScreen, 0.5, 5.0));
            // While the view moves, lines are not smoothed (a third of the cost of a frame);
            // the frame after the move is.
            bool aa = smooth && !m_view->isMoving();

            if (onScreen < 1.5) {
                if (lod < 0.5)
                    pen.setStyle(Qt::SolidLine);
                aa = false;
            }
            QColor c = pen.color();
            c.setAlphaF(static_cast<float>(c.alphaF() * batchOpacity));
            pen.setColor(c);
            p->setRenderHint(QPainter::Antialiasing, aa);
            p->setPen(pen);
            p->drawLines(batch.data(), static_cast<int>(batch.size()));
            batch.clear();
        };
        for (const auto &e : m_edges) {
            if (!e->isVisible())
                continue;
            QLineF l = e->line();
            const double margin = m_pens[static_cast<std::size_t>(e->pen())].widthF() + 1;
            if (!clipLine(l, exposed.adjusted(-margin, -margin, margin, margin)))
                continue;
            if (e->pen() != batchPen || e->opacity() != batchOpacity) {
                flush();
                batchPen = e->pen();
                batchOpacity = e->opacity();
            }
            batch.push_back(l);
        }
        flush();
        p->setRenderHint(QPainter::Antialiasing, smooth);
    }

private:
    const GraphView *m_view;
    const std::vector<std::unique_ptr<GraphEdgeItem>> &m_edges;
    const std::vector<QPen> &m_pens;
    QRectF m_bounds;
};

// What the overview is drawn from: the visible edges in drawing order, copied so that a worker
// thread can draw them while the view goes on changing its own.
struct OverviewInput
{
    struct Line
    {
        QLineF line;
        int pen;
        double opacity;
    };
    std::vector<Line> lines;
    std::vector<QPen> pens;
    QRectF bounds;
};

// The whole graph's edges drawn once into an image of at most kPixels a side, off the GUI thread.
static QImage drawOverview(const OverviewInput &in)
{
    constexpr int kPixels = 2048;
    if (in.bounds.isEmpty())
        return {};
    const double scale = kPixels / std::max(in.bounds.width(), in.bounds.height());
    QImage image(std::max(1, static_cast<int>(std::ceil(in.bounds.width() * scale))),
                 std::max(1, static_cast<int>(std::ceil(in.bounds.height() * scale))), QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::transparent);
    QPainter p(&image);
    p.setRenderHint(QPainter::Antialiasing);
    p.scale(scale, scale);
    p.translate(-in.bounds.topLeft());
    std::vector<QLineF> batch;
    for (std::size_t i = 0; i < in.lines.size();) {
        const int penIndex = in.lines[i].pen;
        const double opacity = in.lines[i].opacity;
        batch.clear();
        for (; i < in.lines.size() && in.lines[i].pen == penIndex && in.lines[i].opacity == opacity; ++i)
            batch.push_back(in.lines[i].line);
        QPen pen = in.pens[static_cast<std::size_t>(penIndex)];
        pen.setCosmetic(true);
        pen.setWidthF(std::clamp(pen.widthF() * scale, 0.5, 5.0));
        QColor c = pen.color();
        c.setAlphaF(static_cast<float>(c.alphaF() * opacity));
        pen.setColor(c);
        p.setPen(pen);
        p.drawLines(batch.data(), static_cast<int>(batch.size()));
    }
    return image;
}

// Shown instead of the EdgeLayer while the analyst zooms: the overview image, only scaled, so
// that a wheel step costs a blit instead of drawing every edge again. Blurry for the moment of
// the zoom; the sharp layer is back when the view settles.
class EdgeOverview : public QGraphicsItem
{
public:
    explicit EdgeOverview(const QRectF &bounds)
        : m_bounds(bounds)
    {
        setZValue(0);
        setAcceptedMouseButtons(Qt::NoButton);
    }
    QRectF boundingRect() const override { return m_bounds; }
    QPainterPath shape() const override { return {}; }
    bool isReady() const { return !m_image.isNull(); }
    void setImage(QImage image)
    {
        m_image = std::move(image);
        update();
    }
    void paint(QPainter *p, const QStyleOptionGraphicsItem *, QWidget *) override
    {
        if (!m_image.isNull())
            p->drawImage(m_bounds, m_image);
    }

private:
    QRectF m_bounds;
    QImage m_image;
};

namespace {

class LegendOverlay : public QWidget
{
public:
    explicit LegendOverlay(QWidget *parent)
        : QWidget(parent)
    {
        setAttribute(Qt::WA_TransparentForMouseEvents);
        QFont f = font();
        f.setPointSizeF(8.5);
        const QFontMetricsF fm(f);
        resize(static_cast<int>(fm.horizontalAdvance(QStringLiteral("Hub (shared by many users)")) + 42),
               static_cast<int>(std::max(16.0, fm.height() + 3) * (kNodeTypeCount + 4) + 12));
    }

protected:
    void paintEvent(QPaintEvent *) override
    {
        QPainter p(this);
        paintGraphLegend(p, QPointF(0, 0));
    }
};

} // namespace

GraphView::GraphView(QWidget *parent)
    : QGraphicsView(parent)
    , m_scene(new QGraphicsScene(this))
{
    setScene(m_scene);
    setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
    setDragMode(QGraphicsView::ScrollHandDrag);
    setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
    setViewportUpdateMode(QGraphicsView::SmartViewportUpdate);
    setOptimizationFlags(QGraphicsView::DontAdjustForAntialiasing);
    // Item pictures live in the application's pixmap cache: room for the on-screen picture of the
    // edges on a large screen (33 MiB at 3840 x 2160), which the default 10 MiB would evict at once.
    QPixmapCache::setCacheLimit(std::max(QPixmapCache::cacheLimit(), 64 * 1024));
    m_settle = new QTimer(this);
    m_settle->setSingleShot(true);
    m_settle->setInterval(kSettleMs);
    connect(m_settle, &QTimer::timeout, this, [this] {
        m_moving = false;
        if (m_edgeOverview)
            m_edgeOverview->hide();
        if (m_edgeLayer) {
            m_edgeLayer->show();
            m_edgeLayer->update(); // drawn again, smoothed
        }
        viewport()->update();
    });
    setBackgroundBrush(QColor(0xfb, 0xfb, 0xfc));
    setObjectName(QStringLiteral("graphView"));
    // A child of the view, not of its viewport: scrolling moves the viewport's children.
    auto *legend = new LegendOverlay(this);
    legend->move(frameWidth() + 8, frameWidth() + 8);
    legend->raise();
    m_typeVisible.assign(kNodeTypeCount, true);
}

GraphView::~GraphView() = default;

void GraphView::clear()
{
    m_scene->clear();
    m_edgeLayer = nullptr;
    m_edgeOverview = nullptr;
    ++m_overviewGeneration;
    m_items.clear();
    m_edges.clear();
    m_pens.clear();
    m_selected = -1;
    m_graph.reset();
}

void GraphView::show(std::shared_ptr<const InvestigationGraph> graph, const std::vector<std::uint32_t> &nodes,
                     const std::vector<LayoutPoint> &positions)
{
    const int keepSelected = m_selected;
    clear();
    m_graph = std::move(graph);
    if (!m_graph)
        return;
    for (std::size_t i = 0; i < nodes.size() && i < positions.size(); ++i) {
        auto *item = new GraphNodeItem(m_graph->nodes[nodes[i]], nodes[i]);
        item->setPos(positions[i].x, positions[i].y);
        m_scene->addItem(item);
        m_items.insert(nodes[i], item);
    }
    for (auto it = m_items.cbegin(); it != m_items.cend(); ++it) {
        const std::uint32_t node = it.key();
        for (auto [e, end] = boost::out_edges(node, m_graph->graph); e != end; ++e) {
            const std::uint32_t other = static_cast<std::uint32_t>(boost::target(*e, m_graph->graph));
            if (other < node || !m_items.contains(other))
                continue;
            const GraphEdge &edge = m_graph->edges[m_graph->graph[*e].index];
            const QPen pen = GraphEdgeItem::penOf(edge);
            auto known = std::find(m_pens.begin(), m_pens.end(), pen);
            if (known == m_pens.end())
                known = m_pens.insert(m_pens.end(), pen);
            m_edges.push_back(std::make_unique<GraphEdgeItem>(edge, m_items.value(edge.from), m_items.value(edge.to),
                                                              static_cast<int>(known - m_pens.begin())));
        }
    }
    // Drawn in batches of one pen: sorted by pen, thin under wide, in a stable order.
    std::stable_sort(m_edges.begin(), m_edges.end(), [this](const auto &a, const auto &b) {
        const double wa = m_pens[static_cast<std::size_t>(a->pen())].widthF(), wb = m_pens[static_cast<std::size_t>(b->pen())].widthF();
        return wa != wb ? wa < wb : a->pen() < b->pen();
    });
    const QRectF bounds = m_scene->itemsBoundingRect();
    m_edgeLayer = new EdgeLayer(this, m_edges, m_pens, bounds.adjusted(-10, -10, 10, 10));
    m_scene->addItem(m_edgeLayer);
    m_edgeOverview = new EdgeOverview(bounds.adjusted(-10, -10, 10, 10));
    m_edgeOverview->hide();
    m_scene->addItem(m_edgeOverview);
    m_scene->setSceneRect(bounds.adjusted(-200, -200, 200, 200));
    refreshTriage();
    applyVisibility();
    setHighlight(m_highlight);
    if (keepSelected >= 0 && m_items.contains(static_cast<std::uint32_t>(keepSelected)))
        selectNode(keepSelected, false);
}

void GraphView::refreshTriage()
{
    if (!m_graph)
        return;
    for (GraphNodeItem *item : std::as_const(m_items))
        item->setDismissed(m_graph->findingsDismissed(item->node()));
}

bool GraphView::isNodeDismissed(std::uint32_t node) const
{
    const GraphNodeItem *item = m_items.value(node);
    return item && item->dismissed();
}

void GraphView::setHighlight(const std::vector<std::uint32_t> &nodes)
{
    m_highlight = nodes;
    std::sort(m_highlight.begin(), m_highlight.end());
    const bool any = !m_highlight.empty();
    for (auto it = m_items.begin(); it != m_items.end(); ++it) {
        const bool in = std::binary_search(m_highlight.begin(), m_highlight.end(), it.key());
        it.value()->setHighlighted(any && in);
        it.value()->setOpacity(!any || in ? 1.0 : 0.22);
    }
    for (const auto &e : m_edges) {
        const bool in = std::binary_search(m_highlight.begin(), m_highlight.end(), e->edge().from)
            && std::binary_search(m_highlight.begin(), m_highlight.end(), e->edge().to);
        e->setOpacity(!any || in ? 1.0 : 0.12);
    }
    updateEdges();
}

void GraphView::setFilter(const std::vector<bool> &typeVisible, qint64 fromMs, qint64 toMs)
{
    m_typeVisible = typeVisible;
    m_typeVisible.resize(kNodeTypeCount, true);
    m_fromMs = fromMs;
    m_toMs = toMs;
    applyVisibility();
}

void GraphView::applyVisibility()
{
    const bool timed = m_fromMs != kNoTime || m_toMs != kNoTime;
    QHash<GraphNodeItem *, bool> hasEdge;
    for (const auto &e : m_edges) {
        const GraphEdge &edge = e->edge();
        bool visible = m_typeVisible[static_cast<int>(e->from()->node().type)] && m_typeVisible[static_cast<int>(e->to()->node().type)];
        if (visible && timed) {
            // Edges without a time (rule snapshots) stay: they are a state, not an action.
            if (edge.firstMs != kNoTime
                && ((m_toMs != kNoTime && edge.firstMs >= m_toMs) || (m_fromMs != kNoTime && edge.lastMs < m_fromMs)))
                visible = false;
        }
        e->setVisible(visible);
        if (visible) {
            hasEdge[e->from()] = true;
            hasEdge[e->to()] = true;
        }
    }
    for (auto it = m_items.begin(); it != m_items.end(); ++it) {
        GraphNodeItem *item = it.value();
        bool visible = m_typeVisible[static_cast<int>(item->node().type)];
        if (visible && timed && !hasEdge.value(item) && static_cast<int>(it.key()) != m_selected)
            visible = false;
        item->setVisible(visible);
    }
    updateEdges();
}

int GraphView::visibleNodeCount() const
{
    return static_cast<int>(std::count_if(m_items.cbegin(), m_items.cend(), [](const GraphNodeItem *i) { return i->isVisible(); }));
}

void GraphView::selectNode(int node, bool centre)
{
    if (m_selected >= 0) {
        if (GraphNodeItem *old = m_items.value(static_cast<std::uint32_t>(m_selected)))
            old->setSelectedNode(false);
    }
    m_selected = -1;
    if (node < 0)
        return;
    GraphNodeItem *item = m_items.value(static_cast<std::uint32_t>(node));
    if (!item)
        return;
    m_selected = node;
    item->setSelectedNode(true);
    item->setVisible(true);
    if (centre)
        centerOn(item);
}

QPointF GraphView::nodePosition(std::uint32_t node) const
{
    const GraphNodeItem *item = m_items.value(node);
    return item ? item->pos() : QPointF();
}

void GraphView::fit()
{
    QRectF r;
    for (const GraphNodeItem *item : m_items) {
        if (item->isVisible())
            r |= QRectF(item->pos() - QPointF(30, 30), QSizeF(60, 60));
    }
    if (r.isEmpty())
        return;
    fitInView(r.adjusted(-40, -40, 40, 40), Qt::KeepAspectRatio);
}

GraphNodeItem *GraphView::nodeItemAt(const QPoint &pos) const
{
    for (QGraphicsItem *item : items(pos)) {
        if (auto *node = dynamic_cast<GraphNodeItem *>(item)) {
            if (node->isVisible() && node->shape().contains(node->mapFromScene(mapToScene(pos))))
                return node;
        }
    }
    return nullptr;
}

void GraphView::mousePressEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton) {
        if (GraphNodeItem *node = nodeItemAt(event->position().toPoint())) {
            selectNode(static_cast<int>(node->index()), false);
            emit nodeClicked(static_cast<int>(node->index()));
            event->accept();
            return;
        }
    }
    QGraphicsView::mousePressEvent(event);
}

void GraphView::mouseDoubleClickEvent(QMouseEvent *event)
{
    if (GraphNodeItem *node = nodeItemAt(event->position().toPoint())) {
        emit nodeDoubleClicked(static_cast<int>(node->index()));
        event->accept();
        return;
    }
    QGraphicsView::mouseDoubleClickEvent(event);
}

void GraphView::wheelEvent(QWheelEvent *event)
{
    const double factor = std::pow(1.0015, event->angleDelta().y());
    const double scale = transform().m11() * factor;
    if (scale < 0.02 || scale > 8)
        return;
    startZooming();
    this->scale(factor, factor);
    event->accept();
}

void GraphView::zoomTo(double scale)
{
    startZooming();
    setTransform(QTransform::fromScale(scale, scale));
}

bool GraphView::overviewReady() const
{
    return m_edgeOverview && m_edgeOverview->isReady();
}

void GraphView::startZooming()
{
    startMoving();
    // Until the overview is drawn (a moment after the graph is shown) zooming draws the edges.
    if (m_edgeOverview && m_edgeOverview->isReady() && m_edgeLayer && m_edgeLayer->isVisible()) {
        m_edgeLayer->hide();
        m_edgeOverview->show();
    }
}

void GraphView::updateEdges()
{
    if (m_edgeLayer)
        m_edgeLayer->update();
    if (!m_edgeOverview)
        return;
    // The overview is drawn again, off the GUI thread, from a copy of the visible edges; until it
    // is, the old one is not shown (it would show edges that are gone).
    m_edgeOverview->setImage({});
    if (m_edgeOverview->isVisible()) {
        m_edgeOverview->hide();
        m_edgeLayer->show();
    }
    // Several changes in one go (a new graph: visibility, then highlight) draw it once.
    if (m_overviewQueued)
        return;
    m_overviewQueued = true;
    QTimer::singleShot(0, this, [this] {
        m_overviewQueued = false;
        drawOverviewLater();
    });
}

void GraphView::drawOverviewLater()
{
    if (!m_edgeOverview)
        return;
    auto input = std::make_shared<OverviewInput>();
    input->pens = m_pens;
    input->bounds = m_edgeOverview->boundingRect();
    input->lines.reserve(m_edges.size());
    for (const auto &e : m_edges) {
        if (e->isVisible())
            input->lines.push_back({e->line(), e->pen(), e->opacity()});
    }
    const quint64 generation = ++m_overviewGeneration;
    auto *watcher = new QFutureWatcher<QImage>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation == m_overviewGeneration && m_edgeOverview && watcher->future().resultCount() > 0)
            m_edgeOverview->setImage(watcher->result());
    });
    watcher->setFuture(QtConcurrent::run(backgroundPool(), [input] { return drawOverview(*input); }));
}

bool GraphView::viewportEvent(QEvent *event)
{
    // Edges are not items: their tool tip ("a signed in from b (n×)") is found here, for the
    // nearest visible edge within a few pixels when no node is under the pointer.
    if (event->type() == QEvent::ToolTip && m_graph) {
        const QPoint pos = static_cast<QHelpEvent *>(event)->pos();
        if (!nodeItemAt(pos)) {
            const QPointF at = mapToScene(pos);
            const double reach = 4 / std::max(0.01, transform().m11());
            const GraphEdgeItem *best = nullptr;
            double bestDistance = reach;
            for (const auto &e : m_edges) {
                if (!e->isVisible())
                    continue;
                const QLineF &l = e->line();
                const double length2 = l.dx() * l.dx() + l.dy() * l.dy();
                double t = length2 > 0 ? ((at.x() - l.x1()) * l.dx() + (at.y() - l.y1()) * l.dy()) / length2 : 0;
                t = std::clamp(t, 0.0, 1.0);
                const double d = QLineF(at, l.pointAt(t)).length();
                if (d <= bestDistance) {
                    bestDistance = d;
                    best = e.get();
                }
            }
            if (best) {
                const GraphEdge &edge = best->edge();
                // Labels are log text: escaped, and the tip marked as rich text so that it is.
                const QString text = QStringLiteral("%1 %2 %3 (%4×)")
                                         .arg(QString::fromStdString(best->from()->node().label),
                                              QString::fromLatin1(edgeTypeTitle(edge.type)),
                                              QString::fromStdString(best->to()->node().label))
                                         .arg(edge.count);
                QToolTip::showText(static_cast<QHelpEvent *>(event)->globalPos(), QStringLiteral("<qt>") + text.toHtmlEscaped(),
                                   viewport());
                return true;
            }
        }
    }
    return QGraphicsView::viewportEvent(event);
}

void GraphView::startMoving()
{
    m_moving = true;
    m_settle->start();
}

void GraphView::scrollContentsBy(int dx, int dy)
{
    startMoving();
    QGraphicsView::scrollContentsBy(dx, dy);
}

void GraphView::renderPicture(QPainter &painter, const QRectF &target) const
{
    QRectF source;
    for (const GraphNodeItem *item : m_items) {
        if (item->isVisible())
            source |= item->sceneBoundingRect();
    }
    source.adjust(-30, -30, 30, 30);
    painter.setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
    painter.fillRect(target, Qt::white);
    m_scene->render(&painter, target.adjusted(0, 0, 0, 0), source, Qt::KeepAspectRatio);
    paintGraphLegend(painter, target.topLeft() + QPointF(10, 10));
}

bool GraphView::exportPng(const QString &path, QString *error) const
{
    QRectF source;
    for (const GraphNodeItem *item : m_items) {
        if (item->isVisible())
            source |= item->sceneBoundingRect();
    }
    // Large enough that labels are drawn (the scale stays above kLabelZoom up to big graphs).
    const double scale = std::clamp(4000.0 / std::max(1.0, std::max(source.width(), source.height())), 0.3, 1.5);
    const QSize size(std::max(400, static_cast<int>(source.width() * scale) + 60),
                     std::max(300, static_cast<int>(source.height() * scale) + 60));
    QImage image(size, QImage::Format_ARGB32_Premultiplied);
    QPainter painter(&image);
    renderPicture(painter, QRectF(QPointF(0, 0), size));
    painter.end();
    if (!image.save(path, "PNG")) {
        if (error)
            *error = QStringLiteral("%1: cannot write").arg(path);
        return false;
    }
    return true;
}

bool GraphView::exportSvg(const QString &path, QString *error) const
{
    QRectF source;
    for (const GraphNodeItem *item : m_items) {
        if (item->isVisible())
            source |= item->sceneBoundingRect();
    }
    const QSize size(std::max(400, static_cast<int>(source.width()) + 60), std::max(300, static_cast<int>(source.height()) + 60));
    QSvgGenerator svg;
    svg.setFileName(path);
    svg.setSize(size);
    svg.setViewBox(QRect(QPoint(0, 0), size));
    svg.setTitle(QStringLiteral("Mailpivot investigation graph"));
    QPainter painter;
    if (!painter.begin(&svg)) {
        if (error)
            *error = QStringLiteral("%1: cannot write").arg(path);
        return false;
    }
    renderPicture(painter, QRectF(QPointF(0, 0), size));
    painter.end();
    if (!QFile::exists(path)) {
        if (error)
            *error = QStringLiteral("%1: cannot write").arg(path);
        return false;
    }
    return true;
}

} // namespace mp::ui
