#pragma once

#include "store/signinmap.h"
#include "ui/selection.h"

#include <QWidget>

#include <atomic>
#include <memory>

class QLabel;
class QSplitter;
class QModelIndex;
class QStandardItemModel;
class QTreeView;

namespace mp::ui {

class MapView;
class SelectionHub;

// The Map panel: where the sign-ins of the selection came from (the whole case when nothing is
// selected) on an offline world map, the selected user's path and impossible-travel legs, and
// beside it the list of places, the addresses that could not be placed (never drawn at 0,0) and
// the travel legs. Clicking a marker or a list entry selects its sign-ins (an IP, or the place's
// country with its addresses). Without the map data it says so, with the command that fetches
// it, and still lists everything.
class MapPanel : public QWidget
{
    Q_OBJECT

public:
    explicit MapPanel(SelectionHub *hub, QWidget *parent = nullptr);
    ~MapPanel() override;

    QSize sizeHint() const override;

    // Where the map data is (DIR/map/countries-*.json); GeoDb::defaultDataDir() unless set.
    void setDataDir(const QString &dir);
    void openCase(const QString &path);
    void closeCase();
    void reload();

    bool isBusy() const { return m_pending || m_worldPending; }
    MapView *view() const { return m_view; }
    QTreeView *list() const { return m_list; }
    QStandardItemModel *listModel() const { return m_listModel; }
    const SignInMap *signIns() const { return m_data.get(); }
    QString headerText() const;
    // The selection a click on a place gives.
    Selection selectionForPlace(int index) const;

signals:
    void loaded();

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    void loadWorld();
    void onSelectionChanged(const Selection &selection, const QObject *origin);
    void request(const SignInMapRequest &request);
    void onLoaded(std::shared_ptr<const SignInMap> data);
    void fillList();
    void onPlaceClicked(int index);
    void onItemActivated(const QModelIndex &index);
    void updateHeader();

    SelectionHub *m_hub;
    MapView *m_view;
    QTreeView *m_list;
    QStandardItemModel *m_listModel;
    QSplitter *m_splitter = nullptr;
    bool m_splitSized = false;
    QLabel *m_header;
    QString m_dataDir;
    QString m_casePath;
    QString m_worldError;
    SignInMapRequest m_request;
    bool m_hasRequest = false;
    std::shared_ptr<const SignInMap> m_data;
    bool m_pending = false; // a request is out
    quint64 m_worldGeneration = 0;
    bool m_worldPending = false;
    std::shared_ptr<std::atomic_bool> m_cancel;
};

} // namespace mp::ui
