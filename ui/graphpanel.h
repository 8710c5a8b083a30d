#pragma once

#include "graph/graphanalysis.h"
#include "graph/graphlayout.h"

#include <QFutureWatcher>
#include <QTransform>
#include <QWidget>

#include <atomic>
#include <memory>
#include <optional>
#include <set>
#include <vector>

class QCheckBox;
class QComboBox;
class QDateTimeEdit;
class QLabel;
class QLineEdit;
class QTextBrowser;
class QToolButton;

namespace mp::ui {

class GraphView;
class SelectionHub;
struct Selection;

// The Graph panel: the case's investigation graph (core/graph) around what the analyst is looking
// at. The graph is built and laid out on background threads (backgroundPool); the panel starts on
// the campaigns, follows the workspace's selection (a user, an IP, a finding, a campaign) and
// writes to it when a node is clicked. Expand/collapse neighbours, filter by type and time,
// highlight a campaign, search, fit, export PNG and SVG.
class GraphPanel : public QWidget
{
    Q_OBJECT

public:
    explicit GraphPanel(SelectionHub *selection, QWidget *parent = nullptr);
    ~GraphPanel() override;

    // Builds the graph of the case (its own connection, off the GUI thread).
    void openCase(const QString &path);
    // Builds the graph of the open case again (after an import or a detection run) off the GUI
    // thread, showing the current picture meanwhile, and keeps the analyst's view: the nodes
    // shown (plus new entities tied to them), the selected node, the highlighted campaign, the
    // zoom and the centre.
    void rebuild();
    void closeCase();
    // Nothing is being built or laid out.
    bool isIdle() const;

    GraphView *view() const { return m_view; }
    QTextBrowser *details() const { return m_details; }
    const InvestigationGraph *graph() const { return m_graph.get(); }
    const std::vector<Campaign> &campaigns() const { return m_campaigns; }
    QLineEdit *searchField() const { return m_search; }

    // Shows a node (adding it and its neighbours when not shown), selects it and its details.
    void showNode(int node);
    // Highlights a campaign's subgraph (index into campaigns(); -1: none) and shows its nodes.
    void highlightCampaign(int index);
    // The analyst triaged a finding (state: triageStateName): its nodes are drawn and described
    // accordingly, without building the graph again.
    void setTriage(const QString &fingerprint, const QString &state);
    void expand(int node);   // adds the node's neighbours (not through hubs)
    void collapse(int node); // removes the neighbours that hang on this node only
    // Finds an entity by key or value, else the first label containing the text.
    bool search(const QString &text);
    bool exportPicture(const QString &path, QString *error);

    // The most nodes shown at once; expansions beyond it are cut.
    static constexpr std::size_t kMaxShown = 5000;

signals:
    void nodeSelected(int node);
    void graphLoaded(int nodes, int edges);
    void laidOut(int nodes);

private:
    // Ends the load and layout jobs of the current graph (cancelled; their results are dropped).
    void stopJobs();
    struct Loaded
    {
        std::shared_ptr<InvestigationGraph> graph;
        std::vector<Campaign> campaigns;
        QString error;
    };
    struct LaidOut
    {
        int generation = 0;
        std::vector<std::uint32_t> nodes;
        std::vector<LayoutPoint> positions;
    };

    void onLoaded();
    void onLaidOut();
    void onNodeClicked(int node);
    void onSelectionChanged(const Selection &selection, const QObject *origin);
    void requestLayout();
    void applyFilter();
    void showDetails(int node);
    void setVisibleNodes(std::set<std::uint32_t> nodes);
    void startLoad();
    int nodeForSelection(const Selection &selection) const;

    SelectionHub *m_selection = nullptr;
    GraphView *m_view = nullptr;
    QTextBrowser *m_details = nullptr;
    QLineEdit *m_search = nullptr;
    QComboBox *m_campaignBox = nullptr;
    QToolButton *m_typesButton = nullptr;
    QCheckBox *m_timeBox = nullptr;
    QDateTimeEdit *m_from = nullptr;
    QDateTimeEdit *m_to = nullptr;
    QLabel *m_status = nullptr;
    std::vector<bool> m_typeVisible;

    std::shared_ptr<InvestigationGraph> m_graph;
    std::vector<Campaign> m_campaigns;
    std::set<std::uint32_t> m_visible;
    int m_highlighted = -1;
    QFutureWatcher<Loaded> m_load;
    QFutureWatcher<LaidOut> m_layout;
    std::shared_ptr<std::atomic_bool> m_cancel;
    int m_generation = 0;
    bool m_layoutPending = false;
    bool m_loading = false;
    bool m_layingOut = false;
    int m_pendingSelect = -1;
    QString m_casePath;
    // What rebuild() keeps, by node key (indices change with the graph).
    struct KeptView
    {
        std::vector<std::string> visible;
        std::string selected;
        int highlighted = -1;
        QTransform transform;
        QPointF centre;
    };
    std::optional<KeptView> m_kept;     // until the rebuilt graph is loaded
    std::optional<KeptView> m_restore;  // until it is laid out
};

} // namespace mp::ui
