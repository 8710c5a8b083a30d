#pragma once

#include "ingest/csvscanner.h"
#include "ingest/fields.h"
#include "ingest/jsonsplitter.h"
#include "store/event.h"
#include "util/timeparse.h"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace mp {

// What format detection sees of a file: its structure and the names of its first record's fields.
struct Sniff
{
    std::string_view text;               // the whole decoded text
    bool isCsv = false;
    CsvHeader header;                    // CSV: the header row (after a "#TYPE" line, if any)
    bool hasTypeLine = false;            // CSV: began with PowerShell's "#TYPE ..." line
    JsonLayout layout = JsonLayout::NotJson;
    std::vector<std::string> jsonKeys;   // JSON: lower-case keys of the first record
    std::vector<std::string> nestedKeys; // JSON: lower-case keys of its "properties" object, if any

    bool hasColumn(std::string_view name) const { return header.column(name) >= 0; }
    bool hasKey(std::string_view lowerName) const;
    bool hasNestedKey(std::string_view lowerName) const;
};

Sniff sniffText(std::string_view text);

// Where a reader delivers what it read. The importer enriches, deduplicates and stores.
class ReadSink
{
public:
    virtual ~ReadSink() = default;
    virtual void record(Event &event) = 0;
    virtual void reject(std::int64_t line, std::string_view reason) = 0;
    virtual void warn(std::int64_t line, std::string_view reason) = 0;
    virtual bool cancelled() const = 0;
    virtual void progress(std::size_t bytesRead) = 0;
    // A reader's look ahead (deciding the date order) has scanned this far; nothing is read yet.
    virtual void prepassProgress(std::size_t bytesScanned) { (void)bytesScanned; }
};

struct ReadOptions
{
    DateOrder dateOrder = DateOrder::Unknown; // Unknown: decide from the file
};

struct ReadResult
{
    std::string dateOrder;     // "mdy", "dmy", or empty when the times were unambiguous
    std::string dateOrderNote; // how it was decided, for the import summary
    std::string fatal;         // set when the file as a whole cannot be read by this reader
};

// Reads one export format into events. Readers are stateless: read() may run on any thread.
class FormatReader
{
public:
    virtual ~FormatReader() = default;
    virtual const char *id() const = 0;          // stable, stored in cases: "purview-audit-csv"
    virtual const char *description() const = 0; // for people: "Purview audit search export (CSV)"
    // How sure the reader is that the file is its format: 0 no, 100 certain.
    virtual int score(const Sniff &sniff) const = 0;
    virtual ReadResult read(std::string_view text, const ReadOptions &options, ReadSink &sink) const = 0;
};

// Every known reader, in a fixed order (ties in score go to the earlier one).
const std::vector<const FormatReader *> &formatReaders();
const FormatReader *findReader(std::string_view id);
// The best reader for a text, or nullptr with the reason in *why.
const FormatReader *detectFormat(const Sniff &sniff, std::string *why);

// Base for CSV formats: scans rows, maps the header, decides the date order from the time columns
// and hands each row to normalize() as Fields.
class CsvFormatReader : public FormatReader
{
public:
    ReadResult read(std::string_view text, const ReadOptions &options, ReadSink &sink) const override;

protected:
    // Columns holding locale-formatted times whose day/month order must be decided per file.
    virtual std::vector<std::string_view> localeTimeColumns() const { return {}; }
    // Fill event from one row; return false with *reason to reject the row.
    virtual bool normalize(const Fields &row, DateOrder order, Event &event, std::string *reason) const = 0;
};

// Base for JSON formats (array, wrapped page, JSON lines): splits records, parses each one and
// hands it to normalize() as Fields.
class JsonFormatReader : public FormatReader
{
public:
    ReadResult read(std::string_view text, const ReadOptions &options, ReadSink &sink) const override;

protected:
    virtual bool normalize(const Fields &record, DateOrder order, Event &event, std::string *reason) const = 0;
};

// Registration hooks, one per family of readers (each in its own file).
void addSignInReaders(std::vector<std::unique_ptr<FormatReader>> &readers);
void addAuditReaders(std::vector<std::unique_ptr<FormatReader>> &readers);
void addMailboxReaders(std::vector<std::unique_ptr<FormatReader>> &readers);
void addDirectoryReaders(std::vector<std::unique_ptr<FormatReader>> &readers);

} // namespace mp
