#include "ui/findingsmodel.h"

#include "ui/itemroles.h"
#include "ui/textformat.h"

#include <QColor>
#include <QFont>

#include <algorithm>
#include <set>
#include <unordered_map>

namespace mp::ui {

FindingsSnapshot FindingsSnapshot::read(CaseStore &store)
{
    FindingStore findings(store);
    FindingsSnapshot s;
    s.run = findings.latestRun();
    s.findings = findings.findings();
    s.incidents = findings.incidents();
    return s;
}

namespace {

QStringList qlist(const std::vector<std::string> &items)
{
    QStringList out;
    out.reserve(static_cast<qsizetype>(items.size()));
    for (const std::string &s : items)
        out << qstr(s);
    return out;
}

QString ipsText(const QStringList &ips)
{
    if (ips.size() <= 3)
        return ips.join(QStringLiteral(", "));
    return QStringList(ips.mid(0, 3)).join(QStringLiteral(", ")) + QStringLiteral(" +%1").arg(ips.size() - 3);
}

} // namespace

FindingsModel::FindingsModel(QObject *parent)
    : QAbstractItemModel(parent)
{
}

QString FindingsModel::columnTitle(int column)
{
    switch (column) {
    case SeverityColumn: return QStringLiteral("Severity");
    case DetectorColumn: return QStringLiteral("Detector");
    case UserColumn: return QStringLiteral("User");
    case IpsColumn: return QStringLiteral("IPs");
    case FirstColumn: return QStringLiteral("First (UTC)");
    case LastColumn: return QStringLiteral("Last (UTC)");
    case SummaryColumn: return QStringLiteral("Summary");
    case TriageColumn: return QStringLiteral("Triage");
    case SuppressedByColumn: return QStringLiteral("Suppressed by");
    default: return {};
    }
}

QString FindingsModel::severityText(mp::Severity severity)
{
    switch (severity) {
    case mp::Severity::Informational: return QStringLiteral("Info");
    case mp::Severity::Low: return QStringLiteral("Low");
    case mp::Severity::Medium: return QStringLiteral("Medium");
    case mp::Severity::High: return QStringLiteral("High");
    case mp::Severity::Critical: return QStringLiteral("Critical");
    }
    return {};
}

QString FindingsModel::triageText(TriageState state)
{
    switch (state) {
    case TriageState::New: return QStringLiteral("new");
    case TriageState::TruePositive: return QStringLiteral("true positive");
    case TriageState::FalsePositive: return QStringLiteral("false positive");
    case TriageState::Benign: return QStringLiteral("benign");
    }
    return {};
}

void FindingsModel::setSnapshot(FindingsSnapshot snapshot)
{
    beginResetModel();
    m_data = std::move(snapshot);
    m_rows.clear();
    std::unordered_map<std::int64_t, std::size_t> rowOfIncident;
    for (std::size_t i = 0; i < m_data.incidents.size(); ++i) {
        TopRow row;
        row.incident = true;
        row.index = i;
        rowOfIncident.emplace(m_data.incidents[i].id, m_rows.size());
        m_rows.push_back(std::move(row));
    }
    // Findings name their incident by its id; those outside any come after the incidents.
    for (std::size_t f = 0; f < m_data.findings.size(); ++f) {
        const auto it = rowOfIncident.find(m_data.findings[f].finding.incidentId);
        if (it == rowOfIncident.end()) {
            m_rows.push_back(TopRow{false, f, {}, {}});
            continue;
        }
        TopRow &row = m_rows[it->second];
        row.children.push_back(f);
        for (const std::string &ip : m_data.findings[f].finding.ips) {
            if (!row.ips.contains(qstr(ip)))
                row.ips << qstr(ip);
        }
    }
    endResetModel();
}

void FindingsModel::clear()
{
    setSnapshot({});
}

void FindingsModel::setHighlight(const QString &user, const QString &ip)
{
    if (user.toStdString() == m_highlightUser && ip.toStdString() == m_highlightIp)
        return;
    m_highlightUser = user.toStdString();
    m_highlightIp = ip.toStdString();
    if (m_rows.empty())
        return;
    emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
    for (int r = 0; r < rowCount(); ++r) {
        const QModelIndex parent = index(r, 0);
        if (const int n = rowCount(parent); n > 0)
            emit dataChanged(index(0, 0, parent), index(n - 1, ColumnCount - 1, parent));
    }
}

void FindingsModel::setTriage(const QString &fingerprint, TriageState state, const QString &note)
{
    const std::string key = fingerprint.toStdString();
    for (StoredFinding &f : m_data.findings) {
        if (f.finding.fingerprint == key) {
            f.triage.state = state;
            f.triage.note = note.toStdString();
        }
    }
    for (StoredIncident &i : m_data.incidents) {
        if (i.incident.fingerprint == key) {
            i.triage.state = state;
            i.triage.note = note.toStdString();
        }
    }
    const QModelIndex at = indexOfFingerprint(fingerprint);
    if (at.isValid())
        emit dataChanged(at.siblingAtColumn(0), at.siblingAtColumn(ColumnCount - 1));
}

const StoredFinding *FindingsModel::findingAt(const QModelIndex &index) const
{
    if (!index.isValid())
        return nullptr;
    if (index.internalId() == 0) {
        const TopRow &row = m_rows[static_cast<std::size_t>(index.row())];
        return row.incident ? nullptr : &m_data.findings[row.index];
    }
    const TopRow &parent = m_rows[static_cast<std::size_t>(index.internalId() - 1)];
    return &m_data.findings[parent.children[static_cast<std::size_t>(index.row())]];
}

const StoredFinding *FindingsModel::finding(const QModelIndex &index) const
{
    return findingAt(index);
}

const StoredIncident *FindingsModel::incident(const QModelIndex &index) const
{
    if (!index.isValid() || index.internalId() != 0)
        return nullptr;
    const TopRow &row = m_rows[static_cast<std::size_t>(index.row())];
    return row.incident ? &m_data.incidents[row.index] : nullptr;
}

const StoredFinding *FindingsModel::findingById(qint64 id) const
{
    for (const StoredFinding &f : m_data.findings) {
        if (f.id == id)
            return &f;
    }
    return nullptr;
}

QModelIndex FindingsModel::indexOfFingerprint(const QString &fingerprint) const
{
    if (fingerprint.isEmpty())
        return {};
    const std::string key = fingerprint.toStdString();
    for (std::size_t r = 0; r < m_rows.size(); ++r) {
        const TopRow &row = m_rows[r];
        const std::string &own = row.incident ? m_data.incidents[row.index].incident.fingerprint
                                              : m_data.findings[row.index].finding.fingerprint;
        if (own == key)
            return index(static_cast<int>(r), 0);
        for (std::size_t c = 0; c < row.children.size(); ++c) {
            if (m_data.findings[row.children[c]].finding.fingerprint == key)
                return index(static_cast<int>(c), 0, index(static_cast<int>(r), 0));
        }
    }
    return {};
}

std::vector<const StoredFinding *> FindingsModel::findingsOf(const StoredIncident &incident) const
{
    std::vector<const StoredFinding *> out;
    for (const TopRow &row : m_rows) {
        if (!row.incident || m_data.incidents[row.index].id != incident.id)
            continue;
        for (const std::size_t f : row.children)
            out.push_back(&m_data.findings[f]);
    }
    return out;
}

QStringList FindingsModel::detectors() const
{
    std::set<std::string> names;
    for (const StoredFinding &f : m_data.findings)
        names.insert(f.finding.detector);
    QStringList out;
    for (const std::string &n : names)
        out << qstr(n);
    return out;
}

int FindingsModel::suppressedCount() const
{
    return static_cast<int>(std::count_if(m_data.findings.begin(), m_data.findings.end(),
                                          [](const StoredFinding &f) { return !f.finding.suppressedBy.empty(); }));
}

QModelIndex FindingsModel::index(int row, int column, const QModelIndex &parent) const
{
    if (row < 0 || column < 0 || column >= ColumnCount)
        return {};
    if (!parent.isValid())
        return row < static_cast<int>(m_rows.size()) ? createIndex(row, column, quintptr(0)) : QModelIndex();
    if (parent.internalId() != 0 || parent.row() >= static_cast<int>(m_rows.size()))
        return {};
    const TopRow &top = m_rows[static_cast<std::size_t>(parent.row())];
    if (row >= static_cast<int>(top.children.size()))
        return {};
    return createIndex(row, column, quintptr(parent.row() + 1));
}

QModelIndex FindingsModel::parent(const QModelIndex &child) const
{
    if (!child.isValid() || child.internalId() == 0)
        return {};
    return createIndex(static_cast<int>(child.internalId() - 1), 0, quintptr(0));
}

int FindingsModel::rowCount(const QModelIndex &parent) const
{
    if (!parent.isValid())
        return static_cast<int>(m_rows.size());
    if (parent.column() != 0 || parent.internalId() != 0)
        return 0;
    return static_cast<int>(m_rows[static_cast<std::size_t>(parent.row())].children.size());
}

int FindingsModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

bool FindingsModel::concernsHighlight(const std::string &user, const std::vector<std::string> &ips) const
{
    if (!m_highlightUser.empty() && user == m_highlightUser)
        return true;
    return !m_highlightIp.empty() && std::find(ips.begin(), ips.end(), m_highlightIp) != ips.end();
}

QVariant FindingsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid())
        return {};
    const StoredFinding *sf = findingAt(index);
    const StoredIncident *si = sf ? nullptr : incident(index);
    if (!sf && !si)
        return {};
    // Only what the role asks for is built: proxies filter and sort tens of thousands of rows
    // through here.
    const mp::Severity severity = sf ? sf->finding.severity : si->incident.severity;
    const mp::Triage &triage = sf ? sf->triage : si->triage;
    const std::string &user = sf ? sf->finding.user : si->incident.user;
    const bool suppressed = sf && !sf->finding.suppressedBy.empty();
    auto ips = [&] {
        if (si)
            return m_rows[static_cast<std::size_t>(index.row())].ips;
        return qlist(sf->finding.ips);
    };
    auto detector = [&] {
        if (sf)
            return qstr(sf->finding.detector);
        const std::size_t n = m_rows[static_cast<std::size_t>(index.row())].children.size();
        return QStringLiteral("Incident · %1 finding%2").arg(n).arg(n == 1 ? QString() : QStringLiteral("s"));
    };
    const std::int64_t first = sf ? sf->finding.firstTimeMs : si->incident.firstTimeMs;
    const std::int64_t last = sf ? sf->finding.lastTimeMs : si->incident.lastTimeMs;
    const std::string &summary = sf ? sf->finding.summary : si->incident.summary;
    const double score = sf ? sf->finding.score : si->incident.score;
    const bool highlighted = (!m_highlightUser.empty() || !m_highlightIp.empty())
                             && (sf ? concernsHighlight(user, sf->finding.ips)
                                    : concernsHighlight(user, {}) || (!m_highlightIp.empty() && m_rows[static_cast<std::size_t>(index.row())].ips.contains(qstr(m_highlightIp))));

    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case SeverityColumn: return severityText(severity);
        case DetectorColumn: return detector();
        case UserColumn: return user.empty() ? QStringLiteral("—") : qstr(user);
        case IpsColumn: return ipsText(ips());
        case FirstColumn: return formatTimeUtc(first);
        case LastColumn: return formatTimeUtc(last);
        case SummaryColumn: return qstr(summary);
        case TriageColumn: return QString(triageText(triage.state) + (triage.note.empty() ? QString() : QStringLiteral(" ✎")));
        case SuppressedByColumn: return sf ? qstr(sf->finding.suppressedBy) : QString();
        }
        return {};
    case SortRole:
        switch (index.column()) {
        case SeverityColumn: return static_cast<int>(severity) * 1000.0 + score;
        case DetectorColumn: return detector();
        case UserColumn: return qstr(user);
        case IpsColumn: return ips().value(0);
        case FirstColumn: return qint64(first);
        case LastColumn: return qint64(last);
        case SummaryColumn: return qstr(summary);
        case TriageColumn: return static_cast<int>(triage.state);
        case SuppressedByColumn: return sf ? qstr(sf->finding.suppressedBy) : QString();
        }
        return {};
    case Qt::ToolTipRole: {
        QString tip = QStringLiteral("<b>%1</b> · %2 · score %3<br>%4")
                          .arg(detector().toHtmlEscaped(), severityText(severity))
                          .arg(score, 0, 'f', 0)
                          .arg(qstr(summary).toHtmlEscaped());
        if (const QStringList all = ips(); index.column() == IpsColumn && all.size() > 1)
            tip += QStringLiteral("<br>IPs: %1").arg(all.join(QStringLiteral(", ")).toHtmlEscaped());
        if (suppressed)
            tip += QStringLiteral("<br><i>Suppressed by %1</i>").arg(qstr(sf->finding.suppressedBy).toHtmlEscaped());
        if (!triage.note.empty())
            tip += QStringLiteral("<br>Note: %1").arg(qstr(triage.note).toHtmlEscaped());
        return tip;
    }
    case Qt::ForegroundRole:
        if (suppressed)
            return QColor(0x8a, 0x8f, 0x98);
        return {};
    case Qt::FontRole: {
        if (!si && !suppressed && !highlighted)
            return {};
        QFont font;
        font.setBold(si != nullptr || highlighted);
        font.setItalic(suppressed);
        return font;
    }
    case Qt::BackgroundRole:
        if (highlighted)
            return QColor(0xff, 0xf1, 0xc1);
        return {};
    case RowKindRole: {
        static const QString incidentKind = QStringLiteral("incident");
        static const QString findingKind = QStringLiteral("finding");
        return si ? incidentKind : findingKind;
    }
    case FingerprintRole: return sf ? qstr(sf->finding.fingerprint) : qstr(si->incident.fingerprint);
    case RowIdRole: return sf ? qint64(sf->id) : qint64(si->id);
    case SeverityRole: return static_cast<int>(severity);
    case SuppressedRole: return suppressed;
    case TriageStateRole: return static_cast<int>(triage.state);
    case NoteRole: return qstr(triage.note);
    case UserNameRole: return qstr(user);
    case IpsRole: return ips();
    case HighlightRole: return highlighted;
    default: return {};
    }
}

QVariant FindingsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    return columnTitle(section);
}

FindingsFilterModel::FindingsFilterModel(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(SortRole);
    setRecursiveFilteringEnabled(true);
}

void FindingsFilterModel::setFilter(const Filter &filter)
{
    m_filter = filter;
    invalidateRowsFilter();
}

void FindingsFilterModel::setMinimumSeverity(Severity severity)
{
    Filter f = m_filter;
    f.minimum = severity;
    setFilter(f);
}

void FindingsFilterModel::setTriageState(std::optional<TriageState> state)
{
    Filter f = m_filter;
    f.state = state;
    setFilter(f);
}

void FindingsFilterModel::setDetector(const QString &detector)
{
    Filter f = m_filter;
    f.detector = detector;
    setFilter(f);
}

void FindingsFilterModel::setShowSuppressed(bool show)
{
    Filter f = m_filter;
    f.showSuppressed = show;
    setFilter(f);
}

bool FindingsFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QModelIndex i = sourceModel()->index(sourceRow, 0, sourceParent);
    const bool incident = i.data(FindingsModel::RowKindRole).toString() == QLatin1String("incident");
    // An incident is listed through its findings (recursive filtering), unless only it is triaged
    // the way asked for.
    if (incident) {
        if (m_filter.state && i.data(FindingsModel::TriageStateRole).toInt() == static_cast<int>(*m_filter.state)
            && m_filter.detector.isEmpty() && i.data(FindingsModel::SeverityRole).toInt() >= static_cast<int>(m_filter.minimum))
            return true;
        return false;
    }
    if (!m_filter.showSuppressed && i.data(FindingsModel::SuppressedRole).toBool())
        return false;
    if (i.data(FindingsModel::SeverityRole).toInt() < static_cast<int>(m_filter.minimum))
        return false;
    if (m_filter.state && i.data(FindingsModel::TriageStateRole).toInt() != static_cast<int>(*m_filter.state))
        return false;
    if (!m_filter.detector.isEmpty()) {
        const auto *model = static_cast<const FindingsModel *>(sourceModel());
        const StoredFinding *f = model->finding(i);
        if (!f || qstr(f->finding.detector) != m_filter.detector)
            return false;
    }
    return true;
}

} // namespace mp::ui
