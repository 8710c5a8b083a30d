#pragma once

// A case of synthetic events written straight through the CaseStore import protocol, for tests
// of code that reads cases (queries, the events table): every field a list shows or filters on
// is varied, import order differs from time order, and each event has an original record (one
// JSON line) so that rawRecord() works. The same count always gives the same case.

#include "store/casestore.h"

#include <cstdio>
#include <string>

namespace mp::test {

inline constexpr std::int64_t kSyntheticStartMs = 1710230400000; // 2024-03-12T08:00:00Z
inline constexpr const char *kSyntheticSourceName = "synthetic.jsonl";
inline constexpr const char *kSyntheticSha256 = "5a17e7c1c0ffee00000000000000000000000000000000000000000000000001";

inline Event syntheticEvent(int i, int count)
{
    static const char *const kCountries[] = {"GB", "NL", "US", "DE", ""};
    static const char *const kCities[] = {"London", "Amsterdam", "Atlanta", "Berlin", ""};
    static const char *const kAuditOps[] = {"MailItemsAccessed", "New-InboxRule", "Send", "Set-Mailbox", "UpdateInboxRules"};
    static const char *const kStatuses[] = {"Succeeded", "True", "Failed", "PartiallySucceeded"};
    char buffer[96];
    Event e;
    // A permutation of the minutes: import order is not time order. A few events share a time.
    const long long slot = (static_cast<long long>(i) * 7919) % count;
    e.timeMs = kSyntheticStartMs + (slot / 2) * 60000;
    e.recordId = "rec-" + std::to_string(i);
    std::snprintf(buffer, sizeof buffer, "user%02d@contoso.com", i % 37);
    e.user = buffer;
    if (i % 13 == 0) {
        std::snprintf(buffer, sizeof buffer, "2001:db8::%x", i % 29);
    } else {
        std::snprintf(buffer, sizeof buffer, "203.0.113.%d", i % 53);
    }
    e.ip = buffer;
    const int place = i % 5;
    e.country = kCountries[place];
    e.city = kCities[place];
    if (place < 4) {
        e.asn = 64500 + static_cast<std::uint32_t>(place);
        e.asOrg = "Example Net " + std::to_string(place);
        e.geoSource = GeoSource::Log;
    }
    std::snprintf(buffer, sizeof buffer, "Mozilla/5.0 (X11; Linux) Firefox/%d", 100 + i % 23);
    e.userAgent = buffer;
    if (i % 10 < 6) {
        e.kind = EventKind::SignIn;
        e.operation = "SignIn";
        e.workload = "AzureActiveDirectory";
        e.resultCode = i % 7 == 0 ? 50126 : 0;
        e.resultStatus = i % 7 == 0 ? "Invalid username or password" : "";
        e.app = i % 2 ? "Office 365 Exchange Online" : "OfficeHome";
        e.clientApp = i % 9 == 0 ? "IMAP4" : "Browser";
    } else {
        e.kind = i % 10 == 9 && i % 3 == 0 ? EventKind::Message : EventKind::Audit;
        e.operation = e.kind == EventKind::Message ? "Receive" : kAuditOps[i % 5];
        e.workload = "Exchange";
        e.resultStatus = kStatuses[i % 4];
        e.app = "00000002-0000-0ff1-ce00-000000000000";
        e.clientApp = "Client=OWA";
        if (e.operation == "Send" || e.kind == EventKind::Message) {
            e.subject = "Invoice " + std::to_string(i) + (i % 17 == 0 ? " 100% paid" : "");
            e.recipients = "someone" + std::to_string(i % 5) + "@example.net";
        }
        if (e.operation.find("InboxRule") != std::string::npos) {
            e.ruleName = "rule" + std::to_string(i % 11);
            if (i % 3 == 0)
                e.forwardTargets = "drop" + std::to_string(i % 4) + "@evil.example";
        }
    }
    return e;
}

// Writes `count` events into a new case at `path` (replacing nothing: the file must not exist).
inline bool writeSyntheticCase(const std::string &path, int count, std::string *error)
{
    CaseStore store;
    if (!store.open(path, true, error))
        return false;
    std::string text;
    std::vector<Event> events;
    events.reserve(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) {
        Event e = syntheticEvent(i, count);
        const std::string line = "{\"n\":" + std::to_string(i) + ",\"user\":\"" + e.user + "\",\"ip\":\"" + e.ip
                                 + "\",\"operation\":\"" + e.operation + "\"}";
        e.sourceId = 0;
        e.line = i + 1;
        e.rawOffset = text.size();
        e.rawLength = line.size();
        text += line;
        text += '\n';
        events.push_back(std::move(e));
    }
    SourceFile source;
    source.name = kSyntheticSourceName;
    source.path = "/evidence/" + source.name;
    source.size = static_cast<std::int64_t>(text.size());
    source.sha256 = kSyntheticSha256;
    source.format = "synthetic-jsonl";
    source.encoding = "utf-8";
    if (!store.beginImport(source, text, error, count > 5000))
        return false;
    for (Event &e : events) {
        e.sourceId = source.id;
        if (store.insertEvent(e) != CaseStore::InsertResult::Inserted) {
            if (error)
                *error = "insert failed: " + store.database().errorMessage();
            store.abortImport();
            return false;
        }
        source.firstTimeMs = source.firstTimeMs == kNoTime ? e.timeMs : std::min(source.firstTimeMs, e.timeMs);
        source.lastTimeMs = std::max(source.lastTimeMs, e.timeMs);
    }
    store.addProblem(3, "rejected", "line 3 is not a JSON object");
    store.addProblem(0, "warning", "synthetic data: not a real export");
    source.recordsRead = count + 1;
    source.imported = count;
    source.rejected = 1;
    return store.finishImport(source, error);
}

} // namespace mp::test
