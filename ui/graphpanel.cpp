#include "ui/graphpanel.h"

#include "graph/graphbuilder.h"
#include "store/casestore.h"
#include "ui/backgroundpool.h"
#include "ui/graphview.h"
#include "ui/selection.h"
#include "util/timeparse.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QSplitter>
#include <QTextBrowser>
#include <QSignalBlocker>
#include <QToolButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

namespace mp::ui {

namespace {

QString esc(std::string_view text)
{
    return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size())).toHtmlEscaped();
}

QString timeText(std::int64_t ms)
{
    return ms == kNoTime ? QStringLiteral("–") : QString::fromStdString(formatIso(ms)).left(19).replace(QLatin1Char('T'), QLatin1Char(' '));
}

Selection::Kind selectionKind(NodeType type)
{
    switch (type) {
    case NodeType::User: return Selection::Kind::User;
    case NodeType::Ip: return Selection::Kind::Ip;
    case NodeType::Network: return Selection::Kind::Network;
    case NodeType::Country: return Selection::Kind::Country;
    case NodeType::Rule: return Selection::Kind::Rule;
    case NodeType::Address: return Selection::Kind::Address;
    case NodeType::ClientApp: return Selection::Kind::ClientApp;
    }
    return Selection::Kind::None;
}

std::optional<NodeType> nodeType(Selection::Kind kind)
{
    for (int i = 0; i < kNodeTypeCount; ++i) {
        if (selectionKind(static_cast<NodeType>(i)) == kind)
            return static_cast<NodeType>(i);
    }
    return std::nullopt;
}

// The value part of a node key ("ip:1.2.3.4" -> "1.2.3.4").
QString keyValue(const GraphNode &n)
{
    const std::size_t colon = n.key.find(':');
    return QString::fromStdString(n.key.substr(colon + 1));
}

} // namespace

GraphPanel::GraphPanel(SelectionHub *selection, QWidget *parent)
    : QWidget(parent)
    , m_selection(selection)
{
    setObjectName(QStringLiteral("graphPanel"));
    m_typeVisible.assign(kNodeTypeCount, true);
    m_view = new GraphView(this);
    m_details = new QTextBrowser(this);
    m_details->setObjectName(QStringLiteral("graphDetails"));
    m_details->setOpenLinks(false);
    m_details->setPlaceholderText(QStringLiteral("Click a node to see what the case knows about it."));

    m_search = new QLineEdit(this);
    m_search->setObjectName(QStringLiteral("graphSearch"));
    m_search->setPlaceholderText(QStringLiteral("Find user, IP, AS, address…"));
    m_search->setClearButtonEnabled(true);
    m_campaignBox = new QComboBox(this);
    m_campaignBox->setObjectName(QStringLiteral("graphCampaigns"));
    m_campaignBox->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_typesButton = new QToolButton(this);
    m_typesButton->setText(QStringLiteral("Types"));
    m_typesButton->setPopupMode(QToolButton::InstantPopup);
    auto *types = new QMenu(m_typesButton);
    for (int i = 0; i < kNodeTypeCount; ++i) {
        QAction *a = types->addAction(QString::fromLatin1(nodeTypeTitle(static_cast<NodeType>(i))));
        a->setCheckable(true);
        a->setChecked(true);
        connect(a, &QAction::toggled, this, [this, i](bool on) {
            m_typeVisible[static_cast<std::size_t>(i)] = on;
            applyFilter();
        });
    }
    m_typesButton->setMenu(types);
    m_timeBox = new QCheckBox(QStringLiteral("Time"), this);
    m_timeBox->setToolTip(QStringLiteral("Only ties active in this window (UTC)"));
    m_from = new QDateTimeEdit(this);
    m_to = new QDateTimeEdit(this);
    for (QDateTimeEdit *e : {m_from, m_to}) {
        e->setTimeSpec(Qt::UTC);
        e->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm"));
        e->setEnabled(false);
        connect(e, &QDateTimeEdit::dateTimeChanged, this, &GraphPanel::applyFilter);
    }
    connect(m_timeBox, &QCheckBox::toggled, this, [this](bool on) {
        m_from->setEnabled(on);
        m_to->setEnabled(on);
        applyFilter();
    });
    auto button = [this](const QString &text, const QString &tip, auto slot) {
        auto *b = new QToolButton(this);
        b->setText(text);
        b->setToolTip(tip);
        connect(b, &QToolButton::clicked, this, slot);
        return b;
    };
    auto *expandButton = button(QStringLiteral("Expand"), QStringLiteral("Show the selected node's neighbours (double-click a node)"),
                                [this] { expand(m_view->selectedNode()); });
    auto *collapseButton = button(QStringLiteral("Collapse"), QStringLiteral("Hide the neighbours that hang on the selected node only"),
                                  [this] { collapse(m_view->selectedNode()); });
    auto *fitButton = button(QStringLiteral("Fit"), QStringLiteral("Fit the graph into the view"), [this] { m_view->fit(); });
    auto *exportButton = button(QStringLiteral("Export…"), QStringLiteral("Save the picture as PNG or SVG"), [this] {
        const QString path = QFileDialog::getSaveFileName(this, QStringLiteral("Export graph"), QStringLiteral("graph.png"),
                                                          QStringLiteral("PNG image (*.png);;SVG drawing (*.svg)"));
        QString error;
        if (!path.isEmpty() && !exportPicture(path, &error))
            m_status->setText(error);
    });
    m_status = new QLabel(this);
    m_status->setTextFormat(Qt::PlainText); // it quotes the search text and errors
    m_status->setObjectName(QStringLiteral("graphStatus"));

    // Two rows of controls: what to show, then how; the panel then fits beside the map in the
    // default layout without forcing the window wider.
    m_status->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    auto *bar = new QVBoxLayout;
    bar->setContentsMargins(4, 2, 4, 2);
    bar->setSpacing(2);
    auto *what = new QHBoxLayout;
    what->addWidget(m_search, 2);
    what->addWidget(m_campaignBox, 1);
    what->addWidget(m_typesButton);
    auto *how = new QHBoxLayout;
    how->addWidget(m_timeBox);
    how->addWidget(m_from);
    how->addWidget(m_to);
    how->addWidget(expandButton);
    how->addWidget(collapseButton);
    how->addWidget(fitButton);
    how->addWidget(exportButton);
    how->addWidget(m_status, 1);
    bar->addLayout(what);
    bar->addLayout(how);
    auto *split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(m_view);
    split->addWidget(m_details);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 0);
    split->setCollapsible(0, false);
    m_details->setMinimumWidth(220);
    split->setSizes({900, 320});
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addLayout(bar);
    layout->addWidget(split, 1);

    connect(m_search, &QLineEdit::returnPressed, this, [this] {
        if (!search(m_search->text()))
            m_status->setText(QStringLiteral("Not in the graph: %1").arg(m_search->text()));
    });
    connect(m_campaignBox, &QComboBox::activated, this, [this](int row) {
        const int index = m_campaignBox->itemData(row).toInt();
        highlightCampaign(index);
        if (index >= 0 && m_selection) {
            Selection s;
            s.kind = Selection::Kind::Campaign;
            s.id = m_campaigns[static_cast<std::size_t>(index)].id;
            s.key = QString::number(s.id);
            s.label = m_campaignBox->itemText(row);
            s.fromMs = m_campaigns[static_cast<std::size_t>(index)].firstMs;
            m_selection->select(s, this);
        }
    });
    connect(m_view, &GraphView::nodeClicked, this, &GraphPanel::onNodeClicked);
    connect(m_view, &GraphView::nodeDoubleClicked, this, &GraphPanel::expand);
    connect(&m_load, &QFutureWatcher<Loaded>::finished, this, &GraphPanel::onLoaded);
    connect(&m_layout, &QFutureWatcher<LaidOut>::finished, this, &GraphPanel::onLaidOut);
    if (m_selection)
        connect(m_selection, &SelectionHub::selectionChanged, this, &GraphPanel::onSelectionChanged);
}

GraphPanel::~GraphPanel()
{
    if (m_cancel)
        m_cancel->store(true);
    m_load.waitForFinished();
    m_layout.waitForFinished();
}

void GraphPanel::openCase(const QString &path)
{
    closeCase();
    m_casePath = path;
    startLoad();
}

void GraphPanel::rebuild()
{
    if (m_casePath.isEmpty())
        return;
    if (!m_graph) {
        openCase(m_casePath);
        return;
    }
    // Jobs of the old graph end (cancelled), the picture stays until the new one is laid out.
    stopJobs();
    KeptView kept;
    for (std::uint32_t n : m_visible)
        kept.visible.push_back(m_graph->nodes[n].key);
    if (m_view->selectedNode() >= 0)
        kept.selected = m_graph->nodes[static_cast<std::size_t>(m_view->selectedNode())].key;
    kept.highlighted = m_highlighted;
    kept.transform = m_view->transform();
    kept.centre = m_view->mapToScene(m_view->viewport()->rect().center());
    m_kept = std::move(kept);
    startLoad();
}

void GraphPanel::startLoad()
{
    m_cancel = std::make_shared<std::atomic_bool>(false);
    m_status->setText(QStringLiteral("Building the graph…"));
    m_loading = true;
    m_load.setFuture(QtConcurrent::run(backgroundPool(), [path = m_casePath.toStdString(), cancel = m_cancel] {
        Loaded loaded;
        CaseStore store;
        std::string error;
        if (!store.open(path, false, &error)) {
            loaded.error = QString::fromStdString(error);
            return loaded;
        }
        auto graph = std::make_shared<InvestigationGraph>();
        GraphOptions options;
        options.cancel = cancel.get();
        if (!buildGraph(store.database(), *graph, options, &error)) {
            loaded.error = error.empty() ? QStringLiteral("cancelled") : QString::fromStdString(error);
            return loaded;
        }
        loaded.campaigns = analyseCampaigns(*graph);
        loaded.graph = std::move(graph);
        return loaded;
    }));
}

void GraphPanel::stopJobs()
{
    if (m_cancel)
        m_cancel->store(true);
    m_load.waitForFinished();
    m_layout.waitForFinished();
    m_loading = m_layingOut = m_layoutPending = false;
    ++m_generation;
}

void GraphPanel::closeCase()
{
    stopJobs();
    m_view->clear();
    m_details->clear();
    m_graph.reset();
    m_campaigns.clear();
    m_visible.clear();
    m_highlighted = -1;
    m_pendingSelect = -1;
    m_kept.reset();
    m_restore.reset();
    m_casePath.clear();
    m_campaignBox->clear();
    m_status->clear();
}

bool GraphPanel::isIdle() const
{
    // Until the finished handlers ran, a job that is done has not been shown yet.
    return !m_loading && !m_layingOut && !m_layoutPending;
}

void GraphPanel::onLoaded()
{
    m_loading = false;
    if (m_load.isCanceled() || !m_load.future().isValid() || m_load.future().resultCount() == 0)
        return;
    Loaded loaded = m_load.result();
    if (!loaded.graph) {
        m_status->setText(QStringLiteral("No graph: %1").arg(loaded.error));
        return;
    }
    const std::shared_ptr<const InvestigationGraph> previous = m_graph;
    m_graph = std::move(loaded.graph);
    m_campaigns = std::move(loaded.campaigns);
    m_campaignBox->clear();
    m_campaignBox->addItem(QStringLiteral("All campaigns"), -1);
    for (std::size_t i = 0; i < m_campaigns.size(); ++i) {
        const Campaign &c = m_campaigns[i];
        QString lead;
        for (std::uint32_t e : c.entities) {
            if (m_graph->nodes[e].type == NodeType::Ip) {
                lead = QString::fromStdString(m_graph->nodes[e].label);
                break;
            }
        }
        m_campaignBox->addItem(QStringLiteral("Campaign %1: %2 user%3%4")
                                   .arg(c.id)
                                   .arg(c.users.size())
                                   .arg(c.users.size() == 1 ? QString() : QStringLiteral("s"))
                                   .arg(lead.isEmpty() ? QString() : QStringLiteral(", ") + lead),
                               static_cast<int>(i));
    }
    // The time filter starts on the case's span.
    std::int64_t first = kNoTime, last = kNoTime;
    for (const GraphNode &n : m_graph->nodes) {
        if (n.type != NodeType::User || n.firstMs == kNoTime)
            continue;
        first = first == kNoTime ? n.firstMs : std::min(first, n.firstMs);
        last = last == kNoTime ? n.lastMs : std::max(last, n.lastMs);
    }
    if (first != kNoTime) {
        const QSignalBlocker blockFrom(m_from), blockTo(m_to);
        m_from->setDateTime(QDateTime::fromMSecsSinceEpoch(first, Qt::UTC));
        m_to->setDateTime(QDateTime::fromMSecsSinceEpoch(last + 60000, Qt::UTC));
    }
    emit graphLoaded(static_cast<int>(m_graph->nodes.size()), static_cast<int>(m_graph->edges.size()));
    // Start on the largest campaign (highlighted), or on the busiest user when there is none.
    std::set<std::uint32_t> start;
    if (!m_campaigns.empty()) {
        for (std::uint32_t n : m_campaigns.front().allNodes())
            start.insert(n);
    }
    if (start.empty() && !m_graph->nodes.empty()) {
        std::vector<std::uint32_t> users;
        for (std::uint32_t i = 0; i < m_graph->nodes.size(); ++i) {
            if (m_graph->nodes[i].type == NodeType::User)
                users.push_back(i);
        }
        std::sort(users.begin(), users.end(),
                  [&](std::uint32_t a, std::uint32_t b) { return m_graph->nodes[a].events > m_graph->nodes[b].events; });
        if (!users.empty()) {
            const Subgraph sub = neighbourhood(*m_graph, users.front(), 1);
            start.insert(sub.nodes.begin(), sub.nodes.end());
        }
    }
    m_highlighted = m_campaigns.empty() ? -1 : 0;
    if (m_kept && previous) {
        // A rebuild: the same entities as before, and the new ones tied to them (the address a
        // new import brought); the same selection, campaign and zoom.
        std::set<std::uint32_t> kept;
        for (const std::string &key : m_kept->visible) {
            if (const int n = m_graph->find(key); n >= 0)
                kept.insert(static_cast<std::uint32_t>(n));
        }
        std::set<std::uint32_t> added;
        for (std::uint32_t n : kept) {
            for (auto [it, end] = boost::adjacent_vertices(n, m_graph->graph); it != end; ++it) {
                const auto other = static_cast<std::uint32_t>(*it);
                if (!kept.count(other) && previous->find(m_graph->nodes[other].key) < 0)
                    added.insert(other);
            }
        }
        kept.insert(added.begin(), added.end());
        if (!kept.empty()) {
            start = std::move(kept);
            if (m_kept->highlighted < static_cast<int>(m_campaigns.size()))
                m_highlighted = m_kept->highlighted;
            m_pendingSelect = m_kept->selected.empty() ? -1 : m_graph->find(m_kept->selected);
            m_restore = m_kept;
        }
    }
    m_kept.reset();
    m_campaignBox->setCurrentIndex(m_highlighted + 1);
    setVisibleNodes(std::move(start));
    // A selection made while the graph was building.
    if (m_selection && !m_selection->current().isNone())
        onSelectionChanged(m_selection->current(), nullptr);
}

void GraphPanel::setVisibleNodes(std::set<std::uint32_t> nodes)
{
    while (nodes.size() > kMaxShown)
        nodes.erase(std::prev(nodes.end()));
    m_visible = std::move(nodes);
    requestLayout();
}

void GraphPanel::requestLayout()
{
    if (!m_graph)
        return;
    if (m_layout.isRunning()) {
        m_layoutPending = true; // one more layout once this one is done
        return;
    }
    m_layoutPending = false;
    const int generation = ++m_generation;
    m_status->setText(QStringLiteral("Laying out %1 nodes…").arg(m_visible.size()));
    m_layingOut = true;
    m_layout.setFuture(QtConcurrent::run(
        backgroundPool(),
        [graph = std::shared_ptr<const InvestigationGraph>(m_graph), nodes = std::vector<std::uint32_t>(m_visible.begin(), m_visible.end()),
         generation, cancel = m_cancel] {
            LaidOut out;
            out.generation = generation;
            const Subgraph sub = inducedSubgraph(*graph, nodes);
            LayoutOptions options;
            options.cancel = cancel.get();
            out.positions = layoutSubgraph(*graph, sub, options);
            out.nodes = sub.nodes;
            return out;
        }));
}

void GraphPanel::onLaidOut()
{
    m_layingOut = false;
    if (m_layoutPending) {
        requestLayout();
        return;
    }
    const LaidOut out = m_layout.result();
    if (out.generation != m_generation || !m_graph)
        return;
    m_view->show(m_graph, out.nodes, out.positions);
    applyFilter();
    if (m_highlighted >= 0 && static_cast<std::size_t>(m_highlighted) < m_campaigns.size())
        m_view->setHighlight(m_campaigns[static_cast<std::size_t>(m_highlighted)].allNodes());
    else
        m_view->setHighlight({});
    bool centred = false;
    if (m_restore) {
        m_view->setTransform(m_restore->transform);
        m_view->centerOn(m_restore->centre);
        m_restore.reset();
        centred = true;
    } else {
        m_view->fit();
    }
    if (m_pendingSelect >= 0) {
        m_view->selectNode(m_pendingSelect, !centred);
        showDetails(m_pendingSelect);
        m_pendingSelect = -1;
    }
    m_status->setText(QStringLiteral("%1 of %2 nodes").arg(out.nodes.size()).arg(m_graph->nodes.size()));
    emit laidOut(static_cast<int>(out.nodes.size()));
}

void GraphPanel::applyFilter()
{
    qint64 from = kNoTime, to = kNoTime;
    if (m_timeBox->isChecked()) {
        from = m_from->dateTime().toMSecsSinceEpoch();
        to = m_to->dateTime().toMSecsSinceEpoch();
    }
    m_view->setFilter(m_typeVisible, from, to);
}

void GraphPanel::showNode(int node)
{
    if (!m_graph || node < 0 || static_cast<std::size_t>(node) >= m_graph->nodes.size())
        return;
    const auto n = static_cast<std::uint32_t>(node);
    if (m_view->hasNode(n) && m_visible.count(n)) {
        m_view->selectNode(node);
        showDetails(node);
        return;
    }
    std::set<std::uint32_t> next = m_visible;
    const Subgraph around = neighbourhood(*m_graph, n, 1, false, 200);
    next.insert(around.nodes.begin(), around.nodes.end());
    m_pendingSelect = node;
    showDetails(node);
    setVisibleNodes(std::move(next));
}

void GraphPanel::highlightCampaign(int index)
{
    m_highlighted = index;
    m_campaignBox->setCurrentIndex(index + 1);
    if (!m_graph)
        return;
    if (index < 0 || static_cast<std::size_t>(index) >= m_campaigns.size()) {
        // Every campaign, none emphasised.
        m_highlighted = -1;
        m_view->setHighlight({});
        std::set<std::uint32_t> next = m_visible;
        for (const Campaign &c : m_campaigns) {
            for (std::uint32_t n : c.allNodes())
                next.insert(n);
        }
        if (next.size() != m_visible.size())
            setVisibleNodes(std::move(next));
        return;
    }
    const std::vector<std::uint32_t> nodes = m_campaigns[static_cast<std::size_t>(index)].allNodes();
    if (std::all_of(nodes.begin(), nodes.end(), [&](std::uint32_t n) { return m_view->hasNode(n); })) {
        m_view->setHighlight(nodes);
        return;
    }
    std::set<std::uint32_t> next = m_visible;
    next.insert(nodes.begin(), nodes.end());
    setVisibleNodes(std::move(next));
}

void GraphPanel::expand(int node)
{
    if (!m_graph || node < 0)
        return;
    const Subgraph around = neighbourhood(*m_graph, static_cast<std::uint32_t>(node), 1, true, 300);
    std::set<std::uint32_t> next = m_visible;
    next.insert(around.nodes.begin(), around.nodes.end());
    if (next.size() == m_visible.size())
        return;
    m_pendingSelect = node;
    setVisibleNodes(std::move(next));
}

void GraphPanel::collapse(int node)
{
    if (!m_graph || node < 0)
        return;
    std::set<std::uint32_t> next = m_visible;
    bool changed = false;
    for (auto [it, end] = boost::adjacent_vertices(static_cast<std::uint32_t>(node), m_graph->graph); it != end; ++it) {
        const auto w = static_cast<std::uint32_t>(*it);
        if (!next.count(w))
            continue;
        // Keep the neighbours something else shown still ties in.
        int ties = 0;
        for (auto [j, jend] = boost::adjacent_vertices(w, m_graph->graph); j != jend; ++j) {
            if (static_cast<int>(*j) != node && next.count(static_cast<std::uint32_t>(*j)))
                ++ties;
        }
        if (ties == 0) {
            next.erase(w);
            changed = true;
        }
    }
    if (changed) {
        m_pendingSelect = node;
        setVisibleNodes(std::move(next));
    }
}

bool GraphPanel::search(const QString &text)
{
    if (!m_graph || text.trimmed().isEmpty())
        return false;
    int node = m_graph->resolve(text.trimmed().toStdString());
    if (node < 0) {
        const std::string needle = text.trimmed().toLower().toStdString();
        for (std::size_t i = 0; i < m_graph->nodes.size() && node < 0; ++i) {
            std::string label = m_graph->nodes[i].label;
            std::transform(label.begin(), label.end(), label.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
            if (label.find(needle) != std::string::npos)
                node = static_cast<int>(i);
        }
    }
    if (node < 0)
        return false;
    showNode(node);
    onNodeClicked(node);
    return true;
}

bool GraphPanel::exportPicture(const QString &path, QString *error)
{
    if (path.endsWith(QLatin1String(".svg"), Qt::CaseInsensitive))
        return m_view->exportSvg(path, error);
    return m_view->exportPng(path, error);
}

void GraphPanel::onNodeClicked(int node)
{
    if (!m_graph || node < 0)
        return;
    showDetails(node);
    emit nodeSelected(node);
    if (!m_selection)
        return;
    const GraphNode &n = m_graph->nodes[static_cast<std::size_t>(node)];
    Selection s = Selection::forEntity(selectionKind(n.type), keyValue(n), QString::fromStdString(n.label));
    if (n.type == NodeType::Network) {
        // The network's addresses in the graph, for views that filter by address.
        for (auto [it, end] = boost::adjacent_vertices(static_cast<std::uint32_t>(node), m_graph->graph); it != end; ++it) {
            if (m_graph->nodes[*it].type == NodeType::Ip)
                s.ips << QString::fromStdString(m_graph->nodes[*it].label);
        }
    }
    if (n.type == NodeType::Rule)
        s.user = QString::fromStdString(n.owner);
    m_selection->select(s, this);
}

int GraphPanel::nodeForSelection(const Selection &s) const
{
    if (!m_graph)
        return -1;
    if (const auto type = nodeType(s.kind))
        return m_graph->find(InvestigationGraph::makeKey(*type, s.key.toStdString()));
    if (!s.user.isEmpty())
        return m_graph->find(InvestigationGraph::makeKey(NodeType::User, s.user.toStdString()));
    return -1;
}

void GraphPanel::onSelectionChanged(const Selection &s, const QObject *origin)
{
    if (origin == this || !m_graph)
        return;
    if (s.kind == Selection::Kind::Campaign) {
        for (std::size_t i = 0; i < m_campaigns.size(); ++i) {
            if (m_campaigns[i].id == s.id)
                highlightCampaign(static_cast<int>(i));
        }
        return;
    }
    if (s.kind == Selection::Kind::Finding || s.kind == Selection::Kind::Incident) {
        std::vector<std::uint32_t> nodes;
        if (s.kind == Selection::Kind::Finding) {
            for (const GraphFinding &f : m_graph->findings) {
                if (f.id == s.id || (!s.key.isEmpty() && QString::fromStdString(f.fingerprint) == s.key))
                    nodes = f.nodes;
            }
        } else {
            for (const GraphIncident &i : m_graph->incidents) {
                if (i.id == s.id)
                    nodes = i.nodes;
            }
        }
        if (nodes.empty())
            return;
        m_highlighted = -1;
        m_campaignBox->setCurrentIndex(0);
        std::set<std::uint32_t> next = m_visible;
        next.insert(nodes.begin(), nodes.end());
        const int user = nodeForSelection(Selection::forUser(s.user));
        m_pendingSelect = user >= 0 ? user : static_cast<int>(nodes.front());
        m_view->setHighlight(nodes);
        if (next.size() != m_visible.size()) {
            setVisibleNodes(std::move(next));
        } else {
            m_view->selectNode(m_pendingSelect);
            showDetails(m_pendingSelect);
            m_pendingSelect = -1;
        }
        return;
    }
    if (s.kind == Selection::Kind::TimeRange && s.hasTimeRange()) {
        if (s.fromMs != kNoTime)
            m_from->setDateTime(QDateTime::fromMSecsSinceEpoch(s.fromMs, Qt::UTC));
        if (s.toMs != kNoTime)
            m_to->setDateTime(QDateTime::fromMSecsSinceEpoch(s.toMs, Qt::UTC));
        m_timeBox->setChecked(true);
        applyFilter();
        return;
    }
    const int node = nodeForSelection(s);
    if (node >= 0)
        showNode(node);
}

void GraphPanel::setTriage(const QString &fingerprint, const QString &state)
{
    if (!m_graph || !m_graph->setTriage(fingerprint.toStdString(), state.toStdString()))
        return;
    m_view->refreshTriage();
    if (m_view->selectedNode() >= 0)
        showDetails(m_view->selectedNode());
}

void GraphPanel::showDetails(int node)
{
    if (!m_graph || node < 0)
        return;
    const GraphNode &n = m_graph->nodes[static_cast<std::size_t>(node)];
    QString html = QStringLiteral("<h3 style='margin:0'>%1</h3><p style='color:#555;margin-top:2px'>%2</p><table>")
                       .arg(esc(n.label), QString::fromLatin1(nodeTypeTitle(n.type)));
    auto row = [&](const QString &name, const QString &value) {
        if (!value.isEmpty())
            html += QStringLiteral("<tr><td style='color:#666;padding-right:8px'>%1</td><td>%2</td></tr>").arg(name, value);
    };
    row(QStringLiteral("Key"), esc(n.key));
    if (n.type == NodeType::Rule)
        row(QStringLiteral("Mailbox"), esc(n.owner));
    if (n.asn)
        row(QStringLiteral("Network"), QStringLiteral("AS%1").arg(n.asn));
    if (n.type == NodeType::Network || n.type == NodeType::Country)
        row(QStringLiteral("Name"), esc(n.org));
    if (n.networkClass != NetworkClass::None)
        row(QStringLiteral("Class"), QString::fromLatin1(networkClassName(n.networkClass)));
    row(QStringLiteral("Country"), esc(n.country));
    if (n.type != NodeType::User)
        row(QStringLiteral("Users"), QStringLiteral("%1 (%2 by successful use)").arg(n.users).arg(n.activeUsers));
    if (n.events)
        row(QStringLiteral("Events"), QString::number(n.events));
    row(QStringLiteral("First seen"), timeText(n.firstMs));
    row(QStringLiteral("Last seen"), timeText(n.lastMs));
    if (n.hub)
        row(QStringLiteral("Hub"), QStringLiteral("yes: used by %1 of %2 active users (threshold %3); never joins a campaign")
                                       .arg(n.activeUsers)
                                       .arg(m_graph->tenantActiveUsers)
                                       .arg(m_graph->hubThreshold));
    if (!n.findings.empty()) {
        const auto open = std::count_if(n.findings.begin(), n.findings.end(),
                                        [&](std::uint32_t f) { return !m_graph->findings[f].dismissed(); });
        row(QStringLiteral("Triage"), open == 0 ? QStringLiteral("all %1 findings dismissed (false positive or benign)").arg(n.findings.size())
                                                : QStringLiteral("%1 of %2 findings open or confirmed").arg(open).arg(n.findings.size()));
    }
    if (n.campaign >= 0 && static_cast<std::size_t>(n.campaign) < m_campaigns.size())
        row(QStringLiteral("Campaign"), QStringLiteral("Campaign %1").arg(m_campaigns[static_cast<std::size_t>(n.campaign)].id));
    html += QStringLiteral("</table>");
    if (!n.findings.empty()) {
        html += QStringLiteral("<h4>Findings</h4><ul>");
        for (std::uint32_t f : n.findings) {
            const GraphFinding &gf = m_graph->findings[f];
            html += QStringLiteral("<li><b>%1</b> %2%3 <i>[%5]</i>: %4</li>")
                        .arg(esc(gf.detector), esc(gf.severity), gf.suppressed ? QStringLiteral(" (suppressed)") : QString(),
                             esc(gf.summary), esc(gf.triage));
        }
        html += QStringLiteral("</ul>");
    }
    for (std::uint32_t i : n.incidents)
        html += QStringLiteral("<p><b>Incident %1</b>: %2</p>").arg(m_graph->incidents[i].id).arg(esc(m_graph->incidents[i].summary));
    // Its ties, busiest first.
    std::vector<std::pair<std::int64_t, QString>> ties;
    for (auto [it, end] = boost::out_edges(static_cast<std::uint32_t>(node), m_graph->graph); it != end; ++it) {
        const GraphEdge &e = m_graph->edges[m_graph->graph[*it].index];
        const bool outgoing = e.from == static_cast<std::uint32_t>(node);
        const GraphNode &other = m_graph->nodes[outgoing ? e.to : e.from];
        ties.emplace_back(e.count, QStringLiteral("%1 %2 %3 <span style='color:#777'>(%4×, %5 – %6)</span>")
                                       .arg(outgoing ? QStringLiteral("→") : QStringLiteral("←"),
                                            QString::fromLatin1(edgeTypeTitle(e.type)), esc(other.label))
                                       .arg(e.count)
                                       .arg(timeText(e.firstMs), timeText(e.lastMs)));
    }
    std::stable_sort(ties.begin(), ties.end(), [](const auto &a, const auto &b) { return a.first > b.first; });
    if (!ties.empty()) {
        html += QStringLiteral("<h4>Ties (%1)</h4>").arg(ties.size());
        for (std::size_t i = 0; i < ties.size() && i < 25; ++i)
            html += ties[i].second + QStringLiteral("<br>");
        if (ties.size() > 25)
            html += QStringLiteral("… and %1 more").arg(ties.size() - 25);
    }
    m_details->setHtml(html);
}

} // namespace mp::ui
