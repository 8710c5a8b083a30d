#pragma once

#include "store/casestore.h"
#include "store/eventquery.h"

#include <QAbstractTableModel>
#include <QString>

#include <list>
#include <memory>
#include <unordered_map>
#include <vector>

namespace mp::ui {

class EventIdsWorker;

// The events of a case as a table that scrolls through millions of rows without holding them.
//
// A filter or sort change sends the query to a worker thread, which returns the ordered ids of
// the matching events only (8 bytes a row). Rows are then read a page at a time, one
// `WHERE id IN (...)` query per page on a connection of the model's own, and kept in a small
// LRU of pages, so a view asks the database once per page it shows, never once per cell.
// Until a query's ids arrive the previous rows stay on screen.
class EventTableModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    static constexpr int kPageSize = 256;
    static constexpr int kMaxCachedPages = 64;

    explicit EventTableModel(QObject *parent = nullptr);
    ~EventTableModel() override;

    // Opens the model's connections to the case and starts the first query (all events by time).
    bool openCase(const QString &path, QString *error);
    void closeCase();
    bool isOpen() const { return m_pages.isOpen(); }

    // Runs a new query (filters and sort order); the rows change when its ids arrive.
    void setQuery(const EventQuery &query);
    const EventQuery &query() const { return m_query; }
    // Runs the current query again, e.g. after an import added events.
    void refresh();
    bool isBusy() const { return m_pending != 0; }
    // Every event of the case, as of the last query; -1 before the first answer.
    std::int64_t totalEvents() const { return m_total; }
    // Cases with at least this many events get an in-memory index for queries SQL can only answer
    // by scanning (free text, country, result, unindexed sorts); 0: always. Set before openCase().
    void setIndexThreshold(std::int64_t events);
    bool lastQueryUsedIndex() const { return m_lastFromIndex; }

    std::int64_t eventId(int row) const;
    int rowOfEvent(std::int64_t eventId) const; // -1 when the event is not listed
    // Tab-separated text of the given rows and columns (in the order given), with a header
    // line; times in full ISO 8601. Rows are read in pages, bypassing the cache.
    QString rowsAsText(const QList<int> &rows, const QList<int> &columns) const;

    // Statistics of the page cache, for the status bar's diagnostics and for tests.
    int pageQueryCount() const { return m_pageQueries; }
    std::vector<int> cachedPages() const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

    static QString columnTitle(EventColumn column);
    // The text and raw value of one cell, as the table shows and sorts it.
    static QString displayText(const EventRow &row, EventColumn column);
    static QVariant sortValue(const EventRow &row, EventColumn column);

signals:
    void queryStarted();
    // The rows now show the query's matches. elapsedMs: time on the worker.
    void queryFinished(qint64 matches, qint64 total, qint64 elapsedMs);
    void queryFailed(const QString &error);
    void indexReady(qint64 events, qint64 bytes, qint64 elapsedMs);

private:
    struct Page
    {
        std::vector<EventRow> rows;
        std::list<int>::iterator lru;
    };

    void run(bool countAll);
    const EventRow *rowAt(int row) const;

    mutable CaseStore m_pages; // page reads, on this (the GUI) thread
    std::unique_ptr<EventIdsWorker> m_worker;
    EventQuery m_query;
    std::shared_ptr<const std::vector<std::int64_t>> m_ids;
    std::int64_t m_total = -1;
    quint64 m_pending = 0; // generation of the query awaited; 0 when idle
    bool m_lastFromIndex = false;

    mutable std::unordered_map<int, Page> m_cache;
    mutable std::list<int> m_lru; // most recent first
    mutable int m_pageQueries = 0;
};

} // namespace mp::ui
