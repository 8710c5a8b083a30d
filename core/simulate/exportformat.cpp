#include "simulate/exportformat.h"

#include "util/timeparse.h"

#include <algorithm>
#include <charconv>
#include <cstring>

namespace mp::sim {

namespace {

// A JSON builder for the hot path of --scale (millions of records): appends runs of plain text
// whole instead of one character at a time. The simulator's text is its own (ASCII and a few
// UTF-8 names), so only quotes, backslashes and control characters need escaping.
class JsonOut
{
public:
    // Writes into `target` when given (no copy of each record), else into its own string.
    explicit JsonOut(std::string *target = nullptr)
        : m_out(target ? *target : m_own)
    {
    }
    JsonOut(const JsonOut &) = delete;
    JsonOut &operator=(const JsonOut &) = delete;

    void beginObject() { open('{'); }
    void endObject() { close('}'); }
    void beginArray() { open('['); }
    void endArray() { close(']'); }
    void key(std::string_view name)
    {
        // Keys are the simulator's own constants: no escaping, one write for `,"name":`.
        char *p = grow(name.size() + (m_needComma ? 4 : 3));
        if (m_needComma)
            *p++ = ',';
        *p++ = '"';
        std::memcpy(p, name.data(), name.size());
        p += name.size();
        *p++ = '"';
        *p = ':';
        m_needComma = false;
    }
    void value(std::string_view text)
    {
        separate();
        appendString(text);
    }
    void value(const char *text) { value(std::string_view(text)); }
    void value(const std::string &text) { value(std::string_view(text)); }
    void value(std::int64_t number)
    {
        char buf[24];
        const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, number);
        (void)ec;
        raw(std::string_view(buf, static_cast<std::size_t>(end - buf)));
    }
    void value(int number) { value(static_cast<std::int64_t>(number)); }
    void value(bool flag) { raw(flag ? "true" : "false"); }
    void null() { raw("null"); }
    void raw(std::string_view json)
    {
        char *p = grow(json.size() + (m_needComma ? 1 : 0));
        if (m_needComma)
            *p++ = ',';
        std::memcpy(p, json.data(), json.size());
        m_needComma = true;
    }
    // Skips empty text, like JsonWriter::field: sparse records leave fields out.
    void field(std::string_view name, std::string_view text)
    {
        if (text.empty())
            return;
        key(name);
        value(text);
    }
    const std::string &text() const { return m_out; }
    std::string take() { return std::move(m_out); }

private:
    // One resize per token instead of one call per character: std::string's members are
    // instantiated out of line (extern template), so push_back is a function call each time.
    char *grow(std::size_t n)
    {
        const std::size_t old = m_out.size();
        m_out.resize(old + n);
        return m_out.data() + old;
    }
    void open(char c)
    {
        char *p = grow(m_needComma ? 2 : 1);
        if (m_needComma)
            *p++ = ',';
        *p = c;
        m_needComma = false;
    }
    void close(char c)
    {
        *grow(1) = c;
        m_needComma = true;
    }
    void separate()
    {
        if (m_needComma)
            *grow(1) = ',';
        m_needComma = true;
    }
    void appendString(std::string_view text)
    {
        std::size_t plain = 0;
        while (plain < text.size()) {
            const auto c = static_cast<unsigned char>(text[plain]);
            if (c == '"' || c == '\\' || c < 0x20)
                break;
            ++plain;
        }
        if (plain == text.size()) {
            char *p = grow(text.size() + 2);
            *p++ = '"';
            std::memcpy(p, text.data(), text.size());
            p[text.size()] = '"';
            return;
        }
        *grow(1) = '"';
        std::size_t runStart = 0;
        for (std::size_t i = 0; i < text.size(); ++i) {
            const auto c = static_cast<unsigned char>(text[i]);
            if (c != '"' && c != '\\' && c >= 0x20)
                continue;
            m_out.append(text.substr(runStart, i - runStart));
            runStart = i + 1;
            switch (c) {
            case '"':
                m_out.append("\\\"");
                break;
            case '\\':
                m_out.append("\\\\");
                break;
            case '\n':
                m_out.append("\\n");
                break;
            case '\r':
                m_out.append("\\r");
                break;
            case '\t':
                m_out.append("\\t");
                break;
            default: {
                static const char *hex = "0123456789abcdef";
                const char escaped[] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
                m_out.append(escaped, sizeof escaped);
            }
            }
        }
        m_out.append(text.substr(runStart));
        *grow(1) = '"';
    }

    std::string m_own;
    std::string &m_out;
    bool m_needComma = false;
};

struct Clock
{
    CivilDate date;
    int hour, minute, second;
};

Clock split(std::int64_t ms)
{
    std::int64_t seconds = ms / 1000;
    std::int64_t days = seconds / 86400;
    std::int64_t rest = seconds % 86400;
    if (rest < 0) {
        rest += 86400;
        --days;
    }
    return {civilFromDays(days), static_cast<int>(rest / 3600), static_cast<int>(rest / 60 % 60), static_cast<int>(rest % 60)};
}

void append2(std::string &out, int value)
{
    out.push_back(static_cast<char>('0' + value / 10));
    out.push_back(static_cast<char>('0' + value % 10));
}

void appendInt(std::string &out, std::int64_t value)
{
    char buf[24];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
    (void)ec;
    out.append(buf, end);
}

// Coordinates through to_chars: snprintf would follow the process locale (a decimal comma under
// de_DE once Qt has called setlocale) and break both the JSON and byte-identical output.
std::string coordinate(double value)
{
    char buf[32];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed, 4);
    (void)ec;
    return std::string(buf, end);
}

const char *recordTypeName(AuditRecord::Kind kind)
{
    switch (kind) {
    case AuditRecord::Kind::UserLoggedIn:
    case AuditRecord::Kind::UserLoginFailed:
        return "AzureActiveDirectoryStsLogon";
    case AuditRecord::Kind::MailboxItem:
        return "ExchangeItem";
    case AuditRecord::Kind::MailItemsAccessed:
        return "ExchangeItemAggregated";
    case AuditRecord::Kind::AdminCmdlet:
        return "ExchangeAdmin";
    }
    return "ExchangeItem";
}

int recordTypeNumber(AuditRecord::Kind kind)
{
    switch (kind) {
    case AuditRecord::Kind::UserLoggedIn:
    case AuditRecord::Kind::UserLoginFailed:
        return 15;
    case AuditRecord::Kind::MailboxItem:
        return 2;
    case AuditRecord::Kind::MailItemsAccessed:
        return 50;
    case AuditRecord::Kind::AdminCmdlet:
        return 1;
    }
    return 2;
}

void nameValues(JsonOut &w, std::string_view key, const NameValues &values)
{
    w.key(key);
    w.beginArray();
    for (const auto &[name, value] : values) {
        w.beginObject();
        w.key("Name");
        w.value(name);
        w.key("Value");
        w.value(value);
        w.endObject();
    }
    w.endArray();
}

// The client address without its port: ClientIPAddress in Exchange records.
std::string_view bareIp(std::string_view ip)
{
    if (!ip.empty() && ip.front() == '[') {
        const auto close = ip.find(']');
        return close == std::string_view::npos ? ip : ip.substr(1, close - 1);
    }
    if (ip.find('.') != std::string_view::npos) {
        const auto colon = ip.find(':');
        if (colon != std::string_view::npos)
            return ip.substr(0, colon);
    }
    return ip;
}

void appContext(JsonOut &w, const AuditRecord &r)
{
    if (r.aadSessionId.empty() && r.uniqueTokenId.empty())
        return;
    w.key("AppAccessContext");
    w.beginObject();
    if (!r.aadSessionId.empty())
        w.field("AADSessionId", r.aadSessionId);
    // Tokens are issued some minutes before use; the exact time matters to nobody downstream.
    w.field("IssuedAtTime", isoSeconds(r.timeMs - 7 * 60 * 1000, false));
    if (!r.uniqueTokenId.empty())
        w.field("UniqueTokenId", r.uniqueTokenId);
    w.endObject();
}

void exchangeCommon(JsonOut &w, const AuditRecord &r, std::string_view organizationName)
{
    w.field("AppId", r.appId);
    w.key("ClientAppId");
    w.value(r.clientAppId);
    appContext(w, r);
    w.field("ClientIPAddress", bareIp(r.clientIp));
    w.field("ClientInfoString", r.clientInfo);
    w.key("ExternalAccess");
    w.value(false);
    w.key("InternalLogonType");
    w.value(0);
    w.key("LogonType");
    w.value(0);
    w.field("MailboxGuid", r.mailboxGuid);
    w.field("MailboxOwnerUPN", r.mailboxOwner.empty() ? r.user : r.mailboxOwner);
    w.field("OrganizationName", organizationName);
    w.field("OriginatingServer", r.originatingServer);
    w.field("SessionId", r.sessionId);
}

} // namespace

std::string isoSeconds(std::int64_t ms, bool zulu)
{
    const Clock c = split(ms);
    std::string out;
    out.reserve(21);
    appendInt(out, c.date.year);
    out.push_back('-');
    append2(out, static_cast<int>(c.date.month));
    out.push_back('-');
    append2(out, static_cast<int>(c.date.day));
    out.push_back('T');
    append2(out, c.hour);
    out.push_back(':');
    append2(out, c.minute);
    out.push_back(':');
    append2(out, c.second);
    if (zulu)
        out.push_back('Z');
    return out;
}

std::string usLocaleTime(std::int64_t ms)
{
    const Clock c = split(ms);
    std::string out;
    out.reserve(22);
    appendInt(out, c.date.month);
    out.push_back('/');
    appendInt(out, c.date.day);
    out.push_back('/');
    appendInt(out, c.date.year);
    out.push_back(' ');
    const int hour12 = c.hour % 12 == 0 ? 12 : c.hour % 12;
    appendInt(out, hour12);
    out.push_back(':');
    append2(out, c.minute);
    out.push_back(':');
    append2(out, c.second);
    out.append(c.hour < 12 ? " AM" : " PM");
    return out;
}

std::string_view graphPageHead()
{
    return "{\"@odata.context\":\"https://graph.microsoft.com/beta/$metadata#auditLogs/signIns\",\"value\":[\n";
}

std::string_view graphPageTail()
{
    return "\n]}\n";
}

void appendGraphSignIn(std::string &out, const SignIn &s)
{
    JsonOut w(&out);
    w.beginObject();
    w.field("id", s.id);
    w.field("createdDateTime", isoSeconds(s.timeMs, true));
    w.field("userDisplayName", s.displayName);
    w.field("userPrincipalName", s.user);
    w.field("userId", s.userObjectId);
    w.field("appId", s.appId);
    w.field("appDisplayName", s.appDisplayName);
    w.field("ipAddress", s.place.ip);
    w.field("clientAppUsed", s.clientAppUsed);
    w.key("userAgent");
    w.value(s.userAgent);
    w.field("correlationId", s.correlationId);
    w.field("conditionalAccessStatus", s.errorCode == 0 ? "success" : "notApplied");
    w.key("isInteractive");
    w.value(s.interactive);
    w.field("riskDetail", s.riskDetail);
    w.field("riskLevelAggregated", s.riskLevel);
    w.field("riskLevelDuringSignIn", s.riskLevel);
    w.field("riskState", s.riskState);
    for (const char *key : {"riskEventTypes", "riskEventTypes_v2"}) {
        w.key(key);
        w.beginArray();
        for (const auto &type : s.riskEventTypes)
            w.value(type);
        w.endArray();
    }
    w.field("resourceDisplayName", s.resourceDisplayName);
    w.field("resourceId", s.resourceId);
    w.field("uniqueTokenIdentifier", s.uniqueTokenIdentifier);
    w.field("sessionId", s.sessionId);
    w.field("authenticationRequirement", s.authenticationRequirement);
    w.key("autonomousSystemNumber");
    w.value(static_cast<std::int64_t>(s.place.asn));
    w.key("status");
    w.beginObject();
    w.key("errorCode");
    w.value(static_cast<std::int64_t>(s.errorCode));
    w.key("failureReason");
    w.value(s.errorCode == 0 ? std::string_view("Other.") : std::string_view(s.failureReason));
    w.key("additionalDetails");
    w.null();
    w.endObject();
    w.key("deviceDetail");
    w.beginObject();
    w.key("deviceId");
    w.value("");
    w.key("displayName");
    w.value("");
    w.field("operatingSystem", s.operatingSystem);
    w.key("browser");
    w.value(s.browser);
    w.key("isCompliant");
    w.value(false);
    w.key("isManaged");
    w.value(false);
    w.key("trustType");
    w.value("");
    w.endObject();
    w.key("location");
    w.beginObject();
    w.field("city", s.place.city);
    w.field("state", s.place.state);
    w.field("countryOrRegion", s.place.country);
    w.key("geoCoordinates");
    w.beginObject();
    w.key("altitude");
    w.null();
    w.key("latitude");
    w.raw(coordinate(s.place.latitude));
    w.key("longitude");
    w.raw(coordinate(s.place.longitude));
    w.endObject();
    w.endObject();
    w.endObject();
}

std::string_view purviewHeader()
{
    // Purview's download starts with a UTF-8 byte order mark so that Excel reads it as UTF-8.
    return "\xEF\xBB\xBFRecordId,CreationDate,RecordType,Operation,UserId,AuditData,AssociatedAdminUnits,"
           "AssociatedAdminUnitsNames\r\n";
}

std::string auditDataJson(const AuditRecord &r, std::string_view tenantId, std::string_view organizationName)
{
    JsonOut w;
    w.beginObject();
    w.field("CreationTime", isoSeconds(r.timeMs, false));
    w.field("Id", r.id);
    w.field("Operation", r.operation);
    w.field("OrganizationId", tenantId);
    w.key("RecordType");
    w.value(recordTypeNumber(r.kind));
    w.field("ResultStatus", r.resultStatus);
    w.field("UserKey", r.userKey);
    w.key("UserType");
    w.value(0);
    w.key("Version");
    w.value(1);
    const bool logon = r.kind == AuditRecord::Kind::UserLoggedIn || r.kind == AuditRecord::Kind::UserLoginFailed;
    w.field("Workload", logon ? "AzureActiveDirectory" : "Exchange");
    w.field("ClientIP", r.clientIp);
    w.field("ObjectId", r.objectId);
    w.field("UserId", r.user);
    switch (r.kind) {
    case AuditRecord::Kind::UserLoggedIn:
    case AuditRecord::Kind::UserLoginFailed: {
        w.key("AzureActiveDirectoryEventType");
        w.value(1);
        const bool ok = r.kind == AuditRecord::Kind::UserLoggedIn;
        nameValues(w, "ExtendedProperties",
                   {{"ResultStatusDetail", ok ? "Redirect" : "UserError"},
                    {"UserAgent", r.userAgent},
                    {"RequestType", r.requestType.empty() ? "OAuth2:Authorize" : r.requestType}});
        w.key("ModifiedProperties");
        w.beginArray();
        w.endArray();
        w.key("Actor");
        w.beginArray();
        w.beginObject();
        w.field("ID", r.userKey);
        w.key("Type");
        w.value(0);
        w.endObject();
        w.beginObject();
        w.field("ID", r.user);
        w.key("Type");
        w.value(5);
        w.endObject();
        w.endArray();
        w.field("ActorContextId", tenantId);
        w.field("ActorIpAddress", r.clientIp);
        w.field("InterSystemsId", r.uniqueTokenId);
        w.field("IntraSystemId", r.sessionId);
        w.key("SupportTicketId");
        w.value("");
        w.key("Target");
        w.beginArray();
        w.beginObject();
        w.field("ID", r.objectId);
        w.key("Type");
        w.value(0);
        w.endObject();
        w.endArray();
        w.field("TargetContextId", tenantId);
        w.field("ApplicationId", r.appId);
        if (!r.aadSessionId.empty())
            nameValues(w, "DeviceProperties", {{"SessionId", r.aadSessionId}});
        w.key("ErrorNumber");
        w.value(std::to_string(r.errorNumber < 0 ? 0 : r.errorNumber));
        if (!ok)
            w.field("LogonError", r.logonError);
        break;
    }
    case AuditRecord::Kind::MailboxItem:
        exchangeCommon(w, r, organizationName);
        if (!r.operationProperties.empty())
            nameValues(w, "OperationProperties", r.operationProperties);
        if (!r.subject.empty() || !r.internetMessageId.empty()) {
            w.key("Item");
            w.beginObject();
            w.field("Id", "RgAAAAD" + r.id.substr(0, 8) + "BwA" + r.mailboxGuid.substr(0, 12));
            w.field("InternetMessageId", r.internetMessageId);
            w.key("ParentFolder");
            w.beginObject();
            w.field("Id", "LgAAAAD" + r.mailboxGuid.substr(0, 12) + "AQ");
            w.field("Path", r.folderPath.empty() ? std::string("\\Sent Items") : r.folderPath);
            w.endObject();
            w.key("SizeInBytes");
            w.value(r.sizeBytes);
            w.key("Subject");
            w.value(r.subject);
            w.endObject();
        }
        break;
    case AuditRecord::Kind::MailItemsAccessed:
        exchangeCommon(w, r, organizationName);
        w.key("OperationCount");
        w.value(static_cast<std::int64_t>(r.accessedItems.size()));
        nameValues(w, "OperationProperties",
                   {{"MailAccessType", r.mailAccessType.empty() ? std::string("Bind") : r.mailAccessType},
                    {"IsThrottled", "False"}});
        w.key("Folders");
        w.beginArray();
        w.beginObject();
        w.key("FolderItems");
        w.beginArray();
        for (const auto &[messageId, size] : r.accessedItems) {
            w.beginObject();
            w.field("InternetMessageId", messageId);
            w.key("SizeInBytes");
            w.value(size);
            w.endObject();
        }
        w.endArray();
        w.field("Id", "LgAAAAD" + r.mailboxGuid.substr(0, 12) + "AQ");
        w.field("Path", r.folderPath.empty() ? std::string("\\Inbox") : r.folderPath);
        w.endObject();
        w.endArray();
        break;
    case AuditRecord::Kind::AdminCmdlet:
        w.field("AppId", r.appId);
        w.field("AppPoolName", "MSExchangeAdminApiNetCore");
        w.key("ClientAppId");
        w.value(r.clientAppId);
        appContext(w, r);
        w.key("CorrelationID");
        w.value("");
        w.key("ExternalAccess");
        w.value(false);
        w.field("OrganizationName", organizationName);
        w.field("OriginatingServer", r.originatingServer);
        nameValues(w, "Parameters", r.parameters);
        w.field("SessionId", r.sessionId);
        break;
    }
    w.endObject();
    return w.take();
}

void appendPurviewRow(std::string &out, const AuditRecord &r, std::string_view tenantId, std::string_view organizationName)
{
    appendCsvCell(out, r.id, false);
    out.push_back(',');
    appendCsvCell(out, usLocaleTime(r.timeMs), false);
    out.push_back(',');
    out += recordTypeName(r.kind);
    out.push_back(',');
    appendCsvCell(out, r.operation, false);
    out.push_back(',');
    appendCsvCell(out, r.user, false);
    out.push_back(',');
    appendCsvCell(out, auditDataJson(r, tenantId, organizationName), true);
    out.append(",,\r\n");
}

std::string_view messageTraceHeader()
{
    return "\"Received\",\"SenderAddress\",\"RecipientAddress\",\"Subject\",\"Status\",\"ToIP\",\"FromIP\",\"Size\","
           "\"MessageId\",\"MessageTraceId\"\r\n";
}

void appendMessageTraceRow(std::string &out, const MessageRow &m)
{
    appendCsvCell(out, usLocaleTime(m.timeMs), true);
    for (const std::string *cell : {&m.sender, &m.recipient, &m.subject, &m.status, &m.toIp, &m.fromIp}) {
        out.push_back(',');
        appendCsvCell(out, *cell, true);
    }
    out.push_back(',');
    appendCsvCell(out, std::to_string(m.size), true);
    out.push_back(',');
    appendCsvCell(out, m.messageId, true);
    out.push_back(',');
    appendCsvCell(out, m.traceId, true);
    out.append("\r\n");
}

void appendCsvCell(std::string &out, std::string_view text, bool alwaysQuote)
{
    const bool quote = alwaysQuote || text.find_first_of(",\"\r\n") != std::string_view::npos;
    if (!quote) {
        out += text;
        return;
    }
    // One resize and a plain loop: an AuditData cell holds a hundred quotes, and this is most of
    // the time --scale spends on audit rows.
    const auto quotes = static_cast<std::size_t>(std::count(text.begin(), text.end(), '"'));
    const std::size_t old = out.size();
    out.resize(old + text.size() + quotes + 2);
    char *p = out.data() + old;
    *p++ = '"';
    for (const char c : text) {
        *p++ = c;
        if (c == '"')
            *p++ = '"';
    }
    *p = '"';
}

} // namespace mp::sim
