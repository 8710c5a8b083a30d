#include "store/casestore.h"

#include <sqlite3.h>
#define XXH_STATIC_LINKING_ONLY
#include <xxhash.h>
#include <zstd.h>

#include <chrono>
#include <algorithm>
#include <cstring>

namespace mp {

namespace {

// Ordered migrations: entry i takes the schema from version i to i + 1. Never edit a shipped entry.
const char *const kMigrations[] = {
    R"SQL(
CREATE TABLE sources(
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    path TEXT,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL UNIQUE,
    format TEXT NOT NULL,
    encoding TEXT,
    date_order TEXT,
    date_order_note TEXT,
    imported_at INTEGER NOT NULL,
    records_read INTEGER NOT NULL DEFAULT 0,
    imported INTEGER NOT NULL DEFAULT 0,
    duplicates INTEGER NOT NULL DEFAULT 0,
    rejected INTEGER NOT NULL DEFAULT 0,
    first_time INTEGER,
    last_time INTEGER,
    text_size INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE source_text(
    source_id INTEGER NOT NULL REFERENCES sources(id),
    seq INTEGER NOT NULL,
    raw_size INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY(source_id, seq)
) WITHOUT ROWID;
CREATE TABLE import_problems(
    source_id INTEGER NOT NULL REFERENCES sources(id),
    line INTEGER NOT NULL,
    severity TEXT NOT NULL,
    reason TEXT NOT NULL
);
CREATE TABLE events(
    id INTEGER PRIMARY KEY,
    dedup_key INTEGER NOT NULL,
    kind INTEGER NOT NULL,
    time INTEGER,
    record_id TEXT,
    user TEXT,
    ip TEXT,
    operation TEXT,
    workload TEXT,
    record_type TEXT,
    app TEXT,
    client_app TEXT,
    user_agent TEXT,
    result_code INTEGER,
    result_status TEXT,
    risk_level TEXT,
    risk_state TEXT,
    risk_event_types TEXT,
    is_risky INTEGER,
    is_interactive INTEGER,
    country TEXT,
    city TEXT,
    latitude REAL,
    longitude REAL,
    geo_source INTEGER NOT NULL DEFAULT 0,
    asn INTEGER,
    as_org TEXT,
    session_id TEXT,
    correlation_id TEXT,
    subject TEXT,
    message_id TEXT,
    size_bytes INTEGER,
    sender TEXT,
    recipients TEXT,
    rule_name TEXT,
    parameters TEXT,
    forward_targets TEXT,
    object_id TEXT,
    source_id INTEGER NOT NULL REFERENCES sources(id),
    line INTEGER NOT NULL,
    raw_offset INTEGER NOT NULL,
    raw_length INTEGER NOT NULL
);
CREATE UNIQUE INDEX events_dedup ON events(dedup_key);
CREATE INDEX events_time ON events(time);
CREATE INDEX events_user_time ON events(user, time);
CREATE INDEX events_ip_time ON events(ip, time);
CREATE INDEX events_operation_time ON events(operation COLLATE NOCASE, time);
)SQL",
    // 2: detection. Findings belong to the latest run and are replaced by the next; triage is
    // keyed by the finding's stable fingerprint so that it outlives the findings it was given to.
    R"SQL(
CREATE TABLE detection_runs(
    id INTEGER PRIMARY KEY,
    started_at INTEGER NOT NULL,
    finished_at INTEGER NOT NULL,
    profile TEXT NOT NULL,
    tuning TEXT,
    engine_version TEXT NOT NULL,
    event_count INTEGER NOT NULL DEFAULT 0,
    finding_count INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE incidents(
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES detection_runs(id),
    position INTEGER NOT NULL,
    user TEXT,
    severity TEXT NOT NULL
        CHECK(severity IN ('informational','low','medium','high','critical')),
    score REAL NOT NULL DEFAULT 0,
    first_time INTEGER,
    last_time INTEGER,
    summary TEXT NOT NULL,
    details TEXT,
    fingerprint TEXT NOT NULL
);
CREATE TABLE findings(
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES detection_runs(id),
    position INTEGER NOT NULL,
    detector TEXT NOT NULL,
    severity TEXT NOT NULL
        CHECK(severity IN ('informational','low','medium','high','critical')),
    score REAL NOT NULL DEFAULT 0,
    user TEXT,
    ips TEXT,
    first_time INTEGER,
    last_time INTEGER,
    summary TEXT NOT NULL,
    details TEXT,
    suppressed_by TEXT,
    incident_id INTEGER REFERENCES incidents(id),
    fingerprint TEXT NOT NULL
);
CREATE INDEX findings_run ON findings(run_id, position);
CREATE INDEX findings_fingerprint ON findings(fingerprint);
CREATE INDEX findings_user ON findings(user, first_time);
CREATE TABLE finding_evidence(
    finding_id INTEGER NOT NULL REFERENCES findings(id),
    position INTEGER NOT NULL,
    event_id INTEGER NOT NULL REFERENCES events(id),
    PRIMARY KEY(finding_id, position)
) WITHOUT ROWID;
CREATE INDEX finding_evidence_event ON finding_evidence(event_id);
CREATE TABLE triage(
    fingerprint TEXT PRIMARY KEY,
    state TEXT NOT NULL CHECK(state IN ('new','true-positive','false-positive','benign')),
    note TEXT,
    updated_at INTEGER NOT NULL
) WITHOUT ROWID;
)SQL",
    // 3: the token id gets its own column. Until now the unified audit log's UniqueTokenId was
    // kept in correlation_id, where sign-ins keep their correlationId, so a sign-in and the
    // audit records of its token could not be joined. The audit readers stored nothing else
    // there: move it. (A sign-in's correlation_id may hold its uniqueTokenIdentifier when the
    // export had no correlationId; which one it is cannot be told afterwards, so it stays.)
    R"SQL(
ALTER TABLE events ADD COLUMN token_id TEXT;
UPDATE events SET token_id = correlation_id, correlation_id = NULL
    WHERE correlation_id IS NOT NULL AND source_id IN (SELECT id FROM sources WHERE format IN
        ('purview-audit-csv', 'classic-audit-csv', 'management-api-json',
         'sentinel-officeactivity-csv', 'sentinel-officeactivity-json'));
)SQL",
};

// The indexes on events as the current schema defines them, dropped and rebuilt by bulk imports:
// sorting a million keys once at the end is far cheaper than a million random B-tree inserts.
// While events_dedup is dropped, the import checks its keys against a DedupSet instead. Keep in
// step with the migrations above.
constexpr const char *kEventIndexes[][2] = {
    {"events_dedup", "CREATE UNIQUE INDEX IF NOT EXISTS events_dedup ON events(dedup_key)"},
    {"events_time", "CREATE INDEX IF NOT EXISTS events_time ON events(time)"},
    {"events_user_time", "CREATE INDEX IF NOT EXISTS events_user_time ON events(user, time)"},
    {"events_ip_time", "CREATE INDEX IF NOT EXISTS events_ip_time ON events(ip, time)"},
    {"events_operation_time", "CREATE INDEX IF NOT EXISTS events_operation_time ON events(operation COLLATE NOCASE, time)"},
};

constexpr int kMigrationCount = sizeof(kMigrations) / sizeof(kMigrations[0]);
static_assert(kMigrationCount == CaseStore::kSchemaVersion);

// The event columns in insert/select order, after id and dedup_key.
constexpr const char *kEventColumns =
    "kind, time, record_id, user, ip, operation, workload, record_type, app, client_app, "
    "user_agent, result_code, result_status, risk_level, risk_state, risk_event_types, is_risky, "
    "is_interactive, country, city, latitude, longitude, geo_source, asn, as_org, session_id, "
    "correlation_id, token_id, subject, message_id, size_bytes, sender, recipients, rule_name, "
    "parameters, forward_targets, object_id, source_id, line, raw_offset, raw_length";
constexpr int kEventColumnCount = 41;

std::int64_t nowMs()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

void bindOptionalInt(Statement &s, int index, std::int64_t value, std::int64_t none)
{
    if (value == none)
        s.bindNull(index);
    else
        s.bind(index, value);
}

void bindTristate(Statement &s, int index, int value)
{
    if (value < 0)
        s.bindNull(index);
    else
        s.bind(index, value);
}

// The event outlives the statement's step, so its text is bound without copying.
void bindEvent(Statement &s, int first, const Event &e)
{
    int i = first;
    s.bind(i++, static_cast<int>(e.kind));
    bindOptionalInt(s, i++, e.timeMs, kNoTime);
    s.bindStatic(i++, e.recordId);
    s.bindStatic(i++, e.user);
    s.bindStatic(i++, e.ip);
    s.bindStatic(i++, e.operation);
    s.bindStatic(i++, e.workload);
    s.bindStatic(i++, e.recordType);
    s.bindStatic(i++, e.app);
    s.bindStatic(i++, e.clientApp);
    s.bindStatic(i++, e.userAgent);
    bindOptionalInt(s, i++, e.resultCode, kNoResult);
    s.bindStatic(i++, e.resultStatus);
    s.bindStatic(i++, e.riskLevel);
    s.bindStatic(i++, e.riskState);
    s.bindStatic(i++, e.riskEventTypes);
    bindTristate(s, i++, e.isRisky);
    bindTristate(s, i++, e.isInteractive);
    s.bindStatic(i++, e.country);
    s.bindStatic(i++, e.city);
    if (e.hasCoordinates()) {
        s.bind(i++, e.latitude);
        s.bind(i++, e.longitude);
    } else {
        s.bindNull(i++);
        s.bindNull(i++);
    }
    s.bind(i++, static_cast<int>(e.geoSource));
    bindOptionalInt(s, i++, e.asn, 0);
    s.bindStatic(i++, e.asOrg);
    s.bindStatic(i++, e.sessionId);
    s.bindStatic(i++, e.correlationId);
    s.bindStatic(i++, e.tokenId);
    s.bindStatic(i++, e.subject);
    s.bindStatic(i++, e.messageId);
    bindOptionalInt(s, i++, e.sizeBytes, -1);
    s.bindStatic(i++, e.sender);
    s.bindStatic(i++, e.recipients);
    s.bindStatic(i++, e.ruleName);
    s.bindStatic(i++, e.parameters);
    s.bindStatic(i++, e.forwardTargets);
    s.bindStatic(i++, e.objectId);
    s.bind(i++, e.sourceId);
    s.bind(i++, e.line);
    s.bind(i++, static_cast<std::int64_t>(e.rawOffset));
    s.bind(i++, static_cast<std::int64_t>(e.rawLength));
}

// Reads the columns written by bindEvent, starting at column `first`.
Event readEvent(const Statement &s, int first)
{
    Event e;
    int i = first;
    auto optInt = [&](std::int64_t none) {
        const int c = i++;
        return s.isNull(c) ? none : s.int64(c);
    };
    e.kind = static_cast<EventKind>(s.int64(i++));
    e.timeMs = optInt(kNoTime);
    e.recordId = s.text(i++);
    e.user = s.text(i++);
    e.ip = s.text(i++);
    e.operation = s.text(i++);
    e.workload = s.text(i++);
    e.recordType = s.text(i++);
    e.app = s.text(i++);
    e.clientApp = s.text(i++);
    e.userAgent = s.text(i++);
    e.resultCode = optInt(kNoResult);
    e.resultStatus = s.text(i++);
    e.riskLevel = s.text(i++);
    e.riskState = s.text(i++);
    e.riskEventTypes = s.text(i++);
    e.isRisky = static_cast<int>(optInt(-1));
    e.isInteractive = static_cast<int>(optInt(-1));
    e.country = s.text(i++);
    e.city = s.text(i++);
    if (!s.isNull(i))
        e.latitude = s.real(i);
    ++i;
    if (!s.isNull(i))
        e.longitude = s.real(i);
    ++i;
    e.geoSource = static_cast<GeoSource>(s.int64(i++));
    e.asn = static_cast<std::uint32_t>(optInt(0));
    e.asOrg = s.text(i++);
    e.sessionId = s.text(i++);
    e.correlationId = s.text(i++);
    e.tokenId = s.text(i++);
    e.subject = s.text(i++);
    e.messageId = s.text(i++);
    e.sizeBytes = optInt(-1);
    e.sender = s.text(i++);
    e.recipients = s.text(i++);
    e.ruleName = s.text(i++);
    e.parameters = s.text(i++);
    e.forwardTargets = s.text(i++);
    e.objectId = s.text(i++);
    e.sourceId = s.int64(i++);
    e.line = s.int64(i++);
    e.rawOffset = static_cast<std::uint64_t>(s.int64(i++));
    e.rawLength = static_cast<std::uint64_t>(s.int64(i++));
    return e;
}

SourceFile readSource(const Statement &s)
{
    SourceFile f;
    f.id = s.int64(0);
    f.name = s.text(1);
    f.path = s.text(2);
    f.size = s.int64(3);
    f.sha256 = s.text(4);
    f.format = s.text(5);
    f.encoding = s.text(6);
    f.dateOrder = s.text(7);
    f.dateOrderNote = s.text(8);
    f.importedAtMs = s.int64(9);
    f.recordsRead = s.int64(10);
    f.imported = s.int64(11);
    f.duplicates = s.int64(12);
    f.rejected = s.int64(13);
    f.firstTimeMs = s.isNull(14) ? kNoTime : s.int64(14);
    f.lastTimeMs = s.isNull(15) ? kNoTime : s.int64(15);
    f.textSize = s.int64(16);
    return f;
}

constexpr const char *kSourceColumns =
    "id, name, path, size, sha256, format, encoding, date_order, date_order_note, imported_at, "
    "records_read, imported, duplicates, rejected, first_time, last_time, text_size";

void setError(std::string *error, std::string text)
{
    if (error)
        *error = std::move(text);
}

} // namespace

const char *eventKindName(EventKind kind)
{
    switch (kind) {
    case EventKind::SignIn:
        return "signin";
    case EventKind::Audit:
        return "audit";
    case EventKind::Message:
        return "message";
    case EventKind::RuleSnapshot:
        return "rule-snapshot";
    }
    return "unknown";
}

CaseStore::~CaseStore()
{
    close();
}

bool CaseStore::open(const std::string &path, bool create, std::string *error)
{
    close();
    if (!m_db.open(path, create)) {
        setError(error, path + ": cannot open case: " + m_db.errorMessage());
        m_db.close();
        return false;
    }
    m_path = path;
    // A case that is not a Mailpivot case (or not SQLite at all) fails here, before any change.
    Statement probe(m_db, "SELECT count(*) FROM sqlite_master");
    if (!probe.isValid() || !probe.step()) {
        setError(error, path + ": not a case file: " + m_db.errorMessage());
        close();
        return false;
    }
    probe = Statement();
    // 16 KiB pages (effective for a new case only). SQLite's sorter never sorts runs of fewer than
    // 250 pages, so the page size sets the smallest run an index build can sort in memory: 4 MiB
    // runs fit the CPU's cache and sort about twice as fast as the 16 MiB runs of 64 KiB pages,
    // and rows of a few hundred bytes still pack well (see buildIndexes()).
    if (!m_db.exec("PRAGMA page_size=16384; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                   "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;") || !setCacheKiB(kCacheKiB)) {
        setError(error, path + ": " + m_db.errorMessage());
        close();
        return false;
    }
    if (!migrate(error)) {
        close();
        return false;
    }
    return true;
}

void CaseStore::close()
{
    if (m_importing)
        abortImport();
    m_insertEvent = Statement();
    m_insertProblem = Statement();
    m_insertText = Statement();
    ZSTD_freeCCtx(static_cast<ZSTD_CCtx *>(m_compressor));
    m_compressor = nullptr;
    m_db.close();
}

int CaseStore::schemaVersion()
{
    Statement s(m_db, "PRAGMA user_version");
    return s.step() ? static_cast<int>(s.int64(0)) : -1;
}

bool CaseStore::migrate(std::string *error)
{
    const int version = schemaVersion();
    if (version > kSchemaVersion) {
        setError(error, m_path + ": case was written by a newer Mailpivot (schema "
                            + std::to_string(version) + ", this version reads up to "
                            + std::to_string(kSchemaVersion) + ")");
        return false;
    }
    if (version == 0) {
        // A non-empty database without our version is somebody else's file: refuse to touch it.
        Statement tables(m_db, "SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'");
        if (tables.step() && tables.int64(0) > 0) {
            setError(error, m_path + ": not a Mailpivot case (unknown tables, no schema version)");
            return false;
        }
    }
    for (int v = version; v < kSchemaVersion; ++v) {
        if (!m_db.exec("BEGIN IMMEDIATE"))
            break;
        const std::string sql = std::string(kMigrations[v]) + "PRAGMA user_version=" + std::to_string(v + 1) + ";";
        if (!m_db.exec(sql)) {
            setError(error, m_path + ": migration to schema " + std::to_string(v + 1)
                                + " failed: " + m_db.errorMessage());
            m_db.exec("ROLLBACK");
            return false;
        }
        if (!m_db.exec("COMMIT")) {
            setError(error, m_path + ": " + m_db.errorMessage());
            return false;
        }
    }
    return schemaVersion() == kSchemaVersion;
}

std::optional<SourceFile> CaseStore::sourceBySha256(const std::string &sha256)
{
    Statement s(m_db, std::string("SELECT ") + kSourceColumns + " FROM sources WHERE sha256 = ?");
    s.bind(1, sha256);
    if (s.step())
        return readSource(s);
    return std::nullopt;
}

std::optional<SourceFile> CaseStore::source(std::int64_t id)
{
    Statement s(m_db, std::string("SELECT ") + kSourceColumns + " FROM sources WHERE id = ?");
    s.bind(1, id);
    if (s.step())
        return readSource(s);
    return std::nullopt;
}

std::vector<SourceFile> CaseStore::sources()
{
    std::vector<SourceFile> result;
    Statement s(m_db, std::string("SELECT ") + kSourceColumns + " FROM sources ORDER BY id");
    while (s.step())
        result.push_back(readSource(s));
    return result;
}

std::vector<ImportProblem> CaseStore::problems(std::int64_t sourceId)
{
    std::vector<ImportProblem> result;
    Statement s(m_db, "SELECT source_id, line, severity, reason FROM import_problems "
                      "WHERE ?1 = 0 OR source_id = ?1 ORDER BY source_id, rowid");
    s.bind(1, sourceId);
    while (s.step())
        result.push_back({s.int64(0), s.int64(1), s.text(2), s.text(3)});
    return result;
}

bool CaseStore::beginImport(SourceFile &source, std::string_view text, std::string *error, bool bulk)
{
    if (m_importing) {
        setError(error, "an import is already running on this case");
        return false;
    }
    // A bulk import writes mostly new pages. In WAL mode each is written twice (the log, then the
    // checkpoint); a rollback journal keeps only the pages that existed before, so the rows are
    // written once and a failed import still rolls back whole. The switch only happens when no
    // other connection has the case open; otherwise the import simply runs in WAL mode.
    m_journalSwitched = bulk && switchJournal("delete");
    // Every event row of the import names the source row inserted below, so checking the foreign
    // key on each of a million rows proves nothing; the pragma is a no-op inside a transaction,
    // hence here.
    if (bulk) {
        m_foreignKeysOff = m_db.exec("PRAGMA foreign_keys=OFF");
        // Rows are appended, so the page cache holds little worth keeping: a small one keeps
        // memory down at no cost in speed.
        setCacheKiB(kBulkCacheKiB);
    }
    if (!m_db.exec("BEGIN IMMEDIATE")) {
        setError(error, m_path + ": cannot start import: " + m_db.errorMessage());
        restoreConnection();
        return false;
    }
    m_importing = true;
    m_bulk = bulk;
    m_dedup.clear();
    m_dedupInMemory = false;
    if (bulk) {
        // Every key already in the case, read from the index before it is dropped, plus room for
        // the records of this file (about 800 bytes each) so that the table is not regrown. A
        // case too big for the set keeps its unique index and dedupes through it.
        const auto existing = static_cast<std::size_t>(eventCount());
        m_dedupInMemory = existing < m_dedupKeyLimit;
        if (m_dedupInMemory) {
            m_dedup.reserve(std::min(m_dedupKeyLimit, existing + text.size() / 800));
            Statement keys(m_db, "SELECT dedup_key FROM events");
            while (keys.step())
                m_dedup.insert(static_cast<std::uint64_t>(keys.int64(0)));
            if (!keys.isValid() || keys.failed()) {
                setError(error, m_path + ": cannot read the case's record keys: " + m_db.errorMessage());
                abortImport();
                return false;
            }
        }
        for (const auto &index : kEventIndexes) {
            if (!m_dedupInMemory && std::string_view(index[0]) == "events_dedup")
                continue;
            if (!m_db.exec(std::string("DROP INDEX IF EXISTS ") + index[0])) {
                setError(error, m_path + ": " + m_db.errorMessage());
                abortImport();
                return false;
            }
        }
    }
    source.importedAtMs = nowMs();
    source.textSize = static_cast<std::int64_t>(text.size());
    Statement ins(m_db, "INSERT INTO sources(name, path, size, sha256, format, encoding, date_order, "
                        "date_order_note, imported_at, text_size) VALUES(?,?,?,?,?,?,?,?,?,?)");
    ins.bind(1, source.name, false);
    ins.bind(2, source.path);
    ins.bind(3, source.size);
    ins.bind(4, source.sha256, false);
    ins.bind(5, source.format, false);
    ins.bind(6, source.encoding);
    ins.bind(7, source.dateOrder);
    ins.bind(8, source.dateOrderNote);
    ins.bind(9, source.importedAtMs);
    ins.bind(10, source.textSize);
    if (!ins.run()) {
        setError(error, m_path + ": cannot record source: " + m_db.errorMessage());
        abortImport();
        return false;
    }
    source.id = m_db.lastInsertId();
    m_importSource = source.id;
    m_importText = text;
    m_problemsStored = 0;
    m_textStored = 0;
    m_insertText = Statement(m_db, "INSERT INTO source_text(source_id, seq, raw_size, data) VALUES(?,?,?,?)");
    if (!m_compressor)
        m_compressor = ZSTD_createCCtx();
    prepareInsertEvent();
    m_insertProblem = Statement(m_db, "INSERT INTO import_problems(source_id, line, severity, reason) "
                                      "VALUES(?,?,?,?)");
    if (!m_insertEvent.isValid() || !m_insertProblem.isValid()) {
        setError(error, m_path + ": " + m_db.errorMessage());
        abortImport();
        return false;
    }
    return true;
}

bool CaseStore::storeSourceText(std::size_t upTo, std::string *error)
{
    if (!m_importing)
        return false;
    upTo = std::min(upTo, m_importText.size());
    std::string &compressed = m_compressed;
    auto *ctx = static_cast<ZSTD_CCtx *>(m_compressor);
    // Whole chunks only, except the final one at the end of the text.
    while (m_textStored < upTo
           && (m_textStored + kTextChunkSize <= upTo || upTo == m_importText.size())) {
        const std::string_view chunk = m_importText.substr(m_textStored, kTextChunkSize);
        compressed.resize(ZSTD_compressBound(chunk.size()));
        // Level 1, zstd's fastest positive level: logs are so repetitive that it shrinks them
        // about seven times. On a 1M-record export the import took the same CPU time as with
        // the faster negative levels (-2, -5: the smaller output is written more cheaply) and
        // stored 122 MB of text instead of 176 MB.
        const std::size_t n = ZSTD_compressCCtx(ctx, compressed.data(), compressed.size(),
                                                chunk.data(), chunk.size(), 1);
        if (ZSTD_isError(n)) {
            setError(error, std::string("compression failed: ") + ZSTD_getErrorName(n));
            return false;
        }
        m_insertText.bind(1, m_importSource);
        m_insertText.bind(2, static_cast<std::int64_t>(m_textStored / kTextChunkSize));
        m_insertText.bind(3, static_cast<std::int64_t>(chunk.size()));
        m_insertText.bindBlob(4, compressed.data(), n);
        if (!m_insertText.run()) {
            setError(error, m_path + ": cannot store source text: " + m_db.errorMessage());
            return false;
        }
        m_textStored += chunk.size();
    }
    return true;
}

bool CaseStore::switchJournal(const char *mode)
{
    Statement s(m_db, std::string("PRAGMA journal_mode=") + mode);
    return s.step() && s.text(0) == mode;
}

void CaseStore::restoreConnection()
{
    if (m_journalSwitched) {
        switchJournal("wal");
        m_journalSwitched = false;
    }
    if (m_foreignKeysOff) {
        m_db.exec("PRAGMA foreign_keys=ON");
        m_foreignKeysOff = false;
    }
    setCacheKiB(kCacheKiB);
}

bool CaseStore::setCacheKiB(int kib)
{
    // A negative cache_size is in KiB, whatever the page size.
    return m_db.exec("PRAGMA cache_size=-" + std::to_string(kib));
}

std::uint64_t CaseStore::dedupKey(const Event &event, std::string_view rawText)
{
    // Records with a log id dedupe on it (overlapping exports of the same record); records without
    // one (snapshots, some traces) dedupe on their exact text.
    XXH3_state_t state;
    XXH3_64bits_reset(&state);
    const auto kind = static_cast<std::uint8_t>(event.kind);
    XXH3_64bits_update(&state, &kind, 1);
    if (!event.recordId.empty()) {
        XXH3_64bits_update(&state, "id:", 3);
        XXH3_64bits_update(&state, event.recordId.data(), event.recordId.size());
    } else {
        XXH3_64bits_update(&state, "raw:", 4);
        XXH3_64bits_update(&state, rawText.data(), rawText.size());
    }
    return XXH3_64bits_digest(&state);
}

void CaseStore::prepareInsertEvent()
{
    // Without the unique index the dedup set has already turned duplicates away, and a plain
    // INSERT reports any other constraint failure instead of ignoring it.
    std::string sql = std::string(m_dedupInMemory ? "INSERT" : "INSERT OR IGNORE") + " INTO events(dedup_key, "
        + kEventColumns + ") VALUES(?";
    for (int i = 0; i < kEventColumnCount; ++i)
        sql += ",?";
    sql += ")";
    m_insertEvent = Statement(m_db, sql);
}

bool CaseStore::buildIndexes(std::size_t count, std::string *failed)
{
    // SQLite sorts the keys in runs no larger than the page cache (and no smaller than 250 pages),
    // writes each run to a temporary file and merges the runs. Small runs that fit the CPU's cache
    // sort much faster than big ones, and the files keep memory flat however large the import, so
    // the cache is shrunk while the indexes are built. Its dirty pages are written out first;
    // they would be at the commit anyway.
    m_db.exec("PRAGMA temp_store=FILE");
    setCacheKiB(kSortCacheKiB);
    bool ok = true;
    for (std::size_t i = 0; i < count && ok; ++i) {
        ok = m_db.exec(kEventIndexes[i][1]);
        if (!ok && failed)
            *failed = kEventIndexes[i][0];
    }
    m_db.exec("PRAGMA temp_store=MEMORY");
    setCacheKiB(kBulkCacheKiB);
    return ok;
}

bool CaseStore::spillDedup()
{
    // The set is full: the unique index takes over for the rest of the file, built once from the
    // rows so far, so that memory stays bounded however large the export.
    static_assert(std::string_view(kEventIndexes[0][0]) == "events_dedup");
    if (!buildIndexes(1))
        return false;
    m_dedup.clear();
    m_dedupInMemory = false;
    prepareInsertEvent();
    return m_insertEvent.isValid();
}

CaseStore::InsertResult CaseStore::insertEvent(const Event &event)
{
    if (!m_importing)
        return InsertResult::Failed;
    std::string_view raw;
    if (event.rawOffset + event.rawLength <= m_importText.size())
        raw = m_importText.substr(event.rawOffset, event.rawLength);
    const std::uint64_t key = dedupKey(event, raw);
    if (m_dedupInMemory && m_dedup.size() >= m_dedupKeyLimit && !spillDedup())
        return InsertResult::Failed;
    if (m_dedupInMemory && !m_dedup.insert(key))
        return InsertResult::Duplicate;
    m_insertEvent.bind(1, static_cast<std::int64_t>(key));
    bindEvent(m_insertEvent, 2, event);
    // Every parameter is bound again for each row, so the bindings need not be cleared.
    if (!m_insertEvent.runKeepBindings())
        return InsertResult::Failed;
    return m_dedupInMemory || m_db.changes() > 0 ? InsertResult::Inserted : InsertResult::Duplicate;
}

void CaseStore::addProblem(std::int64_t line, std::string_view severity, std::string_view reason)
{
    // The count of rejected rows is kept in full on the source; the reasons are capped so that a
    // file of garbage cannot bloat the case.
    constexpr int kMaxProblemsPerSource = 1000;
    if (!m_importing || m_problemsStored >= kMaxProblemsPerSource)
        return;
    ++m_problemsStored;
    m_insertProblem.bind(1, m_importSource);
    m_insertProblem.bind(2, line);
    m_insertProblem.bind(3, severity, false);
    m_insertProblem.bind(4, reason, false);
    m_insertProblem.run();
}

bool CaseStore::finishImport(const SourceFile &source, std::string *error)
{
    if (!m_importing)
        return false;
    if (!storeSourceText(m_importText.size(), error)) {
        abortImport();
        return false;
    }
    if (m_bulk) {
        std::string failed;
        if (!buildIndexes(std::size(kEventIndexes), &failed)) {
            setError(error, m_path + ": cannot rebuild index " + failed + ": " + m_db.errorMessage());
            abortImport();
            return false;
        }
    }
    Statement upd(m_db, "UPDATE sources SET records_read=?, imported=?, duplicates=?, rejected=?, "
                        "first_time=?, last_time=?, date_order=?, date_order_note=? WHERE id=?");
    upd.bind(1, source.recordsRead);
    upd.bind(2, source.imported);
    upd.bind(3, source.duplicates);
    upd.bind(4, source.rejected);
    bindOptionalInt(upd, 5, source.firstTimeMs, kNoTime);
    bindOptionalInt(upd, 6, source.lastTimeMs, kNoTime);
    upd.bind(7, source.dateOrder);
    upd.bind(8, source.dateOrderNote);
    upd.bind(9, m_importSource);
    if (!upd.run() || !m_db.exec("COMMIT")) {
        setError(error, m_path + ": cannot commit import: " + m_db.errorMessage());
        abortImport();
        return false;
    }
    m_importing = false;
    m_insertEvent = Statement();
    m_insertProblem = Statement();
    m_insertText = Statement();
    m_importText = {};
    m_dedup.clear();
    m_dedupInMemory = false;
    restoreConnection();
    return true;
}

void CaseStore::abortImport()
{
    if (!m_importing)
        return;
    m_insertEvent = Statement();
    m_insertProblem = Statement();
    m_insertText = Statement();
    m_db.exec("ROLLBACK");
    m_importing = false;
    m_importText = {};
    m_dedup.clear();
    m_dedupInMemory = false;
    restoreConnection();
}

std::int64_t CaseStore::eventCount()
{
    Statement s(m_db, "SELECT count(*) FROM events");
    return s.step() ? s.int64(0) : 0;
}

void CaseStore::forEachEvent(const EventFilter &filter,
                             const std::function<bool(const StoredEvent &)> &visit)
{
    std::string sql = std::string("SELECT id, ") + kEventColumns + " FROM events WHERE 1";
    if (!filter.user.empty())
        sql += " AND user = ?";
    if (!filter.ip.empty())
        sql += " AND ip = ?";
    if (!filter.operation.empty())
        sql += " AND operation = ? COLLATE NOCASE";
    if (filter.fromMs != kNoTime)
        sql += " AND time >= ?";
    if (filter.toMs != kNoTime)
        sql += " AND time < ?";
    if (!filter.kinds.empty()) {
        sql += " AND kind IN (";
        for (std::size_t i = 0; i < filter.kinds.size(); ++i)
            sql += (i ? "," : "") + std::to_string(static_cast<int>(filter.kinds[i]));
        sql += ")";
    }
    // Events without a time (rule snapshots) sort first; ties keep import order.
    sql += " ORDER BY time, id LIMIT ? OFFSET ?";
    Statement s(m_db, sql);
    // Bind by position in the order the clauses were appended.
    int i = 1;
    if (!filter.user.empty())
        s.bind(i++, filter.user);
    if (!filter.ip.empty())
        s.bind(i++, filter.ip);
    if (!filter.operation.empty())
        s.bind(i++, filter.operation);
    if (filter.fromMs != kNoTime)
        s.bind(i++, filter.fromMs);
    if (filter.toMs != kNoTime)
        s.bind(i++, filter.toMs);
    s.bind(i++, filter.limit);
    s.bind(i++, filter.offset);
    while (s.step()) {
        StoredEvent stored{s.int64(0), readEvent(s, 1)};
        if (!visit(stored))
            break;
    }
}

std::optional<StoredEvent> CaseStore::event(std::int64_t id)
{
    Statement s(m_db, std::string("SELECT id, ") + kEventColumns + " FROM events WHERE id = ?");
    s.bind(1, id);
    if (s.step())
        return StoredEvent{s.int64(0), readEvent(s, 1)};
    return std::nullopt;
}

std::optional<std::string> CaseStore::rawRecord(std::int64_t eventId)
{
    Statement s(m_db, "SELECT source_id, raw_offset, raw_length FROM events WHERE id = ?");
    s.bind(1, eventId);
    if (!s.step())
        return std::nullopt;
    return sourceText(s.int64(0), static_cast<std::uint64_t>(s.int64(1)),
                      static_cast<std::uint64_t>(s.int64(2)));
}

std::optional<std::string> CaseStore::sourceText(std::int64_t sourceId, std::uint64_t offset,
                                                 std::uint64_t length)
{
    std::string result;
    result.reserve(length);
    const std::uint64_t end = offset + length;
    Statement s(m_db, "SELECT seq, raw_size, data FROM source_text WHERE source_id = ? AND seq >= ? "
                      "AND seq <= ? ORDER BY seq");
    s.bind(1, sourceId);
    s.bind(2, static_cast<std::int64_t>(offset / kTextChunkSize));
    s.bind(3, static_cast<std::int64_t>(length ? (end - 1) / kTextChunkSize : offset / kTextChunkSize));
    std::string chunk;
    while (s.step()) {
        const std::uint64_t chunkStart = static_cast<std::uint64_t>(s.int64(0)) * kTextChunkSize;
        const auto rawSize = static_cast<std::size_t>(s.int64(1));
        const std::string_view blob = s.blob(2);
        chunk.resize(rawSize);
        const std::size_t n = ZSTD_decompress(chunk.data(), chunk.size(), blob.data(), blob.size());
        if (ZSTD_isError(n) || n != rawSize)
            return std::nullopt;
        const std::uint64_t from = std::max(offset, chunkStart);
        const std::uint64_t to = std::min(end, chunkStart + rawSize);
        if (to > from)
            result.append(chunk, from - chunkStart, to - from);
    }
    if (result.size() != length)
        return std::nullopt;
    return result;
}

} // namespace mp
