#pragma once

#include <QWidget>

#include <cstdint>

class QLabel;
class QTableView;

namespace mp::ui {

class EventFilterBar;
class EventTableModel;

// The Events panel: the filter bar over the events table, with a column chooser (header context
// menu), copy of the selected rows as tab-separated text (Ctrl+C), and the selected event kept
// selected across filter and sort changes while it still matches.
class EventsPanel : public QWidget
{
    Q_OBJECT

public:
    explicit EventsPanel(QWidget *parent = nullptr);
    ~EventsPanel() override;

    // The table is the workspace's main view: it asks for most of the window.
    QSize sizeHint() const override;

    EventTableModel *model() const { return m_model; }
    EventFilterBar *filterBar() const { return m_filters; }
    QTableView *view() const { return m_view; }

    bool openCase(const QString &path, QString *error);
    void closeCase();

    std::int64_t currentEventId() const;
    // Selects the event's row and scrolls to it; false when the event is not listed.
    bool selectEvent(std::int64_t eventId);
    // Selects the event now if it is listed, or as soon as the running query lists it (a
    // selection in another view changes the filters and names the event to show).
    void selectEventWhenListed(std::int64_t eventId);
    // The selected rows as tab-separated text with a header line (what Ctrl+C copies).
    QString selectedRowsAsText() const;
    void copySelection() const;

    // Column visibility, order and widths, remembered in the settings.
    QByteArray saveHeaderState() const;
    bool restoreHeaderState(const QByteArray &state);
    void resetColumns();

signals:
    void eventSelected(qint64 eventId); // 0: none
    // The analyst (or a caller of selectEvent()) chose this event; not emitted when the panel
    // itself re-selects the event it kept across a filter change or one another view named.
    void eventChosen(qint64 eventId);
    void busyChanged(bool busy);

private:
    void showColumnMenu(const QPoint &pos);
    void filtersChanged();

    EventFilterBar *m_filters;
    QTableView *m_view;
    EventTableModel *m_model;
    void selectQuietly(std::int64_t eventId);

    std::int64_t m_keepSelected = 0;
    bool m_quiet = false; // selecting on the panel's own account: no eventChosen()
};

} // namespace mp::ui
