#pragma once

#include "store/activity.h"
#include "ui/selection.h"

#include <QWidget>

#include <atomic>
#include <memory>

class QLabel;
class QToolButton;

namespace mp::ui {

class SelectionHub;
class TimelineChart;

// The Timeline panel: activity over time for what is selected (the whole case when nothing is),
// one lane per user. It follows the workspace's selection: a user or finding loads that user's
// lane (with the other users seen on the finding's addresses), a finding zooms to its span and
// highlights its band, a time range zooms to it. Brushing a range writes the range into the
// selection, so every other view filters to it.
//
// Lanes are read on a background thread with a case connection of the job's own; the newest
// request wins and older answers are dropped.
class TimelinePanel : public QWidget
{
    Q_OBJECT

public:
    explicit TimelinePanel(SelectionHub *hub, QWidget *parent = nullptr);
    ~TimelinePanel() override;

    QSize sizeHint() const override;

    void openCase(const QString &path);
    void closeCase();
    // Reads the lanes again (after an import or a detection run).
    void reload();

    bool isBusy() const { return m_pending; }
    TimelineChart *chart() const { return m_chart; }
    QString headerText() const;

signals:
    void loaded();

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    void onSelectionChanged(const Selection &selection, const QObject *origin);
    void request(const ActivityRequest &request);
    void onLoaded(std::shared_ptr<const ActivityData> data);
    void applyFocus();
    void onBrushed(qint64 fromMs, qint64 toMs);
    void onClicked(int kind, int lane, int index);
    void clearRange();
    void updateHeader();

    SelectionHub *m_hub;
    TimelineChart *m_chart;
    QLabel *m_header;
    QLabel *m_key;
    QToolButton *m_fitButton;
    QToolButton *m_clearButton;
    QString m_casePath;
    ActivityRequest m_request;
    bool m_hasRequest = false;
    Selection m_focus; // the selection the lanes and zoom follow
    bool m_pending = false; // a request is out
    std::shared_ptr<std::atomic_bool> m_cancel;
};

} // namespace mp::ui
