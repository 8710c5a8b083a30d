#pragma once

#include "ingest/importer.h"

#include <QObject>
#include <QString>
#include <QStringList>

#include <atomic>
#include <memory>
#include <thread>

namespace mp {
class GeoDb;
}

namespace mp::ui {

// Where an import stands, as the status bar shows it.
struct ImportProgress
{
    int fileIndex = 0; // 0-based
    int fileCount = 0;
    QString fileName;
    qint64 bytesDone = 0; // in the current file
    qint64 bytesTotal = 0;
    qint64 recordsRead = 0; // across every file so far
};

// Runs mp::importFiles on a worker thread with a case connection of its own (SQLite connections
// are never shared across threads) and reports back on the thread that owns the runner:
// progress() now and then, finished() once with the report. cancel() rolls back the file being
// read; files already committed stay.
class ImportRunner : public QObject
{
    Q_OBJECT

public:
    explicit ImportRunner(QObject *parent = nullptr);
    ~ImportRunner() override; // cancels and waits for the worker

    // GeoIP enrichment for the next imports; nullptr for none. Lookups are thread-safe.
    void setGeoDb(std::shared_ptr<const GeoDb> geo) { m_geo = std::move(geo); }
    // Starts importing; false (and nothing happens) when an import is already running.
    bool start(const QString &casePath, const QStringList &files);
    void cancel();
    bool isRunning() const { return m_running; }

signals:
    void started(int fileCount);
    void progress(const mp::ui::ImportProgress &progress);
    // cancelled: the user cancelled; the report says which files were committed.
    void finished(const mp::ImportReport &report, bool cancelled);

private:
    std::shared_ptr<const GeoDb> m_geo;
    std::shared_ptr<std::atomic_bool> m_cancel;
    std::thread m_thread;
    bool m_running = false;
};

} // namespace mp::ui

Q_DECLARE_METATYPE(mp::ui::ImportProgress)
Q_DECLARE_METATYPE(mp::ImportReport)
