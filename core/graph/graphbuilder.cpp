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

#include <algorithm>
#include <cmath>
#include <unordered_map>

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

// Open addressing from a 64-bit edge key (never 0) to an edge index: millions of lookups while
// the events stream by, without a node allocation each.
class EdgeTable
{
public:
    EdgeTable() { m_slots.resize(1 << 12); }
    std::uint32_t *findOrInsert(std::uint64_t key, bool *inserted)
    {
        bool dummy = false;
        if (!inserted)
            inserted = &dummy;
        if ((m_size + 1) * 2 > m_slots.size())
            grow();
        std::size_t i = hash(key) & (m_slots.size() - 1);
        while (m_slots[i].key != 0 && m_slots[i].key != key)
            i = (i + 1) & (m_slots.size() - 1);
        *inserted = m_slots[i].key == 0;
        if (*inserted) {
            m_slots[i].key = key;
            ++m_size;
        }
        return &m_slots[i].value;
    }

private:
    struct Slot
    {
        std::uint64_t key = 0;
        std::uint32_t value = 0;
    };
    static std::size_t hash(std::uint64_t k)
    {
        k ^= k >> 33;
        k *= 0xff51afd7ed558ccdULL;
        k ^= k >> 33;
        return static_cast<std::size_t>(k);
    }
    void grow()
    {
        std::vector<Slot> old(m_slots.size() * 2);
        old.swap(m_slots);
        for (const Slot &s : old) {
            if (s.key == 0)
                continue;
            std::size_t i = hash(s.key) & (m_slots.size() - 1);
            while (m_slots[i].key != 0)
                i = (i + 1) & (m_slots.size() - 1);
            m_slots[i] = s;
        }
    }
    std::vector<Slot> m_slots;
    std::size_t m_size = 0;
};

// One entity type: its values interned, and the node each value became.
struct Entities
{
    NodeType type;
    StringPool pool;
    std::vector<std::uint32_t> nodeOf;
};

class Builder
{
public:
    explicit Builder(InvestigationGraph &g)
        : m_g(g)
    {
    }

    std::uint32_t node(Entities &kind, std::string_view value)
    {
        const StrId id = kind.pool.intern(value);
        if (id >= kind.nodeOf.size())
            kind.nodeOf.resize(std::max<std::size_t>(id + 1, kind.nodeOf.size() * 2), kNone);
        std::uint32_t &n = kind.nodeOf[id];
        if (n == kNone) {
            n = static_cast<std::uint32_t>(m_g.nodes.size());
            GraphNode &node = m_g.nodes.emplace_back();
            node.type = kind.type;
            node.key = InvestigationGraph::makeKey(kind.type, value);
            node.label = std::string(value);
        }
        return n;
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

    // Most nodes have a few dozen edges from them: a short list per node, scanned, is cheaper
    // than a hash lookup that misses the cache on every event. Nodes with many go to the table.
    std::uint32_t edge(EdgeType type, std::uint32_t from, std::uint32_t to, std::int64_t timeMs)
    {
        if (from >= m_out.size())
            m_out.resize(std::max<std::size_t>(from + 1, m_out.size() * 2));
        OutList &list = m_out[from];
        const std::uint64_t key = static_cast<std::uint64_t>(type) << 32 | to;
        if (list.keys.size() <= kShortList) {
            // The keys are scanned apart from the counts (a few cache lines for a few dozen
            // edges); the repeats are counted in the list (already in cache), not in the edge.
            for (std::size_t i = 0; i < list.keys.size(); ++i) {
                if (list.keys[i] == key) {
                    list.entries[i].ties.add(timeMs);
                    return list.entries[i].edge;
                }
            }
            const std::uint32_t index = newEdge(type, from, to);
            if (list.keys.size() == kShortList) {
                // Past the limit the table answers: the list's counts go to their edges now.
                for (OutEntry &o : list.entries) {
                    const GraphEdge &e = m_g.edges[o.edge];
                    *m_edges.findOrInsert(edgeKey(e.type, from, e.to), nullptr) = o.edge;
                    flush(o.ties, o.edge);
                }
                *m_edges.findOrInsert(edgeKey(type, from, to), nullptr) = index;
                list.keys.push_back(key);
                list.entries.push_back({index, {}});
                touch(m_g.edges[index], timeMs);
            } else {
                list.keys.push_back(key);
                list.entries.push_back({index, {}});
                list.entries.back().ties.add(timeMs);
            }
            return index;
        }
        bool inserted = false;
        std::uint32_t *slot = m_edges.findOrInsert(edgeKey(type, from, to), &inserted);
        if (inserted)
            *slot = newEdge(type, from, to);
        touch(m_g.edges[*slot], timeMs);
        return *slot;
    }
    void flushOutEdges()
    {
        for (OutList &list : m_out) {
            if (list.keys.size() <= kShortList) {
                for (OutEntry &o : list.entries)
                    flush(o.ties, o.edge);
            }
        }
    }
    static std::uint64_t edgeKey(EdgeType type, std::uint32_t from, std::uint32_t to)
    {
        return (static_cast<std::uint64_t>(type) + 1) << 58 | static_cast<std::uint64_t>(from) << 29 | to;
    }
    std::uint32_t newEdge(EdgeType type, std::uint32_t from, std::uint32_t to)
    {
        m_g.edges.push_back({type, from, to, 0, kNoTime, kNoTime});
        return static_cast<std::uint32_t>(m_g.edges.size() - 1);
    }

    static void stamp(std::int64_t &first, std::int64_t &last, std::int64_t timeMs)
    {
        if (timeMs == kNoTime)
            return;
        if (first == kNoTime || timeMs < first)
            first = timeMs;
        if (last == kNoTime || timeMs > last)
            last = timeMs;
    }
    static void touch(GraphEdge &e, std::int64_t timeMs)
    {
        ++e.count;
        stamp(e.firstMs, e.lastMs, timeMs);
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
            if (p.countryEdge != kNone && country == p.country) {
                p.countryTies.add(timeMs);
            } else {
                flush(p.countryTies, p.countryEdge);
                p.country.assign(country);
                p.countryEdge = edge(EdgeType::IpInCountry, ip, node(m_countries, country), timeMs);
                if (m_g.nodes[ip].country.empty())
                    m_g.nodes[ip].country = p.country;
            }
        }
        if (asn != 0) {
            if (p.networkEdge != kNone && asn == p.asn) {
                p.networkTies.add(timeMs);
            } else {
                flush(p.networkTies, p.networkEdge);
                p.asn = asn;
                const std::uint32_t net = network(asn);
                p.networkEdge = edge(EdgeType::IpInNetwork, ip, net, timeMs);
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
    // Repeats of a tie counted where the row already is (the IP's place, the node's list of
    // edges) rather than in the edge (a cache miss a row); added to the edge later (flush).
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
    struct IpPlace
    {
        std::string country;
        std::uint32_t countryEdge = kNone;
        std::uint32_t asn = 0;
        std::uint32_t networkEdge = kNone;
        Pending countryTies;
        Pending networkTies;
    };
    void flush(Pending &pending, std::uint32_t edgeIndex)
    {
        if (edgeIndex != kNone && pending.count > 0) {
            GraphEdge &e = m_g.edges[edgeIndex];
            e.count += pending.count;
            stamp(e.firstMs, e.lastMs, pending.firstMs);
            stamp(e.firstMs, e.lastMs, pending.lastMs);
        }
        pending = Pending();
    }
    void flushPlaces()
    {
        for (IpPlace &p : m_ipPlace) {
            flush(p.countryTies, p.countryEdge);
            flush(p.networkTies, p.networkEdge);
        }
    }
    struct PendingMessage
    {
        StrId sender;
        std::uint32_t firstRecipient;
        std::uint32_t recipientCount;
        std::int64_t timeMs;
    };

    struct OutEntry
    {
        std::uint32_t edge;
        Pending ties;
    };
    struct OutList
    {
        std::vector<std::uint64_t> keys; // type << 32 | target node
        std::vector<OutEntry> entries;
    };
    static constexpr std::size_t kShortList = 16;
    struct NodeStats
    {
        std::int64_t events = 0;
        std::int64_t firstMs = kNoTime;
        std::int64_t lastMs = kNoTime;
    };

    InvestigationGraph &m_g;
    std::vector<OutList> m_out;
    std::vector<NodeStats> m_stats;
    Entities m_users{NodeType::User, {}, {}};
    Entities m_ips{NodeType::Ip, {}, {}};
    Entities m_countries{NodeType::Country, {}, {}};
    Entities m_rules{NodeType::Rule, {}, {}};
    Entities m_addresses{NodeType::Address, {}, {}};
    Entities m_apps{NodeType::ClientApp, {}, {}};
    std::unordered_map<std::uint32_t, std::uint32_t> m_networks;
    EdgeTable m_edges;
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
        const std::uint32_t user = node(m_users, userText);
        touchNode(user, time);
        const std::string_view ipText = s.textView(cIp);
        std::uint32_t ip = kNone;
        if (!ipText.empty()) {
            ip = node(m_ips, ipText);
            touchNode(ip, time);
            place(ip, s.textView(cCountry), s.isNull(cAsn) ? 0 : static_cast<std::uint32_t>(s.int64(cAsn)), s, time);
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
    flushOutEdges();
    m_g.eventCount = rows;
    if (options.progress)
        options.progress(maxId, maxId);
    return true;
}

// Outbound mail of the tenant's users to addresses outside its domains. The tenant's domains
// are those of the accounts that sign in or act in its own logs.
void Builder::addMessages()
{
    if (m_messages.empty())
        return;
    std::vector<std::string> domains;
    for (StrId u = 1; u < m_users.pool.size(); ++u) {
        const std::string_view upn = m_users.pool.view(u);
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
        if (!internal(sender) || m_users.pool.find(sender) == 0)
            continue; // inbound mail: the graph follows what the tenant's accounts do
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
        case EdgeType::Forwards:
            if (ruleOwner[e.from] != kNone)
                ties.push_back({e.to, ruleOwner[e.from], true});
            break;
        default:
            break;
        }
    }
    std::sort(ties.begin(), ties.end(), [](const Tie &a, const Tie &b) {
        return a.node != b.node ? a.node < b.node : a.user != b.user ? a.user < b.user : a.active > b.active;
    });
    std::uint32_t activeTotal = 0;
    for (std::size_t i = 0; i < ties.size();) {
        std::size_t j = i;
        GraphNode &n = m_g.nodes[ties[i].node];
        while (j < ties.size() && ties[j].node == ties[i].node && ties[j].user == ties[i].user)
            ++j;
        ++n.users;
        if (ties[i].active) // sorted active first within a (node, user)
            ++n.activeUsers;
        i = j;
    }
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
        auto attach = [&](int n) {
            if (n < 0 || std::find(gf.nodes.begin(), gf.nodes.end(), static_cast<std::uint32_t>(n)) != gf.nodes.end())
                return;
            gf.nodes.push_back(static_cast<std::uint32_t>(n));
            m_g.nodes[static_cast<std::size_t>(n)].findings.push_back(index);
        };
        auto findNode = [&](Entities &kind, std::string_view value) -> int {
            const StrId id = kind.pool.find(value);
            return id != 0 && id < kind.nodeOf.size() && kind.nodeOf[id] != kNone ? static_cast<int>(kind.nodeOf[id]) : -1;
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
                if (std::find(gi.nodes.begin(), gi.nodes.end(), n) == gi.nodes.end()) {
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
    builder.flushOutEdges(); // the counts of the mail ties
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
