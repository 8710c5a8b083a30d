#pragma once

#include "store/database.h"
#include "store/dedupset.h"
#include "store/event.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mp {

// One imported file, as recorded for the chain of custody.
struct SourceFile
{
    std::int64_t id = 0;
    std::string name;          // file name as given
    std::string path;          // absolute path at import time
    std::int64_t size = 0;     // bytes on disk
    std::string sha256;        // of the bytes on disk, lower-case hex
    std::string format;        // reader id, e.g. "graph-signins-json"
    std::string encoding;      // "utf-8", "utf-8-bom", "utf-16le", ...
    std::string dateOrder;     // "mdy", "dmy" or "" when the format has unambiguous times
    std::string dateOrderNote; // how the order was decided
    std::int64_t importedAtMs = 0;
    std::int64_t recordsRead = 0; // every record seen: imported + duplicates + rejected
    std::int64_t imported = 0;
    std::int64_t duplicates = 0;
    std::int64_t rejected = 0;
    std::int64_t firstTimeMs = kNoTime;
    std::int64_t lastTimeMs = kNoTime;
    std::int64_t textSize = 0; // bytes of decoded UTF-8 text kept in the case
};

// A problem found while importing: a rejected row, or a warning about the file as a whole (line 0).
struct ImportProblem
{
    std::int64_t sourceId = 0;
    std::int64_t line = 0;
    std::string severity; // "rejected" or "warning"
    std::string reason;
};

struct EventFilter
{
    std::string user;      // exact, lower case
    std::string ip;        // exact, normalised
    std::string operation; // case-insensitive exact
    std::int64_t fromMs = kNoTime;
    std::int64_t toMs = kNoTime;   // exclusive
    std::vector<EventKind> kinds;  // empty: all kinds
    std::int64_t limit = -1;
    std::int64_t offset = 0;
};

struct StoredEvent
{
    std::int64_t id = 0;
    Event event;
};

// The case file: one SQLite database per case holding sources, events and later findings.
// One import is one transaction: a file that fails leaves nothing behind.
class CaseStore
{
public:
    static constexpr int kSchemaVersion = 3;
    static constexpr std::size_t kTextChunkSize = 1 << 20;
    // SQLite page cache, in KiB: in normal use, during a bulk import, and while a bulk import
    // sorts its index keys. SQLite sorts in runs of the cache's size but of 250 pages at least,
    // so the last is simply "as small as allowed": 4 MiB runs with the 16 KiB pages of new cases.
    static constexpr int kCacheKiB = 64 << 10;
    static constexpr int kBulkCacheKiB = 8 << 10;
    static constexpr int kSortCacheKiB = 2 << 10;

    CaseStore() = default;
    ~CaseStore();
    CaseStore(const CaseStore &) = delete;
    CaseStore &operator=(const CaseStore &) = delete;

    // Opens (creating when asked) and migrates the case to the current schema.
    bool open(const std::string &path, bool create, std::string *error);
    void close();
    bool isOpen() const { return m_db.isOpen(); }
    const std::string &path() const { return m_path; }
    int schemaVersion();
    Database &database() { return m_db; }

    std::optional<SourceFile> sourceBySha256(const std::string &sha256);
    std::optional<SourceFile> source(std::int64_t id);
    std::vector<SourceFile> sources();
    std::vector<ImportProblem> problems(std::int64_t sourceId = 0);

    // Import protocol: beginImport, then insertEvent/addProblem/storeSourceText any number of
    // times, then finishImport (commit) or abortImport (rollback). text is the decoded file, kept
    // compressed so that every event can show its original record; it must stay valid until the
    // import ends. storeSourceText lets the caller store it as parsing advances, so that a huge
    // memory-mapped file need not be resident all at once; finishImport stores the rest.
    // bulk: the file is large next to the case; secondary indexes are dropped for the import and
    // rebuilt (sorted, much faster than row-by-row upkeep) before it commits.
    bool beginImport(SourceFile &source, std::string_view text, std::string *error, bool bulk = false);
    bool storeSourceText(std::size_t upTo, std::string *error);
    std::size_t sourceTextStored() const { return m_textStored; }
    enum class InsertResult { Inserted, Duplicate, Failed };
    InsertResult insertEvent(const Event &event);
    void addProblem(std::int64_t line, std::string_view severity, std::string_view reason);
    bool finishImport(const SourceFile &source, std::string *error);
    void abortImport();
    bool importing() const { return m_importing; }

    std::int64_t eventCount();
    void forEachEvent(const EventFilter &filter, const std::function<bool(const StoredEvent &)> &visit);
    std::optional<StoredEvent> event(std::int64_t id);
    // The original text of a record exactly as it stood in its source file.
    std::optional<std::string> rawRecord(std::int64_t eventId);
    std::optional<std::string> sourceText(std::int64_t sourceId, std::uint64_t offset, std::uint64_t length);

    static std::uint64_t dedupKey(const Event &event, std::string_view rawText);

    // A bulk import checks record keys in memory up to this many (3M keys: a 32 MiB table, about
    // a 2.5 GB export), then lets the unique index take over. Tests lower it.
    static constexpr std::size_t kDedupKeyLimit = 3'000'000;
    void setDedupKeyLimit(std::size_t keys) { m_dedupKeyLimit = keys; }

private:
    bool migrate(std::string *error);
    void prepareInsertEvent();
    bool buildIndexes(std::size_t count, std::string *failed = nullptr);
    bool setCacheKiB(int kib);
    bool spillDedup();
    bool switchJournal(const char *mode);
    void restoreConnection();

    Database m_db;
    std::string m_path;
    bool m_importing = false;
    bool m_bulk = false;
    DedupSet m_dedup; // bulk imports: the keys in the case and this file so far
    bool m_dedupInMemory = false; // duplicates are caught by m_dedup, the unique index is dropped
    std::size_t m_dedupKeyLimit = kDedupKeyLimit;
    bool m_journalSwitched = false;
    bool m_foreignKeysOff = false;
    std::string m_compressed; // reused for each chunk of source text
    std::int64_t m_importSource = 0;
    std::string_view m_importText;
    std::size_t m_textStored = 0;
    Statement m_insertText;
    void *m_compressor = nullptr;
    Statement m_insertEvent;
    Statement m_insertProblem;
    int m_problemsStored = 0;
};

} // namespace mp
