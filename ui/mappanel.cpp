#include "ui/mappanel.h"

#include "geo/geodb.h"
#include "geo/worldmap.h"
#include "store/casestore.h"
#include "ui/backgroundpool.h"
#include "ui/casejob.h"
#include "ui/mapview.h"
#include "ui/textformat.h"

#include <QDir>
#include <QFutureWatcher>
#include <QHeaderView>
#include <QLabel>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTreeView>
#include <QVBoxLayout>
#include <QtConcurrent>

#include <algorithm>
#include <cmath>

namespace mp::ui {

namespace {

enum EntryKind { PlaceEntry = 1, UnplacedEntry = 2, LegEntry = 3 };
constexpr int kKindRole = Qt::UserRole;
constexpr int kIndexRole = Qt::UserRole + 1;

struct WorldLoad
{
    std::shared_ptr<const WorldMap> coarse, fine;
    std::string error;
};

QString placeText(const std::string &city, const std::string &country)
{
    if (city.empty())
        return country.empty() ? QStringLiteral("(unnamed place)") : qstr(country);
    return country.empty() ? qstr(city) : qstr(city) + QStringLiteral(", ") + qstr(country);
}

} // namespace

MapPanel::MapPanel(SelectionHub *hub, QWidget *parent)
    : QWidget(parent)
    , m_hub(hub)
    , m_view(new MapView(this))
    , m_list(new QTreeView(this))
    , m_listModel(new QStandardItemModel(0, 3, this))
    , m_header(new QLabel(this))
    , m_dataDir(QString::fromStdString(GeoDb::defaultDataDir()))
{
    setObjectName(QStringLiteral("MapPanel"));
    m_header->setTextFormat(Qt::PlainText);
    m_header->setWordWrap(true);
    m_header->setContentsMargins(6, 2, 6, 2);
    m_listModel->setHorizontalHeaderLabels({QStringLiteral("Where"), QStringLiteral("Sign-ins"), QStringLiteral("Failed")});
    m_list->setModel(m_listModel);
    m_list->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_list->setRootIsDecorated(true);
    m_list->setUniformRowHeights(true);
    m_list->setAlternatingRowColors(true);
    m_list->header()->setStretchLastSection(false);
    m_list->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_list->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_list->header()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
    m_list->setToolTip(QStringLiteral("Click: select these sign-ins in every view"));
    m_list->setMinimumWidth(fontMetrics().horizontalAdvance(QLatin1Char('M')) * 12);

    auto *splitter = m_splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(m_view);
    splitter->addWidget(m_list);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);
    splitter->setChildrenCollapsible(false);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_header);
    layout->addWidget(splitter, 1);

    connect(m_view, &MapView::placeClicked, this, &MapPanel::onPlaceClicked);
    connect(m_list, &QTreeView::clicked, this, &MapPanel::onItemActivated);
    connect(m_list, &QTreeView::activated, this, &MapPanel::onItemActivated);
    connect(m_hub, &SelectionHub::selectionChanged, this, &MapPanel::onSelectionChanged);
    loadWorld();
    updateHeader();
}

MapPanel::~MapPanel()
{
    if (m_cancel)
        m_cancel->store(true);
}

void MapPanel::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    // The list beside a wide map, under a tall one.
    const Qt::Orientation orientation = width() >= 760 && width() >= height() * 1.25 ? Qt::Horizontal : Qt::Vertical;
    if (orientation != m_splitter->orientation() || !m_splitSized) {
        m_splitter->setOrientation(orientation);
        const int total = orientation == Qt::Horizontal ? width() : height();
        m_splitter->setSizes({total * 72 / 100, total * 28 / 100});
        m_splitSized = true;
    }
}

QSize MapPanel::sizeHint() const
{
    return {640, 420};
}

void MapPanel::setDataDir(const QString &dir)
{
    if (dir == m_dataDir)
        return;
    m_dataDir = dir;
    loadWorld();
}

void MapPanel::loadWorld()
{
    m_worldPending = true;
    const quint64 generation = ++m_worldGeneration;
    auto *watcher = new QFutureWatcher<WorldLoad>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != m_worldGeneration || watcher->future().resultCount() == 0)
            return;
        m_worldPending = false;
        const WorldLoad load = watcher->result();
        m_worldError = QString::fromStdString(load.error);
        m_view->setWorld(load.coarse, load.fine);
        const QString mapDir = QDir::toNativeSeparators(QDir(m_dataDir).filePath(QStringLiteral("map")));
        m_view->setMissingMapMessage(QStringLiteral("No world map: %1 holds no countries-110m.json or countries-50m.json.\n"
                                                    "Run %2 to fetch it (world-atlas: Natural Earth, public domain). "
                                                    "The places are listed on the right.")
                                         .arg(mapDir, QString::fromLatin1(WorldMap::kFetchCommand)));
        updateHeader();
    });
    watcher->setFuture(QtConcurrent::run(backgroundPool(), [dir = m_dataDir.toStdString()] {
        WorldLoad load;
        std::string coarseError, fineError;
        load.coarse = WorldMap::load(WorldMap::mapFile(dir, WorldMap::Detail::Coarse), &coarseError);
        load.fine = WorldMap::load(WorldMap::mapFile(dir, WorldMap::Detail::Fine), &fineError);
        if (!load.coarse && !load.fine)
            load.error = coarseError;
        return load;
    }));
}

void MapPanel::openCase(const QString &path)
{
    closeCase();
    m_casePath = path;
    onSelectionChanged(m_hub->current(), nullptr);
}

void MapPanel::closeCase()
{
    if (m_cancel)
        m_cancel->store(true);
    m_pending = false;
    m_casePath.clear();
    m_hasRequest = false;
    m_data.reset();
    m_view->setSignIns(nullptr);
    m_listModel->removeRows(0, m_listModel->rowCount());
    updateHeader();
}

void MapPanel::reload()
{
    if (!m_casePath.isEmpty())
        request(m_hasRequest ? m_request : SignInMapRequest{});
}

void MapPanel::onSelectionChanged(const Selection &selection, const QObject *origin)
{
    if (selection.kind == Selection::Kind::Event)
        return;
    if (origin == this || m_casePath.isEmpty())
        return; // our own click: the map stays, the clicked marker is already marked
    SignInMapRequest r;
    r.user = selection.user.toStdString();
    if (selection.kind == Selection::Kind::Ip)
        r.ip = selection.key.toStdString();
    r.fromMs = selection.fromMs;
    r.toMs = selection.toMs;
    if (selection.kind == Selection::Kind::User || selection.kind == Selection::Kind::Incident) {
        // The user's whole trail: the story is where they were before and after.
        if (selection.kind == Selection::Kind::Incident)
            r.fromMs = r.toMs = kNoTime;
    }
    if (m_hasRequest && r == m_request && m_data) {
        m_view->setSelectedPlace(-1);
        return;
    }
    request(r);
}

void MapPanel::request(const SignInMapRequest &r)
{
    m_request = r;
    m_hasRequest = true;
    if (m_cancel)
        m_cancel->store(true);
    m_pending = true;
    updateHeader();
    m_cancel = loadCaseData<SignInMap>(
        this, m_casePath,
        [r](Database &db, const std::atomic_bool &cancel) { return loadSignInMap(db, r, &cancel); },
        [this](std::shared_ptr<const SignInMap> data) {
            m_pending = false;
            onLoaded(std::move(data));
        });
}

void MapPanel::onLoaded(std::shared_ptr<const SignInMap> data)
{
    m_data = std::move(data);
    m_view->setSignIns(m_data);
    m_view->focusOnData();
    fillList();
    updateHeader();
    emit loaded();
}

void MapPanel::fillList()
{
    m_listModel->removeRows(0, m_listModel->rowCount());
    if (!m_data)
        return;
    const auto group = [this](const QString &title) {
        auto *item = new QStandardItem(title);
        QFont f = item->font();
        f.setBold(true);
        item->setFont(f);
        item->setSelectable(false);
        m_listModel->appendRow(item);
        return item;
    };
    // A row of the list: what it is goes with its first cell.
    const auto entry = [](QStandardItem *parent, EntryKind kind, std::size_t index, const QString &text,
                          const QString &count = {}, const QString &failed = {}) {
        auto *first = new QStandardItem(text);
        first->setData(kind, kKindRole);
        first->setData(static_cast<int>(index), kIndexRole);
        auto *second = new QStandardItem(count);
        auto *third = new QStandardItem(failed);
        second->setData(int(Qt::AlignRight | Qt::AlignVCenter), Qt::TextAlignmentRole);
        third->setData(int(Qt::AlignRight | Qt::AlignVCenter), Qt::TextAlignmentRole);
        parent->appendRow({first, second, third});
        return first;
    };
    if (!m_data->legs.empty()) {
        QStandardItem *legs = group(QStringLiteral("Impossible travel (%1)").arg(m_data->legs.size()));
        for (std::size_t i = 0; i < m_data->legs.size(); ++i) {
            const TravelLeg &leg = m_data->legs[i];
            QStandardItem *item = entry(legs, LegEntry, i,
                                        QStringLiteral("%1 → %2: %3 km at %4 km/h")
                                            .arg(qstr(leg.fromPlace), qstr(leg.toPlace),
                                                 formatCount(std::llround(leg.distanceKm)), formatCount(std::llround(leg.speedKmh))));
            item->setToolTip(QStringLiteral("%1: %2 – %3 UTC").arg(qstr(leg.user), formatTimeUtc(leg.fromMs), formatTimeUtc(leg.toMs)).toHtmlEscaped());
            item->setForeground(QColor(0xb7, 0x1c, 0x1c));
        }
    }
    if (!m_data->unplaced.empty()) {
        QStandardItem *unplaced = group(QStringLiteral("Not placed on the map (%1)").arg(m_data->unplaced.size()));
        for (std::size_t i = 0; i < m_data->unplaced.size(); ++i) {
            const UnplacedAddress &u = m_data->unplaced[i];
            QString text = u.ip.empty() ? QStringLiteral("(no address)") : qstr(u.ip);
            text += u.country.empty() ? QStringLiteral(" · location unknown") : QStringLiteral(" · %1, no coordinates").arg(qstr(u.country));
            QStandardItem *item = entry(unplaced, UnplacedEntry, i, text, formatCount(u.count));
            item->setToolTip(QStringLiteral("%1 – %2 UTC").arg(formatTimeUtc(u.firstMs), formatTimeUtc(u.lastMs)));
        }
    }
    QStandardItem *places = group(QStringLiteral("On the map (%1 places)").arg(m_data->places.size()));
    for (std::size_t i = 0; i < m_data->places.size(); ++i) {
        const SignInPlace &p = m_data->places[i];
        QStandardItem *item = entry(places, PlaceEntry, i, placeText(p.city, p.country), formatCount(p.total()),
                                    p.failures ? formatCount(p.failures) : QString());
        QStringList ips;
        for (const std::string &ip : p.ips)
            ips << qstr(ip);
        item->setToolTip(ips.join(QStringLiteral(", ")).toHtmlEscaped());
        if (p.failures > p.successes)
            m_listModel->itemFromIndex(item->index().siblingAtColumn(2))->setForeground(QColor(0xc6, 0x28, 0x28));
    }
    m_list->expandAll();
    for (int row = 0; row < m_listModel->rowCount(); ++row)
        m_list->setFirstColumnSpanned(row, QModelIndex(), true);
}

Selection MapPanel::selectionForPlace(int index) const
{
    if (!m_data || index < 0 || index >= static_cast<int>(m_data->places.size()))
        return {};
    const SignInPlace &p = m_data->places[static_cast<std::size_t>(index)];
    const QString place = placeText(p.city, p.country);
    Selection s;
    if ((p.ipCount == 1 || p.country.empty()) && !p.ips.empty()) {
        s = Selection::forIp(qstr(p.ips.front()));
        for (std::size_t i = 1; i < p.ips.size(); ++i)
            s.ips << qstr(p.ips[i]);
        s.label = QStringLiteral("%1 (%2)").arg(qstr(p.ips.front()), place);
    } else {
        // Several addresses at one place: its country, narrowed to the user when one is shown.
        s = Selection::forEntity(Selection::Kind::Country, qstr(p.country), place);
        for (const std::string &ip : p.ips)
            s.ips << qstr(ip);
    }
    s.user = qstr(m_request.user);
    s.fromMs = m_request.fromMs;
    s.toMs = m_request.toMs;
    if (!s.user.isEmpty())
        s.label = QStringLiteral("%1: %2").arg(s.user, s.label);
    return s;
}

void MapPanel::onPlaceClicked(int index)
{
    const Selection s = selectionForPlace(index);
    if (s.isNone())
        return;
    m_view->setSelectedPlace(index);
    m_hub->select(s, this);
}

void MapPanel::onItemActivated(const QModelIndex &clicked)
{
    if (!clicked.isValid() || !m_data)
        return;
    const QModelIndex first = clicked.siblingAtColumn(0);
    const int index = first.data(kIndexRole).toInt();
    switch (first.data(kKindRole).toInt()) {
    case PlaceEntry:
        onPlaceClicked(index);
        break;
    case UnplacedEntry: {
        if (index < 0 || index >= static_cast<int>(m_data->unplaced.size()))
            return;
        const UnplacedAddress &u = m_data->unplaced[static_cast<std::size_t>(index)];
        if (u.ip.empty())
            return;
        Selection s = Selection::forIp(qstr(u.ip));
        s.user = qstr(m_request.user);
        m_view->setSelectedPlace(-1);
        m_hub->select(s, this);
        break;
    }
    case LegEntry: {
        if (index < 0 || index >= static_cast<int>(m_data->legs.size()))
            return;
        const TravelLeg &leg = m_data->legs[static_cast<std::size_t>(index)];
        Selection s;
        s.kind = Selection::Kind::Finding;
        s.id = leg.findingId;
        s.key = qstr(leg.fingerprint);
        s.user = qstr(leg.user);
        s.label = QStringLiteral("Impossible travel of %1: %2 → %3").arg(qstr(leg.user), qstr(leg.fromPlace), qstr(leg.toPlace));
        for (const std::string &ip : {leg.fromIp, leg.toIp}) {
            if (!ip.empty())
                s.ips << qstr(ip);
        }
        s.fromMs = leg.fromMs;
        s.toMs = leg.toMs == kNoTime ? kNoTime : leg.toMs + 1;
        m_hub->select(s, this);
        break;
    }
    default:
        break;
    }
}

QString MapPanel::headerText() const
{
    return m_header->text();
}

void MapPanel::updateHeader()
{
    QString text;
    if (m_casePath.isEmpty()) {
        text = QStringLiteral("No case open");
    } else if (!m_data) {
        text = QStringLiteral("Reading sign-in locations…");
    } else if (!m_data->error.empty()) {
        text = QStringLiteral("Cannot read the sign-ins: %1").arg(qstr(m_data->error));
    } else {
        QString who = m_request.user.empty() ? QStringLiteral("Whole case") : qstr(m_request.user);
        if (!m_request.ip.empty())
            who += QStringLiteral(" from %1").arg(qstr(m_request.ip));
        if (m_request.fromMs != kNoTime || m_request.toMs != kNoTime)
            who += QStringLiteral(" (%1 – %2)").arg(m_request.fromMs == kNoTime ? QStringLiteral("…") : formatTimeUtc(m_request.fromMs),
                                                   m_request.toMs == kNoTime ? QStringLiteral("…") : formatTimeUtc(m_request.toMs));
        text = QStringLiteral("%1: %2 sign-ins at %3 places").arg(who, formatCount(m_data->signIns)).arg(m_data->places.size());
        if (!m_data->unplaced.empty())
            text += QStringLiteral(", %1 addresses not placed").arg(m_data->unplaced.size());
        if (!m_data->legs.empty())
            text += QStringLiteral(" · %1 impossible-travel leg%2").arg(m_data->legs.size()).arg(m_data->legs.size() == 1 ? QString() : QStringLiteral("s"));
        if (m_data->path.size() > 1)
            text += QStringLiteral(" · path in time order (numbered legs; orange: faster than an airliner)");
        if (std::any_of(m_data->places.begin(), m_data->places.end(), [](const SignInPlace &p) { return p.findings > 0; }))
            text += QStringLiteral(" · dashed red ring: an address named in a finding");
        if (m_pending)
            text += QStringLiteral(" · reading…");
    }
    if (!m_worldPending && !m_view->hasWorld())
        text += QStringLiteral(" · no world map: run %1").arg(QString::fromLatin1(WorldMap::kFetchCommand));
    m_header->setText(text);
}

} // namespace mp::ui
