#pragma once

#include "geo/worldmap.h"
#include "store/signinmap.h"

#include <QGraphicsView>

#include <memory>
#include <vector>

class QGraphicsItemGroup;
class QGraphicsTextItem;

namespace mp::ui {

class MapMarkerItem;

// The world map: country shapes in the Natural Earth projection, sign-in places as markers
// sized by their count (the red share of a marker is its failed sign-ins), one user's path in
// time order (numbered legs), and impossible-travel legs as great-circle arcs labelled with
// distance and speed. Wheel: zoom around the mouse; drag: pan; click on a marker: placeClicked.
// Markers and labels keep their size on screen whatever the zoom; the finer country shapes are
// used once zoomed in.
class MapView : public QGraphicsView
{
    Q_OBJECT

public:
    // Scene pixels per earth radius: the whole world is about 870 by 420 at scale 1.
    static constexpr double kScale = 160;

    explicit MapView(QWidget *parent = nullptr);
    ~MapView() override;

    static QPointF project(GeoPoint p);

    // Either map may be null (then the other is used at every zoom); both null: the message.
    void setWorld(std::shared_ptr<const WorldMap> coarse, std::shared_ptr<const WorldMap> fine);
    void setMissingMapMessage(const QString &text);
    bool hasWorld() const { return m_coarse || m_fine; }

    void setSignIns(std::shared_ptr<const SignInMap> data);
    const SignInMap *signIns() const { return m_data.get(); }
    void setSelectedPlace(int index); // -1: none
    int selectedPlace() const { return m_selected; }
    // Zooms to the places and legs shown, or to the world when there are none.
    void focusOnData();

    int markerCount() const { return static_cast<int>(m_markers.size()); }
    int legCount() const { return m_legCount; }
    int pathLegCount() const { return m_pathLegCount; }
    // Where a place's marker is, in viewport coordinates; and the place under a point (-1: none).
    QPoint placePosition(int index) const;
    int placeAt(QPoint viewportPos) const;
    bool showsFineDetail() const;

signals:
    void placeClicked(int index);

protected:
    void wheelEvent(QWheelEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    QGraphicsItemGroup *buildCountries(const WorldMap &map);
    void rebuildData();
    void tintCountries();
    void updateDetail();
    void zoomBy(double factor);

    QGraphicsScene *m_scene;
    std::shared_ptr<const WorldMap> m_coarse, m_fine;
    QGraphicsItemGroup *m_coarseItems = nullptr;
    QGraphicsItemGroup *m_fineItems = nullptr;
    QGraphicsTextItem *m_message = nullptr;
    std::shared_ptr<const SignInMap> m_data;
    std::vector<QGraphicsItem *> m_dataItems;
    std::vector<MapMarkerItem *> m_markers;
    int m_selected = -1;
    int m_legCount = 0;
    int m_pathLegCount = 0;
    QPolygonF m_outline; // the world's edge in the projection
    QPoint m_pressPos;
    QRectF m_focusBox;
    bool m_autoFit = false;
};

} // namespace mp::ui
