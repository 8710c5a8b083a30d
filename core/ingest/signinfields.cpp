#include "ingest/signinfields.h"

#include "util/ipaddr.h"
#include "util/strings.h"

#include <charconv>
#include <cmath>
#include <initializer_list>
#include <limits>
#include <vector>

namespace mp {

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

// A field found under one of several names: the name goes into rejection reasons so that the
// user can find the offending column.
struct Found
{
    std::string_view name;
    std::string_view value;
    bool empty() const { return value.empty(); }
};

// Values that stand for "nothing": Azure Monitor writes "<null>", and Export-Csv of a Graph
// PowerShell object writes the .NET type name of every nested object or array
// ("Microsoft.Graph.PowerShell.Models.MicrosoftGraphSignInLocation", "System.String[]").
bool isPlaceholder(std::string_view value)
{
    return value == "<null>" || startsWithI(value, "Microsoft.Graph.") || startsWithI(value, "System.");
}

Found pick(const Fields &fields, std::initializer_list<std::string_view> paths)
{
    for (const auto path : paths) {
        const std::string_view value = trim(fields.text(path));
        if (!value.empty() && !isPlaceholder(value))
            return {path, value};
    }
    return {};
}

// The record's field, else the Azure Monitor envelope's.
Found pick(const Fields &record, const Fields *envelope, std::initializer_list<std::string_view> paths,
           std::initializer_list<std::string_view> envelopePaths)
{
    Found found = pick(record, paths);
    if (found.empty() && envelope)
        found = pick(*envelope, envelopePaths);
    return found;
}

std::string quoted(std::string_view value)
{
    constexpr std::size_t kMax = 60;
    return "'" + std::string(value.substr(0, kMax)) + (value.size() > kMax ? "...'" : "'");
}

bool looksJson(std::string_view text)
{
    return !text.empty() && (text.front() == '{' || text.front() == '[');
}

bool parseInteger(std::string_view text, std::int64_t &out)
{
    text = trim(text);
    if (!text.empty() && text.front() == '+')
        text.remove_prefix(1);
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && ptr == text.data() + text.size() && !text.empty();
}

bool parseDouble(std::string_view text, double &out)
{
    text = trim(text);
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && ptr == text.data() + text.size() && !text.empty() && std::isfinite(out);
}

// -1 when the text is not a boolean.
int parseBool(std::string_view text)
{
    text = trim(text);
    if (iequals(text, "true") || text == "1" || iequals(text, "yes"))
        return 1;
    if (iequals(text, "false") || text == "0" || iequals(text, "no"))
        return 0;
    return -1;
}

std::optional<std::int64_t> readTime(std::string_view text, DateOrder order)
{
    if (auto ms = parseMicrosoftJsonDate(text))
        return ms;
    return parseTimestamp(text, order);
}

void appendItem(std::string &list, std::string_view item)
{
    item = trim(item);
    if (item.empty())
        return;
    if (!list.empty())
        list.push_back(',');
    list += item;
}

// Risk event types come as a JSON array, as JSON array text (Log Analytics) or as plain text
// ("unfamiliarFeatures, anonymizedIPAddress" in portal exports): one comma-separated list.
std::string listText(const Fields &fields, std::initializer_list<std::string_view> paths)
{
    for (const auto path : paths) {
        std::string list;
        if (auto value = fields.json(path)) {
            simdjson::dom::array array;
            if (!value->get_array().get(array)) {
                for (element item : array)
                    appendItem(list, Fields::elementText(fields.arena(), item));
            }
        } else {
            std::string_view text = trim(fields.text(path));
            if (isPlaceholder(text))
                continue;
            while (!text.empty()) {
                const std::size_t comma = text.find(',');
                appendItem(list, text.substr(0, comma));
                if (comma == std::string_view::npos)
                    break;
                text.remove_prefix(comma + 1);
            }
        }
        if (!list.empty())
            return list;
    }
    return {};
}

// The first step of AuthenticationDetails: the only time some Log Analytics hunting exports keep.
std::optional<std::int64_t> firstAuthenticationStep(const Fields &fields, DateOrder order)
{
    const auto details = fields.json("authenticationDetails");
    simdjson::dom::array steps;
    if (!details || details->get_array().get(steps))
        return std::nullopt;
    std::optional<std::int64_t> earliest;
    for (element step : steps) {
        element value;
        if (step.type() != element_type::OBJECT
            || step.get_object().value_unsafe().at_key_case_insensitive("authenticationStepDateTime").get(value))
            continue;
        const auto ms = readTime(Fields::elementText(fields.arena(), value), order);
        if (ms && (!earliest || *ms < *earliest))
            earliest = ms;
    }
    return earliest;
}

// isInteractive when the record does not say: the Azure Monitor category or Log Analytics table,
// else Graph's signInEventTypes.
int interactiveFromKind(std::string_view category, const Fields &record)
{
    if (findI(category, "NonInteractive") != std::string_view::npos
        || findI(category, "ServicePrincipal") != std::string_view::npos
        || findI(category, "ManagedIdentity") != std::string_view::npos)
        return 0;
    if (iequals(category, "SignInLogs"))
        return 1;
    const std::string types = listText(record, {"signInEventTypes"});
    if (findI(types, "nonInteractiveUser") != std::string::npos)
        return 0;
    if (findI(types, "interactiveUser") != std::string::npos)
        return 1;
    return -1;
}

// The portal CSV writes the location as one text, "Redmond, Washington, US"; Log Analytics and
// Azure Monitor write a country code alone.
void splitLocationText(std::string_view text, Event &event)
{
    std::vector<std::string_view> parts;
    while (true) {
        const std::size_t comma = text.find(',');
        parts.push_back(trim(text.substr(0, comma)));
        if (comma == std::string_view::npos)
            break;
        text.remove_prefix(comma + 1);
    }
    for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
        if (!it->empty()) {
            event.country = std::string(*it);
            break;
        }
    }
    // With two parts the first could be a city or a state: only "City, State, CC" names a city.
    if (parts.size() >= 3 && event.city.empty())
        event.city = std::string(parts.front());
}

bool fail(std::string *reason, std::string text)
{
    *reason = std::move(text);
    return false;
}

} // namespace

std::optional<std::int64_t> parseMicrosoftJsonDate(std::string_view text) noexcept
{
    text = trim(text);
    if (!text.empty() && text.front() == '\\')
        text.remove_prefix(1);
    if (!startsWithI(text, "/Date("))
        return std::nullopt;
    text.remove_prefix(6);
    const std::size_t close = text.find(')');
    if (close == std::string_view::npos)
        return std::nullopt;
    std::string_view rest = text.substr(close + 1);
    if (!rest.empty() && rest.front() == '\\')
        rest.remove_prefix(1);
    if (rest != "/")
        return std::nullopt;
    std::string_view number = text.substr(0, close);
    // An offset after the milliseconds ("+0200") says which zone the writer was in; the
    // milliseconds are UTC regardless.
    std::size_t end = number.find_first_of("+-", 1);
    if (end != std::string_view::npos)
        number = number.substr(0, end);
    std::int64_t ms = 0;
    const auto [ptr, ec] = std::from_chars(number.data(), number.data() + number.size(), ms);
    if (ec != std::errc() || ptr != number.data() + number.size() || number.empty())
        return std::nullopt;
    return ms;
}

bool normalizeSignInRecord(const Fields &record, const Fields *envelope, DateOrder order, Event &event,
                           std::string *reason)
{
    event.kind = EventKind::SignIn;
    event.operation = "SignIn";

    // Time: the sign-in's own time first (TimeGenerated is when Log Analytics stored it).
    const Found time = pick(record, envelope, {"createdDateTime", "Date (UTC)", "Date", "TimeGenerated"}, {"time"});
    if (!time.empty()) {
        const auto ms = readTime(time.value, order);
        if (!ms)
            return fail(reason, "unreadable time " + quoted(time.value) + " in " + std::string(time.name));
        event.timeMs = *ms;
    } else if (const auto step = firstAuthenticationStep(record, order)) {
        event.timeMs = *step;
    }

    event.user = toLowerAscii(pick(record, {"userPrincipalName", "Username", "signInIdentifier",
                                            "Sign-in identifier", "AlternateSignInName"})
                                  .value);
    if (event.user.empty() && !event.hasTime())
        return fail(reason, "neither a user nor a time: not a sign-in record");

    event.recordId = std::string(pick(record, {"id", "Request ID"}).value);

    const Found ip = pick(record, envelope, {"ipAddress", "IP address"}, {"callerIpAddress"});
    if (!ip.empty() && !normalizeIp(ip.value, event.ip))
        return fail(reason, "unreadable IP address " + quoted(ip.value) + " in " + std::string(ip.name));

    // The numeric code is the result; "Other." or "Success" texts are not.
    const Found code = pick(record, envelope, {"status.errorCode", "ResultType", "Sign-in error code", "errorCode"},
                            {"resultType"});
    std::string_view statusText = trim(record.text("Status"));
    if (isPlaceholder(statusText))
        statusText = {};
    if (!code.empty()) {
        std::int64_t value = 0;
        if (parseInteger(code.value, value)) {
            event.resultCode = value;
        } else if (iequals(trim(code.value), "Success")) {
            // Some forwarders (and SIEM test fixtures) write the outcome as a word; "Success"
            // can only mean 0. A failure word says nothing of which failure: rejected below.
            event.resultCode = 0;
        } else {
            return fail(reason, "result code " + quoted(code.value) + " in " + std::string(code.name)
                                    + " is not a number");
        }
    } else if (iequals(statusText, "Success")) {
        event.resultCode = 0; // the portal CSV when its error code column is empty
    }
    event.resultStatus = std::string(pick(record, {"status.failureReason", "ResultDescription", "Failure reason"}).value);
    if (event.resultStatus.empty() && !looksJson(statusText))
        event.resultStatus = std::string(statusText);

    event.app = std::string(pick(record, {"appDisplayName", "Application", "servicePrincipalName", "appId",
                                          "Application ID"})
                                .value);
    event.clientApp = std::string(pick(record, {"clientAppUsed", "Client app"}).value);
    event.userAgent = std::string(pick(record, {"userAgent", "User agent"}).value);

    event.riskLevel = toLowerAscii(pick(record, {"riskLevelDuringSignIn", "Risk level during sign-in"}).value);
    event.riskState = toLowerAscii(pick(record, {"riskState", "Risk state"}).value);
    event.riskEventTypes = listText(record, {"riskEventTypes_v2", "riskEventTypesV2", "riskEventTypes", "Risk event types"});

    if (const Found risky = pick(record, {"isRisky"}); !risky.empty()) {
        event.isRisky = parseBool(risky.value);
        if (event.isRisky < 0)
            return fail(reason, "isRisky " + quoted(risky.value) + " is not true or false");
    }

    event.recordType = std::string(pick(record, envelope, {"Category", "Type"}, {"category"}).value);
    const Found interactive = pick(record, {"isInteractive", "Is interactive"});
    if (!interactive.empty()) {
        event.isInteractive = parseBool(interactive.value);
        if (event.isInteractive < 0)
            return fail(reason, std::string(interactive.name) + " " + quoted(interactive.value) + " is not true or false");
    } else {
        event.isInteractive = interactiveFromKind(event.recordType, record);
    }

    // Location: Graph's "location" object or Log Analytics' LocationDetails; else a text.
    auto geo = record.object("LocationDetails");
    if (!geo)
        geo = record.object("location");
    if (geo) {
        event.city = std::string(trim(geo->text("city")));
        event.country = std::string(trim(geo->text("countryOrRegion")));
        for (const auto &[path, target] : {std::pair{"geoCoordinates.latitude", &event.latitude},
                                           std::pair{"geoCoordinates.longitude", &event.longitude}}) {
            const std::string_view text = trim(geo->text(path));
            if (!text.empty() && !parseDouble(text, *target))
                return fail(reason, std::string("coordinate ") + path + " " + quoted(text) + " is not a number");
        }
    }
    if (event.country.empty()) {
        std::string_view location = trim(record.text("Location"));
        if ((location.empty() || looksJson(location)) && envelope)
            location = trim(envelope->text("location"));
        if (!location.empty() && !looksJson(location) && !isPlaceholder(location))
            splitLocationText(location, event);
    }

    const Found asn = pick(record, {"autonomousSystemNumber", "Autonomous system number"});
    if (!asn.empty()) {
        std::string_view digits = asn.value;
        if (startsWithI(digits, "AS"))
            digits.remove_prefix(2);
        std::int64_t value = 0;
        if (!parseInteger(digits, value) || value < 0 || value > std::numeric_limits<std::uint32_t>::max())
            return fail(reason, "autonomous system number " + quoted(asn.value) + " is not a number");
        event.asn = static_cast<std::uint32_t>(value);
    }

    event.sessionId = std::string(pick(record, {"sessionId", "Session ID"}).value);
    event.correlationId = std::string(pick(record, envelope, {"correlationId", "Correlation ID"}, {"correlationId"}).value);
    event.tokenId = std::string(pick(record, {"uniqueTokenIdentifier", "Unique token identifier"}).value);
    return true;
}

} // namespace mp
