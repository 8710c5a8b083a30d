#include "ui/mainwindow.h"

#include "detect/tuning.h"
#include "geo/geodb.h"
#include "ingest/dataquality.h"
#include "ui/backgroundpool.h"
#include "ui/detailspanel.h"
#include "ui/detectionrunner.h"
#include "ui/elidemiddledelegate.h"
#include "ui/eventfilterbar.h"
#include "ui/eventspanel.h"
#include "ui/eventtablemodel.h"
#include "ui/findingsmodel.h"
#include "ui/findingspanel.h"
#include "ui/importlogmodel.h"
#include "ui/graphpanel.h"
#include "ui/importrunner.h"
#include "ui/itemroles.h"
#include "ui/mappanel.h"
#include "ui/recordview.h"
#include "ui/selection.h"
#include "ui/sourcetablemodel.h"
#include "ui/textformat.h"
#include "ui/userpage.h"
#include "ui/timelinepanel.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QLayout>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QSet>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QStatusBar>
#include <QTableView>
#include <QTreeView>
#include <QTimer>
#include <QtConcurrent>

#include <map>

namespace mp::ui {

namespace {

const QString kCaseSuffix = QStringLiteral("mpcase");
const QString kCaseFilter = QStringLiteral("Mailpivot cases (*.mpcase)");
const QString kLogFilter = QStringLiteral(
    "Log exports and archives of them (*.csv *.json *.jsonl *.txt *.tsv *.zip *.7z *.tar *.tgz *.gz *.xz *.bz2 "
    "*.zst *.rar);;All files (*)");

QTableView *makeTable(QAbstractItemModel *model, QWidget *parent)
{
    auto *proxy = new QSortFilterProxyModel(parent);
    proxy->setSourceModel(model);
    proxy->setSortRole(SortRole);
    auto *view = new QTableView(parent);
    view->setModel(proxy);
    view->setSortingEnabled(true);
    view->sortByColumn(-1, Qt::AscendingOrder); // model order until the analyst sorts
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setAlternatingRowColors(true);
    view->setWordWrap(false);
    view->setShowGrid(false);
    view->setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);
    view->verticalHeader()->hide();
    view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 6);
    view->horizontalHeader()->setStretchLastSection(true);
    view->horizontalHeader()->setHighlightSections(false);
    view->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    view->horizontalHeader()->setSectionsMovable(true);
    return view;
}

int textWidth(const QWidget *w, const char *sample)
{
    return w->fontMetrics().horizontalAdvance(QString::fromUtf8(sample)) + 18;
}

QString plural(qsizetype n)
{
    return n == 1 ? QString() : QStringLiteral("s");
}

bool isCaseFile(const QString &path)
{
    return QFileInfo(path).suffix().compare(kCaseSuffix, Qt::CaseInsensitive) == 0;
}

} // namespace

MainWindow::MainWindow(const Options &options)
    : m_options(options)
{
    setObjectName(QStringLiteral("MainWindow"));
    setAcceptDrops(true);
    m_importer = new ImportRunner(this);
    m_selection = new SelectionHub(this);
    m_detection = new DetectionRunner(this);
    createPanels();
    createFindingPanels();
    createActions();
    createStatusBar();
    resize(1440, 900);
    resetLayout();
    if (m_options.persistent)
        restoreSettings();
    connect(m_importer, &ImportRunner::progress, this, &MainWindow::onImportProgress);
    connect(m_importer, &ImportRunner::finished, this, &MainWindow::onImportFinished);
    connect(m_selection, &SelectionHub::selectionChanged, this, &MainWindow::onSelectionChanged);
    connect(m_selection, &SelectionHub::historyChanged, this, &MainWindow::updateNavigationActions);
    updateNavigationActions();
    startGeoLoad();
    updateTitle();
    m_events->view()->setFocus();
}

MainWindow::~MainWindow()
{
    m_importer->cancel();
    m_detection->cancel();
}

// --- panels ---------------------------------------------------------------------------------

void MainWindow::createPanels()
{
    // Events are the central view; every other panel is a dock around them.
    m_events = new EventsPanel(this);
    setCentralWidget(m_events);
    setDockOptions(AnimatedDocks | AllowNestedDocks | AllowTabbedDocks | GroupedDragging);
    setCorner(Qt::BottomRightCorner, Qt::RightDockWidgetArea);
    // The findings across the whole width at the top: where a responder starts reading.
    setCorner(Qt::TopRightCorner, Qt::TopDockWidgetArea);

    m_record = new RecordView(this);
    m_graph = new GraphPanel(m_selection, this);
    m_importLog = new ImportLogModel(this);
    m_importLogView = makeTable(m_importLog, this);
    m_importLogView->horizontalHeader()->resizeSection(ImportLogModel::File, textWidth(this, "signins-2024-03.json"));
    m_importLogView->horizontalHeader()->resizeSection(ImportLogModel::Line, textWidth(this, "1,234,567"));
    m_importLogView->horizontalHeader()->resizeSection(ImportLogModel::Severity, textWidth(this, "rejected row") + 20);
    // One line a problem, the whole reason in the tool tip: a log of a thousand rejected rows
    // must stay scannable.
    m_importLogView->setItemDelegateForColumn(ImportLogModel::File, new ElideMiddleDelegate(m_importLogView));
    m_sources = new SourceTableModel(this);
    m_sourcesView = makeTable(m_sources, this);
    {
        QHeaderView *h = m_sourcesView->horizontalHeader();
        h->resizeSection(SourceTableModel::File, textWidth(this, "signins-2024-03.json"));
        h->resizeSection(SourceTableModel::Size, textWidth(this, "123.4 MB"));
        h->resizeSection(SourceTableModel::Sha256, m_sourcesView->fontMetrics().horizontalAdvance(QLatin1Char('0')) * 20 + 18);
        h->resizeSection(SourceTableModel::Format, textWidth(this, "sentinel-officeactivity-csv"));
        for (const int c : {SourceTableModel::RecordsRead, SourceTableModel::Imported, SourceTableModel::Duplicates,
                            SourceTableModel::Rejected})
            h->resizeSection(c, textWidth(this, "Duplicates"));
        for (const int c : {SourceTableModel::ImportedAt, SourceTableModel::FirstEvent, SourceTableModel::LastEvent})
            h->resizeSection(c, textWidth(this, "2024-03-12 08:01:15"));
        h->resizeSection(SourceTableModel::Encoding, textWidth(this, "utf-8-bom, dates mdy"));
    }
    for (const int c : {SourceTableModel::File, SourceTableModel::Sha256, SourceTableModel::Path})
        m_sourcesView->setItemDelegateForColumn(c, new ElideMiddleDelegate(m_sourcesView));

    // Timeline and map follow the selection and read the case on their own connections.
    m_timeline = new TimelinePanel(m_selection, this);
    m_map = new MapPanel(m_selection, this);
    if (!m_options.geoDataDir.isEmpty() && m_options.geoDataDir != QStringLiteral("-"))
        m_map->setDataDir(m_options.geoDataDir);
    connect(this, &MainWindow::caseOpened, m_timeline, &TimelinePanel::openCase);
    connect(this, &MainWindow::caseOpened, m_map, &MapPanel::openCase);
    connect(this, &MainWindow::caseClosed, m_timeline, &TimelinePanel::closeCase);
    connect(this, &MainWindow::caseClosed, m_map, &MapPanel::closeCase);
    connect(this, &MainWindow::importFinished, m_timeline, &TimelinePanel::reload);
    connect(this, &MainWindow::importFinished, m_map, &MapPanel::reload);

    connect(m_events, &EventsPanel::eventSelected, this, &MainWindow::onEventSelected);
    connect(m_events, &EventsPanel::eventChosen, this, &MainWindow::onEventChosen);
    connect(m_events->model(), &EventTableModel::queryStarted, this, [this] {
        if (m_countLabel && m_eventsShown)
            m_countLabel->setText(m_countLabel->text().section(QStringLiteral(" · "), 0, 0) + QStringLiteral(" · searching…"));
    });
    connect(m_events->model(), &EventTableModel::queryFinished, this,
            [this](qint64 matches, qint64 total, qint64 elapsedMs) {
                m_eventsShown = true;
                const bool filtered = m_events->model()->query().filters();
                QString text = filtered ? QStringLiteral("%1 of %2 events").arg(formatCount(matches), formatCount(total))
                                        : QStringLiteral("%1 events").arg(formatCount(total));
                text += QStringLiteral(" · %1 ms").arg(elapsedMs);
                m_countLabel->setText(text);
                m_countLabel->setToolTip(QStringLiteral("Rows matching the filters, and the time the last query took"));
                emit eventsShown(matches, total);
            });
    connect(m_events->model(), &EventTableModel::queryFailed, this, [this](const QString &error) {
        statusBar()->showMessage(QStringLiteral("The events query failed: %1").arg(error), 10000);
    });
}

QDockWidget *MainWindow::addPanel(const QString &id, const QString &title, QWidget *widget, Qt::DockWidgetArea area)
{
    auto *dock = new QDockWidget(title, this);
    dock->setObjectName(QStringLiteral("dock.") + id);
    dock->setWidget(widget);
    dock->setFeatures(QDockWidget::DockWidgetClosable | QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
    addDockWidget(area, dock);
    if (m_panelsMenu)
        m_panelsMenu->addAction(dock->toggleViewAction());
    return dock;
}

QDockWidget *MainWindow::panel(const QString &id) const
{
    return findChild<QDockWidget *>(QStringLiteral("dock.") + id, Qt::FindDirectChildrenOnly);
}

void MainWindow::resetLayout()
{
    // Findings across the top, where the eye starts. At the right, what is selected in full above
    // the original record, the per-user page a tab beside the details. Below the events, the
    // timeline and the map side by side, with the graph, the import log and the sources a tab
    // away from them.
    //
    // Each panel is put in its place as soon as it is added: a dock area holds the minimum
    // widths of its panels side by side, and a window grows (for good) to hold an intermediate
    // layout with every bottom panel in a row.
    enum class Place { Area, Below, Beside, Tab };
    struct PanelSpec
    {
        const char *id;
        const char *title;
        QWidget *widget;
        Qt::DockWidgetArea area;
        Place place;
        const char *anchor; // the panel it is placed against (Below, Beside, Tab)
    };
    const PanelSpec specs[] = {
        {"findings", "Findings and incidents", m_findings, Qt::TopDockWidgetArea, Place::Area, nullptr},
        {"details", "Details", m_details, Qt::RightDockWidgetArea, Place::Area, nullptr},
        {"record", "Record", m_record, Qt::RightDockWidgetArea, Place::Below, "details"},
        {"userpage", "User page", m_userPage, Qt::RightDockWidgetArea, Place::Tab, "details"},
        {"timeline", "Timeline", m_timeline, Qt::BottomDockWidgetArea, Place::Area, nullptr},
        {"map", "Map", m_map, Qt::BottomDockWidgetArea, Place::Beside, "timeline"},
        {"graph", "Graph", m_graph, Qt::BottomDockWidgetArea, Place::Tab, "timeline"},
        {"importlog", "Import log", m_importLogView, Qt::BottomDockWidgetArea, Place::Tab, "graph"},
        {"sources", "Sources", m_sourcesView, Qt::BottomDockWidgetArea, Place::Tab, "map"},
    };
    for (const PanelSpec &spec : specs) {
        const QString id = QString::fromLatin1(spec.id);
        QDockWidget *dock = panel(id);
        QDockWidget *anchor = spec.anchor ? panel(QString::fromLatin1(spec.anchor)) : nullptr;
        if (!dock) {
            // A new dock goes straight into its place (addPanel puts it in its area first).
            dock = addPanel(id, QString::fromUtf8(spec.title), spec.widget, anchor ? dockWidgetArea(anchor) : spec.area);
        }
        dock->setFloating(false);
        dock->show();
        switch (spec.place) {
        case Place::Area: addDockWidget(spec.area, dock); break;
        case Place::Below: splitDockWidget(anchor, dock, Qt::Vertical); break;
        case Place::Beside: splitDockWidget(anchor, dock, Qt::Horizontal); break;
        case Place::Tab: tabifyDockWidget(anchor, dock); break;
        }
    }
    for (const char *front : {"details", "timeline", "map"})
        panel(QString::fromLatin1(front))->raise();
    // Dock sizes only hold once the window is laid out at its real size.
    m_defaultSizesPending = true;
    if (isVisible())
        applyDefaultDockSizes();
}

void MainWindow::applyDefaultDockSizes()
{
    if (!m_defaultSizesPending)
        return;
    m_defaultSizesPending = false;
    QDockWidget *record = panel(QStringLiteral("record"));
    QDockWidget *timeline = panel(QStringLiteral("timeline"));
    QDockWidget *map = panel(QStringLiteral("map"));
    QDockWidget *findings = panel(QStringLiteral("findings"));
    QDockWidget *details = panel(QStringLiteral("details"));
    const int sideWidth = width() * 26 / 100;
    const int bottomWidth = width() - sideWidth;
    // resizeDocks() moves the boundary between dock areas only within what the areas' current
    // sizes allow; pinning the panels' sizes for one layout pass moves them reliably.
    record->setFixedWidth(sideWidth);
    timeline->setFixedHeight(height() * 30 / 100);
    findings->setFixedHeight(height() * 26 / 100);
    layout()->activate();
    QCoreApplication::processEvents();
    record->setMinimumWidth(0);
    record->setMaximumWidth(QWIDGETSIZE_MAX);
    for (QDockWidget *d : {timeline, findings}) {
        d->setMinimumHeight(0);
        d->setMaximumHeight(QWIDGETSIZE_MAX);
    }
    resizeDocks({timeline, map}, {bottomWidth * 60 / 100, bottomWidth * 40 / 100}, Qt::Horizontal);
    resizeDocks({details, record}, {height() * 42 / 100, height() * 22 / 100}, Qt::Vertical);
    QCoreApplication::processEvents();
}

void MainWindow::showEvent(QShowEvent *event)
{
    QMainWindow::showEvent(event);
    // After the show has laid the window out.
    QTimer::singleShot(0, this, &MainWindow::applyDefaultDockSizes);
}

// --- actions and menus ----------------------------------------------------------------------

void MainWindow::createActions()
{
    QMenu *file = menuBar()->addMenu(QStringLiteral("&File"));
    QAction *newCase = file->addAction(QStringLiteral("&New case…"), this, &MainWindow::newCaseDialog);
    newCase->setShortcut(QKeySequence::New);
    QAction *open = file->addAction(QStringLiteral("&Open case…"), this, &MainWindow::openCaseDialog);
    open->setShortcut(QKeySequence::Open);
    m_recentMenu = file->addMenu(QStringLiteral("Recent cases"));
    file->addSeparator();
    m_importAction = file->addAction(QStringLiteral("&Import files…"), this, &MainWindow::importDialog);
    m_importAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_I));
    m_importAction->setStatusTip(QStringLiteral("Import sign-in, audit, message trace and inbox rule exports (or drop them on the window)"));
    QAction *importFolder = file->addAction(QStringLiteral("Import &folder…"), this, &MainWindow::importFolderDialog);
    importFolder->setStatusTip(QStringLiteral("Import every export in a folder and its subfolders (an Azure Monitor storage "
                                              "export, a customer's hand-over); other files there are skipped"));
    file->addSeparator();
    m_closeAction = file->addAction(QStringLiteral("&Close case"), this, &MainWindow::closeCase);
    m_closeAction->setShortcut(QKeySequence::Close);
    QAction *quit = file->addAction(QStringLiteral("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);

    m_viewMenu = menuBar()->addMenu(QStringLiteral("&View"));
    m_panelsMenu = m_viewMenu->addMenu(QStringLiteral("Panels"));
    for (QDockWidget *dock : findChildren<QDockWidget *>(QString(), Qt::FindDirectChildrenOnly))
        m_panelsMenu->addAction(dock->toggleViewAction());
    m_viewMenu->addAction(QStringLiteral("Reset layout"), this, &MainWindow::resetLayout);
    m_viewMenu->addAction(QStringLiteral("Reset event columns"), m_events, &EventsPanel::resetColumns);

    // Back and forward through what was selected, like a browser.
    QMenu *go = menuBar()->addMenu(QStringLiteral("&Go"));
    m_backAction = go->addAction(QStringLiteral("&Back"), m_selection, &SelectionHub::back);
    m_backAction->setShortcuts({QKeySequence::Back, QKeySequence(Qt::ALT | Qt::Key_Left)});
    m_forwardAction = go->addAction(QStringLiteral("&Forward"), m_selection, &SelectionHub::forward);
    m_forwardAction->setShortcuts({QKeySequence::Forward, QKeySequence(Qt::ALT | Qt::Key_Right)});
    go->addAction(QStringLiteral("Clear selection"), this, [this] { m_selection->select(Selection{}); });
    m_historyMenu = go->addMenu(QStringLiteral("History"));

    QMenu *analyse = menuBar()->addMenu(QStringLiteral("&Analyse"));
    m_detectAction = analyse->addAction(QStringLiteral("Run &detection"), this, &MainWindow::runDetection);
    m_detectAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_D));
    m_detectAction->setStatusTip(QStringLiteral("Run the default detectors with the case's tuning file; triage is kept"));
    QAction *userPageAction = analyse->addAction(QStringLiteral("&User page"), this, [this] {
        QString user = m_selection->current().user;
        if (user.isEmpty() && !m_findings->model()->snapshot().incidents.empty())
            user = qstr(m_findings->model()->snapshot().incidents.front().incident.user);
        showUserPage(user);
    });
    userPageAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_U));
    userPageAction->setStatusTip(QStringLiteral("Triage this mailbox: the selected user's story, sign-ins, rules and sends"));

    QMenu *help = menuBar()->addMenu(QStringLiteral("&Help"));
    help->addAction(QStringLiteral("&About Mailpivot"), this, [this] {
        QMessageBox::about(this, QStringLiteral("About Mailpivot"),
                           QStringLiteral("<b>Mailpivot %1</b><p>Investigates compromised Microsoft 365 mailboxes from "
                                          "sign-in and audit log exports, offline.</p><p>%2</p>")
                               .arg(QCoreApplication::applicationVersion(),
                                    m_geo ? qstr(m_geo->attribution()).toHtmlEscaped() : QString()));
    });
    updateRecentMenu();
}

void MainWindow::createStatusBar()
{
    m_caseLabel = new QLabel(this);
    m_caseLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_countLabel = new QLabel(this);
    m_importLabel = new QLabel(this);
    m_importProgress = new QProgressBar(this);
    m_importProgress->setRange(0, 1000);
    m_importProgress->setMaximumWidth(220);
    m_importProgress->setTextVisible(false);
    m_cancelButton = new QPushButton(QStringLiteral("Cancel"), this);
    m_cancelButton->setToolTip(QStringLiteral("Stop the import; the file being read is rolled back"));
    connect(m_cancelButton, &QPushButton::clicked, this, [this] {
        m_importer->cancel();
        m_cancelButton->setEnabled(false);
        m_importLabel->setText(QStringLiteral("Cancelling…"));
    });
    m_geoLabel = new QLabel(this);
    m_detectLabel = new QLabel(this);
    // File names, paths and progress quoted from the evidence: text, never markup.
    for (QLabel *label : {m_caseLabel, m_countLabel, m_importLabel, m_geoLabel, m_detectLabel})
        label->setTextFormat(Qt::PlainText);
    m_detectProgress = new QProgressBar(this);
    m_detectProgress->setRange(0, 1000);
    m_detectProgress->setMaximumWidth(160);
    m_detectProgress->setTextVisible(false);
    m_detectCancel = new QPushButton(QStringLiteral("Stop detection"), this);
    m_detectCancel->setToolTip(QStringLiteral("Stop the run; the findings of the previous run stay"));
    connect(m_detectCancel, &QPushButton::clicked, this, [this] {
        m_detectAgain = false;
        m_detection->cancel();
        m_detectCancel->setEnabled(false);
        m_detectLabel->setText(QStringLiteral("Stopping detection…"));
    });
    statusBar()->addWidget(m_caseLabel, 1);
    statusBar()->addWidget(m_countLabel);
    statusBar()->addPermanentWidget(m_importLabel);
    statusBar()->addPermanentWidget(m_importProgress);
    statusBar()->addPermanentWidget(m_cancelButton);
    statusBar()->addPermanentWidget(m_detectLabel);
    statusBar()->addPermanentWidget(m_detectProgress);
    statusBar()->addPermanentWidget(m_detectCancel);
    statusBar()->addPermanentWidget(m_geoLabel);
    for (QWidget *w : {static_cast<QWidget *>(m_importLabel), static_cast<QWidget *>(m_importProgress),
                       static_cast<QWidget *>(m_cancelButton), static_cast<QWidget *>(m_detectLabel),
                       static_cast<QWidget *>(m_detectProgress), static_cast<QWidget *>(m_detectCancel)})
        w->hide();
}

QString MainWindow::statusText() const
{
    QStringList parts;
    for (const QLabel *l : {m_caseLabel, m_countLabel, m_importLabel, m_detectLabel, m_geoLabel}) {
        if (!l->text().isEmpty() && !l->isHidden())
            parts << l->text();
    }
    return parts.join(QStringLiteral(" | "));
}

void MainWindow::updateTitle()
{
    if (m_casePath.isEmpty()) {
        setWindowTitle(QStringLiteral("Mailpivot"));
        m_caseLabel->setText(QStringLiteral("No case open: File › New case or Open case"));
        m_countLabel->clear();
    } else {
        setWindowTitle(QStringLiteral("%1 — Mailpivot").arg(QFileInfo(m_casePath).fileName()));
        m_caseLabel->setText(QDir::toNativeSeparators(m_casePath));
    }
    m_importAction->setEnabled(true);
    m_closeAction->setEnabled(hasCase());
}

void MainWindow::showError(const QString &title, const QString &text)
{
    statusBar()->showMessage(text, 15000);
    if (!m_options.quiet)
        QMessageBox::warning(this, title, text);
}

// --- GeoIP ----------------------------------------------------------------------------------

void MainWindow::startGeoLoad()
{
    if (m_options.geoDataDir == QStringLiteral("-")) {
        m_geoLabel->setText(QStringLiteral("GeoIP off"));
        return;
    }
    const std::string dir = m_options.geoDataDir.isEmpty() ? GeoDb::defaultDataDir() : m_options.geoDataDir.toStdString();
    connect(&m_geoLoad, &QFutureWatcher<GeoLoad>::finished, this, [this] {
        if (m_geoLoad.future().resultCount() == 0)
            return;
        const GeoLoad load = m_geoLoad.result();
        m_geo = load.geo;
        m_importer->setGeoDb(m_geo);
        if (m_geo) {
            // The first credit (the city database's) stays in view; all of them are in the tool
            // tip and the About box.
            const QString credits = qstr(m_geo->attribution());
            m_geoLabel->setText(credits.section(QStringLiteral("; "), 0, 0));
            m_geoLabel->setToolTip(credits);
        } else {
            m_geoLabel->setText(QStringLiteral("No GeoIP data: addresses are not placed"));
            m_geoLabel->setToolTip(QStringLiteral("Run scripts/fetch-data.sh to fetch the offline databases"));
        }
        for (const std::string &p : load.problems)
            m_importLog->addEntry({QStringLiteral("(GeoIP)"), {}, 0, ImportLogModel::Level::Warning, qstr(p)});
    });
    m_geoLoad.setFuture(QtConcurrent::run(backgroundPool(), [dir] {
        GeoLoad load;
        auto geo = std::make_shared<GeoDb>();
        if (!geo->openDataDir(dir, &load.problems) && load.problems.empty())
            load.problems.push_back("no GeoIP data in " + dir + ": run scripts/fetch-data.sh");
        if (geo->isOpen())
            load.geo = std::move(geo);
        return load;
    }));
}

// --- cases ----------------------------------------------------------------------------------

bool MainWindow::openCase(const QString &path, QString *error)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    if (m_importer->isRunning()) {
        // Switching cases would cancel the import behind the analyst's back.
        const QString text = QStringLiteral("An import is running: let it finish or cancel it before opening another case");
        if (error)
            *error = text;
        showError(QStringLiteral("Open case"), text);
        return false;
    }
    if (!QFileInfo::exists(absolute)) {
        const QString text = QStringLiteral("%1: no such case").arg(QDir::toNativeSeparators(absolute));
        if (error)
            *error = text;
        showError(QStringLiteral("Open case"), text);
        return false;
    }
    closeCase();
    std::string message;
    if (!m_case.open(absolute.toStdString(), false, &message)) {
        const QString text = QString::fromStdString(message);
        if (error)
            *error = text;
        showError(QStringLiteral("Open case"), text);
        return false;
    }
    QString eventsError;
    if (!m_events->openCase(absolute, &eventsError)) {
        m_case.close();
        if (error)
            *error = eventsError;
        showError(QStringLiteral("Open case"), eventsError);
        return false;
    }
    m_casePath = absolute;
    m_graph->openCase(absolute);
    m_eventsShown = false;
    m_countLabel->setText(QStringLiteral("Loading events…"));
    reloadCaseInfo();
    m_findings->openCase(absolute);
    m_details->setCase(absolute);
    m_userPage->setCase(absolute);
    addRecentCase(absolute);
    updateTitle();
    emit caseOpened(absolute);
    return true;
}

bool MainWindow::createCase(const QString &path, QString *error)
{
    QString target = QFileInfo(path).absoluteFilePath();
    if (QFileInfo(target).suffix().isEmpty())
        target += QStringLiteral(".") + kCaseSuffix;
    CaseStore store;
    std::string message;
    if (!store.open(target.toStdString(), true, &message)) {
        const QString text = QString::fromStdString(message);
        if (error)
            *error = text;
        showError(QStringLiteral("New case"), text);
        return false;
    }
    store.close();
    return openCase(target, error);
}

void MainWindow::closeCase()
{
    if (!hasCase())
        return;
    m_importer->cancel();
    m_detectAgain = false;
    m_detection->cancel();
    m_events->closeCase();
    m_graph->closeCase();
    m_selection->clear();
    m_findings->closeCase();
    m_details->setCase({});
    m_userPage->setCase({});
    m_record->clear();
    m_sources->setSources({});
    m_importLog->clear();
    m_case.close();
    m_casePath.clear();
    m_eventsShown = false;
    updateTitle();
    emit caseClosed();
}

void MainWindow::reloadCaseInfo()
{
    std::vector<SourceFile> sources = m_case.sources();
    m_importLog->setStoredLog(sources, m_case.problems());
    m_importLog->setCaseWarnings(caseWarnings(m_case));
    m_sources->setSources(std::move(sources));
}

QStringList MainWindow::recentCases() const
{
    return QSettings().value(QStringLiteral("recentCases")).toStringList();
}

void MainWindow::addRecentCase(const QString &path)
{
    if (!m_options.persistent)
        return;
    QStringList recent = recentCases();
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > kMaxRecentCases)
        recent.removeLast();
    QSettings().setValue(QStringLiteral("recentCases"), recent);
    updateRecentMenu();
}

void MainWindow::updateRecentMenu()
{
    m_recentMenu->clear();
    const QStringList recent = m_options.persistent ? recentCases() : QStringList();
    for (const QString &path : recent) {
        QAction *a = m_recentMenu->addAction(QDir::toNativeSeparators(path), this, [this, path] { openCase(path); });
        a->setEnabled(QFileInfo::exists(path));
    }
    if (!recent.isEmpty()) {
        m_recentMenu->addSeparator();
        m_recentMenu->addAction(QStringLiteral("Clear list"), this, [this] {
            QSettings().remove(QStringLiteral("recentCases"));
            updateRecentMenu();
        });
    }
    m_recentMenu->setEnabled(!recent.isEmpty());
}

void MainWindow::newCaseDialog()
{
    const QString path = QFileDialog::getSaveFileName(this, QStringLiteral("New case"), QString(), kCaseFilter);
    if (!path.isEmpty())
        createCase(path);
}

void MainWindow::openCaseDialog()
{
    const QString path = QFileDialog::getOpenFileName(this, QStringLiteral("Open case"), QString(), kCaseFilter);
    if (!path.isEmpty())
        openCase(path);
}

// --- import ---------------------------------------------------------------------------------

void MainWindow::importDialog()
{
    const QStringList files = QFileDialog::getOpenFileNames(this, QStringLiteral("Import log exports"), QString(), kLogFilter);
    if (!files.isEmpty())
        openOrImport(files);
}

void MainWindow::importFolderDialog()
{
    const QString folder = QFileDialog::getExistingDirectory(this, QStringLiteral("Import the exports in a folder"));
    if (!folder.isEmpty())
        openOrImport({folder});
}

void MainWindow::openOrImport(const QStringList &paths)
{
    QStringList logs;
    QString caseFile;
    for (const QString &p : paths) {
        if (isCaseFile(p))
            caseFile = p;
        else
            logs << p;
    }
    if (!caseFile.isEmpty() && !openCase(caseFile))
        return;
    if (logs.isEmpty())
        return;
    if (!hasCase()) {
        if (m_options.quiet) {
            statusBar()->showMessage(QStringLiteral("Open or create a case before importing"), 10000);
            return;
        }
        const QString path = QFileDialog::getSaveFileName(this, QStringLiteral("New case for the imported files"),
                                                          QString(), kCaseFilter);
        if (path.isEmpty() || !createCase(path))
            return;
    }
    importFiles(logs);
}

bool MainWindow::importFiles(const QStringList &files)
{
    if (!hasCase() || files.isEmpty() || m_importer->isRunning())
        return false;
    if (m_geoLoad.isRunning()) {
        // The databases are memory-mapped: this wait is short, and imports need them.
        m_geoLoad.waitForFinished();
        QCoreApplication::sendPostedEvents(&m_geoLoad);
    }
    if (!m_importer->start(m_casePath, files))
        return false;
    m_importLabel->setText(QStringLiteral("Importing %1 file%2…").arg(files.size()).arg(plural(files.size())));
    m_importProgress->setValue(0);
    m_cancelButton->setEnabled(true);
    for (QWidget *w : {static_cast<QWidget *>(m_importLabel), static_cast<QWidget *>(m_importProgress),
                       static_cast<QWidget *>(m_cancelButton)})
        w->show();
    return true;
}

void MainWindow::onImportProgress(const ImportProgress &p)
{
    if (!m_cancelButton->isEnabled())
        return; // cancelling
    const double fileFraction = p.bytesTotal > 0 ? static_cast<double>(p.bytesDone) / static_cast<double>(p.bytesTotal) : 0.0;
    const double overall = p.fileCount > 0 ? (p.fileIndex + fileFraction) / p.fileCount : 0.0;
    m_importProgress->setValue(static_cast<int>(overall * 1000));
    m_importLabel->setText(QStringLiteral("Importing %1 (%2 of %3) · %4 records read")
                               .arg(p.fileName)
                               .arg(p.fileIndex + 1)
                               .arg(p.fileCount)
                               .arg(formatCount(p.recordsRead)));
}

void MainWindow::onImportFinished(const ImportReport &report, bool cancelled)
{
    for (QWidget *w : {static_cast<QWidget *>(m_importLabel), static_cast<QWidget *>(m_importProgress),
                       static_cast<QWidget *>(m_cancelButton)})
        w->hide();
    if (hasCase()) {
        reloadCaseInfo();
        m_importLog->addImportOutcome(report);
        m_events->model()->refresh();
        m_events->filterBar()->loadChoices(m_casePath);
        if (!cancelled)
            m_graph->rebuild(); // new entities and ties: build it again, keeping the view
    }
    std::int64_t imported = 0;
    int problems = 0;
    for (const FileReport &f : report.files) {
        imported += f.status == FileReport::Status::Imported ? f.source.imported : 0;
        problems += f.status == FileReport::Status::Imported || f.status == FileReport::Status::AlreadyImported ? 0 : 1;
    }
    QString message = cancelled ? QStringLiteral("Import cancelled: the file being read was rolled back; %1 records imported before")
                                      .arg(formatCount(imported))
                                : QStringLiteral("Imported %1 records from %2 file%3")
                                      .arg(formatCount(imported))
                                      .arg(report.files.size())
                                      .arg(plural(static_cast<qsizetype>(report.files.size())));
    if (problems > 0)
        message += QStringLiteral(" · %1 file%2 not imported: see the Import log").arg(problems).arg(plural(problems));
    // New events can change what the detectors find (a travel pair across files, a spray that
    // only now reaches its threshold): a responder expects the findings to cover what is
    // loaded, so detection runs again by itself. Triage is kept (it follows fingerprints).
    if (hasCase() && imported > 0) {
        message += QStringLiteral(" · detection runs again over the new events");
        if (m_detection->isRunning())
            m_detectAgain = true;
        else
            runDetection();
    }
    statusBar()->showMessage(message, 15000);
    if (problems > 0 || !report.warnings.empty()) {
        if (QDockWidget *log = panel(QStringLiteral("importlog"))) {
            log->show();
            log->raise();
        }
    }
    emit importFinished(report, cancelled);
}

// --- selection ------------------------------------------------------------------------------

void MainWindow::onEventSelected(qint64 eventId)
{
    if (eventId == 0) {
        m_record->clear();
        return;
    }
    m_record->showRecord(m_case, eventId);
}

void MainWindow::onEventChosen(qint64 eventId)
{
    // A row click is a step of its own after a finding or an entity, but moving along the rows
    // refines that step rather than filling the history with every row passed over.
    // Moving through the evidence of the selected finding keeps the finding selected.
    if (m_selection->current().eventIds.contains(eventId))
        return;
    const Selection event = Selection::forEvent(eventId);
    if (m_selection->current().kind == Selection::Kind::Event)
        m_selection->refine(event, m_events);
    else
        m_selection->select(event, m_events);
}

void MainWindow::onSelectionChanged(const Selection &selection, const QObject *origin)
{
    m_findings->followSelection(selection);
    m_details->showSelection(selection);
    if (origin == m_events)
        return;
    if (selection.kind == Selection::Kind::Event) {
        m_events->selectEventWhenListed(selection.id);
        return;
    }
    if (selection.isNone())
        return; // clearing the selection leaves the analyst's filters alone
    // The events table narrows to what was selected; the filter bar shows how, so the analyst can
    // widen it again by hand.
    EventQuery query;
    query.user = selection.user.toStdString();
    switch (selection.kind) {
    case Selection::Kind::Ip:
        query.ip = selection.key.toStdString();
        break;
    case Selection::Kind::Country:
        query.country = selection.key.toStdString();
        break;
    case Selection::Kind::Address:
    case Selection::Kind::Rule:
    case Selection::Kind::ClientApp:
        query.text = selection.key.toStdString();
        break;
    case Selection::Kind::Network:
    case Selection::Kind::Finding:
    case Selection::Kind::Incident:
        // A finding without an account (a spray nobody fell to) is about its address.
        if (!selection.ips.isEmpty() && selection.user.isEmpty())
            query.ip = selection.ips.front().toStdString();
        break;
    default:
        break;
    }
    query.fromMs = selection.fromMs;
    query.toMs = selection.toMs;
    m_events->filterBar()->setQuery(query);
    if (!selection.eventIds.isEmpty())
        m_events->selectEventWhenListed(selection.eventIds.front());
}

void MainWindow::updateNavigationActions()
{
    m_backAction->setEnabled(m_selection->canGoBack());
    m_forwardAction->setEnabled(m_selection->canGoForward());
    m_historyMenu->clear();
    const QList<Selection> &history = m_selection->history();
    // Most recent first, the current entry checked; at most the last 20.
    for (int i = int(history.size()) - 1, shown = 0; i >= 0 && shown < 20; --i, ++shown) {
        QAction *a = m_historyMenu->addAction(history.at(i).describe());
        a->setCheckable(true);
        a->setChecked(i == m_selection->historyIndex());
        connect(a, &QAction::triggered, this, [this, i] { m_selection->goTo(i); });
    }
    m_historyMenu->setEnabled(!history.isEmpty());
}

bool MainWindow::isIdle() const
{
    return !m_importer->isRunning() && !m_events->model()->isBusy() && !m_geoLoad.isRunning() && m_graph->isIdle()
           && !m_detection->isRunning() && !m_findings->isLoading() && !m_details->isLoading()
           && !m_userPage->isLoading() && !m_timeline->isBusy() && !m_map->isBusy() && (!hasCase() || m_eventsShown);
}

// --- settings and window events -------------------------------------------------------------

void MainWindow::saveSettings()
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState(kLayoutVersion));
    settings.setValue(QStringLiteral("events/header"), m_events->saveHeaderState());
    settings.setValue(QStringLiteral("sources/header"), m_sourcesView->horizontalHeader()->saveState());
    settings.setValue(QStringLiteral("importlog/header"), m_importLogView->horizontalHeader()->saveState());
    settings.setValue(QStringLiteral("findings/header"), m_findings->view()->header()->saveState());
}

void MainWindow::restoreSettings()
{
    QSettings settings;
    if (const QByteArray geometry = settings.value(QStringLiteral("window/geometry")).toByteArray(); !geometry.isEmpty())
        restoreGeometry(geometry);
    if (const QByteArray state = settings.value(QStringLiteral("window/state")).toByteArray(); !state.isEmpty()) {
        if (restoreState(state, kLayoutVersion))
            m_defaultSizesPending = false;
    }
    if (const QByteArray header = settings.value(QStringLiteral("events/header")).toByteArray(); !header.isEmpty()) {
        if (!m_events->restoreHeaderState(header))
            m_events->resetColumns();
    }
    for (const auto &[key, view] : {std::pair{QStringLiteral("sources/header"), m_sourcesView},
                                    std::pair{QStringLiteral("importlog/header"), m_importLogView}}) {
        if (const QByteArray header = settings.value(key).toByteArray(); !header.isEmpty())
            view->horizontalHeader()->restoreState(header);
    }
    if (const QByteArray header = settings.value(QStringLiteral("findings/header")).toByteArray(); !header.isEmpty())
        m_findings->view()->header()->restoreState(header);
    updateRecentMenu();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (m_importer->isRunning() && !m_options.quiet) {
        const auto answer = QMessageBox::question(
            this, QStringLiteral("Import running"),
            QStringLiteral("An import is still running. Cancel it (the file being read is rolled back) and quit?"));
        if (answer != QMessageBox::Yes) {
            event->ignore();
            return;
        }
    }
    m_importer->cancel();
    if (m_options.persistent)
        saveSettings();
    event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    const QMimeData *mime = event->mimeData();
    if (!mime->hasUrls())
        return;
    for (const QUrl &url : mime->urls()) {
        if (!url.isLocalFile())
            return;
    }
    event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    QStringList paths;
    for (const QUrl &url : event->mimeData()->urls()) {
        if (url.isLocalFile())
            paths << url.toLocalFile();
    }
    if (paths.isEmpty())
        return;
    event->acceptProposedAction();
    // Leave the drag-and-drop machinery before any dialog opens.
    QMetaObject::invokeMethod(this, [this, paths] { openOrImport(paths); }, Qt::QueuedConnection);
}

// --- findings, detection, triage ------------------------------------------------------------

void MainWindow::createFindingPanels()
{
    m_findings = new FindingsPanel(this);
    m_details = new DetailsPanel(m_findings->model(), this);
    m_userPage = new UserPage(this);
    connect(m_findings, &FindingsPanel::selected, this,
            [this](const Selection &selection) { m_selection->select(selection, m_findings); });
    connect(m_findings, &FindingsPanel::loaded, this, [this] {
        // A re-run gives findings new row ids and evidence under the same fingerprints: the
        // selected finding is refreshed in place (no new history step) so every view follows.
        const Selection &current = m_selection->current();
        if (current.kind == Selection::Kind::Finding || current.kind == Selection::Kind::Incident) {
            const QModelIndex at = m_findings->model()->indexOfFingerprint(current.key);
            if (at.isValid()) {
                const Selection fresh = m_findings->selectionFor(at);
                if (fresh != current)
                    m_selection->refine(fresh, m_findings);
            }
        }
        // The chooser of the user page: the mailboxes with findings, incidents first.
        QStringList users;
        QSet<QString> listed;
        auto list = [&](const std::string &user) {
            QString u = qstr(user);
            if (!listed.contains(u)) {
                listed.insert(u);
                users << std::move(u);
            }
        };
        for (const StoredIncident &i : m_findings->model()->snapshot().incidents)
            list(i.incident.user);
        for (const StoredFinding &f : m_findings->model()->snapshot().findings) {
            if (!f.finding.user.empty())
                list(f.finding.user);
        }
        m_userPage->setUsers(users);
        m_details->showSelection(m_selection->current());
    });
    connect(m_findings, &FindingsPanel::triageSaved, this, [this](const QString &fingerprint, bool ok, const QString &error) {
        statusBar()->showMessage(ok ? QStringLiteral("Triage saved in the case") : QStringLiteral("Triage not saved: %1").arg(error), 8000);
        if (ok) {
            m_details->showSelection(m_selection->current());
            for (const StoredFinding &f : m_findings->model()->snapshot().findings) {
                if (qstr(f.finding.fingerprint) == fingerprint) {
                    m_graph->setTriage(fingerprint, QString::fromLatin1(triageStateName(f.triage.state)));
                    break;
                }
            }
        }
    });
    connect(m_findings, &FindingsPanel::tuningRequested, this,
            [this](const QString &key, const QString &value) { addToTuning(key, value); });
    connect(m_findings, &FindingsPanel::userPageRequested, this, &MainWindow::showUserPage);
    connect(m_findings, &FindingsPanel::detectionRequested, this, &MainWindow::runDetection);
    for (QObject *source : {static_cast<QObject *>(m_details), static_cast<QObject *>(m_userPage)}) {
        if (auto *details = qobject_cast<DetailsPanel *>(source)) {
            connect(details, &DetailsPanel::eventActivated, this, &MainWindow::activateEvent);
            connect(details, &DetailsPanel::selectionRequested, this,
                    [this, details](const Selection &s) { requestSelection(s, details); });
        } else if (auto *page = qobject_cast<UserPage *>(source)) {
            connect(page, &UserPage::eventActivated, this, &MainWindow::activateEvent);
            connect(page, &UserPage::selectionRequested, this, [this, page](const Selection &s) { requestSelection(s, page); });
        }
    }
    connect(m_detection, &DetectionRunner::progress, this, [this](const QString &stage, double fraction) {
        if (!m_detectCancel->isEnabled())
            return; // stopping
        m_detectProgress->setValue(static_cast<int>(fraction * 1000));
        m_detectLabel->setText(QStringLiteral("Detecting: %1…").arg(stage));
    });
    connect(m_detection, &DetectionRunner::finished, this, [this](const DetectionRunner::Outcome &o) {
        QString message;
        if (o.ok) {
            message = QStringLiteral("Detection: %1 finding%2 standing, %3 suppressed, %4 incident%5 over %6 events in %7 s")
                          .arg(o.standing)
                          .arg(o.standing == 1 ? QString() : QStringLiteral("s"))
                          .arg(o.findings - o.standing)
                          .arg(o.incidents)
                          .arg(o.incidents == 1 ? QString() : QStringLiteral("s"))
                          .arg(formatCount(o.events))
                          .arg(o.elapsedMs / 1000.0, 0, 'f', 1);
        } else if (o.cancelled) {
            message = QStringLiteral("Detection stopped: the findings of the previous run stay");
        } else {
            message = QStringLiteral("Detection failed: %1").arg(o.error);
        }
        onDetectionFinished(o.ok, o.cancelled, message);
    });
}

QString MainWindow::tuningPath() const
{
    return m_casePath.isEmpty() ? QString() : qstr(caseTuningPath(m_casePath.toStdString()));
}

bool MainWindow::runDetection()
{
    if (!hasCase()) {
        statusBar()->showMessage(QStringLiteral("Open a case before running detection"), 8000);
        return false;
    }
    if (m_detection->isRunning()) {
        statusBar()->showMessage(QStringLiteral("Detection is already running"), 5000);
        return false;
    }
    if (m_importer->isRunning()) {
        // It runs by itself once the import is in.
        statusBar()->showMessage(QStringLiteral("An import is running: detection runs when it finishes"), 8000);
        return false;
    }
    // The case's tuning file; without one, the tuning of the last run (so that a re-run from the
    // workspace never silently drops settings the CLI run had); else the defaults.
    Tuning tuning;
    QString source = QStringLiteral("default tuning");
    const QString file = tuningPath();
    std::string error;
    if (QFileInfo::exists(file)) {
        auto loaded = Tuning::load(file.toStdString(), &error);
        if (!loaded) {
            showError(QStringLiteral("Run detection"), QStringLiteral("The tuning file cannot be used: %1").arg(qstr(error)));
            return false;
        }
        tuning = std::move(*loaded);
        source = QFileInfo(file).fileName();
    } else if (const auto run = FindingStore(m_case).latestRun(); run && !run->tuning.empty()) {
        if (auto previous = Tuning::parse(run->tuning, &error)) {
            tuning = std::move(*previous);
            source = QStringLiteral("the tuning of the last run");
        }
    }
    if (!m_detection->start(m_casePath, Profile::Default, tuning))
        return false;
    m_detectLabel->setText(QStringLiteral("Detecting (%1)…").arg(source));
    m_detectLabel->setToolTip(file);
    m_detectProgress->setValue(0);
    m_detectCancel->setEnabled(true);
    m_detectAction->setEnabled(false);
    for (QWidget *w : {static_cast<QWidget *>(m_detectLabel), static_cast<QWidget *>(m_detectProgress),
                       static_cast<QWidget *>(m_detectCancel)})
        w->show();
    return true;
}

void MainWindow::onDetectionFinished(bool ok, bool cancelled, const QString &message)
{
    Q_UNUSED(cancelled);
    for (QWidget *w : {static_cast<QWidget *>(m_detectLabel), static_cast<QWidget *>(m_detectProgress),
                       static_cast<QWidget *>(m_detectCancel)})
        w->hide();
    m_detectAction->setEnabled(true);
    statusBar()->showMessage(message, 20000);
    if (ok && hasCase()) {
        m_findings->reload();
        m_graph->rebuild(); // findings and campaigns changed: build the graph again, keeping the view
        m_timeline->reload();           // finding bands
        m_map->reload();                // rings and travel arcs
    }
    emit detectionFinished(ok);
    if (m_detectAgain && hasCase()) {
        m_detectAgain = false;
        runDetection();
    }
}

bool MainWindow::addToTuning(const QString &key, const QString &value, QString *error)
{
    if (!hasCase() || value.isEmpty())
        return false;
    const QString file = tuningPath();
    std::string base;
    if (!QFileInfo::exists(file)) {
        if (const auto run = FindingStore(m_case).latestRun())
            base = run->tuning;
    }
    bool added = false;
    std::string why;
    if (!addTuningListEntry(file.toStdString(), key.toStdString(), value.toStdString(), base, &added, &why)) {
        if (error)
            *error = qstr(why);
        showError(QStringLiteral("Tuning"), qstr(why));
        return false;
    }
    const QString what = QStringLiteral("%1 %2 %3 in %4").arg(value, added ? QStringLiteral("added to") : QStringLiteral("already in"), key,
                                                              QFileInfo(file).fileName());
    if (runDetection())
        statusBar()->showMessage(what + QStringLiteral(" · detection runs again"), 15000);
    else
        statusBar()->showMessage(what, 15000);
    return true;
}

void MainWindow::showUserPage(const QString &user)
{
    if (QDockWidget *dock = panel(QStringLiteral("userpage"))) {
        dock->show();
        dock->raise();
    }
    if (!user.isEmpty())
        m_userPage->showUser(user);
}

void MainWindow::activateEvent(qint64 eventId)
{
    // An evidence row of what is selected: the table moves to it, the selection stays.
    if (m_selection->current().eventIds.contains(eventId)) {
        m_record->showRecord(m_case, eventId);
        m_events->selectEventWhenListed(eventId);
        return;
    }
    m_selection->select(Selection::forEvent(eventId), nullptr);
    m_record->showRecord(m_case, eventId);
}

void MainWindow::requestSelection(const Selection &selection, const QObject *origin)
{
    // A finding or incident named by a link: through its row, which knows its user, time and
    // evidence.
    if ((selection.kind == Selection::Kind::Finding || selection.kind == Selection::Kind::Incident)
        && m_findings->selectFingerprint(selection.key))
        return;
    m_selection->select(selection, origin);
}

} // namespace mp::ui
