#include "store/eventformat.h"

#include "util/timeparse.h"

#include <sstream>

namespace mp {

const char *geoSourceName(GeoSource source)
{
    switch (source) {
    case GeoSource::None:
        return "";
    case GeoSource::Log:
        return "log";
    case GeoSource::CityDatabase:
        return "city-database";
    case GeoSource::CountryPoint:
        return "country";
    }
    return "";
}

namespace {

std::vector<std::string_view> splitTargets(std::string_view text)
{
    std::vector<std::string_view> out;
    while (!text.empty()) {
        const std::size_t semi = text.find(';');
        const std::string_view item = text.substr(0, semi);
        if (!item.empty())
            out.push_back(item);
        if (semi == std::string_view::npos)
            break;
        text.remove_prefix(semi + 1);
    }
    return out;
}

} // namespace

void writeEventJson(JsonWriter &out, const StoredEvent &stored, std::string_view sourceName, bool includeId)
{
    const Event &e = stored.event;
    out.beginObject();
    if (includeId)
        out.field("id", stored.id);
    out.field("kind", eventKindName(e.kind));
    if (e.hasTime())
        out.field("time", formatIso(e.timeMs));
    out.field("record_id", e.recordId);
    out.field("user", e.user);
    out.field("ip", e.ip);
    out.field("operation", e.operation);
    out.field("workload", e.workload);
    out.field("record_type", e.recordType);
    out.field("app", e.app);
    out.field("client_app", e.clientApp);
    out.field("user_agent", e.userAgent);
    if (e.resultCode != kNoResult)
        out.field("result_code", e.resultCode);
    out.field("result_status", e.resultStatus);
    out.field("risk_level", e.riskLevel);
    out.field("risk_state", e.riskState);
    out.field("risk_event_types", e.riskEventTypes);
    if (e.isRisky >= 0) {
        out.key("is_risky");
        out.value(e.isRisky == 1);
    }
    if (e.isInteractive >= 0) {
        out.key("is_interactive");
        out.value(e.isInteractive == 1);
    }
    out.field("country", e.country);
    out.field("city", e.city);
    if (e.hasCoordinates()) {
        out.key("latitude");
        out.value(e.latitude);
        out.key("longitude");
        out.value(e.longitude);
    }
    out.field("geo_source", geoSourceName(e.geoSource));
    if (e.asn)
        out.field("asn", static_cast<std::int64_t>(e.asn));
    out.field("as_org", e.asOrg);
    out.field("session_id", e.sessionId);
    out.field("correlation_id", e.correlationId);
    out.field("token_id", e.tokenId);
    out.field("subject", e.subject);
    out.field("message_id", e.messageId);
    if (e.sizeBytes >= 0)
        out.field("size_bytes", e.sizeBytes);
    out.field("sender", e.sender);
    out.field("recipients", e.recipients);
    out.field("rule_name", e.ruleName);
    if (!e.parameters.empty()) {
        out.key("parameters");
        out.raw(e.parameters);
    }
    if (!e.forwardTargets.empty()) {
        out.key("forward_targets");
        out.beginArray();
        for (const auto target : splitTargets(e.forwardTargets))
            out.value(target);
        out.endArray();
    }
    out.field("object_id", e.objectId);
    out.key("source");
    out.beginObject();
    out.field("file", sourceName);
    out.field("line", e.line);
    out.endObject();
    out.endObject();
}

const std::vector<std::string> &eventCsvColumns()
{
    static const std::vector<std::string> columns = {
        "id", "time", "kind", "user", "ip", "operation", "workload", "app", "client_app",
        "result_code", "result_status", "risk_level", "risk_state", "country", "city", "latitude",
        "longitude", "asn", "as_org", "user_agent", "session_id", "subject", "rule_name",
        "forward_targets", "parameters", "record_id", "source_file", "source_line"};
    return columns;
}

std::string eventCsvLine(const StoredEvent &stored, std::string_view sourceName)
{
    const Event &e = stored.event;
    auto num = [](double v) {
        char buf[32];
        const int n = std::snprintf(buf, sizeof buf, "%.6f", v);
        return std::string(buf, static_cast<std::size_t>(n));
    };
    const std::string cells[] = {
        std::to_string(stored.id),
        e.hasTime() ? formatIso(e.timeMs) : std::string(),
        eventKindName(e.kind),
        e.user, e.ip, e.operation, e.workload, e.app, e.clientApp,
        e.resultCode != kNoResult ? std::to_string(e.resultCode) : std::string(),
        e.resultStatus, e.riskLevel, e.riskState, e.country, e.city,
        e.hasCoordinates() ? num(e.latitude) : std::string(),
        e.hasCoordinates() ? num(e.longitude) : std::string(),
        e.asn ? std::to_string(e.asn) : std::string(),
        e.asOrg, e.userAgent, e.sessionId, e.subject, e.ruleName, e.forwardTargets, e.parameters,
        e.recordId, std::string(sourceName), std::to_string(e.line)};
    std::string line;
    for (std::size_t i = 0; i < std::size(cells); ++i) {
        if (i)
            line.push_back(',');
        line += csvCell(cells[i]);
    }
    return line;
}

} // namespace mp
