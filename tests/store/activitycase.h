#pragma once

// A small takeover story written straight into a case, for the timeline and map tests:
//
//  - alice works from London (one sign-in an hour on 2024-03-11 and -12, 08:00-16:00);
//    on the 12th at 10:00 six failed sign-ins come from Lagos (203.0.113.66), then one succeeds
//    at 10:20 and goes on until 10:50; from there a rule "." is created (10:30), forwarding is
//    set (10:35) and five messages are sent (10:40-10:44); a trace row also records a send.
//  - bob works from London and signs in once from the attacker's address (203.0.113.66).
//  - carol signs in from an address GeoIP could not place (198.51.100.7) and from one placed
//    only in France without coordinates (198.51.100.8).
//  - The detection run holds an ImpossibleTravel finding for alice (London -> Lagos) and an
//    InboxRuleManipulation finding for the rule.
//
// With `bulkSignIns`, alice also has that many more sign-ins from London (every 50th failed),
// one a minute from 2024-03-01; `otherEvents` adds that many sign-ins and mail accesses of 500
// other users around the world (for the benchmark: a user's lane must not cost the case).

#include "store/casestore.h"
#include "store/findingstore.h"

#include <cmath>
#include <string>
#include <vector>

namespace mp::test {

inline constexpr std::int64_t kStoryDayMs = 1710201600000; // 2024-03-12T00:00:00Z
inline constexpr std::int64_t kHour = 3600LL * 1000;
inline constexpr std::int64_t kMinute = 60LL * 1000;
inline constexpr const char *kAttackerIp = "203.0.113.66";

struct StoryEvents
{
    std::vector<Event> events;
};

inline Event storySignIn(const std::string &user, std::int64_t time, const std::string &ip, bool ok, const char *country,
                         const char *city, double lat, double lon)
{
    Event e;
    e.kind = EventKind::SignIn;
    e.timeMs = time;
    e.user = user;
    e.ip = ip;
    e.operation = "SignIn";
    e.resultCode = ok ? 0 : 50126;
    e.isInteractive = 1;
    e.country = country;
    e.city = city;
    e.latitude = lat;
    e.longitude = lon;
    e.geoSource = std::isnan(lat) ? GeoSource::None : GeoSource::CityDatabase;
    return e;
}

inline std::vector<Event> storyEvents(int bulkSignIns = 0, int otherEvents = 0)
{
    const double nan = std::nan("");
    std::vector<Event> v;
    for (std::int64_t day : {kStoryDayMs - 24 * kHour, kStoryDayMs}) {
        for (int h = 8; h <= 16; ++h) {
            v.push_back(storySignIn("alice@contoso.com", day + h * kHour, "81.2.69.160", true, "GB", "London", 51.5074, -0.1278));
            v.push_back(storySignIn("bob@contoso.com", day + h * kHour + 5 * kMinute, "81.2.69.161", true, "GB", "London", 51.5074, -0.1278));
        }
    }
    for (int i = 0; i < 6; ++i)
        v.push_back(storySignIn("alice@contoso.com", kStoryDayMs + 10 * kHour + i * kMinute, kAttackerIp, false, "NG", "Lagos", 6.4550, 3.3841));
    for (int i = 0; i <= 30; i += 10)
        v.push_back(storySignIn("alice@contoso.com", kStoryDayMs + 10 * kHour + (20 + i) * kMinute, kAttackerIp, true, "NG", "Lagos", 6.4550, 3.3841));
    v.push_back(storySignIn("bob@contoso.com", kStoryDayMs + 11 * kHour, kAttackerIp, true, "NG", "Lagos", 6.4550, 3.3841));
    v.push_back(storySignIn("carol@contoso.com", kStoryDayMs + 9 * kHour, "198.51.100.7", true, "", "", nan, nan));
    v.push_back(storySignIn("carol@contoso.com", kStoryDayMs + 9 * kHour + 30 * kMinute, "198.51.100.8", true, "FR", "", nan, nan));

    Event rule;
    rule.kind = EventKind::Audit;
    rule.timeMs = kStoryDayMs + 10 * kHour + 30 * kMinute;
    rule.user = "alice@contoso.com";
    rule.ip = kAttackerIp;
    rule.operation = "New-InboxRule";
    rule.workload = "Exchange";
    rule.resultStatus = "True";
    rule.ruleName = ".";
    v.push_back(rule);
    Event forward = rule;
    forward.timeMs = kStoryDayMs + 10 * kHour + 35 * kMinute;
    forward.operation = "Set-Mailbox";
    forward.ruleName.clear();
    forward.forwardTargets = "drop@evil.example";
    forward.parameters = R"([{"Name":"ForwardingSmtpAddress","Value":"smtp:drop@evil.example"}])";
    v.push_back(forward);
    for (int i = 0; i < 5; ++i) {
        Event send = rule;
        send.timeMs = kStoryDayMs + 10 * kHour + (40 + i) * kMinute;
        send.operation = "Send";
        send.ruleName.clear();
        send.subject = "Invoice " + std::to_string(i);
        v.push_back(send);
    }
    Event trace;
    trace.kind = EventKind::Message;
    trace.timeMs = kStoryDayMs + 10 * kHour + 40 * kMinute;
    trace.user = "alice@contoso.com";
    trace.sender = "alice@contoso.com";
    trace.operation = "MessageTrace";
    trace.recipients = "victim@example.net";
    v.push_back(trace);
    Event other = rule; // not drawn: neither a rule, forwarding nor a send
    other.timeMs = kStoryDayMs + 12 * kHour;
    other.operation = "MailItemsAccessed";
    other.ruleName.clear();
    v.push_back(other);

    constexpr std::int64_t kBulkStart = 1709251200000; // 2024-03-01T00:00:00Z
    for (int i = 0; i < bulkSignIns; ++i)
        v.push_back(storySignIn("alice@contoso.com", kBulkStart + i * kMinute, "81.2.69.160", i % 50 != 0, "GB", "London", 51.5074, -0.1278));
    struct City
    {
        const char *country, *city;
        double lat, lon;
    };
    static const City kCities[] = {{"US", "New York", 40.71, -74.01}, {"DE", "Berlin", 52.52, 13.40},
                                   {"JP", "Tokyo", 35.68, 139.69},    {"BR", "Sao Paulo", -23.55, -46.63},
                                   {"IN", "Mumbai", 19.08, 72.88},    {"AU", "Sydney", -33.87, 151.21}};
    for (int i = 0; i < otherEvents; ++i) {
        const City &c = kCities[i % 6];
        const std::string user = "user" + std::to_string(i % 500) + "@contoso.com";
        const std::string ip = "198.18." + std::to_string(i % 250) + "." + std::to_string(i % 7 + 1);
        Event e = storySignIn(user, kBulkStart + static_cast<std::int64_t>(i) * 7000, ip, i % 13 != 0, c.country, c.city, c.lat, c.lon);
        if (i % 2) {
            e.kind = EventKind::Audit;
            e.operation = "MailItemsAccessed";
        }
        v.push_back(std::move(e));
    }
    return v;
}

// Writes the story into a new case at `path`, with its detection run. The event ids of the
// first and last story events a finding rests on are those SQLite assigns in order (from 1).
inline bool writeStoryCase(const std::string &path, std::string *error, int bulkSignIns = 0, int otherEvents = 0)
{
    CaseStore store;
    if (!store.open(path, true, error))
        return false;
    std::vector<Event> events = storyEvents(bulkSignIns, otherEvents);
    std::string text;
    for (std::size_t i = 0; i < events.size(); ++i) {
        const std::string line = "{\"n\":" + std::to_string(i) + "}";
        events[i].recordId = "story-" + std::to_string(i);
        events[i].line = static_cast<std::int64_t>(i) + 1;
        events[i].rawOffset = text.size();
        events[i].rawLength = line.size();
        text += line + "\n";
    }
    SourceFile source;
    source.name = "story.jsonl";
    source.path = "/evidence/story.jsonl";
    source.size = static_cast<std::int64_t>(text.size());
    source.sha256 = "5a17e7c1c0ffee00000000000000000000000000000000000000000000000002";
    source.format = "synthetic-jsonl";
    source.encoding = "utf-8";
    if (!store.beginImport(source, text, error, events.size() > 5000))
        return false;
    std::int64_t londonId = 0, lagosId = 0, ruleId = 0;
    for (Event &e : events) {
        e.sourceId = source.id;
        if (store.insertEvent(e) != CaseStore::InsertResult::Inserted) {
            if (error)
                *error = "insert failed: " + store.database().errorMessage();
            store.abortImport();
            return false;
        }
        const std::int64_t id = store.database().lastInsertId();
        if (e.user == "alice@contoso.com" && e.city == "London" && e.timeMs == kStoryDayMs + 9 * kHour)
            londonId = id;
        if (e.user == "alice@contoso.com" && e.ip == kAttackerIp && e.resultCode == 0 && lagosId == 0)
            lagosId = id;
        if (e.operation == "New-InboxRule")
            ruleId = id;
    }
    source.recordsRead = source.imported = static_cast<std::int64_t>(events.size());
    if (!store.finishImport(source, error))
        return false;

    Finding travel;
    travel.detector = "ImpossibleTravel";
    travel.severity = Severity::High;
    travel.score = 75;
    travel.user = "alice@contoso.com";
    travel.ips = {"81.2.69.160", kAttackerIp};
    travel.firstTimeMs = kStoryDayMs + 9 * kHour;
    travel.lastTimeMs = kStoryDayMs + 10 * kHour + 20 * kMinute;
    travel.summary = "Impossible travel of alice@contoso.com: London, GB -> Lagos, NG";
    travel.details = R"({"from":{"event_id":)" + std::to_string(londonId)
                     + R"(,"ip":"81.2.69.160","country":"GB","city":"London","latitude":51.5074,"longitude":-0.1278},)"
                       R"("to":{"event_id":)" + std::to_string(lagosId)
                     + R"(,"ip":"203.0.113.66","country":"NG","city":"Lagos","latitude":6.455,"longitude":3.3841},)"
                       R"("distance_km":5003.2,"gap_minutes":80,"speed_kmh":3752.4,"speed_limit_kmh":900})";
    travel.evidence = {londonId, lagosId};
    travel.fingerprint = "fp-travel";
    Finding rule;
    rule.detector = "InboxRuleManipulation";
    rule.severity = Severity::Critical;
    rule.score = 90;
    rule.user = "alice@contoso.com";
    rule.ips = {kAttackerIp};
    rule.firstTimeMs = rule.lastTimeMs = kStoryDayMs + 10 * kHour + 30 * kMinute;
    rule.summary = "alice@contoso.com created inbox rule '.'";
    rule.details = "{}";
    rule.evidence = {ruleId};
    rule.fingerprint = "fp-rule";
    DetectionRun run;
    run.startedAtMs = run.finishedAtMs = kStoryDayMs + 20 * kHour;
    run.profile = "default";
    run.tuning = "{}";
    run.engineVersion = "test";
    run.eventCount = static_cast<std::int64_t>(events.size());
    run.findingCount = 2;
    return FindingStore(store).saveRun(run, {travel, rule}, error);
}

} // namespace mp::test
