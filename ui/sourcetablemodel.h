#pragma once

#include "store/casestore.h"

#include <QAbstractTableModel>

#include <vector>

namespace mp::ui {

// The imported files of a case: the chain of custody (what was read, its SHA-256, when, and
// what became of its records).
class SourceTableModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        File,
        Size,
        Sha256,
        Format,
        RecordsRead,
        Imported,
        Duplicates,
        Rejected,
        ImportedAt,
        FirstEvent,
        LastEvent,
        Encoding,
        Path,
        ColumnCount
    };

    explicit SourceTableModel(QObject *parent = nullptr);

    void setSources(std::vector<SourceFile> sources);
    const std::vector<SourceFile> &sources() const { return m_sources; }
    const SourceFile *source(std::int64_t id) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::vector<SourceFile> m_sources;
};

} // namespace mp::ui
