#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

namespace mp {

// What kind of log record an event came from. The values are stored in case files: never renumber.
enum class EventKind : std::uint8_t {
    SignIn = 1,       // Entra ID sign-in (interactive or not)
    Audit = 2,        // unified audit log record (Exchange, Azure AD, SharePoint, ...)
    Message = 3,      // message trace row
    RuleSnapshot = 4, // one row of a Get-InboxRule export (a state, not an action: no time)
};

const char *eventKindName(EventKind kind);

// Where an event's coordinates came from, strongest first. Stored: never renumber.
enum class GeoSource : std::uint8_t {
    None = 0,
    Log = 1,             // the log itself carried the location
    CityDatabase = 2,    // looked up in the city database
    CountryPoint = 3,    // only the country was known: its representative point
};

constexpr std::int64_t kNoTime = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kNoResult = std::numeric_limits<std::int64_t>::min();

// One normalised record. Readers fill what their format has and leave the rest empty; the store
// keeps empty text as NULL. Strings are UTF-8.
struct Event
{
    EventKind kind = EventKind::Audit;
    std::int64_t timeMs = kNoTime;   // UTC, milliseconds since the epoch
    std::string recordId;            // the log's own id (Id, RequestId, MessageTraceId): dedup key
    std::string user;                // UPN or address, lower case
    std::string ip;                  // normalised (no port, no brackets, ::ffff: mapped)
    std::string operation;           // audit Operation; "SignIn" for sign-ins
    std::string workload;            // Exchange, AzureActiveDirectory, ...
    std::string recordType;          // audit RecordType (number or name), sign-in category
    std::string app;                 // application display name or id
    std::string clientApp;           // clientAppUsed ("Browser", "IMAP4", ...)
    std::string userAgent;
    std::int64_t resultCode = kNoResult; // sign-in errorCode / audit ErrorNumber; 0 is success
    std::string resultStatus;        // audit ResultStatus, sign-in failure reason
    std::string riskLevel;           // riskLevelDuringSignIn (lower case)
    std::string riskState;           // riskState (as logged, lower case)
    std::string riskEventTypes;      // comma separated
    int isRisky = -1;                // -1 unknown, 0 no, 1 yes
    int isInteractive = -1;          // -1 unknown, 0 no, 1 yes
    std::string country;             // ISO 3166-1 alpha-2 when known, else as logged
    std::string city;
    double latitude = std::nan("");
    double longitude = std::nan("");
    GeoSource geoSource = GeoSource::None;
    std::uint32_t asn = 0;
    std::string asOrg;
    std::string sessionId;           // SessionId / session id of the sign-in
    std::string correlationId;       // the request's correlationId (sign-ins, directory audits)
    std::string tokenId;             // the token's id: audit UniqueTokenId, sign-in uniqueTokenIdentifier
    std::string subject;             // mail item subject, message trace subject
    std::string messageId;           // InternetMessageId
    std::int64_t sizeBytes = -1;
    std::string sender;              // message trace sender
    std::string recipients;          // message trace recipient(s), ';' separated
    std::string ruleName;            // inbox rule name (rules, UpdateInboxRules, snapshots)
    std::string parameters;          // rule/cmdlet parameters as a JSON array [{"Name":..,"Value":..}]
    std::string forwardTargets;      // every forwarding address this record sets, ';' separated, lower case
    std::string objectId;            // what the operation acted on (mailbox, rule identity, ...)

    // Provenance: the source file (id in the case), the 1-based line the record starts on, and the
    // record's text in the source as offset/length into the decoded file text.
    std::int64_t sourceId = 0;
    std::int64_t line = 0;
    std::uint64_t rawOffset = 0;
    std::uint64_t rawLength = 0;

    bool hasTime() const { return timeMs != kNoTime; }
    bool hasCoordinates() const { return !std::isnan(latitude) && !std::isnan(longitude); }
};

} // namespace mp
