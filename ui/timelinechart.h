#pragma once

#include "store/activity.h"
#include "util/timeaxis.h"

#include <QChartView>
#include <QColor>
#include <QPointer>

#include <memory>

class QCategoryAxis;
class QChart;
class QValueAxis;

namespace mp::ui {

class TimelineLayer;

// The timeline's chart: one lane per user on a QChart (lanes on a category axis, countries in
// the legend) with the activity drawn by one layer item over the plot area: findings as bands,
// sign-in sessions as Gantt bars with their sign-ins on them (a circle a success, a cross a
// failure, both in the country's colour), rule and forwarding changes as markers, and sends per
// hour as bars. Points are aggregated per pixel column, so 10,000 sign-ins draw as fast as 100.
//
// Wheel: zoom around the mouse; right, middle or Shift+left drag: pan; left drag: brush a time
// range (rangeBrushed); click: what is under the mouse (clicked); hover: a tool tip.
class TimelineChart : public QChartView
{
    Q_OBJECT

public:
    struct Hit
    {
        enum class Kind { None, Lane, Session, SignIn, Marker, Finding, Sends };
        Kind kind = Kind::None;
        int lane = -1;
        int index = -1; // into the lane's sessions, signIns, markers, findings or sendsPerHour
    };

    explicit TimelineChart(QWidget *parent = nullptr);
    ~TimelineChart() override;

    void setActivity(std::shared_ptr<const ActivityData> data);
    const ActivityData *activity() const { return m_data.get(); }
    QStringList laneUsers() const;
    int laneOf(const QString &user) const;

    // The visible time range.
    std::int64_t fromMs() const { return m_scale.fromMs; }
    std::int64_t toMs() const { return m_scale.toMs; }
    void setVisibleRange(std::int64_t fromMs, std::int64_t toMs);
    // Shows everything loaded.
    void fit();
    void zoomBy(double factor);

    // The brushed range drawn over the lanes (kNoTime: none).
    void setBrush(std::int64_t fromMs, std::int64_t toMs);
    std::int64_t brushFrom() const { return m_brushFrom; }
    std::int64_t brushTo() const { return m_brushTo; }

    void setHighlightedUser(const QString &user);
    QString highlightedUser() const { return m_highlight; }
    // Emphasises a finding's band (-1 for none: by finding id).
    void setHighlightedFinding(std::int64_t findingId);

    // Geometry, in viewport coordinates, for hit tests, tool tips and tests.
    Hit hitAt(QPoint viewportPos) const;
    QString toolTipFor(const Hit &hit) const;
    QRectF plotRect() const;          // the lanes' area
    QRectF laneRect(int lane) const;
    QPointF signInPosition(int lane, int index) const;
    QPointF markerPosition(int lane, int index) const;
    QRectF sessionRect(int lane, int index) const;
    QRectF findingRect(int lane, int index) const;
    double xOf(std::int64_t ms) const;
    std::int64_t timeAt(double x) const;

    // Colours: countries in their order in the data, so the most frequent gets the first colour.
    QColor countryColor(int country) const;
    static QColor ruleColor() { return QColor(0xe6, 0x7e, 0x00); }
    static QColor forwardingColor() { return QColor(0x8e, 0x24, 0xaa); }
    static QColor sendsColor() { return QColor(0x78, 0x90, 0x9c); }
    static QColor severityColor(Severity severity);

signals:
    void rangeBrushed(qint64 fromMs, qint64 toMs);
    void clicked(const mp::ui::TimelineChart::Hit &hit);
    void visibleRangeChanged(qint64 fromMs, qint64 toMs);

protected:
    void resizeEvent(QResizeEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    bool viewportEvent(QEvent *event) override;

private:
    friend class TimelineLayer;

    struct LaneGeometry
    {
        QRectF all, markers, sessions, sends;
    };
    LaneGeometry laneGeometry(int lane) const;
    int laneSlots() const;
    QRectF sessionRowRect(int lane, int row) const;
    void rebuildChart();
    void applyScale();
    TimeScale scaleForPlot() const;

    QChart *m_chart = nullptr;
    QValueAxis *m_timeAxis = nullptr;
    QCategoryAxis *m_laneAxis = nullptr;
    TimelineLayer *m_layer = nullptr;
    std::shared_ptr<const ActivityData> m_data;
    TimeScale m_scale;
    QString m_highlight;
    std::int64_t m_highlightFinding = -1;
    std::int64_t m_brushFrom = kNoTime;
    std::int64_t m_brushTo = kNoTime;

    enum class Drag { None, Brush, Pan };
    Drag m_drag = Drag::None;
    QPoint m_pressPos;
    QPoint m_lastPos;
    double m_dragX0 = 0, m_dragX1 = 0;
};

} // namespace mp::ui

Q_DECLARE_METATYPE(mp::ui::TimelineChart::Hit)
