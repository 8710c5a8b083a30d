// Where an import's time goes: each stage of `mailpivot ingest` run on its own over the same file,
// so that the cost of one stage can be told from the others and from the budget of a target.
//
//   ingest_stages_bench FILE [--case PATH] [--geo-dir DIR] [--target-mbps 150]
//
// Stages, in the order the importer runs them, each timed in CPU seconds on its own:
//   sha256      the file's SHA-256 (chain of custody)
//   read        decode, split, parse and normalise every record (the format's reader)
//   geoip       enrich every record (country, city, coordinates, network)
//   rows        insert every event row into a new case, indexes dropped as in a bulk import
//   text        compress and store the original text (zstd, 1 MiB chunks)
//   indexes     rebuild the five event indexes and commit (finishImport)
// The records pass from stage to stage in batches of 20,000, as the importer passes them one by one,
// so that each stage runs on warm data and memory stays small. The case is written to --case
// (default: a temporary file, removed afterwards).
//
// The last lines set the stages the case requires whatever the parser costs (SHA-256, text,
// rows, indexes) against the budget of --target-mbps for this file: what is left of the budget
// is all that reading, parsing, normalising and GeoIP could take.

#include "geo/geodb.h"
#include "ingest/enricher.h"
#include "ingest/formatreader.h"
#include "ingest/mappedfile.h"
#include "store/casestore.h"
#include "util/textdecode.h"

#include "benchutil.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

namespace {

using bench::cpuSeconds;
using bench::peakRssMb;

struct Stage
{
    const char *name;
    double cpu = 0;
};

[[noreturn]] void fail(const std::string &what)
{
    std::fprintf(stderr, "ingest_stages_bench: %s\n", what.c_str());
    std::exit(1);
}

// Takes the reader's records in batches and runs the later stages on each batch, timing every
// stage apart; the reader's own time is what is left of read() once the batches are taken out.
class StagedSink final : public mp::ReadSink
{
public:
    StagedSink(mp::CaseStore &store, mp::Enricher &enricher, std::int64_t sourceId, mp::MappedFile &mapped)
        : m_store(store)
        , m_enricher(enricher)
        , m_sourceId(sourceId)
        , m_mapped(mapped)
    {
        m_batch.reserve(kBatch);
    }

    void record(mp::Event &event) override
    {
        m_batch.push_back(std::move(event));
        if (m_batch.size() == kBatch)
            flush();
    }
    void reject(std::int64_t, std::string_view) override { ++rejected; }
    void warn(std::int64_t, std::string_view) override {}
    bool cancelled() const override { return false; }
    void progress(std::size_t) override {}

    void flush()
    {
        const double start = cpuSeconds();
        for (mp::Event &event : m_batch)
            m_enricher.enrich(event);
        const double enriched = cpuSeconds();
        for (mp::Event &event : m_batch) {
            event.sourceId = m_sourceId;
            if (m_store.insertEvent(event) == mp::CaseStore::InsertResult::Inserted)
                ++inserted;
            else
                ++notInserted;
        }
        const double stored = cpuSeconds();
        std::string error;
        if (!m_batch.empty() && !m_store.storeSourceText(m_batch.back().rawOffset + m_batch.back().rawLength, &error))
            fail(error);
        const double kept = cpuSeconds();
        m_mapped.release(m_store.sourceTextStored()); // as the importer does: RSS stays flat
        records += static_cast<std::int64_t>(m_batch.size());
        m_batch.clear();
        geoip.cpu += enriched - start;
        rows.cpu += stored - enriched;
        text.cpu += kept - stored;
        taken += cpuSeconds() - start;
    }

    Stage geoip{"geoip"}, rows{"rows"}, text{"text"};
    double taken = 0; // CPU spent in flush(), inside or outside read()
    std::int64_t records = 0, inserted = 0, notInserted = 0, rejected = 0;

private:
    // About 20 MB of records: a batch stays in the CPU's last-level cache no more than the real
    // import's single record does, but a stage's set-up cost is spread over many records.
    static constexpr std::size_t kBatch = 20000;
    mp::CaseStore &m_store;
    mp::Enricher &m_enricher;
    std::int64_t m_sourceId;
    mp::MappedFile &m_mapped;
    std::vector<mp::Event> m_batch;
};

} // namespace

int main(int argc, char **argv)
{
    std::string file;
    std::string casePath;
    std::string geoDir = mp::GeoDb::defaultDataDir();
    double targetMbps = 150;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--case" && i + 1 < argc)
            casePath = argv[++i];
        else if (a == "--geo-dir" && i + 1 < argc)
            geoDir = argv[++i];
        else if (a == "--target-mbps" && i + 1 < argc)
            targetMbps = std::atof(argv[++i]);
        else if (file.empty() && a.rfind("--", 0) != 0)
            file = a;
        else {
            std::fprintf(stderr, "usage: ingest_stages_bench FILE [--case PATH] [--geo-dir DIR] [--target-mbps N]\n");
            return 2;
        }
    }
    if (file.empty() || targetMbps <= 0) {
        std::fprintf(stderr, "usage: ingest_stages_bench FILE [--case PATH] [--geo-dir DIR] [--target-mbps N]\n");
        return 2;
    }
    const bool tempCase = casePath.empty();
    if (tempCase)
        casePath = (std::filesystem::temp_directory_path() / ("ingest-stages-" + std::to_string(getpid()) + ".mpcase")).string();
    for (const char *suffix : {"", "-wal", "-shm"})
        std::filesystem::remove(casePath + suffix);

    std::string error;
    mp::MappedFile mapped;
    if (!mapped.open(file, &error))
        fail(error);
    const std::string_view bytes = mapped.bytes();
    const mp::TextEncoding encoding = mp::detectEncoding(bytes.substr(0, 4096));
    if (encoding != mp::TextEncoding::Utf8 && encoding != mp::TextEncoding::Utf8Bom)
        fail("UTF-8 input only (this bench times the import of a memory-mapped file)");
    const std::string_view text = bytes.substr(mp::bomLength(encoding));
    const mp::FormatReader *reader = mp::detectFormat(mp::sniffText(text), &error);
    if (!reader)
        fail(error);

    Stage sha{"sha256"}, read{"read"}, indexes{"indexes"};

    double t = cpuSeconds();
    mp::SourceFile source;
    source.name = std::filesystem::path(file).filename().string();
    source.size = static_cast<std::int64_t>(bytes.size());
    source.sha256 = mp::sha256Hex(mapped);
    source.format = reader->id();
    sha.cpu = cpuSeconds() - t;

    mp::GeoDb geo;
    const bool haveGeo = geo.openDataDir(geoDir);
    mp::Enricher enricher(haveGeo ? &geo : nullptr);
    mp::CaseStore store;
    if (!store.open(casePath, true, &error))
        fail(error);
    if (!store.beginImport(source, text, &error, /*bulk=*/true))
        fail(error);
    StagedSink sink(store, enricher, source.id, mapped);
    t = cpuSeconds();
    const mp::ReadResult result = reader->read(text, mp::ReadOptions{}, sink);
    const double readAll = cpuSeconds() - t;
    if (!result.fatal.empty())
        fail(result.fatal);
    read.cpu = readAll - sink.taken;
    sink.flush();
    t = cpuSeconds();
    if (!store.storeSourceText(text.size(), &error))
        fail(error);
    sink.text.cpu += cpuSeconds() - t;
    source.recordsRead = sink.records + sink.rejected;
    source.imported = sink.inserted;
    source.duplicates = sink.notInserted;
    source.rejected = sink.rejected;
    t = cpuSeconds();
    if (!store.finishImport(source, &error))
        fail(error);
    indexes.cpu = cpuSeconds() - t;
    const std::int64_t inserted = sink.inserted;

    const double mb = static_cast<double>(bytes.size()) / 1e6;
    const double budget = mb / targetMbps;
    double total = 0;
    std::printf("%s: %s, %.1f MB, %lld records (%lld rejected), %lld stored%s\n", source.name.c_str(), reader->id(), mb,
                static_cast<long long>(sink.records), static_cast<long long>(sink.rejected), static_cast<long long>(inserted),
                haveGeo ? "" : ", no GeoIP data");
    std::printf("%-8s %8s %9s\n", "stage", "CPU s", "MB/s");
    for (const Stage *s : {&sha, &read, &sink.geoip, &sink.rows, &sink.text, &indexes}) {
        std::printf("%-8s %8.2f %9.0f\n", s->name, s->cpu, s->cpu > 0 ? mb / s->cpu : 0.0);
        total += s->cpu;
    }
    std::printf("%-8s %8.2f %9.1f\n", "sum", total, mb / total);
    const double required = sha.cpu + sink.rows.cpu + sink.text.cpu + indexes.cpu;
    std::printf("budget at %.0f MB/s: %.2f s; sha256 + rows + text + indexes: %.2f s (%.0f %%); left for read + geoip: "
                "%.2f s, against %.2f s measured\n",
                targetMbps, budget, required, 100 * required / budget, budget - required, read.cpu + sink.geoip.cpu);
    std::printf("peak RSS %ld MB\n", peakRssMb());
    if (tempCase)
        for (const char *suffix : {"", "-wal", "-shm"})
            std::filesystem::remove(casePath + suffix);
    return 0;
}
