#include "ui/screenshots.h"

#include "ui/eventspanel.h"
#include "ui/eventtablemodel.h"
#include "ui/mainwindow.h"
#include "ui/selection.h"
#include "store/casestore.h"
#include "store/findingstore.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QDockWidget>
#include <QPixmap>
#include <QTableView>
#include <QThread>

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

// The user of the case's most serious incident, else of its worst finding: the story to show.
QString mainVictim(const QString &casePath)
{
    CaseStore store;
    std::string error;
    if (!store.open(casePath.toStdString(), false, &error))
        return {};
    FindingStore findings(store);
    const StoredIncident *worst = nullptr;
    const std::vector<StoredIncident> incidents = findings.incidents();
    for (const StoredIncident &i : incidents) {
        if (!worst || i.incident.score > worst->incident.score)
            worst = &i;
    }
    if (worst)
        return QString::fromStdString(worst->incident.user);
    const StoredFinding *top = nullptr;
    const std::vector<StoredFinding> all = findings.findings();
    for (const StoredFinding &f : all) {
        if (f.finding.suppressedBy.empty() && (!top || f.finding.score > top->finding.score))
            top = &f;
    }
    return top ? QString::fromStdString(top->finding.user) : QString();
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

    const QString path = QDir(dir).filePath(QStringLiteral("workspace.png"));
    if (!window.grab().save(path)) {
        if (error)
            *error = QStringLiteral("%1: cannot write").arg(path);
        return written;
    }
    written << path;

    // Timeline and map on the main victim's story.
    if (const QString victim = mainVictim(window.casePath()); !victim.isEmpty()) {
        window.selection()->select(Selection::forUser(victim));
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
    return written;
}

} // namespace mp::ui
