// Readers for other Microsoft logs found next to the mailbox exports: Entra ID directory audit
// logs (AuditLogs) and Defender XDR advanced hunting exports.
#include "ingest/auditfields.h"
#include "ingest/formatreader.h"
#include "ingest/signinfields.h"

#include "util/ipaddr.h"
#include "util/strings.h"

#include <optional>

namespace mp {

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

// The first non-empty field of `primary`, then of `fallback`: Azure Monitor records keep the audit
// record in "properties" and repeat a few fields (time, operationName, callerIpAddress) around it.
std::string_view firstOf(const Fields &primary, const Fields *fallback, std::initializer_list<std::string_view> paths)
{
    const std::string_view value = primary.firstText(paths);
    if (!value.empty() || !fallback)
        return value;
    return fallback->firstText(paths);
}

// modifiedProperties values are JSON written into a string: a scalar comes quoted ("\"Mail.Read\"").
// Unquoting it once gives detectors the value itself; arrays and objects stay JSON text.
std::string unquoteJsonString(ParseArena &arena, std::string_view text)
{
    const std::string_view trimmed = trim(text);
    if (trimmed.size() >= 2 && trimmed.front() == '"' && trimmed.back() == '"') {
        if (auto parsed = arena.parse(trimmed); parsed && parsed->type() == element_type::STRING)
            return std::string(parsed->get_string().value_unsafe());
    }
    return std::string(text);
}

std::string_view objectText(ParseArena &arena, simdjson::dom::object object, std::string_view key)
{
    element value;
    if (object.at_key_case_insensitive(key).get(value))
        return {};
    return Fields::elementText(arena, value);
}

// Entra ID directory audit records in the three shapes they are exported in:
// - Log Analytics / Sentinel AuditLogs (CSV or JSON): PascalCase columns, InitiatedBy and
//   TargetResources as JSON text;
// - Azure Monitor diagnostic settings: {time, operationName, category, callerIpAddress,
//   properties:{activityDisplayName, initiatedBy, targetResources, result, ...}};
// - Graph auditLogs/directoryAudits: activityDateTime, activityDisplayName, initiatedBy (objects).
//
// Choices: the operation is the activity's display name (what the portal shows); the time is when
// the activity happened (activityDateTime) before when it was logged (TimeGenerated, time); the
// user is the initiator's UPN, or the initiating application's display name (lower case, like
// every user); the object is the first target's UPN, else its display name, else its id; the
// parameters are every target's modifiedProperties as [{Name, Value}] with Value = newValue.
bool normalizeDirectoryAudit(const Fields &record, DateOrder order, Event &event, std::string *reason)
{
    event.kind = EventKind::Audit;
    event.workload = "AzureActiveDirectory";
    const std::optional<Fields> properties = record.object("properties");
    const Fields &audit = properties ? *properties : record;
    const Fields *envelope = properties ? &record : nullptr;
    ParseArena &arena = record.arena();

    event.operation = std::string(trim(firstOf(audit, envelope, {"activityDisplayName", "OperationName"})));
    if (event.operation.empty()) {
        *reason = "no activity name (OperationName / activityDisplayName)";
        return false;
    }

    const std::string_view time = firstOf(audit, envelope, {"activityDateTime", "TimeGenerated", "time"});
    if (!time.empty()) {
        const auto ms = parseTimestamp(time, order);
        if (!ms) {
            *reason = "unreadable time '" + std::string(time.substr(0, 40)) + "'";
            return false;
        }
        event.timeMs = *ms;
    }

    event.recordId = std::string(trim(audit.text("id")));
    event.correlationId = std::string(trim(firstOf(audit, envelope, {"correlationId"})));
    // Azure Monitor's outer category is the log ("AuditLogs"); the audit's own is inside.
    event.recordType = std::string(firstOf(audit, envelope, {"category"}));

    event.resultStatus = std::string(firstOf(audit, envelope, {"result"}));
    const std::string_view resultReason = trim(audit.text("resultReason"));
    if (!resultReason.empty())
        event.resultStatus += (event.resultStatus.empty() ? "" : ": ") + std::string(resultReason);

    // The initiator: a user (with the address it came from) or an application.
    std::string user(trim(audit.text("initiatedBy.user.userPrincipalName")));
    const std::string_view appName = trim(audit.firstText({"initiatedBy.app.displayName", "initiatedBy.app.servicePrincipalName"}));
    const std::string_view appId = trim(audit.text("initiatedBy.app.appId"));
    if (user.empty())
        user = std::string(appName);
    if (user.empty())
        user = std::string(trim(record.text("InitiatingUserOrApp"))); // Sentinel hunting queries
    event.user = toLowerAscii(user);
    event.app = std::string(!appName.empty() ? appName : appId);

    // Azure Monitor writes "<null>" where an application, not a user, made the change.
    auto absent = [](std::string_view v) { return v.empty() || v == "<null>" || v == "null"; };
    std::string_view ip = audit.text("initiatedBy.user.ipAddress");
    if (absent(ip))
        ip = firstOf(audit, envelope, {"callerIpAddress", "InitiatingIpAddress"});
    if (absent(ip))
        ip = {};
    if (!ip.empty() && !normalizeIp(ip, event.ip)) {
        *reason = "unreadable initiator IP address '" + std::string(ip.substr(0, 60)) + "'";
        return false;
    }

    // The user agent travels in additionalDetails as {"key":"User-Agent","value":...}.
    if (auto details = audit.json("additionalDetails")) {
        simdjson::dom::array array;
        if (!details->get_array().get(array)) {
            for (element item : array) {
                simdjson::dom::object object;
                if (!item.get_object().get(object) && iequals(objectText(arena, object, "key"), "User-Agent")) {
                    event.userAgent = std::string(objectText(arena, object, "value"));
                    break;
                }
            }
        }
    }
    if (event.userAgent.empty())
        event.userAgent = std::string(firstOf(audit, envelope, {"userAgent"}));

    std::vector<NameValue> modified;
    if (auto targets = audit.json("targetResources")) {
        simdjson::dom::array array;
        if (targets->get_array().get(array)) {
            *reason = "targetResources is not a JSON array";
            return false;
        }
        for (element target : array) {
            simdjson::dom::object object;
            if (target.get_object().get(object))
                continue;
            if (event.objectId.empty()) {
                const std::string_view upn = trim(objectText(arena, object, "userPrincipalName"));
                if (!upn.empty())
                    event.objectId = toLowerAscii(upn);
                else
                    event.objectId = std::string(trim(objectText(arena, object, "displayName")));
                if (event.objectId.empty())
                    event.objectId = std::string(trim(objectText(arena, object, "id")));
            }
            simdjson::dom::array properties;
            if (object.at_key_case_insensitive("modifiedProperties").get_array().get(properties))
                continue;
            for (element property : properties) {
                simdjson::dom::object p;
                if (property.get_object().get(p))
                    continue;
                std::string name(objectText(arena, p, "displayName"));
                if (name.empty())
                    continue;
                modified.emplace_back(std::move(name), unquoteJsonString(arena, objectText(arena, p, "newValue")));
            }
        }
    } else if (!trim(audit.text("targetResources")).empty()) {
        *reason = "targetResources is not valid JSON";
        return false;
    }
    event.parameters = parametersJson(modified);

    if (event.user.empty() && !event.hasTime()) {
        *reason = "neither an initiator nor a time";
        return false;
    }
    return true;
}

class DirectoryAuditCsvReader final : public CsvFormatReader
{
public:
    const char *id() const override { return "entra-directory-audit-csv"; }
    const char *description() const override { return "Entra ID directory audit log, Log Analytics AuditLogs (CSV)"; }
    int score(const Sniff &sniff) const override
    {
        if (!sniff.isCsv || !(sniff.hasColumn("OperationName") || sniff.hasColumn("ActivityDisplayName")))
            return 0;
        // SigninLogs queries may carry InitiatedBy too (a union with AuditLogs): only targets or
        // the logging service make it an audit record.
        if (sniff.hasColumn("TargetResources"))
            return 93;
        if (sniff.hasColumn("InitiatedBy") && sniff.hasColumn("LoggedByService"))
            return 88;
        return 0;
    }

protected:
    std::vector<std::string_view> localeTimeColumns() const override
    {
        return {"TimeGenerated", "ActivityDateTime"};
    }
    bool normalize(const Fields &row, DateOrder order, Event &event, std::string *reason) const override
    {
        return normalizeDirectoryAudit(row, order, event, reason);
    }
};

class DirectoryAuditJsonReader final : public JsonFormatReader
{
public:
    const char *id() const override { return "entra-directory-audit-json"; }
    const char *description() const override
    {
        return "Entra ID directory audit log, AuditLogs / Azure Monitor / Graph directoryAudits (JSON)";
    }
    int score(const Sniff &sniff) const override
    {
        if (sniff.isCsv)
            return 0;
        const bool named = sniff.hasKey("operationname") || sniff.hasKey("activitydisplayname");
        const bool audit = sniff.hasKey("initiatedby") || sniff.hasKey("targetresources")
            || sniff.hasKey("loggedbyservice");
        if (named && audit)
            return 93;
        // Azure Monitor: the audit record is the "properties" object. Sign-in records there have
        // none of these keys.
        if (sniff.hasKey("properties")
            && (sniff.hasNestedKey("initiatedby") || sniff.hasNestedKey("targetresources")
                || sniff.hasNestedKey("activitydisplayname") || sniff.hasNestedKey("loggedbyservice")))
            return 91;
        return 0;
    }

protected:
    bool normalize(const Fields &record, DateOrder order, Event &event, std::string *reason) const override
    {
        // Azure Monitor streams (storage blobs, Event Hub) mix categories line by line: the
        // sign-ins among them are read as sign-ins, not as directory changes.
        const std::string_view category = trim(record.text("category"));
        if (!category.empty() && findI(category, "SignIn") != std::string_view::npos) {
            if (const auto properties = record.object("properties"))
                return normalizeSignInRecord(*properties, &record, order, event, reason);
        }
        return normalizeDirectoryAudit(record, order, event, reason);
    }
};

// Defender XDR advanced hunting results: the device tables (Timestamp, ActionType, DeviceName,
// AccountName, RemoteIP, ...), IdentityDirectoryEvents and CloudAppEvents (Application,
// AccountDisplayName, IPAddress, RawEventData: the unified audit record behind the row).
//
// Choices: the user is the account's UPN, else the audited mailbox user of RawEventData, else the
// account name, else the initiating process's account (lower case); the object is the device; the
// record id combines ReportId with the device and the time, because ReportId is only a per-device
// counter in the device tables; parameters, forwarding and rule names come from RawEventData when
// the row is an Exchange cmdlet.
bool normalizeDefenderRecord(const Fields &record, DateOrder order, Event &event, std::string *reason)
{
    event.kind = EventKind::Audit;
    event.operation = std::string(trim(record.text("ActionType")));
    if (event.operation.empty()) {
        *reason = "no ActionType";
        return false;
    }
    const std::string_view time = record.firstText({"Timestamp", "TimeGenerated"});
    if (time.empty()) {
        *reason = "no Timestamp";
        return false;
    }
    const auto ms = parseTimestamp(time, order);
    if (!ms) {
        *reason = "unreadable time '" + std::string(time.substr(0, 40)) + "'";
        return false;
    }
    event.timeMs = *ms;

    const std::string_view application = trim(record.text("Application"));
    event.workload = application.empty() ? "DefenderXDR" : std::string(application);
    event.recordType = std::string(trim(record.text("Type")));

    std::string_view user = record.firstText({"AccountUpn", "RawEventData.UserId", "UserId"});
    if (user.empty())
        user = record.firstText({"AccountName", "InitiatingProcessAccountUpn", "InitiatingProcessAccountName"});
    event.user = toLowerAscii(trim(user));

    const std::string_view ip = record.firstText({"RemoteIP", "IPAddress", "LocalIP"});
    if (!ip.empty() && !normalizeIp(ip, event.ip)) {
        *reason = "unreadable IP address '" + std::string(ip.substr(0, 60)) + "'";
        return false;
    }

    event.objectId = std::string(trim(record.text("DeviceName")));
    // CloudAppEvents name the object acted on (a file, a mailbox); for some actions it is only
    // the action's name again, which says nothing.
    if (const std::string_view object = trim(record.text("ObjectName")); event.objectId.empty() && object != event.operation)
        event.objectId = std::string(object);
    event.app = std::string(trim(record.firstText({"OAuthAppId", "RawEventData.ClientAppId", "RawEventData.AppId"})));
    event.userAgent = std::string(record.firstText({"UserAgent", "UserAgent_string"}));
    event.country = std::string(trim(record.text("CountryCode")));
    event.city = std::string(trim(record.text("City")));
    event.resultStatus = std::string(record.text("RawEventData.ResultStatus"));

    const std::string_view reportId = trim(record.firstText({"ReportId", "ReportId_long", "ReportId_string"}));
    if (!reportId.empty()) {
        event.recordId = std::string(reportId);
        const std::string_view device = trim(record.firstText({"DeviceId", "DeviceName"}));
        if (!device.empty())
            event.recordId += "|" + std::string(device);
        event.recordId += "|" + std::to_string(event.timeMs);
    }

    if (const auto raw = record.object("RawEventData")) {
        auto parameters = parseParameters(*raw, "Parameters");
        const auto properties = parseParameters(*raw, "OperationProperties");
        parameters.insert(parameters.end(), properties.begin(), properties.end());
        event.parameters = parametersJson(parameters);
        event.forwardTargets = forwardingTargets(parameters);
        for (const auto &[name, value] : parameters) {
            if (iequals(name, "RuleName")
                || (iequals(name, "Name") && findI(event.operation, "InboxRule") != std::string_view::npos)) {
                event.ruleName = value;
                break;
            }
        }
    }
    return true;
}

class DefenderCsvReader final : public CsvFormatReader
{
public:
    const char *id() const override { return "defender-xdr-csv"; }
    const char *description() const override { return "Defender XDR advanced hunting export (CSV)"; }
    int score(const Sniff &sniff) const override
    {
        if (!sniff.isCsv || !sniff.hasColumn("ActionType") || !sniff.hasColumn("Timestamp"))
            return 0;
        return 90;
    }

protected:
    std::vector<std::string_view> localeTimeColumns() const override { return {"Timestamp"}; }
    bool normalize(const Fields &row, DateOrder order, Event &event, std::string *reason) const override
    {
        return normalizeDefenderRecord(row, order, event, reason);
    }
};

class DefenderJsonReader final : public JsonFormatReader
{
public:
    const char *id() const override { return "defender-xdr-json"; }
    const char *description() const override { return "Defender XDR advanced hunting export (JSON)"; }
    int score(const Sniff &sniff) const override
    {
        if (sniff.isCsv || !sniff.hasKey("actiontype") || !sniff.hasKey("timestamp"))
            return 0;
        return 90;
    }

protected:
    bool normalize(const Fields &record, DateOrder order, Event &event, std::string *reason) const override
    {
        return normalizeDefenderRecord(record, order, event, reason);
    }
};

} // namespace

bool normalizeDirectoryAuditRecord(const Fields &record, DateOrder order, Event &event, std::string *reason)
{
    return normalizeDirectoryAudit(record, order, event, reason);
}

void addDirectoryReaders(std::vector<std::unique_ptr<FormatReader>> &readers)
{
    readers.push_back(std::make_unique<DirectoryAuditCsvReader>());
    readers.push_back(std::make_unique<DirectoryAuditJsonReader>());
    readers.push_back(std::make_unique<DefenderCsvReader>());
    readers.push_back(std::make_unique<DefenderJsonReader>());
}

} // namespace mp
