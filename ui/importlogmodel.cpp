#include "ui/importlogmodel.h"

#include "ui/itemroles.h"
#include "ui/textformat.h"

#include <QApplication>
#include <QFileInfo>
#include <QStyle>

#include <algorithm>

namespace mp::ui {

ImportLogModel::ImportLogModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void ImportLogModel::replace(Origin origin, std::vector<Entry> entries)
{
    // The parts keep their order (session, case, stored); replacing one leaves the others.
    std::vector<Entry> merged;
    std::vector<Origin> origins;
    for (const Origin part : {Origin::Session, Origin::Case, Origin::Stored}) {
        if (part == origin) {
            for (Entry &e : entries) {
                merged.push_back(std::move(e));
                origins.push_back(part);
            }
            continue;
        }
        for (std::size_t i = 0; i < m_entries.size(); ++i) {
            if (m_origins[i] == part) {
                merged.push_back(m_entries[i]);
                origins.push_back(part);
            }
        }
    }
    beginResetModel();
    m_entries = std::move(merged);
    m_origins = std::move(origins);
    endResetModel();
}

void ImportLogModel::setStoredLog(const std::vector<SourceFile> &sources, const std::vector<ImportProblem> &problems)
{
    std::map<std::int64_t, std::vector<const ImportProblem *>> bySource;
    for (const ImportProblem &p : problems)
        bySource[p.sourceId].push_back(&p);
    std::vector<Entry> entries;
    entries.reserve(sources.size() + problems.size());
    for (const SourceFile &s : sources) {
        Entry file;
        file.file = qstr(s.name);
        file.path = qstr(s.path);
        file.level = Level::Info;
        file.reason = QStringLiteral("imported %1 of %2 records as %3 at %4 UTC (%5 duplicates, %6 rejected)")
                          .arg(formatCount(s.imported), formatCount(s.recordsRead), qstr(s.format),
                               formatTimeUtc(s.importedAtMs), formatCount(s.duplicates), formatCount(s.rejected));
        entries.push_back(file);
        for (const ImportProblem *p : bySource[s.id]) {
            Entry e;
            e.file = file.file;
            e.path = file.path;
            e.line = p->line;
            e.level = p->severity == "rejected" ? Level::Rejected : Level::Warning;
            e.reason = qstr(p->reason);
            entries.push_back(std::move(e));
        }
        bySource.erase(s.id);
    }
    for (const auto &[sourceId, orphans] : bySource) {
        for (const ImportProblem *p : orphans) {
            entries.push_back({QStringLiteral("source #%1").arg(sourceId), {}, p->line,
                               p->severity == "rejected" ? Level::Rejected : Level::Warning, qstr(p->reason)});
        }
    }
    replace(Origin::Stored, std::move(entries));
}

void ImportLogModel::setCaseWarnings(const std::vector<std::string> &warnings)
{
    std::vector<Entry> entries;
    for (const std::string &w : warnings)
        entries.push_back({QStringLiteral("(case)"), {}, 0, Level::Warning, qstr(w)});
    replace(Origin::Case, std::move(entries));
}

void ImportLogModel::addImportOutcome(const ImportReport &report)
{
    std::vector<Entry> session;
    for (std::size_t i = 0; i < m_entries.size(); ++i) {
        if (m_origins[i] == Origin::Session)
            session.push_back(m_entries[i]);
    }
    for (const FileReport &f : report.files) {
        Entry e;
        e.path = QString::fromStdString(f.path);
        e.file = QFileInfo(e.path).fileName();
        switch (f.status) {
        case FileReport::Status::Imported:
            continue; // the case remembers it: setStoredLog lists it
        case FileReport::Status::AlreadyImported:
            e.level = Level::Info;
            e.reason = QStringLiteral("already in the case (same SHA-256): nothing changed");
            break;
        case FileReport::Status::Cancelled:
            e.level = Level::Warning;
            e.reason = qstr(f.error);
            break;
        case FileReport::Status::Skipped:
            e.level = Level::Info; // found in a folder beside the exports: worth a line, not an error
            e.reason = QStringLiteral("skipped, %1").arg(qstr(f.error));
            break;
        default:
            e.level = Level::Error;
            e.reason = QStringLiteral("%1: %2").arg(QString::fromLatin1(statusName(f.status)), qstr(f.error));
            break;
        }
        session.push_back(std::move(e));
    }
    replace(Origin::Session, std::move(session));
    setCaseWarnings(report.warnings);
}

void ImportLogModel::addEntry(const Entry &entry)
{
    std::vector<Entry> session;
    for (std::size_t i = 0; i < m_entries.size(); ++i) {
        if (m_origins[i] == Origin::Session)
            session.push_back(m_entries[i]);
    }
    session.push_back(entry);
    replace(Origin::Session, std::move(session));
}

void ImportLogModel::clear()
{
    beginResetModel();
    m_entries.clear();
    m_origins.clear();
    endResetModel();
}

int ImportLogModel::count(Level level) const
{
    return static_cast<int>(std::count_if(m_entries.begin(), m_entries.end(),
                                          [level](const Entry &e) { return e.level == level; }));
}

QString ImportLogModel::levelText(Level level)
{
    switch (level) {
    case Level::Error:
        return QStringLiteral("error");
    case Level::Rejected:
        return QStringLiteral("rejected row");
    case Level::Warning:
        return QStringLiteral("warning");
    case Level::Info:
        return QStringLiteral("info");
    }
    return {};
}

int ImportLogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_entries.size());
}

int ImportLogModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ImportLogModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Entry &e = m_entries[static_cast<std::size_t>(index.row())];
    const auto column = static_cast<Column>(index.column());
    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case File:
            return e.file;
        case Line:
            return e.line > 0 ? formatCount(e.line) : QStringLiteral("—");
        case Severity:
            return levelText(e.level);
        case Reason:
            return e.reason;
        case ColumnCount:
            break;
        }
        return {};
    case SortRole:
        switch (column) {
        case File:
            return e.file;
        case Line:
            return QVariant::fromValue<qint64>(e.line);
        case Severity:
            return static_cast<int>(e.level);
        case Reason:
            return e.reason;
        case ColumnCount:
            break;
        }
        return {};
    case Qt::ToolTipRole: // reasons quote the file; names come from archives: text, never markup
        if (column == Reason)
            return plainToolTip(e.reason);
        if (column == File && !e.path.isEmpty())
            return plainToolTip(e.path);
        return {};
    case Qt::DecorationRole:
        if (column != Severity || !qobject_cast<QApplication *>(QCoreApplication::instance()))
            return {};
        switch (e.level) {
        case Level::Error:
            return QApplication::style()->standardIcon(QStyle::SP_MessageBoxCritical);
        case Level::Rejected:
        case Level::Warning:
            return QApplication::style()->standardIcon(QStyle::SP_MessageBoxWarning);
        case Level::Info:
            return QApplication::style()->standardIcon(QStyle::SP_MessageBoxInformation);
        }
        return {};
    case Qt::TextAlignmentRole:
        if (column == Line)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    default:
        return {};
    }
}

QVariant ImportLogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (static_cast<Column>(section)) {
    case File:
        return QStringLiteral("File");
    case Line:
        return QStringLiteral("Line");
    case Severity:
        return QStringLiteral("Severity");
    case Reason:
        return QStringLiteral("Reason");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace mp::ui
