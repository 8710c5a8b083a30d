#include "ui/detectionrunner.h"

#include "detect/engine.h"
#include "store/casestore.h"

#include <QElapsedTimer>

namespace mp::ui {

namespace {

constexpr qint64 kProgressIntervalMs = 50;
// Loading the events is most of a run; the detectors share the rest.
constexpr double kLoadShare = 0.6;

} // namespace

DetectionRunner::DetectionRunner(QObject *parent)
    : QObject(parent)
{
    qRegisterMetaType<mp::ui::DetectionRunner::Outcome>();
}

DetectionRunner::~DetectionRunner()
{
    if (m_cancel)
        m_cancel->store(true);
    if (m_thread.joinable())
        m_thread.join();
}

bool DetectionRunner::start(const QString &casePath, Profile profile, const Tuning &tuning)
{
    if (m_running)
        return false;
    if (m_thread.joinable())
        m_thread.join(); // the previous worker has already reported
    m_running = true;
    m_cancel = std::make_shared<std::atomic_bool>(false);
    m_thread = std::thread([this, path = casePath.toStdString(), profile, tuning, cancel = m_cancel] {
        QElapsedTimer timer;
        timer.start();
        Outcome outcome;
        CaseStore store;
        std::string error;
        if (!store.open(path, false, &error)) {
            outcome.error = QString::fromStdString(error);
        } else {
            DetectionOptions options;
            options.profile = profile;
            options.tuning = tuning;
            options.cancel = cancel.get();
            const double detectorShare = (1.0 - kLoadShare) / std::max<std::size_t>(1, detectorsOf(profile).size());
            int detectorsDone = 0;
            QElapsedTimer sinceReport;
            sinceReport.start();
            options.progress = [&](std::string_view stage, std::int64_t done, std::int64_t total) {
                double fraction = 0;
                if (stage == "load") {
                    fraction = total > 0 ? kLoadShare * static_cast<double>(done) / static_cast<double>(total) : 0;
                    if (sinceReport.elapsed() < kProgressIntervalMs && done != total)
                        return;
                } else {
                    if (done == total && total > 0)
                        ++detectorsDone;
                    fraction = kLoadShare + detectorShare * detectorsDone;
                }
                sinceReport.restart();
                const QString name = stage == "load" ? QStringLiteral("reading events")
                                                     : QString::fromUtf8(stage.data(), static_cast<qsizetype>(stage.size()));
                QMetaObject::invokeMethod(
                    this, [this, name, fraction] { emit progress(name, fraction); }, Qt::QueuedConnection);
            };
            const DetectionResult result = detectAndStore(store, options);
            outcome.ok = result.ok;
            outcome.cancelled = result.cancelled || cancel->load();
            outcome.error = QString::fromStdString(result.error);
            outcome.findings = static_cast<qint64>(result.findings.size());
            for (const Finding &f : result.findings)
                outcome.standing += f.suppressedBy.empty() ? 1 : 0;
            outcome.incidents = static_cast<qint64>(result.incidents.size());
            outcome.events = result.eventCount;
        }
        store.close();
        outcome.elapsedMs = timer.elapsed();
        // Delivered on the runner's thread; its destructor joins this thread first, so `this`
        // is valid while the event is posted.
        QMetaObject::invokeMethod(
            this,
            [this, outcome] {
                m_running = false;
                emit finished(outcome);
            },
            Qt::QueuedConnection);
    });
    return true;
}

void DetectionRunner::cancel()
{
    if (m_cancel)
        m_cancel->store(true);
}

} // namespace mp::ui
