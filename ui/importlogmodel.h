#pragma once

#include "ingest/importer.h"

#include <QAbstractTableModel>
#include <QString>

#include <map>
#include <vector>

namespace mp::ui {

// Everything an import had to say, as one table (file, line, severity, reason) rather than a
// pile of dialogs: the rejected rows and warnings kept in the case, the outcome of each file
// imported in this session, the warnings about the case as a whole (gaps, overlaps, capped
// exports) and problems of the set-up (no GeoIP data).
class ImportLogModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { File, Line, Severity, Reason, ColumnCount };
    // Ordered by weight: sorting on the severity puts errors first.
    enum class Level { Error, Rejected, Warning, Info };

    struct Entry
    {
        QString file; // file name, or "(case)" / "(GeoIP)" for problems not about one file
        QString path; // full path when known
        qint64 line = 0; // 0: the file as a whole
        Level level = Level::Info;
        QString reason;
    };

    explicit ImportLogModel(QObject *parent = nullptr);

    // What the case remembers of its imports: one line per imported file (when, how many records,
    // as what format) followed by the rejected rows and warnings kept for it.
    void setStoredLog(const std::vector<SourceFile> &sources, const std::vector<ImportProblem> &problems);
    // Case-wide warnings; each import recomputes them, so they replace the previous ones.
    void setCaseWarnings(const std::vector<std::string> &warnings);
    // The outcome of the files of an import in this session that the case does not remember:
    // already imported, unreadable, unrecognised, failed, cancelled. Files that were imported
    // come through setStoredLog with their rejected rows.
    void addImportOutcome(const ImportReport &report);
    void addEntry(const Entry &entry);
    void clear();

    const std::vector<Entry> &entries() const { return m_entries; }
    int count(Level level) const;
    static QString levelText(Level level);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    enum class Origin { Stored, Case, Session };
    void replace(Origin origin, std::vector<Entry> entries);

    // Kept in display order: session outcomes (newest last), then case warnings, then the
    // problems stored in the case.
    std::vector<Entry> m_entries;
    std::vector<Origin> m_origins;
};

} // namespace mp::ui
