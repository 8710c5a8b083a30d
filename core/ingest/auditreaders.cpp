// Readers for the Microsoft 365 unified audit log in its common export forms.
#include "ingest/auditfields.h"
#include "ingest/formatreader.h"
#include "util/strings.h"

namespace mp {

namespace {

// Purview audit search export (current) and Search-UnifiedAuditLog | Export-Csv (classic): the
// record itself is the JSON object in the AuditData column.
class AuditDataCsvReader final : public CsvFormatReader
{
public:
    explicit AuditDataCsvReader(bool classic)
        : m_classic(classic)
    {
    }
    const char *id() const override { return m_classic ? "classic-audit-csv" : "purview-audit-csv"; }
    const char *description() const override
    {
        return m_classic ? "Search-UnifiedAuditLog export (CSV)" : "Purview audit search export (CSV)";
    }
    int score(const Sniff &sniff) const override
    {
        if (!sniff.isCsv || !sniff.hasColumn("AuditData"))
            return 0;
        const bool classic = sniff.hasColumn("UserIds") || sniff.hasColumn("Operations") || sniff.hasTypeLine;
        return classic == m_classic ? 95 : 40;
    }

protected:
    // The record's own CreationTime is ISO; the CreationDate column, used when the record lacks
    // one, is in the exporter's locale.
    std::vector<std::string_view> localeTimeColumns() const override { return {"CreationDate"}; }
    bool normalize(const Fields &row, DateOrder order, Event &event, std::string *reason) const override
    {
        const std::string_view auditText = row.text("AuditData");
        if (auditText.empty()) {
            *reason = "empty AuditData";
            return false;
        }
        const auto auditData = row.object("AuditData");
        if (!auditData) {
            std::string error;
            row.arena().parse(auditText, &error);
            *reason = "AuditData is not a JSON object" + (error.empty() ? std::string() : ": " + error);
            return false;
        }
        if (!normalizeAuditRecord(*auditData, order, event, reason))
            return false;
        // The CSV columns are the fallback when the record lacks them.
        if (!event.hasTime()) {
            if (const auto ms = parseTimestamp(row.text("CreationDate"), order))
                event.timeMs = *ms;
        }
        if (event.recordId.empty())
            event.recordId.assign(row.text("RecordId"));
        if (event.user.empty())
            assignLowerAscii(event.user, trim(row.firstText({"UserId", "UserIds"})));
        return true;
    }

private:
    bool m_classic;
};

// Office 365 Management Activity API: AuditData objects as a JSON array or one per line.
class ManagementApiReader final : public JsonFormatReader
{
public:
    const char *id() const override { return "management-api-json"; }
    const char *description() const override { return "Office 365 Management Activity API (JSON)"; }
    int score(const Sniff &sniff) const override
    {
        if (sniff.isCsv)
            return 0;
        if (sniff.hasKey("creationtime") && sniff.hasKey("operation") && sniff.hasKey("recordtype"))
            return 90;
        return 0;
    }

protected:
    bool normalize(const Fields &record, DateOrder order, Event &event, std::string *reason) const override
    {
        return normalizeAuditRecord(record, order, event, reason);
    }
};

// Sentinel's OfficeActivity table exported from Log Analytics: flattened columns with the
// record's names (TimeGenerated, OfficeWorkload, Parameters as JSON text, ...).
class OfficeActivityCsvReader final : public CsvFormatReader
{
public:
    const char *id() const override { return "sentinel-officeactivity-csv"; }
    const char *description() const override { return "Sentinel OfficeActivity export (CSV)"; }
    int score(const Sniff &sniff) const override
    {
        if (!sniff.isCsv || sniff.hasColumn("AuditData") || !sniff.hasColumn("Operation"))
            return 0;
        if (sniff.hasColumn("OfficeWorkload"))
            return 90;
        // A bare hunting export: time, user, IP, operation and parameters.
        if (sniff.hasColumn("UserId") && (sniff.hasColumn("Parameters") || sniff.hasColumn("ClientIP")))
            return 70;
        return 0;
    }

    ReadResult read(std::string_view text, const ReadOptions &options, ReadSink &sink) const override
    {
        const ReadResult result = CsvFormatReader::read(text, options, sink);
        // Hunting exports that project the columns away leave every record without a time. The
        // Start_Time / ElevationTime columns are when Sentinel collected the record, minutes
        // later, so they are not used in its place: the investigator must know why.
        const Sniff sniff = sniffText(text);
        if (!sniff.hasColumn("TimeGenerated") && !sniff.hasColumn("CreationTime"))
            sink.warn(1, "no TimeGenerated column: these records have no time and cannot be placed on "
                         "the timeline (Start_Time is when Sentinel collected them, not when they "
                         "happened); re-export with TimeGenerated");
        return result;
    }

protected:
    std::vector<std::string_view> localeTimeColumns() const override { return {"TimeGenerated", "CreationTime"}; }
    bool normalize(const Fields &row, DateOrder order, Event &event, std::string *reason) const override
    {
        return normalizeAuditRecord(row, order, event, reason);
    }
};

class OfficeActivityJsonReader final : public JsonFormatReader
{
public:
    const char *id() const override { return "sentinel-officeactivity-json"; }
    const char *description() const override { return "Sentinel OfficeActivity export (JSON)"; }
    int score(const Sniff &sniff) const override
    {
        if (sniff.isCsv || !sniff.hasKey("operation"))
            return 0;
        return sniff.hasKey("officeworkload") ? 92 : 0;
    }

protected:
    bool normalize(const Fields &record, DateOrder order, Event &event, std::string *reason) const override
    {
        return normalizeAuditRecord(record, order, event, reason);
    }
};

} // namespace

void addAuditReaders(std::vector<std::unique_ptr<FormatReader>> &readers)
{
    readers.push_back(std::make_unique<AuditDataCsvReader>(false));
    readers.push_back(std::make_unique<AuditDataCsvReader>(true));
    readers.push_back(std::make_unique<ManagementApiReader>());
    readers.push_back(std::make_unique<OfficeActivityCsvReader>());
    readers.push_back(std::make_unique<OfficeActivityJsonReader>());
}

} // namespace mp
