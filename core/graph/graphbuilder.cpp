#include "graph/graphbuilder.h"

#include "detect/stringpool.h"
#include "geo/countries.h"
#include "store/database.h"
#include "store/eventquery.h"
#include "store/findingstore.h"
#include "util/strings.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <xxhash.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <unordered_map>
#include <unordered_set>

namespace mp {

namespace {

constexpr std::uint32_t kNone = 0xffffffffu;

// Column order of kSelect. Only what the graph reads: every selected column costs on every row.
enum Column { cId, cKind, cTime, cUser, cIp, cOperation, cApp, cResultCode, cResultStatus, cCountry, cAsn, cAsOrg,
              cRuleName, cForwardTargets, cObjectId, cSender, cRecipients };
constexpr const char *kSelect =
    "SELECT id, kind, time, user, ip, operation, app, result_code, result_status, country, asn, as_org, "
    "rule_name, forward_targets, object_id, sender, recipients FROM events";

enum OperationClass : std::uint8_t { OpOther, OpLoggedIn, OpLoginFailed, OpSend, OpRule, OpMailboxSetting };

OperationClass classify(std::string_view op)
{
    if (iequals(op, "UserLoggedIn"))
        return OpLoggedIn;
    if (iequals(op, "UserLoginFailed"))
        return OpLoginFailed;
    if (iequals(op, "Send") || iequals(op, "SendAs") || iequals(op, "SendOnBehalf"))
        return OpSend;
    if (findI(op, "InboxRule") != std::string_view::npos)
        return OpRule; // New-, Set-, Enable-, Disable-, Remove-InboxRule, UpdateInboxRules
    if (iequals(op, "Set-Mailbox") || iequals(op, "Set-MailboxAutoReplyConfiguration"))
        return OpMailboxSetting;
    return OpOther;
}

// Text -> node of one entity type, for millions of lookups while the events stream by. Open
// addressing over one cache line a slot: the text's hash, its node and, up to 48 bytes (an IP, most
// addresses), the text itself, so that a lookup reads one line and compares there. Longer texts
// are compared in the arena that holds every text.
class NodeIndex
{
public:
    NodeIndex() { m_slots.resize(256); }

    // The node of text, or kNone.
    std::uint32_t find(std::string_view text) const
    {
        if (text.empty())
            return kNone;
        return m_slots[slotOf(text, hashOf(text))].node;
    }
    // The hash of text, its slot's memory fetched meanwhile (for intern() a little later).
    std::uint64_t prefetch(std::string_view text) const
    {
        const std::uint64_t hash = hashOf(text);
        __builtin_prefetch(&m_slots[static_cast<std::size_t>(hash) & (m_slots.size() - 1)]);
        return hash;
    }
    // The node of text; makeNode() gives the node the first time the text is seen.
    template <typename MakeNode>
    std::uint32_t intern(std::string_view text, MakeNode &&makeNode)
    {
        return intern(text, hashOf(text), makeNode);
    }
    template <typename MakeNode>
    std::uint32_t intern(std::string_view text, std::uint64_t hash, MakeNode &&makeNode)
    {
        std::size_t i = slotOf(text, hash);
        if (m_slots[i].node != kNone)
            return m_slots[i].node;
        if ((m_texts.size() + 1) * 2 > m_slots.size()) {
            grow();
            i = slotOf(text, hash);
        }
        const std::string_view stored = store(text);
        m_texts.push_back(stored);
        Slot &slot = m_slots[i];
        slot.hash = hash;
        slot.size = static_cast<std::uint32_t>(text.size());
        if (text.size() <= kInline)
            std::memcpy(slot.text, text.data(), text.size());
        else
            std::memcpy(slot.text, &stored, sizeof stored);
        slot.node = makeNode();
        return slot.node;
    }
    // Every text, in the order first seen.
    const std::vector<std::string_view> &texts() const { return m_texts; }

private:
    static constexpr std::size_t kInline = 48;
    struct alignas(64) Slot
    {
        std::uint64_t hash = 0;
        std::uint32_t node = kNone; // kNone: empty
        std::uint32_t size = 0;
        char text[kInline]; // the text, or (longer) a string_view into the arena
    };
    static_assert(sizeof(std::string_view) <= kInline);

    static std::uint64_t hashOf(std::string_view text) { return XXH3_64bits(text.data(), text.size()); }
    std::size_t slotOf(std::string_view text, std::uint64_t hash) const
    {
        const std::size_t mask = m_slots.size() - 1;
        for (std::size_t i = static_cast<std::size_t>(hash) & mask;; i = (i + 1) & mask) {
            const Slot &s = m_slots[i];
            if (s.node == kNone)
                return i;
            if (s.hash == hash && s.size == text.size()) {
                if (text.size() <= kInline) {
                    if (std::memcmp(s.text, text.data(), text.size()) == 0)
                        return i;
                } else {
                    std::string_view stored;
                    std::memcpy(&stored, s.text, sizeof stored);
                    if (stored == text)
                        return i;
                }
            }
        }
    }
    void grow()
    {
        std::vector<Slot> old(m_slots.size() * 2);
        old.swap(m_slots);
        const std::size_t mask = m_slots.size() - 1;
        for (const Slot &s : old) {
            if (s.node == kNone)
                continue;
            std::size_t i = static_cast<std::size_t>(s.hash) & mask;
            while (m_slots[i].node != kNone)
                i = (i + 1) & mask;
            m_slots[i] = s;
        }
    }
    std::string_view store(std::string_view text)
    {
        constexpr std::size_t kChunk = 1 << 16;
        if (m_chunks.empty() || m_used + text.size() > m_chunkSize) {
            m_chunkSize = std::max(kChunk, text.size());
            m_chunks.push_back(std::make_unique<char[]>(m_chunkSize));
            m_used = 0;
        }
        char *at = m_chunks.back().get() + m_used;
        std::memcpy(at, text.data(), text.size());
        m_used += text.size();
        return {at, text.size()};
    }

    std::vector<Slot> m_slots; // size is a power of two, at most half full
    std::vector<std::string_view> m_texts;
    std::vector<std::unique_ptr<char[]>> m_chunks;
    std::size_t m_used = 0;
    std::size_t m_chunkSize = 0;
};

// One entity type: the node each value became.
struct Entities
{
    NodeType type;
    NodeIndex index;
};

class Builder
{
public:
    explicit Builder(InvestigationGraph &g)
        : m_g(g)
    {
    }

    std::uint32_t node(Entities &kind, std::string_view value) { return node(kind, value, kind.index.prefetch(value)); }
    std::uint32_t node(Entities &kind, std::string_view value, std::uint64_t hash)
    {
        return kind.index.intern(value, hash, [&] {
            const auto n = static_cast<std::uint32_t>(m_g.nodes.size());
            GraphNode &node = m_g.nodes.emplace_back();
            node.type = kind.type;
            node.key = InvestigationGraph::makeKey(kind.type, value);
            node.label = std::string(value);
            return n;
        });
    }

    std::uint32_t network(std::uint32_t asn)
    {
        const auto [it, inserted] = m_networks.try_emplace(asn, 0);
        if (inserted) {
            it->second = static_cast<std::uint32_t>(m_g.nodes.size());
            GraphNode &node = m_g.nodes.emplace_back();
            node.type = NodeType::Network;
            const std::string name = "AS" + std::to_string(asn);
            node.key = InvestigationGraph::makeKey(NodeType::Network, name);
            node.label = name;
            node.asn = asn;
            node.networkClass = networkClass(asn);
        }
        return it->second;
    }

    // A tie seen: logged, not looked up. The log is sorted into edges at the end (buildEdges):
    // cheaper than a hash lookup that misses the cache on every event.
    void edge(EdgeType type, std::uint32_t from, std::uint32_t to, std::int64_t timeMs)
    {
        m_calls.push_back({edgeKey(type, from, to), timeMs});
    }
    static std::uint64_t edgeKey(EdgeType type, std::uint32_t from, std::uint32_t to)
    {
        return static_cast<std::uint64_t>(from) << 32 | static_cast<std::uint64_t>(type) << kTypeShift | to;
    }
    void buildEdges();

    static void stamp(std::int64_t &first, std::int64_t &last, std::int64_t timeMs)
    {
        if (timeMs == kNoTime)
            return;
        if (first == kNoTime || timeMs < first)
            first = timeMs;
        if (last == kNoTime || timeMs > last)
            last = timeMs;
    }
    // Counted apart from the wide nodes while the events stream by (a compact array stays in
    // cache), copied into them at the end.
    void touchNode(std::uint32_t n, std::int64_t timeMs)
    {
        if (n >= m_stats.size())
            m_stats.resize(std::max<std::size_t>(n + 1, m_stats.size() * 2));
        NodeStats &st = m_stats[n];
        ++st.events;
        stamp(st.firstMs, st.lastMs, timeMs);
    }
    void prefetchStats(std::uint32_t n) const
    {
        if (n < m_stats.size())
            __builtin_prefetch(&m_stats[n]);
    }
    void copyStats()
    {
        for (std::size_t n = 0; n < m_stats.size() && n < m_g.nodes.size(); ++n) {
            m_g.nodes[n].events = m_stats[n].events;
            m_g.nodes[n].firstMs = m_stats[n].firstMs;
            m_g.nodes[n].lastMs = m_stats[n].lastMs;
        }
    }

    // The IP's network and country, as the row places it. Most rows repeat what the IP's
    // previous row said: that costs a comparison, not a lookup.
    void place(std::uint32_t ip, std::string_view country, std::uint32_t asn, const Statement &s, std::int64_t timeMs)
    {
        if (ip >= m_ipPlace.size())
            m_ipPlace.resize(std::max<std::size_t>(ip + 1, m_ipPlace.size() * 2));
        IpPlace &p = m_ipPlace[ip];
        if (!country.empty()) {
            // Country nodes are few: their labels (the codes) stay in cache.
            if (p.country != kNone && country == m_g.nodes[p.country].label) {
                p.countryTies.add(timeMs);
            } else {
                flush(p.countryTies, EdgeType::IpInCountry, ip, p.country);
                p.country = node(m_countries, country);
                edge(EdgeType::IpInCountry, ip, p.country, timeMs);
                if (m_g.nodes[ip].country.empty())
                    m_g.nodes[ip].country.assign(country);
            }
        }
        if (asn != 0) {
            if (p.network != kNone && asn == p.asn) {
                p.networkTies.add(timeMs);
            } else {
                flush(p.networkTies, EdgeType::IpInNetwork, ip, p.network);
                p.asn = asn;
                const std::uint32_t net = network(asn);
                p.network = net;
                edge(EdgeType::IpInNetwork, ip, net, timeMs);
                GraphNode &ipNode = m_g.nodes[ip];
                if (ipNode.asn == 0)
                    ipNode.asn = asn;
                if (m_g.nodes[net].org.empty()) {
                    const std::string_view org = s.textView(cAsOrg);
                    if (!org.empty())
                        m_g.nodes[net].org.assign(org);
                }
            }
        }
    }

    std::uint32_t rule(std::string_view owner, std::string_view name)
    {
        std::string value(owner);
        value += '\\';
        value += name;
        const std::uint32_t n = node(m_rules, value);
        GraphNode &r = m_g.nodes[n];
        if (r.owner.empty()) {
            r.owner.assign(owner);
            r.label.assign(name);
        }
        return n;
    }

    void forwards(std::uint32_t rule, std::string_view targets, std::int64_t timeMs)
    {
        while (!targets.empty()) {
            const std::size_t sep = targets.find_first_of(";,");
            const std::string_view one = trim(targets.substr(0, sep));
            if (!one.empty())
                edge(EdgeType::Forwards, rule, node(m_addresses, toLowerAscii(one)), timeMs);
            if (sep == std::string_view::npos)
                break;
            targets.remove_prefix(sep + 1);
        }
    }

    bool read(Database &db, const GraphOptions &options, std::string *error);
    void addMessages();
    void countUsers(const GraphOptions &options);
    void attachFindings(Database &db);

private:
    // Repeats of an IP's place counted where the row already is rather than logged; added to
    // the edge once the edges are built.
    struct Pending
    {
        std::int64_t count = 0;
        std::int64_t firstMs = kNoTime;
        std::int64_t lastMs = kNoTime;
        void add(std::int64_t timeMs)
        {
            ++count;
            stamp(firstMs, lastMs, timeMs);
        }
    };
    // Where an IP's rows place it, one cache line an IP.
    struct alignas(64) IpPlace
    {
        std::uint32_t country = kNone; // the country node of the IP's latest row, kNone for none yet
        std::uint32_t network = kNone;
        std::uint32_t asn = 0;
        Pending countryTies; // rows since that repeat it
        Pending networkTies;
    };
    void flush(Pending &pending, EdgeType type, std::uint32_t ip, std::uint32_t to)
    {
        if (to != kNone && pending.count > 0)
            m_pending.push_back({edgeKey(type, ip, to), pending});
        pending = Pending();
    }
    void flushPlaces()
    {
        for (std::size_t ip = 0; ip < m_ipPlace.size(); ++ip) {
            IpPlace &p = m_ipPlace[ip];
            flush(p.countryTies, EdgeType::IpInCountry, static_cast<std::uint32_t>(ip), p.country);
            flush(p.networkTies, EdgeType::IpInNetwork, static_cast<std::uint32_t>(ip), p.network);
        }
    }
    struct PendingMessage
    {
        StrId sender;
        std::uint32_t firstRecipient;
        std::uint32_t recipientCount;
        std::int64_t timeMs;
    };

    struct EdgeCall
    {
        std::uint64_t key; // from << 32 | type << kTypeShift | to
        std::int64_t timeMs;
    };
    static constexpr int kTypeShift = 28; // nodes below 2^28
    struct PendingTies
    {
        std::uint64_t key;
        Pending ties;
    };
    struct NodeStats
    {
        std::int64_t events = 0;
        std::int64_t firstMs = kNoTime;
        std::int64_t lastMs = kNoTime;
    };

    InvestigationGraph &m_g;
    std::vector<EdgeCall> m_calls; // every tie seen, in order
    std::vector<PendingTies> m_pending;
    std::vector<NodeStats> m_stats;
    Entities m_users{NodeType::User, {}};
    Entities m_ips{NodeType::Ip, {}};
    Entities m_countries{NodeType::Country, {}};
    Entities m_rules{NodeType::Rule, {}};
    Entities m_addresses{NodeType::Address, {}};
    Entities m_apps{NodeType::ClientApp, {}};
    std::unordered_map<std::uint32_t, std::uint32_t> m_networks;
    std::vector<IpPlace> m_ipPlace;
    StringPool m_operations;
    std::string m_lastOpText; // operations repeat in runs: compare before interning
    StrId m_lastOp = 0;
    bool m_lastOpValid = false;
    std::vector<std::uint8_t> m_operationClass;
    // Message trace rows wait for the end of the pass: which senders and recipients are the
    // tenant's is known only once every account has been seen.
    StringPool m_mailAddresses;
    std::vector<StrId> m_recipients;
    std::vector<PendingMessage> m_messages;
};

bool Builder::read(Database &db, const GraphOptions &options, std::string *error)
{
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
    m_calls.reserve(static_cast<std::size_t>(std::max<std::int64_t>(0, maxId)) * 3 / 2);
    m_operationClass.assign(1, OpOther);
    std::int64_t rows = 0;
    while (s.step()) {
        if ((++rows & 0xffff) == 0) {
            if (options.cancel && options.cancel->load(std::memory_order_relaxed))
                return false;
            if (options.progress)
                options.progress(s.int64(cId), maxId);
        }
        const auto kind = static_cast<EventKind>(s.int64(cKind));
        const std::int64_t time = s.isNull(cTime) ? kNoTime : s.int64(cTime);
        if (kind == EventKind::Message) {
            const std::string_view sender = trim(s.textView(cSender).empty() ? s.textView(cUser) : s.textView(cSender));
            if (sender.empty())
                continue;
            PendingMessage m{m_mailAddresses.intern(toLowerAscii(sender)), static_cast<std::uint32_t>(m_recipients.size()), 0,
                             time};
            std::string_view list = s.textView(cRecipients);
            while (!list.empty()) {
                const std::size_t sep = list.find_first_of(";,");
                const std::string_view one = trim(list.substr(0, sep));
                if (!one.empty())
                    m_recipients.push_back(m_mailAddresses.intern(toLowerAscii(one)));
                if (sep == std::string_view::npos)
                    break;
                list.remove_prefix(sep + 1);
            }
            m.recipientCount = static_cast<std::uint32_t>(m_recipients.size()) - m.firstRecipient;
            m_messages.push_back(m);
            continue;
        }
        const std::string_view userText = s.textView(cUser);
        if (userText.empty())
            continue;
        // Every row touches its user's and its IP's data, spread over memory: the lookups are
        // started together and the memory they need fetched while SQLite decodes the columns.
        const std::string_view ipText = s.textView(cIp);
        const std::uint64_t userHash = m_users.index.prefetch(userText);
        const std::uint64_t ipHash = ipText.empty() ? 0 : m_ips.index.prefetch(ipText);
        const std::string_view country = ipText.empty() ? std::string_view() : s.textView(cCountry);
        const auto asn = ipText.empty() || s.isNull(cAsn) ? 0u : static_cast<std::uint32_t>(s.int64(cAsn));
        const std::uint32_t user = node(m_users, userText, userHash);
        prefetchStats(user);
        std::uint32_t ip = kNone;
        if (!ipText.empty()) {
            ip = node(m_ips, ipText, ipHash);
            prefetchStats(ip);
            if (ip < m_ipPlace.size())
                __builtin_prefetch(&m_ipPlace[ip]);
        }
        touchNode(user, time);
        if (ip != kNone) {
            touchNode(ip, time);
            place(ip, country, asn, s, time);
        }

        if (kind == EventKind::SignIn) {
            bool success = false;
            if (!s.isNull(cResultCode))
                success = s.int64(cResultCode) == 0;
            else
                success = eventOutcome(kNoResult, s.textView(cResultStatus)) == EventOutcome::Success;
            if (ip != kNone)
                edge(success ? EdgeType::SignedInFrom : EdgeType::SignInFailedFrom, user, ip, time);
            const std::string_view app = s.textView(cApp);
            if (success && !app.empty())
                edge(EdgeType::UsedClient, user, node(m_apps, app), time);
            continue;
        }

        const std::string_view opText = s.textView(cOperation);
        if (!(m_lastOpValid && opText == m_lastOpText)) {
            m_lastOpText.assign(opText);
            m_lastOp = m_operations.intern(opText);
            m_lastOpValid = true;
        }
        const StrId op = m_lastOp;
        if (op >= m_operationClass.size()) {
            m_operationClass.resize(op + 1, OpOther);
            m_operationClass[op] = classify(m_operations.view(op));
        }
        const auto opClass = static_cast<OperationClass>(m_operationClass[op]);
        if (kind == EventKind::Audit && ip != kNone) {
            const EdgeType type = opClass == OpLoggedIn ? EdgeType::SignedInFrom
                : opClass == OpLoginFailed             ? EdgeType::SignInFailedFrom
                : opClass == OpSend                    ? EdgeType::SentFrom
                                                       : EdgeType::ActedFrom;
            edge(type, user, ip, time);
        }
        const bool snapshot = kind == EventKind::RuleSnapshot;
        if (!snapshot && opClass != OpRule && opClass != OpMailboxSetting)
            continue;
        // The mailbox a rule lives in: the identity the operation named ("mailbox\rule" or the
        // mailbox itself) when that is an address, else the acting user.
        std::string owner(userText);
        const std::string_view object = s.textView(cObjectId);
        if (!object.empty()) {
            const std::string_view mailbox = trim(object.substr(0, object.find('\\')));
            if (mailbox.find('@') != std::string_view::npos)
                owner = toLowerAscii(mailbox);
        }
        const std::string_view targets = s.textView(cForwardTargets);
        std::string_view name = trim(s.textView(cRuleName));
        if (opClass == OpMailboxSetting || (name.empty() && !snapshot)) {
            if (targets.empty())
                continue; // a mailbox setting that forwards nothing is not a graph entity
            name = opClass == OpMailboxSetting ? std::string_view("(mailbox forwarding)") : std::string_view("(unnamed rule)");
        }
        if (name.empty())
            name = "(unnamed rule)";
        const std::uint32_t r = rule(owner, name);
        touchNode(r, time);
        if (snapshot) {
            edge(EdgeType::HasRule, node(m_users, owner), r, time);
        } else {
            edge(EdgeType::ChangedRule, user, r, time);
            if (ip != kNone)
                edge(EdgeType::RuleChangedFrom, ip, r, time);
        }
        forwards(r, targets, time);
    }
    if (s.failed()) {
        if (error)
            *error = "cannot read events: " + db.errorMessage();
        return false;
    }
    copyStats();
    flushPlaces();
    m_g.eventCount = rows;
    if (options.progress)
        options.progress(maxId, maxId);
    return true;
}

// The log of ties, into edges: counting sort by the node the tie starts from, then each node's
// few ties sorted by (type, target, order seen) and merged. Edges are numbered in the order their
// first tie was seen, as a lookup while reading would have numbered them.
void Builder::buildEdges()
{
    const std::size_t nodeCount = m_g.nodes.size();
    std::vector<std::uint32_t> start(nodeCount + 1, 0);
    for (const EdgeCall &c : m_calls)
        ++start[(c.key >> 32) + 1];
    for (std::size_t n = 0; n < nodeCount; ++n)
        start[n + 1] += start[n];
    struct Entry
    {
        std::uint64_t order; // type << kTypeShift | to, in the high half; the tie's position below
        std::int64_t timeMs;
    };
    std::vector<Entry> byFrom(m_calls.size());
    {
        std::vector<std::uint32_t> cursor(start.begin(), start.end() - 1);
        for (std::size_t i = 0; i < m_calls.size(); ++i) {
            const EdgeCall &c = m_calls[i];
            byFrom[cursor[c.key >> 32]++] = {(c.key & 0xffffffffu) << 32 | i, c.timeMs};
        }
    }
    const std::size_t callCount = m_calls.size();
    std::vector<EdgeCall>().swap(m_calls);

    // Each node's ties, merged: (type, target) runs with their counts and times.
    struct Merged
    {
        std::uint32_t typeTo;
        std::uint32_t edge; // index in m_g.edges once numbered
        std::int64_t count;
        std::int64_t firstMs;
        std::int64_t lastMs;
    };
    std::vector<Merged> merged;
    std::vector<std::uint32_t> mergedStart(nodeCount + 1, 0);
    std::vector<std::uint32_t> firstSeen(callCount, kNone); // tie position -> merged index
    for (std::size_t n = 0; n < nodeCount; ++n) {
        mergedStart[n] = static_cast<std::uint32_t>(merged.size());
        const auto begin = byFrom.begin() + start[n], end = byFrom.begin() + start[n + 1];
        std::sort(begin, end, [](const Entry &a, const Entry &b) { return a.order < b.order; });
        for (auto it = begin; it != end;) {
            const auto typeTo = static_cast<std::uint32_t>(it->order >> 32);
            firstSeen[it->order & 0xffffffffu] = static_cast<std::uint32_t>(merged.size());
            Merged m{typeTo, 0, 0, kNoTime, kNoTime};
            for (; it != end && static_cast<std::uint32_t>(it->order >> 32) == typeTo; ++it) {
                ++m.count;
                stamp(m.firstMs, m.lastMs, it->timeMs);
            }
            merged.push_back(m);
        }
    }
    mergedStart[nodeCount] = static_cast<std::uint32_t>(merged.size());
    std::vector<Entry>().swap(byFrom);

    m_g.edges.clear();
    m_g.edges.reserve(merged.size());
    for (std::uint32_t k : firstSeen) {
        if (k == kNone)
            continue;
        Merged &m = merged[k];
        m.edge = static_cast<std::uint32_t>(m_g.edges.size());
        const auto from = static_cast<std::uint32_t>(std::upper_bound(mergedStart.begin(), mergedStart.end(), k) - mergedStart.begin() - 1);
        m_g.edges.push_back({static_cast<EdgeType>(m.typeTo >> kTypeShift), from, m.typeTo & ((1u << kTypeShift) - 1), m.count,
                             m.firstMs, m.lastMs});
    }
    // The repeats of places counted apart.
    for (const PendingTies &p : m_pending) {
        const auto from = static_cast<std::uint32_t>(p.key >> 32);
        const auto typeTo = static_cast<std::uint32_t>(p.key);
        const auto begin = merged.begin() + mergedStart[from], end = merged.begin() + mergedStart[from + 1];
        const auto it = std::lower_bound(begin, end, typeTo, [](const Merged &m, std::uint32_t v) { return m.typeTo < v; });
        if (it == end || it->typeTo != typeTo)
            continue; // cannot happen: the first tie of a place is always logged
        GraphEdge &e = m_g.edges[it->edge];
        e.count += p.ties.count;
        stamp(e.firstMs, e.lastMs, p.ties.firstMs);
        stamp(e.firstMs, e.lastMs, p.ties.lastMs);
    }
    m_pending.clear();
}

// Outbound mail of the tenant's users to addresses outside its domains, and inbound mail from
// outside senders to its users. The tenant's domains are those of the accounts that sign in or
// act in its own logs.
void Builder::addMessages()
{
    if (m_messages.empty())
        return;
    std::vector<std::string> domains;
    for (const std::string_view upn : m_users.index.texts()) {
        const std::size_t at = upn.rfind('@');
        if (at != std::string_view::npos && at + 1 < upn.size())
            domains.push_back(toLowerAscii(upn.substr(at + 1)));
    }
    std::sort(domains.begin(), domains.end());
    domains.erase(std::unique(domains.begin(), domains.end()), domains.end());
    auto internal = [&](std::string_view address) {
        const std::size_t at = address.rfind('@');
        if (at == std::string_view::npos)
            return true; // a directory name, not an address outside
        return std::binary_search(domains.begin(), domains.end(), std::string(address.substr(at + 1)));
    };
    for (const PendingMessage &m : m_messages) {
        const std::string_view sender = m_mailAddresses.view(m.sender);
        if (!internal(sender)) {
            // Inbound: the outside sender, tied to each of the tenant's users it reached (the
            // phishing sender next to its victims).
            for (std::uint32_t k = 0; k < m.recipientCount; ++k) {
                const std::uint32_t user = m_users.index.find(m_mailAddresses.view(m_recipients[m.firstRecipient + k]));
                if (user != kNone)
                    edge(EdgeType::SentMailTo, node(m_addresses, sender), user, m.timeMs);
            }
            continue;
        }
        if (m_users.index.find(sender) == kNone)
            continue; // a directory name or an account with no activity of its own
        const std::uint32_t user = node(m_users, sender);
        for (std::uint32_t k = 0; k < m.recipientCount; ++k) {
            const std::string_view to = m_mailAddresses.view(m_recipients[m.firstRecipient + k]);
            if (!internal(to))
                edge(EdgeType::MailedTo, user, node(m_addresses, to), m.timeMs);
        }
    }
}

// Distinct users per entity, all and active (tied by successful use), and the hubs.
void Builder::countUsers(const GraphOptions &options)
{
    struct Tie
    {
        std::uint32_t node;
        std::uint32_t user;
        bool active;
    };
    std::vector<Tie> ties;
    ties.reserve(m_g.edges.size() * 3);
    // The users of each IP, for its network and country.
    std::vector<std::vector<std::uint32_t>> placeOf(m_g.nodes.size());
    std::vector<std::uint32_t> ruleOwner(m_g.nodes.size(), kNone);
    for (const GraphEdge &e : m_g.edges) {
        if (e.type == EdgeType::IpInNetwork || e.type == EdgeType::IpInCountry)
            placeOf[e.from].push_back(e.to);
        if (e.type == EdgeType::ChangedRule || e.type == EdgeType::HasRule)
            ruleOwner[e.to] = e.from;
    }
    for (const GraphEdge &e : m_g.edges) {
        switch (e.type) {
        case EdgeType::SignedInFrom:
        case EdgeType::SignInFailedFrom:
        case EdgeType::ActedFrom:
        case EdgeType::SentFrom: {
            const bool active = e.type != EdgeType::SignInFailedFrom;
            ties.push_back({e.to, e.from, active});
            for (std::uint32_t p : placeOf[e.to])
                ties.push_back({p, e.from, active});
            ties.push_back({e.from, e.from, active});
            break;
        }
        case EdgeType::ChangedRule:
        case EdgeType::HasRule:
        case EdgeType::MailedTo:
        case EdgeType::UsedClient:
            ties.push_back({e.to, e.from, true});
            ties.push_back({e.from, e.from, true});
            break;
        case EdgeType::SentMailTo:
            // The sender's users are those it reached: one that mails most of the tenant is a
            // hub (a newsletter, a supplier), not a lead.
            ties.push_back({e.from, e.to, true});
            break;
        case EdgeType::Forwards:
            if (ruleOwner[e.from] != kNone)
                ties.push_back({e.to, ruleOwner[e.from], true});
            break;
        default:
            break;
        }
    }
    // Grouped by user (counting sort), each user's ties count once per node: a node remembers
    // the last user counted, and the last user counted as active.
    std::vector<std::uint32_t> start(m_g.nodes.size() + 1, 0);
    for (const Tie &t : ties)
        ++start[t.user + 1];
    for (std::size_t n = 0; n < m_g.nodes.size(); ++n)
        start[n + 1] += start[n];
    std::vector<Tie> byUser(ties.size());
    for (const Tie &t : ties)
        byUser[start[t.user]++] = t;
    std::vector<Tie>().swap(ties);
    struct Count
    {
        std::uint32_t lastUser = kNone;
        std::uint32_t lastActive = kNone;
        std::uint32_t users = 0;
        std::uint32_t active = 0;
    };
    std::vector<Count> counts(m_g.nodes.size());
    for (const Tie &t : byUser) {
        Count &c = counts[t.node];
        if (c.lastUser != t.user) {
            c.lastUser = t.user;
            ++c.users;
        }
        if (t.active && c.lastActive != t.user) {
            c.lastActive = t.user;
            ++c.active;
        }
    }
    for (std::size_t n = 0; n < counts.size(); ++n) {
        m_g.nodes[n].users = counts[n].users;
        m_g.nodes[n].activeUsers = counts[n].active;
    }
    std::uint32_t activeTotal = 0;
    for (const GraphNode &n : m_g.nodes) {
        if (n.type == NodeType::User && n.activeUsers > 0)
            ++activeTotal;
    }
    m_g.tenantActiveUsers = activeTotal;
    m_g.hubThreshold = std::max<std::uint32_t>(
        options.hubMinUsers, static_cast<std::uint32_t>(std::ceil(options.hubShare * activeTotal)));
    for (GraphNode &n : m_g.nodes) {
        if (n.type != NodeType::User && n.type != NodeType::Rule)
            n.hub = n.activeUsers >= m_g.hubThreshold;
    }
}

std::vector<std::string> forwardTargetsOf(const QJsonObject &details)
{
    std::vector<std::string> out;
    for (const QJsonValue v : details.value(QLatin1String("forward_targets")).toArray()) {
        const QString address = v.isObject() ? v.toObject().value(QLatin1String("address")).toString() : v.toString();
        if (!address.isEmpty())
            out.push_back(toLowerAscii(address.toStdString()));
    }
    return out;
}

void Builder::attachFindings(Database &db)
{
    FindingStore store(db);
    if (!store.latestRun())
        return;
    const std::vector<StoredFinding> stored = store.findings();
    std::unordered_map<std::int64_t, std::uint32_t> incidentIndex;
    for (const StoredIncident &si : store.incidents()) {
        incidentIndex.emplace(si.id, static_cast<std::uint32_t>(m_g.incidents.size()));
        GraphIncident &gi = m_g.incidents.emplace_back();
        gi.id = si.id;
        gi.user = si.incident.user;
        gi.severity = severityName(si.incident.severity);
        gi.summary = si.incident.summary;
    }
    std::unordered_set<std::uint64_t> incidentNodes; // (incident index << 32) | node, attached
    for (const StoredFinding &sf : stored) {
        const Finding &f = sf.finding;
        const auto index = static_cast<std::uint32_t>(m_g.findings.size());
        GraphFinding &gf = m_g.findings.emplace_back();
        gf.id = sf.id;
        gf.position = sf.position;
        gf.detector = f.detector;
        gf.severity = severityName(f.severity);
        gf.score = f.score;
        gf.user = f.user;
        gf.summary = f.summary;
        gf.firstMs = f.firstTimeMs;
        gf.lastMs = f.lastTimeMs;
        gf.suppressed = !f.suppressedBy.empty();
        gf.incidentId = f.incidentId;
        gf.fingerprint = f.fingerprint;
        gf.triage = triageStateName(sf.triage.state);
        auto attach = [&](int n) {
            if (n < 0)
                return;
            // Findings attach in index order: a node already attached to this one has it last.
            std::vector<std::uint32_t> &nodeFindings = m_g.nodes[static_cast<std::size_t>(n)].findings;
            if (!nodeFindings.empty() && nodeFindings.back() == index)
                return;
            gf.nodes.push_back(static_cast<std::uint32_t>(n));
            nodeFindings.push_back(index);
        };
        auto findNode = [&](Entities &kind, std::string_view value) -> int {
            const std::uint32_t n = kind.index.find(value);
            return n == kNone ? -1 : static_cast<int>(n);
        };
        attach(findNode(m_users, f.user));
        for (const std::string &ip : f.ips)
            attach(findNode(m_ips, ip));
        const QJsonObject details = QJsonDocument::fromJson(QByteArray::fromStdString(f.details)).object();
        for (const std::string &address : forwardTargetsOf(details))
            attach(findNode(m_addresses, address));
        const std::string ruleName = details.value(QLatin1String("rule_name")).toString().toStdString();
        if (!ruleName.empty())
            attach(findNode(m_rules, f.user + '\\' + ruleName));
        if (const auto it = incidentIndex.find(f.incidentId); it != incidentIndex.end()) {
            GraphIncident &gi = m_g.incidents[it->second];
            for (std::uint32_t n : gf.nodes) {
                if (incidentNodes.insert(std::uint64_t{it->second} << 32 | n).second) {
                    gi.nodes.push_back(n);
                    m_g.nodes[n].incidents.push_back(it->second);
                }
            }
        }
    }
}

} // namespace

bool buildGraph(Database &db, InvestigationGraph &graph, const GraphOptions &options, std::string *error)
{
    graph = InvestigationGraph();
    Builder builder(graph);
    if (!builder.read(db, options, error))
        return false;
    builder.addMessages();
    builder.buildEdges();
    for (GraphNode &n : graph.nodes) {
        if (n.type == NodeType::Network && !n.org.empty())
            n.label += ' ' + n.org;
        if (n.type == NodeType::Country) {
            if (const Country *c = findCountry(n.label))
                n.org = std::string(c->name); // the country's name, for details
        }
    }
    builder.countUsers(options);
    if (options.withFindings)
        builder.attachFindings(db);
    graph.finalise();
    return true;
}

} // namespace mp
