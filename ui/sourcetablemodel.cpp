#include "ui/sourcetablemodel.h"

#include "ui/itemroles.h"
#include "ui/textformat.h"

#include <QFontDatabase>

namespace mp::ui {

SourceTableModel::SourceTableModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void SourceTableModel::setSources(std::vector<SourceFile> sources)
{
    beginResetModel();
    m_sources = std::move(sources);
    endResetModel();
}

const SourceFile *SourceTableModel::source(std::int64_t id) const
{
    for (const SourceFile &s : m_sources) {
        if (s.id == id)
            return &s;
    }
    return nullptr;
}

int SourceTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_sources.size());
}

int SourceTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant SourceTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const SourceFile &s = m_sources[static_cast<std::size_t>(index.row())];
    const auto column = static_cast<Column>(index.column());
    if (role == SourceIdRole)
        return QVariant::fromValue<qint64>(s.id);
    if (role == SortRole) {
        switch (column) {
        case File:
            return qstr(s.name);
        case Size:
            return QVariant::fromValue<qint64>(s.size);
        case Sha256:
            return qstr(s.sha256);
        case Format:
            return qstr(s.format);
        case RecordsRead:
            return QVariant::fromValue<qint64>(s.recordsRead);
        case Imported:
            return QVariant::fromValue<qint64>(s.imported);
        case Duplicates:
            return QVariant::fromValue<qint64>(s.duplicates);
        case Rejected:
            return QVariant::fromValue<qint64>(s.rejected);
        case ImportedAt:
            return QVariant::fromValue<qint64>(s.importedAtMs);
        case FirstEvent:
            return QVariant::fromValue<qint64>(s.firstTimeMs);
        case LastEvent:
            return QVariant::fromValue<qint64>(s.lastTimeMs);
        case Encoding:
            return qstr(s.encoding);
        case Path:
            return qstr(s.path);
        case ColumnCount:
            break;
        }
        return {};
    }
    if (role == Qt::DisplayRole) {
        switch (column) {
        case File:
            return qstr(s.name);
        case Size:
            return formatBytes(s.size);
        case Sha256:
            return qstr(s.sha256);
        case Format:
            return qstr(s.format);
        case RecordsRead:
            return formatCount(s.recordsRead);
        case Imported:
            return formatCount(s.imported);
        case Duplicates:
            return formatCount(s.duplicates);
        case Rejected:
            return formatCount(s.rejected);
        case ImportedAt:
            return formatTimeUtc(s.importedAtMs);
        case FirstEvent:
            return formatTimeUtc(s.firstTimeMs);
        case LastEvent:
            return formatTimeUtc(s.lastTimeMs);
        case Encoding: {
            QString text = qstr(s.encoding);
            if (!s.dateOrder.empty())
                text += QStringLiteral(", dates ") + qstr(s.dateOrder);
            return text;
        }
        case Path:
            return qstr(s.path);
        case ColumnCount:
            break;
        }
        return {};
    }
    if (role == Qt::ToolTipRole) {
        switch (column) {
        case Size:
            return QStringLiteral("%1 bytes").arg(formatCount(s.size));
        case Sha256:
            return QStringLiteral("SHA-256 of the file as read: %1").arg(qstr(s.sha256));
        case Encoding:
            return s.dateOrderNote.empty() ? QVariant() : QVariant(plainToolTip(qstr(s.dateOrderNote)));
        case ImportedAt:
        case FirstEvent:
        case LastEvent:
            return formatTimeIso(column == ImportedAt ? s.importedAtMs : column == FirstEvent ? s.firstTimeMs : s.lastTimeMs);
        case File:
        case Path:
            return plainToolTip(qstr(s.path)); // archive member names are the archive's: text only
        default:
            return {};
        }
    }
    if (role == Qt::FontRole && column == Sha256)
        return QFontDatabase::systemFont(QFontDatabase::FixedFont);
    if (role == Qt::TextAlignmentRole) {
        switch (column) {
        case Size:
        case RecordsRead:
        case Imported:
        case Duplicates:
        case Rejected:
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        default:
            return {};
        }
    }
    return {};
}

QVariant SourceTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (static_cast<Column>(section)) {
    case File:
        return QStringLiteral("File");
    case Size:
        return QStringLiteral("Size");
    case Sha256:
        return QStringLiteral("SHA-256");
    case Format:
        return QStringLiteral("Format");
    case RecordsRead:
        return QStringLiteral("Read");
    case Imported:
        return QStringLiteral("Imported");
    case Duplicates:
        return QStringLiteral("Duplicates");
    case Rejected:
        return QStringLiteral("Rejected");
    case ImportedAt:
        return QStringLiteral("Imported at (UTC)");
    case FirstEvent:
        return QStringLiteral("First event");
    case LastEvent:
        return QStringLiteral("Last event");
    case Encoding:
        return QStringLiteral("Encoding");
    case Path:
        return QStringLiteral("Path at import");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace mp::ui
