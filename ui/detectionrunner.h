#pragma once

#include "detect/detector.h"
#include "detect/tuning.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <memory>
#include <thread>

namespace mp::ui {

// Runs detection (mp::detectAndStore) on a worker thread with a case connection of its own and
// reports back on the thread that owns the runner: progress() now and then, finished() once.
// cancel() stops it; a cancelled run stores nothing, the previous findings stay.
class DetectionRunner : public QObject
{
    Q_OBJECT

public:
    struct Outcome
    {
        bool ok = false;
        bool cancelled = false;
        QString error;
        qint64 findings = 0;
        qint64 standing = 0; // not suppressed
        qint64 incidents = 0;
        qint64 events = 0;
        qint64 elapsedMs = 0;
    };

    explicit DetectionRunner(QObject *parent = nullptr);
    ~DetectionRunner() override; // cancels and waits for the worker

    // False (and nothing happens) when a run is already going.
    bool start(const QString &casePath, Profile profile, const Tuning &tuning);
    void cancel();
    bool isRunning() const { return m_running; }

signals:
    // stage: "load" or a detector's name; fraction 0..1 of the whole run.
    void progress(const QString &stage, double fraction);
    void finished(const mp::ui::DetectionRunner::Outcome &outcome);

private:
    std::shared_ptr<std::atomic_bool> m_cancel;
    std::thread m_thread;
    bool m_running = false;
};

} // namespace mp::ui

Q_DECLARE_METATYPE(mp::ui::DetectionRunner::Outcome)
