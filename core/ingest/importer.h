#pragma once

#include "store/casestore.h"
#include "util/timeparse.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace mp {

class GeoDb;

struct ImportOptions
{
    DateOrder dateOrder = DateOrder::Unknown; // Unknown: decided per file
    std::string format;                       // a reader id to skip detection; empty: detect
    const GeoDb *geo = nullptr;               // enrichment; nullptr: none
    const std::atomic_bool *cancel = nullptr;
    // Called now and then from the importing thread: file index, bytes done, bytes in the file,
    // records read so far.
    std::function<void(std::size_t, std::uint64_t, std::uint64_t, std::int64_t)> progress;
    std::size_t reasonsKept = 5; // rejection reasons kept per file in the report
    // Files larger than this (and than the case) import in bulk mode: indexes rebuilt at the end,
    // duplicates caught in memory, rows written once. Zero makes every import a bulk one (tests
    // use it to exercise that path on small files).
    std::size_t bulkBytes = 32 << 20;
};

struct FileReport
{
    enum class Status {
        Imported,        // read and committed (possibly with rejected rows)
        AlreadyImported, // the same bytes were imported before: nothing changed
        Unreadable,      // could not be opened or read
        Unrecognised,    // no reader knows the format
        Failed,          // the case could not store it: rolled back
        Cancelled,       // the user cancelled: rolled back
        Skipped,         // found in a folder, and not a log export (empty, binary, no known format)
    };
    std::string path;
    Status status = Status::Failed;
    std::string error; // why, when not Imported
    SourceFile source; // format, counts, times, date order, sha256
    std::string formatDescription;
    std::vector<ImportProblem> firstRejections; // the first few rejected rows (line, reason)
    std::vector<ImportProblem> warnings;        // about the file as a whole or a line
    std::int64_t unplacedIps = 0;               // addresses GeoIP could not place
};

const char *statusName(FileReport::Status status);

struct ImportReport
{
    std::vector<FileReport> files;
    std::vector<std::string> warnings; // across files and the whole case (gaps, overlaps, caps)
    bool allRead() const;
};

// A file to import: named by the user, or found in a folder the user named.
struct ImportFile
{
    std::string path;
    bool inFolder = false;
    std::string unreadable; // set when a folder (path) could not be listed: why
};

// The files behind the paths a user gave: a file as it is; a folder walked through its subfolders
// (an Azure Monitor storage export is a tree of PT1H.json files), its regular files in path
// order, leaving out hidden ones (".name") and the case's own files (casePath and its -wal,
// -shm and -journal). A folder that cannot be listed, or holds no file, is reported as such.
std::vector<ImportFile> collectImportFiles(const std::vector<std::string> &paths, const std::string &casePath = {});

// Imports files into the case, one transaction per file. A file that cannot be read, is not
// recognised or fails to store is reported and leaves the case as it was; the others still import.
// A file found in a folder that is not a log export is reported as skipped, not as an error.
ImportReport importFiles(CaseStore &store, const std::vector<ImportFile> &files, const ImportOptions &options);
// collectImportFiles(paths, the case's path), then importFiles.
ImportReport importFiles(CaseStore &store, const std::vector<std::string> &paths, const ImportOptions &options);

} // namespace mp
