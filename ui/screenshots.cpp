#include "ui/screenshots.h"

#include "ui/eventspanel.h"
#include "ui/eventtablemodel.h"
#include "ui/findingsmodel.h"
#include "ui/findingspanel.h"
#include "ui/graphpanel.h"
#include "ui/graphview.h"
#include "ui/mainwindow.h"
#include "ui/selection.h"
#include "ui/textformat.h"
#include "ui/userpage.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QDockWidget>
#include <QPixmap>
#include <QTableView>
#include <QThread>
#include <QTreeView>

namespace mp::ui {

bool waitUntilIdle(MainWindow &window, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        if (window.isIdle())
            return true;
        QThread::msleep(5);
    }
    return window.isIdle();
}

namespace {

// The first listed event that tells part of the story (a rule, a forwarding target, a failed
// sign-in), else the first event: a screenshot with an empty Record panel shows nothing.
int tellingRow(const EventTableModel &model)
{
    const int rows = std::min(model.rowCount(), 2000);
    int failure = -1;
    for (int row = 0; row < rows; ++row) {
        const QString details = model.data(model.index(row, static_cast<int>(EventColumn::Details))).toString();
        if (details.contains(QStringLiteral("forwards to")) || details.contains(QStringLiteral("rule “")))
            return row;
        if (failure < 0 && model.data(model.index(row, static_cast<int>(EventColumn::Result))).toString().startsWith(QStringLiteral("failure")))
            failure = row;
    }
    return failure >= 0 ? failure : (model.rowCount() > 0 ? 0 : -1);
}

// The story to show: the incident with the highest score, and in it the most severe finding
// (the highest score among equals). Null when the case has no incident.
const StoredIncident *mainIncident(const FindingsSnapshot &s)
{
    const StoredIncident *best = nullptr;
    for (const StoredIncident &i : s.incidents) {
        if (!best || i.incident.score > best->incident.score)
            best = &i;
    }
    return best;
}

const StoredFinding *tellingFinding(const FindingsSnapshot &s, const StoredIncident *incident)
{
    const StoredFinding *best = nullptr;
    for (const StoredFinding &f : s.findings) {
        if (incident && f.finding.incidentId != incident->id)
            continue;
        if (!f.finding.suppressedBy.empty())
            continue;
        if (!best || f.finding.severity > best->finding.severity
            || (f.finding.severity == best->finding.severity && f.finding.score > best->finding.score))
            best = &f;
    }
    return best;
}

bool save(QWidget &widget, const QString &path, QStringList &written, QString *error)
{
    if (!widget.grab().save(path)) {
        if (error)
            *error = QStringLiteral("%1: cannot write").arg(path);
        return false;
    }
    written << path;
    return true;
}

// A panel on its own at a size where it reads well, floated for the grab and docked again.
bool grabPanel(MainWindow &window, const QString &id, QSize size, const QString &path, int timeoutMs)
{
    QDockWidget *dock = window.panel(id);
    if (!dock)
        return false;
    const bool wasFloating = dock->isFloating();
    dock->show();
    dock->setFloating(true);
    dock->resize(size);
    waitUntilIdle(window, timeoutMs);
    QCoreApplication::processEvents();
    const bool saved = dock->widget()->grab().save(path);
    dock->setFloating(wasFloating);
    return saved;
}

} // namespace

QStringList takeScreenshots(MainWindow &window, const QString &dir, QString *error, int timeoutMs)
{
    QStringList written;
    if (!QDir().mkpath(dir)) {
        if (error)
            *error = QStringLiteral("%1: cannot create the folder").arg(dir);
        return written;
    }
    if (!waitUntilIdle(window, timeoutMs)) {
        if (error)
            *error = QStringLiteral("the window did not settle within %1 s").arg(timeoutMs / 1000);
        return written;
    }
    EventsPanel *events = window.eventsPanel();
    if (const int row = tellingRow(*events->model()); row >= 0)
        events->selectEvent(events->model()->eventId(row));
    events->view()->setFocus();
    waitUntilIdle(window, timeoutMs);

    if (!save(window, QDir(dir).filePath(QStringLiteral("workspace.png")), written, error))
        return written;

    // The story to show: the main incident, its user and its most telling finding.
    const FindingsSnapshot &findings = window.findingsPanel()->model()->snapshot();
    const StoredIncident *incident = mainIncident(findings);
    // Timeline and map on the main victim's story.
    if (incident) {
        window.selection()->select(Selection::forUser(qstr(incident->incident.user)));
        waitUntilIdle(window, timeoutMs);
    }
    for (const auto &[id, size] : {std::pair{QStringLiteral("timeline"), QSize(1500, 480)},
                                   std::pair{QStringLiteral("map"), QSize(1400, 760)}}) {
        const QString file = QDir(dir).filePath(id + QStringLiteral(".png"));
        if (!grabPanel(window, id, size, file, timeoutMs)) {
            if (error)
                *error = QStringLiteral("%1: cannot write").arg(file);
            return written;
        }
        written << file;
    }

    // The graph, on its own at a readable size: its dock floated out for the picture and put
    // back after.
    if (QDockWidget *dock = window.panel(QStringLiteral("graph")); dock && window.graphPanel()->graph()) {
        const bool floating = dock->isFloating();
        dock->setFloating(true);
        dock->resize(1500, 950);
        dock->show();
        dock->raise();
        waitUntilIdle(window, timeoutMs);
        // The details of the campaign's lead entity (its first attacker address).
        GraphPanel *graph = window.graphPanel();
        if (!graph->campaigns().empty() && !graph->campaigns().front().entities.empty())
            graph->showNode(static_cast<int>(graph->campaigns().front().entities.front()));
        QCoreApplication::processEvents();
        graph->view()->fit();
        QCoreApplication::processEvents();
        const QString graphPath = QDir(dir).filePath(QStringLiteral("graph.png"));
        if (!dock->widget()->grab().save(graphPath)) {
            if (error)
                *error = QStringLiteral("%1: cannot write").arg(graphPath);
            return written;
        }
        written << graphPath;
        dock->setFloating(floating);
    }

    // The workspace with the main story's most telling finding selected: the findings, the
    // events narrowed to it with its first evidence row selected, its details and record.
    // The pictures above floated panels out and back: bring the timeline and map to the front again.
    for (const QString &id : {QStringLiteral("timeline"), QStringLiteral("map")}) {
        if (QDockWidget *dock = window.panel(id))
            dock->raise();
    }
    if (const StoredFinding *finding = tellingFinding(findings, incident)) {
        window.findingsPanel()->selectFingerprint(qstr(finding->finding.fingerprint));
        waitUntilIdle(window, timeoutMs);
        window.findingsPanel()->view()->setFocus();
        if (!save(window, QDir(dir).filePath(QStringLiteral("findings.png")), written, error))
            return written;
    }

    // The main victim's page, on a page of its own size.
    if (incident) {
        window.showUserPage(qstr(incident->incident.user));
        waitUntilIdle(window, timeoutMs);
        QDockWidget *dock = window.panel(QStringLiteral("userpage"));
        const bool wasFloating = dock->isFloating();
        dock->setFloating(true);
        dock->resize(1280, 1400);
        QCoreApplication::processEvents();
        const bool ok = save(*window.userPage(), QDir(dir).filePath(QStringLiteral("user.png")), written, error);
        dock->setFloating(wasFloating);
        if (!ok)
            return written;
    }
    return written;
}

} // namespace mp::ui
