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

void collectAddresses(std::string_view text, std::vector<std::string> &out)
{
    // Recipients appear as "a@b.com", "smtp:a@b.com", "\"Name\" [SMTP:a@b.com]", "a@b.com;c@d.com".
    std::size_t at = text.find('@');
    if (at == std::string_view::npos) {
        const std::string_view identity = trim(text);
        std::string lower = toLowerAscii(identity);
        if (!lower.empty() && std::find(out.begin(), out.end(), lower) == out.end())
            out.push_back(std::move(lower));
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
            if (std::find(out.begin(), out.end(), address) == out.end())
                out.push_back(std::move(address));
        }
        at = text.find('@', end);
    }
}

void collectJsonAddresses(element value, std::vector<std::string> &out, ParseArena &arena)
{
    switch (value.type()) {
    case element_type::STRING:
        collectAddresses(value.get_string().value_unsafe(), out);
        break;
    case element_type::ARRAY:
        for (element item : value.get_array().value_unsafe())
            collectJsonAddresses(item, out, arena);
        break;
    case element_type::OBJECT:
        for (auto field : value.get_object().value_unsafe())
            collectJsonAddresses(field.value, out, arena);
        break;
    default:
        break;
    }
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
            value = readToken();
        } else {
            skipSpace();
            if (i < text.size() && text[i] != '-')
                value = readToken();
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
            if (parser.parse(value).get(root))
                continue;
            auto visit = [&](element action) {
                simdjson::dom::object object;
                if (action.get_object().get(object))
                    return;
                std::string_view type;
                if (object.at_key_case_insensitive("ActionType").get_string().get(type))
                    return;
                if (findI(type, "Forward") == std::string_view::npos && findI(type, "Redirect") == std::string_view::npos)
                    return;
                element recipients;
                if (!object.at_key_case_insensitive("Recipients").get(recipients)) {
                    ParseArena unused;
                    collectJsonAddresses(recipients, targets, unused);
                }
            };
            if (root.type() == element_type::ARRAY) {
                for (element action : root.get_array().value_unsafe())
                    visit(action);
            } else {
                visit(root);
            }
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
    event.operation = std::string(trim(record.firstText({"Operation", "Operations", "OperationName"})));
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
    event.recordId = std::string(trim(record.firstText({"Id", "OfficeId", "RecordId"})));
    event.user = toLowerAscii(trim(record.firstText({"UserId", "UserIds", "UserKey"})));
    event.workload = std::string(record.firstText({"Workload", "OfficeWorkload"}));
    event.recordType = std::string(record.text("RecordType"));
    const std::string_view ip = record.firstText({"ClientIP", "ClientIPAddress", "Client_IPAddress",
                                                   "ActorIpAddress", "ClientIp", "IPAddress"});
    event.ip = normalizeIp(ip);
    event.app = std::string(record.firstText({"AppId", "ClientAppId", "ApplicationId", "AppAccessContext.ClientAppId"}));
    event.clientApp = std::string(record.firstText({"ClientInfoString", "ClientAppName", "Application"}));
    event.resultStatus = std::string(record.text("ResultStatus"));
    event.objectId = std::string(record.firstText({"ObjectId", "OfficeObjectId"}));
    event.sessionId = std::string(record.firstText({"SessionId", "AppAccessContext.AADSessionId"}));
    event.correlationId = std::string(record.firstText({"AppAccessContext.UniqueTokenId", "UniqueTokenId"}));

    const auto extended = parseParameters(record, "ExtendedProperties");
    event.userAgent = std::string(parameterValue(extended, "UserAgent"));
    if (event.userAgent.empty())
        event.userAgent = std::string(record.text("UserAgent"));

    // UserLoginFailed says ResultStatus "Success" for the logging, not the sign-in: the real
    // failure is ErrorNumber (e.g. 50126). A UserLoggedIn without one succeeded.
    const std::string_view errorNumber = record.text("ErrorNumber");
    if (!errorNumber.empty())
        event.resultCode = parseInt(errorNumber, kNoResult);
    else if (iequals(event.operation, "UserLoggedIn"))
        event.resultCode = 0;

    event.subject = std::string(record.text("Item.Subject"));
    event.messageId = std::string(record.text("Item.InternetMessageId"));
    const std::string_view size = record.text("Item.SizeInBytes");
    if (!size.empty())
        event.sizeBytes = parseInt(size, -1);

    auto parameters = parseParameters(record, "Parameters");
    const auto properties = parseParameters(record, "OperationProperties");
    parameters.insert(parameters.end(), properties.begin(), properties.end());
    event.parameters = parametersJson(parameters);
    event.forwardTargets = forwardingTargets(parameters);
    event.ruleName = std::string(parameterValue(parameters, "RuleName"));
    if (event.ruleName.empty() && findI(event.operation, "InboxRule") != std::string_view::npos) {
        event.ruleName = std::string(parameterValue(parameters, "Name"));
        if (event.ruleName.empty()) {
            // Set-/Remove-InboxRule name the rule through its identity: "mailbox\rule name".
            std::string_view identity = parameterValue(parameters, "Identity");
            if (const std::size_t slash = identity.rfind('\\'); slash != std::string_view::npos)
                identity.remove_prefix(slash + 1);
            event.ruleName = std::string(identity);
        }
    }
    return true;
}

} // namespace mp
