#include "detect/detectioninput.h"

#include "detect/signals.h"
#include "detect/tuning.h"
#include "store/database.h"
#include "util/strings.h"

#include <xxhash.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <numeric>
#include <utility>

namespace mp {

namespace {

// Column order of kSelect.
enum Column {
    cId, cKind, cTime, cUser, cIp, cOperation, cWorkload, cApp, cResultCode, cRiskLevel, cRiskState,
    cRiskEventTypes, cIsRisky, cIsInteractive, cRecordType, cCountry, cCity, cLatitude, cLongitude,
    cGeoSource, cAsn, cRuleName, cParameters, cForwardTargets, cObjectId, cSender, cRecipients,
    cMessageId, cClientApp, cSessionId, cCorrelationId, cSubject, cTokenId,
};

// Every selected column costs on every row, read or not: the client string is one column (the
// client application, else the user agent).
// Row id order, no ORDER BY: a scan of the table in storage order is the fastest read SQLite
// offers, and sorting compact rows in memory afterwards is cheaper than an index walk.
constexpr const char *kSelect =
    "SELECT id, kind, time, user, ip, operation, workload, app, result_code, risk_level, risk_state, "
    "risk_event_types, is_risky, is_interactive, record_type, country, city, latitude, longitude, "
    "geo_source, asn, rule_name, parameters, forward_targets, object_id, sender, recipients, message_id, "
    "coalesce(client_app, user_agent), session_id, correlation_id, subject, token_id "
    "FROM events";

RiskLevel parseRiskLevel(std::string_view s)
{
    if (s.empty() || iequals(s, "none"))
        return RiskLevel::None;
    if (iequals(s, "low"))
        return RiskLevel::Low;
    if (iequals(s, "medium"))
        return RiskLevel::Medium;
    if (iequals(s, "high"))
        return RiskLevel::High;
    if (iequals(s, "hidden"))
        return RiskLevel::Hidden;
    return RiskLevel::Other;
}

RiskState parseRiskState(std::string_view s)
{
    if (s.empty() || iequals(s, "none"))
        return RiskState::None;
    if (iequals(s, "atRisk"))
        return RiskState::AtRisk;
    if (iequals(s, "confirmedCompromised"))
        return RiskState::ConfirmedCompromised;
    if (iequals(s, "remediated"))
        return RiskState::Remediated;
    if (iequals(s, "dismissed"))
        return RiskState::Dismissed;
    if (iequals(s, "confirmedSafe"))
        return RiskState::ConfirmedSafe;
    return RiskState::Other;
}

bool isRuleOperation(std::string_view op)
{
    static constexpr std::string_view kOps[] = {
        "New-InboxRule", "Set-InboxRule", "Enable-InboxRule", "UpdateInboxRules", "Set-Mailbox",
        "Set-MailboxAutoReplyConfiguration",
    };
    return std::any_of(std::begin(kOps), std::end(kOps), [&](std::string_view o) { return iequals(o, op); });
}

bool isSendOperation(std::string_view op)
{
    return iequals(op, "Send") || iequals(op, "SendAs") || iequals(op, "SendOnBehalf");
}

// Sorts rows by (time, event id). Rows are wide, so the keys are sorted with row indices and the
// rows moved once, instead of moving rows around in the sort.
template <typename Row>
void sortByTime(std::vector<Row> &rows)
{
    auto less = [](const Row &a, const Row &b) {
        return a.timeMs != b.timeMs ? a.timeMs < b.timeMs : a.eventId < b.eventId;
    };
    if (std::is_sorted(rows.begin(), rows.end(), less))
        return;
    std::vector<std::uint32_t> order;
    const bool idOrder = std::is_sorted(rows.begin(), rows.end(), [](const Row &a, const Row &b) { return a.eventId < b.eventId; });
    if (idOrder) {
        // The scan reads rows in event id order, so a stable sort by time alone gives (time,
        // event id): an LSD radix sort over the bits the times actually span.
        struct Key
        {
            std::uint64_t time; // order-preserving unsigned form
            std::uint32_t row;
        };
        std::vector<Key> keys(rows.size()), scratch(rows.size());
        std::uint64_t lo = UINT64_MAX, hi = 0;
        for (std::uint32_t i = 0; i < rows.size(); ++i) {
            const std::uint64_t t = static_cast<std::uint64_t>(rows[i].timeMs) ^ (1ULL << 63);
            keys[i] = {t, i};
            lo = std::min(lo, t);
            hi = std::max(hi, t);
        }
        constexpr int kBits = 11;
        constexpr std::size_t kRadix = 1 << kBits;
        std::vector<std::uint32_t> count(kRadix);
        for (int shift = 0; shift < 64 && ((hi - lo) >> shift) != 0; shift += kBits) {
            std::fill(count.begin(), count.end(), 0);
            for (const Key &k : keys)
                ++count[((k.time - lo) >> shift) & (kRadix - 1)];
            std::uint32_t sum = 0;
            for (std::uint32_t &c : count)
                sum += std::exchange(c, sum);
            for (const Key &k : keys)
                scratch[count[((k.time - lo) >> shift) & (kRadix - 1)]++] = k;
            keys.swap(scratch);
        }
        order.resize(rows.size());
        for (std::size_t i = 0; i < keys.size(); ++i)
            order[i] = keys[i].row;
    } else {
        struct Key
        {
            std::int64_t time;
            std::int64_t id;
            std::uint32_t row;
        };
        std::vector<Key> keys(rows.size());
        for (std::uint32_t i = 0; i < rows.size(); ++i)
            keys[i] = {rows[i].timeMs, rows[i].eventId, i};
        std::sort(keys.begin(), keys.end(), [](const Key &a, const Key &b) {
            return a.time != b.time ? a.time < b.time : a.id < b.id;
        });
        order.resize(rows.size());
        for (std::size_t i = 0; i < keys.size(); ++i)
            order[i] = keys[i].row;
    }
    // Gathering reads rows all over memory: fetch a few rows ahead.
    std::vector<Row> sorted;
    sorted.reserve(rows.size());
    constexpr std::size_t kAhead = 8;
    for (std::size_t k = 0; k < order.size(); ++k) {
        if (k + kAhead < order.size())
            __builtin_prefetch(&rows[order[k + kAhead]]);
        sorted.push_back(std::move(rows[order[k]]));
    }
    rows = std::move(sorted);
}

// Low-cardinality columns (operation, workload, application, place) repeat in long runs of rows:
// comparing with the previous value of the column skips most lookups.
class ColumnCache
{
public:
    explicit ColumnCache(StringPool &pool)
        : m_pool(pool)
    {
    }
    StrId intern(std::string_view text)
    {
        if (m_valid && text == m_last)
            return m_id;
        m_last.assign(text);
        m_id = m_pool.intern(text);
        m_valid = true;
        return m_id;
    }

private:
    StringPool &m_pool;
    std::string m_last;
    StrId m_id = 0;
    bool m_valid = false;
};

// Session and token ids are many and mostly unique (one per sign-in or token), so interning them
// one by one costs a cache miss each in a table too large to stay in cache. They are collected
// with their hashes during the scan and given pool ids afterwards, in hash order: an id whose
// hash occurs once is appended without a lookup, repeated ones are interned. Equal texts still get
// equal ids and different texts different ids; only the numbering differs from interning in
// row order, and no detector depends on it.
class PendingIds
{
public:
    // A provisional id (1-based), or 0 for no text.
    std::uint32_t add(std::string_view text)
    {
        if (text.empty())
            return 0;
        if (m_chunks.empty() || m_used + text.size() > kChunkSize) {
            m_chunks.push_back(std::make_unique<char[]>(std::max(kChunkSize, text.size())));
            m_used = 0;
        }
        char *at = m_chunks.back().get() + m_used;
        std::memcpy(at, text.data(), text.size());
        m_used += text.size();
        m_entries.push_back({XXH3_64bits(text.data(), text.size()), at, static_cast<std::uint32_t>(text.size())});
        return static_cast<std::uint32_t>(m_entries.size());
    }

    // The pool id of every provisional id (index: provisional id - 1). Ids of texts that occur
    // more than once are marked in `repeated` (indexed by pool id). The pool takes the texts'
    // memory over: ids seen once are views into it, not copies.
    std::vector<StrId> resolve(StringPool &pool, std::vector<std::uint8_t> &repeated) &&
    {
        const std::size_t n = m_entries.size();
        // Hash order: (hash, provisional id) keys scattered into buckets by the top 16 bits of
        // the hash, each (small, contiguous) bucket then sorted.
        struct Key
        {
            std::uint64_t hash;
            std::uint32_t index;
            bool operator<(const Key &o) const { return hash != o.hash ? hash < o.hash : index < o.index; }
        };
        constexpr std::size_t kBuckets = 1 << 16;
        std::vector<std::uint32_t> start(kBuckets + 1, 0);
        for (const Entry &e : m_entries)
            ++start[(e.hash >> 48) + 1];
        for (std::size_t b = 1; b <= kBuckets; ++b)
            start[b] += start[b - 1];
        std::vector<Key> keys(n);
        {
            std::vector<std::uint32_t> next(start.begin(), start.end() - 1);
            for (std::uint32_t i = 0; i < n; ++i)
                keys[next[m_entries[i].hash >> 48]++] = {m_entries[i].hash, i};
        }
        for (std::size_t b = 0; b < kBuckets; ++b)
            std::sort(keys.begin() + start[b], keys.begin() + start[b + 1]);
        pool.adopt(std::move(m_chunks));
        std::vector<StrId> ids(n);
        for (std::size_t i = 0; i < n;) {
            std::size_t j = i + 1;
            while (j < n && keys[j].hash == keys[i].hash)
                ++j;
            if (j == i + 1) {
                ids[keys[i].index] = pool.appendStored(m_entries[keys[i].index].text());
            } else {
                for (std::size_t k = i; k < j; ++k) {
                    const StrId id = pool.intern(m_entries[keys[k].index].text());
                    ids[keys[k].index] = id;
                    if (id >= repeated.size())
                        repeated.resize(std::max<std::size_t>(id + 1, repeated.size() * 2), 0);
                    repeated[id] = 1;
                }
            }
            i = j;
        }
        repeated.resize(pool.size(), 0);
        return ids;
    }

private:
    static constexpr std::size_t kChunkSize = 1 << 20;
    struct Entry
    {
        std::uint64_t hash;
        const char *data;
        std::uint32_t size;
        std::string_view text() const { return {data, size}; }
    };
    std::vector<Entry> m_entries;
    std::vector<std::unique_ptr<char[]>> m_chunks;
    std::size_t m_used = 0;
};

// Rows are in time order; a stable counting sort by user keeps that order within each user.
template <typename Row, typename UserOf>
UserIndex indexByUser(const std::vector<Row> &rows, std::size_t userCount, UserOf userOf)
{
    UserIndex index;
    index.offsets.assign(userCount + 1, 0);
    for (const Row &r : rows)
        ++index.offsets[userOf(r) + 1];
    for (std::size_t u = 1; u <= userCount; ++u)
        index.offsets[u] += index.offsets[u - 1];
    index.rows.resize(rows.size());
    std::vector<std::uint32_t> next(index.offsets.begin(), index.offsets.end() - 1);
    for (std::uint32_t i = 0; i < rows.size(); ++i)
        index.rows[next[userOf(rows[i])]++] = i;
    return index;
}

} // namespace

void DetectionInput::flagTexts()
{
    static constexpr std::string_view kMailTerms[] = {"Exchange", "Outlook", "Office 365", "Microsoft 365",
                                                      "Exchange Online", "OWA"};
    for (std::size_t id = m_textFlags.size(); id < texts.size(); ++id) {
        const std::string_view t = texts.view(static_cast<StrId>(id));
        std::uint8_t f = 0;
        if (isRuleOperation(t))
            f |= RuleOperation;
        if (isSendOperation(t))
            f |= SendOperation;
        if (std::any_of(std::begin(kMailTerms), std::end(kMailTerms), [&](std::string_view term) { return hasTermKql(t, term); }))
            f |= MailApp;
        if (iequals(t, "Exchange"))
            f |= ExchangeWorkload;
        if (findI(t, "NonInteractive") != std::string_view::npos || findI(t, "ServicePrincipal") != std::string_view::npos
            || findI(t, "ManagedIdentity") != std::string_view::npos)
            f |= NonInteractiveCategory;
        if (iequals(t, "UserLoginFailed"))
            f |= LoginFailedOperation;
        if (iequals(t, "MailItemsAccessed") || isSendOperation(t))
            f |= MailAccessOperation;
        if (!detect::automationMarker(t).empty())
            f |= AutomationClient;
        m_textFlags.push_back(f);
    }
}

bool DetectionInput::load(Database &db, const std::atomic_bool *cancelFlag, const Progress &progress,
                          std::string *error)
{
    cancel = cancelFlag;
    std::int64_t maxId = 0;
    {
        Statement count(db, "SELECT max(id) FROM events");
        if (count.step() && !count.isNull(0))
            maxId = count.int64(0);
    }
    // Reading through a memory map saves copying every page of the table into SQLite's cache.
    std::int64_t mmapBefore = 0;
    {
        Statement q(db, "PRAGMA mmap_size");
        if (q.step())
            mmapBefore = q.int64(0);
    }
    db.exec("PRAGMA mmap_size=2147418112");
    struct RestoreMmap
    {
        Database &db;
        std::int64_t size;
        ~RestoreMmap() { db.exec("PRAGMA mmap_size=" + std::to_string(size)); }
    };
    const RestoreMmap restore{db, mmapBefore}; // declared first: runs after the statement is gone
    Statement s(db, kSelect);
    if (!s.isValid()) {
        if (error)
            *error = "cannot read events: " + db.errorMessage();
        return false;
    }
    m_textFlags.assign(1, 0);
    // Users and IPs vary from row to row: they go to the pool directly. The other columns repeat.
    ColumnCache operationCache(texts), workloadCache(texts), appCache(texts),
        categoryCache(texts), countryCache(texts), cityCache(texts), riskTypesCache(texts), clientAppCache(texts);
    // Subjects and message ids: most rows have none; interning the empty text is skipped.
    auto internId = [this](std::string_view text) -> StrId { return text.empty() ? 0 : others.intern(text); };
    // Session and token ids: provisional until the scan is done (PendingIds).
    PendingIds pendingIds;
    std::int64_t rows = 0;
    while (s.step()) {
        if ((++rows & 0xffff) == 0) {
            if (cancelled())
                return false;
            if (progress)
                progress(s.int64(cId), maxId);
        }
        const std::int64_t id = s.int64(cId);
        const auto kind = static_cast<EventKind>(s.int64(cKind));
        const std::int64_t time = s.isNull(cTime) ? kNoTime : s.int64(cTime);
        if (time != kNoTime && (newestTimeMs == kNoTime || time > newestTimeMs))
            newestTimeMs = time;
        switch (kind) {
        case EventKind::SignIn: {
            SignInRow r;
            r.eventId = id;
            r.timeMs = time;
            // Users and IPs are looked up in tables too large for the cache: their memory is
            // fetched while the other columns are read.
            const StringPool::Lookup user = users.prepare(s.textView(cUser));
            const StringPool::Lookup ip = ips.prepare(s.textView(cIp));
            r.app = appCache.intern(s.textView(cApp));
            if (!s.isNull(cResultCode)) {
                const std::int64_t code = s.int64(cResultCode);
                r.resultCode = code < INT32_MIN + 1 || code > INT32_MAX ? INT32_MAX : static_cast<std::int32_t>(code);
            }
            users.prefetchText(user);
            ips.prefetchText(ip);
            r.riskLevel = parseRiskLevel(s.textView(cRiskLevel));
            r.riskState = parseRiskState(s.textView(cRiskState));
            r.riskEventTypes = riskTypesCache.intern(s.textView(cRiskEventTypes));
            r.isRisky = s.isNull(cIsRisky) ? -1 : static_cast<std::int8_t>(s.int64(cIsRisky) != 0);
            const StrId category = categoryCache.intern(s.textView(cRecordType));
            if (category >= m_textFlags.size())
                flagTexts();
            r.interactive = !(!s.isNull(cIsInteractive) && s.int64(cIsInteractive) == 0)
                && !textHas(category, NonInteractiveCategory);
            r.country = countryCache.intern(s.textView(cCountry));
            r.city = cityCache.intern(s.textView(cCity));
            r.geoSource = static_cast<GeoSource>(s.int64(cGeoSource));
            if (!s.isNull(cLatitude) && !s.isNull(cLongitude)) {
                r.latitude = s.real(cLatitude);
                r.longitude = s.real(cLongitude);
            } else {
                r.geoSource = GeoSource::None;
            }
            r.asn = s.isNull(cAsn) ? 0 : static_cast<std::uint32_t>(s.int64(cAsn));
            r.sessionId = pendingIds.add(s.textView(cSessionId));
            r.correlationId = pendingIds.add(s.textView(cCorrelationId));
            r.tokenId = pendingIds.add(s.textView(cTokenId));
            // The client only matters for password failures (legacy protocols of a spray).
            if (r.resultCode > 0 && r.resultCode != INT32_MAX)
                r.clientApp = clientAppCache.intern(s.textView(cClientApp));
            r.user = users.intern(user);
            r.ip = ips.intern(ip);
            signIns.push_back(r);
            break;
        }
        case EventKind::Audit: {
            AuditRow r;
            r.eventId = id;
            r.timeMs = time;
            const StringPool::Lookup user = users.prepare(s.textView(cUser));
            const StringPool::Lookup ip = ips.prepare(s.textView(cIp));
            r.operation = operationCache.intern(s.textView(cOperation));
            r.workload = workloadCache.intern(s.textView(cWorkload));
            if (r.operation >= m_textFlags.size())
                flagTexts();
            users.prefetchText(user);
            ips.prefetchText(ip);
            // The further columns only where a detector reads them: reading a column costs.
            if (textHas(r.operation, LoginFailedOperation)) {
                if (!s.isNull(cResultCode)) {
                    const std::int64_t code = s.int64(cResultCode);
                    r.resultCode = code < INT32_MIN + 1 || code > INT32_MAX ? INT32_MAX : static_cast<std::int32_t>(code);
                }
                r.clientApp = clientAppCache.intern(s.textView(cClientApp));
            }
            r.sessionId = pendingIds.add(s.textView(cSessionId));
            r.correlationId = pendingIds.add(s.textView(cCorrelationId));
            r.tokenId = pendingIds.add(s.textView(cTokenId));
            if (r.sessionId || r.correlationId || r.tokenId) {
                r.country = countryCache.intern(s.textView(cCountry));
                r.asn = s.isNull(cAsn) ? 0 : static_cast<std::uint32_t>(s.int64(cAsn));
            }
            if (textHas(r.operation, MailAccessOperation)) {
                r.clientApp = clientAppCache.intern(s.textView(cClientApp));
                if (textHas(r.operation, SendOperation))
                    r.subject = internId(s.textView(cSubject));
            }
            r.user = users.intern(user);
            r.ip = ips.intern(ip);
            audits.push_back(r);
            if (textHas(r.operation, RuleOperation)) {
                RuleRow rule;
                rule.eventId = id;
                rule.timeMs = time;
                rule.user = r.user;
                rule.ip = r.ip;
                rule.operation = r.operation;
                rule.ruleName = s.text(cRuleName);
                rule.parameters = s.text(cParameters);
                rule.forwardTargets = s.text(cForwardTargets);
                rule.objectId = s.text(cObjectId);
                rules.push_back(std::move(rule));
            }
            break;
        }
        case EventKind::RuleSnapshot: {
            RuleRow rule;
            rule.eventId = id;
            rule.timeMs = time;
            rule.snapshot = true;
            rule.user = users.intern(s.textView(cUser));
            rule.ip = ips.intern(s.textView(cIp));
            rule.operation = texts.intern(s.textView(cOperation));
            rule.ruleName = s.text(cRuleName);
            rule.parameters = s.text(cParameters);
            rule.forwardTargets = s.text(cForwardTargets);
            rule.objectId = s.text(cObjectId);
            rules.push_back(std::move(rule));
            break;
        }
        case EventKind::Message: {
            MessageRow r;
            r.eventId = id;
            r.timeMs = time;
            std::string_view sender = trim(s.textView(cSender));
            if (sender.empty())
                sender = trim(s.textView(cUser));
            r.sender = users.intern(toLowerAscii(sender));
            r.ip = ips.intern(s.textView(cIp));
            r.messageId = others.intern(s.textView(cMessageId));
            r.firstRecipient = static_cast<std::uint32_t>(recipients.size());
            std::string_view list = s.textView(cRecipients);
            while (!list.empty()) {
                const std::size_t sep = list.find_first_of(";,");
                const std::string_view one = trim(list.substr(0, sep));
                if (!one.empty())
                    recipients.push_back(others.intern(toLowerAscii(one)));
                if (sep == std::string_view::npos)
                    break;
                list.remove_prefix(sep + 1);
            }
            r.recipientCount = static_cast<std::uint32_t>(recipients.size()) - r.firstRecipient;
            r.subject = internId(s.textView(cSubject));
            messages.push_back(r);
            break;
        }
        }
    }
    if (s.failed()) {
        if (error)
            *error = "cannot read events: " + db.errorMessage();
        return false;
    }
    eventCount = rows;
    {
        const std::vector<StrId> ids = std::move(pendingIds).resolve(others, m_repeatedKeys);
        auto resolveId = [&](StrId &id) {
            if (id)
                id = ids[id - 1];
        };
        for (SignInRow &r : signIns) {
            resolveId(r.sessionId);
            resolveId(r.correlationId);
            resolveId(r.tokenId);
        }
        for (AuditRow &r : audits) {
            resolveId(r.sessionId);
            resolveId(r.correlationId);
            resolveId(r.tokenId);
        }
    }
    flagTexts();
    buildIndexes();
    if (progress)
        progress(maxId, maxId);
    return true;
}

void DetectionInput::buildIndexes()
{
    sortByTime(signIns);
    sortByTime(audits);
    sortByTime(rules); // kNoTime is the smallest time: snapshots first
    sortByTime(messages);
    signInsByUser = indexByUser(signIns, users.size(), [](const SignInRow &r) { return r.user; });
    auditsByUser = indexByUser(audits, users.size(), [](const AuditRow &r) { return r.user; });
    messagesBySender = indexByUser(messages, users.size(), [](const MessageRow &r) { return r.sender; });
}

void DetectionInput::applyTuning(const Tuning &tuning)
{
    m_trustedOfIp.assign(tuning.trustedNetworks.empty() ? 0 : ips.size(), -1);
    for (StrId ip = 1; ip < m_trustedOfIp.size(); ++ip) {
        if (const Cidr *c = tuning.trustedNetwork(ips.view(ip)))
            m_trustedOfIp[ip] = static_cast<int>(c - tuning.trustedNetworks.data());
    }

    // The tenant's domains: those of the accounts that act in the tenant's own logs. Message
    // trace senders are left out (inbound mail comes from anywhere), and so are failed
    // sign-ins (a mistyped name is not a domain).
    std::vector<std::uint8_t> acting(users.size(), 0);
    for (const SignInRow &r : signIns) {
        if (r.succeeded())
            acting[r.user] = 1;
    }
    for (const AuditRow &r : audits) {
        // UserLoginFailed is an Azure AD record too, but credential stuffing logs one for every
        // name tried, at any domain.
        if (textHas(r.operation, LoginFailedOperation))
            continue;
        const std::string_view workload = texts.view(r.workload);
        if (workload.empty() || iequals(workload, "Exchange") || iequals(workload, "AzureActiveDirectory"))
            acting[r.user] = 1;
    }
    // Lower case throughout: isExternalAddress looks the address's domain up lower-cased.
    std::vector<std::string> domains;
    for (const std::string &d : tuning.tenantDomains)
        domains.push_back(toLowerAscii(d));
    for (StrId u = 1; u < acting.size(); ++u) {
        if (!acting[u])
            continue;
        const std::string_view user = users.view(u);
        const std::size_t at = user.rfind('@');
        if (at != std::string_view::npos && at + 1 < user.size())
            domains.push_back(toLowerAscii(user.substr(at + 1)));
    }
    std::sort(domains.begin(), domains.end());
    domains.erase(std::unique(domains.begin(), domains.end()), domains.end());
    m_tenantDomains = std::move(domains);
    m_tenantDomainSet = std::unordered_set<std::string>(m_tenantDomains.begin(), m_tenantDomains.end());
}

bool DetectionInput::isExternalAddress(std::string_view address) const
{
    const std::size_t at = address.rfind('@');
    if (at == std::string_view::npos)
        return false;
    if (at + 1 == address.size())
        return false;
    if (m_tenantDomainSet.empty())
        return true;
    // The domain, then each parent domain (a subdomain of a tenant domain is inside).
    const std::string domain = toLowerAscii(address.substr(at + 1));
    for (std::size_t from = 0; from < domain.size();) {
        if (m_tenantDomainSet.count(domain.substr(from)))
            return false;
        const std::size_t dot = domain.find('.', from);
        if (dot == std::string::npos)
            break;
        from = dot + 1;
    }
    return true;
}

} // namespace mp
