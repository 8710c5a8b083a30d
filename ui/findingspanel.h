#pragma once

#include "store/findingstore.h"
#include "ui/selection.h"

#include <QString>
#include <QWidget>

#include <atomic>
#include <memory>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QModelIndex;
class QPushButton;
class QTreeView;

namespace mp::ui {

class FindingsFilterModel;
class FindingsModel;

// The Findings and incidents panel: every incident with its findings under it, then the findings
// outside incidents; filters by severity, triage state and detector; suppressed findings listed
// greyed with the setting that suppressed them. Selecting a row selects the finding or incident in
// the workspace; a user or IP selected elsewhere highlights the findings that concern it. The
// analyst triages from the context menu or the editor under the list (stored in the case), and
// from the context menu trusts a network or names a service account (the workspace writes the
// tuning file and re-runs detection).
class FindingsPanel : public QWidget
{
    Q_OBJECT

public:
    explicit FindingsPanel(QWidget *parent = nullptr);
    ~FindingsPanel() override;

    // Reads the findings of the case (on a worker thread, a connection of its own).
    void openCase(const QString &casePath);
    void closeCase();
    void reload();
    bool isLoading() const { return m_loading; }

    FindingsModel *model() const { return m_model; }
    FindingsFilterModel *filterModel() const { return m_proxy; }
    QTreeView *view() const { return m_view; }
    QComboBox *severityFilter() const { return m_severity; }
    QComboBox *stateFilter() const { return m_state; }
    QComboBox *detectorFilter() const { return m_detector; }
    QCheckBox *suppressedToggle() const { return m_showSuppressed; }

    // The workspace selection a row stands for (finding or incident), on the model's index.
    Selection selectionFor(const QModelIndex &sourceIndex) const;
    // Selects the row of this fingerprint as if the analyst clicked it; false when not listed.
    bool selectFingerprint(const QString &fingerprint);
    // Shows a selection made elsewhere: its finding/incident selected, its user or IP highlighted.
    void followSelection(const Selection &selection);

    // Stores a triage state and note (on a worker thread); triageSaved() reports the outcome.
    void setTriage(const QString &fingerprint, TriageState state, const QString &note);

    // The time padding around a finding's first..last when it is selected, so that the events
    // just before and after show too.
    static qint64 paddingMs(qint64 firstMs, qint64 lastMs);

signals:
    void selected(const mp::ui::Selection &selection);
    void loaded(int findings, int incidents);
    void triageSaved(const QString &fingerprint, bool ok, const QString &error);
    // key: a tuning list setting ("trusted_networks", "service_accounts"); value: what to add.
    void tuningRequested(const QString &key, const QString &value);
    void userPageRequested(const QString &user);
    void detectionRequested();

private:
    void currentChanged(const QModelIndex &proxyIndex);
    void showContextMenu(const QPoint &pos);
    void updateEditor();
    void updateSummary();
    void saveEditor();
    void applyFilters();

    QString m_casePath;
    FindingsModel *m_model;
    FindingsFilterModel *m_proxy;
    QLabel *m_summary;
    QComboBox *m_severity;
    QComboBox *m_state;
    QComboBox *m_detector;
    QCheckBox *m_showSuppressed;
    QTreeView *m_view;
    QLabel *m_editorLabel;
    QComboBox *m_triageState;
    QLineEdit *m_note;
    QPushButton *m_save;
    std::shared_ptr<std::atomic_bool> m_loadCancel;
    bool m_loading = false;
    bool m_following = false; // selecting a row because of a selection made elsewhere
    Selection m_followed;
};

} // namespace mp::ui
