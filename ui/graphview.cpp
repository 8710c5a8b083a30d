#include "ui/graphview.h"

#include <QFile>
#include <QGraphicsItem>
#include <QGraphicsScene>
#include <QImage>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollBar>
#include <QStyleOptionGraphicsItem>
#include <QSvgGenerator>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace mp::ui {

namespace {

constexpr double kUserRadius = 11;
const QColor kFindingRing(0xc6, 0x28, 0x28);
const QColor kSelectedHalo(0xff, 0xc1, 0x07);
const QColor kHighlightHalo(0xff, 0x6f, 0x00, 110);

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
    const int rows = kNodeTypeCount + 3;
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
    void setHighlighted(bool on)
    {
        m_highlighted = on;
        setZValue(m_selected ? 3 : (on ? 2 : 1));
        update();
    }

    QRectF boundingRect() const override
    {
        const double r = m_radius + 8;
        return QRectF(-std::max(r, 110.0), -r, 2 * std::max(r, 110.0), 2 * r + 18);
    }
    QPainterPath shape() const override { return m_shape; }

    void paint(QPainter *p, const QStyleOptionGraphicsItem *option, QWidget *) override
    {
        const double lod = option->levelOfDetailFromTransform(p->worldTransform());
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
        const QColor fill = m_node.hub ? QColor(0xdd, 0xdd, 0xdd) : nodeColor(m_node.type);
        QPen outline(m_node.hub ? QColor(0x90, 0x90, 0x90) : fill.darker(160), 1.2, m_node.hub ? Qt::DashLine : Qt::SolidLine);
        if (!m_node.findings.empty())
            outline = QPen(kFindingRing, 3.2);
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
        QFont font = p->font();
        font.setPointSizeF(8);
        font.setBold(m_selected || !m_node.findings.empty());
        p->setFont(font);
        const QFontMetricsF fm(font);
        const double w = fm.horizontalAdvance(m_label) + 6;
        const QRectF box(-w / 2, m_radius + 2, w, fm.height() + 1);
        p->setPen(Qt::NoPen);
        p->setBrush(QColor(255, 255, 255, 200));
        p->drawRoundedRect(box, 2, 2);
        p->setPen(QColor(0x1a, 0x1a, 0x1a));
        p->drawText(box, Qt::AlignCenter, m_label);
    }

private:
    const GraphNode &m_node;
    std::uint32_t m_index;
    double m_radius;
    QPainterPath m_shape;
    QString m_label;
    bool m_selected = false;
    bool m_highlighted = false;
};

class GraphEdgeItem : public QGraphicsLineItem
{
public:
    GraphEdgeItem(const GraphEdge &edge, std::uint32_t index, GraphNodeItem *from, GraphNodeItem *to)
        : QGraphicsLineItem(QLineF(from->pos(), to->pos()))
        , m_edge(edge)
        , m_index(index)
        , m_from(from)
        , m_to(to)
    {
        setZValue(0);
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
        QPen pen(color, width, style);
        pen.setCosmetic(false);
        setPen(pen);
        setToolTip(QStringLiteral("%1 %2 %3 (%4×)")
                       .arg(QString::fromStdString(from->node().label), QString::fromLatin1(edgeTypeTitle(edge.type)),
                            QString::fromStdString(to->node().label))
                       .arg(edge.count));
    }
    const GraphEdge &edge() const { return m_edge; }
    GraphNodeItem *from() const { return m_from; }
    GraphNodeItem *to() const { return m_to; }

private:
    const GraphEdge &m_edge;
    std::uint32_t m_index;
    GraphNodeItem *m_from;
    GraphNodeItem *m_to;
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
               static_cast<int>(std::max(16.0, fm.height() + 3) * (kNodeTypeCount + 3) + 12));
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
    m_items.clear();
    m_edges.clear();
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
            const std::uint32_t index = m_graph->graph[*e].index;
            const GraphEdge &edge = m_graph->edges[index];
            auto *item = new GraphEdgeItem(edge, index, m_items.value(edge.from), m_items.value(edge.to));
            m_scene->addItem(item);
            m_edges.push_back(item);
        }
    }
    m_scene->setSceneRect(m_scene->itemsBoundingRect().adjusted(-200, -200, 200, 200));
    applyVisibility();
    setHighlight(m_highlight);
    if (keepSelected >= 0 && m_items.contains(static_cast<std::uint32_t>(keepSelected)))
        selectNode(keepSelected, false);
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
    for (GraphEdgeItem *e : m_edges) {
        const bool in = std::binary_search(m_highlight.begin(), m_highlight.end(), e->edge().from)
            && std::binary_search(m_highlight.begin(), m_highlight.end(), e->edge().to);
        e->setOpacity(!any || in ? 1.0 : 0.12);
    }
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
    for (GraphEdgeItem *e : m_edges) {
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
    this->scale(factor, factor);
    event->accept();
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
