// Readers for mailbox state and mail flow: inbox rule snapshots and message trace.
#include "ingest/auditfields.h"
#include "ingest/formatreader.h"

#include "util/ipaddr.h"
#include "util/strings.h"

#include <charconv>
#include <cstdio>
#include <optional>

namespace mp {

namespace {

// Sizes are whole bytes, sometimes written with digit grouping ("11,402", "11.402", "11 402")
// by a spreadsheet or a portal download.
std::int64_t parseSize(std::string_view text)
{
    text = trim(text);
    std::string digits;
    std::size_t group = 0;
    bool grouped = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c >= '0' && c <= '9') {
            digits.push_back(c);
            ++group;
        } else if ((c == ',' || c == '.' || c == ' ' || c == '\'') && !digits.empty()
                   && (grouped ? group == 3 : group <= 3)) {
            grouped = true;
            group = 0;
        } else {
            return -1;
        }
    }
    if (digits.empty() || (grouped && group != 3))
        return -1;
    std::int64_t value = 0;
    const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    return ec == std::errc() ? value : -1;
}

// The body of a CSV export after PowerShell's "#TYPE" line, as the CSV base reads it.
std::string_view csvBody(std::string_view text, std::int64_t *lineOffset)
{
    *lineOffset = 0;
    if (text.rfind("#TYPE", 0) == 0 || text.rfind("#type", 0) == 0) {
        const std::size_t eol = text.find('\n');
        *lineOffset = 1;
        return eol == std::string_view::npos ? std::string_view{} : text.substr(eol + 1);
    }
    return text;
}

// ---------------------------------------------------------------------------------------------
// Inbox rule snapshots

// The mailbox a snapshot row belongs to: the brief's mailbox-rules export says UserName, a raw
// Get-InboxRule export only MailboxOwnerId (a display name or alias).
constexpr std::string_view kRuleUserColumns[] = {"UserName", "UserPrincipalName", "PrimarySmtpAddress",
                                                 "MailboxOwnerId", "Mailbox"};

bool isRuleUserColumn(std::string_view name)
{
    for (const auto column : kRuleUserColumns) {
        if (CsvHeader::normalizeName(name) == CsvHeader::normalizeName(column))
            return true;
    }
    return false;
}

// What Export-Csv writes for a list-valued property it cannot flatten: the list's .NET type.
bool isTypeName(std::string_view value)
{
    value = trim(value);
    return endsWithI(value, "[]") || startsWithI(value, "System.") || startsWithI(value, "Deserialized.")
        || startsWithI(value, "Microsoft.Exchange.");
}

// FNV-1a, 64 bit: stable across platforms and versions, since record ids are stored in cases.
std::string fingerprint(std::string_view text)
{
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    for (const char c : text) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 0x100000001b3ULL;
    }
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
    return std::string(hex, 16);
}

// Reads the rows once the column names are known: every non-empty column is a rule property a
// detector may need (conditions, actions, exceptions), so each becomes a parameter under its own
// column name rather than a chosen few.
class InboxRuleRows final : public CsvFormatReader
{
public:
    // The parameter columns are picked here, once: matching every column's name against the
    // mailbox columns on every row took half the import's time.
    explicit InboxRuleRows(const std::vector<std::string> &columns)
    {
        for (const std::string &column : columns) {
            if (!column.empty() && !isRuleUserColumn(column))
                m_parameterColumns.push_back(column);
        }
    }
    const char *id() const override { return "inbox-rules-csv"; }
    const char *description() const override { return ""; }
    int score(const Sniff &) const override { return 0; }

protected:
    bool normalize(const Fields &row, DateOrder, Event &event, std::string *reason) const override
    {
        event.kind = EventKind::RuleSnapshot;
        event.operation = "InboxRuleSnapshot";
        for (const auto column : kRuleUserColumns) {
            if (const std::string_view user = trim(row.text(column)); !user.empty()) {
                event.user = toLowerAscii(user);
                break;
            }
        }
        event.ruleName = std::string(trim(row.firstText({"RuleName", "Name"})));
        if (event.ruleName.empty() && event.user.empty()) {
            *reason = "no rule name and no mailbox";
            return false;
        }
        std::vector<NameValue> parameters;
        for (const std::string &column : m_parameterColumns) {
            const std::string_view value = trim(row.text(column));
            if (!value.empty())
                parameters.emplace_back(column, std::string(value));
        }
        event.parameters = parametersJson(parameters);
        event.forwardTargets = forwardingTargets(parameters);

        // The record id is the dedup key. A rule id is unique within its mailbox's Inbox, not
        // across mailboxes, so it is qualified with the mailbox (as Exchange's own Identity
        // "mailbox\id" is). And a snapshot is a state: the same rule in a later snapshot, edited
        // in between (a ForwardTo added), is a second state that must not be dropped as a
        // duplicate, so the id ends with a fingerprint of the rule's properties. Re-importing the
        // same snapshot still dedupes. Without any id the row dedupes on its text.
        const std::string_view ruleIdentity = trim(row.text("RuleIdentity"));
        const std::string_view identity = trim(row.text("Identity"));
        std::string id;
        if (!ruleIdentity.empty()) {
            id = event.user.empty() ? std::string(ruleIdentity) : event.user + "\\" + std::string(ruleIdentity);
            event.objectId = std::string(ruleIdentity);
        } else if (!identity.empty()) {
            id = std::string(identity);
            event.objectId = std::string(identity);
        }
        if (!id.empty())
            event.recordId = id + "#" + fingerprint(event.parameters);
        return true;
    }

private:
    std::vector<std::string> m_parameterColumns; // every named column but the mailbox's
};

// Get-InboxRule | Export-Csv, or a mailbox-rules snapshot script's CSV: the rules as they stood
// when exported. No time: a snapshot says what exists, not when it was made.
class InboxRulesCsvReader final : public FormatReader
{
public:
    const char *id() const override { return "inbox-rules-csv"; }
    const char *description() const override { return "Inbox rules snapshot, Get-InboxRule export (CSV)"; }
    int score(const Sniff &sniff) const override
    {
        if (!sniff.isCsv || sniff.hasColumn("Operation") || sniff.hasColumn("Operations") || sniff.hasColumn("AuditData"))
            return 0;
        const bool named = sniff.hasColumn("RuleName") || sniff.hasColumn("Name");
        const bool acts = sniff.hasColumn("ForwardTo") || sniff.hasColumn("RedirectTo")
            || sniff.hasColumn("ForwardAsAttachmentTo") || sniff.hasColumn("MoveToFolder")
            || sniff.hasColumn("DeleteMessage");
        const bool owned = sniff.hasColumn("RuleIdentity") || sniff.hasColumn("UserName")
            || sniff.hasColumn("MailboxOwnerId");
        return named && acts && owned ? 90 : 0;
    }

    ReadResult read(std::string_view text, const ReadOptions &options, ReadSink &sink) const override
    {
        std::int64_t lineOffset = 0;
        const std::string_view body = csvBody(text, &lineOffset);
        CsvScanner scanner(body, CsvScanner::guessDelimiter(body));
        CsvRecord row;
        std::vector<std::string> columns;
        if (scanner.next(row)) {
            for (const auto name : row.fields)
                columns.emplace_back(trim(name));
        }
        warnUnflattenedLists(scanner, columns, lineOffset, sink);
        return InboxRuleRows(columns).read(text, options, sink);
    }

private:
    // "ForwardTo: System.Object[]" means the rule does forward, but the export lost to whom: the
    // investigator must hear that, since no forwarding target can be shown for it.
    static void warnUnflattenedLists(CsvScanner &scanner, const std::vector<std::string> &columns,
                                     std::int64_t lineOffset, ReadSink &sink)
    {
        CsvRecord row;
        while (scanner.next(row)) {
            for (std::size_t c = 0; c < row.fields.size() && c < columns.size(); ++c) {
                if (!row.fields[c].empty() && isTypeName(row.fields[c])) {
                    sink.warn(row.line + lineOffset,
                              "column " + columns[c] + " holds '" + std::string(trim(row.fields[c]))
                                  + "' instead of its values (a list Export-Csv could not write): "
                                    "re-export with the lists joined (-join ';') to see them");
                    return;
                }
            }
        }
    }
};

// ---------------------------------------------------------------------------------------------
// Message trace

// PowerShell's ConvertTo-Json writes dates as "/Date(1695182703000)/" (milliseconds, UTC).
std::optional<std::int64_t> parseDotNetDate(std::string_view text)
{
    text = trim(text);
    if (!startsWithI(text, "/Date(") || !endsWithI(text, ")/"))
        return std::nullopt;
    text = text.substr(6, text.size() - 8);
    // An offset suffix ("+0200") only says how to display the instant; the number is UTC.
    std::size_t end = 1;
    while (end < text.size() && text[end] >= '0' && text[end] <= '9')
        ++end;
    std::int64_t ms = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + end, ms);
    if (ec != std::errc() || ptr != text.data() + end)
        return std::nullopt;
    return ms;
}

// One message trace row: one message to one recipient. The trace id is shared by every recipient
// of the message, so the record id pairs it with the recipient.
bool normalizeMessageTrace(const Fields &record, DateOrder order, Event &event, std::string *reason)
{
    event.kind = EventKind::Message;
    event.operation = "MessageTrace";
    const std::string_view received = trim(record.firstText({"Received", "ReceivedDateTime", "Date"}));
    if (!received.empty()) {
        auto ms = parseDotNetDate(received);
        if (!ms)
            ms = parseTimestamp(received, order);
        if (!ms) {
            *reason = "unreadable time '" + std::string(received.substr(0, 40)) + "'";
            return false;
        }
        event.timeMs = *ms;
    }
    event.sender = toLowerAscii(trim(record.text("SenderAddress")));
    event.user = event.sender;
    std::string recipients = toLowerAscii(trim(record.text("RecipientAddress")));
    for (char &c : recipients) {
        if (c == ',')
            c = ';';
    }
    event.recipients = std::move(recipients);
    if (event.sender.empty() && event.recipients.empty()) {
        *reason = "neither a sender nor a recipient";
        return false;
    }
    event.subject = std::string(record.text("Subject"));
    event.messageId = std::string(trim(record.text("MessageId")));
    if (const std::string_view size = record.text("Size"); !size.empty())
        event.sizeBytes = parseSize(size);
    normalizeIp(record.text("FromIP"), event.ip);
    event.resultStatus = std::string(trim(record.text("Status")));
    const std::string_view traceId = trim(record.text("MessageTraceId"));
    if (!traceId.empty())
        event.recordId = event.recipients.empty() ? std::string(traceId) : std::string(traceId) + ":" + event.recipients;
    return true;
}

bool hasMessageTraceColumns(const Sniff &sniff)
{
    return sniff.hasColumn("SenderAddress") && sniff.hasColumn("RecipientAddress")
        && (sniff.hasColumn("Received") || sniff.hasColumn("MessageTraceId"));
}

// Get-MessageTrace | Export-Csv, or the portal's download of the same: Received in the
// exporter's locale.
class MessageTraceCsvReader final : public CsvFormatReader
{
public:
    const char *id() const override { return "message-trace-csv"; }
    const char *description() const override { return "Exchange message trace, Get-MessageTrace export (CSV)"; }
    int score(const Sniff &sniff) const override { return sniff.isCsv && hasMessageTraceColumns(sniff) ? 90 : 0; }

protected:
    std::vector<std::string_view> localeTimeColumns() const override { return {"Received"}; }
    bool normalize(const Fields &row, DateOrder order, Event &event, std::string *reason) const override
    {
        return normalizeMessageTrace(row, order, event, reason);
    }
};

// Exchange Online Reporting web service MessageTrace (OData page with "value") or
// Get-MessageTrace | ConvertTo-Json (a bare array, dates as /Date(ms)/).
class MessageTraceJsonReader final : public JsonFormatReader
{
public:
    const char *id() const override { return "message-trace-json"; }
    const char *description() const override { return "Exchange message trace (JSON)"; }
    int score(const Sniff &sniff) const override
    {
        if (sniff.isCsv || !sniff.hasKey("senderaddress") || !sniff.hasKey("recipientaddress"))
            return 0;
        return sniff.hasKey("received") || sniff.hasKey("messagetraceid") ? 90 : 0;
    }

protected:
    bool normalize(const Fields &record, DateOrder order, Event &event, std::string *reason) const override
    {
        return normalizeMessageTrace(record, order, event, reason);
    }
};

} // namespace

void addMailboxReaders(std::vector<std::unique_ptr<FormatReader>> &readers)
{
    readers.push_back(std::make_unique<InboxRulesCsvReader>());
    readers.push_back(std::make_unique<MessageTraceCsvReader>());
    readers.push_back(std::make_unique<MessageTraceJsonReader>());
}

} // namespace mp
