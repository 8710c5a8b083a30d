#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

// The simulator's own model of what it writes: one struct per exported record kind, filled by the
// scenarios and turned into the real export formats by exportformat.h. Kept apart from the
// importer's Event on purpose: the simulator must write what Microsoft writes, not what we read.
namespace mp::sim {

using NameValues = std::vector<std::pair<std::string, std::string>>;

// A network location: an IP with where the sign-in log says it is. The country is what real
// GeoIP data says for the address (checked by checkPlaces()), so enrichment and the log agree.
struct Place
{
    std::string ip;
    std::string city;
    std::string state;
    std::string country; // ISO 3166-1 alpha-2
    double latitude = 0;
    double longitude = 0;
    std::uint32_t asn = 0;
    std::string network; // who runs it, for the README ("DigitalOcean (hosting)")
};

struct User
{
    std::string upn;         // lower case
    std::string displayName;
    std::string objectId;    // Entra object id (GUID)
    std::string puid;        // the 16-hex-digit UserKey of Exchange records
    std::string mailboxGuid;
    std::string department;
    Place home;
    bool desktopOutlook = true; // signs in with Outlook desktop, else the browser
    bool ipv6AtOffice = false;  // the office's IPv6 path shows up in this user's Exchange records
};

struct SignIn
{
    std::int64_t timeMs = 0;
    std::string id;
    std::string user;
    std::string displayName;
    std::string userObjectId;
    std::string appId;
    std::string appDisplayName;
    std::string clientAppUsed;
    std::string resourceDisplayName = "Office 365 Exchange Online";
    std::string resourceId = "00000002-0000-0ff1-ce00-000000000000";
    std::string correlationId;
    std::string sessionId;
    std::string uniqueTokenIdentifier;
    bool interactive = true;
    std::string riskLevel = "none"; // riskLevelDuringSignIn
    std::string riskState = "none";
    std::string riskDetail = "none";
    std::vector<std::string> riskEventTypes;
    int errorCode = 0;
    std::string failureReason; // empty: "Other." on success, as Graph writes it
    std::string operatingSystem;
    std::string browser;
    std::string userAgent;
    std::string authenticationRequirement = "singleFactorAuthentication";
    Place place;
};

// One unified audit log record. The exporter writes the AuditData object a Purview export holds
// for the operation, with the fields Microsoft writes for that operation's record type.
struct AuditRecord
{
    enum class Kind {
        UserLoggedIn,      // AzureActiveDirectoryStsLogon (15)
        UserLoginFailed,   // AzureActiveDirectoryStsLogon (15), ErrorNumber carries the code
        MailboxItem,       // ExchangeItem (2): Send, SendAs, UpdateInboxRules, ...
        MailItemsAccessed, // ExchangeItemAggregated (50)
        AdminCmdlet,       // ExchangeAdmin (1): New-InboxRule, Set-InboxRule, Set-Mailbox
    };
    Kind kind = Kind::MailboxItem;
    std::int64_t timeMs = 0;
    std::string id;
    std::string operation;
    std::string user;        // UserId
    std::string userKey;     // puid or object id
    std::string clientIp;    // as logged: "1.2.3.4", "1.2.3.4:51234", "[2001:db8::1]:443"
    std::string resultStatus;
    std::string objectId;
    std::string appId;
    std::string clientAppId;
    std::string clientInfo;  // ClientInfoString
    std::string userAgent;
    std::string sessionId;   // Exchange SessionId; for sign-in records the request id (IntraSystemId)
    std::string aadSessionId;
    std::string uniqueTokenId;
    std::string mailboxOwner;
    std::string mailboxGuid;
    std::string originatingServer;
    int errorNumber = -1;    // UserLoginFailed / UserLoggedIn
    std::string logonError;  // UserLoginFailed
    std::string requestType; // UserLoggedIn ExtendedProperties
    // Send / SendAs
    std::string subject;
    std::string internetMessageId;
    std::int64_t sizeBytes = -1;
    std::string folderPath;  // "\\Sent Items", "\\Inbox"
    // MailItemsAccessed
    std::string mailAccessType; // Bind, Sync
    std::vector<std::pair<std::string, std::int64_t>> accessedItems; // InternetMessageId, size
    NameValues parameters;          // cmdlets
    NameValues operationProperties; // UpdateInboxRules
};

// One Get-MessageTrace row: one recipient of one message.
struct MessageRow
{
    std::int64_t timeMs = 0;
    std::string sender;
    std::string recipient;
    std::string subject;
    std::string status = "Delivered";
    std::string toIp;
    std::string fromIp;
    std::int64_t size = 0;
    std::string messageId;
    std::string traceId;
};

// A finding a correct engine must raise.
struct ExpectedFinding
{
    std::string scenario;
    std::string detector;
    std::string user;
    std::string ip;
    std::vector<std::string> ips; // every IP the finding rests on, `ip` first
    std::int64_t firstMs = 0;
    std::int64_t lastMs = 0;
    bool seedProfileRaises = false; // the seeds' KQL as written would also raise it
    std::string why;
};

// Activity that looks suspicious to a naive rule and must not raise a finding.
struct BenignTrap
{
    std::string scenario;
    std::vector<std::string> detectors; // the detectors it must not trip
    std::string user;
    std::vector<std::string> ips;
    std::int64_t firstMs = 0;
    std::int64_t lastMs = 0;
    std::string tuning; // the tuning setting that is the answer; empty: none needed
    std::string why;
};

// A finding the engine may raise without being wrong (a true but incidental signal, or ordinary
// activity that an engine may list as long as it scores it low).
struct AcceptableFinding
{
    std::string scenario;
    std::string detector;
    std::string user;
    std::string ip;
    std::string why;
    std::string maxSeverity; // empty: any severity
    std::int64_t timeMs = 0; // 0: not tied to one event
};

// What ties (or must not tie) several victims into one campaign.
struct CampaignLink
{
    std::string scenario;
    std::string kind;  // "ip", "forwarding_address", "sender", "country"
    std::string value;
    std::vector<std::string> users;
    bool links = true; // false: shared by everyone, must not tie the campaign
    std::string why;
};

} // namespace mp::sim

namespace mp::sim {

// Everything one simulation produces, before it is sorted and written.
struct SimData
{
    std::vector<SignIn> signIns;
    std::vector<AuditRecord> audits;
    std::vector<MessageRow> messages;
    std::vector<ExpectedFinding> findings;
    std::vector<BenignTrap> traps;
    std::vector<AcceptableFinding> acceptable;
    std::vector<CampaignLink> links;
    // tuning.json: what the traps need, nothing more.
    std::vector<std::string> trustedNetworks;
    std::vector<std::string> serviceAccounts;
    std::vector<std::string> adminAccounts;
    // README.txt: one block of text per scenario, in the order they ran.
    std::vector<std::string> story;
};

} // namespace mp::sim
