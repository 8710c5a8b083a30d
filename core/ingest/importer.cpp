#include "ingest/importer.h"

#include "ingest/archivereader.h"
#include "ingest/dataquality.h"
#include "ingest/enricher.h"
#include "ingest/formatreader.h"
#include "ingest/mappedfile.h"
#include "util/textdecode.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace mp {

namespace {

const char *encodingName(TextEncoding encoding)
{
    switch (encoding) {
    case TextEncoding::Utf8:
        return "utf-8";
    case TextEncoding::Utf8Bom:
        return "utf-8-bom";
    case TextEncoding::Utf16LE:
        return "utf-16le";
    case TextEncoding::Utf16BE:
        return "utf-16be";
    }
    return "unknown";
}

// Receives a reader's records: enriches, stores, counts, and keeps the first reasons.
class ImportSink final : public ReadSink
{
public:
    ImportSink(CaseStore &store, FileReport &report, Enricher &enricher, const ImportOptions &options,
               std::size_t fileIndex, MappedFile *mapped, std::size_t textSize)
        : m_store(store)
        , m_report(report)
        , m_enricher(enricher)
        , m_options(options)
        , m_fileIndex(fileIndex)
        , m_mapped(mapped)
        , m_textSize(textSize)
    {
    }

    void record(Event &event) override
    {
        ++m_report.source.recordsRead;
        event.sourceId = m_report.source.id;
        m_enricher.enrich(event);
        switch (m_store.insertEvent(event)) {
        case CaseStore::InsertResult::Inserted:
            ++m_report.source.imported;
            break;
        case CaseStore::InsertResult::Duplicate:
            ++m_report.source.duplicates;
            break;
        case CaseStore::InsertResult::Failed:
            m_failed = true;
            m_failure = m_store.database().errorMessage();
            return;
        }
        if (event.hasTime()) {
            auto &s = m_report.source;
            if (s.firstTimeMs == kNoTime || event.timeMs < s.firstTimeMs)
                s.firstTimeMs = event.timeMs;
            if (s.lastTimeMs == kNoTime || event.timeMs > s.lastTimeMs)
                s.lastTimeMs = event.timeMs;
            // Exports are sorted (newest or oldest first); a record days out of order hints at
            // files concatenated by hand or a broken export.
            constexpr std::int64_t kDay = 24 * 3600 * 1000LL;
            if (m_previousTime != kNoTime && std::llabs(event.timeMs - m_previousTime) > kDay
                && m_outOfOrderLine == 0 && m_directionKnown
                && (event.timeMs - m_previousTime > 0) != m_ascending)
                m_outOfOrderLine = event.line;
            if (m_previousTime != kNoTime && !m_directionKnown && event.timeMs != m_previousTime) {
                m_ascending = event.timeMs > m_previousTime;
                m_directionKnown = true;
            }
            m_previousTime = event.timeMs;
        }
    }

    void reject(std::int64_t line, std::string_view reason) override
    {
        ++m_report.source.recordsRead;
        ++m_report.source.rejected;
        m_store.addProblem(line, "rejected", reason);
        if (m_report.firstRejections.size() < m_options.reasonsKept)
            m_report.firstRejections.push_back({m_report.source.id, line, "rejected", std::string(reason)});
    }

    void warn(std::int64_t line, std::string_view reason) override
    {
        m_store.addProblem(line, "warning", reason);
        if (m_report.warnings.size() < 50)
            m_report.warnings.push_back({m_report.source.id, line, "warning", std::string(reason)});
    }

    bool cancelled() const override
    {
        return m_failed || (m_options.cancel && m_options.cancel->load(std::memory_order_relaxed));
    }

    void progress(std::size_t bytesRead) override
    {
        // Keep the original text as parsing advances, then let the kernel drop what both have passed.
        if (!m_failed && !m_store.storeSourceText(bytesRead, &m_failure))
            m_failed = true;
        if (m_mapped)
            m_mapped->release(std::min(bytesRead, m_store.sourceTextStored()));
        if (m_options.progress)
            m_options.progress(m_fileIndex, bytesRead, m_textSize, m_report.source.recordsRead);
    }

    void prepassProgress(std::size_t bytesScanned) override
    {
        // The look-ahead touched these pages; give them back until parsing reaches them again.
        if (m_mapped)
            m_mapped->release(bytesScanned);
        if (m_options.progress)
            m_options.progress(m_fileIndex, 0, m_textSize, 0);
    }

    bool failed() const { return m_failed; }
    const std::string &failure() const { return m_failure; }
    std::int64_t outOfOrderLine() const { return m_outOfOrderLine; }

private:
    CaseStore &m_store;
    FileReport &m_report;
    Enricher &m_enricher;
    const ImportOptions &m_options;
    std::size_t m_fileIndex;
    MappedFile *m_mapped;
    std::size_t m_textSize;
    bool m_failed = false;
    std::string m_failure;
    std::int64_t m_previousTime = kNoTime;
    bool m_directionKnown = false;
    bool m_ascending = true;
    std::int64_t m_outOfOrderLine = 0;
};

void importMapped(CaseStore &store, FileReport &report, const ImportOptions &options, std::size_t index, MappedFile &file);

void importOne(CaseStore &store, FileReport &report, const ImportOptions &options, std::size_t index)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path path(report.path);
    report.source.name = path.filename().string();
    report.source.path = fs::absolute(path, ec).string();

    MappedFile file;
    std::string error;
    if (!file.open(report.path, &error)) {
        report.status = FileReport::Status::Unreadable;
        report.error = error;
        return;
    }
    importMapped(store, report, options, index, file);
}

// Where temporary files go: next to the case, which will hold their text anyway.
std::string temporaryDir(const CaseStore &store)
{
    std::error_code ec;
    const std::filesystem::path dir = std::filesystem::absolute(std::filesystem::path(store.path()), ec).parent_path();
    return dir.empty() ? std::string(".") : dir.string();
}

void importMapped(CaseStore &store, FileReport &report, const ImportOptions &options, std::size_t index, MappedFile &file)
{
    std::string error;
    report.source.size = static_cast<std::int64_t>(file.size());
    const std::string_view bytes = file.bytes();
    if (bytes.empty()) {
        report.status = FileReport::Status::Unrecognised;
        report.error = "the file is empty";
        return;
    }
    report.source.sha256 = sha256Hex(file);
    if (auto existing = store.sourceBySha256(report.source.sha256)) {
        report.status = FileReport::Status::AlreadyImported;
        report.error = "already imported as source #" + std::to_string(existing->id) + " ("
            + existing->name + "); nothing changed";
        report.source = *existing;
        return;
    }

    const TextEncoding encoding = detectEncoding(bytes.substr(0, 4096));
    report.source.encoding = encodingName(encoding);
    std::string decoded;
    MappedFile decodedFile;
    std::string_view text;
    MappedFile *mapped = nullptr;
    if (encoding == TextEncoding::Utf16LE || encoding == TextEncoding::Utf16BE) {
        // Decoded into a temporary file next to the case (which will hold that text anyway), so
        // that memory does not grow with the file; in memory only when that file cannot be
        // written.
        std::string ignored;
        if (decodedFile.openDecoded(file, encoding, temporaryDir(store), &ignored)) {
            text = decodedFile.bytes();
            mapped = &decodedFile;
        } else {
            decoded = decodeToUtf8(bytes, encoding);
            text = decoded;
        }
    } else {
        text = bytes.substr(bomLength(encoding));
        mapped = &file;
    }
    if (looksBinary(text.substr(0, 65536))) {
        report.status = FileReport::Status::Unrecognised;
        report.error = "binary data, not a text export";
        return;
    }

    const Sniff sniff = sniffText(text);
    const FormatReader *reader = nullptr;
    if (!options.format.empty()) {
        reader = findReader(options.format);
        if (!reader) {
            report.status = FileReport::Status::Unrecognised;
            report.error = "unknown format '" + options.format + "'";
            return;
        }
    } else {
        reader = detectFormat(sniff, &error);
        if (!reader) {
            report.status = FileReport::Status::Unrecognised;
            report.error = error;
            return;
        }
    }
    report.source.format = reader->id();
    report.formatDescription = reader->description();

    // A large file imports faster with the indexes dropped and rebuilt once at the end than kept
    // up row by row, unless the case already holds far more events than the file adds: keeping
    // them up costs about 25 us a row (five random B-tree inserts), rebuilding them about 2 us for
    // every event in the case. Hence bulk once the file adds more than an eighth of the case's
    // events (counted at about 800 bytes a record, as in typical exports).
    const auto records = static_cast<std::int64_t>(text.size() / 800);
    const bool bulk = text.size() > options.bulkBytes
        && (options.bulkBytes == 0 || records * 8 > store.eventCount());
    if (!store.beginImport(report.source, text, &error, bulk)) {
        report.status = FileReport::Status::Failed;
        report.error = error;
        return;
    }
    Enricher enricher(options.geo);
    ImportSink sink(store, report, enricher, options, index, mapped, text.size());
    ReadOptions readOptions;
    readOptions.dateOrder = options.dateOrder;
    const ReadResult result = reader->read(text, readOptions, sink);
    report.source.dateOrder = result.dateOrder;
    report.source.dateOrderNote = result.dateOrderNote;
    report.unplacedIps = enricher.unplacedAddresses();

    if (!result.fatal.empty()) {
        store.abortImport();
        report.status = FileReport::Status::Unrecognised;
        report.error = result.fatal;
        return;
    }
    if (sink.failed()) {
        store.abortImport();
        report.status = FileReport::Status::Failed;
        report.error = "could not store the records: " + sink.failure() + "; the file was rolled back";
        return;
    }
    if (options.cancel && options.cancel->load()) {
        store.abortImport();
        report.status = FileReport::Status::Cancelled;
        report.error = "cancelled; the file was rolled back";
        return;
    }
    for (const std::string &w : fileWarnings(report, sink.outOfOrderLine()))
        sink.warn(0, w);
    if (!store.finishImport(report.source, &error)) {
        report.status = FileReport::Status::Failed;
        report.error = error;
        return;
    }
    report.status = FileReport::Status::Imported;
}

// A file the user did not name (found in a folder or an archive) that is not a log export is not
// the user's mistake: notes, screenshots, the simulator's ground truth are left out, not failed.
void skipIfNotAnExport(FileReport &report)
{
    if (report.status == FileReport::Status::Unrecognised) {
        report.status = FileReport::Status::Skipped;
        report.error = "not a log export: " + report.error;
    }
}

bool isArchive(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    char head[512];
    in.read(head, sizeof head);
    return looksLikeArchive(std::string_view(head, static_cast<std::size_t>(in.gcount())));
}

// Each file in an archive is imported as a file found in a folder: a source of its own, named
// "archive.zip/member", with its own size and SHA-256; what is not an export is skipped.
void importArchive(CaseStore &store, const ImportFile &archive, const ImportOptions &options, std::size_t index,
                   std::vector<FileReport> &reports)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    const std::string archiveName = fs::path(archive.path).filename().string();
    const std::string absolute = fs::absolute(fs::path(archive.path), ec).string();
    const ArchiveResult result = readArchive(archive.path, temporaryDir(store),
                                             [&](const std::string &name, MappedFile *file, const std::string &why) {
        FileReport report;
        report.path = archive.path + "/" + name;
        report.source.name = archiveName + "/" + name;
        report.source.path = absolute + "/" + name;
        if (!file) {
            report.status = FileReport::Status::Unreadable;
            report.error = why;
        } else {
            importMapped(store, report, options, index, *file);
            skipIfNotAnExport(report);
        }
        reports.push_back(std::move(report));
        return !(options.cancel && options.cancel->load());
    });
    if (result.status == ArchiveResult::Status::Read && result.members > 0)
        return;
    FileReport report;
    report.path = archive.path;
    report.source.name = archiveName;
    report.source.path = absolute;
    report.status = result.status == ArchiveResult::Status::Unreadable ? FileReport::Status::Unreadable
                                                                       : FileReport::Status::Unrecognised;
    report.error = result.status == ArchiveResult::Status::Read ? "the archive holds no file to import" : result.error;
    if (archive.inFolder)
        skipIfNotAnExport(report);
    reports.push_back(std::move(report));
}

} // namespace

const char *statusName(FileReport::Status status)
{
    switch (status) {
    case FileReport::Status::Imported:
        return "imported";
    case FileReport::Status::AlreadyImported:
        return "already-imported";
    case FileReport::Status::Unreadable:
        return "unreadable";
    case FileReport::Status::Unrecognised:
        return "unrecognised";
    case FileReport::Status::Failed:
        return "failed";
    case FileReport::Status::Cancelled:
        return "cancelled";
    case FileReport::Status::Skipped:
        return "skipped";
    }
    return "unknown";
}

bool ImportReport::allRead() const
{
    return std::all_of(files.begin(), files.end(), [](const FileReport &f) {
        return f.status == FileReport::Status::Imported || f.status == FileReport::Status::AlreadyImported
            || f.status == FileReport::Status::Skipped;
    });
}

std::vector<ImportFile> collectImportFiles(const std::vector<std::string> &paths, const std::string &casePath)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    // The case's own files, compared by identity (a folder may be named by another path).
    std::vector<fs::path> own;
    if (!casePath.empty()) {
        for (const char *suffix : {"", "-wal", "-shm", "-journal"})
            own.emplace_back(casePath + suffix);
    }
    const auto isOwn = [&](const fs::path &p) {
        return std::any_of(own.begin(), own.end(), [&](const fs::path &o) {
            std::error_code e;
            return fs::equivalent(p, o, e);
        });
    };
    std::vector<ImportFile> files;
    for (const std::string &path : paths) {
        if (!fs::is_directory(path, ec)) {
            files.push_back({path, false, {}});
            continue;
        }
        std::vector<ImportFile> found;
        std::vector<fs::path> folders{fs::path(path)};
        while (!folders.empty()) {
            const fs::path folder = folders.back();
            folders.pop_back();
            std::error_code listing;
            fs::directory_iterator it(folder, listing);
            for (; !listing && it != fs::directory_iterator(); it.increment(listing)) {
                const fs::path entry = it->path();
                if (entry.filename().string().starts_with('.'))
                    continue;
                std::error_code ignored; // an entry that vanished or a dangling link is no file
                if (it->is_directory(ignored)) {
                    // A linked folder is not entered: a link to a parent would never end.
                    if (!it->is_symlink(ignored))
                        folders.push_back(entry);
                } else if (it->is_regular_file(ignored) && !isOwn(entry)) {
                    found.push_back({entry.string(), true, {}});
                }
            }
            if (listing)
                found.push_back({folder.string(), true, "cannot list the folder: " + listing.message()});
        }
        std::sort(found.begin(), found.end(), [](const ImportFile &a, const ImportFile &b) { return a.path < b.path; });
        if (found.empty())
            found.push_back({path, false, "the folder holds no file to import"});
        files.insert(files.end(), found.begin(), found.end());
    }
    return files;
}

ImportReport importFiles(CaseStore &store, const std::vector<ImportFile> &files, const ImportOptions &options)
{
    ImportReport report;
    for (std::size_t i = 0; i < files.size(); ++i) {
        if (files[i].unreadable.empty() && isArchive(files[i].path)) {
            importArchive(store, files[i], options, i, report.files);
            if (options.cancel && options.cancel->load())
                break;
            continue;
        }
        FileReport file;
        file.path = files[i].path;
        if (!files[i].unreadable.empty()) {
            file.status = FileReport::Status::Unreadable;
            file.error = files[i].unreadable;
        } else {
            importOne(store, file, options, i);
            if (files[i].inFolder)
                skipIfNotAnExport(file);
        }
        report.files.push_back(std::move(file));
        if (options.cancel && options.cancel->load())
            break;
    }
    report.warnings = caseWarnings(store);
    return report;
}

ImportReport importFiles(CaseStore &store, const std::vector<std::string> &paths, const ImportOptions &options)
{
    return importFiles(store, collectImportFiles(paths, store.path()), options);
}

} // namespace mp
