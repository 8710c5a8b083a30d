#pragma once

#include "graph/investigationgraph.h"
#include "graph/graphlayout.h"

#include <QColor>
#include <QGraphicsView>
#include <QHash>
#include <QPainterPath>
#include <QPen>

#include <memory>
#include <vector>

class QGraphicsScene;
class QTimer;

namespace mp::ui {

class EdgeLayer;
class EdgeOverview;
class GraphEdgeItem;
class GraphNodeItem;

// How an entity type is drawn: one colour and one shape per type, so that the legend explains it.
QColor nodeColor(NodeType type);
QPainterPath nodeShape(NodeType type, double radius);
// The legend (types by shape and colour, plus hubs, findings and the highlighted campaign), drawn
// at topLeft in device coordinates. Also used for exported pictures.
void paintGraphLegend(QPainter &painter, const QPointF &topLeft);

// The graph's picture: nodes shaped and coloured by type and sized by how many users they touch,
// edges as wide as their counts, labels hidden when zoomed far out, a legend in the corner.
// Shows what GraphPanel gives it (a graph, a set of nodes and their layout); knows nothing of
// cases or threads. Wheel zooms about the cursor, dragging the background pans.
class GraphView : public QGraphicsView
{
    Q_OBJECT

public:
    explicit GraphView(QWidget *parent = nullptr);
    ~GraphView() override;

    // Replaces the picture: `nodes` (sorted) at `positions` (one each), with every edge of the
    // graph among them. The graph must outlive the view's use of it (GraphPanel keeps it).
    void show(std::shared_ptr<const InvestigationGraph> graph, const std::vector<std::uint32_t> &nodes,
              const std::vector<LayoutPoint> &positions);
    void clear();

    // Draws again which nodes have only dismissed findings (after the graph's triage changed).
    void refreshTriage();
    // Whether the node is drawn muted: it has findings and every one was triaged false
    // positive or benign.
    bool isNodeDismissed(std::uint32_t node) const;

    // Nodes to emphasise (a campaign's or a finding's subgraph); the rest is dimmed. Empty: none.
    void setHighlight(const std::vector<std::uint32_t> &nodes);
    // Hidden types, and a time window ([fromMs, toMs), kNoTime for open ends): edges outside the
    // window are hidden, and so are nodes left with no visible edge (unless selected).
    void setFilter(const std::vector<bool> &typeVisible, qint64 fromMs, qint64 toMs);

    // Selects (and, when centre is set, centres on) a node; -1 clears. Emits nothing.
    void selectNode(int node, bool centre = true);
    int selectedNode() const { return m_selected; }
    bool hasNode(std::uint32_t node) const { return m_items.contains(node); }
    // Where a node is drawn, in scene coordinates (for tests clicking it).
    QPointF nodePosition(std::uint32_t node) const;
    int nodeCount() const { return static_cast<int>(m_items.size()); }
    int visibleNodeCount() const;

    void fit();
    // Zooms to a scale factor as the mouse wheel does (edges from the overview picture until the
    // view settles).
    void zoomTo(double scale);
    // The zoom picture of the edges is drawn (in the background, a moment after show()).
    bool overviewReady() const;
    bool exportPng(const QString &path, QString *error) const;
    bool exportSvg(const QString &path, QString *error) const;

    // True while the analyst pans or zooms, and kSettleMs after: frames are drawn quicker then
    // (edges not smoothed), and once more in full when the view settles.
    bool isMoving() const { return m_moving; }
    static constexpr int kSettleMs = 200;

    // Labels are drawn from this zoom level up (the view's scale factor).
    static constexpr double kLabelZoom = 0.55;

signals:
    void nodeClicked(int node);
    void nodeDoubleClicked(int node);

protected:
    void wheelEvent(QWheelEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void scrollContentsBy(int dx, int dy) override;
    bool viewportEvent(QEvent *event) override;

private:
    GraphNodeItem *nodeItemAt(const QPoint &pos) const;
    void applyVisibility();
    void startMoving();
    void startZooming();
    void updateEdges();
    void drawOverviewLater();
    void renderPicture(QPainter &painter, const QRectF &target) const;

    QGraphicsScene *m_scene = nullptr;
    std::shared_ptr<const InvestigationGraph> m_graph;
    QHash<std::uint32_t, GraphNodeItem *> m_items;
    std::vector<std::unique_ptr<GraphEdgeItem>> m_edges; // drawn by m_edgeLayer
    std::vector<QPen> m_pens;                            // the edges' pens, few
    EdgeLayer *m_edgeLayer = nullptr;                    // owned by the scene
    EdgeOverview *m_edgeOverview = nullptr;              // shown while zooming; owned by the scene
    quint64 m_overviewGeneration = 0;                    // the overview being drawn
    bool m_overviewQueued = false;
    std::vector<bool> m_typeVisible;
    qint64 m_fromMs = kNoTime;
    qint64 m_toMs = kNoTime;
    std::vector<std::uint32_t> m_highlight;
    int m_selected = -1;
    bool m_moving = false;
    QTimer *m_settle = nullptr;
};

} // namespace mp::ui
