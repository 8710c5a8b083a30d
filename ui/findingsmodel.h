#pragma once

#include "store/findingstore.h"

#include <QAbstractItemModel>
#include <QSortFilterProxyModel>
#include <QString>
#include <QStringList>

#include <atomic>
#include <optional>
#include <vector>

namespace mp::ui {

// What the findings panel shows, read from a case in one go (off the GUI thread).
struct FindingsSnapshot
{
    std::vector<StoredFinding> findings;
    std::vector<StoredIncident> incidents;
    std::optional<DetectionRun> run;

    static FindingsSnapshot read(CaseStore &store);
};

// Findings and incidents as a tree: each incident with its findings under it, in story order,
// then the findings that belong to no incident. Suppressed findings are listed like the others
// (greyed, with the setting that suppressed them), never left out.
class FindingsModel : public QAbstractItemModel
{
    Q_OBJECT

public:
    enum Column { SeverityColumn, DetectorColumn, UserColumn, IpsColumn, FirstColumn, LastColumn, SummaryColumn, TriageColumn, SuppressedByColumn, ColumnCount };
    // Roles of this model (beyond ItemRole's SortRole).
    enum Role {
        RowKindRole = Qt::UserRole + 100, // "incident" or "finding"
        FingerprintRole,                  // QString
        RowIdRole,                        // qint64: finding id / incident id
        SeverityRole,                     // int: mp::Severity
        SuppressedRole,                   // bool
        TriageStateRole,                  // int: mp::TriageState
        NoteRole,                         // QString
        UserNameRole,                     // QString (lower case)
        IpsRole,                          // QStringList
        HighlightRole,                    // bool: concerns the user/IP selected elsewhere
    };

    explicit FindingsModel(QObject *parent = nullptr);

    void setSnapshot(FindingsSnapshot snapshot);
    void clear();
    const FindingsSnapshot &snapshot() const { return m_data; }

    // Marks the rows that concern `user` or `ip` (empty: none), e.g. a user selected elsewhere.
    void setHighlight(const QString &user, const QString &ip);
    // The triage as stored (after the analyst changed it): updates every row with the fingerprint.
    void setTriage(const QString &fingerprint, TriageState state, const QString &note);

    const StoredFinding *finding(const QModelIndex &index) const;
    const StoredIncident *incident(const QModelIndex &index) const;
    const StoredFinding *findingById(qint64 id) const;
    // The index of the finding or incident with this fingerprint (column 0), invalid when none.
    QModelIndex indexOfFingerprint(const QString &fingerprint) const;
    // The findings of an incident, in story order.
    std::vector<const StoredFinding *> findingsOf(const StoredIncident &incident) const;
    QStringList detectors() const;
    int suppressedCount() const;

    static QString columnTitle(int column);
    static QString severityText(Severity severity);
    static QString triageText(TriageState state);

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    // A top-level row: an incident (with children) or a finding outside any incident.
    struct TopRow
    {
        bool incident = false;
        std::size_t index = 0;              // into m_data.incidents or m_data.findings
        std::vector<std::size_t> children;  // findings (indexes) of an incident
        QStringList ips;                    // an incident's: its findings' IPs, first seen first
    };

    const StoredFinding *findingAt(const QModelIndex &index) const;
    bool concernsHighlight(const std::string &user, const std::vector<std::string> &ips) const;

    FindingsSnapshot m_data;
    std::vector<TopRow> m_rows;
    std::string m_highlightUser; // as stored: lower case
    std::string m_highlightIp;
};

// Filters by lowest severity, triage state and detector, and hides suppressed findings only when
// asked (the panel then says how many are hidden). An incident stays while any of its findings
// does. Sorts on the model's SortRole.
class FindingsFilterModel : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    explicit FindingsFilterModel(QObject *parent = nullptr);

    struct Filter
    {
        Severity minimum = Severity::Informational;
        std::optional<TriageState> state;
        QString detector; // empty: every detector
        bool showSuppressed = true;
    };
    // Every setting at once: one pass over the rows (each setter below is a pass of its own).
    void setFilter(const Filter &filter);

    void setMinimumSeverity(Severity severity);
    void setTriageState(std::optional<TriageState> state);
    void setDetector(const QString &detector); // empty: every detector
    void setShowSuppressed(bool show);
    bool showSuppressed() const { return m_filter.showSuppressed; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    Filter m_filter;
};

} // namespace mp::ui
