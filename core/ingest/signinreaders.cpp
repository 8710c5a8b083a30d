// Readers for Entra ID sign-in logs in their common export forms. One normaliser
// (signinfields.h) serves them all; the readers differ in how they recognise a file and in where
// the record sits (Azure Monitor wraps it in an envelope).
#include "ingest/formatreader.h"
#include "ingest/signinfields.h"

#include "util/strings.h"

#include <initializer_list>

namespace mp {

namespace {

bool anyKey(const Sniff &sniff, std::initializer_list<std::string_view> keys)
{
    for (const auto key : keys) {
        if (sniff.hasKey(key))
            return true;
    }
    return false;
}

bool anyNestedKey(const Sniff &sniff, std::initializer_list<std::string_view> keys)
{
    for (const auto key : keys) {
        if (sniff.hasNestedKey(key))
            return true;
    }
    return false;
}

bool anyColumn(const Sniff &sniff, std::initializer_list<std::string_view> names)
{
    for (const auto name : names) {
        if (sniff.hasColumn(name))
            return true;
    }
    return false;
}

// Fields only a sign-in record has (directory audit records share ResultType, Category,
// CorrelationId and Location with it; Defender XDR rows have IPAddress but none of these).
bool hasSignInOnlyKey(const Sniff &sniff)
{
    return anyKey(sniff, {"locationdetails", "risklevelduringsignin", "clientappused", "conditionalaccessstatus",
                          "authenticationrequirement", "autonomoussystemnumber"});
}

// Log Analytics adds table columns that no Graph record has.
bool hasLogAnalyticsKey(const Sniff &sniff)
{
    return anyKey(sniff, {"resulttype", "timegenerated", "locationdetails", "tenantid", "sourcesystem",
                          "operationname"});
}

// Microsoft Graph auditLogs/signIns: the page ({"value":[...]}), the bare array of PowerShell
// (camelCase from Invoke-MgGraphRequest, PascalCase from Get-MgAuditLogSignIn) and the portal's
// "Download JSON".
class GraphSignInJsonReader final : public JsonFormatReader
{
public:
    const char *id() const override { return "graph-signins-json"; }
    const char *description() const override { return "Microsoft Graph / Entra portal sign-ins (JSON)"; }
    int score(const Sniff &sniff) const override
    {
        if (sniff.isCsv || sniff.hasKey("properties") || hasLogAnalyticsKey(sniff))
            return 0;
        if (!sniff.hasKey("createddatetime") || !anyKey(sniff, {"userprincipalname", "ipaddress"}))
            return 0;
        if (anyKey(sniff, {"status", "location", "risklevelduringsignin", "clientappused", "appdisplayname"}))
            return 90;
        return 0;
    }

protected:
    bool normalize(const Fields &record, DateOrder order, Event &event, std::string *reason) const override
    {
        return normalizeSignInRecord(record, nullptr, order, event, reason);
    }
};

// The Entra admin center's "Download CSV" of sign-ins (interactive or not).
class EntraPortalSignInCsvReader final : public CsvFormatReader
{
public:
    const char *id() const override { return "entra-portal-signins-csv"; }
    const char *description() const override { return "Entra admin center sign-ins download (CSV)"; }
    int score(const Sniff &sniff) const override
    {
        if (!sniff.isCsv || !sniff.hasColumn("Request ID"))
            return 0;
        if (anyColumn(sniff, {"Sign-in error code", "Date (UTC)"}) && anyColumn(sniff, {"Username", "IP address"}))
            return 95;
        return 0;
    }

protected:
    std::vector<std::string_view> localeTimeColumns() const override { return {"Date (UTC)", "Date"}; }
    bool normalize(const Fields &row, DateOrder order, Event &event, std::string *reason) const override
    {
        return normalizeSignInRecord(row, nullptr, order, event, reason);
    }
};

// Azure Monitor diagnostic settings (storage account blobs, Event Hub): one record per line or
// {"records":[...]}, the sign-in in "properties", category and resultType around it.
class AzureMonitorSignInReader final : public JsonFormatReader
{
public:
    const char *id() const override { return "azure-monitor-signins-jsonl"; }
    const char *description() const override { return "Azure Monitor sign-in logs (JSON lines)"; }
    int score(const Sniff &sniff) const override
    {
        if (sniff.isCsv || !sniff.hasKey("properties") || !anyKey(sniff, {"category", "resulttype", "operationname"}))
            return 0;
        // Directory audit records (AuditLogs) carry activityDisplayName and no sign-in identity.
        if (sniff.hasNestedKey("activitydisplayname"))
            return 0;
        if (anyNestedKey(sniff, {"userprincipalname", "serviceprincipalid", "serviceprincipalname"})
            && anyNestedKey(sniff, {"ipaddress", "status", "appid", "createddatetime", "appdisplayname"}))
            return 92;
        return 0;
    }

protected:
    bool normalize(const Fields &record, DateOrder order, Event &event, std::string *reason) const override
    {
        // Event Hub streams mix categories line by line: directory changes (AuditLogs) among
        // the sign-ins are read as what they are; other categories are not ours to read.
        const std::string_view category = trim(record.text("category"));
        if (!category.empty() && findI(category, "SignIn") == std::string_view::npos) {
            if (iequals(category, "AuditLogs"))
                return normalizeDirectoryAuditRecord(record, order, event, reason);
            *reason = "category '" + std::string(category) + "' is not a sign-in or directory audit log";
            return false;
        }
        const auto properties = record.object("properties");
        if (!properties) {
            *reason = "no \"properties\" object holding the sign-in";
            return false;
        }
        return normalizeSignInRecord(*properties, &record, order, event, reason);
    }
};

// Sentinel's SigninLogs (and AADNonInteractiveUserSignInLogs) exported from Log Analytics.
class LogAnalyticsSignInCsvReader final : public CsvFormatReader
{
public:
    const char *id() const override { return "loganalytics-signins-csv"; }
    const char *description() const override { return "Log Analytics SigninLogs export (CSV)"; }
    int score(const Sniff &sniff) const override
    {
        if (!sniff.isCsv || sniff.hasColumn("Request ID"))
            return 0;
        if (!anyColumn(sniff, {"UserPrincipalName", "IPAddress"}))
            return 0;
        if (anyColumn(sniff, {"LocationDetails", "LocationDetails_dynamic", "LocationDetails_string",
                              "RiskLevelDuringSignIn", "ConditionalAccessStatus", "ClientAppUsed",
                              "AuthenticationRequirement"}))
            return 90;
        return 0;
    }

protected:
    std::vector<std::string_view> localeTimeColumns() const override { return {"CreatedDateTime", "TimeGenerated"}; }
    bool normalize(const Fields &row, DateOrder order, Event &event, std::string *reason) const override
    {
        return normalizeSignInRecord(row, nullptr, order, event, reason);
    }
};

class LogAnalyticsSignInJsonReader final : public JsonFormatReader
{
public:
    const char *id() const override { return "loganalytics-signins-json"; }
    const char *description() const override { return "Log Analytics SigninLogs export (JSON)"; }
    int score(const Sniff &sniff) const override
    {
        if (sniff.isCsv || sniff.hasKey("properties") || !hasLogAnalyticsKey(sniff))
            return 0;
        if (anyKey(sniff, {"userprincipalname", "ipaddress"}) && hasSignInOnlyKey(sniff))
            return 90;
        return 0;
    }

protected:
    bool normalize(const Fields &record, DateOrder order, Event &event, std::string *reason) const override
    {
        return normalizeSignInRecord(record, nullptr, order, event, reason);
    }
};

} // namespace

void addSignInReaders(std::vector<std::unique_ptr<FormatReader>> &readers)
{
    readers.push_back(std::make_unique<GraphSignInJsonReader>());
    readers.push_back(std::make_unique<EntraPortalSignInCsvReader>());
    readers.push_back(std::make_unique<AzureMonitorSignInReader>());
    readers.push_back(std::make_unique<LogAnalyticsSignInCsvReader>());
    readers.push_back(std::make_unique<LogAnalyticsSignInJsonReader>());
}

} // namespace mp
