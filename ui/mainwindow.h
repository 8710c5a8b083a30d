#pragma once

#include "store/casestore.h"

#include <QFutureWatcher>
#include <QMainWindow>
#include <QStringList>

#include <memory>
#include <string>
#include <vector>

class QDockWidget;
class QLabel;
class QMenu;
class QProgressBar;
class QPushButton;
class QTableView;

namespace mp {
class GeoDb;
struct ImportReport;
}

namespace mp::ui {

class DetailsPanel;
class DetectionRunner;
class EventsPanel;
class FindingsPanel;
class GraphPanel;
class MapPanel;
class TimelinePanel;
class ImportLogModel;
class ImportRunner;
class RecordView;
class SelectionHub;
class SourceTableModel;
class UserPage;
struct Selection;
struct ImportProgress;

// The investigator's workspace: one case at a time, its panels in dock widgets whose layout is
// remembered, imports run off the GUI thread with progress and Cancel in the status bar, and
// every problem an import met listed in the Import log panel.
//
// Panels are added through addPanel() under a stable id (the dock's object name, which
// saveState() keys the layout on), so later panels slot into the same structure.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    struct Options
    {
        // Remember the layout, geometry and recent cases in QSettings (off for screenshots).
        bool persistent = true;
        // GeoIP data for imports: "" for GeoDb::defaultDataDir(), "-" for none.
        QString geoDataDir;
        // Report errors in the status bar and the import log only, never in a dialog.
        bool quiet = false;
    };

    explicit MainWindow(const Options &options);
    MainWindow()
        : MainWindow(Options{})
    {
    }
    ~MainWindow() override;

    // Saved layouts carry this version; bump it when a change makes old layouts meaningless.
    // 2: the Findings, Details and User page panels.
    static constexpr int kLayoutVersion = 3;
    static constexpr int kMaxRecentCases = 8;

    bool openCase(const QString &path, QString *error = nullptr);
    bool createCase(const QString &path, QString *error = nullptr);
    void closeCase();
    bool hasCase() const { return m_case.isOpen(); }
    QString casePath() const { return m_casePath; }

    // Imports into the open case on a worker thread; false when no case is open or an import is
    // already running.
    bool importFiles(const QStringList &files);
    // Files dropped or chosen: a case file opens, anything else is imported.
    void openOrImport(const QStringList &paths);

    // A dock for a panel, registered in the View menu. The id is the dock's object name and
    // must never change once released, or remembered layouts lose the panel.
    QDockWidget *addPanel(const QString &id, const QString &title, QWidget *widget, Qt::DockWidgetArea area);
    QDockWidget *panel(const QString &id) const;
    void resetLayout();

    void saveSettings();
    void restoreSettings();
    QStringList recentCases() const;

    // Nothing pending: events shown, no import, query, detection or panel load running (for
    // screenshots and tests).
    bool isIdle() const;

    EventsPanel *eventsPanel() const { return m_events; }
    TimelinePanel *timelinePanel() const { return m_timeline; }
    MapPanel *mapPanel() const { return m_map; }
    RecordView *recordView() const { return m_record; }
    GraphPanel *graphPanel() const { return m_graph; }
    ImportLogModel *importLog() const { return m_importLog; }
    SourceTableModel *sources() const { return m_sources; }
    ImportRunner *importRunner() const { return m_importer; }
    // The workspace's linked selection: every panel follows it and writes to it.
    SelectionHub *selection() const { return m_selection; }
    QTableView *importLogView() const { return m_importLogView; }
    QTableView *sourcesView() const { return m_sourcesView; }
    QString statusText() const; // the status bar's labels, for tests

    // Findings, detection, triage and the per-user page.
    FindingsPanel *findingsPanel() const { return m_findings; }
    DetailsPanel *detailsPanel() const { return m_details; }
    UserPage *userPage() const { return m_userPage; }
    DetectionRunner *detectionRunner() const { return m_detection; }
    // Runs detection over the open case off the GUI thread (default profile, the case's tuning
    // file, else the tuning of the last run); false when it cannot start now.
    bool runDetection();
    // Adds a value to a list setting of the case's tuning file and runs detection again.
    bool addToTuning(const QString &key, const QString &value, QString *error = nullptr);
    QString tuningPath() const;
    void showUserPage(const QString &user);

signals:
    void caseOpened(const QString &path);
    void caseClosed();
    void eventsShown(qint64 matches, qint64 total);
    void importFinished(const mp::ImportReport &report, bool cancelled);
    void detectionFinished(bool ok);

protected:
    void closeEvent(QCloseEvent *event) override;
    void showEvent(QShowEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void createActions();
    void createPanels();
    void createStatusBar();
    void startGeoLoad();
    void applyDefaultDockSizes();
    void reloadCaseInfo();
    void updateTitle();
    void updateRecentMenu();
    void addRecentCase(const QString &path);
    void showError(const QString &title, const QString &text);
    void onImportProgress(const ImportProgress &progress);
    void onImportFinished(const ImportReport &report, bool cancelled);
    void onEventSelected(qint64 eventId);
    void onEventChosen(qint64 eventId);
    void onSelectionChanged(const Selection &selection, const QObject *origin);
    void updateNavigationActions();
    void createFindingPanels();
    void onDetectionFinished(bool ok, bool cancelled, const QString &message);
    void activateEvent(qint64 eventId);
    void requestSelection(const Selection &selection, const QObject *origin);

    void newCaseDialog();
    void openCaseDialog();
    void importDialog();
    void importFolderDialog();

    Options m_options;
    CaseStore m_case; // the GUI thread's connection: sources, problems, original records
    QString m_casePath;

    struct GeoLoad
    {
        std::shared_ptr<const GeoDb> geo;
        std::vector<std::string> problems;
    };
    QFutureWatcher<GeoLoad> m_geoLoad;
    std::shared_ptr<const GeoDb> m_geo;

    EventsPanel *m_events = nullptr;
    TimelinePanel *m_timeline = nullptr;
    MapPanel *m_map = nullptr;
    RecordView *m_record = nullptr;
    GraphPanel *m_graph = nullptr;
    ImportLogModel *m_importLog = nullptr;
    SourceTableModel *m_sources = nullptr;
    QTableView *m_importLogView = nullptr;
    QTableView *m_sourcesView = nullptr;
    ImportRunner *m_importer = nullptr;
    SelectionHub *m_selection = nullptr;
    QAction *m_backAction = nullptr;
    QAction *m_forwardAction = nullptr;
    QMenu *m_historyMenu = nullptr;
    bool m_defaultSizesPending = false;

    QMenu *m_viewMenu = nullptr;
    QMenu *m_panelsMenu = nullptr;
    QMenu *m_recentMenu = nullptr;
    QAction *m_importAction = nullptr;
    QAction *m_closeAction = nullptr;

    QLabel *m_caseLabel = nullptr;
    QLabel *m_countLabel = nullptr;
    QLabel *m_importLabel = nullptr;
    QProgressBar *m_importProgress = nullptr;
    QPushButton *m_cancelButton = nullptr;
    QLabel *m_geoLabel = nullptr;
    bool m_eventsShown = false;

    FindingsPanel *m_findings = nullptr;
    DetailsPanel *m_details = nullptr;
    UserPage *m_userPage = nullptr;
    DetectionRunner *m_detection = nullptr;
    QAction *m_detectAction = nullptr;
    QLabel *m_detectLabel = nullptr;
    QProgressBar *m_detectProgress = nullptr;
    QPushButton *m_detectCancel = nullptr;
    bool m_detectAgain = false; // an import finished while detection ran: run once more
};

} // namespace mp::ui
