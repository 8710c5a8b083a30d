#include "ui/eventidsworker.h"

#include "store/casestore.h"
#include "store/eventindex.h"
#include "ui/backgroundpool.h"

#include <QElapsedTimer>
#include <QtConcurrent>

namespace mp::ui {

EventIdsWorker::EventIdsWorker(QObject *parent)
    : QObject(parent)
    , m_store(std::make_unique<CaseStore>())
{
    qRegisterMetaType<mp::ui::EventIdsWorker::Result>();
    m_thread.setObjectName(QStringLiteral("event-ids"));
    m_context = new QObject;
    m_context->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_context, &QObject::deleteLater);
    m_thread.start();
    connect(&m_indexBuild, &QFutureWatcher<std::shared_ptr<const EventIndex>>::finished, this, [this] {
        if (m_indexBuild.future().resultCount() == 0)
            return;
        std::shared_ptr<const EventIndex> index = m_indexBuild.result();
        if (!index)
            return;
        m_indexReady = true;
        emit indexReady(static_cast<qint64>(index->size()), static_cast<qint64>(index->memoryBytes()), m_indexTimer.elapsed());
        QMetaObject::invokeMethod(m_context, [this, index] { m_index = index; }, Qt::QueuedConnection);
    });
}

EventIdsWorker::~EventIdsWorker()
{
    cancelRunning();
    cancelIndexBuild();
    // The connection belongs to the worker thread: close it there, then stop the thread.
    QMetaObject::invokeMethod(m_context, [this] { m_store->close(); }, Qt::QueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

void EventIdsWorker::cancelRunning()
{
    if (m_cancel)
        m_cancel->store(true);
    m_cancel.reset();
}

void EventIdsWorker::cancelIndexBuild()
{
    if (m_indexCancel)
        m_indexCancel->store(true);
    m_indexCancel.reset();
    m_indexReady = false;
}

void EventIdsWorker::rebuildIndex()
{
    cancelIndexBuild();
    QMetaObject::invokeMethod(m_context, [this] { m_index.reset(); }, Qt::QueuedConnection);
    if (m_path.isEmpty())
        return;
    m_indexCancel = std::make_shared<std::atomic_bool>(false);
    m_indexTimer.start();
    // The build holds nothing of this object, so it may outlive it; cancelled, it stops soon.
    m_indexBuild.setFuture(QtConcurrent::run(backgroundPool(),
        [path = m_path.toStdString(), threshold = m_indexThreshold, cancel = m_indexCancel]()
            -> std::shared_ptr<const EventIndex> {
            CaseStore store;
            if (!store.open(path, false, nullptr))
                return nullptr;
            store.database().exec("PRAGMA mmap_size=4294967296; PRAGMA query_only=1;");
            if (threshold > 0 && store.eventCount() < threshold)
                return nullptr; // SQL answers small cases at typing speed
            return EventIndex::build(store.database(), cancel.get(), nullptr);
        }));
}

void EventIdsWorker::open(const QString &casePath)
{
    cancelRunning();
    ++m_generation;
    m_path = casePath;
    const std::string path = casePath.toStdString();
    QMetaObject::invokeMethod(
        m_context,
        [this, path] {
            std::string error;
            if (m_store->open(path, false, &error)) {
                // Read-only use: memory-map the file so that scans read pages without copying.
                m_store->database().exec("PRAGMA mmap_size=4294967296; PRAGMA query_only=1;");
            }
        },
        Qt::QueuedConnection);
}

void EventIdsWorker::close()
{
    cancelRunning();
    cancelIndexBuild();
    ++m_generation;
    m_path.clear();
    QMetaObject::invokeMethod(
        m_context,
        [this] {
            m_index.reset();
            m_store->close();
        },
        Qt::QueuedConnection);
}

quint64 EventIdsWorker::request(const EventQuery &query, bool countAll)
{
    cancelRunning();
    const quint64 generation = ++m_generation;
    auto cancel = std::make_shared<std::atomic_bool>(false);
    m_cancel = cancel;
    QMetaObject::invokeMethod(
        m_context,
        [this, query, countAll, generation, cancel] {
            if (cancel->load())
                return; // superseded while queued
            Result result;
            result.generation = generation;
            QElapsedTimer timer;
            timer.start();
            if (!m_store->isOpen()) {
                result.error = QStringLiteral("the case is not open");
            } else {
                // The index answers while it covers every event; an import since makes it stale.
                const bool useIndex = m_index && m_index->lastEventId() == EventIndex::currentLastEventId(m_store->database());
                EventIdsResult ids = useIndex ? m_index->query(query, cancel.get())
                                              : queryEventIds(m_store->database(), query, cancel.get());
                result.fromIndex = useIndex;
                if (ids.cancelled)
                    return;
                if (!ids.error.empty())
                    result.error = QString::fromStdString(ids.error);
                result.ids = std::make_shared<const std::vector<std::int64_t>>(std::move(ids.ids));
                if (countAll)
                    result.total = m_store->eventCount();
            }
            result.elapsedMs = timer.elapsed();
            QMetaObject::invokeMethod(
                this,
                [this, result] {
                    if (result.generation == m_generation)
                        emit finished(result);
                },
                Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
    return generation;
}

} // namespace mp::ui
