#include "ui/eventspanel.h"

#include "ui/eventfilterbar.h"
#include "ui/eventtablemodel.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QMenu>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

namespace mp::ui {

EventsPanel::EventsPanel(QWidget *parent)
    : QWidget(parent)
    , m_filters(new EventFilterBar(this))
    , m_view(new QTableView(this))
    , m_model(new EventTableModel(this))
{
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->setTextElideMode(Qt::ElideRight);
    m_view->setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);
    m_view->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    m_view->setShowGrid(false);
    m_view->setCornerButtonEnabled(false);

    // Fixed row heights: the view never measures rows, so a million of them cost nothing.
    QHeaderView *rows = m_view->verticalHeader();
    rows->setSectionResizeMode(QHeaderView::Fixed);
    rows->setDefaultSectionSize(fontMetrics().height() + 6);
    rows->hide();

    QHeaderView *header = m_view->horizontalHeader();
    header->setSectionsMovable(true);
    header->setHighlightSections(false);
    header->setStretchLastSection(true);
    header->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    header->setContextMenuPolicy(Qt::CustomContextMenu);
    header->setSortIndicator(static_cast<int>(EventColumn::Time), Qt::AscendingOrder);
    m_view->setSortingEnabled(true);
    connect(header, &QHeaderView::customContextMenuRequested, this, &EventsPanel::showColumnMenu);
    resetColumns();

    auto *copy = new QAction(QStringLiteral("Copy rows"), m_view);
    copy->setShortcut(QKeySequence::Copy);
    copy->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(copy, &QAction::triggered, this, &EventsPanel::copySelection);
    m_view->addAction(copy);
    m_view->setContextMenuPolicy(Qt::ActionsContextMenu);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 0);
    layout->setSpacing(4);
    layout->addWidget(m_filters);
    layout->addWidget(m_view, 1);

    connect(m_filters, &EventFilterBar::changed, this, &EventsPanel::filtersChanged);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) {
                const std::int64_t id = current.isValid() ? m_model->eventId(current.row()) : 0;
                if (id != 0)
                    m_keepSelected = id;
                emit eventSelected(id);
                if (id != 0 && !m_quiet)
                    emit eventChosen(id);
            });
    connect(m_model, &EventTableModel::queryStarted, this, [this] { emit busyChanged(true); });
    connect(m_model, &EventTableModel::queryFailed, this, [this] { emit busyChanged(false); });
    connect(m_model, &EventTableModel::queryFinished, this, [this] {
        emit busyChanged(false);
        // Keep the analyst's place: the event selected before stays selected if it still matches.
        if (m_keepSelected == 0)
            emit eventSelected(0);
        else
            selectQuietly(m_keepSelected);
    });
}

EventsPanel::~EventsPanel() = default;

QSize EventsPanel::sizeHint() const
{
    const int em = fontMetrics().horizontalAdvance(QLatin1Char('M'));
    return {110 * em, 50 * fontMetrics().height()};
}

bool EventsPanel::openCase(const QString &path, QString *error)
{
    m_keepSelected = 0;
    m_filters->setChoices({});
    if (!m_model->openCase(path, error))
        return false;
    m_filters->loadChoices(path);
    return true;
}

void EventsPanel::closeCase()
{
    m_keepSelected = 0;
    m_model->closeCase();
    m_filters->setChoices({});
}

void EventsPanel::filtersChanged()
{
    EventQuery q = m_filters->query();
    q.sortColumn = m_model->query().sortColumn;
    q.descending = m_model->query().descending;
    m_model->setQuery(q);
}

std::int64_t EventsPanel::currentEventId() const
{
    const QModelIndex current = m_view->currentIndex();
    return current.isValid() ? m_model->eventId(current.row()) : 0;
}

bool EventsPanel::selectEvent(std::int64_t eventId)
{
    const int row = m_model->rowOfEvent(eventId);
    if (row < 0)
        return false;
    const QModelIndex index = m_model->index(row, 0);
    m_view->selectionModel()->setCurrentIndex(
        index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_view->scrollTo(index, QAbstractItemView::PositionAtCenter);
    return true;
}

void EventsPanel::selectEventWhenListed(std::int64_t eventId)
{
    m_keepSelected = eventId;
    if (!m_model->isBusy())
        selectQuietly(eventId);
}

void EventsPanel::selectQuietly(std::int64_t eventId)
{
    m_quiet = true;
    const bool listed = selectEvent(eventId);
    m_quiet = false;
    if (!listed)
        emit eventSelected(0);
}

QString EventsPanel::selectedRowsAsText() const
{
    QList<int> rows;
    for (const QModelIndex &index : m_view->selectionModel()->selectedRows())
        rows << index.row();
    std::sort(rows.begin(), rows.end());
    // The columns as the analyst arranged them: visible ones, in their on-screen order.
    QList<int> columns;
    const QHeaderView *header = m_view->horizontalHeader();
    for (int visual = 0; visual < header->count(); ++visual) {
        const int logical = header->logicalIndex(visual);
        if (!header->isSectionHidden(logical))
            columns << logical;
    }
    return m_model->rowsAsText(rows, columns);
}

void EventsPanel::copySelection() const
{
    if (!m_view->selectionModel()->hasSelection())
        return;
    QApplication::clipboard()->setText(selectedRowsAsText());
}

void EventsPanel::showColumnMenu(const QPoint &pos)
{
    QHeaderView *header = m_view->horizontalHeader();
    QMenu menu(this);
    for (int i = 0; i < kEventListColumnCount; ++i) {
        QAction *a = menu.addAction(EventTableModel::columnTitle(static_cast<EventColumn>(i)));
        a->setCheckable(true);
        a->setChecked(!header->isSectionHidden(i));
        connect(a, &QAction::toggled, this, [header, i](bool on) { header->setSectionHidden(i, !on); });
    }
    menu.addSeparator();
    connect(menu.addAction(QStringLiteral("Reset columns")), &QAction::triggered, this, &EventsPanel::resetColumns);
    menu.exec(header->mapToGlobal(pos));
}

void EventsPanel::resetColumns()
{
    QHeaderView *header = m_view->horizontalHeader();
    const QFontMetrics fm = m_view->fontMetrics();
    auto width = [&](const char *sample) { return fm.horizontalAdvance(QString::fromUtf8(sample)) + 18; };
    const std::pair<EventColumn, int> widths[] = {
        {EventColumn::Time, width("2024-03-12 08:01:15")},
        {EventColumn::Kind, width("sign-in")},
        {EventColumn::User, width("megan.bowen@contoso.co")},
        {EventColumn::Ip, width("185.220.101.145")},
        {EventColumn::Country, width("Country")},
        {EventColumn::City, width("Amsterdam")},
        {EventColumn::AsOrg, width("AS20712 Andrews & A")},
        {EventColumn::Operation, width("MailItemsAccessed")},
        {EventColumn::Result, width("failure 50126")},
        {EventColumn::App, width("Office 365 Exchange")},
        {EventColumn::ClientApp, width("Browser")},
        {EventColumn::Details, width("rule “x” · forwards to someone@example.net")},
    };
    for (int visual = 0; visual < header->count(); ++visual) {
        // Back to the model's order.
        const int logical = header->logicalIndex(visual);
        if (logical != visual)
            header->moveSection(header->visualIndex(visual), visual);
    }
    for (const auto &[column, w] : widths)
        header->resizeSection(static_cast<int>(column), w);
    // The kind shows in the operation (SignIn), and the apps are summed up in the details (the
    // app column is mostly an id in audit records): one click away in the column menu, and the
    // details get the room.
    for (int i = 0; i < kEventListColumnCount; ++i) {
        const auto column = static_cast<EventColumn>(i);
        header->setSectionHidden(i, column == EventColumn::Kind || column == EventColumn::App
                                        || column == EventColumn::ClientApp);
    }
}

QByteArray EventsPanel::saveHeaderState() const
{
    return m_view->horizontalHeader()->saveState();
}

bool EventsPanel::restoreHeaderState(const QByteArray &state)
{
    QHeaderView *header = m_view->horizontalHeader();
    const int sortSection = header->sortIndicatorSection();
    const Qt::SortOrder sortOrder = header->sortIndicatorOrder();
    const bool ok = header->restoreState(state);
    // The sort order belongs to the query, not to the remembered layout.
    header->setSortIndicator(sortSection, sortOrder);
    return ok && header->count() == kEventListColumnCount;
}

} // namespace mp::ui
