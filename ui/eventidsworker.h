#pragma once

#include "store/eventquery.h"

#include <QElapsedTimer>
#include <QFutureWatcher>
#include <QObject>
#include <QString>
#include <QThread>

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

namespace mp {
class CaseStore;
class EventIndex;
}

namespace mp::ui {

// Runs event id queries on a thread of its own with a case connection of its own (an SQLite
// connection is never shared across threads). The newest request wins: issuing one interrupts
// the one running, and results of superseded requests are never delivered.
//
// On a large case it also builds an EventIndex in the background (another thread, another
// connection) and answers from it once it is ready and still covers every event; until then,
// and whenever the case has grown past it, SQL answers.
class EventIdsWorker : public QObject
{
    Q_OBJECT

public:
    struct Result
    {
        quint64 generation = 0;
        std::shared_ptr<const std::vector<std::int64_t>> ids;
        std::int64_t total = -1; // events in the case, when asked for; -1 otherwise
        qint64 elapsedMs = 0;
        bool fromIndex = false; // answered by the in-memory index rather than SQL
        QString error;
    };

    // Cases with at least this many events get an in-memory index.
    static constexpr std::int64_t kDefaultIndexThreshold = 50000;

    explicit EventIdsWorker(QObject *parent = nullptr);
    ~EventIdsWorker() override;

    // Opens the worker's connection to the case (on the worker thread) and drops pending work.
    void open(const QString &casePath);
    void close();
    // Queues a query; finished() brings its ids back on this object's thread unless a newer
    // request or close() supersedes it. countAll: also count every event of the case.
    quint64 request(const EventQuery &query, bool countAll);
    quint64 latestGeneration() const { return m_generation; }
    // (Re)builds the index in the background, e.g. after an import added events.
    void rebuildIndex();
    void setIndexThreshold(std::int64_t events) { m_indexThreshold = events; }
    bool isIndexReady() const { return m_indexReady; }

signals:
    void finished(const mp::ui::EventIdsWorker::Result &result);
    void indexReady(qint64 events, qint64 bytes, qint64 elapsedMs);

private:
    void cancelRunning();
    void cancelIndexBuild();

    QThread m_thread;
    QObject *m_context = nullptr;          // lives on m_thread; runs the jobs
    std::unique_ptr<CaseStore> m_store;    // touched on m_thread only
    std::shared_ptr<std::atomic_bool> m_cancel;
    quint64 m_generation = 0;

    QString m_path;
    std::int64_t m_indexThreshold = kDefaultIndexThreshold;
    std::shared_ptr<const EventIndex> m_index; // touched on m_thread only
    QFutureWatcher<std::shared_ptr<const EventIndex>> m_indexBuild;
    std::shared_ptr<std::atomic_bool> m_indexCancel;
    bool m_indexReady = false;
    QElapsedTimer m_indexTimer;
};

} // namespace mp::ui

Q_DECLARE_METATYPE(mp::ui::EventIdsWorker::Result)
