#include "ingest/auditfields.h"

#include "util/ipaddr.h"
#include "util/jsonwriter.h"
#include "util/strings.h"

#include <algorithm>
#include <charconv>

namespace mp {

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

// Exports write values that name nothing: PowerShell's $null, an empty collection, or the .NET type
// of a multi-valued property that Export-Csv could not flatten
// ("Microsoft.Exchange.Data.Storage.Management.ADRecipientOrAddress[]").
bool namesNothing(std::string_view value)
{
    return value.empty() || iequals(value, "$null") || iequals(value, "null") || value == "{}"
        || value == "[]" || endsWithI(value, "[]") || startsWithI(value, "System.")
        || startsWithI(value, "Microsoft.Exchange.");
}

void addUnique(std::vector<std::string> &out, std::string value)
{
    if (!value.empty() && std::find(out.begin(), out.end(), value) == out.end())
        out.push_back(std::move(value));
}

void collectAddresses(std::string_view text, std::vector<std::string> &out)
{
    // Recipients appear as "a@b.com", "smtp:a@b.com", "\"Name\" [SMTP:a@b.com]", "a@b.com;c@d.com",
    // or, for ForwardingAddress and rules set by display name, as recipient identities without '@'.
    std::size_t at = text.find('@');
    if (at == std::string_view::npos) {
        while (!text.empty()) {
            const std::size_t semi = text.find(';');
            std::string_view identity = trim(text.substr(0, semi));
            if (identity.size() >= 2 && (identity.front() == '"' || identity.front() == '\''))
                identity = trim(identity.substr(1, identity.size() - 2));
            if (!namesNothing(identity))
                addUnique(out, toLowerAscii(identity));
            if (semi == std::string_view::npos)
                break;
            text.remove_prefix(semi + 1);
        }
        return;
    }
    auto isAddressChar = [](char c) {
        return isAlnumAscii(c) || c == '.' || c == '_' || c == '-' || c == '+' || c == '\'' || c == '%';
    };
    while (at != std::string_view::npos) {
        std::size_t begin = at;
        while (begin > 0 && isAddressChar(text[begin - 1]))
            --begin;
        std::size_t end = at + 1;
        while (end < text.size() && isAddressChar(text[end]))
            ++end;
        if (begin < at && end > at + 1) {
            std::string address = toLowerAscii(text.substr(begin, end - begin));
            while (!address.empty() && (address.back() == '.' || address.back() == '\''))
                address.pop_back();
            while (!address.empty() && (address.front() == '.' || address.front() == '\''))
                address.erase(0, 1);
            addUnique(out, std::move(address));
        }
        at = text.find('@', end);
    }
}

void collectJsonAddresses(element value, std::vector<std::string> &out)
{
    switch (value.type()) {
    case element_type::STRING:
        collectAddresses(value.get_string().value_unsafe(), out);
        break;
    case element_type::ARRAY: {
        // Bound to a local first: a range-for over get_array().value_unsafe() would iterate a
        // member of a destroyed temporary.
        const simdjson::dom::array array = value.get_array().value_unsafe();
        for (element item : array)
            collectJsonAddresses(item, out);
        break;
    }
    case element_type::OBJECT: {
        // A recipient object ({"Address":..,"DisplayName":..}): its address, not its display name,
        // is the target; only an object without any address is named by its other values.
        const simdjson::dom::object object = value.get_object().value_unsafe();
        bool anyAddress = false;
        for (auto field : object) {
            std::string_view text;
            if (!field.value.get_string().get(text) && text.find('@') != std::string_view::npos) {
                collectAddresses(text, out);
                anyAddress = true;
            }
        }
        if (!anyAddress) {
            for (auto field : object)
                collectJsonAddresses(field.value, out);
        }
        break;
    }
    default:
        break;
    }
}

// The recipients of every forward or redirect action in an UpdateInboxRules RuleActions value,
// wherever the action sits (a list of actions, one action, or actions nested in a wrapper).
void collectRuleActionTargets(element value, std::vector<std::string> &out, int depth = 0)
{
    if (depth > 16)
        return;
    if (value.type() == element_type::ARRAY) {
        const simdjson::dom::array array = value.get_array().value_unsafe();
        for (element item : array)
            collectRuleActionTargets(item, out, depth + 1);
        return;
    }
    simdjson::dom::object object;
    if (value.get_object().get(object))
        return;
    std::string_view type;
    if (!object.at_key_case_insensitive("ActionType").get_string().get(type)) {
        if (findI(type, "Forward") != std::string_view::npos || findI(type, "Redirect") != std::string_view::npos) {
            element recipients;
            if (!object.at_key_case_insensitive("Recipients").get(recipients))
                collectJsonAddresses(recipients, out);
        }
        return;
    }
    for (auto field : object)
        collectRuleActionTargets(field.value, out, depth + 1);
}

bool isForwardingParameter(std::string_view name)
{
    return iequals(name, "ForwardTo") || iequals(name, "ForwardAsAttachmentTo")
        || iequals(name, "RedirectTo") || iequals(name, "ForwardingSmtpAddress")
        || iequals(name, "ForwardingAddress");
}

std::int64_t parseInt(std::string_view text, std::int64_t fallback)
{
    text = trim(text);
    std::int64_t value = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || ptr != text.data() + text.size())
        return fallback;
    return value;
}

std::string_view parameterValue(const std::vector<NameValue> &parameters, std::string_view name)
{
    for (const auto &[n, v] : parameters) {
        if (iequals(n, name))
            return v;
    }
    return {};
}

} // namespace

std::vector<NameValue> parsePowerShellArguments(std::string_view text)
{
    std::vector<NameValue> out;
    std::size_t i = 0;
    auto skipSpace = [&] {
        while (i < text.size() && isSpaceAscii(text[i]))
            ++i;
    };
    auto readToken = [&]() -> std::string {
        skipSpace();
        if (i >= text.size())
            return {};
        const char quote = text[i];
        if (quote == '"' || quote == '\'') {
            std::string value;
            ++i;
            while (i < text.size()) {
                if (text[i] == quote) {
                    // PowerShell doubles a quote to escape it.
                    if (i + 1 < text.size() && text[i + 1] == quote) {
                        value.push_back(quote);
                        i += 2;
                        continue;
                    }
                    ++i;
                    break;
                }
                value.push_back(text[i++]);
            }
            return value;
        }
        const std::size_t start = i;
        while (i < text.size() && !isSpaceAscii(text[i]))
            ++i;
        return std::string(text.substr(start, i - start));
    };
    // A PowerShell array ("a@b.com", "c@d.com") becomes one value joined by ';', the way the audit
    // log writes multi-valued parameters.
    auto readValue = [&]() -> std::string {
        std::string value = readToken();
        for (;;) {
            std::size_t j = i;
            while (j < text.size() && isSpaceAscii(text[j]))
                ++j;
            if (j >= text.size() || text[j] != ',')
                break;
            i = j + 1;
            value.push_back(';');
            value += readToken();
        }
        return value;
    };
    while (true) {
        skipSpace();
        if (i >= text.size())
            break;
        if (text[i] != '-') {
            readToken(); // a stray positional value: nothing to name it by
            continue;
        }
        ++i;
        std::size_t start = i;
        while (i < text.size() && !isSpaceAscii(text[i]) && text[i] != ':')
            ++i;
        std::string name(text.substr(start, i - start));
        std::string value;
        if (i < text.size() && text[i] == ':') {
            ++i;
            value = readValue();
        } else {
            skipSpace();
            if (i < text.size() && text[i] != '-')
                value = readValue();
            else
                value = "True"; // a switch
        }
        if (!name.empty())
            out.emplace_back(std::move(name), std::move(value));
    }
    return out;
}

std::vector<NameValue> parseParameters(const Fields &record, std::string_view path)
{
    std::vector<NameValue> out;
    if (auto json = record.json(path)) {
        simdjson::dom::array array;
        if (!json->get_array().get(array)) {
            for (element item : array) {
                simdjson::dom::object object;
                if (item.get_object().get(object))
                    continue;
                element name, value;
                if (object.at_key_case_insensitive("Name").get(name))
                    continue;
                std::string valueText;
                if (!object.at_key_case_insensitive("Value").get(value))
                    valueText = std::string(Fields::elementText(record.arena(), value));
                out.emplace_back(std::string(Fields::elementText(record.arena(), name)), std::move(valueText));
            }
        }
        return out;
    }
    const std::string_view text = trim(record.text(path));
    if (!text.empty() && text.front() == '-')
        return parsePowerShellArguments(text);
    return out;
}

std::string parametersJson(const std::vector<NameValue> &parameters)
{
    if (parameters.empty())
        return {};
    JsonWriter writer;
    writer.beginArray();
    for (const auto &[name, value] : parameters) {
        writer.beginObject();
        writer.key("Name");
        writer.value(name);
        writer.key("Value");
        writer.value(value);
        writer.endObject();
    }
    writer.endArray();
    return writer.take();
}

std::string forwardingTargets(const std::vector<NameValue> &parameters)
{
    std::vector<std::string> targets;
    for (const auto &[name, value] : parameters) {
        if (isForwardingParameter(name)) {
            // "DeliverToMailboxAndForward" alone forwards nothing; the address comes with it.
            collectAddresses(value, targets);
        } else if (iequals(name, "RuleActions")) {
            // UpdateInboxRules from Outlook: a JSON list of actions; forward and redirect
            // actions carry their recipients.
            simdjson::dom::parser parser;
            element root;
            if (!parser.parse(value).get(root))
                collectRuleActionTargets(root, targets);
        }
    }
    std::string joined;
    for (const auto &t : targets) {
        if (!joined.empty())
            joined.push_back(';');
        joined += t;
    }
    return joined;
}

bool normalizeAuditRecord(const Fields &record, DateOrder order, Event &event, std::string *reason)
{
    event.kind = EventKind::Audit;
    event.operation.assign(trim(record.firstText({"Operation", "Operations", "OperationName"})));
    if (event.operation.empty()) {
        *reason = "no Operation field";
        return false;
    }
    const std::string_view time = record.firstText({"CreationTime", "TimeGenerated", "CreationDate"});
    if (!time.empty()) {
        const auto ms = parseTimestamp(time, order);
        if (!ms) {
            *reason = "unreadable time '" + std::string(time.substr(0, 40)) + "'";
            return false;
        }
        event.timeMs = *ms;
    }
    event.recordId.assign(trim(record.firstText({"Id", "OfficeId", "RecordId"})));
    assignLowerAscii(event.user, trim(record.firstText({"UserId", "UserIds", "UserKey"})));
    event.workload.assign(record.firstText({"Workload", "OfficeWorkload"}));
    event.recordType.assign(record.text("RecordType"));
    // The first alias that holds an address: some records fill ClientIP with a placeholder
    // while ClientIPAddress has the real one.
    for (const std::string_view alias : {"ClientIP", "ClientIPAddress", "Client_IPAddress", "ActorIpAddress", "IPAddress"}) {
        if (normalizeIp(record.text(alias), event.ip))
            break;
    }
    // The client application that acted. For mail read through Graph, AppId is Graph itself
    // (00000003-0000-0000-c000-000000000000) and ClientAppId is the application that called it.
    event.app.assign(record.firstText({"ClientAppId", "AppAccessContext.ClientAppId", "AppId", "ApplicationId"}));
    event.clientApp.assign(record.firstText({"ClientInfoString", "ClientAppName", "Application"}));
    event.resultStatus.assign(record.text("ResultStatus"));
    event.objectId.assign(record.firstText({"ObjectId", "OfficeObjectId"}));
    event.sessionId.assign(record.firstText({"SessionId", "AppAccessContext.AADSessionId"}));
    event.tokenId.assign(record.firstText({"AppAccessContext.UniqueTokenId", "UniqueTokenId"}));

    const auto extended = parseParameters(record, "ExtendedProperties");
    event.userAgent.assign(parameterValue(extended, "UserAgent"));
    if (event.userAgent.empty())
        event.userAgent.assign(record.text("UserAgent"));

    // UserLoginFailed says ResultStatus "Success" for the logging, not the sign-in: the real
    // failure is ErrorNumber (e.g. 50126). A UserLoggedIn without one succeeded.
    const std::string_view errorNumber = record.text("ErrorNumber");
    if (!errorNumber.empty())
        event.resultCode = parseInt(errorNumber, kNoResult);
    else if (iequals(event.operation, "UserLoggedIn"))
        event.resultCode = 0;

    event.subject.assign(record.text("Item.Subject"));
    event.messageId.assign(record.text("Item.InternetMessageId"));
    const std::string_view size = record.text("Item.SizeInBytes");
    if (!size.empty())
        event.sizeBytes = parseInt(size, -1);

    auto parameters = parseParameters(record, "Parameters");
    const auto properties = parseParameters(record, "OperationProperties");
    parameters.insert(parameters.end(), properties.begin(), properties.end());
    event.parameters = parametersJson(parameters);
    event.forwardTargets = forwardingTargets(parameters);
    event.ruleName.assign(parameterValue(parameters, "RuleName"));
    if (event.ruleName.empty() && findI(event.operation, "InboxRule") != std::string_view::npos) {
        event.ruleName.assign(parameterValue(parameters, "Name"));
        if (event.ruleName.empty()) {
            // Set-/Remove-InboxRule name the rule through its identity: "mailbox\rule name".
            std::string_view identity = parameterValue(parameters, "Identity");
            if (const std::size_t slash = identity.rfind('\\'); slash != std::string_view::npos)
                identity.remove_prefix(slash + 1);
            event.ruleName.assign(identity);
        }
    }
    return true;
}

} // namespace mp
