#pragma once

#include "detect/stringpool.h"
#include "store/event.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace mp {

class Database;
struct Tuning;

enum class RiskLevel : std::uint8_t { None, Low, Medium, High, Hidden, Other };
enum class RiskState : std::uint8_t { None, AtRisk, ConfirmedCompromised, Remediated, Dismissed, ConfirmedSafe, Other };

constexpr std::uint32_t kNoRow = 0xffffffffu;

// The columns of a sign-in that detectors use. Strings are ids into DetectionInput's pools.
struct SignInRow
{
    std::int64_t eventId = 0;
    std::int64_t timeMs = kNoTime;
    StrId user = 0;  // DetectionInput::users
    StrId ip = 0;    // DetectionInput::ips
    StrId app = 0;   // DetectionInput::texts
    StrId country = 0;
    StrId city = 0;
    StrId riskEventTypes = 0;
    std::int32_t resultCode = kNoResultCode;
    std::uint32_t asn = 0;
    double latitude = 0;
    double longitude = 0;
    RiskLevel riskLevel = RiskLevel::None;
    RiskState riskState = RiskState::None;
    std::int8_t isRisky = -1;
    StrId sessionId = 0;     // others: sessionId
    StrId correlationId = 0; // others: correlationId
    StrId tokenId = 0;       // others: uniqueTokenIdentifier (the audit log's UniqueTokenId)
    StrId clientApp = 0;     // texts: clientAppUsed ("Browser", "IMAP4", ...); failed sign-ins only
    // The sign-in is in the interactive table (SigninLogs): not flagged non-interactive, not a
    // service principal or managed identity sign-in.
    bool interactive = true;
    GeoSource geoSource = GeoSource::None;

    static constexpr std::int32_t kNoResultCode = std::numeric_limits<std::int32_t>::min();
    bool succeeded() const { return resultCode == 0; }
    bool located() const { return geoSource != GeoSource::None; }
};

// An audit record: who did what from where. Rule-related records also have a RuleRow.
struct AuditRow
{
    std::int64_t eventId = 0;
    std::int64_t timeMs = kNoTime;
    StrId user = 0;      // users
    StrId ip = 0;        // ips
    StrId operation = 0; // texts, as logged
    StrId workload = 0;  // texts, as logged
    std::int32_t resultCode = SignInRow::kNoResultCode; // ErrorNumber, UserLoginFailed only
    StrId sessionId = 0;     // others: SessionId / AADSessionId
    StrId correlationId = 0; // others: correlationId (directory audits)
    StrId tokenId = 0;       // others: UniqueTokenId (the sign-in's uniqueTokenIdentifier)
    StrId clientApp = 0;     // texts: ClientInfoString, else the user agent
    StrId subject = 0;       // others: the mail item's subject, Send operations only
    StrId country = 0;       // texts, records with a session or token only
    std::uint32_t asn = 0;   // records with a session or token only
};

// An inbox rule or mailbox forwarding change (audit), or a row of a rule snapshot.
struct RuleRow
{
    std::int64_t eventId = 0;
    std::int64_t timeMs = kNoTime;
    StrId user = 0;      // users: the actor (audit) or the mailbox (snapshot)
    StrId ip = 0;
    StrId operation = 0; // texts
    bool snapshot = false;
    std::string ruleName;
    std::string parameters;     // JSON [{"Name":..,"Value":..}] as stored
    std::string forwardTargets; // ';' separated, lower case
    std::string objectId;
};

// A message trace row.
struct MessageRow
{
    std::int64_t eventId = 0;
    std::int64_t timeMs = kNoTime;
    StrId sender = 0;        // users
    StrId ip = 0;            // ips
    StrId messageId = 0;     // others
    std::uint32_t firstRecipient = 0; // range in DetectionInput::recipients
    std::uint32_t recipientCount = 0;
    StrId subject = 0;       // others
};

// Rows of one table grouped by user: rows(user) lists row indices in time order.
struct UserIndex
{
    std::vector<std::uint32_t> offsets; // users.size() + 1 entries
    std::vector<std::uint32_t> rows;

    std::span<const std::uint32_t> of(StrId user) const
    {
        if (user + 1 >= offsets.size())
            return {};
        return {rows.data() + offsets[user], rows.data() + offsets[user + 1]};
    }
};

// Everything the detectors read, loaded from the case in one pass into compact arrays: strings
// interned as integer ids, times as int64, each table sorted by (time, event id) and indexed by
// user. Detectors never query the case themselves.
class DetectionInput
{
public:
    using Progress = std::function<void(std::int64_t done, std::int64_t total)>;

    // Reads every event of the case. Returns false when cancelled (error empty) or on a database
    // error (error set).
    bool load(Database &db, const std::atomic_bool *cancel, const Progress &progress, std::string *error);
    // Derives what depends on the tuning: trusted networks per IP, the tenant's domains.
    void applyTuning(const Tuning &tuning);

    StringPool users; // UPNs and sender addresses, lower case
    StringPool ips;
    StringPool texts;  // operations, apps, workloads, places, risk event types, categories
    StringPool others; // message ids and message recipients (many, never flagged)

    std::vector<SignInRow> signIns;
    std::vector<AuditRow> audits;
    std::vector<RuleRow> rules;   // snapshots (no time) first, then by time
    std::vector<MessageRow> messages;
    std::vector<StrId> recipients; // others, for MessageRow ranges

    UserIndex signInsByUser;
    UserIndex auditsByUser;
    UserIndex messagesBySender;

    std::int64_t eventCount = 0;
    std::int64_t newestTimeMs = kNoTime; // the newest event of any kind

    // Per texts id, computed once at load.
    enum TextFlag : std::uint8_t {
        RuleOperation = 1,      // an inbox rule / mailbox forwarding operation (any case)
        SendOperation = 2,      // Send, SendAs, SendOnBehalf (any case)
        MailApp = 4,            // app name has a mail term (KQL has_any of the seed's list)
        ExchangeWorkload = 8,   // "Exchange", any case
        NonInteractiveCategory = 16,
        LoginFailedOperation = 32, // UserLoginFailed (any case)
        MailAccessOperation = 64,  // MailItemsAccessed and the Send operations (any case)
        AutomationClient = 128,    // a client string of a script, HTTP library or phishing proxy
    };
    bool textHas(StrId id, TextFlag flag) const { return id < m_textFlags.size() && (m_textFlags[id] & flag); }

    // A session or token id (others) that occurs more than once in the case, in either column:
    // only such an id can tie two events together.
    bool isRepeatedKey(StrId id) const { return id < m_repeatedKeys.size() && m_repeatedKeys[id]; }

    // After applyTuning: the trusted network of an IP (index into Tuning::trustedNetworks) or -1.
    int trustedNetworkOf(StrId ip) const { return ip < m_trustedOfIp.size() ? m_trustedOfIp[ip] : -1; }
    // The tenant's own mail domains: the UPN domains of the users who act in the logs, plus
    // tuning's tenant_domains. Sorted.
    const std::vector<std::string> &tenantDomains() const { return m_tenantDomains; }
    // An address outside the tenant's domains (subdomains count as inside). Text without '@'
    // (a directory name) is not external. A hash lookup of the domain and each parent domain.
    bool isExternalAddress(std::string_view address) const;

    const std::atomic_bool *cancel = nullptr; // for detectors with long loops
    bool cancelled() const { return cancel && cancel->load(std::memory_order_relaxed); }

private:
    void flagTexts(); // computes the flags of texts interned since the last call
    void buildIndexes();

    std::vector<std::uint8_t> m_textFlags;
    std::vector<std::uint8_t> m_repeatedKeys; // by others id
    std::vector<int> m_trustedOfIp;
    std::vector<std::string> m_tenantDomains;
    std::unordered_set<std::string> m_tenantDomainSet;
};

} // namespace mp
